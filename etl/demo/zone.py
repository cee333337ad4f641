"""The parts of ``zone.toml`` the demo generator needs, in one typed object.

Everything the generator draws is derived from this object, so a different zone file gives a
different (but equally plausible) demo zone; nothing here knows about a particular zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from etl import config


@dataclass(frozen=True)
class Municipality:
    """A municipality of the zone (``[[municipalities]]``)."""

    nis_code: str
    name: str
    population: int
    postcode: str


@dataclass(frozen=True)
class Deelgemeente:
    """A sub-municipality (``[[deelgemeenten]]``) with its village centre in Lambert 72."""

    code: str
    name: str
    nis_code: str
    centre: tuple[float, float]
    postcode: str


@dataclass(frozen=True)
class Wijk:
    """A police district (``[[wijken]]``); ``seed`` drives the demo Voronoi polygons."""

    code: str
    name: str
    nis_code: str
    deelgemeente: str
    inspector: str
    population: int
    seed: tuple[float, float]


@dataclass(frozen=True)
class TaskType:
    """A wijk task type with its default deadline in days."""

    name: str
    deadline_days: int
    weight: float


@dataclass(frozen=True)
class ZoneSpec:
    """Typed view of the zone configuration, as far as the demo needs it."""

    name: str
    pv_prefix: str
    municipalities: tuple[Municipality, ...]
    deelgemeenten: tuple[Deelgemeente, ...]
    wijken: tuple[Wijk, ...]
    incident_categories: tuple[str, ...]
    window_categories: tuple[str, ...]
    nuisance_types: tuple[str, ...]
    control_types: tuple[str, ...]
    road_users: tuple[str, ...]
    vulnerable_road_users: tuple[str, ...]
    poi_types: tuple[str, ...]
    task_types: tuple[TaskType, ...]
    black_spot_rule: dict = field(default_factory=dict)

    @property
    def wijk_seeds(self) -> np.ndarray:
        """Wijk seed points as an ``(n, 2)`` array, in ``wijken`` order."""
        return np.array([w.seed for w in self.wijken], dtype=float)

    @property
    def centres(self) -> np.ndarray:
        """Deelgemeente centres as an ``(n, 2)`` array, in ``deelgemeenten`` order."""
        return np.array([d.centre for d in self.deelgemeenten], dtype=float)

    @property
    def population(self) -> int:
        """Total population of the zone's municipalities."""
        return sum(m.population for m in self.municipalities)

    def municipality(self, nis_code: str) -> Municipality:
        """The municipality with this NIS code."""
        return next(m for m in self.municipalities if m.nis_code == nis_code)


def _fallback_postcode(nis_code: str) -> str:
    # zone.toml has no postcodes; a four-digit code derived from the NIS code keeps the
    # field filled and stable. Add `postcode` to the zone file to get the real ones.
    return nis_code[-4:]


def _check_demo_keys(doc: dict, zone_file: Path | None) -> None:
    """The demo draws its fictitious wijken and villages around points the zone file gives
    (``seed`` of a wijk, ``centre`` of a deelgemeente, Lambert 72): a zone's own zone.toml
    usually has none. Without them, one Dutch message naming what is missing and what to
    do instead (``KeyError: 'seed'`` before)."""
    missing = (
        [
            f"wijk {w.get('code', '?')}: {key}"
            for w in doc.get("wijken", [])
            for key in ("nis_code", "deelgemeente")
            if w.get(key) in (None, "")
        ]
        + [
            f"deelgemeente {d.get('code', '?')}: nis_code"
            for d in doc.get("deelgemeenten", [])
            if d.get("nis_code") in (None, "")
        ]
        + [
            f"wijk {w.get('code', '?')}: seed"
            for w in doc.get("wijken", [])
            if not (isinstance(w.get("seed"), list) and len(w["seed"]) == 2)
        ]
        + [
            f"deelgemeente {d.get('code', '?')}: centre"
            for d in doc.get("deelgemeenten", [])
            if not (isinstance(d.get("centre"), list) and len(d["centre"]) == 2)
        ]
    )
    if not doc.get("wijken"):
        missing.append("[[wijken]]")
    if missing:
        shown = ", ".join(missing[:6]) + (
            f" en {len(missing) - 6} andere" if len(missing) > 6 else ""
        )
        raise ValueError(
            f"{zone_file or config.zone_path()}: de demozone tekent haar fictieve wijken rond "
            "een punt per wijk (`seed = [x, y]`) en per deelgemeente (`centre = [x, y]`, "
            "Lambert 72), en legt elke wijk in een deelgemeente en gemeente (`deelgemeente`, "
            f"`nis_code`); hier ontbreekt: {shown}. Met de eigen exports van de zone is "
            "geen demo nodig: zet ze onder data/raw/ en bouw met `make build` (of "
            "`python -m etl build`). Voor de demo: vul de punten aan, of gebruik de "
            "zone.toml van het project (git checkout data/zone.toml)."
        )


def load_zone_spec(zone_file: Path | None = None) -> ZoneSpec:
    """Read the zone file into a :class:`ZoneSpec`.

    Parameters
    ----------
    zone_file : Path, optional
        The zone configuration; defaults to :func:`etl.config.zone_path`.

    Returns
    -------
    ZoneSpec
        The zone as the demo generator sees it. Optional keys ``postcode`` (on municipalities
        and deelgemeenten) and ``[zone].pv_prefix`` are honoured when present.
    """
    doc = config.load_zone(zone_file)
    _check_demo_keys(doc, zone_file)
    zone = doc.get("zone", {})
    munis = tuple(
        Municipality(
            nis_code=str(m["nis_code"]),
            name=m["name"],
            population=int(m.get("population", 0) or 0),
            postcode=str(m.get("postcode") or _fallback_postcode(str(m["nis_code"]))),
        )
        for m in doc["municipalities"]
    )
    muni_pc = {m.nis_code: m.postcode for m in munis}
    deel = tuple(
        Deelgemeente(
            code=str(d["code"]),
            name=d["name"],
            nis_code=str(d["nis_code"]),
            centre=(float(d["centre"][0]), float(d["centre"][1])),
            postcode=str(d.get("postcode") or muni_pc[str(d["nis_code"])]),
        )
        for d in doc["deelgemeenten"]
    )
    wijken = tuple(
        Wijk(
            code=str(w["code"]),
            name=w["name"],
            nis_code=str(w["nis_code"]),
            deelgemeente=str(w["deelgemeente"]),
            inspector=w.get("inspector", ""),
            population=int(w.get("population", 0) or 0),
            seed=(float(w["seed"][0]), float(w["seed"][1])),
        )
        for w in doc["wijken"]
    )
    cats = doc.get("categories", {})
    tasks = tuple(
        TaskType(t["name"], int(t.get("deadline_days", 30)), float(t.get("weight", 1.0)))
        for t in doc.get("task_types", [])
    )
    return ZoneSpec(
        name=zone.get("name", "Demozone"),
        pv_prefix=zone.get("pv_prefix", "LE.55.L7"),
        municipalities=munis,
        deelgemeenten=deel,
        wijken=wijken,
        incident_categories=tuple(cats.get("incidents", [])),
        window_categories=tuple(cats.get("window_categories", [])),
        nuisance_types=tuple(cats.get("nuisance", [])),
        control_types=tuple(cats.get("controls", [])),
        road_users=tuple(cats.get("road_users", [])),
        vulnerable_road_users=tuple(cats.get("vulnerable_road_users", [])),
        poi_types=tuple(cats.get("poi_types", [])),
        task_types=tasks or (TaskType("Kantschrift", 30, 1.0),),
        black_spot_rule=dict(doc.get("black_spots", {})),
    )

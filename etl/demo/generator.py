"""Orchestration: draw every kind of record and write the demo zone's exports.

Each kind draws from its own random stream (``default_rng([seed, k])``), so the output is a
pure function of the arguments and changing one kind never shifts another.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from etl.demo import formats
from etl.demo.events import event_nuisance, events_frame, make_events
from etl.demo.formats import ISLP, NUISANCE, POI, TimeFormatter, write_csv, write_per_year
from etl.demo.geography import build_geography, write_districts
from etl.demo.incidents import incidents_frame, make_incidents
from etl.demo.planted import make_pois, plan_black_spots, plan_hot_spots, priority_score
from etl.demo.registers import nuisance_frame, poi_frame, sequence_ids, tasks_frame
from etl.demo.rhythms import MINUTES_PER_DAY, make_period
from etl.demo.sectors import (
    absences_frame,
    build_sectors,
    write_absences,
    write_addresses,
    write_sectors,
)
from etl.demo.traffic import (
    USER_KEYS,
    accidents_frame,
    controls_frame,
    make_accidents,
    make_controls,
    statbel_frame,
    victims_frame,
)
from etl.demo.zone import load_zone_spec

_STREAMS = {"geo": 0, "poi": 1, "plan": 2, "incidents": 3, "accidents": 4, "nuisance": 5,
            "tasks": 6, "controls": 7, "format": 8, "sectors": 9, "absences": 10,
            "events": 11}  # fmt: skip


def _pv_numbers(prefix: str, registered: list[np.ndarray], tf: TimeFormatter) -> list[np.ndarray]:
    """PV numbers ``<prefix>.<nnnnnn>/<jaar>`` shared by incidents and accident reports.

    One series per registration year, numbered in registration order, as ISLP hands them out.
    """
    allreg = np.concatenate(registered)
    years = tf.year(allreg)
    order = np.lexsort((np.arange(allreg.size), allreg, years))
    ys = years[order]
    start = np.r_[0, np.flatnonzero(ys[1:] != ys[:-1]) + 1]
    seq = np.empty(allreg.size, np.int64)
    seq[order] = np.arange(ys.size) - np.repeat(start, np.diff(np.r_[start, ys.size])) + 1
    pv = prefix + "." + formats.zero_padded(seq, 6) + "/" + formats.int_text(years)
    out, i = [], 0
    for r in registered:
        out.append(pv[i : i + r.size])
        i += r.size
    return out


def _overloaded_wijk(spec, hot_spots) -> int | None:
    """The wijk of the planted nuisance hot spot: it also gets the most work per inhabitant."""
    codes = [w.code for w in spec.wijken]
    for h in hot_spots:
        if h.nuisance_type and h.wijk_code in codes:
            return codes.index(h.wijk_code)
    return 0 if codes else None


#: The file beside ``ground_truth.json`` naming the generator that wrote the demo zone.
FINGERPRINT_FILE = ".generator"


def generator_fingerprint(zone_file: Path | None = None) -> str:
    """Fingerprint of the demo generator (its modules) and the zone it draws: a demo zone
    written by another generator (an older one, with other Statbel codes) is made again,
    by ``make demo`` and by the benchmark, rather than read as if it were current."""
    import hashlib

    from etl import config

    zone = Path(zone_file) if zone_file else config.zone_path()
    digest = hashlib.sha256()
    for path in [*sorted(Path(__file__).parent.glob("*.py")), zone]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def is_current_demo(out: Path, zone_file: Path | None = None) -> bool:
    """Whether ``out`` holds a complete demo zone of this generator and zone."""
    stamp = Path(out) / FINGERPRINT_FILE
    return (
        (Path(out) / "ground_truth.json").exists()
        and stamp.exists()
        and stamp.read_text(encoding="utf-8").strip() == generator_fingerprint(zone_file)
    )


def generate_demo(
    out: Path,
    seed: int = 42,
    years: int = 3,
    scale: float = 1.0,
    end: date | None = None,
    zone_file: Path | None = None,
) -> dict[str, int]:
    """Write a complete demo zone: raw exports per kind plus ``ground_truth.json``.

    Parameters
    ----------
    out : Path
        Target folder; gets one sub-folder per kind (``incidents/``, ``accidents/``, ...) as
        described in ``docs/DATA_CONTRACT.md`` section 1, and ``ground_truth.json``.
    seed : int
        Random seed; the output is byte-identical for the same arguments and zone file.
    years : int
        Number of whole years up to ``end``.
    scale : float
        Volume multiplier (1.0 ≈ 3,500 incidents a year; 300 ≈ 10^6).
    end : datetime.date, optional
        Last day of the data; default yesterday.
    zone_file : Path, optional
        Zone configuration; default :func:`etl.config.zone_path`.

    Returns
    -------
    dict of str to int
        Rows (features for ``districts`` and ``sectors``) written per kind; ``addresses``
        is the address list, ``absences`` the inspectors' absences.
    """
    out = Path(out)
    end = end or (date.today() - timedelta(days=1))
    if years < 1:
        raise ValueError("years moet minstens 1 zijn")
    if scale <= 0:
        raise ValueError("scale moet positief zijn")

    def rng(name: str) -> np.random.Generator:
        return np.random.default_rng([seed, _STREAMS[name]])

    spec = load_zone_spec(zone_file)
    period = make_period(end, years)
    tf = TimeFormatter(period)
    geo = build_geography(spec, rng("geo"))
    pois = make_pois(geo, rng("poi"))
    plan_rng = rng("plan")
    hot_spots = plan_hot_spots(geo, pois, period, plan_rng)
    black_spots = plan_black_spots(geo, [(h.x, h.y) for h in hot_spots], plan_rng)

    summary: dict[str, int] = {}
    summary["districts"] = write_districts(geo, out / "districts")
    sectors = build_sectors(geo, rng("sectors"))
    summary["sectors"] = write_sectors(geo, sectors, out / "districts")
    summary["addresses"] = write_addresses(geo, out / "addresses")
    summary["poi"] = write_csv(poi_frame(pois), out / "poi" / "poi.csv", POI)
    # The municipalities' event lists: the period and the weeks after it (planned events).
    r_ev = rng("events")
    events = make_events(geo, pois, period, r_ev)
    ev_df, ev_years = events_frame(events)
    summary["events"] = write_per_year(ev_df, ev_years, out / "events", "evenementen", POI)
    ev_nuisance, ev_planted = event_nuisance(events, period, r_ev, scale, spec.nuisance_types)

    r_inc = rng("incidents")
    inc = make_incidents(geo, period, r_inc, scale, hot_spots)
    r_acc = rng("accidents")
    acc = make_accidents(geo, period, r_acc, scale, black_spots)
    # Accident reports are registered shortly after the facts and share the PV series.
    acc_reg = np.minimum(acc.at + 60 + (acc.at % 7) * 30, period.n_days * MINUTES_PER_DAY - 1)
    pv_inc, pv_acc = _pv_numbers(spec.pv_prefix, [inc.registered, acc_reg], tf)

    inc_df = incidents_frame(inc, geo, r_inc, tf, pv_inc)
    inc_years = tf.year(inc.occurred_from)
    order = np.argsort(inc.registered, kind="stable")
    summary["incidents"] = write_per_year(
        inc_df.iloc[order], inc_years[order], out / "incidents", "islp_feiten", ISLP
    )
    inc_wijk = geo.wijk_of(inc.true_x, inc.true_y)
    inc_pv_clean = np.where(inc.bad == 2, "", pv_inc)
    del inc_df

    acc_years = tf.year(acc.at)
    order = np.argsort(acc.at, kind="stable")
    summary["accidents"] = write_per_year(
        accidents_frame(acc, geo, tf, pv_acc).iloc[order], acc_years[order], out / "accidents",
        "islp_ongevallen", ISLP,
    )  # fmt: skip
    vict = victims_frame(acc, geo, pv_acc)
    v_years = acc_years[np.sort(acc.v_acc)]
    summary["victims"] = write_per_year(vict, v_years, out / "victims", "islp_slachtoffers", ISLP)
    y0, y1 = period.start.year, period.end.year
    summary["statbel"] = write_csv(
        statbel_frame(acc, geo, tf),
        out / "statbel" / f"OPENDATA_MAP_{y0}-{y1}.txt",
        ("|", "utf-8-sig", "\n"),
    )

    nuis_df, nuis_years = nuisance_frame(
        geo, period, rng("nuisance"), scale, hot_spots, tf, extra=ev_nuisance
    )
    summary["nuisance"] = write_per_year(
        nuis_df, nuis_years, out / "nuisance", "overlast", NUISANCE
    )

    overloaded = _overloaded_wijk(spec, hot_spots)
    task_df, task_years, odd_tasks = tasks_frame(
        geo, period, rng("tasks"), scale, tf, inc_pv_clean, inc_wijk, sectors, overloaded
    )
    summary["tasks"] = write_per_year(task_df, task_years, out / "tasks", "wijktaken", ISLP)
    summary["absences"] = write_absences(
        absences_frame(geo, period, rng("absences"), skip_wijk=overloaded), out / "absences"
    )

    ctl = make_controls(geo, period, rng("controls"), scale)
    ctl_years = tf.year(ctl.start)
    order = np.argsort(ctl.start, kind="stable")
    ids = sequence_ids("VC", ctl_years, ctl.start, 4)
    summary["controls"] = write_per_year(
        controls_frame(ctl, geo, tf, ids).iloc[order], ctl_years[order], out / "controls",
        "verkeerscontroles", ISLP,
    )  # fmt: skip

    truth = _ground_truth(spec, geo, period, tf, hot_spots, black_spots, inc, odd_tasks,
                          seed, years, scale)  # fmt: skip
    truth["event_nuisance"] = ev_planted
    out.mkdir(parents=True, exist_ok=True)
    (out / "ground_truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (out / FINGERPRINT_FILE).write_text(generator_fingerprint(zone_file) + "\n", encoding="utf-8")
    return summary


def _ground_truth(spec, geo, period, tf, hot_spots, black_spots, inc, odd_tasks, seed, years,
                  scale) -> dict:  # fmt: skip
    """What was planted, so tests and the dashboard author can check the analysis finds it."""
    day0 = np.datetime64(period.start, "D")

    def day(d: int) -> str:
        return str(day0 + min(d, period.n_days - 1))

    rule = spec.black_spot_rule
    spots = []
    for b in black_spots:
        victims = [v for _, _, vs in b.accidents for v in vs]
        spots.append(
            {
                "kind": b.label,
                "x": b.x,
                "y": b.y,
                "street": b.street.split(" / ")[0],
                "junction": b.street,
                "wijk_code": spec.wijken[
                    int(geo.wijk_of(np.array([b.x]), np.array([b.y]))[0])
                ].code,
                "injury_accidents": len(b.accidents),
                "killed": sum(s == "killed" for _, s in victims),
                "seriously_injured": sum(s == "serious" for _, s in victims),
                "lightly_injured": sum(s == "light" for _, s in victims),
                "vulnerable_victims": sum(u in ("PED", "CYC", "MOP") for u, _ in victims),
                "priority_score": priority_score(victims, rule),
                "radius_m": 15.0,
            }
        )
    n_bad_date = int((inc.bad == 1).sum())
    n_bad_pv = int((inc.bad == 2).sum())
    return {
        "zone": spec.name,
        "crs": "EPSG:31370",
        "generator": {
            "seed": seed,
            "years": years,
            "scale": scale,
            "start": str(period.start),
            "end": str(period.end),
        },  # fmt: skip
        "hot_spots": [
            {
                "kind": h.kind,
                "category": h.category,
                "x": h.x,
                "y": h.y,
                "radius_m": h.radius_m,
                "wijk_code": h.wijk_code,
                "from": day(h.day_from),
                "to": day(h.day_to - 1),
                **({"nuisance_type": h.nuisance_type} if h.nuisance_type else {}),
            }
            for h in hot_spots
        ],
        "black_spots": [s for s in spots if s["kind"] == "black_spot"],
        "near_threshold": [s for s in spots if s["kind"] == "near_threshold"],
        "deliberate_faults": {
            "incidents": {
                "unparseable_date": n_bad_date,
                "empty_pv_number": n_bad_pv,
                "without_coordinates": int(np.isnan(inc.x).sum()),
                "outside_zone": int(inc.outside.sum()),
            },
            "tasks": odd_tasks,
        },
        "road_user_keys": list(USER_KEYS),
    }

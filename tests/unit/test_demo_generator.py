"""Tests for the demo zone generator (etl.demo): formats per contract, determinism, geography,
planted ground truth."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from etl.demo import generate_demo

END = date(2025, 6, 30)

ISLP = {"sep": ";", "encoding": "cp1252"}
HEADERS = {
    "incidents": ("islp_feiten", ISLP, [
        "PV-nummer", "Datum feit", "Einddatum feit", "Registratiedatum", "Categorie",
        "Omschrijving", "Straat", "Huisnr", "Postcode", "Gemeente", "X", "Y", "Status",
        "Wijkinspecteur"]),
    "accidents": ("islp_ongevallen", ISLP, [
        "Ongevalnummer", "Datum/uur", "Straat", "Huisnr", "Gemeente", "X", "Y", "Ernst",
        "Weggebruiker 1", "Weggebruiker 2", "Lichtgesteldheid", "Weer", "Bebouwde kom",
        "Kruispunt", "Wegtype"]),
    "victims": ("islp_slachtoffers", ISLP, [
        "Ongevalnummer", "Volgnummer", "Letsel", "Type weggebruiker", "Leeftijdsklasse"]),
    "nuisance": ("overlast", {"sep": ",", "encoding": "utf-8-sig"}, [
        "Meldingsnummer", "Datum melding", "Type overlast", "Straat", "Huisnummer", "Postcode",
        "Gemeente", "Lambert X", "Lambert Y", "Status", "Bron"]),
    "tasks": ("wijktaken", ISLP, [
        "Taaknummer", "Type taak", "Ontvangen", "Termijn", "Afgesloten", "Wijk",
        "Wijkinspecteur", "Status", "Straat", "Huisnr", "Gemeente", "Referentie"]),
    "controls": ("verkeerscontroles", ISLP, [
        "Controlenummer", "Type controle", "Begin", "Einde", "Straat", "X", "Y",
        "Gecontroleerde voertuigen", "Overtredingen"]),
}  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """Three years at scale 0.3: small and fast, but enough records for the spatial checks."""
    out = tmp_path_factory.mktemp("demo")
    generate_demo(out, seed=7, years=3, scale=0.3, end=END)
    return out


@pytest.fixture(scope="module")
def one_year(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("year")
    return out, generate_demo(out, seed=3, years=1, scale=1.0, end=END)


def _read(folder: Path, kind: str) -> pd.DataFrame:
    stem, opts, _ = HEADERS[kind]
    files = sorted((folder / kind).glob(f"{stem}_*.csv"))
    assert files, f"geen bestanden voor {kind}"
    return pd.concat(
        [pd.read_csv(f, dtype=str, keep_default_na=False, **opts) for f in files],
        ignore_index=True,
    )


def _coords(df: pd.DataFrame, xcol: str = "X", ycol: str = "Y") -> np.ndarray:
    xy = df[[xcol, ycol]].replace("", np.nan).dropna()
    return xy.apply(lambda s: s.str.replace(",", ".").astype(float)).to_numpy()


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def test_same_arguments_give_identical_bytes(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_demo(a, seed=11, years=1, scale=0.1, end=END)
    generate_demo(b, seed=11, years=1, scale=0.1, end=END)
    generate_demo(c, seed=12, years=1, scale=0.1, end=END)
    assert _digest(a) == _digest(b)
    assert _digest(a) != _digest(c)


@pytest.mark.parametrize("kind", list(HEADERS))
def test_files_follow_the_contract(demo, kind):
    stem, opts, header = HEADERS[kind]
    files = sorted((demo / kind).glob(f"{stem}_*.csv"))
    # one file per calendar year touched by the period (2022-07-01 .. 2025-06-30)
    assert [f.name for f in files] == [f"{stem}_{y}.csv" for y in range(2022, 2026)]
    for f in files:
        raw = f.read_bytes()
        if opts["encoding"] == "utf-8-sig":
            assert raw.startswith(b"\xef\xbb\xbf")
        else:
            assert not raw.startswith(b"\xef\xbb\xbf")
        df = pd.read_csv(f, dtype=str, keep_default_na=False, **opts)
        assert list(df.columns) == header


def test_incidents_need_windows_1252(demo):
    raw = b"".join(p.read_bytes() for p in (demo / "incidents").glob("*.csv"))
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert any(s in text for s in ("Sint-Rémistraat", "Égide Walschaertsstraat", "Hélène"))


def test_incident_fields(demo):
    inc = _read(demo, "incidents")
    pv = inc["PV-nummer"]
    assert pv[pv != ""].str.fullmatch(r"[A-Z]{2}\.\d{2}\.[A-Z]\d\.\d{6,}/\d{4}").all()
    assert not pv[pv != ""].duplicated().any()
    fmt = "%d/%m/%Y %H:%M"
    occurred = pd.to_datetime(inc["Datum feit"], format=fmt, errors="coerce")
    registered = pd.to_datetime(inc["Registratiedatum"], format=fmt)
    until = pd.to_datetime(inc["Einddatum feit"].replace("", None), format=fmt)
    bad_date = occurred.isna()
    assert 0 < bad_date.sum() + (pv == "").sum() < 0.01 * len(inc)
    assert (registered[~bad_date] >= occurred[~bad_date]).all()
    has_to = until.notna() & ~bad_date
    assert (until[has_to] > occurred[has_to]).all()
    window = inc["Einddatum feit"] != ""
    assert window[inc["Categorie"] == "Woninginbraak"].mean() > 0.6
    assert not window[inc["Categorie"] == "Winkeldiefstal"].any()
    assert inc["X"].str.fullmatch(r"(\d+,\d)?").all()
    assert 0.01 < (inc["X"] == "").mean() < 0.03


def test_statbel_file(demo):
    files = list((demo / "statbel").glob("OPENDATA_MAP_*.txt"))
    assert [f.name for f in files] == ["OPENDATA_MAP_2022-2025.txt"]
    assert files[0].read_bytes().startswith(b"\xef\xbb\xbf")
    st = pd.read_csv(files[0], sep="|", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    for col in ("DT_YEAR_COLLISION", "DT_MONTH_COLLISION", "DT_TIME", "CD_NIS",
                "TX_MUNTY_COLLISION_NL", "MS_X_COORD", "MS_Y_COORD"):  # fmt: skip
        assert col in st.columns
    for code in ("CROSSWAY", "WEATHER", "ROAD_CONDITION", "BUILD_UP_AREA", "LIGHT_CONDITION",
                 "CLASS_ACCIDENTS", "ROAD_USR_TYPE1", "ROAD_USR_TYPE2",
                 "COLLISION_TYPE", "OBSTACLES"):  # fmt: skip
        assert {f"CD_{code}", f"TX_{code}_NL", f"TX_{code}_FR"} <= set(st.columns)
    # Statbel's own name for the road type's labels (as in the real file).
    assert {"CD_ROAD_TYPE", "CD_ROAD_TYPE_NL", "CD_ROAD_TYPE_FR"} <= set(st.columns)
    # Statbel's classes: 1 met doden, 2 met dodelijk gewonden, 3 zwaar-, 4 lichtgewonden.
    classes = dict(zip(st["CD_CLASS_ACCIDENTS"], st["TX_CLASS_ACCIDENTS_NL"], strict=True))
    assert set(classes) <= {"1", "2", "3", "4"} and {"3", "4"} <= set(classes)
    assert classes["3"] == "met zwaargewonden" and classes["4"] == "met lichtgewonden"
    severity = _read(demo, "accidents")["Ernst"]
    assert (st["CD_CLASS_ACCIDENTS"] == "4").sum() == (severity == "Lichtgewond").sum()
    assert st["CD_CLASS_ACCIDENTS"].isin(["1", "2"]).sum() == (severity == "Dodelijk").sum()
    assert st["MS_X_COORD"].str.contains(",").all()
    assert set(st["CD_NIS"]) <= {"24038", "24055"}
    acc = _read(demo, "accidents")
    assert len(st) == (acc["Ernst"] != "Stoffelijke schade").sum()


def test_counts_at_scale_one(one_year):
    out, summary = one_year
    assert 3000 < summary["incidents"] < 4100
    acc = _read(out, "accidents")
    injury = (acc["Ernst"] != "Stoffelijke schade").sum()
    assert 110 < injury < 200
    assert 480 < (acc["Ernst"] == "Stoffelijke schade").sum() < 720
    assert 1250 < summary["nuisance"] < 1800
    assert 2100 < summary["tasks"] < 2900
    assert 200 < summary["controls"] < 400
    vic = _read(out, "victims")
    assert set(acc.loc[acc["Ernst"] != "Stoffelijke schade", "Ongevalnummer"]) <= set(
        vic["Ongevalnummer"]
    )
    assert (vic["Letsel"] == "Gedood binnen 30 dagen").sum() <= 6


def test_tasks_have_a_qc_queue_and_odd_rows(one_year):
    tasks = _read(one_year[0], "tasks")
    assert {"Open", "Afgewerkt", "Te controleren"} <= set(tasks["Status"])
    received = pd.to_datetime(tasks["Ontvangen"], format="%d/%m/%Y")
    closed = pd.to_datetime(tasks["Afgesloten"].replace("", None), format="%d/%m/%Y")
    assert (closed < received).sum() >= 1
    assert ((tasks["Status"] == "Open") & (tasks["Afgesloten"] != "")).sum() == 0


def _layers(folder: Path) -> dict[str, list]:
    out = {}
    for name in ("wijken", "deelgemeenten", "gemeenten", "zone"):
        fc = json.loads((folder / "districts" / f"{name}.geojson").read_text(encoding="utf-8"))
        assert "31370" in fc["crs"]["properties"]["name"]
        assert all(f["properties"]["demo"] is True for f in fc["features"])
        out[name] = [(f["properties"], shape(f["geometry"])) for f in fc["features"]]
    return out


def test_polygons_nest_and_cover_the_zone(demo):
    layers = _layers(demo)
    zone = layers["zone"][0][1]
    assert 60e6 < zone.area < 75e6
    assert len(layers["wijken"]) == 10
    deel = {p["deelgemeente_code"]: g for p, g in layers["deelgemeenten"]}
    gem = {p["nis_code"]: g for p, g in layers["gemeenten"]}
    for props, g in layers["wijken"]:
        assert g.difference(deel[props["deelgemeente_code"]]).area < 1.0
    for props, g in layers["deelgemeenten"]:
        assert g.difference(gem[props["nis_code"]]).area < 1.0
    for name in ("wijken", "deelgemeenten", "gemeenten"):
        geoms = [g for _, g in layers[name]]
        assert abs(sum(g.area for g in geoms) - zone.area) < 1.0  # no overlaps
        assert shapely.union_all(geoms).symmetric_difference(zone).area < 1.0  # no gaps


def test_points_inside_zone_except_flagged_share(demo):
    zone = _layers(demo)["zone"][0][1]
    for kind, cols in (("incidents", ("X", "Y")), ("accidents", ("X", "Y")),
                       ("nuisance", ("Lambert X", "Lambert Y")), ("controls", ("X", "Y"))):  # fmt: skip
        xy = _coords(_read(demo, kind), *cols)
        outside = 1 - shapely.contains_xy(zone, xy[:, 0], xy[:, 1]).mean()
        limit = 0.008 if kind == "incidents" else 0.001
        assert outside <= limit, kind
    inc_xy = _coords(_read(demo, "incidents"))
    assert not shapely.contains_xy(zone, inc_xy[:, 0], inc_xy[:, 1]).all()


def test_planted_hot_spots_are_denser_than_surroundings(demo):
    truth = json.loads((demo / "ground_truth.json").read_text(encoding="utf-8"))
    inc = _read(demo, "incidents")
    assert len(truth["hot_spots"]) == 4
    assert [h["kind"] for h in truth["hot_spots"]].count("emerging") == 1
    for h in truth["hot_spots"]:
        sel = inc[inc["Categorie"] == h["category"]]
        xy = _coords(sel)
        d = np.hypot(xy[:, 0] - h["x"], xy[:, 1] - h["y"])
        r = h["radius_m"]
        inside = (d <= r).sum() / (np.pi * r**2)
        ring = ((d > 2 * r) & (d <= 6 * r)).sum() / (np.pi * ((6 * r) ** 2 - (2 * r) ** 2))
        assert inside > 3 * max(ring, 1e-9), h
    emerging = next(h for h in truth["hot_spots"] if h["kind"] == "emerging")
    sel = inc[inc["Categorie"] == emerging["category"]].copy()
    sel = sel[sel["X"] != ""]
    xy = _coords(sel)
    near = np.hypot(xy[:, 0] - emerging["x"], xy[:, 1] - emerging["y"]) <= emerging["radius_m"]
    when = pd.to_datetime(sel["Datum feit"], format="%d/%m/%Y %H:%M", errors="coerce")
    start = pd.Timestamp(emerging["from"])
    recent = (when >= start - pd.Timedelta(days=1)).to_numpy()
    days_after = (pd.Timestamp(END) - start).days + 1
    days_before = max((start - when.min()).days, 1)
    assert (near & recent).sum() >= 8
    rate_after = (near & recent).sum() / days_after
    rate_before = max((near & ~recent).sum(), 1) / days_before
    assert rate_after > 4 * rate_before


def test_black_spots_have_enough_injury_accidents(demo):
    truth = json.loads((demo / "ground_truth.json").read_text(encoding="utf-8"))
    assert len(truth["black_spots"]) == 3 and len(truth["near_threshold"]) == 2
    acc = _read(demo, "accidents")
    injury = acc[acc["Ernst"] != "Stoffelijke schade"]
    when = pd.to_datetime(injury["Datum/uur"], format="%d/%m/%Y %H:%M")
    injury = injury[when > pd.Timestamp(END) - pd.DateOffset(years=3)]
    xy = _coords(injury)
    for spot in truth["black_spots"]:
        n = (np.hypot(xy[:, 0] - spot["x"], xy[:, 1] - spot["y"]) <= 50).sum()
        assert n >= 4, spot
        assert spot["priority_score"] >= 15
        assert spot["street"]
    for spot in truth["near_threshold"]:
        n = (np.hypot(xy[:, 0] - spot["x"], xy[:, 1] - spot["y"]) <= 50).sum()
        assert n == 3, spot
        assert 10 <= spot["priority_score"] < 15


def test_zone_file_drives_the_output(tmp_path):
    """A different zone (one municipality, renamed) gives its own names and codes."""
    src = Path(__file__).resolve().parents[2] / "data" / "zone.toml"
    text = src.read_text(encoding="utf-8").replace("PZ HerKo", "PZ Testzone")
    text = text.replace('name = "Kortenberg"', 'name = "Testdorp"')
    zone = tmp_path / "zone.toml"
    zone.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    generate_demo(out, seed=1, years=1, scale=0.1, end=END, zone_file=zone)
    truth = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
    assert truth["zone"] == "PZ Testzone"
    inc = _read(out, "incidents")
    assert "Testdorp" in set(inc["Gemeente"])


def test_black_spot_scores_follow_from_the_victims(demo):
    """Recompute the Flemish priority score from the victims file, as the ETL will."""
    truth = json.loads((demo / "ground_truth.json").read_text(encoding="utf-8"))
    acc = _read(demo, "accidents")
    vic = _read(demo, "victims")
    weight = {"Gedood binnen 30 dagen": 5.0, "Zwaargewond": 3.0, "Lichtgewond": 1.0}
    vulnerable = {"Voetganger", "Fietser", "Bromfiets"}
    vic["score"] = vic["Letsel"].map(weight) * np.where(
        vic["Type weggebruiker"].isin(vulnerable), 1.7, 1.0
    )
    score = vic.groupby("Ongevalnummer")["score"].sum()
    acc = acc[acc["X"] != ""].copy()
    acc["score"] = acc["Ongevalnummer"].map(score).fillna(0.0)
    xy = _coords(acc)
    for spot in truth["black_spots"] + truth["near_threshold"]:
        near = np.hypot(xy[:, 0] - spot["x"], xy[:, 1] - spot["y"]) <= 50
        total = acc["score"].to_numpy()[near].sum()
        if spot["kind"] == "black_spot":
            assert total >= 15, spot
        else:
            assert 10 <= total < 15, spot


# -- sectors, addresses, absences and an even workload (issue 6) ---------------------------
def test_sectors_tile_each_wijk_with_its_population(demo):
    from etl.config import load_zone

    fc = json.loads((demo / "districts" / "sectoren.geojson").read_text(encoding="utf-8"))
    assert "31370" in fc["crs"]["properties"]["name"]
    props = [f["properties"] for f in fc["features"]]
    geoms = [shape(f["geometry"]) for f in fc["features"]]
    assert all(p["demo"] is True for p in props)
    codes = [p["sector_code"] for p in props]
    assert len(set(codes)) == len(codes)
    for p in props:
        # Statbel style: NIS (5 digits) + deelgemeente letter + 3 characters.
        assert len(p["sector_code"]) == 9 and p["sector_code"].startswith(p["deelgemeente_code"])
        assert p["nis_code"] == p["deelgemeente_code"][:5]
    wijken = {p["wijk_code"]: g for p, g in _layers(demo)["wijken"]}
    population = {w["code"]: w["population"] for w in load_zone()["wijken"]}
    for code, wijk in wijken.items():
        mine = [g for p, g in zip(props, geoms, strict=True) if p["wijk_code"] == code]
        assert 3 <= len(mine) <= 6
        assert all(g.geom_type == "Polygon" for g in mine)  # one piece each
        assert shapely.union_all(mine).symmetric_difference(wijk).area < 0.001 * wijk.area
        assert sum(p["population"] for p in props if p["wijk_code"] == code) == population[code]


def test_tasks_are_located_by_the_address_list_inside_their_wijk(demo):
    tasks = _read(demo, "tasks")
    addresses = pd.read_csv(demo / "addresses" / "adressen.csv", sep=";", dtype=str)
    assert list(addresses.columns) == [
        "Straatnaam", "Huisnummer", "Busnummer", "Postcode", "Gemeente", "X", "Y",
    ]  # fmt: skip
    assert not addresses.duplicated(["Straatnaam", "Huisnummer", "Busnummer", "Gemeente"]).any()
    # As the address register: a row per box of a building, at the building's point, after
    # the building's own row (empty Busnummer).
    boxed = addresses[addresses["Busnummer"].notna()]
    buildings = addresses[addresses["Busnummer"].isna()]
    assert 0.3 < len(boxed) / len(buildings) < 2
    assert boxed["Busnummer"].str.fullmatch(r"\d+").all()
    own = boxed.merge(buildings, on=["Straatnaam", "Huisnummer", "Gemeente"], suffixes=("", "_b"))
    assert (
        len(own) == len(boxed) and (own["X"] == own["X_b"]).all() and (own["Y"] == own["Y_b"]).all()
    )
    plain = tasks["Huisnr"].str.extract(r"^(\d+)")[0]
    keyed = tasks.assign(Huisnummer=plain).merge(
        buildings,
        left_on=["Straat", "Huisnummer", "Gemeente"],
        right_on=["Straatnaam", "Huisnummer", "Gemeente"],
        how="left",
    )
    assert keyed["X"].notna().all(), "elk taakadres staat in de adreslijst"
    wijken = {p["wijk_code"]: g for p, g in _layers(demo)["wijken"]}
    x, y = keyed["X"].astype(float).to_numpy(), keyed["Y"].astype(float).to_numpy()
    inside = np.zeros(len(keyed), dtype=bool)
    for code, g in wijken.items():
        sel = (keyed["Wijk"] == code).to_numpy()
        # 5 m tolerance: an address point may sit on the wijk border.
        inside[sel] = shapely.contains_xy(g.buffer(5), x[sel], y[sel])
    assert inside.mean() > 0.99


def test_task_volume_follows_population_with_one_overloaded_wijk(one_year):
    from dashboard.analysis.workload import fairness
    from etl.config import load_zone

    tasks = _read(one_year[0], "tasks")
    population = {w["code"]: w["population"] for w in load_zone()["wijken"]}
    per_1000 = tasks["Wijk"].value_counts() / pd.Series(population) * 1000
    ratio = per_1000 / per_1000.median()
    assert (ratio.sort_values().iloc[:-1].between(0.7, 1.3)).all()
    assert ratio.max() > 1.35  # the overloaded wijk stands out
    fair = fairness(tasks["Wijkinspecteur"].value_counts())
    assert fair["gini"] < 0.15
    assert fair["max_min_ratio"] < 2.5


def test_absences_file(demo):
    frame = pd.read_csv(demo / "absences" / "afwezigheden.csv", sep=";", dtype=str)
    assert list(frame.columns) == ["Wijkinspecteur", "Van", "Tot", "Reden"]
    start = pd.to_datetime(frame["Van"], format="%d/%m/%Y")
    end = pd.to_datetime(frame["Tot"], format="%d/%m/%Y")
    assert (end >= start).all()
    assert set(frame["Reden"]) <= {"Verlof", "Opleiding", "Ziekte"}
    days = (end - start).dt.days + 1
    assert (days >= 60).sum() == 1, "precies één lange afwezigheid"
    per_inspector = frame["Wijkinspecteur"].value_counts()
    assert len(per_inspector) == 10 and per_inspector.min() >= 3


def test_event_list_covers_the_period_and_the_weeks_after(demo):
    """Kermissen, fuiven, markets ...: one list per year, from the first day of the period
    to 60 days after its end (planned events), each inside the zone, numbered per year."""
    from etl.demo.events import PLANNED_DAYS

    files = sorted((demo / "events").glob("evenementen_*.csv"))
    assert [f.name for f in files] == [f"evenementen_{y}.csv" for y in range(2022, 2026)]
    frame = pd.concat([pd.read_csv(f, sep=";", dtype=str, keep_default_na=False) for f in files])
    assert list(frame.columns) == [
        "Dossiernummer", "Evenement", "Type", "Begin", "Einde", "Locatie", "X", "Y",
        "Verwachte bezoekers", "Organisator", "Status",
    ]  # fmt: skip
    assert frame["Dossiernummer"].is_unique
    # Each sports hall's first tournament of a year is called off, nothing else.
    called_off = frame[frame["Status"] == "Afgelast"]
    assert set(frame["Status"]) == {"Goedgekeurd", "Afgelast"}
    assert set(called_off["Type"]) == {"Sportevenement"}
    year = called_off["Begin"].str[6:10]
    assert not called_off.assign(year=year).duplicated(["Evenement", "year"]).any()
    assert frame["Dossiernummer"].str.fullmatch(r"EV-\d{4}-\d{3}").all()
    start = pd.to_datetime(frame["Begin"], format="mixed", dayfirst=True)
    first = pd.Timestamp(END.replace(year=END.year - 3)) + pd.Timedelta(days=1)
    assert start.min() >= first
    assert start.max() > pd.Timestamp(END)  # planned events after the data
    assert start.max() <= pd.Timestamp(END) + pd.Timedelta(days=PLANNED_DAYS + 1)
    types = set(frame["Type"])
    assert {"Kermis", "Fuif", "Markt", "Wielerwedstrijd"} <= types
    # The jaarmarkt is listed by its day only, without an end.
    markets = frame[frame["Evenement"].str.startswith("Jaarmarkt")]
    assert (
        len(markets) and (markets["Begin"].str.len() == 10).all() and (markets["Einde"] == "").all()
    )
    x = frame["X"].str.replace(",", ".").astype(float)
    y = frame["Y"].str.replace(",", ".").astype(float)
    zone = shapely.union_all(
        [
            shape(f["geometry"])
            for f in json.loads((demo / "districts" / "zone.geojson").read_text())["features"]
        ]
    )
    assert shapely.contains_xy(zone, x.to_numpy(), y.to_numpy()).all()

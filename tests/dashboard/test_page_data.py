"""Data: loaded files, rows per source and year, rejects with reasons, freshness, locations."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from dash_helpers import count, metrics, nl, run_app, wh

from etl.build import build_warehouse


def test_data_page_content(demo_warehouse):
    at = run_app("data")
    assert at.title[0].value == "Data"
    shown = metrics(at)
    assert shown["Ingelezen bestanden"] == nl(count("SELECT count(*) FROM marts.load_files"))
    assert shown["Geweigerde rijen"] == nl(count("SELECT sum(rows_rejected) FROM marts.load_files"))
    files = at.dataframe[0].value
    assert {
        "Bestand",
        "Rijen gelezen",
        "Aanvaard",
        "Geweigerd",
        "Codering",
        "Scheidingsteken",
    } <= set(files.columns)
    assert int(files["Rijen gelezen"].sum()) == count("SELECT sum(rows_read) FROM marts.load_files")
    # Encodings and separators in words, as the upload preview names them.
    cp1252 = count("SELECT count(*) FROM marts.load_files WHERE encoding = 'cp1252'")
    assert (files["Codering"] == "Windows-1252").sum() == cp1252 > 0
    assert "cp1252" not in set(files["Codering"])
    assert (files["Scheidingsteken"] == "puntkomma ( ; )").sum() == count(
        "SELECT count(*) FROM marts.load_files WHERE delimiter = ';'"
    )
    per_year = next(
        df.value
        for df in at.dataframe
        if "Bron" in df.value.columns and "Totaal" in df.value.columns
    )
    incidents = per_year.set_index("Bron").at["Feiten (pv's)", "Totaal"]
    assert incidents == count("SELECT count(*) FROM marts.incidents")
    n_rejects = count("SELECT count(*) FROM marts.rejects")
    assert any(c.value.startswith(f"{nl(n_rejects)} geweigerde rijen") for c in at.caption)
    rejects = next(df.value for df in at.dataframe if "Reden" in df.value.columns)
    assert len(rejects) == n_rejects
    assert rejects["Reden"].str.len().min() > 5


def test_data_rejects_filter(demo_warehouse):
    at = run_app("data")
    kinds = wh("SELECT kind, count(*) AS n FROM marts.rejects GROUP BY 1 ORDER BY 1")
    if kinds.empty:
        return
    kind, n = kinds.iloc[0]
    at.multiselect(key="data_soort").set_value([kind]).run()
    rejects = next(df.value for df in at.dataframe if "Reden" in df.value.columns)
    assert len(rejects) == int(n)


def test_data_freshness_and_locations(demo_warehouse):
    at = run_app("data")
    fresh = next(df.value for df in at.dataframe if "Dagen geleden" in df.value.columns)
    assert len(fresh) == count("SELECT count(DISTINCT kind) FROM marts.load_files")
    # Statbel knows a month, no day: no "days ago", its month said (a review).
    statbel = fresh[fresh["Soort"].str.contains("Statbel")].iloc[0]
    assert statbel["Dagen geleden"] == "–"
    assert statbel["Opmerking"] == "per maand: Statbel geeft geen dag"
    # Its last record is a month, not the first of it ("01/12/2026" said a day it lacks),
    # here and in the table of files.
    last_month = wh(
        "SELECT max(make_date(year, month, 1)) AS m FROM marts.accidents WHERE source = 'statbel'"
    ).iat[0, 0]
    assert statbel["Laatste record"] == f"{last_month:%m/%Y}"
    files = at.dataframe[0].value
    statbel_files = files[files["Soort"].str.contains("Statbel")]
    assert len(statbel_files) and statbel_files["Laatste record"].str.fullmatch(r"\d\d/\d{4}").all()
    others = files[~files["Soort"].str.contains("Statbel") & files["Laatste record"].ne("–")]
    assert others["Laatste record"].str.fullmatch(r"\d\d/\d\d/\d{4}").all()
    # When each kind's newest file was written, not the build's time for every kind.
    newest = wh(
        "SELECT kind, max(file_modified_at) AS t FROM marts.load_files GROUP BY 1 ORDER BY 1"
    )
    assert sorted(fresh["Nieuwste bestand van"].tolist()) == sorted(newest["t"].tolist())
    assert "Laatst ingelezen" not in fresh.columns
    files = at.dataframe[0].value
    assert "Ingelezen op" not in files.columns
    stamps = wh("SELECT source_file, file_modified_at FROM marts.load_files")
    assert dict(zip(files["Bestand"], files["Bestand van"], strict=True)) == dict(
        zip(stamps["source_file"], stamps["file_modified_at"], strict=True)
    )
    locations = next(df.value for df in at.dataframe if "Gelokaliseerd" in df.value.columns)
    row = locations.set_index("Bron").loc["Feiten (pv's)"]
    assert row["Gelokaliseerd"] == count(
        "SELECT count(*) FROM marts.incidents WHERE location_status = 'ok'"
    )
    # Tasks are located by their address too: they have their row (an audit).
    tasks = locations.set_index("Bron").loc["Wijktaken"]
    assert tasks["Totaal"] == count("SELECT count(*) FROM marts.tasks")
    assert tasks["Gelokaliseerd"] == count(
        "SELECT count(*) FROM marts.tasks WHERE location_status = 'ok'"
    )


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def gap_warehouse(tmp_path_factory) -> Path:
    """The small fixture zone whose wijk W02 lost its code in the boundary file.

    The feature is refused at load (explained in the file's note, not a row of
    ``marts.rejects``) and the records in its area lie in the zone but in no wijk
    (``geen_wijk``).
    """
    root = tmp_path_factory.mktemp("gap")
    raw = root / "raw"
    shutil.copytree(FIXTURES / "raw_small", raw)
    wijken = raw / "districts" / "wijken.geojson"
    layer = json.loads(wijken.read_text(encoding="utf-8"))
    for feature in layer["features"]:
        if feature["properties"].get("wijk_code") == "W02":
            feature["properties"] = {"naam": "zonder code"}
    wijken.write_text(json.dumps(layer), encoding="utf-8")
    warehouse = root / "wh.duckdb"
    build_warehouse(raw, warehouse, FIXTURES / "zone_small.toml", echo=lambda *_: None)
    return warehouse


@pytest.fixture
def gap_zone(gap_warehouse, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(gap_warehouse))
    monkeypatch.setenv("WIJKBEELD_ZONE", str(FIXTURES / "zone_small.toml"))
    monkeypatch.setenv("WIJKBEELD_RAW", str(gap_warehouse.parent / "raw"))
    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "state"))
    return gap_warehouse


def test_records_in_the_zone_but_in_no_wijk_count_as_located(gap_zone):
    at = run_app("data")
    per_status = wh(
        "SELECT location_status, count(*) AS n FROM marts.incidents GROUP BY 1"
    ).set_index("location_status")["n"]
    assert per_status.get("geen_wijk", 0) > 0, "de fixture moet records in een gat hebben"
    table = next(df.value for df in at.dataframe if "Gelokaliseerd" in df.value.columns)
    assert "geen_wijk" not in table.columns
    row = table.set_index("Bron").loc["Feiten (pv's)"]
    assert row["In de zone, buiten elke wijk"] == per_status["geen_wijk"]
    # Only records without a location or outside the zone are unusable.
    unusable = per_status.get("geen_locatie", 0) + per_status.get("buiten_zone", 0)
    assert row["% zonder bruikbare locatie"] == round(100 * unusable / per_status.sum(), 1)
    caption = next(c.value for c in at.caption if "buiten elke wijk" in c.value)
    assert "hotspotkaarten" in caption and "rapporten" in caption


def test_refused_map_features_are_explained(gap_zone):
    at = run_app("data")
    refused = wh(
        "SELECT source_file, rows_rejected, note FROM marts.load_files "
        "WHERE kind = 'districts' AND rows_rejected > 0"
    )
    assert len(refused) == 1 and refused["note"].iloc[0], "de fixture weigert één kaartobject"
    listed = count("SELECT count(*) FROM marts.rejects")
    assert metrics(at)["Geweigerde rijen"] == nl(
        count("SELECT sum(rows_rejected) FROM marts.load_files")
    )
    assert count("SELECT sum(rows_rejected) FROM marts.load_files") == listed + 1
    # The file's note (why the feature was left out) is in the table of loaded files ...
    files = at.dataframe[0].value.set_index("Bestand")
    assert files.at["districts/wijken.geojson", "Opmerking"] == refused["note"].iloc[0]
    assert "zonder code" in files.at["districts/wijken.geojson", "Opmerking"]
    # ... and the list of refused rows says that the map feature is explained there.
    info = next(i.value for i in at.info if "kaartobject" in i.value)
    assert "Opmerking" in info and "districts/wijken.geojson" in info
    assert refused["note"].iloc[0] in info
    assert any(c.value.startswith(f"{nl(listed)} geweigerde rijen") for c in at.caption)


@pytest.mark.parametrize(("search", "expected"), [("%", 0), ("2024_", 0), ("_2024", None)])
def test_search_in_refused_rows_is_literal(gap_zone, search, expected):
    # '%' and '_' are what the user typed, not LIKE wildcards.
    at = run_app("data")
    at.text_input(key="data_zoek").set_value(search).run()
    if expected is None:  # "feiten_2024", "slachtoffers_2024": the file names
        expected = count(
            "SELECT count(*) FROM marts.rejects WHERE strpos(lower(reason), ?) > 0 "
            "OR strpos(lower(value), ?) > 0 OR strpos(lower(source_file), ?) > 0",
            [search] * 3,
        )
        assert expected > 0
    assert any(c.value.startswith(f"{nl(expected)} geweigerde rijen") for c in at.caption)
    rejects = next(df.value for df in at.dataframe if "Reden" in df.value.columns)
    assert len(rejects) == expected


def test_addresses_the_list_does_not_know_are_listed(demo_warehouse):
    """marts.geocode_unmatched was built but shown nowhere: the coordinator could not see
    which records stayed off the map because the address list lacks their address."""
    at = run_app("data")
    n = count("SELECT count(*) FROM marts.geocode_unmatched")
    assert n > 0  # the demo plants addresses the list does not have
    assert "Adressen die de adressenlijst niet kan plaatsen" in [h.value for h in at.subheader]
    table = next(df.value for df in at.dataframe if "Sleutel" in df.value.columns)
    assert len(table) == n
    keys = set(wh("SELECT record_key FROM marts.geocode_unmatched")["record_key"])
    assert set(table["Sleutel"]) == keys
    assert any(m.value.startswith(f"**{nl(n)}** records met een adres") for m in at.markdown)
    # Each says why (a street or number the list lacks, ...): every row has a reason.
    reasons = {
        "geen adressenlijst geladen",
        "huisnummer niet te lezen uit de straat",
        "geen huisnummer",
        "straat niet in de adressenlijst",
        "huisnummer niet in de adressenlijst",
        "adres enkel in een andere gemeente of postcode",
        "meer dan één adres in de lijst: gemeente of postcode ontbreekt, of de punten liggen "
        "ver uit elkaar",
    }
    assert set(table["Waarom"]) <= reasons and table["Waarom"].notna().all()


def test_refused_rows_search_ignores_accents_and_says_one_row(tmp_path, monkeypatch):
    """Searching 'voor de begindatum' found nothing in 'ligt vóór de begindatum', and one
    hit read '1 geweigerde rijen'."""
    from dashboard.queries import _db, data_quality
    from tests.etl.etl_helpers import build, mini_raw

    absences = "Wijkinspecteur;Van;Tot;Reden\nINP Zoë Peeters;09/03/2026;02/03/2026;Verlof\n"
    wh = tmp_path / "wh.duckdb"
    build(mini_raw(tmp_path, {"absences/a.csv": absences}), wh)
    version = _db.warehouse_version(wh)
    assert data_quality.reject_count(version, (), (), "voor de begindatum") == 1
    assert data_quality.reject_count(version, (), (), "VÓÓR") == 1
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(wh))
    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "state"))
    at = run_app("data")
    at.text_input(key="data_zoek").set_value("voor de begindatum").run()
    assert any(c.value == "1 geweigerde rij." for c in at.caption)


def test_records_per_year_leave_out_the_years_a_source_does_not_cover():
    """A year with no record inside a source's days is 0; one outside them is missing, not 0
    (an export that stops last year, Statbel's open data of months, a source that starts late)."""
    from datetime import date

    import pandas as pd

    from dashboard.queries.data_quality import records_per_year_table

    rows = [
        # Facts over three years, none in 2025 (a real 0: the days around it are covered).
        ("Feiten (pv's)", 2024, 5, date(2024, 3, 1), date(2024, 12, 31)),
        ("Feiten (pv's)", 2026, 7, date(2026, 1, 2), date(2026, 11, 30)),
        # Accidents that stop in 2024 and Statbel months from 2025 on.
        ("Verkeersongevallen (zone)", 2024, 3, date(2024, 2, 1), date(2024, 9, 30)),
        ("Letselongevallen (Statbel)", 2025, 4, date(2025, 1, 1), date(2025, 12, 31)),
        ("Letselongevallen (Statbel)", None, 2, None, None),
    ]
    per_year = pd.DataFrame(rows, columns=["bron", "jaar", "aantal", "van", "tot"])
    table = records_per_year_table(per_year).set_index("Bron")
    assert list(table.columns) == [
        "Gegevens van", "tot en met", "2024", "2025", "2026", "Onbekend jaar", "Totaal"
    ]  # fmt: skip
    facts = table.loc["Feiten (pv's)"]
    assert (facts["2024"], facts["2025"], facts["2026"], facts["Totaal"]) == (5, 0, 7, 12)
    assert facts["Gegevens van"] == pd.Timestamp(2024, 3, 1)
    assert facts["tot en met"] == pd.Timestamp(2026, 11, 30)
    accidents = table.loc["Verkeersongevallen (zone)"]
    assert accidents["2024"] == 3 and accidents["Totaal"] == 3
    assert pd.isna(accidents["2025"]) and pd.isna(accidents["2026"])
    statbel = table.loc["Letselongevallen (Statbel)"]
    assert pd.isna(statbel["2024"]) and pd.isna(statbel["2026"])
    assert (statbel["2025"], statbel["Onbekend jaar"], statbel["Totaal"]) == (4, 2, 6)


def test_records_per_year_of_data_within_one_year():
    """Every source within one calendar year (a zone's first exports): no year lies
    outside a source's days, and that empty choice of columns made the Data page raise
    (IndexError), losing everything below the table, uploads included."""
    from datetime import date

    import pandas as pd

    from dashboard.queries.data_quality import records_per_year_table

    per_year = pd.DataFrame(
        [("Feiten (pv's)", 2026, 68, date(2026, 11, 14), date(2026, 12, 4))],
        columns=["bron", "jaar", "aantal", "van", "tot"],
    )
    table = records_per_year_table(per_year).set_index("Bron")
    assert list(table.columns) == ["Gegevens van", "tot en met", "2026", "Totaal"]
    assert (table.loc["Feiten (pv's)", "2026"], table.loc["Feiten (pv's)", "Totaal"]) == (68, 68)


def test_refused_rows_say_whether_their_record_is_loaded_all_the_same(tmp_path, monkeypatch):
    """A row refused in one export whose PV another export has (a re-saved or overlapping
    export) needs no correction: the list says where the record comes from, and a switch
    keeps only the rows whose record is missing."""
    from tests.etl.etl_helpers import INCIDENT_HEADER, build, mini_raw

    def row(pv: str, when: str) -> str:
        return f"{pv};{when};;;Vandalisme;Kerkstraat;1;3020;Herent;171000;177000"

    older = "\n".join([INCIDENT_HEADER, row("PV-A", "03/02/2024 10:00")]) + "\n"
    newer = (
        "\n".join(
            [
                INCIDENT_HEADER,
                row("PV-A", "31/02/2024 10:00"),  # refused; the older export has PV-A
                row("PV-B", "geen datum"),  # refused, and nowhere else
                row("PV-C", "02/01/2025 12:00"),
            ]
        )
        + "\n"
    )
    wh = tmp_path / "wh.duckdb"
    build(mini_raw(tmp_path, {"incidents/a_2024.csv": older, "incidents/b_2025.csv": newer}), wh)
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(wh))
    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "state"))
    at = run_app("data")
    rejects = next(df.value for df in at.dataframe if "Reden" in df.value.columns)
    got = rejects.set_index("Rij")[["Record opgenomen", "Opgenomen uit"]].to_dict("index")
    assert got == {
        2: {"Record opgenomen": "ja", "Opgenomen uit": "incidents/a_2024.csv, rij 2"},
        3: {"Record opgenomen": "nee", "Opgenomen uit": "–"},
    }
    assert list(rejects.columns[:4]) == ["Soort", "Bestand", "Rij", "Record opgenomen"]
    assert any(
        c.value.startswith("2 geweigerde rijen. Van 1 geweigerde rij staat het record toch")
        for c in at.caption
    )
    at.toggle(key="data_ontbrekend").set_value(True).run()
    rejects = next(df.value for df in at.dataframe if "Reden" in df.value.columns)
    assert list(rejects["Rij"]) == [3]
    assert any(c.value == "1 geweigerde rij." for c in at.caption)


def test_rows_a_newer_export_replaces_have_their_own_column(tmp_path, monkeypatch):
    """A correction export beside the year's export: the rows it replaces are a number in
    'Ingelezen bestanden', not only words in the note (an audit); a kind without a key of its
    own (absences) shows "–"."""
    from tests.etl.etl_helpers import INCIDENT_HEADER, build, mini_raw

    def row(pv: str, when: str) -> str:
        return f"{pv};{when};;;Vandalisme;Kerkstraat;1;3020;Herent;171000;177000"

    year = "\n".join([INCIDENT_HEADER, *(row(f"PV-{i}", "03/02/2024 10:00") for i in range(6))])
    correction = "\n".join([INCIDENT_HEADER, *(row(f"PV-{i}", "04/02/2024 11:00") for i in (1, 2))])
    absences = "Wijkinspecteur;Van;Tot;Reden\nINP Zoë Peeters;02/03/2026;09/03/2026;Verlof\n"
    wh = tmp_path / "wh.duckdb"
    raw = mini_raw(
        tmp_path,
        {
            "incidents/a_2024.csv": year + "\n",
            "incidents/b_correctie.csv": correction + "\n",
            "absences/a.csv": absences,
        },
    )
    build(raw, wh)
    monkeypatch.setenv("WIJKBEELD_WAREHOUSE", str(wh))
    monkeypatch.setenv("WIJKBEELD_STATE", str(tmp_path / "state"))
    at = run_app("data")
    files = at.dataframe[0].value.set_index("Bestand")
    column = "Vervangen door nieuwere export"
    assert list(files.columns[:5]) == ["Soort", "Rijen gelezen", "Aanvaard", "Geweigerd", column]
    assert files.at["incidents/a_2024.csv", column] == "2"
    assert files.at["incidents/b_correctie.csv", column] == "0"
    assert files.at["absences/a.csv", column] == "–"

"""Data: loaded files, rows per source and year, rejects with reasons, freshness, locations."""

from __future__ import annotations

from dash_helpers import count, metrics, nl, run_app, wh


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
    locations = next(df.value for df in at.dataframe if "Gelokaliseerd" in df.value.columns)
    row = locations.set_index("Bron").loc["Feiten (pv's)"]
    assert row["Gelokaliseerd"] == count(
        "SELECT count(*) FROM marts.incidents WHERE location_status = 'ok'"
    )

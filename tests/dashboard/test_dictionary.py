"""Datawoordenboek: every mart column is described, nothing described has gone, the app shows it."""

from __future__ import annotations

import pytest
from dash_helpers import run_app, wh

from dashboard.queries import _db, dictionary


def _warehouse_columns() -> set[tuple[str, str]]:
    """(mart, column) from DESCRIBE on every mart: independent of the query layer."""
    tables = wh("SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'")[
        "table_name"
    ]
    out = set()
    for table in tables:
        described = wh(f'DESCRIBE marts."{table}"')
        out |= {(f"marts.{table}", c) for c in described["column_name"]}
    return out


def test_every_mart_column_is_described(demo_warehouse):
    actual = _warehouse_columns()
    docs = dictionary.load_dictionary()
    documented = {(m, c) for m, doc in docs.items() for c in doc.columns["kolom"]}
    missing = sorted(f"{m}.{c}" for m, c in actual - documented)
    assert not missing, f"Beschrijf in docs/DATA_DICTIONARY.md: {missing}"
    stale = sorted(f"{m}.{c}" for m, c in documented - actual)
    assert not stale, f"Bestaat niet meer in het datawarehouse: {stale}"
    for name, doc in docs.items():
        assert doc.description, f"{name} heeft geen uitleg"
        blank = doc.columns[doc.columns["betekenis"].str.strip().isin(["", "–", "-"])]
        assert blank.empty, f"{name}: kolommen zonder betekenis: {blank['kolom'].tolist()}"
        assert (doc.columns[["eenheid", "bron"]].apply(lambda s: s.str.strip() != "")).all().all()
    assert dictionary.coverage(_db.warehouse_version()) == {
        "undocumented": [],
        "stale": [],
        "empty": [],
    }


def test_coverage_reports_missing_and_stale(demo_warehouse, tmp_path):
    text = dictionary.DICTIONARY_PATH.read_text(encoding="utf-8")
    text = text.replace("| `pv_number` | PV-nummer |", "| `pv_nummer_oud` | PV-nummer |")
    edited = tmp_path / "DATA_DICTIONARY.md"
    edited.write_text(text, encoding="utf-8")
    gaps = dictionary.coverage(_db.warehouse_version(), edited)
    assert gaps["undocumented"] == ["marts.incidents.pv_number"]
    assert gaps["stale"] == ["marts.incidents.pv_nummer_oud"]


def test_parser_rejects_malformed_rows():
    with pytest.raises(ValueError, match="cellen"):
        dictionary.parse_dictionary(
            "## marts.x\n\nUitleg.\n\n| kolom | betekenis | eenheid | bron | kanttekeningen |\n"
            "|---|---|---|---|---|\n| `a` | te weinig |\n"
        )
    docs = dictionary.parse_dictionary(
        "# T\n\n## marts.x\n\nEén rij per x.\n\n| kolom | betekenis | eenheid | bron | kanttekeningen |\n"
        "|---|---|---|---|---|\n| `a` | A met \\| streep | m | bron | – |\n"
    )
    assert docs["marts.x"].description == "Eén rij per x."
    assert docs["marts.x"].columns.iloc[0].tolist() == ["a", "A met | streep", "m", "bron", "–"]


def test_dictionary_page(demo_warehouse):
    at = run_app("dictionary")
    assert at.title[0].value == "Datawoordenboek"
    marts = wh("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'marts'")
    assert len(at.expander) == int(marts["n"].iat[0])
    assert not at.warning
    first = at.expander[0]
    assert first.label.startswith("marts.")
    at.text_input(key="woordenboek_zoek").input("letsel").run()
    labels = [e.label.split(" — ")[0] for e in at.expander]
    assert "marts.victims" in labels and "marts.controls" not in labels
    victims = next(e for e in at.expander if e.label.startswith("marts.victims"))
    table = victims.dataframe[0].value
    assert "severity" in table["Kolom"].tolist()
    assert table.loc[table["Kolom"] == "severity", "Type"].iat[0] == "VARCHAR"
    # The title says how many of the table's columns the search left (it said all; an audit).
    total = int(wh("SELECT count(*) AS n FROM information_schema.columns "
                   "WHERE table_schema = 'marts' AND table_name = 'victims'")["n"].iat[0])  # fmt: skip
    if len(table) < total:
        assert victims.label == f"marts.victims — {len(table)} van {total} kolommen"
    else:
        assert victims.label == f"marts.victims — {total} kolommen"
    accidents = next(e for e in at.expander if e.label.startswith("marts.accidents"))
    n = len(accidents.dataframe[0].value)
    assert accidents.label.endswith(f"— {n} van {len(wh('DESCRIBE marts.accidents'))} kolommen")

"""Property: malformed rows never crash a build and never cost a good row."""

from __future__ import annotations

import tempfile
from pathlib import Path

from etl_helpers import build, mini_raw, query
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_quirks import incident, incidents_csv

GOOD = [
    incident("GOOD-1", "03/02/2024 14:30", xy=("171000,5", "177000")),
    incident("GOOD-2", "2024-02-04", xy=("173000", "177000")),
    incident("GOOD-3", "05/02/2024 08:00", xy=("", ""), street="Kerkstraat"),
]
EXPECTED = {"GOOD-1": "W01", "GOOD-2": "W02", "GOOD-3": None}

# Field values an export gets wrong: junk text, broken dates and numbers, stray quotes,
# control and non-Latin characters, very long values. Never the separator or a line break
# (those make a different row, not a malformed one). Good rows sit before or after the
# block of bad ones: two bad rows with a quote each may legitimately form one quoted
# multi-line field, which would take the rows between them along.
# Known limit: double quotes are left out here. A lone quote that opens a field is
# neutralised (test_stray_quote_does_not_swallow_rows), but adversarial quote patterns
# (e.g. `0";"`) can still make the CSV reader join rows; see the ETL report.
_junk = st.text(
    alphabet=st.characters(blacklist_characters=';"\r\n\x00', blacklist_categories=("Cs",)),
    max_size=40,
)
_value = st.one_of(
    _junk,
    st.sampled_from(
        [
            "",
            " ",
            "31/02/2024",
            "00/00/0000",
            "45325",
            "9999999",
            "-1",
            "1e309",
            "nan",
            "NULL",
            "03/02/24",
            "2024-13-01",
            "12,3,4",
            "x",
            "∞",
            "é",
            '"',
            'a"b',
            "'",
            "01/01/2999 10:00",
        ]
    ),
    st.text(alphabet="0123456789,./- :", max_size=25),
)
_row = st.lists(_value, min_size=0, max_size=16).filter(
    lambda fields: not any("GOOD" in f for f in fields)
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    bad=st.lists(_row, min_size=1, max_size=6),
    where=st.integers(0, 3),
    enc=st.sampled_from(["utf-8", "cp1252"]),
)
def test_malformed_rows_never_crash_nor_cost_a_good_row(bad, where, enc):
    rows = [*GOOD[:where], *(";".join(r) for r in bad), *GOOD[where:]]
    data = incidents_csv(rows).encode(enc, errors="replace")
    with tempfile.TemporaryDirectory() as tmp:
        raw = mini_raw(Path(tmp), {"incidents/export.csv": data})
        wh = Path(tmp) / "wh.duckdb"
        build(raw, wh)
        got = dict(
            query(
                wh, "SELECT pv_number, wijk_code FROM marts.incidents WHERE pv_number LIKE 'GOOD-%'"
            )
        )
        assert got == EXPECTED
        # Every row read is accounted for: accepted or refused with a reason.
        read, accepted, refused = query(
            wh,
            "SELECT rows_read, rows_accepted, rows_rejected FROM marts.load_files WHERE kind = 'incidents'",
        )[0]
        # (An empty line is no row; two bad rows may form one quoted multi-line row.)
        assert len(GOOD) <= read <= sum(r != "" for r in rows)
        assert accepted + refused == read


def test_stray_quote_does_not_swallow_rows(tmp_path):
    rows = ['BAD-1;"', *GOOD]
    raw = mini_raw(tmp_path, {"incidents/export.csv": incidents_csv(rows)})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    got = dict(
        query(wh, "SELECT pv_number, wijk_code FROM marts.incidents WHERE pv_number LIKE 'GOOD-%'")
    )
    assert got == EXPECTED


def test_multiline_quoted_field_is_read(tmp_path):
    text = (
        incidents_csv(GOOD)
        + 'GOOD-4;03/02/2024;;;Vandalisme;"Kerkstraat\r\nachterkant";1;3020;Herent;171000;177000\r\n'
    )
    raw = mini_raw(tmp_path, {"incidents/export.csv": text})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    got = dict(query(wh, "SELECT pv_number, street FROM marts.incidents"))
    assert got["GOOD-4"] == "Kerkstraat\r\nachterkant" and len(got) == 4


def test_quote_opening_last_field_with_even_quote_count(tmp_path):
    # Found by the property test: `a"b;"` has two quotes (even), but only the second is
    # structural and it opens a field that never closes.
    rows = ['a"b;"', *GOOD]
    raw = mini_raw(tmp_path, {"incidents/export.csv": incidents_csv(rows)})
    wh = tmp_path / "wh.duckdb"
    build(raw, wh)
    got = dict(
        query(wh, "SELECT pv_number, wijk_code FROM marts.incidents WHERE pv_number LIKE 'GOOD-%'")
    )
    assert got == EXPECTED


_not_a_date = st.sampled_from(
    ["", "31/02/2024", "00/00/0000", "2024-13-01", "03/02/24", "x", "01/01/2999 10:00"]
)
_plain = st.text(alphabet="abcXYZ0123456789,./- :é", max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    bad=st.lists(
        st.tuples(st.integers(0, 2), _not_a_date, st.lists(_plain, max_size=12)),
        min_size=1,
        max_size=6,
    ),
    places=st.lists(st.integers(0, 3), min_size=6, max_size=6),
)
def test_refused_row_with_a_good_rows_number_never_costs_it(bad, places):
    """A row refused for its own fault (no valid date) that repeats a good row's PV number,
    before or after it in the same file, never takes the good row's place."""
    rows = list(GOOD)
    for (which, date, rest), at in zip(bad, places, strict=False):
        rows.insert(min(at, len(rows)), ";".join([f"GOOD-{which + 1}", date, *rest]))
    with tempfile.TemporaryDirectory() as tmp:
        raw = mini_raw(Path(tmp), {"incidents/export.csv": incidents_csv(rows)})
        wh = Path(tmp) / "wh.duckdb"
        build(raw, wh)
        got = dict(query(wh, "SELECT pv_number, wijk_code FROM marts.incidents"))
        assert got == EXPECTED
        read, accepted, refused = query(
            wh,
            "SELECT rows_read, rows_accepted, rows_rejected FROM marts.load_files WHERE kind = 'incidents'",
        )[0]
        assert (read, accepted, refused) == (len(rows), len(GOOD), len(bad))

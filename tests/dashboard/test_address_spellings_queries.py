"""The sources page counts an address once, however the exports spell it: "Kerkstr. 12"
in the nuisance register and "Kerkstraat 12" or "kerkstraat 012" in ISLP were separate
addresses, none of them repeated."""

from __future__ import annotations

from datetime import date

import pytest
from dash_helpers import small_zone_version

from dashboard.queries import incidents

INCIDENTS = (
    "PV-nummer;Datum feit;Categorie;Straat;Huisnr;Postcode;Gemeente;X;Y\r\n"
    "S1;03/02/2024 10:00;Vandalisme;Kerkstraat;12;3020;Herent;171500;177200\r\n"
    "S2;04/02/2024 10:00;Vandalisme;Kerkstr.;12;3020;Herent;171500;177200\r\n"
    "S3;05/02/2024 10:00;Vandalisme;kerkstraat;012;3020;Herent;171500;177200\r\n"
    "S4;06/02/2024 10:00;Vandalisme;Kerkstraat 12;;3020;Herent;171500;177200\r\n"
)
NUISANCE = (
    "Meldingsnummer,Datum melding,Type overlast,Straat,Huisnummer,Gemeente,Lambert X,Lambert Y\r\n"
    "SV1,03/02/2024 22:00,Geluidshinder,Kerkstr,12,Herent,171500,177200\r\n"
    "SV2,05/02/2024 22:00,Geluidshinder,Kerkstr,12,Herent,171500,177200\r\n"
)
START, END = date(2024, 2, 1), date(2024, 2, 29)


@pytest.fixture
def version(tmp_path, monkeypatch):
    files = {"incidents/spellings.csv": INCIDENTS, "nuisance/spellings.csv": NUISANCE}
    return small_zone_version(tmp_path, monkeypatch, files)


def _kerkstraat(frame):
    rows = frame[frame["adres"] == "Kerkstraat 12"]
    assert len(rows) == 1, frame["adres"].tolist()
    return rows.iloc[0]


def test_every_spelling_of_an_address_counts_for_it(version):
    listed = incidents.top_addresses(version, "incidents", START, END, limit=500)
    row = _kerkstraat(listed)
    assert row["aantal"] == 4
    # The other ways its records write it, for the reader to check ("Kerkstraat 12" in the
    # street field is written as the address is).
    assert row["schrijfwijzen"] == "Kerkstr. 12, kerkstraat 012"
    assert not listed["adres"].str.contains("Kerkstr\\. |kerkstraat|Kerkstraat 12 ").any()
    nuisance = _kerkstraat(incidents.top_addresses(version, "nuisance", START, END, limit=500))
    assert nuisance["aantal"] == 2
    # Both sources name it alike, so the picked address's history and place are found in
    # both, and it is one repeated address over the two.
    key = tuple(None if v is None or v != v else str(v) for v in row[list(incidents.ADDRESS_KEY)])
    days = incidents.address_daily_counts(version, "nuisance", key)
    assert days["aantal"].sum() == 2
    history = incidents.address_daily_counts(version, "incidents", key)
    assert list(history["dag"].astype(str)) == [
        "2024-02-03", "2024-02-04", "2024-02-05", "2024-02-06",
    ]  # fmt: skip
    assert incidents.address_place(version, key) is not None
    # The register's "Kerkstr 12" (twice) was an address of its own beside ISLP's.
    one = incidents.repeated_address_count(version, "incidents", START, END)
    both = incidents.repeated_address_count(version, ("incidents", "nuisance"), START, END)
    assert both == one

"""Build warnings that name one file: another zone's export put in by mistake, a file whose
coordinates all lie outside Belgium (shifted columns), a file most of whose rows are
refused. Each built "successfully" before, and only the counts showed something was off
(a Leuven export added 38 % to a month of the zone's totals)."""

from __future__ import annotations

from etl_helpers import INCIDENT_HEADER, ZONE_SMALL, built, query

from etl.config import zone_file_label


def _warnings(wh) -> list[str]:
    return [
        m for (m,) in query(wh, "SELECT message FROM marts.build_warnings ORDER BY seq, message")
    ]


def _zone_rows(n: int, prefix: str = "H") -> list[str]:
    return [
        f"{prefix}{i};0{1 + i % 9}/03/2024 10:00;;;Vandalisme;Kerkstraat;{i + 1};3020;Herent;171000;177000"
        for i in range(n)
    ]


def test_another_zones_export_is_named(tmp_path):
    leuven = [
        f"L{i};0{1 + i % 9}/03/2024 10:00;;;Diefstal;Bondgenotenlaan;{i + 1};3000;Leuven;;"
        for i in range(12)
    ]
    files = {
        "incidents/herko.csv": INCIDENT_HEADER + "\n" + "\n".join(_zone_rows(40)) + "\n",
        "incidents/leuven.csv": INCIDENT_HEADER + "\n" + "\n".join(leuven) + "\n",
    }
    wh = built(tmp_path, files)
    named = [m for m in _warnings(wh) if "andere zone" in m]
    assert named == [
        "incidents/leuven.csv: 12 van de 12 feiten (100,0 %) liggen buiten de zone of noemen "
        "een gemeente buiten de zone (Leuven). Is dit de export van een andere zone? Ze tellen "
        "mee in de totalen van de zone; hoort het bestand er niet bij, zet het dan in "
        "quarantaine (Data)."
    ]
    # The zone's own file is not named, and a few records of another place in it are normal.
    files["incidents/herko.csv"] += (
        "\n".join(
            f"B{i};01/03/2024 10:00;;;Diefstal;Brusselsesteenweg;1;3080;Tervuren;;"
            for i in range(5)
        )
        + "\n"
    )
    del files["incidents/leuven.csv"]
    assert not [m for m in _warnings(built(tmp_path / "b", files)) if "andere zone" in m]


def test_coordinates_outside_belgium_in_most_of_a_file_are_named(tmp_path):
    """Coordinates in a system Wijkbeeld does not know (UTM metres, no crs_input): kept,
    without a location, and the file is named."""
    header = "PV-nummer,Datum feit,Categorie,Gemeente,X,Y"
    rows = [f"P{i},0{1 + i % 9}/04/2024 10:00,Diefstal,Herent,673000,5637000" for i in range(15)]
    wh = built(tmp_path, {"incidents/utm.csv": header + "\n" + "\n".join(rows) + "\n"})
    assert query(wh, "SELECT count(*) FROM marts.incidents WHERE location_status = 'ok'") == [(0,)]
    [message] = [m for m in _warnings(wh) if "coördinaten buiten België" in m]
    assert message.startswith(
        "incidents/utm.csv: 15 van de 15 feiten (100,0 %) hebben coördinaten buiten België en "
        "kregen geen plaats."
    )


def test_decimal_commas_splitting_every_row_refuse_the_file_s_rows(tmp_path):
    """Comma-separated, decimal commas unquoted: every row a field longer than the header,
    so X took the whole metres and Y the decimals. The rows were kept without a location
    (the test above, with this file); now each is refused naming the decimal comma, and
    the file is named as mostly refused."""
    header = "PV-nummer,Datum feit,Categorie,Gemeente,X,Y"
    rows = [f"P{i},0{1 + i % 9}/04/2024 10:00,Diefstal,Herent,171000,5,177000,5" for i in range(15)]
    wh = built(tmp_path, {"incidents/komma.csv": header + "\n" + "\n".join(rows) + "\n"})
    assert query(wh, "SELECT count(*) FROM marts.incidents") == [(0,)]
    [message] = [m for m in _warnings(wh) if "geweigerd" in m]
    assert message.startswith(
        'incidents/komma.csv: 15 van de 15 rijen (100,0 %) geweigerd, meestal: "Rij telt meer '
        "velden dan de kopregel: een decimale komma (171000,5)"
    )


def test_a_file_mostly_refused_is_named_with_its_most_common_reason(tmp_path):
    header = "PV-nummer,Datum feit,Categorie,Gemeente,X,Y"
    shifted = [
        f"P{i},0{1 + i % 9}/04/2024 10:00,Diefstal,Herent,171000,5,177000,5" for i in range(12)
    ]
    plain = [f"Q{i},02/04/2024 10:00,Diefstal,Herent,," for i in range(3)]
    files = {
        "incidents/komma.csv": header + "\n" + "\n".join(shifted + plain) + "\n",
        "incidents/herko.csv": INCIDENT_HEADER + "\n" + "\n".join(_zone_rows(40)) + "\n",
    }
    wh = built(tmp_path, files)
    [message] = [m for m in _warnings(wh) if "geweigerd" in m]
    assert message.startswith(
        'incidents/komma.csv: 12 van de 15 rijen (80,0 %) geweigerd, meestal: "Rij telt meer '
        "velden dan de kopregel"
    )
    assert message.endswith(
        "Controleer het scheidingsteken en de kolommen van dit bestand; de geweigerde rijen "
        "staan op de Datapagina."
    )


def test_earlier_rows_of_a_repeated_number_are_no_refusal_to_warn_about(tmp_path):
    """An export with a row per person involved repeats its PV numbers: the last row of
    each counts, nothing is lost, nothing to warn about."""
    rows = [r for row in _zone_rows(12) for r in (row, row)]
    wh = built(
        tmp_path, {"incidents/per_persoon.csv": INCIDENT_HEADER + "\n" + "\n".join(rows) + "\n"}
    )
    assert query(wh, "SELECT count(*) FROM marts.rejects") == [(12,)]
    assert not [m for m in _warnings(wh) if "geweigerd" in m]


def test_a_file_without_a_category_column_is_named(tmp_path):
    """ "Categorie" renamed "Vorm": every PV of that month counted under no category,
    silently. "Soort feit" is read as the category now."""
    header = "PV-nummer;Datum feit;Vorm;Gemeente;X;Y"
    rows = [f"V{i};0{1 + i % 9}/05/2024 10:00;Diefstal;Herent;171000;177000" for i in range(4)]
    soort = "PV-nummer;Datum feit;Soort feit;Gemeente;X;Y\nS1;01/06/2024 10:00;Diefstal;Herent;171000;177000\n"
    files = {
        "incidents/mei.csv": header + "\n" + "\n".join(rows) + "\n",
        "incidents/juni.csv": soort,
    }
    wh = built(tmp_path, files)
    assert query(wh, "SELECT pv_number, category FROM marts.incidents ORDER BY 1") == [
        ("S1", "Diefstal"),
        *((f"V{i}", None) for i in range(4)),
    ]
    assert [m for m in _warnings(wh) if "geen kolom" in m] == [
        "incidents/mei.csv heeft geen kolom die Wijkbeeld als categorie leest: de 4 aanvaarde "
        "feiten hebben geen categorie. Heet die kolom er anders, voeg de naam dan toe aan de "
        "kolomnamen van de zone (mappings.toml, zie docs/DATA_CONTRACT.md)."
    ]


def test_an_export_without_its_date_column_is_told_so_not_called_another_kind(tmp_path):
    """Street, number, postcode and X/Y made it "an address list" for want of "Datum feit":
    the message that names the missing column and the columns seen was never reached."""
    import pytest

    from etl.build import BuildError

    header = "PV-nummer;Feitdatum;Categorie;Straat;Huisnr;Postcode;Gemeente;X;Y"
    row = "P1;01/05/2024 10:00;Diefstal;Kerkstraat;1;3020;Herent;171000;177000"
    with pytest.raises(BuildError) as err:
        built(tmp_path, {"incidents/a.csv": header + "\n" + row + "\n"})
    message = str(err.value)
    assert "adreslijst" not in message
    assert "verplichte kolom(men) ontbreken (Datum feit)" in message
    assert "Gevonden kolommen: PV-nummer, Feitdatum, Categorie" in message


def test_categories_the_zone_does_not_list_are_named(tmp_path):
    """ISLP renamed "Fietsdiefstal" "Diefstal van fiets": a new category appeared and the
    listed one stopped, without a word. Case and spaces are no difference."""
    rows = [
        "F1;01/05/2024 10:00;;;Fietsdiefstal;Kerkstraat;1;3020;Herent;171000;177000",
        "F2;02/05/2024 10:00;;;  vandalisme ;Kerkstraat;1;3020;Herent;171000;177000",
        "F3;03/05/2024 10:00;;;Diefstal van fiets;Kerkstraat;1;3020;Herent;171000;177000",
        "F4;04/05/2024 10:00;;;Diefstal van fiets;Kerkstraat;1;3020;Herent;171000;177000",
    ]
    wh = built(tmp_path, {"incidents/a.csv": INCIDENT_HEADER + "\n" + "\n".join(rows) + "\n"})
    assert [m for m in _warnings(wh) if "zoneconfiguratie" in m] == [
        # The file the build read (it said "data/zone.toml" for any).
        f"De feiten noemen 1 categorie die de zoneconfiguratie ({zone_file_label(ZONE_SMALL)}, "
        "[categories].incidents) niet noemt: Diefstal van fiets (2). Een hernoemde categorie "
        "telt als een nieuwe: vul de lijst aan, of zie of de export ze anders schrijft."
    ]

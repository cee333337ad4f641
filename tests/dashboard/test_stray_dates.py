"""A record dated years before the rest of its source (a typo in the year: 03/02/1924 for
03/02/2024). It made every page's periods start in 1924 ("Alles" a century long), and
every month up to the first real export counted 0 instead of unknown, so the first real
year stood "opvallend" against it. Now `marts.coverage` sets such few records apart: they
stay counted on their own day, the build names them, and the pages start after them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dash_helpers import count, run_app, wh
from test_thin_data import thin_warehouse

from dashboard.queries import common
from dashboard.queries._db import warehouse_version

HEADER = "PV-nummer;Datum feit;Registratiedatum;Categorie;Straat;Huisnr;Gemeente;X;Y\n"


def monthly(first: date, months: int, per_month: int, prefix: str) -> str:
    """``per_month`` facts on the 10th of each of ``months`` months from ``first``."""
    rows = []
    for m in range(months):
        y, mo = first.year + (first.month - 1 + m) // 12, (first.month - 1 + m) % 12 + 1
        for i in range(per_month):
            day = f"{10 + i % 15:02d}/{mo:02d}/{y}"
            rows.append(
                f"{prefix}{m:02d}{i:02d};{day} 10:00;{day} 12:00;Diefstal;Kerkstraat;{i};Herent;171000;177000\n"
            )
    return "".join(rows)


def opened(page: str, start: str, end: str):
    """The page over a custom period, run without an exception."""
    at = run_app(page, {"periode": "aangepast", "van": start, "tot": end})
    assert not at.exception
    return at


def one_begins(elements, text: str) -> bool:
    """Whether one of the elements' texts begins with ``text``."""
    return any(e.value.startswith(text) for e in elements)


def version_of(tmp_path: Path, monkeypatch, incidents: str) -> str:
    return warehouse_version(thin_warehouse(tmp_path, monkeypatch, incidents, HEADER))


def test_a_fact_dated_a_century_early_is_set_apart_named_and_still_counted(tmp_path, monkeypatch):
    typo = "T1;03/02/1924 10:00;03/02/2024 12:00;Diefstal;Kerkstraat;1;Herent;171000;177000\n"
    version = version_of(tmp_path, monkeypatch, monthly(date(2024, 1, 1), 18, 3, "P") + typo)

    coverage = wh(
        "SELECT first, last, n, first_record, n_set_apart FROM marts.coverage WHERE domain = 'incidents'"
    )
    first, last, n, first_record, n_set_apart = coverage.iloc[0]
    assert (first.date(), last.date()) == (date(2024, 1, 10), date(2025, 6, 12))
    assert (n, n_set_apart, first_record.date()) == (54, 1, date(1924, 2, 3))

    # Still in the mart and in the daily counts, on its own day.
    assert (
        count("SELECT count(*) FROM marts.incidents WHERE pv_number = 'T1' AND date = '1924-02-03'")
        == 1
    )
    assert count("SELECT sum(n) FROM marts.daily_counts WHERE domain = 'incidents'") == 55

    messages = wh("SELECT topic, message FROM marts.build_warnings WHERE topic = 'Datums'")
    assert len(messages) == 1
    text = messages["message"].iat[0]
    # The file and row (header = row 1; the typo is the 56th line) and the date as written.
    assert "1 feit ligt meer dan een half jaar vóór de andere feiten: " in text
    assert "incidents/feiten.csv rij 56 (03/02/1924)" in text
    assert "Het telt mee op zijn eigen dag" in text and "beginnen pas op 10/01/2024" in text

    # The pages: periods and "known since" start with the real data.
    assert common.data_bounds(version)["first"] == date(2024, 1, 10)
    assert common.known_since(version, ("incidents",)) == date(2024, 1, 1)
    cov = common.domain_coverage(version)
    assert int(cov.loc[cov["domain"] == "incidents", "n"].iat[0]) == 54

    at = run_app("data")
    assert not at.exception
    assert any("03/02/1924" in w.value for w in at.warning) or any(
        "03/02/1924" in m.value for m in at.markdown
    )


def test_an_older_export_of_real_size_keeps_covering_its_months(tmp_path, monkeypatch):
    """A year of 2022 (36 facts), then nothing for a year, then 2024: not a typo. The
    months between count 0 as before (the Bronnen page shows the gap)."""
    version = version_of(
        tmp_path,
        monkeypatch,
        monthly(date(2022, 1, 1), 12, 3, "A") + monthly(date(2024, 1, 1), 12, 3, "B"),
    )
    assert wh("SELECT n_set_apart FROM marts.coverage").iat[0, 0] == 0
    assert common.data_bounds(version)["first"] == date(2022, 1, 10)
    assert common.known_since(version, ("incidents",)) == date(2022, 1, 1)
    assert count("SELECT count(*) FROM marts.build_warnings WHERE topic = 'Datums'") == 0


def test_a_stray_record_a_few_months_early_is_no_typo_to_set_apart(tmp_path, monkeypatch):
    """Five empty months are a quiet start, not a typo: the source begins with it."""
    stray = "S1;10/07/2023 10:00;10/07/2023 12:00;Diefstal;Kerkstraat;1;Herent;171000;177000\n"
    version = version_of(tmp_path, monkeypatch, stray + monthly(date(2024, 1, 1), 24, 3, "P"))
    assert wh("SELECT n_set_apart FROM marts.coverage").iat[0, 0] == 0
    assert common.data_bounds(version)["first"] == date(2023, 7, 10)


def test_months_without_any_record_inside_a_busy_source_are_named(tmp_path, monkeypatch):
    """A year's accident export left out read as a year without accidents: the report to
    the mayor said "0 (vorig jaar 96)" and no page said why (an audit of the reports,
    fifty-seventh session). Whole empty months inside a source that counts ten or more a
    month are now named."""
    rows = "".join(
        line
        for line in monthly(date(2024, 1, 1), 24, 12, "P").splitlines(keepends=True)
        if not any(f"/{m:02d}/2024" in line.split(";")[1] for m in (7, 8, 9))
    )
    version_of(tmp_path, monkeypatch, rows)
    empty = wh("SELECT empty_months FROM marts.coverage WHERE domain = 'incidents'").iat[0, 0]
    assert [str(d)[:10] for d in empty] == ["2024-07-01", "2024-08-01", "2024-09-01"]
    messages = wh("SELECT message FROM marts.build_warnings WHERE topic = 'Datums'")["message"]
    assert messages.tolist() == [
        "Feiten: 3 maanden zonder enig record, van 07/2024 tot en met 09/2024, terwijl de bron "
        "er gewoonlijk tien of meer per maand heeft. Ontbreekt er een export? Die maanden "
        "tellen als 0: de vergelijkingen (Briefing, Verkeer, Bronnen, voor en na een aanpak, "
        "het rapport aan de burgemeesters) laten een periode die er een bevat buiten "
        "beschouwing, en de periodefilter van elke pagina waarschuwt."
    ]


def test_months_apart_are_listed_not_spanned(tmp_path, monkeypatch):
    """Two empty months a year apart read "tussen 06/2024 en 09/2025", as if fifteen were
    missing (an audit, fifty-eighth session)."""
    rows = "".join(
        line
        for line in monthly(date(2024, 1, 1), 24, 12, "P").splitlines(keepends=True)
        if not any(m in line.split(";")[1] for m in ("/06/2024", "/09/2025"))
    )
    version_of(tmp_path, monkeypatch, rows)
    (message,) = wh("SELECT message FROM marts.build_warnings WHERE topic = 'Datums'")["message"]
    assert message.startswith("Feiten: 2 maanden zonder enig record: 06/2024 en 09/2025, ")


def test_a_season_is_no_missing_export(tmp_path, monkeypatch):
    """A register kept from April to September: every winter month was flagged "Ontbreekt
    er een export?" and the Briefing and the report stopped comparing those periods. An
    empty month counts only when its calendar month has records in another year, or when
    its run of empty months is at most two long."""
    rows = "".join(
        line
        for line in monthly(date(2023, 4, 1), 30, 12, "P").splitlines(keepends=True)
        if 4 <= int(line.split(";")[1][3:5]) <= 9
    )
    version_of(tmp_path, monkeypatch, rows)
    assert len(wh("SELECT empty_months FROM marts.coverage").iat[0, 0]) == 0
    assert count("SELECT count(*) FROM marts.build_warnings WHERE topic = 'Datums'") == 0
    # A register closed every July and August: no missing export either.
    rows_summer = "".join(
        line
        for line in monthly(date(2022, 1, 1), 36, 12, "S").splitlines(keepends=True)
        if int(line.split(";")[1][3:5]) not in (7, 8)
    )
    version_of(tmp_path / "summer", monkeypatch, rows_summer)
    assert len(wh("SELECT empty_months FROM marts.coverage").iat[0, 0]) == 0
    # One missing export is judged whole: October to December 2024 in data from 11/2023 to
    # 03/2025 (no other October), where November and December have records a year earlier.
    rows_autumn = "".join(
        line
        for line in monthly(date(2023, 11, 1), 17, 12, "A").splitlines(keepends=True)
        if line.split(";")[1][3:10] not in ("10/2024", "11/2024", "12/2024")
    )
    version_of(tmp_path / "autumn", monkeypatch, rows_autumn)
    empty = wh("SELECT empty_months FROM marts.coverage").iat[0, 0]
    assert [str(d)[:7] for d in empty] == ["2024-10", "2024-11", "2024-12"]
    # One summer month missing is still a missing export.
    rows = "".join(line for line in rows.splitlines(keepends=True) if "/07/2024" not in line)
    version_of(tmp_path / "b", monkeypatch, rows)
    empty = wh("SELECT empty_months FROM marts.coverage").iat[0, 0]
    assert [str(d)[:7] for d in empty] == ["2024-07"]


def test_an_empty_month_of_a_busy_source_is_unknown_not_a_quiet_month(tmp_path, monkeypatch):
    """The pages counted such months as 0: the briefing compared them, Verkeer drew them
    and the report to the mayor set a year without its summer against the year before.
    They are now unknown wherever a period is compared, marked in the report and named
    wherever a period is chosen."""
    from dashboard.analysis.compstat import Period
    from dashboard.documents import briefing_pack as bp
    from dashboard.documents import municipal_report as mr

    rows = "".join(
        line
        for line in monthly(date(2023, 1, 1), 24, 12, "P").splitlines(keepends=True)
        if not any(f"/{m:02d}/2024" in line.split(";")[1] for m in (7, 8, 9))
    )
    version = version_of(tmp_path, monkeypatch, rows)
    span = common.source_span_map(version)["incidents"]
    assert span.gaps == (date(2024, 7, 1), date(2024, 8, 1), date(2024, 9, 1))
    assert span.gaps_in(date(2024, 6, 1), date(2024, 7, 1)) == (date(2024, 7, 1),)
    assert not span.gaps_in(date(2024, 6, 1), date(2024, 6, 30))
    assert not span.covers(Period(date(2024, 9, 30), date(2024, 10, 27)))
    assert span.covers(Period(date(2024, 10, 1), date(2024, 10, 28)))

    # The briefing: a current period holding an empty month is counted, not compared; a
    # comparison period holding one has no count ("–").
    now = bp.collect_briefing(version, "28d", date(2024, 7, 10))
    assert now.totals.loc["incidents", ["previous", "last_year"]].isna().all()
    assert (
        "Feiten (pv's): geen enkel record met datum in 07/2024 (een ontbrekende export?); "
        "niet vergeleken"
    ) in " ".join(now.coverage_notes)
    later = bp.collect_briefing(version, "28d", date(2024, 10, 28))
    assert later.totals.loc["incidents", "previous"] != later.totals.loc["incidents", "previous"]
    assert later.totals.loc["incidents", "last_year"] == 12
    assert "geen enkel record met datum in 09/2024 (een ontbrekende export?)" in " ".join(
        later.coverage_notes
    )

    # Wholly inside the empty months: not in the briefing (unknown, not 0), and said why.
    inside = bp.collect_briefing(version, "28d", date(2024, 8, 28))
    assert "incidents" not in inside.totals.index
    assert (
        "Niet in deze briefing: feiten (pv's) (geen enkel record met datum in 08/2024: een "
        "ontbrekende export?)."
    ) in inside.coverage_notes
    # The report on the third quarter: "–", not "0*".
    quarter = mr.collect_report(version, "24038", mr.ReportPeriod("kwartaal", 2024, 3), warn=False)
    (facts,) = [x for x in mr.summary_lines(quarter) if x.startswith("Feiten (pv's):")]
    assert not facts.startswith("Feiten (pv's): 0"), facts

    # The report on 2024: the year's count of facts is marked and not compared.
    data = mr.collect_report(version, "24038", mr.ReportPeriod("jaar", 2024, 0), warn=False)
    (facts,) = [x for x in mr.summary_lines(data) if x.startswith("Feiten (pv's):")]
    assert facts.endswith(
        " (alleen gegevens buiten 07/2024 tot en met 09/2024, waarvoor geen export geladen "
        "lijkt: geen vergelijking met vorig jaar)."
    ), facts
    assert data.tables["evolutie"].rows()[-1][1].endswith("*")
    assert (
        "* Feiten (pv's): alleen gegevens buiten 07/2024 tot en met 09/2024, waarvoor "
        "geen export geladen lijkt."
    ) in data.tables["evolutie"].note

    # Every page with a period says it (Verkenning, a custom period over the summer).
    at = opened("exploration", "2024-06-01", "2024-08-31")
    assert one_begins(
        at.sidebar.warning,
        "Geen enkel feit met datum in 07/2024 en 08/2024, terwijl er gewoonlijk tien of "
        "meer per maand zijn: een ontbrekende export? Wat er toen gebeurde is onbekend: "
        "waar die maanden meetellen, tellen ze als 0, en de vergelijkingen laten ze weg.",
    ), [w.value for w in at.sidebar.warning]

    # Verkenning names them in the labels of the periods holding them.
    def labels(start: str, end: str, grouping: str) -> list[str]:
        params = {"periode": "aangepast", "van": start, "tot": end, "indeling2": "Geen"}
        at = run_app("exploration", {**params, "indeling1": grouping})
        assert not at.exception
        return at.dataframe[0].value[grouping].tolist()

    # (the data end on 21/12)
    assert labels("2024-01-01", "2024-12-31", "Kwartaal") == [
        "K1 2024", "K2 2024", "K3 2024 (geen gegevens)", "K4 2024 (01/10–21/12)"
    ]  # fmt: skip
    assert labels("2024-06-01", "2024-10-31", "Jaar") == [
        "2024 (01/06–31/10) (zonder 07/2024 tot en met 09/2024)"
    ]
    # The quarter without one record has no count ("–"), not the 0 it summed to; said why.
    at = run_app(
        "exploration",
        {"periode": "aangepast", "van": "2024-01-01", "tot": "2024-12-31", "indeling1": "Kwartaal",
         "indeling2": "Geen"},
    )  # fmt: skip
    table = at.dataframe[0].value.set_index("Kwartaal")
    assert table.iloc[:, 0]["K3 2024 (geen gegevens)"] == "–"
    assert table.iloc[:, 0]["K2 2024"] != "–"
    assert any(
        "(een ontbrekende export?): een periode die daarin valt staat als – (onbekend), niet "
        "als 0." in c.value
        for c in at.caption
    ), [c.value for c in at.caption]
    # Not for a period without one.
    at = opened("exploration", "2024-10-01", "2024-10-31")
    assert not [w for w in at.sidebar.warning if "met datum in" in w.value]

    # Bronnen: October is not compared with the September without facts ("+12"), and the
    # months without facts have no bar and no comparison a year later.
    at = opened("sources", "2024-10-01", "2024-10-31")
    (tile,) = [m for m in at.metric if m.label == "Feiten (pv's)"]
    assert tile.value == "12" and not tile.delta
    # (The previous 31 days run from 31/08.)
    assert (
        "Feiten (pv's): geen enkel record met datum in 08/2024 en 09/2024 (een ontbrekende "
        "export?): geen vergelijking met de vorige periode."
    ) in [w.value for w in at.warning]
    at = opened("sources", "2024-06-01", "2024-12-31")
    assert one_begins(
        at.caption,
        "Geen enkel feit met datum in 07/2024 tot en met 09/2024 (een ontbrekende export?): "
        "die maanden blijven leeg",
    ), [c.value for c in at.caption]


def test_an_empty_month_of_a_sparse_source_is_chance_not_a_missing_export(tmp_path, monkeypatch):
    rows = "".join(
        line
        for line in monthly(date(2024, 1, 1), 24, 3, "P").splitlines(keepends=True)
        if "/07/2024" not in line.split(";")[1]
    )
    version_of(tmp_path, monkeypatch, rows)
    assert len(wh("SELECT empty_months FROM marts.coverage").iat[0, 0]) == 0
    assert count("SELECT count(*) FROM marts.build_warnings WHERE topic = 'Datums'") == 0

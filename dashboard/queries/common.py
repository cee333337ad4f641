"""Datasets the pages can ask about, and the queries every dataset shares.

:data:`DATASETS` is the whitelist of tables, columns and expressions that may be formatted
into SQL. Nothing a user types or picks ever reaches SQL text: user choices are either keys
of these dictionaries (checked) or values bound as ``$parameters``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.analysis.compstat import month_end, source_spans
from dashboard.queries._db import WarehouseVersion, query, scalar

#: Most points a map may carry (DESIGN: 10,000 CircleMarkers already take ~11 s).
MAP_POINT_CAP = 5_000

#: Records located inside the zone: the only ones a hexagon map counts, as
#: ``marts.hex_counts`` and :func:`dashboard.queries.hotspots.cell_counts` do. A record
#: outside the zone has coordinates and an H3 cell, but the cell lies beyond the zone's
#: map (the briefing drew 11 such cells, and counted 3,289 records where Bronnen had 3,277).
IN_ZONE = "t.location_status IN ('ok', 'geen_wijk')"

#: Traffic victims as ``marts.accidents.victims`` counts them (docs/DATA_DICTIONARY.md): a
#: person killed or seriously or lightly injured. A victim row without an injury class
#: (unhurt, unknown) is no victim, and an injury accident without victim rows has the one
#: victim of its class, whose road user, age and the like are unknown. The columns of
#: ``marts.victims``; per accident (and per class) the rows add up to the accident's
#: ``victims`` (``killed``, ``seriously_injured``, ``lightly_injured``), so Verkenning,
#: Verkeer, the briefing and the municipal report count the same victims. Such an accident
#: keeps its own severity label (``Dodelijk`` for a death, which the black-spot score reads
#: as a synonym of ``Gedood binnen 30 dagen``).
VICTIMS_SQL = """(
    SELECT v.* FROM marts.victims v WHERE v.severity_class IS NOT NULL
    UNION ALL BY NAME
    SELECT a.accident_id, CAST(a.severity AS VARCHAR) AS severity,
           CASE WHEN a.killed > 0 THEN 'killed'
                WHEN a.seriously_injured > 0 THEN 'seriously_injured'
                ELSE 'lightly_injured' END AS severity_class,
           a.date, a.year, a.month, a.iso_year, a.iso_week, a.weekday, a.hour,
           a.x, a.y, a.lon, a.lat, a.wijk_code, a.wijk_name, a.deelgemeente_code,
           a.deelgemeente_name, a.nis_code, a.municipality_name, a.h3_cell, a.h3_cell_coarse,
           a.location_status, a.location_note, a.source_file, a.source_row
    FROM marts.accidents a
    WHERE a.source = 'zone' AND a.victims > 0
      AND NOT EXISTS (
          SELECT 1 FROM marts.victims r
          WHERE r.accident_id = a.accident_id AND r.severity_class IS NOT NULL
      )
)"""


@dataclass(frozen=True)
class Dataset:
    """One kind of record the dashboard shows, and how to read it from its mart.

    Attributes
    ----------
    key : str
        Identifier used by pages and in query parameters.
    label : str
        Dutch name, plural ("Feiten").
    table : str
        Mart holding the records (its columns are the dataset's columns).
    category : str
        Column that classifies a record (category, type, severity).
    category_label : str
        Dutch name of that column.
    date_expr : str
        SQL expression giving the record's DATE. Every expression refers to the record
        table as ``t``, the alias all queries use.
    id_column : str
        Key column, shown in record lists.
    where : str
        Fixed condition selecting this dataset's rows from the table.
    month_only : bool
        The source knows year and month but no day (Statbel): a period selects whole months.
    located : bool
        Records carry ``lon``/``lat`` and can go on a map.
    address_expr : str
        SQL expression for a readable address (empty string when unknown).
    measures : dict
        Dutch measure label → SQL aggregate; the first is the default.
    dimensions : dict
        Extra group-by dimensions only this dataset has (Dutch label → (SQL expression over
        alias ``t``, output column)), next to the shared :data:`DIMENSIONS`.
    from_sql : str
        A parenthesised query with the columns of ``table`` to read the records from, when
        the dataset's records are not the mart's rows as stored (the victims: see
        :data:`VICTIMS_SQL`); empty for the mart itself. See :attr:`relation`.
    """

    key: str
    label: str
    table: str
    category: str
    category_label: str
    date_expr: str = "t.date"
    id_column: str = "id"
    where: str = "TRUE"
    month_only: bool = False
    located: bool = True
    address_expr: str = "concat_ws(' ', t.street, t.house_number)"
    measures: dict = field(default_factory=lambda: {"Aantal": "count(*)"})
    dimensions: dict = field(default_factory=dict)
    from_sql: str = ""

    @property
    def relation(self) -> str:
        """What queries read the records from (``FROM <relation> t``)."""
        return self.from_sql or self.table


_ACCIDENT_MEASURES = {
    "Aantal ongevallen": "count(*)",
    "Letselongevallen": "count(*) FILTER (WHERE t.is_injury)",
    "Slachtoffers (totaal)": "CAST(sum(t.victims) AS BIGINT)",
    "Doden": "CAST(sum(t.killed) AS BIGINT)",
    "Zwaargewonden": "CAST(sum(t.seriously_injured) AS BIGINT)",
    "Lichtgewonden": "CAST(sum(t.lightly_injured) AS BIGINT)",
}

#: Statbel gives each accident one class (its worst-hit victim) and no victims: its "Doden"
#: counted accidents, and "Slachtoffers (totaal)", a sum of NULLs, showed 0 everywhere.
_STATBEL_MEASURES = {
    "Aantal ongevallen": "count(*)",
    "Letselongevallen": "count(*) FILTER (WHERE t.is_injury)",
    "Dodelijke ongevallen": "CAST(sum(t.killed) AS BIGINT)",
    "Ongevallen met zwaargewonden": "CAST(sum(t.seriously_injured) AS BIGINT)",
    "Ongevallen met lichtgewonden": "CAST(sum(t.lightly_injured) AS BIGINT)",
}

#: Accident dimensions beyond severity (the category) and the shared ones.
_ACCIDENT_DIMENSIONS = {
    "Uur": ("t.hour", "uur"),
    "Weggebruiker 1": ("coalesce(t.road_user_1, 'Onbekend')", "weggebruiker_1"),
    "Weggebruiker 2": ("coalesce(t.road_user_2, 'Onbekend')", "weggebruiker_2"),
    "Lichtgesteldheid": ("coalesce(t.light, 'Onbekend')", "licht"),
    "Weer": ("coalesce(t.weather, 'Onbekend')", "weer"),
    "Wegtype": ("coalesce(t.road_type, 'Onbekend')", "wegtype"),
    "Bebouwde kom": ("coalesce(t.built_up, 'Onbekend')", "bebouwde_kom"),
    "Kruispunt": ("coalesce(t.crossroads, 'Onbekend')", "kruispunt"),
}

DATASETS: dict[str, Dataset] = {
    "incidents": Dataset(
        "incidents",
        "Feiten (pv's)",
        "marts.incidents",
        "category",
        "Categorie",
        id_column="pv_number",
        dimensions={
            "Uur": ("t.hour", "uur"),
            "Status": ("coalesce(t.status, 'Onbekend')", "status"),
            "Tijdvenster": (
                "CASE WHEN t.is_window THEN 'Tijdvenster' ELSE 'Exact tijdstip' END",
                "tijdvenster",
            ),
        },
    ),
    "nuisance": Dataset(
        "nuisance",
        "Overlastmeldingen",
        "marts.nuisance",
        "nuisance_type",
        "Type overlast",
        id_column="report_id",
        dimensions={
            "Uur": ("t.hour", "uur"),
            "Status": ("coalesce(t.status, 'Onbekend')", "status"),
            "Kanaal": ("coalesce(t.channel, 'Onbekend')", "kanaal"),
        },
    ),
    "accidents": Dataset(
        "accidents",
        "Verkeersongevallen (eigen registratie)",
        "marts.accidents",
        "severity",
        "Ernst",
        id_column="accident_id",
        where="t.source = 'zone'",
        measures=_ACCIDENT_MEASURES,
        dimensions=_ACCIDENT_DIMENSIONS,
    ),
    "accidents_statbel": Dataset(
        "accidents_statbel",
        "Letselongevallen (Statbel)",
        "marts.accidents",
        "severity",
        "Ernst",
        id_column="accident_id",
        where="t.source = 'statbel'",
        # Statbel publishes no day: the month stands for the date.
        date_expr="make_date(t.year, t.month, 1)",
        month_only=True,
        address_expr="''",
        measures=_STATBEL_MEASURES,
        dimensions=_ACCIDENT_DIMENSIONS,
    ),
    "victims": Dataset(
        "victims",
        "Verkeersslachtoffers (eigen registratie)",
        "marts.victims",
        "severity",
        "Letsel",
        id_column="accident_id",
        # Killed and injured only, and the one victim of an accident without victim rows:
        # every victim row counted, also those of people unhurt, gave more victims than
        # Verkeer, the briefing and the report.
        from_sql=VICTIMS_SQL,
        measures={
            "Aantal slachtoffers": "count(*)",
            "Kwetsbare weggebruikers": "count(*) FILTER (WHERE t.is_vulnerable)",
        },
        dimensions={
            "Uur": ("t.hour", "uur"),
            "Type weggebruiker": ("coalesce(t.road_user, 'Onbekend')", "weggebruiker"),
            "Kwetsbaar": (
                "CASE WHEN t.is_vulnerable THEN 'Kwetsbaar' ELSE 'Niet kwetsbaar' END",
                "kwetsbaar",
            ),
            "Leeftijdsklasse": ("coalesce(t.age_group, 'Onbekend')", "leeftijd"),
        },
    ),
    "tasks": Dataset(
        "tasks",
        "Wijktaken (ontvangen)",
        "marts.tasks",
        "task_type",
        "Type taak",
        date_expr="CAST(t.received_at AS DATE)",
        id_column="task_id",
        located=False,
        measures={
            "Aantal": "count(*)",
            "Open": "count(*) FILTER (WHERE t.is_open)",
            "Over termijn": "count(*) FILTER (WHERE t.is_overdue)",
            "Te controleren": "count(*) FILTER (WHERE t.to_review)",
        },
        dimensions={
            "Status": ("coalesce(t.status, 'Onbekend')", "status"),
            "Wijkinspecteur": ("coalesce(t.inspector, 'Onbekend')", "wijkinspecteur"),
        },
    ),
    "controls": Dataset(
        "controls",
        "Verkeerscontroles",
        "marts.controls",
        "control_type",
        "Type controle",
        date_expr="CAST(t.started_at AS DATE)",
        id_column="control_id",
        address_expr="coalesce(t.street, '')",
        measures={
            "Aantal controles": "count(*)",
            "Gecontroleerde voertuigen": "CAST(sum(t.vehicles_checked) AS BIGINT)",
            "Overtredingen": "CAST(sum(t.offences) AS BIGINT)",
            "Uren": "sum(t.hours)",
        },
        dimensions={"Uur": ("t.hour", "uur")},
    ),
}

#: Group-by dimensions: Dutch label → (SQL expression over alias ``t``/``w``/``g``, output column).
#: The row of the records without an area, per area dimension (the view explains them).
AREA_GAP_LABELS = {
    "Wijk": "Zonder wijk",
    "Deelgemeente": "Zonder deelgemeente",
    "Gemeente": "Zonder gemeente",
}

#: ``{d}`` is replaced by the dataset's date expression, ``{c}`` by its category column.
DIMENSIONS: dict[str, tuple[str, str]] = {
    "Jaar": ("year({d})", "jaar"),
    "Kwartaal": ("CAST(date_trunc('quarter', {d}) AS DATE)", "kwartaal"),
    "Maand": ("CAST(date_trunc('month', {d}) AS DATE)", "maand"),
    "Week": ("CAST(date_trunc('week', {d}) AS DATE)", "week"),
    "Dag": ("{d}", "dag"),
    "Weekdag": ("isodow({d})", "weekdag"),
    # The month of the year, 1-12: with "Jaar" one line per year over January-December,
    # the years laid over each other (Maand × Jaar drew them one after the other).
    "Maand van het jaar": ("month({d})", "maandnr"),
    "Categorie": ("t.{c}", "categorie"),
    "Wijk": (f"coalesce(w.name, '{AREA_GAP_LABELS['Wijk']}')", "wijk"),
    "Deelgemeente": (f"coalesce(dg.name, '{AREA_GAP_LABELS['Deelgemeente']}')", "deelgemeente"),
    "Gemeente": (f"coalesce(g.name, '{AREA_GAP_LABELS['Gemeente']}')", "gemeente"),
}
#: Dimensions that need a day, refused for month-only sources.
DAY_DIMENSIONS = {"Week", "Dag", "Weekdag"}

# Area names come from marts.districts: the wijk and the municipality through the wijk
# code, which every dataset has (tasks carry no coordinates, only their wijk); the
# deelgemeente is the record's own (a wijk may straddle two: the real wijken of Herent do,
# and counting by the wijk's one deelgemeente put a third of Winksele in Veltem-Beisem),
# for the records with a wijk, as before, so the three layers count the same records. The
# build keeps it in the wijk's municipality.
_AREA_JOINS = """
    LEFT JOIN marts.districts w ON w.layer = 'wijk' AND w.code = t.wijk_code
    LEFT JOIN marts.districts dg ON dg.layer = 'deelgemeente'
        AND dg.code = CASE WHEN t.wijk_code IS NOT NULL THEN t.deelgemeente_code END
    LEFT JOIN marts.districts g ON g.layer = 'gemeente' AND g.code = w.nis_code
"""


#: Inhabitants per area name of layer ``$layer`` for the records a wijk filter keeps: the
#: area's own population without a filter, else the sum of its chosen wijken (unknown when
#: one of them is). Herent with only Herent-Centrum chosen counted Herent-Centrum's 600
#: feiten against all 21,920 inhabitants of Herent.
_AREA_POPULATION = """
    SELECT a.name,
           CASE WHEN len($wijken::VARCHAR[]) = 0 THEN any_value(a.population)
                WHEN bool_or(w.code IS NOT NULL AND w.population IS NULL) THEN NULL
                ELSE sum(w.population) END AS population
    FROM marts.districts a
    LEFT JOIN marts.districts w
      ON w.layer = 'wijk' AND list_contains($wijken::VARCHAR[], w.code)
     AND CASE a.layer WHEN 'wijk' THEN w.code = a.code
                      WHEN 'deelgemeente' THEN w.parent_code = a.code
                      ELSE w.nis_code = a.code END
    WHERE a.layer = $layer
    GROUP BY a.name
"""


@st.cache_data(show_spinner=False, max_entries=64)
def area_population(
    version: WarehouseVersion, layer: str, wijken: tuple[str, ...] = ()
) -> dict[str, float | None]:
    """Inhabitants per area name of one layer, counting only the chosen wijken.

    Parameters
    ----------
    layer : {"wijk", "deelgemeente", "gemeente"}
    wijken : tuple of str
        Wijk codes of the filter; empty for all.

    Returns
    -------
    dict
        Area name → inhabitants (``None`` when unknown or when none of its wijken is chosen).
    """
    if layer not in AREA_LAYERS.values():
        raise ValueError(f"Onbekende gebiedslaag {layer!r}")
    df = query(version, _AREA_POPULATION, {"layer": layer, "wijken": list(wijken)})
    return {
        str(name): (None if pd.isna(pop) else float(pop))
        for name, pop in zip(df["name"], df["population"], strict=True)
    }


def dataset(key: str) -> Dataset:
    """Look up a dataset by key; an unknown key is a programming error (``KeyError``)."""
    return DATASETS[key]


#: Time dimensions, finest last; the exploration page offers them first.
TIME_DIMENSIONS = ("Dag", "Week", "Maand", "Kwartaal", "Jaar")
#: Area dimension → layer of ``marts.districts`` (population, shapes), finest first.
AREA_LAYERS = {"Wijk": "wijk", "Deelgemeente": "deelgemeente", "Gemeente": "gemeente"}


def dimensions_for(dataset_key: str) -> list[str]:
    """Group-by dimensions a dataset offers, in display order.

    Parameters
    ----------
    dataset_key : str
        Key in :data:`DATASETS`.

    Returns
    -------
    list of str
        Time dimensions (without day-level ones for month-only sources), the category,
        the areas, the weekday, the month of the year, then the dataset's own dimensions.
    """
    ds = dataset(dataset_key)
    dims = [d for d in TIME_DIMENSIONS if not (ds.month_only and d in DAY_DIMENSIONS)]
    dims += ["Categorie", *AREA_LAYERS]
    if not ds.month_only:
        dims.append("Weekdag")
    dims.append("Maand van het jaar")
    return dims + list(ds.dimensions)


def dimension_column(dataset_key: str, dim: str) -> str:
    """Output column name of a dimension (``"Maand"`` → ``"maand"``)."""
    return _dimension(dataset(dataset_key), dim)[1]


def _dimension(ds: Dataset, dim: str) -> tuple[str, str]:
    """SQL expression (formatted for ``ds``) and output column of a whitelisted dimension."""
    if dim in DIMENSIONS:
        expr, out = DIMENSIONS[dim]
    elif dim in ds.dimensions:
        expr, out = ds.dimensions[dim]
    else:
        raise ValueError(f"Onbekende indeling {dim!r}")
    if ds.month_only and dim in DAY_DIMENSIONS:
        raise ValueError(f"{ds.label} kent geen dag: indelen per {dim.lower()} kan niet")
    return expr.format(d=ds.date_expr, c=ds.category), out


def filter_sql(
    ds: Dataset,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
) -> tuple[str, dict]:
    """WHERE clause (without the keyword) and parameters for the common filters.

    Parameters
    ----------
    ds : Dataset
        Dataset being filtered; supplies column names (whitelisted).
    start, end : date
        Inclusive period. For month-only sources every month touching the period counts.
    wijken : tuple of str
        Wijk codes; empty means every wijk, including records without a wijk.
    categories : tuple of str
        Category values; empty means all.

    Returns
    -------
    (str, dict)
        SQL condition with ``$start``, ``$end``, ``$wijken``, ``$categories`` placeholders,
        and their values.
    """
    date_expr = ds.date_expr
    if ds.month_only:
        period = f"{date_expr} BETWEEN date_trunc('month', $start::DATE) AND $end::DATE"
    else:
        period = f"{date_expr} BETWEEN $start::DATE AND $end::DATE"
    where = ds.where
    sql = (
        f"({where}) AND {period}"
        f" AND (len($wijken::VARCHAR[]) = 0 OR list_contains($wijken::VARCHAR[], t.wijk_code))"
        f" AND (len($categories::VARCHAR[]) = 0"
        f" OR list_contains($categories::VARCHAR[], t.{ds.category}))"
    )
    params = {"start": start, "end": end, "wijken": list(wijken), "categories": list(categories)}
    return sql, params


@st.cache_data(show_spinner=False, max_entries=64)
def domain_coverage(version: WarehouseVersion) -> pd.DataFrame:
    """First and last day with data, and the number of records between them, per domain of
    ``marts.daily_counts`` (incidents, nuisance, the zone's own accidents, tasks); a domain
    the zone never loaded has no row. See :func:`dashboard.analysis.compstat.source_spans`.

    The first day is ``marts.coverage``'s: a few records dated more than half a year before
    the rest of their source (a typo in the year) do not move it (the build warns).

    Returns
    -------
    pandas.DataFrame
        ``domain``, ``first``, ``last`` (dates), ``n`` (records), ``empty_months`` (the
        first days of whole months without a record of a busy source: a missing export).
    """
    return query(
        version,
        "SELECT domain, first, last, n, empty_months FROM marts.coverage "
        "WHERE list_contains($domains::VARCHAR[], domain) ORDER BY 1 LIMIT 100",
        {"domains": list(COUNTED_DOMAINS)},
    )


@st.cache_data(show_spinner=False, max_entries=64)
def coverage_gaps(version: WarehouseVersion, domain: str) -> tuple[date, ...]:
    """The whole months (first days) without one record of ``domain`` in ``marts.coverage``
    where it counts ten or more a month (a missing export), also for a domain outside
    :func:`domain_coverage` (``"accidents_statbel"``: a year's Statbel file left out;
    ``"controls"``: a month's traffic controls); ``()`` for a domain not loaded."""
    df = query(
        version,
        "SELECT empty_months FROM marts.coverage WHERE domain = $domain LIMIT 1",
        {"domain": domain},
    )
    if df.empty:
        return ()
    return tuple(pd.Timestamp(d).date() for d in df.iat[0, 0])


@st.cache_data(show_spinner=False, max_entries=256)
def data_bounds(version: WarehouseVersion) -> dict:
    """First and last record date over incidents, nuisance and accidents
    (``marts.coverage``: without the few records dated long before the rest of their source).

    The period presets count back from the last date with data, not from today: exports
    arrive with a delay, and "laatste 7 dagen" of an export ending last week would
    otherwise be empty.

    Returns
    -------
    dict
        ``{"first": date | None, "last": date | None}``.
    """
    df = query(
        version,
        "SELECT min(first) AS first, max(last) AS last FROM marts.coverage "
        "WHERE domain IN ('incidents', 'nuisance', 'accidents')",
    )
    return first_last(df)


@st.cache_data(show_spinner=False, max_entries=64)
def known_since(version: WarehouseVersion, dataset_keys: tuple[str, ...]) -> date | None:
    """The first day from which every one of ``dataset_keys`` is known: the latest of their
    first months (``marts.coverage``, from the first day of the month of a domain's first
    day: the exports begin with a month, a quiet first day is no missing export).

    Before it a count is unknown, not 0: facts exported from 2025 and nuisance reports from
    2023 made 2024's months 0 and every month of 2025 "opvallend" against them; summed, a
    month of facts and reports stood against one of reports alone. ``None`` without data.
    """
    if not dataset_keys:
        return None
    df = query(
        version,
        "SELECT domain, first FROM marts.coverage "
        "WHERE list_contains($keys::VARCHAR[], domain) LIMIT 100",
        {"keys": list(dataset_keys)},
    )
    if len(df) < len(set(dataset_keys)) or df["first"].isna().any():
        return None
    return max(pd.Timestamp(v).date().replace(day=1) for v in df["first"])


#: The domain of marts.coverage a dataset's first month is taken from (victims come with
#: their accidents; Statbel and the controls have domains of their own); a dataset without
#: one (the points of interest) has no known start.
KNOWN_SINCE_DOMAIN = {"victims": "accidents"}


def dataset_known_since(version: WarehouseVersion, dataset_key: str) -> date | None:
    """:func:`known_since` of one :data:`DATASETS` key (``None``: not known)."""
    return known_since(version, (KNOWN_SINCE_DOMAIN.get(dataset_key, dataset_key),))


@st.cache_data(show_spinner=False, max_entries=64)
def source_span_map(version: WarehouseVersion) -> dict:
    """Per domain of :func:`domain_coverage`, its
    :class:`~dashboard.analysis.compstat.SourceSpan` (days covered, edge slack): once per
    warehouse version for every page and document that asks which days a source covers."""
    return source_spans(domain_coverage(version))


#: The domains of ``marts.daily_counts``: whether a zone loaded their sources shows there
#: (Statbel's and the controls' does not).
COUNTED_DOMAINS = ("incidents", "nuisance", "accidents", "tasks")


def dataset_loaded(version: WarehouseVersion, dataset_key: str) -> bool | None:
    """Whether the zone loaded a :data:`DATASETS` key's source (any record in the daily
    counts); ``None`` when they do not tell (Statbel, the controls)."""
    domain = KNOWN_SINCE_DOMAIN.get(dataset_key, dataset_key)
    if domain not in COUNTED_DOMAINS:
        return None
    return domain in source_span_map(version)


def dataset_known_until(version: WarehouseVersion, dataset_key: str) -> date | None:
    """The last day a :data:`DATASETS` key's source covers
    (:meth:`dashboard.analysis.compstat.SourceSpan.known_until` against the newest data),
    so that an export stopping earlier than the others (accidents up to last year) is not
    read as months without records. Statbel's file (months only) covers up to the end of
    its last month, and the controls as the other exports (``marts.coverage``): months
    after a Statbel file ends read as 0 injury accidents (an audit; the open data lag a
    year, so that is the usual case). ``None``: not known (a source not loaded)."""
    spans = source_span_map(version)
    latest = max((s.last for s in spans.values()), default=None)
    span = spans.get(KNOWN_SINCE_DOMAIN.get(dataset_key, dataset_key))
    if span is None and dataset_key in ("accidents_statbel", "controls"):
        row = query(
            version,
            "SELECT domain, first, last, n, empty_months FROM marts.coverage "
            "WHERE domain = $domain LIMIT 1",
            {"domain": dataset_key},
        )
        if row.empty or pd.isna(row.at[0, "last"]):
            return None
        if dataset_key == "accidents_statbel":
            return month_end(pd.Timestamp(row.at[0, "last"]).date())
        span = source_spans(row).get(dataset_key)
    if span is None:
        return None
    return span.known_until(latest) if latest is not None else span.last


def dataset_gaps(version: WarehouseVersion, dataset_key: str) -> tuple[date, ...]:
    """The months (first days) without one record of a :data:`DATASETS` key's source where
    it counts ten or more a month (``SourceSpan.gaps``: a missing export; Statbel's from
    :func:`coverage_gaps`, as the controls'); ``()`` for a source not loaded or not judged
    (the victims, the points of interest)."""
    if dataset_key in ("accidents_statbel", "controls"):
        return coverage_gaps(version, dataset_key)
    span = source_span_map(version).get(KNOWN_SINCE_DOMAIN.get(dataset_key, dataset_key))
    return () if span is None else span.gaps


def first_last(df: pd.DataFrame) -> dict:
    """``{"first": date | None, "last": date | None}`` from a one-row result whose first
    two columns are the first and last day (null: no data)."""
    first, last = df.iat[0, 0], df.iat[0, 1]
    return {
        "first": None if pd.isna(first) else pd.Timestamp(first).date(),
        "last": None if pd.isna(last) else pd.Timestamp(last).date(),
    }


@st.cache_data(show_spinner=False, max_entries=256)
def category_values(version: WarehouseVersion, dataset_key: str) -> list[str]:
    """Distinct category values of a dataset, sorted (for filter widgets)."""
    ds = dataset(dataset_key)
    df = query(
        version,
        f"SELECT DISTINCT t.{ds.category} AS v FROM {ds.relation} t WHERE ({ds.where}) "
        f"AND t.{ds.category} IS NOT NULL ORDER BY 1 LIMIT 500",
    )
    return df["v"].tolist()


@st.cache_data(show_spinner=False, max_entries=1024)
def record_count(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    located_only: bool = False,
    inside_zone: bool = True,
) -> int:
    """Number of records of a dataset in the period (and wijken, categories).

    Parameters
    ----------
    located_only : bool
        Count only records with map coordinates, inside the zone (:data:`IN_ZONE`): what
        :func:`hex_counts` holds.
    inside_zone : bool
        ``False`` (with ``located_only``): records located anywhere, outside the zone too,
        which is what :func:`map_points` draws. Ignored without ``located_only``.
    """
    ds = dataset(dataset_key)
    where, params = filter_sql(ds, start, end, wijken, categories)
    if located_only:
        where += " AND t.lon IS NOT NULL AND t.lat IS NOT NULL"
        if inside_zone:
            where += f" AND t.h3_cell IS NOT NULL AND {IN_ZONE}"
    return int(scalar(version, f"SELECT count(*) FROM {ds.relation} t WHERE {where}", params) or 0)


@st.cache_data(show_spinner=False, max_entries=1024)
def counts_by(
    version: WarehouseVersion,
    dataset_key: str,
    dimensions: tuple[str, ...],
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    measure: str | None = None,
    limit: int = 5_000,
) -> pd.DataFrame:
    """Aggregate a dataset by any combination of :data:`DIMENSIONS`.

    Parameters
    ----------
    dataset_key : str
        Key in :data:`DATASETS`.
    dimensions : tuple of str
        Keys of :data:`DIMENSIONS` (Dutch labels), in output order.
    measure : str, optional
        Key of the dataset's ``measures``; defaults to the first (a count).
    limit : int
        Most rows returned (largest groups first when it bites).

    Returns
    -------
    pandas.DataFrame
        One column per dimension (lower-case Dutch name) plus ``waarde``, sorted by the
        dimensions.

    Raises
    ------
    ValueError
        For an unknown dimension or measure, or a day-level dimension on a month-only source.
    """
    ds = dataset(dataset_key)
    measure = measure or next(iter(ds.measures))
    if measure not in ds.measures:
        raise ValueError(f"Onbekende maat {measure!r} voor {ds.label}")
    select, outputs = [], []
    for dim in dimensions:
        expr, out = _dimension(ds, dim)
        select.append(f"{expr} AS {out}")
        outputs.append(out)
    where, params = filter_sql(ds, start, end, wijken, categories)
    agg = ds.measures[measure]
    group = f"GROUP BY {', '.join(str(i + 1) for i in range(len(select)))}" if select else ""
    order = f"ORDER BY {', '.join(outputs)}" if outputs else ""
    sql = (
        f"SELECT * FROM (SELECT {', '.join(select + [f'{agg} AS waarde'])} "
        f"FROM {ds.relation} t {_AREA_JOINS} WHERE {where} {group} "
        f"ORDER BY waarde DESC LIMIT $limit) {order}"
    )
    params["limit"] = int(limit)
    df = query(version, sql, params)
    df["waarde"] = df["waarde"].fillna(0)
    return df


@st.cache_data(show_spinner=False, max_entries=256)
def map_points(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    limit: int = MAP_POINT_CAP,
) -> pd.DataFrame:
    """Located records for a point map, newest first, at most ``limit``.

    Records located outside the zone included, as on the point maps of Bronnen: count
    them with ``record_count(..., located_only=True, inside_zone=False)``.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``lat``, ``lon``, ``category``, ``date``, ``address``, ``wijk_code``.
    """
    ds = dataset(dataset_key)
    where, params = filter_sql(ds, start, end, wijken, categories)
    params["limit"] = int(min(limit, MAP_POINT_CAP))
    return query(version, points_sql(ds, where), params)


def points_sql(ds: Dataset, where: str) -> str:
    """Located records of ``ds`` matching ``where``, newest first, at most ``$limit``."""
    return (
        f"SELECT t.{ds.id_column} AS id, t.lat, t.lon, t.{ds.category} AS category, "
        f"{ds.date_expr} AS date, {ds.address_expr} AS address, t.wijk_code "
        f"FROM {ds.relation} t WHERE {where} AND t.lat IS NOT NULL AND t.lon IS NOT NULL "
        f"ORDER BY date DESC, id LIMIT $limit"
    )


def scoped_cell_sql(coarse: bool, fine_wijken: tuple[str, ...] | None, params: dict) -> str:
    """SQL for a record's H3 cell (table alias ``t``) as the reader may see it.

    ``coarse``: always ``h3_cell_coarse``. ``fine_wijken`` ``None``: always ``h3_cell``;
    else ``h3_cell`` for the records of those wijken and ``h3_cell_coarse`` for every
    other record (a record without a wijk included). Adds ``$fine_wijken`` to ``params``
    when it is used.
    """
    if coarse:
        return "t.h3_cell_coarse"
    if fine_wijken is None:
        return "t.h3_cell"
    params["fine_wijken"] = [str(w) for w in fine_wijken]
    return (
        "(CASE WHEN coalesce(list_contains($fine_wijken::VARCHAR[], t.wijk_code::VARCHAR), "
        "false) THEN t.h3_cell ELSE t.h3_cell_coarse END)"
    )


@st.cache_data(show_spinner=False, max_entries=256)
def hex_counts(
    version: WarehouseVersion,
    dataset_key: str,
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    coarse: bool = False,
    fine_wijken: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Records per H3 cell, counted in DuckDB (for maps with too many points).

    Only records located inside the zone (:data:`IN_ZONE`), as ``marts.hex_counts`` and
    the hexagons of Bronnen: their total is ``record_count(..., located_only=True)``.

    Parameters
    ----------
    coarse : bool
        Use ``h3_cell_coarse`` (``[zone].h3_resolution_coarse``) instead of ``h3_cell``.
    fine_wijken : tuple of str, optional
        As :func:`dashboard.queries.hotspots.cell_counts` (:func:`scoped_cell_sql`): only
        the records of these wijken in their fine cell, all others in their coarse cell.

    Returns
    -------
    pandas.DataFrame
        ``h3_cell`` (int), ``n``; at most :data:`MAP_POINT_CAP` cells, the fullest first.
    """
    ds = dataset(dataset_key)
    where, params = filter_sql(ds, start, end, wijken, categories)
    cell = scoped_cell_sql(coarse, fine_wijken, params)
    params["limit"] = MAP_POINT_CAP
    return query(
        version,
        f"SELECT CAST({cell} AS UBIGINT) AS h3_cell, count(*) AS n FROM {ds.relation} t "
        f"WHERE {where} AND {cell} IS NOT NULL AND {IN_ZONE} "
        "GROUP BY 1 ORDER BY n DESC, 1 LIMIT $limit",
        params,
    )


#: How :func:`explore` expresses its measure: the measure itself, per 1,000 inhabitants of
#: the area, or as a share of the total.
PER_OPTIONS = {
    "aantal": "Absoluut",
    "inwoners": "Per 1.000 inwoners",
    "aandeel": "Aandeel van totaal",
}


def year_is_iso(dimensions: tuple[str, ...]) -> bool:
    """Whether :func:`explore` groups "Jaar" by ISO year: next to "Week", a week's year is
    its own (30-31/12/2024 lie in week 1 of 2025), so the year runs from the Monday of its
    week 1 to the Sunday of its last week."""
    return "Week" in dimensions and "Jaar" in dimensions


# Cached again: the ISO-year helper above had been put between the decorator and this
# function, which left every Verkenning map query uncached (a review).
@st.cache_data(show_spinner=False, max_entries=1024)
def explore(
    version: WarehouseVersion,
    dataset_key: str,
    dimensions: tuple[str, ...],
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    measure: str | None = None,
    per: str = "aantal",
    limit: int = 5_000,
) -> pd.DataFrame:
    """:func:`counts_by` plus a rate per 1,000 inhabitants or a share of the total.

    Parameters
    ----------
    dataset_key, dimensions, start, end, wijken, categories, measure, limit
        As in :func:`counts_by`; dimensions may also be the dataset's own
        (:func:`dimensions_for`).
    per : {"aantal", "inwoners", "aandeel"}
        ``"inwoners"`` needs an area dimension (:data:`AREA_LAYERS`; with two, the finer
        one gives the population); ``"aandeel"`` divides by the total over all groups
        (also those cut off by ``limit``).

    Returns
    -------
    pandas.DataFrame
        One column per dimension, ``waarde`` (the measure), ``totaal`` (the measure over
        every group), ``groepen`` (the number of groups, also those cut); with ``per="inwoners"`` also ``inwoners`` (NaN when unknown, e.g.
        "Zonder wijk") and ``per_1000``; with ``per="aandeel"`` also ``aandeel`` (percent,
        0–100). Sorted by the dimensions.

    Raises
    ------
    ValueError
        For an unknown dimension, measure or ``per``, or ``per="inwoners"`` without an area
        dimension.
    """
    ds = dataset(dataset_key)
    if per not in PER_OPTIONS:
        raise ValueError(f"Onbekende weergave {per!r}")
    measure = measure or next(iter(ds.measures))
    if measure not in ds.measures:
        raise ValueError(f"Onbekende maat {measure!r} voor {ds.label}")
    resolved = [_dimension(ds, d) for d in dimensions]
    if year_is_iso(dimensions):
        # The year of an ISO week is its own: 30-31/12/2024 lie in week 1 of 2025, and by
        # the calendar year that week was split over two years, 19 and 54 (an audit).
        resolved[dimensions.index("Jaar")] = (
            f"isoyear({ds.date_expr})",
            DIMENSIONS["Jaar"][1],
        )
    select = [f"{expr} AS {out}" for expr, out in resolved]
    outputs = [out for _, out in resolved]
    where, params = filter_sql(ds, start, end, wijken, categories)
    agg = ds.measures[measure]
    group = f"GROUP BY {', '.join(str(i + 1) for i in range(len(select)))}" if select else ""
    # The number of groups before the limit (``groepen``: the page said "5.000 groepen met
    # gegevens" of 6,231; an audit), and ties at the cut broken by the groups themselves.
    ties = "".join(f", {i + 1}" for i in range(len(select)))
    inner = (
        f"SELECT {', '.join(select + [f'{agg} AS waarde', f'sum({agg}) OVER () AS totaal'])}, "
        f"count(*) OVER () AS groepen "
        f"FROM {ds.relation} t {_AREA_JOINS} WHERE {where} {group} "
        f"ORDER BY waarde DESC{ties} LIMIT $limit"
    )
    params["limit"] = int(limit)
    extra, join = "", ""
    if per == "inwoners":
        area = next((d for d in AREA_LAYERS if d in dimensions), None)
        if area is None:
            raise ValueError("Per 1.000 inwoners kan enkel bij een indeling naar een gebied")
        # Area names come from marts.districts of that layer, so the name finds it back;
        # with a wijk filter, only the chosen wijken's inhabitants (_AREA_POPULATION).
        params["layer"] = AREA_LAYERS[area]
        column = DIMENSIONS[area][1]
        join = f"LEFT JOIN ({_AREA_POPULATION}) p ON p.name = b.{column}"
        extra = (
            ", CAST(p.population AS DOUBLE) AS inwoners, "
            "1000.0 * b.waarde / nullif(p.population, 0) AS per_1000"
        )
    elif per == "aandeel":
        extra = ", 100.0 * b.waarde / nullif(b.totaal, 0) AS aandeel"
    order = f"ORDER BY {', '.join(f'b.{o}' for o in outputs)}" if outputs else ""
    df = query(version, f"SELECT b.*{extra} FROM ({inner}) b {join} {order}", params)
    df["waarde"] = df["waarde"].fillna(0)
    return df


@st.cache_data(show_spinner=False, max_entries=64)
def table_columns(version: WarehouseVersion, table: str) -> list[str]:
    """Column names of a mart (``"marts.incidents"``), in table order."""
    schema, _, name = table.partition(".")
    df = query(
        version,
        "SELECT column_name FROM information_schema.columns WHERE table_schema = $s "
        "AND table_name = $t ORDER BY ordinal_position LIMIT 1000",
        {"s": schema, "t": name},
    )
    return df["column_name"].tolist()


@st.cache_data(show_spinner=False, max_entries=64)
def record_rows(
    version: WarehouseVersion,
    dataset_key: str,
    columns: tuple[str, ...],
    start: date,
    end: date,
    wijken: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    limit: int = 50_000,
) -> pd.DataFrame:
    """Records of a dataset with the named columns, for analyses that need single records.

    Meant for notebooks and analysis functions (black spots, workload index) that cluster
    or weigh single records; pages draw aggregates.

    Parameters
    ----------
    columns : tuple of str
        Columns of the dataset's mart; each is checked against the mart's columns.
    limit : int
        Most rows (at most :data:`dashboard.queries._db.MAX_ROWS`; a bigger result raises).

    Returns
    -------
    pandas.DataFrame
        The requested columns, ordered by date.

    Raises
    ------
    ValueError
        For a column the mart does not have.
    """
    ds = dataset(dataset_key)
    known = set(table_columns(version, ds.table))
    unknown = [c for c in columns if c not in known]
    if unknown or not columns:
        raise ValueError(f"Onbekende kolommen voor {ds.table}: {unknown or 'geen gekozen'}")
    where, params = filter_sql(ds, start, end, wijken, categories)
    params["limit"] = int(limit)
    cols = ", ".join(f't."{c}"' for c in columns)
    return query(
        version,
        f"SELECT {cols} FROM {ds.relation} t WHERE {where} ORDER BY {ds.date_expr} LIMIT $limit",
        params,
    )

"""Areas of the zone: wijken, deelgemeenten, municipalities (``marts.districts``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.queries._db import WarehouseVersion, query

LAYERS = ("zone", "gemeente", "deelgemeente", "wijk")


@st.cache_data(show_spinner=False, max_entries=64)
def district_shapes(version: WarehouseVersion, layer: str = "wijk") -> pd.DataFrame:
    """Display shapes of one layer (simplified GeoJSON in WGS84).

    Parameters
    ----------
    layer : {"zone", "gemeente", "deelgemeente", "wijk"}

    Returns
    -------
    pandas.DataFrame
        ``code``, ``name``, ``parent_code``, ``nis_code``, ``population`` (NaN when
        unknown), ``inspector``, ``area_km2``, ``geojson`` (str); sorted by code. Only the
        areas with a shape: a wijk of the zone configuration that no boundary file draws is
        left out (it broke every map).
    """
    if layer not in LAYERS:
        raise ValueError(f"Onbekende laag {layer!r}")
    return query(
        version,
        "SELECT code, name, parent_code, nis_code, population, inspector, area_km2, geojson "
        # A wijk the zone configuration names but no boundary file draws has no shape.
        "FROM marts.districts WHERE layer = $layer AND geojson IS NOT NULL "
        "ORDER BY code LIMIT 2000",
        {"layer": layer},
    )


@st.cache_data(show_spinner=False, max_entries=64)
def wijken(version: WarehouseVersion) -> pd.DataFrame:
    """Every wijk with its deelgemeente and municipality names (no geometry).

    Returns
    -------
    pandas.DataFrame
        ``code``, ``name``, ``inspector``, ``population``, ``nis_code``, ``gemeente``,
        ``deelgemeente_code``, ``deelgemeente``; sorted by code.
    """
    return query(
        version,
        """
        SELECT w.code, w.name, w.inspector, w.population, w.nis_code,
               g.name AS gemeente, w.parent_code AS deelgemeente_code, dg.name AS deelgemeente
        FROM marts.districts w
        LEFT JOIN marts.districts g ON g.layer = 'gemeente' AND g.code = w.nis_code
        LEFT JOIN marts.districts dg ON dg.layer = 'deelgemeente' AND dg.code = w.parent_code
        WHERE w.layer = 'wijk'
        ORDER BY w.code
        LIMIT 2000
        """,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def municipalities(version: WarehouseVersion) -> pd.DataFrame:
    """Municipalities of the zone: ``code`` (NIS), ``name``, ``population``."""
    return query(
        version,
        "SELECT code, name, population FROM marts.districts WHERE layer = 'gemeente' "
        "ORDER BY name LIMIT 500",
    )


@st.cache_data(show_spinner=False, max_entries=64)
def inspector_areas(version: WarehouseVersion) -> pd.DataFrame:
    """Per wijkinspecteur the wijken of the zone configuration they cover.

    Returns
    -------
    pandas.DataFrame
        ``inspector``, ``wijken`` (names, in code order, joined by ", "), ``population``
        (their inhabitants together; NaN when one of them is unknown). An inspector with two
        wijken is one row: the Werklast page named only the last wijk, with its population.
    """
    return query(
        version,
        """
        SELECT inspector,
            string_agg(name, ', ' ORDER BY code) AS wijken,
            CASE WHEN bool_and(population IS NOT NULL) THEN sum(population) END AS population
        FROM marts.districts
        WHERE layer = 'wijk' AND inspector IS NOT NULL
        GROUP BY inspector
        ORDER BY inspector
        LIMIT 2000
        """,
    )

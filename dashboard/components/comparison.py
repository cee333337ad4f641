"""The period comparison as the briefing page, the Verkeer page and the briefing pack show it.

:func:`comparison_table` turns a :func:`dashboard.analysis.compstat.compare_periods` frame into
Dutch columns (counts, differences, each comparison's signal); :func:`highlight_marks` says
which cells are a notable rise or fall, which :func:`styled_comparison` colours on a page and
the pack's Word table colours the same way.
"""

from __future__ import annotations

import math

import pandas as pd

from dashboard.analysis.before_after import (
    DEFAULT_RADIUS,
    MIN_SURROUNDING_RECORDS,
    SELECTION_NOTE,
)
from dashboard.analysis.compstat import MAX_P_SENTENCE, is_opvallend
from dashboard.components.format import (
    fmt_date,
    fmt_number,
    fmt_period,
    fmt_signed,
    fmt_signed_number,
    missing_as_text,
    style_table,
)


def signal_text(z: float, notable: bool) -> str:
    """``+2,4 ▲`` / ``-2,1 ▼`` when notable (|z| > 2), else just ``-0,3``."""
    text = fmt_number(z, 1)
    if z > 0:
        text = "+" + text
    if notable:
        text += " ▲" if z > 0 else " ▼"
    return text


def comparison_table(
    df: pd.DataFrame, labels: list[str], label_header: str, previous: bool = True
) -> pd.DataFrame:
    """A :func:`compare_periods` frame as the briefing shows it (counts, differences, z).

    Parameters
    ----------
    df : DataFrame
        From :func:`compare_periods`.
    labels : list of str
        Row labels, aligned with ``df``.
    label_header : str
        Header of the label column.
    previous : bool
        Whether the period is compared with the one before it. A year to date is compared
        with the same days last year only: its three columns of the previous period were
        "–" in every row (an audit left that alone for sessions).

    Returns
    -------
    DataFrame
        Label, ``Nu``, ``Vorige periode``, ``Verschil``, ``Signaal`` (unless not
        ``previous``), ``Vorig jaar``, ``Verschil t.o.v. vorig jaar``, ``Signaal t.o.v.
        vorig jaar`` (signal texts; the boolean ``notable`` columns stay available in ``df``
        for colouring).
    """

    def counts(col: str) -> pd.Series:
        # A period the data do not cover has no count: shown as "–", not as 0.
        return df[col].astype("Int64").reset_index(drop=True)

    def signals(short: str) -> list[str]:
        return [
            "–" if pd.isna(z) else signal_text(z, n)
            for z, n in zip(df[f"z_{short}"], df[f"notable_{short}"], strict=True)
        ]

    table = pd.DataFrame(
        {
            label_header: labels,
            "Nu": counts("now"),
            "Vorige periode": counts("previous"),
            "Verschil": counts("diff_prev"),
            "Signaal": signals("prev"),
            "Vorig jaar": counts("last_year"),
            "Verschil t.o.v. vorig jaar": counts("diff_last_year"),
            "Signaal t.o.v. vorig jaar": signals("last_year"),
        }
    )
    return table if previous else table.drop(columns=list(PREVIOUS_COLUMNS))


#: The columns of :func:`comparison_table` that compare with the previous period.
PREVIOUS_COLUMNS = ("Vorige periode", "Verschil", "Signaal")
#: Per comparison, the columns of :func:`comparison_table` coloured when it is opvallend.
MARKED_COLUMNS = {
    "prev": ("Verschil", "Signaal"),
    "last_year": ("Verschil t.o.v. vorig jaar", "Signaal t.o.v. vorig jaar"),
}


#: The columns of :func:`comparison_table` that hold a difference: written with their sign
#: ("+5", "-3", "0"), as in the briefing pack's Word table.
DIFFERENCE_COLUMNS = ("Verschil", "Verschil t.o.v. vorig jaar")


def highlight_marks(
    df: pd.DataFrame, max_p: float = MAX_P_SENTENCE, previous: bool = True
) -> list[dict[int, str]]:
    """Per row: column index in :func:`comparison_table` → ``"up"``/``"down"`` if opvallend.

    The arrow in a signal (``|z| > 2``, the CompStat rule) marks a change; the colour says
    *opvallend*, as the sentences under "Wat valt op" do: the change must also be unlikely
    by chance on its own (exact test, ``p < max_p``). A cell "0 (-2)" was coloured as an
    opvallende daling (z = -2,8, chance gives it one time in two) in the table beside
    sentences that rightly did not call it that. ``previous`` as for
    :func:`comparison_table`: the column indices are those of that table.
    """
    columns = list(comparison_table(df.head(0), [], "", previous).columns)
    compared = {
        short: [columns.index(c) for c in cols]
        for short, cols in MARKED_COLUMNS.items()
        if previous or short != "prev"
    }
    marks = []
    for _, row in df.iterrows():
        m = {}
        for short, cols in compared.items():
            if mark := opvallend(row, short, max_p):
                m.update(dict.fromkeys(cols, mark))
        marks.append(m)
    return marks


def opvallend(row: pd.Series, short: str, max_p: float = MAX_P_SENTENCE) -> str | None:
    """``"up"``/``"down"`` when the comparison ``short`` (``prev``, ``last_year``) of one
    :func:`compare_periods` row is opvallend (``|z| > 2`` and ``p < max_p``), else ``None``."""
    z = row[f"z_{short}"]
    if bool(is_opvallend(z, row.get(f"p_{short}", 0.0), max_p=max_p)):
        return "up" if z > 0 else "down"
    return None


#: Cell styles of a notable change on a page: red more, green less (as the pack's table).
HIGHLIGHT_STYLES = {
    "up": "background-color:#f8d0cc;color:#8b0000",
    "down": "background-color:#d5edd6;color:#1b5e20",
}


def styled_comparison(table: pd.DataFrame, compared: pd.DataFrame):
    """:func:`comparison_table` ``table`` for ``st.dataframe``: Dutch numbers, differences
    with their sign (sorted as numbers), a period the
    data do not cover as "–" (``st.dataframe`` wrote "None"), notable changes of
    ``compared`` (its :func:`compare_periods` frame) coloured."""
    signed = dict.fromkeys(DIFFERENCE_COLUMNS, fmt_signed)
    shown = missing_as_text(table.reset_index(drop=True), formats=signed)
    previous = PREVIOUS_COLUMNS[0] in table.columns
    return styled_marks(
        style_table(shown, formats=signed), highlight_marks(compared, previous=previous)
    )


def styled_marks(styler, marks: list[dict[int, str]]):
    """``styler`` (a pandas Styler of a table with a 0..n-1 index) with the cells ``marks``
    names (per row: column index → ``"up"``/``"down"``) in :data:`HIGHLIGHT_STYLES`."""

    def colour(row: pd.Series) -> list[str]:
        m = marks[row.name]
        return [HIGHLIGHT_STYLES.get(m.get(j), "") for j in range(len(row))]

    return styler.apply(colour, axis=1)


#: The sources an approach of a problem address is judged on, with their short labels.
APPROACH_SOURCES = {"incidents": "Feiten", "nuisance": "Overlast"}
#: What :func:`approach_table` says under the table.
APPROACH_NOTE = (
    "Elke aanpak telt de dagen vanaf haar eerste dag tot haar laatste (zolang ze loopt: tot de "
    "laatste dag van de gegevens), hoogstens een jaar, tegenover evenveel dagen vlak ervoor. "
    "Signaal = 2·(√na − √voor); ▲/▼ wanneer het opvallend is. Tegenover rest = (na ÷ voor op "
    "het adres) ÷ (na ÷ voor in de rest van het gebied, zonder het adres en zijn omgeving tot "
    f"{DEFAULT_RADIUS} m), met het 95 %-betrouwbaarheidsinterval: zo vallen seizoen en "
    "algemene trend weg; ▼/▲ wanneer het hele interval onder of boven 1 ligt. Een verschil "
    "zegt nog niet dat de aanpak het veroorzaakte; of het probleem naar de buren verschoof, "
    "toont Bronnen bij het adres. " + SELECTION_NOTE
)


def approach_table(effects: pd.DataFrame, private: bool = False) -> pd.DataFrame:
    """The approaches of problem addresses as the Bronnen page, the briefing and its pack
    show them.

    Parameters
    ----------
    effects : DataFrame
        From :func:`dashboard.queries.approaches.approach_effects`.
    private : bool
        For the beleidscel: without the description, the way it ended and who recorded it
        (free text and names).

    Returns
    -------
    DataFrame
        ``Adres``, ``Gemeente``, ``Wijk``, ``Status``, ``Sinds``, ``Tot``, per source
        ``<Feiten|Overlast> voor``, ``… na``, ``Signaal …``, ``Tegenover rest …``
        (:func:`relative_text`; ``<NA>`` where the source cannot judge it), ``Vergeleken`` (the days, or why not) and, unless ``private``,
        ``Aanpak``, ``Door``, ``Afloop``.
    """
    rows = []
    for a in effects.to_dict("records"):
        line = {
            "Adres": a["address"],
            "Gemeente": a["municipality"],
            "Wijk": a["wijk"],
            "Status": a["status"],
            "Sinds": pd.Timestamp(a["started_on"]),
            "Tot": None if pd.isna(a["ended_on"]) else pd.Timestamp(a["ended_on"]),
        }
        compared = []
        for key, label in APPROACH_SOURCES.items():
            reason = a.get(f"{key}_reden")
            if reason:
                line |= {
                    f"{label} voor": None,
                    f"{label} na": None,
                    f"Signaal {label.lower()}": None,
                    f"Tegenover rest {label.lower()}": None,
                }
                if reason != "niet gekozen":
                    compared.append(f"{label.lower()}: {reason}")
                continue
            line |= {
                f"{label} voor": a[f"{key}_voor"],
                f"{label} na": a[f"{key}_na"],
                f"Signaal {label.lower()}": signal_text(a[f"{key}_signaal"], a[f"{key}_opvallend"]),
                f"Tegenover rest {label.lower()}": relative_text(
                    {
                        "verhouding": a[f"{key}_relatief"],
                        "laag": a[f"{key}_relatief_laag"],
                        "hoog": a[f"{key}_relatief_hoog"],
                        "richting": a[f"{key}_richting"],
                    }
                ),
            }
            compared.append(
                f"{label.lower()}: {a[f'{key}_dagen']} dagen, vanaf {fmt_date(a[f'{key}_vanaf'])}"
            )
        line["Vergeleken"] = "; ".join(compared)
        if not private:
            line |= {"Aanpak": a["description"], "Door": a["started_by"], "Afloop": a["end_note"]}
        rows.append(line)
    columns = ["Adres", "Gemeente", "Wijk", "Status", "Sinds", "Tot"]
    for label in APPROACH_SOURCES.values():
        columns += [
            f"{label} voor",
            f"{label} na",
            f"Signaal {label.lower()}",
            f"Tegenover rest {label.lower()}",
        ]
    columns += ["Vergeleken"] + ([] if private else ["Aanpak", "Door", "Afloop"])
    table = pd.DataFrame(rows, columns=columns)
    for label in APPROACH_SOURCES.values():
        for col in (f"{label} voor", f"{label} na"):
            table[col] = table[col].astype("Int64")
    for col in ("Sinds", "Tot"):
        table[col] = pd.to_datetime(table[col])
    return table


def before_after_table(per_source: dict[str, tuple]) -> pd.DataFrame:
    """One address before and after a measure, per source, as the Bronnen page shows it.

    Parameters
    ----------
    per_source : dict
        Source label -> ``(stretches, result)``: the
        :class:`~dashboard.analysis.before_after.BeforeAfter` stretches and
        :func:`~dashboard.analysis.before_after.compare`'s result, or the reason there is
        no comparison (a str) and ``None``.

    Returns
    -------
    DataFrame
        ``Bron``, ``Voor``, ``Na`` (``Int64``), ``Verschil``, ``Signaal``, ``Periodes``
        (the two stretches, or the reason).
    """
    lines = []
    for label, (stretches, result) in per_source.items():
        if isinstance(stretches, str):
            lines.append({"Bron": label, "Periodes": stretches})
            continue
        lines.append(
            {
                "Bron": label,
                "Voor": result["voor"],
                "Na": result["na"],
                "Verschil": fmt_signed(result["verschil"]),
                "Signaal": signal_text(result["signaal"], result["opvallend"]),
                "Periodes": f"{fmt_period(*stretches.before.as_tuple())} tegenover "
                f"{fmt_period(*stretches.after.as_tuple())}"
                + (f" (ingekort tot {stretches.days} dagen)" if stretches.shortened else ""),
            }
        )
    columns = ["Bron", "Voor", "Na", "Verschil", "Signaal", "Periodes"]
    return pd.DataFrame(lines, columns=columns).astype({"Voor": "Int64", "Na": "Int64"})


def relative_text(change: dict | None) -> str | None:
    """``0,48 (0,11–1,81)``: a :func:`~dashboard.analysis.before_after.relative_change` and
    its interval, with ▼/▲ when the whole interval lies below or above 1; ``None`` without
    one."""
    if change is None or pd.isna(change["verhouding"]):
        return None

    def one(value: float) -> str:
        return "∞" if math.isinf(value) else fmt_number(value, 2)

    text = f"{one(change['verhouding'])} ({one(change['laag'])}–{one(change['hoog'])})"
    return text + {"daling": " ▼", "stijging": " ▲"}.get(change["richting"], "")


def surroundings_table(per_source: dict[str, dict], radius_m: int, rest_label: str) -> pd.DataFrame:
    """The address, its surroundings and the rest of the area before and after a measure.

    Parameters
    ----------
    per_source : dict
        Source label -> :func:`dashboard.analysis.before_after.surroundings`.
    radius_m : int
        The surroundings' radius, for their label.
    rest_label : str
        What the rest is (``"rest van de zone"``).

    Returns
    -------
    DataFrame
        ``Bron``, ``Gebied``, ``Voor``, ``Na`` (``Int64``), ``Verschil`` and ``Tegenover de
        rest`` (the relative change with its interval, empty for the rest itself).
    """
    lines = []
    for label, s in per_source.items():
        areas = [
            ("adres", "Adres", s["adres"], s["adres_relatief"]),
            ("omgeving", f"Omgeving (tot {radius_m} m)", s["omgeving"], s["omgeving_relatief"]),
            ("rest", rest_label[:1].upper() + rest_label[1:], s["rest"], None),
        ]
        for _, name, counts, change in areas:
            if counts is None:
                continue
            lines.append(
                {
                    "Bron": label,
                    "Gebied": name,
                    "Voor": counts[0],
                    "Na": counts[1],
                    "Verschil": fmt_signed(counts[1] - counts[0]),
                    "Tegenover de rest": relative_text(change),
                }
            )
    columns = ["Bron", "Gebied", "Voor", "Na", "Verschil", "Tegenover de rest"]
    return pd.DataFrame(lines, columns=columns).astype({"Voor": "Int64", "Na": "Int64"})


def surroundings_sentences(per_source: dict[str, dict], rest_label: str) -> list[str]:
    """Per source one Dutch sentence: how the address went against the rest, and whether
    records moved to its surroundings."""
    sentences = []
    for label, s in per_source.items():
        change = s["adres_relatief"]
        if change["verhouding"] != change["verhouding"]:
            how = "geen registraties op het adres, voor noch na: niets te vergelijken"
        elif change["richting"] == "daling":
            how = f"het adres daalde duidelijk sterker dan de {rest_label}"
        elif change["richting"] == "stijging":
            how = f"het adres steeg duidelijk sterker dan de {rest_label}"
        else:
            how = f"het adres verliep niet duidelijk anders dan de {rest_label}"
        moved = s["verplaatsing"]
        wdq = s.get("wdq", float("nan"))
        if (
            wdq == wdq
            and s["omgeving"] is not None
            and sum(s["omgeving"]) >= MIN_SURROUNDING_RECORDS
        ):
            moved += f" (gewogen verplaatsingsquotiënt {fmt_signed_number(wdq, 2)})"
        sentences.append(f"{label}: {how}; {moved}.")
    return sentences


SURROUNDINGS_NOTE = (
    "Tegenover de rest = (na ÷ voor op het adres) ÷ (na ÷ voor in de rest), met het "
    "95 %-betrouwbaarheidsinterval (exact, Fisher): onder 1 daalde het adres sterker dan de "
    "rest, zodat seizoen en algemene trend eruit zijn; alleen als het hele interval onder of "
    "boven 1 ligt (▼/▲), is het verschil meer dan toeval. Omgeving = de gelokaliseerde registraties "
    "binnen de straal rond het adres, het adres zelf niet meegeteld. Verplaatsing volgens de "
    "gewogen verplaatsingsquotiënt (Bowers en Johnson): ging de omgeving er mee op vooruit "
    "(uitstraling, boven 0), of verschoof het probleem naar de buren (onder 0; onder -1 meer "
    "dan het adres won)? Alleen als het adres duidelijk daalde én de omgeving zelf meer dan "
    "toeval veranderde tegenover de rest, spreekt de tool van uitstraling of verplaatsing."
)

"""Header mapping: export column names -> canonical field names.

Variants come from ``etl/mappings.toml`` plus an optional zone file of the same format.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from etl import config


def normalise_header(name: str) -> str:
    """Fold a header for matching: lower case, no accents, no spaces or punctuation.

    Parameters
    ----------
    name : str
        Header as it appears in the export.

    Returns
    -------
    str
        ``"X-coördinaat "`` becomes ``"xcoordinaat"``.
    """
    decomposed = unicodedata.normalize("NFKD", name.replace("\ufeff", ""))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]", "", ascii_only.lower())


#: Words a header may add to a coordinate's name, naming its system ("X (Lambert 72)",
#: "Lambert72 X", "X-coördinaat Lambert 2008"): the system is read from the values' range.
_SYSTEM_WORDS = re.compile(r"lambert(?:72|2008|08)?|l72|l08|wgs84|epsg\d+")


def loose_header(folded: str) -> str:
    """A folded header (:func:`normalise_header`) without what exports add or vary around
    a known name: the coordinate system beside a coordinate, and "feiten" for "feit"
    ("Begindatum feiten", "Datum/uur feit"). Tried only for a field no variant names
    exactly (:meth:`KindMapping.match`).

    Examples
    --------
    >>> [loose_header(normalise_header(h)) for h in ("X (Lambert 72)", "Lambert72 Y")]
    ['x', 'y']
    >>> loose_header(normalise_header("X-coördinaat Lambert")), loose_header("datumuurfeit")
    ('xcoordinaat', 'datumuurfeit')
    >>> loose_header(normalise_header("Begindatum feiten"))
    'begindatumfeit'
    """
    return _SYSTEM_WORDS.sub("", folded).replace("feiten", "feit")


@dataclass
class KindMapping:
    """Canonical fields of one kind of export, each with its accepted header variants."""

    kind: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)

    def match(self, headers: list[str]) -> dict[str, int]:
        """Map canonical fields to column positions in ``headers``.

        A header is used for one field only; fields are matched in the order they are
        declared, and for each field the variants in their order, so the zone's own
        variants (listed first) win over the built-in ones. A field no variant names
        exactly is then looked for with :func:`loose_header` on both sides ("X (Lambert
        72)" as "X", "Datum/uur feit" as "Datum/uur feiten").
        """
        folded = [normalise_header(h) for h in headers]
        used: set[int] = set()
        found: dict[str, int] = {}
        for fold in (lambda key: key, loose_header):
            keys = [fold(h) for h in folded]
            for canonical, variants in self.fields.items():
                if canonical in found:
                    continue
                for variant in [*variants, canonical]:
                    target = fold(normalise_header(variant))
                    pos = next(
                        (i for i, h in enumerate(keys) if h and h == target and i not in used),
                        None,
                    )
                    if pos is not None:
                        found[canonical] = pos
                        used.add(pos)
                        break
        return dict(sorted(found.items(), key=lambda item: list(self.fields).index(item[0])))

    def twins(
        self, headers: list[str], found: dict[str, int], skip: Collection[int] = ()
    ) -> dict[int, int]:
        """Columns a mapped field's name matches beside the one read: a header repeated
        ("Straat" twice, a column copied in Excel) or two variants of one field ("Straat"
        and "Straatnaam"). Only the first is read (:meth:`match`); these are not.

        Returns
        -------
        dict of int to int
            Position of each unread column -> position of the column read for its field.
        """
        folded = [normalise_header(h) for h in headers]
        used = set(found.values()) | set(skip)
        unread: dict[int, int] = {}
        for canonical, pos in found.items():
            names = {normalise_header(v) for v in [*self.fields.get(canonical, []), canonical]}
            for i, h in enumerate(folded):
                if i not in used and h and h in names:
                    unread[i] = pos
        return unread

    def expected(self, canonical: str) -> list[str]:
        """Header variants accepted for ``canonical`` (for error messages)."""
        return self.fields.get(canonical, [canonical])


def load_mappings(zone_mappings: Path | None = None) -> dict[str, KindMapping]:
    """Built-in header variants merged with the zone's own.

    Parameters
    ----------
    zone_mappings : Path, optional
        Zone mapping file; defaults to :func:`etl.config.zone_mappings_path`. Ignored when
        it does not exist.

    Returns
    -------
    dict of str to KindMapping
        One entry per kind of export.
    """
    builtin = config.read_toml(config.DEFAULT_MAPPINGS, "Kolomkoppeling")
    zone_file = zone_mappings if zone_mappings is not None else config.zone_mappings_path()
    extra = (
        config.read_toml(zone_file, "Kolomkoppeling van de zone")
        if zone_file and Path(zone_file).exists()
        else {}
    )
    if problems := zone_mapping_problems(extra, builtin):
        raise ValueError(
            f"Kolomkoppeling van de zone {zone_file} klopt niet: {'; '.join(problems)}"
        )
    result: dict[str, KindMapping] = {}
    for kind, spec in builtin.items():
        zone_fields = extra.get(kind, {}).get("fields", {})
        fields = {
            canonical: [*zone_fields.get(canonical, []), *variants]
            for canonical, variants in spec.get("fields", {}).items()
        }
        result[kind] = KindMapping(kind, fields, list(spec.get("required", [])))
    return result


def zone_mapping_problems(extra: dict, builtin: dict) -> list[str]:
    """What is wrong in a zone's mapping file, one Dutch sentence each (empty: fine).

    The file may only add header variants, ``[<kind>.fields]`` with ``<field> = ["Header",
    ...]``, for the kinds and fields the built-in file knows: before this check a typo in a
    kind or field name was silently ignored, and a variant written as text instead of a list
    became one variant per letter.
    """
    problems = []
    for kind, spec in extra.items():
        if kind not in builtin:
            problems.append(f"soort [{kind}] bestaat niet (kies uit {', '.join(builtin)})")
            continue
        if not isinstance(spec, dict) or set(spec) - {"fields"}:
            problems.append(f"[{kind}]: alleen [{kind}.fields] wordt gelezen")
            continue
        known = builtin[kind].get("fields", {})
        fields = spec.get("fields", {})
        if not isinstance(fields, dict):
            problems.append(f"[{kind}.fields] moet een tabel zijn")
            continue
        for name, variants in fields.items():
            if name not in known:
                problems.append(
                    f"[{kind}.fields]: veld '{name}' bestaat niet (kies uit {', '.join(known)})"
                )
            elif not isinstance(variants, list) or not all(
                isinstance(v, str) and v.strip() for v in variants
            ):
                example = variants if isinstance(variants, str) else "Kolomnaam"
                problems.append(
                    f"[{kind}.fields], {name}: moet een lijst van kolomnamen zijn, "
                    f'zoals {name} = ["{example}"]'
                )
    return problems


#: Dutch names of the kinds of export, for messages ("dit lijkt een ongevallenexport").
KIND_LABELS = {
    "incidents": "incidentenexport (feiten/PV's)",
    "accidents": "ongevallenexport",
    "victims": "slachtofferlijst van ongevallen",
    "statbel": "Statbel-ongevallenbestand (OPENDATA_MAP)",
    "nuisance": "overlastregister",
    "tasks": "lijst met wijktaken",
    "controls": "lijst met verkeerscontroles",
    "events": "evenementenlijst",
    "poi": "lijst met interessante punten (POI)",
    "addresses": "adreslijst (Adressenregister)",
    "sectors": "lijst van statistische sectoren",
    "absences": "lijst van afwezigheden van wijkinspecteurs",
    "districts": "grenslaag",
}


def kind_scores(
    headers: list[str], mappings: dict[str, KindMapping]
) -> dict[str, tuple[bool, int]]:
    """Per kind: (all required fields found, number of fields found) for these headers."""
    scores = {}
    for kind, mapping in mappings.items():
        if not mapping.required:
            continue
        found = mapping.match(headers)
        scores[kind] = (all(f in found for f in mapping.required), len(found))
    return scores


def guess_kind(
    headers: list[str], mappings: dict[str, KindMapping], current: str | None = None
) -> str | None:
    """The kind these headers look like when that is not ``current``, else None.

    A kind qualifies when all its required fields are present; among those the one with
    the most recognised fields wins. None when ``current`` qualifies nearly as well, or
    does not qualify but recognises at least as many fields (a file is only "of another
    kind" when the signature says so clearly).
    """
    scores = kind_scores(headers, mappings)
    qualified = sorted(
        ((n, kind) for kind, (ok, n) in scores.items() if ok), key=lambda t: (-t[0], t[1])
    )
    if not qualified:
        return None
    best_n, best = qualified[0]
    if best == current:
        return None
    if current is not None:
        ok, n_current = scores.get(current, (False, 0))
        # The file qualifies for its own folder too: only call it foreign when the other
        # kind explains clearly more columns. It does not (its date column missing or
        # named otherwise): only when the other kind explains more of its columns than its
        # own; else the missing column is what to say (an incidents export without "Datum
        # feit" was called an address list, for its street, number, postcode and X/Y).
        if best_n < n_current + (3 if ok else 1):
            return None
    return best


class HeaderTest:
    """Whether a line of cells is a header: every required column of the kind (or of
    another kind, so that such a file is still refused as that kind's) is among them.

    A report's title above the table ("Overzicht feiten 2024") never is. Callable; ``kinds``
    are the mappings it tries, this kind's first (a workbook's reader uses them to read a
    header over two rows, see :func:`etl.sources.tabular._xlsx_table`).
    """

    def __init__(self, kinds: list[KindMapping]) -> None:
        self.kinds = kinds

    def __call__(self, cells: list[str]) -> bool:
        return any(m.required and all(f in m.match(cells) for f in m.required) for m in self.kinds)


def header_test(
    mapping: KindMapping, all_mappings: dict[str, KindMapping] | None = None
) -> HeaderTest:
    """The :class:`HeaderTest` of ``mapping``'s kind, trying ``all_mappings`` after it."""
    return HeaderTest([mapping, *(m for m in (all_mappings or {}).values() if m is not mapping)])


def wrong_kind_message(kind: str, other: str) -> str:
    """Dutch sentence: this file looks like another kind and belongs in that folder."""
    return (
        f"dit lijkt een {KIND_LABELS.get(other, other)} en geen "
        f"{KIND_LABELS.get(kind, kind)}; zet het bestand in de map {other}/"
    )

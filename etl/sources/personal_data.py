"""Data minimisation at load: names and identity numbers of citizens never enter the warehouse.

Some exports carry columns Wijkbeeld has no use for and must not keep: the name of a suspect,
victim or reporter, a date of birth, a national register number. The readers already load only
the columns the mapping knows, but an unknown column still reaches the row hash and, for Excel,
the staging copy of the sheet; and a zone could map such a header by mistake. So every reader
asks :func:`personal_columns` which positions to drop *before* anything is copied, never maps
them, and reports them with :func:`dropped_note` in the build log and in ``marts.load_files``.

Only exports about citizens are screened (:data:`SCREENED_KINDS`): in ``poi`` or ``districts``
a ``Naam`` column names a place, and in ``absences`` the ``Naam`` is the inspector's (staff).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from etl.sources.mapping import normalise_header

#: Kinds of export whose rows describe citizens; other kinds are not screened.
SCREENED_KINDS: frozenset[str] = frozenset(
    {"incidents", "accidents", "victims", "nuisance", "tasks", "controls"}
)

#: Headers (any case, accents, spaces or punctuation) that hold personal data, as exports
#: write them. Matched after :func:`~etl.sources.mapping.normalise_header`.
PERSONAL_HEADERS: tuple[str, ...] = (
    "Naam",
    "Voornaam",
    "Achternaam",
    "Familienaam",
    "Volledige naam",
    "Naam verdachte",
    "Voornaam verdachte",
    "Verdachte",
    "Naam slachtoffer",
    "Voornaam slachtoffer",
    "Slachtoffer naam",
    "Naam benadeelde",
    "Benadeelde",
    "Melder",
    "Naam melder",
    "Melder naam",
    "Aangever",
    "Naam aangever",
    "Klager",
    "Naam klager",
    "Getuige",
    "Naam getuige",
    "Bestuurder",
    "Naam bestuurder",
    "Eigenaar",
    "Naam eigenaar",
    "Geboortedatum",
    "Geboorteplaats",
    "Geboortejaar",
    "Rijksregisternummer",
    "Rijksregisternr",
    "Rijksregister",
    "RRN",
    "INSZ",
    "INSZ-nummer",
    "Identiteitskaartnummer",
    "Telefoon",
    "Telefoonnummer",
    "GSM",
    "E-mail",
    "Emailadres",
    "Nom",
    "Prénom",
    "Date de naissance",
    "Numéro de registre national",
    "Name",
    "First name",
    "Last name",
    "Date of birth",
)

_EXACT: frozenset[str] = frozenset(normalise_header(h) for h in PERSONAL_HEADERS)
#: Folded headers that start like a person's name or identity ("naamverdachte2",
#: "geboortedatumslachtoffer"); "naam" alone is matched exactly, because "naamstraat"-like
#: compounds are not expected in these exports but "naam..." of a person is.
_PREFIXES: tuple[str, ...] = (
    "naam",
    "voornaam",
    "achternaam",
    "familienaam",
    "geboorte",
    "rijksregister",
    "insz",
    "telefoon",
)
_SUFFIX_PERSON = re.compile(r"(verdachte|slachtoffer|melder|aangever|benadeelde|getuige)\d*$")


def is_personal_header(header: str) -> bool:
    """Whether an export header names a column with a citizen's personal data.

    Parameters
    ----------
    header : str
        As it appears in the export (``"Naam verdachte"``, ``"GEBOORTEDATUM"``).

    Examples
    --------
    >>> is_personal_header("Naam verdachte"), is_personal_header("Straatnaam")
    (True, False)
    """
    folded = normalise_header(header)
    if not folded:
        return False
    if folded in _EXACT or folded.startswith(_PREFIXES):
        return True
    # "Verdachte 1", "Slachtoffer2", ... : a person's column, whatever it holds.
    return bool(_SUFFIX_PERSON.fullmatch(folded))


def personal_columns(headers: Sequence[str], kind: str) -> dict[int, str]:
    """Positions of the columns a reader must drop, with their header as written.

    Parameters
    ----------
    headers : sequence of str
        The file's header row.
    kind : str
        Kind of export (``incidents``, ``poi``, ...); only :data:`SCREENED_KINDS` are screened.

    Returns
    -------
    dict of int to str
        Column position → header, in file order; empty when nothing is dropped.
    """
    if kind not in SCREENED_KINDS:
        return {}
    return {i: str(h) for i, h in enumerate(headers) if h is not None and is_personal_header(h)}


def dropped_note(dropped: dict[int, str] | Sequence[str]) -> str | None:
    """The Dutch sentence for the build log and ``marts.load_files``, or ``None``.

    Examples
    --------
    >>> dropped_note({3: "Naam verdachte", 5: "Geboortedatum"})
    "Persoonsgegevens niet geladen: kolommen 'Naam verdachte', 'Geboortedatum' weggelaten."
    """
    names = list(dropped.values()) if isinstance(dropped, dict) else list(dropped)
    if not names:
        return None
    noun = "kolom" if len(names) == 1 else "kolommen"
    listed = ", ".join(f"'{n}'" for n in names)
    return f"Persoonsgegevens niet geladen: {noun} {listed} weggelaten."


def without_personal(found: dict[str, int], dropped: dict[int, str]) -> dict[str, int]:
    """A header match (canonical field → position) without the dropped positions.

    A zone mapping that points a field at a personal column (``description = ["Melder"]``)
    loses that field rather than loading the names.
    """
    return {field: pos for field, pos in found.items() if pos not in dropped}

"""Every path and zone setting Wijkbeeld uses, in one place.

Environment variables override the defaults:

``WIJKBEELD_RAW``        folder with the raw exports (default ``data/raw``)
``WIJKBEELD_WAREHOUSE``  the DuckDB warehouse file (default ``data/warehouse.duckdb``)
``WIJKBEELD_ZONE``       the zone configuration (default ``data/zone.toml``)
``WIJKBEELD_STATE``      folder for state that must survive rebuilds (default ``data/state``)
``WIJKBEELD_MAPPINGS``   the zone's own column mappings, added to the built-in
                         ``etl/mappings.toml`` (default ``data/mappings.toml``; skipped when
                         the file does not exist)
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
SQL_DIR = Path(__file__).resolve().parent / "sql"
DEFAULT_MAPPINGS = Path(__file__).resolve().parent / "mappings.toml"


@lru_cache(maxsize=1)
def warehouse_format() -> str:
    """A fingerprint of the code that decides what the warehouse holds.

    The SHA-256 (first 12 hex digits) of every SQL model and macro under :data:`SQL_DIR`,
    of ``etl/build.py``, which writes the remaining tables, and of the task status
    vocabulary (:data:`FINISHED_TASK_STATUSES`). The build stores it in
    ``marts.build_info.warehouse_format``; the dashboard compares it with its own and asks
    for a rebuild when they differ, instead of failing on a column an older build did not
    write (after an update of Wijkbeeld the warehouse on disk is still the old one).
    """
    import hashlib

    digest = hashlib.sha256()
    etl_dir = Path(__file__).resolve().parent
    for path in sorted([*SQL_DIR.rglob("*.sql"), etl_dir / "build.py"]):
        digest.update(path.relative_to(etl_dir).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    # The task status vocabulary decides marts.tasks' is_open, is_overdue and to_review;
    # the event one marts.events' is_cancelled.
    digest.update(
        repr(
            (
                FINISHED_TASK_STATUSES,
                REVIEW_TASK_STATUSES,
                OPEN_TASK_STATUSES,
                CANCELLED_EVENT_STATUSES,
            )
        ).encode()
    )
    return digest.hexdigest()[:12]


#: The raw folder's sub-folder for exports taken out of the build (etl.upload.quarantine).
QUARANTINE_DIR = "_quarantaine"

#: Sub-folders of the raw folder, one per kind of export.
RAW_KINDS = (
    "incidents",
    "accidents",
    "victims",
    "statbel",
    "nuisance",
    "tasks",
    "controls",
    "events",
    "districts",
    "poi",
    "addresses",
    "sectors",
    "absences",
)


def raw_dir() -> Path:
    """Folder holding the raw exports, one sub-folder per kind."""
    return Path(os.environ.get("WIJKBEELD_RAW", DATA_DIR / "raw"))


def warehouse_path() -> Path:
    """The DuckDB warehouse file the ETL writes and the dashboard reads."""
    return Path(os.environ.get("WIJKBEELD_WAREHOUSE", DATA_DIR / "warehouse.duckdb"))


def zone_path() -> Path:
    """The zone configuration file."""
    return Path(os.environ.get("WIJKBEELD_ZONE", DATA_DIR / "zone.toml"))


def state_dir() -> Path:
    """Folder for state kept outside the rebuildable warehouse (reviews, audit)."""
    return Path(os.environ.get("WIJKBEELD_STATE", DATA_DIR / "state"))


def zone_mappings_path() -> Path:
    """Optional zone-specific column mappings, added to the built-in ones."""
    return Path(os.environ.get("WIJKBEELD_MAPPINGS", DATA_DIR / "mappings.toml"))


def zone_mappings_label() -> str:
    """The zone's mapping file as a message names it: from the repository
    (``data/mappings.toml``) when it lies there, else its full path."""
    path = zone_mappings_path().resolve()
    try:
        return path.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


#: tomllib's messages (Python 3.11-3.13 spell them the same), in the words of a person
#: who edits the file: the first pattern that matches the whole message wins, and its
#: groups fill the ``{0}`` of the reason (``str.format``, so ``{{`` is a brace).
_TOML_REASONS: tuple[tuple[str, str], ...] = (
    (
        r"Illegal character '\\n'",
        "tekst niet afgesloten: het aanhalingsteken aan het einde ontbreekt",
    ),
    (r"Illegal character (.+)", "ongeldig teken {0}"),
    (r"Invalid value", 'ongeldige waarde (een tekst hoort tussen aanhalingstekens: "...")'),
    (r"Expected '=' after a key.*", "'=' ontbreekt na de naam"),
    (
        r"Expected '\]' at the end of a table declaration",
        "']' ontbreekt aan het einde van de sectienaam",
    ),
    (
        r"Expected '\]\]' at the end of an array declaration",
        "']]' ontbreekt aan het einde van de sectienaam",
    ),
    (
        r"Expected newline or end of document after a statement",
        "na de waarde hoort een nieuwe regel (twee instellingen op één regel, of een waarde zonder aanhalingstekens?)",
    ),
    (r"Cannot overwrite a value", "deze naam heeft al een waarde"),
    (r"Cannot declare (.+) twice", "deze sectie staat er twee keer"),
    (r"Duplicate inline table key (.+)", "de naam {0} staat twee keer tussen {{ }}"),
    (r"Unclosed array", "']' ontbreekt: de lijst is niet gesloten"),
    (r"Unclosed inline table", "'}}' ontbreekt: de tabel tussen {{ }} is niet gesloten"),
    (r"Unterminated string", "tekst niet afgesloten: het aanhalingsteken aan het einde ontbreekt"),
    (
        r"Unescaped '\\' in a string",
        "een \\ in een tekst tussen \"...\" (schrijf \\\\ of zet de tekst tussen '...')",
    ),
    (r"Invalid statement", "deze regel is geen instelling (naam = waarde) of [sectie]"),
    (r"Invalid initial character for a key part", "een naam begint met een ongeldig teken"),
    (r"Invalid date or datetime", "ongeldige datum"),
    (r"Escaped character is not a Unicode scalar value|Invalid hex value", "ongeldige \\u-code"),
    (r"Cannot (?:mutate immutable|redefine) namespace .+", "deze sectie is al eerder vastgelegd"),
    (r"Found invalid character (.+)", "ongeldig teken {0}"),
    (r"Expected (.+)", "{0} verwacht"),
)


def toml_error_text(exc: tomllib.TOMLDecodeError) -> str:
    """What is wrong and where, in Dutch (``"ongeldige waarde ..., op regel 2, kolom 8"``).

    >>> try:
    ...     tomllib.loads('[zone]\\nname = "PZ Test\\n')
    ... except tomllib.TOMLDecodeError as exc:
    ...     print(toml_error_text(exc))
    tekst niet afgesloten: het aanhalingsteken aan het einde ontbreekt, op regel 2, kolom 16

    A message this table does not know keeps the parser's own words, with the place in
    Dutch.
    """
    message = str(exc)
    where = ""
    if m := re.search(r"\s*\(at line (\d+), column (\d+)\)$", message):
        message, where = message[: m.start()], f", op regel {m[1]}, kolom {m[2]}"
    elif m := re.search(r"\s*\(at end of document\)$", message):
        message, where = message[: m.start()], ", aan het einde van het bestand"
    for pattern, reason in _TOML_REASONS:
        if m := re.fullmatch(pattern, message):
            return reason.format(*m.groups()) + where
    return f"{message}{where}"


def read_toml(path: Path | str, what: str) -> dict:
    """Read a TOML file the zone writes by hand; a syntax error becomes a ``ValueError``
    in Dutch naming ``what`` (``"Zoneconfiguratie"``), the file, what is wrong and the
    line (:func:`toml_error_text`)."""
    with open(path, "rb") as fh:
        try:
            return tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(
                f"{what} {path} is geen geldig TOML-bestand: {toml_error_text(exc)}"
            ) from exc


#: At most this many problems are named at once (a file written in the wrong shape can
#: have one per entry); the message says how many more there are.
_SHOWN_PROBLEMS = 8


@lru_cache(maxsize=8)
def _load_zone(path: str, mtime: float) -> dict:
    from etl.zone_check import zone_problems

    doc = read_toml(path, "Zoneconfiguratie")
    if problems := zone_problems(doc):
        shown = "; ".join(problems[:_SHOWN_PROBLEMS])
        more = len(problems) - _SHOWN_PROBLEMS
        raise ValueError(
            f"Zoneconfiguratie {path} klopt niet: {shown}"
            + (f"; en nog {more} andere" if more > 0 else "")
        )
    return doc


def zone_timezone(zone: dict) -> ZoneInfo:
    """The zone's time zone (``[zone].timezone``, default Europe/Brussels)."""
    return ZoneInfo(zone.get("zone", {}).get("timezone", "Europe/Brussels"))


def zone_now(zone: dict | None = None) -> datetime:
    """Now on the zone's clock (``[zone].timezone``), as a naive wall-clock time.

    The server may run in UTC (a container usually does): ``datetime.now()`` then stamped
    an export made at 14:00 in Brussels with 13:00, and ``date.today()`` was yesterday
    until 01:00 or 02:00. Everything the dashboard dates uses this instead.
    """
    return datetime.now(zone_clock(zone)).replace(tzinfo=None, microsecond=0)


def zone_clock(zone: dict | None = None) -> ZoneInfo:
    """The zone's time zone; ``zone`` defaults to the configuration file (Europe/Brussels
    when it cannot be read: the sign-in gate already refuses such a file)."""
    if zone is None:
        try:
            zone = load_zone()
        except (OSError, ValueError):
            zone = {}
    return zone_timezone(zone)


def zone_today(zone: dict | None = None) -> date:
    """Today on the zone's clock (see :func:`zone_now`)."""
    return zone_now(zone).date()


#: Task status values (lower case, without surrounding spaces) that say the wijkinspecteur's
#: work on a task is done: it is not open and not overdue, also without a closing date
#: (that is a data-quality finding, not backlog). "Te controleren" is done and waits for
#: the wijkcoördinator's check. One list for the tasks mart (``wb_task_finished``), the
#: workload figures and the quality control.
#: The words of ISLP and of the lists kept by hand, Dutch and French.
REVIEW_TASK_STATUSES = (
    "te controleren",
    "ter controle",
    "te valideren",
    "à contrôler",
    "à valider",
)
FINISHED_TASK_STATUSES = (
    "afgewerkt",
    "afgesloten",
    "gesloten",
    "afgehandeld",
    "behandeld",
    "uitgevoerd",
    "voltooid",
    "beëindigd",
    "klaar",
    "gedaan",
    "clôturé",
    "clôturée",
    "terminé",
    "terminée",
    "traité",
    "traitée",
    *REVIEW_TASK_STATUSES,
)
#: ... of which :data:`REVIEW_TASK_STATUSES` wait for the wijkcoördinator's check
#: (``marts.tasks.to_review``).
#: Status values that say a task is still open (a closing date then contradicts it). A
#: status in neither list counts as open too; the build warnings name it.
OPEN_TASK_STATUSES = (
    "open",
    "lopend",
    "nieuw",
    "in behandeling",
    "in uitvoering",
    "toegewezen",
    "ouvert",
    "ouverte",
    "en cours",
    "nouveau",
)
#: Status values of an event list that say an event does not take place: it is listed
#: as such among the coming events and neither drawn, followed up nor reported
#: (``marts.events.is_cancelled``, ``wb_event_cancelled``).
#: A status that starts with one of them counts too ("Afgelast wegens weer").
CANCELLED_EVENT_STATUSES = (
    "geannuleerd",
    "afgelast",
    "geweigerd",
    "ingetrokken",
    "geschrapt",
    "niet toegestaan",
    "annulé",
    "annulée",
    "refusé",
    "refusée",
    "supprimé",
    "supprimée",
)

#: Status values of an address list (the address register's "adresstatus", in any case)
#: for an address that no longer exists as such (renumbered, demolished): a record matches
#: it only when no current address fits (an older export still names it).
RETIRED_ADDRESS_STATUSES = (
    "gehistoreerd",
    "gehistoriseerd",
    "historisch",
    "vervallen",
    "opgeheven",
    "historisé",
    "historique",
    "retired",
)
#: ... for an address that was proposed and never given: never a match.
REJECTED_ADDRESS_STATUSES = ("afgekeurd", "rejeté", "refusé", "rejected")


def _status_macro(name: str, values: tuple[str, ...]) -> str:
    listed = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return (
        f"CREATE OR REPLACE TEMP MACRO {name}(s) AS "
        f"coalesce(lower(trim(CAST(s AS VARCHAR))) IN ({listed}), false);\n"
    )


def _status_start_macro(name: str, values: tuple[str, ...]) -> str:
    """Like :func:`_status_macro`, for a status that starts with one of the values and
    then says why ("Afgelast wegens weer", "Geannuleerd: geen vergunning")."""
    words = "|".join(re.escape(v).replace("'", "''") for v in values)
    return (
        f"CREATE OR REPLACE TEMP MACRO {name}(s) AS coalesce(regexp_matches("
        f"lower(trim(CAST(s AS VARCHAR))), '^({words})([\\s,.;:()-]|$)'), false);\n"
    )


def zone_file_label(path: Path | None = None) -> str:
    """The zone configuration's path as messages name it: relative to the working folder
    when it lies inside it (``data/zone.toml``), else as given."""
    path = Path(path) if path is not None else zone_path()
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (OSError, ValueError):
        return path.as_posix()


def macros_sql(zone: dict, zone_file: Path | None = None) -> str:
    """The SQL helpers the models use (``etl/sql/macros.sql``), with the zone's time zone
    (``wb_zone_tz``, in which a timestamp with an offset is read), the configuration's
    path as messages name it (``wb_zone_file``, :func:`zone_file_label`: warnings said
    "data/zone.toml" for a zone read from ``WIJKBEELD_ZONE``) and the task status
    vocabulary (``wb_task_finished``, ``wb_task_to_review``: :data:`FINISHED_TASK_STATUSES`),
    the event one (``wb_event_cancelled``: :data:`CANCELLED_EVENT_STATUSES`) and the address
    register's (``wb_address_retired``, ``wb_address_rejected``)."""
    macros = (SQL_DIR / "macros.sql").read_text(encoding="utf-8")
    tz = zone_timezone(zone).key.replace("'", "''")
    label = zone_file_label(zone_file).replace("'", "''")
    return (
        f"{macros}\nCREATE OR REPLACE TEMP MACRO wb_zone_tz() AS '{tz}';\n"
        f"CREATE OR REPLACE TEMP MACRO wb_zone_file() AS '{label}';\n"
        + _status_macro("wb_task_finished", FINISHED_TASK_STATUSES)
        + _status_macro("wb_task_to_review", REVIEW_TASK_STATUSES)
        + _status_macro("wb_task_open_status", OPEN_TASK_STATUSES)
        + _status_start_macro("wb_event_cancelled", CANCELLED_EVENT_STATUSES)
        + _status_macro("wb_address_retired", RETIRED_ADDRESS_STATUSES)
        + _status_macro("wb_address_rejected", REJECTED_ADDRESS_STATUSES)
    )


def small_count_threshold() -> int:
    """Smallest count a rate, share or index is shown on, and below which a published
    count is hidden (``[zone].small_count_threshold``; 5 when the zone does not set it or
    there is no zone file). Not cached here: :func:`load_zone` is, per version of the file."""
    try:
        return int(load_zone().get("zone", {}).get("small_count_threshold", 5))
    except (FileNotFoundError, KeyError, TypeError, ValueError):
        return 5


def load_zone(path: Path | None = None) -> dict:
    """Read the zone configuration (cached per file version).

    Parameters
    ----------
    path : Path, optional
        Zone file; defaults to :func:`zone_path`.

    Returns
    -------
    dict
        The parsed TOML document.

    Raises
    ------
    FileNotFoundError
        No such file (Dutch message).
    ValueError
        The file is no TOML, or its values are not what the zone configuration needs
        (:func:`etl.zone_check.zone_problems`): Dutch, naming the file, entry and key.
    """
    p = Path(path) if path else zone_path()
    if not p.exists():
        raise FileNotFoundError(f"Zoneconfiguratie niet gevonden: {p}")
    return _load_zone(str(p), p.stat().st_mtime)

"""CSV, text and workbook (Excel, OpenDocument) exports -> ``raw.<kind>`` through DuckDB's CSV reader.

Python only sniffs (encoding, separator, header); the rows themselves go straight from the
file into DuckDB, so a million-row export loads in about a second.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import os
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import duckdb
import numpy as np

from etl.config import zone_mappings_label
from etl.labels import enum_sql
from etl.labels import sql_text as _literal
from etl.sources.base import (
    DAMAGED,
    SPREADSHEET_SUFFIXES,
    TABULAR_SUFFIXES,
    BuildError,
    source_name,
)
from etl.sources.mapping import (
    KIND_LABELS,
    HeaderTest,
    KindMapping,
    guess_kind,
    header_test,
    normalise_header,
    wrong_kind_message,
)
from etl.sources.personal_data import dropped_note, personal_columns, without_personal

DELIMITERS = (";", ",", "|", "\t")
#: Numbers the per-file raw tables of one process (``raw._csv_<kind>_<n>``).
_TABLE_SEQ = itertools.count(1)
#: DuckDB's CSV buffer. The table keeps the file's order, and every buffer is a batch that
#: the ordered insert has to stitch back in place: with 32 MB buffers a 190 MB export took
#: a third less CPU than with the default.
CSV_BUFFER_BYTES = 32 << 20


_CP1252_ONLY = re.compile(rb"[\x80-\x9f]")
#: Cells that mean "no value": empty, and the markers database tools write for NULL
#: (SQL Server's NULL, MySQL's \N). An export dumped from a database with them in
#: every empty cell had every row refused ("Einddatum feit is geen geldige datum").
NULL_TEXTS = ("", "NULL", "null", "\\N")
_NULLSTR = "[" + ", ".join(_literal(t) for t in NULL_TEXTS) + "]"
#: Kinds without an identifier: a hash of every field stands in for the key. (Statbel's
#: accidents are identified by their typed content, in their staging model.)
HASHED_KINDS = ("poi",)


@dataclass
class SniffedFile:
    """What the reader learned about one text export before handing it to DuckDB."""

    path: Path  # the file DuckDB reads (a UTF-8 copy when Windows-1252 differs from latin-1)
    encoding: str
    duckdb_encoding: str
    delimiter: str
    headers: list[str]
    #: A quoted field spans lines: DuckDB's parallel scanner cannot read that with
    #: null_padding, so such a file is read by one thread.
    multiline: bool = False
    #: Per empty line (DuckDB skips those): how many records precede it. A record's row in
    #: the file (as a spreadsheet shows it) is its index + 2 + the empty lines before it.
    #: ``None``: not looked for yet (see ``lines``).
    empty_after: list[int] | None = field(default_factory=list)
    #: Lines of the file, when ``empty_after`` is ``None``: only if DuckDB reads fewer
    #: records than that are the empty lines looked for (a second pass over the file).
    lines: int | None = None
    #: Lines before the header: Excel's separator line ("sep=;"), a report's title and
    #: the empty lines around it (see :func:`_header`).
    skip: int = 0
    #: Of those, the lines a spreadsheet does not show: 1 for Excel's separator line.
    hidden: int = 0
    #: The file has double quotes (its fields are then counted as quoted when it is looked
    #: at for records broken over lines, see :func:`_join_broken_records`).
    quotes: bool = True
    #: What the reader repaired in the file (Dutch, for the file's note): NUL bytes left out.
    notes: list[str] = field(default_factory=list)


#: Vectorised scans of a block work through it in pieces of this many bytes, into reused
#: buffers: the temporaries stay in the processor's cache (pieces of 16 MB, each a fresh
#: array, made the scan three times slower).
_PIECE = 1 << 18


def _pieces(data: bytes) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``data`` as byte arrays of :data:`_PIECE` bytes, each with a scratch array of bytes
    and one of truth values of its length (reused: valid until the next piece)."""
    arr = np.frombuffer(data, dtype=np.uint8)
    scratch = np.empty(min(len(arr), _PIECE), dtype=np.uint8)
    truth = np.empty(min(len(arr), _PIECE), dtype=bool)
    for i in range(0, len(arr), _PIECE):
        piece = arr[i : i + _PIECE]
        yield piece, scratch[: len(piece)], truth[: len(piece)]


def _has_cp1252_only_bytes(data: bytes) -> bool:
    """Does ``data`` hold a byte 0x80-0x9F (where Windows-1252 and latin-1 differ)?

    Same answer as ``_CP1252_ONLY.search``, but a vectorised pass instead of a regex scan:
    more than ten times faster on an export of a few hundred MB.
    """
    if len(data) < 1 << 16:
        return _CP1252_ONLY.search(data) is not None
    for piece, shifted, hit in _pieces(data):
        np.subtract(piece, np.uint8(0x80), out=shifted)
        np.less(shifted, np.uint8(0x20), out=hit)
        if hit.any():
            return True
    return False


def first_lone_cr(data: bytes) -> int:
    """Where ``data`` has its first "\r" not followed by "\n" (one at its very end counts),
    or -1: ``_LONE_CR.search``, vectorised (four times faster on a block of a "\r\n"
    file, which has a "\r" on every line)."""
    if len(data) < 1 << 16:
        return m.start() if (m := _LONE_CR.search(data)) else -1
    arr = np.frombuffer(data, dtype=np.uint8)
    lone = np.empty(_PIECE, dtype=bool)
    not_lf = np.empty(_PIECE, dtype=bool)
    for i in range(0, len(arr), _PIECE):
        piece = arr[i : i + _PIECE]
        after = arr[i + 1 : i + 1 + _PIECE]  # the byte after each (the last has none)
        k = len(after)
        np.equal(piece[:k], np.uint8(13), out=lone[:k])
        np.not_equal(after, np.uint8(10), out=not_lf[:k])
        np.logical_and(lone[:k], not_lf[:k], out=lone[:k])
        if lone[:k].any():
            return i + int(np.argmax(lone[:k]))
        if k < len(piece) and piece[-1] == 13:
            return len(arr) - 1
    return -1


def count_newlines(data: bytes) -> int:
    """``data.count(b"\n")``, vectorised: seven times faster on a block of 32 MB."""
    if len(data) < 1 << 16:
        return data.count(b"\n")
    total = 0
    for piece, _, hit in _pieces(data):
        np.equal(piece, np.uint8(10), out=hit)
        total += int(np.count_nonzero(hit))
    return total


#: The encoding noted for a file whose lines are partly UTF-8, partly Windows-1252.
MIXED = "utf-8+cp1252"
#: How UTF-8 writes a letter with an accent (é: C3 A9), a Latin Extended letter (Š, ž), a
#: no-break space or symbol (C2 A0-BF), and a typographic quote, dash or the euro sign
#: (E2 80-82 ..): per lead byte (found with a fast ``find``), the whole character. Text in
#: Windows-1252 holds these pairs only as "Ã©", "Å¾", "Â " or "â€™", the very garbage a
#: UTF-8 line read as Windows-1252 turns into.
_UTF8_CHARACTERS = (
    (b"\xc3", re.compile(rb"\xc3[\x80-\xbf]")),
    (b"\xc5", re.compile(rb"\xc5[\x80-\xbf]")),
    (b"\xc2", re.compile(rb"\xc2[\xa0-\xbf]")),
    (b"\xe2", re.compile(rb"\xe2[\x80-\x82][\x80-\xbf]")),
)


def _has_utf8_characters(data: bytes) -> bool:
    """Does ``data`` (no valid UTF-8 as a whole) hold characters written in UTF-8? Then
    its lines are in two encodings: two exports pasted together, one of each."""
    return any(data.find(lead) >= 0 and rx.search(data) for lead, rx in _UTF8_CHARACTERS)


class _MixedDecoder:
    """UTF-8 of a text whose lines are partly UTF-8, partly Windows-1252, fed block by block.

    Each line is read in the encoding it has: as UTF-8 when it is valid UTF-8, else as
    Windows-1252 (latin-1 for the five bytes that leaves undefined). A stretch of lines all
    in one encoding (two exports pasted together: one long run each) is decoded at once;
    only a stretch holding both goes line by line. Counts the lines with accents in each
    encoding and keeps their first runs (line numbers, 1-based) for the file's note.
    ``cr``: the file's lines end in "\r" alone (an old Mac export).
    """

    def __init__(self, cr: bool = False) -> None:
        self.n_utf8 = self.n_cp1252 = 0
        #: Per encoding, the first runs of lines ``[first, last]`` (1-based) in it.
        self.runs: dict[bool, list[list[int]]] = {True: [], False: []}
        self._sep = b"\r" if cr else b"\n"
        self._carry = b""
        self._lines = 0  # lines before the carry

    def feed(self, block: bytes) -> bytes:
        """The complete lines so far, in UTF-8 (a line split over blocks waits for its end)."""
        data = self._carry + bytes(block)
        cut = data.rfind(self._sep) + 1
        self._carry = data[cut:]
        return self._decode(data[:cut])

    def finish(self) -> bytes:
        rest, self._carry = self._carry, b""
        return self._decode(rest)

    def _count(self, number: int, utf8: bool) -> None:
        if utf8:
            self.n_utf8 += 1
        else:
            self.n_cp1252 += 1
        runs = self.runs[utf8]
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        elif len(runs) <= NOTE_ROWS:
            runs.append([number, number])

    def _decode(self, data: bytes) -> bytes:
        first = self._lines + 1
        self._lines += data.count(self._sep)
        if data.isascii():
            return data
        lines = data.split(self._sep)
        try:
            data.decode("utf-8")
            whole: bool | None = True
        except UnicodeDecodeError:
            whole = False if not _has_utf8_characters(data) else None
        if whole is not None:
            # The byte order mark of UTF-8 stays one (in Windows-1252 it read "ï»¿").
            bom = b"\xef\xbb\xbf" if first == 1 and data.startswith(b"\xef\xbb\xbf") else b""
            try:
                out = data if whole else bom + data[len(bom) :].decode("cp1252").encode("utf-8")
            except UnicodeDecodeError:
                whole = None  # a byte cp1252 leaves undefined: line by line
            else:
                for i, line in enumerate(lines, start=first):
                    if not line.isascii() and not (i == 1 and _bom_only(line)):
                        self._count(i, whole)
                return out
        out_lines = []
        for i, line in enumerate(lines, start=first):
            if not line.isascii() and not (i == 1 and _bom_only(line)):
                try:
                    line.decode("utf-8")
                    self._count(i, True)
                except UnicodeDecodeError:
                    try:
                        text = line.decode("cp1252")
                    except UnicodeDecodeError:
                        text = line.decode("latin-1")
                    line = text.encode("utf-8")
                    self._count(i, False)
            out_lines.append(line)
        return self._sep.join(out_lines)

    def note(self, hidden: int = 0, bom: bool = False) -> str | None:
        """The file's note (``hidden``: lines a spreadsheet does not show, the "sep=" line;
        ``bom``: the file begins with UTF-8's byte order mark)."""
        if not self.n_utf8 or not self.n_cp1252:
            if bom and self.n_cp1252:
                return (
                    "Het bestand begint met het kenmerk van UTF-8 (BOM), maar zijn regels met "
                    "accenten zijn in Windows-1252 geschreven: zo gelezen, zodat de accenten "
                    "goed staan."
                )
            return None
        fewer, other = sorted(
            [(self.n_utf8, True, "UTF-8"), (self.n_cp1252, False, "Windows-1252")],
            key=lambda entry: entry[0],
        )
        runs = [[max(1, a - hidden), max(1, b - hidden)] for a, b in self.runs[fewer[1]]]
        return (
            f"Het bestand mengt twee tekencoderingen (twee exports achter elkaar geplakt?): "
            f"{'regel' if fewer[0] == 1 else 'regels'} {runs_note(runs, fewer[0])} in "
            f"{fewer[2]}, de andere regels met accenten in {other[2]}. Elke regel is in zijn "
            "eigen codering gelezen, zodat de accenten goed staan."
        )


def _bom_only(line: bytes) -> bool:
    """The header line with UTF-8's byte order mark and nothing else that is no ASCII: no
    line in UTF-8 of its own."""
    return line.startswith(b"\xef\xbb\xbf") and line[3:].isascii()


def _decode(data: bytes) -> tuple[str | None, str, _MixedDecoder | None]:
    """Return (text if it had to be transcoded, encoding name, the decoder of a text in
    two encodings)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16", None
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        data.decode("utf-8")
        return None, "utf-8-sig" if bom else "utf-8", None
    except UnicodeDecodeError:
        pass
    # A file that says it is UTF-8 (its byte order mark) or has UTF-8 characters, with
    # lines that are no UTF-8: each line in its own encoding.
    if bom or _has_utf8_characters(data):
        mixed = _MixedDecoder(cr=b"\n" not in data)
        text = (mixed.feed(data) + mixed.finish()).decode("utf-8")
        # No line in UTF-8 after all (a pair of bytes that only looked like it): Windows-1252.
        return text, MIXED if (bom or mixed.n_utf8) else "cp1252", mixed
    # Windows-1252, not latin-1: they differ exactly where Dutch text puts its quotes,
    # dashes and the euro sign (0x80-0x9F). Without any such byte both decode alike and
    # DuckDB reads the file itself as latin-1 (no Python copy of a large file).
    if not _has_cp1252_only_bytes(data):
        return None, "cp1252", None
    # The 5 bytes cp1252 leaves undefined fall back to latin-1 rather than failing the file.
    try:
        return data.decode("cp1252"), "cp1252", None
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", None


#: A quoted field may span at most this many lines (a description with line breaks).
MAX_QUOTED_LINES = 20


_EMPTY_LINE = re.compile(rb"\n\r?(?=\n)")


class _EmptyLines:
    """The empty lines of a text without multi-line records, fed block by block.

    Collects, per empty line after the header, the number of records before it (see
    :attr:`SniffedFile.empty_after`). Costs one ``count`` per block and a regex search
    that finds nothing in a file without empty lines.
    """

    def __init__(self, skip: int = 0) -> None:
        self.lines: list[int] = []  # 0-based line numbers of the empty lines
        self._newlines = 0  # newlines before the current block
        self._tail = b""
        self._skip = skip  # lines before the header (the "sep=" line)

    def feed(self, block: bytes) -> None:
        data = self._tail + block
        before = self._newlines - self._tail.count(b"\n")
        pos, count = 0, before
        for m in _EMPTY_LINE.finditer(data):
            if m.end() < len(self._tail):
                continue  # found in the previous block already
            count += data.count(b"\n", pos, m.start() + 1)
            pos = m.start() + 1
            self.lines.append(count)  # the line after the newline at m.start()
        self._newlines += block.count(b"\n")
        self._tail = data[-2:]

    def records_before(self) -> list[int]:
        # Line k (0-based; line `skip` is the header) has k - 1 - skip - (empty lines
        # before it) records before it.
        skip = self._skip
        return [line - 1 - skip - i for i, line in enumerate(x for x in self.lines if x > skip)]


def _scan_empty_lines(path: Path, skip: int = 0) -> list[int]:
    """:attr:`SniffedFile.empty_after` of a file without multi-line records, block by block."""
    lines = _EmptyLines(skip)
    for block in read_blocks(path):
        lines.feed(block)
    return lines.records_before()


def _empty_lines_outside_quotes(data: bytes, delim: bytes, skip: int = 0) -> list[int]:
    """:attr:`SniffedFile.empty_after` of a text whose quoted fields may span lines
    (``skip``: lines before the header)."""
    result: list[int] = []
    records = 0
    inside = False
    for i, line in enumerate(data.split(b"\n")[skip:]):
        bare = line.rstrip(b"\r")
        if not inside and not bare:
            if i > 0:
                result.append(records)
            continue
        if b'"' in bare:
            inside = _ends_inside_quotes(bare, delim, inside)
        if not inside and i > 0:
            records += 1
    return result


def _ends_inside_quotes(line: bytes, delim: bytes, inside: bool) -> bool:
    """Whether ``line`` ends inside a quoted field, given the state at its start (see
    :func:`_quote_state`)."""
    return _quote_state(line, delim, inside)[0]


def _quote_state(line: bytes, delim: bytes, inside: bool) -> tuple[bool, bool]:
    """Whether ``line`` ends inside a quoted field, given the state at its start, and
    whether a closing quote on it is followed by anything but the separator or the line's
    end (``"Koper" gestolen``: see :func:`_requote_fields`).

    Follows RFC 4180 as DuckDB reads it: a quote is structural only at the start of a field
    (it opens) or inside a quoted field (``""`` is an escaped quote, a single one closes);
    a quote in the middle of an unquoted field (``12"A``) is an ordinary character. Jumps
    from quote to quote, so the cost grows with the number of quotes, not of characters.
    """
    i = 0
    after = False
    while True:
        j = line.find(b'"', i)
        if inside:
            if j < 0:
                return True, after
            if line[j + 1 : j + 2] == b'"':
                i = j + 2
                continue
            inside = False
            i = j + 1
            k = line.find(delim, i)
            if k < 0:
                return False, after or i < len(line)
            after = after or k > i
            i = k + 1
        else:
            if j < 0:
                return False, after
            if j == 0 or line[j - 1 : j] == delim:
                inside = True
                i = j + 1
            else:
                k = line.find(delim, j)
                if k < 0:
                    return False, after
                i = k + 1


def _closing_quote(line: bytes, start: int = 0) -> int:
    """Where the quoted field open at ``start`` closes on ``line`` (``""`` is an escaped
    quote), or -1 when it does not close on it."""
    i = start
    while (j := line.find(b'"', i)) >= 0:
        if line[j + 1 : j + 2] != b'"':
            return j
        i = j + 2
    return -1


def _text_after(line: bytes, close: int, delim: bytes) -> bool:
    """Whether text other than spaces follows the closing quote at ``close`` before the
    field ends (``"Koper" gestolen;``): no quoted field, but text that begins with a quote."""
    end = line.find(delim, close + 1)
    return bool(line[close + 1 : len(line) if end < 0 else end].strip())


def _requote_fields(line: bytes, delim: bytes) -> bytes | None:
    """``line`` (starting outside a quoted field) with every field that begins with a quote
    but has text after its closing quote (``"Koperdiefstal" op werf``, ``"Koper" gestolen,
    3/4" leiding``) quoted as a whole, its quotes doubled, so it reads as written; ``None``
    when no field needs it.

    DuckDB's lenient reader drops a character of such a field and takes a later quote in
    it for an opening one: "Koperdiefstal op wer", or a field that swallows the rows after
    it. Only fields whose closing quote is on the same line; a field opened here that
    closes on a later line is left to :func:`_defuse_stray_quotes`.
    """
    pieces: list[bytes] = []
    done = i = 0
    while True:
        j = line.find(b'"', i)
        if j < 0:
            break
        if j > 0 and line[j - 1 : j] != delim:
            # A quote inside an unquoted field: an ordinary character.
            k = line.find(delim, j)
            if k < 0:
                break
            i = k + 1
            continue
        close = _closing_quote(line, j + 1)
        if close < 0:
            break  # the field goes on past this line
        k = line.find(delim, close + 1)
        end = len(line) if k < 0 else k
        if line[close + 1 : end].strip():
            pieces += [line[done:j], b'"', line[j:end].replace(b'"', b'""'), b'"']
            done = end
        if k < 0:
            break
        i = k + 1
    if not pieces:
        return None
    return b"".join([*pieces, line[done:]])


def _defuse_stray_quotes(data: bytes, delim: bytes) -> tuple[bytes, bool]:
    """Neutralise double quotes that open a field and never close within a few lines, and
    quote text that merely begins with a quoted word.

    A CSV reader treats such a quote as the start of a field that runs to the next quote,
    swallowing the rows in between (or the rest of the file). Each line is followed with
    the quoting rules the reader uses (:func:`_ends_inside_quotes`); a quoted field that
    is still open :data:`MAX_QUOTED_LINES` lines later, or at the end of the file, or that
    closes on a later line with text after its closing quote, was opened by a stray quote:
    that line's quotes become single quotes, so the row is read on its own (and refused or
    accepted on its merits) and every other row survives. A field that begins with a quote
    and has text after the closing one on the same line is quoted as a whole
    (:func:`_requote_fields`). ``delim``: the header's separator (not the title's above it).

    Returns
    -------
    (bytes, bool)
        The data (``data`` itself when nothing needed changing) and whether a quoted field
        still spans lines.
    """
    if data.count(b'"') == 0:
        return data, False
    lines = data.split(b"\n")
    changed = False
    multiline = False
    inside = False
    opened = -1
    i = 0
    stray = False
    while i <= len(lines):
        if stray or i == len(lines) or (inside and i - opened > MAX_QUOTED_LINES):
            if not inside:
                break
            # The field opened on line `opened` never closed (or closed badly): a stray
            # quote. Defuse that line and read on from the line after it.
            lines[opened] = lines[opened].replace(b'"', b"'")
            changed = True
            inside = stray = False
            i = opened + 1
            continue
        line = lines[i]
        if b'"' in line:
            bare = line.rstrip(b"\r")
            was_inside = inside
            inside, after = _quote_state(bare, delim, inside)
            if not after:
                pass  # every closing quote ends its field: the common case, one pass
            elif not was_inside and (fixed := _requote_fields(bare, delim)) is not None:
                lines[i] = fixed + line[len(bare) :]
                changed = True
                inside = _ends_inside_quotes(fixed, delim, False)
            elif was_inside and (close := _closing_quote(bare)) >= 0:
                if _text_after(bare, close, delim):
                    # The field opened on line `opened` closes here with text after its
                    # quote ('"Ga weg" riep de bewoner'): it was opened by a stray quote.
                    inside = stray = True
                    continue
            if inside and not was_inside:
                opened = i
            elif was_inside and not inside:
                multiline = True
        i += 1
    if not changed:
        return data, multiline
    return b"\n".join(lines), multiline


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def sniff_text_file(
    path: Path,
    workdir: Path,
    data: bytes | None = None,
    is_header: Callable[[list[str]], bool] | None = None,
    name: str | None = None,
) -> SniffedFile:
    """Detect encoding, separator and header of a text export.

    A Windows-1252 file is transcoded to a UTF-8 copy in ``workdir`` because DuckDB's
    CSV reader only knows UTF-8, UTF-16 and latin-1. A file with line ends DuckDB misreads
    ("\r\r\n", a lone "\r") or a few NUL bytes is read from a repaired copy there too (see
    :class:`_TextScan`); the row numbers stay those of the file.

    Parameters
    ----------
    path : Path
        The export.
    workdir : Path
        Scratch folder for transcoded and repaired copies.
    data : bytes, optional
        File content when already read.
    is_header : callable, optional
        Tells a header line (its cells) from a title above it (see :func:`_header`).
    name : str, optional
        The file's name in messages (its path below the raw folder); ``path.name`` without.
    """
    name = name or path.name
    if data is None:
        streamed = _sniff_streaming(path, workdir, is_header, name)
        if streamed is not None:
            return streamed
        data = path.read_bytes()  # quotes to check line by line, or UTF-16
    _check_not_binary(name, data)
    has_bom = data.startswith(b"\xef\xbb\xbf")
    text, encoding, mixed = _decode(data)
    if text is not None:
        data = text.encode("utf-8")  # the copy DuckDB reads
    scan = _TextScan()
    scan.feed(data)
    original = data
    # The separator of the header line, not of a title above it ("Overzicht feiten,
    # Herent" over a ";" file): the quote rules follow fields.
    delim = _header(data[:65536].decode("utf-8" if text is not None else "latin-1", "ignore"),
                    is_header)["delimiter"].encode("latin-1")  # fmt: skip
    data, multiline = _repair_text(data, scan.finish(), delim)
    if b'"' in data:
        data, spans = _defuse_stray_quotes(data, delim)
        multiline = multiline or spans
    target = path
    if text is not None:
        target = workdir / f"{len(list(workdir.iterdir()))}_{path.stem}.utf8.csv"
        target.write_bytes(data)
    elif data is not original:
        target = workdir / f"{len(list(workdir.iterdir()))}_{path.name}"
        target.write_bytes(data)
    duckdb_encoding = "latin-1" if (text is None and encoding == "cp1252") else "utf-8"
    first = data[:65536].decode(duckdb_encoding, errors="ignore")
    header = _header(first, is_header)
    if multiline:
        delim = header["delimiter"].encode("latin-1")
        empty = _empty_lines_outside_quotes(data, delim, header["skip"])
    else:
        lines = _EmptyLines(header["skip"])
        lines.feed(data)
        empty = lines.records_before()
    return SniffedFile(
        target,
        encoding,
        duckdb_encoding,
        multiline=multiline,
        empty_after=empty,
        quotes=b'"' in data,
        notes=[
            n
            for n in [
                scan.note(header["hidden"]),
                mixed and mixed.note(header["hidden"], bom=has_bom),
            ]
            if n
        ],
        **header,
    )


#: Excel's separator line ("sep=;"), which some tools write before the header so that
#: Excel opens the file with the right separator; Excel then hides it.
_SEP_LINE = re.compile(r'"?sep=(.)"?\s*', re.IGNORECASE)


_NEWLINE = re.compile(r"\r\n|\n|\r")
#: The first cell of a report's totals row ("Totaal: 1234", "Subtotaal Herent",
#: "Eindtotaal", "Total général", "Grand total"), whose other fields are empty.
TOTALS_ROW = re.compile(
    r"(?i)^\s*(?:(?:sub|eind|grand\s+)?tota(?:al|l)(?:en)?(?:\s|:|$)"
    # "Aantal: 4", "Aantal records: 1.234" (a count under the table, no record)
    r"|aantal(?:\s+[^\W\d]+)*\s*:?\s*\d[\d.\s]*$)"
)
#: The last rows with a value of a text export in which an Excel table's total row is
#: looked for (it closes the table), among its last TOTAL_ROW_SEARCH rows (rows of
#: separators only, Excel's formatted empty rows, may follow it).
TOTAL_ROW_TAIL = 5
TOTAL_ROW_SEARCH = 100_000
#: A count or sum in a totals row ("4", "1.234", "12,5"): the last column of an Excel
#: table's total row, whose first column says "Totaal".
TOTAL_VALUE = re.compile(r"^\s*-?\d[\d.,\s]*$")
#: A table may start below a title (a report's "Overzicht feiten 2024", a date line, empty
#: lines, the block of filters an ISLP report prints above its table): the header is looked
#: for in this many first lines or rows.
HEADER_SEARCH_LINES = 30


def _header(first: str, is_header: Callable[[list[str]], bool] | None = None) -> dict:
    """Separator, column names, lines before the header and how many of those a
    spreadsheet hides, from the start of a decoded export: the :class:`SniffedFile`
    fields ``delimiter``, ``headers``, ``skip`` and ``hidden``.

    The header is the first line (after Excel's separator line "sep=;", which names the
    separator and which Excel hides) unless ``is_header`` recognises a later one among the
    first :data:`HEADER_SEARCH_LINES`: the lines above it are a title.
    """
    # Lines as DuckDB counts them (it skips that many before the header).
    lines = _NEWLINE.split(first.lstrip("\ufeff"))
    start = 0
    forced = None
    if sep := _SEP_LINE.fullmatch(lines[0]):
        start, forced = 1, sep.group(1)

    def cells(line: str) -> tuple[str, list[str]]:
        delimiter = forced or _sniff_delimiter(line)
        row = next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
        return delimiter, [h.strip() for h in row]

    skip = start
    if is_header is not None:
        search = range(start, min(len(lines), start + HEADER_SEARCH_LINES))
        skip = next(
            (i for i in search if lines[i].strip() and is_header(cells(lines[i])[1])), start
        )
    delimiter, headers = cells(lines[skip] if skip < len(lines) else "")
    return {"delimiter": delimiter, "headers": headers, "skip": skip, "hidden": start}


#: Large exports are scanned and transcoded in blocks of this many bytes, so reading a
#: file of gigabytes never holds it in memory.
SCAN_BLOCK = 1 << 24
#: How much of a file's end is read to judge whether its last record was cut off.
TAIL_BYTES = 1 << 16
#: The five bytes Windows-1252 leaves undefined (such a file is decoded as latin-1).
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


def read_blocks(path: Path, size: int | None = None) -> Iterator[bytearray]:
    """The file's bytes, block by block (:data:`SCAN_BLOCK` unless ``size`` is given), in
    one reused buffer: only the last, shorter block is a copy, and a block is only valid
    until the next one is read.

    A fresh ``bytes`` per block made the kernel map and zero new pages for every block: for
    a 200 MB export that cost a third of the scan's CPU.
    """
    with open(path, "rb", buffering=0) as fh:
        # A small file gets a buffer of its size (a 16 MB one had to be zeroed first).
        size = max(1, min(size or SCAN_BLOCK, os.fstat(fh.fileno()).st_size + 1))
        buffer = bytearray(size)
        while n := fh.readinto(buffer):
            yield buffer if n == size else buffer[:n]


#: How an Excel 97-2003 workbook (.xls, an OLE2 compound file) begins.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


#: The stream an Office file saved with a password keeps its encrypted content in (an
#: .xlsx "Versleuteld met wachtwoord" is an OLE2 file holding it), as its directory names it.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _password_protected(head: bytes, path: Path | None = None) -> bool:
    """Whether a file is an Office document encrypted with a password: an OLE2 compound
    file whose directory names the stream :data:`_ENCRYPTED_PACKAGE`. The directory may lie
    beyond ``head``: then the file at ``path`` is searched (only ever for an OLE2 file that
    is refused either way)."""
    if not head.startswith(_OLE2):
        return False
    if _ENCRYPTED_PACKAGE in head:
        return True
    return path is not None and _ENCRYPTED_PACKAGE in path.read_bytes()


def _password_error(name: str) -> BuildError:
    return BuildError(
        f"Bestand {name} is beveiligd met een wachtwoord en kan niet gelezen worden. Open "
        "het in Excel, haal het wachtwoord weg (Bestand > Info > Werkmap beveiligen > "
        "Versleutelen met wachtwoord: maak het veld leeg) en bewaar het opnieuw, of "
        "exporteer de gegevens als CSV. Bewaar het bestand zonder wachtwoord enkel op een "
        "plaats die even goed beveiligd is."
    )


#: Control bytes no text export holds (tab, line ends, form feed, vertical tab and the
#: end-of-file mark 0x1A apart); NUL is counted on its own (see :func:`_binary`).
_CONTROL_BYTES = bytes([*(b for b in range(1, 32) if b not in (9, 10, 11, 12, 13, 26)), 127])
#: How many NUL bytes a text export may hold (at most one in :data:`_NUL_SHARE` of its
#: first 64 KB, or this many) before it counts as binary.
_FEW_NULS = 16
_NUL_SHARE = 20


def _binary(head: bytes) -> bool:
    """Whether the start of a file is binary data rather than text with a few NUL bytes.

    Text cut off or damaged on the way (a copy that was interrupted, a database field
    padded with NUL) holds a few NUL bytes among ordinary text; binary data (an image, a
    database, UTF-16 without a byte order mark) many, or other control bytes besides.
    """
    nul = head.count(b"\x00")
    if not nul:
        return False
    if nul > max(_FEW_NULS, len(head) // _NUL_SHARE):
        return True
    rest = head.replace(b"\x00", b"")
    return (len(rest) - len(rest.translate(None, _CONTROL_BYTES))) * 100 > len(rest)


def _web_page(head: bytes) -> str | None:
    """What a file saved by a web application's "Export naar Excel" is when it is no
    spreadsheet but markup: "HTML" (a table in a web page, often named .xls) or "XML" (an
    Excel 2003 XML workbook); None for anything else."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[:8192].decode("utf-16", errors="ignore")
    else:
        text = head[:8192].decode("latin-1")
    text = text.lstrip("\ufeff\xef\xbb\xbf \t\r\n").lower()
    if not text.startswith("<"):
        return None
    if text.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in text:
        return "XML"
    if any(tag in text for tag in ("<html", "<table", "<!doctype html")):
        return "HTML"
    return None


def is_text_workbook(path: Path) -> bool:
    """Whether a file named as a workbook (.xlsx, .xls, .ods) is text: a CSV export saved
    or renamed with a workbook's extension. Read by its content, as text, like Excel
    itself does for a text file named .xls (an empty file, a zip, an OLE2 file and
    markup are left to the workbook reader, which names what they are)."""
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return False
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if not head or head.startswith((b"PK\x03\x04", _OLE2)) or _web_page(head):
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 text (a tab-separated "Unicode text" export)
    return b"\x00" not in head


TEXT_WORKBOOK_NOTE = (
    "Geen Excel-werkmap maar een tekstbestand (CSV), al heet het {suffix}: als CSV gelezen."
)


def _web_page_error(name: str, markup: str) -> BuildError:
    what = (
        "een webpagina (HTML) met een tabel"
        if markup == "HTML"
        else "een XML-werkmap (Excel 2003 XML)"
    )
    suffix = Path(name.split("!")[-1]).suffix.lower()
    return BuildError(
        f"Bestand {name} is geen CSV-export of rekenblad maar {what}"
        + (f", al heet het {suffix}" if suffix else "")
        + ": zo bewaart de knop 'Export naar Excel' van sommige webtoepassingen een tabel. "
        "Open het bestand in Excel en bewaar het als Excel-werkmap (.xlsx) of als CSV "
        "(gescheiden door puntkomma's), en lever dat bestand aan."
    )


def _pdf_error(name: str) -> BuildError:
    """Whatever its name (.csv, or an .xlsx that is none): a PDF holds no table to read."""
    return BuildError(
        f"Bestand {name} is een PDF-document, geen tekstbestand (CSV/TXT) of werkmap: "
        "Wijkbeeld leest tabellen. Vraag de export als CSV of als Excel-werkmap (.xlsx)."
    )


def _check_not_binary(name: str, head: bytes, path: Path | None = None) -> None:
    """Refuse, with a Dutch message naming the file, a text export that is no text: a
    workbook (also one saved with a password), zip or PDF with the wrong extension, a web
    page, or binary data. A few NUL bytes in text do not make it binary (see
    :func:`_binary`; they are left out of the copy read, see :class:`_TextScan`). ``path``:
    the file ``head`` begins, searched for a password's mark when ``head`` lacks it."""
    if _password_protected(head, path):
        raise _password_error(name)
    if head.startswith(_OLE2):
        raise BuildError(
            f"Bestand {name} is geen tekstbestand (CSV/TXT) maar een Excel 97-2003-"
            f"werkmap met een verkeerde extensie: geef het de extensie .xls."
        )
    if head.startswith(b"%PDF"):
        raise _pdf_error(name)
    if head.startswith(b"PK\x03\x04"):
        raise BuildError(
            f"Bestand {name} is geen tekstbestand (CSV/TXT) maar een zip- of Excel-bestand "
            "met een verkeerde extensie."
        )
    if markup := _web_page(head):
        raise _web_page_error(name, markup)
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")) and _binary(head[:65536]):
        raise BuildError(
            f"Bestand {name} is geen tekstbestand (CSV/TXT): het bevat binaire gegevens. "
            f"Exporteer als CSV of als werkmap (.xlsx, .xls, .ods)."
        )


#: A carriage return that ends no "\r\n": a lone "\r", or the first of "\r\r\n".
_LONE_CR = re.compile(rb"\r(?!\n)")
#: Every line end, as :func:`_repair_text` writes them all: "\n".
_LINE_END = re.compile(rb"\r+\n|\r")
_CRS_LF = re.compile(rb"\r+\n")
_NUL_RUNS = re.compile(rb"\x00+")
#: At most this many runs of NUL bytes are placed on their line for the note.
_NUL_RUNS_PLACED = 1000


class _TextScan:
    """What DuckDB's CSV reader would misread in a text export, fed block by block.

    * A carriage return that ends no "\r\n" in a file with "\n" line ends: "\r\r\n" (Python's
      csv module on Windows without ``newline=''``) left a "\n" at the start of every
      record's first field, and a lone "\r" (a line break typed in a field, or a line of
      another tool pasted in) made DuckDB swallow the character after it. Such a file is
      read from a copy with every line end "\n" (see :func:`_repair_text`), and so is a
      file whose only line ends are "\r" (an old Mac export) when it has empty lines:
      DuckDB reads it, but its empty lines, rows a spreadsheet shows, are only counted
      with "\n" line ends.
    * NUL bytes, which no text holds and the labels cannot carry: left out of the copy.

    Costs a ``find`` per block on a file without carriage returns or NUL bytes, and a regex
    search for a lone "\r" per block of a "\r\n" file, stopping at the first (about 0.3
    CPU-s per GB; a copy is only written for a file that needs one).
    """

    def __init__(self) -> None:
        self.lone_cr = False
        self.newline = False
        self.nul = 0
        #: 1-based lines (counted by "\n") holding NUL bytes.
        self.nul_lines: list[int] = []
        self._lines = 0  # "\n" before the current block
        self._cr_at_end = False  # the last block ended in "\r"
        self._runs = 0
        #: "\r\r" seen: an empty line in a file of "\r" line ends.
        self.cr_pair = False
        self._ends_in_cr = False

    def feed(self, block: bytes, newlines: int | None = None) -> None:
        """One block and its count of "\n" (without it, ``block`` is the whole file)."""
        has_newline = b"\n" in block if newlines is None else newlines > 0
        # "\r\r" only matters in a file without "\n" (see line_ends): not looked for (a
        # slow search for two bytes) once a "\n" is seen, nor in a block without "\r".
        if (
            not self.cr_pair
            and not (self.newline or has_newline)
            and (self._ends_in_cr and block[:1] == b"\r" or (b"\r" in block and b"\r\r" in block))
        ):
            self.cr_pair = True
        self._ends_in_cr = block[-1:] == b"\r"
        if self._cr_at_end:
            self._cr_at_end = False
            self.lone_cr = self.lone_cr or block[:1] != b"\n"
        if not self.lone_cr and b"\r" in block and (at := first_lone_cr(block)) >= 0:
            if at == len(block) - 1:
                self._cr_at_end = True  # the next block tells
            else:
                self.lone_cr = True
        if b"\x00" in block:
            self.nul += block.count(b"\x00")
            line, pos = self._lines + 1, 0
            for m in _NUL_RUNS.finditer(block):
                if self._runs >= _NUL_RUNS_PLACED:
                    break
                self._runs += 1
                line += block.count(b"\n", pos, m.start())
                pos = m.start()
                if not self.nul_lines or self.nul_lines[-1] != line:
                    self.nul_lines.append(line)
        self.newline = self.newline or has_newline
        if newlines is not None:  # (the whole file: no line count needed after it)
            self._lines += newlines

    def finish(self) -> _TextScan:
        self.lone_cr = self.lone_cr or self._cr_at_end
        return self

    @property
    def line_ends(self) -> bool:
        """The line ends need repairing: a lone "\r" among "\n" line ends, or a file of
        "\r" line ends alone (an old Mac export) with empty lines, which are only found (and
        counted as rows) with "\n"; such a file without them DuckDB reads as it is."""
        return self.lone_cr and (self.newline or self.cr_pair)

    @property
    def repair(self) -> bool:
        return self.line_ends or self.nul > 0

    def note(self, hidden: int = 0) -> str | None:
        """The file's note on its NUL bytes (``hidden``: lines a spreadsheet does not show,
        the "sep=" line)."""
        if not self.nul:
            return None
        lines = [max(1, line - hidden) for line in self.nul_lines]
        which = "die regel" if len(lines) == 1 else "die regels"
        return (
            f"{self.nul} NUL-{'teken' if self.nul == 1 else 'tekens'} (byte 0, hoort niet in "
            f"tekst) weggelaten, op regel {rows_note(lines)}: het bestand lijkt daar "
            f"beschadigd (een afgebroken kopie?); kijk {which} na."
        )

    def blocks(self, blocks: Iterator[bytes]) -> Iterator[bytes]:
        """The blocks of the file repaired (see :func:`_repair_text`, without quotes)."""
        carry = b""
        for block in blocks:
            if self.nul:
                block = block.replace(b"\x00", b"")
            if self.line_ends:
                block = carry + block
                kept = block.rstrip(b"\r")  # a "\r\n" may span two blocks
                carry = block[len(kept) :]
                block = _LINE_END.sub(b"\n", kept)
            yield block
        if carry:
            yield _LINE_END.sub(b"\n", carry)


def _repair_text(data: bytes, scan: _TextScan, delim: bytes) -> tuple[bytes, bool]:
    """``data`` with what ``scan`` found repaired: NUL bytes left out, and every line end
    "\n" (a lone "\r" becomes a line break: where it ended a record the records are read
    apart, where it stood in an unquoted field :func:`_join_broken_records` joins the two
    lines again). A lone "\r" inside a quoted field is kept (DuckDB reads it as part of the
    value). ``delim``: the header's separator, for the quoted fields.

    Returns
    -------
    (bytes, bool)
        The data (``data`` itself when nothing needed changing) and whether a quoted field
        still holds a "\r" (the file is then read by one thread, as one with a quoted field
        over several lines).
    """
    if scan.nul:
        data = data.replace(b"\x00", b"")
    if not scan.line_ends:
        return data, False
    if b'"' not in data:
        return _LINE_END.sub(b"\n", data), False
    lines = _CRS_LF.sub(b"\n", data).split(b"\n")
    inside = kept = False
    for i, line in enumerate(lines):
        if b"\r" in line:
            parts = line.split(b"\r")
            pieces = [parts[0]]
            inside = _ends_inside_quotes(parts[0], delim, inside)
            for part in parts[1:]:
                pieces += [b"\r" if inside else b"\n", part]
                kept = kept or inside
                inside = _ends_inside_quotes(part, delim, inside)
            lines[i] = b"".join(pieces)
        elif b'"' in line:
            inside = _ends_inside_quotes(line, delim, inside)
    return b"\n".join(lines), kept


def _sniff_streaming(
    path: Path,
    workdir: Path,
    is_header: Callable[[list[str]], bool] | None = None,
    name: str | None = None,
) -> SniffedFile | None:
    """:func:`sniff_text_file` block by block, for a file without double quotes.

    Same answers as reading the whole file: valid UTF-8 (checked with an incremental
    decoder), else Windows-1252, read by DuckDB as latin-1 when no byte 0x80-0x9F tells
    them apart, else transcoded to a UTF-8 copy block by block (a single-byte encoding:
    a block boundary never splits a character), and repaired block by block when its line
    ends or NUL bytes need it (see :class:`_TextScan`). ``None`` when the file needs the
    in-memory path: UTF-16, or double quotes whose pairing must be checked line by line.
    """
    with open(path, "rb") as fh:
        head = fh.read(65536)
    _check_not_binary(name or path.name, head, path)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    bom = head.startswith(b"\xef\xbb\xbf")
    utf8 = True
    decoder = codecs.getincrementaldecoder("utf-8")()
    cp1252_only = undefined = False
    # UTF-8 characters seen: in the blocks before the first that is no UTF-8, or after.
    utf8_chars = False
    newlines, last = 0, b"\n"
    scan = _TextScan()
    for block in read_blocks(path):
        if b'"' in block:
            return None
        count = count_newlines(block)
        newlines += count
        scan.feed(block, count)
        last = bytes(block[-1:])
        if utf8:
            try:
                # Only characters the decoder confirmed: a lead byte at the block's end may
                # be Windows-1252's "é" that the next block shows to be no UTF-8.
                decoded = decoder.decode(block)
                utf8_chars = utf8_chars or not decoded.isascii()
            except UnicodeDecodeError:
                utf8 = False
        if not utf8 and not utf8_chars:
            utf8_chars = bom or _has_utf8_characters(block)
        # The bytes undefined in Windows-1252 lie in 0x80-0x9F: only a block with such
        # bytes can hold one, and once one is found there is nothing more to learn.
        if not utf8 and not utf8_chars and not undefined and _has_cp1252_only_bytes(block):
            cp1252_only = True
            undefined = any(b in block for b in _CP1252_UNDEFINED)
    scan.finish()
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    encoding = ("utf-8-sig" if bom else "utf-8") if utf8 else "cp1252"
    target, duckdb_encoding, codec = path, "utf-8", None
    mixed = _MixedDecoder(cr=not scan.newline) if encoding == "cp1252" and utf8_chars else None
    if mixed:
        codec = encoding = MIXED
    elif encoding == "cp1252" and not cp1252_only:
        duckdb_encoding = "latin-1"
    elif encoding == "cp1252":
        codec = "latin-1" if undefined else "cp1252"
        encoding = codec
    if codec or scan.repair:
        # A UTF-8 copy, or one with its line ends and NUL bytes repaired (see _TextScan).
        suffix = ".utf8.csv" if codec else f".repaired{path.suffix}"
        target = workdir / f"{len(list(workdir.iterdir()))}_{path.stem}{suffix}"

        def blocks() -> Iterator[bytes]:
            # Each block is written (or transcoded or repaired into a new one) before the
            # next is read into the same buffer.
            for block in read_blocks(path):
                if mixed:
                    yield mixed.feed(block)
                else:
                    yield block.decode(codec).encode("utf-8") if codec else block
            if mixed:
                yield mixed.finish()

        with open(target, "wb") as dst:
            written = blocks() if not scan.repair else scan.blocks(blocks())
            if scan.repair:
                newlines, last = 0, b"\n"
            for block in written:
                dst.write(block)
                if scan.repair and block:
                    newlines += count_newlines(block)
                    last = block[-1:]
    if mixed and not (bom or mixed.n_utf8):
        encoding = "cp1252"  # no line in UTF-8 after all: a pair that only looked like it
    if scan.repair or mixed:  # the copy's first lines, as DuckDB reads them
        with open(target, "rb") as fh:
            first = fh.read(65536).decode(duckdb_encoding, errors="ignore")
    elif encoding.startswith("utf-8"):
        first = head.decode("utf-8", errors="ignore")
    else:  # as DuckDB reads it, or as transcoded
        first = head.decode("latin-1" if target is path else encoding)
    lines = newlines + (last != b"\n")
    header = _header(first, is_header)
    return SniffedFile(
        target,
        encoding,
        duckdb_encoding,
        empty_after=None,
        lines=lines,
        quotes=False,
        notes=[
            n
            for n in [
                scan.note(header["hidden"]),
                mixed and mixed.note(header["hidden"], bom=bom),
            ]
            if n
        ],
        **header,
    )


#: Per kind, the field a file may leave out when the folder it is in names it: a list of
#: points of interest without a Type column, in ``poi/School/``, holds schools (as a
#: municipality hands them over, one list per type).
FOLDER_FIELDS = {"poi": "poi_type"}


def folder_values(kind: str, found: Collection[str], name: str) -> dict[str, str]:
    """The field of :data:`FOLDER_FIELDS` the file's folder gives (``name``: the file's
    path below the raw folder), when the file has no column for it; else nothing."""
    field = FOLDER_FIELDS.get(kind)
    parts = name.split("/")
    if field is None or field in found or len(parts) < 3:
        return {}
    return {field: parts[-2]}


def _missing(mapping: KindMapping, found: Collection[str], declared: Collection[str]) -> list[str]:
    """The required fields neither a column nor the file's folder gives."""
    return [f for f in mapping.required if f not in found and f not in declared]


def _check_required(
    mapping: KindMapping,
    found: dict[str, int],
    name: str,
    headers: list[str],
    all_mappings: dict[str, KindMapping] | None = None,
    declared: Collection[str] = (),
):
    """Refuse a file without headers or without a required column.

    ``all_mappings``: every kind's mapping, to recognise a file of one kind in the folder
    of another. ``declared``: fields the file's folder gives (:func:`folder_values`).
    """
    missing = _missing(mapping, found, declared)
    if not [h for h in headers if h]:
        raise BuildError(
            f"Bestand {name} is leeg of heeft geen kopregel met kolomnamen; "
            f"verwacht een {KIND_LABELS.get(mapping.kind, mapping.kind)} met een kolomnaam per kolom."
        )
    # A file of another kind, also one whose columns happen to include this kind's required
    # ones (an ISLP accidents export has "PV-nummer" and "Datum feit"): the rule of the
    # upload's preview (guess_kind), which says so before the file is stored.
    other = guess_kind(headers, all_mappings, mapping.kind) if all_mappings else None
    if other:
        raise BuildError(f"Bestand {name}: {wrong_kind_message(mapping.kind, other)}.")
    if missing:
        # Each missing column by its usual name, the names recognised for it, and the line
        # that adds another (the canonical field is the key in the mappings file only).
        expected = "; ".join(
            f"{mapping.expected(f)[0]}: {' / '.join(mapping.expected(f))}" for f in missing
        )
        lines_to_add = ", ".join(f'{f} = ["…"]' for f in missing)
        hint = ""
        if not found:
            # Not one column recognised: most likely the header is not where it was looked
            # for (a long title or filter block above it), not a column under another name.
            lines = "rijen" if re.search(r"(?i)\.(xlsx|xlsm|xls|ods)\b", name) else "regels"
            hint = (
                f" Geen enkele kolomnaam herkend: staat de kopregel lager dan de eerste "
                f"{HEADER_SEARCH_LINES} {lines} (onder een titel of een blok met filters)? "
                f"Verwijder dan de {lines} erboven."
            )
        elif missing == [FOLDER_FIELDS.get(mapping.kind)]:
            label = mapping.expected(missing[0])[0]
            hint = (
                f" Een lijst zonder kolom {label} krijgt die uit de map waarin ze staat: zet "
                f"ze bijvoorbeeld in {mapping.kind}/<{label.lower()}>/ (zoals {mapping.kind}/School/)."
            )
        raise BuildError(
            f"Bestand {name}: verplichte kolom(men) ontbreken "
            f"({', '.join(mapping.expected(f)[0] for f in missing)}). "
            f"Gevonden kolommen: {', '.join(h for h in headers if h) or '(geen)'}. "
            f"Herkende namen: {expected}. Heet de kolom in de export anders, voeg de naam "
            f"dan toe aan {zone_mappings_label()}, onder [{mapping.kind}.fields]: "
            f"{lines_to_add}.{hint}"
        )


def twin_columns_notes(
    mapping: KindMapping, headers: list[str], found: dict[str, int], skip: Collection[int]
) -> list[str]:
    """A note per column not read because another column already gives its field
    (:meth:`KindMapping.twins`): without it a second "Straat" column, perhaps the one
    filled in, was passed over without a word."""
    field_of = {pos: f for f, pos in found.items()}
    return [
        f"Kolom '{headers[i]}' (kolom {i + 1}) niet gelezen: kolom {pos + 1} "
        f"('{headers[pos]}') geeft al het veld {mapping.expected(field_of[pos])[0]}."
        for i, pos in sorted(mapping.twins(headers, found, skip).items())
    ]


def _mapped(
    kind: str,
    mapping: KindMapping,
    headers: list[str],
    name: str,
    all_mappings: dict[str, KindMapping] | None,
) -> tuple[dict[int, str], dict[str, int], dict[str, str]]:
    """A file's personal columns (position -> header), its mapped fields (field ->
    position) and the fields its folder gives; :class:`BuildError` when a required one
    is missing. Names and identity numbers of citizens are never mapped, hashed or copied.
    """
    dropped = personal_columns(headers, kind)
    found = without_personal(mapping.match(headers), dropped)
    declared = folder_values(kind, found, name)
    _check_required(mapping, found, name, headers, all_mappings, declared)
    return dropped, found, declared


#: A refusal the reader gives a whole row (the staging models' ``wb_reject`` type).
ROW_FAULT_TYPE = "STRUCT(field VARCHAR, reason VARCHAR, value VARCHAR)"
#: The field a row fault names: the row as a whole.
WHOLE_ROW = "(hele rij)"
SURPLUS_FIELDS = (
    "Rij telt meer velden dan de kopregel: staat het scheidingsteken in een veld zonder "
    "aanhalingstekens? (waarde: de rij zoals gelezen)"
)
DECIMAL_COMMA_ROW = (
    "Rij telt meer velden dan de kopregel: een decimale komma (171000,5) in een bestand met "
    "komma's als scheidingsteken splitst een getal in twee velden en verschuift elk veld "
    "erna. Sla het bestand op met ; als scheidingsteken of zet zulke getallen tussen "
    "aanhalingstekens (waarde: de rij zoals gelezen)"
)
#: Per row, the signs of a coordinate split by a decimal comma: a whole number followed by
#: the digits of its fraction (1 to 3 for metres; more after a degree's 1 or 2 digits).
_SPLIT_NUMBER = (
    "(regexp_full_match(c{i}, '-?[0-9]+') AND regexp_full_match(c{j}, '[0-9]{{1,3}}')) OR "
    "(regexp_full_match(c{i}, '-?[0-9]{{1,2}}') AND regexp_full_match(c{j}, '[0-9]+'))"
)
CUT_OFF_ROW = (
    "Laatste rij telt minder velden dan de kopregel en het bestand eindigt midden in die "
    "rij: het bestand lijkt afgebroken (waarde: de rij zoals gelezen)"
)


def _row_fault(reason: str, value_sql: str) -> str:
    """SQL of a :data:`ROW_FAULT_TYPE` refusing a whole row."""
    return (
        f"struct_pack(field := {_literal(WHOLE_ROW)}, reason := {_literal(reason)}, "
        f"value := CAST({value_sql} AS VARCHAR))"
    )


def _decimal_commas_split(
    con, table: str, delimiter: str, found: dict[str, int], n: int, n_rows: int
) -> bool:
    """Whether a comma-separated file whose every row has more fields than its header
    has them because decimal commas split its coordinates ("171000,5" read as 171000 and
    5, every field after it one place on: the street read "177000", the status "25").
    Such a file was loaded with its fields shifted and no refusal (an audit); a remark in
    an unnamed last column has no such numbers. Judged on the X and Y columns: in most rows
    one of them is a whole number and the field after it its fraction's digits."""
    if delimiter != "," or not n_rows:
        return False
    signs = [
        _SPLIT_NUMBER.format(i=found[f], j=found[f] + 1)
        for f in ("x", "y")
        if f in found and found[f] + 1 <= n
    ]
    if not signs:
        return False
    split = con.execute(
        f"SELECT count(*) FILTER ({' OR '.join(f'({s})' for s in signs)}) FROM {table}"
    ).fetchone()[0]
    return split > n_rows / 2


def _cut_off_last_record(sniffed: SniffedFile) -> list[str] | None:
    """The fields of the file's last record when it was cut off, else None.

    A file cut off mid-write ends inside its last record: without a line break, and with
    fewer fields than the header. DuckDB pads such a row with empty fields, so it would be
    read as a row with empty cells. Only when the record before it has every field: a tool
    that leaves out a row's empty last fields (Excel does, past its first rows) ends its
    file with a line break, and its rows are short throughout. A file whose quoted fields
    span lines is not judged (its last record cannot be told from the tail).
    """
    if sniffed.multiline:
        return None
    size = sniffed.path.stat().st_size
    with open(sniffed.path, "rb") as fh:
        fh.seek(max(0, size - TAIL_BYTES))
        tail = fh.read()
    if not tail or tail.endswith((b"\n", b"\r")):
        return None
    if size > TAIL_BYTES:
        tail = tail[tail.find(b"\n") + 1 :] if b"\n" in tail else b""
    text = tail.decode("latin-1" if sniffed.duckdb_encoding == "latin-1" else "utf-8", "replace")
    records = [
        r for r in csv.reader(io.StringIO(text, newline=""), delimiter=sniffed.delimiter) if r
    ]
    n = len(sniffed.headers)
    if len(records) < 2 or len(records[-1]) >= n or len(records[-2]) < n:
        return None
    return records[-1]


#: Bytes of a field's shape (see :func:`_join_broken_records`): digits become "9", letters
#: (also accented ones, any byte from 0x80) "a"; runs of them are then counted once.
_SHAPE = bytes(
    ord("9") if chr(b).isdigit() else ord("a") if chr(b).isalpha() or b >= 0x80 else b
    for b in range(256)
)
_SHAPE_RUNS = re.compile(rb"(a|9)\1+")
#: At most this many rows of a file are named in its note (the rest are counted).
NOTE_ROWS = 5


def _shape(field: bytes) -> bytes:
    return _SHAPE_RUNS.sub(rb"\1", field.translate(_SHAPE))


def _records_with_surplus(sniffed: SniffedFile, n: int) -> list[int]:
    """The records (from 0, in the order DuckDB reads them: empty lines skipped) of a text
    export that have more than ``n`` fields, fields counted as quoted."""
    import csv

    out: list[int] = []
    with open(sniffed.path, encoding=sniffed.duckdb_encoding, newline="", errors="replace") as fh:
        rows = csv.reader(fh, delimiter=sniffed.delimiter, quotechar='"', doublequote=True)
        for _ in range(sniffed.skip + 1):  # the lines above the header, and the header
            next(rows, None)
        k = 0
        for row in rows:
            if not row:
                continue
            if len(row) > n:
                out.append(k)
            k += 1
    return out


def _join_broken_records(sniffed: SniffedFile, workdir: Path) -> list[int]:
    """Join the records a line break in an unquoted field split over several lines.

    An export that does not quote its fields writes a description with a line break as
    two lines: the first ends early (fewer fields than the header), the second holds the
    rest of the description and the fields after it. Read as they are, the first would be
    a record without its last fields (no coordinates: accepted, unlocated) and the second a
    record of shifted fields. The lines of such a record are joined (the line break becomes
    a space) when together they have exactly the header's fields and each later line starts
    unlike the records do (the shape of their first field, "LE.55.L7.0000001/2025" against
    "gestolen uit de wagen", and of their second where all complete rows hold one of a few
    shapes there, such as a date: "NOT-2024-77;04/02/2024 12:00" is a record with a key of
    another form): the rows of a tool that leaves out empty last fields, which are short
    too, start like a record and stay as they are, as do all rows of a file without a
    single complete one.

    Not for a file whose quoted fields span lines (DuckDB reads those itself, and a line
    is then no record); in a file with quotes, fields are counted as quoted (a separator
    inside quotes is none). When records were joined, ``sniffed`` is pointed at a repaired
    copy in ``workdir`` and its ``empty_after`` counts each joined line like an empty line,
    so every later record keeps the row number of the original file.

    Returns
    -------
    list of int
        The row (as a spreadsheet numbers the original file) where each joined record begins.
    """
    data = sniffed.path.read_bytes()
    lines = data.split(b"\n")
    end = len(lines) - (1 if lines and lines[-1] == b"" else 0)
    delim = sniffed.delimiter.encode("latin-1")
    n = len(sniffed.headers)
    body = range(sniffed.skip + 1, end)
    if sniffed.quotes:  # a separator inside quotes is no field boundary

        def count(line: bytes) -> int:
            text = line.rstrip(b"\r").decode("latin-1")
            return len(next(csv.reader([text], delimiter=sniffed.delimiter), []))
    else:

        def count(line: bytes) -> int:
            return line.count(delim) + 1

    fields = [count(lines[i]) if lines[i].rstrip(b"\r") else 0 for i in body]
    complete = [lines[i].split(delim, 2) for i, f in zip(body, fields, strict=True) if f == n]
    starts = {_shape(parts[0]) for parts in complete}
    if not starts:
        return []
    # A typed second column (a date: few shapes over all complete rows) tells a record
    # whose key has another form ("NOT-2024-77" among "LE.55.L7.…") from a continuation.
    seconds = {_shape(parts[1]) for parts in complete if len(parts) > 1}
    if len(seconds) > 3 or not all(b"9" in shape for shape in seconds):
        # Only a typed column (digits in every value: a date, a number) tells a record:
        # a column of words ("Vandalisme") has the shape of the street that follows a
        # broken description, and the record would no longer be joined.
        seconds = set()

    def continues(line: bytes) -> bool:
        parts = line.split(delim, 2)
        if _shape(parts[0]) in starts:
            return False
        return not (len(parts) > 1 and _shape(parts[1]) in seconds)

    joined: list[list[int]] = []  # line indexes of each joined record
    chain: list[int] = []
    total = 0
    for i, f in zip(body, fields, strict=True):
        if 0 < f < n and chain and continues(lines[i]):
            if total + f - 1 < n:
                chain.append(i)
                total += f - 1
                continue
            if total + f - 1 == n:
                joined.append([*chain, i])
                chain = []
                continue
        chain, total = ([i], f) if 0 < f < n else ([], 0)
    if not joined:
        return []
    swallowed = {i for lines_of in joined for i in lines_of[1:]}
    for lines_of in joined:
        lines[lines_of[0]] = b" ".join(lines[i].rstrip(b"\r") for i in lines_of[:-1]) + (
            b" " + lines[lines_of[-1]]
        )
    empty_after: list[int] = []
    records = 0
    for i, f in zip(body, fields, strict=True):
        if f == 0 or i in swallowed:
            empty_after.append(records)
        else:
            records += 1
    target = workdir / f"{len(list(workdir.iterdir()))}_{sniffed.path.stem}.joined.csv"
    target.write_bytes(b"\n".join(line for i, line in enumerate(lines) if i not in swallowed))
    sniffed.path = target
    sniffed.empty_after = empty_after
    return [lines_of[0] + 1 - sniffed.hidden for lines_of in joined]


def _header_cells(headers: list[str]) -> list[str]:
    """SQL: each cell of a row as a header would hold it (trimmed; the first without a byte
    order mark, as a second UTF-8 file pasted after the first has one)."""
    return [
        f"coalesce(trim({'ltrim(c0, chr(65279))' if i == 0 else f'c{i}'}), '')"
        for i in range(len(headers))
    ]


def _header_again_sql(headers: list[str]) -> str:
    """SQL: the row repeats the header (every cell its column's name)."""
    cells = [
        f"{cell} = {_literal(h)}" for cell, h in zip(_header_cells(headers), headers, strict=True)
    ]
    return "(" + " AND ".join(cells or ["false"]) + ")"


def _header_permuted_sql(headers: list[str]) -> str:
    """SQL: the row holds the header's names, every one once, in another order."""
    if not headers:
        return "false"
    names = ", ".join(_literal(h) for h in sorted(headers))
    return f"(list_sort([{', '.join(_header_cells(headers))}]) = [{names}])"


def reordered_header_error(name: str, row: int) -> str:
    """The message for a second header with the same columns in another order."""
    return (
        f"Bestand {name}: rij {row} is een tweede kopregel met dezelfde kolommen in een "
        "andere volgorde: hier zijn twee exports achter elkaar geplakt. De rijen eronder "
        "zouden in de verkeerde kolommen belanden (bv. de straat als huisnummer); lever de "
        "twee exports als aparte bestanden aan."
    )


def rows_note(rows: list[int]) -> str:
    """ "12, 57, 90" (at most :data:`NOTE_ROWS` rows, then how many more)."""
    return ", ".join(map(str, rows[:NOTE_ROWS])) + (
        f" en {len(rows) - NOTE_ROWS} meer" if len(rows) > NOTE_ROWS else ""
    )


def row_ranges_note(rows: list[int]) -> str:
    """ "5–7, 12" for rows 5, 6, 7 and 12 (at most :data:`NOTE_ROWS` runs, then how many
    rows more)."""
    runs: list[list[int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    return runs_note(runs, len(rows))


def runs_note(runs: list[list[int]], total: int) -> str:
    """ "5–7, 12" for the first :data:`NOTE_ROWS` runs ``[first, last]``, then how many rows
    more of ``total``."""
    shown = runs[:NOTE_ROWS]
    text = ", ".join(f"{a}–{b}" if b > a else str(a) for a, b in shown)
    more = total - sum(b - a + 1 for a, b in shown)
    return text + (f" en {more} {'rij' if more == 1 else 'rijen'} meer" if more > 0 else "")


def file_note(info: dict, sheet: bool = True) -> str | None:
    """What the build log, ``marts.load_files`` and the upload preview say about one file
    read: the sheet its table came from when that was not the first or the workbook has
    several tables (unless ``sheet`` is false: the caller says so itself), the hidden sheets
    left out, the records joined from several lines (:func:`_join_broken_records`), the
    NUL bytes left out (:class:`_TextScan`) and the personal columns left out."""
    notes = [
        *info.get("read_notes", []),
        *info.get("column_notes", []),
        *info.get("layer_notes", []),
        dropped_note(info.get("dropped_columns") or []),
        *info.get("foreign_sheets", []),
    ]
    if hidden := info.get("hidden_sheets"):
        names = ", ".join(f"'{h}'" for h in hidden)
        notes.append(
            f"Verborgen werkblad {names} niet gelezen (maak het zichtbaar in Excel als het "
            f"meegeteld moet worden)."
            if len(hidden) == 1
            else f"Verborgen werkbladen {names} niet gelezen (maak ze zichtbaar in Excel als "
            f"ze meegeteld moeten worden)."
        )
    if rows := info.get("joined_rows"):
        notes.insert(
            0,
            f"{len(rows)} {'record liep' if len(rows) == 1 else 'records liepen'} over meer "
            f"dan één regel (een regeleinde in een veld zonder aanhalingstekens) en "
            f"{'is' if len(rows) == 1 else 'zijn'} samengevoegd: rij {rows_note(rows)}.",
        )
    if rows := info.get("merged_rows"):
        notes.insert(
            0,
            f"Samengevoegde cellen ingevuld in rijen {row_ranges_note(rows)} (de waarde "
            f"geldt voor elke rij van de samenvoeging).",
        )
    if rows := info.get("header_block"):
        notes.insert(
            0,
            f"Kopregel over twee rijen ({rows[0]} en {rows[-1]}): kolomnamen uit rij "
            f"{rows[-1]}, uit rij {rows[0]} waar die leeg is.",
        )
    if rows := info.get("total_rows"):
        notes.insert(
            0,
            f"{'Totaalrij' if len(rows) == 1 else 'Totaalrijen'} van het rapport overgeslagen "
            f"(geen record): rij {row_ranges_note(rows)}.",
        )
    if rows := info.get("empty_rows"):
        notes.insert(
            0,
            f"Lege {'rij' if len(rows) == 1 else 'rijen'} (alleen scheidingstekens) "
            f"overgeslagen: rij {row_ranges_note(rows)}.",
        )
    if rows := info.get("header_rows"):
        notes.insert(
            0,
            f"De kopregel staat nog eens op rij {rows_note(rows)} (exports achter elkaar "
            f"geplakt?): {'die rij is' if len(rows) == 1 else 'die rijen zijn'} overgeslagen.",
        )
    for value in (info.get("declared") or {}).values():
        notes.insert(0, f"Geen kolom Type: elk punt krijgt het type '{value}' van de map.")
    if sheet and (sheets := info.get("sheets") or 1) > 1:
        notes.insert(
            0,
            f"Werkblad '{info['sheet']}' van een werkmap met {sheets} tabellen: elk blad "
            f"wordt als een eigen export gelezen.",
        )
    elif sheet and (name := info.get("sheet")):
        notes.insert(
            0,
            f"Tabel gelezen van verborgen werkblad '{name}': geen zichtbaar werkblad heeft "
            f"een tabel."
            if info.get("hidden_sheet")
            else f"Tabel gelezen van werkblad '{name}' (niet het eerste blad).",
        )
    return " ".join(n for n in notes if n) or None


#: Stands for the type of ``source_file`` in a file's SELECT until every file of the kind is
#: known (see :func:`load_tabular_kind`).
_SOURCE_FILE_TYPE = "__wb_source_file_type__"


def _select_sql(
    kind: str,
    mapping: KindMapping,
    found: dict[str, int],
    n_columns: int,
    relation_sql: str,
    row_expr: str,
    name: str,
    load_order: int,
    skip: Collection[int] = (),
    fault: str | None = None,
    declared: dict[str, str] | None = None,
    where: str | None = None,
) -> str:
    """SELECT giving one file (columns c0..cN) the canonical columns of ``raw.<kind>``.

    ``skip``: positions of personal-data columns, kept out of the row hash as well.
    ``fault``: SQL giving a row the file itself spoils (more fields than the header, a last
    row cut off) its refusal, a :data:`ROW_FAULT_TYPE` (NULL for the others), which every
    staging model gives before any other reason; default none. ``declared``: fields the
    file's folder gives (:func:`folder_values`), the same text on every row. ``where``:
    the rows to read (default all).
    """
    declared = declared or {}
    select = [
        (
            f"c{found[f]}"
            if f in found
            else f"CAST({_literal(declared[f])} AS VARCHAR)"
            if f in declared
            else "CAST(NULL AS VARCHAR)"
        )
        + f' AS "{f}"'
        for f in mapping.fields
    ]
    if kind in HASHED_KINDS:
        # trim() copies every string; a plain ASCII field without surrounding spaces is
        # its own trim (same test as wb_text in etl/sql/macros.sql): a third of the cost.
        every = ", ".join(
            [
                f"coalesce(CASE WHEN starts_with(c{i}, ' ') OR ends_with(c{i}, ' ') "
                f"OR strlen(c{i}) <> length(c{i}) THEN trim(c{i}) ELSE c{i} END, '')"
                for i in range(n_columns)
                if i not in skip
            ]
            # What the folder declares is part of the row as much as a column would be: a
            # school and a church of the same name and place (poi/School/, poi/Kerk/) are
            # two points, not one row loaded twice. A file without such values keeps its hash.
            + [_literal(declared[f]) for f in mapping.fields if f in declared and f not in found]
        )
        select.append(f"md5(concat_ws(chr(31), {every})) AS row_hash")
    else:
        select.append("CAST(NULL AS VARCHAR) AS row_hash")
    select.append(f"CAST({fault or 'NULL'} AS {ROW_FAULT_TYPE}) AS row_fault")
    return (
        f"SELECT {', '.join(select)}, CAST({_literal(name)} AS {_SOURCE_FILE_TYPE}) AS source_file, "
        f"CAST({row_expr} AS BIGINT) AS source_row, CAST({load_order} AS INTEGER) AS load_order "
        f"FROM {relation_sql}" + (f" WHERE {where}" if where else "")
    )


def _empty_sql(mapping: KindMapping) -> str:
    cols = ", ".join(f'CAST(NULL AS VARCHAR) AS "{f}"' for f in mapping.fields)
    return (
        f"SELECT {cols}, CAST(NULL AS VARCHAR) AS row_hash, CAST(NULL AS {ROW_FAULT_TYPE}) AS row_fault, "
        "CAST(NULL AS VARCHAR) AS source_file, "
        "CAST(NULL AS BIGINT) AS source_row, CAST(NULL AS INTEGER) AS load_order WHERE false"
    )


def _load_csv(
    con,
    kind,
    mapping,
    raw,
    path,
    workdir,
    load_order,
    data=None,
    name=None,
    all_mappings=None,
) -> dict:
    name = name or source_name(raw, path)
    sniffed = sniff_text_file(path, workdir, data, header_test(mapping, all_mappings), name)
    dropped, found, declared = _mapped(kind, mapping, sniffed.headers, name, all_mappings)
    n = len(sniffed.headers)
    # One column more than the header names: it holds the first surplus field of a row
    # with more fields than the header (a separator in an unquoted field shifts every
    # field after it), NULL for the others.
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n + 1)) + "}"

    def csv_relation() -> str:
        return (
            f"read_csv({_literal(sniffed.path.as_posix())}, delim={_literal(sniffed.delimiter)}, "
            f"header=true, skip={sniffed.skip}, quote='\"', escape='\"', nullstr={_NULLSTR}, "
            f"encoding='{sniffed.duckdb_encoding}', "
            f"columns={columns}, auto_detect=false, null_padding=true, strict_mode=false, "
            f"buffer_size={CSV_BUFFER_BYTES}, parallel={'false' if sniffed.multiline else 'true'})"
        )

    # The file is read once, by all cores, into a table of text columns; a file DuckDB
    # cannot parse fails here, naming the file, rather than later inside a staging model.
    table = f"raw._csv_{kind}_{next(_TABLE_SEQ)}"

    # The lines of a record a line break split lack, between them, at least n - 1 of its
    # fields, so one of them lacks at least half (empty fields read alike): only a file
    # with a row whose last `half` fields are all empty is looked at line by line (see
    # _join_broken_records), and read again when records were joined.
    half = n // 2 if n >= 3 else 0
    split = " AND ".join(f"c{i} IS NULL" for i in range(n - half, n)) or "false"

    # A second export pasted after the first brings its header along: that row is no
    # record, and is left out (named in the note) rather than refused field by field.
    # Tested on every cell only for the rows whose first named column holds its own name
    # or, for a header in another order, one of the others (a test of all cells on every
    # row cost 1.5 µs a row; these two 0.03 µs).
    header_again = _header_again_sql(sniffed.headers)
    named = next((i for i, h in enumerate(sniffed.headers) if h), None)
    maybe_header = (
        "false"
        if named is None
        else f"(contains(c{named}, {_literal(sniffed.headers[named])}) OR c{named} IN "
        f"({', '.join(_literal(h) for h in sniffed.headers if h)})"
        # a byte order mark before another name (a UTF-8 file pasted after the first)
        + (" OR starts_with(c0, chr(65279)))" if named == 0 else ")")
    )

    # Where a row's surplus field lands: the column after the header's last, or, for a
    # header that ends in separators (every line of the export ends in one: "…;X;Y;"), its
    # first unnamed trailing column, empty in every row but a shifted one. Read from the
    # column after the header's last, a shifted row of such a file was loaded with every
    # field after the separator one place on (street "raam ingegooid", X and Y empty) and
    # no refusal (an audit). A column without a name that holds a value in every row is
    # no shift (see below).
    over = n
    while over > 1 and not sniffed.headers[over - 1]:
        over -= 1

    def read() -> tuple[int, int | None, int, int, int]:
        try:
            con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {csv_relation()}")
            return con.execute(
                f"SELECT count(*), max(rowid), count(c{over}), count(*) FILTER ({split}), "
                f"count(*) FILTER ({maybe_header}) FROM {table}"
            ).fetchone()
        except duckdb.Error as exc:
            raise BuildError(
                f"Bestand {name} kan niet gelezen worden als CSV: {DAMAGED} "
                f"(technische melding: {exc})"
            ) from exc

    n_rows, max_rowid, n_over, n_half_empty, n_maybe_headers = read()
    joined = []
    if n_half_empty and not sniffed.multiline:
        joined = _join_broken_records(sniffed, workdir)
        if joined:
            n_rows, max_rowid, n_over, n_half_empty, n_maybe_headers = read()
    # An Excel table's total row ("Totaal" in its first column, the count or sum in the
    # last: Excel's "Totaalrij") closes the table: no record either, but its last field is
    # not empty. Only a file whose last rows start with a total is tested further (a test
    # of every row's first field cost 0.03 s at 10^6 rows; these rows 0.5 ms).
    n_maybe_totals = 0
    if max_rowid is not None:
        # The last rows with a value: Excel writes the formatted empty rows under a table
        # as rows of separators only, which may follow it.
        n_maybe_totals = sum(
            1
            for (first_field,) in con.execute(
                f"SELECT c0 FROM {table} WHERE rowid > $last - {TOTAL_ROW_SEARCH} "
                f"AND NOT ({' AND '.join(f'c{i} IS NULL' for i in range(n + 1))}) "
                f"ORDER BY rowid DESC LIMIT {TOTAL_ROW_TAIL}",
                {"last": max_rowid},
            ).fetchall()
            if first_field is not None and TOTALS_ROW.match(first_field)
        )
    if over < n and 0 < n_over < n_rows:
        # A value in the header's unnamed last column is a shifted row's surplus field only
        # when the row has more fields than the header; a remark typed there (Excel saves
        # "…;Y;nagekeken door JD") has no more than the header, and stays a good row. DuckDB
        # reads both alike (an empty last field is NULL), so the file's records are counted
        # here, and the column is cleared for the rows without surplus.
        surplus = _records_with_surplus(sniffed, n)
        con.execute(
            f"UPDATE {table} SET c{over} = NULL WHERE c{over} IS NOT NULL "
            "AND NOT list_contains($ids::BIGINT[], rowid)",
            {"ids": surplus},
        )
        n_over = con.execute(f"SELECT count(c{over}) FROM {table}").fetchone()[0]
    relation = csv_relation()
    # The header is row 1 plus the title lines above it (Excel hides a "sep=" line), so
    # the k-th record (from 0) is row k + 2 + above. The table keeps the file's order
    # (DuckDB preserves insertion order, also for a parallel scan), so its rowid numbers
    # the records; row_number() OVER () over the file would force a single-threaded read.
    # Should the rowids ever have gaps, fall back to that.
    above = sniffed.skip - sniffed.hidden
    row_expr = f"rowid + {2 + above}" if max_rowid is None or max_rowid == n_rows - 1 else None
    if row_expr is None:
        con.execute(f"DROP TABLE {table}")
        con.execute(
            f"CREATE TABLE {table} AS SELECT *, row_number() OVER () + {1 + above} AS _row "
            f"FROM {relation}"
        )
        row_expr = "_row"
    # Rows with more fields than the header are refused with their text, unless every row
    # has them: then the header merely has no names for its last columns, which are not
    # read (said in the file's note). The text stops before the first personal column: in
    # a shifted row a name may stand in any field after it (and the first surplus field).
    upto = min(dropped, default=n + 1)
    faults = []
    every_row_longer = n_rows > 0 and n_over == n_rows and over == n
    split_numbers = every_row_longer and _decimal_commas_split(
        con, table, sniffed.delimiter, found, n, n_rows
    )
    if 0 < n_over < n_rows or split_numbers:
        kept = ", ".join(f"coalesce(c{i}, '')" for i in range(upto)) or "''"
        text = f"concat_ws({_literal(sniffed.delimiter)}, {kept})"
        reason = DECIMAL_COMMA_ROW if split_numbers else SURPLUS_FIELDS
        faults.append(f"WHEN c{over} IS NOT NULL THEN {_row_fault(reason, text)}")
    surplus_note = []
    if every_row_longer and not split_numbers:
        last = next(h for h in reversed(sniffed.headers) if h)
        surplus_note.append(
            f"Elke rij telt meer velden dan de kopregel: de velden na de laatste kolom met een "
            f'naam ("{last}") zijn niet gelezen. Horen ze bij een kolom, geef die dan een '
            "naam in de kopregel."
        )
    source = table
    if sniffed.empty_after is None:
        # Streamed: only a file with more lines than records has empty lines to find.
        full = sniffed.lines is not None and sniffed.lines <= n_rows + 1 + sniffed.skip
        sniffed.empty_after = [] if full else _scan_empty_lines(sniffed.path, sniffed.skip)
    if sniffed.empty_after:
        # DuckDB skips empty lines; a spreadsheet shows them as rows. Each record moves
        # down by the empty lines before it, so a refusal names the row the user sees.
        # Per first record after empty lines: all the empty lines before it (the list is
        # in file order, so the last one of a run counts them all).
        after = {first: shift for shift, first in enumerate(sniffed.empty_after, start=1)}
        import pandas as pd

        shifts = pd.DataFrame({"first_record": list(after), "shift": list(after.values())})
        con.register("_shifts", shifts)
        con.execute(
            f"CREATE TABLE {table}_empty AS SELECT first_record::BIGINT AS first_record, "
            "shift::BIGINT AS shift FROM _shifts"
        )
        con.unregister("_shifts")
        base = row_expr if row_expr == "_row" else f"t.{row_expr}"
        source = (
            f"(SELECT t.*, {base} + coalesce(e.shift, 0) AS _line FROM {table} t "
            f"ASOF LEFT JOIN {table}_empty e ON {base} - {2 + above} >= e.first_record)"
        )
        row_expr = "_line"
    # A row of separators only (";;;;;": Excel writes an empty row of the sheet so) is an
    # empty line, not a record without a key: left out and named in the note, its row
    # still counted. Such a row has its last fields empty, so only a file with such rows
    # (n_half_empty, counted anyway) is looked at.
    # A totals row of a report ("Totaal: 1234;;;;", "Subtotaal Herent;;;") has its last
    # fields empty too: no record either, left out and named (it was refused as a record
    # without a date).
    empty_rows, total_rows = [], []
    blank = " AND ".join(f"c{i} IS NULL" for i in range(n + 1))
    first = f"coalesce({', '.join(f'c{i}' for i in range(n))})" if n > 1 else "c0"
    total = f"({split}) AND regexp_matches({first}, {_literal(TOTALS_ROW.pattern)})"
    if n_maybe_totals and n > 1:
        # Excel's table total row: "Totaal" in the first column, the columns of the kind's
        # required fields after it empty (a record has its date, also as an Excel serial
        # number), every other field empty or a number.
        needed = _required_columns(mapping, found, n)
        total = f"(({total}) OR (regexp_matches(c0, {_literal(TOTALS_ROW.pattern)}) AND " + (
            " AND ".join(
                f"c{i} IS NULL"
                if i in needed
                else f"(c{i} IS NULL OR regexp_matches(c{i}, {_literal(TOTAL_VALUE.pattern)}))"
                for i in range(1, n + 1)
            )
            + "))"
        )
    if n_half_empty or n_maybe_totals:
        for r, is_total in con.execute(
            f"SELECT {row_expr}, NOT ({blank}) FROM {source} "
            f"WHERE ({blank}) OR ({total}) ORDER BY 1"
        ).fetchall():
            (total_rows if is_total else empty_rows).append(r)
    header_rows = []
    if n_maybe_headers:
        # One pass over the candidates: the header repeated as it is, and the header's
        # names in another order (a second export with its columns reordered: the rows
        # under it would land in the wrong columns, the street in the house number).
        again = f"coalesce({header_again}, false)"
        found_rows = con.execute(
            f"SELECT {row_expr}, {again} FROM {source} WHERE {maybe_header} AND "
            f"({again} OR {_header_permuted_sql(sniffed.headers)}) ORDER BY 1"
        ).fetchall()
        header_rows = [row for row, same in found_rows if same]
        if reordered := next((row for row, same in found_rows if not same), None):
            raise BuildError(reordered_header_error(name, reordered))
    # A last row cut off (see _cut_off_last_record) is refused, with the fields it has.
    if n_rows and (cut := _cut_off_last_record(sniffed)) is not None:
        last = n_rows - 1
        shift = sum(1 for first in sniffed.empty_after if first <= last)
        text = _literal(sniffed.delimiter.join(cut[:upto]))
        faults.append(
            f"WHEN {row_expr} = {last + 2 + above + shift} THEN {_row_fault(CUT_OFF_ROW, text)}"
        )
    return {
        "kind": kind,
        "source_file": name,
        "rows_read": None,  # counted in SQL, from the staging model
        "encoding": sniffed.encoding,
        "delimiter": sniffed.delimiter,
        "columns": {f: sniffed.headers[i] for f, i in found.items()},
        "dropped_columns": list(dropped.values()),
        "declared": declared,
        "joined_rows": joined,
        "header_rows": header_rows,
        "empty_rows": empty_rows,
        "total_rows": total_rows,
        "read_notes": (
            [TEXT_WORKBOOK_NOTE.format(suffix=path.suffix.lower())]
            if is_text_workbook(path)
            else []
        )
        + sniffed.notes
        + surplus_note,
        "column_notes": twin_columns_notes(mapping, sniffed.headers, found, dropped),
        "select": _select_sql(
            kind,
            mapping,
            found,
            n,
            source,
            row_expr,
            name,
            load_order,
            skip=dropped,
            fault=f"CASE {' '.join(faults)} END" if faults else None,
            declared=declared,
            where=" AND ".join(
                ([f"NOT coalesce({maybe_header} AND {header_again}, false)"] if header_rows else [])
                + ([f"NOT ({blank})"] if empty_rows else [])
                + ([f"NOT coalesce({total}, false)"] if total_rows else [])
            )
            or None,
        ),
    }


def _clock_format(value: datetime | time) -> str:
    """``%H:%M``, with the seconds only when the cell has them."""
    return "%H:%M:%S" if value.second or value.microsecond else "%H:%M"


def _cell_text(value) -> str | None:
    """Render an Excel cell the way an ISLP CSV export would have written it, which is how
    the cell reads in a Belgian Excel: a date cell as ``05/01/2030``, with its time as
    ``05/01/2030 14:30``. A refused cell's value in ``marts.rejects`` is then what the
    person sees in the workbook, not ``2030-01-05 14:30:00``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime(f"%d/%m/%Y {_clock_format(value)}")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime(_clock_format(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return None if text in NULL_TEXTS else text


def _unreadable_workbook(name: str, exc: Exception) -> BuildError:
    return BuildError(
        f"Bestand {name} kan niet gelezen worden als rekenblad (.xlsx, .xls, .ods): {DAMAGED} "
        f"(technische melding: {exc})"
    )


def _open_workbook(path: Path, name: str):
    """The workbook (calamine), opened by what it holds rather than by its name.

    Excel opens an .xlsx named .xls (or an .xls named .xlsx, an .ods named .xlsx) without a
    word, so exports come that way: a file whose first bytes are another format's than its
    extension says (a zip for .xlsx and .ods, an OLE2 compound file for .xls), or that its
    extension's reader cannot open, is opened by content. A web page or Excel 2003 XML saved
    as .xls is refused as such (see :func:`_web_page`), anything else as damaged.
    """
    from python_calamine import CalamineWorkbook, PasswordError

    with open(path, "rb") as fh:
        head = fh.read(8192)
    if not head:
        raise BuildError(
            f"Bestand {name} is leeg (0 bytes): er staat geen werkmap in. Exporteer het "
            "opnieuw of kopieer het opnieuw uit de bron (het kopiëren of opladen is misschien "
            "afgebroken)."
        )
    if markup := _web_page(head):
        raise _web_page_error(name, markup)
    if head.startswith(b"%PDF"):
        raise _pdf_error(name)
    if _password_protected(head, path):
        raise _password_error(name)
    zipped, ole = head.startswith(b"PK\x03\x04"), head.startswith(_OLE2)
    by_name = (ole if path.suffix.lower() == ".xls" else zipped) or not (zipped or ole)
    error: Exception | None = None
    if by_name:
        try:
            return CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises its own error types for a broken file
            error = exc
    if zipped or ole:
        try:
            return CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
        except Exception as exc:
            error = error or exc
    if isinstance(error, PasswordError):  # an .xls of Excel 97-2003 with a password
        raise _password_error(name)
    raise _unreadable_workbook(name, error or ValueError("onbekend formaat"))


class _SheetRows:
    """``(Excel row number, cell values from column A)`` of a sheet, streamed, with what the
    reader learned on the way (see :func:`_xlsx_rows` and :func:`_xlsx_table`)."""

    def __init__(self, rows: Iterator[tuple[int, list]], merges=None) -> None:
        self.rows = rows
        #: The sheet's merged ranges, ``((first row, first column), (last row, last
        #: column))`` from 0; None when the format does not say (.ods).
        self.merges: list[tuple[tuple[int, int], tuple[int, int]]] | None = merges
        #: Rows that took a value from a cell merged over them from a row above.
        self.filled: set[int] = set()
        #: The header's rows (Excel numbers) and their cells, once :func:`_xlsx_table` found it.
        self.header_rows: list[int] = []
        self.header_lines: list[list[str]] = []

    def __iter__(self) -> Iterator[tuple[int, list]]:
        # The rows themselves: no call of this class's per row.
        return self.rows

    def __next__(self) -> tuple[int, list]:
        return next(self.rows)


def _xlsx_rows(path: Path, name: str, index: int = 0, book=None) -> _SheetRows:
    """``(Excel row number, cell values from column A)`` of a sheet (default the first),
    streamed; ``book``: the workbook when already open (:func:`_open_workbook`).

    Read with calamine (Rust; 100,000 rows of 14 columns in about 1.6 CPU-s with the
    header search, openpyxl needed about 20 s). Like openpyxl with ``data_only``, it returns the values Excel cached: formulas
    are not evaluated and macros never run. Empty cells come back as ``""``.

    A value merged over several rows (a date or street merged over the reports of that day,
    in a register kept by hand) is in the first row only; the sheet shows it in each, so
    each row of the merge that has a value of its own gets it too, in the merge's first
    column (a merge over several columns is one field). The rows so filled are in
    ``filled``. Merged ranges come with the sheet (.xlsx, .xls), a few per sheet: they are
    looked up per row in a dict, the rows are still read once. An .ods does not report
    them (calamine), and is read as it is.
    """
    book = book or _open_workbook(path, name)
    try:
        sheet = book.get_sheet_by_index(index)
        # Rows come from row 1 on, columns from the first used one: pad back to column A.
        first_col = (sheet.start or (0, 0))[1]
        merges = sheet.merged_cell_ranges
        rows = sheet.iter_rows()
        sheet_name = book.sheet_names[index]
    except Exception as exc:  # calamine raises its own error types for a broken file
        raise _unreadable_workbook(name, exc) from exc
    table = _SheetRows(iter(()), merges)
    try:
        stat = path.stat()
        errors = _xlsx_error_cells(str(path), stat.st_mtime_ns, stat.st_size, sheet_name)
    except OSError:
        errors = {}
    table.rows = _filled_rows(rows, first_col, merges, table.filled, name, errors)
    return table


#: An Excel cell holding an error value (``t="e"``: #N/A, #REF!, #DEEL/0! …) in a sheet's XML.
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_CELL_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</")


@functools.lru_cache(maxsize=16)
def _xlsx_error_cells(path: str, mtime_ns: int, size: int, sheet: str) -> dict[int, dict[int, str]]:
    """The error values of an .xlsx sheet: Excel row -> column (0 = A) -> "#N/A".

    Per file version (``mtime_ns``, ``size``) and sheet, once: a workbook's sheet is read
    several times (the header search, each sheet's table, the preview), and the scan
    decompresses the whole sheet. The caller must not change the dict.

    calamine reads an error cell as empty, so a PV number that is "#N/A" in the workbook
    was refused as missing, where the same value in a CSV says it is an Excel error value
    (``wb_key_spoilt``). The sheet's XML is scanned for cells of type ``e``, in blocks, and
    only when the text ``t="e"`` occurs at all (rarely). Empty for an .xls or .ods, or a
    workbook whose parts cannot be found (calamine read it; nothing is lost then).
    """
    import html

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return {}
    with archive:
        try:
            book = archive.read("xl/workbook.xml")
            rels = archive.read("xl/_rels/workbook.xml.rels")
        except KeyError:
            return {}
        target = None
        for attrs in re.findall(rb"<(?:\w+:)?sheet\b([^>]*)>", book):
            found = re.search(rb'\bname="([^"]*)"', attrs)
            if found and html.unescape(found.group(1).decode("utf-8")) == sheet:
                rid = re.search(rb'\b(?:\w+:)?id="([^"]*)"', attrs)
                for rel in re.findall(rb"<(?:\w+:)?Relationship\b([^>]*)>", rels):
                    if rid and re.search(rb'\bId="' + re.escape(rid.group(1)) + rb'"', rel):
                        to = re.search(rb'\bTarget="([^"]*)"', rel)
                        target = to and to.group(1).decode("utf-8")
                break
        if not target:
            return {}
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        errors: dict[int, dict[int, str]] = {}
        try:
            with archive.open(part) as fh:
                carry = b""
                while block := fh.read(1 << 23):
                    data = carry + block
                    end = data.rfind(b"</c>")
                    end = len(data) if end < 0 and len(data) > 1 << 24 else end
                    if end < 0:
                        carry = data
                        continue
                    head, carry = data[: end + 4], data[end + 4 :]
                    if b't="e"' not in head:
                        continue
                    for cell in _ERROR_CELL.finditer(head):
                        ref = _CELL_REF.search(cell.group(1))
                        value = _CELL_VALUE.search(cell.group(2))
                        if ref and value:
                            col = 0
                            for ch in ref.group(1):
                                col = col * 26 + ch - 64
                            text = html.unescape(value.group(1).decode("utf-8"))
                            errors.setdefault(int(ref.group(2)), {})[col - 1] = text
        except (KeyError, zipfile.BadZipFile, OSError):
            return {}
        return errors


def _filled_rows(
    rows: Iterator[list],
    first_col: int,
    merges: list[tuple[tuple[int, int], tuple[int, int]]] | None,
    filled: set[int],
    name: str,
    errors: dict[int, dict[int, str]] | None = None,
) -> Iterator[tuple[int, list]]:
    """The rows of :func:`_xlsx_rows`, padded to column A, with the values merged down and
    the error values calamine reads as empty (``errors``, :func:`_xlsx_error_cells`)."""
    pad = [""] * first_col
    # Per first row (from 0) of a merge over several rows: its first column and last row.
    down: dict[int, list[tuple[int, int]]] = {}
    for (r0, c0), (r1, _c1) in merges or ():
        if r1 > r0:
            down.setdefault(r0, []).append((c0, r1))
    # Column -> (value, first and last row) of the merge being read.
    active: dict[int, tuple[object, int, int]] = {}
    try:
        for index, row in enumerate(rows):
            values = pad + list(row)
            if errors and (wrong := errors.get(index + 1)):
                for col, text in wrong.items():
                    values += [""] * (col + 1 - len(values))
                    if values[col] in ("", None):
                        values[col] = text
            if active:
                own = any(v not in (None, "") for v in values)
                for col, (value, top, last) in list(active.items()):
                    if index > last:
                        del active[col]
                    elif own and col < len(values):
                        values[col] = value
                        filled.update((top + 1, index + 1))
            if down and index in down:
                for col, last in down[index]:
                    if col < len(values) and values[col] not in (None, ""):
                        active[col] = (values[col], index, last)
            yield index + 1, values
    except Exception as exc:  # a sheet broken halfway
        raise _unreadable_workbook(name, exc) from exc


def _header_names(
    upper: list[str],
    lower: list[str],
    row: int,
    merges: list[tuple[tuple[int, int], tuple[int, int]]] | None,
    known: list[set[str]],
) -> list[str]:
    """Column names of a header over two rows (``row``: the upper one, from 0).

    A column takes the lower row's name; where the lower cell is empty, the upper one's
    (a name merged over both rows). An upper name over several columns (merged across them,
    or centred over them: the empty upper cells to its right above a lower name) is a group
    ("Adres" over Straat, Huisnr, ...): a lower name the mapping does not know, but does know
    together with its group, takes that combination, group first or last as the mapping has
    it ("Adres straat", "Datum feit"). ``known``: per kind, this one first, the names its
    mapping knows (folded).
    """
    n = max(len(upper), len(lower))
    upper = upper + [""] * (n - len(upper))
    lower = lower + [""] * (n - len(lower))
    groups = [""] * n
    grouped: set[int] = set()
    for (r0, c0), (r1, c1) in merges or ():
        if r0 <= row <= r1 and c0 < n:
            if r1 > row:  # merged down into the lower row: the columns' own name
                grouped.update(range(c0, c1 + 1))
            elif c1 > c0:
                for col in range(c0, min(c1, n - 1) + 1):
                    groups[col] = upper[c0]
                    grouped.add(col)
    current = ""
    for col in range(n):
        if col in grouped:
            current = ""
        elif upper[col]:
            groups[col] = upper[col]
            # Only a group when it stands over a name of its own (not merged down).
            current = upper[col] if lower[col] and lower[col] != upper[col] else ""
        elif lower[col] and current:
            groups[col] = current
        else:
            current = ""

    def named(col: int) -> str:
        group, low = groups[col], lower[col]
        if not low:
            return upper[col]
        if not group or group == low:
            return low
        candidates = (low, f"{group} {low}", f"{low} {group}")
        for names in known:
            for candidate in candidates:
                if normalise_header(candidate) in names:
                    return candidate
        return low

    return [named(col) for col in range(n)]


def _xlsx_table(
    rows: Iterator[tuple[int, list]], is_header: Callable[[list[str]], bool] | None = None
) -> tuple[list[str], _SheetRows]:
    """Column names and the rows below them.

    The header is the first row with a value, unless ``is_header`` recognises a later one
    among the first :data:`HEADER_SEARCH_LINES` rows with a value (a report's title above
    the table). The rows keep their Excel row numbers.

    A header may take two rows (group names above the detailed ones, see
    :func:`_header_names`): two adjacent rows are read as one header when together they are
    one and the mapping (``is_header.kinds``, see :class:`etl.sources.mapping.HeaderTest`)
    recognises more columns in them than in either row alone, or as many while a cell is
    merged over both rows. The rows found are in the result's ``header_rows``.
    """
    table = rows if isinstance(rows, _SheetRows) else _SheetRows(iter(rows))
    kinds = getattr(is_header, "kinds", None) or []
    known = [{normalise_header(v) for f, vs in m.fields.items() for v in [*vs, f]} for m in kinds]

    def score(names: list[str]) -> tuple[int, ...]:
        counts = [len(m.match(names)) for m in kinds]
        return (counts[0], max(counts)) if counts else (0, 0)

    def linked(upper: int, lower: int) -> bool:
        """A cell is merged over both rows (Excel numbers; merges count rows from 0)."""
        return any(r0 < upper and lower <= r1 + 1 for (r0, _), (r1, _) in table.merges or ())

    def block(upper: tuple[int, list[str]], lower: tuple[int, list[str]]):
        """The two rows as one header: (rank, names), or None when that is no header."""
        if not kinds or lower[0] != upper[0] + 1:
            return None
        names = _header_names(upper[1], lower[1], upper[0] - 1, table.merges, known)
        if not is_header(names):
            return None
        return (*score(names), 2 if linked(upper[0], lower[0]) else 0), names

    first: tuple[int, list[str]] | None = None  # (position in rows, cells)
    header: tuple[int, list[str]] | None = None
    header_from = None  # position of the header's upper row when it takes two
    buffered: list[tuple[int, list]] = []
    seen = 0  # rows with a value
    previous: tuple[int, list[str]] | None = None  # (Excel row, cells) of the last row with a value
    for number, row in table:
        buffered.append((number, row))
        if not any(v not in (None, "") for v in row):
            continue
        cells = [_cell_text(v) or "" for v in row]
        pos = len(buffered) - 1
        first = first or (pos, cells)
        seen += 1
        if is_header is None:
            header = (pos, cells)
            break
        # (rank, position of the header's last row, of its first when it takes two, names)
        options = []
        if previous is not None and (found := block(previous, (number, cells))):
            options.append((found[0], pos, pos - 1, found[1]))
        if is_header(cells):
            options.append(((*score(cells), 1), pos, None, cells))
        if options:
            # The detailed names may follow in the next row.
            nxt = next(table, None)
            if nxt is not None:
                buffered.append(nxt)
                below = [_cell_text(v) or "" for v in nxt[1]]
                if any(below) and (found := block((number, cells), (nxt[0], below))):
                    options.append((found[0], pos + 1, pos, found[1]))
            _, end, header_from, names = max(options, key=lambda o: o[0])
            header = (end, names)
            break
        previous = (number, cells)
        if seen >= HEADER_SEARCH_LINES:
            break
    if first is None:
        table.rows = iter(())
        return [], table
    pos, headers = header or first
    start = pos if header_from is None else header_from
    table.header_rows = [buffered[i][0] for i in range(start, pos + 1)]
    table.header_lines = [
        [_cell_text(v) or "" for v in buffered[i][1]] for i in range(start, pos + 1)
    ]
    table.rows = itertools.chain(buffered[pos + 1 :], table.rows)
    return headers, table


def _xlsx_sheets(
    path: Path,
    name: str,
    is_header: Callable[[list[str]], bool] | None = None,
    hidden: list[str] | None = None,
    near: list[tuple[list[str], str]] | None = None,
) -> tuple[list[tuple[list[str], Iterator[tuple[int, list]], str]], str]:
    """Every table of the workbook (column names, rows, sheet name) and the name of its
    first sheet.

    A report workbook may open with a cover or explanation sheet, and a workbook kept by
    hand often holds one table per month or year: every sheet whose header ``is_header``
    recognises is a table. Without any, the first sheet's (which is then refused with the
    headers it has, as a one-sheet workbook is).

    A sheet hidden in Excel (hidden or very hidden: an old version, a lookup list) is not
    read, as a user looking at the workbook does not see it, unless no visible sheet holds
    a table. ``hidden``, when given, gets the names of the workbook's hidden sheets.

    ``near``, when given, gets (column names, sheet name) of each visible sheet that is no
    table but names at least :data:`NEAR_TABLE_FIELDS` columns of the kind (``is_header``'s
    first): a month's sheet without its number column. Its rows would be lost without a
    word beside the sheets that are tables; the caller refuses it as a file without them.
    """
    from python_calamine import SheetVisibleEnum

    book = _open_workbook(path, name)
    try:
        sheets = book.sheets_metadata
    except Exception as exc:  # calamine raises its own error types for a broken file
        raise _unreadable_workbook(name, exc) from exc
    names = [s.name for s in sheets] or [""]
    visible = [i for i, s in enumerate(sheets) if s.visible == SheetVisibleEnum.Visible]
    concealed = [i for i in range(len(sheets)) if i not in visible]
    if hidden is not None and visible:
        hidden.extend(names[i] for i in concealed)
    if not visible:  # every sheet hidden (no workbook Excel saves): read them all
        visible, concealed = list(range(len(names))), []
    headers, rows = _xlsx_table(_xlsx_rows(path, name, visible[0], book), is_header)
    first = names[visible[0]]
    if is_header is None:
        return [(headers, rows, "")], ""
    kinds = getattr(is_header, "kinds", None) or []
    misses = []
    tables = [(headers, rows, first)] if is_header(headers) else []
    if not tables and kinds:
        misses.append(visible[0])
    for index in visible[1:]:
        other, other_rows = _xlsx_table(_xlsx_rows(path, name, index, book), is_header)
        if is_header(other):
            tables.append((other, other_rows, names[index]))
        elif kinds:
            misses.append(index)
    if near is not None and tables:
        for index in misses:
            cells = _near_header(_xlsx_rows(path, name, index, book), kinds[0])
            if cells is not None:
                near.append((cells, names[index]))
    for index in [] if tables else concealed:  # the table is on a hidden sheet only
        other, other_rows = _xlsx_table(_xlsx_rows(path, name, index, book), is_header)
        if is_header(other):
            tables.append((other, other_rows, names[index]))
    return tables or [(headers, rows, first)], first


def _fits(kind: str, mapping: KindMapping, headers: list[str], name: str) -> bool:
    """Whether a table has every required column of its kind (or its folder gives it)."""
    found = mapping.match(headers)
    return not _missing(mapping, found, folder_values(kind, found, name))


#: A column of counts or sums (a summary or an Excel pivot table: "Aantal", "Aantal van
#: PV-nummer", "Som van Overtredingen", "Count of …"): a sheet with one holds no records.
AGGREGATE_COLUMN = re.compile(
    r"(?i)^\s*(?:aantal|som|totaal|gemiddelde|count|sum|total|average|nombre|somme)(?:\s|$)"
)

#: Columns of a kind a sheet names to be taken for a table of it that lacks a required one
#: (:func:`_xlsx_sheets`' ``near``): more than a date and a street on a cover sheet.
NEAR_TABLE_FIELDS = 3


def _near_header(rows: Iterator[tuple[int, list]], mapping: KindMapping) -> list[str] | None:
    """The row among a sheet's first :data:`HEADER_SEARCH_LINES` with a value that names
    the most columns of ``mapping``'s kind, or two adjacent rows read as one (a column's
    lower name, else its upper one), when that is at least :data:`NEAR_TABLE_FIELDS`."""
    best: tuple[int, list[str]] | None = None
    previous: list[str] | None = None
    seen = 0
    for _, row in rows:
        cells = [_cell_text(v) or "" for v in row]
        if not any(cells):
            previous = None
            continue
        options = [cells]
        if previous is not None:
            width = max(len(previous), len(cells))
            upper, lower = previous + [""] * width, cells + [""] * width
            options.append([lower[i] or upper[i] for i in range(width)])
        for names in options:
            n = len(mapping.match(names))
            if n >= NEAR_TABLE_FIELDS and (best is None or n > best[0]):
                best = (n, [c for c in names])
        previous = cells
        seen += 1
        if seen >= HEADER_SEARCH_LINES:
            break
    if best is None:
        return None
    names = best[1]
    while names and not names[-1]:
        names.pop()
    return names


def _load_xlsx(con, kind, mapping, raw, path, load_order, all_mappings=None) -> list[dict]:
    """One export per table of the workbook (see :func:`_xlsx_sheets`): a workbook with
    several names each by its sheet, ``<file>!<sheet>``, as a zip names its members. A
    sheet with another kind's table beside this kind's is left out and named in the note
    (a workbook of that kind alone is refused as such), as are hidden sheets."""
    name = source_name(raw, path)
    hidden: list[str] = []
    near: list[tuple[list[str], str]] = []
    tables, first = _xlsx_sheets(path, name, header_test(mapping, all_mappings), hidden, near)
    summaries: list[str] = []
    for headers, sheet in near:
        # A summary or pivot beside the table ("Gemeente | Straat | Categorie | Aantal",
        # "Aantal van PV-nummer") names columns of the kind too, but holds counts, not
        # records: left out and named in the note. It stopped the whole build as a month's
        # sheet without its number column, with advice to map a column (an audit).
        # Only a sheet that names none of the kind's required columns (a pivot has no
        # number and no date; a month's sheet has its date), by a column of counts that is
        # no field of the kind ("Aantal overtredingen" of a controls list is one).
        found = mapping.match(headers)
        named = {headers[i] for i in found.values() if i < len(headers)}
        counted = next(
            (h for h in headers if h not in named and AGGREGATE_COLUMN.match(h or "")), None
        )
        if counted is not None and not any(f in found for f in mapping.required):
            summaries.append(
                f"Werkblad '{sheet}' niet gelezen: het lijkt een samenvatting (kolom "
                f"'{counted}'), geen lijst van records."
            )
            continue
        # A sheet of this kind without a required column, beside sheets that are tables:
        # refused as a workbook of that sheet alone is, never left out without a word.
        found = mapping.match(headers)
        where = f"{name} (werkblad '{sheet}')"
        _check_required(mapping, found, where, headers, None, folder_values(kind, found, name))
    foreign: list[str] = []
    fits = [_fits(kind, mapping, headers, name) for headers, _, _ in tables]
    if len(tables) > 1 and any(fits):
        for (headers, _, sheet), ok in zip(tables, fits, strict=True):
            if not ok and (guess_kind(headers, all_mappings or {}, kind) or kind) == kind:
                # A sheet of this kind itself without a required column ("Nr. proces-
                # verbaal" for the PV number): refused as the sheets checked beside the
                # tables are, not left out as "een incidentenexport en geen
                # incidentenexport" with its records lost (a review).
                found = mapping.match(headers)
                where = f"{name} (werkblad '{sheet}')"
                _check_required(
                    mapping, found, where, headers, None, folder_values(kind, found, name)
                )
        foreign = [
            f"Werkblad '{sheet}' niet gelezen: het lijkt een {KIND_LABELS.get(other, other)} "
            f"en geen {KIND_LABELS.get(kind, kind)}; zet het in een eigen bestand in de map "
            f"{other}/."
            for (headers, _, sheet), ok in zip(tables, fits, strict=True)
            if not ok
            for other in [guess_kind(headers, all_mappings or {}, kind) or kind]
        ]
        tables = [t for t, ok in zip(tables, fits, strict=True) if ok]
    infos = [
        _load_table_rows(
            con,
            kind,
            mapping,
            f"{name}!{sheet}" if len(tables) > 1 else name,
            headers,
            rows,
            None if len(tables) == 1 and sheet == first else sheet,
            path,
            load_order,
            all_mappings,
            sheets=len(tables),
        )
        for headers, rows, sheet in tables
    ]
    infos[0]["foreign_sheets"] = foreign + summaries
    read = {sheet for _, _, sheet in tables}
    infos[0]["hidden_sheets"] = [h for h in hidden if h not in read]
    for info, (_, _, sheet) in zip(infos, tables, strict=True):
        info["hidden_sheet"] = sheet in hidden
    return infos


def _required_columns(mapping: KindMapping, found: dict[str, int], n: int) -> set[int]:
    """The columns of the kind's required fields (key, date) between the first and the
    last: empty in a totals row, filled in every record. The last column holds Excel's
    count, also when it is a required field (Y of an address list; a review)."""
    return {found[f] for f in mapping.required if f in found and 0 < found[f] < n - 1}


def _is_totals_row(cells: list, n: int, needed: set[int] = frozenset()) -> bool:
    """A report's totals row among a workbook's rows, as the text loader tests it: its last
    half of fields empty and its first value a total (:data:`TOTALS_ROW`), or an Excel
    table's total row: a total in the first column, the required fields' columns
    ``needed`` empty and every other field empty or a number (:data:`TOTAL_VALUE`, the
    count in the last column)."""
    if n > 1 and cells and cells[0] is not None and TOTALS_ROW.match(cells[0]):
        if all(
            c is None or (i not in needed and TOTAL_VALUE.match(c))
            for i, c in enumerate(cells[1:n], start=1)
        ):
            return True
    half = n // 2 if n >= 3 else 0
    if not half or any(c is not None for c in cells[n - half : n]):
        return False
    first = next((c for c in cells if c is not None), None)
    return first is not None and TOTALS_ROW.match(first) is not None


def _load_table_rows(
    con, kind, mapping, name, headers, rows, sheet, path, load_order, all_mappings, sheets
) -> dict:
    dropped, found, declared = _mapped(kind, mapping, headers, name, all_mappings)
    n = len(headers)
    needed = _required_columns(mapping, found, n)
    records = []
    header_rows, total_rows = [], []
    # The header's own rows (two for a header over two rows), as its cells read.
    lines = [(line + [""] * n)[:n] for line in getattr(rows, "header_lines", None) or [headers]]
    names = {h for h in headers if h}
    named = next((i for i, h in enumerate(headers) if h), 0)
    ordered = sorted(headers)
    # A date-and-time cell at midnight comes from the reader as a date: in a column that
    # holds times it is midnight, as a CSV export writes it ("06/03/2025 00:00"), not a
    # date whose time is unknown. Its cells are completed after the last row. A column
    # holds times when at most half of its dates fall at midnight: one report typed with
    # its hour in a register's column of days made every other day of it midnight.
    timed: Counter[int] = Counter()
    dated: list[tuple[int, int]] = []
    for excel_row, row in rows:
        cells = [None if i in dropped else _cell_text(v) for i, v in enumerate(row[:n])]
        days = []
        for i, v in enumerate(row[:n]):
            if isinstance(v, datetime):
                timed[i] += 1
            elif isinstance(v, date) and cells[i] is not None:
                days.append(i)
        texts = [_cell_text(v) or "" for v in row[:n]]
        texts += [""] * (n - len(texts))
        if texts in lines:
            header_rows.append(excel_row)  # the header again (tables pasted one below another)
        elif texts[named] in names and sorted(texts) == ordered:
            # A second table with the same columns in another order: its rows would land
            # in the wrong columns.
            where = f"{name} (werkblad '{sheet}')" if sheets > 1 else name
            raise BuildError(reordered_header_error(where, excel_row))
        elif _is_totals_row(cells, n, needed):
            total_rows.append(excel_row)
        elif any(c is not None for c in cells):  # trailing formatted-but-empty rows
            dated += [(len(records), i) for i in days]
            records.append([*cells, *([None] * (n - len(cells))), excel_row])
    midnights = Counter(i for _, i in dated)
    for k, i in dated:
        if timed[i] and midnights[i] <= timed[i]:
            records[k][i] += " 00:00"
    # The records of a merge over several rows (see _xlsx_rows).
    merged_rows = []
    if filled := getattr(rows, "filled", None):
        merged_rows = sorted(filled & {r[-1] for r in records})
    import pandas as pd

    frame = pd.DataFrame(records, columns=[*(f"c{i}" for i in range(n)), "excel_row"], dtype=object)
    table = f"raw._xlsx_{kind}_{next(_TABLE_SEQ)}"
    con.register("_xlsx", frame)
    cols = ", ".join(f"CAST(c{i} AS VARCHAR) AS c{i}" for i in range(n))
    con.execute(f"CREATE TABLE {table} AS SELECT {cols}, excel_row FROM _xlsx")
    con.unregister("_xlsx")
    count = len(frame)
    return {
        "kind": kind,
        "source_file": name,
        "rows_read": count,
        "encoding": path.suffix.lower().lstrip("."),
        "delimiter": None,
        "columns": {f: headers[i] for f, i in found.items()},
        "dropped_columns": list(dropped.values()),
        "declared": declared,
        "sheet": sheet,
        "sheets": sheets,
        "header_rows": header_rows,
        "header_block": rows.header_rows if len(getattr(rows, "header_rows", ())) > 1 else None,
        "merged_rows": merged_rows,
        "total_rows": total_rows,
        "column_notes": twin_columns_notes(mapping, headers, found, dropped),
        "select": _select_sql(
            kind,
            mapping,
            found,
            n,
            table,
            "excel_row",
            name,
            load_order,
            skip=dropped,
            declared=declared,
        ),
    }


#: Map layers a list of points can come as (points of interest drawn or downloaded in a
#: GIS): read as a table of the features' properties with X and Y from their geometry.
LAYER_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")
#: The fields a layer's geometry gives; properties that would map to them are left out.
_GEOMETRY_FIELDS = ("x", "y", "xy")


def is_layer(path: Path) -> bool:
    """Whether an export of a tabular kind is a map layer: GeoJSON, GeoPackage, Shapefile
    or a zip holding a Shapefile (a zip of text files is Statbel's open data)."""
    suffix = path.suffix.lower()
    if suffix in LAYER_SUFFIXES:
        return True
    if suffix != ".zip":
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return any(m.lower().endswith(".shp") for m in archive.namelist())
    except zipfile.BadZipFile:
        return False


def layer_table(
    path: Path, name: str, mapping: KindMapping
) -> tuple[list[str], list[tuple[int, list]], list[str], str, dict[str, str]]:
    """A point layer as a table: its properties and ``X``, ``Y`` in Lambert 72 metres.

    The geometry gives the coordinates, whatever the layer's CRS (Lambert 72, Lambert 2008
    or WGS84; see :func:`etl.sources.districts.read_layer`); properties that would map to
    X, Y or a point column are left out. A line or area counts at a point on it
    (``shapely.point_on_surface``: inside the area, unlike its centroid).

    Returns
    -------
    tuple
        ``(headers, rows, notes, crs, shown)``: a row is ``(feature number, values)``; the
        notes (Dutch) say which CRS was read and what was done with other geometry;
        ``shown`` names, per header that is not the layer's own field name, what the file
        has instead (``X`` -> ``"geometrie"``, ``Omschrijving`` -> ``"Omschrijvi"``).
    """
    import shapely

    from etl.sources.districts import (
        crs_label,
        read_layer,
        shapefile_aliases,
        shapefile_aliases_note,
    )

    props_list, geoms, crs, _reader, crs_note = read_layer(path, name, boundaries=False)
    keys = list(dict.fromkeys(str(k) for props in props_list for k in props))
    # A Shapefile keeps ten characters of a field name ("Omschrijvi"): such a property is
    # read under the name it began as, which the mapping knows.
    matched = shapefile_aliases(keys, mapping) if path.suffix.lower() in (".shp", ".zip") else {}
    renamed = {key: variant for variant, key in matched.items()}
    if renamed:
        props_list = [{renamed.get(str(k), str(k)): v for k, v in p.items()} for p in props_list]
        keys = [renamed.get(k, k) for k in keys]
    while found := {f: i for f, i in mapping.match(keys).items() if f in _GEOMETRY_FIELDS}:
        keys = [k for i, k in enumerate(keys) if i not in found.values()]
    headers = [*keys, "X", "Y"]
    rows = []
    other = missing = 0
    for number, (props, geom) in enumerate(zip(props_list, geoms, strict=True), start=1):
        xy: list[str | None] = [None, None]
        if geom is None or geom.is_empty:
            missing += 1
        else:
            if shapely.get_type_id(geom) != 0:  # not a Point
                other += 1
                geom = shapely.point_on_surface(geom)
            xy = [f"{geom.x:.2f}", f"{geom.y:.2f}"]
        values = [props.get(k) for k in keys]
        rows.append(
            (number, [*(v if not isinstance(v, dict | list) else str(v) for v in values), *xy])
        )
    notes = [
        f"Kaartlaag in {crs_label(crs)}"
        + ("" if crs_label(crs).startswith("EPSG:") else f" ({crs})")
        + ": X en Y komen uit de geometrie, in Lambert 72."
    ]
    if crs_note:
        notes.append(crs_note)
    if matched:
        notes.append(shapefile_aliases_note(matched))
    if other:
        notes.append(
            f"{other} {'object is' if other == 1 else 'objecten zijn'} geen enkel punt (een lijn, "
            "vlak of multipunt): een punt erop telt."
        )
    if missing:
        notes.append(
            f"{missing} {'object heeft' if missing == 1 else 'objecten hebben'} geen geometrie: "
            "zonder locatie."
        )
    shown = {"X": "geometrie (X)", "Y": "geometrie (Y)", **matched}
    return headers, rows, notes, crs, shown


def _load_layer(con, kind, mapping, raw, path, load_order, all_mappings=None) -> dict:
    """A point layer read as one table (:func:`layer_table`); its rows are its features."""
    name = source_name(raw, path)
    headers, rows, notes, crs, shown = layer_table(path, name, mapping)
    info = _load_table_rows(
        con, kind, mapping, name, headers, rows, None, path, load_order, all_mappings, sheets=1
    )
    info["layer_notes"], info["crs"] = notes, crs
    # What the layer has where a header came from elsewhere (the geometry, a Shapefile's
    # truncated field name): the column mapping names that, not a header it lacks.
    info["columns"] = {f: shown.get(h, h) for f, h in info.get("columns", {}).items()}
    info["shown_headers"] = shown
    return info


def _load_zip(con, kind, mapping, raw, path, workdir, load_order, all_mappings=None) -> list[dict]:
    """Statbel ships its open data as a zip holding one text file."""
    name = source_name(raw, path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise BuildError(
            f"Bestand {name} is geen geldig zip-archief: {DAMAGED} (technische melding: {exc})"
        ) from exc
    infos = []
    with archive:
        members = sorted(
            m
            for m in archive.namelist()
            if m.lower().endswith((".txt", ".csv")) and not m.endswith("/")
        )
        if not members:
            raise BuildError(f"Bestand {name}: het zip-archief bevat geen .txt- of .csv-bestand.")
        for member in members:
            data = archive.read(member)
            target = workdir / f"{len(list(workdir.iterdir()))}_{Path(member).name}"
            target.write_bytes(data)
            infos.append(
                _load_csv(
                    con,
                    kind,
                    mapping,
                    workdir,
                    target,
                    workdir,
                    load_order,
                    data,
                    name=f"{name}!{member}",
                    all_mappings=all_mappings,
                )
            )
    return infos


def load_tabular_kind(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    files: list[Path],
    mapping: KindMapping,
    raw: Path,
    workdir: Path,
    all_mappings: dict[str, KindMapping] | None = None,
) -> list[dict]:
    """Register every export of one kind as the view ``raw.<kind>`` (one UNION ALL branch per file).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The warehouse being built (schema ``raw`` exists).
    kind : str
        Kind of export (``incidents``, ``statbel``, ...).
    files : list of Path
        The exports, in load order.
    mapping : KindMapping
        Header variants of this kind.
    raw, workdir : Path
        Raw folder (for file names) and scratch folder.
    all_mappings : dict, optional
        Every kind's mapping: a file missing required columns that looks like another
        kind's export is refused as such (see :func:`wrong_kind_message`).

    Returns
    -------
    list of dict
        Per file: kind, source_file, rows_read, encoding, delimiter and the matched columns.

    Raises
    ------
    BuildError
        A file misses a required column or cannot be parsed.
    """
    infos: list[dict] = []
    for order, path in enumerate(files, start=1):
        suffix = path.suffix.lower()
        if suffix in SPREADSHEET_SUFFIXES and not is_text_workbook(path):
            infos.extend(
                _load_xlsx(con, kind, mapping, raw, path, order, all_mappings=all_mappings)
            )
        elif is_layer(path):
            infos.append(_load_layer(con, kind, mapping, raw, path, order, all_mappings))
        elif suffix == ".zip":
            infos.extend(
                _load_zip(con, kind, mapping, raw, path, workdir, order, all_mappings=all_mappings)
            )
        else:
            infos.append(
                _load_csv(con, kind, mapping, raw, path, workdir, order, all_mappings=all_mappings)
            )
    # raw.<kind> is a view over the files: the staging model reads each file once, without
    # first copying every row into a table (the largest cost of a big build).
    union = "\nUNION ALL\n".join(i.pop("select") for i in infos) or _empty_sql(mapping)
    # The file name repeats on every row: an ENUM of this kind's file names.
    names = {i["source_file"] for i in infos}
    file_type = enum_sql(names) if names else "VARCHAR"
    con.execute(
        f"CREATE OR REPLACE VIEW raw.{kind} AS {union.replace(_SOURCE_FILE_TYPE, file_type)}"
    )
    return infos


def table_kind(path: Path, workdir: Path, mappings: dict[str, KindMapping]) -> str | None:
    """The kind a table in the wrong place looks like, by its headers: None when it is no
    table (by its ending), cannot be read, or has no kind's headers. For a table offered
    as a boundary layer (the upload) and one lying in ``districts/`` (the build warnings).
    """
    if not path.name.lower().endswith(TABULAR_SUFFIXES):
        return None
    try:
        headers = sniff_headers(path, workdir, HeaderTest(list(mappings.values())))[0]
    except (BuildError, ValueError, OSError):
        return None
    return guess_kind(headers, mappings)


def sniff_headers(
    path: Path,
    workdir: Path,
    is_header: Callable[[list[str]], bool] | None = None,
    mapping: KindMapping | None = None,
) -> tuple[list[str], str | None, str | None]:
    """Header names, encoding and separator of an export (text, workbook, zipped text, or
    with ``mapping`` a point layer: :func:`layer_table`).

    ``is_header`` recognises a header below a title (see :func:`header_test`).

    Raises
    ------
    BuildError
        The file cannot be read at all (Dutch message).
    """
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES and not is_text_workbook(path):
        return _xlsx_sheets(path, path.name, is_header)[0][0][0], suffix.lstrip("."), None
    if mapping is not None and is_layer(path):
        return layer_table(path, path.name, mapping)[0], suffix.lstrip("."), None
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                members = sorted(
                    m for m in archive.namelist() if m.lower().endswith((".txt", ".csv"))
                )
                if not members:
                    raise BuildError(
                        f"Bestand {path.name}: het zip-archief bevat geen .txt- of .csv-bestand."
                    )
                data = archive.read(members[0])
        except zipfile.BadZipFile as exc:
            raise BuildError(
                f"Bestand {path.name} is geen geldig zip-archief: {DAMAGED} "
                f"(technische melding: {exc})"
            ) from exc
        sniffed = sniff_text_file(workdir / Path(members[0]).name, workdir, data, is_header)
        return sniffed.headers, sniffed.encoding, sniffed.delimiter
    sniffed = sniff_text_file(path, workdir, is_header=is_header)
    return sniffed.headers, sniffed.encoding, sniffed.delimiter

"""Bytes to a frame of segments: encoding, separators and vectorized segmentation.

Separators come from the file itself: from the ISA (element separator = the character after
``ISA``, component separator = ISA16, segment terminator = the character after ISA16) or, in a
file without envelope, from the ST segment. Splitting is done by polars' CSV reader with the
segment terminator as line end and a byte that never occurs as field separator, so each segment
becomes one row without a Python loop; elements are split later, per segment type, only for
the segments a table needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.x12 import diagnostics as dx
from pipelines.x12.document import X12Error

LEFT = {"how": "left", "maintain_order": "left"}  # keep the left frame's order
WHITESPACE = " \t\r\n\ufeff\x00"
# Lazy plans are collected by the in-memory engine: the default ("auto") takes the streaming
# engine for some plans, which costs more CPU on these (measured: a few % of a file's reading).
IN_MEMORY = "in-memory"
_ST_HEAD = re.compile(
    rb"ST(?P<e>[^A-Za-z0-9\s])\d{3}(?P=e)[A-Za-z0-9 ]+(?:(?P=e)[A-Za-z0-9.]*)*"
    rb"(?P<t>[^A-Za-z0-9 ])")
_COMPOSITE_HINT = rb"(?:SV1|SV2|SVC|HI|CLM)%s[A-Z]{2,3}([^A-Za-z0-9\s])"
# Characters a sender may use as component separator in place of the declared ISA16.
_ALTERNATE_COMPONENTS = ">:^|\\!<}{"


@dataclass(frozen=True)
class Separators:
    element: str
    component: str
    segment: str
    repetition: str | None = None

    def reserved(self) -> set[str]:
        return {c for c in (self.element, self.component, self.segment, self.repetition) if c}


@dataclass(frozen=True)
class Source:
    """A file's bytes as UTF-8, or its path when it can be read by polars as it is."""

    data: bytes | None
    path: Path | None
    head: bytes  # the first bytes, after decoding, for separator detection
    notes: tuple[pl.DataFrame, ...] = ()


def open_source(source: Path | bytes, head_size: int = 65536) -> Source:
    """Read ``source`` as UTF-8: strip a UTF-8 BOM, decode UTF-16 (with or without BOM)."""
    path = None
    if isinstance(source, (str, Path)):
        path = Path(source)
        with open(path, "rb") as handle:
            head = handle.read(head_size)
        if not _is_utf16(head):
            return Source(data=None, path=path, head=head.removeprefix(b"\xef\xbb\xbf"))
        source = path.read_bytes()
    data = bytes(source)
    notes: tuple[pl.DataFrame, ...] = ()
    if _is_utf16(data[:4]):
        encoding = _utf16_encoding(data)
        try:
            data = data.decode(encoding).lstrip("\ufeff").encode("utf-8")
        except UnicodeDecodeError as error:
            raise X12Error("NOT_X12", f"the file looks like {encoding.upper()} text but does "
                           f"not decode as such ({error.reason} at byte {error.start})"
                           ) from None
        notes = (dx.one("TEXT_ENCODING", f"decoded from {encoding.upper()}"),)
    data = data.removeprefix(b"\xef\xbb\xbf")
    return Source(data=data, path=None, head=data[:head_size], notes=notes)


def load(source: Path | str | bytes) -> tuple[bytes, list[pl.DataFrame]]:
    """A whole file's bytes, UTF-16 decoded and without BOM (see ``open_source``; still to
    go through ``as_utf8`` before tokenizing), with the notes about its encoding."""
    opened = open_source(source)
    data = opened.data if opened.data is not None else (
        opened.path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    return data, list(opened.notes)


def _is_utf16(head: bytes) -> bool:
    return head[:2] in (b"\xff\xfe", b"\xfe\xff") or (
        len(head) >= 4 and (head[1:4:2] == b"\x00\x00" or head[0:4:2] == b"\x00\x00"))


def _utf16_encoding(data: bytes) -> str:
    if data[:2] == b"\xff\xfe":
        return "utf-16"
    if data[:2] == b"\xfe\xff":
        return "utf-16"
    return "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"


def detect_separators(head: bytes) -> tuple[Separators, list[pl.DataFrame]]:
    """The separators declared by the first ISA (or ST, for a file without envelope)."""
    text = head.lstrip(WHITESPACE.encode())
    if not text:
        raise X12Error("EMPTY_FILE", "the file is empty")
    if text.startswith(b"ISA"):
        separators, findings = _isa_separators(text)
        return separators, [dx.one(code, message, 0, 1, "ISA") for code, message in findings]
    if _ST_HEAD.match(text):
        return _st_separators(text)
    raise X12Error("NOT_X12", "not an X12 file: it does not start with an ISA or ST segment "
                   f"(starts with {text[:20]!r})", segment_index=0, line_number=1)


def _isa_separators(text: bytes) -> tuple[Separators, list[tuple[str, str]]]:
    """Separators declared by the ISA ``text`` starts with, and findings (code, message)."""
    if len(text) < 4 or text[3:4].isalnum() or text[3:4].isspace():
        raise X12Error("BAD_SEPARATORS", "ISA is not followed by an element separator",
                       segment_index=0, line_number=1, segment_id="ISA")
    element = text[3:4]
    position, starts = 3, [3]
    for _ in range(15):
        position = text.find(element, position + 1)
        if position < 0:
            raise X12Error("BAD_SEPARATORS", "the ISA segment has fewer than 16 elements",
                           segment_index=0, line_number=1, segment_id="ISA")
        starts.append(position)
    component = text[position + 1:position + 2]
    terminator = text[position + 2:position + 3]
    if not terminator or terminator.isalnum() or terminator in (element, component, b" "):
        raise X12Error("BAD_SEPARATORS",
                       "no segment terminator after ISA16: the ISA segment is not terminated",
                       segment_index=0, line_number=1, segment_id="ISA")
    if terminator == b"\r" and text[position + 3:position + 4] == b"\n":
        terminator = b"\n"  # CR LF terminated: polars drops the CR before LF
    if not (element + component + terminator).isascii():
        raise X12Error("BAD_SEPARATORS", "the ISA declares a separator that is not an ASCII "
                       f"character ({element!r}, {component!r}, {terminator!r})",
                       segment_index=0, line_number=1, segment_id="ISA")
    repetition = text[starts[10] + 1:starts[10] + 2]
    notes = []
    if position + 1 != 104:
        notes.append((
            "ISA_NOT_FIXED_WIDTH",
            f"ISA16 is at character {position + 2}, not 105: the ISA is not fixed width; "
            "separators read from its elements"))
    separators = Separators(
        element=element.decode(), component=component.decode("latin-1"),
        segment=terminator.decode("latin-1"),
        repetition=None if repetition.isalnum() or repetition == element
        else repetition.decode("latin-1"))
    return separators, notes


_ISA_START = re.compile(rb"ISA[^A-Za-z0-9\s]")


@dataclass(frozen=True)
class Cut:
    """Where a run of interchanges with other separators than the one before starts."""

    start: int  # byte offset of its ISA
    separators: Separators
    findings: tuple[tuple[str, str], ...]  # (code, message) about that ISA


def interchange_cuts(data: bytes, first: Separators) -> list[Cut]:
    """Every ISA (at a segment start) that declares other separators than the interchange
    before it; an ISA whose separators cannot be read is left in place (and reported by the
    envelope check). The scan looks at the few places where ``ISA`` occurs, not at segments."""
    cuts: list[Cut] = []
    current = first
    for match in _ISA_START.finditer(data, 1):
        start = match.start()
        if not _after_terminator(data, start, current.segment):
            continue
        try:
            separators, findings = _isa_separators(data[start:start + 4096])
        except X12Error:
            continue
        if _same(separators, current):
            continue
        cuts.append(Cut(start, separators, tuple(findings)))
        current = separators
    return cuts


def differ_message(separators: Separators) -> str:
    """The INTERCHANGE_SEPARATORS_DIFFER message for an interchange read with its own."""
    return (f"this interchange declares other separators than the one before it (element "
            f"{separators.element!r}, component {separators.component!r}, segment terminator "
            f"{separators.segment!r}); it is read with its own")


def _same(one: Separators, other: Separators) -> bool:
    return (one.element, one.component, one.segment) == (
        other.element, other.component, other.segment)


def _after_terminator(data: bytes, position: int, terminator: str) -> bool:
    """Whether ``position`` starts a segment: only whitespace lies between it and a
    terminator (a newline terminator is not whitespace here)."""
    end = terminator.encode("latin-1")
    padding = bytes(c for c in b" \t\r\n" if bytes([c]) != end)
    return data[max(0, position - 64):position].rstrip(padding).endswith(end)


def _st_separators(text: bytes) -> tuple[Separators, list[pl.DataFrame]]:
    match = _ST_HEAD.match(text)
    element, terminator = match["e"], match["t"]
    if not (element + terminator).isascii():
        raise X12Error("BAD_SEPARATORS", "the ST segment uses a separator that is not ASCII",
                       segment_index=0, line_number=1, segment_id="ST")
    if terminator == b"\r" and text[match.end():match.end() + 1] == b"\n":
        terminator = b"\n"
    hint = re.search(_COMPOSITE_HINT % re.escape(element), text)
    component = hint[1] if hint and hint[1] not in (element, terminator) else b":"
    notes = [dx.one("NO_ENVELOPE", "no ISA/GS envelope: separators inferred from the ST "
                    "segment and the first composite element", 0, 1, "ST")]
    return Separators(element.decode(), component.decode(), terminator.decode()), notes


# Control characters used as the CSV field separator: one that occurs nowhere in the data.
_FIELD_SEPARATORS = tuple(chr(c) for c in (*range(1, 9), 11, 12, *range(14, 32)))
# A line that separates pieces in a joined buffer; one not found in any piece is used.
_MARKERS = (b"RVX12-PIECE-END", b"RVX12-PIECE-END-2", b"RVX12-PIECE-END-3")


def _absent_byte(datas: list[bytes], terminator: str) -> str | None:
    for candidate in _FIELD_SEPARATORS:
        if candidate != terminator and not any(candidate.encode() in data for data in datas):
            return candidate
    return None


def as_utf8(data: bytes) -> bytes:
    """UTF-8 as it is; anything else is read as a legacy code page (cp1252), keeping every byte."""
    if data.isascii():
        return data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace").encode("utf-8")
    return data


def tokenize(datas: list[bytes], separators: Separators, newline: str, *,
             index_offset: int = 0, line_offset: int = 0) -> pl.DataFrame:
    """One row per segment of each buffer in ``datas`` (UTF-8, see ``as_utf8``), all in one pass.

    Columns: ``piece`` (position in ``datas``), ``local_index`` (0-based among the piece's
    segments), ``line_number`` (1-based physical line within the piece, counting ``newline``),
    ``segment_id`` and ``text`` (the whole segment). Empty segments (doubled terminators, blank
    lines) are dropped; leading whitespace (newlines and indentation after a terminator) is
    removed. The buffers are joined with a marker segment between them, so the split is one
    CSV read with the segment terminator as line end, whatever the number of buffers.
    With a single buffer, ``index_offset`` and ``line_offset`` are added to ``local_index``
    and ``line_number`` (a chunk numbered as part of its file).
    """
    terminator = separators.segment
    marker = (next((m for m in _MARKERS if not any(m in data for data in datas)), None)
              if len(datas) > 1 else None)
    field_separator = _absent_byte(datas, terminator)
    if (marker is None and len(datas) > 1) or field_separator is None:
        return _tokenize_apart(datas, separators, newline)
    end = terminator.encode("latin-1")
    if len(datas) == 1:
        buffer, marker = datas[0], marker or _MARKERS[0]  # (a marker only separates pieces)
    else:
        buffer = b"".join(data + end + marker + end for data in datas)
    raw = pl.read_csv(buffer, has_header=False, separator=field_separator, quote_char=None,
                      eol_char=terminator, new_columns=["text"], schema={"text": pl.String},
                      raise_if_empty=False).lazy()
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    segment_id = (pl.col("text").str.split_exact(separators.element, 0).struct.field("field_0")
                  .str.strip_chars_end(WHITESPACE).cast(pl.Categorical))
    if len(datas) == 1:  # one piece (a file or a chunk): fewer steps
        return _tokenize_one(raw, separators, newline, index_offset, line_offset)
    if index_offset or line_offset:
        raise ValueError("offsets apply to a single buffer only")
    if len(datas) > 1:
        is_marker = (pl.col("text") == marker.decode()).fill_null(False)
        raw = raw.with_columns(is_marker=is_marker).with_columns(
            piece=(pl.col("is_marker").cum_sum() - pl.col("is_marker")).cast(pl.UInt32),
            piece_start=pl.col("is_marker").shift(1, fill_value=True))
    else:
        raw = raw.with_columns(is_marker=pl.lit(False), piece=pl.lit(0, pl.UInt32),
                               piece_start=row == 0)
    stripped = pl.col("text").str.strip_chars_start(WHITESPACE)
    raw = raw.with_columns(stripped=stripped, newlines=_newlines("text", newline)).with_columns(
        line_number=_line_number(terminator, newline))
    segments = raw.filter(~pl.col("is_marker") & (pl.col("stripped") != "")).select(
        "piece", "line_number", "stripped", row=row,
    ).select(
        "piece",
        local_index=pl.col("row") - pl.when(pl.col("piece").ne_missing(pl.col("piece").shift(1)))
        .then(pl.col("row")).forward_fill(),
        line_number="line_number",
        text="stripped",
    ).with_columns(segment_id=segment_id).select(
        "piece", "local_index", "line_number", "segment_id", "text")
    return segments.collect(engine=IN_MEMORY)


def _tokenize_one(raw: pl.LazyFrame, separators: Separators, newline: str,
                  index_offset: int = 0, line_offset: int = 0) -> pl.DataFrame:
    """``tokenize`` for a single buffer (a file or a chunk), with two shortcuts for the usual
    shape: a newline, if any, right after each terminator (so the newlines of a row are all
    leading ones), and segment ids without trailing whitespace."""
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    terminator = separators.segment
    if terminator in "\r\n":  # one segment per line; empty lines are rows too
        lines = raw.select(text=pl.col("text").str.strip_chars_start(WHITESPACE),
                           line_number=row + (1 + line_offset))
        segments = _segment_rows(lines, separators, index_offset).collect(engine=IN_MEMORY)
    else:
        counted = raw.select(
            text=pl.col("text").str.strip_chars_start(WHITESPACE),
            newlines=_newlines("text", newline),
            leading_only=pl.col("text").str.starts_with(newline),
        )
        newlines = pl.col("newlines")
        # read as if every newline of a row were a leading one (the usual shape), checking
        # that in the same pass; otherwise count the leading ones (those stripped off)
        simple = counted.select(((newlines == 0) | ((newlines == 1) & pl.col("leading_only")))
                                .all())
        lines = counted.select("text", line_number=(1 + line_offset) + newlines.cum_sum())
        segments, simple = pl.collect_all([_segment_rows(lines, separators, index_offset),
                                           simple], engine=IN_MEMORY)
        if not simple.item():
            leading = newlines - _newlines("text", newline)
            lines = counted.select(
                "text", line_number=(1 + line_offset) + newlines.cum_sum() - newlines + leading)
            segments = _segment_rows(lines, separators, index_offset).collect(engine=IN_MEMORY)
    ids = segments.get_column("segment_id").unique().cast(pl.String).drop_nulls().to_list()
    if any(value != value.rstrip(WHITESPACE) for value in ids):  # rare: "SE *..."
        segments = segments.with_columns(segment_id=pl.col("text").str.split_exact(
            separators.element, 0).struct.field("field_0").str.strip_chars_end(WHITESPACE)
            .cast(pl.Categorical))
    return segments


def _segment_rows(lines: pl.LazyFrame, separators: Separators, index_offset: int,
                  ) -> pl.LazyFrame:
    """The non-empty rows of ``lines`` (columns ``text`` and ``line_number``) as segments."""
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    return lines.filter(pl.col("text") != "").select(
        piece=pl.lit(0, pl.UInt32), local_index=row + index_offset if index_offset else row,
        line_number="line_number",
        segment_id=pl.col("text").str.split_exact(separators.element, 0)
        .struct.field("field_0").cast(pl.Categorical),
        text="text",
    )


def _tokenize_apart(datas: list[bytes], separators: Separators, newline: str) -> pl.DataFrame:
    """Tokenize buffers that together hold every candidate field separator (or marker): each
    one alone holds hardly any, so read them in two halves, and so on."""
    if len(datas) == 1:
        raise X12Error("NOT_X12", "the file holds every ASCII control character: it is not "
                       "X12 text")
    middle = len(datas) // 2
    first = tokenize(datas[:middle], separators, newline)
    second = tokenize(datas[middle:], separators, newline).with_columns(
        pl.col("piece") + middle)
    return pl.concat([first, second])


def unreadable(data: bytes, separators: Separators) -> X12Error | None:
    """Why ``data`` cannot be tokenized (see ``tokenize``), or None."""
    if _absent_byte([data], separators.segment) is None:
        return X12Error("NOT_X12", "the file holds every ASCII control character: it is not "
                        "X12 text")
    return None


def _newlines(column: str, newline: str) -> pl.Expr:
    return pl.col(column).str.count_matches(newline, literal=True).fill_null(0).cast(pl.Int64)


def _line_number(terminator: str, newline: str, pieces: bool = True) -> pl.Expr:
    """The 1-based physical line where each segment starts (after its leading whitespace),
    counted from the start of its piece (columns ``text``, ``stripped``, ``newlines`` and,
    with ``pieces``, ``piece_start``)."""
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    if terminator in "\r\n":  # one segment per line; empty lines are rows too
        if not pieces:
            return row + 1
        return row - pl.when(pl.col("piece_start")).then(row).forward_fill() + 1
    # columns "newlines" (in "text") and "stripped"; the leading newlines are those between
    # the previous terminator and the segment
    newlines = pl.col("newlines")
    leading = newlines - _newlines("stripped", newline)
    before = newlines.cum_sum() - newlines  # newlines before the row
    if not pieces:
        return 1 + before + leading
    at_start = pl.when(pl.col("piece_start")).then(before).forward_fill()
    return 1 + before - at_start + leading


def split_elements(part: pl.DataFrame, count: int, separators: Separators) -> pl.DataFrame:
    """Add element columns e01..e<count> (empty elements are null) to a frame of segments."""
    names = [f"e{n:02d}" for n in range(count + 1)]
    if part.height == 0:  # (a frame built from its schema: no frame work)
        schema = {name: dtype for name, dtype in part.schema.items() if name != "text"}
        return pl.DataFrame(schema=schema | dict.fromkeys(names[1:], pl.String))
    return part.with_columns(
        pl.col("text").str.split_exact(separators.element, count)
        .struct.rename_fields(names).struct.unnest()
    ).drop("e00", "text").with_columns(_null_if_empty(names[1:]))


def _nonempty(value: pl.Expr) -> pl.Expr:
    return pl.when(value != "").then(value)


def _null_if_empty(columns: list[str]) -> list[pl.Expr]:
    return [_nonempty(pl.col(c)).alias(c) for c in columns]


def components(column: str, count: int, separators: Separators, prefix: str) -> pl.Expr:
    """A struct expression splitting a composite element into ``prefix``1..``prefix``<count>."""
    names = [f"{prefix}{n}" for n in range(1, count + 1)]
    return (pl.col(column).str.split_exact(separators.component, count - 1)
            .struct.rename_fields(names))


def split_components(part: pl.DataFrame, column: str, count: int, separators: Separators,
                     prefix: str) -> pl.DataFrame:
    fields = components(column, count, separators, prefix)
    names = [f"{prefix}{n}" for n in range(1, count + 1)]
    return part.with_columns(fields.struct.unnest()).with_columns(_null_if_empty(names))


def repair_components(part: pl.DataFrame, columns: list[str], separators: Separators,
                      ) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Rewrite composites written with a separator other than ISA16 (``22>B>1`` for ``22:B:1``).

    A value is repaired when it lacks the declared separator but has a short qualifier or code
    followed by another separator character. Reports one diagnostic per element and
    character, at the first segment where it occurs, with the number of values repaired.
    """
    alternates = "".join(c for c in _ALTERNATE_COMPONENTS if c not in separators.reserved())
    if not alternates or part.height == 0:
        return part, []
    pattern = r"^[A-Za-z0-9]{1,3}([" + re.escape(alternates) + r"])"
    declared = separators.component
    # a suspect lacks the declared separator and holds another one (a cheap literal test
    # before the pattern); one pass tells which columns have any
    lacking = part.select([(pl.col(c).str.contains(declared, literal=True).not_()
                            & pl.col(c).str.contains_any(list(alternates))).fill_null(False)
                           for c in columns])
    suspected = lacking.select(pl.all().any()).row(0, named=True)
    notes = []
    for column in columns:
        if not suspected[column]:
            continue
        suspects = part.filter(lacking.get_column(column))
        found = suspects.select("piece", "segment_index", "line_number", "segment_id",
                                alternate=pl.col(column).str.extract(pattern, 1)
                                ).filter(pl.col("alternate").is_not_null())
        if found.height == 0:
            continue
        firsts = found.group_by("piece", "alternate", maintain_order=True).agg(
            pl.col("segment_index", "line_number", "segment_id").first(), count=pl.len())
        shown = pl.col("alternate").replace_strict({c: repr(c) for c in alternates},
                                                   return_dtype=pl.String)
        notes.append(dx.found(firsts, "COMPONENT_SEPARATOR_MISMATCH", pl.format(
            "{}{} uses {} as component separator but ISA16 declares {} ({} value(s) read "
            "with {})", pl.col("segment_id").cast(pl.String), pl.lit(column[1:]), shown,
            pl.lit(repr(declared)), "count", shown)))
        repaired = pl.col(column)
        for char in found.get_column("alternate").unique(maintain_order=True).to_list():
            repaired = (pl.when(pl.col("__alternate") == char)
                        .then(pl.col(column).str.replace_all(char, declared, literal=True))
                        .otherwise(repaired))
        part = (part.join(found.select("segment_index", __alternate="alternate"),
                          on="segment_index", **LEFT)
                .with_columns(repaired.alias(column)).drop("__alternate"))
    return part, notes

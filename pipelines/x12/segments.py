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
        data = data.decode(encoding).lstrip("\ufeff").encode("utf-8")
        notes = (dx.one("TEXT_ENCODING", f"decoded from {encoding.upper()}"),)
    data = data.removeprefix(b"\xef\xbb\xbf")
    return Source(data=data, path=None, head=data[:head_size], notes=notes)


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
        return _isa_separators(text)
    if _ST_HEAD.match(text):
        return _st_separators(text)
    raise X12Error("NOT_X12", "not an X12 file: it does not start with an ISA or ST segment "
                   f"(starts with {text[:20]!r})", segment_index=0, line_number=1)


def _isa_separators(text: bytes) -> tuple[Separators, list[pl.DataFrame]]:
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
        notes.append(dx.one(
            "ISA_NOT_FIXED_WIDTH",
            f"ISA16 is at character {position + 2}, not 105: the ISA is not fixed width; "
            "separators read from its elements", 0, 1, "ISA"))
    separators = Separators(
        element=element.decode(), component=component.decode("latin-1"),
        segment=terminator.decode("latin-1"),
        repetition=None if repetition.isalnum() or repetition == element
        else repetition.decode("latin-1"))
    return separators, notes


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


def _absent_byte(sample: bytes) -> str:
    for candidate in ("\x01", "\x02", "\x03", "\x04", "\x05", "\x06", "\x07", "\x0b"):
        if candidate.encode() not in sample:
            return candidate
    return "\x0e"


def tokenize(source: Source, separators: Separators) -> pl.DataFrame:
    """One row per segment: segment_index, line_number, segment_id, text (the whole segment).

    Empty segments (doubled terminators, blank lines) are dropped; ``segment_index`` counts the
    others from 0. Leading whitespace (newlines and indentation after a terminator) is removed.
    """
    terminator = separators.segment
    field_separator = _absent_byte(source.head)
    options = dict(has_header=False, separator=field_separator, quote_char=None,
                   eol_char=terminator, new_columns=["text"], schema={"text": pl.String},
                   raise_if_empty=False)
    target = source.path if source.path is not None else source.data
    try:
        raw = pl.read_csv(target, **options)
    except pl.exceptions.ComputeError:  # not UTF-8: a legacy code page; keep every byte
        data = source.data if source.data is not None else source.path.read_bytes()
        raw = pl.read_csv(data.decode("cp1252", errors="replace").encode("utf-8"), **options)
    raw = raw.with_columns(_line_numbers(raw, terminator, source.head))
    segments = raw.lazy().select(
        "line_number",
        pl.col("text").str.strip_chars_start(WHITESPACE),
    ).filter(pl.col("text") != "").with_row_index("segment_index").select(
        pl.col("segment_index").cast(pl.Int64),
        "line_number",
        pl.col("text").str.split_exact(separators.element, 1).struct.field("field_0")
        .str.strip_chars_end(WHITESPACE).cast(pl.Categorical).alias("segment_id"),
        "text",
    )
    return segments.collect()


def _line_numbers(raw: pl.DataFrame, terminator: str, head: bytes) -> pl.Series:
    """The 1-based physical line where each segment starts (after its leading whitespace)."""
    if terminator in "\r\n":  # one segment per line; empty lines are rows too
        return pl.Series("line_number", range(1, raw.height + 1), pl.Int64)
    newline = "\n" if b"\n" in head else "\r"
    counts = raw.select(
        newlines=pl.col("text").str.count_matches(newline, literal=True).fill_null(0)
        .cast(pl.Int64),
        leads=pl.col("text").str.starts_with(newline)
        | pl.col("text").str.starts_with("\r" + newline))
    # Usually the only newline of a segment is the one after the previous terminator; a
    # segment holding other newlines (rare) has those counted exactly, one by one.
    leading = pl.when(pl.col("newlines") == 0).then(0).when(
        (pl.col("newlines") == 1) & pl.col("leads")).then(1)
    counts = counts.with_columns(leading=leading)
    rare = counts.select(pl.col("leading").is_null().arg_true()).to_series()
    if rare.len():
        exact = raw.select(pl.col("text").gather(rare)).select(
            pl.col("text").str.count_matches(newline, literal=True)
            - pl.col("text").str.strip_chars_start(WHITESPACE)
            .str.count_matches(newline, literal=True)).to_series().cast(pl.Int64)
        counts = counts.with_columns(counts.get_column("leading").scatter(rare, exact))
    return counts.select(
        (1 + pl.col("newlines").cum_sum() - pl.col("newlines") + pl.col("leading"))
        .alias("line_number")).to_series()


def split_elements(part: pl.DataFrame, count: int, separators: Separators) -> pl.DataFrame:
    """Add element columns e01..e<count> (empty elements are null) to a frame of segments."""
    names = [f"e{n:02d}" for n in range(count + 1)]
    return part.with_columns(
        pl.col("text").str.split_exact(separators.element, count)
        .struct.rename_fields(names).struct.unnest()
    ).drop("e00", "text").with_columns(_null_if_empty(names[1:]))


def _null_if_empty(columns: list[str]) -> list[pl.Expr]:
    return [pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in columns]


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
    lacking = part.select([pl.col(c).str.contains(declared, literal=True).not_()
                           .fill_null(False) for c in columns])
    notes = []
    for column in columns:
        suspects = part.filter(lacking.get_column(column))  # usually none: cheap
        if suspects.height == 0:
            continue
        found = suspects.select("segment_index", "line_number", "segment_id",
                                alternate=pl.col(column).str.extract(pattern, 1)
                                ).filter(pl.col("alternate").is_not_null())
        if found.height == 0:
            continue
        repaired = pl.col(column)
        for (char,), hits in found.group_by("alternate", maintain_order=True):
            first = hits.row(0, named=True)
            notes.append(dx.one(
                "COMPONENT_SEPARATOR_MISMATCH",
                f"{first['segment_id']}{column[1:]} uses {char!r} as component separator but "
                f"ISA16 declares {declared!r} ({hits.height} value(s) read with {char!r})",
                first["segment_index"], first["line_number"], first["segment_id"]))
            repaired = (pl.when(pl.col("__alternate") == char)
                        .then(pl.col(column).str.replace_all(char, declared, literal=True))
                        .otherwise(repaired))
        part = (part.join(found.select("segment_index", __alternate="alternate"),
                          on="segment_index", **LEFT)
                .with_columns(repaired.alias(column)).drop("__alternate"))
    return part, notes

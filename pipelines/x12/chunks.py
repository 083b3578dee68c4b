"""iter_x12: read a file larger than memory as a sequence of documents.

The file is read in blocks and cut just before an ST segment, so every chunk holds whole
ST..SE transactions. A chunk that starts inside an open interchange or group gets that ISA and
GS repeated in front (marked as carried, not counted twice), so its rows carry the right
control numbers; envelope counts (GE01, IEA01) are checked across chunks. Segment indexes and
line numbers are those of the whole file, so diagnostics and row keys match ``read_x12``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl

from pipelines.x12.document import X12Document, X12Error
from pipelines.x12.envelope import Carry
from pipelines.x12.reader import read_segments, read_x12
from pipelines.x12.segments import Separators, Source, detect_separators, open_source, tokenize

DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024


def iter_x12(path: Path | str, chunk_bytes: int = DEFAULT_CHUNK_BYTES,
             file_name: str | None = None) -> Iterator[X12Document]:
    """Yield documents of about ``chunk_bytes`` each (a transaction larger than that is kept
    whole). A file that cannot be read yields one document with ``error`` set."""
    path = Path(path)
    file_name = file_name or str(path)
    try:
        opened = open_source(path)
        separators, notes = detect_separators(opened.head)
    except X12Error as error:
        yield X12Document(file_name=file_name, error=error)
        return
    except OSError as error:
        yield X12Document(file_name=file_name, error=X12Error(
            "NOT_X12", f"cannot read the file: {error.strerror or error}"))
        return
    if opened.path is None or path.stat().st_size <= chunk_bytes:
        yield read_x12(path, file_name)  # small, or UTF-16 (decoded whole)
        return
    yield from _chunks(path, separators, notes, chunk_bytes, file_name, opened.head)


def _chunks(path: Path, separators: Separators, notes: list[pl.DataFrame], chunk_bytes: int,
            file_name: str, head: bytes) -> Iterator[X12Document]:
    newline = b"\n" if b"\n" in head else b"\r"
    header: pl.DataFrame | None = None  # open ISA/GS segments, carried into the next chunk
    carry = Carry()
    segment_offset = line_offset = 0
    for data, final in _blocks(path, separators, chunk_bytes):
        prefix = b""
        if header is not None and header.height:
            prefix = ("".join(text + separators.segment for text in header.get_column("text"))
                      ).encode()
        segments = tokenize(Source(data=prefix + data, path=None, head=head), separators)
        carried = header.height if header is not None else 0
        segments = _renumber(segments, header, carried, segment_offset, line_offset,
                             prefix.count(newline))
        try:
            document = read_segments(segments, separators, file_name,
                                     notes=notes if segment_offset == 0 else [],
                                     carried_rows=carried, carry=carry, final=final)
        except X12Error as error:
            yield X12Document(file_name=file_name, error=error)
            return
        yield document
        carry = document.carry
        header = _open_envelope(segments)
        segment_offset += segments.height - carried
        line_offset += data.count(newline)


def _blocks(path: Path, separators: Separators, chunk_bytes: int):
    """(bytes, is_last) cut just before an ST that is not the first of the buffer."""
    marker = b"ST" + separators.element.encode()
    terminator = separators.segment.encode()
    pending = b""
    with open(path, "rb") as handle:
        while True:
            block = handle.read(chunk_bytes)
            if not block:
                if pending:
                    yield pending, True
                return
            buffer = pending + block
            cut = _last_transaction_start(buffer, marker, terminator)
            if cut is None:
                pending = buffer
                continue
            pending = buffer[cut:]
            yield buffer[:cut], False


def _last_transaction_start(buffer: bytes, marker: bytes, terminator: bytes) -> int | None:
    first = _first_transaction_start(buffer, marker, terminator)
    position = len(buffer)
    while True:
        position = buffer.rfind(marker, 0, position)
        if position <= 0 or first is None or position <= first:
            return None
        if _after_terminator(buffer, position, terminator):
            return position


def _first_transaction_start(buffer: bytes, marker: bytes, terminator: bytes) -> int | None:
    position = -1
    while True:
        position = buffer.find(marker, position + 1)
        if position < 0:
            return None
        if position == 0 or _after_terminator(buffer, position, terminator):
            return position


def _after_terminator(buffer: bytes, position: int, terminator: bytes) -> bool:
    """Whether ``position`` starts a segment: only whitespace lies between it and a
    terminator (a newline terminator is not whitespace here)."""
    padding = bytes(c for c in b" \t\r\n" if bytes([c]) != terminator)
    return buffer[max(0, position - 64):position].rstrip(padding).endswith(terminator)


def _renumber(segments: pl.DataFrame, header: pl.DataFrame | None, carried: int,
              segment_offset: int, line_offset: int, prefix_lines: int) -> pl.DataFrame:
    """File-wide segment indexes and line numbers for a chunk's segments."""
    own = segments.slice(carried).with_columns(
        segment_index=pl.col("segment_index") - carried + segment_offset,
        line_number=pl.col("line_number") - prefix_lines + line_offset)
    if not carried:
        return own
    return pl.concat([header.select(segments.columns), own])


def _open_envelope(segments: pl.DataFrame) -> pl.DataFrame:
    """The ISA and GS segments still open at the end of a chunk."""
    envelope = segments.filter(pl.col("segment_id").is_in(["ISA", "IEA", "GS", "GE"]))
    rows = []
    last_isa = envelope.filter(pl.col("segment_id").is_in(["ISA", "IEA"])).tail(1)
    if last_isa.height and last_isa.item(0, "segment_id") == "ISA":
        rows.append(last_isa)
        last_gs = envelope.filter(pl.col("segment_id").is_in(["GS", "GE", "ISA"])).tail(1)
        if last_gs.height and last_gs.item(0, "segment_id") == "GS":
            rows.append(last_gs)
    return pl.concat(rows) if rows else segments.clear()

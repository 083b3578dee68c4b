"""read_x12_batch: many files in one vectorized pass, each read exactly as ``read_x12`` would.

A practice's inbox holds hundreds of small 835 and 837 files; reading them one by one costs a
fixed amount of work per file (hundreds of small frame operations). Here every file is cut
into *pieces* (the file, or one piece per run of interchanges declaring other separators), the
pieces sharing separators are tokenized together in one CSV read, and each group goes through
the envelope and the table builders once, with segment indexes made unique across the batch by
a per-file base. The results are cut back per file, the bases subtracted. A file that cannot be
read gets its own error; a reader defect on a group re-reads that group's files one by one, so
one bad file never affects its neighbours.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.x12 import diagnostics as dx
from pipelines.x12.document import X12Document, X12Error, table_names
from pipelines.x12.envelope import END_OF_FILE, END_OF_INTERCHANGES, PieceSpec
from pipelines.x12.reader import DEFECTS, GroupResult, money, read_failed, read_group
from pipelines.x12.segments import (
    Separators,
    as_utf8,
    detect_separators,
    differ_message,
    interchange_cuts,
    load,
    tokenize,
    unreadable,
)
from pipelines.x12.tables import X12_TABLES

HEAD_BYTES = 65536
PARALLEL_BYTES = 4 * 1024 * 1024  # a batch larger than this is read as two halves at once


@dataclass
class Piece:
    """A run of a file's bytes read with one set of separators."""

    data: bytes
    separators: Separators
    newline: str  # the character lines are counted by in this file
    line_offset: int  # physical lines before the piece in its file
    findings: tuple[tuple[str, str], ...] = ()  # (code, message) at the piece's first segment
    count: int = 0  # segments, once tokenized
    segment_offset: int = 0  # segments before the piece in its file


@dataclass
class SourceFile:
    name: str | None
    pieces: list[Piece] = field(default_factory=list)
    notes: list[pl.DataFrame] = field(default_factory=list)  # file-level diagnostics
    error: X12Error | None = None


def read_x12_batch(sources: Sequence[Path | str | bytes],
                   file_names: Sequence[str | None] | None = None) -> list[X12Document]:
    """Read many X12 files at once; per file, exactly what ``read_x12`` returns for it.

    ``sources`` are paths or bytes; ``file_names`` (default: the paths, None for bytes) name
    them in the documents. Files of any kind (835, 837P, 837I, unreadable) may be mixed.
    """
    if file_names is not None and len(file_names) != len(sources):
        raise ValueError("file_names must name every source")
    names = file_names if file_names is not None else [None] * len(sources)
    files = [open_file(source, _name(source, name))
             for source, name in zip(sources, names, strict=True)]
    return read_files(files)


def _name(source: Path | str | bytes, name: str | None) -> str | None:
    if name is not None or isinstance(source, (bytes, bytearray, memoryview)):
        return name
    return str(source)


def open_file(source: Path | str | bytes, name: str | None) -> SourceFile:
    """Bytes, separators and pieces of one file; its error when it cannot be read as X12."""
    file = SourceFile(name)
    try:
        data, file.notes = load(source)
        separators, notes = detect_separators(data[:HEAD_BYTES])
        file.notes += notes
        head = data[:HEAD_BYTES]
        file.pieces = cut(data, separators, "\n" if b"\n" in head else "\r")
    except X12Error as error:
        file.error = error
    except OSError as error:
        file.error = X12Error("NOT_X12", f"cannot read the file: {error.strerror or error}")
    except DEFECTS as error:  # a reader defect must not stop a batch: report it located
        file.error = read_failed(name, error).error
    return file


def cut(data: bytes, separators: Separators, newline: str, line_offset: int = 0,
        ) -> list[Piece]:
    """``data`` as pieces: a new one at every ISA declaring other separators."""
    cuts = interchange_cuts(data, separators)
    if not cuts:
        return [Piece(data, separators, newline, line_offset)]
    newline_byte = newline.encode()
    pieces = [Piece(data[:cuts[0].start], separators, newline, line_offset)]
    lines = line_offset + data.count(newline_byte, 0, cuts[0].start)
    for n, here in enumerate(cuts):
        end = cuts[n + 1].start if n + 1 < len(cuts) else len(data)
        findings = (("INTERCHANGE_SEPARATORS_DIFFER", differ_message(here.separators)),
                    *here.findings)
        pieces.append(Piece(data[here.start:end], here.separators, newline, lines, findings))
        lines += data.count(newline_byte, here.start, end)
    return pieces


def read_files(files: list[SourceFile]) -> list[X12Document]:
    """Documents for opened files (see ``open_file``), reading all of them together: a large
    batch as two halves on two threads when there are CPUs for it (polars releases the GIL)."""
    halves = _halves(files)
    if len(halves) == 1:
        return _read_together(files)
    with ThreadPoolExecutor(len(halves), thread_name_prefix="x12-batch") as pool:
        return [document for part in pool.map(_read_together, halves) for document in part]


def _halves(files: list[SourceFile]) -> list[list[SourceFile]]:
    sizes = [sum(len(piece.data) for piece in file.pieces) for file in files]
    total = sum(sizes)
    if total < PARALLEL_BYTES or len(files) < 2 or len(os.sched_getaffinity(0)) < 2:
        return [files]
    running, middle = 0, 0
    while middle < len(files) - 1 and running + sizes[middle] <= total / 2:
        running += sizes[middle]
        middle += 1
    middle = max(middle, 1)
    return [files[:middle], files[middle:]]


def _read_together(files: list[SourceFile]) -> list[X12Document]:
    try:
        reads = _read_groups(files)
    except DEFECTS as error:
        # A reader defect: read the files one by one, so that it hits only its own file.
        if len(files) == 1:
            return [read_failed(files[0].name, error)]
        return [_alone(file) for file in files]
    documents = []
    for number, file in enumerate(files):
        try:
            documents.append(_document(file, number, reads))
        except DEFECTS:
            documents.append(_alone(file))
    return documents


def _alone(file: SourceFile) -> X12Document:
    """One file read by itself (after a defect showed in a batch it was part of)."""
    if file.error is not None:
        return X12Document(file_name=file.name, error=file.error)
    try:
        return _document(file, 0, _read_groups([file]))
    except X12Error as error:
        return X12Document(file_name=file.name, error=error)
    except DEFECTS as error:
        return read_failed(file.name, error)


@dataclass
class GroupRead:
    """One group's result and, per piece, the file (number) and position it came from."""

    result: GroupResult
    owners: list[tuple[int, int]]
    bases: list[int]  # the base of each file in the group, ascending
    numbers: list[int]  # those files' numbers
    infos: dict[int, dict] = field(default_factory=dict)  # piece -> its row of result.pieces
    splits: dict[tuple[str, str], dict[int, pl.DataFrame]] = field(default_factory=dict)

    def rows(self, family: str, name: str, number: int) -> pl.DataFrame | None:
        """File ``number``'s rows of a table (``family`` 835/837) or of the diagnostics, with
        its own segment indexes; None when it has none."""
        key = (family, name)
        if key not in self.splits:
            frame = (self.result.diagnostics if family == "diagnostics"
                     else self.result.tables.get(family, {}).get(name))
            self.splits[key] = self._split(frame)
        return self.splits[key].get(number)

    def _split(self, frame: pl.DataFrame | None) -> dict[int, pl.DataFrame]:
        if frame is None or frame.height == 0:
            return {}
        indexes = [name for name in frame.columns if name.endswith("segment_index")]
        if len(self.numbers) == 1:
            base = self.bases[0]
            return {self.numbers[0]: frame.with_columns(pl.col(indexes) - base) if base
                    else frame}
        keys = frame.get_column("segment_index")
        bases = pl.Series(self.bases, dtype=pl.Int64)
        position = bases.search_sorted(keys, side="right") - 1
        frame = frame.with_columns(pl.col(indexes) - bases.gather(position))
        if keys.is_sorted():  # each file's rows are together: cut the frame (no copies)
            starts = keys.search_sorted(bases, side="left").to_list() + [frame.height]
            return {number: frame.slice(start, end - start) for number, start, end
                    in zip(self.numbers, starts, starts[1:], strict=False) if end > start}
        frame = frame.with_columns(__file=pl.Series(self.numbers).gather(position))
        return {key[0]: part for key, part in frame.partition_by(
            "__file", as_dict=True, include_key=False, maintain_order=True).items()}


def _read_groups(files: list[SourceFile]) -> dict[tuple[int, int], tuple[GroupRead, int]]:
    """Tokenize and read every group of pieces; (file, position) -> (its group, its piece)."""
    groups: dict[tuple[Separators, str], list[tuple[int, int]]] = {}
    for number, file in enumerate(files):
        if file.error is None:
            for position, piece in enumerate(file.pieces):
                groups.setdefault((piece.separators, piece.newline), []).append(
                    (number, position))
    tokenized = {key: _tokenize(files, key, members) for key, members in groups.items()}
    bases = _place(files)
    reads: dict[tuple[int, int], tuple[GroupRead, int]] = {}
    for key, members in groups.items():
        read = _read(files, bases, key[0], tokenized.pop(key), members)
        if read is not None:
            for piece, owner in enumerate(read.owners):
                reads[owner] = (read, piece)
    return reads


def _tokenize(files: list[SourceFile], key: tuple[Separators, str],
              members: list[tuple[int, int]]) -> pl.DataFrame:
    separators, newline = key
    pieces = [files[number].pieces[position] for number, position in members]
    datas = [as_utf8(piece.data) for piece in pieces]
    for data, (number, _) in zip(datas, members, strict=True):
        error = unreadable(data, separators)
        if error is not None:
            files[number].error = error
    readable = [n for n, (number, _) in enumerate(members) if files[number].error is None]
    if len(readable) < len(datas):  # left out: rows of piece n are counted for members[n]
        segments = tokenize([datas[n] for n in readable], separators, newline).with_columns(
            pl.col("piece").replace_strict(dict(enumerate(readable)), return_dtype=pl.UInt32))
    else:
        segments = tokenize(datas, separators, newline)
    for piece, count in segments.group_by("piece").len().iter_rows():
        pieces[piece].count = count
    return segments


def _place(files: list[SourceFile]) -> list[int]:
    """Segment offsets of each piece in its file, and each file's base in the batch (where its
    first segment is numbered). A readable file without any segment is empty."""
    bases, base = [], 0
    for file in files:
        bases.append(base)
        if file.error is not None:
            continue
        offset = 0
        for piece in file.pieces:
            piece.segment_offset = offset
            offset += piece.count
        if offset == 0:
            file.error = X12Error("EMPTY_FILE", "the file holds no segments")
        base += offset
    return bases


def _read(files: list[SourceFile], bases: list[int], separators: Separators,
          tokenized: pl.DataFrame, members: list[tuple[int, int]]) -> GroupRead | None:
    """``read_group`` over the tokenized pieces of the readable files among ``members``:
    batch indexes are the file's base plus the position in the file."""
    keep = [n for n, (number, _) in enumerate(members) if files[number].error is None]
    if not keep:
        return None
    if len(keep) < len(members):
        tokenized = tokenized.filter(pl.col("piece").is_in(keep)).with_columns(
            pl.col("piece").replace_strict({old: new for new, old in enumerate(keep)},
                                           return_dtype=pl.UInt32))
        members = [members[n] for n in keep]
    starts, lines, specs = [], [], []
    for number, position in members:
        file, piece = files[number], files[number].pieces[position]
        starts.append(bases[number] + piece.segment_offset)
        lines.append(piece.line_offset)
        last = position == len(file.pieces) - 1
        specs.append(PieceSpec(END_OF_FILE if last else END_OF_INTERCHANGES,
                               len(file.pieces) == 1, bases[number]))
    segments = tokenized.select(
        "piece",
        segment_index=pl.col("local_index") + _per_piece(starts, "local_index"),
        line_number=pl.col("line_number") + _per_piece(lines, "line_number"),
        segment_id="segment_id", text="text")
    numbers = sorted({number for number, _ in members})
    read = GroupRead(read_group(segments, separators, specs), members,
                     [bases[number] for number in numbers], numbers)
    read.infos = {row["piece"]: row for row in read.result.pieces.iter_rows(named=True)}
    return read


def _per_piece(values: list[int], like: str) -> pl.Expr:
    """A per-piece constant as an expression (a literal when all pieces share it)."""
    if len(set(values)) == 1:
        return pl.lit(values[0], pl.Int64)
    return pl.lit(pl.Series(values, dtype=pl.Int64)).gather(pl.col("piece"))


def _document(file: SourceFile, number: int,
              reads: dict[tuple[int, int], tuple[GroupRead, int]]) -> X12Document:
    if file.error is not None:
        return X12Document(file_name=file.name, error=file.error)
    parts = [reads[(number, position)] for position in range(len(file.pieces))]
    base = parts[0][0].bases[parts[0][0].numbers.index(number)]
    for read, piece in parts:
        if piece in read.result.errors:
            return X12Document(file_name=file.name, error=read.result.errors[piece])
    infos = [read.infos[piece] for read, piece in parts if piece in read.infos]
    sets = [info["transaction_set"] for info in infos if info["transaction_set"] is not None]
    if len(set(sets)) > 1:
        other = next(info for info in infos if info["transaction_set"] != sets[0])
        return X12Document(file_name=file.name, error=X12Error(
            "MIXED_TRANSACTIONS", f"the file mixes transaction sets {sets[0]}, "
            f"{other['transaction_set']}", segment_index=other["first_tx"] - base,
            line_number=other["st_line"], segment_id="ST"))
    first = next((info for info in infos if info["transaction_set"] is not None), None)
    if first is None:
        return X12Document(file_name=file.name, error=X12Error(
            "NO_TRANSACTIONS", "the file holds no ST transaction set", segment_index=0,
            line_number=1, segment_id="ISA"))
    kind = first["kind"]
    family = "835" if kind == "835" else "837"
    groups = list({id(read): read for read, _ in parts}.values())
    tables = {}
    for name in table_names(kind):
        frames = [frame for read in groups
                  if (frame := read.rows(family, name, number)) is not None]
        tables[name] = (frames[0] if len(frames) == 1 else pl.concat(frames) if frames
                        else _empty(name))
    notes = list(file.notes)
    for piece in file.pieces[1:]:
        notes += [dx.one(code, message, piece.segment_offset, piece.line_offset + 1, "ISA")
                  for code, message in piece.findings]
    notes += [frame for read in groups
              if (frame := read.rows("diagnostics", "diagnostics", number)) is not None]
    return X12Document(
        file_name=file.name,
        kind=kind,
        version=first["version"] if first else None,
        interchanges=sum(info["interchanges"] for info in infos),
        transactions=sum(info["transactions"] for info in infos),
        claims=sum(info["claims"] or 0 for info in infos),
        service_lines=sum(info["service_lines"] or 0 for info in infos),
        total_charge=money(_sum(info["total_charge"] for info in infos)),
        total_paid=money(_sum(info["total_paid"] for info in infos)) if kind == "835" else None,
        tables=tables,
        diagnostics_table=notes[0] if len(notes) == 1 else dx.combine(notes),
    )


def _sum(values):
    present = [value for value in values if value is not None]
    return sum(present[1:], start=present[0]) if present else None


_EMPTY: dict[str, pl.DataFrame] = {}


def _empty(name: str) -> pl.DataFrame:
    if name not in _EMPTY:
        _EMPTY[name] = pl.DataFrame(schema=X12_TABLES[name])
    return _EMPTY[name].clear()

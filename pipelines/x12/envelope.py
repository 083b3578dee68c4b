"""The ISA/GS/ST envelope: which transaction each segment belongs to, and its integrity.

Everything here works on the few envelope segments plus one forward fill over all segments,
so a file with a hundred thousand transactions costs the same as one with one, and a batch of a
thousand files costs the same as one file: the segments of many *pieces* (a file, or a run of
its interchanges that share separators, or a chunk of a large file) are read at once, and a
piece that cannot be read gets its own ``X12Error`` without touching the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from pipelines.x12 import diagnostics as dx
from pipelines.x12.document import X12Error
from pipelines.x12.frames import LEFT, without_sentinel
from pipelines.x12.segments import Separators, split_elements

ENVELOPE_IDS = ("ISA", "GS", "ST", "SE", "GE", "IEA")
SUPPORTED = {"837", "835"}
# How a piece ends: at the end of its file (an open ST/GS/ISA there means the file is
# truncated), before another interchange of the same file (an open one is a warning), or at
# the end of a chunk of a large file (open ones continue in the next chunk).
END_OF_FILE, END_OF_INTERCHANGES, END_OF_CHUNK = "file", "interchanges", "chunk"


@dataclass
class Carry:
    """Counts of the interchange and group still open at the end of a chunk (see iter_x12)."""

    groups_in_interchange: dict[int, int] = field(default_factory=dict)  # ISA index -> GS seen
    transactions_in_group: dict[int, int] = field(default_factory=dict)  # GS index -> ST seen


@dataclass(frozen=True)
class PieceSpec:
    """What the envelope needs to know about one piece besides its segments."""

    end: str  # END_OF_FILE, END_OF_INTERCHANGES or END_OF_CHUNK
    alone: bool  # the only piece of its file: a piece without ST is then an error
    offset: int  # subtract from a segment_index to get its position in the file (messages)


@dataclass
class Envelope:
    transactions: pl.DataFrame  # one row per ST: tx_index, piece and the envelope columns
    pieces: pl.DataFrame  # one row per piece read: kind, version, interchanges, transactions
    errors: dict[int, X12Error]  # piece -> why it cannot be read
    diagnostics: list[pl.DataFrame]
    carry: Carry


def _int(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars().cast(pl.Int64, strict=False)


def _first_of_piece() -> pl.Expr:
    return pl.col("piece").ne_missing(pl.col("piece").shift(1))


def _last_of_piece() -> pl.Expr:
    return pl.col("piece").ne_missing(pl.col("piece").shift(-1))


def read_envelope(segments: pl.DataFrame, separators: Separators, specs: list[PieceSpec], *,
                  carried_rows: int = 0, carry: Carry | None = None,
                  ) -> tuple[pl.DataFrame, Envelope]:
    """Add ``tx_index`` (the ST segment_index, null outside ST..SE) to every segment, check
    the envelope of every piece, and drop the segments of pieces that cannot be read (their
    ``X12Error`` is in ``Envelope.errors``)."""
    carry = carry or Carry()
    many = len(specs) > 1
    after_se = (pl.col("segment_id") == "SE").shift(1, fill_value=False)
    outside = after_se | pl.col("segment_id").is_in(["GS", "GE", "ISA", "IEA"])
    segments = segments.with_columns(tx_index=without_sentinel(
        pl.when(pl.col("segment_id") == "ST").then(pl.col("segment_index"))
        .when((outside | _first_of_piece()) if many else outside).then(-1)
        .forward_fill()))

    env = _envelope_segments(segments, separators, carried_rows)
    # An ISA that does not declare the separators its piece is read with (one whose own
    # separators could not be read: a new piece starts at every readable one) is reported.
    notes = _unreadable_interchanges(segments, env, separators)
    all_env = env
    env = env.filter(_readable_isa(separators))

    errors = _unreadable_pieces(segments, env, all_env, specs)
    if errors:
        segments, env = _without(segments, errors), _without(env, errors)
    transactions = _transactions(env)
    pieces = _pieces(env, transactions)
    dental = _dental(pieces, specs)
    if dental:
        errors.update(dental)
        segments, env = _without(segments, dental), _without(env, dental)
        transactions, pieces = _without(transactions, dental), _without(pieces, dental)

    notes += _check_truncation(env, specs)
    notes += _check_transactions(env)
    notes += _check_groups(env, carry)
    notes += _check_interchanges(env, carry)
    notes += _check_outside(segments)
    return segments, Envelope(transactions, pieces, errors, notes, _next_carry(env, carry))


def carry_after(segments: pl.DataFrame, separators: Separators, carried_rows: int,
                carry: Carry | None) -> Carry:
    """The ``Envelope.carry`` that ``read_envelope`` will find for these segments, from the
    envelope segments alone: the next chunk can be read before this one is."""
    env = _envelope_segments(segments, separators, carried_rows)
    return _next_carry(env.filter(_readable_isa(separators)), carry or Carry())


def _envelope_segments(segments: pl.DataFrame, separators: Separators, carried_rows: int,
                       ) -> pl.DataFrame:
    """The ISA/GS/ST/SE/GE/IEA segments, split, with the ISA and GS each belongs to."""
    env = split_elements(
        segments.filter(pl.col("segment_id").is_in(ENVELOPE_IDS)), 16, separators)
    carried = (pl.col("segment_index").is_in(
        segments.head(carried_rows).get_column("segment_index").implode())
        if carried_rows else pl.lit(False))
    return env.with_columns(
        carried=carried,
        isa_index=without_sentinel(
            pl.when(pl.col("segment_id") == "ISA").then(pl.col("segment_index"))
            .when(_first_of_piece()).then(-1).forward_fill()),
        gs_index=without_sentinel(
            pl.when(pl.col("segment_id") == "GS").then(pl.col("segment_index"))
            .when(pl.col("segment_id").is_in(["ISA", "IEA"]) | _first_of_piece()).then(-1)
            .forward_fill()),
    )


def _readable_isa(separators: Separators) -> pl.Expr:
    return (pl.col("segment_id") != "ISA") | (pl.col("e16") == separators.component)


def _without(frame: pl.DataFrame, errors: dict[int, X12Error]) -> pl.DataFrame:
    return frame.filter(~pl.col("piece").is_in(list(errors)))


def _error_at(row: dict, spec: PieceSpec, code: str, message: str) -> X12Error:
    index = row.get("segment_index")
    return X12Error(code, message, segment_index=None if index is None else index - spec.offset,
                    line_number=row.get("line_number"), segment_id=row.get("segment_id"))


def _unreadable_pieces(segments: pl.DataFrame, env: pl.DataFrame, all_env: pl.DataFrame,
                       specs: list[PieceSpec]) -> dict[int, X12Error]:
    """Pieces that cannot be read, each with the first reason in this order: no transaction,
    an unsupported or mixed transaction set, the file ending inside an ST, GS or ISA."""
    errors: dict[int, X12Error] = {}
    starts = env.filter(pl.col("segment_id") == "ST")
    with_st = set(starts.get_column("piece").unique().to_list())
    if len(with_st) < len(specs):
        _no_transactions(segments, all_env, specs, with_st, errors)

    unsupported = starts.filter(~pl.col("e01").is_in(SUPPORTED) | pl.col("e01").is_null())
    for row in unsupported.unique("piece", keep="first", maintain_order=True).iter_rows(
            named=True):
        errors.setdefault(row["piece"], _error_at(
            row, specs[row["piece"]], "UNSUPPORTED_TRANSACTION",
            f"unsupported transaction set {row['e01']!r}: revaudit reads 837 and 835 only"))
    mixed = starts.with_columns(first_set=pl.col("e01").first().over("piece")).filter(
        pl.col("e01") != pl.col("first_set")).unique("piece", keep="first", maintain_order=True)
    for row in mixed.iter_rows(named=True):
        errors.setdefault(row["piece"], _error_at(
            row, specs[row["piece"]], "MIXED_TRANSACTIONS",
            f"the file mixes transaction sets {row['first_set']}, {row['e01']}"))

    at_end = [n for n, spec in enumerate(specs) if spec.end == END_OF_FILE]
    if at_end:
        last = segments.filter(_last_of_piece() & pl.col("piece").is_in(at_end)).select(
            "piece", "segment_index", "line_number", "segment_id")
        last_rows = {row["piece"]: row for row in last.iter_rows(named=True)}
        for opener, closer, rows in _open_at_end(env):
            for row in rows.filter(pl.col("piece").is_in(at_end)).iter_rows(named=True):
                piece = row["piece"]
                end = last_rows[piece]
                errors.setdefault(piece, _error_at(
                    end, specs[piece], "TRUNCATED",
                    f"the file is truncated: {opener} at segment "
                    f"{row['segment_index'] - specs[piece].offset} has no {closer} "
                    f"(the file ends with {end['segment_id']})"))
    return errors


def _no_transactions(segments: pl.DataFrame, env: pl.DataFrame, specs: list[PieceSpec],
                     with_st: set[int], errors: dict[int, X12Error]) -> None:
    """A piece without any ST: truncated after its ISA, or a file without transactions. (A
    piece without ST beside others of the same file, an empty interchange, is fine.)"""
    empty = [n for n, spec in enumerate(specs) if n not in with_st and spec.alone]
    if not empty:
        return
    ends = segments.filter((_first_of_piece() | _last_of_piece())
                           & pl.col("piece").is_in(empty)).select(
        "piece", "segment_index", "line_number", "segment_id")
    for piece in empty:
        rows = ends.filter(pl.col("piece") == piece).to_dicts()
        if not rows:
            continue
        first, last = rows[0], rows[-1]
        ids = set(env.filter(pl.col("piece") == piece).get_column("segment_id").to_list())
        if last["segment_id"] == "ISA" or (specs[piece].end == END_OF_FILE and "IEA" not in ids
                                           and "ISA" in ids):
            errors[piece] = _error_at(
                last, specs[piece], "TRUNCATED",
                f"the file is truncated: it ends with {last['segment_id']} and holds no GS, ST "
                "or IEA after the ISA")
        else:
            errors[piece] = _error_at(first, specs[piece], "NO_TRANSACTIONS",
                                      "the file holds no ST transaction set")


def _unclosed(env: pl.DataFrame, opener: str, closer: str, key: str) -> pl.DataFrame:
    """``opener`` rows not closed by a ``closer``, with ``is_last``: the piece's last opener."""
    opened = env.filter(pl.col("segment_id").is_in([opener, closer]))
    closed = opened.filter(pl.col("segment_id") == closer).get_column(key)
    return opened.filter(pl.col("segment_id") == opener).with_columns(
        is_last=_last_of_piece()).filter(~pl.col(key).is_in(closed.implode()))


def _open_at_end(env: pl.DataFrame):
    """(opener, closer, rows) for the ST, GS and ISA each piece ends inside of."""
    for opener, closer, key in (("ST", "SE", "tx_index"), ("GS", "GE", "gs_index"),
                                ("ISA", "IEA", "isa_index")):
        yield opener, closer, _unclosed(env, opener, closer, key).filter("is_last")


def _check_truncation(env: pl.DataFrame, specs: list[PieceSpec]) -> list[pl.DataFrame]:
    """Unclosed ST, GS or ISA inside a piece (a warning); one still open at the end of a chunk
    continues in the next one (the end of a file was checked by ``_unreadable_pieces``)."""
    chunks = [n for n, spec in enumerate(specs) if spec.end == END_OF_CHUNK]
    notes = []
    for opener, closer, key in (("ST", "SE", "tx_index"), ("GS", "GE", "gs_index"),
                                ("ISA", "IEA", "isa_index")):
        unclosed = _unclosed(env, opener, closer, key)
        if chunks:
            unclosed = unclosed.filter(~(pl.col("is_last") & pl.col("piece").is_in(chunks)))
        notes.append(dx.found(unclosed, "TRAILER_MISSING",
                              f"{opener} is not closed by {closer}"))
    return notes


def _check_transactions(env: pl.DataFrame) -> list[pl.DataFrame]:
    st = env.filter(pl.col("segment_id") == "ST").select(
        tx_index="segment_index", st02="e02")
    # segments are numbered without gaps, so ST..SE holds SE index - ST index + 1 segments
    se = env.filter(pl.col("segment_id") == "SE").select(
        "tx_index", "segment_index", "line_number", "segment_id", "e01", "e02",
    ).join(st, on="tx_index", **LEFT).with_columns(
        len=pl.col("segment_index") - pl.col("tx_index") + 1)
    wrong_count = se.filter(_int("e01").is_null() | (_int("e01") != pl.col("len")))
    wrong_control = se.filter(pl.col("e02").is_null() | (pl.col("e02") != pl.col("st02")))
    return [
        dx.found(wrong_count, "SE_COUNT_MISMATCH", pl.format(
            "SE01 is {} but the transaction has {} segments", pl.col("e01").fill_null("empty"),
            pl.col("len"))),
        dx.found(wrong_control, "SE_CONTROL_MISMATCH", pl.format(
            "SE02 {} differs from ST02 {}", pl.col("e02").fill_null("(empty)"),
            pl.col("st02").fill_null("(empty)"))),
    ]


def _check_groups(env: pl.DataFrame, carry: Carry) -> list[pl.DataFrame]:
    carried = pl.DataFrame(
        {"gs_index": list(carry.transactions_in_group),
         "carried_count": list(carry.transactions_in_group.values())},
        schema={"gs_index": pl.Int64, "carried_count": pl.Int64})
    counts = env.filter(pl.col("segment_id") == "ST").group_by("gs_index").len()
    gs = env.filter(pl.col("segment_id") == "GS").select("gs_index", gs06="e06")
    ge = (env.filter(pl.col("segment_id") == "GE")
          .join(gs, on="gs_index", **LEFT).join(counts, on="gs_index", **LEFT)
          .join(carried, on="gs_index", **LEFT)
          .with_columns(st_count=pl.col("len").fill_null(0) + pl.col("carried_count")
                        .fill_null(0)))
    return [
        dx.found(ge.filter(_int("e01").is_null() | (_int("e01") != pl.col("st_count"))),
                 "GE_COUNT_MISMATCH", pl.format(
                     "GE01 is {} but the group has {} transactions",
                     pl.col("e01").fill_null("empty"), pl.col("st_count"))),
        dx.found(ge.filter(pl.col("gs06").is_not_null()
                           & (pl.col("e02").is_null() | (pl.col("e02") != pl.col("gs06")))),
                 "GE_CONTROL_MISMATCH", pl.format(
                     "GE02 {} differs from GS06 {}", pl.col("e02").fill_null("(empty)"),
                     pl.col("gs06"))),
    ]


def _check_interchanges(env: pl.DataFrame, carry: Carry) -> list[pl.DataFrame]:
    carried = pl.DataFrame(
        {"isa_index": list(carry.groups_in_interchange),
         "carried_count": list(carry.groups_in_interchange.values())},
        schema={"isa_index": pl.Int64, "carried_count": pl.Int64})
    counts = env.filter((pl.col("segment_id") == "GS") & ~pl.col("carried")).group_by(
        "isa_index").len()
    isa = env.filter(pl.col("segment_id") == "ISA").select(
        "isa_index", isa13=pl.col("e13").str.strip_chars())
    iea = (env.filter(pl.col("segment_id") == "IEA")
           .join(isa, on="isa_index", **LEFT).join(counts, on="isa_index", **LEFT)
           .join(carried, on="isa_index", **LEFT)
           .with_columns(gs_count=pl.col("len").fill_null(0) + pl.col("carried_count")
                         .fill_null(0)))
    return [
        dx.found(iea.filter(_int("e01").is_null() | (_int("e01") != pl.col("gs_count"))),
                 "IEA_COUNT_MISMATCH", pl.format(
                     "IEA01 is {} but the interchange has {} functional groups",
                     pl.col("e01").fill_null("empty"), pl.col("gs_count"))),
        dx.found(iea.filter(pl.col("isa13").is_not_null() & (
            pl.col("e02").is_null() | (pl.col("e02").str.strip_chars() != pl.col("isa13")))),
                 "IEA_CONTROL_MISMATCH", pl.format(
                     "IEA02 {} differs from ISA13 {}", pl.col("e02").fill_null("(empty)"),
                     pl.col("isa13"))),
    ]


def _check_outside(segments: pl.DataFrame) -> list[pl.DataFrame]:
    outside = segments.filter(pl.col("tx_index").is_null()
                              & ~pl.col("segment_id").is_in(ENVELOPE_IDS))
    return [dx.found(outside, "SEGMENT_OUTSIDE_TRANSACTION", pl.format(
        "{} lies outside any ST..SE transaction", pl.col("segment_id")))]


def _unreadable_interchanges(segments: pl.DataFrame, env: pl.DataFrame,
                             separators: Separators) -> list[pl.DataFrame]:
    """ISA segments whose own separators could not be read (a piece starts at every ISA whose
    separators can be read): their interchange is read with the separators before them."""
    ids = segments.get_column("segment_id").unique().cast(pl.String).to_list()
    foreign_ids = [i for i in ids if i and i.startswith("ISA") and i != "ISA"]
    foreign = segments.filter(pl.col("segment_id").is_in(foreign_ids)) if foreign_ids else (
        segments.clear())
    other_ends = env.filter((pl.col("segment_id") == "ISA")
                            & (pl.col("e16").is_null()
                               | (pl.col("e16") != separators.component)))
    message = ("this ISA does not declare readable separators; the segments after it are "
               "read with the separators of the interchange before it")
    return [
        dx.found(foreign, "INTERCHANGE_SEPARATORS_DIFFER", message),
        dx.found(other_ends, "INTERCHANGE_SEPARATORS_DIFFER", message),
    ]


def _transactions(env: pl.DataFrame) -> pl.DataFrame:
    isa = env.filter(pl.col("segment_id") == "ISA").select(
        "isa_index", interchange_control_number=pl.col("e13").str.strip_chars())
    gs = env.filter(pl.col("segment_id") == "GS").select(
        "gs_index", group_control_number="e06", gs08="e08")
    return (env.filter(pl.col("segment_id") == "ST")
            .join(isa, on="isa_index", **LEFT).join(gs, on="gs_index", **LEFT)
            .select(
                tx_index="segment_index",
                transaction_set="e01",
                interchange_control_number="interchange_control_number",
                group_control_number="group_control_number",
                transaction_control_number="e02",
                implementation_version=pl.coalesce("gs08", "e03"),
                piece="piece",
                st_line="line_number",
            ))


def _pieces(env: pl.DataFrame, transactions: pl.DataFrame) -> pl.DataFrame:
    """Per piece: kind and version (of its first transaction), interchanges, transactions.

    ``kind`` is null for an 837 piece whose transactions carry no version at all (the table
    builder then tells 837P from 837I by its service segments)."""
    version = pl.col("implementation_version")
    first = transactions.group_by("piece", maintain_order=True).agg(
        pl.col("transaction_set").first(), version.first().alias("version"),
        pl.col("tx_index").first().alias("first_tx"), pl.col("st_line").first(),
        version.is_not_null().any().alias("versioned"), pl.len().alias("transactions"))
    kind = (pl.when(pl.col("transaction_set") == "835").then(pl.lit("835"))
            .when(~pl.col("versioned")).then(pl.lit(None, pl.String))
            .when(pl.col("version").str.contains("X223", literal=True)).then(pl.lit("837I"))
            .otherwise(pl.lit("837P")))
    interchanges = env.group_by("piece", maintain_order=True).agg(interchanges=(
        (pl.col("segment_id") == "ISA") & ~pl.col("carried")).sum().cast(pl.Int64))
    return interchanges.join(first.with_columns(kind=kind), on="piece", **LEFT).with_columns(
        pl.col("transactions").fill_null(0).cast(pl.Int64))


def _dental(pieces: pl.DataFrame, specs: list[PieceSpec]) -> dict[int, X12Error]:
    dental = pieces.filter((pl.col("transaction_set") != "835")
                           & pl.col("version").str.contains("X224", literal=True))
    return {row["piece"]: X12Error(
        "UNSUPPORTED_TRANSACTION",
        f"837 dental ({row['version']}) is not supported: revaudit reads 837P and 837I",
        segment_index=row["first_tx"] - specs[row["piece"]].offset, segment_id="ST")
        for row in dental.iter_rows(named=True)}


def _next_carry(env: pl.DataFrame, carry: Carry) -> Carry:
    """Counts for the interchange and group still open after this chunk."""
    isa_open = env.filter(pl.col("segment_id").is_in(["ISA", "IEA"])).tail(1)
    gs_open = env.filter(pl.col("segment_id").is_in(["GS", "GE", "ISA", "IEA"])).tail(1)
    result = Carry()
    if isa_open.height and isa_open.item(0, "segment_id") == "ISA":
        isa_index = isa_open.item(0, "segment_index")
        seen = env.filter((pl.col("segment_id") == "GS") & ~pl.col("carried")
                          & (pl.col("isa_index") == isa_index)).height
        result.groups_in_interchange[isa_index] = (
            carry.groups_in_interchange.get(isa_index, 0) + seen)
    if gs_open.height and gs_open.item(0, "segment_id") == "GS":
        gs_index = gs_open.item(0, "segment_index")
        seen = env.filter((pl.col("segment_id") == "ST") & (pl.col("gs_index") == gs_index)
                          ).height
        result.transactions_in_group[gs_index] = (
            carry.transactions_in_group.get(gs_index, 0) + seen)
    return result

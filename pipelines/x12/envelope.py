"""The ISA/GS/ST envelope: which transaction each segment belongs to, and its integrity.

Everything here works on the few envelope segments plus one forward fill over all segments,
so a file with a hundred thousand transactions costs the same as one with one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from pipelines.x12 import diagnostics as dx
from pipelines.x12.document import X12Error
from pipelines.x12.frames import LEFT
from pipelines.x12.segments import Separators, split_elements

ENVELOPE_IDS = ("ISA", "GS", "ST", "SE", "GE", "IEA")
SUPPORTED = {"837", "835"}


@dataclass
class Carry:
    """Counts of the interchange and group still open at the end of a chunk (see iter_x12)."""

    groups_in_interchange: dict[int, int] = field(default_factory=dict)  # ISA index -> GS seen
    transactions_in_group: dict[int, int] = field(default_factory=dict)  # GS index -> ST seen


@dataclass
class Envelope:
    transactions: pl.DataFrame  # one row per ST: tx_index and the envelope columns
    interchanges: int
    kind: str
    version: str | None
    diagnostics: list[pl.DataFrame]
    carry: Carry


def _int(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars().cast(pl.Int64, strict=False)


def read_envelope(segments: pl.DataFrame, separators: Separators, *, carried_rows: int = 0,
                  carry: Carry | None = None, final: bool = True,
                  ) -> tuple[pl.DataFrame, Envelope]:
    """Add ``tx_index`` (the ST segment_index, null outside ST..SE) to every segment and
    check the envelope. Raises ``X12Error`` when the file cannot be read as 837/835."""
    carry = carry or Carry()
    env = split_elements(
        segments.filter(pl.col("segment_id").is_in(ENVELOPE_IDS)), 16, separators)
    env = env.with_columns(carried=pl.col("segment_index").is_in(
        segments.head(carried_rows).get_column("segment_index").implode()))
    starts = env.filter(pl.col("segment_id") == "ST")
    if starts.height == 0:
        last = segments.row(segments.height - 1, named=True)
        if last["segment_id"] == "ISA" or (final and env.filter(
                pl.col("segment_id") == "IEA").height == 0 and env.filter(
                pl.col("segment_id") == "ISA").height):
            raise X12Error("TRUNCATED", f"the file is truncated: it ends with "
                           f"{last['segment_id']} and holds no GS, ST or IEA after the ISA",
                           segment_index=last["segment_index"],
                           line_number=last["line_number"], segment_id=last["segment_id"])
        first = segments.row(0, named=True)
        raise X12Error("NO_TRANSACTIONS", "the file holds no ST transaction set",
                       segment_index=first.get("segment_index"),
                       line_number=first.get("line_number"), segment_id=first.get("segment_id"))
    _check_supported(starts)

    after_se = (pl.col("segment_id") == "SE").shift(1, fill_value=False)
    segments = segments.with_columns(
        tx_index=pl.when(pl.col("segment_id") == "ST").then(pl.col("segment_index"))
        .when(after_se | pl.col("segment_id").is_in(["GS", "GE", "ISA", "IEA"])).then(-1)
        .forward_fill().replace(-1, None))

    env = env.with_columns(
        isa_index=pl.when(pl.col("segment_id") == "ISA").then(pl.col("segment_index"))
        .forward_fill(),
        gs_index=pl.when(pl.col("segment_id") == "GS").then(pl.col("segment_index"))
        .when(pl.col("segment_id").is_in(["ISA", "IEA"])).then(-1)
        .forward_fill().replace(-1, None),
    )
    notes: list[pl.DataFrame] = _check_foreign_interchanges(segments, env, separators)
    env = env.filter((pl.col("segment_id") != "ISA") | (pl.col("e16") == separators.component))
    notes += _check_truncation(segments, env, final)
    notes += _check_transactions(segments, env)
    notes += _check_groups(env, carry)
    notes += _check_interchanges(env, carry)
    notes += _check_outside(segments)

    transactions = _transactions(env)
    kind, version = _kind(transactions)
    interchanges = env.filter((pl.col("segment_id") == "ISA") & ~pl.col("carried")).height
    return segments, Envelope(transactions, interchanges, kind, version, notes,
                              _next_carry(env, carry))


def _check_supported(starts: pl.DataFrame) -> None:
    unsupported = starts.filter(~pl.col("e01").is_in(SUPPORTED) | pl.col("e01").is_null())
    if unsupported.height:
        row = unsupported.row(0, named=True)
        raise X12Error(
            "UNSUPPORTED_TRANSACTION",
            f"unsupported transaction set {row['e01']!r}: revaudit reads 837 and 835 only",
            segment_index=row["segment_index"], line_number=row["line_number"],
            segment_id="ST")
    sets = starts.get_column("e01").unique(maintain_order=True).to_list()
    if len(sets) > 1:
        row = starts.filter(pl.col("e01") == sets[1]).row(0, named=True)
        raise X12Error("MIXED_TRANSACTIONS",
                       f"the file mixes transaction sets {', '.join(sets)}",
                       segment_index=row["segment_index"], line_number=row["line_number"],
                       segment_id="ST")


def _check_truncation(segments: pl.DataFrame, env: pl.DataFrame, final: bool
                      ) -> list[pl.DataFrame]:
    """Unclosed ST, GS or ISA: an error at the end of the file, a warning inside it."""
    notes = []
    last = segments.row(segments.height - 1, named=True)
    for opener, closer, index in (("ST", "SE", None), ("GS", "GE", "gs_index"),
                                  ("ISA", "IEA", "isa_index")):
        if index is None:
            opened = segments.filter(pl.col("segment_id").is_in([opener, closer]))
            key = "tx_index"
        else:
            opened = env.filter(pl.col("segment_id").is_in([opener, closer]))
            key = index
        closed = opened.filter(pl.col("segment_id") == closer).get_column(key)
        unclosed = opened.filter((pl.col("segment_id") == opener)
                                 & ~pl.col(key).is_in(closed.implode()))
        if unclosed.height == 0:
            continue
        last_open = unclosed.row(unclosed.height - 1, named=True)
        is_last = not opened.filter(pl.col("segment_index") > last_open["segment_index"]
                                    ).filter(pl.col("segment_id") == opener).height
        if is_last and final:
            raise X12Error(
                "TRUNCATED",
                f"the file is truncated: {opener} at segment {last_open['segment_index']} "
                f"has no {closer} (the file ends with {last['segment_id']})",
                segment_index=last["segment_index"], line_number=last["line_number"],
                segment_id=last["segment_id"])
        if is_last:
            unclosed = unclosed.head(unclosed.height - 1)
        notes.append(dx.found(unclosed, "TRAILER_MISSING",
                              f"{opener} is not closed by {closer}"))
    return notes


def _check_transactions(segments: pl.DataFrame, env: pl.DataFrame) -> list[pl.DataFrame]:
    st = env.filter(pl.col("segment_id") == "ST").select(
        tx_index="segment_index", st02="e02")
    # segments are numbered without gaps, so ST..SE holds SE index - ST index + 1 segments
    se = segments.filter(pl.col("segment_id") == "SE").select(
        "tx_index", "segment_index").join(
        env.select("segment_index", "line_number", "segment_id", "e01", "e02"),
        on="segment_index").join(st, on="tx_index", **LEFT).with_columns(
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


def _check_foreign_interchanges(segments: pl.DataFrame, env: pl.DataFrame,
                                separators: Separators) -> list[pl.DataFrame]:
    """An ISA declaring other separators than the first one cannot be split with them: its
    interchange is not read, and that is an error-level finding, not a silent loss."""
    ids = segments.get_column("segment_id").cast(pl.String).unique().to_list()
    foreign_ids = [i for i in ids if i and i.startswith("ISA") and i != "ISA"]
    foreign = segments.filter(pl.col("segment_id").is_in(foreign_ids)) if foreign_ids else (
        segments.clear())
    other_ends = env.filter((pl.col("segment_id") == "ISA")
                            & (pl.col("e16").is_null()
                               | (pl.col("e16") != separators.component)))
    message = ("this ISA declares other separators than the first interchange; its "
               "interchange is not read (split the file per interchange)")
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
            ))


def _kind(transactions: pl.DataFrame) -> tuple[str, str | None]:
    first = transactions.row(0, named=True)
    version = first["implementation_version"]
    if first["transaction_set"] == "835":
        return "835", version
    if version and "X224" in version:
        raise X12Error("UNSUPPORTED_TRANSACTION",
                       f"837 dental ({version}) is not supported: revaudit reads 837P and 837I",
                       segment_index=first["tx_index"], segment_id="ST")
    if version and "X223" in version:
        return "837I", version
    return "837P", version


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

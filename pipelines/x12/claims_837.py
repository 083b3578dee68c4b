"""837P (005010X222A1/A2) and 837I (005010X223A2/A3) claims: segments to raw tables.

Loops are assigned by forward fills over the segments in file order: HL opens the hierarchical
level (2000A billing provider, 2000B subscriber, 2000C patient), CLM the claim (2300) until the
next CLM or HL, LX the service line (2400), SBR inside a claim the other payer (2320), SVD the
line adjudication (2430); NM1, SBR, SVD and LIN open the innermost loop that qualified
segments (REF, DTP, DMG, PRV, ...) belong to.
"""

from __future__ import annotations

import polars as pl

from pipelines.x12 import diagnostics as dx
from pipelines.x12.envelope import ENVELOPE_IDS
from pipelines.x12.frames import (
    LEFT,
    LOCATION,
    beside,
    cas_triplets,
    compact,
    conform,
    first_per,
    inside_transactions,
    open_loop,
    out_of_order_plan,
    out_of_place,
    require,
    require_cas,
    segment_is,
    sum_by,
    typed,
    unbalanced,
    unknown_segments,
    with_envelope,
    without_sentinel,
)
from pipelines.x12.parts import Parts, pick
from pipelines.x12.segments import Separators, repair_components, split_components
from pipelines.x12.tables import DATE, INT, MONEY, QUANTITY, X12_TABLES

KNOWN = frozenset({
    *ENVELOPE_IDS, "BHT", "NM1", "N2", "N3", "N4", "REF", "PER", "HL", "PRV", "CUR", "SBR",
    "PAT", "DMG", "CLM", "DTP", "CL1", "PWK", "CN1", "AMT", "K3", "NTE", "CR1", "CR2", "CR3",
    "CR4", "CR5", "CR6", "CR7", "CR8", "CRC", "HI", "HCP", "QTY", "MEA", "CAS", "OI", "MOA",
    "MIA", "LX", "SV1", "SV2", "SV3", "SV4", "SV5", "SV6", "SV7", "TOO", "PS1", "LIN", "CTP",
    "SVD", "LQ", "FRM", "DN1", "DN2", "HSD",
})
LOOP_STARTERS = ("ST", "HL", "CLM", "LX", "NM1", "SBR", "SVD", "LIN")
DIAGNOSIS_QUALIFIERS = ("ABK", "ABF", "ABJ", "APR", "ABN", "BK", "BF", "BJ", "PR", "BN")
NAME_ORDER = {"NM1": 0, "N2": 1, "N3": 2, "N4": 3, "DMG": 4, "PRV": 5, "REF": 6, "PER": 7}
CLAIM_ORDER = {"CLM": 0, "DTP": 1, "CL1": 2, "PWK": 3, "CN1": 4, "AMT": 5, "REF": 6, "K3": 7,
               "NTE": 8, "CR1": 9, "CR2": 10, "CRC": 11, "HI": 12, "HCP": 13}
LINE_ORDER = {"LX": 0, "SV1": 1, "SV2": 1, "SV3": 1, "SV5": 2, "PWK": 3, "CR1": 4, "CR3": 5,
              "CRC": 6, "DTP": 7, "QTY": 8, "MEA": 9, "CN1": 10, "REF": 11, "AMT": 12,
              "K3": 13, "NTE": 14, "PS1": 15, "HCP": 16}
QUALIFIED = ("REF", "AMT", "QTY", "DTP")
# Segments asked for with different widths: split once, at the widest.
WIDTHS = {"NM1": 9}
CLOSE_CLAIM = ("HL", "ST", "SE")
TABLE_ORDER = ("edi_837_claims", "edi_837_diagnoses", "edi_837_service_lines",
               "edi_837_other_payers", "edi_837_other_payer_lines",
               "edi_837_other_payer_adjustments", "edi_supplemental_values")


def build(segments: pl.DataFrame, transactions: pl.DataFrame, separators: Separators,
          kinds: dict[int, str | None]):
    """The 837 raw tables, diagnostics and per-piece totals of the pieces in ``segments``.

    ``kinds`` maps each piece to 837P or 837I, or to None when its transactions carry no
    version: such a piece is 837I when it has SV2 service lines and no SV1, else 837P (the
    mapping is completed in place)."""
    body = _loops(inside_transactions(segments))
    del segments
    parts = Parts(body, separators, WIDTHS)
    if any(kind is None for kind in kinds.values()):
        sv1 = set(parts.raw("SV1").get_column("piece").unique().to_list())
        sv2 = set(parts.raw("SV2").get_column("piece").unique().to_list())
        for piece, kind in kinds.items():
            if kind is None:
                kinds[piece] = "837I" if piece in sv2 and piece not in sv1 else "837P"
    transactions = transactions.with_columns(transaction_type=pl.col("piece").replace_strict(
        kinds, return_dtype=pl.String))
    notes: list[pl.DataFrame] = unknown_segments(body, KNOWN, "837")
    # the checks on the whole body first, so it is freed before the tables are built (the
    # parts hold what the builders need); the caller hands over its last reference
    structure = _structure(body, parts)
    del body
    used: list[pl.Series] = []

    # Each table is put in its final shape as soon as it is built, and of the builder's frame
    # only the columns the checks and totals below need are kept: what a builder made on the
    # way is freed before the next one runs.
    def final(name: str, frame: pl.DataFrame) -> pl.DataFrame:
        return conform(with_envelope(frame, transactions), X12_TABLES[name])

    tables: dict[str, pl.DataFrame] = {}
    claims, claim_notes = _claims(parts, separators, used)
    claims_table = final("edi_837_claims", claims)  # its service_line_count comes below
    claims = claims.select("piece", *LOCATION, "claim_index", "patient_control_number",
                           "claim_charge_amount")
    lines, line_notes = _service_lines(parts, separators, used)
    counts = lines.select("claim_index").filter(pl.col("claim_index").is_not_null()).group_by(
        "claim_index").agg(service_line_count=pl.len())
    # the claims table is in the claims' order (its envelope columns are a left join)
    line_counts = claims.select("claim_index").join(counts, on="claim_index", **LEFT).select(
        pl.col("service_line_count").fill_null(0).cast(INT))
    tables["edi_837_claims"] = compact(claims_table.with_columns(line_counts),
                                       ["service_line_count"])
    balance = _charge_balance(claims, lines)
    lines_per_piece = lines.group_by("piece").agg(service_lines=pl.len())
    totals = claims.group_by("piece").agg(
        claims=pl.len(), total_charge=pl.col("claim_charge_amount").sum(),
    ).join(lines_per_piece, on="piece", how="full", coalesce=True)
    tables["edi_837_service_lines"] = final("edi_837_service_lines", lines)
    del claims_table, claims, lines
    diagnoses, hi_values, dx_notes = _diagnoses(parts, separators)
    tables["edi_837_diagnoses"] = final("edi_837_diagnoses", diagnoses)
    del diagnoses
    other_payers, payer_notes = _other_payers(parts, used)
    tables["edi_837_other_payers"] = final("edi_837_other_payers", other_payers)
    del other_payers
    adjudications, svd_notes = _other_payer_lines(parts, separators, used)
    tables["edi_837_other_payer_lines"] = final("edi_837_other_payer_lines", adjudications)
    del adjudications
    adjustments, cas_notes = _other_payer_adjustments(parts)
    tables["edi_837_other_payer_adjustments"] = final("edi_837_other_payer_adjustments",
                                                      adjustments)
    del adjustments
    notes += claim_notes + line_notes + dx_notes + payer_notes + svd_notes + cas_notes
    notes += balance
    notes += structure
    supplemental = pl.concat([_supplemental(parts, used), hi_values], how="diagonal_relaxed")
    loops = _loop_codes(parts, supplemental.get_column("loop_index"))
    supplemental = supplemental.join(loops, on="loop_index", **LEFT).with_columns(
        loop_segment_index="loop_index").sort("segment_index", "element_position")
    tables["edi_supplemental_values"] = final("edi_supplemental_values", supplemental)
    tables = {name: tables[name] for name in TABLE_ORDER}
    return tables, notes, totals


def _loops(body: pl.DataFrame) -> pl.DataFrame:
    body = body.with_columns(
        hl_index=open_loop(segment_is("HL"), ["ST", "SE"]),
        claim_index=open_loop(segment_is("CLM"), CLOSE_CLAIM),
        lx_index=open_loop(segment_is("LX"), ["CLM", *CLOSE_CLAIM]),
    )
    # An SV1/SV2 without its own LX (none, or the LX already has one) still makes a line.
    service = segment_is("SV1", "SV2")
    services = body.select("segment_index", "lx_index", "segment_id", "claim_index").filter(
        service & pl.col("claim_index").is_not_null()).select("segment_index", "lx_index")
    orphans = services.filter(pl.col("lx_index").is_null()
                              | (pl.col("lx_index") == pl.col("lx_index").shift(1)))
    orphan_line = pl.col("segment_index").is_in(orphans.get_column("segment_index").implode())
    if orphans.height == 0:
        orphan_line = pl.lit(False)
    other_payer = segment_is("SBR") & pl.col("claim_index").is_not_null()
    # loops that no segment opens (often no 2320 or 2430 at all) are all null: no fill
    present = body.select(other_payer=other_payer.any(), adjudication=segment_is("SVD").any()
                          ).row(0, named=True)
    absent = pl.lit(None, pl.Int64)
    body = body.with_columns(
        # without orphans, a line is exactly an LX loop
        line_index=open_loop(segment_is("LX") | orphan_line, ["CLM", *CLOSE_CLAIM])
        if orphans.height else pl.col("lx_index"),
        other_payer_index=open_loop(other_payer, ["CLM", "LX", *CLOSE_CLAIM])
        if present["other_payer"] else absent,
        adjudication_index=open_loop(segment_is("SVD"), ["LX", "CLM", *CLOSE_CLAIM])
        if present["adjudication"] else absent,
        loop_index=open_loop(segment_is(*LOOP_STARTERS) | orphan_line, ["SE"]),
    )
    return body.drop("lx_index")


def _loop_codes(parts: Parts, wanted: pl.Series) -> pl.DataFrame:
    """``loop_code`` for the loop openers in ``wanted`` (the loops of the supplemental values):
    NM1*<qualifier>, HL*<level>, or the segment id."""
    wanted = wanted.drop_nulls().unique()
    if wanted.len() == 0:
        return pl.DataFrame(schema={"loop_index": pl.Int64, "loop_code": pl.String})
    is_wanted = pl.col("segment_index").is_in(wanted.implode())
    qualified = pl.concat([
        parts.get("NM1", 1).filter(is_wanted).select(loop_index="segment_index",
                                                     loop_code=pl.format("NM1*{}", "e01")),
        parts.get("HL", 3).filter(is_wanted).select(loop_index="segment_index",
                                                    loop_code=pl.format("HL*{}", "e03")),
    ])
    others = pl.concat([
        parts.raw(segment_id).filter(is_wanted & (pl.col("loop_index") == pl.col("segment_index")))
        .select(loop_index="segment_index", loop_code=pl.lit(segment_id))
        for segment_id in (*LOOP_STARTERS, "SV1", "SV2") if segment_id not in ("NM1", "HL")
    ])
    return pl.concat([qualified, others])


def _hierarchy(parts: Parts) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Each HL with the billing provider (2000A) and subscriber (2000B) HL above it."""
    hl = parts.get("HL", 3)
    # HL rows are in file order, so a transaction's rows are adjacent: a fill restarted at
    # each transaction's first HL stays inside it
    new_tx = pl.col("tx_index").ne_missing(pl.col("tx_index").shift(1))
    hl = hl.with_columns(
        billing_hl=without_sentinel(
            pl.when(pl.col("e03") == "20").then(pl.col("segment_index"))
            .when(new_tx).then(-1).forward_fill()),
        subscriber_hl=without_sentinel(
            pl.when(pl.col("e03") == "22").then(pl.col("segment_index"))
            .when((pl.col("e03") == "20") | new_tx).then(-1).forward_fill()),
        patient_hl=pl.when(pl.col("e03") == "23").then(pl.col("segment_index")),
    )
    ids = hl.select("tx_index", parent_id="e01")
    orphans = hl.filter(pl.col("e02").is_not_null()).join(
        ids, left_on=["tx_index", "e02"], right_on=["tx_index", "parent_id"], how="anti")
    notes = [dx.found(orphans, "HL_PARENT_NOT_FOUND", pl.format(
        "HL {} names parent {}, which is not an HL of this transaction", "e01", "e02"))]
    notes += require(hl, {"e01": "HL01 hierarchical id number",
                          "e03": "HL03 hierarchical level code"})
    return hl, notes


def _in_loops(frame: pl.DataFrame, openers: pl.DataFrame) -> pl.DataFrame:
    """Rows of ``frame`` whose innermost loop was opened by one of ``openers``."""
    return frame.filter(pl.col("loop_index").is_in(
        openers.get_column("segment_index").implode()))


def _claims(parts: Parts, separators: Separators, used: list[pl.Series]):
    hl, notes = _hierarchy(parts)
    clm, repair_notes = repair_components(parts.get("CLM", 9), ["e05"], separators)
    notes += repair_notes
    clm = split_components(clm, "e05", 3, separators, "f")
    # the columns used, before the filters (a filter gathers every column)
    nm1 = parts.get("NM1", 9).select("segment_index", "tx_index", "hl_index", "claim_index",
                                     "line_index", "other_payer_index", "e01", "e03", "e04",
                                     "e08", "e09")
    header_nm1 = nm1.filter(pl.col("claim_index").is_null())
    claim_nm1 = nm1.filter(pl.col("claim_index").is_not_null() & pl.col("line_index").is_null()
                           & pl.col("other_payer_index").is_null())

    def name(frame: pl.DataFrame, qualifier: str, key: str) -> pl.DataFrame:
        return first_per(frame.filter(pl.col("e01") == qualifier), key)

    submitter = name(header_nm1.filter(pl.col("hl_index").is_null()), "41", "tx_index")
    receiver = name(header_nm1.filter(pl.col("hl_index").is_null()), "40", "tx_index")
    billing = name(header_nm1, "85", "hl_index")
    subscriber = name(header_nm1, "IL", "hl_index")
    payer = name(header_nm1, "PR", "hl_index")
    patient = name(header_nm1, "QC", "hl_index")
    dmg = first_per(parts.get("DMG", 3).select("loop_index", "e02", "e03"), "loop_index")
    sbr = first_per(parts.get("SBR", 9).select("hl_index", "claim_index", "e01", "e02", "e03",
                                               "e09").filter(pl.col("claim_index").is_null()),
                    "hl_index")
    pat = first_per(parts.get("PAT", 1), "hl_index")
    bht = first_per(parts.get("BHT", 6), "tx_index")
    refs = parts.get("REF", 2)
    billing_refs, billing_used = pick(_in_loops(refs, billing), "loop_index",
                                      {"EI": "billing_ein", "SY": "billing_ssn"})
    rendering = name(claim_nm1, "82", "claim_index")
    prv = first_per(_in_loops(parts.get("PRV", 3), rendering), "loop_index")

    claim_level = pl.col("loop_index") == pl.col("claim_index")
    dates, date_used = pick(parts.get("DTP", 3), "claim_index",
                            {"431": "onset_raw", "454": "initial_raw", "434": "statement_raw"},
                            value="e03", where=claim_level)
    amounts, amount_used = pick(parts.get("AMT", 2), "claim_index",
                                {"F5": "patient_paid_raw"}, where=claim_level)
    claim_refs, ref_used = pick(refs, "claim_index", {
        "F8": "payer_claim_control_number", "G1": "prior_authorization_number",
        "9F": "referral_number", "EA": "medical_record_number"}, where=claim_level)
    used += [billing_used, date_used, amount_used, ref_used]

    levels = hl.select(hl_index="segment_index", level="e03", billing_hl="billing_hl",
                       subscriber_hl="subscriber_hl", patient_hl="patient_hl")
    clm = clm.with_columns(claim_index="segment_index")
    keys = ["claim_index", "tx_index", "hl_index"]
    # Joins run on the narrow keys; every right side has one row per key, so the result
    # lines up with ``clm`` row for row and is put beside it.
    frame = (clm.select(keys)
             .join(levels, on="hl_index", **LEFT)
             .join(bht.select("tx_index", bht_reference="e03", bht_date="e04",
                              bht_transaction_type_code="e06"), on="tx_index", **LEFT)
             .join(submitter.select("tx_index", submitter_name="e03", submitter_id="e09"),
                   on="tx_index", **LEFT)
             .join(receiver.select("tx_index", receiver_name="e03", receiver_id="e09"),
                   on="tx_index", **LEFT)
             .join(billing.select(billing_hl="hl_index", billing_loop="segment_index",
                                  billing_provider_name="e03", billing_npi_qualifier="e08",
                                  billing_npi="e09"), on="billing_hl", **LEFT)
             .join(billing_refs.rename({"loop_index": "billing_loop"}), on="billing_loop",
                   **LEFT)
             .join(sbr.select(subscriber_hl="hl_index", payer_responsibility_code="e01",
                              subscriber_relationship_code="e02", group_number="e03",
                              claim_filing_indicator_code="e09"), on="subscriber_hl",
                   **LEFT)
             .join(subscriber.select(subscriber_hl="hl_index", subscriber_loop="segment_index",
                                     subscriber_member_id="e09", subscriber_last_name="e03",
                                     subscriber_first_name="e04"), on="subscriber_hl",
                   **LEFT)
             .join(dmg.select(subscriber_loop="loop_index", subscriber_birth_raw="e02",
                              subscriber_gender_code="e03"), on="subscriber_loop", **LEFT)
             .join(payer.select(subscriber_hl="hl_index", payer_name="e03", payer_id="e09"),
                   on="subscriber_hl", **LEFT)
             .join(pat.select(patient_hl="hl_index", patient_relationship_code="e01"),
                   on="patient_hl", **LEFT)
             .join(patient.select(patient_hl="hl_index", patient_loop="segment_index",
                                  qc_last="e03", qc_first="e04"), on="patient_hl", **LEFT)
             .join(dmg.select(patient_loop="loop_index", qc_birth_raw="e02",
                              qc_gender="e03"), on="patient_loop", **LEFT)
             .join(dates, on="claim_index", **LEFT)
             .join(amounts, on="claim_index", **LEFT)
             .join(claim_refs, on="claim_index", **LEFT)
             .join(rendering.select("claim_index", rendering_loop="segment_index",
                                    rendering_npi_qualifier="e08", rendering_npi="e09",
                                    rendering_provider_last_name="e03",
                                    rendering_provider_first_name="e04"),
                   on="claim_index", **LEFT)
             .join(prv.select(rendering_loop="loop_index",
                              rendering_provider_taxonomy_code="e03"),
                   on="rendering_loop", **LEFT)
             .join(name(claim_nm1, "DN", "claim_index").select(
                 "claim_index", referring_npi_qualifier="e08", referring_npi="e09"),
                   on="claim_index", **LEFT)
             .join(name(claim_nm1, "77", "claim_index").select(
                 "claim_index", facility_npi_qualifier="e08", facility_npi="e09",
                 service_facility_name="e03"), on="claim_index", **LEFT)
             )
    frame = pl.concat([clm, frame.drop(keys)], how="horizontal")
    in_patient_loop = pl.col("patient_hl").is_not_null()
    frame = frame.with_columns(
        billing_provider_npi=_npi("billing"),
        billing_provider_tax_id=pl.coalesce("billing_ein", "billing_ssn"),
        rendering_provider_npi=_npi("rendering"),
        referring_provider_npi=_npi("referring"),
        service_facility_npi=_npi("facility"),
        patient_last_name=pl.when(in_patient_loop).then("qc_last")
        .otherwise("subscriber_last_name"),
        patient_first_name=pl.when(in_patient_loop).then("qc_first")
        .otherwise("subscriber_first_name"),
        patient_birth_raw=pl.when(in_patient_loop).then("qc_birth_raw")
        .otherwise("subscriber_birth_raw"),
        patient_gender_code=pl.when(in_patient_loop).then("qc_gender")
        .otherwise("subscriber_gender_code"),
        patient_control_number="e01",
        place_of_service_code="f1", facility_code_qualifier="f2", claim_frequency_code="f3",
        provider_signature_indicator="e06", assignment_participation_code="e07",
        benefits_assignment_indicator="e08", release_of_information_code="e09",
        statement_from_raw=pl.col("statement_raw").str.slice(0, 8),
        statement_to_raw=pl.col("statement_raw").str.split_exact("-", 1).struct.field(
            "field_1"),
    )
    frame, typed_notes = typed(frame, {
        "claim_charge_amount": ("e02", "CLM02", MONEY),
        "transaction_date": ("bht_date", "BHT04", DATE),
        "subscriber_birth_date": ("subscriber_birth_raw", "DMG02", DATE),
        "patient_birth_date": ("patient_birth_raw", "DMG02", DATE),
        "onset_date": ("onset_raw", "DTP*431", DATE),
        "initial_treatment_date": ("initial_raw", "DTP*454", DATE),
        "statement_from_date": ("statement_from_raw", "DTP*434", DATE),
        "statement_to_date": ("statement_to_raw", "DTP*434", DATE),
        "patient_amount_paid": ("patient_paid_raw", "AMT*F5", MONEY),
    })
    notes += typed_notes
    notes += require(frame, {"e01": "CLM01 patient control number",
                             "e02": "CLM02 total claim charge amount",
                             "e05": "CLM05 place of service / facility code"})
    misplaced = frame.filter(~pl.col("level").is_in(["22", "23"]) | pl.col("level").is_null())
    notes += out_of_place(misplaced, "appears outside a subscriber or patient HL (2000B/C)")
    return frame, notes


def _npi(prefix: str) -> pl.Expr:
    return pl.when(pl.col(f"{prefix}_npi_qualifier") == "XX").then(pl.col(f"{prefix}_npi"))


def _service_lines(parts: Parts, separators: Separators, used: list[pl.Series]):
    sv1, notes = repair_components(parts.get("SV1", 7), ["e01", "e07"], separators)
    sv1 = split_components(sv1, "e01", 6, separators, "p")
    sv1 = split_components(sv1, "e07", 4, separators, "d")
    sv2, sv2_notes = repair_components(parts.get("SV2", 5), ["e02"], separators)
    notes += sv2_notes
    sv2 = split_components(sv2, "e02", 6, separators, "p")
    sv1 = first_per(sv1.select(  # the columns used, before the filter
        "line_index", "segment_index", "line_number", "segment_id", "e02", "e03", "e04", "e05",
        *[f"p{n}" for n in range(1, 7)], *[f"d{n}" for n in range(1, 5)]), "line_index")
    sv2 = first_per(sv2, "line_index")
    anchors = parts.get("LX", 1).filter(pl.col("line_index") == pl.col("segment_index"))
    orphans = pl.concat([parts.raw(s) for s in ("SV1", "SV2")]).filter(
        pl.col("line_index") == pl.col("segment_index"))
    if orphans.height:  # (rare) lines opened by their SV1/SV2, in file order among the LX
        anchors = pl.concat([anchors, orphans], how="diagonal_relaxed").sort("segment_index")

    line_level = (pl.col("loop_index") == pl.col("line_index"))
    dates, date_used = pick(parts.get("DTP", 3), "line_index",
                            {"472": "service_raw"}, value="e03", where=line_level)
    refs, ref_used = pick(parts.get("REF", 2), "line_index",
                          {"6R": "line_item_control_number"}, where=line_level)
    used += [date_used, ref_used]
    rendering = first_per(parts.get("NM1", 9).filter(
        pl.col("line_index").is_not_null() & pl.col("adjudication_index").is_null()
        & (pl.col("e01") == "82")), "line_index")
    ndc = first_per(parts.get("LIN", 3).filter(pl.col("e02") == "N4"), "line_index")

    def line_fields(frame: pl.DataFrame, charge: str, basis: str, units: str,
                    extra: dict[str, str]) -> pl.DataFrame:
        return frame.select(
            "line_index", sv_index="segment_index", sv_line="line_number", sv_id="segment_id",
            qualifier="p1", code="p2", m1="p3", m2="p4", m3="p5", m4="p6",
            charge=charge, basis=basis, units=units, **extra)

    sv1_fields = line_fields(sv1, "e02", "e03", "e04", {
        "pos": "e05", "d1": "d1", "d2": "d2", "d3": "d3", "d4": "d4"})
    sv2_fields = line_fields(sv2, "e03", "e04", "e05", {"revenue_code": "e01"})
    if sv2_fields.height == 0:  # 837P: SV1 lines only, already one per line
        fields = sv1_fields.with_columns(revenue_code=pl.lit(None, pl.String))
    else:
        fields = pl.concat([sv1_fields, sv2_fields], how="diagonal_relaxed").unique(
            "line_index", keep="first", maintain_order=True)
    frame = beside(anchors.select("line_index"), "line_index",
                   (fields, "line_index"), (dates, "line_index"), (refs, "line_index"),
                   (rendering.select("line_index", npi_qualifier="e08", npi="e09"),
                    "line_index"),
                   (ndc.select("line_index", ndc_code="e03"), "line_index"))
    frame = (pl.concat([anchors, frame.drop("line_index")], how="horizontal")
             .with_columns(
                 claim_segment_index="claim_index",
                 procedure_code_qualifier="qualifier", procedure_code="code",
                 modifier_1="m1", modifier_2="m2", modifier_3="m3", modifier_4="m4",
                 unit_basis_code="basis", place_of_service_code="pos",
                 service_from_raw=pl.col("service_raw").str.slice(0, 8),
                 service_to_raw=pl.col("service_raw").str.split_exact("-", 1).struct.field(
                     "field_1"),
                 rendering_provider_npi=pl.when(pl.col("npi_qualifier") == "XX")
                 .then(pl.col("npi")),
                 lx01=pl.when(pl.col("segment_id") == "LX").then(pl.col("e01")),
             ))
    located = frame.with_columns(segment_index=pl.coalesce("sv_index", "segment_index"),
                                 line_number=pl.coalesce("sv_line", "line_number"),
                                 segment_id=pl.coalesce("sv_id", "segment_id"))
    located, typed_notes = typed(located, {
        "line_number_value": ("lx01", "LX01", INT),
        "line_charge_amount": ("charge", "SV102/SV203", MONEY),
        "service_unit_count": ("units", "SV104/SV205", QUANTITY),
        "diagnosis_pointer_1": ("d1", "SV107-1", INT),
        "diagnosis_pointer_2": ("d2", "SV107-2", INT),
        "diagnosis_pointer_3": ("d3", "SV107-3", INT),
        "diagnosis_pointer_4": ("d4", "SV107-4", INT),
        "service_date": ("service_from_raw", "DTP*472", DATE),
        "service_end_date": ("service_to_raw", "DTP*472", DATE),
    })
    notes += typed_notes
    has_service = located.filter(pl.col("sv_index").is_not_null())
    notes += require(has_service, {"code": "SV101-2/SV202-2 procedure code",
                                   "charge": "SV102/SV203 line charge amount"})
    frame = located.with_columns(
        segment_index=frame.get_column("segment_index"),
        line_number=pl.col("line_number_value"))
    return frame, notes


def _diagnoses(parts: Parts, separators: Separators):
    columns = [f"e{n:02d}" for n in range(1, 13)]
    hi, notes = repair_components(parts.get("HI", 12), columns, separators)
    values = pl.concat([
        hi.select("segment_index", "line_number", "segment_id", "tx_index", "claim_index",
                  "loop_index", element_position=pl.lit(position, INT),
                  composite=f"e{position:02d}")
        for position in range(1, 13)
    ]).filter(pl.col("composite").is_not_null()).sort("segment_index", "element_position")
    values = values.with_columns(
        pl.col("composite").str.splitn(separators.component, 2).struct.rename_fields(
            ["qualifier", "value"]).struct.unnest())
    is_diagnosis = pl.col("qualifier").is_in(DIAGNOSIS_QUALIFIERS)
    diagnoses = values.filter(is_diagnosis & pl.col("claim_index").is_not_null()).with_columns(
        claim_segment_index="claim_index",
        diagnosis_sequence=_running_number("claim_index"),
        diagnosis_code_qualifier="qualifier",
        diagnosis_code=pl.col("value").str.split_exact(separators.component, 1)
        .struct.field("field_0"),
    )
    others = values.filter(~is_diagnosis | pl.col("claim_index").is_null()).with_columns(
        parent_segment_index=pl.coalesce("claim_index", "tx_index"),
        segment_id=pl.lit("HI"))
    notes += require(hi, {"e01": "HI01 health care code information"})
    notes += out_of_place(hi.filter(pl.col("claim_index").is_null()),
                          "appears outside a claim (2300) loop")
    return diagnoses, others, notes


def _running_number(key: str) -> pl.Expr:
    """1, 2, ... within each run of equal ``key`` values (rows in file order: a claim's rows
    are adjacent)."""
    row = pl.int_range(pl.len(), dtype=INT)
    first = pl.when(pl.col(key).ne_missing(pl.col(key).shift(1))).then(row).forward_fill()
    return row - first + 1


def _other_payers(parts: Parts, used: list[pl.Series]):
    in_2320 = pl.col("other_payer_index").is_not_null() & pl.col("line_index").is_null()
    sbr = parts.get("SBR", 9).filter(pl.col("other_payer_index") == pl.col("segment_index"))
    payer = first_per(parts.get("NM1", 9).filter(in_2320 & (pl.col("e01") == "PR")),
                      "other_payer_index")
    amounts, amount_used = pick(
        parts.get("AMT", 2).filter(in_2320 & (pl.col("loop_index") == pl.col(
            "other_payer_index"))), "other_payer_index",
        {"D": "paid_raw", "EAF": "remaining_raw", "A8": "non_covered_raw"})
    dates, date_used = pick(parts.get("DTP", 3), "other_payer_index",
                            {"573": "adjudication_raw"}, value="e03", where=in_2320)
    used += [amount_used, date_used]
    frame = (sbr.join(payer.select("other_payer_index", other_payer_id="e09",
                                   other_payer_name="e03"), on="other_payer_index", **LEFT)
             .join(amounts, on="other_payer_index", **LEFT)
             .join(dates, on="other_payer_index", **LEFT)
             .with_columns(claim_segment_index="claim_index", payer_responsibility_code="e01",
                           subscriber_relationship_code="e02",
                           claim_filing_indicator_code="e09"))
    frame, notes = typed(frame, {
        "other_payer_paid_amount": ("paid_raw", "AMT*D", MONEY),
        "remaining_patient_liability_amount": ("remaining_raw", "AMT*EAF", MONEY),
        "non_covered_amount": ("non_covered_raw", "AMT*A8", MONEY),
        "adjudication_date": ("adjudication_raw", "DTP*573", DATE),
    })
    notes += require(parts.get("SBR", 1), {"e01": "SBR01 payer responsibility code"})
    return frame, notes


def _other_payer_lines(parts: Parts, separators: Separators, used: list[pl.Series]):
    svd, notes = repair_components(parts.get("SVD", 6), ["e03"], separators)
    svd = split_components(svd, "e03", 6, separators, "p")
    dates, date_used = pick(parts.get("DTP", 3).filter(
        pl.col("adjudication_index").is_not_null()), "adjudication_index",
        {"573": "adjudication_raw"}, value="e03")
    used.append(date_used)
    frame = (svd.join(dates, left_on="segment_index", right_on="adjudication_index",
                      **LEFT)
             .with_columns(claim_segment_index="claim_index", line_segment_index="line_index",
                           other_payer_id="e01", procedure_code="p2", modifier_1="p3",
                           modifier_2="p4", modifier_3="p5", modifier_4="p6"))
    frame, typed_notes = typed(frame, {
        "paid_amount": ("e02", "SVD02", MONEY),
        "paid_unit_count": ("e05", "SVD05", QUANTITY),
        "adjudication_date": ("adjudication_raw", "DTP*573", DATE),
    })
    notes += typed_notes
    notes += require(frame, {"e01": "SVD01 other payer identifier",
                             "e02": "SVD02 service line paid amount"})
    notes += out_of_place(frame.filter(pl.col("line_index").is_null()),
                          "appears outside a service line (2400) loop")
    return frame, notes


def _other_payer_adjustments(parts: Parts):
    keep = ["segment_index", "line_number", "segment_id", "tx_index", "claim_index",
            "other_payer_index", "adjudication_index", "line_index"]
    cas = parts.raw("CAS")
    triplets = cas_triplets(cas, keep, parts.separators.element)
    on_line = pl.col("adjudication_index").is_not_null()
    triplets = triplets.with_columns(
        claim_segment_index="claim_index",
        other_payer_segment_index=pl.when(~on_line).then(pl.col("other_payer_index")),
        line_segment_index=pl.when(on_line).then(pl.col("line_index")),
        adjustment_level=pl.when(on_line).then(pl.lit("line")).otherwise(pl.lit("claim")))
    triplets, notes = typed(triplets, {
        "adjustment_amount": ("amount_raw", "CAS amount", MONEY),
        "adjustment_quantity": ("quantity_raw", "CAS quantity", QUANTITY),
    })
    notes += require_cas(triplets)
    notes += out_of_place(cas.filter(pl.col("other_payer_index").is_null()
                                     & pl.col("adjudication_index").is_null()),
                          "appears outside an other-payer (2320) or line adjudication (2430) "
                          "loop")
    return triplets, notes


def _charge_balance(claims: pl.DataFrame, lines: pl.DataFrame) -> list[pl.DataFrame]:
    totals = sum_by(lines, "claim_index", "line_charge_amount", "line_total")
    claims = claims.select("segment_index", "line_number", "segment_id", "claim_index",
                           "patient_control_number", "claim_charge_amount")
    bad = claims.join(totals, on="claim_index", how="inner").filter(
        unbalanced(pl.col("claim_charge_amount"), pl.col("line_total")))
    return [dx.found(bad, "CLAIM_CHARGE_MISMATCH", pl.format(
        "claim {}: CLM02 {} differs from the sum of its line charges {}",
        pl.col("patient_control_number").fill_null("(no CLM01)"), "claim_charge_amount",
        "line_total"))]


def _structure(body: pl.DataFrame, parts: Parts) -> list[pl.DataFrame]:
    notes = []
    for segment_id in ("LX", "SV1", "SV2", "SVD"):
        notes += out_of_place(parts.raw(segment_id).filter(pl.col("claim_index").is_null()),
                              "appears before any claim (CLM) of its transaction")
    orphans = pl.concat([parts.raw(s) for s in ("SV1", "SV2")]).filter(
        pl.col("line_index") == pl.col("segment_index"))
    notes += out_of_place(orphans, "appears without its LX (2400 service line loop)")
    checked = {*NAME_ORDER, *CLAIM_ORDER, *LINE_ORDER}
    name_loops = parts.raw("NM1").get_column("segment_index").implode()
    # one pass picks the rows the three order checks look at, materialized once (cheaper
    # than leaving it to collect_all's shared-subplan cache)
    rows = body.lazy().filter(pl.col("segment_id").is_in(checked)).select(
        "segment_index", "line_number", "segment_id",
        name_loop=pl.when(pl.col("loop_index").is_in(name_loops)).then("loop_index"),
        claim_loop=pl.when(pl.col("loop_index") == pl.col("claim_index")).then("loop_index"),
        line_loop=pl.when(pl.col("loop_index") == pl.col("line_index")).then("loop_index"),
    ).collect(engine="in-memory")
    notes += pl.collect_all([
        out_of_order_plan(rows, "name_loop", NAME_ORDER, "name (NM1)"),
        out_of_order_plan(rows, "claim_loop", CLAIM_ORDER, "2300 claim"),
        out_of_order_plan(rows, "line_loop", LINE_ORDER, "2400 service line")],
        engine="in-memory")
    return notes


def _supplemental(parts: Parts, used: list[pl.Series]) -> pl.DataFrame:
    taken = pl.concat(used) if used else pl.Series("segment_index", [], pl.Int64)
    frames = []
    for segment_id in QUALIFIED:
        position = 3 if segment_id == "DTP" else 2
        frames.append(parts.get(segment_id, position).select(
            "segment_index", "segment_id", "tx_index", "hl_index", "claim_index", "line_index",
            "loop_index", qualifier="e01", value=f"e{position:02d}",
            element_position=pl.lit(position, INT)))
    # one filter (one hash set of the values used) for all of them
    values = pl.concat(frames).filter(~pl.col("segment_index").is_in(taken.implode()))
    return values.with_columns(parent_segment_index=pl.coalesce(
        "line_index", "claim_index", "hl_index", "tx_index"))

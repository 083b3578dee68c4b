"""835 (005010X221A1) health care claim payment/advice: segments to raw tables.

Loops are assigned by forward fills over the segments in file order: a CLP opens the claim
payment loop (2100) until the next CLP, LX, PLB or SE; an SVC opens the service payment loop
(2110) until the next SVC or claim; an N1 opens a party loop (1000A/B) in the header.
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
)
from pipelines.x12.parts import Parts, pick
from pipelines.x12.segments import Separators, repair_components, split_components
from pipelines.x12.tables import DATE, INT, MONEY, QUANTITY, X12_TABLES

KNOWN = frozenset({
    *ENVELOPE_IDS, "BPR", "TRN", "CUR", "REF", "DTM", "N1", "N2", "N3", "N4", "PER", "RDM",
    "LX", "TS3", "TS2", "CLP", "CAS", "NM1", "MIA", "MOA", "AMT", "QTY", "SVC", "LQ", "PLB",
})
CLAIM_ORDER = {"CLP": 0, "CAS": 1, "NM1": 2, "MIA": 3, "MOA": 4, "REF": 5, "DTM": 6, "PER": 7,
               "AMT": 8, "QTY": 9}
SERVICE_ORDER = {"SVC": 0, "DTM": 1, "CAS": 2, "REF": 3, "AMT": 4, "QTY": 5, "LQ": 6}
QUALIFIED = ("REF", "AMT", "QTY", "DTM")
TABLE_ORDER = ("edi_835_payments", "edi_835_claim_payments", "edi_835_service_payments",
               "edi_835_adjustments", "edi_835_remarks", "edi_835_provider_adjustments",
               "edi_supplemental_values")
# Segments asked for with different widths: split once, at the widest.
WIDTHS = {"MOA": 7, "MIA": 23}


def build(segments: pl.DataFrame, transactions: pl.DataFrame, separators: Separators):
    """The 835 raw tables, diagnostics and per-piece totals of the pieces in ``segments``."""
    segments = segments.with_columns(
        claim_index=open_loop(segment_is("CLP"), ["LX", "PLB", "SE", "ST"]),
        service_index=open_loop(segment_is("SVC"), ["CLP", "LX", "PLB", "SE", "ST"]),
        party_index=open_loop(segment_is("N1"), ["LX", "CLP", "PLB", "SE", "ST"]),
    )
    body = inside_transactions(segments)
    del segments
    parts = Parts(body, separators, WIDTHS)
    notes: list[pl.DataFrame] = unknown_segments(body, KNOWN, "835")
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
    claims, claim_notes = _claim_payments(parts, used)
    tables["edi_835_claim_payments"] = final("edi_835_claim_payments", claims)
    claims = claims.select("piece", *LOCATION, "claim_index", "tx_index",
                           "patient_control_number", "claim_charge_amount",
                           "claim_payment_amount")
    services, service_notes = _service_payments(parts, separators, used)
    tables["edi_835_service_payments"] = final("edi_835_service_payments", services)
    services = services.select("piece", *LOCATION, "procedure_code", "line_charge_amount",
                               "line_payment_amount")
    adjustments, adjustment_notes = _adjustments(parts)
    tables["edi_835_adjustments"] = final("edi_835_adjustments", adjustments)
    adjustments = adjustments.select("claim_index", "service_index", "adjustment_amount")
    provider, provider_notes = _provider_adjustments(parts, separators)
    tables["edi_835_provider_adjustments"] = final("edi_835_provider_adjustments", provider)
    provider = provider.select("tx_index", "adjustment_amount")
    payments, payment_notes = _payments(parts, transactions, claims, used)
    tables["edi_835_payments"] = final("edi_835_payments", payments)
    payments = payments.select("segment_index", "tx_index", "bpr_index", "bpr_line",
                               "total_payment_amount")
    tables["edi_835_remarks"] = final("edi_835_remarks", _remarks(parts))
    notes += claim_notes + service_notes + adjustment_notes + provider_notes + payment_notes
    notes += _balancing(payments, claims, services, adjustments, provider)
    notes += structure
    tables["edi_supplemental_values"] = final(
        "edi_supplemental_values",
        _supplemental(parts, used).with_columns(transaction_type=pl.lit("835")))
    tables = {name: tables[name] for name in TABLE_ORDER}
    totals = _totals(claims, services)
    return tables, notes, totals


def _totals(claims: pl.DataFrame, services: pl.DataFrame) -> pl.DataFrame:
    """Per piece: claims, service lines, total charge and total paid."""
    lines = services.group_by("piece").agg(service_lines=pl.len())
    return claims.group_by("piece").agg(
        claims=pl.len(), total_charge=pl.col("claim_charge_amount").sum(),
        total_paid=pl.col("claim_payment_amount").sum(),
    ).join(lines, on="piece", how="full", coalesce=True)


def _payments(parts: Parts, transactions: pl.DataFrame, claims: pl.DataFrame,
              used: list[pl.Series]):
    header = pl.col("claim_index").is_null()
    bpr = first_per(parts.get("BPR", 16).filter(header), "tx_index")
    trn = first_per(parts.get("TRN", 4).filter(header), "tx_index")
    dtm, dtm_used = pick(parts.get("DTM", 2), "tx_index", {"405": "production_raw"},
                         where=header)
    n1 = parts.get("N1", 4)
    payer = first_per(n1.filter(pl.col("e01") == "PR"), "tx_index")
    payee = first_per(n1.filter(pl.col("e01") == "PE"), "tx_index")
    refs = parts.get("REF", 2).filter(header & pl.col("party_index").is_not_null())
    payer_refs, payer_used = pick(refs.filter(pl.col("party_index").is_in(
        payer.get_column("segment_index").implode())), "tx_index", {"2U": "payer_ref_id"})
    payee_refs, payee_used = pick(refs.filter(pl.col("party_index").is_in(
        payee.get_column("segment_index").implode())), "tx_index", {"TJ": "payee_tax_id"})
    used += [dtm_used, payer_used, payee_used]
    counts = claims.group_by("tx_index").agg(claim_payment_count=pl.len())

    frame = (transactions.filter(pl.col("transaction_set") == "835")
             .select("tx_index", segment_index="tx_index")
             .join(bpr.select("tx_index", *[pl.col(f"e{n:02d}").alias(f"bpr{n:02d}")
                                            for n in (1, 2, 3, 4, 5, 16)],
                              bpr_index="segment_index", bpr_line="line_number"),
                   on="tx_index", **LEFT)
             .join(trn.select("tx_index", trace_type_code="e01", check_or_eft_number="e02",
                              payer_trace_id="e03"), on="tx_index", **LEFT)
             .join(dtm, on="tx_index", **LEFT)
             .join(payer.select("tx_index", payer_name="e02", payer_n104="e04"),
                   on="tx_index", **LEFT)
             .join(payer_refs, on="tx_index", **LEFT)
             .join(payee.select("tx_index", payee_name="e02", payee_id_qualifier="e03",
                                payee_id="e04"), on="tx_index", **LEFT)
             .join(payee_refs, on="tx_index", **LEFT)
             .join(counts, on="tx_index", **LEFT)
             .with_columns(
                 transaction_handling_code="bpr01", credit_debit_flag="bpr03",
                 payment_method_code="bpr04", payment_format_code="bpr05",
                 payer_id=pl.coalesce("payer_n104", "payer_ref_id"),
                 claim_payment_count=pl.col("claim_payment_count").fill_null(0))
             )
    located = frame.with_columns(
        segment_index="bpr_index", line_number="bpr_line", segment_id=pl.lit("BPR"))
    located, notes = typed(located, {
        "total_payment_amount": ("bpr02", "BPR02", MONEY),
        "payment_date": ("bpr16", "BPR16", DATE),
        "production_date": ("production_raw", "DTM*405", DATE),
    })
    missing_bpr = frame.filter(pl.col("bpr_index").is_null()).with_columns(
        line_number=pl.lit(None, pl.Int64), segment_id=pl.lit("ST"))
    notes += [dx.found(missing_bpr, "MISSING_ELEMENT", "the 835 has no BPR segment")]
    notes += require(bpr, {"e01": "BPR01 transaction handling code",
                           "e02": "BPR02 total payment amount", "e03": "BPR03 credit/debit flag",
                           "e04": "BPR04 payment method code", "e16": "BPR16 payment date"})
    notes += require(trn, {"e01": "TRN01 trace type code", "e02": "TRN02 check or EFT number",
                           "e03": "TRN03 payer identifier"})
    frame = located.with_columns(segment_index="tx_index")
    return frame, notes


def _claim_payments(parts: Parts, used: list[pl.Series]):
    clp = parts.get("CLP", 14)
    lx = parts.get("LX", 1).select("tx_index", "segment_index", header_number="e01")
    clp = clp.join_asof(lx.rename({"segment_index": "lx_index", "tx_index": "lx_tx"}),
                        left_on="segment_index", right_on="lx_index", strategy="backward",
                        check_sortedness=False).with_columns(
        header_number=pl.when(pl.col("lx_tx") == pl.col("tx_index")).then("header_number"))
    claim_level = pl.col("claim_index").is_not_null() & pl.col("service_index").is_null()
    nm1 = parts.get("NM1", 9).select("claim_index", "service_index", "e01", "e03", "e04",
                                     "e08", "e09").filter(claim_level)

    def party(qualifier: str, **columns: str) -> pl.DataFrame:
        """The claim's first NM1 with this qualifier (a claim's rows are adjacent)."""
        return first_per(nm1.filter(pl.col("e01") == qualifier), "claim_index").select(
            "claim_index", **{name: pl.col(source) for name, source in columns.items()},
            **({"__npi_qualifier": pl.col("e08")} if qualifier == "82" else {}))

    dtm, dtm_used = pick(parts.get("DTM", 2), "claim_index",
                         {"232": "from_raw", "233": "to_raw", "050": "received_raw"},
                         where=claim_level)
    amt, amt_used = pick(parts.get("AMT", 2), "claim_index",
                         {"AU": "coverage_raw", "I": "interest_raw"}, where=claim_level)
    used += [dtm_used, amt_used]
    moa = first_per(parts.get("MOA", 2).filter(claim_level), "claim_index").select(
        "claim_index", moa01="e01", moa02="e02")
    mia = first_per(parts.get("MIA", 2).filter(claim_level), "claim_index").select(
        "claim_index", mia01="e01", mia02="e02")
    lines = parts.raw("SVC").group_by("claim_index").agg(service_payment_count=pl.len())
    rendering = party("82", rendering_npi_raw="e09")

    # Joins run on the narrow key; every right side has one row per claim, so the result
    # lines up with ``clp`` row for row and is put beside it.
    frame = beside(
        clp.select("segment_index"), "segment_index",
        *[(right, "claim_index") for right in (
            party("QC", patient_member_id="e09", patient_last_name="e03",
                  patient_first_name="e04"),
            party("IL", subscriber_member_id="e09", subscriber_last_name="e03",
                  subscriber_first_name="e04"),
            rendering,
            party("TT", crossover_payer_name="e03", crossover_payer_id="e09"),
            dtm, amt, moa, mia, lines)])
    frame = (pl.concat([clp.with_columns(payment_segment_index="tx_index"),
                        frame.drop("segment_index")], how="horizontal")
             .with_columns(
                 patient_control_number="e01", claim_status_code="e02",
                 claim_filing_indicator_code="e06", payer_claim_control_number="e07",
                 facility_type_code="e08", claim_frequency_code="e09",
                 patient_status_code="e10", drg_code="e11",
                 rendering_provider_npi=pl.when(pl.col("__npi_qualifier") == "XX")
                 .then(pl.col("rendering_npi_raw")),
                 service_payment_count=pl.col("service_payment_count").fill_null(0))
             .with_columns(claim_index="segment_index"))
    frame, notes = typed(frame, {
        "claim_charge_amount": ("e03", "CLP03", MONEY),
        "claim_payment_amount": ("e04", "CLP04", MONEY),
        "patient_responsibility_amount": ("e05", "CLP05", MONEY),
        "drg_weight": ("e12", "CLP12", QUANTITY),
        "discharge_fraction": ("e13", "CLP13", QUANTITY),
        "statement_from_date": ("from_raw", "DTM*232", DATE),
        "statement_to_date": ("to_raw", "DTM*233", DATE),
        "claim_received_date": ("received_raw", "DTM*050", DATE),
        "coverage_amount": ("coverage_raw", "AMT*AU", MONEY),
        "interest_amount": ("interest_raw", "AMT*I", MONEY),
        "moa_reimbursement_rate": ("moa01", "MOA01", QUANTITY),
        "moa_hcpcs_payable_amount": ("moa02", "MOA02", MONEY),
        "mia_covered_days": ("mia01", "MIA01", QUANTITY),
        "mia_pps_operating_outlier_amount": ("mia02", "MIA02", MONEY),
    })
    notes += require(frame, {"e01": "CLP01 patient control number",
                             "e02": "CLP02 claim status code",
                             "e03": "CLP03 total claim charge amount",
                             "e04": "CLP04 claim payment amount"})
    return frame, notes


def _service_payments(parts: Parts, separators: Separators, used: list[pl.Series]):
    svc, notes = repair_components(parts.get("SVC", 7), ["e01", "e06"], separators)
    svc = split_components(svc, "e01", 6, separators, "p")
    svc = split_components(svc, "e06", 6, separators, "o")
    line_level = pl.col("service_index").is_not_null()
    dtm, dtm_used = pick(parts.get("DTM", 2), "service_index",
                         {"472": "d472", "150": "d150", "151": "d151"}, where=line_level)
    ref, ref_used = pick(parts.get("REF", 2), "service_index",
                         {"6R": "line_item_control_number"}, where=line_level)
    amt, amt_used = pick(parts.get("AMT", 2), "service_index", {"B6": "allowed_raw"},
                         where=line_level)
    used += [dtm_used, ref_used, amt_used]
    values = beside(svc.select("segment_index"), "segment_index", (dtm, "service_index"),
                    (ref, "service_index"), (amt, "service_index"))
    frame = (pl.concat([svc, values.drop("segment_index")], how="horizontal")
             .with_columns(
                 payment_segment_index="tx_index", claim_segment_index="claim_index",
                 procedure_code_qualifier="p1", procedure_code="p2",
                 modifier_1="p3", modifier_2="p4", modifier_3="p5", modifier_4="p6",
                 revenue_code="e04",
                 original_procedure_code_qualifier="o1", original_procedure_code="o2",
                 original_modifier_1="o3", original_modifier_2="o4",
                 original_modifier_3="o5", original_modifier_4="o6",
                 service_raw=pl.coalesce("d472", "d150"),
             ))
    frame, typed_notes = typed(frame, {
        "line_charge_amount": ("e02", "SVC02", MONEY),
        "line_payment_amount": ("e03", "SVC03", MONEY),
        "paid_unit_count": ("e05", "SVC05", QUANTITY),
        "original_unit_count": ("e07", "SVC07", QUANTITY),
        "service_date": ("service_raw", "DTM*472", DATE),
        "service_end_date": ("d151", "DTM*151", DATE),
        "allowed_amount": ("allowed_raw", "AMT*B6", MONEY),
    })
    notes += typed_notes
    notes += require(frame, {"p2": "SVC01-2 procedure code", "e02": "SVC02 line charge amount",
                             "e03": "SVC03 line payment amount"})
    return frame, notes


def _adjustments(parts: Parts):
    keep = ["segment_index", "line_number", "segment_id", "tx_index", "claim_index",
            "service_index"]
    triplets = cas_triplets(parts.raw("CAS"), keep, parts.separators.element)
    triplets = triplets.with_columns(
        payment_segment_index="tx_index", claim_segment_index="claim_index",
        service_segment_index="service_index",
        adjustment_level=pl.when(pl.col("service_index").is_not_null()).then(pl.lit("line"))
        .otherwise(pl.lit("claim")))
    triplets, notes = typed(triplets, {
        "adjustment_amount": ("amount_raw", "CAS amount", MONEY),
        "adjustment_quantity": ("quantity_raw", "CAS quantity", QUANTITY),
    })
    notes += require_cas(triplets)
    return triplets, notes


def _remarks(parts: Parts) -> pl.DataFrame:
    keys = ("segment_index", "tx_index", "claim_index", "service_index")
    lq = parts.get("LQ", 2).select(*keys, remark_level=pl.lit("line"),
                                   remark_source=pl.lit("LQ"), remark_qualifier="e01",
                                   remark_code="e02", element_position=pl.lit(2))
    claim_level = pl.col("service_index").is_null()
    moa = parts.get("MOA", 7).filter(claim_level)
    mia = parts.get("MIA", 23).filter(claim_level)
    from_claims = [
        frame.select(*keys, remark_level=pl.lit("claim"), remark_source=pl.lit(source),
                     remark_qualifier=pl.lit(None, pl.String), remark_code=f"e{position:02d}",
                     element_position=pl.lit(position))
        for frame, source, positions in ((moa, "MOA", range(3, 8)),
                                         (mia, "MIA", (5, 20, 21, 22, 23)))
        if frame.height
        for position in positions
    ]
    remarks = pl.concat([lq, *from_claims], how="vertical_relaxed").filter(
        pl.col("remark_code").is_not_null()).sort("segment_index", "element_position")
    return remarks.with_columns(payment_segment_index="tx_index",
                                claim_segment_index="claim_index",
                                service_segment_index="service_index")


def _provider_adjustments(parts: Parts, separators: Separators):
    plb = parts.get("PLB", 14)
    reasons = [f"e{n:02d}" for n in range(3, 15, 2)]
    plb, notes = repair_components(plb, reasons, separators)
    pairs = pl.concat([
        plb.select("segment_index", "line_number", "segment_id", "tx_index",
                   provider_id="e01", fiscal_raw="e02",
                   pair_number=pl.lit(number, pl.Int64),
                   reason=f"e{2 * number + 1:02d}", amount_raw=f"e{2 * number + 2:02d}")
        for number in range(1, 7)
    ]).filter(pl.col("reason").is_not_null() | pl.col("amount_raw").is_not_null())
    pairs = split_components(pairs.sort("segment_index", "pair_number"), "reason", 2,
                             separators, "r")
    pairs = pairs.with_columns(payment_segment_index="tx_index",
                               adjustment_reason_code="r1", reference_id="r2")
    pairs, typed_notes = typed(pairs, {
        "fiscal_period_date": ("fiscal_raw", "PLB02", DATE),
        "adjustment_amount": ("amount_raw", "PLB amount", MONEY),
    })
    notes += typed_notes
    notes += require(plb, {"e01": "PLB01 provider identifier", "e02": "PLB02 fiscal period date",
                           "e03": "PLB03 adjustment reason", "e04": "PLB04 amount"})
    return pairs, notes


def _balancing(payments, claims, services, adjustments, provider) -> list[pl.DataFrame]:
    """835 accounting identities, each within a cent."""
    claims = claims.select("segment_index", "line_number", "segment_id", "claim_index",
                           "tx_index", "patient_control_number", "claim_charge_amount",
                           "claim_payment_amount")
    services = services.select("segment_index", "line_number", "segment_id", "procedure_code",
                               "line_charge_amount", "line_payment_amount")
    payments = payments.select("segment_index", "tx_index", "bpr_index", "bpr_line",
                               "total_payment_amount")
    claim_cas = sum_by(adjustments, "claim_index", "adjustment_amount", "cas_total")
    claim_check = claims.join(claim_cas, on="claim_index", **LEFT).with_columns(
        pl.col("cas_total").fill_null(pl.lit(0).cast(MONEY)))
    claim_bad = claim_check.filter(unbalanced(
        pl.col("claim_charge_amount") - pl.col("claim_payment_amount"), pl.col("cas_total")))

    line_cas = sum_by(adjustments, "service_index", "adjustment_amount", "cas_total")
    line_check = services.join(line_cas, left_on="segment_index", right_on="service_index",
                               **LEFT).with_columns(
        pl.col("cas_total").fill_null(pl.lit(0).cast(MONEY)))
    line_bad = line_check.filter(unbalanced(
        pl.col("line_charge_amount") - pl.col("line_payment_amount"), pl.col("cas_total")))

    paid = sum_by(claims, "tx_index", "claim_payment_amount", "paid_total")
    plb = sum_by(provider, "tx_index", "adjustment_amount", "plb_total")
    check = (payments.join(paid, on="tx_index", **LEFT).join(plb, on="tx_index", **LEFT)
             .with_columns(pl.col("paid_total", "plb_total").fill_null(pl.lit(0).cast(MONEY)))
             .with_columns(expected=pl.col("paid_total") - pl.col("plb_total"),
                           segment_index="bpr_index", line_number="bpr_line",
                           segment_id=pl.lit("BPR"))
             .filter(pl.col("bpr_index").is_not_null()
                     & pl.col("total_payment_amount").is_not_null()))
    check_bad = check.filter(unbalanced(pl.col("total_payment_amount"), pl.col("expected")))
    return [
        dx.found(claim_bad, "CLAIM_NOT_BALANCED", pl.format(
            "claim {}: CLP03 {} - CLP04 {} differs from its adjustments (CAS) {}",
            pl.col("patient_control_number").fill_null("(no CLP01)"), "claim_charge_amount",
            "claim_payment_amount",
            "cas_total")),
        dx.found(line_bad, "SERVICE_NOT_BALANCED", pl.format(
            "service {}: SVC02 {} - SVC03 {} differs from its adjustments (CAS) {}",
            pl.col("procedure_code").fill_null("(no code)"), "line_charge_amount",
            "line_payment_amount", "cas_total")),
        dx.found(check_bad, "PAYMENT_NOT_BALANCED", pl.format(
            "BPR02 {} differs from sum(CLP04) {} - sum(PLB) {} = {}",
            "total_payment_amount", "paid_total", "plb_total", "expected")),
    ]


def _structure(body: pl.DataFrame, parts: Parts) -> list[pl.DataFrame]:
    notes = []
    for segment_id, why in (("SVC", "appears before any CLP of its transaction"),
                            ("CAS", "appears outside a claim payment (CLP) loop"),
                            ("MIA", "appears outside a claim payment (CLP) loop"),
                            ("MOA", "appears outside a claim payment (CLP) loop")):
        notes += out_of_place(parts.raw(segment_id).filter(pl.col("claim_index").is_null()),
                              why)
    notes += out_of_place(parts.raw("LQ").filter(pl.col("service_index").is_null()),
                          "appears outside a service payment (SVC) loop")
    # one pass picks the rows both order checks look at
    rows = body.lazy().filter((pl.col("claim_index").is_not_null()
                               | pl.col("service_index").is_not_null())
                              & pl.col("segment_id").is_in(list({*CLAIM_ORDER, *SERVICE_ORDER}))
                              ).select(
        "segment_index", "line_number", "segment_id", "service_index",
        claim_only=pl.when(pl.col("service_index").is_null()).then(pl.col("claim_index")))
    notes += pl.collect_all([
        out_of_order_plan(rows, "claim_only", CLAIM_ORDER, "2100 claim payment"),
        out_of_order_plan(rows, "service_index", SERVICE_ORDER, "2110 service payment")],
        engine="in-memory")
    return notes


def _supplemental(parts: Parts, used: list[pl.Series]) -> pl.DataFrame:
    taken = pl.concat(used) if used else pl.Series("segment_index", [], pl.Int64)
    # one filter (one hash set of the values used) for all of them
    values = pl.concat([parts.get(segment_id, 2) for segment_id in QUALIFIED]).filter(
        ~pl.col("segment_index").is_in(taken.implode()))
    n1 = parts.get("N1", 1).select(party_index="segment_index", party_code="e01")
    return (values.join(n1, on="party_index", **LEFT)
            .with_columns(
                parent_segment_index=pl.coalesce("service_index", "claim_index", "tx_index"),
                loop_segment_index=pl.coalesce("service_index", "claim_index", "party_index",
                                               "tx_index"),
                loop_code=pl.when(pl.col("service_index").is_not_null()).then(pl.lit("SVC"))
                .when(pl.col("claim_index").is_not_null()).then(pl.lit("CLP"))
                .when(pl.col("party_index").is_not_null())
                .then(pl.format("N1*{}", pl.col("party_code").fill_null("")))
                .otherwise(pl.lit("ST")),
                qualifier="e01", value="e02", element_position=pl.lit(2, INT))
            .sort("segment_index"))

"""835 (005010X221A1) writer: one file per payer per payment run, in the payer's own layout."""

from __future__ import annotations

from datetime import timedelta

from pipelines.synth.events import PaymentRun, Practice, Remittance
from pipelines.synth.money import fmt
from pipelines.synth.x12_layout import STYLES, TransactionBuffer, interchange

VERSION = "005010X221A1"
PAYER_ADDRESS = {
    "medicare": ("PO BOX 6700", "FARGO", "ND", "581086700"),
    "medicaid": ("PO BOX 1450", "CAPITOL CITY", "OH", "432161450"),
}
DEFAULT_ADDRESS = ("PO BOX 30555", "SALT LAKE CITY", "UT", "841300555")


def file_name(run: PaymentRun) -> str:
    return f"{run.payment_date:%Y%m%d}_{run.payer.key}_{run.run_number:04d}.x12"


def render(practice: Practice, run: PaymentRun) -> str:
    payer = run.payer
    style = STYLES[payer.x12_style]
    tx = TransactionBuffer(style)
    day = run.payment_date.strftime("%Y%m%d")
    total = run.total
    if total == 0:
        tx.add("BPR", "H", "0.00", "C", "NON", "", "", "", "", "", "", "", "", "", "", "", day)
    elif payer.payment_method == "ACH":
        tx.add("BPR", "I", fmt(total), "C", "ACH", "CCP", "01", "021000089", "DA", "4401977310",
               "1" + payer.payer_id.rjust(9, "0")[-9:], "", "01", "011000138", "DA",
               practice.tin[::-1], day)
    else:
        tx.add("BPR", "C", fmt(total), "C", "CHK", "", "", "", "", "", "", "", "", "", "", "", day)
    tx.add("TRN", "1", run.trace_number, "1" + payer.payer_id.rjust(9, "0")[-9:])
    tx.add("REF", "EV", practice.submitter_id)
    tx.add("DTM", "405", (run.payment_date - timedelta(days=2)).strftime("%Y%m%d"))
    street, city, state, zip_code = PAYER_ADDRESS.get(payer.key, DEFAULT_ADDRESS)
    tx.add("N1", "PR", payer.name, "XV", payer.payer_id)
    tx.add("N3", street)
    tx.add("N4", city, state, zip_code)
    tx.add("PER", "BL", "PROVIDER SERVICES", "TE", "8005550199")
    tx.add("N1", "PE", practice.name, "XX", practice.npi)
    tx.add("N3", practice.street)
    tx.add("N4", practice.city, practice.state, practice.zip_code)
    tx.add("REF", "TJ", practice.tin)
    if run.remittances:
        tx.add("LX", "1")
        for remit in run.remittances:
            _claim_payment(tx, remit)
    for start in range(0, len(run.provider_adjustments), 6):
        pairs = []
        for adj in run.provider_adjustments[start:start + 6]:
            pairs.extend(((adj.reason, adj.reference), fmt(adj.amount)))
        tx.add("PLB", practice.npi, f"{run.payment_date.year}1231", *pairs)
    return interchange(style, sender=payer.payer_id, receiver=practice.submitter_id,
                       functional_id="HP", version=VERSION, when=run.payment_date, time="0600",
                       control=run.run_number, transactions=[tx])


def _claim_payment(tx: TransactionBuffer, r: Remittance) -> None:
    claim = r.claim
    coverage = claim.coverage if r.status != "2" else claim.secondary
    tx.add("CLP", claim.claim_id, r.status, fmt(r.charge), fmt(r.paid),
           fmt(r.patient_responsibility), r.payer.filing_indicator, r.payer_claim_number, "11",
           r.frequency)
    if r.claim_adjustments:
        tx.cas(r.claim_adjustments)
    patient = claim.patient.person
    if coverage.relationship == "18":
        tx.add("NM1", "QC", "1", patient.last_name, patient.first_name, "", "", "", "MI",
               coverage.member_id)
    else:
        sub = coverage.subscriber
        tx.add("NM1", "QC", "1", patient.last_name, patient.first_name)
        tx.add("NM1", "IL", "1", sub.last_name, sub.first_name, "", "", "", "MI",
               coverage.member_id)
    if r.crossover is not None:
        tx.add("NM1", "TT", "2", r.crossover.payer.name, "", "", "", "", "PI",
               r.crossover.payer.payer_id)
    rendering = claim.rendering
    tx.add("NM1", "82", "1", rendering.last_name, rendering.first_name, "", "", "", "XX",
           rendering.npi)
    if r.remarks:
        tx.add("MOA", "", "", *r.remarks[:5])
    tx.add("DTM", "050", r.received_date.strftime("%Y%m%d"))
    for lp in r.lines:
        tx.add("SVC", ("HC", lp.code, *lp.modifiers), fmt(lp.charge), fmt(lp.paid), "",
               str(lp.units))
        tx.add("DTM", "472", lp.service_date.strftime("%Y%m%d"))
        if lp.adjustments:
            tx.cas(lp.adjustments)
        tx.add("REF", "6R", lp.line_id)
        if lp.allowed is not None:
            tx.add("AMT", "B6", fmt(lp.allowed))
        for remark in lp.remarks:
            tx.add("LQ", "HE", remark)

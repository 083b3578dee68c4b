"""837P (005010X222A1) writer: one weekly batch file per client, one ST per payer."""

from __future__ import annotations

from pipelines.synth.events import ClaimBatch, Coverage, Practice, Submission
from pipelines.synth.money import fmt
from pipelines.synth.x12_layout import STYLES, TransactionBuffer, interchange

VERSION = "005010X222A1"
CLEARINGHOUSES = {
    "tilde_newline": ("CLEARPATH EDI SERVICES", "CLRPATH"),
    "pipe": ("MERIDIAN CLAIMS EXCHANGE", "MERIDX"),
    "single_line": ("SUMMITGATE HEALTH EDI", "SGATE01"),
}


def file_name(batch: ClaimBatch) -> str:
    return f"{batch.batch_date:%Y%m%d}_batch{batch.batch_number:04d}.x12"


def render(practice: Practice, batch: ClaimBatch) -> str:
    style_name = practice.template.clearinghouse_style
    style = STYLES[style_name]
    receiver_name, receiver_id = CLEARINGHOUSES[style_name]
    by_payer: dict[str, list[Submission]] = {}
    for submission in batch.submissions:
        by_payer.setdefault(submission.payer.key, []).append(submission)
    transactions = []
    for n, (_, submissions) in enumerate(sorted(by_payer.items()), start=1):
        tx = TransactionBuffer(style)
        _header(tx, practice, batch, n, receiver_name, receiver_id)
        hl = 1
        for submission in submissions:
            hl = _claim(tx, practice, submission, hl)
        transactions.append(tx)
    return interchange(style, sender=practice.submitter_id, receiver=receiver_id,
                       functional_id="HC", version=VERSION, when=batch.batch_date, time="1830",
                       control=batch.batch_number, transactions=transactions)


def _header(tx: TransactionBuffer, practice: Practice, batch: ClaimBatch, n: int,
            receiver_name: str, receiver_id: str) -> None:
    tx.add("BHT", "0019", "00", f"{batch.batch_number:06d}{n:02d}",
           batch.batch_date.strftime("%Y%m%d"), "1830", "CH")
    tx.add("NM1", "41", "2", practice.name, "", "", "", "", "46", practice.submitter_id)
    tx.add("PER", "IC", "BILLING OFFICE", "TE", "2075550100")
    tx.add("NM1", "40", "2", receiver_name, "", "", "", "", "46", receiver_id)
    tx.add("HL", "1", "", "20", "1")
    tx.add("PRV", "BI", "PXC", "225X00000X")
    tx.add("NM1", "85", "2", practice.name, "", "", "", "", "XX", practice.npi)
    tx.add("N3", practice.street)
    tx.add("N4", practice.city, practice.state, practice.zip_code)
    tx.add("REF", "EI", practice.tin)


def _date(d) -> str:
    return d.strftime("%Y%m%d")


def _subscriber_name(tx: TransactionBuffer, coverage: Coverage, address: bool) -> None:
    sub = coverage.subscriber
    tx.add("NM1", "IL", "1", sub.last_name, sub.first_name, "", "", "", "MI", coverage.member_id)
    if address:
        tx.add("N3", sub.street)
        tx.add("N4", sub.city, sub.state, sub.zip_code)


def _claim(tx: TransactionBuffer, practice: Practice, s: Submission, hl: int) -> int:
    claim = s.claim
    coverage = s.coverage
    patient = claim.patient.person
    dependent = coverage.relationship != "18"
    hl += 1
    subscriber_hl = hl
    tx.add("HL", str(hl), "1", "22", "1" if dependent else "0")
    tx.add("SBR", s.responsibility, "" if dependent else "18", coverage.group_number, "", "", "",
           "", "", coverage.payer.filing_indicator)
    _subscriber_name(tx, coverage, address=True)
    sub = coverage.subscriber
    tx.add("DMG", "D8", _date(sub.birth_date), sub.sex)
    tx.add("NM1", "PR", "2", coverage.payer.name, "", "", "", "", "PI", coverage.payer.payer_id)
    if dependent:
        hl += 1
        tx.add("HL", str(hl), str(subscriber_hl), "23", "0")
        tx.add("PAT", coverage.relationship)
        tx.add("NM1", "QC", "1", patient.last_name, patient.first_name)
        tx.add("N3", patient.street)
        tx.add("N4", patient.city, patient.state, patient.zip_code)
        tx.add("DMG", "D8", _date(patient.birth_date), patient.sex)
    tx.add("CLM", claim.claim_id, fmt(s.billed), "", "", ("11", "B", s.frequency), "Y", "A", "Y",
           "Y")
    if claim.prior_auth:
        tx.add("REF", "G1", claim.prior_auth)
    if s.payer_claim_number:
        tx.add("REF", "F8", s.payer_claim_number)
    dx = [("ABK" if i == 0 else "ABF", code) for i, code in enumerate(claim.diagnoses)]
    tx.add("HI", *dx)
    rendering = claim.rendering
    tx.add("NM1", "82", "1", rendering.last_name, rendering.first_name, "", "", "", "XX",
           rendering.npi)
    tx.add("PRV", "PE", "PXC", rendering.taxonomy)
    location = claim.visit.location
    tx.add("NM1", "77", "2", location.name, "", "", "", "", "XX", location.npi)
    tx.add("N3", location.street)
    tx.add("N4", location.city, location.state, location.zip_code)
    if s.prior_payer is not None:
        prior = s.prior_payer
        other = prior.coverage
        tx.add("SBR", "P", "18" if other.relationship == "18" else other.relationship,
               other.group_number, "", "", "", "", "", other.payer.filing_indicator)
        tx.add("AMT", "D", fmt(prior.paid))
        tx.add("AMT", "EAF", fmt(prior.patient_responsibility))
        tx.add("OI", "", "", "Y", "", "", "Y")
        _subscriber_name(tx, other, address=False)
        tx.add("NM1", "PR", "2", other.payer.name, "", "", "", "", "PI", other.payer.payer_id)
        tx.add("DTP", "573", "D8", _date(prior.adjudication_date))
    elif s.other_coverage is not None:
        other = s.other_coverage
        tx.add("SBR", "S" if s.responsibility == "P" else "P",
               "18" if other.relationship == "18" else other.relationship, other.group_number,
               "", "", "", "", "", other.payer.filing_indicator)
        tx.add("OI", "", "", "Y", "", "", "Y")
        _subscriber_name(tx, other, address=False)
        tx.add("NM1", "PR", "2", other.payer.name, "", "", "", "", "PI", other.payer.payer_id)
    prior_lines = {pl.line_id: pl for pl in s.prior_payer.lines} if s.prior_payer else {}
    for n, line in enumerate(s.lines, start=1):
        tx.add("LX", str(n))
        tx.add("SV1", ("HC", line.code, *line.modifiers), fmt(line.charge), "UN", str(line.units),
               "", "", tuple(str(p) for p in line.dx_pointers[:4]))
        tx.add("DTP", "472", "D8", _date(line.service_date))
        tx.add("REF", "6R", line.line_id)
        prior_line = prior_lines.get(line.line_id)
        if prior_line is not None:
            tx.add("SVD", s.prior_payer.coverage.payer.payer_id, fmt(prior_line.paid),
                   ("HC", line.code, *line.modifiers), "", str(prior_line.units))
            tx.cas(prior_line.adjustments)
            tx.add("DTP", "573", "D8", _date(s.prior_payer.adjudication_date))
    return hl

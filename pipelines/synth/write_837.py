"""837P (005010X222A1) writer: one weekly batch file per client, one ST per payer."""

from __future__ import annotations

from pipelines.synth.catalog import payer_address
from pipelines.synth.events import ClaimBatch, Coverage, Practice, Submission
from pipelines.synth.x12_layout import STYLES, amt, cas_segments, d8, interchange, segment

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
    receiver_name, receiver_id = CLEARINGHOUSES[style_name]
    by_payer: dict[str, list[Submission]] = {}
    for submission in batch.submissions:
        by_payer.setdefault(submission.payer.key, []).append(submission)
    header = [
        f"NM1*41*2*{practice.name}*****46*{practice.submitter_id}",
        "PER*IC*BILLING OFFICE*TE*2075550100",
        f"NM1*40*2*{receiver_name}*****46*{receiver_id}",
        "HL*1**20*1",
        "PRV*BI*PXC*225X00000X",
        f"NM1*85*2*{practice.name}*****XX*{practice.npi}",
        f"N3*{practice.street}",
        f"N4*{practice.city}*{practice.state}*{practice.zip_code}",
        f"REF*EI*{practice.tin}",
    ]
    day = d8(batch.batch_date)
    transactions = []
    for n, (_, submissions) in enumerate(sorted(by_payer.items()), start=1):
        out = [f"BHT*0019*00*{batch.batch_number:06d}{n:02d}*{day}*1830*CH", *header]
        hl = 1
        for submission in submissions:
            hl = _claim(out, submission, hl)
        transactions.append(out)
    return interchange(STYLES[style_name], sender=practice.submitter_id, receiver=receiver_id,
                       functional_id="HC", version=VERSION, when=batch.batch_date, time="1830",
                       control=batch.batch_number, transactions=transactions)


def _other_subscriber(out: list[str], responsibility: str, other: Coverage) -> None:
    """Loop 2320 SBR (+ OI) and 2330A/2330B names of another payer on the claim."""
    out.append(segment("SBR", responsibility, other.relationship, other.group_number, "", "",
                       "", "", "", other.payer.filing_indicator))


_PARTIES: dict[tuple, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _parties(s: Submission) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Subscriber loop (2000B/2010BA/2010BB after the HL) and patient loop (2000C/2010CA
    after the HL) of a submission; the same for every claim of a patient, so cached."""
    coverage = s.coverage
    key = (id(coverage), s.responsibility)
    cached = _PARTIES.get(key)
    if cached is not None and cached[0][2] == coverage.member_id:
        return cached[1]
    sub = coverage.subscriber
    dependent = coverage.relationship != "18"
    payer = coverage.payer
    street, city, state, zip_code = payer_address(payer.key)
    subscriber = (
        segment("SBR", s.responsibility, "" if dependent else "18", coverage.group_number, "",
                "", "", "", "", payer.filing_indicator),
        f"NM1*IL*1*{sub.last_name}*{sub.first_name}****MI*{coverage.member_id}",
        f"N3*{sub.street}",
        f"N4*{sub.city}*{sub.state}*{sub.zip_code}",
        f"DMG*D8*{d8(sub.birth_date)}*{sub.sex}",
        f"NM1*PR*2*{payer.name}*****PI*{payer.payer_id}",
        f"N3*{street}",
        f"N4*{city}*{state}*{zip_code}",
    )
    patient_loop: tuple[str, ...] = ()
    if dependent:
        patient = s.claim.patient.person
        patient_loop = (
            f"PAT*{coverage.relationship}",
            f"NM1*QC*1*{patient.last_name}*{patient.first_name}",
            f"N3*{patient.street}",
            f"N4*{patient.city}*{patient.state}*{patient.zip_code}",
            f"DMG*D8*{d8(patient.birth_date)}*{patient.sex}",
        )
    if len(_PARTIES) > 100_000:
        _PARTIES.clear()
    _PARTIES[key] = ((coverage, s.responsibility, coverage.member_id),
                     (subscriber, patient_loop))
    return subscriber, patient_loop


def _claim(out: list[str], s: Submission, hl: int) -> int:
    claim = s.claim
    subscriber, patient_loop = _parties(s)
    hl += 1
    subscriber_hl = hl
    out.append(f"HL*{hl}*1*22*{'1' if patient_loop else '0'}")
    out.extend(subscriber)
    if patient_loop:
        hl += 1
        out.append(f"HL*{hl}*{subscriber_hl}*23*0")
        out.extend(patient_loop)
    out.append(f"CLM*{claim.claim_id}*{s.billed:.2f}***11:B:{s.frequency}*Y*A*Y*Y")
    if claim.visit.initial_treatment:
        out.append(f"DTP*454*D8*{d8(claim.visit.initial_treatment)}")
    if claim.paid_at_desk and s.responsibility == "P":
        out.append(f"AMT*F5*{claim.paid_at_desk:.2f}")
    if claim.prior_auth:
        out.append(f"REF*G1*{claim.prior_auth}")
    if s.payer_claim_number:
        out.append(f"REF*F8*{s.payer_claim_number}")
    out.append(f"REF*EA*{claim.patient.patient_id}")
    out.append("HI*" + "*".join(("ABK:" if i == 0 else "ABF:") + code
                                for i, code in enumerate(claim.diagnoses)))
    referrer = claim.patient.referrer
    if referrer is not None:
        out.append(f"NM1*DN*1*{referrer.last_name}*{referrer.first_name}****XX*{referrer.npi}")
    rendering = claim.rendering
    out.append(f"NM1*82*1*{rendering.last_name}*{rendering.first_name}****XX*{rendering.npi}")
    out.append(f"PRV*PE*PXC*{rendering.taxonomy}")
    location = claim.visit.location
    out.append(f"NM1*77*2*{location.name}*****XX*{location.npi}")
    out.append(f"N3*{location.street}")
    out.append(f"N4*{location.city}*{location.state}*{location.zip_code}")
    prior = s.prior_payer
    if prior is not None:  # secondary claim: the primary's adjudication
        other = prior.coverage
        _other_subscriber(out, "P", other)
        out.append(f"AMT*D*{prior.paid:.2f}")
        out.append(f"AMT*EAF*{prior.patient_responsibility:.2f}")
        out.append("OI***Y***Y")
        osub = other.subscriber
        out.append(f"NM1*IL*1*{osub.last_name}*{osub.first_name}****MI*{other.member_id}")
        out.append(f"NM1*PR*2*{other.payer.name}*****PI*{other.payer.payer_id}")
        out.append(f"DTP*573*D8*{d8(prior.adjudication_date)}")
    elif s.other_coverage is not None:  # primary claim listing the secondary plan
        other = s.other_coverage
        _other_subscriber(out, "S", other)
        out.append("OI***Y***Y")
        osub = other.subscriber
        out.append(f"NM1*IL*1*{osub.last_name}*{osub.first_name}****MI*{other.member_id}")
        out.append(f"NM1*PR*2*{other.payer.name}*****PI*{other.payer.payer_id}")
    prior_lines = {pl.line_id: pl for pl in prior.lines} if prior else None
    for n, line in enumerate(s.lines, start=1):
        procedure = ":".join(("HC", line.code, *line.modifiers))
        pointers = ":".join(str(p) for p in line.dx_pointers[:4])
        out.append(f"LX*{n}")
        out.append(f"SV1*{procedure}*{line.charge:.2f}*UN*{line.units}***{pointers}")
        out.append(f"DTP*472*D8*{d8(line.service_date)}")
        out.append(f"REF*6R*{line.line_id}")
        if prior_lines is not None and line.line_id in prior_lines:
            pl = prior_lines[line.line_id]
            out.append(f"SVD*{prior.coverage.payer.payer_id}*{amt(pl.paid)}*{procedure}**"
                       f"{pl.units}")
            if pl.adjustments:
                out.append(cas_segments(pl.adjustments))
            out.append(f"DTP*573*D8*{d8(prior.adjudication_date)}")
    return hl

"""835 (005010X221A1) writer: one file per payer per payment run, in the payer's own layout."""

from __future__ import annotations

from datetime import timedelta

from pipelines.synth.catalog import payer_address
from pipelines.synth.events import PaymentRun, Practice, Remittance
from pipelines.synth.money import ZERO
from pipelines.synth.x12_layout import (
    STYLES,
    cas_segments,
    count_texts,
    d8,
    interchange,
    procedure_texts,
)

VERSION = "005010X221A1"


def file_name(run: PaymentRun) -> str:
    return f"{d8(run.payment_date)}_{run.payer.key}_{run.run_number:04d}.x12"


def render(practice: Practice, run: PaymentRun) -> bytes:
    payer = run.payer
    day = d8(run.payment_date)
    total = run.total
    payer_tin = "1" + payer.payer_id.rjust(9, "0")[-9:]
    if total == 0:
        bpr = f"BPR*H*0.00*C*NON************{day}"
    elif payer.payment_method == "ACH":
        bpr = (f"BPR*I*{total!s}*C*ACH*CCP*01*021000089*DA*4401977310*{payer_tin}**01*"
               f"011000138*DA*{practice.tin[::-1]}*{day}")
    else:
        bpr = f"BPR*C*{total!s}*C*CHK************{day}"
    street, city, state, zip_code = payer_address(payer.key)
    out = [
        bpr,
        f"TRN*1*{run.trace_number}*{payer_tin}",
        f"REF*EV*{practice.submitter_id}",
        f"DTM*405*{d8(run.payment_date - timedelta(days=2))}",
        f"N1*PR*{payer.name}*XV*{payer.payer_id}",
        f"N3*{street}",
        f"N4*{city}*{state}*{zip_code}",
        "PER*BL*PROVIDER SERVICES*TE*8005550199",
        f"N1*PE*{practice.name}*XX*{practice.npi}",
        f"N3*{practice.street}",
        f"N4*{practice.city}*{practice.state}*{practice.zip_code}",
        f"REF*TJ*{practice.tin}",
    ]
    if run.remittances:
        out.append("LX*1")
        names = _Names.of(practice)
        for remit in run.remittances:
            _claim_payment(out, remit, names)
    adjustments = run.provider_adjustments
    for start in range(0, len(adjustments), 6):
        pairs = "*".join(f"{a.reason}:{a.reference}*{a.amount!s}"
                         for a in adjustments[start:start + 6])
        out.append(f"PLB*{practice.npi}*{run.payment_date.year}1231*{pairs}")
    return interchange(STYLES[payer.x12_style], sender=payer.payer_id,
                       receiver=practice.submitter_id, functional_id="HP", version=VERSION,
                       when=run.payment_date, time="0600", control=run.run_number,
                       transactions=[out])


class _Names:
    """NM1 loops that repeat from claim to claim (patient and insured, rendering provider),
    rendered once per practice; keyed by object identity, the objects held."""

    _current: _Names | None = None
    MAX_ENTRIES = 100_000

    def __init__(self, practice: Practice):
        self.practice = practice
        self.texts: dict[tuple[int, int], tuple[object, object, str]] = {}

    @classmethod
    def of(cls, practice: Practice) -> _Names:
        if cls._current is None or cls._current.practice is not practice:
            cls._current = cls(practice)
        return cls._current

    def patient(self, claim, coverage) -> str:
        """NM1*QC (with the member id when the patient is the insured) and NM1*IL."""
        key = (id(claim.patient), id(coverage))
        cached = self.texts.get(key)
        if cached is not None and cached[0] is claim.patient and cached[1] is coverage:
            return cached[2]
        patient = claim.patient.person
        if coverage.relationship == "18":
            text = (f"NM1*QC*1*{patient.last_name}*{patient.first_name}****MI*"
                    f"{coverage.member_id}")
        else:
            sub = coverage.subscriber
            text = (f"NM1*QC*1*{patient.last_name}*{patient.first_name}\n"
                    f"NM1*IL*1*{sub.last_name}*{sub.first_name}****MI*{coverage.member_id}")
        if len(self.texts) > self.MAX_ENTRIES:
            self.texts.clear()
        self.texts[key] = (claim.patient, coverage, text)
        return text


def _claim_payment(out: list[str], r: Remittance, names: _Names) -> None:
    claim = r.claim
    status = r.status
    coverage = claim.secondary if status in ("2", "20") else claim.coverage
    out.append(f"CLP*{claim.claim_id}*{status}*{r.charge!s}*{r.paid!s}*"
               f"{r.patient_responsibility!s}*{r.payer.filing_indicator}*"
               f"{r.payer_claim_number}*11*{r.frequency}")
    if r.claim_adjustments:
        out.append(cas_segments(r.claim_adjustments))
    out.append(names.patient(claim, coverage))
    if r.crossover is not None:
        out.append(f"NM1*TT*2*{r.crossover.payer.name}*****PI*{r.crossover.payer.payer_id}")
    rendering = claim.rendering
    out.append(f"NM1*82*1*{rendering.last_name}*{rendering.first_name}****XX*{rendering.npi}")
    if r.remarks:
        out.append("MOA***" + "*".join(r.remarks[:5]))
    if coverage.group_number:
        out.append(f"REF*1L*{coverage.group_number}")
    service_day = d8(claim.service_date)
    out.append(f"DTM*232*{service_day}\nDTM*233*{service_day}\nDTM*050*{d8(r.received_date)}")
    lines = []  # the service lines, rendered before AMT*AU: it sums their allowed amounts
    covered = ZERO
    for lp in r.lines:
        procedure = procedure_texts[lp.code, lp.modifiers]
        lines.append(f"SVC*{procedure}*{lp.charge!s}*{lp.paid!s}**{count_texts[lp.units]}\n"
                     f"DTM*472*{d8(lp.service_date)}")
        if lp.adjustments:
            lines.append(cas_segments(lp.adjustments))
        if lp.allowed is not None:
            covered += lp.allowed
            lines.append(f"REF*6R*{lp.line_id}\nAMT*B6*{lp.allowed!s}")
        else:
            lines.append(f"REF*6R*{lp.line_id}")
        for remark in lp.remarks:
            lines.append(f"LQ*HE*{remark}")
    if status in ("1", "19") and lines:
        out.append(f"AMT*AU*{covered!s}")
    out.extend(lines)

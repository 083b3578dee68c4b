"""837P (005010X222A1) writer: one weekly batch file per client, one ST per payer."""

from __future__ import annotations

from pipelines.synth.catalog import payer_address
from pipelines.synth.events import (
    ClaimBatch,
    Coverage,
    Location,
    Practice,
    Provider,
    Submission,
)
from pipelines.synth.x12_layout import (
    STYLES,
    cas_segments,
    count_texts,
    d8,
    interchange,
    procedure_texts,
    segment,
)

VERSION = "005010X222A1"
CLEARINGHOUSES = {
    "tilde_newline": ("CLEARPATH EDI SERVICES", "CLRPATH"),
    "pipe": ("MERIDIAN CLAIMS EXCHANGE", "MERIDX"),
    "single_line": ("SUMMITGATE HEALTH EDI", "SGATE01"),
}


def file_name(batch: ClaimBatch) -> str:
    return f"{d8(batch.batch_date)}_batch{batch.batch_number:04d}.x12"


def render(practice: Practice, batch: ClaimBatch) -> bytes:
    style_name = practice.template.clearinghouse_style
    receiver_name, receiver_id = CLEARINGHOUSES[style_name]
    by_payer: dict[str, list[Submission]] = {}
    for submission in batch.submissions:
        by_payer.setdefault(submission.payer.key, []).append(submission)
    header = "\n".join((
        f"NM1*41*2*{practice.name}*****46*{practice.submitter_id}",
        "PER*IC*BILLING OFFICE*TE*2075550100",
        f"NM1*40*2*{receiver_name}*****46*{receiver_id}",
        "HL*1**20*1",
        "PRV*BI*PXC*225X00000X",
        f"NM1*85*2*{practice.name}*****XX*{practice.npi}",
        f"N3*{practice.street}",
        f"N4*{practice.city}*{practice.state}*{practice.zip_code}",
        f"REF*EI*{practice.tin}",
    ))
    day = d8(batch.batch_date)
    parts = _Parts.of(practice)
    transactions = []
    for n, (_, submissions) in enumerate(sorted(by_payer.items()), start=1):
        out = [f"BHT*0019*00*{batch.batch_number:06d}{n:02d}*{day}*1830*CH", header]
        hl = 1
        for submission in submissions:
            hl = _claim(out, submission, hl, parts)
        transactions.append(out)
    return interchange(STYLES[style_name], sender=practice.submitter_id, receiver=receiver_id,
                       functional_id="HC", version=VERSION, when=batch.batch_date, time="1830",
                       control=batch.batch_number, transactions=transactions)


class _Parts:
    """Segments that repeat from claim to claim, rendered once per practice: subscriber and
    patient loops, rendering provider, service location, referring provider, procedures and
    diagnosis pointers. Keyed by object identity; the objects are held, so ids stay theirs."""

    _current: _Parts | None = None
    MAX_PARTIES = 100_000

    def __init__(self, practice: Practice):
        self.practice = practice
        self.parties: dict[tuple[int, str], tuple[Coverage, str, str]] = {}
        self.people: dict[tuple[int, int, int], tuple[object, object, object, str]] = {}
        self.pointers = _PointerTexts()  # pointers[dx_pointers] -> SV107 text
        self.diagnoses = _DiagnosisTexts()  # diagnoses[tuple(codes)] -> the HI segment

    @classmethod
    def of(cls, practice: Practice) -> _Parts:
        if cls._current is None or cls._current.practice is not practice:
            cls._current = cls(practice)
        return cls._current

    def subscriber_and_patient(self, s: Submission) -> tuple[str, str]:
        """Subscriber loop (2000B/2010BA/2010BB after the HL) and patient loop (2000C/2010CA
        after the HL, empty for a subscriber patient) of a submission."""
        coverage = s.coverage
        key = (id(coverage), s.responsibility)
        cached = self.parties.get(key)
        if cached is not None and cached[0] is coverage:
            return cached[1], cached[2]
        sub = coverage.subscriber
        dependent = coverage.relationship != "18"
        payer = coverage.payer
        street, city, state, zip_code = payer_address(payer.key)
        subscriber = "\n".join((
            segment("SBR", s.responsibility, "" if dependent else "18", coverage.group_number,
                    "", "", "", "", "", payer.filing_indicator),
            f"NM1*IL*1*{sub.last_name}*{sub.first_name}****MI*{coverage.member_id}",
            f"N3*{sub.street}",
            f"N4*{sub.city}*{sub.state}*{sub.zip_code}",
            f"DMG*D8*{d8(sub.birth_date)}*{sub.sex}",
            f"NM1*PR*2*{payer.name}*****PI*{payer.payer_id}",
            f"N3*{street}",
            f"N4*{city}*{state}*{zip_code}",
        ))
        patient_loop = ""
        if dependent:
            patient = s.claim.patient.person
            patient_loop = "\n".join((
                f"PAT*{coverage.relationship}",
                f"NM1*QC*1*{patient.last_name}*{patient.first_name}",
                f"N3*{patient.street}",
                f"N4*{patient.city}*{patient.state}*{patient.zip_code}",
                f"DMG*D8*{d8(patient.birth_date)}*{patient.sex}",
            ))
        if len(self.parties) > self.MAX_PARTIES:
            self.parties.clear()
        self.parties[key] = (coverage, subscriber, patient_loop)
        return subscriber, patient_loop

    def providers(self, referrer: Provider | None, rendering: Provider,
                  location: Location) -> str:
        """Referring provider (when there is one), rendering provider, service location."""
        key = (id(referrer), id(rendering), id(location))
        cached = self.people.get(key)
        if (cached is None or cached[0] is not referrer or cached[1] is not rendering
                or cached[2] is not location):
            text = f"{_rendering(rendering)}\n{_location(location)}"
            if referrer is not None:
                text = f"{_referrer(referrer)}\n{text}"
            cached = self.people[key] = (referrer, rendering, location, text)
        return cached[3]



class _PointerTexts(dict):
    """SV107 of each diagnosis pointer tuple: ``1:2:3`` (at most four)."""

    def __missing__(self, pointers: tuple[int, ...]) -> str:
        text = self[pointers] = ":".join(str(p) for p in pointers[:4])
        return text


class _DiagnosisTexts(dict):
    """HI segment of each tuple of diagnosis codes: the first principal (ABK), others ABF."""

    def __missing__(self, codes: tuple[str, ...]) -> str:
        text = self[codes] = "HI*" + "*".join(
            ("ABK:" if i == 0 else "ABF:") + code for i, code in enumerate(codes))
        return text


def _referrer(p: Provider) -> str:
    return f"NM1*DN*1*{p.last_name}*{p.first_name}****XX*{p.npi}"


def _rendering(p: Provider) -> str:
    return f"NM1*82*1*{p.last_name}*{p.first_name}****XX*{p.npi}\nPRV*PE*PXC*{p.taxonomy}"


def _location(place: Location) -> str:
    return (f"NM1*77*2*{place.name}*****XX*{place.npi}\nN3*{place.street}\n"
            f"N4*{place.city}*{place.state}*{place.zip_code}")


def _other_subscriber(responsibility: str, other: Coverage) -> str:
    """Loop 2320 SBR of another payer on the claim."""
    return segment("SBR", responsibility, other.relationship, other.group_number, "", "",
                   "", "", "", other.payer.filing_indicator)


def _claim(out: list[str], s: Submission, hl: int, parts: _Parts) -> int:
    claim = s.claim
    subscriber, patient_loop = parts.subscriber_and_patient(s)
    hl += 1
    if patient_loop:
        out.append(f"HL*{hl}*1*22*1\n{subscriber}\nHL*{hl + 1}*{hl}*23*0\n{patient_loop}")
        hl += 1
    else:
        out.append(f"HL*{hl}*1*22*0\n{subscriber}")
    out.append(f"CLM*{claim.claim_id}*{s.billed!s}***11:B:{s.frequency}*Y*A*Y*Y")
    if claim.visit.initial_treatment:
        out.append(f"DTP*454*D8*{d8(claim.visit.initial_treatment)}")
    if claim.paid_at_desk and s.responsibility == "P":
        out.append(f"AMT*F5*{claim.paid_at_desk!s}")
    if claim.prior_auth:
        out.append(f"REF*G1*{claim.prior_auth}")
    if s.payer_claim_number:
        out.append(f"REF*F8*{s.payer_claim_number}")
    patient = claim.patient
    out.append(f"REF*EA*{patient.patient_id}\n{parts.diagnoses[tuple(claim.diagnoses)]}\n"
               f"{parts.providers(patient.referrer, claim.rendering, claim.visit.location)}")
    prior = s.prior_payer
    if prior is not None:  # secondary claim: the primary's adjudication
        other = prior.coverage
        osub = other.subscriber
        out.append(f"{_other_subscriber('P', other)}\nAMT*D*{prior.paid!s}\n"
                   f"AMT*EAF*{prior.patient_responsibility!s}\nOI***Y***Y\n"
                   f"NM1*IL*1*{osub.last_name}*{osub.first_name}****MI*{other.member_id}\n"
                   f"NM1*PR*2*{other.payer.name}*****PI*{other.payer.payer_id}\n"
                   f"DTP*573*D8*{d8(prior.adjudication_date)}")
    elif s.other_coverage is not None:  # primary claim listing the secondary plan
        other = s.other_coverage
        osub = other.subscriber
        out.append(f"{_other_subscriber('S', other)}\nOI***Y***Y\n"
                   f"NM1*IL*1*{osub.last_name}*{osub.first_name}****MI*{other.member_id}\n"
                   f"NM1*PR*2*{other.payer.name}*****PI*{other.payer.payer_id}")
    prior_lines = {pl.line_id: pl for pl in prior.lines} if prior else None
    pointers = parts.pointers
    for n, line in enumerate(s.lines, start=1):
        procedure = procedure_texts[line.code, line.modifiers]
        out.append(f"LX*{count_texts[n]}\nSV1*{procedure}*{line.charge!s}*UN*"
                   f"{count_texts[line.units]}***"
                   f"{pointers[line.dx_pointers]}\nDTP*472*D8*{d8(line.service_date)}\n"
                   f"REF*6R*{line.line_id}")
        if prior_lines is not None and line.line_id in prior_lines:
            pl = prior_lines[line.line_id]
            out.append(f"SVD*{prior.coverage.payer.payer_id}*{pl.paid!s}*{procedure}**"
                       f"{pl.units}")
            if pl.adjustments:
                out.append(cas_segments(pl.adjustments))
            out.append(f"DTP*573*D8*{d8(prior.adjudication_date)}")
    return hl

"""The generator's event model: the world (practice, providers, patients, coverage) and the
dated events that happen to it. Writers and the truth accumulator read only these objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pipelines.synth.catalog import PayerProfile, PlanDesign, PracticeTemplate

_ZERO = Decimal("0.00")

# ------------------------------------------------------------------------ the world


@dataclass(slots=True)
class Provider:
    npi: str
    last_name: str
    first_name: str
    role: str  # OT (occupational therapist) or OTA (assistant)
    taxonomy: str
    supervisor_npi: str | None = None


@dataclass(slots=True)
class Location:
    location_id: str
    name: str
    npi: str
    street: str
    city: str
    state: str
    zip_code: str


@dataclass(slots=True)
class Practice:
    client_id: str
    template: PracticeTemplate
    name: str
    npi: str
    tin: str
    street: str
    city: str
    state: str
    zip_code: str
    providers: list[Provider]
    locations: list[Location]
    claim_prefix: str
    window_start: date
    window_end: date
    submitter_id: str
    modifier_59: str  # "59" or "XU": how this practice marks distinct services
    referrers: list[Provider] = field(default_factory=list)  # referring physicians


@dataclass(slots=True)
class Person:
    last_name: str
    first_name: str
    birth_date: date
    sex: str
    street: str
    city: str
    state: str
    zip_code: str


@dataclass(slots=True)
class Coverage:
    payer: PayerProfile
    member_id: str
    group_number: str
    plan: PlanDesign
    subscriber: Person  # the patient, or the parent for a dependent child
    relationship: str  # SBR02 / PAT01: 18 self, 19 child
    crossover: bool = False  # the primary forwards the claim to this (secondary) payer


@dataclass(slots=True)
class Patient:
    patient_id: str
    person: Person
    primary: Coverage | None  # None: self-pay
    secondary: Coverage | None
    diagnoses: list[str]
    referrer: Provider | None = None  # the physician who referred and certifies the plan of care
    # payer-year accumulators: (payer key, year) → amount applied so far
    deductible_met: dict[tuple[str, int], Decimal] = field(default_factory=dict)
    therapy_allowed: dict[int, Decimal] = field(default_factory=dict)  # Medicare OT, by year


# ----------------------------------------------------------------------- PM events


@dataclass(slots=True)
class Service:
    """One procedure performed at a visit, as the therapist documented it."""

    service_id: str
    code: str
    minutes: int | None  # timed codes only
    units_supported: int  # by the 8-minute rule (untimed: 1)
    units_entered: int  # what was entered for billing (fewer: an injected leak)
    modifiers: tuple[str, ...]
    unit_charge: Decimal
    provider_npi: str  # who performed it (OT or OTA)


@dataclass(slots=True)
class Visit:
    visit_id: str
    patient: Patient
    visit_date: date
    location: Location
    provider: Provider  # who treated
    supervising: Provider  # the OT of record (rendering on claims)
    status: str  # attended | cancelled | no_show
    kind: str  # evaluation | treatment | re_evaluation
    services: list[Service]
    note_signed_date: date | None
    initial_treatment: date | None = None  # first visit of the plan of care (DTP*454)
    claim_id: str | None = None
    billing: str = "claim"  # claim | self_pay | unbilled (never put on a claim)
    billing_hold_days: int = 0  # extra days before the charge reaches a claim


@dataclass(slots=True)
class ClaimLine:
    line_id: str  # REF*6R
    service_id: str
    code: str
    modifiers: tuple[str, ...]
    units: int
    charge: Decimal
    service_date: date
    dx_pointers: tuple[int, ...]


@dataclass(slots=True)
class Claim:
    claim_id: str  # CLM01
    visit: Visit
    patient: Patient
    coverage: Coverage  # primary
    secondary: Coverage | None
    lines: tuple[ClaimLine, ...]
    diagnoses: list[str]
    rendering: Provider
    service_date: date
    prior_auth: str | None = None
    paid_at_desk: Decimal = Decimal("0.00")  # AMT*F5: copay collected before billing
    # lifecycle (the simulation's bookkeeping)
    submitted: date | None = None
    voided: bool = False

    @property
    def billed(self) -> Decimal:
        return sum([line.charge for line in self.lines], _ZERO)


@dataclass(slots=True)
class PriorPayerLine:
    """Loop 2430 on a secondary claim: the primary's adjudication of one line."""

    line_id: str
    paid: Decimal
    units: int
    adjustments: list[tuple[str, str, Decimal]]


@dataclass(slots=True)
class PriorPayer:
    """Loop 2320/2330B on a secondary claim: who paid first, how much, when."""

    coverage: Coverage
    paid: Decimal
    patient_responsibility: Decimal
    adjudication_date: date
    lines: list[PriorPayerLine]


@dataclass(slots=True)
class Submission:
    """One claim in an 837 batch."""

    claim: Claim
    kind: str  # original | resend | replacement | void | secondary
    frequency: str  # CLM05-3: 1, 7, 8
    payer: PayerProfile
    coverage: Coverage  # the coverage billed (primary, or secondary on a COB claim)
    responsibility: str  # SBR01: P or S
    lines: tuple[ClaimLine, ...]
    billed: Decimal
    payer_claim_number: str | None = None  # REF*F8 on replacements and voids
    other_coverage: Coverage | None = None  # 2320 on a primary claim: the secondary plan
    prior_payer: PriorPayer | None = None  # 2320/2430 on a secondary claim


@dataclass(slots=True)
class ClaimBatch:
    """One weekly 837 file."""

    batch_date: date
    batch_number: int
    submissions: list[Submission]


@dataclass(slots=True)
class LinePayment:
    line_id: str
    code: str
    modifiers: tuple[str, ...]
    charge: Decimal
    paid: Decimal
    units: int
    service_date: date
    allowed: Decimal | None  # AMT*B6
    adjustments: list[tuple[str, str, Decimal]]  # (group, CARC, amount)
    remarks: tuple[str, ...] = ()


@dataclass(slots=True)
class Remittance:
    """One 835 claim payment (CLP) and its service lines."""

    claim: Claim
    payer: PayerProfile
    status: str  # CLP02
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal
    payer_claim_number: str  # CLP07
    frequency: str  # CLP09
    claim_adjustments: list[tuple[str, str, Decimal]]
    lines: list[LinePayment]
    received_date: date
    crossover: Coverage | None = None  # NM1*TT when CLP02 = 19
    reverses: str | None = None  # CLP07 of the remittance a CLP02 22 reverses
    remarks: tuple[str, ...] = ()  # claim-level RARC (MOA)
    payment_date: date | None = None  # set by the payment run


@dataclass(slots=True)
class ProviderAdjustment:
    reason: str  # PLB03-1: L6 interest, WO overpayment recovery, FB forward balance
    reference: str
    amount: Decimal  # positive reduces the payment


@dataclass(slots=True)
class PaymentRun:
    """One 835 file: one payer's payment (check or EFT) on one date."""

    payer: PayerProfile
    payment_date: date
    run_number: int
    trace_number: str
    remittances: list[Remittance]
    provider_adjustments: list[ProviderAdjustment]

    @property
    def total(self) -> Decimal:
        paid = sum([r.paid for r in self.remittances], _ZERO)
        return paid - sum([p.amount for p in self.provider_adjustments], _ZERO)


@dataclass(slots=True)
class VisitRecorded:
    visit: Visit


@dataclass(slots=True)
class PatientPayment:
    payment_id: str
    posting_date: date
    patient: Patient
    visit_id: str | None
    claim_id: str | None
    amount: Decimal  # negative: a refund
    method: str  # card, cash, check; refund


@dataclass(slots=True)
class PatientWriteOff:
    adjustment_id: str
    posting_date: date
    patient: Patient
    visit_id: str | None
    claim_id: str | None
    amount: Decimal
    reason: str  # small_balance | bad_debt | hardship


@dataclass(slots=True)
class Leak:
    kind: str
    claim_id: str | None
    line_ids: tuple[str, ...]
    visit_id: str | None
    payer_key: str | None
    service_date: date
    amount: Decimal
    detail: str


@dataclass(slots=True)
class ClaimClosed:
    """No event will touch this claim again (lets the truth accumulator free memory)."""

    claim_id: str


@dataclass(slots=True)
class MonthEnd:
    day: date


Event = (VisitRecorded | ClaimBatch | PaymentRun | PatientPayment | PatientWriteOff | Leak
         | ClaimClosed | MonthEnd)

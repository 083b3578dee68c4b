"""What the synthetic world is made of: payers, practice templates, codes and name lists.

Figures are illustrative but drawn from the domain reference (docs: pipelines/synth/README.md):
payer shares of the Medicare fee schedule, adjudication lags, denial rates, CARC/RARC mixes and
filing limits are typical of the payer class, not of any real plan. Every name is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

D = Decimal

# ------------------------------------------------------------------ Medicare constants
KX_THRESHOLD = {2025: D("2410.00"), 2026: D("2480.00")}  # OT, per beneficiary per year
PART_B_DEDUCTIBLE = {2025: D("257.00"), 2026: D("283.00")}
MEDICARE_COINSURANCE = D("0.20")
SEQUESTRATION = D("0.02")  # of the Medicare payment, CARC 253
ASSISTANT_SHARE = D("0.85")  # modifier CO: 85 % of the otherwise applicable amount

TIMED_CODES = ("97110", "97112", "97116", "97140", "97530", "97533", "97535", "97537",
               "97542", "97750", "97760", "97761", "97763", "97129", "97130")
UNTIMED_CODES = ("97165", "97166", "97167", "97168", "97150", "97018")
EVALUATION_CODES = ("97165", "97166", "97167", "97168")
COGNITIVE_FIRST, COGNITIVE_ADDON = "97129", "97130"


@dataclass(frozen=True, slots=True)
class Denial:
    """One way a payer refuses a service: CAS group + CARC, RARC (LQ*HE), how much is refused."""

    group: str
    carc: str
    rarc: str
    scope: str  # "claim": every line; "line": one line; "not_found": CLP02 4, claim-level CAS
    reworkable: bool  # the practice can fix and resubmit (replacement, frequency 7)
    weight: int


@dataclass(frozen=True, slots=True)
class PlanDesign:
    """Patient cost share of one plan variant."""

    weight: int
    deductible: Decimal
    coinsurance: Decimal
    copay: Decimal


@dataclass(frozen=True, slots=True)
class PayerProfile:
    key: str
    name: str
    payer_id: str
    kind: str  # medicare | medicaid | medicare_advantage | commercial | workers_comp
    filing_indicator: str  # SBR09 / CLP06
    share_of_medicare: Decimal  # contract allowed = share × Medicare PFS amount
    lag_days: tuple[int, int]  # submission → ready for adjudication
    run_weekdays: tuple[int, ...]  # payment runs (0 = Monday)
    denial_rate: Decimal  # probability that a first adjudication carries a denial
    denials: tuple[Denial, ...]
    filing_limit_days: int
    plans: tuple[PlanDesign, ...]
    x12_style: str  # separators/layout of this payer's 835 files
    payment_method: str  # ACH or CHK
    mppr: bool = False
    sequestration: bool = False
    requires_go: bool = False
    kx_threshold: bool = False
    assistant_reduction: bool = False
    underpay_rate: Decimal = D("0")  # lines paid below contract (never corrected: a leak)
    correction_rate: Decimal = D("0")  # paid claims later reversed and paid again
    interest_rate: Decimal = D("0")  # runs with a PLB interest (L6) line
    recoupment_rate: Decimal = D("0")  # runs with a PLB overpayment recovery (WO)
    duplicate_rate: Decimal = D("0")  # claims unanswered after 24 days that get resent (OA-18)
    member_id_style: str = "alnum"
    receiver_id: str = field(default="")


def _denials(*rows: tuple) -> tuple[Denial, ...]:
    return tuple(Denial(*row) for row in rows)


MEDICARE_DENIALS = _denials(
    ("CO", "16", "M51", "line", True, 18), ("CO", "16", "N290", "claim", True, 10),
    ("CO", "50", "N115", "line", False, 14), ("CO", "151", "N640", "line", True, 10),
    ("CO", "27", "N30", "claim", False, 8), ("CO", "96", "N130", "line", False, 6),
    ("CO", "109", "N418", "claim", True, 6), ("CO", "16", "MA130", "claim", True, 12),
    ("CO", "31", "N382", "not_found", True, 6),
)
MEDICAID_DENIALS = _denials(
    ("CO", "197", "N54", "claim", True, 22), ("CO", "16", "MA130", "claim", True, 16),
    ("CO", "31", "N382", "not_found", True, 12), ("CO", "27", "N30", "claim", False, 10),
    ("CO", "119", "N640", "line", False, 10), ("CO", "22", "MA04", "claim", True, 10),
    ("CO", "151", "N640", "line", True, 8),
)
ADVANTAGE_DENIALS = _denials(
    ("CO", "197", "N54", "claim", True, 26), ("CO", "16", "M51", "line", True, 14),
    ("CO", "50", "N115", "line", False, 12), ("CO", "198", "N54", "line", True, 12),
    ("CO", "27", "N30", "claim", False, 8), ("CO", "242", "N130", "claim", True, 8),
)
COMMERCIAL_DENIALS = _denials(
    ("CO", "197", "N54", "claim", True, 20), ("CO", "16", "M51", "line", True, 14),
    ("CO", "27", "N30", "claim", False, 10), ("CO", "22", "MA04", "claim", True, 10),
    ("CO", "151", "N640", "line", True, 8), ("CO", "50", "N115", "line", False, 8),
    ("CO", "96", "N130", "line", False, 6), ("CO", "31", "N382", "not_found", True, 6),
)
WORKERS_COMP_DENIALS = _denials(
    ("CO", "197", "N54", "claim", True, 30), ("CO", "252", "N706", "claim", True, 26),
    ("CO", "16", "M51", "line", True, 14), ("CO", "50", "N115", "line", False, 10),
)

# Leak denials: what a payer answers to an injected billing error.
MISSING_KX = Denial("CO", "119", "N640", "line", False, 0)
MISSING_GO = Denial("CO", "4", "N822", "line", False, 0)
NCCI_NO_MODIFIER = Denial("CO", "236", "M80", "line", False, 0)
TIMELY_FILING = Denial("CO", "29", "", "claim", False, 0)

NO_COST_SHARE = (PlanDesign(1, D("0"), D("0"), D("0")),)

PAYERS: dict[str, PayerProfile] = {p.key: p for p in (
    PayerProfile(
        "medicare", "MEDICARE PART B JURISDICTION 9", "09102", "medicare", "MB", D("1.00"),
        (14, 24), (1, 3), D("0.07"), MEDICARE_DENIALS, 365,
        (PlanDesign(1, D("0"), MEDICARE_COINSURANCE, D("0")),), "single_line", "ACH",
        mppr=True, sequestration=True, requires_go=True, kx_threshold=True,
        assistant_reduction=True, correction_rate=D("0.006"), interest_rate=D("0.10"),
        recoupment_rate=D("0.05"), duplicate_rate=D("0.024"), member_id_style="mbi"),
    PayerProfile(
        "medicaid", "STATE MEDICAID FEE FOR SERVICE", "SKMCD", "medicaid", "MC", D("0.72"),
        (18, 35), (2,), D("0.11"), MEDICAID_DENIALS, 180, NO_COST_SHARE, "pipe", "ACH",
        requires_go=True, duplicate_rate=D("0.036"), member_id_style="medicaid"),
    PayerProfile(
        "advantage", "BRIGHTRIVER MEDICARE ADVANTAGE", "BRMA1", "medicare_advantage", "16",
        D("0.98"), (16, 30), (3,), D("0.12"), ADVANTAGE_DENIALS, 365,
        (PlanDesign(3, D("0"), D("0"), D("35.00")), PlanDesign(1, D("0"), D("0"), D("20.00"))),
        "tilde_newline", "ACH", mppr=True, requires_go=True, assistant_reduction=True,
        underpay_rate=D("0.03"),
        correction_rate=D("0.01"), interest_rate=D("0.05"), recoupment_rate=D("0.04")),
    PayerProfile(
        "bluepeak", "BLUEPEAK HEALTH PLAN", "BPK01", "commercial", "BL", D("1.18"), (10, 24),
        (0, 3), D("0.09"), COMMERCIAL_DENIALS, 180,
        (PlanDesign(2, D("0"), D("0"), D("30.00")),
         PlanDesign(2, D("1500.00"), D("0.20"), D("0")),
         PlanDesign(1, D("3000.00"), D("0.10"), D("0"))),
        "tilde_newline", "ACH", underpay_rate=D("0.04"), correction_rate=D("0.01"),
        duplicate_rate=D("0.03"), receiver_id="BPK01"),
    PayerProfile(
        "unity", "UNITY COMMERCIAL INSURANCE", "UNC77", "commercial", "CI", D("1.05"),
        (14, 32), (4,), D("0.10"), COMMERCIAL_DENIALS, 90,
        (PlanDesign(3, D("0"), D("0"), D("40.00")), PlanDesign(1, D("2000.00"), D("0.20"), D("0"))),
        "pipe", "CHK", underpay_rate=D("0.06"), interest_rate=D("0.03"),
        recoupment_rate=D("0.03"), duplicate_rate=D("0.048")),
    PayerProfile(
        "northstar", "NORTHSTAR HEALTH PARTNERS", "NSH20", "commercial", "CI", D("1.25"),
        (12, 28), (1,), D("0.08"), COMMERCIAL_DENIALS, 120,
        (PlanDesign(1, D("1000.00"), D("0.10"), D("0")), PlanDesign(1, D("0"), D("0"), D("25.00"))),
        "single_line", "ACH", underpay_rate=D("0.02"), correction_rate=D("0.008")),
    PayerProfile(
        "keystone_wc", "KEYSTONE WORKERS COMP MUTUAL", "KWC55", "workers_comp", "WC", D("1.45"),
        (25, 50), (2,), D("0.12"), WORKERS_COMP_DENIALS, 365, NO_COST_SHARE, "tilde_newline",
        "CHK", underpay_rate=D("0.05"), interest_rate=D("0.08"), member_id_style="claimno"),
)}

PAYER_ADDRESSES = {
    "medicare": ("PO BOX 6700", "FARGO", "ND", "581086700"),
    "medicaid": ("PO BOX 1450", "CAPITOL CITY", "OH", "432161450"),
    "advantage": ("PO BOX 14601", "LEXINGTON", "KY", "405124601"),
    "keystone_wc": ("PO BOX 2288", "HARRISBURG", "PA", "171052288"),
}
DEFAULT_PAYER_ADDRESS = ("PO BOX 30555", "SALT LAKE CITY", "UT", "841300555")


def payer_address(key: str) -> tuple[str, str, str, str]:
    """Claims mailing address of a payer (invented)."""
    return PAYER_ADDRESSES.get(key, DEFAULT_PAYER_ADDRESS)


SELF_PAY_RATE = D("0.95")  # self-pay price = share of the Medicare amount (cash discount)


@dataclass(frozen=True, slots=True)
class PracticeTemplate:
    slug: str
    name: str
    city: str
    state: str
    zip_code: str
    street: str
    specialty: str
    clearinghouse_style: str  # separators/layout of the practice's 837 batches
    therapists: int
    assistants: int
    locations: tuple[str, ...]
    claims_per_month: int
    payer_mix: tuple[tuple[str, int], ...]  # payer key (or "self_pay"), weight
    secondary_rate: Decimal  # patients with a secondary plan
    diagnoses: tuple[str, ...]  # ICD-10-CM without the dot
    treatment_codes: tuple[tuple[str, int], ...]  # timed/untimed treatment codes, weight
    group_rate: Decimal  # treatment visits that add a group session (97150)
    pediatric: bool = False
    batch_weekday: int = 1


PRACTICES: tuple[PracticeTemplate, ...] = (
    PracticeTemplate(
        "harbor-hand-ot", "HARBOR HAND AND UPPER LIMB THERAPY", "PORT ALDEN", "ME", "041019901",
        "18 WHARF ROW", "hand", "tilde_newline", 3, 1, ("WHARF ROW CLINIC", "NORTH MILL CLINIC"),
        75, (("medicare", 24), ("advantage", 10), ("bluepeak", 22), ("unity", 12),
             ("northstar", 10), ("keystone_wc", 12), ("medicaid", 6), ("self_pay", 4)),
        D("0.16"),
        ("G5601", "G5602", "M65331", "M65311", "S52531D", "S62600D", "S63501D", "M1811",
         "M25641", "M79641", "M720", "M6281", "R278"),
        (("97140", 24), ("97110", 24), ("97530", 16), ("97763", 10), ("97760", 6),
         ("97535", 8), ("97018", 8), ("97112", 4)),
        D("0.00"),
    ),
    PracticeTemplate(
        "cedar-kids-ot", "CEDAR GROVE PEDIATRIC THERAPY", "LINDEN FALLS", "OH", "439019902",
        "402 ORCHARD WAY", "pediatric", "pipe", 3, 2, ("ORCHARD WAY",),
        65, (("medicaid", 46), ("bluepeak", 20), ("unity", 14), ("northstar", 12),
             ("self_pay", 8)),
        D("0.10"),
        ("F82", "F840", "R6250", "F88", "Q909", "G809", "R6332", "F902", "R278"),
        (("97530", 34), ("97533", 18), ("97112", 16), ("97535", 14), ("97110", 10),
         ("97760", 2)),
        D("0.10"), pediatric=True, batch_weekday=2,
    ),
    PracticeTemplate(
        "summit-neuro-ot", "SUMMIT NEURO REHAB OCCUPATIONAL THERAPY", "GRANITE BLUFF", "CO",
        "809019903", "77 RIDGELINE AVE", "neuro", "single_line", 2, 2,
        ("RIDGELINE AVE", "EAST MESA"),
        85, (("medicare", 46), ("advantage", 20), ("medicaid", 8), ("bluepeak", 10),
             ("northstar", 8), ("unity", 4), ("self_pay", 4)),
        D("0.30"),
        ("I69351", "I69354", "I69398", "G20A1", "R41841", "R2689", "M6281", "R531",
         "S069X0S", "G309", "Z471", "R296"),
        (("97530", 26), ("97112", 20), ("97535", 18), ("97129", 12), ("97110", 12),
         ("97542", 6), ("97116", 6)),
        D("0.08"), batch_weekday=0,
    ),
)

# Secondary coverage: primary kind → (secondary payer key, crossover by the primary?)
SECONDARY_BY_PRIMARY = {
    "medicare": (("medicaid", True, 1), ("northstar", True, 2)),  # Medigap-style supplement
    "commercial": (("unity", False, 1), ("bluepeak", False, 1), ("northstar", False, 1)),
}

FIRST_NAMES = (
    "AVA", "LIAM", "NORA", "ELI", "MAYA", "OWEN", "ZOE", "CALEB", "IRIS", "MILO", "RUTH",
    "HENRY", "LUCY", "SILAS", "HAZEL", "ARLO", "JUNE", "FELIX", "CLARA", "OSCAR", "EDITH",
    "WALTER", "MAE", "GIDEON", "TESSA", "ABEL", "NELL", "JASPER", "VERA", "ROSCOE", "PEARL",
    "LEON", "DELIA", "AMOS", "GRETA", "IVAN", "LENA", "OTIS", "WREN", "HUGO",
)
LAST_NAMES = (
    "ASHFORD", "BRANNIGAN", "CALLOWAY", "DUNMORE", "ELLSWORTH", "FARRINGDON", "GALLOWAY",
    "HARTWELL", "IVERSEN", "JARDINE", "KESWICK", "LANGFORD", "MARLOWE", "NETHERTON", "OAKLEY",
    "PEMBERTON", "QUILLAN", "ROWNTREE", "STANWICK", "THORNBURY", "UPSHAW", "VANTREASE",
    "WHITCOMB", "YARDLEY", "ALDERIDGE", "BEXLEY", "CROMWELL", "DRISCOLL", "EASTWICK", "FENWORTH",
)
THERAPIST_FIRST = ("ROSALIND", "DESMOND", "IMOGEN", "BARNABY", "PHILIPPA", "LEOPOLD", "MARGOT",
                   "CORMAC", "BEATRIX", "LUCIAN")
THERAPIST_LAST = ("OKAFOR", "LINDQVIST", "MORIARTY", "ABERNATHY", "VASQUEZ-HOLT", "NAKAMURA-REID",
                  "FAIRWEATHER", "DELACROIX", "STRATHMORE", "KINGSLEY")
STREETS = ("MAPLE", "CEDAR", "BIRCH", "LAUREL", "WILLOW", "ASPEN", "HAWTHORN", "SPRUCE", "ELM",
           "JUNIPER")
STREET_KINDS = ("ST", "AVE", "LN", "RD", "CT", "DR")

"""A tiny X12 reader for the generator's tests (independent of pipelines/x12).

It knows only what the tests need: separators from the ISA, segments as lists of elements,
envelope counts and control numbers, the sums that must balance in 837P and 835 files, and
the form of amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal


@dataclass
class Interchange:
    element: str
    component: str
    terminator: str
    segments: list[list[str]]


def split(data: bytes) -> Interchange:
    text = data.decode("ascii")
    assert text.startswith("ISA"), "file does not start with ISA"
    element = text[3]
    component = text[104]
    terminator = text[105]
    raw = text.split(terminator)
    segments = [s.strip("\r\n").split(element) for s in raw if s.strip("\r\n")]
    return Interchange(element, component, terminator, segments)


def money(value: str) -> Decimal:
    return Decimal(value) if value else Decimal("0")


def check_envelope(ix: Interchange) -> list[str]:
    """Problems with ISA/GS/ST/SE/GE/IEA counts and control numbers (empty when valid)."""
    problems = []
    segs = ix.segments
    isa = segs[0]
    if len(ix.element.join(isa)) + 1 != 106:
        problems.append("ISA is not 106 characters")
    if segs[-1][0] != "IEA" or segs[-1][2] != isa[13]:
        problems.append("IEA02 does not echo ISA13")
    groups = [s for s in segs if s[0] == "GS"]
    if int(segs[-1][1]) != len(groups):
        problems.append("IEA01 is not the number of groups")
    current_gs = None
    st_count = 0
    st_start = None
    st_control = None
    for i, seg in enumerate(segs):
        tag = seg[0]
        if tag == "GS":
            current_gs, st_count = seg, 0
        elif tag == "ST":
            st_start, st_control = i, seg[2]
            st_count += 1
        elif tag == "SE":
            if int(seg[1]) != i - st_start + 1:
                problems.append(f"SE01 {seg[1]} != {i - st_start + 1} segments")
            if seg[2] != st_control:
                problems.append("SE02 does not echo ST02")
        elif tag == "GE":
            if int(seg[1]) != st_count:
                problems.append("GE01 is not the number of transactions")
            if seg[2] != current_gs[6]:
                problems.append("GE02 does not echo GS06")
    return problems


def check_837(ix: Interchange) -> list[str]:
    """CLM02 = Σ SV102 for every claim."""
    problems = []
    claim = None
    total = Decimal("0")

    def close():
        if claim is not None and money(claim[2]) != total:
            problems.append(f"claim {claim[1]}: CLM02 {claim[2]} != Σ SV102 {total}")

    for seg in ix.segments:
        if seg[0] in ("CLM", "SE"):
            close()
            claim, total = (seg, Decimal("0")) if seg[0] == "CLM" else (None, Decimal("0"))
        elif seg[0] == "SV1":
            total += money(seg[2])
    return problems


def check_835(ix: Interchange) -> list[str]:
    """Claim, line and check balancing of every 835 transaction."""
    problems = []
    clp = svc = None
    claim_cas = line_cas = Decimal("0")
    svc_sum = Decimal("0")
    paid_total = plb_total = Decimal("0")
    bpr = None

    def close_line():
        nonlocal svc
        if svc is not None and money(svc[2]) - money(svc[3]) != line_cas:
            problems.append(f"line of {clp[1]}: SVC02-SVC03 != Σ CAS {line_cas}")
        svc = None

    def close_claim():
        nonlocal clp
        close_line()
        if clp is not None and money(clp[3]) - money(clp[4]) != claim_cas:
            problems.append(f"claim {clp[1]}: CLP03-CLP04 {money(clp[3]) - money(clp[4])} "
                            f"!= Σ CAS {claim_cas}")
        clp = None

    for seg in ix.segments:
        tag = seg[0]
        if tag == "BPR":
            bpr = seg
        elif tag == "CLP":
            close_claim()
            clp, claim_cas = seg, Decimal("0")
            paid_total += money(seg[4])
        elif tag == "SVC":
            close_line()
            svc, line_cas = seg, Decimal("0")
            svc_sum += money(seg[2])
        elif tag == "CAS":
            amounts = sum((money(seg[i]) for i in range(3, len(seg), 3)), Decimal("0"))
            claim_cas += amounts
            if svc is not None:
                line_cas += amounts
        elif tag == "PLB":
            close_claim()
            plb_total += sum((money(seg[i]) for i in range(4, len(seg), 2)), Decimal("0"))
        elif tag == "SE":
            close_claim()
            if money(bpr[2]) != paid_total - plb_total:
                problems.append(f"BPR02 {bpr[2]} != ΣCLP04 − ΣPLB {paid_total - plb_total}")
            paid_total = plb_total = Decimal("0")
    return problems


# amount elements (1-based positions after the tag) of the segments the generator writes
AMOUNTS = {"CLM": (2,), "SV1": (2,), "AMT": (2,), "SVD": (2,), "BPR": (2,), "CLP": (3, 4, 5),
           "SVC": (2, 3)}
TWO_DECIMALS = re.compile(r"-?\d+\.\d\d")


def check_amounts(ix: Interchange) -> list[str]:
    """Amount elements not written with two decimals (``123.45``, ``-5.00``, ``0.00``)."""
    problems = []
    for seg in ix.segments:
        tag = seg[0]
        if tag == "CAS":
            positions = range(3, len(seg), 3)
        elif tag == "PLB":
            positions = range(4, len(seg), 2)
        else:
            positions = AMOUNTS.get(tag, ())
        for i in positions:
            if i < len(seg) and not TWO_DECIMALS.fullmatch(seg[i]):
                problems.append(f"{tag}{i:02d} {seg[i]!r} is not an amount with two decimals")
    return problems

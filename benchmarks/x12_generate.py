"""Seeded generator of large synthetic 835 and 837P files for the X12 benchmark.

Simple and fast on purpose: realistic shape (therapy codes, 1-4 lines per claim, CAS at claim
and line level, reversals, PLB, many ST per interchange), every amount balanced, and the ground
truth (claim count, total charge, total paid) returned so the benchmark can check each reader.
All names and identifiers are synthetic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

CODES = ("97110", "97112", "97140", "97530", "97535", "97161", "97162", "97165", "97166",
         "97750", "G0283", "97035")
MODIFIERS = ("GP", "GO", "GP:KX", "GO:59", "GP:59:KX", "")
DIAGNOSES = ("M5450", "M6281", "M25511", "S83241A", "M545", "G8190", "M79604", "R262")
LAST = ("SMITH", "JOHNSON", "LEE", "GARCIA", "BROWN", "DAVIS", "MILLER", "WILSON", "MOORE")
FIRST = ("ANN", "BOB", "CARA", "DEV", "ELI", "FAY", "GUS", "HAL", "IVY", "JON")
CLAIMS_PER_TRANSACTION = 400


@dataclass
class Truth:
    path: Path
    bytes: int
    claims: int
    service_lines: int
    total_charge: Decimal
    total_paid: Decimal | None


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def _isa(control: int, sender: str, receiver: str) -> str:
    return (f"ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*{receiver:<15}*240105*1200*^"
            f"*00501*{control:09d}*0*P*:~\n")


def _procedure(rng: random.Random) -> str:
    modifier = rng.choice(MODIFIERS)
    return "HC:" + rng.choice(CODES) + (":" + modifier if modifier else "")


def generate_835(path: Path, target_bytes: int, seed: int,
                 claims_per_transaction: int = CLAIMS_PER_TRANSACTION) -> Truth:
    rng = random.Random(seed)
    claims = lines = charge_total = paid_total = 0
    written = 0
    with open(path, "w", newline="") as out:
        out.write(_isa(1, "ACMEPAYER", "BRIGHTTHERAPY"))
        out.write("GS*HP*ACMEPAYER*BRIGHTTHERAPY*20240105*1200*1*X*005010X221A1~\n")
        transaction = 0
        while written < target_bytes:
            transaction += 1
            body, tx_paid, tx_claims, tx_lines, tx_charge = _remit_claims(
                rng, claims, claims_per_transaction)
            plb = rng.randint(0, 5000)
            head = [
                f"ST*835*{transaction:04d}~",
                f"BPR*I*{_money(tx_paid - plb)}*C*ACH*CCP*01*011000015*DA*123456789*1512345678"
                f"**01*021000021*DA*987654321*20240105~",
                f"TRN*1*EFT{transaction:08d}*1512345678~", "DTM*405*20240104~",
                "N1*PR*ACME HEALTH PLAN~", "N3*1 PAYER WAY~", "N4*HARTFORD*CT*06101~",
                "REF*2U*PAYERX~", "N1*PE*BRIGHT THERAPY*XX*1234567893~", "REF*TJ*987654321~",
                "LX*1~",
            ]
            tail = [f"PLB*1234567893*20241231*WO:ADJ{transaction}*{_money(plb)}~"]
            segments = head + body + tail
            segments.append(f"SE*{len(segments) + 1}*{transaction:04d}~")
            text = "\n".join(segments) + "\n"
            out.write(text)
            written += len(text)
            claims += tx_claims
            lines += tx_lines
            charge_total += tx_charge
            paid_total += tx_paid
        out.write(f"GE*{transaction}*1~\nIEA*1*000000001~\n")
    return Truth(path, path.stat().st_size, claims, lines, Decimal(charge_total) / 100,
                 Decimal(paid_total) / 100)


def _remit_claims(rng: random.Random, first: int, count: int):
    segments: list[str] = []
    paid_sum = charge_sum = line_count = 0
    for number in range(first + 1, first + 1 + count):
        sign = -1 if rng.random() < 0.04 else 1
        status = "22" if sign < 0 else rng.choice(("1", "1", "1", "2", "4"))
        line_segments, claim_charge, claim_paid, claim_pr = [], 0, 0, 0
        for _ in range(rng.randint(1, 4)):
            charge = rng.randint(3000, 25000)
            paid = 0 if status == "4" else rng.randint(0, charge)
            patient = rng.randint(0, charge - paid)
            contractual = charge - paid - patient
            claim_charge, claim_paid, claim_pr = (claim_charge + charge, claim_paid + paid,
                                                  claim_pr + patient)
            units = rng.randint(1, 4)
            line_segments += [
                f"SVC*{_procedure(rng)}*{_money(sign * charge)}*{_money(sign * paid)}**"
                f"{sign * units}~",
                f"DTM*472*2023{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}~",
                f"CAS*CO*45*{_money(sign * contractual)}~",
                f"CAS*PR*2*{_money(sign * patient)}~",
                f"REF*6R*L{number}X{len(line_segments)}~",
                f"AMT*B6*{_money(sign * (paid + patient))}~",
            ]
            if rng.random() < 0.3:
                line_segments.append("LQ*HE*N130~")
            line_count += 1
        segments += [
            f"CLP*PCN{number:08d}*{status}*{_money(sign * claim_charge)}*"
            f"{_money(sign * claim_paid)}*{_money(sign * claim_pr)}*12*PAY{number:010d}*11*1~",
            f"NM1*QC*1*{rng.choice(LAST)}*{rng.choice(FIRST)}****MI*"
            f"MEM{rng.randint(1, 99999):06d}~",
            "NM1*82*1*SMITH*ANN****XX*1111111112~",
            "DTM*232*20231201~", "DTM*233*20231231~",
            *line_segments,
        ]
        paid_sum += sign * claim_paid
        charge_sum += sign * claim_charge
    return segments, paid_sum, count, line_count, charge_sum


def generate_837p(path: Path, target_bytes: int, seed: int,
                  claims_per_transaction: int = CLAIMS_PER_TRANSACTION) -> Truth:
    rng = random.Random(seed)
    claims = lines = charge_total = 0
    written = 0
    with open(path, "w", newline="") as out:
        out.write(_isa(1, "BRIGHTTHERAPY", "ACMEPAYER"))
        out.write("GS*HC*BRIGHTTHERAPY*ACMEPAYER*20240105*1200*1*X*005010X222A1~\n")
        transaction = 0
        while written < target_bytes:
            transaction += 1
            segments = [
                f"ST*837*{transaction:04d}*005010X222A1~",
                f"BHT*0019*00*B{transaction:08d}*20240105*1200*CH~",
                "NM1*41*2*BRIGHT THERAPY*****46*SUBM01~", "PER*IC*BILLING*TE*5555550100~",
                "NM1*40*2*ACME HEALTH PLAN*****46*RECV01~", "HL*1**20*1~",
                "PRV*BI*PXC*225100000X~", "NM1*85*2*BRIGHT THERAPY*****XX*1234567893~",
                "N3*10 MAIN ST~", "N4*SPRINGFIELD*IL*62701~", "REF*EI*987654321~",
            ]
            for offset in range(claims_per_transaction):
                number = claims + offset + 1
                claim_lines, claim_charge = [], 0
                for line in range(1, rng.randint(1, 4) + 1):
                    charge = rng.randint(3000, 25000)
                    claim_charge += charge
                    claim_lines += [
                        f"LX*{line}~",
                        f"SV1*{_procedure(rng)}*{_money(charge)}*UN*{rng.randint(1, 4)}***1:2~",
                        f"DTP*472*D8*2023{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}~",
                        f"REF*6R*L{number}X{line}~",
                    ]
                lines += len(claim_lines) // 4
                charge_total += claim_charge
                segments += [
                    f"HL*{offset + 2}*1*22*0~", "SBR*P*18*GRP100******CI~",
                    f"NM1*IL*1*{rng.choice(LAST)}*{rng.choice(FIRST)}****MI*"
                    f"MEM{rng.randint(1, 99999):06d}~",
                    "N3*5 ELM ST~", "N4*SPRINGFIELD*IL*62702~",
                    f"DMG*D8*19{rng.randint(30, 99)}0{rng.randint(1, 9)}15*"
                    f"{rng.choice('MF')}~",
                    "NM1*PR*2*ACME HEALTH PLAN*****PI*PAYERX~",
                    f"CLM*PCN{number:08d}*{_money(claim_charge)}***11:B:1*Y*A*Y*Y~",
                    "DTP*431*D8*20231101~", f"REF*G1*AUTH{number}~",
                    f"HI*ABK:{rng.choice(DIAGNOSES)}*ABF:{rng.choice(DIAGNOSES)}~",
                    "NM1*82*1*SMITH*ANN****XX*2222222220~", "PRV*PE*PXC*225100000X~",
                    *claim_lines,
                ]
            claims += claims_per_transaction
            segments.append(f"SE*{len(segments) + 1}*{transaction:04d}~")
            text = "\n".join(segments) + "\n"
            out.write(text)
            written += len(text)
        out.write(f"GE*{transaction}*1~\nIEA*1*000000001~\n")
    return Truth(path, path.stat().st_size, claims, lines, Decimal(charge_total) / 100, None)

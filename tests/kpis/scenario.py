"""A dozen hand-made claims for one practice, one per revenue-cycle rule (test_scenario.py
holds the answers, worked out by hand from the amounts below).

Medicare (MB) and a commercial payer (CI), January 2026 dates of service, 2026 Medicare
national amounts: 97110 29.06 (MPPR subsequent unit 22.21), 97530 35.07, 97140 subsequent
unit 21.21. Medicare pays 80 % of allowed less 2 % sequestration of that.

C01 clean, two units of 97110 under MPPR     C07 CLP02 4 (patient not found), claim-level CO-31
C02 partial denial (CO-50 on one line)       C08 never adjudicated (open insurance AR)
C03 full denial, replacement under a new      C09 Medicare then the commercial plan as secondary
    CLM01 found by REF*F8, reversal, payment  C10 commercial, one line below its contract
C04 payer's own correction: reversal, repaid  C11 OT assistant (modifier CO) at 85 %
C05 paid, then voided (reversal follows)      C12 coinsurance overpaid by the patient (credit)
C06 resend answered OA-18 (duplicate), copay  Z99 a remittance for a claim never seen
    paid at the desk before billing (PM visit)    C02's coinsurance written off in March
"""

from __future__ import annotations

from datetime import date

from tests.kpis.raw_builder import Line, Payer, RawWarehouse, Svc

CLIENT = "acme-ot"
MEDICARE = Payer("09102", "MEDICARE PART B", "MB")
UNITY = Payer("UNC77", "UNITY COMMERCIAL", "CI")


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def build() -> RawWarehouse:
    raw = RawWarehouse(CLIENT)

    # ------------------------------------------------------------------ 837 claims
    f = raw.claim_file(d(1, 6))
    f.claim("C01", MEDICARE, [Line("97110", 2, "120.00", d(1, 5), "C01-1", ("GO",))])
    f.claim("C02", MEDICARE, [Line("97530", 1, "70.00", d(1, 5), "C02-1", ("GO",)),
                              Line("97140", 1, "55.00", d(1, 5), "C02-2", ("GO",))])
    f.claim("C03", MEDICARE, [Line("97110", 1, "60.00", d(1, 5), "C03-1")])
    f = raw.claim_file(d(1, 8))
    f.claim("C04", UNITY, [Line("97110", 1, "60.00", d(1, 7), "C04-1")])
    f.claim("C05", UNITY, [Line("97530", 1, "80.00", d(1, 7), "C05-1")])
    f = raw.claim_file(d(1, 13))
    f.claim("C06", UNITY, [Line("97110", 2, "120.00", d(1, 12), "C06-1")])
    f.claim("C07", MEDICARE, [Line("97110", 1, "60.00", d(1, 12), "C07-1", ("GO",))])
    f = raw.claim_file(d(1, 20))
    f.claim("C08", MEDICARE, [Line("97535", 1, "65.00", d(1, 12), "C08-1", ("GO",))])
    f.claim("C09", MEDICARE, [Line("97110", 1, "60.00", d(1, 19), "C09-1", ("GO",))],
            other_payer=UNITY)
    f = raw.claim_file(d(1, 22))
    f.claim("C10", UNITY, [Line("97530", 1, "80.00", d(1, 21), "C10-1"),
                           Line("97110", 1, "60.00", d(1, 21), "C10-2")])
    f.claim("C11", MEDICARE, [Line("97110", 1, "60.00", d(1, 21), "C11-1", ("GO", "CO"))])
    f = raw.claim_file(d(1, 27))
    f.claim("C12", UNITY, [Line("97110", 1, "60.00", d(1, 26), "C12-1")])
    f = raw.claim_file(d(2, 3))
    f.claim("C03R", MEDICARE, [Line("97110", 1, "60.00", d(1, 5), "C03-1", ("GO",))],
            frequency="7", payer_claim_number="MCR-C03-A")
    f.claim("C06", UNITY, [Line("97110", 2, "120.00", d(1, 12), "C06-1")])  # resend
    f = raw.claim_file(d(2, 13))
    f.claim("C09", UNITY, [Line("97110", 1, "60.00", d(1, 19), "C09-1", ("GO",))],
            responsibility="S", other_payer=MEDICARE)
    f = raw.claim_file(d(2, 20))
    f.claim("C05", UNITY, [Line("97530", 1, "80.00", d(1, 7), "C05-1")],
            frequency="8", payer_claim_number="UNC-C05")

    # -------------------------------------------------------------- 835 remittances
    r = raw.remit_file(MEDICARE, d(1, 27))
    r.clp("C01", "1", "120.00", "40.20", "10.25", "MCR-C01", lines=[
        Svc("97110", "120.00", "40.20", 2, "C01-1", "51.27",
            [("CO", "45", "68.73"), ("PR", "2", "10.25"), ("CO", "253", "0.82")])])
    r.clp("C02", "1", "125.00", "27.50", "7.01", "MCR-C02", lines=[
        Svc("97530", "70.00", "27.50", 1, "C02-1", "35.07",
            [("CO", "45", "34.93"), ("PR", "2", "7.01"), ("CO", "253", "0.56")]),
        Svc("97140", "55.00", "0.00", 1, "C02-2", "0.00", [("CO", "50", "55.00")],
            remarks=("N115",))])
    r.clp("C03", "1", "60.00", "0.00", "0.00", "MCR-C03-A", lines=[
        Svc("97110", "60.00", "0.00", 1, "C03-1", "0.00", [("CO", "4", "60.00")],
            remarks=("N822",))])
    r.close()

    r = raw.remit_file(UNITY, d(2, 6))
    r.clp("C04", "1", "60.00", "27.46", "0.00", "UNC-C04", lines=[
        Svc("97110", "60.00", "27.46", 1, "C04-1", "27.46", [("CO", "45", "32.54")])])
    r.clp("C05", "1", "80.00", "36.82", "0.00", "UNC-C05", lines=[
        Svc("97530", "80.00", "36.82", 1, "C05-1", "36.82", [("CO", "45", "43.18")])])
    r.clp("C06", "1", "120.00", "21.02", "40.00", "UNC-C06", lines=[
        Svc("97110", "120.00", "21.02", 2, "C06-1", "61.02",
            [("CO", "45", "58.98"), ("PR", "3", "40.00")])])
    r.close()

    r = raw.remit_file(MEDICARE, d(2, 10))
    r.clp("C07", "4", "60.00", "0.00", "0.00", "MCR-C07", cas=[("CO", "31", "60.00")],
          remarks=("N382",))
    r.clp("C09", "1", "60.00", "22.78", "5.81", "MCR-C09", lines=[
        Svc("97110", "60.00", "22.78", 1, "C09-1", "29.06",
            [("CO", "45", "30.94"), ("PR", "2", "5.81"), ("CO", "253", "0.47")])])
    r.clp("C11", "1", "60.00", "19.36", "4.94", "MCR-C11", lines=[
        Svc("97110", "60.00", "19.36", 1, "C11-1", "24.70",
            [("CO", "45", "35.30"), ("PR", "2", "4.94"), ("CO", "253", "0.40")],
            modifiers=("GO", "CO"))])
    r.clp("Z99", "1", "20.00", "10.00", "0.00", "MCR-Z99", cas=[("CO", "45", "10.00")])
    r.plb("L6", "-1.50")
    r.close()

    r = raw.remit_file(MEDICARE, d(2, 17))
    r.clp("C03", "22", "-60.00", "0.00", "0.00", "MCR-C03-A", lines=[
        Svc("97110", "-60.00", "0.00", 1, "C03-1", "0.00", [("CO", "4", "-60.00")])])
    r.clp("C03R", "1", "60.00", "22.78", "5.81", "MCR-C03-B", frequency="7", lines=[
        Svc("97110", "60.00", "22.78", 1, "C03-1", "29.06",
            [("CO", "45", "30.94"), ("PR", "2", "5.81"), ("CO", "253", "0.47")])])
    r.close()

    r = raw.remit_file(UNITY, d(2, 20))
    r.clp("C06", "1", "120.00", "0.00", "0.00", "UNC-C06-D", cas=[("OA", "18", "120.00")])
    r.clp("C10", "1", "140.00", "64.75", "0.00", "UNC-C10", lines=[
        Svc("97530", "80.00", "34.24", 1, "C10-1", "34.24", [("CO", "45", "45.76")]),
        Svc("97110", "60.00", "30.51", 1, "C10-2", "30.51", [("CO", "45", "29.49")])])
    r.clp("C12", "1", "60.00", "21.97", "5.49", "UNC-C12", lines=[
        Svc("97110", "60.00", "21.97", 1, "C12-1", "27.46",
            [("CO", "45", "32.54"), ("PR", "2", "5.49")])])
    r.close()

    r = raw.remit_file(UNITY, d(3, 6))
    r.clp("C04", "22", "-60.00", "-27.46", "0.00", "UNC-C04", lines=[
        Svc("97110", "-60.00", "-27.46", 1, "C04-1", "-27.46", [("CO", "45", "-32.54")])])
    r.clp("C04", "1", "60.00", "30.51", "0.00", "UNC-C04-2", lines=[
        Svc("97110", "60.00", "30.51", 1, "C04-1", "30.51", [("CO", "45", "29.49")])])
    r.clp("C05", "22", "-80.00", "-36.82", "0.00", "UNC-C05", lines=[
        Svc("97530", "-80.00", "-36.82", 1, "C05-1", "-36.82", [("CO", "45", "-43.18")])])
    r.clp("C09", "2", "60.00", "5.81", "0.00", "UNC-C09-S", lines=[
        Svc("97110", "60.00", "5.81", 1, "C09-1", "5.81", [("OA", "23", "54.19")])])
    r.close()

    # ------------------------------------------------------------------- PM exports
    raw.charge("V06", "C06", "97110", d(1, 12), "120.00", 2)
    raw.patient_payment(None, d(1, 12), "40.00", visit_id="V06")  # copay at the desk
    raw.patient_payment("C12", d(3, 2), "10.00")
    raw.patient_payment(None, d(3, 10), "15.00", visit_id="V99")  # a visit never billed
    raw.patient_payment("C01", d(3, 20), "10.25")
    raw.patient_write_off("C02", d(3, 25), "7.01")
    raw.contract(UNITY, "97530", medicare_share="1.05")
    raw.contract(UNITY, "97110", amount="30.51")
    return raw

"""Practice-management exports in revaudit's canonical CSV layout (docs/pm-canonical.md).

One writer per client, fed the same events as everything else and writing rows as they come.
A vendor-shaped export is another module with the same ``PmWriter`` interface
(``feed(event)``, ``close()``), so a format can be swapped without touching the simulation.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl

from pipelines.pm.tables import TABLES
from pipelines.synth.catalog import PAYERS, SECONDARY_BY_PRIMARY, SELF_PAY_RATE
from pipelines.synth.clinic import charge_master
from pipelines.synth.events import (
    ClaimBatch,
    PatientPayment,
    PatientWriteOff,
    Practice,
    Visit,
    VisitRecorded,
)
from pipelines.synth.money import fmt, share
from pipelines.synth.pricing import unit_rate
from pipelines.synth.reference_data import medicare_fee_schedule

COLUMNS = {
    "patients": ("patient_id", "last_name", "first_name", "birth_date", "sex", "street", "city",
                 "state", "zip_code", "primary_payer_id", "primary_payer_name",
                 "primary_member_id", "primary_relationship", "secondary_payer_id",
                 "secondary_payer_name", "secondary_member_id"),
    "visits": ("visit_id", "patient_id", "patient_last_name", "patient_first_name",
               "patient_birth_date", "member_id", "visit_date", "location_id", "location_name",
               "provider_npi", "provider_role", "supervising_npi", "status", "visit_type",
               "note_signed", "note_signed_date"),
    "services": ("service_id", "visit_id", "procedure_code", "modifiers", "minutes",
                 "units_entered", "provider_npi"),
    "charges": ("charge_id", "visit_id", "service_id", "claim_id", "line_id", "service_date",
                "posted_date", "billed_date", "procedure_code", "modifiers", "units", "amount",
                "payer_id", "status"),
    "patient_payments": ("payment_id", "patient_id", "visit_id", "claim_id", "posting_date",
                         "amount", "method"),
    "adjustments": ("adjustment_id", "patient_id", "visit_id", "claim_id", "posting_date",
                    "amount", "adjustment_type", "applies_to"),
    "fee_schedule": ("procedure_code", "modifier", "unit_price", "effective_from",
                     "effective_to"),
    "payer_contracts": ("payer_id", "payer_name", "procedure_code", "modifier", "basis",
                        "allowed_amount", "share_of_medicare", "effective_from",
                        "effective_to"),
}


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


class CanonicalPmWriter:
    """Writes ``<client>/pm/*.csv`` as the events of one client arrive."""

    def __init__(self, practice: Practice, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.practice = practice
        self.handles = {}
        self.writers = {}
        for name, columns in COLUMNS.items():
            handle = (folder / f"{name}.csv").open("w", newline="", encoding="utf-8")
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            self.handles[name], self.writers[name] = handle, writer
        self.seen_patients: set[str] = set()
        self.charge_seq = 0
        self._static_tables()

    # ------------------------------------------------------------------ static
    def _static_tables(self) -> None:
        start, end = self.practice.window_start, self.practice.window_end
        prices = charge_master(self.practice)
        for code, price in sorted(prices.items()):
            self.writers["fee_schedule"].writerow((code, "", fmt(price), _d(start), ""))
        in_mix = {k for k, _ in self.practice.template.payer_mix}
        secondaries = {option[0] for options in SECONDARY_BY_PRIMARY.values()
                       for option in options}
        payers = sorted(k for k in PAYERS if k in in_mix or k in secondaries)
        for key in payers:
            payer = PAYERS[key]
            for year in range(start.year, end.year + 1):
                valid_from = max(start, date(year, 1, 1))
                valid_to = min(end, date(year, 12, 31))
                for code in sorted(prices):
                    if medicare_fee_schedule(year)[code].amount <= 0:
                        continue
                    if payer.kind in ("medicare", "medicare_advantage"):
                        row = (payer.payer_id, payer.name, code, "", "share_of_medicare", "",
                               f"{payer.share_of_medicare:.4f}", _d(valid_from), _d(valid_to))
                    else:
                        row = (payer.payer_id, payer.name, code, "", "fixed",
                               fmt(unit_rate(payer, code, year)), "", _d(valid_from),
                               _d(valid_to))
                    self.writers["payer_contracts"].writerow(row)

    # ------------------------------------------------------------------ events
    def feed(self, event) -> None:
        if isinstance(event, VisitRecorded):
            self._visit(event.visit)
        elif isinstance(event, ClaimBatch):
            self._batch(event)
        elif isinstance(event, PatientPayment):
            self.writers["patient_payments"].writerow(
                (event.payment_id, event.patient.patient_id, event.visit_id or "",
                 event.claim_id or "", _d(event.posting_date), fmt(event.amount), event.method))
        elif isinstance(event, PatientWriteOff):
            self.writers["adjustments"].writerow(
                (event.adjustment_id, event.patient.patient_id, event.visit_id or "",
                 event.claim_id or "", _d(event.posting_date), fmt(event.amount), event.reason,
                 "patient"))

    def _patient(self, visit: Visit) -> None:
        patient = visit.patient
        if patient.patient_id in self.seen_patients:
            return
        self.seen_patients.add(patient.patient_id)
        p, primary, secondary = patient.person, patient.primary, patient.secondary
        self.writers["patients"].writerow((
            patient.patient_id, p.last_name, p.first_name, _d(p.birth_date), p.sex, p.street,
            p.city, p.state, p.zip_code,
            primary.payer.payer_id if primary else "",
            primary.payer.name if primary else "SELF PAY",
            primary.member_id if primary else "", primary.relationship if primary else "",
            secondary.payer.payer_id if secondary else "",
            secondary.payer.name if secondary else "", secondary.member_id if secondary else ""))

    def _visit(self, visit: Visit) -> None:
        self._patient(visit)
        patient = visit.patient
        p = patient.person
        self.writers["visits"].writerow((
            visit.visit_id, patient.patient_id, p.last_name, p.first_name, _d(p.birth_date),
            patient.primary.member_id if patient.primary else "", _d(visit.visit_date),
            visit.location.location_id, visit.location.name, visit.provider.npi,
            visit.provider.role, visit.supervising.npi, visit.status, visit.kind,
            "Y" if visit.note_signed_date else "N", _d(visit.note_signed_date)))
        services = self.writers["services"]
        for s in visit.services:
            services.writerow((s.service_id, visit.visit_id, s.code, ";".join(s.modifiers),
                               "" if s.minutes is None else s.minutes, s.units_entered,
                               s.provider_npi))
        if visit.status == "attended" and visit.billing != "claim":
            for s in visit.services:
                if s.units_entered <= 0:
                    continue
                if visit.billing == "self_pay":
                    year = visit.visit_date.year
                    amount = share(medicare_fee_schedule(year)[s.code].amount,
                                   SELF_PAY_RATE) * s.units_entered
                    payer_id = "SELFPAY"
                else:
                    amount, payer_id = s.unit_charge * s.units_entered, (
                        patient.primary.payer.payer_id)
                self._charge(visit.visit_id, s.service_id, "", "", visit.visit_date,
                             visit.note_signed_date, None, s.code, s.modifiers, s.units_entered,
                             amount, payer_id, visit.billing)

    def _batch(self, batch: ClaimBatch) -> None:
        for sub in batch.submissions:
            if sub.kind not in ("original", "void"):
                continue
            claim = sub.claim
            for line in sub.lines:
                amount = line.charge if sub.kind == "original" else -line.charge
                self._charge(claim.visit.visit_id, line.service_id, claim.claim_id, line.line_id,
                             line.service_date, claim.visit.note_signed_date, batch.batch_date,
                             line.code, line.modifiers, line.units, amount, sub.payer.payer_id,
                             "billed" if sub.kind == "original" else "voided")

    def _charge(self, visit_id, service_id, claim_id, line_id, service_date, posted, billed,
                code, modifiers, units, amount: Decimal, payer_id, status) -> None:
        self.charge_seq += 1
        self.writers["charges"].writerow((
            f"C{self.charge_seq:08d}", visit_id, service_id, claim_id, line_id, _d(service_date),
            _d(posted), _d(billed), code, ";".join(modifiers), units, fmt(amount), payer_id,
            status))

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


def read_tables(folder: Path) -> dict[str, pl.DataFrame]:
    """The CSVs a ``CanonicalPmWriter`` wrote, as typed canonical tables.

    A direct typed read of the generator's own output (to render it in a vendor layout), not
    the PM loader's checked read: that one (``pipelines.pm.writer.read_export_folder``) is what
    the tests use on the same files, and what the pipeline uses on a client's.
    """
    tables = {}
    for name in COLUMNS:
        frame = pl.read_csv(folder / f"{name}.csv", infer_schema=False)
        tables[name] = frame.select(_typed(field.name, field.kind, field.dtype)
                                    for field in TABLES[name].fields)
    return tables


def _typed(name: str, kind: str, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if kind == "date":
        return column.str.to_date("%Y-%m-%d")
    return column.cast(dtype)

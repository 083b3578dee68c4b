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
from typing import TYPE_CHECKING

from pipelines.synth.catalog import PAYERS, SECONDARY_BY_PRIMARY, SELF_PAY_RATE
from pipelines.synth.clinic import charge_master
from pipelines.synth.events import (
    ClaimBatch,
    Patient,
    PatientPayment,
    PatientWriteOff,
    Practice,
    Visit,
    VisitRecorded,
)
from pipelines.synth.ids import sequential_ids
from pipelines.synth.money import fmt, share
from pipelines.synth.pricing import unit_rate
from pipelines.synth.reference_data import medicare_fee_schedule

if TYPE_CHECKING:  # polars is loaded only to convert an export (generate() loads it then)
    import polars as pl

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


class CsvTable:
    """One CSV file written row by row, as ``csv.writer`` writes it.

    Cells are text. Rows are buffered and each chunk joined directly; a chunk whose cells hold
    no comma, quote or line break (the usual case: its commas are just the separators) is
    written as it is, exactly what ``csv.writer`` writes for it. Any other chunk goes through
    the writer.
    """

    BUFFER_ROWS = 4096

    def __init__(self, path: Path, columns: tuple[str, ...]):
        self.handle = path.open("w", newline="", encoding="utf-8")
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow(columns)
        self.commas = len(columns) - 1
        self.rows: list[tuple[str, ...]] = []

    def row(self, cells: tuple[str, ...]) -> None:
        rows = self.rows
        rows.append(cells)
        if len(rows) >= self.BUFFER_ROWS:  # spill(), without a second call per row
            self.flush()

    def spill(self) -> None:
        """Flush once the buffer is full (after rows appended to ``rows`` directly)."""
        if len(self.rows) >= self.BUFFER_ROWS:
            self.flush()

    def flush(self) -> None:
        rows = self.rows
        if not rows:
            return
        lines = list(map(",".join, rows))
        # the rows run together: every row of n cells joins to at least n - 1 commas, so the
        # total is exact only when no cell holds one; a line break in it is a cell's (a memchr
        # scan, where counting the line breaks of the joined rows would cost five times one)
        cells = "".join(lines)
        if (cells.count(",") != self.commas * len(rows) or '"' in cells or "\r" in cells
                or "\n" in cells):
            self.writer.writerows(rows)
        else:
            self.handle.write("\n".join(lines))
            self.handle.write("\n")
        rows.clear()

    def close(self) -> None:
        self.flush()
        self.handle.close()


class _IsoDates(dict):
    """ISO text of each date seen ("" for None); dates recur from row to row."""

    def __missing__(self, day: date) -> str:
        text = self[day] = day.isoformat()
        return text


class _CountTexts(dict):
    """Text of each count seen (units, minutes; "" for None): a few small numbers recur."""

    def __missing__(self, n: int) -> str:
        text = self[n] = str(n)
        return text


class CanonicalPmWriter:
    """Writes ``<client>/pm/*.csv`` as the events of one client arrive."""

    def __init__(self, practice: Practice, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.practice = practice
        self.tables = {name: CsvTable(folder / f"{name}.csv", columns)
                       for name, columns in COLUMNS.items()}
        tables = self.tables
        self.visits, self.services = tables["visits"], tables["services"]
        self.charges, self.payments = tables["charges"], tables["patient_payments"]
        self.seen_patients: set[str] = set()
        self.charge_ids = sequential_ids("C", 8)
        self.iso = _IsoDates({None: ""})
        self.counts = _CountTexts({None: ""})
        self.handlers = {VisitRecorded: self._visit_recorded, ClaimBatch: self._batch,
                         PatientPayment: self._payment, PatientWriteOff: self._write_off}
        self._static_tables()

    # ------------------------------------------------------------------ static
    def _static_tables(self) -> None:
        start, end = self.practice.window_start, self.practice.window_end
        prices = charge_master(self.practice)
        for code, price in sorted(prices.items()):
            self.tables["fee_schedule"].row((code, "", fmt(price), _d(start), ""))
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
                    self.tables["payer_contracts"].row(row)

    # ------------------------------------------------------------------ events
    def feed(self, event) -> None:
        handler = self.handlers.get(type(event))
        if handler is not None:
            handler(event)

    def _payment(self, event: PatientPayment) -> None:
        self.payments.row(
            (event.payment_id, event.patient.patient_id, event.visit_id or "",
             event.claim_id or "", self.iso[event.posting_date], fmt(event.amount),
             event.method))

    def _write_off(self, event: PatientWriteOff) -> None:
        self.tables["adjustments"].row(
            (event.adjustment_id, event.patient.patient_id, event.visit_id or "",
             event.claim_id or "", self.iso[event.posting_date], fmt(event.amount),
             event.reason, "patient"))

    def _patient(self, patient: Patient) -> None:
        self.seen_patients.add(patient.patient_id)
        p, primary, secondary = patient.person, patient.primary, patient.secondary
        self.tables["patients"].row((
            patient.patient_id, p.last_name, p.first_name, _d(p.birth_date), p.sex, p.street,
            p.city, p.state, p.zip_code,
            primary.payer.payer_id if primary else "",
            primary.payer.name if primary else "SELF PAY",
            primary.member_id if primary else "", primary.relationship if primary else "",
            secondary.payer.payer_id if secondary else "",
            secondary.payer.name if secondary else "", secondary.member_id if secondary else ""))

    def _visit_recorded(self, event: VisitRecorded) -> None:
        visit = event.visit
        patient = visit.patient
        if patient.patient_id not in self.seen_patients:
            self._patient(patient)
        p = patient.person
        iso = self.iso
        provider = visit.provider
        self.visits.row((
            visit.visit_id, patient.patient_id, p.last_name, p.first_name, iso[p.birth_date],
            patient.primary.member_id if patient.primary else "", iso[visit.visit_date],
            visit.location.location_id, visit.location.name, provider.npi,
            provider.role, visit.supervising.npi, visit.status, visit.kind,
            "Y" if visit.note_signed_date else "N", iso[visit.note_signed_date]))
        services = self.services
        add_service = services.rows.append
        counts = self.counts
        for s in visit.services:
            add_service((s.service_id, visit.visit_id, s.code, ";".join(s.modifiers),
                         counts[s.minutes], counts[s.units_entered], s.provider_npi))
        services.spill()
        if visit.status == "attended" and visit.billing != "claim":
            self._unclaimed_charges(visit)

    def _unclaimed_charges(self, visit: Visit) -> None:
        """Charges of an attended visit that goes on no claim (self-pay or never billed)."""
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
                    visit.patient.primary.payer.payer_id)
            self._charge(visit.visit_id, s.service_id, "", "", visit.visit_date,
                         visit.note_signed_date, None, s.code, s.modifiers, s.units_entered,
                         amount, payer_id, visit.billing)

    def _batch(self, batch: ClaimBatch) -> None:
        """A charge row per line of each original or voided claim (same columns as
        ``_charge``, written here directly: most charges are these)."""
        charges = self.charges
        add_charge = charges.rows.append
        iso = self.iso
        billed = iso[batch.batch_date]
        counts = self.counts
        new_id = self.charge_ids
        for sub in batch.submissions:
            if sub.kind == "original":
                status = "billed"
            elif sub.kind == "void":
                status = "voided"
            else:
                continue
            claim = sub.claim
            visit = claim.visit
            visit_id, claim_id = visit.visit_id, claim.claim_id
            posted = iso[visit.note_signed_date]
            payer_id = sub.payer.payer_id
            for line in sub.lines:
                charge = line.charge if status == "billed" else -line.charge
                add_charge((
                    new_id(), visit_id, line.service_id, claim_id, line.line_id,
                    iso[line.service_date], posted, billed, line.code, ";".join(line.modifiers),
                    counts[line.units], fmt(charge), payer_id, status))
        charges.spill()

    def _charge(self, visit_id, service_id, claim_id, line_id, service_date, posted, billed,
                code, modifiers, units, amount: Decimal, payer_id, status) -> None:
        iso = self.iso
        self.charges.row((
            self.charge_ids(), visit_id, service_id, claim_id, line_id,
            iso[service_date], iso[posted], iso[billed], code, ";".join(modifiers), str(units),
            fmt(amount), payer_id, status))

    def close(self) -> None:
        for table in self.tables.values():
            table.close()


def read_tables(folder: Path) -> dict[str, pl.DataFrame]:
    """The CSVs a ``CanonicalPmWriter`` wrote, as typed canonical tables.

    A direct typed read of the generator's own output (to render it in a vendor layout), not
    the PM loader's checked read: that one (``pipelines.pm.writer.read_export_folder``) is what
    the tests use on the same files, and what the pipeline uses on a client's.
    """
    import polars as pl

    from pipelines.pm.tables import canonical_schema

    tables = {}
    for name in COLUMNS:
        schema = canonical_schema(name)  # dates and amounts parsed by the CSV reader
        frame = pl.read_csv(folder / f"{name}.csv", schema_overrides=schema, infer_schema=False)
        tables[name] = frame.select(list(schema))
    return tables

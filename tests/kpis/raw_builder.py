"""Build raw 837/835/PM rows by hand, the way the X12 reader and the PM loader would land them.

Tests describe claims and remittances in a few lines; the builder numbers segments, fills the
envelope, computes each check's BPR02 from its claim payments and PLBs, and inserts the rows
into the raw tables of a warehouse whose DDL comes from the same contracts the loader uses.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl

from pipelines import settings
from pipelines.ingest import clients, ledger, pm_loader, pseudonyms, warehouse
from pipelines.x12.tables import LINEAGE, X12_TABLES

D = Decimal


def raw_columns() -> dict[str, dict[str, pl.DataType]]:
    """Every raw table as the loaders store it (lineage columns, PHI swapped for pseudonyms)."""
    tables = {t: {**LINEAGE, **pseudonyms.stored_columns(t, c)} for t, c in X12_TABLES.items()}
    tables[ledger.LEDGER_TABLE] = ledger.LEDGER_COLUMNS
    tables[ledger.DIAGNOSTICS_TABLE] = ledger.DIAGNOSTICS_COLUMNS
    tables[clients.CLIENTS_TABLE] = clients.CLIENT_COLUMNS
    return tables


PM_TABLES = pm_loader.pm_table_columns()  # the raw PM tables as the PM loader stores them


@dataclass(frozen=True)
class Payer:
    payer_id: str
    name: str
    filing_indicator: str


@dataclass
class Line:
    code: str
    units: int
    charge: str
    service_date: date
    control: str | None = None
    modifiers: tuple[str, ...] = ()


@dataclass
class Svc:
    code: str
    charge: str
    paid: str
    units: int
    control: str | None = None
    allowed: str | None = None
    cas: list[tuple[str, str, str]] = field(default_factory=list)
    remarks: tuple[str, ...] = ()
    service_date: date | None = None
    modifiers: tuple[str, ...] = ()


class RawWarehouse:
    """Rows for one client, inserted into ``raw.*`` on :meth:`write`."""

    def __init__(self, client_id: str) -> None:
        self.client_id = client_id
        self.rows: dict[str, list[dict]] = {t: [] for t in [*raw_columns(), *PM_TABLES]}
        self._files = itertools.count(1)

    # ------------------------------------------------------------------ 837
    def claim_file(self, submission_date: date) -> ClaimFile:
        return ClaimFile(self, f"f837-{next(self._files):03d}", submission_date)

    # ------------------------------------------------------------------ 835
    def remit_file(self, payer: Payer, payment_date: date) -> RemitFile:
        return RemitFile(self, f"f835-{next(self._files):03d}", payer, payment_date)

    # ------------------------------------------------------------------- PM
    def patient_payment(self, claim_id: str | None, posting_date: date, amount: str, *,
                        visit_id: str | None = None, patient: str = "P1") -> None:
        n = len(self.rows["pm_patient_payments"]) + 1
        self.rows["pm_patient_payments"].append({
            "client_id": self.client_id, "file_id": "pm-payments", "source_row_number": n,
            "payment_id": f"pay-{n}",
            "patient_id": patient, "visit_id": visit_id, "claim_id": claim_id,
            "posting_date": posting_date, "amount": D(amount), "method": "card",
        })

    def patient_write_off(self, claim_id: str, posting_date: date, amount: str) -> None:
        n = len(self.rows["pm_adjustments"]) + 1
        self.rows["pm_adjustments"].append({
            "client_id": self.client_id, "file_id": "pm-adjustments", "source_row_number": n,
            "adjustment_id": f"wo-{n}",
            "patient_id": "P1", "claim_id": claim_id, "posting_date": posting_date,
            "amount": D(amount), "adjustment_type": "small_balance", "applies_to": "patient",
        })

    def charge(self, visit_id: str, claim_id: str, code: str, service_date: date,
               amount: str = "60.00", units: int = 1) -> None:
        n = len(self.rows["pm_charges"]) + 1
        self.rows["pm_charges"].append({
            "client_id": self.client_id, "file_id": "pm-charges", "source_row_number": n,
            "charge_id": f"ch-{n}",
            "visit_id": visit_id, "claim_id": claim_id, "procedure_code": code,
            "service_date": service_date, "units": D(units), "amount": D(amount),
            "status": "billed",
        })

    def contract(self, payer: Payer, code: str, *, amount: str | None = None,
                 medicare_share: str | None = None, modifier: str | None = None) -> None:
        n = len(self.rows["pm_payer_contracts"]) + 1
        self.rows["pm_payer_contracts"].append({
            "client_id": self.client_id, "file_id": "pm-contracts", "source_row_number": n,
            "payer_id": payer.payer_id,
            "payer_name": payer.name, "procedure_code": code, "modifier": modifier,
            "basis": "fixed" if amount is not None else "share_of_medicare",
            "allowed_amount": None if amount is None else D(amount),
            "share_of_medicare": None if medicare_share is None else D(medicare_share),
            "effective_from": date(2025, 1, 1), "effective_to": date(2026, 12, 31),
        })

    # ---------------------------------------------------------------- write
    def write(self, path: Path) -> None:
        schemas = {**raw_columns(), **PM_TABLES}
        with warehouse.connect(path) as conn:
            warehouse.ensure_tables(conn, schemas)
            for table, rows in self.rows.items():
                if rows:
                    frame = _conform(pl.DataFrame(rows, infer_schema_length=None), schemas[table])
                    warehouse.insert_frame(conn, table, frame)


def _conform(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    columns = []
    for name, dtype in schema.items():
        if name in frame.columns:
            columns.append(pl.col(name).cast(dtype))
        else:
            columns.append(pl.lit(None, dtype=dtype).alias(name))
    unknown = set(frame.columns) - set(schema)
    if unknown:
        raise KeyError(f"columns not in the raw contract: {sorted(unknown)}")
    return frame.select(columns)


class _File:
    def __init__(self, owner: RawWarehouse, file_id: str) -> None:
        self.owner = owner
        self.file_id = file_id
        self._segments = itertools.count(0)

    def _base(self) -> dict:
        return {
            "client_id": self.owner.client_id, "file_id": self.file_id,
            "interchange_control_number": "000000001", "group_control_number": "1",
            "transaction_control_number": "0001", "segment_index": next(self._segments),
        }


class ClaimFile(_File):
    def __init__(self, owner: RawWarehouse, file_id: str, submission_date: date) -> None:
        super().__init__(owner, file_id)
        self.submission_date = submission_date
        self.implementation_version = "005010X222A1"

    def claim(self, pcn: str, payer: Payer, lines: list[Line], *, frequency: str = "1",
              responsibility: str = "P", payer_claim_number: str | None = None,
              other_payer: Payer | None = None, rendering_npi: str = "1234567893",
              patient: str = "patient-x", place_of_service: str = "11") -> None:
        row = self._base()
        charge = sum((D(line.charge) for line in lines), D("0"))
        row.update({
            "implementation_version": self.implementation_version, "transaction_type": "837P",
            "transaction_date": self.submission_date, "billing_provider_npi": "1000000004",
            "billing_provider_name": "ACME HAND THERAPY",
            "payer_responsibility_code": responsibility,
            "claim_filing_indicator_code": payer.filing_indicator, "payer_id": payer.payer_id,
            "payer_name": payer.name, "patient_control_number": pcn,
            "claim_charge_amount": charge, "place_of_service_code": place_of_service,
            "claim_frequency_code": frequency, "payer_claim_control_number": payer_claim_number,
            "rendering_provider_npi": rendering_npi, "rendering_provider_last_name": "THERAPIST",
            "rendering_provider_first_name": "ANA", "patient_pseudonym": patient,
            "member_pseudonym": f"m-{patient}", "patient_birth_year": 1950,
            "service_line_count": len(lines),
        })
        self.owner.rows["edi_837_claims"].append(row)
        claim_index = row["segment_index"]
        if other_payer is not None:
            other = self._base()
            other.update({
                "claim_segment_index": claim_index,
                "payer_responsibility_code": "S" if responsibility == "P" else "P",
                "claim_filing_indicator_code": other_payer.filing_indicator,
                "other_payer_id": other_payer.payer_id, "other_payer_name": other_payer.name,
            })
            self.owner.rows["edi_837_other_payers"].append(other)
        for number, line in enumerate(lines, start=1):
            item = self._base()
            mods = list(line.modifiers) + [None] * (4 - len(line.modifiers))
            item.update({
                "claim_segment_index": claim_index, "line_number": number,
                "procedure_code_qualifier": "HC", "procedure_code": line.code,
                "modifier_1": mods[0], "modifier_2": mods[1], "modifier_3": mods[2],
                "modifier_4": mods[3], "line_charge_amount": D(line.charge),
                "unit_basis_code": "UN", "service_unit_count": D(line.units),
                "service_date": line.service_date, "line_item_control_number": line.control,
            })
            self.owner.rows["edi_837_service_lines"].append(item)


class RemitFile(_File):
    def __init__(self, owner: RawWarehouse, file_id: str, payer: Payer, payment_date: date):
        super().__init__(owner, file_id)
        self.payer = payer
        self.payment_date = payment_date
        self.header = self._base()
        self.header.update({
            "implementation_version": "005010X221A1", "transaction_handling_code": "I",
            "credit_debit_flag": "C", "payment_method_code": "ACH", "payment_date": payment_date,
            "trace_type_code": "1", "check_or_eft_number": f"EFT-{file_id}",
            "payer_name": payer.name, "payer_id": payer.payer_id, "payee_name": "ACME",
            "payee_id_qualifier": "XX", "payee_id": "1000000004",
        })
        self.claim_payments: list[dict] = []
        self.provider_adjustments: list[dict] = []
        owner.rows["edi_835_payments"].append(self.header)

    def clp(self, pcn: str, status: str, charge: str, paid: str, patient_responsibility: str,
            icn: str, *, cas: list[tuple[str, str, str]] = (), lines: list[Svc] = (),
            remarks: tuple[str, ...] = (), frequency: str = "1") -> None:
        row = self._base()
        row.update({
            "implementation_version": "005010X221A1",
            "payment_segment_index": self.header["segment_index"], "header_number": "1",
            "patient_control_number": pcn, "claim_status_code": status,
            "claim_charge_amount": D(charge), "claim_payment_amount": D(paid),
            "patient_responsibility_amount": D(patient_responsibility),
            "claim_filing_indicator_code": self.payer.filing_indicator,
            "payer_claim_control_number": icn, "facility_type_code": "11",
            "claim_frequency_code": frequency, "patient_member_pseudonym": "m-patient-x",
            "service_payment_count": len(lines),
        })
        self.owner.rows["edi_835_claim_payments"].append(row)
        self.claim_payments.append(row)
        clp_index = row["segment_index"]
        for code in remarks:
            self._remark(clp_index, None, "claim", "MOA", code)
        for number, (group, reason, amount) in enumerate(cas, start=1):
            self._cas(clp_index, None, "claim", number, group, reason, amount)
        for svc in lines:
            item = self._base()
            mods = list(svc.modifiers) + [None] * (4 - len(svc.modifiers))
            item.update({
                "implementation_version": "005010X221A1",
                "payment_segment_index": self.header["segment_index"],
                "claim_segment_index": clp_index, "procedure_code_qualifier": "HC",
                "procedure_code": svc.code, "modifier_1": mods[0], "modifier_2": mods[1],
                "modifier_3": mods[2], "modifier_4": mods[3],
                "line_charge_amount": D(svc.charge), "line_payment_amount": D(svc.paid),
                "paid_unit_count": D(svc.units), "service_date": svc.service_date,
                "line_item_control_number": svc.control,
                "allowed_amount": None if svc.allowed is None else D(svc.allowed),
            })
            self.owner.rows["edi_835_service_payments"].append(item)
            svc_index = item["segment_index"]
            for number, (group, reason, amount) in enumerate(svc.cas, start=1):
                self._cas(clp_index, svc_index, "line", number, group, reason, amount)
            for code in svc.remarks:
                self._remark(clp_index, svc_index, "line", "LQ", code)

    def plb(self, reason: str, amount: str, reference: str = "REF") -> None:
        row = self._base()
        row.update({
            "implementation_version": "005010X221A1",
            "payment_segment_index": self.header["segment_index"], "provider_id": "1000000004",
            "fiscal_period_date": self.payment_date, "pair_number": 1,
            "adjustment_reason_code": reason, "reference_id": reference,
            "adjustment_amount": D(amount),
        })
        self.owner.rows["edi_835_provider_adjustments"].append(row)
        self.provider_adjustments.append(row)

    def close(self) -> None:
        """BPR02 = sum of CLP04 minus sum of PLB amounts."""
        paid = sum((r["claim_payment_amount"] for r in self.claim_payments), D("0"))
        plb = sum((r["adjustment_amount"] for r in self.provider_adjustments), D("0"))
        self.header["total_payment_amount"] = paid - plb
        self.header["claim_payment_count"] = len(self.claim_payments)

    def _cas(self, clp_index, svc_index, level, number, group, reason, amount) -> None:
        row = self._base()
        row.update({
            "implementation_version": "005010X221A1",
            "payment_segment_index": self.header["segment_index"],
            "claim_segment_index": clp_index, "service_segment_index": svc_index,
            "adjustment_level": level, "triplet_number": 1, "group_code": group,
            "reason_code": reason, "adjustment_amount": D(amount),
        })
        self.owner.rows["edi_835_adjustments"].append(row)

    def _remark(self, clp_index, svc_index, level, source, code) -> None:
        row = self._base()
        row.update({
            "implementation_version": "005010X221A1",
            "payment_segment_index": self.header["segment_index"],
            "claim_segment_index": clp_index, "service_segment_index": svc_index,
            "remark_level": level, "remark_source": source, "remark_qualifier": "HE",
            "remark_code": code,
        })
        self.owner.rows["edi_835_remarks"].append(row)


def dbt_build(warehouse_path: Path, work_dir: Path, *, select: str | None = None,
              dbt_vars: str | None = None) -> subprocess.CompletedProcess:
    """``dbt build`` of the project against ``warehouse_path``; target and logs in work_dir."""
    command = [
        str(Path(sys.executable).with_name("dbt")), "build",
        "--project-dir", str(settings.DBT_PROJECT_DIR),
        "--profiles-dir", str(settings.DBT_PROJECT_DIR),
        "--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs"),
    ]
    if select:
        command += ["--select", select]
    if dbt_vars:
        command += ["--vars", dbt_vars]
    env = {"REVAUDIT_WAREHOUSE": str(warehouse_path), "PATH": str(Path(sys.executable).parent),
           "HOME": str(work_dir), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def query(path: Path, sql: str, params: list | None = None) -> list[dict]:
    with duckdb.connect(str(path), read_only=True) as conn:
        result = conn.execute(sql, params or [])
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

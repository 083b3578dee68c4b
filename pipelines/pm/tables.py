"""The canonical practice-management (PM) model: tables, fields, keys and code sets.

Every export format (profile) maps onto these tables (docs/pm-canonical.md). A field's
``kind`` says how its text is parsed; ``domain`` lists the canonical codes of a closed code
set; ``phi`` marks direct patient identifiers, which never reach the warehouse (the loader
swaps them for keyed pseudonyms) and are masked in reject messages.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

MONEY = pl.Decimal(18, 2)
QUANTITY = pl.Decimal(18, 3)
SHARE = pl.Decimal(9, 4)

# kind -> polars dtype of the parsed value
KIND_DTYPES: dict[str, pl.DataType] = {
    "text": pl.String,
    "code": pl.String,
    "npi": pl.String,
    "procedure": pl.String,
    "modifier": pl.String,
    "modifiers": pl.String,  # ';'-joined list, in billed order
    "date": pl.Date,
    "money": MONEY,
    "integer": pl.Int64,
    "quantity": QUANTITY,
    "share": SHARE,
}

RELATIONSHIP_CODES = ("01", "18", "19", "20", "21", "39", "40", "53", "G8")  # X12 INS02/SBR02


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"
    required: bool = False
    domain: tuple[str, ...] | None = None
    phi: bool = False

    @property
    def dtype(self) -> pl.DataType:
        return KIND_DTYPES[self.kind]


@dataclass(frozen=True)
class Table:
    name: str
    grain: str
    key: tuple[str, ...]
    fields: tuple[Field, ...]
    # field -> (other field, value): the field is required when the other field has that value
    required_when: tuple[tuple[str, str, str], ...] = ()

    @property
    def field_map(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @property
    def raw_table(self) -> str:
        return f"pm_{self.name}"


def _f(name: str, kind: str = "text", required: bool = False, domain=None, phi=False) -> Field:
    return Field(name, kind, required, tuple(domain) if domain else None, phi)


TABLES: dict[str, Table] = {t.name: t for t in (
    Table("patients", "One row per patient (PM account).", ("patient_id",), (
        _f("patient_id", required=True),
        _f("last_name", required=True, phi=True),
        _f("first_name", required=True, phi=True),
        _f("birth_date", "date", required=True, phi=True),
        _f("sex", "code", required=True, domain=("F", "M", "U")),
        _f("street", phi=True), _f("city", phi=True), _f("state"), _f("zip_code", phi=True),
        _f("primary_payer_id"), _f("primary_payer_name", required=True),
        _f("primary_member_id", phi=True),
        _f("primary_relationship", "code", domain=RELATIONSHIP_CODES),
        _f("secondary_payer_id"), _f("secondary_payer_name"),
        _f("secondary_member_id", phi=True),
    )),
    Table("visits", "One row per scheduled visit (appointment).", ("visit_id",), (
        _f("visit_id", required=True), _f("patient_id", required=True),
        _f("patient_last_name", required=True, phi=True),
        _f("patient_first_name", required=True, phi=True),
        _f("patient_birth_date", "date", required=True, phi=True),
        _f("member_id", phi=True),
        _f("visit_date", "date", required=True),
        _f("location_id", required=True), _f("location_name", required=True),
        _f("provider_npi", "npi", required=True),
        _f("provider_role", "code", required=True, domain=("OT", "OTA", "PT", "PTA", "SLP")),
        _f("supervising_npi", "npi", required=True),
        _f("status", "code", required=True, domain=("attended", "cancelled", "no_show")),
        _f("visit_type", "code", required=True,
           domain=("evaluation", "re_evaluation", "treatment")),
        _f("note_signed", "code", required=True, domain=("Y", "N")),
        _f("note_signed_date", "date"),
    )),
    Table("services", "One row per service documented at a visit.", ("service_id",), (
        _f("service_id", required=True), _f("visit_id", required=True),
        _f("procedure_code", "procedure", required=True),
        _f("modifiers", "modifiers"),
        _f("minutes", "integer"),
        _f("units_entered", "integer", required=True),
        _f("provider_npi", "npi", required=True),
    )),
    Table("charges", "One row per charge posted (billed, voided, unbilled or self-pay).",
          ("charge_id",), (
        _f("charge_id", required=True), _f("visit_id", required=True),
        _f("service_id", required=True), _f("claim_id"), _f("line_id"),
        _f("service_date", "date", required=True), _f("posted_date", "date", required=True),
        _f("billed_date", "date"),
        _f("procedure_code", "procedure", required=True),
        _f("modifiers", "modifiers"),
        _f("units", "quantity", required=True),
        _f("amount", "money", required=True),
        _f("payer_id", required=True),
        _f("status", "code", required=True,
           domain=("billed", "voided", "unbilled", "self_pay")),
    )),
    Table("patient_payments", "One row per patient payment or refund (negative).",
          ("payment_id",), (
        _f("payment_id", required=True), _f("patient_id", required=True),
        _f("visit_id"), _f("claim_id"),
        _f("posting_date", "date", required=True),
        _f("amount", "money", required=True),
        _f("method", "code", required=True,
           domain=("card", "cash", "check", "portal", "refund")),
    )),
    Table("payer_payments", "One row per insurance payment posted in the PM (optional file).",
          ("payment_id",), (
        _f("payment_id", required=True), _f("patient_id"), _f("visit_id"), _f("claim_id"),
        _f("charge_id"), _f("payer_id", required=True),
        _f("posting_date", "date", required=True),
        _f("check_number"),
        _f("amount", "money", required=True),
    )),
    Table("adjustments", "One row per adjustment (write-off) posted in the PM.",
          ("adjustment_id",), (
        _f("adjustment_id", required=True), _f("patient_id", required=True),
        _f("visit_id"), _f("claim_id"),
        _f("posting_date", "date", required=True),
        _f("amount", "money", required=True),
        _f("adjustment_type", "code", required=True),  # open code set; profiles may map it
        _f("applies_to", "code", required=True, domain=("patient", "insurance")),
    )),
    Table("fee_schedule", "One row per procedure (and modifier) price period.",
          ("procedure_code", "modifier", "effective_from"), (
        _f("procedure_code", "procedure", required=True),
        _f("modifier", "modifier"),
        _f("unit_price", "money", required=True),
        _f("effective_from", "date", required=True), _f("effective_to", "date"),
    )),
    Table("payer_contracts", "One row per contracted rate period of a payer and code.",
          ("payer_id", "procedure_code", "modifier", "effective_from"), (
        _f("payer_id", required=True), _f("payer_name", required=True),
        _f("procedure_code", "procedure", required=True),
        _f("modifier", "modifier"),
        _f("basis", "code", required=True, domain=("fixed", "share_of_medicare")),
        _f("allowed_amount", "money"),
        _f("share_of_medicare", "share"),
        _f("effective_from", "date", required=True), _f("effective_to", "date"),
    ), required_when=(("allowed_amount", "basis", "fixed"),
                      ("share_of_medicare", "basis", "share_of_medicare"))),
)}

# Parent links inside the canonical model: (child, column) -> parent table.
PARENTS: dict[str, tuple[str, str]] = {
    "visits": ("patients", "patient_id"),
    "services": ("visits", "visit_id"),
    "charges": ("services", "service_id"),
}


def canonical_schema(table: str) -> dict[str, pl.DataType]:
    return {f.name: f.dtype for f in TABLES[table].fields}


def empty_frame(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=canonical_schema(table))

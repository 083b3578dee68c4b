"""Keyed pseudonyms for patient identifiers.

Names, birth dates and member ids never reach the warehouse. At ingest they are replaced by
HMAC-SHA256 pseudonyms under a per-installation key, so the same patient gets the same
pseudonym in every file (837, 835 and PM exports) of that installation and nowhere else.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date, datetime

import polars as pl

from pipelines.x12.tables import PHI_COLUMNS

PSEUDONYM_LENGTH = 20  # hex characters: 80 bits, ample for one installation's patients


DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%m/%d/%Y")


def _normalize(value: object) -> str:
    """Upper-case ASCII letters and digits; apostrophes dropped, other punctuation a space."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Z0-9 ]", " ", text.upper().replace("'", ""))
    return " ".join(text.split())


def _normalize_date(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return _normalize(text)


def pseudonym(key: bytes, *parts: object) -> str | None:
    """Pseudonym of an identity made of ``parts``; None when every part is blank."""
    normalized = [_normalize(part) for part in parts]
    if not any(normalized):
        return None
    message = "\x1f".join(normalized).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


def person_pseudonym(key: bytes, last_name: object, first_name: object,
                     birth_date: object) -> str | None:
    """Pseudonym of a person by name and birth date (joins PM visits to 837 claims)."""
    if not (_normalize(last_name) and _normalize(birth_date)):
        return None
    return pseudonym(key, "person", last_name, first_name, _normalize_date(birth_date))


def member_pseudonym(key: bytes, member_id: object) -> str | None:
    """Pseudonym of a payer member id (joins 837 subscribers to 835 patients)."""
    return pseudonym(key, "member", member_id) if _normalize(member_id) else None


def _map_rows(frame: pl.DataFrame, columns: list[str], fn) -> pl.Series:
    """``fn`` applied to each row's ``columns``, computed once per distinct identity."""
    identities = frame.select(columns)
    distinct = identities.unique(maintain_order=True)
    mapped = distinct.with_columns(
        pl.Series("_pseudonym", [fn(*row) for row in distinct.iter_rows()], dtype=pl.String))
    return identities.join(mapped, on=columns, how="left", nulls_equal=True,
                           maintain_order="left")["_pseudonym"]


def pseudonymize_837_claims(frame: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """Replace the 837 claim's patient and subscriber identifiers by pseudonyms."""
    patient = _map_rows(frame, ["patient_last_name", "patient_first_name", "patient_birth_date"],
                        lambda *row: person_pseudonym(key, *row))
    member = _map_rows(frame, ["subscriber_member_id"], lambda value: member_pseudonym(key, value))
    birth_year = frame["patient_birth_date"].dt.year().cast(pl.Int64)
    return _drop_phi(frame.with_columns(
        patient_pseudonym=patient, member_pseudonym=member, patient_birth_year=birth_year,
    ), "edi_837_claims")


def pseudonymize_835_claim_payments(frame: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """Replace the 835 patient's and insured's member ids by pseudonyms; drop names."""
    patient = _map_rows(frame, ["patient_member_id"], lambda value: member_pseudonym(key, value))
    subscriber = _map_rows(frame, ["subscriber_member_id"],
                           lambda value: member_pseudonym(key, value))
    return _drop_phi(frame.with_columns(
        patient_member_pseudonym=patient, subscriber_member_pseudonym=subscriber,
    ), "edi_835_claim_payments")


def _drop_phi(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    return frame.drop([c for c in PHI_COLUMNS[table] if c in frame.columns])


PSEUDONYMIZERS = {
    "edi_837_claims": pseudonymize_837_claims,
    "edi_835_claim_payments": pseudonymize_835_claim_payments,
}


def stored_columns(table: str, columns: dict[str, pl.DataType]) -> dict[str, pl.DataType]:
    """The columns a raw table has in the warehouse: the contract with PHI swapped out."""
    empty = pl.DataFrame(schema=columns)
    fn = PSEUDONYMIZERS.get(table)
    return dict(fn(empty, b"schema").schema) if fn else dict(columns)

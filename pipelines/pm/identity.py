"""Patient identifiers in PM tables swapped for the keyed pseudonyms the 837 loader uses.

``person_pseudonym(key, last, first, birth date)`` is what an 837 claim's patient gets, so a
PM visit and the claim that billed it carry the same ``patient_pseudonym``; member ids become
``member_pseudonym`` as on the 837 subscriber. Names, birth dates, street, city and ZIP are
dropped; the birth year stays (ages are needed, dates are not).
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.pseudonyms import member_pseudonym, person_pseudonym
from pipelines.pm.tables import TABLES, canonical_schema

# table -> (name/birth-date columns of the person, {member id column: pseudonym column})
PEOPLE = {
    "patients": (("last_name", "first_name", "birth_date"),
                 {"primary_member_id": "primary_member_pseudonym",
                  "secondary_member_id": "secondary_member_pseudonym"}),
    "visits": (("patient_last_name", "patient_first_name", "patient_birth_date"),
               {"member_id": "member_pseudonym"}),
}


def _mapped(frame: pl.DataFrame, columns: list[str], fn) -> pl.Series:
    """``fn`` over each row's ``columns``, computed once per distinct identity."""
    identities = frame.select(columns)
    distinct = identities.unique(maintain_order=True)
    values = pl.Series("_pseudonym", [fn(*row) for row in distinct.iter_rows()], pl.String)
    return identities.join(distinct.with_columns(values), on=columns, how="left",
                           nulls_equal=True, maintain_order="left")["_pseudonym"]


def pseudonymize(table: str, frame: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """The frame as stored: pseudonyms in, every PHI column out."""
    if table in PEOPLE:
        person, members = PEOPLE[table]
        last, first, birth = person
        frame = frame.with_columns(
            _mapped(frame, list(person), lambda *r: person_pseudonym(key, *r))
            .alias("patient_pseudonym"),
            pl.col(birth).dt.year().cast(pl.Int64).alias("patient_birth_year"),
            *(_mapped(frame, [column], lambda v: member_pseudonym(key, v)).alias(alias)
              for column, alias in members.items()),
        )
    phi = [f.name for f in TABLES[table].fields if f.phi]
    return frame.drop([c for c in phi if c in frame.columns])


def stored_schema(table: str) -> dict[str, pl.DataType]:
    """Columns of ``raw.pm_<table>`` after the canonical fields (PHI swapped out)."""
    return dict(pseudonymize(table, pl.DataFrame(schema=canonical_schema(table)),
                             b"schema").schema)

"""Generator output (837 + PM) ingested together: PM visits join 837 claims by pseudonym, and
no name, birth date or member id reaches the warehouse."""

from __future__ import annotations

import shutil

import duckdb
import polars as pl
import pytest
from pm_helpers import CLIENT, CLIENT_PROFILE

from pipelines.ingest import warehouse
from pipelines.ingest.inbox_run import ingest_inbox
from pipelines.pm.writer import read_export_folder


@pytest.fixture(scope="module")
def loaded(synth_out, tmp_path_factory):
    root = tmp_path_factory.mktemp("identity")
    inbox = root / "inbox"
    shutil.copytree(synth_out, inbox, ignore=shutil.ignore_patterns("truth.json"))
    conn = duckdb.connect(str(root / "w.duckdb"))
    for schema in warehouse.SCHEMAS:
        conn.execute(f"create schema if not exists {schema}")
    report = ingest_inbox(conn, inbox, key=b"identity-key", quarantine=root / "q")
    assert report.count("failed") == 0 and report.count("error") == 0
    yield conn, synth_out / CLIENT / "pm"
    conn.close()


def test_every_billed_visit_has_its_claims_patient_pseudonym(loaded):
    conn, _ = loaded
    pairs = conn.sql("""
        select distinct v.visit_id, v.patient_pseudonym as visit_pseudonym,
               c.patient_pseudonym as claim_pseudonym
        from raw.pm_charges ch
        join raw.pm_visits v on v.client_id = ch.client_id and v.visit_id = ch.visit_id
        join raw.edi_837_claims c
          on c.client_id = ch.client_id and c.patient_control_number = ch.claim_id
        where ch.status = 'billed'
    """).pl()
    billed_visits = conn.sql("select count(distinct visit_id) from raw.pm_charges "
                             "where status = 'billed'").fetchall()[0][0]
    assert pairs["visit_id"].n_unique() == billed_visits > 20
    assert pairs["visit_pseudonym"].null_count() == 0
    assert (pairs["visit_pseudonym"] == pairs["claim_pseudonym"]).all()
    # the join key really is the patient: different patients get different pseudonyms
    patients = conn.sql("select count(distinct patient_pseudonym), count(*) "
                        "from raw.pm_patients").fetchall()[0]
    assert patients[0] == patients[1]


def test_visits_join_claims_on_pseudonym_and_date_alone(loaded):
    conn, _ = loaded
    unmatched = conn.sql("""
        select count(*) from raw.pm_charges ch
        join raw.pm_visits v on v.client_id = ch.client_id and v.visit_id = ch.visit_id
        where ch.status = 'billed' and not exists (
            select 1 from raw.edi_837_claims c
            join raw.edi_837_service_lines l
              on l.client_id = c.client_id and l.file_id = c.file_id
             and l.claim_segment_index = c.segment_index
            where c.client_id = v.client_id and c.patient_pseudonym = v.patient_pseudonym
              and l.service_date = v.visit_date)
    """).fetchall()[0][0]
    assert unmatched == 0


def test_member_pseudonyms_match_the_837_subscriber(loaded):
    conn, _ = loaded
    checked, mismatched = conn.sql("""
        select count(*), count(*) filter (
            where c.member_pseudonym is distinct from v.member_pseudonym)
        from raw.pm_charges ch
        join raw.pm_visits v on v.client_id = ch.client_id and v.visit_id = ch.visit_id
        join raw.edi_837_claims c
          on c.client_id = ch.client_id and c.patient_control_number = ch.claim_id
        join raw.pm_patients p on p.client_id = v.client_id and p.patient_id = v.patient_id
        where ch.status = 'billed' and ch.payer_id = p.primary_payer_id
          and c.payer_responsibility_code = 'P' and p.primary_relationship = '18'
    """).fetchall()[0]
    assert checked > 20 and mismatched == 0


def test_no_phi_reaches_any_raw_pm_table(loaded):
    conn, pm_folder = loaded
    patients = read_export_folder(pm_folder, CLIENT_PROFILE)["patients"]
    secrets = {str(v) for col in ("last_name", "first_name", "birth_date", "primary_member_id",
                                  "street", "zip_code")
               for v in patients[col].drop_nulls().to_list() if len(str(v)) > 3}
    assert len(secrets) > 20
    for (table,) in conn.sql("select table_name from duckdb_tables() "
                             "where schema_name = 'raw' and table_name like 'pm_%'").fetchall():
        frame = conn.sql(f"select * from raw.{table}").pl()
        for column, dtype in frame.schema.items():
            if dtype == pl.String:
                values = set(frame[column].drop_nulls().to_list())
                assert not (values & secrets), (table, column)
            if dtype == pl.Date:
                assert not ({str(v) for v in frame[column].drop_nulls()} & secrets), \
                    (table, column)

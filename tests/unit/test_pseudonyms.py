from datetime import date

import polars as pl

from pipelines.ingest import pseudonyms
from pipelines.x12.tables import EDI_837_CLAIMS

KEY = b"k1"


def test_same_person_same_pseudonym_across_spellings():
    a = pseudonyms.person_pseudonym(KEY, "O'Neil-Smith", "Ann", date(1950, 2, 3))
    b = pseudonyms.person_pseudonym(KEY, "o'neil smith", " ANN ", "1950-02-03")
    assert a == b and len(a) == pseudonyms.PSEUDONYM_LENGTH


def test_pseudonym_depends_on_key_and_identity():
    base = pseudonyms.member_pseudonym(KEY, "ABC123")
    assert base != pseudonyms.member_pseudonym(b"k2", "ABC123")
    assert base != pseudonyms.member_pseudonym(KEY, "ABC124")
    assert "ABC123" not in base


def test_blank_identity_has_no_pseudonym():
    assert pseudonyms.member_pseudonym(KEY, "  ") is None
    assert pseudonyms.person_pseudonym(KEY, "", "Ann", None) is None


def test_837_claims_lose_every_direct_identifier():
    row = {name: None for name in EDI_837_CLAIMS}
    row.update(subscriber_member_id="M1", subscriber_last_name="DOE", patient_last_name="DOE",
               patient_first_name="JANE", patient_birth_date=date(1960, 1, 2))
    frame = pl.DataFrame([row], schema=EDI_837_CLAIMS)
    out = pseudonyms.pseudonymize_837_claims(frame, KEY)
    for column in ("subscriber_member_id", "patient_last_name", "patient_birth_date"):
        assert column not in out.columns
    assert out["member_pseudonym"][0] == pseudonyms.member_pseudonym(KEY, "M1")
    assert out["patient_pseudonym"][0] == pseudonyms.person_pseudonym(KEY, "DOE", "JANE",
                                                                        date(1960, 1, 2))
    assert out["patient_birth_year"][0] == 1960
    assert "DOE" not in str(out.row(0))


def test_stored_columns_swap_phi_for_pseudonyms():
    stored = pseudonyms.stored_columns("edi_837_claims", EDI_837_CLAIMS)
    assert "patient_pseudonym" in stored and "patient_last_name" not in stored
    assert pseudonyms.stored_columns("edi_837_service_lines", {"a": pl.String}) == {"a": pl.String}

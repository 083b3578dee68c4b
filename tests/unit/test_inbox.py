import pytest

from pipelines.ingest.inbox import InboxError, discover


def test_discover_lists_data_files_per_client_and_skips_bookkeeping(tmp_path):
    (tmp_path / "acme-ot" / "837").mkdir(parents=True)
    (tmp_path / "acme-ot" / "837" / "b1.x12").write_text("ISA")
    (tmp_path / "acme-ot" / "pm").mkdir()
    (tmp_path / "acme-ot" / "pm" / "visits.csv").write_text("a")
    for ignored in ("client.yml", "truth.json", ".hidden", "notes.md"):
        (tmp_path / "acme-ot" / ignored).write_text("x")
    (tmp_path / "zen-pt").mkdir()
    (tmp_path / "zen-pt" / "r.835").write_text("ISA")
    found = [(f.client_id, f.path.name, f.kind) for f in discover(tmp_path)]
    assert found == [("acme-ot", "b1.x12", "x12"), ("acme-ot", "visits.csv", "pm"),
                     ("zen-pt", "r.835", "x12")]


def test_folder_that_is_not_a_client_id_is_an_error(tmp_path):
    (tmp_path / "Bad Name").mkdir()
    with pytest.raises(InboxError, match="Bad Name"):
        discover(tmp_path)

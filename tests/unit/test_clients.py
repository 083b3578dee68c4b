import pytest

from pipelines.ingest.clients import ClientConfigError, client_frame, read_client_config


def test_client_yml_is_read_and_folder_without_one_gets_defaults(tmp_path):
    (tmp_path / "acme-ot").mkdir()
    (tmp_path / "acme-ot" / "client.yml").write_text(
        "client_id: acme-ot\nname: Acme Hand Therapy\npm_system: WebPT\nstate: ma\n")
    (tmp_path / "zen-pt").mkdir()
    frame = client_frame(tmp_path)
    assert frame["client_id"].to_list() == ["acme-ot", "zen-pt"]
    assert frame["client_name"].to_list() == ["Acme Hand Therapy", "zen-pt"]
    assert frame["pm_system"].to_list() == ["WebPT", None]


def test_client_id_must_match_its_folder(tmp_path):
    (tmp_path / "acme-ot").mkdir()
    (tmp_path / "acme-ot" / "client.yml").write_text("client_id: other\n")
    with pytest.raises(ClientConfigError, match="must equal its folder name"):
        read_client_config(tmp_path / "acme-ot")

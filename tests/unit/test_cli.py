"""The revaudit command line: help on every command, one-line errors, documented exit codes."""

import pytest

from pipelines.cli import main


def run(argv, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["x12", "inspect", "--help"],
                                  ["synth", "--help"], ["app", "--help"], ["kpis", "--help"]])
def test_every_command_explains_itself(argv, capsys):
    code, out, _ = run(argv, capsys)
    assert code == 0
    assert "Usage: revaudit" in out


def test_unknown_option_is_a_usage_error_exit_1_without_traceback(capsys):
    code, _, err = run(["x12", "inspect", "--nope"], capsys)
    assert code == 1
    assert err.startswith("revaudit: ") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_missing_file_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(["x12", "inspect", str(tmp_path / "absent.x12")], capsys)
    assert code == 1
    assert "absent.x12" in err


def test_run_with_missing_inbox_is_one_clear_line(capsys, tmp_path):
    code, _, err = run(["run", "--inbox", str(tmp_path / "nowhere")], capsys)
    assert code == 1
    assert err.strip() == f"revaudit: inbox folder not found: {tmp_path / 'nowhere'}"


def test_app_without_warehouse_says_what_to_do(capsys):
    code, _, err = run(["app"], capsys)
    assert code == 1
    assert "revaudit run" in err

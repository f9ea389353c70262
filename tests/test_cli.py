"""The command line: exit codes, formats, one-line errors, configuration."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from traceaudit.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    code = exc.value.code
    assert isinstance(code, int)
    return code, out, err


def copy(name: str, tmp_path: Path) -> Path:
    dest = tmp_path / name.replace("/", "_")
    shutil.copytree(FIXTURES / name, dest, ignore=shutil.ignore_patterns("expected"))
    return dest


def test_clean_project_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["run", str(FIXTURES / "rules/TA010-unresolved-route-path")], capsys)
    assert code == 0  # a note is below the default --fail-on error
    assert "TA010 [note]" in out


@pytest.mark.parametrize(
    ("fail_on", "expected"), [("error", 0), ("warning", 1), ("note", 1), ("never", 0)]
)
def test_fail_on_threshold(fail_on: str, expected: int, capsys: pytest.CaptureFixture[str]) -> None:
    project = str(FIXTURES / "rules/TA002-undocumented-endpoint")  # one warning
    assert run(["run", project, "--fail-on", fail_on], capsys)[0] == expected


def test_findings_exit_one_and_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    project = str(FIXTURES / "rules/TA001-unimplemented-requirement")
    assert run(["run", project], capsys)[0] == 1
    assert run(["run", project, "--exit-zero"], capsys)[0] == 0


def test_output_file_and_summary_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.json"
    code, out, err = run(
        ["run", str(FIXTURES / "shop"), "--format", "json", "-o", str(report)], capsys
    )
    assert code == 1 and out == ""
    assert err.startswith("traceaudit: ") and err.rstrip().endswith(f"-> {report}")
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    assert {f["code"] for f in data["findings"]} >= {"TA000", "TA001", "TA002", "TA003"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "/nonexistent/project"], "project root is not a directory: /nonexistent/project"),
        (["run", ".", "--format", "pdf"], "traceaudit: error: Invalid value for '--format'"),
        (["frobnicate"], "traceaudit: error: No such command 'frobnicate'"),
    ],
)
def test_usage_errors_exit_two(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(args, capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1


def test_config_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy("rules/TA001-unimplemented-requirement", tmp_path)
    (project / "pyproject.toml").write_text('[tool.traceaudit]\nspecz = ["x"]\n', encoding="utf-8")
    code, out, err = run(["run", str(project)], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(
        "traceaudit: error: pyproject.toml [tool.traceaudit]: unknown key 'specz'"
    )


def test_unknown_rule_in_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy("rules/TA001-unimplemented-requirement", tmp_path)
    (project / "traceaudit.toml").write_text('disable = ["TA999"]\n', encoding="utf-8")
    code, _, err = run(["run", str(project)], capsys)
    assert (code, err) == (
        2,
        "traceaudit: error: traceaudit.toml 'disable': unknown rule 'TA999' (must be a rule "
        "code or name that `traceaudit rules` lists)\n",
    )


def test_no_specs_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.py").write_text("x = 1\n", encoding="utf-8")
    code, _, err = run(["run", str(tmp_path)], capsys)
    assert code == 2
    assert "no spec files found" in err


def test_spec_outside_root_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy("rules/TA001-unimplemented-requirement", tmp_path)
    code, _, err = run(["run", str(project), "--spec", "../../etc"], capsys)
    assert code == 2
    assert "outside the project root" in err or "path not found" in err


def test_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = str(FIXTURES / "rules/TA001-unimplemented-requirement")
    code, _, err = run(["run", project, "-o", str(tmp_path / "missing" / "r.json")], capsys)
    assert code == 2 and err.startswith("traceaudit: error: cannot write")


def test_values_fill_unresolved_prefixes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy("rules/TA010-unresolved-route-path", tmp_path)
    code, out, _ = run(["routes", str(project), "--format", "json"], capsys)
    assert [r["path"] for r in json.loads(out)["routes"]] == ["{?load_prefix()}/notes"]
    (project / "traceaudit.toml").write_text(
        '[values]\n"load_prefix()" = "/api"\n', encoding="utf-8"
    )
    code, out, _ = run(["routes", str(project), "--format", "json"], capsys)
    assert code == 0
    assert [r["path"] for r in json.loads(out)["routes"]] == ["/api/notes"]


def test_routes_and_requirements_commands(capsys: pytest.CaptureFixture[str]) -> None:
    shop = str(FIXTURES / "shop")
    code, out, _ = run(["routes", shop], capsys)
    assert code == 0
    assert "POST    /api/v1/orders" in out
    code, out, _ = run(["requirements", shop, "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert "specs/orders/spec.md::FR-001" in {r["key"] for r in data["requirements"]}


def test_rules_command_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules"], capsys)
    assert code == 0
    assert out.splitlines()[0].split()[:3] == ["TA000", "parse-error", "error"]


def test_python_dash_m_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "traceaudit", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout.startswith("traceaudit, version ")

"""The command line: exit codes, formats, one-line errors, configuration."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from traceaudit import cli
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


def test_spec_roots_found_by_content_are_named_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = FIXTURES / "patterns/discovery-by-content"
    code, _, err = run(["run", str(project), "-o", str(tmp_path / "r.json"), "--exit-zero"], capsys)
    assert code == 0
    assert err.rstrip().split("\n")[-1] == (
        "traceaudit: spec roots: API_REFERENCE.md (by content: API reference); docs (by content: "
        "1 BMAD story file, 1 OpenAPI document in a fence, 1 PRD requirements list)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "/nonexistent/project"], "project root is not a directory: /nonexistent/project"),
        (
            ["run", ".", "--format", "pdf"],
            "traceaudit: error: Invalid value for '--format': 'pdf' is not one of",
        ),
        (["frobnicate"], "traceaudit: error: No such command 'frobnicate'."),
        (["run", str(FIXTURES / "shop" / "README.md")], "is a file"),
        (["run", ".", "--min-coverage", "120"], "'--min-coverage': 120"),
        (["run", ".", "--write", "pdf=x.pdf"], "is not FORMAT=FILE"),
        (["run", ".", "--today", "soon"], "is not a date"),
    ],
)
def test_usage_errors_exit_two(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(args, capsys)
    assert code == 2 and out == ""
    assert message in err
    assert err.count("\n") == 1 and err.startswith("traceaudit: error: ")  # one line
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


@pytest.mark.parametrize("command", ["run", "baseline"])
def test_no_specs_exits_before_any_python_file_is_read(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    (tmp_path / "app").mkdir()
    for n in range(3):
        (tmp_path / "app" / f"m{n}.py").write_text("from fastapi import FastAPI\n", "utf-8")

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("a Python file was read")

    monkeypatch.setattr(cli, "load_project", no_reading)
    code, out, err = run([command, str(tmp_path)], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("traceaudit: error: no spec files found") and err.count("\n") == 1


def test_no_specs_exits_before_the_audit_is_imported(tmp_path: Path) -> None:
    """The no-spec exit costs the imports of configuration and discovery only: no parser,
    no route resolution, no trace graph, no report."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text("from fastapi import FastAPI\n", "utf-8")
    probe = (
        "import sys\n"
        "from traceaudit.cli import main\n"
        "try:\n"
        "    main(['run', sys.argv[1]])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "heavy = ['traceaudit.audit', 'traceaudit.cache', 'traceaudit.pysource',\n"
        "         'traceaudit.specs', 'traceaudit.routes', 'traceaudit.trace',\n"
        "         'traceaudit.report', 'traceaudit.policy', 'libcst', 'markdown_it', 'networkx']\n"
        "print(code, [m for m in heavy if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert done.stdout == "2 []\n"
    assert done.stderr.startswith("traceaudit: error: no spec files found")


def test_spec_outside_root_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy("rules/TA001-unimplemented-requirement", tmp_path)
    code, _, err = run(["run", str(project), "--spec", "../../etc"], capsys)
    assert code == 2
    assert "outside the project root" in err or "path not found" in err


def test_output_folders_are_made(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = str(FIXTURES / "rules/TA001-unimplemented-requirement")
    target = tmp_path / "out" / "reports" / "r.json"
    code, _, _ = run(["run", project, "--format", "json", "-o", str(target)], capsys)
    assert code == 1 and json.loads(target.read_text(encoding="utf-8"))["schema_version"] == 1


def test_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = str(FIXTURES / "rules/TA001-unimplemented-requirement")
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, _, err = run(["run", project, "-o", str(blocker / "r.json")], capsys)
    assert code == 2 and err.startswith("traceaudit: error: cannot write")
    assert err.count("\n") == 1


def test_values_fill_unresolved_prefixes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy("rules/TA010-unresolved-route-path", tmp_path)
    code, out, _ = run(["routes", str(project), "--format", "json"], capsys)
    # load_prefix() reads an environment variable: the hole names it
    paths = [r["path"] for r in json.loads(out)["routes"]]
    assert paths == ["{?os.environ['NOTES_PREFIX']}/notes"]
    for key in ("load_prefix()", "NOTES_PREFIX"):  # the call, or the variable it reads
        (project / "traceaudit.toml").write_text(
            f'[values]\n"{key}" = "/api"\n', encoding="utf-8"
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


def test_rules_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules", "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["schema_version"] == 1
    ta009 = next(r for r in data["rules"] if r["code"] == "TA009")
    assert ta009["security_severity"] == 7.5 and ta009["help_uri"].endswith("#ta009-missing-auth")
    assert [r["code"] for r in data["rules"]] == sorted(r["code"] for r in data["rules"])


def test_quiet_and_statistics(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    shop = str(FIXTURES / "shop")
    _, out, _ = run(["run", shop, "--quiet"], capsys)
    assert all(": TA0" in line for line in out.splitlines())  # no summary line
    _, out, _ = run(["run", shop, "--statistics"], capsys)
    lines = out.splitlines()
    assert re.fullmatch(r" *\d+  TA\d{3}  [a-z-]+ +(error|warning|note)", lines[0])
    assert lines[-1].startswith("43 requirements: coverage 27/29 (93.1%)")
    counts = [int(line.split()[0]) for line in lines[:-1]]
    assert counts == sorted(counts, reverse=True) and sum(counts) == 20
    _, out, err = run(["run", shop, "--quiet", "-o", str(tmp_path / "r.txt")], capsys)
    assert out == "" and err == ""


def test_colours_on_request_and_never_with_no_color(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = str(FIXTURES / "shop")
    _, out, _ = run(["run", shop, "--color", "always"], capsys)
    assert "\x1b[31merror\x1b[0m" in out
    _, out, _ = run(["run", shop], capsys)  # not a terminal
    assert "\x1b[" not in out
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    _, out, _ = run(["run", shop], capsys)
    assert "\x1b[" not in out


def test_columns_where_they_are_known(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["run", str(FIXTURES / "shop")], capsys)
    assert re.search(r"^app/api/routes/orders\.py:\d+:\d+: TA003 ", out, re.M)  # a reference
    assert re.search(r"^specs/orders/spec\.md:\d+: TA001 ", out, re.M)  # a line only


def test_write_several_formats_from_one_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shop = str(FIXTURES / "shop")
    sarif, html = tmp_path / "a" / "t.sarif", tmp_path / "b" / "r.html"
    code, out, err = run(
        ["run", shop, "--format", "json", "-o", str(tmp_path / "r.json"),
         "--write", f"sarif={sarif}", "--write", f"html={html}"],
        capsys,
    )  # fmt: skip
    assert code == 1 and out == ""
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert err.count("\n") == 1 and str(sarif) in err and str(html) in err


def test_min_coverage_gate(capsys: pytest.CaptureFixture[str]) -> None:
    shop = str(FIXTURES / "shop")  # coverage 27/29 = 93.1%
    code, _, err = run(["run", shop, "--fail-on", "never", "--min-coverage", "95"], capsys)
    assert code == 1
    assert err == "traceaudit: failing: coverage 93.1% (27/29) is below --min-coverage 95%\n"
    assert run(["run", shop, "--fail-on", "never", "--min-coverage", "90"], capsys)[0] == 0


def test_closed_stdout_is_reported_as_such() -> None:
    """``traceaudit run | head -0``: the pipe closes; one line, exit 2, no traceback."""
    proc = subprocess.run(
        f"{sys.executable} -m traceaudit run {FIXTURES / 'shop'} --format json | head -c 10",
        shell=True, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr in ("", "traceaudit: error: cannot write to standard output: Broken pipe\n")


def test_full_disk_on_stdout_is_reported_as_such() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "traceaudit", "run", str(FIXTURES / "shop"), "--format", "json"],
            stdout=full, stderr=subprocess.PIPE, text=True, check=False,
        )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr == (
        "traceaudit: error: cannot write to standard output: No space left on device\n"
    )


def test_config_type_errors_name_the_file_and_the_allowed_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy("rules/TA001-unimplemented-requirement", tmp_path)
    (project / "traceaudit.toml").write_text('fail-on = "fatal"\n', encoding="utf-8")
    code, _, err = run(["run", str(project)], capsys)
    assert code == 2
    assert err == (
        "traceaudit: error: traceaudit.toml 'fail-on': must be one of error, warning, note, "
        "never, got string 'fatal'\n"
    )
    (project / "traceaudit.toml").write_text("[per-file-ignores]\n'app/' = 3\n", encoding="utf-8")
    code, _, err = run(["run", str(project)], capsys)
    assert code == 2
    assert err == (
        "traceaudit: error: traceaudit.toml 'per-file-ignores': 'app/': must be a string or a "
        "list of strings, got integer 3\n"
    )


def test_help_shows_examples_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["run", "--help"], capsys)
    assert code == 0
    assert "Examples:" in out and "Exit codes:" in out and "--base origin/main" in out
    code, out, _ = run(["--help"], capsys)
    assert "Exit codes:" in out and "traceaudit baseline" in out


def test_apps_accept_the_file_form_the_json_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shop = copy("shop", tmp_path)
    _, out, _ = run(["routes", str(shop), "--format", "json"], capsys)
    every = json.loads(out)["routes"]
    app = every[0]["app"]  # "app/main.py:app": the form the JSON output prints
    assert app.endswith(".py:app")
    for form in (app, "app.main:app"):
        (shop / "traceaudit.toml").write_text(f'apps = ["{form}"]\n', encoding="utf-8")
        code, out, _ = run(["routes", str(shop), "--format", "json"], capsys)
        assert code == 0 and json.loads(out)["routes"] == every, form


@pytest.mark.parametrize(
    ("apps", "message"),
    [
        ('["app.main"]', "'apps': must be module:attr (app.main:app"),
        ('["app/nowhere.py:app"]', "no configured app was found: app/nowhere.py:app"),
        ('["app.main:nothing"]', "no configured app was found: app.main:nothing"),
    ],
)
def test_apps_that_serve_nothing_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], apps: str, message: str
) -> None:
    shop = copy("shop", tmp_path)
    (shop / "traceaudit.toml").write_text(f"apps = {apps}\n", encoding="utf-8")
    for command in ("routes", "run"):
        code, out, err = run([command, str(shop)], capsys)
        assert (code, out) == (2, "") and message in err and err.count("\n") == 1


def test_routes_lists_what_is_not_live_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    case = str(FIXTURES / "routes" / "settings_defaults")
    code, out, _ = run(["routes", case], capsys)
    assert code == 0
    live, _, inactive = out.partition("not live with default settings")
    assert "/health" in live and "/admin/reindex" not in live
    assert "/admin/reindex" in inactive and "conditional: settings.ENABLE_ADMIN" in inactive
    code, out, _ = run(["routes", case, "--format", "json"], capsys)
    data = json.loads(out)
    assert sorted(r["path"] for r in data["inactive_routes"]) == ["/admin/reindex", "/metrics"]


def test_routes_explain_gives_the_chain_from_each_entry_point_to_each_app(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy("routes/class_built", tmp_path)
    (project / "Procfile").write_text("web: uvicorn kiosk.web:app\n", encoding="utf-8")
    code, out, _ = run(["routes", str(project)], capsys)
    assert code == 0
    assert out.splitlines()[-1] == (
        "2 apps built, 1 served: kiosk/server.py:ApiServer.app (6 routes); "
        "not served: kiosk/export.py:export_openapi.app"
    )
    code, out, _ = run(["routes", str(project), "--explain"], capsys)
    explained = out.split("\nAPPS (", 1)[1].splitlines()
    assert explained[1:4] == [
        "  served: kiosk/server.py:ApiServer.app (built at kiosk/server.py:12; 6 routes)",
        "    why: an entry point serves it",
        "    served by: kiosk/cli.py:9 start_webserver (CLI command) -> kiosk/cli.py:9 "
        "start_webserver -> kiosk/server.py:27 ApiServer.start -> uvicorn.Config "
        "(kiosk/server.py:30)",
    ]
    assert "    why: no entry point starts it" in explained
    assert (
        '    to count it, set apps = ["kiosk/export.py:export_openapi.app"] in [tool.traceaudit]'
        in explained
    )
    entries = explained[explained.index("ENTRY POINTS (3)") + 1 :]
    assert entries[:3] == [
        "  Procfile:1 `uvicorn kiosk.web:app`: reaches no app it serves",
        "  kiosk/cli.py:9 start_webserver (CLI command): serves kiosk/server.py:ApiServer.app",
        "  kiosk/export.py:10 export_openapi (called by nothing in the project): reaches no "
        "app it serves",
    ]
    assert entries[4].startswith("TRAILS LOST (1)")
    assert entries[5].startswith("  Procfile:1: `kiosk.web:app` (from Procfile:1 ")
    code, out, _ = run(["routes", str(project), "--format", "json", "--explain"], capsys)
    data = json.loads(out)
    assert [(a["name"], a["served"], a["routes"]) for a in data["apps"]] == [
        ("kiosk/server.py:ApiServer.app", True, 6),
        ("kiosk/export.py:export_openapi.app", False, 0),
    ]
    assert data["apps"][0]["served_by"][0][0] == "kiosk/cli.py:9 start_webserver (CLI command)"
    assert {e["entry"]: e["serves"] for e in data["entry_points"]}[
        "kiosk/cli.py:9 start_webserver (CLI command)"
    ] == ["kiosk/server.py:ApiServer.app"]
    assert [(x["file"], x["line"]) for x in data["lost"]] == [("Procfile", 1)]
    code, out, _ = run(["routes", str(project), "--format", "json"], capsys)
    assert "entry_points" not in json.loads(out) and "apps" in json.loads(out)

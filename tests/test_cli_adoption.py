"""Adopting traceaudit in a pull request, through the CLI: baselines and base-branch diffs."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.policy.support import APP, SPEC, project, write
from traceaudit.cli import main

SHOP = Path(__file__).resolve().parents[1] / "fixtures" / "shop"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    assert isinstance(exc.value.code, int)
    return exc.value.code, out, err


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    proc = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root, capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return proc.stdout


# -- baseline ------------------------------------------------------------------


def test_baseline_round_trip_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    shop = tmp_path / "shop"
    shutil.copytree(SHOP, shop, ignore=shutil.ignore_patterns("expected"))
    code, out, err = run(["baseline", str(shop)], capsys)
    assert code == 0 and out == ""
    assert err.startswith("traceaudit: baseline of 20 findings") and ".traceaudit-baseline" in err
    baseline = shop / ".traceaudit-baseline.json"
    code, out, _ = run(["run", str(shop), "--baseline", str(baseline)], capsys)
    assert code == 0  # every finding is baselined: nothing fails
    lines = out.splitlines()
    assert lines[-2] == f"baseline {baseline}: 0 new findings, 20 baselined, 0 fixed"
    assert lines[-1].endswith("0 errors, 0 warnings, 0 notes (20 baselined)")
    assert len(lines) == 2  # no finding listed: none is new
    # the config can name it, and --all lists everything, marked
    (shop / "traceaudit.toml").write_text('baseline = ".traceaudit-baseline.json"\n', "utf-8")
    code, out, _ = run(["run", str(shop), "--all"], capsys)
    assert code == 0 and out.count("[baselined: recorded in .traceaudit-baseline.json]") == 20


def test_a_new_finding_fails_and_a_fixed_one_is_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path / "p")
    baseline = tmp_path / "b.json"
    assert run(["baseline", str(root), "-o", str(baseline)], capsys)[0] == 0
    write(root, {"app/main.py": APP + "\n\n# Implements FR-002\nX = 1\n"})  # fixes TA001
    write(root, {"specs/notes/spec.md": SPEC + "- **FR-003**: System MUST archive notes.\n"})
    code, out, _ = run(["run", str(root), "--baseline", str(baseline)], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("specs/notes/spec.md:7: TA001 [error] FR-003")
    assert lines[1] == (
        "fixed: specs/notes/spec.md: TA001 specs/notes/spec.md::FR-002 (unimplemented-requirement)"
    )
    assert lines[2] == f"baseline {baseline}: 1 new finding, 1 baselined, 1 fixed"


def test_bad_baseline_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path / "p")
    (tmp_path / "b.json").write_text("{nope", encoding="utf-8")
    code, _, err = run(["run", str(root), "--baseline", str(tmp_path / "b.json")], capsys)
    assert code == 2 and err.count("\n") == 1 and "not JSON" in err
    code, _, err = run(["run", str(root), "--baseline", str(tmp_path / "missing.json")], capsys)
    assert code == 2 and "cannot read the baseline" in err
    code, _, err = run(["run", str(root), "--fail-on-new"], capsys)
    assert code == 2 and "--fail-on-new needs --base REF or --baseline FILE" in err


# -- base-branch diff ----------------------------------------------------------

CHANGED_APP = (
    APP
    + '''

@app.get("/notes/export")
def export_notes() -> str:
    """Implements FR-002."""
    return ""


@app.post("/notes/purge")
def purge_notes() -> None:
    return None
'''
)
CHANGED_SPEC = SPEC.replace("list notes via", "list notes, newest first, via") + (
    "- **FR-003**: System MUST archive notes.\n"
)


def repo_with_a_change(root: Path, sub: str = "") -> Path:
    """main: the support project; HEAD (branch feature): the planted change."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    project(root / sub if sub else root)
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "feature")
    base = root / sub if sub else root
    write(base, {"app/main.py": CHANGED_APP, "specs/notes/spec.md": CHANGED_SPEC})
    git(root, "commit", "-q", "-am", "change")
    return root


def test_base_diff_reports_exactly_the_planted_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo_with_a_change(tmp_path / "repo")
    hook = root / ".git" / "hooks" / "post-checkout"
    hook.write_text(f"#!/bin/sh\ntouch {tmp_path / 'hook-ran'}\n", encoding="utf-8")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    code, out, _ = run(["run", str(root), "--base", "main", "--format", "json"], capsys)
    data = json.loads(out)
    c = data["comparison"]
    base = git(root, "rev-parse", "main").strip()
    assert c["kind"] == "base" and c["reference"] == f"main @ {base[:12]}"
    new = sorted((f["code"], f["subject"]) for f in data["findings"] if f["new"])
    assert new == [("TA001", "specs/notes/spec.md::FR-003"), ("TA002", "POST /notes/purge")]
    assert c["new"] == 2 and c["unchanged"] == 1  # TA002 GET /health was there before
    assert [(f["code"], f["subject"]) for f in c["fixed"]] == [
        ("TA001", "specs/notes/spec.md::FR-002")
    ]
    assert c["routes_added"] == ["GET /notes/export", "POST /notes/purge"]
    assert c["routes_removed"] == []
    assert c["requirements_added"] == ["specs/notes/spec.md::FR-003"]
    assert c["requirements_removed"] == []
    assert c["requirements_reworded"] == ["specs/notes/spec.md::FR-001"]
    assert c["spec_files"] == [
        {
            "path": "specs/notes/spec.md",
            "base_implemented": 1,
            "base_countable": 2,
            "implemented": 2,
            "countable": 3,
        }
    ]
    assert code == 1  # TA001 is an error, and --fail-on applies to every finding
    # nothing of the audit stays behind, and the repository's hooks never ran
    assert git(root, "worktree", "list").count("\n") == 1
    assert not (tmp_path / "hook-ran").exists()
    assert git(root, "status", "--porcelain") == ""


def test_base_diff_text_shows_only_what_the_change_introduced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo_with_a_change(tmp_path / "repo")
    code, out, _ = run(["run", str(root), "--base", "main", "--fail-on-new"], capsys)
    lines = out.splitlines()
    assert lines[0].startswith("app/main.py:23: TA002 [warning] POST /notes/purge is served")
    assert lines[1].startswith("specs/notes/spec.md:7: TA001 [error] FR-003 (System MUST archive")
    assert "GET /health" not in out  # it was there before: not the change's
    assert lines[2] == (
        "fixed: specs/notes/spec.md:6: TA001 specs/notes/spec.md::FR-002"
        " (unimplemented-requirement)"
    )
    assert (
        lines[3].startswith("against main @ ")
        and "2 new findings, 1 fixed, 1 unchanged" in lines[3]
    )
    assert "routes +2 -0" in lines[3] and "requirements +1 -0 ~1 reworded" in lines[3]
    assert code == 1  # a new error
    code, out, _ = run(["run", str(root), "--base", "main", "--all"], capsys)
    assert "GET /health" in out


def test_base_diff_in_a_monorepo_subfolder_with_specs_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo_with_a_change(tmp_path / "repo", sub="backend")
    git(root, "mv", "backend/specs", "specs")
    git(root, "commit", "-q", "-m", "specs beside the backend")
    backend = root / "backend"
    _, out, _ = run(
        ["run", str(backend), "--spec", "../specs", "--base", "main", "--format", "sarif"], capsys
    )
    sarif = json.loads(out)["runs"][0]
    uris = sorted(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["results"]
    )
    # at the base the specs sat in backend/specs: the spec is new there, so are its findings
    assert "backend/app/main.py" in uris and "specs/notes/spec.md" in uris
    assert sarif["automationDetails"] == {"id": "traceaudit/backend/"}
    assert sarif["originalUriBaseIds"]["PROJECTROOT"] == {
        "uri": "backend/",
        "uriBaseId": "%SRCROOT%",
    }


def test_base_needs_a_known_revision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo_with_a_change(tmp_path / "repo")
    code, _, err = run(["run", str(root), "--base", "origin/nope"], capsys)
    assert code == 2 and err.count("\n") == 1
    assert "unknown git revision 'origin/nope'" in err and "fetch-depth: 0" in err
    plain = project(tmp_path / "plain")
    code, _, err = run(["run", str(plain), "--base", "main"], capsys)
    assert code == 2 and "needs a git repository" in err

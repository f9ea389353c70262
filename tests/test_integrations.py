"""The integration files in the repository: the GitHub Action and the pre-commit hooks.

The action's audit step is run for real, with bash, in a git repository built here, with
the variables GitHub sets; the workflow shown in the README uses only inputs the action
has.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_cli_adoption import repo_with_a_change

REPO = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def step(name: str) -> dict[str, Any]:
    return next(s for s in ACTION["runs"]["steps"] if s.get("name") == name)


def test_action_is_a_composite_that_uploads_and_summarises() -> None:
    assert ACTION["runs"]["using"] == "composite"
    uses = [s.get("uses", "") for s in ACTION["runs"]["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    assert "GITHUB_STEP_SUMMARY" in step("Audit")["run"]
    assert step("Gate")["run"].startswith("exit ")


def test_pre_commit_hooks() -> None:
    ids = [h["id"] for h in HOOKS]
    assert ids == ["traceaudit", "traceaudit-baseline"]
    main = HOOKS[0]
    assert main["entry"] == "traceaudit run" and main["language"] == "python"
    assert main["pass_filenames"] is False  # the audit is of the whole project


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_action_audit_step_runs_on_a_pull_request(tmp_path: Path) -> None:
    root = repo_with_a_change(tmp_path / "repo")
    subprocess.run(["git", "update-ref", "refs/remotes/origin/main", "main"], cwd=root, check=True)
    temp, summary, output = tmp_path / "runner", tmp_path / "summary.md", tmp_path / "out.txt"
    temp.mkdir()
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(temp),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_WORKSPACE": str(root),
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "org/repo",
        "GITHUB_BASE_REF": "main",
    }
    for key, value in step("Audit")["env"].items():
        name = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", value)
        assert name is not None, value
        env[key] = inputs[name[1]]
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", step("Audit")["run"]],
        cwd=root, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert outputs["exit-code"] == "1"  # the change adds an error
    annotations = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 2  # only what the change introduced
    assert any(a.startswith("::error file=specs/notes/spec.md,line=7") for a in annotations)
    sarif = json.loads(Path(outputs["sarif"]).read_text(encoding="utf-8"))
    assert len(sarif["runs"][0]["results"]) == 2
    assert Path(outputs["html"]).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## traceaudit") and "### Changes against the base" in text
    assert "https://github.com/org/repo/blob/" in text  # links from --source-url


def test_the_readme_workflow_uses_the_action_as_it_is() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use it in CI", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    workflow = yaml.safe_load(blocks[0])
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # --base needs the base branch's history
    ours = next(s for s in steps if "traceaudit" in s.get("uses", ""))
    assert set(ours.get("with", {})) <= set(ACTION["inputs"])
    permissions = next(iter(workflow["jobs"].values()))["permissions"]
    assert permissions["security-events"] == "write"
    pre_commit = yaml.safe_load(re.findall(r"```yaml\n(.*?)```", section, re.S)[1])
    assert pre_commit["repos"][0]["hooks"][0]["id"] in {h["id"] for h in HOOKS}

"""The text prefilter only saves work: with it and without it the reports are identical.

``--no-prefilter`` reads every file in full (code facts from every module, references
from every docstring and comment). Every fixture project and a generated monorepo give
byte-identical JSON both ways.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.corpus import generated_corpus
from traceaudit.audit import audit
from traceaudit.cli import main
from traceaudit.config import load
from traceaudit.report.json import json_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GROUPS = ("rules", "routes", "formats", "patterns")
PROJECTS = sorted(
    [FIXTURES / "shop"]
    + [p for group in GROUPS for p in (FIXTURES / group).iterdir() if p.is_dir()]
)


def both_ways(root: Path) -> tuple[str, str]:
    config = load(root)
    with_it = json_report(audit(config, jobs=1))
    without = json_report(audit(replace(config, prefilter=False), jobs=1))
    return with_it, without


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_reports_the_same_without_the_prefilter(project: Path) -> None:
    with_it, without = both_ways(project)
    assert with_it == without


def test_a_generated_monorepo_reports_the_same_without_the_prefilter() -> None:
    with_it, without = both_ways(generated_corpus())
    assert with_it == without
    assert '"routes": [' in with_it and '"findings": [' in with_it


def test_the_cli_flag_turns_it_off(capsys: pytest.CaptureFixture[str]) -> None:
    shop = str(FIXTURES / "shop")
    outputs = []
    for extra in ([], ["--no-prefilter"]):
        with pytest.raises(SystemExit) as exc:
            main(["run", shop, "--format", "json", "--jobs", "1", *extra])
        assert exc.value.code == 1
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]

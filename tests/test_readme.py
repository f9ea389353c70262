"""The README documents every rule, option and format that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from traceaudit.cli import FORMATS, run
from traceaudit.config import CONFIG_KEYS
from traceaudit.trace import RULES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_is_in_the_table_and_the_reference(rule: object) -> None:
    code, name = rule.code, rule.name  # type: ignore[attr-defined]
    assert f"| {code} | {name} |" in README
    # the heading SARIF's helpUri points at (GitHub anchor: ta001-unimplemented-requirement)
    assert f"\n#### {code} {name}\n" in README
    assert rule.description in README  # type: ignore[attr-defined]


def test_every_run_option_and_format_is_documented() -> None:
    usage = README.split("## Usage", 1)[1].split("\n## ", 1)[0]
    for param in run.params:
        for opt in param.opts:
            if opt.startswith("--"):
                assert opt in usage, f"{opt} is missing from the README's usage"
    for fmt in FORMATS:
        assert f"- `{fmt}`" in README, f"format {fmt} has no paragraph in the tour"


def test_every_config_key_is_in_the_table() -> None:
    table = README.split("## Configuration", 1)[1]
    for key in CONFIG_KEYS:
        assert re.search(rf"^\| `{re.escape(key)}` \|", table, re.M), key

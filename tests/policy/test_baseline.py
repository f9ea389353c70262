"""Baselines: fingerprints that survive moving lines, counts, new and fixed findings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.policy.support import APP, project
from traceaudit.audit import audit
from traceaudit.config import load
from traceaudit.model import Disposition
from traceaudit.policy import (
    BaselineError,
    apply_baseline,
    baseline_json,
    make_baseline,
    read_baseline,
)

SHOP = Path(__file__).resolve().parents[2] / "fixtures" / "shop"


def test_round_trip_on_an_unchanged_tree_has_no_new_finding() -> None:
    result = audit(load(SHOP), jobs=1)
    assert len(result.active_findings) > 10
    text = baseline_json(make_baseline(result), "0.1.0")
    compared = apply_baseline(audit(load(SHOP), jobs=1), read_baseline(text, "b.json"))
    assert compared.comparison is not None
    assert compared.comparison.new == () and compared.comparison.fixed == ()
    assert compared.comparison.unchanged == len(result.active_findings)
    assert compared.active_findings == ()
    assert {f.dismissal.kind for f in compared.findings if f.dismissal} == {Disposition.BASELINED}


def test_the_baseline_file_is_reviewable() -> None:
    text = baseline_json(make_baseline(audit(load(SHOP), jobs=1)), "0.1.0")
    data = json.loads(text)
    assert data["schema_version"] == 1 and text.endswith("}\n")
    first = data["findings"][0]
    assert list(first) == ["fingerprint", "code", "rule", "subject", "file", "count", "message"]
    assert all("line" not in f for f in data["findings"])  # matching never uses lines
    keys = [(f["file"], f["code"], f["subject"]) for f in data["findings"]]
    assert keys == sorted(keys)


def test_moving_lines_keeps_findings_baselined(tmp_path: Path) -> None:
    root = project(tmp_path)
    baseline = make_baseline(audit(load(root), jobs=1))
    (root / "app" / "main.py").write_text('"""Moved down."""\n\n\n\n' + APP, encoding="utf-8")
    result = apply_baseline(audit(load(root), jobs=1), baseline)
    assert result.comparison is not None
    assert (len(result.comparison.new), result.comparison.unchanged) == (0, 2)


def test_a_new_finding_is_new_and_a_gone_one_is_fixed(tmp_path: Path) -> None:
    root = project(tmp_path)
    baseline = make_baseline(audit(load(root), jobs=1))
    app = APP.replace("/health", "/status")  # TA002 GET /health gone, GET /status new
    (root / "app" / "main.py").write_text(app, encoding="utf-8")
    result = apply_baseline(audit(load(root), jobs=1), baseline)
    c = result.comparison
    assert c is not None
    assert [(f.rule.code, f.subject) for f in c.new] == [("TA002", "GET /status")]
    assert [(f.rule.code, f.subject, f.location.path) for f in c.fixed] == [
        ("TA002", "GET /health", "app/main.py")
    ]
    assert [f.subject for f in result.active_findings] == ["GET /status"]


def test_counts_cover_repeated_findings(tmp_path: Path) -> None:
    root = project(tmp_path)
    baseline = make_baseline(audit(load(root), jobs=1))
    twice = APP + '\n\n@app.get("/health")\ndef health2() -> None:\n    return None\n'
    (root / "app" / "main.py").write_text(twice, encoding="utf-8")
    result = apply_baseline(audit(load(root), jobs=1), baseline)
    assert result.comparison is not None
    new = [(f.subject, f.location.line) for f in result.comparison.new]
    assert new == [("GET /health", 17)]  # the later one of the two is the new one


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not JSON"),
        ("[]", "not a traceaudit baseline"),
        ('{"schema_version": 9, "findings": []}', "schema_version 9 is not 1"),
        ('{"schema_version": 1, "findings": [{"code": "TA001"}]}', "'fingerprint' must be"),
    ],
)
def test_bad_baseline_files(text: str, message: str) -> None:
    with pytest.raises(BaselineError, match=message):
        read_baseline(text, "b.json")


def test_shop_fixture_is_not_changed_by_the_tests() -> None:
    assert not (SHOP / ".traceaudit-baseline.json").exists()
    assert shutil.which("git") is not None  # the base-diff tests need it

"""The decision layer: per-path settings, inline suppressions, waivers, and their findings."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from tests.policy.support import APP, SPEC, project
from traceaudit.audit import audit
from traceaudit.config import ConfigError, load
from traceaudit.model import AuditResult, Disposition, Finding, Severity

TODAY = datetime.date(2025, 6, 1)


def run(root: Path, today: datetime.date = TODAY) -> AuditResult:
    return audit(load(root), jobs=1, today=today)


def by_code(result: AuditResult) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in result.findings:
        out.setdefault(f.rule.code, []).append(f)
    return out


def test_the_project_has_one_finding_of_each_kind(tmp_path: Path) -> None:
    found = by_code(run(project(tmp_path)))
    assert sorted(found) == ["TA001", "TA002"]
    assert all(f.active for fs in found.values() for f in fs)


@pytest.mark.parametrize(
    "marked",
    [
        # on the decorator line
        APP.replace(
            '@app.get("/health")', '@app.get("/health")  # traceaudit: ignore[TA002] -- probe'
        ),
        # on the def line
        APP.replace(
            "def health() -> dict[str, str]:",
            "def health() -> dict[str, str]:  # traceaudit: ignore[TA002] -- probe",
        ),
        # on a line of its own above the decorator, by rule name
        APP.replace(
            '@app.get("/health")',
            '# traceaudit: ignore[undocumented-endpoint] -- probe\n@app.get("/health")',
        ),
    ],
    ids=["decorator-line", "def-line", "line-above-by-name"],
)
def test_python_suppression_marks_the_finding(tmp_path: Path, marked: str) -> None:
    result = run(project(tmp_path, app=marked))
    (ta002,) = by_code(result)["TA002"]
    assert ta002.dismissal is not None and ta002.dismissal.kind is Disposition.SUPPRESSED
    assert ta002.dismissal.reason == "probe"
    assert ta002.dismissal.location is not None and ta002.dismissal.location.path == "app/main.py"
    assert "TA030" not in by_code(result) and "TA031" not in by_code(result)
    assert [f.rule.code for f in result.active_findings] == ["TA001"]


def test_a_suppression_without_a_reason_suppresses_nothing(tmp_path: Path) -> None:
    app = APP.replace('@app.get("/health")', '@app.get("/health")  # traceaudit: ignore[TA002]')
    found = by_code(run(project(tmp_path, app=app)))
    assert found["TA002"][0].active
    (bad,) = found["TA031"]
    assert bad.location.path == "app/main.py" and bad.location.line == 12
    assert bad.location.column == 24  # where "traceaudit:" starts
    assert "has no reason" in bad.message and bad.rule.severity is Severity.WARNING


def test_unknown_rules_and_missing_brackets_are_reported(tmp_path: Path) -> None:
    app = APP.replace(
        '@app.get("/health")',
        '# traceaudit: ignore[TA999] -- x\n# traceaudit: ignore -- y\n@app.get("/health")',
    )
    found = by_code(run(project(tmp_path, app=app)))
    messages = sorted(f.message for f in found["TA031"])
    assert "names no rule" in messages[0] and "unknown rule TA999" in messages[1]


def test_an_unused_suppression_is_a_note(tmp_path: Path) -> None:
    app = APP.replace(
        "def list_notes() -> list[str]:",
        "def list_notes() -> list[str]:  # traceaudit: ignore[TA002] -- old",
    )
    found = by_code(run(project(tmp_path, app=app)))
    (unused,) = found["TA030"]
    assert unused.rule.severity is Severity.NOTE and unused.location.line == 7
    assert "matches no finding on lines 6-8" in unused.message


def test_a_suppression_in_a_string_is_not_one(tmp_path: Path) -> None:
    app = APP + 'TEXT = "# traceaudit: ignore-file[TA002] -- in a string"\n'
    found = by_code(run(project(tmp_path, app=app)))
    assert found["TA002"][0].active and "TA030" not in found


def test_file_wide_suppression(tmp_path: Path) -> None:
    app = "# traceaudit: ignore-file[TA002] -- internal service, no public API\n" + APP
    found = by_code(run(project(tmp_path, app=app)))
    assert found["TA002"][0].dismissal is not None


def test_markdown_suppression(tmp_path: Path) -> None:
    spec = SPEC.replace(
        "- **FR-002**",
        "<!-- traceaudit: ignore[TA001] -- delivered by the mobile app -->\n- **FR-002**",
    )
    result = run(project(tmp_path, spec=spec))
    (ta001,) = by_code(result)["TA001"]
    assert ta001.dismissal is not None and ta001.dismissal.reason == "delivered by the mobile app"
    assert ta001.dismissal.location is not None
    assert ta001.dismissal.location.path == "specs/notes/spec.md"


def test_per_file_ignores_and_severity(tmp_path: Path) -> None:
    config = (
        '[per-file-ignores]\n"app/" = ["TA002"]\n'
        '[per-file-severity]\n"specs/**/*.md" = { unimplemented-requirement = "note" }\n'
    )
    found = by_code(run(project(tmp_path, config=config)))
    assert "TA002" not in found  # ignored there, as if disabled
    assert found["TA001"][0].rule.severity is Severity.NOTE


WAIVER = """\
[[waivers]]
rule = "TA002"
subject = "GET /health*"
reason = "load balancer probe"
owner = "@platform"
expires = 2025-12-31
"""


def test_a_waiver_marks_and_keeps_the_finding(tmp_path: Path) -> None:
    result = run(project(tmp_path, config=WAIVER))
    (ta002,) = by_code(result)["TA002"]
    d = ta002.dismissal
    assert d is not None and d.kind is Disposition.WAIVED
    assert (d.reason, d.owner, d.expires) == ("load balancer probe", "@platform", "2025-12-31")
    assert d.location is not None and (d.location.path, d.location.line) == ("traceaudit.toml", 1)
    assert ta002 in result.findings and ta002 not in result.active_findings


def test_an_expired_waiver_is_a_finding_and_waives_nothing(tmp_path: Path) -> None:
    found = by_code(run(project(tmp_path, config=WAIVER), today=datetime.date(2026, 1, 1)))
    assert found["TA002"][0].active
    (expired,) = found["TA032"]
    assert "expired on 2025-12-31, owner @platform" in expired.message
    assert (expired.location.path, expired.location.line) == ("traceaudit.toml", 1)
    # the last day still counts
    found = by_code(run(project(tmp_path, config=WAIVER), today=datetime.date(2025, 12, 31)))
    assert not found["TA002"][0].active and "TA032" not in found


def test_waiver_by_path_and_an_unused_one(tmp_path: Path) -> None:
    config = WAIVER.replace('subject = "GET /health*"', 'path = "app/"') + (
        '\n[[waivers]]\nrule = "TA009"\nsubject = "GET /nowhere"\nreason = "stale"\n'
    )
    found = by_code(run(project(tmp_path, config=config)))
    assert found["TA002"][0].dismissal is not None
    (unused,) = found["TA030"]
    assert (unused.location.path, unused.location.line) == ("traceaudit.toml", 8)
    assert "the waiver of TA009 for GET /nowhere matches no finding" in unused.message


@pytest.mark.parametrize(
    ("waiver", "message"),
    [
        ('rule = "TA002"\nsubject = "x"\n', "'waivers': item 1: a waiver needs a 'reason'"),
        ('rule = "TA002"\nsubject = "x"\nreason = "  "\n', "a waiver needs a 'reason'"),
        ('rule = "TA002"\nreason = "r"\n', "needs a 'subject'"),
        ('subject = "x"\nreason = "r"\n', "needs a 'rule'"),
        ('rule = "TA002"\nsubject = "x"\nreason = "r"\nexpires = "soon"\n', "must be a date"),
        (
            'rule = "TA002"\nsubject = "x"\nreason = "r"\nowner = 3\n',
            "item 1.owner: must be a string, got integer 3",
        ),
        ('rule = "TA002"\nsubject = "x"\nreason = "r"\nwhy = "x"\n', "unknown key 'why'"),
    ],
)
def test_bad_waivers_are_config_errors(tmp_path: Path, waiver: str, message: str) -> None:
    project(tmp_path, config="[[waivers]]\n" + waiver)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")) as exc:
        load(tmp_path)
    assert str(exc.value).startswith("traceaudit.toml 'waivers': ")

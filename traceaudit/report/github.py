"""GitHub Actions workflow commands: one annotation per active finding::

    ::error file=backend/app/main.py,line=14,col=5,title=TA009 missing-auth::GET /x must ...

GitHub shows them on the pull request's changed lines and in the run summary.
Paths are repository-relative (``--project-root``); notes become ``::notice``.
Suppressed, waived and baselined findings are not annotated; with ``--base`` only
new findings are, unless ``--all``. A plain summary line ends the output.
"""

from __future__ import annotations

from traceaudit.model import AuditResult, Finding
from traceaudit.report.common import (
    DEFAULT_OPTIONS,
    ReportOptions,
    comparison_line,
    one_line,
    repo_path,
    shown_findings,
)
from traceaudit.report.text import summary_line

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding, options: ReportOptions = DEFAULT_OPTIONS) -> str:
    props = []
    if f.location.path:
        props.append(f"file={_property(repo_path(f.location.path, options))}")
        if f.location.line > 0:
            props.append(f"line={f.location.line}")
            if f.location.column:
                props.append(f"col={f.location.column}")
    props.append(f"title={_property(f'{f.rule.code} {f.rule.name}')}")
    return f"::{_COMMAND[f.rule.severity.value]} {','.join(props)}::{_data(one_line(f.message))}"


def github_report(result: AuditResult, options: ReportOptions = DEFAULT_OPTIONS) -> str:
    """Workflow annotations for the active findings shown, then the summary line."""
    lines = [annotation(f, options) for f in shown_findings(result, options) if f.active]
    compared = comparison_line(result)
    if compared:
        lines.append(compared)
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"

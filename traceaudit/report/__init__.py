"""Reports: an :class:`~traceaudit.model.AuditResult` in, a document out.

One module per output format (text, JSON, HTML, Markdown, SARIF, GitHub
annotations, JUnit, CSV), each with a pure function ``(result, options) -> str``
that returns the whole document, plus the listings of the ``routes``,
``requirements`` and ``rules`` commands. Nothing here prints, writes files or
reads the project; output is deterministic (sorted, relative paths, no
timestamps unless the result carries one). jinja2 is used here and nowhere else.
"""

from collections.abc import Callable

from traceaudit.model import AuditResult
from traceaudit.report.common import DEFAULT_OPTIONS, MARKDOWN_LIMIT, ReportOptions, visible
from traceaudit.report.csv_report import csv_report
from traceaudit.report.github import github_report
from traceaudit.report.html import html_report
from traceaudit.report.json import json_report, requirements_json, routes_json, rules_json
from traceaudit.report.junit import junit_report
from traceaudit.report.markdown import markdown_report
from traceaudit.report.sarif import sarif_report
from traceaudit.report.text import (
    explain_text,
    requirements_text,
    routes_text,
    statistics_text,
    summary_line,
    text_report,
)


def _for_people(
    render: Callable[[AuditResult, ReportOptions], str],
) -> Callable[[AuditResult, ReportOptions], str]:
    """A human format renders a copy of the result whose strings show their control
    characters, line breaks, bidi overrides and lone surrogates as escapes (JSON and
    SARIF keep the exact strings: their encoders escape them)."""

    def rendered(result: AuditResult, options: ReportOptions = DEFAULT_OPTIONS) -> str:
        return render(visible(result), options)

    return rendered


REPORTERS: dict[str, Callable[[AuditResult, ReportOptions], str]] = {
    "text": _for_people(text_report),
    "json": json_report,
    "html": _for_people(html_report),
    "markdown": _for_people(markdown_report),
    "sarif": sarif_report,
    "github": _for_people(github_report),
    "junit": _for_people(junit_report),
    "csv": _for_people(csv_report),
}

__all__ = [
    "MARKDOWN_LIMIT",
    "REPORTERS",
    "ReportOptions",
    "explain_text",
    "requirements_json",
    "requirements_text",
    "routes_json",
    "routes_text",
    "rules_json",
    "statistics_text",
    "summary_line",
    "visible",
]

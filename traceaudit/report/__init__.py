"""Reports: an :class:`~traceaudit.model.AuditResult` in, a document out.

One module per output format (text, JSON, HTML, Markdown, SARIF), each with a
pure function that returns the whole document as a string, plus the listings
of the ``routes`` and ``requirements`` commands. Nothing here prints, writes
files or reads the project; output is deterministic (sorted, relative paths,
no timestamps). jinja2 is used here and nowhere else.
"""

from collections.abc import Callable

from traceaudit.model import AuditResult
from traceaudit.report.html import html_report
from traceaudit.report.json import json_report, requirements_json, routes_json
from traceaudit.report.markdown import markdown_report
from traceaudit.report.sarif import sarif_report
from traceaudit.report.text import requirements_text, routes_text, text_report

REPORTERS: dict[str, Callable[[AuditResult], str]] = {
    "text": text_report,
    "json": json_report,
    "html": html_report,
    "markdown": markdown_report,
    "sarif": sarif_report,
}

__all__ = ["REPORTERS", "requirements_json", "requirements_text", "routes_json", "routes_text"]

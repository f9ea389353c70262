"""Reports: an :class:`~traceaudit.model.AuditResult` in, a document out.

One pure function per output format (text, JSON, HTML, Markdown, SARIF), each
returning the whole document as a string, plus the listings of the ``routes``
and ``requirements`` commands. Nothing here prints, writes files or reads the
project; output is deterministic. jinja2 is used here and nowhere else.
"""

from traceaudit.report.reporters import (
    REPORTERS,
    requirements_json,
    requirements_text,
    routes_json,
    routes_text,
)

__all__ = ["REPORTERS", "requirements_json", "requirements_text", "routes_json", "routes_text"]

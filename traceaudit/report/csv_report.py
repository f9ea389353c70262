"""The requirement matrix as CSV, one row per requirement, for spreadsheets and audits.

Columns: spec file, key, id, title, section, line, kind, status, claimed done, the
codes of the active findings that concern it, those of the dismissed ones with their
decision (``TA001 waived``), implemented by, verified by, routes. Lists
are joined with ``; ``. A cell that a spreadsheet would run as a formula (starting
with ``=``, ``+``, ``-``, ``@``, tab or CR) is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io

from traceaudit.model import AuditResult
from traceaudit.report.common import (
    DEFAULT_OPTIONS,
    ReportOptions,
    evidence_text,
    findings_by_requirement,
    one_line,
    sorted_evidence,
    sorted_requirements,
)

HEADER = (
    "spec_file", "key", "id", "title", "section", "line", "kind", "status", "claimed_done",
    "findings", "dismissed", "implemented_by", "verified_by", "routes",
)  # fmt: skip


def _safe(value: object) -> str:
    text = one_line(str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_report(result: AuditResult, options: ReportOptions = DEFAULT_OPTIONS) -> str:
    """The matrix as RFC 4180 CSV with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    by_req = findings_by_requirement(result)
    for rr in sorted_requirements(result.requirements):
        req = rr.requirement
        mine = by_req.get(req.key, [])
        codes = sorted({f.rule.code for f in mine if f.active})
        dismissed = sorted(
            {f"{f.rule.code} {f.dismissal.kind.value}" for f in mine if f.dismissal is not None}
        )
        writer.writerow(
            [
                _safe(req.spec_path),
                _safe(req.key),
                _safe(req.id),
                _safe(req.title),
                _safe(" > ".join(req.section_path)),
                req.location.line,
                req.kind.value,
                rr.status.value,
                "yes" if req.claimed_done else "no",
                " ".join(codes),
                "; ".join(dismissed),
                _safe("; ".join(evidence_text(e) for e in sorted_evidence(rr.implemented_by))),
                _safe("; ".join(evidence_text(e) for e in sorted_evidence(rr.verified_by))),
                _safe("; ".join(sorted(rr.routes))),
            ]
        )
    return out.getvalue()

"""SARIF 2.1.0 for code-scanning UIs: one run, rules from the rule registry,
relative artifact URIs and stable ``partialFingerprints``.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from traceaudit.model import AuditResult, Finding, Location
from traceaudit.report.common import TOOL_NAME, JsonObj, dumps, reported_rules, sorted_findings

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


FINGERPRINT_KEY = "traceaudit/v1"


def _fingerprint(f: Finding) -> str:
    raw = "\0".join((f.rule.code, f.subject, f.location.path))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _sarif_location(loc: Location) -> JsonObj | None:
    if not loc.path:
        return None
    physical: JsonObj = {
        "artifactLocation": {"uri": quote(loc.path, safe="/"), "uriBaseId": "%SRCROOT%"}
    }
    if loc.line >= 1:
        region: JsonObj = {"startLine": loc.line}
        if loc.column > 1:
            region["startColumn"] = loc.column
        physical["region"] = region
    return {"physicalLocation": physical}


def sarif_report(result: AuditResult) -> str:
    """The findings as a SARIF 2.1.0 log (one run), for code-scanning services."""
    rules = reported_rules(result)
    index = {rule.code: i for i, rule in enumerate(rules)}
    sarif_rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary or rule.name},
            "defaultConfiguration": {"level": rule.severity.value},
        }
        for rule in rules
    ]
    results = []
    for f in sorted_findings(result.findings):
        item: JsonObj = {
            "ruleId": f.rule.code,
            "ruleIndex": index[f.rule.code],
            "level": f.rule.severity.value,
            "message": {"text": f.message or f.rule.summary or f.rule.name},
        }
        location = _sarif_location(f.location)
        if location is not None:
            item["locations"] = [location]
        item["partialFingerprints"] = {FINGERPRINT_KEY: _fingerprint(f)}
        item["properties"] = {"subject": f.subject, "rule": f.rule.name}
        results.append(item)
    data: JsonObj = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": result.version,
                        "rules": sarif_rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return dumps(data)

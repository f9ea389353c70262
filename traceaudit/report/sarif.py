"""SARIF 2.1.0 for code-scanning UIs (GitHub code scanning, Azure DevOps, IDEs).

One run; every rule with its full description, Markdown help and a ``helpUri``
into the README's rule reference, ``properties.tags`` and, for the auth rules,
``security-severity``. URIs are relative to ``%SRCROOT%``: the repository root when
``--project-root`` (or the git repository found around ROOT) makes the audited root a
subfolder (``backend/app/main.py``), else ROOT itself. Stable
``partialFingerprints`` (rule + subject + file), ``baselineState`` when compared,
``suppressions`` for suppressed, waived and baselined findings.
"""

from __future__ import annotations

from urllib.parse import quote

from traceaudit.model import AuditResult, Disposition, Finding, Location, Rule
from traceaudit.report.common import (
    DEFAULT_OPTIONS,
    HOMEPAGE,
    TOOL_NAME,
    JsonObj,
    ReportOptions,
    dumps,
    repo_path,
    reported_rules,
    rule_help_uri,
    shown_findings,
)

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


FINGERPRINT_KEY = "traceaudit/v1"

_SUPPRESSION_KIND = {
    Disposition.SUPPRESSED: "inSource",
    Disposition.WAIVED: "external",
    Disposition.BASELINED: "external",
}


def _sarif_location(loc: Location, options: ReportOptions) -> JsonObj | None:
    if not loc.path:
        return None
    physical: JsonObj = {
        "artifactLocation": {
            "uri": quote(repo_path(loc.path, options), safe="/", errors="surrogateescape"),
            "uriBaseId": "%SRCROOT%",
        }
    }
    if loc.line >= 1:
        region: JsonObj = {"startLine": loc.line}
        if loc.column >= 1:
            region["startColumn"] = loc.column
        physical["region"] = region
    return {"physicalLocation": physical}


def _rule_obj(rule: Rule) -> JsonObj:
    description = rule.description or rule.summary or rule.name
    help_text = description + (f" What to do: {rule.fix}" if rule.fix else "")
    help_md = f"**{rule.code} {rule.name}** ({rule.severity.value})\n\n{description}"
    if rule.fix:
        help_md += f"\n\n**What to do:** {rule.fix}"
    help_md += f"\n\n[Documentation]({rule_help_uri(rule)})"
    properties: JsonObj = {"tags": list(rule.tags) or ["traceability"], "precision": "high"}
    if rule.security_severity is not None:
        properties["security-severity"] = f"{rule.security_severity:.1f}"
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": description},
        "help": {"text": help_text, "markdown": help_md},
        "helpUri": rule_help_uri(rule),
        "defaultConfiguration": {"level": rule.severity.value},
        "properties": properties,
    }


def _result_obj(
    f: Finding, index: dict[str, int], options: ReportOptions, new: set[Finding] | None
) -> JsonObj:
    item: JsonObj = {
        "ruleId": f.rule.code,
        "ruleIndex": index[f.rule.code],
        "level": f.rule.severity.value,
        "message": {"text": f.message or f.rule.summary or f.rule.name},
    }
    location = _sarif_location(f.location, options)
    if location is not None:
        item["locations"] = [location]
    item["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
    if new is not None:
        item["baselineState"] = "new" if f in new else "unchanged"
    if f.dismissal is not None:
        suppression: JsonObj = {
            "kind": _SUPPRESSION_KIND[f.dismissal.kind],
            "status": "accepted",
            "justification": f.dismissal.reason or f.dismissal.kind.value,
        }
        if f.dismissal.location is not None:
            where = _sarif_location(f.dismissal.location, options)
            if where is not None:
                suppression["location"] = where
        item["suppressions"] = [suppression]
    properties: JsonObj = {"subject": f.subject, "rule": f.rule.name}
    if f.dismissal is not None:
        properties["state"] = f.dismissal.kind.value
        if f.dismissal.owner:
            properties["owner"] = f.dismissal.owner
        if f.dismissal.expires:
            properties["expires"] = f.dismissal.expires
    item["properties"] = properties
    return item


def sarif_report(result: AuditResult, options: ReportOptions = DEFAULT_OPTIONS) -> str:
    """The findings as a SARIF 2.1.0 log (one run), for code-scanning services.

    With a comparison (``--base``, ``--baseline``) only the new results are listed,
    unless ``--all``.
    """
    rules = reported_rules(result)
    index = {rule.code: i for i, rule in enumerate(rules)}
    new = set(result.comparison.new) if result.comparison is not None else None
    results = [_result_obj(f, index, options, new) for f in shown_findings(result, options)]
    prefix = options.path_prefix.strip("/")
    base_ids: JsonObj = {
        "%SRCROOT%": {
            "description": {
                "text": "The repository root; artifact URIs are relative to it."
                if prefix
                else "The audited project root; artifact URIs are relative to it."
            }
        }
    }
    if prefix:
        uri = quote(prefix, safe="/", errors="surrogateescape")
        base_ids["PROJECTROOT"] = {"uri": f"{uri}/", "uriBaseId": "%SRCROOT%"}
    invocation: JsonObj = {"executionSuccessful": True}
    run_properties: JsonObj = {}
    provenance = result.provenance
    if provenance is not None:
        if provenance.timestamp:
            invocation["endTimeUtc"] = provenance.timestamp
        run_properties = {
            "configHash": provenance.config_hash,
            "commit": provenance.commit,
            "dirty": provenance.dirty,
        }
    if result.comparison is not None:
        run_properties["comparison"] = {
            "kind": result.comparison.kind,
            "reference": result.comparison.reference,
            "new": len(result.comparison.new),
            "fixed": len(result.comparison.fixed),
            "unchanged": result.comparison.unchanged,
        }
    run: JsonObj = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": result.version,
                "semanticVersion": result.version,
                "informationUri": HOMEPAGE,
                "rules": [_rule_obj(rule) for rule in rules],
            }
        },
        "automationDetails": {"id": f"{TOOL_NAME}/{prefix}/" if prefix else f"{TOOL_NAME}/"},
        "originalUriBaseIds": base_ids,
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if run_properties:
        run["properties"] = run_properties
    data: JsonObj = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return dumps(data)

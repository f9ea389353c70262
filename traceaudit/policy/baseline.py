"""Baselines: accept today's findings, fail only on new ones.

``traceaudit baseline -o .traceaudit-baseline.json`` records each active finding by
fingerprint (rule + subject + file, never the line, so that moving code does not
make an old finding new) with a count, because one file can hold the same
finding twice. ``run --baseline FILE`` marks as many findings of each
fingerprint as the baseline counts as *baselined*; the rest are *new*; baseline
entries nothing matched any more are *fixed*. An expired waiver (TA032) is never
recorded: its expiry must bite.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from traceaudit.jsontext import dumps_indented
from traceaudit.model import (
    AuditResult,
    Comparison,
    Dismissal,
    Disposition,
    Finding,
    Location,
    Rule,
    Severity,
)
from traceaudit.trace import rule_by_name

BASELINE_VERSION = 1
NEVER_BASELINED = frozenset({"TA032"})


class BaselineError(Exception):
    """A baseline file that cannot be read; the message is one line."""


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    fingerprint: str
    code: str
    rule: str
    subject: str
    file: str
    message: str
    count: int


@dataclass(frozen=True, slots=True)
class Baseline:
    entries: tuple[BaselineEntry, ...]
    source: str = ""  # the file, for messages


def _ordered(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.sort_key)


def make_baseline(result: AuditResult) -> Baseline:
    """The baseline of a result: its active findings, grouped by fingerprint."""
    groups: dict[str, list[Finding]] = {}
    for finding in _ordered(result.findings):
        if finding.active and finding.rule.code not in NEVER_BASELINED:
            groups.setdefault(finding.fingerprint, []).append(finding)
    entries = [
        BaselineEntry(
            fingerprint=fp,
            code=found[0].rule.code,
            rule=found[0].rule.name,
            subject=found[0].subject,
            file=found[0].location.path,
            message=found[0].message,
            count=len(found),
        )
        for fp, found in groups.items()
    ]
    entries.sort(key=lambda e: (e.file, e.code, e.subject, e.fingerprint))
    return Baseline(tuple(entries))


def baseline_json(baseline: Baseline, version: str) -> str:
    """The baseline file: sorted, no lines, no time, so that it diffs well in review."""
    data = {
        "schema_version": BASELINE_VERSION,
        "tool": {"name": "traceaudit", "version": version},
        "findings": [
            {
                "fingerprint": e.fingerprint,
                "code": e.code,
                "rule": e.rule,
                "subject": e.subject,
                "file": e.file,
                "count": e.count,
                "message": e.message,
            }
            for e in baseline.entries
        ],
    }
    return dumps_indented(data, 2) + "\n"


def _field(item: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = item.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise BaselineError(f"{where}: '{key}' must be a {kind.__name__}")
    return value


def read_baseline(text: str, source: str) -> Baseline:
    """Parse a baseline file; raise :class:`BaselineError` with one line on a bad one."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{source}: not JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{source}: not a traceaudit baseline (no 'findings' list)")
    if data.get("schema_version") != BASELINE_VERSION:
        raise BaselineError(
            f"{source}: baseline schema_version {data.get('schema_version')!r} is not "
            f"{BASELINE_VERSION}; write it again with `traceaudit baseline`"
        )
    entries = []
    for i, item in enumerate(data["findings"], start=1):
        where = f"{source}: findings[{i}]"
        if not isinstance(item, dict):
            raise BaselineError(f"{where} must be an object")
        entries.append(
            BaselineEntry(
                fingerprint=_field(item, "fingerprint", str, where),
                code=_field(item, "code", str, where),
                rule=str(item.get("rule", "")),
                subject=_field(item, "subject", str, where),
                file=_field(item, "file", str, where),
                message=str(item.get("message", "")),
                count=max(1, _field(item, "count", int, where)),
            )
        )
    return Baseline(tuple(entries), source)


def _entry_rule(entry: BaselineEntry) -> Rule:
    return rule_by_name(entry.code) or Rule(entry.code, entry.rule, Severity.WARNING, "")


def apply_baseline(result: AuditResult, baseline: Baseline) -> AuditResult:
    """Mark baselined findings; record new, fixed and how many were baselined."""
    budget = Counter({e.fingerprint: e.count for e in baseline.entries})
    marked: list[Finding] = []
    new: list[Finding] = []
    unchanged = 0
    for finding in _ordered(result.findings):
        fp = finding.fingerprint
        if budget[fp] > 0 and finding.rule.code not in NEVER_BASELINED:
            budget[fp] -= 1
            unchanged += 1
            if finding.dismissal is None:
                finding = replace(
                    finding,
                    dismissal=Dismissal(Disposition.BASELINED, f"recorded in {baseline.source}"),
                )
        else:
            new.append(finding)
        marked.append(finding)
    fixed = [
        Finding(_entry_rule(e), e.message, Location(e.file, 0), e.subject)
        for e in baseline.entries
        for _ in range(budget[e.fingerprint])
    ]
    comparison = Comparison(
        kind="baseline",
        reference=baseline.source,
        new=tuple(new),
        fixed=tuple(_ordered(fixed)),
        unchanged=unchanged,
    )
    return replace(result, findings=tuple(marked), comparison=comparison)

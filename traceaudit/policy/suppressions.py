"""Inline suppressions: which findings each ``traceaudit: ignore[...]`` covers.

The files say where a suppression is written and which lines it covers
(``pysource``, ``specs``); here it is matched with the findings of its file. A
suppression without a reason, without rules, or naming an unknown rule
suppresses nothing and is reported (TA031); one that matched nothing is
reported too (TA030), so that stale suppressions cannot hide future findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from traceaudit.model import Dismissal, Disposition, Finding, Suppression
from traceaudit.trace import rule_by_name


@dataclass
class SuppressionOutcome:
    findings: list[Finding]
    unused: list[Suppression] = field(default_factory=list)
    invalid: list[tuple[Suppression, str]] = field(default_factory=list)  # (where, why)


def _problem(suppression: Suppression) -> str | None:
    if not suppression.rules:
        return "names no rule; write the codes in brackets, e.g. ignore[TA002]"
    unknown = [r for r in suppression.rules if rule_by_name(r) is None]
    if unknown:
        return f"names unknown rule {', '.join(unknown)}; see `traceaudit rules`"
    if not suppression.reason:
        return "has no reason; write why after `--`, e.g. ignore[TA002] -- health probe"
    return None


def _covers(suppression: Suppression, finding: Finding) -> bool:
    if finding.location.path != suppression.location.path:
        return False
    rules = {r.lower() for r in suppression.rules}
    if finding.rule.code.lower() not in rules and finding.rule.name not in rules:
        return False
    line = finding.location.line
    return suppression.whole_file or suppression.first_line <= line <= suppression.last_line


def apply_suppressions(
    findings: Sequence[Finding], suppressions: Sequence[Suppression], exempt: frozenset[str]
) -> SuppressionOutcome:
    """Mark the findings that a valid suppression covers; ``exempt`` rule codes never are."""
    valid: list[Suppression] = []
    outcome = SuppressionOutcome(findings=[])
    for suppression in suppressions:
        problem = _problem(suppression)
        if problem is None:
            valid.append(suppression)
        else:
            outcome.invalid.append((suppression, problem))
    by_path: dict[str, list[Suppression]] = {}
    for suppression in valid:
        by_path.setdefault(suppression.location.path, []).append(suppression)
    used: set[int] = set()
    for finding in findings:
        if finding.dismissal is None and finding.rule.code not in exempt:
            for suppression in by_path.get(finding.location.path, ()):
                if _covers(suppression, finding):
                    used.add(id(suppression))
                    dismissal = Dismissal(
                        Disposition.SUPPRESSED, suppression.reason, location=suppression.location
                    )
                    finding = replace(finding, dismissal=dismissal)
                    break
        outcome.findings.append(finding)
    outcome.unused = [s for s in valid if id(s) not in used]
    return outcome

"""Config waivers: findings accepted for a reason, by an owner, until a date.

A waiver names a rule and a subject glob (``GET /internal/*``,
``specs/legacy.md::FR-*``) and/or a path pattern (gitignore style). A finding it
matches stays in every report, marked waived with the reason, owner and expiry.
From the day after ``expires`` it waives nothing, and it is itself a finding
(TA032); a waiver that matched nothing is reported as unused (TA030).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase

from traceaudit import globs
from traceaudit.model import Dismissal, Disposition, Finding, Waiver


@dataclass
class WaiverOutcome:
    findings: list[Finding]
    unused: list[Waiver] = field(default_factory=list)
    expired: list[Waiver] = field(default_factory=list)


def _matches(waiver: Waiver, finding: Finding) -> bool:
    rule = waiver.rule.strip().lower()
    if rule not in (finding.rule.code.lower(), finding.rule.name):
        return False
    if waiver.subject is not None and not fnmatchcase(finding.subject, waiver.subject):
        return False
    return waiver.path is None or globs.matches([waiver.path], finding.location.path)


def is_expired(waiver: Waiver, today: datetime.date) -> bool:
    """A waiver is good through its ``expires`` day."""
    return waiver.expires is not None and datetime.date.fromisoformat(waiver.expires) < today


def apply_waivers(
    findings: Sequence[Finding],
    waivers: Sequence[Waiver],
    today: datetime.date,
    exempt: frozenset[str],
) -> WaiverOutcome:
    """Mark the findings an unexpired waiver matches (the first one, in config order)."""
    live = [w for w in waivers if not is_expired(w, today)]
    outcome = WaiverOutcome(findings=[], expired=[w for w in waivers if is_expired(w, today)])
    used: set[int] = set()
    for finding in findings:
        if finding.dismissal is None and finding.rule.code not in exempt:
            for waiver in live:
                if _matches(waiver, finding):
                    used.add(id(waiver))
                    dismissal = Dismissal(
                        Disposition.WAIVED,
                        waiver.reason,
                        owner=waiver.owner,
                        expires=waiver.expires,
                        location=waiver.location,
                    )
                    finding = replace(finding, dismissal=dismissal)
                    break
        outcome.findings.append(finding)
    outcome.unused = [w for w in live if id(w) not in used]
    return outcome

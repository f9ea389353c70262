"""What a change did: this audit against the audit of a base revision.

Findings are matched by fingerprint and count, as for a baseline, whatever their
dismissal (a finding the change suppresses is not *fixed*, it is suppressed).
Also: coverage per spec file before and after, routes added and removed, and
requirements added, removed or reworded (same key, other title or text).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from traceaudit.model import AuditResult, Comparison, Finding, SpecDelta


def _route_labels(result: AuditResult) -> set[str]:
    return {f"{method} {rr.route.path}" for rr in result.routes for method in rr.route.methods}


def _words(text: str) -> str:
    return " ".join(text.split())


def _match(
    head: Sequence[Finding], base: Sequence[Finding]
) -> tuple[list[Finding], list[Finding], int]:
    """(new in head, gone from base, matched): by fingerprint, in file order."""
    budget = Counter(f.fingerprint for f in base)
    new: list[Finding] = []
    matched = 0
    for finding in sorted(head, key=lambda f: f.sort_key):
        if budget[finding.fingerprint] > 0:
            budget[finding.fingerprint] -= 1
            matched += 1
        else:
            new.append(finding)
    fixed: list[Finding] = []
    for finding in sorted(base, key=lambda f: f.sort_key, reverse=True):
        if budget[finding.fingerprint] > 0:
            budget[finding.fingerprint] -= 1
            fixed.append(finding)
    return new, sorted(fixed, key=lambda f: f.sort_key), matched


def compare(head: AuditResult, base: AuditResult, reference: str) -> AuditResult:
    """``head`` with a :class:`~traceaudit.model.Comparison` against ``base``."""
    new, fixed, matched = _match(head.findings, base.findings)
    before = {s.path: s for s in base.spec_files}
    after = {s.path: s for s in head.spec_files}
    deltas = []
    for path in sorted(before.keys() | after.keys()):
        b, a = before.get(path), after.get(path)
        delta = SpecDelta(
            path,
            b.implemented if b else 0,
            b.countable if b else 0,
            a.implemented if a else 0,
            a.countable if a else 0,
        )
        if (delta.base_implemented, delta.base_countable) != (delta.implemented, delta.countable):
            deltas.append(delta)
    head_routes, base_routes = _route_labels(head), _route_labels(base)
    head_reqs = {r.requirement.key: r.requirement for r in head.requirements}
    base_reqs = {r.requirement.key: r.requirement for r in base.requirements}
    reworded = sorted(
        key
        for key in head_reqs.keys() & base_reqs.keys()
        if (_words(head_reqs[key].title), _words(head_reqs[key].text))
        != (_words(base_reqs[key].title), _words(base_reqs[key].text))
    )
    comparison = Comparison(
        kind="base",
        reference=reference,
        new=tuple(new),
        fixed=tuple(fixed),
        unchanged=matched,
        spec_deltas=tuple(deltas),
        routes_added=tuple(sorted(head_routes - base_routes)),
        routes_removed=tuple(sorted(base_routes - head_routes)),
        requirements_added=tuple(sorted(head_reqs.keys() - base_reqs.keys())),
        requirements_removed=tuple(sorted(base_reqs.keys() - head_reqs.keys())),
        requirements_reworded=tuple(reworded),
    )
    return replace(head, comparison=comparison)

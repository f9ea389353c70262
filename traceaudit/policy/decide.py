"""The order of the decisions, and the findings the decisions themselves give.

checks (``trace``) produce findings -> per-path settings drop or re-rate them ->
inline suppressions, then config waivers, mark the ones they cover -> the
suppressions and waivers that are wrong, unused or expired become findings
(TA030-TA032). Nothing is removed but what per-path settings ignore: a
suppressed or waived finding stays, with its :class:`~traceaudit.model.Dismissal`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from traceaudit.model import Config, Finding, Location, Rule, Suppression, Waiver
from traceaudit.policy.paths import apply_path_settings
from traceaudit.policy.suppressions import apply_suppressions
from traceaudit.policy.waivers import apply_waivers
from traceaudit.trace import POLICY_RULES, rule_by_name


def _lines(suppression: Suppression) -> str:
    if suppression.whole_file:
        return "in this file"
    if suppression.first_line == suppression.last_line:
        return f"on line {suppression.first_line}"
    return f"on lines {suppression.first_line}-{suppression.last_line}"


def _what(waiver: Waiver) -> str:
    parts = []
    if waiver.subject is not None:
        parts.append(waiver.subject)
    if waiver.path is not None:
        parts.append(f"in {waiver.path}")
    return " ".join(parts)


def _disabled(names: Sequence[str], enabled: dict[str, Rule]) -> list[str]:
    out = []
    for name in names:
        rule = rule_by_name(name)
        if rule is not None and rule.code not in enabled:
            out.append(rule.code)
    return out


def decide(
    findings: Sequence[Finding],
    rules: Sequence[Rule],
    config: Config,
    suppressions: Sequence[Suppression],
    today: datetime.date | None = None,
) -> tuple[Finding, ...]:
    """Every finding after the decisions, sorted; ``rules`` are the enabled rules."""
    today = today or datetime.date.today()
    enabled = {rule.code: rule for rule in rules}
    kept = list(apply_path_settings(findings, config))
    suppressed = apply_suppressions(kept, suppressions, POLICY_RULES)
    waived = apply_waivers(suppressed.findings, config.waivers, today, POLICY_RULES)
    own: list[Finding] = []

    def report(code: str, message: str, location: Location, subject: str) -> None:
        if code in enabled:
            own.append(Finding(enabled[code], message, location, subject))

    for s in suppressed.unused:
        names = ", ".join(s.rules)
        off = _disabled(s.rules, enabled)
        why = f" ({', '.join(off)} is disabled)" if off else ""
        report(
            "TA030",
            f"this suppression of {names} matches no finding {_lines(s)}{why}; remove it, so "
            "that it cannot hide a future finding",
            s.location,
            f"ignore[{names}]",
        )
    for s, problem in suppressed.invalid:
        report(
            "TA031",
            f"this suppression {problem}; it suppresses nothing until it does",
            s.location,
            f"ignore[{', '.join(s.rules)}]",
        )
    config_file = Location(config.source or "pyproject.toml", 1)
    for w in waived.expired:
        owner = f", owner {w.owner}" if w.owner else ""
        report(
            "TA032",
            f"the waiver of {w.rule} for {_what(w)} expired on {w.expires}{owner} "
            f"(reason: {w.reason}); it waives nothing now: fix the findings, or renew it "
            "with a new date",
            w.location or config_file,
            f"waiver {w.rule} {_what(w)}",
        )
    for w in waived.unused:
        off = _disabled([w.rule], enabled)
        why = f" ({off[0]} is disabled)" if off else ""
        report(
            "TA030",
            f"the waiver of {w.rule} for {_what(w)} matches no finding{why}; remove it",
            w.location or config_file,
            f"waiver {w.rule} {_what(w)}",
        )
    out = waived.findings + list(apply_path_settings(own, config))
    return tuple(sorted(set(out), key=lambda f: f.sort_key))

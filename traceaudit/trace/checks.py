"""The decision layer: which rules run, at what severity, and their findings.

Rule functions live in one module per family of rules
(:mod:`~traceaudit.trace.requirement_rules`, :mod:`~traceaudit.trace.endpoint_rules`,
:mod:`~traceaudit.trace.reference_rules`, :mod:`~traceaudit.trace.reading_rules`) and only
produce findings; here disabled rules are dropped, severity overrides applied and the
findings de-duplicated and sorted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from traceaudit.model import Config, Finding, Rule
from traceaudit.trace.endpoint_rules import (
    method_mismatch,
    missing_auth,
    path_mismatch,
    shadowed_route,
    undocumented_endpoint,
    unserved_endpoint,
)
from traceaudit.trace.reading_rules import (
    parse_error,
    skipped_file,
    unmounted_router,
    unresolved_route,
    unresolved_route_path,
)
from traceaudit.trace.reference_rules import (
    ambiguous_reference,
    citation_mismatch,
    dangling_reference,
    duplicate_requirement_id,
)
from traceaudit.trace.requirement_rules import (
    claimed_but_untraced,
    implemented_while_unclear,
    implements_out_of_scope,
    needs_clarification,
    unimplemented_requirement,
)
from traceaudit.trace.rules import RULES, CheckContext

CHECKS: dict[str, Callable[[CheckContext], Iterator[Finding]]] = {
    "TA000": parse_error,
    "TA001": unimplemented_requirement,
    "TA002": undocumented_endpoint,
    "TA003": dangling_reference,
    "TA004": ambiguous_reference,
    "TA005": duplicate_requirement_id,
    "TA006": method_mismatch,
    "TA007": path_mismatch,
    "TA008": unserved_endpoint,
    "TA009": missing_auth,
    "TA010": unresolved_route_path,
    "TA011": unmounted_router,
    "TA012": unresolved_route,
    "TA013": skipped_file,
    "TA014": shadowed_route,
    "TA020": claimed_but_untraced,
    "TA021": implements_out_of_scope,
    "TA022": needs_clarification,
    "TA023": implemented_while_unclear,
    "TA024": citation_mismatch,
}


def selected_rules(config: Config) -> tuple[Rule, ...]:
    """The enabled rules, with configured severities."""
    disabled = {d.lower() for d in config.disable}
    overrides = {k.lower(): v for k, v in config.severity}
    out = []
    for rule in RULES:
        if rule.code.lower() in disabled or rule.name in disabled:
            continue
        sev = overrides.get(rule.code.lower(), overrides.get(rule.name))
        out.append(replace(rule, severity=sev) if sev is not None else rule)
    return tuple(out)


def unknown_rule_names(config: Config) -> list[str]:
    """Rule codes or names in the configuration that no rule has."""
    names = list(config.disable) + [k for k, _ in config.severity]
    names += [rule for _, rules in config.per_file_ignores for rule in rules]
    names += [rule for _, table in config.per_file_severity for rule, _ in table]
    names += [w.rule for w in config.waivers]
    return [n for n in names if rule_by_name(n) is None]


def rule_by_name(name: str) -> Rule | None:
    """The registry's rule for a code (any case) or a kebab-case name."""
    wanted = name.strip().lower()
    for rule in RULES:
        if rule.code.lower() == wanted or rule.name == wanted:
            return rule
    return None


def run_checks(ctx: CheckContext, rules: Sequence[Rule]) -> tuple[Finding, ...]:
    """Run every enabled rule; findings are de-duplicated and sorted.

    The policy rules (TA030-TA032) have no check here: ``traceaudit.policy`` reports them.
    """
    findings: set[Finding] = set()
    for rule in rules:
        check = CHECKS.get(rule.code)
        if check is None:
            continue
        for finding in check(ctx):
            findings.add(replace(finding, rule=rule))
    return tuple(sorted(findings, key=lambda f: f.sort_key))

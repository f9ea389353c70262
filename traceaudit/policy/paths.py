"""Per-path rule settings: ``per-file-ignores`` and ``per-file-severity``.

Like ruff's ``per-file-ignores``: a gitignore-style pattern (``app/legacy/``,
``*_pb2.py``, ``specs/drafts/**``) names the files; an ignored rule's findings in
them are dropped, as if the rule were disabled there. ``per-file-severity``
changes a rule's severity in them instead; the last matching pattern wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from traceaudit import globs
from traceaudit.model import Config, Finding, Rule


def _names(rule: Rule) -> set[str]:
    return {rule.code.lower(), rule.name}


def apply_path_settings(findings: Iterable[Finding], config: Config) -> Iterator[Finding]:
    """The findings minus those ignored for their file, with per-file severities."""
    ignores = config.per_file_ignores
    severities = config.per_file_severity
    for finding in findings:
        path = finding.location.path
        names = _names(finding.rule)
        if any(
            names & {r.lower() for r in rules} and globs.matches([pattern], path)
            for pattern, rules in ignores
        ):
            continue
        for pattern, table in severities:
            for rule, severity in table:
                if rule.lower() in names and globs.matches([pattern], path):
                    finding = replace(finding, rule=replace(finding.rule, severity=severity))
        yield finding

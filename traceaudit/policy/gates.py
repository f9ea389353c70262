"""The exit gates: what makes a run fail (exit 1).

- ``--fail-on SEVERITY`` (default ``error``): an active finding at or above it.
  Suppressed, waived and baselined findings never count.
- ``--fail-on-new``: only findings that the comparison (``--base`` or
  ``--baseline``) says are new count for ``--fail-on``.
- ``--min-coverage PERCENT``: the total coverage (implemented / countable
  requirements) is below it. With nothing countable there is nothing to fall short of.
"""

from __future__ import annotations

from dataclasses import dataclass

from traceaudit.model import AuditResult, Severity


@dataclass(frozen=True, slots=True)
class Gates:
    fail_on: Severity | None = Severity.ERROR  # None: findings never fail the run
    fail_on_new: bool = False
    min_coverage: float | None = None


def failures(result: AuditResult, gates: Gates) -> list[str]:
    """Why the run fails, one short reason per gate that fails; empty when it passes."""
    reasons: list[str] = []
    if gates.fail_on is not None:
        pool = result.active_findings
        scope = ""
        if gates.fail_on_new and result.comparison is not None:
            new = set(result.comparison.new)
            pool = tuple(f for f in pool if f in new)
            scope = "new "
        failing = [f for f in pool if f.rule.severity.rank >= gates.fail_on.rank]
        if failing:
            noun = "finding" if len(failing) == 1 else "findings"
            reasons.append(f"{len(failing)} {scope}{noun} at or above {gates.fail_on.value}")
    if gates.min_coverage is not None:
        implemented, countable = result.coverage_counts
        if countable and result.coverage < gates.min_coverage:
            reasons.append(
                f"coverage {result.coverage:.1f}% ({implemented}/{countable}) is below "
                f"--min-coverage {gates.min_coverage:g}%"
            )
    return reasons

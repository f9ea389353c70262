"""Policy: which findings count. Findings in; the same findings, decided, out.

The checks (``trace``) only produce findings. This layer decides, like flake8's
style guide between its checks and its formatters: per-path rule settings drop or
re-rate them; inline suppressions and config waivers mark the ones they cover
(which stay in every report, marked); baselines and base revisions say which are
new and which were fixed; the gates say whether the run fails. The suppressions,
waivers and baselines that are wrong or stale are findings of their own.
"""

from traceaudit.policy.baseline import (
    Baseline,
    BaselineError,
    apply_baseline,
    baseline_json,
    make_baseline,
    read_baseline,
)
from traceaudit.policy.compare import compare
from traceaudit.policy.decide import decide
from traceaudit.policy.gates import Gates, failures

__all__ = [
    "Baseline",
    "BaselineError",
    "Gates",
    "apply_baseline",
    "baseline_json",
    "compare",
    "decide",
    "failures",
    "make_baseline",
    "read_baseline",
]

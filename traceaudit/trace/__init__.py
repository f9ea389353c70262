"""Trace: spec documents, code references and routes in; the graph and findings out.

Takes the parsed :class:`~traceaudit.model.SpecDoc` files, the code's
references and the resolved routes, links them in a trace graph (networkx),
resolves every reference to a requirement, and runs the rules over it. Gives
each requirement's and route's result with its evidence, and the findings of
the enabled rules. networkx is used here and nowhere else.
"""

from traceaudit.trace.checks import rule_by_name, run_checks, selected_rules, unknown_rule_names
from traceaudit.trace.graph import TraceGraph
from traceaudit.trace.reference_rules import DocumentIds
from traceaudit.trace.rules import POLICY_RULES, RULES, CheckContext

__all__ = [
    "POLICY_RULES",
    "RULES",
    "CheckContext",
    "DocumentIds",
    "TraceGraph",
    "rule_by_name",
    "run_checks",
    "selected_rules",
    "unknown_rule_names",
]

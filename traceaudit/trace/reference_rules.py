"""Rules about references and ids: TA003 dangling, TA004 ambiguous, TA005 duplicate.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from traceaudit.model import Finding, RefKind
from traceaudit.trace.graph import LinkedRef
from traceaudit.trace.rules import CheckContext, finding

SPEC_FILE_NAMES = frozenset(
    {"spec.md", "requirements.md", "tasks.md", "design.md", "plan.md", "prd.md", "epics.md"}
)


def _is_spec_path(ctx: CheckContext, written: str) -> bool:
    """Whether a path in a reference means a spec (not README.md or docs/architecture.md)."""
    clean = "/".join(p for p in PurePosixPath(written).parts if p not in {".", ".."})
    return PurePosixPath(clean).name.lower() in SPEC_FILE_NAMES or any(
        root and (clean == root or clean.startswith(root + "/")) for root in ctx.spec_roots
    )


def _counts_as_reference(ctx: CheckContext, linked: LinkedRef) -> bool:
    """Whether a dangling candidate is really a reference (and so worth a finding)."""
    ref = linked.ref
    target = ref.target
    if target.spec is not None and not ctx.graph.index.files_matching(target.spec):
        return _is_spec_path(ctx, target.spec)
    if target.kind is RefKind.ID and target.hint is None:
        return ctx.graph.index.is_reference_family(target) or ref.explicit
    return True


def dangling_reference(ctx: CheckContext) -> Iterator[Finding]:
    for linked in ctx.graph.linked:
        res = linked.resolution
        if res.status != "dangling" or not _counts_as_reference(ctx, linked):
            continue
        ref = linked.ref
        text = ref.target.text or ref.target.value
        what = {
            RefKind.ID: "no requirement in the specs has this id",
            RefKind.ANCHOR: "no section of that spec has this anchor",
            RefKind.TITLE: "no spec section has this title",
            RefKind.NUMBER: "no spec section has this number",
            RefKind.FILE: "no spec file has this name",
        }[ref.target.kind]
        if ref.target.spec is not None and not ctx.graph.index.files_matching(ref.target.spec):
            what = f"no spec file matches {ref.target.spec}"
        hint = f"; did you mean `{res.suggestion}`?" if res.suggestion else ""
        yield finding(
            "TA003",
            f"`{text}` in {ref.symbol} is a dangling reference: {what}{hint} Fix the reference "
            "or add the item to the spec",
            ref.location,
            text,
        )


def ambiguous_reference(ctx: CheckContext) -> Iterator[Finding]:
    for linked in ctx.graph.linked:
        res = linked.resolution
        if res.status != "ambiguous":
            continue
        ref = linked.ref
        text = ref.target.text or ref.target.value
        files = sorted({c.split(":", 1)[-1].split("::")[0].split("#")[0] for c in res.candidates})
        example = f"`{files[0]} {ref.target.value}`" if files else "a spec path"
        yield finding(
            "TA004",
            f"`{text}` in {ref.symbol} is ambiguous: it is defined in {', '.join(files)}; qualify "
            f"it with the spec file, e.g. {example}",
            ref.location,
            text,
        )


def duplicate_requirement_id(ctx: CheckContext) -> Iterator[Finding]:
    for doc in ctx.graph.docs:
        for ident, location in doc.duplicate_ids:
            first = ctx.graph.index.by_key.get(f"{doc.path}::{ident}")
            where = f" (first at line {first.location.line})" if first else ""
            yield finding(
                "TA005",
                f"{ident} is defined twice in {doc.path}{where}; give each requirement its own id "
                "so references to it are unambiguous",
                location,
                f"{doc.path}::{ident}",
            )

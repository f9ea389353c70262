"""References in other languages' comments (traceaudit.othercode.scan)."""

from __future__ import annotations

from traceaudit.model import Config, Location, RefSource
from traceaudit.othercode import language_of, scan_other


def test_references_keep_their_language_position_and_declaration() -> None:
    source = (
        '"use client";\n'
        "/**\n"
        " * Sign-up form (T010).\n"
        " * Implements FR-001: the password rules are shown.\n"
        " */\n"
        "export function SignupForm() {\n"
        "  // eslint-disable-next-line no-console\n"
        "  return null; // Story 7.3\n"
        "}\n"
    )
    path = "frontend/src/SignupForm.tsx"
    facts = scan_other(source, path, "c", Config())
    assert facts.language == "typescript"
    got = [(r.target.value, r.location, r.symbol, r.language) for r in facts.refs]
    assert got == [
        ("T010", Location(path, 3, 18), f"{path}:SignupForm", "typescript"),
        ("FR-001", Location(path, 4, 15), f"{path}:SignupForm", "typescript"),
        ("Story 7.3", Location(path, 8, 19), path, "typescript"),
    ]
    assert not any(r.is_test for r in facts.refs)
    assert {r.source for r in facts.refs} == {RefSource.COMMENT}
    assert facts.refs[1].explicit  # "Implements"
    assert "Sign-up form" in facts.refs[1].text


def test_test_files_verify_and_directives_cite_nothing() -> None:
    source = "// T012 login flow\n// @ts-ignore T999\n"
    facts = scan_other(source, "web/e2e/login.spec.ts", "c", Config())
    assert [(r.target.value, r.is_test) for r in facts.refs] == [("T012", True)]


def test_language_names() -> None:
    assert [language_of(p) for p in ("a.vue", "b.mjs", "c.go", "d.sh", "e.xyz")] == [
        "vue", "javascript", "go", "shell", "xyz",
    ]  # fmt: skip

"""Comments of other languages, per comment style (traceaudit.othercode.syntax)."""

from __future__ import annotations

from traceaudit.othercode import comments


def texts(source: str, style: str) -> list[tuple[int, str]]:
    return [(c.line, c.text) for c in comments(source, style)]


def test_c_style_line_block_jsdoc_and_jsx_comments() -> None:
    source = (
        'import x from "y"; // Story 7.3: types\n'
        "/**\n"
        " * SignupForm - T017\n"
        " * Requirements: 1.1, 1.2\n"
        " */\n"
        "export function SignupForm() {\n"
        "  return <div>{/* Title field (T108) */}</div>\n"
        "}\n"
    )
    assert texts(source, "c") == [
        (1, "Story 7.3: types"),
        (2, "\nSignupForm - T017\nRequirements: 1.1, 1.2\n"),
        (7, " Title field (T108)"),
    ]


def test_c_style_skips_strings_template_literals_and_regex_literals() -> None:
    source = (
        'const url = "http://example.com/a"; const s = \'// T001\';\n'
        "const t = `text // T002 ${a /* T003 */}`;\n"
        "const re = /\\/\\*T004/g; // T005\n"
    )
    assert texts(source, "c") == [(3, "T005")]


def test_adjacent_line_comments_at_one_column_are_one_comment() -> None:
    source = (
        "  // Requirements:\n"
        "  // - 2.1: validate\n"
        "  // - 2.2: show errors\n"
        "  x = 1; // trailing (T009)\n"
        "  // next block\n"
    )
    found = comments(source, "c")
    assert [c.text for c in found] == [
        "Requirements:\n- 2.1: validate\n- 2.2: show errors",
        "trailing (T009)",
        "next block",
    ]
    # every line keeps its own position
    assert found[0].lines[1] == (2, 5, "- 2.1: validate")


def test_hash_style_skips_the_shebang_and_strings() -> None:
    source = "#!/bin/bash\n# T102 build the image\necho '#not' \"# nor\" # T103\nx=$#\n"
    assert texts(source, "hash") == [(2, "T102 build the image"), (3, "T103")]


def test_html_and_vue_comments() -> None:
    vue = (
        "<template>\n"
        "  <!-- Task 3.3: history -->\n"
        "  <div>// not a comment here</div>\n"
        "</template>\n"
        '<script setup lang="ts">\n'
        "// FR-001: list\n"
        "const a = 1 /* US2 */\n"
        "</script>\n"
    )
    assert texts(vue, "html+c") == [
        (2, " Task 3.3: history"),
        (6, "FR-001: list"),
        (7, " US2"),
    ]
    assert texts("<p>x</p><!-- T001 -->", "html") == [(1, " T001")]


def test_unknown_style_has_no_comments() -> None:
    assert comments("// T001", "cobol") == []

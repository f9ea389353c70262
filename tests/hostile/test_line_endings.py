"""Line endings: CRLF, CR-only and mixed give CPython's line numbers; characters that
``str.splitlines()`` takes for line breaks (U+2028, NEL, form feed ...) are not ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.hostile.support import (
    cpython_lines,
    reference_lines,
    route_lines,
    router,
    run_audit,
    sentinel_audited,
    sentinel_project,
    write,
)
from traceaudit.config import load
from traceaudit.specs import parse_spec

ENDINGS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}
FALSE_BREAKS = {"ls": "\u2028", "ps": "\u2029", "nel": "\x85", "ff": "\x0c", "vt": "\x0b",
                "fs": "\x1c"}  # fmt: skip

REFS_ONLY = (  # no route: read with ast and tokenize, not LibCST
    "# a comment{ch}with a break\n# another{ch}one\n\n\n"
    "def cited_in_comment():\n    # Implements SEN-001 (comment)\n    return 1\n\n\n"
    'def cited_in_docstring():\n    """Intro{ch}more{ch}text.\n\n'
    '    Implements SEN-001 (docstring).\n    """\n'
)


def _cpython_line(data: bytes, marker: str) -> int:
    """1-based line of ``marker`` as CPython counts lines: LF, CRLF and CR end one."""
    for i, line in enumerate(re.split(r"\r\n|\r|\n", data.decode("utf-8"))):
        if marker in line:
            return i + 1
    raise AssertionError(marker)


@pytest.mark.parametrize("ending", sorted(ENDINGS))
def test_route_and_reference_lines_are_cpythons(tmp_path: Path, ending: str) -> None:
    nl = ENDINGS[ending]
    text = router("X = 1\n\n\nY = 2\r\n" if ending == "lf" else "X = 1\n\n\n").replace("\n", nl)
    path = write(sentinel_project(tmp_path), "app/eol.py", text)
    result = run_audit(tmp_path)
    deco, doc = cpython_lines(path, "hostile")
    assert route_lines(result, "app/eol.py") == [deco]
    assert reference_lines(result, "app/eol.py") == [doc]
    assert sentinel_audited(result)


def test_mixed_endings(tmp_path: Path) -> None:
    text = router("X = 1\r\nY = 2\rZ = 3\n\r\n", post="\r# tail\r\n")
    path = write(sentinel_project(tmp_path), "app/eol.py", text)
    result = run_audit(tmp_path)
    deco, doc = cpython_lines(path, "hostile")
    assert (route_lines(result, "app/eol.py"), reference_lines(result, "app/eol.py")) == (
        [deco],
        [doc],
    )


@pytest.mark.parametrize("kind", ["ast", "libcst"])
@pytest.mark.parametrize("char", sorted(FALSE_BREAKS))
def test_splitlines_breaks_are_not_line_breaks(tmp_path: Path, char: str, kind: str) -> None:
    text = REFS_ONLY.replace("{ch}", FALSE_BREAKS[char])
    if kind == "libcst":
        text = router(text)  # a route: the file goes to LibCST
    data = write(sentinel_project(tmp_path), "app/refs.py", text).read_bytes()
    result = run_audit(tmp_path)
    expected = [_cpython_line(data, "(comment)"), _cpython_line(data, "(docstring)")]
    if kind == "libcst":
        expected.append(cpython_lines(tmp_path / "app/refs.py", "hostile")[1])
    assert reference_lines(result, "app/refs.py") == sorted(expected)


@pytest.mark.parametrize("ending", sorted(ENDINGS))
def test_spec_lines_follow_commonmark(tmp_path: Path, ending: str) -> None:
    nl = ENDINGS[ending]
    text = "# Spec\n\nIntro\u2028still intro.\n\n## Requirements\n\n- **HOS-001**: MUST work.\n"
    doc = parse_spec(text.replace("\n", nl), "specs/x.md", load(tmp_path))
    assert doc.error is None
    assert [(r.id, r.location.line) for r in doc.requirements] == [("HOS-001", 7)]

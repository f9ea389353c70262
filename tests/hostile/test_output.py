"""What the audited tree puts into a report cannot break it or the reader's screen: lone
surrogates (a route path ``"\\ud800"``, file names that are not UTF-8) are encodable in
every format, control characters, line breaks and bidi overrides from paths, titles and
route paths are escapes in the human formats, and JSON/SARIF keep the exact strings."""

from __future__ import annotations

import json
import os
import re
import sys
import xml.dom.minidom
from pathlib import Path

import pytest

from tests.hostile.support import sentinel_project, write
from tests.hostile.test_config_and_cli import run_cli
from traceaudit.report import visible
from traceaudit.report.common import visible_text

FORMATS = ["text", "json", "sarif", "markdown", "html", "junit", "csv", "github"]
RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202e\u2028\u2029]")
ROUTES = '''from fastapi import FastAPI

app = FastAPI()


@app.get("/s\\ud800x")
def lone() -> None:
    pass


@app.get("/e\\x1b[2Jx\\n::warning::pwn\\x00\\u202e")
def escapes() -> None:
    """Implements SEN-009."""
'''


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = sentinel_project(tmp_path_factory.mktemp("out"))
    write(root, "app/main.py", ROUTES)
    title = "title \x1b[31mred\x1b[0m \x07 \u202eevil."
    write(root, "specs/x/spec.md", f"# X\n\n- **SEN-002**: {title}\n")
    odd = os.fsencode(root) + b"/app/bad\xff"
    if sys.platform.startswith("linux"):  # file names are bytes there; elsewhere they are not
        os.makedirs(odd)
        doc = b'"""Implements SEN-404 \x1b]8;;x\x07."""\n'
        Path(os.fsdecode(odd + b"/m\xfe.py")).write_bytes(doc)
        spec = os.fsdecode(os.fsencode(root) + b"/specs/x/n\x1b[1m\n::error::x.md")
        Path(spec).write_bytes(b"# N\n\n- **SEN-777**: MUST do.\n")
    return root


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_written_whatever_the_tree_holds(hostile_root: Path, fmt: str) -> None:
    for target in ("-", str(hostile_root.parent / f"report.{fmt}")):
        proc = run_cli("run", str(hostile_root), "--format", fmt, "-o", target)
        assert proc.returncode == 1, proc.stderr[-800:]
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
        text = proc.stdout if target == "-" else Path(target).read_text(encoding="utf-8")
        assert "SEN-002" in text  # the report is whole
        if fmt in ("json", "sarif"):
            data = json.loads(text)  # the exact strings, as JSON escapes
            if fmt == "json":
                paths = {r["path"] for r in data["routes"]}
                assert "/s\ud800x" in paths and "/e\x1b[2Jx\n::warning::pwn\x00\u202e" in paths
            continue
        assert RAW.findall(text) == []
        if fmt != "csv":  # the CSV is the requirements matrix: no routes in it
            assert "\\x1b[2Jx\\n::warning::pwn\\x00\\u202e" in text  # shown, not obeyed
            assert "/s\\ud800x" in text
        lines = text.splitlines()
        commands = [line for line in lines if line.startswith("::")]
        assert all(line.startswith(("::error file=", "::warning file=", "::notice file="))
                   for line in commands)  # fmt: skip
        if sys.platform.startswith("linux"):
            name = "n\\x1b[1m\\n::error::x.md"
            assert (name if fmt != "github" else name.replace(":", "%3A")) in text
        if fmt == "junit":
            xml.dom.minidom.parseString(text.encode("utf-8"))  # well-formed XML


def test_listings_show_escapes(hostile_root: Path) -> None:
    proc = run_cli("routes", str(hostile_root))
    assert proc.returncode == 0, proc.stderr[-800:]
    assert RAW.findall(proc.stdout) == [] and "/s\\ud800x" in proc.stdout
    proc = run_cli("requirements", str(hostile_root))
    assert proc.returncode == 0, proc.stderr[-800:]
    assert RAW.findall(proc.stdout) == [] and "\\x1b[31mred" in proc.stdout


def test_a_report_is_encodable_in_the_terminal_encoding(hostile_root: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "latin-1", "PYTHONUTF8": "0"}
    import subprocess

    from tests.hostile.test_config_and_cli import TRACEAUDIT

    proc = subprocess.run([*TRACEAUDIT, "run", str(hostile_root), "--format", "markdown"],
                          capture_output=True, env=env, timeout=120, check=False)  # fmt: skip
    assert proc.returncode == 1, proc.stderr[-800:]
    assert b"SEN-002" in proc.stdout


@pytest.mark.parametrize(
    ("text", "multiline", "shown"),
    [("a\x1bb", False, "a\\x1bb"), ("a\nb", False, "a\\nb"), ("a\nb", True, "a\nb"),
     ("a\r\u2028b", True, "a\\r\\u2028b"), ("\udcff", False, "\\udcff"),
     ("\u202e", False, "\\u202e"),
     ("tab\tok é 仕様", False, "tab\tok é 仕様"), ("\x85\x9f", False, "\\x85\\x9f")],
)  # fmt: skip
def test_visible_text(text: str, multiline: bool, shown: str) -> None:
    assert visible_text(text, multiline) == shown
    assert visible_text(shown, multiline) == shown  # idempotent


def test_visible_returns_clean_values_unchanged() -> None:
    value = {"k": ("a", ["b", 1]), "x": None}
    assert visible(value) is value
    assert visible({"k\n": ("a\x00",)}) == {"k\\n": ("a\\x00",)}


INJECTION_SPEC = """# Hostile

- **HOS-004**: MUST [x](javascript:xinj()) | a | b | `
- **HOS-005**: MUST <img src=x onerror=xinj()> `<script>xinj()</script>` ``a ` b``
"""
INJECTION_CODE = '''from fastapi import FastAPI

app = FastAPI()


@app.get("/inj<img src=x onerror=xinj()>`x")
def inj() -> None:
    """Implements SEN-001."""
'''


def test_markdown_renders_as_text_what_the_tree_wrote(tmp_path: Path) -> None:
    """Rendered as GitHub would (CommonMark with tables, raw HTML passed through, every
    link kept): no raw HTML from the tree, no javascript: link, and a lone backtick in a
    title does not pair with the message's code span (which stays code)."""
    from markdown_it import MarkdownIt

    root = sentinel_project(tmp_path / "p")
    write(root, "specs/hostile/spec.md", INJECTION_SPEC)
    write(root, "app/inj.py", INJECTION_CODE)
    write(root, "specs/hostile/<img src=x>`.md", "# T\n\n- **HOS-006**: MUST `x\n")
    out = tmp_path / "r.md"
    proc = run_cli("run", str(root), "--format", "markdown", "-o", str(out))
    assert proc.returncode in (0, 1), proc.stderr
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    html = md.render(out.read_text(encoding="utf-8"))
    assert "<img" not in html and "<script" not in html
    assert 'href="javascript:' not in html.lower()
    assert "<code>HOS-004</code>" in html  # "cite `HOS-004`" after the title's lone backtick

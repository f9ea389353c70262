"""What a plan or design says the implementation is written in.

Two kinds of statement, both read only from plans and designs (``plan.md``,
``design.md``, ``architecture.md``, ``tech-spec.md`` ...):

- *stack fields*: a line ``Language/Version: TypeScript 5.x, Next.js 14``, ``Languages:``,
  ``Project Type: Web frontend``, ``Primary Dependencies: ...``, ``Tech Stack: ...``,
  ``Structure Decision: ... Backend uses existing APIs without modifications.``
  (bold or not, in a paragraph or a list item). They are kept as written,
  ``"Language/Version: TypeScript 5.x, Next.js 14"``.
- the *project structure*: the file names of the tree in a code block under a heading
  such as "Project Structure", "Source Code", "File Structure", "Directory Layout"
  (``├── AuthForm.tsx  # the form``  gives ``AuthForm.tsx``).

- the *service layouts*: a tree in a code block whose first line is one folder
  (``github-tracker/``) and whose lines below it draw its files (``├── main.py``): the
  folder a service's code lives in and the Python files it names, wherever in the
  document the tree is.

Linking uses them to decide who owns a feature's items (a feature whose plan names
only a TypeScript stack is the frontend's), never to define anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath

from traceaudit.specs.text import Blocks, heading_matches

__all__ = ["no_backend_statements", "service_layouts", "stack_statements", "structure_files"]

_PLAN_NAME = re.compile(r"(?i)plan|design|architecture|tech[-_ ]?spec|technical|stack")
_FIELD = re.compile(
    r"(?i)^\s*(?P<field>languages?(?:\s*/\s*versions?)?|project\s+type|primary\s+dependencies|"
    r"tech(?:nology|nical)?\s+stack|frameworks?|runtime|structure\s+decision)\s*[:：]\s*"
    r"(?P<value>\S.*)$"
)
_STRUCTURE_HEADINGS = (
    "project structure", "source code", "file structure", "directory structure",
    "folder structure", "file layout", "directory layout", "repository structure",
    "repository layout", "code structure", "structure", "file organization",
)  # fmt: skip
_TREE_GLYPHS = re.compile(r"^[\s│├└─|`+\\-]*")
_FILE_NAME = re.compile(r"^[\w@.()\[\]+-]+\.[A-Za-z][\w]*$")


# A document that says its own work needs no backend: "No backend required: all states are
# driven by a timer and client state", "Frontend-only demo behind NEXT_PUBLIC_USE_MOCKS",
# "Pure frontend simulation", "runs entirely on the client". Not "no backend changes are
# out of scope", nor a frontend-only *change* listed among others.
_NO_BACKEND = re.compile(
    r"(?i)\bno\s+backend\s+(?:(?:is\s+)?(?:required|needed|involved)|running|assumptions|"
    r"calls?\s+(?:is\s+|are\s+)?(?:made|needed|required))\b|"
    r"\b(?:front-?end|client[\s-]side)[\s-]only\s+(?:demo|story|feature|simulation|page|"
    r"prototype|mock(?:-?up)?|flow)s?\b|"
    r"\bpure(?:ly)?\s+(?:front-?end|client[\s-]side)\s+(?:demo|story|feature|simulation|page|"
    r"prototype|mock(?:-?up)?|flow|work|implementation)s?\b|"
    r"\bentirely\s+(?:on\s+the\s+client|client[\s-]side|in\s+the\s+browser)\b|"
    # what the document says it is: "This feature provides a modern React-based web
    # interface for the system", "This spec delivers a Vue-based dashboard"
    r"\bthis\s+(?:feature|spec(?:ification)?|story|epic|module)\s+(?:provides|delivers|builds|"
    r"implements|adds|creates|is)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?(?:react|vue(?:\.js)?|"
    r"angular|svelte(?:kit)?|next\.?js|nuxt|flutter|react\s+native|swiftui)[\s-]+based\s+"
    r"(?:(?:web|mobile|desktop|single[\s-]page)\s+)?(?:interface|front-?end|ui|app(?:lication)?|"
    r"dashboard|client)s?\b"
)


def no_backend_statements(blocks: Blocks, skip: Callable[[int], object]) -> tuple[str, ...]:
    """The lines where a document says its work needs no backend (lines ``skip`` rules out,
    records of work, are not the document's word on itself)."""
    out = [
        ln.plain.strip()
        for ln in blocks.lines
        if _NO_BACKEND.search(ln.plain) and not skip(ln.line)
    ]
    return tuple(dict.fromkeys(out))


def is_plan(path: str) -> bool:
    return bool(_PLAN_NAME.search(PurePosixPath(path).stem))


def stack_statements(blocks: Blocks, path: str) -> tuple[str, ...]:
    """The stack fields of a plan or design, as written (``Language/Version: ...``)."""
    if not is_plan(path):
        return ()
    out: list[str] = []
    for ln in blocks.lines:
        m = _FIELD.match(ln.plain)
        if m:
            field = re.sub(r"\s+", " ", m["field"].strip())
            out.append(f"{field}: {m['value'].strip()}")
    return tuple(dict.fromkeys(out))


def structure_files(blocks: Blocks, path: str) -> tuple[str, ...]:
    """File names listed by the project-structure trees of a plan or design."""
    if not is_plan(path):
        return ()
    heads = blocks.headings
    ranges = [
        (h.line, h.end) for h in heads if heading_matches(h.title, _STRUCTURE_HEADINGS)
    ]
    names: list[str] = []
    for fence in blocks.fences:
        if not fence.lines or not any(a <= fence.lines[0][0] <= b for a, b in ranges):
            continue
        for _, raw in fence.lines:
            text = _TREE_GLYPHS.sub("", raw.split("#", 1)[0]).strip()
            token = text.split()[0] if text.split() else ""
            if _FILE_NAME.match(token):
                names.append(token)
    return tuple(dict.fromkeys(names))


_ROOT = re.compile(r"^(?P<root>[\w@.-]+(?:/[\w@.-]+)*)/\s*(?:#.*)?$")
_DRAWN = re.compile(r"^\s*(?:[│|]\s*)*(?:[├└]──|[|`+]--)")


def service_layouts(blocks: Blocks) -> tuple[tuple[int, str, tuple[str, ...]], ...]:
    """(line, root folder, Python file names) of each tree drawn in a code block under
    one root folder (``github-tracker/`` then ``├── app/``, ``│   ├── main.py``)."""
    out: list[tuple[int, str, tuple[str, ...]]] = []
    for fence in blocks.fences:
        rows = [(n, raw) for n, raw in fence.lines if raw.strip()]
        if len(rows) < 4:
            continue
        head = _ROOT.match(rows[0][1].strip())
        drawn = [raw for _, raw in rows[1:] if _DRAWN.match(raw)]
        if head is None or len(drawn) < 3:
            continue
        names: list[str] = []
        for raw in drawn:
            text = _TREE_GLYPHS.sub("", raw.split("#", 1)[0]).strip()
            token = text.split()[0] if text.split() else ""
            if _FILE_NAME.match(token) and token.endswith(".py"):
                names.append(token)
        out.append((rows[0][0], head["root"], tuple(dict.fromkeys(names))))
    return tuple(out)

"""One source file of another language -> its spec references and what it serves.

The references are read from the file's comments (:mod:`~traceaudit.othercode.syntax`)
with the same reader as Python docstrings and comments (:func:`traceaudit.refs.extract_refs`),
so ``// Story 7.3``, ``/** Requirements: 1.1, 1.2 */`` and ``{/* Title field (T108) */}``
cite exactly what they would cite in Python. Each reference keeps its language: it is
evidence that code outside Python implements the item. The symbol is the declaration the
comment documents (``frontend/src/SignupForm.tsx:SignupForm``) when a declaration
follows it, else the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from traceaudit.config import id_regex
from traceaudit.discover import is_other_test_path
from traceaudit.model import CodeRef, Config, ForeignRoute, Location, RefSource
from traceaudit.othercode.syntax import Comment, comments
from traceaudit.othercode.webroutes import ServerFacts, next_route, server_facts
from traceaudit.refs import code_refs, context_text, may_cite

# Tool directives in comments are never spec references.
_DIRECTIVE = re.compile(
    r"^\s*(?:eslint|@ts-|prettier-|istanbul|c8|jshint|global\s|webpack\w*:|@vite-|biome-|"
    r"#region|#endregion|@jsx|tslint|sourceMappingURL)",
    re.I,
)
_DECLARATION = re.compile(
    r"^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:async\s+)?"
    r"(?:function\s*\*?|class|const|let|var|interface|type|enum|func|fn|def|pub\s+fn)\s+"
    r"(?P<name>[A-Za-z_$][\w$]*)"
)
_LANGUAGES = {
    ".ts": "typescript", ".tsx": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".vue": "vue", ".svelte": "svelte", ".go": "go", ".java": "java", ".kt": "kotlin",
    ".rs": "rust", ".cs": "csharp", ".swift": "swift", ".dart": "dart", ".scala": "scala",
    ".rb": "ruby", ".sh": "shell", ".bash": "shell",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class OtherFacts:
    """What one file of another language gives: references, and what it serves."""

    path: str
    language: str
    refs: tuple[CodeRef, ...]
    next_route: ForeignRoute | None = None
    server: ServerFacts | None = None


def language_of(path: str) -> str:
    suffix = PurePosixPath(path).suffix.lower()
    return _LANGUAGES.get(suffix, suffix.lstrip(".") or "text")


def _symbol(path: str, lines: list[str], comment: Comment) -> str:
    """The declaration right after a comment (``path:Name``), else the file."""
    last = comment.lines[-1][0]
    for index in range(last, min(last + 3, len(lines))):
        text = lines[index]
        if not text.strip():
            continue
        m = _DECLARATION.match(text)
        return f"{path}:{m['name']}" if m else path
    return path


def scan_other(source: str, path: str, style: str, config: Config) -> OtherFacts:
    """The references in the comments of one file, and the endpoint or routes it serves.

    With the prefilter on, a file whose text holds no reference form anywhere
    (:func:`traceaudit.refs.may_cite`, literal searches) is not split into comments:
    every comment line is a piece of one of its lines, so none could cite anything.
    """
    regex = id_regex(config)
    language = language_of(path)
    is_test = is_other_test_path(path)
    read = not config.prefilter or may_cite(source, regex)
    lines = source.splitlines() if read else []
    refs: list[CodeRef] = []
    for comment in comments(source, style) if read else ():
        kept = [(ln, col, text) for ln, col, text in comment.lines if not _DIRECTIVE.match(text)]
        if not any(text.strip() for _, _, text in kept):
            continue
        body = Comment(tuple(kept))
        found = code_refs(body.text, regex)
        if not found:
            continue
        specs = tuple(sorted({f.target.spec for f in found if f.target.spec}))
        symbol = _symbol(path, lines, comment)
        texts = [text for _, _, text in body.lines]
        for f in found:
            line, col, _ = body.lines[f.line]
            where = Location(path, line, col + f.column + 1)
            refs.append(
                CodeRef(f.target, RefSource.COMMENT, symbol, where, is_test, specs, f.explicit,
                        language, context_text(texts, f.line))
            )  # fmt: skip
    refs.sort(key=lambda r: (r.location, r.target.value))
    served = None if is_test else next_route(path, source)
    server = None if is_test else server_facts(source)
    return OtherFacts(path, language, tuple(refs), served, server)

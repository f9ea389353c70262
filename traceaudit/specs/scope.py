"""Which requirements are about the backend at all: the "not backend" scope.

A requirement that is not about the backend is never reported as
unimplemented. Marking one wrongly hides a real gap, so the rule only fires on
a clear signal: the *subject* of the requirement's sentence, read as follows.

1. The subject.
   - EARS sentences (Kiro criteria): for every ``SHALL``, the words between the
     last upper-case ``THE`` or ``THEN`` before it and the ``SHALL``:
     ``WHEN x, THE Web_UI SHALL ...`` -> ``Web_UI``; ``WHEN x THEN 系統 SHALL`` ->
     ``系統``; ``THEN the system SHALL`` -> ``system``. A subject longer than
     six words is no subject.
   - Otherwise (spec-kit ``FR-001``, plain ids): the words that open the text
     before its first ``MUST``/``SHALL``/``SHOULD``, at most four of them and
     no punctuation: ``UI MUST display ...`` -> ``UI``; ``The frontend MUST`` ->
     ``frontend``; ``System MUST provide a /signup page`` -> ``System``.
   Backticks and a leading "the" are dropped.
2. A subject is *not backend* when
   a. it equals one of ``config.non_backend_subjects`` (case-insensitive;
      ``_``, ``-`` and spaces are the same);
   b. else, when the file's glossary (a ``Glossary``/``Terms``/``Definitions``
      section of ``- **Term**: definition`` lines or a two-column table)
      defines it: its definition's head (the words before the first
      "that", "which", "for", "with", "providing", comma, ...) names a user
      interface (frontend, user interface, UI, GUI, browser, mobile app, web
      page, React/Vue/Angular/Svelte/Next.js, or a head noun of rule c: "The
      admin panel tab") and nothing on the server side
      (backend, API, server, service, database, endpoint, worker, job, CLI). A
      glossary term that is not defined as a UI stays in scope, whatever its name;
   c. else, when its head noun (the last word, with CamelCase and snake_case
      split) is a UI element: ``UI``, ``GUI``, ``frontend``, ``page``,
      ``screen``, ``dialog``, ``modal``, ``panel``, ``tab``, ``widget``,
      ``button``, ``editor``, ``dashboard`` (``界面``/``前端``/``頁面`` ...), or
      it is an ``app``/``application``/``client``/``component``/``layer``
      qualified by ``frontend``/``UI``/``GUI``/``browser``/``mobile``.
   A sentence with several subjects is not backend only when all of them are.
3. A requirement whose acceptance criteria are all not backend is not backend
   (``spec`` applies this one, it needs the parent links).

"System", "API", "service", "user", a subject the text never names: in scope.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from traceaudit.specs.text import Blocks, collapse, heading_matches

__all__ = ["NotBackend", "glossary", "subjects"]

_GLOSSARY_HEADINGS = (
    "glossary", "terms", "terminology", "definitions", "key terms", "vocabulary",
    "術語", "术语", "名詞解釋", "名词解释", "用語", "용어",
)  # fmt: skip

_MODAL = re.compile(r"\b(?:MUST|SHALL|SHOULD)\b")
_SHALL = re.compile(r"\bSHALL\b")
_EARS_THE = re.compile(r"\b(?:THE|THEN)\b")
_OPENING = re.compile(r"^(?P<subj>[^\W\d][\w`' -]{0,60}?)\s+(?:MUST|SHALL|SHOULD)\b")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|[^\W\d_A-Za-z]+")

_UI_HEADS = frozenset(
    {
        "ui", "gui", "frontend", "front-end", "page", "screen", "dialog", "modal", "panel",
        "tab", "widget", "button", "editor", "dashboard",
    }
)  # fmt: skip
_UI_QUALIFIERS = frozenset({"frontend", "front-end", "ui", "gui", "browser", "mobile"})
_UI_QUALIFIED = frozenset({"app", "application", "client", "component", "layer", "module"})
_CJK_UI = ("前端", "介面", "界面", "頁面", "页面", "畫面", "画面", "網頁", "网页", "視窗", "窗口")

_DEF_HEAD_END = re.compile(
    r"(?i)\s(?:that|which|who|where|for|with|providing|provides|used|using|to|of|in|on|"
    r"consuming|calling|built|serving)\s|[,;:()—–]|\.(?!\w)"  # not the dot of "Next.js"
)
_DEF_UI = re.compile(
    r"(?i)\b(?:front[\s-]?end|user\s+interface|ui|gui|browser|mobile\s+app\w*|web\s+page|"
    r"web\s+ui|react|vue|angular|svelte|next\.?js|single[\s-]page)\b"
)
_DEF_SERVER = re.compile(
    r"(?i)\b(?:back[\s-]?end|api|apis|server|service|database|endpoint|endpoints|worker|job|"
    r"cli|daemon|rest)\b"
)


def _norm(subject: str) -> str:
    text = subject.replace("`", "").replace("_", " ").replace("-", " ")
    text = collapse(text).lower()
    return text[4:] if text.startswith("the ") else text


def _clean(subject: str) -> str | None:
    text = collapse(subject.replace("`", "")).strip(" ,.:")
    if text.lower().startswith("the "):
        text = text[4:].strip()
    if not text or len(text.split()) > 6:
        return None
    return text


def subjects(text: str) -> list[str]:
    """The subjects of a requirement's sentence (see the module docstring); [] when unclear."""
    text = collapse(text)
    out: list[str] = []
    for shall in _SHALL.finditer(text):
        before = text[: shall.start()]
        the = list(_EARS_THE.finditer(before))
        if not the:
            continue
        subject = _clean(before[the[-1].end() :])
        if subject is None:
            return []
        out.append(subject)
    if out:
        return out
    m = _OPENING.match(text)
    if m and _MODAL.search(text):
        subject = _clean(m["subj"])
        if subject is not None and len(subject.split()) <= 4:
            return [subject]
    return []


def _words(subject: str) -> list[str]:
    words: list[str] = []
    for part in re.split(r"[\s_`]+", subject):
        if part.lower() in ("front-end",):
            words.append("front-end")
            continue
        words.extend(w.lower() for w in _CAMEL.findall(part))
    return [w for w in words if w]


def _names_ui(subject: str) -> bool:
    """Rule 2c: the subject's head noun is a UI element."""
    compact = subject.replace(" ", "").replace("`", "")
    if any(compact.endswith(word) for word in _CJK_UI):
        return True
    words = _words(subject)
    if not words:
        return False
    head = words[-1]
    if head in _UI_HEADS:
        return True
    return head in _UI_QUALIFIED and any(w in _UI_QUALIFIERS for w in words[:-1])


def _defines_ui(definition: str) -> bool:
    """Rule 2b: a glossary definition's head names a UI and nothing server-side."""
    text = collapse(definition)
    cut = _DEF_HEAD_END.search(text)
    head = text[: cut.start()] if cut else text
    ui = bool(_DEF_UI.search(head)) or _names_ui(head)
    return ui and not _DEF_SERVER.search(head)


def glossary(blocks: Blocks) -> dict[str, str]:
    """Term -> definition, from the glossary sections of a file (normalised terms)."""
    ranges: list[tuple[int, int]] = []
    for head in blocks.headings:
        if heading_matches(head.title, _GLOSSARY_HEADINGS):
            ranges.append((head.line + 1, head.end))
    if not ranges:
        return {}

    def inside(line: int) -> bool:
        return any(start <= line <= end for start, end in ranges)

    terms: dict[str, str] = {}
    for ln in blocks.lines:
        if not inside(ln.line) or ln.lead_bold is None:
            continue
        label = ln.lead_bold.strip().rstrip(":：").strip()
        rest = ln.plain.strip()[len(ln.lead_bold.strip()) :] if ln.plain.strip() else ""
        rest = rest.lstrip()
        if rest[:1] in (":", "：", "-", "–", "—"):
            rest = rest[1:]
        elif not ln.lead_bold.strip().endswith((":", "：")):
            continue
        if label:
            terms.setdefault(_norm(label), rest.strip())
    for table in blocks.tables:
        for line, cells in table.rows:
            if inside(line) and len(cells) >= 2 and cells[0].strip():
                terms.setdefault(_norm(cells[0]), cells[1].strip())
    return terms


class NotBackend:
    """Decides rule 2 for the requirements of one file."""

    def __init__(self, terms: dict[str, str], configured: Iterable[str]) -> None:
        self._ui_terms = {term for term, definition in terms.items() if _defines_ui(definition)}
        self._terms = set(terms)
        self._configured = {_norm(s) for s in configured if s.strip()}

    def subject_is_ui(self, subject: str) -> bool:
        key = _norm(subject)
        if key in self._configured:
            return True
        if key in self._terms:
            return key in self._ui_terms
        return _names_ui(subject)

    def text_is_ui(self, text: str) -> bool:
        """Whether every subject of ``text`` is not backend (False when there is none)."""
        found = subjects(text)
        return bool(found) and all(self.subject_is_ui(s) for s in found)

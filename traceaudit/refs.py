"""Find references to the spec in free text (docstrings, comments, task lines).

This is pure text work shared by the Python scanner and the spec parser, so it
depends on the standard library and the model only. It finds *candidates*;
whether a candidate names something real is decided later, by linking.

Forms recognised (each is tested in tests/test_refs.py):

- a spec file, optionally with an anchor: ``specs/auth/spec.md#user-registration``,
  ``billing.md#refund-window``, ``[Spec](../specs/x.md#y)``;
- a spec file followed by an id, heading title or number:
  ``specs/001-orders/spec.md FR-003``, ``billing.md §Refund window``, ``billing.md §3.2``;
- ids matching the configured id pattern: ``Implements FR-002, FR-003``, ``(T049)``;
- numbered acceptance criteria after a requirements keyword:
  ``Requirements: 2.1, 2.3``, ``_Requirements: 1.2_``, ``Validates: Requirements 1.2``;
- section titles and numbers: ``§Refund window``, ``§3.2``;
- OpenFastTrace ids and coverage tags: ``req~login~1``, ``[impl->dsn~validate-request~1]``.

``explicit`` tells whether the line *says* it cites the spec (``Implements``,
``Spec:``, ``Requirements:`` ...). Linking uses it to decide whether an
unknown id is a dangling reference or just a word that looks like one
(``SHA256``, ``UTF-8``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from traceaudit.model import RefKind, RefTarget

# Words that make a line an explicit citation of the spec.
_STRONG_KEYWORDS = re.compile(
    r"(?i)(?<![A-Za-z0-9-])(?:implements?|implemented\s+(?:by|in)|implementing|spec(?:ification)?s?|"
    r"requirements?|reqs?|refs?|references?|covers?|validates?|verifies|satisfies|satisfy|"
    r"traces?\s+to|fulfil(?:l?s)?|as\s+required\s+by|required\s+by|stor(?:y|ies)|tasks?|"
    r"acceptance\s+criteri(?:a|on)|需求|要件|要求|任务|任務|タスク)(?![A-Za-z0-9-])"
)


# Prefixes of well-known identifiers that are never spec ids, even after "See".
NON_ID_PREFIXES = frozenset(
    {
        "AES", "ASCII", "BASE", "CVE", "CWE", "ECMA", "ES", "GDPR", "H", "HMAC", "HS", "HTTP",
        "IEEE", "IPV", "ISO", "MD", "OWASP", "PCI", "PEP", "PS", "RFC", "RS", "RSA", "SHA",
        "SOC", "SSL", "TLS", "UTF", "UUID", "V", "W", "X", "PY", "CP", "GPT", "S",
        "P",  # priorities: "(Priority: P1)"
    }
)  # fmt: skip

_SPEC_PATH = re.compile(
    r"(?<![\w/.~-])(?P<path>(?:\.{1,2}/)*(?:[\w.-]+/)*[\w.-]+\.md)"
    r"(?:#(?P<anchor>[^\s)\]`'\",;:>]+))?"
)
_SECTION_SIGN = re.compile(
    r"§\s*(?:(?P<num>\d+(?:\.\d+)*)(?![\w.]*[A-Za-z])|(?P<title>[^\s,;()\[\]`'\"][^,;()\[\]`'\"\n]*))"
)
_OFT_TAG = re.compile(
    r"\[\s*(?P<src>[a-z]+)(?:~~\d+)?\s*->\s*(?P<dst>[a-z]+~[A-Za-z0-9_.-]+~\d+)"
    r"(?:>>[\w,\s]+)?\s*\]"
)
_OFT_ID = re.compile(r"(?<![\w~])(?P<id>[a-z]+~[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*~\d+)(?![\w~])")
# A letter that closes a number is part of it: a story split in parts is Story 2.1a,
# 2.1b, 2.1c, and its criteria 2.1a.1, 2.1a.2 ("2.1 a", "2.1and" and "2.1ab" are not;
# a named story whose number runs on into a word is no citation of a shorter one; the
# full stop of a sentence does not belong to the number: "Implements Story 2.1b.").
SUFFIX = r"(?:[a-z](?![A-Za-z0-9]))"
# Kiro's lettered requirement "Requirement 2a" has criteria 2a.1, 2a.2.
_CRITERION = rf"\d+(?:{SUFFIX}(?=\.\d))?(?:\.\d+)+(?:{SUFFIX}(?:\.\d+)*)?"
_SEP = r"\s*(?:,|、|/|and|&|-|–|—|to)\s*"
_CRITERIA_LIST = re.compile(
    r"(?i)(?<![A-Za-z0-9-])(?:requirements?|reqs?|需求|要件|要求)\s*[:：]?\s*_?\s*"
    rf"(?P<list>{_CRITERION}(?:{_SEP}{_CRITERION})*)"
)
# A feature's folder name in brackets after a list of criteria: "5.1, 5.2 (assume-person-role)"
# (a name of two words or more, as Kiro's and spec-kit's folders are).
_LIST_FEATURE = re.compile(r"\s*\(\s*(?P<name>[a-z0-9]+(?:[-_][a-z0-9]+)+)\s*\)")
_NUMBER_IN_LIST = re.compile(rf"(?P<num>{_CRITERION})(?:\s*(?P<range>-|–|—|to)\s*)?")
# "Requirements:" alone on a line, then one criterion per bullet: "- 1.5: Validate ...".
_CRITERIA_HEADER = re.compile(
    r"(?i)^\s*[#*_\s]*(?:requirements?|reqs?|需求|要件|要求)\s*[:：]\s*[*_]*\s*$"
)
_CRITERIA_BULLET = re.compile(rf"^\s*[-*+]\s+(?P<num>{_CRITERION})(?=[:.)\s]|$)")
# BMAD v6 keys a story by its numbers joined with a hyphen (`2-5-handle-input-files`, the
# sprint-status key and file name of Story 2.5), and code cites it so: "Story 2-5" is Story
# 2.5. Only two numbers, and not the start of a longer run ("Story 2-5-3", "Story 2-5.1").
_STORY_KEY = rf"\d+-\d+{SUFFIX}?(?!\d|-\d|\.\d)"
# Kiro's "Task 8.2" in Chinese and Japanese: "任务 8.2", "任務 8.2", "タスク 8.2".
_TASK_WORDS = ("Task", "任务", "任務", "タスク")
# Named items: BMAD "Story 1.2", spec-kit "User Story 2", Kiro "Requirement 3" / "Property 4".
_NAMED_ITEM = re.compile(
    rf"(?<![\w-])(?:(?P<user>User\s+Story)\s+(?P<us>\d+{SUFFIX}?)(?![\da-z]|\.\d)"
    rf"|(?P<story>Story)\s*(?P<snum>{_STORY_KEY}|\d+(?:\.\d+)*{SUFFIX}?)(?![\da-z]|\.\d)"
    rf"|(?P<word>Requirement|Property|需求|{'|'.join(_TASK_WORDS)})\s*(?P<num>\d+(?:\.\d+)*{SUFFIX}?)(?![\d.a-z]))"
)
# Kiro property tests name their feature: "Feature: stock-tracking, Property 1: ...".
_FEATURE = re.compile(r"(?i)(?<![\w-])feature\s*:\s*(?P<name>[a-z0-9][a-z0-9_-]*[a-z0-9])")
_QUALIFIER = re.compile(r"(?<![\w.-])(?P<word>[a-z0-9][a-z0-9_-]*)(?:\s+|/|::?|#)$")
_ID_RANGE = re.compile(
    r"(?<![\w-])(?P<p>[A-Z]{1,6}-?)(?P<n>\d+)\s*(?:-|–|—|\.\.|to|through)\s*"
    r"(?P<q>(?P=p))?(?P<m>\d+)(?![\w.])"
)
# A list of ids that writes the prefix once: "FR-013/14/15/16/18", "(FR-027/028/029)".
_ID_SLASHES = re.compile(
    r"(?<![\w/-])(?P<p>[A-Z]{1,6}-?)(?P<n>\d+)(?P<rest>(?:/\d+)+)(?![\w/.-])"
)
_ID_TAIL = re.compile(r"(?:-\d+)+[a-z]?(?![\w-])")  # "-005" of "FR-011-005"
_TITLE_STOP = re.compile(r"\s+(?:[-–—]\s|\bfor\b|\bwhich\b|\bwhere\b)")


@dataclass(frozen=True, slots=True)
class FoundRef:
    """A reference candidate: where it is in the text and whether it is explicit."""

    target: RefTarget
    line: int  # 0-based line offset in the text
    column: int  # 0-based column
    explicit: bool


# Line endings as CPython and CommonMark count them: LF, CRLF and a lone CR. Nothing
# else (not U+2028, NEL or form feed, which str.splitlines() also splits on).
LINE_BREAK = re.compile(r"\r\n?|\n")


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR -> LF, so that counting LFs gives CPython's and CommonMark's lines."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def split_lines(text: str) -> list[str]:
    """``text`` cut at CPython's line endings (never at U+2028, NEL, FF ... )."""
    return LINE_BREAK.split(text)


def context_text(lines: Sequence[str], index: int, limit: int = 300) -> str:
    """The words around a reference on line ``index``: its block's first two lines (a
    summary, often a name and then what it does) and its own line; then, after a line
    break, the rest of the block when the whole is short (a JSDoc that says what the code
    does before ``Requirements: 2.3, 6.2``), which a reader turns to when the summary does
    not settle it."""
    filled = [ln.strip() for ln in lines if ln.strip()]
    head = filled[:2]
    own = lines[index].strip() if 0 <= index < len(lines) else ""
    if own and own not in head:
        head.append(own)
    text = " ".join(head)[:limit]
    rest = [ln for ln in filled if ln not in head]
    if rest and len(" ".join(filled)) <= limit:
        text += "\n" + " ".join(rest)
    return text


def id_prefix(identifier: str) -> str:
    """The prefix of an id: ``FR-001`` -> ``FR-``, ``T012`` -> ``T``, ``FR-020a`` -> ``FR-``,
    ``Story 2.1a`` -> ``Story ``."""
    return re.sub(r"\d+(?:\.\d+)*(?:[a-z](?:\.\d+)*)?$", "", identifier)


_STORY_NUMBER = re.compile(
    rf"(?<![\w.])Story\s+({_STORY_KEY}|\d+\.\d+{SUFFIX}?)(?![\da-z]|\.\d)"
)
_AC_LIST = re.compile(r"\bAC\s*:?\s*(?P<list>#?\d+(?:\s*,\s*#?\d+)*)")


# What every reference form starts with, found by str.find in a lower-cased copy (C
# speed): the cheap half of may_cite. A hit is then confirmed by an anchored pattern
# on the text itself, case-insensitive as the extractor's own patterns are.
_LEADS: tuple[tuple[str, re.Pattern[str] | None], ...] = (
    ("§", None),  # § titles and numbers
    (".md", None),  # spec files, with or without an anchor or an id after them
    ("需求", None),
    ("要件", None),
    ("要求", None),
    ("任务", None),
    ("任務", None),
    ("タスク", None),
    # "Requirements: 2.1", "_Requirements: 1.2_", "Req 9.1", a "Requirements:" header
    # line, "Requirement 3"
    ("req", re.compile(r"(?i)req(?:uirements?|s)?\s*(?:[:：]|_?\s*\d)")),
    ("story", re.compile(r"(?i)story\s*\d")),  # Story 1.2, User Story 2, and AC: #n with it
    ("property", re.compile(r"(?i)property\s*\d")),
    ("task", re.compile(r"(?i)task\s*\d")),
    ("feature", re.compile(r"(?i)feature\s*:")),
    ("~", re.compile(r"~[\w.-]+~\d")),  # OpenFastTrace ids and coverage tags
)


# A quoted value of a quoted key or of an assignment, right before a path: `"file_path": "`,
# `path='`, `source = "` (example data); not a label (`Spec: "specs/x/spec.md"`).
_DATA_VALUE = re.compile(r"""(?:["'][\w-]+["']\s*:|\b[\w-]+\s*=)\s*["']$""")


def _lower(text: str) -> str:
    """``text`` lower-cased character by character, so that offsets stay the same."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def may_cite(text: str, id_regex: re.Pattern[str]) -> bool:
    """Whether ``text`` can hold a reference: a superset of :func:`extract_refs`.

    ``extract_refs(text, id_regex)`` finds nothing when this is False (a test holds
    the two to that on every reference form). It only answers yes or no, with
    literal searches confirmed by anchored patterns, and one search for an id.
    A line, the end of a line or a whole file may be asked: any text that contains
    a reference form holds it too.
    """
    lower = _lower(text)
    for lead, confirm in _LEADS:
        at = lower.find(lead)
        if at < 0:
            continue
        if confirm is None:
            return True
        while at >= 0:
            if confirm.match(text, at):
                return True
            at = lower.find(lead, at + 1)
    return id_regex.search(text) is not None


def extract_refs(text: str, id_regex: re.Pattern[str]) -> list[FoundRef]:
    """All reference candidates in ``text``, in order of appearance."""
    if not may_cite(text, id_regex):
        return []
    return extract_all(text, id_regex)


def extract_all(text: str, id_regex: re.Pattern[str]) -> list[FoundRef]:
    """:func:`extract_refs` without the :func:`may_cite` shortcut (the same result)."""
    found: list[FoundRef] = []
    in_criteria = False
    # BMAD "(AC: #2)" counts within the one story the text names: Story 1.2 -> 1.2.2.
    stories = {number.replace("-", ".") for number in _STORY_NUMBER.findall(text)}
    story = stories.pop() if len(stories) == 1 else None
    for line_no, line in enumerate(split_lines(text)):
        if story is not None:
            for m in _AC_LIST.finditer(line):
                for ac in re.finditer(r"\d+", m["list"]):
                    ident = f"{story}.{ac.group(0)}"
                    target = RefTarget(RefKind.ID, ident, None, m.group(0), hint="requirement")
                    found.append(FoundRef(target, line_no, m.start("list") + ac.start(), True))
        if not line.strip():
            in_criteria = False
            continue
        bullet = _CRITERIA_BULLET.match(line) if in_criteria else None
        if bullet:
            num = bullet["num"]
            target = RefTarget(RefKind.ID, num, None, num, hint="requirement")
            found.append(FoundRef(target, line_no, bullet.start("num"), True))
            continue
        in_criteria = bool(_CRITERIA_HEADER.match(line))
        refs = _refs_in_line(line, line_no, id_regex)
        if story is not None:
            # "Task 2" of the one story the text names ("Story 6.1: ConfigInitService" at
            # the top of the docstring) is that story's Task 2
            refs = [
                replace(r, target=replace(r.target, qualifier=f"story:{story}"))
                if r.target.hint == "task" and r.target.value.isdigit() else r
                for r in refs
            ]
        found.extend(refs)
    return found


def _refs_in_line(line: str, line_no: int, id_regex: re.Pattern[str]) -> list[FoundRef]:
    out: list[FoundRef] = []
    taken: list[tuple[int, int]] = []
    keyword = _STRONG_KEYWORDS.search(line)
    keyword_end = keyword.end() if keyword else None

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(target: RefTarget, start: int, end: int, explicit: bool) -> None:
        taken.append((start, end))
        out.append(FoundRef(target, line_no, start, explicit))

    # OpenFastTrace coverage tags and ids are unambiguous: always explicit.
    for m in _OFT_TAG.finditer(line):
        add(RefTarget(RefKind.ID, m["dst"], None, m.group(0), hint="oft"), m.start(), m.end(), True)
    for m in _OFT_ID.finditer(line):
        if free(m.start(), m.end()):
            add(RefTarget(RefKind.ID, m["id"], None, m["id"], hint="oft"), m.start(), m.end(), True)

    # Spec files, with an anchor, or followed by an id / § title / § number.
    for m in _SPEC_PATH.finditer(line):
        if not free(m.start(), m.end()):
            continue
        if _DATA_VALUE.search(line[: m.start()]) and line[m.end() : m.end() + 1] in ("'", '"'):
            continue  # "file_path": "docs/configuration.md": a value in example data
        path = m["path"]
        if m["anchor"]:
            anchor = m["anchor"].rstrip(".!?").lower()
            target = RefTarget(RefKind.ANCHOR, anchor, path, m.group(0).rstrip(".!?"))
            add(target, m.start(), m.end(), True)
            continue
        rest = line[m.end() :]
        follow = re.match(r"[ \t]*(?:,|:|::)?[ \t]*", rest)
        offset = m.end() + (follow.end() if follow else 0)
        tail = line[offset:]
        id_match = id_regex.match(tail)
        sec = _SECTION_SIGN.match(tail)
        if id_match:
            end = offset + id_match.end()
            add(
                RefTarget(RefKind.ID, id_match.group(0), path, line[m.start() : end]),
                m.start(),
                end,
                True,
            )
        elif sec:
            end = offset + sec.end()
            add(_section_target(sec, path, line[m.start() : end]), m.start(), end, True)
        else:
            add(RefTarget(RefKind.FILE, path, path, path), m.start(), m.end(), True)

    # Numbered acceptance criteria after a requirements keyword (Kiro).
    for m in _CRITERIA_LIST.finditer(line):
        if not free(m.start("list"), m.end("list")):
            continue
        base = m.start("list")
        # "_Requirements: 5.1, 5.2 (assume-person-role)_": the feature the numbers are of
        named = _LIST_FEATURE.match(line, m.end("list"))
        feature = named["name"] if named else None
        previous: str | None = None  # the start of a range "9.1 - 9.5"
        for num in _NUMBER_IN_LIST.finditer(m["list"]):
            start, end = base + num.start("num"), base + num.end("num")
            for value in _expand(previous, num["num"]):
                target = RefTarget(
                    RefKind.ID, value, None, value, hint="requirement", qualifier=feature
                )
                add(target, start, end, True)
            previous = num["num"] if num["range"] else None

    # Named items and feature names.
    for m in _FEATURE.finditer(line):
        target = RefTarget(RefKind.FILE, m["name"], m["name"], m.group(0), hint="feature")
        add(target, m.start(), m.end(), True)
    for m in _NAMED_ITEM.finditer(line):
        if not free(m.start(), m.end()):
            continue
        if m["user"]:
            ident, hint = f"US{m['us']}", "story"
        elif m["story"]:
            ident, hint = f"Story {m['snum'].replace('-', '.')}", "story"
        elif m["word"] in _TASK_WORDS:
            ident, hint = m["num"], "task"  # Kiro tasks are numbered: "Task 8.2"
        elif "." in m["num"]:
            continue  # "Requirement 2.1" is a criterion: the criteria list above handles it
        else:
            word = m["word"]
            ident = f"{word} {m['num']}"
            hint = "property" if word == "Property" else "requirement"
        add(RefTarget(RefKind.ID, ident, None, m.group(0), hint=hint), m.start(), m.end(), True)

    # Bare § titles and numbers.
    for m in _SECTION_SIGN.finditer(line):
        if free(m.start(), m.end()):
            # "§FR-011-005 — the legacy reset": a section named by its item's id is that id
            # (and "§FR-011-005" the sub-item 005 of FR-011, written as one id)
            named = id_regex.match(m["title"]) if m["title"] else None
            if named is not None:
                whole = _ID_TAIL.match(m["title"], named.end())
                end = whole.end() if whole else named.end()
                if not re.match(r"[\w-]", m["title"][end:]):
                    at = m.start("title")
                    value = m["title"][:end]
                    add(RefTarget(RefKind.ID, value, None, value), at, at + end, True)
                    continue
            add(_section_target(m, None, m.group(0).strip()), m.start(), m.end(), True)

    # Ranges of ids: "(T150-T155)", "FR-001 to FR-004", "US1–US3" cite every id in them.
    for m in _ID_RANGE.finditer(line):
        if not free(m.start(), m.end()):
            continue
        first, last = int(m["n"]), int(m["m"])
        if not (m["q"] or len(m["m"]) == len(m["n"])) or not first < last <= first + 50:
            continue
        if id_prefix(m["p"] + "1").rstrip("-") in NON_ID_PREFIXES:
            continue
        idents = [f"{m['p']}{k:0{len(m['n'])}d}" for k in range(first, last + 1)]
        if not all(id_regex.fullmatch(i) for i in idents):
            continue
        explicit = keyword_end is not None and keyword is not None and keyword.start() < m.start()
        for ident in idents:
            add(RefTarget(RefKind.ID, ident, None, ident), m.start(), m.end(), explicit)

    # "FR-013/14/15": the numbers after the first take its prefix, each written at the
    # first one's width ("14" is FR-014), when every one of them is an id.
    for m in _ID_SLASHES.finditer(line):
        if not free(m.start(), m.end()):
            continue
        if id_prefix(m["p"] + "1").rstrip("-") in NON_ID_PREFIXES:
            continue
        width = len(m["n"])
        nums = [m["n"], *m["rest"].strip("/").split("/")]
        if any(len(n) > width for n in nums):
            continue
        idents = [f"{m['p']}{int(n):0{width}d}" for n in nums]
        if not all(id_regex.fullmatch(i) for i in idents):
            continue
        explicit = keyword_end is not None and keyword is not None and keyword.start() < m.start()
        for ident in idents:
            add(RefTarget(RefKind.ID, ident, None, ident), m.start(), m.end(), explicit)

    # Ids matching the configured pattern.
    for m in id_regex.finditer(line):
        if not free(m.start(), m.end()):
            continue
        ident = m.group(0)
        explicit = keyword_end is not None and keyword is not None and keyword.start() < m.start()
        if id_prefix(ident).rstrip("-") in NON_ID_PREFIXES:
            continue
        if _HEX_COLOUR.match(line, max(m.start() - 1, 0)) and m.start() > 0:
            continue  # "no orange (#F97316) anywhere": a colour, not F97316
        qual = _QUALIFIER.search(line[: m.start()])
        qualifier = qual["word"] if qual else None
        add(
            RefTarget(RefKind.ID, ident, None, ident, qualifier=qualifier),
            m.start(),
            m.end(),
            explicit,
        )

    out.sort(key=lambda r: r.column)
    return out


# A CSS colour: `#` and 3, 4, 6 or 8 hex digits, nothing of a word after them.
_HEX_COLOUR = re.compile(r"#(?:[0-9A-Fa-f]{8}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3,4})(?![\w-])")


def _expand(start: str | None, end: str) -> list[str]:
    """``9.1`` .. ``9.5`` -> 9.2 ... 9.5 (the start is already listed); else just ``end``."""
    if start is None:
        return [end]
    head_a, _, last_a = start.rpartition(".")
    head_b, _, last_b = end.rpartition(".")
    if head_a != head_b or not (last_a.isdigit() and last_b.isdigit()):
        return [end]
    first, last = int(last_a), int(last_b)
    if not first < last <= first + 50:
        return [end]
    return [f"{head_b}.{n}" for n in range(first + 1, last + 1)]


def _section_target(m: re.Match[str], spec: str | None, text: str) -> RefTarget:
    if m["num"]:
        return RefTarget(RefKind.NUMBER, m["num"], spec, text)
    title = m["title"].strip()
    stop = _TITLE_STOP.search(title)
    if stop:
        title = title[: stop.start()]
    title = title.rstrip(" .:!?*_`")
    return RefTarget(RefKind.TITLE, title, spec, text)


_CHECKBOX_BEFORE = re.compile(r"\[[ xX]\]\s*\**\s*$")
# "RFC 7636 §4.1", "ISO 8601 section 5.3", "OWASP ASVS §2.1": a section of an outside standard.
_STANDARD_BEFORE = re.compile(
    r"(?i)(?<![A-Za-z])(?:RFC|ISO|IEC|IEEE|PEP|ECMA|OWASP|NIST|FIPS|CWE|GDPR|HIPAA|PCI|W3C|"
    r"ASVS|SP)(?:[\s-]+[\w.:/]+){0,3}[\s,]*$"
)
# Ordinary verbs that are also citation keywords: "Validate request against M1 schema"
# validates a request, it cites nothing. They make an id explicit only as its verb
# ("Validates FR-001, FR-002", "Covers: Requirement 1.2").
_VERB_KEYWORDS = frozenset(
    {"validate", "validates", "verifies", "cover", "covers", "satisfy", "satisfies", "ref",
     "refs", "reference", "references"}
)  # fmt: skip
_CITED_OBJECT = re.compile(
    r"(?i)^[\s:*_`(\[#-]*(?:(?:the\s+)?(?:requirements?|reqs?|spec(?:ification)?s?|stor(?:y|ies)|"
    r"tasks?|criteri(?:a|on))[\s:#]*)?(?:[A-Za-z]{1,6}-?\d+[a-z]?(?:\.\d+)*[\s,;/&]*(?:and\s+)?)*$"
)
_DOCTEST = re.compile(r"^\s*(?:>>>|\.\.\.)(?:\s|$)")
_METRIC_AFTER = re.compile(r"^[\s-]*(?:scores?|latency|percentile)\b", re.I)
_PERCENTILE = re.compile(r"P\d{2}(?:\.\d+)?")
# Calendar quarters: "Q3 2025", "2025-Q3", "FY25 Q1", "Q3'25", "Q1, Q2", "the Q4 quarter".
_QUARTER = re.compile(r"Q[1-4]")
_YEAR_AFTER = re.compile(r"^\s*[-/]?\s*(?:(?:19|20)\d{2}|'\d{2}|FY\s*\d{2,4})\b")
_YEAR_BEFORE = re.compile(r"\b(?:(?:19|20)\d{2}|FY\s*'?\d{2,4})\s*[-/]?\s*$")
_QUARTERS_IN_LINE = re.compile(r"(?<!\w)Q[1-4](?!\w)")
_QUARTER_WORD = re.compile(r"(?i)\bquarter(?:s|ly)?\b")


def code_refs(text: str, id_regex: re.Pattern[str]) -> list[FoundRef]:
    """:func:`extract_refs` for code comments and docstrings, without what is not a citation.

    Left out: an id that a checkbox introduces (``# Match task lines like - [ ] T001 ...``
    shows the format of a task line, it cites no task); ids in doctest lines and their
    output; metric names (``F1 score``, ``R2 score``, ``P99`` latency) unless the text says
    it cites the spec. A calendar quarter (``Q3 2025``, ``Q1, Q2``) is never an explicit
    citation: it cites only where the specs use a ``Q`` id family (linking decides).
    """
    lines = text.splitlines()
    doctest: set[int] = set()
    inside = False
    for k, line in enumerate(lines):
        if _DOCTEST.match(line):
            inside = True
        elif not line.strip():
            inside = False
        if inside:
            doctest.add(k)
    out: list[FoundRef] = []
    for f in extract_refs(text, id_regex):
        line = lines[f.line] if f.line < len(lines) else ""
        written = f.target.text or f.target.value
        before = line[: f.column]
        after = line[f.column + len(written) :]
        if f.line in doctest or _CHECKBOX_BEFORE.search(before):
            continue
        standard = f.target.kind in (RefKind.NUMBER, RefKind.TITLE) and f.target.spec is None
        if standard and _STANDARD_BEFORE.search(before):
            continue  # "per RFC 7636 §4.1": the standard's section, not the spec's
        if f.explicit and f.target.kind is RefKind.ID and f.target.hint is None:
            f = _verb_checked(f, before)
        quarter = _is_quarter(f.target.value, line, before, after)
        if quarter and f.explicit and f.target.hint is None:
            f = FoundRef(f.target, f.line, f.column, False)
        metric = _METRIC_AFTER.match(after) or _PERCENTILE.fullmatch(f.target.value)
        if metric and f.target.kind is RefKind.ID and f.target.hint is None and not f.explicit:
            continue
        out.append(f)
    return out


def _is_quarter(value: str, line: str, before: str, after: str) -> bool:
    """``Q1``..``Q4`` written as a calendar quarter: beside a year (``Q3 2025``, ``2025-Q3``,
    ``FY25 Q1``), beside another quarter on its line (``Q3 2025, Q1``) or with the word
    quarter."""
    if not _QUARTER.fullmatch(value):
        return False
    if _YEAR_AFTER.match(after) or _YEAR_BEFORE.search(before):
        return True
    return len(_QUARTERS_IN_LINE.findall(line)) >= 2 or bool(_QUARTER_WORD.search(line))


def _verb_checked(found: FoundRef, before: str) -> FoundRef:
    """``found`` not explicit when only an ordinary verb before it made it so and the
    verb's object is something else ("validate the request against M1")."""
    keywords = list(_STRONG_KEYWORDS.finditer(before))
    if not keywords or any(k.group(0).lower() not in _VERB_KEYWORDS for k in keywords):
        return found
    if _CITED_OBJECT.match(before[keywords[-1].end() :]):
        return found
    return FoundRef(found.target, found.line, found.column, False)

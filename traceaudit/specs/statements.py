"""Recognisers for auth statements and HTTP status codes in spec text.

Every function takes plain text (Markdown markup already stripped by the
caller) and returns what it finds; none raises. ``auth_required`` reads a
statement (``Required (JWT)`` -> True, ``Public`` -> False, else None);
``statuses_in`` and friends read ``401 Unauthorized``, ``returns 404``,
status-table cells and ``HTTP/1.1 201 Created`` response lines.
"""

from __future__ import annotations

import re
from http import HTTPStatus

# --------------------------------------------------------------------------
# Auth
# --------------------------------------------------------------------------

_AUTH_LABEL = re.compile(
    r"(?i)^(?:auth(?:entication|orization|orisation)?(?:\s+required)?|requires?\s+auth\w*|"
    r"authenticated|access|access\s+control|permissions?|security|protected|login\s+required)$"
)
_NEG_LEAD = re.compile(
    r"(?i)^\s*(?:no\b|none\b|public(?:ly)?\b|anonymous\b|optional\b|not\s+(?:required|needed)\b|"
    r"false\b|n\b|open\b|unauthenticated\b|without\b|❌|✗|✘)"
)
_POS_LEAD = re.compile(
    r"(?i)^\s*(?:yes\b|y\b|required\b|requires?\b|true\b|jwt\b|bearer\b|token\b|oauth\w*|"
    r"api[\s_-]?key|admin\w*|authenticated\b|auth\b|login\b|logged[\s-]in\b|session\b|user\b|"
    r"basic\b|cookie\b|protected\b|private\b|✅|✓|✔|🔒)"
)
_NEG_ANY = re.compile(
    r"(?i)\b(?:no\s+auth\w*|not\s+(?:required|needed)|public(?:ly)?|anonymous|unauthenticated|"
    r"optional|without\s+auth\w*|(?:does|do)\s*(?:not|n't)\s+require)\b"
)
_POS_ANY = re.compile(
    r"(?i)\b(?:requires?|required|jwts?|bearer|tokens?|oauth2?|api[\s_-]?keys?|authenticated|"
    r"authentication|admin\w*|login|logged[\s-]in|session|protected)\b"
)
_AUTH_WORD = re.compile(
    r"(?i)\b(?:auth\w*|public|login|logged[\s-]in|admin\w*|token|jwt|bearer|anonymous|"
    r"unauthenticated|protected)\b"
)
_PAREN = re.compile(r"\(([^()]{1,80})\)")
# A credential the statement itself calls optional (``Bearer <token> (optional)``, ``JWT,
# optional``, ``Bearer token - optional``): the endpoint answers without it.
_OPTIONAL_AFTER = re.compile(r"(?i)(?:\(\s*optional\s*\)|[,;:\-–—]\s*optional)\s*\.?\s*$")


def is_auth_label(label: str) -> bool:
    """Whether a field label states authentication (``Auth``, ``Authentication``, ...)."""
    return bool(_AUTH_LABEL.match(label.strip()))


def auth_required(text: str) -> bool | None:
    """Read an auth statement: ``Required (JWT)`` -> True, ``Public`` -> False, ``?`` -> None."""
    if _NEG_LEAD.match(text) or _OPTIONAL_AFTER.search(text):
        return False
    if _POS_LEAD.match(text):
        return True
    if _NEG_ANY.search(text):
        return False
    if _POS_ANY.search(text):
        return True
    return None


# A remark that says what the endpoint does with credentials ("JWT issuance", "returns
# a token") describes its job, not a guard in front of it.
_ISSUES = re.compile(
    r"(?i)\b(?:issu\w*|generat\w*|mint\w*|refresh\w*|obtain\w*|exchang\w*|creat\w*|"
    r"returns?\s+(?:an?\s+|the\s+|new\s+)?(?:jwts?|access|refresh|bearer|session|tokens?))\b"
)
# What a remark must say for an endpoint that hands out credentials to need them itself.
_EXPLICIT = re.compile(
    r"(?i)\b(?:requires?|required|protected|authenticated|private|logged[\s-]in|"
    r"auth(?:entication)?\s+only)\b|🔒"
)
# Endpoints that hand out credentials (sign-up, login, token, password reset, OAuth
# callback) are public by nature: "/auth/login (user authentication)" names their job.
CREDENTIAL_ENTRY = re.compile(
    r"(?i)/(?:login|sign-?in|sign-?up|register|registration|tokens?|refresh|forgot[\w-]*|"
    r"reset[\w-]*|callback)(?![\w-])"
)


def auth_parenthetical(text: str, path: str = "") -> str | None:
    """An auth remark in parentheses beside an endpoint: ``(no auth required)``, ``(public)``.

    A remark is a list of parts (``(email validation, password hashing, JWT issuance)``);
    the first part that states access is the remark. A part that names issuing
    credentials states nothing about access, and beside an endpoint of ``path`` that
    hands out credentials only an explicit ``required``/``protected`` says it needs them.
    """
    entry = bool(CREDENTIAL_ENTRY.search(path))
    for m in _PAREN.finditer(text):
        for part in re.split(r"[,;]", m.group(1)):
            part = part.strip()
            if not _AUTH_WORD.search(part):
                continue
            required = auth_required(part)
            if required is None:
                continue
            if required and (_ISSUES.search(part) or (entry and not _EXPLICIT.search(part))):
                continue
            return part
    if "🔒" in text:
        return "🔒"
    return None


# --------------------------------------------------------------------------
# Status codes
# --------------------------------------------------------------------------


def _first_words() -> dict[int, frozenset[str]]:
    words: dict[int, set[str]] = {}
    for status in HTTPStatus:
        words.setdefault(status.value, set()).add(status.phrase.split()[0].lower())
    extra = {413: "payload content", 414: "uri", 416: "range", 422: "unprocessable", 418: "i'm"}
    for code, more in extra.items():
        words.setdefault(code, set()).update(more.split())
    return {code: frozenset(ws) for code, ws in words.items()}


_REASON_FIRST = _first_words()
_CODE_REASON = re.compile(r"(?<![\w.])([1-5]\d\d)\s+([A-Za-z][A-Za-z'-]*)")
_FOLLOW = (
    r"(?=\s*(?:$|[.,;:)(\]/`*\-–—]|\b(?:if|when|on|for|with|and|or|otherwise|unless|"
    r"status|response|error|code|because|in)\b))"
)
_CODE_AFTER_WORD = re.compile(
    rf"(?i)\b(?:http|status(?:\s+code)?|return(?:s|ed|ing)?|respond(?:s|ed)?\s+with|"
    rf"response(?:\s+code)?|error(?:\s+code)?)\s*:?\s+(?:an?\s+|with\s+|code\s+|http\s+)?"
    rf"`?([1-5]\d\d)`?(?![\w.]){_FOLLOW}"
)
_CODE_AT_START = re.compile(r"^\s*`?([1-5]\d\d)`?(?:\s*[:\-–—)=]|\s+(?:if|when|on|for)\b|\s*$)")
_STATUS_CELL = re.compile(r"^\s*`?([1-5]\d\d)(?![\w.])")
_STATUS_HEADER = re.compile(
    r"(?i)^(?:http\s+)?(?:status(?:\s+code)?|code|response(?:\s+code)?|error(?:\s+code)?|"
    r"http\s+code)s?$"
)
_BARE_CODE = re.compile(r"(?<![\w.])([1-5]\d\d)(?![\w.])")
_STATUS_LABEL = re.compile(r"(?i)\b(?:status|codes?)\b")
# "**Response 200**:", "**Error 404** -", "Status 201:" name the code in the label.
_CODE_LABEL = re.compile(
    r"(?i)^(?:success\s+|error\s+)?(?:responses?|status(?:\s+code)?|errors?|returns?)\s+"
    r"`?([1-5]\d\d)(?![\w.])"
)


def statuses_in(text: str) -> set[int]:
    """Status codes a line states: ``401 Unauthorized``, ``returns 404``, ``- 400: bad input``."""
    out: set[int] = set()
    for m in _CODE_REASON.finditer(text):
        code = int(m.group(1))
        if m.group(2).lower() in _REASON_FIRST.get(code, frozenset()):
            out.add(code)
    out.update(int(m.group(1)) for m in _CODE_AFTER_WORD.finditer(text))
    start = _CODE_AT_START.match(text)
    if start:
        out.add(int(start.group(1)))
    return out


def statuses_of_field(label: str, value: str) -> set[int]:
    """Codes in a field line; a ``Status``/``Codes`` label makes bare numbers count."""
    found = statuses_in(value)
    in_label = _CODE_LABEL.match(label)
    if in_label:
        found.add(int(in_label.group(1)))
    if _STATUS_LABEL.search(label):
        found.update(int(m.group(1)) for m in _BARE_CODE.finditer(value))
    return found


def status_of_cell(cell: str) -> int | None:
    """The code that opens a status-table cell (``404``, ``\\`404 Not Found\\```)."""
    m = _STATUS_CELL.match(cell)
    return int(m.group(1)) if m else None


def is_status_header(header: str) -> bool:
    return bool(_STATUS_HEADER.match(header.strip()))


_HTTP_RESPONSE = re.compile(r"^\s*HTTP/\d(?:\.\d)?\s+([1-5]\d\d)\b")


def response_line_status(line: str) -> int | None:
    """``HTTP/1.1 201 Created`` in an example exchange -> 201."""
    m = _HTTP_RESPONSE.match(line)
    return int(m.group(1)) if m else None

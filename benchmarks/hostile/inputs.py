"""A catalogue of hostile inputs for traceaudit (issue 10).

Each entry is a small function that writes one project into an empty folder: one
planted hostile thing (a file, a folder, a link, a configuration, a command line)
plus, written by :func:`write_sentinel` before it, a healthy *sentinel*: a spec
(``specs/sentinel/spec.md``, requirement ``SEN-001``) and a FastAPI app
(``sentinel/main.py``, ``GET /sentinel`` citing ``SEN-001``). When the audit
finishes and still reports the sentinel route and reference, the rest of the
project was audited.

The builder returns a :class:`Plant`: where the hostile thing is and what a right
answer looks like. ``expect`` is the set of acceptable observations for the
hostile path:

- ``read``: read like any file: no TA000, no note; the planted routes
  (:class:`Route`) and requirements (:class:`Req`) are found at CPython's /
  CommonMark's line numbers;
- ``ta000``: a TA000 finding on the hostile file (at CPython's line when
  CPython reports one);
- ``note``: a note-severity finding that names the hostile path (skipped file);
- ``silent``: nothing reported about it (only for things outside the audit, such
  as links out of the root);
- ``oracle``: decided at run time by compiling the file with the running CPython:
  compiles -> ``read``; SyntaxError/ValueError -> ``ta000``; RecursionError or
  MemoryError (newer CPythons compile more) -> ``read`` or ``ta000``;
- ``config-error`` / ``usage-error``: exit 2 and exactly one line on stderr (a
  config error must name the file and the key, ``error_words``).

Nothing here imports or runs the generated code. Marker modules (``markers``)
write a file into the markers folder when imported, so the runner sees whether
anything in the audited tree was executed; ``secret`` files live outside the
root and must never be read.
"""

from __future__ import annotations

import json
import os
import socket
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SENTINEL_SPEC = "specs/sentinel/spec.md"
SENTINEL_CODE = "sentinel/main.py"
SENTINEL_ROUTE_LINE = 6
SENTINEL_REF_LINE = 8
SECRET_TOKEN = "XSECRETX"  # text that only the files outside the root hold

_SENTINEL_SPEC_TEXT = """# Sentinel

## Requirements

- **SEN-001**: System MUST answer `GET /sentinel`.
"""
_SENTINEL_CODE_TEXT = '''from fastapi import FastAPI

app = FastAPI()


@app.get("/sentinel")
def sentinel() -> dict[str, str]:
    """Implements SEN-001."""
    return {}
'''

READ = frozenset({"read"})
TA000 = frozenset({"ta000"})
NOTE = frozenset({"note"})
ORACLE = frozenset({"oracle"})
UNREADABLE = frozenset({"ta000", "note"})  # cannot be read: a finding either way
OUTSIDE = frozenset({"silent", "note"})  # not part of the audit
ANY = frozenset({"read", "ta000", "note"})  # any honest answer, as long as nothing breaks
CONFIG_ERROR = frozenset({"config-error"})
USAGE_ERROR = frozenset({"usage-error"})


@dataclass(frozen=True)
class Env:
    """Where a builder may put things outside the root."""

    outside: Path  # holds secret.md / secret.yaml / secret.toml (SECRET_TOKEN inside)
    markers: Path  # marker modules write <markers>/<name> when imported


@dataclass(frozen=True)
class Route:
    """A route the hostile file defines; its line is CPython's line of the decorator.

    ``ref`` tells whether the handler's docstring (the line after ``def``) cites
    SEN-001. The runner finds both lines with ``ast`` (and, when ``ast`` cannot
    parse the file, by counting CPython's line endings: LF, CRLF and CR).
    """

    method: str
    path: str
    file: str
    func: str = "hostile"
    ref: bool = True


@dataclass(frozen=True)
class Req:
    """A requirement the hostile spec defines, on the line that holds ``marker``."""

    id: str
    file: str
    marker: str


@dataclass(frozen=True)
class Ref:
    """A citation of SEN-001 that must be reported on the line holding ``marker``
    (CPython's line: the file is cut at LF, CRLF and CR only)."""

    file: str
    marker: str


@dataclass
class Plant:
    hostile: tuple[str, ...]
    expect: frozenset[str] = ANY
    routes: tuple[Route, ...] = ()
    reqs: tuple[Req, ...] = ()
    refs: tuple[Ref, ...] = ()
    # The command line after the entry point. Placeholders: {root} {out} {outside} {work}.
    args: tuple[str, ...] | None = None
    extra_args: tuple[str, ...] = ()
    command: str = "run"  # run | routes | requirements
    entry: str = "script"  # script: the console script; module: python -m; module-P: python -P -m
    cwd: str = "work"  # work: a folder outside the root; root: the audited root (ROOT is ".")
    markers: tuple[str, ...] = ()
    formats: tuple[str, ...] = ("json",)
    inject: tuple[str, ...] = ()  # payload pieces that must never reach HTML/Markdown raw
    secret: bool = False  # the run must not read anything under env.outside
    error_words: tuple[str, ...] = ()
    sentinel: bool = True
    timeout: float | None = None
    # set when the entry point itself is documented as unsafe for this input (CPython
    # imports the shadowing module before traceaudit's first line runs)
    unsafe_entry: str = ""
    env: dict[str, str] = field(default_factory=dict)
    made: str = ""  # expect "made": the run succeeds and writes this file (under {work})


@dataclass(frozen=True)
class Hostile:
    name: str
    group: str
    about: str
    build: Callable[[Path, Env], Plant]


CASES: list[Hostile] = []


def add(name: str, group: str, about: str, build: Callable[[Path, Env], Plant]) -> None:
    if any(c.name == name for c in CASES):
        raise ValueError(f"duplicate case {name}")
    CASES.append(Hostile(name, group, about, build))


# --------------------------------------------------------------------------
# Writing helpers
# --------------------------------------------------------------------------


def write(root: Path, rel: str | bytes, data: str | bytes) -> Path:
    path = Path(os.fsdecode(os.path.join(os.fsencode(root), os.fsencode(rel))))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def write_sentinel(root: Path) -> None:
    write(root, SENTINEL_SPEC, _SENTINEL_SPEC_TEXT)
    write(root, "sentinel/__init__.py", "")
    write(root, SENTINEL_CODE, _SENTINEL_CODE_TEXT)


def write_outside(outside: Path) -> None:
    """The files a hostile project must never get traceaudit to read."""
    write(
        outside,
        "secret.md",
        f"# Secret {SECRET_TOKEN}\n\n## Requirements\n\n"
        f"- **SEC-001**: System MUST leak {SECRET_TOKEN} via `GET /{SECRET_TOKEN}`.\n",
    )
    write(
        outside,
        "secret.yaml",
        f"openapi: 3.0.0\ninfo: {{title: {SECRET_TOKEN}}}\npaths:\n"
        f"  /{SECRET_TOKEN}:\n    get: {{responses: {{'200': {{description: ok}}}}}}\n",
    )
    write(outside, "secret.toml", f'[tool.traceaudit]\nspec = ["{SECRET_TOKEN}"]\n')
    write(outside, "secret.py", f'from fastapi import FastAPI\napp = FastAPI()\n@app.get("/{SECRET_TOKEN}")\ndef s(): ...\n')  # noqa: E501


def router(pre: str = "", post: str = "", *, path: str = "/hostile", func: str = "hostile",
           decorator: str | None = None, header: str = "") -> str:
    """A small FastAPI module: hostile text ``pre`` above the route, ``post`` below it."""
    deco = decorator if decorator is not None else f'@app.get("{path}")'
    return (
        f"{header}from fastapi import FastAPI\n\napp = FastAPI()\n{pre}\n\n"
        f'{deco}\ndef {func}() -> dict[str, str]:\n    """Implements SEN-001."""\n'
        f"    return {{}}\n{post}"
    )


Text = str | bytes | Callable[[], str | bytes]  # a callable is only called when the case is built


def _realise(text: Text) -> str | bytes:
    return text() if callable(text) else text


def code_case(rel: str, text: Text, expect: frozenset[str] = ORACLE, *,
              routes: tuple[tuple[str, ...], ...] | None = (("GET", "/hostile"),),
              **kw: object) -> Callable[[Path, Env], Plant]:
    """A builder that writes one Python file that also defines routes.

    ``routes`` are (method, path[, handler]) tuples; the handler defaults to the
    last path segment (``/hostile2`` -> ``hostile2``) or ``hostile``.
    """

    def build(root: Path, env: Env) -> Plant:
        write(root, rel, _realise(text))
        planted = tuple(
            Route(r[0], r[1], rel, r[2] if len(r) > 2 else
                  ("hostile2" if r[1] == "/hostile2" else "hostile"))
            for r in (routes or ()))
        return Plant((rel,), expect, routes=planted, **kw)  # type: ignore[arg-type]

    return build


def spec_text(pre: str = "", post: str = "", nl: str = "\n") -> str:
    """A spec whose HOS-001 comes after the hostile text ``pre``."""
    text = (f"# Hostile\n\n{pre}\n\n## Requirements\n\n"
            f"- **HOS-001**: System MUST keep working.\n{post}")
    return text.replace("\n", nl) if nl != "\n" else text


def spec_case(rel: str, text: Text, expect: frozenset[str] = ANY, *,
              req: bool = True, **kw: object) -> Callable[[Path, Env], Plant]:
    def build(root: Path, env: Env) -> Plant:
        write(root, rel, _realise(text))
        reqs = (Req("HOS-001", rel, "**HOS-001**"),) if req else ()
        return Plant((rel,), expect, reqs=reqs, **kw)  # type: ignore[arg-type]

    return build


def marker_module(env: Env, name: str) -> str:
    """Module text that records its own import (builtins only: it may shadow anything)."""
    target = env.markers / name
    return f"open({str(target)!r}, 'w').write('imported')\n"


def sparse(root: Path, rel: str, size: int, head: bytes = b"") -> None:
    path = write(root, rel, head)
    with path.open("r+b") as fh:
        fh.truncate(size)


# --------------------------------------------------------------------------
# 1. Deep nesting of brackets (CPython allows 200 levels; LibCST's native parser
#    overflowed the main thread's stack at about 1,270)
# --------------------------------------------------------------------------

_BRACKETS = {
    "paren": ("(", ")"),
    "list": ("[", "]"),
    "set": ("{", "}"),
    "dict": ('{"k": ', "}"),
    "call": ("f(", ")"),
    "subscript": ("x[", "]"),
    "tuple": ("(1, ", ")"),
}


def _nested(kind: str, depth: int) -> str:
    if kind == "mixed":
        opens = "([{" * (depth // 3 + 1)
        closes = {"(": ")", "[": "]", "{": "}"}
        return opens[:depth] + "1" + "".join(closes[c] for c in reversed(opens[:depth]))
    o, c = _BRACKETS[kind]
    return o * depth + "1" + c * depth


for _kind, _depths in {
    "paren": (100, 200, 201, 1000, 1300, 5000, 100_000),
    "list": (200, 201, 1300, 100_000),
    "set": (200, 1300),
    "dict": (200, 201, 1300, 20_000),
    "call": (200, 1300, 50_000),
    "subscript": (200, 1300),
    "tuple": (200, 1300),
    "mixed": (200, 201, 1300, 100_000),
}.items():
    for _d in _depths:
        add(f"nest-{_kind}-{_d}", "nesting",
            f"{_d} nested {_kind} brackets above a route",
            code_case("app/nested.py", router(f"DATA = {_nested(_kind, _d)}")))

add("nest-unclosed-100k", "nesting", "100,000 opening parentheses never closed",
    code_case("app/nested.py", router("DATA = " + "(" * 100_000), TA000))
add("nest-route-arg-150", "nesting", "the route path itself inside 150 parentheses",
    code_case("app/nested.py", router(decorator="@app.get(" + "(" * 150 + '"/hostile"' + ")" * 150 + ")")))  # noqa: E501
add("nest-fstring-parens-150", "nesting", "150 parentheses inside an f-string replacement field",
    code_case("app/nested.py", router('DATA = f"{' + "(" * 150 + "1" + ")" * 150 + '}"')))
add("nest-fstring-parens-1300", "nesting", "1,300 parentheses inside an f-string",
    code_case("app/nested.py", router('DATA = f"{' + "(" * 1300 + "1" + ")" * 1300 + '}"')))
add("nest-lambda-parens-150", "nesting", "150 lambdas nested in parentheses",
    code_case("app/nested.py", router("F = " + "(lambda: " * 150 + "1" + ")" * 150)))
add("nest-lambda-bare-1000", "nesting", "1,000 bare nested lambdas (no brackets)",
    code_case("app/nested.py", router("F = " + "lambda: " * 1000 + "1")))
add("nest-lambda-bare-20000", "nesting", "20,000 bare nested lambdas",
    code_case("app/nested.py", router("F = " + "lambda: " * 20_000 + "1")))
add("nest-comprehension-150", "nesting", "150 nested list comprehensions",
    code_case("app/nested.py", router("D = " + "[x for x in " * 150 + "y" + "]" * 150)))
add("nest-dict-data-150", "nesting", "a realistic 150-deep JSON-like dict literal",
    code_case("app/nested.py", router("D = " + '{"a": ' * 150 + "1" + "}" * 150)))


# --------------------------------------------------------------------------
# 2. Deep nesting without brackets: statements, decorators, unary chains
# --------------------------------------------------------------------------


def _nested_stmt(head: str, depth: int, body: str = "pass") -> str:
    out = []
    for i in range(depth):
        out.append("    " * i + head.format(i=i))
    out.append("    " * depth + body)
    return "\n".join(out)


for _head, _name in (("if x:", "if"), ("def f{i}():", "def"), ("class C{i}:", "class"),
                     ("for i in y:", "for"), ("with a:", "with"), ("while x:", "while")):
    for _d in (99, 100, 1000):
        add(f"stmt-{_name}-{_d}", "statements", f"{_d} nested `{_name}` blocks above a route",
            code_case("app/stmts.py", router(_nested_stmt(_head, _d))))
add("stmt-try-99", "statements", "99 nested try/except blocks",
    code_case("app/stmts.py", router("\n".join(
        "    " * i + "try:" for i in range(99)) + "\n" + "    " * 99 + "pass" + "".join(
        "\n" + "    " * i + "except E:\n" + "    " * (i + 1) + "pass"
        for i in reversed(range(99))))))
add("stmt-route-in-50-ifs", "statements", "a route registered inside 50 nested ifs",
    code_case("app/stmts.py", router() + _nested_stmt("if x:", 50,
              'app.add_api_route("/deep-if", hostile)') + "\n",
              routes=(("GET", "/hostile"),)))
add("stmt-decorators-10000", "statements", "one function with 10,000 decorators",
    code_case("app/stmts.py", router("\n".join("@d" for _ in range(10_000)) + "\ndef g(): pass")))
add("stmt-route-decorators-5000", "statements", "a route handler under 5,000 more decorators",
    code_case("app/stmts.py", router(decorator='@app.get("/hostile")\n' + "\n".join(
        "@d" for _ in range(5000)))))
add("stmt-elif-1000", "statements", "an if/elif chain of 1,000 branches (generated dispatch)",
    code_case("app/stmts.py", router("if x == 0:\n    y = 0\n" + "".join(
        f"elif x == {i}:\n    y = {i}\n" for i in range(1, 1000)))))
add("stmt-elif-5000", "statements", "an if/elif chain of 5,000 branches",
    code_case("app/stmts.py", router("if x == 0:\n    y = 0\n" + "".join(
        f"elif x == {i}:\n    y = {i}\n" for i in range(1, 5000)))))
add("stmt-chained-assign-10000", "statements", "a = b = ... = 1 with 10,000 targets",
    code_case("app/stmts.py", router(" = ".join(f"a{i}" for i in range(10_000)) + " = 1")))


# --------------------------------------------------------------------------
# 3. Long flat expressions (CPython compiles them; a recursive walk may not)
# --------------------------------------------------------------------------


def _plus(n: int, term: str = '"a"') -> str:
    return " + ".join([term] * n)


for _n, _exp in ((492, READ), (1000, READ), (3000, READ), (10_000, READ), (100_000, ORACLE)):
    add(f"flat-plus-strings-{_n}", "flat", f"a {_n}-term `\"a\" + \"a\" + ...` in a router file",
        code_case("app/flat.py", router(f"TEXT = {_plus(_n)}"), _exp))
add("flat-plus-names-3000", "flat", "a 3,000-term `a + b + ...` of names",
    code_case("app/flat.py", router("TEXT = " + " + ".join(f"v{i}" for i in range(3000))), READ))
add("flat-plus-route-prefix-492", "flat", "a route path built from a 492-term `+` constant",
    code_case("app/flat.py", router('PREFIX = "/hostile"' + ' + ""' * 491,
                                    decorator="@app.get(PREFIX)"), READ))
add("flat-plus-route-prefix-3000", "flat", "a route path built from a 3,000-term `+` constant",
    code_case("app/flat.py", router('PREFIX = "/hostile"' + ' + ""' * 2999,
                                    decorator="@app.get(PREFIX)"), READ))
for _n, _exp in ((1000, READ), (10_000, READ), (100_000, ORACLE)):
    add(f"flat-implicit-concat-{_n}", "flat", f"a parenthesised {_n}-string implicit concatenation",
        code_case("app/flat.py", router("TEXT = (" + " ".join(['"a"'] * _n) + ")"), _exp))
add("flat-implicit-concat-call-10000", "flat",
    "10,000 implicitly concatenated strings as a call argument",
    code_case("app/flat.py", router("f(" + "\n".join(['"a"'] * 10_000) + ")"), READ))
for _n, _exp in ((1500, READ), (10_000, READ)):
    add(f"flat-chained-calls-{_n}", "flat", f"{_n} chained method calls a.b().b()...",
        code_case("app/flat.py", router("Q = a" + ".b()" * _n), _exp))
add("flat-attribute-chain-5000", "flat", "a 5,000-long attribute chain a.b.b.b...",
    code_case("app/flat.py", router("Q = a" + ".b" * 5000), READ))
add("flat-subscript-chain-5000", "flat", "a 5,000-long subscript chain a[0][0]...",
    code_case("app/flat.py", router("Q = a" + "[0]" * 5000), READ))
add("flat-call-chain-5000", "flat", "f()()()... 5,000 times",
    code_case("app/flat.py", router("Q = f" + "()" * 5000), READ))
add("flat-boolop-10000", "flat", "a 10,000-term `a or b or ...`",
    code_case("app/flat.py", router("Q = " + " or ".join(f"v{i}" for i in range(10_000))), READ))
add("flat-compare-10000", "flat", "a 10,000-term comparison chain a < b < ...",
    code_case("app/flat.py", router("Q = " + " < ".join(f"v{i}" for i in range(10_000))), READ))
add("flat-unary-10000", "flat", "10,000 unary minus signs",
    code_case("app/flat.py", router("Q = " + "-" * 10_000 + "1")))
add("flat-not-100000", "flat", "100,000 `not`s",
    code_case("app/flat.py", router("Q = " + "not " * 100_000 + "x")))
add("flat-power-5000", "flat", "2 ** 2 ** ... 5,000 times (right-associative)",
    code_case("app/flat.py", router("Q = " + " ** ".join(["x"] * 5000))))
add("flat-ternary-5000", "flat", "a if b else a if b else ... 5,000 times",
    code_case("app/flat.py", router("Q = " + "a if b else " * 5000 + "c")))
add("flat-fstring-fields-10000", "flat", "one f-string with 10,000 replacement fields",
    code_case("app/flat.py", router('Q = f"' + "{x}" * 10_000 + '"'), READ))


# --------------------------------------------------------------------------
# 4. Huge literal tables and generated modules
# --------------------------------------------------------------------------

add("table-dict-100k", "generated", "a 100,000-entry dict literal, one entry a line",
    code_case("app/table.py", router("TABLE = {\n" + "".join(
        f'    "k{i}": {i},\n' for i in range(100_000)) + "}"), READ))
add("table-list-1m-ints", "generated", "a list of 1,000,000 ints on one line",
    code_case("app/table.py", router("TABLE = [" + ",".join("7" for _ in range(1_000_000)) + "]"),
              READ))
add("table-rows-10k", "generated", "a 10,000 x 10 nested list table",
    code_case("app/table.py", router("ROWS = [\n" + "".join(
        "    [" + ", ".join(str(j) for j in range(10)) + "],\n" for _ in range(10_000)) + "]"),
              READ))
add("generated-protobuf-bytes", "generated", "a protobuf-like module with a 2 MB bytes literal",
    code_case("app/table_pb2.py", router(
        "DESCRIPTOR = b'" + "".join(f"\\x{(i * 7) % 256:02x}" for i in range(500_000)) + "'"),
    READ))
add("generated-100k-assignments", "generated", "100,000 module-level constants",
    code_case("app/consts.py", router("".join(f"C{i} = {i}\n" for i in range(100_000))), READ))
add("generated-20k-functions", "generated", "20,000 small functions before a route",
    code_case("app/funcs.py", router("".join(
        f"def f{i}(a, b):\n    return a + b\n" for i in range(20_000))), READ))
add("generated-10k-routes", "generated", "one router file with 10,000 routes",
    code_case("app/many_routes.py", router("".join(
        f'@app.get("/r{i}")\ndef r{i}() -> None:\n    ...\n' for i in range(10_000))), READ))
add("long-line-10mb", "generated", "a single 10 MB line (a string constant)",
    code_case("app/long.py", lambda: router('BLOB = "' + "a" * 10_000_000 + '"'), READ))
add("long-identifier-1m", "generated", "an identifier of 1,000,000 characters",
    code_case("app/long.py", router("x" * 1_000_000 + " = 1"), READ))
add("long-route-path-100k", "generated", "a route path of 100,000 characters",
    code_case("app/long.py", router(path="/hostile" + "a" * 100_000),
              READ, routes=(("GET", "/hostile" + "a" * 100_000),)))
add("int-literal-5000-digits", "generated",
    "a 5,000-digit int literal (over CPython's 4,300 limit)",
    code_case("app/bigint.py", router("N = " + "9" * 5000)))
add("int-hex-literal-in-path", "generated", "a 20,000-digit hex int formatted into a route path",
    code_case("app/bigint.py", router("N = 0x" + "f" * 20_000, decorator='@app.get(f"/h{N}")'),
              ANY, routes=()))
add("expr-string-repeat-bomb", "generated", 'a router prefix of "a" * 10**12',
    code_case("app/bomb.py", 'from fastapi import APIRouter, FastAPI\napp = FastAPI()\n'
              'router = APIRouter(prefix="/" + "a" * 10**12)\n\n@router.get("/x")\n'
              'def x() -> None:\n    """Implements SEN-001."""\n\napp.include_router(router)\n',
              ANY, routes=()))
add("expr-power-bomb", "generated", "a route path formatting 10**10**10",
    code_case("app/bomb.py", router("N = 10**10**10", decorator='@app.get(f"/p{N}")'), ANY,
              routes=()))
add("expr-join-bomb", "generated", 'a route path of "/".join(["a"] * 10**10)',
    code_case("app/bomb.py", router('P = "/".join(["a"] * 10**10)', decorator="@app.get(P)"), ANY,
              routes=()))


# --------------------------------------------------------------------------
# 5. Python 3.12-3.14 syntax (CPython compiles it; ast under 3.11 does not)
# --------------------------------------------------------------------------

for _name, _snippet in {
    "pep695-type-alias": "type Point = tuple[float, float]",
    "pep695-generic-def": "def first[T](xs: list[T]) -> T:\n    return xs[0]",
    "pep695-generic-class": "class Box[T]:\n    def get(self) -> T: ...",
    "pep696-typevar-default": "def f[T = int](x: T) -> T:\n    return x",
    "pep701-nested-quotes": 'NAME = f"{"a" + f"{"b"}"}"',
    "pep701-multiline-comment": 'NAME = f"{\n    1  # a comment inside\n}"',
    "pep750-tstring": 'TEMPLATE = t"hello {name}"',
    "pep758-except-no-parens": "try:\n    pass\nexcept ValueError, TypeError:\n    pass",
}.items():
    add(f"syntax-{_name}", "syntax", f"Python 3.12+ syntax: {_name}",
        code_case("app/modern.py", router(_snippet), READ))
add("syntax-pep701-route-path", "syntax", "a route path in a 3.12 f-string with nested quotes",
    code_case("app/modern.py", router('BASE = "/hostile"',
                                      decorator='@app.get(f"{BASE + f"{""}"}")'), READ))
add("syntax-pep701-nested-100", "syntax", "f-strings nested 100 deep with the same quotes (3.12)",
    code_case("app/modern.py", router("X = " + 'f"{' * 100 + "1" + '}"' * 100), READ))
add("syntax-match-statement", "syntax", "a large match statement (3.10)",
    code_case("app/modern.py", router("match x:\n" + "".join(
        f"    case {{'k': {i}, **rest}}:\n        pass\n" for i in range(500))), READ))
add("syntax-invalid-future", "syntax", "code no CPython accepts (`def f(:`)",
    code_case("app/modern.py", router("def broken(:\n    pass"), TA000))


# --------------------------------------------------------------------------
# 6. Encodings of Python files
# --------------------------------------------------------------------------

_ROUTE_LATIN1 = router("# caf\xe9 cr\xe8me").encode("latin-1")

for _name, _data, _exp in (
    ("py-cookie-latin1", b"# -*- coding: latin-1 -*-\n" + _ROUTE_LATIN1, READ),
    ("py-cookie-cp1252", b"# coding: cp1252\n" + router('S = "\x80\x99"').encode("latin-1"), READ),
    ("py-cookie-vim", b"# vim: set fileencoding=latin-1 :\n" + _ROUTE_LATIN1, READ),
    ("py-cookie-line2", b"#!/usr/bin/env python\n# coding: latin-1\n" + _ROUTE_LATIN1, READ),
    ("py-cookie-line3-ignored", b"#!/usr/bin/env python\n\n# coding: latin-1\n" + _ROUTE_LATIN1,
     ORACLE),
    ("py-cookie-shift-jis", b"# coding: shift_jis\n" + router("# 仕様 要件").encode("shift_jis"),
     READ),
    ("py-cookie-euc-jp", b"# coding: euc-jp\n" + router("# 仕様").encode("euc-jp"), READ),
    ("py-cookie-gb18030", b"# coding: gb18030\n" + router("# 需求").encode("gb18030"), READ),
    ("py-cookie-utf16", b"# coding: utf-16\n" + router().encode(), ORACLE),
    ("py-cookie-unknown", b"# coding: no-such-codec\n" + router().encode(), TA000),
    ("py-cookie-rot13", b"# coding: rot13\n" + router().encode(), TA000),
    ("py-cookie-hex", b"# coding: hex\n" + router().encode(), TA000),
    ("py-cookie-undefined", b"# coding: undefined\n" + router().encode(), TA000),
    ("py-cookie-utf7-hidden", b"# coding: utf-7\n" + router(
        "# harmless comment+AAo-import os").encode(), ORACLE),
    ("py-bom-utf8", b"\xef\xbb\xbf" + router().encode(), READ),
    ("py-bom-and-latin1-cookie", b"\xef\xbb\xbf# coding: latin-1\n" + router().encode(), TA000),
    ("py-utf16-bom", router().encode("utf-16"), TA000),
    ("py-utf32", router().encode("utf-32"), TA000),
    # CPython's tokenizer skips a UTF-8 file's comments without decoding them: invalid
    # UTF-8 there compiles (3.11-3.13), anywhere else it is a SyntaxError at its line.
    ("py-invalid-utf8", router("# \xff\xfe bad").encode("latin-1"), ORACLE),
    ("py-overlong-utf8", router().encode() + b"# \xc0\xaf\n", ORACLE),
    ("py-encoded-surrogate", router().encode() + b"# \xed\xa0\x80\n", ORACLE),
    ("py-invalid-utf8-in-string", router('S = "\xff bad"').encode("latin-1"), ORACLE),
    ("py-invalid-utf8-in-name", router("caf\xe9 = 1").encode("latin-1"), ORACLE),
    ("py-nul-byte", router("X = 1\x00"), TA000),
    ("py-nul-in-comment", router("# a\x00b"), TA000),
    ("py-ctrl-z", router("X = 1\x1a"), ORACLE),
    ("py-bom-mid-file", router("X = 1\ufeff"), ORACLE),
):
    add(_name, "encoding", f"Python source: {_name}", code_case("app/enc.py", _data, _exp))

add("py-surrogate-escape-in-path", "encoding", r'a route path "\ud800" (an escape CPython accepts)',
    code_case("app/enc.py", router(path="/hostile\\ud800"), READ,
              routes=(("GET", "/hostile\ud800"),)))
add("py-surrogate-in-docstring", "encoding", r"a docstring with \udcff that cites SEN-001",
    code_case("app/enc.py", router(post='def g():\n    """Implements SEN-001 \\udcff."""\n'), READ))
add("py-bidi-override", "encoding", "Trojan Source bidi controls in a comment and a string",
    code_case("app/enc.py", router('# \u202e }  \u2066 evil \u2069\nS = "\u202ebackwards"'), READ))


# --------------------------------------------------------------------------
# 7. Line endings and characters some tools count as line breaks
# --------------------------------------------------------------------------

for _name, _nl in (("cr", "\r"), ("crlf", "\r\n")):
    add(f"eol-py-{_name}-only", "line-endings", f"a router file with {_name.upper()} line endings",
        code_case("app/eol.py", router("X = 1\n\n\n", post='\n@app.post("/hostile2")\n'
                  'def hostile2() -> None:\n    """Implements SEN-001."""\n').replace("\n", _nl),
                  READ, routes=(("GET", "/hostile"), ("POST", "/hostile2"))))
_mixed = router("X = 1\r\nY = 2\rZ = 3\n\r\n", post='\r@app.post("/hostile2")\r\n'
                'def hostile2() -> None:\r    """Implements SEN-001."""\n')
add("eol-py-mixed", "line-endings", "a router file mixing LF, CRLF and CR",
    code_case("app/eol.py", _mixed, READ, routes=(("GET", "/hostile"), ("POST", "/hostile2"))))
for _name, _ch in (("ff", "\x0c"), ("vt", "\x0b"), ("fs", "\x1c"), ("nel", "\x85"),
                   ("ls", "\u2028"), ("ps", "\u2029")):
    add(f"eol-py-{_name}-in-comment", "line-endings",
        f"U+{ord(_ch):04X} (a line break to str.splitlines, not to CPython) in comments",
        code_case("app/eol.py", router("\n".join(f"# a{_ch}b{_ch}c" for _ in range(5))), READ))
    add(f"eol-py-{_name}-in-docstring", "line-endings",
        f"U+{ord(_ch):04X} inside docstrings above the route",
        code_case("app/eol.py", router(f'def g():\n    """one{_ch}two{_ch}three"""\n'), READ))
add("eol-py-cr-in-docstring", "line-endings", "a lone CR inside a triple-quoted docstring",
    code_case("app/eol.py", router('def g():\n    """one\rtwo\rthree"""\n'), READ))
_REFS_ONLY = (  # no route: the ast + tokenize path reads it, not LibCST
    "# a comment{ch}with a break\n# another{ch}one\n\n\n"
    "def cited_in_comment():\n    # Implements SEN-001 (comment marker)\n    return 1\n\n\n"
    'def cited_in_docstring():\n    """Intro{ch}more text{ch}and more.\n\n'
    '    Implements SEN-001 (docstring marker).\n    """\n'
)
for _name, _ch, _nl in (("ls", "\u2028", "\n"), ("nel", "\x85", "\n"), ("ff", "\x0c", "\n"),
                        ("cr-only", "", "\r"), ("crlf", "", "\r\n")):
    for _kind, _text in (("ast", _REFS_ONLY), ("libcst", router(_REFS_ONLY))):
        add(f"eol-refs-{_kind}-{_name}", "line-endings",
            f"citations after {_name} characters in comments and docstrings ({_kind} path)",
            code_case("app/eolrefs.py", _text.replace("{ch}", _ch).replace("\n", _nl), READ,
                      routes=(("GET", "/hostile"),) if _kind == "libcst" else (),
                      refs=(Ref("app/eolrefs.py", "(comment marker)"),
                            Ref("app/eolrefs.py", "(docstring marker)"))))
add("eol-py-no-final-newline", "line-endings", "a router file without a final newline",
    code_case("app/eol.py", router().rstrip("\n"), READ))

for _name, _nl in (("cr", "\r"), ("crlf", "\r\n")):
    add(f"eol-md-{_name}-only", "line-endings", f"a spec with {_name.upper()} line endings",
        spec_case("specs/hostile/spec.md", spec_text("Intro.\n\n## More\n\nText.", nl=_nl), READ))
add("eol-md-mixed", "line-endings", "a spec mixing LF, CRLF and CR",
    spec_case("specs/hostile/spec.md", "# Hostile\r\n\rIntro.\n\r\n## Requirements\r\r"
              "- **HOS-001**: System MUST keep working.\n", READ))
for _name, _ch in (("ff", "\x0c"), ("nel", "\x85"), ("ls", "\u2028")):
    add(f"eol-md-{_name}", "line-endings", f"U+{ord(_ch):04X} inside spec paragraphs",
        spec_case("specs/hostile/spec.md", spec_text(f"One{_ch}two{_ch}three.\n\nA{_ch}B."), READ))


# --------------------------------------------------------------------------
# 8. Encodings of Markdown specs, contracts and other text
# --------------------------------------------------------------------------

for _name, _data, _exp in (
    ("md-invalid-utf8", spec_text("Caf\xe9.").encode("latin-1"), UNREADABLE),
    ("md-utf16-bom", spec_text().encode("utf-16"), ANY),
    ("md-utf8-bom", b"\xef\xbb\xbf" + spec_text().encode(), READ),
    ("md-nul-bytes", spec_text("A\x00B\x00C"), READ),
    ("md-encoded-surrogate", spec_text().encode() + b"\xed\xa0\x80\n", UNREADABLE),
    ("md-entity-surrogate", spec_text("&#xD800; &#0; &#x110000;"), READ),
    ("md-bidi-controls", spec_text("\u202e- **HOS-999**: reversed\u202c"), READ),
):
    add(_name, "encoding", f"Markdown spec: {_name}",
        spec_case("specs/hostile/spec.md", _data, _exp))


# --------------------------------------------------------------------------
# 9. Markdown bombs
# --------------------------------------------------------------------------

for _name, _text, _about in (
    ("md-deep-blockquote-100k", ">" * 100_000 + " deep", "100,000 nested blockquote markers"),
    ("md-deep-list-2000", "".join("  " * i + "- x\n" for i in range(2000)), "a list nested 2,000 deep"),  # noqa: E501
    ("md-deep-ordered-list-2000", "".join("   " * i + "1. x\n" for i in range(2000)), "an ordered list nested 2,000 deep"),  # noqa: E501
    ("md-deep-quote-list-5k", "".join("> - " * i + "x\n" for i in range(1, 300)), "quotes and lists interleaved 300 deep"),  # noqa: E501
    ("md-headings-100k-same", "## Same\n\ntext\n\n" * 100_000, "100,000 headings with the same title"),  # noqa: E501
    ("md-headings-100k-distinct", "".join(f"## Heading {i}\n\n" for i in range(100_000)), "100,000 distinct headings"),  # noqa: E501
    ("md-table-20k-rows", "| a | b | c |\n|---|---|---|\n" + "| 1 | 2 | 3 |\n" * 20_000, "a table of 20,000 rows"),  # noqa: E501
    ("md-table-5k-columns", "|" + "a|" * 5000 + "\n|" + "-|" * 5000 + "\n|" + "1|" * 5000 + "\n", "a table of 5,000 columns"),  # noqa: E501
    ("md-emphasis-stars-100k", "*" * 100_000, "100,000 asterisks"),
    ("md-emphasis-alternating", "*a **a " * 50_000, "50,000 alternating unclosed emphasis runs"),
    ("md-emphasis-underscores", "_a " * 100_000, "100,000 unclosed underscores"),
    ("md-brackets-100k", "[" * 100_000 + "a" + "]" * 100_000, "100,000 nested link brackets"),
    ("md-brackets-unclosed", "[a](" * 50_000, "50,000 unclosed links"),
    ("md-backticks-100k", "`" * 100_000 + " x " + "`" * 99_999, "mismatched runs of 100,000 backticks"),  # noqa: E501
    ("md-backtick-pairs", "`a` ``b " * 50_000, "50,000 unbalanced code spans"),
    ("md-angle-brackets", "<" * 100_000, "100,000 '<' (autolink/HTML scanning)"),
    ("md-entities-1m", "&amp;" * 200_000, "200,000 entities"),
    ("md-link-refdefs-50k", "".join(f"[r{i}]: /u{i}\n" for i in range(50_000)), "50,000 link reference definitions"),  # noqa: E501
    ("md-html-block-huge", "<div>\n" + "<p>x</p>\n" * 100_000 + "</div>", "a 100,000-line HTML block"),  # noqa: E501
    ("md-heading-1m-chars", "## " + "a" * 1_000_000, "a heading of 1,000,000 characters"),
    ("md-line-10mb", "a" * 10_000_000, "a single 10 MB line"),
    ("md-empty-lines-1m", "\n" * 1_000_000, "1,000,000 empty lines"),
    ("md-fence-unclosed", "```\n" + "GET /x\n" * 100_000, "an unclosed fence of 100,000 request lines"),  # noqa: E501
    ("md-list-100k-items", "".join(f"- item {i}\n" for i in range(100_000)), "a flat list of 100,000 items"),  # noqa: E501
    ("md-endpoint-lines-100k", "".join(f"- `GET /e{i}`\n" for i in range(100_000)), "100,000 declared endpoints"),  # noqa: E501
    ("md-endpoint-path-100k", "- `GET /" + "a/" * 50_000 + "`", "a declared endpoint path of 100,000 characters"),  # noqa: E501
    ("md-endpoint-braces", "- `GET /" + "{" * 50_000 + "`", "a declared endpoint of 50,000 '{'"),
    ("md-ids-100k", "".join(f"- **FR-{i:06d}**: System MUST do {i}.\n" for i in range(100_000)), "100,000 requirement ids"),  # noqa: E501
    ("md-duplicate-ids-50k", "- **HOS-002**: again.\n" * 50_000,
     "the same id defined 50,000 times"),
    ("md-ordered-start-huge", "99999999999999999999999. x\n", "an ordered list starting at 10^23"),
    ("md-ears-long", "WHEN " + "the user " * 100_000 + "THEN the system SHALL work", "an EARS sentence of 900,000 characters"),  # noqa: E501
    ("md-section-signs", "§" * 100_000, "100,000 section signs"),
    ("md-needs-clarification-100k", "[NEEDS CLARIFICATION: " * 100_000, "100,000 unclosed clarification markers"),  # noqa: E501
):
    # an unclosed fence runs to the end of the file (CommonMark): HOS-001 is inside it
    add(_name, "markdown", _about, spec_case("specs/hostile/spec.md", spec_text(_text), ANY,
                                             req=_name != "md-fence-unclosed"))


# --------------------------------------------------------------------------
# 10. OpenAPI contracts: YAML and JSON bombs
# --------------------------------------------------------------------------


def _laughs(levels: int = 9, width: int = 10) -> str:
    out = ['l0: &l0 "lol"']
    for i in range(1, levels + 1):
        out.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(out)


_API_HEAD = 'openapi: 3.0.0\ninfo: {title: Hostile, version: "1"}\n'
_API_PATH = "paths:\n  /hostile:\n    get:\n      responses: {'200': {description: ok}}\n"

for _name, _text, _about in (
    ("yaml-billion-laughs-unused", _API_HEAD + "x-bomb:\n" + "\n".join(
        "  " + line for line in _laughs().splitlines()) + "\n" + _API_PATH,
     "billion laughs in an unused extension key"),
    ("yaml-billion-laughs-security", _API_HEAD + "x-defs:\n" + "\n".join(
        "  " + line for line in _laughs().splitlines()) + "\nsecurity: *l9\n" + _API_PATH,
     "billion laughs as the global security requirement"),
    ("yaml-billion-laughs-op-security", _API_HEAD + "x-defs:\n" + "\n".join(
        "  " + line for line in _laughs().splitlines()) + "\n" + _API_PATH
     + "      security: *l9\n",
     "billion laughs as one operation's security"),
    ("yaml-billion-laughs-responses", _API_HEAD + "x-defs:\n" + "\n".join(
        "  " + line for line in _laughs().splitlines()) + "\npaths:\n  /hostile:\n    get:\n"
     "      responses: *l9\n", "billion laughs as the responses"),
    ("yaml-recursive-alias", _API_HEAD + "security: &s [*s]\n" + _API_PATH,
     "a security list that contains itself"),
    ("yaml-recursive-mapping", _API_HEAD + "x: &m {a: *m}\nsecurity: [*m]\n" + _API_PATH,
     "a mapping that contains itself, used as security"),
    ("yaml-deep-flow-100k",
     _API_HEAD + "x-deep: " + "[" * 100_000 + "]" * 100_000 + "\n" + _API_PATH,
     "a flow sequence nested 100,000 deep"),
    ("yaml-deep-block-3000", _API_HEAD + "x-deep:\n" + "".join(
        " " * (i + 1) + f"k{i}:\n" for i in range(3000)) + " " * 3001 + "v\n" + _API_PATH,
     "a block mapping nested 3,000 deep"),
    ("yaml-deep-security-10k", _API_HEAD + "security: " + "[" * 10_000 + "]" * 10_000 + "\n" + _API_PATH,  # noqa: E501
     "a security value nested 10,000 deep"),
    ("yaml-huge-anchor", _API_HEAD + "x-big: &big " + "a" * 5_000_000 + "\nx-refs: [" + ", ".join(
        ["*big"] * 100_000) + "]\n" + _API_PATH, "a 5 MB scalar aliased 100,000 times"),
    ("yaml-paths-20k", _API_HEAD + "paths:\n" + "".join(
        f"  /p{i}:\n    get: {{responses: {{'200': {{description: ok}}}}}}\n"
        for i in range(20_000)),
     "20,000 paths"),
    ("yaml-status-5000-digits", _API_HEAD + "paths:\n  /hostile:\n    get:\n      responses:\n"
     "        '" + "2" * 5000 + "': {description: ok}\n", "a response code of 5,000 digits"),
    ("yaml-status-superscript", _API_HEAD + "paths:\n  /hostile:\n    get:\n      responses:\n"
     "        '²⁰⁰': {description: ok}\n", "a response code in superscript digits"),
    ("yaml-python-tag", _API_HEAD + "x-run: !!python/object/apply:os.system ['echo pwned']\n" + _API_PATH,  # noqa: E501
     "a !!python/object/apply tag"),
    ("yaml-server-bad-ipv6", _API_HEAD + "servers: [{url: 'http://[::1'}]\n" + _API_PATH,
     "a server URL that urlsplit rejects"),
    ("yaml-server-huge", _API_HEAD + "servers: [{url: 'http://x/" + "a/" * 500_000 + "'}]\n" + _API_PATH,  # noqa: E501
     "a server URL of 1,000,000 characters"),
    ("yaml-merge-keys", _API_HEAD + "x-a: &a {k: 1}\nx-b: &b {<<: [" + ", ".join(
        ["*a"] * 10_000) + "]}\n" + _API_PATH, "10,000 merge keys"),
    ("yaml-tabs-and-controls", _API_HEAD + "\t\x01\x02\x7f: x\n" + _API_PATH, "tabs and control characters"),  # noqa: E501
    ("yaml-two-documents", _API_HEAD + _API_PATH + "---\n" + _API_HEAD + _API_PATH, "two YAML documents in one file"),  # noqa: E501
    ("yaml-ref-outside", _API_HEAD + "paths:\n  /hostile:\n    $ref: '../../outside/secret.yaml#/paths/x'\n",  # noqa: E501
     "a $ref that points out of the root"),
    ("yaml-ref-file-url", _API_HEAD + "paths:\n  /hostile:\n    $ref: 'file:///etc/passwd'\n",
     "a $ref to file:///etc/passwd"),
    ("json-deep-100k",
     '{"openapi": "3.0.0", "x": ' + "[" * 100_000 + "]" * 100_000 + ', "paths": {}}',
     "a JSON contract nested 100,000 deep"),
    ("json-number-huge", '{"openapi": "3.0.0", "x": ' + "9" * 100_000 + ', "paths": {"/hostile": '
     '{"get": {"responses": {"200": {"description": "ok"}}}}}}', "a 100,000-digit JSON number"),
):
    _rel = "specs/hostile/contracts/" + ("openapi.json" if _name.startswith("json") else "openapi.yaml")  # noqa: E501
    add(_name, "yaml", _about, (lambda rel, text: lambda root, env: (
        write(root, rel, text), Plant((rel,), ANY, markers=("pwned",)))[1])(_rel, _text))


# --------------------------------------------------------------------------
# 11. References in huge numbers
# --------------------------------------------------------------------------


def _refs_one_id(n: int, files: int = 1) -> Callable[[Path, Env], Plant]:
    def build(root: Path, env: Env) -> Plant:
        per = n // files
        for f in range(files):
            write(root, f"app/refs/m{f}.py", "".join(
                f'def f{i}():\n    """Implements SEN-001."""\n' for i in range(per)))
        return Plant(("app/refs",), ANY)

    return build


for _n in (1000, 5000, 10_000, 100_000):
    add(f"refs-one-id-{_n}", "references", f"{_n:,} functions whose docstrings cite SEN-001",
        _refs_one_id(_n))
add("refs-one-id-100k-100-files", "references", "100,000 citations of SEN-001 across 100 files",
    _refs_one_id(100_000, 100))
add("refs-one-docstring-100k", "references", "one docstring citing SEN-001 100,000 times",
    code_case("app/refs.py", 'def f():\n    """Implements ' + "SEN-001, " * 100_000 + '."""\n',
              ANY, routes=()))
add("refs-dangling-100k", "references", "100,000 distinct dangling ids (100,000 TA003)",
    code_case("app/refs.py", "".join(f'def f{i}():\n    """Implements ZZZ-{i:06d}."""\n'
                                     for i in range(100_000)), ANY, routes=()))
add("refs-anchor-100k", "references", "100,000 spec-file anchor citations",
    code_case("app/refs.py", "".join(
        f'def f{i}():\n    """Spec: specs/sentinel/spec.md#requirements"""\n'
        for i in range(100_000)), ANY, routes=()))
add("refs-section-sign-100k", "references", "100,000 §Title citations",
    code_case("app/refs.py", "".join(f'def f{i}():\n    """See §Requirements."""\n'
                                     for i in range(100_000)), ANY, routes=()))
add("refs-comments-100k", "references", "100,000 comment citations in one file",
    code_case("app/refs.py", "".join(f"# Implements SEN-001\nx{i} = {i}\n" for i in range(100_000)),
              ANY, routes=()))
for _name, _text in (
    ("refs-range-ids", "Implements SEN-001 – SEN-999999999"),
    ("refs-range-criteria", "Requirements: 1.1 – 1.999999999"),
    ("refs-range-tasks", "Tasks T001–T999999999"),
    ("refs-range-req", "Req 9.1 – 9.999999999"),
    ("refs-criteria-list-100k", "Requirements: " + ", ".join(f"1.{i}" for i in range(100_000))),
    ("refs-ac-list-100k", "Story 1.2 (AC: " + ", ".join(f"#{i}" for i in range(100_000)) + ")"),
    ("refs-section-number-deep", "See §" + ".".join(["1"] * 100_000)),
    ("refs-path-like-100k", "Spec: " + "a/" * 100_000 + "x.md#y"),
    ("refs-oft-tags", "[impl->dsn~" + "a" * 100_000 + "~1]"),
    ("refs-long-keyword-line", "Implements " + "Requirements " * 100_000),
):
    add(_name, "references", f"a docstring: {_text[:60]}",
        code_case("app/refs.py", router(post=f'def g():\n    """{_text}"""\n'), ANY))


# --------------------------------------------------------------------------
# 12. Spec references that try to leave the root
# --------------------------------------------------------------------------

for _name, _ref in (
    ("ref-dotdot-passwd", "Spec: ../../etc/passwd"),
    ("ref-dotdot-secret", "Spec: ../outside/secret.md#secret-xsecretx"),
    ("ref-deep-dotdot", "Spec: " + "../" * 10_000 + "outside/secret.md"),
    ("ref-absolute", "Spec: /etc/passwd.md#root"),
    ("ref-absolute-secret", "Spec: {outside}/secret.md#secret-xsecretx"),
    ("ref-file-url", "Spec: file:///etc/passwd"),
    ("ref-file-url-secret", "Spec: file://{outside}/secret.md"),
    ("ref-home", "Spec: ~/.ssh/id_rsa.md"),
    ("ref-nul", "Spec: specs/sentinel/spec.md\\x00../../etc/passwd.md"),
    ("ref-backslashes", "Spec: ..\\\\..\\\\outside\\\\secret.md"),
    ("ref-urlencoded", "Spec: %2e%2e/%2e%2e/outside/secret.md"),
    ("ref-through-spec", "Spec: specs/sentinel/../../../outside/secret.md#secret-xsecretx"),
    ("ref-windows-drive", "Spec: C:\\\\Windows\\\\win.md"),
    ("ref-unc", "Spec: \\\\\\\\server\\\\share\\\\x.md"),
    ("ref-proc", "Spec: /proc/self/environ.md"),
):
    add(_name, "paths", f"a docstring reference `{_ref[:50]}`",
        (lambda ref: lambda root, env: (
            write(root, "app/refpath.py", router(post='def g():\n    """' + ref.replace(
                "{outside}", str(env.outside)) + '"""\n')),
            Plant(("app/refpath.py",), ANY, routes=(Route("GET", "/hostile", "app/refpath.py"),),
                  secret=True))[1])(_ref))


def _spec_link(root: Path, env: Env) -> Plant:
    write(root, "specs/hostile/spec.md", spec_text(
        "See [the secret](../../../outside/secret.md#secret-xsecretx) and "
        f"[abs]({env.outside}/secret.md) and [url](file://{env.outside}/secret.md)."))
    return Plant(("specs/hostile/spec.md",), READ,
                 reqs=(Req("HOS-001", "specs/hostile/spec.md", "**HOS-001**"),), secret=True)


add("ref-spec-markdown-links", "paths", "spec links to files outside the root", _spec_link)


def _link(rel: str, target: str | Path, expect: frozenset[str] = OUTSIDE, secret: bool = True,
          **kw: object) -> Callable[[Path, Env], Plant]:
    def build(root: Path, env: Env) -> Plant:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(str(target).replace("{outside}", str(env.outside)), path)
        return Plant((rel,), expect, secret=secret, **kw)  # type: ignore[arg-type]

    return build


add("link-spec-to-secret", "symlinks", "specs/leak.md -> a secret file outside the root",
    _link("specs/hostile/leak.md", "{outside}/secret.md"))
add("link-code-to-secret", "symlinks", "app/leak.py -> a Python file outside the root",
    _link("app/leak.py", "{outside}/secret.py"))
add("link-contract-to-secret", "symlinks", "contracts/openapi.yaml -> outside the root",
    _link("specs/hostile/contracts/openapi.yaml", "{outside}/secret.yaml"))
add("link-spec-root-to-outside", "symlinks", ".kiro/specs (a default spec root) -> outside",
    _link(".kiro/specs", "{outside}"))
add("link-spec-root-to-usr", "symlinks", ".specify (a default spec root) -> /usr",
    _link(".specify", "/usr", secret=False))
add("link-spec-dir-to-outside", "symlinks", "specs/ext -> a folder outside the root",
    _link("specs/ext", "{outside}"))
# A configuration the audit cannot read safely fails closed (exit 2, one line naming it):
# auditing with the defaults instead would let the pull request choose its own gate
# (no excludes, no waivers, another fail-on). SECURITY.md says so.
add("link-pyproject-to-secret", "symlinks", "pyproject.toml -> a config outside the root "
    "(fail closed: exit 2 naming the file, the link never followed)",
    _link("pyproject.toml", "{outside}/secret.toml", CONFIG_ERROR, sentinel=False,
          error_words=("pyproject.toml", "outside the project root")))
add("link-gitignore-to-outside", "symlinks", ".gitignore -> a file outside the root",
    _link(".gitignore", "{outside}/secret.md", ANY))
add("link-spec-to-proc-environ", "symlinks", "specs/env.md -> /proc/self/environ",
    _link("specs/hostile/env.md", "/proc/self/environ", secret=False,
          env={"HOSTILE_SECRET": SECRET_TOKEN}))
add("link-code-to-dev-zero", "symlinks", "app/zero.py -> /dev/zero",
    _link("app/zero.py", "/dev/zero", secret=False))
add("link-spec-to-dev-zero", "symlinks", "specs/zero.md -> /dev/zero",
    _link("specs/hostile/zero.md", "/dev/zero", secret=False))

for _name, _rel, _links in (
    ("loop-py-self", "app/self.py", (("app/self.py", "self.py"),)),
    ("loop-py-pair", "app/a.py", (("app/a.py", "b.py"), ("app/b.py", "a.py"))),
    ("loop-md-self", "specs/hostile/self.md", (("specs/hostile/self.md", "self.md"),)),
    ("loop-md-pair", "specs/hostile/a.md", (("specs/hostile/a.md", "b.md"), ("specs/hostile/b.md", "a.md"))),  # noqa: E501
    ("loop-yaml-self", "specs/hostile/contracts/openapi.yaml",
     (("specs/hostile/contracts/openapi.yaml", "openapi.yaml"),)),
    ("loop-spec-and-code", "specs/hostile/x.md", (("specs/hostile/x.md", "../../app/x.py"),
                                                  ("app/x.py", "../specs/hostile/x.md"))),
    ("loop-dir-self", "app/loop", (("app/loop", "."),)),
    ("loop-dir-parent", "app/up", (("app/up", ".."),)),
    ("loop-dir-pair", "app/d1", (("app/d1", "d2"), ("app/d2", "d1"))),
    ("loop-spec-dir-self", "specs/hostile/loop", (("specs/hostile/loop", "."),)),
    ("loop-gitignore", ".gitignore", ((".gitignore", ".gitignore"),)),
    ("loop-spec-root", ".kiro/specs", ((".kiro/specs", "specs"),)),
    ("chain-50-hops", "app/c0.py", (*((f"app/c{i}.py", f"c{i + 1}.py") for i in range(50)),
                                    ("app/c50.py", "../sentinel/__init__.py"))),
    ("dangling-py", "app/dead.py", (("app/dead.py", "nowhere.py"),)),
    ("dangling-md", "specs/hostile/dead.md", (("specs/hostile/dead.md", "nowhere.md"),)),
    ("dangling-spec-root", "docs/specs", (("docs/specs", "nowhere"),)),
):
    _exp = NOTE if not _name.startswith(("loop-dir", "loop-spec-dir", "loop-gitignore",
                                         "loop-spec-root", "dangling-spec-root")) else ANY
    add(_name, "symlinks", f"symbolic links: {', '.join(a + ' -> ' + b for a, b in _links)[:70]}",
        (lambda rel, links, exp: lambda root, env: (
            [((root / a).parent.mkdir(parents=True, exist_ok=True), os.symlink(b, root / a))
             for a, b in links],
            Plant((rel,), exp))[1])(_rel, _links, _exp))


for _name, _rel in (("loop-pyproject", "pyproject.toml"),
                   ("loop-traceaudit-toml", "traceaudit.toml")):
    add(_name, "symlinks", f"symbolic links: {_rel} -> {_rel} (fail closed: a configuration "
        "that cannot be read is exit 2 naming it, never an audit with the defaults)",
        (lambda rel: lambda root, env: (os.symlink(rel, root / rel), Plant(
            (rel,), CONFIG_ERROR, sentinel=False, error_words=(rel, "loop")))[1])(_rel))


# --------------------------------------------------------------------------
# 13. Special files named .py / .md / .yaml / .toml
# --------------------------------------------------------------------------


def _special(rel: str, kind: str, expect: frozenset[str] = NOTE, **kw: object
             ) -> Callable[[Path, Env], Plant]:
    def build(root: Path, env: Env) -> Plant:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "socket":
            sock = socket.socket(socket.AF_UNIX)
            sock.bind(str(path))
            sock.close()
        else:
            major, minor, mode = {"null": (1, 3, stat.S_IFCHR), "zero": (1, 5, stat.S_IFCHR),
                                  "urandom": (1, 9, stat.S_IFCHR), "tty": (5, 0, stat.S_IFCHR),
                                  "loop": (7, 0, stat.S_IFBLK)}[kind]
            os.mknod(path, mode | 0o666, os.makedev(major, minor))
        return Plant((rel,), expect, **kw)  # type: ignore[arg-type]

    return build


for _name, _rel, _kind, _exp in (
    ("fifo-md", "specs/x.md", "fifo", NOTE),
    ("fifo-py", "app/f.py", "fifo", NOTE),
    ("fifo-test-py", "tests/test_f.py", "fifo", NOTE),
    ("fifo-yaml", "specs/hostile/contracts/openapi.yaml", "fifo", NOTE),
    ("fifo-gitignore", ".gitignore", "fifo", ANY),
    ("fifo-nested-gitignore", "app/.gitignore", "fifo", ANY),
    ("fifo-in-node-modules", "node_modules/x.py", "fifo", OUTSIDE),
    ("socket-py", "app/s.py", "socket", NOTE),
    ("socket-md", "specs/s.md", "socket", NOTE),
    ("chardev-null-py", "app/null.py", "null", NOTE),
    ("chardev-zero-py", "app/zero.py", "zero", NOTE),
    ("chardev-zero-md", "specs/zero.md", "zero", NOTE),
    ("chardev-urandom-yaml", "specs/hostile/contracts/openapi.yaml", "urandom", NOTE),
    ("chardev-tty-py", "app/tty.py", "tty", NOTE),
    ("blockdev-md", "specs/blk.md", "loop", NOTE),
):
    add(_name, "special-files", f"a {_kind} named {_rel}", _special(_rel, _kind, _exp))
for _name, _rel, _kind in (("fifo-pyproject", "pyproject.toml", "fifo"),
                          ("fifo-traceaudit-toml", "traceaudit.toml", "fifo"),
                          ("chardev-zero-pyproject", "pyproject.toml", "zero")):
    add(_name, "special-files", f"a {_kind} named {_rel} (fail closed: exit 2 naming it)",
        _special(_rel, _kind, CONFIG_ERROR, sentinel=False,
                 error_words=(_rel, "not a regular file")))

add("fifo-config-option", "special-files", "--config names a FIFO inside the root",
    lambda root, env: (os.mkfifo(root / "cfg.toml"),
                       Plant(("cfg.toml",), CONFIG_ERROR,
                             extra_args=("--config", "{root}/cfg.toml"),
                             sentinel=False, error_words=("cfg.toml",)))[1])
add("chardev-config-option", "special-files", "--config /dev/zero",
    lambda root, env: Plant((), CONFIG_ERROR, extra_args=("--config", "/dev/zero"),
                            sentinel=False, error_words=("/dev/zero",)))


# --------------------------------------------------------------------------
# 14. Unreadable files and folders (the runner drops root privileges)
# --------------------------------------------------------------------------


def _locked(rel: str, content: str, mode: int, is_dir: bool = False,
            expect: frozenset[str] = UNREADABLE, **kw: object) -> Callable[[Path, Env], Plant]:
    def build(root: Path, env: Env) -> Plant:
        if is_dir:
            write(root, rel + "/inner.py", content)
        else:
            write(root, rel, content)
        os.chmod(root / rel, mode)
        return Plant((rel,), expect, **kw)  # type: ignore[arg-type]

    return build


add("unreadable-py", "unreadable", "a router file with mode 000", _locked("app/locked.py", router(), 0))  # noqa: E501
add("unreadable-md", "unreadable", "a spec with mode 000", _locked("specs/hostile/spec.md", spec_text(), 0))  # noqa: E501
add("unreadable-yaml", "unreadable", "a contract with mode 000",
    _locked("specs/hostile/contracts/openapi.yaml", _API_HEAD + _API_PATH, 0))
add("unreadable-dir-code", "unreadable", "a code folder with mode 000",
    _locked("app/locked", router(), 0, is_dir=True))
add("unreadable-dir-noexec", "unreadable", "a code folder readable but not searchable (0444)",
    _locked("app/locked", router(), 0o444, is_dir=True))
add("unreadable-dir-spec", "unreadable", "a spec folder with mode 000",
    _locked("specs/locked", spec_text(), 0, is_dir=True))
add("unreadable-pyproject", "unreadable", "pyproject.toml with mode 000",
    _locked("pyproject.toml", "[tool.traceaudit]\n", 0, expect=CONFIG_ERROR, sentinel=False,
            error_words=("pyproject.toml",)))
add("unreadable-gitignore", "unreadable", ".gitignore with mode 000",
    _locked(".gitignore", "*.pyc\n", 0, expect=ANY))


# --------------------------------------------------------------------------
# 15. Enormous files (sparse: no disk used)
# --------------------------------------------------------------------------

_GB = 1 << 30
for _name, _rel, _size, _exp in (
    ("huge-py-8g", "app/huge.py", 8 * _GB, NOTE),
    ("huge-md-8g", "specs/hostile/huge.md", 8 * _GB, NOTE),
    ("huge-yaml-8g", "specs/hostile/contracts/openapi.yaml", 8 * _GB, NOTE),
    ("huge-py-1g", "app/huge.py", _GB, NOTE),
    ("huge-pyproject-8g", "pyproject.toml", 8 * _GB, CONFIG_ERROR),
    ("huge-gitignore-8g", ".gitignore", 8 * _GB, ANY),
):
    add(_name, "size", f"a sparse file of {_size // _GB} GiB at {_rel}",
        (lambda rel, size, exp: lambda root, env: (
            sparse(root, rel, size, b"# zeros follow\n"),
            Plant((rel,), exp, sentinel=exp != CONFIG_ERROR,
                  error_words=(rel,) if exp == CONFIG_ERROR else ()))[1])(_rel, _size, _exp))
add("huge-py-60mb-comments", "size", "a real 60 MB Python file of comments",
    code_case("app/huge.py",
              lambda: router("# filler filler filler filler filler filler\n" * 1_400_000),
              frozenset({"read", "note"})))
add("huge-md-40mb", "size", "a real 40 MB spec",
    spec_case("specs/hostile/spec.md",
              lambda: spec_text("Filler text for the spec.\n" * 1_600_000), ANY))
add("many-files-5000", "size", "5,000 small modules (the process-pool path)",
    lambda root, env: ([write(root, f"app/m{i // 100}/f{i}.py", f"X{i} = {i}\n")
                        for i in range(5000)], Plant(("app",), ANY))[1])
add("deep-dirs-1200", "size", "a Python file 1,200 folders deep",
    lambda root, env: (write(root, "/".join(["d"] * 1200) + "/x.py", router()),
                       Plant(("d",), ANY))[1])
add("deep-dirs-1200-spec", "size", "a spec 1,200 folders deep",
    lambda root, env: (write(root, "specs/" + "/".join(["d"] * 1200) + "/x.md", spec_text()),
                       Plant(("specs/d",), ANY))[1])


# --------------------------------------------------------------------------
# 16. File names
# --------------------------------------------------------------------------

for _name, _rel in (
    ("name-newline-py", "app/a\n::error file=x,line=1::pwned.py"),
    ("name-newline-md", "specs/hostile/a\n::warning::pwned.md"),
    ("name-escape-py", "app/\x1b[2K\x1b[1Gx.py"),
    ("name-html-md", 'specs/hostile/<img src=x onerror="xinj()">.md'),
    ("name-invalid-utf8-py", b"app/\xff\xfe.py"),
    ("name-invalid-utf8-md", b"specs/hostile/\xff.md"),
    ("name-long-255", "app/" + "a" * 252 + ".py"),
    ("name-hash-colon", "specs/hostile/a#b:c.md"),
    ("name-leading-dash", "app/-rf.py"),
    ("name-dotted", "app/a.b.c.py"),
    ("name-nfd", "app/cafe\u0301.py"),
    ("name-spaces", "app/ x .py"),
    ("name-py-dir", "app/x.py/inner.py"),
    ("name-md-dir", "specs/hostile/x.md/inner.md"),
    ("name-javascript-md", "specs/javascript:alert(1)//.md"),
):
    _is_md = (os.fsencode(_rel) if isinstance(_rel, str) else _rel).endswith(b".md")
    add(_name, "file-names", f"a file named {os.fsdecode(_rel)!r}"[:80],
        (lambda rel, md: lambda root, env: (
            write(root, rel, spec_text() if md else router()),
            Plant((os.fsdecode(rel),), ANY, formats=("json", "text", "html", "markdown", "sarif"),
                  inject=("<img", "\n::", "\x1b")))[1])(_rel, _is_md))


# --------------------------------------------------------------------------
# 17. Configuration files
# --------------------------------------------------------------------------


def _config(text: str | bytes, words: tuple[str, ...], name: str = "pyproject.toml",
            expect: frozenset[str] = CONFIG_ERROR, **kw: object) -> Callable[[Path, Env], Plant]:
    def build(root: Path, env: Env) -> Plant:
        write(root, name, text.replace("{outside}", str(env.outside)) if isinstance(text, str)
              else text)
        return Plant((name,), expect, sentinel=expect != CONFIG_ERROR,
                     error_words=words, **kw)  # type: ignore[arg-type]

    return build


_T = "[tool.traceaudit]\n"
for _name, _text, _words in (
    ("config-invalid-utf8", b'[tool.traceaudit]\nspec = ["caf\xe9"]\n', ("pyproject.toml",)),
    ("config-utf16", (_T + 'spec = ["specs"]\n').encode("utf-16"), ("pyproject.toml",)),
    ("config-bom", b"\xef\xbb\xbf" + (_T + 'spec = ["specs"]\n').encode(), ("pyproject.toml",)),
    ("config-nul", _T + 'spec = ["sp\x00ecs"]\n', ("pyproject.toml",)),
    ("config-toml-syntax", _T + "spec = [\n", ("pyproject.toml",)),
    ("config-deep-arrays", _T + "x = " + "[" * 10_000 + "]" * 10_000 + "\n", ("pyproject.toml",)),
    ("config-deep-inline-tables", _T + "x = " + "{a = " * 10_000 + "1" + "}" * 10_000 + "\n",
     ("pyproject.toml",)),
    ("config-spec-int", _T + "spec = 5\n", ("pyproject.toml", "spec")),
    ("config-spec-list-int", _T + "spec = [1, 2]\n", ("pyproject.toml", "spec")),
    ("config-code-table", _T + "code = {a = 1}\n", ("pyproject.toml", "code")),
    ("config-exclude-bool", _T + "exclude = true\n", ("pyproject.toml", "exclude")),
    ("config-id-pattern-int", _T + "id-pattern = 5\n", ("pyproject.toml", "id-pattern")),
    ("config-id-pattern-invalid", _T + 'id-pattern = "(unclosed"\n', ("pyproject.toml", "id-pattern")),  # noqa: E501
    ("config-auth-patterns-float", _T + "auth-patterns = 1.5\n", ("pyproject.toml", "auth-patterns")),  # noqa: E501
    ("config-apps-date", _T + "apps = 1979-05-27\n", ("pyproject.toml", "apps")),
    ("config-values-list", _T + "values = [1]\n", ("pyproject.toml", "values")),
    ("config-values-int", _T + "[tool.traceaudit.values]\nx = 1\n", ("pyproject.toml", "values")),
    ("config-oos-int", _T + "out-of-scope-headings = 3\n", ("pyproject.toml", "out-of-scope-headings")),  # noqa: E501
    ("config-nbs-table", _T + "non-backend-subjects = {}\n", ("pyproject.toml", "non-backend-subjects")),  # noqa: E501
    ("config-openapi-int", _T + "openapi = 7\n", ("pyproject.toml", "openapi")),
    ("config-fail-on-int", _T + "fail-on = 1\n", ("pyproject.toml", "fail-on")),
    ("config-fail-on-value", _T + 'fail-on = "sometimes"\n', ("pyproject.toml", "fail-on")),
    ("config-disable-int", _T + "disable = 1\n", ("pyproject.toml", "disable")),
    ("config-disable-unknown", _T + 'disable = ["TA999"]\n', ("pyproject.toml", "disable", "TA999")),  # noqa: E501
    ("config-severity-list", _T + "severity = []\n", ("pyproject.toml", "severity")),
    ("config-severity-value", _T + 'severity = { TA002 = "fatal" }\n', ("pyproject.toml", "severity")),  # noqa: E501
    ("config-severity-int", _T + "severity = { TA002 = 5 }\n", ("pyproject.toml", "severity")),
    ("config-severity-unknown-rule", _T + 'severity = { TA999 = "error" }\n', ("pyproject.toml", "severity", "TA999")),  # noqa: E501
    ("config-unknown-key", _T + "specz = []\n", ("pyproject.toml", "specz")),
    ("config-table-is-string", '[tool]\ntraceaudit = "yes"\n', ("pyproject.toml", "tool.traceaudit")),  # noqa: E501
    ("config-table-is-list", "[tool]\ntraceaudit = [1]\n", ("pyproject.toml", "tool.traceaudit")),
    ("config-spec-outside", _T + 'spec = ["../outside"]\n', ("pyproject.toml", "spec")),
    ("config-spec-absolute", _T + 'spec = ["/etc"]\n', ("pyproject.toml", "spec")),
    ("config-code-root", _T + 'code = ["/"]\n', ("pyproject.toml", "code")),
    ("config-openapi-passwd", _T + 'openapi = ["/etc/passwd"]\n', ("pyproject.toml", "openapi")),
    ("config-openapi-secret", _T + 'openapi = ["{outside}/secret.yaml"]\n', ("pyproject.toml", "openapi")),  # noqa: E501
    ("config-spec-missing", _T + 'spec = ["nowhere"]\n', ("pyproject.toml", "spec", "nowhere")),
    ("config-spec-nul", _T + 'spec = ["specs\\u0000x"]\n', ("pyproject.toml", "spec")),
    ("config-traceaudit-toml-bad", b"spec = 5\n", ("traceaudit.toml", "spec")),
):
    _file = "traceaudit.toml" if "traceaudit-toml" in _name else "pyproject.toml"
    add(_name, "config", f"configuration: {_name[7:]}", _config(_text, _words, _file))

for _name, _text, _exp in (
    ("config-huge-exclude-list", _T + "exclude = [" + ", ".join(
        f'"x{i}/*"' for i in range(200_000)) + "]\n", ANY),
    ("config-huge-values", _T + "[tool.traceaudit.values]\n" + "".join(
        f'"v{i}" = "{i}"\n' for i in range(200_000)), ANY),
    ("config-huge-id-pattern", _T + 'id-pattern = "' + "|".join(
        f"X{i}-\\\\d+" for i in range(50_000)) + '"\n', CONFIG_ERROR),
    ("config-huge-string", _T + 'id-pattern = "' + "a" * 10_000_000 + '"\n', CONFIG_ERROR),
    ("config-id-pattern-redos", _T + 'id-pattern = "(a|aa)+$"\n', ANY),
    ("config-id-pattern-empty", _T + 'id-pattern = ""\n', ANY),
    ("config-id-pattern-dot", _T + 'id-pattern = "."\n', ANY),
    ("config-spec-self-root", _T + 'spec = ["."]\n', ANY),
    ("config-deep-dotted-keys", "[" + ".".join(["a"] * 50_000) + "]\n" + _T, ANY),
    ("config-code-is-specs", _T + 'spec = ["specs"]\ncode = ["specs", "sentinel"]\n', ANY),
):
    add(_name, "config", f"configuration: {_name[7:]}",
        (lambda text, exp, own_ids: lambda root, env: (
            write(root, "pyproject.toml", text),
            # an id-pattern of one's own makes SEN-001 no id: the sentinel cannot be cited
            Plant(("pyproject.toml",), exp, sentinel=not own_ids and exp != CONFIG_ERROR,
                  error_words=("pyproject.toml", "id-pattern") if exp == CONFIG_ERROR else ()))[1])(
            _text, _exp, "id-pattern" in _text))

add("config-id-pattern-redos-text", "config", "a ReDoS id-pattern meeting a long docstring",
    lambda root, env: (write(root, "pyproject.toml", _T + 'id-pattern = "(a|aa)+b"\n'),
                       write(root, "app/redos.py", router(post='def g():\n    """' + "a" * 40 + '"""\n')),  # noqa: E501
                       Plant(("app/redos.py",), ANY, sentinel=False))[2])

for _name, _cfg, _words in (
    ("config-option-into-root", "{root}/cfg.toml", ("cfg.toml", "spec")),
    ("config-option-python-file", "{root}/sentinel/main.py", ("main.py",)),
    ("config-option-directory", "{root}/specs", ("specs",)),
    ("config-option-missing", "{root}/nowhere.toml", ("nowhere.toml",)),
    ("config-option-loop", "{root}/loop.toml", ("loop.toml",)),
    ("config-option-invalid-utf8", "{root}/bad.toml", ("bad.toml",)),
):
    add(_name, "config", f"--config {_cfg}",
        (lambda cfg, words: lambda root, env: (
            write(root, "cfg.toml", "spec = 5\n"),
            write(root, "bad.toml", b"spec = ['\xff']\n"),
            os.symlink("loop.toml", root / "loop.toml"),
            Plant((), CONFIG_ERROR, extra_args=("--config", cfg), sentinel=False,
                  error_words=words))[3])(_cfg, _words))


# --------------------------------------------------------------------------
# 18. .gitignore
# --------------------------------------------------------------------------

for _name, _text, _about in (
    ("gitignore-redos", "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\n", "a glob with 20 stars"),
    ("gitignore-bad-range", "[z-a]\n", "a character class CPython's re rejects"),
    ("gitignore-nested-set", "[[:alpha:]]\n[a-[b]\n", "POSIX classes and nested sets"),
    ("gitignore-100k-lines", "".join(f"pattern{i}/\n" for i in range(100_000)), "100,000 patterns"),
    ("gitignore-backslashes", "\\\n\\[\n\\\\*\n", "lone and escaped backslashes"),
    ("gitignore-invalid-utf8", b"\xff\xfe*.py\n", "invalid UTF-8"),
):
    add(_name, "gitignore", f".gitignore: {_about}",
        (lambda text: lambda root, env: (
            write(root, ".gitignore", text),
            write(root, "app/" + "a" * 120 + ".py", router()),
            Plant((".gitignore",), ANY))[2])(_text))


# --------------------------------------------------------------------------
# 19. The route interpreter: cycles, chains, recursion
# --------------------------------------------------------------------------

_R = "from fastapi import APIRouter, FastAPI, Depends\n"
for _name, _text, _about in (
    ("routes-include-cycle", _R + "a = APIRouter()\nb = APIRouter()\na.include_router(b)\n"
     "b.include_router(a)\napp = FastAPI()\napp.include_router(a)\n", "two routers including each other"),  # noqa: E501
    ("routes-include-self", _R + "a = APIRouter()\na.include_router(a)\napp = FastAPI()\n"
     "app.include_router(a)\n", "a router including itself"),
    ("routes-mount-self", _R + "app = FastAPI()\napp.mount('/x', app)\n", "an app mounting itself"),
    ("routes-include-chain-3000",
     _R + "".join(f"r{i} = APIRouter(prefix='/p')\n" for i in range(3000))
     + "".join(f"r{i}.include_router(r{i + 1})\n" for i in range(2999))
     + "@r2999.get('/leaf')\ndef leaf(): ...\napp = FastAPI()\napp.include_router(r0)\n",
     "3,000 routers each including the next"),
    ("routes-alias-chain-10000", _R + "a0 = APIRouter()\n" + "".join(
        f"a{i + 1} = a{i}\n" for i in range(10_000))
     + "app = FastAPI()\napp.include_router(a10000)\n",
     "10,000 assignments aliasing one router"),
    ("routes-factory-recursion", _R + "def create_app():\n    return create_app()\napp = create_app()\n",  # noqa: E501
     "an app factory that calls itself"),
    ("routes-mutual-factories", _R + "def f():\n    return g()\ndef g():\n    return f()\napp = f()\n",  # noqa: E501
     "two factories calling each other"),
    ("routes-depends-chain-3000", _R + "def d0(): ...\n" + "".join(
        f"def d{i + 1}(x=Depends(d{i})): ...\n" for i in range(3000))
     + "app = FastAPI()\n@app.get('/h')\ndef h(x=Depends(d3000)): ...\n", "a dependency chain 3,000 long"),  # noqa: E501
    ("routes-depends-cycle", _R + "def a(x=Depends(lambda: b)): ...\ndef b(x=Depends(a)): ...\n"
     "def c(x=Depends(c)): ...\napp = FastAPI()\n@app.get('/h')\ndef h(x=Depends(c)): ...\n",
     "a dependency that depends on itself"),
    ("routes-subclass-chain-3000", _R + "class R0(APIRouter): ...\n" + "".join(
        f"class R{i + 1}(R{i}): ...\n" for i in range(3000)) + "r = R3000()\napp = FastAPI()\n"
     "app.include_router(r)\n", "3,000 APIRouter subclasses, each of the one before"),
    ("routes-class-cycle", _R + "class A(B): ...\nclass B(A): ...\nr = A()\napp = FastAPI()\n"
     "app.include_router(r)\n", "two classes inheriting from each other"),
    ("routes-huge-loop", _R + "app = FastAPI()\nr = APIRouter()\nfor i in range(10**12):\n"
     "    app.include_router(r)\nwhile True:\n    app.include_router(r)\n", "includes in endless loops"),  # noqa: E501
    ("routes-route-list-100k", "from starlette.routing import Route\nfrom starlette.applications "
     "import Starlette\nroutes = [\n" + "".join(f"    Route('/s{i}', h),\n" for i in range(100_000))
     + "]\napp = Starlette(routes=routes)\n", "a Starlette route list of 100,000 routes"),
    ("routes-prefix-deep-concat", _R + "P = " + " + ".join(["'/a'"] * 3000) + "\nr = APIRouter(prefix=P)\n"  # noqa: E501
     "@r.get('/x')\ndef x(): ...\napp = FastAPI()\napp.include_router(r)\n", "a prefix of 3,000 concatenated parts"),  # noqa: E501
    ("routes-uvicorn-options-50k", "import uvicorn\nuvicorn.run(" + "'--opt=a', " * 50_000 + ")\n"
     "CMD = ['uvicorn', " + "'--o', 'v', " * 50_000 + "]\n", "uvicorn calls with 50,000 options"),
    ("routes-uvicorn-calls-100k", "import uvicorn\n" + "uvicorn.run(\n" * 100_000,
     "100,000 unclosed uvicorn.run( calls"),
):
    add(_name, "routes", _about,
        (lambda text: lambda root, env: (write(root, "app/routes_bomb.py", text),
                                         Plant(("app/routes_bomb.py",), ANY))[1])(_text))

add("routes-import-cycle-stars", "routes", "1,000 modules star-importing the next, in a cycle",
    lambda root, env: ([write(root, f"app/cyc/m{i}.py", f"from app.cyc.m{(i + 1) % 1000} import *\n"
                              "from fastapi import APIRouter\n" + f"r{i} = APIRouter()\n")
                        for i in range(1000)],
                       write(root, "app/cyc/__init__.py", "from .m0 import *\n"),
                       Plant(("app/cyc",), ANY))[2])
add("routes-include-chain-300-files", "routes", "routers included through 300 modules",
    lambda root, env: ([write(root, f"app/ch/m{i}.py", "from fastapi import APIRouter\n"
                              + (f"from app.ch.m{i + 1} import router as nxt\n" if i < 299 else "")
                              + "router = APIRouter(prefix='/p')\n"
                              + ("router.include_router(nxt)\n" if i < 299 else
                                 "@router.get('/leaf')\ndef leaf(): ...\n")) for i in range(300)],
                       write(root, "app/ch/__init__.py", ""),
                       write(root, "app/main_ch.py", "from fastapi import FastAPI\nfrom app.ch.m0 "
                             "import router\napp = FastAPI()\napp.include_router(router)\n"),
                       Plant(("app/ch",), ANY))[3])


# --------------------------------------------------------------------------
# 20. Command-line usage errors
# --------------------------------------------------------------------------

for _name, _args in (
    ("cli-bad-format", ("run", "{root}", "--format", "pdf")),
    ("cli-unknown-option", ("run", "{root}", "--bogus")),
    ("cli-jobs-zero", ("run", "{root}", "--jobs", "0")),
    ("cli-jobs-text", ("run", "{root}", "--jobs", "many")),
    ("cli-fail-on-bad", ("run", "{root}", "--fail-on", "sometimes")),
    ("cli-unknown-command", ("scan", "{root}")),
    ("cli-extra-argument", ("run", "{root}", "{root}")),
    ("cli-output-is-dir", ("run", "{root}", "-o", "{work}")),
    ("cli-output-parent-is-file", ("run", "{root}", "-o", "{root}/sentinel/main.py/r.json")),
    ("cli-output-unwritable", ("run", "{root}", "-o", "/proc/no/such/r.json")),
    ("cli-root-missing", ("run", "{root}/nowhere")),
    ("cli-root-is-file", ("run", "{root}/sentinel/main.py")),
    ("cli-spec-missing", ("run", "{root}", "--spec", "nowhere")),
    ("cli-code-outside", ("run", "{root}", "--code", "/etc")),
    ("cli-spec-outside", ("run", "{root}", "--spec", "{outside}")),
    ("cli-format-missing-value", ("run", "{root}", "--format")),
):
    add(_name, "cli", "traceaudit " + " ".join(_args),
        (lambda args: lambda root, env: Plant((), USAGE_ERROR, args=args, sentinel=False,
                                              secret=True))(_args))
# A bare `traceaudit` prints its help (on stderr, exit 2), as ruff and click's own groups do:
# a usage error whose one useful answer is the list of commands.
add("cli-no-command", "cli", "traceaudit (no command: the help, exit 2, as ruff does)",
    lambda root, env: Plant((), frozenset({"help"}), args=(), sentinel=False, secret=True))
# `-o` makes the folders it needs (README: "folders made"), as a CI step writing
# `-o reports/traceaudit.sarif` into a fresh checkout expects; a path that cannot be made
# is exit 2 with one line (cli-output-parent-is-file, cli-output-unwritable).
add("cli-output-missing-dir", "cli",
    "traceaudit run ROOT -o WORK/no/such/dir/r.json (the folders are made: exit 0, a report)",
    lambda root, env: Plant((), frozenset({"made"}),
                            args=("run", "{root}", "-o", "{work}/no/such/dir/r.json"),
                            sentinel=False, secret=True, made="no/such/dir/r.json"))


# --------------------------------------------------------------------------
# 21. Modules named like dependencies in the audited root, for each entry point
# --------------------------------------------------------------------------

_SHADOWS = ("click", "libcst", "fastapi", "typing", "yaml", "jinja2", "networkx", "tomllib",
            "json", "re", "sitecustomize", "multiprocessing")
_SHADOW_PACKAGES = ("markdown_it", "traceaudit", "concurrent")


def _shadow(modules: tuple[str, ...], packages: tuple[str, ...], **kw: object
            ) -> Callable[[Path, Env], Plant]:
    def build(root: Path, env: Env) -> Plant:
        for name in modules:
            write(root, f"{name}.py", marker_module(env, name))
        for name in packages:
            write(root, f"{name}/__init__.py", marker_module(env, name))
            write(root, f"{name}/__main__.py", marker_module(env, name + ".__main__"))
        write(root, "app/uses.py", router())
        return Plant(tuple(f"{m}.py" for m in modules) + packages, ANY,
                     routes=(Route("GET", "/hostile", "app/uses.py"),),
                     markers=modules + packages + tuple(p + ".__main__" for p in packages),
                     **kw)  # type: ignore[arg-type]

    return build


for _m in _SHADOWS:
    add(f"shadow-m-{_m}", "shadowing",
        f"`python -m traceaudit run .` inside a root holding {_m}.py",
        _shadow((_m,), (), entry="module", cwd="root"))
_BEFORE_US = ("CPython runs the working directory's traceaudit/ (or runpy.py) before any line "
              "of traceaudit: the README says to use the console script or python -P -m")
for _p in _SHADOW_PACKAGES:
    add(f"shadow-m-{_p}-pkg", "shadowing",
        f"`python -m traceaudit run .` inside a root holding a {_p}/ package",
        _shadow((), (_p,), entry="module", cwd="root",
                unsafe_entry=_BEFORE_US if _p == "traceaudit" else ""))
add("shadow-m-runpy", "shadowing", "`python -m traceaudit run .` inside a root holding runpy.py",
    _shadow(("runpy",), (), entry="module", cwd="root", unsafe_entry=_BEFORE_US))
add("shadow-P-runpy-and-self", "shadowing",
    "`python -P -m traceaudit run .` inside a root holding runpy.py and a traceaudit/ package",
    _shadow(("runpy",), ("traceaudit",), entry="module-P", cwd="root"))
_ALL_BUT_SELF = tuple(p for p in _SHADOW_PACKAGES if p != "traceaudit")
add("shadow-script-all", "shadowing", "the console script run inside a root holding every marker",
    _shadow(_SHADOWS, _SHADOW_PACKAGES, entry="script", cwd="root"))
add("shadow-script-routes", "shadowing", "`traceaudit routes .` inside the marker root",
    _shadow(_SHADOWS, _SHADOW_PACKAGES, entry="script", cwd="root", command="routes"))
add("shadow-m-all-routes", "shadowing", "`python -m traceaudit routes .` inside the marker root",
    _shadow(_SHADOWS, _ALL_BUT_SELF, entry="module", cwd="root", command="routes"))
add("shadow-m-all-requirements", "shadowing", "`python -m traceaudit requirements .` inside it",
    _shadow(_SHADOWS, _ALL_BUT_SELF, entry="module", cwd="root", command="requirements"))
add("shadow-m-outside-cwd", "shadowing", "`python -m traceaudit run ROOT` from outside the marker root",  # noqa: E501
    _shadow(_SHADOWS, _SHADOW_PACKAGES, entry="module", cwd="work"))
add("shadow-m-P", "shadowing", "`python -P -m traceaudit run .` inside the marker root",
    _shadow(_SHADOWS, _SHADOW_PACKAGES, entry="module-P", cwd="root"))
add("shadow-config-into-root", "shadowing", "--config naming a file inside the marker root",
    lambda root, env: (write(root, "cfg.toml", 'spec = ["specs"]\n'),
                       _shadow(_SHADOWS, _SHADOW_PACKAGES, entry="script", cwd="work",
                               extra_args=("--config", "{root}/cfg.toml"))(root, env))[1])
add("shadow-m-pool", "shadowing", "`python -m traceaudit run . --jobs 2` with 500 files (process pool)",  # noqa: E501
    lambda root, env: ([write(root, f"app/pool/f{i}.py", f"X = {i}\n") for i in range(500)],
                       _shadow(_SHADOWS, _ALL_BUT_SELF, entry="module", cwd="root",
                               extra_args=("--jobs", "2"))(root, env))[1])
add("shadow-import-hooks", "shadowing", "conftest.py, setup.py, __init__.py and a .pth file with markers",  # noqa: E501
    lambda root, env: (write(root, "conftest.py", marker_module(env, "conftest")),
                       write(root, "setup.py", marker_module(env, "setup")),
                       write(root, "app/__init__.py", marker_module(env, "app-init")),
                       write(root, "x.pth", "import os; " + marker_module(env, "pth")),
                       Plant(("conftest.py",), ANY,
                             markers=("conftest", "setup", "app-init", "pth"),
                             entry="module", cwd="root"))[4])


# --------------------------------------------------------------------------
# 22. HTML, Markdown and terminal injection through every field that reaches a report
# --------------------------------------------------------------------------

_X = '<xinj a="1">\'"&</script><script>xinj()</script>'
_FORMATS_ALL = ("json", "text", "html", "markdown", "sarif")
_INJ = ("<xinj", "<script>xinj", "</script><script>")

for _name, _files, _about in (
    ("inject-requirement-title", {"specs/hostile/spec.md": spec_text(
        f"- **HOS-002**: System MUST {_X} `GET /inj`."), }, "a requirement title and text"),
    ("inject-heading", {"specs/hostile/spec.md": spec_text(f"## {_X}\n\n- **HOS-003**: x")},
     "a section heading (and its anchor)"),
    ("inject-spec-title", {"specs/hostile/spec.md": spec_text().replace("# Hostile", f"# {_X}")},
     "a spec file title"),
    ("inject-route-path", {"app/inj.py": router(path="/inj" + _X.replace('"', '\\"'))},
     "a route path"),
    ("inject-route-metadata", {"app/inj.py": router(decorator=f'@app.get("/inj", summary={_X!r}, '
                               f"description={_X!r}, tags=[{_X!r}], response_model=list[{_X!r}])")},
     "summary, description, tags, response_model"),
    ("inject-condition", {"app/inj.py": router(decorator=f'if os.environ.get({_X!r}):\n'
                          '    app.add_api_route("/cond", hostile)\n@app.get("/inj")')},
     "the condition text of a conditional route"),
    ("inject-unresolved-value", {"app/inj.py": router(decorator=f'@app.get(settings.X + {_X!r})')},
     "an unresolved value in a route path"),
    ("inject-dangling-ref", {"app/inj.py": router(post='def g():\n    """Implements '
                             f'{_X.replace(chr(34), "")} ZZZ-999 specs/x{_X[:6]}.md#a<b"""\n')},
     "a dangling reference's text"),
    ("inject-openapi-title", {"specs/hostile/contracts/openapi.yaml": _API_HEAD.replace(
        "Hostile", repr(_X).replace("'", "")) + "security: [{'" + _X.replace("'", "") + "': []}]\n"
        + "servers: [{url: 'http://x/" + _X.replace("'", "").replace(" ", "") + "'}]\n"
        + _API_PATH},
     "an OpenAPI title, security scheme and server"),
    ("inject-parse-error", {"app/inj.py": f"def broken(:\n    {_X}\n"}, "a TA000 message"),
    ("inject-config-values", {"pyproject.toml": _T + f"[tool.traceaudit.values]\n\"settings.X\" = {json.dumps(_X)}\n",  # noqa: E501
                              "app/inj.py": router(decorator="@app.get(settings.X)")},
     "a configured value that becomes a path"),
    ("inject-markdown-syntax", {"specs/hostile/spec.md": spec_text(
        "- **HOS-004**: MUST [x](javascript:xinj()) | a | b |\n"
        "  `` ` `` <img src=x onerror=xinj()>")},
     "Markdown links, table pipes, backticks"),
    ("inject-template-syntax", {"specs/hostile/spec.md": spec_text(
        "- **HOS-005**: MUST {{ 7*7 }} {% raw %} ${7*7} #{7*7}")}, "Jinja/template syntax"),
    ("inject-terminal-escapes", {"specs/hostile/spec.md": spec_text(
        "- **HOS-006**: MUST \x1b[2K\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ \r"
        "traceaudit: 0 errors"), "app/inj.py": router(path="/inj\\x1b[31m\\r\\n::error::pwned")},
     "ANSI escapes, CR and a GitHub workflow command"),
    ("inject-symbol-unicode", {"app/inj.py": router(func="ｈｏｓｔｉｌｅ\u0301")},
     "a handler name in odd Unicode"),
):
    add(_name, "injection", f"HTML/Markdown/terminal injection through {_about}",
        (lambda files: lambda root, env: (
            [write(root, rel, text) for rel, text in files.items()],
            Plant(tuple(files), ANY, formats=_FORMATS_ALL, inject=(*_INJ, "\x1b", "\n::")))[1])(
                _files))

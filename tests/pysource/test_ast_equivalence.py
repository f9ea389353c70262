"""``ast`` and LibCST read a file into the same facts.

The scanner reads every file the running Python can parse with ``ast`` (several times
cheaper) and keeps LibCST for the rest. Both readings must give equal
``ModuleFacts``: every fixture, every file of a generated monorepo, and the corner
cases below where the two parsers see the text differently (grouping parentheses,
comments between a parenthesis and its node, decorators, f-strings, semicolons).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus import generated_corpus
from traceaudit.model import Config
from traceaudit.pysource import scan_module

ROOT = Path(__file__).resolve().parents[2]
EVERYTHING = Config(prefilter=False)  # code facts and references from every file

CORNERS = {
    "grouping parentheses": "x = (a + b)\nif (x):\n    pass\ny = ((c))\nz = (f)(1)\n",
    "a comment after an opening parenthesis": (
        "router = APIRouter(\n    prefix=(PREFIX),  # the prefix\n)\n"
        "app.include_router(  # all of them\n    users.router,\n)\n"
        "x = (\n  # c\n  f(1)\n)\n"
    ),
    "a quote before a comment": "x = ('#',  # c\n  f(1))\n",
    "lone arguments": (
        "x = Query(...)\ny = f(x for x in z)\nw = f((x for x in z))\nv = g((1))\n"
    ),
    "subscripts": "v = a[1:2, (3, 4)]\nw = a[(1, 2)]\nu = a[(b), c]\nt = a[:]\n",
    "logical lines": "a = 1; b = 2\nc = 3; \\\n  d = 4\nif x: e = 5; f()\n",
    "decorators": (
        "@(router.get)('/x')\ndef h(): ...\n@router.get(\n    '/y',\n)\nasync def g(): ...\n"
        "@a\n\n# c\n@b\nclass C: ...\n"
    ),
    "elif and else-if": "if a:\n    pass\nelif b:\n    f()\nelse:\n    if c:\n        g()\n",
    "class bases": (
        "class A((Base), metaclass=M):\n    x: int = 1\nclass B(Base[T], *mixins):\n    pass\n"
    ),
    "f-strings": (
        'p = f"{A}/x"\nq = f"{A!r:>10}"\nr = f"a\\n{b}"\ns = f"{x=}"\n'
        't = ("a" f"{b}"\n     "c")\nu = f"""\n{get()}\n"""\nv = f"{d[\'k\']}"\nw = f"{x:}"\n'
        'y = f"{{}}{a}"\nz = rf"\\d{a}"\n'
    ),
    "operators": "x = -1\ny = -True\nz = not a\nw = a or b or c and d\nv = a - b\nu = a % b | c\n",
    "parameters": "def f(a, /, b=1, *args, c, d=2, **kw) -> int:\n    '''doc'''\n    return a\n",
    "blocks": (
        "with open(x) as f, g() as (a, b):\n    h()\nfor i, *j in k:\n    pass\nelse:\n    m()\n"
        "while x:\n    y()\ntry:\n    a()\nexcept E:\n    b()\nelse:\n    c()\nfinally:\n    d()\n"
        "async def f():\n    async with a as b:\n        await g()\n"
        "    async for x in y:\n        z()\n"
    ),
    "literals": "x = b'bytes'\ny = 1j\nz = ...\nw = lambda: 1\nv = 0x10\nu = 1e999\nt = 'a' 'b'\n",
    "displays": 'x = {"a": 1, **b}\ny = {1, 2}\nz = [*a, b]\nw = (a,)\n',
    "call arguments": "x = f(*a, k=1, **kw)\ny = f(a, k=1, *b)\nz = f(\n    a,\n    b=(c),\n)\n",
    "assignments": "a = b = 1\nc: int\nd: str = 'x'\ne += 1\nf //= 2\n(g, h) = i\n",
    "unicode columns": "é = f('ü', (x))\nrouter = APIRouter(prefix='/ä')\n",
    "lambdas and comprehensions": (
        "f = lambda x, *a, k=1: x + 1\ng = [i for i in x if i]\nh = {k: v for k, v in d}\n"
        "i = {a for a in b}\nj = list(x for x in (y))\nk = [a async for a in b]\n"
        "if (n := len(x)) > 1:\n    m = x[1:n:2]\n"
    ),
    "exception handlers": (
        "try:\n    a()\nexcept (E, mod.F) as e:\n    b()\nexcept G:\n    c()\nexcept:\n    d()\n"
        "try:\n    a()\nexcept* E:\n    b()\n"
    ),
    "docstrings": 'def f():\n    "a" "b"\ndef g():\n    ("doc")\ndef h(): "one line"\n',
    "comment blocks": (
        "# Future endpoints (User Story 2):\n# - GET /history/{session_id}\n#\n"
        "x = 1  # T012 here\n# not below a code line\n"
        "def f():\n    # FR-001: the cart\n    # keeps its items\n  # other column\n    pass\n"
    ),
}


PREFILTERED = Config()  # files the prefilter rules out: module level only, bodies elided


def both(
    source: str, path: str = "app/x.py", config: Config = EVERYTHING
) -> tuple[object, object]:
    fast = scan_module(source, path, "app.x", config)
    slow = scan_module(source, path, "app.x", config, parser="libcst")
    return fast, slow


@pytest.mark.parametrize("name", sorted(CORNERS))
@pytest.mark.parametrize("config", [EVERYTHING, PREFILTERED], ids=["full", "prefiltered"])
def test_corner_cases_read_the_same(name: str, config: Config) -> None:
    fast, slow = both(CORNERS[name], config=config)
    assert fast == slow


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "expected" not in p.parts)


@pytest.mark.parametrize("config", [EVERYTHING, PREFILTERED], ids=["full", "prefiltered"])
def test_every_fixture_reads_the_same(config: Config) -> None:
    files = python_files(ROOT / "fixtures")
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast, slow = both(text, path.relative_to(ROOT).as_posix(), config)
        assert fast == slow, path


@pytest.mark.parametrize("config", [EVERYTHING, PREFILTERED], ids=["full", "prefiltered"])
def test_a_generated_monorepo_reads_the_same(config: Config) -> None:
    root = generated_corpus()
    files = python_files(root)
    assert len(files) > 200
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast, slow = both(text, path.relative_to(root).as_posix(), config)
        assert fast == slow, path

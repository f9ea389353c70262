"""pysource: one Python file -> per-file facts (inline sources, exact expected values)."""

from __future__ import annotations

import pickle
import re
import textwrap
from dataclasses import dataclass

import pytest

from traceaudit.config import id_regex
from traceaudit.model import CodeRef, Config, Location, RefKind, RefSource, RefTarget
from traceaudit.pysource import facts as pf
from traceaudit.pysource.citations import references_fast
from traceaudit.pysource.scan import _Scanner, failed_module, is_test_path, scan_module, wants_code

CONFIG = Config()


@dataclass(frozen=True)
class FakeRef:
    target: RefTarget
    line: int
    column: int
    explicit: bool


def fake_extract(text: str, regex: re.Pattern[str]) -> list[FakeRef]:
    """A stand-in for refs.extract_refs: FR-n ids and spec.md#anchor links."""
    out = []
    for n, line in enumerate(text.splitlines()):
        for m in re.finditer(r"FR-\d+|[\w/]+\.md#[\w-]+", line):
            value = m.group(0)
            spec, _, anchor = value.partition("#")
            target = (
                RefTarget(RefKind.ANCHOR, anchor, spec, value)
                if anchor
                else RefTarget(RefKind.ID, value, None, value)
            )
            out.append(FakeRef(target, n, m.start(), "Implements" in line))
    return out


def scan(source: str, path: str = "app/api.py") -> pf.ModuleFacts:
    return scan_module(
        textwrap.dedent(source), path, "app.api", CONFIG, extract_refs=fake_extract
    )


def body(source: str) -> tuple[pf.Stmt, ...]:
    """The code facts of a source, whatever the prefilter would say about it."""
    import libcst

    tree = libcst.parse_module(textwrap.dedent(source))
    return _Scanner(tree, "app/api.py", id_regex(CONFIG), fake_extract).module_body()


def ref_rows(facts: pf.ModuleFacts) -> list[tuple[str, str, str, int, int]]:
    return [
        (r.target.value, r.source.value, r.symbol, r.location.line, r.location.column)
        for r in facts.refs
    ]


# --------------------------------------------------------------------------
# Statements and expressions
# --------------------------------------------------------------------------


def test_imports_of_every_shape() -> None:
    stmts = body(
        """
        import os
        import app.api.routes.login as login
        from fastapi import APIRouter as Router, Depends
        from . import items
        from ..core.config import settings
        from .users import *
        """
    )
    assert stmts == (
        pf.Import("os", None, 2),
        pf.Import("app.api.routes.login", "login", 3),
        pf.ImportFrom("fastapi", 0, (("APIRouter", "Router"), ("Depends", "Depends")), 4),
        pf.ImportFrom("", 1, (("items", "items"),), 5),
        pf.ImportFrom("core.config", 2, (("settings", "settings"),), 6),
        pf.ImportFrom("users", 1, (), 7, star=True),
    )


def test_assignments_calls_and_lines() -> None:
    stmts = body(
        """
        router = APIRouter(
            prefix="/items",
            tags=["items"],
        )
        PREFIX: str = f"{API}/v1"
        app.include_router(router, prefix=PREFIX)
        """
    )
    assert stmts == (
        pf.Assign(
            (pf.Name("router"),),
            pf.Call(
                pf.Name("APIRouter"),
                (
                    pf.Arg(pf.Const("/items"), "prefix"),
                    pf.Arg(pf.Seq("list", (pf.Const("items"),)), "tags"),
                ),
                2,
            ),
            2,
        ),
        pf.Assign(
            (pf.Name("PREFIX"),),
            pf.FStr((pf.Name("API"), pf.Const("/v1"))),
            6,
            annotation=pf.Name("str"),
        ),
        pf.ExprStmt(
            pf.Call(
                pf.Attr(pf.Name("app"), "include_router"),
                (pf.Arg(pf.Name("router")), pf.Arg(pf.Name("PREFIX"), "prefix")),
                7,
            ),
            7,
        ),
    )


def test_function_first_line_includes_decorators_like_co_firstlineno() -> None:
    source = '''
    # a comment above
    @router.get(
        "/items/{item_id}",
    )
    @cache
    async def read_item(item_id: int, user: CurrentUser, db=Depends(get_db)) -> Item:
        """Read one item."""
        return item
    '''
    (func,) = body(source)
    assert isinstance(func, pf.FuncDef)
    assert (func.name, func.qualname, func.line, func.def_line) == ("read_item", "read_item", 3, 7)
    assert [d.line for d in func.decorators] == [3, 6]
    assert func.is_async and func.docstring == "Read one item."
    assert func.params == (
        pf.Param("item_id", "pos", pf.Name("int")),
        pf.Param("user", "pos", pf.Name("CurrentUser")),
        pf.Param("db", "pos", None, pf.Call(pf.Name("Depends"), (pf.Arg(pf.Name("get_db")),), 7)),
    )
    assert func.returns == pf.Name("Item")
    # The interpreter agrees with Python about where the function starts.
    namespace: dict[str, object] = {"router": _Recorder(), "cache": lambda f: f}
    exec(
        compile(
            textwrap.dedent(source)
            .replace("CurrentUser", "int")
            .replace("Depends(get_db)", "None")
            .replace("-> Item", ""),
            "x.py",
            "exec",
        ),
        namespace,
    )
    code = namespace["read_item"].__code__  # type: ignore[attr-defined]
    assert code.co_firstlineno == func.line


class _Recorder:
    def get(self, *args: object, **kwargs: object) -> object:
        return lambda f: f


def test_nested_scopes_get_qualified_names() -> None:
    stmts = body(
        """
        class ItemView:
            prefix: str = "/items"

            def __init__(self):
                self.router = APIRouter()

        def create_app():
            app = FastAPI()

            @app.get("/")
            def root():
                pass

            return app
        """
    )
    cls, factory = stmts
    assert isinstance(cls, pf.ClassDef) and isinstance(factory, pf.FuncDef)
    assert [type(s).__name__ for s in cls.body] == ["Assign", "FuncDef"]
    init = cls.body[1]
    assert isinstance(init, pf.FuncDef) and init.qualname == "ItemView.__init__"
    inner = factory.body[1]
    assert isinstance(inner, pf.FuncDef)
    assert (inner.qualname, inner.line, inner.def_line) == ("create_app.root", 11, 12)
    assert isinstance(factory.body[2], pf.Return)


def test_conditions_keep_their_text_and_static_tests_are_known() -> None:
    stmts = body(
        """
        if settings.ENVIRONMENT == "local":
            a = 1
        elif DEBUG:
            b = 2
        else:
            c = 3
        if TYPE_CHECKING:
            from x import Y
        if __name__ == "__main__":
            uvicorn.run(app)
        """
    )
    first, types_only, main = stmts
    assert isinstance(first, pf.If) and first.test == 'settings.ENVIRONMENT == "local"'
    assert first.static is None
    (elif_,) = first.orelse
    assert isinstance(elif_, pf.If) and elif_.test == "DEBUG"
    assert isinstance(types_only, pf.If) and types_only.static is False
    assert isinstance(main, pf.If) and main.static is False


def test_loops_blocks_and_try_bodies() -> None:
    stmts = body(
        """
        for prefix, router in ROUTERS.items():
            app.include_router(router, prefix=prefix)
        with suppress(ImportError) as s:
            x = 1
        try:
            from .extra import router as extra
        except ImportError:
            extra = None
        else:
            y = 2
        finally:
            z = 3
        """
    )
    loop, with_, try_ = stmts
    assert isinstance(loop, pf.For)
    assert loop.target == pf.Seq("tuple", (pf.Name("prefix"), pf.Name("router")))
    assert isinstance(with_, pf.Block) and with_.bindings == (pf.Name("s"),)
    assert isinstance(try_, pf.Try)
    # Every block is kept: the interpreter decides which handlers can run.
    assert [type(s).__name__ for s in try_.body] == ["ImportFrom"]
    assert [(h.types, h.name) for h in try_.handlers] == [(("ImportError",), None)]
    assert [type(s).__name__ for s in try_.handlers[0].body] == ["Assign"]
    assert [type(s).__name__ for s in (*try_.orelse, *try_.finalbody)] == ["Assign", "Assign"]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('"/a" "/b"', pf.Const("/a/b")),
        ("-1", pf.Const(-1)),
        ("True", pf.Const(True)),
        (
            'f"{x:02d}-{y!s}"',
            pf.FStr(
                (
                    pf.Formatted(pf.Name("x"), "02d"),
                    pf.Const("-"),
                    pf.Formatted(pf.Name("y"), "", "s"),
                )
            ),
        ),
        ('"/a" + B', pf.BinOp("+", pf.Const("/a"), pf.Name("B"))),
        ("a if b else c", pf.IfExp(pf.Name("b"), pf.Name("a"), pf.Name("c"))),
        (
            'os.getenv("X") or "/x"',
            pf.BoolOp(
                "or",
                pf.Call(pf.Attr(pf.Name("os"), "getenv"), (pf.Arg(pf.Const("X")),), 1),
                pf.Const("/x"),
            ),
        ),
        (
            "Annotated[User, Depends(f)]",
            pf.Subscript(
                pf.Name("Annotated"),
                (pf.Name("User"), pf.Call(pf.Name("Depends"), (pf.Arg(pf.Name("f")),), 1)),
            ),
        ),
        ("{**base, 'k': v}", pf.DictE(((None, pf.Name("base")), (pf.Const("k"), pf.Name("v"))))),
        ("[*a, b]", pf.Seq("list", (pf.Star(pf.Name("a")), pf.Name("b")))),
        (
            "lambda self: FastAPI(title=self.t)",
            pf.Lambda(
                pf.FuncDef(
                    "<lambda>", "<lambda>", 1, 1, (), (pf.Param("self", "pos"),),
                    (
                        pf.Return(
                            pf.Call(
                                pf.Name("FastAPI"),
                                (pf.Arg(pf.Attr(pf.Name("self"), "t"), "title"),),
                                1,
                            ),
                            1,
                        ),
                    ),
                )
            ),
        ),
        (
            "[r.router for r in routers if r]",
            pf.Comp(
                "list",
                pf.Attr(pf.Name("r"), "router"),
                (pf.CompFor(pf.Name("r"), pf.Name("routers"), (pf.Name("r"),)),),
            ),
        ),
        (
            "{k: v for k, v in t}",
            pf.Comp(
                "dict",
                pf.Name("k"),
                (pf.CompFor(pf.Seq("tuple", (pf.Name("k"), pf.Name("v"))), pf.Name("t")),),
                pf.Name("v"),
            ),
        ),
        ("p[:-1]", pf.Subscript(pf.Name("p"), (pf.Slice(None, pf.Const(-1)),))),
        ("p[1::2]", pf.Subscript(pf.Name("p"), (pf.Slice(pf.Const(1), None, pf.Const(2)),))),
        ("(h := get())", pf.NamedExpr("h", pf.Call(pf.Name("get"), (), 1))),
    ],
)
def test_expressions(expr: str, expected: pf.Expr) -> None:
    (stmt,) = body(f"x = {expr}\n")
    assert isinstance(stmt, pf.Assign) and stmt.value == expected


def test_render_gives_source_like_text() -> None:
    (stmt,) = body('x = f(a.b, "/c", *d, k=[1], **e)\n')
    assert isinstance(stmt, pf.Assign)
    assert pf.render(stmt.value) == "f(a.b, '/c', *d, k=[1], **e)"


@pytest.mark.parametrize(
    "source",
    ["p[:-1]", "p[1::2]", "lambda: x", "lambda a, b: a", "(h := g())", "[a for a in b if a]",
     "{k: v for k, v in d.items()}", "(x for x in y)"],
)  # fmt: skip
def test_render_of_the_newer_expressions_is_their_source(source: str) -> None:
    (stmt,) = body(f"x = {source}\n")
    assert isinstance(stmt, pf.Assign)
    assert pf.render(stmt.value) == source


def test_newer_syntax_parses_under_the_running_python() -> None:
    facts = scan(
        """
        type CurrentUser = Annotated[User, Depends(get_current_user)]

        def first[T](items: list[T]) -> T:
            return items[0]

        PATH = f"{settings["api"]}/v1"
        router = APIRouter()
        """
    )
    assert facts.parse_error is None
    alias, func, path, _ = facts.body
    assert isinstance(alias, pf.Assign) and alias.targets == (pf.Name("CurrentUser"),)
    assert isinstance(func, pf.FuncDef) and func.name == "first"
    assert isinstance(path, pf.Assign) and isinstance(path.value, pf.FStr)


def test_a_file_that_does_not_parse_yields_a_parse_error_and_never_raises() -> None:
    facts = scan("router = APIRouter(\n\ndef broken(:\n")
    assert facts.parse_error is not None
    location, message = facts.parse_error
    assert location.path == "app/api.py" and location.line >= 1 and message
    assert facts.body == () and facts.refs == ()


def test_failed_module_records_the_reason() -> None:
    facts = failed_module("app/x.py", "app.x", "not valid UTF-8 (byte 3)", False)
    assert facts.parse_error == (Location("app/x.py", 1), "not valid UTF-8 (byte 3)")


def test_facts_pickle_round_trip() -> None:
    facts = scan(
        '''
        """Implements FR-1."""
        router = APIRouter(prefix="/x")

        @router.get("/")
        def index():
            pass
        '''
    )
    assert pickle.loads(pickle.dumps(facts)) == facts


# --------------------------------------------------------------------------
# The prefilter
# --------------------------------------------------------------------------


def test_files_the_prefilter_rules_out_keep_their_module_level_but_not_function_bodies() -> None:
    facts = scan(
        """
        import math


        @functools.cache
        def area(r):
            return math.pi * r * r


        async def list_widgets():
            return []
        """,
        "app/geometry.py",
    )
    assert facts.scanned is False
    cache = pf.Decorator(pf.Attr(pf.Name("functools"), "cache"), 5)
    assert facts.body == (
        pf.Import("math", None, 2),
        pf.FuncDef("area", "area", 5, 6, (cache,), (pf.Param("r", "pos"),), (), elided=True),
        pf.FuncDef("list_widgets", "list_widgets", 10, 10, (), (), (), is_async=True, elided=True),
    )


@pytest.mark.parametrize(
    "source",
    [
        "from fastapi import APIRouter\n",
        "x = Depends(get_db)\n",
        "@app.get('/x')\ndef f(): pass\n",
        'API_V1_STR = "/api/v1"\n',
        'ROOT = "/srv/data"\n',
        'ITEMS_PREFIX = PREFIX + "x"\n',
        'API_PREFIX = ""\n',
        "include(r, prefix='/v1')\n",
        'BASE = os.getenv("BASE", "")\n',
        "settings = get_settings()\n",
        "class Settings(BaseSettings):\n    x: int = 1\n",
    ],
)
def test_the_prefilter_keeps_files_that_can_matter(source: str) -> None:
    assert wants_code(source)


@pytest.mark.parametrize(
    "source",
    [
        "import math\n\ndef area(r):\n    return math.pi * r * r\n",
        'TOKEN_PREFIX = "polar_"\n',
        "MAX_URLS = 5  # per page\n",
        "tmp = mkdtemp(prefix='build')\n",
        "__version__ = '1.0'\n",
        "value = cache.get('key')\n",
    ],
)
def test_the_prefilter_skips_files_that_cannot_matter(source: str) -> None:
    assert not wants_code(source)


def test_package_init_files_with_imports_are_scanned_for_re_exports() -> None:
    assert wants_code("from .users import users\n", is_package=True)
    assert not wants_code("from .users import users\n", is_package=False)


def test_test_files_yield_references_only() -> None:
    facts = scan(
        '''
        from fastapi import APIRouter

        def test_create():
            """Implements FR-7."""
            router = APIRouter()
        ''',
        "tests/api/test_items.py",
    )
    assert facts.is_test and facts.body == ()
    assert [(r.target.value, r.is_test, r.symbol) for r in facts.refs] == [
        ("FR-7", True, "tests/api/test_items.py:test_create")
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/test_api.py", True),
        ("app/tests/helpers.py", True),
        ("test/x.py", True),
        ("app/test_utils.py", True),
        ("app/api_test.py", True),
        ("conftest.py", True),
        ("app/testing.py", False),
        ("app/contest.py", False),
    ],
)
def test_is_test_path(path: str, expected: bool) -> None:
    assert is_test_path(path) is expected


# --------------------------------------------------------------------------
# References
# --------------------------------------------------------------------------

REFS_SOURCE = '''\
"""Users API.

Spec: specs/users/spec.md#user-registration
"""

# Implements FR-001
@router.post(
    "/users",
    summary="Create a user (FR-002)",
    description="""Long text.
    See FR-003.""",
)
def create_user(payload):  # noqa: E501 FR-999 stays out
    """Create one user.

    Implements FR-004.
    """
    x = 1  # FR-005 inline


class Admin:
    """Covers FR-006."""

    def delete(self):
        # FR-007 inside a method
        pass

# FR-008 at module level

def other():
    pass
'''


def test_references_in_docstrings_comments_and_route_metadata() -> None:
    facts = scan_module(
        REFS_SOURCE, "app/users.py", "app.users", CONFIG, extract_refs=fake_extract
    )
    assert ref_rows(facts) == [
        ("user-registration", "docstring", "app/users.py", 3, 7),
        ("FR-001", "comment", "app/users.py:create_user", 6, 14),
        ("FR-002", "route-metadata", "app/users.py:create_user", 9, 29),
        ("FR-003", "route-metadata", "app/users.py:create_user", 11, 9),
        ("FR-004", "docstring", "app/users.py:create_user", 16, 16),
        ("FR-005", "comment", "app/users.py:create_user", 18, 14),
        ("FR-006", "docstring", "app/users.py:Admin", 22, 15),
        ("FR-007", "comment", "app/users.py:Admin.delete", 25, 11),
        ("FR-008", "comment", "app/users.py", 28, 3),
    ]
    spec_ref = facts.refs[0]
    assert spec_ref.context_specs == ("specs/users/spec.md",)
    assert [r.explicit for r in facts.refs] == [False, True, False, False, True] + [False] * 4


def test_the_fast_reference_path_equals_the_libcst_path() -> None:
    import libcst

    regex = id_regex(CONFIG)
    for path in ("app/users.py", "tests/test_users.py"):
        fast = references_fast(
            REFS_SOURCE, path, is_test_path(path), regex, fake_extract
        )
        scanner = _Scanner(libcst.parse_module(REFS_SOURCE), path, regex, fake_extract)
        assert fast is not None and fast == scanner.references()


def test_the_story_a_module_docstring_names_qualifies_bare_tasks_in_the_whole_file() -> None:
    """``Story 6.1`` at the top of a test module: its ``# Task 2: ...`` comments and the
    ``(Task 3)`` of a class docstring are that story's tasks, on both reference paths; a
    docstring that names its own story keeps it, and a header naming two stories settles
    nothing."""
    import libcst

    from traceaudit.refs import code_refs

    source = textwrap.dedent(
        '''\
        """Tests for ConfigInitService.

        Story 6.1: ConfigInitService and Template
        """


        # Task 2: Environment variable override tests (AC: 2, 3, 5)
        class TestOverrides:
            """Overrides applied at start (Task 3)."""


        def test_other():
            """Story 7.2 Task 4: the scheduler."""
        '''
    )
    regex = id_regex(CONFIG)

    def tasks(text: str) -> list[tuple[str, str | None]]:
        fast = references_fast(text, "tests/test_config.py", True, regex, code_refs)
        tree = _Scanner(libcst.parse_module(text), "tests/test_config.py", regex, code_refs)
        assert fast is not None and fast == tree.references()
        return [(r.target.value, r.target.qualifier) for r in fast if r.target.hint == "task"]

    assert tasks(source) == [("2", "story:6.1"), ("3", "story:6.1"), ("4", "story:7.2")]
    two = source.replace("Story 6.1: ConfigInitService", "Story 6.1 and Story 6.3")
    assert tasks(two) == [("2", None), ("3", None), ("4", "story:7.2")]


def test_references_in_newer_syntax_fall_back_to_libcst() -> None:
    source = 'def first[T](x: T) -> T:\n    """Implements FR-9."""\n    return x\n'
    regex = id_regex(CONFIG)
    assert references_fast(source, "app/x.py", False, regex, fake_extract) is None
    facts = scan_module(source, "app/x.py", "app.x", CONFIG, extract_refs=fake_extract)
    assert ref_rows(facts) == [("FR-9", "docstring", "app/x.py:first", 2, 19)]


def test_a_file_without_reference_candidates_has_no_refs_and_is_not_parsed() -> None:
    facts = scan("def f():\n    return 1  # plain comment\n")
    assert facts.refs == () and facts.scanned is False


def test_the_real_extractor_is_used_by_default() -> None:
    facts = scan_module('"""Implements FR-002, FR-003."""\n', "app/x.py", "app.x", CONFIG)
    assert [r.target.value for r in facts.refs] == ["FR-002", "FR-003"]
    assert all(isinstance(r, CodeRef) and r.source is RefSource.DOCSTRING for r in facts.refs)


def test_a_broken_file_is_reported_even_when_the_prefilter_would_skip_it() -> None:
    facts = scan('"""A helper."""\n\n\ndef archive(note_id: int) -> None\n    return None\n')
    assert facts.parse_error is not None
    assert facts.parse_error[0].line == 4


def test_newer_syntax_in_a_skipped_file_is_no_parse_error() -> None:
    facts = scan("def first[T](items: list[T]) -> T:\n    return items[0]\n")
    assert facts.parse_error is None
    items = pf.Param("items", "pos", pf.Subscript(pf.Name("list"), (pf.Name("T"),)))
    first = pf.FuncDef("first", "first", 1, 1, (), (items,), (), pf.Name("T"), elided=True)
    assert facts.body == (first,)


def test_reference_lines_are_counted_in_the_literal_as_written() -> None:
    source = (
        "def validate(v):\n"
        '    """Reject CR/LF (\\r\\n, \\n) in headers.\n'
        "\n"
        "    Requirements:\n"
        "        - 3.2: header injection\n"
        '    """\n'
    )
    facts = scan_module(source, "app/v.py", "app.v", Config())
    assert [(r.target.value, r.location.line) for r in facts.refs] == [("3.2", 5)]


def test_a_comment_reads_with_the_comment_lines_right_below_it() -> None:
    from traceaudit.refs import extract_refs

    source = textwrap.dedent(
        """\
        # Future endpoints (Phase 4 - User Story 2):
        # - GET /history/{session_id}
        #
        # - DELETE /history/{session_id}
        x = 1  # T012 the cart
        # not part of the line above
        def f():
            # FR-001 keeps the cart
            # for a week
          # another column
            pass
        """
    )
    for parser in ("ast", "libcst"):
        facts = scan_module(source, "app/api.py", "app.api", CONFIG, parser=parser,
                            extract_refs=extract_refs)  # fmt: skip
        # three lines below at most, at the comment's column; code or another column ends it
        assert {r.target.value: r.text for r in facts.refs} == {
            "US2": "Future endpoints (Phase 4 - User Story 2): - GET /history/{session_id}\n"
            "- DELETE /history/{session_id}",
            "T012": "T012 the cart",
            "FR-001": "FR-001 keeps the cart for a week",
        }

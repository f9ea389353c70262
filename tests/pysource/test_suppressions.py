"""Python suppression comments and the lines each covers."""

from __future__ import annotations

from traceaudit.pysource.suppressions import find_suppressions

SOURCE = '''\
"""Module docstring."""
from fastapi import APIRouter

router = APIRouter()


# traceaudit: ignore[TA002] -- health probe
@router.get("/health")
async def health():
    """Probe.

    Implements FR-999.
    """
    return {}


@router.get(
    "/x",  # traceaudit: ignore[TA002, TA009] -- reason two
)
def x(): pass

def y():  # traceaudit: ignore[TA003]
    return 1

TEXT = "# traceaudit: ignore[TA001] -- inside a string"
call(  # traceaudit: ignore[TA012] -- dynamic include
    1,
)
# traceaudit: ignore-file[TA011] -- legacy module
'''


def spans() -> list[tuple[int, tuple[str, ...], str, int, int, bool]]:
    return [
        (s.location.line, s.rules, s.reason, s.first_line, s.last_line, s.whole_file)
        for s in find_suppressions(SOURCE, "app/a.py")
    ]


def test_each_comment_covers_its_statement() -> None:
    assert spans() == [
        (7, ("TA002",), "health probe", 7, 13, False),  # above: the def, docstring included
        (18, ("TA002", "TA009"), "reason two", 17, 20, False),  # in the decorator: the header
        (22, ("TA003",), "", 22, 22, False),  # on a def line, no docstring
        (26, ("TA012",), "dynamic include", 26, 28, False),  # a multi-line simple statement
        (29, ("TA011",), "legacy module", 1, 1 << 30, True),
    ]


def test_columns_point_at_the_directive() -> None:
    found = find_suppressions(SOURCE, "app/a.py")
    assert [s.location.column for s in found] == [3, 14, 13, 10, 3]


def test_unparseable_source_still_gives_the_comment_line() -> None:
    broken = "def f(:\n    pass  # traceaudit: ignore[TA000] -- broken on purpose\n"
    (s,) = find_suppressions(broken, "a.py")
    assert (s.first_line, s.last_line, s.reason) == (2, 2, "broken on purpose")


def test_nothing_without_the_marker() -> None:
    assert find_suppressions("x = 1  # noqa\n", "a.py") == ()

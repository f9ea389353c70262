"""Pattern lists longer than one RE2 set holds (a generated .gitignore, a huge ``exclude``)
are compiled in sets and keep gitignore's verdict exactly, negations included."""

from __future__ import annotations

import random
from pathlib import Path

import pathspec
import pytest

from tests.hostile.support import router, run_audit, sentinel_audited, sentinel_project, write
from traceaudit import globs

_ATOMS = [
    "a", "b", "x.py", "*.py", "a/", "b/", "**/", "*", "?", "c*", "a/b", "a/**/b", "/a", "!a",
    "!b/", "!*.py", "\\!x", "d[ab]", "#c", "", "a/*", "**", "b/**", "!**/b",
]  # fmt: skip
_PATHS = [
    "a", "a/", "b", "b/", "x.py", "a/x.py", "a/b", "a/b/", "a/b/x.py", "c", "cx", "da", "db/",
    "q/a/b", "q/b/", "!x", "a/c/b", "z/x.py", "a/a", "b/b/", "a/b/a",
]  # fmt: skip


@pytest.mark.parametrize("chunk", [1, 3, globs.CHUNK])
def test_chunked_sets_give_the_reference_verdict(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Against pathspec's pure-Python backend (patterns in order, no RE2 set), on random
    lists cut into sets of ``chunk``: the verdict never depends on the cut."""
    monkeypatch.setattr(globs, "CHUNK", chunk)
    rnd = random.Random(chunk)
    checked = 0
    for _ in range(400):
        lines = [
            "".join(rnd.choice(_ATOMS) for _ in range(rnd.randint(1, 2)))
            for _ in range(rnd.randint(1, 12))
        ]
        try:
            reference = pathspec.GitIgnoreSpec.from_lines(lines, backend="simple")
        except Exception:
            continue
        ours = globs._Matcher(tuple(lines))
        for path in _PATHS:
            assert ours.include(path) == reference.check_file(path).include, (lines, path)
            checked += 1
    assert checked > 5000


def test_a_negation_thousands_of_lines_later_still_wins(tmp_path: Path) -> None:
    """Last match wins across sets: ``svc/`` on line 1, ``!svc/`` on line 4,501 (another RE2
    set): so svc/ is audited; gen/ is ignored by line 5,000."""
    sentinel_project(tmp_path)
    lines = [f"pattern{i}/" for i in range(5000)]
    lines[0], lines[4500], lines[4999] = "svc/", "!svc/", "gen/"
    write(tmp_path, ".gitignore", "\n".join(lines) + "\n")
    write(tmp_path, "svc/api.py", router())
    write(tmp_path, "gen/api.py", router(path="/gen"))
    result = run_audit(tmp_path)
    assert sentinel_audited(result)
    files = {r.route.location.path for r in result.routes}
    assert "svc/api.py" in files and "gen/api.py" not in files


def test_invalid_lines_are_found_without_compiling_each_line() -> None:
    lines = [f"p{i}/" for i in range(3000)]
    lines[1234], lines[2999] = "[z-a]", "\\"  # not patterns pathspec reads
    for bad in (lines[1234], lines[2999]):
        with pytest.raises(globs.PatternError):
            globs.validate([bad])
    assert globs.invalid(lines) == [1234, 2999]

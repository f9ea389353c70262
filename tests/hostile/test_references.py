"""References in huge numbers: every one is kept, and the cost grows with their number,
not with its square (the scaling itself is measured in benchmarks/hostile)."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.support import (
    reference_lines,
    run_audit,
    sentinel_audited,
    sentinel_project,
    write,
)
from tests.hostile.test_filesystem import deadline
from traceaudit.audit import load_project
from traceaudit.config import load


def test_five_thousand_docstrings_citing_one_requirement(tmp_path: Path) -> None:
    n = 5000  # took 100 s before: the docstring segment was cut from the whole file each time
    text = "".join(f'def f{i}():\n    """Implements SEN-001."""\n' for i in range(n))
    write(sentinel_project(tmp_path), "app/refs.py", text)
    with deadline(120):
        result = run_audit(tmp_path)
    assert reference_lines(result, "app/refs.py") == [2 + 2 * i for i in range(n)]
    assert sentinel_audited(result)


def test_many_comment_blocks_without_blank_lines(tmp_path: Path) -> None:
    n = 5000  # the pre-filter looked for the end of each block up to the end of the file
    text = "".join(f"# Implements SEN-001\nx{i} = {i}\n" for i in range(n))
    write(sentinel_project(tmp_path), "app/refs.py", text)
    with deadline(120):
        project = load_project(load(tmp_path), jobs=1)
    lines = [r.location.line for r in project.code.refs if r.location.path == "app/refs.py"]
    assert lines == [1 + 2 * i for i in range(n)]  # one symbol (the module): one evidence row

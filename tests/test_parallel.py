"""A process pool only when the work pays for it, biggest files first, and the same
report as a serial run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.corpus import generated_corpus
from traceaudit import audit as pipeline
from traceaudit.audit import audit, workers_for
from traceaudit.config import load
from traceaudit.report.json import json_report


def test_small_work_stays_serial_and_large_work_spreads() -> None:
    per = pipeline.BYTES_PER_WORKER
    assert workers_for(8, 0) == 1
    assert workers_for(8, per - 1) == 1  # not worth a second process
    assert workers_for(8, 3 * per) == 3
    assert workers_for(2, 100 * per) == 2
    assert workers_for(1, 100 * per) == 1


def test_a_parallel_run_is_byte_identical_and_takes_the_biggest_files_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = generated_corpus()
    serial = json_report(audit(load(root), jobs=1))
    seen: list[tuple[int, list[str]]] = []
    real = pipeline.run_tasks

    def spy(func: Any, items: Any, **kwargs: Any) -> Any:
        seen.append((kwargs["workers"], [str(item[1]) for item in items]))
        return real(func, items, **kwargs)

    monkeypatch.setattr(pipeline, "BYTES_PER_WORKER", 1)  # any work pays
    monkeypatch.setattr(pipeline, "run_tasks", spy)
    assert json_report(audit(load(root), jobs=2)) == serial
    code = max(seen, key=lambda s: len(s[1]))
    assert code[0] == 2 and len(code[1]) > 200
    sizes = [os.stat(Path(root) / rel).st_size for rel in code[1]]
    assert sizes == sorted(sizes, reverse=True)

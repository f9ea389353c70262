"""Every in-process audit of these tests runs on a still supervisor clock: no file is ever
over its time budget because the machine is slow or busy (a 10,000-term expression next to
four other jobs' test suites). The tests of the budget itself move the clock
(``support.stall``, ``clock=`` of ``sandbox.run_tasks``); how long real inputs take is
measured by ``benchmarks/hostile``, never here."""

from __future__ import annotations

import pytest

from traceaudit import sandbox


@pytest.fixture(autouse=True)
def _still_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "CLOCK", lambda: 0.0)

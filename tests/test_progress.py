"""The progress bar: on a terminal only, after a second of reading; never in CI, never
with --quiet, never when stderr is not a TTY."""

from __future__ import annotations

import os
import pty
import sys
from pathlib import Path

import pytest

from traceaudit import cli
from traceaudit.cli import main

SHOP = Path(__file__).resolve().parents[1] / "fixtures" / "shop"
LABEL = b"traceaudit: reading files"


def run_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *extra: str, ci: str | None = None
) -> bytes:
    """``run`` with stderr on a pseudo-terminal; what the terminal received."""
    master, slave = pty.openpty()
    stream = open(slave, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setattr(cli, "PROGRESS_AFTER", 0.0)  # every run is "long"
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    try:
        with pytest.raises(SystemExit):
            main(["run", str(SHOP), "--format", "json", "--jobs", "1",
                  "-o", str(tmp_path / "r.json"), *extra])  # fmt: skip
        stream.flush()
        os.set_blocking(master, False)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        stream.close()
        os.close(slave)
        os.close(master)


def test_a_terminal_gets_a_progress_bar(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    got = run_on_a_terminal(monkeypatch, tmp_path)
    assert LABEL in got
    assert b"100%" in got


def test_ci_and_quiet_get_none_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert LABEL not in run_on_a_terminal(monkeypatch, tmp_path, ci="true")
    assert LABEL not in run_on_a_terminal(monkeypatch, tmp_path, "-q")


def test_no_terminal_gets_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "PROGRESS_AFTER", 0.0)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(SystemExit):
        main(["run", str(SHOP), "--format", "json", "--jobs", "1", "-o", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert "reading files" not in err and err.count("\n") == 1  # the summary line only


def test_a_quick_run_gets_none_even_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cli, "PROGRESS_AFTER", 3600.0)
    bar = cli._Progress(True)
    for k in range(1, 11):
        bar.update(k, 10)
    assert bar.bar is None

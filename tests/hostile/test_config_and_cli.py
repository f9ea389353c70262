"""Configuration and command-line errors: exit 2, one line, naming the file, the key
and what the key takes; never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.support import router, sentinel_project, write

T = "[tool.traceaudit]\n"
TRACEAUDIT = [sys.executable, "-c", "from traceaudit.cli import main; main()"]


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*TRACEAUDIT, *args], capture_output=True, text=True, cwd=cwd, timeout=timeout,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-500:])
    assert len(lines) == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert lines[0].startswith("traceaudit: error: "), lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (b'[tool.traceaudit]\nspec = ["caf\xe9"]\n', ["pyproject.toml", "UTF-8"]),
        ((T + 'spec = ["s"]\n').encode("utf-16"), ["pyproject.toml", "UTF-8"]),
        (T + "x = " + "[" * 10_000 + "]" * 10_000 + "\n", ["pyproject.toml", "nested"]),
        (T + "spec = [\n", ["pyproject.toml", "invalid TOML"]),
        (T + "spec = 5\n", ["pyproject.toml [tool.traceaudit] 'spec'", "list of strings", "5"]),
        (T + "code = [1]\n", ["'code'", "list of strings", "integer 1"]),
        (T + "exclude = true\n", ["'exclude'", "boolean true"]),
        (T + "id-pattern = 5\n", ["'id-pattern'", "must be a string"]),
        (T + 'id-pattern = "(x"\n', ["'id-pattern'", "regular expression"]),
        (T + 'id-pattern = "' + "a" * 5000 + '"\n', ["'id-pattern'", "at most"]),
        (T + "apps = 1979-05-27\n", ["'apps'", "date"]),
        (T + "values = [1]\n", ["'values'", "table of strings", "a list"]),
        (T + "[tool.traceaudit.values]\nx = 1\n", ["'values'", "integer 1", "'x'"]),
        (T + 'fail-on = "sometimes"\n', ["'fail-on'", "error, warning, note, never"]),
        (T + 'severity = { TA002 = "fatal" }\n', ["'severity'", "TA002", "error, warning, note"]),
        (T + "severity = { TA002 = 5 }\n", ["'severity'", "integer 5"]),
        (T + "max-file-size = -1\n", ["'max-file-size'", "positive"]),
        (T + "specz = []\n", ["pyproject.toml", "unknown key 'specz'"]),
        ('[tool]\ntraceaudit = "yes"\n', ["pyproject.toml", "'tool.traceaudit'", "table"]),
        (T + 'disable = ["TA999"]\n', ["pyproject.toml [tool.traceaudit] 'disable'", "TA999"]),
        (T + 'severity = { TA999 = "error" }\n', ["'severity'", "TA999"]),
        (T + 'spec = ["../outside"]\n', ["pyproject.toml [tool.traceaudit] 'spec'", "outside"]),
        (T + 'spec = ["/etc"]\n', ["'spec'", "outside the project root"]),
        (T + 'openapi = ["/etc/passwd"]\n', ["'openapi'", "outside the project root"]),
        (T + 'spec = ["nowhere"]\n', ["'spec'", "not found", "nowhere"]),
        (T + 'spec = ["a\\u0000b"]\n', ["'spec'", "NUL"]),
    ],
)
def test_config_errors_name_file_key_and_expectation(
    tmp_path: Path, text: str | bytes, words: list[str]
) -> None:
    write(sentinel_project(tmp_path / "p"), "pyproject.toml", text)
    (tmp_path / "outside").mkdir()
    line = one_error_line(run_cli("run", str(tmp_path / "p")))
    for word in words:
        assert word in line, line


def test_config_files_are_read_like_audited_files(tmp_path: Path) -> None:
    root = sentinel_project(tmp_path / "p")
    os.mkfifo(root / "cfg.toml")
    assert "not a regular file" in one_error_line(
        run_cli("run", str(root), "--config", str(root / "cfg.toml"), timeout=30)
    )
    os.symlink("loop.toml", root / "loop.toml")
    assert "loop.toml" in one_error_line(
        run_cli("run", str(root), "--config", str(root / "loop.toml"))
    )
    write(tmp_path, "outside/secret.toml", '[tool.traceaudit]\nspec = ["XSECRETX"]\n')
    os.symlink(tmp_path / "outside/secret.toml", root / "pyproject.toml")
    line = one_error_line(run_cli("run", str(root)))
    assert "outside the project root" in line and "XSECRETX" not in line
    (root / "pyproject.toml").unlink()
    with (root / "pyproject.toml").open("wb") as fh:  # sparse, 8 GiB
        fh.truncate(8 << 30)
    assert "limit" in one_error_line(run_cli("run", str(root)))


@pytest.mark.parametrize(
    "args",
    [
        ("run", "{root}", "--format", "pdf"),
        ("run", "{root}", "--bogus"),
        ("run", "{root}", "--jobs", "0"),
        ("run", "{root}", "--jobs", "many"),
        ("run", "{root}", "--fail-on", "sometimes"),
        ("scan", "{root}"),
        ("run", "{root}", "{root}"),
        ("run", "{root}", "-o", "{root}"),
        ("run", "{root}", "--format"),
        ("run", "{root}/nowhere"),
        ("run", "{root}", "--spec", "nowhere"),
        ("run", "{root}", "--code", "/etc"),
        ("run", "{root}", "-o", "{root}/sentinel/main.py/r.json"),
        ("run", "{root}", "-o", "/proc/no/such/r.json"),
        (),
    ],
)
def test_usage_errors_are_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    root = sentinel_project(tmp_path)
    proc = run_cli(*(a.format(root=root) for a in args))
    if not args:  # a bare `traceaudit` is its help (exit 2, as ruff does), no traceback
        assert proc.returncode == 2 and "Usage:" in proc.stderr and "Traceback" not in proc.stderr
        return
    one_error_line(proc)


def test_output_makes_the_folders_it_needs(tmp_path: Path) -> None:
    """A CI step writes ``-o reports/x.sarif`` into a fresh checkout: the folders are made."""
    root = sentinel_project(tmp_path / "p")
    target = tmp_path / "no/such/dir/r.json"
    proc = run_cli("run", str(root), "--format", "json", "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    assert '"SEN-001"' in target.read_text()


def test_cli_paths_name_their_option(tmp_path: Path) -> None:
    root = sentinel_project(tmp_path)
    assert "--code: path is outside the project root" in one_error_line(
        run_cli("run", str(root), "--code", "/etc")
    )


# -- never execute the audited tree, whatever the entry point -------------------

MARKERS = ("click", "libcst", "fastapi", "typing", "yaml", "jinja2", "networkx", "tomllib",
           "json", "re", "multiprocessing")  # fmt: skip
PACKAGES = ("markdown_it", "concurrent")


def marker_root(tmp_path: Path) -> tuple[Path, Path]:
    root, marks = sentinel_project(tmp_path / "p"), tmp_path / "marks"
    marks.mkdir()
    for name in MARKERS:
        write(root, f"{name}.py", f"open({str(marks / name)!r}, 'w').write('x')\n")
    for name in PACKAGES:
        write(root, f"{name}/__init__.py", f"open({str(marks / name)!r}, 'w').write('x')\n")
    write(root, "app/uses.py", router())
    write(root, "cfg.toml", 'spec = ["specs"]\n')
    return root, marks


SCRIPT = str(Path(sys.executable).with_name("traceaudit"))


@pytest.mark.parametrize(
    ("command", "cwd_is_root", "extra"),
    [
        ([SCRIPT], True, []),
        ([sys.executable, "-m", "traceaudit"], True, []),
        ([sys.executable, "-m", "traceaudit"], False, []),
        ([sys.executable, "-P", "-m", "traceaudit"], True, []),
        ([SCRIPT], False, ["--config", "{root}/cfg.toml"]),
        ([sys.executable, "-m", "traceaudit"], True, ["--jobs", "2"]),
    ],
    ids=["script", "python-m", "python-m-elsewhere", "python-P-m", "config-into-root", "jobs"],
)
def test_no_entry_point_imports_the_audited_tree(
    tmp_path: Path, command: list[str], cwd_is_root: bool, extra: list[str]
) -> None:
    if not Path(command[0]).exists():
        pytest.skip("no console script next to this interpreter")
    root, marks = marker_root(tmp_path)
    for sub in ("run", "routes", "requirements"):
        args = [sub, "." if cwd_is_root else str(root), "--format", "json"]
        args += [
            e.format(root=root) for e in extra if sub == "run" or (e != "--jobs" and sub == "run")
        ]
        proc = subprocess.run(
            [*command, *args], capture_output=True, text=True, timeout=120,
            cwd=root if cwd_is_root else tmp_path, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert proc.returncode in (0, 1), proc.stderr[-1000:]
        assert '"/hostile"' in proc.stdout or sub == "requirements"
        assert sorted(p.name for p in marks.iterdir()) == []

"""The file system: only regular files inside the root are read; everything else that
looks like a file to audit ends in a TA013 note, never an exception or a hang."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.support import (
    SENTINEL_SPEC,
    can_drop_privileges,
    codes_on,
    findings_on,
    route_lines,
    router,
    run_audit,
    sentinel_audited,
    sentinel_project,
    write,
)
from traceaudit.config import ConfigError, load
from traceaudit.discover import _GitIgnore, discover


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (a FIFO opened for reading blocks forever)."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"no answer in {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def audit_with(tmp_path: Path, plant: object) -> object:
    sentinel_project(tmp_path)
    with deadline(60):
        result = run_audit(tmp_path)
    assert sentinel_audited(result)
    return result


def note_reason(result: object, rel: str) -> str:
    found = findings_on(result, rel)  # type: ignore[arg-type]
    assert [f.rule.code for f in found] == ["TA013"], [f.message for f in found]
    assert found[0].rule.severity.value == "note"
    return found[0].message


@pytest.mark.parametrize(
    "rel", ["specs/x.md", "app/f.py", "tests/test_f.py", "specs/api/contracts/openapi.yaml"]
)
def test_fifo_is_skipped_with_a_note(tmp_path: Path, rel: str) -> None:
    (tmp_path / rel).parent.mkdir(parents=True)
    os.mkfifo(tmp_path / rel)
    result = audit_with(tmp_path, None)
    assert "not a regular file (a FIFO)" in note_reason(result, rel)


def test_socket_is_skipped_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tmp_path / "app/s.py"))
    except OSError as exc:  # a path too long for AF_UNIX
        pytest.skip(f"cannot bind a socket here: {exc}")
    finally:
        sock.close()
    result = audit_with(tmp_path, None)
    assert "not a regular file (a socket)" in note_reason(result, "app/s.py")


def test_device_is_never_opened(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    try:
        os.mknod(tmp_path / "app/zero.py", stat.S_IFCHR | 0o666, os.makedev(1, 5))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot create a device node here: {exc}")
    result = audit_with(tmp_path, None)
    assert "a character device" in note_reason(result, "app/zero.py")


def test_fifo_named_as_gitignore_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / ".gitignore")
    result = audit_with(tmp_path, None)
    assert "not a regular file" in note_reason(result, ".gitignore")


@pytest.mark.parametrize("name", ["pyproject.toml", "traceaudit.toml"])
@pytest.mark.parametrize("kind", ["fifo", "loop", "chain", "dangling", "outside", "folder"])
def test_a_config_that_cannot_be_read_safely_fails_closed(
    tmp_path: Path, name: str, kind: str
) -> None:
    """Never an audit with the defaults a pull request chose by breaking the config:
    a ConfigError (exit 2, one line) that names the file and why."""
    root = sentinel_project(tmp_path / "p")
    path = root / name
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "loop":
        os.symlink(name, path)
    elif kind == "chain":
        for i in range(45):
            os.symlink(f"c{i + 1}.toml", root / f"c{i}.toml")
        write(root, "c45.toml", "[tool.traceaudit]\n")
        os.symlink("c0.toml", path)
    elif kind == "dangling":
        os.symlink("nowhere.toml", path)
    elif kind == "outside":
        write(tmp_path, "outside.toml", "[tool.traceaudit]\n")
        os.symlink(tmp_path / "outside.toml", path)
    else:
        path.mkdir()
    with deadline(30), pytest.raises(ConfigError) as err:
        load(root)
    message = str(err.value)
    assert message.startswith(f"{name}: ") and "\n" not in message
    expected = {"fifo": "not a regular file (a FIFO)", "loop": "loop", "chain": "too many links",
                "dangling": "dangling", "outside": "outside the project root",
                "folder": "not a regular file (a folder)"}[kind]
    assert expected in message, message


def test_a_chain_of_more_links_than_the_system_follows_is_a_note(tmp_path: Path) -> None:
    """``open`` fails with ELOOP past 40 links (Linux), though ``realpath`` resolves them:
    the file is a note as it would be for any other program; a shorter chain is read."""
    (tmp_path / "app").mkdir()
    for i in range(50):
        os.symlink(f"c{i + 1}.py", tmp_path / f"app/c{i}.py")
    write(tmp_path, "app/c50.py", router())
    result = audit_with(tmp_path, None)
    assert "too many" in note_reason(result, "app/c0.py") or "more links" in note_reason(
        result, "app/c0.py"
    )
    assert codes_on(result, "app/c45.py") == []
    assert 6 in route_lines(result, "app/c45.py")


@pytest.mark.parametrize(
    ("links", "rel"),
    [
        ((("app/self.py", "self.py"),), "app/self.py"),
        ((("app/a.py", "b.py"), ("app/b.py", "a.py")), "app/a.py"),
        ((("specs/h/a.md", "b.md"), ("specs/h/b.md", "a.md")), "specs/h/a.md"),
        ((("specs/h/x.md", "../../app/x.py"), ("app/x.py", "../specs/h/x.md")), "app/x.py"),
        ((("app/d1", "d2"), ("app/d2", "d1")), "app/d1"),
        ((("app/up", ".."),), "app/up"),
        (((".kiro/specs", "specs"), ("specs/l", "../.kiro/specs")), "specs/l"),
    ],
)
def test_every_symlink_loop_is_a_note(
    tmp_path: Path, links: tuple[tuple[str, str], ...], rel: str
) -> None:
    for name, target in links:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, tmp_path / name)
    result = audit_with(tmp_path, None)
    assert "loop" in note_reason(result, rel)


def test_dangling_link_is_a_note(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    os.symlink("nowhere.py", tmp_path / "app/dead.py")
    result = audit_with(tmp_path, None)
    assert "dangling" in note_reason(result, "app/dead.py")


def test_links_inside_the_root_are_followed(tmp_path: Path) -> None:
    write(tmp_path, "real/hostile.py", router())
    (tmp_path / "app").mkdir()
    os.symlink("../real/hostile.py", tmp_path / "app/linked.py")
    result = audit_with(tmp_path, None)
    assert route_lines(result, "app/linked.py") == [6]  # type: ignore[arg-type]
    assert codes_on(result, "app/linked.py") == []  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["specs/leak.md", "app/leak.py", ".kiro/specs", "specs/ext"])
def test_nothing_outside_the_root_is_followed(tmp_path: Path, name: str) -> None:
    project, outside = tmp_path / "p", tmp_path / "outside"
    write(outside, "secret.md", "# Secret\n\n- **SEC-001**: System MUST leak XSECRETX.\n")
    write(outside, "secret.py", router(path="/XSECRETX"))
    target = outside / ("secret.py" if name.endswith(".py") else "secret.md")
    (project / name).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(outside if name in (".kiro/specs", "specs/ext") else target, project / name)
    result = audit_with(project, None)
    text = repr(result)
    assert "XSECRETX" not in text and "SEC-001" not in text
    if name != "specs/ext":  # a link to a folder is never followed, and says nothing
        assert "outside the project root" in note_reason(result, name)


def test_depth_of_folders_is_no_limit(tmp_path: Path) -> None:
    deep = "/".join(["d"] * 1200)
    folder = tmp_path
    for _ in range(1200):  # Path.mkdir(parents=True) recurses once per level
        folder = folder / "d"
        folder.mkdir()
    (folder / "x.py").write_text(router(), encoding="utf-8")
    try:
        result = audit_with(tmp_path, None)
        assert route_lines(result, f"{deep}/x.py") == [6]  # type: ignore[arg-type]
    finally:  # shutil.rmtree (pytest's clean-up) recurses once per level too
        (folder / "x.py").unlink()
        while folder != tmp_path:
            folder.rmdir()
            folder = folder.parent


@pytest.mark.skipif(not can_drop_privileges(), reason="file modes do not bind root")
def test_unreadable_folder_is_a_note(tmp_path: Path) -> None:
    write(tmp_path, "app/locked/x.py", router())
    os.chmod(tmp_path / "app/locked", 0)
    try:
        result = audit_with(tmp_path, None)
        assert "cannot be read" in note_reason(result, "app/locked")
    finally:
        os.chmod(tmp_path / "app/locked", 0o755)


def test_a_file_over_the_size_limit_is_skipped(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.traceaudit]\nmax-file-size = 1000\n")
    write(tmp_path, "app/big.py", router("# " + "x" * 2000))
    big = tmp_path / "app/huge.md"
    with big.open("wb") as fh:  # sparse: 8 GiB that take no disk
        fh.truncate(8 << 30)
    result = audit_with(tmp_path, None)
    assert "over the size limit of 1000 bytes" in note_reason(result, "app/big.py")


def test_a_sparse_8_gib_file_is_never_read(tmp_path: Path) -> None:
    write(tmp_path, "specs/sentinel/spec.md", SENTINEL_SPEC)
    for rel in ("app/huge.py", "specs/huge.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        with (tmp_path / rel).open("wb") as fh:
            fh.truncate(8 << 30)
    result = audit_with(tmp_path, None)
    assert "over the size limit" in note_reason(result, "app/huge.py")
    assert "over the size limit" in note_reason(result, "specs/huge.md")


def test_gitignore_globs_never_backtrack(tmp_path: Path) -> None:
    ignore = _GitIgnore()
    ignore.add_text("", "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\n**/*a*a*a*a*a*a*a*a*c\n")
    start = time.monotonic()
    for n in range(100):
        assert not ignore.ignored("a" * 200 + str(n) + ".py", False)
        assert not ignore.ignored("x/" * 300 + "a" * 100, True)
    assert time.monotonic() - start < 5


def test_gitignore_classes_python_rejects(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "[z-a]\n[[:alpha:]]\n[a-[b]\n\\\n[\n*.log\n")
    write(tmp_path, "app/keep.py", router())
    write(tmp_path, "app/x.log.py", "")
    found = discover(load(sentinel_project(tmp_path)))
    assert "app/keep.py" in found.python_files


@pytest.mark.parametrize(
    ("pattern", "path", "is_dir", "ignored"),
    [
        ("*.py", "a.py", False, True),
        ("*.py", "x/a.py", False, True),
        ("/*.py", "x/a.py", False, False),
        ("x/*.py", "x/a.py", False, True),
        ("**/gen", "a/b/gen", True, True),
        ("gen/", "gen", False, False),
        ("docs/**", "docs/a/b.md", False, True),
        ("[!a]*.tmp", "a.tmp", False, False),
        ("[!a]*.tmp", "b.tmp", False, True),
        ("a?c", "abc", False, True),
        ("a?c", "a/c", False, False),
        ("\\#x", "#x", False, True),
    ],
)
def test_gitignore_semantics(pattern: str, path: str, is_dir: bool, ignored: bool) -> None:
    ignore = _GitIgnore()
    ignore.add_text("", pattern + "\n")
    assert ignore.ignored(path, is_dir) is ignored

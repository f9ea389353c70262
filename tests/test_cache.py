"""The cache never changes a result, and never trusts what it did not write.

Every fixture project gives byte-identical JSON cold (writing the cache), warm (reading
it) and without it; one changed file is read again and nothing else; corrupt,
truncated, foreign and forged entries, a linked cache folder and a read-only root each
give one warning and the right result; ``--no-cache`` writes nothing. A whole run is
replayed (the same exit code, stdout, stderr and files) only while nothing it depends
on changed: edits, touches, new and deleted files, configuration, options, the day,
the baseline and the git state each make it audit again.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.corpus import generated_corpus
from traceaudit import cache as cache_module
from traceaudit.audit import _codec, audit_project, load_project
from traceaudit.cache import Cache
from traceaudit.cli import main
from traceaudit.config import load
from traceaudit.report.json import json_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GROUPS = ("rules", "routes", "formats", "patterns")
PROJECTS = sorted(
    [FIXTURES / "shop"]
    + [p for group in GROUPS for p in (FIXTURES / group).iterdir() if p.is_dir()]
)
OLD = time.time_ns() - 3600 * 10**9  # an hour ago: no modification time is "racy"


@pytest.fixture(autouse=True)
def cache_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TRACEAUDIT_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def copy(src: Path, dst: Path) -> Path:
    # A fixture audited by hand (the README's first command audits fixtures/shop) holds a
    # cache folder of its own; the copy starts without it, as a fresh clone does.
    skip = shutil.ignore_patterns(cache_module.DEFAULT_DIR)
    shutil.copytree(src, dst, symlinks=True, ignore=skip)
    for dirpath, _, filenames in os.walk(dst):
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.utime(path, ns=(OLD, OLD))
    return dst


def run(root: Path, cached: bool = True) -> tuple[str, Cache | None]:
    config = load(root)
    cache = None
    if cached:
        cache, why = Cache.open(config)
        assert why is None and cache is not None
    result = audit_project(load_project(config, jobs=1, cache=cache))
    return json_report(result), cache


def entries(root: Path) -> list[Path]:
    return sorted((root / ".traceaudit_cache").glob("v1/*/*.json"))


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_gives_the_same_json_cold_warm_and_uncached(
    project: Path, tmp_path: Path
) -> None:
    root = copy(project, tmp_path / project.name)
    plain, _ = run(root, cached=False)
    cold, first = run(root)
    warm, second = run(root)
    assert cold == plain and warm == plain
    assert first is not None and second is not None
    assert first.written == len(entries(root)) > 0 and first.invalid == 0
    assert second.hits == first.written  # every file from the cache, nothing rewritten
    assert second.written == 0 and second.invalid == 0
    assert (root / ".traceaudit_cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_a_generated_monorepo_gives_the_same_json_warm(tmp_path: Path) -> None:
    root = copy(generated_corpus(), tmp_path / "monorepo")
    plain, _ = run(root, cached=False)
    cold, _ = run(root)
    warm, second = run(root)
    assert cold == plain == warm
    assert second is not None and second.hits > 200 and second.written == 0


def test_one_changed_file_is_read_again_and_nothing_else(tmp_path: Path) -> None:
    root = copy(FIXTURES / "shop", tmp_path / "shop")
    run(root)
    target = root / "app" / "api" / "routes" / "orders.py"
    assert target.exists()
    cold, _ = run(root, cached=False)
    text = target.read_text()
    assert "FR-" in text
    target.write_text(text.replace("FR-", "XR-"))  # its references are gone
    os.utime(target, ns=(OLD + 10**9, OLD + 10**9))
    changed, second = run(root)
    plain, _ = run(root, cached=False)
    assert changed == plain != cold
    assert second is not None and second.written == 1 and second.invalid == 0
    assert second.hits == len(entries(root)) - 1


def test_a_touched_file_is_known_by_its_hash_and_its_entry_rewritten(tmp_path: Path) -> None:
    root = copy(FIXTURES / "shop", tmp_path / "shop")
    cold, _ = run(root)
    target = root / "app" / "api" / "routes" / "orders.py"
    os.utime(target, ns=(OLD + 5 * 10**9, OLD + 5 * 10**9))
    warm, second = run(root)
    assert warm == cold
    assert second is not None and second.written == 1 and second.hits == len(entries(root))
    _, third = run(root)
    assert third is not None and third.written == 0


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(tmp_path: Path) -> None:
    """A file read within two seconds of its modification keeps no stat in its entry:
    the next run hashes it, so a same-size edit in the same clock tick is not missed."""
    root = copy(FIXTURES / "shop", tmp_path / "shop")
    target = root / "app" / "api" / "routes" / "orders.py"
    text = target.read_text()
    target.write_text(text)  # modified just now
    run(root)
    info = target.stat()
    swapped = text.replace("FR-", "XR-", 1)
    assert swapped != text and len(swapped) == len(text)
    target.write_text(swapped)
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
    again, _ = run(root)
    plain, _ = run(root, cached=False)
    assert again == plain


# -- hostile and broken caches ----------------------------------------------------------


def cli(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[str, str]:
    with pytest.raises(SystemExit):
        main(["run", str(root), "--format", "json", "--jobs", "1", *extra])
    got = capsys.readouterr()
    return got.out, got.err


def forge(cache: Cache, path: Path, entry: Any) -> None:
    """An entry with a valid MAC (what someone who had the key could write)."""
    payload = json.dumps(entry).encode()
    path.write_bytes(cache._mac(payload).encode() + b"\n" + payload)


def the_cache(root: Path) -> Cache:
    got, _ = Cache.open(load(root))
    assert got is not None
    return got


def entry_of(root: Path, kind: str, rel: str) -> Path:
    return the_cache(root)._entry_path(kind, rel)


def mutations() -> list[str]:
    return [
        "truncated", "garbage", "empty", "foreign-key", "wrong-types", "huge-int",
        "huge-digits", "deep", "outside-root", "other-file", "not-a-list", "wrong-tag",
        "a-link", "a-folder", "nan-line",
    ]  # fmt: skip


def mutate(root: Path, how: str) -> None:
    rel = "app/api/routes/orders.py"
    path = entry_of(root, "py", rel)
    assert path.exists()
    raw = path.read_bytes()
    mac, _, payload = raw.partition(b"\n")
    entry = json.loads(payload)
    cache = the_cache(root)
    if how == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif how == "garbage":
        path.write_bytes(b"\x80\x81not json at all\n\xff" * 100)
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "foreign-key":  # another machine's cache, committed in a pull request
        other = Cache(cache.root, cache.directory, "x", b"k" * 32)
        path.write_bytes(other._mac(payload).encode() + b"\n" + payload)
    elif how == "wrong-types":
        entry["data"][1] = 42  # the path: not a string
        forge(cache, path, entry)
    elif how == "huge-int":
        entry["mtime_ns"] = 10**40
        forge(cache, path, entry)
    elif how == "huge-digits":
        payload = payload.replace(b'"size":', b'"size":' + b"9" * 5000 + b",\"x\":", 1)
        path.write_bytes(cache._mac(payload).encode() + b"\n" + payload)
    elif how == "deep":
        deep = b"[" * 100_000 + b"]" * 100_000
        payload = payload.replace(b'"data":', b'"data":' + deep + b',"y":')
        path.write_bytes(cache._mac(payload).encode() + b"\n" + payload)
    elif how == "outside-root":
        entry["path"] = "../../../etc/passwd"
        forge(cache, path, entry)
    elif how == "other-file":
        entry["path"] = "app/main.py"
        forge(cache, path, entry)
    elif how == "not-a-list":
        entry["data"] = {"path": rel}
        forge(cache, path, entry)
    elif how == "wrong-tag":
        entry["data"][0] = "SpecDoc"
        forge(cache, path, entry)
    elif how == "a-link":
        path.unlink()
        path.symlink_to(root / "app" / "main.py")
    elif how == "a-folder":
        path.unlink()
        path.mkdir()
    elif how == "nan-line":
        assert first_location(entry["data"])
        forge(cache, path, entry)
    else:
        raise AssertionError(how)
    del mac


def first_location(data: Any) -> bool:
    """Make the first Location's line NaN (a float where an int belongs)."""
    if isinstance(data, list):
        if data and data[0] == "Location":
            data[2] = float("nan")
            return True
        return any(first_location(x) for x in data)
    return False


@pytest.mark.parametrize("how", mutations())
def test_a_broken_or_forged_entry_is_one_warning_and_the_right_result(
    how: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy(FIXTURES / "shop", tmp_path / "shop")
    expected, _ = cli(root, capsys, "--no-cache")
    cli(root, capsys)
    for path in run_entries(root):  # the run replayed would read no file's entry
        path.unlink()
    mutate(root, how)
    out, err = cli(root, capsys)
    assert out == expected
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "cache" in warnings[0], err
    assert "Traceback" not in err
    out, err = cli(root, capsys)  # rebuilt: the next run is clean and the same
    assert out == expected and "warning" not in err


def test_a_linked_cache_folder_is_not_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy(FIXTURES / "shop", tmp_path / "shop")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / ".traceaudit_cache").symlink_to(elsewhere)
    expected, _ = cli(root, capsys, "--no-cache")
    out, err = cli(root, capsys)
    assert out == expected
    assert err.count("warning") == 1 and "symbolic link" in err
    assert list(elsewhere.iterdir()) == []  # nothing written through the link


def test_a_cache_dir_outside_the_root_is_a_configuration_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy(FIXTURES / "shop", tmp_path / "shop")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.traceaudit]\ncache-dir = "../x"\n')
    with pytest.raises(SystemExit) as exc:
        main(["run", str(root), "--format", "json"])
    assert exc.value.code == 2
    assert "cache-dir" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_the_configured_cache_dir_is_used(tmp_path: Path) -> None:
    root = copy(FIXTURES / "shop", tmp_path / "shop")
    (root / "traceaudit.toml").write_text('cache-dir = "build-cache/ta"\n')
    config = load(root)
    assert config.cache_dir == "build-cache/ta"
    cold, _ = run(root)
    assert list((root / "build-cache" / "ta").glob("v1/*/*.json"))
    assert not (root / ".traceaudit_cache").exists()
    warm, second = run(root)
    assert warm == cold and second is not None and second.written == 0


def test_no_cache_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy(FIXTURES / "shop", tmp_path / "shop")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    cli(root, capsys, "--no-cache")
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    assert not (tmp_path / "xdg").exists()  # not even the key


def test_a_read_only_root_still_audits_with_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy(FIXTURES / "shop", tmp_path / "shop")
    expected, _ = cli(root, capsys, "--no-cache")
    real_mkdir = os.mkdir

    def read_only(path: Any, *args: Any, **kwargs: Any) -> None:
        if str(path).startswith(str(root)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", read_only)  # root may write anywhere: as a read-only mount
    out, err = cli(root, capsys)
    assert out == expected
    assert err.count("warning") == 1 and "cannot write the cache" in err
    assert not (root / ".traceaudit_cache").exists()


def test_every_fact_class_round_trips() -> None:
    """The codec knows every class the facts are made of, and a union it could not tell
    apart would fail here, not in a run."""
    codec = _codec()
    assert {"ModuleFacts", "SpecDoc", "OtherFacts", "FuncDef", "Requirement"} <= set(
        codec.by_tag
    )
    monorepo = generated_corpus()
    config = load(monorepo)
    project = load_project(config, jobs=1, keep_modules=True)
    assert project.modules
    for value in [*project.modules, *project.docs, *project.others]:
        data = json.loads(json.dumps(codec.encode(value)))
        assert codec.decode(type(value), data) == value


def test_the_key_stays_outside_the_tree(tmp_path: Path) -> None:
    root = copy(FIXTURES / "shop", tmp_path / "shop")
    run(root)
    key = tmp_path / "xdg" / "traceaudit" / "key"
    assert key.stat().st_size == 32
    assert not any(p.name == "key" for p in (root / ".traceaudit_cache").rglob("*"))
    assert cache_module._key_file() == key


PROBE = """
import atexit, json, sys
def done():
    heavy = [m for m in ("libcst", "markdown_it", "yaml", "jinja2") if m in sys.modules]
    sys.__stderr__.write("HEAVY " + json.dumps(heavy) + "\\n")
atexit.register(done)
from traceaudit.cli import main
main(["run", sys.argv[1], "--format", "json", "-o", sys.argv[2]])
"""


def test_a_warm_run_imports_neither_libcst_nor_markdown_it(tmp_path: Path) -> None:
    root = copy(FIXTURES / "shop", tmp_path / "shop")
    (root / "app" / "new_syntax.py").write_text("type Alias = int\n")  # LibCST reads it
    contract = root / "specs" / "contracts" / "openapi.yaml"  # PyYAML reads it
    contract.parent.mkdir(parents=True, exist_ok=True)
    contract.write_text("openapi: 3.0.0\npaths:\n  /health:\n    get: {}\n")
    env = {**os.environ, "PYTHONSAFEPATH": "1"}
    env.pop("TRACEAUDIT_NO_CACHE", None)
    heavy = []
    reports = []
    for k in range(3):  # cold (writes the cache), then warm twice
        out = tmp_path / f"report{k}.json"
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(root), str(out)],
            env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode in (0, 1), done.stderr
        heavy.append(json.loads(done.stderr.split("HEAVY ", 1)[1].splitlines()[0]))
        reports.append(out.read_bytes())
    # a warm run (JSON out) loads none of them in its process, nor PyYAML or jinja2, though
    # the tree has a contract (the cold run parses files in worker processes)
    assert heavy[1] == heavy[2] == []
    assert reports[0] == reports[1] == reports[2]


# -- the run cache: a whole run replayed while nothing it depends on changed -------------


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run happens a minute after the copy: no file is modified "just now" (a copied
    file's change time is the copy's, and cannot be set back)."""
    monkeypatch.setattr(cache_module, "_now", lambda: time.time_ns() + 60 * 10**9)


class Runs:
    """``traceaudit run`` in this process, counting the runs that audited (a replayed run
    loads no project)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
        import traceaudit.cli as cli_module

        self.capsys = capsys
        self.loaded = 0
        real = cli_module.load_project

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.loaded += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(cli_module, "load_project", counted)

    def __call__(self, *argv: str, files: tuple[Path, ...] = ()) -> tuple[Any, ...]:
        """(exit code, stdout, stderr, each file's bytes) of one run; whether it audited."""
        for path in files:
            path.unlink(missing_ok=True)
        before = self.loaded
        with pytest.raises(SystemExit) as exc:
            main(["run", *argv, "--jobs", "1"])
        got = self.capsys.readouterr()
        written = [p.read_bytes() if p.exists() else None for p in files]
        out = (exc.value.code, got.out, got.err, *written)
        self.audited = self.loaded > before
        return out


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], later: None) -> Runs:
    return Runs(monkeypatch, capsys)


def run_entries(root: Path) -> list[Path]:
    return sorted((root / ".traceaudit_cache").glob("v1/*/run-*.json"))


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_gives_the_same_run_uncached_cold_and_replayed(
    project: Path, tmp_path: Path, runs: Runs
) -> None:
    """Exit code, stdout, stderr and every file written: byte for byte the same."""
    root = copy(project, tmp_path / project.name)
    out = tmp_path / "out"
    files = (out / "a.json", out / "b.md", out / "c.sarif")
    argv = (
        str(root), "--write", f"json={files[0]}", "--write", f"markdown={files[1]}",
        "--write", f"sarif={files[2]}",
    )  # fmt: skip
    plain = runs(*argv, "--no-cache", files=files)
    assert not run_entries(root)
    cold = runs(*argv, files=files)
    if plain[0] == 2:  # no spec files: nothing is audited, nothing stored
        assert cold == plain and "no spec files" in plain[2] and not run_entries(root)
        return
    assert runs.audited and len(run_entries(root)) == 1
    warm = runs(*argv, files=files)
    assert not runs.audited  # replayed
    assert warm == cold == plain
    assert plain[0] in (0, 1) and plain[1] and None not in plain


def shop(tmp_path: Path) -> Path:
    return copy(FIXTURES / "shop", tmp_path / "shop")


def check_change(
    runs: Runs, root: Path, change: Any, *argv: str, files: tuple[Path, ...] = ()
) -> None:
    """After ``change``, the run audits again and gives what an uncached run gives."""
    args = (str(root), "--format", "json", *argv)
    first = runs(*args, files=files)
    assert runs.audited
    assert runs(*args, files=files) == first and not runs.audited
    change()
    after = runs(*args, files=files)
    assert runs.audited, "a stale run was replayed"
    assert after == runs(*args, "--no-cache", files=files)
    assert runs(*args, files=files) == after and not runs.audited  # stored again


def edit(path: Path, old: str, new: str, keep_stat: bool = True) -> None:
    """Replace ``old`` by ``new`` (same length: same size), modification time kept."""
    info = path.stat()
    text = path.read_text()
    assert old in text and len(old) == len(new)
    path.write_text(text.replace(old, new))
    if keep_stat:
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


ORDERS = "app/api/routes/orders.py"


@pytest.mark.parametrize(
    "how", ["edit-same-size-same-mtime", "touch", "add-code", "delete-code", "add-spec",
            "edit-spec", "config", "new-config-file", "gitignore", "delete-spec"],
)  # fmt: skip
def test_a_changed_tree_is_audited_again(how: str, tmp_path: Path, runs: Runs) -> None:
    root = shop(tmp_path)
    target = root / ORDERS
    spec = next(p for p in sorted((root / "specs").rglob("*.md")))

    def change() -> None:
        if how == "edit-same-size-same-mtime":
            edit(target, "FR-", "XR-")
        elif how == "touch":
            os.utime(target, ns=(OLD + 7 * 10**9, OLD + 7 * 10**9))
        elif how == "add-code":
            (root / "app" / "extra.py").write_text('"""Implements FR-001."""\n')
        elif how == "delete-code":
            target.unlink()
        elif how == "add-spec":
            (spec.parent / "more.md").write_text("# More\n\n- **FR-900**: System MUST go.\n")
        elif how == "edit-spec":
            text = spec.read_text()
            spec.write_text(text + "\n- **FR-901**: System MUST also go.\n")
        elif how == "config":
            pyproject = root / "pyproject.toml"
            pyproject.write_text(pyproject.read_text() + '\n[tool.traceaudit]\nfail-on = "note"\n')
        elif how == "new-config-file":
            (root / "traceaudit.toml").write_text('disable = ["TA002"]\n')
        elif how == "gitignore":
            (root / ".gitignore").write_text("app/api/routes/\n")
        elif how == "delete-spec":
            spec.unlink()
        else:
            raise AssertionError(how)

    check_change(runs, root, change)


def test_a_file_modified_within_two_seconds_stores_no_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stat taken right after an edit may not show the next edit in the same clock
    tick: such a run is audited every time (the per-file cache still serves it)."""
    root = shop(tmp_path)
    runs = Runs(monkeypatch, capsys)
    target = root / ORDERS
    target.write_text(target.read_text())  # modified just now
    first = runs(str(root), "--format", "json")
    assert not run_entries(root)
    edit(target, "FR-", "XR-")
    again = runs(str(root), "--format", "json")
    assert runs.audited and again != first
    assert again == runs(str(root), "--format", "json", "--no-cache")


@pytest.mark.parametrize(
    "extra",
    [("--fail-on", "never"), ("--fail-on", "note"), ("--quiet",), ("--statistics",),
     ("--min-coverage", "99"), ("--exit-zero",), ("--all",), ("--format", "text"),
     ("--format", "markdown"), ("--format", "sarif"), ("--format", "csv"),
     ("--format", "junit"), ("--format", "github"), ("--format", "html"),
     ("--source-url", "https://x.test/{commit}/{path}#L{line}"), ("--no-prefilter",),
     ("--today", "2020-01-01"), ("--color", "always"), ("--project-root", "..")],
)  # fmt: skip
def test_every_option_that_changes_the_output_is_its_own_run(
    extra: tuple[str, ...], tmp_path: Path, runs: Runs
) -> None:
    root = shop(tmp_path)
    base = runs(str(root), "--format", "json")
    if extra == ("--project-root", ".."):
        extra = ("--project-root", str(tmp_path), "--format", "sarif")
    if extra[0] == "--color":
        extra = (*extra, "--format", "text")
    got = runs(str(root), "--format", "json", *extra)
    assert runs.audited
    assert got == runs(str(root), "--format", "json", *extra, "--no-cache")
    assert runs(str(root), "--format", "json", *extra) == got and not runs.audited
    assert runs(str(root), "--format", "json") == base
    # the day is part of what a run depends on, not of its name: one stored run per day
    assert not runs.audited or extra[0] == "--today"


def test_another_output_file_is_another_run(tmp_path: Path, runs: Runs) -> None:
    root = shop(tmp_path)
    one, two = tmp_path / "one" / "r.md", tmp_path / "two" / "deeper" / "r.md"
    a = runs(str(root), "--format", "markdown", "-o", str(one), files=(one,))
    b = runs(str(root), "--format", "markdown", "-o", str(two), files=(two,))
    assert runs.audited  # links from the report are relative to its folder
    assert b == runs(str(root), "--format", "markdown", "-o", str(two), "--no-cache", files=(two,))
    assert runs(str(root), "--format", "markdown", "-o", str(one), files=(one,)) == a
    assert not runs.audited


def test_a_waiver_expires_on_its_day_not_on_the_cache(tmp_path: Path, runs: Runs) -> None:
    root = shop(tmp_path)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text()
        + '\n[[tool.traceaudit.waivers]]\nrule = "TA002"\nsubject = "*"\n'
        'reason = "later"\nowner = "@us"\nexpires = 2030-06-30\n'
    )
    before = runs(str(root), "--format", "json", "--today", "2030-06-30")
    assert runs(str(root), "--format", "json", "--today", "2030-06-30") == before
    assert not runs.audited
    after = runs(str(root), "--format", "json", "--today", "2030-07-01")
    assert runs.audited and after != before
    assert after[1].count("TA032") > before[1].count("TA032")
    assert after == runs(str(root), "--format", "json", "--today", "2030-07-01", "--no-cache")


def test_a_changed_baseline_is_read_again(tmp_path: Path, runs: Runs) -> None:
    root = shop(tmp_path)
    baseline = root / ".traceaudit-baseline.json"
    with pytest.raises(SystemExit):
        main(["baseline", str(root), "-o", str(baseline), "--no-cache"])
    runs.capsys.readouterr()
    data = json.loads(baseline.read_text())
    os.utime(baseline, ns=(OLD, OLD))

    def change() -> None:
        data["findings"] = data["findings"][1:]
        info = baseline.stat()
        baseline.write_text(json.dumps(data))
        os.utime(baseline, ns=(info.st_atime_ns, info.st_mtime_ns))

    assert data["findings"]
    check_change(runs, root, change, "--baseline", str(baseline))


def test_timestamped_and_base_runs_are_never_replayed(tmp_path: Path, runs: Runs) -> None:
    root = shop(tmp_path)
    runs(str(root), "--format", "json", "--timestamp")
    runs(str(root), "--format", "json", "--timestamp")
    assert runs.audited and not run_entries(root)


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root, check=True, capture_output=True,
    )  # fmt: skip


def test_a_new_commit_or_a_dirty_tree_is_audited_again(tmp_path: Path, runs: Runs) -> None:
    """JSON shows the commit and whether the tree is dirty: both are part of the run."""
    if shutil.which("git") is None:
        pytest.skip("no git")
    root = shop(tmp_path)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "one")
    first = runs(str(root), "--format", "json")
    assert runs(str(root), "--format", "json") == first and not runs.audited
    git(root, "commit", "-q", "--allow-empty", "-m", "two")  # not one file changed
    second = runs(str(root), "--format", "json")
    assert runs.audited and second != first
    assert second == runs(str(root), "--format", "json", "--no-cache")
    (root / "notes.txt").write_text("untracked\n")  # dirty, and no audited file changed
    third = runs(str(root), "--format", "json")
    assert runs.audited and third != second and '"dirty": true' in third[1]


@pytest.mark.parametrize(
    "how", ["truncated", "garbage", "foreign-key", "other-name", "bad-effect", "bad-code",
            "a-folder"],
)  # fmt: skip
def test_a_broken_or_forged_run_is_one_warning_and_a_normal_run(
    how: str, tmp_path: Path, runs: Runs
) -> None:
    root = shop(tmp_path)
    expected = runs(str(root), "--format", "json", "--no-cache")
    runs(str(root), "--format", "json")
    (path,) = run_entries(root)
    raw = path.read_bytes()
    _, _, payload = raw.partition(b"\n")
    entry = json.loads(payload)
    cache = the_cache(root)
    if how == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif how == "garbage":
        path.write_bytes(b"\xff\x00" * 50)
    elif how == "foreign-key":
        other = Cache(cache.root, cache.directory, "x", b"k" * 32)
        path.write_bytes(other._mac(payload).encode() + b"\n" + payload)
    elif how == "other-name":
        entry["name"] = "0" * 40
        forge(cache, path, entry)
    elif how == "bad-effect":
        entry["effects"][0] = ["out", 3, None, False]
        forge(cache, path, entry)
    elif how == "bad-code":
        entry["code"] = "1"
        forge(cache, path, entry)
    elif how == "a-folder":
        path.unlink()
        path.mkdir()
    got = runs(str(root), "--format", "json")
    assert runs.audited
    assert got[:2] == expected[:2]
    warnings = [line for line in got[2].splitlines() if "warning" in line]
    assert len(warnings) == 1 and "cache" in warnings[0], got[2]
    again = runs(str(root), "--format", "json")
    assert again == expected and not runs.audited  # rebuilt


def test_a_forged_run_with_this_tools_key_replays_only_what_it_says(
    tmp_path: Path, runs: Runs
) -> None:
    """The MAC's key is outside the tree: an entry that passes it was written by this
    tool here. What it can hold is text for stdout, files and stderr, and a code."""
    root = shop(tmp_path)
    runs(str(root), "--format", "json")
    (path,) = run_entries(root)
    entry = json.loads(path.read_bytes().partition(b"\n")[2])
    assert [e[0] for e in entry["effects"]] == ["out"]
    assert entry["code"] in (0, 1) and type(entry["state"]) is str


ORACLE = r"""
import json, os, sys
log = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes)):
        os.write(log, ("open " + os.path.realpath(os.fsdecode(args[0])) + "\n").encode())
import traceaudit.audit as audit_module
import traceaudit.cli as cli_module
from traceaudit.config import load
from traceaudit.discover import discover
real = cli_module.load_project
def begin(config, *args, **kwargs):
    os.write(log, b"BEGIN\n")
    return real(config, *args, **kwargs)
cli_module.load_project = begin
sys.addaudithook(hook)
for root in sys.argv[2:]:
    found = discover(load(__import__("pathlib").Path(root)))
    files = sorted({*found.spec_files, *found.contract_files, *found.python_files,
                    *found.test_files, *found.other_files, *found.deploy_files,
                    *found.doc_files})
    os.write(log, ("ROOT " + json.dumps([os.path.realpath(root), files]) + "\n").encode())
    try:
        cli_module.main(["run", root, "--no-cache", "--format", "json", "-o", os.devnull])
    except SystemExit:
        pass
    os.write(log, b"END\n")
"""


def test_what_a_run_reads_is_what_its_state_names(tmp_path: Path) -> None:
    """Every file the audit opens (in this process or a worker), on every fixture, is one
    whose stat the run's state holds: what it reads before (configuration, discovery) is
    read again by every run, replayed or not."""
    roots = [str(copy(p, tmp_path / f"{p.parent.name}-{p.name}")) for p in PROJECTS]
    log = tmp_path / "opened.log"
    env = {**os.environ, "PYTHONSAFEPATH": "1", "TRACEAUDIT_NO_CACHE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", ORACLE, str(log), *roots],
        env=env, capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    root, files, reading, checked = "", set(), False, 0
    for line in log.read_text().splitlines():
        if line.startswith("ROOT "):
            top, names = json.loads(line[5:])
            root, files, reading = top, {os.path.join(top, n) for n in names}, False
        elif line == "BEGIN":
            reading = True
        elif line == "END":
            reading = False
        elif reading and line.startswith("open "):
            path = line[5:]
            if path.startswith(root + os.sep):
                assert path in files, f"{path} is read by the audit but not in its run's state"
                checked += 1
    assert checked > len(PROJECTS)

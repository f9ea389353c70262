"""The per-file cache never changes a result, and never trusts what it did not write.

Every fixture project gives byte-identical JSON cold (writing the cache), warm (reading
it) and without it; one changed file is read again and nothing else; corrupt,
truncated, foreign and forged entries, a linked cache folder and a read-only root each
give one warning and the right result; ``--no-cache`` writes nothing.
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

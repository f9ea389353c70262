"""The nastiest inputs found (``corpus/``, plus the big ones generated here), audited together
in one project next to the sentinel by the console entry point: no traceback, exit 1 (the
TA000s are errors), the sentinel still audited, and for each input what it must give."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.hostile.support import router, sentinel_project, write
from tests.hostile.test_config_and_cli import run_cli

CORPUS = Path(__file__).with_name("corpus")

# where each corpus file goes, and what the audit must say about it: "read" (no finding,
# its route found), "TA000" (a parse error), or a rule code
PLACED = {
    "cookie_line3.py.bin": ("app/cookie_line3.py", "read", "/cookie"),
    "utf8_comment.py.bin": ("app/utf8_comment.py", "read", "/comment"),
    "utf8_string.py.bin": ("app/utf8_string.py", "TA000", None),
    "cr_only.py.bin": ("app/cr_only.py", "read", "/cr"),
    "nul_byte.py.bin": ("app/nul_byte.py", "TA000", None),
    "bidi.py.bin": ("app/bidi.py", "read", "/bidi"),
    "lone_backtick.md": ("specs/hostile/spec.md", "TA001", None),
    "alias_bomb.yaml": ("specs/hostile/contracts/openapi.yaml", "none", None),
}
GENERATED = {
    # CPython compiles none of these at its default recursion limit, or refuses them outright
    "app/parens.py": (router("X = " + "(" * 100_000 + ")" * 100_000), "TA000", None),
    "app/plus.py": (router("T = " + " + ".join(['"a"'] * 30_000)), "TA000", None),
    # read, though past CPython's default limit: within the analysis's stack budget
    "app/calls.py": (router("Q = a" + ".b()" * 10_000).replace("/hostile", "/calls"), "read",
                     "/calls"),
    "app/strings.py": (router("T = " + " + ".join(['"a"'] * 10_000)).replace(
        "/hostile", "/strings"), "read", "/strings"),
    "specs/deep/spec.md": ("# Deep\n\n" + "> " * 20_000 + "x\n", "TA000", None),
}


def test_every_corpus_input_is_audited_and_the_rest_too(tmp_path: Path) -> None:
    root = sentinel_project(tmp_path / "p")
    expected: dict[str, tuple[str, str | None]] = {}
    for name, (rel, want, route) in PLACED.items():
        write(root, rel, (CORPUS / name).read_bytes())
        expected[rel] = (want, route)
    for rel, (text, want, route) in GENERATED.items():
        write(root, rel, text)
        expected[rel] = (want, route)
    lines = [f"pattern{i}/" for i in range(3_000)] + ["!pattern7/", "ignored/"]
    write(root, ".gitignore", "\n".join(lines) + "\n")  # three RE2 sets
    write(root, "ignored/x.py", router().replace("/hostile", "/ignored"))
    os.mkfifo(root / "app/fifo.py")
    # a subprocess keeps real time: a budget no file reaches however busy the machine (the
    # budget is tested on a clock the tests move, test_nesting and test_specs)
    write(root, "pyproject.toml", "[tool.traceaudit]\nfile-time-budget = 3600\n")
    expected["app/fifo.py"] = ("TA013", None)
    out = tmp_path / "r.json"
    proc = run_cli("run", str(root), "--format", "json", "-o", str(out), timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 1, proc.stderr[-1000:]
    report = json.loads(out.read_text())
    routes = {(r["file"], r["path"]) for r in report["routes"]}
    assert ("sentinel/main.py", "/sentinel") in routes
    assert not any(file == "ignored/x.py" for file, _ in routes)
    by_file: dict[str, list[str]] = {}
    for finding in report["findings"]:
        by_file.setdefault(finding["file"], []).append(finding["code"])
    for rel, (want, route) in expected.items():
        codes = sorted(set(by_file.get(rel, [])))
        if want == "read":
            assert codes == [], (rel, codes)
            assert (rel, route) in routes, rel
        elif want == "none":
            assert "TA000" not in codes, (rel, codes)
        else:
            assert want in codes, (rel, codes)

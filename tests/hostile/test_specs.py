"""Hostile specs and contracts: YAML alias bombs and self-containing aliases, deep nesting,
odd status codes and server URLs, deeply nested Markdown. Each is read or is that file's
TA000; none raises, none loses the rest of the file silently, none stops the audit."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.hostile.support import (
    codes_on,
    findings_on,
    run_audit,
    sentinel_audited,
    sentinel_project,
    stall,
    write,
)
from tests.hostile.test_filesystem import deadline
from traceaudit.model import Config
from traceaudit.sandbox import with_stack
from traceaudit.specs import parse_contract, parse_spec
from traceaudit.specs.tokens import MAX_NESTING

HEAD = 'openapi: 3.0.0\ninfo: {title: Hostile, version: "1"}\n'
PATH = "paths:\n  /hostile:\n    get:\n      responses: {'200': {description: ok}}\n"
CONTRACT = "specs/hostile/contracts/openapi.yaml"


def laughs(levels: int = 9, width: int = 10) -> str:
    """Billion laughs: ``width ** levels`` strings once the aliases are expanded."""
    out = ['  l0: &l0 "lol"']
    for i in range(1, levels + 1):
        out.append(f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "x-defs:\n" + "\n".join(out) + "\n"


def one_endpoint(text: str) -> tuple[str, str | None, bool | None, tuple[int, ...]]:
    doc = parse_contract(text, CONTRACT, Config())
    assert doc.error is None
    (ep,) = doc.endpoints
    return ep.path, ep.auth, ep.auth_required, ep.statuses


@pytest.mark.parametrize(
    ("security", "auth"),
    [
        ("security: &s [*s]\n", (False, "none (security: [])")),  # a list that holds itself
        ("x: &m {a: *m}\nsecurity: [*m]\n", (True, "a")),  # a mapping that holds itself
        ("x: &m {bearer: [*m]}\nsecurity: [*m]\n", (True, "bearer")),
        (laughs() + "security: *l9\n", (False, "none (security: [])")),
        (laughs() + "security: [{key: *l9}]\n", (True, "key")),
    ],
)
def test_alias_bombs_and_cycles_read_only_the_scheme_names(
    security: str, auth: tuple[bool, str]
) -> None:
    with deadline(10):  # expanding the aliases never ends (cycles) or takes 10^9 steps
        path, name, required, statuses = one_endpoint(HEAD + security + PATH)
    assert (path, required, name, statuses) == ("/hostile", *auth, (200,))


def test_billion_laughs_as_an_operations_security_and_responses() -> None:
    text = HEAD + laughs() + PATH + "      security: [{k: *l9}]\n"
    with deadline(10):
        assert one_endpoint(text) == ("/hostile", "k", True, (200,))
    text = HEAD + laughs() + "paths:\n  /hostile:\n    get:\n      responses: *l9\n"
    with deadline(10):
        assert one_endpoint(text) == ("/hostile", None, None, ())


@pytest.mark.parametrize(
    "info",
    ["x: &m {title: *m, description: MCP}\ninfo: *m\n",
     laughs() + "info: {title: *l9, description: *l9}\n", laughs() + "info: *l9\n"],
)  # fmt: skip
def test_an_info_alias_bomb_or_cycle_is_not_expanded(info: str) -> None:
    with deadline(10):
        assert one_endpoint("openapi: 3.0.0\n" + info + PATH)[0] == "/hostile"


@pytest.mark.parametrize(
    ("codes", "statuses"),
    [("'²⁰⁰'", ()), ("'٢٠٠'", ()), ("'600'", ()), ("'099'", ()), ("'201'", (201,)),
     ("2xx", ()), ("default", ())],
)  # fmt: skip
def test_status_codes_are_three_ascii_digits(codes: str, statuses: tuple[int, ...]) -> None:
    text = HEAD + f"paths:\n  /hostile:\n    get:\n      responses:\n        {codes}: {{}}\n"
    assert one_endpoint(text)[3] == statuses


@pytest.mark.parametrize(
    ("servers", "path"),
    [("[{url: 'http://[::1'}]", "/hostile"), ("[{url: 'http://[::1]/v1/'}]", "/v1/hostile"),
     ("[{url: 'https://api.example.com/api'}]", "/api/hostile")],
)  # fmt: skip
def test_a_server_url_that_does_not_split_gives_no_prefix(servers: str, path: str) -> None:
    assert one_endpoint(HEAD + f"servers: {servers}\n" + PATH)[0] == path


@pytest.mark.parametrize(
    "deep",
    ["x-deep: " + "[" * 3000 + "]" * 3000 + "\n",
     "x-deep:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(1500)) + " " * 1501 + "v\n"],
)  # fmt: skip
def test_yaml_nested_past_the_stack_budget_is_an_error_not_an_exception(deep: str) -> None:
    # the composer recurses per level: at the default recursion limit (the worker's is 50
    # times higher) this depth is past it, and the file is that file's error
    assert sys.getrecursionlimit() <= 5000
    doc = parse_contract(HEAD + deep + PATH, CONTRACT, Config())
    assert doc.error == "YAML/JSON nested too deeply to read"
    assert doc.endpoints == ()


def test_hostile_contracts_cost_one_file_never_the_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Aliases that would explode are never expanded (read in full, in time), and a
    contract whose parse outlasts the budget is one TA013 note: PyYAML reads a deep flow at
    a few ms a level, so 20,000 levels outlast it on real machines (benchmarks/hostile times
    that); here its parse is made a stall on a clock that jumps once it has started, so
    that nothing depends on the machine's speed."""
    root = sentinel_project(tmp_path / "root")
    write(root, "pyproject.toml", "[tool.traceaudit]\nfile-time-budget = 3\n")
    write(root, CONTRACT, HEAD + laughs() + "security: &s [*s, *l9]\n" + PATH)
    deep = '{"openapi": "3.0.0", "x": ' + "[" * 20_000 + "]" * 20_000 + ', "paths": {}}'
    write(root, "specs/deep/contracts/openapi.json", deep)
    stall(monkeypatch, tmp_path / "started", "_parse_contract_file",
          "specs/deep/contracts/openapi.json")  # fmt: skip
    with deadline(120):
        result = run_audit(root)
    assert sentinel_audited(result)
    assert codes_on(result, CONTRACT) == ["TA008"]  # its endpoint is served by nothing
    (deep,) = findings_on(result, "specs/deep/contracts/openapi.json")
    assert deep.rule.code == "TA013" and "time budget of 3 s" in deep.message


SPEC_TAIL = "\n\n## Requirements\n\n- **HOS-001**: System MUST keep working.\n"


@pytest.mark.parametrize(
    "deep",
    ["".join("  " * i + "- x\n" for i in range(300)),  # commonmark's preset stopped at 20
     "".join("   " * i + "1. x\n" for i in range(300)),
     "".join("> - " * i + "x\n" for i in range(1, 200)),
     "> " * 5000 + "x\n"],
)  # fmt: skip
def test_deep_markdown_keeps_what_follows(deep: str) -> None:
    text = "# Hostile\n\n" + deep + SPEC_TAIL  # parsed as the workers do, with the stack budget
    doc = with_stack(lambda: parse_spec(text, "specs/hostile/spec.md", Config()))
    assert doc.error is None
    assert [r.id for r in doc.requirements] == ["HOS-001"]


def test_markdown_past_the_nesting_limit_is_an_error_never_a_silent_loss() -> None:
    text = "# Hostile\n\n" + "> " * (MAX_NESTING + 5) + "x\n" + SPEC_TAIL
    doc = with_stack(lambda: parse_spec(text, "specs/hostile/spec.md", Config()))
    assert doc.requirements == ()
    assert doc.error == (
        f"Markdown nested {MAX_NESTING:,} levels deep at line 3: nothing past it can be read"
    )


@pytest.mark.parametrize(
    "inline",
    ["[" * 20_000 + "a" + "](u)" * 20_000, "![" * 20_000 + "a" + "](u)" * 20_000,
     "*a " * 20_000 + "b" + "* " * 20_000, "[a](" * 20_000],
)  # fmt: skip
def test_deep_inline_markup_stays_text_and_fast(inline: str) -> None:
    # inline nesting keeps the preset's limit: past it the brackets are text (nothing is
    # lost) and the parse stays linear (20,000 nested links took 210 s at 10,000)
    with deadline(30):
        doc = parse_spec("# Hostile\n\n" + inline + SPEC_TAIL, "specs/hostile/spec.md", Config())
    assert doc.error is None
    assert [r.id for r in doc.requirements] == ["HOS-001"]

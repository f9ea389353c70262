"""Properties over arbitrary input (hypothesis): the readers of what a pull request holds
never raise, anchors are unique within a file, slugging is idempotent and normalising a
path twice changes nothing. Derandomised with a modest number of examples, so that CI is
fast and a failure is the same on every run."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from traceaudit.config import id_regex
from traceaudit.model import Config
from traceaudit.pysource import scan_module
from traceaudit.pysource.encoding import SourceDecodeError, decode_source
from traceaudit.refs import code_refs
from traceaudit.specs import parse_spec
from traceaudit.specs.recognise import normalise_path
from traceaudit.specs.text import AnchorSlugger, slugify
from traceaudit.trace.paths import normalize_path

PROPERTY = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
CONFIG = Config()
REGEX = id_regex(CONFIG)

# Text that looks like what is audited: Markdown and Python punctuation, ids, paths and
# the characters other tools count as line breaks, mixed with anything at all.
_PIECES = st.sampled_from([
    "# ", "## ", "- ", "**FR-001**", "FR-002", "REQ-1", "`", "``", "```\n", "|", "---", "\n",
    "\r\n", "\r", "\x0c", "\u2028", "\x85", "\x00", "[x](y)", "<img>", "GET /a/{id}", "POST ",
    "/api//v1/", ":id", "{", "}", "(", ")", "[", "]", '"""', "'", "#", "def f():\n    ",
    "@app.get('/x')\n", "\t", "    ", "\ud800", "\U0001f600", "Ω", "ǅ", "İ", "ﬃ",
])  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=40).map("".join),
)
BYTES = st.one_of(
    st.binary(max_size=300),
    TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.tuples(st.sampled_from([b"", b"# coding: latin-1\n", b"\xef\xbb\xbf"]), st.binary(
        max_size=100)).map(b"".join),
)


@PROPERTY
@given(TEXT)
def test_the_spec_parser_never_raises(text: str) -> None:
    doc = parse_spec(text, "specs/x/spec.md", CONFIG)
    assert doc.path == "specs/x/spec.md"


@PROPERTY
@given(TEXT)
def test_the_reference_extractor_never_raises(text: str) -> None:
    lines = re.split(r"\r\n?|\n", text)
    for found in code_refs(text, REGEX):
        assert 0 <= found.line < len(lines) and found.column >= 0


@PROPERTY
@given(BYTES)
def test_the_python_scanner_never_raises(data: bytes) -> None:
    try:
        source = decode_source(data)
    except SourceDecodeError as exc:
        assert exc.line >= 1 and "\n" not in exc.message
        return
    facts = scan_module(source, "app/x.py", "app.x", CONFIG)
    assert facts.path == "app/x.py"
    if facts.parse_error is not None:
        assert facts.parse_error[0].line >= 1


@PROPERTY
@given(TEXT)
def test_slugging_is_idempotent(title: str) -> None:
    once = slugify(title)
    assert slugify(once) == once
    assert not re.search(r"\s", once)


@PROPERTY
@given(st.lists(st.one_of(TEXT, st.sampled_from(["Usage", "usage", "Usage-1", "usage 1", ""])),
                max_size=30))  # fmt: skip
def test_anchors_are_unique_within_a_file(titles: list[str]) -> None:
    slugger = AnchorSlugger()
    anchors = [slugger.anchor(t) for t in titles]
    assert len(set(anchors)) == len(anchors)


@PROPERTY
@given(TEXT)
def test_anchors_of_a_parsed_spec_are_unique(text: str) -> None:
    doc = parse_spec(text, "specs/x/spec.md", CONFIG)
    anchors = [s.anchor for s in doc.sections]
    assert len(set(anchors)) == len(anchors)


@PROPERTY
@given(TEXT)
def test_normalising_a_path_twice_changes_nothing(path: str) -> None:
    once = normalize_path(path)
    assert normalize_path(once) == once
    spec_path = normalise_path(path)
    if spec_path is not None:
        assert normalise_path(spec_path) == spec_path

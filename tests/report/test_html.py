"""The HTML report, structurally: rows, escaping, self-containment, CSP, counts."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from importlib import resources

from tests.report.samples import big_result, empty_result, sample_result
from traceaudit.model import ReqStatus
from traceaudit.report.html import html_report


class Collector(HTMLParser):
    """Every start tag with its attributes, plus the raw text of <script>/<style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag in self.raw:
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.raw[self._in].append(data)

    def find(self, tag: str, cls: str | None = None) -> list[dict[str, str]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and (cls is None or cls in attrs.get("class", "").split())
        ]


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector


def test_html_every_requirement_has_a_row_with_status_class() -> None:
    result = sample_result()
    doc = parse(html_report(result))
    rows = doc.find("tr", "req")
    assert len(rows) == len(result.requirements)
    got = sorted((row["title"], row["data-st"], row["class"]) for row in rows)
    expected = sorted(
        (rr.requirement.key, rr.status.value, f"req st-{rr.status.value}")
        for rr in result.requirements
    )
    assert got == expected
    assert {row["data-st"] for row in rows} == {s.value for s in ReqStatus} - {"not-backend"}


def test_html_escapes_everything() -> None:
    out = html_report(sample_result())
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | login &amp; &lt;b&gt;logout&lt;/b&gt;" in out
    assert "<script>alert(1)" not in out
    assert "<b>logout" not in out
    assert out.count("<script") == 1  # only the report's own inline script


def test_html_is_self_contained() -> None:
    out = html_report(sample_result())
    doc = parse(out)
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:[a-z]+:|//)""", out, re.I)
    assert not re.search(r"https?://", out)
    assert doc.find("link") == [] and doc.find("img") == [] and doc.find("iframe") == []
    assert "@import" not in out and "url(" not in out
    assert all("src" not in attrs for _, attrs in doc.tags)
    # Every in-page link points at an element of the page.
    ids = {attrs["id"] for _, attrs in doc.tags if "id" in attrs}
    hrefs = [attrs["href"] for _, attrs in doc.tags if "href" in attrs]
    assert hrefs and all(h.startswith("#") and h[1:] in ids for h in hrefs)
    assert len(ids) == sum(1 for _, attrs in doc.tags if "id" in attrs)  # ids are unique


def test_html_csp_forbids_network_and_pins_inline_code() -> None:
    doc = parse(html_report(sample_result()))
    (meta,) = [m for m in doc.find("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    csp = meta["content"]
    assert "default-src 'none'" in csp

    def sha(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    (script,) = doc.raw["script"]
    (style,) = doc.raw["style"]
    assert f"script-src 'sha256-{sha(script)}'" in csp
    assert f"style-src 'sha256-{sha(style)}'" in csp


def test_html_counts_and_coverage() -> None:
    out = html_report(sample_result())
    counts = dict(re.findall(r'<b data-count="([a-z_]+)">([^<]*)</b>', out))
    assert counts == {
        "requirements": "6",
        "implemented": "2",
        "unimplemented": "1",
        "coverage": "66.7%",
        "routes": "4",
        "undocumented_routes": "2",
        "error": "2",
        "warning": "3",
        "note": "1",
    }
    assert 'value="66.7">66.7%</meter>' in out
    assert "2 of 4 implemented · 66.7% coverage" in out
    assert '<span class="badge">unimplemented</span>' in out


def test_html_matrix_groups_and_cells() -> None:
    out = html_report(sample_result())
    doc = parse(out)
    specs = re.findall(r'<summary><span class="path mono">([^<]+)</span>', out)
    assert specs == ["specs/auth.md", "specs/orders/spec.md"]
    sections = re.findall(r'<tr class="sec"><th colspan="7">([^<]+)</th></tr>', out)
    assert sections == ["Auth", "Tasks", "Requirements", "API › GET /api/v1/orders", "Out of scope"]
    assert len(doc.find("details", "spec")) == 2 and all("open" in d for d in doc.find("details"))
    fr1 = re.search(
        r'<tr class="req st-implemented" id="req-specs-orders-spec-md-FR-001".*?</tr>', out
    )
    assert fr1 is not None
    row = fr1.group(0)
    impl = '<code>app/api/orders.py:14</code> create_order <span class="via">docstring</span>'
    assert impl in row
    assert '<a href="#route-3">POST /api/v1/orders</a>' in row
    assert (
        "<td>endpoint, reference, test<div><small>test: <code>tests/test_orders.py:3</code>"
    ) in row
    assert '<span class="claim">claimed done</span>' in out


def test_html_endpoint_table() -> None:
    out = html_report(sample_result())
    doc = parse(out)
    routes = doc.find("tr", "rt")
    assert [(r["id"], r["data-doc"]) for r in routes] == [
        ("route-1", "0"),
        ("route-2", "1"),
        ("route-3", "1"),
        ("route-4", "0"),
    ]
    assert len(doc.find("tr", "undoc")) == 2
    post = re.search(r'<tr class="rt doc" id="route-3".*?</tr>', out)
    assert post is not None
    assert '<a href="#req-specs-orders-spec-md-FR-001">specs/orders/spec.md::FR-001</a>' in (
        post.group(0)
    )
    assert "yes (app/deps.py:get_current_user)" in post.group(0)
    health = re.search(r'<tr class="rt undoc" id="route-1".*?</tr>', out)
    assert health is not None
    flags = '<span class="flag">conditional: settings.DEBUG</span><span class="flag">hidden</span>'
    assert flags in health.group(0)


def test_html_findings_by_severity() -> None:
    doc = parse(html_report(sample_result()))
    assert [r["class"] for r in doc.find("tr", "fd")] == [
        "fd sev-error",
        "fd sev-error",
        "fd sev-warning",
        "fd sev-warning",
        "fd sev-warning",
        "fd sev-note",
    ]


def test_html_works_without_js() -> None:
    """Controls need JS, so they start hidden; no row starts filtered out."""
    out = html_report(sample_result())
    doc = parse(out)
    (controls,) = [attrs for _, attrs in doc.tags if attrs.get("id") == "controls"]
    assert "hidden" in controls
    assert not any("off" in attrs.get("class", "").split() for _, attrs in doc.tags)
    assert [b["data-st"] for b in doc.find("button")] == [
        "",
        "implemented",
        "unimplemented",
        "out-of-scope",
        "needs-clarification",
        "informational",
    ]


def test_html_empty_result() -> None:
    out = html_report(empty_result())
    assert "No requirements were found in the specs." in out
    assert "No routes were found." in out
    assert "No findings." in out


def test_html_2000_rows() -> None:
    result = big_result(2000)
    out = html_report(result)
    doc = parse(out)
    rows = doc.find("tr", "req")
    assert len(rows) == 2000
    assert len({row["id"] for row in rows}) == 2000
    assert len(doc.find("details", "spec")) == 20
    assert len(doc.find("tbody", "grp")) == 200
    assert len(out) < 1_500_000  # well under 1 KB per requirement row
    assert html_report(result) == out


def test_templates_are_package_data() -> None:
    templates = resources.files("traceaudit.report") / "templates"
    names = {entry.name for entry in templates.iterdir()}
    assert {"report.html.j2", "report.css", "report.js"} <= names

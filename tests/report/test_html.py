"""The HTML report, structurally: rows, escaping, self-containment, CSP, counts."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

from tests.report.samples import (
    UNDOCUMENTED,
    big_result,
    empty_result,
    row_anchor,
    sample_result,
)
from traceaudit.audit import audit
from traceaudit.config import load
from traceaudit.model import Dismissal, Disposition, Finding, Location, Provenance, ReqStatus
from traceaudit.report.common import ReportOptions
from traceaudit.report.html import html_report
from traceaudit.report.json import json_report

SHOP = Path(__file__).resolve().parents[2] / "fixtures" / "shop"


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


def shop_html(options: ReportOptions | None = None) -> str:
    return html_report(audit(load(SHOP), jobs=1), options or ReportOptions())


def row_of(out: str, anchor: str) -> str:
    match = re.search(rf'<tr class="req" id="{re.escape(anchor)}".*?</tr>', out)
    assert match is not None, anchor
    return match.group(0)


def test_html_every_requirement_has_a_row_with_its_status() -> None:
    result = sample_result()
    doc = parse(html_report(result))
    rows = doc.find("tr", "req")
    assert len(rows) == len(result.requirements)
    got = sorted(row["data-st"] for row in rows)
    assert got == sorted(rr.status.value for rr in result.requirements)
    assert {row["data-st"] for row in rows} == {s.value for s in ReqStatus} - {
        "not-backend",
        "outside-python",
    }


def test_what_is_wrong_comes_first() -> None:
    out = shop_html()
    order = [out.index(f'id="{section}"') for section in (
        "verdict", "by-rule", "top-findings", "matrix", "endpoints", "findings", "provenance"
    )]  # fmt: skip
    assert order == sorted(order)
    by_rule = out[out.index('id="by-rule"') : out.index('id="top-findings"')]
    counts = re.findall(r'<button type="button" class="count" data-rule="(TA\d+)"', by_rule)
    assert counts[:4] == ["TA001", "TA003", "TA000", "TA009"]  # errors first, then most common
    top = out[out.index('id="top-findings"') : out.index('id="matrix"')]
    assert top.count("<li ") == 10 and top.index("sev-error") < top.index("sev-warning")


def test_status_and_findings_agree() -> None:
    """A requirement whose endpoint misses auth (TA009) or whose method differs (TA006)
    is not plain green: its row carries the finding and says so."""
    out = shop_html()
    delete = row_of(out, row_anchor("specs/catalog/spec.md#delete-apiv1productsproduct_id"))
    assert 'data-c="err"' in delete and 'data-r="TA009"' in delete
    assert '<span class="st">implemented, with errors · 1 finding</span>' in delete
    assert '<span class="chip sev-error">TA009</span>' in delete  # its title: on hover
    put = row_of(out, row_anchor("specs/catalog/spec.md#put-apiv1productsproduct_id"))
    assert 'data-c="warn"' in put and ">TA006<" in put
    plain = row_of(out, row_anchor("specs/auth/spec.md::REQ-AUTH-001"))
    assert 'data-c="ok"' in plain and '<span class="st">implemented</span>' in plain
    assert "chip" not in plain
    untraced = row_of(out, row_anchor("specs/orders/spec.md::FR-007"))
    assert 'data-c="bad"' in untraced
    assert '<span class="st">untraced · 1 finding</span>' in untraced


def test_the_same_numbers_as_json() -> None:
    result = audit(load(SHOP), jobs=1)
    out = html_report(result)
    summary = json.loads(json_report(result))["summary"]
    counts = dict(re.findall(r'data-count="([a-z_]+)">([^<]*)<', out))
    assert counts["coverage"] == f"{summary['coverage']:.1f}"
    assert (counts["implemented"], counts["countable"]) == (
        str(summary["implemented"]),
        str(summary["countable"]),
    )
    for sev in ("error", "warning", "note"):
        assert counts[sev] == str(summary["findings"][sev])
    assert counts["routes"] == str(summary["routes"])
    assert counts["undocumented_routes"] == str(summary["undocumented_routes"])
    assert "27 / 29 · 93.1%" not in out  # per spec, never the total in another form
    assert "9 / 10 · 90.0%" in out  # catalog: implemented / countable


def test_nothing_to_count_is_not_100_percent() -> None:
    out = html_report(sample_result())
    auth = out[out.index('data-spec="0"') :]
    assert auth.split("</tr>")[0].endswith('<span class="muted">nothing to count</span></td>')
    assert "n/a" in html_report(empty_result())


def test_html_escapes_everything() -> None:
    out = html_report(sample_result())
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | login &amp; &lt;b&gt;logout&lt;/b&gt;" in out
    assert "<script>alert(1)" not in out
    assert "<b>logout" not in out
    assert out.count("<script") == 3  # the early class, the details (JSON) and the script


def test_the_details_block_cannot_end_its_script() -> None:
    result = sample_result()
    rr = result.requirements[0]
    req = dataclasses.replace(rr.requirement, text="</script><script>alert(1)</script> & more")
    result = dataclasses.replace(
        result, requirements=(dataclasses.replace(rr, requirement=req), *result.requirements[1:])
    )
    out = html_report(result)
    block = out[out.index('<script type="application/json" id="details">') :]
    block = block[: block.index("</script>")]
    assert "<" not in block[len('<script type="application/json" id="details">') :]
    data = json.loads(block.split(">", 1)[1])
    assert any("</script><script>alert(1)</script>" in entry.get("t", "") for entry in data)


def test_html_is_self_contained() -> None:
    out = html_report(sample_result())
    doc = parse(out)
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:[a-z]+:|//)""", out, re.I)
    assert not re.search(r"https?://", out)
    assert doc.find("link") == [] and doc.find("img") == [] and doc.find("iframe") == []
    assert "@import" not in out and "url(" not in out
    assert all("src" not in attrs for _, attrs in doc.tags)
    ids = {attrs["id"] for _, attrs in doc.tags if "id" in attrs}
    hrefs = [attrs["href"] for _, attrs in doc.tags if "href" in attrs]
    inside = [h for h in hrefs if h.startswith("#")]
    assert inside and all(h[1:] in ids for h in inside)  # every in-page link has its target
    # the rest open the source files, relative to the report (no scheme, no host)
    assert all(re.fullmatch(r"[\w./-]+", h) for h in hrefs if not h.startswith("#"))
    assert len(ids) == sum(1 for _, attrs in doc.tags if "id" in attrs)  # ids are unique


def test_source_links() -> None:
    result = audit(load(SHOP), jobs=1)
    result = dataclasses.replace(
        result, provenance=Provenance("0.1.0", "0" * 64, (), commit="abc123", dirty=False)
    )
    template = "https://github.com/o/r/blob/{commit}/{path}#L{line}"
    out = html_report(result, ReportOptions(source_url=template, path_prefix="shop"))
    assert 'href="https://github.com/o/r/blob/abc123/shop/app/api/routes/products.py#L82"' in out
    relative = html_report(result, ReportOptions(link_base="../.."))
    assert 'href="../../app/api/routes/products.py"' in relative


def test_row_links_leave_their_href_to_the_script_only_when_it_rebuilds_it() -> None:
    """A table row's source link is ``<a>TEXT</a>`` when the page's rule (``data-link``,
    ``data-head``) gives its href from the location it shows; any other link is written
    in full (the browser tests check what the script makes of them)."""
    result = audit(load(SHOP), jobs=1)
    result = dataclasses.replace(
        result, provenance=Provenance("0.1.0", "0" * 64, (), commit="abc123", dirty=False)
    )
    template = "https://github.com/o/r/blob/{commit}/{path}#L{line}"
    out = html_report(result, ReportOptions(source_url=template, path_prefix="shop"))
    assert '<body data-link="https://github.com/o/r/blob/abc123/{path}#L{line}"' in out
    assert 'data-head="shop/">' in out
    assert "<a>app/api/routes/products.py:82</a> delete_product" in out
    tables = out[out.index('id="t-req"') : out.index('id="provenance"')]
    assert '<a href="https:' not in tables  # every row link is left to the rule
    assert 'href="https://github.com/o/r/blob/abc123/shop/app/api/routes/products.py#L82"' in out
    # "{line}" in a path and a line number ending a path with no line are not the rule's
    odd = (
        Location("app/{line}/odd.py", 7),
        Location("app/x.py:12", 0),
    )
    routes = tuple(
        dataclasses.replace(rr, route=dataclasses.replace(rr.route, location=loc))
        for rr, loc in zip(result.routes, odd, strict=False)
    )
    result = dataclasses.replace(result, routes=routes + result.routes[len(odd) :])
    relative = html_report(result, ReportOptions(link_base="../.."))
    assert '<body data-link="{path}" data-head="../../">' in relative
    assert '<a href="../../app/{line}/odd.py">app/{line}/odd.py:7</a>' in relative
    assert '<a href="../../app/x.py:12">app/x.py:12</a>' in relative
    assert "<a>app/api/routes/products.py:82</a>" in relative


def test_requirement_row_ids_are_short_readable_and_stable() -> None:
    result = audit(load(SHOP), jobs=1)
    out = html_report(result)
    anchor = row_anchor("specs/orders/spec.md::FR-007")
    assert re.fullmatch(r"req-FR-007-[0-9a-f]{6}", anchor)
    assert f'<tr class="req" id="{anchor}"' in out
    # the same id in another spec file is another row id; a row's id does not depend on
    # the other requirements
    assert row_anchor("specs/other/spec.md::FR-007") != anchor
    fewer = dataclasses.replace(result, requirements=result.requirements[-3:])
    keys = [rr.requirement.key for rr in result.requirements[-3:]]
    assert all(f'id="{row_anchor(k)}"' in html_report(fewer) for k in keys)


def test_html_csp_forbids_network_and_pins_inline_code() -> None:
    doc = parse(html_report(sample_result()))
    (meta,) = [m for m in doc.find("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    csp = meta["content"]
    assert "default-src 'none'" in csp

    def sha(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    early, _data, script = doc.raw["script"]
    (style,) = doc.raw["style"]
    assert f"script-src 'sha256-{sha(early)}' 'sha256-{sha(script)}'" in csp
    assert f"style-src 'sha256-{sha(style)}'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert not any("style" in attrs for _, attrs in doc.tags)  # the CSP would block them


def test_provenance() -> None:
    result = dataclasses.replace(
        audit(load(SHOP), jobs=1),
    )
    assert result.provenance is not None
    with_git = dataclasses.replace(
        result, provenance=dataclasses.replace(result.provenance, commit="f" * 40, dirty=True)
    )
    out = html_report(with_git)
    prov = out[out.index('id="provenance"') :]
    assert "f" * 40 in prov and "with uncommitted changes" in prov
    assert f"sha256 {result.provenance.config_hash}" in prov
    for path, digest in result.provenance.spec_hashes:
        assert f'<span class="mono">{digest[:16]}</span> {path}' in prov
    assert "not recorded (use --timestamp)" in prov
    stamped = dataclasses.replace(
        with_git,
        provenance=dataclasses.replace(with_git.provenance, timestamp="2030-01-02T03:04:05Z"),
    )
    assert "2030-01-02T03:04:05Z" in html_report(stamped)


def test_dismissed_findings_stay_visible_marked() -> None:
    result = sample_result()
    waived = Finding(
        UNDOCUMENTED,
        "GET /x is undocumented",
        Location("app/x.py", 3),
        "GET /x",
        Dismissal(Disposition.WAIVED, "probe", owner="@ops", expires="2030-01-01"),
    )
    out = html_report(dataclasses.replace(result, findings=(*result.findings, waived)))
    row = re.search(r'<tr class="fd dismissed" data-r="TA002" data-sv="warning".*?</tr>', out)
    assert row is not None
    assert "waived: probe; owner @ops; expires 2030-01-01" in row.group(0)


def test_html_works_without_js() -> None:
    """Controls need JS, so they start hidden; no row starts filtered out."""
    out = html_report(sample_result())
    doc = parse(out)
    (controls,) = [attrs for _, attrs in doc.tags if attrs.get("id") == "controls"]
    assert "hidden" in controls
    assert not any("off" in attrs.get("class", "").split() for _, attrs in doc.tags)
    assert [b["data-st"] for b in doc.find("button") if "data-st" in b] == [
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


def test_a_rows_findings_are_written_once_in_all_findings() -> None:
    """The details block names a row's findings by their position in "All findings",
    where each finding's message is written once; no active chip repeats a title (the
    script sets the rule's name on hover), a dismissed one says why."""
    result = audit(load(SHOP), jobs=1)
    out = html_report(result)
    block = out[out.index('<script type="application/json" id="details">') :]
    details = json.loads(block[block.index(">") + 1 : block.index("</script>")])
    rows = re.findall(r'<tr class="req" id="([^"]+)"(?: [^>]*?data-r="([^"]*)")?', out)
    by_index = dict(enumerate(re.findall(r'<tr class="fd[^"]*" data-r="(TA\d+)"', out)))
    assert "data-i=" not in out
    assert len(details) == len(rows) and by_index
    cited = 0
    for (_, codes), entry in zip(rows, details, strict=True):
        refs = entry.get("f", [])
        assert all(isinstance(i, int) for i in refs)
        assert {by_index[i] for i in refs} == set(codes.split())
        cited += len(refs)
    assert cited >= 5
    assert re.findall(r'<span class="chip sev-[a-z]+">TA\d+', out)
    assert not re.search(r'<span class="chip sev-[a-z]+" title=', out)
    names = {f.rule.name for f in result.findings}
    options = re.findall(r'<option value="(TA\d+)">TA\d+ ([a-z-]+)</option>', out)
    assert {name for _, name in options} == names  # what the script's titles are taken from
    waived = dataclasses.replace(result.findings[0], dismissal=Dismissal(Disposition.WAIVED, "x"))
    dim = html_report(dataclasses.replace(result, findings=(waived, *result.findings[1:])))
    chip = f'<span class="chip sev-{waived.rule.severity.value} dim" title="{waived.rule.name} ('
    assert chip in dim


def test_large_report_stays_small() -> None:
    result = big_result(10_000, routes=2_000)
    out = html_report(result)
    doc = parse(out)
    rows = doc.find("tr", "req")
    assert len(rows) == 10_000 and len({row["id"] for row in rows}) == 10_000
    assert len(doc.find("tr", "rt")) == 2_000
    assert len(out) < 8_000_000  # under 600 bytes a requirement, routes and findings included


def test_templates_are_package_data() -> None:
    templates = resources.files("traceaudit.report") / "templates"
    names = {entry.name for entry in templates.iterdir()}
    assert {"report.html.j2", "report.css", "report.js", "early.js"} <= names


def test_a_comparison_marks_what_is_new() -> None:
    from traceaudit.policy import compare

    head = audit(load(SHOP), jobs=1)
    base = dataclasses.replace(head, findings=head.findings[1:])
    out = html_report(compare(head, base, "main @ 0123456789ab"))
    assert "compared with <span class=\"mono\">main @ 0123456789ab</span>" in out
    assert '<h2>This change</h2>' in out
    assert out.count('<b class="new">new</b>') >= 2  # in the findings table and its row
    assert '<input type="checkbox" id="f-new">' in out

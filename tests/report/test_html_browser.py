"""The HTML report in a real browser (the system Chromium, driven by Playwright).

Filters, search, sorting, expanding rows and pagination change what is shown; nothing
goes to the network and nothing is logged as an error; 800, 1,280 and 1,920 px wide
pages never scroll sideways and no column is squeezed below its content; 10,000
requirements become interactive in under 2 s. Screenshots of every width are taken
into the test's temporary folder, or into ``$TRACEAUDIT_SCREENSHOTS`` when set, so
that a person can look at them; they are never committed.

Runs only when playwright is importable and a system Chromium exists at
/usr/bin/chromium (no browser is ever downloaded); skipped otherwise.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.report.samples import big_result, row_anchor, sample_result
from traceaudit.audit import audit
from traceaudit.config import load
from traceaudit.model import Provenance
from traceaudit.report.common import ReportOptions, source_link
from traceaudit.report.html import html_report

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOP = Path(__file__).resolve().parents[2] / "fixtures" / "shop"

sync_api = pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():
    pytest.skip("no system Chromium at /usr/bin/chromium", allow_module_level=True)

VISIBLE = "(sel) => Array.from(document.querySelectorAll(sel)).filter(r => r.offsetParent !== null)"
VISIBLE_REQS = "() => document.querySelectorAll('tr.req:not(.off):not(.pg-hide)').length"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shop_html() -> str:
    result = audit(load(SHOP), jobs=1)
    return html_report(result, ReportOptions(link_base="."))


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("TRACEAUDIT_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture()
def problems() -> list[str]:
    """Requests other than the report file, console errors (CSP violations) and page errors."""
    return []


def watch(pg: Any, problems: list[str]) -> None:
    pg.on("request", lambda r: r.url.startswith("file://") or problems.append(r.url))
    pg.on("console", lambda m: m.type == "error" and problems.append(m.text))
    pg.on("pageerror", lambda e: problems.append(str(e)))


@pytest.fixture()
def page(browser: Any, problems: list[str]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(120_000)  # 2 shared cores: be patient, never flaky
    pg = context.new_page()
    watch(pg, problems)
    yield pg
    context.close()


def wait_for(page: Any, function: str, expected: object, timeout: float = 60.0) -> None:
    """Poll a JS function until it returns ``expected``.

    ``page.wait_for_function`` compiles its polling predicate with eval, which the
    report's Content-Security-Policy (rightly) forbids; ``evaluate`` does not.
    """
    deadline = time.monotonic() + timeout
    while (value := page.evaluate(function)) != expected:
        assert time.monotonic() < deadline, f"{function} stayed {value}, expected {expected}"
        time.sleep(0.05)


def open_report(page: Any, tmp_path: Path, html: str, name: str = "report.html") -> None:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_selector("html[data-ready]", state="attached")


def visible_ids(page: Any, selector: str) -> list[str]:
    return list(page.evaluate(f"(sel) => ({VISIBLE})(sel).map(r => r.id)", selector))


def test_search_hides_rows(page: Any, tmp_path: Path, problems: list[str]) -> None:
    open_report(page, tmp_path, html_report(sample_result()))
    assert len(visible_ids(page, "tr.req")) == 6
    assert page.inner_text("#shown").startswith("6 of 6 requirements")
    page.fill("#q", "refund")
    wait_for(page, VISIBLE_REQS, 1)
    assert visible_ids(page, "tr.req") == [row_anchor("specs/orders/spec.md::FR-002")]
    assert page.inner_text("#shown").startswith("1 of 6 requirements")
    assert len(visible_ids(page, "tr.fd")) == 1  # search covers the findings too
    page.fill("#q", "")
    wait_for(page, VISIBLE_REQS, 6)
    assert problems == []


def test_search_matches_escaped_text_without_running_it(
    page: Any, tmp_path: Path, problems: list[str]
) -> None:
    open_report(page, tmp_path, html_report(sample_result()))
    page.fill("#q", "<script>alert(1)")
    wait_for(page, VISIBLE_REQS, 1)
    assert visible_ids(page, "tr.req") == [row_anchor("specs/auth.md::REQ-AUTH-001")]
    assert page.evaluate("document.querySelectorAll('tr.req script, tr.req b').length") == 0
    assert problems == []


def test_status_spec_rule_and_severity_filters(
    page: Any, tmp_path: Path, shop_html: str, problems: list[str]
) -> None:
    open_report(page, tmp_path, shop_html)
    page.click("button[data-st='unimplemented']")
    wait_for(page, VISIBLE_REQS, 2)
    assert page.get_attribute("button[data-st='unimplemented']", "aria-pressed") == "true"
    page.click("button[data-st='']")
    page.select_option("#f-spec", label="specs/catalog/spec.md")
    wait_for(page, VISIBLE_REQS, 10)
    page.click("#clear")
    wait_for(page, VISIBLE_REQS, 43)
    # a count in "Findings by rule" filters every table to that rule
    page.click("button.count[data-rule='TA009']")
    wait_for(page, VISIBLE_REQS, 1)
    assert visible_ids(page, "tr.req") == [
        row_anchor("specs/catalog/spec.md#delete-apiv1productsproduct_id")
    ]
    assert len(visible_ids(page, "tr.rt")) == 1
    assert page.evaluate(f"({VISIBLE})('tr.fd').length") == 1
    assert page.get_attribute("button.count[data-rule='TA009']", "aria-pressed") == "true"
    page.click("button.count[data-rule='TA009']")  # again: off
    wait_for(page, VISIBLE_REQS, 43)
    # a severity in the verdict filters by it: 9 active warnings
    page.click("button.sevbtn[data-sev='warning']")
    wait_for(page, f"() => ({VISIBLE})('tr.fd').length", 9)
    page.click("button.sevbtn[data-sev='warning']")
    page.check("#undoc")
    wait_for(page, f"() => ({VISIBLE})('tr.rt').length", 2)
    assert problems == []


def test_sorting(page: Any, tmp_path: Path, shop_html: str, problems: list[str]) -> None:
    open_report(page, tmp_path, shop_html)
    ids = (
        "() => Array.from(document.querySelectorAll('tr.req'))"
        ".map(r => r.cells[0].innerText.trim())"
    )
    page.click("#t-req th[data-sort='id'] button")
    wait_for(page, "() => document.querySelector('#t-req th[data-sort=id]').ariaSort", "ascending")
    first = page.evaluate(ids)
    assert first == sorted(
        first,
        key=lambda s: [
            int(p) if p.isdigit() else p.lower() for p in __import__("re").split(r"(\d+)", s)
        ],
    )
    page.click("#t-req th[data-sort='id'] button")
    assert page.evaluate(ids) == first[::-1]
    page.click("#t-req th[data-sort='st'] button")  # untraced first, then errors, warnings
    states = page.evaluate(
        "() => Array.from(document.querySelectorAll('tr.req')).map(r => r.dataset.c)"
    )
    rank = {"bad": 0, "err": 1, "warn": 2, "ok": 3, "na": 4}
    assert [rank[s] for s in states] == sorted(rank[s] for s in states)
    assert states[:2] == ["bad", "bad"] and states[2] == "err"
    page.click("#t-rt th[data-sort='path'] button")
    paths = page.evaluate(
        "() => Array.from(document.querySelectorAll('tr.rt')).map(r => r.cells[1].innerText)"
    )
    assert paths == sorted(paths, key=str.lower)
    assert problems == []


def test_a_row_expands_to_its_evidence_chain(
    page: Any, tmp_path: Path, shop_html: str, problems: list[str]
) -> None:
    open_report(page, tmp_path, shop_html)
    row = "#" + row_anchor("specs/catalog/spec.md#delete-apiv1productsproduct_id")
    page.click(f"{row} button.x")
    detail = page.locator(f"{row} + tr.dt")
    text = detail.inner_text()
    assert "TA009 missing-auth" in text and "must require authentication" in text
    assert "endpoint DELETE /api/v1/products/{product_id}" in text
    assert page.get_attribute(f"{row} button.x", "aria-expanded") == "true"
    page.hover(f"{row} .chip")  # the chip's title, the rule's name, is set on hover
    assert page.get_attribute(f"{row} .chip", "title") == "missing-auth"
    chain = detail.locator("li.chain").first.inner_text()
    assert chain.startswith("app/api/routes/products.py:82 delete_product")
    assert chain.endswith("delete-apiv1productsproduct_id")
    # a task-mediated link shows each hop: code -> task -> requirement
    page.click("#" + row_anchor("specs/orders/spec.md::FR-010") + " button.x")
    page.click(f"{row} button.x")
    assert page.locator(f"{row} + tr.dt").count() == 0
    assert problems == []


def test_pages_of_a_large_report(page: Any, tmp_path: Path, problems: list[str]) -> None:
    open_report(page, tmp_path, html_report(big_result(2000, routes=300)), "big.html")
    assert page.evaluate(VISIBLE_REQS) == 100  # one page at first
    assert page.inner_text(".pager[data-for='t-req'] span") == "Showing 100 of 2,000"
    page.click(".pager[data-for='t-req'] button[data-more]")
    wait_for(page, VISIBLE_REQS, 200)
    page.fill("#q", "FR-1234")
    wait_for(page, VISIBLE_REQS, 1)
    assert visible_ids(page, "tr.req") == [row_anchor("specs/feature-14/spec.md::FR-1234")]
    page.fill("#q", "")
    page.click("button[data-st='unimplemented']")
    wait_for(page, VISIBLE_REQS, 100)
    assert page.inner_text(".pager[data-for='t-req'] span") == "Showing 100 of 500"
    page.click(".pager[data-for='t-req'] button[data-all]")
    wait_for(page, VISIBLE_REQS, 500)
    # a link to a row on a later page brings it into view
    page.click("#clear")
    later = row_anchor("specs/feature-19/spec.md::FR-1999")
    page.evaluate(f"location.hash = '#{later}'")
    wait_for(page, f"() => document.getElementById('{later}').offsetParent !== null", True)
    assert problems == []


LINKS = """() => Array.from(document.querySelectorAll('tbody tr'))
  .filter(r => r.offsetParent !== null)
  .flatMap(r => Array.from(r.querySelectorAll('a')))
  .map(a => [a.textContent, a.getAttribute('href')])"""


@pytest.mark.parametrize(
    "options",
    [
        ReportOptions(
            source_url="https://x.test/o/r/blob/{commit}/{path}#L{line}", path_prefix="shop"
        ),
        ReportOptions(link_base="../.."),
    ],
    ids=["source-url", "relative"],
)
def test_the_script_gives_every_shown_row_link_the_href_of_its_location(
    page: Any, tmp_path: Path, problems: list[str], options: ReportOptions
) -> None:
    """Row links are written without their href (html.py, _Links); every one that is shown
    gets exactly the href ``source_link`` gives its location, and so do the findings a
    row's evidence chain copies from "All findings"."""
    result = dataclasses.replace(
        audit(load(SHOP), jobs=1),
        provenance=Provenance("0.1.0", "0" * 64, (), commit="abc123", dirty=False),
    )
    commit = "abc123"
    expected: set[tuple[str, str | None]] = set()
    for rr in result.requirements:
        expected.add((rr.requirement.id, source_link(rr.requirement.location, options, commit)))
        for ev in (*rr.implemented_by, *rr.verified_by):
            expected.add((ev.location.full, source_link(ev.location, options, commit)))
    for rt in result.routes:
        expected.add((rt.route.location.full, source_link(rt.route.location, options, commit)))
    for f in result.findings:
        if f.location.path:
            expected.add((f.location.full, source_link(f.location, options, commit)))
    open_report(page, tmp_path, html_report(result, options))
    got = [tuple(pair) for pair in page.evaluate(LINKS)]
    sources = [(text, href) for text, href in got if href is None or not href.startswith("#")]
    assert len(sources) > 100 and all(href for _, href in sources)
    assert set(sources) <= expected
    row = "#" + row_anchor("specs/catalog/spec.md#delete-apiv1productsproduct_id")
    page.click(f"{row} button.x")
    copied = page.evaluate(
        f"() => Array.from(document.querySelectorAll('{row} + tr.dt a'))"
        ".map(a => [a.textContent, a.getAttribute('href')])"
    )
    assert copied and {tuple(pair) for pair in copied} <= expected
    assert problems == []


def test_without_javascript_everything_is_visible(browser: Any, tmp_path: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    path = tmp_path / "report.html"
    path.write_text(html_report(big_result(300, routes=20)), encoding="utf-8")
    pg.goto(path.as_uri())
    assert pg.locator("tr.req:visible").count() == 300  # no page limit without the script
    assert pg.locator("tr.rt:visible").count() == 20
    assert pg.locator("#controls").is_hidden()  # the filters need JS, so they stay hidden
    assert pg.locator(".pager").first.is_hidden()
    context.close()


def test_print_shows_every_row_and_no_controls(
    page: Any, tmp_path: Path, shots: Path, problems: list[str]
) -> None:
    open_report(page, tmp_path, html_report(big_result(300, routes=20)))
    page.fill("#q", "FR-0001")
    wait_for(page, VISIBLE_REQS, 1)
    page.emulate_media(media="print")
    assert page.evaluate(f"({VISIBLE})('tr.req').length") == 300
    assert page.locator("#controls").is_hidden()
    page.pdf(path=str(shots / "report.pdf")) if hasattr(page, "pdf") else None
    page.emulate_media(media="screen")
    assert problems == []


COLUMNS = """() => {
  const out = [];
  for (const table of document.querySelectorAll('table')) {
    if (table.offsetParent === null) continue;
    for (const th of table.tHead.rows[0].cells) {
      const width = th.getBoundingClientRect().width;
      out.push({table: table.id || table.className, col: th.innerText, width: width});
    }
  }
  return out;
}"""
OVERFLOW = """() => Array.from(document.querySelectorAll('td, th'))
  .filter(c => c.offsetParent !== null && c.scrollWidth > c.clientWidth + 1)
  .map(c => c.innerText.slice(0, 40))"""


@pytest.mark.parametrize("width", [800, 1280, 1920])
def test_no_horizontal_scroll_and_no_collapsed_column(
    browser: Any, tmp_path: Path, shop_html: str, shots: Path, width: int
) -> None:
    problems: list[str] = []
    context = browser.new_context(viewport={"width": width, "height": 900})
    pg = context.new_page()
    watch(pg, problems)
    open_report(pg, tmp_path, shop_html)
    pg.screenshot(path=str(shots / f"shop-{width}.png"))
    pg.screenshot(path=str(shots / f"shop-{width}-full.png"), full_page=True)
    assert pg.evaluate("document.documentElement.scrollWidth") <= width
    narrow = [c for c in pg.evaluate(COLUMNS) if c["width"] < 56]
    assert narrow == []
    assert pg.evaluate(OVERFLOW) == []
    pg.click("#" + row_anchor("specs/catalog/spec.md#delete-apiv1productsproduct_id") + " button.x")
    pg.evaluate("document.getElementById('matrix').scrollIntoView()")
    pg.screenshot(path=str(shots / f"shop-{width}-matrix.png"))
    assert pg.evaluate("document.documentElement.scrollWidth") <= width
    assert problems == []
    context.close()


def test_ten_thousand_requirements_are_interactive_in_under_two_seconds(
    browser: Any, tmp_path: Path, shots: Path
) -> None:
    """The page's own clock, from navigation to the end of its script (the best of 3
    loads, as the machine is shared): parse, first layout and every row indexed."""
    path = tmp_path / "10k.html"
    path.write_text(html_report(big_result(10_000, routes=2_000)), encoding="utf-8")
    times = []
    for _ in range(3):
        problems: list[str] = []
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        watch(pg, problems)
        pg.goto(path.as_uri())
        pg.wait_for_selector("html[data-ready]", state="attached", timeout=120_000)
        times.append(int(pg.evaluate("document.documentElement.dataset.ready")))
        assert pg.evaluate(VISIBLE_REQS) == 100
        pg.fill("#q", "FR-9876")
        wait_for(pg, VISIBLE_REQS, 1)
        assert problems == []
        if len(times) == 1:
            pg.screenshot(path=str(shots / "10k-1280.png"))
        context.close()
        if min(times) < 2000:
            break
    print(f"10,000 requirements interactive after {times} ms")
    assert min(times) < 2000, times

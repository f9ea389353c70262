"""The HTML report in a real browser: filters work, nothing goes to the network.

Runs only when playwright is importable and a system Chromium exists at
/usr/bin/chromium (no browser is ever downloaded); skipped otherwise.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.report.samples import big_result, sample_result
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

sync_api = pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():
    pytest.skip("no system Chromium at /usr/bin/chromium", allow_module_level=True)

VISIBLE_REQS = "() => document.querySelectorAll('tr.req:not(.off)').length"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def problems() -> list[str]:
    """Requests other than the report file, console errors (CSP violations) and page errors."""
    return []


@pytest.fixture()
def page(browser: Any, problems: list[str]) -> Iterator[Any]:
    context = browser.new_context()
    context.set_default_timeout(120_000)  # 2 shared cores: be patient, never flaky
    pg = context.new_page()
    pg.on("request", lambda r: r.url.startswith("file://") or problems.append(r.url))
    pg.on("console", lambda m: m.type == "error" and problems.append(m.text))
    pg.on("pageerror", lambda e: problems.append(str(e)))
    yield pg
    context.close()


def wait_for(page: Any, function: str, expected: int, timeout: float = 60.0) -> None:
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
    page.wait_for_selector("#controls:not([hidden])")


def visible_ids(page: Any, selector: str) -> list[str]:
    return list(
        page.evaluate(
            "(sel) => Array.from(document.querySelectorAll(sel))"
            ".filter(r => r.offsetParent !== null).map(r => r.id)",
            selector,
        )
    )


def test_search_hides_rows(page: Any, tmp_path: Path, problems: list[str]) -> None:
    open_report(page, tmp_path, html_report(sample_result()))
    assert len(visible_ids(page, "tr.req")) == 6
    assert page.inner_text("#shown") == "6 of 6 requirements shown"

    page.fill("#q", "refund")
    wait_for(page, VISIBLE_REQS, 1)
    assert visible_ids(page, "tr.req") == ["req-specs-orders-spec-md-FR-002"]
    assert page.inner_text("#shown") == "1 of 6 requirements shown"
    # The auth spec has no match left: its whole group is hidden.
    assert page.evaluate("document.querySelectorAll('details.spec.off').length") == 1
    # Search covers findings too: only the TA001 finding mentions the refund.
    assert len(visible_ids(page, "tr.fd")) == 1

    page.fill("#q", "")
    wait_for(page, VISIBLE_REQS, 6)
    assert len(visible_ids(page, "tr.fd")) == 6
    assert problems == []


def test_search_matches_escaped_text_without_running_it(
    page: Any, tmp_path: Path, problems: list[str]
) -> None:
    open_report(page, tmp_path, html_report(sample_result()))
    page.fill("#q", "<script>alert(1)")
    wait_for(page, VISIBLE_REQS, 1)
    assert visible_ids(page, "tr.req") == ["req-specs-auth-md-REQ-AUTH-001"]
    assert page.evaluate("document.querySelectorAll('tr.req script, tr.req b').length") == 0
    assert problems == []


def test_status_buttons_and_undocumented_toggle(
    page: Any, tmp_path: Path, problems: list[str]
) -> None:
    open_report(page, tmp_path, html_report(sample_result()))
    page.click("button[data-st='implemented']")
    wait_for(page, VISIBLE_REQS, 2)
    assert visible_ids(page, "tr.req") == [
        "req-specs-orders-spec-md-FR-001",
        "req-specs-orders-spec-md-get-apiv1orders",
    ]
    assert page.get_attribute("button[data-st='implemented']", "aria-pressed") == "true"
    assert page.get_attribute("button[data-st='']", "aria-pressed") == "false"

    page.check("#undoc")
    wait_for(page, "() => document.querySelectorAll('tr.rt:not(.off)').length", 2)
    assert visible_ids(page, "tr.rt") == ["route-1", "route-4"]

    page.click("button[data-st='']")
    wait_for(page, VISIBLE_REQS, 6)
    assert problems == []


def test_without_javascript_everything_is_visible(browser: Any, tmp_path: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    path = tmp_path / "report.html"
    path.write_text(html_report(sample_result()), encoding="utf-8")
    pg.goto(path.as_uri())
    assert pg.locator("tr.req").count() == 6
    assert pg.locator("tr.req:visible").count() == 6
    assert pg.locator("tr.rt:visible").count() == 4
    assert pg.locator("#controls").is_hidden()  # the filters need JS, so they stay hidden
    context.close()


def test_large_report_filters(page: Any, tmp_path: Path, problems: list[str]) -> None:
    open_report(page, tmp_path, html_report(big_result(2000)), "big.html")
    assert page.evaluate(VISIBLE_REQS) == 2000
    page.fill("#q", "FR-1234")
    wait_for(page, VISIBLE_REQS, 1)
    assert visible_ids(page, "tr.req") == ["req-specs-feature-14-spec-md-FR-1234"]
    page.fill("#q", "")
    page.click("button[data-st='unimplemented']")
    wait_for(page, VISIBLE_REQS, 500)
    assert problems == []

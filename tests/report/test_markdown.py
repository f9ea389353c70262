"""The Markdown PR summary: a golden for the tiny result, escaping, order, the size limit."""

from __future__ import annotations

import dataclasses
import re

from tests.report.samples import UNDOCUMENTED, big_result, empty_result, sample_result, tiny_result
from traceaudit.model import Finding, Location
from traceaudit.report.common import ReportOptions
from traceaudit.report.markdown import _cell, _code, markdown_report

TINY_MARKDOWN = """\
## traceaudit `project`

**Coverage 0/1 (0.0%)** of 1 countable requirement · 1 route (1 undocumented) · 0 errors \
· 1 warning · 0 notes

1 requirement in 1 spec file. Coverage is implemented / countable requirements.

### Top findings (1)

| Severity | Rule | Location | Message |
| --- | --- | --- | --- |
| warning | [TA002](https://github.com/traceaudit/traceaudit#ta002-undocumented-endpoint) \
undocumented-endpoint | `app/pay.py:7` | POST /pay is served but no spec documents it |

<details>
<summary>Coverage by spec file (1 spec file)</summary>

| Spec file | Title | Requirements | Coverage |
| --- | --- | ---: | ---: |
| `specs/a.md` | Payments | 1 | 0/1 (0.0%) |

</details>

<details>
<summary>Requirement matrix (1 requirement)</summary>

**`specs/a.md`** — Payments

| ID | Title | Line | Status | Findings | Implemented by | Routes |
| --- | --- | ---: | --- | --- | --- | --- |
| `FR-001` | Pay \\| refund | 3 | untraced |  |  |  |

</details>

<details>
<summary>Routes (1 route)</summary>

| Method | Path | Handler | Documented | Auth | Requirements | Flags |
| --- | --- | --- | --- | --- | --- | --- |
| `POST` | `/pay` | `app/pay.py:7 pay_now` | **no** | no |  |  |

</details>

<sub>traceaudit 9.9.9</sub>
"""


def test_markdown_tiny_golden() -> None:
    assert markdown_report(tiny_result()) == TINY_MARKDOWN


def test_cells_keep_code_spans_and_escape_the_rest() -> None:
    # a code span stays a code span (its pipe escaped for the table); prose is escaped
    assert _cell("add `Depends(a | b)` to *x*") == r"add `Depends(a \| b)` to \*x\*"
    assert _cell("<script>alert(1)</script> | a & b") == (
        r"&lt;script&gt;alert(1)&lt;/script&gt; \| a &amp; b"
    )
    assert _cell("an odd ` backtick") == r"an odd \` backtick"
    # code spans are fenced longer than any backtick run inside them
    assert _code("a`b") == "``a`b``"
    assert _code("`x`") == "`` `x` ``"
    assert _code("GET /a|b") == r"`GET /a\|b`"


def test_every_table_row_keeps_its_columns() -> None:
    out = markdown_report(sample_result())
    row = next(line for line in out.splitlines() if line.startswith("| `REQ-AUTH-001` |"))
    assert row.startswith(
        r"| `REQ-AUTH-001` | &lt;script&gt;alert(1)&lt;/script&gt; \| login &amp; "
        r"&lt;b&gt;logout&lt;/b&gt; | 5 | needs-clarification |"
    )
    for table in re.findall(r"(?:^\|.*\n)+", out, re.M):
        widths = {len(re.findall(r"(?<!\\)\|", line)) for line in table.splitlines()}
        assert len(widths) == 1, table  # no unescaped pipe leaked into a cell
    assert "<script>" not in out


def test_what_is_wrong_comes_first() -> None:
    out = markdown_report(sample_result())
    order = [
        out.index("**Coverage 2/3 (66.7%)**"),
        out.index("### Top findings"),
        out.index("<summary>Coverage by spec file"),
        out.index("<summary>Requirement matrix"),
        out.index("<summary>Routes"),
    ]
    assert order == sorted(order)
    top = out[out.index("### Top findings") : out.index("<details>")]
    severities = re.findall(r"^\| (error|warning|note) \|", top, re.M)
    assert severities == sorted(severities, key=["error", "warning", "note"].index)
    # the matrix row shows its own findings; an untraced requirement is not plain
    assert "| `FR-002` | Refund within 14 days | 10 | **untraced** ⛔ | TA001 |" in out
    assert "verified: tests/test\\_orders.py:3 test\\_create (docstring)" in out


def test_links_with_a_source_url() -> None:
    options = ReportOptions(
        source_url="https://github.com/o/r/blob/{commit}/{path}#L{line}", path_prefix="backend"
    )
    out = markdown_report(tiny_result(), options)
    assert "[`app/pay.py:7`](https://github.com/o/r/blob/HEAD/backend/app/pay.py#L7)" in out


def test_waived_findings_are_marked() -> None:
    from traceaudit.model import Dismissal, Disposition

    waived = Finding(
        UNDOCUMENTED,
        "GET /x is not documented",
        Location("app/x.py", 3),
        "GET /x",
        Dismissal(Disposition.WAIVED, "probe", owner="@ops", expires="2030-01-01"),
    )
    result = dataclasses.replace(tiny_result(), findings=(waived,))
    out = markdown_report(result)
    assert "*(waived: probe; owner &#64;ops; expires 2030-01-01)*" in out or (
        "*(waived: probe; owner @ops; expires 2030-01-01)*" in out
    )
    assert "0 errors · 0 warnings · 0 notes" in out
    assert "Findings not counted: 1 waived." in out


def test_always_under_the_limit_with_a_count_of_what_was_cut() -> None:
    out = markdown_report(big_result(5000))
    assert len(out) < 65_000
    assert re.search(r"\*… [\d,]+ requirements not shown: the comment limit", out)
    cut = re.search(r"([\d,]+) rows left out to stay under 65,000 characters", out)
    assert cut is not None and int(cut[1].replace(",", "")) > 1000
    assert out.count("<details>") == out.count("</details>")  # every fold is closed
    small = markdown_report(big_result(5000), ReportOptions(markdown_limit=8000))
    assert len(small) <= 8000 and small.count("<details>") == small.count("</details>")


def test_markdown_empty() -> None:
    out = markdown_report(empty_result())
    for text in ("No spec files.", "No requirements.", "No routes.", "No findings."):
        assert text in out
    assert "\n\n\n" not in out

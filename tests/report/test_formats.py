"""Every format produced from fixtures/shop, and validated: JSON and SARIF against their
schemas, JUnit and CSV by parsing, annotations by their grammar, Markdown under the limit."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.report.generated import generate_app
from traceaudit.audit import audit
from traceaudit.config import CONFIG_KEYS, load
from traceaudit.model import AuditResult, Dismissal, Disposition
from traceaudit.report import REPORTERS, ReportOptions
from traceaudit.report.github import annotation
from traceaudit.report.markdown import markdown_report

REPO = Path(__file__).resolve().parents[2]
SHOP = REPO / "fixtures" / "shop"
SCHEMAS = REPO / "schemas"
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


def validator(path: Path) -> Any:
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def shop() -> AuditResult:
    return audit(load(SHOP), jobs=1)


def errors(check: Any, data: object) -> list[str]:
    return sorted(f"{list(e.path)}: {e.message}" for e in check.iter_errors(data))


# -- JSON ------------------------------------------------------------------------


def test_json_of_the_shop_and_every_golden_validates() -> None:
    check = validator(SCHEMAS / "report.schema.json")
    goldens = sorted(REPO.glob("fixtures/*/expected/report.json"))
    goldens += sorted(REPO.glob("fixtures/*/*/expected/report.json"))
    assert len(goldens) >= 20
    for golden in goldens:
        assert errors(check, json.loads(golden.read_text(encoding="utf-8"))) == [], golden


def test_json_with_comparison_and_dismissals_validates(shop: AuditResult) -> None:
    from traceaudit.policy import apply_baseline, make_baseline

    first = shop.findings[0]
    waived = dataclasses.replace(
        first, dismissal=Dismissal(Disposition.WAIVED, "why", "@me", "2030-01-01")
    )
    result = dataclasses.replace(shop, findings=(waived, *shop.findings[1:]))
    result = apply_baseline(result, make_baseline(dataclasses.replace(shop, findings=())))
    data = json.loads(REPORTERS["json"](result, ReportOptions()))
    check = validator(SCHEMAS / "report.schema.json")
    assert errors(check, data) == []
    assert data["findings"][0]["state"] in ("waived", "active")
    assert data["comparison"]["kind"] == "baseline"


def test_the_report_schema_is_strict(shop: AuditResult) -> None:
    check = validator(SCHEMAS / "report.schema.json")
    data = json.loads(REPORTERS["json"](shop, ReportOptions()))
    data["findings"][0]["severity"] = "fatal"
    data["summary"]["surprise"] = 1
    assert len(errors(check, data)) == 2


# -- SARIF -----------------------------------------------------------------------


def test_sarif_of_the_shop_validates_and_documents_every_rule(shop: AuditResult) -> None:
    options = ReportOptions(path_prefix="services/shop")
    data = json.loads(REPORTERS["sarif"](shop, options))
    assert errors(validator(SARIF_SCHEMA), data) == []
    run = data["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    for rule in rules.values():
        assert rule["fullDescription"]["text"] and rule["help"]["markdown"].startswith("**TA")
        assert rule["helpUri"].startswith("https://") and "#ta0" in rule["helpUri"]
        assert rule["properties"]["tags"]
    assert rules["TA009"]["properties"]["security-severity"] == "7.5"
    assert "security" in rules["TA009"]["properties"]["tags"]
    assert "security-severity" not in rules["TA002"]["properties"]
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert run["automationDetails"] == {"id": "traceaudit/services/shop/"}
    assert set(run["originalUriBaseIds"]) == {"%SRCROOT%", "PROJECTROOT"}
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in run["results"]
        if "locations" in r
    }
    assert uris and all(u.startswith("services/shop/") for u in uris)


def test_sarif_marks_dismissed_results(shop: AuditResult) -> None:
    first = shop.findings[0]
    suppressed = dataclasses.replace(
        first, dismissal=Dismissal(Disposition.SUPPRESSED, "probe", location=first.location)
    )
    result = dataclasses.replace(shop, findings=(suppressed,))
    (item,) = json.loads(REPORTERS["sarif"](result, ReportOptions()))["runs"][0]["results"]
    assert item["suppressions"][0]["kind"] == "inSource"
    assert item["suppressions"][0]["justification"] == "probe"


# -- JUnit -----------------------------------------------------------------------


def test_junit_has_a_case_per_requirement_and_route(shop: AuditResult) -> None:
    root = ET.fromstring(REPORTERS["junit"](shop, ReportOptions()))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    spec_suites = [n for n in suites if n and n.startswith("requirements: ")]
    assert len(spec_suites) == len(shop.spec_files)
    req_cases = sum(len(suites[n].findall("testcase")) for n in spec_suites)
    assert req_cases == len(shop.requirements)
    assert len(suites["routes"].findall("testcase")) == len(shop.routes)
    cases = root.iter("testcase")
    failures = [f for c in cases for f in c.findall("failure")]
    assert {f.get("type") for f in failures} >= {"TA001", "TA002", "TA009"}
    ta009 = next(f for f in failures if f.get("type") == "TA009")
    assert "must require authentication" in (ta009.text or "")
    assert int(root.get("tests", "0")) == sum(int(s.get("tests", "0")) for s in suites.values())
    skipped = [c.find("skipped") for c in root.iter("testcase")]
    messages = {s.get("message") for s in skipped if s is not None}
    assert messages == {"informational", "needs-clarification"}  # the shop's uncounted items


# -- CSV -------------------------------------------------------------------------


def test_csv_is_the_matrix(shop: AuditResult) -> None:
    text = REPORTERS["csv"](shop, ReportOptions())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["spec_file", "key", "id", "title"]
    assert len(rows) == 1 + len(shop.requirements)
    by_key = {r[1]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_key["specs/catalog/spec.md#delete-apiv1productsproduct_id"]["findings"] == "TA009"
    assert by_key["specs/orders/spec.md::FR-007"]["status"] == "unimplemented"
    why = Dismissal(Disposition.WAIVED, "why", "@me", "2030-01-01")
    marked = dataclasses.replace(shop, findings=tuple(
        dataclasses.replace(f, dismissal=why) if f.subject.endswith("::FR-007") else f
        for f in shop.findings
    ))  # fmt: skip
    rows = list(csv.reader(io.StringIO(REPORTERS["csv"](marked, ReportOptions()))))
    fr7 = next(r for r in rows if r[1] == "specs/orders/spec.md::FR-007")
    assert dict(zip(rows[0], fr7, strict=True))["dismissed"] == "TA001 waived"


def test_csv_cells_never_run_as_formulas() -> None:
    from tests.report.samples import tiny_result

    result = tiny_result()
    rr = result.requirements[0]
    req = dataclasses.replace(rr.requirement, title='=HYPERLINK("http://x")')
    result = dataclasses.replace(result, requirements=(dataclasses.replace(rr, requirement=req),))
    row = list(csv.reader(io.StringIO(REPORTERS["csv"](result, ReportOptions()))))[1]
    assert row[3] == '\'=HYPERLINK("http://x")'


# -- GitHub annotations -----------------------------------------------------------

ANNOTATION = re.compile(
    r"^::(error|warning|notice) (?:file=[^,:]+(?:,line=\d+)?(?:,col=\d+)?,)?"
    r"title=TA\d{3} [a-z-]+::.+$"
)


def test_github_annotations_of_the_shop(shop: AuditResult) -> None:
    lines = REPORTERS["github"](shop, ReportOptions(path_prefix="backend")).splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == len(shop.active_findings)
    assert all(ANNOTATION.match(a) for a in annotations), annotations
    assert all("file=backend/" in a for a in annotations if "file=" in a)
    assert lines[-1].startswith("43 requirements: coverage 27/29 (93.1%)")


def test_annotation_escapes_what_the_grammar_needs(shop: AuditResult) -> None:
    f = dataclasses.replace(shop.findings[0], message="50% done\nnext, line: x")
    text = annotation(f)
    assert text.endswith("::50%25 done next, line: x")
    odd = dataclasses.replace(f, location=dataclasses.replace(f.location, path="a,b:c.py"))
    assert "file=a%2Cb%3Ac.py" in annotation(odd)


# -- Markdown and the others -------------------------------------------------------


def test_markdown_for_a_generated_5000_route_app_stays_under_the_limit(tmp_path: Path) -> None:
    result = audit(load(generate_app(tmp_path)), jobs=1)
    assert len(result.routes) == 5000
    out = markdown_report(result)
    assert len(out) < 65_000
    assert "rows left out to stay under 65,000 characters" in out
    assert out.count("<details>") == out.count("</details>")
    assert "**Coverage " in out.split("\n", 3)[2]  # the totals come first


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_every_format_renders_the_shop(fmt: str, shop: AuditResult) -> None:
    out = REPORTERS[fmt](shop, ReportOptions())
    assert out.endswith("\n") and len(out) > 200


# -- the configuration schema ------------------------------------------------------


def test_config_schema_knows_every_key_and_accepts_real_configs() -> None:
    import tomllib

    schema = json.loads((SCHEMAS / "config.schema.json").read_text(encoding="utf-8"))
    assert set(CONFIG_KEYS) <= set(schema["properties"])
    check = validator(SCHEMAS / "config.schema.json")
    configs = [p for p in REPO.glob("fixtures/**/traceaudit.toml")]
    assert configs
    for path in configs:
        assert errors(check, tomllib.loads(path.read_text(encoding="utf-8"))) == [], path
    example = {
        "spec": ["docs/specs"],
        "fail-on": "warning",
        "per-file-ignores": {"app/legacy/": ["TA002"]},
        "waivers": [
            {"rule": "TA002", "subject": "GET /health", "reason": "probe", "expires": "2030-01-01"}
        ],
    }
    assert errors(check, example) == []
    assert errors(check, {"waivers": [{"rule": "TA002", "subject": "x"}]})  # no reason
    assert errors(check, {"fail-on": "fatal"})

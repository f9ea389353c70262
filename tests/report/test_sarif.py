"""SARIF 2.1.0: validated against the schema, content, URIs and fingerprints."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.report.samples import UNDOCUMENTED, big_result, empty_result, sample_result, tiny_result
from traceaudit.model import Finding, Location
from traceaudit.report.sarif import sarif_report

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def sarif_validator() -> Any:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@pytest.mark.parametrize("make", [sample_result, tiny_result, empty_result, big_result])
def test_sarif_validates_against_schema(make: Any, sarif_validator: Any) -> None:
    errors = sorted(sarif_validator.iter_errors(json.loads(sarif_report(make()))), key=str)
    assert errors == []


def test_sarif_rejects_what_the_schema_forbids(sarif_validator: Any) -> None:
    """The validator is real: a wrong level is an error."""
    data = json.loads(sarif_report(tiny_result()))
    data["runs"][0]["results"][0]["level"] = "fatal"
    assert list(sarif_validator.iter_errors(data))


def test_sarif_content() -> None:
    data = json.loads(sarif_report(sample_result()))
    assert data["version"] == "2.1.0"
    run = data["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("traceaudit", "0.1.0")
    assert [(r["id"], r["name"], r["defaultConfiguration"]["level"]) for r in driver["rules"]] == [
        ("TA000", "parse-error", "error"),
        ("TA001", "unimplemented-requirement", "error"),
        ("TA002", "undocumented-endpoint", "warning"),
        ("TA003", "dangling-reference", "warning"),
        ("TA004", "ambiguous-reference", "note"),
    ]
    last = run["results"][-1]
    assert last["ruleId"] == "TA001"
    assert driver["rules"][last["ruleIndex"]]["id"] == "TA001"
    assert last["level"] == "error"
    assert last["message"]["text"].startswith("FR-002 'Refund within 14 days' has no")
    physical = last["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "specs/orders/spec.md"
    assert physical["region"] == {"startLine": 10}
    assert [r["level"] for r in run["results"]] == [
        "warning",
        "warning",
        "error",
        "warning",
        "note",
        "error",
    ]


def test_sarif_uri_is_percent_encoded_and_relative() -> None:
    finding = Finding(UNDOCUMENTED, "m", Location("app/my api/x#y.py", 3, 5), "GET /x")
    data = json.loads(sarif_report(dataclasses.replace(tiny_result(), findings=(finding,))))
    physical = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "app/my%20api/x%23y.py"
    assert physical["region"] == {"startLine": 3, "startColumn": 5}


def test_sarif_fingerprint_ignores_line_but_not_subject() -> None:
    def fingerprint(location: Location, subject: str) -> str:
        finding = Finding(UNDOCUMENTED, "m", location, subject)
        data = json.loads(sarif_report(dataclasses.replace(tiny_result(), findings=(finding,))))
        value: str = data["runs"][0]["results"][0]["partialFingerprints"]["traceaudit/v1"]
        return value

    base = fingerprint(Location("app/a.py", 3), "GET /x")
    assert base == fingerprint(Location("app/a.py", 90), "GET /x")
    assert base != fingerprint(Location("app/a.py", 3), "GET /y")
    assert base != fingerprint(Location("app/b.py", 3), "GET /x")
    assert re.fullmatch(r"[0-9a-f]{32}", base)

"""OpenAPI contracts become declared endpoints with auth and statuses."""

from __future__ import annotations

from traceaudit.model import Config
from traceaudit.specs.openapi import parse_contract

YAML = """\
openapi: 3.0.3
info:
  title: Orders API
servers:
  - url: https://api.example.com/api/v1
security:
  - bearerAuth: []
paths:
  /orders:
    get:
      summary: List orders
      responses:
        "200": {description: ok}
        "401": {description: unauthorized}
    post:
      responses:
        "201": {description: created}
        default: {description: error}
  /health:
    get:
      security: []
      responses:
        "200": {description: ok}
components:
  securitySchemes:
    bearerAuth: {type: http, scheme: bearer}
"""


def test_operations_become_endpoints() -> None:
    doc = parse_contract(YAML, "specs/orders/contracts/api.yaml", Config())
    assert doc.title == "Orders API"
    assert doc.error is None
    got = [
        (e.method, e.path, e.location.line, e.auth_required, e.auth, e.statuses, e.source)
        for e in doc.endpoints
    ]
    assert got == [
        ("GET", "/api/v1/orders", 10, True, "bearerAuth", (200, 401), "openapi"),
        ("POST", "/api/v1/orders", 15, True, "bearerAuth", (201,), "openapi"),
        ("GET", "/api/v1/health", 20, False, "none (security: [])", (200,), "openapi"),
    ]


def test_an_empty_security_alternative_makes_auth_optional() -> None:
    """`security` lists alternatives: `{}` among them lets an anonymous caller through, so
    the operation does not require auth (no TA009 for a route that serves both)."""
    text = YAML.replace(
        "    post:\n", "    post:\n      security:\n        - bearerAuth: []\n        - {}\n"
    )
    doc = parse_contract(text, "specs/orders/contracts/api.yaml", Config())
    assert [(e.method, e.auth_required, e.auth) for e in doc.endpoints] == [
        ("GET", True, "bearerAuth"),
        ("POST", False, "optional (bearerAuth, or none)"),
        ("GET", False, "none (security: [])"),
    ]


def test_json_contract_and_swagger_base_path() -> None:
    text = (
        '{"swagger": "2.0", "basePath": "/v2", "paths": {"/pets/{id}": '
        '{"delete": {"responses": {"204": {}}}}}}'
    )
    doc = parse_contract(text, "contracts/pets.json", Config())
    assert [(e.method, e.path, e.auth_required, e.statuses) for e in doc.endpoints] == [
        ("DELETE", "/v2/pets/{id}", None, (204,))
    ]


def test_tab_indented_json_contract_is_read() -> None:
    """JSON allows tabs between tokens (editors and exporters indent with them); YAML's
    scanner refuses them, so a valid JSON contract must not come out as unparseable."""
    text = (
        '{\n\t"openapi": "3.0.1",\n\t"info": {\n\t\t"title": "Notes"\n\t},\n\t"paths": {\n'
        '\t\t"/notes/{id}": {\n\t\t\t"get": {"responses": {"200": {}}}\n\t\t}\n\t}\n}\n'
    )
    doc = parse_contract(text, "docs/openapi.json", Config())
    assert doc.error is None
    assert [(e.method, e.path, e.location.line) for e in doc.endpoints] == [
        ("GET", "/notes/{id}", 8)
    ]
    # the same text as YAML is YAML's to refuse
    assert parse_contract(text, "docs/openapi.yaml", Config()).error is not None


def test_non_openapi_yaml_is_ignored_and_broken_yaml_is_an_error() -> None:
    assert parse_contract("name: ci\non: push\n", "contracts/ci.yaml", Config()).endpoints == ()
    broken = parse_contract("openapi: 3.0.0\npaths: [\n", "contracts/x.yaml", Config())
    assert broken.error is not None and broken.error.startswith("invalid YAML/JSON")


def test_a_broken_contract_still_documents_the_operations_of_its_outline() -> None:
    text = """\
openapi: 3.0.3
servers:
  - url: http://localhost:8000/api/v1
paths:
  /clients/token:
    post:
      summary: Exchange a client secret for a token
  '/clients/inventory/{item_id}':
    parameters:
      - name: item_id
        in: path
    get:
      summary: Check one item (scope: read)
      security: [{ clientBearer: [] }]
    delete:
      responses:
        '204': { description: gone }
components:
  schemas:
    get:
      type: object
"""
    doc = parse_contract(text, "specs/x/contracts/openapi.yaml", Config())
    assert doc.error == "invalid YAML/JSON (line 13)"
    found = [(e.method, e.path, e.location.line, e.hints, e.auth_required) for e in doc.endpoints]
    assert found == [
        ("POST", "/api/v1/clients/token", 6, ("outline",), None),
        ("GET", "/api/v1/clients/inventory/{item_id}", 12, ("outline",), None),
        ("DELETE", "/api/v1/clients/inventory/{item_id}", 15, ("outline",), None),
    ]
    # a broken YAML file that is no OpenAPI document gives nothing
    assert parse_contract("name: x\nsteps: [\n", "contracts/x.yaml", Config()).endpoints == ()


def test_a_get_answered_by_101_is_a_websocket_handshake() -> None:
    text = """\
openapi: 3.0.3
paths:
  /api/stt/stream:
    get:
      summary: "WebSocket: ws://localhost:8000/api/stt/stream"
      responses:
        "101": {description: Switching Protocols}
  /api/stt/status:
    get:
      responses:
        "200": {description: ok}
"""
    doc = parse_contract(text, "specs/002-stt/contracts/openapi.yaml", Config())
    assert [(e.method, e.path, e.statuses) for e in doc.endpoints] == [
        ("WEBSOCKET", "/api/stt/stream", (101,)),
        ("GET", "/api/stt/status", (200,)),
    ]

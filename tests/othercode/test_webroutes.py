"""Endpoints non-Python code serves (traceaudit.othercode.webroutes)."""

from __future__ import annotations

from traceaudit.model import Config, ForeignRoute, Location
from traceaudit.othercode import foreign_routes, scan_other


def served(files: dict[str, str]) -> list[tuple[tuple[str, ...], str, str]]:
    facts = [scan_other(text, path, "c", Config()) for path, text in files.items()]
    return [(r.methods, r.path, r.framework) for r in foreign_routes(facts)]


def test_next_app_router_route_files() -> None:
    files = {
        "frontend/src/app/api/auth/[...all]/route.ts": (
            'import { toNextJsHandler } from "better-auth/next-js";\n'
            "export const { GET, POST } = toNextJsHandler(auth);\n"
        ),
        "web/app/(admin)/api/users/[id]/route.js": (
            "export async function GET(req) { return Response.json({}) }\n"
            "export const DELETE = async () => new Response(null);\n"
        ),
        "web/app/api/_lib/route.ts": "export function GET() {}\n",  # private folder
        "web/app/api/ping/route.ts": "function helper() {}\n",  # exports no handler
        "web/app/api/proxy/[[...path]]/route.ts": "export { handler as PUT, handler as PATCH }\n",
    }
    assert served(files) == [
        (("GET", "POST"), "/api/auth/{all...}", "next-app"),
        (("DELETE", "GET"), "/api/users/{id}", "next-app"),  # "(admin)" is a route group
        (("PATCH", "PUT"), "/api/proxy/{path...}", "next-app"),
    ]


def test_next_pages_api_files_serve_any_method() -> None:
    files = {
        "site/pages/api/health.ts": "export default function handler(req, res) {}\n",
        "site/pages/api/items/index.js": "export default function handler(req, res) {}\n",
        "site/pages/about.tsx": "export default function About() {}\n",
    }
    assert served(files) == [
        (("*",), "/api/health", "next-pages"),
        (("*",), "/api/items", "next-pages"),
    ]


def test_express_routes_with_mounts_across_files() -> None:
    files = {
        "server/app.js": (
            "const express = require('express');\n"
            "const users = require('./routes/users');\n"
            "const app = express();\n"
            "app.use('/api/users', users);\n"
            "app.get('/health', (req, res) => res.send('ok'));\n"
        ),
        "server/routes/users.js": (
            "const express = require('express');\n"
            "const router = express.Router();\n"
            "router.get('/', list);\n"
            "router.route('/:id').get(show).delete(remove);\n"
            "module.exports = router;\n"
        ),
        "client/src/api.js": "fetch.get('/not/a/route');\n",  # no server framework imported
    }
    assert sorted(served(files)) == [
        (("DELETE",), "/api/users/{id}", "express"),
        (("GET",), "/api/users", "express"),
        (("GET",), "/api/users/{id}", "express"),
        (("GET",), "/health", "express"),
    ]


def test_test_files_serve_nothing() -> None:
    facts = scan_other("export function GET() {}\n", "web/app/api/x/route.test.ts", "c", Config())
    assert facts.next_route is None
    assert foreign_routes([facts]) == ()
    assert ForeignRoute(("GET",), "/x", Location("a.ts"), "next-app").path == "/x"

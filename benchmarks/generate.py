"""Generate a synthetic FastAPI monorepo for benchmarks, deterministic from a seed.

    python benchmarks/generate.py OUT [--files N] [--seed S] [--spec-heavy | --no-specs]
                                      [--html-scale] [--requirements R] [--routes K] [--refs M]
    python benchmarks/generate.py TREE --overlay-specs [--routes-json ROUTES.json]

The tree looks like a real monorepo, not like one file copied N times:

* several services (``services/<svc>/src/<svc>/``), each with a ``create_app()``
  factory, a pydantic ``BaseSettings`` whose ``API_V1_STR`` prefixes the API, an
  ``api_router`` that includes a *list* of routers in a loop, ``include_router``
  chains three to four levels deep (api -> group -> sub-group -> resource), path
  constants imported from ``core/constants.py``, an admin sub-app and static files
  mounted on the app, auth dependencies (``OAuth2PasswordBearer`` ->
  ``get_current_user``) on routers, includes and parameters;
* shared packages (``packages/<pkg>/src/<pkg>/``) of models, schemas, repositories,
  services and utilities: the bulk of the files, most of which hold no route;
* tests (``services/<svc>/tests/``) that cite tasks and requirements;
* big generated modules (protobuf-like descriptors, a generated API client) and one
  3,000-line legacy router module;
* a few files in Python 3.12+ syntax (PEP 695), which only LibCST reads under 3.11;
* spec files in several formats: spec-kit (``specs/NNN-feature/`` spec.md, plan.md,
  tasks.md, ``contracts/openapi.yaml``), Kiro (``.kiro/specs/<feature>/``
  requirements.md, design.md, tasks.md) and plain specs with endpoint tables and
  ``REQ-XXX-001`` headings, with code references to all of them in docstrings,
  comments and ``summary=``/``description=`` keywords (some dangling).

Modes: ``--spec-heavy`` writes thousands of requirements and about 10,000 references
(most modules cite ids, about a third of them dangling); ``--no-specs`` writes the
same code without any spec file (the code-only case); ``--html-scale`` writes a tree
with 10,000 requirements and 2,000 routes for the HTML report. ``--requirements``,
``--routes`` and ``--refs`` override the targets.

``--overlay-specs`` adds a small ``specs/`` folder (spec-kit with an OpenAPI contract, and
a plain spec with an endpoint table) to a real codebase that has none, declaring a
sample of its real endpoints when given ``traceaudit routes --format json`` output.

The same arguments always give byte-identical trees. A ``MANIFEST.json`` at the root
records the arguments and the counts (files, bytes, routes, requirements, references).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

SERVICES = (
    "billing",
    "catalog",
    "identity",
    "fulfilment",
    "analytics",
    "notify",
    "search",
    "gateway",
    "ledger",
    "scheduler",
    "storage",
    "insights",
)
RESOURCES = (
    "orders",
    "users",
    "items",
    "invoices",
    "payments",
    "products",
    "carts",
    "shipments",
    "reviews",
    "coupons",
    "accounts",
    "teams",
    "projects",
    "tasks",
    "comments",
    "tags",
    "files",
    "notifications",
    "webhooks",
    "reports",
    "audits",
    "sessions",
    "tokens",
    "roles",
    "permissions",
    "subscriptions",
    "plans",
    "events",
    "metrics",
    "alerts",
    "incidents",
    "tickets",
    "workflows",
    "deployments",
    "flows",
    "runs",
    "artifacts",
    "blocks",
    "variables",
    "schedules",
    "workers",
    "pools",
    "queues",
    "logs",
    "secrets",
    "sites",
    "regions",
    "vendors",
    "contracts",
    "refunds",
    "discounts",
    "warehouses",
    "suppliers",
    "categories",
    "brands",
    "channels",
    "messages",
    "threads",
    "attachments",
    "labels",
    "quotas",
    "limits",
    "keys",
    "devices",
    "locations",
    "routes",
    "zones",
    "prices",
    "taxes",
    "currencies",
    "ledgers",
    "entries",
    "batches",
    "jobs",
    "tenants",
    "members",
    "invites",
    "policies",
    "rules",
    "checks",
)
GROUPS = ("admin", "public", "internal", "partner", "ops", "account")
WORDS = (
    "amount",
    "status",
    "owner",
    "created",
    "updated",
    "label",
    "total",
    "count",
    "limit",
    "offset",
    "cursor",
    "region",
    "weight",
    "score",
    "level",
    "state",
    "source",
    "target",
    "window",
    "bucket",
    "version",
    "digest",
    "payload",
    "header",
    "record",
    "entry",
    "slot",
    "quota",
    "budget",
    "margin",
    "factor",
    "ratio",
    "rank",
    "phase",
    "stage",
    "group",
    "scope",
)
VERBS = (
    "compute",
    "validate",
    "normalise",
    "merge",
    "split",
    "load",
    "store",
    "render",
    "parse",
    "format",
    "resolve",
    "collect",
    "filter",
    "rank",
    "score",
    "apply",
    "build",
    "prepare",
    "refresh",
    "expire",
    "schedule",
    "notify",
    "reconcile",
    "summarise",
    "export",
    "import",
)
LAYERS = ("models", "schemas", "repositories", "services", "utils", "domain", "adapters")

SPEC_KIT, KIRO, PLAIN = "spec-kit", "kiro", "plain"


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def singular(res: str) -> str:
    if res.endswith("ies"):
        return res[:-3] + "y"
    if res.endswith(("sses", "xes")):
        return res[:-2]
    return res[:-1] if res.endswith("s") else res


@dataclass
class Endpoint:
    method: str
    path: str  # full path as served
    auth: bool
    feature: Feature | None = None
    req: str = ""  # the requirement id it belongs to


@dataclass
class Feature:
    """One feature's spec, in one format."""

    name: str  # folder name
    fmt: str
    service: str
    resources: list[str]
    prefix: str  # REQ prefix for plain specs
    n_reqs: int
    ids: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    endpoints: list[Endpoint] = field(default_factory=list)

    @property
    def spec_path(self) -> str:
        if self.fmt == KIRO:
            return f".kiro/specs/{self.name}/requirements.md"
        return f"specs/{self.name}/spec.md"


@dataclass
class Func:
    """A function slot of a module: references are attached before rendering."""

    name: str
    signature: str  # the def line, without indentation
    body: list[str]  # indented for a module-level function
    decorators: list[str] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)
    comment_cite: str = ""
    is_method: bool = False


class Gen:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.files: dict[str, str] = {}
        self.features: list[Feature] = []
        self.routes = 0
        self.refs = 0
        self.dangling = 0
        self.slots: list[tuple[Func, Feature | None]] = []
        self.pending: list[tuple[str, list[str | Func], str]] = []  # path, parts, header doc
        self.module_feature: dict[str, Feature] = {}

    # ------------------------------------------------------------------ helpers
    def write(self, path: str, text: str) -> None:
        assert path not in self.files, path
        self.files[path] = text

    def word(self) -> str:
        return self.rng.choice(WORDS)

    def func_body(self, lines: int, indent: str = "    ") -> list[str]:
        rng = self.rng
        a, b = self.word(), self.word()
        out = [f"{indent}{a} = {rng.randint(0, 99)}", f"{indent}{b}_items: list[int] = []"]
        while len(out) < lines:
            kind = rng.randrange(6)
            w = self.word()
            if kind == 0:
                out += [
                    f"{indent}for {w} in range({rng.randint(2, 40)}):",
                    f"{indent}    if {w} % {rng.randint(2, 7)} == 0:",
                    f"{indent}        {b}_items.append({w} * {a})",
                ]
            elif kind == 1:
                out += [
                    f"{indent}if {a} > {rng.randint(1, 500)}:",
                    f"{indent}    {a} = {a} // {rng.randint(2, 9)} + len({b}_items)",
                    f"{indent}else:",
                    f"{indent}    {a} += {rng.randint(1, 9)}",
                ]
            elif kind == 2:
                out.append(
                    f"{indent}{w}_map = {{k: v for k, v in enumerate({b}_items) if v > {a}}}"
                )
            elif kind == 3:
                out += [
                    f"{indent}try:",
                    f"{indent}    {a} = int(str({a}).strip() or {rng.randint(0, 9)})",
                    f"{indent}except ValueError:",
                    f'{indent}    raise ValueError(f"bad {w}: {{{a}!r}}") from None',
                ]
            elif kind == 4:
                out.append(f"{indent}# {self.rng.choice(VERBS)} the {w} before the next step")
                out.append(f"{indent}{a} = max({a}, sum({b}_items[: {rng.randint(1, 30)}]))")
            else:
                out.append(f'{indent}message = "{w}-" + str({a}) + "-{self.rng.choice(VERBS)}"')
                out.append(f"{indent}{b}_items.extend(len(message) for _ in range(2))")
        out.append(f"{indent}return {a} + len({b}_items)")
        return out

    def new_funcs(self, count: int, prefix: str = "") -> list[Func]:
        funcs = []
        seen: set[str] = set()
        for _ in range(count):
            name = f"{prefix}{self.rng.choice(VERBS)}_{self.word()}"
            while name in seen:
                name += f"_{self.rng.randint(2, 99)}"
            seen.add(name)
            sig = f"def {name}(value: int = 0) -> int:"
            funcs.append(Func(name, sig, self.func_body(self.rng.randint(6, 24))))
        return funcs

    # ------------------------------------------------------------------ plan
    def plan_features(self, services: list[str], resources: dict[str, list[str]]) -> None:
        """Features per service: every format, resources grouped 1-3 per feature."""
        args = self.args
        fmts = (SPEC_KIT, KIRO, PLAIN)
        number = 0
        for s_idx, svc in enumerate(services):
            res = list(resources[svc])
            f_idx = 0
            while res:
                take = res[: self.rng.randint(1, 3)]
                res = res[len(take) :]
                fmt = fmts[(s_idx + f_idx) % len(fmts)]
                number += 1
                base = take[0]
                name = (
                    f"{number:03d}-{svc}-{base}"
                    if fmt == SPEC_KIT
                    else f"{svc}-{base}" + ("-api" if fmt == PLAIN else "")
                )
                prefix = f"{svc[:3].upper()}{base[:3].upper()}"
                self.features.append(Feature(name, fmt, svc, take, prefix, 0))
                f_idx += 1
        # Extra spec-only features (requirements nobody implements, as in real repos),
        # and the bulk of requirements in spec-heavy / html-scale mode.
        target = args.requirements
        # Many requirements come in many spec files (real spec-heavy repos keep 30-50
        # requirements per feature): add features that no router of their own serves.
        extra = 0
        while target and target // (len(self.features) or 1) > 40:
            svc = services[extra % len(services)]
            base = resources[svc][0] if resources[svc] else "misc"
            extra += 1
            fmt = fmts[extra % len(fmts)]
            number += 1
            name = (
                f"{number:03d}-{svc}-{base}-x{extra}"
                if fmt == SPEC_KIT
                else f"{svc}-{base}-x{extra}" + ("-api" if fmt == PLAIN else "")
            )
            prefix = f"X{extra}{svc[:3].upper()}"
            self.features.append(Feature(name, fmt, svc, [f"{base}_x{extra}"], prefix, 0))
        per = max(1, target // max(1, len(self.features))) if target else 0
        for feat in self.features:
            feat.n_reqs = per if target else self.rng.randint(6, 14)
        if target:
            total = sum(f.n_reqs for f in self.features)
            i = 0
            while total < target:
                self.features[i % len(self.features)].n_reqs += 1
                total += 1
                i += 1
        for feat in self.features:
            if feat.fmt == KIRO:
                # Requirement N with acceptance criteria N.1 .. N.k
                ids = []
                n = 0
                while len(ids) < feat.n_reqs:
                    n += 1
                    k = min(self.rng.randint(3, 6), feat.n_reqs - len(ids))
                    ids += [f"{n}.{j}" for j in range(1, k + 1)]
                feat.ids = ids
                feat.tasks = [f"{n}.{j}" for n in range(1, 4) for j in range(1, 4)]
            elif feat.fmt == SPEC_KIT:
                feat.ids = [f"FR-{i:03d}" for i in range(1, feat.n_reqs + 1)]
                feat.tasks = [f"T{i:03d}" for i in range(1, max(4, feat.n_reqs // 2) + 1)]
            else:
                feat.ids = [f"REQ-{feat.prefix}-{i:03d}" for i in range(1, feat.n_reqs + 1)]

    def build(self) -> None:
        args = self.args
        rng = self.rng
        n_files = args.files
        n_services = max(2, min(len(SERVICES), n_files // 300 + 1))
        services = list(SERVICES[:n_services])
        target_routes = args.routes or max(20, n_files // 4)
        # resource routers: ~5 routes each (html-scale packs more per module)
        per_module = 10 if args.routes and args.routes > n_files else 5
        n_routers = max(2 * n_services, target_routes // per_module)
        pool = [f"{r}" for r in RESOURCES]
        resources: dict[str, list[str]] = {s: [] for s in services}
        for i in range(n_routers):
            svc = services[i % n_services]
            base = pool[(i // n_services) % len(pool)]
            lap = (i // n_services) // len(pool)
            resources[svc].append(base if lap == 0 else f"{base}_v{lap + 1}")
        self.plan_features(services, resources)
        feature_of: dict[tuple[str, str], Feature] = {
            (f.service, r): f for f in self.features for r in f.resources
        }
        routes_per = max(2, target_routes // n_routers)
        for svc in services:
            self.service(svc, resources[svc], feature_of, routes_per)
        self.legacy_and_generated(services, feature_of)
        self.packages_and_bulk(services, feature_of)
        self.tests(services, feature_of)
        self.place_refs()
        self.render_pending()
        if not args.no_specs:
            self.specs()
        self.write("README.md", "# Synthetic monorepo\n\nGenerated by benchmarks/generate.py.\n")
        self.write(".gitignore", "__pycache__/\n*.pyc\n.venv/\nnode_modules/\n")
        self.write(
            "pyproject.toml",
            '[project]\nname = "synthetic-monorepo"\nversion = "0.0.0"\n'
            'requires-python = ">=3.11"\n',
        )
        _ = rng

    # ------------------------------------------------------------------ services
    def service(
        self,
        svc: str,
        res_list: list[str],
        feature_of: dict[tuple[str, str], Feature],
        routes_per: int,
    ) -> None:
        rng = self.rng
        root = f"services/{svc}/src/{svc}"
        for pkg in ("", "/api", "/api/v1", "/core", "/db"):
            self.write(f"{root}{pkg}/__init__.py", "")
        self.write(
            f"{root}/core/config.py",
            f'"""Settings of the {svc} service."""\n\n'
            "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\n"
            "class Settings(BaseSettings):\n"
            '    model_config = SettingsConfigDict(env_file=".env", extra="ignore")\n\n'
            f'    PROJECT_NAME: str = "{svc}"\n'
            '    API_V1_STR: str = "/api/v1"\n'
            '    ADMIN_PATH: str = "/admin"\n'
            '    DATABASE_URL: str = "sqlite:///./app.db"\n'
            "    PAGE_SIZE: int = 50\n\n\n"
            "settings = Settings()\n",
        )
        consts = [f'"""Path constants of the {svc} API."""', ""]
        for r in res_list:
            consts.append(f'{r.upper()}_PREFIX = "/{r.replace("_", "-")}"')
        self.write(f"{root}/core/constants.py", "\n".join(consts) + "\n")
        self.write(
            f"{root}/api/deps.py",
            f'"""Dependencies shared by the {svc} endpoints."""\n\n'
            "from collections.abc import Iterator\n"
            "from typing import Annotated\n\n"
            "from fastapi import Depends, HTTPException, status\n"
            "from fastapi.security import OAuth2PasswordBearer\n\n"
            'oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/login/access-token")\n\n\n'
            "def get_db() -> Iterator[dict[str, int]]:\n"
            '    db = {"connections": 1}\n'
            "    try:\n        yield db\n    finally:\n        db.clear()\n\n\n"
            "def get_current_user(\n"
            "    token: Annotated[str, Depends(oauth2_scheme)],\n"
            ") -> dict[str, str]:\n"
            "    if not token:\n"
            "        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)\n"
            '    return {"sub": token}\n\n\n'
            "def get_current_active_user(\n"
            "    user: Annotated[dict[str, str], Depends(get_current_user)],\n"
            ") -> dict[str, str]:\n"
            "    return user\n\n\n"
            "CurrentUser = Annotated[dict[str, str], Depends(get_current_active_user)]\n",
        )
        self.write(
            f"{root}/db/session.py",
            '"""Database session factory."""\n\n'
            f"from {svc}.core.config import settings\n\n"
            'ENGINE_OPTIONS = {"pool_size": 5, "echo": False}\n\n\n'
            "def engine_url() -> str:\n    return settings.DATABASE_URL\n",
        )
        # group the resources: api -> group -> (sub-group ->) resource
        groups: dict[str, list[str]] = {}
        for i, r in enumerate(res_list):
            groups.setdefault(GROUPS[i % min(len(GROUPS), 1 + len(res_list) // 3)], []).append(r)
        group_imports = []
        group_names = []
        for g_idx, (group, members) in enumerate(sorted(groups.items())):
            gpkg = f"{root}/api/v1/{group}"
            sub = members[len(members) // 2 :] if len(members) >= 3 else []
            direct = [m for m in members if m not in sub]
            lines = [
                f'"""The {group} endpoints of the {svc} API."""',
                "",
                "from fastapi import APIRouter, Depends",
                "",
                f"from {svc}.api.deps import get_current_user",
            ]
            for r in direct:
                lines.append(f"from {svc}.api.v1.{group}.endpoints import {r}")
            if sub:
                lines.append(f"from {svc}.api.v1.{group}.nested import router as nested_router")
            guarded = group in ("admin", "internal", "ops")
            dep = ", dependencies=[Depends(get_current_user)]" if guarded else ""
            lines += ["", f'router = APIRouter(prefix="/{group}"{dep})', ""]
            if g_idx % 2 == 0:
                lines.append(f"ROUTERS = [{', '.join(f'{r}.router' for r in direct)}]")
                lines += ["", "for sub_router in ROUTERS:", "    router.include_router(sub_router)"]
            else:
                for r in direct:
                    lines.append(f"router.include_router({r}.router)")
            if sub:
                lines.append('router.include_router(nested_router, prefix="/nested")')
            self.write(f"{gpkg}/__init__.py", "\n".join(lines) + "\n")
            self.write(f"{gpkg}/endpoints/__init__.py", "")
            chain = ["/api/v1", f"/{group}"]
            for r in direct:
                self.endpoint_module(
                    svc,
                    group,
                    r,
                    f"{gpkg}/endpoints/{r}.py",
                    chain,
                    feature_of.get((svc, r)),
                    routes_per,
                    guarded,
                )
            if sub:
                nl = [f'"""Nested {group} endpoints."""', "", "from fastapi import APIRouter", ""]
                nl += [f"from {svc}.api.v1.{group}.nested.endpoints import {r}" for r in sub]
                nl += ["", "router = APIRouter()", ""]
                nl += [f"router.include_router({r}.router)" for r in sub]
                self.write(f"{gpkg}/nested/__init__.py", "\n".join(nl) + "\n")
                self.write(f"{gpkg}/nested/endpoints/__init__.py", "")
                for r in sub:
                    self.endpoint_module(
                        svc,
                        group,
                        r,
                        f"{gpkg}/nested/endpoints/{r}.py",
                        [*chain, "/nested"],
                        feature_of.get((svc, r)),
                        routes_per,
                        guarded,
                    )
            group_imports.append(f"from {svc}.api.v1 import {group}")
            group_names.append(group)
        self.write(
            f"{root}/api/router.py",
            f'"""The {svc} API router: every group, included in a loop."""\n\n'
            "from fastapi import APIRouter\n\n"
            + "\n".join(group_imports)
            + "\n\napi_router = APIRouter()\n\n"
            + f"GROUPS = [{', '.join(f'{g}.router' for g in group_names)}]\n\n"
            + "for group_router in GROUPS:\n    api_router.include_router(group_router)\n",
        )
        self.write(
            f"{root}/admin.py",
            f'"""The {svc} admin sub-application, mounted on the main app."""\n\n'
            "from fastapi import Depends, FastAPI\n\n"
            f"from {svc}.api.deps import get_current_user\n\n"
            "admin_app = FastAPI(dependencies=[Depends(get_current_user)])\n\n\n"
            '@admin_app.get("/health")\n'
            "def admin_health() -> dict[str, str]:\n"
            '    return {"status": "ok"}\n\n\n'
            '@admin_app.post("/reindex")\n'
            "def admin_reindex() -> dict[str, int]:\n"
            '    return {"queued": 1}\n',
        )
        self.routes += 2
        self.write(
            f"{root}/main.py",
            f'"""Entry point of the {svc} service."""\n\n'
            "from contextlib import asynccontextmanager\n\n"
            "import uvicorn\n"
            "from fastapi import FastAPI\n"
            "from fastapi.staticfiles import StaticFiles\n\n"
            f"from {svc}.admin import admin_app\n"
            f"from {svc}.api.router import api_router\n"
            f"from {svc}.core.config import settings\n\n\n"
            "@asynccontextmanager\n"
            "async def lifespan(app: FastAPI):\n"
            "    yield\n\n\n"
            "def create_app() -> FastAPI:\n"
            "    app = FastAPI(title=settings.PROJECT_NAME, lifespan=lifespan)\n"
            "    app.include_router(api_router, prefix=settings.API_V1_STR)\n"
            "    app.mount(settings.ADMIN_PATH, admin_app)\n"
            '    app.mount("/static", StaticFiles(directory="static"), name="static")\n\n'
            '    @app.get("/health", include_in_schema=False)\n'
            "    def health() -> dict[str, str]:\n"
            '        return {"status": "ok"}\n\n'
            "    return app\n\n\n"
            "app = create_app()\n\n\n"
            'if __name__ == "__main__":\n'
            f'    uvicorn.run("{svc}.main:app", host="0.0.0.0", port=8000)\n',
        )
        self.routes += 1
        _ = rng

    def endpoint_module(
        self,
        svc: str,
        group: str,
        res: str,
        path: str,
        chain: list[str],
        feat: Feature | None,
        routes_per: int,
        guarded: bool,
    ) -> None:
        rng = self.rng
        one = singular(res)
        pid = "/{" + one + "_id}"
        url = res.replace("_", "-")
        style = rng.randrange(3)
        parts: list[str | Func] = []
        head = [
            "from typing import Annotated",
            "",
            "from fastapi import APIRouter, Depends, HTTPException, status",
            "",
            f"from {svc}.api.deps import CurrentUser, get_db",
        ]
        if style == 0:
            head.append(f"from {svc}.core.constants import {res.upper()}_PREFIX")
            head += ["", f'router = APIRouter(prefix={res.upper()}_PREFIX, tags=["{res}"])']
        elif style == 1:
            head += ["", f'router = APIRouter(prefix="/{url}", tags=["{res}"])']
        else:
            head += ["", f'PREFIX = "/{url}"', f'router = APIRouter(prefix=PREFIX, tags=["{res}"])']
        parts.append("\n".join(head))
        shapes = [
            ("get", "/", f"list_{res}", False),
            ("post", "/", f"create_{one}", True),
            ("get", pid, f"read_{one}", False),
            ("put", pid, f"update_{one}", True),
            ("delete", pid, f"delete_{one}", True),
            ("patch", pid + "/status", f"set_{one}_status", True),
            ("post", pid + "/archive", f"archive_{one}", True),
            ("get", pid + "/history", f"{one}_history", False),
            ("post", "/bulk", f"bulk_{res}", True),
            ("get", "/export", f"export_{res}", True),
            ("get", "/search", f"search_{res}", False),
            ("post", pid + "/restore", f"restore_{one}", True),
        ]
        n = min(len(shapes), max(2, routes_per + rng.randint(-1, 1)))
        full_prefix = "".join(chain) + f"/{url}"
        helpers = self.new_funcs(rng.randint(1, 4), "_")
        for h in helpers:
            parts.append(h)
        for method, sub, name, needs_auth in shapes[:n]:
            auth_param = "user: CurrentUser, " if needs_auth and not guarded else ""
            kw = ""
            if feat and rng.random() < 0.15:
                kw = f', summary="{camel(name)}", description="See {self.any_id(feat)}."'
            dec = f'@router.{method}("{sub if sub != "/" else ""}"{kw})'
            if sub == "/" and rng.random() < 0.5:
                dec = f'@router.{method}("/"{kw})'
            args = f"{auth_param}db: Annotated[dict[str, int], Depends(get_db)]"
            if "{" in sub:
                args = f"{one}_id: int, " + args
            body = [f"    total = len(db) + {rng.randint(1, 9)}"]
            if "{" in sub:
                body += [
                    f"    if {one}_id < 0:",
                    "        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND)",
                ]
            body += self.func_body(rng.randint(3, 10))[:-1]
            body.append('    return {"ok": True, "total": total}')
            f = Func(name, f"async def {name}({args}) -> dict[str, object]:", body, [dec])
            parts.append(f)
            route_path = full_prefix + ("" if sub == "/" else sub)
            if sub == "/" and dec.endswith('("/"' + kw + ")"):
                route_path = full_prefix + "/"
            ep = Endpoint(method.upper(), route_path.rstrip("/") or "/", needs_auth or guarded)
            if feat is not None:
                ep.feature = feat
                feat.endpoints.append(ep)
                self.slots.append((f, feat))
            self.routes += 1
        self.pending.append((path, parts, f"{camel(res)} endpoints of the {svc} {group} API."))
        if feat is not None:
            self.module_feature[path] = feat

    def any_id(self, feat: Feature) -> str:
        return self.rng.choice(feat.ids) if feat.ids else "FR-001"

    # ------------------------------------------------------------------ generated
    def legacy_and_generated(
        self, services: list[str], feature_of: dict[tuple[str, str], Feature]
    ) -> None:
        rng = self.rng
        n_files = self.args.files
        svc = services[0]
        feat = next((f for f in self.features if f.service == svc), None)
        if n_files >= 200:
            # A 3,000-line legacy module with 60 routes and a lot of helper code.
            path = f"services/{svc}/src/{svc}/api/legacy.py"
            parts: list[str | Func] = [
                "from fastapi import APIRouter, Depends\n\n"
                f"from {svc}.api.deps import get_current_user\n\n"
                'router = APIRouter(prefix="/legacy", tags=["legacy"])'
            ]
            for i in range(60):
                for h in self.new_funcs(2, f"_legacy{i}_"):
                    parts.append(h)
                name = f"legacy_handler_{i}"
                method = ("get", "post", "put", "delete")[i % 4]
                body = [*self.func_body(rng.randint(6, 14))[:-1], f'    return {{"i": {i}}}']
                dec = f'@router.{method}("/op{i}", dependencies=[Depends(get_current_user)])'
                parts.append(Func(name, f"def {name}() -> dict[str, int]:", body, [dec]))
                self.routes += 1
            self.pending.append((path, parts, "Legacy endpoints kept for old clients."))
            # ... included by the main app, via a second include in main's package
            self.files[f"services/{svc}/src/{svc}/api/router.py"] += (
                f"\nfrom {svc}.api import legacy  # noqa: E402\n\n"
                "api_router.include_router(legacy.router)\n"
            )
        for i in range(max(1, n_files // 400)):
            pkg = f"proto{i}"
            base = f"packages/{pkg}/src/{pkg}"
            self.write(f"packages/{pkg}/src/{pkg}/__init__.py", "")
            if i % 2 == 0:
                lines = [
                    "# -*- coding: utf-8 -*-",
                    "# Generated by the protocol buffer compiler.  DO NOT EDIT!",
                    '"""Generated protocol buffer code."""',
                    "from google.protobuf import descriptor as _descriptor",
                    "from google.protobuf import descriptor_pool as _descriptor_pool",
                    "from google.protobuf.internal import builder as _builder",
                    "",
                ]
                blob = "".join(f"\\x{rng.randrange(256):02x}" for _ in range(4000))
                lines.append(
                    f"DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile(b'{blob}')"
                )
                lines += ["_globals = globals()", "if _descriptor._USE_C_DESCRIPTORS == False:"]
                for k in range(2500):
                    m = f"_{self.word().upper()}{k}"
                    lines.append(f"  _globals['{m}']._serialized_start={k * 37}")
                    lines.append(f"  _globals['{m}']._serialized_end={k * 37 + 36}")
                self.write(f"{base}/messages_pb2.py", "\n".join(lines) + "\n")
            else:
                lines = [
                    '"""Generated API client. DO NOT EDIT."""',
                    "from __future__ import annotations",
                    "",
                    "import httpx",
                    "",
                    "",
                    "class Client:",
                    "    def __init__(self, base_url: str) -> None:",
                    "        self._http = httpx.Client(base_url=base_url)",
                ]
                for k in range(1200):
                    r = RESOURCES[k % len(RESOURCES)]
                    lines += [
                        "",
                        f"    def call_{r}_{k}(self, item_id: int, limit: int = 50) -> dict:",
                        f'        """Call operation {k} on {r}."""',
                        f'        response = self._http.get(f"/v1/{r}/{{item_id}}/op{k}",'
                        ' params={"limit": limit})',
                        "        response.raise_for_status()",
                        "        return response.json()",
                    ]
                self.write(f"{base}/client.py", "\n".join(lines) + "\n")
        # A few modules in Python 3.12+ syntax: only LibCST reads them under 3.11.
        for i in range(max(1, n_files // 500)):
            svc_i = services[i % len(services)]
            res = f"generic{i}"
            path = f"services/{svc_i}/src/{svc_i}/api/{res}.py"
            body = [
                f'"""Generic repository endpoints (PEP 695), part {i}."""',
                "from fastapi import APIRouter",
                "",
                f'router = APIRouter(prefix="/{res}")',
                "",
                "type Pair[T] = tuple[T, T]",
                "",
                "",
                "class Repository[T]:",
                "    def __init__(self) -> None:",
                "        self.items: list[T] = []",
                "",
                "    def add[S: T](self, item: S) -> S:",
                "        self.items.append(item)",
                "        return item",
                "",
                "",
                '@router.get("/pairs")',
                "def list_pairs() -> list[int]:",
                '    label = f"{"pairs"}"',
                "    return [len(label)]",
            ]
            self.write(path, "\n".join(body) + "\n")
            self.files[f"services/{svc_i}/src/{svc_i}/api/router.py"] += (
                f"\nfrom {svc_i}.api import {res}  # noqa: E402\n\n"
                f"api_router.include_router({res}.router)\n"
            )
            self.routes += 1
        _ = feat, feature_of

    # ------------------------------------------------------------------ bulk
    def packages_and_bulk(
        self, services: list[str], feature_of: dict[tuple[str, str], Feature]
    ) -> None:
        rng = self.rng
        n_files = self.args.files
        n_tests = round(n_files * 0.15)
        budget = n_files - n_tests - self.py_count()
        n_pkgs = max(2, n_files // 250)
        pkgs = [f"lib{p}" for p in range(n_pkgs)]
        homes = [f"services/{s}/src/{s}" for s in services] + [
            f"packages/{p}/src/{p}" for p in pkgs
        ]
        made_init: set[str] = set(p for p in self.files if p.endswith("__init__.py"))
        i = 0
        while budget > 0:
            home = homes[i % len(homes)]
            layer = LAYERS[(i // len(homes)) % len(LAYERS)]
            sub = f"{home}/{layer}"
            if f"{sub}/__init__.py" not in made_init:
                init = f"{home}/__init__.py"
                if init not in made_init and budget > 1:
                    self.write(init, "")
                    made_init.add(init)
                    budget -= 1
                self.write(f"{sub}/__init__.py", "")
                made_init.add(f"{sub}/__init__.py")
                budget -= 1
                if budget <= 0:
                    break
            name = f"{self.word()}_{rng.choice(VERBS)}_{i}"
            path = f"{sub}/{name}.py"
            svc = home.split("/")[1]
            feats = [f for f in self.features if f.service == svc] or self.features
            feat = rng.choice(feats) if feats else None
            parts: list[str | Func] = []
            imports = ["from __future__ import annotations", "", "import dataclasses", ""]
            if rng.random() < 0.08 and home.startswith("services/"):
                imports.append(f"from {svc}.core.config import settings")
            parts.append("\n".join(imports))
            for c in range(rng.randint(1, 3)):
                cls = f"{camel(self.word())}{camel(layer.rstrip('s'))}{c}"
                fields = [
                    f"    {w}_{k}: int = {k}"
                    for k, w in enumerate(rng.sample(WORDS, rng.randint(2, 8)))
                ]
                methods = []
                for m in self.new_funcs(rng.randint(1, 5)):
                    m.is_method = True
                    m.signature = m.signature.replace("(value", "(self, value")
                    methods.append(m)
                parts.append(f"@dataclasses.dataclass\nclass {cls}:\n" + "\n".join(fields))
                for m in methods:
                    parts.append(m)
                    if feat is not None:
                        self.slots.append((m, feat))
            for fn in self.new_funcs(rng.randint(2, 12)):
                parts.append(fn)
                if feat is not None:
                    self.slots.append((fn, feat))
            self.pending.append((path, parts, f"{camel(layer)} for {name.replace('_', ' ')}."))
            if feat is not None:
                self.module_feature[path] = feat
            budget -= 1
            i += 1

    def py_count(self) -> int:
        return sum(1 for p in self.files if p.endswith(".py")) + sum(
            1 for p, _, _ in self.pending if p not in self.files
        )

    def tests(self, services: list[str], feature_of: dict[tuple[str, str], Feature]) -> None:
        rng = self.rng
        target = self.args.files - self.py_count()
        i = 0
        while i < target:
            feat = self.features[i % len(self.features)] if self.features else None
            svc = feat.service if feat else services[i % len(services)]
            path = f"services/{svc}/tests/api/test_{i}_{feat.resources[0] if feat else 'x'}.py"
            if i < len(services):
                self.write(
                    f"services/{services[i]}/tests/conftest.py",
                    "import pytest\n\n\n@pytest.fixture\ndef client():\n    return None\n",
                )
                i += 1
                continue
            parts: list[str | Func] = ["import pytest"]
            for k in range(rng.randint(2, 8)):
                name = f"test_{rng.choice(VERBS)}_{self.word()}_{k}"
                fn = Func(name, f"def {name}(client) -> None:", self.func_body(rng.randint(4, 10)))
                fn.body[-1] = "    assert client is None"
                parts.append(fn)
                if feat is not None:
                    self.slots.append((fn, feat))
            self.pending.append((path, parts, "Tests."))
            if feat is not None:
                self.module_feature[path] = feat
            i += 1

    # ------------------------------------------------------------------ references
    def place_refs(self) -> None:
        """Attach the target number of references to function slots, some dangling."""
        args = self.args
        if not self.slots:
            return
        target = args.refs
        dangling_share = 0.33 if args.spec_heavy else 0.05
        rng = self.rng
        order = list(range(len(self.slots)))
        rng.shuffle(order)
        placed = 0
        k = 0
        while placed < target:
            func, feat = self.slots[order[k % len(order)]]
            k += 1
            assert feat is not None
            if rng.random() < dangling_share:
                ref = self.dangling_id(feat)
                self.dangling += 1
            elif feat.fmt == SPEC_KIT and feat.tasks and rng.random() < 0.2:
                ref = rng.choice(feat.tasks)
            else:
                ref = rng.choice(feat.ids)
            if rng.random() < 0.15 and not func.comment_cite:
                func.comment_cite = ref
            else:
                func.cites.append(ref)
            placed += 1
        self.refs = placed

    def dangling_id(self, feat: Feature) -> str:
        n = len(feat.ids) + self.rng.randint(5, 400)
        if feat.fmt == KIRO:
            return f"{n}.{self.rng.randint(1, 9)}"
        if feat.fmt == SPEC_KIT:
            return f"FR-{n:03d}"
        return f"REQ-{feat.prefix}-{n:03d}"

    def cite_text(self, feat: Feature | None, ids: list[str]) -> str:
        if not ids:
            return ""
        if feat is not None and feat.fmt == KIRO:
            return "Requirements: " + ", ".join(ids)
        return "Implements " + ", ".join(ids) + "."

    def render_pending(self) -> None:
        for path, parts, doc in self.pending:
            feat = self.module_feature.get(path)
            cites = any(isinstance(p, Func) and (p.cites or p.comment_cite) for p in parts)
            head = f'"""{doc}'
            if feat is not None and cites and not self.args.no_specs:
                named = f"Feature: {feat.name}" if feat.fmt == KIRO else f"Spec: {feat.spec_path}"
                head += f"\n\n{named}\n"
            out = [head + '"""']
            for part in parts:
                if isinstance(part, str):
                    out.append(part)
                    continue
                out.append(self.render_func(part, feat))
            self.write(path, "\n\n\n".join(out) + "\n")

    def render_func(self, func: Func, feat: Feature | None) -> str:
        ind = "    " if func.is_method else ""
        doc = f'    """{func.name.replace("_", " ").strip().capitalize()}.'
        if func.cites:
            doc += "\n\n    " + self.cite_text(feat, func.cites) + '\n    """'
        else:
            doc += '"""'
        lines = []
        if func.comment_cite:
            verb = self.rng.choice(VERBS).capitalize()
            lines.append(f"# {verb} step ({func.comment_cite})")
        lines += [*func.decorators, func.signature, *doc.split("\n"), *func.body]
        return "\n".join(ind + line if line else line for line in lines)

    # ------------------------------------------------------------------ specs
    def specs(self) -> None:
        for feat in self.features:
            if feat.fmt == SPEC_KIT:
                self.spec_kit(feat)
            elif feat.fmt == KIRO:
                self.kiro(feat)
            else:
                self.plain(feat)

    def declared(self, feat: Feature) -> list[Endpoint]:
        """The endpoints a spec declares: most served routes, some drifted, some missing."""
        rng = self.rng
        out = []
        for i, ep in enumerate(feat.endpoints):
            roll = rng.random()
            if roll < 0.08:
                continue  # undocumented route
            method, path = ep.method, ep.path
            if roll < 0.11:
                method = "POST" if method != "POST" else "PUT"  # method mismatch
            elif roll < 0.14:
                path = path.replace("/api/v1", "/api", 1)  # path mismatch
            out.append(Endpoint(method, path, ep.auth, feat, feat.ids[i % len(feat.ids)]))
        if feat.ids and rng.random() < 0.5:
            out.append(
                Endpoint("GET", f"/api/v1/{feat.resources[0]}/unserved", True, feat, feat.ids[-1])
            )
        return out

    def para(self, feat: Feature, n: int) -> str:
        words = [self.rng.choice(WORDS + VERBS) for _ in range(n)]
        return f"The {feat.resources[0]} feature " + " ".join(words) + "."

    def spec_kit(self, feat: Feature) -> None:
        rng = self.rng
        res = feat.resources[0]
        lines = [
            f"# Feature Specification: {camel(res)} management",
            "",
            f"**Feature Branch**: `{feat.name}`  ",
            "**Created**: 2025-11-03  ",
            "**Status**: Draft  ",
            "",
            "## User Scenarios & Testing *(mandatory)*",
            "",
        ]
        stories = max(1, min(6, len(feat.ids) // 4))
        for s in range(1, stories + 1):
            lines += [
                f"### User Story {s} - {camel(rng.choice(VERBS))} {res} (Priority: P{min(s, 3)})",
                "",
                self.para(feat, 30),
                "",
                "**Acceptance Scenarios**:",
                "",
                f"1. **Given** a signed-in user, **When** they {rng.choice(VERBS)} a {res}, "
                "**Then** the change is stored.",
                "",
            ]
        lines += ["## Requirements *(mandatory)*", "", "### Functional Requirements", ""]
        for rid in feat.ids:
            text = f"System MUST {rng.choice(VERBS)} the {res} {self.word()} " + " ".join(
                self.word() for _ in range(rng.randint(4, 14))
            )
            if rng.random() < 0.02:
                text += " [NEEDS CLARIFICATION: which provider?]"
            lines.append(f"- **{rid}**: {text}.")
        lines += [
            "",
            "## Success Criteria",
            "",
            "- **SC-001**: 95% of requests finish in 200 ms.",
            "",
        ]
        self.write(f"specs/{feat.name}/spec.md", "\n".join(lines) + "\n")
        self.write(
            f"specs/{feat.name}/plan.md",
            f"# Implementation Plan: {camel(res)}\n\n## Summary\n\n{self.para(feat, 60)}\n\n"
            "## Technical Context\n\n**Language/Version**: Python 3.11\n"
            "**Primary Dependencies**: FastAPI, SQLAlchemy\n",
        )
        tl = [f"# Tasks: {camel(res)}", "", "## Phase 1: Setup", ""]
        for i, t in enumerate(feat.tasks):
            box = "x" if rng.random() < 0.6 else " "
            story = f"[US{1 + i % stories}] "
            cite = f" ({feat.ids[i % len(feat.ids)]})" if feat.ids else ""
            tl.append(f"- [{box}] {t} [P] {story}Implement {res} step {i}{cite}")
        self.write(f"specs/{feat.name}/tasks.md", "\n".join(tl) + "\n")
        eps = self.declared(feat)
        if eps:
            y = [
                "openapi: 3.0.3",
                "info:",
                f"  title: {camel(res)} API",
                "  version: 1.0.0",
                "servers:",
                "  - url: /api/v1",
                "paths:",
            ]
            by_path: dict[str, list[Endpoint]] = {}
            for ep in eps:
                rel = ep.path[len("/api/v1") :] if ep.path.startswith("/api/v1/") else ep.path
                by_path.setdefault(rel or "/", []).append(ep)
            for rel, group in sorted(by_path.items()):
                y.append(f"  {rel}:")
                seen = set()
                for ep in group:
                    if ep.method in seen:
                        continue
                    seen.add(ep.method)
                    y += [f"    {ep.method.lower()}:", f"      summary: {ep.req} {rel}"]
                    if ep.auth:
                        y += ["      security:", "        - bearerAuth: []"]
                    y += ["      responses:", '        "200":', "          description: OK"]
            self.write(f"specs/{feat.name}/contracts/openapi.yaml", "\n".join(y) + "\n")

    def kiro(self, feat: Feature) -> None:
        rng = self.rng
        res = feat.resources[0]
        base = f".kiro/specs/{feat.name}"
        lines = [
            "# Requirements Document",
            "",
            "## Introduction",
            "",
            self.para(feat, 40),
            "",
            "## Glossary",
            "",
            "- **API_Layer**: The FastAPI backend",
            "- **Web_UI**: The browser front end",
            "",
            "## Requirements",
            "",
        ]
        current = 0
        for rid in feat.ids:
            n, m = rid.split(".")
            if int(n) != current:
                current = int(n)
                lines += [
                    "",
                    f"### Requirement {n}: {camel(rng.choice(VERBS))} {res}",
                    "",
                    f"**User Story:** As an operator, I want to {rng.choice(VERBS)} {res}, "
                    "so that the records stay correct.",
                    "",
                    "#### Acceptance Criteria",
                    "",
                ]
            subject = "Web_UI" if rng.random() < 0.05 else "API_Layer"
            lines.append(
                f"{m}. WHEN a user {rng.choice(VERBS)}s a {singular(res)}, THE {subject} SHALL "
                f"{rng.choice(VERBS)} the {self.word()} "
                + " ".join(self.word() for _ in range(rng.randint(3, 10)))
            )
        self.write(f"{base}/requirements.md", "\n".join(lines) + "\n")
        eps = self.declared(feat)
        d = [
            "# Design Document",
            "",
            "## Overview",
            "",
            self.para(feat, 50),
            "",
            "## Components and Interfaces",
            "",
            "### API_Layer",
            "",
        ]
        for ep in eps:
            d.append(f"- `{ep.method} {ep.path}` - {rng.choice(VERBS)} {res}")
        d += ["", "## Correctness Properties", ""]
        for p in range(1, 4):
            d += [
                f"### Property {p}: {res} round trip",
                "",
                f"*For any* valid {singular(res)}, storing then reading returns it.",
                "",
                f"**Validates: Requirements {rng.choice(feat.ids)}**",
                "",
            ]
        self.write(f"{base}/design.md", "\n".join(d) + "\n")
        t = ["# Implementation Plan", ""]
        for tid in feat.tasks:
            box = "x" if rng.random() < 0.6 else " "
            t += [
                f"- [{box}] {tid} Implement {res} part {tid}",
                f"  - _Requirements: {', '.join(rng.sample(feat.ids, min(2, len(feat.ids))))}_",
            ]
        self.write(f"{base}/tasks.md", "\n".join(t) + "\n")

    def plain(self, feat: Feature) -> None:
        rng = self.rng
        res = feat.resources[0]
        lines = [
            f"# {camel(res)} API",
            "",
            self.para(feat, 30),
            "",
            "## Authentication",
            "",
            "All endpoints require a JWT bearer token except the list endpoints.",
            "",
            "## Requirements",
            "",
        ]
        for rid in feat.ids:
            lines += [f"### {rid}: {camel(rng.choice(VERBS))} {res}", "", self.para(feat, 20), ""]
        eps = self.declared(feat)
        if eps:
            lines += [
                "## Endpoints",
                "",
                "| Method | Path | Auth | Requirement |",
                "|--------|------|------|-------------|",
            ]
            for ep in eps:
                auth = "Required" if ep.auth else "Public"
                lines.append(f"| {ep.method} | `{ep.path}` | {auth} | {ep.req} |")
        self.write(f"specs/{feat.name}/spec.md", "\n".join(lines) + "\n")


def overlay_specs(root: Path, routes_json: Path | None, seed: int) -> dict[str, object]:
    """A small ``specs/`` folder for a real codebase that has none (spec-kit + plain).

    With ``routes_json`` (the output of ``traceaudit routes --format json``) the specs
    declare a sample of the real endpoints, as a team writing specs for it would.
    """
    rng = random.Random(seed)
    if (root / "specs").exists():
        raise SystemExit(f"generate.py: {root}/specs exists already")
    routes: list[tuple[str, str, bool]] = []
    if routes_json is not None:
        data = json.loads(routes_json.read_text(encoding="utf-8"))
        for r in data.get("routes", []):
            for m in r.get("methods", []):
                if m in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                    routes.append((m, r["path"], bool(r.get("auth"))))
        routes = sorted(set(routes))
    sample = rng.sample(routes, min(len(routes), 40))
    files: dict[str, str] = {}
    fr = [f"FR-{i:03d}" for i in range(1, 26)]
    lines = [
        "# Feature Specification: Core API",
        "",
        "**Feature Branch**: `001-core`",
        "",
        "### User Story 1 - Operate the service (Priority: P1)",
        "",
        "An operator manages the service through its API.",
        "",
        "## Requirements *(mandatory)*",
        "",
        "### Functional Requirements",
        "",
    ]
    for rid in fr:
        lines.append(
            f"- **{rid}**: System MUST {rng.choice(VERBS)} the {rng.choice(WORDS)} "
            f"of every {rng.choice(RESOURCES)} record."
        )
    files["specs/001-core/spec.md"] = "\n".join(lines) + "\n"
    files["specs/001-core/tasks.md"] = "# Tasks: Core API\n\n" + "".join(
        f"- [x] T{i:03d} [US1] Implement step {i} ({fr[i % len(fr)]})\n" for i in range(1, 13)
    )
    half = sample[: len(sample) // 2]
    if half:
        y = ["openapi: 3.0.3", "info:", "  title: Core API", "  version: 1.0.0", "paths:"]
        by_path: dict[str, list[tuple[str, bool]]] = {}
        for m, p, auth in half:
            by_path.setdefault(p, []).append((m, auth))
        for p, ops in sorted(by_path.items()):
            y.append(f"  {json.dumps(p)}:")
            for m, auth in ops:
                y += [f"    {m.lower()}:", f"      summary: {m} {p}"]
                if auth:
                    y += ["      security:", "        - bearerAuth: []"]
                y += ["      responses:", '        "200":', "          description: OK"]
        files["specs/001-core/contracts/openapi.yaml"] = "\n".join(y) + "\n"
    lines = ["# Service API", "", "## Requirements", ""]
    for i in range(1, 16):
        lines += [
            f"### REQ-API-{i:03d}: {rng.choice(VERBS).capitalize()} {rng.choice(RESOURCES)}",
            "",
            "The service keeps this behaviour stable across releases.",
            "",
        ]
    rest = sample[len(sample) // 2 :]
    if rest:
        lines += ["## Endpoints", "", "| Method | Path | Auth |", "|---|---|---|"]
        lines += [f"| {m} | `{p}` | {'Required' if a else 'Public'} |" for m, p, a in rest]
    files["specs/api/spec.md"] = "\n".join(lines) + "\n"
    for rel, text in sorted(files.items()):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return {
        "overlay": str(root),
        "spec_files": len(files),
        "declared_endpoints": len(sample),
        "requirements": len(fr) + 15,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write (must be empty or absent)")
    parser.add_argument("--files", type=int, default=2000, help="Python files (approximate)")
    parser.add_argument("--seed", type=int, default=11)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--spec-heavy",
        action="store_true",
        help="thousands of requirements, ~10,000 references, a third dangling",
    )
    mode.add_argument("--no-specs", action="store_true", help="the same code, no spec file")
    mode.add_argument(
        "--html-scale",
        action="store_true",
        help="10,000 requirements and 2,000 routes (HTML report benchmark)",
    )
    parser.add_argument("--requirements", type=int, default=0)
    parser.add_argument("--routes", type=int, default=0)
    parser.add_argument("--refs", type=int, default=0)
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    parser.add_argument(
        "--overlay-specs",
        action="store_true",
        help="add a small specs/ folder to the existing tree OUT (a real "
        "codebase without specs) instead of generating a tree",
    )
    parser.add_argument(
        "--routes-json",
        type=Path,
        help="with --overlay-specs: `traceaudit routes --format json` output",
    )
    args = parser.parse_args(argv)
    if args.overlay_specs:
        print(json.dumps(overlay_specs(args.out, args.routes_json, args.seed)))
        return 0
    if args.html_scale:
        args.requirements = args.requirements or 10_000
        args.routes = args.routes or 2_000
        args.files = min(args.files, 600)
    if args.spec_heavy:
        args.requirements = args.requirements or 3_000
        args.refs = args.refs or 10_000
    if not args.refs:
        args.refs = max(20, args.files // 2)
    if args.out.exists():
        if not args.force and any(args.out.iterdir()):
            print(f"generate.py: {args.out} exists and is not empty (use --force)", file=sys.stderr)
            return 2
        shutil.rmtree(args.out)
    gen = Gen(args)
    gen.build()
    for rel in sorted(gen.files):
        path = args.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(gen.files[rel], encoding="utf-8")
    py = [p for p in gen.files if p.endswith(".py")]
    spec_files = [p for p in gen.files if p.startswith(("specs/", ".kiro/"))]
    manifest = {
        "generator": "benchmarks/generate.py",
        "args": {
            k: (str(v) if isinstance(v, Path) else v)
            for k, v in sorted(vars(args).items())
            if k not in ("out", "force", "quiet", "overlay_specs", "routes_json")
        },
        "python_files": len(py),
        "python_bytes": sum(len(gen.files[p].encode()) for p in py),
        "spec_files": len(spec_files),
        "features": len(gen.features) if not args.no_specs else 0,
        "requirements": sum(len(f.ids) for f in gen.features) if not args.no_specs else 0,
        "routes": gen.routes,
        "references": gen.refs,
        "dangling_references": gen.dangling,
    }
    (args.out / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    if not args.quiet:
        print(json.dumps(manifest))
    return 0


if __name__ == "__main__":
    sys.exit(main())

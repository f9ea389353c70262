"""Deployment files name the entry points that start a service."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from traceaudit.pysource.deploy import (
    is_deploy_file,
    proxy_prefixes,
    serve_commands,
    setup_py_scripts,
)


def found(path: str, text: str) -> list[tuple[str, str, str, int, str]]:
    return [
        (c.kind, c.target, c.base, c.location.line, c.attr)
        for c in serve_commands(textwrap.dedent(text), path)
    ]


def test_a_dockerfile_cmd_with_env_values_and_an_entrypoint() -> None:
    assert found(
        "services/geo/Dockerfile.xarray",
        """
        FROM python:3.12
        ENV MODULE_NAME=titiler.xarray.main
        ENV VARIABLE_NAME=app
        ARG PORT=80
        CMD gunicorn -k uvicorn.workers.UvicornWorker ${MODULE_NAME}:${VARIABLE_NAME} \\
            --bind 0.0.0.0:${PORT} --workers 1
        """,
    ) == [("app", "titiler.xarray.main:app", "services/geo", 6, "")]
    assert found(
        "Dockerfile",
        """
        ENTRYPOINT ["uvicorn", "--factory"]
        CMD ["api.app:create_app", "--host", "0.0.0.0"]
        """,
    ) == [("app", "api.app:create_app()", "", 3, "")]


def test_compose_services_run_in_their_build_context() -> None:
    assert found(
        "deploy/docker-compose.yml",
        """
        services:
          api:
            build:
              context: ../backend
            command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
          worker:
            build: ../worker
            command: >
              celery -A worker worker
          admin:
            build: ../admin
            command:
              - gunicorn
              - -k
              - uvicorn.workers.UvicornWorker
              - admin.server:create()
          web:
            image: nginx  # not Python
            command: nginx -g 'daemon off;'
        """,
    ) == [
        ("app", "app.main:app", "backend", 6, ""),
        ("app", "admin.server:create()", "admin", 13, ""),
    ]


def test_procfile_shell_scripts_and_the_fastapi_cli() -> None:
    procfile = "web: cd api && uvicorn main:app --port $PORT\nworker: rq worker\n"
    assert found("Procfile", procfile) == [
        ("app", "main:app", "api", 1, "")
    ]
    assert found(
        "scripts/start.sh",
        """
        #!/bin/sh
        set -e
        cd ../server
        alembic upgrade head
        exec fastapi run src/main.py --app api --port 80
        python -m uvicorn --app-dir src other:app
        python -m myservice.worker
        python manage.py
        """,
    ) == [
        ("fastapi", "server/src/main.py", "server", 6, "api"),
        ("app", "other:app", "server/src", 7, ""),
        ("main", "myservice.worker", "server", 8, ""),
        ("main", "server/manage.py", "server", 9, ""),
    ]
    assert found("start.sh", "hypercorn 'pkg.asgi:app' -b 0.0.0.0:8000\n") == [
        ("app", "pkg.asgi:app", "", 1, "")
    ]


def test_console_scripts_of_every_packaging_format() -> None:
    assert found(
        "server/pyproject.toml",
        """
        [project]
        name = "srv"
        [project.scripts]
        srv = "srv.cli:main"
        [tool.poetry.scripts]
        srv-admin = "srv.admin:run"
        [tool.fastapi]
        entrypoint = "srv.main:app"
        [tool.poe.tasks]
        serve = "uvicorn srv.main:app --reload"
        """,
    ) == [
        ("function", "srv.cli:main", "server", 5, ""),
        ("function", "srv.admin:run", "server", 7, ""),
        ("app", "srv.main:app", "server", 9, ""),
        ("app", "srv.main:app", "server", 11, ""),
    ]
    cfg = "[options.entry_points]\nconsole_scripts =\n    tool = tool.main:cli\n"
    assert found("setup.cfg", cfg) == [
        ("function", "tool.main:cli", "", 3, "")
    ]
    entry_points = "[console_scripts]\nPkg = pkg.cli:main\n"
    assert found("pkg-1.0.dist-info/entry_points.txt", entry_points) == [
        ("function", "pkg.cli:main", "pkg-1.0.dist-info", 2, "")
    ]
    setup = 'setup(entry_points={"console_scripts": ["svc = svc.main:run"]})\n'
    assert [(c.kind, c.target) for c in setup_py_scripts(setup, "setup.py")] == [
        ("function", "svc.main:run")
    ]


@pytest.mark.parametrize(
    "text",
    ["[project\n", "services:\n  api:\n    command: [\n", "CMD [\"uvicorn\"\n"],
)
def test_broken_files_name_nothing_and_never_raise(text: str) -> None:
    for path in ("pyproject.toml", "compose.yaml", "Dockerfile"):
        serve_commands(text, path)


def test_which_files_are_read() -> None:
    names = ["Dockerfile", "api/Dockerfile.prod", "x.dockerfile", "docker-compose.override.yml",
             "compose.yaml", "Procfile", "run.sh", "pyproject.toml", "setup.cfg",
             "a.dist-info/entry_points.txt"]  # fmt: skip
    assert all(is_deploy_file(n) for n in names)
    assert not any(is_deploy_file(n) for n in ["README.md", "config.yml", "main.py"])


def test_a_document_or_template_named_like_a_dockerfile_is_not_one() -> None:
    # a reference document about Dockerfiles, code, a template a generator fills in
    names = ["docs/dockerfile-patterns.md", "Dockerfile.md", "dockerfile_gen.py",
             "Dockerfile.j2", "Dockerfile.template", "Dockerfile.example", "Containerfile.tmpl",
             "dockerfile-notes.txt"]  # fmt: skip
    assert not any(is_deploy_file(n) for n in names)
    variants = ["Dockerfile.prod", "Dockerfile.optimized-alpine", "Dockerfile-dev",
                "dockerfile.worker", "Containerfile.api"]  # fmt: skip
    assert all(is_deploy_file(n) for n in variants)


def test_templates_for_other_projects_serve_no_app() -> None:
    # fixtures/patterns/deployment-templates: a coding agent's skill assets and a templates/
    # folder start `main:app`, which would be taken for backend/app/main.py:app
    from traceaudit.audit import load_project
    from traceaudit.config import load

    fixture = Path(__file__).resolve().parents[2] / "fixtures/patterns/deployment-templates"
    read = load_project(load(fixture), jobs=1)
    (app,) = read.code.apps
    assert [chain[0] for chain in app.served_by] == [
        "backend/Dockerfile:6 `uvicorn app.main:app --host 0.0.0.0 --port 8000`",
        "docker-compose.yml:4 `uvicorn app.main:app --host 0.0.0.0 --port 8000`",
    ]
    assert [loc.path for loc, _ in read.code.lost_trails] == ["backend/Dockerfile.worker"]
    templates = (".claude/", "templates/", "docs/")
    assert not any(e.startswith(templates) for e in read.code.entry_points)


def test_the_prefixes_an_nginx_proxy_strips() -> None:
    conf = textwrap.dedent(
        """
        upstream api { server backend:8000; }
        server {
          location ^~ /api/ {
            proxy_pass http://api/;
            proxy_set_header Host $host;
          }
          location /v2/ { proxy_pass http://backend:8000/v2/; }
          location /static/ { proxy_pass http://files:9000; }
          location /ws/ { proxy_pass http://$upstream/; }
          location / { proxy_pass http://frontend:3000/; }
          location /mcp {
            if ($request_method = OPTIONS) { return 204; }
            proxy_pass http://mcp:8070/;
          }
        }
        """
    )
    got = [(p, up, loc.line) for p, up, loc in proxy_prefixes(conf, "deploy/nginx.conf.template")]
    # /v2/ keeps its path, /static/ passes the request unchanged, a variable is not read,
    # and "/" strips nothing
    assert got == [("/api", "api", 4), ("/mcp", "mcp:8070", 12)]
    # not an nginx configuration: nothing
    assert proxy_prefixes(conf, "docs/proxy.conf") == ()


@pytest.mark.parametrize(
    ("rel", "proxy"),
    [("nginx.conf", True), ("deploy/nginx/default.conf", True), ("nginx.conf.template", True),
     ("infra/api.nginx.conf.example", True), ("docs/nginx.conf.md", False),
     ("etc/app.conf", False)],
)  # fmt: skip
def test_nginx_configurations_are_deployment_files(rel: str, proxy: bool) -> None:
    assert is_deploy_file(rel) is proxy
    assert serve_commands("location /api/ { proxy_pass http://a/; }", rel) == ()

"""Discovery: which files are specs, code and tests."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from traceaudit.config import load
from traceaudit.discover import DiscoveryError, discover, is_other_test_path, is_test_path


def tree(root: Path, files: list[str]) -> None:
    for rel in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n" if rel.endswith(".py") else "# T\n", encoding="utf-8")


def test_default_roots_and_exclusions(tmp_path: Path) -> None:
    tree(
        tmp_path,
        [
            "specs/orders/spec.md",
            "specs/orders/contracts/api.yaml",
            ".kiro/specs/x/requirements.md",
            "docs/architecture.md",
            "app/main.py",
            "app/api/users.py",
            "tests/test_users.py",
            "app/test_helpers.py",
            "conftest.py",
            ".venv/lib/site.py",
            "env2/pyvenv.cfg",
            "env2/lib/x.py",
            "node_modules/a/b.py",
            "build/lib/app.py",
            "generated/out.py",
            "app/__pycache__/x.py",
        ],
    )
    (tmp_path / ".gitignore").write_text("generated/\n*.log\n", encoding="utf-8")
    found = discover(load(tmp_path))
    assert found.spec_roots == ("specs", ".kiro/specs")
    assert found.spec_files == (".kiro/specs/x/requirements.md", "specs/orders/spec.md")
    assert found.contract_files == ("specs/orders/contracts/api.yaml",)
    assert found.python_files == ("app/api/users.py", "app/main.py")
    assert found.test_files == ("app/test_helpers.py", "conftest.py", "tests/test_users.py")


def test_nested_gitignore_and_negation(tmp_path: Path) -> None:
    tree(tmp_path, ["app/a.py", "app/b.py", "app/keep_b.py", "specs/s.md"])
    (tmp_path / "app" / ".gitignore").write_text("*.py\n!a.py\n", encoding="utf-8")
    assert discover(load(tmp_path)).python_files == ("app/a.py",)


def test_explicit_spec_and_code_roots(tmp_path: Path) -> None:
    tree(tmp_path, ["docs/api.md", "docs/other.md", "src/pkg/m.py", "scripts/s.py"])
    config = replace(load(tmp_path), spec_roots=("docs/api.md",), code_roots=("src",))
    found = discover(config)
    assert found.spec_files == ("docs/api.md",)
    assert found.python_files == ("src/pkg/m.py",)


def test_paths_outside_root_are_refused(tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    tree(tmp_path, ["outside/spec.md"])
    config = replace(load(tmp_path / "proj"), spec_roots=("../outside",))
    with pytest.raises(DiscoveryError, match="outside the project root"):
        discover(config)


def test_missing_root_is_an_error(tmp_path: Path) -> None:
    config = replace(load(tmp_path), spec_roots=("nope",))
    with pytest.raises(DiscoveryError, match="path not found: nope"):
        discover(config)


def test_exclude_globs(tmp_path: Path) -> None:
    tree(tmp_path, ["app/a.py", "app/migrations/0001.py", "specs/s.md"])
    config = replace(load(tmp_path), exclude=("app/migrations",))
    assert discover(config).python_files == ("app/a.py",)


def test_exclude_has_gitignore_semantics(tmp_path: Path) -> None:
    tree(
        tmp_path,
        [
            "app/a.py",
            "app/gen/x_pb2.py",
            "lib/gen/y_pb2.py",
            "app/gen/keep.py",
            "app/build.py",
            "specs/s.md",
            "specs/drafts/d.md",
        ],
    )
    # a bare name matches at any depth; "/" anchors; "!" re-includes; "dir/" only folders
    config = replace(
        load(tmp_path), exclude=("*_pb2.py", "/specs/drafts/", "gen/", "!keep.py", "build.py/")
    )
    found = discover(config)
    assert found.python_files == ("app/a.py", "app/build.py")
    assert found.spec_files == ("specs/s.md",)


def test_git_info_exclude_and_escaped_patterns(tmp_path: Path) -> None:
    tree(
        tmp_path,
        ["app/a.py", "app/local_only.py", "app/#scratch.py", "app/!bang.py", "specs/s.md"],
    )
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("local_only.py\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("\\#scratch.py\n\\!bang.py\n", encoding="utf-8")
    assert discover(load(tmp_path)).python_files == ("app/a.py",)


def test_gitignore_above_the_audited_root_applies(tmp_path: Path) -> None:
    """Auditing ``backend/`` of a repository: the repository's .gitignore still speaks."""
    tree(tmp_path, ["backend/app/a.py", "backend/generated/g.py", "backend/specs/s.md"])
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("backend/generated/\n", encoding="utf-8")
    assert discover(load(tmp_path / "backend")).python_files == ("app/a.py",)


def test_monorepo_specs_beside_the_audited_root(tmp_path: Path) -> None:
    tree(tmp_path, ["backend/app/a.py", "specs/orders/spec.md", "outside/x.md"])
    (tmp_path / ".git").mkdir()
    config = replace(load(tmp_path / "backend"), spec_roots=("../specs",))
    found = discover(config)
    assert found.spec_roots == ("../specs",)
    assert found.spec_files == ("../specs/orders/spec.md",)
    assert found.python_files == ("app/a.py",)
    # without a repository around it, the root is the limit
    (tmp_path / ".git").rmdir()
    with pytest.raises(DiscoveryError, match="outside the project root"):
        discover(config)


def test_nothing_beyond_the_repository(tmp_path: Path) -> None:
    tree(tmp_path, ["repo/backend/app/a.py", "elsewhere/spec.md"])
    (tmp_path / "repo" / ".git").mkdir()
    config = replace(load(tmp_path / "repo" / "backend"), spec_roots=("../../elsewhere",))
    with pytest.raises(DiscoveryError, match="outside the repository"):
        discover(config)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/test_x.py", True),
        ("app/tests/helpers.py", True),
        ("app/x_test.py", True),
        ("conftest.py", True),
        ("app/testing_utils.py", False),
        ("app/contest.py", False),
    ],
)
def test_is_test_path(path: str, expected: bool) -> None:
    assert is_test_path(path) is expected


def test_gitignore_does_not_hide_named_spec_roots(tmp_path: Path) -> None:
    tree(tmp_path, ["specs/a/spec.md", "app/notes.md", "app/m.py"])
    (tmp_path / ".gitignore").write_text("*.md\n", encoding="utf-8")
    assert discover(load(tmp_path)).spec_files == ("specs/a/spec.md",)


def test_bmad_planning_docs_when_no_spec_root_exists(tmp_path: Path) -> None:
    tree(
        tmp_path,
        [
            "docs/PRD.md",
            "docs/epics.md",
            "docs/architecture.md",
            "docs/sprint-artifacts/tech-spec-epic-1.md",
            "docs/sprint-artifacts/2-1-workout-logging.md",
            "docs/stories/1.2.story.md",
            "docs/validation-report.md",
        ],
    )
    found = discover(load(tmp_path))
    assert found.spec_roots == ("docs",)
    assert found.spec_files == (
        "docs/PRD.md",
        "docs/epics.md",
        "docs/sprint-artifacts/2-1-workout-logging.md",
        "docs/sprint-artifacts/tech-spec-epic-1.md",
        "docs/stories/1.2.story.md",
    )


def test_roots_may_be_given_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree(tmp_path, ["proj/docs/api.md", "proj/app/m.py"])
    monkeypatch.chdir(tmp_path)
    config = replace(load(tmp_path / "proj"), spec_roots=("proj/docs/api.md",))
    assert discover(config).spec_files == ("docs/api.md",)


# -- zero configuration: specs recognised by their content --------------------

STORY = """# Story 2.1: Optimise memory storage

## Status

Draft

## Acceptance Criteria

1. Memories are deduplicated.

## Tasks / Subtasks

- [ ] Task 1: Hash the content (AC: 1)
"""
API_REFERENCE = """# API

### GET /api/invoices
### POST /api/invoices
### GET /api/invoices/{invoice_id}
"""


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_specs_are_found_by_their_content_wherever_they_live(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "docs/stories/2.1.optimise.md": STORY,
            "docs/stories/2.2.cache.md": STORY.replace("2.1", "2.2"),
            "docs/mem0-stack-prd.md": "# PRD\n\n- FR1: a\n- FR2: b\n- FR3: c\n",
            "API_REFERENCE.md": API_REFERENCE,
            "README.md": "# Invoicing\n\nRun `GET /health` to check.\n",
            "docs/notes.md": "# Notes\n\nNothing here.\n",
            "app/main.py": "x = 1\n",
        },
    )
    found = discover(load(tmp_path))
    assert found.spec_files == (
        "API_REFERENCE.md", "docs/mem0-stack-prd.md",
        "docs/stories/2.1.optimise.md", "docs/stories/2.2.cache.md",
    )  # fmt: skip
    assert found.spec_reasons == (
        ("API_REFERENCE.md", "by content: API reference"),
        ("docs/mem0-stack-prd.md", "by content: PRD requirements list"),
        ("docs/stories", "by content: 2 BMAD story files"),
    )


def test_a_folder_of_mostly_specs_is_read_whole(tmp_path: Path) -> None:
    """docs/features/: two API references and one feature note whose endpoint sits in a
    fence; the note is read with them. A folder where specs are the few (docs/misc: 2 of 5)
    gives only its specs."""
    note = "# Password Policy\n\n## API Endpoints\n\n```bash\nGET /api/password-policy\n```\n"
    write(
        tmp_path,
        {
            "docs/features/INVOICES.md": API_REFERENCE,
            "docs/features/PAYMENTS.md": API_REFERENCE.replace("invoices", "payments"),
            "docs/features/PASSWORD_POLICY.md": note,
            "docs/features/deep/OTHER.md": "# Other\n",
            "docs/misc/a.md": API_REFERENCE, "docs/misc/b.md": API_REFERENCE,
            "docs/misc/c.md": "# C\n", "docs/misc/d.md": "# D\n", "docs/misc/e.md": "# E\n",
        },
    )  # fmt: skip
    found = discover(load(tmp_path))
    assert found.spec_files == (
        "docs/features/INVOICES.md", "docs/features/PASSWORD_POLICY.md",
        "docs/features/PAYMENTS.md", "docs/misc/a.md", "docs/misc/b.md",
    )  # fmt: skip
    assert found.spec_reasons == (
        ("docs/features", "by content: 2 API references; and the folder's 1 other Markdown file"),
        ("docs/misc", "by content: 2 API references"),
    )


def test_named_roots_come_first_and_content_adds_to_them(tmp_path: Path) -> None:
    write(tmp_path, {"specs/a/spec.md": "# A\n", "backend/README.md": API_REFERENCE})
    found = discover(load(tmp_path))
    assert found.spec_files == ("backend/README.md", "specs/a/spec.md")
    assert found.spec_reasons == (
        ("specs", "named like a spec folder"),
        ("backend/README.md", "by content: API reference"),
    )


def test_a_root_found_by_its_name_and_by_its_content_is_listed_once(tmp_path: Path) -> None:
    # BMAD's docs/ gives its PRD; the API references beside it are found by content
    write(tmp_path, {
        "docs/prd.md": "# PRD\n\n- FR1: a\n", "docs/api.md": API_REFERENCE,
        "docs/api-admin.md": API_REFERENCE.replace("invoices", "admins"),
    })  # fmt: skip
    found = discover(load(tmp_path))
    assert found.spec_files == ("docs/api-admin.md", "docs/api.md", "docs/prd.md")
    assert found.spec_roots == ("docs",)
    assert found.spec_reasons == ((
        "docs",
        "a BMAD docs folder with a PRD: its PRD, epics and stories; by content: 2 API references",
    ),)


def test_named_spec_roots_turn_content_discovery_off(tmp_path: Path) -> None:
    write(tmp_path, {"docs/api.md": API_REFERENCE, "API_REFERENCE.md": API_REFERENCE})
    found = discover(replace(load(tmp_path), spec_roots=("docs",)))
    assert found.spec_files == ("docs/api.md",)
    assert found.spec_reasons == (("docs", "named by 'spec'"),)


def test_generated_hidden_and_test_documents_are_not_specs(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "docs/generated.md": "<!-- Generated by apidoc: do not edit -->\n" + API_REFERENCE,
            "docs/api/index.md": "---\ntitle: API\n---\n<!-- @generated -->\n" + API_REFERENCE,
            ".claude/skills/api/reference.md": API_REFERENCE,
            "tests/fixtures/api.md": API_REFERENCE,
        },
    )
    assert discover(load(tmp_path)).spec_files == ()


def test_openapi_beside_a_service_is_its_contract_and_tool_code_is_not_code(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "services/billing/openapi.yaml": "openapi: 3.0.3\npaths: {}\n",
            "frontend/swagger.json": "{}",
            "services/billing/config.yaml": "a: 1\n",
            ".claude/skills/fastapi/templates/main.py": "x = 1\n",
            "app/main.py": "x = 1\n",
        },
    )
    found = discover(load(tmp_path))
    assert found.contract_files == ("frontend/swagger.json", "services/billing/openapi.yaml")
    assert found.python_files == ("app/main.py",)


@pytest.mark.parametrize(
    ("text", "what"),
    [
        (STORY, "BMAD story file"),
        ("# Story 1.1: x\n\nno criteria\n", None),
        ("**Feature Branch**: `001-x`\n", "spec-kit feature spec"),
        (
            "### Requirement 1\n\n1. WHEN a user logs in THE system SHALL x\n"
            "2. WHEN y THE system SHALL z\n3. IF w THEN THE system SHALL v\n",
            "EARS requirements",
        ),
        ("| Method | Path |\n|---|---|\n| GET | /a |\n| POST | /a |\n| DELETE | /a/{id} |\n",
         "API reference"),
        ("**GET** `/jobs`\n\n**POST** `/jobs`\n\n**PATCH** `/jobs/{id}`\n", "API reference"),
        ("```yaml\nopenapi: 3.0.0\npaths: {}\n```\n", "OpenAPI document in a fence"),
        ("# Notes\n\n- GET /health once\n", None),
    ],
)  # fmt: skip
def test_spec_signature(text: str, what: str | None) -> None:
    from traceaudit.discover import spec_signature

    assert spec_signature(text) == what


def test_other_languages_are_listed_without_vendored_built_and_tooling_files(
    tmp_path: Path,
) -> None:
    tree(
        tmp_path,
        [
            "backend/app/main.py",
            "frontend/src/app/api/auth/[...all]/route.ts",
            "frontend/src/components/SignupForm.tsx",
            "frontend/src/App.vue",
            "frontend/src/app.min.js",
            "frontend/src/types.d.ts",
            "frontend/.next/server/page.js",
            "frontend/node_modules/react/index.js",
            "frontend/vendor/lib.js",
            ".specify/scripts/bash/check.sh",
            "deploy/run.sh",
            "README.md",
        ],
    )
    found = discover(load(tmp_path))
    assert found.other_files == (
        "deploy/run.sh",
        "frontend/src/App.vue",
        "frontend/src/app/api/auth/[...all]/route.ts",
        "frontend/src/components/SignupForm.tsx",
    )
    assert found.python_files == ("backend/app/main.py",)


def test_deployment_files_are_the_projects_not_templates_for_other_projects(
    tmp_path: Path,
) -> None:
    tree(
        tmp_path,
        [
            "backend/Dockerfile",
            "backend/Dockerfile.worker",
            "docker-compose.yml",
            "deploy/run.sh",
            ".claude/skills/docker-fastapi/assets/Dockerfile.prod",
            ".claude/skills/docker-fastapi/assets/docker-compose.dev.yml",
            ".claude/skills/fetch-docs/scripts/start-server.sh",
            ".specify/scripts/bash/setup-plan.sh",
            "templates/service/Dockerfile",
            "tools/Template/run.sh",
            "{{cookiecutter.project_slug}}/Dockerfile",
            "docs/dockerfile-patterns.md",
        ],
    )
    found = discover(load(tmp_path))
    assert found.deploy_files == (
        "backend/Dockerfile",
        "backend/Dockerfile.worker",
        "deploy/run.sh",
        "docker-compose.yml",
    )


def test_a_code_root_in_a_hidden_folder_reads_its_deployment_files(tmp_path: Path) -> None:
    # as for its Python files: the user named the folder
    tree(tmp_path, [".service/app/main.py", ".service/Dockerfile"])
    (tmp_path / "traceaudit.toml").write_text('code = [".service"]\n', encoding="utf-8")
    found = discover(load(tmp_path))
    assert found.deploy_files == (".service/Dockerfile",)
    assert found.python_files == (".service/app/main.py",)


def test_comment_syntax_configuration_adds_and_removes_suffixes(tmp_path: Path) -> None:
    tree(tmp_path, ["web/a.astro", "svc/main.go", "web/b.ts"])
    (tmp_path / "traceaudit.toml").write_text(
        'comment-syntax = { ".astro" = "html+c", ".go" = "none" }\n', encoding="utf-8"
    )
    config = load(tmp_path)
    assert dict(config.comment_syntax)[".astro"] == "html+c"
    assert ".go" not in dict(config.comment_syntax)
    assert discover(config).other_files == ("web/a.astro", "web/b.ts")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("frontend/src/Login.test.tsx", True),
        ("frontend/src/__tests__/x.ts", True),
        ("frontend/e2e/login.spec.ts", True),
        ("svc/handler_test.go", True),
        ("frontend/src/Login.tsx", False),
        ("frontend/src/testimonials/Card.tsx", False),
    ],
)
def test_is_other_test_path(path: str, expected: bool) -> None:
    assert is_other_test_path(path) is expected

"""Endpoints of a service the repository does not hold, and paths named without a method."""

from __future__ import annotations

from traceaudit.model import Config, DeclaredEndpoint, Location
from traceaudit.specs.markdown import parse_spec
from traceaudit.specs.recognise import named_paths
from traceaudit.trace.ownership import PLANNED, Ownership

DESIGN = """# Sync Service Architecture

```
sync-service/
├── app/
│   ├── routers/
│   │   ├── jobs.py
│   │   └── remotes.py
│   └── sync_engine.py
└── main.py
```

```
POST /api/v1/sync/jobs   # start a job
```
"""


def _endpoint(path: str, line: int) -> DeclaredEndpoint:
    return DeclaredEndpoint("POST", "/api/v1/sync/jobs", Location(path, line))


def test_a_laid_out_service_not_in_the_repository_owns_its_endpoints() -> None:
    doc = parse_spec(DESIGN, "docs/sync-design.md", Config())
    assert doc.layouts == ((4, "sync-service", ("jobs.py", "remotes.py", "sync_engine.py",
                                                "main.py")),)  # fmt: skip
    owner = Ownership([doc], ["app/main.py", "app/api.py"], []).endpoint(
        _endpoint(doc.path, 14)
    )
    assert owner is not None and owner.owner == PLANNED
    assert "sync-service/" in owner.reason


def test_a_laid_out_service_that_exists_owns_nothing() -> None:
    doc = parse_spec(DESIGN, "docs/sync-design.md", Config())
    there = ["sync-service/main.py", "app/main.py"]
    assert Ownership([doc], there, []).endpoint(_endpoint(doc.path, 14)) is None
    # its files under another folder: the service exists, the tree named the wrong root
    moved = ["svc/app/routers/jobs.py", "svc/app/routers/remotes.py", "svc/main.py"]
    assert Ownership([doc], moved, []).endpoint(_endpoint(doc.path, 14)) is None


def test_paths_named_without_a_method() -> None:
    text = (
        "Probe (`/health`) and see http://localhost:8000/ready.\n"
        "Read `src/app/main.py` and /etc/hosts.conf; fetch from the /performance endpoint.\n"
        '@app.get("/stats/{day}")\n'
    )
    assert named_paths(text) == [("/health", 1), ("/performance", 2), ("/stats/{day}", 3)]

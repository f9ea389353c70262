"""A small project with one finding of each kind the policy tests need."""

from __future__ import annotations

from pathlib import Path

SPEC = """\
# Notes

## Requirements

- **FR-001**: System MUST list notes via GET /notes.
- **FR-002**: System MUST export notes as CSV.
"""

APP = """\
from fastapi import FastAPI

app = FastAPI()


@app.get("/notes")
def list_notes() -> list[str]:
    \"\"\"Implements FR-001.\"\"\"
    return []


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def project(root: Path, app: str = APP, spec: str = SPEC, config: str = "") -> Path:
    files = {"specs/notes/spec.md": spec, "app/__init__.py": "", "app/main.py": app}
    if config:
        files["traceaudit.toml"] = config
    return write(root, files)

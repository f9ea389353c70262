"""A generated FastAPI app with 5,000 routes in 50 modules, and a spec that declares a few."""

from __future__ import annotations

from pathlib import Path

from tests.policy.support import write


def generate_app(root: Path, modules: int = 50, per_module: int = 100) -> Path:
    files = {"app/__init__.py": "", "app/api/__init__.py": ""}
    main = ["from fastapi import FastAPI", ""]
    spec = ["# Warehouse", "", "## Endpoints", ""]
    for i in range(modules):
        lines = ["from fastapi import APIRouter", "", "router = APIRouter()", ""]
        for j in range(per_module):
            n = i * per_module + j
            body = f'    """Implements FR-{n:04d}."""' if n % 50 == 1 else "    return None"
            lines += [f'@router.get("/items{i}/r{j}")', f"def r{n}() -> None:", body, ""]
            if n % 25 == 0:
                spec.append(
                    f"- **FR-{n:04d}**: System MUST serve `GET /api/items{i}/r{j}` | with "
                    "`code|spans` and *marks*."
                )
        files[f"app/api/m{i:02d}.py"] = "\n".join(lines) + "\n"
        main.append(f"from app.api import m{i:02d}")
    main += ["", "app = FastAPI()"]
    main += [f'app.include_router(m{i:02d}.router, prefix="/api")' for i in range(modules)]
    files["app/main.py"] = "\n".join(main) + "\n"
    files["specs/warehouse/spec.md"] = "\n".join(spec) + "\n"
    return write(root, files)

"""Peak memory (issue 11): what an audit holds once the files are read.

Each check runs in a fresh interpreter, so that nothing another test keeps alive is counted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

PROBE = """
import gc, json, sys
from traceaudit.audit import audit_project, load_project
from traceaudit.cli import GC_THRESHOLDS
from traceaudit.config import load
from traceaudit.pysource.facts import ModuleFacts
from traceaudit.routes.values import ModuleState, Function

gc.set_threshold(*GC_THRESHOLDS)  # as the command line runs
def alive(kind):  # garbage not collected yet counts: it is still memory held
    return sum(1 for o in gc.get_objects() if isinstance(o, kind))

keep = sys.argv[2] == "keep"
project = load_project(load(sys.argv[1]), jobs=1, keep_modules=keep)
out = {
    "modules": len(project.modules),
    "routes": len(project.code.routes),
    "networkx_before_linking": "networkx" in sys.modules,
    "facts_alive": alive(ModuleFacts),
    "states_alive": alive(ModuleState),
    "functions_alive": alive(Function),
}
result = audit_project(project)
out["networkx_after_linking"] = "networkx" in sys.modules
out["findings"] = len(result.findings)
print("PROBE " + json.dumps(out))
"""


def _probe(root: Path, keep: str, tmp_path: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONSAFEPATH": "1", "TRACEAUDIT_NO_CACHE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(root), keep],
        env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("PROBE "))
    got: dict[str, object] = json.loads(line[len("PROBE ") :])
    return got


@pytest.mark.parametrize("fixture", ["shop", "routes/class_built"])
def test_loading_releases_the_facts_and_the_interpreter(fixture: str, tmp_path: Path) -> None:
    """Linking and reporting never read the modules' facts: once the references and the
    routes are taken, no module's facts, no interpreter module state and no interpreted
    function is left (route resolution's namespaces are cycles: they are emptied and
    collected), and networkx is imported only to link."""
    root = FIXTURES / fixture
    released = _probe(root, "release", tmp_path)
    kept = _probe(root, "keep", tmp_path)
    assert kept["modules"] and kept["facts_alive"]  # the probe sees facts when they are held
    assert released["modules"] == 0
    assert released["facts_alive"] == 0
    assert released["states_alive"] == 0
    assert released["functions_alive"] == 0
    assert released["networkx_before_linking"] is False
    assert released["networkx_after_linking"] is True
    assert released["routes"] == kept["routes"] and released["routes"]
    assert released["findings"] == kept["findings"]

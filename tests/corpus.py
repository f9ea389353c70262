"""A small generated FastAPI monorepo for equivalence tests (benchmarks/generate.py).

Built once per test session in a temporary folder: services with prefix chains,
``include_router`` depth, mounts, settings prefixes, routers in lists, tests, a large
generated module, Python 3.12 syntax, and specs in several formats with references.
"""

from __future__ import annotations

import atexit
import importlib.util
import shutil
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

GENERATOR = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"


@lru_cache(maxsize=1)
def generated_corpus() -> Path:
    spec = importlib.util.spec_from_file_location("_ta_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    out = Path(tempfile.mkdtemp(prefix="ta-corpus-")) / "monorepo"
    atexit.register(shutil.rmtree, out.parent, True)
    module.main([str(out), "--files", "240", "--seed", "7", "--quiet"])
    return out

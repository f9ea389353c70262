"""``python -m traceaudit``.

``python -m`` puts the working directory first on ``sys.path``. Run inside the
audited tree, a ``click.py``, ``typing.py`` or ``yaml/`` there would then be
imported instead of the real one: code from the pull request, running inside
the audit. So the working directory leaves ``sys.path`` before anything else
is imported. (CPython itself imports ``runpy`` and this package before this
line runs; ``python -P -m traceaudit``, or the ``traceaudit`` console script,
is out of reach of the working directory from the first import on.)
"""

import os
import sys


def _without_working_directory(path: list[str]) -> list[str]:
    try:
        cwd = os.path.realpath(os.getcwd())
    except OSError:  # the working directory was deleted
        cwd = None
    return [p for p in path if p not in ("", ".") and (cwd is None or os.path.realpath(p) != cwd)]


sys.path[:] = _without_working_directory(sys.path)

from traceaudit.cli import main  # noqa: E402

if __name__ == "__main__":
    main()

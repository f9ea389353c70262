"""The text prefilter: which Python files need reading in full, decided by text alone.

Only a few percent of a project's files hold routes or spec references. A file is
read in full only if it mentions something that can define, register, feed or guard
a route (FastAPI/Starlette names, routers, ``Depends``, settings, path-like
constants, environment lookups); it is scanned for references only if
:func:`traceaudit.refs.may_cite` finds a reference form in it. Of every other file
the module level is read (imports, assignments, classes, the signatures of its
functions) but not the bodies of its functions (``FuncDef.elided``): when the route
interpreter calls one of them, that file is read in full and its module runs again.
So the prefilter only saves work, never changes a result (``--no-prefilter`` reads
everything; tests compare both on every fixture). :func:`ast_defs` gives the
module-level functions of a file whose routes cannot be read at all.
"""

from __future__ import annotations

import ast
import re

from traceaudit.pysource import facts as pf
from traceaudit.refs import may_cite

# A file can define, register, feed or guard routes only if it mentions one of these
# (plain substrings: ``in`` is much faster than a regex alternation) ...
_CODE_WORDS = (
    "FastAPI", "APIRouter", "Router", "router", "Route", "routes", "include_router", "add_api_",
    ".mount", "Mount", "Starlette", "websocket", "Depends", "Security", "fastapi.security",
    "OAuth2PasswordBearer", "OAuth2AuthorizationCodeBearer", "HTTPBearer", "HTTPBasic",
    "HTTPDigest", "APIKeyHeader", "APIKeyQuery", "APIKeyCookie", "OpenIdConnect", "Settings",
    "import_module", "starlette.config", "decouple",
    # ... or starts a server (an entry point: ``from main import app; uvicorn.run(app)``) ...
    "uvicorn", "hypercorn", "granian",
)  # fmt: skip
# ... or has a decorator that looks like a route registration on any object ...
_ROUTE_DECORATOR = re.compile(r"@\s*[\w.]+\.(?:get|post|put|patch|delete|head|options|trace)\s*\(")
# ... or binds a path-like string, a prefix, or (at module level) a name that looks like
# a prefix, URL, path or settings object, or an environment variable.
_PLAIN_VALUE = r"""(?![ \t]*(?:[rRbBuU]{0,2}(?:"[^"/\n]+"|'[^'/\n]+')|[\d.+-]+)[ \t]*[,)#\n])"""
_CONST_HINT = re.compile(
    r"(?m)^(?:[A-Za-z_]\w*\s*(?::[^=\n]*)?=\s*[rRuUfF]{0,2}[\"'][^\"'\n]*/"
    r"|(?!__)\w*(?i:api|prefix|path|url|route|settings|config)\w*\s*(?::[^=\n]*)?=(?!=)"
    + _PLAIN_VALUE
    + r"|\w+\s*(?::[^=\n]*)?=\s*(?:os\.)?(?:getenv|environ))"
    r"|(?i:prefix)\w*\s*(?::[^=\n]*)?=(?!=)" + _PLAIN_VALUE
)
_IMPORT_HINT = re.compile(r"(?m)^\s*(?:from|import)\s")


def wants_code(source: str, is_package: bool = False) -> bool:
    """Whether a file can define, register, feed or guard a route (text prefilter)."""
    if any(word in source for word in _CODE_WORDS):
        return True
    if _ROUTE_DECORATOR.search(source) or _CONST_HINT.search(source):
        return True
    return is_package and _IMPORT_HINT.search(source) is not None


def may_cite_spec(source: str, regex: re.Pattern[str]) -> bool:
    """Whether any docstring or comment of the file can hold a spec reference.

    A yes/no answer from literal searches (:func:`traceaudit.refs.may_cite`): a file
    it rules out has no text from which a reference could be extracted, so skipping
    it never changes a result.
    """
    return may_cite(source, regex)


def is_package(path: str) -> bool:
    return path == "__init__.py" or path.endswith("/__init__.py")


def ast_defs(tree: ast.Module) -> tuple[pf.Stmt, ...]:
    """Module-level functions (name, first line with decorators) of a parsed file."""
    out: list[pf.Stmt] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            out.append(pf.FuncDef(node.name, node.name, first, node.lineno, (), (), ()))
    return tuple(out)

"""Other source languages: one file in, its spec references and what it serves out.

Takes the text of a source file that is not Python (TypeScript, JavaScript, Vue, Go,
... : the suffixes of the ``comment-syntax`` table) and gives the spec references in
its comments, each marked with its language (evidence that non-Python code implements
an item), and, for route files, the endpoints it serves (Next.js route handlers,
Express-like routers; :func:`foreign_routes` joins the mounts across files). Nothing
is imported or run, and no route of the audited backend ever comes from here: those
come from Python only.
"""

from collections.abc import Sequence

from traceaudit.model import ForeignRoute
from traceaudit.othercode.scan import OtherFacts, language_of, scan_other
from traceaudit.othercode.syntax import STYLES, comments
from traceaudit.othercode.webroutes import mount


def foreign_routes(files: Sequence[OtherFacts]) -> tuple[ForeignRoute, ...]:
    """Every endpoint the files serve: Next.js route files, and mounted Express-like routes."""
    routes = [f.next_route for f in files if f.next_route is not None]
    routes += mount({f.path: f.server for f in files if f.server is not None})
    return tuple(sorted(routes, key=lambda r: (r.location, r.path, r.methods)))


__all__ = ["STYLES", "OtherFacts", "comments", "foreign_routes", "language_of", "scan_other"]

"""Python source: one file in, one :class:`ModuleFacts` out.

Takes the source of one Python file and gives the small, picklable facts the
rest of the pipeline needs: the statements that matter for routing (in the
expression language of :mod:`traceaudit.pysource.facts`), the spec references
in its docstrings, comments and route metadata, and the app strings handed to
servers; and, from deployment files (Dockerfiles, compose, Procfile, scripts,
packaging metadata), the entry points they start, and from a reverse proxy's
configuration the prefixes it strips. Pure and per file, so it can
be cached and run in parallel; nothing
is imported or run. LibCST is used here and nowhere else.
"""

from traceaudit.pysource import facts
from traceaudit.pysource.deploy import proxy_prefixes, serve_commands
from traceaudit.pysource.encoding import SourceDecodeError, decode_source
from traceaudit.pysource.facts import ModuleFacts, ServeCommand
from traceaudit.pysource.scan import failed_module, scan_module

__all__ = [
    "ModuleFacts", "ServeCommand", "SourceDecodeError", "decode_source", "facts", "failed_module",
    "proxy_prefixes", "scan_module", "serve_commands",
]  # fmt: skip

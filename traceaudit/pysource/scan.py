"""One Python file -> :class:`~traceaudit.pysource.facts.ModuleFacts`, with LibCST.

``scan_module`` is a pure function of the source text, so its result can be
cached by content hash and computed in a process pool. It never raises: a file
that does not parse yields facts with ``parse_error`` set.

Cost matters (parsing with LibCST is ~15x ``ast.parse``), so:

* a cheap text prefilter (:mod:`traceaudit.pysource.prefilter`) decides whether the file
  can matter at all: code facts are only extracted from files that mention
  FastAPI/Starlette, routers, routes, dependencies, settings, environment lookups
  or path-like constants; spec references only from files whose text holds a
  reference candidate. Everything else yields ``scanned=False`` without being
  parsed (keeping only its function names and lines, found by text);
* a file that only holds references is read with ``ast`` and ``tokenize``
  (:mod:`traceaudit.pysource.citations`, same result, several times faster), and LibCST only
  when the running Python cannot parse it;
* ``libcst`` is imported lazily, the first time a file needs it;
* line numbers come from one lean code-generation pass that counts newlines
  and records only the nodes we keep (:mod:`traceaudit.pysource.syntax`; no
  ``PositionProvider``, which costs about twice the parse itself).

LibCST parses Python 3.12-3.14 syntax (PEP 695, nested f-string quotes,
t-strings) under 3.11, which ``ast`` cannot.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

from traceaudit.config import id_regex as config_id_regex
from traceaudit.directives import MARKER
from traceaudit.discover import among_code, is_test_path
from traceaudit.model import CodeRef, Config, Location
from traceaudit.pysource import citations
from traceaudit.pysource import facts as pf
from traceaudit.pysource.astfacts import Ambiguous, AstStatements
from traceaudit.pysource.citations import ExtractRefs
from traceaudit.pysource.depth import cpython_refusal
from traceaudit.pysource.prefilter import (
    ast_defs,
    is_package,
    may_cite_spec,
    wants_code,
)
from traceaudit.pysource.references import ReferenceScanner
from traceaudit.pysource.source import SourceMap
from traceaudit.pysource.statements import StatementScanner
from traceaudit.pysource.suppressions import find_suppressions
from traceaudit.refs import normalize_newlines

if TYPE_CHECKING:
    import libcst as cst


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def failed_module(
    path: str, module: str, message: str, is_test: bool = False, line: int = 1
) -> pf.ModuleFacts:
    """Facts for a file that could not be read or decoded (at ``line``)."""
    return pf.ModuleFacts(
        path=path,
        module=module,
        is_package=is_package(path),
        is_test=is_test,
        scanned=False,
        parse_error=(Location(path, max(1, line)), message),
    )


_SERVE_CALL = re.compile(r"\b(?:uvicorn|hypercorn)\s*\.\s*(?:run|Config)\s*\(")
_APP_STRING = re.compile(r"""["']([A-Za-z_][\w.]*:[A-Za-z_][\w.]*)["']""")
_SERVE_COMMAND = re.compile(
    r"""["']uvicorn["'\s,]+"""  # a command line or argv list ...
    r"""(?:["']?--?[\w-]+(?:[= ]\S+)?["']?[\s,]+)*"""  # ... its options ...
    r"""["']?([A-Za-z_][\w.]*:[A-Za-z_][\w.]*)(?P<rest>[^\n]*)"""  # ... the app
)


def serve_hints(source: str) -> tuple[str, ...]:
    """The "module:attr" strings a file hands to uvicorn/hypercorn, with ``()`` for
    factories: the surest sign of which app a project really serves."""
    hints: set[str] = set()
    for call in _SERVE_CALL.finditer(source):
        depth, end = 1, call.end()
        while depth and end < len(source) and end < call.end() + 2000:
            depth += {"(": 1, ")": -1}.get(source[end], 0)
            end += 1
        args = source[call.end() : end]
        target = _APP_STRING.search(args)
        if target:
            factory = re.search(r"\bfactory\s*=\s*True", args) is not None
            hints.add(target[1] + ("()" if factory else ""))
    for command in _SERVE_COMMAND.finditer(source):
        hints.add(command[1] + ("()" if "--factory" in command["rest"] else ""))
    return tuple(sorted(hints))


def scan_module(
    source: str,
    path: str,
    module: str,
    config: Config,
    *,
    extract_refs: ExtractRefs | None = None,
    force_code: bool = False,
    parser: str = "auto",
) -> pf.ModuleFacts:
    """One Python file -> its facts, never raising (see :func:`_scan_module`).

    ``force_code`` reads the code facts even where the text prefilter would not (the
    route resolver asks for a file it needs a value from), and only them: the file's
    references were read by its first scan.

    CRLF and lone CR line endings become LF first, as CPython's tokenizer does,
    so that every line count below (LibCST's code generation, ``ast``, the text
    pre-filter) gives CPython's line numbers. ``parser="libcst"`` reads the file with
    LibCST even where ``ast`` could (the tests hold both readings to the same facts).
    """
    source = normalize_newlines(source)
    refused = cpython_refusal(source)  # before any recursive parser sees the file
    if refused is not None:
        line, column, message = refused
        return pf.ModuleFacts(
            path, module, is_package(path), is_test_path(path), scanned=False,
            parse_error=(Location(path, line, column), message),
        )  # fmt: skip
    facts = _scan_module(
        source, path, module, config, extract_refs=extract_refs, force_code=force_code,
        parser=parser,
    )
    if MARKER in source:
        facts = replace(facts, suppressions=find_suppressions(source, path))
    if not facts.scanned and among_code(path) and facts.parse_error is None:
        facts = replace(facts, called=called_names(source))
    if facts.is_test or ("uvicorn" not in source and "hypercorn" not in source):
        return facts
    hints = serve_hints(source)
    return replace(facts, serve_hints=hints) if hints else facts


def _scan_module(
    source: str,
    path: str,
    module: str,
    config: Config,
    *,
    extract_refs: ExtractRefs | None = None,
    force_code: bool = False,
    parser: str = "auto",
) -> pf.ModuleFacts:
    """Everything one Python file contributes: code facts and spec references.

    ``extract_refs`` defaults to :func:`traceaudit.refs.code_refs`.
    """
    is_test = is_test_path(path)
    is_pkg = is_package(path)
    if extract_refs is None:
        from traceaudit.refs import code_refs as default_extract

        extract_refs = default_extract
    regex = config_id_regex(config)
    if force_code:  # read again for its code: its references were read the first time
        want_code, want_refs = among_code(path), False
    elif config.prefilter:
        want_code = among_code(path) and wants_code(source, is_pkg)
        want_refs = may_cite_spec(source, regex)
    else:
        want_code, want_refs = among_code(path), True
    if parser != "libcst":
        # The running Python's parser checks the syntax of every file (a broken file
        # is reported) and gives the facts and references; LibCST only reads what it
        # cannot parse (newer syntax) or cannot place without a tokenizer.
        try:
            syntax: ast.Module | None = ast.parse(source)
        except (SyntaxError, ValueError):
            syntax = None
        except (RecursionError, MemoryError):
            return _too_deep(source, path, module, is_pkg, is_test)
        if syntax is not None:
            facts = _from_ast(syntax, source, path, module, is_pkg, is_test, want_code,
                              want_refs, regex, extract_refs)  # fmt: skip
            if facts is _TOO_DEEP:
                # LibCST recurses deeper still: it would only take longer to fail
                return _too_deep(source, path, module, is_pkg, is_test)
            if isinstance(facts, pf.ModuleFacts):
                return facts
    return _from_cst(source, path, module, is_pkg, is_test, want_code, want_refs, regex,
                     extract_refs)  # fmt: skip


def _from_ast(
    tree: ast.Module,
    source: str,
    path: str,
    module: str,
    is_pkg: bool,
    is_test: bool,
    want_code: bool,
    want_refs: bool,
    regex: re.Pattern[str],
    extract_refs: ExtractRefs,
) -> pf.ModuleFacts | object | None:
    """The facts from an ``ast`` tree, None when LibCST must read the file, or
    :data:`_TOO_DEEP` past the stack budget."""
    smap = SourceMap(source)
    try:
        if is_test and not want_code:
            body: tuple[pf.Stmt, ...] = ()
        else:  # a file the prefilter ruled out: its module level, function bodies elided
            body = AstStatements(tree, smap, shallow=not want_code).module_body()
        refs: tuple[CodeRef, ...] = ()
        if want_refs:
            found = citations.references_fast(
                source, path, is_test, regex, extract_refs, tree, smap
            )
            if found is None:
                return None
            refs = found
    except Ambiguous:
        return None  # LibCST reads it, and says what it cannot read
    except (RecursionError, MemoryError):
        return _TOO_DEEP
    return pf.ModuleFacts(path, module, is_pkg, is_test, want_code, body, refs)


def _from_cst(
    source: str,
    path: str,
    module: str,
    is_pkg: bool,
    is_test: bool,
    want_code: bool,
    want_refs: bool,
    regex: re.Pattern[str],
    extract_refs: ExtractRefs,
) -> pf.ModuleFacts:
    import libcst as cst

    base = pf.ModuleFacts(path=path, module=module, is_package=is_pkg, is_test=is_test)

    try:
        tree = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        return _libcst_failed(source, base, regex, extract_refs, exc.message.split("\n")[0], exc)
    except Exception as exc:  # the parser must never take the audit down
        return _libcst_failed(source, base, regex, extract_refs, f"{type(exc).__name__}: {exc}")
    try:
        scanner = _Scanner(tree, path, regex, extract_refs)
        scanner.shallow = not want_code
        body = () if is_test and not want_code else scanner.module_body()
        refs = scanner.references() if want_refs else ()
    except (RecursionError, MemoryError) as exc:
        why = f"too deeply nested for its analysis ({type(exc).__name__})"
        return _libcst_failed(source, base, regex, extract_refs, why)
    except Exception as exc:  # a bug here must not take the audit down
        why = f"an internal error in its analysis ({type(exc).__name__}: {exc})"
        return _libcst_failed(source, base, regex, extract_refs, why)
    return pf.ModuleFacts(
        base.path, base.module, is_pkg, is_test, scanned=want_code, body=body, refs=refs
    )


_TOO_DEEP = object()


def cpython_refuses(source: str) -> str | None:
    """Why CPython, at its default recursion limit, cannot compile ``source`` (None: it
    can). The workers raise the limit for the stack they have; CPython as a server runs
    it refuses such a module at import (3.11-3.13 stop near 1,000-10,000 levels)."""
    old = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(1000)
    except RecursionError:  # called too deep to lower it: then say nothing
        return None
    try:
        compile(source, "<audited>", "exec", dont_inherit=True)
    except (RecursionError, MemoryError) as exc:
        return type(exc).__name__
    except (SyntaxError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        sys.setrecursionlimit(old)
    return None


def _too_deep(source: str, path: str, module: str, is_pkg: bool, is_test: bool) -> pf.ModuleFacts:
    """A file nested deeper than the analysis's stack budget: a TA000 when CPython cannot
    compile it either (true: no server can import it), else a note (no false TA000)."""
    refused = cpython_refuses(source)
    base = pf.ModuleFacts(path, module, is_pkg, is_test, scanned=False)
    if refused is not None:
        why = f"nested too deeply for CPython to compile ({refused} at its default recursion limit)"
        return replace(base, parse_error=(Location(path, 1), why))
    return replace(base, unread="nested deeper than traceaudit's stack budget, though CPython "
                   "compiles it: nothing in it is audited")  # fmt: skip


# ``\b`` first, so that the look-behinds run only where a word starts; the name and the
# spaces after it are possessive: giving characters back could not end a shorter name
# before a ``(`` (the next character would be a word character), so the names are the
# same, without the backtracking at every word of every file
_CALLED = re.compile(r"\b(?<!def )(?<!class )([A-Za-z_]\w*+)\s*+\(")


def called_names(source: str) -> tuple[str, ...]:
    """The names a file calls, from its text (a file the prefilter ruled out)."""
    return tuple(sorted(set(_CALLED.findall(source))))


def _libcst_failed(
    source: str,
    base: pf.ModuleFacts,
    regex: re.Pattern[str],
    extract_refs: ExtractRefs,
    why: str,
    error: cst.ParserSyntaxError | None = None,
) -> pf.ModuleFacts:
    """LibCST could not read the file: CPython's verdict decides what that means.

    CPython refuses it too: a TA000 at CPython's line (or LibCST's when CPython has
    none). CPython accepts it: not a syntax error, so no TA000; the references are
    read with ``ast`` and the file is a TA013 note saying its routes are not audited.
    """
    path = base.path
    try:
        syntax = ast.parse(source)
    except SyntaxError as err:
        if err.lineno:
            where = Location(path, err.lineno, max(1, err.offset or 1))
            return replace(base, scanned=False, parse_error=(where, err.msg))
        if error is not None:
            return replace(base, scanned=False, parse_error=_syntax_error(source, path, error))
        return replace(base, scanned=False, parse_error=(Location(path, 1), err.msg))
    except (ValueError, RecursionError, MemoryError) as err:
        if error is not None:
            return replace(base, scanned=False, parse_error=_syntax_error(source, path, error))
        return replace(base, scanned=False, parse_error=(Location(path, 1), f"{why}; CPython "
                       f"cannot compile it either ({type(err).__name__})"))  # fmt: skip
    body = () if base.is_test else ast_defs(syntax)
    refs = citations.references_fast(source, path, base.is_test, regex, extract_refs, syntax)
    return replace(
        base, scanned=False, body=body, refs=refs or (),
        unread=f"LibCST cannot read it ({why}) though CPython can: its references are audited, "
        "its routes are not",
    )  # fmt: skip


def _syntax_error(source: str, path: str, exc: cst.ParserSyntaxError) -> tuple[Location, str]:
    """Where and why a file does not parse: Python's own message when it has one
    (it points at the offending line), else LibCST's."""
    try:
        ast.parse(source)
    except SyntaxError as err:
        if err.lineno:
            return Location(path, err.lineno, max(1, err.offset or 1)), err.msg
    except ValueError:
        pass
    return Location(path, max(1, exc.raw_line), max(1, exc.raw_column + 1)), exc.message


class _Scanner(StatementScanner, ReferenceScanner):
    """Both scanners over one parsed file, sharing its line table."""

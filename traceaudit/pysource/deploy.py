"""Deployment files -> the entry points they start
(:class:`~traceaudit.pysource.facts.ServeCommand`).

An app is served when something starts it. Besides Python code (``uvicorn.run``,
read by the interpreter), the commands that start a service are written in
deployment files: a Dockerfile's ``CMD``/``ENTRYPOINT`` (with its ``ENV``/``ARG``
values substituted), a docker-compose ``command:``/``entrypoint:`` (relative to the
service's build context), a Procfile, a shell script, and the console scripts of
``pyproject.toml`` (``[project.scripts]``, ``[tool.poetry.scripts]``,
``[tool.fastapi]``, task runners' command strings), ``setup.cfg``, ``setup.py``
and a dist-info ``entry_points.txt``. In each command the server is recognised
(``uvicorn``, ``gunicorn -k uvicorn.workers.UvicornWorker``, ``hypercorn``,
``granian``, ``daphne``, ``fastapi run``, ``python -m ...``, ``python file.py``)
and what it serves is kept with the folder the command runs in.

Pure functions of a file's text and path; nothing is run.
"""

from __future__ import annotations

import configparser
import json
import re
import shlex
import tomllib
from collections.abc import Iterator
from pathlib import PurePosixPath

from traceaudit.discover import is_deploy_file, is_proxy_config
from traceaudit.model import Location
from traceaudit.pysource.facts import ServeCommand

_APP = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*(?:\(\))?$")
_FILE_APP = re.compile(r"^[\w./-]+\.py:[A-Za-z_][\w.]*$")
_SERVERS = frozenset({"uvicorn", "gunicorn", "hypercorn", "granian", "daphne"})
# programs that run the command that follows them
_WRAPPERS = frozenset(
    {"exec", "env", "poetry", "uv", "pipenv", "pdm", "hatch", "rye", "run",
     "opentelemetry-instrument",
     "ddtrace-run", "newrelic-admin", "run-program", "dumb-init", "tini", "--", "sudo", "nohup",
     "gosu", "su-exec", "watchfiles", "doppler", "dotenv"}
)  # fmt: skip
# options of the servers that take a value (so the value is not read as the app)
_VALUED = re.compile(
    r"^--?(?:host|port|bind|b|workers|w|k|worker-class|log-level|root-path|app-dir|chdir|"
    r"config|c|env-file|timeout|t|uds|fd|backlog|limit-concurrency|proxy-headers|"
    r"forwarded-allow-ips|ssl-keyfile|ssl-certfile|threads|worker-connections|interface|"
    r"access-logfile|error-logfile|log-config|name|n|pid|p|graceful-timeout|keep-alive|"
    r"max-requests|user|group|u|g|reload-dir|app)$"
)
MAX_COMMAND = 400

__all__ = [
    "command", "is_deploy_file", "proxy_prefixes", "serve_commands", "setup_py_scripts"
]


def serve_commands(text: str, path: str) -> tuple[ServeCommand, ...]:
    """Every entry point one deployment file names, in file order."""
    name = PurePosixPath(path).name.lower()
    folder = _dir(path)
    if is_proxy_config(path):
        return ()  # a proxy starts nothing; see proxy_prefixes
    try:
        if name == "pyproject.toml":
            found = list(_pyproject(text, path, folder))
        elif name == "setup.py":
            found = list(setup_py_scripts(text, path))
        elif name == "setup.cfg":
            found = list(_setup_cfg(text, path, folder))
        elif name == "entry_points.txt":
            found = list(_entry_points_txt(text, path, folder))
        elif name.endswith((".yml", ".yaml")):
            found = list(_compose(text, path, folder))
        elif name == "procfile":
            found = [
                c
                for line, cmd in _lines(text)
                if ":" in cmd
                for c in command(cmd.split(":", 1)[1], folder, Location(path, line))
            ]
        elif name.endswith(".sh"):
            found = list(_shell(text, path, folder))
        else:
            found = list(_dockerfile(text, path, folder))
    except (ValueError, TypeError, KeyError, configparser.Error, tomllib.TOMLDecodeError):
        return ()  # an unreadable deployment file names nothing we can trust
    return tuple(dict.fromkeys(found))


def setup_py_scripts(source: str, path: str) -> tuple[ServeCommand, ...]:
    """The console scripts a ``setup.py`` declares (``"name = pkg.mod:func"`` strings)."""
    out = []
    block = re.search(r"console_scripts['\"]?\s*[:=]\s*\[(.*?)\]", source, re.S)
    if block is None:
        return ()
    for m in re.finditer(r"['\"]\s*[\w.-]+\s*=\s*([\w.]+:[\w.]+)\s*['\"]", block[1]):
        line = source.count("\n", 0, block.start(1) + m.start()) + 1
        out.append(ServeCommand("function", m[1], _dir(path), Location(path, line), m[0][1:-1]))
    return tuple(out)


# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------


def command(text: str, base: str, location: Location) -> list[ServeCommand]:
    """What one command line starts; ``base`` is the folder it runs in."""
    text = text.strip()
    if not text:
        return []
    shown = " ".join(text.split())
    shown = shown if len(shown) <= MAX_COMMAND else shown[: MAX_COMMAND - 3] + "..."
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        tokens = [str(t) for t in parsed] if isinstance(parsed, list) else _split(text)
    else:
        tokens = _split(text)
    out: list[ServeCommand] = []
    for part in _and_list(tokens):
        found = _one(part, base, location, shown)
        if isinstance(found, str):  # a `cd DIR`: later commands run there
            base = found
        elif found is not None:
            out.append(found)
    return out


def _one(tokens: list[str], base: str, loc: Location, shown: str) -> ServeCommand | str | None:
    i = 0
    while i < len(tokens) and (
        tokens[i] in _WRAPPERS or re.fullmatch(r"[A-Za-z_]\w*=\S*", tokens[i])
        or (tokens[i].startswith("-") and i and tokens[i - 1] in _WRAPPERS)
    ):  # fmt: skip
        i += 1
    if i >= len(tokens):
        return None
    prog = PurePosixPath(tokens[i]).name
    rest = tokens[i + 1 :]
    if prog == "cd" and rest:
        return _join(base, rest[0])
    if prog in ("sh", "bash", "/bin/sh") and len(rest) >= 2 and rest[0] == "-c":
        found = command(rest[1], base, loc)
        return found[0] if found else None
    if re.fullmatch(r"python[\d.]*", prog):
        if len(rest) >= 2 and rest[0] == "-m":
            module, args = rest[1], rest[2:]
            if module in _SERVERS:
                return _server(module, args, base, loc, shown)
            if module == "fastapi":
                return _fastapi(args, base, loc, shown)
            return ServeCommand("main", module, base, loc, shown)
        script = next((t for t in rest if not t.startswith("-")), None)
        if script is not None and script.endswith(".py"):
            return ServeCommand("main", _join(base, script), base, loc, shown)
        return None
    if prog in _SERVERS:
        return _server(prog, rest, base, loc, shown)
    if prog == "fastapi":
        return _fastapi(rest, base, loc, shown)
    return None


def _server(
    prog: str, args: list[str], base: str, loc: Location, shown: str
) -> ServeCommand | None:
    factory = "--factory" in args
    where = base
    skip = False
    target: str | None = None
    for j, arg in enumerate(args):
        if skip:
            skip = False
            continue
        if arg.startswith("-"):
            key, eq, value = arg.partition("=")
            if key in ("--app-dir", "--chdir") and (eq or j + 1 < len(args)):
                where = _join(base, value if eq else args[j + 1])
            skip = not eq and _VALUED.match(key) is not None
            continue
        if target is None and (_APP.match(arg) or _FILE_APP.match(arg)):
            target = arg
    if target is None:
        return None
    if factory and not target.endswith(")"):
        target += "()"
    return ServeCommand("app", target, where, loc, shown)


def _fastapi(args: list[str], base: str, loc: Location, shown: str) -> ServeCommand | None:
    if not args or args[0] not in ("run", "dev"):
        return None
    path, attr = "", ""
    rest = args[1:]
    j = 0
    while j < len(rest):
        arg = rest[j]
        if arg == "--app" and j + 1 < len(rest):
            attr = rest[j + 1]
            j += 2
            continue
        if arg.startswith("--app="):
            attr = arg.split("=", 1)[1]
        elif arg.startswith("-"):
            if not arg.startswith("--") or "=" not in arg:
                j += 1 if arg in ("--reload", "--proxy-headers", "--no-reload") else 2
                continue
        elif not path:
            path = arg
        j += 1
    target = _join(base, path) if path else ""
    return ServeCommand("fastapi", target, base, loc, shown, attr)


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


def _dockerfile(text: str, path: str, folder: str) -> Iterator[ServeCommand]:
    env: dict[str, str] = {}
    entry: tuple[int, str] | None = None
    cmds: list[tuple[int, str]] = []
    for line, stmt in _lines(text, continuation=True):
        word, _, args = stmt.partition(" ")
        word = word.upper()
        args = args.strip()
        if word in ("ENV", "ARG"):
            env.update(_assignments(args, word == "ENV"))
        elif word == "CMD":
            cmds.append((line, _subst(args, env)))
        elif word == "ENTRYPOINT":
            entry = (line, _subst(args, env))
    for line, cmd in cmds:
        yield from command(_exec_form(cmd), folder, Location(path, line))
        if entry is not None:
            combined = f"{_exec_form(entry[1])} {_exec_form(cmd)}"
            yield from command(combined, folder, Location(path, line))
    if entry is not None:
        yield from command(_exec_form(entry[1]), folder, Location(path, entry[0]))


def _exec_form(args: str) -> str:
    """``["uvicorn", "app:app"]`` as a shell-quoted command line."""
    if args.startswith("["):
        try:
            items = json.loads(args)
        except ValueError:
            return args
        if isinstance(items, list):
            return " ".join(shlex.quote(str(i)) for i in items)
    return args


def _assignments(args: str, env: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    parts = _split(args)
    if env and len(parts) == 2 and "=" not in parts[0]:
        return {parts[0]: parts[1]}  # the old ``ENV KEY value`` form
    for part in parts:
        key, eq, value = part.partition("=")
        if eq and re.fullmatch(r"[A-Za-z_]\w*", key):
            out[key] = value
    return out


def _subst(text: str, env: dict[str, str]) -> str:
    def value(m: re.Match[str]) -> str:
        name = m["a"] or m["b"]
        default = m["d"] or ""
        return env.get(name, default) if name in env or default else m[0]

    return re.sub(r"\$\{(?P<a>\w+)(?::?-(?P<d>[^}]*))?\}|\$(?P<b>[A-Za-z_]\w*)", value, text)


def _compose(text: str, path: str, folder: str) -> Iterator[ServeCommand]:
    """docker-compose services: ``command``/``entrypoint`` with the build context.

    A small indentation reader (the values we need are plain scalars and lists), so
    that no YAML library is needed outside the spec reader."""
    lines = text.splitlines()
    services_at: int | None = None
    service_indent: int | None = None
    current: dict[str, object] = {}
    services: list[dict[str, object]] = []
    i = 0
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        indent = len(raw) - len(raw.lstrip())
        if indent == 0:
            services_at = i if stripped.startswith("services:") else None
            service_indent = None
            i += 1
            continue
        if services_at is None:
            i += 1
            continue
        if service_indent is None or indent <= service_indent:
            service_indent = indent
            current = {"line": i + 1}
            services.append(current)
            i += 1
            continue
        key, _, value = stripped.partition(":")
        value = _unquote_comment(value)
        if key in ("command", "entrypoint") and indent > service_indent:
            if value:
                current[key] = (i + 1, value)
            else:  # a block list: `- uvicorn` lines
                items = []
                j = i + 1
                while j < len(lines) and lines[j].strip().startswith("- "):
                    items.append(_unquote_comment(lines[j].strip()[2:]))
                    j += 1
                current[key] = (i + 1, json.dumps(items))
        elif (key == "build" and value) or (key == "context" and value):
            current["context"] = value
        i += 1
    for service in services:
        context = service.get("context")
        base = _join(folder, context) if isinstance(context, str) else folder
        entry = service.get("entrypoint")
        cmd = service.get("command")
        for item in (cmd, entry):
            if isinstance(item, tuple):
                line, value = item
                yield from command(_flow(value), base, Location(path, line))
        if isinstance(entry, tuple) and isinstance(cmd, tuple):
            yield from command(f"{_flow(entry[1])} {_flow(cmd[1])}", base, Location(path, cmd[0]))


def _flow(value: str) -> str:
    """A YAML flow list (``["a", "b"]``, ``[a, b]``) or a scalar, as a command line."""
    if value.startswith("["):
        try:
            return _exec_form(value)
        except ValueError:
            pass
        inner = value.strip("[]")
        return " ".join(shlex.quote(p.strip().strip("'\"")) for p in inner.split(","))
    return value


def _unquote_comment(value: str) -> str:
    value = value.strip()
    if value and value[0] not in "'\"[" and " #" in value:
        value = value.split(" #", 1)[0].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    if value in ("|", ">", "|-", ">-"):
        return ""
    return value


def _shell(text: str, path: str, folder: str) -> Iterator[ServeCommand]:
    base = folder
    for line, stmt in _lines(text, continuation=True):
        yield from command(stmt, base, Location(path, line))
        tokens = _split(stmt)
        if len(tokens) == 2 and tokens[0] == "cd":  # a `cd` on its own line moves the rest
            base = _join(base, tokens[1])


def _pyproject(text: str, path: str, folder: str) -> Iterator[ServeCommand]:
    data = tomllib.loads(text)
    lines = text.splitlines()

    def line_of(needle: str) -> int:
        for n, line in enumerate(lines, 1):
            if needle in line:
                return n
        return 1

    project = data.get("project", {})
    tool = data.get("tool", {})
    tables = [
        project.get("scripts", {}),
        project.get("gui-scripts", {}),
        project.get("entry-points", {}).get("console_scripts", {}),
        tool.get("poetry", {}).get("scripts", {}),
    ]
    for table in tables:
        if not isinstance(table, dict):
            continue
        for name, target in table.items():
            if isinstance(target, dict):  # poetry's {reference = ..., type = ...}
                target = target.get("reference") or target.get("callable")
            if isinstance(target, str) and re.fullmatch(r"[\w.]+:[\w.]+", target.strip()):
                loc = Location(path, line_of(target))
                yield ServeCommand("function", target.strip(), folder, loc, f"{name} = {target}")
    fastapi_tool = tool.get("fastapi", {})
    entrypoint = fastapi_tool.get("entrypoint") if isinstance(fastapi_tool, dict) else None
    if isinstance(entrypoint, str) and _APP.match(entrypoint):
        yield ServeCommand("app", entrypoint, folder, Location(path, line_of(entrypoint)),
                           f"[tool.fastapi] entrypoint = {entrypoint}")  # fmt: skip
    runners = [tool.get("poe", {}).get("tasks", {}), tool.get("pdm", {}).get("scripts", {}),
               tool.get("taskipy", {}).get("tasks", {})]  # fmt: skip
    for env in tool.get("hatch", {}).get("envs", {}).values():
        if isinstance(env, dict):
            runners.append(env.get("scripts", {}))
    for table in runners:
        if not isinstance(table, dict):
            continue
        for value in table.values():
            if isinstance(value, dict):
                value = value.get("cmd") or value.get("shell") or value.get("cmd_line")
            if isinstance(value, str):
                yield from command(value, folder, Location(path, line_of(value)))


def _setup_cfg(text: str, path: str, folder: str) -> Iterator[ServeCommand]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    if not parser.has_option("options.entry_points", "console_scripts"):
        return
    yield from _script_lines(parser.get("options.entry_points", "console_scripts"), text, path,
                             folder)  # fmt: skip


def _entry_points_txt(text: str, path: str, folder: str) -> Iterator[ServeCommand]:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    if not parser.has_section("console_scripts"):
        return
    for name, target in parser.items("console_scripts"):
        yield from _script_lines(f"{name} = {target}", text, path, folder)


def _script_lines(block: str, text: str, path: str, folder: str) -> Iterator[ServeCommand]:
    for entry in block.splitlines():
        name, eq, target = entry.partition("=")
        target = target.split("[")[0].strip()
        if eq and re.fullmatch(r"[\w.]+:[\w.]+", target):
            at = text.find(target)
            line = text.count("\n", 0, at) + 1 if at >= 0 else 1
            yield ServeCommand("function", target, folder, Location(path, line),
                               f"{name.strip()} = {target}")  # fmt: skip


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _lines(text: str, continuation: bool = False) -> Iterator[tuple[int, str]]:
    """(line number, statement) without comments; ``\\`` continues a line."""
    pending: list[str] = []
    start = 0
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if not pending:
            start = n
        if continuation and line.endswith("\\"):
            pending.append(line[:-1].strip())
            continue
        pending.append(line)
        yield start, " ".join(p for p in pending if p and not p.startswith("#"))
        pending = []
    if pending:
        yield start, " ".join(pending)


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=True)
    except ValueError:
        return text.split()


def _and_list(tokens: list[str]) -> Iterator[list[str]]:
    """``a && b; c | d``: the simple commands, in order."""
    part: list[str] = []
    for token in tokens:
        if token in ("&&", "||", ";", "|", "&"):
            if part:
                yield part
            part = []
        elif token.endswith(";") and len(token) > 1:
            part.append(token[:-1])
            yield part
            part = []
        else:
            part.append(token)
    if part:
        yield part


def _dir(path: str) -> str:
    parent = PurePosixPath(path).parent.as_posix()
    return "" if parent == "." else parent


def _join(base: str, rel: str) -> str:
    """``rel`` (a folder or file the command names) inside ``base``, as a project path;
    absolute container paths (``/app``) say nothing about the project: ``base``."""
    rel = rel.strip()
    if not rel or rel.startswith(("/", "$", "~")):
        return base
    parts: list[str] = [p for p in base.split("/") if p]
    for piece in rel.split("/"):
        if piece in ("", "."):
            continue
        if piece == "..":
            if parts:
                parts.pop()
            continue
        parts.append(piece)
    return "/".join(parts)


# nginx: ``location /api/ { ... proxy_pass http://backend:8000/; ... }``. A proxy_pass URL
# with a path (here "/") replaces the part of the request that the location matched, so the
# app behind it sees ``/x`` for the client's ``/api/x``; one without a path passes the
# request unchanged.
_LOCATION = re.compile(r"(?m)^[ \t]*location\s+(?:\^~\s+|=\s+)?(/[^\s{;]*)\s*\{")
_PROXY_PASS = re.compile(r"(?m)^[ \t]*proxy_pass\s+(https?://[^\s;/]+)(/[^\s;]*)?\s*;")


def proxy_prefixes(text: str, path: str) -> tuple[tuple[str, str, Location], ...]:
    """The prefixes an nginx configuration strips before it forwards a request:
    (the prefix the client writes, the upstream, where), in file order. Only a location
    whose proxy_pass path is ``/`` counts (``location /api/`` to ``http://api:8000/``:
    ``/api/x`` reaches the app as ``/x``); a regex location or a variable in the URL is
    not read."""
    if not is_proxy_config(path):
        return ()
    out: list[tuple[str, str, Location]] = []
    starts = list(_LOCATION.finditer(text))
    for k, m in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else len(text)
        body = text[m.end() : end]
        close = _block_end(body)
        proxy = _PROXY_PASS.search(body[:close])
        prefix = m.group(1).rstrip("/")
        if proxy is None or not prefix or "$" in proxy.group(0) or proxy.group(2) != "/":
            continue
        line = text.count("\n", 0, m.start()) + 1
        out.append((prefix, proxy.group(1).split("://", 1)[1], Location(path, line)))
    return tuple(dict.fromkeys(out))


def _block_end(body: str) -> int:
    """Where the ``{`` block that ``body`` opens inside ends (its matching ``}``)."""
    depth = 1
    for i, ch in enumerate(body):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
    return len(body)

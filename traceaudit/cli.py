"""The command line: the only module that prints, writes files or exits.

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings at or above it (or
another gate failed); 2 usage, configuration or internal error (one line on
stderr, no traceback).
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from traceaudit import __version__
from traceaudit.config import ConfigError, load
from traceaudit.discover import Discovery, DiscoveryError, discover, relative_root
from traceaudit.model import AuditResult, Config, ExitCode, Provenance, Severity
from traceaudit.vcs import GitState, VcsError, describe, merge_base, worktree

if TYPE_CHECKING:
    from traceaudit.audit import Project
    from traceaudit.cache import Cache, Effect
    from traceaudit.report import ReportOptions

# The audit itself (parsers, routes, the trace graph, the reports) is imported when a
# command first needs it: a project without spec files is told so, exit 2, after the
# imports of the configuration and discovery alone.

FORMATS = ("text", "json", "html", "markdown", "sarif", "github", "junit", "csv")
FAIL_ON = ("error", "warning", "note", "never")
DEFAULT_BASELINE = ".traceaudit-baseline.json"


class UserError(Exception):
    """A problem the user can fix; reported as one line with exit code 2."""


def _config(
    root: str,
    config_file: str | None,
    specs: tuple[str, ...] = (),
    code: tuple[str, ...] = (),
    fail_on: str | None = None,
    *,
    prefilter: bool = True,
) -> Config:
    root_path = Path(root)
    if not root_path.is_dir():
        raise UserError(f"project root is not a directory: {root}")
    config = load(root_path, Path(config_file) if config_file else None)
    if specs:
        config = replace(config, spec_roots=specs, origins=_origin(config, "spec_roots", "--spec"))
    if code:
        config = replace(config, code_roots=code, origins=_origin(config, "code_roots", "--code"))
    if fail_on is not None:
        config = replace(config, fail_on=None if fail_on == "never" else Severity(fail_on))
    if not prefilter:
        config = replace(config, prefilter=False)
    unknown = _unknown_rule_names(config)
    if unknown:
        name = unknown[0]
        field = next(
            (
                field
                for field, names in (
                    ("disable", config.disable),
                    ("severity", [k for k, _ in config.severity]),
                    ("per_file_ignores", [r for _, rs in config.per_file_ignores for r in rs]),
                    ("per_file_severity", [r for _, t in config.per_file_severity for r, _ in t]),
                    ("waivers", [w.rule for w in config.waivers]),
                )
                if name in names
            ),
            "disable",
        )
        raise UserError(
            f"{config.origin(field, field.replace('_', '-'))}: unknown rule {name!r} (must be a "
            "rule code or name that `traceaudit rules` lists)"
        )
    return config


def _unknown_rule_names(config: Config) -> list[str]:
    """Rule names in the configuration that no rule has (the rules are imported only when
    the configuration names one)."""
    if not (
        config.disable
        or config.severity
        or config.per_file_ignores
        or config.per_file_severity
        or config.waivers
    ):
        return []
    from traceaudit.trace import unknown_rule_names

    return unknown_rule_names(config)


def load_project(config: Config, jobs: int | None = None, **kwargs: Any) -> Project:
    """:func:`traceaudit.audit.load_project`, imported on first use."""
    from traceaudit.audit import load_project as load_it

    return load_it(config, jobs, **kwargs)


def _origin(config: Config, field: str, origin: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted({**dict(config.origins), field: origin}.items()))


def encodable(text: str, encoding: str = "utf-8") -> str:
    """``text`` with what ``encoding`` cannot hold written as Python escapes: a lone
    surrogate (a route path ``"\\ud800"``, a file name with bytes that are not UTF-8,
    which the OS layer hands over surrogate-escaped) becomes the six characters
    ``\\udcff``. Deterministic, and JSON reads the escape back as the same string."""
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode(encoding, "backslashreplace").decode(encoding)
    except LookupError:
        return encodable(text)
    return text


def _write_stdout(text: str, color: bool = False) -> None:
    text = encodable(text, getattr(sys.stdout, "encoding", None) or "utf-8")
    try:
        click.echo(text, nl=not text.endswith("\n"), color=color or None)
        sys.stdout.flush()
    except OSError as exc:
        _silence_stdout()
        raise UserError(f"cannot write to standard output: {exc.strerror or exc}") from None


def _silence_stdout() -> None:
    """After a failed write (a closed pipe) nothing more may go to stdout, not even at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _emit(text: str, output: str | None, color: bool = False) -> None:
    if output is None or output == "-":
        _write_stdout(text, color)
        return
    path = Path(output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(encodable(text), encoding="utf-8", newline="")
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror or exc}") from None


def _check_specs(config: Config) -> Discovery:
    """The project's discovery, or a usage error when it holds no spec file: decided
    from names and Markdown alone, before any Python file is read."""
    found = discover(config)
    if not found.spec_files and not found.contract_files:
        where = ", ".join(found.spec_roots) or "specs/, spec/, docs/specs/, ..."
        raise UserError(f"no spec files found (looked in {where}); name them with --spec")
    return found


def _open_cache(config: Config, no_cache: bool) -> Cache | None:
    """The run's cache, unless turned off; a cache that cannot be used is one warning."""
    from traceaudit.cache import Cache, cache_disabled_by_env

    if no_cache or cache_disabled_by_env():
        return None
    cache, why = Cache.open(config)
    if why is not None:
        _warn(why)
    return cache


def _load(
    config: Config, jobs: int | None, found: Discovery, cache: Cache | None, quiet: bool = False
) -> Project:
    with _Progress(_show_progress(quiet)) as bar:
        project = load_project(config, jobs, found=found, cache=cache, progress=bar.update)
    for line in cache.warnings() if cache is not None else ():
        _warn(line)
    return project


# A progress bar appears once reading the files has taken this long (seconds).
PROGRESS_AFTER = 1.0


def _show_progress(quiet: bool) -> bool:
    """On a terminal only: never with --quiet, in CI (``CI`` set) or when stderr is not a TTY."""
    if quiet or os.environ.get("CI", "").strip():
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError, OSError):
        return False


class _Progress:
    """``click.progressbar`` on stderr, started only when reading takes over
    :data:`PROGRESS_AFTER` seconds (a quick run prints nothing)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.start = time.monotonic()
        self.bar: Any = None
        self.shown = 0

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    def update(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.start < PROGRESS_AFTER or done >= total:
                return
            self.bar = click.progressbar(
                length=total, label="traceaudit: reading files", file=sys.stderr
            )
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done


def _warn(text: str) -> None:
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    click.echo(f"traceaudit: warning: {encodable(text, encoding)}", err=True)


# --------------------------------------------------------------------------
# Comparisons: a baseline file, a base revision
# --------------------------------------------------------------------------


def _baseline_path(config: Config, given: str | None) -> tuple[Path, str] | None:
    """(file, label) of the baseline to compare with: --baseline, else the config's."""
    if given is not None:
        return Path(given), given
    if config.baseline is not None:
        path = Path(config.root) / config.baseline
        if not path.is_file():
            raise UserError(
                f"the baseline {config.baseline} named in {config.source or 'the configuration'} "
                "does not exist; write it with `traceaudit baseline`"
            )
        return path, config.baseline
    return None


def _read_baseline(path: Path, label: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read the baseline {label}: {exc.strerror or exc}") from None


def _with_baseline(result: AuditResult, data: bytes, label: str) -> AuditResult:
    """``result`` against the baseline file ``label`` whose bytes are ``data`` (read
    once: what the run's cache state hashes is what is applied)."""
    from traceaudit.policy import apply_baseline, read_baseline

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{label}: not valid UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as read_text reads it
    return apply_baseline(result, read_baseline(text, label))


def _base_config(config: Config, base_root: Path) -> tuple[Config, bool, bool]:
    """The head's configuration for the base checkout, limited to the paths that exist
    there: (config, has specs, has code)."""
    head_root = Path(config.root)

    def existing(paths: tuple[str, ...]) -> tuple[str, ...]:
        kept = []
        for given in paths:
            rel = relative_root(head_root, given)
            if (base_root / rel).exists():
                kept.append(rel or ".")
        return tuple(kept)

    specs = existing(config.spec_roots)
    code = existing(config.code_roots)
    changed = replace(
        config,
        root=str(base_root),
        spec_roots=specs,
        code_roots=code,
        openapi=existing(config.openapi),
        baseline=None,
    )
    return changed, not config.spec_roots or bool(specs), not config.code_roots or bool(code)


def _empty(result: AuditResult) -> AuditResult:
    return replace(
        result, findings=(), requirements=(), routes=(), spec_files=(), declared_endpoints=()
    )


def _with_base(
    result: AuditResult, config: Config, ref: str, jobs: int | None, today: datetime.date
) -> AuditResult:
    """``result`` compared with the audit of the merge base of ``ref`` and HEAD, checked
    out in a temporary worktree and audited with the same configuration."""
    from traceaudit.audit import audit_project
    from traceaudit.policy import compare

    root = Path(config.root)
    state = describe(root)
    if state is None:
        raise UserError(f"--base needs a git repository, and {root} is not in one")
    base, target = merge_base(root, ref)
    label = f"{ref} @ {base[:12]}" if base == target else f"{ref} (merge base {base[:12]})"
    inside = root.resolve().relative_to(state.toplevel.resolve())
    with worktree(state.toplevel, base) as tree:
        base_root = tree / inside
        if not base_root.is_dir():
            return compare(result, _empty(result), label)  # the change adds the whole root
        base_config, has_specs, has_code = _base_config(config, base_root)
        project = load_project(base_config, jobs, with_specs=has_specs, with_code=has_code)
        base_result = audit_project(project, today)
    return compare(result, base_result, label)


# --------------------------------------------------------------------------
# Options shared by the commands
# --------------------------------------------------------------------------

root_argument = click.argument(
    "root", default=".", type=click.Path(file_okay=False, dir_okay=True, path_type=str)
)
config_option = click.option(
    "--config", "config_file", type=click.Path(dir_okay=False), help="A TOML configuration file."
)
spec_option = click.option(
    "--spec",
    "specs",
    multiple=True,
    help="A spec folder or file (repeatable); replaces the defaults. May be outside ROOT "
    "when inside its git repository (monorepos: --spec ../specs).",
)
code_option = click.option(
    "--code", "code", multiple=True, help="A code folder or file (repeatable); default: ROOT."
)
jobs_option = click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes for large projects."
)
cache_option = click.option(
    "--no-cache",
    "no_cache",
    is_flag=True,
    help="Neither read nor write the cache of files and runs (`cache-dir`, default "
    ".traceaudit_cache; also TRACEAUDIT_NO_CACHE=1). The same results.",
)
prefilter_option = click.option(
    "--no-prefilter",
    "no_prefilter",
    is_flag=True,
    help="Read every file in full, skipping none by text (slower; the same results).",
)


def _parse_date(_ctx: Any, _param: Any, value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date such as 2025-12-31") from None


def _parse_writes(_ctx: Any, _param: Any, values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    out = []
    for value in values:
        fmt, sep, path = value.partition("=")
        if not sep or not path or fmt not in FORMATS:
            raise click.BadParameter(
                f"{value!r} is not FORMAT=FILE with FORMAT one of {', '.join(FORMATS)}"
            )
        out.append((fmt, path))
    return tuple(out)


MAIN_HELP = """Audit spec-to-code traceability of a FastAPI backend.

\b
Examples:
  traceaudit run                                   audit the current folder
  traceaudit run backend --spec ../specs           a monorepo subfolder
  traceaudit run --format html -o report.html      the traceability matrix
  traceaudit baseline                              accept today's findings
  traceaudit run --baseline .traceaudit-baseline.json
  traceaudit run --base origin/main --fail-on-new  gate a pull request
  traceaudit rules                                 every rule, with its code

\b
Exit codes:
  0  no finding at or above --fail-on (default: error)
  1  findings at or above --fail-on, or another gate failed
  2  usage, configuration or internal error (one line on stderr)
"""

RUN_EPILOG = """\b
Examples:
  traceaudit run --format sarif -o traceaudit.sarif --write html=report.html
  traceaudit run --base origin/main --fail-on-new --format markdown
  traceaudit run --min-coverage 80 --fail-on warning
  traceaudit run backend --spec ../specs --source-url \\
      "https://github.com/ORG/REPO/blob/{commit}/{path}#L{line}"

\b
Exit codes:
  0  clean: no active finding at or above --fail-on, every gate passed
  1  findings at or above --fail-on (with --fail-on-new: new ones only), or
     coverage below --min-coverage
  2  usage, configuration or internal error
"""


@click.group(help=MAIN_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="traceaudit")
def cli() -> None:
    pass


@dataclass(frozen=True)
class _Output:
    fmt: str
    path: str | None


def _options_for(
    output: str | None,
    root: Path,
    prefix: str,
    source_url: str | None,
    show_all: bool,
    color: bool,
) -> ReportOptions:
    from traceaudit.report import ReportOptions

    link_base = ""
    if output not in (None, "-"):
        folder = Path(output).resolve().parent
        link_base = Path(os.path.relpath(root.resolve(), folder)).as_posix()
        link_base = "" if link_base == "." else link_base
    return ReportOptions(
        show_all=show_all,
        source_url=source_url,
        path_prefix=prefix,
        link_base=link_base,
        color=color,
    )


def _prefix(root: Path, project_root: str | None, toplevel: Path | None) -> str:
    top = Path(project_root) if project_root else toplevel
    if top is None:
        return ""
    try:
        rel = root.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        raise UserError(f"ROOT {root} is not inside --project-root {project_root}") from None
    return "" if rel == "." else rel


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


# Formats that show the provenance (commit, dirty flag), and those with repo-relative paths.
_SHOW_PROVENANCE = frozenset({"json", "html", "sarif", "markdown"})
_REPO_PATHS = frozenset({"sarif", "github", "html", "markdown"})


def _provenance(
    result: AuditResult, config: Config, timestamp: bool, state: GitState | None
) -> AuditResult:
    base = result.provenance or Provenance(__version__, "", ())
    when = None
    if timestamp:
        when = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()
        when = when.replace("+00:00", "Z")
    provenance = replace(
        base,
        commit=state.commit if state else None,
        dirty=state.dirty if state else None,
        timestamp=when,
    )
    return replace(result, provenance=provenance)


@cli.command(epilog=RUN_EPILOG)
@root_argument
@spec_option
@code_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", help="Report format.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the report here (folders made)."
)
@click.option(
    "--write",
    "writes",
    multiple=True,
    callback=_parse_writes,
    metavar="FORMAT=FILE",
    help="Also write another format from the same audit (repeatable): --write html=report.html",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default=None,
    help="Exit 1 when an active finding is at or above this severity (default: error).",
)
@click.option(
    "--fail-on-new",
    is_flag=True,
    help="Only findings new against --base or --baseline count for --fail-on.",
)
@click.option(
    "--min-coverage",
    type=click.FloatRange(0, 100),
    default=None,
    metavar="PERCENT",
    help="Exit 1 when coverage (implemented / countable requirements) is below PERCENT.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings or gates fail.")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Compare with a baseline: baselined findings do not count; lists new and fixed.",
)
@click.option(
    "--base",
    "base_ref",
    default=None,
    metavar="REF",
    help="Compare with the merge base of REF (e.g. origin/main), audited in a temporary "
    "git worktree: new and fixed findings, coverage, routes and requirements changed.",
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="With --base or --baseline, list every finding, not only the new ones.",
)
@click.option(
    "--source-url",
    default=None,
    metavar="TEMPLATE",
    help="Link locations in HTML and Markdown: "
    '"https://github.com/ORG/REPO/blob/{commit}/{path}#L{line}".',
)
@click.option(
    "--project-root",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="The repository root, for repo-relative paths in SARIF, annotations and links "
    "(default: the git repository around ROOT).",
)
@click.option(
    "--timestamp", is_flag=True, help="Record the time in the report (off: reproducible)."
)
@click.option(
    "--today",
    callback=_parse_date,
    default=None,
    metavar="DATE",
    help="The day waivers expire against (default: today).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print the findings only: no summary lines.")
@click.option(
    "--statistics", is_flag=True, help="Print how many findings each rule gave, not the list."
)
@click.option(
    "--color",
    type=click.Choice(("auto", "always", "never")),
    default="auto",
    help="Colour the text report (auto: on a terminal, unless NO_COLOR is set).",
)
@config_option
@jobs_option
@prefilter_option
@cache_option
def run(
    root: str,
    specs: tuple[str, ...],
    code: tuple[str, ...],
    fmt: str,
    output: str | None,
    writes: tuple[tuple[str, str], ...],
    fail_on: str | None,
    fail_on_new: bool,
    min_coverage: float | None,
    exit_zero: bool,
    baseline_file: str | None,
    base_ref: str | None,
    show_all: bool,
    source_url: str | None,
    project_root: str | None,
    timestamp: bool,
    today: datetime.date | None,
    quiet: bool,
    statistics: bool,
    color: str,
    config_file: str | None,
    jobs: int | None,
    no_prefilter: bool,
    no_cache: bool,
) -> int:
    """Audit ROOT (default: the current folder) and report the findings."""
    config = _config(root, config_file, specs, code, fail_on, prefilter=not no_prefilter)
    if base_ref is not None and baseline_file is not None:
        raise UserError("use --base or --baseline, not both")
    baseline = None if base_ref is not None else _baseline_path(config, baseline_file)
    if fail_on_new and base_ref is None and baseline is None:
        raise UserError("--fail-on-new needs --base REF or --baseline FILE to know what is new")
    day = today or datetime.date.today()
    found = _check_specs(config)
    from traceaudit.cache import Effect

    baseline_data = None if baseline is None else _read_baseline(*baseline)
    cache = _open_cache(config, no_cache)
    kinds = {fmt, *(kind for kind, _ in writes)}
    root_path = Path(config.root)
    state: GitState | None = None  # git runs only for the formats that use what it says
    if kinds & _SHOW_PROVENANCE or (project_root is None and kinds & _REPO_PATHS):
        paths = {"."} | {relative_root(root_path, p) or "." for p in config.spec_roots}
        state = describe(root_path, tuple(sorted(paths)))
    prefix = _prefix(root_path, project_root, state.toplevel if state else None)
    paint = fmt == "text" and (output in (None, "-")) and _use_color(color)
    keys: tuple[str, str, bool] | None = None
    if cache is not None and base_ref is None and not timestamp:
        asked = {
            "fmt": fmt, "output": output, "writes": writes, "fail_on_new": fail_on_new,
            "min_coverage": min_coverage, "exit_zero": exit_zero, "show_all": show_all,
            "source_url": source_url, "project_root": project_root, "quiet": quiet,
            "statistics": statistics, "paint": paint, "prefix": prefix,
        }  # fmt: skip
        keys = _run_keys(cache, config, found, asked, baseline, baseline_data, day, state)
        stored = cache.get_run(keys[0], keys[1])
        if stored is not None:
            _replay(stored.effects)
            return stored.code
    from traceaudit.audit import audit_project
    from traceaudit.policy import Gates, failures
    from traceaudit.report import REPORTERS, statistics_text, summary_line

    project = _load(config, jobs, found, cache, quiet)
    result = audit_project(project, day)
    result = _provenance(result, config, timestamp, state)
    if baseline is not None and baseline_data is not None:
        result = _with_baseline(result, baseline_data, baseline[1])
    if base_ref is not None:
        result = _with_base(result, config, base_ref, jobs, day)

    def render(kind: str, where: str | None, colored: bool = False) -> str:
        options = _options_for(where, root_path, prefix, source_url, show_all, colored)
        if kind == "text" and statistics:
            text = statistics_text(result, options)
            return text if quiet else text + summary_line(result) + "\n"
        return REPORTERS[kind](result, replace(options, quiet=quiet))

    said: list[Effect] = []
    _do(said, Effect("out", render(fmt, output, paint), output, paint))
    for kind, path in writes:
        _do(said, Effect("out", render(kind, path), path))
    if statistics and fmt != "text":
        options = _options_for(None, root_path, prefix, None, show_all, False)
        _do(said, Effect("err", statistics_text(result, options)))
    gates = Gates(config.fail_on, fail_on_new, min_coverage)
    reasons = failures(result, gates)
    written = [p for p in (output, *(p for _, p in writes)) if p not in (None, "-")]
    if written and not quiet:
        _do(said, Effect("err", f"traceaudit: {summary_line(result)} -> {', '.join(written)}\n"))
        if any(not why.startswith("named ") for _, why in result.spec_roots):
            # roots found by their content: say which and why
            roots = "; ".join(f"{p} ({why})" for p, why in result.spec_roots)
            _do(said, Effect("err", f"traceaudit: spec roots: {roots}\n"))
    coverage_gate = [r for r in reasons if r.startswith("coverage ")]
    if coverage_gate and not exit_zero:
        _do(said, Effect("err", f"traceaudit: failing: {coverage_gate[0]}\n"))
    exit_code = ExitCode.CLEAN if exit_zero or not reasons else ExitCode.FINDINGS
    if cache is not None and keys is not None and keys[2] and project.settled:
        failed = cache.write_error
        from traceaudit.cache import RunResult

        cache.put_run(keys[0], keys[1], RunResult(tuple(said), int(exit_code)))
        if failed is None and cache.write_error is not None:
            _warn(f"cannot write the cache in {cache.shown()} ({cache.write_error}); not cached")
    return exit_code


def _do(said: list[Effect], effect: Effect) -> None:
    """Write ``effect`` (a report to stdout or a file, a line on stderr) and note it."""
    if effect.stream == "err":
        click.echo(effect.text, err=True, nl=False)
    else:
        _emit(effect.text, effect.path, effect.color)
    said.append(effect)


def _replay(effects: tuple[Effect, ...]) -> None:
    """What a stored run wrote, written again the same way."""
    said: list[Effect] = []
    for effect in effects:
        _do(said, effect)


def _run_keys(
    cache: Cache,
    config: Config,
    found: Discovery,
    options: dict[str, Any],
    baseline: tuple[Path, str] | None,
    baseline_data: bytes | None,
    day: datetime.date,
    state: GitState | None,
) -> tuple[str, str, bool]:
    """(the run's name, the digest of everything its output depends on, whether it may
    be stored).

    The name is the command and every option that changes what it writes (and where);
    the state is the tool (its source, its other files, the Python, the libraries' versions),
    the configuration, the day (waivers expire), the baseline's bytes, the git commit
    and dirty flag the report shows, the discovery (every file, spec root and reason)
    and each file's device, inode, size, modification and change time. A file modified
    within two seconds cannot be trusted by its stat: then the run is not stored."""
    from traceaudit.cache import digest, file_states, package_state

    root = Path(config.root).resolve()
    outputs = [options["output"], *(p for _, p in options["writes"])]
    top = options["project_root"]
    name = digest(
        [
            "run", str(root), os.getcwd(), repr(config), sorted(options.items()),
            [None if p in (None, "-") else str(Path(p).resolve()) for p in outputs],
            None if baseline is None else [str(baseline[0]), baseline[1]],
            None if top is None else str(Path(top).resolve()),
        ]
    )  # fmt: skip
    baseline_hash = None
    if baseline_data is not None:
        baseline_hash = hashlib.blake2b(baseline_data, digest_size=20).hexdigest()
    files = sorted(
        {
            *found.spec_files, *found.contract_files, *found.python_files, *found.test_files,
            *found.other_files, *found.deploy_files, *found.doc_files,
        }
    )  # fmt: skip
    stats, racy = file_states(root, files)
    where = None if state is None else [str(state.toplevel), state.commit, state.dirty]
    parts = [
        cache.folder.name, package_state(), __version__, day.isoformat(), baseline_hash,
        where, repr(found), files, stats,
    ]  # fmt: skip
    return name, digest(parts), not racy


@cli.command(name="baseline")
@root_argument
@spec_option
@code_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help=f"The baseline file (default: the config's `baseline`, else ROOT/{DEFAULT_BASELINE}).",
)
@click.option("--today", callback=_parse_date, default=None, metavar="DATE", hidden=True)
@config_option
@jobs_option
@cache_option
def baseline_command(
    root: str,
    specs: tuple[str, ...],
    code: tuple[str, ...],
    output: str | None,
    today: datetime.date | None,
    config_file: str | None,
    jobs: int | None,
    no_cache: bool,
) -> int:
    """Record today's findings, so that `run --baseline FILE` fails only on new ones.

    \b
    Findings are recorded by fingerprint (rule + subject + file, never the line),
    so moving code does not make an old finding new. Commit the file; review it
    like code. Suppressed and waived findings are not recorded.

    \b
    Example:
      traceaudit baseline -o .traceaudit-baseline.json
      traceaudit run --baseline .traceaudit-baseline.json
    """
    config = _config(root, config_file, specs, code)
    found = _check_specs(config)
    from traceaudit.audit import audit_project
    from traceaudit.policy import baseline_json, make_baseline

    project = _load(config, jobs, found, _open_cache(config, no_cache))
    result = audit_project(project, today)
    baseline = make_baseline(result)
    target = output or str(Path(config.root) / (config.baseline or DEFAULT_BASELINE))
    _emit(baseline_json(baseline, __version__), target)
    count = sum(e.count for e in baseline.entries)
    click.echo(
        f"traceaudit: baseline of {count} findings ({len(baseline.entries)} fingerprints) "
        f"written to {target}",
        err=True,
    )
    return ExitCode.CLEAN


@cli.command()
@root_argument
@code_option
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
@click.option(
    "--explain",
    is_flag=True,
    help="Show why each app is served or not: the chain from each entry point "
    "(uvicorn.run, gunicorn, a Dockerfile, Procfile, console script, fastapi run) to it, "
    "and where a trail was lost.",
)
@config_option
@jobs_option
@prefilter_option
def routes(
    root: str,
    code: tuple[str, ...],
    fmt: str,
    explain: bool,
    config_file: str | None,
    jobs: int | None,
    no_prefilter: bool,
) -> int:
    """List the live routes of ROOT as FastAPI would serve them (never importing it).

    \b
    Example:
      traceaudit routes backend --format json
      traceaudit routes backend --explain    which apps are served, and through what
    Exit codes: 0 listed; 2 usage or configuration error.
    """
    from traceaudit.report import explain_text, routes_json, routes_text, visible

    config = _config(root, config_file, code=code, prefilter=not no_prefilter)
    project = load_project(config, jobs, with_specs=False)
    facts = project.code
    if fmt == "json":
        trails = (facts.entry_points, facts.lost_trails) if explain else None
        text = routes_json(facts.routes, facts.inactive_routes, facts.apps, trails)
    else:
        text = routes_text(visible(facts.routes), visible(facts.inactive_routes), facts.apps)
        if explain:
            text += "\n" + explain_text(facts.apps, facts.entry_points, facts.lost_trails)
    _emit(text, None)
    return ExitCode.CLEAN


@cli.command()
@root_argument
@spec_option
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
@config_option
def requirements(root: str, specs: tuple[str, ...], fmt: str, config_file: str | None) -> int:
    """List the requirements and declared endpoints parsed from the specs of ROOT.

    \b
    Example:
      traceaudit requirements --spec docs/specs --format json
    Exit codes: 0 listed; 2 usage or configuration error.
    """
    from traceaudit.report import requirements_json, requirements_text, visible

    config = _config(root, config_file, specs)
    project = load_project(config, jobs=1, with_code=False)
    docs = project.docs
    text = requirements_json(docs) if fmt == "json" else requirements_text(visible(docs))
    _emit(text, None)
    return ExitCode.CLEAN


@cli.command(name="rules")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
def list_rules(fmt: str) -> int:
    """List every rule with its code, name, default severity and summary.

    \b
    Example:
      traceaudit rules --format json    the full documentation of every rule
    """
    from traceaudit.report import rules_json
    from traceaudit.trace import RULES

    if fmt == "json":
        _emit(rules_json(RULES), None)
        return ExitCode.CLEAN
    lines = [f"{r.code}  {r.name:<28} {r.severity.value:<8} {r.summary}" for r in RULES]
    _emit("\n".join(lines) + "\n", None)
    return ExitCode.CLEAN


def _usage_line(exc: click.UsageError) -> str:
    message = " ".join(exc.format_message().split())
    command = exc.ctx.command_path if exc.ctx is not None else "traceaudit"
    return f"traceaudit: error: {message} (see `{command} --help`)"


# The cyclic collector's thresholds for a run (gen0 allocations, gen1 and gen2 passes). An
# audit builds large trees of small objects that live to its end (facts, routes, findings,
# report data) and almost no cycles; at the defaults (700, 10, 10) every 25 % of growth is
# a full pass over all of them: a third of a 100,000-route audit's time, cache writes
# included. The same results either way.
GC_THRESHOLDS = (200_000, 30, 30)


def _late_user_errors() -> tuple[type[Exception], ...]:
    """The user errors of the modules imported on demand (a baseline that cannot be
    read, an app that is not there), asked for only once something went wrong."""
    from traceaudit.policy import BaselineError
    from traceaudit.routes import AppNotFound

    return (BaselineError, AppNotFound)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the CLI and turn every outcome into an exit code."""
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        code = cli.main(args=argv, prog_name="traceaudit", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("traceaudit: aborted", err=True)
        sys.exit(ExitCode.ERROR)
    except click.exceptions.NoArgsIsHelpError as exc:  # bare `traceaudit`: the help
        exc.show()
        sys.exit(ExitCode.ERROR)
    except click.UsageError as exc:  # one line, as every other error
        message = " ".join(exc.format_message().split())
        where = exc.ctx.command_path if exc.ctx is not None else "traceaudit"
        click.echo(f"traceaudit: error: {message} (see '{where} --help')", err=True)
        sys.exit(ExitCode.ERROR)
    except click.ClickException as exc:
        click.echo(f"traceaudit: error: {' '.join(exc.format_message().split())}", err=True)
        sys.exit(ExitCode.ERROR)
    except (ConfigError, DiscoveryError, UserError, VcsError) as exc:
        click.echo(f"traceaudit: error: {exc}", err=True)
        sys.exit(ExitCode.ERROR)
    except KeyboardInterrupt:
        click.echo("traceaudit: interrupted", err=True)
        sys.exit(ExitCode.ERROR)
    except OSError as exc:  # the system refused something: say what, it is not a bug
        where = f": {exc.filename}" if exc.filename else ""
        click.echo(f"traceaudit: error: {exc.strerror or exc}{where}", err=True)
        sys.exit(ExitCode.ERROR)
    except Exception as exc:  # an internal error must still be one line and exit 2
        if isinstance(exc, _late_user_errors()):
            click.echo(f"traceaudit: error: {exc}", err=True)
            sys.exit(ExitCode.ERROR)
        click.echo(
            f"traceaudit: internal error: {type(exc).__name__}: {exc} (please report this)",
            err=True,
        )
        sys.exit(ExitCode.ERROR)
    sys.exit(code if isinstance(code, int) else ExitCode.CLEAN)

"""The command line: the only module that prints, writes files or exits.

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings at or above it;
2 usage, configuration or internal error (one line on stderr, no traceback).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from traceaudit import __version__
from traceaudit.audit import audit_project, load_project
from traceaudit.config import ConfigError, load
from traceaudit.discover import DiscoveryError
from traceaudit.model import AuditResult, Config, ExitCode, Severity
from traceaudit.report import (
    REPORTERS,
    requirements_json,
    requirements_text,
    routes_json,
    routes_text,
)
from traceaudit.trace import RULES, unknown_rule_names

FORMATS = ("text", "json", "html", "markdown", "sarif")
FAIL_ON = ("error", "warning", "note", "never")


class UserError(Exception):
    """A problem the user can fix; reported as one line with exit code 2."""


def _config(
    root: str,
    config_file: str | None,
    specs: tuple[str, ...] = (),
    code: tuple[str, ...] = (),
    fail_on: str | None = None,
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
    unknown = unknown_rule_names(config)
    if unknown:
        field = "disable" if unknown[0] in config.disable else "severity"
        raise UserError(
            f"{config.origin(field, field)}: unknown rule {unknown[0]!r} (must be a rule code "
            "or name that `traceaudit rules` lists)"
        )
    return config


def _origin(config: Config, field: str, origin: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted({**dict(config.origins), field: origin}.items()))


def _emit(text: str, output: str | None) -> None:
    if output is None or output == "-":
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror}") from None


def _exit_code(result: AuditResult, fail_on: Severity | None, exit_zero: bool) -> int:
    if exit_zero or fail_on is None:
        return ExitCode.CLEAN
    failing = [f for f in result.findings if f.rule.severity.rank >= fail_on.rank]
    return ExitCode.FINDINGS if failing else ExitCode.CLEAN


def _summary_line(result: AuditResult) -> str:
    reqs = [r for r in result.requirements if r.status.value in ("implemented", "unimplemented")]
    done = sum(1 for r in reqs if r.status.value == "implemented")
    pct = 100.0 * done / len(reqs) if reqs else 100.0
    undocumented = sum(1 for r in result.routes if not r.documented)
    sev = {s: sum(1 for f in result.findings if f.rule.severity is s) for s in Severity}
    return (
        f"traceaudit: {done}/{len(reqs)} requirements implemented ({pct:.1f}%), "
        f"{len(result.routes)} routes ({undocumented} undocumented); "
        f"{sev[Severity.ERROR]} errors, {sev[Severity.WARNING]} warnings, "
        f"{sev[Severity.NOTE]} notes"
    )


root_argument = click.argument(
    "root", default=".", type=click.Path(file_okay=False, dir_okay=True, path_type=str)
)
config_option = click.option(
    "--config", "config_file", type=click.Path(dir_okay=False), help="A TOML configuration file."
)
spec_option = click.option(
    "--spec", "specs", multiple=True, help="A spec folder or file (repeatable); replaces defaults."
)
code_option = click.option(
    "--code", "code", multiple=True, help="A code folder or file (repeatable); default: ROOT."
)
jobs_option = click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes for large projects."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="traceaudit")
def cli() -> None:
    """Audit spec-to-code traceability of a FastAPI backend."""


@cli.command()
@root_argument
@spec_option
@code_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", help="Report format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default=None,
    help="Exit 1 when a finding is at or above this severity (default: error).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are found.")
@config_option
@jobs_option
def run(
    root: str,
    specs: tuple[str, ...],
    code: tuple[str, ...],
    fmt: str,
    output: str | None,
    fail_on: str | None,
    exit_zero: bool,
    config_file: str | None,
    jobs: int | None,
) -> int:
    """Audit ROOT (default: the current folder) and report the findings."""
    config = _config(root, config_file, specs, code, fail_on)
    project = load_project(config, jobs)
    if not project.discovery.spec_files and not project.discovery.contract_files:
        where = ", ".join(project.discovery.spec_roots) or "specs/, spec/, docs/specs/, ..."
        raise UserError(f"no spec files found (looked in {where}); name them with --spec")
    result = audit_project(project)
    _emit(REPORTERS[fmt](result), output)
    if output not in (None, "-"):
        click.echo(f"{_summary_line(result)} -> {output}", err=True)
    return _exit_code(result, config.fail_on, exit_zero)


@cli.command()
@root_argument
@code_option
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
@config_option
@jobs_option
def routes(
    root: str, code: tuple[str, ...], fmt: str, config_file: str | None, jobs: int | None
) -> int:
    """List the live routes of ROOT as FastAPI would serve them."""
    config = _config(root, config_file, code=code)
    project = load_project(config, jobs, with_specs=False)
    text = (
        routes_json(project.code.routes)
        if fmt == "json"
        else routes_text(project.code.routes)
    )
    _emit(text, None)
    return ExitCode.CLEAN


@cli.command()
@root_argument
@spec_option
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
@config_option
def requirements(root: str, specs: tuple[str, ...], fmt: str, config_file: str | None) -> int:
    """List the requirements and declared endpoints parsed from the specs of ROOT."""
    config = _config(root, config_file, specs)
    project = load_project(config, jobs=1, with_code=False)
    docs = project.docs
    text = requirements_json(docs) if fmt == "json" else requirements_text(docs)
    _emit(text, None)
    return ExitCode.CLEAN


@cli.command(name="rules")
def list_rules() -> int:
    """List every rule with its code, name, default severity and summary."""
    for rule in RULES:
        click.echo(f"{rule.code}  {rule.name:<28} {rule.severity.value:<8} {rule.summary}")
    return ExitCode.CLEAN


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the CLI and turn every outcome into an exit code."""
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
    except (ConfigError, DiscoveryError, UserError) as exc:
        click.echo(f"traceaudit: error: {exc}", err=True)
        sys.exit(ExitCode.ERROR)
    except KeyboardInterrupt:
        click.echo("traceaudit: interrupted", err=True)
        sys.exit(ExitCode.ERROR)
    except Exception as exc:  # an internal error must still be one line and exit 2
        click.echo(
            f"traceaudit: internal error: {type(exc).__name__}: {exc} (please report this)",
            err=True,
        )
        sys.exit(ExitCode.ERROR)
    sys.exit(code if isinstance(code, int) else ExitCode.CLEAN)

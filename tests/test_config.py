"""Configuration: discovery of the file, validation of every key."""

from __future__ import annotations

from pathlib import Path

import pytest

from traceaudit.config import ConfigError, id_regex, load
from traceaudit.model import DEFAULT_ID_PATTERN, Severity


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_zero_configuration(tmp_path: Path) -> None:
    config = load(tmp_path)
    assert config.spec_roots == ()
    assert config.id_pattern == DEFAULT_ID_PATTERN
    assert config.fail_on is Severity.ERROR
    assert config.root == str(tmp_path.resolve())


def test_pyproject_table(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.traceaudit]\nspec = ["docs/specs"]\n'
        'fail-on = "warning"\napps = ["app.main:app"]\n'
        '[tool.traceaudit.values]\n"settings.ROOT_PATH" = ""\n',
    )
    config = load(tmp_path)
    assert config.spec_roots == ("docs/specs",)
    assert config.fail_on is Severity.WARNING
    assert config.apps == ("app.main:app",)
    assert config.values == (("settings.ROOT_PATH", ""),)
    assert config.criteria_by_story is False
    write(tmp_path / "pyproject.toml", "[tool.traceaudit]\ncriteria-by-story = true\n")
    assert load(tmp_path).criteria_by_story is True


def test_pyproject_without_table_is_defaults(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    assert load(tmp_path).spec_roots == ()


def test_traceaudit_toml_wins_and_takes_top_level_keys(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.traceaudit]\nspec = "a"\n')
    write(tmp_path / "traceaudit.toml", 'spec = "b"\nid_pattern = "REQ-\\\\d+"\n')
    config = load(tmp_path)
    assert config.spec_roots == ("b",)
    assert id_regex(config).fullmatch("REQ-12")


def test_explicit_config_file(tmp_path: Path) -> None:
    cfg = write(tmp_path / "custom.toml", '[tool.traceaudit]\nfail-on = "never"\n')
    assert load(tmp_path, cfg).fail_on is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[tool.traceaudit]\nspecz = ["x"]\n', "unknown key 'specz'"),
        ("[tool.traceaudit]\nspec = 3\n", "'spec': must be a string or a list of strings"),
        ('[tool.traceaudit]\nfail-on = "fatal"\n', "'fail-on': must be one of"),
        ('[tool.traceaudit]\nid-pattern = "("\n', "must be a valid regular expression"),
        ("[tool.traceaudit]\nvalues = 1\n", "'values': must be a table of strings"),
        ('[tool.traceaudit]\ncriteria-by-story = "yes"\n', "'criteria-by-story': must be true or"),
        ('[tool.traceaudit]\nseverity = { TA002 = "loud" }\n', "'severity': TA002: must be one of"),
        ("[tool.traceaudit\n", "invalid TOML"),
    ],
)
def test_invalid_configuration_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path / "pyproject.toml", text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("'", "'")):
        load(tmp_path)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load(tmp_path, tmp_path / "nope.toml")


def test_comment_syntax_must_name_a_known_style(tmp_path: Path) -> None:
    write(tmp_path / "traceaudit.toml", 'comment-syntax = { ".svelte" = "xml" }\n')
    with pytest.raises(ConfigError, match=r"'comment-syntax': \.svelte: must be one of c, hash"):
        load(tmp_path)
    write(tmp_path / "traceaudit.toml", 'comment-syntax = ".svelte"\n')
    with pytest.raises(ConfigError, match="must be a table"):
        load(tmp_path)

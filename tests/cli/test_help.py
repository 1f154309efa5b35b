"""`--help` is enough to use tenantmap: every option explained, defaults shown, nothing cut off."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from discovery.estates import SAMPLE_ESTATE
from tenantmap.cli import main
from tenantmap.config import default_state_dir
from tests.cli.helpers import tenantmap


def commands(group: click.Group = main, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name)


def command(path: tuple[str, ...]) -> click.Command:
    found: click.Command = main
    for name in path:
        assert isinstance(found, click.Group)
        found = found.commands[name]
    return found


def help_text(*path: str) -> str:
    result = CliRunner().invoke(main, [*path, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


@pytest.mark.parametrize("path", list(commands()), ids=" ".join)
def test_every_option_says_what_it_is_for(path: tuple[str, ...]):
    unexplained = [
        p.opts[0] for p in command(path).params if isinstance(p, click.Option) and not p.help
    ]
    assert unexplained == []


@pytest.mark.parametrize("path", list(commands()), ids=" ".join)
def test_every_option_with_a_default_shows_it(path: tuple[str, ...]):
    shown = help_text(*path)
    for param in command(path).params:
        default = param.default if isinstance(param, click.Option) else None
        if isinstance(default, bool) or not isinstance(default, str | int | float):
            continue  # flags, and options without a default
        assert f"default: {param.default}" in shown, f"{param.opts[0]} hides its default"


def test_run_help_shows_the_default_state_folder():
    assert f"default: ({default_state_dir()})" in help_text("run")


@pytest.mark.parametrize("path", [("run",), ("analyse",)], ids=" ".join)
def test_fail_on_help_says_new_counts_findings_that_got_worse(path: tuple[str, ...]):
    """findings.md: a worsened finding is counted by `--fail-on new`; the help says so."""
    shown = help_text(*path)
    assert "an open one that got worse" in shown


@pytest.mark.parametrize("group", [(), ("inventory",)], ids=["tenantmap", "inventory"])
def test_the_command_list_shows_each_description_whole(group: tuple[str, ...]):
    shown = help_text(*group).split("Commands:")[1]
    assert "..." not in shown
    listed = command(group)
    assert isinstance(listed, click.Group)
    for sub in listed.commands.values():
        first_paragraph = " ".join((sub.help or "").split("\n\n")[0].split())
        assert first_paragraph in shown


def test_tenantmap_out_does_not_make_inventory_draft_write_a_file(tmp_path):
    """TENANTMAP_OUT is the run's report folder; `inventory draft --out` is a file."""
    result = tenantmap(
        "inventory",
        "draft",
        "--snapshot",
        str(SAMPLE_ESTATE),
        env={"TENANTMAP_OUT": str(tmp_path / "reports")},
    )
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("# Draft inventory")
    assert not (tmp_path / "reports").exists()


def test_query_list_speaks_to_users_not_to_the_spec_files():
    listed = tenantmap("query", "--list")
    assert listed.code == 0
    assert ".md" not in listed.stdout

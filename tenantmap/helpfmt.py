"""The top-level command group: how `--help` lists commands (each description whole, never
cut at "..."), and usage errors as JSON when JSON logs are asked for."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import click


class WholeHelpGroup(click.Group):
    """A group whose command list shows every description in full (click cuts them at ~45 columns)."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def wants_json(args: Sequence[str], environ: Mapping[str, str]) -> bool:
    """Whether this command line asks for JSON log lines (flag first, then the environment)."""
    for i, arg in enumerate(args):
        if arg == "--log-format" and i + 1 < len(args):
            return args[i + 1] == "json"
        if arg.startswith("--log-format="):
            return arg.partition("=")[2] == "json"
    return environ.get("TENANTMAP_LOG_FORMAT") == "json"


class TenantmapGroup(WholeHelpGroup):
    """The top-level group: with JSON logs asked for, even a usage error (an unknown flag,
    a bad config file) is one JSON line for the log collector, not click's plain text."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        if not standalone_mode or not wants_json(argv, os.environ):
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        from tenantmap import logs

        try:
            return super().main(argv, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            logs.configure("json")
            logs.say(exc.format_message(), logging.ERROR)
            sys.exit(exc.exit_code)
        except click.Abort:
            logs.configure("json")
            logs.say("aborted", logging.ERROR)
            sys.exit(1)

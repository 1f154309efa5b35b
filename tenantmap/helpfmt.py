"""How `--help` lists commands: each command's whole first sentence, wrapped, never cut at "..."."""

from __future__ import annotations

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

"""Read the recipes in the docs as a machine would run them: code blocks, cron lines, command lines."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import click

from tenantmap.cli import main

REPO = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


@dataclass(frozen=True)
class Block:
    lang: str
    text: str
    title: str  # the last `path` or heading line before the block


def fenced_blocks(markdown: str) -> list[Block]:
    blocks = []
    for match in FENCE.finditer(markdown):
        before = markdown[: match.start()].rstrip().splitlines()
        title = before[-1] if before else ""
        blocks.append(Block(match[1], match[2], title))
    return blocks


def nightly_blocks(lang: str) -> list[Block]:
    text = (REPO / "docs" / "nightly.md").read_text(encoding="utf-8")
    return [b for b in fenced_blocks(text) if b.lang == lang]


CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
CRON_ITEM = re.compile(r"^(\*|(\d+)(?:-(\d+))?)(?:/(\d+))?$")


def cron_schedule_problems(fields: list[str]) -> list[str]:
    """What is wrong with the five time fields of a cron line (numbers only, as crontab(5))."""
    if len(fields) != 5:
        return [f"a schedule has 5 fields, not {len(fields)}"]
    problems = []
    for field, (low, high) in zip(fields, CRON_RANGES, strict=True):
        for item in field.split(","):
            match = CRON_ITEM.match(item)
            if match is None:
                problems.append(f"{item!r} is not a cron field")
                continue
            numbers = [int(n) for n in (match[2], match[3]) if n is not None]
            if any(not low <= n <= high for n in numbers):
                problems.append(f"{item!r} is outside {low}-{high}")
    return problems


def _command(argv: list[str]) -> tuple[click.Command, list[str]]:
    command: click.Command = main
    args = list(argv)
    while isinstance(command, click.Group):
        if not args or args[0] not in command.commands:
            raise LookupError(f"no tenantmap command {' '.join(argv[:2])!r}")
        command = command.commands[args.pop(0)]
    return command, args


def cli_problems(argv: list[str]) -> list[str]:
    """What `tenantmap` would refuse in a command line: an unknown command or flag, a missing
    or bad value. argv starts with the program (any path ending in `tenantmap`)."""
    if not argv or Path(argv[0]).name != "tenantmap":
        return [f"{argv[:1]} does not run tenantmap"]
    try:
        command, args = _command(argv[1:])
    except LookupError as exc:
        return [str(exc)]
    options = {
        name: p
        for p in command.params
        if isinstance(p, click.Option)
        for name in (*p.opts, *p.secondary_opts)
    }
    ctx = click.Context(command)
    problems, i = [], 0
    while i < len(args):
        token = args[i]
        i += 1
        if not token.startswith("-"):
            continue
        name, _, inline = token.partition("=")
        param = options.get(name)
        if param is None:
            problems.append(f"{command.name} has no option {name}")
            continue
        if param.is_flag:
            continue
        if not inline and i >= len(args):
            problems.append(f"{name} needs a value")
            continue
        value = inline or args[i]
        i += 0 if inline else 1
        try:
            param.type.convert(value, param, ctx)
        except click.BadParameter as exc:
            problems.append(f"{name} {value}: {exc.message}")
    return problems


def shell_argv(line: str) -> list[str]:
    return shlex.split(line, comments=True)

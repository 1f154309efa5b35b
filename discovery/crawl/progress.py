"""Progress: a rich bar on a terminal, one log line per step otherwise."""

from __future__ import annotations

import logging
import sys
from typing import Any

log = logging.getLogger("tenantmap.crawl")


def counted(n: int, noun: str) -> str:
    """`1 tenant`, `2 tenants`: log lines read as sentences."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def failure_text(status: int | None, code: str | None, message: str | None) -> str:
    """`NotReadable (HTTP 403): the message`, leaving out what Azure did not say."""
    text = code or "error"
    if status is not None:
        text += f" (HTTP {status})"
    return f"{text}: {message}" if message else text


class Progress:
    def __init__(self, enabled: bool) -> None:
        self._bar: Any = None
        self._task: Any = None
        if enabled and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("subscriptions", total=None)

    def step(self, message: str, *args: Any) -> None:
        if self._bar is None:
            log.info(message, *args)
        else:
            self._bar.update(self._task, description=message % args if args else message)

    def subscriptions(self, total: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, total=total, description="subscriptions")
        else:
            log.info("crawling %s", counted(total, "subscription"))

    def subscription_done(self, subscription_id: str, ok: bool, done: int, total: int) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)
        else:
            log.info(
                "subscription %s %s (%d/%d)",
                subscription_id,
                "read" if ok else "failed",
                done,
                total,
            )

    def close(self) -> None:
        """Stop the bar; later steps are logged."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

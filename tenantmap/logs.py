"""Logging for the command line: text lines for people, JSON lines for log collectors."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

import click

_STD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        # Structured context passed with `extra=` travels as fields, not inside the text.
        for key, value in vars(record).items():
            if key not in _STD_ATTRS and not key.startswith("_"):
                doc[key] = value
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc, default=str)


class TextFormatter(logging.Formatter):
    """Log lines for a terminal: a name from Azure inside a message cannot send escapes."""

    def format(self, record: logging.LogRecord) -> str:
        return _neutralised(super().format(record))


def _neutralised(text: str) -> str:
    """Azure-controlled text shown, never obeyed; a problem list keeps its own line breaks."""
    from reports.safe_text import safe_text

    return "\n".join(safe_text(line, "terminal") for line in text.split("\n"))


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is logged: the crawl's progress bar
    (rich) swaps it for a proxy that prints lines above the bar instead of through it."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


_format = {"json": False}


def say(message: str, level: int = logging.INFO) -> None:
    """A `tenantmap: ...` line for the person or the log collector reading stderr: plain
    text, or with --log-format json one JSON object like every other line. Shown
    whatever the log level: these are the run's outcome, not its chatter. A password
    inside a URL is never shown; in text, control characters from Azure-controlled text
    become visible escapes (JSON escapes them itself, and keeps the exact value)."""
    from graph.stores.common import redact_url

    message = redact_url(str(message))
    if _format["json"]:
        record = logging.makeLogRecord(
            {"name": "tenantmap", "levelno": level, "levelname": logging.getLevelName(level)}
        )
        record.msg = message
        click.echo(JsonFormatter().format(record), err=True)
    else:
        click.echo(f"tenantmap: {_neutralised(message)}", err=True)


def configure(log_format: str = "text", *, quiet: bool = False, debug: bool = False) -> None:
    _format["json"] = log_format == "json"
    level = logging.DEBUG if debug else logging.ERROR if quiet else logging.INFO
    handler = _StderrHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # The Azure SDKs log every HTTP request at INFO; that is noise at 2 a.m.
    logging.getLogger("azure").setLevel(logging.DEBUG if debug else logging.WARNING)
    # The driver logs a failed connection at ERROR before tenantmap says the same in one line.
    logging.getLogger("neo4j").setLevel(logging.DEBUG if debug else logging.CRITICAL)

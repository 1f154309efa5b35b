"""Logging for the command line: text lines for people, JSON lines for log collectors."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

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
        from reports.safe_text import safe_text

        return "\n".join(safe_text(line, "terminal") for line in super().format(record).split("\n"))


def configure(log_format: str = "text", *, quiet: bool = False, debug: bool = False) -> None:
    level = logging.DEBUG if debug else logging.ERROR if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
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
    logging.getLogger("neo4j").setLevel(logging.WARNING)

"""What a handler answers, and the shapes every ARM answer shares (errors, challenges, pages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import orjson

from discovery.emulator.estate import Record

# method, path, query string, status, token tenant: tuples, not dicts, because
# a benchmark crawl logs some 100,000 requests.
LogEntry = tuple[str, str, str, int, str | None]


def log_entry(entry: LogEntry) -> dict[str, Any]:
    method, path, query, status, tenant = entry
    return {
        "method": method,
        "path": path,
        "query": dict(parse_qsl(query, keep_blank_values=True)),
        "status": status,
        "tenant": tenant,
    }


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    tenant: str | None = None


def error_reply(status: int, code: str, message: str, **headers: str) -> Reply:
    body = orjson.dumps({"error": {"code": code, "message": message}})
    return Reply(status, body, dict(headers))


def challenge(tenant: str, description: str) -> str:
    """The WWW-Authenticate value ARM sends: it names the tenant to ask for a token."""
    return (
        f'Bearer authorization_uri="https://login.windows.net/{tenant}", '
        f'error="invalid_token", error_description="{description}"'
    )


def page_body(
    records: list[Record], next_link: str | None, extra: bytes = b"", link_key: bytes = b"nextLink"
) -> bytes:
    body = b'{"value":[' + b",".join(r.body for r in records) + b"]" + extra
    if next_link:
        body += b',"' + link_key + b'":' + orjson.dumps(next_link)
    return body + b"}"

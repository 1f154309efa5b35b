"""Broken and hostile answers on demand (emulator.json `tamper`), for the crawler's tests.

Azure, a flaky network or whoever controls a subscription can answer a list
with a redirect, nothing, half a page or a page that points elsewhere. Each
rule names a request path (case-insensitive, exact) and a fault; the real
answer is computed first, then spoiled:

    redirect         302 with a Location (`target`, else the same path elsewhere)
    noContent        204 and no body
    empty            200 and an empty body
    malformed        200 and JSON cut off mid-way
    notList          `value` (Resource Graph: `data`) is an object, not a list
    notObjects       `value` / `data` holds numbers, strings and null
    truncated        Resource Graph: half the rows, `resultTruncated: "true"`, no `$skipToken`
    loop             the next page is this page again (`nextLink` to itself, `$skipToken` repeated)
    gzipBomb         a small gzip body that inflates to `bombMegabytes`
    foreignNextLink  the real page, its `nextLink` on another host (`target`, else
                     `localhost` on the emulator's port, so a crawler that follows
                     it is seen: EmulatorHandle.foreign_requests())
    retryAfter       429 with `Retry-After: <retryAfter>` seconds
    loneSurrogate    the real page, each item's `name` starting with a lone surrogate
                     (`\ud800`): JSON any parser reads, text no UTF-8 file can hold

`page` limits a rule to the first page (no paging token), the next ones, or
every page; `query` limits a Resource Graph rule to queries containing it.
"""

from __future__ import annotations

import zlib
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import orjson

from discovery.emulator.replies import Reply, error_reply
from discovery.emulator.settings import TamperRule

LOOP_TOKEN = "tenantmap-loop"


@cache
def gzip_bomb(megabytes: int) -> bytes:
    """A gzip stream of a JSON page padded with spaces, compressed in slices (no big buffer)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    slice_ = b" " * (1024 * 1024)
    out = [packer.compress(b'{"value": [')]
    out.extend(packer.compress(slice_) for _ in range(megabytes))
    out.append(packer.compress(b"]}"))
    out.append(packer.flush())
    return b"".join(out)


class Tamper:
    def __init__(self, rules: list[TamperRule]) -> None:
        self.rules = [(rule.path.lower().rstrip("/"), rule) for rule in rules]

    def match(
        self, lower: str, query: dict[str, str], body: bytes, is_graph: bool
    ) -> TamperRule | None:
        if not self.rules:
            return None
        options: dict[str, Any] = {}
        text = ""
        if is_graph:
            try:
                request = orjson.loads(body)
                options = request.get("options") or {}
                text = str(request.get("query", ""))
            except (orjson.JSONDecodeError, AttributeError):
                return None
        paged = bool(options.get("$skipToken") if is_graph else query.get("$skiptoken"))
        for path, rule in self.rules:
            if path != lower or (rule.query is not None and rule.query not in text):
                continue
            if rule.fault == "loop" or rule.page == "every" or (rule.page == "next") == paged:
                return rule
        return None

    def stall(self, lower: str) -> Reply | None:
        """A `retryAfter` rule (without `query`) answers every request for its path, with
        or without a token, as a throttling front would."""
        for path, rule in self.rules:
            if path == lower and rule.fault == "retryAfter" and rule.query is None:
                return _retry_after(rule)
        return None

    @staticmethod
    def prepare(
        rule: TamperRule, query: dict[str, str], body: bytes, is_graph: bool
    ) -> tuple[dict[str, str], bytes]:
        """A looping list always serves its first page: its token is ours, not the emulator's."""
        if rule.fault != "loop":
            return query, body
        if is_graph:
            request = orjson.loads(body)
            (request.get("options") or {}).pop("$skipToken", None)
            return query, orjson.dumps(request)
        return {k: v for k, v in query.items() if k != "$skiptoken"}, body

    @staticmethod
    def apply(rule: TamperRule, reply: Reply, url: str, is_graph: bool) -> Reply:
        """The spoiled answer to the request for ``url`` (absolute, as the client sent it)."""
        fault = rule.fault
        key = "data" if is_graph else "value"
        elsewhere = _elsewhere(url)
        if fault == "redirect":
            return Reply(302, b"", {"Location": rule.target or elsewhere})
        if fault == "noContent":
            return Reply(204, b"")
        if fault == "empty":
            return Reply(200, b"")
        if fault == "malformed":
            return Reply(200, b'{"' + key.encode() + b'": [{"id": "/subscriptions/')
        if fault == "gzipBomb":
            return Reply(200, gzip_bomb(rule.bombMegabytes), {"Content-Encoding": "gzip"})
        if fault == "retryAfter":
            return _retry_after(rule)
        page = orjson.loads(reply.body) if reply.body else {}
        if fault == "notList":
            page[key] = {"id": "not-a-list"}
        elif fault == "notObjects":
            page[key] = [1, "two", None]
        elif fault == "truncated":
            rows = page.get(key) or []
            page[key] = rows[: len(rows) // 2]
            page["resultTruncated"] = "true"
            page.pop("$skipToken", None)
            page.pop("nextLink", None)
        elif fault == "loop":
            if is_graph:
                page["$skipToken"] = LOOP_TOKEN
            else:
                page["nextLink"] = _with_token(url, LOOP_TOKEN)
        elif fault == "foreignNextLink":
            page["nextLink"] = rule.target or elsewhere
        body = orjson.dumps(page)
        if fault == "loneSurrogate":  # (orjson writes no lone surrogate: spliced in as text)
            body = body.replace(b'"name":"', b'"name":"\\ud800')
        return Reply(200, body, reply.headers)


def _retry_after(rule: TamperRule) -> Reply:
    return error_reply(
        429,
        "TooManyRequests",
        "The request is being throttled; retry after the time in Retry-After.",
        **{"Retry-After": str(rule.retryAfter)},
    )


def _elsewhere(url: str) -> str:
    """The same URL on `localhost`: another host, which the emulator's certificate still covers."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"localhost:{parts.port}"))


def _with_token(url: str, token: str) -> str:
    parts = urlsplit(url)
    params = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() != "$skiptoken"]
    params.append(("$skiptoken", token))
    return urlunsplit(parts._replace(query=urlencode(params, quote_via=quote, safe="$")))

"""The HTTP side of the crawl: one aiohttp session, SDK clients, pacing and raw JSON.

Why ``send_request`` and not the typed operations: the typed operations
deserialise into models and back, which loses properties the SDK version does
not know and costs client CPU on every page. ``send_request`` (public on the
generated clients; ``_send_request`` on the two that only have that) sends our
``HttpRequest`` through the client's own pipeline - bearer token for the right
tenant and cloud, azure-core's retry policy, our pacing policy - and hands back
the exact bytes Azure sent, which we parse once. Paging over ``nextLink``
(ARM) and ``$skipToken`` (Resource Graph) is then a short loop of our own.

The pipeline is given explicitly (``policies=``, a supported constructor
argument) so that ARM's automatic resource-provider registration policy,
which would POST a registration on a 409, is not in it: the crawler only reads.
"""

from __future__ import annotations

import asyncio
import json
import re
import ssl
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import orjson
from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import (
    AsyncHTTPPolicy,
    AsyncRetryPolicy,
    HeadersPolicy,
    ProxyPolicy,
    RequestIdPolicy,
    SansIOHTTPPolicy,
    UserAgentPolicy,
)
from azure.core.pipeline.transport import AioHttpTransport
from azure.core.rest import HttpRequest
from azure.mgmt.core.policies import AsyncARMChallengeAuthenticationPolicy

from discovery.crawl.errors import CrawlError

USER_AGENT = "tenantmap-crawler/0.1"
_SUBSCRIPTION_IN_PATH = re.compile(r"/subscriptions/([0-9a-f-]{36})(?:/|$|\?)", re.I)
_READ_ONLY_POSTS = (
    "/providers/microsoft.resourcegraph/resources",
    "/providers/microsoft.management/getentities",
)
# azure-core retries POST only on 500/503/504; these two POSTs are reads, so
# they may be retried on everything a GET is retried on.
READ_POST_RETRY = {"retry_on_methods": frozenset({"GET", "HEAD", "POST"})}


@dataclass(frozen=True)
class RetrySettings:
    total: int = 10
    backoff_factor: float = 0.8
    backoff_max: int = 60


@dataclass(frozen=True)
class Bounds:
    """What one answer may cost before it counts as a failure of its scope.

    A nightly job reads answers from tenants other people control: none of them
    may hold the crawl for hours or fill the machine's memory.
    """

    # pages per list: 5,000 pages are 250,000 ARM items or 5,000,000 Resource Graph rows
    max_pages: int = 5000
    # one answer, decompressed: the largest real pages are a few MB
    max_body_bytes: int = 64 * 1024 * 1024
    # a longer Retry-After (or Resource Graph quota reset) fails the scope instead of waiting
    max_retry_after: float = 60.0


def ssl_context(ca_file: Path | None) -> ssl.SSLContext:
    """Built once: azure-core would build one per request from a CA path."""
    context = ssl.create_default_context()
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    return context


def make_session(ca_file: Path | None, concurrency: int) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(
        ssl=ssl_context(ca_file), limit=concurrency + 8, ttl_dns_cache=300
    )
    # trust_env: proxies from HTTPS_PROXY, as azure-core reads them
    return aiohttp.ClientSession(connector=connector, trust_env=True, auto_decompress=True)


def shared_transport(session: aiohttp.ClientSession) -> AioHttpTransport:
    # azure-core waits 300 s for a connection by default; an endpoint that
    # does not answer should fail the crawl in well under a minute. Bodies are
    # streamed (to cap their size), in blocks larger than azure-core's 4 KB.
    return AioHttpTransport(
        session=session,
        session_owner=False,
        connection_timeout=20,
        read_timeout=120,
        connection_data_block_size=256 * 1024,
    )


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port of a URL, with the scheme's default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"https": 443, "http": 80}.get(scheme)
    except ValueError:  # a port that is not a number
        port = None
    return scheme, (parts.hostname or "").lower(), port


def show_origin(url: str) -> str:
    scheme, host, port = origin(url)
    return f"{scheme}://{host}:{port}"


class SameOriginPolicy(SansIOHTTPPolicy[Any, Any]):
    """Every request goes to the configured ARM endpoint, or nowhere.

    URLs arrive in answers (``nextLink``, ids the crawler appends to the
    endpoint) and the bearer policy would attach the crawl's token to any of
    them: a list page of a subscription someone else controls could name their
    own host and collect it. The check sits before the bearer policy, so a
    token never leaves for another scheme, host or port.
    """

    def __init__(self, arm_url: str) -> None:
        super().__init__()
        self._arm_url = arm_url
        self._origin = origin(arm_url)

    def on_request(self, request: PipelineRequest[Any]) -> None:
        url = request.http_request.url
        if origin(url) != self._origin:
            raise ArmCallError(
                None,
                "ForeignLink",
                f"An answer pointed the crawl at {show_origin(url)}, which is not the ARM "
                f"endpoint {show_origin(self._arm_url)}: it was not followed (the token is "
                "only ever sent to the ARM endpoint), so this list is incomplete.",
            )


class BoundedRetryPolicy(AsyncRetryPolicy):
    """azure-core's retry policy, which obeys any Retry-After: above the cap it gives up.

    ``is_retry`` is the policy's own decision point; refusing there hands the
    429 back unchanged, and ``send`` turns it into an error of its scope.
    """

    def __init__(self, max_retry_after: float, **settings: Any) -> None:
        super().__init__(**settings)
        self.max_retry_after = max_retry_after

    def is_retry(self, settings: dict[str, Any], response: PipelineResponse[Any, Any]) -> bool:
        retry_after = self.get_retry_after(response)
        if retry_after is not None and retry_after > self.max_retry_after:
            return False
        return bool(super().is_retry(settings, response))


class _Bucket:
    __slots__ = ("at", "in_flight", "remaining")

    def __init__(self) -> None:
        self.remaining: float | None = None
        self.at = 0.0
        self.in_flight = 0


class Pacer:
    """Requests in flight, request count, and pacing by ARM's remaining-reads headers.

    ARM answers every read with the tokens left in the caller's bucket
    (``x-ms-ratelimit-remaining-subscription-reads`` per subscription,
    ``-tenant-reads`` per tenant). When the estimate (last remaining, plus the
    refill since, less the requests in flight) drops below ``reserve``, the
    next request to that scope waits for the refill instead of spending the
    last tokens and collecting a 429. Resource Graph's own quota
    (``x-ms-user-quota-remaining`` / ``-resets-after``) blocks its queries
    until the reset when it reaches zero. 429 ``Retry-After`` stays with
    azure-core's retry policy.
    """

    def __init__(
        self, concurrency: int, *, refill_per_second: float = 25.0, max_wait: float = 60.0
    ) -> None:
        self.semaphore = asyncio.Semaphore(concurrency)
        self.max_wait = max_wait
        self.refill = refill_per_second
        self.reserve = float(max(8, concurrency))
        self.requests = 0
        self.requests_by_scope: Counter[str] = Counter()
        self.throttled = 0
        self.paced_seconds = 0.0
        self._buckets: dict[str, _Bucket] = {}
        self._quota_blocked_until: dict[str, float] = {}

    def _bucket(self, key: str) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket()
        return bucket

    async def before(self, key: str) -> None:
        if key.startswith("rg:"):
            wait = self._quota_blocked_until.get(key, 0.0) - time.monotonic()
            if wait > 0:
                self.paced_seconds += wait
                await asyncio.sleep(wait)
            return
        bucket = self._bucket(key)
        if bucket.remaining is not None:
            estimate = (
                bucket.remaining + self.refill * (time.monotonic() - bucket.at) - bucket.in_flight
            )
            if estimate < self.reserve:
                wait = (self.reserve - estimate) / self.refill
                bucket.in_flight += 1
                self.paced_seconds += wait
                try:
                    await asyncio.sleep(wait)
                finally:
                    bucket.in_flight -= 1
        bucket.in_flight += 1

    def after(self, key: str, headers: Any | None) -> None:
        if key.startswith("rg:"):
            if headers is not None:
                self._after_quota(key, headers)
            return
        bucket = self._bucket(key)
        bucket.in_flight = max(0, bucket.in_flight - 1)
        if headers is None:
            return
        remaining = headers.get("x-ms-ratelimit-remaining-subscription-reads") or headers.get(
            "x-ms-ratelimit-remaining-tenant-reads"
        )
        if remaining is not None:
            try:
                bucket.remaining = float(remaining)
                bucket.at = time.monotonic()
            except ValueError:
                pass

    def _after_quota(self, key: str, headers: Any) -> None:
        remaining = headers.get("x-ms-user-quota-remaining")
        resets = headers.get("x-ms-user-quota-resets-after")
        if remaining is None or resets is None:
            return
        try:
            if int(remaining) > 0:
                return
            hours, minutes, seconds = (float(part) for part in resets.split(":"))
        except ValueError:
            return
        # a reset hours away is not waited for: the next query's 429 then fails its scope
        wait = min(hours * 3600 + minutes * 60 + seconds, self.max_wait)
        self._quota_blocked_until[key] = time.monotonic() + wait


class PacingPolicy(AsyncHTTPPolicy):
    """Per-try policy: read-only guard, concurrency bound, pacing, request count."""

    def __init__(self, pacer: Pacer, tenant_id: str) -> None:
        super().__init__()
        self._pacer = pacer
        self._tenant = tenant_id

    def _key(self, request: Any) -> str:
        url: str = request.url
        path = url.split("?", 1)[0].lower()
        if path.endswith("/providers/microsoft.resourcegraph/resources"):
            return f"rg:{self._tenant}"
        match = _SUBSCRIPTION_IN_PATH.search(url)
        return match.group(1).lower() if match else f"tenant:{self._tenant}"

    async def send(self, request: PipelineRequest) -> PipelineResponse:
        http = request.http_request
        method = http.method.upper()
        if method != "GET" and not (
            method == "POST" and http.url.split("?", 1)[0].lower().endswith(_READ_ONLY_POSTS)
        ):
            raise CrawlError(f"The crawler refused to send {method} {http.url}: it only reads.")
        key = self._key(http)
        await self._pacer.before(key)
        headers = None
        try:
            async with self._pacer.semaphore:
                self._pacer.requests += 1
                self._pacer.requests_by_scope[key] += 1
                response = await self.next.send(request)
            headers = response.http_response.headers
            if response.http_response.status_code == 429:
                self._pacer.throttled += 1
            return response
        finally:
            self._pacer.after(key, headers)


def pipeline_policies(
    credential: Any,
    scope: str,
    pacer: Pacer,
    tenant_id: str,
    retry: RetrySettings,
    *,
    arm_url: str,
    bounds: Bounds,
) -> list[Any]:
    """A fresh policy list per client (policies are chained and cannot be shared)."""
    return [
        SameOriginPolicy(arm_url),
        RequestIdPolicy(),
        HeadersPolicy(),
        UserAgentPolicy(base_user_agent=USER_AGENT),
        ProxyPolicy(),
        BoundedRetryPolicy(
            bounds.max_retry_after,
            retry_total=retry.total,
            retry_status=retry.total,
            retry_connect=3,
            retry_read=3,
            retry_backoff_factor=retry.backoff_factor,
            retry_backoff_max=retry.backoff_max,
        ),
        # pacing before the bearer policy: a request that waits for a slot
        # gets its token when it leaves, not before a wait that may outlast it
        PacingPolicy(pacer, tenant_id),
        RenewingAuthenticationPolicy(credential, scope),
    ]


class RenewingAuthenticationPolicy(AsyncARMChallengeAuthenticationPolicy):
    """ARM's bearer policy, plus one retry with a fresh credential on an expired token.

    ``on_challenge`` is the bearer policy's documented extension point. ARM
    answers a token it considers expired with 401 ExpiredAuthenticationToken
    and ``error="invalid_token"``; azure-identity would hand back the same
    cached token, so the crawl's credential is renewed and the request is
    authorised again, once.
    """

    def __init__(self, credential: Any, scope: str) -> None:
        super().__init__(credential, scope)
        self._tenant_credential = credential
        self._scope = scope

    async def on_challenge(self, request: PipelineRequest, response: PipelineResponse) -> bool:
        if await super().on_challenge(request, response):
            return True
        http = response.http_response
        header = http.headers.get("WWW-Authenticate", "").lower()
        try:
            body = http.body() or b""
        except Exception:  # a streamed body is not available; the header decides
            body = b""
        expired = b"ExpiredAuthenticationToken" in body or "expired" in header
        if not expired or request.context.get("tenantmap_renewed"):
            return False
        request.context["tenantmap_renewed"] = True
        refused = request.http_request.headers.get("Authorization", "").removeprefix("Bearer ")
        self._tenant_credential.source.renew(refused)
        await self.authorize_request(request, self._scope)
        return True


class NotUnicode(ValueError):
    """JSON text whose strings are not Unicode: a lone surrogate (`\\ud800`), which JSON
    can spell but no UTF-8 file, store or report can hold."""


def parse_json(body: bytes) -> Any:
    """orjson where it can (pages are most of the client's CPU), json where it cannot;
    NotUnicode for a lone surrogate, which only the latter lets through."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        value = json.loads(body)  # raises the stdlib's error for truly bad JSON
    _check_unicode(value)
    return value


def _check_unicode(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    raise NotUnicode("a string holds a lone surrogate") from None
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class ArmCallError(Exception):
    """A call answered with an error status (after retries) or never got an answer."""

    def __init__(self, status: int | None, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    @classmethod
    def from_body(cls, status: int, body: bytes) -> ArmCallError:
        code, message = f"Http{status}", body.decode("utf-8", "replace")[:500]
        try:
            error = json.loads(body).get("error") or {}
            code = str(error.get("code") or code)
            message = str(error.get("message") or message)
        except (ValueError, AttributeError):
            pass
        return cls(status, code, message)


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None  # an HTTP date: azure-core's policy judged it already


def _malformed(message: str) -> ArmCallError:
    return ArmCallError(200, "MalformedPage", message)


async def _read_capped(response: Any, limit: int) -> bytes:
    """The (decompressed) body, read in blocks and given up past ``limit`` bytes.

    aiohttp inflates gzip as it streams, so a small compressed answer that
    would grow to gigabytes is stopped after ``limit`` bytes, not held whole.
    """
    parts: list[bytes] = []
    size = 0
    async for part in response.iter_raw():
        size += len(part)
        if size > limit:
            raise ArmCallError(
                response.status_code,
                "AnswerTooLarge",
                f"The answer grew past {limit // (1024 * 1024)} MB (decompressed) and was "
                "not read further.",
            )
        parts.append(part)
    return b"".join(parts)


async def send(client: Any, request: HttpRequest, bounds: Bounds, **options: Any) -> dict[str, Any]:
    """Send through the client's pipeline and return the JSON object Azure answered.

    Anything but a 200 with a JSON object is an error of the call's scope: a
    redirect is not followed (it could lead anywhere), and a 204, an empty or
    a malformed body is not an answer that can be taken as complete.
    """
    sender = getattr(client, "send_request", None) or client._send_request
    response = await sender(request, stream=True, **options)
    try:
        body = await _read_capped(response, bounds.max_body_bytes)
    finally:
        await response.close()
    status = response.status_code
    retry_after = _seconds(response.headers.get("Retry-After"))
    if status == 429 and retry_after is not None and retry_after > bounds.max_retry_after:
        raise ArmCallError(
            status,
            "RetryAfterTooLong",
            f"Azure asked to wait {retry_after:g} s before asking again (Retry-After), "
            f"more than the {bounds.max_retry_after:g} s the crawl waits.",
        )
    if status >= 400:
        raise ArmCallError.from_body(status, body)
    if status != 200:
        where = response.headers.get("Location")
        raise ArmCallError(
            status,
            "UnexpectedStatus",
            f"Azure answered {status} where a page was expected"
            + (f" (a redirect to {show_origin(where)}, not followed)" if where else "")
            + ".",
        )
    if not body.strip():
        raise ArmCallError(status, "EmptyAnswer", "Azure answered 200 with an empty body.")
    try:
        page = parse_json(body)
    except NotUnicode:
        raise _malformed(
            "The answer holds text that is not Unicode (a lone surrogate, such as \\ud800)."
        ) from None
    except ValueError:
        raise _malformed("The answer is not valid JSON.") from None
    if not isinstance(page, dict):
        raise _malformed("The answer is not a JSON object.")
    return page


def items_of(page: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """``page[key]`` as a list of objects, or a MalformedPage error naming what is wrong."""
    items = page.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise _malformed(f"'{key}' is {type(items).__name__}, not a list.")
    for item in items:
        if not isinstance(item, dict):
            raise _malformed(f"'{key}' holds a {type(item).__name__}, not an object.")
    return items


def next_marker(page: dict[str, Any], key: str, seen: set[str], bounds: Bounds) -> str | None:
    """The page's ``nextLink`` / ``$skipToken``, refused when it repeats or the list is too long."""
    marker = page.get(key)
    if marker is None or marker == "":
        return None
    if not isinstance(marker, str):
        raise _malformed(f"'{key}' is {type(marker).__name__}, not a string.")
    if marker in seen:
        raise ArmCallError(
            200, "PagingLoop", f"The '{key}' of a page named a page already read: the list loops."
        )
    if len(seen) + 1 >= bounds.max_pages:
        raise ArmCallError(
            200,
            "TooManyPages",
            f"The list went on past {bounds.max_pages} pages and was not read further.",
        )
    seen.add(marker)
    return marker


async def get_pages(
    client: Any, first: HttpRequest, bounds: Bounds, **options: Any
) -> AsyncIterator[list[dict[str, Any]]]:
    """Each page's ``value`` of an ARM list, following ``nextLink`` (on the ARM endpoint only)."""
    request = first
    seen = {first.url}
    while True:
        page = await send(client, request, bounds, **options)
        yield items_of(page, "value")
        next_link = next_marker(page, "nextLink", seen, bounds)
        if next_link is None:
            return
        # the SDKs follow nextLink with a GET, as Azure answers it (getEntities included)
        request = HttpRequest("GET", next_link)
        options = {}

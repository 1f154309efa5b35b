"""The aiohttp application: the ARM checks and reads, and Resource Graph.

One catch-all handler dispatches on the lower-cased path, because ARM paths
are case-insensitive and most answers are a dictionary lookup in the estate's
indexes. Token endpoints live in identity.py, management groups in
management_groups.py. See the package docstring for the rules implemented.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, urlencode

import orjson
from aiohttp import web

from discovery.emulator import governance
from discovery.emulator import resource_graph as rg
from discovery.emulator.changes import CHANGE_TABLES, ChangeLog
from discovery.emulator.errors import EstateError
from discovery.emulator.estate import MG_PREFIX, UNPAGED_COLLECTIONS, Estate, Record
from discovery.emulator.identity import Identity
from discovery.emulator.limits import FaultInjector, GraphQuota, ReadThrottle
from discovery.emulator.management_groups import ManagementGroups
from discovery.emulator.paging import PageTokens
from discovery.emulator.replies import LogEntry, Reply, challenge, error_reply, log_entry, page_body
from discovery.emulator.settings import EmulatorSettings, TamperRule
from discovery.emulator.tamper import Tamper
from discovery.emulator.tokens import TokenAuthority

DEFAULT_CLIENT_ID = "6a2ac4d1-3c8e-4f34-9a4b-5d9e0c7f1b20"
DEFAULT_CLIENT_SECRET = "tenantmap-emulator-secret"
JSON = "application/json; charset=utf-8"
GRAPH_PATH = "/providers/microsoft.resourcegraph/resources"
ENTITIES_PATH = "/providers/microsoft.management/getentities"
# The emulator's own administrative endpoint (changes.py); Azure has nothing like it.
CHANGES_PATH = "/_emulator/changes"
MAX_GRAPH_SUBSCRIPTIONS = 1000
MAX_GRAPH_TOP = 1000


class Emulator:
    """The state behind one running emulator: estate, settings, limits and the log."""

    def __init__(
        self, estate: Estate, settings: EmulatorSettings, log_file: Path | None = None
    ) -> None:
        self.estate = estate
        self.settings = settings
        homes = estate.home_tenants()
        self.home_tenant = (settings.principal.tenantId or (homes[0] if homes else "")).lower()
        if not self.home_tenant:
            raise EstateError(
                f"{estate.root / 'tenants.json'} has no tenant with tenantCategory Home and "
                "emulator.json names no principal.tenantId: add one of them."
            )
        self.token_tenants = {self.home_tenant, *homes}
        self.client_id = settings.principal.clientId or DEFAULT_CLIENT_ID
        self.client_secret = settings.principal.clientSecret or DEFAULT_CLIENT_SECRET
        self.base_url = ""
        self.tokens = TokenAuthority(self.client_id)
        self.pages = PageTokens()
        self.throttle = ReadThrottle(settings.throttle)
        self.graph_quota = GraphQuota(settings.resourceGraphQuota)
        self.faults = FaultInjector(settings.faults)
        self.tamper = Tamper(settings.tamper)
        # (Host header, path, whether a token came) of requests sent to another host name
        self.foreign_requests: list[tuple[str, str, bool]] = []
        self.latency = settings.latencyMs / 1000.0
        self.log: list[LogEntry] = []
        self._log_file: IO[bytes] | None = None
        log_path = log_file or (Path(settings.requestLogFile) if settings.requestLogFile else None)
        if log_path is not None:
            self._log_file = log_path.open("ab")
        self.changes = ChangeLog()
        self._index(estate)
        self.deny = sorted(
            ((p.lower().rstrip("/"), status) for p, status in settings.deny.items()),
            key=lambda item: -len(item[0]),
        )
        self._reset_caches()
        self.identity = Identity(
            estate,
            settings,
            home_tenant=self.home_tenant,
            token_tenants=self.token_tenants,
            client_id=self.client_id,
            client_secret=self.client_secret,
            tokens=self.tokens,
        )

    def _index(self, estate: Estate) -> None:
        self.estate = estate
        self.owner: dict[str, str] = {sid: s.tenant_id for sid, s in estate.subscriptions.items()}
        for sid, tenant in self.settings.foreignSubscriptions.items():
            self.owner.setdefault(sid.lower(), tenant.lower())

    def _reset_caches(self) -> None:
        self._visible: dict[str, list[Record]] = {}
        self._graph_cache: OrderedDict[str, list[Record]] = OrderedDict()
        self._graph_rows: dict[str, bytes] = {}
        self.groups = ManagementGroups(self.estate.entities, self.owner, self.home_tenant)

    def apply_changes(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Change the estate while serving (POST /_emulator/changes); the change rows made."""
        if "tamper" in body:
            self.tamper = Tamper([TamperRule(**rule) for rule in body["tamper"] or []])
        estate, rows = self.changes.apply(self.estate, body)
        self._index(estate)
        self._reset_caches()
        return rows

    # -- access rules ------------------------------------------------------

    def visible(self, tenant: str) -> list[Record]:
        """Subscriptions a token for this tenant lists: its own, plus those delegated to it."""
        cached = self._visible.get(tenant)
        if cached is None:
            cached = [
                s.record
                for sid, s in sorted(self.estate.subscriptions.items())
                if s.tenant_id == tenant or tenant in s.managed_by
            ]
            self._visible[tenant] = cached
        return cached

    def can_read(self, tenant: str, sub: str) -> bool:
        s = self.estate.subscriptions.get(sub)
        return s is not None and (s.tenant_id == tenant or tenant in s.managed_by)

    def denied(self, lower_path: str) -> int | None:
        for prefix, status in self.deny:
            if lower_path == prefix or lower_path.startswith(prefix + "/"):
                return status
        return None

    # -- the handler -------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.latency:
            await asyncio.sleep(self.latency)
        if self.base_url and request.host != self.base_url.split("://", 1)[-1]:
            self.foreign_requests.append(
                (request.host, request.path, "Authorization" in request.headers)
            )
        try:
            reply = await self.dispatch(request)
        except Exception as exc:  # a bug here must not look like a dropped connection
            reply = error_reply(500, "InternalServerError", f"The emulator failed: {exc!r}")
        reply.headers.setdefault("x-ms-request-id", str(uuid.uuid4()))
        # Tuples, not dicts: a benchmark crawl logs some 100,000 requests.
        entry = (request.method, request.path, request.query_string, reply.status, reply.tenant)
        self.log.append(entry)
        if self._log_file is not None:
            self._log_file.write(orjson.dumps(log_entry(entry)) + b"\n")
        return self._response(reply)

    @staticmethod
    def _response(reply: Reply) -> web.Response:
        reply.headers["Content-Type"] = JSON
        return web.Response(status=reply.status, body=reply.body, headers=reply.headers)

    def close(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    async def dispatch(self, request: web.Request) -> Reply:
        path = request.path
        lower = path.lower().rstrip("/") or "/"
        segments = lower.split("/")[1:]
        first = segments[0] if segments else ""
        if (
            first not in ("subscriptions", "providers", "tenants")
            and len(segments) > 1
            and segments[1] in ("v2.0", "oauth2")
        ):
            return await self.identity.handle(request, segments, self.base_url)
        method = request.method
        if lower == CHANGES_PATH:
            return await self._admin_changes(request)
        stall = self.tamper.stall(lower)
        if stall is not None:  # before any check: a throttling front answers without one
            return stall
        is_graph = lower == GRAPH_PATH
        is_entities = lower == ENTITIES_PATH
        if method != "GET" and not (method == "POST" and (is_graph or is_entities)):
            return error_reply(
                405,
                "MethodNotAllowed",
                f"The emulator is read-only: {method} {path} is not served "
                "(only GET, and POST for Resource Graph queries and getEntities).",
            )
        sub = segments[1] if first == "subscriptions" and len(segments) > 1 else None
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return self._unauthenticated(sub)
        claims = self.tokens.verify(auth[7:].strip())
        if claims is None:
            reply = error_reply(
                401,
                "InvalidAuthenticationToken",
                "The access token is invalid: it was not issued by this emulator.",
            )
            reply.headers["WWW-Authenticate"] = challenge(
                self.owner.get(sub or "", "common"), "The access token is invalid."
            )
            return reply
        tenant = claims.tenant_id
        now = time.time()
        if claims.expires_at <= now:
            stamp = time.strftime("%m/%d/%Y %H:%M:%S", time.gmtime(claims.expires_at))
            reply = error_reply(
                401,
                "ExpiredAuthenticationToken",
                f"The access token expiry UTC time '{stamp}' is earlier than current UTC time "
                f"'{time.strftime('%m/%d/%Y %H:%M:%S', time.gmtime(now))}'.",
            )
            reply.headers["WWW-Authenticate"] = challenge(tenant, "The access token has expired.")
            reply.tenant = tenant
            return reply
        reply = await self._authenticated(request, path, lower, segments, sub, tenant, is_graph)
        reply.tenant = tenant
        return reply

    async def _admin_changes(self, request: web.Request) -> Reply:
        if request.method != "POST":
            return error_reply(405, "MethodNotAllowed", f"{CHANGES_PATH} takes POST only.")
        try:
            body = orjson.loads(await request.read())
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            rows = self.apply_changes(body)
        except (ValueError, TypeError, EstateError) as exc:  # pydantic errors are ValueErrors
            return error_reply(400, "BadRequest", f"The changes were not applied: {exc}")
        return Reply(200, orjson.dumps({"changes": rows}))

    def _unauthenticated(self, sub: str | None) -> Reply:
        if sub is not None:
            owner = self.owner.get(sub)
            if owner is None:
                return error_reply(
                    404, "SubscriptionNotFound", f"The subscription '{sub}' could not be found."
                )
        else:
            owner = "common"
        reply = error_reply(
            401,
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing.",
        )
        reply.headers["WWW-Authenticate"] = challenge(
            owner, "The authentication failed because of missing 'Authorization' header."
        )
        return reply

    async def _authenticated(
        self,
        request: web.Request,
        path: str,
        lower: str,
        segments: list[str],
        sub: str | None,
        tenant: str,
        is_graph: bool,
    ) -> Reply:
        headers: dict[str, str] = {}
        if not is_graph:
            if sub is not None:
                decision = self.throttle.take("s:" + sub)
                headers["x-ms-ratelimit-remaining-subscription-reads"] = str(decision.remaining)
            else:
                decision = self.throttle.take("t:" + tenant)
                headers["x-ms-ratelimit-remaining-tenant-reads"] = str(decision.remaining)
            if not decision.allowed:
                return error_reply(
                    429,
                    "TooManyRequests",
                    "The request is being throttled as the limit has been reached for operation "
                    "type - Read. Please try again after the time in Retry-After.",
                    **headers,
                    **{"Retry-After": str(decision.retry_after)},
                )
        reply = await self._checked(request, path, lower, segments, sub, tenant, is_graph)
        for name, value in headers.items():
            reply.headers.setdefault(name, value)
        return reply

    async def _checked(
        self,
        request: web.Request,
        path: str,
        lower: str,
        segments: list[str],
        sub: str | None,
        tenant: str,
        is_graph: bool,
    ) -> Reply:
        query = {k.lower(): v for k, v in request.query.items()}
        if "api-version" not in query:
            return error_reply(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
        if sub is not None:
            owner = self.owner.get(sub)
            if owner is None:
                return error_reply(
                    404, "SubscriptionNotFound", f"The subscription '{sub}' could not be found."
                )
            if not self.can_read(tenant, sub):
                if owner != tenant:
                    reply = error_reply(
                        401,
                        "InvalidAuthenticationTokenTenant",
                        f"The access token is from the wrong issuer 'https://sts.windows.net/"
                        f"{tenant}/'. It must match the tenant 'https://sts.windows.net/{owner}/' "
                        "associated with this subscription. Please use the authority (URL) "
                        f"'https://login.windows.net/{owner}' to get the token.",
                    )
                    reply.headers["WWW-Authenticate"] = challenge(
                        owner,
                        "The access token is from the wrong issuer. It must match the tenant "
                        "associated with this subscription.",
                    )
                    return reply
                return self._forbidden(path)
        status = self.denied(lower)
        if status is not None:
            return self._forbidden(path, status)
        body = b""
        if request.method == "POST":
            body = await request.read()
        fault = self.faults.draw(
            f"{request.method} {lower}?{request.query_string}\0{hashlib.sha1(body).hexdigest()}"
        )
        if fault is not None:
            code = "ServiceUnavailable" if fault == 503 else "InternalServerError"
            return error_reply(
                fault, code, "The server encountered an internal error (injected fault)."
            )
        rule = self.tamper.match(lower, query, body, is_graph)
        if rule is None:
            if is_graph:
                return self.resource_graph(body, tenant)
            return self.read(request, path, lower, segments, sub, tenant, query, body)
        query, body = self.tamper.prepare(rule, query, body, is_graph)
        if is_graph:
            reply = self.resource_graph(body, tenant)
        else:
            reply = self.read(request, path, lower, segments, sub, tenant, query, body)
        return self.tamper.apply(rule, reply, self.base_url + request.path_qs, is_graph)

    def _forbidden(self, path: str, status: int = 403) -> Reply:
        return error_reply(
            status,
            "AuthorizationFailed",
            f"The client '{self.client_id}' with object id '{self.client_id}' does not have "
            f"authorization to perform action 'read' over scope '{path}' or the scope is invalid.",
        )

    # -- ARM reads ---------------------------------------------------------

    def _next_link(self, request: web.Request, token: str) -> str:
        params = [(k, v) for k, v in request.query.items() if k.lower() != "$skiptoken"]
        params.append(("$skiptoken", token))
        link = f"{request.path}?{urlencode(params, quote_via=quote, safe='$')}"
        if self.settings.nextLinkStyle == "absolute":
            link = self.base_url + link
        return link

    def _page(
        self,
        request: web.Request,
        query: dict[str, str],
        scope: str,
        records: list[Record],
        *,
        extra: bytes = b"",
        link_key: bytes = b"nextLink",
    ) -> Reply:
        offset = 0
        token = query.get("$skiptoken")
        if token is not None:
            read = self.pages.read(scope, token)
            if read is None:
                return error_reply(
                    400,
                    "InvalidSkipToken",
                    "The $skiptoken is not valid for this list; start again from the first page.",
                )
            offset = read
        size = self.settings.pageSize
        top = query.get("$top")
        if top is not None:
            if not top.isdigit() or int(top) < 1:
                return error_reply(
                    400, "InvalidTop", f"The $top value '{top}' is not a positive integer."
                )
            size = min(int(top), 1000)
        chunk = records[offset : offset + size]
        next_link = None
        if offset + size < len(records):
            next_link = self._next_link(request, self.pages.make(scope, offset + size))
        return Reply(200, page_body(chunk, next_link, extra, link_key))

    def read(
        self,
        request: web.Request,
        path: str,
        lower: str,
        segments: list[str],
        sub: str | None,
        tenant: str,
        query: dict[str, str],
        body: bytes,
    ) -> Reply:
        estate = self.estate
        if lower == "/tenants":
            return self._page(request, query, "tenants", estate.tenant_records)
        if lower == "/subscriptions":
            return self._page(request, query, "subscriptions:" + tenant, self.visible(tenant))
        if sub is not None and len(segments) == 2:
            return Reply(200, estate.subscriptions[sub].record.body)
        if lower == ENTITIES_PATH:
            records = self.groups.entity_records.get(tenant, [])
            return self._page(
                request,
                query,
                "entities:" + tenant,
                records,
                extra=b',"count":' + str(len(records)).encode(),
            )
        if lower.startswith("/providers/microsoft.management/managementgroups"):
            reply = self._management_group(request, path, lower, segments, tenant, query)
            if reply is not None:
                return reply
        if sub is not None and len(segments) >= 4 and segments[2] == "resourcegroups":
            rg_key = "/".join(["", *segments[:4]])
            if rg_key not in estate.by_id:
                return error_reply(
                    404,
                    "ResourceGroupNotFound",
                    f"Resource group '{path.split('/')[4]}' could not be found.",
                )
        if (
            sub is not None
            and segments[-1] == "resources"
            and (len(segments) == 3 or (len(segments) == 5 and segments[2] == "resourcegroups"))
        ):
            return self._generic_list(request, lower, query)
        if governance.at_scope(query, segments):
            return self._page(
                request, query, lower, governance.inherited(estate, self.groups, lower)
            )
        if lower == governance.TENANT_POLICY_PATH:
            return governance.tenant_policy(estate, tenant)
        listed = estate.collections.get(lower)
        if listed is not None:
            if segments[-1] in UNPAGED_COLLECTIONS:
                return Reply(200, page_body(listed, None))
            return self._page(request, query, lower, listed)
        record = estate.by_id.get(lower)
        if record is not None:
            return Reply(200, record.body)
        return self._missing(request, path, lower, segments, query)

    def _missing(
        self,
        request: web.Request,
        path: str,
        lower: str,
        segments: list[str],
        query: dict[str, str],
    ) -> Reply:
        at = lower.rfind("/providers/")
        after = lower[at + len("/providers/") :].split("/") if at >= 0 else []
        is_list = bool(after) and len(after) % 2 == 0
        if is_list:
            parent = lower.rsplit("/", 1)[0] if len(after) > 2 else lower[:at]
            top_level = len(after) == 2 and (parent == "" or self._scope_exists(parent))
            if top_level or parent in self.estate.by_id:
                return self._page(request, query, lower, [])
            return error_reply(
                404, "ParentResourceNotFound", f"The parent resource of '{path}' was not found."
            )
        if (
            lower
            == "/subscriptions/" + (segments[1] if len(segments) > 1 else "") + "/resourcegroups"
        ):
            return self._page(request, query, lower, [])
        return error_reply(404, "ResourceNotFound", f"The Resource '{path}' was not found.")

    def _scope_exists(self, scope: str) -> bool:
        parts = scope.split("/")
        if len(parts) == 3 and parts[1] == "subscriptions":
            return True  # already checked by the subscription rules
        if scope.startswith(MG_PREFIX):
            return scope in self.groups.by_key
        return scope in self.estate.by_id

    def _generic_list(self, request: web.Request, lower: str, query: dict[str, str]) -> Reply:
        records = self.estate.collections.get(lower, [])
        text = query.get("$filter")
        if text:
            clauses = [c.strip() for c in re.split(r"\s+or\s+", text.strip(), flags=re.I)]
            types: list[str] = []
            for clause in clauses:
                match = re.fullmatch(r"resourceType\s+eq\s+'([^']+)'", clause, flags=re.I)
                if not match:
                    return error_reply(
                        400,
                        "InvalidFilter",
                        f"The emulator supports only \"resourceType eq '<type>'\" filters "
                        f"(joined by 'or'), not '{clause}'.",
                    )
                types.append(match.group(1).lower())
            prefix = lower.removesuffix("/resources")
            records = sorted(
                (
                    r
                    for t in set(types)
                    for r in self.estate.collections.get(f"{prefix}/providers/{t}", [])
                    if r.key.startswith(prefix + "/resourcegroups/")
                ),
                key=lambda r: r.key,
            )
        return self._page(request, query, f"{lower}?{text or ''}", records)

    def _management_group(
        self,
        request: web.Request,
        path: str,
        lower: str,
        segments: list[str],
        tenant: str,
        query: dict[str, str],
    ) -> Reply | None:
        groups = self.groups
        if len(segments) == 3:
            # ManagementGroups_List pages with "@nextLink" (the SDK reads only that key).
            records = groups.group_records.get(tenant, [])
            return self._page(request, query, "groups:" + tenant, records, link_key=b"@nextLink")
        group_key = "/".join(["", *segments[:4]])
        if group_key not in groups.by_key:
            return error_reply(
                404,
                "ManagementGroupNotFound",
                f"The management group '{path.split('/')[4]}' was not found.",
            )
        if groups.tenant_of[group_key] != tenant:
            return self._forbidden(path)
        if len(segments) == 4:
            expand = query.get("$expand", "").lower() == "children"
            recurse = query.get("$recurse", "").lower() == "true"
            return Reply(200, orjson.dumps(groups.group_body(group_key, expand, recurse)))
        if len(segments) == 5 and segments[4] == "descendants":
            return self._page(request, query, lower, groups.descendants(group_key))
        return None

    # -- Resource Graph ----------------------------------------------------

    def resource_graph(self, raw: bytes, tenant: str) -> Reply:
        decision, resets = self.graph_quota.take(tenant)
        headers = {
            "x-ms-user-quota-remaining": str(decision.remaining),
            "x-ms-user-quota-resets-after": resets,
        }
        if not decision.allowed:
            return error_reply(
                429,
                "RateLimiting",
                "Please provide below info when asking for support: the Resource Graph quota "
                "for this tenant is used up; retry after the time in Retry-After.",
                **headers,
                **{"Retry-After": str(decision.retry_after)},
            )
        reply = self._graph_answer(raw, tenant)
        reply.headers.update(headers)
        return reply

    def _graph_answer(self, raw: bytes, tenant: str) -> Reply:
        def bad(message: str) -> Reply:
            return error_reply(400, "BadRequest", message)

        try:
            request = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return bad("The request body is not valid JSON.")
        if not isinstance(request, dict):
            return bad("The request body must be a JSON object.")
        subs = request.get("subscriptions")
        if subs is not None:
            if not isinstance(subs, list) or not all(isinstance(s, str) for s in subs):
                return bad("'subscriptions' must be an array of subscription ids.")
            if len(subs) > MAX_GRAPH_SUBSCRIPTIONS:
                return bad(
                    f"A query may name at most {MAX_GRAPH_SUBSCRIPTIONS} subscriptions; "
                    f"this one names {len(subs)}. Split it into batches."
                )
        text = request.get("query", "")
        is_changes = isinstance(text, str) and text.strip().split("|")[0].strip().lower() in (
            CHANGE_TABLES
        )
        try:
            query = rg.parse_query("resources" if is_changes else text)
            change_query = rg.parse_change_query(text) if is_changes else None
        except rg.QueryError as exc:
            return bad(f"The query is not supported by the emulator: {exc}.")
        options = request.get("options") or {}
        if not isinstance(options, dict):
            return bad("'options' must be an object.")
        top = options.get("$top", 100)
        skip = options.get("$skip", 0) or 0
        if not isinstance(top, int) or not 1 <= top <= MAX_GRAPH_TOP:
            return bad(f"'$top' must be an integer from 1 to {MAX_GRAPH_TOP}.")
        if not isinstance(skip, int) or skip < 0:
            return bad("'$skip' must be a non-negative integer.")
        result_format = options.get("resultFormat", "objectArray")
        if result_format not in ("objectArray", "table"):
            return bad("'resultFormat' must be 'objectArray' or 'table'.")
        groups = request.get("managementGroups")
        group_scopes: tuple[str, ...] = ()
        if subs is None and isinstance(groups, list) and groups:
            candidates = self.groups.subscriptions_under(groups, tenant)
            if query.table in rg.GOVERNANCE:
                group_scopes = self.groups.groups_under(groups, tenant)
        elif subs is None:
            candidates = [r.key.split("/")[2] for r in self.visible(tenant)]
        else:
            candidates = sorted({s.lower() for s in subs})
        readable = [
            s
            for s in candidates
            if self.can_read(tenant, s) and self.denied(f"/subscriptions/{s}") is None
        ]
        hidden = tuple(
            p + "/" for p, _ in self.deny if p.startswith("/subscriptions/") and p.count("/") > 2
        )
        if change_query is not None:
            rows = rg.select_changes(
                self.changes.rows[change_query.table], change_query, set(readable)
            )
            return self._graph_page(rows, options, top, skip, text)
        scope = hashlib.sha256(
            orjson.dumps([query.table, sorted(query.types or ["*"]), readable, group_scopes])
        ).hexdigest()
        cached = self._graph_cache.get(scope)
        if cached is None:
            records = rg.select(self.estate, query, readable, hidden, group_scopes)
            self._graph_cache[scope] = records
            if len(self._graph_cache) > 16:
                self._graph_cache.popitem(last=False)
        else:
            records = cached
            self._graph_cache.move_to_end(scope)
        window = self._graph_window("graph:" + scope, len(records), options, top, skip)
        if isinstance(window, Reply):
            return window
        answer, offset = window
        chunk = records[offset : offset + top]
        if query.columns is None and result_format == "objectArray":
            # The crawler's own query: full rows, spliced from bytes made once per resource.
            data = b"[" + b",".join(self._graph_row(r) for r in chunk) + b"]"
        else:
            data = orjson.dumps(rg.render_page(self.estate, chunk, query.columns, result_format))
        head = orjson.dumps(answer)
        return Reply(200, head[:-1] + b',"data":' + data + b',"facets":[]}')

    def _graph_window(
        self, scope: str, total: int, options: dict[str, Any], top: int, skip: int
    ) -> tuple[dict[str, Any], int] | Reply:
        """The answer's head and the offset of its page (a 400 for a bad $skipToken)."""
        offset = skip
        token = options.get("$skipToken")
        if token is not None:
            read = self.pages.read(scope, str(token))
            if read is None:
                return error_reply(
                    400,
                    "BadRequest",
                    "The $skipToken is not valid for this query; start from the first page.",
                )
            offset = read
        answer: dict[str, Any] = {
            "totalRecords": total,
            "count": len(range(total)[offset : offset + top]),
            "resultTruncated": "false",
        }
        if offset + top < total:
            answer["$skipToken"] = self.pages.make(scope, offset + top)
        return answer, offset

    def _graph_page(
        self, rows: list[dict[str, Any]], options: dict[str, Any], top: int, skip: int, text: str
    ) -> Reply:
        """A page of rows made for this query (the change tables: never cached)."""
        scope = "changes:" + hashlib.sha256(text.encode()).hexdigest()
        window = self._graph_window(scope, len(rows), options, top, skip)
        if isinstance(window, Reply):
            return window
        answer, offset = window
        chunk = rows[offset : offset + top]
        return Reply(200, orjson.dumps({**answer, "data": chunk, "facets": []}))

    def _graph_row(self, record: Record) -> bytes:
        row = self._graph_rows.get(record.key)
        if row is None:
            row = memoryview(orjson.dumps(rg.build_row(self.estate, record))).tobytes()
            self._graph_rows[record.key] = row
        return row


def build_app(emulator: Emulator) -> web.Application:
    app = web.Application(client_max_size=8 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", emulator.handle)
    return app

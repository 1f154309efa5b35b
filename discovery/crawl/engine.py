"""The crawl engine both modes share: tenants, management groups, subscriptions and what
every subscription needs besides its resources, into a snapshot.

Everything runs on one asyncio loop with the SDKs' ``.aio`` clients over one
aiohttp session: on two cores, threads would spend the CPU on the GIL and
context switches that the requests themselves need (benchmarks/bench_crawl.py).
How a subscription's resources are read is the mode's: ``resource_graph_mode``
(Resource Graph queries per batch of subscriptions) or ``arm_mode`` (ARM lists per
subscription and resource group). ``run`` builds the transport and credential and
hands them in.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    ServiceRequestError,
)
from azure.core.pipeline.transport import AioHttpTransport
from azure.core.rest import HttpRequest
from azure.identity import CredentialUnavailableError

from discovery.crawl import catalogue as cat
from discovery.crawl import governance, identity, paas
from discovery.crawl.clients import TenantClients
from discovery.crawl.errors import CrawlConfigError, CrawlError
from discovery.crawl.foreign import ForeignResolver
from discovery.crawl.links import linked_subscriptions, may_link
from discovery.crawl.progress import Progress, counted, failure_text
from discovery.crawl.shape import merge_children
from discovery.crawl.target import CrawlTarget, CredentialSource, TenantCredential
from discovery.crawl.transport import (
    READ_POST_RETRY,
    ArmCallError,
    Bounds,
    Pacer,
    RetrySettings,
    get_pages,
)
from discovery.redact import Redactor
from discovery.snapshot_writer import SnapshotWriter

log = logging.getLogger("tenantmap.crawl")

_MANAGEMENT_GROUP = "microsoft.management/managementgroups"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def has_children(resource: dict[str, Any]) -> bool:
    """Children ARM does not embed, a platform service's child read (its endpoint open), or
    a storage account's object replication policies."""
    return (
        str(resource.get("type", "")).lower() in cat.CHILD_COLLECTIONS
        or paas.child_read(resource) is not None
        or identity.holds_policies(resource)
    )


def _token_claims(token: str) -> dict[str, Any]:
    """Claims of a JWT, unverified: only to name the principal in the manifest."""
    try:
        payload = token.split(".")[1]
        decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(decoded)
        return claims if isinstance(claims, dict) else {}
    except (IndexError, ValueError):
        return {}


def no_id() -> ArmCallError:
    return ArmCallError(200, "MalformedPage", "An item has no string 'id' and 'type'.")


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


class CrawlEngine(ABC):
    """One crawl's state and every read both modes make; a mode adds how resources are read."""

    source: ClassVar[str]  # the manifest's source kind: "resource-graph" or "arm"

    def __init__(
        self,
        target: CrawlTarget,
        writer: SnapshotWriter,
        redactor: Redactor,
        concurrency: int,
        retry: RetrySettings,
        progress: Progress,
        bounds: Bounds,
        transport: AioHttpTransport,
        credential: CredentialSource,
    ) -> None:
        self.target = target
        self.arm = target.arm_url.rstrip("/")
        self.writer = writer
        self.redactor = redactor
        self.concurrency = concurrency
        self.retry = retry
        self.progress = progress
        self.bounds = bounds
        self.transport = transport
        self.credential = credential
        self.pacer = Pacer(concurrency, max_wait=bounds.max_retry_after)
        self.started_at = _now()
        self.errors: list[dict[str, Any]] = []
        self.principal: dict[str, Any] = {}
        self.tenants: list[dict[str, Any]] = []
        self.home_tenants: list[str] = []
        self.tenants_crawled: set[str] = set()
        self.entities: list[dict[str, Any]] = []
        self.chosen: dict[str, tuple[dict[str, Any], str]] = {}
        self.failed: set[str] = set()
        self.finished: set[str] = set()
        self.groups_pending: set[str] = set()
        self.refs: dict[str, set[str]] = {}
        self.foreign: list[dict[str, Any]] = []
        self.timed_out = False
        self._clients: dict[str, TenantClients] = {}

    # -- what a mode decides -------------------------------------------------

    @abstractmethod
    def start_tenant(
        self, group: asyncio.TaskGroup, clients: TenantClients, subscription_ids: list[str]
    ) -> None:
        """Start the tasks that read one tenant's chosen subscriptions in ``group``."""

    @abstractmethod
    def reads_governance_lists(self, clients: TenantClients, subscription_id: str) -> bool:
        """Whether a subscription's governance lists are read per subscription (else the
        mode read them for the whole tenant)."""

    # -- bookkeeping -------------------------------------------------------

    def error(self, scope: str, operation: str, exc: BaseException) -> None:
        if isinstance(exc, ArmCallError):
            status, code, message = exc.status, exc.code, exc.message
        elif isinstance(exc, AzureError):
            status, code, message = None, type(exc).__name__, first_line(str(exc.message))
        else:
            status, code, message = None, type(exc).__name__, first_line(str(exc))
        entry = {
            "scope": scope,
            "operation": operation,
            "status": status,
            "code": code,
            "message": message,
            "at": _now(),
        }
        self.errors.append(self.redactor.redact(entry))
        log.warning("%s on %s failed: %s", operation, scope, failure_text(status, code, message))

    def fail(self, subscription_id: str) -> None:
        self.failed.add(subscription_id)

    def done(self, subscription_id: str) -> None:
        self.finished.add(subscription_id)
        self.progress.subscription_done(
            subscription_id,
            subscription_id not in self.failed,
            len(self.finished),
            len(self.chosen),
        )

    def pages(
        self, client: Any, path: str, params: dict[str, str]
    ) -> AsyncIterator[list[dict[str, Any]]]:
        return get_pages(
            client, HttpRequest("GET", f"{self.arm}{path}", params=params), self.bounds
        )

    def emit(self, resource: dict[str, Any]) -> None:
        if not (isinstance(resource.get("id"), str) and isinstance(resource.get("type"), str)):
            # a line without them would make the whole snapshot unreadable
            raise no_id()
        line = self.writer.add_resource(resource)
        named = set(identity.named_subscriptions(resource))
        if may_link(line):
            named |= linked_subscriptions(resource)
        for subscription in named:
            self.refs.setdefault(subscription, set()).add(str(resource.get("id")))

    def clients(self, tenant_id: str) -> TenantClients:
        if tenant_id not in self._clients:
            self._clients[tenant_id] = TenantClients(
                tenant_id,
                self.credential,
                self.target,
                self.transport,
                self.pacer,
                self.retry,
                self.bounds,
            )
        return self._clients[tenant_id]

    async def guarded(
        self,
        scope: str,
        operation: str,
        call: Callable[[], Awaitable[None]],
        subscription_id: str | None = None,
    ) -> bool:
        """Run one call; a failure becomes an errors.json entry (and fails its subscription)."""
        try:
            await call()
            return True
        except (TimeoutError, ArmCallError, AzureError, OSError) as exc:
            self.error(scope, operation, exc)
            if subscription_id:
                self.fail(subscription_id)
            return False

    # -- the run -----------------------------------------------------------

    async def run(self, timeout: float | None) -> None:
        """The whole crawl, stopped after ``timeout`` seconds (what was not read by then is
        an error entry). The transport and credential stay open: their owner closes them."""
        self.progress.step(
            "crawling %s in %s mode, %s",
            self.arm,
            self.source,
            f"stopping after {timeout:g} s" if timeout else "without a timeout",
        )
        try:
            main = asyncio.create_task(self.main())
            finished, _ = await asyncio.wait({main}, timeout=timeout)
            if main in finished:
                main.result()
            else:
                self.timed_out = True
                main.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await main
                self.record_timeouts()
        finally:
            for clients in self._clients.values():
                await clients.close()

    async def main(self) -> None:
        await self.sign_in()
        await self.list_tenants()
        self.progress.step(
            "listing subscriptions and management groups of %s",
            counted(len(self.home_tenants), "tenant"),
        )
        listings = await asyncio.gather(*(self.list_tenant(t) for t in self.home_tenants))
        self.choose_subscriptions(dict(zip(self.home_tenants, listings, strict=True)))
        self.progress.subscriptions(len(self.chosen))
        by_tenant: dict[str, list[str]] = {}
        for subscription_id, (_item, tenant_id) in sorted(self.chosen.items()):
            by_tenant.setdefault(tenant_id, []).append(subscription_id)
        try:
            async with asyncio.TaskGroup() as group:
                for tenant_id in self.home_tenants:
                    group.create_task(governance.tenant_reads(self, self.clients(tenant_id)))
                for tenant_id, subscription_ids in by_tenant.items():
                    self.start_tenant(group, self.clients(tenant_id), subscription_ids)
                for entity in self.entities:
                    if str(entity.get("type", "")).lower() == _MANAGEMENT_GROUP:
                        properties = entity.get("properties")
                        tenant_id = (
                            str(properties.get("tenantId") or "")
                            if isinstance(properties, dict)
                            else ""
                        )
                        tenant = tenant_id.lower() if tenant_id.lower() in self._clients else None
                        group.create_task(
                            self.group_connections(tenant or self.home_tenants[0], entity)
                        )
        except* CrawlError as group_error:
            raise group_error.exceptions[0] from None
        self.progress.step(
            "resolving %s", counted(len(self.unresolved()), "referenced subscription")
        )
        await self.resolve_foreign()

    async def sign_in(self) -> None:
        home = TenantCredential(self.credential, self.target.home_tenant_id)
        try:
            token = await home.get_token(self.target.scope)
        except ClientAuthenticationError as exc:
            text = first_line(str(exc.message))
            if (
                isinstance(exc, CredentialUnavailableError)
                or "from the included credentials" in text
            ):
                raise CrawlConfigError(
                    "No Azure credentials found: set AZURE_TENANT_ID, AZURE_CLIENT_ID and "
                    "AZURE_CLIENT_SECRET, use a managed or workload identity, "
                    "or sign in with `az login`."
                ) from None
            raise CrawlConfigError(
                f"Sign-in at {self.target.authority_url} failed ({text}): check the credentials."
            ) from None
        except (ServiceRequestError, OSError) as exc:
            raise CrawlError(
                f"Cannot reach the sign-in endpoint {self.target.authority_url} "
                f"({first_line(str(exc))}): check --authority, the network and the CA bundle."
            ) from None
        claims = _token_claims(token.token)
        tenant = self.target.home_tenant_id or claims.get("tid")
        if not tenant:
            raise CrawlConfigError("The token names no tenant: set AZURE_TENANT_ID.")
        self.home_tenant = str(tenant).lower()
        self.principal = {
            "tenantId": self.home_tenant,
            "clientId": self.target.client_id or claims.get("appid") or claims.get("azp"),
        }

    async def list_tenants(self) -> None:
        clients = self.clients(self.home_tenant)
        try:
            async for page in self.pages(
                clients.subscriptions, "/tenants", {"api-version": cat.SUBSCRIPTIONS_API}
            ):
                self.tenants.extend(page)
        except ArmCallError as exc:
            raise CrawlError(
                f"Listing tenants at {self.arm} failed with {exc.status} {exc.code}: {exc.message}"
            ) from None
        except (ServiceRequestError, OSError) as exc:
            raise CrawlError(
                f"Cannot reach {self.arm} ({first_line(str(exc))}): "
                "check --arm-endpoint, the network and the CA bundle."
            ) from None
        except ClientAuthenticationError as exc:
            raise CrawlConfigError(
                f"Sign-in failed ({first_line(str(exc.message))}): check the credentials."
            ) from None
        self.home_tenants = sorted(
            str(t.get("tenantId", "")).lower()
            for t in self.tenants
            if t.get("tenantCategory") == "Home" and t.get("tenantId")
        )
        self.progress.step(
            "%s seen, %d to crawl", counted(len(self.tenants), "tenant"), len(self.home_tenants)
        )

    async def list_tenant(self, tenant_id: str) -> list[dict[str, Any]]:
        clients = self.clients(tenant_id)
        scope = f"/tenants/{tenant_id}"
        subscriptions: list[dict[str, Any]] = []
        entities: list[dict[str, Any]] = []

        async def list_subscriptions() -> None:
            async for page in self.pages(
                clients.subscriptions, "/subscriptions", {"api-version": cat.SUBSCRIPTIONS_API}
            ):
                subscriptions.extend(page)

        async def list_entities() -> None:
            request = HttpRequest(
                "POST",
                f"{self.arm}/providers/Microsoft.Management/getEntities",
                params={"api-version": cat.MANAGEMENT_GROUPS_API},
            )
            async for page in get_pages(
                clients.management_groups, request, self.bounds, **READ_POST_RETRY
            ):
                entities.extend(page)

        listed, grouped = await asyncio.gather(
            self.guarded(scope, "Subscriptions_List", list_subscriptions),
            self.guarded(scope, "Entities_List", list_entities),
        )
        self.entities.extend(entities)
        if listed and grouped:
            self.tenants_crawled.add(tenant_id)
        return subscriptions if listed else []

    def choose_subscriptions(self, listings: dict[str, list[dict[str, Any]]]) -> None:
        """Each subscription once; a delegated one is read through its owning tenant if crawled."""
        for tenant_id, items in listings.items():
            for item in items:
                subscription_id = str(item.get("subscriptionId", "")).lower()
                if not subscription_id:
                    continue
                owner = str(item.get("tenantId", "")).lower()
                current = self.chosen.get(subscription_id)
                if current is None or (owner == tenant_id and current[1] != owner):
                    self.chosen[subscription_id] = (item, tenant_id)

    def owner(self, subscription_id: str) -> str:
        return str(self.chosen[subscription_id][0].get("tenantId", "")).lower()

    # -- shared per subscription -------------------------------------------

    async def finish_subscription(
        self,
        clients: TenantClients,
        subscription_id: str,
        parents: list[dict[str, Any]],
        lighthouse: Awaitable[None] | None = None,
    ) -> None:
        """Lighthouse registrations and child collections, then the subscription is done."""
        lists = self.reads_governance_lists(clients, subscription_id)
        await asyncio.gather(
            lighthouse or self.lighthouse(clients, subscription_id),
            *(self.children(clients, subscription_id, parent) for parent in parents),
            governance.subscription_reads(self, clients, subscription_id, lists=lists),
        )
        self.done(subscription_id)

    async def list_into(
        self,
        client: Any,
        subscription_id: str,
        scope: str,
        operation: str,
        path: str,
        api_version: str,
        parents: list[dict[str, Any]] | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        async def call() -> None:
            params = {"api-version": api_version, **(extra or {})}
            async for page in self.pages(client, path, params):
                for item in page:
                    if parents is not None and has_children(item):
                        parents.append(item)
                    else:
                        self.emit(item)

        await self.guarded(scope, operation, call, subscription_id)

    async def lighthouse(self, clients: TenantClients, subscription_id: str) -> None:
        scope = f"/subscriptions/{subscription_id}"
        await asyncio.gather(
            *(
                self.list_into(
                    clients.managed_services,
                    subscription_id,
                    scope,
                    operation,
                    f"{scope}/providers/{type_name}",
                    cat.MANAGED_SERVICES_API,
                )
                for type_name, operation in (
                    (cat.REGISTRATION_DEFINITIONS, "RegistrationDefinitions_List"),
                    (cat.REGISTRATION_ASSIGNMENTS, "RegistrationAssignments_List"),
                )
            )
        )

    async def children(
        self, clients: TenantClients, subscription_id: str, parent: dict[str, Any]
    ) -> None:
        parent_type = str(parent.get("type", "")).lower()
        if parent_type in paas.CHILD_READS:
            # each reads only what this parent needs: nothing for the other's case
            await asyncio.gather(
                paas.read_children(self, clients, parent),
                *(
                    [identity.children(self, clients, subscription_id, parent)]
                    if identity.holds_policies(parent)
                    else []
                ),
            )
            self.emit(parent)
            return
        collection, operation = cat.CHILD_COLLECTIONS[parent_type]
        items: list[dict[str, Any]] = []

        parent_id = parent.get("id")

        async def call() -> None:
            if not isinstance(parent_id, str):
                raise no_id()
            async for page in self.pages(
                clients.network, f"{parent_id}/{collection}", {"api-version": cat.NETWORK_API}
            ):
                items.extend(page)

        if await self.guarded(
            f"/subscriptions/{subscription_id}", operation, call, subscription_id
        ):
            merge_children(parent, collection, items)
        if isinstance(parent_id, str):
            self.emit(parent)

    # -- management groups and foreign subscriptions ---------------------------

    async def group_connections(self, tenant_id: str, entity: dict[str, Any]) -> None:
        name = str(entity.get("name") or str(entity.get("id", "")).rsplit("/", 1)[-1])
        scope = f"/providers/Microsoft.Management/managementGroups/{name}"
        self.groups_pending.add(scope)

        async def call() -> None:
            async for page in self.pages(
                self.clients(tenant_id).network,
                f"{scope}/providers/{cat.NETWORK_MANAGER_CONNECTIONS}",
                {"api-version": cat.NETWORK_API},
            ):
                for item in page:
                    self.emit(item)

        await self.guarded(scope, "ManagementGroupNetworkManagerConnections_List", call)
        self.groups_pending.discard(scope)

    def crawled_subscriptions(self) -> list[str]:
        return sorted(s for s in self.finished if s not in self.failed)

    def unresolved(self) -> list[str]:
        crawled = set(self.crawled_subscriptions())
        return sorted(s for s in self.refs if s not in crawled)

    async def resolve_foreign(self) -> None:
        resolver = ForeignResolver(
            self.arm, self.transport, self.pacer, self.bounds.max_retry_after
        )
        answers = await asyncio.gather(*(resolver.resolve(s) for s in self.unresolved()))
        self.foreign = [
            {**answer, "referencedBy": sorted(self.refs[answer["subscriptionId"]], key=str.lower)}
            for answer in answers
        ]

    def record_timeouts(self) -> None:
        timeout = ArmCallError(
            None, "Timeout", "The crawl reached its timeout before this was read."
        )
        for tenant_id in self.home_tenants:
            if tenant_id not in self.tenants_crawled:
                self.error(f"/tenants/{tenant_id}", "Crawl", timeout)
        if not self.home_tenants:
            self.error(f"/tenants/{self.principal.get('tenantId', '')}", "Crawl", timeout)
        for subscription_id in sorted(self.chosen):
            if subscription_id not in self.finished:
                self.error(f"/subscriptions/{subscription_id}", "Crawl", timeout)
                self.fail(subscription_id)
        for scope in sorted(self.groups_pending):
            self.error(scope, "Crawl", timeout)
        if not self.foreign and self.refs:
            self.foreign = [
                {
                    "subscriptionId": s,
                    "tenantId": None,
                    "status": "error",
                    "referencedBy": sorted(self.refs[s], key=str.lower),
                }
                for s in self.unresolved()
            ]

    def manifest(self) -> dict[str, Any]:
        return {
            "createdAt": self.started_at,
            "source": {"kind": self.source, "endpoint": self.arm, "cloud": self.target.cloud},
            "principal": self.principal,
            "tenantsCrawled": sorted(self.tenants_crawled),
            "subscriptionsCrawled": self.crawled_subscriptions(),
        }

    def write(self) -> None:
        self.writer.write_json("tenants.json", self.tenants)
        self.writer.write_json(
            "subscriptions.json",
            [item for _, (item, _tenant) in sorted(self.chosen.items())],
        )
        self.writer.write_json(
            "management-groups.json",
            sorted(self.entities, key=lambda e: str(e.get("id", "")).lower()),
        )
        self.writer.write_json("foreign.json", self.foreign)
        self.writer.write_json("errors.json", self.errors)

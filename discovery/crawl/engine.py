"""The crawl: tenants, management groups, subscriptions and resources into a snapshot.

Everything runs on one asyncio loop with the SDKs' ``.aio`` clients over one
aiohttp session: on two cores, threads would spend the CPU on the GIL and
context switches that the requests themselves need (benchmarks/bench_crawl.py).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    ServiceRequestError,
)
from azure.core.pipeline.transport import AioHttpTransport
from azure.core.rest import HttpRequest
from azure.identity import CredentialUnavailableError
from azure.mgmt.authorization.v2022_04_01.aio import AuthorizationManagementClient
from azure.mgmt.compute.aio import ComputeManagementClient
from azure.mgmt.managedservices.aio import ManagedServicesClient
from azure.mgmt.managementgroups.aio import ManagementGroupsMgmtClient
from azure.mgmt.network.aio import NetworkManagementClient
from azure.mgmt.resource.policy.aio import PolicyClient
from azure.mgmt.resource.resources.aio import ResourceManagementClient
from azure.mgmt.resource.subscriptions.aio import SubscriptionClient
from azure.mgmt.resourcegraph.aio import ResourceGraphClient
from azure.mgmt.security.v2024_01_01.aio import SecurityCenter
from azure.mgmt.subscription.aio import SubscriptionClient as SubscriptionPolicyClient

from discovery.crawl import catalogue as cat
from discovery.crawl import governance
from discovery.crawl.errors import CrawlConfigError, CrawlError
from discovery.crawl.foreign import ForeignResolver
from discovery.crawl.links import linked_subscriptions, may_link
from discovery.crawl.progress import Progress, counted, failure_text
from discovery.crawl.shape import merge_children, row_to_arm
from discovery.crawl.target import CrawlTarget, CredentialSource, TenantCredential
from discovery.crawl.transport import (
    READ_POST_RETRY,
    ArmCallError,
    Bounds,
    Pacer,
    RetrySettings,
    get_pages,
    items_of,
    make_session,
    next_marker,
    pipeline_policies,
    send,
    shared_transport,
)
from discovery.redact import Redactor
from discovery.snapshot_writer import SnapshotWriter

log = logging.getLogger("tenantmap.crawl")

SOURCES = ("resource-graph", "arm")
# The SDK clients that take a subscription id are used with absolute URLs
# only, so the id they are constructed with is never sent.
_UNUSED_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
_MANAGEMENT_GROUP = "microsoft.management/managementgroups"
_READABILITY_QUERY = "resourcecontainers | where type =~ 'microsoft.resources/subscriptions' | project subscriptionId"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _type_list(types: list[str]) -> str:
    return ", ".join(f"'{t.lower()}'" for t in types)


RESOURCES_QUERY = (
    "resources | where type in~ ("
    + _type_list([lt.type for lt in cat.LISTED_TYPES])
    + ") | order by id asc"
)
NETWORK_MANAGER_CONNECTIONS_QUERY = f"networkresources | where type =~ '{cat.NETWORK_MANAGER_CONNECTIONS.lower()}' | order by id asc"


@dataclass
class CrawlResult:
    out_dir: Path
    complete: bool
    timed_out: bool
    errors: list[dict[str, Any]]
    requests: int
    counts: dict[str, Any]
    manifest: dict[str, Any] = field(default_factory=dict)
    throttled: int = 0  # 429 answers met (each retried after Retry-After)
    paced_seconds: float = 0.0  # waits the pacer added before ARM or Resource Graph ran out
    # requests per throttling scope: a subscription id, "tenant:<id>" or "rg:<tenant id>"
    requests_by_scope: dict[str, int] = field(default_factory=dict)


def _token_claims(token: str) -> dict[str, Any]:
    """Claims of a JWT, unverified: only to name the principal in the manifest."""
    try:
        payload = token.split(".")[1]
        decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(decoded)
        return claims if isinstance(claims, dict) else {}
    except (IndexError, ValueError):
        return {}


def _no_id() -> ArmCallError:
    return ArmCallError(200, "MalformedPage", "An item has no string 'id' and 'type'.")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


class TenantClients:
    """The SDK clients for one tenant, all on the shared transport and pacer."""

    def __init__(
        self,
        tenant_id: str,
        credential: CredentialSource,
        target: CrawlTarget,
        transport: AioHttpTransport,
        pacer: Pacer,
        retry: RetrySettings,
        bounds: Bounds,
    ) -> None:
        self.tenant_id = tenant_id
        self.credential = TenantCredential(credential, tenant_id)

        def kwargs() -> dict[str, Any]:
            return {
                "base_url": target.arm_url,
                "credential_scopes": [target.scope],
                "transport": transport,
                "policies": pipeline_policies(
                    self.credential,
                    target.scope,
                    pacer,
                    tenant_id,
                    retry,
                    arm_url=target.arm_url,
                    bounds=bounds,
                ),
            }

        cred = self.credential
        self.subscriptions = SubscriptionClient(cred, **kwargs())
        self.management_groups = ManagementGroupsMgmtClient(cred, **kwargs())
        self.resource_graph = ResourceGraphClient(cred, **kwargs())
        self.network = NetworkManagementClient(cred, _UNUSED_SUBSCRIPTION, **kwargs())
        self.compute = ComputeManagementClient(cred, _UNUSED_SUBSCRIPTION, **kwargs())
        self.resources = ResourceManagementClient(cred, _UNUSED_SUBSCRIPTION, **kwargs())
        self.managed_services = ManagedServicesClient(cred, **kwargs())
        # governance reads (discovery/crawl/governance.py)
        self.policy = PolicyClient(cred, _UNUSED_SUBSCRIPTION, **kwargs())
        self.authorization = AuthorizationManagementClient(cred, _UNUSED_SUBSCRIPTION, **kwargs())
        self.security = SecurityCenter(cred, **kwargs())
        self.subscription_policy = SubscriptionPolicyClient(cred, **kwargs())

    def for_type(self, type_name: str) -> Any:
        return self.compute if type_name.lower().startswith("microsoft.compute/") else self.network

    async def close(self) -> None:
        for client in (
            self.subscriptions,
            self.management_groups,
            self.resource_graph,
            self.network,
            self.compute,
            self.resources,
            self.managed_services,
            self.policy,
            self.authorization,
            self.security,
            self.subscription_policy,
        ):
            await client.close()


class _Crawl:
    def __init__(
        self,
        target: CrawlTarget,
        writer: SnapshotWriter,
        redactor: Redactor,
        source: str,
        concurrency: int,
        retry: RetrySettings,
        progress: Progress,
        bounds: Bounds,
    ) -> None:
        self.target = target
        self.arm = target.arm_url.rstrip("/")
        self.writer = writer
        self.redactor = redactor
        self.source = source
        self.concurrency = concurrency
        self.retry = retry
        self.progress = progress
        self.bounds = bounds
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
        # Subscriptions in progress at once (ARM mode): each has a few phases of
        # one or two requests, so several per request slot keep the pipe full.
        self._subscription_slots = asyncio.Semaphore(max(4, 4 * concurrency))

    # -- bookkeeping -------------------------------------------------------

    def error(self, scope: str, operation: str, exc: BaseException) -> None:
        if isinstance(exc, ArmCallError):
            status, code, message = exc.status, exc.code, exc.message
        elif isinstance(exc, AzureError):
            status, code, message = None, type(exc).__name__, _first_line(str(exc.message))
        else:
            status, code, message = None, type(exc).__name__, _first_line(str(exc))
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
            raise _no_id()
        if not cat.keep_resource(resource):
            return
        line = self.writer.add_resource(resource)
        if may_link(line):
            for subscription in linked_subscriptions(resource):
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
        session = make_session(self.target.ca_file, self.concurrency)
        self.transport = shared_transport(session)
        try:
            self.credential = CredentialSource(
                self.target.credential_factory, {"transport": shared_transport(session)}
            )
        except (ValueError, AzureError) as exc:
            await session.close()
            raise CrawlConfigError(
                f"The credentials are incomplete: {_first_line(str(exc))}"
            ) from None
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
            await self.credential.close()
            await session.close()

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
                    clients = self.clients(tenant_id)
                    if self.source == "resource-graph":
                        group.create_task(self.graph_tenant(clients, subscription_ids))
                    else:
                        for subscription_id in subscription_ids:
                            group.create_task(self.arm_subscription(clients, subscription_id))
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
            text = _first_line(str(exc.message))
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
                f"({_first_line(str(exc))}): check --authority, the network and the CA bundle."
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
                f"Cannot reach {self.arm} ({_first_line(str(exc))}): "
                "check --arm-endpoint, the network and the CA bundle."
            ) from None
        except ClientAuthenticationError as exc:
            raise CrawlConfigError(
                f"Sign-in failed ({_first_line(str(exc.message))}): check the credentials."
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

    # -- Resource Graph mode -----------------------------------------------

    def graph_rows(
        self, clients: TenantClients, subscriptions: list[str], query: str
    ) -> AsyncIterator[list[dict[str, Any]]]:
        return self.graph_rows_at(clients, {"subscriptions": subscriptions}, query)

    async def graph_rows_at(
        self, clients: TenantClients, scope: dict[str, list[str]], query: str
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Every page of a Resource Graph query over `scope` (its `subscriptions` or
        `managementGroups`), failing the read when an answer is cut short."""
        skip_token: str | None = None
        seen: set[str] = set()
        while True:
            options: dict[str, Any] = {"$top": cat.RG_PAGE_SIZE, "resultFormat": "objectArray"}
            if skip_token:
                options["$skipToken"] = skip_token
            request = HttpRequest(
                "POST",
                f"{self.arm}/providers/Microsoft.ResourceGraph/resources",
                params={"api-version": cat.RESOURCE_GRAPH_API},
                json={**scope, "query": query, "options": options},
            )
            page = await send(clients.resource_graph, request, self.bounds, **READ_POST_RETRY)
            rows = items_of(page, "data")
            skip_token = next_marker(page, "$skipToken", seen, self.bounds)
            if skip_token is None and str(page.get("resultTruncated", "")).lower() == "true":
                # Resource Graph cut the answer short and gave no way to read the rest
                raise ArmCallError(
                    200,
                    "TruncatedResult",
                    "Resource Graph marked the answer truncated (resultTruncated) and gave "
                    "no $skipToken for the rest.",
                )
            yield rows
            if skip_token is None:
                return

    async def graph_tenant(self, clients: TenantClients, subscription_ids: list[str]) -> None:
        batches = [
            subscription_ids[i : i + cat.RG_MAX_SUBSCRIPTIONS]
            for i in range(0, len(subscription_ids), cat.RG_MAX_SUBSCRIPTIONS)
        ]
        owned = [s for s in subscription_ids if self.owner(s) == clients.tenant_id]
        await asyncio.gather(
            *(self.graph_batch(clients, batch) for batch in batches),
            governance.graph_tenant(self, clients, owned),
        )

    def owner(self, subscription_id: str) -> str:
        return str(self.chosen[subscription_id][0].get("tenantId", "")).lower()

    async def graph_batch(self, clients: TenantClients, batch: list[str]) -> None:
        readable: set[str] = set()

        async def check() -> None:
            async for rows in self.graph_rows(clients, batch, _READABILITY_QUERY):
                readable.update(str(row.get("subscriptionId", "")).lower() for row in rows)

        if not await self.guarded(
            f"/subscriptions/{batch[0]}" if len(batch) == 1 else f"/tenants/{clients.tenant_id}",
            "Resources_Query",
            check,
        ):
            for subscription_id in batch:
                self.error(
                    f"/subscriptions/{subscription_id}",
                    "Resources_Query",
                    ArmCallError(None, "NotConfirmed", "The readability check failed."),
                )
                self.fail(subscription_id)
                self.done(subscription_id)
            return
        for subscription_id in batch:
            if subscription_id not in readable:
                self.error(
                    f"/subscriptions/{subscription_id}",
                    "Resources_Query",
                    ArmCallError(
                        None,
                        "NotReadable",
                        "Resource Graph returned no row for this subscription: "
                        "the identity cannot read it.",
                    ),
                )
                self.fail(subscription_id)
                self.done(subscription_id)
        batch = [s for s in batch if s in readable]
        if not batch:
            return
        parents: dict[str, list[dict[str, Any]]] = {}
        # Lighthouse lists need nothing from the query: they run while it pages.
        lighthouse = {s: asyncio.ensure_future(self.lighthouse(clients, s)) for s in batch}

        async def query(text: str) -> None:
            async for rows in self.graph_rows(clients, batch, text):
                for row in rows:
                    owner = str(row.get("subscriptionId", "")).lower()
                    resource = row_to_arm(row)
                    if str(resource.get("type", "")).lower() in cat.CHILD_COLLECTIONS:
                        parents.setdefault(owner, []).append(resource)
                    else:
                        self.emit(resource)

        try:
            results = await asyncio.gather(
                self.guarded(
                    f"/tenants/{clients.tenant_id}",
                    "Resources_Query",
                    lambda: query(RESOURCES_QUERY),
                ),
                self.guarded(
                    f"/tenants/{clients.tenant_id}",
                    "Resources_Query",
                    lambda: query(NETWORK_MANAGER_CONNECTIONS_QUERY),
                ),
            )
            if not all(results):
                failed = ArmCallError(
                    None,
                    "QueryFailed",
                    "The Resource Graph query covering this subscription failed "
                    f"(see the entry for /tenants/{clients.tenant_id}).",
                )
                for subscription_id in batch:
                    self.error(f"/subscriptions/{subscription_id}", "Resources_Query", failed)
                    self.fail(subscription_id)
            await asyncio.gather(
                *(
                    self.finish_subscription(clients, s, parents.get(s, []), lighthouse[s])
                    for s in batch
                )
            )
        finally:
            for pending in lighthouse.values():
                pending.cancel()  # only those a timeout left unfinished

    # -- shared per subscription -------------------------------------------

    async def finish_subscription(
        self,
        clients: TenantClients,
        subscription_id: str,
        parents: list[dict[str, Any]],
        lighthouse: Awaitable[None] | None = None,
    ) -> None:
        """Lighthouse registrations and child collections, then the subscription is done."""
        # Resource Graph mode reads the governance lists per tenant, except for a
        # subscription another tenant owns: its tenant's root group does not cover it.
        lists = self.source == "arm" or self.owner(subscription_id) != clients.tenant_id
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
                    if (
                        parents is not None
                        and str(item.get("type", "")).lower() in cat.CHILD_COLLECTIONS
                    ):
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
        collection, operation = cat.CHILD_COLLECTIONS[str(parent.get("type", "")).lower()]
        items: list[dict[str, Any]] = []

        parent_id = parent.get("id")

        async def call() -> None:
            if not isinstance(parent_id, str):
                raise _no_id()
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

    # -- ARM mode ------------------------------------------------------------

    async def arm_subscription(self, clients: TenantClients, subscription_id: str) -> None:
        async with self._subscription_slots:
            await self._arm_subscription(clients, subscription_id)

    async def _arm_subscription(self, clients: TenantClients, subscription_id: str) -> None:
        scope = f"/subscriptions/{subscription_id}"
        groups: list[str] = []

        async def list_groups() -> None:
            async for page in self.pages(
                clients.resources, f"{scope}/resourcegroups", {"api-version": cat.RESOURCES_API}
            ):
                groups.extend(str(g["name"]) for g in page if g.get("name"))

        # The resource group list doubles as the readability gate: a subscription
        # we may not read fails here once instead of thirty times.
        if not await self.guarded(scope, "ResourceGroups_List", list_groups, subscription_id):
            self.done(subscription_id)
            return
        parents: list[dict[str, Any]] = []
        jobs: list[Awaitable[None]] = []
        for listed in cat.LISTED_TYPES:
            if listed.scope == "subscription":
                jobs.append(
                    self.list_into(
                        clients.for_type(listed.type),
                        subscription_id,
                        scope,
                        listed.operation,
                        f"{scope}/providers/{listed.type}",
                        listed.api_version,
                        parents,
                    )
                )
            elif listed.scope == "resourceGroup":
                for group in groups:
                    group_scope = f"{scope}/resourceGroups/{group}"
                    jobs.append(
                        self.list_into(
                            clients.network,
                            subscription_id,
                            group_scope,
                            listed.operation,
                            f"{group_scope}/providers/{listed.type}",
                            listed.api_version,
                        )
                    )
            else:
                jobs.append(self.generic(clients, subscription_id, listed))
        jobs.append(
            self.list_into(
                clients.network,
                subscription_id,
                scope,
                "NetworkManagerConnections_ListBySubscription",
                f"{scope}/providers/{cat.NETWORK_MANAGER_CONNECTIONS}",
                cat.NETWORK_API,
            )
        )
        await asyncio.gather(*jobs)
        await self.finish_subscription(clients, subscription_id, parents)

    async def generic(
        self, clients: TenantClients, subscription_id: str, listed: cat.ListedType
    ) -> None:
        """PaaS types: the generic resources list, then a GET by id for the full body."""
        scope = f"/subscriptions/{subscription_id}"
        ids: list[str] = []

        async def call() -> None:
            async for page in self.pages(
                clients.resources,
                f"{scope}/resources",
                {"api-version": cat.RESOURCES_API, "$filter": f"resourceType eq '{listed.type}'"},
            ):
                ids.extend(str(item["id"]) for item in page if item.get("id"))

        if not await self.guarded(scope, "Resources_List", call, subscription_id):
            return
        provider = listed.type.split("/")[0].split(".")[-1]

        async def get_one(resource_id: str) -> None:
            async def call_one() -> None:
                request = HttpRequest(
                    "GET", f"{self.arm}{resource_id}", params={"api-version": listed.api_version}
                )
                self.emit(await send(clients.resources, request, self.bounds))

            await self.guarded(scope, f"{provider}_Get", call_one, subscription_id)

        await asyncio.gather(*(get_one(i) for i in ids))

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


def crawl(
    target: CrawlTarget,
    out_dir: Path,
    *,
    source: str = "resource-graph",
    concurrency: int = 16,
    timeout: float | None = None,
    state_dir: Path,
    progress: bool = False,
    retry: RetrySettings | None = None,
    bounds: Bounds | None = None,
) -> CrawlResult:
    """Crawl ``target`` into a snapshot folder at ``out_dir`` (snapshot.md).

    Raises CrawlConfigError / CrawlError (one sentence) when the crawl cannot
    start: then nothing is written and an existing snapshot stays as it was.
    """
    if source not in SOURCES:
        raise CrawlConfigError(f"Unknown source {source!r}: use resource-graph or arm.")
    if concurrency < 1:
        raise CrawlConfigError(f"Concurrency must be at least 1, not {concurrency}.")
    if timeout is not None and timeout <= 0:
        raise CrawlConfigError(f"The timeout must be positive, not {timeout}.")
    redactor = Redactor(Path(state_dir))
    writer = SnapshotWriter(Path(out_dir), redactor)
    reporter = Progress(progress)
    run = _Crawl(
        target,
        writer,
        redactor,
        source,
        concurrency,
        retry or RetrySettings(),
        reporter,
        bounds or Bounds(),
    )
    try:
        asyncio.run(run.run(timeout))
        run.write()
        manifest = writer.commit(run.manifest())
    except BaseException:
        writer.abort()
        raise
    finally:
        reporter.close()
    complete = (
        not run.timed_out and not run.errors and set(run.tenants_crawled) == set(run.home_tenants)
    )
    reporter.step(
        "snapshot written to %s: %s, %s, %s, %s",
        writer.out_dir,
        counted(manifest["counts"]["resources"], "resource"),
        counted(len(manifest["subscriptionsCrawled"]), "subscription"),
        counted(len(run.errors), "error"),
        counted(run.pacer.requests, "request"),
    )
    return CrawlResult(
        out_dir=writer.out_dir,
        complete=complete,
        timed_out=run.timed_out,
        errors=run.errors,
        requests=run.pacer.requests,
        counts=manifest["counts"],
        manifest=manifest,
        throttled=run.pacer.throttled,
        paced_seconds=run.pacer.paced_seconds,
        requests_by_scope=dict(run.pacer.requests_by_scope),
    )

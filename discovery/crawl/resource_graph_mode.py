"""Resource Graph mode: a subscription's resources come from Resource Graph queries over
batches of subscriptions (a readability check first), then its child collections,
Lighthouse registrations and governance reads from the shared engine."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from azure.core.rest import HttpRequest

from discovery.crawl import catalogue as cat
from discovery.crawl import governance, identity
from discovery.crawl.clients import TenantClients
from discovery.crawl.engine import CrawlEngine, has_children
from discovery.crawl.shape import row_to_arm
from discovery.crawl.transport import READ_POST_RETRY, ArmCallError, items_of, next_marker, send

_READABILITY_QUERY = "resourcecontainers | where type =~ 'microsoft.resources/subscriptions' | project subscriptionId"


def _type_list(types: list[str]) -> str:
    return ", ".join(f"'{t.lower()}'" for t in types)


RESOURCES_QUERY = (
    "resources | where type in~ ("
    + _type_list([lt.type for lt in cat.LISTED_TYPES])
    + ") | order by id asc"
)
NETWORK_MANAGER_CONNECTIONS_QUERY = f"networkresources | where type =~ '{cat.NETWORK_MANAGER_CONNECTIONS.lower()}' | order by id asc"


class ResourceGraphCrawl(CrawlEngine):
    source = "resource-graph"

    def start_tenant(
        self, group: asyncio.TaskGroup, clients: TenantClients, subscription_ids: list[str]
    ) -> None:
        group.create_task(self.graph_tenant(clients, subscription_ids))

    def reads_governance_lists(self, clients: TenantClients, subscription_id: str) -> bool:
        # The governance lists are read per tenant, except for a subscription another
        # tenant owns: its tenant's root group does not cover it.
        return self.owner(subscription_id) != clients.tenant_id

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
                    if has_children(resource):
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
                identity.graph_batch(self, clients, batch),
            )
            if not all(results[:2]):
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

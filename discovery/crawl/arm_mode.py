"""ARM mode: a subscription's resources come from ARM lists (per subscription, per
resource group; platform services per subscription too), then its child collections and
platform services' child reads, Lighthouse registrations and governance reads from the
shared engine."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from functools import cached_property
from typing import Any

from discovery.crawl import catalogue as cat
from discovery.crawl import identity
from discovery.crawl.clients import TenantClients
from discovery.crawl.engine import CrawlEngine


class ArmCrawl(CrawlEngine):
    source = "arm"

    def start_tenant(
        self, group: asyncio.TaskGroup, clients: TenantClients, subscription_ids: list[str]
    ) -> None:
        for subscription_id in subscription_ids:
            group.create_task(self.arm_subscription(clients, subscription_id))

    def reads_governance_lists(self, clients: TenantClients, subscription_id: str) -> bool:
        return True

    @cached_property
    def _subscription_slots(self) -> asyncio.Semaphore:
        # Subscriptions in progress at once: each has a few phases of one or two
        # requests, so several per request slot keep the pipe full.
        return asyncio.Semaphore(max(4, 4 * self.concurrency))

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
        jobs.append(identity.arm_subscription(self, clients, subscription_id))
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

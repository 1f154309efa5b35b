"""The identity and data reads (docs/spec/identity-links.md).

Role assignments come with the governance reads (governance.py) and private link
services with the network types, AKS and Data Explorer clusters and storage
accounts with the platform services; this module reads the rest: user-assigned
identities, managed applications and compute galleries, in Resource Graph mode with
one query per batch of subscriptions and in ARM mode with one list per type and
subscription. Two things are in no Resource Graph table: the federated credentials
of each user-assigned identity (read here) and the object replication policies of
each storage account that can hold them (read by `children` when the engine reads
the account's children), one ARM list each. Their items are written as lines of their own (child
ids and types as ARM gives them), so nothing another reader writes for the same
parent can shadow them.

A failed read is an errors.json entry for its subscription, which is then not read
completely: what the channel would have shown is unknown, not absent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from discovery.crawl import catalogue as cat
from discovery.crawl.links import subscription_of
from discovery.crawl.shape import row_to_arm
from discovery.crawl.transport import ArmCallError

if TYPE_CHECKING:
    from discovery.crawl.clients import TenantClients
    from discovery.crawl.engine import CrawlEngine
    from discovery.crawl.resource_graph_mode import ResourceGraphCrawl

IDENTITIES = cat.USER_ASSIGNED_IDENTITIES
STORAGE = cat.STORAGE_ACCOUNTS
GALLERIES = cat.GALLERIES
REPLICATION_POLICIES = cat.REPLICATION_POLICIES
PRIVATE_LINK_SERVICES = "Microsoft.Network/privateLinkServices"
READ_TYPES = cat.IDENTITY_READS
# a storage account's policies are read at its platform-service listing's api-version
_API = {**cat.API_VERSIONS, **{t.lower(): v for t, _o, v in READ_TYPES}}
CHILD_TYPES: dict[str, tuple[str, str, str]] = {
    # parent type -> (child type, collection segment, list operation)
    IDENTITIES.lower(): (
        cat.FEDERATED_CREDENTIALS,
        "federatedIdentityCredentials",
        "FederatedIdentityCredentials_List",
    ),
    STORAGE.lower(): (
        REPLICATION_POLICIES,
        "objectReplicationPolicies",
        "ObjectReplicationPolicies_List",
    ),
}
# Object replication needs blob versioning on a general-purpose v2 or premium block
# blob account without a hierarchical namespace (Learn: object replication overview,
# "Prerequisites"); other accounts cannot hold a policy, so they get no call.
_REPLICATING_KINDS = frozenset({"storagev2", "blockblobstorage"})

QUERY = (
    "resources | where type in~ ("
    + ", ".join(f"'{t.lower()}'" for t, _o, _v in READ_TYPES)
    + ") | order by id asc"
)


def _children_wanted(resource: dict[str, Any]) -> bool:
    return str(resource.get("type", "")).lower() == IDENTITIES.lower() or holds_policies(resource)


def holds_policies(resource: dict[str, Any]) -> bool:
    """A storage account that can hold object replication policies (the platform-service
    listing reads it; the engine then reads its policies through `children`)."""
    if str(resource.get("type", "")).lower() != STORAGE.lower():
        return False
    properties = resource.get("properties")
    hns = isinstance(properties, dict) and properties.get("isHnsEnabled") is True
    return str(resource.get("kind", "")).lower() in _REPLICATING_KINDS and not hns


def named_subscriptions(resource: dict[str, Any]) -> Iterator[str]:
    """Subscriptions the identity channels name, for the crawl's foreign-tenant resolution:
    a private link service's visibility and auto-approval lists, a gallery's shared
    subscriptions, the other account of an object replication policy."""
    kind = str(resource.get("type", "")).lower()
    properties = resource.get("properties")
    if not isinstance(properties, dict):
        return
    if kind == PRIVATE_LINK_SERVICES.lower():
        for key in ("visibility", "autoApproval"):
            block = properties.get(key)
            listed = block.get("subscriptions") if isinstance(block, dict) else None
            for value in listed if isinstance(listed, list) else []:
                if isinstance(value, str) and len(value.strip()) == 36:
                    yield value.strip().lower()
    elif kind == GALLERIES.lower():
        profile = properties.get("sharingProfile")
        groups = profile.get("groups") if isinstance(profile, dict) else None
        for group in groups if isinstance(groups, list) else []:
            if isinstance(group, dict) and str(group.get("type", "")).lower() == "subscriptions":
                for value in group.get("ids") or []:
                    if isinstance(value, str) and len(value.strip()) == 36:
                        yield value.strip().lower()
    elif kind == REPLICATION_POLICIES.lower():
        for key in ("sourceAccount", "destinationAccount"):
            value = properties.get(key)
            found = subscription_of(value) if isinstance(value, str) else None
            if found:
                yield found


def _emit(crawl: CrawlEngine, resource: dict[str, Any]) -> None:
    crawl.emit(resource)


async def children(
    crawl: CrawlEngine, clients: TenantClients, subscription_id: str, parent: dict[str, Any]
) -> None:
    """The federated credentials of an identity, or the replication policies of an account."""
    kind = str(parent.get("type", "")).lower()
    _child, collection, operation = CHILD_TYPES[kind]
    parent_id = str(parent.get("id", ""))

    async def call() -> None:
        async for page in crawl.pages(
            clients.resources, f"{parent_id}/{collection}", {"api-version": _API[kind]}
        ):
            for item in page:
                _emit(crawl, item)

    await crawl.guarded(f"/subscriptions/{subscription_id}", operation, call, subscription_id)


async def _resources(
    crawl: CrawlEngine,
    clients: TenantClients,
    subscription_id: str,
    resources: list[dict[str, Any]],
) -> None:
    for resource in resources:
        _emit(crawl, resource)
    await asyncio.gather(
        *(children(crawl, clients, subscription_id, r) for r in resources if _children_wanted(r))
    )


async def arm_subscription(
    crawl: CrawlEngine, clients: TenantClients, subscription_id: str
) -> None:
    """ARM mode: one list per type, then the children where they can exist."""
    scope = f"/subscriptions/{subscription_id}"

    async def one(type_name: str, operation: str, api_version: str) -> None:
        listed: list[dict[str, Any]] = []

        async def call() -> None:
            async for page in crawl.pages(
                clients.resources, f"{scope}/providers/{type_name}", {"api-version": api_version}
            ):
                listed.extend(page)

        if await crawl.guarded(scope, operation, call, subscription_id):
            await _resources(crawl, clients, subscription_id, listed)

    await asyncio.gather(*(one(*entry) for entry in READ_TYPES))


async def graph_batch(crawl: ResourceGraphCrawl, clients: TenantClients, batch: list[str]) -> None:
    """Resource Graph mode: one query over the batch, then the children per parent."""
    by_subscription: dict[str, list[dict[str, Any]]] = {}

    async def query() -> None:
        async for rows in crawl.graph_rows(clients, batch, QUERY):
            for row in rows:
                owner = str(row.get("subscriptionId", "")).lower()
                by_subscription.setdefault(owner, []).append(row_to_arm(row))

    if not await crawl.guarded(f"/tenants/{clients.tenant_id}", "Resources_Query", query):
        failed = ArmCallError(
            None,
            "QueryFailed",
            "The Resource Graph query of identities, managed applications and galleries "
            f"failed (see the entry for /tenants/{clients.tenant_id}).",
        )
        for subscription_id in batch:
            crawl.error(f"/subscriptions/{subscription_id}", "Resources_Query", failed)
            crawl.fail(subscription_id)
        return
    await asyncio.gather(
        *(_resources(crawl, clients, s, items) for s, items in sorted(by_subscription.items()))
    )


__all__ = [
    "CHILD_TYPES",
    "QUERY",
    "READ_TYPES",
    "arm_subscription",
    "children",
    "graph_batch",
    "holds_policies",
    "named_subscriptions",
]

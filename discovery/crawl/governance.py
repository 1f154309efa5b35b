"""The governance reads (docs/spec/governance.md, "What is read").

Resource Graph mode reads policy assignments, Defender pricings and role
assignments with one query per table per tenant, scoped to the tenant's root
management group so that assignments made at management groups come too; ARM
mode (and subscriptions another tenant owns) lists them per subscription with
``$filter=atScope()``, which includes what is inherited from above. Security
contacts (not in Resource Graph) are one ARM call per subscription in both
modes; the tenant's subscription policy and its default management group are
one call each per tenant.

A read that fails is an errors.json entry at the subscription (or tenant) it
concerns, named by the operation of the control it feeds, so the analysis can
say ``unknown`` for that control and never ``missing``. A governance failure
does not fail the subscription's network crawl.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from azure.core.rest import HttpRequest

from discovery.crawl import catalogue as cat
from discovery.crawl.shape import row_to_arm
from discovery.crawl.transport import (
    ArmCallError,
    send,
)

if TYPE_CHECKING:
    from discovery.crawl.clients import TenantClients
    from discovery.crawl.engine import CrawlEngine
    from discovery.crawl.resource_graph_mode import ResourceGraphCrawl

POLICY_OPERATION = "PolicyAssignments_List"
ROLE_OPERATION = "RoleAssignments_ListForScope"
PRICING_OPERATION = "Pricings_List"
CONTACT_OPERATION = "SecurityContacts_List"
TENANT_POLICY_OPERATION = "SubscriptionPolicy_GetPolicyForTenant"
SETTINGS_OPERATION = "ManagementGroupSettings_Get"

# (type, operation, api-version, client attribute) of the per-scope lists.
_LISTS: tuple[tuple[str, str, str, str], ...] = (
    (cat.POLICY_ASSIGNMENTS, POLICY_OPERATION, cat.POLICY_API, "policy"),
    (cat.ROLE_ASSIGNMENTS, ROLE_OPERATION, cat.AUTHORIZATION_API, "authorization"),
    (cat.PRICINGS, PRICING_OPERATION, cat.PRICINGS_API, "security"),
)
_AT_SCOPE = frozenset({cat.POLICY_ASSIGNMENTS, cat.ROLE_ASSIGNMENTS})
_TABLES: dict[str, str] = {
    cat.POLICY_ASSIGNMENTS: "policyresources",
    cat.ROLE_ASSIGNMENTS: "authorizationresources",
    cat.PRICINGS: "securityresources",
}


def graph_query(type_name: str) -> str:
    return f"{_TABLES[type_name]} | where type =~ '{type_name.lower()}' | order by id asc"


def tenant_policy_id(tenant_id: str) -> str:
    """The snapshot id of a tenant's subscription policy: ARM's id is the same in every
    tenant (`/providers/Microsoft.Subscription/policies/default`), so the snapshot puts
    the tenant in front to keep one document per tenant."""
    return f"/tenants/{tenant_id}/providers/{cat.TENANT_SUBSCRIPTION_POLICY}/default"


async def subscription_reads(
    crawl: CrawlEngine, clients: TenantClients, subscription_id: str, *, lists: bool
) -> None:
    """The security contact, and with ``lists`` the atScope() lists, of one subscription."""
    scope = f"/subscriptions/{subscription_id}"
    jobs = [
        crawl.guarded(
            scope,
            CONTACT_OPERATION,
            _lister(
                crawl, clients.security, scope, cat.SECURITY_CONTACTS, cat.SECURITY_CONTACTS_API, {}
            ),
        )
    ]
    if lists:
        for type_name, operation, api_version, client in _LISTS:
            extra = {"$filter": "atScope()"} if type_name in _AT_SCOPE else {}
            jobs.append(
                crawl.guarded(
                    scope,
                    operation,
                    _lister(crawl, getattr(clients, client), scope, type_name, api_version, extra),
                )
            )
    await asyncio.gather(*jobs)


def _lister(
    crawl: CrawlEngine,
    client: Any,
    scope: str,
    type_name: str,
    api_version: str,
    extra: dict[str, str],
) -> Any:
    async def call() -> None:
        params = {"api-version": api_version, **extra}
        async for page in crawl.pages(client, f"{scope}/providers/{type_name}", params):
            for item in page:
                crawl.emit(item)

    return call


async def graph_tenant(
    crawl: ResourceGraphCrawl, clients: TenantClients, subscription_ids: list[str]
) -> None:
    """One Resource Graph query per governance table over the tenant's root management group.

    A failed query is an entry for the tenant and one per subscription it covered, under
    the control's operation, so each of those controls is ``unknown`` there.
    """
    tenant = clients.tenant_id

    async def query(type_name: str) -> None:
        # The tenant root group (named by the tenant id) covers every subscription of the
        # tenant and the assignments made at management groups.
        scope = {"managementGroups": [tenant]}
        async for rows in crawl.graph_rows_at(clients, scope, graph_query(type_name)):
            for row in rows:
                resource = row_to_arm(row)
                if resource.get("location") == "":
                    del resource["location"]  # Resource Graph's blank for "none"
                crawl.emit(resource)

    async def one(type_name: str, operation: str) -> None:
        if await crawl.guarded(f"/tenants/{tenant}", "Resources_Query", lambda: query(type_name)):
            return
        failed = ArmCallError(
            None,
            "QueryFailed",
            f"The Resource Graph query of {_TABLES[type_name]} failed "
            f"(see the entry for /tenants/{tenant}).",
        )
        for subscription_id in subscription_ids:
            crawl.error(f"/subscriptions/{subscription_id}", operation, failed)

    await asyncio.gather(*(one(t, op) for t, op, _v, _c in _LISTS))


async def tenant_reads(crawl: CrawlEngine, clients: TenantClients) -> None:
    """The tenant's subscription policy and its root group's settings (default group)."""
    tenant = clients.tenant_id
    scope = f"/tenants/{tenant}"

    async def subscription_policy() -> None:
        body = await _get_or_absent(
            crawl,
            clients.subscription_policy,
            f"{crawl.arm}/providers/{cat.TENANT_SUBSCRIPTION_POLICY}/default",
            cat.SUBSCRIPTION_POLICY_API,
        )
        if body is not None:
            crawl.emit(
                {**body, "id": tenant_policy_id(tenant), "type": cat.TENANT_SUBSCRIPTION_POLICY}
            )

    async def settings() -> None:
        group = f"/providers/Microsoft.Management/managementGroups/{tenant}"
        body = await _get_or_absent(
            crawl,
            clients.management_groups,
            f"{crawl.arm}{group}/settings/default",
            cat.MANAGEMENT_GROUPS_API,
        )
        if body is not None:
            crawl.emit(
                {
                    **body,
                    "id": f"{group}/settings/default",
                    "type": cat.MANAGEMENT_GROUP_SETTINGS,
                }
            )

    await asyncio.gather(
        crawl.guarded(scope, TENANT_POLICY_OPERATION, subscription_policy),
        crawl.guarded(scope, SETTINGS_OPERATION, settings),
    )


async def _get_or_absent(
    crawl: CrawlEngine, client: Any, url: str, api_version: str
) -> dict[str, Any] | None:
    """A GET whose 404 means "never set" (Azure then applies its defaults), not a failure."""
    request = HttpRequest("GET", url, params={"api-version": api_version})
    try:
        body = await send(client, request, crawl.bounds)
    except ArmCallError as exc:
        if exc.status == 404:
            return None
        raise
    return body if isinstance(body, dict) else None

"""The child reads of platform services (paas-exposure.md): only while the public endpoint is open.

Resource Graph (or the ARM list) gives every service's own settings; what it does
not carry is read per resource, and only when layer 1 leaves the public endpoint
open, so the extra calls grow with what is exposed, not with the estate:
SQL / PostgreSQL / MySQL / Redis firewall rules, Event Hubs and Service Bus
``networkRuleSets/default``, App Service ``config/web`` (a plain Reader read, unlike
``config/appsettings/list``), and blob containers of accounts that allow anonymous
access. Management plane only.

The snapshot keeps each child under the parent's ``properties.<key>`` (the key names
below); a read that fails keeps ``{"unreadable": "<status> <code>"}`` there and an
errors.json entry at the resource, so the verdict says ``unknown``, never ``closed``.
A failed child read does not fail the subscription's crawl.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from azure.core.exceptions import AzureError
from azure.core.rest import HttpRequest

from discovery.crawl import catalogue as cat
from discovery.crawl.transport import ArmCallError, get_pages, send

if TYPE_CHECKING:
    from discovery.crawl.clients import TenantClients
    from discovery.crawl.engine import CrawlEngine

FIREWALL_RULES = "firewallRules"
NETWORK_RULE_SET = "networkRuleSet"
CONFIG_WEB = "configWeb"
CONTAINERS = "containers"
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class ChildRead:
    key: str  # where the snapshot keeps it, under the parent's properties
    suffix: str  # the path after the parent's id
    operation: str  # operationId, for errors.json
    single: bool = False  # one GET, not a paged list


def _firewall(operation: str) -> ChildRead:
    return ChildRead(FIREWALL_RULES, "firewallRules", operation)


CHILD_READS: dict[str, ChildRead] = {
    "microsoft.sql/servers": _firewall("FirewallRules_ListByServer"),
    "microsoft.dbforpostgresql/flexibleservers": _firewall("FirewallRules_ListByServer"),
    "microsoft.dbformysql/flexibleservers": _firewall("FirewallRules_ListByServer"),
    "microsoft.cache/redis": _firewall("FirewallRules_List"),
    "microsoft.eventhub/namespaces": ChildRead(
        NETWORK_RULE_SET, "networkRuleSets/default", "Namespaces_GetNetworkRuleSet", single=True
    ),
    "microsoft.servicebus/namespaces": ChildRead(
        NETWORK_RULE_SET, "networkRuleSets/default", "Namespaces_GetNetworkRuleSet", single=True
    ),
    "microsoft.web/sites": ChildRead(
        CONFIG_WEB, "config/web", "WebApps_GetConfiguration", single=True
    ),
    "microsoft.storage/storageaccounts": ChildRead(
        CONTAINERS, "blobServices/default/containers", "BlobContainers_List"
    ),
}
CHILD_KEYS = frozenset(read.key for read in CHILD_READS.values())


def _text(value: Any) -> str:
    return value.strip().lower() if isinstance(value, str) else ""


def _closed(value: Any) -> bool:
    return _text(value) in ("disabled", "securedbyperimeter")


def public_endpoint_open(arm_type: str, properties: Any) -> bool:
    """Layer 1 as the listed row shows it: public network access not disabled and no VNet
    injection (App Service: an unset access is disabled once a private endpoint exists)."""
    p = properties if isinstance(properties, dict) else {}
    lower = arm_type.lower()
    if lower in (
        "microsoft.dbforpostgresql/flexibleservers",
        "microsoft.dbformysql/flexibleservers",
    ):
        network = p["network"] if isinstance(p.get("network"), dict) else {}
        return not (
            _closed(network.get("publicNetworkAccess")) or network.get("delegatedSubnetResourceId")
        )
    if lower == "microsoft.cache/redis" and p.get("subnetId"):
        return False
    if lower == "microsoft.web/sites" and not _text(p.get("publicNetworkAccess")):
        return not p.get("privateEndpointConnections")
    return not _closed(p.get("publicNetworkAccess"))


def child_read(resource: dict[str, Any]) -> ChildRead | None:
    """The child read a listed resource needs, or None (closed, or nothing to read)."""
    arm_type = str(resource.get("type", ""))
    read = CHILD_READS.get(arm_type.lower())
    if read is None:
        return None
    properties = resource.get("properties")
    if not public_endpoint_open(arm_type, properties):
        return None
    # Anonymous reads need the account's consent first (absent: allowed).
    consent = properties.get("allowBlobPublicAccess") if isinstance(properties, dict) else None
    return None if read.key == CONTAINERS and consent is False else read


def expected_view(resource: dict[str, Any]) -> dict[str, Any]:
    """A platform service as a crawl shows it: the children it does not read taken out."""
    properties = resource.get("properties")
    if str(resource.get("type", "")).lower() not in CHILD_READS or not isinstance(properties, dict):
        return resource
    read = child_read(resource)
    kept = {k: v for k, v in properties.items() if k not in CHILD_KEYS or (read and k == read.key)}
    if read is not None and not read.single:
        kept.setdefault(read.key, [])  # an empty list reads as []
    return {**resource, "properties": kept}


async def read_children(
    crawl: CrawlEngine, clients: TenantClients, resource: dict[str, Any]
) -> None:
    """Read the resource's child (if its endpoint is open) into ``properties.<key>``."""
    read = child_read(resource)
    resource_id = resource.get("id")
    if read is None or not isinstance(resource_id, str):
        return
    api_version = cat.API_VERSIONS[str(resource["type"]).lower()]
    url = f"{crawl.arm}{resource_id}/{read.suffix}"
    params = {"api-version": api_version}
    try:
        if read.single:
            value: Any = await send(
                clients.resources, HttpRequest("GET", url, params=params), crawl.bounds
            )
        else:
            value = []
            async for page in get_pages(
                clients.resources, HttpRequest("GET", url, params=params), crawl.bounds
            ):
                value.extend(page)
    except (TimeoutError, ArmCallError, AzureError, OSError) as exc:
        crawl.error(resource_id, read.operation, exc)
        status = exc.status if isinstance(exc, ArmCallError) else None
        code = exc.code if isinstance(exc, ArmCallError) else type(exc).__name__
        value = {UNREADABLE: " ".join(str(p) for p in (status, code) if p)}
    properties = resource.get("properties")
    if not isinstance(properties, dict):
        properties = resource["properties"] = {}
    properties[read.key] = value

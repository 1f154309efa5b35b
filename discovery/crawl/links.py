"""Subscriptions that network links name, for foreign-tenant resolution.

Walks raw ARM JSON for the link properties that can point into another
subscription: peerings and hub connections (remoteVirtualNetwork),
gateway connections (virtualNetworkGateway1/2, localNetworkGateway2, peer),
ExpressRoute authorisation redemption and Global Reach
(connectionResourceUri, expressRouteCircuitPeering, peerExpressRouteCircuitPeering),
private endpoints in both directions (privateLinkServiceId, privateEndpoint),
VPN links (remoteVpnSite) and network manager connections (networkManagerId).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

LINK_KEYS = frozenset(
    {
        "remoteVirtualNetwork",
        "virtualNetworkGateway1",
        "virtualNetworkGateway2",
        "localNetworkGateway2",
        "peer",
        "connectionResourceUri",
        "expressRouteCircuitPeering",
        "peerExpressRouteCircuitPeering",
        "privateLinkServiceId",
        "privateEndpoint",
        "remoteVpnSite",
        "networkManagerId",
    }
)
# ARM ids are case-insensitive: Azure itself writes `/Subscriptions/...` in some references.
_SUBSCRIPTION = re.compile(r"^\s*/subscriptions/([0-9a-f-]{36})(?:/|$)", re.I)
_HUB_PEERING = "remotevnettohubpeering_"
_HUB_VNET = re.compile(r"/providers/microsoft\.network/virtualnetworks/hv_[^/]*$", re.I)


def subscription_of(arm_id: str) -> str | None:
    match = _SUBSCRIPTION.match(arm_id)
    return match.group(1).lower() if match else None


def is_hub_managed_vnet(arm_id: str) -> bool:
    """The Virtual WAN hub's managed VNet (RG_<hub>_<guid>/.../HV_<hub>_<guid>)."""
    return bool(_HUB_VNET.search(arm_id.rstrip("/")))


def _target(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def linked_ids(resource: dict[str, Any]) -> Iterator[str]:
    """ARM ids the resource's links name, less the hub-managed Virtual WAN peerings."""
    stack: list[tuple[Any, bool]] = [(resource, False)]
    while stack:
        item, in_hub_peering = stack.pop()
        if isinstance(item, list):
            stack.extend((v, in_hub_peering) for v in item if isinstance(v, dict | list))
            continue
        if not isinstance(item, dict):
            continue
        name = item.get("name")
        hub = in_hub_peering or (isinstance(name, str) and name.lower().startswith(_HUB_PEERING))
        for key, value in item.items():
            if key in LINK_KEYS:
                target = _target(value)
                if target and not (hub or is_hub_managed_vnet(target)):
                    yield target
            if isinstance(value, dict | list):
                stack.append((value, hub))


_LINK_HINTS = tuple(f'"{key}":' for key in sorted(LINK_KEYS))


def may_link(json_text: str) -> bool:
    """False only when the compact JSON of a resource holds none of the link properties."""
    return any(hint in json_text for hint in _LINK_HINTS)


def linked_subscriptions(resource: dict[str, Any]) -> set[str]:
    found = set()
    for target in linked_ids(resource):
        subscription = subscription_of(target)
        if subscription:
            found.add(subscription)
    return found

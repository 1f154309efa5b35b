"""The links between owners (tenants, subscriptions) that connected-tenants and cross-links
list, with the findings channel each is, and the Cypher both share to say the same."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.analysis.tenants import (
    EXPRESSROUTE_AUTHORIZATION,
    EXPRESSROUTE_GLOBAL_REACH,
    GATEWAY_CONNECTION,
    LIGHTHOUSE,
    NETWORK_MANAGER,
    PRIVATE_ENDPOINT,
    PRIVATE_ENDPOINT_INBOUND,
    SITE_TO_SITE,
    VNET_PEERING,
    VWAN_HUB_CONNECTION,
)
from graph.analysis.walk import label_of
from graph.schema import Label, Rel


@dataclass(frozen=True, slots=True)
class Link:
    """One edge that connects two owners, oriented from our side (`near`) to the other (`far`)."""

    channel: str
    relation: str
    near: str
    far: str
    state: str | None


def _connects_channel(g: nx.MultiDiGraph, source: str, data: dict[str, Any]) -> str | None:
    label = label_of(g, source)
    if label == Label.CONNECTION.value:
        return SITE_TO_SITE if data.get("end") == "local" else GATEWAY_CONNECTION
    return {
        Label.EXPRESSROUTE_GATEWAY.value: GATEWAY_CONNECTION,
        Label.VIRTUAL_HUB.value: VWAN_HUB_CONNECTION,
        Label.VPN_GATEWAY.value: SITE_TO_SITE,
        Label.NETWORK_MANAGER_CONNECTION.value: NETWORK_MANAGER,
    }.get(label or "")


def iter_links(g: nx.MultiDiGraph) -> Iterator[Link]:
    """Every edge that can join two subscriptions or tenants, with the findings channel it is."""
    for u, v, data in g.edges(data=True):
        rel = data.get("type")
        if rel == Rel.PEERS_WITH.value:
            if data.get("hubManaged"):
                continue
            yield Link(VNET_PEERING, rel, u, v, data.get("peeringState"))
        elif rel == Rel.CONNECTS_TO.value:
            channel = _connects_channel(g, u, data)
            if channel:
                yield Link(channel, rel, u, v, data.get("connectionStatus") or data.get("state"))
        elif rel == Rel.REDEEMED_BY.value:
            yield Link(EXPRESSROUTE_AUTHORIZATION, rel, u, v, data.get("authorizationUseStatus"))
        elif rel == Rel.GLOBAL_REACH.value:
            yield Link(EXPRESSROUTE_GLOBAL_REACH, rel, u, v, data.get("circuitConnectionStatus"))
        elif rel == Rel.PRIVATE_LINK.value:
            if data.get("direction") == "inbound":
                yield Link(PRIVATE_ENDPOINT_INBOUND, rel, v, u, data.get("status"))
            else:
                yield Link(PRIVATE_ENDPOINT, rel, u, v, data.get("status"))
        elif rel == Rel.MANAGED_BY.value:
            yield Link(LIGHTHOUSE, rel, u, v, data.get("via"))
        elif rel == Rel.SCOPES.value:
            yield Link(NETWORK_MANAGER, rel, u, v, None)
        elif rel == Rel.TRUSTS.value:
            # identity-links.md: the far end is a tenant, subscription or external party
            yield Link(str(data.get("channel")), rel, u, v, data.get("via"))


LINK_RELS = "PEERS_WITH|CONNECTS_TO|REDEEMED_BY|GLOBAL_REACH|PRIVATE_LINK|MANAGED_BY|SCOPES|TRUSTS"
CHANNEL_CASE = f"""CASE
         WHEN type(r) = 'TRUSTS' THEN r.channel
         WHEN type(r) = 'PEERS_WITH' THEN '{VNET_PEERING}'
         WHEN type(r) = 'REDEEMED_BY' THEN '{EXPRESSROUTE_AUTHORIZATION}'
         WHEN type(r) = 'GLOBAL_REACH' THEN '{EXPRESSROUTE_GLOBAL_REACH}'
         WHEN type(r) = 'MANAGED_BY' THEN '{LIGHTHOUSE}'
         WHEN type(r) = 'SCOPES' THEN '{NETWORK_MANAGER}'
         WHEN type(r) = 'PRIVATE_LINK' AND r.direction = 'inbound' THEN '{PRIVATE_ENDPOINT_INBOUND}'
         WHEN type(r) = 'PRIVATE_LINK' THEN '{PRIVATE_ENDPOINT}'
         WHEN a:Connection AND r.end = 'local' THEN '{SITE_TO_SITE}'
         WHEN a:Connection OR a:ExpressRouteGateway THEN '{GATEWAY_CONNECTION}'
         WHEN a:VirtualHub THEN '{VWAN_HUB_CONNECTION}'
         WHEN a:VpnGateway THEN '{SITE_TO_SITE}'
         WHEN a:NetworkManagerConnection THEN '{NETWORK_MANAGER}'
       END"""
PRESENT = "coalesce(a.present, true) AND coalesce(b.present, true) AND coalesce(r.present, true)"
TENANT_A = "CASE WHEN a:Tenant OR a.id STARTS WITH 'alias:' THEN a.id ELSE a.tenantId END"
TENANT_B = "CASE WHEN b:Tenant OR b:ExternalParty OR b.id STARTS WITH 'alias:' THEN b.id ELSE b.tenantId END"
SUB_A = "CASE WHEN a:Subscription THEN a.id ELSE a.subscriptionId END"
SUB_B = "CASE WHEN b:Subscription THEN b.id ELSE b.subscriptionId END"

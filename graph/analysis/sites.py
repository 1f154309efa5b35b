"""Which declared site covers a local network gateway or a Virtual WAN VPN site."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.inventory import Inventory, SiteDecl
from graph.schema import Label


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value if v]


def covering_site(graph: nx.MultiDiGraph, node: str, inventory: Inventory) -> SiteDecl | None:
    """The declared site covering this local network gateway or VPN site (inventory.md)."""
    if node not in graph:
        return None
    data = graph.nodes[node]
    label = data.get("label")
    if label == Label.LOCAL_NETWORK_GATEWAY:
        return inventory.site_covering_gateway(
            ip_address=data.get("gatewayIpAddress"),
            fqdn=data.get("fqdn"),
            prefixes=_strings(data.get("addressPrefixes")),
            bgp=bool(data.get("bgp")),
        )
    if label == Label.VPN_SITE:
        return inventory.site_covering_vpn_site(
            link_ips=_strings(data.get("linkIpAddresses")),
            link_fqdns=_strings(data.get("linkFqdns")),
            prefixes=_strings(data.get("addressPrefixes")),
        )
    return None

"""What an exposed target's network reaches (exposure.md rule 10).

From the target's VNet: the VNets peered directly with it, the sites and
circuits behind the gateways it uses (its own, or a peer's through gateway
transit), and everything connected to the hubs of its Virtual WAN. Peering is
not transitive, and only live links count (peerings and connections
``Connected``, circuits provisioned).

Sources (Microsoft Learn): "Virtual network peering"
(https://learn.microsoft.com/en-us/azure/virtual-network/virtual-network-peering-overview),
"Configure VPN gateway transit for virtual network peering"
(https://learn.microsoft.com/en-us/azure/vpn-gateway/vpn-gateway-peering-gateway-transit),
"About virtual hub routing"
(https://learn.microsoft.com/en-us/azure/virtual-wan/about-virtual-hub-routing).

Approximation: a Basic Virtual WAN does not route VNet to VNet or between
hubs ("Virtual WAN SKUs"), so with a Basic WAN only the VNet's own hub is
followed, and only its VPN sites.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx

from graph.analysis.walk import edges_in, edges_out, label_of
from graph.schema import Label, Rel, subscription_of

_LIVE_PEERING = "connected"
_LIVE_CONNECTION = "connected"
_PROVISIONED = "provisioned"
# Virtual WAN links carry a connection status (VPN sites) or only a provisioning
# state (hub VNet and ExpressRoute connections): any state but these counts as live.
_DEAD_HUB_CONNECTION = frozenset(
    {"failed", "deleting", "disconnected", "notconnected", "connecting", "unknown"}
)


def _lower(value: object) -> str:
    return str(value).lower() if value is not None else ""


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


def subscription_of_node(graph: nx.MultiDiGraph, node: str) -> str | None:
    data = graph._node.get(node) or {}
    sub = data.get("subscriptionId")
    return str(sub).lower() if sub else subscription_of(node)


def _live_peering(data: dict[str, Any]) -> bool:
    return _lower(data.get("peeringState")) == _LIVE_PEERING


def _circuit_live(graph: nx.MultiDiGraph, circuit: str) -> bool:
    """A crawled circuit is live when provisioned. A circuit outside the crawl (a placeholder,
    whose state cannot be read) is live when a Connected connection or Global Reach link
    names it (exposure.md rule 10): the other side of that link saw it working."""
    data = graph.nodes.get(circuit) or {}
    if not data.get("placeholder"):
        return _lower(data.get("serviceProviderProvisioningState")) == _PROVISIONED
    for connection, edge in edges_in(graph, circuit, Rel.CONNECTS_TO):
        if label_of(graph, connection) == Label.CONNECTION and _connection_live(
            graph, connection, edge
        ):
            return True
    links = [
        *edges_in(graph, circuit, Rel.GLOBAL_REACH),
        *edges_out(graph, circuit, Rel.GLOBAL_REACH),
    ]
    return any(_lower(edge.get("circuitConnectionStatus")) == _LIVE_CONNECTION for _, edge in links)


def _connection_live(graph: nx.MultiDiGraph, connection: str, edge: dict[str, Any]) -> bool:
    status = edge.get("connectionStatus") or (graph.nodes.get(connection) or {}).get(
        "connectionStatus"
    )
    return _lower(status) == _LIVE_CONNECTION


class Reach:
    """Reach per VNet, computed once per VNet and cached (many targets share a VNet)."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self._graph = graph
        self._cache: dict[str, frozenset[str]] = {}

    def from_vnet(self, vnet: str) -> frozenset[str]:
        """Subscription ids and lower-cased gateway, VPN site and circuit ids reached from ``vnet``."""
        cached = self._cache.get(vnet)
        if cached is None:
            cached = frozenset(self._compute(vnet))
            self._cache[vnet] = cached
        return cached

    def _compute(self, vnet: str) -> set[str]:
        g = self._graph
        reached: set[str] = set()
        vnets = {vnet}
        gateways: set[str] = set(self._own_gateways(vnet))
        for peer, data in edges_out(g, vnet, Rel.PEERS_WITH):
            if _truthy(data.get("hubManaged")) or not _live_peering(data):
                continue
            if _truthy(data.get("allowVirtualNetworkAccess")):
                vnets.add(peer)
            if _truthy(data.get("useRemoteGateways")) and self._peer_allows_transit(peer, vnet):
                gateways.update(self._own_gateways(peer))
        for gateway in gateways:
            vnets.update(self._behind_gateway(gateway, reached))
        for hub in self._hubs_of(vnet):
            vnets.update(self._through_wan(hub, reached))
        for v in vnets:
            sub = subscription_of_node(g, v)
            if sub:
                reached.add(sub)
        return reached

    def _own_gateways(self, vnet: str) -> Iterator[str]:
        for gateway, _ in edges_in(self._graph, vnet, Rel.CONNECTS_TO):
            if label_of(self._graph, gateway) == Label.VNET_GATEWAY:
                yield gateway

    def _peer_allows_transit(self, peer: str, vnet: str) -> bool:
        for back, data in edges_out(self._graph, peer, Rel.PEERS_WITH):
            if back == vnet and _live_peering(data) and _truthy(data.get("allowGatewayTransit")):
                return True
        return False

    def _behind_gateway(self, gateway: str, reached: set[str]) -> set[str]:
        """Follow live connections of a gateway; returns VNets reached (Vnet2Vnet)."""
        g = self._graph
        vnets: set[str] = set()
        for connection, edge in edges_in(g, gateway, Rel.CONNECTS_TO):
            if label_of(g, connection) != Label.CONNECTION or not _connection_live(
                g, connection, edge
            ):
                continue
            for far, _ in edges_out(g, connection, Rel.CONNECTS_TO):
                if far == gateway:
                    continue
                label = label_of(g, far)
                if label == Label.LOCAL_NETWORK_GATEWAY:
                    reached.add(far)
                elif label == Label.EXPRESSROUTE_CIRCUIT:
                    if _circuit_live(g, far):
                        reached.add(far)
                elif label == Label.VNET_GATEWAY:
                    vnets.update(
                        v
                        for v, _ in edges_out(g, far, Rel.CONNECTS_TO)
                        if label_of(g, v) == Label.VIRTUAL_NETWORK
                    )
        return vnets

    def _hubs_of(self, vnet: str) -> Iterator[str]:
        for hub, data in edges_in(self._graph, vnet, Rel.CONNECTS_TO):
            if label_of(self._graph, hub) == Label.VIRTUAL_HUB and self._hub_link_live(data):
                yield hub

    @staticmethod
    def _hub_link_live(data: dict[str, Any]) -> bool:
        return _lower(data.get("state")) not in _DEAD_HUB_CONNECTION

    def _through_wan(self, hub: str, reached: set[str]) -> set[str]:
        g = self._graph
        wans = [w for w, _ in edges_out(g, hub, Rel.PART_OF) if label_of(g, w) == Label.VIRTUAL_WAN]
        basic = any(_lower(g.nodes[w].get("wanType")) == "basic" for w in wans)
        hubs = {hub}
        if not basic:
            for wan in wans:
                hubs.update(
                    h
                    for h, _ in edges_in(g, wan, Rel.PART_OF)
                    if label_of(g, h) == Label.VIRTUAL_HUB
                )
        vnets: set[str] = set()
        for h in hubs:
            for v, data in edges_out(g, h, Rel.CONNECTS_TO):
                if (
                    not basic
                    and label_of(g, v) == Label.VIRTUAL_NETWORK
                    and self._hub_link_live(data)
                ):
                    vnets.add(v)
            for member, _ in edges_in(g, h, Rel.PART_OF):
                label = label_of(g, member)
                if label == Label.VPN_GATEWAY:
                    for site, data in edges_out(g, member, Rel.CONNECTS_TO):
                        if label_of(g, site) == Label.VPN_SITE and self._hub_link_live(data):
                            reached.add(site)
                elif label == Label.EXPRESSROUTE_GATEWAY and not basic:
                    for circuit, data in edges_out(g, member, Rel.CONNECTS_TO):
                        if label_of(g, circuit) != Label.EXPRESSROUTE_CIRCUIT:
                            continue
                        # A Virtual WAN ExpressRoute connection has no connection status: a
                        # live hub connection shows a circuit outside the crawl working.
                        foreign = bool((g.nodes.get(circuit) or {}).get("placeholder"))
                        if _circuit_live(g, circuit) or (foreign and self._hub_link_live(data)):
                            reached.add(circuit)
        return vnets


def vnet_of_subnet(graph: nx.MultiDiGraph, subnet: str) -> str | None:
    # The subnet id names its VNet (.../virtualnetworks/<vnet>/subnets/<subnet>); a subnet
    # has hundreds of incoming edges, so the id is the cheap way, the CONTAINS edge the check.
    head, sep, _ = subnet.rpartition("/subnets/")
    if sep and label_of(graph, head) == Label.VIRTUAL_NETWORK:
        return head
    for vnet, _ in edges_in(graph, subnet, Rel.CONTAINS):
        if label_of(graph, vnet) == Label.VIRTUAL_NETWORK:
            return vnet
    return None

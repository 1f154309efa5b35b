"""An estate built from real Azure responses (../shared/azure-cli-recordings): 1,934
resource bodies Azure returned to live Azure CLI tests, 33 types, API versions 2015 to 2024.

No one here wrote these bodies, so they test the build and the exposure analysis against
what ARM really sends: every resource gets its node, every reference to a recorded
resource becomes an edge, and every application gateway listener on a public frontend is
reported as exposure.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx

from graph.analysis.exposure import find_exposures
from graph.build.ids import top_level_id
from graph.build.registry import label_for_type
from graph.schema import Label, Rel, node_id

Json = dict[str, Any]
Recorded = tuple[list[Json], nx.MultiDiGraph]

# Fields whose reference is deliberately not an edge, with the reason (ARM type, then the
# path of the field inside properties).
NOT_AN_EDGE: dict[str, str] = {
    "microsoft.network/loadbalancers.backendAddressPools[].properties.loadBalancerBackendAddresses"
    "[].properties.virtualNetwork": "scopes the resolution of a pool address to the NIC holding "
    "it; the edge is the FORWARDS_TO to that NIC (exposure.md entry 2)",
    "microsoft.network/loadbalancers.backendAddressPools[].properties.loadBalancerBackendAddresses"
    "[].properties.subnet": "as virtualNetwork: scopes the resolution of a pool address",
    "microsoft.network/networkinterfaces.ipConfigurations[].properties."
    "applicationGatewayBackendAddressPools[]": "application gateway backends are reached by the "
    "gateway, not by the internet, and are not modelled (exposure.md entry 3)",
    "microsoft.network/loadbalancers.frontendIPConfigurations[].properties.gatewayLoadBalancer": (
        "Gateway Load Balancer chaining inserts appliances transparently: the flow still reaches "
        "the same backends, so exposure is unchanged"
    ),
    "microsoft.network/networkinterfaces.ipConfigurations[].properties.gatewayLoadBalancer": (
        "Gateway Load Balancer chaining, as above"
    ),
    "microsoft.network/virtualnetworkgateways.virtualNetworkExtendedLocation[]": "an Azure "
    "Extended Zone VNet of the gateway's own deployment, not a link",
}
# Pool membership carries traffic only through a rule: an edge (FORWARDS_TO) exists when a
# load-balancing or NAT rule uses the pool.
POOL_FIELD = (
    "microsoft.network/networkinterfaces.ipConfigurations[].properties."
    "loadBalancerBackendAddressPools[]"
)


def references(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(field path, id) of every ARM sub-resource reference ({"id": ...} alone) in a body."""
    if isinstance(value, dict):
        if set(value) == {"id"} and isinstance(value["id"], str):
            if value["id"].lower().startswith("/subscriptions/"):
                yield path, value["id"]
            return
        for key, item in value.items():
            yield from references(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from references(item, f"{path}[]")


def _family(graph: nx.MultiDiGraph) -> dict[str, set[str]]:
    """Top-level id -> the nodes of that resource (itself and its children)."""
    out: dict[str, set[str]] = {}
    for node in graph.nodes:
        if node.startswith("/subscriptions/"):
            out.setdefault(top_level_id(node), set()).add(node)
    return out


def _linked(graph: nx.MultiDiGraph, family: dict[str, set[str]], own: str, target: str) -> bool:
    ours = family.get(own, set()) | {own}
    theirs = family.get(top_level_id(target), set()) | {target, top_level_id(target)}
    return any(other in theirs for node in ours for other in (*graph.succ[node], *graph.pred[node]))


def _pools_in_use(items: list[Json]) -> set[str]:
    used: set[str] = set()
    for item in items:
        if item["type"].lower() != "microsoft.network/loadbalancers":
            continue
        props = item.get("properties") or {}
        for key in ("loadBalancingRules", "inboundNatRules"):
            for rule in props.get(key) or []:
                used.update(
                    node_id(path_id)
                    for field, path_id in references(rule.get("properties") or {}, "")
                    if "ackendAddressPool" in field
                )
    return used


def test_every_recorded_resource_has_its_node(recorded: Recorded) -> None:
    items, graph = recorded
    wrong = []
    for item in items:
        data = graph.nodes.get(node_id(item["id"])) or {}
        expected = label_for_type(item["type"].lower()).value
        if data.get("placeholder") or data.get("label") != expected:
            wrong.append((item["id"], data.get("label"), expected))
    assert len(items) > 1900
    assert wrong == []


def test_every_reference_to_a_recorded_resource_resolves_to_an_edge(recorded: Recorded) -> None:
    items, graph = recorded
    recorded_ids = {node_id(i["id"]) for i in items}
    family = _family(graph)
    pools_in_use = _pools_in_use(items)
    checked = 0
    missing = []
    for item in items:
        own = node_id(item["id"])
        for field, target_id in references(item.get("properties") or {}, item["type"].lower()):
            target = node_id(target_id)
            if top_level_id(target) == own or top_level_id(target) not in recorded_ids:
                continue
            if field in NOT_AN_EDGE or (field == POOL_FIELD and target not in pools_in_use):
                continue
            checked += 1
            if not _linked(graph, family, own, target):
                missing.append((field, own, target))
    assert checked > 1000
    assert missing == []


def _public_listener_ports(item: Json, public_frontends: set[str]) -> set[int]:
    """Read independently of graph/listeners.py: listener -> frontend port -> number."""
    props = item.get("properties") or {}
    ports = {
        node_id(p["id"]): (p.get("properties") or {}).get("port")
        for p in props.get("frontendPorts") or []
    }
    out: set[int] = set()
    for key in ("httpListeners", "listeners"):
        for listener in props.get(key) or []:
            lp = listener.get("properties") or {}
            frontend = node_id((lp.get("frontendIPConfiguration") or {}).get("id", ""))
            port = ports.get(node_id((lp.get("frontendPort") or {}).get("id", "")))
            if frontend in public_frontends and isinstance(port, int):
                out.add(port)
    return out


def test_every_listener_on_a_public_frontend_is_exposure(recorded: Recorded) -> None:
    """exposure.md entry 3 on real gateways: HTTP and layer-4 listeners alike."""
    items, graph = recorded
    exposed = {x.subject: x.ports for x in find_exposures(graph)}
    expected: dict[str, set[int]] = {}
    for item in items:
        if item["type"].lower() != "microsoft.network/applicationgateways":
            continue
        gateway = node_id(item["id"])
        public = set()
        for frontend in (item.get("properties") or {}).get("frontendIPConfigurations") or []:
            pip = ((frontend.get("properties") or {}).get("publicIPAddress") or {}).get("id")
            pip_node = graph.nodes.get(node_id(pip)) if pip else None
            if (
                pip_node
                and pip_node.get("label") == Label.PUBLIC_IP
                and not pip_node.get("foreign")
            ):
                public.add(node_id(frontend["id"]))
        subnet_nsg = any(
            target
            for subnet, _ in _edges(graph, gateway, Rel.IN_SUBNET)
            for target, _ in _edges(graph, subnet, Rel.PROTECTED_BY)
        )
        ports = _public_listener_ports(item, public)
        if ports and not subnet_nsg:
            expected[gateway] = ports
    assert len(expected) > 50
    missing = {
        gateway: sorted(
            p for p in ports if gateway not in exposed or not exposed[gateway].contains("tcp", p)
        )
        for gateway, ports in expected.items()
    }
    assert {g: p for g, p in missing.items() if p} == {}


def _edges(graph: nx.MultiDiGraph, node: str, rel: Rel) -> Iterator[tuple[str, Json]]:
    for target, keyed in graph.succ.get(node, {}).items():
        for data in keyed.values():
            if data.get("type") == rel:
                yield target, data

"""Small graphs shaped like the build's output (graph/schema.py), for the store tests."""

from __future__ import annotations

import json

import networkx as nx

from graph.schema import INTERNET_ID, Label, Rel, edge_key, node_id, subscription_id, tenant_id

TENANT = tenant_id("11111111-1111-1111-1111-111111111111")
SUB_A = subscription_id("aaaaaaaa-0000-0000-0000-00000000000a")
SUB_B = subscription_id("bbbbbbbb-0000-0000-0000-00000000000b")


def vnet_id(sub: str, name: str) -> str:
    return node_id(
        f"/subscriptions/{sub}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/{name}"
    )


def small_estate(
    *,
    vnets_a: tuple[str, ...] = ("hub", "spoke1"),
    vnets_b: tuple[str, ...] = ("app",),
    hub_prefixes: tuple[str, ...] = ("10.0.0.0/16",),
    peering_state: str = "Connected",
) -> nx.MultiDiGraph:
    """A tenant with two subscriptions, their VNets, a peering, an NSG and a public IP."""
    graph = nx.MultiDiGraph()
    graph.add_node(INTERNET_ID, id=INTERNET_ID, label=Label.INTERNET.value, name="Internet")
    graph.add_node(TENANT, id=TENANT, label=Label.TENANT.value, name="Contoso", tenantId=TENANT)
    for sub, vnets in ((SUB_A, vnets_a), (SUB_B, vnets_b)):
        graph.add_node(
            sub,
            id=sub,
            label=Label.SUBSCRIPTION.value,
            name=f"sub-{sub[:4]}",
            subscriptionId=sub,
            tenantId=TENANT,
            state="Enabled",
            foreign=False,
        )
        graph.add_edge(TENANT, sub, key=edge_key(Rel.CONTAINS), type=Rel.CONTAINS.value)
        for name in vnets:
            vid = vnet_id(sub, name)
            graph.add_node(
                vid,
                id=vid,
                label=Label.VIRTUAL_NETWORK.value,
                name=name,
                subscriptionId=sub,
                tenantId=TENANT,
                location="westeurope",
                addressPrefixes=list(hub_prefixes) if name == "hub" else ["10.1.0.0/16"],
                tags={"env": "prod", "owner": name},
            )
            graph.add_edge(sub, vid, key=edge_key(Rel.CONTAINS), type=Rel.CONTAINS.value)
    if "hub" in vnets_a and "spoke1" in vnets_a:
        hub, spoke = vnet_id(SUB_A, "hub"), vnet_id(SUB_A, "spoke1")
        graph.add_edge(
            hub,
            spoke,
            key=edge_key(Rel.PEERS_WITH, "hub-to-spoke1"),
            type=Rel.PEERS_WITH.value,
            peeringState=peering_state,
            allowForwardedTraffic=True,
            remoteAddressPrefixes=["10.1.0.0/16"],
        )
    nsg = node_id(
        f"/subscriptions/{SUB_A}/resourceGroups/net/providers/Microsoft.Network/"
        "networkSecurityGroups/nsg1"
    )
    graph.add_node(
        nsg,
        id=nsg,
        label=Label.NSG.value,
        name="nsg1",
        subscriptionId=SUB_A,
        tenantId=TENANT,
        rules=json.dumps([{"name": "ssh", "port": 22, "access": "Allow"}]),
        ruleCount=1,
        weights=[0.5, 1.25],
    )
    pip = node_id(
        f"/subscriptions/{SUB_A}/resourceGroups/net/providers/Microsoft.Network/"
        "publicIPAddresses/pip1"
    )
    graph.add_node(
        pip,
        id=pip,
        label=Label.PUBLIC_IP.value,
        name="pip1",
        subscriptionId=SUB_A,
        tenantId=TENANT,
        ipAddress="203.0.113.7",
        sku="Standard",
    )
    graph.add_edge(INTERNET_ID, pip, key=edge_key(Rel.EXPOSES), type=Rel.EXPOSES.value)
    return graph


STORE_FIELDS = ("firstSeen", "lastSeen", "present")


def content(graph: nx.MultiDiGraph, *, with_store_fields: bool = False) -> tuple[dict, dict]:
    """Nodes and edges with their attributes, comparable across graphs."""

    def keep(attrs: dict) -> dict:
        return {k: v for k, v in attrs.items() if with_store_fields or k not in STORE_FIELDS}

    nodes = {n: keep(dict(a)) for n, a in graph.nodes(data=True)}
    edges = {(s, k, t): keep(dict(a)) for s, t, k, a in graph.edges(keys=True, data=True)}
    return nodes, edges

"""The named query vnet-reach: what one virtual network reaches, each node by its best way."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.analysis.walk import edges_in, edges_out, label_of
from graph.queries.base import Query, QueryError, Row, subscription_of_node, tenant_of_node
from graph.schema import Label, Rel, node_id

# How a node is reached, best first: a node reached several ways is shown once, by its
# best way (then the smallest `via`), in Python and in the Cypher text alike.
REACH_RANK = {
    "gateway": 0,
    "connection": 1,
    "peering": 2,
    "hub-managed-peering": 2,
    "hub": 3,
    "wan": 4,
    "hub-connection": 5,
    "vpn-site": 6,
    "circuit": 6,
    "global-reach": 7,
}


def vnet_reach(g: nx.MultiDiGraph, vnet: str) -> list[Row]:
    start = node_id(vnet)
    if label_of(g, start) != Label.VIRTUAL_NETWORK.value:
        raise QueryError(f"{vnet} is not a virtual network in the graph: give the ARM id of one.")
    found: list[tuple[str, str, str, Any]] = []  # (reached, relation, via, state)

    def gateways(v: str, via: str) -> None:
        for gw, _ in edges_in(g, v, Rel.CONNECTS_TO):
            if label_of(g, gw) != Label.VNET_GATEWAY.value:
                continue
            found.append((gw, "gateway", via, None))
            for conn, _ in edges_in(g, gw, Rel.CONNECTS_TO):
                if label_of(g, conn) != Label.CONNECTION.value:
                    continue
                for other, data in edges_out(g, conn, Rel.CONNECTS_TO):
                    if other != gw:
                        relation = f"connection-{data.get('end')}"
                        found.append((other, relation, conn, data.get("connectionStatus")))

    gateways(start, start)
    for peer, data in edges_out(g, start, Rel.PEERS_WITH):
        relation = "hub-managed-peering" if data.get("hubManaged") else "peering"
        found.append((peer, relation, start, data.get("peeringState")))
        if data.get("useRemoteGateways"):
            gateways(peer, peer)
    for peer, data in edges_in(g, start, Rel.PEERS_WITH):
        found.append((peer, "peering", peer, data.get("peeringState")))
    for hub, data in edges_in(g, start, Rel.CONNECTS_TO):
        if label_of(g, hub) != Label.VIRTUAL_HUB.value:
            continue
        found.append((hub, "hub", start, data.get("state")))
        for wan, _ in edges_out(g, hub, Rel.PART_OF):
            found.append((wan, "wan", hub, None))
            for other_hub, _ in edges_in(g, wan, Rel.PART_OF):
                if label_of(g, other_hub) != Label.VIRTUAL_HUB.value:
                    continue
                found.append((other_hub, "hub", wan, None))
                for spoke, sdata in edges_out(g, other_hub, Rel.CONNECTS_TO):
                    found.append((spoke, "hub-connection", other_hub, sdata.get("state")))
                for part, _ in edges_in(g, other_hub, Rel.PART_OF):
                    relation = (
                        "vpn-site" if label_of(g, part) == Label.VPN_GATEWAY.value else "circuit"
                    )
                    for far, fdata in edges_out(g, part, Rel.CONNECTS_TO):
                        found.append((far, relation, part, fdata.get("state")))
    best = _best_ways(found, start)
    circuits = [n for n in best if label_of(g, n) == Label.EXPRESSROUTE_CIRCUIT.value]
    reach: list[tuple[str, str, str, Any]] = []
    for circuit in circuits:
        for rel_edges in (
            edges_out(g, circuit, Rel.GLOBAL_REACH),
            edges_in(g, circuit, Rel.GLOBAL_REACH),
        ):
            for other, data in rel_edges:
                if label_of(g, other) == Label.EXPRESSROUTE_CIRCUIT.value and other not in best:
                    reach.append(
                        (other, "global-reach", circuit, data.get("circuitConnectionStatus"))
                    )
    best.update(_best_ways(reach, start))
    rows = []
    for reached, (relation, via, state) in best.items():
        data = g.nodes[reached] if reached in g else {}
        rows.append(
            {
                "reached": reached,
                "label": data.get("label"),
                "name": data.get("name", reached),
                "relation": relation,
                "via": via,
                "state": state,
                "subscriptionId": subscription_of_node(g, reached),
                "tenantId": tenant_of_node(g, reached),
                "foreign": bool(data.get("foreign", False)),
            }
        )
    return sorted(rows, key=lambda r: (r["relation"], r["reached"], r["via"]))


def _best_ways(
    found: list[tuple[str, str, str, Any]], start: str
) -> dict[str, tuple[str, str, Any]]:
    def rank(item: tuple[str, str, str, Any]) -> tuple[int, str, str]:
        relation = item[1]
        kind = "connection" if relation.startswith("connection-") else relation
        return REACH_RANK[kind], item[2], relation

    best: dict[str, tuple[str, str, Any]] = {}
    for item in sorted(found, key=rank):
        if item[0] != start and item[0] not in best:
            best[item[0]] = (item[1], item[2], item[3])
    return best


QUERY = Query(
    name="vnet-reach",
    description=(
        "What one virtual network reaches: its peerings (both directions, with state), the gateways "
        "it uses (its own, and a peer's through useRemoteGateways) and what their connections lead "
        "to (local network gateways, other gateways, ExpressRoute circuits), its Virtual WAN hub and "
        "through the WAN every hub's VNets, VPN sites and circuits, and the Global Reach peers of the "
        "circuits reached. Give the VNet's ARM id (any casing)."
    ),
    params=("vnet_id",),
    columns=(
        "reached",
        "label",
        "name",
        "relation",
        "via",
        "state",
        "subscriptionId",
        "tenantId",
        "foreign",
    ),
    answer=vnet_reach,
    cypher="""MATCH (v:VirtualNetwork {id: toLower(rtrim(trim($vnet_id), '/'))})
CALL (v) {
  MATCH (gw:VirtualNetworkGateway)-[:CONNECTS_TO]->(v)
  RETURN gw AS x, 'gateway' AS relation, v.id AS via, null AS state, 0 AS rank
  UNION ALL
  MATCH (v)-[:PEERS_WITH {useRemoteGateways: true}]->(peer)<-[:CONNECTS_TO]-(gw:VirtualNetworkGateway)
  RETURN gw AS x, 'gateway' AS relation, peer.id AS via, null AS state, 0 AS rank
  UNION ALL
  MATCH (gw:VirtualNetworkGateway)-[:CONNECTS_TO]->(v)
  MATCH (c:Connection)-[:CONNECTS_TO]->(gw), (c)-[e:CONNECTS_TO]->(x) WHERE x <> gw
  RETURN x, 'connection-' + e.end AS relation, c.id AS via, e.connectionStatus AS state, 1 AS rank
  UNION ALL
  MATCH (v)-[:PEERS_WITH {useRemoteGateways: true}]->(peer)<-[:CONNECTS_TO]-(gw:VirtualNetworkGateway)
  MATCH (c:Connection)-[:CONNECTS_TO]->(gw), (c)-[e:CONNECTS_TO]->(x) WHERE x <> gw
  RETURN x, 'connection-' + e.end AS relation, c.id AS via, e.connectionStatus AS state, 1 AS rank
  UNION ALL
  MATCH (v)-[p:PEERS_WITH]->(x)
  RETURN x, CASE WHEN p.hubManaged THEN 'hub-managed-peering' ELSE 'peering' END AS relation,
         v.id AS via, p.peeringState AS state, 2 AS rank
  UNION ALL
  MATCH (x)-[p:PEERS_WITH]->(v)
  RETURN x, 'peering' AS relation, x.id AS via, p.peeringState AS state, 2 AS rank
  UNION ALL
  MATCH (x:VirtualHub)-[e:CONNECTS_TO]->(v)
  RETURN x, 'hub' AS relation, v.id AS via, e.state AS state, 3 AS rank
  UNION ALL
  MATCH (hub:VirtualHub)-[:CONNECTS_TO]->(v), (hub)-[:PART_OF]->(x)
  RETURN x, 'wan' AS relation, hub.id AS via, null AS state, 4 AS rank
  UNION ALL
  MATCH (hub:VirtualHub)-[:CONNECTS_TO]->(v), (hub)-[:PART_OF]->(w)<-[:PART_OF]-(x:VirtualHub)
  RETURN x, 'hub' AS relation, w.id AS via, null AS state, 3 AS rank
  UNION ALL
  MATCH (hub:VirtualHub)-[:CONNECTS_TO]->(v), (hub)-[:PART_OF]->(w)<-[:PART_OF]-(h2:VirtualHub),
        (h2)-[e:CONNECTS_TO]->(x)
  RETURN x, 'hub-connection' AS relation, h2.id AS via, e.state AS state, 5 AS rank
  UNION ALL
  MATCH (hub:VirtualHub)-[:CONNECTS_TO]->(v), (hub)-[:PART_OF]->(w)<-[:PART_OF]-(h2:VirtualHub),
        (h2)<-[:PART_OF]-(part)-[e:CONNECTS_TO]->(x)
  RETURN x, CASE WHEN part:VpnGateway THEN 'vpn-site' ELSE 'circuit' END AS relation,
         part.id AS via, e.state AS state, 6 AS rank
}
WITH v, x, relation, via, state, rank WHERE x <> v
ORDER BY rank, via, relation
WITH v, x, head(collect({relation: relation, via: via, state: state})) AS way
WITH v, collect({x: x, relation: way.relation, via: way.via, state: way.state}) AS found
CALL (found) {
  UNWIND found AS f
  WITH f.x AS c WHERE c:ExpressRouteCircuit
  MATCH (c)-[g:GLOBAL_REACH]-(o:ExpressRouteCircuit)
  RETURN collect({x: o, relation: 'global-reach', via: c.id, state: g.circuitConnectionStatus}) AS reach
}
UNWIND found + reach AS f
WITH v, f WHERE f.x <> v
WITH f.x AS x, f ORDER BY CASE f.relation WHEN 'global-reach' THEN 1 ELSE 0 END, f.via
WITH x, head(collect(f)) AS f
RETURN x.id AS reached, head([l IN labels(x) WHERE l <> 'Tenantmap']) AS label, x.name AS name, f.relation AS relation, f.via AS via,
       f.state AS state, CASE WHEN x:Subscription THEN x.id ELSE x.subscriptionId END AS subscriptionId,
       CASE WHEN x:Tenant THEN x.id ELSE x.tenantId END AS tenantId, coalesce(x.foreign, false) AS foreign
ORDER BY relation, reached, via""",
)

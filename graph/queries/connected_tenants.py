"""The named query connected-tenants: every tenant connected to one of ours, one row per link."""

from __future__ import annotations

import networkx as nx

from graph.queries.base import Query, Row, name_of, tenant_of_node
from graph.queries.links import (
    CHANNEL_CASE,
    LINK_RELS,
    PRESENT,
    iter_links,
)


def connected_tenants(g: nx.MultiDiGraph) -> list[Row]:
    rows = []
    for link in iter_links(g):
        near, far = tenant_of_node(g, link.near), tenant_of_node(g, link.far)
        if near == far or near is None:
            continue
        rows.append(
            {
                "tenant": near,
                "tenantName": name_of(g, near),
                "connectedTenant": far or "unknown",
                "connectedTenantName": name_of(g, far) if far else "unknown",
                "connectedTenantForeign": bool(g.nodes[far].get("foreign")) if far in g else True,
                "channel": link.channel,
                "from": link.near,
                "to": link.far,
                "state": link.state,
            }
        )
    return sorted(
        rows, key=lambda r: (r["tenant"], r["connectedTenant"], r["channel"], r["from"], r["to"])
    )


QUERY = Query(
    name="connected-tenants",
    description=(
        "Every tenant connected to one of ours, one row per link that connects them, with the "
        "channel it runs over (vnet-peering, gateway-connection, expressroute-authorization, "
        "expressroute-global-reach, vwan-hub-connection, private-endpoint, private-endpoint-inbound, "
        "network-manager, lighthouse, site-to-site; the identity and data channels "
        "such as foreign-group-role or federated-credential, whose far end may be an external party "
        "like issuer:<url> or any-tenant) and the link's state. Links are oriented from our "
        "side; a far tenant that could not be resolved shows as 'unknown', a private link service "
        "known only by alias as alias:<alias>. The automatic Virtual WAN hub peering is left out."
    ),
    params=(),
    columns=(
        "tenant",
        "tenantName",
        "connectedTenant",
        "connectedTenantName",
        "connectedTenantForeign",
        "channel",
        "from",
        "to",
        "state",
    ),
    answer=connected_tenants,
    cypher=f"""MATCH (a)-[r:{LINK_RELS}]->(b)
WHERE {PRESENT} AND NOT coalesce(r.hubManaged, false)
WITH a, r, b, {CHANNEL_CASE} AS channel
WHERE channel IS NOT NULL
WITH CASE WHEN r.direction = 'inbound' THEN b ELSE a END AS near,
     CASE WHEN r.direction = 'inbound' THEN a ELSE b END AS far, r, channel
WITH near, far, r, channel,
     CASE WHEN near:Tenant THEN near.id ELSE near.tenantId END AS t1,
     CASE WHEN far:Tenant OR far:ExternalParty OR far.id STARTS WITH 'alias:' THEN far.id ELSE far.tenantId END AS t2
WHERE t1 IS NOT NULL AND t1 <> coalesce(t2, 'unknown')
OPTIONAL MATCH (tn:Tenant {{id: t1}})
OPTIONAL MATCH (cn:Tenant {{id: t2}})
WITH near, far, r, channel, t1, t2, tn,
     CASE WHEN t2 STARTS WITH 'alias:' OR far:ExternalParty THEN far ELSE cn END AS other
RETURN t1 AS tenant, coalesce(tn.name, t1) AS tenantName, coalesce(t2, 'unknown') AS connectedTenant,
       CASE WHEN t2 IS NULL THEN 'unknown' ELSE coalesce(other.name, t2) END AS connectedTenantName,
       coalesce(other.foreign, true) AS connectedTenantForeign,
       channel, near.id AS from, far.id AS to,
       coalesce(r.peeringState, r.connectionStatus, r.state, r.authorizationUseStatus,
                r.circuitConnectionStatus, r.status, r.via) AS state
ORDER BY tenant, connectedTenant, channel, from, to""",
)

"""The named query cross-links: every link that crosses a subscription or tenant boundary."""

from __future__ import annotations

import networkx as nx

from graph.queries.base import Query, Row, subscription_of_node, tenant_of_node
from graph.queries.links import (
    CHANNEL_CASE,
    LINK_RELS,
    PRESENT,
    SUB_A,
    SUB_B,
    TENANT_A,
    TENANT_B,
    iter_links,
)


def cross_links(g: nx.MultiDiGraph) -> list[Row]:
    rows = []
    for link in iter_links(g):
        near_sub, far_sub = subscription_of_node(g, link.near), subscription_of_node(g, link.far)
        near_tenant, far_tenant = tenant_of_node(g, link.near), tenant_of_node(g, link.far)
        cross_tenant = near_tenant != far_tenant
        if not cross_tenant and near_sub == far_sub:
            continue
        rows.append(
            {
                "channel": link.channel,
                "from": link.near,
                "fromSubscription": near_sub,
                "fromTenant": near_tenant,
                "to": link.far,
                "toSubscription": far_sub,
                "toTenant": far_tenant,
                "crossTenant": cross_tenant,
                "state": link.state,
            }
        )
    return sorted(rows, key=lambda r: (r["channel"], r["from"], r["to"]))


QUERY = Query(
    name="cross-links",
    description=(
        "Every link that crosses a subscription or tenant boundary (the channels of "
        "connected-tenants), with both ends' subscription and tenant and whether it crosses tenants. "
        "Links inside one subscription are left out."
    ),
    params=(),
    columns=(
        "channel",
        "from",
        "fromSubscription",
        "fromTenant",
        "to",
        "toSubscription",
        "toTenant",
        "crossTenant",
        "state",
    ),
    answer=cross_links,
    cypher=f"""MATCH (a)-[r:{LINK_RELS}]->(b)
WHERE {PRESENT} AND NOT coalesce(r.hubManaged, false)
WITH a, r, b, {CHANNEL_CASE} AS channel
WHERE channel IS NOT NULL
WITH channel, r,
     CASE WHEN r.direction = 'inbound' THEN b ELSE a END AS a,
     CASE WHEN r.direction = 'inbound' THEN a ELSE b END AS b
WITH channel, r, a, b, {SUB_A} AS s1, {SUB_B} AS s2, {TENANT_A} AS t1, {TENANT_B} AS t2
WHERE coalesce(t1, '') <> coalesce(t2, '') OR coalesce(s1, '') <> coalesce(s2, '')
RETURN channel, a.id AS from, s1 AS fromSubscription, t1 AS fromTenant, b.id AS to,
       s2 AS toSubscription, t2 AS toTenant, coalesce(t1, '') <> coalesce(t2, '') AS crossTenant,
       coalesce(r.peeringState, r.connectionStatus, r.state, r.authorizationUseStatus,
                r.circuitConnectionStatus, r.status, r.via) AS state
ORDER BY channel, from, to""",
)

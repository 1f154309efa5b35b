"""The named query mg-subscriptions: the subscriptions under a management group at any depth."""

from __future__ import annotations

from collections import deque

import networkx as nx

from graph.analysis.walk import edges_out, label_of
from graph.queries.base import Query, QueryError, Row, name_of
from graph.schema import Label, Rel, node_id


def _find_management_group(g: nx.MultiDiGraph, mg: str) -> str:
    wanted = mg.strip()
    as_id = node_id(wanted)
    if label_of(g, as_id) == Label.MANAGEMENT_GROUP.value:
        return as_id
    by_path = node_id(f"/providers/Microsoft.Management/managementGroups/{wanted}")
    if label_of(g, by_path) == Label.MANAGEMENT_GROUP.value:
        return by_path
    named = sorted(
        n
        for n, data in g.nodes(data=True)
        if data.get("label") == Label.MANAGEMENT_GROUP.value
        and wanted.lower()
        in (str(data.get("name", "")).lower(), str(data.get("displayName", "")).lower())
    )
    if len(named) == 1:
        return named[0]
    if named:
        raise QueryError(f"{mg!r} names {len(named)} management groups: give the full id of one.")
    raise QueryError(f"no management group {mg!r} in the graph: give its name, display name or id.")


def mg_subscriptions(g: nx.MultiDiGraph, mg: str) -> list[Row]:
    root = _find_management_group(g, mg)
    rows = []
    seen = {root}
    queue: deque[tuple[str, list[str]]] = deque([(root, [name_of(g, root)])])
    while queue:
        current, chain = queue.popleft()
        for child, _ in edges_out(g, current, Rel.CONTAINS):
            if child in seen:
                continue
            seen.add(child)
            label = label_of(g, child)
            if label == Label.MANAGEMENT_GROUP.value:
                queue.append((child, [*chain, name_of(g, child)]))
            elif label == Label.SUBSCRIPTION.value:
                data = g.nodes[child]
                rows.append(
                    {
                        "subscriptionId": child,
                        "name": data.get("name"),
                        "state": data.get("state"),
                        "tenantId": data.get("tenantId"),
                        "crawled": bool(data.get("crawled", False)),
                        "managementGroupPath": " / ".join(chain),
                    }
                )
    return sorted(rows, key=lambda r: (r["managementGroupPath"], r["subscriptionId"]))


QUERY = Query(
    name="mg-subscriptions",
    description=(
        "The subscriptions under a management group at any depth, with the path of groups that leads "
        "to each. Give the group's name (the last segment of its id), its display name or its id."
    ),
    params=("management_group",),
    columns=(
        "subscriptionId",
        "name",
        "state",
        "tenantId",
        "crawled",
        "managementGroupPath",
    ),
    answer=mg_subscriptions,
    cypher="""MATCH (m:ManagementGroup)
WITH m, toLower(rtrim(trim($management_group), '/')) AS wanted
WHERE m.id = wanted OR m.id = '/providers/microsoft.management/managementgroups/' + wanted
   OR toLower(m.name) = wanted OR toLower(m.displayName) = wanted
MATCH path = (m)-[:CONTAINS*1..]->(s:Subscription)
WHERE all(n IN nodes(path)[1..-1] WHERE n:ManagementGroup) AND coalesce(s.present, true)
RETURN DISTINCT s.id AS subscriptionId, s.name AS name, s.state AS state, s.tenantId AS tenantId,
       coalesce(s.crawled, false) AS crawled,
       reduce(p = m.name, n IN nodes(path)[1..-1] | p + ' / ' + n.name) AS managementGroupPath
ORDER BY managementGroupPath, subscriptionId""",
)

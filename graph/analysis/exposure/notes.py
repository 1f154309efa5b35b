"""Notes an exposure carries beyond its entries: a 0.0.0.0/0 route to None on its subnet,
and a network manager whose security admin rules the analysis does not evaluate."""

from __future__ import annotations

import networkx as nx

from graph.analysis.exposure.core import (
    props_of,
)
from graph.analysis.walk import edges_out, label_of, nodes_of
from graph.schema import Label, Rel, node_id
from graph.stored_values import item_props, json_list


def route_none(g: nx.MultiDiGraph, subnet: str | None) -> bool:
    if subnet is None:
        return False
    for table, _ in edges_out(g, subnet, Rel.ROUTES_VIA):
        for route in json_list(props_of(g, table).get("routes")):
            props = item_props(route)
            if (
                str(props.get("addressPrefix", "")).strip() == "0.0.0.0/0"
                and str(props.get("nextHopType", "")).lower() == "none"
            ):
                return True
    return False


def _sub_id(value: str) -> str:
    """A subscription GUID from a GUID or a ``/subscriptions/<guid>`` id."""
    text = value.strip().strip("/").lower()
    return text.split("/")[1] if text.startswith("subscriptions/") else text


def _mg_id(value: str) -> str:
    value = value.strip()
    if value.startswith("/"):
        return node_id(value)
    return f"/providers/microsoft.management/managementgroups/{value.lower()}"


def managed_subscriptions(g: nx.MultiDiGraph) -> set[str]:
    """Subscriptions within any network manager's scope (exposure.md rule 9)."""
    subs: set[str] = set()
    groups: set[str] = set()
    for node, data in nodes_of(g, Label.NETWORK_MANAGER, Label.NETWORK_MANAGER_CONNECTION):
        label = data.get("label")
        if label == Label.NETWORK_MANAGER:
            subs.update(_sub_id(str(s)) for s in data.get("scopeSubscriptions") or [])
            groups.update(_mg_id(str(m)) for m in data.get("scopeManagementGroups") or [])
            for scoped, _ in edges_out(g, node, Rel.SCOPES):
                if label_of(g, scoped) == Label.SUBSCRIPTION:
                    subs.add(scoped)
                elif label_of(g, scoped) == Label.MANAGEMENT_GROUP:
                    groups.add(scoped)
        elif label == Label.NETWORK_MANAGER_CONNECTION:
            if node.startswith("/providers/microsoft.management/managementgroups/"):
                groups.add("/".join(node.split("/")[:5]))
            elif data.get("subscriptionId"):
                subs.add(str(data["subscriptionId"]).lower())
            elif node.startswith("/subscriptions/"):
                subs.add(node.split("/")[2])
    # Every subscription below a scoped management group, at any depth.
    stack = [m for m in groups if m in g]
    seen = set(stack)
    while stack:
        group = stack.pop()
        for child, _ in edges_out(g, group, Rel.CONTAINS):
            label = label_of(g, child)
            if label == Label.SUBSCRIPTION:
                subs.add(child)
            elif label == Label.MANAGEMENT_GROUP and child not in seen:
                seen.add(child)
                stack.append(child)
    return subs

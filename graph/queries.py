"""Named queries: the questions architects ask of the graph, answered on a networkx graph.

Both stores' `read_graph()` return the same networkx graph, so every answer is the same
on SQLite and Neo4j. Each query has a name, a description, parameters, fixed result
columns and, where Cypher can say it, the Cypher text for Neo4j users
(`tenantmap query --list --cypher`). Rows are lists of dicts with exactly `columns`.
Only present items are considered unless `include_stale`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import networkx as nx

from graph.listeners import gateway_listeners, on_frontend
from graph.schema import ALIAS_PREFIX, INTERNET_ID, Label, Rel, node_id
from reports.safe_text import safe_text

Row = dict[str, Any]

# Properties the stores add; a change in them is not a change in the estate.
STORE_PROPS = frozenset({"firstSeen", "lastSeen", "present"})


class GraphStore(Protocol):
    """What the named queries need of a store (graph.stores.Store has it)."""

    def read_graph(
        self, run_id: str | None = None, include_stale: bool = False
    ) -> nx.MultiDiGraph: ...

    def runs(self) -> list[Any]: ...


# -- helpers -------------------------------------------------------------------------


def present_view(g: nx.MultiDiGraph, include_stale: bool = False) -> nx.MultiDiGraph:
    """The graph without stale items (present=false), unless include_stale."""
    if include_stale:
        return g

    def node_ok(n: str) -> bool:
        return g.nodes[n].get("present", True) is not False

    def edge_ok(u: str, v: str, k: str) -> bool:
        return g[u][v][k].get("present", True) is not False

    return nx.subgraph_view(g, filter_node=node_ok, filter_edge=edge_ok)


def _out(g: nx.MultiDiGraph, n: str, rel: Rel) -> Iterator[tuple[str, dict[str, Any]]]:
    if n not in g:
        return
    for _, target, data in g.out_edges(n, data=True):
        if data.get("type") == rel.value:
            yield target, data


def _in(g: nx.MultiDiGraph, n: str, rel: Rel) -> Iterator[tuple[str, dict[str, Any]]]:
    if n not in g:
        return
    for source, _, data in g.in_edges(n, data=True):
        if data.get("type") == rel.value:
            yield source, data


def _label(g: nx.MultiDiGraph, n: str) -> str | None:
    return g.nodes[n].get("label") if n in g else None


def _name(g: nx.MultiDiGraph, n: str) -> str:
    return str(g.nodes[n].get("name") or n) if n in g else n


def _tenant(g: nx.MultiDiGraph, n: str) -> str | None:
    """The tenant a node belongs to; alias:<...> for a private link service known by alias."""
    if n.startswith(ALIAS_PREFIX):
        return n
    if n not in g:
        return None
    data = g.nodes[n]
    if data.get("label") == Label.TENANT.value:
        return n
    tenant = data.get("tenantId")
    return str(tenant) if tenant else None


def _subscription(g: nx.MultiDiGraph, n: str) -> str | None:
    if n not in g:
        return None
    data = g.nodes[n]
    if data.get("label") == Label.SUBSCRIPTION.value:
        return n
    sub = data.get("subscriptionId")
    return str(sub) if sub else None


# -- the links between owners ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    """One edge that connects two owners, oriented from our side (`near`) to the other (`far`)."""

    channel: str
    relation: str
    near: str
    far: str
    state: str | None


def _connects_channel(g: nx.MultiDiGraph, source: str, data: dict[str, Any]) -> str | None:
    label = _label(g, source)
    if label == Label.CONNECTION.value:
        return "site-to-site" if data.get("end") == "local" else "gateway-connection"
    return {
        Label.EXPRESSROUTE_GATEWAY.value: "gateway-connection",
        Label.VIRTUAL_HUB.value: "vwan-hub-connection",
        Label.VPN_GATEWAY.value: "site-to-site",
        Label.NETWORK_MANAGER_CONNECTION.value: "network-manager",
    }.get(label or "")


def iter_links(g: nx.MultiDiGraph) -> Iterator[Link]:
    """Every edge that can join two subscriptions or tenants, with the findings channel it is."""
    for u, v, data in g.edges(data=True):
        rel = data.get("type")
        if rel == Rel.PEERS_WITH.value:
            if data.get("hubManaged"):
                continue
            yield Link("vnet-peering", rel, u, v, data.get("peeringState"))
        elif rel == Rel.CONNECTS_TO.value:
            channel = _connects_channel(g, u, data)
            if channel:
                yield Link(channel, rel, u, v, data.get("connectionStatus") or data.get("state"))
        elif rel == Rel.REDEEMED_BY.value:
            yield Link("expressroute-authorization", rel, u, v, data.get("authorizationUseStatus"))
        elif rel == Rel.GLOBAL_REACH.value:
            yield Link("expressroute-global-reach", rel, u, v, data.get("circuitConnectionStatus"))
        elif rel == Rel.PRIVATE_LINK.value:
            if data.get("direction") == "inbound":
                yield Link("private-endpoint-inbound", rel, v, u, data.get("status"))
            else:
                yield Link("private-endpoint", rel, u, v, data.get("status"))
        elif rel == Rel.MANAGED_BY.value:
            yield Link("lighthouse", rel, u, v, data.get("via"))
        elif rel == Rel.SCOPES.value:
            yield Link("network-manager", rel, u, v, None)


# -- connected-tenants -------------------------------------------------------------------


def connected_tenants(g: nx.MultiDiGraph) -> list[Row]:
    rows = []
    for link in iter_links(g):
        near, far = _tenant(g, link.near), _tenant(g, link.far)
        if near == far or near is None:
            continue
        rows.append(
            {
                "tenant": near,
                "tenantName": _name(g, near),
                "connectedTenant": far or "unknown",
                "connectedTenantName": _name(g, far) if far else "unknown",
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


# -- cross-links -------------------------------------------------------------------------


def cross_links(g: nx.MultiDiGraph) -> list[Row]:
    rows = []
    for link in iter_links(g):
        near_sub, far_sub = _subscription(g, link.near), _subscription(g, link.far)
        near_tenant, far_tenant = _tenant(g, link.near), _tenant(g, link.far)
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


# -- internet-paths -------------------------------------------------------------------------


def _behind_ip_configuration(g: nx.MultiDiGraph, ipc: str) -> tuple[list[str], str]:
    """ipconfig -> NIC -> VM when attached; returns the hops after the ipconfig and the target."""
    for nic, _ in _in(g, ipc, Rel.HAS_IP_CONFIG):
        for vm, _ in _out(g, nic, Rel.ATTACHED_TO):
            if _label(g, vm) == Label.VIRTUAL_MACHINE.value:
                return [nic, vm], vm
        return [nic], nic
    return [], ipc


def _subnet_of(g: nx.MultiDiGraph, n: str) -> str | None:
    return min((s for s, _ in _out(g, n, Rel.IN_SUBNET)), default=None)


def _path_row(
    g: nx.MultiDiGraph,
    pip: str,
    holder: str,
    via: str,
    path: list[str],
    target: str,
    ports: str | None,
) -> Row:
    last_hop = path[-1] if path else holder
    ipc = next((p for p in path if _label(g, p) == Label.IP_CONFIGURATION.value), None)
    return {
        "publicIp": pip,
        "ipAddress": g.nodes[pip].get("ipAddress"),
        "via": via,
        "holder": holder,
        "target": target,
        "targetLabel": _label(g, target),
        "ports": ports,
        "subnet": _subnet_of(g, ipc or last_hop),
        "subscriptionId": _subscription(g, target),
        "path": " -> ".join([INTERNET_ID, pip, *path]),
    }


def _lb_ports(data: dict[str, Any]) -> str:
    start, end = data.get("frontendPortStart"), data.get("frontendPortEnd")
    front = f"{start}" if start == end else f"{start}-{end}"
    return f"{data.get('protocol') or '*'} {front}->{data.get('backendPort', '')}"


def _dnat_ports(data: dict[str, Any]) -> str:
    protocols = ",".join(data.get("protocols") or []) or "*"
    dest = ",".join(data.get("destinationPorts") or [])
    return f"{protocols} {dest}->{data.get('translatedPort') or ''}"


def _json_list(value: Any) -> list[Any]:
    try:
        parsed = json.loads(value) if isinstance(value, str) else []
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []


def _listener_ports(data: dict[str, Any], frontend: str | None) -> str | None:
    """The ports of an application gateway's listeners on one frontend ("Tcp 80,443")."""
    found = {
        listener.port
        for listener in gateway_listeners(data)
        if listener.port is not None and on_frontend(listener, frontend)
    }
    return "Tcp " + ",".join(str(p) for p in sorted(found)) if found else None


def _forwards(
    g: nx.MultiDiGraph, pip: str, holder: str, attach: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """The rules that forward what reaches `pip` on `holder`: the load balancer's rules on its
    frontend, or the firewall's DNAT rules whose destination is the public IP's address."""
    label = _label(g, holder)
    out = []
    for target, fwd in _out(g, holder, Rel.FORWARDS_TO):
        if label == Label.LOAD_BALANCER.value:
            frontend = attach.get("frontendIPConfigId")
            if frontend and fwd.get("frontendIPConfigId") not in (None, frontend):
                continue
        elif label == Label.FIREWALL.value:
            dests = fwd.get("destinationAddresses") or []
            address = g.nodes[pip].get("ipAddress")
            if fwd.get("kind") != "dnat":
                continue
            if address and dests and address not in dests and "*" not in dests:
                continue
        else:
            continue
        out.append((target, fwd))
    return out


HOLDER_VIA = {
    Label.IP_CONFIGURATION.value: "public-ip",
    Label.LOAD_BALANCER.value: "load-balancer",
    Label.FIREWALL.value: "firewall-dnat",
    Label.APPLICATION_GATEWAY.value: "application-gateway",
    Label.BASTION.value: "bastion",
    Label.VNET_GATEWAY.value: "gateway",
    Label.VPN_GATEWAY.value: "gateway",
}


def internet_paths(g: nx.MultiDiGraph) -> list[Row]:
    rows: list[Row] = []
    for pip, _ in _out(g, INTERNET_ID, Rel.EXPOSES):
        for holder, attach in _out(g, pip, Rel.ATTACHED_TO):
            label = _label(g, holder)
            via = HOLDER_VIA.get(label or "", "other")
            if label == Label.IP_CONFIGURATION.value:
                hops, target = _behind_ip_configuration(g, holder)
                rows.append(_path_row(g, pip, holder, via, [holder, *hops], target, None))
                continue
            forwards = _forwards(g, pip, holder, attach)
            ports: str | None
            for ipc, fwd in forwards:
                ports = _dnat_ports(fwd) if fwd.get("kind") == "dnat" else _lb_ports(fwd)
                if ipc == holder:  # a DNAT rule whose target no NIC holds
                    rows.append(_path_row(g, pip, holder, via, [holder], holder, ports))
                    continue
                hops, target = _behind_ip_configuration(g, ipc)
                rows.append(_path_row(g, pip, holder, via, [holder, ipc, *hops], target, ports))
            if not forwards:
                ports = None
                if label == Label.APPLICATION_GATEWAY.value:
                    ports = _listener_ports(g.nodes[holder], attach.get("frontendIPConfigId"))
                rows.append(_path_row(g, pip, holder, via, [holder], holder, ports))
    return sorted(
        rows,
        key=lambda r: (r["subscriptionId"] or "", r["target"], r["publicIp"], r["ports"] or ""),
    )


# -- vnet-reach ----------------------------------------------------------------------------


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
    if _label(g, start) != Label.VIRTUAL_NETWORK.value:
        raise QueryError(f"{vnet} is not a virtual network in the graph: give the ARM id of one.")
    found: list[tuple[str, str, str, Any]] = []  # (reached, relation, via, state)

    def gateways(v: str, via: str) -> None:
        for gw, _ in _in(g, v, Rel.CONNECTS_TO):
            if _label(g, gw) != Label.VNET_GATEWAY.value:
                continue
            found.append((gw, "gateway", via, None))
            for conn, _ in _in(g, gw, Rel.CONNECTS_TO):
                if _label(g, conn) != Label.CONNECTION.value:
                    continue
                for other, data in _out(g, conn, Rel.CONNECTS_TO):
                    if other != gw:
                        relation = f"connection-{data.get('end')}"
                        found.append((other, relation, conn, data.get("connectionStatus")))

    gateways(start, start)
    for peer, data in _out(g, start, Rel.PEERS_WITH):
        relation = "hub-managed-peering" if data.get("hubManaged") else "peering"
        found.append((peer, relation, start, data.get("peeringState")))
        if data.get("useRemoteGateways"):
            gateways(peer, peer)
    for peer, data in _in(g, start, Rel.PEERS_WITH):
        found.append((peer, "peering", peer, data.get("peeringState")))
    for hub, data in _in(g, start, Rel.CONNECTS_TO):
        if _label(g, hub) != Label.VIRTUAL_HUB.value:
            continue
        found.append((hub, "hub", start, data.get("state")))
        for wan, _ in _out(g, hub, Rel.PART_OF):
            found.append((wan, "wan", hub, None))
            for other_hub, _ in _in(g, wan, Rel.PART_OF):
                if _label(g, other_hub) != Label.VIRTUAL_HUB.value:
                    continue
                found.append((other_hub, "hub", wan, None))
                for spoke, sdata in _out(g, other_hub, Rel.CONNECTS_TO):
                    found.append((spoke, "hub-connection", other_hub, sdata.get("state")))
                for part, _ in _in(g, other_hub, Rel.PART_OF):
                    relation = (
                        "vpn-site" if _label(g, part) == Label.VPN_GATEWAY.value else "circuit"
                    )
                    for far, fdata in _out(g, part, Rel.CONNECTS_TO):
                        found.append((far, relation, part, fdata.get("state")))
    best = _best_ways(found, start)
    circuits = [n for n in best if _label(g, n) == Label.EXPRESSROUTE_CIRCUIT.value]
    reach: list[tuple[str, str, str, Any]] = []
    for circuit in circuits:
        for rel_edges in (_out(g, circuit, Rel.GLOBAL_REACH), _in(g, circuit, Rel.GLOBAL_REACH)):
            for other, data in rel_edges:
                if _label(g, other) == Label.EXPRESSROUTE_CIRCUIT.value and other not in best:
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
                "subscriptionId": _subscription(g, reached),
                "tenantId": _tenant(g, reached),
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


# -- mg-subscriptions --------------------------------------------------------------------------


def _find_management_group(g: nx.MultiDiGraph, mg: str) -> str:
    wanted = mg.strip()
    as_id = node_id(wanted)
    if _label(g, as_id) == Label.MANAGEMENT_GROUP.value:
        return as_id
    by_path = node_id(f"/providers/Microsoft.Management/managementGroups/{wanted}")
    if _label(g, by_path) == Label.MANAGEMENT_GROUP.value:
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
    queue: deque[tuple[str, list[str]]] = deque([(root, [_name(g, root)])])
    while queue:
        current, chain = queue.popleft()
        for child, _ in _out(g, current, Rel.CONTAINS):
            if child in seen:
                continue
            seen.add(child)
            label = _label(g, child)
            if label == Label.MANAGEMENT_GROUP.value:
                queue.append((child, [*chain, _name(g, child)]))
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


# -- changes -------------------------------------------------------------------------------


def _plain(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in STORE_PROPS}


# Fields that change with every write of a resource and say nothing about it.
_VOLATILE = frozenset({"etag", "provisioningState", "resourceGuid"})


def _named_items(value: Any) -> dict[str, dict[str, Any]] | None:
    """A list of ARM child objects (NSG rules, subnets, routes...) by name, else None."""
    if not isinstance(value, list) or not value:
        return None
    if not all(isinstance(v, dict) and isinstance(v.get("name"), str) for v in value):
        return None
    named = {str(v["name"]): v for v in value}
    return named if len(named) == len(value) else None


def _flat(value: Any, path: str = "") -> dict[str, Any]:
    """Nested dicts as dotted paths (an ARM child's `properties.` level dropped), volatile fields out."""
    if not isinstance(value, dict):
        return {path: value}
    out: dict[str, Any] = {}
    for key, inner in value.items():
        if key in _VOLATILE or (not path and key in ("id", "name")):
            continue
        sub = path if key == "properties" and not path else f"{path}.{key}" if path else key
        out.update(_flat(inner, sub))
    return out


def _compact(fields: dict[str, Any]) -> str:
    """`key value; key value` with empty values left out: one readable line."""
    return "; ".join(
        f"{k} {v if isinstance(v, str) else json.dumps(v, sort_keys=True)}"
        for k, v in sorted(fields.items())
        if v not in (None, "", [], {})
    )


def _differs(old: Any, new: Any) -> bool:
    """Unequal, an ARM id spelled in another letter case not counting."""
    if isinstance(old, str) and isinstance(new, str) and old.startswith("/"):
        return old.lower() != new.lower()
    return bool(old != new)


def _decoded(value: Any) -> Any:
    """Structured properties come back from a store as JSON text."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# ARM ids and names are case-insensitive and Azure spells the same one differently from
# call to call (`resourceGroups`/`resourcegroups`, `RG-WEB`/`rg-web`): a new spelling of
# the same id is not a change. The graph keeps the spelling Azure sent, to show it.
_SPELLINGS = ("armId", "resourceGroup")
_ID_IN_JSON = re.compile(r'"(/(?:subscriptions|providers|tenants)/[^"\\]*)"', re.I)


def _ids_lowered(text: str) -> str:
    return _ID_IN_JSON.sub(lambda m: m.group(0).lower(), text)


def _same_but_spelling(prop: str, old: Any, new: Any, props: dict[str, Any]) -> bool:
    """Do two values differ only in the letter case of ARM ids or names?"""
    if not (isinstance(old, str) and isinstance(new, str)) or old.lower() != new.lower():
        return False
    if prop in _SPELLINGS:
        return True
    if prop == "name":  # an ARM name (the id's last segment), not a display name
        return str(props.get("armId", "")).rstrip("/").lower().endswith("/" + new.lower())
    return old.startswith(("[", "{")) and _ids_lowered(old) == _ids_lowered(new)


def property_diffs(prop: str, old: Any, new: Any) -> list[tuple[str, str, Any, Any]]:
    """(property, change, before, after) lines: a list of named children (an NSG's
    securityRules) one line per child added, removed or changed, showing only the
    fields that differ; any other value before and after as it is."""
    if old == new:
        return []
    old, new = _decoded(old), _decoded(new)
    before, after = _named_items(old), _named_items(new)
    # A list that is empty or absent on one side is still a list of named children.
    if before is None and old in (None, []) and after is not None:
        before = {}
    if after is None and new in (None, []) and before is not None:
        after = {}
    if before is None or after is None:
        if isinstance(old, dict) and isinstance(new, dict):
            return [
                line
                for key in sorted(set(old) | set(new))
                if key not in _VOLATILE
                for line in property_diffs(f"{prop}.{key}", old.get(key), new.get(key))
            ]
        return [(prop, "changed", old, new)]
    lines: list[tuple[str, str, Any, Any]] = []
    for name in sorted(set(before) | set(after)):
        where = f"{prop}[{name}]"
        if name not in before:
            lines.append((where, "added", None, _compact(_flat(after[name]))))
        elif name not in after:
            lines.append((where, "removed", _compact(_flat(before[name])), None))
        else:
            was, now = _flat(before[name]), _flat(after[name])
            keys = sorted(k for k in set(was) | set(now) if _differs(was.get(k), now.get(k)))
            if keys:
                lines.append(
                    (
                        where,
                        "changed",
                        _compact({k: was.get(k) for k in keys}) or "none",
                        _compact({k: now.get(k) for k in keys}) or "none",
                    )
                )
    return lines


def changes(current: nx.MultiDiGraph, previous: nx.MultiDiGraph | None) -> list[Row]:
    """Added and removed nodes and edges, and changed properties, from previous to current."""
    prev = previous if previous is not None else nx.MultiDiGraph()
    rows: list[Row] = []

    def row(
        change: str, kind: str, ident: str, label: Any, prop: str | None, before: Any, after: Any
    ) -> None:
        rows.append(
            {
                "change": change,
                "kind": kind,
                "id": ident,
                "label": label,
                "property": prop,
                "before": before,
                "after": after,
            }
        )

    def diff_props(
        kind: str, ident: str, label: Any, old: dict[str, Any], new: dict[str, Any]
    ) -> None:
        for prop in sorted(set(old) | set(new)):
            before, after = old.get(prop), new.get(prop)
            if _same_but_spelling(prop, before, after, new):
                continue
            for where, how, was, now in property_diffs(prop, before, after):
                shown = where if how == "changed" else f"{where} ({how})"
                row("changed", kind, ident, label, shown, was, now)

    for n, data in current.nodes(data=True):
        if n not in prev:
            row("added", "node", n, data.get("label"), None, None, None)
        else:
            diff_props("node", n, data.get("label"), _plain(prev.nodes[n]), _plain(data))
    for n, data in prev.nodes(data=True):
        if n not in current:
            row("removed", "node", n, data.get("label"), None, None, None)

    def edge_ident(u: str, k: str, v: str) -> str:
        return f"{u} -[{k}]-> {v}"

    for u, v, k, data in current.edges(keys=True, data=True):
        ident = edge_ident(u, k, v)
        if not prev.has_edge(u, v, k):
            row("added", "edge", ident, data.get("type"), None, None, None)
        else:
            diff_props("edge", ident, data.get("type"), _plain(prev[u][v][k]), _plain(data))
    for u, v, k, data in prev.edges(keys=True, data=True):
        if not current.has_edge(u, v, k):
            row("removed", "edge", edge_ident(u, k, v), data.get("type"), None, None, None)
    order = {"added": 0, "removed": 1, "changed": 2}
    return sorted(
        rows, key=lambda r: (order[r["change"]], r["kind"] != "node", r["id"], r["property"] or "")
    )


# -- the catalogue ------------------------------------------------------------------------------


class QueryError(Exception):
    """A query's parameter names nothing in the graph; the message says what to give instead."""


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    params: tuple[str, ...]
    columns: tuple[str, ...]
    answer: Callable[..., list[Row]]
    cypher: str | None = None
    needs_previous: bool = False
    # answered from the latest completed run's report.json (what the graph alone cannot say)
    from_report: bool = False

    def run(
        self,
        graph: nx.MultiDiGraph,
        *params: str,
        include_stale: bool = False,
        previous: nx.MultiDiGraph | None = None,
    ) -> list[Row]:
        """Answer on a graph (for `changes`, `previous` is the previous run's graph)."""
        if len(params) != len(self.params):
            want = " ".join(p.upper() for p in self.params) or "no parameters"
            raise QueryError(f"query {self.name} takes {want}.")
        if self.from_report:
            raise QueryError(
                f"query {self.name} reads a run's report: ask a store that recorded runs."
            )
        g = present_view(graph, include_stale)
        if self.needs_previous:
            prev = present_view(previous, include_stale) if previous is not None else None
            rows = self.answer(g, prev)
        else:
            rows = self.answer(g, *params)
        return [{c: r.get(c) for c in self.columns} for r in rows]

    def run_on_store(
        self, store: GraphStore, *params: str, include_stale: bool = False
    ) -> list[Row]:
        """Answer on a store's latest graph (for `changes`: its two latest completed runs)."""
        if self.from_report:
            done = [r for r in store.runs() if r.outcome == "completed" and r.report]
            latest = max(done, key=lambda r: r.seq) if done else None
            rows = self.answer(latest.report if latest else None)
            return [{c: r.get(c) for c in self.columns} for r in rows]
        if not self.needs_previous:
            return self.run(
                store.read_graph(None, include_stale), *params, include_stale=include_stale
            )
        latest, before = _two_latest_runs(store)
        current = store.read_graph(latest, include_stale) if latest else nx.MultiDiGraph()
        previous = store.read_graph(before, include_stale) if before else None
        return self.run(current, *params, include_stale=include_stale, previous=previous)


def _run_id(run: Any) -> str | None:
    if isinstance(run, dict):
        return run.get("id")
    return getattr(run, "id", None)


def _completed(run: Any) -> bool:
    """A run whose graph counts: completed with exit 0 or 1 (the stores' RunRecord says so)."""
    flag = getattr(run, "counts_as_previous", None)
    if flag is not None:
        return bool(flag)
    outcome = run.get("outcome") if isinstance(run, dict) else getattr(run, "outcome", None)
    return outcome == "completed"


def _order(run: Any) -> tuple[int, str]:
    if isinstance(run, dict):
        return int(run.get("seq") or 0), str(run.get("started_at") or run.get("startedAt") or "")
    return int(getattr(run, "seq", 0) or 0), str(getattr(run, "started_at", "") or "")


def _two_latest_runs(store: GraphStore) -> tuple[str | None, str | None]:
    done = sorted((r for r in store.runs() if _completed(r)), key=_order)
    ids = [_run_id(r) for r in done]
    latest = ids[-1] if ids else None
    before = ids[-2] if len(ids) > 1 else None
    return latest, before


LINK_RELS = "PEERS_WITH|CONNECTS_TO|REDEEMED_BY|GLOBAL_REACH|PRIVATE_LINK|MANAGED_BY|SCOPES"
_CHANNEL_CASE = """CASE
         WHEN type(r) = 'PEERS_WITH' THEN 'vnet-peering'
         WHEN type(r) = 'REDEEMED_BY' THEN 'expressroute-authorization'
         WHEN type(r) = 'GLOBAL_REACH' THEN 'expressroute-global-reach'
         WHEN type(r) = 'MANAGED_BY' THEN 'lighthouse'
         WHEN type(r) = 'SCOPES' THEN 'network-manager'
         WHEN type(r) = 'PRIVATE_LINK' AND r.direction = 'inbound' THEN 'private-endpoint-inbound'
         WHEN type(r) = 'PRIVATE_LINK' THEN 'private-endpoint'
         WHEN a:Connection AND r.end = 'local' THEN 'site-to-site'
         WHEN a:Connection OR a:ExpressRouteGateway THEN 'gateway-connection'
         WHEN a:VirtualHub THEN 'vwan-hub-connection'
         WHEN a:VpnGateway THEN 'site-to-site'
         WHEN a:NetworkManagerConnection THEN 'network-manager'
       END"""
_PRESENT = "coalesce(a.present, true) AND coalesce(b.present, true) AND coalesce(r.present, true)"
_TENANT_A = "CASE WHEN a:Tenant OR a.id STARTS WITH 'alias:' THEN a.id ELSE a.tenantId END"
_TENANT_B = "CASE WHEN b:Tenant OR b.id STARTS WITH 'alias:' THEN b.id ELSE b.tenantId END"
_SUB_A = "CASE WHEN a:Subscription THEN a.id ELSE a.subscriptionId END"
_SUB_B = "CASE WHEN b:Subscription THEN b.id ELSE b.subscriptionId END"


def governance_rows(report: dict[str, Any] | None) -> list[Row]:
    """The report's governance matrix as rows: one per subscription in scope."""
    gov = (report or {}).get("governance") or {}
    rows: list[Row] = []
    order = list(gov.get("controls") or [])
    for row in gov.get("rows") or []:
        given = row.get("controls") or {}
        # report.json is written with sorted keys: the baseline's order is the declared one
        controls = {c: given[c] for c in order if c in given}
        rows.append(
            {
                "tenant": row.get("tenant"),
                "tenantName": row.get("tenantName"),
                "subscriptionId": row.get("subscription"),
                "name": row.get("name"),
                "inScopeBecause": row.get("reason"),
                "missing": [c for c, s in controls.items() if s == "missing"],
                "unknown": [c for c, s in controls.items() if s == "unknown"],
                "present": [c for c, s in controls.items() if s == "present"],
            }
        )
    return rows


QUERIES: dict[str, Query] = {
    q.name: q
    for q in (
        Query(
            name="connected-tenants",
            description=(
                "Every tenant connected to one of ours, one row per link that connects them, with the "
                "channel it runs over (vnet-peering, gateway-connection, expressroute-authorization, "
                "expressroute-global-reach, vwan-hub-connection, private-endpoint, private-endpoint-inbound, "
                "network-manager, lighthouse, site-to-site) and the link's state. Links are oriented from our "
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
WHERE {_PRESENT} AND NOT coalesce(r.hubManaged, false)
WITH a, r, b, {_CHANNEL_CASE} AS channel
WHERE channel IS NOT NULL
WITH CASE WHEN r.direction = 'inbound' THEN b ELSE a END AS near,
     CASE WHEN r.direction = 'inbound' THEN a ELSE b END AS far, r, channel
WITH near, far, r, channel,
     CASE WHEN near:Tenant THEN near.id ELSE near.tenantId END AS t1,
     CASE WHEN far:Tenant OR far.id STARTS WITH 'alias:' THEN far.id ELSE far.tenantId END AS t2
WHERE t1 IS NOT NULL AND t1 <> coalesce(t2, 'unknown')
OPTIONAL MATCH (tn:Tenant {{id: t1}})
OPTIONAL MATCH (cn:Tenant {{id: t2}})
WITH near, far, r, channel, t1, t2, tn, CASE WHEN t2 STARTS WITH 'alias:' THEN far ELSE cn END AS other
RETURN t1 AS tenant, coalesce(tn.name, t1) AS tenantName, coalesce(t2, 'unknown') AS connectedTenant,
       CASE WHEN t2 IS NULL THEN 'unknown' ELSE coalesce(other.name, t2) END AS connectedTenantName,
       coalesce(other.foreign, true) AS connectedTenantForeign,
       channel, near.id AS from, far.id AS to,
       coalesce(r.peeringState, r.connectionStatus, r.state, r.authorizationUseStatus,
                r.circuitConnectionStatus, r.status, r.via) AS state
ORDER BY tenant, connectedTenant, channel, from, to""",
        ),
        Query(
            name="internet-paths",
            description=(
                "Every path from the internet into the estate as the graph holds it, before any NSG is "
                "evaluated: Internet -> public IP -> its holder (a NIC IP configuration, a load balancer rule or "
                "NAT rule, a firewall DNAT rule, an application gateway, Bastion or a gateway) -> NIC -> VM, "
                "with the ports the rule maps (an application gateway's listener ports; not in the Cypher "
                "text, which cannot read the listeners' JSON), the subnet and the subscription reached. "
                "The report's internet-exposure findings say which of these paths NSGs leave open."
            ),
            params=(),
            columns=(
                "publicIp",
                "ipAddress",
                "via",
                "holder",
                "target",
                "targetLabel",
                "ports",
                "subnet",
                "subscriptionId",
                "path",
            ),
            answer=internet_paths,
            cypher="""MATCH (:Internet)-[:EXPOSES]->(pip:PublicIpAddress)-[att:ATTACHED_TO]->(h)
OPTIONAL MATCH (h)-[f:FORWARDS_TO]->(fwd)
WHERE (h:LoadBalancer AND (att.frontendIPConfigId IS NULL OR f.frontendIPConfigId IS NULL
                           OR f.frontendIPConfigId = att.frontendIPConfigId))
   OR (h:Firewall AND f.kind = 'dnat'
       AND (pip.ipAddress IS NULL OR size(coalesce(f.destinationAddresses, [])) = 0
            OR pip.ipAddress IN f.destinationAddresses OR '*' IN f.destinationAddresses))
WITH pip, h, f, CASE WHEN h:IpConfiguration THEN h WHEN fwd <> h THEN fwd END AS ipc
OPTIONAL MATCH (nic:NetworkInterface)-[:HAS_IP_CONFIG]->(ipc)
OPTIONAL MATCH (nic)-[:ATTACHED_TO]->(vm:VirtualMachine)
WITH pip, h, f, ipc, nic, vm, coalesce(ipc, h) AS anchor
OPTIONAL MATCH (anchor)-[:IN_SUBNET]->(s:Subnet)
WITH pip, h, f, ipc, nic, vm, collect(s.id) AS subnets
WITH pip, h, f, ipc, nic, vm, coalesce(vm, nic, ipc, h) AS target,
     reduce(m = null, x IN subnets | CASE WHEN m IS NULL OR x < m THEN x ELSE m END) AS subnet,
     reduce(p = '', x IN coalesce(f.protocols, []) | p + CASE WHEN p = '' THEN '' ELSE ',' END + x)
       AS protocols,
     reduce(p = '', x IN coalesce(f.destinationPorts, []) | p + CASE WHEN p = '' THEN '' ELSE ',' END + x)
       AS destinations
RETURN pip.id AS publicIp, pip.ipAddress AS ipAddress,
       CASE WHEN h:IpConfiguration THEN 'public-ip' WHEN h:LoadBalancer THEN 'load-balancer'
            WHEN h:Firewall THEN 'firewall-dnat' WHEN h:ApplicationGateway THEN 'application-gateway'
            WHEN h:BastionHost THEN 'bastion' WHEN h:VirtualNetworkGateway OR h:VpnGateway THEN 'gateway'
            ELSE 'other' END AS via,
       h.id AS holder, target.id AS target, head([l IN labels(target) WHERE l <> 'Tenantmap']) AS targetLabel,
       CASE WHEN f IS NULL THEN null
            WHEN f.kind = 'dnat' THEN CASE protocols WHEN '' THEN '*' ELSE protocols END + ' '
                 + destinations + '->' + coalesce(f.translatedPort, '')
            ELSE coalesce(f.protocol, '*') + ' ' + toString(f.frontendPortStart)
                 + CASE WHEN f.frontendPortStart = f.frontendPortEnd THEN ''
                        ELSE '-' + toString(f.frontendPortEnd) END
                 + '->' + coalesce(toString(f.backendPort), '') END AS ports,
       subnet, target.subscriptionId AS subscriptionId,
       reduce(path = 'internet -> ' + pip.id + ' -> ' + h.id,
              n IN [x IN [CASE WHEN ipc <> h THEN ipc END, nic, vm] WHERE x IS NOT NULL]
              | path + ' -> ' + n.id) AS path
ORDER BY subscriptionId, target, publicIp, ports""",
        ),
        Query(
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
        ),
        Query(
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
WHERE {_PRESENT} AND NOT coalesce(r.hubManaged, false)
WITH a, r, b, {_CHANNEL_CASE} AS channel
WHERE channel IS NOT NULL
WITH channel, r,
     CASE WHEN r.direction = 'inbound' THEN b ELSE a END AS a,
     CASE WHEN r.direction = 'inbound' THEN a ELSE b END AS b
WITH channel, r, a, b, {_SUB_A} AS s1, {_SUB_B} AS s2, {_TENANT_A} AS t1, {_TENANT_B} AS t2
WHERE coalesce(t1, '') <> coalesce(t2, '') OR coalesce(s1, '') <> coalesce(s2, '')
RETURN channel, a.id AS from, s1 AS fromSubscription, t1 AS fromTenant, b.id AS to,
       s2 AS toSubscription, t2 AS toTenant, coalesce(t1, '') <> coalesce(t2, '') AS crossTenant,
       coalesce(r.peeringState, r.connectionStatus, r.state, r.authorizationUseStatus,
                r.circuitConnectionStatus, r.status, r.via) AS state
ORDER BY channel, from, to""",
        ),
        Query(
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
        ),
        Query(
            name="changes",
            description=(
                "What changed since the previous run: nodes and edges added or removed, and every property "
                "whose value changed, comparing the latest completed run's graph with the one before it. "
                "Lists of named children (an NSG's securityRules, a VNet's subnets) show one line per child "
                "added, removed or changed, with only the fields that differ. "
                "The stores' own bookkeeping (firstSeen, lastSeen, present) is not a change, and "
                "neither is a new letter case of the same ARM id or name (Azure ids are "
                "case-insensitive)."
            ),
            params=(),
            columns=("change", "kind", "id", "label", "property", "before", "after"),
            answer=changes,
            cypher=None,
            needs_previous=True,
        ),
        Query(
            name="governance",
            description=(
                "The governance matrix of the latest completed run: every subscription "
                "in scope, why it is in scope (production, reaches, linked, all), and which declared "
                "controls are present, missing, or unknown because they could not be read. Empty when "
                "the inventory declares no governance baseline."
            ),
            params=(),
            columns=(
                "tenant",
                "tenantName",
                "subscriptionId",
                "name",
                "inScopeBecause",
                "missing",
                "unknown",
                "present",
            ),
            answer=governance_rows,
            cypher=None,
            from_report=True,
        ),
    )
}


# -- output ----------------------------------------------------------------------------------


def _cell(value: Any, list_sep: str = ", ") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return list_sep.join(_cell(v) for v in value)
    return str(value)


def format_rows(rows: Iterable[Row], columns: Iterable[str], fmt: str = "table") -> str:
    """Rows as an aligned text table, a JSON array or CSV (with a header), ending in a newline."""
    cols = list(columns)
    data = list(rows)
    if fmt == "json":
        return json.dumps([{c: r.get(c) for c in cols} for r in data], indent=2, default=str) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(cols)
        for r in data:
            writer.writerow([safe_text(_cell(r.get(c), "; "), "csv") for c in cols])
        return out.getvalue()
    if fmt != "table":
        raise ValueError(f"unknown output format {fmt!r}: use table, json or csv")
    cells = [[safe_text(_cell(r.get(c)), "terminal") for c in cols] for r in data]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells
    )
    if not data:
        lines.append("(no rows)")
    return "\n".join(lines) + "\n"


__all__ = [
    "QUERIES",
    "GraphStore",
    "Link",
    "Query",
    "QueryError",
    "changes",
    "connected_tenants",
    "cross_links",
    "format_rows",
    "internet_paths",
    "iter_links",
    "mg_subscriptions",
    "present_view",
    "vnet_reach",
]

"""A watch cycle's change to the graph (docs/spec/watch.md): the items of the re-read
resources, and nothing else.

`read` is the graph built from the cycle's small snapshot (the re-read resources, the
subscription list and management-group tree as they are now). A re-read resource
"owns" its node and the nodes under its id that hang from it (subnets, IP
configurations, ...): those and their outgoing edges are replaced by what the re-read
shows. Everything else the small build made (placeholders for what a re-read resource
names, the internet node, a subscription first listed now, the groups above it) is
added only where the graph has nothing yet: the last full run knows the rest better.

Facts the full build resolves from other resources (load-balancer and DNAT forwarding,
Lighthouse assignments, an application gateway's WAF mode) cannot be derived from a
re-read alone: they are kept as the last full run found them.

Nothing is deleted here. What a Delete row, a 404 or a re-read without it says is gone
is listed in `gone_nodes` / `gone_edges`: the stores mark it, the analysis of this
cycle leaves it out, and the next full run decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.schema import (
    PROP_FIRST_SEEN,
    PROP_LABEL,
    PROP_LAST_SEEN,
    PROP_PRESENT,
    Rel,
    node_id,
)

EdgeKey = tuple[str, str, str]  # source, key, target (the stores' order)
_STORE_FIELDS = frozenset({PROP_FIRST_SEEN, PROP_LAST_SEEN, PROP_PRESENT})
# Made by the full build's second step from other resources: kept unless re-derived.
_RESOLVED_EDGES = frozenset({Rel.FORWARDS_TO.value, Rel.MANAGED_BY.value, Rel.EXPOSES.value})
_RESOLVED_PROPS = frozenset({"wafMode"})


@dataclass
class GraphDelta:
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)  # upserts
    edges: dict[EdgeKey, dict[str, Any]] = field(default_factory=dict)  # upserts
    gone_nodes: set[str] = field(default_factory=set)
    gone_edges: set[EdgeKey] = field(default_factory=set)

    @property
    def elements(self) -> int:
        return len(self.nodes) + len(self.edges) + len(self.gone_nodes) + len(self.gone_edges)


def _plain(attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attrs.items() if k not in _STORE_FIELDS}


def _edge_type(key: str, attrs: Mapping[str, Any]) -> str:
    return str(attrs.get("type") or key.split(":", 1)[0])


def owned_nodes(graph: nx.MultiDiGraph, root: str) -> set[str]:
    """`root` and the nodes under its id reached from it (its children): O(their edges)."""
    owned, todo = {root}, [root]
    while todo:
        node = todo.pop()
        if node not in graph:
            continue
        for child in graph.succ[node]:
            if child not in owned and str(child).startswith(root + "/"):
                owned.add(child)
                todo.append(child)
    return owned


def graph_delta(
    current: nx.MultiDiGraph,
    read: nx.MultiDiGraph,
    *,
    reread: Iterable[str],
    gone: Iterable[str],
) -> GraphDelta:
    delta = GraphDelta()
    owned: set[str] = set()
    for rid in reread:
        root = node_id(rid)
        owned |= owned_nodes(current, root) | owned_nodes(read, root)
    for rid in gone:
        for node in owned_nodes(current, node_id(rid)):
            if current.nodes[node].get(PROP_PRESENT, True) is not False:
                delta.gone_nodes.add(node)
                delta.gone_edges |= _edges_of(current, node)
    # the re-read items: replaced by what the re-read shows
    for node in owned:
        if node not in read:
            if node in current:
                delta.gone_nodes.add(node)
                delta.gone_edges |= _edges_of(current, node)
            continue
        attrs = _plain(read.nodes[node])
        if node in current:
            old = _plain(current.nodes[node])
            attrs.update({k: old[k] for k in _RESOLVED_PROPS if k in old})
            if attrs == old:
                continue
        delta.nodes[node] = attrs
    # what else the small build made: only where the graph has nothing yet
    for node, data in read.nodes(data=True):
        if node not in owned and node not in current:
            delta.nodes[node] = _plain(data)
    touched = owned | set(delta.nodes)
    for source, target, key, data in read.edges(keys=True, data=True):
        if source not in touched and target not in touched:
            continue
        ident = (str(source), str(key), str(target))
        attrs = _plain(data)
        if current.has_edge(source, target, key) and _plain(current.edges[source, target, key]) == (
            attrs
        ):
            continue
        delta.edges[ident] = attrs
    for node in owned & set(current):
        for _, target, key, data in current.out_edges(node, keys=True, data=True):
            if read.has_edge(node, target, key):
                continue
            if _edge_type(str(key), data) in _RESOLVED_EDGES and target not in delta.gone_nodes:
                continue
            delta.gone_edges.add((str(node), str(key), str(target)))
    delta.gone_nodes -= set(delta.nodes)
    delta.gone_edges -= set(delta.edges)
    return delta


def _edges_of(graph: nx.MultiDiGraph, node: str) -> set[EdgeKey]:
    out = {(str(node), str(k), str(t)) for _, t, k in graph.out_edges(node, keys=True)}
    return out | {(str(s), str(k), str(node)) for s, _, k in graph.in_edges(node, keys=True)}


def apply_delta(graph: nx.MultiDiGraph, delta: GraphDelta) -> None:
    """The analysis view of the graph after the cycle (in place): upserts applied, what is
    gone left out. The store keeps the gone items, marked (never deleted by a watch)."""
    for node, attrs in delta.nodes.items():
        if node in graph:
            kept = {k: v for k, v in graph.nodes[node].items() if k in _STORE_FIELDS}
            graph.nodes[node].clear()
            graph.nodes[node].update({**attrs, **kept})
        else:
            graph.add_node(node, **attrs)
        graph.nodes[node].setdefault(PROP_LABEL, attrs.get(PROP_LABEL))
    for (source, key, target), attrs in delta.edges.items():
        if graph.has_edge(source, target, key):
            graph.edges[source, target, key].clear()
            graph.edges[source, target, key].update(attrs)
        else:
            graph.add_edge(source, target, key=key, **attrs)
    remove_gone(graph, delta.gone_nodes, delta.gone_edges)


def remove_gone(graph: nx.MultiDiGraph, nodes: Iterable[str], edges: Iterable[EdgeKey]) -> None:
    for source, key, target in edges:
        if graph.has_edge(source, target, key):
            graph.remove_edge(source, target, key)
    for node in nodes:
        if node in graph:
            graph.remove_node(node)


def gone_items(rows: Iterable[tuple[str, str]]) -> tuple[set[str], set[EdgeKey]]:
    """The nodes and edges of the stores' gone marks: (kind, ident) rows, an edge's ident
    being its source, key and target joined by NUL (common.edge_identity)."""
    nodes: set[str] = set()
    edges: set[EdgeKey] = set()
    for kind, ident in rows:
        if kind == "node":
            nodes.add(ident)
        else:
            source, key, target = ident.split("\0")
            edges.add((source, key, target))
    return nodes, edges


def source_scopes(graph: nx.MultiDiGraph, delta: GraphDelta) -> dict[str, str | None]:
    """The scope of each edge's source node (an edge that names none has its source's),
    for the delta's edges only: O(k), not a pass over the graph."""
    from graph.stores.common import scope_of

    out: dict[str, str | None] = {}
    for source, _key, _target in delta.edges:
        attrs = delta.nodes.get(source)
        if attrs is None and source in graph:
            attrs = graph.nodes[source]
        out[source] = scope_of(attrs) if attrs is not None else None
    return out

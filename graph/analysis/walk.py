"""Fast typed-edge walks over the built graph, shared by the analyses.

The analyses step along millions of edges; networkx's view objects cost more
than the walk itself, so these read the MultiDiGraph's adjacency dicts directly
(read-only, as the build's shared edge dicts require).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import repeat
from typing import Any

import networkx as nx

from graph.schema import Rel


def edges_out(graph: nx.MultiDiGraph, node: str, rel: Rel) -> Iterator[tuple[str, dict[str, Any]]]:
    """(target, edge data) of every `rel` edge leaving `node`."""
    for target, keyed in graph._succ.get(node, {}).items():
        for data in keyed.values():
            if data.get("type") == rel:
                yield target, data


def edges_in(graph: nx.MultiDiGraph, node: str, rel: Rel) -> Iterator[tuple[str, dict[str, Any]]]:
    """(source, edge data) of every `rel` edge entering `node`."""
    for source, keyed in graph._pred.get(node, {}).items():
        for data in keyed.values():
            if data.get("type") == rel:
                yield source, data


def label_of(graph: nx.MultiDiGraph, node: str) -> str | None:
    data = graph._node.get(node)
    return data.get("label") if data else None


class _LabelIndex:
    """Every node's label as one byte (its label's number), the ids beside them in node
    order: made at C speed (map, bytes), where a Python step per node took most of a second
    at 1,000,000 resources. A label's nodes are found with bytes.find (memchr) when first
    asked for: the analyses ask for a few rare labels, whose search skips the rest at once."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        nodes = graph._node
        labels = list(map(dict.get, nodes.values(), repeat("label")))
        self.labels = set(labels)
        self._code = {label: code for code, label in enumerate(self.labels)}
        self._codes = bytes(map(self._code.__getitem__, labels))
        self._ids = list(nodes)
        self._positions: dict[int, list[int]] = {}

    def positions(self, label: Any) -> list[int]:
        """Where the nodes labelled ``label`` stand in the graph's node order."""
        code = self._code.get(label)
        if code is None:
            return []
        found = self._positions.get(code)
        if found is None:
            found = self._positions[code] = []
            find, at = self._codes.find, self._codes.find(code)
            while at != -1:
                found.append(at)
                at = find(code, at + 1)
        return found

    def ids(self, positions: list[int]) -> list[str]:
        return list(map(self._ids.__getitem__, positions))


# Node ids by label, for the length of one analysis (`labels_indexed`): the analyses ask for
# a few rare labels (tenants, circuits, network managers...) one after another, and each
# scan of a 1,000,000-resource graph for them walks every node.
_INDEXES: dict[int, _LabelIndex] = {}


@contextmanager
def labels_indexed(graph: nx.MultiDiGraph) -> Iterator[None]:
    """Within the block, `nodes_of(graph, ...)` reads one index built here;
    the graph must not gain, lose or relabel nodes meanwhile (the analyses only read)."""
    if id(graph) in _INDEXES:  # nested: the outer block's index serves
        yield
        return
    index = _LabelIndex(graph)
    if len(index.labels) > 256:  # one byte per label no longer does: scans, as without
        yield
        return
    _INDEXES[id(graph)] = index
    try:
        yield
    finally:
        del _INDEXES[id(graph)]


def nodes_of(graph: nx.MultiDiGraph, *labels: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, data) of every node with one of ``labels``, in the graph's node order."""
    index = _INDEXES.get(id(graph))
    if index is None:
        wanted = set(labels)
        for node, data in graph._node.items():
            if data.get("label") in wanted:
                yield node, data
        return
    found = [positions for label in labels if (positions := index.positions(label))]
    attrs = graph._node
    if len(found) == 1:
        for node in index.ids(found[0]):
            yield node, attrs[node]
        return
    for node in index.ids(list(heapq.merge(*found))):
        yield node, attrs[node]


def labels_in(graph: nx.MultiDiGraph) -> set[Any]:
    """Every label a node of the graph carries (None for a node without one)."""
    index = _INDEXES.get(id(graph))
    if index is not None:
        return set(index.labels)
    return {data.get("label") for data in graph._node.values()}

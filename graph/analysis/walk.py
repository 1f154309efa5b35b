"""Fast typed-edge walks over the built graph, shared by the analyses.

The analyses step along millions of edges; networkx's view objects cost more
than the walk itself, so these read the MultiDiGraph's adjacency dicts directly
(read-only, as the build's shared edge dicts require).
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
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


# Node ids by label, for the length of one analysis (`labels_indexed`): the analyses ask for
# a few rare labels (tenants, circuits, network managers...) one after another, and each
# scan of a 1,000,000-resource graph for them walks every node.
_INDEXES: dict[int, dict[Any, tuple[list[str], array[int]]]] = {}


@contextmanager
def labels_indexed(graph: nx.MultiDiGraph) -> Iterator[None]:
    """Within the block, `nodes_of(graph, ...)` reads one index built here in one pass;
    the graph must not gain, lose or relabel nodes meanwhile (the analyses only read)."""
    if id(graph) in _INDEXES:  # nested: the outer block's index serves
        yield
        return
    index: dict[Any, tuple[list[str], array[int]]] = {}
    for position, (node, data) in enumerate(graph._node.items()):
        entry = index.get(data.get("label"))
        if entry is None:
            entry = index[data.get("label")] = ([], array("q"))
        entry[0].append(node)
        entry[1].append(position)
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
    found = [index[label] for label in labels if label in index]
    attrs = graph._node
    if len(found) == 1:
        for node in found[0][0]:
            yield node, attrs[node]
        return
    for _, node in heapq.merge(*(zip(positions, ids, strict=True) for ids, positions in found)):
        yield node, attrs[node]


def labels_in(graph: nx.MultiDiGraph) -> set[Any]:
    """Every label a node of the graph carries (None for a node without one)."""
    index = _INDEXES.get(id(graph))
    if index is not None:
        return set(index)
    return {data.get("label") for data in graph._node.values()}

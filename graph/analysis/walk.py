"""Fast typed-edge walks over the built graph, shared by the analyses.

The analyses step along millions of edges; networkx's view objects cost more
than the walk itself, so these read the MultiDiGraph's adjacency dicts directly
(read-only, as the build's shared edge dicts require).
"""

from __future__ import annotations

from collections.abc import Iterator
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
    data = graph.nodes.get(node)
    return data.get("label") if data else None

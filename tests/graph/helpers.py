"""Small readers over a built graph, so tests say what they check."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.schema import Rel, node_id


def node(g: nx.MultiDiGraph, arm_id: str) -> dict[str, Any]:
    nid = node_id(arm_id)
    assert nid in g, f"{nid} is not a node"
    return dict(g.nodes[nid])


def edges(g: nx.MultiDiGraph, src: str, dst: str, rel: Rel) -> list[dict[str, Any]]:
    """The properties of every `rel` edge from src to dst (ids in any casing)."""
    s, d = node_id(src), node_id(dst)
    if not g.has_edge(s, d):
        return []
    return [dict(data) for data in g[s][d].values() if data["type"] == rel.value]


def one_edge(g: nx.MultiDiGraph, src: str, dst: str, rel: Rel) -> dict[str, Any]:
    found = edges(g, src, dst, rel)
    assert len(found) == 1, f"expected one {rel} edge {src} -> {dst}, found {len(found)}"
    return found[0]


def out_targets(g: nx.MultiDiGraph, src: str, rel: Rel) -> set[str]:
    s = node_id(src)
    return {t for _, t, data in g.out_edges(s, data=True) if data["type"] == rel.value}

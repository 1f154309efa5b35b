"""The SQLite write's rows (common.Delta, which inlines the usual cases for speed) are
the rows the shared functions make (node_row/edge_row over node_digests/edge_digests):
the same encoded properties, scope and digest, for plain and unusual values alike."""

from __future__ import annotations

import networkx as nx

from graph.stores.common import Delta, dumps, edge_digests, edge_row, node_digests, node_row
from tests.stores.estate import small_estate


def unusual_graph() -> nx.MultiDiGraph:
    """Values the inline cases do not take: None, big and plain integers, sets, tuples,
    dicts, lists, store fields, ids and keys that are not text, edges naming a scope."""
    graph = small_estate()
    graph.add_node(7, label="Resource", name="seven", gone=None, big=2**70, count=3)
    graph.add_node("b", label="Resource", tags={"env": "prod"}, ports={443, 80}, pair=(1, 2))
    graph.add_node("c", tenantId="TENANT-C", firstSeen="2026-01-01T00:00:00Z", ratio=0.5)
    graph.add_node("d", subscriptionId="SUB-D", prefixes=["10.0.0.0/8"], flags=[True, 1.5])
    graph.add_edge(7, "b", key=3, type="LINKS")
    graph.add_edge("b", "c", key="X:1", tenantId="OWN-T", detail={"q": [1]})
    graph.add_edge("c", "d", key="Y:1")
    graph.add_edge("c", "d", key="Z", type=None)
    graph.add_edge("d", "c", key="W", type="W", lastSeen="2026-01-01T00:00:00Z")
    return graph


def test_node_rows_are_those_node_row_makes() -> None:
    graph = unusual_graph()
    shared = [node_row(item) for item in node_digests(graph)]
    expected = [(r.id, r.label, dumps(r.props), r.scope, r.digest) for r in shared]
    assert list(Delta(graph, set(), set(), frozenset()).node_rows()) == expected


def test_edge_rows_are_those_edge_row_makes() -> None:
    graph = unusual_graph()
    shared = [edge_row(item) for item in edge_digests(graph)]
    expected = [
        (r.source, r.key, r.target, r.type, dumps(r.props), r.scope, r.digest) for r in shared
    ]
    assert sorted(Delta(graph, set(), set(), frozenset()).edge_rows()) == sorted(expected)


def test_items_whose_digest_is_stored_make_no_row_and_use_the_digest_up() -> None:
    graph = unusual_graph()
    node_digest = {item[0]: item[2] for item in node_digests(graph)}
    edge_digest = {item[:3]: item[4] for item in edge_digests(graph)}
    stored_nodes: set[int | None] = {node_digest["7"], node_digest["c"], 1}
    stored_edges: set[int | None] = {edge_digest[("b", "X:1", "c")], 2}
    delta = Delta(graph, stored_nodes, stored_edges, frozenset({"own-t"}))
    assert {row[0] for row in delta.node_rows()} == set(node_digest) - {"7", "c"}
    assert {row[:3] for row in delta.edge_rows()} == set(edge_digest) - {("b", "X:1", "c")}
    # "7" has no scope, "c" is in tenant-c: neither was read completely, so both are marked
    assert sorted(delta.node_marks) == [("7",), ("c",)]
    assert delta.edge_marks == []  # its own scope, own-t, was read completely
    assert delta.node_leftover == {1} and delta.edge_leftover == {2}


def test_edge_digests_given_as_a_function_are_read_once_the_nodes_are_done() -> None:
    graph = unusual_graph()
    node_digest = {item[0]: item[2] for item in node_digests(graph)}
    edge_digest = {item[:3]: item[4] for item in edge_digests(graph)}
    reads: list[int] = []

    def stored_edges() -> set[int | None]:
        reads.append(len(delta.node_marks))
        return {edge_digest[("b", "X:1", "c")], 2}

    stored_nodes: set[int | None] = {node_digest["7"], 1}
    delta = Delta(graph, stored_nodes, stored_edges, frozenset({"own-t"}))
    nodes = {row[0] for row in delta.node_rows()}
    assert reads == []  # not while the nodes are compared
    edges = {row[:3] for row in delta.edge_rows()}

    assert reads == [1]  # once, after the node pass marked "7"
    assert nodes == set(node_digest) - {"7"}
    assert edges == set(edge_digest) - {("b", "X:1", "c")}
    assert delta.node_leftover == {1} and delta.edge_leftover == {2}

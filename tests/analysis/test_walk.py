"""Nodes by label: the one-pass index the analyses share gives what a scan gives."""

from __future__ import annotations

import networkx as nx

from graph.analysis.walk import labels_indexed, nodes_of
from graph.schema import Label


def _graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for node, label in [
        ("t1", Label.TENANT),
        ("c1", Label.EXPRESSROUTE_CIRCUIT),
        ("s1", Label.SUBSCRIPTION),
        ("t2", Label.TENANT),
        ("c2", Label.EXPRESSROUTE_CIRCUIT),
    ]:
        g.add_node(node, label=label.value)
    g.add_node("placeholder")  # a node only an edge named: no label
    return g


def test_nodes_of_several_labels_come_in_the_graph_order_with_or_without_the_index() -> None:
    g = _graph()
    wanted = (Label.EXPRESSROUTE_CIRCUIT, Label.TENANT)
    scanned = list(nodes_of(g, *wanted))
    with labels_indexed(g):
        indexed = list(nodes_of(g, *wanted))
    assert [n for n, _ in scanned] == ["t1", "c1", "t2", "c2"]
    assert indexed == scanned


def test_nodes_of_a_label_no_node_has_is_empty_in_the_index() -> None:
    g = _graph()
    with labels_indexed(g):
        assert list(nodes_of(g, Label.NETWORK_MANAGER)) == []
        assert [n for n, _ in nodes_of(g, Label.SUBSCRIPTION)] == ["s1"]


def test_the_index_is_gone_after_the_block_so_later_changes_are_seen() -> None:
    g = _graph()
    with labels_indexed(g):
        pass
    g.add_node("t3", label=Label.TENANT.value)
    assert [n for n, _ in nodes_of(g, Label.TENANT)] == ["t1", "t2", "t3"]

"""The walk for links visits only the nodes such an edge can leave, and misses none."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph.analysis.tenants import _NO_LINK_SOURCE, _OBSERVED_RELS, _TENANT_LINKS_ONLY
from graph.build import build_graph
from graph.schema import Label, Rel
from graph.snapshot import load_snapshot
from tests.graph.handmade import contoso_snapshot

LINK_RELS = {rel.value for rel in (*_OBSERVED_RELS, Rel.TRUSTS)}


def _missed(graph: nx.MultiDiGraph) -> list[tuple[str, str, str]]:
    """Link edges (label of u, relation, label of v) the walk would not come to."""
    label = dict(graph.nodes(data="label"))
    missed = []
    for u, v, rel in graph.edges(data="type"):
        if rel not in LINK_RELS:
            continue
        if label[u] in _NO_LINK_SOURCE or (
            label[u] in _TENANT_LINKS_ONLY and label[v] != Label.TENANT
        ):
            missed.append((label[u], rel, label[v]))
    return missed


@pytest.fixture(scope="module")
def contoso(tmp_path_factory: pytest.TempPathFactory) -> nx.MultiDiGraph:
    return build_graph(load_snapshot(contoso_snapshot(tmp_path_factory.mktemp("contoso"))))


def test_every_link_edge_of_the_sample_estate_leaves_a_node_the_walk_visits(
    sample_estate: Path,
) -> None:
    graph = build_graph(load_snapshot(sample_estate))
    assert any(rel in LINK_RELS for _, _, rel in graph.edges(data="type"))
    assert _missed(graph) == []


def test_every_link_edge_of_contoso_leaves_a_node_the_walk_visits(
    contoso: nx.MultiDiGraph,
) -> None:
    assert _missed(contoso) == []


def test_the_walk_skips_the_labels_most_of_a_large_estate_is_made_of() -> None:
    bulk = {Label.VIRTUAL_MACHINE, Label.NETWORK_INTERFACE, Label.IP_CONFIGURATION}
    assert {label.value for label in bulk} <= _NO_LINK_SOURCE
    assert Label.SUBSCRIPTION.value in _TENANT_LINKS_ONLY

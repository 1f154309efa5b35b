"""What every node and edge carries, whatever built it."""

from __future__ import annotations

import networkx as nx

from graph.build.registry import EDGE_PROPS, NODE_PROPS
from graph.schema import Label, Rel

SCALARS = (str, int, float, bool)


def _storable(value: object) -> bool:
    if isinstance(value, SCALARS):
        return True
    return isinstance(value, list) and all(isinstance(v, SCALARS) for v in value)


def test_every_node_property_is_a_scalar_or_a_list_of_scalars(contoso: nx.MultiDiGraph) -> None:
    bad = [
        (n, k) for n, data in contoso.nodes(data=True) for k, v in data.items() if not _storable(v)
    ]
    assert bad == []


def test_every_edge_property_is_a_scalar_or_a_list_of_scalars(contoso: nx.MultiDiGraph) -> None:
    bad = [
        (u, v, k)
        for u, v, data in contoso.edges(data=True)
        for k, val in data.items()
        if not _storable(val)
    ]
    assert bad == []


def test_every_node_has_a_known_label_and_its_own_id(contoso: nx.MultiDiGraph) -> None:
    labels = {label.value for label in Label}
    bad = [
        n
        for n, data in contoso.nodes(data=True)
        if data.get("label") not in labels or data.get("id") != n
    ]
    assert bad == []


def test_every_edge_has_a_known_type_matching_its_key(contoso: nx.MultiDiGraph) -> None:
    types = {rel.value for rel in Rel}
    bad = [
        (u, v, key)
        for u, v, key, data in contoso.edges(keys=True, data=True)
        if data.get("type") not in types or key.split(":", 1)[0] != data["type"]
    ]
    assert bad == []


def test_node_ids_are_lower_case(contoso: nx.MultiDiGraph) -> None:
    assert [n for n in contoso if n != n.lower()] == []


def test_every_node_property_the_build_writes_is_documented_in_the_schema(
    contoso: nx.MultiDiGraph,
) -> None:
    undocumented = {
        (data["label"], k)
        for _, data in contoso.nodes(data=True)
        for k in data
        if k not in NODE_PROPS["*"] and k not in NODE_PROPS.get(Label(data["label"]), {})
    }
    assert undocumented == set()


def test_every_edge_property_the_build_writes_is_documented_in_the_schema(
    contoso: nx.MultiDiGraph,
) -> None:
    undocumented = {
        (data["type"], k)
        for *_, data in contoso.edges(data=True)
        for k in data
        if k not in EDGE_PROPS["*"] and k not in EDGE_PROPS.get(Rel(data["type"]), {})
    }
    assert undocumented == set()

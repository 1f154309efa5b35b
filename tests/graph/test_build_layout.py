"""How the build lays the graph out in memory: shared where nothing tells edges apart."""

from __future__ import annotations

import copy
import pickle

import networkx as nx
import pytest

from graph.build.context import BuildContext
from graph.schema import Rel


def _context() -> BuildContext:
    return BuildContext(
        g=nx.MultiDiGraph(),
        known_tenants={},
        sub_tenant={},
        listed_subs=set(),
        tree_subs=set(),
        crawled_subs=set(),
        foreign_subs={},
    )


def test_pairs_joined_by_one_plain_edge_of_a_type_share_their_keyed_dict() -> None:
    ctx = _context()
    ctx.edge("s", "a", Rel.CONTAINS)
    ctx.edge("s", "b", Rel.CONTAINS)
    succ, pred = ctx.g._succ, ctx.g._pred  # networkx's own dicts, not views of them
    assert succ["s"]["a"] is succ["s"]["b"] is pred["a"]["s"]
    assert succ["s"]["a"] == {"CONTAINS": {"type": "CONTAINS"}}


def test_a_second_edge_between_a_pair_gives_the_pair_a_keyed_dict_of_its_own() -> None:
    ctx = _context()
    ctx.edge("s", "a", Rel.CONTAINS)
    ctx.edge("s", "b", Rel.CONTAINS)
    ctx.edge("s", "a", Rel.MANAGED_BY, "x", via="test")
    succ, pred = ctx.g._succ, ctx.g._pred
    assert list(succ["s"]["a"]) == ["CONTAINS", "MANAGED_BY:x"]
    assert pred["a"]["s"] is succ["s"]["a"]
    assert ctx.g.edges["s", "a", "MANAGED_BY:x"] == {"via": "test", "type": "MANAGED_BY"}
    assert succ["s"]["b"] == {"CONTAINS": {"type": "CONTAINS"}}


def test_the_same_plain_edge_twice_is_one_edge() -> None:
    ctx = _context()
    ctx.edge("s", "a", Rel.CONTAINS)
    ctx.edge("s", "a", Rel.CONTAINS)
    assert ctx.g.number_of_edges() == 1


def test_changing_a_shared_pair_in_place_is_refused_and_a_copy_can_be_changed() -> None:
    ctx = _context()
    ctx.edge("s", "a", Rel.CONTAINS)
    ctx.edge("s", "b", Rel.CONTAINS)
    with pytest.raises(TypeError, match="copy it"):
        ctx.g.remove_edge("s", "a", "CONTAINS")
    copy = ctx.g.copy()
    copy.remove_edge("s", "a", "CONTAINS")
    assert list(copy.edges(keys=True)) == [("s", "b", "CONTAINS")]
    assert ctx.g.number_of_edges() == 2


def test_a_built_graph_can_be_deep_copied_and_pickled() -> None:
    ctx = _context()
    ctx.edge("s", "a", Rel.CONTAINS)
    ctx.edge("s", "b", Rel.CONTAINS)
    for twin in (copy.deepcopy(ctx.g), pickle.loads(pickle.dumps(ctx.g))):
        assert sorted(twin.edges(keys=True, data=True)) == sorted(ctx.g.edges(keys=True, data=True))

"""Each resource type is declared once, and the crawl and the build agree on the types."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from discovery.crawl.catalogue import CANONICAL_TYPES
from graph.build import build_graph
from graph.build.registry import (
    DECLARATIONS,
    HANDLERS,
    MODEL_EDGES,
    TYPE_LABELS,
    merged,
    one_label_per_arm_type,
    one_per_label,
)
from graph.resource_types import ResourceType
from graph.schema import SITE, Label, Rel
from graph.snapshot import load_snapshot


def test_every_type_the_crawl_reads_has_a_declaration_with_a_handler() -> None:
    assert sorted(set(CANONICAL_TYPES) - set(HANDLERS)) == []


def test_every_type_the_build_handles_is_read_by_the_crawl() -> None:
    assert sorted(set(HANDLERS) - set(CANONICAL_TYPES)) == []


def test_arm_types_are_lower_cased_and_belong_to_one_label() -> None:
    declared = [t for d in DECLARATIONS for t in d.arm_types]
    assert [t for t in declared if t != t.lower()] == []
    assert len(declared) == len(TYPE_LABELS)


def test_every_label_has_exactly_one_declaration() -> None:
    assert sorted(d.label for d in DECLARATIONS) == sorted(Label)


def test_a_label_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="Site is declared twice"):
        one_per_label([*DECLARATIONS, SITE])


def test_an_arm_type_two_declarations_claim_is_refused() -> None:
    one = ResourceType(Label.SITE, "a", "c", arm_types=("microsoft.web/sites",))
    other = ResourceType(Label.RESOURCE, "b", "c", arm_types=("microsoft.web/sites",))
    with pytest.raises(
        ValueError, match=r"microsoft\.web/sites is declared by both Site and Resource"
    ):
        one_label_per_arm_type([one, other])


def test_a_label_without_declaration_is_refused() -> None:
    with pytest.raises(ValueError, match="no declaration for Site"):
        one_per_label([d for d in DECLARATIONS if d.label is not Label.SITE])


def test_a_second_meaning_for_the_same_word_is_refused() -> None:
    one = ResourceType(Label.SITE, "a", "private links", nouns={"sites": "site"})
    other = ResourceType(Label.RESOURCE, "b", "private links", nouns={"sites": "web app"})
    with pytest.raises(ValueError, match="Resource gives noun 'sites' a second meaning"):
        merged(((d.label.value, d.nouns) for d in (one, other)), "noun")


def test_the_same_word_given_twice_is_one_entry() -> None:
    one = ResourceType(Label.SITE, "a", "private links", nouns={"frontends": "frontend"})
    other = ResourceType(Label.RESOURCE, "b", "private links", nouns={"frontends": "frontend"})
    assert merged(((d.label.value, d.nouns) for d in (one, other)), "noun") == {
        "frontends": "frontend"
    }


def _undeclared_joins(g: nx.MultiDiGraph) -> list[tuple[str, str, str]]:
    """Joins the graph holds that no declaration names; every resource's
    (Subscription)-CONTAINS->(it) is implied."""
    declared = {(a.value, r.value, b.value) for a, r, b in MODEL_EDGES}
    labels = dict(g.nodes(data="label"))
    written = {(labels[u], rel, labels[v]) for u, v, rel in g.edges(data="type")}
    return sorted(
        j for j in written - declared if j[:2] != (Label.SUBSCRIPTION.value, Rel.CONTAINS.value)
    )


def test_every_join_the_build_writes_for_the_sample_estate_is_declared(sample_estate: Path) -> None:
    assert _undeclared_joins(build_graph(load_snapshot(sample_estate))) == []


def test_every_join_the_build_writes_for_contoso_is_declared(contoso: nx.MultiDiGraph) -> None:
    assert _undeclared_joins(contoso) == []

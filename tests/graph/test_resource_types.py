"""Each resource type is declared once, and the crawl and the build agree on the types."""

from __future__ import annotations

import pytest

from discovery.crawl.catalogue import CANONICAL_TYPES
from graph.build.registry import DECLARATIONS, HANDLERS, TYPE_LABELS, merged, one_per_label
from graph.resource_types import ResourceType
from graph.schema import SITE, Label


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

"""docs/graph-model.md and .svg are generated from the schema and must match it."""

from __future__ import annotations

from graph.build.registry import EDGE_PROPS, NODE_PROPS
from graph.docs_gen import MARKDOWN, SVG, render_markdown, render_svg
from graph.schema import Label, Rel


def test_graph_model_markdown_is_up_to_date() -> None:
    assert MARKDOWN.read_text() == render_markdown(), "run: python -m graph.docs_gen"


def test_graph_model_picture_is_up_to_date() -> None:
    assert SVG.read_text() == render_svg(), "run: python -m graph.docs_gen"


def test_every_label_and_relationship_has_a_section() -> None:
    text = render_markdown()
    missing = [x.value for x in (*Label, *Rel) if f"\n### {x.value}\n" not in text]
    assert missing == []


def test_every_label_and_relationship_has_a_property_table_in_the_schema() -> None:
    assert [lb for lb in Label if lb not in NODE_PROPS] == []
    assert [r for r in Rel if r not in EDGE_PROPS] == []


def test_markdown_carries_a_mermaid_picture_of_every_modelled_join() -> None:
    text = render_markdown()
    assert "```mermaid" in text and "Subscription -- CONTAINS --> VirtualNetwork" in text

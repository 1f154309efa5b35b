"""`inventory draft`: everything observed, commented, and valid as written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.analysis import analyse
from graph.build import build_graph
from graph.crawl_record import crawl_record
from graph.inventory import parse_inventory
from graph.inventory_draft import draft_inventory, suggest_environment
from graph.snapshot import load_snapshot
from tests.analysis.estate import HOME, OTHER, SUB_A, Estate, peering, rid, vnet


def test_the_draft_of_the_sample_estate_is_a_valid_inventory_declaring_what_was_seen(
    sample_estate: Path,
) -> None:
    snap = load_snapshot(sample_estate)
    graph = build_graph(snap)
    text = draft_inventory(snap, graph)
    inv = parse_inventory(text, "draft.yaml")
    report = analyse(
        graph,
        crawl_record(snap),
        inv,
        today=dt.date(2026, 11, 27),
        run={"id": "draft", "startedAt": "2026-11-27T02:00:00Z"},
        previous=None,
    )
    undeclared = {"unknown-tenant", "unknown-subscription", "undeclared-circuit", "undeclared-site"}
    left = [(f["kind"], f["subject"]) for f in report["findings"] if f["kind"] in undeclared]
    # only what cannot be declared stays: the alias, the subscription that does not exist
    # and a Data Explorer cluster that trusts every tenant (identity-links.md's any-tenant)
    assert sorted(k for k, _ in left) == [
        "unknown-subscription",
        "unknown-tenant",
        "unknown-tenant",
    ]
    assert any(s.startswith("alias:") for _, s in left)
    assert ("unknown-tenant", "any-tenant") in left


def test_each_drafted_entry_says_where_it_was_seen(tmp_path: Path) -> None:
    ours = vnet(SUB_A, "vnet-a")
    remote = rid("0d1e2f3a-0000-4000-8000-00000000000a", "net", "virtualNetworks", "fab")
    ours["properties"]["virtualNetworkPeerings"] = [peering(ours["id"], "p", remote)]
    estate = Estate.home(SUB_A).add(ours).resolved("0d1e2f3a-0000-4000-8000-00000000000a", OTHER)
    snap, graph = estate.load(tmp_path)
    text = draft_inventory(snap, graph)
    lines = text.splitlines()
    other = lines.index(f"  - id: {OTHER}")
    assert "relationship: partner" in lines[other + 1]
    assert "seen through: vnet-peering" in lines[other + 2]
    assert f"  - id: {HOME}" in lines
    sub = lines.index(f"  - id: {SUB_A}")
    assert any("seen in: subscription list" in line for line in lines[sub : sub + 6])
    parse_inventory(text)


def test_the_draft_leaves_every_environment_for_people_to_fill_in(sample_estate: Path) -> None:
    snap = load_snapshot(sample_estate)
    text = draft_inventory(snap, build_graph(snap))
    inv = parse_inventory(text, "draft.yaml")
    assert inv.subscriptions and [s for _, s in inv.without_environment()] == list(
        inv.subscriptions
    )
    lines = text.splitlines()
    payments = lines.index('    name: "prod-payments"')
    assert lines[payments + 2].startswith("    environment:   # fill in production")
    assert lines[payments + 2].endswith("suggested: production (tag env=prod)")
    sandbox = lines.index('    name: "sandbox-alice"')
    assert lines[sandbox + 2].endswith("suggested: sandbox (name sandbox-alice)")
    shop = lines.index('    name: "online-shop"')
    assert "suggested" not in lines[shop + 2]


@pytest.mark.parametrize(
    ("name", "tags", "expected"),
    [
        ("prod-payments", None, "production"),
        ("ProdPayments", None, "production"),
        ("payments-prd-weu", None, "production"),
        ("dev-apps", None, "non-production"),
        ("test_integration", None, "non-production"),
        ("nonprod-shared", None, "non-production"),
        ("shared-non-prod", None, "non-production"),
        ("sandbox-alice", None, "sandbox"),
        ("product-catalog", None, None),
        ("online-shop", None, None),
        ("online-shop", {"Environment": "Test"}, "non-production"),
        ("dev-looking-name", {"env": "prod"}, "production"),
    ],
)
def test_the_suggested_environment_comes_from_an_environment_tag_or_the_name(
    name: str, tags: dict[str, str] | None, expected: str | None
) -> None:
    hint = suggest_environment(name, tags)
    assert (hint[0] if hint else None) == expected

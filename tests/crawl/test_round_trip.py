"""A crawl of an estate gives back the estate (snapshot.md round-trip equality), in both modes."""

from __future__ import annotations

from pathlib import Path

import pytest

from discovery.crawl.catalogue import CANONICAL_TYPES
from discovery.crawl.roundtrip import compare_snapshots, iter_resources, resource_view
from discovery.emulator import running_emulator
from discovery.estates.examples import build_examples_estate
from discovery.estates.synthetic import generate_estate
from discovery.redact import Redactor
from tests.crawl.helpers import MODES, crawl_emulator, read_json


@pytest.mark.parametrize("mode", MODES)
def test_sample_estate_round_trips(
    sample_estate: Path, tmp_path: Path, tmp_state: Path, mode: str
) -> None:
    with running_emulator(sample_estate) as emu:
        result = crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
    assert result.counts["resources"] > 50
    problems = compare_snapshots(sample_estate, tmp_path / "snap", redactor=Redactor(tmp_state))
    assert problems == []


def test_both_modes_write_the_same_resources(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    with running_emulator(sample_estate) as emu:
        for mode in MODES:
            crawl_emulator(emu, tmp_path / mode, tmp_state, mode)
    graph_mode = {r["id"]: resource_view(r) for r in iter_resources(tmp_path / "resource-graph")}
    arm_mode = {r["id"]: resource_view(r) for r in iter_resources(tmp_path / "arm")}
    assert graph_mode == arm_mode
    for name in ("tenants.json", "subscriptions.json", "management-groups.json", "foreign.json"):
        assert read_json(tmp_path / "arm", name) == read_json(tmp_path / "resource-graph", name)


def test_resources_are_sorted_by_lower_cased_id(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    with running_emulator(sample_estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, "resource-graph")
    ids = [r["id"].lower() for r in iter_resources(tmp_path / "snap")]
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids))


def test_resource_graph_rows_get_arm_shape(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    with running_emulator(sample_estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, "resource-graph")
    for resource in iter_resources(tmp_path / "snap"):
        assert not {"tenantId", "subscriptionId", "resourceGroup"} & resource.keys()
        assert resource["type"] in CANONICAL_TYPES.values()


def test_hub_connections_and_rule_collection_groups_are_merged_into_their_parents(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    with running_emulator(sample_estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, "resource-graph")
    resources = list(iter_resources(tmp_path / "snap"))
    hubs = [r for r in resources if r["type"] == "Microsoft.Network/virtualHubs"]
    policies = [r for r in resources if r["type"] == "Microsoft.Network/firewallPolicies"]
    assert hubs and all(h["properties"]["hubVirtualNetworkConnections"] for h in hubs)
    groups = [g for p in policies for g in p["properties"].get("ruleCollectionGroups", [])]
    assert groups and all("properties" in g for g in groups)


def _synthetic(tmp_path: Path) -> Path:
    return Path(
        generate_estate(tmp_path / "estate", tenants=2, subscriptions=12, resources=400, seed=7)
    )


@pytest.mark.parametrize("mode", MODES)
def test_small_synthetic_estate_round_trips(tmp_path: Path, tmp_state: Path, mode: str) -> None:
    estate = _synthetic(tmp_path)
    with running_emulator(estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
    assert compare_snapshots(estate, tmp_path / "snap", redactor=Redactor(tmp_state)) == []


@pytest.mark.parametrize("mode", MODES)
def test_examples_estate_round_trips(tmp_path: Path, tmp_state: Path, mode: str) -> None:
    estate = Path(build_examples_estate(tmp_path / "estate"))
    with running_emulator(estate) as emu:
        result = crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
    assert result.counts["resources"] > 0
    assert compare_snapshots(estate, tmp_path / "snap", redactor=Redactor(tmp_state)) == []


def test_more_than_a_thousand_subscriptions_are_queried_in_batches(
    tmp_path: Path, tmp_state: Path
) -> None:
    estate = Path(
        generate_estate(tmp_path / "estate", tenants=1, subscriptions=1001, resources=2500, seed=2)
    )
    with running_emulator(estate) as emu:
        result = crawl_emulator(emu, tmp_path / "snap", tmp_state, "resource-graph", concurrency=32)
        queries = [
            e
            for e in emu.request_log()
            if e["method"] == "POST" and "resourcegraph" in e["path"].lower()
        ]
    crawled = read_json(tmp_path / "snap", "manifest.json")["subscriptionsCrawled"]
    assert result.errors == [] and len(crawled) == 1001
    # two batches, each: readability, resources, network manager connections
    assert len(queries) >= 6 and all(q["status"] == 200 for q in queries)
    assert compare_snapshots(estate, tmp_path / "snap", redactor=Redactor(tmp_state)) == []

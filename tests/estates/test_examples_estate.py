"""The examples estate: Microsoft's example payloads as a consistent estate, normalised only where needed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from discovery.estates.examples import SUBSCRIPTION_MAP, build_examples_estate
from tests.estates.layout import layout_problems, load, resources, subscription_of, walk_dicts


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory, api_examples: Path) -> Path:
    return build_examples_estate(tmp_path_factory.mktemp("examples") / "estate", api_examples)


def example_items(path: Path) -> list[dict[str, Any]]:
    body = json.loads(path.read_text(encoding="utf-8"))["responses"]["200"]["body"]
    return list(body["value"]) if isinstance(body.get("value"), list) else [body]


def remapped(arm_id: str) -> str:
    parts = arm_id.split("/")
    parts[2] = SUBSCRIPTION_MAP.get(parts[2].lower(), parts[2])
    return "/".join(parts).lower()


def all_ids(estate: Path) -> set[str]:
    return {
        node["id"].lower()
        for r in resources(estate)
        for node in walk_dicts(r)
        if isinstance(node.get("id"), str)
    }


def test_layout_follows_the_snapshot_format(estate: Path) -> None:
    assert layout_problems(estate) == []


def test_building_twice_gives_identical_files(
    estate: Path, tmp_path: Path, api_examples: Path
) -> None:
    again = build_examples_estate(tmp_path / "again", api_examples)
    for path in sorted(estate.iterdir()):
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name


def test_every_network_and_lighthouse_example_item_is_in_the_estate(
    estate: Path, api_examples: Path
) -> None:
    present = all_ids(estate)
    sources = [
        *(api_examples / "Microsoft.Network").glob("*.json"),
        *(api_examples / "Microsoft.ManagedServices").glob("*.json"),
    ]
    missing = [
        item["id"]
        for path in sources
        if "CrossConnections" not in path.name
        for item in example_items(path)
        if remapped(item["id"]) not in present
    ]
    assert missing == []


def test_top_level_examples_keep_their_bodies(estate: Path, api_examples: Path) -> None:
    served = {r["id"].lower(): r for r in resources(estate)}
    nsg = example_items(
        api_examples / "Microsoft.Network" / "NetworkSecurityGroups_CreateOrUpdate_WithRule.json"
    )[0]
    ours = served[remapped(nsg["id"])]
    assert (
        ours["properties"]["securityRules"][0]["properties"]
        == nsg["properties"]["securityRules"][0]["properties"]
    )
    assert {k: v for k, v in ours.items() if k not in ("id", "properties")} == {
        k: v for k, v in nsg.items() if k not in ("id", "properties")
    }


def test_every_resource_lives_in_a_listed_subscription_of_a_listed_tenant(estate: Path) -> None:
    tenants = {t["tenantId"] for t in load(estate, "tenants.json")}
    subs = {s["subscriptionId"].lower(): s["tenantId"] for s in load(estate, "subscriptions.json")}
    assert set(subs.values()) <= tenants
    assert {subscription_of(r["id"]) for r in resources(estate)} <= set(subs)


def test_every_subscription_a_link_names_is_listed_or_known_to_the_emulator(estate: Path) -> None:
    known = {s["subscriptionId"].lower() for s in load(estate, "subscriptions.json")}
    known |= {s.lower() for s in load(estate, "emulator.json")["foreignSubscriptions"]}
    named = {
        subscription_of(value)
        for r in resources(estate)
        for node in walk_dicts(r)
        for value in node.values()
        if isinstance(value, str) and value.lower().startswith("/subscriptions/")
    }
    assert named - known == set()


def test_foreign_json_resolves_the_global_reach_peer(estate: Path) -> None:
    (entry,) = load(estate, "foreign.json")
    assert (
        entry["tenantId"]
        == load(estate, "emulator.json")["foreignSubscriptions"][entry["subscriptionId"]]
    )
    assert entry["referencedBy"]


def test_child_collections_are_embedded_in_their_parents(estate: Path) -> None:
    served = {r["id"].lower(): r for r in resources(estate)}

    def embedded(parent_suffix: str, collection: str) -> list[dict[str, Any]]:
        (parent,) = [r for i, r in served.items() if i.endswith(parent_suffix.lower())]
        return list(parent["properties"][collection])

    assert {
        p["id"].rsplit("/", 1)[1]
        for p in embedded(
            "/peerTest/providers/Microsoft.Network/virtualNetworks/vnet1", "virtualNetworkPeerings"
        )
    } == {"peer", "peer2"}
    assert embedded("/virtualHubs/virtualHub1", "hubVirtualNetworkConnections")
    assert embedded("/expressRouteGateways/expressRouteGatewayName", "expressRouteConnections")
    assert embedded("/expressRouteCircuits/circuitName", "authorizations")
    (peering,) = embedded("/expressRouteCircuits/ExpressRouteARMCircuitA", "peerings")
    assert len(peering["properties"]["connections"]) == 2


def test_management_groups_are_in_the_home_tenant_and_hold_both_subscriptions(estate: Path) -> None:
    home = next(
        t["tenantId"] for t in load(estate, "tenants.json") if t["tenantCategory"] == "Home"
    )
    entities = load(estate, "management-groups.json")
    assert {e["properties"]["tenantId"] for e in entities} == {home}
    assert {e["name"] for e in entities if e["type"] == "/subscriptions"} == {
        s["subscriptionId"] for s in load(estate, "subscriptions.json")
    }


def test_a_missing_examples_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="examples_dir"):
        build_examples_estate(tmp_path / "out", tmp_path / "nowhere")

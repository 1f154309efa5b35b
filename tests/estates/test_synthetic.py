"""Synthetic estates: seeded, exactly the size asked for, valid layout, references that resolve."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from discovery.estates.synthetic import EstateSizeError, generate_estate
from tests.estates.layout import layout_problems, load, resources, unresolved_references

SMALL: dict[str, int] = dict(
    tenants=2, subscriptions=60, resources=3_000, nics_with_public_ip=150, peerings=70
)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_estate(tmp_path_factory.mktemp("synthetic") / "estate", seed=7, **SMALL)


def files(estate: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(estate.iterdir())}


def test_same_seed_gives_identical_files(small: Path, tmp_path: Path) -> None:
    again = generate_estate(tmp_path / "again", seed=7, **SMALL)
    assert files(again) == files(small)


def test_another_seed_gives_other_ids(small: Path, tmp_path: Path) -> None:
    other = generate_estate(tmp_path / "other", seed=8, **SMALL)
    assert {r["id"] for r in resources(other)}.isdisjoint({r["id"] for r in resources(small)})


def test_layout_follows_the_snapshot_format(small: Path) -> None:
    assert layout_problems(small) == []


def test_every_reference_resolves(small: Path) -> None:
    assert unresolved_references(small) == []


def test_resource_count_is_exact(small: Path) -> None:
    assert sum(1 for _ in resources(small)) == SMALL["resources"]


def test_subscription_and_tenant_counts_are_exact(small: Path) -> None:
    subs = load(small, "subscriptions.json")
    assert len(subs) == SMALL["subscriptions"]
    assert len({s["tenantId"] for s in subs}) == SMALL["tenants"]
    assert {t["tenantId"] for t in load(small, "tenants.json")} == {s["tenantId"] for s in subs}


def test_nics_with_public_ip_count_is_exact(small: Path) -> None:
    count = sum(
        1
        for r in resources(small)
        if r["type"] == "Microsoft.Network/networkInterfaces"
        and any("publicIPAddress" in c["properties"] for c in r["properties"]["ipConfigurations"])
    )
    assert count == SMALL["nics_with_public_ip"]


def test_public_ips_are_mostly_standard_with_some_basic(tmp_path: Path) -> None:
    estate = generate_estate(
        tmp_path / "e", subscriptions=20, resources=4_000, nics_with_public_ip=600, seed=3
    )
    skus = Counter(
        r["sku"]["name"]
        for r in resources(estate)
        if r["type"] == "Microsoft.Network/publicIPAddresses"
    )
    assert skus["Standard"] > skus["Basic"] > 0


def test_peerings_are_the_links_asked_for_both_ways_plus_cross_tenant(small: Path) -> None:
    ours = {s["subscriptionId"] for s in load(small, "subscriptions.json")}
    pairs: Counter[frozenset[str]] = Counter()
    foreign = 0
    for r in resources(small):
        if r["type"] != "Microsoft.Network/virtualNetworks":
            continue
        for p in r["properties"]["virtualNetworkPeerings"]:
            remote = p["properties"]["remoteVirtualNetwork"]["id"]
            if remote.split("/")[2] in ours:
                pairs[frozenset((r["id"].lower(), remote.lower()))] += 1
            else:
                foreign += 1
    assert len(pairs) == SMALL["peerings"]
    assert set(pairs.values()) == {2}
    assert foreign == 3


def test_cross_tenant_links_point_at_subscriptions_the_emulator_knows(small: Path) -> None:
    known = load(small, "emulator.json")["foreignSubscriptions"]
    ours = {s["tenantId"] for s in load(small, "subscriptions.json")}
    entries = load(small, "foreign.json")
    assert entries
    for entry in entries:
        assert known[entry["subscriptionId"]] == entry["tenantId"]
        assert entry["tenantId"] not in ours


def test_hubs_carry_gateways_connections_and_circuits(small: Path) -> None:
    types = Counter(r["type"] for r in resources(small))
    for kind in (
        "virtualNetworkGateways",
        "localNetworkGateways",
        "connections",
        "expressRouteCircuits",
        "loadBalancers",
        "networkSecurityGroups",
    ):
        assert types[f"Microsoft.Network/{kind}"] > 0, kind


def test_every_subscription_sits_in_its_tenants_management_group_tree(small: Path) -> None:
    entities = load(small, "management-groups.json")
    groups = {
        e["id"].lower(): e for e in entities if e["type"] == "Microsoft.Management/managementGroups"
    }
    subs = [e for e in entities if e["type"] == "/subscriptions"]
    assert len(subs) == SMALL["subscriptions"]
    for entry in subs:
        node = groups[entry["properties"]["parent"]["id"].lower()]
        while node["properties"]["parent"]:
            assert node["properties"]["tenantId"] == entry["properties"]["tenantId"]
            node = groups[node["properties"]["parent"]["id"].lower()]
        assert node["name"] == entry["properties"]["tenantId"]


def test_ten_thousand_subscriptions_are_generated(tmp_path: Path) -> None:
    estate = generate_estate(tmp_path / "wide", subscriptions=10_000, resources=20_000, seed=2)
    assert len(load(estate, "subscriptions.json")) == 10_000
    assert load(estate, "manifest.json")["counts"]["resources"] == 20_000
    assert layout_problems(estate) == []


def test_more_public_ip_nics_than_room_is_refused_with_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(EstateSizeError, match="nics_with_public_ip"):
        generate_estate(tmp_path / "x", subscriptions=10, resources=100, nics_with_public_ip=90)


def test_more_peerings_than_pairs_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EstateSizeError, match="peerings"):
        generate_estate(tmp_path / "x", subscriptions=4, resources=400, peerings=7)


def test_command_line_writes_an_estate(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "discovery.estates.synthetic",
            str(tmp_path / "cli"),
            "--subscriptions",
            "12",
            "--resources",
            "500",
            "--seed",
            "4",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert load(tmp_path / "cli", "manifest.json")["counts"]["resources"] == 500

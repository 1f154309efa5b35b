"""Foreign subscriptions are resolved the way Azure tells it; each subscription is read once."""

from __future__ import annotations

from pathlib import Path

import pytest

from discovery.crawl.links import linked_subscriptions
from discovery.crawl.roundtrip import iter_resources
from discovery.emulator import running_emulator
from tests.crawl.helpers import MODES, copy_estate, crawl_emulator, edit_json, read_json


@pytest.mark.parametrize("mode", MODES)
def test_foreign_subscriptions_resolve_to_the_partner_tenants(
    sample_estate: Path, tmp_path: Path, tmp_state: Path, mode: str
) -> None:
    partners = read_json(sample_estate, "emulator.json")["foreignSubscriptions"]
    with running_emulator(sample_estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
    foreign = {f["subscriptionId"]: f for f in read_json(tmp_path / "snap", "foreign.json")}
    resolved = {s: f["tenantId"] for s, f in foreign.items() if f["status"] == "resolved"}
    assert resolved == {s.lower(): t.lower() for s, t in partners.items()}
    assert all(f["referencedBy"] for f in foreign.values())
    not_found = [f for f in foreign.values() if f["status"] == "not-found"]
    assert not_found and all(f["tenantId"] is None for f in not_found)


def test_the_challenge_is_read_without_a_token(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    with running_emulator(sample_estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, "resource-graph")
        foreign = {f["subscriptionId"] for f in read_json(tmp_path / "snap", "foreign.json")}
        probes = [
            e
            for e in emu.request_log()
            if e["path"].lower().rstrip("/") in {f"/subscriptions/{s}" for s in foreign}
        ]
    assert {e["status"] for e in probes} <= {401, 404}
    assert len(probes) == len(foreign)


def test_the_virtual_hub_managed_vnet_is_never_resolved(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    hub_peered = []
    for resource in iter_resources(sample_estate):
        for peering in (resource.get("properties") or {}).get("virtualNetworkPeerings") or []:
            if peering["name"].startswith("RemoteVnetToHubPeering_"):
                remote = peering["properties"]["remoteVirtualNetwork"]["id"]
                hub_peered.append(remote.split("/")[2].lower())
    assert hub_peered, "the sample estate has a Virtual WAN hub connection"
    with running_emulator(sample_estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, "arm")
        probed = {
            e["path"].lower().rstrip("/")
            for e in emu.request_log()
            if e["path"].lower().startswith("/subscriptions/")
            and e["path"].rstrip("/").count("/") == 2
        }
    assert probed
    foreign = {f["subscriptionId"] for f in read_json(tmp_path / "snap", "foreign.json")}
    for subscription in hub_peered:
        assert subscription not in foreign
        assert f"/subscriptions/{subscription}" not in probed


def test_links_name_the_subscriptions_on_the_far_side() -> None:
    vnet = {
        "id": "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v",
        "properties": {
            "virtualNetworkPeerings": [
                {
                    "name": "to-partner",
                    "properties": {
                        "remoteVirtualNetwork": {
                            "id": "/subscriptions/BBBBBBBB-0000-4000-8000-000000000002/resourceGroups/x/providers/Microsoft.Network/virtualNetworks/y"
                        }
                    },
                },
                {
                    "name": "RemoteVnetToHubPeering_1",
                    "properties": {
                        "remoteVirtualNetwork": {
                            "id": "/subscriptions/cccccccc-0000-4000-8000-000000000003/resourceGroups/RG_hub_1/providers/Microsoft.Network/virtualNetworks/HV_hub_1"
                        }
                    },
                },
            ]
        },
    }
    assert linked_subscriptions(vnet) == {"bbbbbbbb-0000-4000-8000-000000000002"}


def test_a_delegated_subscription_is_listed_once_and_read_through_its_owning_tenant(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    estate = copy_estate(sample_estate, tmp_path / "estate")
    subscriptions = read_json(estate, "subscriptions.json")
    owner = subscriptions[0]["tenantId"]
    delegated = {
        s["subscriptionId"]
        for s in subscriptions
        if any(m["tenantId"] != owner for m in s.get("managedByTenants") or [])
    }
    managing = next(m["tenantId"] for s in subscriptions for m in s.get("managedByTenants") or [])

    def make_managing_tenant_home(tenants: list[dict]) -> None:
        for tenant in tenants:
            if tenant["tenantId"] == managing:
                tenant["tenantCategory"] = "Home"

    edit_json(estate / "tenants.json", make_managing_tenant_home)
    assert delegated
    with running_emulator(estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, "arm")
        log = emu.request_log()
    listed = [s["subscriptionId"] for s in read_json(tmp_path / "snap", "subscriptions.json")]
    assert len(listed) == len(set(listed))
    assert delegated <= set(listed)
    reads = [e for e in log if any(f"/subscriptions/{d}/" in e["path"] for d in delegated)]
    assert reads and {e["tenant"] for e in reads if e["tenant"]} == {owner}
    assert managing in read_json(tmp_path / "snap", "manifest.json")["tenantsCrawled"]

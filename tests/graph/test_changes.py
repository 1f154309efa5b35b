"""`changes` between the graphs of two snapshots of the same estate."""

from __future__ import annotations

from pathlib import Path

from graph.build import build_graph
from graph.queries import QUERIES
from graph.schema import node_id
from graph.snapshot import load_snapshot
from tests.graph.handmade import (
    HUB_VNET,
    NIC_WEB2,
    NSG_APP,
    PARTNER_VNET,
    contoso_resources,
    contoso_snapshot,
)


def _night_two(tmp_path: Path) -> list[dict]:
    resources = [r for r in contoso_resources() if r["id"] != NIC_WEB2]
    hub = next(r for r in resources if r["id"] == HUB_VNET)
    hub["properties"]["virtualNetworkPeerings"][0]["properties"]["peeringState"] = "Disconnected"
    g1 = build_graph(load_snapshot(contoso_snapshot(tmp_path / "night1")))
    g2 = build_graph(load_snapshot(contoso_snapshot(tmp_path / "night2", resources=resources)))
    return QUERIES["changes"].run(g2, previous=g1)


def test_a_deleted_nic_shows_as_removed_with_its_ip_configuration(tmp_path: Path) -> None:
    removed = {
        r["id"] for r in _night_two(tmp_path) if r["change"] == "removed" and r["kind"] == "node"
    }
    assert {node_id(NIC_WEB2), node_id(NIC_WEB2 + "/ipConfigurations/ipconfig1")} <= removed


def test_a_peering_state_change_shows_before_and_after(tmp_path: Path) -> None:
    [row] = [r for r in _night_two(tmp_path) if r["property"] == "peeringState"]
    assert (row["id"], row["before"], row["after"]) == (
        f"{node_id(HUB_VNET)} -[PEERS_WITH:to-fabrikam]-> {node_id(PARTNER_VNET)}",
        "Connected",
        "Disconnected",
    )


def test_the_same_snapshot_twice_has_no_changes(tmp_path: Path) -> None:
    g1 = build_graph(load_snapshot(contoso_snapshot(tmp_path / "a")))
    g2 = build_graph(load_snapshot(contoso_snapshot(tmp_path / "b")))
    assert QUERIES["changes"].run(g2, previous=g1) == []


def _nsg_night_two(tmp_path: Path) -> list[dict]:
    """nsg-app's rule allow-https opened to 443 as well, rule allow-ssh added."""
    resources = contoso_resources()
    nsg = next(r for r in resources if r["id"] == NSG_APP)
    rules = nsg["properties"]["securityRules"]
    rules[0]["properties"]["destinationPortRange"] = "443"
    rules.append(
        {
            "name": "allow-ssh",
            "etag": 'W/"2"',
            "properties": {"priority": 110, "access": "Allow", "destinationPortRange": "22"},
        }
    )
    g1 = build_graph(load_snapshot(contoso_snapshot(tmp_path / "night1")))
    g2 = build_graph(load_snapshot(contoso_snapshot(tmp_path / "night2", resources=resources)))
    return [r for r in QUERIES["changes"].run(g2, previous=g1) if r["id"] == node_id(NSG_APP)]


def test_nsg_rules_added_and_changed_are_one_line_each_with_only_what_differs(
    tmp_path: Path,
) -> None:
    rows = {r["property"]: (r["before"], r["after"]) for r in _nsg_night_two(tmp_path)}
    assert rows == {
        "securityRules[allow-https]": ("destinationPortRange 8443", "destinationPortRange 443"),
        "securityRules[allow-ssh] (added)": (
            None,
            "access Allow; destinationPortRange 22; priority 110",
        ),
    }


def test_a_removed_rule_is_one_line_with_what_it_allowed() -> None:
    from graph.queries import property_diffs

    rule = {"name": "allow-rdp", "id": "/x", "properties": {"access": "Allow", "priority": 120}}
    assert property_diffs("securityRules", [rule], []) == [
        ("securityRules[allow-rdp]", "removed", "access Allow; priority 120", None)
    ]

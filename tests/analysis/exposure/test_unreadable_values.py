"""A rule with the right JSON type but a value no one can read is a coverage note, never the
end of the night (issue 10: one hostile or broken resource must not cost the run).

Each case goes through the whole pipeline: snapshot -> build -> analyse -> every report.
A careful engineer's reading: an unreadable allow may open ports nobody can name, so its
subscription is not fully read (findings there that disappear are unverified, not
resolved); an unreadable deny is not taken as shadowing anything (Microsoft Learn, "How
network security groups filter network traffic": a deny only stops what it matches).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from graph.analysis import analyse
from graph.build import build_graph
from graph.crawl_record import crawl_record
from graph.inventory import Inventory
from graph.snapshot import load_snapshot
from reports.render import write_reports
from tests.analysis.exposure.estate import SUB, Estate, dnat_rule, nsg_rule
from tests.graph.test_any_json_shape import REPORTS

VM_PUBLIC = "20.1.1.1"
FW_PUBLIC = "20.9.9.9"


def pipeline(estate: Estate, tmp_path: Path) -> dict[str, Any]:
    snap = load_snapshot(estate.write(tmp_path / "snap"))
    report = analyse(
        build_graph(snap),
        crawl_record(snap),
        Inventory.empty(),
        today=dt.date(2026, 12, 3),
        run={"id": "r1"},
        previous=None,
    )
    write_reports(report, tmp_path / "out")
    assert all((tmp_path / "out" / name).is_file() for name in REPORTS)
    return report


def vm_behind(rules: list[dict[str, Any]]) -> Estate:
    estate = Estate()
    vnet = estate.vnet("vnet", "10.0.0.0/16", {"app": "10.0.1.0/24"})
    pip = estate.public_ip("pip-vm", VM_PUBLIC)
    estate.nic(
        "nic-vm",
        [{"ip": "10.0.1.4", "subnet": estate.subnet(vnet, "app"), "pip": pip}],
        nsg=estate.nsg("nsg-app", rules),
        vm=False,
    )
    return estate


def exposures(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f["subjectName"]: f["details"]
        for f in report["findings"]
        if f["kind"] == "internet-exposure"
    }


def test_an_unreadable_deny_shadows_nothing_and_is_named_in_the_coverage(tmp_path: Path) -> None:
    report = pipeline(
        vm_behind(
            [
                nsg_rule(
                    "deny-rdp",
                    100,
                    "Deny",
                    sourceAddressPrefix="*",
                    destinationAddressPrefix="*",
                    destinationPortRange=":",
                ),
                nsg_rule(
                    "allow-rdp",
                    200,
                    sourceAddressPrefix="*",
                    destinationAddressPrefix="*",
                    destinationPortRange="3389",
                ),
            ]
        ),
        tmp_path,
    )
    found = exposures(report)["nic-vm"]
    assert found["ports"] == [{"protocol": "tcp", "ports": "3389"}]
    assert "nsg-rule-unreadable" in found["notes"]
    notes = [
        (n["document"].rsplit("/", 1)[-1], n["field"]) for n in report["coverage"]["misshapen"]
    ]
    assert ("nsg-app", "securityRules[deny-rdp].destinationPortRange") in notes
    assert not report["coverage"]["complete"]


def test_an_unreadable_allow_leaves_its_subscription_not_fully_read(tmp_path: Path) -> None:
    report = pipeline(
        vm_behind(
            [
                nsg_rule(
                    "allow-odd",
                    100,
                    sourceAddressPrefix="*",
                    destinationAddressPrefix="*",
                    destinationPortRange="abc",
                )
            ]
        ),
        tmp_path,
    )
    assert "nic-vm" not in exposures(report)
    misshapen = report["coverage"]["misshapen"]
    assert [(n["field"], n["found"]) for n in misshapen] == [
        ("securityRules[allow-odd].destinationPortRange", '"abc"')
    ]
    assert SUB not in report["coverage"]["subscriptionsCrawled"]


def test_an_unreadable_dnat_port_is_noted_and_the_other_rules_still_count(tmp_path: Path) -> None:
    estate = Estate()
    hub = estate.vnet(
        "hub", "10.0.0.0/16", {"AzureFirewallSubnet": "10.0.0.0/26", "app": "10.0.1.0/24"}
    )
    estate.nic("nic-app", [{"ip": "10.0.1.4", "subnet": estate.subnet(hub, "app")}], vm=False)
    policy = estate.firewall_policy(
        "afwp",
        [
            dnat_rule("broken", destination=FW_PUBLIC, port="abc", to="10.0.1.4", to_port="22"),
            dnat_rule("https", destination=FW_PUBLIC, port="443", to="10.0.1.4", to_port="443"),
        ],
    )
    pip = estate.public_ip("pip-fw", FW_PUBLIC)
    estate.firewall(
        "azfw", pip, estate.subnet(hub, "AzureFirewallSubnet"), "10.0.0.4", policy=policy
    )
    report = pipeline(estate, tmp_path)
    assert exposures(report)["nic-app"]["ports"] == [{"protocol": "tcp", "ports": "443"}]
    fields = [n["field"] for n in report["coverage"]["misshapen"]]
    assert fields == ["rules[broken].destinationPorts"]


def test_an_unreadable_load_balancer_port_is_noted_not_fatal(tmp_path: Path) -> None:
    estate = Estate()
    vnet = estate.vnet("vnet", "10.0.0.0/16", {"be": "10.0.1.0/24"})
    nic, _ = estate.nic(
        "nic-be", [{"ip": "10.0.1.4", "subnet": estate.subnet(vnet, "be")}], vm=False
    )
    estate.load_balancer(
        "lb",
        estate.public_ip("pip-lb", "20.2.2.2", sku="Basic"),
        sku="Basic",
        pool=[Estate.ipconfig(nic)],
        rules=[
            {"protocol": "Tcp", "frontendPort": 443, "backendPort": 70000},
            {"protocol": "Tcp", "frontendPort": 80, "backendPort": 8080},
        ],
    )
    report = pipeline(estate, tmp_path)
    assert exposures(report)["nic-be"]["ports"] == [{"protocol": "tcp", "ports": "8080"}]
    assert [(n["field"], n["found"]) for n in report["coverage"]["misshapen"]] == [
        ("backendPort", "70000")
    ]

"""Azure Firewall DNAT as Azure processes it (exposure.md entry 4): priorities, parent policy
first, first match per frontend port, secured-hub public IPs, DNAT onto an internal load
balancer, and translated addresses resolved only where the firewall's network reaches.

Microsoft Learn: "Azure Firewall rule processing logic" (rule collection groups and rule
collections by priority, DNAT first), "Azure Firewall Manager policy overview" (a parent
policy's rule collection groups take precedence over the child's), "Azure Firewall DNAT"
("Filter inbound Internet traffic with Azure Firewall DNAT"), "Secured virtual hub"
("What is a secured virtual hub?"), "Azure Load Balancer components" (internal frontends).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.analysis.exposure import Exposure, find_exposures
from tests.analysis.exposure.estate import Estate, dnat_rule

FW_PUBLIC = "20.4.4.4"
FW_PRIVATE = "10.0.0.4"
Group = tuple[str, int, list[tuple[str, int, list[dict[str, Any]]]]]


def tcp(*ports: str) -> list[dict[str, str]]:
    return [{"protocol": "tcp", "ports": p} for p in ports]


def dnat(name: str, port: str, to: str, to_port: str, **fields: Any) -> dict[str, Any]:
    return dnat_rule(name, destination=FW_PUBLIC, port=port, to=to, to_port=to_port, **fields)


@dataclass
class Hub:
    """A hub VNet with the firewall and a peered spoke holding app-01 (10.1.1.4) and
    app-02 (10.1.2.4); no NSGs, so the firewall's private source passes."""

    tmp: Path
    estate: Estate = field(default_factory=Estate)

    def __post_init__(self) -> None:
        e = self.estate
        self.hub = e.vnet("vnet-hub", "10.0.0.0/16", {"AzureFirewallSubnet": "10.0.0.0/26"})
        self.spoke = e.vnet(
            "vnet-spoke",
            "10.1.0.0/16",
            {"a": "10.1.1.0/24", "b": "10.1.2.0/24", "lb": "10.1.3.0/24"},
        )
        e.peer(self.hub, self.spoke)
        e.peer(self.spoke, self.hub)
        self.app1, _ = e.nic(
            "nic-app-01", [{"ip": "10.1.1.4", "subnet": e.subnet(self.spoke, "a")}]
        )
        self.app2, _ = e.nic(
            "nic-app-02", [{"ip": "10.1.2.4", "subnet": e.subnet(self.spoke, "b")}]
        )

    def firewall(
        self, groups: list[Group], *, base_groups: list[Group] | None = None
    ) -> dict[str, Exposure]:
        e = self.estate
        base = e.firewall_policy("afwp-base", [], groups=base_groups) if base_groups else None
        policy = e.firewall_policy("afwp", [], groups=groups, base=base)
        pip = e.public_ip("pip-fw", FW_PUBLIC)
        e.firewall(
            "azfw", pip, e.subnet(self.hub, "AzureFirewallSubnet"), FW_PRIVATE, policy=policy
        )
        return self.exposures()

    def exposures(self) -> dict[str, Exposure]:
        folder = self.tmp / "estate"
        return {x.subject_name: x for x in find_exposures(self.estate.graph(folder))}


def hub(tmp_path: Path) -> Hub:
    return Hub(tmp_path)


def ports(found: dict[str, Exposure]) -> dict[str, list[dict[str, str]]]:
    return {name: x.ports.to_report() for name, x in found.items() if not x.ports.is_empty()}


TO_APP1 = dnat("to-app-01", "50000", "10.1.1.4", "3389")
TO_APP2 = dnat("to-app-02", "50000", "10.1.2.4", "22")


def test_rule_collections_are_processed_by_priority_not_by_listing_order(tmp_path: Path) -> None:
    """Rule collections run lower priority number first ("Azure Firewall rule processing
    logic"): the collection at 100 takes port 50000, whatever ARM lists first."""
    found = hub(tmp_path).firewall(
        [("g", 100, [("later", 200, [TO_APP1]), ("first", 100, [TO_APP2])])]
    )
    assert ports(found) == {"app-02": tcp("22")}


def test_rule_collection_groups_are_processed_by_priority(tmp_path: Path) -> None:
    """Rule collection groups run lower priority number first ("Azure Firewall rule
    processing logic")."""
    found = hub(tmp_path).firewall(
        [("late", 300, [("c", 100, [TO_APP1])]), ("early", 200, [("c", 100, [TO_APP2])])]
    )
    assert ports(found) == {"app-02": tcp("22")}


def test_parent_policy_groups_come_before_the_childs_whatever_their_numbers(
    tmp_path: Path,
) -> None:
    """Rule collection groups inherited from a parent policy take priority over the child's
    ("Azure Firewall Manager policy overview", inheritance)."""
    found = hub(tmp_path).firewall(
        [("child", 100, [("c", 100, [TO_APP1])])],
        base_groups=[("parent", 60000, [("c", 60000, [TO_APP2])])],
    )
    assert ports(found) == {"app-02": tcp("22")}


def test_first_matching_rule_takes_the_port_and_a_later_rule_keeps_the_rest(
    tmp_path: Path,
) -> None:
    """DNAT is first match per destination address, port and protocol ("Azure Firewall rule
    processing logic"): the second rule reaches app-02 through 50001 only."""
    second = dnat("both", "50000-50001", "10.1.2.4", "22")
    found = hub(tmp_path).firewall([("g", 100, [("c", 100, [TO_APP1, second])])])
    assert ports(found) == {"app-01": tcp("3389"), "app-02": tcp("22")}
    [entry] = found["app-02"].entries
    assert entry.frontend_ports.to_report() == tcp("50001")


def test_a_rule_for_some_sources_only_does_not_take_the_port_from_the_internet(
    tmp_path: Path,
) -> None:
    """A rule matches a packet only when its source matches: internet traffic from other
    addresses goes on to the next rule ("Azure Firewall rule processing logic")."""
    office = dnat("office", "50000", "10.1.1.4", "3389", sourceAddresses=["198.51.100.0/24"])
    found = hub(tmp_path).firewall([("g", 100, [("c", 100, [office, TO_APP2])])])
    assert ports(found) == {"app-02": tcp("22")}


def test_broad_dnat_source_exposes_with_the_note(tmp_path: Path) -> None:
    """exposure.md "Internet sources": a /8's worth of public sources exposes like the
    internet, with the note broad-source."""
    wide = dnat("wide", "50000", "10.1.1.4", "3389", sourceAddresses=["20.0.0.0/8"])
    found = hub(tmp_path).firewall([("g", 100, [("c", 100, [wide])])])
    assert (ports(found), found["app-01"].notes) == ({"app-01": tcp("3389")}, ["broad-source"])


def test_secured_hub_firewall_public_addresses_are_frontends(tmp_path: Path) -> None:
    """A firewall in a secured virtual hub has its public IPs in hubIPAddresses, not in IP
    configurations ("Secured virtual hub"; "Azure Firewall DNAT" on a secured hub)."""
    h = hub(tmp_path)
    e = h.estate
    wan = e.virtual_wan("wan")
    vhub = e.hub("vhub", wan, "10.100.0.0/23", [h.spoke])
    policy = e.firewall_policy("afwp", [TO_APP1])
    e.firewall(
        "azfw-hub",
        None,
        None,
        "10.100.0.132",
        policy=policy,
        hub=vhub,
        hub_addresses=[FW_PUBLIC],
    )
    found = h.exposures()
    assert ports(found) == {"app-01": tcp("3389")}
    [entry] = found["app-01"].entries
    assert entry.entry.endswith("/hubipaddresses/publicips/20.4.4.4")


def with_internal_lb(tmp_path: Path) -> Hub:
    """The hub, with an internal load balancer at 10.1.3.10 forwarding 443 to app-01:8443."""
    h = hub(tmp_path)
    e = h.estate
    e.load_balancer(
        "ilb",
        None,
        pool=[Estate.ipconfig(h.app1)],
        rules=[{"protocol": "Tcp", "frontendPort": 443, "backendPort": 8443}],
        internal=(e.subnet(h.spoke, "lb"), "10.1.3.10"),
    )
    return h


def test_dnat_to_an_internal_load_balancer_reaches_its_backends(tmp_path: Path) -> None:
    """A DNAT onto an internal load balancer's frontend follows that frontend's rule to the
    backends, on the backend port ("Azure Load Balancer components"; exposure.md entry 4)."""
    h = with_internal_lb(tmp_path)
    found = h.firewall([("g", 100, [("c", 100, [dnat("web", "443", "10.1.3.10", "443")])])])
    assert ports(found) == {"app-01": tcp("8443")}
    relations = [(x["relation"], x["to"].rsplit("/", 1)[-1]) for x in found["app-01"].evidence]
    assert ("FORWARDS_TO", "ilb") in relations and ("FORWARDS_TO", "ipconfig1") in relations


def test_dnat_to_another_port_of_the_internal_frontend_reaches_nothing(tmp_path: Path) -> None:
    h = with_internal_lb(tmp_path)
    found = h.firewall([("g", 100, [("c", 100, [dnat("ssh", "2222", "10.1.3.10", "22")])])])
    assert ports(found) == {}


def test_translated_address_outside_the_firewalls_networks_is_unresolved(
    tmp_path: Path,
) -> None:
    """The firewall forwards only to addresses its network routes to; a NIC holding the same
    private address in an unpeered VNet is not the target (exposure.md entry 4)."""
    h = hub(tmp_path)
    e = h.estate
    far = e.vnet("vnet-far", "10.9.0.0/16")
    e.nic("nic-far-01", [{"ip": "10.9.0.4", "subnet": e.subnet(far)}])
    found = h.firewall([("g", 100, [("c", 100, [dnat("far", "50000", "10.9.0.4", "22")])])])
    assert "far-01" not in found
    assert found["azfw"].notes == ["dnat-target-unresolved"]


def test_a_duplicate_address_elsewhere_does_not_hide_the_reachable_one(tmp_path: Path) -> None:
    """Overlapping address spaces are common across unconnected VNets: the reachable NIC is
    the target."""
    h = hub(tmp_path)
    e = h.estate
    far = e.vnet("vnet-far", "10.1.0.0/16")
    e.nic("nic-far-01", [{"ip": "10.1.1.4", "subnet": e.subnet(far)}])
    found = h.firewall([("g", 100, [("c", 100, [TO_APP1])])])
    assert ports(found) == {"app-01": tcp("3389")}

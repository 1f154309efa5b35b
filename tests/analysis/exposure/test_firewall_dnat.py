"""Entry point 4: Azure Firewall DNAT onto private targets (exposure.md rule 4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.analysis.exposure import Exposure, find_exposures
from tests.analysis.exposure.estate import Estate, dnat_rule, nsg_rule

FW_PUBLIC = "20.4.4.4"
FW_PRIVATE = "10.0.0.4"


def tcp(*ports: str) -> list[dict[str, str]]:
    return [{"protocol": "tcp", "ports": p} for p in ports]


def dnat(name: str, *, port: str, to: str, to_port: str, **fields: Any) -> dict[str, Any]:
    return dnat_rule(name, destination=FW_PUBLIC, port=port, to=to, to_port=to_port, **fields)


def hub_and_spoke(
    tmp_path: Path,
    *,
    rules: list[dict[str, Any]] | None = None,
    base_rules: list[dict[str, Any]] | None = None,
    classic: list[dict[str, Any]] | None = None,
    spoke_rules: list[dict[str, Any]] | None = None,
    ip_groups: dict[str, list[str]] | None = None,
) -> dict[str, Exposure]:
    """Hub VNet with the firewall, spoke VNet (peered) with app-01 at 10.1.1.4."""
    estate = Estate()
    groups = {
        name: estate.ip_group(name, addresses) for name, addresses in (ip_groups or {}).items()
    }

    def with_groups(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        out = []
        for rule in items or []:
            rule = dict(rule)
            rule["sourceIpGroups"] = [groups[g] for g in rule.get("sourceIpGroups", [])]
            out.append(rule)
        return out

    hub = estate.vnet("vnet-hub", "10.0.0.0/16", {"AzureFirewallSubnet": "10.0.0.0/26"})
    spoke_nsg = estate.nsg("nsg-spoke", spoke_rules) if spoke_rules is not None else None
    spoke = estate.vnet(
        "vnet-spoke",
        "10.1.0.0/16",
        {"app": "10.1.1.0/24"},
        nsgs={"app": spoke_nsg} if spoke_nsg else None,
    )
    estate.peer(hub, spoke)
    estate.peer(spoke, hub)
    estate.nic("nic-app-01", [{"ip": "10.1.1.4", "subnet": estate.subnet(spoke, "app")}])
    base = (
        estate.firewall_policy("afwp-base", with_groups(base_rules))
        if base_rules is not None
        else None
    )
    policy = (
        estate.firewall_policy("afwp-hub", with_groups(rules), base=base)
        if rules is not None or base
        else None
    )
    pip = estate.public_ip("pip-fw", FW_PUBLIC)
    estate.firewall(
        "azfw",
        pip,
        estate.subnet(hub, "AzureFirewallSubnet"),
        FW_PRIVATE,
        policy=policy,
        classic_nat=with_groups(classic) if classic else None,
    )
    return {e.subject_name: e for e in find_exposures(estate.graph(tmp_path / "estate"))}


def _classic(rule: dict[str, Any]) -> dict[str, Any]:
    """A classic NAT rule (AzureFirewallNatRule): flat, with `protocols`."""
    out = {k: v for k, v in rule.items() if k != "ipProtocols"}
    out["protocols"] = rule["ipProtocols"]
    return out


FROM_FIREWALL_SUBNET = nsg_rule(
    "from-fw",
    100,
    sourceAddressPrefix="10.0.0.0/26",
    destinationAddressPrefix="*",
    destinationPortRange="3389",
)
FROM_INTERNET_ONLY = nsg_rule(
    "from-internet",
    100,
    sourceAddressPrefix="Internet",
    destinationAddressPrefix="*",
    destinationPortRange="3389",
)
DENY_VNET = nsg_rule(
    "deny-vnet",
    4000,
    "Deny",
    protocol="*",
    sourceAddressPrefix="VirtualNetwork",
    destinationAddressPrefix="*",
    destinationPortRange="*",
)


@pytest.mark.parametrize(
    ("spoke_rules", "expected"),
    [
        (None, tcp("3389")),
        ([], tcp("3389")),
        ([FROM_FIREWALL_SUBNET, DENY_VNET], tcp("3389")),
        ([FROM_INTERNET_ONLY, DENY_VNET], []),
        ([DENY_VNET], []),
    ],
    ids=[
        "no-nsg",
        "defaults-admit-vnet-source",
        "allows-firewall-subnet",
        "allows-internet-only",
        "denies-vnet",
    ],
)
def test_target_nsg_sees_the_firewall_private_address(
    tmp_path: Path, spoke_rules: list[dict[str, Any]] | None, expected: list[dict[str, str]]
) -> None:
    """A DNAT rule translates the destination to the target; the firewall also translates the
    source to its own private address, so the target's NSG must admit the firewall, and the
    default AllowVnetInBound admits it from a peered VNet ("Filter inbound Internet traffic with
    Azure Firewall DNAT", https://learn.microsoft.com/en-us/azure/firewall/tutorial-firewall-dnat-policy;
    "Azure Firewall rule processing logic", DNAT rules,
    https://learn.microsoft.com/en-us/azure/firewall/rule-processing#dnat-rules-and-network-rules;
    VirtualNetwork service tag, https://learn.microsoft.com/en-us/azure/virtual-network/service-tags-overview#available-service-tags)."""
    found = hub_and_spoke(
        tmp_path,
        rules=[dnat("rdp", port="50389", to="10.1.1.4", to_port="3389")],
        spoke_rules=spoke_rules,
    )
    got = found["app-01"].ports.to_report() if "app-01" in found else []
    assert got == expected
    if expected:
        [entry] = found["app-01"].entries
        assert (entry.via, entry.frontend_ports.to_report()) == ("firewall-dnat", tcp("50389"))


@pytest.mark.parametrize(
    ("where", "expected"),
    [("policy", tcp("22")), ("base", tcp("22")), ("classic", tcp("22"))],
    ids=["own-policy", "inherited-from-base-policy", "classic-rule-collection"],
)
def test_dnat_rules_come_from_policy_base_policy_and_classic_rules(
    tmp_path: Path, where: str, expected: list[dict[str, str]]
) -> None:
    """A firewall policy inherits the rule collections of its parent (base) policy ("Azure
    Firewall Manager policy overview", inheritance,
    https://learn.microsoft.com/en-us/azure/firewall-manager/policy-overview#inheritance);
    classic firewalls keep NAT rule collections on the firewall itself ("Azure Firewall rule
    processing logic", https://learn.microsoft.com/en-us/azure/firewall/rule-processing)."""
    rule = dnat("ssh", port="2222", to="10.1.1.4", to_port="22")
    kwargs: dict[str, Any] = {
        "policy": {"rules": [rule]},
        "base": {"rules": [], "base_rules": [rule]},
        "classic": {"classic": [_classic(rule)]},
    }[where]
    found = hub_and_spoke(tmp_path, **kwargs)
    assert found["app-01"].ports.to_report() == expected
    relations = [h["relation"] for h in found["app-01"].evidence]
    if where == "base":
        assert relations[2:4] == ["USES_POLICY", "INHERITS_FROM"]


@pytest.mark.parametrize(
    ("sources", "groups", "exposed"),
    [
        ({"sourceAddresses": ["*"]}, {}, True),
        ({"sourceAddresses": ["Internet"]}, {}, True),
        ({"sourceAddresses": ["0.0.0.0/0"]}, {}, True),
        ({"sourceAddresses": ["198.51.100.0/24"]}, {}, False),
        (
            {"sourceAddresses": [], "sourceIpGroups": ["ipg-office"]},
            {"ipg-office": ["198.51.100.0/24"]},
            False,
        ),
        ({"sourceAddresses": [], "sourceIpGroups": ["ipg-any"]}, {"ipg-any": ["0.0.0.0/0"]}, True),
    ],
    ids=["star", "internet-tag", "all-prefix", "office-prefix", "ip-group-office", "ip-group-any"],
)
def test_dnat_source_must_admit_the_internet(
    tmp_path: Path, sources: dict[str, Any], groups: dict[str, list[str]], exposed: bool
) -> None:
    """A DNAT rule matches only its sources, given as addresses or IP groups ("IP Groups in Azure
    Firewall", https://learn.microsoft.com/en-us/azure/firewall/ip-groups); a narrower public
    prefix is a known source, not the internet (exposure.md, "Internet sources")."""
    rule = dnat("ssh", port="2222", to="10.1.1.4", to_port="22", **sources)
    found = hub_and_spoke(tmp_path, rules=[rule], ip_groups=groups)
    assert ("app-01" in found) is exposed


def test_unresolved_and_fqdn_targets_are_reported_on_the_firewall(tmp_path: Path) -> None:
    """The target is the NIC holding the translated address; when none does, the firewall
    itself with `dnat-target-unresolved`; `translatedFqdn` targets are noted, not resolved
    (exposure.md rule 4)."""
    found = hub_and_spoke(
        tmp_path,
        rules=[
            dnat("gone", port="8080", to="10.9.9.9", to_port="80"),
            dnat("fqdn", port="8443", to="", to_port="443", translatedFqdn="app.contoso.example"),
        ],
    )
    firewall = found["azfw"]
    assert firewall.notes == ["dnat-fqdn-target", "dnat-target-unresolved"]
    assert [(e.frontend_ports.to_report(), e.ports.to_report()) for e in firewall.entries] == [
        (tcp("8080", "8443"), tcp("80", "443"))
    ]
    assert "app-01" not in found


def test_dnat_to_another_public_address_is_ignored(tmp_path: Path) -> None:
    """A DNAT rule applies to traffic addressed to the firewall's own public IPs
    (https://learn.microsoft.com/en-us/azure/firewall/tutorial-firewall-dnat-policy)."""
    rule = dnat(
        "other", port="2222", to="10.1.1.4", to_port="22", destinationAddresses=["52.1.1.1"]
    )
    assert hub_and_spoke(tmp_path, rules=[rule]) == {}

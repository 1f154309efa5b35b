"""Notes on exposures: `admin-rules-not-evaluated` (rule 9) and `route-none` (rule 11), and scope."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analysis.exposure import Exposure, find_exposures
from tests.analysis.exposure.estate import SUB, SUB2, Estate


def exposed_vm(estate: Estate, *, route_table: str | None = None, sub: str = SUB) -> None:
    """A VM with a Basic public IP and no NSG (open), in subscription ``sub``."""
    vnet = estate.vnet(
        "vnet",
        "10.0.0.0/16",
        {"app": "10.0.1.0/24"},
        sub=sub,
        route_tables={"app": route_table} if route_table else None,
    )
    pip = estate.public_ip("pip", "20.5.5.5", sku="Basic", sub=sub)
    estate.nic(
        "nic-vm", [{"ip": "10.0.1.4", "subnet": estate.subnet(vnet, "app"), "pip": pip}], sub=sub
    )


def only(exposures: list[Exposure]) -> Exposure:
    [exposure] = exposures
    return exposure


MANAGER_SCOPES = [
    "none",
    "manager-scopes-subscription",
    "manager-scopes-parent-group",
    "manager-scopes-ancestor-group",
    "manager-scopes-other-group",
    "connection-at-subscription",
    "connection-at-ancestor-group",
]


@pytest.mark.parametrize(
    ("case", "noted"),
    [
        ("none", False),
        ("manager-scopes-subscription", True),
        ("manager-scopes-parent-group", True),
        ("manager-scopes-ancestor-group", True),
        ("manager-scopes-other-group", False),
        ("connection-at-subscription", True),
        ("connection-at-ancestor-group", True),
    ],
    ids=MANAGER_SCOPES,
)
def test_admin_rules_not_evaluated_within_any_network_manager_scope(
    tmp_path: Path, case: str, noted: bool
) -> None:
    """Security admin rules apply to VNets in the network manager's scope (subscriptions and
    management groups, at any depth below them) and are evaluated before NSGs ("Security admin
    rules in Azure Virtual Network Manager", https://learn.microsoft.com/en-us/azure/virtual-network-manager/concept-security-admins);
    a network manager connection at subscription or management-group scope brings that scope
    under another manager ("Azure Virtual Network Manager cross-tenant support" / network
    manager connections, https://learn.microsoft.com/en-us/azure/virtual-network-manager/concept-cross-tenant)."""
    estate = Estate(subscriptions=[SUB, SUB2])
    estate.groups = {"platform": None, "landing-zones": None, "corp": "landing-zones"}
    estate.placement = {SUB: "corp", SUB2: "platform"}
    exposed_vm(estate)
    if case == "manager-scopes-subscription":
        estate.network_manager("avnm", subscriptions=[SUB], sub=SUB2)
    elif case == "manager-scopes-parent-group":
        estate.network_manager("avnm", groups=["corp"], sub=SUB2)
    elif case == "manager-scopes-ancestor-group":
        estate.network_manager("avnm", groups=["landing-zones"], sub=SUB2)
    elif case == "manager-scopes-other-group":
        estate.network_manager("avnm", groups=["platform"], sub=SUB2)
    elif case == "connection-at-subscription":
        manager = "/subscriptions/4e5f6a7b-0000-4000-8000-0000000000c1/resourceGroups/rg/providers/Microsoft.Network/networkManagers/msp"
        estate.network_manager_connection("nmc", manager, scope=f"/subscriptions/{SUB}")
    elif case == "connection-at-ancestor-group":
        manager = "/subscriptions/4e5f6a7b-0000-4000-8000-0000000000c1/resourceGroups/rg/providers/Microsoft.Network/networkManagers/msp"
        estate.network_manager_connection(
            "nmc", manager, scope="/providers/Microsoft.Management/managementGroups/landing-zones"
        )
    exposure = only(find_exposures(estate.graph(tmp_path / "estate")))
    assert ("admin-rules-not-evaluated" in exposure.notes) is noted


@pytest.mark.parametrize(
    ("routes", "noted"),
    [
        ([("0.0.0.0/0", "None")], True),
        ([("0.0.0.0/0", "VirtualAppliance")], False),
        ([("10.0.0.0/8", "None")], False),
        ([], False),
    ],
    ids=["default-route-none", "default-route-appliance", "other-prefix-none", "no-routes"],
)
def test_route_none_on_the_targets_subnet_is_noted(
    tmp_path: Path, routes: list[tuple[str, str]], noted: bool
) -> None:
    """A route with next hop type None drops traffic to its prefix ("Virtual network traffic
    routing", https://learn.microsoft.com/en-us/azure/virtual-network/virtual-networks-udr-overview#user-defined);
    a 0.0.0.0/0 route to None drops the return traffic, so the finding stays with the note."""
    estate = Estate()
    table = estate.route_table("rt", routes)
    exposed_vm(estate, route_table=table)
    exposure = only(find_exposures(estate.graph(tmp_path / "estate")))
    assert ("route-none" in exposure.notes) is noted
    assert not exposure.ports.is_empty()


def test_scope_holds_the_target_and_entry_point_subscriptions(tmp_path: Path) -> None:
    """findings.md: the scope is the exposed target's subscription and the subscriptions of its
    entry points (a public IP in another subscription than the NIC)."""
    estate = Estate(subscriptions=[SUB, SUB2])
    vnet = estate.vnet("vnet", "10.0.0.0/16")
    pip = estate.public_ip("pip", "20.5.5.5", sku="Basic", sub=SUB2)
    estate.nic("nic-vm", [{"ip": "10.0.0.4", "subnet": estate.subnet(vnet), "pip": pip}])
    exposure = only(find_exposures(estate.graph(tmp_path / "estate")))
    assert exposure.subscription_id == SUB
    assert exposure.scope == {SUB, SUB2}

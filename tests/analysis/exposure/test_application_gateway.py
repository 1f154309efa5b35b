"""Entry point 3: application gateway listeners on a public frontend (exposure.md rule 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.analysis.exposure import find_exposures
from tests.analysis.exposure.estate import Estate, nsg_rule


def tcp(*ports: str) -> list[dict[str, str]]:
    return [{"protocol": "tcp", "ports": p} for p in ports]


ALLOW_443_INTERNET = nsg_rule(
    "https",
    100,
    sourceAddressPrefix="Internet",
    destinationAddressPrefix="*",
    destinationPortRange="443",
)
ALLOW_MANAGER = nsg_rule(
    "gwm",
    110,
    sourceAddressPrefix="GatewayManager",
    destinationAddressPrefix="*",
    destinationPortRange="65200-65535",
)
ALLOW_80_443_SUBNET = nsg_rule(
    "web",
    100,
    sourceAddressPrefix="*",
    destinationAddressPrefix="10.0.5.0/24",
    destinationPortRanges=["80", "443"],
)


@pytest.mark.parametrize(
    ("waf", "subnet_rules", "expected_ports", "expected_waf"),
    [
        (None, None, tcp("80", "443"), "none"),
        ({"policy": ("Prevention", "Enabled")}, None, tcp("80", "443"), "prevention"),
        ({"policy": ("Detection", "Enabled")}, None, tcp("80", "443"), "detection"),
        ({"policy": ("Prevention", "Disabled")}, None, tcp("80", "443"), "none"),
        (
            {"legacy": {"enabled": True, "firewallMode": "Prevention"}},
            None,
            tcp("80", "443"),
            "prevention",
        ),
        (None, [ALLOW_443_INTERNET, ALLOW_MANAGER], tcp("443"), "none"),
        (None, [ALLOW_80_443_SUBNET], tcp("80", "443"), "none"),
        (None, [ALLOW_MANAGER], [], None),
    ],
    ids=[
        "no-waf",
        "waf-policy-prevention",
        "waf-policy-detection",
        "waf-policy-disabled",
        "legacy-waf-config",
        "subnet-nsg-allows-443-only",
        "subnet-nsg-allows-subnet-destination",
        "subnet-nsg-allows-no-listener",
    ],
)
def test_listener_ports_with_waf_state_and_subnet_nsg(
    tmp_path: Path,
    waf: dict[str, Any] | None,
    subnet_rules: list[dict[str, Any]] | None,
    expected_ports: list[dict[str, str]],
    expected_waf: str | None,
) -> None:
    """Listeners on the public frontend IP take client traffic on their frontend ports
    ("Application Gateway components", https://learn.microsoft.com/en-us/azure/application-gateway/application-gateway-components);
    an NSG on the gateway's subnet filters that traffic, with the subnet range as destination
    ("Application Gateway infrastructure configuration",
    https://learn.microsoft.com/en-us/azure/application-gateway/configuration-infrastructure#network-security-groups);
    the WAF policy's mode and state decide the WAF ("Azure Web Application Firewall on
    Application Gateway policy", https://learn.microsoft.com/en-us/azure/web-application-firewall/ag/policy-overview)."""
    estate = Estate()
    nsg = estate.nsg("nsg-agw", subnet_rules) if subnet_rules is not None else None
    vnet = estate.vnet(
        "vnet", "10.0.0.0/16", {"agw": "10.0.5.0/24"}, nsgs={"agw": nsg} if nsg else None
    )
    pip = estate.public_ip("pip-agw", "20.3.3.3")
    policy = None
    legacy = None
    if waf and "policy" in waf:
        mode, state = waf["policy"]
        policy = estate.waf_policy("waf", mode=mode, state=state)
    if waf and "legacy" in waf:
        legacy = waf["legacy"]
    agw = estate.app_gateway(
        "agw", pip, estate.subnet(vnet, "agw"), [80, 443], waf_policy=policy, legacy_waf=legacy
    )
    found = find_exposures(estate.graph(tmp_path / "estate"))
    if not expected_ports:
        assert found == []
        return
    [exposure] = found
    assert exposure.subject == agw.lower()
    assert [
        (e.via, e.waf, e.frontend_ports.to_report(), e.ports.to_report()) for e in exposure.entries
    ] == [("application-gateway", expected_waf, expected_ports, expected_ports)]


def test_backends_of_an_application_gateway_are_not_reported(tmp_path: Path) -> None:
    """Backends are reached by the gateway, not by the internet (exposure.md rule 3)."""
    estate = Estate()
    vnet = estate.vnet("vnet", "10.0.0.0/16", {"agw": "10.0.5.0/24", "be": "10.0.6.0/24"})
    estate.nic("nic-backend", [{"ip": "10.0.6.4", "subnet": estate.subnet(vnet, "be")}])
    pip = estate.public_ip("pip-agw", "20.3.3.3")
    estate.app_gateway("agw", pip, estate.subnet(vnet, "agw"), [443])
    assert [e.subject_name for e in find_exposures(estate.graph(tmp_path / "estate"))] == ["agw"]

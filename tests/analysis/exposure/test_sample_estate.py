"""The bundled sample estate: the exposures its README promises (discovery/estates/sample/README.md)."""

from __future__ import annotations

from pathlib import Path

from graph.analysis.exposure import find_exposures
from graph.build import build_graph
from graph.snapshot import load_snapshot


def test_sample_estate_exposes_what_its_readme_lists(sample_estate: Path) -> None:
    """Each row of the README's internet-exposure table: subject, target ports, entry kind, notes.
    Not exposed: the IP-group DNAT to jump-01:22, the office-only SSH rule, Bastion and VPN
    gateway public IPs."""
    exposures = find_exposures(build_graph(load_snapshot(sample_estate)))
    got = {
        e.subject_name: (
            [(p["protocol"], p["ports"]) for p in e.ports.to_report()],
            sorted({entry.via for entry in e.entries}),
            e.notes,
        )
        for e in exposures
    }
    assert got == {
        "jump-01": ([("tcp", "22")], ["public-ip"], []),
        "pay-app-01": ([("tcp", "3389")], ["firewall-dnat"], []),
        "web-01": ([("tcp", "3389"), ("tcp", "8443")], ["load-balancer"], []),
        "web-02": ([("tcp", "8443")], ["load-balancer"], []),
        "agw-web": ([("tcp", "80"), ("tcp", "443")], ["application-gateway"], []),
        "agw-api": ([("tcp", "443")], ["application-gateway"], []),
        "shop-01": ([("tcp", "443")], ["public-ip"], []),
        "dev-legacy-01": (
            [("icmp", "*"), ("tcp", "*"), ("udp", "*")],
            ["public-ip"],
            ["admin-rules-not-evaluated"],
        ),
        "dev-api-01": (
            [("tcp", "8000-8079"), ("tcp", "8081-8100")],
            ["public-ip"],
            ["admin-rules-not-evaluated", "route-none"],
        ),
    }


def test_sample_shop_reaches_the_wan_site_and_circuit(sample_estate: Path) -> None:
    """README: shop-01's VNet reaches site berlin-office and er-ams through the Virtual WAN."""
    exposures = {
        e.subject_name: e for e in find_exposures(build_graph(load_snapshot(sample_estate)))
    }
    reaches = exposures["shop-01"].reaches
    assert any(r.endswith("/vpnsites/vpnsite-berlin") for r in reaches)
    assert any(r.endswith("/expressroutecircuits/er-ams") for r in reaches)


def test_sample_gateways_carry_their_waf_state(sample_estate: Path) -> None:
    """README: agw-web has no WAF; agw-api's WAF policy runs in Detection mode."""
    exposures = {
        e.subject_name: e for e in find_exposures(build_graph(load_snapshot(sample_estate)))
    }
    assert [e.waf for e in exposures["agw-web"].entries] == ["none"]
    assert [e.waf for e in exposures["agw-api"].entries] == ["detection"]

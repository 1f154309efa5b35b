"""Application gateway listeners beyond HTTP (exposure.md entry 3), and the listener parser
the analysis and the internet-paths query share.

Microsoft Learn: "Application Gateway TCP/TLS proxy overview" (layer-4 listeners, API
2022-05-01 on, which a WAF does not inspect), "Per-site and per-URI WAF policies" (a WAF
policy associated with a listener overrides the gateway's for that listener), "What is Azure
Private Link service?" (a private link service fronts a Standard load balancer frontend).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from discovery.estates.arm import child, ref, resource
from graph.analysis.exposure import Exposure, find_exposures
from graph.queries import internet_paths
from graph.schema import Rel
from tests.analysis.exposure.estate import LOCATION, Estate, N, rid


def tcp(*ports: str) -> list[dict[str, str]]:
    return [{"protocol": "tcp", "ports": p} for p in ports]


def gateway(tmp_path: Path, **kwargs: object) -> tuple[Estate, nx.MultiDiGraph, Exposure]:
    estate = Estate()
    vnet = estate.vnet("vnet", "10.0.0.0/16", {"agw": "10.0.5.0/24"})
    pip = estate.public_ip("pip-agw", "20.3.3.3")
    gateway_policy = estate.waf_policy("waf-gw", mode="Prevention")
    listener_policy = estate.waf_policy("waf-site", mode="Detection")
    ports = kwargs.pop("ports", [443])
    if kwargs.pop("site_policy", False):
        kwargs["listener_policies"] = {443: listener_policy}
    estate.app_gateway(
        "agw", pip, estate.subnet(vnet, "agw"), ports, waf_policy=gateway_policy, **kwargs
    )
    graph = estate.graph(tmp_path / "estate")
    [exposure] = find_exposures(graph)
    return estate, graph, exposure


def entries(exposure: Exposure) -> list[tuple[str | None, list[dict[str, str]]]]:
    return [(e.waf, e.ports.to_report()) for e in exposure.entries]


def test_layer4_listeners_expose_their_port_without_waf(tmp_path: Path) -> None:
    """ "Application Gateway TCP/TLS proxy overview": Tcp/Tls listeners proxy layer-4
    traffic that the WAF does not inspect."""
    _, _, exposure = gateway(tmp_path, layer4={1433: "Tcp", 5671: "Tls"})
    assert entries(exposure) == [("none", tcp("1433", "5671")), ("prevention", tcp("443"))]


def test_listener_waf_policy_overrides_the_gateways(tmp_path: Path) -> None:
    """ "Per-site and per-URI WAF policies": a listener in Detection behind a gateway policy
    in Prevention is in Detection."""
    _, _, exposure = gateway(tmp_path, ports=[80, 443], site_policy=True)
    assert entries(exposure) == [("detection", tcp("443")), ("prevention", tcp("80"))]
    policies = {
        h["to"].rsplit("/", 1)[-1] for h in exposure.evidence if h["relation"] == "USES_POLICY"
    }
    assert policies == {"waf-gw", "waf-site"}


def test_internet_paths_lists_layer4_listener_ports_too(tmp_path: Path) -> None:
    """One listener parser serves the exposure analysis and the internet-paths query."""
    _, graph, _ = gateway(tmp_path, layer4={1433: "Tcp"})
    [row] = [r for r in internet_paths(graph) if r["via"] == "application-gateway"]
    assert row["ports"] == "Tcp 443,1433"


def test_private_link_service_is_linked_to_the_load_balancer_frontend_it_uses(
    tmp_path: Path,
) -> None:
    estate = Estate()
    vnet = estate.vnet("vnet", "10.0.0.0/16", {"lb": "10.0.1.0/24"})
    lb = estate.load_balancer("ilb", None, internal=(estate.subnet(vnet, "lb"), "10.0.1.10"))
    frontend = f"{lb}/frontendIPConfigurations/fe-int"
    pls = rid("privateLinkServices", "pls")
    estate.add(
        resource(
            pls,
            f"{N}/privateLinkServices",
            LOCATION,
            {
                "loadBalancerFrontendIpConfigurations": [ref(frontend)],
                "ipConfigurations": [
                    child(
                        pls, "ipConfigurations", "nat", None, subnet=ref(estate.subnet(vnet, "lb"))
                    )
                ],
            },
        )
    )
    graph = estate.graph(tmp_path / "estate")
    [(target, data)] = [
        (t, d)
        for _, t, d in graph.out_edges(pls.lower(), data=True)
        if d["type"] == Rel.FORWARDS_TO
    ]
    assert (target, data["frontendIPConfigId"]) == (lb.lower(), frontend.lower())

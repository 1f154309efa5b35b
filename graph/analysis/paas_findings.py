"""PaaS internet exposure read from the graph, and its ``internet-exposure`` findings
(paas-exposure.md "Findings").

Every PaasService node's ``exposureSettings`` goes through the verdict
(graph/analysis/paas_exposure.py); SQL Managed Instance's public data endpoint is
then decided by its subnet's NSG, with the NIC engine's NSG evaluation. An endpoint
whose verdict is ``internet`` or ``azure-wide`` is an entry of the resource's finding
(``via: "public-endpoint"``), minus approved ports (by resource id and port, as for
NICs). Reach, as for NICs, is what lies on the other side: the networks whose private
endpoints link to the service (live connections), from each endpoint's VNet.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import networkx as nx

from graph.analysis.exposure_findings import _map_reaches, approved_ports, describe_ports
from graph.analysis.findings import INTERNET_EXPOSURE, Finding
from graph.analysis.nsg import Destination, compile_nsg, internet_inbound
from graph.analysis.paas_exposure import (
    AZURE_WIDE,
    INTERNET,
    SUBNET_NSG,
    UNKNOWN,
    Endpoint,
    endpoints,
)
from graph.analysis.ports import TCP, PortSet
from graph.analysis.reach import Reach, vnet_of_subnet
from graph.analysis.walk import edges_in, edges_out, nodes_of
from graph.build.ids import last_segment
from graph.inventory import Inventory
from graph.schema import Label, Rel, node_id

VIA_PUBLIC_ENDPOINT = "public-endpoint"
# Services whose data sits behind the endpoint (critical when open in production).
DATA_SERVICES = frozenset(
    {
        "storage-blob",
        "storage-file",
        "storage-queue",
        "storage-table",
        "storage-dfs",
        "sql",
        "sql-mi-public",
        "postgresql",
        "mysql",
        "cosmos-db",
        "redis",
        "key-vault",
    }
)
_LIVE_LINK = frozenset({"approved"})


def service_group(service: str) -> str:
    """The family an endpoint belongs to, for grouping (storage-blob -> storage)."""
    for prefix in ("storage", "app-service", "sql", "azure-openai"):
        if service.startswith(prefix):
            return "ai-services" if prefix == "azure-openai" else prefix
    return service


@dataclass
class PaasExposure:
    """One platform service's endpoints with their verdicts, and what reaches it."""

    subject: str
    subject_name: str
    subscription_id: str
    arm_type: str
    endpoints: list[Endpoint]
    reaches: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)

    @property
    def exposed(self) -> list[Endpoint]:
        return [e for e in self.endpoints if e.exposed]

    @property
    def unknown(self) -> list[Endpoint]:
        return [e for e in self.endpoints if e.result == UNKNOWN]


def _settings(data: dict[str, Any]) -> dict[str, Any]:
    raw = data.get("exposureSettings")
    try:
        value = json.loads(raw) if isinstance(raw, str) else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _children(settings: dict[str, Any]) -> dict[str, Any]:
    return {
        k: settings[k] for k in ("firewallRules", "configWeb", "containers") if k in settings
    } | ({"networkRuleSet": settings["networkRuleSet"]} if "networkRuleSet" in settings else {})


def _managed_instance(graph: nx.MultiDiGraph, settings: dict[str, Any], ep: Endpoint) -> Endpoint:
    """The public data endpoint (3342) through the subnet's NSG (no NSG: nothing filters)."""
    subnet_raw = settings.get("subnetId")
    subnet = node_id(subnet_raw) if isinstance(subnet_raw, str) and subnet_raw else None
    if subnet is None or subnet not in graph:
        why = "the instance's subnet is not in the graph"
        return Endpoint(
            ep.service,
            UNKNOWN,
            ep.ports,
            settings=(*ep.settings, f"not decided: {why}"),
            unknown=why,
        )
    nsgs = [n for n, _ in edges_out(graph, subnet, Rel.PROTECTED_BY)]
    data = graph.nodes[subnet]
    levels = [
        compile_nsg(
            n, graph.nodes[n].get("securityRules"), graph.nodes[n].get("defaultSecurityRules")
        )
        for n in nsgs[:1]
    ]
    dest = Destination.for_prefixes(data.get("addressPrefixes") or [])
    ports, broad = internet_inbound(levels or [None], dest, default_open=True)
    port = PortSet.parse(TCP, [3342])
    if ports.intersect(port).is_empty():
        return Endpoint(
            ep.service,
            "restricted",
            ep.ports,
            settings=(*ep.settings, "the subnet's NSG does not admit the internet on 3342"),
        )
    notes = ("broad-source",) if not broad.intersect(port).is_empty() else ()
    return Endpoint(
        ep.service,
        INTERNET,
        ep.ports,
        notes=notes,
        settings=(*ep.settings, "the subnet's NSG admits the internet on 3342"),
    )


def _reach(
    graph: nx.MultiDiGraph, reach: Reach, node: str, own: str
) -> tuple[list[str], list[dict[str, Any]]]:
    """Networks linked to the service by live private endpoints, and those links as evidence."""
    reaches: set[str] = set()
    evidence: list[dict[str, Any]] = []
    seen: set[str] = set()
    for pe, edge in edges_in(graph, node, Rel.PRIVATE_LINK):
        # the same link is seen from both sides (our endpoint, the service's connections)
        if pe in seen or str(edge.get("status") or "").lower() not in _LIVE_LINK:
            continue
        seen.add(pe)
        evidence.append(
            {"from": pe, "relation": Rel.PRIVATE_LINK.value, "to": node, "channel": None}
        )
        for subnet, _ in edges_out(graph, pe, Rel.IN_SUBNET):
            vnet = vnet_of_subnet(graph, subnet)
            if vnet is not None:
                reaches.update(reach.from_vnet(vnet))
        pe_sub = graph.nodes[pe].get("subscriptionId") if pe in graph else None
        if isinstance(pe_sub, str) and pe_sub:
            reaches.add(pe_sub)
    reaches.discard(own)
    return sorted(reaches), evidence


def find_paas_exposures(graph: nx.MultiDiGraph, *, every: bool = False) -> list[PaasExposure]:
    """Platform services with their endpoint verdicts, sorted by subject: those the build found
    a public endpoint open on (``publicEndpoint``), or with ``every`` all of them."""
    out: list[PaasExposure] = []
    reach = Reach(graph)
    for node, data in nodes_of(graph, Label.PAAS_SERVICE):
        if data.get("foreign"):
            continue
        if data.get("publicEndpoint") is False and not every:
            continue  # every endpoint closed: nothing to report, nothing to parse
        settings = _settings(data)
        found = endpoints(
            str(data.get("type") or ""), settings, _children(settings), str(data.get("kind") or "")
        )
        found = [
            _managed_instance(graph, settings, e) if e.result == SUBNET_NSG else e for e in found
        ]
        if not found:
            continue
        own = str(data.get("subscriptionId") or "")
        exposure = PaasExposure(
            node, str(data.get("name") or last_segment(node)), own, str(data.get("type")), found
        )
        if exposure.exposed:
            exposure.reaches, exposure.evidence = _reach(graph, reach, node, own)
        out.append(exposure)
    out.sort(key=lambda e: e.subject)
    return out


def paas_severity(
    exposed: list[Endpoint], *, subscription_id: str, reaches: list[str], inventory: Inventory
) -> str:
    """paas-exposure.md "Severity", on the endpoints left once approvals are taken out."""
    production = inventory.is_production(subscription_id)
    reached_from_production = any(
        inventory.is_production(r) for r in reaches if not r.startswith(("/", "site:"))
    )
    internet = [e for e in exposed if e.result == INTERNET]
    if internet:
        if any(e.anonymous for e in internet):
            return "critical"
        if production and any(e.service in DATA_SERVICES for e in internet):
            return "critical"
        if production or reached_from_production or any(e.service == "aks-api" for e in internet):
            return "high"
        return "medium"
    return "medium" if production else "low"


def _port_set(ep: Endpoint) -> PortSet:
    return _tcp(ep.ports)


@lru_cache(maxsize=64)
def _tcp(ports: tuple[int, ...]) -> PortSet:
    return PortSet.parse(TCP, list(ports))


def _entry(subject: str, ep: Endpoint, approved: PortSet) -> dict[str, Any]:
    ports = _port_set(ep)
    return {
        "entry": subject,
        "via": VIA_PUBLIC_ENDPOINT,
        "service": ep.service,
        "result": ep.result,
        "anonymous": ep.anonymous,
        "frontendPorts": ports.to_report(),
        "ports": ports.minus(approved).to_report(),
        "settings": list(ep.settings),
        "notes": list(ep.notes),
    }


def _title(exposed: list[Endpoint], remaining: PortSet, name: str) -> str:
    services = ", ".join(dict.fromkeys(e.service for e in exposed))
    if all(e.result == AZURE_WIDE for e in exposed):
        return f"{describe_ports(remaining)} open to every Azure tenant on {name} ({services})"
    anonymous = " with anonymous access" if any(e.anonymous for e in exposed) else ""
    return f"{describe_ports(remaining)} open to the internet{anonymous} on {name} ({services})"


def paas_findings(
    exposures: Iterable[PaasExposure],
    graph: nx.MultiDiGraph,
    inventory: Inventory,
    today: dt.date,
) -> list[Finding]:
    out: list[Finding] = []
    sites: dict[str, str | None] = {}
    for exposure in exposures:
        if not exposure.exposed:
            continue
        approved = approved_ports(inventory.approvals_for(exposure.subject, today))
        kept = [e for e in exposure.exposed if not _port_set(e).minus(approved).is_empty()]
        if not kept:
            continue
        remaining = PortSet.empty()
        every = PortSet.empty()
        for ep in exposure.exposed:
            every = every | _port_set(ep)
        for ep in kept:
            remaining = remaining | _port_set(ep).minus(approved)
        reaches = _map_reaches(exposure.reaches, graph, inventory, sites)
        severity = paas_severity(
            kept, subscription_id=exposure.subscription_id, reaches=reaches, inventory=inventory
        )
        notes = sorted(
            {n for e in kept for n in e.notes}
            | ({"any-azure-tenant"} if any(e.result == AZURE_WIDE for e in kept) else set())
        )
        out.append(
            Finding(
                kind=INTERNET_EXPOSURE,
                subject=exposure.subject,
                subject_name=exposure.subject_name,
                title=_title(kept, remaining, exposure.subject_name),
                severity=severity,
                evidence=list(exposure.evidence),
                details={
                    "ports": remaining.to_report(),
                    "entries": [_entry(exposure.subject, e, approved) for e in kept],
                    "approvedPorts": every.intersect(approved).to_report(),
                    "reaches": reaches,
                    "notes": notes,
                    "anonymous": any(e.anonymous for e in kept),
                    "service": service_group(kept[0].service),
                },
                scope=frozenset({exposure.subscription_id.lower()})
                if exposure.subscription_id
                else frozenset(),
            )
        )
    return out

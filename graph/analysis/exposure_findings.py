"""Internet-exposure and expired-approval findings from the exposure analysis' results.

Approvals are taken out port by port (PortSet.minus); what is left decides the
finding and its severity (findings.md). Reaches to a local network gateway or
VPN site that a declared site covers are shown as ``site:<name>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

import networkx as nx

from graph.analysis.findings import EXPIRED_APPROVAL, INTERNET_EXPOSURE, Finding
from graph.analysis.ports import PortSet
from graph.analysis.sites import covering_site
from graph.build.ids import last_segment
from graph.inventory import ApprovalDecl, Inventory
from graph.schema import SITE_PREFIX, Label, site_id

# Names people know ports by, for titles.
_SERVICE_NAMES: dict[tuple[str, int], str] = {
    ("tcp", 21): "FTP",
    ("tcp", 22): "SSH",
    ("tcp", 23): "Telnet",
    ("tcp", 25): "SMTP",
    ("tcp", 53): "DNS",
    ("udp", 53): "DNS",
    ("tcp", 80): "HTTP",
    ("tcp", 443): "HTTPS",
    ("udp", 443): "QUIC",
    ("tcp", 445): "SMB",
    ("tcp", 1433): "SQL Server",
    ("tcp", 3306): "MySQL",
    ("tcp", 3389): "RDP",
    ("udp", 3389): "RDP",
    ("tcp", 5432): "PostgreSQL",
    ("tcp", 5985): "WinRM",
    ("tcp", 5986): "WinRM-HTTPS",
    ("tcp", 6379): "Redis",
    ("tcp", 8080): "HTTP-alt",
    ("tcp", 8443): "HTTPS-alt",
    ("tcp", 27017): "MongoDB",
}
_TITLE_PARTS = 3


class ExposureLike(Protocol):
    """graph.analysis.exposure.Exposure as the findings read it."""

    subject: str
    subject_name: str
    subscription_id: str
    entries: list[Any]
    ports: PortSet
    notes: list[str]
    evidence: list[dict[str, Any]]
    reaches: list[str]
    scope: set[str]


def approved_ports(approvals: Iterable[ApprovalDecl]) -> PortSet:
    out = PortSet.empty()
    for approval in approvals:
        out = out | PortSet.parse(approval.protocol, approval.ports)
    return out


def describe_ports(ports: PortSet) -> str:
    """Ports as people name them, for titles: "SSH (22/tcp), 8080-8090/tcp and 2 more"."""
    parts: list[str] = []
    for item in ports.to_report():
        protocol, text = item["protocol"], item["ports"]
        if text == "*":
            parts.append("all ICMP" if protocol == "icmp" else f"all {protocol.upper()} ports")
        elif "-" not in text and (protocol, int(text)) in _SERVICE_NAMES:
            parts.append(f"{_SERVICE_NAMES[(protocol, int(text))]} ({text}/{protocol})")
        else:
            parts.append(f"{text}/{protocol}")
    if len(parts) > _TITLE_PARTS:
        return ", ".join(parts[:_TITLE_PARTS]) + f" and {len(parts) - _TITLE_PARTS} more"
    return ", ".join(parts)


def _map_reaches(
    reaches: Iterable[str],
    graph: nx.MultiDiGraph,
    inventory: Inventory,
    sites: dict[str, str | None],
) -> list[str]:
    """Reaches with each gateway or VPN site a declared site covers shown as ``site:<name>``;
    ``sites`` memoises the coverage across exposures (many reach the same hub's sites)."""
    out: set[str] = set()
    for item in reaches:
        value = item.lower()
        if value not in sites:
            label = graph.nodes[value].get("label") if value in graph else None
            site = None
            if label in (Label.LOCAL_NETWORK_GATEWAY, Label.VPN_SITE):
                site = covering_site(graph, value, inventory)
            sites[value] = site_id(site.name) if site is not None else None
        out.add(sites[value] or value)
    return sorted(out)


def _outside_azure(reach: str, graph: nx.MultiDiGraph) -> bool:
    if reach.startswith(SITE_PREFIX):
        return True
    if reach.startswith("/"):
        label = graph.nodes[reach].get("label") if reach in graph else None
        return (
            label
            in (
                Label.LOCAL_NETWORK_GATEWAY,
                Label.VPN_SITE,
                Label.EXPRESSROUTE_CIRCUIT,
            )
            or "/localnetworkgateways/" in reach
            or "/vpnsites/" in reach
            or ("/expressroutecircuits/" in reach)
        )
    return False


def exposure_severity(
    ports: PortSet,
    *,
    subscription_id: str,
    reaches: list[str],
    graph: nx.MultiDiGraph,
    inventory: Inventory,
) -> str:
    dangerous = ports.contains_management_ports() or ports.is_all()
    production = inventory.is_production(subscription_id) or any(
        inventory.is_production(r) for r in reaches if not r.startswith(("/", SITE_PREFIX))
    )
    if dangerous and production:
        return "critical"
    if dangerous or production or any(_outside_azure(r, graph) for r in reaches):
        return "high"
    return "medium"


def _entry(entry: Any, approved: PortSet) -> dict[str, Any]:
    item: dict[str, Any] = {
        "entry": entry.entry,
        "via": entry.via,
        "frontendPorts": entry.frontend_ports.to_report(),
        "ports": entry.ports.minus(approved).to_report(),
    }
    if entry.waf is not None or entry.via == "application-gateway":
        item["waf"] = entry.waf or "none"
    return item


def exposure_findings(
    exposures: Iterable[ExposureLike],
    graph: nx.MultiDiGraph,
    inventory: Inventory,
    today: dt.date,
) -> list[Finding]:
    out: list[Finding] = []
    sites: dict[str, str | None] = {}
    for exposure in exposures:
        approvals = inventory.approvals_for(exposure.subject, today)
        approved = approved_ports(approvals)
        remaining = exposure.ports.minus(approved)
        if remaining.is_empty():
            continue
        reaches = _map_reaches(exposure.reaches, graph, inventory, sites)
        severity = exposure_severity(
            remaining,
            subscription_id=exposure.subscription_id.lower(),
            reaches=reaches,
            graph=graph,
            inventory=inventory,
        )
        name = exposure.subject_name or last_segment(exposure.subject)
        out.append(
            Finding(
                kind=INTERNET_EXPOSURE,
                subject=exposure.subject,
                subject_name=name,
                title=f"{describe_ports(remaining)} open to the internet on {name}",
                severity=severity,
                evidence=list(exposure.evidence),
                details={
                    "ports": remaining.to_report(),
                    "entries": [
                        _entry(e, approved)
                        for e in exposure.entries
                        if not e.ports.minus(approved).is_empty()
                    ],
                    "approvedPorts": exposure.ports.intersect(approved).to_report(),
                    "reaches": reaches,
                    "notes": sorted(set(exposure.notes)),
                },
                scope=frozenset(s.lower() for s in exposure.scope),
            )
        )
    return out


def expired_approval_findings(inventory: Inventory, today: dt.date) -> list[Finding]:
    out: list[Finding] = []
    for resource, approvals in inventory.expired_approvals(today).items():
        name = last_segment(approvals[0].resource)
        out.append(
            Finding(
                kind=EXPIRED_APPROVAL,
                subject=resource,
                subject_name=name,
                title=f"Approved exposure of {name} expired on "
                f"{max(a.expires for a in approvals).isoformat()}",
                severity="low",
                evidence=[],
                details={
                    "approvals": [
                        {
                            "ports": PortSet.parse(a.protocol, a.ports).to_report(),
                            "protocol": a.protocol,
                            "expires": a.expires.isoformat(),
                            "reason": a.reason,
                            "ticket": a.ticket,
                        }
                        for a in approvals
                    ]
                },
                scope=frozenset(),
            )
        )
    return out

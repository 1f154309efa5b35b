"""Internet exposure (exposure.md): which targets the internet reaches, on which ports, and how.

Entry points, each starting at a public IP the graph links from ``internet``:

1. a public IP on a NIC IP configuration (every IP configuration of every NIC);
2. a public load balancer frontend: load-balancing rules and inbound NAT rules
   onto backend IP configurations (backend ports; the SKU default decides
   when no NSG exists);
3. an application gateway listener on a public frontend (subject = the gateway);
4. an Azure Firewall DNAT rule (classic rules, or the policy's and its base
   policies' NAT rule collections) onto a private address resolved to a NIC,
   evaluated with the firewall's private IP as the source;
5. Bastion and VPN gateway public IPs are managed entry points: not reported.

Entries are merged per subject: the VM when the NIC is attached to one, else
the NIC; the application gateway; or, for DNAT whose target cannot be
resolved, the firewall.

Each entry point is a module (``public_ip``, ``load_balancer``, ``application_gateway``,
``firewall_dnat``) around the shared ``core``; ``notes`` adds what a subject carries beyond
its entries. A new entry point is a module with an ``enter`` and a line in ENTRY_POINTS.

``find_exposures(graph)`` returns one :class:`Exposure` per subject, sorted by
subject. An exposure whose ``ports`` is empty carries only a note that ARM data
could not decide (``nat-pool-not-evaluated``, ``ip-pool-unresolved``).

Evidence is the chain of graph edges from ``internet`` to the target, each hop
``{"from", "relation", "to", "channel": None}`` (e.g. internet -EXPOSES-> public
IP -ATTACHED_TO-> IP configuration, NIC -HAS_IP_CONFIG-> IP configuration, NIC
-ATTACHED_TO-> VM), followed by the hops to the NSGs that admitted the traffic
(IP configuration -IN_SUBNET-> subnet -PROTECTED_BY-> NSG, NIC -PROTECTED_BY-> NSG).

Load-balancer and DNAT targets are read from the FORWARDS_TO edges the build
resolves (interfaces.md); the rules behind them are Microsoft Learn's:
"Public IP addresses" (SKU), "Azure Load Balancer components", "Inbound NAT
rules", "Application Gateway infrastructure configuration", "Azure Firewall
rule processing logic", "Security admin rules in Azure Virtual Network
Manager", "Virtual network traffic routing".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import networkx as nx

from graph.analysis.exposure import application_gateway, firewall_dnat, load_balancer, public_ip
from graph.analysis.exposure.core import (
    NOTE_ADMIN_RULES,
    NOTE_ROUTE_NONE,
    Analysis,
    Exposure,
    ExposureEntry,
    Found,
    props_of,
)
from graph.analysis.exposure.notes import managed_subscriptions, route_none
from graph.analysis.ports import PortSet
from graph.analysis.reach import subscription_of_node
from graph.analysis.walk import edges_out, label_of
from graph.collector import collector_paused
from graph.schema import INTERNET_ID, Label, Rel, node_id
from graph.shapes import Note

# (analysis, public IP, the holder it is attached to, the holder's frontend id or None)
EntryPoint = Callable[[Analysis, str, str, str | None], None]

# The holder a public IP is attached to decides the entry point. Bastion, VPN and
# ExpressRoute gateways are managed entry points: not reported (rule 5).
ENTRY_POINTS: dict[str, EntryPoint] = {
    Label.IP_CONFIGURATION: public_ip.enter,
    Label.LOAD_BALANCER: load_balancer.enter,
    Label.APPLICATION_GATEWAY: application_gateway.enter,
    Label.FIREWALL: firewall_dnat.enter,
}


def _public_ips(g: nx.MultiDiGraph) -> Iterable[str]:
    if INTERNET_ID in g:
        return [p for p, _ in edges_out(g, INTERNET_ID, Rel.EXPOSES)]
    return [n for n, d in g.nodes(data=True) if d.get("label") == Label.PUBLIC_IP]


def _exposure(a: Analysis, found: Found, managed: set[str]) -> Exposure:
    """What was found for one subject, merged into its Exposure with its notes and reach."""
    g = a.g
    subject = found.subject
    subscription = subscription_of_node(g, subject) or ""
    entries = [
        ExposureEntry(entry=e, via=via, waf=waf, frontend_ports=front, ports=ports)
        for (e, via, waf), (front, ports) in sorted(
            found.entries.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")
        )
    ]
    ports = PortSet.empty()
    for entry in entries:
        ports = ports | entry.ports
    notes = set(found.notes)
    if route_none(g, found.subnet):
        notes.add(NOTE_ROUTE_NONE)
    if subscription and subscription in managed:
        notes.add(NOTE_ADMIN_RULES)
    reaches = set(a.reach.from_vnet(found.vnet)) if found.vnet else set()
    if subscription:
        reaches.add(subscription)
    scope = {subscription} if subscription else set()
    for node in found.entry_nodes:
        sub = subscription_of_node(g, node)
        if sub:
            scope.add(sub)
    return Exposure(
        subject=subject,
        subject_name=str(props_of(g, subject).get("name") or subject.rsplit("/", 1)[-1]),
        subscription_id=subscription,
        entries=entries,
        ports=ports,
        notes=sorted(notes),
        evidence=list(found.evidence),
        reaches=sorted(reaches),
        scope=scope,
    )


def find_exposures(graph: nx.MultiDiGraph, notes: list[Note] | None = None) -> list[Exposure]:
    """Every internet-exposed target in the graph (exposure.md), sorted by subject.

    Values the analysis cannot read (an NSG rule's port range ``":"``, a DNAT port
    ``"abc"``) are left out and appended to ``notes``, in the shape of the report's
    ``coverage.misshapen``.
    """
    with collector_paused():
        a = Analysis(graph, [] if notes is None else notes)
        for pip in _public_ips(graph):
            if props_of(graph, pip).get("foreign"):
                continue
            for holder, edge in edges_out(graph, pip, Rel.ATTACHED_TO):
                enter = ENTRY_POINTS.get(label_of(graph, holder) or "")
                if enter is not None:
                    frontend = edge.get("frontendIPConfigId")
                    enter(a, pip, holder, node_id(str(frontend)) if frontend else None)
        managed = managed_subscriptions(graph) if a.found else set()
        return [_exposure(a, f, managed) for _, f in sorted(a.found.items())]


__all__ = [
    "ENTRY_POINTS",
    "Exposure",
    "ExposureEntry",
    "find_exposures",
]

"""The shared core of the exposure analysis: what an exposure is, the NIC targets NSGs are
evaluated on, what is found per subject, and the look-ups every entry point uses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.analysis.nsg import (
    PORTS_EXPECTED,
    Destination,
    InboundMemo,
    Nsg,
    compile_nsg,
    shown,
)
from graph.analysis.ports import TCP, UDP, PortSet, parse_ranges
from graph.analysis.reach import Reach, vnet_of_subnet
from graph.analysis.sources import family_of
from graph.analysis.walk import edges_in, edges_out, label_of
from graph.schema import Label, Rel, node_id
from graph.shapes import Note

VIA_PUBLIC_IP = "public-ip"
VIA_LOAD_BALANCER = "load-balancer"
VIA_APPLICATION_GATEWAY = "application-gateway"
VIA_FIREWALL_DNAT = "firewall-dnat"

NOTE_ROUTE_NONE = "route-none"
NOTE_ADMIN_RULES = "admin-rules-not-evaluated"
NOTE_NAT_POOL = "nat-pool-not-evaluated"
NOTE_DNAT_UNRESOLVED = "dnat-target-unresolved"
NOTE_DNAT_FQDN = "dnat-fqdn-target"
NOTE_IP_POOL = "ip-pool-unresolved"
NOTE_BROAD_SOURCE = "broad-source"
NOTE_NSG_RULE_UNREADABLE = "nsg-rule-unreadable"

Hop = dict[str, Any]

ATTACHED_TO, PROTECTED_BY = Rel.ATTACHED_TO.value, Rel.PROTECTED_BY.value
IN_SUBNET, MEMBER_OF = Rel.IN_SUBNET.value, Rel.MEMBER_OF.value


@dataclass(frozen=True)
class ExposureEntry:
    """One way in: the entry point (the public IP the client addresses), how it forwards,
    the ports a client uses (``frontend_ports``) and the target ports they reach."""

    entry: str
    via: str
    waf: str | None
    frontend_ports: PortSet
    ports: PortSet


@dataclass
class Exposure:
    """An internet-exposed target with every way in, merged."""

    subject: str
    subject_name: str
    subscription_id: str
    entries: list[ExposureEntry]
    ports: PortSet
    notes: list[str]
    evidence: list[dict[str, Any]]
    reaches: list[str]
    scope: set[str]


def hop(source: str, relation: Rel, target: str) -> Hop:
    return {"from": source, "relation": relation.value, "to": target, "channel": None}


# --------------------------------------------------------------------------- graph access

# --------------------------------------------------------------------------- graph access


def props_of(graph: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    return graph._node.get(node) or {}


def ref_of(value: Any) -> str | None:
    if isinstance(value, dict) and value.get("id"):
        return node_id(str(value["id"]))
    return None


def sku_name(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name")
    return str(value or "").lower()


# --------------------------------------------------------------------------- targets

# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class NicTarget:
    """A NIC IP configuration as NSG evaluation and reporting see it."""

    ipconfig: str
    nic: str
    vm: str | None
    subnet: str | None
    vnet: str | None
    nsgs: tuple[Nsg | None, Nsg | None]  # subnet level, NIC level
    nsg_ids: tuple[str | None, str | None]
    destination: Destination

    @property
    def subject(self) -> str:
        return self.vm or self.nic

    def chain(self) -> list[Hop]:
        """ipconfig <-HAS_IP_CONFIG- nic -ATTACHED_TO-> vm, then the NSGs that filtered."""
        hops = [hop(self.nic, Rel.HAS_IP_CONFIG, self.ipconfig)]
        if self.vm:
            hops.append(hop(self.nic, Rel.ATTACHED_TO, self.vm))
        subnet_nsg, nic_nsg = self.nsg_ids
        if self.subnet and subnet_nsg:
            hops.append(hop(self.ipconfig, Rel.IN_SUBNET, self.subnet))
            hops.append(hop(self.subnet, Rel.PROTECTED_BY, subnet_nsg))
        if nic_nsg:
            hops.append(hop(self.nic, Rel.PROTECTED_BY, nic_nsg))
        return hops


@dataclass
class Found:
    """What the analysis gathers for one subject before it becomes an Exposure."""

    subject: str
    entries: dict[tuple[str, str, str | None], tuple[PortSet, PortSet]] = field(
        default_factory=dict
    )
    notes: set[str] = field(default_factory=set)
    evidence: list[Hop] = field(default_factory=list)
    evidence_seen: set[tuple[str, str, str]] = field(default_factory=set)
    entry_nodes: set[str] = field(default_factory=set)
    vnet: str | None = None
    subnet: str | None = None

    def add(
        self,
        entry: str,
        via: str,
        waf: str | None,
        frontend: PortSet,
        ports: PortSet,
        hops: Iterable[Hop],
        via_nodes: Iterable[str] = (),
    ) -> None:
        key = (entry, via, waf)
        old_front, old_ports = self.entries.get(key, (PortSet.empty(), PortSet.empty()))
        self.entries[key] = (old_front | frontend, old_ports | ports)
        self.entry_nodes.add(entry)
        self.entry_nodes.update(via_nodes)
        for h in hops:
            k = (h["from"], h["relation"], h["to"])
            if k not in self.evidence_seen:
                self.evidence_seen.add(k)
                self.evidence.append(h)


class Analysis:
    """What every entry point shares: the graph, the compiled NSGs and NIC targets, and
    what has been found per subject so far."""

    def __init__(self, graph: nx.MultiDiGraph, notes: list[Note]) -> None:
        self.g = graph
        # values the analysis could not read (coverage.misshapen): one per field
        self.notes = notes
        self.reach = Reach(graph)
        self.found: dict[str, Found] = {}
        self._nsgs: dict[str, Nsg] = {}
        # internet_inbound's answers for the NSGs above, per destination they tell apart
        self.inbound: InboundMemo = {}
        self._targets: dict[str, NicTarget] = {}
        # subnet -> (its VNet, its NSG): the NICs of a subnet share them
        self._subnets: dict[str, tuple[str | None, str | None]] = {}

    # -- shared lookups -------------------------------------------------------------

    def nsg(self, nsg_id: str | None) -> Nsg | None:
        if nsg_id is None:
            return None
        compiled = self._nsgs.get(nsg_id)
        if compiled is None:
            data = props_of(self.g, nsg_id)
            compiled = compile_nsg(
                nsg_id, data.get("securityRules"), data.get("defaultSecurityRules")
            )
            self._nsgs[nsg_id] = compiled
            for problem in compiled.unreadable:
                self.notes.append(
                    {
                        "document": nsg_id,
                        "field": f"securityRules[{problem.rule}].{problem.field}",
                        "expected": problem.expected,
                        "found": problem.found,
                    }
                )
        return compiled

    def unreadable_value(self, document: str, field: str, value: Any, expected: str) -> None:
        """A value with the right JSON type that says nothing Azure accepts: noted in the
        report's coverage, and left out of the analysis (never the end of the run)."""
        self.notes.append(
            {"document": document, "field": field, "expected": expected, "found": shown(value)}
        )

    def ports(
        self, document: str, field: str, protocols: Iterable[str], value: Any
    ) -> PortSet | None:
        """``port_set``, or None (noted) when the value is no port or range."""
        try:
            return port_set(protocols, value)
        except (TypeError, ValueError):
            self.unreadable_value(document, field, value, PORTS_EXPECTED)
            return None

    def note_unreadable_nsgs(self, subject: str, nsgs: Iterable[Nsg | None]) -> None:
        """An exposure through an NSG with a rule left out says so: an unreadable deny
        shadows nothing (the exposure may be smaller), an unreadable allow may open more."""
        if any(n is not None and n.unreadable for n in nsgs):
            self.found_for(subject).notes.add(NOTE_NSG_RULE_UNREADABLE)

    def nsg_of(self, node: str) -> str | None:
        for nsg, _ in edges_out(self.g, node, Rel.PROTECTED_BY):
            if label_of(self.g, nsg) == Label.NSG:
                return nsg
        return None

    def subnet_of(self, node: str) -> str | None:
        for subnet, _ in edges_out(self.g, node, Rel.IN_SUBNET):
            return subnet
        return None

    def target(self, ipconfig: str) -> NicTarget | None:
        cached = self._targets.get(ipconfig)
        if cached is not None:
            return cached
        g = self.g
        if ipconfig not in g:
            return None
        nodes = g._node
        # One pass over each adjacency, where edges_out would walk it once per relation;
        # the first edge of a kind counts, as it would there.
        nic = next((n for n, _ in edges_in(g, ipconfig, Rel.HAS_IP_CONFIG)), None)
        if nic is None:
            head, sep, _ = ipconfig.rpartition("/ipconfigurations/")
            nic = head if sep else ipconfig
        vm = nic_nsg = None
        for node, keyed in g._succ.get(nic, {}).items():
            for data in keyed.values():
                kind = data.get("type")
                label = nodes[node].get("label")
                if kind == ATTACHED_TO and vm is None and label == Label.VIRTUAL_MACHINE:
                    vm = node
                elif kind == PROTECTED_BY and nic_nsg is None and label == Label.NSG:
                    nic_nsg = node
        subnet = None
        asgs = []
        for node, keyed in g._succ[ipconfig].items():
            for data in keyed.values():
                kind = data.get("type")
                if kind == IN_SUBNET and subnet is None:
                    subnet = node
                elif kind == MEMBER_OF:
                    asgs.append(node)
        vnet, subnet_nsg = self._subnet(subnet) if subnet else (None, None)
        target = NicTarget(
            ipconfig=ipconfig,
            nic=nic,
            vm=vm,
            subnet=subnet,
            vnet=vnet,
            nsgs=(self.nsg(subnet_nsg), self.nsg(nic_nsg)),
            nsg_ids=(subnet_nsg, nic_nsg),
            destination=Destination.for_ip(nodes[ipconfig].get("privateIPAddress"), asgs),
        )
        self._targets[ipconfig] = target
        return target

    def _subnet(self, subnet: str) -> tuple[str | None, str | None]:
        known = self._subnets.get(subnet)
        if known is None:
            known = self._subnets[subnet] = (vnet_of_subnet(self.g, subnet), self.nsg_of(subnet))
        return known

    def found_for(self, subject: str) -> Found:
        found = self.found.get(subject)
        if found is None:
            found = Found(subject)
            self.found[subject] = found
        return found

    def add_nic_entry(
        self,
        target: NicTarget,
        entry: str,
        via: str,
        frontend: PortSet,
        ports: PortSet,
        hops: list[Hop],
        via_nodes: Iterable[str] = (),
    ) -> None:
        found = self.found_for(target.subject)
        found.vnet = found.vnet or target.vnet
        found.subnet = found.subnet or target.subnet
        found.add(entry, via, None, frontend, ports, [*hops, *target.chain()], via_nodes)
        self.note_unreadable_nsgs(target.subject, target.nsgs)

    def peered_vnets(self, vnet: str) -> set[str]:
        return {
            peer
            for peer, data in edges_out(self.g, vnet, Rel.PEERS_WITH)
            if str(data.get("peeringState", "")).lower() == "connected"
        }

    def family(self, pip: str) -> int:
        data = props_of(self.g, pip)
        return family_of(data.get("ipAddress"), data.get("ipVersion"))

    def note_broad(self, subject: str, exposed: PortSet, broad: PortSet) -> None:
        """The broad-source note, when some exposed port is open only to a broad source."""
        if not broad.is_empty() and not (exposed & broad).is_empty():
            self.found_for(subject).notes.add(NOTE_BROAD_SOURCE)


def lb_protocols(value: Any) -> tuple[str, ...]:
    """Load balancer protocol: Tcp, Udp, or All (TCP and UDP)."""
    text = str(value or "").strip().lower()
    if text == TCP:
        return (TCP,)
    if text == UDP:
        return (UDP,)
    if text in ("all", "*", "any"):
        return (TCP, UDP)
    return ()


def is_ha_ports(front_port: Any, back_port: Any) -> bool:
    return front_port in (0, "0") and back_port in (0, "0", None)


def port_set(protocols: Iterable[str], port: Any) -> PortSet:
    """Ports of one spec for each protocol; port 0 on a rule means HA ports (all)."""
    if port is None or port == "" or port == []:
        return PortSet.empty()
    spec: Any = "*" if port in (0, "0") else port
    if isinstance(spec, int):
        spec = [spec]
    ranges = parse_ranges(spec)
    out = PortSet.empty()
    for proto in protocols:
        out = out | PortSet({proto: ranges})
    return out

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

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx

from graph.analysis.nsg import (
    PORTS_EXPECTED,
    Destination,
    Nsg,
    Source,
    compile_nsg,
    evaluate_inbound,
    internet_inbound,
    networks_of,
    parse_ip,
    shown,
)
from graph.analysis.ports import TCP, UDP, PortSet, parse_ranges
from graph.analysis.reach import Reach, subscription_of_node, vnet_of_subnet
from graph.analysis.sources import Coverage, coverage, family_of
from graph.analysis.walk import edges_in, edges_out, label_of
from graph.collector import collector_paused
from graph.listeners import LAYER_4, gateway_listeners, on_frontend, waf_mode
from graph.schema import INTERNET_ID, Label, Rel, node_id
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


def _props(graph: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    return graph.nodes.get(node) or {}


def _json_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            loaded = json.loads(value)
        except json.JSONDecodeError:
            return []
        return loaded if isinstance(loaded, list) else []
    return list(value) if isinstance(value, list | tuple) else []


def _ref(value: Any) -> str | None:
    if isinstance(value, dict) and value.get("id"):
        return node_id(str(value["id"]))
    return None


def _item_props(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        return {}
    props = item.get("properties")
    return props if isinstance(props, dict) else item


def _sku_name(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name")
    return str(value or "").lower()


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


@dataclass(frozen=True)
class _DnatFlow:
    """What one DNAT rule sends on: from which public IP and firewall, the frontend ports a
    client uses, the translated ports, the evidence so far, and whether only a broad source
    admits it."""

    pip: str
    firewall: str
    firewall_ip: Any
    frontend: PortSet
    translated: PortSet
    hops: list[Hop]
    broad: bool


@dataclass
class _Found:
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


class _Analysis:
    def __init__(self, graph: nx.MultiDiGraph, notes: list[Note]) -> None:
        self.g = graph
        # values the analysis could not read (coverage.misshapen): one per field
        self.notes = notes
        self.reach = Reach(graph)
        self.found: dict[str, _Found] = {}
        self._nsgs: dict[str, Nsg] = {}
        self._targets: dict[str, NicTarget] = {}
        self._ip_index: dict[str, list[str]] | None = None
        self._managed_subs: set[str] | None = None

    # -- shared lookups -------------------------------------------------------------

    def nsg(self, nsg_id: str | None) -> Nsg | None:
        if nsg_id is None:
            return None
        compiled = self._nsgs.get(nsg_id)
        if compiled is None:
            data = _props(self.g, nsg_id)
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
        """``_lb_ports``, or None (noted) when the value is no port or range."""
        try:
            return _lb_ports(protocols, value)
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
        if ipconfig not in self.g:
            return None
        g = self.g
        nic = next((n for n, _ in edges_in(g, ipconfig, Rel.HAS_IP_CONFIG)), None)
        if nic is None:
            head, sep, _ = ipconfig.rpartition("/ipconfigurations/")
            nic = head if sep else ipconfig
        vm = next(
            (
                v
                for v, _ in edges_out(g, nic, Rel.ATTACHED_TO)
                if label_of(g, v) == Label.VIRTUAL_MACHINE
            ),
            None,
        )
        subnet = self.subnet_of(ipconfig)
        vnet = vnet_of_subnet(g, subnet) if subnet else None
        subnet_nsg = self.nsg_of(subnet) if subnet else None
        nic_nsg = self.nsg_of(nic) if nic in g else None
        asgs = [a for a, _ in edges_out(g, ipconfig, Rel.MEMBER_OF)]
        target = NicTarget(
            ipconfig=ipconfig,
            nic=nic,
            vm=vm,
            subnet=subnet,
            vnet=vnet,
            nsgs=(self.nsg(subnet_nsg), self.nsg(nic_nsg)),
            nsg_ids=(subnet_nsg, nic_nsg),
            destination=Destination.for_ip(_props(g, ipconfig).get("privateIPAddress"), asgs),
        )
        self._targets[ipconfig] = target
        return target

    def found_for(self, subject: str) -> _Found:
        found = self.found.get(subject)
        if found is None:
            found = _Found(subject)
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

    # -- entry point 1: public IP on a NIC IP configuration ---------------------------

    def family(self, pip: str) -> int:
        data = _props(self.g, pip)
        return family_of(data.get("ipAddress"), data.get("ipVersion"))

    def note_broad(self, subject: str, exposed: PortSet, broad: PortSet) -> None:
        """The broad-source note, when some exposed port is open only to a broad source."""
        if not broad.is_empty() and not (exposed & broad).is_empty():
            self.found_for(subject).notes.add(NOTE_BROAD_SOURCE)

    def public_ip_on_nic(self, pip: str, ipconfig: str) -> None:
        target = self.target(ipconfig)
        if target is None:
            return
        default_open = _sku_name(_props(self.g, pip).get("sku")) != "standard"
        ports, broad = internet_inbound(
            target.nsgs, target.destination, default_open=default_open, family=self.family(pip)
        )
        if ports.is_empty():
            return
        hops = [hop(INTERNET_ID, Rel.EXPOSES, pip), hop(pip, Rel.ATTACHED_TO, ipconfig)]
        self.add_nic_entry(target, pip, VIA_PUBLIC_IP, ports, ports, hops)
        self.note_broad(target.subject, ports, broad)

    # -- entry point 2: public load balancer ------------------------------------------

    def load_balancer(self, pip: str, lb: str, frontend_id: str | None) -> None:
        """Rules and NAT rules of one frontend, as the build resolved them (FORWARDS_TO)."""
        g = self.g
        data = _props(g, lb)
        default_open = _sku_name(data.get("sku")) != "standard"
        base = [hop(INTERNET_ID, Rel.EXPOSES, pip), hop(pip, Rel.ATTACHED_TO, lb)]
        lb_vnet: str | None = None
        for target, edge in self.lb_rules(lb, frontend_id):
            start, end = edge.get("frontendPortStart"), edge.get("frontendPortEnd")
            front: Any = start if end in (None, start) else f"{start}-{end}"
            nic = self.lb_backend(
                target,
                pip,
                lb,
                _lb_protocols(edge.get("protocol")),
                front,
                edge.get("backendPort"),
                default_open,
                base,
                floating=bool(edge.get("floatingIP")),
                edge_rule=edge.get("ruleId"),
            )
            lb_vnet = lb_vnet or (nic.vnet if nic else None)

        # What the graph cannot evaluate is noted on the load balancer itself.
        notes: set[str] = set()
        frontend = PortSet.empty()
        if data.get("unresolvedBackendAddresses"):
            for rule in _json_list(data.get("loadBalancingRules")):
                props = _item_props(rule)
                if _same_frontend(_ref(props.get("frontendIPConfiguration")), frontend_id):
                    notes.add(NOTE_IP_POOL)
                    frontend |= (
                        self.ports(
                            lb,
                            f"loadBalancingRules[{_name(rule)}].frontendPort",
                            _lb_protocols(props.get("protocol")),
                            props.get("frontendPort"),
                        )
                        or PortSet.empty()
                    )
        for pool in _json_list(data.get("inboundNatPools")):
            props = _item_props(pool)
            if not _same_frontend(_ref(props.get("frontendIPConfiguration")), frontend_id):
                continue
            notes.add(NOTE_NAT_POOL)
            start, end = props.get("frontendPortRangeStart"), props.get("frontendPortRangeEnd")
            if start is not None and end is not None:
                frontend |= (
                    self.ports(
                        lb,
                        f"inboundNatPools[{_name(pool)}].frontendPortRangeStart",
                        _lb_protocols(props.get("protocol")),
                        f"{start}-{end}",
                    )
                    or PortSet.empty()
                )
        if notes:
            found = self.found_for(lb)
            found.notes.update(notes)
            found.vnet = found.vnet or lb_vnet
            found.add(pip, VIA_LOAD_BALANCER, None, frontend, PortSet.empty(), base)

    def lb_rules(self, lb: str, frontend_id: str | None) -> Iterable[tuple[str, dict[str, Any]]]:
        """(backend IP configuration, rule edge) of the load balancer's rules on one frontend."""
        for target, edge in edges_out(self.g, lb, Rel.FORWARDS_TO):
            if (
                str(edge.get("kind", "")).lower() in ("rule", "nat")
                and _same_frontend(edge.get("frontendIPConfigId"), frontend_id)
                and label_of(self.g, target) == Label.IP_CONFIGURATION
            ):
                yield target, edge

    def lb_backend(
        self,
        ipconfig: str,
        pip: str,
        lb: str,
        protocols: tuple[str, ...],
        front_port: Any,
        back_port: Any,
        default_open: bool,
        base: list[Hop],
        *,
        floating: bool = False,
        edge_rule: Any = None,
    ) -> NicTarget | None:
        """One rule onto one backend. With floating IP the packet keeps the frontend address
        as destination ("Azure Load Balancer floating IP configuration"), so the NSG must
        admit that address; an HA-ports rule (All, port 0) forwards every TCP and UDP port
        ("High availability ports overview")."""
        target = self.target(ipconfig)
        if target is None:
            return None
        ha_ports = _is_ha_ports(front_port, back_port)
        if back_port in (None, "") and not ha_ports:
            back_port = front_port
        rule = str(edge_rule or lb)
        wanted = self.ports(rule, "backendPort", protocols, "*" if ha_ports else back_port)
        front = None if ha_ports else self.ports(rule, "frontendPort", protocols, front_port)
        if wanted is None or (front is None and not ha_ports):
            return target
        dest = target.destination
        if floating:
            dest = Destination.for_frontend(_props(self.g, pip).get("ipAddress"))
        open_ports, broad = internet_inbound(
            target.nsgs, dest, default_open=default_open, family=self.family(pip)
        )
        ports = open_ports & wanted
        if ports.is_empty():
            return target
        frontend = ports if front is None else front & _lb_ports(ports.protocols, "*")
        hops = [*base, hop(lb, Rel.FORWARDS_TO, ipconfig)]
        self.add_nic_entry(target, pip, VIA_LOAD_BALANCER, frontend, ports, hops, [lb])
        self.note_broad(target.subject, ports, broad)
        return target

    # -- entry point 3: application gateway -------------------------------------------

    def application_gateway(self, pip: str, agw: str, frontend_id: str | None) -> None:
        """Each listener on the public frontend exposes its port on the gateway, with the WAF
        state that applies to it: the listener's own policy, else the gateway's; none for a
        layer-4 (Tcp/Tls) listener ("Application Gateway TCP/TLS proxy overview",
        "Per-site and per-URI WAF policies")."""
        g = self.g
        data = _props(g, agw)
        gateway_waf = str(data.get("wafMode") or "none").lower()
        by_waf: dict[str, tuple[PortSet, list[str]]] = {}
        for listener in gateway_listeners(data):
            if not on_frontend(listener, frontend_id):
                continue
            if listener.port is None:
                self.unreadable_value(
                    agw, f"listeners[{listener.name}].frontendPort", None, "a port in 1-65535"
                )
                continue
            waf, policy = gateway_waf, None
            if listener.layer == LAYER_4:
                waf = "none"
            elif listener.firewall_policy:
                policy = listener.firewall_policy
                waf = self.waf_policy_mode(policy)
            ports, policies = by_waf.get(waf, (PortSet.empty(), []))
            by_waf[waf] = (
                ports | PortSet.parse(TCP, [listener.port]),
                policies + ([policy] if policy else []),
            )
        if not by_waf:
            return
        subnet = self.subnet_of(agw)
        nsg_id = self.nsg_of(subnet) if subnet else None
        base = [hop(INTERNET_ID, Rel.EXPOSES, pip), hop(pip, Rel.ATTACHED_TO, agw)]
        allowed: PortSet | None = None
        broad = PortSet.empty()
        nsg = self.nsg(nsg_id)
        if nsg is not None and subnet is not None and nsg_id is not None:
            # The subnet NSG sees the gateway's instances in the subnet (and, for v2, the
            # public frontend address); "Application Gateway infrastructure configuration".
            prefixes = list(_props(g, subnet).get("addressPrefixes") or [])
            address = _props(g, pip).get("ipAddress")
            if address:
                prefixes.append(str(address))
            allowed, broad = internet_inbound(
                [nsg],
                Destination.for_prefixes(prefixes),
                default_open=True,
                family=self.family(pip),
            )
            if nsg.unreadable:
                self.found_for(agw).notes.add(NOTE_NSG_RULE_UNREADABLE)
            base += [hop(agw, Rel.IN_SUBNET, subnet), hop(subnet, Rel.PROTECTED_BY, nsg_id)]
        gateway_policies = [
            p for p, _ in edges_out(g, agw, Rel.USES_POLICY) if label_of(g, p) == Label.WAF_POLICY
        ]
        for waf, (listened, listener_policies) in sorted(by_waf.items()):
            ports = listened if allowed is None else listened & allowed
            if ports.is_empty():
                continue
            policies = listener_policies or ([] if waf == "none" else gateway_policies)
            hops = [*base, *(hop(agw, Rel.USES_POLICY, p) for p in sorted(set(policies)))]
            found = self.found_for(agw)
            found.subnet = found.subnet or subnet
            found.vnet = found.vnet or (vnet_of_subnet(g, subnet) if subnet else None)
            found.add(pip, VIA_APPLICATION_GATEWAY, waf, ports, ports, hops)
            self.note_broad(agw, ports, broad)

    def waf_policy_mode(self, policy: str) -> str:
        """A per-listener WAF policy's state; one the crawl could not read protects nothing
        that can be shown, so it counts as none."""
        data = _props(self.g, policy)
        if data.get("label") != Label.WAF_POLICY or data.get("placeholder"):
            return "none"
        return waf_mode(data.get("mode"), data.get("state"))

    # -- entry point 4: Azure Firewall DNAT -------------------------------------------

    def firewall(self, pip: str, firewall: str) -> None:
        """DNAT rules onto this public IP, as the build resolved them (FORWARDS_TO kind dnat).

        Rules are taken in the order the build gave them (collections and rule collection
        groups by priority, a parent policy's first): the first rule that admits the whole
        internet for a destination port and protocol takes it, so a later rule for the same
        frontend exposes nothing ("Azure Firewall rule processing logic"). A rule whose
        source admits only part of the internet exposes but takes nothing: traffic from
        other sources goes on to the next rule.
        """
        g = self.g
        data = _props(g, pip)
        address = data.get("ipAddress")
        family = self.family(pip)
        subnet = self.subnet_of(firewall)
        fw_vnet = vnet_of_subnet(g, subnet) if subnet else None
        fw_ip = _props(g, firewall).get("privateIPAddress")
        base = [hop(INTERNET_ID, Rel.EXPOSES, pip), hop(pip, Rel.ATTACHED_TO, firewall)]
        rules = sorted(
            (
                (target, rule)
                for target, rule in edges_out(g, firewall, Rel.FORWARDS_TO)
                if str(rule.get("kind", "")).lower() == "dnat"
            ),
            key=lambda tr: (_order(tr[1].get("order")), str(tr[1].get("ruleCollection") or "")),
        )
        taken = PortSet.empty()
        for target, rule in rules:
            destinations = [str(d).strip() for d in rule.get("destinationAddresses") or []]
            if address and not any(d in (address, "*") for d in destinations):
                continue
            sources = self._dnat_sources(rule)
            if not sources.admits(family):
                continue
            protocols = _dnat_protocols(rule.get("protocols"))
            where = str(rule.get("policyId") or firewall)
            named = f"rules[{rule.get('ruleName') or '?'}]"
            frontend_or_none = self.ports(
                where,
                f"{named}.destinationPorts",
                protocols,
                list(rule.get("destinationPorts") or []),
            )
            translated_or_none = self.ports(
                where, f"{named}.translatedPort", protocols, rule.get("translatedPort")
            )
            if frontend_or_none is None or translated_or_none is None:
                continue
            frontend, translated = frontend_or_none, translated_or_none
            frontend = frontend - taken
            if sources.admits(family, broad=False):
                taken = taken | frontend
            if frontend.is_empty():
                continue
            if translated.is_empty():
                translated = frontend
            translated = translated & _lb_ports(frontend.protocols, "*")
            broad = not sources.admits(family, broad=False)
            hops = [*base, *self._policy_hops(firewall, rule.get("policyId"))]
            label = label_of(g, target)
            flow = _DnatFlow(pip, firewall, fw_ip, frontend, translated, hops, broad)
            if label == Label.LOAD_BALANCER and rule.get("frontendIPConfigId"):
                self.dnat_via_load_balancer(target, rule, flow)
                continue
            if target == firewall or label != Label.IP_CONFIGURATION:
                fqdn = rule.get("translatedFqdn") or (
                    rule.get("unresolvedReason") == NOTE_DNAT_FQDN
                )
                found = self.found_for(firewall)
                found.notes.add(NOTE_DNAT_FQDN if fqdn else NOTE_DNAT_UNRESOLVED)
                if broad:
                    found.notes.add(NOTE_BROAD_SOURCE)
                found.subnet = found.subnet or subnet
                found.vnet = found.vnet or fw_vnet or self.hub_vnet(firewall)
                found.add(pip, VIA_FIREWALL_DNAT, None, frontend, translated, hops)
                continue
            self.dnat_target(target, flow)

    def hub_vnet(self, firewall: str) -> str | None:
        """A secured-hub firewall has no VNet of its own: reach is that of a VNet on its hub."""
        for hub, _ in edges_out(self.g, firewall, Rel.PART_OF):
            for vnet, _ in edges_out(self.g, hub, Rel.CONNECTS_TO):
                if label_of(self.g, vnet) == Label.VIRTUAL_NETWORK:
                    return vnet
        return None

    def dnat_via_load_balancer(self, lb: str, dnat: dict[str, Any], flow: _DnatFlow) -> None:
        """A DNAT onto an internal load balancer's frontend reaches that frontend's rules'
        backends (exposure.md entry 4, with entry 2's mapping), from the firewall's address."""
        frontend_id = node_id(str(dnat["frontendIPConfigId"]))
        lb_address = dnat.get("translatedAddress")
        via_lb = replace(flow, hops=[*flow.hops, hop(flow.firewall, Rel.FORWARDS_TO, lb)])
        translated = flow.translated
        for ipconfig, edge in self.lb_rules(lb, frontend_id):
            protocols = _lb_protocols(edge.get("protocol"))
            start, end = edge.get("frontendPortStart"), edge.get("frontendPortEnd")
            back = edge.get("backendPort")
            rule = str(edge.get("ruleId") or lb)
            if _is_ha_ports(start, back):
                backend = translated & _lb_ports(protocols, "*")
            else:
                front: Any = start if end in (None, start) else f"{start}-{end}"
                listened = self.ports(rule, "frontendPort", protocols, front)
                if listened is None:
                    continue
                hit = translated & listened
                if hit.is_empty():
                    continue
                forwarded = self.ports(
                    rule, "backendPort", hit.protocols, back if back not in (None, "") else front
                )
                if forwarded is None:
                    continue
                backend = forwarded
            if backend.is_empty():
                continue
            dest = None
            if edge.get("floatingIP") and isinstance(lb_address, str):
                dest = Destination.for_ip(lb_address)
            self.dnat_target(ipconfig, replace(via_lb, translated=backend), via=lb, dest=dest)

    def dnat_target(
        self,
        ipconfig: str,
        flow: _DnatFlow,
        *,
        via: str | None = None,
        dest: Destination | None = None,
    ) -> None:
        """The translated flow onto one NIC IP configuration, from the firewall's address."""
        fw_ip = flow.firewall_ip
        target = self.target(ipconfig)
        if target is None:
            return
        vnet_space: list[str] = []
        if target.vnet:
            for vnet in sorted({target.vnet} | self.peered_vnets(target.vnet)):
                vnet_space += list(_props(self.g, vnet).get("addressPrefixes") or [])
        destination = dest or target.destination
        # Traffic between private addresses has no SKU default: with no NSG it passes.
        if fw_ip and parse_ip(str(fw_ip)) is not None:
            source = Source.private(str(fw_ip), vnet_space)
        else:
            # Without the firewall's address, assume the VirtualNetwork tag admits it.
            source = _vnet_source(vnet_space)
        allowed = evaluate_inbound(target.nsgs, destination, default_open=True, source=source)
        ports = allowed & flow.translated
        if ports.is_empty():
            return
        chain = [*flow.hops, hop(via or flow.firewall, Rel.FORWARDS_TO, ipconfig)]
        self.add_nic_entry(
            target, flow.pip, VIA_FIREWALL_DNAT, flow.frontend, ports, chain, [flow.firewall]
        )
        if flow.broad:
            self.found_for(target.subject).notes.add(NOTE_BROAD_SOURCE)

    def _policy_hops(self, firewall: str, policy_id: Any) -> list[Hop]:
        """firewall -USES_POLICY-> policy -INHERITS_FROM-> ... down to the policy holding the rule."""
        if not policy_id:
            return []
        wanted = node_id(str(policy_id))
        for policy, _ in edges_out(self.g, firewall, Rel.USES_POLICY):
            hops = [hop(firewall, Rel.USES_POLICY, policy)]
            current, seen = policy, {policy}
            while current != wanted:
                parent = next((p for p, _ in edges_out(self.g, current, Rel.INHERITS_FROM)), None)
                if parent is None or parent in seen:
                    break
                hops.append(hop(current, Rel.INHERITS_FROM, parent))
                seen.add(parent)
                current = parent
            if current == wanted:
                return hops
        return []

    def _dnat_sources(self, rule: dict[str, Any]) -> Coverage:
        """A DNAT rule's sources taken together: its addresses and its IP groups' addresses."""
        sources = [str(s) for s in rule.get("sourceAddresses") or []]
        for group in rule.get("sourceIpGroups") or []:
            sources += [
                str(a) for a in _props(self.g, node_id(str(group))).get("ipAddresses") or []
            ]
        return coverage(sources)

    # -- notes ------------------------------------------------------------------------

    def route_none(self, subnet: str | None) -> bool:
        if subnet is None:
            return False
        for table, _ in edges_out(self.g, subnet, Rel.ROUTES_VIA):
            for route in _json_list(_props(self.g, table).get("routes")):
                props = _item_props(route)
                if (
                    str(props.get("addressPrefix", "")).strip() == "0.0.0.0/0"
                    and str(props.get("nextHopType", "")).lower() == "none"
                ):
                    return True
        return False

    def managed_subscriptions(self) -> set[str]:
        """Subscriptions within any network manager's scope (exposure.md rule 9)."""
        if self._managed_subs is not None:
            return self._managed_subs
        g = self.g
        subs: set[str] = set()
        groups: set[str] = set()
        for node, data in g.nodes(data=True):
            label = data.get("label")
            if label == Label.NETWORK_MANAGER:
                subs.update(_sub_id(str(s)) for s in data.get("scopeSubscriptions") or [])
                groups.update(_mg_id(str(m)) for m in data.get("scopeManagementGroups") or [])
                for scoped, _ in edges_out(g, node, Rel.SCOPES):
                    if label_of(g, scoped) == Label.SUBSCRIPTION:
                        subs.add(scoped)
                    elif label_of(g, scoped) == Label.MANAGEMENT_GROUP:
                        groups.add(scoped)
            elif label == Label.NETWORK_MANAGER_CONNECTION:
                if node.startswith("/providers/microsoft.management/managementgroups/"):
                    groups.add("/".join(node.split("/")[:5]))
                elif data.get("subscriptionId"):
                    subs.add(str(data["subscriptionId"]).lower())
                elif node.startswith("/subscriptions/"):
                    subs.add(node.split("/")[2])
        # Every subscription below a scoped management group, at any depth.
        stack = [m for m in groups if m in g]
        seen = set(stack)
        while stack:
            group = stack.pop()
            for child, _ in edges_out(g, group, Rel.CONTAINS):
                label = label_of(g, child)
                if label == Label.SUBSCRIPTION:
                    subs.add(child)
                elif label == Label.MANAGEMENT_GROUP and child not in seen:
                    seen.add(child)
                    stack.append(child)
        self._managed_subs = subs
        return subs

    # -- driver ------------------------------------------------------------------------

    def run(self) -> list[Exposure]:
        g = self.g
        pips: Iterable[str]
        if INTERNET_ID in g:
            pips = [p for p, _ in edges_out(g, INTERNET_ID, Rel.EXPOSES)]
        else:
            pips = [n for n, d in g.nodes(data=True) if d.get("label") == Label.PUBLIC_IP]
        for pip in pips:
            if _props(g, pip).get("foreign"):
                continue
            for holder, edge in edges_out(g, pip, Rel.ATTACHED_TO):
                label = label_of(g, holder)
                frontend = edge.get("frontendIPConfigId")
                frontend_id = node_id(str(frontend)) if frontend else None
                if label == Label.IP_CONFIGURATION:
                    self.public_ip_on_nic(pip, holder)
                elif label == Label.LOAD_BALANCER:
                    self.load_balancer(pip, holder, frontend_id)
                elif label == Label.APPLICATION_GATEWAY:
                    self.application_gateway(pip, holder, frontend_id)
                elif label == Label.FIREWALL:
                    self.firewall(pip, holder)
                # Bastion, VPN and ExpressRoute gateways: managed entry points (rule 5).
        return [self.exposure(f) for _, f in sorted(self.found.items())]

    def exposure(self, found: _Found) -> Exposure:
        g = self.g
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
        if self.route_none(found.subnet):
            notes.add(NOTE_ROUTE_NONE)
        if subscription and subscription in self.managed_subscriptions():
            notes.add(NOTE_ADMIN_RULES)
        reaches = set(self.reach.from_vnet(found.vnet)) if found.vnet else set()
        if subscription:
            reaches.add(subscription)
        scope = {subscription} if subscription else set()
        for node in found.entry_nodes:
            sub = subscription_of_node(g, node)
            if sub:
                scope.add(sub)
        return Exposure(
            subject=subject,
            subject_name=str(_props(g, subject).get("name") or subject.rsplit("/", 1)[-1]),
            subscription_id=subscription,
            entries=entries,
            ports=ports,
            notes=sorted(notes),
            evidence=list(found.evidence),
            reaches=sorted(reaches),
            scope=scope,
        )


def _sub_id(value: str) -> str:
    """A subscription GUID from a GUID or a ``/subscriptions/<guid>`` id."""
    text = value.strip().strip("/").lower()
    return text.split("/")[1] if text.startswith("subscriptions/") else text


def _mg_id(value: str) -> str:
    value = value.strip()
    if value.startswith("/"):
        return node_id(value)
    return f"/providers/microsoft.management/managementgroups/{value.lower()}"


def _lb_protocols(value: Any) -> tuple[str, ...]:
    """Load balancer protocol: Tcp, Udp, or All (TCP and UDP)."""
    text = str(value or "").strip().lower()
    if text == TCP:
        return (TCP,)
    if text == UDP:
        return (UDP,)
    if text in ("all", "*", "any"):
        return (TCP, UDP)
    return ()


def _dnat_protocols(values: Any) -> tuple[str, ...]:
    out: list[str] = []
    for value in values or []:
        for proto in _lb_protocols(value):
            if proto not in out:
                out.append(proto)
    return tuple(out)


def _order(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1 << 30


def _is_ha_ports(front_port: Any, back_port: Any) -> bool:
    return front_port in (0, "0") and back_port in (0, "0", None)


def _lb_ports(protocols: Iterable[str], port: Any) -> PortSet:
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


def find_exposures(graph: nx.MultiDiGraph, notes: list[Note] | None = None) -> list[Exposure]:
    """Every internet-exposed target in the graph (exposure.md), sorted by subject.

    Values the analysis cannot read (an NSG rule's port range ``":"``, a DNAT port
    ``"abc"``) are left out and appended to ``notes``, in the shape of the report's
    ``coverage.misshapen``.
    """
    with collector_paused():
        return _Analysis(graph, [] if notes is None else notes).run()


__all__ = [
    "Exposure",
    "ExposureEntry",
    "find_exposures",
]


def _name(item: Any) -> str:
    return str(item.get("name") or "?") if isinstance(item, dict) else "?"


def _same_frontend(value: Any, frontend_id: str | None) -> bool:
    """Does a rule's frontend match the one the public IP sits on (unknown matches)?"""
    if frontend_id is None or not value:
        return True
    return node_id(str(value)) == frontend_id


def _vnet_source(vnet_space: list[str]) -> Source:
    nets = networks_of(vnet_space)
    if not nets:
        return Source.private("10.255.255.254", ["10.255.255.254/32"])
    return Source.private(str(nets[0].network_address), vnet_space)

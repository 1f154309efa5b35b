"""Entry point 4: an Azure Firewall DNAT rule (classic rules, or the policy's and its base
policies' NAT rule collections) onto a private address resolved to a NIC or an internal
load balancer's frontend, evaluated with the firewall's private IP as the source."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from graph.analysis.exposure.core import (
    NOTE_BROAD_SOURCE,
    NOTE_DNAT_FQDN,
    NOTE_DNAT_UNRESOLVED,
    VIA_FIREWALL_DNAT,
    Analysis,
    Hop,
    hop,
    is_ha_ports,
    lb_protocols,
    port_set,
    props_of,
)
from graph.analysis.exposure.load_balancer import lb_rules
from graph.analysis.nsg import (
    Destination,
    Source,
    evaluate_inbound,
    networks_of,
    parse_ip,
)
from graph.analysis.ports import PortSet
from graph.analysis.reach import vnet_of_subnet
from graph.analysis.sources import Coverage, coverage
from graph.analysis.walk import edges_out, label_of
from graph.schema import INTERNET_ID, Label, Rel, node_id


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


def enter(a: Analysis, pip: str, firewall: str, frontend_id: str | None = None) -> None:
    """DNAT rules onto this public IP, as the build resolved them (FORWARDS_TO kind dnat).

    Rules are taken in the order the build gave them (collections and rule collection
    groups by priority, a parent policy's first): the first rule that admits the whole
    internet for a destination port and protocol takes it, so a later rule for the same
    frontend exposes nothing ("Azure Firewall rule processing logic"). A rule whose
    source admits only part of the internet exposes but takes nothing: traffic from
    other sources goes on to the next rule.
    """
    g = a.g
    data = props_of(g, pip)
    address = data.get("ipAddress")
    family = a.family(pip)
    subnet = a.subnet_of(firewall)
    fw_vnet = vnet_of_subnet(g, subnet) if subnet else None
    fw_ip = props_of(g, firewall).get("privateIPAddress")
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
        sources = _sources(a, rule)
        if not sources.admits(family):
            continue
        protocols = _dnat_protocols(rule.get("protocols"))
        where = str(rule.get("policyId") or firewall)
        named = f"rules[{rule.get('ruleName') or '?'}]"
        frontend_or_none = a.ports(
            where,
            f"{named}.destinationPorts",
            protocols,
            list(rule.get("destinationPorts") or []),
        )
        translated_or_none = a.ports(
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
        translated = translated & port_set(frontend.protocols, "*")
        broad = not sources.admits(family, broad=False)
        hops = [*base, *_policy_hops(a, firewall, rule.get("policyId"))]
        label = label_of(g, target)
        flow = _DnatFlow(pip, firewall, fw_ip, frontend, translated, hops, broad)
        if label == Label.LOAD_BALANCER and rule.get("frontendIPConfigId"):
            _via_load_balancer(a, target, rule, flow)
            continue
        if target == firewall or label != Label.IP_CONFIGURATION:
            fqdn = rule.get("translatedFqdn") or (rule.get("unresolvedReason") == NOTE_DNAT_FQDN)
            found = a.found_for(firewall)
            found.notes.add(NOTE_DNAT_FQDN if fqdn else NOTE_DNAT_UNRESOLVED)
            if broad:
                found.notes.add(NOTE_BROAD_SOURCE)
            found.subnet = found.subnet or subnet
            found.vnet = found.vnet or fw_vnet or _hub_vnet(a, firewall)
            found.add(pip, VIA_FIREWALL_DNAT, None, frontend, translated, hops)
            continue
        _onto_nic(a, target, flow)


def _hub_vnet(a: Analysis, firewall: str) -> str | None:
    """A secured-hub firewall has no VNet of its own: reach is that of a VNet on its hub."""
    for hub, _ in edges_out(a.g, firewall, Rel.PART_OF):
        for vnet, _ in edges_out(a.g, hub, Rel.CONNECTS_TO):
            if label_of(a.g, vnet) == Label.VIRTUAL_NETWORK:
                return vnet
    return None


def _via_load_balancer(a: Analysis, lb: str, dnat: dict[str, Any], flow: _DnatFlow) -> None:
    """A DNAT onto an internal load balancer's frontend reaches that frontend's rules'
    backends (exposure.md entry 4, with entry 2's mapping), from the firewall's address."""
    frontend_id = node_id(str(dnat["frontendIPConfigId"]))
    lb_address = dnat.get("translatedAddress")
    via_lb = replace(flow, hops=[*flow.hops, hop(flow.firewall, Rel.FORWARDS_TO, lb)])
    translated = flow.translated
    for ipconfig, edge in lb_rules(a, lb, frontend_id):
        protocols = lb_protocols(edge.get("protocol"))
        start, end = edge.get("frontendPortStart"), edge.get("frontendPortEnd")
        back = edge.get("backendPort")
        rule = str(edge.get("ruleId") or lb)
        if is_ha_ports(start, back):
            backend = translated & port_set(protocols, "*")
        else:
            front: Any = start if end in (None, start) else f"{start}-{end}"
            listened = a.ports(rule, "frontendPort", protocols, front)
            if listened is None:
                continue
            hit = translated & listened
            if hit.is_empty():
                continue
            forwarded = a.ports(
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
        _onto_nic(a, ipconfig, replace(via_lb, translated=backend), via=lb, dest=dest)


def _onto_nic(
    a: Analysis,
    ipconfig: str,
    flow: _DnatFlow,
    *,
    via: str | None = None,
    dest: Destination | None = None,
) -> None:
    """The translated flow onto one NIC IP configuration, from the firewall's address."""
    fw_ip = flow.firewall_ip
    target = a.target(ipconfig)
    if target is None:
        return
    vnet_space: list[str] = []
    if target.vnet:
        for vnet in sorted({target.vnet} | a.peered_vnets(target.vnet)):
            vnet_space += list(props_of(a.g, vnet).get("addressPrefixes") or [])
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
    a.add_nic_entry(
        target, flow.pip, VIA_FIREWALL_DNAT, flow.frontend, ports, chain, [flow.firewall]
    )
    if flow.broad:
        a.found_for(target.subject).notes.add(NOTE_BROAD_SOURCE)


def _policy_hops(a: Analysis, firewall: str, policy_id: Any) -> list[Hop]:
    """firewall -USES_POLICY-> policy -INHERITS_FROM-> ... down to the policy holding the rule."""
    if not policy_id:
        return []
    wanted = node_id(str(policy_id))
    for policy, _ in edges_out(a.g, firewall, Rel.USES_POLICY):
        hops = [hop(firewall, Rel.USES_POLICY, policy)]
        current, seen = policy, {policy}
        while current != wanted:
            parent = next((p for p, _ in edges_out(a.g, current, Rel.INHERITS_FROM)), None)
            if parent is None or parent in seen:
                break
            hops.append(hop(current, Rel.INHERITS_FROM, parent))
            seen.add(parent)
            current = parent
        if current == wanted:
            return hops
    return []


def _sources(a: Analysis, rule: dict[str, Any]) -> Coverage:
    """A DNAT rule's sources taken together: its addresses and its IP groups' addresses."""
    sources = [str(s) for s in rule.get("sourceAddresses") or []]
    for group in rule.get("sourceIpGroups") or []:
        sources += [str(a) for a in props_of(a.g, node_id(str(group))).get("ipAddresses") or []]
    return coverage(sources)


def _dnat_protocols(values: Any) -> tuple[str, ...]:
    out: list[str] = []
    for value in values or []:
        for proto in lb_protocols(value):
            if proto not in out:
                out.append(proto)
    return tuple(out)


def _order(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1 << 30


def _vnet_source(vnet_space: list[str]) -> Source:
    nets = networks_of(vnet_space)
    if not nets:
        return Source.private("10.255.255.254", ["10.255.255.254/32"])
    return Source.private(str(nets[0].network_address), vnet_space)

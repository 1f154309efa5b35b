"""Entry point 2: a public load balancer frontend, its load-balancing rules and inbound NAT
rules onto backend IP configurations (the SKU default decides when no NSG exists)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.analysis.exposure.core import (
    NOTE_IP_POOL,
    NOTE_NAT_POOL,
    VIA_LOAD_BALANCER,
    Analysis,
    Hop,
    NicTarget,
    hop,
    is_ha_ports,
    lb_protocols,
    port_set,
    props_of,
    ref_of,
    sku_name,
)
from graph.analysis.nsg import (
    Destination,
    internet_inbound,
)
from graph.analysis.ports import PortSet
from graph.analysis.walk import edges_out, label_of
from graph.schema import INTERNET_ID, Label, Rel, node_id
from graph.stored_values import item_props, json_list


def enter(a: Analysis, pip: str, lb: str, frontend_id: str | None) -> None:
    """Rules and NAT rules of one frontend, as the build resolved them (FORWARDS_TO)."""
    g = a.g
    data = props_of(g, lb)
    default_open = sku_name(data.get("sku")) != "standard"
    base = [hop(INTERNET_ID, Rel.EXPOSES, pip), hop(pip, Rel.ATTACHED_TO, lb)]
    lb_vnet: str | None = None
    for target, edge in lb_rules(a, lb, frontend_id):
        start, end = edge.get("frontendPortStart"), edge.get("frontendPortEnd")
        front: Any = start if end in (None, start) else f"{start}-{end}"
        nic = _backend(
            a,
            target,
            pip,
            lb,
            lb_protocols(edge.get("protocol")),
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
        for rule in json_list(data.get("loadBalancingRules")):
            props = item_props(rule)
            if same_frontend(ref_of(props.get("frontendIPConfiguration")), frontend_id):
                notes.add(NOTE_IP_POOL)
                frontend |= (
                    a.ports(
                        lb,
                        f"loadBalancingRules[{_name(rule)}].frontendPort",
                        lb_protocols(props.get("protocol")),
                        props.get("frontendPort"),
                    )
                    or PortSet.empty()
                )
    for pool in json_list(data.get("inboundNatPools")):
        props = item_props(pool)
        if not same_frontend(ref_of(props.get("frontendIPConfiguration")), frontend_id):
            continue
        notes.add(NOTE_NAT_POOL)
        start, end = props.get("frontendPortRangeStart"), props.get("frontendPortRangeEnd")
        if start is not None and end is not None:
            frontend |= (
                a.ports(
                    lb,
                    f"inboundNatPools[{_name(pool)}].frontendPortRangeStart",
                    lb_protocols(props.get("protocol")),
                    f"{start}-{end}",
                )
                or PortSet.empty()
            )
    if notes:
        found = a.found_for(lb)
        found.notes.update(notes)
        found.vnet = found.vnet or lb_vnet
        found.add(pip, VIA_LOAD_BALANCER, None, frontend, PortSet.empty(), base)


def lb_rules(a: Analysis, lb: str, frontend_id: str | None) -> Iterable[tuple[str, dict[str, Any]]]:
    """(backend IP configuration, rule edge) of the load balancer's rules on one frontend."""
    for target, edge in edges_out(a.g, lb, Rel.FORWARDS_TO):
        if (
            str(edge.get("kind", "")).lower() in ("rule", "nat")
            and same_frontend(edge.get("frontendIPConfigId"), frontend_id)
            and label_of(a.g, target) == Label.IP_CONFIGURATION
        ):
            yield target, edge


def _backend(
    a: Analysis,
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
    target = a.target(ipconfig)
    if target is None:
        return None
    ha_ports = is_ha_ports(front_port, back_port)
    if back_port in (None, "") and not ha_ports:
        back_port = front_port
    rule = str(edge_rule or lb)
    wanted = a.ports(rule, "backendPort", protocols, "*" if ha_ports else back_port)
    front = None if ha_ports else a.ports(rule, "frontendPort", protocols, front_port)
    if wanted is None or (front is None and not ha_ports):
        return target
    dest = target.destination
    if floating:
        dest = Destination.for_frontend(props_of(a.g, pip).get("ipAddress"))
    open_ports, broad = internet_inbound(
        target.nsgs, dest, default_open=default_open, family=a.family(pip), memo=a.inbound
    )
    ports = open_ports & wanted
    if ports.is_empty():
        return target
    frontend = ports if front is None else front & port_set(ports.protocols, "*")
    hops = [*base, hop(lb, Rel.FORWARDS_TO, ipconfig)]
    a.add_nic_entry(target, pip, VIA_LOAD_BALANCER, frontend, ports, hops, [lb])
    a.note_broad(target.subject, ports, broad)
    return target


def _name(item: Any) -> str:
    return str(item.get("name") or "?") if isinstance(item, dict) else "?"


def same_frontend(value: Any, frontend_id: str | None) -> bool:
    """Does a rule's frontend match the one the public IP sits on (unknown matches)?"""
    if frontend_id is None or not value:
        return True
    return node_id(str(value)) == frontend_id

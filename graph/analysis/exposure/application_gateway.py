"""Entry point 3: an application gateway listener on a public frontend (the subject is the
gateway), with the WAF state that applies to it."""

from __future__ import annotations

from graph.analysis.exposure.core import (
    NOTE_NSG_RULE_UNREADABLE,
    VIA_APPLICATION_GATEWAY,
    Analysis,
    hop,
    props_of,
)
from graph.analysis.nsg import (
    Destination,
    internet_inbound,
)
from graph.analysis.ports import TCP, PortSet
from graph.analysis.reach import vnet_of_subnet
from graph.analysis.walk import edges_out, label_of
from graph.listeners import LAYER_4, gateway_listeners, on_frontend, waf_mode
from graph.schema import INTERNET_ID, Label, Rel


def enter(a: Analysis, pip: str, agw: str, frontend_id: str | None) -> None:
    """Each listener on the public frontend exposes its port on the gateway, with the WAF
    state that applies to it: the listener's own policy, else the gateway's; none for a
    layer-4 (Tcp/Tls) listener ("Application Gateway TCP/TLS proxy overview",
    "Per-site and per-URI WAF policies")."""
    g = a.g
    data = props_of(g, agw)
    gateway_waf = str(data.get("wafMode") or "none").lower()
    by_waf: dict[str, tuple[PortSet, list[str]]] = {}
    for listener in gateway_listeners(data):
        if not on_frontend(listener, frontend_id):
            continue
        if listener.port is None:
            a.unreadable_value(
                agw, f"listeners[{listener.name}].frontendPort", None, "a port in 1-65535"
            )
            continue
        waf, policy = gateway_waf, None
        if listener.layer == LAYER_4:
            waf = "none"
        elif listener.firewall_policy:
            policy = listener.firewall_policy
            waf = _waf_policy_mode(a, policy)
        ports, policies = by_waf.get(waf, (PortSet.empty(), []))
        by_waf[waf] = (
            ports | PortSet.parse(TCP, [listener.port]),
            policies + ([policy] if policy else []),
        )
    if not by_waf:
        return
    subnet = a.subnet_of(agw)
    nsg_id = a.nsg_of(subnet) if subnet else None
    base = [hop(INTERNET_ID, Rel.EXPOSES, pip), hop(pip, Rel.ATTACHED_TO, agw)]
    allowed: PortSet | None = None
    broad = PortSet.empty()
    nsg = a.nsg(nsg_id)
    if nsg is not None and subnet is not None and nsg_id is not None:
        # The subnet NSG sees the gateway's instances in the subnet (and, for v2, the
        # public frontend address); "Application Gateway infrastructure configuration".
        prefixes = list(props_of(g, subnet).get("addressPrefixes") or [])
        address = props_of(g, pip).get("ipAddress")
        if address:
            prefixes.append(str(address))
        allowed, broad = internet_inbound(
            [nsg],
            Destination.for_prefixes(prefixes),
            default_open=True,
            family=a.family(pip),
        )
        if nsg.unreadable:
            a.found_for(agw).notes.add(NOTE_NSG_RULE_UNREADABLE)
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
        found = a.found_for(agw)
        found.subnet = found.subnet or subnet
        found.vnet = found.vnet or (vnet_of_subnet(g, subnet) if subnet else None)
        found.add(pip, VIA_APPLICATION_GATEWAY, waf, ports, ports, hops)
        a.note_broad(agw, ports, broad)


def _waf_policy_mode(a: Analysis, policy: str) -> str:
    """A per-listener WAF policy's state; one the crawl could not read protects nothing
    that can be shown, so it counts as none."""
    data = props_of(a.g, policy)
    if data.get("label") != Label.WAF_POLICY or data.get("placeholder"):
        return "none"
    return waf_mode(data.get("mode"), data.get("state"))

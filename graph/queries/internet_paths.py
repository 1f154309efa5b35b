"""The named query internet-paths: every path from the internet into the estate, before any NSG."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.analysis.walk import edges_in, edges_out, label_of
from graph.build.registry import ENTRY_KINDS as HOLDER_VIA
from graph.listeners import gateway_listeners, on_frontend
from graph.queries.base import Query, Row, subscription_of_node
from graph.schema import INTERNET_ID, Label, Rel


def _behind_ip_configuration(g: nx.MultiDiGraph, ipc: str) -> tuple[list[str], str]:
    """ipconfig -> NIC -> VM when attached; returns the hops after the ipconfig and the target."""
    for nic, _ in edges_in(g, ipc, Rel.HAS_IP_CONFIG):
        for vm, _ in edges_out(g, nic, Rel.ATTACHED_TO):
            if label_of(g, vm) == Label.VIRTUAL_MACHINE.value:
                return [nic, vm], vm
        return [nic], nic
    return [], ipc


def _subnet_of(g: nx.MultiDiGraph, n: str) -> str | None:
    return min((s for s, _ in edges_out(g, n, Rel.IN_SUBNET)), default=None)


def _path_row(
    g: nx.MultiDiGraph,
    pip: str,
    holder: str,
    via: str,
    path: list[str],
    target: str,
    ports: str | None,
) -> Row:
    last_hop = path[-1] if path else holder
    ipc = next((p for p in path if label_of(g, p) == Label.IP_CONFIGURATION.value), None)
    return {
        "publicIp": pip,
        "ipAddress": g.nodes[pip].get("ipAddress"),
        "via": via,
        "holder": holder,
        "target": target,
        "targetLabel": label_of(g, target),
        "ports": ports,
        "subnet": _subnet_of(g, ipc or last_hop),
        "subscriptionId": subscription_of_node(g, target),
        "path": " -> ".join([INTERNET_ID, pip, *path]),
    }


def _lb_rule_ports(data: dict[str, Any]) -> str:
    start, end = data.get("frontendPortStart"), data.get("frontendPortEnd")
    front = f"{start}" if start == end else f"{start}-{end}"
    return f"{data.get('protocol') or '*'} {front}->{data.get('backendPort', '')}"


def _dnat_ports(data: dict[str, Any]) -> str:
    protocols = ",".join(data.get("protocols") or []) or "*"
    dest = ",".join(data.get("destinationPorts") or [])
    return f"{protocols} {dest}->{data.get('translatedPort') or ''}"


def _listener_ports(data: dict[str, Any], frontend: str | None) -> str | None:
    """The ports of an application gateway's listeners on one frontend ("Tcp 80,443")."""
    found = {
        listener.port
        for listener in gateway_listeners(data)
        if listener.port is not None and on_frontend(listener, frontend)
    }
    return "Tcp " + ",".join(str(p) for p in sorted(found)) if found else None


def _forwards(
    g: nx.MultiDiGraph, pip: str, holder: str, attach: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """The rules that forward what reaches `pip` on `holder`: the load balancer's rules on its
    frontend, or the firewall's DNAT rules whose destination is the public IP's address."""
    label = label_of(g, holder)
    out = []
    for target, fwd in edges_out(g, holder, Rel.FORWARDS_TO):
        if label == Label.LOAD_BALANCER.value:
            frontend = attach.get("frontendIPConfigId")
            if frontend and fwd.get("frontendIPConfigId") not in (None, frontend):
                continue
        elif label == Label.FIREWALL.value:
            dests = fwd.get("destinationAddresses") or []
            address = g.nodes[pip].get("ipAddress")
            if fwd.get("kind") != "dnat":
                continue
            if address and dests and address not in dests and "*" not in dests:
                continue
        else:
            continue
        out.append((target, fwd))
    return out


def _via_case() -> str:
    """HOLDER_VIA in Cypher: what `via` a path through each kind of holder gets."""
    labels: dict[str, list[str]] = {}
    for label, via in HOLDER_VIA.items():
        labels.setdefault(via, []).append(f"h:{label}")
    whens = [f"WHEN {' OR '.join(held)} THEN '{via}'" for via, held in labels.items()]
    return "CASE " + "\n            ".join([*whens, "ELSE 'other' END"])


def _platform_rows(g: nx.MultiDiGraph) -> list[Row]:
    """Platform services whose public endpoint is open: the service is its own entry point."""
    return [
        {
            "publicIp": None,
            "ipAddress": None,
            "via": "public-endpoint",
            "holder": node,
            "target": node,
            "targetLabel": Label.PAAS_SERVICE.value,
            "ports": data.get("endpointPorts"),
            "subnet": None,
            "subscriptionId": data.get("subscriptionId"),
            "path": f"{INTERNET_ID} -> {node}",
        }
        for node, data in g.nodes(data=True)
        if data.get("label") == Label.PAAS_SERVICE.value and data.get("publicEndpoint") is True
    ]


def internet_paths(g: nx.MultiDiGraph) -> list[Row]:
    rows: list[Row] = _platform_rows(g)
    for pip, _ in edges_out(g, INTERNET_ID, Rel.EXPOSES):
        for holder, attach in edges_out(g, pip, Rel.ATTACHED_TO):
            label = label_of(g, holder)
            via = HOLDER_VIA.get(label or "", "other")
            if label == Label.IP_CONFIGURATION.value:
                hops, target = _behind_ip_configuration(g, holder)
                rows.append(_path_row(g, pip, holder, via, [holder, *hops], target, None))
                continue
            forwards = _forwards(g, pip, holder, attach)
            ports: str | None
            for ipc, fwd in forwards:
                ports = _dnat_ports(fwd) if fwd.get("kind") == "dnat" else _lb_rule_ports(fwd)
                if ipc == holder:  # a DNAT rule whose target no NIC holds
                    rows.append(_path_row(g, pip, holder, via, [holder], holder, ports))
                    continue
                hops, target = _behind_ip_configuration(g, ipc)
                rows.append(_path_row(g, pip, holder, via, [holder, ipc, *hops], target, ports))
            if not forwards:
                ports = None
                if label == Label.APPLICATION_GATEWAY.value:
                    ports = _listener_ports(g.nodes[holder], attach.get("frontendIPConfigId"))
                rows.append(_path_row(g, pip, holder, via, [holder], holder, ports))
    return sorted(
        rows,
        key=lambda r: (
            r["subscriptionId"] or "",
            r["target"],
            r["publicIp"] or "",
            r["ports"] or "",
        ),
    )


QUERY = Query(
    name="internet-paths",
    description=(
        "Every path from the internet into the estate as the graph holds it, before any NSG is "
        "evaluated: Internet -> public IP -> its holder (a NIC IP configuration, a load balancer rule or "
        "NAT rule, a firewall DNAT rule, an application gateway, Bastion or a gateway) -> NIC -> VM, "
        "with the ports the rule maps (an application gateway's listener ports; not in the Cypher "
        "text, which cannot read the listeners' JSON), the subnet and the subscription reached; "
        "and every platform service whose public endpoint its public network access and rules "
        "leave open (via public-endpoint, with its data-plane ports). "
        "The report's internet-exposure findings say which of these paths NSGs leave open."
    ),
    params=(),
    columns=(
        "publicIp",
        "ipAddress",
        "via",
        "holder",
        "target",
        "targetLabel",
        "ports",
        "subnet",
        "subscriptionId",
        "path",
    ),
    answer=internet_paths,
    cypher=f"""CALL {{
MATCH (:Internet)-[:EXPOSES]->(pip:PublicIpAddress)-[att:ATTACHED_TO]->(h)
OPTIONAL MATCH (h)-[f:FORWARDS_TO]->(fwd)
WHERE (h:LoadBalancer AND (att.frontendIPConfigId IS NULL OR f.frontendIPConfigId IS NULL
                           OR f.frontendIPConfigId = att.frontendIPConfigId))
   OR (h:Firewall AND f.kind = 'dnat'
       AND (pip.ipAddress IS NULL OR size(coalesce(f.destinationAddresses, [])) = 0
            OR pip.ipAddress IN f.destinationAddresses OR '*' IN f.destinationAddresses))
WITH pip, h, f, CASE WHEN h:IpConfiguration THEN h WHEN fwd <> h THEN fwd END AS ipc
OPTIONAL MATCH (nic:NetworkInterface)-[:HAS_IP_CONFIG]->(ipc)
OPTIONAL MATCH (nic)-[:ATTACHED_TO]->(vm:VirtualMachine)
WITH pip, h, f, ipc, nic, vm, coalesce(ipc, h) AS anchor
OPTIONAL MATCH (anchor)-[:IN_SUBNET]->(s:Subnet)
WITH pip, h, f, ipc, nic, vm, collect(s.id) AS subnets
WITH pip, h, f, ipc, nic, vm, coalesce(vm, nic, ipc, h) AS target,
     reduce(m = null, x IN subnets | CASE WHEN m IS NULL OR x < m THEN x ELSE m END) AS subnet,
     reduce(p = '', x IN coalesce(f.protocols, []) | p + CASE WHEN p = '' THEN '' ELSE ',' END + x)
       AS protocols,
     reduce(p = '', x IN coalesce(f.destinationPorts, []) | p + CASE WHEN p = '' THEN '' ELSE ',' END + x)
       AS destinations
RETURN pip.id AS publicIp, pip.ipAddress AS ipAddress,
       {_via_case()} AS via,
       h.id AS holder, target.id AS target, head([l IN labels(target) WHERE l <> 'Tenantmap']) AS targetLabel,
       CASE WHEN f IS NULL THEN null
            WHEN f.kind = 'dnat' THEN CASE protocols WHEN '' THEN '*' ELSE protocols END + ' '
                 + destinations + '->' + coalesce(f.translatedPort, '')
            ELSE coalesce(f.protocol, '*') + ' ' + toString(f.frontendPortStart)
                 + CASE WHEN f.frontendPortStart = f.frontendPortEnd THEN ''
                        ELSE '-' + toString(f.frontendPortEnd) END
                 + '->' + coalesce(toString(f.backendPort), '') END AS ports,
       subnet, target.subscriptionId AS subscriptionId,
       reduce(path = 'internet -> ' + pip.id + ' -> ' + h.id,
              n IN [x IN [CASE WHEN ipc <> h THEN ipc END, nic, vm] WHERE x IS NOT NULL]
              | path + ' -> ' + n.id) AS path
UNION ALL
MATCH (p:PaasService) WHERE p.publicEndpoint = true
RETURN null AS publicIp, null AS ipAddress, 'public-endpoint' AS via, p.id AS holder,
       p.id AS target, 'PaasService' AS targetLabel, p.endpointPorts AS ports, null AS subnet,
       p.subscriptionId AS subscriptionId, 'internet -> ' + p.id AS path
}}
RETURN publicIp, ipAddress, via, holder, target, targetLabel, ports, subnet, subscriptionId, path
ORDER BY subscriptionId, target, publicIp, ports""",
)

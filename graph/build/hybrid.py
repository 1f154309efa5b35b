"""What connects the estate beyond one VNet: VPN and ExpressRoute gateways, connections,
local network gateways, ExpressRoute circuits (authorizations, Global Reach) and Virtual WAN."""

from __future__ import annotations

from typing import Any

from graph.build.context import BuildContext, str_list
from graph.build.ids import last_segment, parent_id, props_of, ref, top_level_id
from graph.build.network import attach_ip_configuration
from graph.schema import Label, Rel, node_id

AUTHORIZATION_TYPE = "microsoft.network/expressroutecircuits/authorizations"


def _name(item: dict[str, Any]) -> str:
    return str(item.get("name") or last_segment(str(item.get("id") or ""))).lower()


def virtual_network_gateway(
    ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str
) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.VNET_GATEWAY, arm_type)
    props["gatewayType"] = p.get("gatewayType")
    props["vpnType"] = p.get("vpnType")
    props["sku"] = (p.get("sku") or {}).get("name")
    props["enableBgp"] = p.get("enableBgp")
    props["activeActive"] = p.get("activeActive")
    ctx.add(nid, props)
    ctx.contain(nid)
    for ipc in p.get("ipConfigurations") or []:
        subnet = attach_ip_configuration(ctx, nid, ipc)
        if subnet:
            ctx.edge(nid, parent_id(subnet), Rel.CONNECTS_TO)


def local_network_gateway(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.LOCAL_NETWORK_GATEWAY, arm_type)
    props["gatewayIpAddress"] = p.get("gatewayIpAddress")
    props["fqdn"] = p.get("fqdn")
    props["addressPrefixes"] = str_list(
        (p.get("localNetworkAddressSpace") or {}).get("addressPrefixes")
    )
    props["bgp"] = bool(p.get("bgpSettings"))
    ctx.add(nid, props)
    ctx.contain(nid)


CONNECTION_ENDS = (
    ("virtualNetworkGateway1", "gateway1"),
    ("virtualNetworkGateway2", "gateway2"),
    ("localNetworkGateway2", "local"),
    ("peer", "peer"),
)


def connection(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.CONNECTION, arm_type)
    props["connectionType"] = p.get("connectionType")
    props["connectionStatus"] = p.get("connectionStatus")
    ctx.add(nid, props)
    ctx.contain(nid)
    for key, end in CONNECTION_ENDS:
        target = ref(p, key)
        if target:
            ctx.edge(
                nid,
                target,
                Rel.CONNECTS_TO,
                end,
                end=end,
                connectionType=p.get("connectionType"),
                connectionStatus=p.get("connectionStatus"),
            )
            raw = p.get(key)
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                ctx.hint(target, armId=raw["id"])


def expressroute_circuit(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    provider = p.get("serviceProviderProperties") or {}
    props = ctx.base_props(res, nid, Label.EXPRESSROUTE_CIRCUIT, arm_type)
    props["serviceProviderName"] = provider.get("serviceProviderName")
    props["peeringLocation"] = provider.get("peeringLocation")
    props["bandwidthInMbps"] = provider.get("bandwidthInMbps")
    props["circuitProvisioningState"] = p.get("circuitProvisioningState")
    props["serviceProviderProvisioningState"] = p.get("serviceProviderProvisioningState")
    props["skuTier"] = (res.get("sku") or {}).get("tier")
    ctx.add(nid, props)
    ctx.contain(nid)
    for auth in p.get("authorizations") or []:
        if isinstance(auth, dict) and auth.get("id"):
            _authorization(ctx, auth, nid, props.get("location"))
    for peering in p.get("peerings") or []:
        pp = props_of(peering)
        for conn in pp.get("connections") or []:
            _global_reach(ctx, nid, conn, "connections")
        for conn in pp.get("peeredConnections") or []:
            _global_reach(ctx, nid, conn, "peeredConnections")


def _authorization(ctx: BuildContext, auth: dict[str, Any], circuit: str, location: Any) -> None:
    aid = node_id(auth["id"])
    ap = props_of(auth)
    props = ctx.base_props(
        auth, aid, Label.EXPRESSROUTE_AUTHORIZATION, AUTHORIZATION_TYPE, location=location
    )
    props["authorizationUseStatus"] = ap.get("authorizationUseStatus")
    ctx.add(aid, props)
    ctx.edge(circuit, aid, Rel.CONTAINS)
    uri = ap.get("connectionResourceUri")
    if isinstance(uri, str) and uri.strip():
        target = node_id(uri)
        ctx.edge(
            aid, target, Rel.REDEEMED_BY, authorizationUseStatus=ap.get("authorizationUseStatus")
        )
        ctx.hint(target, armId=uri.strip())


def _global_reach(ctx: BuildContext, circuit: str, conn: Any, via: str) -> None:
    cp = props_of(conn)
    candidates = [ref(cp, "peerExpressRouteCircuitPeering"), ref(cp, "expressRouteCircuitPeering")]
    peer = next(
        (top_level_id(c) for c in candidates if c and top_level_id(c) != circuit),
        None,
    )
    if not peer:
        return
    conn_id = node_id(conn["id"]) if isinstance(conn, dict) and conn.get("id") else None
    ctx.edge(
        circuit,
        peer,
        Rel.GLOBAL_REACH,
        conn_id or via,
        connectionId=conn_id,
        circuitConnectionStatus=cp.get("circuitConnectionStatus"),
        via=via,
    )


def virtual_wan(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    props = ctx.base_props(res, nid, Label.VIRTUAL_WAN, arm_type)
    props["wanType"] = props_of(res).get("type")
    ctx.add(nid, props)
    ctx.contain(nid)


def virtual_hub(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.VIRTUAL_HUB, arm_type)
    props["addressPrefix"] = p.get("addressPrefix")
    props["sku"] = p.get("sku")
    ctx.add(nid, props)
    ctx.contain(nid)
    wan = ref(p, "virtualWan")
    if wan:
        ctx.edge(nid, wan, Rel.PART_OF)
    for conn in p.get("hubVirtualNetworkConnections") or []:
        if not isinstance(conn, dict):
            continue
        cp = props_of(conn)
        remote = ref(cp, "remoteVirtualNetwork")
        if remote:
            ctx.edge(
                nid,
                remote,
                Rel.CONNECTS_TO,
                _name(conn),
                connectionId=node_id(conn["id"]) if conn.get("id") else None,
                state=cp.get("provisioningState"),
            )


def vpn_gateway(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.VPN_GATEWAY, arm_type)
    public = [
        c.get("publicIpAddress")
        for c in p.get("ipConfigurations") or []
        if isinstance(c, dict) and c.get("publicIpAddress")
    ]
    props["publicIpAddresses"] = public
    ctx.add(nid, props)
    ctx.contain(nid)
    hub = ref(p, "virtualHub")
    if hub:
        ctx.edge(nid, hub, Rel.PART_OF)
    for conn in p.get("connections") or []:
        if not isinstance(conn, dict):
            continue
        cp = props_of(conn)
        site = ref(cp, "remoteVpnSite")
        if site:
            ctx.edge(
                nid,
                site,
                Rel.CONNECTS_TO,
                _name(conn),
                connectionId=node_id(conn["id"]) if conn.get("id") else None,
                state=cp.get("connectionStatus") or cp.get("provisioningState"),
            )


def expressroute_gateway(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.EXPRESSROUTE_GATEWAY, arm_type)
    ctx.add(nid, props)
    ctx.contain(nid)
    hub = ref(p, "virtualHub")
    if hub:
        ctx.edge(nid, hub, Rel.PART_OF)
    for conn in p.get("expressRouteConnections") or []:
        if not isinstance(conn, dict):
            continue
        cp = props_of(conn)
        peering = ref(cp, "expressRouteCircuitPeering")
        if peering:
            ctx.edge(
                nid,
                top_level_id(peering),
                Rel.CONNECTS_TO,
                _name(conn),
                connectionId=node_id(conn["id"]) if conn.get("id") else None,
                state=cp.get("provisioningState"),
            )


def vpn_site(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.VPN_SITE, arm_type)
    ips: list[str] = []
    fqdns: list[str] = []
    if isinstance(p.get("ipAddress"), str) and p["ipAddress"]:
        ips.append(p["ipAddress"])
    for link in p.get("vpnSiteLinks") or []:
        lp = props_of(link)
        if isinstance(lp.get("ipAddress"), str) and lp["ipAddress"] and lp["ipAddress"] not in ips:
            ips.append(lp["ipAddress"])
        if isinstance(lp.get("fqdn"), str) and lp["fqdn"]:
            fqdns.append(lp["fqdn"])
    props["linkIpAddresses"] = ips
    props["linkFqdns"] = fqdns
    props["addressPrefixes"] = str_list((p.get("addressSpace") or {}).get("addressPrefixes"))
    ctx.add(nid, props)
    ctx.contain(nid)
    wan = ref(p, "virtualWan")
    if wan:
        ctx.edge(nid, wan, Rel.PART_OF)

"""What connects the estate beyond one VNet: VPN and ExpressRoute gateways, connections,
local network gateways, ExpressRoute circuits (authorizations, Global Reach) and Virtual WAN."""

from __future__ import annotations

from typing import Any

from graph.build.context import BuildContext, str_list
from graph.build.ids import last_segment, parent_id, props_of, ref, top_level_id
from graph.build.network import attach_ip_configuration
from graph.resource_types import ResourceType
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


# -- declarations (graph/resource_types.py) ----------------------------------------

VNET_GATEWAY = ResourceType(
    label=Label.VNET_GATEWAY,
    meaning="a VPN or ExpressRoute virtual network gateway",
    column="beyond the VNet",
    arm_types=("microsoft.network/virtualnetworkgateways",),
    props={
        "gatewayType": "Vpn or ExpressRoute",
        "vpnType": "RouteBased or PolicyBased",
        "sku": "gateway SKU name",
        "enableBgp": "BGP enabled (bool)",
        "activeActive": "active-active (bool)",
    },
    joins=(
        (Label.PUBLIC_IP, Rel.ATTACHED_TO, Label.VNET_GATEWAY),
        (Label.VNET_GATEWAY, Rel.IN_SUBNET, Label.SUBNET),
        (Label.VNET_GATEWAY, Rel.CONNECTS_TO, Label.VIRTUAL_NETWORK),
    ),
    nouns={"virtualnetworkgateways": "VNet gateway"},
    entry="gateway",
    handler=virtual_network_gateway,
)

CONNECTION = ResourceType(
    label=Label.CONNECTION,
    meaning="a gateway connection (IPsec, Vnet2Vnet or ExpressRoute)",
    column="beyond the VNet",
    arm_types=("microsoft.network/connections",),
    props={
        "connectionType": "IPsec, Vnet2Vnet or ExpressRoute",
        "connectionStatus": "Connected, Connecting, NotConnected or Unknown",
    },
    joins=(
        (Label.CONNECTION, Rel.CONNECTS_TO, Label.VNET_GATEWAY),
        (Label.CONNECTION, Rel.CONNECTS_TO, Label.LOCAL_NETWORK_GATEWAY),
        (Label.CONNECTION, Rel.CONNECTS_TO, Label.EXPRESSROUTE_CIRCUIT),
    ),
    edge_props={
        Rel.CONNECTS_TO: {
            "end": "Connection -> X: gateway1, gateway2, local or peer",
            "connectionType": "Connection -> X: the connection's type",
            "connectionStatus": "Connection -> X: the connection's status",
        },
    },
    nouns={"connections": "connection"},
    handler=connection,
)

LOCAL_NETWORK_GATEWAY = ResourceType(
    label=Label.LOCAL_NETWORK_GATEWAY,
    meaning="an on-premises VPN device and its address space",
    column="beyond the VNet",
    arm_types=("microsoft.network/localnetworkgateways",),
    props={
        "gatewayIpAddress": "the on-premises device's public IP",
        "fqdn": "the device's FQDN",
        "addressPrefixes": "on-premises prefixes",
        "bgp": "has BGP settings (bool)",
    },
    nouns={"localnetworkgateways": "local network gateway"},
    handler=local_network_gateway,
)

EXPRESSROUTE_CIRCUIT = ResourceType(
    label=Label.EXPRESSROUTE_CIRCUIT,
    meaning="an ExpressRoute circuit; foreign=true when only a link names it",
    column="beyond the VNet",
    arm_types=("microsoft.network/expressroutecircuits",),
    props={
        "serviceProviderName": "the connectivity provider",
        "peeringLocation": "the peering location",
        "bandwidthInMbps": "bandwidth",
        "circuitProvisioningState": "Enabled or Disabled",
        "serviceProviderProvisioningState": "NotProvisioned, Provisioning, Provisioned, "
        "Deprovisioning",
        "skuTier": "Standard, Premium or Local",
    },
    joins=(
        (Label.EXPRESSROUTE_CIRCUIT, Rel.CONTAINS, Label.EXPRESSROUTE_AUTHORIZATION),
        (Label.EXPRESSROUTE_CIRCUIT, Rel.GLOBAL_REACH, Label.EXPRESSROUTE_CIRCUIT),
    ),
    edge_props={
        Rel.GLOBAL_REACH: {
            "connectionId": "the circuit connection's id",
            "circuitConnectionStatus": "Connected, Connecting or Disconnected",
            "via": "connections or peeredConnections",
        },
    },
    nouns={"expressroutecircuits": "ER circuit", "peerings": "peering"},
    handler=expressroute_circuit,
)

EXPRESSROUTE_AUTHORIZATION = ResourceType(
    label=Label.EXPRESSROUTE_AUTHORIZATION,
    meaning="an authorization on a circuit that another party can redeem",
    column="beyond the VNet",
    arm_types=(AUTHORIZATION_TYPE,),
    props={
        "authorizationUseStatus": "Available or InUse",
    },
    joins=(
        (Label.EXPRESSROUTE_AUTHORIZATION, Rel.REDEEMED_BY, Label.CONNECTION),
        (Label.EXPRESSROUTE_AUTHORIZATION, Rel.REDEEMED_BY, Label.RESOURCE),
    ),
    edge_props={
        Rel.REDEEMED_BY: {
            "authorizationUseStatus": "Available or InUse",
        },
    },
    nouns={"authorizations": "authorization"},
)

EXPRESSROUTE_GATEWAY = ResourceType(
    label=Label.EXPRESSROUTE_GATEWAY,
    meaning="a Virtual WAN ExpressRoute gateway",
    column="beyond the VNet",
    arm_types=("microsoft.network/expressroutegateways",),
    joins=(
        (Label.EXPRESSROUTE_GATEWAY, Rel.PART_OF, Label.VIRTUAL_HUB),
        (Label.EXPRESSROUTE_GATEWAY, Rel.CONNECTS_TO, Label.EXPRESSROUTE_CIRCUIT),
    ),
    nouns={"expressroutegateways": "ER gateway", "expressrouteconnections": "ER connection"},
    handler=expressroute_gateway,
)

VIRTUAL_HUB = ResourceType(
    label=Label.VIRTUAL_HUB,
    meaning="a Virtual WAN hub",
    column="beyond the VNet",
    arm_types=("microsoft.network/virtualhubs",),
    props={
        "addressPrefix": "the hub's prefix",
        "sku": "Basic or Standard",
    },
    joins=(
        (Label.VIRTUAL_HUB, Rel.PART_OF, Label.VIRTUAL_WAN),
        (Label.VIRTUAL_HUB, Rel.CONNECTS_TO, Label.VIRTUAL_NETWORK),
    ),
    edge_props={
        Rel.CONNECTS_TO: {
            "connectionId": "hub, VPN and ExpressRoute gateway links: the child connection's id",
            "state": "hub, VPN and ExpressRoute gateway links: connection or provisioning state",
        },
    },
    nouns={"virtualhubs": "hub", "hubvirtualnetworkconnections": "hub connection"},
    handler=virtual_hub,
)

VIRTUAL_WAN = ResourceType(
    label=Label.VIRTUAL_WAN,
    meaning="a Virtual WAN",
    column="beyond the VNet",
    arm_types=("microsoft.network/virtualwans",),
    props={
        "wanType": "Basic or Standard",
    },
    nouns={"virtualwans": "Virtual WAN"},
    handler=virtual_wan,
)

VPN_GATEWAY = ResourceType(
    label=Label.VPN_GATEWAY,
    meaning="a Virtual WAN site-to-site VPN gateway",
    column="beyond the VNet",
    arm_types=("microsoft.network/vpngateways",),
    props={
        "publicIpAddresses": "the gateway's public addresses (ipConfigurations)",
    },
    joins=(
        (Label.PUBLIC_IP, Rel.ATTACHED_TO, Label.VPN_GATEWAY),
        (Label.VPN_GATEWAY, Rel.PART_OF, Label.VIRTUAL_HUB),
        (Label.VPN_GATEWAY, Rel.CONNECTS_TO, Label.VPN_SITE),
    ),
    nouns={"vpngateways": "VPN gateway"},
    entry="gateway",
    handler=vpn_gateway,
)

VPN_SITE = ResourceType(
    label=Label.VPN_SITE,
    meaning="a Virtual WAN VPN site (an on-premises location)",
    column="beyond the VNet",
    arm_types=("microsoft.network/vpnsites",),
    props={
        "linkIpAddresses": "public IPs of the site's links",
        "linkFqdns": "FQDNs of the site's links",
        "addressPrefixes": "the site's prefixes",
    },
    joins=((Label.VPN_SITE, Rel.PART_OF, Label.VIRTUAL_WAN),),
    nouns={"vpnsites": "VPN site"},
    handler=vpn_site,
)

TYPES = (
    VNET_GATEWAY,
    CONNECTION,
    LOCAL_NETWORK_GATEWAY,
    EXPRESSROUTE_CIRCUIT,
    EXPRESSROUTE_AUTHORIZATION,
    EXPRESSROUTE_GATEWAY,
    VIRTUAL_HUB,
    VIRTUAL_WAN,
    VPN_GATEWAY,
    VPN_SITE,
)

"""Virtual networks and what sits in them: subnets, peerings, NICs and their IP configurations,
VMs, public IPs, NSGs, ASGs, route tables, Bastion hosts."""

from __future__ import annotations

from typing import Any

from graph.build.context import BuildContext, as_json, str_list
from graph.build.ids import arm_type_of, last_segment, parent_id, props_of, ref, refs, top_level_id
from graph.schema import Label, Rel, node_id

SUBNET_TYPE = "microsoft.network/virtualnetworks/subnets"
IPCONFIG_TYPE = "microsoft.network/networkinterfaces/ipconfigurations"
FRONTEND_HOLDERS = ("microsoft.network/loadbalancers", "microsoft.network/applicationgateways")
HUB_PEERING_PREFIX = "remotevnettohubpeering_"
HUB_VNET_PREFIX = "hv_"


def _prefixes(p: dict[str, Any]) -> list[str]:
    out = str_list(p.get("addressPrefixes"))
    single = p.get("addressPrefix")
    if isinstance(single, str) and single not in out:
        out.insert(0, single)
    return out


def is_hub_managed_peering(peering_name: str, remote_vnet: str) -> bool:
    """The peering Azure creates when a VNet is connected to a Virtual WAN hub (snapshot.md)."""
    return peering_name.lower().startswith(HUB_PEERING_PREFIX) and last_segment(
        remote_vnet
    ).lower().startswith(HUB_VNET_PREFIX)


def virtual_network(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.VIRTUAL_NETWORK, arm_type)
    props["addressPrefixes"] = str_list((p.get("addressSpace") or {}).get("addressPrefixes"))
    ctx.add(nid, props)
    ctx.contain(nid)
    for subnet in p.get("subnets") or []:
        if isinstance(subnet, dict) and subnet.get("id"):
            _subnet(ctx, subnet, nid, props.get("location"))
    for peering in p.get("virtualNetworkPeerings") or []:
        if isinstance(peering, dict):
            _peering(ctx, peering, nid)


def _subnet(ctx: BuildContext, subnet: dict[str, Any], vnet: str, location: Any) -> None:
    sid = node_id(subnet["id"])
    sp = props_of(subnet)
    props = ctx.base_props(subnet, sid, Label.SUBNET, SUBNET_TYPE, location=location)
    props["addressPrefixes"] = _prefixes(sp)
    ctx.add(sid, props)
    ctx.edge(vnet, sid, Rel.CONTAINS)
    nsg = ref(sp, "networkSecurityGroup")
    if nsg:
        ctx.edge(sid, nsg, Rel.PROTECTED_BY)
    route_table = ref(sp, "routeTable")
    if route_table:
        ctx.edge(sid, route_table, Rel.ROUTES_VIA)


def _peering(ctx: BuildContext, peering: dict[str, Any], vnet: str) -> None:
    pp = props_of(peering)
    remote_raw = (pp.get("remoteVirtualNetwork") or {}).get("id")
    if not isinstance(remote_raw, str) or not remote_raw:
        return
    remote = node_id(remote_raw)
    name = str(peering.get("name") or last_segment(str(peering.get("id") or "")))
    hub_managed = is_hub_managed_peering(name, remote)
    remote_prefixes = str_list(
        (pp.get("remoteVirtualNetworkAddressSpace") or pp.get("remoteAddressSpace") or {}).get(
            "addressPrefixes"
        )
    )
    ctx.edge(
        vnet,
        remote,
        Rel.PEERS_WITH,
        name.lower(),
        peeringId=node_id(peering["id"]) if peering.get("id") else None,
        peeringName=name,
        peeringState=pp.get("peeringState"),
        peeringSyncLevel=pp.get("peeringSyncLevel"),
        allowVirtualNetworkAccess=pp.get("allowVirtualNetworkAccess"),
        allowForwardedTraffic=pp.get("allowForwardedTraffic"),
        allowGatewayTransit=pp.get("allowGatewayTransit"),
        useRemoteGateways=pp.get("useRemoteGateways"),
        hubManaged=hub_managed,
        remoteAddressPrefixes=remote_prefixes,
    )
    ctx.hint(
        remote,
        armId=remote_raw,
        addressPrefixes=remote_prefixes or None,
        hubManaged=True if hub_managed else None,
    )


def network_interface(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.NETWORK_INTERFACE, arm_type)
    props["enableIPForwarding"] = bool(p.get("enableIPForwarding", False))
    ctx.add(nid, props)
    ctx.contain(nid)
    nsg = ref(p, "networkSecurityGroup")
    if nsg:
        ctx.edge(nid, nsg, Rel.PROTECTED_BY)
    vm = ref(p, "virtualMachine")
    if vm:
        ctx.edge(nid, vm, Rel.ATTACHED_TO)
    pe = ref(p, "privateEndpoint")
    if pe:
        ctx.edge(nid, pe, Rel.ATTACHED_TO)
    for ipc in p.get("ipConfigurations") or []:
        if isinstance(ipc, dict) and ipc.get("id"):
            _ip_configuration(ctx, ipc, nid, props.get("location"))


def _ip_configuration(ctx: BuildContext, ipc: dict[str, Any], nic: str, location: Any) -> None:
    cid = node_id(ipc["id"])
    cp = props_of(ipc)
    props = ctx.base_props(ipc, cid, Label.IP_CONFIGURATION, IPCONFIG_TYPE, location=location)
    props["privateIPAddress"] = cp.get("privateIPAddress")
    props["primary"] = bool(cp.get("primary", False))
    ctx.add(cid, props)
    ctx.edge(nic, cid, Rel.HAS_IP_CONFIG)
    subnet = ref(cp, "subnet")
    if subnet:
        ctx.edge(cid, subnet, Rel.IN_SUBNET)
    pip = ref(cp, "publicIPAddress")
    if pip:
        ctx.edge(pip, cid, Rel.ATTACHED_TO)
    for asg in refs(cp, "applicationSecurityGroups"):
        ctx.edge(cid, asg, Rel.MEMBER_OF)
    for pool in refs(cp, "loadBalancerBackendAddressPools"):
        ctx.pool_members.setdefault(pool, []).append(cid)
    for rule in refs(cp, "loadBalancerInboundNatRules"):
        ctx.nat_targets.setdefault(rule, []).append(cid)


def virtual_machine(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.VIRTUAL_MACHINE, arm_type)
    props["vmSize"] = (p.get("hardwareProfile") or {}).get("vmSize")
    props["osType"] = ((p.get("storageProfile") or {}).get("osDisk") or {}).get("osType")
    ctx.add(nid, props)
    ctx.contain(nid)
    for nic in refs(p.get("networkProfile") or {}, "networkInterfaces"):
        ctx.edge(nic, nid, Rel.ATTACHED_TO)


def holder_of(ip_configuration_id: str) -> tuple[str, str | None]:
    """What a public IP's `ipConfiguration` names: a NIC IP configuration node, or the
    top-level holder (with the frontend id for load balancers and application gateways)."""
    if arm_type_of(ip_configuration_id) == IPCONFIG_TYPE:
        return ip_configuration_id, None
    top = top_level_id(ip_configuration_id)
    frontend = ip_configuration_id if arm_type_of(top) in FRONTEND_HOLDERS else None
    return top, frontend


def public_ip(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.PUBLIC_IP, arm_type)
    props["sku"] = (res.get("sku") or {}).get("name")
    props["ipAddress"] = p.get("ipAddress")
    props["ipVersion"] = p.get("publicIPAddressVersion")
    props["fqdn"] = (p.get("dnsSettings") or {}).get("fqdn")
    props["allocationMethod"] = p.get("publicIPAllocationMethod")
    ctx.add(nid, props)
    ctx.contain(nid)
    holder = ref(p, "ipConfiguration")
    if holder:
        target, frontend = holder_of(holder)
        ctx.edge(nid, target, Rel.ATTACHED_TO, frontendIPConfigId=frontend)


def network_security_group(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.NSG, arm_type)
    props["securityRules"] = as_json(p.get("securityRules") or [])
    props["defaultSecurityRules"] = as_json(p.get("defaultSecurityRules") or [])
    ctx.add(nid, props)
    ctx.contain(nid)


def application_security_group(
    ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str
) -> None:
    ctx.add(nid, ctx.base_props(res, nid, Label.ASG, arm_type))
    ctx.contain(nid)


def route_table(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.ROUTE_TABLE, arm_type)
    props["routes"] = as_json(p.get("routes") or [])
    props["disableBgpRoutePropagation"] = p.get("disableBgpRoutePropagation")
    ctx.add(nid, props)
    ctx.contain(nid)


def bastion_host(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.BASTION, arm_type)
    props["sku"] = (res.get("sku") or {}).get("name")
    ctx.add(nid, props)
    ctx.contain(nid)
    for ipc in p.get("ipConfigurations") or []:
        attach_ip_configuration(ctx, nid, ipc)
    vnet = ref(p, "virtualNetwork")
    if vnet:
        ctx.edge(nid, vnet, Rel.CONNECTS_TO)


def attach_ip_configuration(
    ctx: BuildContext, holder: str, ipc: Any, *, frontend: bool = False, **edge_props: Any
) -> str | None:
    """A gateway-like resource's IP configuration: IN_SUBNET its subnet, its public IP ATTACHED_TO it.

    Returns the subnet id it names, if any.
    """
    if not isinstance(ipc, dict):
        return None
    cp = props_of(ipc)
    subnet = ref(cp, "subnet")
    if subnet:
        ctx.edge(holder, subnet, Rel.IN_SUBNET)
    pip = ref(cp, "publicIPAddress")
    if pip:
        frontend_id = node_id(ipc["id"]) if frontend and ipc.get("id") else None
        ctx.edge(pip, holder, Rel.ATTACHED_TO, frontendIPConfigId=frontend_id, **edge_props)
    return subnet


def vnet_of_subnet(subnet: str) -> str:
    return parent_id(subnet)

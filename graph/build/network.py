"""Virtual networks and what sits in them: subnets, peerings, NICs and their IP configurations,
VMs, public IPs, NSGs, ASGs, route tables."""

from __future__ import annotations

from typing import Any

from graph.build.context import BuildContext, as_json, interned, str_list
from graph.build.ids import arm_type_of, last_segment, parent_id, props_of, ref, refs, top_level_id
from graph.resource_types import ResourceType
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
    # (most IP configurations have none of these three lists)
    if cp.get("applicationSecurityGroups"):
        for asg in refs(cp, "applicationSecurityGroups"):
            ctx.edge(cid, asg, Rel.MEMBER_OF)
    if cp.get("loadBalancerBackendAddressPools"):
        for pool in refs(cp, "loadBalancerBackendAddressPools"):
            ctx.pool_members.setdefault(pool, []).append(cid)
    if cp.get("loadBalancerInboundNatRules"):
        for rule in refs(cp, "loadBalancerInboundNatRules"):
            ctx.nat_targets.setdefault(rule, []).append(cid)


def virtual_machine(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.VIRTUAL_MACHINE, arm_type)
    props["vmSize"] = interned((p.get("hardwareProfile") or {}).get("vmSize"))
    props["osType"] = interned(((p.get("storageProfile") or {}).get("osDisk") or {}).get("osType"))
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
    props["sku"] = interned((res.get("sku") or {}).get("name"))
    props["ipAddress"] = p.get("ipAddress")
    props["ipVersion"] = interned(p.get("publicIPAddressVersion"))
    props["fqdn"] = (p.get("dnsSettings") or {}).get("fqdn")
    props["allocationMethod"] = interned(p.get("publicIPAllocationMethod"))
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


# -- declarations (graph/resource_types.py) ----------------------------------------

VIRTUAL_NETWORK = ResourceType(
    label=Label.VIRTUAL_NETWORK,
    meaning="a virtual network; foreign=true for a placeholder the crawl could not read",
    column="virtual networks",
    arm_types=("microsoft.network/virtualnetworks",),
    props={
        "addressPrefixes": "address space prefixes (placeholders: from the peering's remote "
        "address space)",
        "hubManaged": "true for a Virtual WAN hub's managed VNet (HV_*), named by the automatic "
        "peering",
    },
    joins=(
        (Label.SUBSCRIPTION, Rel.CONTAINS, Label.VIRTUAL_NETWORK),
        (Label.VIRTUAL_NETWORK, Rel.CONTAINS, Label.SUBNET),
        (Label.VIRTUAL_NETWORK, Rel.PEERS_WITH, Label.VIRTUAL_NETWORK),
    ),
    edge_props={
        Rel.PEERS_WITH: {
            "peeringId": "the peering's id",
            "peeringName": "the peering's name",
            "peeringState": "Initiated, Connected or Disconnected",
            "peeringSyncLevel": "FullyInSync, RemoteNotInSync, ...",
            "allowVirtualNetworkAccess": "bool",
            "allowForwardedTraffic": "bool",
            "allowGatewayTransit": "bool",
            "useRemoteGateways": "bool",
            "hubManaged": "true for the automatic Virtual WAN peering (RemoteVnetToHubPeering_* "
            "to HV_*)",
            "remoteAddressPrefixes": "the remote VNet's address space as the peering shows it",
        },
    },
    nouns={"virtualnetworks": "VNet", "virtualnetworkpeerings": "peering"},
    handler=virtual_network,
)

SUBNET = ResourceType(
    label=Label.SUBNET,
    meaning="a subnet of a virtual network (id = lower-cased subnet ARM id)",
    column="virtual networks",
    arm_types=(SUBNET_TYPE,),
    props={
        "addressPrefixes": "from addressPrefix or addressPrefixes",
    },
    joins=(
        (Label.SUBNET, Rel.PROTECTED_BY, Label.NSG),
        (Label.SUBNET, Rel.ROUTES_VIA, Label.ROUTE_TABLE),
    ),
    nouns={"subnets": "subnet"},
)

NSG = ResourceType(
    label=Label.NSG,
    meaning="a network security group; its rules kept as JSON strings (securityRules, "
    "defaultSecurityRules)",
    column="virtual networks",
    arm_types=("microsoft.network/networksecuritygroups",),
    props={
        "securityRules": "JSON: securityRules",
        "defaultSecurityRules": "JSON: defaultSecurityRules",
    },
    nouns={"networksecuritygroups": "NSG", "securityrules": "rule"},
    handler=network_security_group,
)

ROUTE_TABLE = ResourceType(
    label=Label.ROUTE_TABLE,
    meaning="a route table; its routes kept as a JSON string in 'routes'",
    column="virtual networks",
    arm_types=("microsoft.network/routetables",),
    props={
        "routes": "JSON: routes",
        "disableBgpRoutePropagation": "BGP route propagation disabled (bool)",
    },
    nouns={"routetables": "route table"},
    handler=route_table,
)

NETWORK_INTERFACE = ResourceType(
    label=Label.NETWORK_INTERFACE,
    meaning="a network interface",
    column="virtual networks",
    arm_types=("microsoft.network/networkinterfaces",),
    props={
        "enableIPForwarding": "IP forwarding enabled (bool)",
    },
    joins=(
        (Label.NETWORK_INTERFACE, Rel.PROTECTED_BY, Label.NSG),
        (Label.NETWORK_INTERFACE, Rel.HAS_IP_CONFIG, Label.IP_CONFIGURATION),
        (Label.NETWORK_INTERFACE, Rel.ATTACHED_TO, Label.VIRTUAL_MACHINE),
        (Label.NETWORK_INTERFACE, Rel.ATTACHED_TO, Label.PRIVATE_ENDPOINT),
    ),
    nouns={"networkinterfaces": "NIC"},
    handler=network_interface,
)

IP_CONFIGURATION = ResourceType(
    label=Label.IP_CONFIGURATION,
    meaning="one IP configuration of a NIC (private IP, subnet, public IP, ASGs)",
    column="virtual networks",
    arm_types=(IPCONFIG_TYPE,),
    props={
        "privateIPAddress": "the private IP address",
        "primary": "the NIC's primary IP configuration (bool)",
    },
    joins=(
        (Label.IP_CONFIGURATION, Rel.IN_SUBNET, Label.SUBNET),
        (Label.IP_CONFIGURATION, Rel.MEMBER_OF, Label.ASG),
        (Label.PUBLIC_IP, Rel.ATTACHED_TO, Label.IP_CONFIGURATION),
    ),
    nouns={"ipconfigurations": "ipconfig"},
    entry="public-ip",
)

ASG = ResourceType(
    label=Label.ASG,
    meaning="an application security group",
    column="virtual networks",
    arm_types=("microsoft.network/applicationsecuritygroups",),
    nouns={"applicationsecuritygroups": "ASG"},
    handler=application_security_group,
)

VIRTUAL_MACHINE = ResourceType(
    label=Label.VIRTUAL_MACHINE,
    meaning="a virtual machine",
    column="virtual networks",
    arm_types=("microsoft.compute/virtualmachines",),
    props={
        "vmSize": "hardwareProfile.vmSize",
        "osType": "Linux or Windows",
    },
    nouns={"virtualmachines": "VM"},
    handler=virtual_machine,
)

PUBLIC_IP = ResourceType(
    label=Label.PUBLIC_IP,
    meaning="a public IP address with its SKU and address",
    column="entry points",
    arm_types=("microsoft.network/publicipaddresses",),
    props={
        "sku": "Basic or Standard",
        "ipAddress": "the address, when allocated",
        "fqdn": "dnsSettings.fqdn",
        "allocationMethod": "Static or Dynamic",
        "ipVersion": "IPv4 or IPv6 (publicIPAddressVersion)",
        "hubManagedAddress": "true for a secured-hub firewall's public address (a node under the "
        "firewall: no public IP resource holds it)",
    },
    edge_props={
        Rel.ATTACHED_TO: {
            "frontendIPConfigId": "public IP -> load balancer or application gateway: the frontend",
        },
    },
    nouns={"publicipaddresses": "public IP"},
    handler=public_ip,
)

TYPES = (
    VIRTUAL_NETWORK,
    SUBNET,
    NSG,
    ROUTE_TABLE,
    NETWORK_INTERFACE,
    IP_CONFIGURATION,
    ASG,
    VIRTUAL_MACHINE,
    PUBLIC_IP,
)

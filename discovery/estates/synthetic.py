"""Seeded generator of large synthetic estates (snapshot.md layout) for benchmarks and scale tests.

``generate_estate(out, subscriptions=10_000, resources=1_000_000, nics_with_public_ip=50_000)``
writes an estate the emulator can serve and the graph build can read, with a
realistic mix: per subscription one virtual network (hubs with a VPN gateway,
a local network gateway, an IPsec connection and an ExpressRoute circuit;
spokes peered to their hub in both directions), application resource groups
of NICs and VMs behind subnet NSGs with internet rules, Standard (and some
Basic) public IPs, Standard load balancers with a NAT rule, a few peerings
and one VNet-to-VNet connection into foreign tenants, and a management-group
tree per tenant.

The counts asked for are exact: ``resources`` lines in resources.jsonl,
``nics_with_public_ip`` NICs holding a public IP, ``peerings`` VNet peering
links between our subscriptions (two peering entries each) plus
``cross_tenant_peerings`` one-sided peerings into foreign tenants.

Memory stays bounded: the plan keeps a few integers per subscription, and
resources are built and written one resource group at a time, in id order
(subscription ids and resource group names are chosen so that generation order
is the lower-cased id order the layout requires). The same arguments always
give byte-identical files.

``python -m discovery.estates.synthetic OUT --subscriptions N --resources N --seed S``
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from discovery.estates import synthetic_governance
from discovery.estates.arm import (
    SNAPSHOT_FORMAT,
    Json,
    default_security_rules,
    etag,
    ref,
    res_id,
    security_rule,
    write_json,
)

N = "Microsoft.Network"
UNITS_PER_GROUP = 500  # NIC+VM pairs per application resource group (bounds memory per group)
NICS_PER_SUBNET = 250
LB_BACKENDS = 10
MAIN_VNET_SPACE = ipaddress.ip_network(
    "100.64.0.0/10"
)  # one /24 per subscription: peers never overlap
APP_SPACE = ipaddress.ip_network("10.0.0.0/8")  # /24 blocks for application subnets
HUB_EXTRAS = 5  # gateway, its public IP, local network gateway, IPsec connection, circuit
LB_EXTRAS = 2  # load balancer and its public IP
LOCATIONS = ("westeurope", "northeurope", "eastus2", "swedencentral")


class EstateSizeError(ValueError):
    """The requested counts cannot be met; the message says which number to change."""


def subscription_guid(index: int, seed: int) -> str:
    # the index leads, so ids sort in generation order
    return f"{index:08x}-0000-4000-8000-{seed & 0xFFFFFFFFFFFF:012x}"


def tenant_guid(index: int, seed: int) -> str:
    return f"7e0a{index:04x}-0000-4000-8000-{seed & 0xFFFFFFFFFFFF:012x}"


def foreign_tenant_guid(index: int, seed: int) -> str:
    return f"f0e1{index:04x}-0000-4000-8000-{seed & 0xFFFFFFFFFFFF:012x}"


def foreign_subscription_guid(tenant: int, index: int, seed: int) -> str:
    return f"f5{tenant:02x}{index:04x}-0000-4000-8000-{seed & 0xFFFFFFFFFFFF:012x}"


@dataclass
class SubscriptionPlan:
    """What one subscription holds; every count is decided before anything is written."""

    index: int
    id: str
    tenant: int
    budget: int
    hub: bool = False
    hub_index: int | None = None
    v2v: bool = False
    lb: bool = False
    units: int = 0
    public_units: int = 0
    groups: int = 0
    spare: int = 0  # 0 or 1 application security group to make the count exact
    app_block: int = 0  # first /24 of APP_SPACE this subscription's subnets use
    peers: list[tuple[int, str]] = field(default_factory=list)  # (subscription index, role)
    foreign_peers: list[str] = field(default_factory=list)  # remote VNet ids in foreign tenants

    @property
    def has_vnet(self) -> bool:
        return self.budget >= 1

    def group_units(self, group: int) -> int:
        return min(UNITS_PER_GROUP, self.units - group * UNITS_PER_GROUP)

    def subnets_in_group(self, group: int) -> int:
        return -(-self.group_units(group) // NICS_PER_SUBNET)


@dataclass
class Plan:
    seed: int
    tenants: int
    subscriptions: list[SubscriptionPlan]
    foreign_tenants: list[str]
    foreign_subscriptions: dict[str, str]  # subscription -> tenant
    v2v_target: str | None


def _split(total: int, parts: int, index: int) -> int:
    return total // parts + (1 if index < total % parts else 0)


def _fill_units(sub: SubscriptionPlan, remaining: int, public: int) -> None:
    """Share ``remaining`` resources among NSGs (one per group), NIC+VM units and public IPs."""
    if remaining <= 0:
        return
    groups = 1
    while True:
        units = max(0, (remaining - public - groups) // 2)
        if -(-units // UNITS_PER_GROUP) <= groups or units == 0:
            break
        groups += 1
    if units < public:
        raise EstateSizeError(
            f"subscription {sub.index} has room for {units} NICs but is asked for {public} with public IPs: "
            "raise resources, or lower nics_with_public_ip (each needs a NIC, a VM and an IP)"
        )
    if groups > 9999:
        raise EstateSizeError(
            f"subscription {sub.index} would need {groups} resource groups: add subscriptions"
        )
    sub.units = units
    sub.public_units = public
    sub.groups = groups if units else 0
    sub.spare = remaining - public - sub.groups - 2 * units
    if units == 0:
        sub.spare = remaining  # 1 or 2: kept as application security groups


def make_plan(
    *,
    tenants: int,
    subscriptions: int,
    resources: int,
    seed: int,
    nics_with_public_ip: int | None,
    peerings: int | None,
    cross_tenant_peerings: int,
    foreign_tenants: int,
    hub_every: int,
    load_balancer_every: int,
) -> Plan:
    if tenants < 1 or subscriptions < 1:
        raise EstateSizeError("tenants and subscriptions must be at least 1")
    if resources < 0:
        raise EstateSizeError("resources must not be negative")
    explicit_public = nics_with_public_ip is not None
    if nics_with_public_ip is None:
        nics_with_public_ip = resources // 40
    subs: list[SubscriptionPlan] = []
    for i in range(subscriptions):
        subs.append(
            SubscriptionPlan(
                index=i,
                id=subscription_guid(i, seed),
                tenant=i * tenants // subscriptions,
                budget=_split(resources, subscriptions, i),
            )
        )
    hubs = [s for s in subs if s.index % hub_every == 0 and s.budget >= 1 + HUB_EXTRAS]
    for s in hubs:
        s.hub = True
    foreign_tenant_ids = [foreign_tenant_guid(t, seed) for t in range(foreign_tenants)]
    foreign_subs = {
        foreign_subscription_guid(t, k, seed): tid
        for t, tid in enumerate(foreign_tenant_ids)
        for k in range(2)
    }
    v2v_target = None
    if hubs and foreign_tenant_ids and hubs[0].budget >= 2 + HUB_EXTRAS:
        hubs[0].v2v = True
        fsub = foreign_subscription_guid(0, 0, seed)
        v2v_target = res_id(fsub, "rg-partner-net", f"{N}/virtualNetworkGateways", "vgw-partner")
    for s in subs:
        if s.hub:
            continue
        candidates = [h for h in hubs if h.tenant == s.tenant and h.index <= s.index] or [
            h for h in hubs if h.index <= s.index
        ]
        if candidates:
            s.hub_index = candidates[-1].index
    # public IP NICs: spread evenly over subscriptions that can hold at least one unit
    fixed = [
        (1 if s.has_vnet else 0) + (HUB_EXTRAS if s.hub else 0) + (1 if s.v2v else 0) for s in subs
    ]
    for s, f in zip(subs, fixed, strict=True):
        s.lb = (
            not s.hub
            and s.index % load_balancer_every == load_balancer_every // 2
            and s.budget - f >= LB_EXTRAS + 3
        )
    room = [s.budget - f - (LB_EXTRAS if s.lb else 0) for s, f in zip(subs, fixed, strict=True)]
    able = [s.index for s in subs if room[s.index] >= 4]
    if nics_with_public_ip and not able and explicit_public:
        raise EstateSizeError(
            "no subscription has room for a NIC with a public IP: raise resources"
        )
    public = [0] * subscriptions
    for k, idx in enumerate(able):
        public[idx] = _split(nics_with_public_ip, len(able), k)
        if (
            not explicit_public
        ):  # the default adapts to the room there is; an explicit count is a contract
            public[idx] = min(public[idx], (room[idx] - 1) // 3)
    block = 0
    for s in subs:
        _fill_units(s, room[s.index], public[s.index])
        s.app_block = block
        block += sum(s.subnets_in_group(g) for g in range(s.groups))
    # peerings: spokes to their hub first, then seeded random pairs
    rng = random.Random(f"tenantmap-synthetic-peerings:{seed}")
    with_vnet = [s for s in subs if s.has_vnet]
    max_links = len(with_vnet) * (len(with_vnet) - 1) // 2
    wanted = (
        sum(1 for s in subs if s.hub_index is not None and s.has_vnet)
        if peerings is None
        else peerings
    )
    if wanted > max_links:
        raise EstateSizeError(
            f"peerings={wanted} is more than {max_links} possible pairs of subscriptions with a virtual network"
        )
    links: set[tuple[int, int]] = set()
    for s in with_vnet:
        if len(links) >= wanted:
            break
        if s.hub_index is not None:
            links.add((s.hub_index, s.index))
    while len(links) < wanted:
        first, second = sorted(rng.sample(with_vnet, 2), key=lambda x: x.index)
        links.add((first.index, second.index))
    for a, b in sorted(links):
        hub_pair = subs[b].hub_index == a and subs[a].hub
        subs[a].peers.append((b, "hub" if hub_pair else "mesh"))
        subs[b].peers.append((a, "spoke" if hub_pair else "mesh"))
    if cross_tenant_peerings and not foreign_subs:
        raise EstateSizeError("cross_tenant_peerings needs foreign_tenants >= 1")
    foreign_list = sorted(foreign_subs)
    spokes = [s for s in with_vnet if not s.hub]
    for k in range(cross_tenant_peerings):
        if not spokes:
            raise EstateSizeError(
                "cross_tenant_peerings needs a spoke subscription with a virtual network"
            )
        s = spokes[(k * 7919) % len(spokes)]
        fsub = foreign_list[k % len(foreign_list)]
        s.foreign_peers.append(
            res_id(fsub, "rg-partner-net", f"{N}/virtualNetworks", f"vnet-partner-{k:03d}")
        )
    return Plan(
        seed=seed,
        tenants=tenants,
        subscriptions=subs,
        foreign_tenants=foreign_tenant_ids,
        foreign_subscriptions=foreign_subs,
        v2v_target=v2v_target,
    )


# ------------------------------------------------------------------ builders


def _block(index: int) -> ipaddress.IPv4Network:
    """The index-th /24 of APP_SPACE (wraps after 65,536 blocks; unpeered VNets may overlap then)."""
    base = int(APP_SPACE.network_address) + (index % 65536) * 256
    return ipaddress.IPv4Network((base, 24))


def _main_prefix(index: int) -> str:
    base = int(MAIN_VNET_SPACE.network_address) + (index % 16384) * 256
    return str(ipaddress.IPv4Network((base, 24)))


def _app_prefixes(sub: SubscriptionPlan) -> list[str]:
    count = sum(sub.subnets_in_group(g) for g in range(sub.groups))
    return [str(_block(sub.app_block + k)) for k in range(count)]


def _location(sub: SubscriptionPlan) -> str:
    return LOCATIONS[sub.index % len(LOCATIONS)]


def _resource(rid: str, rtype: str, location: str, props: Json, **extra: Any) -> Json:
    out: Json = {
        "name": rid.rsplit("/", 1)[1],
        "id": rid,
        "type": rtype,
        "etag": etag(rid),
        "location": location,
    }
    out.update(extra)
    out["properties"] = {"provisioningState": "Succeeded", **props}
    return out


def _vnet_id(sub: SubscriptionPlan) -> str:
    return res_id(sub.id, "rg-net", f"{N}/virtualNetworks", f"vnet-{sub.index:05d}")


def _peering(
    name: str, remote: str, prefixes: list[str], *, transit: bool, use_remote: bool
) -> Json:
    return {
        "name": name,
        "type": f"{N}/virtualNetworks/virtualNetworkPeerings",
        "properties": {
            "allowForwardedTraffic": True,
            "allowGatewayTransit": transit,
            "allowVirtualNetworkAccess": True,
            "peeringState": "Connected",
            "peeringSyncLevel": "FullyInSync",
            "provisioningState": "Succeeded",
            "remoteAddressSpace": {"addressPrefixes": prefixes},
            "remoteVirtualNetwork": ref(remote),
            "useRemoteGateways": use_remote,
        },
    }


def _main_vnet(plan: Plan, sub: SubscriptionPlan) -> Json:
    vid = _vnet_id(sub)
    prefixes = [_main_prefix(sub.index), *_app_prefixes(sub)]
    subnets = [
        {
            "name": "snet-shared",
            "id": f"{vid}/subnets/snet-shared",
            "etag": etag(f"{vid}/subnets/snet-shared"),
            "type": f"{N}/virtualNetworks/subnets",
            "properties": {
                "addressPrefix": str(next(ipaddress.ip_network(prefixes[0]).subnets(1))),
                "provisioningState": "Succeeded",
            },
        }
    ]
    if sub.hub:
        gw_prefix = str(list(ipaddress.ip_network(prefixes[0]).subnets(3))[4])
        subnets.append(
            {
                "name": "GatewaySubnet",
                "id": f"{vid}/subnets/GatewaySubnet",
                "etag": etag(f"{vid}/subnets/GatewaySubnet"),
                "type": f"{N}/virtualNetworks/subnets",
                "properties": {"addressPrefix": gw_prefix, "provisioningState": "Succeeded"},
            }
        )
    block = sub.app_block
    for g in range(sub.groups):
        nsg = res_id(sub.id, f"rg-app-{g:04d}", f"{N}/networkSecurityGroups", f"nsg-app-{g:04d}")
        for k in range(sub.subnets_in_group(g)):
            name = f"snet-app-{g:04d}-{k}"
            subnets.append(
                {
                    "name": name,
                    "id": f"{vid}/subnets/{name}",
                    "etag": etag(f"{vid}/subnets/{name}"),
                    "type": f"{N}/virtualNetworks/subnets",
                    "properties": {
                        "addressPrefix": str(_block(block)),
                        "networkSecurityGroup": ref(nsg),
                        "provisioningState": "Succeeded",
                    },
                }
            )
            block += 1
    peerings = []
    for other, role in sub.peers:
        peer = plan.subscriptions[other]
        remote = _vnet_id(peer)
        peerings.append(
            _peering(
                f"peer-{peer.index:05d}",
                remote,
                [_main_prefix(peer.index), *_app_prefixes(peer)],
                transit=role == "hub",
                use_remote=role == "spoke",
            )
        )
    for k, remote in enumerate(sub.foreign_peers):
        peerings.append(
            _peering(
                f"peer-partner-{k}", remote, ["192.168.0.0/16"], transit=False, use_remote=False
            )
        )
    for p in peerings:
        pid = f"{vid}/virtualNetworkPeerings/{p['name']}"
        p["id"] = pid
        p["etag"] = etag(pid)
    return _resource(
        vid,
        f"{N}/virtualNetworks",
        _location(sub),
        {
            "addressSpace": {"addressPrefixes": prefixes},
            "enableDdosProtection": False,
            "subnets": subnets,
            "virtualNetworkPeerings": peerings,
        },
    )


def _public_ip(rid: str, location: str, address: int, sku: str, attached: str) -> Json:
    return _resource(
        rid,
        f"{N}/publicIPAddresses",
        location,
        {
            "idleTimeoutInMinutes": 4,
            "ipAddress": str(ipaddress.IPv4Address(address)),
            "ipConfiguration": ref(attached),
            "publicIPAddressVersion": "IPv4",
            "publicIPAllocationMethod": "Static" if sku == "Standard" else "Dynamic",
        },
        sku={"name": sku, "tier": "Regional"},
    )


def _public_address(sub: SubscriptionPlan, n: int) -> int:
    # 20.0.0.0/8 style documentation-free addresses, unique per (subscription, n) up to 2^24
    return int(ipaddress.IPv4Address("20.0.0.0")) + ((sub.index * 4099 + n) % (1 << 24))


NSG_MENU: list[tuple[float, list[dict[str, Any]]]] = [
    (0.70, [dict(name="allow-https-internet", priority=100, source="Internet", ports="443")]),
    (0.10, [dict(name="allow-ssh-internet", priority=110, source="Internet", ports="22")]),
    (0.05, [dict(name="allow-rdp-any", priority=120, source="*", ports="3389")]),
    (
        0.05,
        [
            dict(
                name="deny-8080-internet",
                priority=130,
                access="Deny",
                source="Internet",
                ports="8080",
            ),
            dict(
                name="allow-8000-8100-internet",
                priority=140,
                source="Internet",
                ports=["8000-8100"],
            ),
        ],
    ),
    (
        0.50,
        [
            dict(
                name="allow-vnet-all",
                priority=200,
                source="VirtualNetwork",
                ports="*",
                protocol="*",
            )
        ],
    ),
    (
        0.30,
        [
            dict(
                name="deny-smb-internet",
                priority=90,
                access="Deny",
                source="Internet",
                ports=["139", "445"],
            )
        ],
    ),
]


def _nsg(sub: SubscriptionPlan, group: int, rng: random.Random) -> Json:
    nid = res_id(
        sub.id, f"rg-app-{group:04d}", f"{N}/networkSecurityGroups", f"nsg-app-{group:04d}"
    )
    rules: list[Json] = []
    for probability, entries in NSG_MENU:
        if rng.random() < probability:
            rules.extend(security_rule(nid, **e) for e in entries)
    return _resource(
        nid,
        f"{N}/networkSecurityGroups",
        _location(sub),
        {"defaultSecurityRules": default_security_rules(nid), "securityRules": rules},
    )


def _group_resources(
    plan: Plan, sub: SubscriptionPlan, group: int, first_unit: int
) -> Iterator[Json]:
    """One application resource group: its NSG, NICs, VMs, public IPs, and maybe a load balancer."""
    rng = random.Random(f"tenantmap-synthetic:{plan.seed}:{sub.index}:{group}")
    rg = f"rg-app-{group:04d}"
    location = _location(sub)
    vnet = _vnet_id(sub)
    yield _nsg(sub, group, rng)
    units = sub.group_units(group)
    lb_here = sub.lb and group == 0
    lb = res_id(sub.id, rg, f"{N}/loadBalancers", "lb-app")
    pool = f"{lb}/backendAddressPools/be-app"
    nat = f"{lb}/inboundNatRules/nat-rdp-0"
    backends: list[str] = []
    group_block = sub.app_block + sum(sub.subnets_in_group(g) for g in range(group))
    for u in range(units):
        unit = first_unit + u
        subnet_k = u // NICS_PER_SUBNET
        host = u % NICS_PER_SUBNET + 4
        nic_name = f"nic-{unit:06d}"
        vm_name = f"vm-{unit:06d}"
        nic = res_id(sub.id, rg, f"{N}/networkInterfaces", nic_name)
        vm = res_id(sub.id, rg, "Microsoft.Compute/virtualMachines", vm_name)
        ipconfig = f"{nic}/ipConfigurations/ipconfig1"
        cfg: Json = {
            "primary": True,
            "privateIPAddress": str(_block(group_block + subnet_k).network_address + host),
            "privateIPAddressVersion": "IPv4",
            "privateIPAllocationMethod": "Dynamic",
            "provisioningState": "Succeeded",
            "subnet": ref(f"{vnet}/subnets/snet-app-{group:04d}-{subnet_k}"),
        }
        if unit < sub.public_units:
            cfg["publicIPAddress"] = ref(
                res_id(sub.id, rg, f"{N}/publicIPAddresses", f"pip-{unit:06d}")
            )
        if lb_here and u < LB_BACKENDS:
            cfg["loadBalancerBackendAddressPools"] = [ref(pool)]
            backends.append(ipconfig)
            if u == 0:
                cfg["loadBalancerInboundNatRules"] = [ref(nat)]
        yield _resource(
            nic,
            f"{N}/networkInterfaces",
            location,
            {
                "enableAcceleratedNetworking": True,
                "enableIPForwarding": False,
                "ipConfigurations": [
                    {
                        "name": "ipconfig1",
                        "id": ipconfig,
                        "etag": etag(ipconfig),
                        "type": f"{N}/networkInterfaces/ipConfigurations",
                        "properties": cfg,
                    }
                ],
                "nicType": "Standard",
                "primary": True,
                "virtualMachine": ref(vm),
            },
        )
        if unit < sub.public_units:
            sku = "Basic" if rng.random() < 0.05 else "Standard"
            yield _public_ip(
                res_id(sub.id, rg, f"{N}/publicIPAddresses", f"pip-{unit:06d}"),
                location,
                _public_address(sub, unit),
                sku,
                ipconfig,
            )
        linux = rng.random() < 0.7
        yield {
            "name": vm_name,
            "id": vm,
            "type": "Microsoft.Compute/virtualMachines",
            "location": location,
            "properties": {
                "provisioningState": "Succeeded",
                "vmId": f"{sub.index:08x}-{unit & 0xFFFF:04x}-4000-8000-{plan.seed & 0xFFFFFFFFFFFF:012x}",
                "hardwareProfile": {"vmSize": "Standard_D2s_v5" if linux else "Standard_D4s_v5"},
                "storageProfile": {
                    "osDisk": {
                        "osType": "Linux" if linux else "Windows",
                        "createOption": "FromImage",
                    }
                },
                "osProfile": {"computerName": vm_name, "adminUsername": "azureadmin"},
                "networkProfile": {
                    "networkInterfaces": [{"id": nic, "properties": {"primary": True}}]
                },
            },
        }
    if lb_here:
        fe = f"{lb}/frontendIPConfigurations/fe-app"
        pip = res_id(sub.id, rg, f"{N}/publicIPAddresses", "pip-lb-app")
        rule = f"{lb}/loadBalancingRules/lbr-https"
        yield _public_ip(pip, location, _public_address(sub, 1 << 20), "Standard", fe)
        yield _resource(
            lb,
            f"{N}/loadBalancers",
            location,
            {
                "backendAddressPools": [
                    {
                        "name": "be-app",
                        "id": pool,
                        "etag": etag(pool),
                        "properties": {
                            "backendIPConfigurations": [ref(b) for b in backends],
                            "loadBalancingRules": [ref(rule)],
                            "provisioningState": "Succeeded",
                        },
                    }
                ],
                "frontendIPConfigurations": [
                    {
                        "name": "fe-app",
                        "id": fe,
                        "etag": etag(fe),
                        "properties": {
                            "publicIPAddress": ref(pip),
                            "loadBalancingRules": [ref(rule)],
                            "inboundNatRules": [ref(nat)],
                            "privateIPAllocationMethod": "Dynamic",
                            "provisioningState": "Succeeded",
                        },
                    }
                ],
                "inboundNatPools": [],
                "inboundNatRules": [
                    {
                        "name": "nat-rdp-0",
                        "id": nat,
                        "etag": etag(nat),
                        "properties": {
                            "backendIPConfiguration": ref(backends[0]),
                            "backendPort": 3389,
                            "frontendIPConfiguration": ref(fe),
                            "frontendPort": 50000,
                            "protocol": "Tcp",
                            "enableFloatingIP": False,
                            "idleTimeoutInMinutes": 4,
                            "provisioningState": "Succeeded",
                        },
                    }
                ],
                "loadBalancingRules": [
                    {
                        "name": "lbr-https",
                        "id": rule,
                        "etag": etag(rule),
                        "properties": {
                            "backendAddressPool": ref(pool),
                            "backendPort": 8443,
                            "frontendIPConfiguration": ref(fe),
                            "frontendPort": 443,
                            "protocol": "Tcp",
                            "enableFloatingIP": False,
                            "idleTimeoutInMinutes": 4,
                            "provisioningState": "Succeeded",
                        },
                    }
                ],
                "outboundRules": [],
                "probes": [],
            },
            sku={"name": "Standard", "tier": "Regional"},
        )
    if group == 0 and sub.spare:
        for k in range(sub.spare):
            asg = res_id(sub.id, rg, f"{N}/applicationSecurityGroups", f"asg-app-{k}")
            yield _resource(asg, f"{N}/applicationSecurityGroups", location, {})


def _net_resources(plan: Plan, sub: SubscriptionPlan) -> Iterator[Json]:
    """rg-net: the subscription's virtual network and, in a hub, gateways and a circuit."""
    if not sub.has_vnet:
        return
    yield _main_vnet(plan, sub)
    if sub.units == 0 and sub.spare:
        for k in range(sub.spare):
            asg = res_id(sub.id, "rg-net", f"{N}/applicationSecurityGroups", f"asg-net-{k}")
            yield _resource(asg, f"{N}/applicationSecurityGroups", _location(sub), {})
    if not sub.hub:
        return
    location = _location(sub)
    vnet = _vnet_id(sub)
    gw = res_id(sub.id, "rg-net", f"{N}/virtualNetworkGateways", "vgw-hub")
    pip = res_id(sub.id, "rg-net", f"{N}/publicIPAddresses", "pip-vgw-hub")
    lng = res_id(sub.id, "rg-net", f"{N}/localNetworkGateways", "lng-site")
    circuit = res_id(sub.id, "rg-net", f"{N}/expressRouteCircuits", "er-hub")
    yield _public_ip(
        pip, location, _public_address(sub, 1 << 21), "Standard", f"{gw}/ipConfigurations/default"
    )
    yield _resource(
        gw,
        f"{N}/virtualNetworkGateways",
        location,
        {
            "activeActive": False,
            "enableBgp": False,
            "gatewayType": "Vpn",
            "vpnType": "RouteBased",
            "ipConfigurations": [
                {
                    "name": "default",
                    "id": f"{gw}/ipConfigurations/default",
                    "etag": etag(f"{gw}/ipConfigurations/default"),
                    "properties": {
                        "privateIPAllocationMethod": "Dynamic",
                        "publicIPAddress": ref(pip),
                        "subnet": ref(f"{vnet}/subnets/GatewaySubnet"),
                        "provisioningState": "Succeeded",
                    },
                }
            ],
            "sku": {"name": "VpnGw2AZ", "tier": "VpnGw2AZ", "capacity": 2},
        },
    )
    site_prefix = str(
        ipaddress.IPv4Network(
            (int(ipaddress.IPv4Address("172.16.0.0")) + (sub.index % 4096) * 256, 24)
        )
    )
    yield _resource(
        lng,
        f"{N}/localNetworkGateways",
        location,
        {
            "gatewayIpAddress": str(
                ipaddress.IPv4Address(int(ipaddress.IPv4Address("198.18.0.0")) + sub.index % 131072)
            ),
            "localNetworkAddressSpace": {"addressPrefixes": [site_prefix]},
        },
    )
    connections = [
        (
            "cn-site",
            {
                "connectionType": "IPsec",
                "localNetworkGateway2": {"id": lng, "properties": {}},
                "sharedKey": f"synthetic-psk-{sub.index:05d}",
            },
        )
    ]
    if sub.v2v and plan.v2v_target:
        connections.append(
            (
                "cn-partner",
                {
                    "connectionType": "Vnet2Vnet",
                    "virtualNetworkGateway2": {"id": plan.v2v_target, "properties": {}},
                    "sharedKey": f"synthetic-v2v-{sub.index:05d}",
                },
            )
        )
    for name, props in connections:
        cid = res_id(sub.id, "rg-net", f"{N}/connections", name)
        yield _resource(
            cid,
            f"{N}/connections",
            location,
            {
                "connectionStatus": "Connected",
                "connectionProtocol": "IKEv2",
                "routingWeight": 0,
                "virtualNetworkGateway1": {"id": gw, "properties": {}},
                **props,
            },
        )
    yield _resource(
        circuit,
        f"{N}/expressRouteCircuits",
        location,
        {
            "authorizations": [],
            "circuitProvisioningState": "Enabled",
            "peerings": [],
            "serviceKey": f"{sub.index:08x}-5e1c-4000-8000-{plan.seed & 0xFFFFFFFFFFFF:012x}",
            "serviceProviderProperties": {
                "bandwidthInMbps": 1000,
                "peeringLocation": "Amsterdam",
                "serviceProviderName": "Equinix",
            },
            "serviceProviderProvisioningState": "Provisioned",
        },
        sku={"name": "Standard_MeteredData", "tier": "Standard", "family": "MeteredData"},
    )


def _subscription_resources(plan: Plan, sub: SubscriptionPlan) -> Iterator[list[Json]]:
    """Batches in lower-cased id order: each application group, then rg-net (``rg-a`` < ``rg-n``)."""
    first = 0
    for g in range(sub.groups):
        batch = list(_group_resources(plan, sub, g, first))
        first += sub.group_units(g)
        batch.sort(key=lambda r: r["id"].lower())
        yield batch
    batch = list(_net_resources(plan, sub))
    batch.sort(key=lambda r: r["id"].lower())
    yield batch


# ---------------------------------------------------------------- containers


def _management_groups(plan: Plan) -> list[Json]:
    out: list[Json] = []
    prefix = "/providers/Microsoft.Management/managementGroups/"
    by_tenant: dict[int, list[SubscriptionPlan]] = {}
    for s in plan.subscriptions:
        by_tenant.setdefault(s.tenant, []).append(s)

    def group(name: str, display: str, tenant: str, parent: str | None) -> Json:
        return {
            "id": prefix + name,
            "type": "Microsoft.Management/managementGroups",
            "name": name,
            "properties": {
                "tenantId": tenant,
                "displayName": display,
                "parent": {"id": prefix + parent} if parent else None,
                "permissions": "view",
                "inheritedPermissions": "view",
            },
        }

    for t in range(plan.tenants):
        tid = tenant_guid(t, plan.seed)
        platform, landing = f"platform-t{t}", f"landing-zones-t{t}"
        out.append(group(tid, "Tenant Root Group", tid, None))
        out.append(group(platform, "Platform", tid, tid))
        out.append(group(landing, "Landing Zones", tid, tid))
        spokes = [s for s in by_tenant.get(t, []) if not s.hub]
        for k in range(-(-len(spokes) // 100)):
            out.append(group(f"bu-t{t}-{k:03d}", f"Business unit {k}", tid, landing))
        position = {s.index: n for n, s in enumerate(spokes)}
        for s in by_tenant.get(t, []):
            parent = platform if s.hub else f"bu-t{t}-{position[s.index] // 100:03d}"
            out.append(
                {
                    "id": f"/subscriptions/{s.id}",
                    "type": "/subscriptions",
                    "name": s.id,
                    "properties": {
                        "tenantId": tid,
                        "displayName": f"sub-{s.index:05d}",
                        "parent": {"id": prefix + parent},
                        "permissions": "view",
                        "inheritedPermissions": "view",
                    },
                }
            )
    return out


def _write_resources(
    plan: Plan,
    handle: IO[bytes],
    by_type: dict[str, int],
    foreign_refs: dict[str, set[str]],
    governance: tuple[int, int] | None = None,
) -> tuple[int, int]:
    """Write every resource; returns (network resources, governance documents)."""
    count = extra = 0
    home = [tenant_guid(t, plan.seed) for t in range(plan.tenants)]

    def put(item: Json) -> None:
        handle.write(orjson.dumps(item))
        handle.write(b"\n")
        key = item["type"].lower()
        by_type[key] = by_type.get(key, 0) + 1

    if governance is not None:
        holding = {
            f"platform-t{s.tenant}" if s.hub else f"landing-zones-t{s.tenant}"
            for s in plan.subscriptions
        }
        docs = synthetic_governance.group_documents(home, governance[1], holding)
        for item in docs:
            put(item)
        extra += len(docs)
        at_groups = Counter(str(d["type"]) for d in docs)
        policies_left = max(
            0, governance[1] - at_groups["Microsoft.Authorization/policyAssignments"]
        )
        roles_left = max(0, governance[0] - at_groups["Microsoft.Authorization/roleAssignments"])
    n_subs = len(plan.subscriptions)
    for position, sub in enumerate(plan.subscriptions):
        if governance is not None:
            for item in synthetic_governance.subscription_documents(
                sub.index,
                sub.id,
                synthetic_governance.spread(roles_left, n_subs, position),
                synthetic_governance.spread(policies_left, n_subs, position),
            ):
                put(item)
                extra += 1
        for batch in _subscription_resources(plan, sub):
            for item in batch:
                put(item)
                count += 1
        for remote in sub.foreign_peers:
            foreign_refs.setdefault(remote.split("/")[2], set()).add(_vnet_id(sub))
        if sub.v2v and plan.v2v_target:
            foreign_refs.setdefault(plan.v2v_target.split("/")[2], set()).add(
                res_id(sub.id, "rg-net", f"{N}/connections", "cn-partner")
            )
    if governance is not None:
        for item in synthetic_governance.tenant_documents(home):
            put(item)
            extra += 1
    return count, extra


def generate_estate(
    out_dir: Path,
    *,
    tenants: int = 3,
    subscriptions: int = 1000,
    resources: int = 50_000,
    seed: int = 1,
    nics_with_public_ip: int | None = None,
    peerings: int | None = None,
    cross_tenant_peerings: int = 3,
    foreign_tenants: int = 2,
    hub_every: int = 25,
    load_balancer_every: int = 10,
    governance: bool = False,
    role_assignments: int = 0,
    policy_assignments: int = 0,
) -> Path:
    """Write a synthetic estate into ``out_dir`` (created if needed) and return it.

    ``nics_with_public_ip`` defaults to resources // 40; ``peerings`` (links between
    our subscriptions) defaults to one per spoke, to its hub. Raises
    :class:`EstateSizeError` when the counts cannot all be met. With ``governance``,
    governance documents come on top of ``resources`` (discovery/estates/synthetic_governance.py):
    ``role_assignments`` and ``policy_assignments`` in all, or a few per subscription.
    """
    plan = make_plan(
        tenants=tenants,
        subscriptions=subscriptions,
        resources=resources,
        seed=seed,
        nics_with_public_ip=nics_with_public_ip,
        peerings=peerings,
        cross_tenant_peerings=cross_tenant_peerings,
        foreign_tenants=foreign_tenants,
        hub_every=hub_every,
        load_balancer_every=load_balancer_every,
    )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    by_type: dict[str, int] = {}
    foreign_refs: dict[str, set[str]] = {}
    partial = out_dir / "resources.jsonl.partial"
    with partial.open("wb") as handle:
        count, extra = _write_resources(
            plan,
            handle,
            by_type,
            foreign_refs,
            (role_assignments, policy_assignments) if governance else None,
        )
    partial.replace(out_dir / "resources.jsonl")
    if (
        count != resources
    ):  # the plan's arithmetic is the contract; never hand out a wrong-sized estate
        raise AssertionError(f"generated {count} resources, planned {resources}")
    home = [tenant_guid(t, plan.seed) for t in range(tenants)]
    write_json(
        out_dir / "tenants.json",
        [
            {
                "countryCode": "NL",
                "defaultDomain": f"tenant{t}.synthetic.example",
                "displayName": f"Synthetic tenant {t}",
                "domains": [f"tenant{t}.synthetic.example"],
                "id": f"/tenants/{tid}",
                "tenantCategory": "Home",
                "tenantId": tid,
                "tenantType": "AAD",
            }
            for t, tid in enumerate(home)
        ],
    )
    provider = plan.foreign_tenants[0] if plan.foreign_tenants else None
    write_json(
        out_dir / "subscriptions.json",
        [
            {
                "authorizationSource": "RoleBased",
                "displayName": f"sub-{s.index:05d}",
                "id": f"/subscriptions/{s.id}",
                "managedByTenants": [{"tenantId": provider}]
                if provider and s.index % 50 == 7
                else [],
                "state": "Enabled",
                "subscriptionId": s.id,
                "subscriptionPolicies": {
                    "locationPlacementId": "Public_2014-09-01",
                    "quotaId": "EnterpriseAgreement_2014-09-01",
                    "spendingLimit": "Off",
                },
                "tenantId": home[s.tenant],
            }
            for s in plan.subscriptions
        ],
    )
    write_json(out_dir / "management-groups.json", _management_groups(plan))
    write_json(
        out_dir / "foreign.json",
        [
            {
                "subscriptionId": sub,
                "tenantId": plan.foreign_subscriptions[sub],
                "status": "resolved",
                "referencedBy": sorted(refs, key=str.lower),
            }
            for sub, refs in sorted(foreign_refs.items())
        ],
    )
    write_json(out_dir / "errors.json", [])
    write_json(
        out_dir / "manifest.json",
        {
            "format": SNAPSHOT_FORMAT,
            "createdAt": "2026-11-27T02:00:00Z",
            "source": {
                "kind": "handmade",
                "endpoint": "https://management.azure.com",
                "cloud": "AzureCloud",
            },
            "principal": {
                "tenantId": home[0],
                "clientId": f"c11e0000-0000-4000-8000-{seed & 0xFFFFFFFFFFFF:012x}",
            },
            "tenantsCrawled": home,
            "subscriptionsCrawled": [s.id for s in plan.subscriptions],
            "counts": {"resources": count + extra, "byType": dict(sorted(by_type.items()))},
        },
    )
    write_json(
        out_dir / "emulator.json",
        {
            "principal": {"tenantId": home[0]},
            "foreignSubscriptions": dict(sorted(plan.foreign_subscriptions.items())),
        },
    )
    return out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m discovery.estates.synthetic",
        description="Write a seeded synthetic estate (snapshot layout). "
        "Example: python -m discovery.estates.synthetic /tmp/big --subscriptions 10000 --resources 1000000",
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--tenants", type=int, default=3)
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--resources", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--nics-with-public-ip", type=int, default=None)
    parser.add_argument("--peerings", type=int, default=None)
    parser.add_argument("--cross-tenant-peerings", type=int, default=3)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        out = generate_estate(
            args.out,
            tenants=args.tenants,
            subscriptions=args.subscriptions,
            resources=args.resources,
            seed=args.seed,
            nics_with_public_ip=args.nics_with_public_ip,
            peerings=args.peerings,
            cross_tenant_peerings=args.cross_tenant_peerings,
        )
    except EstateSizeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{out}: {args.resources} resources in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A small-estate writer for the exposure and reach tests.

Each test declares the few resources its rule needs, in ARM shape (as a GET
returns them), writes them as a snapshot folder (snapshot.md layout) and builds
the real graph from it: ``build_graph(load_snapshot(folder))``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from discovery.estates.arm import child, default_security_rules, ref, res_id, resource
from graph.build import build_graph
from graph.snapshot import load_snapshot

Json = dict[str, Any]

TENANT = "72f988bf-0000-4000-8000-0000000000aa"
SUB = "1a2b3c4d-0000-4000-8000-0000000000a1"
SUB2 = "1a2b3c4d-0000-4000-8000-0000000000a2"
SUB3 = "1a2b3c4d-0000-4000-8000-0000000000a3"
SUB4 = "1a2b3c4d-0000-4000-8000-0000000000a4"
RG = "rg"
LOCATION = "westeurope"

N = "Microsoft.Network"


def rid(kind: str, name: str, sub: str = SUB) -> str:
    """``kind`` like ``virtualNetworks``."""
    return res_id(sub, RG, f"{N}/{kind}", name)


def nsg_rule(
    name: str,
    priority: int,
    access: str = "Allow",
    *,
    protocol: str = "Tcp",
    direction: str = "Inbound",
    **fields: Any,
) -> Json:
    """A security rule; ``fields`` are ARM property names (singular or plural as given)."""
    props: Json = {
        "access": access,
        "direction": direction,
        "priority": priority,
        "protocol": protocol,
        "sourcePortRange": "*",
    }
    props.update(fields)
    return {"name": name, "properties": props}


def dnat_rule(
    name: str, *, destination: str, port: str, to: str, to_port: str, **fields: Any
) -> Json:
    """A firewall policy NAT rule from anywhere to ``destination:port``, onto ``to:to_port``."""
    rule: Json = {
        "name": name,
        "ipProtocols": ["TCP"],
        "sourceAddresses": ["*"],
        "sourceIpGroups": [],
        "destinationAddresses": [destination],
        "destinationPorts": [port],
        "translatedAddress": to,
        "translatedPort": to_port,
    }
    rule.update(fields)
    return rule


@dataclass
class Estate:
    """Resources of a test estate, and the subscriptions and management groups they live in."""

    subscriptions: list[str] = field(default_factory=lambda: [SUB])
    resources: dict[str, Json] = field(default_factory=dict)
    # management group name -> parent name (None = child of the tenant root)
    groups: dict[str, str | None] = field(default_factory=dict)
    # subscription -> management group name
    placement: dict[str, str] = field(default_factory=dict)

    def add(self, item: Json) -> str:
        self.resources[item["id"].lower()] = item
        return str(item["id"])

    def get(self, resource_id: str) -> Json:
        return self.resources[resource_id.lower()]

    # -- network ----------------------------------------------------------------------

    def vnet(
        self,
        name: str,
        prefix: str,
        subnets: dict[str, str] | None = None,
        *,
        sub: str = SUB,
        nsgs: dict[str, str] | None = None,
        route_tables: dict[str, str] | None = None,
    ) -> str:
        vid = rid("virtualNetworks", name, sub)
        items = []
        for subnet, subnet_prefix in (subnets or {"default": prefix}).items():
            props: Json = {"addressPrefix": subnet_prefix}
            if nsgs and subnet in nsgs:
                props["networkSecurityGroup"] = ref(nsgs[subnet])
            if route_tables and subnet in route_tables:
                props["routeTable"] = ref(route_tables[subnet])
            items.append(child(vid, "subnets", subnet, f"{N}/virtualNetworks/subnets", **props))
        return self.add(
            resource(
                vid,
                f"{N}/virtualNetworks",
                LOCATION,
                {
                    "addressSpace": {"addressPrefixes": [prefix]},
                    "subnets": items,
                    "virtualNetworkPeerings": [],
                },
            )
        )

    def hub_peering(self, vnet: str, hub_name: str) -> None:
        """The peering Azure adds on a VNet connected to a virtual hub, to the hub's managed VNet
        in a Microsoft subscription (snapshot.md, Virtual WAN note)."""
        guid = "5b7d9a3c-0000-4000-8000-00000000d001"
        managed = (
            "/subscriptions/9b1c2d3e-0000-4000-8000-00000000ffff/resourceGroups/"
            f"RG_{hub_name}_{guid}/providers/{N}/virtualNetworks/HV_{hub_name}_{guid}"
        )
        self.peer(vnet, managed, name=f"RemoteVnetToHubPeering_{guid}")

    def subnet(self, vnet: str, name: str = "default") -> str:
        return f"{vnet}/subnets/{name}"

    def peer(
        self,
        vnet: str,
        remote: str,
        *,
        state: str = "Connected",
        access: bool = True,
        gateway_transit: bool = False,
        use_remote_gateways: bool = False,
        name: str | None = None,
    ) -> None:
        """One side of a peering, as the VNet ``vnet`` shows it."""
        pname = name or f"to-{remote.rsplit('/', 1)[-1]}"
        item = child(
            vnet,
            "virtualNetworkPeerings",
            pname,
            f"{N}/virtualNetworks/virtualNetworkPeerings",
            remoteVirtualNetwork=ref(remote),
            peeringState=state,
            peeringSyncLevel="FullyInSync",
            allowVirtualNetworkAccess=access,
            allowForwardedTraffic=False,
            allowGatewayTransit=gateway_transit,
            useRemoteGateways=use_remote_gateways,
        )
        self.get(vnet)["properties"]["virtualNetworkPeerings"].append(item)

    def nsg(self, name: str, rules: list[Json], *, sub: str = SUB) -> str:
        nid = rid("networkSecurityGroups", name, sub)
        custom = []
        for rule in rules:
            item = json.loads(json.dumps(rule))
            item["id"] = f"{nid}/securityRules/{rule['name']}"
            item["type"] = f"{N}/networkSecurityGroups/securityRules"
            custom.append(item)
        return self.add(
            resource(
                nid,
                f"{N}/networkSecurityGroups",
                LOCATION,
                {"securityRules": custom, "defaultSecurityRules": default_security_rules(nid)},
            )
        )

    def asg(self, name: str, *, sub: str = SUB) -> str:
        return self.add(
            resource(
                rid("applicationSecurityGroups", name, sub),
                f"{N}/applicationSecurityGroups",
                LOCATION,
                {},
            )
        )

    def route_table(self, name: str, routes: list[tuple[str, str]], *, sub: str = SUB) -> str:
        tid = rid("routeTables", name, sub)
        items = [
            child(tid, "routes", f"r{i}", f"{N}/routeTables/routes", addressPrefix=p, nextHopType=h)
            for i, (p, h) in enumerate(routes)
        ]
        return self.add(resource(tid, f"{N}/routeTables", LOCATION, {"routes": items}))

    def public_ip(self, name: str, address: str, *, sku: str = "Standard", sub: str = SUB) -> str:
        return self.add(
            resource(
                rid("publicIPAddresses", name, sub),
                f"{N}/publicIPAddresses",
                LOCATION,
                {
                    "ipAddress": address,
                    "publicIPAllocationMethod": "Static" if sku == "Standard" else "Dynamic",
                    "publicIPAddressVersion": "IPv4",
                },
                sku={"name": sku, "tier": "Regional"},
            )
        )

    def _holds(self, pip: str, holder_config: str) -> None:
        self.get(pip)["properties"]["ipConfiguration"] = ref(holder_config)

    def nic(
        self,
        name: str,
        configs: list[Json],
        *,
        nsg: str | None = None,
        vm: bool = True,
        sub: str = SUB,
    ) -> tuple[str, str | None]:
        """A NIC (and its VM). Each config: ``ip``, ``subnet``, optional ``pip`` and ``asgs``."""
        nid = rid("networkInterfaces", name, sub)
        items = []
        for i, config in enumerate(configs):
            props: Json = {
                "primary": i == 0,
                "privateIPAddress": config["ip"],
                "privateIPAllocationMethod": "Dynamic",
                "privateIPAddressVersion": "IPv4",
                "subnet": ref(config["subnet"]),
            }
            cname = config.get("name", f"ipconfig{i + 1}")
            if config.get("pip"):
                props["publicIPAddress"] = ref(config["pip"])
                self._holds(config["pip"], f"{nid}/ipConfigurations/{cname}")
            if config.get("asgs"):
                props["applicationSecurityGroups"] = [ref(a) for a in config["asgs"]]
            items.append(
                child(
                    nid,
                    "ipConfigurations",
                    cname,
                    f"{N}/networkInterfaces/ipConfigurations",
                    **props,
                )
            )
        vm_id = (
            res_id(sub, RG, "Microsoft.Compute/virtualMachines", name.removeprefix("nic-"))
            if vm
            else None
        )
        props = {"ipConfigurations": items, "enableIPForwarding": False}
        if nsg:
            props["networkSecurityGroup"] = ref(nsg)
        if vm_id:
            props["virtualMachine"] = ref(vm_id)
            self.add(
                resource(
                    vm_id,
                    "Microsoft.Compute/virtualMachines",
                    LOCATION,
                    {
                        "networkProfile": {
                            "networkInterfaces": [{"id": nid, "properties": {"primary": True}}]
                        }
                    },
                )
            )
        self.add(resource(nid, f"{N}/networkInterfaces", LOCATION, props))
        return nid, vm_id

    @staticmethod
    def ipconfig(nic: str, index: int = 1) -> str:
        return f"{nic}/ipConfigurations/ipconfig{index}"

    # -- load balancers ------------------------------------------------------------------

    def load_balancer(
        self,
        name: str,
        pip: str | None,
        *,
        sku: str = "Standard",
        pool: list[str] | None = None,
        rules: list[Json] | None = None,
        nat_rules: list[Json] | None = None,
        nat_pools: list[Json] | None = None,
        pool_addresses: list[tuple[str, str]] | None = None,
        internal: tuple[str, str] | None = None,
        sub: str = SUB,
    ) -> str:
        """``pool`` holds IP configurations; ``pool_addresses`` (IP, VNet) backends by address.
        Rules: ``protocol``, ``frontendPort``, ``backendPort``, optional ``enableFloatingIP``
        and ``frontend: "internal"``; NAT rules also ``target`` (an IP configuration) or
        ``frontendPortRangeStart``/``End`` onto the pool. ``internal`` (subnet, private IP)
        adds an internal frontend ``fe-int`` (the only one when ``pip`` is None)."""
        lid = rid("loadBalancers", name, sub)
        fe = f"{lid}/frontendIPConfigurations/fe"
        fe_int = f"{lid}/frontendIPConfigurations/fe-int"
        pool_id = f"{lid}/backendAddressPools/pool"
        if pip:
            self._holds(pip, fe)
        lb_rules = []
        for i, r in enumerate(rules or []):
            on_internal = r.get("frontend") == "internal" or pip is None
            lb_rules.append(
                child(
                    lid,
                    "loadBalancingRules",
                    f"rule{i}",
                    f"{N}/loadBalancers/loadBalancingRules",
                    frontendIPConfiguration=ref(fe_int if on_internal else fe),
                    backendAddressPool=ref(pool_id),
                    protocol=r["protocol"],
                    frontendPort=r["frontendPort"],
                    backendPort=r["backendPort"],
                    enableFloatingIP=bool(r.get("enableFloatingIP", False)),
                )
            )
        frontends = []
        if pip:
            frontends.append(
                child(
                    lid,
                    "frontendIPConfigurations",
                    "fe",
                    f"{N}/loadBalancers/frontendIPConfigurations",
                    publicIPAddress=ref(pip),
                )
            )
        if internal:
            frontends.append(
                child(
                    lid,
                    "frontendIPConfigurations",
                    "fe-int",
                    f"{N}/loadBalancers/frontendIPConfigurations",
                    privateIPAddress=internal[1],
                    privateIPAllocationMethod="Static",
                    subnet=ref(internal[0]),
                )
            )
        lb_nat = []
        for i, r in enumerate(nat_rules or []):
            props: Json = {
                "frontendIPConfiguration": ref(fe),
                "protocol": r["protocol"],
                "backendPort": r["backendPort"],
            }
            if "target" in r:
                props["frontendPort"] = r["frontendPort"]
                props["backendIPConfiguration"] = ref(r["target"])
            else:
                props["frontendPortRangeStart"] = r["frontendPortRangeStart"]
                props["frontendPortRangeEnd"] = r["frontendPortRangeEnd"]
                props["backendAddressPool"] = ref(pool_id)
            lb_nat.append(
                child(
                    lid, "inboundNatRules", f"nat{i}", f"{N}/loadBalancers/inboundNatRules", **props
                )
            )
        lb_pools = []
        for i, p in enumerate(nat_pools or []):
            lb_pools.append(
                child(
                    lid,
                    "inboundNatPools",
                    f"natpool{i}",
                    f"{N}/loadBalancers/inboundNatPools",
                    frontendIPConfiguration=ref(fe),
                    protocol=p["protocol"],
                    frontendPortRangeStart=p["frontendPortRangeStart"],
                    frontendPortRangeEnd=p["frontendPortRangeEnd"],
                    backendPort=p["backendPort"],
                )
            )
        return self.add(
            resource(
                lid,
                f"{N}/loadBalancers",
                LOCATION,
                {
                    "frontendIPConfigurations": frontends,
                    "backendAddressPools": [
                        child(
                            lid,
                            "backendAddressPools",
                            "pool",
                            f"{N}/loadBalancers/backendAddressPools",
                            backendIPConfigurations=[ref(c) for c in pool or []],
                            loadBalancerBackendAddresses=[
                                {
                                    "name": f"addr{i}",
                                    "properties": {"ipAddress": ip, "virtualNetwork": ref(vnet)},
                                }
                                for i, (ip, vnet) in enumerate(pool_addresses or [])
                            ],
                        )
                    ],
                    "loadBalancingRules": lb_rules,
                    "inboundNatRules": lb_nat,
                    "inboundNatPools": lb_pools,
                    "probes": [],
                },
                sku={"name": sku, "tier": "Regional"},
            )
        )

    # -- application gateways ------------------------------------------------------------------

    def app_gateway(
        self,
        name: str,
        pip: str,
        subnet: str,
        ports: list[int],
        *,
        waf_policy: str | None = None,
        legacy_waf: Json | None = None,
        listener_policies: dict[int, str] | None = None,
        layer4: dict[int, str] | None = None,
        private_endpoints: list[tuple[str, str]] | None = None,
        sub: str = SUB,
    ) -> str:
        """HTTP listeners on ``ports`` (``listener_policies``: port -> its own WAF policy),
        layer-4 listeners ``layer4`` (port -> Tcp or Tls), and ``private_endpoints``
        (endpoint id, status) connected to the gateway (Private Link for Application Gateway)."""
        gid = rid("applicationGateways", name, sub)
        fe = f"{gid}/frontendIPConfigurations/public"
        self._holds(pip, fe)
        frontend_ports = [
            child(
                gid, "frontendPorts", f"port_{p}", f"{N}/applicationGateways/frontendPorts", port=p
            )
            for p in [*ports, *(layer4 or {})]
        ]
        listeners = []
        for p in ports:
            extra: Json = {}
            if listener_policies and p in listener_policies:
                extra["firewallPolicy"] = ref(listener_policies[p])
            listeners.append(
                child(
                    gid,
                    "httpListeners",
                    f"listener-{p}",
                    f"{N}/applicationGateways/httpListeners",
                    frontendIPConfiguration=ref(fe),
                    frontendPort=ref(f"{gid}/frontendPorts/port_{p}"),
                    protocol="Https" if p == 443 else "Http",
                    **extra,
                )
            )
        l4_listeners = [
            child(
                gid,
                "listeners",
                f"l4-{p}",
                f"{N}/applicationGateways/listeners",
                frontendIPConfiguration=ref(fe),
                frontendPort=ref(f"{gid}/frontendPorts/port_{p}"),
                protocol=protocol,
            )
            for p, protocol in (layer4 or {}).items()
        ]
        sku_name = "WAF_v2" if waf_policy or legacy_waf else "Standard_v2"
        props: Json = {
            "sku": {"name": sku_name, "tier": sku_name, "capacity": 2},
            "gatewayIPConfigurations": [
                child(
                    gid,
                    "gatewayIPConfigurations",
                    "gw",
                    f"{N}/applicationGateways/gatewayIPConfigurations",
                    subnet=ref(subnet),
                )
            ],
            "frontendIPConfigurations": [
                child(
                    gid,
                    "frontendIPConfigurations",
                    "public",
                    f"{N}/applicationGateways/frontendIPConfigurations",
                    publicIPAddress=ref(pip),
                )
            ],
            "frontendPorts": frontend_ports,
            "httpListeners": listeners,
            "listeners": l4_listeners,
            "backendAddressPools": [],
            "privateEndpointConnections": [
                child(
                    gid,
                    "privateEndpointConnections",
                    f"pec-{i}",
                    f"{N}/applicationGateways/privateEndpointConnections",
                    privateEndpoint=ref(endpoint),
                    privateLinkServiceConnectionState={"status": status, "description": ""},
                )
                for i, (endpoint, status) in enumerate(private_endpoints or [])
            ],
        }
        if waf_policy:
            props["firewallPolicy"] = ref(waf_policy)
        if legacy_waf:
            props["webApplicationFirewallConfiguration"] = legacy_waf
        return self.add(resource(gid, f"{N}/applicationGateways", LOCATION, props))

    def waf_policy(self, name: str, *, mode: str, state: str = "Enabled", sub: str = SUB) -> str:
        return self.add(
            resource(
                rid("ApplicationGatewayWebApplicationFirewallPolicies", name, sub),
                f"{N}/ApplicationGatewayWebApplicationFirewallPolicies",
                LOCATION,
                {
                    "policySettings": {"mode": mode, "state": state},
                    "managedRules": {"managedRuleSets": []},
                },
            )
        )

    # -- firewalls ------------------------------------------------------------------------------

    def firewall(
        self,
        name: str,
        pip: str | None,
        subnet: str | None,
        private_ip: str,
        *,
        policy: str | None = None,
        classic_nat: list[Json] | None = None,
        hub: str | None = None,
        hub_addresses: list[str] | None = None,
        sub: str = SUB,
    ) -> str:
        """A VNet firewall (``pip`` and ``subnet``), or with ``hub`` a secured-hub firewall whose
        public addresses are ``hub_addresses`` (``hubIPAddresses``, no IP configurations)."""
        fid = rid("azureFirewalls", name, sub)
        config = f"{fid}/azureFirewallIpConfigurations/ipconfig"
        configs = []
        if pip and subnet:
            self._holds(pip, config)
            configs.append(
                {
                    "name": "ipconfig",
                    "id": config,
                    "properties": {
                        "privateIPAddress": private_ip,
                        "publicIPAddress": ref(pip),
                        "subnet": ref(subnet),
                    },
                }
            )
        props: Json = {
            "ipConfigurations": configs,
            "natRuleCollections": [],
            "networkRuleCollections": [],
            "applicationRuleCollections": [],
            "sku": {"name": "AZFW_VNet", "tier": "Standard"},
        }
        if classic_nat:
            props["natRuleCollections"] = [
                {
                    "name": "classic-dnat",
                    "id": f"{fid}/natRuleCollections/classic-dnat",
                    "properties": {
                        "priority": 100,
                        "action": {"type": "Dnat"},
                        "rules": classic_nat,
                    },
                }
            ]
        if policy:
            props["firewallPolicy"] = ref(policy)
        if hub:
            props["virtualHub"] = ref(hub)
            props["sku"] = {"name": "AZFW_Hub", "tier": "Standard"}
            props["hubIPAddresses"] = {
                "privateIPAddress": private_ip,
                "publicIPs": {
                    "count": len(hub_addresses or []),
                    "addresses": [{"address": a} for a in hub_addresses or []],
                },
            }
        return self.add(resource(fid, f"{N}/azureFirewalls", LOCATION, props))

    def firewall_policy(
        self,
        name: str,
        nat_rules: list[Json],
        *,
        base: str | None = None,
        groups: list[tuple[str, int, list[tuple[str, int, list[Json]]]]] | None = None,
        sub: str = SUB,
    ) -> str:
        """NAT rules in one group and collection, or ``groups``: (group name, priority,
        [(collection name, priority, rules)]), in the order ARM would list them."""
        pid = rid("firewallPolicies", name, sub)
        if groups is not None:
            props: Json = {
                "ruleCollectionGroups": [
                    {
                        "name": group,
                        "id": f"{pid}/ruleCollectionGroups/{group}",
                        "type": f"{N}/FirewallPolicies/RuleCollectionGroups",
                        "properties": {
                            "priority": priority,
                            "ruleCollections": [
                                {
                                    "ruleCollectionType": "FirewallPolicyNatRuleCollection",
                                    "name": coll,
                                    "priority": coll_priority,
                                    "action": {"type": "DNAT"},
                                    "rules": [{"ruleType": "NatRule", **r} for r in rules],
                                }
                                for coll, coll_priority, rules in collections
                            ],
                        },
                    }
                    for group, priority, collections in groups
                ]
            }
            if base:
                props["basePolicy"] = ref(base)
            return self.add(resource(pid, f"{N}/firewallPolicies", LOCATION, props, sku=None))
        props = {
            "ruleCollectionGroups": [
                {
                    "name": "DefaultDnatRuleCollectionGroup",
                    "id": f"{pid}/ruleCollectionGroups/DefaultDnatRuleCollectionGroup",
                    "type": f"{N}/FirewallPolicies/RuleCollectionGroups",
                    "properties": {
                        "priority": 100,
                        "ruleCollections": [
                            {
                                "ruleCollectionType": "FirewallPolicyNatRuleCollection",
                                "name": "dnat",
                                "priority": 100,
                                "action": {"type": "DNAT"},
                                "rules": [{"ruleType": "NatRule", **r} for r in nat_rules],
                            }
                        ],
                    },
                }
            ]
        }
        if base:
            props["basePolicy"] = ref(base)
        return self.add(resource(pid, f"{N}/firewallPolicies", LOCATION, props, sku=None))

    def ip_group(self, name: str, addresses: list[str], *, sub: str = SUB) -> str:
        return self.add(
            resource(
                rid("ipGroups", name, sub), f"{N}/ipGroups", LOCATION, {"ipAddresses": addresses}
            )
        )

    # -- hybrid ---------------------------------------------------------------------------------

    def vnet_gateway(
        self, name: str, vnet: str, *, gateway_type: str = "Vpn", sub: str = SUB
    ) -> str:
        gid = rid("virtualNetworkGateways", name, sub)
        return self.add(
            resource(
                gid,
                f"{N}/virtualNetworkGateways",
                LOCATION,
                {
                    "gatewayType": gateway_type,
                    "vpnType": "RouteBased",
                    "sku": {"name": "VpnGw1", "tier": "VpnGw1"},
                    "ipConfigurations": [
                        child(
                            gid,
                            "ipConfigurations",
                            "default",
                            None,
                            subnet=ref(f"{vnet}/subnets/GatewaySubnet"),
                        )
                    ],
                },
            )
        )

    def local_gateway(self, name: str, address: str, prefixes: list[str], *, sub: str = SUB) -> str:
        return self.add(
            resource(
                rid("localNetworkGateways", name, sub),
                f"{N}/localNetworkGateways",
                LOCATION,
                {
                    "gatewayIpAddress": address,
                    "localNetworkAddressSpace": {"addressPrefixes": prefixes},
                },
            )
        )

    def circuit(self, name: str, *, provisioned: bool = True, sub: str = SUB) -> str:
        return self.add(
            resource(
                rid("expressRouteCircuits", name, sub),
                f"{N}/expressRouteCircuits",
                LOCATION,
                {
                    "circuitProvisioningState": "Enabled",
                    "serviceProviderProvisioningState": "Provisioned"
                    if provisioned
                    else "NotProvisioned",
                    "serviceProviderProperties": {
                        "serviceProviderName": "Equinix",
                        "peeringLocation": "Amsterdam",
                        "bandwidthInMbps": 1000,
                    },
                    "authorizations": [],
                    "peerings": [],
                },
                sku={"name": "Standard_MeteredData", "tier": "Standard", "family": "MeteredData"},
            )
        )

    def connection(
        self,
        name: str,
        gateway: str,
        *,
        local: str | None = None,
        remote_gateway: str | None = None,
        circuit: str | None = None,
        status: str = "Connected",
        sub: str = SUB,
    ) -> str:
        props: Json = {"virtualNetworkGateway1": ref(gateway), "connectionStatus": status}
        if local:
            props |= {"connectionType": "IPsec", "localNetworkGateway2": ref(local)}
        elif remote_gateway:
            props |= {"connectionType": "Vnet2Vnet", "virtualNetworkGateway2": ref(remote_gateway)}
        elif circuit:
            props |= {"connectionType": "ExpressRoute", "peer": ref(circuit)}
        return self.add(
            resource(rid("connections", name, sub), f"{N}/connections", LOCATION, props)
        )

    def virtual_wan(self, name: str, *, wan_type: str = "Standard", sub: str = SUB) -> str:
        return self.add(
            resource(
                rid("virtualWans", name, sub), f"{N}/virtualWans", LOCATION, {"type": wan_type}
            )
        )

    def hub(self, name: str, wan: str, prefix: str, vnets: list[str], *, sub: str = SUB) -> str:
        hid = rid("virtualHubs", name, sub)
        connections = [
            child(
                hid,
                "hubVirtualNetworkConnections",
                f"conn-{v.rsplit('/', 1)[-1]}",
                f"{N}/virtualHubs/hubVirtualNetworkConnections",
                remoteVirtualNetwork=ref(v),
                allowHubToRemoteVnetTransit=True,
            )
            for v in vnets
        ]
        return self.add(
            resource(
                hid,
                f"{N}/virtualHubs",
                LOCATION,
                {
                    "virtualWan": ref(wan),
                    "addressPrefix": prefix,
                    "sku": "Standard",
                    "hubVirtualNetworkConnections": connections,
                },
            )
        )

    def vpn_site(self, name: str, wan: str, address: str, *, sub: str = SUB) -> str:
        return self.add(
            resource(
                rid("vpnSites", name, sub),
                f"{N}/vpnSites",
                LOCATION,
                {
                    "virtualWan": ref(wan),
                    "ipAddress": address,
                    "addressSpace": {"addressPrefixes": ["10.250.0.0/16"]},
                },
            )
        )

    def vpn_gateway(
        self, name: str, hub: str, sites: list[str], *, status: str = "Connected", sub: str = SUB
    ) -> str:
        gid = rid("vpnGateways", name, sub)
        connections = [
            child(
                gid,
                "vpnConnections",
                f"conn-{s.rsplit('/', 1)[-1]}",
                f"{N}/vpnGateways/vpnConnections",
                remoteVpnSite=ref(s),
                connectionStatus=status,
            )
            for s in sites
        ]
        return self.add(
            resource(
                gid,
                f"{N}/vpnGateways",
                LOCATION,
                {"virtualHub": ref(hub), "connections": connections},
            )
        )

    def er_gateway(self, name: str, hub: str, circuits: list[str], *, sub: str = SUB) -> str:
        gid = rid("expressRouteGateways", name, sub)
        connections = [
            child(
                gid,
                "expressRouteConnections",
                f"conn-{c.rsplit('/', 1)[-1]}",
                f"{N}/expressRouteGateways/expressRouteConnections",
                expressRouteCircuitPeering=ref(f"{c}/peerings/AzurePrivatePeering"),
            )
            for c in circuits
        ]
        return self.add(
            resource(
                gid,
                f"{N}/expressRouteGateways",
                LOCATION,
                {"virtualHub": ref(hub), "expressRouteConnections": connections},
            )
        )

    # -- network managers -------------------------------------------------------------------------

    def network_manager(
        self,
        name: str,
        *,
        subscriptions: Sequence[str] = (),
        groups: Sequence[str] = (),
        sub: str = SUB,
    ) -> str:
        return self.add(
            resource(
                rid("networkManagers", name, sub),
                f"{N}/networkManagers",
                LOCATION,
                {
                    "networkManagerScopeAccesses": ["SecurityAdmin"],
                    "networkManagerScopes": {
                        "subscriptions": [f"/subscriptions/{s}" for s in subscriptions],
                        "managementGroups": [
                            f"/providers/Microsoft.Management/managementGroups/{g}" for g in groups
                        ],
                        "crossTenantScopes": [],
                    },
                },
            )
        )

    def network_manager_connection(self, name: str, manager: str, *, scope: str) -> str:
        """``scope``: ``/subscriptions/<id>`` or ``/providers/Microsoft.Management/managementGroups/<name>``."""
        return self.add(
            resource(
                f"{scope}/providers/{N}/networkManagerConnections/{name}",
                f"{N}/networkManagerConnections",
                None,
                {"networkManagerId": manager, "connectionState": "Connected"},
            )
        )

    # -- output ---------------------------------------------------------------------------------

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        root = f"/providers/Microsoft.Management/managementGroups/{TENANT}"

        def group_id(name: str | None) -> str:
            return (
                root if name is None else f"/providers/Microsoft.Management/managementGroups/{name}"
            )

        entities: list[Json] = [
            {
                "id": root,
                "type": "Microsoft.Management/managementGroups",
                "name": TENANT,
                "properties": {
                    "tenantId": TENANT,
                    "displayName": "Tenant Root Group",
                    "parent": None,
                },
            }
        ]
        for name, parent in self.groups.items():
            entities.append(
                {
                    "id": group_id(name),
                    "type": "Microsoft.Management/managementGroups",
                    "name": name,
                    "properties": {
                        "tenantId": TENANT,
                        "displayName": name,
                        "parent": {"id": group_id(parent)},
                    },
                }
            )
        for sub in self.subscriptions:
            entities.append(
                {
                    "id": f"/subscriptions/{sub}",
                    "type": "/subscriptions",
                    "name": sub,
                    "properties": {
                        "tenantId": TENANT,
                        "displayName": sub,
                        "parent": {"id": group_id(self.placement.get(sub))},
                    },
                }
            )
        files: dict[str, Any] = {
            "manifest.json": {
                "format": "tenantmap.snapshot/1",
                "createdAt": "2026-11-27T02:00:00Z",
                "source": {
                    "kind": "handmade",
                    "endpoint": "https://management.azure.com",
                    "cloud": "AzureCloud",
                },
                "principal": {
                    "tenantId": TENANT,
                    "clientId": "c0ffee00-0000-4000-8000-00000000c0de",
                },
                "tenantsCrawled": [TENANT],
                "subscriptionsCrawled": list(self.subscriptions),
                "counts": {"resources": len(self.resources), "byType": {}},
            },
            "tenants.json": [
                {
                    "id": f"/tenants/{TENANT}",
                    "tenantId": TENANT,
                    "tenantCategory": "Home",
                    "displayName": "Contoso",
                    "defaultDomain": "contoso.example",
                    "domains": ["contoso.example"],
                }
            ],
            "subscriptions.json": [
                {
                    "id": f"/subscriptions/{s}",
                    "subscriptionId": s,
                    "tenantId": TENANT,
                    "displayName": f"sub-{s[-2:]}",
                    "state": "Enabled",
                    "managedByTenants": [],
                }
                for s in self.subscriptions
            ],
            "management-groups.json": entities,
            "foreign.json": [],
            "errors.json": [],
        }
        for file_name, data in files.items():
            (folder / file_name).write_text(json.dumps(data, indent=2))
        lines = [json.dumps(r) for _, r in sorted(self.resources.items())]
        (folder / "resources.jsonl").write_text("\n".join(lines) + "\n")
        return folder

    def graph(self, folder: Path) -> nx.MultiDiGraph:
        return build_graph(load_snapshot(self.write(folder)))

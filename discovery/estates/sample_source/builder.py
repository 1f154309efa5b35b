"""Helpers that add one sample resource each, and the back-references ARM computes."""

from __future__ import annotations

from typing import Any

from discovery.estates.arm import (
    Json,
    child,
    default_security_rules,
    etag,
    ref,
    resource,
    security_rule,
    stable_guid,
)
from discovery.estates.sample_source.ids import HOME, NORTHWIND, WEU, N, net_id, vm_resource_id


class Estate:
    """Accumulates resources; helpers add one resource each and return its id."""

    def __init__(self) -> None:
        self.resources: list[Json] = []

    def add(self, item: Json) -> str:
        self.resources.append(item)
        return str(item["id"])

    def connection(
        self, sub: str, crg: str, name: str, ctype: str, gateway: str, **extra: Any
    ) -> None:
        """A virtual network gateway connection of type ``ctype`` (extra: its other properties)."""
        cid = net_id(sub, crg, "connections", name)
        props: Json = {
            "connectionMode": "Default",
            "connectionStatus": "Connected",
            "connectionType": ctype,
            "dpdTimeoutSeconds": 45 if ctype != "ExpressRoute" else 0,
            "egressBytesTransferred": 12345678,
            "enableBgp": False,
            "ingressBytesTransferred": 87654321,
            "ipsecPolicies": [],
            "resourceGuid": stable_guid("guid", cid),
            "routingWeight": 0,
            "trafficSelectorPolicies": [],
            "useLocalAzureIpAddress": False,
            "usePolicyBasedTrafficSelectors": False,
            "virtualNetworkGateway1": {"id": gateway, "properties": {}},
        }
        if ctype != "ExpressRoute":
            props["connectionProtocol"] = "IKEv2"
        props.update(extra)
        self.add(resource(cid, f"{N}/connections", WEU, props))

    # ------------------------------------------------------------ network
    def vnet(
        self,
        sub: str,
        rg: str,
        name: str,
        prefix: str,
        subnets: list[tuple[str, str, str | None, str | None]],
        *,
        location: str = WEU,
        peerings: list[Json] | None = None,
        tags: dict[str, str] | None = None,
    ) -> str:
        vid = net_id(sub, rg, "virtualNetworks", name)
        items = []
        for sname, sprefix, nsg, route_table in subnets:
            props: Json = {"addressPrefix": sprefix}
            if nsg:
                props["networkSecurityGroup"] = ref(nsg)
            if route_table:
                props["routeTable"] = ref(route_table)
            props["delegations"] = []
            props["privateEndpointNetworkPolicies"] = "Disabled"
            props["privateLinkServiceNetworkPolicies"] = "Enabled"
            items.append(child(vid, "subnets", sname, f"{N}/virtualNetworks/subnets", **props))
        return self.add(
            resource(
                vid,
                f"{N}/virtualNetworks",
                location,
                {
                    "addressSpace": {"addressPrefixes": [prefix]},
                    "dhcpOptions": {"dnsServers": []},
                    "enableDdosProtection": False,
                    "resourceGuid": stable_guid("guid", vid),
                    "subnets": items,
                    "virtualNetworkPeerings": [
                        {
                            **p,
                            "id": f"{vid}/virtualNetworkPeerings/{p['name']}",
                            "etag": etag(f"{vid}/virtualNetworkPeerings/{p['name']}"),
                        }
                        for p in (peerings or [])
                    ],
                },
                tags=tags,
            )
        )

    @staticmethod
    def peering(
        name: str,
        remote_vnet: str,
        remote_prefixes: list[str],
        *,
        state: str = "Connected",
        allow_gateway_transit: bool = False,
        use_remote_gateways: bool = False,
        allow_forwarded: bool = True,
    ) -> Json:
        return {
            "name": name,
            "type": f"{N}/virtualNetworks/virtualNetworkPeerings",
            "properties": {
                "allowForwardedTraffic": allow_forwarded,
                "allowGatewayTransit": allow_gateway_transit,
                "allowVirtualNetworkAccess": True,
                "doNotVerifyRemoteGateways": False,
                "peeringState": state,
                "peeringSyncLevel": "FullyInSync" if state == "Connected" else "RemoteNotInSync",
                "provisioningState": "Succeeded",
                "remoteAddressSpace": {"addressPrefixes": remote_prefixes},
                "remoteVirtualNetwork": ref(remote_vnet),
                "remoteVirtualNetworkAddressSpace": {"addressPrefixes": remote_prefixes},
                "useRemoteGateways": use_remote_gateways,
            },
        }

    def nsg(
        self, sub: str, rg: str, name: str, rules: list[dict[str, Any]], *, location: str = WEU
    ) -> str:
        nid = net_id(sub, rg, "networkSecurityGroups", name)
        return self.add(
            resource(
                nid,
                f"{N}/networkSecurityGroups",
                location,
                {
                    "defaultSecurityRules": default_security_rules(nid),
                    "resourceGuid": stable_guid("guid", nid),
                    "securityRules": [security_rule(nid, **r) for r in rules],
                },
            )
        )

    def public_ip(
        self,
        sub: str,
        rg: str,
        name: str,
        address: str,
        *,
        sku: str = "Standard",
        attached_to: str | None = None,
        location: str = WEU,
        fqdn_label: str | None = None,
    ) -> str:
        pid = net_id(sub, rg, "publicIPAddresses", name)
        props: Json = {
            "ddosSettings": {"protectionMode": "VirtualNetworkInherited"},
            "idleTimeoutInMinutes": 4,
            "ipAddress": address,
            "ipTags": [],
            "publicIPAddressVersion": "IPv4",
            "publicIPAllocationMethod": "Static" if sku == "Standard" else "Dynamic",
            "resourceGuid": stable_guid("guid", pid),
        }
        if fqdn_label:
            props["dnsSettings"] = {
                "domainNameLabel": fqdn_label,
                "fqdn": f"{fqdn_label}.{location}.cloudapp.azure.com",
            }
        if attached_to:
            props["ipConfiguration"] = ref(attached_to)
        return self.add(
            resource(
                pid,
                f"{N}/publicIPAddresses",
                location,
                props,
                sku={"name": sku, "tier": "Regional"},
                zones=["1", "2", "3"] if sku == "Standard" else None,
            )
        )

    def nic(
        self,
        sub: str,
        rg: str,
        name: str,
        ipconfigs: list[dict[str, Any]],
        *,
        vm: str | None = None,
        nsg: str | None = None,
        location: str = WEU,
        private_endpoint: str | None = None,
    ) -> str:
        """ipconfigs: dicts with name, ip, subnet, and optionally pip, asgs, pools, nat_rules."""
        nid = net_id(sub, rg, "networkInterfaces", name)
        items = []
        for index, cfg in enumerate(ipconfigs):
            props: Json = {
                "primary": index == 0,
                "privateIPAddress": cfg["ip"],
                "privateIPAddressVersion": "IPv4",
                "privateIPAllocationMethod": "Static" if cfg.get("static") else "Dynamic",
                "subnet": ref(cfg["subnet"]),
            }
            if cfg.get("pip"):
                props["publicIPAddress"] = ref(cfg["pip"])
            if cfg.get("asgs"):
                props["applicationSecurityGroups"] = [ref(a) for a in cfg["asgs"]]
            if cfg.get("pools"):
                props["loadBalancerBackendAddressPools"] = [ref(p) for p in cfg["pools"]]
            if cfg.get("nat_rules"):
                props["loadBalancerInboundNatRules"] = [ref(p) for p in cfg["nat_rules"]]
            if cfg.get("member"):
                props["privateLinkConnectionProperties"] = {
                    "fqdns": cfg.get("fqdns", []),
                    "groupId": cfg["group"],
                    "requiredMemberName": cfg["member"],
                }
            items.append(
                child(
                    nid,
                    "ipConfigurations",
                    cfg["name"],
                    f"{N}/networkInterfaces/ipConfigurations",
                    **props,
                )
            )
        props_nic: Json = {
            "auxiliaryMode": "None",
            "auxiliarySku": "None",
            "disableTcpStateTracking": False,
            "dnsSettings": {"appliedDnsServers": [], "dnsServers": []},
            "enableAcceleratedNetworking": private_endpoint is None,
            "enableIPForwarding": False,
            "hostedWorkloads": [],
            "ipConfigurations": items,
            "nicType": "Standard",
            "resourceGuid": stable_guid("guid", nid),
            "tapConfigurations": [],
            "vnetEncryptionSupported": False,
        }
        if vm:
            mac = stable_guid("mac", nid).upper()
            props_nic["macAddress"] = f"00-0D-3A-{mac[0:2]}-{mac[2:4]}-{mac[4:6]}"
            props_nic["primary"] = True
            props_nic["virtualMachine"] = ref(vm)
        if nsg:
            props_nic["networkSecurityGroup"] = ref(nsg)
        if private_endpoint:
            props_nic["privateEndpoint"] = ref(private_endpoint)
        return self.add(resource(nid, f"{N}/networkInterfaces", location, props_nic))

    def vm(
        self,
        sub: str,
        rg: str,
        name: str,
        nics: list[str],
        *,
        os: str = "Linux",
        size: str = "Standard_D2s_v5",
        location: str = WEU,
    ) -> str:
        vid = vm_resource_id(sub, rg, name)
        image = (
            {
                "publisher": "Canonical",
                "offer": "ubuntu-24_04-lts",
                "sku": "server",
                "version": "latest",
            }
            if os == "Linux"
            else {
                "publisher": "MicrosoftWindowsServer",
                "offer": "WindowsServer",
                "sku": "2022-datacenter-azure-edition",
                "version": "latest",
            }
        )
        os_profile: Json = {
            "computerName": name,
            "adminUsername": "azureadmin",
            "secrets": [],
            "allowExtensionOperations": True,
        }
        if os == "Linux":
            os_profile["linuxConfiguration"] = {
                "disablePasswordAuthentication": True,
                "provisionVMAgent": True,
            }
        else:
            os_profile["windowsConfiguration"] = {
                "provisionVMAgent": True,
                "enableAutomaticUpdates": True,
            }
        return self.add(
            resource(
                vid,
                "Microsoft.Compute/virtualMachines",
                location,
                {
                    "vmId": stable_guid("vmid", vid),
                    "hardwareProfile": {"vmSize": size},
                    "storageProfile": {
                        "imageReference": image,
                        "osDisk": {
                            "osType": os,
                            "name": f"{name}_OsDisk_1",
                            "createOption": "FromImage",
                            "caching": "ReadWrite",
                            "managedDisk": {"storageAccountType": "Premium_LRS"},
                            "diskSizeGB": 64 if os == "Linux" else 128,
                        },
                        "dataDisks": [],
                    },
                    "osProfile": os_profile,
                    "networkProfile": {
                        "networkInterfaces": [
                            {"id": nic, "properties": {"primary": index == 0}}
                            for index, nic in enumerate(nics)
                        ]
                    },
                },
                with_etag=False,
            )
        )


def paas_pe_connection(
    parent: str,
    ptype: str,
    name: str,
    endpoint: str,
    status: str,
    description: str,
    *,
    with_name: bool = True,
) -> Json:
    cid = f"{parent}/privateEndpointConnections/{name}"
    item: Json = {"id": cid}
    if with_name:
        item["name"] = name
        item["type"] = f"{ptype}/privateEndpointConnections"
    else:
        item["etag"] = etag(cid)
    item["properties"] = {
        "privateEndpoint": ref(endpoint),
        "privateLinkServiceConnectionState": {
            "actionsRequired": "None",
            "description": description,
            "status": status,
        },
        "provisioningState": "Succeeded",
    }
    return item


def add_private_endpoint(
    e: Estate,
    sub: str,
    rg: str,
    name: str,
    subnet: str,
    ip: str,
    target: str,
    group: str | None,
    *,
    manual: bool,
    status: str = "Approved",
    request: str = "",
) -> str:
    pe = net_id(sub, rg, "privateEndpoints", name)
    nic_name = f"{name}.nic.{stable_guid('penic', pe)}"
    nic = e.nic(
        sub,
        rg,
        nic_name,
        [
            dict(
                name=f"privateEndpointIpConfig.{stable_guid('pecfg', pe)}",
                ip=ip,
                subnet=subnet,
                group=group or "",
                member=group or "default",
            )
        ],
        private_endpoint=pe,
    )
    conn_kind = "manualPrivateLinkServiceConnections" if manual else "privateLinkServiceConnections"
    conn_id = f"{pe}/{conn_kind}/{name}"
    connection = {
        "name": name,
        "id": conn_id,
        "etag": etag(conn_id),
        "type": f"{N}/privateEndpoints/{conn_kind}",
        "properties": {
            "groupIds": [group] if group else [],
            "privateLinkServiceConnectionState": {
                "actionsRequired": "None",
                "description": "Auto-Approved"
                if not manual
                else ("Approved" if status == "Approved" else "Awaiting approval"),
                "status": status,
            },
            "privateLinkServiceId": target,
            "provisioningState": "Succeeded",
            "requestMessage": request,
        },
    }
    return e.add(
        resource(
            pe,
            f"{N}/privateEndpoints",
            WEU,
            {
                "applicationSecurityGroups": [],
                "customDnsConfigs": [],
                "customNetworkInterfaceName": "",
                "ipConfigurations": [],
                "manualPrivateLinkServiceConnections": [connection] if manual else [],
                "networkInterfaces": [ref(nic)],
                "privateLinkServiceConnections": [] if manual else [connection],
                "subnet": ref(subnet),
            },
        )
    )


def add_lighthouse(e: Estate, sub: str) -> None:
    definition_name = stable_guid("lighthouse-definition", sub)
    assignment_name = stable_guid("lighthouse-assignment", sub)
    definition = f"/subscriptions/{sub}/providers/Microsoft.ManagedServices/registrationDefinitions/{definition_name}"
    assignment = f"/subscriptions/{sub}/providers/Microsoft.ManagedServices/registrationAssignments/{assignment_name}"
    definition_props: Json = {
        "description": "Northwind 24x7 network operations",
        "registrationDefinitionName": "Northwind Managed Network Operations",
        "authorizations": [
            {
                "principalId": "6e2b4c8a-0000-4000-8000-00000000a001",
                "principalIdDisplayName": "NW NetOps",
                "roleDefinitionId": "4d97b98b-1d4f-4787-a291-c67834d212e7",
            },
            {
                "principalId": "6e2b4c8a-0000-4000-8000-00000000a002",
                "principalIdDisplayName": "NW Readers",
                "roleDefinitionId": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
            },
        ],
        "eligibleAuthorizations": [],
        "provisioningState": "Succeeded",
        "manageeTenantId": HOME,
        "manageeTenantName": "Contoso",
        "managedByTenantId": NORTHWIND,
        "managedByTenantName": "Northwind Managed Services",
    }
    e.add(
        {
            "properties": definition_props,
            "id": definition,
            "type": "Microsoft.ManagedServices/registrationDefinitions",
            "name": definition_name,
        }
    )
    e.add(
        {
            "properties": {
                "registrationDefinitionId": definition,
                "provisioningState": "Succeeded",
                "registrationDefinition": {
                    "properties": definition_props,
                    "id": definition,
                    "type": "Microsoft.ManagedServices/registrationDefinitions",
                    "name": definition_name,
                },
            },
            "id": assignment,
            "type": "Microsoft.ManagedServices/registrationAssignments",
            "name": assignment_name,
        }
    )


def fill_back_references(resources: list[Json]) -> None:
    """Add the read-only back-references ARM computes (subnet ipConfigurations, NSG subnets and NICs)."""
    by_id: dict[str, Json] = {str(r["id"]).lower(): r for r in resources}
    subnets: dict[str, Json] = {}
    for r in resources:
        if r["type"] == f"{N}/virtualNetworks":
            for sn in r["properties"]["subnets"]:
                subnets[sn["id"].lower()] = sn

    def add_backref(target: Json, key: str, value: str) -> None:
        items = target.setdefault(key, [])
        if all(i["id"].lower() != value.lower() for i in items):
            items.append(ref(value))

    for r in resources:
        props = r["properties"]
        rtype = r["type"]
        if rtype == f"{N}/networkInterfaces":
            for cfg in props["ipConfigurations"]:
                sn = subnets.get(cfg["properties"]["subnet"]["id"].lower())
                if sn is not None:
                    add_backref(sn["properties"], "ipConfigurations", cfg["id"])
            nsg = props.get("networkSecurityGroup")
            if nsg and nsg["id"].lower() in by_id:
                add_backref(by_id[nsg["id"].lower()]["properties"], "networkInterfaces", r["id"])
        elif rtype == f"{N}/virtualNetworks":
            for sn in props["subnets"]:
                nsg = sn["properties"].get("networkSecurityGroup")
                if nsg and nsg["id"].lower() in by_id:
                    add_backref(by_id[nsg["id"].lower()]["properties"], "subnets", sn["id"])
        elif rtype == f"{N}/privateEndpoints":
            sn = subnets.get(props["subnet"]["id"].lower())
            if sn is not None:
                add_backref(sn["properties"], "privateEndpoints", r["id"])
        else:
            for cfg in props.get("ipConfigurations", []) or props.get(
                "gatewayIPConfigurations", []
            ):
                subnet = cfg.get("properties", {}).get("subnet")
                if subnet and subnet["id"].lower() in subnets:
                    add_backref(
                        subnets[subnet["id"].lower()]["properties"], "ipConfigurations", cfg["id"]
                    )
    for sn in subnets.values():
        if "ipConfigurations" in sn["properties"]:
            sn["properties"]["ipConfigurations"].sort(key=lambda x: x["id"].lower())

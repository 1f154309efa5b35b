"""The source of the bundled sample estate ``discovery/estates/sample/``.

The estate is handmade: this module spells out every resource once, so that
ids, back-references and addresses stay consistent. The committed folder is
its output (``python -m discovery.estates.sample_source`` rewrites it; a test
checks that the two agree). ``sample/README.md`` explains every tenant,
subscription and the finding each feature is meant to raise.

Secrets (circuit ``serviceKey``, authorization ``authorizationKey``,
connection ``sharedKey``, VPN site link ``psk``) are plausible raw values on
purpose: the crawler must redact them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from discovery.estates import governance_source as gov
from discovery.estates.arm import (
    SNAPSHOT_FORMAT,
    Json,
    child,
    default_security_rules,
    etag,
    ref,
    res_id,
    resource,
    security_rule,
    stable_guid,
    write_json,
    write_resources,
)

# ---------------------------------------------------------------- tenants
HOME = "72f988bf-0000-4000-8000-000000000001"  # Contoso (home)
RETAIL = "72f988bf-0000-4000-8000-000000000005"  # Contoso Retail (subsidiary, declared only)
FABRIKAM = "0d1e2f3a-0000-4000-8000-000000000002"  # partner, reached by links only
NORTHWIND = "4e5f6a7b-0000-4000-8000-000000000003"  # Lighthouse service provider
LITWARE = "9a8b7c6d-0000-4000-8000-000000000004"  # undeclared, reached by links only

# ---------------------------------------------------------- subscriptions
CONNECTIVITY = "1a2b3c4d-0000-4000-8000-000000000101"
PAYMENTS = "1a2b3c4d-0000-4000-8000-000000000102"
WEB = "1a2b3c4d-0000-4000-8000-000000000103"
DEV = "1a2b3c4d-0000-4000-8000-000000000104"
VWAN = "1a2b3c4d-0000-4000-8000-000000000105"
SHOP = "1a2b3c4d-0000-4000-8000-000000000106"
SANDBOX = "1a2b3c4d-0000-4000-8000-000000000107"
LEGACY = "1a2b3c4d-0000-4000-8000-000000000108"  # denied (403)
DATA = "1a2b3c4d-0000-4000-8000-000000000109"
MANAGEMENT = "1a2b3c4d-0000-4000-8000-000000000110"
SHADOW = "1a2b3c4d-0000-4000-8000-000000000111"  # undeclared
RETAIL_POS = "1a2b3c4d-0000-4000-8000-000000000112"  # declared in the wrong tenant
MISSING = "1a2b3c4d-0000-4000-8000-0000000001ee"  # declared, does not exist

FAB_PAYMENTS = "0d1e2f3a-0000-4000-8000-00000000000a"  # Fabrikam, declared
FAB_ANALYTICS = "0d1e2f3a-0000-4000-8000-00000000000b"  # Fabrikam, not in its list
NORTHWIND_SUB = "4e5f6a7b-0000-4000-8000-0000000000c1"
LITWARE_SUB = "9a8b7c6d-0000-4000-8000-0000000000b1"
GONE_SUB = "deadbeef-0000-4000-8000-0000000000d0"  # referenced, does not exist (404)
MS_HUB_SUB = "e3f1a2b4-0000-4000-8000-0000000000f1"  # Microsoft-managed virtual hub subscription

HUB_GUID = "5b7d9a3c-0000-4000-8000-00000000d001"
HUB_PEERING_GUID = "5b7d9a3c-0000-4000-8000-00000000d002"
VENDOR_ALIAS = (
    "tailspin-api.5e1c0a7d-0000-4000-8000-0000000000a1.westeurope.azure.privatelinkservice"
)
CLIENT_ID = "c0ffee00-0000-4000-8000-00000000c0de"

WEU = "westeurope"
NEU = "northeurope"
MG_PREFIX = "/providers/Microsoft.Management/managementGroups/"

SUBSCRIPTIONS: list[tuple[str, str, str, list[str], dict[str, str]]] = [
    # id, displayName, management group, managedByTenants, tags
    (CONNECTIVITY, "contoso-connectivity", "contoso-platform", [NORTHWIND], {"env": "prod"}),
    (PAYMENTS, "prod-payments", "corp", [NORTHWIND], {"env": "prod", "costCenter": "4711"}),
    (WEB, "prod-web", "online", [], {"env": "prod"}),
    (DEV, "dev-apps", "corp", [], {"env": "dev"}),
    (VWAN, "contoso-vwan", "contoso-platform", [], {"env": "prod"}),
    (SHOP, "online-shop", "online", [], {}),
    (SANDBOX, "sandbox-alice", "sandbox", [], {"owner": "alice@contoso.example"}),
    (LEGACY, "legacy-erp", "corp", [], {}),
    (DATA, "prod-data", "corp", [], {"env": "prod"}),
    (MANAGEMENT, "contoso-management", "contoso-platform", [], {}),
    (SHADOW, "shadow-it-marketing", HOME, [], {}),
    (RETAIL_POS, "retail-pos", "online", [], {"bu": "retail"}),
]

MANAGEMENT_GROUPS: list[tuple[str, str, str | None]] = [
    # name, displayName, parent name
    (HOME, "Tenant Root Group", None),
    # Contoso's own top group (the landing-zone layout): the organisation's policy and
    # the security team's access are assigned here; shadow-it-marketing sits beside it.
    ("contoso", "Contoso", HOME),
    ("contoso-platform", "Platform", "contoso"),
    ("contoso-landing-zones", "Landing Zones", "contoso"),
    ("corp", "Corp", "contoso-landing-zones"),
    ("online", "Online", "contoso-landing-zones"),
    ("sandbox", "Sandbox", "contoso"),
]

FOREIGN_SUBSCRIPTIONS = {
    FAB_PAYMENTS: FABRIKAM,
    FAB_ANALYTICS: FABRIKAM,
    NORTHWIND_SUB: NORTHWIND,
    LITWARE_SUB: LITWARE,
}

INVENTORY_YAML = f"""\
# Contoso's declared inventory for the bundled sample estate (inventory.md, version 1).
# It declares most of the estate, and leaves out or gets wrong on purpose what
# makes every finding kind show up; README.md beside it lists each one.
version: 1
organization: Contoso

tenants:
  - id: {HOME}
    name: Contoso
    relationship: home
  - id: {RETAIL}
    name: Contoso Retail
    relationship: subsidiary
  - id: {FABRIKAM}
    name: Fabrikam (payments partner)
    relationship: partner
    subscriptions:
      - {FAB_PAYMENTS}   # fabrikam-settlement; fabrikam-analytics is NOT allowed
  - id: {NORTHWIND}
    name: Northwind Managed Services
    relationship: service-provider
  # Litware ({LITWARE}) is deliberately not declared: unknown-tenant

# What every connected subscription must have (governance.md); README "Governance" lists
# where the sample falls short.
governance:
  applies_to: connected
  root_management_group: contoso
  policy_assignments:
    - definition: /providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8
      name: Microsoft cloud security benchmark
  defender_plans: [VirtualMachines, StorageAccounts, KeyVaults, Arm, CloudPosture]
  security_contact: true
  readers:
    - principal: 9f1b0e1c-0000-4000-8000-0000000000aa
      name: secops-team
      roles: [Reader, Security Reader]
  tenant_controls:
    block_subscriptions_entering: true
    default_management_group: sandbox

management_groups:
  - id: contoso-landing-zones     # corp and online below it
    tenant: {HOME}
  - id: sandbox
    tenant: {HOME}
  # contoso-platform is not declared: its subscriptions are listed one by one below,
  # and shadow-it-marketing (directly below the root group) is declared nowhere

subscriptions:
  - id: {CONNECTIVITY}
    name: contoso-connectivity
    tenant: {HOME}
    environment: production
    owner: network-team@contoso.example
  - id: {PAYMENTS}
    name: prod-payments
    tenant: {HOME}
    environment: production
    owner: payments-team@contoso.example
  - id: {WEB}
    name: prod-web
    environment: production
    owner: web-team@contoso.example
  - id: {DEV}
    name: dev-apps
    environment: non-production
    owner: dev-team@contoso.example
  - id: {VWAN}
    name: contoso-vwan
    tenant: {HOME}
    environment: production
    owner: network-team@contoso.example
  - id: {DATA}
    name: prod-data
    environment: production
    owner: data-team@contoso.example
  - id: {MANAGEMENT}
    name: contoso-management
    tenant: {HOME}
    environment: production
    owner: platform-team@contoso.example
  - id: {RETAIL_POS}
    name: retail-pos
    tenant: {RETAIL}          # wrong on purpose: it moved into Contoso's directory (tenant-mismatch)
    # no environment, on purpose: it counts as production, and `inventory check` warns
    owner: retail-it@contoso.example
  - id: {MISSING}
    name: prod-archive
    tenant: {HOME}
    environment: production   # does not exist any more (missing-declared)
    owner: records@contoso.example

expressroute_circuits:
  - id: /subscriptions/{CONNECTIVITY}/resourceGroups/rg-connectivity/providers/Microsoft.Network/expressRouteCircuits/er-ams
    provider: Equinix
  - id: /subscriptions/{FAB_PAYMENTS}/resourceGroups/rg-fab-connectivity/providers/Microsoft.Network/expressRouteCircuits/er-fab-lon
    provider: Fabrikam (Global Reach peer)
  # er-fra-backup is deliberately not declared: undeclared-circuit

sites:
  - name: amsterdam-dc
    gateway_ips: [203.0.113.10]
    address_prefixes: [10.200.0.0/16, 10.201.0.0/16]
  - name: berlin-office
    gateway_ips: [203.0.113.20]
    address_prefixes: [10.210.0.0/16]
  # lng-contractor-lab (198.51.100.77) is deliberately not covered: undeclared-site

approved_exposures:
  - resource: /subscriptions/{WEB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01
    ports: [8443]
    protocol: tcp
    reason: storefront behind lb-web
    ticket: CHG-1042
    expires: 2027-06-30
  - resource: /subscriptions/{WEB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-02
    ports: [8443]
    protocol: tcp
    reason: storefront behind lb-web
    ticket: CHG-1042
    expires: 2027-06-30
  - resource: /subscriptions/{WEB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01
    ports: ["3389"]
    protocol: tcp
    reason: migration window
    ticket: CHG-0977
    expires: 2025-06-30       # expired: expired-approval, and 3389 is reported again

accepted:
  - kind: unknown-tenant
    subject: alias:{VENDOR_ALIAS}
    reason: Tailspin market data SaaS, reviewed by security architecture
    expires: 2027-03-31
"""

N = "Microsoft.Network"


def _vm_id(sub: str, rg: str, name: str) -> str:
    return res_id(sub, rg, "Microsoft.Compute/virtualMachines", name)


def _nid(sub: str, rg: str, kind: str, name: str) -> str:
    return res_id(sub, rg, f"{N}/{kind}", name)


class Estate:
    """Accumulates resources; helpers add one resource each and return its id."""

    def __init__(self) -> None:
        self.resources: list[Json] = []

    def add(self, item: Json) -> str:
        self.resources.append(item)
        return str(item["id"])

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
        vid = _nid(sub, rg, "virtualNetworks", name)
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
        nid = _nid(sub, rg, "networkSecurityGroups", name)
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
        pid = _nid(sub, rg, "publicIPAddresses", name)
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
        nid = _nid(sub, rg, "networkInterfaces", name)
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
        vid = _vm_id(sub, rg, name)
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


def _sample_resources() -> list[Json]:
    e = Estate()

    # ================= contoso-connectivity: the hub =================
    s, rg = CONNECTIVITY, "rg-connectivity"
    hub = _nid(s, rg, "virtualNetworks", "vnet-hub-weu")
    payments_vnet = _nid(PAYMENTS, "rg-network", "virtualNetworks", "vnet-payments")
    web_vnet = _nid(WEB, "rg-network", "virtualNetworks", "vnet-web")
    fw = _nid(s, rg, "azureFirewalls", "azfw-hub")
    fw_policy = _nid(s, rg, "firewallPolicies", "afwp-hub")
    base_policy = _nid(s, rg, "firewallPolicies", "afwp-base")
    ip_group = _nid(s, rg, "ipGroups", "ipg-partner-offices")
    bastion = _nid(s, rg, "bastionHosts", "bas-hub")
    vpngw = _nid(s, rg, "virtualNetworkGateways", "vpngw-hub")
    ergw = _nid(s, rg, "virtualNetworkGateways", "ergw-hub")
    er_ams = _nid(s, rg, "expressRouteCircuits", "er-ams")
    er_fra = _nid(s, rg, "expressRouteCircuits", "er-fra-backup")
    lng_ams = _nid(s, rg, "localNetworkGateways", "lng-amsterdam-dc")
    lng_lab = _nid(s, rg, "localNetworkGateways", "lng-contractor-lab")
    litware_gw = _nid(LITWARE_SUB, "rg-litware-net", "virtualNetworkGateways", "vgw-litware-weu")
    fab_circuit = _nid(FAB_PAYMENTS, "rg-fab-connectivity", "expressRouteCircuits", "er-fab-lon")
    cn_data_er = _nid(DATA, "rg-data-net", "connections", "cn-data-er-ams")

    e.vnet(
        s,
        rg,
        "vnet-hub-weu",
        "10.0.0.0/16",
        [
            ("AzureFirewallSubnet", "10.0.0.0/26", None, None),
            ("AzureBastionSubnet", "10.0.1.0/26", None, None),
            ("GatewaySubnet", "10.0.2.0/27", None, None),
            ("snet-shared", "10.0.3.0/24", None, None),
        ],
        peerings=[
            Estate.peering(
                "peer-hub-to-payments", payments_vnet, ["10.1.0.0/16"], allow_gateway_transit=True
            ),
            Estate.peering(
                "peer-hub-to-web", web_vnet, ["10.2.0.0/16"], allow_gateway_transit=True
            ),
        ],
        tags={"role": "hub"},
    )
    pip_fw = e.public_ip(
        s, rg, "pip-azfw-hub", "20.61.10.4", attached_to=f"{fw}/ipConfigurations/ipconfig-fw"
    )
    e.add(
        resource(
            fw,
            f"{N}/azureFirewalls",
            WEU,
            {
                "applicationRuleCollections": [],
                "firewallPolicy": ref(fw_policy),
                "ipConfigurations": [
                    {
                        "name": "ipconfig-fw",
                        "id": f"{fw}/ipConfigurations/ipconfig-fw",
                        "etag": etag(f"{fw}/ipConfigurations/ipconfig-fw"),
                        "type": f"{N}/azureFirewalls/azureFirewallIpConfigurations",
                        "properties": {
                            "privateIPAddress": "10.0.0.4",
                            "provisioningState": "Succeeded",
                            "publicIPAddress": ref(pip_fw),
                            "subnet": ref(f"{hub}/subnets/AzureFirewallSubnet"),
                        },
                    }
                ],
                "natRuleCollections": [],
                "networkRuleCollections": [],
                "sku": {"name": "AZFW_VNet", "tier": "Standard"},
                "threatIntelMode": "Alert",
            },
            zones=["1", "2", "3"],
        )
    )
    e.add(
        resource(
            ip_group,
            f"{N}/ipGroups",
            WEU,
            {
                "firewallPolicies": [ref(fw_policy)],
                "firewalls": [],
                "ipAddresses": ["198.51.100.0/24", "192.0.2.0/27"],
            },
        )
    )
    dnat_group = f"{fw_policy}/ruleCollectionGroups/DefaultDnatRuleCollectionGroup"
    net_group = f"{fw_policy}/ruleCollectionGroups/NetworkRuleCollectionGroup"
    base_group = f"{base_policy}/ruleCollectionGroups/PlatformBaseline"
    e.add(
        resource(
            fw_policy,
            f"{N}/firewallPolicies",
            WEU,
            {
                "basePolicy": ref(base_policy),
                "childPolicies": [],
                "dnsSettings": {"enableProxy": True, "servers": []},
                "firewalls": [ref(fw)],
                "ruleCollectionGroups": [
                    {
                        "name": "DefaultDnatRuleCollectionGroup",
                        "id": dnat_group,
                        "etag": etag(dnat_group),
                        "type": f"{N}/FirewallPolicies/RuleCollectionGroups",
                        "properties": {
                            "priority": 100,
                            "provisioningState": "Succeeded",
                            "ruleCollections": [
                                {
                                    "ruleCollectionType": "FirewallPolicyNatRuleCollection",
                                    "name": "dnat-inbound",
                                    "priority": 100,
                                    "action": {"type": "DNAT"},
                                    "rules": [
                                        {
                                            "ruleType": "NatRule",
                                            "name": "dnat-rdp-pay-app-01",
                                            "description": "temporary vendor access, ticket INC-2231",
                                            "ipProtocols": ["TCP"],
                                            "sourceAddresses": ["*"],
                                            "sourceIpGroups": [],
                                            "destinationAddresses": ["20.61.10.4"],
                                            "destinationPorts": ["3389"],
                                            "translatedAddress": "10.1.1.4",
                                            "translatedPort": "3389",
                                        },
                                        {
                                            "ruleType": "NatRule",
                                            "name": "dnat-ssh-jump-partners",
                                            "ipProtocols": ["TCP"],
                                            "sourceAddresses": [],
                                            "sourceIpGroups": [ip_group],
                                            "destinationAddresses": ["20.61.10.4"],
                                            "destinationPorts": ["2222"],
                                            "translatedAddress": "10.1.2.4",
                                            "translatedPort": "22",
                                        },
                                    ],
                                }
                            ],
                        },
                    },
                    {
                        "name": "NetworkRuleCollectionGroup",
                        "id": net_group,
                        "etag": etag(net_group),
                        "type": f"{N}/FirewallPolicies/RuleCollectionGroups",
                        "properties": {
                            "priority": 200,
                            "provisioningState": "Succeeded",
                            "ruleCollections": [
                                {
                                    "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
                                    "name": "spoke-to-spoke",
                                    "priority": 200,
                                    "action": {"type": "Allow"},
                                    "rules": [
                                        {
                                            "ruleType": "NetworkRule",
                                            "name": "web-to-payments-api",
                                            "ipProtocols": ["TCP"],
                                            "sourceAddresses": ["10.2.0.0/16"],
                                            "sourceIpGroups": [],
                                            "destinationAddresses": ["10.1.1.0/24"],
                                            "destinationIpGroups": [],
                                            "destinationFqdns": [],
                                            "destinationPorts": ["443"],
                                        }
                                    ],
                                }
                            ],
                        },
                    },
                ],
                "sku": {"tier": "Standard"},
                "threatIntelMode": "Alert",
            },
        )
    )
    e.add(
        resource(
            base_policy,
            f"{N}/firewallPolicies",
            WEU,
            {
                "childPolicies": [ref(fw_policy)],
                "firewalls": [],
                "ruleCollectionGroups": [
                    {
                        "name": "PlatformBaseline",
                        "id": base_group,
                        "etag": etag(base_group),
                        "type": f"{N}/FirewallPolicies/RuleCollectionGroups",
                        "properties": {
                            "priority": 300,
                            "provisioningState": "Succeeded",
                            "ruleCollections": [
                                {
                                    "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
                                    "name": "dns",
                                    "priority": 300,
                                    "action": {"type": "Allow"},
                                    "rules": [
                                        {
                                            "ruleType": "NetworkRule",
                                            "name": "allow-dns",
                                            "ipProtocols": ["UDP", "TCP"],
                                            "sourceAddresses": ["10.0.0.0/8"],
                                            "sourceIpGroups": [],
                                            "destinationAddresses": ["10.0.3.4"],
                                            "destinationIpGroups": [],
                                            "destinationFqdns": [],
                                            "destinationPorts": ["53"],
                                        }
                                    ],
                                }
                            ],
                        },
                    }
                ],
                "sku": {"tier": "Standard"},
                "threatIntelMode": "Alert",
            },
        )
    )
    pip_bas = e.public_ip(
        s,
        rg,
        "pip-bas-hub",
        "20.61.10.5",
        attached_to=f"{bastion}/bastionHostIpConfigurations/IpConf",
    )
    e.add(
        resource(
            bastion,
            f"{N}/bastionHosts",
            WEU,
            {
                "disableCopyPaste": False,
                "dnsName": "bst-5b7d9a3c-0000-4000-8000-00000000b001.bastion.azure.com",
                "enableIpConnect": False,
                "enableKerberos": False,
                "enableShareableLink": False,
                "enableTunneling": True,
                "ipConfigurations": [
                    {
                        "name": "IpConf",
                        "id": f"{bastion}/bastionHostIpConfigurations/IpConf",
                        "etag": etag(f"{bastion}/bastionHostIpConfigurations/IpConf"),
                        "type": f"{N}/bastionHosts/bastionHostIpConfigurations",
                        "properties": {
                            "privateIPAllocationMethod": "Dynamic",
                            "provisioningState": "Succeeded",
                            "publicIPAddress": ref(pip_bas),
                            "subnet": ref(f"{hub}/subnets/AzureBastionSubnet"),
                        },
                    }
                ],
                "scaleUnits": 2,
            },
            sku={"name": "Standard"},
        )
    )
    pip_vpn = e.public_ip(
        s, rg, "pip-vpngw-hub", "20.61.10.6", attached_to=f"{vpngw}/ipConfigurations/default"
    )
    for gw, gtype, sku_name, pip in (
        (vpngw, "Vpn", "VpnGw2AZ", pip_vpn),
        (ergw, "ExpressRoute", "ErGw1AZ", None),
    ):
        ipc: Json = {
            "privateIPAllocationMethod": "Dynamic",
            "provisioningState": "Succeeded",
            "subnet": ref(f"{hub}/subnets/GatewaySubnet"),
        }
        if pip:
            ipc["publicIPAddress"] = ref(pip)
        props: Json = {
            "activeActive": False,
            "allowRemoteVnetTraffic": False,
            "allowVirtualWanTraffic": False,
            "disableIPSecReplayProtection": False,
            "enableBgp": False,
            "enablePrivateIpAddress": False,
            "gatewayType": gtype,
            "ipConfigurations": [
                {
                    "name": "default",
                    "id": f"{gw}/ipConfigurations/default",
                    "etag": etag(f"{gw}/ipConfigurations/default"),
                    "properties": ipc,
                }
            ],
            "natRules": [],
            "resourceGuid": stable_guid("guid", gw),
            "sku": {"name": sku_name, "tier": sku_name, "capacity": 2},
        }
        if gtype == "Vpn":
            props["bgpSettings"] = {"asn": 65515, "bgpPeeringAddress": "10.0.2.30", "peerWeight": 0}
            props["vpnType"] = "RouteBased"
            props["vpnGatewayGeneration"] = "Generation2"
        e.add(resource(gw, f"{N}/virtualNetworkGateways", WEU, props))
    for lng, address, prefixes in (
        (lng_ams, "203.0.113.10", ["10.200.0.0/16", "10.201.0.0/16"]),
        (lng_lab, "198.51.100.77", ["192.168.50.0/24"]),
    ):
        e.add(
            resource(
                lng,
                f"{N}/localNetworkGateways",
                WEU,
                {
                    "gatewayIpAddress": address,
                    "localNetworkAddressSpace": {"addressPrefixes": prefixes},
                    "resourceGuid": stable_guid("guid", lng),
                },
            )
        )

    def connection(sub: str, crg: str, name: str, ctype: str, gateway: str, **extra: Any) -> None:
        cid = _nid(sub, crg, "connections", name)
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
        e.add(resource(cid, f"{N}/connections", WEU, props))

    connection(
        s,
        rg,
        "cn-hub-amsterdam-dc",
        "IPsec",
        vpngw,
        localNetworkGateway2={"id": lng_ams, "properties": {}},
        sharedKey="Ams-DC!vpn#2024-Kq7rT9w",
    )
    connection(
        s,
        rg,
        "cn-hub-contractor-lab",
        "IPsec",
        vpngw,
        localNetworkGateway2={"id": lng_lab, "properties": {}},
        sharedKey="labtest123",
    )
    connection(
        s,
        rg,
        "cn-hub-litware",
        "Vnet2Vnet",
        vpngw,
        virtualNetworkGateway2={"id": litware_gw, "properties": {}},
        sharedKey="L1tw@re-Sh4red-K3y",
    )
    connection(s, rg, "cn-hub-er-ams", "ExpressRoute", ergw, peer=ref(er_ams))

    peering_id = f"{er_ams}/peerings/AzurePrivatePeering"
    gr_id = f"{peering_id}/connections/gr-to-fabrikam-lon"
    e.add(
        resource(
            er_ams,
            f"{N}/expressRouteCircuits",
            WEU,
            {
                "allowClassicOperations": False,
                "authorizations": [
                    child(
                        er_ams,
                        "authorizations",
                        "auth-prod-data",
                        f"{N}/expressRouteCircuits/authorizations",
                        authorizationKey="b7e4c1d2-6f3a-4e8b-9c0d-2a1f5e6b7c8d",
                        authorizationUseStatus="InUse",
                        connectionResourceUri=cn_data_er,
                    ),
                ],
                "circuitProvisioningState": "Enabled",
                "gatewayManagerEtag": "",
                "globalReachEnabled": False,
                "peerings": [
                    {
                        "name": "AzurePrivatePeering",
                        "id": peering_id,
                        "etag": etag(peering_id),
                        "type": f"{N}/expressRouteCircuits/peerings",
                        "properties": {
                            "azureASN": 12076,
                            "connections": [
                                {
                                    "name": "gr-to-fabrikam-lon",
                                    "id": gr_id,
                                    "etag": etag(gr_id),
                                    "type": f"{N}/expressRouteCircuits/peerings/connections",
                                    "properties": {
                                        "addressPrefix": "192.168.200.0/29",
                                        "authorizationKey": "3f9a6c2e-1b4d-4e7f-8a9b-0c1d2e3f4a5b",
                                        "circuitConnectionStatus": "Connected",
                                        "expressRouteCircuitPeering": ref(peering_id),
                                        "peerExpressRouteCircuitPeering": ref(
                                            f"{fab_circuit}/peerings/AzurePrivatePeering"
                                        ),
                                        "provisioningState": "Succeeded",
                                    },
                                }
                            ],
                            "gatewayManagerEtag": "",
                            "lastModifiedBy": "Customer",
                            "peerASN": 65020,
                            "peeredConnections": [],
                            "peeringType": "AzurePrivatePeering",
                            "primaryAzurePort": "EquinixAMS-ER-1",
                            "primaryPeerAddressPrefix": "192.168.100.0/30",
                            "provisioningState": "Succeeded",
                            "secondaryAzurePort": "EquinixAMS-ER-2",
                            "secondaryPeerAddressPrefix": "192.168.100.4/30",
                            "state": "Enabled",
                            "vlanId": 100,
                        },
                    }
                ],
                "serviceKey": "a1410692-5d3c-4ceb-b94a-b90b94d398d1",
                "serviceProviderProperties": {
                    "bandwidthInMbps": 1000,
                    "peeringLocation": "Amsterdam",
                    "serviceProviderName": "Equinix",
                },
                "serviceProviderProvisioningState": "Provisioned",
            },
            sku={"name": "Premium_MeteredData", "tier": "Premium", "family": "MeteredData"},
        )
    )
    e.add(
        resource(
            er_fra,
            f"{N}/expressRouteCircuits",
            "germanywestcentral",
            {
                "allowClassicOperations": False,
                "authorizations": [],
                "circuitProvisioningState": "Enabled",
                "gatewayManagerEtag": "",
                "globalReachEnabled": False,
                "peerings": [],
                "serviceKey": "c9d8e7f6-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
                "serviceProviderProperties": {
                    "bandwidthInMbps": 200,
                    "peeringLocation": "Frankfurt",
                    "serviceProviderName": "Colt",
                },
                "serviceProviderProvisioningState": "Provisioned",
            },
            sku={"name": "Standard_MeteredData", "tier": "Standard", "family": "MeteredData"},
            tags={"createdBy": "network-team-poc"},
        )
    )

    # ================= prod-payments: spoke, jump host, DNAT target, partner links =================
    s, rg = PAYMENTS, "rg-network"
    app_rg = "rg-payments-app"
    nsg_app = e.nsg(
        s,
        rg,
        "nsg-payments-app",
        [
            dict(
                name="allow-rdp-from-hub-firewall",
                priority=120,
                source="10.0.0.0/26",
                ports="3389",
                description="RDP through the hub firewall",
            ),
            dict(name="allow-https-from-web", priority=130, source="10.2.0.0/16", ports="443"),
        ],
    )
    nsg_jump = e.nsg(
        s,
        rg,
        "nsg-jump",
        [
            dict(
                name="allow-ssh-internet",
                priority=100,
                source="Internet",
                ports="22",
                description="temporary: vendor support",
            ),
        ],
    )
    fab_vnet = _nid(FAB_PAYMENTS, "rg-fab-net", "virtualNetworks", "vnet-fab-settlement")
    e.vnet(
        s,
        rg,
        "vnet-payments",
        "10.1.0.0/16",
        [
            ("snet-app", "10.1.1.0/24", nsg_app, None),
            ("snet-mgmt", "10.1.2.0/24", None, None),
            ("snet-pe", "10.1.3.0/24", None, None),
        ],
        peerings=[
            Estate.peering("peer-payments-to-hub", hub, ["10.0.0.0/16"], use_remote_gateways=True),
            Estate.peering("peer-payments-to-fabrikam-settlement", fab_vnet, ["172.20.0.0/16"]),
        ],
    )
    jump_vm = _vm_id(s, app_rg, "jump-01")
    jump_nic = _nid(s, app_rg, "networkInterfaces", "nic-jump-01")
    pip_jump = e.public_ip(
        s,
        app_rg,
        "pip-jump-01",
        "20.61.20.10",
        attached_to=f"{jump_nic}/ipConfigurations/ipconfig1",
    )
    e.nic(
        s,
        app_rg,
        "nic-jump-01",
        [
            dict(
                name="ipconfig1",
                ip="10.1.2.4",
                subnet=f"{payments_vnet}/subnets/snet-mgmt",
                pip=pip_jump,
            )
        ],
        vm=jump_vm,
        nsg=nsg_jump,
    )
    e.vm(s, app_rg, "jump-01", [jump_nic])
    pay_vm = _vm_id(s, app_rg, "pay-app-01")
    pay_nic = e.nic(
        s,
        app_rg,
        "nic-pay-app-01",
        [
            dict(
                name="ipconfig1",
                ip="10.1.1.4",
                static=True,
                subnet=f"{payments_vnet}/subnets/snet-app",
            )
        ],
        vm=pay_vm,
    )
    e.vm(s, app_rg, "pay-app-01", [pay_nic], os="Windows")

    storage = res_id(s, app_rg, "Microsoft.Storage/storageAccounts", "stpaymentsprod")
    pe_blob = _nid(s, app_rg, "privateEndpoints", "pe-stpaymentsprod-blob")
    fab_pe = _nid(FAB_PAYMENTS, "rg-fab-settlement", "privateEndpoints", "pe-contoso-payments-blob")
    fab_storage = res_id(
        FAB_PAYMENTS, "rg-fab-settlement", "Microsoft.Storage/storageAccounts", "stfabsettlement"
    )
    e.add(
        resource(
            storage,
            "Microsoft.Storage/storageAccounts",
            WEU,
            {
                "accessTier": "Hot",
                "allowBlobPublicAccess": False,
                "creationTime": "2024-03-11T09:12:44.1234567Z",
                "encryption": {
                    "keySource": "Microsoft.Storage",
                    "services": {"blob": {"enabled": True, "keyType": "Account"}},
                },
                "minimumTlsVersion": "TLS1_2",
                "networkAcls": {
                    "bypass": "AzureServices",
                    "defaultAction": "Deny",
                    "ipRules": [],
                    "virtualNetworkRules": [],
                },
                "primaryEndpoints": {"blob": "https://stpaymentsprod.blob.core.windows.net/"},
                "privateEndpointConnections": [
                    _paas_pe_conn(
                        storage,
                        "Microsoft.Storage/storageAccounts",
                        "pe-stpaymentsprod-blob",
                        pe_blob,
                        "Approved",
                        "Auto-Approved",
                    ),
                    _paas_pe_conn(
                        storage,
                        "Microsoft.Storage/storageAccounts",
                        "pe-contoso-payments-blob.fab",
                        fab_pe,
                        "Approved",
                        "Fabrikam settlement reads payment files",
                    ),
                ],
                "publicNetworkAccess": "Disabled",
                "supportsHttpsTrafficOnly": True,
            },
            sku={"name": "Standard_ZRS", "tier": "Standard"},
            kind="StorageV2",
            with_etag=False,
        )
    )
    _private_endpoint(
        e,
        s,
        app_rg,
        "pe-stpaymentsprod-blob",
        f"{payments_vnet}/subnets/snet-pe",
        "10.1.3.4",
        storage,
        "blob",
        manual=False,
    )
    _private_endpoint(
        e,
        s,
        app_rg,
        "pe-fabrikam-settlement",
        f"{payments_vnet}/subnets/snet-pe",
        "10.1.3.5",
        fab_storage,
        "blob",
        manual=True,
        status="Approved",
        request="Contoso payments: settlement file drop",
    )

    # ================= prod-web: load balancer, application gateway =================
    s, rg = WEB, "rg-network"
    web_rg = "rg-web"
    nsg_web = e.nsg(
        s,
        rg,
        "nsg-web",
        [
            dict(name="allow-lb-https-backend", priority=100, source="Internet", ports="8443"),
            dict(
                name="allow-rdp-admins",
                priority=110,
                source="*",
                ports="3389",
                description="opened during migration",
            ),
            dict(
                name="deny-smb-internet",
                priority=90,
                access="Deny",
                source="Internet",
                ports=["139", "445"],
            ),
        ],
    )
    nsg_agw = e.nsg(
        s,
        rg,
        "nsg-appgw",
        [
            dict(
                name="allow-gateway-manager",
                priority=100,
                source="GatewayManager",
                ports="65200-65535",
            ),
            dict(name="allow-web-internet", priority=110, source="Internet", ports=["80", "443"]),
        ],
    )
    e.vnet(
        s,
        rg,
        "vnet-web",
        "10.2.0.0/16",
        [("snet-appgw", "10.2.0.0/24", nsg_agw, None), ("snet-web", "10.2.1.0/24", nsg_web, None)],
        peerings=[
            Estate.peering("peer-web-to-hub", hub, ["10.0.0.0/16"], use_remote_gateways=True)
        ],
    )
    lb = _nid(s, web_rg, "loadBalancers", "lb-web")
    fe = f"{lb}/frontendIPConfigurations/fe-web"
    pool = f"{lb}/backendAddressPools/be-web"
    lb_rule = f"{lb}/loadBalancingRules/lbr-https"
    nat_rule = f"{lb}/inboundNatRules/nat-rdp-web-01"
    probe = f"{lb}/probes/probe-8443"
    pip_lb = e.public_ip(
        s, web_rg, "pip-lb-web", "20.61.30.6", attached_to=fe, fqdn_label="contoso-web"
    )
    web_nics = []
    for index, name in enumerate(("web-01", "web-02")):
        vm_id = _vm_id(s, web_rg, name)
        nic_id = _nid(s, web_rg, "networkInterfaces", f"nic-{name}")
        web_nics.append(f"{nic_id}/ipConfigurations/ipconfig1")
        e.nic(
            s,
            web_rg,
            f"nic-{name}",
            [
                dict(
                    name="ipconfig1",
                    ip=f"10.2.1.{4 + index}",
                    subnet=f"{web_vnet}/subnets/snet-web",
                    pools=[pool],
                    nat_rules=[nat_rule] if index == 0 else None,
                )
            ],
            vm=vm_id,
        )
        e.vm(s, web_rg, name, [nic_id], os="Windows")
    e.add(
        resource(
            lb,
            f"{N}/loadBalancers",
            WEU,
            {
                "backendAddressPools": [
                    child(
                        lb,
                        "backendAddressPools",
                        "be-web",
                        f"{N}/loadBalancers/backendAddressPools",
                        backendIPConfigurations=[ref(x) for x in web_nics],
                        loadBalancingRules=[ref(lb_rule)],
                    ),
                ],
                "frontendIPConfigurations": [
                    child(
                        lb,
                        "frontendIPConfigurations",
                        "fe-web",
                        f"{N}/loadBalancers/frontendIPConfigurations",
                        inboundNatRules=[ref(nat_rule)],
                        loadBalancingRules=[ref(lb_rule)],
                        privateIPAllocationMethod="Dynamic",
                        publicIPAddress=ref(pip_lb),
                    ),
                ],
                "inboundNatPools": [],
                "inboundNatRules": [
                    child(
                        lb,
                        "inboundNatRules",
                        "nat-rdp-web-01",
                        f"{N}/loadBalancers/inboundNatRules",
                        backendIPConfiguration=ref(web_nics[0]),
                        backendPort=3389,
                        enableFloatingIP=False,
                        enableTcpReset=False,
                        frontendIPConfiguration=ref(fe),
                        frontendPort=50001,
                        idleTimeoutInMinutes=4,
                        protocol="Tcp",
                    ),
                ],
                "loadBalancingRules": [
                    child(
                        lb,
                        "loadBalancingRules",
                        "lbr-https",
                        f"{N}/loadBalancers/loadBalancingRules",
                        backendAddressPool=ref(pool),
                        backendAddressPools=[ref(pool)],
                        backendPort=8443,
                        disableOutboundSnat=True,
                        enableFloatingIP=False,
                        enableTcpReset=True,
                        frontendIPConfiguration=ref(fe),
                        frontendPort=443,
                        idleTimeoutInMinutes=4,
                        loadDistribution="Default",
                        probe=ref(probe),
                        protocol="Tcp",
                    ),
                ],
                "outboundRules": [],
                "probes": [
                    child(
                        lb,
                        "probes",
                        "probe-8443",
                        f"{N}/loadBalancers/probes",
                        intervalInSeconds=5,
                        loadBalancingRules=[ref(lb_rule)],
                        numberOfProbes=1,
                        port=8443,
                        probeThreshold=1,
                        protocol="Tcp",
                    ),
                ],
                "resourceGuid": stable_guid("guid", lb),
            },
            sku={"name": "Standard", "tier": "Regional"},
        )
    )
    agw = _nid(s, web_rg, "applicationGateways", "agw-web")
    pip_agw = e.public_ip(
        s,
        web_rg,
        "pip-agw-web",
        "20.61.30.5",
        attached_to=f"{agw}/frontendIPConfigurations/appGwPublicFrontendIp",
    )
    agw_fip = f"{agw}/frontendIPConfigurations/appGwPublicFrontendIp"
    e.add(
        resource(
            agw,
            f"{N}/applicationGateways",
            WEU,
            {
                "authenticationCertificates": [],
                "backendAddressPools": [
                    child(
                        agw,
                        "backendAddressPools",
                        "pool-web",
                        f"{N}/applicationGateways/backendAddressPools",
                        backendAddresses=[{"ipAddress": "10.2.1.4"}, {"ipAddress": "10.2.1.5"}],
                    ),
                ],
                "backendHttpSettingsCollection": [
                    child(
                        agw,
                        "backendHttpSettingsCollection",
                        "https-8443",
                        f"{N}/applicationGateways/backendHttpSettingsCollection",
                        cookieBasedAffinity="Disabled",
                        pickHostNameFromBackendAddress=False,
                        port=8443,
                        protocol="Https",
                        requestTimeout=30,
                    ),
                ],
                "enableHttp2": True,
                "frontendIPConfigurations": [
                    child(
                        agw,
                        "frontendIPConfigurations",
                        "appGwPublicFrontendIp",
                        f"{N}/applicationGateways/frontendIPConfigurations",
                        privateIPAllocationMethod="Dynamic",
                        publicIPAddress=ref(pip_agw),
                    ),
                ],
                "frontendPorts": [
                    child(
                        agw,
                        "frontendPorts",
                        "port_443",
                        f"{N}/applicationGateways/frontendPorts",
                        port=443,
                    ),
                    child(
                        agw,
                        "frontendPorts",
                        "port_80",
                        f"{N}/applicationGateways/frontendPorts",
                        port=80,
                    ),
                ],
                "gatewayIPConfigurations": [
                    child(
                        agw,
                        "gatewayIPConfigurations",
                        "appGatewayIpConfig",
                        f"{N}/applicationGateways/gatewayIPConfigurations",
                        subnet=ref(f"{web_vnet}/subnets/snet-appgw"),
                    ),
                ],
                "httpListeners": [
                    child(
                        agw,
                        "httpListeners",
                        "listener-https",
                        f"{N}/applicationGateways/httpListeners",
                        frontendIPConfiguration=ref(agw_fip),
                        frontendPort=ref(f"{agw}/frontendPorts/port_443"),
                        hostNames=[],
                        protocol="Https",
                        requireServerNameIndication=False,
                        sslCertificate=ref(f"{agw}/sslCertificates/cert-contoso-web"),
                    ),
                    child(
                        agw,
                        "httpListeners",
                        "listener-http",
                        f"{N}/applicationGateways/httpListeners",
                        frontendIPConfiguration=ref(agw_fip),
                        frontendPort=ref(f"{agw}/frontendPorts/port_80"),
                        hostNames=[],
                        protocol="Http",
                        requireServerNameIndication=False,
                    ),
                ],
                "operationalState": "Running",
                "probes": [],
                "redirectConfigurations": [],
                "requestRoutingRules": [
                    child(
                        agw,
                        "requestRoutingRules",
                        "rule-https",
                        f"{N}/applicationGateways/requestRoutingRules",
                        backendAddressPool=ref(f"{agw}/backendAddressPools/pool-web"),
                        backendHttpSettings=ref(f"{agw}/backendHttpSettingsCollection/https-8443"),
                        httpListener=ref(f"{agw}/httpListeners/listener-https"),
                        priority=100,
                        ruleType="Basic",
                    ),
                    child(
                        agw,
                        "requestRoutingRules",
                        "rule-http",
                        f"{N}/applicationGateways/requestRoutingRules",
                        backendAddressPool=ref(f"{agw}/backendAddressPools/pool-web"),
                        backendHttpSettings=ref(f"{agw}/backendHttpSettingsCollection/https-8443"),
                        httpListener=ref(f"{agw}/httpListeners/listener-http"),
                        priority=110,
                        ruleType="Basic",
                    ),
                ],
                "resourceGuid": stable_guid("guid", agw),
                "rewriteRuleSets": [],
                "sku": {
                    "capacity": 2,
                    "family": "Generation_1",
                    "name": "Standard_v2",
                    "tier": "Standard_v2",
                },
                "sslCertificates": [
                    child(
                        agw,
                        "sslCertificates",
                        "cert-contoso-web",
                        f"{N}/applicationGateways/sslCertificates",
                        publicCertData="MIIDfTCCAmWgAwIBAgIQEXAMPLEONLYcontosoWebCert",
                    ),
                ],
                "trustedRootCertificates": [],
                "urlPathMaps": [],
            },
            zones=["1", "2", "3"],
        )
    )

    # a second gateway, WAF_v2 with a policy in Detection mode: exposed, with "waf": "detection"
    agw_api = _nid(s, web_rg, "applicationGateways", "agw-api")
    waf_policy = _nid(s, web_rg, "ApplicationGatewayWebApplicationFirewallPolicies", "wafp-api")
    agw_api_fip = f"{agw_api}/frontendIPConfigurations/appGwPublicFrontendIp"
    pip_agw_api = e.public_ip(s, web_rg, "pip-agw-api", "20.61.30.7", attached_to=agw_api_fip)
    e.add(
        resource(
            waf_policy,
            f"{N}/ApplicationGatewayWebApplicationFirewallPolicies",
            WEU,
            {
                "applicationGateways": [ref(agw_api)],
                "customRules": [],
                "managedRules": {
                    "exclusions": [],
                    "managedRuleSets": [
                        {"ruleGroupOverrides": [], "ruleSetType": "OWASP", "ruleSetVersion": "3.2"}
                    ],
                },
                "policySettings": {
                    "fileUploadLimitInMb": 100,
                    "maxRequestBodySizeInKb": 128,
                    "mode": "Detection",
                    "requestBodyCheck": True,
                    "state": "Enabled",
                },
                "resourceState": "Enabled",
            },
        )
    )
    e.add(
        resource(
            agw_api,
            f"{N}/applicationGateways",
            WEU,
            {
                "backendAddressPools": [
                    child(
                        agw_api,
                        "backendAddressPools",
                        "pool-api",
                        f"{N}/applicationGateways/backendAddressPools",
                        backendAddresses=[{"ipAddress": "10.2.1.5"}],
                    ),
                ],
                "backendHttpSettingsCollection": [
                    child(
                        agw_api,
                        "backendHttpSettingsCollection",
                        "https-8443",
                        f"{N}/applicationGateways/backendHttpSettingsCollection",
                        cookieBasedAffinity="Disabled",
                        port=8443,
                        protocol="Https",
                        requestTimeout=30,
                    ),
                ],
                "firewallPolicy": ref(waf_policy),
                "frontendIPConfigurations": [
                    child(
                        agw_api,
                        "frontendIPConfigurations",
                        "appGwPublicFrontendIp",
                        f"{N}/applicationGateways/frontendIPConfigurations",
                        privateIPAllocationMethod="Dynamic",
                        publicIPAddress=ref(pip_agw_api),
                    ),
                ],
                "frontendPorts": [
                    child(
                        agw_api,
                        "frontendPorts",
                        "port_443",
                        f"{N}/applicationGateways/frontendPorts",
                        port=443,
                    ),
                ],
                "gatewayIPConfigurations": [
                    child(
                        agw_api,
                        "gatewayIPConfigurations",
                        "appGatewayIpConfig",
                        f"{N}/applicationGateways/gatewayIPConfigurations",
                        subnet=ref(f"{web_vnet}/subnets/snet-appgw"),
                    ),
                ],
                "httpListeners": [
                    child(
                        agw_api,
                        "httpListeners",
                        "listener-https",
                        f"{N}/applicationGateways/httpListeners",
                        frontendIPConfiguration=ref(agw_api_fip),
                        frontendPort=ref(f"{agw_api}/frontendPorts/port_443"),
                        hostNames=["api.contoso.example"],
                        protocol="Https",
                        requireServerNameIndication=True,
                        sslCertificate=ref(f"{agw_api}/sslCertificates/cert-contoso-api"),
                    ),
                ],
                "operationalState": "Running",
                "requestRoutingRules": [
                    child(
                        agw_api,
                        "requestRoutingRules",
                        "rule-https",
                        f"{N}/applicationGateways/requestRoutingRules",
                        backendAddressPool=ref(f"{agw_api}/backendAddressPools/pool-api"),
                        backendHttpSettings=ref(
                            f"{agw_api}/backendHttpSettingsCollection/https-8443"
                        ),
                        httpListener=ref(f"{agw_api}/httpListeners/listener-https"),
                        priority=100,
                        ruleType="Basic",
                    ),
                ],
                "resourceGuid": stable_guid("guid", agw_api),
                "sku": {
                    "capacity": 2,
                    "family": "Generation_1",
                    "name": "WAF_v2",
                    "tier": "WAF_v2",
                },
                "sslCertificates": [
                    child(
                        agw_api,
                        "sslCertificates",
                        "cert-contoso-api",
                        f"{N}/applicationGateways/sslCertificates",
                        publicCertData="MIIDfTCCAmWgAwIBAgIQEXAMPLEONLYcontosoApiCert",
                    ),
                ],
            },
            zones=["1", "2", "3"],
        )
    )

    # ================= dev-apps: Basic IP, shadowed deny, route None =================
    s, rg = DEV, "rg-dev"
    dev_vnet = _nid(s, rg, "virtualNetworks", "vnet-dev")
    asg_api = _nid(s, rg, "applicationSecurityGroups", "asg-dev-api")
    e.add(
        resource(
            asg_api,
            f"{N}/applicationSecurityGroups",
            WEU,
            {"resourceGuid": stable_guid("guid", asg_api)},
        )
    )
    nsg_dev = e.nsg(
        s,
        rg,
        "nsg-dev-apps",
        [
            dict(
                name="deny-from-corp-8000-8010",
                priority=140,
                access="Deny",
                source="10.0.0.0/8",
                ports="8000-8010",
                description="a deny from a private range shadows nothing from the internet",
            ),
            dict(
                name="deny-8080-internet",
                priority=150,
                access="Deny",
                source="Internet",
                ports="8080",
            ),
            dict(
                name="allow-dev-range",
                priority=200,
                source="Internet",
                ports=["8000-8100"],
                destination_asgs=[asg_api],
            ),
            dict(
                name="allow-ssh-office",
                priority=210,
                source=["198.51.100.0/24"],
                ports="22",
                description="office range only: a known source, not the internet",
            ),
        ],
    )
    rt = _nid(s, rg, "routeTables", "rt-dev-apps")
    e.add(
        resource(
            rt,
            f"{N}/routeTables",
            WEU,
            {
                "disableBgpRoutePropagation": True,
                "resourceGuid": stable_guid("guid", rt),
                "routes": [
                    child(
                        rt,
                        "routes",
                        "blackhole-default",
                        f"{N}/routeTables/routes",
                        addressPrefix="0.0.0.0/0",
                        hasBgpOverride=False,
                        nextHopType="None",
                    ),
                    child(
                        rt,
                        "routes",
                        "corp-via-nva",
                        f"{N}/routeTables/routes",
                        addressPrefix="10.0.0.0/8",
                        hasBgpOverride=False,
                        nextHopIpAddress="10.3.0.4",
                        nextHopType="VirtualAppliance",
                    ),
                ],
                "subnets": [ref(f"{dev_vnet}/subnets/snet-apps")],
            },
        )
    )
    e.vnet(
        s,
        rg,
        "vnet-dev",
        "10.3.0.0/16",
        [("snet-apps", "10.3.1.0/24", nsg_dev, rt), ("snet-legacy", "10.3.2.0/24", None, None)],
    )
    api_vm = _vm_id(s, rg, "dev-api-01")
    api_nic = _nid(s, rg, "networkInterfaces", "nic-dev-api-01")
    pip_api = e.public_ip(
        s,
        rg,
        "pip-dev-api-01",
        "20.61.40.8",
        attached_to=f"{api_nic}/ipConfigurations/ipconfig-public",
    )
    e.nic(
        s,
        rg,
        "nic-dev-api-01",
        [
            dict(name="ipconfig1", ip="10.3.1.4", subnet=f"{dev_vnet}/subnets/snet-apps"),
            dict(
                name="ipconfig-public",
                ip="10.3.1.5",
                subnet=f"{dev_vnet}/subnets/snet-apps",
                pip=pip_api,
                asgs=[asg_api],
            ),
        ],
        vm=api_vm,
    )
    e.vm(s, rg, "dev-api-01", [api_nic])
    legacy_vm = _vm_id(s, rg, "dev-legacy-01")
    legacy_nic = _nid(s, rg, "networkInterfaces", "nic-dev-legacy-01")
    pip_legacy = e.public_ip(
        s,
        rg,
        "pip-dev-legacy-01",
        "20.61.40.7",
        sku="Basic",
        attached_to=f"{legacy_nic}/ipConfigurations/ipconfig1",
    )
    e.nic(
        s,
        rg,
        "nic-dev-legacy-01",
        [
            dict(
                name="ipconfig1",
                ip="10.3.2.4",
                subnet=f"{dev_vnet}/subnets/snet-legacy",
                pip=pip_legacy,
            )
        ],
        vm=legacy_vm,
    )
    e.vm(s, rg, "dev-legacy-01", [legacy_nic], os="Windows", size="Standard_B2ms")

    # ================= contoso-vwan: Virtual WAN =================
    s, rg = VWAN, "rg-vwan"
    wan = _nid(s, rg, "virtualWans", "vwan-contoso")
    vhub = _nid(s, rg, "virtualHubs", "vhub-weu")
    vpn_site = _nid(s, rg, "vpnSites", "vpnsite-berlin")
    vpn_gw = _nid(s, rg, "vpnGateways", "vpngw-weu")
    er_gw = _nid(s, rg, "expressRouteGateways", "ergw-weu")
    shop_vnet = _nid(SHOP, "rg-shop", "virtualNetworks", "vnet-shop")
    e.add(
        resource(
            wan,
            f"{N}/virtualWans",
            WEU,
            {
                "allowBranchToBranchTraffic": True,
                "disableVpnEncryption": False,
                "type": "Standard",
                "virtualHubs": [ref(vhub)],
                "vpnSites": [ref(vpn_site)],
            },
        )
    )
    hub_conn = f"{vhub}/hubVirtualNetworkConnections/hvc-online-shop"
    default_rt = f"{vhub}/hubRouteTables/defaultRouteTable"
    e.add(
        resource(
            vhub,
            f"{N}/virtualHubs",
            WEU,
            {
                "addressPrefix": "10.100.0.0/23",
                "allowBranchToBranchTraffic": False,
                "expressRouteGateway": ref(er_gw),
                "hubRoutingPreference": "ExpressRoute",
                "hubVirtualNetworkConnections": [
                    {
                        "name": "hvc-online-shop",
                        "id": hub_conn,
                        "etag": etag(hub_conn),
                        "type": f"{N}/virtualHubs/hubVirtualNetworkConnections",
                        "properties": {
                            "allowHubToRemoteVnetTransit": True,
                            "allowRemoteVnetToUseHubVnetGateways": True,
                            "enableInternetSecurity": True,
                            "provisioningState": "Succeeded",
                            "remoteVirtualNetwork": ref(shop_vnet),
                            "routingConfiguration": {
                                "associatedRouteTable": ref(default_rt),
                                "propagatedRouteTables": {
                                    "ids": [ref(default_rt)],
                                    "labels": ["default"],
                                },
                                "vnetRoutes": {"staticRoutes": []},
                            },
                        },
                    }
                ],
                "preferredRoutingGateway": "ExpressRoute",
                "routingState": "Provisioned",
                "sku": "Standard",
                "virtualRouterAsn": 65515,
                "virtualRouterIps": ["10.100.0.68", "10.100.0.69"],
                "virtualWan": ref(wan),
                "vpnGateway": ref(vpn_gw),
            },
        )
    )
    site_link = f"{vpn_site}/vpnSiteLinks/link-berlin-dt"
    e.add(
        resource(
            vpn_site,
            f"{N}/vpnSites",
            WEU,
            {
                "addressSpace": {"addressPrefixes": ["10.210.0.0/16"]},
                "deviceProperties": {
                    "deviceModel": "FortiGate-100F",
                    "deviceVendor": "Fortinet",
                    "linkSpeedInMbps": 500,
                },
                "isSecuritySite": False,
                "virtualWan": ref(wan),
                "vpnSiteLinks": [
                    {
                        "name": "link-berlin-dt",
                        "id": site_link,
                        "etag": etag(site_link),
                        "type": f"{N}/vpnSites/vpnSiteLinks",
                        "properties": {
                            "ipAddress": "203.0.113.20",
                            "linkProperties": {
                                "linkProviderName": "Deutsche Telekom",
                                "linkSpeedInMbps": 500,
                            },
                            "provisioningState": "Succeeded",
                            "psk": "Berlin-Office-PSK-9f3e!",
                        },
                    }
                ],
            },
            tags={"site": "berlin-office"},
        )
    )
    vpn_conn = f"{vpn_gw}/vpnConnections/cn-berlin"
    link_conn = f"{vpn_conn}/vpnLinkConnections/link-berlin-dt"
    e.add(
        resource(
            vpn_gw,
            f"{N}/vpnGateways",
            WEU,
            {
                "bgpSettings": {"asn": 65515, "bgpPeeringAddress": "10.100.0.12", "peerWeight": 0},
                "connections": [
                    {
                        "name": "cn-berlin",
                        "id": vpn_conn,
                        "etag": etag(vpn_conn),
                        "type": f"{N}/vpnGateways/vpnConnections",
                        "properties": {
                            "connectionStatus": "Connected",
                            "enableInternetSecurity": False,
                            "provisioningState": "Succeeded",
                            "remoteVpnSite": ref(vpn_site),
                            "vpnLinkConnections": [
                                {
                                    "name": "link-berlin-dt",
                                    "id": link_conn,
                                    "etag": etag(link_conn),
                                    "type": f"{N}/vpnGateways/vpnConnections/vpnLinkConnections",
                                    "properties": {
                                        "connectionBandwidth": 100,
                                        "connectionStatus": "Connected",
                                        "enableBgp": False,
                                        "ipsecPolicies": [],
                                        "provisioningState": "Succeeded",
                                        "routingWeight": 0,
                                        "sharedKey": "Berlin-Office-PSK-9f3e!",
                                        "useLocalAzureIpAddress": False,
                                        "usePolicyBasedTrafficSelectors": False,
                                        "vpnConnectionProtocolType": "IKEv2",
                                        "vpnSiteLink": ref(site_link),
                                    },
                                }
                            ],
                        },
                    }
                ],
                "enableBgpRouteTranslationForNat": False,
                "isRoutingPreferenceInternet": False,
                "natRules": [],
                "virtualHub": ref(vhub),
                "vpnGatewayScaleUnit": 1,
            },
        )
    )
    er_conn = f"{er_gw}/expressRouteConnections/cn-er-ams"
    e.add(
        resource(
            er_gw,
            f"{N}/expressRouteGateways",
            WEU,
            {
                "allowNonVirtualWanTraffic": False,
                "autoScaleConfiguration": {"bounds": {"min": 1}},
                "expressRouteConnections": [
                    {
                        "name": "cn-er-ams",
                        "id": er_conn,
                        "properties": {
                            "enableInternetSecurity": False,
                            "expressRouteCircuitPeering": ref(peering_id),
                            "provisioningState": "Succeeded",
                            "routingWeight": 0,
                        },
                    }
                ],
                "virtualHub": ref(vhub),
            },
        )
    )

    # ================= online-shop: spoke of the virtual hub =================
    s, rg = SHOP, "rg-shop"
    nsg_shop = e.nsg(
        s, rg, "nsg-shop", [dict(name="allow-https", priority=100, source="*", ports="443")]
    )
    hv_vnet = (
        f"/subscriptions/{MS_HUB_SUB}/resourceGroups/RG_vhub-weu_{HUB_GUID}/providers/{N}/"
        f"virtualNetworks/HV_vhub-weu_{HUB_GUID}"
    )
    e.vnet(
        s,
        rg,
        "vnet-shop",
        "10.4.0.0/16",
        [("snet-shop", "10.4.1.0/24", nsg_shop, None)],
        peerings=[
            Estate.peering(
                f"RemoteVnetToHubPeering_{HUB_PEERING_GUID}",
                hv_vnet,
                ["10.100.0.0/23"],
                use_remote_gateways=True,
            )
        ],
    )
    shop_vm = _vm_id(s, rg, "shop-01")
    shop_nic = _nid(s, rg, "networkInterfaces", "nic-shop-01")
    pip_shop = e.public_ip(
        s, rg, "pip-shop-01", "20.61.50.9", attached_to=f"{shop_nic}/ipConfigurations/ipconfig1"
    )
    e.nic(
        s,
        rg,
        "nic-shop-01",
        [
            dict(
                name="ipconfig1",
                ip="10.4.1.4",
                subnet=f"{shop_vnet}/subnets/snet-shop",
                pip=pip_shop,
            )
        ],
        vm=shop_vm,
    )
    e.vm(s, rg, "shop-01", [shop_nic])

    # ================= sandbox-alice: dangling peering, delegated network manager =================
    s, rg = SANDBOX, "rg-sandbox"
    gone_vnet = _nid(GONE_SUB, "rg-old-vendor", "virtualNetworks", "vnet-old-vendor")
    e.vnet(
        s,
        rg,
        "vnet-sandbox",
        "10.50.0.0/16",
        [("default", "10.50.0.0/24", None, None)],
        location=NEU,
        peerings=[
            Estate.peering("peer-old-vendor", gone_vnet, ["172.31.0.0/16"], state="Disconnected")
        ],
    )
    northwind_nm = _nid(NORTHWIND_SUB, "rg-nw-avnm", "networkManagers", "avnm-northwind-msp")
    nmc_sub = f"/subscriptions/{s}/providers/{N}/networkManagerConnections/nmc-northwind-msp"
    e.add(
        resource(
            nmc_sub,
            f"{N}/networkManagerConnections",
            None,
            {
                "connectionState": "Connected",
                "description": "Northwind managed security admin rules",
                "networkManagerId": northwind_nm,
            },
        )
    )
    avnm = _nid(MANAGEMENT, "rg-avnm", "networkManagers", "avnm-contoso")
    nmc_mg = f"{MG_PREFIX}sandbox/providers/{N}/networkManagerConnections/nmc-avnm-contoso"
    e.add(
        resource(
            nmc_mg,
            f"{N}/networkManagerConnections",
            None,
            {
                "connectionState": "Connected",
                "description": "sandbox guard rails",
                "networkManagerId": avnm,
            },
        )
    )

    # ================= prod-data: circuit authorization redeemer, PaaS with inbound endpoints =================
    s, rg = DATA, "rg-data-net"
    data_vnet = _nid(s, rg, "virtualNetworks", "vnet-data")
    e.vnet(
        s,
        rg,
        "vnet-data",
        "10.5.0.0/16",
        [
            ("snet-data", "10.5.1.0/24", None, None),
            ("snet-pe", "10.5.2.0/24", None, None),
            ("GatewaySubnet", "10.5.255.0/27", None, None),
        ],
    )
    ergw_data = _nid(s, rg, "virtualNetworkGateways", "ergw-data")
    e.add(
        resource(
            ergw_data,
            f"{N}/virtualNetworkGateways",
            WEU,
            {
                "activeActive": False,
                "enableBgp": False,
                "gatewayType": "ExpressRoute",
                "ipConfigurations": [
                    {
                        "name": "default",
                        "id": f"{ergw_data}/ipConfigurations/default",
                        "etag": etag(f"{ergw_data}/ipConfigurations/default"),
                        "properties": {
                            "privateIPAllocationMethod": "Dynamic",
                            "provisioningState": "Succeeded",
                            "subnet": ref(f"{data_vnet}/subnets/GatewaySubnet"),
                        },
                    }
                ],
                "natRules": [],
                "resourceGuid": stable_guid("guid", ergw_data),
                "sku": {"name": "ErGw1AZ", "tier": "ErGw1AZ", "capacity": 2},
            },
        )
    )
    connection(
        s,
        rg,
        "cn-data-er-ams",
        "ExpressRoute",
        ergw_data,
        peer=ref(er_ams),
        authorizationKey="b7e4c1d2-6f3a-4e8b-9c0d-2a1f5e6b7c8d",
    )
    prg = "rg-data"
    kv = res_id(s, prg, "Microsoft.KeyVault/vaults", "kv-data-prod")
    sql = res_id(s, prg, "Microsoft.Sql/servers", "sql-data-prod")
    pe_sql = _nid(s, prg, "privateEndpoints", "pe-sql-data-prod")
    litware_pe = _nid(LITWARE_SUB, "rg-litware-apps", "privateEndpoints", "pe-contoso-kv")
    fab_analytics_pe = _nid(FAB_ANALYTICS, "rg-fab-bi", "privateEndpoints", "pe-contoso-sql")
    e.add(
        resource(
            kv,
            "Microsoft.KeyVault/vaults",
            WEU,
            {
                "enableRbacAuthorization": True,
                "enableSoftDelete": True,
                "networkAcls": {
                    "bypass": "AzureServices",
                    "defaultAction": "Deny",
                    "ipRules": [],
                    "virtualNetworkRules": [],
                },
                "privateEndpointConnections": [
                    _paas_pe_conn(
                        kv,
                        "Microsoft.KeyVault/vaults",
                        "pe-contoso-kv.litware",
                        litware_pe,
                        "Pending",
                        "Litware integration requests secrets access",
                        with_name=False,
                    ),
                ],
                "publicNetworkAccess": "Disabled",
                "sku": {"family": "A", "name": "standard"},
                "tenantId": HOME,
                "vaultUri": "https://kv-data-prod.vault.azure.net/",
            },
            with_etag=False,
        )
    )
    e.add(
        resource(
            sql,
            "Microsoft.Sql/servers",
            WEU,
            {
                "administratorLogin": "sqladmin",
                "fullyQualifiedDomainName": "sql-data-prod.database.windows.net",
                "minimalTlsVersion": "1.2",
                "privateEndpointConnections": [
                    {
                        "id": f"{sql}/privateEndpointConnections/pe-sql-data-prod",
                        "properties": {
                            "groupIds": ["sqlServer"],
                            "privateEndpoint": ref(pe_sql),
                            "privateLinkServiceConnectionState": {
                                "actionsRequired": "None",
                                "description": "Auto-approved",
                                "status": "Approved",
                            },
                            "provisioningState": "Ready",
                        },
                    },
                    {
                        "id": f"{sql}/privateEndpointConnections/pe-contoso-sql.fab-bi",
                        "properties": {
                            "groupIds": ["sqlServer"],
                            "privateEndpoint": ref(fab_analytics_pe),
                            "privateLinkServiceConnectionState": {
                                "actionsRequired": "None",
                                "description": "approved by dba on call",
                                "status": "Approved",
                            },
                            "provisioningState": "Ready",
                        },
                    },
                ],
                "publicNetworkAccess": "Disabled",
                "state": "Ready",
                "version": "12.0",
            },
            kind="v12.0",
            with_etag=False,
        )
    )
    _private_endpoint(
        e,
        s,
        prg,
        "pe-sql-data-prod",
        f"{data_vnet}/subnets/snet-pe",
        "10.5.2.4",
        sql,
        "sqlServer",
        manual=False,
    )
    _private_endpoint(
        e,
        s,
        prg,
        "pe-tailspin-api",
        f"{data_vnet}/subnets/snet-pe",
        "10.5.2.5",
        VENDOR_ALIAS,
        None,
        manual=True,
        status="Approved",
        request="Tailspin market data feed",
    )

    # a private link service in front of an internal load balancer, consumed from Litware
    lb_int = _nid(s, prg, "loadBalancers", "lbi-data-api")
    lb_int_fe = f"{lb_int}/frontendIPConfigurations/fe-data-api"
    pls = _nid(s, prg, "privateLinkServices", "pls-data-api")
    litware_pls_pe = _nid(LITWARE_SUB, "rg-litware-apps", "privateEndpoints", "pe-contoso-data-api")
    e.add(
        resource(
            lb_int,
            f"{N}/loadBalancers",
            WEU,
            {
                "backendAddressPools": [],
                "frontendIPConfigurations": [
                    child(
                        lb_int,
                        "frontendIPConfigurations",
                        "fe-data-api",
                        f"{N}/loadBalancers/frontendIPConfigurations",
                        privateIPAddress="10.5.1.10",
                        privateIPAddressVersion="IPv4",
                        privateIPAllocationMethod="Static",
                        subnet=ref(f"{data_vnet}/subnets/snet-data"),
                    ),
                ],
                "inboundNatPools": [],
                "inboundNatRules": [],
                "loadBalancingRules": [],
                "outboundRules": [],
                "probes": [],
                "resourceGuid": stable_guid("guid", lb_int),
            },
            sku={"name": "Standard", "tier": "Regional"},
        )
    )
    pls_conn = f"{pls}/privateEndpointConnections/pe-contoso-data-api.litware"
    e.add(
        resource(
            pls,
            f"{N}/privateLinkServices",
            WEU,
            {
                "alias": "pls-data-api.7d2e9f10-0000-4000-8000-0000000000a2.westeurope.azure.privatelinkservice",
                "autoApproval": {"subscriptions": []},
                "enableProxyProtocol": False,
                "fqdns": [],
                "ipConfigurations": [
                    child(
                        pls,
                        "ipConfigurations",
                        "ipconfig-nat",
                        f"{N}/privateLinkServices/ipConfigurations",
                        primary=True,
                        privateIPAddressVersion="IPv4",
                        privateIPAllocationMethod="Dynamic",
                        subnet=ref(f"{data_vnet}/subnets/snet-data"),
                    ),
                ],
                "loadBalancerFrontendIpConfigurations": [ref(lb_int_fe)],
                "networkInterfaces": [],
                "privateEndpointConnections": [
                    {
                        "name": "pe-contoso-data-api.litware",
                        "id": pls_conn,
                        "etag": etag(pls_conn),
                        "type": f"{N}/privateLinkServices/privateEndpointConnections",
                        "properties": {
                            "linkIdentifier": "536890123",
                            "privateEndpoint": ref(litware_pls_pe),
                            "privateLinkServiceConnectionState": {
                                "actionsRequired": "None",
                                "description": "Litware reporting integration",
                                "status": "Approved",
                            },
                            "provisioningState": "Succeeded",
                        },
                    }
                ],
                "visibility": {"subscriptions": [LITWARE_SUB]},
            },
        )
    )

    # ================= contoso-management: network manager, Lighthouse =================
    s, rg = MANAGEMENT, "rg-avnm"
    e.add(
        resource(
            avnm,
            f"{N}/networkManagers",
            WEU,
            {
                "description": "Contoso platform network manager",
                "networkManagerScopeAccesses": ["SecurityAdmin", "Connectivity"],
                "networkManagerScopes": {
                    "crossTenantScopes": [],
                    "managementGroups": [f"{MG_PREFIX}contoso-platform"],
                    "subscriptions": [f"/subscriptions/{DEV}"],
                },
                "resourceGuid": stable_guid("guid", avnm),
            },
        )
    )
    for sub in (CONNECTIVITY, PAYMENTS):
        _lighthouse(e, sub)

    # ================= shadow-it-marketing and retail-pos: plain networks =================
    e.vnet(
        SHADOW,
        "rg-marketing",
        "vnet-marketing",
        "10.60.0.0/16",
        [("default", "10.60.0.0/24", None, None)],
    )
    e.vnet(
        RETAIL_POS,
        "rg-pos",
        "vnet-retail-pos",
        "10.70.0.0/16",
        [("snet-pos", "10.70.1.0/24", None, None)],
        location=NEU,
    )

    _fill_back_references(e.resources)
    return e.resources + _governance()


SECOPS = "9f1b0e1c-0000-4000-8000-0000000000aa"  # the security team's group (object id)


def _governance() -> list[Json]:
    """The governance mix (governance.md; README "Governance"): most subscriptions governed,
    one of each gap, the denied one unreadable."""
    org = f"{MG_PREFIX}contoso"
    out: list[Json] = [
        gov.policy_assignment(
            org,
            "mcsb",
            gov.MCSB,
            "Microsoft cloud security benchmark",
            not_scopes=(f"{MG_PREFIX}sandbox",),
        ),
        gov.policy_assignment(
            f"/subscriptions/{DEV}",
            "allowed-locations",
            "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
            "Allowed locations",
            enforcement="DoNotEnforce",
        ),
        gov.role_assignment(f"{MG_PREFIX}contoso-landing-zones", SECOPS, gov.READER),
        gov.role_assignment(f"/subscriptions/{CONNECTIVITY}", SECOPS, gov.SECURITY_READER),
        gov.role_assignment(f"/subscriptions/{VWAN}", SECOPS, gov.SECURITY_READER),
        # contoso-management: the security team's grant is missing
        gov.tenant_subscription_policy(HOME, block_entering=False, block_leaving=True),
        gov.root_group_settings(HOME, "sandbox"),
    ]
    for sid, *_ in SUBSCRIPTIONS:
        if sid == LEGACY:
            continue  # denied: nothing of it can be read
        if sid == SHADOW:
            out += gov.pricings(sid, (), gov.BASELINE_PLANS)
            continue
        if sid == WEB:  # Defender for Servers switched off
            out += gov.pricings(sid, gov.BASELINE_PLANS[1:], gov.BASELINE_PLANS[:1])
        else:
            out += gov.pricings(sid, gov.BASELINE_PLANS)
        if sid != DATA:  # prod-data has no security contact
            out.append(gov.security_contact(sid, "secops@contoso.example"))
    return out


def _paas_pe_conn(
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


def _private_endpoint(
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
    pe = _nid(sub, rg, "privateEndpoints", name)
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


def _lighthouse(e: Estate, sub: str) -> None:
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


def _fill_back_references(resources: list[Json]) -> None:
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


# ------------------------------------------------------------- containers
def _tenants() -> list[Json]:
    return [
        {
            "countryCode": "NL",
            "defaultDomain": "contoso.example",
            "displayName": "Contoso",
            "domains": ["contoso.example", "contoso.onmicrosoft.com"],
            "id": f"/tenants/{HOME}",
            "tenantCategory": "Home",
            "tenantId": HOME,
            "tenantType": "AAD",
        },
        {
            "countryCode": "GB",
            "defaultDomain": "northwind-msp.example",
            "displayName": "Northwind Managed Services",
            "domains": ["northwind-msp.example"],
            "id": f"/tenants/{NORTHWIND}",
            "tenantCategory": "ManagedBy",
            "tenantId": NORTHWIND,
            "tenantType": "AAD",
        },
    ]


def _subscriptions() -> list[Json]:
    out = []
    for sid, name, _mg, managed_by, tags in SUBSCRIPTIONS:
        item: Json = {
            "authorizationSource": "RoleBased",
            "displayName": name,
            "id": f"/subscriptions/{sid}",
            "managedByTenants": [{"tenantId": t} for t in managed_by],
            "state": "Enabled",
            "subscriptionId": sid,
            "subscriptionPolicies": {
                "locationPlacementId": "Public_2014-09-01",
                "quotaId": "EnterpriseAgreement_2014-09-01",
                "spendingLimit": "Off",
            },
            "tenantId": HOME,
        }
        if tags:
            item["tags"] = tags
        out.append(item)
    return sorted(out, key=lambda s: s["subscriptionId"])


def _management_groups() -> list[Json]:
    names = {name: display for name, display, _ in MANAGEMENT_GROUPS}
    parents = {name: parent for name, _, parent in MANAGEMENT_GROUPS}

    def chain(name: str | None) -> list[str]:
        out: list[str] = []
        while name is not None:
            out.insert(0, name)
            name = parents.get(name)
        return out

    children: dict[str, int] = {}
    groups: dict[str, int] = {}
    for _name, _, parent in MANAGEMENT_GROUPS:
        if parent:
            children[parent] = children.get(parent, 0) + 1
            groups[parent] = groups.get(parent, 0) + 1
    for _sid, _name, mg, _m, _t in SUBSCRIPTIONS:
        children[mg] = children.get(mg, 0) + 1

    def descendants(name: str) -> int:
        kids = [n for n, _, p in MANAGEMENT_GROUPS if p == name]
        subs = [s for s in SUBSCRIPTIONS if s[2] == name]
        return len(kids) + len(subs) + sum(descendants(k) for k in kids)

    out: list[Json] = []
    for name, display, parent in MANAGEMENT_GROUPS:
        parent_chain = chain(parent)
        out.append(
            {
                "id": f"{MG_PREFIX}{name}",
                "type": "Microsoft.Management/managementGroups",
                "name": name,
                "properties": {
                    "tenantId": HOME,
                    "displayName": display,
                    "parent": {"id": f"{MG_PREFIX}{parent}"} if parent else None,
                    "permissions": "view",
                    "inheritedPermissions": "view",
                    "parentDisplayNameChain": [names[p] for p in parent_chain],
                    "parentNameChain": parent_chain,
                    "numberOfDescendants": descendants(name),
                    "numberOfChildren": children.get(name, 0),
                    "numberOfChildGroups": groups.get(name, 0),
                },
            }
        )
    for sid, display, mg, _m, _t in SUBSCRIPTIONS:
        parent_chain = chain(mg)
        permission = "noaccess" if sid == LEGACY else "view"
        out.append(
            {
                "id": f"/subscriptions/{sid}",
                "type": "/subscriptions",
                "name": sid,
                "properties": {
                    "tenantId": HOME,
                    "displayName": display,
                    "parent": {"id": f"{MG_PREFIX}{mg}"},
                    "permissions": permission,
                    "inheritedPermissions": permission,
                    "parentDisplayNameChain": [names[p] for p in parent_chain],
                    "parentNameChain": parent_chain,
                },
            }
        )
    return out


def _references(resources: list[Json]) -> dict[str, set[str]]:
    """Foreign subscription id -> ids of the resources that name it (virtual hub peerings excluded)."""
    ours = {s[0] for s in SUBSCRIPTIONS}
    found: dict[str, set[str]] = {}

    def walk(node: Any, owner: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if (
                    isinstance(value, str)
                    and value.lower().startswith("/subscriptions/")
                    and (
                        key
                        in (
                            "id",
                            "privateLinkServiceId",
                            "networkManagerId",
                            "connectionResourceUri",
                        )
                    )
                ):
                    sub = value.split("/")[2].lower()
                    if sub not in ours and sub != MS_HUB_SUB:
                        found.setdefault(sub, set()).add(owner)
                else:
                    walk(value, owner)
        elif isinstance(node, list):
            for item in node:
                walk(item, owner)

    for r in resources:
        walk(r["properties"], r["id"])
    return found


def write_sample_estate(out_dir: Path) -> Path:
    """Write the sample estate (every file of the layout) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    resources = _sample_resources()
    by_type = write_resources(out_dir / "resources.jsonl", resources)
    write_json(out_dir / "tenants.json", _tenants())
    write_json(out_dir / "subscriptions.json", _subscriptions())
    write_json(out_dir / "management-groups.json", _management_groups())
    foreign = []
    for sub, owners in sorted(_references(resources).items()):
        tenant = FOREIGN_SUBSCRIPTIONS.get(sub)
        foreign.append(
            {
                "subscriptionId": sub,
                "tenantId": tenant,
                "status": "resolved" if tenant else "not-found",
                "referencedBy": sorted(owners, key=str.lower),
            }
        )
    write_json(out_dir / "foreign.json", foreign)
    write_json(
        out_dir / "errors.json",
        [
            {
                "scope": f"/subscriptions/{LEGACY}",
                "operation": "Subscriptions_Get",
                "status": 403,
                "code": "AuthorizationFailed",
                "message": (
                    f"The client '{CLIENT_ID}' with object id '{CLIENT_ID}' does not have authorization to "
                    f"perform action 'Microsoft.Resources/subscriptions/read' over scope "
                    f"'/subscriptions/{LEGACY}' or the scope is invalid."
                ),
                "at": "2026-11-27T02:00:04Z",
            }
        ],
    )
    write_json(
        out_dir / "manifest.json",
        {
            "format": SNAPSHOT_FORMAT,
            "createdAt": "2026-11-27T02:00:13Z",
            "source": {
                "kind": "handmade",
                "endpoint": "https://management.azure.com",
                "cloud": "AzureCloud",
            },
            "principal": {"tenantId": HOME, "clientId": CLIENT_ID},
            "tenantsCrawled": [HOME],
            "subscriptionsCrawled": sorted(s[0] for s in SUBSCRIPTIONS if s[0] != LEGACY),
            "counts": {"resources": len(resources), "byType": by_type},
        },
    )
    write_json(
        out_dir / "emulator.json",
        {
            "principal": {"tenantId": HOME},
            "foreignSubscriptions": dict(sorted(FOREIGN_SUBSCRIPTIONS.items())),
            "deny": {f"/subscriptions/{LEGACY}": 403},
        },
    )
    (out_dir / "inventory.yaml").write_text(INVENTORY_YAML, encoding="utf-8")
    return out_dir


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("sample")
    print(write_sample_estate(target))

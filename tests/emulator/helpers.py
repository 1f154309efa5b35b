"""Helpers: small estates built from Microsoft's example payloads, and real SDK clients for them.

The estate: the Tenants_List example's three tenants (Home 83abe5cd…, a
ProjectedBy and a ManagedBy one); the Subscriptions_List example's two
subscriptions, the first moved into the home tenant, the second left in a
customer tenant and delegated to the home tenant through `managedByTenants`
(Lighthouse); a third subscription of a partner tenant the principal cannot
read. Resources are the network list examples with their placeholder
subscription id replaced.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from azure.identity import ClientSecretCredential

from discovery.emulator import EmulatorHandle

HOME = "83abe5cd-bcc3-441a-bd86-e6a75360cecc"
PROJECTED = "daea2e9b-847b-4c93-850d-2aa6f2d7af33"
MANAGED_BY = "a70a1586-9c4a-4373-b907-1d310660dbd1"
CUSTOMER = "2a0ff0de-96b2-4859-bb7c-a430d07a3e0c"
PARTNER = "31c75423-32d6-4322-88b7-c478bdde4858"
SUB_HOME = "291bba3f-e0a5-47bc-a099-3bdcb2a50a05"
SUB_DELEGATED = "72ac930a-f34e-42d8-b06d-dc2a9e12ed71"
SUB_PARTNER = "5c5e1a63-6f4b-4a4e-9d2a-0c9d3c1b7a11"
SUB_FOREIGN = "11111111-1111-1111-1111-111111111111"
FOREIGN_TENANT = "f7fb6af2-321d-47c8-9c0f-b0239eaad39a"
EXAMPLE_SUB = "00000000-0000-0000-0000-000000000000"
ROOT_GROUP = f"/providers/Microsoft.Management/managementGroups/{HOME}"

ARM_SCOPE = "https://management.azure.com/.default"


def example_body(api_examples: Path, name: str) -> Any:
    data = json.loads((api_examples / name).read_text(encoding="utf-8"))
    return data["responses"]["200"]["body"]


def example_items(api_examples: Path, name: str, subscription: str = SUB_HOME) -> list[Any]:
    """The `value` items of a list example, moved into `subscription`."""
    text = json.dumps(example_body(api_examples, name)["value"])
    for placeholder in (EXAMPLE_SUB, "subid"):
        text = text.replace(f"/subscriptions/{placeholder}/", f"/subscriptions/{subscription}/")
    return list(json.loads(text))


def base_subscriptions(api_examples: Path) -> list[dict[str, Any]]:
    first, second = copy.deepcopy(
        example_body(api_examples, "Microsoft.Resources/Subscriptions_List.json")["value"]
    )
    first.update(tenantId=HOME, managedByTenants=[])
    second.update(tenantId=CUSTOMER, managedByTenants=[{"tenantId": HOME}])
    partner = {
        **copy.deepcopy(first),
        "id": f"/subscriptions/{SUB_PARTNER}",
        "subscriptionId": SUB_PARTNER,
        "displayName": "Partner Subscription",
        "tenantId": PARTNER,
    }
    return [first, second, partner]


def base_entities() -> list[dict[str, Any]]:
    def group(name: str, parent: str | None, display: str) -> dict[str, Any]:
        props: dict[str, Any] = {"tenantId": HOME, "displayName": display}
        if parent:
            props["parent"] = {"id": parent}
        return {
            "id": f"/providers/Microsoft.Management/managementGroups/{name}",
            "type": "Microsoft.Management/managementGroups",
            "name": name,
            "properties": props,
        }

    platform = "/providers/Microsoft.Management/managementGroups/platform"
    return [
        group(HOME, None, "Tenant Root Group"),
        group("platform", ROOT_GROUP, "Platform"),
        group("connectivity", platform, "Connectivity"),
        {
            "id": f"/subscriptions/{SUB_HOME}",
            "type": "/subscriptions",
            "name": SUB_HOME,
            "properties": {
                "tenantId": HOME,
                "displayName": "Example Subscription",
                "parent": {"id": "/providers/Microsoft.Management/managementGroups/connectivity"},
            },
        },
        {
            "id": "/providers/Microsoft.Management/managementGroups/partner-root",
            "type": "Microsoft.Management/managementGroups",
            "name": "partner-root",
            "properties": {"tenantId": PARTNER, "displayName": "Partner Root"},
        },
    ]


def write_estate(
    folder: Path,
    api_examples: Path,
    *,
    resources: list[dict[str, Any]] | None = None,
    emulator: dict[str, Any] | None = None,
    subscriptions: list[dict[str, Any]] | None = None,
    extra_tenants: list[dict[str, Any]] | None = None,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    tenants = example_body(api_examples, "Microsoft.Resources/Tenants_List.json")["value"]
    tenants = [*tenants, *(extra_tenants or [])]
    (folder / "tenants.json").write_text(json.dumps(tenants))
    (folder / "subscriptions.json").write_text(
        json.dumps(subscriptions if subscriptions is not None else base_subscriptions(api_examples))
    )
    (folder / "management-groups.json").write_text(json.dumps(base_entities()))
    lines = sorted(resources or [], key=lambda r: r["id"].lower())
    (folder / "resources.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))
    settings = {"foreignSubscriptions": {SUB_FOREIGN: FOREIGN_TENANT}, **(emulator or {})}
    (folder / "emulator.json").write_text(json.dumps(settings))
    return folder


def network_resources(api_examples: Path) -> list[dict[str, Any]]:
    """A mixed estate: VNets, hubs (with their connections), circuits, policies, PIPs."""
    resources: list[dict[str, Any]] = []
    for name in (
        "Microsoft.Network/VirtualNetworks_ListAll.json",
        "Microsoft.Network/PublicIPAddresses_ListAll.json",
        "Microsoft.Network/NetworkSecurityGroups_ListAll.json",
        "Microsoft.Network/ExpressRouteCircuits_ListAll.json",
        "Microsoft.Network/ExpressRouteGateways_ListBySubscription.json",
        "Microsoft.Network/VirtualNetworkGateways_List.json",
    ):
        resources.extend(example_items(api_examples, name))
    hubs = example_items(api_examples, "Microsoft.Network/VirtualHubs_List.json")
    hubs[0]["properties"]["hubVirtualNetworkConnections"] = example_items(
        api_examples, "Microsoft.Network/HubVirtualNetworkConnections_List.json"
    )
    resources.extend(hubs)
    vnet = next(r for r in resources if r["name"] == "vnet1")
    vnet["properties"]["virtualNetworkPeerings"] = [
        {**p, "id": f"{vnet['id']}/virtualNetworkPeerings/{p['name']}"}
        for p in example_items(api_examples, "Microsoft.Network/VirtualNetworkPeerings_List.json")
    ]
    circuit = next(r for r in resources if r["name"] == "circuitName2")
    circuit["properties"]["peerings"] = [
        {
            "id": f"{circuit['id']}/peerings/AzurePrivatePeering",
            "name": "AzurePrivatePeering",
            "properties": {
                "peeringType": "AzurePrivatePeering",
                "connections": example_items(
                    api_examples, "Microsoft.Network/ExpressRouteCircuitConnections_List.json"
                ),
            },
        }
    ]
    gateway = next(r for r in resources if r["type"].endswith("expressRouteGateways"))
    gateway["properties"]["expressRouteConnections"] = example_items(
        api_examples, "Microsoft.Network/ExpressRouteConnections_List.json"
    )
    policy_id = f"/subscriptions/{SUB_HOME}/resourceGroups/rg1/providers/Microsoft.Network/firewallPolicies/policy1"
    resources.append(
        {
            "id": policy_id,
            "name": "policy1",
            "type": "Microsoft.Network/firewallPolicies",
            "location": "westus",
            "properties": {
                "threatIntelMode": "Alert",
                "ruleCollectionGroups": [
                    {
                        "id": f"{policy_id}/ruleCollectionGroups/dnat",
                        "name": "dnat",
                        "properties": {
                            "priority": 100,
                            "ruleCollections": [
                                {
                                    "ruleCollectionType": "FirewallPolicyNatRuleCollection",
                                    "name": "inbound",
                                    "priority": 100,
                                    "action": {"type": "DNAT"},
                                    "rules": [
                                        {
                                            "ruleType": "NatRule",
                                            "name": "rdp",
                                            "sourceAddresses": ["*"],
                                            "destinationAddresses": ["20.1.2.3"],
                                            "destinationPorts": ["3389"],
                                            "ipProtocols": ["TCP"],
                                            "translatedAddress": "10.0.0.4",
                                            "translatedPort": "3389",
                                        }
                                    ],
                                }
                            ],
                        },
                    }
                ],
            },
        }
    )
    resources.extend(
        example_items(
            api_examples, "Microsoft.Network/VirtualNetworks_ListAll.json", SUB_DELEGATED
        )[:1]
    )
    resources.extend(
        example_items(api_examples, "Microsoft.Network/VirtualNetworks_ListAll.json", SUB_PARTNER)[
            :1
        ]
    )
    return resources


def credential(
    handle: EmulatorHandle, tenant: str | None = None, secret: str | None = None
) -> ClientSecretCredential:
    return ClientSecretCredential(
        tenant or handle.tenant_id,
        handle.client_id,
        secret or handle.client_secret,
        authority=handle.authority_url,
        disable_instance_discovery=True,
        connection_verify=str(handle.ca_file),
    )


def client_kwargs(handle: EmulatorHandle, **extra: Any) -> dict[str, Any]:
    return {
        "base_url": handle.arm_url,
        "credential_scopes": [ARM_SCOPE],
        "connection_verify": str(handle.ca_file),
        **extra,
    }


def extra_resources(api_examples: Path) -> list[dict[str, Any]]:
    """Lighthouse registrations, network manager connections (subscription and group
    scope) and a virtual machine, beside the network examples."""
    resources: list[dict[str, Any]] = []
    for name in (
        "Microsoft.ManagedServices/RegistrationDefinitions_List.json",
        "Microsoft.ManagedServices/RegistrationAssignments_List.json",
    ):
        text = json.dumps(example_body(api_examples, name)["value"])
        for example_sub in (
            "0afefe50-734e-4610-8c82-a144aff49dea",
            "0afefe50-734e-4610-8a82-a144ahf49dea",
        ):
            text = text.replace(f"/subscriptions/{example_sub}/", f"/subscriptions/{SUB_HOME}/")
        resources.extend(json.loads(text))
    manager = (
        f"/subscriptions/{SUB_DELEGATED}/resourceGroups/avnm/providers/"
        "Microsoft.Network/networkManagers/central"
    )
    for scope in (
        f"/subscriptions/{SUB_HOME}",
        "/providers/Microsoft.Management/managementGroups/platform",
    ):
        resources.append(
            {
                "id": f"{scope}/providers/Microsoft.Network/networkManagerConnections/to-central",
                "name": "to-central",
                "type": "Microsoft.Network/networkManagerConnections",
                "properties": {"networkManagerId": manager, "connectionState": "Connected"},
            }
        )
    resources.append(
        {
            "id": f"/subscriptions/{SUB_HOME}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1",
            "name": "vm1",
            "type": "Microsoft.Compute/virtualMachines",
            "location": "westus",
            "properties": {
                "vmId": "0f47b100-583c-48e3-a4c0-aefc2c9bbcc1",
                "hardwareProfile": {"vmSize": "Standard_D2s_v3"},
                "networkProfile": {
                    "networkInterfaces": [
                        {
                            "id": f"/subscriptions/{SUB_HOME}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/test-nic"
                        }
                    ]
                },
            },
        }
    )
    return resources

"""Each observation channel of findings.md, on a small estate of its own."""

from __future__ import annotations

from pathlib import Path

from graph.schema import Rel
from tests.analysis.estate import (
    FOREIGN_SUB,
    HOME,
    HOME_INVENTORY,
    OTHER,
    SUB_A,
    SUB_B,
    THIRD,
    THIRD_SUB,
    Estate,
    channels,
    findings_of,
    inventory,
    peering,
    report_of,
    rid,
    vnet,
)

INV = inventory(HOME_INVENTORY)


def test_tenant_list_shows_a_tenant_that_no_subscription_names(tmp_path: Path) -> None:
    estate = Estate.home(SUB_A).tenant(OTHER, "Fabrikam", "ProjectedBy")
    report = report_of(estate, tmp_path, INV)
    finding = findings_of(report, "unknown-tenant")[OTHER]
    assert channels(finding) == {"tenant-list"}
    assert finding["severity"] == "high"
    assert finding["details"]["category"] == "ProjectedBy"


def test_subscription_channel_shows_a_listed_subscription_of_another_tenant(
    tmp_path: Path,
) -> None:
    estate = Estate.home(SUB_A).subscription(FOREIGN_SUB, OTHER, name="delegated")
    report = report_of(estate, tmp_path, INV)
    assert channels(findings_of(report, "unknown-tenant")[OTHER]) == {"subscription"}
    sub = findings_of(report, "unknown-subscription")[FOREIGN_SUB]
    assert sub["severity"] == "medium"
    assert sub["evidence"][0] == {
        "from": OTHER,
        "relation": Rel.CONTAINS.value,
        "to": FOREIGN_SUB,
        "channel": "subscription",
        "state": "Enabled",
    }


def test_management_group_tree_shows_a_subscription_we_cannot_read(tmp_path: Path) -> None:
    estate = Estate.home(SUB_A).in_group(SUB_B, HOME, HOME)
    report = report_of(
        estate,
        tmp_path,
        inventory(
            f"subscriptions: [{{id: {SUB_A}}}]\ntenants: [{{id: {HOME}, relationship: home}}]"
        ),
    )
    finding = findings_of(report, "unknown-subscription")[SUB_B]
    assert channels(finding) == {"management-group-tree"}
    assert [e["to"] for e in finding["evidence"]] == [
        "/providers/microsoft.management/managementgroups/" + HOME,
        SUB_B,
    ]
    gap = findings_of(report, "coverage-gap")[SUB_B]
    assert "management-group-tree-only" in gap["details"]["notes"]


def test_lighthouse_shows_managing_tenants_from_managed_by_and_registration_definitions(
    tmp_path: Path,
) -> None:
    estate = Estate.home()
    estate.subscription(SUB_A, HOME, managed_by=[OTHER]).in_group(SUB_A, HOME, HOME)
    definition = (
        f"/subscriptions/{SUB_A}/providers/Microsoft.ManagedServices/registrationDefinitions/"
        "5f8e0000-0000-4000-8000-000000000001"
    )
    estate.add(
        {
            "id": definition,
            "name": "5f8e0000-0000-4000-8000-000000000001",
            "type": "Microsoft.ManagedServices/registrationDefinitions",
            "properties": {"managedByTenantId": THIRD, "registrationDefinitionName": "msp"},
        }
    )
    report = report_of(estate, tmp_path, INV)
    tenants = findings_of(report, "unknown-tenant")
    assert channels(tenants[OTHER]) == {"lighthouse"}
    assert channels(tenants[THIRD]) == {"lighthouse"}
    assert tenants[THIRD]["scope"] == [SUB_A]


def test_vnet_peering_shows_the_remote_subscription_and_its_resolved_tenant(
    tmp_path: Path,
) -> None:
    ours = vnet(SUB_A, "vnet-a")
    remote = rid(FOREIGN_SUB, "net", "virtualNetworks", "vnet-fab")
    ours["properties"]["virtualNetworkPeerings"] = [
        peering(ours["id"], "to-fab", remote, state="Initiated")
    ]
    estate = Estate.home(SUB_A).add(ours).resolved(FOREIGN_SUB, OTHER)
    report = report_of(estate, tmp_path, INV)
    tenant = findings_of(report, "unknown-tenant")[OTHER]
    sub = findings_of(report, "unknown-subscription")[FOREIGN_SUB]
    assert sub["severity"] == "high"
    chain = tenant["evidence"]
    assert chain[0]["from"] == ours["id"].lower()
    assert chain[0]["relation"] == "PEERS_WITH"
    assert chain[0]["to"] == remote.lower()
    assert chain[0]["state"] == "Initiated"
    assert chain[-1]["from"] == OTHER and chain[-1]["to"] == FOREIGN_SUB
    assert tenant["scope"] == [SUB_A]


def test_automatic_virtual_hub_peering_is_never_a_foreign_tenant(tmp_path: Path) -> None:
    ours = vnet(SUB_A, "vnet-spoke")
    hub_sub = "e3f1a2b4-0000-4000-8000-0000000000f1"
    remote = (
        f"/subscriptions/{hub_sub}/resourceGroups/RG_vhub_5b7d/providers/"
        "Microsoft.Network/virtualNetworks/HV_vhub_5b7d"
    )
    ours["properties"]["virtualNetworkPeerings"] = [
        peering(ours["id"], "RemoteVnetToHubPeering_5b7d9a3c", remote)
    ]
    report = report_of(Estate.home(SUB_A).add(ours), tmp_path, INV)
    assert findings_of(report, "unknown-subscription") == {}
    assert findings_of(report, "unknown-tenant") == {}


def _connection(sub: str, name: str, ctype: str, **ends: str) -> dict:
    return {
        "id": rid(sub, "net", "connections", name),
        "name": name,
        "type": "Microsoft.Network/connections",
        "location": "westeurope",
        "properties": {
            "connectionType": ctype,
            "connectionStatus": "Connected",
            **{k: {"id": v} for k, v in ends.items()},
        },
    }


def test_gateway_connection_shows_a_vnet_to_vnet_remote_gateway(tmp_path: Path) -> None:
    gw = rid(SUB_A, "net", "virtualNetworkGateways", "vgw-a")
    remote_gw = rid(THIRD_SUB, "net", "virtualNetworkGateways", "vgw-litware")
    conn = _connection(
        SUB_A,
        "cn-litware",
        "Vnet2Vnet",
        virtualNetworkGateway1=gw,
        virtualNetworkGateway2=remote_gw,
    )
    estate = Estate.home(SUB_A).add(conn).resolved(THIRD_SUB, THIRD)
    report = report_of(estate, tmp_path, INV)
    tenant = findings_of(report, "unknown-tenant")[THIRD]
    assert channels(tenant) == {"gateway-connection"}
    assert any(e["to"] == remote_gw.lower() for e in tenant["evidence"])


def test_gateway_connection_shows_the_peer_circuit_of_an_expressroute_connection(
    tmp_path: Path,
) -> None:
    circuit = rid(FOREIGN_SUB, "net", "expressRouteCircuits", "er-fab")
    gw = rid(SUB_A, "net", "virtualNetworkGateways", "ergw-a")
    conn = _connection(SUB_A, "cn-er", "ExpressRoute", virtualNetworkGateway1=gw, peer=circuit)
    estate = Estate.home(SUB_A).add(conn).resolved(FOREIGN_SUB, OTHER)
    report = report_of(estate, tmp_path, INV)
    assert channels(findings_of(report, "undeclared-circuit")[circuit.lower()]) == {
        "gateway-connection"
    }
    assert channels(findings_of(report, "unknown-tenant")[OTHER]) == {"gateway-connection"}
    links = {(lk["to"], lk["channel"]) for lk in report["topology"]["links"]}
    assert (circuit.lower(), "expressroute") in links


def test_gateway_connection_shows_the_circuit_of_a_virtual_wan_expressroute_gateway(
    tmp_path: Path,
) -> None:
    circuit = rid(FOREIGN_SUB, "net", "expressRouteCircuits", "er-fab")
    ergw = {
        "id": rid(SUB_A, "net", "expressRouteGateways", "ergw-hub"),
        "name": "ergw-hub",
        "type": "Microsoft.Network/expressRouteGateways",
        "location": "westeurope",
        "properties": {
            "expressRouteConnections": [
                {
                    "id": rid(SUB_A, "net", "expressRouteGateways", "ergw-hub")
                    + "/expressRouteConnections/c1",
                    "name": "c1",
                    "properties": {
                        "expressRouteCircuitPeering": {
                            "id": circuit + "/peerings/AzurePrivatePeering"
                        },
                        "provisioningState": "Succeeded",
                    },
                }
            ]
        },
    }
    estate = Estate.home(SUB_A).add(ergw).resolved(FOREIGN_SUB, OTHER)
    report = report_of(estate, tmp_path, INV)
    assert channels(findings_of(report, "undeclared-circuit")[circuit.lower()]) == {
        "gateway-connection"
    }
    assert channels(findings_of(report, "unknown-tenant")[OTHER]) == {"gateway-connection"}


def _circuit(sub: str, name: str, **props: object) -> dict:
    return {
        "id": rid(sub, "net", "expressRouteCircuits", name),
        "name": name,
        "type": "Microsoft.Network/expressRouteCircuits",
        "location": "westeurope",
        "properties": {
            "serviceProviderProperties": {"serviceProviderName": "Equinix"},
            "circuitProvisioningState": "Enabled",
            **props,
        },
    }


def test_expressroute_authorization_shows_the_redeeming_connection(tmp_path: Path) -> None:
    circuit_id = rid(SUB_A, "net", "expressRouteCircuits", "er-a")
    redeemer = rid(THIRD_SUB, "net", "connections", "cn-redeem")
    circuit = _circuit(
        SUB_A,
        "er-a",
        authorizations=[
            {
                "id": circuit_id + "/authorizations/auth-1",
                "name": "auth-1",
                "properties": {
                    "authorizationUseStatus": "InUse",
                    "connectionResourceUri": redeemer,
                },
            }
        ],
    )
    estate = Estate.home(SUB_A).add(circuit).resolved(THIRD_SUB, THIRD)
    inv = inventory(HOME_INVENTORY + f"expressroute_circuits:\n  - id: {circuit_id}\n")
    report = report_of(estate, tmp_path, inv)
    tenant = findings_of(report, "unknown-tenant")[THIRD]
    assert channels(tenant) == {"expressroute-authorization"}
    assert [e["relation"] for e in tenant["evidence"][:2]] == ["CONTAINS", "REDEEMED_BY"]
    assert tenant["evidence"][1]["state"] == "InUse"
    assert findings_of(report, "undeclared-circuit") == {}


def test_expressroute_global_reach_shows_the_other_circuit(tmp_path: Path) -> None:
    theirs = rid(FOREIGN_SUB, "net", "expressRouteCircuits", "er-fab")
    ours_id = rid(SUB_A, "net", "expressRouteCircuits", "er-a")
    circuit = _circuit(
        SUB_A,
        "er-a",
        peerings=[
            {
                "id": ours_id + "/peerings/AzurePrivatePeering",
                "name": "AzurePrivatePeering",
                "properties": {
                    "connections": [
                        {
                            "id": ours_id + "/peerings/AzurePrivatePeering/connections/gr",
                            "name": "gr",
                            "properties": {
                                "expressRouteCircuitPeering": {
                                    "id": ours_id + "/peerings/AzurePrivatePeering"
                                },
                                "peerExpressRouteCircuitPeering": {
                                    "id": theirs + "/peerings/AzurePrivatePeering"
                                },
                                "circuitConnectionStatus": "Connected",
                            },
                        }
                    ]
                },
            }
        ],
    )
    estate = Estate.home(SUB_A).add(circuit).resolved(FOREIGN_SUB, OTHER)
    report = report_of(estate, tmp_path, INV)
    circuits = findings_of(report, "undeclared-circuit")
    assert set(circuits) == {ours_id.lower(), theirs.lower()}
    assert channels(circuits[theirs.lower()]) == {"expressroute-global-reach"}
    assert channels(circuits[ours_id.lower()]) == {"subscription"}
    assert channels(findings_of(report, "unknown-tenant")[OTHER]) == {"expressroute-global-reach"}


def test_vwan_hub_connection_shows_the_remote_vnet(tmp_path: Path) -> None:
    remote = rid(FOREIGN_SUB, "net", "virtualNetworks", "vnet-fab")
    hub_id = rid(SUB_A, "net", "virtualHubs", "vhub")
    hub = {
        "id": hub_id,
        "name": "vhub",
        "type": "Microsoft.Network/virtualHubs",
        "location": "westeurope",
        "properties": {
            "addressPrefix": "10.100.0.0/23",
            "hubVirtualNetworkConnections": [
                {
                    "id": hub_id + "/hubVirtualNetworkConnections/to-fab",
                    "name": "to-fab",
                    "properties": {
                        "remoteVirtualNetwork": {"id": remote},
                        "provisioningState": "Succeeded",
                    },
                }
            ],
        },
    }
    estate = Estate.home(SUB_A).add(hub).resolved(FOREIGN_SUB, OTHER)
    report = report_of(estate, tmp_path, INV)
    assert channels(findings_of(report, "unknown-tenant")[OTHER]) == {"vwan-hub-connection"}


def _endpoint(sub: str, name: str, target: str, status: str, manual: bool = False) -> dict:
    pe_id = rid(sub, "net", "privateEndpoints", name)
    key = "manualPrivateLinkServiceConnections" if manual else "privateLinkServiceConnections"
    return {
        "id": pe_id,
        "name": name,
        "type": "Microsoft.Network/privateEndpoints",
        "location": "westeurope",
        "properties": {
            key: [
                {
                    "id": pe_id + "/privateLinkServiceConnections/c",
                    "name": "c",
                    "properties": {
                        "privateLinkServiceId": target,
                        "groupIds": ["blob"],
                        "privateLinkServiceConnectionState": {"status": status},
                    },
                }
            ]
        },
    }


def test_private_endpoint_shows_a_target_in_another_subscription_auto_or_manual(
    tmp_path: Path,
) -> None:
    target = rid(FOREIGN_SUB, "st", "Microsoft.Storage/storageAccounts", "stfab")
    target2 = rid(THIRD_SUB, "st", "Microsoft.Storage/storageAccounts", "stlit")
    estate = (
        Estate.home(SUB_A)
        .add(_endpoint(SUB_A, "pe-auto", target, "Approved"))
        .add(_endpoint(SUB_A, "pe-manual", target2, "Pending", manual=True))
        .resolved(FOREIGN_SUB, OTHER)
        .resolved(THIRD_SUB, THIRD)
    )
    report = report_of(estate, tmp_path, INV)
    tenants = findings_of(report, "unknown-tenant")
    assert channels(tenants[OTHER]) == {"private-endpoint"}
    assert channels(tenants[THIRD]) == {"private-endpoint"}
    assert tenants[THIRD]["evidence"][0]["state"] == "Pending"


def test_rejected_or_disconnected_private_endpoint_connections_do_not_count(
    tmp_path: Path,
) -> None:
    target = rid(FOREIGN_SUB, "st", "Microsoft.Storage/storageAccounts", "stfab")
    estate = (
        Estate.home(SUB_A)
        .add(_endpoint(SUB_A, "pe-rejected", target, "Rejected"))
        .add(_endpoint(SUB_A, "pe-gone", target, "Disconnected"))
        .resolved(FOREIGN_SUB, OTHER)
    )
    report = report_of(estate, tmp_path, INV)
    assert findings_of(report, "unknown-tenant") == {}
    assert findings_of(report, "unknown-subscription") == {}


def test_private_endpoint_to_an_alias_is_an_unknown_tenant_named_by_the_alias(
    tmp_path: Path,
) -> None:
    alias = "Tailspin-API.5e1c0a7d-0000-4000-8000-0000000000a1.westeurope.azure.privatelinkservice"
    estate = Estate.home(SUB_A).add(_endpoint(SUB_A, "pe-alias", alias, "Approved", manual=True))
    report = report_of(estate, tmp_path, INV)
    finding = findings_of(report, "unknown-tenant")[f"alias:{alias.lower()}"]
    assert channels(finding) == {"private-endpoint"}
    assert finding["severity"] == "high"


def _storage_with_inbound(sub: str, pe: str, status: str) -> dict:
    st = rid(sub, "st", "Microsoft.Storage/storageAccounts", "stours")
    return {
        "id": st,
        "name": "stours",
        "type": "Microsoft.Storage/storageAccounts",
        "location": "westeurope",
        "properties": {
            "privateEndpointConnections": [
                {
                    "id": st + "/privateEndpointConnections/c1",
                    "name": "c1",
                    "properties": {
                        "privateEndpoint": {"id": pe},
                        "privateLinkServiceConnectionState": {"status": status},
                    },
                }
            ]
        },
    }


def test_private_endpoint_inbound_shows_their_endpoint_on_our_service(tmp_path: Path) -> None:
    pe = rid(THIRD_SUB, "apps", "privateEndpoints", "pe-litware")
    estate = Estate.home(SUB_A).add(_storage_with_inbound(SUB_A, pe, "Pending"))
    estate.resolved(THIRD_SUB, THIRD)
    report = report_of(estate, tmp_path, INV)
    tenant = findings_of(report, "unknown-tenant")[THIRD]
    assert channels(tenant) == {"private-endpoint-inbound"}
    assert tenant["scope"] == [SUB_A]
    assert findings_of(report, "unknown-subscription")[THIRD_SUB]["severity"] == "high"


def test_disconnected_inbound_private_endpoint_does_not_count(tmp_path: Path) -> None:
    pe = rid(THIRD_SUB, "apps", "privateEndpoints", "pe-litware")
    estate = Estate.home(SUB_A).add(_storage_with_inbound(SUB_A, pe, "Disconnected"))
    estate.resolved(THIRD_SUB, THIRD)
    report = report_of(estate, tmp_path, INV)
    assert findings_of(report, "unknown-tenant") == {}


def test_network_manager_connection_shows_the_foreign_network_manager(tmp_path: Path) -> None:
    manager = rid(THIRD_SUB, "avnm", "networkManagers", "avnm-litware")
    nmc = {
        "id": f"/subscriptions/{SUB_A}/providers/Microsoft.Network/networkManagerConnections/nmc",
        "name": "nmc",
        "type": "Microsoft.Network/networkManagerConnections",
        "properties": {"networkManagerId": manager, "connectionState": "Connected"},
    }
    estate = Estate.home(SUB_A).add(nmc).resolved(THIRD_SUB, THIRD)
    report = report_of(estate, tmp_path, INV)
    assert channels(findings_of(report, "unknown-tenant")[THIRD]) == {"network-manager"}


def test_a_subscription_of_an_unknown_tenant_raises_both_findings(tmp_path: Path) -> None:
    ours = vnet(SUB_A, "vnet-a")
    remote = rid(THIRD_SUB, "net", "virtualNetworks", "vnet-lit")
    ours["properties"]["virtualNetworkPeerings"] = [peering(ours["id"], "p", remote)]
    estate = Estate.home(SUB_A).add(ours).resolved(THIRD_SUB, THIRD)
    report = report_of(estate, tmp_path, INV)
    assert THIRD in findings_of(report, "unknown-tenant")
    assert THIRD_SUB in findings_of(report, "unknown-subscription")


def test_a_linked_subscription_that_does_not_exist_is_unknown_with_the_note(
    tmp_path: Path,
) -> None:
    ours = vnet(SUB_A, "vnet-a")
    gone = "deadbeef-0000-4000-8000-0000000000d0"
    ours["properties"]["virtualNetworkPeerings"] = [
        peering(ours["id"], "p", rid(gone, "net", "virtualNetworks", "old"), state="Disconnected")
    ]
    unresolved = "deadbeef-0000-4000-8000-0000000000e0"
    ours2 = vnet(SUB_B, "vnet-b")
    ours2["properties"]["virtualNetworkPeerings"] = [
        peering(ours2["id"], "p", rid(unresolved, "net", "virtualNetworks", "x"))
    ]
    estate = Estate.home(SUB_A, SUB_B).add(ours, ours2)
    estate.resolved(gone, None, "not-found").resolved(unresolved, None, "error")
    report = report_of(estate, tmp_path, INV)
    subs = findings_of(report, "unknown-subscription")
    assert subs[gone]["details"]["notes"] == ["not-found"]
    assert subs[unresolved]["details"]["notes"] == ["unresolved"]


def test_private_endpoint_into_our_application_gateway_is_a_connection_like_any_other(
    tmp_path: Path,
) -> None:
    """Private Link for Application Gateway lists the connected endpoints in the gateway's
    privateEndpointConnections ("Application Gateway Private Link configuration"); another
    tenant's endpoint there is a channel to that tenant."""
    pe = rid(THIRD_SUB, "apps", "privateEndpoints", "pe-litware")
    agw = rid(SUB_A, "net", "applicationGateways", "agw-ours")
    gateway = {
        "id": agw,
        "name": "agw-ours",
        "type": "Microsoft.Network/applicationGateways",
        "location": "westeurope",
        "properties": {
            "privateEndpointConnections": [
                {
                    "id": agw + "/privateEndpointConnections/c1",
                    "name": "c1",
                    "properties": {
                        "privateEndpoint": {"id": pe},
                        "privateLinkServiceConnectionState": {"status": "Approved"},
                    },
                }
            ]
        },
    }
    estate = Estate.home(SUB_A).add(gateway)
    estate.resolved(THIRD_SUB, THIRD)
    report = report_of(estate, tmp_path, INV)
    tenant = findings_of(report, "unknown-tenant")[THIRD]
    assert channels(tenant) == {"private-endpoint-inbound"}

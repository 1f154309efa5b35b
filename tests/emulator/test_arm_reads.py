"""ARM list and get operations through the real SDK clients: paging, children, scopes."""

from __future__ import annotations

import pytest
import requests
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.managedservices import ManagedServicesClient
from azure.mgmt.managementgroups import ManagementGroupsMgmtClient
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient

from discovery.emulator import running_emulator
from tests.emulator.helpers import (
    ARM_SCOPE,
    HOME,
    SUB_HOME,
    client_kwargs,
    credential,
    extra_resources,
    network_resources,
)

HUB = f"/subscriptions/{SUB_HOME}/resourceGroups/rg1/providers/Microsoft.Network/virtualHubs/virtualHub1"
POLICY = f"/subscriptions/{SUB_HOME}/resourceGroups/rg1/providers/Microsoft.Network/firewallPolicies/policy1"


def _network(emu, **extra):
    return NetworkManagementClient(credential(emu), SUB_HOME, **client_kwargs(emu, **extra))


def _skiptokens(emu) -> list[str]:
    return [r["query"]["$skiptoken"] for r in emu.request_log() if "$skiptoken" in r["query"]]


def test_list_follows_next_link_across_pages_of_page_size(make_estate):
    with running_emulator(make_estate(emulator={"pageSize": 1})) as emu:
        names = [p.name for p in _network(emu).public_ip_addresses.list_all()]
        assert names == ["testDNS-ip", "ip01", "ip02"]
        assert len(_skiptokens(emu)) == 2


def test_relative_next_link_pages_the_same(make_estate):
    with running_emulator(
        make_estate(emulator={"pageSize": 1, "nextLinkStyle": "relative"})
    ) as emu:
        assert len(list(_network(emu).public_ip_addresses.list_all())) == 3
        assert len(_skiptokens(emu)) == 2


def test_edited_page_token_answers_400(make_estate):
    with running_emulator(make_estate(emulator={"pageSize": 1})) as emu:
        list(_network(emu).public_ip_addresses.list_all())
        token = credential(emu).get_token(ARM_SCOPE).token
        response = requests.get(
            f"{emu.arm_url}/subscriptions/{SUB_HOME}/providers/Microsoft.Network/publicIPAddresses",
            params={"api-version": "2026-03-01", "$skiptoken": _skiptokens(emu)[0][:-2] + "AA"},
            headers={"Authorization": f"Bearer {token}"},
            verify=str(emu.ca_file),
            timeout=10,
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "InvalidSkipToken"


def test_resource_types_in_urls_are_case_insensitive_and_answers_canonical(emu):
    token = credential(emu).get_token(ARM_SCOPE).token
    response = requests.get(
        f"{emu.arm_url}/SUBSCRIPTIONS/{SUB_HOME}/providers/microsoft.network/VIRTUALNETWORKS",
        params={"api-version": "2026-03-01"},
        headers={"Authorization": f"Bearer {token}"},
        verify=str(emu.ca_file),
        timeout=10,
    )
    assert response.status_code == 200
    assert {v["type"] for v in response.json()["value"]} == {"Microsoft.Network/virtualNetworks"}


def test_virtual_hub_is_served_without_its_connections_which_the_child_list_gives(emu):
    network = _network(emu)
    raw = network.virtual_hubs.get(
        "rg1", "virtualHub1", cls=lambda response, *_: response.http_response.json()
    )
    assert raw["properties"]["addressPrefix"] == "10.10.1.0/24"
    assert "hubVirtualNetworkConnections" not in raw["properties"]
    connections = list(network.hub_virtual_network_connections.list("rg1", "virtualHub1"))
    assert [c.id for c in connections] == [
        f"{HUB}/hubVirtualNetworkConnections/connection1",
        f"{HUB}/hubVirtualNetworkConnections/connection2",
    ]
    assert connections[0].remote_virtual_network.id.endswith("/virtualNetworks/vnet1")


def test_firewall_policy_names_rule_collection_groups_by_reference_only(emu):
    network = _network(emu)
    policy = network.firewall_policies.get("rg1", "policy1")
    assert [g.id for g in policy.rule_collection_groups] == [f"{POLICY}/ruleCollectionGroups/dnat"]
    raw = network.firewall_policies.get(
        "rg1", "policy1", cls=lambda response, *_: response.http_response.json()
    )
    assert raw["properties"]["ruleCollectionGroups"] == [
        {"id": f"{POLICY}/ruleCollectionGroups/dnat"}
    ]
    groups = list(network.firewall_policy_rule_collection_groups.list("rg1", "policy1"))
    assert groups[0].id == f"{POLICY}/ruleCollectionGroups/dnat"
    assert groups[0].rule_collections[0].rules[0].destination_ports == ["3389"]


def test_vnet_peerings_are_listed_and_read_by_id_from_the_parent(emu):
    network = _network(emu)
    peerings = list(network.virtual_network_peerings.list("rg1", "vnet1"))
    assert len(peerings) == 2
    one = network.virtual_network_peerings.get("rg1", "vnet1", peerings[0].name)
    assert one.id == peerings[0].id


def test_circuit_authorizations_and_global_reach_connections_are_listed(emu):
    network = _network(emu)
    authorizations = list(network.express_route_circuit_authorizations.list("rg1", "circuitName2"))
    assert [a.name for a in authorizations] == ["MyAuthorization2"]
    reach = list(
        network.express_route_circuit_connections.list("rg1", "circuitName2", "AzurePrivatePeering")
    )
    assert len(reach) == 2
    assert reach[0].peer_express_route_circuit_peering.id.startswith(
        "/subscriptions/11111111-1111-1111-1111-111111111111/"
    )


def test_express_route_connections_come_in_one_unpaged_answer(make_estate):
    with running_emulator(make_estate(emulator={"pageSize": 1})) as emu:
        result = _network(emu).express_route_connections.list(
            "resourceGroupName", "expressRouteGatewayName"
        )
        assert [c.name for c in result.value] == ["connectionName"]


def test_child_list_of_a_missing_parent_answers_404(emu):
    with pytest.raises(ResourceNotFoundError):
        list(_network(emu).hub_virtual_network_connections.list("rg1", "no-such-hub"))


def test_resource_groups_are_derived_from_resource_ids(emu):
    client = ResourceManagementClient(credential(emu), SUB_HOME, **client_kwargs(emu))
    names = {g.name.lower() for g in client.resource_groups.list()}
    assert {"rg1", "rg2", "resourcegroupname"} <= names
    assert client.resource_groups.get("RG1").type == "Microsoft.Resources/resourceGroups"


def test_generic_resources_filter_by_type_and_get_by_id(emu):
    client = ResourceManagementClient(credential(emu), SUB_HOME, **client_kwargs(emu))
    hubs = list(client.resources.list(filter="resourceType eq 'Microsoft.Network/virtualHubs'"))
    assert {h.name for h in hubs} == {"virtualHub1", "virtualHub2"}
    got = client.resources.get_by_id(HUB, api_version="2025-09-01")
    assert got.id == HUB


def test_unknown_resource_group_answers_404(emu):
    with pytest.raises(ResourceNotFoundError, match="ResourceGroupNotFound"):
        list(_network(emu).virtual_networks.list("rg-that-is-not-there"))


def test_management_group_tree_expands_children_recursively(emu):
    client = ManagementGroupsMgmtClient(credential(emu), **client_kwargs(emu))
    root = client.management_groups.get(HOME, expand="children", recurse=True)
    platform = root.properties.children[0]
    connectivity = platform.children[0]
    assert (platform.name, connectivity.name) == ("platform", "connectivity")
    assert connectivity.children[0].name == SUB_HOME
    assert connectivity.children[0].type == "/subscriptions"


def test_get_entities_lists_only_the_token_tenants_entities(emu):
    client = ManagementGroupsMgmtClient(credential(emu), **client_kwargs(emu))
    entities = list(client.entities.list())
    assert {e.properties.tenant_id for e in entities} == {HOME}
    assert "partner-root" not in {e.name for e in entities}


def test_lighthouse_registrations_are_listed_at_subscription_scope(make_estate, api_examples):
    estate = make_estate(resources=network_resources(api_examples) + extra_resources(api_examples))
    with running_emulator(estate) as emu:
        client = ManagedServicesClient(credential(emu), **client_kwargs(emu))
        definitions = list(client.registration_definitions.list(scope=f"subscriptions/{SUB_HOME}"))
        assignments = list(client.registration_assignments.list(scope=f"subscriptions/{SUB_HOME}"))
        assert len(definitions) == 1 and len(assignments) == 1
        assert definitions[0].id.startswith(
            f"/subscriptions/{SUB_HOME}/providers/Microsoft.ManagedServices/"
        )


def test_network_manager_connections_at_subscription_and_group_scope(make_estate, api_examples):
    estate = make_estate(resources=extra_resources(api_examples))
    with running_emulator(estate) as emu:
        network = _network(emu)
        at_sub = list(network.subscription_network_manager_connections.list())
        at_group = list(network.management_group_network_manager_connections.list("platform"))
        assert [c.id.split("/providers/Microsoft.Network")[0] for c in at_sub + at_group] == [
            f"/subscriptions/{SUB_HOME}",
            "/providers/Microsoft.Management/managementGroups/platform",
        ]


def test_virtual_machines_are_listed_per_subscription(make_estate, api_examples):
    with running_emulator(make_estate(resources=extra_resources(api_examples))) as emu:
        compute = ComputeManagementClient(credential(emu), SUB_HOME, **client_kwargs(emu))
        assert [vm.name for vm in compute.virtual_machines.list_all()] == ["vm1"]


def test_filtered_generic_list_keeps_its_filter_across_pages(make_estate):
    with running_emulator(make_estate(emulator={"pageSize": 1})) as emu:
        client = ResourceManagementClient(credential(emu), SUB_HOME, **client_kwargs(emu))
        wanted = "resourceType eq 'Microsoft.Network/virtualHubs' or resourceType eq 'Microsoft.Network/firewallPolicies'"
        names = [r.name for r in client.resources.list(filter=wanted)]
        assert names == ["policy1", "virtualHub1", "virtualHub2"]
        assert {r["query"]["$filter"] for r in emu.request_log() if "$filter" in r["query"]} == {
            wanted
        }


def test_management_group_of_another_tenant_answers_403(emu):
    client = ManagementGroupsMgmtClient(credential(emu), **client_kwargs(emu))
    with pytest.raises(HttpResponseError) as caught:
        client.management_groups.get("partner-root")
    assert caught.value.status_code == 403
    assert caught.value.error.code == "AuthorizationFailed"


def test_request_without_api_version_answers_400(emu):
    token = credential(emu).get_token(ARM_SCOPE).token
    response = requests.get(
        f"{emu.arm_url}/subscriptions/{SUB_HOME}/providers/Microsoft.Network/virtualNetworks",
        headers={"Authorization": f"Bearer {token}"},
        verify=str(emu.ca_file),
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "MissingApiVersionParameter"


def test_management_group_list_pages_with_the_at_next_link_key(make_estate):
    with running_emulator(make_estate(emulator={"pageSize": 1})) as emu:
        client = ManagementGroupsMgmtClient(credential(emu), **client_kwargs(emu))
        assert {g.name for g in client.management_groups.list()} == {
            HOME,
            "platform",
            "connectivity",
        }


def test_management_group_descendants_are_every_group_and_subscription_below(emu):
    client = ManagementGroupsMgmtClient(credential(emu), **client_kwargs(emu))
    below = [(d.name, d.type) for d in client.management_groups.get_descendants("platform")]
    assert below == [
        ("connectivity", "Microsoft.Management/managementGroups"),
        (SUB_HOME, "/subscriptions"),
    ]

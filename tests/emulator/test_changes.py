"""The change log: the estate changed while the emulator runs, and the change tables."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.resource.subscriptions import SubscriptionClient
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest

from discovery.emulator import EmulatorHandle, EstateError, running_emulator
from tests.emulator.helpers import client_kwargs, credential

HUB_SUB = "1a2b3c4d-0000-4000-8000-000000000101"
DATA_SUB = "1a2b3c4d-0000-4000-8000-000000000109"
VNET_DATA = (
    f"/subscriptions/{DATA_SUB}/resourceGroups/rg-data-net/providers/"
    "Microsoft.Network/virtualNetworks/vnet-data"
)
NSG_JUMP = (
    "/subscriptions/1a2b3c4d-0000-4000-8000-000000000102/resourceGroups/rg-network/providers/"
    "Microsoft.Network/networkSecurityGroups/nsg-jump"
)
EXTEND = (
    "extend changeTime = todatetime(properties.changeAttributes.timestamp), "
    "targetType = tolower(tostring(properties.targetResourceType))"
)
SINCE = "where changeTime > datetime(2020-01-01T00:00:00Z)"


@pytest.fixture
def emu(sample_estate: Path) -> Iterator[EmulatorHandle]:
    with running_emulator(sample_estate, overrides={"resourceGraphQuota": None}) as handle:
        yield handle


def _changes(emu: EmulatorHandle, table: str, subscriptions: list[str], *more: str) -> list[Any]:
    client = ResourceGraphClient(credential(emu), **client_kwargs(emu))
    query = " | ".join([table, EXTEND, SINCE, *more, "order by changeTime asc"])
    return list(client.resources(QueryRequest(subscriptions=subscriptions, query=query)).data)


def _peering(name: str) -> dict[str, Any]:
    return {
        "id": f"{VNET_DATA}/virtualNetworkPeerings/{name}",
        "name": name,
        "type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
        "properties": {
            "peeringState": "Connected",
            "remoteVirtualNetwork": {
                "id": "/subscriptions/9a8b7c6d-0000-4000-8000-0000000000b1/resourceGroups/"
                "rg/providers/Microsoft.Network/virtualNetworks/vnet-litware"
            },
        },
    }


def test_the_change_tables_start_empty(emu: EmulatorHandle) -> None:
    assert _changes(emu, "resourcechanges", [DATA_SUB]) == []
    assert _changes(emu, "resourcecontainerchanges", [DATA_SUB]) == []


def test_a_peering_put_is_served_inside_its_vnet_and_logged_as_an_update_of_it(
    emu: EmulatorHandle,
) -> None:
    emu.post_changes({"put": [_peering("peer-data-to-litware")]})
    network = NetworkManagementClient(credential(emu), DATA_SUB, **client_kwargs(emu))
    vnet = network.virtual_networks.get("rg-data-net", "vnet-data")
    assert [p.name for p in vnet.virtual_network_peerings] == ["peer-data-to-litware"]
    (row,) = _changes(emu, "resourcechanges", [DATA_SUB])
    props = row["properties"]
    assert props["targetResourceId"] == VNET_DATA
    assert props["changeType"] == "Update"
    assert row["type"] == "microsoft.resources/changes"
    assert row["targetType"] == "microsoft.network/virtualnetworks"
    assert any(k.startswith("properties.virtualNetworkPeerings") for k in props["changes"])
    assert props["changeAttributes"]["changesCount"] == len(props["changes"])


def test_rows_older_than_the_query_time_are_left_out(emu: EmulatorHandle) -> None:
    (row,) = emu.post_changes({"put": [_peering("p1")]})
    later = row["properties"]["changeAttributes"]["timestamp"]
    emu.post_changes({"put": [_peering("p2")]})
    rows = _changes(emu, "resourcechanges", [DATA_SUB])
    client = ResourceGraphClient(credential(emu), **client_kwargs(emu))
    query = f"resourcechanges | {EXTEND} | where changeTime > datetime({later})"
    newer = client.resources(QueryRequest(subscriptions=[DATA_SUB], query=query)).data
    assert len(rows) == 2
    assert len(newer) == 1 and newer[0]["id"] == rows[1]["id"]


def test_a_type_filter_keeps_only_those_targets(emu: EmulatorHandle) -> None:
    emu.post_changes({"delete": [NSG_JUMP]})
    sub = NSG_JUMP.split("/")[2]
    kept = _changes(
        emu, "resourcechanges", [sub], "where targetType in~ ('microsoft.network/virtualnetworks')"
    )
    (deleted,) = _changes(emu, "resourcechanges", [sub])
    assert kept == []
    assert deleted["properties"]["changeType"] == "Delete"
    assert "changes" not in deleted["properties"]


def test_a_deleted_resource_answers_404(emu: EmulatorHandle) -> None:
    emu.post_changes({"delete": [NSG_JUMP]})
    network = NetworkManagementClient(credential(emu), NSG_JUMP.split("/")[2], **client_kwargs(emu))
    with pytest.raises(HttpResponseError) as caught:
        network.network_security_groups.get("rg-network", "nsg-jump")
    assert caught.value.status_code == 404


def test_a_new_subscription_is_listed_and_logged_in_resourcecontainerchanges(
    emu: EmulatorHandle,
) -> None:
    new_sub = "1a2b3c4d-0000-4000-8000-000000000199"
    emu.post_changes(
        {
            "subscriptions": [
                {
                    "id": f"/subscriptions/{new_sub}",
                    "subscriptionId": new_sub,
                    "displayName": "shadow-analytics",
                    "state": "Enabled",
                    "tenantId": emu.tenant_id,
                }
            ]
        }
    )
    listed = SubscriptionClient(credential(emu), **client_kwargs(emu)).subscriptions.list()
    assert new_sub in {s.subscription_id for s in listed}
    (row,) = _changes(emu, "resourcecontainerchanges", [new_sub, HUB_SUB])
    assert row["properties"]["changeType"] == "Create"
    assert row["properties"]["targetResourceType"] == "microsoft.resources/subscriptions"


def test_changes_to_an_unknown_resource_are_refused_with_a_sentence(emu: EmulatorHandle) -> None:
    with pytest.raises(EstateError, match="nothing to delete"):
        emu.post_changes({"delete": [VNET_DATA + "-missing"]})


def test_the_change_query_names_what_it_does_not_support(emu: EmulatorHandle) -> None:
    client = ResourceGraphClient(credential(emu), **client_kwargs(emu))
    with pytest.raises(HttpResponseError, match="where changeTime"):
        client.resources(
            QueryRequest(subscriptions=[DATA_SUB], query=f"resourcechanges | {EXTEND}")
        )

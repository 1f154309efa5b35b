"""Resource Graph: the KQL subset, paging, formats, quota and silent omission."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

from discovery.emulator import running_emulator
from tests.emulator.helpers import (
    HOME,
    SUB_DELEGATED,
    SUB_HOME,
    SUB_PARTNER,
    client_kwargs,
    credential,
    extra_resources,
    network_resources,
)

VNETS = "resources | where type =~ 'Microsoft.Network/virtualNetworks' | order by id asc"


def _graph(emu, **extra) -> ResourceGraphClient:
    return ResourceGraphClient(credential(emu), **client_kwargs(emu, **extra))


def _query(client, query, subscriptions, **options):
    return client.resources(
        QueryRequest(
            subscriptions=subscriptions,
            query=query,
            options=QueryRequestOptions(**options) if options else None,
        )
    )


def test_pages_with_skip_token_until_every_row_is_read(emu):
    client = _graph(emu)
    pages, token = [], None
    while True:
        page = _query(client, "resources | order by id asc", [SUB_HOME], top=4, skip_token=token)
        pages.append(page)
        token = page.skip_token
        if not token:
            break
    ids = [row["id"] for page in pages for row in page.data]
    assert len(pages) > 2
    assert all(p.total_records == len(ids) for p in pages)
    assert ids == sorted(ids, key=str.lower)
    assert len(set(ids)) == len(ids)


def test_table_format_returns_columns_and_rows(emu):
    page = _query(
        _graph(emu),
        "resources | where type in~ ('microsoft.network/virtualhubs') | project id, name, type",
        [SUB_HOME],
        result_format="table",
    )
    assert [c["name"] for c in page.data["columns"]] == ["id", "name", "type"]
    assert [row[1] for row in page.data["rows"]] == ["virtualHub1", "virtualHub2"]


def test_rows_have_lower_cased_type_and_the_graph_columns(emu):
    page = _query(_graph(emu), VNETS, [SUB_HOME])
    row = page.data[0]
    assert row["type"] == "microsoft.network/virtualnetworks"
    assert (row["subscriptionId"], row["tenantId"], row["resourceGroup"]) == (SUB_HOME, HOME, "rg1")
    assert row["properties"]["addressSpace"]["addressPrefixes"]


def test_unreadable_and_denied_subscriptions_are_silently_left_out(make_estate):
    denied = {"deny": {f"/subscriptions/{SUB_DELEGATED}": 403}}
    with (
        running_emulator(make_estate()) as open_emu,
        running_emulator(make_estate(emulator=denied)) as deny_emu,
    ):
        subs = [SUB_HOME, SUB_DELEGATED, SUB_PARTNER]
        seen = {r["subscriptionId"] for r in _query(_graph(open_emu), VNETS, subs).data}
        assert seen == {SUB_HOME, SUB_DELEGATED}
        seen = {r["subscriptionId"] for r in _query(_graph(deny_emu), VNETS, subs).data}
        assert seen == {SUB_HOME}


def test_resourcecontainers_answers_which_subscriptions_are_readable(emu):
    query = "resourcecontainers | where type =~ 'microsoft.resources/subscriptions' | project subscriptionId"
    page = _query(_graph(emu), query, [SUB_HOME, SUB_DELEGATED, SUB_PARTNER])
    assert sorted(r["subscriptionId"] for r in page.data) == sorted([SUB_HOME, SUB_DELEGATED])


def test_network_manager_connections_are_in_networkresources_not_resources(
    make_estate, api_examples
):
    with running_emulator(make_estate(resources=extra_resources(api_examples))) as emu:
        client = _graph(emu)
        wanted = "| where type =~ 'microsoft.network/networkmanagerconnections'"
        assert _query(client, f"networkresources {wanted}", [SUB_HOME]).count == 1
        assert _query(client, f"resources {wanted}", [SUB_HOME]).count == 0


def test_more_than_1000_subscriptions_in_one_request_answers_400(emu):
    subs = [f"00000000-0000-0000-0000-{i:012d}" for i in range(1001)]
    with pytest.raises(HttpResponseError) as caught:
        _query(_graph(emu), VNETS, subs)
    assert caught.value.status_code == 400
    assert "1000" in str(caught.value)


def test_unsupported_query_answers_400_naming_the_part(emu):
    with pytest.raises(HttpResponseError) as caught:
        _query(_graph(emu), "resources | summarize count() by type", [SUB_HOME])
    assert caught.value.status_code == 400
    assert "summarize count() by type" in str(caught.value)


def test_top_above_1000_answers_400(emu):
    with pytest.raises(HttpResponseError) as caught:
        _query(_graph(emu), VNETS, [SUB_HOME], top=1001)
    assert caught.value.status_code == 400


def test_quota_headers_count_down_and_429_with_retry_after_past_it(make_estate, api_examples):
    quota = {"resourceGraphQuota": {"queries": 2, "perSeconds": 60}}
    with running_emulator(
        make_estate(resources=network_resources(api_examples), emulator=quota)
    ) as emu:
        seen: list[dict[str, str]] = []
        client = _graph(emu, retry_total=0)
        hook = {"raw_response_hook": lambda r: seen.append(dict(r.http_response.headers))}
        client.resources(QueryRequest(subscriptions=[SUB_HOME], query=VNETS), **hook)
        client.resources(QueryRequest(subscriptions=[SUB_HOME], query=VNETS), **hook)
        with pytest.raises(HttpResponseError) as caught:
            client.resources(QueryRequest(subscriptions=[SUB_HOME], query=VNETS))
        assert [h["x-ms-user-quota-remaining"] for h in seen] == ["1", "0"]
        assert seen[0]["x-ms-user-quota-resets-after"].startswith("00:0")
        assert caught.value.status_code == 429
        assert int(caught.value.response.headers["Retry-After"]) >= 1


def test_management_group_scope_covers_the_subscriptions_below_it(emu):
    page = _graph(emu).resources(QueryRequest(management_groups=["platform"], query=VNETS))
    assert {r["subscriptionId"] for r in page.data} == {SUB_HOME}
    assert page.total_records == 2

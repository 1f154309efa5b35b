"""Throttling, deny, seeded faults, latency, the read-only promise and the request log."""

from __future__ import annotations

import json
import time

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.resource.subscriptions import SubscriptionClient

from discovery.emulator import running_emulator
from tests.emulator.helpers import SUB_DELEGATED, SUB_HOME, client_kwargs, credential


def _network(emu, subscription=SUB_HOME, **extra):
    return NetworkManagementClient(
        credential(emu), subscription, **client_kwargs(emu, retry_total=0, **extra)
    )


def test_reads_past_the_subscription_bucket_get_429_with_retry_after(make_estate):
    knobs = {"throttle": {"readsBucket": 3, "readsPerSecond": 0.5}}
    with running_emulator(make_estate(emulator=knobs)) as emu:
        remaining: list[str] = []
        network = _network(
            emu,
            raw_response_hook=lambda r: remaining.append(
                r.http_response.headers["x-ms-ratelimit-remaining-subscription-reads"]
            ),
        )
        for _ in range(3):
            list(network.virtual_networks.list_all())
        with pytest.raises(HttpResponseError) as caught:
            list(network.virtual_networks.list_all())
        assert remaining[:3] == ["2", "1", "0"]
        assert caught.value.status_code == 429
        assert caught.value.error.code == "TooManyRequests"
        assert int(caught.value.response.headers["Retry-After"]) == 2


def test_each_subscription_has_its_own_bucket_and_tenant_calls_report_tenant_reads(make_estate):
    knobs = {"throttle": {"readsBucket": 1, "readsPerSecond": 0.1}}
    with running_emulator(make_estate(emulator=knobs)) as emu:
        list(_network(emu, SUB_HOME).virtual_networks.list_all())
        list(_network(emu, SUB_DELEGATED).virtual_networks.list_all())
        headers: list[dict[str, str]] = []
        client = SubscriptionClient(
            credential(emu),
            **client_kwargs(
                emu, raw_response_hook=lambda r: headers.append(dict(r.http_response.headers))
            ),
        )
        list(client.subscriptions.list())
        assert headers[0]["x-ms-ratelimit-remaining-tenant-reads"] == "0"


def test_throttle_null_never_throttles(make_estate):
    with running_emulator(make_estate(emulator={"throttle": None})) as emu:
        network = _network(emu)
        for _ in range(260):  # past the default bucket of 250
            network.virtual_networks.get("rg1", "vnet1")
        assert {r["status"] for r in emu.request_log() if "vnet1" in r["path"]} == {200}


def test_deny_answers_the_configured_status_with_authorization_failed(make_estate):
    knobs = {"deny": {f"/subscriptions/{SUB_HOME}/resourceGroups/rg2": 403}}
    with running_emulator(make_estate(emulator=knobs)) as emu:
        network = _network(emu)
        assert network.virtual_networks.get("rg1", "vnet1").name == "vnet1"
        with pytest.raises(HttpResponseError) as caught:
            network.virtual_networks.get("rg2", "vnet2")
        assert caught.value.status_code == 403
        assert caught.value.error.code == "AuthorizationFailed"


def _statuses_of_a_fixed_crawl(estate, seed: int) -> list[tuple[str, int]]:
    knobs = {"faults": {"seed": seed, "rate5xx": 0.4}}
    with running_emulator(estate, overrides=knobs) as emu:
        network = _network(emu)
        for name in ("vnet1", "vnet2") * 5:
            try:
                network.virtual_networks.get("rg1" if name == "vnet1" else "rg2", name)
            except HttpResponseError as exc:
                assert exc.status_code in (500, 503)
                assert exc.error.code in ("InternalServerError", "ServiceUnavailable")
        return [(r["path"], r["status"]) for r in emu.request_log() if "oauth2" not in r["path"]]


def test_seeded_faults_fail_the_same_requests_again(make_estate):
    estate = make_estate()
    first = _statuses_of_a_fixed_crawl(estate, seed=7)
    again = _statuses_of_a_fixed_crawl(estate, seed=7)
    other = _statuses_of_a_fixed_crawl(estate, seed=8)
    assert first == again
    assert {s for _, s in first} & {500, 503} and 200 in {s for _, s in first}
    assert first != other


def test_faults_never_hit_the_token_endpoint(make_estate):
    with running_emulator(make_estate(emulator={"faults": {"seed": 1, "rate5xx": 1.0}})) as emu:
        credential(emu).get_token("https://management.azure.com/.default")
        assert [r["status"] for r in emu.request_log()] == [200, 200]


def test_latency_delays_every_request(make_estate):
    with running_emulator(make_estate(emulator={"latencyMs": 150})) as emu:
        network = _network(emu)
        network.virtual_networks.get("rg1", "vnet1")
        started = time.monotonic()
        network.virtual_networks.get("rg1", "vnet1")
        assert time.monotonic() - started >= 0.15


def test_writes_answer_405_and_are_logged(emu):
    network = _network(emu)
    with pytest.raises(HttpResponseError) as caught:
        network.virtual_networks.begin_delete("rg1", "vnet1").result()
    assert caught.value.status_code == 405
    assert [r["method"] for r in emu.request_log() if r["status"] == 405] == ["DELETE"]
    assert network.virtual_networks.get("rg1", "vnet1").name == "vnet1"


def test_request_log_records_method_path_query_status_and_tenant_also_as_json_lines(
    make_estate, tmp_path
):
    log_file = tmp_path / "requests.jsonl"
    with running_emulator(make_estate(), request_log_file=log_file) as emu:
        _network(emu).virtual_networks.get("rg1", "vnet1")
        entry = emu.request_log()[-1]
    assert entry["method"] == "GET"
    assert entry["path"].endswith("/virtualNetworks/vnet1")
    assert entry["query"]["api-version"]
    assert entry["status"] == 200
    assert entry["tenant"] == emu.tenant_id
    lines = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert lines[-1] == entry

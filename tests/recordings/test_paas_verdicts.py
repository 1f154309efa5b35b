"""The PaaS verdict (paas-exposure.md) on storage accounts, key vaults, Cosmos DB accounts
and SQL servers exactly as Azure returned them to live Azure CLI tests."""

from __future__ import annotations

from typing import Any

import pytest

from discovery.crawl.paas import child_read
from graph.analysis.paas_exposure import (
    CLOSED,
    CONTAINERS,
    FIREWALL_RULES,
    INTERNET,
    UNKNOWN,
    Endpoint,
    endpoints,
)
from tests.recordings.conftest import RECORDINGS
from tests.recordings.estate import resources

Json = dict[str, Any]


@pytest.fixture(scope="module")
def paas() -> dict[str, list[Json]]:
    """Recorded bodies by lower-cased ARM type (PaaS types only)."""
    if not (RECORDINGS / "resources.jsonl.gz").is_file():
        pytest.skip(
            f"{RECORDINGS} is absent: the real-responses suite needs ../shared beside the repo"
        )
    out: dict[str, list[Json]] = {}
    for body in resources(RECORDINGS):
        out.setdefault(str(body.get("type", "")).lower(), []).append(body)
    return out


def verdicts(body: Json, children: Json | None = None) -> list[Endpoint]:
    return endpoints(
        str(body["type"]), body.get("properties"), children or {}, str(body.get("kind") or "")
    )


def by_name(bodies: list[Json], name: str) -> Json:
    return next(b for b in bodies if b["name"] == name)


def test_recorded_storage_accounts_allowing_all_networks_are_internet_on_every_endpoint(
    paas: dict[str, list[Json]],
) -> None:
    accounts = paas["microsoft.storage/storageaccounts"]
    assert accounts
    for body in accounts:
        found = verdicts(body, {CONTAINERS: []})
        listed = set(body["properties"]["primaryEndpoints"]) - {"web"}
        assert {e.service for e in found} == {f"storage-{k}" for k in listed}, body["name"]
        assert {e.result for e in found} == {INTERNET}, body["name"]


def test_recorded_storage_account_allowing_anonymous_access_asks_for_its_containers(
    paas: dict[str, list[Json]],
) -> None:
    accounts = paas["microsoft.storage/storageaccounts"]
    allowing = [b for b in accounts if b["properties"].get("allowBlobPublicAccess") is not False]
    refusing = [b for b in accounts if b["properties"].get("allowBlobPublicAccess") is False]
    assert allowing and refusing
    assert {getattr(child_read(b), "key", None) for b in allowing} == {CONTAINERS}
    assert {child_read(b) for b in refusing} == {None}


def test_recorded_key_vaults_without_network_acls_are_internet(paas: dict[str, list[Json]]) -> None:
    vaults = [
        b for b in paas["microsoft.keyvault/vaults"] if not b["properties"].get("networkAcls")
    ]
    assert vaults
    assert {verdicts(b)[0].result for b in vaults} == {INTERNET}


def test_recorded_cosmos_account_with_public_access_disabled_is_closed(
    paas: dict[str, list[Json]],
) -> None:
    accounts = paas["microsoft.documentdb/databaseaccounts"]
    disabled = [b for b in accounts if b["properties"].get("publicNetworkAccess") == "Disabled"]
    enabled = [b for b in accounts if b["properties"].get("publicNetworkAccess") == "Enabled"]
    assert disabled and enabled
    assert {verdicts(b)[0].result for b in disabled} == {CLOSED}
    # No IP rules and no virtual network filter: all networks (Learn, Cosmos DB firewall).
    assert {verdicts(b)[0].result for b in enabled} == {INTERNET}


def test_recorded_sql_server_needs_its_firewall_rules_before_a_verdict(
    paas: dict[str, list[Json]],
) -> None:
    servers = paas["microsoft.sql/servers"]
    assert servers
    for body in servers:
        read = child_read(body)
        assert read is not None and read.key == FIREWALL_RULES
        assert verdicts(body)[0].result == UNKNOWN
        assert verdicts(body, {FIREWALL_RULES: []})[0].result == CLOSED

"""identity-links.md, what is read: both crawl modes against the emulator."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from discovery.crawl.roundtrip import compare_snapshots
from discovery.emulator import running_emulator
from discovery.estates import identity_source as ids
from discovery.redact import Redactor
from tests.crawl.helpers import MODES, crawl_emulator, edit_json, read_json, resource_lines

IDENTITY = (
    f"/subscriptions/{ids.PROD}/resourceGroups/deploy/providers/"
    "Microsoft.ManagedIdentity/userAssignedIdentities/deploy"
)


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    return ids.write_identity_estate(tmp_path / "estate")


@pytest.mark.parametrize("mode", MODES)
def test_every_identity_channel_is_read_whole_in_both_modes(
    estate: Path, tmp_path: Path, tmp_state: Path, mode: str
) -> None:
    with running_emulator(estate) as emu:
        result = crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
    assert result.complete, result.errors
    problems = compare_snapshots(estate, tmp_path / "snap", redactor=Redactor(tmp_state))
    assert problems == []
    kinds = Counter(r["type"] for r in resource_lines(tmp_path / "snap"))
    assert (
        kinds["Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials"] == 5
    )
    assert kinds["Microsoft.Storage/storageAccounts/objectReplicationPolicies"] == 2
    assert kinds["Microsoft.Storage/storageAccounts"] == 3  # none has a private endpoint


@pytest.mark.parametrize("mode", MODES)
def test_child_lists_are_one_call_per_identity_or_replicating_account(
    estate: Path, tmp_path: Path, tmp_state: Path, mode: str
) -> None:
    with running_emulator(estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
        paths = [e["path"].lower() for e in emu.request_log()]
    credentials = [p for p in paths if p.endswith("/federatedidentitycredentials")]
    policies = [p for p in paths if p.endswith("/objectreplicationpolicies")]
    assert len(credentials) == 2  # two identities
    assert len(policies) == 3  # three StorageV2 accounts


def test_a_hierarchical_namespace_account_gets_no_replication_call(
    estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    lines = (estate / "resources.jsonl").read_text().splitlines()
    lake = [line for line in lines if "contosokeyed" in line and '"storageAccounts/' not in line]
    assert len(lake) == 1
    patched = lake[0].replace('"allowCrossTenantReplication":false', '"isHnsEnabled":true')
    (estate / "resources.jsonl").write_text(
        "\n".join(patched if line == lake[0] else line for line in lines) + "\n"
    )
    with running_emulator(estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, "resource-graph")
        paths = [e["path"].lower() for e in emu.request_log()]
    assert not any("contosokeyed/objectreplicationpolicies" in p for p in paths)


@pytest.mark.parametrize("mode", MODES)
def test_subscriptions_the_channels_name_are_resolved_like_linked_ones(
    estate: Path, tmp_path: Path, tmp_state: Path, mode: str
) -> None:
    with running_emulator(estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
    foreign = {f["subscriptionId"]: f for f in read_json(tmp_path / "snap", "foreign.json")}
    assert foreign[ids.FABRIKAM_SUB]["tenantId"] == ids.FABRIKAM  # private link visibility
    assert foreign[ids.LITWARE_SUB]["tenantId"] == ids.LITWARE  # auto-approval, replication
    assert any(
        "objectReplicationPolicies/to-litware" in owner
        for owner in foreign[ids.LITWARE_SUB]["referencedBy"]
    )


@pytest.mark.parametrize("mode", MODES)
def test_a_denied_credential_list_leaves_its_subscription_not_read_completely(
    estate: Path, tmp_path: Path, tmp_state: Path, mode: str
) -> None:
    edit_json(
        estate / "emulator.json",
        lambda e: e["deny"].update({f"{IDENTITY}/federatedIdentityCredentials": 403}),
    )
    with running_emulator(estate) as emu:
        result = crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
    (entry,) = [e for e in result.errors if e["operation"] == "FederatedIdentityCredentials_List"]
    assert entry["scope"] == f"/subscriptions/{ids.PROD}" and entry["status"] == 403
    manifest = read_json(tmp_path / "snap", "manifest.json")
    assert ids.PROD not in manifest["subscriptionsCrawled"]
    assert ids.DEV in manifest["subscriptionsCrawled"]

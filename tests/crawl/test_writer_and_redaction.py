"""The snapshot writer sorts without holding everything and publishes atomically; redaction is keyed."""

from __future__ import annotations

import json
import random
from pathlib import Path

from discovery.redact import Redactor
from discovery.snapshot_writer import SnapshotWriter


def _resource(i: int) -> dict:
    return {
        "id": f"/subscriptions/s/resourceGroups/R{i % 7}/providers/Microsoft.Network/virtualNetworks/V{i:05d}",
        "type": "Microsoft.Network/virtualNetworks" if i % 3 else "Microsoft.Network/routeTables",
        "name": f"V{i:05d}",
        "properties": {"n": i},
    }


def test_resources_are_sorted_by_lower_cased_id_across_spilled_runs(
    tmp_path: Path, tmp_state: Path
) -> None:
    writer = SnapshotWriter(tmp_path / "snap", Redactor(tmp_state), buffer_bytes=4096)
    items = [_resource(i) for i in range(2000)]
    random.Random(5).shuffle(items)
    for item in items:
        writer.add_resource(item)
    assert len(list((Path(writer._tmp) / ".runs").iterdir())) > 10
    manifest = writer.commit({"tenantsCrawled": [], "subscriptionsCrawled": []})
    lines = (tmp_path / "snap" / "resources.jsonl").read_text().splitlines()
    ids = [json.loads(line)["id"].lower() for line in lines]
    assert ids == sorted(ids) and len(ids) == 2000
    assert manifest["counts"] == {
        "resources": 2000,
        "byType": {
            "microsoft.network/routetables": 667,
            "microsoft.network/virtualnetworks": 1333,
        },
    }
    assert not (tmp_path / "snap" / ".runs").exists()


def test_a_resource_seen_twice_is_written_once(tmp_path: Path, tmp_state: Path) -> None:
    writer = SnapshotWriter(tmp_path / "snap", Redactor(tmp_state), buffer_bytes=200)
    for _ in range(3):
        writer.add_resource(_resource(1))
    writer.commit({})
    assert len((tmp_path / "snap" / "resources.jsonl").read_text().splitlines()) == 1


def test_an_aborted_snapshot_leaves_the_previous_one_and_no_debris(
    tmp_path: Path, tmp_state: Path
) -> None:
    first = SnapshotWriter(tmp_path / "snap", Redactor(tmp_state))
    first.add_resource(_resource(1))
    first.commit({})
    before = (tmp_path / "snap" / "resources.jsonl").read_bytes()
    second = SnapshotWriter(tmp_path / "snap", Redactor(tmp_state))
    second.add_resource(_resource(2))
    second.abort()
    assert (tmp_path / "snap" / "resources.jsonl").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap", "state"]


def test_secrets_become_keyed_stable_markers(tmp_state: Path, tmp_path: Path) -> None:
    redactor = Redactor(tmp_state)
    payload = {
        "properties": {
            "serviceKey": "s3cret",
            "sharedKey": "s3cret",
            "vpnSiteLinks": [{"properties": {"psk": "other"}}],
            "adminPassword": "pw",
            "clientSecret": "cs",
            "storageKey": {"not": "a string"},
            "name": "s3cret",
        }
    }
    redactor.redact(payload)
    props = payload["properties"]
    assert props["serviceKey"] == props["sharedKey"]
    assert props["serviceKey"].startswith("<redacted:") and len(props["serviceKey"]) == 27
    assert props["vpnSiteLinks"][0]["properties"]["psk"] != props["serviceKey"]
    assert props["adminPassword"].startswith("<redacted:")
    assert props["clientSecret"].startswith("<redacted:")
    assert props["storageKey"] == {"not": "a string"}
    assert props["name"] == "s3cret"
    again = json.loads(json.dumps(payload))
    assert redactor.redact(again) == payload
    other_install = Redactor(tmp_path / "other-state")
    assert other_install.mask("s3cret") != props["serviceKey"]
    assert Redactor(tmp_state).mask("s3cret") == props["serviceKey"]


def test_the_secret_pre_check_never_skips_a_secret(tmp_state: Path) -> None:
    from discovery.redact import may_hold_secret
    from discovery.snapshot_writer import dump_line

    for name in (
        "serviceKey",
        "authorizationKey",
        "sharedKey",
        "psk",
        "PSK",
        "adminPassword",
        "x_secret",
    ):
        assert may_hold_secret(dump_line({"properties": {"a": [{name: "v"}]}})), name
    assert not may_hold_secret(dump_line({"properties": {"keyVault": {"id": "x"}, "name": "key"}}))

"""What the crawler promises whatever the estate: it only reads, leaks no secret, reports gaps."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import pytest

from discovery.emulator import running_emulator
from tests.crawl.helpers import MODES, crawl_emulator, estate_secrets, read_json

DENIED = "1a2b3c4d-0000-4000-8000-000000000108"
READ_POSTS = {
    "/providers/microsoft.resourcegraph/resources",
    "/providers/microsoft.management/getentities",
}


@pytest.mark.parametrize("mode", MODES)
def test_only_gets_and_the_two_read_posts_leave_the_crawler(
    sample_estate: Path, tmp_path: Path, tmp_state: Path, mode: str
) -> None:
    with running_emulator(sample_estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
        log = [e for e in emu.request_log() if "/oauth2/" not in e["path"]]
    assert log
    assert {e["method"] for e in log} <= {"GET", "POST"}
    assert {e["path"].lower() for e in log if e["method"] == "POST"} <= READ_POSTS
    assert all(e["status"] != 405 for e in log)


@pytest.mark.parametrize("mode", MODES)
def test_no_secret_of_the_estate_appears_in_any_written_file(
    sample_estate: Path,
    tmp_path: Path,
    tmp_state: Path,
    mode: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secrets = estate_secrets(sample_estate)
    assert len(secrets) >= 5
    caplog.set_level(logging.DEBUG, logger="tenantmap")
    with running_emulator(sample_estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
    written = b"".join(p.read_bytes() for p in (tmp_path / "snap").rglob("*") if p.is_file())
    written += caplog.text.encode()
    leaked = [s for s in secrets if s.encode() in written]
    assert leaked == []
    assert b"<redacted:" in written


def test_the_redaction_key_is_created_readable_by_its_owner_only(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    with running_emulator(sample_estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, "resource-graph")
    mode = stat.S_IMODE((tmp_state / "redaction.key").stat().st_mode)
    assert mode == 0o600


@pytest.mark.parametrize("mode", MODES)
def test_a_denied_subscription_is_reported_and_the_rest_completes(
    sample_estate: Path, tmp_path: Path, tmp_state: Path, mode: str
) -> None:
    with running_emulator(sample_estate) as emu:
        result = crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
    manifest = read_json(tmp_path / "snap", "manifest.json")
    errors = read_json(tmp_path / "snap", "errors.json")
    listed = {s["subscriptionId"] for s in read_json(tmp_path / "snap", "subscriptions.json")}
    assert DENIED not in manifest["subscriptionsCrawled"]
    assert set(manifest["subscriptionsCrawled"]) == listed - {DENIED}
    assert {e["scope"] for e in errors} == {f"/subscriptions/{DENIED}"}
    assert all(set(e) == {"scope", "operation", "status", "code", "message", "at"} for e in errors)
    assert not result.complete
    assert manifest["tenantsCrawled"] == [emu.tenant_id]


def test_the_manifest_names_source_principal_and_counts(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    with running_emulator(sample_estate) as emu:
        result = crawl_emulator(emu, tmp_path / "snap", tmp_state, "arm")
        manifest = read_json(tmp_path / "snap", "manifest.json")
        assert manifest["source"] == {"kind": "arm", "endpoint": emu.arm_url, "cloud": None}
        assert manifest["principal"] == {"tenantId": emu.tenant_id, "clientId": emu.client_id}
    lines = (tmp_path / "snap" / "resources.jsonl").read_text().splitlines()
    assert manifest["format"] == "tenantmap.snapshot/1"
    assert manifest["counts"]["resources"] == len(lines) == result.counts["resources"]
    assert sum(manifest["counts"]["byType"].values()) == len(lines)


def test_without_a_terminal_progress_is_one_log_line_per_step(
    sample_estate: Path, tmp_path: Path, tmp_state: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tenantmap.crawl")
    with running_emulator(sample_estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, "resource-graph", progress=True)
    messages = [r.getMessage() for r in caplog.records if r.name == "tenantmap.crawl"]
    listed = read_json(tmp_path / "snap", "subscriptions.json")
    per_subscription = [m for m in messages if m.startswith("subscription ")]
    assert len(per_subscription) == len(listed)
    assert any(m.startswith("snapshot written to") for m in messages)


def test_one_failed_child_list_fails_its_subscription_and_keeps_the_parent(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    hub = next(
        r
        for r in (
            json.loads(line)
            for line in (sample_estate / "resources.jsonl").read_text().splitlines()
            if line.strip()
        )
        if r["type"].lower() == "microsoft.network/virtualhubs"
    )
    subscription = hub["id"].split("/")[2].lower()
    with running_emulator(sample_estate, overrides={"deny": {hub["id"]: 403}}) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, "arm")
    manifest = read_json(tmp_path / "snap", "manifest.json")
    errors = read_json(tmp_path / "snap", "errors.json")
    written = {
        json.loads(line)["id"].lower()
        for line in (tmp_path / "snap" / "resources.jsonl").read_text().splitlines()
    }
    assert hub["id"].lower() in written
    assert subscription not in manifest["subscriptionsCrawled"]
    assert any(
        e["operation"] == "HubVirtualNetworkConnections_List" and e["status"] == 403 for e in errors
    )
    listed = {s["subscriptionId"] for s in read_json(tmp_path / "snap", "subscriptions.json")}
    # the override replaces the estate's deny map: only the hub's subscription fails
    assert set(manifest["subscriptionsCrawled"]) == listed - {subscription}

"""Throttling, server faults, short-lived tokens and timeouts still end in an honest snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from discovery.crawl.roundtrip import compare_snapshots
from discovery.emulator import running_emulator
from discovery.redact import Redactor
from tests.crawl.helpers import MODES, crawl_emulator, read_json


@pytest.mark.parametrize("mode", MODES)
def test_throttled_crawl_gives_the_same_snapshot(
    sample_estate: Path, tmp_path: Path, tmp_state: Path, mode: str
) -> None:
    overrides = {
        "throttle": {"readsBucket": 10, "readsPerSecond": 10},
        "resourceGraphQuota": {"queries": 2, "perSeconds": 1},
    }
    with running_emulator(sample_estate, overrides=overrides) as emu:
        result = crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
        statuses = [e["status"] for e in emu.request_log()]
    assert compare_snapshots(sample_estate, tmp_path / "snap", redactor=Redactor(tmp_state)) == []
    # the crawl really met the limits: it slowed down, or got 429 and retried after Retry-After
    assert result.paced_seconds > 0 or 429 in statuses
    assert result.throttled == statuses.count(429)
    errors = read_json(tmp_path / "snap", "errors.json")
    assert all(e["status"] != 429 for e in errors)


@pytest.mark.parametrize("mode", MODES)
def test_server_faults_are_retried_to_the_same_snapshot(
    sample_estate: Path, tmp_path: Path, tmp_state: Path, mode: str
) -> None:
    overrides = {"faults": {"seed": 3, "rate5xx": 0.25}}
    with running_emulator(sample_estate, overrides=overrides) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
        statuses = [e["status"] for e in emu.request_log()]
    assert {500, 503} & set(statuses)
    assert compare_snapshots(sample_estate, tmp_path / "snap", redactor=Redactor(tmp_state)) == []


def test_tokens_are_renewed_when_the_crawl_outlives_them(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    overrides = {"tokenLifetimeSeconds": 2, "latencyMs": 60}
    with running_emulator(sample_estate, overrides=overrides) as emu:
        result = crawl_emulator(emu, tmp_path / "snap", tmp_state, "arm", concurrency=8)
        log = emu.request_log()
    token_requests = [e for e in log if e["path"].endswith("/oauth2/v2.0/token")]
    assert len(token_requests) > 1
    assert compare_snapshots(sample_estate, tmp_path / "snap", redactor=Redactor(tmp_state)) == []
    assert not result.timed_out


@pytest.mark.parametrize("mode", MODES)
def test_timeout_stops_the_crawl_and_records_what_was_not_read(
    sample_estate: Path, tmp_path: Path, tmp_state: Path, mode: str
) -> None:
    with running_emulator(sample_estate, overrides={"latencyMs": 300}) as emu:
        result = crawl_emulator(emu, tmp_path / "snap", tmp_state, mode, timeout=1.0, concurrency=4)
    manifest = read_json(tmp_path / "snap", "manifest.json")
    errors = read_json(tmp_path / "snap", "errors.json")
    listed = {s["subscriptionId"] for s in read_json(tmp_path / "snap", "subscriptions.json")}
    timeouts = {e["scope"] for e in errors if e["code"] == "Timeout"}
    assert result.timed_out and not result.complete
    assert timeouts
    unread = listed - set(manifest["subscriptionsCrawled"])
    failed = {
        e["scope"].rsplit("/", 1)[-1] for e in errors if e["scope"].startswith("/subscriptions/")
    }
    assert unread <= failed
    assert result.errors == errors


def test_a_token_refused_as_expired_is_replaced_and_the_call_repeated(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    # the token endpoint says an hour, the emulator refuses the token after 1 s
    overrides = {"tokenLifetimeSeconds": 1, "tokenReportedLifetimeSeconds": 3600, "latencyMs": 40}
    with running_emulator(sample_estate, overrides=overrides) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, "arm", concurrency=8)
        log = emu.request_log()
    assert any(e["status"] == 401 for e in log if "/oauth2/" not in e["path"])
    assert compare_snapshots(sample_estate, tmp_path / "snap", redactor=Redactor(tmp_state)) == []

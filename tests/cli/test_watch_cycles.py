"""`tenantmap watch --once`: the cycle's rules (docs/spec/watch.md) one at a time, each on
its own emulator and state folder, through the real SDKs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from discovery.emulator import EmulatorHandle, running_emulator
from graph.stores.lock import StateLock
from tenantmap.watch import demo_change
from tests.cli.helpers import SUMMARY, Result, emulator_env, one_sentence_error, tenantmap
from tests.cli.test_watch import TAILSPIN_SUB, TAILSPIN_TENANT

PEERING = demo_change()["put"][0]  # prod-data's VNet peered with Tailspin's


@dataclass
class Site:
    emu: EmulatorHandle
    state: Path
    env: dict[str, str]
    common: list[str]

    def run(self) -> Result:
        return tenantmap("run", *self.common, env=self.env)

    def watch(self, log_format: str = "json") -> Result:
        return tenantmap("watch", "--once", "--log-format", log_format, *self.common, env=self.env)


def cycles(result: Result) -> list[dict[str, Any]]:
    docs = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    return [doc["cycle"] for doc in docs if "cycle" in doc]


@pytest.fixture
def site(sample_estate: Path, tmp_path: Path) -> Iterator[Site]:
    overrides = {"foreignSubscriptions": {TAILSPIN_SUB: TAILSPIN_TENANT}}
    with running_emulator(sample_estate, overrides=overrides) as emu:
        env = emulator_env(emu)
        common = [
            "--inventory",
            str(sample_estate / "inventory.yaml"),
            "--state-dir",
            str(tmp_path / "state"),
            "--now",
            "2026-11-27",
        ]
        yield Site(emu, tmp_path / "state", env, common)


def test_without_a_completed_run_it_exits_2_and_says_to_run_first(site: Site) -> None:
    result = site.watch("text")
    assert result.code == 2
    assert "run `tenantmap run` first" in one_sentence_error(result)


def test_a_cycle_while_the_nightly_run_holds_the_state_lock_is_skipped_with_a_log_line(
    site: Site,
) -> None:
    assert site.run().code == 0
    lock = StateLock(site.state)
    lock.acquire()
    try:
        result = site.watch()
    finally:
        lock.release()
    assert result.code == 0, result.stderr
    (cycle,) = cycles(result)
    assert cycle["outcome"] == "skipped"
    assert "nightly run holds the state lock" in result.stderr


def test_a_second_watch_on_the_same_state_folder_exits_4(site: Site) -> None:
    assert site.run().code == 0
    lock = StateLock(site.state, "tenantmap-watch.lock")
    lock.acquire()
    try:
        result = site.watch("text")
    finally:
        lock.release()
    assert result.code == 4
    assert "another tenantmap watch" in one_sentence_error(result)


def test_a_throttled_change_query_fails_its_tenant_and_the_next_cycle_catches_up(
    site: Site,
) -> None:
    assert site.run().code == 0
    throttled = {
        "path": "/providers/Microsoft.ResourceGraph/resources",
        "fault": "retryAfter",
        "query": "resourcechanges",
        "retryAfter": 3600,
    }
    site.emu.post_changes({"tamper": [throttled], "put": [PEERING]})
    failed = site.watch()
    assert failed.code == 3, failed.stderr
    (first,) = cycles(failed)
    assert first["outcome"] == "partial"
    assert {e["scope"] for e in first["errors"]} == {f"/tenants/{site.emu.tenant_id}"}
    assert first["findingsRaised"] == []

    site.emu.post_changes({"tamper": []})
    caught_up = site.watch()
    assert caught_up.code == 0, caught_up.stderr
    (second,) = cycles(caught_up)
    assert second["changesSeen"] == 1 and second["itemsReread"] == 1
    raised = {(f["kind"], f["subject"]) for f in second["findingsRaised"]}
    assert ("unknown-tenant", TAILSPIN_TENANT) in raised


def test_an_idle_cycle_writes_nothing_and_raises_nothing(site: Site) -> None:
    assert site.run().code == 0
    result = site.watch()
    assert result.code == 0, result.stderr
    (cycle,) = cycles(result)
    assert cycle["changesSeen"] == 0
    assert cycle["elementsWritten"] == 0
    assert cycle["findingsRaised"] == []


def test_a_change_mailed_once_is_not_raised_again_by_the_next_cycle(site: Site) -> None:
    assert site.run().code == 0
    site.emu.post_changes({"put": [PEERING]})
    first = cycles(site.watch())[0]
    second = cycles(site.watch())[0]
    assert first["findingsRaised"] and second["findingsRaised"] == []
    assert second["changesSeen"] == 0  # read again in the overlap, counted once


@pytest.mark.neo4j
def test_on_neo4j_a_new_peering_is_written_in_place_and_raised(
    site: Site, neo4j_empty_uri: str
) -> None:
    site.common += ["--store", neo4j_empty_uri]
    assert site.run().code == 0
    site.emu.post_changes({"put": [PEERING]})
    result = site.watch()
    assert result.code == 0, result.stderr
    (cycle,) = cycles(result)
    assert cycle["elementsWritten"] >= 1
    raised = {(f["kind"], f["subject"]) for f in cycle["findingsRaised"]}
    assert ("unknown-tenant", TAILSPIN_TENANT) in raised


def test_demo_watch_shows_a_change_arriving_and_its_alert(tmp_path: Path) -> None:
    result = tenantmap("demo", "--watch", "--out", str(tmp_path / "demo"))
    assert result.code == 0, result.stderr
    assert "watch alert (new, high): Unknown tenant" in result.stdout
    assert "1 change(s) seen" in result.stderr
    assert (tmp_path / "demo" / "state" / "watch" / "report" / "report.html").is_file()


def test_demo_watch_night_raises_what_the_plain_demo_raises(tmp_path: Path) -> None:
    """The watch demo adds foreign subscriptions to the emulator; the sample's own must
    stay resolvable, or its night raises other findings than `tenantmap demo`."""
    watch = tenantmap("demo", "--watch", "--out", str(tmp_path / "watch"))
    plain = tenantmap("demo", "--out", str(tmp_path / "plain"))
    night = [line for line in plain.stderr.splitlines() if SUMMARY.match(line)]
    assert len(night) == 1 and night[0] in watch.stderr.splitlines()

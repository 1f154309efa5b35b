"""governance.md: `worsened` when a control goes from present to missing since the last run."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from graph.analysis import analyse
from graph.build import build_graph
from graph.crawl_record import crawl_record
from graph.inventory import load_inventory
from graph.snapshot import load_snapshot
from tests.crawl.helpers import copy_estate

WEB = "1a2b3c4d-0000-4000-8000-000000000103"
KEYVAULTS = f"/subscriptions/{WEB}/providers/Microsoft.Security/pricings/KeyVaults"


def _report(estate: Path, previous: dict[str, Any] | None, night: int) -> dict[str, Any]:
    snap = load_snapshot(estate)
    run = {"id": f"night{night}", "startedAt": f"2026-11-2{night}T02:00:00Z"}
    return analyse(
        build_graph(snap),
        crawl_record(snap),
        load_inventory(estate / "inventory.yaml"),
        today=dt.date(2026, 11, 27),
        run=run,
        previous=previous,
    )


def _switch_off(estate: Path, resource_id: str) -> None:
    path = estate / "resources.jsonl"
    lines = []
    for line in path.read_text().splitlines():
        item = json.loads(line)
        if item["id"] == resource_id:
            item["properties"] = {"pricingTier": "Free", "freeTrialRemainingTime": "PT0S"}
        lines.append(json.dumps(item))
    path.write_text("\n".join(lines) + "\n")


def _gap(report: dict[str, Any], subscription: str) -> dict[str, Any]:
    (found,) = [
        f
        for f in report["findings"]
        if f["kind"] == "governance-gap" and f["subject"] == subscription
    ]
    return found


def test_a_control_switched_off_since_last_night_worsens_the_open_gap(
    sample_estate: Path, tmp_path: Path
) -> None:
    first = _report(sample_estate, None, 6)
    estate = copy_estate(sample_estate, tmp_path / "estate")
    _switch_off(estate, KEYVAULTS)
    second = _report(estate, first, 7)
    gap = _gap(second, WEB)
    assert gap["status"] == "existing"
    assert gap["worsened"] == {"missing": ["defender:KeyVaults"]}


def test_an_unchanged_gap_is_not_worsened(sample_estate: Path) -> None:
    first = _report(sample_estate, None, 6)
    second = _report(sample_estate, first, 7)
    assert "worsened" not in _gap(second, WEB)

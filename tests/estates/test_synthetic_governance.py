"""The synthetic generator's governance data: valid layout, exact counts, crawlable in both modes."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from discovery.crawl.roundtrip import compare_snapshots
from discovery.emulator import running_emulator
from discovery.estates.synthetic import generate_estate
from discovery.redact import Redactor
from tests.crawl.helpers import MODES, crawl_emulator
from tests.estates.layout import layout_problems


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_estate(
        tmp_path_factory.mktemp("synthetic") / "estate",
        tenants=2,
        subscriptions=12,
        resources=400,
        seed=7,
        governance=True,
        role_assignments=60,
        policy_assignments=30,
    )


def _types(estate: Path) -> Counter[str]:
    lines = (estate / "resources.jsonl").read_text().splitlines()
    return Counter(json.loads(line)["type"] for line in lines if line.strip())


def test_the_governance_estate_follows_the_snapshot_layout(estate: Path) -> None:
    assert layout_problems(estate) == []


def test_role_and_policy_assignments_come_in_the_numbers_asked(estate: Path) -> None:
    types = _types(estate)
    assert types["Microsoft.Authorization/roleAssignments"] == 60
    assert types["Microsoft.Authorization/policyAssignments"] == 30
    assert types["Microsoft.Security/pricings"] == 12 * 5
    assert types["Microsoft.Subscription/policies"] == 2


@pytest.mark.parametrize("mode", MODES)
def test_the_governance_estate_round_trips(
    estate: Path, tmp_path: Path, tmp_state: Path, mode: str
) -> None:
    with running_emulator(estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
    assert compare_snapshots(estate, tmp_path / "snap", redactor=Redactor(tmp_state)) == []

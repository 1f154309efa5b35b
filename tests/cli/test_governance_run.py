"""governance.md end to end: `tenantmap run` against the emulator, both crawl modes, real processes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import graph.analysis
from tests.cli.helpers import tenantmap
from tests.crawl.helpers import copy_estate, edit_json

SCHEMA_PATH = Path(graph.analysis.__file__).parent / "report.schema.json"
PAYMENTS = "1a2b3c4d-0000-4000-8000-000000000102"
EXPECTED = {
    # subscription: missing controls (README "Governance")
    "1a2b3c4d-0000-4000-8000-000000000103": ["defender:VirtualMachines"],
    "1a2b3c4d-0000-4000-8000-000000000109": ["security-contact"],
    "1a2b3c4d-0000-4000-8000-000000000110": ["reader:secops-team"],
    "1a2b3c4d-0000-4000-8000-000000000108": [],  # denied: all unknown
    "0d1e2f3a-0000-4000-8000-00000000000a": [],  # partner, unreadable: all unknown
}


def _run(estate: Path, out: Path, mode: str) -> dict[str, Any]:
    result = tenantmap(
        "run",
        "--estate",
        str(estate),
        "--inventory",
        str(estate / "inventory.yaml"),
        "--state-dir",
        str(out / "state"),
        "--out",
        str(out / "report"),
        "--source",
        mode,
        "--now",
        "2026-11-27",
    )
    assert result.code in (0, 3), result.stderr  # 3: legacy-erp is denied (partial)
    report: dict[str, Any] = json.loads((out / "report" / "report.json").read_text())
    return report


def _gaps(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["subject"]: f for f in report["findings"] if f["kind"] == "governance-gap"}


@pytest.mark.parametrize("mode", ["resource-graph", "arm"])
def test_a_nightly_run_shows_every_governance_case_with_its_evidence(
    sample_estate: Path, tmp_path: Path, mode: str
) -> None:
    report = _run(sample_estate, tmp_path, mode)
    jsonschema.validate(report, json.loads(Path(SCHEMA_PATH).read_text()))
    gaps = _gaps(report)
    for subscription, missing in EXPECTED.items():
        assert gaps[subscription]["details"]["missing"] == missing, subscription
        assert gaps[subscription]["evidence"], subscription
    assert PAYMENTS not in gaps
    tenant_gaps = [f for f in report["findings"] if f["kind"] == "tenant-control-gap"]
    assert [f["details"]["missing"] for f in tenant_gaps] == [["block-subscriptions-entering"]]
    assert report["governance"]["totals"]["security-contact"]["missing"] >= 2
    markdown = (tmp_path / "report" / "report.md").read_text()
    assert "## Governance" in markdown and "prod-data" in markdown


@pytest.mark.parametrize("mode", ["resource-graph", "arm"])
def test_a_denied_governance_read_gives_unknown_never_a_false_gap(
    sample_estate: Path, tmp_path: Path, mode: str
) -> None:
    estate = copy_estate(sample_estate, tmp_path / "estate")
    denied = f"/subscriptions/{PAYMENTS}/providers/Microsoft.Security/securityContacts"
    edit_json(estate / "emulator.json", lambda e: e["deny"].update({denied: 403}))
    report = _run(estate, tmp_path / "out", mode)
    gap = _gaps(report)[PAYMENTS]
    assert gap["details"]["missing"] == []
    assert gap["details"]["unknown"] == ["security-contact"]
    (row,) = [r for r in report["governance"]["rows"] if r["subscription"] == PAYMENTS]
    assert row["controls"]["security-contact"] == "unknown"


def test_query_governance_gives_the_rows_of_the_reports_matrix(
    sample_estate: Path, tmp_path: Path
) -> None:
    report = _run(sample_estate, tmp_path, "resource-graph")
    result = tenantmap(
        "query", "governance", "--state-dir", str(tmp_path / "state"), "--format", "json"
    )
    assert result.code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["subscriptionId"] for r in rows] == [
        r["subscription"] for r in report["governance"]["rows"]
    ]
    (web,) = [r for r in rows if r["name"] == "prod-web"]
    assert web["missing"] == ["defender:VirtualMachines"]

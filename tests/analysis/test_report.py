"""The report.json document: its layout (JSON Schema), summary, coverage, topology, and
the sample estate raising every finding kind."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import graph.analysis
from graph.analysis import analyse, fail_on_hit
from graph.analysis.findings import KINDS, sort_key
from graph.build import build_graph
from graph.crawl_record import crawl_record
from graph.inventory import load_inventory
from graph.snapshot import load_snapshot
from tests.analysis.estate import HOME, OTHER, SUB_A, SUB_B, Estate, inventory, report_of

SCHEMA_PATH = Path(graph.analysis.__file__).parent / "report.schema.json"
SAMPLE_TODAY = dt.date(2026, 11, 27)


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _errors(report: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator().iter_errors(json.loads(json.dumps(report)))
    ]


@pytest.fixture(scope="module")
def sample_report(sample_estate: Path) -> dict[str, Any]:
    snap = load_snapshot(sample_estate)
    inv = load_inventory(sample_estate / "inventory.yaml")
    return analyse(
        build_graph(snap),
        crawl_record(snap),
        inv,
        today=SAMPLE_TODAY,
        run={"id": "sample-1", "startedAt": "2026-11-27T02:00:00Z"},
        previous=None,
    )


def test_the_sample_estate_raises_every_finding_kind(sample_report: dict[str, Any]) -> None:
    kinds = {f["kind"] for f in sample_report["findings"]}
    assert kinds == set(KINDS)


def test_the_sample_report_follows_the_layout(sample_report: dict[str, Any]) -> None:
    assert _errors(sample_report) == []


def test_the_sample_report_is_the_same_twice(sample_estate: Path, sample_report: dict) -> None:
    snap = load_snapshot(sample_estate)
    again = analyse(
        build_graph(snap),
        crawl_record(snap),
        load_inventory(sample_estate / "inventory.yaml"),
        today=SAMPLE_TODAY,
        run={"id": "sample-1", "startedAt": "2026-11-27T02:00:00Z"},
        previous=None,
    )
    again["run"]["finishedAt"] = sample_report["run"]["finishedAt"]
    assert again == sample_report


def test_a_second_sample_run_keeps_every_finding_as_existing(
    sample_estate: Path, sample_report: dict[str, Any]
) -> None:
    snap = load_snapshot(sample_estate)
    second = analyse(
        build_graph(snap),
        crawl_record(snap),
        load_inventory(sample_estate / "inventory.yaml"),
        today=SAMPLE_TODAY,
        run={"id": "sample-2", "startedAt": "2026-11-28T02:00:00Z"},
        previous=sample_report,
    )
    assert _errors(second) == []
    assert second["summary"]["new"] == 0
    assert second["resolved"] == []
    open_ids = {f["id"] for f in sample_report["findings"] if f["status"] != "accepted"}
    assert {f["id"] for f in second["findings"] if f["status"] == "existing"} == open_ids
    assert second["run"]["previousRun"] == "sample-1"


def test_a_report_that_breaks_the_layout_is_caught_by_the_schema(
    sample_report: dict[str, Any],
) -> None:
    broken = json.loads(json.dumps(sample_report))
    broken["findings"][0]["severity"] = "urgent"
    del broken["summary"]["byKind"]["coverage-gap"]
    errors = _errors(broken)
    assert any("severity" in e for e in errors)
    assert any("coverage-gap" in e for e in errors)


def test_findings_are_sorted_by_severity_then_kind_then_subject(
    sample_report: dict[str, Any],
) -> None:
    findings = sample_report["findings"]
    assert findings == sorted(findings, key=sort_key)
    assert findings[0]["severity"] == "critical"


def test_summary_counts_open_findings_and_lists_every_kind(sample_report: dict[str, Any]) -> None:
    findings = sample_report["findings"]
    summary = sample_report["summary"]
    open_ = [f for f in findings if f["status"] in ("new", "existing")]
    assert summary["open"] == len(open_)
    assert summary["accepted"] == sum(1 for f in findings if f["status"] == "accepted")
    assert list(summary["byKind"]) == list(KINDS)
    assert sum(summary["byKind"].values()) == summary["open"]
    assert sum(summary["bySeverity"].values()) == summary["open"]


def test_the_run_section_names_the_inventory_and_today(
    sample_estate: Path, sample_report: dict[str, Any]
) -> None:
    run = sample_report["run"]
    assert run["today"] == "2026-11-27"
    assert run["inventory"]["path"] == str(sample_estate / "inventory.yaml")
    assert len(run["inventory"]["sha256"]) == 64
    assert run["source"]["kind"] == "handmade"
    assert sample_report["organization"] == "Contoso"


def test_coverage_lists_what_was_crawled_what_failed_and_what_is_out_of_scope(
    sample_report: dict[str, Any],
) -> None:
    coverage = sample_report["coverage"]
    assert coverage["complete"] is False
    assert coverage["outOfScope"] == [
        "scale sets",
        "Front Door (origins reachable around it)",
        "Traffic Manager",
        "SQL database-level firewall rules (T-SQL only)",
        "PaaS settings only non-Reader roles see (app settings, keys)",
        "guest users and multi-tenant apps of other tenants (need Microsoft Graph)",
    ]
    assert coverage["failed"] and coverage["failed"][0]["status"] == 403


def test_a_complete_crawl_is_reported_complete(tmp_path: Path) -> None:
    inv = inventory(
        f"tenants: [{{id: {HOME}, relationship: home}}]\nsubscriptions: [{{id: {SUB_A}}}]"
    )
    report = report_of(Estate.home(SUB_A), tmp_path, inv)
    assert report["coverage"]["complete"] is True
    assert report["coverage"]["tenantsCrawled"] == [HOME]
    assert report["findings"] == []
    assert _errors(report) == []


def test_topology_lists_every_tenant_seen_declared_or_not(sample_report: dict[str, Any]) -> None:
    tenants = {t["id"]: t for t in sample_report["topology"]["tenants"]}
    assert tenants["72f988bf-0000-4000-8000-000000000001"]["relationship"] == "home"
    assert tenants["9a8b7c6d-0000-4000-8000-000000000004"]["declared"] is False
    links = sample_report["topology"]["links"]
    channels = {lk["channel"] for lk in links}
    assert {"site-to-site", "expressroute", "vnet-peering", "lighthouse"} <= channels
    assert any(lk["to"].startswith("site:") and lk["declared"] for lk in links)


def _report(*findings: tuple[str, str]) -> dict[str, Any]:
    return {"findings": [{"status": s, "severity": sev} for s, sev in findings]}


def test_fail_on_new_open_and_severity() -> None:
    existing_medium = _report(("existing", "medium"))
    assert not fail_on_hit(existing_medium, "new")
    assert fail_on_hit(existing_medium, "open")
    assert fail_on_hit(existing_medium, "medium")
    assert fail_on_hit(existing_medium, "low")
    assert not fail_on_hit(existing_medium, "high")
    assert fail_on_hit(_report(("new", "low")), "new")
    accepted_critical = _report(("accepted", "critical"))
    assert not fail_on_hit(accepted_critical, "open")
    assert not fail_on_hit(accepted_critical, "critical")


def test_fail_on_rejects_an_unknown_condition() -> None:
    with pytest.raises(ValueError, match="--fail-on"):
        fail_on_hit({"findings": []}, "severe")


def test_unknown_tenant_and_subscription_through_the_tenant_list_do_not_link(
    tmp_path: Path,
) -> None:
    estate = Estate.home(SUB_A, SUB_B).tenant(OTHER, "Fabrikam", "ProjectedBy")
    report = report_of(
        estate, tmp_path, inventory(f"tenants: [{{id: {HOME}, relationship: home}}]")
    )
    assert report["topology"]["links"] == []
    assert {t["id"] for t in report["topology"]["tenants"]} == {HOME, OTHER}
    assert _errors(report) == []


def test_the_renderers_typed_model_reads_the_sample_report(sample_report: dict[str, Any]) -> None:
    from reports.model import parse_report

    parsed = parse_report(json.loads(json.dumps(sample_report)))
    assert len(parsed.findings) == len(sample_report["findings"])

"""coverage-gap findings and the report's coverage section (findings.md)."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.estate import (
    HOME,
    OTHER,
    SUB_A,
    SUB_B,
    Estate,
    findings_of,
    inventory,
    report_of,
)

INV = inventory(
    f"tenants: [{{id: {HOME}, relationship: home}}]\nsubscriptions: [{{id: {SUB_A}}}, {{id: {SUB_B}}}]"
)


def test_a_subscription_with_a_failed_call_is_a_coverage_gap_scoped_to_its_tenant(
    tmp_path: Path,
) -> None:
    estate = Estate.home(SUB_A).subscription(SUB_B, HOME, crawled=False).in_group(SUB_B, HOME, HOME)
    estate.error(
        f"/subscriptions/{SUB_B}/resourceGroups/net", status=500, code="InternalServerError"
    )
    report = report_of(estate, tmp_path, INV)
    gap = findings_of(report, "coverage-gap")[SUB_B]
    assert gap["severity"] == "medium"
    assert gap["details"]["errors"][0]["code"] == "InternalServerError"
    assert gap["scope"] == [HOME]
    assert report["coverage"]["complete"] is False
    assert report["coverage"]["failed"][0]["scope"] == f"/subscriptions/{SUB_B}/resourceGroups/net"
    assert report["coverage"]["subscriptionsCrawled"] == [SUB_A]


def test_a_home_tenant_not_crawled_is_a_coverage_gap(tmp_path: Path) -> None:
    estate = Estate.home(SUB_A)
    estate.tenants_crawled.clear()
    report = report_of(estate, tmp_path, INV)
    assert "tenant-not-crawled" in findings_of(report, "coverage-gap")[HOME]["details"]["notes"]


def test_tenants_we_are_only_projected_into_or_managed_by_are_no_coverage_gap(
    tmp_path: Path,
) -> None:
    estate = Estate.home(SUB_A, SUB_B).tenant(OTHER, "Fabrikam", "ManagedBy")
    report = report_of(estate, tmp_path, INV)
    assert findings_of(report, "coverage-gap") == {}
    assert report["coverage"]["complete"] is True

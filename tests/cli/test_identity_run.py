"""identity-links.md end to end: `tenantmap run` against the emulator, both crawl modes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import graph.analysis
from discovery.estates import identity_source as ids
from tests.cli.helpers import tenantmap

SCHEMA_PATH = Path(graph.analysis.__file__).parent / "report.schema.json"
MODES = ("resource-graph", "arm")


def _run(tmp_path: Path, mode: str) -> dict[str, Any]:
    estate = ids.write_identity_estate(tmp_path / "estate")
    result = tenantmap(
        "run",
        "--estate", str(estate),
        "--inventory", str(estate / "inventory.yaml"),
        "--state-dir", str(tmp_path / "state"),
        "--out", str(tmp_path / "report"),
        "--source", mode,
        "--now", "2026-11-27",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    report: dict[str, Any] = json.loads((tmp_path / "report" / "report.json").read_text())
    jsonschema.validate(report, json.loads(SCHEMA_PATH.read_text()))
    return report


@pytest.fixture(scope="module", params=MODES)
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _run(tmp_path_factory.mktemp(request.param), request.param)


def _tenants(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["subject"]: f for f in report["findings"] if f["kind"] == "unknown-tenant"}


def test_every_undeclared_far_end_is_an_unknown_tenant_and_nothing_else_is(
    report: dict[str, Any],
) -> None:
    assert set(_tenants(report)) == {
        ids.LITWARE,
        f"foreign-group:{ids.UNKNOWN_GROUP}",
        f"issuer:{ids.UNDECLARED_IDP}",
        f"key-app:{ids.KEY_APP}",
        "any-tenant",
        "any-subscription",
        "community",
    }
    unknown_subs = {f["subject"] for f in report["findings"] if f["kind"] == "unknown-subscription"}
    assert unknown_subs == {ids.LITWARE_SUB}  # FABRIKAM_SUB is Fabrikam's, declared with it


def test_the_undeclared_tenant_is_seen_through_each_of_its_channels(
    report: dict[str, Any],
) -> None:
    channels = _tenants(report)[ids.LITWARE]["details"]["channels"]
    assert set(channels) == {
        "lighthouse",
        "lighthouse-delegated-role",
        "managed-application",
        "federated-credential",
        "aks-aad-tenant",
        "private-link-visibility",
        "storage-cross-tenant",
        "gallery-sharing",
    }
    assert "private-endpoint-inbound" not in channels  # its connection was Rejected


def test_access_channels_are_critical_where_they_can_write_production(
    report: dict[str, Any],
) -> None:
    found = _tenants(report)
    assert found[f"foreign-group:{ids.UNKNOWN_GROUP}"]["severity"] == "critical"  # Owner
    assert found[f"issuer:{ids.UNDECLARED_IDP}"]["severity"] == "critical"  # Contributor
    assert found["any-tenant"]["severity"] == "high"
    assert found[f"key-app:{ids.KEY_APP}"]["severity"] == "high"


def test_evidence_names_role_and_scope_or_issuer_and_subject(report: dict[str, Any]) -> None:
    found = _tenants(report)
    (group,) = found[f"foreign-group:{ids.UNKNOWN_GROUP}"]["evidence"]
    assert group["relation"] == "TRUSTS" and group["channel"] == "foreign-group-role"
    assert group["role"] == "Owner" and group["scope"] == f"/subscriptions/{ids.PROD}"
    trust, grant = found[f"issuer:{ids.UNDECLARED_IDP}"]["evidence"]
    assert trust["issuer"] == ids.UNDECLARED_IDP and trust["subject"] == "pipeline:deploy"
    assert grant["relation"] == "GRANTS" and grant["role"] == "Contributor"


def test_coverage_says_what_arm_cannot_show(report: dict[str, Any]) -> None:
    assert any("Microsoft Graph" in item for item in report["coverage"]["outOfScope"])


def test_the_tenant_picture_keeps_identity_links_apart_from_network_links(
    report: dict[str, Any],
) -> None:
    links = {(link["to"], link["channel"]): link for link in report["topology"]["links"]}
    assert links[(ids.FABRIKAM, "managed-application")]["declared"] is True
    assert links[(ids.LITWARE, "federated-credential")]["declared"] is False
    assert links[(f"issuer:{ids.GITHUB}", "federated-credential")]["declared"] is True


def test_query_connected_tenants_lists_the_identity_channels(tmp_path: Path) -> None:
    _run(tmp_path, "resource-graph")
    result = tenantmap(
        "query", "connected-tenants", "--state-dir", str(tmp_path / "state"), "--format", "json"
    )
    assert result.code == 0, result.stderr
    rows = json.loads(result.stdout)
    seen = {(r["connectedTenant"], r["channel"]) for r in rows}
    assert (ids.LITWARE, "aks-aad-tenant") in seen
    assert (f"foreign-group:{ids.UNKNOWN_GROUP}", "foreign-group-role") in seen
    assert ("any-tenant", "kusto-trusted-tenant") in seen


def test_the_html_picture_draws_identity_links_apart_and_parties_with_other_tenants(
    tmp_path: Path,
) -> None:
    _run(tmp_path, "resource-graph")
    html = (tmp_path / "report" / "report.html").read_text()
    assert html.count('class="edge declared identity"') == 3  # Fabrikam, a001, GitHub
    assert html.count('class="edge declared"') == 1  # Fabrikam's Lighthouse, apart
    assert 'class="edge undeclared identity"' in html
    assert "UNDECLARED foreign group" in html and "UNDECLARED identity provider" in html
    assert "identity or data link" in html  # the legend

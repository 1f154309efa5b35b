"""paas-exposure.md through `tenantmap run` against the emulator, in both crawl modes: each
case of the sample's platform services (sample/README.md) with its verdict and severity,
and a 403 on a child read giving `unknown` with a coverage entry, never `closed`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph.analysis.paas_exposure import CLOSED, RESTRICTED, UNKNOWN
from graph.analysis.paas_findings import find_paas_exposures
from graph.build import build_graph
from graph.snapshot import load_snapshot
from tests.cli.helpers import tenantmap
from tests.crawl.helpers import MODES, copy_estate, edit_json, resource_lines

REDIS = (
    "/subscriptions/1a2b3c4d-0000-4000-8000-000000000103/resourceGroups/rg-platform"
    "/providers/Microsoft.Cache/redis/redis-web-prod"
)


@pytest.fixture(scope="module", params=MODES)
def night(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `tenantmap run` of the sample, its Redis firewall rules answering 403."""
    from discovery.estates import SAMPLE_ESTATE

    base = tmp_path_factory.mktemp(f"paas-{request.param}")
    estate = copy_estate(SAMPLE_ESTATE, base / "estate")
    edit_json(estate / "emulator.json", lambda e: e["deny"].update({f"{REDIS}/firewallRules": 403}))
    result = tenantmap(
        "run",
        "--estate",
        str(estate),
        "--inventory",
        str(estate / "inventory.yaml"),
        "--state-dir",
        str(base / "state"),
        "--out",
        str(base / "out"),
        "--source",
        request.param,
        "--now",
        "2026-11-27",
    )
    assert result.code == 0, result.stderr
    return base / "out"


def platform(out: Path) -> dict[str, dict[str, Any]]:
    """PaaS findings by resource name."""
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {
        f["subjectName"]: f
        for f in report["findings"]
        if any(e["via"] == "public-endpoint" for e in f["details"].get("entries", []))
    }


def verdicts(out: Path) -> dict[tuple[str, str], str]:
    """(resource name, endpoint) -> verdict, from the graph of the run's snapshot."""
    graph = build_graph(load_snapshot(out / "snapshot"))
    return {
        (x.subject_name, e.service): e.result
        for x in find_paas_exposures(graph, every=True)
        for e in x.endpoints
    }


@pytest.mark.parametrize(
    ("name", "severity", "services"),
    [
        (
            "stmarketingassets",
            "critical",
            {"storage-blob", "storage-file", "storage-queue", "storage-table"},
        ),
        ("kv-web-prod", "critical", {"key-vault"}),
        ("acrshop", "critical", {"container-registry"}),
        ("cosmos-data-prod", "critical", {"cosmos-db"}),
        ("aks-dev", "high", {"aks-api"}),
        ("app-shop", "high", {"app-service-scm"}),
        (
            "stdevbuildlogs",
            "medium",
            {"storage-blob", "storage-file", "storage-queue", "storage-table"},
        ),
        ("sql-reporting-prod", "medium", {"sql"}),
        ("mysql-dev", "low", {"mysql"}),
    ],
)
def test_each_open_case_is_a_finding_with_its_severity(
    night: Path, name: str, severity: str, services: set[str]
) -> None:
    finding = platform(night)[name]
    assert finding["severity"] == severity
    assert {e["service"] for e in finding["details"]["entries"]} == services


def test_allow_plus_ip_rules_is_internet_and_says_the_rules_are_ignored(night: Path) -> None:
    (blob,) = [
        e
        for e in platform(night)["stmarketingassets"]["details"]["entries"]
        if e["service"] == "storage-blob"
    ]
    assert blob["result"] == "internet" and blob["anonymous"] is True
    assert "3 IP rules ignored because the default allows" in blob["settings"]


def test_the_account_that_forbids_anonymous_access_is_open_but_not_anonymous(night: Path) -> None:
    finding = platform(night)["stdevbuildlogs"]
    assert finding["details"]["anonymous"] is False
    # its containers were never read (the account forbids anonymous access)
    (account,) = [r for r in resource_lines(night / "snapshot") if r["name"] == "stdevbuildlogs"]
    assert "containers" not in account["properties"]


def test_anonymous_pull_is_anonymous(night: Path) -> None:
    assert platform(night)["acrshop"]["details"]["anonymous"] is True


def test_azure_services_rule_is_azure_wide_with_its_note(night: Path) -> None:
    finding = platform(night)["sql-reporting-prod"]
    (entry,) = finding["details"]["entries"]
    assert (entry["result"], entry["ports"]) == (
        "azure-wide",
        [{"protocol": "tcp", "ports": "1433"}],
    )
    assert {"any-azure-tenant", "server-level-rules-only"} <= set(finding["details"]["notes"])


@pytest.mark.parametrize(
    ("name", "service", "verdict"),
    [
        ("sql-ledger-prod", "sql", CLOSED),  # public access disabled, firewall open
        ("psql-orders-prod", "postgresql", CLOSED),  # VNet-integrated
        ("apim-web-prod", "api-management", CLOSED),  # Internal VNet
        ("func-shop-orders", "app-service", CLOSED),  # private endpoint, access unset
        ("aks-web-prod", "aks-api", RESTRICTED),  # authorized ranges
        ("app-shop", "app-service", RESTRICTED),  # main site: Front Door only
        ("evh-data-prod", "event-hubs", RESTRICTED),  # rule set Deny with one /24
        ("sqlmi-data-prod", "sql-mi-public", CLOSED),
    ],
)
def test_closed_and_restricted_cases_raise_nothing(
    night: Path, name: str, service: str, verdict: str
) -> None:
    assert verdicts(night)[(name, service)] == verdict
    if name != "app-shop":
        assert name not in platform(night)


def test_a_closed_server_s_firewall_rules_are_never_read(night: Path) -> None:
    (server,) = [r for r in resource_lines(night / "snapshot") if r["name"] == "sql-ledger-prod"]
    assert "firewallRules" not in server["properties"]


def test_a_forbidden_child_read_is_unknown_with_a_coverage_entry_never_closed(night: Path) -> None:
    assert verdicts(night)[("redis-web-prod", "redis")] == UNKNOWN
    report = json.loads((night / "report.json").read_text(encoding="utf-8"))
    failed = [f for f in report["coverage"]["failed"] if f["scope"] == REDIS]
    assert failed == [
        {
            "scope": REDIS,
            "status": 403,
            "code": "AuthorizationFailed",
            "operation": "FirewallRules_List",
        }
    ]


def test_the_report_groups_platform_services_by_service_with_the_deciding_settings(
    night: Path,
) -> None:
    markdown = (night / "report.md").read_text(encoding="utf-8")
    section = markdown.split("## Platform services", 1)[1].split("\n## ", 1)[0]
    titles = [line[4:] for line in section.splitlines() if line.startswith("### ")]
    assert titles[:3] == ["Storage accounts", "Azure SQL", "Key Vault"]
    assert (
        "public network access: Enabled; firewall default: Allow; "
        "3 IP rules ignored because the default allows" in section
    )
    html = (night / "report.html").read_text(encoding="utf-8")
    assert '<section id="platform">' in html and '<a href="#platform">' in html


def test_reach_follows_the_private_endpoint_into_its_network(night: Path) -> None:
    finding = platform(night)["cosmos-data-prod"]
    assert any(r.endswith("/expressroutecircuits/er-ams") for r in finding["details"]["reaches"])
    assert [e["relation"] for e in finding["evidence"]] == ["PRIVATE_LINK"]
    assert finding["evidence"][0]["from"].endswith("/privateendpoints/pe-cosmos-data-prod")

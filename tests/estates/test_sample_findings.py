"""The sample estate raises exactly the findings its README promises (graph build and analysis on the folder)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from discovery.estates import SAMPLE_ESTATE
from graph.analysis import analyse
from graph.build import build_graph
from graph.crawl_record import crawl_record
from graph.inventory import load_inventory
from graph.snapshot import load_snapshot

WEB = "/subscriptions/1a2b3c4d-0000-4000-8000-000000000103/resourcegroups/rg-web/providers"
PAY = "/subscriptions/1a2b3c4d-0000-4000-8000-000000000102/resourcegroups/rg-payments-app/providers"
DEV = "/subscriptions/1a2b3c4d-0000-4000-8000-000000000104/resourcegroups/rg-dev/providers"
HUB = "/subscriptions/1a2b3c4d-0000-4000-8000-000000000101/resourcegroups/rg-connectivity/providers"
SHOP = "/subscriptions/1a2b3c4d-0000-4000-8000-000000000106/resourcegroups/rg-shop/providers"
PLATFORM = "/subscriptions/1a2b3c4d-0000-4000-8000-000000000{}/resourcegroups/rg-platform/providers"
ALIAS = (
    "alias:tailspin-api.5e1c0a7d-0000-4000-8000-0000000000a1.westeurope.azure.privatelinkservice"
)

# (kind, subject, severity, status) as README.md's "Intended findings" table lists them
PROMISED = [
    ("unknown-tenant", "9a8b7c6d-0000-4000-8000-000000000004", "high", "new"),
    ("unknown-tenant", ALIAS, "high", "accepted"),
    ("unknown-tenant", "any-tenant", "high", "new"),  # Data Explorer trusting every tenant
    ("unknown-subscription", "1a2b3c4d-0000-4000-8000-000000000111", "medium", "new"),
    ("unknown-subscription", "9a8b7c6d-0000-4000-8000-0000000000b1", "high", "new"),
    ("unknown-subscription", "0d1e2f3a-0000-4000-8000-00000000000b", "high", "new"),
    ("unknown-subscription", "deadbeef-0000-4000-8000-0000000000d0", "high", "new"),
    ("tenant-mismatch", "1a2b3c4d-0000-4000-8000-000000000112", "high", "new"),
    (
        "undeclared-circuit",
        f"{HUB}/microsoft.network/expressroutecircuits/er-fra-backup",
        "high",
        "new",
    ),
    (
        "undeclared-site",
        f"{HUB}/microsoft.network/localnetworkgateways/lng-contractor-lab",
        "high",
        "new",
    ),
    ("internet-exposure", f"{PAY}/microsoft.compute/virtualmachines/jump-01", "critical", "new"),
    ("internet-exposure", f"{PAY}/microsoft.compute/virtualmachines/pay-app-01", "critical", "new"),
    ("internet-exposure", f"{WEB}/microsoft.compute/virtualmachines/web-01", "critical", "new"),
    ("internet-exposure", f"{WEB}/microsoft.network/applicationgateways/agw-web", "high", "new"),
    ("internet-exposure", f"{WEB}/microsoft.network/applicationgateways/agw-api", "high", "new"),
    ("internet-exposure", f"{SHOP}/microsoft.compute/virtualmachines/shop-01", "high", "new"),
    ("internet-exposure", f"{DEV}/microsoft.compute/virtualmachines/dev-legacy-01", "high", "new"),
    ("internet-exposure", f"{DEV}/microsoft.compute/virtualmachines/dev-api-01", "medium", "new"),
    # platform services (README "Platform services"): one case per layer of the verdict
    *(
        ("internet-exposure", f"{PLATFORM.format(sub)}/{rest}", severity, "new")
        for sub, rest, severity in (
            ("103", "microsoft.keyvault/vaults/kv-web-prod", "critical"),
            ("106", "microsoft.containerregistry/registries/acrshop", "critical"),
            ("109", "microsoft.documentdb/databaseaccounts/cosmos-data-prod", "critical"),
            ("111", "microsoft.storage/storageaccounts/stmarketingassets", "critical"),
            ("104", "microsoft.containerservice/managedclusters/aks-dev", "high"),
            ("106", "microsoft.web/sites/app-shop", "high"),
            ("104", "microsoft.storage/storageaccounts/stdevbuildlogs", "medium"),
            ("109", "microsoft.sql/servers/sql-reporting-prod", "medium"),
            ("104", "microsoft.dbformysql/flexibleservers/mysql-dev", "low"),
        )
    ),
    ("expired-approval", f"{WEB}/microsoft.compute/virtualmachines/web-01", "low", "new"),
    ("missing-declared", "1a2b3c4d-0000-4000-8000-0000000001ee", "low", "new"),
    ("coverage-gap", "1a2b3c4d-0000-4000-8000-000000000108", "medium", "new"),
    # governance (README "Governance"): every subscription in scope short of the baseline
    *(
        ("governance-gap", f"1a2b3c4d-0000-4000-8000-000000000{n}", "high", "new")
        for n in ("103", "107", "108", "109", "110", "111")
    ),
    *(
        ("governance-gap", sub, "high", "new")
        for sub in (
            "0d1e2f3a-0000-4000-8000-00000000000a",
            "0d1e2f3a-0000-4000-8000-00000000000b",
            "4e5f6a7b-0000-4000-8000-0000000000c1",
            "9a8b7c6d-0000-4000-8000-0000000000b1",
            "deadbeef-0000-4000-8000-0000000000d0",
        )
    ),
    ("tenant-control-gap", "72f988bf-0000-4000-8000-000000000001", "high", "new"),
]


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    snap = load_snapshot(SAMPLE_ESTATE)
    graph = build_graph(snap)
    run = {
        "id": "sample",
        "startedAt": "2026-11-27T02:00:00Z",
        "finishedAt": "2026-11-27T02:01:00Z",
        "source": {"kind": "handmade"},
    }
    result: dict[str, Any] = analyse(
        graph,
        crawl_record(snap),
        load_inventory(SAMPLE_ESTATE / "inventory.yaml"),
        today=dt.date(2026, 11, 27),
        run=run,
        previous=None,
    )
    return result


def findings_of(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f["kind"], f["subject"]): f for f in report["findings"]}


@pytest.mark.parametrize(
    ("kind", "subject", "severity", "status"),
    PROMISED,
    ids=[f"{k}:{s.rsplit('/', 1)[-1]}" for k, s, _, _ in PROMISED],
)
def test_promised_finding_is_raised(
    report: dict[str, Any], kind: str, subject: str, severity: str, status: str
) -> None:
    found = findings_of(report).get((kind, subject))
    assert found is not None, f"{kind} {subject} is not raised"
    assert (found["severity"], found["status"]) == (severity, status)


def test_nothing_else_is_raised(report: dict[str, Any]) -> None:
    assert set(findings_of(report)) == {(k, s) for k, s, _, _ in PROMISED}


def test_web_01_keeps_its_approved_port_out_of_the_finding(report: dict[str, Any]) -> None:
    finding = findings_of(report)[
        ("internet-exposure", f"{WEB}/microsoft.compute/virtualmachines/web-01")
    ]
    assert finding["details"]["ports"] == [{"protocol": "tcp", "ports": "3389"}]
    assert finding["details"]["approvedPorts"] == [{"protocol": "tcp", "ports": "8443"}]


def test_shadowed_port_and_notes_on_dev_api(report: dict[str, Any]) -> None:
    finding = findings_of(report)[
        ("internet-exposure", f"{DEV}/microsoft.compute/virtualmachines/dev-api-01")
    ]
    assert finding["details"]["ports"] == [
        {"protocol": "tcp", "ports": "8000-8079"},
        {"protocol": "tcp", "ports": "8081-8100"},
    ]
    assert set(finding["details"]["notes"]) == {"route-none", "admin-rules-not-evaluated"}


def test_every_kind_of_finding_shows_up(report: dict[str, Any]) -> None:
    assert {f["kind"] for f in report["findings"]} == set(report["summary"]["byKind"])


def test_application_gateways_record_their_waf_state(report: dict[str, Any]) -> None:
    found = findings_of(report)
    states = {
        name: [
            e.get("waf")
            for e in found[
                ("internet-exposure", f"{WEB}/microsoft.network/applicationgateways/{name}")
            ]["details"]["entries"]
        ]
        for name in ("agw-web", "agw-api")
    }
    assert states == {"agw-web": ["none"], "agw-api": ["detection"]}


GOVERNANCE_CASES = {
    # subscription: (missing, unknown) as README "Governance" lists them
    "1a2b3c4d-0000-4000-8000-000000000103": (["defender:VirtualMachines"], []),
    "1a2b3c4d-0000-4000-8000-000000000109": (["security-contact"], []),
    "1a2b3c4d-0000-4000-8000-000000000110": (["reader:secops-team"], []),
    "1a2b3c4d-0000-4000-8000-000000000107": (
        ["policy:Microsoft cloud security benchmark", "reader:secops-team"],
        [],
    ),
}


@pytest.mark.parametrize("subscription", sorted(GOVERNANCE_CASES))
def test_a_governance_gap_names_exactly_the_missing_controls(
    report: dict[str, Any], subscription: str
) -> None:
    found = findings_of(report)[("governance-gap", subscription)]
    missing, unknown = GOVERNANCE_CASES[subscription]
    assert (found["details"]["missing"], found["details"]["unknown"]) == (missing, unknown)


def test_a_subscription_outside_the_root_group_shows_its_ancestor_chain(
    report: dict[str, Any],
) -> None:
    found = findings_of(report)[("governance-gap", "1a2b3c4d-0000-4000-8000-000000000111")]
    assert "placement" in found["details"]["missing"]
    assert found["details"]["observed"]["placement"] == (
        "ancestor chain 72f988bf-0000-4000-8000-000000000001"
    )
    assert found["details"]["observed"]["defender:VirtualMachines"] == "pricing tier Free"


def test_the_denied_subscription_is_unknown_never_missing(report: dict[str, Any]) -> None:
    found = findings_of(report)[("governance-gap", "1a2b3c4d-0000-4000-8000-000000000108")]
    assert found["details"]["missing"] == []
    assert len(found["details"]["unknown"]) == 9


def test_a_linked_partner_subscription_carries_the_chain_that_connects_it(
    report: dict[str, Any],
) -> None:
    found = findings_of(report)[("governance-gap", "0d1e2f3a-0000-4000-8000-00000000000a")]
    assert found["details"]["connected"] == "linked"
    assert "vnet-peering" in found["details"]["channels"]
    assert any(e["relation"] == "PEERS_WITH" for e in found["evidence"])


def test_the_governed_production_subscription_raises_nothing(report: dict[str, Any]) -> None:
    payments = "1a2b3c4d-0000-4000-8000-000000000102"
    assert ("governance-gap", payments) not in findings_of(report)
    (row,) = [r for r in report["governance"]["rows"] if r["subscription"] == payments]
    assert set(row["controls"].values()) == {"present"}

"""Two runs over a changing estate: new, existing, resolved and unverified findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.analysis.findings import finding_id
from tests.analysis.estate import (
    FOREIGN_SUB,
    HOME,
    OTHER,
    SUB_A,
    SUB_B,
    THIRD,
    THIRD_SUB,
    Estate,
    findings_of,
    inventory,
    peering,
    report_of,
    rid,
    vnet,
)

INV = inventory(
    f"tenants:\n  - id: {HOME}\n    relationship: home\nsubscriptions:\n  - id: {SUB_A}\n  - id: {SUB_B}\n"
)
FIRST = "2026-11-26T02:00:00Z"
SECOND = "2026-11-27T02:00:00Z"
FOURTH = "4e5f6a7b-0000-4000-8000-000000000003"
SHADOW = "1a2b3c4d-0000-4000-8000-000000000111"  # undeclared in both runs


def _estate(*, a_peers: bool, b_readable: bool, extra_tenant: bool) -> Estate:
    a = vnet(SUB_A, "vnet-a")
    if a_peers:
        a["properties"]["virtualNetworkPeerings"] = [
            peering(a["id"], "to-fab", rid(FOREIGN_SUB, "net", "virtualNetworks", "fab"))
        ]
    b = vnet(SUB_B, "vnet-b")
    b["properties"]["virtualNetworkPeerings"] = [
        peering(b["id"], "to-lit", rid(THIRD_SUB, "net", "virtualNetworks", "lit"))
    ]
    estate = (
        Estate.home(SUB_A, SHADOW)
        .subscription(SUB_B, HOME, crawled=b_readable)
        .in_group(SUB_B, HOME, HOME)
    )
    estate.add(a).resolved(FOREIGN_SUB, OTHER).resolved(THIRD_SUB, THIRD)
    if b_readable:
        estate.add(b)
    else:
        estate.error(f"/subscriptions/{SUB_B}")
    if extra_tenant:
        estate.tenant(FOURTH, "Northwind", "ManagedBy")
    return estate


def _two_runs(tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    first = report_of(
        _estate(a_peers=True, b_readable=True, extra_tenant=False),
        tmp_path / "1",
        INV,
        run_id="run-1",
        started=FIRST,
    )
    second = report_of(
        _estate(a_peers=False, b_readable=False, extra_tenant=True),
        tmp_path / "2",
        INV,
        previous=first,
        run_id="run-2",
        started=SECOND,
    )
    return first, second


def test_the_first_run_reports_everything_as_new(tmp_path: Path) -> None:
    first, _ = _two_runs(tmp_path)
    tenants = findings_of(first, "unknown-tenant")
    assert {f["status"] for f in first["findings"]} == {"new"}
    assert set(tenants) == {OTHER, THIRD}
    assert first["run"]["previousRun"] is None
    assert first["resolved"] == []


def test_a_finding_whose_scope_was_read_completely_and_is_gone_is_resolved(
    tmp_path: Path,
) -> None:
    _, second = _two_runs(tmp_path)
    resolved = {r["subject"]: r for r in second["resolved"]}
    assert OTHER in resolved
    assert resolved[OTHER]["id"] == finding_id("unknown-tenant", OTHER)
    assert resolved[OTHER]["lastSeen"] == FIRST
    assert OTHER not in findings_of(second, "unknown-tenant")
    assert second["summary"]["resolved"] == len(second["resolved"])
    assert second["run"]["previousRun"] == "run-1"


def test_a_finding_whose_scope_failed_stays_open_unverified_with_its_old_evidence(
    tmp_path: Path,
) -> None:
    first, second = _two_runs(tmp_path)
    before = findings_of(first, "unknown-tenant")[THIRD]
    after = findings_of(second, "unknown-tenant")[THIRD]
    assert after["unverified"] is True
    assert after["status"] == "existing"
    assert after["evidence"] == before["evidence"]
    assert after["id"] == before["id"]
    assert after["firstSeen"] == FIRST
    assert THIRD not in {r["subject"] for r in second["resolved"]}


def test_a_finding_seen_again_is_existing_with_the_same_id_and_first_seen(
    tmp_path: Path,
) -> None:
    first, second = _two_runs(tmp_path)
    before = findings_of(first, "unknown-subscription")[SHADOW]
    after = findings_of(second, "unknown-subscription")[SHADOW]
    assert before["id"] == after["id"] == finding_id("unknown-subscription", SHADOW)
    assert after["status"] == "existing"
    assert after["unverified"] is False
    assert after["firstSeen"] == FIRST
    assert after["lastSeen"] == SECOND


def test_a_finding_that_appears_is_new(tmp_path: Path) -> None:
    _, second = _two_runs(tmp_path)
    appeared = findings_of(second, "unknown-tenant")[FOURTH]
    assert appeared["status"] == "new"
    assert appeared["firstSeen"] == SECOND
    assert second["summary"]["new"] == sum(1 for f in second["findings"] if f["status"] == "new")


def test_a_finding_accepted_last_night_and_open_tonight_is_new(tmp_path: Path) -> None:
    accepting = inventory(
        f"tenants:\n  - id: {HOME}\n    relationship: home\n"
        f"subscriptions:\n  - id: {SUB_A}\n  - id: {SUB_B}\n"
        f"accepted:\n  - kind: unknown-tenant\n    subject: {THIRD}\n    expires: 2026-11-26\n"
    )
    estate = _estate(a_peers=False, b_readable=True, extra_tenant=False)
    first = report_of(
        estate,
        tmp_path / "1",
        accepting,
        started=FIRST,
        today=__import__("datetime").date(2026, 11, 26),
    )
    assert findings_of(first, "unknown-tenant")[THIRD]["status"] == "accepted"
    second = report_of(estate, tmp_path / "2", accepting, previous=first, started=SECOND)
    assert findings_of(second, "unknown-tenant")[THIRD]["status"] == "new"


def test_an_expired_approval_is_resolved_when_the_entry_is_renewed(tmp_path: Path) -> None:
    vm = rid(SUB_A, "rg", "Microsoft.Compute/virtualMachines", "web-01")
    entry = f"approved_exposures:\n  - resource: {vm}\n    ports: [443]\n    expires: {{d}}\n"
    base = f"tenants:\n  - id: {HOME}\n    relationship: home\nsubscriptions:\n  - id: {SUB_A}\n  - id: {SUB_B}\n"
    estate = _estate(a_peers=False, b_readable=False, extra_tenant=False)
    first = report_of(
        estate, tmp_path / "1", inventory(base + entry.format(d="2026-01-01")), started=FIRST
    )
    assert vm.lower() in findings_of(first, "expired-approval")
    second = report_of(
        estate,
        tmp_path / "2",
        inventory(base + entry.format(d="2027-01-01")),
        previous=first,
        started=SECOND,
    )
    assert vm.lower() in {r["subject"] for r in second["resolved"]}

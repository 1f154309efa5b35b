"""governance.md "What is read": both crawl modes through the SDKs against the emulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from discovery.emulator import running_emulator
from tests.crawl.helpers import (
    MODES,
    copy_estate,
    crawl_emulator,
    edit_json,
    read_json,
    resource_lines,
)

HOME = "72f988bf-0000-4000-8000-000000000001"
PAYMENTS = "1a2b3c4d-0000-4000-8000-000000000102"
MCSB_AT_CONTOSO = (
    "/providers/Microsoft.Management/managementGroups/contoso"
    "/providers/Microsoft.Authorization/policyAssignments/mcsb"
)
GOVERNANCE_TYPES = {
    "Microsoft.Authorization/policyAssignments",
    "Microsoft.Authorization/roleAssignments",
    "Microsoft.Security/pricings",
    "Microsoft.Security/securityContacts",
    "Microsoft.Subscription/policies",
    "Microsoft.Management/managementGroups/settings",
}


def _by_type(snap: Path) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for item in resource_lines(snap):
        out.setdefault(item["type"], []).append(item)
    return out


@pytest.mark.parametrize("mode", MODES)
def test_every_governance_document_is_read_including_management_group_assignments(
    sample_estate: Path, tmp_path: Path, tmp_state: Path, mode: str
) -> None:
    with running_emulator(sample_estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
    found = _by_type(tmp_path / "snap")
    assert found.keys() >= GOVERNANCE_TYPES
    assert MCSB_AT_CONTOSO in {a["id"] for a in found["Microsoft.Authorization/policyAssignments"]}
    (policy,) = found["Microsoft.Subscription/policies"]
    assert policy["id"] == f"/tenants/{HOME}/providers/Microsoft.Subscription/policies/default"
    assert policy["properties"]["blockSubscriptionsIntoTenant"] is False


def test_resource_graph_mode_reads_each_governance_table_with_one_query_per_tenant(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    with running_emulator(sample_estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, "resource-graph")
        log = emu.request_log()
    arm_lists = [
        e
        for e in log
        if e["method"] == "GET"
        and ("policyassignments" in e["path"].lower() or "pricings" in e["path"].lower())
    ]
    assert arm_lists == []  # the home tenant's own subscriptions come from Resource Graph
    contacts = [e for e in log if "securitycontacts" in e["path"].lower()]
    assert len(contacts) == len(
        read_json(tmp_path / "snap", "manifest.json")["subscriptionsCrawled"]
    )


def test_arm_mode_lists_assignments_at_scope_so_inherited_ones_come_too(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    with running_emulator(sample_estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, "arm")
        log = emu.request_log()
    listed = [e for e in log if e["path"].lower().endswith("/policyassignments")]
    assert listed and all(e["query"].get("$filter") == "atScope()" for e in listed)


@pytest.mark.parametrize("mode", MODES)
def test_a_denied_governance_read_is_an_error_for_its_subscription_only(
    sample_estate: Path, tmp_path: Path, tmp_state: Path, mode: str
) -> None:
    estate = copy_estate(sample_estate, tmp_path / "estate")
    denied = f"/subscriptions/{PAYMENTS}/providers/Microsoft.Security/securityContacts"
    edit_json(estate / "emulator.json", lambda e: e["deny"].update({denied: 403}))
    with running_emulator(estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
    errors = read_json(tmp_path / "snap", "errors.json")
    (entry,) = [e for e in errors if e["operation"] == "SecurityContacts_List"]
    assert entry["scope"] == f"/subscriptions/{PAYMENTS}" and entry["status"] == 403
    # the subscription's network was still read
    assert PAYMENTS in read_json(tmp_path / "snap", "manifest.json")["subscriptionsCrawled"]


def test_a_denied_tenant_subscription_policy_is_an_error_for_the_tenant(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    estate = copy_estate(sample_estate, tmp_path / "estate")
    denied = "/providers/Microsoft.Subscription/policies/default"
    edit_json(estate / "emulator.json", lambda e: e["deny"].update({denied: 403}))
    with running_emulator(estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, "resource-graph")
    errors = read_json(tmp_path / "snap", "errors.json")
    scopes = {(e["scope"], e["operation"]) for e in errors}
    assert (f"/tenants/{HOME}", "SubscriptionPolicy_GetPolicyForTenant") in scopes
    assert "Microsoft.Subscription/policies" not in _by_type(tmp_path / "snap")


def test_the_committed_sample_serves_management_group_assignments_in_policyresources(
    sample_estate: Path,
) -> None:
    lines = (sample_estate / "resources.jsonl").read_text().splitlines()
    ids = {json.loads(line)["id"] for line in lines if line.strip()}
    assert MCSB_AT_CONTOSO in ids

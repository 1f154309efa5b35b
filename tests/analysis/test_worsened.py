"""An existing finding that got worse since the previous run (findings.md, "Status,
identity and scope"): what grew is named in `worsened` and alerted like a new finding;
what only shrank is recorded in `shrank` and not alerted."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema

import graph.analysis
from graph.analysis import fail_on_hit
from graph.analysis.diff import apply_history
from graph.analysis.findings import EVIDENCE_LIMIT, Finding, is_alerting
from graph.analysis.report import summary_section
from graph.inventory import Inventory

VM = "/subscriptions/1a2b3c4d-0000-4000-8000-000000000102/resourcegroups/rg/providers/microsoft.compute/virtualmachines/jump-01"
PIP = "/subscriptions/1a2b3c4d-0000-4000-8000-000000000102/resourcegroups/rg/providers/microsoft.network/publicipaddresses/pip-jump"
LB_PIP = "/subscriptions/1a2b3c4d-0000-4000-8000-000000000102/resourcegroups/rg/providers/microsoft.network/publicipaddresses/pip-lb"
TENANT = "9a8b7c6d-0000-4000-8000-000000000004"
LAST_NIGHT = "2026-11-26T02:00:00Z"
TONIGHT = "2026-11-27T02:00:00Z"
SCOPE = "1a2b3c4d-0000-4000-8000-000000000102"


def _ports(*specs: str) -> list[dict[str, str]]:
    return [{"protocol": s.split("/")[1], "ports": s.split("/")[0]} for s in specs]


def _entry(entry: str, via: str, frontend: list[str], target: list[str]) -> dict[str, Any]:
    return {
        "entry": entry,
        "via": via,
        "frontendPorts": _ports(*frontend),
        "ports": _ports(*target),
    }


def exposure(
    ports: list[str],
    *,
    entries: list[dict[str, Any]] | None = None,
    severity: str = "high",
    reaches: list[str] | None = None,
) -> Finding:
    return Finding(
        kind="internet-exposure",
        subject=VM,
        subject_name="jump-01",
        title="exposed",
        severity=severity,
        evidence=[{"from": "internet", "relation": "EXPOSES", "to": PIP, "channel": None}],
        details={
            "ports": _ports(*ports),
            "entries": entries if entries is not None else [_entry(PIP, "public-ip", ports, ports)],
            "approvedPorts": [],
            "reaches": reaches or [],
            "notes": [],
        },
        scope=frozenset({SCOPE}),
    )


def peer(n: int, channel: str) -> dict[str, Any]:
    return {
        "from": f"/subscriptions/{SCOPE}/resourcegroups/rg/providers/microsoft.network/virtualnetworks/v{n}",
        "relation": "PEERS_WITH",
        "to": f"/subscriptions/9a8b7c6d-0000-4000-8000-0000000000b1/resourcegroups/x/providers/microsoft.network/virtualnetworks/far{n}",
        "channel": channel,
    }


def unknown_tenant(links: list[dict[str, Any]], severity: str = "high") -> Finding:
    channels = list(dict.fromkeys(str(link["channel"]) for link in links))
    return Finding(
        kind="unknown-tenant",
        subject=TENANT,
        subject_name="Litware",
        title="Unknown tenant Litware",
        severity=severity,
        evidence=links[:EVIDENCE_LIMIT],
        details={"channels": channels, "observations": len(links), "states": []},
        scope=frozenset({SCOPE}),
    )


def night(finding: Finding, previous: dict[str, Any] | None, started: str) -> dict[str, Any]:
    findings, resolved = apply_history(
        [finding],
        previous,
        inventory=Inventory.empty(),
        today=dt.date(2026, 11, 27),
        seen_at=started,
        complete_scopes={SCOPE},
    )
    return {
        "run": {"startedAt": started},
        "findings": findings,
        "resolved": resolved,
        "summary": summary_section(findings, resolved),
    }


def two_nights(before: Finding, after: Finding) -> dict[str, Any]:
    report = night(after, night(before, None, LAST_NIGHT), TONIGHT)
    [finding] = report["findings"]
    return {"report": report, "finding": finding}


def test_rdp_opened_on_a_vm_whose_ssh_was_exposed_makes_its_finding_worse() -> None:
    result = two_nights(exposure(["22/tcp"]), exposure(["22/tcp", "3389/tcp"], severity="critical"))
    finding = result["finding"]
    assert finding["status"] == "existing"
    assert finding["worsened"]["ports"] == _ports("3389/tcp")
    assert finding["worsened"]["severity"] == {"from": "high", "to": "critical"}
    assert "shrank" not in finding


def test_a_worse_finding_is_counted_alerted_and_fails_the_run_under_fail_on_new() -> None:
    result = two_nights(exposure(["443/tcp"]), exposure(["443/tcp", "80/tcp"]))
    assert result["report"]["summary"]["worsened"] == 1
    assert result["report"]["summary"]["new"] == 0
    assert is_alerting(result["finding"])
    assert fail_on_hit(result["report"], "new")


def test_a_new_entry_point_is_named_with_its_way_in_and_frontend_ports() -> None:
    before = exposure(["443/tcp"])
    after = exposure(
        ["443/tcp"],
        entries=[
            _entry(PIP, "public-ip", ["443/tcp"], ["443/tcp"]),
            _entry(LB_PIP, "load-balancer", ["8443/tcp"], ["443/tcp"]),
        ],
    )
    worsened = two_nights(before, after)["finding"]["worsened"]
    assert worsened == {
        "entries": [{"entry": LB_PIP, "via": "load-balancer", "frontendPorts": _ports("8443/tcp")}]
    }


def test_a_new_client_port_on_an_existing_entry_point_is_a_new_way_in() -> None:
    # A second NAT rule, 50002 -> 3389, on the same load balancer frontend and target port.
    before = exposure(
        ["3389/tcp"], entries=[_entry(LB_PIP, "load-balancer", ["50001/tcp"], ["3389/tcp"])]
    )
    after = exposure(
        ["3389/tcp"], entries=[_entry(LB_PIP, "load-balancer", ["50001-50002/tcp"], ["3389/tcp"])]
    )
    worsened = two_nights(before, after)["finding"]["worsened"]
    assert worsened["entries"] == [
        {"entry": LB_PIP, "via": "load-balancer", "frontendPorts": _ports("50002/tcp")}
    ]


def test_newly_reached_subscriptions_and_sites_are_named() -> None:
    after = exposure(["443/tcp"], reaches=["site:amsterdam-dc", SCOPE])
    worsened = two_nights(exposure(["443/tcp"], reaches=[SCOPE]), after)["finding"]["worsened"]
    assert worsened == {"reaches": ["site:amsterdam-dc"]}


def test_a_foreign_tenant_seen_through_another_channel_is_worse() -> None:
    before = unknown_tenant([peer(1, "vnet-peering")])
    after = unknown_tenant([peer(1, "vnet-peering"), peer(2, "private-endpoint")])
    worsened = two_nights(before, after)["finding"]["worsened"]
    assert worsened["channels"] == ["private-endpoint"]
    assert worsened["observations"] == {"from": 1, "to": 2, "new": [peer(2, "private-endpoint")]}


def test_a_link_replaced_by_another_on_the_same_channel_is_worse() -> None:
    before = unknown_tenant([peer(1, "vnet-peering")])
    after = unknown_tenant([peer(2, "vnet-peering")])
    worsened = two_nights(before, after)["finding"]["worsened"]
    assert worsened == {"observations": {"from": 1, "to": 1, "new": [peer(2, "vnet-peering")]}}


def test_beyond_the_evidence_limit_only_a_higher_count_tells_of_new_links() -> None:
    many = [peer(n, "vnet-peering") for n in range(EVIDENCE_LIMIT + 5)]
    # One link gone: the evidence now shows a link that last night's list had cut off.
    fewer = two_nights(unknown_tenant(many), unknown_tenant(many[1:]))["finding"]
    assert "worsened" not in fewer
    more = two_nights(unknown_tenant(many), unknown_tenant([peer(99, "vnet-peering"), *many]))
    assert more["finding"]["worsened"] == {
        "observations": {"from": EVIDENCE_LIMIT + 5, "to": EVIDENCE_LIMIT + 6, "new": []}
    }


def test_what_only_shrank_is_recorded_and_does_not_alert() -> None:
    result = two_nights(exposure(["22/tcp", "3389/tcp"], severity="critical"), exposure(["22/tcp"]))
    finding = result["finding"]
    assert "worsened" not in finding
    assert finding["shrank"]["ports"] == _ports("3389/tcp")
    assert finding["shrank"]["severity"] == {"from": "critical", "to": "high"}
    assert result["report"]["summary"]["worsened"] == 0
    assert not is_alerting(finding)
    assert not fail_on_hit(result["report"], "new")


def test_an_unchanged_finding_is_neither_worse_nor_smaller() -> None:
    finding = two_nights(exposure(["22/tcp"]), exposure(["22/tcp"]))["finding"]
    assert finding["status"] == "existing"
    assert "worsened" not in finding and "shrank" not in finding


def test_a_new_finding_is_new_not_worsened() -> None:
    [finding] = night(exposure(["22/tcp"]), None, LAST_NIGHT)["findings"]
    assert finding["status"] == "new" and "worsened" not in finding


def test_a_finding_unseen_tonight_does_not_carry_last_nights_worsened() -> None:
    worse = night(
        exposure(["22/tcp", "3389/tcp"]), night(exposure(["22/tcp"]), None, "x"), LAST_NIGHT
    )
    assert worse["findings"][0]["worsened"]
    unseen, _ = apply_history(
        [],
        worse,
        inventory=Inventory.empty(),
        today=dt.date(2026, 11, 27),
        seen_at=TONIGHT,
        complete_scopes=set(),  # its subscription could not be read tonight
    )
    [carried] = unseen
    assert carried["unverified"] is True
    assert "worsened" not in carried and "shrank" not in carried


def test_worsened_and_shrank_follow_the_report_schema() -> None:
    schema = json.loads((Path(graph.analysis.__file__).parent / "report.schema.json").read_text())
    finding_schema = {**schema["$defs"]["finding"], "$defs": schema["$defs"]}
    validator = jsonschema.Draft202012Validator(finding_schema)
    grew = two_nights(
        unknown_tenant([peer(1, "vnet-peering")]), unknown_tenant([peer(2, "private-endpoint")])
    )
    both = two_nights(
        exposure(["22/tcp"], reaches=[SCOPE]),
        exposure(["3389/tcp"], severity="critical", reaches=["site:ams"]),
    )
    for finding in (grew["finding"], both["finding"]):
        validator.validate(finding)
    assert both["finding"]["worsened"] and both["finding"]["shrank"]
    broken = {**both["finding"], "status": "new"}
    assert not validator.is_valid(broken)  # only an existing finding can be worse


def test_a_platform_service_endpoint_opening_on_the_same_port_is_a_new_way_in() -> None:
    # A storage account whose blob endpoint was open; now its file endpoint is too (443 both).
    account = "/subscriptions/1a2b3c4d-0000-4000-8000-000000000102/resourcegroups/rg/providers/microsoft.storage/storageaccounts/st1"

    def endpoint(service: str) -> dict[str, Any]:
        return {**_entry(account, "public-endpoint", ["443/tcp"], ["443/tcp"]), "service": service}

    before = exposure(["443/tcp"], entries=[endpoint("storage-blob")])
    after = exposure(["443/tcp"], entries=[endpoint("storage-blob"), endpoint("storage-file")])
    worsened = two_nights(before, after)["finding"]["worsened"]
    assert worsened["entries"] == [
        {
            "entry": account,
            "via": "public-endpoint storage-file",
            "frontendPorts": _ports("443/tcp"),
        }
    ]

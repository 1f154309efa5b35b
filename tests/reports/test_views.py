"""Short names and evidence walks: how ids and edges become something a person can follow."""

from __future__ import annotations

from typing import Any

from reports import parse_report
from reports.naming import short_guid
from reports.views import ReportView

SUB = "9a8b7c6d-0000-4000-8000-0000000000b1"
TENANT = "9a8b7c6d-0000-4000-8000-000000000004"
CONN = "/subscriptions/1a2b3c4d-0000-4000-8000-000000000101/resourcegroups/net/providers/microsoft.network/connections/cn-hub"
VGW = f"/subscriptions/{SUB}/resourcegroups/net/providers/microsoft.network/virtualnetworkgateways/vgw-far"
PE = "/subscriptions/1a2b3c4d-0000-4000-8000-000000000101/resourcegroups/data/providers/microsoft.network/privateendpoints/pe-kv"
KV = "/subscriptions/1a2b3c4d-0000-4000-8000-000000000101/resourcegroups/data/providers/microsoft.keyvault/vaults/kv-data"


def edge(src: str, rel: str, dst: str) -> dict[str, Any]:
    return {"from": src, "relation": rel, "to": dst, "channel": None}


def walk_text(report: dict[str, Any], evidence: list[dict[str, Any]]) -> list[str]:
    view = ReportView(parse_report(report))
    lines = []
    for chain in view.walks(evidence):
        text = chain.start.id
        for hop in chain.hops:
            arrow = f" -{hop.relation}-> " if hop.forward else f" <-{hop.relation}- "
            text += arrow + hop.node.id
        lines.append(text)
    return lines


def test_an_edge_pointing_back_at_the_walk_continues_it_backwards(
    full_report: dict[str, Any],
) -> None:
    evidence = [
        edge(CONN, "CONNECTS_TO", VGW),
        edge(SUB, "CONTAINS", VGW),
        edge(TENANT, "CONTAINS", SUB),
    ]
    assert walk_text(full_report, evidence) == [
        f"{CONN} -CONNECTS_TO-> {VGW} <-CONTAINS- {SUB} <-CONTAINS- {TENANT}"
    ]


def test_an_edge_into_the_start_of_the_walk_is_put_in_front(full_report: dict[str, Any]) -> None:
    evidence = [
        edge(PE, "PRIVATE_LINK", KV),
        edge(SUB, "CONTAINS", PE),
        edge(TENANT, "CONTAINS", SUB),
    ]
    assert walk_text(full_report, evidence) == [
        f"{TENANT} -CONTAINS-> {SUB} -CONTAINS-> {PE} -PRIVATE_LINK-> {KV}"
    ]


def test_an_edge_that_joins_nothing_starts_a_new_walk(full_report: dict[str, Any]) -> None:
    evidence = [edge(CONN, "CONNECTS_TO", VGW), edge(PE, "PRIVATE_LINK", KV)]
    assert walk_text(full_report, evidence) == [
        f"{CONN} -CONNECTS_TO-> {VGW}",
        f"{PE} -PRIVATE_LINK-> {KV}",
    ]


def test_short_guids_keep_sequential_ids_apart() -> None:
    a, b = "1a2b3c4d-0000-4000-8000-000000000101", "1a2b3c4d-0000-4000-8000-000000000102"
    assert short_guid(a) != short_guid(b)
    assert short_guid(a).startswith("1a2b3c4d") and short_guid(a).endswith("0101")


def test_a_name_that_only_repeats_the_id_is_not_shown_as_a_name(
    full_report: dict[str, Any],
) -> None:
    finding = full_report["findings"][1]
    finding["subjectName"] = finding["subject"]
    view = ReportView(parse_report(full_report))
    subject = next(v for v in view.views if v.f.id == finding["id"])
    assert subject.subject_name is None
    assert finding["subject"] not in subject.subject.short


def test_resources_are_named_by_type_and_name_with_child_segments(
    full_report: dict[str, Any],
) -> None:
    view = ReportView(parse_report(full_report))
    nic = "/subscriptions/x/resourcegroups/rg/providers/microsoft.network/networkinterfaces/nic-1/ipconfigurations/ipconfig1"
    assert view.ref(nic).short == "NIC nic-1 \u203a ipconfig1"
    assert view.ref(KV).short == "key vault kv-data"
    assert view.ref("site:amsterdam-dc").short == "site amsterdam-dc"
    assert view.ref("72f988bf-0000-4000-8000-000000000001").short == "tenant Contoso"


def test_two_containments_from_one_tenant_are_two_routes_down_not_up_and_back(
    full_report: dict[str, Any],
) -> None:
    root = f"/providers/microsoft.management/managementgroups/{TENANT}"
    online = "/providers/microsoft.management/managementgroups/online"
    evidence = [
        edge(TENANT, "CONTAINS", SUB),
        edge(TENANT, "CONTAINS", root),
        edge(root, "CONTAINS", online),
        edge(online, "CONTAINS", SUB),
    ]
    assert walk_text(full_report, evidence) == [
        f"{TENANT} -CONTAINS-> {SUB}",
        f"{TENANT} -CONTAINS-> {root} -CONTAINS-> {online} -CONTAINS-> {SUB}",
    ]

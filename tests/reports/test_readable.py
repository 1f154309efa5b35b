"""Finding cards read as text for people: lists not JSON, names not GUIDs, file names not paths."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from reports import parse_report, write_reports
from reports.readable import named_parts, readable_lines, without_echoes
from reports.views import ReportView

CONTOSO = "72f988bf-0000-4000-8000-000000000001"
FABRIKAM = "0d1e2f3a-0000-4000-8000-000000000002"


def test_approvals_read_one_line_each_with_ports_as_port_slash_protocol():
    approvals = [
        {
            "expires": "2025-06-30",
            "ports": [{"ports": "3389", "protocol": "tcp"}],
            "reason": "migration window",
            "ticket": "CHG-0977",
        }
    ]
    assert readable_lines(approvals) == [
        "expires 2025-06-30; ports 3389/tcp; reason migration window; ticket CHG-0977"
    ]


def test_crawl_errors_read_one_line_each_without_json():
    errors = [
        {"code": "NotReadable", "operation": "Resources_Query", "scope": "/subscriptions/x"},
        {"code": "AuthorizationFailed", "operation": "VirtualNetworks_ListAll", "scope": "/s/y"},
    ]
    lines = readable_lines(errors)
    assert len(lines) == 2
    assert lines[0] == "code NotReadable; operation Resources_Query; scope /subscriptions/x"
    assert not any(ch in line for line in lines for ch in '{}"[]')


def test_state_is_left_out_where_states_already_says_it():
    assert without_echoes({"state": "Enabled", "states": ["Enabled"]}) == {"states": ["Enabled"]}
    assert without_echoes({"state": None, "states": ["Approved"]}) == {"states": ["Approved"]}


def test_a_state_that_states_does_not_hold_is_kept():
    details = {"state": "Deleted", "states": ["Enabled"]}
    assert without_echoes(details) == details


def test_a_guid_with_a_known_name_becomes_the_name_with_the_guid_beside_it():
    names = {CONTOSO: "Contoso"}
    title = f"Subscription retail-pos is in tenant {CONTOSO}, declared in {FABRIKAM}"
    assert named_parts(title, names.get) == [
        ("Subscription retail-pos is in tenant ", None),
        ("Contoso", CONTOSO),
        (f", declared in {FABRIKAM}", None),
    ]


def test_a_guid_whose_name_the_title_already_says_is_left_alone():
    title = f"Unknown subscription shadow-it ({FABRIKAM}) in tenant Contoso"
    assert named_parts(title, {FABRIKAM: "shadow-it"}.get) == [(title, None)]


def with_title(report: dict[str, Any], title: str) -> dict[str, Any]:
    changed = copy.deepcopy(report)
    changed["findings"][0]["title"] = title
    return changed


def test_the_html_card_title_shows_the_tenant_name_and_the_guid_in_small_type(
    full_report: dict[str, Any], tmp_path: Path
):
    report = with_title(full_report, f"Something in tenant {FABRIKAM}")
    write_reports(report, tmp_path)
    html = (tmp_path / "report.html").read_text()
    assert (
        f'Something in tenant <span class="named">Fabrikam (payments partner)</span> '
        f'<small class="guid">{FABRIKAM}</small>' in html
    )


def test_the_header_shows_the_inventory_by_file_name_not_by_its_path(
    full_report: dict[str, Any], tmp_path: Path
):
    report = copy.deepcopy(full_report)
    report["run"]["inventory"]["path"] = "/home/alice/secops/inventory-prod.yaml"
    write_reports(report, tmp_path)
    for name in ("report.html", "report.md", "report.json"):
        text = (tmp_path / name).read_text()
        if name != "report.json":
            assert "/home/alice" not in text, name
    assert "inventory <code>inventory-prod.yaml</code>" in (tmp_path / "report.html").read_text()


def test_no_card_shows_json(full_report: dict[str, Any], tmp_path: Path):
    report = copy.deepcopy(full_report)
    details = report["findings"][0]["details"]
    details["approvals"] = [
        {"expires": "2025-06-30", "ports": [{"ports": "22", "protocol": "tcp"}]}
    ]
    details["errors"] = [{"code": "NotReadable", "scope": "/subscriptions/x"}]
    write_reports(report, tmp_path)
    cells = re.findall(r"<dd>(.*?)</dd>", (tmp_path / "report.html").read_text(), re.S)
    assert cells
    assert not [c for c in cells if "{&#34;" in c or '{"' in c or "[{" in c]


def test_the_root_management_group_is_named_after_its_tenant(full_report: dict[str, Any]):
    view = ReportView(parse_report(full_report))
    root = f"/providers/microsoft.management/managementgroups/{CONTOSO}"
    assert view.ref(root).short == "root management group of Contoso"

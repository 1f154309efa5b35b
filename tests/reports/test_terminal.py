"""The terminal view that `tenantmap report` prints."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from reports import render_terminal


def printed(report: dict[str, Any], **kwargs: Any) -> str:
    console = Console(record=True, width=250, color_system=None)
    render_terminal(report, console, **kwargs)
    return console.export_text()


def test_terminal_view_starts_with_the_summary_line(full_report: dict[str, Any]) -> None:
    text = printed(full_report)
    assert text.splitlines()[0].startswith("tenantmap Contoso: 5 new, 1 worse, 2 resolved, 13 open")


def test_terminal_view_lists_new_findings_first_and_hides_accepted_ones(
    full_report: dict[str, Any],
) -> None:
    text = printed(full_report)
    rows = [
        line for line in text.splitlines() if any(f["id"] in line for f in full_report["findings"])
    ]
    statuses = [
        next(f["status"] for f in full_report["findings"] if f["id"] in row) for row in rows
    ]
    assert statuses == ["new"] * 5 + ["existing"] * 8


def test_terminal_view_shows_a_worse_finding_after_the_new_ones_with_what_grew(
    full_report: dict[str, Any],
) -> None:
    text = printed(full_report)
    worse = next(f for f in full_report["findings"] if f.get("worsened"))
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines) if worse["id"] in line)
    assert "│ worse" in lines[row]
    assert "grew: ports 443/tcp" in lines[row + 1]
    new_rows = [i for i, line in enumerate(lines) if "│ new " in line]
    assert new_rows and max(new_rows) < row
    assert "· worse 1 ·" in lines[1]


def test_terminal_view_can_include_accepted_findings(full_report: dict[str, Any]) -> None:
    accepted = next(f for f in full_report["findings"] if f["status"] == "accepted")
    assert accepted["id"] not in printed(full_report)
    assert accepted["id"] in printed(full_report, include_accepted=True)


def test_terminal_view_limit_says_how_many_more_there_are(full_report: dict[str, Any]) -> None:
    assert "… and 10 more" in printed(full_report, limit=3)


def test_terminal_view_of_a_clean_run(clean_report: dict[str, Any]) -> None:
    assert "No open findings." in printed(clean_report)

"""The terminal view of a report for `tenantmap report` (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from reports.model import Report, parse_report
from reports.safe_text import safe_text
from reports.views import ReportView

SEVERITY_STYLES = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "yellow",
    "low": "blue",
}


def _text(value: str, style: str = "") -> Text:
    """Rich keeps escape sequences inside a Text as they are: neutralise them first."""
    return Text(safe_text(value, "terminal"), style=style)


def render_terminal(
    report: dict[str, Any] | Report,
    console: Console,
    *,
    include_accepted: bool = False,
    limit: int | None = None,
) -> None:
    """Print the summary line and a table of findings (new first, then by severity)."""
    parsed = report if isinstance(report, Report) else parse_report(report)
    view = ReportView(parsed, detail_limit=0)
    s = parsed.summary
    console.print(_text(view.subject_line(), style="bold"))
    sev = ", ".join(f"{n} {name}" for name, n in view.severity_rows)
    console.print(
        f"open {s.open} ({sev}) · new {s.new} · worse {s.worsened} · resolved {s.resolved}"
        f" · accepted {s.accepted}"
        f" · run {safe_text(parsed.run.id or 'unrecorded', 'terminal')} ({parsed.run.today})",
        markup=False,
        highlight=False,
    )
    rows = view.new_first + (view.accepted if include_accepted else [])
    if not rows:
        console.print("No open findings.", style="green")
        return
    shown = rows if limit is None else rows[:limit]
    table = Table(show_lines=False, header_style="bold", expand=False)
    table.add_column("severity", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("finding", overflow="fold")
    table.add_column("subject", overflow="fold")
    table.add_column("id", no_wrap=True, style="dim")
    for fv in shown:
        f = fv.f
        status = ("worse" if f.is_worsened else f.status) + (
            " (unverified)" if f.unverified else ""
        )
        # Each part made safe alone: the line break between them is the table's own.
        title = safe_text(f.title, "terminal") + (
            f"\ngrew: {safe_text(view.change_text(f.worsened), 'terminal')}"
            if f.is_worsened
            else ""
        )
        table.add_row(
            _text(f.severity, style=SEVERITY_STYLES[f.severity]),
            _text(status, style="bold magenta" if f.alerts else ""),
            _text(f.kind),
            Text(title),
            _text(fv.subject.short),
            _text(f.id),
        )
    console.print(table)
    if len(shown) < len(rows):
        console.print(f"… and {len(rows) - len(shown)} more (see report.html or findings.csv)")
    if parsed.resolved:
        console.print(f"Resolved since the last run: {len(parsed.resolved)}", style="green")
    if not parsed.coverage.complete:
        console.print(
            f"Coverage incomplete: {len(parsed.coverage.failed)} "
            f"{'scope' if len(parsed.coverage.failed) == 1 else 'scopes'} could not be read.",
            style="yellow",
        )

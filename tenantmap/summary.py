"""The one line a run ends with, in the terminal and the logs (`run`, `analyse`, `demo`)."""

from __future__ import annotations

from typing import Any

SEVERITIES = ("critical", "high", "medium", "low")


def summary_line(report: dict[str, Any]) -> str:
    """`19 open findings (3 critical, 11 high, 3 medium, 2 low); 19 new, 1 worse, 0 resolved`."""
    summary = report.get("summary") or {}
    by = summary.get("bySeverity") or {}
    opened = int(summary.get("open", 0))
    noun = "finding" if opened == 1 else "findings"
    severities = ", ".join(f"{int(by.get(s, 0))} {s}" for s in SEVERITIES)
    return (
        f"{opened} open {noun} ({severities}); {int(summary.get('new', 0))} new, "
        f"{int(summary.get('worsened', 0))} worse, {int(summary.get('resolved', 0))} resolved"
    )

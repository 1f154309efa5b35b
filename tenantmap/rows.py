"""How `tenantmap query` shows rows: an aligned text table, a JSON array or CSV.

Cells go through reports.safe_text, so a value read from Azure cannot move the
terminal's cursor or start a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from reports.safe_text import safe_text

Row = dict[str, Any]


def _cell(value: Any, list_sep: str = ", ") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return list_sep.join(_cell(v) for v in value)
    return str(value)


def format_rows(rows: Iterable[Row], columns: Iterable[str], fmt: str = "table") -> str:
    """Rows as an aligned text table, a JSON array or CSV (with a header), ending in a newline."""
    cols = list(columns)
    data = list(rows)
    if fmt == "json":
        return json.dumps([{c: r.get(c) for c in cols} for r in data], indent=2, default=str) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(cols)
        for r in data:
            writer.writerow([safe_text(_cell(r.get(c), "; "), "csv") for c in cols])
        return out.getvalue()
    if fmt != "table":
        raise ValueError(f"unknown output format {fmt!r}: use table, json or csv")
    cells = [[safe_text(_cell(r.get(c)), "terminal") for c in cols] for r in data]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells
    )
    if not data:
        lines.append("(no rows)")
    return "\n".join(lines) + "\n"

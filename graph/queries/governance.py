"""The named query governance: the latest completed run's governance matrix, read from its report."""

from __future__ import annotations

from typing import Any

from graph.queries.base import Query, Row


def governance_rows(report: dict[str, Any] | None) -> list[Row]:
    """The report's governance matrix as rows: one per subscription in scope."""
    gov = (report or {}).get("governance") or {}
    rows: list[Row] = []
    order = list(gov.get("controls") or [])
    for row in gov.get("rows") or []:
        given = row.get("controls") or {}
        # report.json is written with sorted keys: the baseline's order is the declared one
        controls = {c: given[c] for c in order if c in given}
        rows.append(
            {
                "tenant": row.get("tenant"),
                "tenantName": row.get("tenantName"),
                "subscriptionId": row.get("subscription"),
                "name": row.get("name"),
                "inScopeBecause": row.get("reason"),
                "missing": [c for c, s in controls.items() if s == "missing"],
                "unknown": [c for c, s in controls.items() if s == "unknown"],
                "present": [c for c, s in controls.items() if s == "present"],
            }
        )
    return rows


QUERY = Query(
    name="governance",
    description=(
        "The governance matrix of the latest completed run: every subscription "
        "in scope, why it is in scope (production, reaches, linked, all), and which declared "
        "controls are present, missing, or unknown because they could not be read. Empty when "
        "the inventory declares no governance baseline."
    ),
    params=(),
    columns=(
        "tenant",
        "tenantName",
        "subscriptionId",
        "name",
        "inScopeBecause",
        "missing",
        "unknown",
        "present",
    ),
    answer=governance_rows,
    cypher=None,
    from_report=True,
)

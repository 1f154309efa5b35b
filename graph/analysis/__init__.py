"""Analyses over the graph: internet exposure and reach, tenants, findings, diff, report.

They read the graph and the run's crawl record (graph.crawl_record), never the snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import networkx as nx

from graph.analysis.connected import connected_findings
from graph.analysis.diff import apply_history
from graph.analysis.exposure_findings import (
    ExposureLike,
    expired_approval_findings,
    exposure_findings,
)
from graph.analysis.findings import (
    OPEN_STATUSES,
    SEVERITIES,
    Finding,
    is_alerting,
    severity_at_least,
)
from graph.analysis.governance import Assessment, assess, governance_findings, matrix
from graph.analysis.paas_findings import find_paas_exposures, paas_findings
from graph.analysis.report import assemble
from graph.analysis.tenants import observe
from graph.analysis.walk import labels_indexed
from graph.collector import collector_paused
from graph.crawl_record import CrawlRecord
from graph.inventory import Inventory
from graph.schema import subscription_of
from graph.shapes import Note

__all__ = ["FAIL_ON_CHOICES", "all_findings", "analyse", "fail_on_hit"]

FAIL_ON_CHOICES: tuple[str, ...] = ("new", "open", *SEVERITIES)


def all_findings(
    graph: nx.MultiDiGraph,
    crawl: CrawlRecord,
    inventory: Inventory,
    *,
    today: dt.date,
    exposures: Iterable[ExposureLike] | None = None,
) -> tuple[list[Finding], Any]:
    """Every finding this run raises (before the diff), and the observations behind them."""
    findings, observed, _ = _findings(graph, crawl, inventory, today=today, exposures=exposures)
    return findings, observed


def _findings(
    graph: nx.MultiDiGraph,
    crawl: CrawlRecord,
    inventory: Inventory,
    *,
    today: dt.date,
    exposures: Iterable[ExposureLike] | None,
) -> tuple[list[Finding], Any, Assessment | None]:
    """The findings, the observations and the governance assessment (the report's matrix
    and the governance findings both come from it: assessed once, not twice)."""
    notes: list[Note] = []
    if exposures is None:
        from graph.analysis.exposure import find_exposures

        exposures = find_exposures(graph, notes)
    observed = observe(graph, crawl)
    if notes:
        # A value the analysis could not read leaves its subscription not fully read, as a
        # field of the wrong type does (graph/shapes.py): findings there that disappear
        # become unverified, never resolved.
        observed.value_notes = notes
        observed.subscriptions_crawled = observed.subscriptions_crawled - {
            sub for sub in (subscription_of(n["document"]) for n in notes) if sub
        }
    assessment = assess(graph, crawl, observed, inventory)
    findings = [
        *connected_findings(graph, crawl, observed, inventory),
        *exposure_findings(exposures, graph, inventory, today),
        *paas_findings(find_paas_exposures(graph), graph, inventory, today),
        *expired_approval_findings(inventory, today),
        *governance_findings(assessment),
    ]
    return findings, observed, assessment


def analyse(
    graph: nx.MultiDiGraph,
    crawl: CrawlRecord,
    inventory: Inventory,
    *,
    today: dt.date,
    run: dict[str, Any],
    previous: dict[str, Any] | None,
    exposures: Iterable[ExposureLike] | None = None,
) -> dict[str, Any]:
    """The full `tenantmap.report/1` document of one run (findings.md).

    It reads the graph and the run's crawl record and nothing else: the graph as
    ``build_graph`` made it, or as a store gives it back (``Store.read_graph``), so a
    stored run can be analysed again without its snapshot. ``previous`` is the
    previous completed run's report.json (or None); ``exposures`` defaults to
    ``find_exposures(graph)``.
    """
    with collector_paused(), labels_indexed(graph):
        return _analyse(
            graph, crawl, inventory, today=today, run=run, previous=previous, exposures=exposures
        )


def _analyse(
    graph: nx.MultiDiGraph,
    crawl: CrawlRecord,
    inventory: Inventory,
    *,
    today: dt.date,
    run: dict[str, Any],
    previous: dict[str, Any] | None,
    exposures: Iterable[ExposureLike] | None,
) -> dict[str, Any]:
    findings, observed, assessment = _findings(
        graph, crawl, inventory, today=today, exposures=exposures
    )
    if not run.get("startedAt"):
        run = {**run, "startedAt": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    seen_at = str(run["startedAt"])
    complete = set(observed.tenants_crawled) | set(observed.subscriptions_crawled)
    documents, resolved = apply_history(
        findings,
        previous,
        inventory=inventory,
        today=today,
        seen_at=seen_at,
        complete_scopes=complete,
    )
    report = assemble(
        graph=graph,
        crawl=crawl,
        observed=observed,
        inventory=inventory,
        today=today,
        run=run,
        previous=previous,
        findings=documents,
        resolved=resolved,
    )
    governance = matrix(assessment)
    if governance is not None:
        report["governance"] = governance
    return report


def fail_on_hit(report: dict[str, Any], fail_on: str) -> bool:
    """Does the `--fail-on` condition hold (exit code 1)? new | open | a severity."""
    if fail_on not in FAIL_ON_CHOICES:
        raise ValueError(f"--fail-on must be one of {', '.join(FAIL_ON_CHOICES)}, not {fail_on!r}")
    open_findings = [f for f in report.get("findings") or [] if f.get("status") in OPEN_STATUSES]
    if fail_on == "new":
        return any(is_alerting(f) for f in open_findings)
    if fail_on == "open":
        return bool(open_findings)
    return any(severity_at_least(str(f.get("severity")), fail_on) for f in open_findings)

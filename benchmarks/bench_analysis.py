"""Speed and memory of the analyses on a large synthetic estate (prints a table).

    .venv/bin/python benchmarks/bench_analysis.py [--resources 1000000] [--subscriptions 10000]
        [--public-nics 50000] [--peerings N] [--estate DIR] [--no-memory]

Generates a synthetic estate (``discovery.estates.synthetic.generate_estate``;
by default 1,000,000 resources in 10,000 subscriptions, 50,000 NICs with
public IPs behind NSGs, one peering per spoke), builds the graph once, then
runs each analysis in turn: first timed alone, then again under tracemalloc
for its peak of Python allocations (``--no-memory`` skips that pass).

Target: all analyses together under 60 s on the 1,000,000-resource estate.

Adding an analysis: write ``def bench_<name>(ctx: Context) -> str`` (run it on
``ctx.graph``, keep what later analyses need in ``ctx.results``, return a short
description of its result) and append ``("<name>", bench_<name>)`` to
``ANALYSES``. The table picks it up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import peak_rss_mb

from discovery.estates.synthetic import generate_estate
from graph.analysis.connected import connected_findings
from graph.analysis.diff import apply_history
from graph.analysis.exposure import find_exposures
from graph.analysis.exposure_findings import expired_approval_findings, exposure_findings
from graph.analysis.reach import Reach
from graph.analysis.report import assemble
from graph.analysis.tenants import observe
from graph.build import build_graph
from graph.crawl_record import crawl_record
from graph.inventory import parse_inventory
from graph.schema import Label
from graph.snapshot import Snapshot, load_snapshot

TARGET_SECONDS = 60.0
TODAY = dt.date(2026, 11, 27)
RUN = {"id": "bench-2", "startedAt": "2026-11-27T02:00:00Z"}


@dataclass
class Context:
    """What every analysis benchmark gets: the graph, its snapshot, and earlier results."""

    graph: nx.MultiDiGraph
    snapshot: Snapshot
    results: dict[str, Any] = field(default_factory=dict)


# -- one function per analysis -------------------------------------------------------------


def bench_exposure(ctx: Context) -> str:
    """Internet exposure (exposure.md), reach of each exposed target included."""
    exposures = find_exposures(ctx.graph)
    ctx.results["exposures"] = exposures
    entries = sum(len(e.entries) for e in exposures)
    return f"{len(exposures):,} exposed targets, {entries:,} entries"


def bench_reach(ctx: Context) -> str:
    """Reach (exposure.md rule 10) from every VNet in the graph, not only exposed ones."""
    reach = Reach(ctx.graph)
    vnets = [n for n, label in ctx.graph.nodes(data="label") if label == Label.VIRTUAL_NETWORK]
    reached = sum(len(reach.from_vnet(v)) for v in vnets)
    return f"{len(vnets):,} VNets, {reached:,} reached items"


def synthetic_inventory_text(snapshot: Snapshot, exposed: list[str], seed: int = 1) -> str:
    """Home tenants and two subscriptions in three declared, every tenth in production;
    approvals (some expired) for up to 300 exposed targets."""
    rng = random.Random(seed)
    lines = ["version: 1", "organization: Bench", "tenants:"]
    for t in snapshot.tenants:
        if t.get("tenantCategory", "Home") == "Home":
            lines += [f"  - id: {t['tenantId']}", "    relationship: home"]
    lines.append("subscriptions:")
    for i, sub in enumerate(snapshot.subscriptions):
        if i % 3:
            env = "production" if i % 10 == 1 else "non-production"
            lines += [f"  - id: {sub['subscriptionId']}", f"    environment: {env}"]
    lines.append("approved_exposures:")
    for i, target in enumerate(rng.sample(exposed, min(300, len(exposed)))):
        expires = "2026-01-01" if i % 5 == 0 else "2027-06-30"
        lines += [
            f"  - resource: {target}",
            '    ports: [443, "8080-8090", 22]',
            f"    expires: {expires}",
        ]
    return "\n".join(lines) + "\n"


def bench_inventory(ctx: Context) -> str:
    """Validate the inventory (every subscription entry with its line) as load_inventory does."""
    if "inventory_text" not in ctx.results:
        exposed = [e.subject for e in ctx.results.get("exposures", [])]
        ctx.results["inventory_text"] = synthetic_inventory_text(ctx.snapshot, exposed)
    inv = parse_inventory(ctx.results["inventory_text"], "bench-inventory.yaml")
    ctx.results["inventory"] = inv
    return f"{len(inv.subscriptions):,} subscriptions, {len(inv.approvals):,} approvals"


def bench_tenants(ctx: Context) -> str:
    """Every observation channel (findings.md) over the graph and the listings."""
    observed = observe(ctx.graph, crawl_record(ctx.snapshot))
    ctx.results["observed"] = observed
    return (
        f"{len(observed.tenants):,} tenants, {len(observed.subscriptions):,} subscriptions, "
        f"{len(observed.links):,} links"
    )


def bench_findings(ctx: Context) -> str:
    """Connected-tenant, circuit, site, coverage, exposure (approvals) and expired findings."""
    inv, observed = ctx.results["inventory"], ctx.results["observed"]
    findings = [
        *connected_findings(ctx.graph, crawl_record(ctx.snapshot), observed, inv),
        *exposure_findings(ctx.results["exposures"], ctx.graph, inv, TODAY),
        *expired_approval_findings(inv, TODAY),
    ]
    ctx.results["findings"] = findings
    # last night: 90% of these, plus as many again that are gone tonight (resolved or unverified)
    rng = random.Random(2)
    previous: list[dict[str, Any]] = [
        {
            "id": f.id,
            "kind": f.kind,
            "subject": f.subject,
            "status": "existing",
            "severity": f.severity,
            "title": f.title,
            "scope": sorted(f.scope),
            "firstSeen": "2026-11-01T02:00:00Z",
            "evidence": f.evidence,
            "details": f.details,
        }
        for f in findings
        if rng.random() > 0.1
    ]
    previous += [
        {**p, "id": f"{i:016x}", "subject": p["subject"] + "-gone"}
        for i, p in enumerate(previous[: len(previous) // 10])
    ]
    ctx.results["previous"] = {
        "run": {"id": "bench-1", "startedAt": "2026-11-26T02:00:00Z"},
        "findings": previous,
    }
    return f"{len(findings):,} findings"


def bench_diff(ctx: Context) -> str:
    """Status, firstSeen, resolved and unverified against the previous run's report."""
    observed = ctx.results["observed"]
    docs, resolved = apply_history(
        ctx.results["findings"],
        ctx.results["previous"],
        inventory=ctx.results["inventory"],
        today=TODAY,
        seen_at=RUN["startedAt"],
        complete_scopes=set(observed.tenants_crawled) | set(observed.subscriptions_crawled),
    )
    ctx.results["diffed"] = (docs, resolved)
    return f"{len(docs):,} findings, {len(resolved):,} resolved"


def bench_report(ctx: Context) -> str:
    """report.json assembly: run, coverage, summary, topology, findings, resolved."""
    docs, resolved = ctx.results["diffed"]
    report = assemble(
        graph=ctx.graph,
        crawl=crawl_record(ctx.snapshot),
        observed=ctx.results["observed"],
        inventory=ctx.results["inventory"],
        today=TODAY,
        run=RUN,
        previous=ctx.results["previous"],
        findings=docs,
        resolved=resolved,
    )
    s = report["summary"]
    return (
        f"{s['open']:,} open ({s['new']:,} new), {s['resolved']:,} resolved, "
        f"{len(report['topology']['links']):,} topology links"
    )


ANALYSES: list[tuple[str, Callable[[Context], str]]] = [
    ("exposure", bench_exposure),
    ("reach (all VNets)", bench_reach),
    ("inventory (validate)", bench_inventory),
    ("tenants (observe)", bench_tenants),
    ("findings", bench_findings),
    ("diff (vs previous)", bench_diff),
    ("report (assemble)", bench_report),
]


# -- driver ------------------------------------------------------------------------------------


def measure(step: Callable[[], Any], *, memory: bool) -> tuple[float, float, float | None, Any]:
    """Wall seconds, CPU seconds (this process; steadier on a busy machine), peak MB, result."""
    start, cpu_start = time.perf_counter(), time.process_time()
    result = step()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak = None
    if memory:
        tracemalloc.start()
        step()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return seconds, cpu, peak, result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=1_000_000)
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--public-nics", type=int, default=50_000)
    parser.add_argument("--peerings", type=int, default=None)
    parser.add_argument("--estate", type=Path, default=None, help="reuse or keep the estate here")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    args = parser.parse_args(argv)

    rows: list[tuple[str, float, float | None, float | None, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-analysis-") as tmp:
        folder = args.estate or Path(tmp) / "estate"
        if not (folder / "resources.jsonl").exists():
            start = time.perf_counter()
            generate_estate(
                folder,
                subscriptions=args.subscriptions,
                resources=args.resources,
                nics_with_public_ip=args.public_nics,
                peerings=args.peerings,
            )
            rows.append(("(generate estate)", time.perf_counter() - start, None, None, str(folder)))
        start = time.perf_counter()
        snapshot = load_snapshot(folder)
        graph = build_graph(snapshot)
        rows.append(
            (
                "(load + build graph)",
                time.perf_counter() - start,
                None,
                None,
                f"{graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges",
            )
        )
        ctx = Context(graph=graph, snapshot=snapshot)
        total = total_cpu = 0.0
        for name, bench in ANALYSES:
            seconds, cpu, peak, described = measure(partial(bench, ctx), memory=not args.no_memory)
            total += seconds
            total_cpu += cpu
            rows.append((name, seconds, cpu, peak, described))
        rows.append(("analyses total", total, total_cpu, None, f"target < {TARGET_SECONDS:.0f} s"))

    print(
        f"\nAnalyses on a synthetic estate: {args.resources:,} resources, "
        f"{args.subscriptions:,} subscriptions, {args.public_nics:,} NICs with public IPs"
    )
    print(f"{'step':<24} {'seconds':>9} {'cpu s':>9} {'peak MB':>9}  result")
    print(f"{'-' * 24} {'-' * 9} {'-' * 9} {'-' * 9}  {'-' * 40}")
    for name, seconds, cpu_seconds, peak, described in rows:
        cpu_text = f"{cpu_seconds:9.2f}" if cpu_seconds is not None else f"{'':>9}"
        peak_text = f"{peak:9.0f}" if peak is not None else f"{'':>9}"
        print(f"{name:<24} {seconds:9.2f} {cpu_text} {peak_text}  {described}")
    print(f"process peak RSS: {peak_rss_mb():,.0f} MB")
    return 0 if total < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

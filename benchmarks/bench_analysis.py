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
import resource
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

from discovery.estates.synthetic import generate_estate
from graph.analysis.exposure import find_exposures
from graph.analysis.reach import Reach
from graph.build import build_graph
from graph.schema import Label
from graph.snapshot import Snapshot, load_snapshot

TARGET_SECONDS = 60.0


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


ANALYSES: list[tuple[str, Callable[[Context], str]]] = [
    ("exposure", bench_exposure),
    ("reach (all VNets)", bench_reach),
]


# -- driver ------------------------------------------------------------------------------------


def rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(step: Callable[[], Any], *, memory: bool) -> tuple[float, float | None, Any]:
    start = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - start
    peak = None
    if memory:
        tracemalloc.start()
        step()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return seconds, peak, result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=1_000_000)
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--public-nics", type=int, default=50_000)
    parser.add_argument("--peerings", type=int, default=None)
    parser.add_argument("--estate", type=Path, default=None, help="reuse or keep the estate here")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    args = parser.parse_args(argv)

    rows: list[tuple[str, float, float | None, str]] = []
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
            rows.append(("(generate estate)", time.perf_counter() - start, None, str(folder)))
        start = time.perf_counter()
        snapshot = load_snapshot(folder)
        graph = build_graph(snapshot)
        rows.append(
            (
                "(load + build graph)",
                time.perf_counter() - start,
                None,
                f"{graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges",
            )
        )
        ctx = Context(graph=graph, snapshot=snapshot)
        total = 0.0
        for name, bench in ANALYSES:
            seconds, peak, described = measure(partial(bench, ctx), memory=not args.no_memory)
            total += seconds
            rows.append((name, seconds, peak, described))
        rows.append(("analyses total", total, None, f"target < {TARGET_SECONDS:.0f} s"))

    print(
        f"\nAnalyses on a synthetic estate: {args.resources:,} resources, "
        f"{args.subscriptions:,} subscriptions, {args.public_nics:,} NICs with public IPs"
    )
    print(f"{'step':<24} {'seconds':>9} {'peak MB':>9}  result")
    print(f"{'-' * 24} {'-' * 9} {'-' * 9}  {'-' * 40}")
    for name, seconds, peak, described in rows:
        peak_text = f"{peak:9.0f}" if peak is not None else f"{'':>9}"
        print(f"{name:<24} {seconds:9.2f} {peak_text}  {described}")
    print(f"process peak RSS: {rss_mb():,.0f} MB")
    return 0 if total < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

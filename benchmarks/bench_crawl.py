"""Crawler benchmark: a synthetic estate of 1,000 subscriptions and 50,000 resources.

One command, prints a table:

    .venv/bin/python benchmarks/bench_crawl.py [--subscriptions 1000] [--resources 50000]
        [--latency-ms 20] [--concurrency 16 64] [--modes resource-graph arm]

The emulator runs in its own process (so it does not steal the crawler's
CPU or inflate its memory), each crawl in a fresh child process (so peak RSS
is per crawl). Targets: Resource Graph mode < 60 s, ARM mode < 180 s, peak
memory < 1 GB. "ideal" is requests x latency / requests in flight, or the
throttling floor (ARM's per-subscription and per-tenant read buckets,
Resource Graph's per-tenant quota) where that is higher.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from harness import (
    cpu_seconds_of,
    crawl_in_child,
    emulator_serving,
    peak_rss_mb,
    peak_rss_mb_of,
    print_header,
    synthetic_estate,
)

TARGETS = {"resource-graph": 60.0, "arm": 180.0}
MEMORY_TARGET_MB = 1024.0
# Azure's defaults, which the emulator applies unless told otherwise (snapshot.md)
READS_BUCKET, READS_PER_SECOND = 250, 25.0
RG_QUERIES, RG_PER_SECONDS = 15, 5.0


def _floor_seconds(by_scope: dict[str, int]) -> float:
    """The least time the throttles allow for these requests (scopes run in parallel)."""
    floor = 0.0
    for scope, count in by_scope.items():
        if scope.startswith("rg:"):  # a fixed window of RG_QUERIES per RG_PER_SECONDS
            floor = max(floor, (math.ceil(count / RG_QUERIES) - 1) * RG_PER_SECONDS)
        else:
            floor = max(floor, max(0, count - READS_BUCKET) / READS_PER_SECOND)
    return floor


def crawl_child(args: argparse.Namespace) -> None:
    """Runs in a fresh process: one crawl, stats as JSON on stdout."""
    from discovery.crawl import CrawlTarget, crawl

    handle = SimpleNamespace(**json.loads(args.handle))
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as temp:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        result = crawl(
            CrawlTarget.for_emulator(handle),
            Path(temp) / "snap",
            source=args.child,
            concurrency=args.child_concurrency,
            state_dir=Path(temp) / "state",
        )
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    peak_mb = peak_rss_mb()
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": cpu,
                "requests": result.requests,
                "resources": result.counts["resources"],
                "errors": len(result.errors),
                "throttled": result.throttled,
                "paced": result.paced_seconds,
                "floor": _floor_seconds(result.requests_by_scope),
                "peak_mb": peak_mb,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--resources", type=int, default=50_000)
    parser.add_argument("--tenants", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--modes", nargs="+", default=["resource-graph", "arm"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-concurrency", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--handle", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        crawl_child(args)
        return

    with tempfile.TemporaryDirectory(prefix="bench-estate-") as temp:
        started = time.perf_counter()
        estate = synthetic_estate(Path(temp) / "estate", args)
        print(
            f"estate: {args.subscriptions} subscriptions, {args.resources} resources, "
            f"{args.tenants} tenants, generated in {time.perf_counter() - started:.1f} s; "
            f"latency {args.latency_ms:g} ms per request",
            flush=True,
        )
        rows: list[dict[str, Any]] = []
        with emulator_serving(estate, args.latency_ms) as (emulator, handle):
            for mode in args.modes:
                for concurrency in args.concurrency:
                    emulator_cpu = cpu_seconds_of(emulator.pid)
                    stats = crawl_in_child(handle, mode, concurrency)
                    stats["emulator_cpu"] = cpu_seconds_of(emulator.pid) - emulator_cpu
                    rows.append({"mode": mode, "concurrency": concurrency, **stats})
                    print(f"  {mode} x{concurrency}: {stats['wall']:.1f} s", flush=True)
            emulator_peak = peak_rss_mb_of(emulator.pid)

    print()
    header = (
        f"{'mode':<15}{'in flight':>10}{'wall s':>9}{'target s':>9}{'requests':>10}"
        f"{'req/s':>8}{'ideal s':>9}{'x ideal':>8}{'cpu ms/req':>11}{'429s':>6}"
        f"{'crawler MB':>11}{'emu cpu ms/req':>15}{'resources':>10}{'errors':>7}"
    )
    print_header(header)
    for row in rows:
        ideal = max(row["requests"] * args.latency_ms / 1000 / row["concurrency"], row["floor"])
        print(
            f"{row['mode']:<15}{row['concurrency']:>10}{row['wall']:>9.1f}"
            f"{TARGETS[row['mode']]:>9.0f}{row['requests']:>10}"
            f"{row['requests'] / row['wall']:>8.0f}{ideal:>9.1f}{row['wall'] / ideal:>8.2f}"
            f"{row['cpu'] * 1000 / row['requests']:>11.2f}{row['throttled']:>6}"
            f"{row['peak_mb']:>11.0f}{row['emulator_cpu'] * 1000 / row['requests']:>15.2f}"
            f"{row['resources']:>10}{row['errors']:>7}"
        )
    print(
        f"\nemulator process peak RSS: {emulator_peak:.0f} MB; "
        f"memory target {MEMORY_TARGET_MB:.0f} MB per process"
    )


if __name__ == "__main__":
    main()

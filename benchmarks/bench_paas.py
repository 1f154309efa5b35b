"""PaaS exposure crawl and analysis at scale (docs/spec/paas-exposure.md), one command, a table:

    .venv/bin/python benchmarks/bench_paas.py [--subscriptions 1000] [--paas 100000]
        [--open-share 0.05] [--resources 20000] [--latency-ms 20] [--concurrency 16]

Two synthetic estates with the same seed, without and with platform services
(discovery/estates/synthetic_paas.py: every type the contract names, ``--open-share`` of
them with an open public endpoint and the children a crawl then reads), are each served
by the emulator (its own process, default quotas) and crawled in Resource Graph mode (a
fresh process each, as benchmarks/bench_crawl.py does): the difference is what the
platform services add. Then the PaaS verdict and findings run on the second estate's
graph. Targets: crawl adds < 60 s, analysis < 10 s.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import harness  # noqa: E402

CRAWL_ADDS_TARGET, ANALYSIS_TARGET, MEMORY_TARGET_MB = 60.0, 10.0, 1024.0


def _analyse(estate: Path) -> dict[str, Any]:
    from graph.analysis.paas_findings import find_paas_exposures, paas_findings
    from graph.build import build_graph
    from graph.inventory import parse_inventory
    from graph.snapshot import load_snapshot

    graph = build_graph(load_snapshot(estate))
    inventory = parse_inventory("version: 1\n")
    started = time.perf_counter()
    exposures = find_paas_exposures(graph)
    findings = paas_findings(exposures, graph, inventory, dt.date(2026, 12, 1))
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "services": len(exposures),
        "findings": len(findings),
        "nodes": graph.number_of_nodes(),
        "peak_mb": harness.peak_rss_mb(),
    }


def main() -> None:
    parser = harness.comparison_parser(__doc__, subscriptions=1_000, tenants=1)
    parser.add_argument("--paas", type=int, default=100_000)
    parser.add_argument("--open-share", type=float, default=0.05)
    args = parser.parse_args()

    from discovery.estates.synthetic_paas import add_platform_services

    with tempfile.TemporaryDirectory(prefix="bench-paas-") as temp:
        without = harness.synthetic_estate(Path(temp) / "without", args)
        with_paas = Path(shutil.copytree(without, Path(temp) / "with"))
        opened = add_platform_services(with_paas, args.paas, args.open_share)
        print(
            f"estate: {args.subscriptions} subscriptions, {args.resources} network resources, "
            f"{args.paas} platform services ({opened} open); latency {args.latency_ms:g} ms, "
            f"{args.concurrency} in flight",
            flush=True,
        )
        crawls = harness.crawl_each(
            {"without": without, "with": with_paas}, args, "platform services"
        )
        analysis = _analyse(with_paas)

    harness.print_measures_header(48)
    harness.print_crawl_measures(
        crawls,
        48,
        what="PaaS",
        adds="platform services add",
        adds_target=CRAWL_ADDS_TARGET,
        memory_target=MEMORY_TARGET_MB,
        emulator_rss=True,
    )
    print(
        f"{'PaaS verdict and findings, s':<48}{analysis['seconds']:>12.2f}{ANALYSIS_TARGET:>10.0f}"
    )
    print(f"{'services judged / findings':<48}{analysis['services']:>6}/{analysis['findings']:<5}")
    print(
        f"{'analysis process peak RSS (build incl.), MB':<48}{analysis['peak_mb']:>12.0f}{MEMORY_TARGET_MB:>10.0f}"
    )
    print(f"{'graph nodes':<48}{analysis['nodes']:>12}")


if __name__ == "__main__":
    main()

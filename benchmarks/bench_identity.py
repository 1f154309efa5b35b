"""Identity channels at scale (docs/spec/identity-links.md), one command, a table:

    .venv/bin/python benchmarks/bench_identity.py [--subscriptions 10000]
        [--role-assignments 200000] [--identities 5000] [--foreign-groups 1000]
        [--resources 20000] [--latency-ms 20] [--concurrency 16]

Two synthetic estates with the same seed and the same governance data (role
assignments included), the second with user-assigned identities (a federated
credential on every fourth) and foreign-group role assignments on top, are each
served by the emulator and crawled in Resource Graph mode in a fresh process
(benchmarks/bench_governance.py's way): the difference is what the identity
channels add. Then the tenant analysis (observations of every channel and the
connected findings) runs on both graphs. Targets: crawl adds < 60 s, analysis
< 5 s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import harness  # noqa: E402

CRAWL_ADDS_TARGET, ANALYSIS_TARGET = 60.0, 5.0


def _analyse(estate: Path) -> dict[str, Any]:
    from graph.analysis.connected import connected_findings
    from graph.analysis.identity_links import ACCESS_CHANNELS
    from graph.analysis.tenants import observe
    from graph.build import build_graph
    from graph.crawl_record import crawl_record
    from graph.inventory import Inventory
    from graph.snapshot import load_snapshot

    snap = load_snapshot(estate)
    graph = build_graph(snap)
    record = crawl_record(snap)
    started = time.perf_counter()
    observed = observe(graph, record)
    findings = connected_findings(graph, record, observed, Inventory.empty())
    seconds = time.perf_counter() - started
    trusts = sum(1 for o in observed.links if o.channel in ACCESS_CHANNELS)
    return {
        "seconds": seconds,
        "findings": len(findings),
        "access": trusts,
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "peak_mb": harness.peak_rss_mb(),
    }


def main() -> None:
    parser = harness.comparison_parser(__doc__, subscriptions=10_000, tenants=3)
    parser.add_argument("--role-assignments", type=int, default=200_000)
    parser.add_argument("--identities", type=int, default=5_000)
    parser.add_argument("--foreign-groups", type=int, default=1_000)
    args = parser.parse_args()

    from discovery.estates.synthetic_identity import add_identities

    with tempfile.TemporaryDirectory(prefix="bench-identity-") as temp:
        estates = {}
        for name in ("without", "with"):
            estates[name] = harness.synthetic_estate(
                Path(temp) / name,
                args,
                governance=True,
                role_assignments=args.role_assignments,
                policy_assignments=0,
            )
        add_identities(
            estates["with"], identities=args.identities, foreign_groups=args.foreign_groups
        )
        print(
            f"estate: {args.subscriptions} subscriptions, {args.resources} network resources, "
            f"{args.role_assignments} role assignments, {args.tenants} tenants; with: "
            f"+{args.identities} user-assigned identities (a federated credential on every "
            f"fourth), +{args.foreign_groups} foreign-group role assignments; "
            f"latency {args.latency_ms:g} ms, {args.concurrency} in flight",
            flush=True,
        )
        crawls = harness.crawl_each(estates, args, "identities")
        analyses = {name: _analyse(path) for name, path in estates.items()}

    harness.print_measures_header(48)
    harness.print_crawl_measures(
        crawls,
        48,
        what="identities",
        adds="identity channels add",
        adds_target=CRAWL_ADDS_TARGET,
        memory_target=None,
        emulator_rss=False,
    )
    for name in ("without", "with"):
        result = analyses[name]
        print(
            f"{f'tenant analysis {name} identities, s':<48}{result['seconds']:>12.2f}"
            f"{ANALYSIS_TARGET:>10.0f}"
        )
    print(f"{'connected findings with identities':<48}{analyses['with']['findings']:>12}")
    print(f"{'access observations with identities':<48}{analyses['with']['access']:>12}")
    print(
        f"{'graph nodes / edges with identities':<48}{analyses['with']['nodes']:>6}/{analyses['with']['edges']}"
    )
    print(
        f"{'analysis process peak RSS (builds incl.), MB':<48}{analyses['with']['peak_mb']:>12.0f}"
    )


if __name__ == "__main__":
    main()

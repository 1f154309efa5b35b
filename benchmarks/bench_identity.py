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

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from harness import crawl, peak_rss_mb  # noqa: E402

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
        "peak_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--resources", type=int, default=20_000)
    parser.add_argument("--tenants", type=int, default=3)
    parser.add_argument("--role-assignments", type=int, default=200_000)
    parser.add_argument("--identities", type=int, default=5_000)
    parser.add_argument("--foreign-groups", type=int, default=1_000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--skip-crawl", action="store_true", help="only the analysis")
    args = parser.parse_args()

    from discovery.estates.synthetic import generate_estate
    from discovery.estates.synthetic_identity import add_identities

    with tempfile.TemporaryDirectory(prefix="bench-identity-") as temp:
        estates = {}
        for name in ("without", "with"):
            estates[name] = generate_estate(
                Path(temp) / name,
                tenants=args.tenants,
                subscriptions=args.subscriptions,
                resources=args.resources,
                seed=1,
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
        crawls = {}
        if not args.skip_crawl:
            for name, path in estates.items():
                crawls[name] = crawl(path, args.latency_ms, args.concurrency)
                print(f"  crawl {name} identities: {crawls[name]['wall']:.1f} s", flush=True)
        analyses = {name: _analyse(path) for name, path in estates.items()}

    print()
    header = f"{'measure':<48}{'value':>12}{'target':>10}"
    print(header)
    print("-" * len(header))
    if crawls:
        adds = crawls["with"]["wall"] - crawls["without"]["wall"]
        extra = crawls["with"]["requests"] - crawls["without"]["requests"]
        print(
            f"{'crawl (Resource Graph) without identities, s':<48}{crawls['without']['wall']:>12.1f}"
        )
        print(f"{'crawl (Resource Graph) with identities, s':<48}{crawls['with']['wall']:>12.1f}")
        print(f"{'identity channels add, s':<48}{adds:>12.1f}{CRAWL_ADDS_TARGET:>10.0f}")
        print(f"{'identity channels add, requests':<48}{extra:>12}")
        print(f"{'crawler peak RSS with identities, MB':<48}{crawls['with']['peak_mb']:>12.0f}")
        print(f"{'crawl errors with identities':<48}{crawls['with']['errors']:>12}")
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

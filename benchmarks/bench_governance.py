"""Governance crawl and analysis at scale (docs/spec/governance.md), one command, a table:

    .venv/bin/python benchmarks/bench_governance.py [--subscriptions 10000]
        [--role-assignments 100000] [--policy-assignments 20000] [--resources 20000]
        [--latency-ms 20] [--concurrency 16]

Two synthetic estates with the same seed, without and with governance data, are
each served by the emulator (its own process, default quotas) and crawled in
Resource Graph mode (a fresh process each, as benchmarks/bench_crawl.py does):
the difference is what governance adds. Then the governance analysis (scope,
the state of every control, findings and matrix) runs on the governance
estate's graph. Targets: crawl adds < 30 s, analysis < 5 s, peak < 1 GB.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import harness  # noqa: E402

CRAWL_ADDS_TARGET, ANALYSIS_TARGET, MEMORY_TARGET_MB = 30.0, 5.0, 1024.0
INVENTORY = """\
version: 1
governance:
  root_management_group: landing-zones-t0
  policy_assignments:
    - definition: /providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8
      name: Microsoft cloud security benchmark
  defender_plans: [VirtualMachines, StorageAccounts, KeyVaults, Arm, CloudPosture]
  security_contact: true
  readers:
    - principal: 5ec0b5ec-0000-4000-8000-0000000000aa
      name: secops-team
      roles: [Reader, Security Reader]
  tenant_controls:
    block_subscriptions_entering: true
"""


def _analyse(estate: Path) -> dict[str, Any]:
    from graph.analysis.governance import assess, governance_findings, matrix
    from graph.analysis.tenants import observe
    from graph.build import build_graph
    from graph.crawl_record import crawl_record
    from graph.inventory import parse_inventory
    from graph.snapshot import load_snapshot

    snap = load_snapshot(estate)
    graph = build_graph(snap)
    inventory = parse_inventory(INVENTORY)
    record = crawl_record(snap)
    observed = observe(graph, record)
    started = time.perf_counter()
    assessment = assess(graph, record, observed, inventory)
    findings = governance_findings(assessment)
    table = matrix(assessment)
    seconds = time.perf_counter() - started
    assert table is not None
    return {
        "seconds": seconds,
        "rows": len(table["rows"]),
        "findings": len(findings),
        "nodes": graph.number_of_nodes(),
        "peak_mb": harness.peak_rss_mb(),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def main() -> None:
    parser = harness.comparison_parser(__doc__, subscriptions=10_000, tenants=3)
    parser.add_argument("--role-assignments", type=int, default=100_000)
    parser.add_argument("--policy-assignments", type=int, default=20_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-governance-") as temp:
        estates = {}
        for name, governance in (("without", False), ("with", True)):
            estates[name] = harness.synthetic_estate(
                Path(temp) / name,
                args,
                governance=governance,
                role_assignments=args.role_assignments,
                policy_assignments=args.policy_assignments,
            )
        print(
            f"estate: {args.subscriptions} subscriptions, {args.resources} network resources, "
            f"{args.role_assignments} role and {args.policy_assignments} policy assignments, "
            f"{args.tenants} tenants; latency {args.latency_ms:g} ms, {args.concurrency} in flight",
            flush=True,
        )
        crawls = harness.crawl_each(estates, args, "governance")
        analysis = _analyse(estates["with"])

    harness.print_measures_header(44)
    harness.print_crawl_measures(
        crawls,
        44,
        what="governance",
        adds="governance adds",
        adds_target=CRAWL_ADDS_TARGET,
        memory_target=MEMORY_TARGET_MB,
        emulator_rss=True,
    )
    print(f"{'governance analysis, s':<44}{analysis['seconds']:>12.2f}{ANALYSIS_TARGET:>10.0f}")
    print(f"{'rows in the matrix / findings':<44}{analysis['rows']:>6}/{analysis['findings']:<5}")
    print(
        f"{'analysis process peak RSS (build incl.), MB':<44}{analysis['peak_mb']:>12.0f}{MEMORY_TARGET_MB:>10.0f}"
    )
    print(f"{'graph nodes':<44}{analysis['nodes']:>12}")


if __name__ == "__main__":
    main()

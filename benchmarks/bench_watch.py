"""What a `tenantmap watch` cycle costs (docs/spec/watch.md, "Budget"); prints a table.

    .venv/bin/python benchmarks/bench_watch.py [--subscriptions 1000] [--tenants 3]
        [--elements 1000000] [--changes 100] [--skip-idle] [--skip-changes]

1. An idle cycle over `--subscriptions` subscriptions: a synthetic estate is recorded
   as a completed run (its folder is a snapshot: no crawl needed), the emulator serves
   it (no throttling, no latency), and after a first cycle (which loads the graph) one
   more cycle runs with nothing changed. Counted from the emulator's request log, per
   tenant: Resource Graph queries, ARM list calls (and their pages), GETs; the cycle's
   CPU time is the main thread's (`time.thread_time`: the emulator runs in a thread of
   its own).
   Target: at most 3 Resource Graph queries and 2 ARM list calls per tenant, < 1 s CPU.
2. A cycle with `--changes` changed resources in a graph of about `--elements` elements:
   a synthetic estate of about elements / 4 resources is recorded in a SQLite store;
   `--changes` of its NSGs get one more rule (as their re-reads by id would return
   them); the cycle's graph side runs on them: the small snapshot's build, the delta,
   the store write, the in-memory update and the analyses. The re-reads themselves
   are `--changes` ARM GETs (part 1 measures the requests a cycle makes).
   Target: O(changes) elements written, < 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from discovery.estates.synthetic import generate_estate
from graph.analysis import analyse
from graph.build import build_graph
from graph.crawl_record import CrawlRecord, crawl_record
from graph.snapshot import Snapshot, load_snapshot
from graph.stores import Store
from graph.stores.sqlite import SqliteStore

GRAPH_PATH = "/providers/microsoft.resourcegraph/resources"
LIST_PATHS = ("/subscriptions", "/providers/microsoft.management/getentities")
NOW = "2026-11-27T02:00:00Z"


def inventory_for(snap: Snapshot, folder: Path) -> Path:
    from bench_analysis import synthetic_inventory_text

    path = folder / "inventory.yaml"
    path.write_text(synthetic_inventory_text(snap, []), "utf-8")
    return path


def record_run(estate: Path, state: Path, inventory_path: Path) -> tuple[SqliteStore, Any]:
    """The estate folder recorded as a completed run, as `tenantmap analyse --record`."""
    from graph.inventory import load_inventory

    snap = load_snapshot(estate)
    graph = build_graph(snap)
    crawl = crawl_record(snap)
    inventory = load_inventory(inventory_path)
    store = SqliteStore(state / "tenantmap.db", state_dir=state)
    run_id = store.begin_run(NOW, {"kind": "snapshot"}, inventory.sha256)
    scopes = {
        *snap.manifest.get("tenantsCrawled", []),
        *snap.manifest.get("subscriptionsCrawled", []),
    }
    store.write_graph(run_id, graph, complete_scopes={s.lower() for s in scopes}, seen_at=NOW)
    finish_analysed(store, run_id, graph, crawl, inventory, at=NOW, previous=None)
    store.settle()
    return store, graph


def finish_analysed(
    store: Store,
    run_id: str,
    graph: Any,
    crawl: CrawlRecord,
    inventory: Any,
    *,
    at: str,
    previous: dict[str, Any] | None,
) -> None:
    """The run analysed and recorded completed, with its report, findings, coverage and
    crawl record, as the pipeline finishes a night."""
    report = analyse(
        graph,
        crawl,
        inventory,
        today=date.fromisoformat(at[:10]),
        run={"id": run_id, "startedAt": at},
        previous=previous,
    )
    store.finish_run(
        run_id,
        finished_at=at,
        outcome="completed",
        exit_code=0,
        coverage=report["coverage"],
        findings=report["findings"],
        report=report,
        crawl=crawl.to_json(),
    )


def idle_cycle(subscriptions: int, tenants: int, folder: Path) -> list[tuple[str, str, str]]:
    from discovery.crawl import CrawlTarget
    from discovery.emulator import running_emulator
    from tenantmap.pipeline import AnalyseOptions, CrawlOptions
    from tenantmap.watch import Watcher, WatchOptions

    estate = generate_estate(
        folder / "idle-estate",
        tenants=tenants,
        subscriptions=subscriptions,
        resources=subscriptions * 5,
    )
    state = folder / "idle-state"
    inventory_path = inventory_for(load_snapshot(estate), folder)
    store, _graph = record_run(estate, state, inventory_path)
    store.close()
    from graph.inventory import load_inventory

    overrides = {"throttle": None, "resourceGraphQuota": None}
    with running_emulator(estate, overrides=overrides) as emu:
        watcher = Watcher(
            CrawlOptions(),
            AnalyseOptions(
                inventory=inventory_path, store_url=f"sqlite:///{state / 'tenantmap.db'}"
            ),
            WatchOptions(once=True),
            state_dir=state,
            mail=None,
            target=CrawlTarget.for_emulator(emu),
            inventory=load_inventory(inventory_path),
        )
        first = watcher.cycle()
        assert first.record["outcome"] == "completed", first.record
        emu.clear_request_log()
        cpu, wall = time.thread_time(), time.perf_counter()
        second = watcher.cycle()
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        watcher.close()
        log = emu.request_log()
    per_tenant: dict[str, Counter[str]] = {}
    for entry in log:
        if entry["path"].lower().split("/")[2:3] == ["oauth2"] or "/oauth2/" in entry["path"]:
            continue
        kind = _kind(entry)
        per_tenant.setdefault(entry.get("tenant") or "?", Counter())[kind] += 1
    rows = [("estate", f"{tenants} tenants, {subscriptions} subscriptions", "")]
    for tenant, counts in sorted(per_tenant.items()):
        if tenant == "?":
            continue
        rows.append(
            (
                f"tenant {tenant[:8]}",
                f"{counts['graph']} Resource Graph queries, {counts['list-op']} ARM list "
                f"calls ({counts['list-op'] + counts['list-page']} pages), {counts['get']} GETs",
                "<= 3 and <= 2",
            )
        )
    rows.append(("idle cycle CPU (main thread)", f"{cpu:.3f} s", "< 1 s"))
    rows.append(("idle cycle wall time", f"{wall:.3f} s", ""))
    rows.append(
        (
            "idle cycle: changes, elements written",
            f"{second.record['changesSeen']}, {second.record['elementsWritten']}",
            "0, 0",
        )
    )
    return rows


def _kind(entry: dict[str, Any]) -> str:
    path = entry["path"].lower()
    if path == GRAPH_PATH:
        return "graph"
    if path in LIST_PATHS:
        # a first page has no skip token: one list call, however many pages follow
        query = {str(k).lower() for k in entry.get("query") or {}}
        return "list-page" if "$skiptoken" in query else "list-op"
    return "get"


def changed_cycle(elements: int, changes: int, folder: Path) -> list[tuple[str, str, str]]:
    from graph.inventory import load_inventory
    from graph.stores.watch_sqlite import write_delta
    from graph.watch_delta import apply_delta, graph_delta, source_scopes

    resources = max(1000, elements // 4)
    t0 = time.perf_counter()
    estate = generate_estate(
        folder / "big-estate",
        tenants=1,
        subscriptions=max(10, resources // 250),
        resources=resources,
    )
    state = folder / "big-state"
    inventory_path = inventory_for(load_snapshot(estate), folder)
    store, graph = record_run(estate, state, inventory_path)
    prepared = time.perf_counter() - t0
    size = graph.number_of_nodes() + graph.number_of_edges()
    inventory = load_inventory(inventory_path)
    previous = store.previous_run()
    assert previous is not None

    # the re-reads: `changes` NSGs, each with one more rule letting RDP in from the internet
    nsgs = []
    with (estate / "resources.jsonl").open("rb") as handle:
        for line in handle:
            if b"/networkSecurityGroups/" not in line:
                continue
            resource = json.loads(line)
            if resource["type"].lower() == "microsoft.network/networksecuritygroups":
                nsgs.append(resource)
                if len(nsgs) == changes:
                    break
    for nsg in nsgs:
        rule = {
            "id": nsg["id"] + "/securityRules/allow-rdp-watch",
            "name": "allow-rdp-watch",
            "properties": {
                "access": "Allow",
                "direction": "Inbound",
                "priority": 101,
                "protocol": "Tcp",
                "sourceAddressPrefix": "Internet",
                "sourcePortRange": "*",
                "destinationAddressPrefix": "*",
                "destinationPortRange": "3389",
            },
        }
        nsg.setdefault("properties", {}).setdefault("securityRules", []).append(rule)
    small = folder / "cycle-snapshot"
    shutil.copytree(estate, small, ignore=shutil.ignore_patterns("resources.jsonl"))
    (small / "resources.jsonl").write_text("".join(json.dumps(n) + "\n" for n in nsgs))

    started = time.perf_counter()
    snap = load_snapshot(small)
    read = build_graph(snap)
    t_build = time.perf_counter()
    delta = graph_delta(graph, read, reread=[n["id"] for n in nsgs], gone=[])
    t_delta = time.perf_counter()
    written = write_delta(
        store,
        delta,
        at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        scopes=source_scopes(graph, delta),
    )
    t_write = time.perf_counter()
    apply_delta(graph, delta)
    assert previous.crawl is not None
    report = analyse(
        graph,
        CrawlRecord.from_json(previous.crawl),
        inventory,
        today=date(2026, 11, 27),
        run={"id": "watch", "startedAt": "2026-11-27T09:00:00Z"},
        previous=previous.report,
    )
    t_analyse = time.perf_counter()
    store.close()
    new = sum(1 for f in report["findings"] if f.get("status") == "new")
    worse = sum(1 for f in report["findings"] if f.get("worsened"))
    return [
        ("graph", f"{size:,} elements ({resources:,} resources)", "1,000,000"),
        ("preparation (estate, build, store, first analysis)", f"{prepared:.1f} s", ""),
        ("changed resources re-read", f"{len(nsgs)}", ""),
        ("elements written", f"{written}", f"O({changes})"),
        ("small build", f"{t_build - started:.2f} s", ""),
        ("delta", f"{t_delta - t_build:.3f} s", ""),
        ("store write", f"{t_write - t_delta:.3f} s", ""),
        ("update + analyses", f"{t_analyse - t_write:.2f} s", ""),
        ("cycle (graph side)", f"{t_analyse - started:.2f} s", "< 10 s"),
        ("findings new, worse", f"{new}, {worse}", ""),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--tenants", type=int, default=3)
    parser.add_argument("--elements", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--skip-idle", action="store_true")
    parser.add_argument("--skip-changes", action="store_true")
    args = parser.parse_args()
    # the emulator's credentials reach the crawl through CrawlTarget.for_emulator
    os.environ.pop("TENANTMAP_ARM_ENDPOINT", None)
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="tenantmap-bench-watch-") as temp:
        if not args.skip_idle:
            rows += idle_cycle(args.subscriptions, args.tenants, Path(temp))
        if not args.skip_changes:
            rows += changed_cycle(args.elements, args.changes, Path(temp))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':<70}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<70}  {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

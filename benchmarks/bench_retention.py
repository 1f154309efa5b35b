"""The SQLite store's size night after night with `--retention-days 30` (prints a table).

    .venv/bin/python benchmarks/bench_retention.py [--size 10000] [--nights 40] [--keep DIR]

A synthetic estate of --size resources (bench_end_to_end.prepare) is analysed once;
then --nights nights, one day apart, are recorded into one SQLite store as the
pipeline records them (begin, graph write, finish with the report, findings,
coverage and crawl record, purge with retention 30), each with the store opened
and closed as a nightly job does. The file's size after each night shows whether
the store levels off once runs outlive the retention (their reports trimmed,
their pages reused) or grows by one report a night. Not timed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

RETENTION_DAYS = 30
FIRST_NIGHT = datetime(2026, 10, 1, 2, tzinfo=UTC)


def nights(folder: Path, size: int, count: int) -> list[tuple[int, int]]:
    """(night, store file size in bytes) after each night."""
    from bench_end_to_end import prepare
    from bench_watch import finish_analysed

    from graph.build import build_graph
    from graph.crawl_record import crawl_record
    from graph.inventory import load_inventory
    from graph.snapshot import load_snapshot
    from graph.stores import open_store

    estate, inventory_file = prepare(size, folder)
    snap = load_snapshot(estate)
    graph = build_graph(snap)
    crawl = crawl_record(snap)
    inventory = load_inventory(inventory_file)
    state = folder / "state"
    sizes = []
    for night in range(1, count + 1):
        started = FIRST_NIGHT + timedelta(days=night - 1)
        at = started.strftime("%Y-%m-%dT%H:%M:%SZ")
        store = open_store(None, state_dir=state)
        try:
            run_id = store.begin_run(at, {"kind": "resource-graph"}, inventory.sha256)
            store.write_graph(run_id, graph, complete_scopes=set(crawl.scopes_read()), seen_at=at)
            previous = store.previous_run(history_only=True)
            finish_analysed(
                store,
                run_id,
                graph,
                crawl,
                inventory,
                at=at,
                previous=previous.report if previous else None,
            )
            store.purge(RETENTION_DAYS, now=started + timedelta(minutes=10))
        finally:
            store.close()  # the last connection checkpoints the WAL into the file
        sizes.append((night, (state / "tenantmap.db").stat().st_size))
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--nights", type=int, default=40)
    parser.add_argument("--keep", type=Path, help="folder for the estate and store (kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        rows = nights(folder, args.size, args.nights)
    print(f"| night | store MiB ({args.size:,} resources, retention {RETENTION_DAYS} days) |")
    print("|---:|---:|")
    for night, size in rows:
        print(f"| {night} | {size / 2**20:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`tenantmap analyse --record` end to end on synthetic estates: wall, CPU and peak
RSS per phase (prints a table).

    .venv/bin/python benchmarks/bench_end_to_end.py [--sizes 10000,100000,1000000]
        [--nights 2] [--keep DIR]

Per size, a synthetic estate (discovery.estates.synthetic, one subscription per
100 resources, one NIC with a public IP per 20) and an inventory declaring two of
every three subscriptions are generated (not timed). Then, in a child process of
its own per night (as a nightly job runs), the real command runs --nights times
against one SQLite store: the first night writes an empty store, later nights
rewrite the same estate. Each phase is
timed by wrapping the function the pipeline calls (snapshot load, graph build,
store write, previous run, analysis, reports, finish, purge); "other" is the rest of the
command. Peak RSS per phase is the process's high-water mark during that phase
(reset before it, Linux /proc/self/clear_refs); "night" is the whole command, its
peak RSS counted with the peak of its helper processes (the SQLite writer of a first
write, graph.stores.sqlite_writer, and the quick look at a large snapshot,
graph.quick_look_process; their row gives their CPU together and the larger peak),
as if both had peaked at once.
"cpu s" is the command's own process; "of it sys" the part spent in the kernel
(page faults, growing files), which on a VM can vary from run to run by several
times.

Targets (issue 17): the 1,000,000-resource night under 60 s and 3 GB; purge
under 1 s when nothing is gone.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

TARGET_SECONDS = 60.0
TARGET_RSS_MIB = 3 * 1024
NIGHTS = ("2026-11-26", "2026-11-27", "2026-11-28")


def _high_water_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_high_water() -> None:
    # Not on Linux: the peaks are then the process's peak so far.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


class Phases:
    """Wall, CPU and peak RSS of each wrapped function, in the order they ran."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            _reset_high_water()
            wall, cpu, kernel = time.perf_counter(), time.process_time(), os.times().system
            try:
                return function(*args, **kwargs)
            finally:
                self.rows.append(
                    {
                        "phase": name,
                        "wall": time.perf_counter() - wall,
                        "cpu": time.process_time() - cpu,
                        "sys": os.times().system - kernel,
                        "rss": _high_water_mib(),
                    }
                )

        return timed


# The command's helper processes, by the module each runs
HELPERS = (b"graph.stores.sqlite_writer", b"graph.quick_look_process")


class WriterPeak(threading.Thread):
    """The peak RSS of this process's helper processes (HELPERS), the largest, read
    from /proc while they run. Not RUSAGE_CHILDREN: Linux keeps in a child's maximum
    the RSS it had before its exec, which for a child of a 2 GB process is 2 GB it
    never held on its own."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.mib = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        children = Path(f"/proc/self/task/{os.getpid()}/children")
        while not self._done.wait(0.05):
            with contextlib.suppress(OSError):
                for pid in children.read_text().split():
                    self._sample(Path("/proc") / pid)

    def _sample(self, proc: Path) -> None:
        with contextlib.suppress(OSError):
            command = (proc / "cmdline").read_bytes()
            if not any(helper in command for helper in HELPERS):
                return  # not yet exec'd: its memory is still this process's
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.mib = max(self.mib, int(line.split()[1]) / 1024)

    def stop(self) -> float:
        self._done.set()
        self.join()
        return self.mib


def child(estate: Path, inventory: Path, state: Path, night: str) -> list[dict[str, Any]]:
    """Run the command once in this process, its phases wrapped."""
    import graph.analysis
    import graph.build
    import reports
    import tenantmap.pipeline
    from graph.stores.sqlite import SqliteStore
    from tenantmap.cli import main

    phases = Phases()
    for module, name, phase in (
        (tenantmap.pipeline, "load_snapshot_or_fail", "snapshot load"),
        (graph.build, "build_graph", "graph build"),
        (graph.analysis, "analyse", "analysis"),
        (reports, "write_reports", "reports"),
        (SqliteStore, "write_graph", "store write"),
        (SqliteStore, "previous_run", "previous run"),
        (SqliteStore, "finish_run", "finish run"),
        (SqliteStore, "purge", "purge"),
    ):
        setattr(module, name, phases.wrap(phase, getattr(module, name)))
    _reset_high_water()
    writer = WriterPeak()
    writer.start()
    wall, cpu, kernel = time.perf_counter(), time.process_time(), os.times().system
    try:  # the command ends with sys.exit(its exit code)
        main.main(
            ["analyse", "--snapshot", str(estate), "--inventory", str(inventory), "--record",
             "--state-dir", str(state), "--out", str(state / f"out-{night}"), "--now", night,
             "--quiet", "--debug"],
            standalone_mode=False,
        )  # fmt: skip
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    if code not in (0, 1):
        raise SystemExit(f"tenantmap analyse exited {code}")
    writer_mib = writer.stop()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    helper = {
        "phase": "helper processes",
        "wall": None,
        "cpu": children.ru_utime + children.ru_stime,
        "sys": children.ru_stime,
        "rss": writer_mib,
    }
    total = {
        "phase": "night",
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "sys": os.times().system - kernel,
        "rss": max([_high_water_mib(), *(row["rss"] for row in phases.rows)]) + writer_mib,
    }
    other = {
        "phase": "other",
        "wall": total["wall"] - sum(row["wall"] for row in phases.rows),
        "cpu": total["cpu"] - sum(row["cpu"] for row in phases.rows),
        "sys": total["sys"] - sum(row["sys"] for row in phases.rows),
        "rss": None,
    }
    return [*phases.rows, other, *([helper] if writer_mib else []), total]


def prepare(size: int, folder: Path) -> tuple[Path, Path]:
    """The estate and its inventory (reused when ``folder`` already holds them)."""
    from bench_analysis import synthetic_inventory_text

    from discovery.estates.synthetic import generate_estate
    from graph.snapshot import load_snapshot

    estate, inventory = folder / "estate", folder / "inventory.yaml"
    if not (estate / "resources.jsonl").exists():
        generate_estate(
            estate,
            subscriptions=max(10, size // 100),
            resources=size,
            nics_with_public_ip=max(1, size // 20),
        )
    if not inventory.exists():
        inventory.write_text(synthetic_inventory_text(load_snapshot(estate), []))
    return estate, inventory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--nights", type=int, default=2, choices=range(1, len(NIGHTS) + 1))
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the estates in this folder")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        estate, inventory, state, night = args.child
        print(json.dumps(child(Path(estate), Path(inventory), Path(state), night)))
        return 0

    tables = []
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp:
        for size in (int(text) for text in args.sizes.split(",")):
            folder = (args.keep or Path(tmp)) / f"estate-{size}"
            folder.mkdir(parents=True, exist_ok=True)
            estate, inventory = prepare(size, folder)
            state = Path(tmp) / f"state-{size}"
            state.mkdir()
            nights = []
            for night in NIGHTS[: args.nights]:
                command = [sys.executable, __file__, "--child", str(estate), str(inventory),
                           str(state), night]  # fmt: skip
                output = subprocess.run(command, capture_output=True, text=True, check=False)
                if output.returncode != 0:
                    print(output.stderr[-3000:], file=sys.stderr)
                    return 1
                nights.append(json.loads(output.stdout.strip().splitlines()[-1]))
            tables.append((size, nights))
    load = os.getloadavg()
    print(f"tenantmap analyse --record, SQLite store (load average {load[0]:.1f} at the end)")
    header = f"{'resources':>10} {'night':<6} {'phase':<14} {'wall s':>8} {'cpu s':>8} {'of it sys':>9} {'peak RSS MiB':>13}"
    print(header)
    print("-" * len(header))
    met = True
    for size, nights in tables:
        for number, rows in enumerate(nights, start=1):
            label = "first" if number == 1 else f"{number}"
            for row in rows:
                rss = "" if row["rss"] is None else f"{row['rss']:,.0f}"
                wall = "" if row["wall"] is None else f"{row['wall']:.1f}"
                print(f"{size:>10,} {label:<6} {row['phase']:<14} {wall:>8} "
                      f"{row['cpu']:>8.1f} {row['sys']:>9.1f} {rss:>13}")  # fmt: skip
            night = rows[-1]
            if size >= 1_000_000:
                met &= night["wall"] < TARGET_SECONDS and night["rss"] < TARGET_RSS_MIB
    print(f"(targets at 1,000,000 resources: night < {TARGET_SECONDS:.0f} s and "
          f"< {TARGET_RSS_MIB:,} MiB; purge < 1 s when nothing is gone)")  # fmt: skip
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

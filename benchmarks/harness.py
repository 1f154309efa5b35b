"""What the benchmarks share: a synthetic estate, the emulator in its own process, a crawl in
a fresh one, what a process's time and memory came to, and the measure/value/target table.

Not a benchmark itself (run_all.py runs only bench_*.py).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CRAWLER = REPO / "benchmarks" / "bench_crawl.py"

EMULATOR_CHILD = """
import json, sys
from pathlib import Path
from discovery.emulator import serve
def announce(h):
    print(json.dumps({k: str(getattr(h, k)) for k in
        ("arm_url", "authority_url", "ca_file", "tenant_id", "client_id", "client_secret")}), flush=True)
serve(Path(sys.argv[1]), overrides=json.loads(sys.argv[2]), announce=announce)
"""


# -- a process's time and memory -----------------------------------------------------------


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mb_of(pid: int) -> float | None:
    """Peak resident memory of another process (its VmHWM), None once it is gone."""
    return _status_mb(pid, "VmHWM:")


def rss_mb_of(pid: int) -> float | None:
    """Resident memory of another process now (its VmRSS), None once it is gone."""
    return _status_mb(pid, "VmRSS:")


def _status_mb(pid: int, field: str) -> float | None:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return None


def cpu_seconds_of(pid: int) -> float:
    """User + system CPU seconds another process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- an estate, the emulator serving it, a crawl of it -------------------------------------


def synthetic_estate(folder: Path, args: argparse.Namespace, **options: Any) -> Path:
    """The synthetic estate of --tenants, --subscriptions and --resources (seed 1) in folder."""
    from discovery.estates.synthetic import generate_estate

    return generate_estate(
        folder,
        tenants=args.tenants,
        subscriptions=args.subscriptions,
        resources=args.resources,
        seed=1,
        **options,
    )


def child_env() -> dict[str, str]:
    """The environment of a child process that imports the project from this checkout."""
    return {**os.environ, "PYTHONPATH": str(REPO)}


@contextmanager
def emulator_serving(
    estate: Path, latency_ms: float
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The emulator serving estate in its own process (default quotas, the given latency),
    so it neither steals the crawler's CPU nor inflates its memory: the process and the
    handle (JSON) it announced. Stopped on leaving."""
    emulator = subprocess.Popen(
        [sys.executable, "-c", EMULATOR_CHILD, str(estate), json.dumps({"latencyMs": latency_ms})],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    try:
        assert emulator.stdout is not None
        handle = emulator.stdout.readline().strip()
        if not handle:
            raise SystemExit("the emulator did not start")
        yield emulator, handle
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)


def crawl_in_child(handle: str, mode: str, concurrency: int) -> dict[str, Any]:
    """One crawl in a fresh process (so its peak RSS is the crawl's alone): the statistics
    bench_crawl.py's child prints."""
    out = subprocess.run(
        [
            sys.executable,
            str(CRAWLER),
            "--child",
            mode,
            "--child-concurrency",
            str(concurrency),
            "--handle",
            handle,
        ],
        capture_output=True,
        text=True,
        env=child_env(),
        check=True,
    )
    stats: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return stats


def crawl(estate: Path, latency_ms: float, concurrency: int) -> dict[str, Any]:
    """A Resource Graph crawl of estate served by its own emulator, with the emulator's
    peak RSS (emulator_mb) added to the crawl's statistics."""
    with emulator_serving(estate, latency_ms) as (emulator, handle):
        stats = crawl_in_child(handle, "resource-graph", concurrency)
        stats["emulator_mb"] = peak_rss_mb_of(emulator.pid)
        return stats


# -- two estates, without and with what a benchmark measures -------------------------------


def comparison_parser(doc: str, *, subscriptions: int, tenants: int) -> argparse.ArgumentParser:
    """The options of a benchmark that crawls an estate without and with something: the
    estate's size, the emulator's latency, the crawl's concurrency, --skip-crawl."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--subscriptions", type=int, default=subscriptions)
    parser.add_argument("--resources", type=int, default=20_000, help="network resources")
    parser.add_argument("--tenants", type=int, default=tenants)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--skip-crawl", action="store_true", help="only the analysis")
    return parser


def crawl_each(
    estates: dict[str, Path], args: argparse.Namespace, what: str
) -> dict[str, dict[str, Any]]:
    """Each estate crawled (none with --skip-crawl), its wall time printed as it ends."""
    crawls: dict[str, dict[str, Any]] = {}
    if not args.skip_crawl:
        for name, path in estates.items():
            crawls[name] = crawl(path, args.latency_ms, args.concurrency)
            print(f"  crawl {name} {what}: {crawls[name]['wall']:.1f} s", flush=True)
    return crawls


def print_header(header: str) -> None:
    print(header)
    print("-" * len(header))


def print_measures_header(width: int) -> None:
    """The head of a measure / value / target table whose measures are width wide."""
    print()
    print_header(f"{'measure':<{width}}{'value':>12}{'target':>10}")


def print_crawl_measures(
    crawls: dict[str, dict[str, Any]],
    width: int,
    *,
    what: str,
    adds: str,
    adds_target: float,
    memory_target: float | None,
    emulator_rss: bool,
) -> None:
    """The rows comparing the crawl without with the crawl with what (none if not crawled)."""
    if not crawls:
        return
    without, with_ = crawls["without"], crawls["with"]
    print(f"{f'crawl (Resource Graph) without {what}, s':<{width}}{without['wall']:>12.1f}")
    print(f"{f'crawl (Resource Graph) with {what}, s':<{width}}{with_['wall']:>12.1f}")
    print(f"{f'{adds}, s':<{width}}{with_['wall'] - without['wall']:>12.1f}{adds_target:>10.0f}")
    print(f"{f'{adds}, requests':<{width}}{with_['requests'] - without['requests']:>12}")
    target = "" if memory_target is None else f"{memory_target:>10.0f}"
    print(f"{f'crawler peak RSS with {what}, MB':<{width}}{with_['peak_mb']:>12.0f}{target}")
    if emulator_rss:
        print(f"{f'emulator peak RSS with {what}, MB':<{width}}{with_['emulator_mb']:>12.0f}")
    print(f"{f'crawl errors with {what}':<{width}}{with_['errors']:>12}")

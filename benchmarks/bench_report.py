"""Render a report of 10,000 findings; print the time and the file sizes.

Targets: all four files in under 10 s, report.html under 5 MB.

    .venv/bin/python benchmarks/bench_report.py [--findings 10000] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from graph.collector import collector_paused  # noqa: E402
from reports import write_reports  # noqa: E402
from reports.model import parse_report  # noqa: E402
from reports.render import (  # noqa: E402
    render_csv,
    render_html,
    render_json,
    render_markdown,
)
from reports.views import ReportView  # noqa: E402
from tests.reports.synthetic import synthetic_report  # noqa: E402

TARGET_SECONDS = 10.0
TARGET_HTML_BYTES = 5_000_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    report = synthetic_report(args.findings)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        started, cpu_started = time.perf_counter(), time.process_time()
        paths = write_reports(report, out)
        total = time.perf_counter() - started
        total_cpu = time.process_time() - cpu_started

        # the parts (CPU seconds, as write_reports runs them), to see where the time goes
        parts: list[tuple[str, float]] = []
        with collector_paused():
            t = time.process_time()
            parsed = parse_report(report)
            parts.append(("validate (pydantic)", time.process_time() - t))
            t = time.process_time()
            view = ReportView(parsed)
            parts.append(("names and evidence walks", time.process_time() - t))
            for name, render in (
                ("report.json", lambda: render_json(report)),
                ("report.html", lambda: render_html(parsed, view=view)),
                ("report.md", lambda: render_markdown(parsed, view=view)),
                ("findings.csv", lambda: render_csv(parsed)),
            ):
                t = time.process_time()
                render()
                parts.append((name, time.process_time() - t))

        t = time.perf_counter()
        write_reports(json.loads(paths["report.json"].read_text(encoding="utf-8")), out / "again")
        rerender = time.perf_counter() - t
        sizes = {name: path.stat().st_size for name, path in paths.items()}

    html_ok = sizes["report.html"] < TARGET_HTML_BYTES
    time_ok = total < TARGET_SECONDS
    print(f"tenantmap report rendering, {args.findings:,} findings")
    print(f"{'measure':<34}{'value':>14}  {'target':>12}  ok")
    print(
        f"{'write_reports (4 files)':<34}{total:>12.2f} s  {'< 10 s':>12}  {'yes' if time_ok else 'NO'}"
    )
    print(f"{'  of which CPU':<34}{total_cpu:>12.2f} s")
    print(f"{'re-render from report.json':<34}{rerender:>12.2f} s")
    for name, seconds in parts:
        print(f"{'  ' + name + ' (CPU)':<34}{seconds:>12.2f} s")
    print(
        f"{'report.html size':<34}{sizes['report.html'] / 1e6:>11.2f} MB  {'< 5 MB':>12}"
        f"  {'yes' if html_ok else 'NO'}"
    )
    for name in ("report.json", "report.md", "findings.csv"):
        print(f"{name + ' size':<34}{sizes[name] / 1e6:>11.2f} MB")
    return 0 if html_ok and time_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

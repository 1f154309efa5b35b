"""Run every benchmark in this folder, one after another, and print their tables.

python benchmarks/run_all.py            # everything (takes a few minutes)
python benchmarks/run_all.py crawl      # only the benchmarks whose name contains "crawl"
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    wanted = argv[1:]
    scripts = sorted(
        p for p in HERE.glob("bench_*.py") if not wanted or any(w in p.stem for w in wanted)
    )
    failed = []
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(f"({script.stem}: {time.perf_counter() - start:.1f} s wall, exit {code})", flush=True)
        if code:
            failed.append(script.stem)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Shared helpers for the crawler tests: crawl an emulator, read what was written."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from discovery.crawl import CrawlResult, CrawlTarget, RetrySettings, crawl
from discovery.emulator import EmulatorHandle
from discovery.redact import is_redacted, is_secret_name

MODES = ("resource-graph", "arm")
FAST_RETRY = RetrySettings(total=10, backoff_factor=0.05, backoff_max=2)


def crawl_emulator(
    emu: EmulatorHandle, out_dir: Path, state_dir: Path, mode: str, **options: Any
) -> CrawlResult:
    options.setdefault("retry", FAST_RETRY)
    return crawl(
        CrawlTarget.for_emulator(emu), out_dir, source=mode, state_dir=state_dir, **options
    )


def read_json(folder: Path, name: str) -> Any:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def resource_lines(folder: Path) -> list[dict[str, Any]]:
    lines = (folder / "resources.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _walk_secrets(obj: Any) -> Iterator[str]:
    if isinstance(obj, dict):
        for key, value in obj.items():
            if isinstance(value, str) and is_secret_name(key) and not is_redacted(value):
                yield value
            else:
                yield from _walk_secrets(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _walk_secrets(value)


def estate_secrets(estate: Path) -> set[str]:
    """Every plain secret value the estate serves."""
    found: set[str] = set()
    for path in estate.glob("*.json"):
        found.update(_walk_secrets(json.loads(path.read_text(encoding="utf-8"))))
    for line in (estate / "resources.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            found.update(_walk_secrets(json.loads(line)))
    return found


def copy_estate(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def edit_json(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data = change(data) or data
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")

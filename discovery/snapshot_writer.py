"""Write a snapshot folder (snapshot.md) atomically, streaming the resources.

Resources arrive in any order and in any number. They are serialised on
arrival, kept in a bounded buffer, spilled as sorted run files, and merged
with ``heapq.merge`` into ``resources.jsonl`` sorted by lower-cased id, so a
crawl of a million resources never holds them all in memory. Everything is
written into a hidden temporary folder beside the target and renamed into
place at the end: a failed crawl never leaves a half snapshot where a
complete one was.
"""

from __future__ import annotations

import heapq
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from discovery.redact import Redactor, may_hold_secret

FORMAT = "tenantmap.snapshot/1"
DEFAULT_BUFFER_BYTES = 32 * 1024 * 1024


def dump_line(obj: Any) -> str:
    """Compact JSON, UTF-8 text, key order kept (orjson: a third of json's CPU)."""
    try:
        return orjson.dumps(obj).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):  # e.g. an integer beyond 64 bits
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


Entry = tuple[str, str, str]  # lower-cased id, lower-cased type, JSON line


def _read_run(path: Path) -> Iterator[Entry]:
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            key, kind, line = raw.rstrip("\n").split("\t", 2)
            yield key, kind, line


class ResourceSorter:
    """External sort of resource lines by lower-cased id, bounded by ``buffer_bytes``."""

    def __init__(self, work_dir: Path, buffer_bytes: int = DEFAULT_BUFFER_BYTES) -> None:
        self._dir = work_dir
        self._dir.mkdir(parents=True, exist_ok=True)
        self._limit = buffer_bytes
        self._buffer: list[Entry] = []
        self._buffered = 0
        self._runs: list[Path] = []

    def add(self, key: str, kind: str, line: str) -> None:
        self._buffer.append((key, kind, line))
        self._buffered += len(line) + len(key) + len(kind) + 96
        if self._buffered >= self._limit:
            self._spill()

    def _spill(self) -> None:
        if not self._buffer:
            return
        self._buffer.sort(key=lambda entry: entry[0])
        path = self._dir / f"run-{len(self._runs):05d}.tsv"
        with path.open("w", encoding="utf-8") as handle:
            handle.writelines(f"{key}\t{kind}\t{line}\n" for key, kind, line in self._buffer)
        self._runs.append(path)
        self._buffer = []
        self._buffered = 0

    def merged(self) -> Iterator[Entry]:
        """Every line once, in id order; a repeated id keeps its first arrival."""
        self._spill()
        previous: str | None = None
        runs = (_read_run(p) for p in self._runs)
        for entry in heapq.merge(*runs, key=lambda entry: entry[0]):
            if entry[0] != previous:
                previous = entry[0]
                yield entry


class OutDirRefused(ValueError):
    """The target folder holds something tenantmap did not write: it is never replaced."""


def _is_snapshot(folder: Path) -> bool:
    """A folder tenantmap wrote: a snapshot manifest and nothing but its JSON files."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return False
    return all(
        entry.is_file() and not entry.is_symlink() and entry.suffix in (".json", ".jsonl")
        for entry in folder.iterdir()
    )


def check_replaceable(out_dir: Path) -> None:
    """Refuse a target that replacing would destroy someone's files.

    A new or empty folder, or a snapshot tenantmap wrote, may be replaced;
    anything else (a home folder, the state folder with its store and key, a
    symbolic link to either) is refused before anything is read or deleted.
    """
    if out_dir.is_symlink():
        raise OutDirRefused(
            f"{out_dir} is a symbolic link: give the snapshot folder itself (tenantmap replaces "
            "the folder it writes, so it never follows a link to replace another one)"
        )
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise OutDirRefused(f"{out_dir} is a file, not a folder: give a new or empty folder")
    if any(out_dir.iterdir()) and not _is_snapshot(out_dir):
        raise OutDirRefused(
            f"{out_dir} is not empty and is not a tenantmap snapshot: give a new or empty folder "
            "(tenantmap replaces only a snapshot it wrote, never other files)"
        )


class SnapshotWriter:
    """One snapshot being written; ``commit`` publishes it, ``abort`` discards it."""

    def __init__(
        self, out_dir: Path, redactor: Redactor, *, buffer_bytes: int = DEFAULT_BUFFER_BYTES
    ) -> None:
        # Absolute but not resolved: a link named as the target is refused, not followed.
        self.out_dir = Path(os.path.abspath(out_dir))
        check_replaceable(self.out_dir)
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = Path(
            tempfile.mkdtemp(prefix=f".{self.out_dir.name}.partial-", dir=self.out_dir.parent)
        )
        self._redactor = redactor
        self._sorter = ResourceSorter(self._tmp / ".runs", buffer_bytes)

    def add_resource(self, resource: dict[str, Any]) -> str:
        """Redact, serialise and queue one resource; returns its JSON line."""
        line = dump_line(resource)
        # Most resources hold no secret: a regex over the serialised line is
        # far cheaper than walking every object, so only hits are walked.
        if may_hold_secret(line):
            self._redactor.redact(resource)
            line = dump_line(resource)
        self._sorter.add(
            str(resource.get("id", "")).lower(), str(resource.get("type", "")).lower(), line
        )
        return line

    def write_json(self, name: str, obj: Any) -> None:
        self._redactor.redact(obj)
        with (self._tmp / name).open("w", encoding="utf-8") as handle:
            json.dump(obj, handle, ensure_ascii=False, indent=1)
            handle.write("\n")

    def _write_resources(self) -> dict[str, Any]:
        by_type: Counter[str] = Counter()
        total = 0
        with (self._tmp / "resources.jsonl").open("w", encoding="utf-8") as handle:
            for _key, kind, line in self._sorter.merged():
                handle.write(line)
                handle.write("\n")
                total += 1
                by_type[kind] += 1
        return {"resources": total, "byType": dict(sorted(by_type.items()))}

    def commit(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """Write resources.jsonl and manifest.json, then move the folder into place."""
        counts = self._write_resources()
        shutil.rmtree(self._tmp / ".runs", ignore_errors=True)
        manifest = {"format": FORMAT, **manifest, "counts": counts}
        self.write_json("manifest.json", manifest)
        check_replaceable(self.out_dir)  # again: someone may have put files there meanwhile
        old: Path | None = None
        if self.out_dir.exists():
            old = Path(
                tempfile.mkdtemp(prefix=f".{self.out_dir.name}.old-", dir=self.out_dir.parent)
            )
            os.rmdir(old)
            os.rename(self.out_dir, old)
        os.rename(self._tmp, self.out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return manifest

    def abort(self) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)

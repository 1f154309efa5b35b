"""Read a snapshot (or estate) folder in the `tenantmap.snapshot/1` format.

The small files are read whole; `resources.jsonl` is streamed, because a large
estate's resources do not fit comfortably in memory as parsed JSON. Every
problem becomes a :class:`SnapshotError` whose message is one sentence naming
the file (and line) to fix.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from graph.quick_look_process import HELPER_FROM_BYTES, QuickLookHelper
from graph.shapes import Note, drop_misshapen, lines_to_walk
from graph.shapes import kind_of as _kind

SNAPSHOT_FORMAT = "tenantmap.snapshot/1"

MANIFEST = "manifest.json"
TENANTS = "tenants.json"
SUBSCRIPTIONS = "subscriptions.json"
MANAGEMENT_GROUPS = "management-groups.json"
RESOURCES = "resources.jsonl"
FOREIGN = "foreign.json"
ERRORS = "errors.json"
EMULATOR = "emulator.json"

# Files a snapshot must have; foreign.json, errors.json and emulator.json are optional
# (an estate is handmade and records no failures).
REQUIRED_FILES = (MANIFEST, TENANTS, SUBSCRIPTIONS, MANAGEMENT_GROUPS, RESOURCES)


class SnapshotError(Exception):
    """A snapshot folder that cannot be read; the message names the file (and line) to fix."""


@dataclass
class Snapshot:
    """One crawl's (or estate's) raw ARM data, as snapshot.md lays it out."""

    path: Path
    manifest: dict[str, Any]
    tenants: list[dict[str, Any]]
    subscriptions: list[dict[str, Any]]
    management_groups: list[dict[str, Any]]
    foreign: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    emulator: dict[str, Any] = field(default_factory=dict)
    # fields dropped for their JSON type (graph/shapes.py), as reading goes
    shape_notes: list[Note] = field(default_factory=list)

    @property
    def resources_path(self) -> Path:
        return self.path / RESOURCES

    @property
    def tenants_crawled(self) -> list[str]:
        return [str(t).lower() for t in self.manifest.get("tenantsCrawled") or []]

    @property
    def subscriptions_crawled(self) -> list[str]:
        return [str(s).lower() for s in self.manifest.get("subscriptionsCrawled") or []]

    def iter_resources(self) -> Iterator[dict[str, Any]]:
        """Stream resources.jsonl, one parsed top-level ARM resource per line,
        with fields of the wrong JSON type dropped and noted."""
        for item, suspect in _read_resources(self.resources_path, quick_look=True):
            if suspect:
                self.check_shape(item, item["id"])
            yield item

    def check_shape(self, document: dict[str, Any], where: str) -> None:
        """Drop misshapen fields of one document; its subscription is then not fully read.

        A field we could not read may have held what a finding rests on (a
        peering, a delegation): findings there become unverified, not resolved.
        """
        found = len(self.shape_notes)
        arm_type = document.get("type")
        drop_misshapen(
            document,
            where,
            self.shape_notes,
            arm_type=arm_type.lower() if isinstance(arm_type, str) else "",
        )
        if len(self.shape_notes) == found:
            return
        parts = where.split("/")
        if len(parts) > 2 and parts[1].lower() == "subscriptions":
            subscription = parts[2].lower()
            crawled = self.manifest.get("subscriptionsCrawled")
            if isinstance(crawled, list):
                self.manifest["subscriptionsCrawled"] = [
                    s for s in crawled if str(s).lower() != subscription
                ]


def iter_resources_file(path: Path) -> Iterator[dict[str, Any]]:
    """Stream a resources.jsonl file; blank lines are skipped."""
    for item, _ in _read_resources(path, quick_look=False):
        yield item


# lines read (and looked at for misshapen fields) at a time
_BLOCK_BYTES = 1 << 16


def read_blocks(handle: BinaryIO) -> Iterator[list[bytes]]:
    """The lines of a file, a block at a time: the build and its quick look helper
    (quick_look_process) read the same blocks."""
    while lines := handle.readlines(_BLOCK_BYTES):
        yield lines


def _read_resources(path: Path, *, quick_look: bool) -> Iterator[tuple[dict[str, Any], bool]]:
    """Each resource of a resources.jsonl file, and whether its fields must be walked
    (shapes.lines_to_walk; always, without the quick look). A large file's quick look
    runs in a helper process, on the second core (quick_look_process)."""
    try:
        handle = path.open("rb")
        large = quick_look and os.fstat(handle.fileno()).st_size >= HELPER_FROM_BYTES
    except OSError as exc:
        raise SnapshotError(f"{path} cannot be read ({exc.strerror}).") from None
    number = 0
    with handle, contextlib.ExitStack() as helping:
        helper = QuickLookHelper.start(path) if large else None
        if helper is not None:
            helping.callback(helper.close)
        for lines in read_blocks(handle):
            suspects = None
            if helper is not None:
                suspects = helper.suspects(lines)
            if suspects is None and quick_look:
                suspects = lines_to_walk(lines)
            for index, line in enumerate(lines):
                number += 1
                if not line or line.isspace():  # (strip() would copy every line)
                    continue
                try:
                    item = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    raise SnapshotError(
                        f"{path} line {number} is not valid JSON ({_reason(exc)}); "
                        "each line must hold one ARM resource object."
                    ) from None
                if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                    raise SnapshotError(
                        f"{path} line {number} is not an ARM resource: "
                        "each line must be a JSON object with a string 'id'."
                    )
                if not isinstance(item.get("type"), str):
                    raise SnapshotError(
                        f"{path} line {number} ({item['id']}) has no string 'type'; "
                        "each resource needs its ARM type."
                    )
                yield item, suspects is None or index in suspects


def load_snapshot(directory: str | Path) -> Snapshot:
    """Read the small files of a snapshot folder and check its format version."""
    root = Path(directory)
    if not root.is_dir():
        raise SnapshotError(f"snapshot folder {root} does not exist or is not a folder.")
    for name in REQUIRED_FILES:
        if not (root / name).is_file():
            raise SnapshotError(
                f"{root / name} is missing: a snapshot folder needs {', '.join(REQUIRED_FILES)}."
            )
    manifest = _read_json(root / MANIFEST, dict)
    fmt = manifest.get("format")
    if fmt != SNAPSHOT_FORMAT:
        raise SnapshotError(
            f"{root / MANIFEST} has format {fmt!r}, but this version of tenantmap reads "
            f"only {SNAPSHOT_FORMAT!r}."
        )
    emulator = _read_json(root / EMULATOR, dict) if (root / EMULATOR).is_file() else {}
    if (root / FOREIGN).is_file():
        foreign = _read_json(root / FOREIGN, list)
    else:
        foreign = _foreign_from_emulator(emulator)
    notes: list[Note] = []
    snap = Snapshot(
        path=root,
        manifest=manifest,
        tenants=_objects(TENANTS, _read_json(root / TENANTS, list), notes),
        subscriptions=_objects(SUBSCRIPTIONS, _read_json(root / SUBSCRIPTIONS, list), notes),
        management_groups=_objects(
            MANAGEMENT_GROUPS, _read_json(root / MANAGEMENT_GROUPS, list), notes
        ),
        foreign=_objects(FOREIGN, foreign, notes),
        errors=_objects(ERRORS, _read_json(root / ERRORS, list), notes)
        if (root / ERRORS).is_file()
        else [],
        emulator=emulator,
        shape_notes=notes,
    )
    snap.check_shape(snap.manifest, MANIFEST)
    for name, documents in (
        (TENANTS, snap.tenants),
        (SUBSCRIPTIONS, snap.subscriptions),
        (MANAGEMENT_GROUPS, snap.management_groups),
        (FOREIGN, snap.foreign),
        (ERRORS, snap.errors),
    ):
        for index, document in enumerate(documents):
            where = document.get("id")
            snap.check_shape(document, where if isinstance(where, str) else f"{name}[{index}]")
    return snap


def _foreign_from_emulator(emulator: dict[str, Any]) -> list[dict[str, Any]]:
    """An estate has no foreign.json; its emulator.json says what the 401 challenge would resolve."""
    known = emulator.get("foreignSubscriptions") or {}
    if not isinstance(known, dict):
        return []
    return [
        {"subscriptionId": str(sub), "tenantId": str(ten), "status": "resolved", "referencedBy": []}
        for sub, ten in known.items()
    ]


def _read_json(path: Path, kind: type) -> Any:
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise SnapshotError(f"{path} cannot be read ({exc.strerror}).") from None
    except orjson.JSONDecodeError as exc:
        raise SnapshotError(f"{path} is not valid JSON ({_reason(exc)}).") from None
    if not isinstance(data, kind):
        want = "an object" if kind is dict else "an array"
        raise SnapshotError(f"{path} must hold {want} at the top level.")
    return data


def _objects(name: str, items: list[Any], notes: list[Note]) -> list[dict[str, Any]]:
    """The items that are objects; any other is dropped, with a note."""
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            notes.append(
                {
                    "document": name,
                    "field": f"[{index}]",
                    "expected": "object",
                    "found": _kind(item),
                }
            )
    return [item for item in items if isinstance(item, dict)]


def _reason(exc: orjson.JSONDecodeError) -> str:
    """orjson's message with line and column, shortened to its first clause."""
    lineno = getattr(exc, "lineno", None)
    colno = getattr(exc, "colno", None)
    msg = str(exc.msg) if hasattr(exc, "msg") else str(exc)
    return f"{msg} at line {lineno} column {colno}" if lineno else msg

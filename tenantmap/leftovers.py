"""What runs leave in the state folder: half-written snapshots of runs that died, and
run folders older than the retention.

Only names tenantmap itself gives are touched: `runs/<run id>` folders (the id
starts with the run's UTC start time) and the `.snapshot.partial-*` /
`.snapshot.old-*` folders the snapshot writer makes beside a snapshot. Both
sweeps run under the state folder's lock, so no live run is writing there.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Collection, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Store run ids (20261127020013-000042) and unrecorded ones (20261127T020013Z-1a2b3c).
_RUN_ID = re.compile(r"^(\d{8})T?(\d{6})Z?-[0-9a-f]+$")
_SNAPSHOT_DEBRIS = (".snapshot.partial-", ".snapshot.old-")


def run_started(name: str) -> datetime | None:
    """The start time a run folder's name carries; None for a name tenantmap did not give."""
    found = _RUN_ID.match(name)
    if found is None:
        return None
    try:
        return datetime.strptime(found[1] + found[2], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def expired_runs(
    names: Iterable[str], *, retention_days: int, now: datetime, keep: Collection[str]
) -> list[str]:
    """Run folder names that started more than ``retention_days`` before ``now``, but
    those in ``keep``."""
    cutoff = now - timedelta(days=retention_days)
    return sorted(
        name
        for name in names
        if name not in keep and (started := run_started(name)) is not None and started < cutoff
    )


def sweep_snapshot_debris(folders: Iterable[Path]) -> list[Path]:
    """Remove the partial and set-aside snapshot folders left in ``folders`` by runs
    that were killed; returns what was removed."""
    removed = []
    for folder in folders:
        if not folder.is_dir() or folder.is_symlink():
            continue
        for entry in folder.iterdir():
            if (
                entry.name.startswith(_SNAPSHOT_DEBRIS)
                and entry.is_dir()
                and not entry.is_symlink()
            ):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed


def run_folders(runs_dir: Path) -> list[Path]:
    if not runs_dir.is_dir():
        return []
    return [p for p in runs_dir.iterdir() if p.is_dir() and not p.is_symlink()]


def purge_run_folders(
    runs_dir: Path, *, retention_days: int, now: datetime, keep: Collection[str]
) -> list[Path]:
    """Delete `runs/<run id>` folders older than the store's retention, but those in
    ``keep``; returns them."""
    names = [p.name for p in run_folders(runs_dir)]
    expired = expired_runs(names, retention_days=retention_days, now=now, keep=keep)
    doomed = [runs_dir / name for name in expired]
    for folder in doomed:
        shutil.rmtree(folder, ignore_errors=True)
    return doomed

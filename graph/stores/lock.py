"""The lock that keeps two tenantmap runs on one state folder from overlapping.

An OS file lock (``flock``) on ``<state dir>/tenantmap.lock``: the kernel drops it
when the holder's process ends however it ends, so a crashed run never blocks the
next one. The holder's pid is written into the file for the message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from graph.stores.common import StoreLocked

LOCK_NAME = "tenantmap.lock"


class StateLock:
    def __init__(self, state_dir: Path, name: str = LOCK_NAME) -> None:
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / name
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        self.state_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(fd)
            os.close(fd)
            who = f" (pid {holder})" if holder else ""
            raise StoreLocked(
                f"another tenantmap run holds the lock on {self.state_dir}{who}"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode(errors="replace").strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None

"""Where tenantmap writes on the local disk.

Two promises: `--out` never deletes what tenantmap did not write, and a full
disk or a read-only folder is one sentence naming the folder (exit 2 when
found before anything was crawled, exit 3 part way), never "unexpected error".
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tenantmap.exitcodes import ExitCode, TenantmapError

# What a full disk, a read-only mount or a quota looks like: the operator's to fix.
_LOCAL_WRITE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG, errno.EIO}
)


def _local_write_error(exc: BaseException) -> OSError | None:
    """The file-system error behind ``exc`` (also inside the crawl's exception groups)."""
    if isinstance(exc, OSError) and exc.errno in _LOCAL_WRITE_ERRNOS:
        return exc
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            found = _local_write_error(inner)
            if found is not None:
                return found
    return None


@contextlib.contextmanager
def writing(what: str, where: Path, code: ExitCode = ExitCode.PARTIAL) -> Iterator[None]:
    """Turn a full disk or a read-only folder while writing ``what`` into one sentence."""
    try:
        yield
    except (OSError, BaseExceptionGroup) as exc:
        found = _local_write_error(exc)
        if found is None:
            raise
        raise TenantmapError(
            f"could not write {what} in {where}: {found.strerror or found}", code
        ) from None


def check_writable(folder: Path) -> None:
    """Create ``folder``'s parents and try a scratch folder there, so a read-only or
    missing place is found before anything is crawled (exit 2)."""
    parent = Path(os.path.abspath(folder)).parent
    with writing("files", parent, ExitCode.BAD_INPUT):
        parent.mkdir(parents=True, exist_ok=True)
        os.rmdir(tempfile.mkdtemp(prefix=".tenantmap-probe-", dir=parent))


def check_out_dir(out_dir: Path, state_dir: Path) -> None:
    """Refuse, before anything is read, a snapshot folder whose replacement would delete
    files tenantmap did not write there (exit 2)."""
    from discovery.snapshot_writer import OutDirRefused, check_replaceable

    target, state = Path(os.path.abspath(out_dir)), Path(os.path.abspath(state_dir))
    if target == state or target in state.parents:
        raise TenantmapError(
            f"--out {out_dir} holds the state folder {state_dir} (the store, the redaction key):"
            " give a folder of its own",
            ExitCode.BAD_INPUT,
        )
    try:
        check_replaceable(target)
    except OutDirRefused as exc:
        raise TenantmapError(str(exc), ExitCode.BAD_INPUT) from None
    check_writable(target)

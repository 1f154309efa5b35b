"""A first write's inserting, done by a process of its own.

A first write into an empty store makes every row in Python (digest, encoded
properties) and SQLite inserts it (B-tree, pages, the file). Within one process the
two take turns: at 1,000,000 resources about 15 s each, one after the other. Here
the run's process makes the rows and sends them, a batch at a time, through a pipe
to a writer process that inserts them, so the inserting (and the kernel's work of
growing the file) runs on a second core while the next rows are made. The pipe
holds only a batch or two: a slow writer slows the sender, and neither side ever
holds the whole graph.

The writer runs the whole write as one transaction and commits only when the
sender says the last batch was sent. Whatever ends the sender early (an error, a
signal, a kill) ends the writer's input first, and a writer whose input ends
without the word to commit rolls back: the store stays as it was.

Messages, both ways, are a 4-byte big-endian length and then a value in Python's
own ``marshal`` format: ``["exec", sql, params]``, ``["many", sql, rows]``,
``["commit"]``; the writer answers the commit, or the first statement that failed,
with ``{"written": n}`` or ``{"error": text}`` and exits. marshal, not JSON: both
ends are this interpreter, rows are text, integers and None, which marshal copies
as they are where JSON escapes the quotes of every property map (a fifth more
bytes), and the writer decoded JSON three times slower than it decodes marshal.
marshal trusts its input, which is safe here only because each end reads nothing
but what the other end of its own pipe wrote.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import marshal
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import IO, Any

from graph.pipe_frames import PACKAGE_ROOT, read_frame, write_frame
from graph.stores.common import StoreError

# Rows per message: about 400 KB, so the pipe holds two (the sender makes the
# next batch while the writer inserts the last) and sending costs little per row.
BATCH_ROWS = 1_000
# A pipe of 1 MiB (Linux's default limit for an unprivileged process) instead of
# 64 KiB: the sender can finish a batch while the writer is still inserting the last.
_PIPE_BYTES = 1 << 20
Statement = tuple[str, Iterable[Sequence[Any]]]


def configure(db: sqlite3.Connection, cache_kib: int) -> None:
    """The settings of every connection that writes the store (SqliteStore's and the
    writer's), beside its journal mode."""
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA temp_store=MEMORY")
    db.execute(f"PRAGMA cache_size=-{cache_kib}")
    # A graph write fills the WAL with the whole graph; copying it back into the
    # database (the checkpoint) runs on a thread of the store's after the commit
    # (SQLite's advice for applications that control checkpoints), so the run goes on
    # meanwhile.
    db.execute("PRAGMA wal_autocheckpoint=0")


class PendingWrite:
    """A writer process that was sent every row and the word to commit: it commits
    on its own, and ``finish`` reads its answer."""

    def __init__(self, writer: subprocess.Popen[bytes]) -> None:
        self._writer = writer

    def finish(self) -> int:
        """The number of rows inserted, once the writer has committed; StoreError with
        the writer's own message if it failed."""
        try:
            return _answer(self._writer)
        finally:
            _reap(self._writer)


def send_apart(
    path: Path,
    setup: tuple[str, Sequence[Any]],
    inserts: Sequence[Statement],
    *,
    cache_kib: int,
) -> PendingWrite:
    """Run ``setup`` and then each insert statement over its rows in a writer process,
    in one transaction on the SQLite file at ``path`` (with a page cache of
    ``cache_kib``), up to the word to commit: the caller goes on while the writer
    inserts the last batches and commits, and reads its answer later (finish).

    Raises StoreError if the writer could not be started; a sender failing part way
    (its rows, an interrupt) kills the writer, which rolls back, and the error goes
    on."""
    try:
        writer = subprocess.Popen(
            [sys.executable, "-m", __name__, str(Path(path).resolve()), str(cache_kib)],
            # `-m` looks in the working folder first: started from the folder this
            # module's package was imported from, the writer runs this same code, not
            # whatever `graph` package sits in the folder tenantmap was started in.
            cwd=PACKAGE_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:
        raise StoreError(f"cannot start the SQLite writer process: {exc}") from exc
    assert writer.stdin is not None and writer.stdout is not None
    resize = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
    if resize is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(writer.stdin.fileno(), resize, _PIPE_BYTES)
    try:
        _send(writer.stdin, ["exec", *setup])
        for sql, rows in inserts:
            for batch in _batches(rows):
                _send(writer.stdin, ["many", sql, batch])
        _send(writer.stdin, ["commit"])
        writer.stdin.close()
    except BrokenPipeError:
        pass  # the writer stopped: its answer (finish) says why
    except BaseException:
        _reap(writer)
        raise
    return PendingWrite(writer)


def _reap(writer: subprocess.Popen[bytes]) -> None:
    """Wait for the writer to end (killed if it still runs: a sender that failed part
    way, whose writer then rolls back) and close its pipes."""
    if writer.poll() is None:
        writer.kill()
    writer.wait()
    for stream in (writer.stdin, writer.stdout, writer.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def _batches(rows: Iterable[Sequence[Any]]) -> Iterator[list[Sequence[Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH_ROWS)):
        yield batch


def _send(stream: IO[bytes], message: list[Any]) -> None:
    try:
        body = marshal.dumps(message)
    except ValueError as exc:  # a value that is not text, a number or None
        raise StoreError(f"a row holds a value the store cannot keep: {exc}") from exc
    write_frame(stream, body)


def _answer(writer: subprocess.Popen[bytes]) -> int:
    assert writer.stdout is not None and writer.stderr is not None
    answer = _receive(writer.stdout)
    if isinstance(answer, dict) and isinstance(answer.get("written"), int):
        return int(answer["written"])
    if isinstance(answer, dict) and "error" in answer:
        raise StoreError(str(answer["error"]))
    writer.wait()
    last = writer.stderr.read().decode(errors="replace").strip().splitlines()
    raise StoreError(
        f"the SQLite writer process ended without committing (exit {writer.returncode})"
        + (f": {last[-1]}" if last else "")
    )


def _receive(stream: IO[bytes]) -> Any:
    """The next message, or None at the end of the stream (or a stream cut short)."""
    body = read_frame(stream)
    return None if body is None else marshal.loads(body)


# --- the writer process ------------------------------------------------------------


def _writer(path: str, cache_kib: int, source: IO[bytes], sink: IO[bytes]) -> int:
    """Apply the messages on ``source`` in one transaction; commit on ``["commit"]``,
    roll back if the input ends first. The exit status: 0 committed, 1 not."""
    db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
    try:
        configure(db, cache_kib)  # as the store's own connection
        db.execute("BEGIN IMMEDIATE")
        written = 0
        while (message := _receive(source)) is not None:
            kind = message[0]
            if kind == "exec":
                db.execute(message[1], message[2])
            elif kind == "many":
                written += db.executemany(message[1], message[2]).rowcount
            elif kind == "commit":
                db.execute("COMMIT")
                _reply(sink, {"written": written})
                return 0
        return 1  # input ended without the word to commit: closing rolls back
    except sqlite3.Error as exc:
        _reply(sink, {"error": str(exc)})
        return 1
    except UnicodeEncodeError as exc:  # text SQLite cannot hold (lone surrogates)
        _reply(sink, {"error": f"a row holds a value the store cannot keep: {exc}"})
        return 1
    finally:
        db.close()


def _reply(sink: IO[bytes], answer: dict[str, Any]) -> None:
    body = marshal.dumps(answer)
    with contextlib.suppress(OSError):
        write_frame(sink, body)
        sink.flush()


if __name__ == "__main__":
    # The writer holds no cycles, and each batch it decodes is thousands of new tuples:
    # without the collector it inserted the same rows in 40% less time.
    gc.disable()
    # The sender decides what an interrupt means (Ctrl-C and a service manager's stop
    # reach the whole process group): the writer follows its sender, committing on its
    # word or rolling back when its input ends, so the run is never told its store
    # failed when it was interrupted.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(_writer(sys.argv[1], int(sys.argv[2]), sys.stdin.buffer, sys.stdout.buffer))

"""The quick look at a large resources.jsonl (shapes.lines_to_walk), run in a helper
process while the build parses the same file.

The quick look is RE2 over every byte (about 2 s per GB), and the build is one Python
thread: on a second core it costs the night nothing. The helper reads the file in the
same blocks as the build (``snapshot.read_blocks``) and sends, per block, its line and
byte counts and the indexes of its suspect lines. The build takes a block's answer only
when both counts match its own block; otherwise, and whenever the helper fails, ends
early or cannot start, it looks at that block and every later one itself, so a misshapen
field is never missed because of the helper.

Frames are ``marshal`` data (both ends are the same interpreter; the build reads
nothing but its own helper's pipe), each after a 4-byte length.
"""

from __future__ import annotations

import contextlib
import marshal
import signal
import subprocess
import sys
from pathlib import Path
from typing import IO

from graph.pipe_frames import PACKAGE_ROOT, read_frame, write_frame

# A file this small is looked at in the build's own process: starting the helper (about
# 50 ms) would cost more than the look.
HELPER_FROM_BYTES = 32 << 20


class QuickLookHelper:
    """A helper process looking at one resources.jsonl, block after block."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process: subprocess.Popen[bytes] | None = process

    @classmethod
    def start(cls, path: Path) -> QuickLookHelper | None:
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "graph.quick_look_process", str(path.resolve())],
                cwd=PACKAGE_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            return None
        return cls(process)

    def suspects(self, lines: list[bytes]) -> set[int] | None:
        """The helper's suspect lines of the build's next block, or None (it failed, or
        its block is not this one): the build then looks at this block itself, and at
        every later one."""
        process = self._process
        if process is None:
            return None
        assert process.stdout is not None
        try:
            frame = read_frame(process.stdout)
            if frame is None:
                raise EOFError("the quick look helper ended")
            counted, size, suspects = marshal.loads(frame)
        except (OSError, EOFError, ValueError, TypeError):
            self.close()
            return None
        if counted != len(lines) or size != sum(map(len, lines)):
            self.close()
            return None
        return set(suspects)

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _look(path: str, sink: IO[bytes]) -> int:
    from graph.shapes import lines_to_walk
    from graph.snapshot import read_blocks

    with contextlib.suppress(BrokenPipeError), open(path, "rb") as handle:
        for lines in read_blocks(handle):
            body = marshal.dumps((len(lines), sum(map(len, lines)), sorted(lines_to_walk(lines))))
            write_frame(sink, body)
        sink.flush()
    return 0


if __name__ == "__main__":
    # The build decides what an interrupt means: the helper ends when its pipe does.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(_look(sys.argv[1], sys.stdout.buffer))

"""Length-prefixed frames on a pipe between tenantmap and a helper process it started
(the SQLite writer, the quick look), and where such a helper starts.

A frame is a 4-byte big-endian length and that many bytes (marshal data: both ends are
the same interpreter, and each reads nothing but its own helper's pipe).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

HEADER = 4
# The folder that holds the top-level `graph` package: a helper started there with
# `python -m graph....` runs tenantmap's own code whatever folder the night starts in
# (a folder of its own named `graph` included).
PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def write_frame(stream: IO[bytes], body: bytes) -> None:
    # Two writes rather than one joined copy: a writer batch is about 500 KB.
    stream.write(len(body).to_bytes(HEADER, "big"))
    stream.write(body)


def read_frame(stream: IO[bytes]) -> bytes | None:
    """The next frame's bytes, or None at the end of the stream (or a stream cut short)."""
    header = stream.read(HEADER)
    if len(header) < HEADER:
        return None
    size = int.from_bytes(header, "big")
    body = stream.read(size)
    if len(body) < size:
        return None
    return body

"""Refresh docs/sample-report.png: the demo's report, top of the page, as a laptop shows it.

    .venv/bin/python scripts/sample-report-picture.py

Needs Chromium (as the browser tests do). The demo runs in a temporary folder, so no
path of this machine appears in the picture.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.reports.chromium import find_chromium, running_chromium  # noqa: E402

WIDTH, HEIGHT = 1280, 1700


def main() -> int:
    chromium = find_chromium()
    if chromium is None:
        print("chromium is missing: install Debian's chromium package", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as temp:
        tenantmap = Path(sys.executable).parent / "tenantmap"
        subprocess.run([str(tenantmap), "demo", "--out", temp, "--quiet"], check=True)
        shot = Path(temp) / "page.png"
        with running_chromium(chromium) as browser:
            browser.visit(
                (Path(temp) / "report" / "report.html").as_uri(),
                width=WIDTH,
                height=HEIGHT,
                screenshot=shot,
            )
        # The page is taller than the picture: keep its top, as a reader first sees it.
        cropped = REPO / "docs" / "sample-report.png"
        cropped.write_bytes(top_of(shot.read_bytes(), WIDTH, HEIGHT))
    print(cropped)
    return 0


def top_of(png: bytes, width: int, height: int) -> bytes:
    """The top `height` rows of an 8-bit RGB(A) PNG, re-encoded, with the standard library."""
    import struct
    import zlib

    chunks, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        chunks.append((kind, png[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    header = dict(chunks)[b"IHDR"]
    w, h, depth, colour = struct.unpack(">IIBB", header[:10])
    assert w == width and depth == 8 and colour in (2, 6), (w, depth, colour)
    stride = 1 + w * (3 if colour == 2 else 4)
    raw = zlib.decompress(b"".join(d for k, d in chunks if k == b"IDAT"))
    rows = min(h, height)
    kept = raw[: stride * rows]  # PNG filters refer only to the row above: the top stands alone

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    new_header = struct.pack(">II", w, rows) + header[8:]
    return (
        png[:8]
        + chunk(b"IHDR", new_header)
        + chunk(b"IDAT", zlib.compress(kept, 9))
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    sys.exit(main())

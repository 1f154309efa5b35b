"""Estates: folders in the snapshot layout that the emulator serves (snapshot.md).

- ``SAMPLE_ESTATE``: the bundled, handmade Contoso estate (``sample/``, with
  ``inventory.yaml`` beside the estate files and a README explaining it).
- ``discovery.estates.synthetic.generate_estate``: large seeded estates for benchmarks.
- ``discovery.estates.examples.build_examples_estate``: an estate assembled from
  Microsoft's example payloads, for the crawler round trip.
"""

from __future__ import annotations

from pathlib import Path

SAMPLE_ESTATE: Path = Path(__file__).resolve().parent / "sample"

__all__ = ["SAMPLE_ESTATE"]

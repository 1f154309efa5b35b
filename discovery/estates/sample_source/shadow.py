"""The sample estate's shadow-it-marketing subscription: a plain network, undeclared."""

from __future__ import annotations

from discovery.estates.sample_source.builder import Estate
from discovery.estates.sample_source.ids import SHADOW


def add_shadow(e: Estate) -> None:
    """The shadow-it-marketing subscription: a plain network, undeclared."""
    e.vnet(
        SHADOW,
        "rg-marketing",
        "vnet-marketing",
        "10.60.0.0/16",
        [("default", "10.60.0.0/24", None, None)],
    )

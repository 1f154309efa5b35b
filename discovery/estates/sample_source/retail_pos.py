"""The sample estate's retail-pos subscription: a plain network, declared in the wrong tenant."""

from __future__ import annotations

from discovery.estates.sample_source.builder import Estate
from discovery.estates.sample_source.ids import NEU, RETAIL_POS


def add_retail_pos(e: Estate) -> None:
    """The retail-pos subscription: a plain network, declared in the wrong tenant."""
    e.vnet(
        RETAIL_POS,
        "rg-pos",
        "vnet-retail-pos",
        "10.70.0.0/16",
        [("snet-pos", "10.70.1.0/24", None, None)],
        location=NEU,
    )

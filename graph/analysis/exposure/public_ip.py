"""Entry point 1: a public IP on a NIC IP configuration (exposure.md)."""

from __future__ import annotations

from graph.analysis.exposure.core import (
    VIA_PUBLIC_IP,
    Analysis,
    hop,
    props_of,
    sku_name,
)
from graph.analysis.nsg import (
    internet_inbound,
)
from graph.schema import INTERNET_ID, Rel


def enter(a: Analysis, pip: str, ipconfig: str, frontend_id: str | None = None) -> None:
    """A public IP on a NIC IP configuration: the ports its NSGs admit from the internet
    (with no NSG, a Basic IP is open and a Standard one closed)."""
    target = a.target(ipconfig)
    if target is None:
        return
    default_open = sku_name(props_of(a.g, pip).get("sku")) != "standard"
    ports, broad = internet_inbound(
        target.nsgs,
        target.destination,
        default_open=default_open,
        family=a.family(pip),
        memo=a.inbound,
    )
    if ports.is_empty():
        return
    hops = [hop(INTERNET_ID, Rel.EXPOSES, pip), hop(pip, Rel.ATTACHED_TO, ipconfig)]
    a.add_nic_entry(target, pip, VIA_PUBLIC_IP, ports, ports, hops)
    a.note_broad(target.subject, ports, broad)

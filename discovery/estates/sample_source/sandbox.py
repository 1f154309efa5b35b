"""The sample estate's sandbox-alice subscription: dangling peering, delegated network manager."""

from __future__ import annotations

from discovery.estates.arm import resource
from discovery.estates.sample_source.builder import Estate
from discovery.estates.sample_source.ids import (
    CONTOSO_AVNM,
    GONE_SUB,
    MG_PREFIX,
    NEU,
    NORTHWIND_SUB,
    SANDBOX,
    N,
    net_id,
)


def add_sandbox(e: Estate) -> None:
    """The sandbox-alice subscription: dangling peering, delegated network manager."""
    s, rg = SANDBOX, "rg-sandbox"
    gone_vnet = net_id(GONE_SUB, "rg-old-vendor", "virtualNetworks", "vnet-old-vendor")
    e.vnet(
        s,
        rg,
        "vnet-sandbox",
        "10.50.0.0/16",
        [("default", "10.50.0.0/24", None, None)],
        location=NEU,
        peerings=[
            Estate.peering("peer-old-vendor", gone_vnet, ["172.31.0.0/16"], state="Disconnected")
        ],
    )
    northwind_nm = net_id(NORTHWIND_SUB, "rg-nw-avnm", "networkManagers", "avnm-northwind-msp")
    nmc_sub = f"/subscriptions/{s}/providers/{N}/networkManagerConnections/nmc-northwind-msp"
    e.add(
        resource(
            nmc_sub,
            f"{N}/networkManagerConnections",
            None,
            {
                "connectionState": "Connected",
                "description": "Northwind managed security admin rules",
                "networkManagerId": northwind_nm,
            },
        )
    )
    nmc_mg = f"{MG_PREFIX}sandbox/providers/{N}/networkManagerConnections/nmc-avnm-contoso"
    e.add(
        resource(
            nmc_mg,
            f"{N}/networkManagerConnections",
            None,
            {
                "connectionState": "Connected",
                "description": "sandbox guard rails",
                "networkManagerId": CONTOSO_AVNM,
            },
        )
    )

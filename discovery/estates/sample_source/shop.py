"""The sample estate's online-shop subscription: spoke of the virtual hub."""

from __future__ import annotations

from discovery.estates.sample_source.builder import Estate
from discovery.estates.sample_source.ids import (
    HUB_GUID,
    HUB_PEERING_GUID,
    MS_HUB_SUB,
    SHOP,
    SHOP_VNET,
    N,
    net_id,
    vm_resource_id,
)


def add_shop(e: Estate) -> None:
    """The online-shop subscription: spoke of the virtual hub."""
    s, rg = SHOP, "rg-shop"
    nsg_shop = e.nsg(
        s, rg, "nsg-shop", [dict(name="allow-https", priority=100, source="*", ports="443")]
    )
    hv_vnet = (
        f"/subscriptions/{MS_HUB_SUB}/resourceGroups/RG_vhub-weu_{HUB_GUID}/providers/{N}/"
        f"virtualNetworks/HV_vhub-weu_{HUB_GUID}"
    )
    e.vnet(
        s,
        rg,
        "vnet-shop",
        "10.4.0.0/16",
        [("snet-shop", "10.4.1.0/24", nsg_shop, None)],
        peerings=[
            Estate.peering(
                f"RemoteVnetToHubPeering_{HUB_PEERING_GUID}",
                hv_vnet,
                ["10.100.0.0/23"],
                use_remote_gateways=True,
            )
        ],
    )
    shop_vm = vm_resource_id(s, rg, "shop-01")
    shop_nic = net_id(s, rg, "networkInterfaces", "nic-shop-01")
    pip_shop = e.public_ip(
        s, rg, "pip-shop-01", "20.61.50.9", attached_to=f"{shop_nic}/ipConfigurations/ipconfig1"
    )
    e.nic(
        s,
        rg,
        "nic-shop-01",
        [
            dict(
                name="ipconfig1",
                ip="10.4.1.4",
                subnet=f"{SHOP_VNET}/subnets/snet-shop",
                pip=pip_shop,
            )
        ],
        vm=shop_vm,
    )
    e.vm(s, rg, "shop-01", [shop_nic])

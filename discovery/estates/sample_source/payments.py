"""The sample estate's prod-payments subscription: spoke, jump host, DNAT target, partner links."""

from __future__ import annotations

from discovery.estates.arm import res_id, resource
from discovery.estates.sample_source.builder import Estate, add_private_endpoint, paas_pe_connection
from discovery.estates.sample_source.ids import (
    FAB_PAYMENTS,
    HUB_VNET,
    PAYMENTS,
    PAYMENTS_VNET,
    WEU,
    net_id,
    vm_resource_id,
)


def add_payments(e: Estate) -> None:
    """The prod-payments subscription: spoke, jump host, DNAT target, partner links."""
    s, rg = PAYMENTS, "rg-network"
    app_rg = "rg-payments-app"
    nsg_app = e.nsg(
        s,
        rg,
        "nsg-payments-app",
        [
            dict(
                name="allow-rdp-from-hub-firewall",
                priority=120,
                source="10.0.0.0/26",
                ports="3389",
                description="RDP through the hub firewall",
            ),
            dict(name="allow-https-from-web", priority=130, source="10.2.0.0/16", ports="443"),
        ],
    )
    nsg_jump = e.nsg(
        s,
        rg,
        "nsg-jump",
        [
            dict(
                name="allow-ssh-internet",
                priority=100,
                source="Internet",
                ports="22",
                description="temporary: vendor support",
            ),
        ],
    )
    fab_vnet = net_id(FAB_PAYMENTS, "rg-fab-net", "virtualNetworks", "vnet-fab-settlement")
    e.vnet(
        s,
        rg,
        "vnet-payments",
        "10.1.0.0/16",
        [
            ("snet-app", "10.1.1.0/24", nsg_app, None),
            ("snet-mgmt", "10.1.2.0/24", None, None),
            ("snet-pe", "10.1.3.0/24", None, None),
        ],
        peerings=[
            Estate.peering(
                "peer-payments-to-hub", HUB_VNET, ["10.0.0.0/16"], use_remote_gateways=True
            ),
            Estate.peering("peer-payments-to-fabrikam-settlement", fab_vnet, ["172.20.0.0/16"]),
        ],
    )
    jump_vm = vm_resource_id(s, app_rg, "jump-01")
    jump_nic = net_id(s, app_rg, "networkInterfaces", "nic-jump-01")
    pip_jump = e.public_ip(
        s,
        app_rg,
        "pip-jump-01",
        "20.61.20.10",
        attached_to=f"{jump_nic}/ipConfigurations/ipconfig1",
    )
    e.nic(
        s,
        app_rg,
        "nic-jump-01",
        [
            dict(
                name="ipconfig1",
                ip="10.1.2.4",
                subnet=f"{PAYMENTS_VNET}/subnets/snet-mgmt",
                pip=pip_jump,
            )
        ],
        vm=jump_vm,
        nsg=nsg_jump,
    )
    e.vm(s, app_rg, "jump-01", [jump_nic])
    pay_vm = vm_resource_id(s, app_rg, "pay-app-01")
    pay_nic = e.nic(
        s,
        app_rg,
        "nic-pay-app-01",
        [
            dict(
                name="ipconfig1",
                ip="10.1.1.4",
                static=True,
                subnet=f"{PAYMENTS_VNET}/subnets/snet-app",
            )
        ],
        vm=pay_vm,
    )
    e.vm(s, app_rg, "pay-app-01", [pay_nic], os="Windows")

    storage = res_id(s, app_rg, "Microsoft.Storage/storageAccounts", "stpaymentsprod")
    pe_blob = net_id(s, app_rg, "privateEndpoints", "pe-stpaymentsprod-blob")
    fab_pe = net_id(
        FAB_PAYMENTS, "rg-fab-settlement", "privateEndpoints", "pe-contoso-payments-blob"
    )
    fab_storage = res_id(
        FAB_PAYMENTS, "rg-fab-settlement", "Microsoft.Storage/storageAccounts", "stfabsettlement"
    )
    e.add(
        resource(
            storage,
            "Microsoft.Storage/storageAccounts",
            WEU,
            {
                "accessTier": "Hot",
                "allowBlobPublicAccess": False,
                "creationTime": "2024-03-11T09:12:44.1234567Z",
                "encryption": {
                    "keySource": "Microsoft.Storage",
                    "services": {"blob": {"enabled": True, "keyType": "Account"}},
                },
                "minimumTlsVersion": "TLS1_2",
                "networkAcls": {
                    "bypass": "AzureServices",
                    "defaultAction": "Deny",
                    "ipRules": [],
                    "virtualNetworkRules": [],
                },
                "primaryEndpoints": {"blob": "https://stpaymentsprod.blob.core.windows.net/"},
                "privateEndpointConnections": [
                    paas_pe_connection(
                        storage,
                        "Microsoft.Storage/storageAccounts",
                        "pe-stpaymentsprod-blob",
                        pe_blob,
                        "Approved",
                        "Auto-Approved",
                    ),
                    paas_pe_connection(
                        storage,
                        "Microsoft.Storage/storageAccounts",
                        "pe-contoso-payments-blob.fab",
                        fab_pe,
                        "Approved",
                        "Fabrikam settlement reads payment files",
                    ),
                ],
                "publicNetworkAccess": "Disabled",
                "supportsHttpsTrafficOnly": True,
            },
            sku={"name": "Standard_ZRS", "tier": "Standard"},
            kind="StorageV2",
            with_etag=False,
        )
    )
    add_private_endpoint(
        e,
        s,
        app_rg,
        "pe-stpaymentsprod-blob",
        f"{PAYMENTS_VNET}/subnets/snet-pe",
        "10.1.3.4",
        storage,
        "blob",
        manual=False,
    )
    add_private_endpoint(
        e,
        s,
        app_rg,
        "pe-fabrikam-settlement",
        f"{PAYMENTS_VNET}/subnets/snet-pe",
        "10.1.3.5",
        fab_storage,
        "blob",
        manual=True,
        status="Approved",
        request="Contoso payments: settlement file drop",
    )

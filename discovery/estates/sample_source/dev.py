"""The sample estate's dev-apps subscription: Basic IP, shadowed deny, route None."""

from __future__ import annotations

from discovery.estates.arm import child, ref, resource, stable_guid
from discovery.estates.sample_source.builder import Estate
from discovery.estates.sample_source.ids import DEV, WEU, N, net_id, vm_resource_id


def add_dev(e: Estate) -> None:
    """The dev-apps subscription: Basic IP, shadowed deny, route None."""
    s, rg = DEV, "rg-dev"
    dev_vnet = net_id(s, rg, "virtualNetworks", "vnet-dev")
    asg_api = net_id(s, rg, "applicationSecurityGroups", "asg-dev-api")
    e.add(
        resource(
            asg_api,
            f"{N}/applicationSecurityGroups",
            WEU,
            {"resourceGuid": stable_guid("guid", asg_api)},
        )
    )
    nsg_dev = e.nsg(
        s,
        rg,
        "nsg-dev-apps",
        [
            dict(
                name="deny-from-corp-8000-8010",
                priority=140,
                access="Deny",
                source="10.0.0.0/8",
                ports="8000-8010",
                description="a deny from a private range shadows nothing from the internet",
            ),
            dict(
                name="deny-8080-internet",
                priority=150,
                access="Deny",
                source="Internet",
                ports="8080",
            ),
            dict(
                name="allow-dev-range",
                priority=200,
                source="Internet",
                ports=["8000-8100"],
                destination_asgs=[asg_api],
            ),
            dict(
                name="allow-ssh-office",
                priority=210,
                source=["198.51.100.0/24"],
                ports="22",
                description="office range only: a known source, not the internet",
            ),
        ],
    )
    rt = net_id(s, rg, "routeTables", "rt-dev-apps")
    e.add(
        resource(
            rt,
            f"{N}/routeTables",
            WEU,
            {
                "disableBgpRoutePropagation": True,
                "resourceGuid": stable_guid("guid", rt),
                "routes": [
                    child(
                        rt,
                        "routes",
                        "blackhole-default",
                        f"{N}/routeTables/routes",
                        addressPrefix="0.0.0.0/0",
                        hasBgpOverride=False,
                        nextHopType="None",
                    ),
                    child(
                        rt,
                        "routes",
                        "corp-via-nva",
                        f"{N}/routeTables/routes",
                        addressPrefix="10.0.0.0/8",
                        hasBgpOverride=False,
                        nextHopIpAddress="10.3.0.4",
                        nextHopType="VirtualAppliance",
                    ),
                ],
                "subnets": [ref(f"{dev_vnet}/subnets/snet-apps")],
            },
        )
    )
    e.vnet(
        s,
        rg,
        "vnet-dev",
        "10.3.0.0/16",
        [("snet-apps", "10.3.1.0/24", nsg_dev, rt), ("snet-legacy", "10.3.2.0/24", None, None)],
    )
    api_vm = vm_resource_id(s, rg, "dev-api-01")
    api_nic = net_id(s, rg, "networkInterfaces", "nic-dev-api-01")
    pip_api = e.public_ip(
        s,
        rg,
        "pip-dev-api-01",
        "20.61.40.8",
        attached_to=f"{api_nic}/ipConfigurations/ipconfig-public",
    )
    e.nic(
        s,
        rg,
        "nic-dev-api-01",
        [
            dict(name="ipconfig1", ip="10.3.1.4", subnet=f"{dev_vnet}/subnets/snet-apps"),
            dict(
                name="ipconfig-public",
                ip="10.3.1.5",
                subnet=f"{dev_vnet}/subnets/snet-apps",
                pip=pip_api,
                asgs=[asg_api],
            ),
        ],
        vm=api_vm,
    )
    e.vm(s, rg, "dev-api-01", [api_nic])
    legacy_vm = vm_resource_id(s, rg, "dev-legacy-01")
    legacy_nic = net_id(s, rg, "networkInterfaces", "nic-dev-legacy-01")
    pip_legacy = e.public_ip(
        s,
        rg,
        "pip-dev-legacy-01",
        "20.61.40.7",
        sku="Basic",
        attached_to=f"{legacy_nic}/ipConfigurations/ipconfig1",
    )
    e.nic(
        s,
        rg,
        "nic-dev-legacy-01",
        [
            dict(
                name="ipconfig1",
                ip="10.3.2.4",
                subnet=f"{dev_vnet}/subnets/snet-legacy",
                pip=pip_legacy,
            )
        ],
        vm=legacy_vm,
    )
    e.vm(s, rg, "dev-legacy-01", [legacy_nic], os="Windows", size="Standard_B2ms")

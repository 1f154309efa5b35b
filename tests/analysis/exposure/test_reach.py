"""What an exposed target's network reaches (exposure.md rule 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analysis.exposure import find_exposures
from tests.analysis.exposure.estate import SUB, SUB2, SUB3, SUB4, Estate


def target_in(estate: Estate, vnet: str) -> None:
    """An exposed VM (Basic public IP, no NSG) in ``vnet``'s default subnet."""
    pip = estate.public_ip("pip-target", "20.6.6.6", sku="Basic")
    estate.nic("nic-target", [{"ip": "10.0.0.4", "subnet": estate.subnet(vnet), "pip": pip}])


def reaches(estate: Estate, tmp_path: Path) -> list[str]:
    [exposure] = find_exposures(estate.graph(tmp_path / "estate"))
    return exposure.reaches


@pytest.mark.parametrize(
    ("a_to_b", "expected"),
    [
        ({"state": "Connected", "access": True}, [SUB, SUB2]),
        ({"state": "Disconnected", "access": True}, [SUB]),
        ({"state": "Initiated", "access": True}, [SUB]),
        ({"state": "Connected", "access": False}, [SUB]),
    ],
    ids=["connected", "disconnected", "initiated", "access-off"],
)
def test_peering_reaches_direct_peers_only_when_live(
    tmp_path: Path, a_to_b: dict[str, object], expected: list[str]
) -> None:
    """Peered VNets reach each other when the peering is Connected and virtual network access
    is allowed; peering is not transitive, so a peer's peer (C) is not reached ("Virtual network
    peering", https://learn.microsoft.com/en-us/azure/virtual-network/virtual-network-peering-overview)."""
    estate = Estate(subscriptions=[SUB, SUB2, SUB3])
    a = estate.vnet("vnet-a", "10.0.0.0/16")
    b = estate.vnet("vnet-b", "10.1.0.0/16", sub=SUB2)
    c = estate.vnet("vnet-c", "10.2.0.0/16", sub=SUB3)
    estate.peer(a, b, state=str(a_to_b["state"]), access=bool(a_to_b["access"]))
    estate.peer(b, a, state=str(a_to_b["state"]))
    estate.peer(b, c)
    estate.peer(c, b)
    target_in(estate, a)
    assert reaches(estate, tmp_path) == sorted(expected)


def hub_with_gateway(
    estate: Estate, *, transit: bool, use_remote: bool
) -> tuple[str, dict[str, str]]:
    """Spoke (target, SUB) peered with a hub (SUB2) whose VPN gateway has live and dead links."""
    spoke = estate.vnet("vnet-spoke", "10.0.0.0/16")
    hub = estate.vnet(
        "vnet-hub",
        "10.1.0.0/16",
        {"default": "10.1.0.0/24", "GatewaySubnet": "10.1.255.0/27"},
        sub=SUB2,
    )
    remote = estate.vnet(
        "vnet-partner", "10.9.0.0/16", {"GatewaySubnet": "10.9.255.0/27"}, sub=SUB3
    )
    estate.peer(spoke, hub, use_remote_gateways=use_remote)
    estate.peer(hub, spoke, gateway_transit=transit)
    gw = estate.vnet_gateway("vgw-hub", hub, sub=SUB2)
    er_gw = estate.vnet_gateway("ergw-hub", hub, gateway_type="ExpressRoute", sub=SUB2)
    partner_gw = estate.vnet_gateway("vgw-partner", remote, sub=SUB3)
    ids = {
        "dc": estate.local_gateway("lng-dc", "203.0.113.10", ["10.200.0.0/16"], sub=SUB2),
        "lab": estate.local_gateway("lng-lab", "198.51.100.7", ["192.168.0.0/24"], sub=SUB2),
        "er": estate.circuit("er-live", sub=SUB2),
        "er-pending": estate.circuit("er-pending", provisioned=False, sub=SUB2),
    }
    estate.connection("cn-dc", gw, local=ids["dc"], sub=SUB2)
    estate.connection("cn-lab", gw, local=ids["lab"], status="NotConnected", sub=SUB2)
    estate.connection("cn-partner", gw, remote_gateway=partner_gw, sub=SUB2)
    estate.connection("cn-er", er_gw, circuit=ids["er"], sub=SUB2)
    estate.connection("cn-er-pending", er_gw, circuit=ids["er-pending"], sub=SUB2)
    return spoke, {k: v.lower() for k, v in ids.items()}


@pytest.mark.parametrize(
    ("transit", "use_remote", "through_gateway"),
    [(True, True, True), (False, True, False), (True, False, False)],
    ids=["transit-and-use-remote", "no-gateway-transit", "no-use-remote-gateways"],
)
def test_gateway_transit_reaches_sites_circuits_and_vnet2vnet_peers(
    tmp_path: Path, transit: bool, use_remote: bool, through_gateway: bool
) -> None:
    """A spoke uses the hub's gateway when its peering sets useRemoteGateways and the hub's sets
    allowGatewayTransit ("Configure VPN gateway transit for virtual network peering",
    https://learn.microsoft.com/en-us/azure/vpn-gateway/vpn-gateway-peering-gateway-transit);
    through it the spoke reaches the sites and circuits of Connected connections and the VNets
    of VNet-to-VNet connections ("About VPN Gateway" connection topologies,
    https://learn.microsoft.com/en-us/azure/vpn-gateway/vpn-gateway-about-vpngateways);
    a circuit counts once the provider has provisioned it ("ExpressRoute workflows",
    https://learn.microsoft.com/en-us/azure/expressroute/expressroute-workflows)."""
    estate = Estate(subscriptions=[SUB, SUB2, SUB3])
    spoke, ids = hub_with_gateway(estate, transit=transit, use_remote=use_remote)
    target_in(estate, spoke)
    expected = {SUB, SUB2}
    if through_gateway:
        expected |= {ids["dc"], ids["er"], SUB3}
    assert reaches(estate, tmp_path) == sorted(expected)


def test_own_gateway_reaches_its_connections(tmp_path: Path) -> None:
    """A VNet's own gateway connects it to on-premises sites
    (https://learn.microsoft.com/en-us/azure/vpn-gateway/vpn-gateway-about-vpngateways)."""
    estate = Estate(subscriptions=[SUB])
    vnet = estate.vnet(
        "vnet", "10.0.0.0/16", {"default": "10.0.0.0/24", "GatewaySubnet": "10.0.255.0/27"}
    )
    gw = estate.vnet_gateway("vgw", vnet)
    lng = estate.local_gateway("lng", "203.0.113.10", ["10.200.0.0/16"])
    estate.connection("cn", gw, local=lng)
    target_in(estate, vnet)
    assert reaches(estate, tmp_path) == sorted([SUB, lng.lower()])


@pytest.mark.parametrize(
    ("wan_type", "expected_keys"),
    [("Standard", ["sub", "sub2", "site", "er"]), ("Basic", ["sub", "site-own-hub"])],
    ids=["standard-wan-any-to-any", "basic-wan-own-hub-vpn-only"],
)
def test_virtual_wan_reaches_everything_connected_to_its_hubs(
    tmp_path: Path, wan_type: str, expected_keys: list[str]
) -> None:
    """In a Standard Virtual WAN, VNets, VPN sites and ExpressRoute circuits connected to any hub
    of the WAN reach each other through the hubs ("About virtual hub routing",
    https://learn.microsoft.com/en-us/azure/virtual-wan/about-virtual-hub-routing; "Virtual WAN
    overview", Basic and Standard, https://learn.microsoft.com/en-us/azure/virtual-wan/virtual-wan-about#basicstandard).
    A Basic WAN offers site-to-site VPN only, without VNet-to-VNet transit. Another WAN's hub
    is not reached."""
    estate = Estate(subscriptions=[SUB, SUB2, SUB3, SUB4])
    a = estate.vnet("vnet-a", "10.0.0.0/16")
    b = estate.vnet("vnet-b", "10.1.0.0/16", sub=SUB2)
    other = estate.vnet("vnet-other", "10.2.0.0/16", sub=SUB3)
    wan = estate.virtual_wan("vwan", wan_type=wan_type, sub=SUB4)
    other_wan = estate.virtual_wan("vwan-other", sub=SUB4)
    hub1 = estate.hub("hub-weu", wan, "10.100.0.0/23", [a], sub=SUB4)
    hub2 = estate.hub("hub-neu", wan, "10.101.0.0/23", [b], sub=SUB4)
    estate.hub("hub-other", other_wan, "10.102.0.0/23", [other], sub=SUB4)
    estate.hub_peering(a, "hub-weu")
    own_site = estate.vpn_site("site-weu", wan, "203.0.113.30", sub=SUB4)
    far_site = estate.vpn_site("site-neu", wan, "203.0.113.20", sub=SUB4)
    estate.vpn_gateway("vpngw-weu", hub1, [own_site], sub=SUB4)
    estate.vpn_gateway("vpngw-neu", hub2, [far_site], sub=SUB4)
    circuit = estate.circuit("er", sub=SUB4)
    estate.er_gateway("ergw-neu", hub2, [circuit], sub=SUB4)
    target_in(estate, a)
    values = {
        "sub": SUB,
        "sub2": SUB2,
        "site": far_site.lower(),
        "er": circuit.lower(),
        "site-own-hub": own_site.lower(),
    }
    expected = {values[k] for k in expected_keys}
    if wan_type == "Standard":
        expected.add(own_site.lower())
    assert reaches(estate, tmp_path) == sorted(expected)


@pytest.mark.parametrize(("status", "reached"), [("Connected", True), ("NotConnected", False)])
def test_virtual_wan_site_counts_only_while_its_connection_is_up(
    tmp_path: Path, status: str, reached: bool
) -> None:
    """Only live links count (exposure.md rule 10): a VPN site whose connection to the hub's
    VPN gateway is not connected is not reached ("About virtual hub routing",
    https://learn.microsoft.com/en-us/azure/virtual-wan/about-virtual-hub-routing)."""
    estate = Estate(subscriptions=[SUB])
    a = estate.vnet("vnet-a", "10.0.0.0/16")
    wan = estate.virtual_wan("vwan")
    hub = estate.hub("hub-weu", wan, "10.100.0.0/23", [a])
    site = estate.vpn_site("site-weu", wan, "203.0.113.30")
    estate.vpn_gateway("vpngw-weu", hub, [site], status=status)
    target_in(estate, a)
    assert (site.lower() in reaches(estate, tmp_path)) is reached


FOREIGN_CIRCUIT = (
    "/subscriptions/9c9c9c9c-0000-4000-8000-0000000000f1/resourceGroups/rg-partner/providers/"
    "Microsoft.Network/expressRouteCircuits/er-partner"
)


@pytest.mark.parametrize(
    ("status", "reached"),
    [("Connected", True), ("NotConnected", False)],
)
def test_a_circuit_outside_the_crawl_is_reached_through_a_connected_connection(
    tmp_path: Path, status: str, reached: bool
) -> None:
    """An ExpressRoute gateway connected to a circuit in another subscription (redeemed
    authorization) reaches the networks behind it ("ExpressRoute: connect a virtual network
    to a circuit in a different subscription"); the circuit cannot be read, so a Connected
    connection is what shows it live (exposure.md rule 10). It is reached as its lower-cased
    id."""
    estate = Estate()
    vnet = estate.vnet(
        "vnet-a", "10.0.0.0/16", {"default": "10.0.0.0/24", "GatewaySubnet": "10.0.255.0/27"}
    )
    gateway = estate.vnet_gateway("ergw", vnet, gateway_type="ExpressRoute")
    estate.connection("conn-partner", gateway, circuit=FOREIGN_CIRCUIT, status=status)
    target_in(estate, vnet)
    assert (FOREIGN_CIRCUIT.lower() in reaches(estate, tmp_path)) is reached


def test_a_circuit_outside_the_crawl_is_reached_through_a_virtual_wan_hub(tmp_path: Path) -> None:
    """A Standard Virtual WAN routes a connected VNet to the circuits of its hubs' ExpressRoute
    gateways ("Virtual WAN: hub routing"); a Virtual WAN ExpressRoute connection has no
    connection status, so its live hub connection shows the foreign circuit working."""
    estate = Estate()
    vnet = estate.vnet("vnet-a", "10.0.0.0/16")
    wan = estate.virtual_wan("wan")
    hub = estate.hub("hub", wan, "10.100.0.0/23", [vnet])
    estate.er_gateway("ergw", hub, [FOREIGN_CIRCUIT])
    target_in(estate, vnet)
    assert FOREIGN_CIRCUIT.lower() in reaches(estate, tmp_path)


@pytest.mark.parametrize(("status", "reached"), [("Connected", True), ("Disconnected", False)])
def test_a_global_reach_link_shows_a_circuit_outside_the_crawl_live(
    tmp_path: Path, status: str, reached: bool
) -> None:
    """Global Reach links two circuits' private peerings ("ExpressRoute Global Reach"); a
    Connected link from our circuit shows the foreign one working even when the hub's
    ExpressRoute connection to it reports no live state (exposure.md rule 10)."""
    estate = Estate()
    vnet = estate.vnet("vnet-a", "10.0.0.0/16")
    wan = estate.virtual_wan("wan")
    hub = estate.hub("hub", wan, "10.100.0.0/23", [vnet])
    gateway = estate.er_gateway("ergw", hub, [FOREIGN_CIRCUIT])
    [conn] = estate.get(gateway)["properties"]["expressRouteConnections"]
    conn["properties"]["provisioningState"] = "Failed"
    ours = estate.circuit("er-ours")
    estate.get(ours)["properties"]["peerings"] = [
        {
            "name": "AzurePrivatePeering",
            "id": f"{ours}/peerings/AzurePrivatePeering",
            "properties": {
                "connections": [
                    {
                        "name": "gr",
                        "id": f"{ours}/peerings/AzurePrivatePeering/connections/gr",
                        "properties": {
                            "expressRouteCircuitPeering": {
                                "id": f"{ours}/peerings/AzurePrivatePeering"
                            },
                            "peerExpressRouteCircuitPeering": {
                                "id": f"{FOREIGN_CIRCUIT}/peerings/AzurePrivatePeering"
                            },
                            "circuitConnectionStatus": status,
                        },
                    }
                ]
            },
        }
    ]
    target_in(estate, vnet)
    assert (FOREIGN_CIRCUIT.lower() in reaches(estate, tmp_path)) is reached

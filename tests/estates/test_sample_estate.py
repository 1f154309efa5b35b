"""The bundled sample estate: a valid estate that shows every feature and every finding kind."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path
from typing import Any

import pytest
import yaml

from discovery.estates import SAMPLE_ESTATE
from discovery.estates.sample_source import write_sample_estate
from graph.inventory import load_inventory
from tests.estates.layout import (
    is_virtual_hub_vnet,
    layout_problems,
    load,
    resources,
    unresolved_references,
)

TODAY = dt.date(2026, 11, 27)
Resource = dict[str, Any]


@pytest.fixture(scope="module")
def index() -> dict[str, Resource]:
    return {r["id"].lower(): r for r in resources(SAMPLE_ESTATE)}


@pytest.fixture(scope="module")
def emulator() -> dict[str, Any]:
    return load(SAMPLE_ESTATE, "emulator.json")


@pytest.fixture(scope="module")
def inventory() -> dict[str, Any]:
    return yaml.safe_load((SAMPLE_ESTATE / "inventory.yaml").read_text(encoding="utf-8"))


def of_type(index: dict[str, Resource], arm_type: str) -> list[Resource]:
    return [r for r in index.values() if r["type"].lower() == arm_type.lower()]


def named(index: dict[str, Resource], arm_type: str, name: str) -> Resource:
    (found,) = [r for r in of_type(index, arm_type) if r["name"] == name]
    return found


def sub_of(arm_id: str) -> str:
    return arm_id.split("/")[2].lower()


def our_subscriptions() -> set[str]:
    return {s["subscriptionId"].lower() for s in load(SAMPLE_ESTATE, "subscriptions.json")}


def home_tenants() -> set[str]:
    return {
        t["tenantId"] for t in load(SAMPLE_ESTATE, "tenants.json") if t["tenantCategory"] == "Home"
    }


def production_subscriptions(inventory: dict[str, Any]) -> set[str]:
    return {
        s["id"].lower() for s in inventory["subscriptions"] if s.get("environment") == "production"
    }


def nsg_rules(nsg: Resource) -> list[dict[str, Any]]:
    return [r["properties"] for r in nsg["properties"]["securityRules"]]


def ports_of(rule: dict[str, Any]) -> list[str]:
    return (
        [rule["destinationPortRange"]]
        if "destinationPortRange" in rule
        else rule["destinationPortRanges"]
    )


def sources_of(rule: dict[str, Any]) -> list[str]:
    return (
        [rule["sourceAddressPrefix"]]
        if "sourceAddressPrefix" in rule
        else rule["sourceAddressPrefixes"]
    )


def port_in(port: int, spec: str) -> bool:
    if spec == "*":
        return True
    low, _, high = spec.partition("-")
    return int(low) <= port <= int(high or low)


# ------------------------------------------------------------------ layout


def test_committed_sample_is_what_sample_source_writes(tmp_path: Path) -> None:
    write_sample_estate(tmp_path)
    for written in sorted(tmp_path.iterdir()):
        assert written.read_bytes() == (SAMPLE_ESTATE / written.name).read_bytes(), written.name


def test_sample_estate_follows_the_snapshot_layout() -> None:
    assert layout_problems(SAMPLE_ESTATE) == []


def test_manifest_says_handmade() -> None:
    assert load(SAMPLE_ESTATE, "manifest.json")["source"]["kind"] == "handmade"


def test_every_reference_resolves_inside_the_estate_or_to_a_known_foreign_subscription() -> None:
    assert unresolved_references(SAMPLE_ESTATE) == []


def test_readme_explains_every_subscription_and_tenant() -> None:
    readme = (SAMPLE_ESTATE / "README.md").read_text(encoding="utf-8")
    for sub in load(SAMPLE_ESTATE, "subscriptions.json"):
        assert sub["subscriptionId"] in readme
        assert sub["displayName"] in readme
    for tenant in load(SAMPLE_ESTATE, "emulator.json")["foreignSubscriptions"].values():
        assert tenant in readme


# ------------------------------------------------------------ organisation


def test_at_least_three_tenants_are_seen(emulator: dict[str, Any]) -> None:
    tenants = {t["tenantId"] for t in load(SAMPLE_ESTATE, "tenants.json")}
    tenants |= set(emulator["foreignSubscriptions"].values())
    assert len(tenants) >= 3


def test_tenant_list_has_contoso_home_and_a_lighthouse_provider() -> None:
    categories = {
        t["displayName"]: t["tenantCategory"] for t in load(SAMPLE_ESTATE, "tenants.json")
    }
    assert categories["Contoso"] == "Home"
    assert categories["Northwind Managed Services"] in ("ManagedBy", "ProjectedBy")


def test_partner_tenant_is_reached_only_through_links(emulator: dict[str, Any]) -> None:
    listed = {t["tenantId"] for t in load(SAMPLE_ESTATE, "tenants.json")}
    foreign_tenants = set(emulator["foreignSubscriptions"].values())
    assert foreign_tenants - listed, "some tenant must be known only through links"


def test_subscriptions_sit_in_a_management_group_tree_rooted_at_the_tenant() -> None:
    entities = load(SAMPLE_ESTATE, "management-groups.json")
    groups = {
        e["name"]: e for e in entities if e["type"] == "Microsoft.Management/managementGroups"
    }
    (home,) = home_tenants()
    assert groups[home]["properties"]["parent"] is None
    parent = {
        n: (g["properties"]["parent"] or {}).get("id", "").rsplit("/", 1)[-1]
        for n, g in groups.items()
    }
    assert parent["contoso"] == home
    assert parent["contoso-landing-zones"] == "contoso"
    assert parent["corp"] == parent["online"] == "contoso-landing-zones"
    assert parent["sandbox"] == "contoso"
    subs = [e for e in entities if e["type"] == "/subscriptions"]
    assert len(subs) >= 10
    assert {e["name"] for e in subs} == our_subscriptions()


def test_lighthouse_delegation_shows_in_subscriptions_and_registrations() -> None:
    northwind = next(
        t["tenantId"] for t in load(SAMPLE_ESTATE, "tenants.json") if t["tenantCategory"] != "Home"
    )
    delegated = [
        s
        for s in load(SAMPLE_ESTATE, "subscriptions.json")
        if {"tenantId": northwind} in s["managedByTenants"]
    ]
    assert delegated
    index = {r["id"].lower(): r for r in resources(SAMPLE_ESTATE)}
    definitions = of_type(index, "Microsoft.ManagedServices/registrationDefinitions")
    assignments = of_type(index, "Microsoft.ManagedServices/registrationAssignments")
    assert {d["properties"]["managedByTenantId"] for d in definitions} == {northwind}
    assert {a["properties"]["registrationDefinitionId"].lower() for a in assignments} == {
        d["id"].lower() for d in definitions
    }


def test_denied_subscription_is_in_the_tree_and_has_no_resources(emulator: dict[str, Any]) -> None:
    (scope,) = emulator["deny"]
    denied = scope.split("/")[2]
    assert emulator["deny"][scope] == 403
    tree = {e["name"] for e in load(SAMPLE_ESTATE, "management-groups.json")}
    assert denied in tree
    assert denied not in load(SAMPLE_ESTATE, "manifest.json")["subscriptionsCrawled"]
    assert not [r for r in resources(SAMPLE_ESTATE) if sub_of(r["id"]) == denied]
    assert [
        e for e in load(SAMPLE_ESTATE, "errors.json") if e["scope"] == scope and e["status"] == 403
    ]


def test_foreign_json_matches_what_the_emulator_resolves(emulator: dict[str, Any]) -> None:
    for entry in load(SAMPLE_ESTATE, "foreign.json"):
        expected = emulator["foreignSubscriptions"].get(entry["subscriptionId"])
        assert entry["tenantId"] == expected
        assert entry["status"] == ("resolved" if expected else "not-found")
        assert entry["referencedBy"]


# ------------------------------------------------------------------ network


def test_hub_firewall_policy_holds_full_rule_collection_groups_with_an_internet_dnat(
    index: dict[str, Resource],
) -> None:
    firewall = named(index, "Microsoft.Network/azureFirewalls", "azfw-hub")
    policy = index[firewall["properties"]["firewallPolicy"]["id"].lower()]
    groups = policy["properties"]["ruleCollectionGroups"]
    assert all("properties" in g for g in groups)
    nat_rules = [
        rule
        for group in groups
        for collection in group["properties"]["ruleCollections"]
        if collection["ruleCollectionType"] == "FirewallPolicyNatRuleCollection"
        for rule in collection["rules"]
    ]
    public = {
        index[c["properties"]["publicIPAddress"]["id"].lower()]["properties"]["ipAddress"]
        for c in firewall["properties"]["ipConfigurations"]
    }
    private_ips = {
        c["properties"]["privateIPAddress"]
        for nic in of_type(index, "Microsoft.Network/networkInterfaces")
        for c in nic["properties"]["ipConfigurations"]
    }
    internet_dnat = [
        r
        for r in nat_rules
        if r["sourceAddresses"] == ["*"]
        and set(r["destinationAddresses"]) <= public
        and r["translatedPort"] in ("22", "3389")
        and r["translatedAddress"] in private_ips
    ]
    assert internet_dnat
    assert policy["properties"]["basePolicy"]["id"].lower() in index


def test_hub_and_spokes_are_peered_both_ways_with_gateway_transit(
    index: dict[str, Resource],
) -> None:
    hub = named(index, "Microsoft.Network/virtualNetworks", "vnet-hub-weu")
    for peering in hub["properties"]["virtualNetworkPeerings"]:
        props = peering["properties"]
        spoke = index[props["remoteVirtualNetwork"]["id"].lower()]
        (back,) = [
            p
            for p in spoke["properties"]["virtualNetworkPeerings"]
            if p["properties"]["remoteVirtualNetwork"]["id"].lower() == hub["id"].lower()
        ]
        assert props["peeringState"] == back["properties"]["peeringState"] == "Connected"
        assert props["allowGatewayTransit"] and back["properties"]["useRemoteGateways"]
    assert len(hub["properties"]["virtualNetworkPeerings"]) >= 2


def test_a_peering_crosses_into_a_partner_tenant(
    index: dict[str, Resource], emulator: dict[str, Any]
) -> None:
    remote = [
        p["properties"]["remoteVirtualNetwork"]["id"]
        for v in of_type(index, "Microsoft.Network/virtualNetworks")
        for p in v["properties"]["virtualNetworkPeerings"]
        if p["properties"]["peeringState"] == "Connected"
    ]
    assert [r for r in remote if sub_of(r) in emulator["foreignSubscriptions"]]


def test_bastion_sits_in_the_hub(index: dict[str, Resource]) -> None:
    (bastion,) = of_type(index, "Microsoft.Network/bastionHosts")
    subnet = bastion["properties"]["ipConfigurations"][0]["properties"]["subnet"]["id"]
    assert subnet.lower().startswith(
        named(index, "Microsoft.Network/virtualNetworks", "vnet-hub-weu")["id"].lower()
    )


def site_covers(site: dict[str, Any], lng: Resource) -> bool:
    props = lng["properties"]
    prefixes = [ipaddress.ip_network(p) for p in site["address_prefixes"]]
    return props["gatewayIpAddress"] in site.get("gateway_ips", []) and all(
        any(ipaddress.ip_network(p).subnet_of(s) for s in prefixes)  # type: ignore[arg-type]
        for p in props["localNetworkAddressSpace"]["addressPrefixes"]
    )


def test_site_to_site_connections_reach_a_declared_and_an_undeclared_site(
    index: dict[str, Resource], inventory: dict[str, Any]
) -> None:
    ipsec = [
        c
        for c in of_type(index, "Microsoft.Network/connections")
        if c["properties"]["connectionType"] == "IPsec"
    ]
    gateways = [index[c["properties"]["localNetworkGateway2"]["id"].lower()] for c in ipsec]
    covered = [g for g in gateways if any(site_covers(s, g) for s in inventory["sites"])]
    assert covered
    assert [g for g in gateways if g not in covered]
    assert all(c["properties"]["sharedKey"] for c in ipsec)


def test_vnet_to_vnet_connection_reaches_a_gateway_in_a_foreign_subscription(
    index: dict[str, Resource], emulator: dict[str, Any]
) -> None:
    v2v = [
        c
        for c in of_type(index, "Microsoft.Network/connections")
        if c["properties"]["connectionType"] == "Vnet2Vnet"
    ]
    assert [
        c
        for c in v2v
        if sub_of(c["properties"]["virtualNetworkGateway2"]["id"])
        in emulator["foreignSubscriptions"]
    ]


def test_circuit_authorization_is_redeemed_from_another_of_our_subscriptions(
    index: dict[str, Resource],
) -> None:
    redeemed = [
        (circuit, auth)
        for circuit in of_type(index, "Microsoft.Network/expressRouteCircuits")
        for auth in circuit["properties"]["authorizations"]
        if auth["properties"].get("connectionResourceUri")
    ]
    assert redeemed
    for circuit, auth in redeemed:
        connection = index[auth["properties"]["connectionResourceUri"].lower()]
        assert sub_of(connection["id"]) != sub_of(circuit["id"])
        assert connection["properties"]["peer"]["id"].lower() == circuit["id"].lower()
        assert (
            connection["properties"]["authorizationKey"] == auth["properties"]["authorizationKey"]
        )


def test_global_reach_links_a_circuit_in_a_foreign_subscription(
    index: dict[str, Resource], emulator: dict[str, Any]
) -> None:
    peers = [
        connection["properties"]["peerExpressRouteCircuitPeering"]["id"]
        for circuit in of_type(index, "Microsoft.Network/expressRouteCircuits")
        for peering in circuit["properties"]["peerings"]
        for connection in peering["properties"]["connections"]
    ]
    assert [p for p in peers if sub_of(p) in emulator["foreignSubscriptions"]]


def test_one_circuit_is_declared_and_one_is_not(
    index: dict[str, Resource], inventory: dict[str, Any]
) -> None:
    declared = {c["id"].lower() for c in inventory["expressroute_circuits"]}
    circuits = {c["id"].lower() for c in of_type(index, "Microsoft.Network/expressRouteCircuits")}
    assert circuits & declared
    assert circuits - declared


def test_virtual_wan_hub_connects_a_spoke_through_a_managed_hub_vnet(
    index: dict[str, Resource], emulator: dict[str, Any]
) -> None:
    (hub,) = of_type(index, "Microsoft.Network/virtualHubs")
    connections = hub["properties"]["hubVirtualNetworkConnections"]
    assert connections and all("properties" in c for c in connections)
    spoke = index[connections[0]["properties"]["remoteVirtualNetwork"]["id"].lower()]
    (auto,) = [
        p
        for p in spoke["properties"]["virtualNetworkPeerings"]
        if p["name"].startswith("RemoteVnetToHubPeering_")
    ]
    remote = auto["properties"]["remoteVirtualNetwork"]["id"]
    assert is_virtual_hub_vnet(remote)
    assert sub_of(remote) not in emulator["foreignSubscriptions"]
    assert sub_of(remote) not in {f["subscriptionId"] for f in load(SAMPLE_ESTATE, "foreign.json")}
    for kind in ("vpnGateway", "expressRouteGateway", "virtualWan"):
        assert hub["properties"][kind]["id"].lower() in index


def test_virtual_wan_has_a_vpn_site_gateway_and_expressroute_connections(
    index: dict[str, Resource],
) -> None:
    (site,) = of_type(index, "Microsoft.Network/vpnSites")
    (vpn_gateway,) = of_type(index, "Microsoft.Network/vpnGateways")
    (er_gateway,) = of_type(index, "Microsoft.Network/expressRouteGateways")
    assert (
        vpn_gateway["properties"]["connections"][0]["properties"]["remoteVpnSite"]["id"]
        == site["id"]
    )
    circuit_peering = er_gateway["properties"]["expressRouteConnections"][0]["properties"][
        "expressRouteCircuitPeering"
    ]
    assert circuit_peering["id"].lower().rsplit("/peerings/", 1)[0] in index


def test_private_endpoints_cross_tenants_in_both_directions(
    index: dict[str, Resource], emulator: dict[str, Any]
) -> None:
    foreign = emulator["foreignSubscriptions"]
    outbound = [
        c
        for pe in of_type(index, "Microsoft.Network/privateEndpoints")
        for c in pe["properties"]["manualPrivateLinkServiceConnections"]
        if c["properties"]["privateLinkServiceId"].startswith("/subscriptions/")
        and sub_of(c["properties"]["privateLinkServiceId"]) in foreign
    ]
    assert outbound
    inbound = [
        c
        for r in index.values()
        for c in r["properties"].get("privateEndpointConnections", [])
        if sub_of(c["properties"]["privateEndpoint"]["id"]) in foreign
    ]
    assert {
        r["type"] for r in index.values() if r["properties"].get("privateEndpointConnections")
    } >= {"Microsoft.Storage/storageAccounts", "Microsoft.KeyVault/vaults", "Microsoft.Sql/servers"}
    assert inbound


def test_network_manager_has_scopes_and_connections_exist(index: dict[str, Resource]) -> None:
    (manager,) = of_type(index, "Microsoft.Network/networkManagers")
    scopes = manager["properties"]["networkManagerScopes"]
    assert scopes["managementGroups"] and scopes["subscriptions"]
    connections = of_type(index, "Microsoft.Network/networkManagerConnections")
    assert {c["id"].split("/")[1] for c in connections} == {"subscriptions", "providers"}


# ------------------------------------------------------------------ exposure


def nsgs_of(index: dict[str, Resource], nic: Resource, cfg: dict[str, Any]) -> list[Resource]:
    subnet_id = cfg["properties"]["subnet"]["id"].lower()
    vnet = index[subnet_id.split("/subnets/")[0]]
    (subnet,) = [s for s in vnet["properties"]["subnets"] if s["id"].lower() == subnet_id]
    found = [
        subnet["properties"].get("networkSecurityGroup"),
        nic["properties"].get("networkSecurityGroup"),
    ]
    return [index[n["id"].lower()] for n in found if n]


def public_configs(index: dict[str, Resource]) -> list[tuple[Resource, dict[str, Any], Resource]]:
    return [
        (nic, cfg, index[cfg["properties"]["publicIPAddress"]["id"].lower()])
        for nic in of_type(index, "Microsoft.Network/networkInterfaces")
        for cfg in nic["properties"]["ipConfigurations"]
        if "publicIPAddress" in cfg["properties"]
    ]


def test_a_standard_public_ip_vm_allows_ssh_from_internet_in_production(
    index: dict[str, Resource], inventory: dict[str, Any]
) -> None:
    hits = [
        nic
        for nic, cfg, pip in public_configs(index)
        if pip["sku"]["name"] == "Standard"
        and sub_of(nic["id"]) in production_subscriptions(inventory)
        and any(
            r["access"] == "Allow"
            and r["direction"] == "Inbound"
            and "Internet" in sources_of(r)
            and any(port_in(22, p) for p in ports_of(r))
            for nsg in nsgs_of(index, nic, cfg)
            for r in nsg_rules(nsg)
        )
    ]
    assert hits and all("virtualMachine" in nic["properties"] for nic in hits)


def test_a_basic_public_ip_has_no_nsg_at_any_level(index: dict[str, Resource]) -> None:
    assert [
        nic
        for nic, cfg, pip in public_configs(index)
        if pip["sku"]["name"] == "Basic" and not nsgs_of(index, nic, cfg)
    ]


def test_a_public_ip_sits_on_a_second_ip_configuration(index: dict[str, Resource]) -> None:
    assert [
        nic
        for nic, cfg, _ in public_configs(index)
        if nic["properties"]["ipConfigurations"].index(cfg) > 0
    ]


def test_standard_load_balancer_nats_3389_to_a_vm_and_balances_443_to_8443(
    index: dict[str, Resource],
) -> None:
    (lb,) = [
        lb
        for lb in of_type(index, "Microsoft.Network/loadBalancers")
        if any(
            "publicIPAddress" in f["properties"]
            for f in lb["properties"]["frontendIPConfigurations"]
        )
    ]
    props = lb["properties"]
    assert lb["sku"]["name"] == "Standard"
    assert any("publicIPAddress" in f["properties"] for f in props["frontendIPConfigurations"])
    nat = [
        r["properties"] for r in props["inboundNatRules"] if r["properties"]["backendPort"] == 3389
    ]
    assert (
        nat
        and nat[0]["backendIPConfiguration"]["id"].lower().split("/ipconfigurations/")[0] in index
    )
    assert [
        r
        for r in props["loadBalancingRules"]
        if (r["properties"]["frontendPort"], r["properties"]["backendPort"]) == (443, 8443)
    ]


def test_application_gateway_without_waf_listens_publicly_on_80_and_443(
    index: dict[str, Resource],
) -> None:
    (gateway,) = [
        g
        for g in of_type(index, "Microsoft.Network/applicationGateways")
        if "WAF" not in g["properties"]["sku"]["name"]
    ]
    props = gateway["properties"]
    assert "firewallPolicy" not in props and "webApplicationFirewallConfiguration" not in props
    assert "WAF" not in props["sku"]["tier"]
    ports = {p["id"]: p["properties"]["port"] for p in props["frontendPorts"]}
    public = {
        f["id"] for f in props["frontendIPConfigurations"] if "publicIPAddress" in f["properties"]
    }
    listened = {
        ports[h["properties"]["frontendPort"]["id"]]
        for h in props["httpListeners"]
        if h["properties"]["frontendIPConfiguration"]["id"] in public
    }
    assert listened == {80, 443}


def test_a_higher_priority_deny_shadows_part_of_an_internet_allow(
    index: dict[str, Resource],
) -> None:
    nsg = named(index, "Microsoft.Network/networkSecurityGroups", "nsg-dev-apps")
    rules = nsg_rules(nsg)
    allow = next(r for r in rules if r["access"] == "Allow" and "Internet" in sources_of(r))
    shadows = [
        r
        for r in rules
        if r["access"] == "Deny"
        and r["priority"] < allow["priority"]
        and "Internet" in sources_of(r)
        and r["sourcePortRange"] == "*"
    ]
    assert shadows
    assert all(port_in(int(ports_of(d)[0].split("-")[0]), ports_of(allow)[0]) for d in shadows)
    assert "destinationApplicationSecurityGroups" in allow


def test_an_exposed_subnet_routes_default_to_none(index: dict[str, Resource]) -> None:
    exposed_subnets = {
        cfg["properties"]["subnet"]["id"].lower() for _, cfg, _ in public_configs(index)
    }
    blackholed = [
        s["id"].lower()
        for rt in of_type(index, "Microsoft.Network/routeTables")
        if any(
            r["properties"]["addressPrefix"] == "0.0.0.0/0"
            and r["properties"]["nextHopType"] == "None"
            for r in rt["properties"]["routes"]
        )
        for s in rt["properties"]["subnets"]
    ]
    assert exposed_subnets & set(blackholed)


def test_vms_name_their_nics_and_nics_name_their_vms(index: dict[str, Resource]) -> None:
    vms = of_type(index, "Microsoft.Compute/virtualMachines")
    assert len(vms) >= 6
    for vm in vms:
        for nic_ref in vm["properties"]["networkProfile"]["networkInterfaces"]:
            assert index[nic_ref["id"].lower()]["properties"]["virtualMachine"]["id"] == vm["id"]


def test_supporting_types_are_present(index: dict[str, Resource]) -> None:
    types = {r["type"] for r in index.values()}
    assert types >= {
        "Microsoft.Network/applicationSecurityGroups",
        "Microsoft.Network/routeTables",
        "Microsoft.Network/ipGroups",
        "Microsoft.Network/bastionHosts",
        "Microsoft.Network/virtualNetworkGateways",
        "Microsoft.Network/localNetworkGateways",
        "Microsoft.Network/virtualWans",
        "Microsoft.Network/publicIPAddresses",
        "Microsoft.Network/networkSecurityGroups",
    }


def test_secrets_are_kept_raw_for_the_crawler_to_redact(index: dict[str, Resource]) -> None:
    found: dict[str, list[str]] = {}
    for r in index.values():
        stack: list[Any] = [r]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in ("serviceKey", "authorizationKey", "sharedKey", "psk") and isinstance(
                        value, str
                    ):
                        found.setdefault(key, []).append(value)
                    else:
                        stack.append(value)
            elif isinstance(node, list):
                stack.extend(node)
    assert set(found) == {"serviceKey", "authorizationKey", "sharedKey", "psk"}
    assert not [v for values in found.values() for v in values if v.startswith("<redacted:")]


# ----------------------------------------------------------------- inventory


def test_inventory_is_yaml_with_every_section(inventory: dict[str, Any]) -> None:
    assert inventory["version"] == 1 and inventory["organization"] == "Contoso"
    assert set(inventory) == {
        "version",
        "organization",
        "tenants",
        "management_groups",
        "subscriptions",
        "expressroute_circuits",
        "sites",
        "approved_exposures",
        "accepted",
        "governance",
    }


def test_inventory_passes_the_inventory_loader(inventory: dict[str, Any]) -> None:
    loaded = load_inventory(SAMPLE_ESTATE / "inventory.yaml")
    assert {t.id for t in loaded.tenants} == {t["id"].lower() for t in inventory["tenants"]}
    assert len(loaded.subscriptions) == len(inventory["subscriptions"])


def test_an_observed_tenant_is_left_undeclared(
    inventory: dict[str, Any], emulator: dict[str, Any]
) -> None:
    declared = {t["id"] for t in inventory["tenants"]}
    assert set(emulator["foreignSubscriptions"].values()) - declared


def test_a_subscription_is_declared_with_the_wrong_tenant(inventory: dict[str, Any]) -> None:
    observed = {
        s["subscriptionId"]: s["tenantId"] for s in load(SAMPLE_ESTATE, "subscriptions.json")
    }
    assert [
        s
        for s in inventory["subscriptions"]
        if s["id"] in observed and s.get("tenant", observed[s["id"]]) != observed[s["id"]]
    ]


def test_a_declared_home_subscription_does_not_exist(inventory: dict[str, Any]) -> None:
    home = {t["id"] for t in inventory["tenants"] if t["relationship"] == "home"}
    assert [
        s
        for s in inventory["subscriptions"]
        if s.get("tenant") in home and s["id"] not in our_subscriptions()
    ]


def test_a_subscription_is_declared_neither_directly_nor_by_group(
    inventory: dict[str, Any],
) -> None:
    entities = load(SAMPLE_ESTATE, "management-groups.json")
    parent = {
        e["name"]: (e["properties"]["parent"] or {}).get("id", "").rsplit("/", 1)[-1]
        for e in entities
    }
    declared_groups = {g["id"] for g in inventory["management_groups"]}

    def under_declared(name: str) -> bool:
        while name:
            if name in declared_groups:
                return True
            name = parent.get(name, "")
        return False

    listed = {s["id"] for s in inventory["subscriptions"]}
    assert [s for s in our_subscriptions() if s not in listed and not under_declared(s)]


def test_approvals_include_a_valid_and_an_expired_one(
    inventory: dict[str, Any], index: dict[str, Resource]
) -> None:
    approvals = inventory["approved_exposures"]
    assert [a for a in approvals if a["expires"] >= TODAY]
    assert [a for a in approvals if a["expires"] < TODAY]
    assert all(a["resource"].lower() in index for a in approvals)


def test_an_accepted_entry_silences_an_alias_endpoint(
    inventory: dict[str, Any], index: dict[str, Resource]
) -> None:
    (accepted,) = inventory["accepted"]
    aliases = {
        "alias:" + c["properties"]["privateLinkServiceId"].lower()
        for pe in of_type(index, "Microsoft.Network/privateEndpoints")
        for c in pe["properties"]["manualPrivateLinkServiceConnections"]
        if not c["properties"]["privateLinkServiceId"].startswith("/")
    }
    assert accepted["subject"] in aliases and accepted["expires"] >= TODAY


def test_a_waf_gateway_uses_a_policy_in_detection_mode(index: dict[str, Resource]) -> None:
    (gateway,) = [
        g
        for g in of_type(index, "Microsoft.Network/applicationGateways")
        if g["properties"]["sku"]["name"] == "WAF_v2"
    ]
    policy = index[gateway["properties"]["firewallPolicy"]["id"].lower()]
    assert policy["type"] == "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies"
    assert policy["properties"]["policySettings"]["mode"] == "Detection"
    assert any(
        "publicIPAddress" in f["properties"]
        for f in gateway["properties"]["frontendIPConfigurations"]
    )


def test_a_private_link_service_is_consumed_from_a_foreign_subscription(
    index: dict[str, Resource], emulator: dict[str, Any]
) -> None:
    (service,) = of_type(index, "Microsoft.Network/privateLinkServices")
    frontends = service["properties"]["loadBalancerFrontendIpConfigurations"]
    assert all(f["id"].lower().split("/frontendipconfigurations/")[0] in index for f in frontends)
    consumers = [
        c["properties"]["privateEndpoint"]["id"]
        for c in service["properties"]["privateEndpointConnections"]
    ]
    assert [c for c in consumers if sub_of(c) in emulator["foreignSubscriptions"]]

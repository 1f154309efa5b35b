"""What the inventory's declarations mean for the findings (inventory.md "Meaning")."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.estate import (
    FOREIGN_SUB,
    FOREIGN_SUB_2,
    HOME,
    OTHER,
    SUB_A,
    SUB_B,
    TODAY,
    Estate,
    findings_of,
    inventory,
    peering,
    report_of,
    rid,
    vnet,
)

HOME_TENANT = f"tenants:\n  - id: {HOME}\n    relationship: home\n"
SUB_C = "1a2b3c4d-0000-4000-8000-000000000103"


def _tree_estate() -> Estate:
    """root -> landing-zones -> corp -> SUB_A ; root -> platform -> SUB_B ; root -> SUB_C"""
    estate = Estate()
    estate.tenant(HOME, "Contoso").tenants_crawled.append(HOME)
    estate.group(HOME, HOME, parent=None)
    estate.group("landing-zones", HOME, parent=HOME).group("corp", HOME, parent="landing-zones")
    estate.group("platform", HOME, parent=HOME)
    for sid, group in ((SUB_A, "corp"), (SUB_B, "platform"), (SUB_C, HOME)):
        estate.subscription(sid, HOME).in_group(sid, group, HOME)
    return estate


def test_a_subscription_at_any_depth_below_a_declared_group_is_declared(tmp_path: Path) -> None:
    inv = inventory(
        HOME_TENANT + f"management_groups:\n  - id: landing-zones\n    tenant: {HOME}\n"
    )
    report = report_of(_tree_estate(), tmp_path, inv)
    unknown = findings_of(report, "unknown-subscription")
    assert SUB_A not in unknown
    assert set(unknown) == {SUB_B, SUB_C}


def test_an_unreadable_tree_with_a_declared_group_is_a_coverage_gap_not_unknown_subscriptions(
    tmp_path: Path,
) -> None:
    estate = Estate()
    estate.tenant(HOME, "Contoso")  # not in tenantsCrawled: its tree could not be read
    estate.subscription(SUB_A, HOME).subscription(SUB_B, HOME)
    estate.error(f"/providers/Microsoft.Management/managementGroups/{HOME}")
    inv = inventory(
        HOME_TENANT + f"management_groups:\n  - id: landing-zones\n    tenant: {HOME}\n"
    )
    report = report_of(estate, tmp_path, inv)
    assert findings_of(report, "unknown-subscription") == {}
    gap = findings_of(report, "coverage-gap")[HOME]
    assert "undeclared-subscriptions-not-judged" in gap["details"]["notes"]
    assert gap["details"]["errors"][0]["status"] == 403
    assert report["coverage"]["complete"] is False


def test_an_unreadable_tree_without_a_declared_group_still_judges_subscriptions(
    tmp_path: Path,
) -> None:
    estate = Estate()
    estate.tenant(HOME, "Contoso")
    estate.subscription(SUB_A, HOME)
    estate.error(f"/tenants/{HOME}")
    report = report_of(estate, tmp_path, inventory(HOME_TENANT))
    assert SUB_A in findings_of(report, "unknown-subscription")
    assert HOME in findings_of(report, "coverage-gap")


def _peered_to(*remotes: str) -> Estate:
    ours = vnet(SUB_A, "vnet-a")
    ours["properties"]["virtualNetworkPeerings"] = [
        peering(ours["id"], f"p{i}", rid(sub, "net", "virtualNetworks", f"v{i}"))
        for i, sub in enumerate(remotes)
    ]
    estate = Estate.home(SUB_A).add(ours)
    for sub in remotes:
        estate.resolved(sub, OTHER)
    return estate


def test_a_partner_with_a_subscription_list_allows_only_those(tmp_path: Path) -> None:
    inv = inventory(
        HOME_TENANT
        + f"  - id: {OTHER}\n    relationship: partner\n    subscriptions: [{FOREIGN_SUB}]\n"
        + f"subscriptions:\n  - id: {SUB_A}\n"
    )
    report = report_of(_peered_to(FOREIGN_SUB, FOREIGN_SUB_2), tmp_path, inv)
    assert set(findings_of(report, "unknown-subscription")) == {FOREIGN_SUB_2}
    assert findings_of(report, "unknown-tenant") == {}


def test_a_partner_without_a_subscription_list_allows_all_its_subscriptions(
    tmp_path: Path,
) -> None:
    inv = inventory(
        HOME_TENANT + f"  - id: {OTHER}\n    relationship: service-provider\n"
        f"subscriptions:\n  - id: {SUB_A}\n"
    )
    report = report_of(_peered_to(FOREIGN_SUB, FOREIGN_SUB_2), tmp_path, inv)
    assert findings_of(report, "unknown-subscription") == {}


def test_a_home_tenant_does_not_declare_its_subscriptions(tmp_path: Path) -> None:
    report = report_of(Estate.home(SUB_A), tmp_path, inventory(HOME_TENANT))
    assert SUB_A in findings_of(report, "unknown-subscription")
    assert findings_of(report, "unknown-subscription")[SUB_A]["severity"] == "medium"


def test_a_declared_subscription_seen_in_another_tenant_is_a_tenant_mismatch(
    tmp_path: Path,
) -> None:
    retail = "72f988bf-0000-4000-8000-000000000005"
    inv = inventory(
        HOME_TENANT
        + f"  - id: {retail}\n    relationship: subsidiary\n"
        + f"subscriptions:\n  - id: {SUB_A}\n    tenant: {retail}\n  - id: {SUB_B}\n"
    )
    report = report_of(Estate.home(SUB_A, SUB_B), tmp_path, inv)
    mismatch = findings_of(report, "tenant-mismatch")
    assert set(mismatch) == {SUB_A}
    assert mismatch[SUB_A]["details"]["declaredTenant"] == retail
    assert mismatch[SUB_A]["details"]["observedTenant"] == HOME
    assert mismatch[SUB_A]["severity"] == "high"
    assert SUB_A not in findings_of(report, "unknown-subscription")


def test_a_declared_subscription_not_seen_is_missing_when_its_tenant_was_read(
    tmp_path: Path,
) -> None:
    gone = "1a2b3c4d-0000-4000-8000-0000000001ee"
    inv = inventory(HOME_TENANT + f"subscriptions:\n  - id: {SUB_A}\n  - id: {gone}\n")
    report = report_of(Estate.home(SUB_A), tmp_path, inv)
    missing = findings_of(report, "missing-declared")[gone]
    assert missing["severity"] == "low"
    assert missing["scope"] == [HOME]


def test_nothing_is_missing_when_the_tenant_was_not_read_completely(tmp_path: Path) -> None:
    gone = "1a2b3c4d-0000-4000-8000-0000000001ee"
    estate = Estate.home(SUB_A)
    estate.tenants_crawled.clear()
    inv = inventory(HOME_TENANT + f"subscriptions:\n  - id: {SUB_A}\n  - id: {gone}\n")
    assert findings_of(report_of(estate, tmp_path, inv), "missing-declared") == {}


def test_a_partners_subscription_is_never_missing(tmp_path: Path) -> None:
    inv = inventory(
        HOME_TENANT
        + f"  - id: {OTHER}\n    relationship: partner\n"
        + f"subscriptions:\n  - id: {SUB_A}\n  - id: {FOREIGN_SUB}\n    tenant: {OTHER}\n"
    )
    assert findings_of(report_of(Estate.home(SUB_A), tmp_path, inv), "missing-declared") == {}


def test_a_declared_circuit_not_seen_in_its_crawled_subscription_is_missing(
    tmp_path: Path,
) -> None:
    circuit = rid(SUB_A, "net", "expressRouteCircuits", "er-gone")
    elsewhere = rid(SUB_B, "net", "expressRouteCircuits", "er-unread")
    inv = inventory(
        HOME_TENANT
        + f"subscriptions:\n  - id: {SUB_A}\n"
        + f"expressroute_circuits:\n  - id: {circuit}\n  - id: {elsewhere}\n"
    )
    report = report_of(Estate.home(SUB_A), tmp_path, inv)
    assert set(findings_of(report, "missing-declared")) == {circuit.lower()}


def _site_estate(lng_ip: str, prefixes: list[str], *, bgp: bool = False, fqdn: str = "") -> Estate:
    gw = rid(SUB_A, "net", "virtualNetworkGateways", "vgw")
    lng_props: dict = {
        "gatewayIpAddress": lng_ip,
        "localNetworkAddressSpace": {"addressPrefixes": prefixes},
    }
    if fqdn:
        lng_props = {"fqdn": fqdn, "localNetworkAddressSpace": {"addressPrefixes": prefixes}}
    if bgp:
        lng_props["bgpSettings"] = {"asn": 65010, "bgpPeeringAddress": "10.200.0.1"}
    lng = {
        "id": rid(SUB_A, "net", "localNetworkGateways", "lng"),
        "name": "lng",
        "type": "Microsoft.Network/localNetworkGateways",
        "location": "westeurope",
        "properties": lng_props,
    }
    conn = {
        "id": rid(SUB_A, "net", "connections", "cn-site"),
        "name": "cn-site",
        "type": "Microsoft.Network/connections",
        "location": "westeurope",
        "properties": {
            "connectionType": "IPsec",
            "connectionStatus": "Connected",
            "virtualNetworkGateway1": {"id": gw},
            "localNetworkGateway2": {"id": lng["id"]},
        },
    }
    return Estate.home(SUB_A).add(lng, conn)


SITES = (
    HOME_TENANT
    + f"subscriptions:\n  - id: {SUB_A}\n"
    + "sites:\n  - name: ams\n    gateway_ips: [203.0.113.10]\n"
    + "    gateway_fqdns: [vpn.ams.contoso.example]\n"
    + "    address_prefixes: [10.200.0.0/16, 10.201.0.0/16]\n"
)
LNG_ID = rid(SUB_A, "net", "localNetworkGateways", "lng").lower()


def test_a_site_covers_a_gateway_with_its_address_and_prefixes(tmp_path: Path) -> None:
    report = report_of(_site_estate("203.0.113.10", ["10.200.1.0/24"]), tmp_path, inventory(SITES))
    assert findings_of(report, "undeclared-site") == {}
    links = [lk for lk in report["topology"]["links"] if lk["channel"] == "site-to-site"]
    assert links == [
        {"from": HOME, "to": "site:ams", "channel": "site-to-site", "count": 1, "declared": True}
    ]


def test_a_gateway_with_a_prefix_outside_the_site_is_undeclared(tmp_path: Path) -> None:
    estate = _site_estate("203.0.113.10", ["10.200.0.0/16", "192.168.0.0/24"])
    report = report_of(estate, tmp_path, inventory(SITES))
    finding = findings_of(report, "undeclared-site")[LNG_ID]
    assert finding["severity"] == "high"
    assert finding["evidence"][-1]["to"] == LNG_ID
    gateway = rid(SUB_A, "net", "virtualNetworkGateways", "vgw").lower()
    assert finding["evidence"][0]["to"] == gateway  # from our gateway, through the connection


def test_a_gateway_at_another_address_is_undeclared(tmp_path: Path) -> None:
    report = report_of(_site_estate("198.51.100.7", ["10.200.0.0/16"]), tmp_path, inventory(SITES))
    assert LNG_ID in findings_of(report, "undeclared-site")


def test_a_site_covers_a_gateway_by_its_fqdn(tmp_path: Path) -> None:
    estate = _site_estate("", ["10.201.0.0/24"], fqdn="VPN.ams.contoso.example")
    assert findings_of(report_of(estate, tmp_path, inventory(SITES)), "undeclared-site") == {}


def test_a_bgp_gateway_without_prefixes_is_judged_by_its_address(tmp_path: Path) -> None:
    estate = _site_estate("203.0.113.10", [], bgp=True)
    assert findings_of(report_of(estate, tmp_path, inventory(SITES)), "undeclared-site") == {}


def _vpn_site_estate(ips: list[str], prefixes: list[str]) -> Estate:
    site_id = rid(SUB_A, "net", "vpnSites", "vpnsite-berlin")
    site = {
        "id": site_id,
        "name": "vpnsite-berlin",
        "type": "Microsoft.Network/vpnSites",
        "location": "westeurope",
        "properties": {
            "addressSpace": {"addressPrefixes": prefixes},
            "vpnSiteLinks": [
                {
                    "id": f"{site_id}/vpnSiteLinks/l{i}",
                    "name": f"l{i}",
                    "properties": {"ipAddress": ip},
                }
                for i, ip in enumerate(ips)
            ],
        },
    }
    gw_id = rid(SUB_A, "net", "vpnGateways", "vpngw")
    gw = {
        "id": gw_id,
        "name": "vpngw",
        "type": "Microsoft.Network/vpnGateways",
        "location": "westeurope",
        "properties": {
            "connections": [
                {
                    "id": gw_id + "/vpnConnections/c",
                    "name": "c",
                    "properties": {
                        "remoteVpnSite": {"id": site_id},
                        "connectionStatus": "Connected",
                    },
                }
            ]
        },
    }
    return Estate.home(SUB_A).add(site, gw)


def test_a_site_covers_a_vpn_site_when_every_link_is_its_own(tmp_path: Path) -> None:
    inv = inventory(SITES.replace("[203.0.113.10]", "[203.0.113.10, 203.0.113.11]"))
    covered = report_of(
        _vpn_site_estate(["203.0.113.10", "203.0.113.11"], ["10.201.0.0/16"]), tmp_path / "a", inv
    )
    assert findings_of(covered, "undeclared-site") == {}
    stray = report_of(
        _vpn_site_estate(["203.0.113.10", "198.51.100.9"], ["10.201.0.0/16"]), tmp_path / "b", inv
    )
    assert len(findings_of(stray, "undeclared-site")) == 1


def test_an_accepted_finding_is_silenced_until_it_expires(tmp_path: Path) -> None:
    estate = Estate.home(SUB_A).tenant(OTHER, "Fabrikam", "ProjectedBy")
    accepted = (
        HOME_TENANT
        + f"subscriptions:\n  - id: {SUB_A}\n"
        + f"accepted:\n  - kind: unknown-tenant\n    subject: {OTHER.upper()}\n"
        + "    reason: marketplace\n    expires: {date}\n"
    )
    valid = report_of(estate, tmp_path / "a", inventory(accepted.format(date=TODAY.isoformat())))
    finding = findings_of(valid, "unknown-tenant")[OTHER]
    assert finding["status"] == "accepted"
    assert finding["accepted"] == {"reason": "marketplace", "expires": TODAY.isoformat()}
    assert valid["summary"]["open"] == 0 and valid["summary"]["accepted"] == 1
    expired = report_of(estate, tmp_path / "b", inventory(accepted.format(date="2026-11-26")))
    assert findings_of(expired, "unknown-tenant")[OTHER]["status"] == "new"
    assert expired["summary"]["open"] == 1

"""The three-layer verdict per platform-service endpoint (paas-exposure.md)."""

from __future__ import annotations

from typing import Any

from graph.analysis.paas_exposure import (
    AZURE_WIDE,
    CLOSED,
    CONFIG_WEB,
    CONTAINERS,
    FIREWALL_RULES,
    INTERNET,
    NETWORK_RULE_SET,
    RESTRICTED,
    SUBNET_NSG,
    UNKNOWN,
    Endpoint,
    endpoints,
)

STORAGE = "Microsoft.Storage/storageAccounts"
SQL = "Microsoft.Sql/servers"
POSTGRES = "Microsoft.DBforPostgreSQL/flexibleServers"
MYSQL = "Microsoft.DBforMySQL/flexibleServers"
REDIS = "Microsoft.Cache/redis"
WEB = "Microsoft.Web/sites"
FORBIDDEN = {"unreadable": "403 AuthorizationFailed"}


def one(arm_type: str, props: dict[str, Any], children: dict[str, Any] | None = None) -> Endpoint:
    (only,) = endpoints(arm_type, props, children or {})
    return only


def by_service(
    arm_type: str, props: dict[str, Any], children: dict[str, Any]
) -> dict[str, Endpoint]:
    return {e.service: e for e in endpoints(arm_type, props, children)}


def rules(*ranges: tuple[str, str]) -> dict[str, Any]:
    return {
        FIREWALL_RULES: [
            {"name": f"r{i}", "properties": {"startIpAddress": a, "endIpAddress": b}}
            for i, (a, b) in enumerate(ranges)
        ]
    }


def acl(default: str, *ips: str) -> dict[str, Any]:
    return {"defaultAction": default, "ipRules": [{"value": ip, "action": "Allow"} for ip in ips]}


# --------------------------------------------------------------------------- layer 1


def test_public_access_disabled_closes_storage_whatever_the_firewall_says() -> None:
    ep = one(
        "Microsoft.KeyVault/vaults",
        {"publicNetworkAccess": "Disabled", "networkAcls": acl("Allow")},
    )
    assert ep.result == CLOSED


def test_secured_by_perimeter_closes_like_disabled() -> None:
    assert (
        one("Microsoft.KeyVault/vaults", {"publicNetworkAccess": "SecuredByPerimeter"}).result
        == CLOSED
    )


def test_a_private_endpoint_leaves_the_public_endpoint_open() -> None:
    props = {"privateEndpointConnections": [{"id": "/x/pe"}], "networkAcls": acl("Allow")}
    assert one("Microsoft.KeyVault/vaults", props).result == INTERNET


def test_app_service_unset_access_is_disabled_once_a_private_endpoint_exists() -> None:
    props = {"privateEndpointConnections": [{"id": "/x/pe"}]}
    found = by_service(WEB, props, {})
    assert {e.result for e in found.values()} == {CLOSED}


def test_vnet_integrated_postgresql_has_no_public_endpoint() -> None:
    props = {
        "network": {"delegatedSubnetResourceId": "/s/subnets/db", "publicNetworkAccess": "Disabled"}
    }
    assert one(POSTGRES, props).result == CLOSED


def test_vnet_injected_redis_has_no_public_endpoint() -> None:
    assert one(REDIS, {"subnetId": "/s/subnets/cache"}).result == CLOSED


def test_internal_api_management_has_no_public_gateway() -> None:
    assert (
        one("Microsoft.ApiManagement/service", {"virtualNetworkType": "Internal"}).result == CLOSED
    )
    assert (
        one("Microsoft.ApiManagement/service", {"virtualNetworkType": "External"}).result
        == INTERNET
    )


# --------------------------------------------------------------------------- layer 2: ACLs


def test_default_allow_admits_everyone_whatever_ip_rules_follow() -> None:
    ep = one(
        "Microsoft.KeyVault/vaults",
        {"networkAcls": acl("Allow", "203.0.113.7", "198.51.100.0/24", "192.0.2.1")},
    )
    assert ep.result == INTERNET
    assert "3 IP rules ignored because the default allows" in ep.settings


def test_missing_acl_on_a_key_vault_allows_all_networks() -> None:
    assert one("Microsoft.KeyVault/vaults", {}).result == INTERNET


def test_deny_with_narrow_ip_rules_is_restricted() -> None:
    assert (
        one("Microsoft.KeyVault/vaults", {"networkAcls": acl("Deny", "203.0.113.7")}).result
        == RESTRICTED
    )


def test_deny_with_a_pair_of_halves_is_the_internet() -> None:
    ep = one("Microsoft.KeyVault/vaults", {"networkAcls": acl("Deny", "0.0.0.0/1", "128.0.0.0/1")})
    assert ep.result == INTERNET
    assert ep.notes == ()


def test_deny_with_a_slash_eight_is_a_broad_source() -> None:
    ep = one("Microsoft.CognitiveServices/accounts", {"networkAcls": acl("Deny", "20.0.0.0/8")})
    assert (ep.result, ep.notes) == (INTERNET, ("broad-source",))


def test_openai_kind_is_named_azure_openai() -> None:
    (ep,) = endpoints("Microsoft.CognitiveServices/accounts", {}, {}, kind="OpenAI")
    assert ep.service == "azure-openai"


def test_storage_has_one_verdict_per_listed_endpoint() -> None:
    props = {
        "primaryEndpoints": {"blob": "https://a.blob", "dfs": "https://a.dfs"},
        "allowBlobPublicAccess": False,
    }
    assert [e.service for e in endpoints(STORAGE, props, {})] == ["storage-blob", "storage-dfs"]


# --------------------------------------------------------------------------- layer 2: server rules


def test_sql_with_public_access_disabled_but_firewall_open_is_closed() -> None:
    props = {"publicNetworkAccess": "Disabled"}
    assert one(SQL, props, rules(("0.0.0.0", "255.255.255.255"))).result == CLOSED


def test_sql_rule_over_everything_is_the_internet() -> None:
    ep = one(SQL, {"publicNetworkAccess": "Enabled"}, rules(("0.0.0.0", "255.255.255.255")))
    assert (ep.result, ep.ports) == (INTERNET, (1433,))
    assert "server-level-rules-only" in ep.notes


def test_sql_azure_services_rule_alone_is_azure_wide_whatever_its_name() -> None:
    ep = one(SQL, {}, rules(("0.0.0.0", "0.0.0.0")))
    assert ep.result == AZURE_WIDE
    assert "any-azure-tenant" in ep.notes


def test_sql_azure_rule_beside_an_internet_rule_is_the_internet() -> None:
    assert (
        one(SQL, {}, rules(("0.0.0.0", "0.0.0.0"), ("1.0.0.0", "223.255.255.255"))).result
        == INTERNET
    )


def test_sql_without_firewall_rules_admits_nobody() -> None:
    assert one(SQL, {}, {FIREWALL_RULES: []}).result == CLOSED


def test_sql_narrow_rules_are_restricted() -> None:
    assert one(SQL, {}, rules(("203.0.113.1", "203.0.113.20"))).result == RESTRICTED


def test_a_forbidden_firewall_read_is_unknown_never_closed() -> None:
    ep = one(MYSQL, {}, {FIREWALL_RULES: FORBIDDEN})
    assert ep.result == UNKNOWN
    assert ep.unknown is not None and "403" in ep.unknown


def test_firewall_rules_not_read_are_unknown() -> None:
    assert one(POSTGRES, {"network": {"publicNetworkAccess": "Enabled"}}).result == UNKNOWN


def test_postgresql_azure_rule_is_azure_wide_on_5432() -> None:
    ep = one(
        POSTGRES, {"network": {"publicNetworkAccess": "Enabled"}}, rules(("0.0.0.0", "0.0.0.0"))
    )
    assert (ep.result, ep.ports) == (AZURE_WIDE, (5432,))


def test_redis_without_firewall_rules_admits_everyone() -> None:
    assert one(REDIS, {}, {FIREWALL_RULES: []}).result == INTERNET


def test_redis_non_ssl_port_adds_6379_and_insecure_transport() -> None:
    ep = one(REDIS, {"enableNonSslPort": True}, {FIREWALL_RULES: []})
    assert ep.ports == (6379, 6380)
    assert "insecure-transport" in ep.notes


def test_redis_rules_read_start_ip_and_end_ip() -> None:
    rule = {"properties": {"startIP": "203.0.113.1", "endIP": "203.0.113.1"}}
    assert one(REDIS, {}, {FIREWALL_RULES: [rule]}).result == RESTRICTED


# --------------------------------------------------------------------------- Cosmos, AKS, namespaces


def test_cosmos_without_ip_rules_or_vnet_filter_is_open_to_all_networks() -> None:
    assert one("Microsoft.DocumentDB/databaseAccounts", {"ipRules": []}).result == INTERNET


def test_cosmos_zero_rule_is_azure_wide() -> None:
    ep = one(
        "Microsoft.DocumentDB/databaseAccounts", {"ipRules": [{"ipAddressOrRange": "0.0.0.0"}]}
    )
    assert (ep.result, ep.notes) == (AZURE_WIDE, ("any-azure-tenant",))


def test_cosmos_vnet_filter_alone_is_restricted() -> None:
    ep = one("Microsoft.DocumentDB/databaseAccounts", {"isVirtualNetworkFilterEnabled": True})
    assert ep.result == RESTRICTED


def test_aks_without_authorized_ranges_is_open() -> None:
    assert (
        one("Microsoft.ContainerService/managedClusters", {"apiServerAccessProfile": {}}).result
        == INTERNET
    )


def test_aks_with_narrow_authorized_ranges_is_restricted() -> None:
    props = {"apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/28"]}}
    assert one("Microsoft.ContainerService/managedClusters", props).result == RESTRICTED


def test_private_aks_cluster_is_closed() -> None:
    props = {"apiServerAccessProfile": {"enablePrivateCluster": True}}
    assert one("Microsoft.ContainerService/managedClusters", props).result == CLOSED


def test_event_hubs_rule_set_deny_with_narrow_masks_is_restricted() -> None:
    rule_set = {
        "properties": {
            "defaultAction": "Deny",
            "ipRules": [{"ipMask": "203.0.113.0/24", "action": "Allow"}],
        }
    }
    ep = one("Microsoft.EventHub/namespaces", {}, {NETWORK_RULE_SET: rule_set})
    assert ep.result == RESTRICTED


def test_service_bus_rule_set_allow_is_open() -> None:
    ep = one(
        "Microsoft.ServiceBus/namespaces",
        {},
        {NETWORK_RULE_SET: {"properties": {"defaultAction": "Allow"}}},
    )
    assert ep.result == INTERNET


def test_namespace_rule_set_forbidden_is_unknown() -> None:
    assert one("Microsoft.EventHub/namespaces", {}, {NETWORK_RULE_SET: FORBIDDEN}).result == UNKNOWN


# --------------------------------------------------------------------------- App Service


def restriction(ip: str, action: str, priority: int, **extra: Any) -> dict[str, Any]:
    return {"ipAddress": ip, "action": action, "priority": priority, **extra}


def test_app_service_main_restricted_but_scm_open_are_judged_apart() -> None:
    config = {
        "properties": {
            "ipSecurityRestrictions": [restriction("203.0.113.0/24", "Allow", 100)],
            "ipSecurityRestrictionsDefaultAction": "Deny",
            "scmIpSecurityRestrictions": [],
            "scmIpSecurityRestrictionsDefaultAction": "Allow",
            "scmIpSecurityRestrictionsUseMain": False,
        }
    }
    found = by_service(WEB, {}, {CONFIG_WEB: config})
    assert (found["app-service"].result, found["app-service-scm"].result) == (RESTRICTED, INTERNET)


def test_app_service_earlier_deny_narrows_a_later_allow_any() -> None:
    config = {
        "ipSecurityRestrictions": [
            restriction("0.0.0.0/1", "Deny", 100),
            restriction("Any", "Allow", 200),
        ],
        "ipSecurityRestrictionsDefaultAction": "Deny",
        "scmIpSecurityRestrictionsUseMain": True,
    }
    found = by_service(WEB, {}, {CONFIG_WEB: config})
    assert found["app-service"].result == INTERNET
    assert "broad-source" in found["app-service"].notes
    assert found["app-service-scm"].result == INTERNET


def test_app_service_front_door_header_rule_is_not_the_internet() -> None:
    config = {
        "ipSecurityRestrictions": [
            restriction(
                "AzureFrontDoor.Backend",
                "Allow",
                100,
                tag="ServiceTag",
                headers={"x-azure-fdid": ["x"]},
            )
        ],
        "ipSecurityRestrictionsDefaultAction": "Deny",
        "scmIpSecurityRestrictionsDefaultAction": "Deny",
    }
    assert by_service(WEB, {}, {CONFIG_WEB: config})["app-service"].result == RESTRICTED


def test_app_service_config_forbidden_makes_both_sites_unknown() -> None:
    found = by_service(WEB, {}, {CONFIG_WEB: FORBIDDEN})
    assert {e.result for e in found.values()} == {UNKNOWN}


def test_app_service_https_only_false_is_insecure_transport() -> None:
    found = by_service(WEB, {"httpsOnly": False}, {CONFIG_WEB: {}})
    assert "insecure-transport" in found["app-service"].notes


# --------------------------------------------------------------------------- layer 3


def storage_open(**extra: Any) -> dict[str, Any]:
    return {"primaryEndpoints": {"blob": "https://a.blob"}, "networkAcls": acl("Allow"), **extra}


def test_anonymous_container_on_an_account_that_allows_it_is_anonymous() -> None:
    containers = [{"name": "public", "properties": {"publicAccess": "Container"}}]
    ep = one(STORAGE, storage_open(allowBlobPublicAccess=True), {CONTAINERS: containers})
    assert ep.anonymous is True


def test_public_container_on_an_account_that_disallows_it_is_not_anonymous() -> None:
    containers = [{"name": "public", "properties": {"publicAccess": "Blob"}}]
    ep = one(STORAGE, storage_open(allowBlobPublicAccess=False), {CONTAINERS: containers})
    assert (ep.result, ep.anonymous) == (INTERNET, False)


def test_registry_anonymous_pull_is_anonymous_when_the_network_admits() -> None:
    ep = one("Microsoft.ContainerRegistry/registries", {"anonymousPullEnabled": True})
    assert (ep.result, ep.anonymous) == (INTERNET, True)


def test_data_explorer_trusting_every_tenant_is_anonymous() -> None:
    ep = one("Microsoft.Kusto/clusters", {"trustedExternalTenants": [{"value": "*"}]})
    assert ep.anonymous is True


def test_storage_insecure_transport_from_old_tls() -> None:
    ep = one(STORAGE, storage_open(allowBlobPublicAccess=False, minimumTlsVersion="TLS1_0"))
    assert "insecure-transport" in ep.notes


def test_sql_managed_instance_public_data_endpoint_goes_to_the_subnet_nsg() -> None:
    ep = one("Microsoft.Sql/managedInstances", {"publicDataEndpointEnabled": True})
    assert (ep.result, ep.ports) == (SUBNET_NSG, (3342,))

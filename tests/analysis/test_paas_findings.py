"""PaaS internet-exposure findings (paas-exposure.md "Findings"): severities by service,
environment and reach, and approvals by resource id and port as for NICs."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import networkx as nx

from graph.analysis.paas_findings import find_paas_exposures, paas_findings
from graph.inventory import parse_inventory
from graph.schema import Label

PROD = "1a2b3c4d-0000-4000-8000-000000000109"
DEV = "1a2b3c4d-0000-4000-8000-000000000104"
TODAY = dt.date(2026, 11, 27)
INVENTORY = f"""\
version: 1
subscriptions:
  - id: {PROD}
    name: prod-data
    environment: production
  - id: {DEV}
    name: dev-apps
    environment: non-production
"""


def service(
    sub: str, arm_type: str, name: str, settings: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    node = f"/subscriptions/{sub}/resourcegroups/rg/providers/{arm_type.lower()}/{name}"
    return node, {
        "label": Label.PAAS_SERVICE.value,
        "type": arm_type,
        "name": name,
        "subscriptionId": sub,
        "exposureSettings": json.dumps(settings),
    }


def findings(
    *services: tuple[str, dict[str, Any]], approvals: str = ""
) -> dict[str, dict[str, Any]]:
    g = nx.MultiDiGraph()
    for node, props in services:
        g.add_node(node, **props)
    inventory = parse_inventory(INVENTORY + approvals)
    found = paas_findings(find_paas_exposures(g), g, inventory, TODAY)
    return {f.subject_name: {"severity": f.severity, **f.details} for f in found}


OPEN_VAULT = {"networkAcls": {"defaultAction": "Allow"}}
OPEN_REGISTRY = {"publicNetworkAccess": "Enabled"}
AZURE_ONLY = {
    "firewallRules": [{"properties": {"startIpAddress": "0.0.0.0", "endIpAddress": "0.0.0.0"}}]
}


def test_an_open_data_service_in_production_is_critical_and_in_dev_medium() -> None:
    found = findings(
        service(PROD, "Microsoft.KeyVault/vaults", "kv-prod", OPEN_VAULT),
        service(DEV, "Microsoft.KeyVault/vaults", "kv-dev", OPEN_VAULT),
    )
    assert (found["kv-prod"]["severity"], found["kv-dev"]["severity"]) == ("critical", "medium")


def test_another_open_service_in_production_is_high() -> None:
    found = findings(service(PROD, "Microsoft.ContainerRegistry/registries", "acr", OPEN_REGISTRY))
    assert found["acr"]["severity"] == "high"


def test_an_open_aks_api_server_is_high_even_outside_production() -> None:
    found = findings(service(DEV, "Microsoft.ContainerService/managedClusters", "aks", {}))
    assert found["aks"]["severity"] == "high"


def test_anonymous_access_from_the_internet_is_critical_anywhere() -> None:
    found = findings(
        service(
            DEV, "Microsoft.ContainerRegistry/registries", "acr", {"anonymousPullEnabled": True}
        )
    )
    assert (found["acr"]["severity"], found["acr"]["anonymous"]) == ("critical", True)


def test_azure_wide_is_medium_in_production_and_low_elsewhere() -> None:
    found = findings(
        service(PROD, "Microsoft.Sql/servers", "sql-prod", AZURE_ONLY),
        service(DEV, "Microsoft.Sql/servers", "sql-dev", AZURE_ONLY),
    )
    assert (found["sql-prod"]["severity"], found["sql-dev"]["severity"]) == ("medium", "low")
    assert "any-azure-tenant" in found["sql-dev"]["notes"]


def test_an_approval_of_the_resource_and_port_silences_the_finding() -> None:
    node, props = service(PROD, "Microsoft.KeyVault/vaults", "kv-prod", OPEN_VAULT)
    approval = f"""approved_exposures:
  - resource: {node}
    ports: [443]
    protocol: tcp
    reason: public secrets endpoint by design
    ticket: CHG-1
    expires: 2027-06-30
"""
    assert findings((node, props), approvals=approval) == {}


def test_an_approval_of_other_ports_leaves_the_finding() -> None:
    node, props = service(
        PROD, "Microsoft.Cache/redis", "redis", {"enableNonSslPort": True, "firewallRules": []}
    )
    approval = f"""approved_exposures:
  - resource: {node}
    ports: [6380]
    protocol: tcp
    reason: TLS port for the partner
    ticket: CHG-2
    expires: 2027-06-30
"""
    found = findings((node, props), approvals=approval)["redis"]
    assert found["ports"] == [{"protocol": "tcp", "ports": "6379"}]
    assert found["approvedPorts"] == [{"protocol": "tcp", "ports": "6380"}]
    assert "insecure-transport" in found["notes"]

"""The sample estate's declared inventory (``sample/inventory.yaml``)."""

from __future__ import annotations

from discovery.estates.sample_source.ids import (
    CONNECTIVITY,
    DATA,
    DEV,
    FAB_PAYMENTS,
    FABRIKAM,
    HOME,
    LITWARE,
    MANAGEMENT,
    MISSING,
    NORTHWIND,
    PAYMENTS,
    RETAIL,
    RETAIL_POS,
    VENDOR_ALIAS,
    VWAN,
    WEB,
)

INVENTORY_YAML = f"""\
# Contoso's declared inventory for the bundled sample estate (inventory.md, version 1).
# It declares most of the estate, and leaves out or gets wrong on purpose what
# makes every finding kind show up; README.md beside it lists each one.
version: 1
organization: Contoso

tenants:
  - id: {HOME}
    name: Contoso
    relationship: home
  - id: {RETAIL}
    name: Contoso Retail
    relationship: subsidiary
  - id: {FABRIKAM}
    name: Fabrikam (payments partner)
    relationship: partner
    subscriptions:
      - {FAB_PAYMENTS}   # fabrikam-settlement; fabrikam-analytics is NOT allowed
  - id: {NORTHWIND}
    name: Northwind Managed Services
    relationship: service-provider
  # Litware ({LITWARE}) is deliberately not declared: unknown-tenant

# What every connected subscription must have (governance.md); README "Governance" lists
# where the sample falls short.
governance:
  applies_to: connected
  root_management_group: contoso
  policy_assignments:
    - definition: /providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8
      name: Microsoft cloud security benchmark
  defender_plans: [VirtualMachines, StorageAccounts, KeyVaults, Arm, CloudPosture]
  security_contact: true
  readers:
    - principal: 9f1b0e1c-0000-4000-8000-0000000000aa
      name: secops-team
      roles: [Reader, Security Reader]
  tenant_controls:
    block_subscriptions_entering: true
    default_management_group: sandbox

management_groups:
  - id: contoso-landing-zones     # corp and online below it
    tenant: {HOME}
  - id: sandbox
    tenant: {HOME}
  # contoso-platform is not declared: its subscriptions are listed one by one below,
  # and shadow-it-marketing (directly below the root group) is declared nowhere

subscriptions:
  - id: {CONNECTIVITY}
    name: contoso-connectivity
    tenant: {HOME}
    environment: production
    owner: network-team@contoso.example
  - id: {PAYMENTS}
    name: prod-payments
    tenant: {HOME}
    environment: production
    owner: payments-team@contoso.example
  - id: {WEB}
    name: prod-web
    environment: production
    owner: web-team@contoso.example
  - id: {DEV}
    name: dev-apps
    environment: non-production
    owner: dev-team@contoso.example
  - id: {VWAN}
    name: contoso-vwan
    tenant: {HOME}
    environment: production
    owner: network-team@contoso.example
  - id: {DATA}
    name: prod-data
    environment: production
    owner: data-team@contoso.example
  - id: {MANAGEMENT}
    name: contoso-management
    tenant: {HOME}
    environment: production
    owner: platform-team@contoso.example
  - id: {RETAIL_POS}
    name: retail-pos
    tenant: {RETAIL}          # wrong on purpose: it moved into Contoso's directory (tenant-mismatch)
    # no environment, on purpose: it counts as production, and `inventory check` warns
    owner: retail-it@contoso.example
  - id: {MISSING}
    name: prod-archive
    tenant: {HOME}
    environment: production   # does not exist any more (missing-declared)
    owner: records@contoso.example

expressroute_circuits:
  - id: /subscriptions/{CONNECTIVITY}/resourceGroups/rg-connectivity/providers/Microsoft.Network/expressRouteCircuits/er-ams
    provider: Equinix
  - id: /subscriptions/{FAB_PAYMENTS}/resourceGroups/rg-fab-connectivity/providers/Microsoft.Network/expressRouteCircuits/er-fab-lon
    provider: Fabrikam (Global Reach peer)
  # er-fra-backup is deliberately not declared: undeclared-circuit

sites:
  - name: amsterdam-dc
    gateway_ips: [203.0.113.10]
    address_prefixes: [10.200.0.0/16, 10.201.0.0/16]
  - name: berlin-office
    gateway_ips: [203.0.113.20]
    address_prefixes: [10.210.0.0/16]
  # lng-contractor-lab (198.51.100.77) is deliberately not covered: undeclared-site

approved_exposures:
  - resource: /subscriptions/{WEB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01
    ports: [8443]
    protocol: tcp
    reason: storefront behind lb-web
    ticket: CHG-1042
    expires: 2027-06-30
  - resource: /subscriptions/{WEB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-02
    ports: [8443]
    protocol: tcp
    reason: storefront behind lb-web
    ticket: CHG-1042
    expires: 2027-06-30
  - resource: /subscriptions/{WEB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01
    ports: ["3389"]
    protocol: tcp
    reason: migration window
    ticket: CHG-0977
    expires: 2025-06-30       # expired: expired-approval, and 3389 is reported again

accepted:
  - kind: unknown-tenant
    subject: alias:{VENDOR_ALIAS}
    reason: Tailspin market data SaaS, reviewed by security architecture
    expires: 2027-03-31
"""

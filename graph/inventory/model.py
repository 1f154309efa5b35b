"""The inventory's structure (inventory.md) as pydantic models: unknown keys are refused."""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import BaseModel, ConfigDict

from graph.governance_decl import GovernanceDecl
from graph.inventory.fields import (
    CircuitId,
    DateValue,
    FqdnText,
    IpText,
    IssuerUrl,
    KindText,
    NameText,
    PortText,
    PrefixText,
    PrincipalGuid,
    ResourceId,
    SubjectText,
    SubscriptionGuid,
    TenantGuid,
    Text,
    VersionNumber,
)

Relationship = Literal["home", "subsidiary", "partner", "service-provider"]
Environment = Literal["production", "non-production", "sandbox"]
ApprovalProtocol = Literal["tcp", "udp", "*"]
OWN_RELATIONSHIPS = frozenset({"home", "subsidiary"})
FOREIGN_RELATIONSHIPS = frozenset({"partner", "service-provider"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class TenantDecl(_Model):
    id: TenantGuid
    name: Text | None = None
    relationship: Relationship
    subscriptions: list[SubscriptionGuid] | None = None
    # foreign groups (and cross-tenant key apps) known to be this tenant's (identity-links.md)
    principals: list[PrincipalGuid] = []


class ManagementGroupDecl(_Model):
    id: NameText
    tenant: TenantGuid


class SubscriptionDecl(_Model):
    id: SubscriptionGuid
    name: Text | None = None
    tenant: TenantGuid | None = None
    # Unset is production for severity (inventory.md): a forgotten label must never
    # lower a severity. None keeps "not set" apart from "production" for `inventory check`.
    environment: Environment | None = None
    owner: Text | None = None


class CircuitDecl(_Model):
    id: CircuitId
    provider: Text | None = None


class SiteDecl(_Model):
    name: NameText
    gateway_ips: list[IpText] = []
    gateway_fqdns: list[FqdnText] = []
    address_prefixes: list[PrefixText]

    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(p, strict=False) for p in self.address_prefixes]


class ApprovalDecl(_Model):
    resource: ResourceId
    ports: list[PortText]
    protocol: ApprovalProtocol = "tcp"
    reason: Text | None = None
    ticket: Text | None = None
    expires: DateValue

    @property
    def subject(self) -> str:
        return self.resource.lower()


class AcceptedDecl(_Model):
    kind: KindText
    subject: SubjectText
    reason: Text | None = None
    expires: DateValue


class IssuerDecl(_Model):
    issuer: IssuerUrl
    name: Text | None = None
    reason: Text | None = None


class InventoryModel(_Model):
    version: VersionNumber
    organization: Text | None = None
    tenants: list[TenantDecl] = []
    management_groups: list[ManagementGroupDecl] = []
    subscriptions: list[SubscriptionDecl] = []
    expressroute_circuits: list[CircuitDecl] = []
    sites: list[SiteDecl] = []
    approved_exposures: list[ApprovalDecl] = []
    accepted: list[AcceptedDecl] = []
    governance: GovernanceDecl | None = None
    trusted_issuers: list[IssuerDecl] = []

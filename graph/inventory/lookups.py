"""The validated inventory with the look-ups the analyses ask of it."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

from graph.governance_decl import GovernanceDecl
from graph.inventory.model import (
    FOREIGN_RELATIONSHIPS,
    OWN_RELATIONSHIPS,
    AcceptedDecl,
    ApprovalDecl,
    CircuitDecl,
    InventoryModel,
    IssuerDecl,
    ManagementGroupDecl,
    SiteDecl,
    SubscriptionDecl,
    TenantDecl,
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _inside(prefix: str, networks: list[Network]) -> bool:
    try:
        net = ipaddress.ip_network(prefix.strip(), strict=False)
    except ValueError:
        return False
    return any(net.version == n.version and net.subnet_of(n) for n in networks)  # type: ignore[arg-type]


def _same_ip(address: str | None, ips: Iterable[str]) -> bool:
    if not address:
        return False
    try:
        ip = str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return False
    return ip in set(ips)


def _group_by_subject(approvals: Iterable[ApprovalDecl]) -> dict[str, list[ApprovalDecl]]:
    out: dict[str, list[ApprovalDecl]] = {}
    for approval in approvals:
        out.setdefault(approval.subject, []).append(approval)
    return out


@dataclass(frozen=True)
class Inventory:
    """A validated inventory with the look-ups the analyses need (ids lower-cased)."""

    path: str
    sha256: str
    organization: str | None
    tenants: tuple[TenantDecl, ...]
    management_groups: tuple[ManagementGroupDecl, ...]
    subscriptions: tuple[SubscriptionDecl, ...]
    circuits: tuple[CircuitDecl, ...]
    sites: tuple[SiteDecl, ...]
    approvals: tuple[ApprovalDecl, ...]
    accepted: tuple[AcceptedDecl, ...]
    governance: GovernanceDecl | None = None
    trusted_issuers: tuple[IssuerDecl, ...] = ()
    _tenants: dict[str, TenantDecl] = field(default_factory=dict, repr=False)
    _principals: dict[str, str] = field(default_factory=dict, repr=False)
    _subscriptions: dict[str, SubscriptionDecl] = field(default_factory=dict, repr=False)
    _circuits: dict[str, CircuitDecl] = field(default_factory=dict, repr=False)
    _mg_names: frozenset[str] = frozenset()
    _site_networks: dict[str, list[Network]] = field(default_factory=dict, repr=False)
    _approvals_by_subject: dict[str, list[ApprovalDecl]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_model(cls, model: InventoryModel, *, path: str, sha256: str) -> Inventory:
        return cls(
            path=path,
            sha256=sha256,
            organization=model.organization,
            tenants=tuple(model.tenants),
            management_groups=tuple(model.management_groups),
            subscriptions=tuple(model.subscriptions),
            circuits=tuple(model.expressroute_circuits),
            sites=tuple(model.sites),
            approvals=tuple(model.approved_exposures),
            accepted=tuple(model.accepted),
            governance=model.governance,
            trusted_issuers=tuple(model.trusted_issuers),
            _tenants={t.id: t for t in model.tenants},
            _principals={p: t.id for t in model.tenants for p in t.principals},
            _subscriptions={s.id: s for s in model.subscriptions},
            _circuits={c.id.lower(): c for c in model.expressroute_circuits},
            _mg_names=frozenset(m.id.lower() for m in model.management_groups),
            _site_networks={s.name: s.networks() for s in model.sites},
            _approvals_by_subject=_group_by_subject(model.approved_exposures),
        )

    @classmethod
    def empty(cls, path: str = "", organization: str | None = None) -> Inventory:
        """No declarations: everything observed is a finding (used when no inventory is given)."""
        model = InventoryModel(version=1, organization=organization)
        return cls.from_model(model, path=path, sha256="")

    # tenants
    def tenant(self, tenant_id: str) -> TenantDecl | None:
        return self._tenants.get(tenant_id.lower())

    def tenant_declared(self, tenant_id: str) -> bool:
        """A tenant, or a far end of identity-links.md: a foreign group or key app some
        tenant lists in `principals`, an issuer in `trusted_issuers`."""
        key = tenant_id.lower()
        kind, _, rest = key.partition(":")
        if kind in ("foreign-group", "key-app") and rest:
            return rest in self._principals
        if kind == "issuer" and rest:
            return any(i.issuer == rest.rstrip("/") for i in self.trusted_issuers)
        return key in self._tenants

    def principal_tenant(self, principal_id: str) -> str | None:
        """The declared tenant that lists this foreign group (or key app)."""
        return self._principals.get(principal_id.lower())

    def own_tenant_ids(self) -> set[str]:
        """Declared home and subsidiary tenants."""
        return {t.id for t in self.tenants if t.relationship in OWN_RELATIONSHIPS}

    # subscriptions
    def subscription(self, subscription_id: str) -> SubscriptionDecl | None:
        return self._subscriptions.get(subscription_id.lower())

    def declared_management_group(self, name: str) -> bool:
        return name.lower() in self._mg_names

    def declares_management_group_in(self, tenant_id: str) -> bool:
        tid = tenant_id.lower()
        return any(m.tenant == tid for m in self.management_groups)

    def subscription_declared(
        self,
        subscription_id: str,
        *,
        tenant_id: str | None,
        management_groups: Iterable[str] = (),
    ) -> bool:
        """Declared by listing, by a declared management group above it (names of every
        ancestor), or by a partner/service-provider tenant without a subscription list."""
        sid = subscription_id.lower()
        if sid in self._subscriptions:
            return True
        if any(self.declared_management_group(name) for name in management_groups):
            return True
        if tenant_id:
            decl = self.tenant(tenant_id)
            if decl is not None and decl.relationship in FOREIGN_RELATIONSHIPS:
                return decl.subscriptions is None or sid in decl.subscriptions
        return False

    def is_production(self, subscription_id: str) -> bool:
        """Production unless the inventory says otherwise: a subscription listed without an
        `environment`, one declared only through its management group, and one not declared
        at all have no environment set, and an unset environment counts as production."""
        decl = self.subscription(subscription_id)
        return decl is None or decl.environment in (None, "production")

    def without_environment(self) -> list[tuple[int, SubscriptionDecl]]:
        """(index in `subscriptions`, entry) of each listed subscription with no environment."""
        return [(i, s) for i, s in enumerate(self.subscriptions) if s.environment is None]

    # circuits
    def circuit_declared(self, circuit_id: str) -> bool:
        return circuit_id.lower() in self._circuits

    # sites
    def site_covering_gateway(
        self,
        *,
        ip_address: str | None,
        fqdn: str | None,
        prefixes: Iterable[str],
        bgp: bool = False,
    ) -> SiteDecl | None:
        """The declared site that covers a local network gateway (inventory.md)."""
        prefix_list = [p for p in prefixes if p]
        for site in self.sites:
            by_address = _same_ip(ip_address, site.gateway_ips) or (
                bool(fqdn) and (fqdn or "").strip().lower() in site.gateway_fqdns
            )
            if not by_address:
                continue
            if not prefix_list and bgp:
                return site
            if all(_inside(p, self._site_networks[site.name]) for p in prefix_list):
                return site
        return None

    def site_covering_vpn_site(
        self,
        *,
        link_ips: Iterable[str],
        link_fqdns: Iterable[str],
        prefixes: Iterable[str],
    ) -> SiteDecl | None:
        """The declared site that covers a Virtual WAN VPN site: every link address (IP or
        FQDN) is the site's and every prefix lies inside the site's prefixes."""
        ips = [ip for ip in link_ips if ip]
        fqdns = [f.strip().lower() for f in link_fqdns if f]
        if not ips and not fqdns:
            return None
        prefix_list = [p for p in prefixes if p]
        for site in self.sites:
            if not all(_same_ip(ip, site.gateway_ips) for ip in ips):
                continue
            if not all(f in site.gateway_fqdns for f in fqdns):
                continue
            if all(_inside(p, self._site_networks[site.name]) for p in prefix_list):
                return site
        return None

    # approvals and accepted entries
    def approvals_for(self, resource_id: str, today: dt.date) -> list[ApprovalDecl]:
        """Approvals of that resource that are still valid today."""
        found = self._approvals_by_subject.get(resource_id.lower(), [])
        return [a for a in found if a.expires >= today]

    def expired_approvals(self, today: dt.date) -> dict[str, list[ApprovalDecl]]:
        """Expired approval entries grouped by resource (lower-cased), in file order."""
        out: dict[str, list[ApprovalDecl]] = {}
        for approval in self.approvals:
            if approval.expires < today:
                out.setdefault(approval.subject, []).append(approval)
        return out

    def accepted_entry(self, kind: str, subject: str, today: dt.date) -> AcceptedDecl | None:
        subj = subject.lower()
        for entry in self.accepted:
            if entry.kind == kind and entry.subject == subj and entry.expires >= today:
                return entry
        return None

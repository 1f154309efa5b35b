"""Governance of the subscriptions in scope (docs/spec/governance.md).

For every subscription in scope and every control the inventory's baseline
declares, the state is ``present``, ``missing`` or ``unknown``: ``missing`` only
when what was read shows the control absent, ``unknown`` when the read failed
(an errors.json entry for the subscription under the control's operation, a
tenant whose management-group tree was not read) or the subscription was not
read at all (denied, or another organisation's). The same assessment gives the
`governance-gap` / `tenant-control-gap` findings and the report's matrix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.analysis.findings import EVIDENCE_LIMIT, Finding
from graph.analysis.reach import Reach
from graph.analysis.tenants import NETWORK_CHANNELS, Observation, Observed, step
from graph.analysis.walk import nodes_of
from graph.crawl_record import CrawlRecord
from graph.governance_decl import GovernanceDecl
from graph.inventory import Inventory
from graph.schema import Label

GOVERNANCE_GAP = "governance-gap"
TENANT_CONTROL_GAP = "tenant-control-gap"
PRESENT, MISSING, UNKNOWN = "present", "missing", "unknown"

# errors.json operations (discovery/crawl/governance.py) -> the control family they feed
_OPERATIONS = {
    "PolicyAssignments_List": "policy",
    "RoleAssignments_ListForScope": "reader",
    "Pricings_List": "defender",
    "SecurityContacts_List": "security-contact",
    "SubscriptionPolicy_GetPolicyForTenant": "block-subscriptions-entering",
    "ManagementGroupSettings_Get": "default-management-group",
}
_MG = "/providers/microsoft.management/managementgroups/"


_GOVERNANCE_LABELS = (
    Label.POLICY_ASSIGNMENT,
    Label.ROLE_ASSIGNMENT,
    Label.DEFENDER_PRICING,
    Label.SECURITY_CONTACT,
    Label.SUBSCRIPTION_POLICY,
    Label.GROUP_SETTINGS,
)


@dataclass
class Row:
    """One subscription in scope: why it is in scope and the state of each control."""

    subscription: str
    name: str
    tenant: str | None
    tenant_name: str | None
    connected: bool
    reason: str  # production | reaches | linked | all
    severity: str
    states: dict[str, str] = field(default_factory=dict)
    observed: dict[str, str] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    foreign: bool = False
    scope: frozenset[str] = frozenset()

    def of(self, state: str) -> list[str]:
        return [c for c, s in self.states.items() if s == state]


@dataclass
class TenantRow:
    tenant: str
    name: str
    states: dict[str, str]
    observed: dict[str, str]


def _row_order(row: Row) -> tuple[bool, bool, str, str, bool, str]:
    """Our own tenants first, then foreign ones by name (unnamed last); in each, connected first.

    The report groups rows by tenant in this order, so an operator reads their own estate
    before the partners' subscriptions that connect to it.
    """
    named = bool(row.tenant_name) and row.tenant_name != row.tenant
    label = (row.tenant_name or "").lower() if named else ""
    return (row.foreign, not named, label, row.tenant or "~", not row.connected, row.name.lower())


@dataclass
class Assessment:
    rows: list[Row]
    tenants: list[TenantRow]
    controls: list[str]
    tenant_controls: list[str]


def _failures(crawl: CrawlRecord) -> set[tuple[str, str]]:
    """(scope subject, control family) of every governance read that failed."""
    out: set[tuple[str, str]] = set()
    for err in crawl.errors:
        family = _OPERATIONS.get(str(err.get("operation") or ""))
        parts = str(err.get("scope") or "").strip("/").lower().split("/")
        if family and len(parts) >= 2:
            out.add((parts[1], family))
    return out


class _Index:
    """The governance nodes of the graph, by the subscription or scope they concern."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.policies: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self.roles: dict[str, list[dict[str, Any]]] = {}
        self.pricings: dict[str, dict[str, dict[str, Any]]] = {}
        self.contacts: dict[str, dict[str, Any]] = {}
        self.tenant_policy: dict[str, dict[str, Any]] = {}
        self.settings: dict[str, dict[str, Any]] = {}
        for nid, data in nodes_of(graph, *_GOVERNANCE_LABELS):
            label = data.get("label")
            if label == Label.POLICY_ASSIGNMENT:
                self.policies.setdefault(str(data.get("scope")), []).append((nid, data))
            elif label == Label.ROLE_ASSIGNMENT:
                self.roles.setdefault(str(data.get("scope")), []).append(data)
            elif label == Label.DEFENDER_PRICING and data.get("subscriptionId"):
                plans = self.pricings.setdefault(str(data["subscriptionId"]), {})
                plans[str(data.get("name", "")).lower()] = {**data, "id": nid}
            elif label == Label.SECURITY_CONTACT and data.get("subscriptionId"):
                self.contacts.setdefault(str(data["subscriptionId"]), {**data, "id": nid})
            elif label == Label.SUBSCRIPTION_POLICY and data.get("tenantId"):
                self.tenant_policy[str(data["tenantId"])] = {**data, "id": nid}
            elif label == Label.GROUP_SETTINGS and data.get("tenantId"):
                self.settings[str(data["tenantId"])] = {**data, "id": nid}


def _vnets(graph: nx.MultiDiGraph, sub: str) -> Iterable[str]:
    if sub not in graph:
        return ()
    return [
        n for n in graph.successors(sub) if graph.nodes[n].get("label") == Label.VIRTUAL_NETWORK
    ]


class _Assessor:
    def __init__(
        self, graph: nx.MultiDiGraph, crawl: CrawlRecord, observed: Observed, inventory: Inventory
    ) -> None:
        assert inventory.governance is not None
        self.g = graph
        self.observed = observed
        self.inventory = inventory
        self.decl: GovernanceDecl = inventory.governance
        self.index = _Index(graph)
        self.failed = _failures(crawl)
        self.own_tenants = inventory.own_tenant_ids() or set(observed.home_tenants)
        self.reach = Reach(graph)

    # -- scope ----------------------------------------------------------------

    def own_subscriptions(self) -> list[str]:
        info = self.observed.subscription_info
        return sorted(
            sid
            for sid, i in info.items()
            if i.tenant_id in self.own_tenants
            and (i.listed or i.in_tree or sid in self.observed.subscriptions_crawled)
        )

    def reaches(self, sub: str) -> list[dict[str, Any]]:
        """Evidence that the subscription's network reaches production, a site or a circuit."""
        out: list[dict[str, Any]] = []
        for vnet in _vnets(self.g, sub):
            for far in sorted(self.reach.from_vnet(vnet)):
                if far == sub:
                    continue
                outside = far.startswith("/")  # a gateway, VPN site or circuit
                if outside or self.inventory.is_production(far):
                    out.append(step(vnet, None, far, None, reaches=True))
        return out

    def rows(self) -> list[Row]:
        rows: dict[str, Row] = {}
        everything = self.decl.applies_to == "all"
        for sid in self.own_subscriptions():
            production = self.inventory.is_production(sid)
            evidence = [] if production else self.reaches(sid)
            if production or evidence:
                rows[sid] = self.row(sid, "production" if production else "reaches", True)
                rows[sid].evidence = evidence[:EVIDENCE_LIMIT]
            elif everything:
                rows[sid] = self.row(sid, "all", False)
        linked: dict[str, list[Observation]] = {}
        for obs in self.observed.links:
            far = obs.far_subscription
            if (
                obs.channel in NETWORK_CHANNELS
                and far
                and far not in rows
                and self.observed.tenant_of(far) not in self.own_tenants
                and any(s in rows and rows[s].connected for s in obs.scope)
            ):
                linked.setdefault(far, []).append(obs)
        for far, observations in sorted(linked.items()):
            row = self.row(far, "linked", True)
            row.evidence = [e for o in observations[:EVIDENCE_LIMIT] for e in o.evidence]
            row.channels = list(dict.fromkeys(o.channel for o in observations))
            row.scope = frozenset(s for o in observations for s in o.scope)
            rows[far] = row
        if everything:
            for sid in sorted(self.observed.subscription_info):
                if sid not in rows:
                    rows[sid] = self.row(sid, "all", False)
        return sorted(rows.values(), key=_row_order)

    # -- one subscription -------------------------------------------------------

    def row(self, sid: str, reason: str, connected: bool) -> Row:
        info = self.observed.subscription_info.get(sid)
        tenant = info.tenant_id if info else None
        readable = sid in self.observed.subscriptions_crawled
        row = Row(
            subscription=sid,
            name=(info.name if info and info.name else sid),
            tenant=tenant,
            tenant_name=self.tenant_name(tenant),
            connected=connected,
            reason=reason,
            severity="high" if connected else "medium",
            foreign=tenant not in self.own_tenants,
        )
        ancestors = self.ancestors(sid)
        for control in self.decl.controls():
            if not readable:
                state, seen = UNKNOWN, "the subscription could not be read"
            else:
                state, seen = self.control(sid, control, ancestors)
            row.states[control] = state
            if seen:
                row.observed[control] = seen
        return row

    def tenant_name(self, tenant: str | None) -> str | None:
        decl = self.inventory.tenant(tenant) if tenant else None
        return (
            self.observed.tenant_names.get(tenant or "") or (decl.name if decl else None) or tenant
        )

    def ancestors(self, sid: str) -> list[str] | None:
        """Management-group names above the subscription, nearest first; None if unread."""
        info = self.observed.subscription_info.get(sid)
        if (
            info is None
            or not info.tenant_id
            or info.tenant_id not in self.observed.tenants_crawled
        ):
            return None
        return list(info.ancestors) if info.in_tree else None

    def scopes(self, sid: str, ancestors: list[str] | None) -> list[str]:
        return [f"/subscriptions/{sid}", *(f"{_MG}{a.lower()}" for a in ancestors or [])]

    def control(self, sid: str, control: str, ancestors: list[str] | None) -> tuple[str, str]:
        family, _, name = control.partition(":")
        if family == "placement":
            if ancestors is None:
                return UNKNOWN, "the management-group tree was not read"
            root = (self.decl.root_management_group or "").lower()
            # ids are case-insensitive: the evidence must not change with their spelling
            chain = " > ".join(a.lower() for a in reversed(ancestors)) or "(no group)"
            if root in (a.lower() for a in ancestors):
                return PRESENT, chain
            return MISSING, f"ancestor chain {chain}"
        if (sid, family) in self.failed:
            return UNKNOWN, "the read failed (errors.json)"
        if family == "policy":
            return self.policy(sid, name, ancestors)
        if family == "defender":
            return self.defender(sid, name)
        if family == "security-contact":
            return self.contact(sid)
        return self.reader(sid, name, ancestors)

    def policy(self, sid: str, name: str, ancestors: list[str] | None) -> tuple[str, str]:
        decl = next(p for p in self.decl.policy_assignments if p.label == name)
        scopes = self.scopes(sid, ancestors)
        in_effect: list[str] = []
        for scope in scopes:
            for _nid, data in self.index.policies.get(scope, []):
                excluded = set(data.get("notScopes") or []) & set(scopes)
                if excluded:
                    continue
                in_effect.append(str(data.get("displayName") or data.get("name")))
                if str(data.get("policyDefinitionId")) != decl.definition.lower():
                    continue
                if decl.enforcement == "default" and data.get("enforcementMode") != "Default":
                    continue
                return PRESENT, f"{data.get('displayName') or data.get('name')} at {scope}"
        if ancestors is None:
            return UNKNOWN, "the management-group tree was not read"
        seen = ", ".join(sorted(set(in_effect))) or "none"
        return MISSING, f"assignments in effect: {seen}"

    def defender(self, sid: str, plan: str) -> tuple[str, str]:
        plans = self.index.pricings.get(sid)
        if not plans:
            return UNKNOWN, "no Defender pricing was read"
        found = plans.get(plan.lower())
        if found is None:
            return MISSING, "plan not listed"
        tier = str(found.get("pricingTier") or "")
        return (PRESENT if tier == "Standard" else MISSING), f"pricing tier {tier or 'unset'}"

    def contact(self, sid: str) -> tuple[str, str]:
        found = self.index.contacts.get(sid)
        if found is None:
            return MISSING, "no security contact"
        if not found.get("emails"):
            return MISSING, "the security contact has no email"
        if not found.get("alertNotifications"):
            return MISSING, "alert notifications are off"
        return PRESENT, str(found["emails"])

    def reader(self, sid: str, name: str, ancestors: list[str] | None) -> tuple[str, str]:
        decl = next(r for r in self.decl.readers if r.label == name)
        roles = set(decl.roles)
        for scope in self.scopes(sid, ancestors):
            for data in self.index.roles.get(scope, []):
                if (
                    data.get("principalId") == decl.principal
                    and data.get("roleDefinitionGuid") in roles
                ):
                    return PRESENT, f"role {data.get('roleDefinitionGuid')} at {scope}"
        if ancestors is None:
            return UNKNOWN, "the management-group tree was not read"
        return MISSING, "no assignment of these roles at or above the subscription"

    # -- tenants ------------------------------------------------------------------

    def tenant_rows(self) -> list[TenantRow]:
        controls = self.decl.tenant_control_names()
        if not controls:
            return []
        out = []
        for tid in sorted(self.own_tenants):
            if tid not in self.observed.tenants_crawled:
                continue  # never read: the tenant's coverage-gap says so
            states: dict[str, str] = {}
            seen: dict[str, str] = {}
            for control in controls:
                states[control], seen[control] = self.tenant_control(tid, control)
            out.append(TenantRow(tid, self.observed.tenant_names.get(tid, tid), states, seen))
        return out

    def tenant_control(self, tid: str, control: str) -> tuple[str, str]:
        if (tid, control) in self.failed:
            return UNKNOWN, "the read failed (errors.json)"
        tc = self.decl.tenant_controls
        assert tc is not None
        if control == "block-subscriptions-entering":
            found = self.index.tenant_policy.get(tid)
            if found is None:
                return MISSING, "no subscription policy set"
            blocked = found.get("blockSubscriptionsIntoTenant") is True
            return (PRESENT if blocked else MISSING), f"blockSubscriptionsIntoTenant {blocked}"
        settings = self.index.settings.get(tid)
        current = str(settings.get("defaultManagementGroup") or "") if settings else ""
        wanted = (tc.default_management_group or "").lower()
        shown = current or f"{tid} (the root group)"
        return (
            PRESENT if current.lower() == wanted else MISSING
        ), f"new subscriptions land in {shown}"


def assess(
    graph: nx.MultiDiGraph, crawl: CrawlRecord, observed: Observed, inventory: Inventory
) -> Assessment | None:
    if inventory.governance is None:
        return None
    assessor = _Assessor(graph, crawl, observed, inventory)
    return Assessment(
        rows=assessor.rows(),
        tenants=assessor.tenant_rows(),
        controls=inventory.governance.controls(),
        tenant_controls=inventory.governance.tenant_control_names(),
    )


def _control_evidence(row: Row) -> list[dict[str, Any]]:
    return [
        step(row.subscription, None, row.observed.get(c, ""), None, control=c, state=s)
        for c, s in row.states.items()
        if s != PRESENT
    ]


def governance_findings(assessment: Assessment | None) -> list[Finding]:
    if assessment is None:
        return []
    out: list[Finding] = []
    for row in assessment.rows:
        missing, unknown = row.of(MISSING), row.of(UNKNOWN)
        if not missing and not unknown:
            continue
        what = f"lacks {', '.join(missing)}" if missing else "cannot be shown to be governed"
        out.append(
            Finding(
                kind=GOVERNANCE_GAP,
                subject=row.subscription,
                subject_name=row.name,
                title=f"Subscription {row.name} {what}",
                severity=row.severity,
                evidence=[*row.evidence, *_control_evidence(row)],
                details={
                    "missing": missing,
                    "unknown": unknown,
                    "present": row.of(PRESENT),
                    "observed": row.observed,
                    "connected": row.reason,
                    "tenant": row.tenant,
                    "foreign": row.foreign,
                    "channels": row.channels,
                },
                scope=row.scope or frozenset({row.subscription}),
            )
        )
    for trow in assessment.tenants:
        missing = [c for c, s in trow.states.items() if s == MISSING]
        if not missing:
            continue
        out.append(
            Finding(
                kind=TENANT_CONTROL_GAP,
                subject=trow.tenant,
                subject_name=trow.name,
                title=f"Tenant {trow.name} lacks {', '.join(missing)}",
                severity="high",
                evidence=[
                    step(trow.tenant, None, trow.observed[c], None, control=c, state=s)
                    for c, s in trow.states.items()
                    if s != PRESENT
                ],
                details={
                    "missing": missing,
                    "unknown": [c for c, s in trow.states.items() if s == UNKNOWN],
                    "present": [c for c, s in trow.states.items() if s == PRESENT],
                    "observed": trow.observed,
                },
                scope=frozenset({trow.tenant}),
            )
        )
    return out


def matrix(assessment: Assessment | None) -> dict[str, Any] | None:
    """The report's `governance` section: rows by tenant, connected first, and the totals."""
    if assessment is None:
        return None
    rows = [
        {
            "subscription": r.subscription,
            "name": r.name,
            "tenant": r.tenant,
            "tenantName": r.tenant_name,
            "connected": r.connected,
            "reason": r.reason,
            "controls": r.states,
        }
        for r in assessment.rows
    ]
    totals = {
        c: {
            s: sum(1 for r in assessment.rows if r.states.get(c) == s)
            for s in (PRESENT, MISSING, UNKNOWN)
        }
        for c in assessment.controls
    }
    return {
        "controls": assessment.controls,
        "rows": rows,
        "totals": totals,
        "tenantControls": assessment.tenant_controls,
        "tenants": [
            {"tenant": t.tenant, "name": t.name, "controls": t.states} for t in assessment.tenants
        ],
    }

"""Findings about what the estate is connected to (findings.md): tenants, subscriptions,
circuits and sites the inventory does not declare, declared things not seen, and
what the crawl could not read."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.analysis.findings import (
    COVERAGE_GAP,
    EVIDENCE_LIMIT,
    MISSING_DECLARED,
    TENANT_MISMATCH,
    UNDECLARED_CIRCUIT,
    UNDECLARED_SITE,
    UNKNOWN_SUBSCRIPTION,
    UNKNOWN_TENANT,
    Finding,
)
from graph.analysis.identity_links import tenant_severity
from graph.analysis.sites import covering_site
from graph.analysis.tenants import (
    IDENTITY_CHANNELS,
    NETWORK_CHANNELS,
    Observation,
    Observed,
    iter_evidence,
)
from graph.build.ids import last_segment
from graph.crawl_record import CrawlRecord
from graph.inventory import OWN_RELATIONSHIPS, Inventory
from graph.schema import subscription_of


def _scope(observations: list[Observation]) -> frozenset[str]:
    out: set[str] = set()
    for obs in observations:
        out |= obs.scope
    return frozenset(out)


def _summary(observations: list[Observation]) -> dict[str, Any]:
    channels: list[str] = []
    for obs in observations:  # already in channel order
        if obs.channel not in channels:
            channels.append(obs.channel)
    states = sorted({o.state for o in observations if o.state})
    return {
        "channels": channels,
        "observations": len(observations),
        "states": states,
    }


def _evidence(observations: list[Observation]) -> list[dict[str, Any]]:
    return list(iter_evidence(observations, EVIDENCE_LIMIT))


def tree_unreadable(observed: Observed, tenant_id: str | None) -> bool:
    """A tenant we crawl whose subscription list and management-group tree were not both read."""
    return bool(tenant_id) and tenant_id not in observed.tenants_crawled


# ------------------------------------------------------------------ tenants


def unknown_tenants(observed: Observed, inventory: Inventory) -> list[Finding]:
    out: list[Finding] = []
    for tid, observations in observed.tenants.items():
        if inventory.tenant_declared(tid) or not observations:
            continue
        name = observed.tenant_names.get(tid, tid)
        details = _summary(observations)
        details["name"] = name if name != tid else None
        details["category"] = observed.tenant_categories.get(tid)
        details["subscriptions"] = sorted(
            {o.far_subscription for o in observations if o.far_subscription}
        )
        out.append(
            Finding(
                kind=UNKNOWN_TENANT,
                subject=tid,
                subject_name=name,
                title=f"Unknown tenant {name if name == tid else f'{name} ({tid})'} "
                f"seen through {', '.join(details['channels'])}",
                severity=tenant_severity(observations, inventory, observed),
                evidence=_evidence(observations),
                details=details,
                scope=_scope(observations),
            )
        )
    for alias, observations in observed.aliases.items():
        subject = f"alias:{alias}"
        details = _summary(observations)
        details["alias"] = alias
        out.append(
            Finding(
                kind=UNKNOWN_TENANT,
                subject=subject,
                subject_name=alias,
                title=f"Private endpoint to private link service alias {alias} of an unknown owner",
                severity="high",
                evidence=_evidence(observations),
                details=details,
                scope=_scope(observations),
            )
        )
    return out


# ------------------------------------------------------------------ subscriptions


def _declared(observed: Observed, inventory: Inventory, sid: str) -> bool:
    info = observed.subscription_info.get(sid)
    return inventory.subscription_declared(
        sid,
        tenant_id=info.tenant_id if info else None,
        management_groups=info.ancestors if info else (),
    )


def unknown_subscriptions(observed: Observed, inventory: Inventory) -> list[Finding]:
    out: list[Finding] = []
    for sid, observations in observed.subscriptions.items():
        if not observations or _declared(observed, inventory, sid):
            continue
        info = observed.subscription_info.get(sid)
        tid = info.tenant_id if info else None
        if tid and inventory.declares_management_group_in(tid) and tree_unreadable(observed, tid):
            # what lies below the unread tree is unknown: the tenant's coverage gap says so
            continue
        details = _summary(observations)
        # identity-links.md: its channels follow the network channels' severity
        network = any(
            o.channel in NETWORK_CHANNELS or o.channel in IDENTITY_CHANNELS for o in observations
        )
        notes = [info.note] if info and info.note else []
        name = info.name if info and info.name else sid
        details.update(
            {
                "tenant": tid,
                "tenantDeclared": bool(tid and inventory.tenant_declared(tid)),
                "state": info.state if info else None,
                "notes": notes,
            }
        )
        where = f" in tenant {observed.tenant_names.get(tid, tid)}" if tid else ""
        out.append(
            Finding(
                kind=UNKNOWN_SUBSCRIPTION,
                subject=sid,
                subject_name=name,
                title=f"Unknown subscription {name if name == sid else f'{name} ({sid})'}{where}",
                severity="high" if network else "medium",
                evidence=_evidence(observations),
                details=details,
                scope=_scope(observations),
            )
        )
    return out


def tenant_mismatches(observed: Observed, inventory: Inventory) -> list[Finding]:
    out: list[Finding] = []
    for decl in inventory.subscriptions:
        if decl.tenant is None:
            continue
        info = observed.subscription_info.get(decl.id)
        observations = observed.subscriptions.get(decl.id, [])
        if info is None or not info.tenant_id or not observations:
            continue
        if info.tenant_id == decl.tenant:
            continue
        name = decl.name or info.name or decl.id
        out.append(
            Finding(
                kind=TENANT_MISMATCH,
                subject=decl.id,
                subject_name=name,
                title=f"Subscription {name} is in tenant {info.tenant_id}, "
                f"declared in {decl.tenant}",
                severity="high",
                evidence=_evidence(observations),
                details={
                    **_summary(observations),
                    "declaredTenant": decl.tenant,
                    "observedTenant": info.tenant_id,
                },
                scope=_scope(observations),
            )
        )
    return out


# ------------------------------------------------------------------ circuits and sites


def undeclared_circuits(
    observed: Observed, inventory: Inventory, graph: nx.MultiDiGraph
) -> list[Finding]:
    out: list[Finding] = []
    for cid, observations in observed.circuits.items():
        if inventory.circuit_declared(cid) or not observations:
            continue
        data = graph.nodes[cid] if cid in graph else {}
        name = str(data.get("name") or last_segment(cid))
        details = _summary(observations)
        details.update(
            {
                "provider": data.get("serviceProviderName"),
                "peeringLocation": data.get("peeringLocation"),
                "subscription": subscription_of(cid),
                "foreign": bool(data.get("foreign")),
            }
        )
        out.append(
            Finding(
                kind=UNDECLARED_CIRCUIT,
                subject=cid,
                subject_name=name,
                title=f"Undeclared ExpressRoute circuit {name}",
                severity="high",
                evidence=_evidence(observations),
                details=details,
                scope=_scope(observations),
            )
        )
    return out


def undeclared_sites(
    observed: Observed, inventory: Inventory, graph: nx.MultiDiGraph
) -> list[Finding]:
    out: list[Finding] = []
    for node, observations in observed.sites.items():
        if not observations or covering_site(graph, node, inventory) is not None:
            continue
        data = graph.nodes[node] if node in graph else {}
        name = str(data.get("name") or last_segment(node))
        details = _summary(observations)
        details.update(
            {
                "gatewayIpAddress": data.get("gatewayIpAddress"),
                "fqdn": data.get("fqdn"),
                "linkIpAddresses": list(data.get("linkIpAddresses") or []),
                "linkFqdns": list(data.get("linkFqdns") or []),
                "addressPrefixes": list(data.get("addressPrefixes") or []),
            }
        )
        details = {k: v for k, v in details.items() if v not in (None, [])}
        out.append(
            Finding(
                kind=UNDECLARED_SITE,
                subject=node,
                subject_name=name,
                title=f"Site-to-site connection to undeclared site {name}",
                severity="high",
                evidence=_evidence(observations),
                details=details,
                scope=_scope(observations),
            )
        )
    return out


# ------------------------------------------------------------------ missing and coverage


def missing_declared(
    observed: Observed, inventory: Inventory, graph: nx.MultiDiGraph
) -> list[Finding]:
    out: list[Finding] = []
    own = inventory.own_tenant_ids() or set(observed.home_tenants)
    for decl in inventory.subscriptions:
        if decl.tenant is not None:
            tdecl = inventory.tenant(decl.tenant)
            if tdecl is not None and tdecl.relationship not in OWN_RELATIONSHIPS:
                continue
            tenants = {decl.tenant}
        else:
            tenants = set(own)
        if not tenants or not tenants <= observed.tenants_crawled:
            continue
        if observed.subscriptions.get(decl.id):
            continue
        name = decl.name or decl.id
        out.append(
            Finding(
                kind=MISSING_DECLARED,
                subject=decl.id,
                subject_name=name,
                title=f"Declared subscription {name} was not seen",
                severity="low",
                evidence=[],
                details={"what": "subscription", "searched": sorted(tenants)},
                scope=frozenset(tenants),
            )
        )
    for cdecl in inventory.circuits:
        cid = cdecl.id.lower()
        sid = subscription_of(cid)
        if not sid or sid not in observed.subscriptions_crawled:
            continue
        if observed.circuits.get(cid) or (cid in graph and not graph.nodes[cid].get("foreign")):
            continue
        name = last_segment(cdecl.id)
        out.append(
            Finding(
                kind=MISSING_DECLARED,
                subject=cid,
                subject_name=name,
                title=f"Declared ExpressRoute circuit {name} was not seen",
                severity="low",
                evidence=[],
                details={"what": "circuit", "searched": [sid]},
                scope=frozenset({sid}),
            )
        )
    return out


def _error_subject(observed: Observed, scope: str) -> tuple[str, str] | None:
    """(subject, what) for an errors.json scope: a subscription or a tenant."""
    parts = scope.strip("/").lower().split("/")
    if len(parts) >= 2 and parts[0] == "subscriptions":
        return parts[1], "subscription"
    if len(parts) >= 2 and parts[0] == "tenants":
        return parts[1], "tenant"
    if len(parts) >= 4 and parts[1] == "microsoft.management":
        group = parts[3]
        tid = observed.mg_tenants.get(group)
        if tid is None and len(group) == 36 and group.count("-") == 4:
            tid = group  # the root group is named after its tenant
        tid = tid or observed.principal_tenant
        if tid:
            return tid, "tenant"
    if observed.principal_tenant:
        return observed.principal_tenant, "tenant"
    return None


def coverage_gaps(crawl: CrawlRecord, observed: Observed, inventory: Inventory) -> list[Finding]:
    gaps: dict[str, dict[str, Any]] = {}

    def gap(subject: str, what: str) -> dict[str, Any]:
        if subject not in gaps:
            gaps[subject] = {"what": what, "errors": [], "notes": []}
        return gaps[subject]

    for err in crawl.errors:
        found = _error_subject(observed, str(err.get("scope") or ""))
        if found is None:
            continue
        entry = gap(*found)
        entry["errors"].append(
            {
                k: err.get(k)
                for k in ("scope", "operation", "status", "code")
                if err.get(k) is not None
            }
        )
    for tid in observed.home_tenants:
        if tid not in observed.tenants_crawled:
            entry = gap(tid, "tenant")
            entry["notes"].append("tenant-not-crawled")
    for sid, info in observed.subscription_info.items():
        if info.listed and sid not in observed.subscriptions_crawled:
            entry = gap(sid, "subscription")
            if not entry["errors"]:
                entry["notes"].append("not-crawled")
        elif info.in_tree and not info.listed:
            entry = gap(sid, "subscription")
            entry["notes"].append("management-group-tree-only")
    for tid in {m.tenant for m in inventory.management_groups}:
        if tid in gaps and tree_unreadable(observed, tid):
            gaps[tid]["notes"].append("undeclared-subscriptions-not-judged")

    out: list[Finding] = []
    for subject, entry in gaps.items():
        what = entry["what"]
        if what == "subscription":
            sub_info = observed.subscription_info.get(subject)
            name = sub_info.name if sub_info and sub_info.name else subject
            owner = sub_info.tenant_id if sub_info else None
            lister = (
                owner
                if owner in observed.tenants_crawled or not observed.principal_tenant
                else observed.principal_tenant
            )
            scope = frozenset({lister}) if lister else frozenset()
        else:
            name = observed.tenant_names.get(subject, subject)
            scope = frozenset({subject})
        entry["notes"] = sorted(set(entry["notes"]))
        out.append(
            Finding(
                kind=COVERAGE_GAP,
                subject=subject,
                subject_name=name,
                title=f"Coverage gap: {what} {name} could not be read completely",
                severity="medium",
                evidence=[],
                details=entry,
                scope=scope,
            )
        )
    return out


def connected_findings(
    graph: nx.MultiDiGraph, crawl: CrawlRecord, observed: Observed, inventory: Inventory
) -> list[Finding]:
    return [
        *unknown_tenants(observed, inventory),
        *unknown_subscriptions(observed, inventory),
        *tenant_mismatches(observed, inventory),
        *undeclared_circuits(observed, inventory, graph),
        *undeclared_sites(observed, inventory, graph),
        *missing_declared(observed, inventory, graph),
        *coverage_gaps(crawl, observed, inventory),
    ]

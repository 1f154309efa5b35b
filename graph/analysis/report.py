"""The `tenantmap.report/1` document (findings.md, "Report layout")."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import networkx as nx

from graph.analysis.findings import KINDS, OPEN_STATUSES, SEVERITIES, is_worsened
from graph.analysis.sites import covering_site
from graph.analysis.tenants import (
    EXPRESSROUTE,
    SITE_TO_SITE,
    SUBSCRIPTION,
    Observation,
    Observed,
)
from graph.crawl_record import CrawlRecord
from graph.inventory import Inventory
from graph.schema import Label, site_id

FORMAT = "tenantmap.report/1"
# paas-exposure.md "Out of scope": PaaS public endpoints are in scope, except these.
OUT_OF_SCOPE: tuple[str, ...] = (
    "scale sets",
    "Front Door (origins reachable around it)",
    "Traffic Manager",
    "SQL database-level firewall rules (T-SQL only)",
    "PaaS settings only non-Reader roles see (app settings, keys)",
    # identity-links.md: ARM gives no home tenant for users and service principals
    "guest users and multi-tenant apps of other tenants (need Microsoft Graph)",
)


def _iso_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_section(
    run: dict[str, Any],
    *,
    crawl: CrawlRecord,
    inventory: Inventory,
    today: dt.date,
    previous: dict[str, Any] | None,
) -> dict[str, Any]:
    source = run.get("source") or {
        "kind": crawl.source.get("kind"),
        "endpoint": crawl.source.get("endpoint"),
    }
    previous_run = run.get("previousRun")
    if previous_run is None and previous:
        previous_run = (previous.get("run") or {}).get("id")
    started = run.get("startedAt") or _iso_now()
    return {
        "id": run.get("id"),
        "startedAt": started,
        "finishedAt": run.get("finishedAt") or _iso_now(),
        "today": today.isoformat(),
        "source": source,
        "inventory": run.get("inventory")
        or {"path": inventory.path or None, "sha256": inventory.sha256 or None},
        "previousRun": previous_run,
    }


def _text(value: Any) -> str | None:
    return None if value is None else value if isinstance(value, str) else str(value)


def coverage_section(crawl: CrawlRecord, observed: Observed) -> dict[str, Any]:
    known_subs = {
        sid for sid, info in observed.subscription_info.items() if info.listed or info.in_tree
    }
    complete = (
        not crawl.errors
        and set(observed.home_tenants) <= observed.tenants_crawled
        and known_subs <= observed.subscriptions_crawled
    )
    failed: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for err in crawl.errors:
        status = err.get("status")
        item = {
            "scope": _text(err.get("scope")),
            # an errors.json written by hand may hold anything: only an HTTP status is one
            "status": status if isinstance(status, int) and not isinstance(status, bool) else None,
            "code": _text(err.get("code")),
        }
        if err.get("operation"):
            item["operation"] = _text(err.get("operation"))
        key = (item["scope"], item["status"], item["code"], item.get("operation"))
        if key in seen:
            continue
        seen.add(key)
        failed.append(item)
    notes = [*crawl.shape_notes, *observed.value_notes]
    return {
        "complete": complete and not notes,
        # fields dropped for their JSON type (graph/shapes.py) and values the analyses
        # could not read (an NSG rule's port range ":"): the first 200, and how many
        "misshapen": notes[:200],
        "misshapenCount": len(notes),
        "outOfScope": list(OUT_OF_SCOPE),
        "tenantsCrawled": sorted(observed.tenants_crawled),
        "subscriptionsCrawled": sorted(observed.subscriptions_crawled),
        "failed": failed,
    }


def summary_section(
    findings: list[dict[str, Any]], resolved: list[dict[str, Any]]
) -> dict[str, Any]:
    open_findings = [f for f in findings if f.get("status") in OPEN_STATUSES]
    by_severity = Counter(str(f.get("severity")) for f in open_findings)
    by_kind = Counter(str(f.get("kind")) for f in open_findings)
    return {
        "open": len(open_findings),
        "new": sum(1 for f in open_findings if f.get("status") == "new"),
        "worsened": sum(1 for f in open_findings if is_worsened(f)),
        "resolved": len(resolved),
        "accepted": sum(1 for f in findings if f.get("status") == "accepted"),
        "bySeverity": {s: by_severity.get(s, 0) for s in SEVERITIES},
        "byKind": {k: by_kind.get(k, 0) for k in KINDS},
    }


def _link_targets(
    obs: Observation, graph: nx.MultiDiGraph, inventory: Inventory, sites: dict[str, str | None]
) -> list[tuple[str, str, bool]]:
    """(to, channel, declared) of each topology link one observation makes."""
    if obs.channel == SITE_TO_SITE:
        if obs.far not in sites:
            site = covering_site(graph, obs.far, inventory)
            sites[obs.far] = site.name if site else None
        name = sites[obs.far]
        return [(site_id(name), SITE_TO_SITE, True) if name else (obs.far, SITE_TO_SITE, False)]
    out: list[tuple[str, str, bool]] = []
    if (
        obs.far.startswith("/")
        and obs.far in graph
        and (graph.nodes[obs.far].get("label") == Label.EXPRESSROUTE_CIRCUIT)
    ):
        out.append((obs.far, EXPRESSROUTE, inventory.circuit_declared(obs.far)))
    if obs.channel == SUBSCRIPTION:
        return out
    if obs.far_subscription is None and obs.far_tenant is None and not obs.far.startswith("/"):
        out.append((f"alias:{obs.far}", obs.channel, False))  # a private endpoint to an alias
    elif obs.far_tenant and obs.far_tenant != obs.near_tenant:
        out.append((obs.far_tenant, obs.channel, inventory.tenant_declared(obs.far_tenant)))
    return out


def topology_section(
    graph: nx.MultiDiGraph, observed: Observed, inventory: Inventory
) -> dict[str, Any]:
    tenant_ids: set[str] = set(observed.tenants)
    counts: Counter[tuple[str, str, str]] = Counter()
    declared: dict[tuple[str, str, str], bool] = {}
    sites: dict[str, str | None] = {}
    link_obs: list[Observation] = list(observed.links)
    for cid, observations in observed.circuits.items():
        link_obs.extend(o for o in observations if o.channel == SUBSCRIPTION and o.far == cid)
    for obs in link_obs:
        if not obs.near_tenant:
            continue
        for to, channel, is_declared in _link_targets(obs, graph, inventory, sites):
            key = (obs.near_tenant, to, channel)
            counts[key] += 1
            declared[key] = is_declared
            tenant_ids.add(obs.near_tenant)
            if obs.far_tenant:
                tenant_ids.add(obs.far_tenant)
    tenants = []
    for tid in sorted(tenant_ids):
        decl = inventory.tenant(tid)
        name = observed.tenant_names.get(tid) or (decl.name if decl and decl.name else tid)
        tenants.append(
            {
                "id": tid,
                "name": name,
                # a foreign group or issuer is declared through principals / trusted_issuers
                "declared": decl is not None or inventory.tenant_declared(tid),
                "relationship": decl.relationship if decl else None,
            }
        )
    links = [
        {"from": a, "to": b, "channel": c, "count": n, "declared": declared[(a, b, c)]}
        for (a, b, c), n in sorted(counts.items())
    ]
    return {"tenants": tenants, "links": links}


def assemble(
    *,
    graph: nx.MultiDiGraph,
    crawl: CrawlRecord,
    observed: Observed,
    inventory: Inventory,
    today: dt.date,
    run: dict[str, Any],
    previous: dict[str, Any] | None,
    findings: list[dict[str, Any]],
    resolved: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "organization": inventory.organization,
        "run": run_section(run, crawl=crawl, inventory=inventory, today=today, previous=previous),
        "coverage": coverage_section(crawl, observed),
        "summary": summary_section(findings, resolved),
        "topology": topology_section(graph, observed, inventory),
        "findings": findings,
        "resolved": resolved,
    }

"""`tenantmap inventory draft`: a starting inventory of everything a snapshot observed.

Each entry carries a comment saying where it was seen, so that people can
prune what the organisation does not own or knowingly connect to. The text is
a valid inventory as written (``load_inventory`` accepts it).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import networkx as nx

from graph.analysis.tenants import Observation, Observed, observe
from graph.crawl_record import crawl_record
from graph.governance_draft import draft_governance
from graph.schema import Label
from graph.snapshot import Snapshot
from reports.safe_text import neutralise


def _q(value: Any) -> str:
    """A YAML scalar: JSON's double-quoted strings are valid YAML. Control characters in
    an Azure name are shown as escapes, which the inventory's free-text check accepts."""
    return json.dumps(neutralise(str(value)))


def _seen(observations: list[Observation]) -> str:
    counts = Counter(o.channel for o in observations)
    return ", ".join(f"{c} ({n})" if n > 1 else c for c, n in counts.items())


def _relationship(observed: Observed, tid: str) -> tuple[str, str]:
    category = observed.tenant_categories.get(tid)
    if tid in observed.home_tenants or category == "Home":
        return "home", "our tenant (tenant list: Home)"
    if category == "ManagedBy":
        return "service-provider", "manages our subscriptions (tenant list: ManagedBy)"
    return "partner", "choose partner or service-provider, or delete if unknown"


def _tenants(observed: Observed) -> list[str]:
    lines = ["tenants:"]
    foreign_subs: dict[str, list[str]] = {}
    for sid, info in observed.subscription_info.items():
        if info.tenant_id and info.tenant_id not in observed.home_tenants and not info.listed:
            foreign_subs.setdefault(info.tenant_id, []).append(sid)
    tenants = [t for t in observed.tenants if ":" not in t and "-" in t and t not in _EVERYONE]
    for tid in sorted(tenants, key=lambda t: (t not in observed.home_tenants, t)):
        relationship, why = _relationship(observed, tid)
        name = observed.tenant_names.get(tid)
        lines.append(f"  - id: {tid}")
        if name and name != tid:
            lines.append(f"    name: {_q(name)}")
        lines.append(f"    relationship: {relationship}   # {why}")
        lines.append(f"    # seen through: {_seen(observed.tenants[tid])}")
        subs = sorted(foreign_subs.get(tid, []))
        if relationship != "home" and subs:
            lines.append(
                "    subscriptions:   # the only ones we may connect to; drop the list to allow all"
            )
            for sid in subs:
                lines.append(
                    f"      - {sid}   # seen through: {_seen(observed.subscriptions.get(sid, []))}"
                )
    if len(lines) == 1:
        lines[0] = "tenants: []"
    return [*lines, *_principal_hints(observed)]


_EVERYONE = frozenset({"any-tenant", "any-subscription", "community"})


def _parties(observed: Observed, prefix: str) -> list[str]:
    return sorted(p[len(prefix) :] for p in observed.tenants if p.startswith(prefix))


def _principal_hints(observed: Observed) -> list[str]:
    """Foreign groups and cross-tenant key apps (identity-links.md): ARM does not name their
    tenant, so the draft lists them for the reader to place under `principals`."""
    groups = _parties(observed, "foreign-group:")
    apps = _parties(observed, "key-app:")
    if not groups and not apps:
        return []
    lines = [
        "  # Seen without a tenant: add each to the `principals:` list of the tenant it belongs",
        "  # to (your partner can tell you its object ids), or leave it out to keep the finding.",
    ]
    lines += [f"  #   {g}   # foreign group holding a role on our scopes" for g in groups]
    lines += [f"  #   {a}   # app holding a storage account's key in another tenant" for a in apps]
    return lines


def _issuers(observed: Observed) -> list[str]:
    """External identity providers federated credentials trust (identity-links.md)."""
    issuers = _parties(observed, "issuer:")
    if not issuers:
        return ["trusted_issuers: []"]
    lines = ["trusted_issuers:   # identity providers our managed identities accept tokens from"]
    for issuer in issuers:
        subjects = sorted(
            {
                str(step.get("subject"))
                for obs in observed.tenants[f"issuer:{issuer}"]
                for step in obs.evidence
                if step.get("subject")
            }
        )
        lines.append(f"  - issuer: {_q(issuer)}")
        lines.append(f"    reason: null   # why it is trusted; subjects: {_q(', '.join(subjects))}")
    return lines


def _management_groups(observed: Observed) -> list[str]:
    groups: dict[str, str] = dict(sorted(observed.mg_tenants.items()))
    lines = [
        "management_groups: []",
        "# Declaring a group declares every subscription below it, now and later. Groups seen:",
    ]
    for name, tid in groups.items():
        lines.append(f"#  - id: {name}")
        lines.append(f"#    tenant: {tid}")
    return lines


# Words in a subscription's name or environment tag that hint at its environment.
_HINTS = (
    ("production", frozenset({"prod", "prd", "production", "live"})),
    ("sandbox", frozenset({"sandbox", "sbx", "playground", "lab"})),
    ("non-production", frozenset({"dev", "development", "test", "tst", "qa", "uat", "staging"})),
)
_NOT_PRODUCTION = re.compile(r"\b(?:non|pre)[-_ .]?prod", re.I)
_ENVIRONMENT_TAGS = ("environment", "env")


def _hint(text: str) -> str | None:
    """The environment words in `text` hint at, production first (the safe guess)."""
    if _NOT_PRODUCTION.search(text):
        return "non-production"
    split = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)  # ProdPayments -> Prod Payments
    words = set(re.split(r"[^a-z0-9]+", split.lower()))
    return next((env for env, hints in _HINTS if words & hints), None)


def suggest_environment(name: str | None, tags: Any) -> tuple[str, str] | None:
    """(environment, why) from an environment tag, else from the name; None when neither hints.

    Only a suggestion for people to confirm: the draft never sets an environment itself.
    """
    if isinstance(tags, dict):
        for key, value in tags.items():
            if str(key).lower() in _ENVIRONMENT_TAGS and isinstance(value, str):
                env = _hint(value)
                if env:
                    return env, f"tag {key}={value}"
    env = _hint(name or "")
    return (env, f"name {name}") if env else None


def _subscriptions(observed: Observed, tags: dict[str, Any]) -> list[str]:
    lines = ["subscriptions:"]
    notes: list[str] = []
    for sid, info in sorted(observed.subscription_info.items()):
        seen = observed.subscriptions.get(sid, [])
        if info.note:
            notes.append(
                f"#  {sid}: a link names it, but {info.note} (seen through: {_seen(seen)})"
            )
            continue
        own = info.listed or info.in_tree or info.tenant_id in observed.home_tenants
        if not own:
            continue  # listed under its tenant above
        where = [
            c
            for c in (
                "subscription list" if info.listed else "",
                "management-group tree" if info.in_tree else "",
            )
            if c
        ]
        if info.ancestors:
            where.append("below " + " < ".join(info.ancestors))
        if sid not in observed.subscriptions_crawled:
            where.append("NOT read completely")
        lines.append(f"  - id: {sid}")
        if info.name and info.name != sid:
            lines.append(f"    name: {_q(info.name)}")
        if info.tenant_id:
            lines.append(f"    tenant: {info.tenant_id}")
        state = f"; state {info.state}" if info.state and info.state != "Enabled" else ""
        hint = suggest_environment(info.name, tags.get(sid))
        suggested = f"; suggested: {hint[0]} ({hint[1]})" if hint else ""
        # Left empty for people to fill in: a default here would silently set severities.
        lines.append(
            "    environment:   # fill in production | non-production | sandbox"
            f" (empty counts as production){suggested}{state}"
        )
        lines.append(f"    # seen in: {'; '.join(where) or _seen(seen)}")
    if len(lines) == 1:
        lines[0] = "subscriptions: []"
    if notes:
        lines.append("# Subscriptions links name that could not be resolved (not declared here):")
        lines.extend(notes)
    return lines


def _circuits(observed: Observed, graph: nx.MultiDiGraph) -> list[str]:
    lines = ["expressroute_circuits:"]
    for cid, observations in sorted(observed.circuits.items()):
        data = graph.nodes[cid] if cid in graph else {}
        arm_id = data.get("armId") or cid
        lines.append(f"  - id: {arm_id}")
        if data.get("serviceProviderName"):
            lines.append(f"    provider: {_q(data['serviceProviderName'])}")
        where = "ours" if not data.get("foreign") else "another party's"
        lines.append(f"    # {where}; seen through: {_seen(observations)}")
    if len(lines) == 1:
        lines[0] = "expressroute_circuits: []"
    return lines


def _strings(value: Any) -> list[str]:
    if not value:
        return []
    return [str(v) for v in ([value] if isinstance(value, str) else value) if v]


def _sites(observed: Observed, graph: nx.MultiDiGraph) -> list[str]:
    lines = ["sites:"]
    names: set[str] = set()
    candidates = sorted(
        set(observed.sites)
        | {
            n
            for n, d in graph.nodes(data=True)
            if d.get("label") in (Label.LOCAL_NETWORK_GATEWAY, Label.VPN_SITE)
            and not d.get("foreign")
        }
    )
    for node in candidates:
        data = graph.nodes[node] if node in graph else {}
        label = data.get("label")
        if label == Label.LOCAL_NETWORK_GATEWAY:
            ips = _strings(data.get("gatewayIpAddress"))
            fqdns = _strings(data.get("fqdn"))
        elif label == Label.VPN_SITE:
            ips = _strings(data.get("linkIpAddresses"))
            fqdns = _strings(data.get("linkFqdns"))
        else:
            continue
        if not ips and not fqdns:
            continue
        base = str(data.get("name") or node.rsplit("/", 1)[-1])
        name, n = base, 2
        while name in names:
            name, n = f"{base}-{n}", n + 1
        names.add(name)
        kind = "local network gateway" if label == Label.LOCAL_NETWORK_GATEWAY else "VPN site"
        connected = "connected" if node in observed.sites else "not connected"
        lines.append(f"  - name: {_q(name)}   # {kind} {data.get('armId') or node} ({connected})")
        if ips:
            lines.append(f"    gateway_ips: [{', '.join(ips)}]")
        if fqdns:
            lines.append(f"    gateway_fqdns: [{', '.join(_q(f) for f in fqdns)}]")
        prefixes = _strings(data.get("addressPrefixes"))
        lines.append(f"    address_prefixes: [{', '.join(prefixes)}]")
    if len(lines) == 1:
        lines[0] = "sites: []"
    return lines


def _subscription_tags(snap: Snapshot) -> dict[str, Any]:
    return {
        str(item.get("subscriptionId", "")).lower(): item.get("tags")
        for item in snap.subscriptions
        if isinstance(item, dict)
    }


def draft_inventory(snap: Snapshot, graph: nx.MultiDiGraph) -> str:
    """YAML text of a version-1 inventory declaring everything the snapshot observed."""
    observed = observe(graph, crawl_record(snap))
    created = snap.manifest.get("createdAt") or "unknown time"
    home = next(iter(observed.home_tenants), None)
    organization = observed.tenant_names.get(home, "") if home else ""
    tags = _subscription_tags(snap)
    production = {
        sid
        for sid, info in observed.subscription_info.items()
        if info.tenant_id in observed.home_tenants
        and (suggest_environment(info.name, tags.get(sid)) or ("production", ""))[0] == "production"
    }
    lines = [
        f"# Draft inventory from a snapshot taken {created} (tenantmap inventory draft).",
        "# Everything below was observed. Prune what your organisation does not own or",
        "# knowingly connect to, set relationships, fill in each environment (an empty one",
        "# counts as production), and keep this file in version control.",
        "# Reference: docs/spec/inventory.md.",
        "version: 1",
        f"organization: {_q(organization or 'TODO')}",
        "",
        *_tenants(observed),
        "",
        *_management_groups(observed),
        "",
        *_subscriptions(observed, tags),
        "",
        *_circuits(observed, graph),
        "",
        *_sites(observed, graph),
        "",
        *draft_governance(observed, graph, production),
        "",
        *_issuers(observed),
        "",
        "approved_exposures: []   # known, accepted internet exposure (resource, ports, expires)",
        "accepted: []             # findings accepted as they are (kind, subject, expires)",
        "",
    ]
    # A line break in an Azure name inside a comment would start a YAML line of its own.
    return "\n".join(neutralise(line) for line in lines)

"""`inventory draft`'s proposed governance baseline (governance.md, "Declared baseline").

What every production subscription of our tenants already shares: the deepest
management group above all of them, the policy assignments in effect in all of
them, the Defender plans on (Standard) in all of them, and a security contact
if all have one. A proposal for people to review, never a judgement.
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from graph.analysis.tenants import Observed
from graph.schema import Label

_MG = "/providers/microsoft.management/managementgroups/"


def _q(value: Any) -> str:
    return json.dumps(str(value))


def _in_effect(
    graph_index: dict[str, list[dict[str, Any]]], sid: str, ancestors: tuple[str, ...]
) -> dict[str, str]:
    """Policy definitions in effect in a subscription (definition -> display name)."""
    scopes = [f"/subscriptions/{sid}", *(f"{_MG}{a.lower()}" for a in ancestors)]
    out: dict[str, str] = {}
    for scope in scopes:
        for data in graph_index.get(scope, []):
            if set(data.get("notScopes") or []) & set(scopes):
                continue
            definition = str(data.get("policyDefinitionId") or "")
            if definition:
                out.setdefault(definition, str(data.get("displayName") or data.get("name")))
    return out


def draft_governance(observed: Observed, graph: nx.MultiDiGraph, production: set[str]) -> list[str]:
    """YAML lines of a `governance` section, or [] when nothing governance-related was read."""
    policies: dict[str, list[dict[str, Any]]] = {}
    standard: dict[str, set[str]] = {}
    contacts: set[str] = set()
    for _nid, data in graph.nodes(data=True):
        label = data.get("label")
        if label == Label.POLICY_ASSIGNMENT:
            policies.setdefault(str(data.get("scope")), []).append(data)
        elif label == Label.DEFENDER_PRICING and data.get("pricingTier") == "Standard":
            standard.setdefault(str(data.get("subscriptionId")), set()).add(str(data.get("name")))
        elif label == Label.SECURITY_CONTACT and data.get("emails"):
            contacts.add(str(data.get("subscriptionId")))
    subs = sorted(s for s in production if s in observed.subscriptions_crawled)
    if not subs or not (policies or standard or contacts):
        return []
    chains = [observed.subscription_info[s].ancestors for s in subs]
    shared = [a for a in chains[0] if all(a in chain for chain in chains[1:])]
    root = shared[0] if shared else None
    effect = [_in_effect(policies, s, observed.subscription_info[s].ancestors) for s in subs]
    common = {d: n for d, n in effect[0].items() if all(d in e for e in effect[1:])}
    plans = sorted(set.intersection(*(standard.get(s, set()) for s in subs)))
    lines = [
        f"# Proposed from what all {len(subs)} production subscriptions share today; review it.",
        "governance:",
        "  applies_to: connected",
    ]
    if root:
        lines.append(f"  root_management_group: {_q(root)}")
    if common:
        lines.append("  policy_assignments:")
        for definition, name in sorted(common.items(), key=lambda item: item[1]):
            lines.append(f"    - definition: {_q(definition)}")
            lines.append(f"      name: {_q(name)}")
    if plans:
        lines.append(f"  defender_plans: [{', '.join(plans)}]")
    if all(s in contacts for s in subs):
        lines.append("  security_contact: true")
    lines.append("  # readers: the security team's group and roles cannot be guessed; add them")
    return lines

"""The state one build carries: the graph, what is known about subscriptions and tenants,
and the few facts that can only be resolved once every resource has been read."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import orjson

from graph.build.ids import last_segment, resource_group_of
from graph.schema import Label, Rel, edge_key, label_for_type, subscription_of

_intern = sys.intern


def as_json(value: Any) -> str:
    """A structured ARM value as the JSON string the stores keep."""
    return orjson.dumps(value).decode()


def str_list(value: Any) -> list[str]:
    """A list of scalars as strings (ARM sometimes sends a single string where a list is usual)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if v is not None and not isinstance(v, dict | list)]
    return []


@dataclass(slots=True)
class LoadBalancerRules:
    """What a load balancer's rules need once every NIC has been read."""

    lb: str
    sku: str | None
    # (ruleId, protocol, frontendPort, backendPort, frontendIPConfigId, poolIds)
    rules: list[tuple[str, str | None, Any, Any, str | None, tuple[str, ...]]]
    # (ruleId, protocol, frontendPort, rangeStart, rangeEnd, backendPort, frontendIPConfigId,
    #  backendIPConfigurationId, poolId)
    nat_rules: list[tuple[str, str | None, Any, Any, Any, Any, str | None, str | None, str | None]]
    nat_pools: int


@dataclass(slots=True)
class FirewallNat:
    """A firewall's DNAT sources: classic rules, its policy, and its VNet for IP resolution."""

    firewall: str
    classic: list[tuple[str, dict[str, Any]]]  # (collection name, rule)
    policy: str | None
    vnet: str | None


@dataclass(slots=True)
class PolicyNat:
    """A firewall policy's NAT rules and its base policy."""

    base: str | None
    # (rule collection group name, rule collection name, rule)
    rules: list[tuple[str, str, dict[str, Any]]]


@dataclass
class BuildContext:
    """Everything one build knows while it streams resources."""

    g: nx.MultiDiGraph
    known_tenants: dict[str, dict[str, Any]]  # tenants.json by lower-cased id
    sub_tenant: dict[str, str]  # subscription -> tenant, from every source
    listed_subs: set[str]  # in subscriptions.json
    tree_subs: set[str]  # in the management-group tree
    crawled_subs: set[str]
    foreign_subs: dict[str, dict[str, Any]]  # foreign.json by subscription
    # deferred facts
    pool_members: dict[str, list[str]] = field(default_factory=dict)
    pool_addresses: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)
    nat_targets: dict[str, list[str]] = field(default_factory=dict)
    load_balancers: list[LoadBalancerRules] = field(default_factory=list)
    firewalls: list[FirewallNat] = field(default_factory=list)
    policies: dict[str, PolicyNat] = field(default_factory=dict)
    waf_policies: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    app_gateways: list[tuple[str, str | None, str]] = field(default_factory=list)
    registration_definitions: dict[str, str] = field(default_factory=dict)
    # (subscription, definition id, managing tenant or None)
    registration_assignments: list[tuple[str, str, str | None]] = field(default_factory=list)
    # hints for placeholders: original id spelling and facts the link carries
    hints: dict[str, dict[str, Any]] = field(default_factory=dict)
    tenant_refs: set[str] = field(default_factory=set)
    subscription_refs: set[str] = field(default_factory=set)

    # -- nodes ---------------------------------------------------------------

    def base_props(
        self,
        res: dict[str, Any],
        nid: str,
        label: Label,
        arm_type: str,
        *,
        location: Any = None,
        properties: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The properties every resource node has (absent when unknown, never null)."""
        arm_id = res.get("id") or nid
        props: dict[str, Any] = {
            "id": nid,
            "label": _intern(label.value),
            "name": res.get("name") or last_segment(arm_id),
            "armId": arm_id,
            "type": _intern(arm_type),
            "foreign": False,
        }
        sub = subscription_of(nid)
        if sub:
            props["subscriptionId"] = _intern(sub)
            tenant = self.sub_tenant.get(sub)
            if tenant:
                props["tenantId"] = tenant
        rg = resource_group_of(arm_id)
        if rg:
            props["resourceGroup"] = _intern(rg)
        loc = res.get("location") or location
        if isinstance(loc, str):
            props["location"] = _intern(loc)
        p = properties if properties is not None else res.get("properties")
        if isinstance(p, dict):
            state = p.get("provisioningState")
            if isinstance(state, str):
                props["provisioningState"] = _intern(state)
        return props

    def add(self, nid: str, props: dict[str, Any]) -> None:
        """Add (or complete) a node; unknown values are left out."""
        self.g.add_node(nid, **{k: v for k, v in props.items() if v is not None})

    def edge(self, src: str, dst: str, rel: Rel, disc: str = "", **props: Any) -> None:
        """Add an edge; its key is unique per (source, target) pair (schema.edge_key)."""
        attrs = {k: v for k, v in props.items() if v is not None}
        self.g.add_edge(src, dst, key=edge_key(rel, disc), type=rel.value, **attrs)

    def contain(self, nid: str) -> None:
        """Subscription CONTAINS a top-level resource."""
        sub = subscription_of(nid)
        if sub:
            self.subscription_refs.add(sub)
            self.edge(sub, nid, Rel.CONTAINS)

    def hint(self, nid: str, **facts: Any) -> None:
        """Remember what a link says about its target, for a placeholder if the crawl never reads it."""
        if nid in self.g and "label" in self.g.nodes[nid]:
            return
        self.hints.setdefault(nid, {}).update({k: v for k, v in facts.items() if v is not None})

    def label_of(self, nid: str) -> Label:
        return label_for_type_id(nid)


def label_for_type_id(nid: str) -> Label:
    from graph.build.ids import arm_type_of

    return label_for_type(arm_type_of(nid))

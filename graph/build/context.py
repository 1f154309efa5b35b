"""The state one build carries: the graph, what is known about subscriptions and tenants,
and the few facts that can only be resolved once every resource has been read."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import orjson

from graph.build.ids import last_segment
from graph.schema import Label, Rel, subscription_of

_intern = sys.intern
_CONTAINS = Rel.CONTAINS


def interned(value: Any) -> Any:
    """A string value many nodes repeat (a VM size, an OS type), kept once; any other as is."""
    return _intern(value) if type(value) is str else value


def as_json(value: Any) -> str:
    """A structured ARM value as the JSON string the stores keep.

    Keys are sorted so that the same value always gives the same string, whichever crawl
    mode (or estate file) spelled it: otherwise key order alone would show as a change.
    """
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def str_list(value: Any) -> list[str]:
    """A list of scalars as strings (ARM sometimes sends a single string where a list is usual)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if v is not None and not isinstance(v, dict | list)]
    return []


class SharedKeys(dict[str, Any]):
    """The keyed dict (edge key -> attributes) of every pair joined by one plain edge of
    a type: one object for hundreds of thousands of pairs, so it refuses changes (a
    change would reach every pair). Copy the graph (``g.copy()``) before changing it."""

    __slots__ = ()

    def _read_only(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            "a built graph's adjacency is shared between edges: copy it (g.copy()) to change it"
        )

    __setitem__ = __delitem__ = _read_only
    clear = pop = popitem = setdefault = update = __ior__ = _read_only

    def __reduce__(self) -> tuple[type[SharedKeys], tuple[dict[str, Any]]]:
        # pickle and copy.deepcopy fill a dict subclass item by item otherwise
        return SharedKeys, (dict(self),)


@dataclass(slots=True)
class LoadBalancerRules:
    """What a load balancer's rules need once every NIC has been read."""

    lb: str
    sku: str | None
    # (ruleId, protocol, frontendPort, backendPort, frontendIPConfigId, poolIds, floatingIP)
    rules: list[tuple[str, str | None, Any, Any, str | None, tuple[str, ...], bool]]
    # (ruleId, protocol, frontendPort, rangeStart, rangeEnd, backendPort, frontendIPConfigId,
    #  backendIPConfigurationId, poolId, floatingIP)
    nat_rules: list[
        tuple[str, str | None, Any, Any, Any, Any, str | None, str | None, str | None, bool]
    ]
    nat_pools: int


@dataclass(slots=True)
class FirewallNat:
    """A firewall's DNAT sources: classic rules, its policy, and its VNet for IP resolution."""

    firewall: str
    classic: list[tuple[str, dict[str, Any]]]  # (collection name, rule), in priority order
    policy: str | None
    vnet: str | None
    hub: str | None = None  # the virtual hub of a secured-hub firewall


@dataclass(slots=True)
class PolicyNat:
    """A firewall policy's NAT rules and its base policy."""

    base: str | None
    # (rule collection group name, rule collection name, rule), in processing order
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
    # private address -> (load balancer, frontend id, VNet) of internal frontends
    lb_frontends: dict[str, list[tuple[str, str, str | None]]] = field(default_factory=dict)
    firewalls: list[FirewallNat] = field(default_factory=list)
    policies: dict[str, PolicyNat] = field(default_factory=dict)
    waf_policies: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    app_gateways: list[tuple[str, str | None, str]] = field(default_factory=list)
    registration_definitions: dict[str, str] = field(default_factory=dict)
    # (subscription, definition id, managing tenant or None)
    registration_assignments: list[tuple[str, str, str | None]] = field(default_factory=list)
    # hints for placeholders: original id spelling and facts the link carries
    hints: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscription_refs: set[str] = field(default_factory=set)

    # -- nodes ---------------------------------------------------------------

    def __post_init__(self) -> None:
        # The build writes networkx's adjacency dicts directly, as networkx's own
        # add_edges_from does: add_node/add_edge cost more than the rest of the build.
        self._node = self.g._node
        self._succ = self.g._succ
        self._pred = self.g._pred
        self._plain: dict[str, dict[str, Any]] = {}
        self._keyed: dict[str, SharedKeys] = {}
        # subscription segment as an id spells it -> the lower-cased, interned GUID: a few
        # thousand subscriptions hold every resource, so each is lower-cased once
        self._sub_ids: dict[str, str] = {}

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
        nid = _intern(nid)  # one string per id: see edge()
        arm_id = res.get("id") or nid
        props: dict[str, Any] = {
            "id": nid,
            "label": label._value_,
            # names repeat (ipconfig1, default, one VM name in many subscriptions)
            "name": _intern(res.get("name") or last_segment(arm_id)),
            "armId": arm_id,
            "type": _intern(arm_type),
            "foreign": False,
        }
        # /subscriptions/<sub>/resourceGroups/<rg>/...
        parts = arm_id.split("/", 5)
        if len(parts) > 2:
            scope = parts[1]
            if scope == "subscriptions" or scope.lower() == "subscriptions":
                spelled = parts[2]
                sub = self._sub_ids.get(spelled)
                if sub is None:
                    sub = self._sub_ids[spelled] = _intern(spelled.lower())
                props["subscriptionId"] = sub
                tenant = self.sub_tenant.get(sub)
                if tenant:
                    props["tenantId"] = tenant
                if len(parts) > 4:
                    group = parts[3]
                    if group == "resourceGroups" or group.lower() == "resourcegroups":
                        props["resourceGroup"] = _intern(parts[4])
        loc = res.get("location") or location
        if type(loc) is str or isinstance(loc, str):
            props["location"] = _intern(loc)
        p = properties if properties is not None else res.get("properties")
        if type(p) is dict or isinstance(p, dict):
            state = p.get("provisioningState")
            if type(state) is str or isinstance(state, str):
                props["provisioningState"] = _intern(state)
        return props

    def add(self, nid: str, props: dict[str, Any]) -> None:
        """Add (or complete) a node; unknown values are left out."""
        nid = _intern(nid)
        if None in props.values():
            props = {k: v for k, v in props.items() if v is not None}
        existing = self._node.get(nid)
        if existing is None:
            self._node[nid] = props
            self._succ[nid] = {}
            self._pred[nid] = {}
        elif existing:
            existing.update(props)
        else:
            # a bare node an earlier edge made (a VM names its NIC before the NIC is read):
            # the new dict takes its place rather than being copied into it
            self._node[nid] = props

    def edge(self, src: str, dst: str, rel: Rel, disc: str = "", **props: Any) -> None:
        """Add an edge; its key is unique per (source, target) pair (schema.edge_key).

        Edges without properties of their own share one read-only attribute dict per type:
        most edges are such, and a dict each would cost hundreds of MB on a large estate.
        For the same reason a pair joined only by one such edge shares its keyed dict (key
        -> attributes) with every other such pair of that type (SharedKeys); a second edge
        between the pair gives it a dict of its own.

        Ids are interned: each reference to a resource is a fresh lower-cased string, and
        the adjacency dicts keep the one they were first given as key, so without it a
        large estate keeps a second copy of most ids (about 200 MB at 1,000,000 resources).
        """
        src = _intern(src)
        dst = _intern(dst)
        if not disc and not props:
            # _plain_edge, inlined: this is the path most edges take
            succ = self._succ
            out = succ.get(src)
            if out is None:
                self._node[src] = {}
                out = succ[src] = {}
                self._pred[src] = {}
            into = self._pred.get(dst)
            if into is None:
                self._node[dst] = {}
                succ[dst] = {}
                into = self._pred[dst] = {}
            value = rel._value_
            keyed = out.get(dst)
            if keyed is None:
                out[dst] = into[src] = self._keyed.get(value) or self._plain_keyed(value)
            elif value not in keyed:
                self._own_keyed(src, dst)[value] = self._plain_attrs(value)
            return
        self._ends(src, dst)
        value = rel._value_
        attrs = {k: v for k, v in props.items() if v is not None} if props else None
        if not disc and not attrs:
            self._plain_edge(src, dst, value)
            return
        key = f"{value}:{disc}" if disc else value
        keyed = self._own_keyed(src, dst)
        found = keyed.get(key)
        if not attrs:
            if found is None:
                keyed[key] = self._plain_attrs(value)
            return
        attrs["type"] = value
        if found is None or found is self._plain.get(value):
            keyed[key] = attrs
        else:
            found.update(attrs)

    def _ends(self, src: str, dst: str) -> None:
        """An edge's ends are nodes: a bare one until a resource or placeholder fills it."""
        succ = self._succ
        if src not in succ:
            self._node[src] = {}
            succ[src] = {}
            self._pred[src] = {}
        if dst not in succ:
            self._node[dst] = {}
            succ[dst] = {}
            self._pred[dst] = {}

    def _plain_edge(self, src: str, dst: str, value: str) -> None:
        """edge() for an edge with no discriminator or properties of its own (most of them)."""
        self._ends(src, dst)
        out = self._succ[src]
        keyed = out.get(dst)
        if keyed is None:
            shared = self._keyed.get(value) or self._plain_keyed(value)
            out[dst] = self._pred[dst][src] = shared
        elif value not in keyed:
            self._own_keyed(src, dst)[value] = self._plain_attrs(value)

    def _own_keyed(self, src: str, dst: str) -> dict[str, Any]:
        """The pair's keyed dict, to change: made, or copied from a shared one, as needed."""
        out = self._succ[src]
        keyed = out.get(dst)
        if keyed is None:
            keyed = out[dst] = self._pred[dst][src] = {}
        elif type(keyed) is SharedKeys:
            keyed = out[dst] = self._pred[dst][src] = dict(keyed)
        return keyed

    def _plain_attrs(self, value: str) -> dict[str, Any]:
        shared = self._plain.get(value)
        if shared is None:
            shared = self._plain[value] = {"type": value}
        return shared

    def _plain_keyed(self, value: str) -> SharedKeys:
        shared = self._keyed.get(value)
        if shared is None:
            shared = self._keyed[value] = SharedKeys({value: self._plain_attrs(value)})
        return shared

    def contain(self, nid: str) -> None:
        """Subscription CONTAINS a top-level resource."""
        sub: str | None
        if nid.startswith("/subscriptions/"):
            end = nid.find("/", 15)
            sub = nid[15:] if end < 0 else nid[15:end]
        else:
            sub = subscription_of(nid)
        if sub:
            sub = _intern(sub)
            self.subscription_refs.add(sub)
            self.edge(sub, nid, _CONTAINS)

    def hint(self, nid: str, **facts: Any) -> None:
        """Remember what a link says about its target, for a placeholder if the crawl never reads it."""
        if nid in self.g and "label" in self.g.nodes[nid]:
            return
        self.hints.setdefault(nid, {}).update({k: v for k, v in facts.items() if v is not None})

"""What the run observed beyond its own estate: tenants, subscriptions, circuits, sites.

Every observation names its channel (findings.md) and carries the chain of
evidence from our estate to the foreign thing, as graph edges with the
schema's relationship names. Listing data (tenants, subscriptions, the
management-group tree, foreign.json) comes from the nodes the build made of
them, links from the graph's edges, and what belongs to the run (who crawled,
what was read completely) from its crawl record: nothing here reads the snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import networkx as nx

from graph.analysis.walk import label_of, labels_in, nodes_of
from graph.build.identity import CHANNELS as IDENTITY_CHANNELS
from graph.build.registry import MODEL_EDGES
from graph.crawl_record import CrawlRecord
from graph.schema import ALIAS_PREFIX, Label, Rel, subscription_of

TENANT_LIST = "tenant-list"
SUBSCRIPTION = "subscription"
MANAGEMENT_GROUP_TREE = "management-group-tree"
LIGHTHOUSE = "lighthouse"
VNET_PEERING = "vnet-peering"
GATEWAY_CONNECTION = "gateway-connection"
EXPRESSROUTE_AUTHORIZATION = "expressroute-authorization"
EXPRESSROUTE_GLOBAL_REACH = "expressroute-global-reach"
VWAN_HUB_CONNECTION = "vwan-hub-connection"
PRIVATE_ENDPOINT = "private-endpoint"
PRIVATE_ENDPOINT_INBOUND = "private-endpoint-inbound"
NETWORK_MANAGER = "network-manager"
# topology-only channels (links to what lies outside Azure)
SITE_TO_SITE = "site-to-site"
EXPRESSROUTE = "expressroute"

CHANNELS: tuple[str, ...] = (
    TENANT_LIST,
    SUBSCRIPTION,
    MANAGEMENT_GROUP_TREE,
    LIGHTHOUSE,
    VNET_PEERING,
    GATEWAY_CONNECTION,
    EXPRESSROUTE_AUTHORIZATION,
    EXPRESSROUTE_GLOBAL_REACH,
    VWAN_HUB_CONNECTION,
    PRIVATE_ENDPOINT,
    PRIVATE_ENDPOINT_INBOUND,
    NETWORK_MANAGER,
)
LISTING_CHANNELS = frozenset({TENANT_LIST, SUBSCRIPTION, MANAGEMENT_GROUP_TREE, LIGHTHOUSE})
NETWORK_CHANNELS = frozenset(CHANNELS) - LISTING_CHANNELS
_CHANNEL_ORDER = {
    c: i for i, c in enumerate((*CHANNELS, *IDENTITY_CHANNELS, SITE_TO_SITE, EXPRESSROUTE))
}

# private endpoint connection states that no longer link anything (findings.md)
_DEAD_PRIVATE_LINK = frozenset({"rejected", "disconnected"})
_MG_PREFIX = "/providers/microsoft.management/managementgroups/"


def step(src: str, rel: str | None, dst: str, channel: str | None, **extra: Any) -> dict[str, Any]:
    """One evidence item: a graph edge (relationship name from the schema) and its channel."""
    item: dict[str, Any] = {"from": src, "relation": rel, "to": dst, "channel": channel}
    item.update({k: v for k, v in extra.items() if v is not None})
    return item


@dataclass(frozen=True)
class Observation:
    """One sighting of something beyond a node of ours, through one channel."""

    channel: str
    near: str  # the node on our side (a tenant id for listing channels)
    far: str  # the node seen (resource id, subscription id, tenant id or alias)
    evidence: tuple[dict[str, Any], ...]
    scope: frozenset[str]  # our side: crawled subscriptions and/or tenants
    near_tenant: str | None
    far_subscription: str | None = None
    far_tenant: str | None = None
    state: str | None = None
    # access channels (identity-links.md): (role definition GUID, scope) behind it
    access: tuple[tuple[str, str], ...] = ()

    def sort_key(self) -> tuple[int, str, str]:
        return (_CHANNEL_ORDER.get(self.channel, 99), self.near, self.far)


@dataclass
class SubscriptionInfo:
    """What the listings say about one subscription."""

    id: str
    tenant_id: str | None = None
    name: str | None = None
    state: str | None = None
    listed: bool = False  # in subscriptions.json
    in_tree: bool = False  # in the management-group tree
    tree_tenant: str | None = None
    ancestors: tuple[str, ...] = ()  # management-group names above it, nearest first
    resolution: str | None = None  # foreign.json status
    note: str | None = None  # not-found / unresolved


@dataclass
class Observed:
    """Everything observed, keyed by lower-cased id."""

    principal_tenant: str | None
    tenants_crawled: frozenset[str]
    subscriptions_crawled: frozenset[str]
    home_tenants: list[str]
    tenant_names: dict[str, str] = field(default_factory=dict)
    tenant_categories: dict[str, str] = field(default_factory=dict)
    subscription_info: dict[str, SubscriptionInfo] = field(default_factory=dict)
    tenants: dict[str, list[Observation]] = field(default_factory=dict)
    subscriptions: dict[str, list[Observation]] = field(default_factory=dict)
    circuits: dict[str, list[Observation]] = field(default_factory=dict)
    sites: dict[str, list[Observation]] = field(default_factory=dict)
    aliases: dict[str, list[Observation]] = field(default_factory=dict)
    links: list[Observation] = field(default_factory=list)
    mg_tenants: dict[str, str] = field(default_factory=dict)  # management group name -> tenant
    # values the analyses could not read (coverage.misshapen, beside the shape notes)
    value_notes: list[dict[str, str]] = field(default_factory=list)

    def tenant_of(self, subscription_id: str | None) -> str | None:
        if not subscription_id:
            return None
        info = self.subscription_info.get(subscription_id)
        return info.tenant_id if info else None


def _lower(value: Any) -> str | None:
    return str(value).strip().lower() if value else None


def _add(index: dict[str, list[Observation]], key: str, obs: Observation) -> None:
    index.setdefault(key, []).append(obs)


# ------------------------------------------------------------------ listings


_DIRECTORY_LABELS = (Label.TENANT, Label.SUBSCRIPTION, Label.MANAGEMENT_GROUP)
Nodes = list[tuple[str, dict[str, Any]]]


def _directory(graph: nx.MultiDiGraph) -> dict[str, Nodes]:
    """The tenant, subscription and management-group nodes, by label, each in id order
    (a graph a store gives back and one just built alike), in one pass over the nodes
    (or none, inside `labels_indexed`)."""
    found: dict[str, Nodes] = {label: [] for label in _DIRECTORY_LABELS}
    for node, data in nodes_of(graph, *_DIRECTORY_LABELS):
        found[data["label"]].append((str(node), data))
    for nodes in found.values():
        nodes.sort(key=lambda item: item[0])
    return found


def _listings(graph: nx.MultiDiGraph, directory: dict[str, Nodes], out: Observed) -> None:
    """Tenants_List, Subscriptions_List, the management-group tree and foreign.json,
    as the build made them into Tenant and Subscription nodes."""
    principal = out.principal_tenant
    info = out.subscription_info

    def sub(sid: str) -> SubscriptionInfo:
        if sid not in info:
            info[sid] = SubscriptionInfo(id=sid)
        return info[sid]

    subscriptions = directory[Label.SUBSCRIPTION]
    for ten, data in directory[Label.TENANT]:
        if data.get("foreign"):
            continue  # not in Tenants_List: a tenant only links or listings name
        name = data.get("name")
        # the build names a tenant without displayName by its id: the domain reads better
        out.tenant_names[ten] = name if name and name != ten else data.get("defaultDomain") or ten
        category = data.get("category")
        if category:
            out.tenant_categories[ten] = str(category)
        near = principal or ten
        obs = Observation(
            channel=TENANT_LIST,
            near=near,
            far=ten,
            evidence=(step(near, None, ten, TENANT_LIST, state=category, note="Tenants_List"),),
            scope=frozenset({near}),
            near_tenant=near,
            far_tenant=ten,
            state=category,
        )
        _add(out.tenants, ten, obs)

    for sid, data in subscriptions:
        if not data.get("listed"):
            continue
        tid = _lower(data.get("tenantId"))
        record = sub(sid)
        record.listed = True
        record.tenant_id = tid or record.tenant_id
        name = data.get("name")
        record.name = name if name and name != sid else record.name
        record.state = data.get("state") or record.state
        lister = tid if tid in out.tenants_crawled else (principal or tid)
        scope = frozenset({lister}) if lister else frozenset()
        obs = Observation(
            channel=SUBSCRIPTION,
            near=lister or sid,
            far=sid,
            evidence=(step(tid or "", Rel.CONTAINS.value, sid, SUBSCRIPTION, state=record.state),),
            scope=scope,
            near_tenant=tid,
            far_subscription=sid,
            far_tenant=tid,
            state=record.state,
        )
        _add(out.subscriptions, sid, obs)
        if tid:
            _add(out.tenants, tid, obs)
        for managing in data.get("managedByTenants") or []:
            mtid = _lower(managing)
            if mtid:
                _lighthouse(out, sid, tid, mtid, "managedByTenants")

    _tree(graph, out, sub, directory)

    for sid, data in subscriptions:
        record = sub(sid)
        if not record.tenant_id and data.get("tenantId"):
            record.tenant_id = _lower(data.get("tenantId"))
        if not record.name and data.get("name") and data.get("name") != sid:
            record.name = str(data["name"])
        if not record.state and data.get("state"):
            record.state = str(data["state"])
        if record.resolution is None and data.get("resolution"):
            record.resolution = str(data["resolution"])
            if record.resolution == "not-found":
                record.note = "not-found"
            elif record.resolution not in ("resolved", "not-found"):
                record.note = "unresolved"


def _parent_group(graph: nx.MultiDiGraph, node: str) -> str | None:
    """The management group holding a node (its CONTAINS edge from the tree)."""
    for parent, _, data in graph.in_edges(node, data=True):
        if data.get("type") == Rel.CONTAINS and str(parent).startswith(_MG_PREFIX):
            return str(parent)
    return None


def _tree(graph: nx.MultiDiGraph, out: Observed, sub: Any, directory: dict[str, Nodes]) -> None:
    for ident, data in directory[Label.MANAGEMENT_GROUP]:
        tid = _lower(data.get("tenantId"))
        if ident.startswith(_MG_PREFIX) and tid:
            out.mg_tenants[ident.rsplit("/", 1)[-1]] = tid
    for sid, data in directory[Label.SUBSCRIPTION]:
        if not data.get("inManagementGroupTree"):
            continue
        tid = _lower(data.get("managementGroupTenantId"))
        chain: list[str] = []
        cursor = _parent_group(graph, sid)
        while cursor and cursor not in chain:
            chain.append(cursor)
            cursor = _parent_group(graph, cursor)
        names = tuple(c.rsplit("/", 1)[-1] for c in chain)
        extra = tuple(str(n).lower() for n in data.get("parentNameChain") or [])
        record = sub(sid)
        record.in_tree = True
        record.tree_tenant = tid
        record.ancestors = tuple(dict.fromkeys((*names, *extra)))
        if not record.tenant_id:
            record.tenant_id = tid
        path = [tid or "", *reversed(chain), sid]
        evidence = tuple(
            step(a, Rel.CONTAINS.value, b, MANAGEMENT_GROUP_TREE) for a, b in pairwise(path)
        )
        obs = Observation(
            channel=MANAGEMENT_GROUP_TREE,
            near=tid or sid,
            far=sid,
            evidence=evidence,
            scope=frozenset({tid}) if tid else frozenset(),
            near_tenant=tid,
            far_subscription=sid,
            far_tenant=tid,
        )
        _add(out.subscriptions, sid, obs)
        if tid:
            _add(out.tenants, tid, obs)


def _lighthouse(
    out: Observed, sid: str, tid: str | None, managing: str, via: str, definition: str | None = None
) -> None:
    scope = frozenset({sid}) if sid in out.subscriptions_crawled else frozenset()
    obs = Observation(
        channel=LIGHTHOUSE,
        near=sid,
        far=managing,
        evidence=(
            step(sid, Rel.MANAGED_BY.value, managing, LIGHTHOUSE, via=via, definitionId=definition),
        ),
        scope=scope,
        near_tenant=tid,
        far_tenant=managing,
    )
    out.links.append(obs)
    _add(out.tenants, managing, obs)


# ------------------------------------------------------------------ links in the graph


def _subscription(graph: nx.MultiDiGraph, node: str) -> str | None:
    data = graph.nodes[node] if node in graph else {}
    value = data.get("subscriptionId")
    return str(value).lower() if value else subscription_of(node)


def _alias(graph: nx.MultiDiGraph, node: str) -> str | None:
    if node.startswith(ALIAS_PREFIX):
        return node[len(ALIAS_PREFIX) :]
    data = graph.nodes[node] if node in graph else {}
    alias = data.get("alias")
    if alias:
        return str(alias).lower()
    if node.endswith(".azure.privatelinkservice"):
        return node
    return None


def _classify(
    graph: nx.MultiDiGraph, u: str, v: str, data: dict[str, Any]
) -> tuple[str, str, str, str | None] | None:
    """(channel, near, far, state) of a link edge, or None when it is no link of ours."""
    rel = data.get("type")
    if rel == Rel.PEERS_WITH:
        if data.get("hubManaged"):
            return None
        return VNET_PEERING, u, v, data.get("peeringState")
    if rel == Rel.CONNECTS_TO:
        lu, lv = label_of(graph, u), label_of(graph, v)
        state = data.get("connectionStatus") or data.get("state")
        if lu == Label.CONNECTION and lv in (
            Label.VNET_GATEWAY,
            Label.EXPRESSROUTE_CIRCUIT,
            Label.LOCAL_NETWORK_GATEWAY,
        ):
            if lv == Label.LOCAL_NETWORK_GATEWAY:
                return SITE_TO_SITE, u, v, state
            return GATEWAY_CONNECTION, u, v, state
        if lu == Label.EXPRESSROUTE_GATEWAY and lv == Label.EXPRESSROUTE_CIRCUIT:
            return GATEWAY_CONNECTION, u, v, state
        if lu == Label.VIRTUAL_HUB and lv == Label.VIRTUAL_NETWORK:
            return VWAN_HUB_CONNECTION, u, v, state
        if lu == Label.VPN_GATEWAY and lv == Label.VPN_SITE:
            return SITE_TO_SITE, u, v, state
        if lu == Label.NETWORK_MANAGER_CONNECTION and lv == Label.NETWORK_MANAGER:
            return NETWORK_MANAGER, u, v, state
        return None
    if rel == Rel.REDEEMED_BY:
        return EXPRESSROUTE_AUTHORIZATION, u, v, data.get("authorizationUseStatus")
    if rel == Rel.GLOBAL_REACH:
        return EXPRESSROUTE_GLOBAL_REACH, u, v, data.get("circuitConnectionStatus")
    if rel == Rel.PRIVATE_LINK:
        status = data.get("status")
        if status and str(status).lower() in _DEAD_PRIVATE_LINK:
            return None
        if data.get("direction") == "inbound":
            return PRIVATE_ENDPOINT_INBOUND, v, u, status
        return PRIVATE_ENDPOINT, u, v, status
    return None


_LINK_RELS = frozenset(
    {Rel.PEERS_WITH, Rel.CONNECTS_TO, Rel.REDEEMED_BY, Rel.GLOBAL_REACH, Rel.PRIVATE_LINK}
)
_OBSERVED_RELS = _LINK_RELS | {Rel.MANAGED_BY}


def _owner_steps(graph: nx.MultiDiGraph, node: str, far: str, channel: str) -> list[dict[str, Any]]:
    """Where our side of a link sits: the circuit holding an authorization, the gateway
    a connection starts from, the hub a Virtual WAN gateway belongs to."""
    label = label_of(graph, node)
    if label == Label.EXPRESSROUTE_AUTHORIZATION:
        for parent, _, data in graph.in_edges(node, data=True):
            if data.get("type") == Rel.CONTAINS and (
                label_of(graph, parent) == Label.EXPRESSROUTE_CIRCUIT
            ):
                return [step(parent, Rel.CONTAINS.value, node, channel)]
    elif label == Label.CONNECTION:
        for _, target, data in graph.out_edges(node, data=True):
            if (
                data.get("type") == Rel.CONNECTS_TO
                and data.get("end") == "gateway1"
                and (target != far)
            ):
                return [step(node, Rel.CONNECTS_TO.value, target, channel, end="gateway1")]
    elif label in (Label.VPN_GATEWAY, Label.EXPRESSROUTE_GATEWAY):
        for _, target, data in graph.out_edges(node, data=True):
            if data.get("type") == Rel.PART_OF:
                return [step(node, Rel.PART_OF.value, target, channel)]
    return []


# Labels the build declares without any edge _links reads leaving them (graph/build/
# registry.py, MODEL_EDGES; tests/graph/test_resource_types.py holds the build to it):
# VMs, NICs, IP configurations and public IPs, most of a large graph, are not walked.
# A node with a label not declared at all is walked.
_LINK_JOINS = [
    (a.value, b.value) for a, rel, b in MODEL_EDGES if rel in _OBSERVED_RELS | {Rel.TRUSTS}
]
_NO_LINK_SOURCE = frozenset(label.value for label in Label) - {a for a, _ in _LINK_JOINS}
# Labels whose edges _links reads all end at a tenant (a subscription's MANAGED_BY): such a
# node is walked only when it points at a tenant, not through all it CONTAINS.
_TENANT_LINKS_ONLY = frozenset(
    a for a, _ in _LINK_JOINS if all(b == Label.TENANT for x, b in _LINK_JOINS if x == a)
)


def _links(graph: nx.MultiDiGraph, out: Observed) -> None:
    # imported here: identity_links builds on this module's Observation
    from graph.analysis.identity_links import observe_trust

    ours = out.subscriptions_crawled | {
        sid for sid, info in out.subscription_info.items() if info.listed
    }
    trusts = Rel.TRUSTS.value
    sources = [label for label in labels_in(graph) if label not in _NO_LINK_SOURCE]
    adjacency, predecessors = graph._adj, graph._pred
    at_tenants = {u for t, _ in nodes_of(graph, Label.TENANT) for u in predecessors[t]}
    # the adjacency dicts directly: a third of the time of graph.edges(data=True) at 2.5M
    # edges; the sources in the graph's node order, as a walk over every node meets them
    for u, attrs in nodes_of(graph, *sources):
        if attrs.get("label") in _TENANT_LINKS_ONLY and u not in at_tenants:
            continue
        for v, keyed in adjacency[u].items():
            for data in keyed.values():
                kind = data.get("type")
                if kind == trusts:
                    observe_trust(graph, out, ours, u, v, data)
                elif kind in _OBSERVED_RELS:
                    _link(graph, out, ours, u, v, data)


def _link(
    graph: nx.MultiDiGraph,
    out: Observed,
    ours: frozenset[str] | set[str],
    u: str,
    v: str,
    data: dict[str, Any],
) -> None:
    """One edge: an observation when it links something of ours to something beyond it."""
    rel = data.get("type")
    if rel == Rel.MANAGED_BY:
        sid = str(u).lower()
        managing = str(v).lower()
        _lighthouse(
            out,
            sid,
            out.tenant_of(sid),
            managing,
            str(data.get("via") or "managedByTenants"),
            data.get("definitionId"),
        )
        return
    if rel not in _LINK_RELS:
        return
    found = _classify(graph, u, v, data)
    if found is None:
        return
    channel, near, far, state = found
    near_sub, far_sub = _subscription(graph, near), _subscription(graph, far)
    near_ours = near_sub in ours and not graph.nodes[near].get("foreign")
    if not near_ours:
        if far_sub in ours and not graph.nodes[far].get("foreign") and channel != SITE_TO_SITE:
            near, far, near_sub, far_sub = far, near, far_sub, near_sub
        else:
            return
    near_sub = near_sub or ""
    alias = _alias(graph, far) if channel == PRIVATE_ENDPOINT else None
    if alias:
        far_sub = None
    far_tenant = out.tenant_of(far_sub)
    evidence = _owner_steps(graph, near, far, channel)
    # the edge as the graph holds it (an inbound private link points at our service)
    evidence.append(step(u, str(rel), v, channel, state=state))
    if far_sub and far_sub != near_sub:
        evidence.append(step(far_sub, Rel.CONTAINS.value, far, channel))
        if far_tenant:
            info = out.subscription_info.get(far_sub)
            note = "foreign.json" if info and info.resolution == "resolved" else None
            evidence.append(step(far_tenant, Rel.CONTAINS.value, far_sub, channel, note=note))
    obs = Observation(
        channel=channel,
        near=near,
        far=alias if alias else far,
        evidence=tuple(evidence),
        scope=frozenset({near_sub}) if near_sub in out.subscriptions_crawled else frozenset(),
        near_tenant=out.tenant_of(near_sub),
        far_subscription=far_sub,
        far_tenant=far_tenant,
        state=str(state) if state is not None else None,
    )
    out.links.append(obs)
    if alias:
        _add(out.aliases, alias, obs)
        return
    if channel == SITE_TO_SITE:
        _add(out.sites, far, obs)
        return
    if label_of(graph, far) == Label.EXPRESSROUTE_CIRCUIT:
        _add(out.circuits, far, obs)
    if far_sub and far_sub != near_sub:
        _add(out.subscriptions, far_sub, obs)
        if far_tenant:
            _add(out.tenants, far_tenant, obs)


def _nodes(graph: nx.MultiDiGraph, out: Observed) -> None:
    for node, data in nodes_of(graph, Label.EXPRESSROUTE_CIRCUIT, Label.REGISTRATION_DEFINITION):
        label = data.get("label")
        if label == Label.EXPRESSROUTE_CIRCUIT and not data.get("foreign"):
            sid = _subscription(graph, node)
            if sid not in out.subscriptions_crawled and not (
                sid in out.subscription_info and out.subscription_info[sid].listed
            ):
                continue
            obs = Observation(
                channel=SUBSCRIPTION,
                near=sid or "",
                far=node,
                evidence=(step(sid or "", Rel.CONTAINS.value, node, SUBSCRIPTION),),
                scope=frozenset({sid}) if sid in out.subscriptions_crawled else frozenset(),
                near_tenant=out.tenant_of(sid),
                far_subscription=sid,
                far_tenant=out.tenant_of(sid),
            )
            _add(out.circuits, node, obs)
        elif label == Label.REGISTRATION_DEFINITION and data.get("managedByTenantId"):
            sid = _subscription(graph, node)
            if sid:
                _lighthouse(
                    out,
                    sid,
                    out.tenant_of(sid),
                    str(data["managedByTenantId"]).lower(),
                    "registrationDefinition",
                    node,
                )


def _dedupe(index: dict[str, list[Observation]]) -> None:
    for key, items in index.items():
        unique: dict[tuple[str, str, str], Observation] = {}
        for obs in items:
            unique.setdefault((obs.channel, obs.near, obs.far), obs)
        index[key] = sorted(unique.values(), key=Observation.sort_key)


def observe(graph: nx.MultiDiGraph, crawl: CrawlRecord) -> Observed:
    """Every tenant, subscription, circuit, site and alias the run observed, with evidence."""
    principal = crawl.principal_tenant
    directory = _directory(graph)
    home = [
        tid
        for tid, data in directory[Label.TENANT]
        if not data.get("foreign") and str(data.get("category") or "Home") == "Home"
    ]
    if principal and principal not in home:
        home.insert(0, principal)
    out = Observed(
        principal_tenant=principal,
        tenants_crawled=crawl.tenants_crawled,
        subscriptions_crawled=crawl.subscriptions_crawled,
        home_tenants=home,
    )
    _listings(graph, directory, out)
    _nodes(graph, out)
    _links(graph, out)
    for index in (out.tenants, out.subscriptions, out.circuits, out.sites, out.aliases):
        _dedupe(index)
    unique_links: dict[tuple[str, str, str], Observation] = {}
    for obs in out.links:
        unique_links.setdefault((obs.channel, obs.near, obs.far), obs)
    out.links = sorted(unique_links.values(), key=Observation.sort_key)
    return out


def iter_evidence(observations: Iterable[Observation], limit: int) -> Iterator[dict[str, Any]]:
    """The evidence of the first ``limit`` observations, in order."""
    for obs in list(observations)[:limit]:
        yield from obs.evidence

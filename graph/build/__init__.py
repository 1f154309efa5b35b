"""Build the graph (networkx.MultiDiGraph, schema.py rules) from a snapshot.

One streaming pass over resources.jsonl turns each resource into its node(s) and
the edges it names; a second step (`resolve`) adds what needs every resource read
first (load-balancer and DNAT targets, WAF modes, Lighthouse assignments,
placeholders for what links name but the crawl could not read, internet exposure).
"""

from __future__ import annotations

import gc
import sys
from typing import Any

import networkx as nx

from graph.build import identity, links
from graph.build.context import BuildContext
from graph.build.directory import (
    add_management_groups,
    add_subscriptions,
    add_tenants,
    index_directory,
    mark_resolutions,
)
from graph.build.registry import HANDLERS, label_for_type
from graph.build.resolve import resolve
from graph.collector import collector_paused
from graph.schema import node_id, subscription_id, tenant_id
from graph.snapshot import Snapshot


def _other_resource(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    """A type the build does not model in detail: a node, and its private endpoint links."""
    ctx.add(nid, ctx.base_props(res, nid, label_for_type(arm_type), arm_type))
    ctx.contain(nid)
    p = res.get("properties")
    if isinstance(p, dict):
        links.inbound_private_links(ctx, nid, p)


# identity-links.md: the channels of role assignments, private link services and storage
# accounts, whose types other modules declare (graph/build/identity.py)
HANDLERS.update(identity.handlers(HANDLERS, _other_resource))


def new_context(snap: Snapshot) -> BuildContext:
    foreign: dict[str, dict[str, Any]] = {}
    for item in snap.foreign:
        sub = item.get("subscriptionId")
        if isinstance(sub, str) and sub.strip():
            foreign[subscription_id(sub)] = item
    return BuildContext(
        g=nx.MultiDiGraph(),
        known_tenants={
            tenant_id(str(t.get("tenantId") or str(t.get("id", "")).rsplit("/", 1)[-1])): t
            for t in snap.tenants
            if t.get("tenantId") or t.get("id")
        },
        sub_tenant={},
        listed_subs=set(),
        tree_subs=set(),
        crawled_subs=set(snap.subscriptions_crawled),
        foreign_subs=foreign,
    )


def build_graph(snap: Snapshot) -> nx.MultiDiGraph:
    """The graph of one snapshot; see docs/graph-model.md for every label and relationship."""
    # Millions of small dicts and no reference cycles: the cyclic collector would rescan
    # the growing heap again and again, so it pauses for the build.
    with collector_paused():
        graph = _build(snap)
        # Everything the build made sits in the youngest generation, and the first
        # collection once the collector is back would walk all of it (then again as it
        # ages): a third of a second per 100,000 resources, for no cycle found. Moving it
        # to the oldest generation in one step leaves it to the rare full collections.
        gc.freeze()
        gc.unfreeze()
        return graph


def _build(snap: Snapshot) -> nx.MultiDiGraph:
    ctx = new_context(snap)
    index_directory(ctx, snap.subscriptions, snap.management_groups)
    add_tenants(ctx)
    add_subscriptions(ctx, snap.subscriptions)
    add_management_groups(ctx, snap.management_groups)
    mark_resolutions(ctx)
    # ARM type as spelled -> lower-cased and interned: an estate repeats a few dozen types
    arm_types: dict[str, str] = {}
    for res in snap.iter_resources():
        nid = node_id(res["id"])
        spelled = res["type"]
        arm_type = arm_types.get(spelled)
        if arm_type is None:
            arm_type = arm_types[spelled] = sys.intern(spelled.lower())
        HANDLERS.get(arm_type, _other_resource)(ctx, res, nid, arm_type)
    resolve(ctx)
    identity.resolve_delegated(ctx)
    # The build wrote networkx's dicts directly; drop any cached views networkx may hold.
    getattr(ctx.g, "__networkx_cache__", {}).clear()
    ctx.g.graph["createdAt"] = snap.manifest.get("createdAt")
    return ctx.g


__all__ = ["HANDLERS", "build_graph"]

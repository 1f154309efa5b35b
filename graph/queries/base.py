"""What every named query shares: the Query record, how it runs on a graph or a store,
and the few node look-ups the answers use.

Named queries are the questions architects ask of the graph, answered on a networkx graph.

Both stores' `read_graph()` return the same networkx graph, so every answer is the same
on SQLite and Neo4j. Each query has a name, a description, parameters, fixed result
columns and, where Cypher can say it, the Cypher text for Neo4j users
(`tenantmap query --list --cypher`). Rows are lists of dicts with exactly `columns`.
Only present items are considered unless `include_stale`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import networkx as nx

from graph.schema import ALIAS_PREFIX, Label
from graph.stores.common import RunRecord, trim_message

Row = dict[str, Any]


class GraphStore(Protocol):
    """What the named queries need of a store (graph.stores.Store has it)."""

    def read_graph(
        self, run_id: str | None = None, include_stale: bool = False
    ) -> nx.MultiDiGraph: ...

    def run_summaries(self) -> list[RunRecord]: ...

    def run_by_id(self, run_id: str) -> RunRecord | None: ...


def present_view(g: nx.MultiDiGraph, include_stale: bool = False) -> nx.MultiDiGraph:
    """The graph without stale items (present=false), unless include_stale."""
    if include_stale:
        return g

    def node_ok(n: str) -> bool:
        return g.nodes[n].get("present", True) is not False

    def edge_ok(u: str, v: str, k: str) -> bool:
        return g[u][v][k].get("present", True) is not False

    return nx.subgraph_view(g, filter_node=node_ok, filter_edge=edge_ok)


def name_of(g: nx.MultiDiGraph, n: str) -> str:
    return str(g.nodes[n].get("name") or n) if n in g else n


def tenant_of_node(g: nx.MultiDiGraph, n: str) -> str | None:
    """The tenant a node belongs to; alias:<...> for a private link service known by alias."""
    if n.startswith(ALIAS_PREFIX):
        return n
    if n not in g:
        return None
    data = g.nodes[n]
    if data.get("label") in (Label.TENANT.value, Label.EXTERNAL_PARTY.value):
        return n  # an external party (identity-links.md) stands for its unnamed tenant
    tenant = data.get("tenantId")
    return str(tenant) if tenant else None


def subscription_of_node(g: nx.MultiDiGraph, n: str) -> str | None:
    if n not in g:
        return None
    data = g.nodes[n]
    if data.get("label") == Label.SUBSCRIPTION.value:
        return n
    sub = data.get("subscriptionId")
    return str(sub) if sub else None


class QueryError(Exception):
    """A query's parameter names nothing in the graph; the message says what to give instead."""


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    params: tuple[str, ...]
    columns: tuple[str, ...]
    answer: Callable[..., list[Row]]
    cypher: str | None = None
    needs_previous: bool = False
    # answered from the latest completed run's report.json (what the graph alone cannot say)
    from_report: bool = False

    def run(
        self,
        graph: nx.MultiDiGraph,
        *params: str,
        include_stale: bool = False,
        previous: nx.MultiDiGraph | None = None,
    ) -> list[Row]:
        """Answer on a graph (for `changes`, `previous` is the previous run's graph)."""
        if len(params) != len(self.params):
            want = " ".join(p.upper() for p in self.params) or "no parameters"
            raise QueryError(f"query {self.name} takes {want}.")
        if self.from_report:
            raise QueryError(
                f"query {self.name} reads a run's report: ask a store that recorded runs."
            )
        g = present_view(graph, include_stale)
        if self.needs_previous:
            prev = present_view(previous, include_stale) if previous is not None else None
            rows = self.answer(g, prev)
        else:
            rows = self.answer(g, *params)
        return [{c: r.get(c) for c in self.columns} for r in rows]

    def run_on_store(
        self, store: GraphStore, *params: str, include_stale: bool = False
    ) -> list[Row]:
        """Answer on a store's latest graph (for `changes`: its two latest completed runs)."""
        if self.from_report:
            rows = self.answer(_latest_report(store))
            return [{c: r.get(c) for c in self.columns} for r in rows]
        if not self.needs_previous:
            return self.run(
                store.read_graph(None, include_stale), *params, include_stale=include_stale
            )
        latest, before = _two_latest_runs(store)
        current = store.read_graph(latest, include_stale) if latest else nx.MultiDiGraph()
        previous = store.read_graph(before, include_stale) if before else None
        return self.run(current, *params, include_stale=include_stale, previous=previous)


def _latest_report(store: GraphStore) -> dict[str, Any] | None:
    """The report of the latest completed run that has one, read alone (each run's report
    is about 122 MiB at 1,000,000 resources). A trimmed run (older than the retention)
    still counts as the latest: an older run's report would be passed off as its answer."""
    completed = [r for r in store.run_summaries() if r.outcome == "completed"]
    for summary in sorted(completed, key=lambda r: r.seq, reverse=True):
        run = summary if summary.trimmed else store.run_by_id(summary.id)
        if run is None:  # gone since the listing
            continue
        if run.trimmed:
            raise QueryError(trim_message(run.id))
        if run.report:
            return run.report
    return None


def _two_latest_runs(store: GraphStore) -> tuple[str | None, str | None]:
    """The latest two runs whose graph counts: completed with exit 0 or 1."""
    ordered = sorted(store.run_summaries(), key=lambda r: r.seq)
    ids = [r.id for r in ordered if r.counts_as_previous]
    latest = ids[-1] if ids else None
    before = ids[-2] if len(ids) > 1 else None
    return latest, before

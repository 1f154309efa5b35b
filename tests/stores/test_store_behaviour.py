"""What both stores do the same way (architecture.md "Stores and history", interfaces.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import networkx as nx
import pytest

from graph.schema import INTERNET_ID
from graph.stores import Store, StoreError
from tests.stores.estate import SUB_A, SUB_B, TENANT, content, small_estate, vnet_id

NIGHT1 = "2026-11-01T02:00:00Z"
NIGHT2 = "2026-11-02T02:00:00Z"
NIGHT3 = "2026-11-03T02:00:00Z"
ALL_SCOPES = {TENANT, SUB_A, SUB_B}


def record_run(
    store: Store,
    graph: nx.MultiDiGraph,
    seen_at: str,
    *,
    scopes: set[str] = ALL_SCOPES,
    outcome: str = "completed",
    exit_code: int = 0,
    findings: list[dict] | None = None,
    report: dict | None = None,
    crawl: dict | None = None,
) -> str:
    run_id = store.begin_run(seen_at, {"kind": "resource-graph", "endpoint": "test"}, "ab12")
    store.write_graph(run_id, graph, complete_scopes=scopes, seen_at=seen_at)
    store.finish_run(
        run_id,
        finished_at=seen_at.replace("02:00:00", "02:10:00"),
        outcome=outcome,  # type: ignore[arg-type]
        exit_code=exit_code,
        coverage={"complete": True, "subscriptionsCrawled": sorted(scopes)},
        findings=findings or [],
        report=report or {"format": "tenantmap.report/1", "run": {"id": run_id}},
        crawl=crawl,
    )
    return run_id


def as_written(graph: nx.MultiDiGraph) -> tuple[dict, dict]:
    """What a store should give back: structured values as canonical JSON strings."""
    nodes, edges = content(graph)
    for attrs in nodes.values():
        if isinstance(attrs.get("tags"), dict):
            attrs["tags"] = json.dumps(attrs["tags"], sort_keys=True, separators=(",", ":"))
    return nodes, edges


def test_written_graph_reads_back_with_the_same_nodes_edges_and_properties(store: Store) -> None:
    graph = small_estate()
    record_run(store, graph, NIGHT1)

    assert content(store.read_graph()) == as_written(graph)


def test_read_back_items_carry_first_seen_last_seen_and_present(store: Store) -> None:
    record_run(store, small_estate(), NIGHT1)
    record_run(store, small_estate(), NIGHT2)

    hub = store.read_graph().nodes[vnet_id(SUB_A, "hub")]
    assert (hub["firstSeen"], hub["lastSeen"], hub["present"]) == (NIGHT1, NIGHT2, True)


def test_structured_property_values_are_stored_as_json_strings(store: Store) -> None:
    record_run(store, small_estate(), NIGHT1)

    hub = store.read_graph().nodes[vnet_id(SUB_A, "hub")]
    assert isinstance(hub["tags"], str)
    assert json.loads(hub["tags"]) == {"env": "prod", "owner": "hub"}
    assert hub["addressPrefixes"] == ["10.0.0.0/16"]


def test_rewriting_the_same_graph_keeps_one_item_per_id(store: Store) -> None:
    graph = small_estate()
    run_id = record_run(store, graph, NIGHT1)
    store.write_graph(run_id, graph, complete_scopes=ALL_SCOPES, seen_at=NIGHT1)
    record_run(store, graph, NIGHT2)

    read = store.read_graph(include_stale=True)
    assert sorted(read.nodes) == sorted(graph.nodes)
    assert read.number_of_edges() == graph.number_of_edges()


def test_item_missing_from_a_completely_read_scope_is_marked_stale_with_last_seen_kept(
    store: Store,
) -> None:
    record_run(store, small_estate(), NIGHT1)
    record_run(store, small_estate(vnets_a=("hub",)), NIGHT2)

    spoke = vnet_id(SUB_A, "spoke1")
    assert spoke not in store.read_graph()
    stale = store.read_graph(include_stale=True)
    assert stale.nodes[spoke]["present"] is False
    assert stale.nodes[spoke]["lastSeen"] == NIGHT1
    peering = [k for _, _, k in stale.edges(vnet_id(SUB_A, "hub"), keys=True)]
    assert "PEERS_WITH:hub-to-spoke1" in peering


def test_edge_missing_from_a_complete_scope_is_marked_stale(store: Store) -> None:
    record_run(store, small_estate(), NIGHT1)
    without_peering = small_estate()
    without_peering.remove_edge(
        vnet_id(SUB_A, "hub"), vnet_id(SUB_A, "spoke1"), key="PEERS_WITH:hub-to-spoke1"
    )
    record_run(store, without_peering, NIGHT2)

    hub, spoke = vnet_id(SUB_A, "hub"), vnet_id(SUB_A, "spoke1")
    assert not store.read_graph().has_edge(hub, spoke)
    stale = store.read_graph(include_stale=True).edges[hub, spoke, "PEERS_WITH:hub-to-spoke1"]
    assert (stale["present"], stale["lastSeen"]) == (False, NIGHT1)


def test_item_of_a_failed_scope_stays_present_when_not_seen(store: Store) -> None:
    record_run(store, small_estate(), NIGHT1)
    # Subscription B failed tonight: its VNet was not read, and must not turn stale.
    record_run(store, small_estate(vnets_b=()), NIGHT2, scopes={TENANT, SUB_A})

    app = store.read_graph().nodes[vnet_id(SUB_B, "app")]
    assert app["present"] is True
    assert app["lastSeen"] == NIGHT1


def test_stale_item_seen_again_is_present_again_with_its_first_seen(store: Store) -> None:
    record_run(store, small_estate(), NIGHT1)
    record_run(store, small_estate(vnets_a=("hub",)), NIGHT2)
    record_run(store, small_estate(), NIGHT3)

    spoke = store.read_graph().nodes[vnet_id(SUB_A, "spoke1")]
    assert (spoke["present"], spoke["firstSeen"], spoke["lastSeen"]) == (True, NIGHT1, NIGHT3)


def test_stale_items_are_deleted_after_the_retention_period_and_not_before(store: Store) -> None:
    record_run(store, small_estate(), NIGHT1)
    record_run(store, small_estate(vnets_a=("hub",)), NIGHT2)
    spoke = vnet_id(SUB_A, "spoke1")

    store.purge(30, now=datetime(2026, 11, 20, tzinfo=UTC))
    assert spoke in store.read_graph(include_stale=True)

    store.purge(30, now=datetime(2026, 12, 5, tzinfo=UTC))
    after = store.read_graph(include_stale=True)
    assert spoke not in after
    assert vnet_id(SUB_A, "hub") in after  # present items are never purged
    assert not any(spoke in (s, t) for s, t in after.edges())


def test_purge_takes_a_present_edge_with_its_deleted_end(store: Store) -> None:
    record_run(store, small_estate(), NIGHT1)
    # Subscription B is gone; the tenant was not read completely, so its CONTAINS
    # edge to B stays present while B itself turns stale.
    without_b = small_estate(vnets_b=())
    without_b.remove_node(SUB_B)
    record_run(store, without_b, NIGHT2, scopes={SUB_A, SUB_B})
    assert store.read_graph(include_stale=True).has_edge(TENANT, SUB_B)

    store.purge(30, now=datetime(2026, 12, 5, tzinfo=UTC))
    assert SUB_B not in store.read_graph(include_stale=True)
    # B is back, seen without the tenant's edge: a purged edge cannot come back with it.
    back = small_estate(vnets_b=())
    back.remove_edge(TENANT, SUB_B)
    record_run(store, back, NIGHT3, scopes={SUB_A, SUB_B})

    after = store.read_graph(include_stale=True)
    assert SUB_B in after
    assert not after.has_edge(TENANT, SUB_B)


def test_purge_never_deletes_items_of_a_failed_scope(store: Store) -> None:
    record_run(store, small_estate(), NIGHT1)
    record_run(store, small_estate(vnets_b=()), NIGHT2, scopes={TENANT, SUB_A})

    store.purge(0, now=datetime(2027, 6, 1, tzinfo=UTC))

    assert vnet_id(SUB_B, "app") in store.read_graph()


def test_store_holds_runs_once_a_run_began_even_one_that_never_finished(store: Store) -> None:
    assert store.holds_runs() is False
    store.begin_run(NIGHT1, {"kind": "resource-graph", "endpoint": "test"}, None)
    assert store.holds_runs() is True


def test_previous_run_is_the_latest_completed_run_with_exit_0_or_1(store: Store) -> None:
    first = record_run(store, small_estate(), NIGHT1, exit_code=1, findings=[{"id": "f1"}])
    record_run(store, small_estate(), NIGHT2, outcome="failed", exit_code=3)
    unfinished = store.begin_run(NIGHT3, {"kind": "arm"}, None)

    previous = store.previous_run()
    assert previous is not None
    assert previous.id == first
    assert previous.findings == [{"id": "f1"}]
    assert previous.report == {"format": "tenantmap.report/1", "run": {"id": first}}
    assert unfinished != first


def test_previous_run_for_history_carries_only_the_reports_run_and_findings(store: Store) -> None:
    finding = {"id": "f1", "kind": "exposure", "scope": [SUB_A], "details": {"ports": [22, 3389]}}
    run = {"startedAt": NIGHT1}
    report = {"run": run, "findings": [finding], "coverage": {"complete": True}, "big": [1] * 9}
    run_id = record_run(
        store,
        small_estate(),
        NIGHT1,
        exit_code=1,
        findings=[finding],
        report=report,
        crawl={"scopes": []},
    )

    previous = store.previous_run(history_only=True)

    assert previous is not None
    assert (previous.id, previous.started_at, previous.exit_code) == (run_id, NIGHT1, 1)
    assert previous.report == {"run": run, "findings": [finding]}
    assert (previous.findings, previous.coverage, previous.crawl) == ([], None, None)


def test_a_runs_findings_kept_in_its_report_read_back_as_its_findings(store: Store) -> None:
    findings = [{"id": "f1", "kind": "exposure"}, {"id": "f2", "kind": "unknown-tenant"}]
    report = {"format": "tenantmap.report/1", "run": {"startedAt": NIGHT1}, "findings": findings}
    run_id = record_run(store, small_estate(), NIGHT1, findings=findings, report=report)

    (run,) = store.runs()
    previous = store.previous_run()

    assert (run.id, run.findings, run.report) == (run_id, findings, report)
    assert previous is not None and (previous.findings, previous.report) == (findings, report)


def test_findings_other_than_the_reports_are_kept_beside_it(store: Store) -> None:
    report = {"format": "tenantmap.report/1", "findings": [{"id": "f1"}]}
    record_run(store, small_estate(), NIGHT1, findings=[{"id": "f2"}], report=report)

    (run,) = store.runs()

    assert (run.findings, run.report) == ([{"id": "f2"}], report)


def test_previous_run_for_history_without_a_report_has_none(store: Store) -> None:
    run_id = record_run(store, small_estate(), NIGHT1)
    store.finish_run(
        run_id,
        finished_at=NIGHT2,
        outcome="completed",
        exit_code=0,
        coverage={},
        findings=[],
        report=None,
    )

    previous = store.previous_run(history_only=True)

    assert previous is not None and previous.id == run_id
    assert previous.report is None


def test_previous_run_is_none_without_a_completed_run(store: Store) -> None:
    record_run(store, small_estate(), NIGHT1, outcome="failed", exit_code=3)

    assert store.previous_run() is None


def test_run_history_lists_every_run_in_order_with_its_record(store: Store) -> None:
    first = record_run(store, small_estate(), NIGHT1)
    second = record_run(store, small_estate(), NIGHT2, outcome="failed", exit_code=3)

    runs = store.runs()
    assert [r.id for r in runs] == [first, second]
    assert [(r.outcome, r.exit_code) for r in runs] == [("completed", 0), ("failed", 3)]
    assert runs[0].started_at == NIGHT1
    assert runs[0].finished_at == "2026-11-01T02:10:00Z"
    assert runs[0].source == {"kind": "resource-graph", "endpoint": "test"}
    assert runs[0].inventory_sha256 == "ab12"
    assert runs[0].coverage is not None and runs[0].coverage["complete"] is True


def test_run_by_id_gives_that_runs_whole_record(store: Store) -> None:
    first = record_run(store, small_estate(), NIGHT1, findings=[{"id": "f1"}], crawl={"a": 1})
    record_run(store, small_estate(), NIGHT2, findings=[{"id": "f2"}], crawl={"a": 2})

    run = store.run_by_id(first)

    assert run is not None and run == store.runs()[0]
    assert (run.id, run.findings, run.crawl) == (first, [{"id": "f1"}], {"a": 1})
    assert run.report == {"format": "tenantmap.report/1", "run": {"id": first}}


def test_run_by_id_of_a_run_the_store_does_not_hold_is_none(store: Store) -> None:
    record_run(store, small_estate(), NIGHT1)

    assert store.run_by_id("19990101000000-999999") is None


def test_run_summaries_list_every_run_in_order_without_the_values_that_grow_with_the_estate(
    store: Store,
) -> None:
    record_run(store, small_estate(), NIGHT1, findings=[{"id": "f1"}], crawl={"a": 1})
    record_run(store, small_estate(), NIGHT2, outcome="failed", exit_code=3)
    store.begin_run(NIGHT3, {"kind": "arm"}, None)

    summaries = store.run_summaries()

    assert summaries == [
        replace(run, report=None, findings=[], coverage=None, crawl=None, complete_scopes=())
        for run in store.runs()
    ]
    assert [(r.outcome, r.exit_code) for r in summaries] == [
        ("completed", 0),
        ("failed", 3),
        (None, None),
    ]


def test_previous_run_before_a_run_is_the_latest_earlier_one_that_counts_as_previous(
    store: Store,
) -> None:
    first = record_run(store, small_estate(), NIGHT1, exit_code=1)
    second = record_run(store, small_estate(), NIGHT2)
    record_run(store, small_estate(), NIGHT2, outcome="failed", exit_code=3)
    record_run(store, small_estate(), NIGHT3, outcome="interrupted", exit_code=3)
    record_run(store, small_estate(), NIGHT3, exit_code=2)
    later = record_run(store, small_estate(), NIGHT3)
    seq = {run.id: run.seq for run in store.runs()}

    previous = store.previous_run(before_seq=seq[later])

    assert previous is not None and previous == store.run_by_id(second)
    assert getattr(store.previous_run(before_seq=seq[second]), "id", None) == first
    assert store.previous_run(before_seq=seq[first]) is None


def test_previous_run_before_a_run_for_history_carries_only_the_reports_run_and_findings(
    store: Store,
) -> None:
    report = {"run": {"startedAt": NIGHT1}, "findings": [{"id": "f1"}], "big": [1] * 9}
    first = record_run(store, small_estate(), NIGHT1, report=report, crawl={"a": 1})
    later = record_run(store, small_estate(), NIGHT2)
    seq = {run.id: run.seq for run in store.runs()}

    previous = store.previous_run(history_only=True, before_seq=seq[later])

    assert previous is not None and previous.id == first
    assert previous.report == {"run": {"startedAt": NIGHT1}, "findings": [{"id": "f1"}]}
    assert (previous.findings, previous.coverage, previous.crawl) == ([], None, None)


def test_read_graph_of_an_earlier_run_gives_the_graph_as_it_was(store: Store) -> None:
    night1 = small_estate()
    first = record_run(store, night1, NIGHT1)
    # Night 2: spoke1 gone, a new VNet, the hub's prefixes and the peering state changed.
    night2 = small_estate(
        vnets_a=("hub", "spoke2"), hub_prefixes=("10.0.0.0/15",), peering_state="Disconnected"
    )
    second = record_run(store, night2, NIGHT2)
    record_run(store, small_estate(vnets_a=("hub",)), NIGHT3)

    assert content(store.read_graph(first)) == as_written(night1)
    assert content(store.read_graph(second)) == as_written(night2)


def test_read_graph_of_an_earlier_run_gives_last_seen_as_of_that_run(store: Store) -> None:
    first = record_run(store, small_estate(), NIGHT1)
    record_run(store, small_estate(), NIGHT2)

    hub = store.read_graph(first).nodes[vnet_id(SUB_A, "hub")]
    assert (hub["firstSeen"], hub["lastSeen"]) == (NIGHT1, NIGHT1)


def run_without_a_graph(store: Store, seen_at: str) -> str:
    """A run that failed before it wrote any graph."""
    run_id = store.begin_run(seen_at, {"kind": "resource-graph", "endpoint": "test"}, None)
    store.finish_run(
        run_id, finished_at=seen_at, outcome="failed", exit_code=4, coverage={}, findings=[],
        report=None,
    )  # fmt: skip
    return run_id


def test_read_graph_of_a_run_before_the_first_graph_write_is_empty(store: Store) -> None:
    before = run_without_a_graph(store, NIGHT1)
    record_run(store, small_estate(), NIGHT2)

    assert store.read_graph(before).number_of_nodes() == 0


def test_an_item_first_written_into_an_empty_store_and_changed_later_keeps_its_first_run(
    store: Store,
) -> None:
    before = run_without_a_graph(store, NIGHT1)
    second = record_run(store, small_estate(), NIGHT2)
    record_run(store, small_estate(hub_prefixes=("10.0.0.0/15",)), NIGHT3)
    record_run(store, small_estate(hub_prefixes=("10.0.0.0/14",)), "2026-11-04T02:00:00Z")

    hub = vnet_id(SUB_A, "hub")
    assert hub not in store.read_graph(before)
    assert content(store.read_graph(second)) == as_written(small_estate())
    assert store.read_graph().nodes[hub]["firstSeen"] == NIGHT2


def test_a_store_emptied_and_written_again_reads_the_new_items_as_the_new_runs(
    store: Store,
) -> None:
    def scoped_estate(**options: Any) -> nx.MultiDiGraph:
        """The estate without the Internet node, which has no scope and never goes stale."""
        graph = small_estate(**options)
        graph.remove_node(INTERNET_ID)
        return graph

    record_run(store, scoped_estate(), NIGHT1)
    emptied = record_run(store, nx.MultiDiGraph(), NIGHT2)
    # Every item went stale on night 2: purge, a day past the retention, deletes them all.
    store.purge(1, now=datetime(2026, 11, 3, 3, tzinfo=UTC))
    again = scoped_estate(vnets_a=("hub",))
    third = record_run(store, again, NIGHT3)

    assert store.read_graph(emptied).number_of_nodes() == 0
    assert content(store.read_graph(third)) == as_written(again)


def test_read_graph_of_an_unknown_run_raises_store_error(store: Store) -> None:
    record_run(store, small_estate(), NIGHT1)

    with pytest.raises(StoreError, match="no run"):
        store.read_graph("19990101000000-999999")


def test_unlabelled_internet_node_keeps_its_id_and_label(store: Store) -> None:
    record_run(store, small_estate(), NIGHT1)

    internet = store.read_graph().nodes[INTERNET_ID]
    assert (internet["id"], internet["label"]) == (INTERNET_ID, "Internet")


def test_second_open_of_the_same_store_sees_the_first_ones_runs(
    open_test_store: Callable[[], Store],
) -> None:
    first = open_test_store()
    run_id = record_run(first, small_estate(), NIGHT1)
    first.close()

    again = open_test_store()
    assert [r.id for r in again.runs()] == [run_id]
    assert content(again.read_graph()) == as_written(small_estate())


def test_graph_of_a_run_older_than_the_retention_period_is_no_longer_readable(
    store: Store,
) -> None:
    first = record_run(store, small_estate(), NIGHT1)
    record_run(store, small_estate(vnets_a=("hub",)), NIGHT2)
    third = record_run(store, small_estate(), NIGHT3)

    store.purge(30, now=datetime(2026, 12, 2, 12, tzinfo=UTC))

    with pytest.raises(StoreError, match="older than the retention period"):
        store.read_graph(first)
    assert content(store.read_graph(third)) == as_written(small_estate())


# --- run reports after the retention period (CHANGES.md "Stores and history") ----------

FINDING = {"id": "f1", "kind": "exposure"}
BULKY: dict[str, Any] = {"findings": [FINDING], "crawl": {"scopes": [SUB_A]}}


def record_bulky_run(store: Store, seen_at: str, **kwargs: Any) -> str:
    """A run recorded with every value purge may delete: a report, findings kept beside
    it, coverage and a crawl record."""
    return record_run(store, small_estate(), seen_at, **BULKY, **kwargs)


def test_purge_deletes_an_old_runs_report_findings_coverage_and_crawl_and_keeps_its_row(
    store: Store,
) -> None:
    first = record_bulky_run(store, NIGHT1)
    record_bulky_run(store, NIGHT3)
    (before, _) = store.runs()

    store.purge(30, now=datetime(2026, 12, 2, 12, tzinfo=UTC))

    (after, _) = store.runs()
    assert after.id == first
    assert after.trimmed_at == "2026-12-02T12:00:00Z"
    assert replace(after, trimmed_at=None) == replace(
        before, report=None, findings=[], coverage=None, crawl=None
    )


def test_purge_never_trims_the_previous_run_however_old(store: Store) -> None:
    good = record_bulky_run(store, NIGHT1)
    failed = record_bulky_run(store, NIGHT2, outcome="failed", exit_code=3)
    (kept, _) = store.runs()

    store.purge(30, now=datetime(2026, 12, 20, tzinfo=UTC))  # both nights are older

    previous = store.previous_run()
    assert previous == kept and previous.id == good
    assert [(r.id, r.trimmed) for r in store.runs()] == [(good, False), (failed, True)]


def test_purge_keeps_the_report_of_a_run_within_the_retention_that_is_not_the_previous_one(
    store: Store,
) -> None:
    record_bulky_run(store, NIGHT1)
    record_bulky_run(store, NIGHT2)
    recent = record_bulky_run(store, NIGHT3, outcome="failed", exit_code=3)
    before = store.runs()[2]

    store.purge(30, now=datetime(2026, 12, 1, 12, tzinfo=UTC))  # only night 1 is older

    assert [r.trimmed for r in store.runs()] == [True, False, False]
    assert store.runs()[2] == before and before.id == recent and before.report is not None


def test_purge_with_no_run_older_than_the_retention_changes_no_run(store: Store) -> None:
    record_bulky_run(store, NIGHT1)
    record_bulky_run(store, NIGHT2, outcome="failed", exit_code=3)
    before = store.runs()

    store.purge(30, now=datetime(2026, 11, 20, tzinfo=UTC))

    assert store.runs() == before


def test_run_summaries_show_which_runs_purge_trimmed_and_when(store: Store) -> None:
    record_bulky_run(store, NIGHT1)
    record_bulky_run(store, NIGHT2, outcome="failed", exit_code=3)
    record_bulky_run(store, NIGHT3)

    store.purge(30, now=datetime(2026, 12, 2, 12, tzinfo=UTC))  # nights 1 and 2 are older

    assert [r.trimmed_at for r in store.run_summaries()] == [
        "2026-12-02T12:00:00Z",
        "2026-12-02T12:00:00Z",
        None,
    ]


def test_previous_run_before_a_run_is_a_trimmed_run_when_purge_trimmed_that_one(
    store: Store,
) -> None:
    first = record_bulky_run(store, NIGHT1)
    second = record_bulky_run(store, NIGHT2)
    third = record_bulky_run(store, NIGHT3)
    seq = {run.id: run.seq for run in store.runs()}

    store.purge(30, now=datetime(2026, 12, 3, 12, tzinfo=UTC))  # all three nights are older

    # The third is the previous run of the next night, which purge spares; the second,
    # which the third was compared with, is trimmed and must not be passed over for the first.
    previous = store.previous_run(before_seq=seq[third])
    assert previous is not None and (previous.id, previous.trimmed) == (second, True)
    assert previous.report is None and previous.findings == []
    earlier = store.previous_run(before_seq=seq[second])
    assert earlier is not None and (earlier.id, earlier.trimmed) == (first, True)

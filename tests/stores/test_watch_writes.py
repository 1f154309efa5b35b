"""The watch's writes (graph/stores/watch_sqlite.py, watch_neo4j.py): a cycle's items in
place, the history of earlier runs intact, nothing deleted, the cycle recorded. Every
test runs against both backends."""

from __future__ import annotations

from types import ModuleType

import pytest

from graph.stores import Store
from graph.stores.common import node_scopes
from graph.stores.watch import watch_writes
from graph.watch_delta import GraphDelta
from tests.stores.estate import SUB_A, TENANT, small_estate, vnet_id
from tests.stores.test_store_behaviour import NIGHT1, NIGHT2, record_run

WATCH_AT = "2026-11-01T09:30:00Z"


@pytest.fixture
def writes(store: Store) -> ModuleType:
    return watch_writes(store)


def _widened_hub() -> GraphDelta:
    graph = small_estate(hub_prefixes=("10.0.0.0/16", "10.9.0.0/16"))
    hub = vnet_id(SUB_A, "hub")
    return GraphDelta(nodes={hub: dict(graph.nodes[hub])})


def test_a_cycle_changes_the_current_graph_and_leaves_the_runs_graph_as_it_was(
    store: Store, writes: ModuleType
) -> None:
    run = record_run(store, small_estate(), NIGHT1)
    written = writes.write_delta(
        store, _widened_hub(), at=WATCH_AT, scopes=node_scopes(small_estate())
    )
    hub = vnet_id(SUB_A, "hub")
    assert written == 1
    assert store.read_graph().nodes[hub]["addressPrefixes"] == [
        "10.0.0.0/16",
        "10.9.0.0/16",
    ]
    assert store.read_graph(run).nodes[hub]["addressPrefixes"] == ["10.0.0.0/16"]


def test_a_new_item_is_not_in_the_graph_of_the_run_before_it(
    store: Store, writes: ModuleType
) -> None:
    run = record_run(store, small_estate(vnets_a=("hub",)), NIGHT1)
    later = small_estate()
    spoke = vnet_id(SUB_A, "spoke1")
    writes.write_delta(
        store,
        GraphDelta(nodes={spoke: dict(later.nodes[spoke])}),
        at=WATCH_AT,
        scopes=node_scopes(later),
    )
    assert spoke in store.read_graph()
    assert spoke not in store.read_graph(run)


def test_what_a_cycle_finds_gone_is_marked_and_still_in_the_graph(
    store: Store, writes: ModuleType
) -> None:
    record_run(store, small_estate(), NIGHT1)
    spoke = vnet_id(SUB_A, "spoke1")
    writes.write_delta(store, GraphDelta(gone_nodes={spoke}), at=WATCH_AT, scopes={})
    assert spoke in store.read_graph()
    assert writes.gone_since(store, NIGHT1) == ({spoke}, set())
    # the next full run decides: from its start on, the mark no longer counts
    assert writes.gone_since(store, "2026-11-02T02:00:00Z") == (set(), set())


def test_the_next_run_marks_an_item_a_cycle_added_stale_when_it_is_gone(
    store: Store, writes: ModuleType
) -> None:
    record_run(store, small_estate(vnets_a=("hub",)), NIGHT1)
    later = small_estate()
    spoke = vnet_id(SUB_A, "spoke1")
    writes.write_delta(
        store,
        GraphDelta(nodes={spoke: dict(later.nodes[spoke])}),
        at=WATCH_AT,
        scopes=node_scopes(later),
    )
    record_run(store, small_estate(vnets_a=("hub",)), NIGHT2)
    assert spoke not in store.read_graph()


def test_a_cycle_and_the_watch_state_are_recorded(store: Store, writes: ModuleType) -> None:
    record_run(store, small_estate(), NIGHT1)
    cycle = {
        "startedAt": WATCH_AT,
        "finishedAt": WATCH_AT,
        "outcome": "completed",
        "changesSeen": 2,
        "itemsReread": 1,
        "elementsWritten": 3,
        "findingsRaised": [{"id": "ab", "kind": "unknown-tenant", "subject": TENANT}],
        "errors": [],
    }
    state = {"marks": {TENANT: {"at": WATCH_AT, "seen": ["x"]}}, "raised": {"ab": "new"}}
    writes.record_cycle(store, cycle, state)
    (stored,) = writes.cycles(store)
    assert stored["changesSeen"] == 2 and stored["findingsRaised"] == cycle["findingsRaised"]
    assert writes.load_state(store) == state

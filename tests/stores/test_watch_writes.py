"""The watch's writes to the SQLite store (graph/stores/watch_sqlite.py): a cycle's items
in place, the history of earlier runs intact, nothing deleted, the cycle recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.stores.common import node_scopes
from graph.stores.sqlite import SqliteStore
from graph.stores.watch_sqlite import cycles, gone_since, load_state, record_cycle, write_delta
from graph.watch_delta import GraphDelta
from tests.stores.estate import SUB_A, TENANT, small_estate, vnet_id
from tests.stores.test_store_behaviour import NIGHT1, NIGHT2, record_run

WATCH_AT = "2026-11-01T09:30:00Z"


@pytest.fixture
def sqlite_store(tmp_state: Path) -> SqliteStore:
    return SqliteStore(tmp_state / "tenantmap.db", state_dir=tmp_state)


def _widened_hub() -> GraphDelta:
    graph = small_estate(hub_prefixes=("10.0.0.0/16", "10.9.0.0/16"))
    hub = vnet_id(SUB_A, "hub")
    return GraphDelta(nodes={hub: dict(graph.nodes[hub])})


def test_a_cycle_changes_the_current_graph_and_leaves_the_runs_graph_as_it_was(
    sqlite_store: SqliteStore,
) -> None:
    run = record_run(sqlite_store, small_estate(), NIGHT1)
    written = write_delta(
        sqlite_store, _widened_hub(), at=WATCH_AT, scopes=node_scopes(small_estate())
    )
    hub = vnet_id(SUB_A, "hub")
    assert written == 1
    assert sqlite_store.read_graph().nodes[hub]["addressPrefixes"] == [
        "10.0.0.0/16",
        "10.9.0.0/16",
    ]
    assert sqlite_store.read_graph(run).nodes[hub]["addressPrefixes"] == ["10.0.0.0/16"]


def test_a_new_item_is_not_in_the_graph_of_the_run_before_it(sqlite_store: SqliteStore) -> None:
    run = record_run(sqlite_store, small_estate(vnets_a=("hub",)), NIGHT1)
    later = small_estate()
    spoke = vnet_id(SUB_A, "spoke1")
    write_delta(
        sqlite_store,
        GraphDelta(nodes={spoke: dict(later.nodes[spoke])}),
        at=WATCH_AT,
        scopes=node_scopes(later),
    )
    assert spoke in sqlite_store.read_graph()
    assert spoke not in sqlite_store.read_graph(run)


def test_what_a_cycle_finds_gone_is_marked_and_still_in_the_graph(
    sqlite_store: SqliteStore,
) -> None:
    record_run(sqlite_store, small_estate(), NIGHT1)
    spoke = vnet_id(SUB_A, "spoke1")
    write_delta(sqlite_store, GraphDelta(gone_nodes={spoke}), at=WATCH_AT, scopes={})
    assert spoke in sqlite_store.read_graph()
    assert gone_since(sqlite_store, NIGHT1) == ({spoke}, set())
    # the next full run decides: from its start on, the mark no longer counts
    assert gone_since(sqlite_store, "2026-11-02T02:00:00Z") == (set(), set())


def test_the_next_run_marks_an_item_a_cycle_added_stale_when_it_is_gone(
    sqlite_store: SqliteStore,
) -> None:
    record_run(sqlite_store, small_estate(vnets_a=("hub",)), NIGHT1)
    later = small_estate()
    spoke = vnet_id(SUB_A, "spoke1")
    write_delta(
        sqlite_store,
        GraphDelta(nodes={spoke: dict(later.nodes[spoke])}),
        at=WATCH_AT,
        scopes=node_scopes(later),
    )
    record_run(sqlite_store, small_estate(vnets_a=("hub",)), NIGHT2)
    assert spoke not in sqlite_store.read_graph()


def test_a_cycle_and_the_watch_state_are_recorded(sqlite_store: SqliteStore) -> None:
    record_run(sqlite_store, small_estate(), NIGHT1)
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
    record_cycle(sqlite_store, cycle, state)
    (stored,) = cycles(sqlite_store)
    assert stored["changesSeen"] == 2 and stored["findingsRaised"] == cycle["findingsRaised"]
    assert load_state(sqlite_store) == state

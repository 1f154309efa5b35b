"""A night sends the store only what changed (issue 17): new, changed and gone items,
and a "still present" mark only where presence cannot be derived from the run's
completely read scopes. Every test runs against both backends."""

from __future__ import annotations

from graph.stores import Store
from tests.stores.estate import SUB_A, SUB_B, TENANT, small_estate, vnet_id
from tests.stores.test_store_behaviour import ALL_SCOPES, NIGHT1, NIGHT2, NIGHT3, record_run

NIGHT4 = "2026-11-04T02:00:00Z"
# The Internet node has no subscription or tenant, nor has its EXPOSES edge: no run
# reads their scope completely, so each night marks them seen.
SCOPELESS_ITEMS = 2


def test_an_unchanged_night_writes_nothing_but_the_scopeless_marks(store: Store) -> None:
    record_run(store, small_estate(), NIGHT1)
    record_run(store, small_estate(), NIGHT2)

    assert (store.last_write.written, store.last_write.stale) == (0, 0)
    assert store.last_write.marked == SCOPELESS_ITEMS


def test_a_first_write_writes_every_item(store: Store) -> None:
    graph = small_estate()
    record_run(store, graph, NIGHT1)

    assert store.last_write.written == graph.number_of_nodes() + graph.number_of_edges()


def test_a_night_with_one_changed_item_writes_only_that_item(store: Store) -> None:
    record_run(store, small_estate(), NIGHT1)
    record_run(store, small_estate(hub_prefixes=("10.0.0.0/16", "10.9.0.0/16")), NIGHT2)

    assert (store.last_write.written, store.last_write.stale) == (1, 0)
    hub = store.read_graph().nodes[vnet_id(SUB_A, "hub")]
    assert hub["addressPrefixes"] == ["10.0.0.0/16", "10.9.0.0/16"]


def test_items_of_a_scope_not_read_completely_get_only_the_still_present_mark(
    store: Store,
) -> None:
    record_run(store, small_estate(), NIGHT1)
    record_run(store, small_estate(), NIGHT2, scopes={TENANT, SUB_A})

    # Subscription B, its VNet and its CONTAINS edge, plus the scopeless items.
    assert store.last_write.marked == 3 + SCOPELESS_ITEMS
    assert store.last_write.written == 0
    app = store.read_graph().nodes[vnet_id(SUB_B, "app")]
    assert (app["firstSeen"], app["lastSeen"]) == (NIGHT1, NIGHT2)


def test_unchanged_items_read_back_the_last_night_that_read_their_scope_completely(
    store: Store,
) -> None:
    runs = [record_run(store, small_estate(), night) for night in (NIGHT1, NIGHT2, NIGHT3)]
    # Tonight subscription B was not read completely and its VNet was not seen.
    record_run(store, small_estate(vnets_b=()), NIGHT4, scopes={TENANT, SUB_A})

    now = store.read_graph()
    assert now.nodes[vnet_id(SUB_A, "hub")]["lastSeen"] == NIGHT4
    assert now.nodes[vnet_id(SUB_B, "app")]["lastSeen"] == NIGHT3
    assert store.read_graph(runs[1]).nodes[vnet_id(SUB_A, "hub")]["lastSeen"] == NIGHT2


def test_an_item_gone_after_unchanged_nights_keeps_the_last_night_it_was_seen(
    store: Store,
) -> None:
    record_run(store, small_estate(), NIGHT1)
    record_run(store, small_estate(), NIGHT2)
    record_run(store, small_estate(vnets_a=("hub",)), NIGHT3)

    assert store.last_write.stale == 3  # the VNet, its CONTAINS edge and the peering
    spoke = store.read_graph(include_stale=True).nodes[vnet_id(SUB_A, "spoke1")]
    assert (spoke["present"], spoke["lastSeen"]) == (False, NIGHT2)


def test_a_rewrite_with_every_scope_complete_leaves_no_item_stale(store: Store) -> None:
    graph = small_estate()
    record_run(store, graph, NIGHT1)
    record_run(store, graph, NIGHT2, scopes=ALL_SCOPES)

    read = store.read_graph(include_stale=True)
    assert all(attrs["present"] for _, attrs in read.nodes(data=True))
    assert all(attrs["present"] for _, _, attrs in read.edges(data=True))

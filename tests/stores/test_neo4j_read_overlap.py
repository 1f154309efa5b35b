"""A Neo4j write digests the graph while the server reads the store's digests: the
items made meanwhile are kept, and every item comes out once, in order."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future

from graph.stores.neo4j import _made_while


def counted(n: int, made: list[int]) -> Iterator[int]:
    for item in range(n):
        made.append(item)
        yield item


def test_items_made_before_a_finished_read_come_out_once_in_order() -> None:
    done: Future[None] = Future()
    done.set_result(None)
    made: list[int] = []
    items = _made_while(counted(5000, made), done)
    assert len(made) == 1024  # checked every 1,024 items: the read was done at the first check
    assert list(items) == list(range(5000))


def test_items_are_made_ahead_while_the_read_runs() -> None:
    running: Future[None] = Future()
    made: list[int] = []
    items = _made_while(counted(5000, made), running)
    assert len(made) == 5000
    assert list(items) == list(range(5000))

"""Store fixtures: every behaviour test runs against both backends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graph.stores import Store, open_store


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store' / 'tenantmap.db'}"
    return str(request.getfixturevalue("neo4j_empty_uri"))


@pytest.fixture
def open_test_store(store_url: str, tmp_state: Path) -> Iterator[Callable[[], Store]]:
    """Opens the parametrised store (as often as a test needs); closes them all after."""
    opened: list[Store] = []

    def opener() -> Store:
        store = open_store(store_url, state_dir=tmp_state)
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()


@pytest.fixture
def store(open_test_store: Callable[[], Store]) -> Store:
    return open_test_store()

"""The watch's writes for whichever store a watch uses (watch_sqlite / watch_neo4j)."""

from __future__ import annotations

from types import ModuleType
from typing import Any


def watch_writes(store: Any) -> ModuleType:
    """The module of `write_delta`, `gone_since`, `load_state`, `record_cycle` and
    `cycles` for this store."""
    from graph.stores.sqlite import SqliteStore

    if isinstance(store, SqliteStore):
        from graph.stores import watch_sqlite

        return watch_sqlite
    from graph.stores import watch_neo4j

    return watch_neo4j

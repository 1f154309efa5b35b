"""Where graphs and run history are kept: SQLite (default) or Neo4j, behaving the same.

``open_store(url, state_dir=...)`` picks the backend from the URL:
``sqlite:///relative.db`` / ``sqlite:////absolute.db`` (SQLAlchemy's convention;
None or "" means ``tenantmap.db`` in the state folder), or ``neo4j://``,
``bolt://``, ``neo4j+s://``, ``bolt+s://`` (and ``+ssc``) with NEO4J_USERNAME and
NEO4J_PASSWORD from the environment.
"""

from __future__ import annotations

from pathlib import Path

from graph.stores.common import (
    RunRecord,
    Store,
    StoreAuthError,
    StoreError,
    StoreLocked,
    StoreQueryError,
    StoreUrlError,
    redact_url,
    trim_message,
)

DEFAULT_SQLITE_NAME = "tenantmap.db"
NEO4J_SCHEMES = ("neo4j://", "bolt://", "neo4j+s://", "bolt+s://", "neo4j+ssc://", "bolt+ssc://")

__all__ = [
    "DEFAULT_SQLITE_NAME",
    "RunRecord",
    "Store",
    "StoreAuthError",
    "StoreError",
    "StoreLocked",
    "StoreQueryError",
    "StoreUrlError",
    "open_store",
    "trim_message",
]


def open_store(url: str | None, *, state_dir: Path, neo4j_database: str | None = None) -> Store:
    """Open the store ``url`` names; StoreUrlError (a ValueError: exit 2) for a URL we
    do not understand or credentials the store refuses (StoreAuthError), StoreError
    (exit 3) when the store cannot be opened or reached."""
    state_dir = Path(state_dir)
    if not url:
        from graph.stores.sqlite import SqliteStore

        return SqliteStore(state_dir / DEFAULT_SQLITE_NAME, state_dir=state_dir)
    lowered = url.lower()
    if lowered.startswith("sqlite:"):
        from graph.stores.sqlite import SqliteStore, sqlite_path

        if not lowered.startswith("sqlite://"):
            raise StoreUrlError(_bad_url(url))
        try:
            path = sqlite_path(url)
        except ValueError as exc:
            raise StoreUrlError(str(exc)) from None
        return SqliteStore(path, state_dir=state_dir)
    if lowered.startswith(NEO4J_SCHEMES):
        from graph.stores.neo4j import Neo4jStore

        return Neo4jStore(url, state_dir=state_dir, database=neo4j_database)
    raise StoreUrlError(_bad_url(url))


def _bad_url(url: str) -> str:
    return (
        f"unsupported store URL {redact_url(url)!r}: use sqlite:///relative/path.db, "
        "sqlite:////absolute/path.db, or neo4j://, bolt://, neo4j+s://, bolt+s:// HOST:PORT"
    )

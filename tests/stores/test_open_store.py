"""open_store picks the backend from the URL and says clearly what is wrong."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from graph.stores import (
    DEFAULT_SQLITE_NAME,
    StoreAuthError,
    StoreError,
    StoreUrlError,
    open_store,
)
from graph.stores.sqlite import SqliteStore


def test_no_url_opens_tenantmap_db_in_the_state_folder(tmp_state: Path) -> None:
    store = open_store(None, state_dir=tmp_state)
    store.close()

    assert (tmp_state / DEFAULT_SQLITE_NAME).is_file()


def test_sqlite_url_with_three_slashes_is_relative_to_the_working_directory(
    tmp_path: Path, tmp_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:///data/graph.db", state_dir=tmp_state)
    store.close()

    assert isinstance(store, SqliteStore)
    assert (tmp_path / "data" / "graph.db").is_file()


def test_sqlite_url_with_four_slashes_is_absolute(tmp_path: Path, tmp_state: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/abs.db", state_dir=tmp_state)
    store.close()

    assert (tmp_path / "abs.db").is_file()


@pytest.mark.parametrize("url", ["postgres://db/x", "sqlite:relative.db", "sqlite://", "mysql://"])
def test_unsupported_url_is_one_clear_sentence(url: str, tmp_state: Path) -> None:
    with pytest.raises(StoreUrlError) as raised:
        open_store(url, state_dir=tmp_state)

    message = str(raised.value)
    assert "\n" not in message
    assert repr(url) in message
    assert "sqlite:///" in message


def test_unreachable_neo4j_raises_store_error_naming_the_url(tmp_state: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    url = f"bolt://127.0.0.1:{port}"

    with pytest.raises(StoreError) as raised:
        open_store(url, state_dir=tmp_state)

    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"cannot reach Neo4j at {url}")


@pytest.mark.neo4j
def test_wrong_neo4j_password_says_which_variables_to_set(
    neo4j_uri: str, tmp_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEO4J_USERNAME", "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", "not-the-password")

    with pytest.raises(StoreAuthError) as raised:
        open_store(neo4j_uri, state_dir=tmp_state)

    assert str(raised.value) == (
        f"Neo4j at {neo4j_uri} refused the credentials: set NEO4J_USERNAME and NEO4J_PASSWORD"
    )


@pytest.mark.neo4j
def test_raw_cypher_reads_nodes_by_their_schema_label(
    neo4j_empty_uri: str, tmp_state: Path
) -> None:
    from tests.stores.estate import SUB_A, small_estate, vnet_id
    from tests.stores.test_store_behaviour import NIGHT1, record_run

    store = open_store(neo4j_empty_uri, state_dir=tmp_state)
    try:
        record_run(store, small_estate(), NIGHT1)
        rows = store.cypher(  # type: ignore[attr-defined]
            "MATCH (v:VirtualNetwork {subscriptionId: $sub}) RETURN v.id AS id ORDER BY id",
            {"sub": SUB_A},
        )
    finally:
        store.close()

    assert rows == [{"id": vnet_id(SUB_A, "hub")}, {"id": vnet_id(SUB_A, "spoke1")}]


@pytest.mark.neo4j
def test_raw_cypher_may_not_write(neo4j_empty_uri: str, tmp_state: Path) -> None:
    from graph.stores import StoreQueryError

    store = open_store(neo4j_empty_uri, state_dir=tmp_state)
    try:
        with pytest.raises(StoreQueryError, match="Neo4j refused the query"):
            store.cypher("CREATE (:VirtualNetwork {id: 'x'})")  # type: ignore[attr-defined]
    finally:
        store.close()

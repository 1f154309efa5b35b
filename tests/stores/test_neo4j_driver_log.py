"""The Neo4j driver's debug log names each statement's batches and large texts by
their size: the driver formats every statement's parameters for that line even when
nobody logs it, which cost a first write seconds of CPU and a 1M-resource night's
finish 200 MB, and the rows and the report carry what an estate's names reveal."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from graph.stores.neo4j import Neo4jStore
from tests.stores.estate import SUB_A, small_estate, vnet_id
from tests.stores.test_store_behaviour import NIGHT1, NIGHT2, record_run

pytestmark = pytest.mark.neo4j


def test_a_write_logged_at_debug_shows_its_batches_sizes_not_their_rows(
    neo4j_empty_uri: str, tmp_state: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Neo4jStore(neo4j_empty_uri, state_dir=tmp_state)
    try:
        with caplog.at_level(logging.DEBUG, logger="neo4j"):
            record_run(store, small_estate(), NIGHT1)
            record_run(store, small_estate(hub_prefixes=("10.0.0.0/15",)), NIGHT2)
    finally:
        store.close()

    statements = [r.getMessage() for r in caplog.records if " C: RUN " in r.getMessage()]
    assert any("UNWIND $rows" in text and " rows>" in text for text in statements)
    hub = vnet_id(SUB_A, "hub")
    assert not [text for text in statements if "UNWIND" in text and hub in text]


def test_a_finished_run_logged_at_debug_shows_its_reports_size_not_its_text(
    neo4j_empty_uri: str, tmp_state: Path, caplog: pytest.LogCaptureFixture
) -> None:
    finding = {"id": "exposure:vm-web-01:22", "kind": "exposure"}
    store = Neo4jStore(neo4j_empty_uri, state_dir=tmp_state)
    try:
        with caplog.at_level(logging.DEBUG, logger="neo4j"):
            record_run(
                store,
                small_estate(),
                NIGHT1,
                findings=[finding],
                report={"format": "tenantmap.report/1", "findings": [finding]},
                crawl={"scopes": [SUB_A]},
            )
        assert store.previous_run() is not None
    finally:
        store.close()

    statements = [r.getMessage() for r in caplog.records if " C: RUN " in r.getMessage()]
    assert any("r.report = $report" in text and " characters>" in text for text in statements)
    assert not [text for text in statements if "vm-web-01" in text]

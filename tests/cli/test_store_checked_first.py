"""`run` opens the store before crawling: wrong credentials stop it at once, an
unreachable store is announced at the start (issue 10, "Store checked first")."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.cli.helpers import Result, one_sentence_error, tenantmap


def run_on(store: str, sample_estate: Path, tmp_path: Path, **env: str) -> Result:
    return tenantmap(
        "run", "--estate", str(sample_estate), "--inventory", str(sample_estate / "inventory.yaml"),
        "--state-dir", str(tmp_path / "state"), "--out", str(tmp_path / "out"), "--store", store,
        env=env,
    )  # fmt: skip


@pytest.mark.neo4j
def test_wrong_neo4j_credentials_stop_the_run_before_anything_is_crawled(
    neo4j_uri: str, sample_estate: Path, tmp_path: Path
) -> None:
    result = run_on(neo4j_uri, sample_estate, tmp_path, NEO4J_PASSWORD="not-the-password")
    assert result.code == 2
    assert one_sentence_error(result) == (
        f"tenantmap: Neo4j at {neo4j_uri} refused the credentials: "
        "set NEO4J_USERNAME and NEO4J_PASSWORD"
    )
    assert not (tmp_path / "out" / "snapshot").exists()
    assert "crawling" not in result.stderr


def test_an_unreachable_store_is_announced_before_the_crawl(
    sample_estate: Path, tmp_path: Path
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run_on(f"bolt://127.0.0.1:{port}", sample_estate, tmp_path)
    assert result.code == 3
    announced = result.stderr.find("the graph store cannot be used")
    crawling = result.stderr.find("crawling into")
    assert 0 <= announced < crawling, result.stderr
    assert "the run will end with exit 3" in result.stderr

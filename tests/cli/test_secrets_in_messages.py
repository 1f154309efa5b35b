"""A password inside a --store URL is never printed (issue 10, item 10)."""

from __future__ import annotations

import json
from pathlib import Path

from graph.stores.common import redact_url
from tests.cli.helpers import one_sentence_error, tenantmap

URL = "neo4j://alice:s3cret-pw@127.0.0.1:1"


def test_redact_url_hides_only_the_password() -> None:
    assert redact_url(f"cannot reach {URL}: refused") == (
        "cannot reach neo4j://alice:***@127.0.0.1:1: refused"
    )
    assert redact_url("bolt://127.0.0.1:7687") == "bolt://127.0.0.1:7687"
    assert redact_url("neo4j://alice@host:7687") == "neo4j://alice@host:7687"


def test_query_refuses_a_password_in_the_url_without_printing_it(tmp_path: Path) -> None:
    result = tenantmap("query", "--store", URL, "connected-tenants", "--state-dir", str(tmp_path))
    assert result.code == 2
    assert "s3cret-pw" not in result.stderr + result.stdout
    error = one_sentence_error(result)
    assert "neo4j://alice:***@127.0.0.1:1" in error and "NEO4J_PASSWORD" in error


def test_run_refuses_a_password_in_the_url_before_crawling(
    tmp_path: Path, sample_estate: Path
) -> None:
    result = tenantmap(
        "run",
        "--estate", str(sample_estate),
        "--inventory", str(sample_estate / "inventory.yaml"),
        "--store", URL.replace("neo4j://", "bolt://"),
        "--state-dir", str(tmp_path / "state"),
        "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert result.code == 2
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert "bolt://alice:***@127.0.0.1:1" in one_sentence_error(result)
    assert not (tmp_path / "out" / "snapshot").exists()


def test_json_logs_hide_the_password_too(tmp_path: Path) -> None:
    result = tenantmap(
        "query", "--store", URL, "connected-tenants",
        "--state-dir", str(tmp_path), "--log-format", "json",
    )  # fmt: skip
    assert result.code == 2
    assert "s3cret-pw" not in result.stderr + result.stdout
    (line,) = result.stderr.splitlines()
    doc = json.loads(line)
    assert doc["level"] == "error" and "neo4j://alice:***@127.0.0.1:1" in doc["msg"]

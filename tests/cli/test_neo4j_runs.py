"""The nightly job with the graph in a real Neo4j, and with a Neo4j that does not answer."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.cli.helpers import one_sentence_error, tenantmap

pytestmark = pytest.mark.neo4j


def run_into(store: str, sample_estate: Path, tmp_path: Path, name: str) -> tuple[int, str, Path]:
    out = tmp_path / name
    result = tenantmap(
        "run",
        "--estate",
        str(sample_estate),
        "--inventory",
        str(sample_estate / "inventory.yaml"),
        "--state-dir",
        str(tmp_path / f"state-{name}"),
        "--out",
        str(out),
        "--now",
        "2026-11-27",
        "--store",
        store,
    )
    return result.code, result.stderr, out


def test_a_run_on_neo4j_answers_queries_like_the_embedded_store(
    neo4j_empty_uri: str, sample_estate: Path, tmp_path: Path
) -> None:
    code, err, _ = run_into(neo4j_empty_uri, sample_estate, tmp_path, "neo4j")
    assert code == 0, err
    code, err, _ = run_into(
        f"sqlite:///{tmp_path / 'embedded.db'}", sample_estate, tmp_path, "sqlite"
    )
    assert code == 0, err
    answers = []
    for store in (neo4j_empty_uri, f"sqlite:///{tmp_path / 'embedded.db'}"):
        result = tenantmap(
            "query",
            "connected-tenants",
            "--format",
            "json",
            "--store",
            store,
            "--state-dir",
            str(tmp_path / "q"),
        )
        assert result.code == 0, result.stderr
        answers.append(sorted(json.dumps(row, sort_keys=True) for row in json.loads(result.stdout)))
    assert answers[0] == answers[1]
    assert answers[0]


def test_raw_cypher_reads_the_stored_graph(
    neo4j_empty_uri: str, sample_estate: Path, tmp_path: Path
) -> None:
    code, err, _ = run_into(neo4j_empty_uri, sample_estate, tmp_path, "neo4j")
    assert code == 0, err
    result = tenantmap(
        "query",
        "--store",
        neo4j_empty_uri,
        "--format",
        "json",
        "--state-dir",
        str(tmp_path / "q"),
        "--cypher",
        "MATCH (t:Tenant) RETURN t.id AS id ORDER BY id",
    )
    assert result.code == 0, result.stderr
    ids = [row["id"] for row in json.loads(result.stdout)]
    assert "0d1e2f3a-0000-4000-8000-000000000002" in ids


def test_raw_cypher_may_not_write(neo4j_empty_uri: str, tmp_path: Path) -> None:
    result = tenantmap(
        "query",
        "--store",
        neo4j_empty_uri,
        "--state-dir",
        str(tmp_path / "q"),
        "--cypher",
        "CREATE (n:Tenant {id: 'x'}) RETURN n",
    )
    assert result.code == 2
    one_sentence_error(result)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_neo4j_is_exit_3_and_the_nights_snapshot_and_reports_are_kept(
    sample_estate: Path, tmp_path: Path
) -> None:
    code, err, out = run_into(f"bolt://127.0.0.1:{closed_port()}", sample_estate, tmp_path, "down")
    assert code == 3, err
    assert "Traceback" not in err
    assert "tenantmap analyse --snapshot" in err
    assert (out / "snapshot" / "manifest.json").is_file()
    assert (out / "report.json").is_file()

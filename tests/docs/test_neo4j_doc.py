"""docs/neo4j.md says what the Neo4j store really does."""

from __future__ import annotations

import re
from pathlib import Path

from graph.stores import neo4j as neo4j_store
from tests.cli.helpers import one_sentence_error, tenantmap
from tests.docs.recipes import REPO

DOC = (REPO / "docs" / "neo4j.md").read_text(encoding="utf-8")


def test_the_doc_lists_exactly_the_constraints_and_indexes_the_store_creates():
    created = {
        re.search(r"^CREATE (?:CONSTRAINT|INDEX) (\w+)", s)[1]  # type: ignore[index]
        for s in neo4j_store._SCHEMA
        if s.startswith("CREATE")
    }
    documented = set(re.findall(r"^\| `(tenantmap_\w+)` \|", DOC, re.M))
    assert documented == created


def test_the_doc_names_the_indexes_the_store_drops_and_the_per_type_stale_indexes():
    dropped = {
        re.search(r"DROP INDEX (\w+)", s)[1] for s in neo4j_store._SCHEMA if s.startswith("DROP")
    }  # type: ignore[index]
    assert dropped and all(f"`{name}`" in DOC for name in dropped)
    assert "`tenantmap_stale_<TYPE>`" in DOC


def test_an_aura_style_neo4j_s_url_is_accepted_and_an_unreachable_one_is_exit_3(tmp_path: Path):
    result = tenantmap(
        "query",
        "connected-tenants",
        "--store",
        "neo4j+s://127.0.0.1:1",
        "--state-dir",
        str(tmp_path),
        env={"NEO4J_USERNAME": "neo4j", "NEO4J_PASSWORD": "x"},
    )
    assert result.code == 3
    assert "cannot reach Neo4j at neo4j+s://127.0.0.1:1" in one_sentence_error(result)
    assert len(result.stderr.strip().splitlines()) == 1


def test_make_neo4j_is_the_target_the_doc_names():
    assert "make neo4j" in DOC
    assert re.search(r"^neo4j:\n\tscripts/neo4j-trial.sh$", (REPO / "Makefile").read_text(), re.M)

"""Fixtures shared by every test area (see docs/dev/interfaces.md)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the repository (as in CI), or wherever TENANTMAP_SHARED points (a worktree).
SHARED = Path(os.environ.get("TENANTMAP_SHARED") or REPO_ROOT.parent / "shared")


@pytest.fixture
def tmp_state(tmp_path: Path) -> Path:
    state = tmp_path / "state"
    state.mkdir()
    return state


# Microsoft's example responses live beside the repository in CI (../shared), never in it:
# a fresh clone skips the tests that read them, with this one reason; .ci/run sets
# TENANTMAP_REQUIRE_SHARED=1 where ../shared is there, so that a lookup missing it fails.
SHARED_MISSING = (
    "needs ../shared/azure-api-examples beside the repository (only the project's CI has it)"
)


API_EXAMPLES = SHARED / "azure-api-examples"


def _shared_required() -> bool:
    return os.environ.get("TENANTMAP_REQUIRE_SHARED") == "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Marked at collection rather than skipped in the fixture, so `-ra` folds the
    # skips into one line per file instead of one per test.
    if API_EXAMPLES.is_dir() or _shared_required():
        return
    skip = pytest.mark.skip(reason=SHARED_MISSING)
    for item in items:
        if "api_examples" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def api_examples() -> Path:
    if not API_EXAMPLES.is_dir():
        pytest.fail(f"{API_EXAMPLES} is missing and TENANTMAP_REQUIRE_SHARED=1: {SHARED_MISSING}")
    return API_EXAMPLES


@pytest.fixture(scope="session")
def sample_estate() -> Path:
    """The bundled sample estate (read-only: copy it before changing anything)."""
    from discovery.estates import SAMPLE_ESTATE

    return SAMPLE_ESTATE


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Bolt URI of a real Neo4j: ``NEO4J_URI`` if set (with ``NEO4J_USERNAME`` and
    ``NEO4J_PASSWORD``), else a Neo4j 5.26 Community server this session starts on
    127.0.0.1 (tests/neo4j_server.py). In the second case NEO4J_USERNAME and
    NEO4J_PASSWORD are set in the environment for the session, so ``open_store(uri)``
    and ``tenantmap --store URI`` subprocesses authenticate as a user would."""
    external = os.environ.get("NEO4J_URI")
    if external:
        yield external
        return
    from tests.neo4j_server import TEST_USER, running_neo4j

    with running_neo4j(tmp_path_factory.mktemp("neo4j-home")) as server:
        patch = pytest.MonkeyPatch()
        patch.setenv("NEO4J_USERNAME", TEST_USER)
        patch.setenv("NEO4J_PASSWORD", server.password or "")
        try:
            yield server.uri
        finally:
            patch.undo()


@pytest.fixture
def neo4j_empty_uri(neo4j_uri: str) -> str:
    """The session's Neo4j with every node and relationship deleted first
    (Community has one user database, so tests share it and start from empty)."""
    from tests.neo4j_server import clear_database, environment_auth

    clear_database(neo4j_uri, environment_auth(), os.environ.get("NEO4J_DATABASE"))
    return neo4j_uri

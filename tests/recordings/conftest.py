"""The real-responses suite reads ../shared/azure-cli-recordings at run time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.build import build_graph
from graph.snapshot import load_snapshot
from tests.conftest import SHARED
from tests.recordings.estate import write_snapshot

RECORDINGS = SHARED / "azure-cli-recordings" / "data"


@pytest.fixture(scope="session")
def recorded(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[dict[str, Any]], nx.MultiDiGraph]:
    """The recorded resources (per-recording subscriptions) and the graph built from them."""
    if not (RECORDINGS / "resources.jsonl.gz").is_file():
        pytest.skip(
            f"{RECORDINGS} is absent: the real-responses suite needs ../shared beside the repo"
        )
    folder: Path = tmp_path_factory.mktemp("recordings") / "snapshot"
    items = write_snapshot(RECORDINGS, folder)
    return items, build_graph(load_snapshot(folder))

"""Fixtures of the graph tests: the handmade Contoso snapshot and its graph."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph.build import build_graph
from graph.snapshot import load_snapshot
from tests.graph.handmade import contoso_snapshot


@pytest.fixture(scope="session")
def contoso_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return contoso_snapshot(tmp_path_factory.mktemp("contoso"))


@pytest.fixture(scope="session")
def contoso(contoso_dir: Path) -> nx.MultiDiGraph:
    return build_graph(load_snapshot(contoso_dir))

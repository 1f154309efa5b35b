"""A crawl of the sample estate (real SDKs over HTTPS against the emulator) builds the same
graph as the estate itself: the build reads what the crawler writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from discovery.crawl import CrawlTarget, crawl
from discovery.emulator import running_emulator
from discovery.estates import SAMPLE_ESTATE
from graph.build import build_graph
from graph.queries import QUERIES
from graph.snapshot import load_snapshot


@pytest.mark.parametrize("source", ["resource-graph", "arm"])
def test_graph_of_a_crawl_equals_the_graph_of_the_estate(tmp_path: Path, source: str) -> None:
    with running_emulator(SAMPLE_ESTATE) as emu:
        crawl(
            CrawlTarget.for_emulator(emu),
            tmp_path / "snapshot",
            source=source,
            state_dir=tmp_path / "state",
            progress=False,
        )
    crawled = build_graph(load_snapshot(tmp_path / "snapshot"))
    estate = build_graph(load_snapshot(SAMPLE_ESTATE))
    assert QUERIES["changes"].run(crawled, previous=estate) == []

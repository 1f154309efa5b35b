"""A crawl of the sample estate (real SDKs over HTTPS against the emulator) builds the same
graph as the estate itself: the build reads what the crawler writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from discovery.crawl import CrawlTarget, crawl
from discovery.crawl.paas import expected_view
from discovery.crawl.roundtrip import iter_resources
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
    # A platform service's children are read only while its endpoint is open: the estate
    # as a crawl can see it leaves the others out.
    seen = shutil.copytree(SAMPLE_ESTATE, tmp_path / "seen")
    lines = [json.dumps(expected_view(r)) for r in iter_resources(SAMPLE_ESTATE)]
    (seen / "resources.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    estate = build_graph(load_snapshot(seen))
    assert QUERIES["changes"].run(crawled, previous=estate) == []

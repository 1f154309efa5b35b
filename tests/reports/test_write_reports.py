"""How write_reports puts the files on disk: streamed, staged, all or nothing."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reports import parse_report, render, write_reports
from reports.render import (
    render_csv,
    render_governance_csv,
    render_html,
    render_json,
    render_markdown,
)
from tests.reports.synthetic import synthetic_report


def test_each_file_holds_the_utf8_bytes_of_its_render_function(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    paths = write_reports(full_report, tmp_path)
    parsed = parse_report(full_report)
    expected = {
        "report.json": render_json(full_report),
        "report.html": render_html(parsed),
        "report.md": render_markdown(parsed),
        "findings.csv": render_csv(parsed),
    }
    if "governance.csv" in paths:
        expected["governance.csv"] = render_governance_csv(parsed)
    assert sorted(paths) == sorted(expected)
    for name, text in expected.items():
        assert paths[name].read_bytes() == text.encode("utf-8"), name


def test_a_rendering_that_fails_part_way_keeps_the_last_files_and_leaves_no_partial_one(
    full_report: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {
        name: path.read_bytes() for name, path in write_reports(full_report, tmp_path).items()
    }

    def disk_full(report: Any, *, view: Any = None) -> Iterator[str]:
        yield "# half a report\n"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render, "markdown_chunks", disk_full)
    changed = synthetic_report(20)
    with pytest.raises(OSError, match="No space left"):
        write_reports(changed, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_writing_the_reports_leaves_nothing_for_the_cyclic_collector(tmp_path: Path) -> None:
    # At 1,000,000 resources the parsed report and its views are millions of objects:
    # held in a reference cycle (a template's context), they would outlive the writing
    # until a full collection walked them all.
    report = synthetic_report(300)
    write_reports(report, tmp_path / "warm")  # templates compiled, caches filled
    gc.collect()
    gc.disable()
    try:
        write_reports(report, tmp_path / "night")
        assert gc.collect() == 0
    finally:
        gc.enable()

"""The governance matrix on a phone: the page never scrolls sideways, the table does in its frame."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from discovery.estates import SAMPLE_ESTATE
from graph.analysis import analyse
from graph.build import build_graph
from graph.inventory import load_inventory
from graph.snapshot import load_snapshot
from reports import write_reports
from tests.reports.chromium import Chromium
from tests.reports.test_html_in_chromium import PHONE, chromium  # noqa: F401  (fixture)

pytestmark = pytest.mark.chromium


@pytest.fixture(scope="module")
def sample_report() -> dict[str, Any]:
    snap = load_snapshot(SAMPLE_ESTATE)
    return analyse(
        build_graph(snap),
        snap,
        load_inventory(SAMPLE_ESTATE / "inventory.yaml"),
        today=dt.date(2026, 11, 27),
        run={"id": "sample", "startedAt": "2026-11-27T02:00:00Z"},
        previous=None,
    )


def test_the_governance_matrix_fits_a_phone_screen(
    chromium: Chromium,  # noqa: F811
    sample_report: dict[str, Any],
    tmp_path: Path,
    test_output: Path,
) -> None:
    html = write_reports(sample_report, tmp_path / "run")["report.html"]
    visit = chromium.visit(
        html.as_uri(),
        selectors=("#governance", "#governance table"),
        screenshot=test_output / "report-governance-phone.png",
        **PHONE,
    )
    assert visit.console_errors == []
    assert visit.scroll_width <= visit.viewport_width
    section = visit.sizes["#governance"]
    assert section is not None and 0 < section["width"] <= PHONE["width"]
    assert visit.sizes["#governance table"] is not None

"""The HTML report as a browser shows it: headless Chromium over the DevTools protocol.

Screenshots go to test-output/reports/ for people to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reports import write_reports
from tests.reports.chromium import Chromium, PageVisit, find_chromium, running_chromium

pytestmark = pytest.mark.chromium

LAPTOP: dict[str, Any] = {"width": 1366, "height": 900, "mobile": False}
PHONE: dict[str, Any] = {"width": 390, "height": 844, "mobile": True}
ELEMENTS = ("#summary", "#summary .cards", ".sevbar", "#topology svg", "#findings article")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    binary = find_chromium()
    if binary is None:
        pytest.fail("Chromium is missing: install it with `apt-get install -y chromium`")
    with running_chromium(binary) as browser:
        yield browser


def show(
    chromium: Chromium, report: dict[str, Any], tmp_path: Path, shot: Path, device: dict[str, Any]
) -> PageVisit:
    html = write_reports(report, tmp_path / "run")["report.html"]
    return chromium.visit(html.as_uri(), selectors=ELEMENTS, screenshot=shot, **device)


def assert_renders_cleanly(visit: PageVisit) -> None:
    assert visit.console_errors == []
    assert visit.requests == [visit.url]  # the file itself, nothing fetched
    for selector in ELEMENTS:
        size = visit.sizes[selector]
        assert size is not None, f"{selector} is missing"
        assert size["width"] > 0 and size["height"] > 0, selector
    assert visit.screenshot is not None and visit.screenshot.stat().st_size > 10_000


def test_report_renders_on_a_laptop_without_errors_or_requests(
    chromium: Chromium, full_report: dict[str, Any], tmp_path: Path, test_output: Path
) -> None:
    visit = show(chromium, full_report, tmp_path, test_output / "report-laptop.png", LAPTOP)
    assert_renders_cleanly(visit)
    assert visit.scroll_width <= visit.viewport_width  # no sideways scrolling
    sizes = visit.sizes
    assert sizes["#topology svg"] is not None and sizes["#topology svg"]["height"] > 200


def test_report_fits_a_phone_screen(
    chromium: Chromium, full_report: dict[str, Any], tmp_path: Path, test_output: Path
) -> None:
    visit = show(chromium, full_report, tmp_path, test_output / "report-phone.png", PHONE)
    assert_renders_cleanly(visit)
    # the page itself never scrolls sideways; only the tenant picture does, in its frame
    assert visit.scroll_width <= visit.viewport_width
    summary = visit.sizes["#summary"]
    assert summary is not None and summary["width"] <= PHONE["width"]


def test_hostile_names_neither_run_nor_fetch_anything(
    chromium: Chromium, hostile_report: dict[str, Any], tmp_path: Path, test_output: Path
) -> None:
    visit = show(chromium, hostile_report, tmp_path, test_output / "report-hostile.png", LAPTOP)
    assert_renders_cleanly(visit)


def test_a_clean_first_run_renders(
    chromium: Chromium, clean_report: dict[str, Any], tmp_path: Path, test_output: Path
) -> None:
    html = write_reports(clean_report, tmp_path / "run")["report.html"]
    visit = chromium.visit(
        html.as_uri(),
        selectors=("#summary", "#topology svg"),
        screenshot=test_output / "report-clean.png",
        **LAPTOP,
    )
    assert visit.console_errors == [] and visit.requests == [visit.url]
    topo = visit.sizes["#topology svg"]
    assert topo is not None and topo["height"] > 0


def test_printing_drops_the_navigation_and_fits_the_picture_to_the_page(
    chromium: Chromium, full_report: dict[str, Any], tmp_path: Path, test_output: Path
) -> None:
    html = write_reports(full_report, tmp_path / "run")["report.html"]
    # A4 portrait at 96 dpi less margins is about 700 CSS pixels wide
    visit = chromium.visit(
        html.as_uri(),
        width=700,
        height=1000,
        media="print",
        selectors=("nav.toc", "#topology svg", "#summary"),
        screenshot=test_output / "report-print.png",
    )
    assert visit.console_errors == [] and visit.requests == [visit.url]
    nav, svg = visit.sizes["nav.toc"], visit.sizes["#topology svg"]
    assert nav is not None and nav["width"] == 0 and nav["height"] == 0
    assert svg is not None and 0 < svg["width"] <= 700
    assert visit.scroll_width <= visit.viewport_width


@pytest.mark.parametrize("device", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_severity_bar_is_as_wide_as_the_cards_above_it(
    chromium: Chromium,
    full_report: dict[str, Any],
    tmp_path: Path,
    test_output: Path,
    device: dict[str, Any],
) -> None:
    name = "laptop" if device is LAPTOP else "phone"
    visit = show(chromium, full_report, tmp_path, test_output / f"sevbar-{name}.png", device)
    bar, cards = visit.sizes[".sevbar"], visit.sizes["#summary .cards"]
    assert bar is not None and cards is not None
    assert abs(bar["width"] - cards["width"]) <= 1

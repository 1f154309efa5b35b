"""The governance section: fits a laptop, scrolls in its frame on a phone; its order and link."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from discovery.estates import SAMPLE_ESTATE
from graph.analysis import analyse
from graph.build import build_graph
from graph.crawl_record import crawl_record
from graph.inventory import load_inventory
from graph.snapshot import load_snapshot
from reports import write_reports
from tests.reports.chromium import Chromium
from tests.reports.test_html_in_chromium import LAPTOP, PHONE, chromium  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def sample_report() -> dict[str, Any]:
    snap = load_snapshot(SAMPLE_ESTATE)
    return analyse(
        build_graph(snap),
        crawl_record(snap),
        load_inventory(SAMPLE_ESTATE / "inventory.yaml"),
        today=dt.date(2026, 11, 27),
        run={"id": "sample", "startedAt": "2026-11-27T02:00:00Z"},
        previous=None,
    )


@pytest.mark.chromium
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


@pytest.mark.chromium
def test_the_governance_matrix_fits_a_laptop_screen_without_sideways_scrolling(
    chromium: Chromium,  # noqa: F811
    sample_report: dict[str, Any],
    tmp_path: Path,
    test_output: Path,
) -> None:
    html = write_reports(sample_report, tmp_path / "run")["report.html"]
    visit = chromium.visit(
        html.as_uri(),
        selectors=("#governance .scroll", "#governance table", "#governance small.guid"),
        screenshot=test_output / "report-governance-laptop.png",
        **LAPTOP,
    )
    frame, table = visit.sizes["#governance .scroll"], visit.sizes["#governance table"]
    assert frame is not None and table is not None
    assert table["width"] <= frame["width"]


@pytest.mark.chromium
def test_an_unnamed_foreign_subscription_shows_its_guid_on_one_line(
    chromium: Chromium,  # noqa: F811
    sample_report: dict[str, Any],
    tmp_path: Path,
) -> None:
    html = write_reports(sample_report, tmp_path / "run")["report.html"]
    for device in (LAPTOP, PHONE):
        visit = chromium.visit(html.as_uri(), selectors=("#governance td small.guid",), **device)
        guid = visit.sizes["#governance td small.guid"]
        assert guid is not None and 0 < guid["height"] < 20, device


def test_the_navigation_links_to_the_governance_section(
    sample_report: dict[str, Any], tmp_path: Path
) -> None:
    html = write_reports(sample_report, tmp_path / "run")["report.html"].read_text()
    nav = html[html.index('<nav class="toc">') : html.index("</nav>")]
    assert '<a href="#governance">Governance</a>' in nav
    assert 'id="governance"' in html


def test_the_governance_matrix_lists_our_own_tenants_first(
    sample_report: dict[str, Any], tmp_path: Path
) -> None:
    html = write_reports(sample_report, tmp_path / "run")["report.html"].read_text()
    section = html[html.index('<section id="governance">') :]
    assert section.index("<h3>Contoso</h3>") < section.index("<h3>Fabrikam (payments partner)</h3>")
    tenants = [r["tenantName"] for r in sample_report["governance"]["rows"]]
    assert tenants[: tenants.count("Contoso")] == ["Contoso"] * tenants.count("Contoso")


@pytest.mark.chromium
def test_the_printed_governance_matrix_fits_the_page_width(
    chromium: Chromium,  # noqa: F811
    sample_report: dict[str, Any],
    tmp_path: Path,
) -> None:
    html = write_reports(sample_report, tmp_path / "run")["report.html"]
    last = "#governance div.scroll:last-of-type table"  # an unnamed foreign subscription's GUID
    visit = chromium.visit(html.as_uri(), width=794, height=1123, media="print", selectors=(last,))
    table = visit.sizes[last]
    assert table is not None and 0 < table["width"] <= 794
    assert visit.scroll_width <= visit.viewport_width

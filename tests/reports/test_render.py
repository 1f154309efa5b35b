"""Rendering report.json into report.json, report.html, report.md and findings.csv."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from reports import parse_report, write_reports
from reports.naming import GUID
from reports.render import NOTE_TEXT, render_html, render_json
from reports.topology import MAX_PER_SIDE
from tests.reports.conftest import BREAKOUT, IMG, SCRIPT
from tests.reports.synthetic import synthetic_report

KIND_ORDER = [
    "unknown-tenant",
    "unknown-subscription",
    "tenant-mismatch",
    "undeclared-circuit",
    "undeclared-site",
    "internet-exposure",
    "expired-approval",
    "missing-declared",
    "coverage-gap",
]


def html_of(report: dict[str, Any], tmp_path: Path) -> str:
    return write_reports(report, tmp_path / "out")["report.html"].read_text(encoding="utf-8")


def article(html: str, finding_id: str) -> str:
    start = html.index(f'id="f-{finding_id}"')
    return html[start : html.index("</article>", start)]


def test_write_reports_writes_the_four_files(full_report: dict[str, Any], tmp_path: Path) -> None:
    paths = write_reports(full_report, tmp_path / "run")
    assert sorted(paths) == ["findings.csv", "report.html", "report.json", "report.md"]
    assert all(p.parent == tmp_path / "run" and p.stat().st_size > 0 for p in paths.values())


def test_rendering_again_from_report_json_gives_identical_files(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    first = write_reports(full_report, tmp_path / "during-run")
    again = json.loads(first["report.json"].read_text(encoding="utf-8"))
    second = write_reports(again, tmp_path / "later")
    for name, path in first.items():
        assert path.read_bytes() == second[name].read_bytes(), name


def test_key_order_of_the_input_does_not_change_any_file(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    def reverse_keys(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: reverse_keys(value[k]) for k in reversed(list(value))}
        if isinstance(value, list):
            return [reverse_keys(v) for v in value]
        return value

    first = write_reports(full_report, tmp_path / "a")
    second = write_reports(reverse_keys(full_report), tmp_path / "b")
    for name, path in first.items():
        assert path.read_bytes() == second[name].read_bytes(), name


def test_report_json_is_pretty_with_sorted_keys(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    text = write_reports(full_report, tmp_path)["report.json"].read_text(encoding="utf-8")
    assert text == json.dumps(full_report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_html_is_self_contained_without_scripts_or_fetched_resources(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    html = html_of(full_report, tmp_path)
    assert "<script" not in html.lower()
    assert re.findall(r"\s(?:src|srcset|action|xlink:href)=", html) == []
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith("#") for h in hrefs)
    assert "default-src 'none'" in html  # the CSP forbids fetching even if markup slipped in
    assert "<style>" in html and "@media print" in html and "@media (max-width" in html


def test_summary_comes_before_the_findings_and_shows_the_counts(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    html = html_of(full_report, tmp_path)
    assert html.index('id="summary"') < html.index('id="topology"') < html.index('id="findings"')
    summary = html[html.index('id="summary"') : html.index('id="topology"')]
    for label, value in (("open", 13), ("new since last run", 5), ("resolved", 2), ("accepted", 1)):
        assert f'<div class="n">{value}</div><div class="l">{label}</div>' in summary


def test_findings_are_grouped_by_kind_in_the_order_of_the_spec(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    html = html_of(full_report, tmp_path)
    positions = [html.index(f'<section id="k-{kind}">') for kind in KIND_ORDER]
    assert positions == sorted(positions)
    for f in full_report["findings"]:
        if f["status"] == "accepted":
            continue
        section_start = html.index(f'<section id="k-{f["kind"]}">')
        section_end = html.index("</section>", section_start)
        assert section_start < html.index(f'id="f-{f["id"]}"') < section_end


def test_new_findings_are_marked_and_come_first_in_their_kind(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    html = html_of(full_report, tmp_path)
    for f in full_report["findings"]:
        if f["status"] == "accepted":
            continue
        card = article(html, f["id"])
        assert ("NEW</span>" in card) == (f["status"] == "new"), f["title"]
    tenants = [
        f
        for f in full_report["findings"]
        if f["kind"] == "unknown-tenant" and f["status"] != "accepted"
    ]
    new, existing = (next(f for f in tenants if f["status"] == s) for s in ("new", "existing"))
    assert html.index(f'id="f-{new["id"]}"') < html.index(f'id="f-{existing["id"]}"')


def test_unverified_findings_say_so(full_report: dict[str, Any], tmp_path: Path) -> None:
    html = html_of(full_report, tmp_path)
    for f in full_report["findings"]:
        if f["status"] != "accepted":
            assert ("badge unverified" in article(html, f["id"])) == f["unverified"]


def test_evidence_is_a_readable_path_with_the_full_ids_at_hand(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    html = html_of(full_report, tmp_path)
    jump = full_report["findings"][0]
    card = article(html, jump["id"])
    relations = re.findall(r'<span class="rel">([A-Z_]+)</span>', card)
    assert relations == [edge["relation"] for edge in jump["evidence"]]
    assert ">public IP jump-pip</span>" in card
    assert ">NIC jump-nic \u203a ipconfig1</span>" in card
    for edge in jump["evidence"]:
        assert f"<code>{edge['to']}</code>" in card  # in the "Full ids" details
        assert f': {edge["to"]}"' in card  # and as the tooltip of the short name
    assert "rule allow-ssh-any" in card  # extra edge properties are shown


def test_exposure_details_show_ports_entries_waf_reaches_notes_and_approvals(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    html = html_of(full_report, tmp_path)
    by_name = {f["subjectName"]: f for f in full_report["findings"]}
    jump = article(html, by_name["jump-01"]["id"])
    assert '<span class="port ">22/tcp</span><span class="port ">3389/tcp</span>' in jump
    assert (
        ">site amsterdam-dc</span>" in jump
        and ">local network gateway lng-branch-lyon</span>" in jump
    )
    agw = article(html, by_name["shop-agw"]["id"])
    assert "application-gateway" in agw and "WAF detection" in agw
    web = article(html, by_name["web-02"]["id"])
    assert '<span class="port ok">443/tcp</span>' in web
    assert "(admin-rules-not-evaluated)" in web and "(route-none)" in web


def test_accepted_findings_are_listed_apart_and_not_among_the_open_ones(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    html = html_of(full_report, tmp_path)
    accepted = next(f for f in full_report["findings"] if f["status"] == "accepted")
    assert html.count(f'id="f-{accepted["id"]}"') == 1
    assert (
        html.index('id="accepted"')
        < html.index(f'id="f-{accepted["id"]}"')
        < html.index('id="resolved"')
    )


def test_resolved_and_coverage_sections_show_what_the_report_says(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    html = html_of(full_report, tmp_path)
    resolved = html[html.index('id="resolved"') : html.index('id="coverage"')]
    for item in full_report["resolved"]:
        assert item["title"] in resolved
    coverage = html[html.index('id="coverage"') :]
    for failure in full_report["coverage"]["failed"]:
        assert failure["scope"] in coverage and failure["code"] in coverage
    for item in full_report["coverage"]["outOfScope"]:
        assert f"<li>{item}</li>" in coverage
    assert "Tenants crawled (2)" in coverage and "Subscriptions crawled (3)" in coverage


def test_tenant_picture_shows_every_tenant_site_and_circuit_with_undeclared_ones_marked(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    html = html_of(full_report, tmp_path)
    svg = html[
        html.index("<svg", html.index('id="topology"')) : html.index(
            "</svg>", html.index('id="topology"')
        )
    ]
    topo = full_report["topology"]
    far_ends = {link["to"] for link in topo["links"]} | {t["id"] for t in topo["tenants"]}
    for node in far_ends:
        assert f"<title>{node}" in svg or f"({node})</title>" in svg, node
    undeclared = {t["id"] for t in topo["tenants"] if not t["declared"]} | {
        link["to"]
        for link in topo["links"]
        if not link["declared"] and GUID.match(link["to"]) is None  # undeclared sites and circuits
    }
    boxes = re.findall(r'<g class="box ([a-z-]+)"><title>([^<]*)</title>', svg)
    for css, title in boxes:
        is_undeclared = any(node in title for node in undeclared)
        assert (css == "undeclared") == is_undeclared, title
    assert svg.count("UNDECLARED") == len(undeclared)
    assert ">vnet-peering \u00d73</text>" in svg and ">lighthouse \u00d72</text>" in svg
    assert ">site-to-site \u00d72</text>" in svg and ">expressroute \u00d71</text>" in svg


def test_tenant_picture_folds_a_long_column_into_one_box(tmp_path: Path) -> None:
    report = synthetic_report(50, tenants=MAX_PER_SIDE + 20)
    html = html_of(report, tmp_path)
    assert (
        html.count('<g class="box declared">') + html.count('<g class="box undeclared">')
        == MAX_PER_SIDE - 1
    )
    assert f">+{20 + 1} more</text>" in html


def test_the_layout_is_deterministic_across_renderings(full_report: dict[str, Any]) -> None:
    report = parse_report(full_report)
    assert render_html(report) == render_html(parse_report(json.loads(json.dumps(full_report))))


def test_hostile_names_are_escaped_in_html(hostile_report: dict[str, Any], tmp_path: Path) -> None:
    html = html_of(hostile_report, tmp_path)
    for raw in (SCRIPT, IMG, BREAKOUT, "<svg onload", "<img", "<script"):
        assert raw not in html
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in html
    assert "&lt;img src=&#34;https://attacker.example/x.png&#34;" in html
    assert html.count("<svg") == 2  # the severity bar and the tenant picture, nothing injected


def test_hostile_names_are_escaped_in_markdown(
    hostile_report: dict[str, Any], tmp_path: Path
) -> None:
    md = write_reports(hostile_report, tmp_path)["report.md"].read_text(encoding="utf-8")
    outside_code = re.sub(r"(`+)[^`].*?\1", "", md)
    assert re.search(r"(?<!\\)<(script|img)", outside_code) is None
    assert "\\<script\\>" in md


def test_markdown_has_the_summary_table_and_every_open_finding_with_its_evidence(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    md = write_reports(full_report, tmp_path)["report.md"].read_text(encoding="utf-8")
    assert "| 13 | 5 | 1 | 2 | 1 | 1 | 7 | 3 | 2 |" in md
    for f in full_report["findings"]:
        if f["status"] != "accepted":
            assert f["id"] in md
            for edge in f["evidence"]:
                assert f"\u2192 {edge['relation']}" in md
    headings = [line for line in md.splitlines() if line.startswith("### ")]
    assert headings[0].startswith("### Unknown tenants") and headings[-1].startswith(
        "### Coverage gaps"
    )


def read_csv(report: dict[str, Any], tmp_path: Path) -> list[dict[str, str]]:
    text = write_reports(report, tmp_path)["findings.csv"].read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_markdown_and_html_show_a_worse_finding_and_what_grew(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    worse = next(f for f in full_report["findings"] if f.get("worsened"))
    files = write_reports(full_report, tmp_path)
    md = files["report.md"].read_text(encoding="utf-8")
    assert f"#### ⚠️ WORSE · HIGH · {worse['title']}" in md
    assert "- **worse since the last run**: ports 443/tcp; entry points application-gateway" in md
    html = files["report.html"].read_text(encoding="utf-8")
    card = html.split(f'id="f-{worse["id"]}"')[1].split("</article>")[0]
    assert '<span class="badge new worse"' in card
    assert '<dd class="grew">ports 443/tcp; entry points application-gateway' in card
    assert '<div class="l">worse since last run</div>' in html


def test_what_only_shrank_is_shown_without_alerting(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    smaller = next(f for f in full_report["findings"] if f.get("shrank"))
    files = write_reports(full_report, tmp_path)
    md = files["report.md"].read_text(encoding="utf-8")
    section = md.split(smaller["title"])[1].split("####")[0]
    assert "- less than the last run: links 2 → 1" in section
    assert "WORSE" not in md.split(smaller["title"])[0].rsplit("####", 1)[1]


def test_csv_has_one_row_per_finding_with_the_agreed_columns(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    rows = read_csv(full_report, tmp_path)
    assert list(rows[0]) == [
        "id", "kind", "severity", "status", "unverified", "subject", "subjectName",
        "title", "firstSeen", "ports", "reaches", "notes", "worsened",
    ]  # fmt: skip
    assert [r["id"] for r in rows] == [f["id"] for f in full_report["findings"]]
    web = next(r for r in rows if r["subjectName"] == "web-02")
    assert web["ports"] == "8080-8090/tcp; 53/udp"
    assert web["notes"] == "admin-rules-not-evaluated; route-none"
    assert {r["unverified"] for r in rows} == {"true", "false"}
    [worse] = [r for r in rows if r["worsened"]]
    assert worse["subjectName"] == "shop-agw"
    assert worse["worsened"].startswith(
        "ports 443/tcp; entry points application-gateway /subscriptions/"
    )
    assert worse["worsened"].endswith("; severity medium → high")


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    payloads = ['=HYPERLINK("https://attacker.example")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
    for f, payload in zip(full_report["findings"], payloads, strict=False):
        f["subjectName"] = payload
        f["title"] = payload
    rows = read_csv(full_report, tmp_path)
    for row, payload in zip(rows, payloads, strict=False):
        assert row["subjectName"] == "'" + payload
        assert row["title"] == "'" + payload
    assert not any(cell[:1] in "=+-@" for row in rows for cell in row.values() if cell)


def test_a_report_without_findings_says_so_everywhere(
    clean_report: dict[str, Any], tmp_path: Path
) -> None:
    paths = write_reports(clean_report, tmp_path)
    assert "No open findings." in paths["report.html"].read_text(encoding="utf-8")
    assert "No open findings." in paths["report.md"].read_text(encoding="utf-8")
    assert paths["findings.csv"].read_bytes().count(b"\r\n") == 1  # the header alone


def test_a_large_report_lists_findings_beyond_the_detail_limit_in_one_row_each(
    tmp_path: Path,
) -> None:
    report = synthetic_report(900)
    html = html_of(report, tmp_path)
    open_ids = [f["id"] for f in report["findings"] if f["status"] != "accepted"]
    assert html.count("<article") == 500
    assert html.count('<table class="compact">') >= 1
    assert all(f'id="f-{i}"' in html for i in open_ids)
    new_ids = [f["id"] for f in report["findings"] if f["status"] == "new"]
    assert all(
        '<article class="finding sev-'
        in html[html.index(f'id="f-{i}"') - 60 : html.index(f'id="f-{i}"')]
        for i in new_ids
    )


def test_markdown_lists_findings_beyond_the_detail_limit_in_one_table_row_each(
    tmp_path: Path,
) -> None:
    report = synthetic_report(900)
    md = write_reports(report, tmp_path)["report.md"].read_text(encoding="utf-8")
    open_findings = [f for f in report["findings"] if f["status"] != "accepted"]
    assert md.count("\n#### ") == 500
    rows = re.findall(r"^\| \w+ \| [\w, ]+ \| .* \| `([0-9a-f]{16})` \|$", md, re.MULTILINE)
    carded = re.findall(r"^- finding id: `([0-9a-f]{16})`", md, re.MULTILINE)
    assert sorted(rows + carded) == sorted(f["id"] for f in open_findings)
    assert f"{len(open_findings) - 500} findings beyond the first 500 (new first)" in md


def test_null_fields_render_as_words_not_as_none(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    before = write_reports(full_report, tmp_path / "before")
    full_report["organization"] = None
    full_report["run"]["id"] = None
    full_report["findings"][0]["evidence"][0]["relation"] = None
    full_report["resolved"][0]["title"] = None
    full_report["coverage"]["failed"][0]["scope"] = None
    paths = write_reports(full_report, tmp_path / "after")
    for name in ("report.html", "report.md"):
        text = paths[name].read_text(encoding="utf-8")
        nones = len(re.findall(r"\bNone\b", before[name].read_text(encoding="utf-8")))
        assert len(re.findall(r"\bNone\b", text)) == nones, name  # "next hop None" is a real word
        assert "unrecorded" in text and "(scope not known)" in text


def test_accepted_findings_show_until_when_and_why(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    html = html_of(full_report, tmp_path)
    accepted = html[html.index('id="accepted"') : html.index('id="resolved"')]
    assert "2027-01-31" in accepted and "Microsoft first-party tenant" in accepted


def test_every_link_is_also_listed_as_a_table_row(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    html = html_of(full_report, tmp_path)
    table = html[
        html.index('<details class="links">') : html.index(
            "</details>", html.index('<details class="links">')
        )
    ]
    rows = re.findall(r"<tr><td>.*?</tr>", table)
    assert len(rows) == len(full_report["topology"]["links"])
    for link in full_report["topology"]["links"]:
        assert any(f': {link["to"]}"' in row and f">{link['channel']}<" in row for row in rows), (
            link
        )
    assert sum("UNDECLARED" in row for row in rows) == sum(
        not x["declared"] for x in full_report["topology"]["links"]
    )


def test_every_note_the_schema_allows_has_a_sentence_for_people() -> None:
    """An exposure note shown as its bare code (``nsg-rule-unreadable``) tells a reader nothing."""
    schema = json.loads(
        (Path(__file__).parents[2] / "graph" / "analysis" / "report.schema.json").read_text()
    )
    found: list[str] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            if key == "notes" and "enum" in node.get("items", {}):
                found.extend(node["items"]["enum"])
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)

    walk(schema)
    assert "nsg-rule-unreadable" in found
    assert sorted(set(found) - set(NOTE_TEXT)) == []


def test_report_json_is_spelled_as_the_standard_library_spells_it() -> None:
    # report.json must not change bytes when the encoder does: control characters,
    # non-ASCII, floats (exponents), integer keys and big integers all read as json.dumps writes them.
    documents: list[Any] = [
        {"b": 'tab\there \x00 \x7f \u2028 é "q" \\', "a": [], "c": {}, "d": [1, [2, {}]]},
        {"ratio": 1e-05, "big": 1e16, "plain": 0.5},
        {"findings": [{"id": "a", "details": {"hops": [["x", {"weight": 1e-07}]]}}]},
        {"keys": {1: "int key"}, "huge": 2**70},
    ]
    for document in documents:
        expected = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        assert render_json(document) == expected


def test_report_json_written_a_finding_at_a_time_is_spelled_as_the_standard_library_spells_it(
    tmp_path: Path,
) -> None:
    # report.json is streamed, each finding encoded on its own: one finding holding a float,
    # another an integer beyond 64 bits, must not change how the rest is spelled.
    report = synthetic_report(1100)
    report["findings"][3]["details"]["weight"] = 1e-07
    report["findings"][700]["details"]["huge"] = 2**70
    report["findings"][1099]["details"]["text"] = 'tab\there \x00 \u2028 é "q"'
    written = write_reports(report, tmp_path)["report.json"].read_text(encoding="utf-8")
    assert written == json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

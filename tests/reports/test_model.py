"""report.json validation: the renderers get typed data or one sentence naming the bad field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reports import ReportError, load_report, parse_report, write_reports
from reports.model import edge_extras


@pytest.mark.parametrize("name", ["full", "quiet", "clean"])
def test_every_fixture_follows_the_contract(name: str) -> None:
    from tests.reports.conftest import load_fixture

    report = parse_report(load_fixture(name))
    assert report.format == "tenantmap.report/1"


def test_a_bad_severity_is_named_with_its_position(full_report: dict[str, Any]) -> None:
    full_report["findings"][3]["severity"] = "urgent"
    with pytest.raises(ReportError) as caught:
        parse_report(full_report)
    message = str(caught.value)
    assert "findings[3].severity" in message
    assert "'critical', 'high', 'medium' or 'low'" in message
    assert "\n" not in message


def test_a_missing_summary_count_is_named(full_report: dict[str, Any]) -> None:
    del full_report["summary"]["bySeverity"]["low"]
    with pytest.raises(ReportError, match=r"summary\.bySeverity\.low: Field required"):
        parse_report(full_report)


def test_an_evidence_edge_without_relation_is_named(full_report: dict[str, Any]) -> None:
    del full_report["findings"][0]["evidence"][1]["relation"]
    with pytest.raises(ReportError, match=r"findings\[0\]\.evidence\[1\]\.relation"):
        parse_report(full_report)


def test_another_format_is_refused(full_report: dict[str, Any]) -> None:
    full_report["format"] = "tenantmap.report/2"
    with pytest.raises(ReportError, match=r"format: Input should be 'tenantmap\.report/1'"):
        parse_report(full_report)


def test_several_problems_are_counted_in_the_one_sentence(full_report: dict[str, Any]) -> None:
    full_report["findings"][0]["kind"] = "bogus"
    full_report["findings"][1]["status"] = "bogus"
    with pytest.raises(ReportError, match=r"\(and 1 more problems\)$"):
        parse_report(full_report)


def test_a_json_array_is_not_a_report() -> None:
    with pytest.raises(ReportError, match="expected a JSON object"):
        parse_report([])


def test_unknown_keys_in_details_and_evidence_are_kept_for_the_views(
    full_report: dict[str, Any],
) -> None:
    report = parse_report(full_report)
    jump = report.findings[0]
    assert edge_extras(jump.evidence[2]) == {"priority": 100, "rule": "allow-ssh-any"}


def test_evidence_edges_are_checked_but_not_copied(full_report: dict[str, Any]) -> None:
    # a large report holds hundreds of thousands of edges: the parsed report shares them
    report = parse_report(full_report)
    assert report.findings[0].evidence[2] is full_report["findings"][0]["evidence"][2]


def test_an_evidence_edge_may_spell_from_as_from_underscore(full_report: dict[str, Any]) -> None:
    edge = full_report["findings"][0]["evidence"][2]
    edge["from_"] = edge.pop("from")
    parsed = parse_report(full_report).findings[0].evidence[2]
    assert parsed["from"] == edge["from_"]
    assert edge_extras(parsed) == {"priority": 100, "rule": "allow-ssh-any"}


def test_loading_broken_json_names_the_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text('{"format": "tenantmap.report/1",\n  "organization": }')
    with pytest.raises(ReportError, match=r"report\.json is not valid JSON \(line 2, column 19"):
        load_report(path)


def test_loading_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="does not exist"):
        load_report(tmp_path / "nope.json")


def test_an_invalid_report_writes_nothing(full_report: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    (out / "report.html").write_text("yesterday's report")
    full_report["summary"]["open"] = -1
    with pytest.raises(ReportError, match=r"summary\.open"):
        write_reports(full_report, out)
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]
    assert (out / "report.html").read_text() == "yesterday's report"


def test_load_report_returns_the_document_as_written(
    full_report: dict[str, Any], tmp_path: Path
) -> None:
    paths = write_reports(full_report, tmp_path)
    assert load_report(paths["report.json"]) == json.loads(json.dumps(full_report))


def test_the_fixtures_follow_the_analysis_report_schema() -> None:
    """The fixtures are what graph.analysis produces: its JSON Schema must accept them."""
    import jsonschema

    from tests.reports.conftest import REPO, load_fixture

    schema = json.loads((REPO / "graph" / "analysis" / "report.schema.json").read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    problems = [
        f"{name}: {error.json_path}: {error.message}"
        for name in ("full", "quiet", "clean")
        for error in validator.iter_errors(load_fixture(name))
    ]
    assert problems == []


def test_fields_the_schema_allows_to_be_null_are_accepted(full_report: dict[str, Any]) -> None:
    full_report["organization"] = None
    full_report["run"]["id"] = None
    full_report["findings"][0]["evidence"][0]["relation"] = None
    full_report["resolved"][0]["title"] = None
    full_report["coverage"]["failed"][0]["scope"] = None
    report = parse_report(full_report)
    assert report.organization is None and report.resolved[0].label.startswith("internet-exposure ")

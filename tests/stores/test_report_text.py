"""A stored report's text (graph.stores.report_text): JSON any reader reads as the report,
laid out so that the next night indexes its findings by id and parses one only when it
compares with it."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest

from graph.stores import StoreError
from graph.stores.common import json_bytes
from graph.stores.report_text import FindingHistory, history_of, report_bytes, report_parts

WHERE = "run r1 in the test store cannot be read"
RUN = {"id": "r1", "startedAt": "2026-11-26T02:00:00Z"}


def finding(ident: str, **more: Any) -> dict[str, Any]:
    return {"id": ident, "kind": "exposure", "severity": "high", "scope": ["sub-1"], **more}


def report(findings: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    return {"format": "tenantmap.report/1", "run": RUN, "findings": findings, **more}


def laid_out(findings: list[dict[str, Any]]) -> FindingHistory:
    history = history_of(report_bytes(report(findings)), WHERE)
    assert history is not None
    assert isinstance(history["findings"], FindingHistory)
    return history["findings"]


def test_a_stored_report_is_the_same_report_to_any_json_reader() -> None:
    stored = report([finding("f1"), finding("f2", evidence=[{"id": "x", "b": [1, 2]}])])

    text = report_bytes(stored)

    assert json.loads(text) == stored
    assert orjson.loads(text) == stored


def test_each_finding_is_on_a_line_of_its_own_beginning_with_its_id() -> None:
    text = report_bytes(report([finding("f1"), finding("f2")]))

    lines = text.split(b"\n")

    assert lines[0] == b'{"findings":['
    assert lines[1].startswith(b'{"id":"f1",') and lines[1].endswith(b"},")
    assert lines[2].startswith(b'{"id":"f2",') and lines[2].endswith(b"}")
    assert lines[3].startswith(b"],")


def test_the_pieces_of_a_stored_report_make_its_text() -> None:
    stored = report([finding(f"f{n}") for n in range(5)])

    assert b"".join(report_parts(stored)) == report_bytes(stored)


def test_the_next_night_reads_the_findings_and_run_of_a_stored_report() -> None:
    findings = [finding("f1"), finding("f2", details={"ports": [22, 3389]})]

    history = history_of(report_bytes(report(findings, coverage={"complete": True})), WHERE)

    assert history == {"run": RUN, "findings": findings}


def test_a_finding_is_found_by_its_id() -> None:
    findings = laid_out([finding("f1"), finding("f2", title="second")])

    by_id = findings.by_id()

    assert by_id["f2"]["title"] == "second"
    assert "f1" in by_id and "f3" not in by_id
    assert list(by_id) == ["f1", "f2"] and len(by_id) == 2


@pytest.mark.parametrize(
    "ident",
    [
        'quote " and backslash \\',
        "line\nbreak and tab\t",
        "ümlaut, 日本, and an emoji 🛰",
        '{"id":"not-me"},\n],"run":{}}',
    ],
)
def test_ids_and_texts_that_look_like_the_layout_read_back_as_they_were(ident: str) -> None:
    tricky = finding(ident, title='\n],{"id":"x"}\n', details={"note": "a\nb"})
    findings = laid_out([finding("before"), tricky, finding("after")])

    assert findings.by_id()[ident] == tricky
    assert list(findings) == [finding("before"), tricky, finding("after")]


def test_a_finding_not_compared_with_is_not_parsed() -> None:
    text = report_bytes(report([finding("f1"), finding("f2", title="damaged")]))
    damaged = text.replace(b'"title":"damaged"', b'"title" "damaged"')

    history = history_of(damaged, WHERE)

    assert history is not None
    assert history["findings"].by_id()["f1"] == finding("f1")
    with pytest.raises(StoreError, match=f"^{WHERE}: a finding is not valid JSON"):
        history["findings"].by_id()["f2"]


def test_a_report_of_an_earlier_tenantmap_is_read_whole() -> None:
    findings = [finding("f1"), finding("f2")]

    history = history_of(json_bytes(report(findings)), WHERE)

    assert history == {"run": RUN, "findings": findings}
    assert type(history["findings"]) is list


def test_findings_without_text_ids_are_stored_and_read_whole() -> None:
    findings: list[dict[str, Any]] = [finding("f1"), {"kind": "odd"}, {"id": 7}]

    text = report_bytes(report(findings))
    history = history_of(text, WHERE)

    assert b"\n" not in text
    assert history == {"run": RUN, "findings": findings}


def test_a_report_of_findings_alone_is_laid_out_too() -> None:
    text = report_bytes({"findings": [finding("f1")]})

    assert json.loads(text) == {"findings": [finding("f1")]}
    assert history_of(text, WHERE) == {"findings": [finding("f1")]}


def test_text_as_neo4j_returns_it_reads_the_same() -> None:
    findings = [finding("f1"), finding("ü2")]

    history = history_of(report_bytes(report(findings)).decode(), WHERE)

    assert history is not None
    assert history["findings"] == findings
    assert history["findings"].by_id()["ü2"] == finding("ü2")


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: text.index(b"\n]")],  # cut short inside the findings
        lambda text: text.replace(b'{"id":"f2"', b'{"ident":"f2"', 1),  # a line without its id
        lambda text: text.replace(b"\n],", b"\n};", 1),  # the findings not closed
        lambda text: text.replace(b'"format"', b"format", 1),  # the rest not JSON
    ],
)
def test_a_laid_out_report_damaged_is_a_store_error_naming_the_run(damage: Any) -> None:
    text = report_bytes(report([finding("f1"), finding("f2")]))

    with pytest.raises(StoreError, match=f"^{WHERE}: its report"):
        history_of(damage(text), WHERE)


def test_no_report_has_no_history() -> None:
    assert history_of(None, WHERE) is None

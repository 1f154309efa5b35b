"""`tenantmap query` output cannot run formulas or steer the terminal (issue 10, items 8, 9)."""

from __future__ import annotations

import csv
import io

import pytest

from tenantmap.rows import format_rows

COLUMNS = ["tenantId", "displayName"]


def rows_named(*names: str) -> list[dict[str, object]]:
    return [{"tenantId": f"t{i}", "displayName": n} for i, n in enumerate(names)]


@pytest.mark.parametrize(
    "payload", ['=HYPERLINK("https://x.example")', "+1", "-1+2", "@SUM(A1)", "\t=1"]
)
def test_csv_output_quotes_cells_a_spreadsheet_would_run_as_formulas(payload: str) -> None:
    text = format_rows(rows_named(payload), COLUMNS, "csv")
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["displayName"] == "'" + payload


def test_csv_output_shows_a_carriage_return_instead_of_writing_it() -> None:
    text = format_rows(rows_named("\r=1"), COLUMNS, "csv")
    assert "\r" not in text
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["displayName"] == "'\\x0d=1"


def test_table_output_prints_no_escape_sequence() -> None:
    text = format_rows(rows_named("evil\x1b]0;title\x07\u202ename"), COLUMNS, "table")
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "evil\\x1b]0;title\\x07\\u202ename" in text


def test_json_output_keeps_the_exact_value_escaped_by_json() -> None:
    text = format_rows(rows_named("a\x1bb"), COLUMNS, "json")
    assert "\x1b" not in text and "a\\u001bb" in text

"""Names chosen in someone else's Azure tenant cannot steer the terminal, report.md,
the mail or a spreadsheet that shows them (issue 10, items 8 and 9)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from reports import render_terminal, write_reports
from reports.mail import MailSettings, send_report
from reports.safe_text import safe_text
from tests.reports.smtp_server import Certificates, running_mail_server

CLEAR_SCREEN = "\x1b[2J\x1b[H"
WINDOW_TITLE = "\x1b]0;owned\x07"
RTL_OVERRIDE = "\u202e"
# Each one would move the cursor, retitle the window, overwrite or cut a line, or reorder text.
STEERING = [CLEAR_SCREEN, WINDOW_TITLE, "\r", "\x00", RTL_OVERRIDE, "\x9b31m", "\u2066"]
HOSTILE_NAME = "prod" + "".join(STEERING) + "vm"
FORBIDDEN = ["\x1b", "\x07", "\r", "\x00", "\x9b", RTL_OVERRIDE, "\u2066"]


@pytest.fixture
def steering_report(full_report: dict[str, Any]) -> dict[str, Any]:
    for f in full_report["findings"]:
        f["title"] = f"Exposed {HOSTILE_NAME}"
        f["subjectName"] = HOSTILE_NAME
    full_report["organization"] = "Contoso" + WINDOW_TITLE
    full_report["resolved"][0]["label"] = HOSTILE_NAME
    return full_report


def steers(text: str) -> list[str]:
    return [repr(c) for c in FORBIDDEN if c in text]


@pytest.mark.parametrize("medium", ["terminal", "markdown", "mail", "csv", "html"])
def test_safe_text_leaves_no_control_or_bidi_character_for_any_medium(medium: Any) -> None:
    assert steers(safe_text(HOSTILE_NAME, medium)) == []


def test_safe_text_keeps_the_characters_visible_so_the_attempt_shows() -> None:
    assert safe_text("a\x1b[2Jb\u202ec", "terminal") == "a\\x1b[2Jb\\u202ec"


def test_safe_text_leaves_ordinary_names_alone() -> None:
    name = "hub-vnet (West Europe) — Ünïcode 名前"
    assert safe_text(name, "terminal") == name


def test_csv_medium_also_neutralises_formulas() -> None:
    assert safe_text("=HYPERLINK(1)", "csv") == "'=HYPERLINK(1)"
    assert safe_text("\r=1", "csv") == "'\\x0d=1"


def test_report_md_and_findings_csv_carry_no_terminal_escape(
    steering_report: dict[str, Any], tmp_path: Path
) -> None:
    paths = write_reports(steering_report, tmp_path)
    markdown = paths["report.md"].read_text(encoding="utf-8")
    table = paths["findings.csv"].read_text(encoding="utf-8")
    assert steers(markdown) == []
    # The csv module ends rows with CR LF; no other CR may remain.
    assert steers(table.replace("\r\n", "\n")) == []
    assert "prod\\\\x1b\\[2J" in markdown  # Markdown escapes the backslash and the bracket


def test_report_html_shows_bidi_overrides_instead_of_obeying_them(
    steering_report: dict[str, Any], tmp_path: Path
) -> None:
    html = write_reports(steering_report, tmp_path)["report.html"].read_text(encoding="utf-8")
    assert steers(html) == []
    assert "\\u202e" in html


def test_the_terminal_view_prints_no_escape_sequence(steering_report: dict[str, Any]) -> None:
    out = io.StringIO()
    console = Console(file=out, width=250, color_system=None, force_terminal=False)
    render_terminal(steering_report, console)
    assert steers(out.getvalue()) == []
    assert "\\x1b[2J" in out.getvalue()


def test_the_mail_text_part_and_subject_carry_no_control_character(
    steering_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    out = tmp_path / "run"
    write_reports(steering_report, out)
    with running_mail_server(certs) as server:
        settings = MailSettings(
            to=["secops@contoso.example"],
            from_addr="tenantmap@contoso.example",
            host=server.host,
            port=server.port,
            ssl_cafile=server.ca_file,
            timeout=5,
        )
        assert send_report(steering_report, out, settings) is True
    (message,) = server.recorder.messages
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    text = part.get_content().replace("\r\n", "\n")
    assert steers(text) == []
    assert steers(str(message["Subject"])) == []
    assert "Contoso\\x1b]0;owned\\x07" in str(message["Subject"])


def test_findings_csv_cells_still_read_back_as_one_row_per_finding(
    steering_report: dict[str, Any], tmp_path: Path
) -> None:
    table = write_reports(steering_report, tmp_path)["findings.csv"].read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(table, newline="")))
    assert len(rows) == len(steering_report["findings"])


def test_text_log_lines_show_escapes_instead_of_sending_them() -> None:
    import logging

    from tenantmap.logs import TextFormatter

    record = logging.makeLogRecord(
        {"msg": "subscription %s failed", "args": (HOSTILE_NAME,), "levelname": "WARNING"}
    )
    line = TextFormatter("%(levelname)s %(message)s").format(record)
    assert steers(line) == []
    assert line.startswith("WARNING subscription prod\\x1b[2J")

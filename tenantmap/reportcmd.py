"""`tenantmap report`: re-render a report.json, or show the last run's findings."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from tenantmap import logs
from tenantmap.exitcodes import ExitCode, TenantmapError


def _read_report(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TenantmapError(f"{path} does not exist: give the path of a report.json") from None
    except json.JSONDecodeError as exc:
        raise TenantmapError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(doc, dict) or doc.get("format") != "tenantmap.report/1":
        raise TenantmapError(f"{path} is not a tenantmap report (format tenantmap.report/1)")
    return doc


def _last_report(kw: dict[str, Any], state_dir: Path) -> dict[str, Any]:
    from tenantmap.config import default_store_url
    from tenantmap.pipeline import open_existing_store_or_fail

    store = open_existing_store_or_fail(
        kw.get("store") or default_store_url(state_dir), state_dir, kw.get("neo4j_database")
    )
    try:
        previous = store.previous_run()
    finally:
        store.close()
    if previous is None or not previous.report:
        raise TenantmapError(
            f"no completed run in the store of {state_dir}: run `tenantmap run` first"
        )
    return dict(previous.report)


def _console() -> Console:
    # Piped into a file or a ticket, 80 columns would fold every title; a
    # terminal keeps its own width.
    import sys

    return Console() if sys.stdout.isatty() else Console(width=200)


def run_report(kw: dict[str, Any], state_dir: Path, mail: Any) -> int:
    from reports import render_terminal, write_reports
    from reports.model import ReportError
    from tenantmap.pipeline import RunOutcome, send_mail

    if kw.get("report_json"):
        source = Path(kw["report_json"])
        report = _read_report(source)
        out = Path(kw["out"]) if kw.get("out") else source.parent
        try:
            written = write_reports(report, out)
        except ReportError as exc:
            raise TenantmapError(f"{source}: {exc}") from None
        if not kw.get("quiet"):
            render_terminal(report, _console())
            for path in written.values():
                click.echo(str(path))
        if mail is not None:
            outcome = send_mail(RunOutcome(ExitCode.OK, out, report), mail)
            for message in outcome.messages:
                logs.say(message, logging.WARNING)
            return int(outcome.exit_code)
        return ExitCode.OK
    if mail is not None:
        raise TenantmapError(
            "--mail-to needs the report to send: give the path of its report.json "
            "(tenantmap report runs/<run id>/report.json --mail-to ...)"
        )
    report = _last_report(kw, state_dir)
    if not kw.get("quiet"):
        render_terminal(report, _console())
    return ExitCode.OK

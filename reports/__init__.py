"""reports: turn a tenantmap.report/1 document into what people read.

`write_reports(report, out_dir)` writes report.json, report.html, report.md
and findings.csv; `render_terminal(report, console)` prints the findings;
`reports.mail.send_report` mails them.
"""

from reports.model import Report, ReportError, parse_report
from reports.render import load_report, write_reports
from reports.terminal import render_terminal

__all__ = [
    "Report",
    "ReportError",
    "load_report",
    "parse_report",
    "render_terminal",
    "write_reports",
]

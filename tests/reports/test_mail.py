"""Mailing the report through a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import json
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from reports import write_reports
from reports.mail import MailConfigError, MailError, MailSettings, send_report
from tests.reports.smtp_server import (
    PASSWORD,
    USER,
    Certificates,
    MailServer,
    free_port,
    running_mail_server,
)


def settings_for(server: MailServer, **overrides: Any) -> MailSettings:
    values: dict[str, Any] = {
        "to": ["secops@contoso.example", "cloud@contoso.example"],
        "from_addr": "tenantmap@contoso.example",
        "host": server.host,
        "port": server.port,
        "security": "starttls",
        "user": USER,
        "password": PASSWORD,
        "ssl_cafile": server.ca_file,
        "timeout": 5,
        "backoff": 0.05,
    }
    values.update(overrides)
    return MailSettings(**values)


def written(report: dict[str, Any], tmp_path: Path) -> Path:
    out = tmp_path / "run"
    write_reports(report, out)
    return out


def only_message(server: MailServer) -> EmailMessage:
    assert len(server.recorder.messages) == 1
    return server.recorder.messages[0]


def body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None and part.get_content_type() == f"text/{subtype}"
    content: str = part.get_content()
    return content


def test_mail_subject_names_the_organization_and_counts_new_open_and_critical(
    full_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    with running_mail_server(certs) as server:
        sent = send_report(full_report, written(full_report, tmp_path), settings_for(server))
    assert sent is True
    assert only_message(server)["Subject"] == (
        "tenantmap Contoso: 5 new, 1 worse, 2 resolved, 13 open (1 critical, 7 high), coverage incomplete"
    )


def test_mail_has_plain_text_and_html_parts_and_both_reports_attached(
    full_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    out = written(full_report, tmp_path)
    with running_mail_server(certs) as server:
        send_report(full_report, out, settings_for(server))
    message = only_message(server)
    assert "Open: 13 (1 critical, 7 high, 3 medium, 2 low)" in body(message, "plain")
    assert "<html" in body(message, "html")
    attachments = {a.get_filename(): a for a in message.iter_attachments()}
    assert set(attachments) == {"report.html", "report.json"}
    assert attachments["report.html"].get_content_type() == "text/html"
    # SMTP carries text with CRLF line ends
    attached_html = attachments["report.html"].get_content().replace("\r\n", "\n")
    assert attached_html == (out / "report.html").read_text()
    assert json.loads(attachments["report.json"].get_content()) == full_report


def test_mail_goes_to_every_recipient_from_the_configured_sender(
    full_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    with running_mail_server(certs) as server:
        send_report(full_report, written(full_report, tmp_path), settings_for(server))
    assert server.recorder.envelopes == [
        ("tenantmap@contoso.example", ["secops@contoso.example", "cloud@contoso.example"])
    ]


def test_mail_lists_new_findings_before_existing_ones_and_leaves_accepted_out(
    full_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    with running_mail_server(certs) as server:
        send_report(full_report, written(full_report, tmp_path), settings_for(server))
    text = body(only_message(server), "plain")
    by_status = {f["title"]: f["status"] for f in full_report["findings"]}
    listed = [t for t in by_status if t in text]
    statuses = [by_status[t] for t in sorted(listed, key=text.index)]
    n_new = statuses.count("new")
    assert n_new == full_report["summary"]["new"]
    assert statuses[:n_new] == ["new"] * n_new
    assert set(statuses[n_new:]) == {"existing"}
    accepted = [f["title"] for f in full_report["findings"] if f["status"] == "accepted"]
    assert accepted and not any(t in text for t in accepted)
    html = body(only_message(server), "html")
    assert not any(t in html for t in accepted)


def test_password_is_sent_only_after_starttls_succeeded(
    full_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    with running_mail_server(certs) as server:
        send_report(full_report, written(full_report, tmp_path), settings_for(server))
    events = [what for what, _ in server.recorder.events]
    assert events.index("STARTTLS") < events.index("AUTH")
    assert dict(server.recorder.events)["AUTH"] is True
    assert server.recorder.logins == [(USER, True)]


def test_a_server_without_starttls_gets_no_password_and_the_send_fails(
    full_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    # This server would accept AUTH in clear; the client must not offer it.
    with (
        running_mail_server(certs, mode="plain", auth_require_tls=False) as server,
        pytest.raises(MailError, match="does not offer STARTTLS"),
    ):
        send_report(full_report, written(full_report, tmp_path), settings_for(server))
    assert server.recorder.logins == []
    assert "AUTH" not in [what for what, _ in server.recorder.events]
    assert server.recorder.messages == []


def test_implicit_tls_sends_with_a_verified_certificate(
    full_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    with running_mail_server(certs, mode="tls") as server:
        send_report(
            full_report, written(full_report, tmp_path), settings_for(server, security="tls")
        )
    assert server.recorder.logins == [(USER, True)]
    assert len(server.recorder.messages) == 1


def test_a_certificate_from_an_unknown_ca_is_refused(
    full_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    with (
        running_mail_server(certs) as server,
        pytest.raises(MailError, match="certificate of the mail server"),
    ):
        send_report(
            full_report, written(full_report, tmp_path), settings_for(server, ssl_cafile=None)
        )
    assert server.recorder.logins == []


def test_nothing_is_sent_when_nothing_is_new_or_resolved(
    quiet_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    with running_mail_server(certs) as server:
        sent = send_report(quiet_report, written(quiet_report, tmp_path), settings_for(server))
    assert sent is False
    assert server.recorder.messages == []
    assert server.recorder.events == []


def test_always_sends_even_when_nothing_changed_and_says_so(
    quiet_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    with running_mail_server(certs) as server:
        sent = send_report(
            quiet_report, written(quiet_report, tmp_path), settings_for(server, always=True)
        )
    assert sent is True
    assert only_message(server)["Subject"].startswith("tenantmap Contoso: no change, 13 open")


def test_a_resolved_finding_alone_is_worth_a_mail(
    quiet_report: dict[str, Any], full_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    quiet_report["resolved"] = full_report["resolved"][:1]
    quiet_report["summary"]["resolved"] = 1
    with running_mail_server(certs) as server:
        sent = send_report(quiet_report, written(quiet_report, tmp_path), settings_for(server))
    assert sent is True
    message = only_message(server)
    assert message["Subject"].startswith("tenantmap Contoso: 1 resolved, 13 open")
    assert full_report["resolved"][0]["title"] in body(message, "plain")


def _worse(report: dict[str, Any]) -> dict[str, Any]:
    """The first existing finding of the report, made worse than last night."""
    finding = next(f for f in report["findings"] if f["status"] == "existing")
    finding["worsened"] = {
        "ports": [{"protocol": "tcp", "ports": "3389"}],
        "severity": {"from": "high", "to": "critical"},
    }
    report["summary"]["worsened"] = 1
    return finding


def test_a_worse_finding_alone_is_mailed_with_what_grew(
    quiet_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    finding = _worse(quiet_report)
    with running_mail_server(certs) as server:
        sent = send_report(quiet_report, written(quiet_report, tmp_path), settings_for(server))
    assert sent is True
    message = only_message(server)
    assert str(message["Subject"]).strip().startswith("tenantmap Contoso: 1 worse, 13 open")
    text = body(message, "plain")
    assert "Worse since the last run: 1" in text
    assert f"WORSE [{finding['severity'].upper()}] {finding['title']}" in text
    assert "grew: ports 3389/tcp; severity high → critical" in text
    html = body(message, "html")
    assert ">WORSE<" in html and "grew: ports 3389/tcp; severity high → critical" in html


def test_worse_findings_are_listed_right_after_the_new_ones(
    full_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    with running_mail_server(certs) as server:
        send_report(full_report, written(full_report, tmp_path), settings_for(server))
    text = body(only_message(server), "plain")
    open_findings = [f for f in full_report["findings"] if f["status"] != "accepted"]
    order = sorted(open_findings, key=lambda f: text.index(f["title"]))
    kinds = ["worse" if f.get("worsened") else f["status"] for f in order]
    n_new = kinds.count("new")
    assert kinds[: n_new + 1] == ["new"] * n_new + ["worse"]
    assert set(kinds[n_new + 1 :]) == {"existing"}


def test_credentials_over_an_unencrypted_connection_are_refused_without_insecure(
    tmp_path: Path,
) -> None:
    with pytest.raises(MailConfigError, match="--smtp-insecure"):
        MailSettings(
            to=["secops@contoso.example"],
            from_addr="tenantmap@contoso.example",
            host="127.0.0.1",
            security="none",
            user=USER,
            password=PASSWORD,
        )


def test_insecure_allows_credentials_over_plain_smtp(
    full_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    with running_mail_server(certs, mode="plain", auth_require_tls=False) as server:
        send_report(
            full_report,
            written(full_report, tmp_path),
            settings_for(server, security="none", insecure=True),
        )
    assert server.recorder.logins == [(USER, False)]
    assert len(server.recorder.messages) == 1


def test_a_user_without_a_password_is_a_configuration_error() -> None:
    with pytest.raises(MailConfigError, match="TENANTMAP_SMTP_PASSWORD"):
        MailSettings(
            to=["secops@contoso.example"],
            from_addr="tenantmap@contoso.example",
            host="127.0.0.1",
            user=USER,
        )


def test_the_password_does_not_appear_in_the_settings_repr() -> None:
    settings = MailSettings(
        to=["a@contoso.example"],
        from_addr="b@contoso.example",
        host="h",
        user=USER,
        password=PASSWORD,
    )
    assert PASSWORD not in repr(settings)


def test_a_refused_connection_is_retried_then_raises_mail_error_naming_the_server(
    full_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    out = written(full_report, tmp_path)
    port = free_port()  # nothing listens there
    settings = MailSettings(
        to=["secops@contoso.example"],
        from_addr="tenantmap@contoso.example",
        host="127.0.0.1",
        port=port,
        user=USER,
        password=PASSWORD,
        ssl_cafile=certs.ca_file,
        attempts=3,
        backoff=0.2,
    )
    started = time.monotonic()
    with pytest.raises(MailError) as caught:
        send_report(full_report, out, settings)
    elapsed = time.monotonic() - started
    message = str(caught.value)
    assert f"127.0.0.1:{port}" in message
    assert "after 3 attempts" in message
    assert "\n" not in message
    assert elapsed >= 0.2 + 0.4  # waited between the three attempts
    assert (out / "report.html").is_file()


def test_a_temporary_refusal_is_retried_and_the_mail_arrives(
    full_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    with running_mail_server(certs, defer_first=1) as server:
        sent = send_report(full_report, written(full_report, tmp_path), settings_for(server))
    assert sent is True
    assert [what for what, _ in server.recorder.events].count("DATA deferred") == 1
    assert len(server.recorder.messages) == 1


def test_a_wrong_password_fails_at_once_with_a_clear_sentence(
    full_report: dict[str, Any], tmp_path: Path, certs: Certificates
) -> None:
    with (
        running_mail_server(certs) as server,
        pytest.raises(MailError, match="rejected the login of tenantmap"),
    ):
        send_report(
            full_report, written(full_report, tmp_path), settings_for(server, password="nope")
        )
    # one session (smtplib may try a second mechanism in it), no retry
    assert [what for what, _ in server.recorder.events].count("STARTTLS") == 1

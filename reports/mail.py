"""Mail the report: what changed first, the full report attached.

stdlib smtplib and email only. Credentials never travel over an unencrypted
connection: `security="none"` with a user is refused unless `insecure` says
otherwise, STARTTLS must succeed before AUTH, and certificates are verified
(`ssl_cafile` adds a CA, for tests or a private mail relay).
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import cache
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined

from reports.model import Report, parse_report
from reports.render import NOTE_TEXT, SEVERITY_COLOURS, write_reports
from reports.safe_text import safe_text, template_finalizer
from reports.views import ReportView

Security = Literal["starttls", "tls", "none"]
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "tls": 465, "none": 25}
MAIL_LIMIT = 200  # findings listed in the body; the attachments hold all of them


class MailConfigError(ValueError):
    """Mail settings that cannot work or would be unsafe (the CLI exits 2)."""


class MailError(RuntimeError):
    """The mail could not be sent (the CLI exits 3; the reports stay on disk)."""


@dataclass(frozen=True)
class MailSettings:
    to: list[str]
    from_addr: str
    host: str
    port: int | None = None
    security: Security = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    insecure: bool = False
    always: bool = False
    timeout: float = 30.0
    ssl_cafile: Path | None = None
    attempts: int = 3
    backoff: float = 2.0  # seconds before the second attempt; doubles each time

    def __post_init__(self) -> None:
        if not self.to or any(not a or "@" not in a for a in self.to):
            raise MailConfigError(
                "--mail-to needs at least one address like security@contoso.example"
            )
        if not self.from_addr or "@" not in self.from_addr:
            raise MailConfigError("--mail-from needs an address like tenantmap@contoso.example")
        if not self.host:
            raise MailConfigError("--smtp-host is required to send mail")
        if self.security not in DEFAULT_PORTS:
            raise MailConfigError(
                f"--smtp-security must be starttls, tls or none, not {self.security!r}"
            )
        if self.user and self.password is None:
            raise MailConfigError(
                "--smtp-user is set but TENANTMAP_SMTP_PASSWORD is not: set the password there"
            )
        if self.security == "none" and self.user and not self.insecure:
            raise MailConfigError(
                "--smtp-security none would send the SMTP password unencrypted:"
                " use starttls or tls, or pass --smtp-insecure to allow it"
            )
        if self.ssl_cafile is not None and not Path(self.ssl_cafile).is_file():
            raise MailConfigError(f"the SMTP CA file {self.ssl_cafile} does not exist")
        if self.attempts < 1:
            raise MailConfigError("mail attempts must be at least 1")

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]


def should_send(report: Report, settings: MailSettings) -> bool:
    s = report.summary
    # A finding that got worse is mailed like a new one (findings.md).
    return settings.always or s.new > 0 or s.worsened > 0 or s.resolved > 0


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        finalize=template_finalizer("html"),
    )


@cache
def _text_env() -> Environment:
    return Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=False,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        finalize=template_finalizer("mail"),
    )


def build_message(
    report: Report, out_dir: Path, settings: MailSettings, *, tool: str = "tenantmap"
) -> EmailMessage:
    """The multipart message: plain text and HTML bodies, report.html and report.json attached."""
    view = ReportView(report, detail_limit=0)
    listed = view.new_first[:MAIL_LIMIT]
    context: dict[str, Any] = {
        "v": view,
        "listed": listed,
        "more": len(view.new_first) - len(listed),
        "notes": NOTE_TEXT,
        "colours": SEVERITY_COLOURS,
    }
    msg = EmailMessage()
    # A CR/LF in an organization or name would otherwise end the header (or inject one).
    msg["Subject"] = safe_text(view.subject_line(tool), "mail")
    msg["From"] = settings.from_addr
    msg["To"] = ", ".join(settings.to)
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain=settings.from_addr.rpartition("@")[2] or None)
    if report.run.id:
        msg["X-Tenantmap-Run"] = report.run.id
    msg.set_content(_text_env().get_template("mail.txt.j2").render(**context))
    msg.add_alternative(_env().get_template("mail.html.j2").render(**context), subtype="html")
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    msg.add_attachment(html, subtype="html", filename="report.html")
    data = (out_dir / "report.json").read_bytes()
    msg.add_attachment(data, maintype="application", subtype="json", filename="report.json")
    return msg


def send_report(
    report: dict[str, Any] | Report,
    out_dir: Path,
    settings: MailSettings,
    *,
    tool: str = "tenantmap",
) -> bool:
    """Mail the report; False when there was nothing to say (nothing new, worse or resolved,
    and not `always`).

    Raises MailError with one sentence when the mail could not be sent (the caller
    adds where the reports are; they stay on disk).
    """
    parsed = report if isinstance(report, Report) else parse_report(report)
    if not should_send(parsed, settings):
        return False
    out_dir = Path(out_dir)
    if not (out_dir / "report.html").is_file() or not (out_dir / "report.json").is_file():
        if isinstance(report, Report):
            raise MailError(f"report.html and report.json are not in {out_dir}: write them first")
        write_reports(report, out_dir)
    message = build_message(parsed, out_dir, settings, tool=tool)
    _deliver(message, settings)
    return True


class _Transient(Exception):
    """A failure worth another attempt (connection refused or reset, 4xx)."""


def _deliver(message: EmailMessage, settings: MailSettings) -> None:
    where = f"{settings.host}:{settings.effective_port}"
    last = ""
    for attempt in range(1, settings.attempts + 1):
        try:
            _deliver_once(message, settings)
            return
        except _Transient as exc:
            last = str(exc)
            if attempt < settings.attempts:
                time.sleep(settings.backoff * 2 ** (attempt - 1))
    raise MailError(
        f"the report mail could not be sent through {where} after {settings.attempts}"
        f" attempts ({last})"
    )


def _tls_context(settings: MailSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.ssl_cafile is not None:
        context.load_verify_locations(cafile=str(settings.ssl_cafile))
    return context


def _deliver_once(message: EmailMessage, settings: MailSettings) -> None:
    where = f"{settings.host}:{settings.effective_port}"
    smtp: smtplib.SMTP | None = None
    try:
        if settings.security == "tls":
            smtp = smtplib.SMTP_SSL(
                settings.host,
                settings.effective_port,
                timeout=settings.timeout,
                context=_tls_context(settings),
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.effective_port, timeout=settings.timeout)
        smtp.ehlo()
        if settings.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise MailError(
                    f"the mail server {where} does not offer STARTTLS; use --smtp-security tls"
                    " if it expects TLS from the start"
                )
            smtp.starttls(context=_tls_context(settings))
            smtp.ehlo()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        refused = smtp.send_message(message)
        if refused:
            raise MailError(
                f"the mail server {where} refused the recipients {', '.join(sorted(refused))}"
            )
    except MailError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(
            f"the mail server {where} rejected the login of {settings.user}"
            f" ({exc.smtp_code} {_text(exc.smtp_error)}): check --smtp-user and TENANTMAP_SMTP_PASSWORD"
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise MailError(f"the mail server {where} does not support what was asked: {exc}") from None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = {code for code, _ in exc.recipients.values()}
        if codes and all(400 <= code < 500 for code in codes):
            raise _Transient(f"recipients deferred with {sorted(codes)}") from None
        raise MailError(
            f"the mail server {where} refused every recipient ({', '.join(sorted(exc.recipients))})"
        ) from None
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise _Transient(f"{exc.smtp_code} {_text(exc.smtp_error)}") from None
        raise MailError(
            f"the mail server {where} answered {exc.smtp_code} {_text(exc.smtp_error)}"
        ) from None
    except ssl.SSLCertVerificationError as exc:
        raise MailError(
            f"the certificate of the mail server {where} could not be verified"
            f" ({exc.verify_message}); give its CA with the SMTP CA file setting"
        ) from None
    except ssl.SSLError as exc:
        raise MailError(f"TLS with the mail server {where} failed: {exc.reason or exc}") from None
    except smtplib.SMTPServerDisconnected as exc:
        raise _Transient(f"the server closed the connection: {exc}") from None
    except (ConnectionRefusedError, ConnectionResetError, ConnectionAbortedError) as exc:
        raise _Transient(exc.strerror or type(exc).__name__) from None
    except TimeoutError:
        raise _Transient(f"no answer within {settings.timeout:g} s") from None
    except socket.gaierror as exc:
        raise MailError(
            f"the mail server name {settings.host} does not resolve ({exc.strerror})"
        ) from None
    except OSError as exc:
        raise _Transient(exc.strerror or str(exc)) from None
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def _text(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return " ".join(text.split())

"""A real SMTP server for the mail tests: aiosmtpd on 127.0.0.1 with STARTTLS and AUTH.

The server records what each session did and whether TLS was active at that
moment, so a test can prove that the password never crossed the wire in clear.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session, syntax

from discovery.emulator.tls import ServerCertificates, create_certificates

USER = "tenantmap"
PASSWORD = "s3cret-smtp-password"


# The emulator's CA-and-server-certificate maker serves the mail server too: one
# place that knows how to make a certificate 127.0.0.1 clients verify.
Certificates = ServerCertificates


def make_certificates(folder: Path) -> Certificates:
    """A CA and a server certificate for 127.0.0.1 and localhost, signed by it."""
    return create_certificates(folder)


def tls_active(server: SMTP) -> bool:
    """Whether this session's bytes are encrypted now (after STARTTLS, or TLS from the start)."""
    transport = server.transport
    return transport is not None and transport.get_extra_info("ssl_object") is not None


@dataclass
class Recorder:
    """The aiosmtpd handler: keeps every message and every session event."""

    defer_first: int = 0  # answer this many DATA commands with 451 before accepting
    events: list[tuple[str, bool]] = field(default_factory=list)  # (what, tls active)
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[str, bool]] = field(default_factory=list)  # (user, tls active)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.defer_first > 0:
            self.defer_first -= 1
            self.events.append(("DATA deferred", tls_active(server)))
            return "451 4.3.0 Try again later"
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 OK"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        tls = tls_active(server)
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == USER.encode()
            and auth_data.password == PASSWORD.encode()
        )
        login = auth_data.login.decode() if isinstance(auth_data, LoginPassword) else "?"
        self.logins.append((login, tls))
        return AuthResult(success=ok, handled=False)


class _RecordingSMTP(SMTP):
    """Notes STARTTLS and AUTH as the client sends them, before aiosmtpd judges them."""

    recorder: Recorder

    @syntax("STARTTLS", when="tls_context")
    async def smtp_STARTTLS(self, arg: str) -> None:
        self.recorder.events.append(("STARTTLS", tls_active(self)))
        await super().smtp_STARTTLS(arg)

    @syntax("AUTH <mechanism>")
    async def smtp_AUTH(self, arg: str) -> None:
        self.recorder.events.append(("AUTH", tls_active(self)))
        await super().smtp_AUTH(arg)


class _Controller(Controller):
    def __init__(self, recorder: Recorder, **kwargs: Any):
        super().__init__(recorder, **kwargs)
        self.recorder = recorder

    def factory(self) -> SMTP:
        server = _RecordingSMTP(self.handler, **self.SMTP_kwargs)
        server.recorder = self.recorder
        return server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class MailServer:
    host: str
    port: int
    recorder: Recorder
    ca_file: Path


@contextmanager
def running_mail_server(
    certs: Certificates,
    *,
    mode: str = "starttls",  # starttls | tls | plain
    auth: bool = True,
    auth_require_tls: bool = True,
    defer_first: int = 0,
) -> Iterator[MailServer]:
    """Serve SMTP on 127.0.0.1 until the block ends."""
    recorder = Recorder(defer_first=defer_first)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(certs.cert_file, certs.key_file)
    kwargs: dict[str, Any] = {
        "hostname": "127.0.0.1",
        "port": free_port(),
        "auth_require_tls": auth_require_tls,
        "server_hostname": "mail.test",
    }
    if auth:
        kwargs["authenticator"] = recorder.authenticate
    if mode == "starttls":
        kwargs["tls_context"] = tls
    elif mode == "tls":
        kwargs["ssl_context"] = tls
        # aiosmtpd only counts STARTTLS as "TLS" for auth_require_tls; here the
        # whole connection is TLS, which the recorded events still show.
        kwargs["auth_require_tls"] = False
    controller = _Controller(recorder, **kwargs)
    controller.start()
    try:
        yield MailServer("127.0.0.1", controller.port, recorder, certs.ca_file)
    finally:
        controller.stop()

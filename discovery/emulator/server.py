"""Start and stop the emulator: in a background thread (tests, `--estate`) or blocking (CLI)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import socket
import ssl
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from discovery.emulator.app import Emulator, build_app
from discovery.emulator.errors import EstateError
from discovery.emulator.estate import load_estate
from discovery.emulator.replies import log_entry
from discovery.emulator.settings import load_settings
from discovery.emulator.tls import create_certificates


@dataclass
class EmulatorHandle:
    """What a client needs to talk to a running emulator."""

    arm_url: str
    authority_url: str
    ca_file: Path
    tenant_id: str
    client_id: str
    client_secret: str
    _emulator: Emulator

    def request_log(self) -> list[dict[str, Any]]:
        """Every request so far: method, path, query, status, tenant (a copy)."""
        return [log_entry(e) for e in list(self._emulator.log)]

    def foreign_requests(self) -> list[dict[str, Any]]:
        """Requests that reached the emulator under another host name (a tampered link
        followed): host, path, and whether they carried an Authorization header."""
        return [
            {"host": host, "path": path, "authorization": token}
            for host, path, token in list(self._emulator.foreign_requests)
        ]

    def clear_request_log(self) -> None:
        self._emulator.log.clear()

    def post_changes(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Change the running estate through `POST /_emulator/changes` (changes.py), over
        HTTPS as any client would; returns the change-table rows it made. Raises
        EstateError with the emulator's sentence when it refuses them."""
        return post_changes(self.arm_url, self.ca_file, body)


def post_changes(arm_url: str, ca_file: Path, body: dict[str, Any]) -> list[dict[str, Any]]:
    """`POST {arm_url}/_emulator/changes` (for a handle or an emulator in another process)."""
    context = ssl.create_default_context(cafile=str(ca_file))
    request = urllib.request.Request(
        f"{arm_url}/_emulator/changes",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as answer:
            rows: list[dict[str, Any]] = json.loads(answer.read())["changes"]
            return rows
    except urllib.error.HTTPError as exc:
        detail = json.loads(exc.read() or b"{}").get("error", {}).get("message", str(exc))
        raise EstateError(detail) from None


def _prepare(estate_dir: Path, overrides: dict[str, Any] | None, log_file: Path | None) -> Emulator:
    estate_dir = Path(estate_dir)
    if not estate_dir.is_dir():
        raise EstateError(f"{estate_dir} is not a folder: point the emulator at an estate folder.")
    # Settings first: a typo in emulator.json should not wait for a large resources.jsonl.
    settings = load_settings(estate_dir, overrides)
    return Emulator(load_estate(estate_dir), settings, log_file)


async def _start(
    emulator: Emulator, sock: socket.socket, cert_dir: Path
) -> tuple[web.AppRunner, Path]:
    certs = create_certificates(cert_dir)
    runner = web.AppRunner(build_app(emulator), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.SockSite(runner, sock, ssl_context=certs.server_context())
    await site.start()
    return runner, certs.ca_file


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def _handle(emulator: Emulator, port: int, ca_file: Path) -> EmulatorHandle:
    url = f"https://127.0.0.1:{port}"
    emulator.base_url = url
    return EmulatorHandle(
        arm_url=url,
        authority_url=url,
        ca_file=ca_file,
        tenant_id=emulator.home_tenant,
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
        _emulator=emulator,
    )


@contextlib.contextmanager
def running_emulator(
    estate_dir: Path,
    *,
    overrides: dict[str, Any] | None = None,
    port: int = 0,
    request_log_file: Path | None = None,
) -> Iterator[EmulatorHandle]:
    """Serve an estate on 127.0.0.1 over HTTPS in its own thread and event loop.

    Raises EstateError (before anything starts) when the estate cannot be served.
    """
    emulator = _prepare(estate_dir, overrides, request_log_file)
    sock = _bind(port)
    bound_port = sock.getsockname()[1]
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    outcome: dict[str, Any] = {}

    with tempfile.TemporaryDirectory(prefix="tenantmap-emulator-") as temp:

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                outcome["runner"], outcome["ca"] = loop.run_until_complete(
                    _start(emulator, sock, Path(temp))
                )
            except BaseException as exc:  # handed to the caller's thread
                outcome["error"] = exc
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(outcome["runner"].cleanup())
            loop.close()

        thread = threading.Thread(target=run, name="tenantmap-emulator", daemon=True)
        thread.start()
        ready.wait()
        if "error" in outcome:
            thread.join()
            raise outcome["error"]
        try:
            yield _handle(emulator, bound_port, outcome["ca"])
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=30)
            emulator.close()


def serve(
    estate_dir: Path,
    port: int = 0,
    *,
    overrides: dict[str, Any] | None = None,
    request_log_file: Path | None = None,
    announce: Callable[[EmulatorHandle], None] | None = None,
    ca_dir: Path | None = None,
) -> None:
    """Serve an estate until interrupted (SIGINT/SIGTERM): `tenantmap emulator --estate DIR`.

    `announce` receives the handle once the server listens; by default the ARM
    URL, the authority URL and the CA file are printed. With `ca_dir` the CA
    file is written there (a fresh CA at every start, at a path that stays),
    else into a temporary folder removed on exit.
    """
    emulator = _prepare(estate_dir, overrides, request_log_file)
    sock = _bind(port)
    bound_port = sock.getsockname()[1]

    def default_announce(handle: EmulatorHandle) -> None:
        print(f"ARM URL:       {handle.arm_url}")
        print(f"Authority URL: {handle.authority_url}")
        print(f"CA file:       {handle.ca_file}")
        print(f"Tenant:        {handle.tenant_id}")
        print(f"Client id:     {handle.client_id}")
        print(f"Client secret: {handle.client_secret}", flush=True)

    async def main(temp: Path) -> None:
        runner, ca_file = await _start(emulator, sock, temp)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        (announce or default_announce)(_handle(emulator, bound_port, ca_file))
        try:
            await stop.wait()
        finally:
            await runner.cleanup()

    with tempfile.TemporaryDirectory(prefix="tenantmap-emulator-") as temp:
        try:
            asyncio.run(main(Path(ca_dir) if ca_dir is not None else Path(temp)))
        finally:
            emulator.close()

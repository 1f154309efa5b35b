"""Headless Chromium driven over the DevTools protocol, for tests that look at the HTML report.

Debian's `chromium` package provides /usr/bin/chromium (`.ci/run` installs it).
The browser starts with a fresh profile and background networking off, so
any request it makes while showing a page came from the page itself.
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)


# Sizes of the elements the test names, and whether the page scrolls sideways.
MEASURE = """JSON.stringify({
  sizes: Object.fromEntries(SELECTORS.map(s => {
    const e = document.querySelector(s);
    if (!e) return [s, null];
    const r = e.getBoundingClientRect();
    return [s, {width: r.width, height: r.height}];
  })),
  scrollWidth: document.documentElement.scrollWidth,
  viewportWidth: window.innerWidth
})"""


def find_chromium() -> Path | None:
    for candidate in (*CANDIDATES, shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@dataclass
class PageVisit:
    """What happened while one page was shown."""

    url: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    sizes: dict[str, dict[str, float] | None] = field(default_factory=dict)
    scroll_width: float = 0
    viewport_width: float = 0
    screenshot: Path | None = None


class Chromium:
    def __init__(self, port: int, process: subprocess.Popen[bytes]):
        self.port = port
        self.process = process

    def visit(
        self,
        url: str,
        *,
        width: int,
        height: int,
        mobile: bool = False,
        selectors: tuple[str, ...] = (),
        screenshot: Path | None = None,
        media: str = "screen",
    ) -> PageVisit:
        return asyncio.run(self._visit(url, width, height, mobile, selectors, screenshot, media))

    def _http(self, path: str, method: str = "GET") -> Any:
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method)
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body.lstrip().startswith(b"{") else body.decode()

    async def _visit(
        self,
        url: str,
        width: int,
        height: int,
        mobile: bool,
        selectors: tuple[str, ...],
        screenshot: Path | None,
        media: str,
    ) -> PageVisit:
        target = self._http("/json/new?about:blank", method="PUT")
        visit = PageVisit(url=url)
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws,
            ):
                cdp = _Cdp(ws, visit)
                for domain in ("Page", "Runtime", "Log", "Network"):
                    await cdp.call(f"{domain}.enable")
                await cdp.call(
                    "Emulation.setDeviceMetricsOverride",
                    width=width,
                    height=height,
                    deviceScaleFactor=2 if mobile else 1,
                    mobile=mobile,
                )
                await cdp.call("Emulation.setEmulatedMedia", media=media)
                await cdp.call("Page.navigate", url=url)
                await cdp.wait_event("Page.loadEventFired", timeout=30)
                script = MEASURE.replace("SELECTORS", json.dumps(list(selectors)))
                result = await cdp.call("Runtime.evaluate", expression=script, returnByValue=True)
                measured = json.loads(result["result"]["value"])
                visit.sizes = measured["sizes"]
                visit.scroll_width = measured["scrollWidth"]
                visit.viewport_width = measured["viewportWidth"]
                if screenshot is not None:
                    metrics = await cdp.call("Page.getLayoutMetrics")
                    content = metrics["cssContentSize"]
                    shot = await cdp.call(
                        "Page.captureScreenshot",
                        format="png",
                        captureBeyondViewport=True,
                        clip={
                            "x": 0,
                            "y": 0,
                            "width": width,
                            "height": min(content["height"], 12000),
                            "scale": 1,
                        },
                    )
                    screenshot.parent.mkdir(parents=True, exist_ok=True)
                    screenshot.write_bytes(base64.b64decode(shot["data"]))
                    visit.screenshot = screenshot
                await asyncio.sleep(0.2)  # let late console/network events arrive
                await cdp.drain()
        finally:
            self._http(f"/json/close/{target['id']}")
        return visit


class _Cdp:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse, visit: PageVisit):
        self.ws = ws
        self.visit = visit
        self.next_id = 0
        self.events: list[str] = []

    def _record(self, msg: dict[str, Any]) -> None:
        method = msg.get("method")
        params = msg.get("params", {})
        if method is None:
            return
        self.events.append(method)
        if method == "Network.requestWillBeSent":
            self.visit.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = params.get("args", [])
            self.visit.console_errors.append(" ".join(str(a.get("value", "")) for a in args))
        elif method == "Runtime.exceptionThrown":
            self.visit.console_errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.visit.console_errors.append(params["entry"].get("text", ""))

    async def _receive(self, timeout: float) -> dict[str, Any]:
        msg = await self.ws.receive(timeout=timeout)
        if msg.type != aiohttp.WSMsgType.TEXT:
            raise RuntimeError(f"DevTools connection closed: {msg.type}")
        data: dict[str, Any] = json.loads(msg.data)
        self._record(data)
        return data

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        call_id = self.next_id
        await self.ws.send_str(json.dumps({"id": call_id, "method": method, "params": params}))
        deadline = time.monotonic() + 60
        while True:
            data = await self._receive(max(deadline - time.monotonic(), 0.1))
            if data.get("id") == call_id:
                if "error" in data:
                    raise RuntimeError(f"{method} failed: {data['error']}")
                result: dict[str, Any] = data.get("result", {})
                return result

    async def wait_event(self, method: str, timeout: float) -> None:
        if method in self.events:
            return
        deadline = time.monotonic() + timeout
        while True:
            data = await self._receive(max(deadline - time.monotonic(), 0.1))
            if data.get("method") == method:
                return

    async def drain(self) -> None:
        try:
            while True:
                await self._receive(0.05)
        except TimeoutError:
            return


@contextmanager
def running_chromium(binary: Path) -> Iterator[Chromium]:
    """Start headless Chromium with a throw-away profile; stop it on exit."""
    # Chromium's helper processes may still write to the profile as it exits: a profile
    # left half-removed must not fail the test that used it.
    with tempfile.TemporaryDirectory(
        prefix="tenantmap-chromium-", ignore_cleanup_errors=True
    ) as profile:
        process = subprocess.Popen(
            [str(binary), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + 30
            while not port_file.exists() or not port_file.read_text().strip():
                if process.poll() is not None:
                    raise RuntimeError(f"{binary} exited with {process.returncode} at start")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{binary} did not open its DevTools port within 30 s")
                time.sleep(0.05)
            port = int(port_file.read_text().split()[0])
            yield Chromium(port, process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

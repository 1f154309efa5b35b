"""Ctrl-C and SIGTERM end a command the same way: one line, exit 3, the run row marked.

SIGTERM is how cron, systemd and Kubernetes stop a job; by default Python dies
of it at once (exit 143, nothing recorded). Both signals become a
KeyboardInterrupt that the command unwinds through, recording what it must.
From the moment the signal arrives the libraries' own logging is silenced: a
crawl torn down mid-flight makes the Azure SDKs and asyncio report every
request that was cut short ("Session is closed", ~60 lines of traceback), none
of which the operator can act on.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from types import FrameType
from typing import Any

_received: list[str] = []


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    _received.append(signal.Signals(signum).name)
    if len(_received) > 1:
        # Asked again while unwinding: stop now rather than raise inside the cleanup.
        os.write(2, b"tenantmap: interrupted again; stopping at once\n")
        os._exit(3)
    logging.disable(logging.CRITICAL)
    sys.unraisablehook = _quiet_unraisable
    raise KeyboardInterrupt


def _quiet_unraisable(_unraisable: Any) -> None:
    """Objects torn down after the interrupt (sessions, tasks) say nothing."""


def install() -> None:
    """Route SIGINT and SIGTERM to one handler, unless the caller chose to ignore them
    (`nohup`, a background job): an ignored signal stays ignored."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) != signal.SIG_IGN:
            signal.signal(sig, _on_signal)


def received() -> str:
    """The name of the signal that interrupted the command ("SIGINT" for a bare Ctrl-C)."""
    return _received[0] if _received else "SIGINT"

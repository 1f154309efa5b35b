"""Run the installed `tenantmap` console script as a user would: a real process, real exit codes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The line a run ends with (tenantmap/summary.py), which follows any error message.
SUMMARY = re.compile(r"^tenantmap: \d+ open findings? \(")
TENANTMAP = shutil.which("tenantmap", path=str(Path(sys.executable).parent)) or "tenantmap"


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def tenantmap(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> Result:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TENANTMAP_")}
    full_env.update(env or {})
    proc = subprocess.run(
        [TENANTMAP, *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def one_sentence_error(result: Result) -> str:
    """The error line a user sees; fails the test on a traceback or an empty message."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = [
        line
        for line in result.stderr.splitlines()
        if line.startswith("tenantmap: ") and not SUMMARY.match(line)
    ]
    assert lines, result.stderr
    return lines[-1]


def sample_night(
    sample_estate: Path, state: Path, *extra: str, env: dict[str, str] | None = None
) -> Result:
    """`tenantmap run` on the bundled sample estate, served by the emulator, with its inventory."""
    return tenantmap(
        "run",
        "--estate",
        str(sample_estate),
        "--inventory",
        str(sample_estate / "inventory.yaml"),
        "--state-dir",
        str(state),
        *extra,
        env=env,
    )


def emulator_env(emu: Any) -> dict[str, str]:
    """The environment of a command that reaches a running emulator as it would reach
    Azure: a service principal and the endpoints (what `tenantmap emulator` prints)."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("TENANTMAP_")},
        "AZURE_TENANT_ID": emu.tenant_id,
        "AZURE_CLIENT_ID": emu.client_id,
        "AZURE_CLIENT_SECRET": emu.client_secret,
        "TENANTMAP_ARM_ENDPOINT": emu.arm_url,
        "TENANTMAP_AUTHORITY": emu.authority_url,
        "TENANTMAP_CA_BUNDLE": str(emu.ca_file),
    }

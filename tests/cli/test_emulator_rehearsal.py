"""`tenantmap emulator`: a newcomer rehearses against the bundled Azure with the lines it prints."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.cli.helpers import TENANTMAP, tenantmap

EXPORT = re.compile(r"^export (\w+)=(.+)$")


@contextmanager
def emulator(state: Path) -> Iterator[tuple[subprocess.Popen[str], dict[str, str], str]]:
    """A `tenantmap emulator` process, the variables its `export` lines set, and what it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENANTMAP_")}
    process = subprocess.Popen(
        # A relative state folder, as a newcomer types it: the printed paths are absolute.
        [TENANTMAP, "emulator", "--state-dir", state.name],
        cwd=state.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    printed, exports = [], {}
    try:
        for line in process.stdout:
            printed.append(line)
            if match := EXPORT.match(line.strip()):
                exports[match[1]] = shlex.split(match[2])[0]
            if "TENANTMAP_CA_BUNDLE" in exports:
                break
        yield process, exports, "".join(printed)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def stop_with_ctrl_c(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    return process.returncode, out, err


def test_the_printed_export_lines_let_crawl_reach_it_as_it_would_reach_azure(tmp_path: Path):
    with emulator(tmp_path / "emu-state") as (process, exports, printed):
        assert set(exports) == {
            "AZURE_TENANT_ID",
            "AZURE_CLIENT_ID",
            "AZURE_CLIENT_SECRET",
            "TENANTMAP_ARM_ENDPOINT",
            "TENANTMAP_AUTHORITY",
            "TENANTMAP_CA_BUNDLE",
        }
        assert "EmulatorHandle" not in printed and "object at 0x" not in printed
        crawled = tenantmap(
            "crawl",
            "--out",
            str(tmp_path / "snap"),
            "--state-dir",
            str(tmp_path / "s"),
            env=exports,
        )
        stop_with_ctrl_c(process)
    assert crawled.code == 0, crawled.stderr
    assert (tmp_path / "snap" / "manifest.json").is_file()


def test_ctrl_c_stops_it_cleanly_with_exit_0(tmp_path: Path):
    with emulator(tmp_path) as (process, _exports, _printed):
        code, out, err = stop_with_ctrl_c(process)
    assert code == 0
    assert "Traceback" not in err
    assert "stopped" in out


def test_its_ca_file_stays_in_the_state_folder_and_the_same_across_restarts(tmp_path: Path):
    with emulator(tmp_path) as (process, exports, _printed):
        first = Path(exports["TENANTMAP_CA_BUNDLE"])
        first_pem = first.read_bytes()
        stop_with_ctrl_c(process)
    with emulator(tmp_path) as (process, exports, _printed):
        second = Path(exports["TENANTMAP_CA_BUNDLE"])
        stop_with_ctrl_c(process)
    assert first.is_absolute() and first == second and first.is_relative_to(tmp_path)
    assert second.read_bytes() == first_pem

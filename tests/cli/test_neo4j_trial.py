"""docs/neo4j.md, the way without Docker: `make neo4j` starts a Neo4j tenantmap can run against."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.helpers import sample_night, tenantmap
from tests.neo4j_server import READY_MARK, REPO_ROOT

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("make") is None, reason="needs make"),
]
PASSWORD = "tenantmap-trial-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_ready(log: Path, process: subprocess.Popen[bytes], timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if READY_MARK in log.read_text(errors="replace"):
            return
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        time.sleep(0.5)
    raise AssertionError("make neo4j did not say READY")


def test_make_neo4j_serves_a_store_that_a_nightly_run_and_query_use(
    tmp_path: Path, sample_estate: Path
):
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_HOME": str(tmp_path / "neo4j"),
        "NEO4J_PORT": str(port),
        "NEO4J_PASSWORD": PASSWORD,
    }
    log = tmp_path / "make.log"
    with log.open("wb") as out:
        make = subprocess.Popen(
            ["make", "--no-print-directory", "neo4j"],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.PIPE,
            start_new_session=True,
            # As at a terminal: a JVM started with SIGINT ignored (pytest run by a job
            # that ignores it, as a background job of a non-interactive shell does)
            # leaves it ignored, and Ctrl-C would never reach its shutdown.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
    try:
        wait_for_ready(log, make)
        store = ["--store", f"bolt://127.0.0.1:{port}"]
        login = {"NEO4J_USERNAME": "neo4j", "NEO4J_PASSWORD": PASSWORD}
        run = sample_night(sample_estate, tmp_path / "state", *store, env=login)
        assert run.code == 0, run.stderr
        query = tenantmap("query", "connected-tenants", "--format", "json", *store, env=login)
        assert query.code == 0, query.stderr
        assert "Northwind Managed Services" in query.stdout
    finally:
        # Ctrl-C, as a person at the terminal would stop it.
        os.killpg(make.pid, signal.SIGINT)
        try:
            code = make.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(make.pid, signal.SIGKILL)  # no Neo4j outlives the test
            make.wait()
            raise AssertionError(
                "make neo4j did not stop on Ctrl-C: " + log.read_text(errors="replace")[-2000:]
            ) from None
    assert code in (0, 2, 130, -signal.SIGINT), log.read_text(errors="replace")[-2000:]

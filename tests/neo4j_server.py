"""A real Neo4j Community server for the test suite and the benchmarks.

``neo4j-launcher/`` holds a small Java program that starts an embedded Neo4j 5.26
DBMS with Bolt on 127.0.0.1. This module builds it when needed (``build.sh``:
Maven, Java 17), starts it on a free port with its data in a folder you give,
waits until Bolt answers, and stops it (cleanly, or with SIGKILL to simulate a
crash). The launcher also stops by itself when our end of its stdin closes, so a
test process that dies does not leave a server behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LAUNCHER_DIR = REPO_ROOT / "neo4j-launcher"
LAUNCHER_JAR = LAUNCHER_DIR / "target" / "neo4j-launcher.jar"
READY_MARK = "NEO4J-LAUNCHER READY "

TEST_USER = "neo4j"
TEST_PASSWORD = "tenantmap-test-password"
JAVA_17 = Path("/usr/lib/jvm/java-17-openjdk-amd64")


class Neo4jServerError(RuntimeError):
    """The test Neo4j could not be built or started."""


def build_launcher() -> Path:
    """Build the launcher jar if it is missing or older than its sources."""
    result = subprocess.run(
        ["bash", str(LAUNCHER_DIR / "build.sh")], capture_output=True, text=True, check=False
    )
    if result.returncode != 0 or not LAUNCHER_JAR.is_file():
        raise Neo4jServerError(
            f"building {LAUNCHER_DIR} failed (exit {result.returncode}):\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return LAUNCHER_JAR


def java_executable() -> str:
    java_home = os.environ.get("JAVA_HOME")
    for home in ([Path(java_home)] if java_home else []) + [JAVA_17]:
        candidate = home / "bin" / "java"
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("java")
    if found is None:
        raise Neo4jServerError("no Java found: install Java 17 or set JAVA_HOME")
    return found


@dataclass
class Neo4jServer:
    """One running launcher process."""

    home: Path
    port: int
    password: str | None
    process: subprocess.Popen[bytes]

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def auth(self) -> tuple[str, str] | None:
        return (TEST_USER, self.password) if self.password is not None else None

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 60.0) -> None:
        """Stop cleanly: closing stdin asks the launcher to shut the DBMS down."""
        if not self.alive():
            return
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """Crash the server (SIGKILL): nothing is flushed, as when a machine dies."""
        if self.alive():
            self.process.kill()
        self.process.wait()
        if self.process.stdin is not None:
            self.process.stdin.close()


def start_server(
    home: Path,
    *,
    port: int = 0,
    password: str | None = TEST_PASSWORD,
    heap: str = "1g",
    timeout: float = 180.0,
    extra_conf: dict[str, str] | None = None,
    jvm_options: list[str] | None = None,
) -> Neo4jServer:
    """Start a launcher with its data in ``home`` (reused if it holds a database)."""
    jar = build_launcher()
    home.mkdir(parents=True, exist_ok=True)
    stdout_path = home / "launcher.out"
    stderr_path = home / "launcher.err"
    command = [
        java_executable(),
        f"-Xmx{heap}",
        "-XX:+UseParallelGC",
        *(jvm_options or []),
        "-jar",
        str(jar),
        "--home",
        str(home),
        "--port",
        str(port),
    ]
    if password is not None:
        command += ["--password", password]
    for key, value in (extra_conf or {}).items():
        command += ["--conf", f"{key}={value}"]
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=out, stderr=err)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = stdout_path.read_text(errors="replace")
        if READY_MARK in text:
            uri = text.split(READY_MARK, 1)[1].split()[0]
            server = Neo4jServer(home, int(uri.rsplit(":", 1)[1]), password, process)
            wait_for_bolt(server.uri, server.auth, deadline - time.monotonic())
            return server
        if process.poll() is not None:
            break
        time.sleep(0.1)
    if process.poll() is None:
        process.kill()
        process.wait()
    raise Neo4jServerError(
        f"Neo4j launcher did not become ready (exit {process.returncode}); "
        f"stderr: {stderr_path.read_text(errors='replace')[-3000:]}"
    )


def wait_for_bolt(uri: str, auth: tuple[str, str] | None, timeout: float) -> None:
    import neo4j

    deadline = time.monotonic() + max(timeout, 1.0)
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with neo4j.GraphDatabase.driver(uri, auth=auth) as driver:
                driver.verify_connectivity()
            return
        except Exception as exc:  # the server is still starting
            last = exc
            time.sleep(0.2)
    raise Neo4jServerError(f"Bolt at {uri} did not answer: {last}")


@contextmanager
def running_neo4j(home: Path, **kwargs: object) -> Iterator[Neo4jServer]:
    """A server for the duration of the block, stopped cleanly afterwards."""
    server = start_server(home, **kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()


def clear_database(uri: str, auth: tuple[str, str] | None, database: str | None = None) -> None:
    """Delete every node and relationship (constraints and indexes stay)."""
    import neo4j

    with neo4j.GraphDatabase.driver(uri, auth=auth) as driver:
        while True:
            records, _, _ = driver.execute_query(
                "MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS deleted",
                database_=database,
            )
            if records[0]["deleted"] == 0:
                return


def environment_auth() -> tuple[str, str] | None:
    user = os.environ.get("NEO4J_USERNAME")
    password = os.environ.get("NEO4J_PASSWORD")
    return (user or "neo4j", password) if password is not None else None

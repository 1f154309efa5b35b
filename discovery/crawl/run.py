"""``crawl()``: one crawl of a target into a snapshot folder, in the mode asked for.

The aiohttp session, the shared transport and the credential are built here and
handed to the engine, so the engine never owns a connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azure.core.exceptions import AzureError
from azure.core.pipeline.transport import AioHttpTransport

from discovery.crawl.arm_mode import ArmCrawl
from discovery.crawl.engine import CrawlEngine, first_line
from discovery.crawl.errors import CrawlConfigError
from discovery.crawl.progress import Progress, counted
from discovery.crawl.resource_graph_mode import ResourceGraphCrawl
from discovery.crawl.target import CrawlTarget, CredentialSource
from discovery.crawl.transport import Bounds, RetrySettings, make_session, shared_transport
from discovery.redact import Redactor
from discovery.snapshot_writer import SnapshotWriter

MODES: dict[str, type[CrawlEngine]] = {
    ResourceGraphCrawl.source: ResourceGraphCrawl,
    ArmCrawl.source: ArmCrawl,
}
SOURCES = tuple(MODES)


@dataclass
class CrawlResult:
    out_dir: Path
    complete: bool
    timed_out: bool
    errors: list[dict[str, Any]]
    requests: int
    counts: dict[str, Any]
    manifest: dict[str, Any] = field(default_factory=dict)
    throttled: int = 0  # 429 answers met (each retried after Retry-After)
    paced_seconds: float = 0.0  # waits the pacer added before ARM or Resource Graph ran out
    # requests per throttling scope: a subscription id, "tenant:<id>" or "rg:<tenant id>"
    requests_by_scope: dict[str, int] = field(default_factory=dict)


async def _connected_run(
    target: CrawlTarget,
    concurrency: int,
    timeout: float | None,
    engine_on: Callable[[AioHttpTransport, CredentialSource], CrawlEngine],
) -> CrawlEngine:
    """Open the session and credential, run the engine ``engine_on`` builds on them, close them."""
    session = make_session(target.ca_file, concurrency)
    try:
        credential = CredentialSource(
            target.credential_factory, {"transport": shared_transport(session)}
        )
    except (ValueError, AzureError) as exc:
        await session.close()
        raise CrawlConfigError(f"The credentials are incomplete: {first_line(str(exc))}") from None
    try:
        engine = engine_on(shared_transport(session), credential)
        await engine.run(timeout)
        return engine
    finally:
        await credential.close()
        await session.close()


def crawl(
    target: CrawlTarget,
    out_dir: Path,
    *,
    source: str = "resource-graph",
    concurrency: int = 16,
    timeout: float | None = None,
    state_dir: Path,
    progress: bool = False,
    retry: RetrySettings | None = None,
    bounds: Bounds | None = None,
) -> CrawlResult:
    """Crawl ``target`` into a snapshot folder at ``out_dir`` (snapshot.md).

    Raises CrawlConfigError / CrawlError (one sentence) when the crawl cannot
    start: then nothing is written and an existing snapshot stays as it was.
    """
    if source not in SOURCES:
        raise CrawlConfigError(f"Unknown source {source!r}: use resource-graph or arm.")
    if concurrency < 1:
        raise CrawlConfigError(f"Concurrency must be at least 1, not {concurrency}.")
    if timeout is not None and timeout <= 0:
        raise CrawlConfigError(f"The timeout must be positive, not {timeout}.")
    redactor = Redactor(Path(state_dir))
    writer = SnapshotWriter(Path(out_dir), redactor)
    reporter = Progress(progress)
    mode = MODES[source]

    def engine_on(transport: AioHttpTransport, credential: CredentialSource) -> CrawlEngine:
        return mode(
            target,
            writer,
            redactor,
            concurrency,
            retry or RetrySettings(),
            reporter,
            bounds or Bounds(),
            transport,
            credential,
        )

    try:
        run = asyncio.run(_connected_run(target, concurrency, timeout, engine_on))
        run.write()
        manifest = writer.commit(run.manifest())
    except BaseException:
        writer.abort()
        raise
    finally:
        reporter.close()
    complete = (
        not run.timed_out and not run.errors and set(run.tenants_crawled) == set(run.home_tenants)
    )
    reporter.step(
        "snapshot written to %s: %s, %s, %s, %s",
        writer.out_dir,
        counted(manifest["counts"]["resources"], "resource"),
        counted(len(manifest["subscriptionsCrawled"]), "subscription"),
        counted(len(run.errors), "error"),
        counted(run.pacer.requests, "request"),
    )
    return CrawlResult(
        out_dir=writer.out_dir,
        complete=complete,
        timed_out=run.timed_out,
        errors=run.errors,
        requests=run.pacer.requests,
        counts=manifest["counts"],
        manifest=manifest,
        throttled=run.pacer.throttled,
        paced_seconds=run.pacer.paced_seconds,
        requests_by_scope=dict(run.pacer.requests_by_scope),
    )

"""The nightly job: crawl, build, store, analyse, report, mail, in that order.

Each stage is called through its package's public seam (docs/dev/interfaces.md);
this module only decides order, exit codes and what is kept when a stage fails.
The rule throughout: what was read is written to disk before anything that can
fail later (store, mail) is tried, so a failure never loses the night's work.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tenantmap.exitcodes import ExitCode, TenantmapError

if TYPE_CHECKING:
    from graph.inventory import Inventory
    from graph.snapshot import Snapshot
    from graph.stores import Store
    from reports.mail import MailSettings

log = logging.getLogger("tenantmap.run")


@dataclass
class CrawlOptions:
    estate: Path | None = None
    source: str = "resource-graph"
    concurrency: int = 16
    timeout: float | None = None
    cloud: str = "AzureCloud"
    arm_endpoint: str | None = None
    authority: str | None = None
    ca_bundle: Path | None = None
    progress: bool = False


@dataclass
class AnalyseOptions:
    inventory: Path
    now: date | None = None
    fail_on: str | None = None
    record: bool = True
    retention_days: int = 30
    store_url: str | None = None
    neo4j_database: str | None = None


@dataclass
class RunOutcome:
    exit_code: ExitCode
    out_dir: Path
    report: dict[str, Any] | None = None
    messages: list[str] = field(default_factory=list)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def new_run_id(started: datetime) -> str:
    # Sortable by time, unique across workers that share a Neo4j history.
    return started.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def load_inventory_or_fail(path: Path) -> Inventory:
    from graph.inventory import InventoryError, load_inventory

    try:
        return load_inventory(path)
    except InventoryError as exc:
        raise TenantmapError(
            f"{path} is not a valid inventory ({len(exc.problems)} problem(s)):\n  "
            + "\n  ".join(exc.problems),
            ExitCode.BAD_INPUT,
        ) from None
    except FileNotFoundError:
        raise TenantmapError(f"inventory {path} does not exist: fix --inventory") from None


def open_store_or_fail(url: str, state_dir: Path, neo4j_database: str | None) -> Store:
    from graph.stores import StoreError, open_store

    try:
        return open_store(url, state_dir=state_dir, neo4j_database=neo4j_database)
    except StoreError as exc:
        raise TenantmapError(str(exc), ExitCode.PARTIAL) from None
    except ValueError as exc:
        raise TenantmapError(str(exc), ExitCode.BAD_INPUT) from None


@contextlib.contextmanager
def run_lock(store: Store) -> Iterator[None]:
    from graph.stores import StoreLocked

    try:
        store.acquire_lock()
    except StoreLocked as exc:
        raise TenantmapError(str(exc), ExitCode.LOCKED) from None
    try:
        yield
    finally:
        store.release_lock()


def crawl_snapshot(opts: CrawlOptions, out_dir: Path, state_dir: Path) -> tuple[bool, list[str]]:
    """Crawl into out_dir; returns (complete, messages). Raises TenantmapError when nothing could be read."""
    from discovery.crawl import CrawlConfigError, CrawlError, CrawlTarget, crawl

    with contextlib.ExitStack() as stack:
        if opts.estate is not None:
            from discovery.emulator import EstateError, running_emulator

            try:
                emu = stack.enter_context(running_emulator(opts.estate))
            except EstateError as exc:
                raise TenantmapError(str(exc), ExitCode.BAD_INPUT) from None
            target = CrawlTarget.for_emulator(emu)
        else:
            try:
                target = CrawlTarget.for_azure(
                    cloud=opts.cloud,
                    arm_endpoint=opts.arm_endpoint,
                    authority=opts.authority,
                    ca_bundle=opts.ca_bundle,
                )
            except CrawlConfigError as exc:
                raise TenantmapError(str(exc), ExitCode.BAD_INPUT) from None
        try:
            result = crawl(
                target,
                out_dir,
                source=opts.source,
                concurrency=opts.concurrency,
                timeout=opts.timeout,
                state_dir=state_dir,
                progress=opts.progress,
            )
        except CrawlConfigError as exc:
            raise TenantmapError(str(exc), ExitCode.BAD_INPUT) from None
        except CrawlError as exc:
            raise TenantmapError(str(exc), ExitCode.PARTIAL) from None
    messages = []
    if result.timed_out:
        messages.append(f"the crawl reached --timeout; what was read is in {out_dir}")
    elif not result.complete:
        messages.append(f"some scopes could not be read; see {out_dir / 'errors.json'}")
    return (not result.timed_out), messages


def load_snapshot_or_fail(path: Path) -> Snapshot:
    from graph.snapshot import SnapshotError, load_snapshot

    try:
        return load_snapshot(path)
    except SnapshotError as exc:
        raise TenantmapError(str(exc), ExitCode.BAD_INPUT) from None


def complete_scopes(snap: Snapshot) -> set[str]:
    manifest = snap.manifest
    scopes = {str(t).lower() for t in manifest.get("tenantsCrawled", [])}
    scopes |= {str(s).lower() for s in manifest.get("subscriptionsCrawled", [])}
    return scopes


def analyse_and_store(
    snap: Snapshot,
    snapshot_dir: Path,
    inventory: Inventory,
    opts: AnalyseOptions,
    *,
    state_dir: Path,
    out_dir: Path,
    run_id: str,
    started: datetime,
    crawl_ok: bool,
    record: bool,
) -> RunOutcome:
    """Build the graph, read the previous run, analyse, write reports, then store.

    Reports are written before the store is touched, so a dead store (exit 3)
    still leaves the night's reports and snapshot on disk.
    """
    from graph.analysis import analyse, fail_on_hit
    from graph.build import build_graph
    from graph.stores import StoreError
    from reports import write_reports
    from tenantmap.config import default_store_url

    graph = build_graph(snap)
    today = opts.now or started.date()
    url = opts.store_url or default_store_url(state_dir)
    store = open_store_or_fail(url, state_dir, opts.neo4j_database)
    messages: list[str] = []
    exit_code = ExitCode.OK
    try:
        with run_lock(store):
            try:
                previous = store.previous_run()
            except StoreError as exc:
                raise TenantmapError(str(exc), ExitCode.PARTIAL) from None
            run_doc = {
                "id": run_id,
                "startedAt": iso(started),
                "source": {
                    "kind": snap.manifest.get("source", {}).get("kind"),
                    "endpoint": snap.manifest.get("source", {}).get("endpoint"),
                },
                "inventory": {"path": str(opts.inventory), "sha256": inventory.sha256},
                "previousRun": previous.id if previous else None,
            }
            report = analyse(
                graph,
                snap,
                inventory,
                today=today,
                run=run_doc,
                previous=previous.report if previous else None,
            )
            report["run"]["finishedAt"] = iso(utc_now())
            write_reports(report, out_dir)
            log.info("reports written to %s", out_dir)
            hit = bool(opts.fail_on) and fail_on_hit(report, opts.fail_on)
            exit_code = ExitCode.FAIL_ON if hit else ExitCode.OK
            if not crawl_ok:
                exit_code = ExitCode.PARTIAL
            if record:
                try:
                    store.begin_run(
                        run_id,
                        started_at=iso(started),
                        source=run_doc["source"],
                        inventory_sha256=inventory.sha256,
                    )
                    store.write_graph(
                        run_id, graph, complete_scopes=complete_scopes(snap), seen_at=iso(started)
                    )
                    store.finish_run(
                        run_id,
                        finished_at=report["run"]["finishedAt"],
                        outcome="completed" if exit_code != ExitCode.PARTIAL else "failed",
                        exit_code=int(exit_code),
                        coverage=report["coverage"],
                        findings=report["findings"],
                        report=report,
                    )
                    store.purge(opts.retention_days)
                except StoreError as exc:
                    messages.append(
                        f"the graph store failed ({exc}); the snapshot is in {snapshot_dir} "
                        f"and the reports in {out_dir}: rerun `tenantmap analyse --snapshot "
                        f"{snapshot_dir} --record` once the store is back"
                    )
                    return RunOutcome(ExitCode.PARTIAL, out_dir, report, messages)
    finally:
        store.close()
    return RunOutcome(exit_code, out_dir, report, messages)


def run_nightly(
    crawl_opts: CrawlOptions,
    opts: AnalyseOptions,
    *,
    state_dir: Path,
    out_dir: Path | None,
    mail: MailSettings | None = None,
) -> RunOutcome:
    started = utc_now()
    run_id = new_run_id(started)
    # Validate everything the user gave before a single request leaves.
    inventory = load_inventory_or_fail(opts.inventory)
    out = out_dir or state_dir / "runs" / run_id
    out.mkdir(parents=True, exist_ok=True)
    snapshot_dir = out / "snapshot"
    log.info("run %s: crawling into %s", run_id, snapshot_dir)
    crawl_ok, messages = crawl_snapshot(crawl_opts, snapshot_dir, state_dir)
    snap = load_snapshot_or_fail(snapshot_dir)
    outcome = analyse_and_store(
        snap,
        snapshot_dir,
        inventory,
        opts,
        state_dir=state_dir,
        out_dir=out,
        run_id=run_id,
        started=started,
        crawl_ok=crawl_ok,
        record=True,
    )
    outcome.messages[:0] = messages
    if mail is not None and outcome.report is not None:
        outcome = send_mail(outcome, mail)
    return outcome


def send_mail(outcome: RunOutcome, settings: MailSettings) -> RunOutcome:
    from reports.mail import MailError, send_report

    assert outcome.report is not None
    try:
        sent = send_report(outcome.report, outcome.out_dir, settings)
    except MailError as exc:
        outcome.messages.append(
            f"the mail was not sent ({exc}); the reports are in {outcome.out_dir}"
        )
        outcome.exit_code = ExitCode.PARTIAL
        return outcome
    log.info("mail %s", "sent" if sent else "not sent: nothing new or resolved")
    return outcome

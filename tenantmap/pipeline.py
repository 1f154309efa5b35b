"""The nightly job: crawl, build, store the graph, analyse, report, record the run,
mail, in that order.

Each stage is called through its package's public seam (docs/dev/interfaces.md);
this module only decides order, exit codes and what is kept when a stage fails.
The rule throughout: what was read is written to disk before anything that can
fail later (store, mail) is tried, and a store that fails still leaves the
night's reports, so a failure never loses the night's work.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tenantmap.exitcodes import ExitCode, TenantmapError
from tenantmap.local_files import check_out_dir, check_writable, writing

if TYPE_CHECKING:
    from discovery.crawl import CrawlTarget
    from graph.crawl_record import CrawlRecord
    from graph.inventory import Inventory
    from graph.snapshot import Snapshot
    from graph.stores import Store
    from graph.stores.common import Outcome, RunRecord
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
    # An endpoint already running (the demo's emulator, which `demo --watch` then changes)
    target: CrawlTarget | None = None


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
    mailable: bool = True


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def new_run_id(started: datetime) -> str:
    """The id of a run no store numbered (store down, or not recorded): the stores' one
    format, so run folders sort and read alike; six hex digits in place of the sequence
    keep it unique across workers."""
    from graph.stores.common import make_run_id

    return make_run_id(iso(started), secrets.token_hex(3))


@contextlib.contextmanager
def run_folder(out: Path) -> Iterator[Path]:
    """Make the run's folder; if the run then stops on bad input (exit 2) before writing
    anything into it, take the folder away again rather than leave an empty runs/<id>/."""
    top = out  # the outermost folder this makes (runs/ on a first run)
    while not top.parent.exists():
        top = top.parent
    existed = out.exists()
    out.mkdir(parents=True, exist_ok=True)
    try:
        yield out
    except TenantmapError as exc:
        if exc.code == ExitCode.BAD_INPUT and not existed and _holds_no_file(top):
            shutil.rmtree(top, ignore_errors=True)
        raise


def _holds_no_file(folder: Path) -> bool:
    return not any(p.is_file() for p in folder.rglob("*"))


def _problems(n: int) -> str:
    return "1 problem" if n == 1 else f"{n} problems"


def load_inventory_or_fail(path: Path) -> Inventory:
    from graph.inventory import InventoryError, load_inventory

    try:
        return load_inventory(path)
    except InventoryError as exc:
        raise TenantmapError(
            f"{path} is not a valid inventory ({_problems(len(exc.problems))}):\n  "
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


def azure_target(opts: CrawlOptions) -> CrawlTarget:
    """The Azure endpoint the flags name; endpoint flags that cannot work are refused
    here, before a run is registered or a folder made."""
    from discovery.crawl import CrawlConfigError, CrawlTarget

    try:
        return CrawlTarget.for_azure(
            cloud=opts.cloud,
            arm_endpoint=opts.arm_endpoint,
            authority=opts.authority,
            ca_bundle=opts.ca_bundle,
        )
    except CrawlConfigError as exc:
        raise TenantmapError(str(exc), ExitCode.BAD_INPUT) from None


def open_existing_store_or_fail(url: str, state_dir: Path, neo4j_database: str | None) -> Store:
    """For commands that only read the history (`query`, `report`): a store that does
    not exist is named, not created, and an empty one is not answered from (a forgotten
    --store would otherwise give a confident "(no rows)")."""
    from graph.stores import StoreError
    from graph.stores.common import redact_url
    from graph.stores.sqlite import sqlite_path

    if url.lower().startswith("sqlite://"):
        with contextlib.suppress(ValueError):  # a bad URL: open_store names it
            path = sqlite_path(url)
            if not path.is_file():
                raise TenantmapError(
                    f"there is no store at {path}: run `tenantmap run` first, or pass the "
                    "--store (or --state-dir) the nightly job uses"
                )
    store = open_store_or_fail(url, state_dir, neo4j_database)
    try:
        empty = not store.holds_runs()
    except StoreError as exc:
        store.close()
        raise TenantmapError(str(exc), ExitCode.PARTIAL) from None
    if empty:
        store.close()
        raise TenantmapError(
            f"the store {redact_url(url)} holds no run yet: run `tenantmap run` first, or pass "
            "the --store (or --state-dir) the nightly job uses"
        )
    return store


def crawl_target(opts: CrawlOptions, stack: contextlib.ExitStack) -> CrawlTarget:
    """What the options name: an endpoint already running, the emulator serving --estate
    (started on `stack`, so it lives as long as the caller needs it), or Azure."""
    from discovery.crawl import CrawlTarget

    if opts.target is not None:
        return opts.target
    if opts.estate is not None:
        from discovery.emulator import EstateError, running_emulator

        try:
            emu = stack.enter_context(running_emulator(opts.estate))
        except EstateError as exc:
            raise TenantmapError(str(exc), ExitCode.BAD_INPUT) from None
        return CrawlTarget.for_emulator(emu)
    return azure_target(opts)


def crawl_snapshot(opts: CrawlOptions, out_dir: Path, state_dir: Path) -> tuple[bool, list[str]]:
    """Crawl into out_dir; returns (complete, messages). Raises TenantmapError when nothing could be read."""
    from discovery.crawl import CrawlConfigError, CrawlError, crawl
    from discovery.snapshot_writer import OutDirRefused

    check_out_dir(out_dir, state_dir)
    with contextlib.ExitStack() as stack:
        target = crawl_target(opts, stack)
        try:
            with writing("the snapshot", out_dir.parent):
                result = crawl(
                    target,
                    out_dir,
                    source=opts.source,
                    concurrency=opts.concurrency,
                    timeout=opts.timeout,
                    state_dir=state_dir,
                    progress=opts.progress,
                )
        except (CrawlConfigError, OutDirRefused) as exc:
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


@dataclass
class RunContext:
    """What a run carries from the moment it holds the lock to the end.

    ``store`` is None when the store could not be reached: the run still
    crawls and reports, so the night's snapshot is on disk for a later
    `tenantmap analyse --record`, and ends with exit 3.
    """

    store: Store | None
    run_id: str
    started: datetime
    record: bool
    store_error: str | None = None
    purged: bool = False  # the store purged its stale items: run folders follow
    # The run the store keeps whole however old (the next night compares with it): its
    # folder is kept with it.
    kept_previous: str | None = None


@contextlib.contextmanager
def state_lock(state_dir: Path) -> Iterator[None]:
    """The state folder's lock, taken before anything else so two runs never overlap,
    whether or not the store (which may be a remote Neo4j) answers."""
    from graph.stores import StoreLocked
    from graph.stores.lock import StateLock

    lock = StateLock(state_dir)
    try:
        lock.acquire()
    except StoreLocked as exc:
        raise TenantmapError(str(exc), ExitCode.LOCKED) from None
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def open_run(
    opts: AnalyseOptions,
    *,
    state_dir: Path,
    started: datetime,
    source: dict[str, Any],
    inventory: Inventory,
    record: bool,
) -> Iterator[RunContext]:
    """Take the lock, open the store and, when recording, register this run so a crash
    leaves it marked unfinished. The previous run is read later (read_previous), once
    the graph is built."""
    from graph.stores import StoreError, open_store
    from graph.stores.common import StoreUrlError
    from tenantmap.config import default_store_url

    url = opts.store_url or default_store_url(state_dir)
    with state_lock(state_dir):
        try:
            store = open_store(url, state_dir=state_dir, neo4j_database=opts.neo4j_database)
        except StoreUrlError as exc:
            raise TenantmapError(str(exc), ExitCode.BAD_INPUT) from None
        except StoreError as exc:
            # Said before the crawl, so whoever watches knows at once how this night ends.
            log.error(
                "the graph store cannot be used (%s); crawling anyway: the snapshot and reports "
                "will be kept for `tenantmap analyse --record`, and the run will end with exit 3",
                exc,
            )
            yield RunContext(None, new_run_id(started), started, record, str(exc))
            return
        try:
            try:
                run_id = (
                    store.begin_run(iso(started), source, inventory.sha256)
                    if record
                    else new_run_id(started)
                )
            except StoreError as exc:
                log.error("graph store failed: %s", exc)
                yield RunContext(None, new_run_id(started), started, record, str(exc))
                return
            ctx = RunContext(store, run_id, started, record)
            try:
                yield ctx
            except KeyboardInterrupt:
                from tenantmap.interrupts import received

                record_failure(ctx, f"interrupted by {received()}", "interrupted")
                raise
        finally:
            store.close()


def sweep_dead_runs(state_dir: Path, out: Path) -> None:
    """Half-written snapshots of runs that were killed go (the lock says none is alive)."""
    from tenantmap.leftovers import run_folders, sweep_snapshot_debris

    removed = sweep_snapshot_debris([*run_folders(state_dir / "runs"), out])
    if removed:
        log.info("removed %d partial snapshot(s) left by runs that died", len(removed))


def purge_old_runs(ctx: RunContext, state_dir: Path, days: int) -> None:
    """Run folders follow the store's retention and are purged when the store is (the run
    was recorded and stored), so a store that fails keeps every folder for the re-run."""
    from tenantmap.leftovers import purge_run_folders

    if not ctx.purged:
        return
    keep = {ctx.run_id} | ({ctx.kept_previous} if ctx.kept_previous else set())
    removed = purge_run_folders(state_dir / "runs", retention_days=days, now=ctx.started, keep=keep)
    if removed:
        log.info("removed %d run folder(s) older than %d days", len(removed), days)


def record_failure(ctx: RunContext, message: str, outcome: Outcome = "failed") -> None:
    """A run that stops part way is recorded as failed, so it never becomes a previous run."""
    from graph.stores import StoreError

    if not ctx.record or ctx.store is None:
        return
    with contextlib.suppress(StoreError):
        ctx.store.finish_run(
            ctx.run_id,
            finished_at=iso(utc_now()),
            outcome=outcome,
            exit_code=int(ExitCode.PARTIAL),
            coverage={"error": message},
            findings=[],
            report=None,
        )


@contextlib.contextmanager
def failure_recorded(ctx: RunContext) -> Iterator[None]:
    """A stage that stops the run (TenantmapError) leaves it recorded failed, so it never
    becomes a previous run, whether or not its graph was stored."""
    try:
        yield
    except TenantmapError as exc:
        record_failure(ctx, str(exc))
        raise


def read_previous(ctx: RunContext) -> RunRecord | None:
    """The run this night compares with, read once the graph is built: at 1,000,000
    resources its history is hundreds of MB, which the build need not carry.

    A store that fails here is treated as one that failed at the start: the run is
    recorded failed (where the store still takes it) and goes on without the store,
    so the reports are written but not mailed and the night ends with exit 3."""
    from graph.stores import StoreError

    if ctx.store is None:
        return None
    try:
        return ctx.store.previous_run(history_only=True)
    except StoreError as exc:
        store_failed(ctx, exc)
        return None


def store_failed(ctx: RunContext, exc: Exception) -> None:
    """Go on without a store that failed while the run read it: the run is recorded
    failed (where the store still takes it), and its reports are written, not mailed."""
    log.error("graph store failed: %s", exc)
    record_failure(ctx, str(exc))
    ctx.store, ctx.store_error = None, str(exc)


def store_graph(ctx: RunContext, graph: Any, crawl: CrawlRecord) -> str | None:
    """Write the night's graph; the store's error, if it failed (the run is then
    recorded failed, as far as the store still takes it)."""
    from graph.stores import StoreError

    if ctx.store is None or not ctx.record:
        return None
    try:
        ctx.store.write_graph(
            ctx.run_id, graph, complete_scopes=set(crawl.scopes_read()), seen_at=iso(ctx.started)
        )
    except StoreError as exc:
        record_failure(ctx, str(exc))
        return str(exc)
    return None


def kept_previous(store: Store) -> str | None:
    """The run a purge keeps whole however old it is: the latest that counts as previous
    (the next night compares with it). Its run folder is kept with it."""
    counting = [run.id for run in store.run_summaries() if run.counts_as_previous]
    return counting[-1] if counting else None


def finish_stored_run(
    ctx: RunContext, report: dict[str, Any], crawl: CrawlRecord, exit_code: ExitCode, days: int
) -> str | None:
    """Record the run as finished, with its report, and purge what outlived the
    retention; the store's error, if it failed (the run is then recorded failed)."""
    from graph.stores import StoreError

    assert ctx.store is not None
    try:
        ctx.store.finish_run(
            ctx.run_id,
            finished_at=report["run"]["finishedAt"],
            outcome="failed" if exit_code == ExitCode.PARTIAL else "completed",
            exit_code=int(exit_code),
            coverage=report["coverage"],
            findings=report["findings"],
            report=report,
            crawl=crawl.to_json(),
        )
        ctx.store.purge(days)
        kept = kept_previous(ctx.store)
    except StoreError as exc:
        record_failure(ctx, str(exc))
        return str(exc)
    ctx.purged, ctx.kept_previous = True, kept
    return None


def analyse_and_store(
    ctx: RunContext,
    snap: Snapshot,
    snapshot_dir: Path,
    inventory: Inventory,
    opts: AnalyseOptions,
    *,
    out_dir: Path,
    crawl_ok: bool,
) -> RunOutcome:
    """Build the graph, store it, analyse it against the previous run, write the
    reports, finish the run.

    At 1,000,000 resources the graph is most of the night's memory, so the three
    other big structures are held beside it one at a time: the store write's working
    set, then the previous run's history (read only now), then the analysis; the
    reports need only the report document, so the graph is let go of before they are
    rendered. A store that fails (exit 3) still leaves the night's reports and
    snapshot on disk; the run is finished in the store only once its reports are
    written.
    """
    from graph.analysis import analyse, fail_on_hit
    from graph.build import build_graph
    from graph.collector import collector_paused
    from graph.crawl_record import crawl_record
    from graph.stores import StoreError
    from reports import write_reports

    graph = build_graph(snap)
    crawl = crawl_record(snap)  # after the build, which notes misshapen resources
    # Moved out of the collector's reach, the graph spares every later full collection
    # a walk over millions of objects (it is let go of by clearing it, below).
    gc.freeze()
    store_error = store_graph(ctx, graph, crawl)
    previous = read_previous(ctx)
    today = opts.now or ctx.started.date()
    source = snap.manifest.get("source", {})
    run_doc = {
        "id": ctx.run_id,
        "startedAt": iso(ctx.started),
        "source": {"kind": source.get("kind"), "endpoint": source.get("endpoint")},
        "inventory": {"path": str(opts.inventory), "sha256": inventory.sha256},
        "previousRun": previous.id if previous else None,
    }
    with collector_paused():
        try:
            report = analyse(
                graph,
                crawl,
                inventory,
                today=today,
                run=run_doc,
                previous=previous.report if previous else None,
            )
        except StoreError as exc:
            # The previous run's findings are parsed as they are compared with
            # (report_text): one the store damaged fails the store as a failed read of
            # the previous run would have (exit 3), and the night is analysed without it.
            store_failed(ctx, exc)
            report = analyse(
                graph, crawl, inventory, today=today, run={**run_doc, "previousRun": None},
                previous=None,
            )  # fmt: skip
        previous = None  # compared with: its findings need not outlive the analysis
        # The report lives until the process ends: frozen before the collector resumes,
        # no collection walks its hundreds of thousands of objects.
        gc.freeze()
    # Stored and analysed: nothing reads the graph any more. Cleared rather than only
    # dropped, as a networkx graph refers to itself through its cached views (a cycle
    # that frozen objects never leave).
    graph.clear()
    del graph
    # A full collection (quick: everything else is frozen) also lets the allocator give
    # back what the graph held where nothing else lives beside it.
    gc.collect()
    report["run"]["finishedAt"] = iso(utc_now())
    with writing("the reports", out_dir):
        write_reports(report, out_dir)
    log.info("reports written to %s", out_dir)
    exit_code = ExitCode.OK
    if opts.fail_on and fail_on_hit(report, opts.fail_on):
        exit_code = ExitCode.FAIL_ON
    if not crawl_ok:
        exit_code = ExitCode.PARTIAL
    if ctx.store is None:
        message = (
            f"the graph store could not be used ({ctx.store_error}); the reports in {out_dir} "
            f"cannot tell new from existing findings and were not mailed; the snapshot is in "
            f"{snapshot_dir}: rerun `tenantmap analyse --snapshot {snapshot_dir} --record` "
            f"once the store is back"
        )
        return RunOutcome(ExitCode.PARTIAL, out_dir, report, [message], mailable=False)
    if ctx.record and store_error is None:
        store_error = finish_stored_run(ctx, report, crawl, exit_code, opts.retention_days)
    if store_error is not None:
        message = (
            f"the graph store failed ({store_error}); the snapshot is in {snapshot_dir} and the "
            f"reports in {out_dir}: rerun `tenantmap analyse --snapshot {snapshot_dir} "
            f"--record` once the store is back"
        )
        return RunOutcome(ExitCode.PARTIAL, out_dir, report, [message])
    return RunOutcome(exit_code, out_dir, report, [])


def run_nightly(
    crawl_opts: CrawlOptions,
    opts: AnalyseOptions,
    *,
    state_dir: Path,
    out_dir: Path | None,
    mail: MailSettings | None = None,
) -> RunOutcome:
    started = utc_now()
    # Validate everything the user gave before a single request leaves.
    inventory = load_inventory_or_fail(opts.inventory)
    if crawl_opts.estate is None and crawl_opts.target is None:
        azure_target(crawl_opts)
    if out_dir is not None:
        check_out_dir(out_dir / "snapshot", state_dir)
    source = {
        "kind": crawl_opts.source,
        "estate": str(crawl_opts.estate) if crawl_opts.estate else None,
    }
    with open_run(
        opts, state_dir=state_dir, started=started, source=source, inventory=inventory, record=True
    ) as ctx:
        out = out_dir or state_dir / "runs" / ctx.run_id
        snapshot_dir = out / "snapshot"
        log.info("run %s: crawling into %s", ctx.run_id, snapshot_dir)
        with failure_recorded(ctx):
            with run_folder(out):
                sweep_dead_runs(state_dir, out)
                crawl_ok, messages = crawl_snapshot(crawl_opts, snapshot_dir, state_dir)
                snap = load_snapshot_or_fail(snapshot_dir)
            outcome = analyse_and_store(
                ctx, snap, snapshot_dir, inventory, opts, out_dir=out, crawl_ok=crawl_ok
            )
        purge_old_runs(ctx, state_dir, opts.retention_days)
    outcome.messages[:0] = messages
    if mail is not None and outcome.report is not None and outcome.mailable:
        outcome = send_mail(outcome, mail)
    return outcome


def analyse_existing(
    snapshot_dir: Path, opts: AnalyseOptions, *, state_dir: Path, out_dir: Path | None
) -> RunOutcome:
    """`tenantmap analyse`: a snapshot on disk, no Azure call; history only with --record."""
    started = utc_now()
    inventory = load_inventory_or_fail(opts.inventory)
    snap = load_snapshot_or_fail(snapshot_dir)
    if out_dir is not None:
        check_writable(out_dir / "report.json")
    source = {"kind": snap.manifest.get("source", {}).get("kind"), "snapshot": str(snapshot_dir)}
    with open_run(
        opts,
        state_dir=state_dir,
        started=started,
        source=source,
        inventory=inventory,
        record=opts.record,
    ) as ctx:
        out = out_dir or state_dir / "runs" / ctx.run_id
        out.mkdir(parents=True, exist_ok=True)
        with failure_recorded(ctx):
            outcome = analyse_and_store(
                ctx, snap, snapshot_dir, inventory, opts, out_dir=out, crawl_ok=True
            )
        purge_old_runs(ctx, state_dir, opts.retention_days)
        return outcome


@dataclass
class StoredRun:
    """What `analyse --run` reads of one run in the store: its graph, its crawl
    record and the run it was compared with."""

    record: RunRecord
    crawl: CrawlRecord
    graph: Any  # networkx.MultiDiGraph
    previous: RunRecord | None  # as a night reads it: previous_run(history_only=True)


def read_stored_run(store: Store, run_id: str) -> StoredRun:
    """The graph of ``run_id`` as the store kept it after that run, its crawl record,
    and the run before it that counted as previous (the one it was compared with).
    A run the store trimmed (older than the retention) cannot be, nor can one whose
    previous run was trimmed: without that run's report every finding would read as
    new, which is not what that night found."""
    from graph.crawl_record import CrawlRecord, CrawlRecordError
    from graph.stores import StoreError, trim_message

    try:
        # Only this run and the one it was compared with are read: the store keeps many
        # nights, each with a report of about 122 MiB at 1,000,000 resources.
        record = store.run_by_id(run_id)
        if record is None:
            raise TenantmapError(
                f"the store holds no run {run_id!r}: pass --run with the id of a recorded run "
                "(its folder name under <state dir>/runs)"
            )
        if record.trimmed:
            raise TenantmapError(trim_message(run_id))
        # Of that run, analyse reads what the night read (history_only): its report's
        # run and findings.
        previous = store.previous_run(history_only=True, before_seq=record.seq)
        if previous is not None and previous.trimmed:
            raise TenantmapError(
                f"run {run_id} cannot be analysed again against the run it was compared "
                f"with: {trim_message(previous.id)}"
            )
        if record.crawl is None or record.seen_at is None:
            raise TenantmapError(
                f"run {run_id} has no graph and crawl record in the store (it failed before "
                "storing them, or an earlier tenantmap recorded it): analyse its snapshot "
                "with --snapshot DIR instead"
            )
        try:
            crawl = CrawlRecord.from_json(record.crawl)
        except CrawlRecordError as exc:
            raise TenantmapError(f"run {run_id} cannot be analysed again: {exc}") from None
        graph = store.read_graph(run_id)
    except StoreError as exc:
        raise TenantmapError(str(exc), ExitCode.PARTIAL) from None
    keep_seen_by(graph, record.seen_at)
    return StoredRun(record, crawl, graph, previous)


def keep_seen_by(graph: Any, seen_at: str) -> None:
    """Leave in a stored graph only what the run of ``seen_at`` saw (in place).

    Where that run read a scope short, the store still holds what earlier runs saw
    there (nothing is deleted because a call failed); the run's own analysis did not
    see it, so its findings there became unverified, and so do they again."""
    from graph.schema import PROP_LAST_SEEN

    graph.remove_edges_from(
        [
            (u, v, k)
            for u, v, k, seen in graph.edges(keys=True, data=PROP_LAST_SEEN)
            if seen != seen_at
        ]
    )
    graph.remove_nodes_from([n for n, seen in graph.nodes(data=PROP_LAST_SEEN) if seen != seen_at])


def analyse_stored(
    run_id: str, opts: AnalyseOptions, *, state_dir: Path, out_dir: Path | None
) -> RunOutcome:
    """`tenantmap analyse --run ID`: one stored run analysed again from the store alone
    (its graph and crawl record; no snapshot, no Azure call), with the inventory given,
    against the run it was compared with. The history is not changed."""
    from graph.analysis import analyse, fail_on_hit
    from graph.stores import StoreError
    from reports import write_reports
    from tenantmap.config import default_store_url

    inventory = load_inventory_or_fail(opts.inventory)
    if out_dir is not None:
        check_writable(out_dir / "report.json")
    url = opts.store_url or default_store_url(state_dir)
    store = open_existing_store_or_fail(url, state_dir, opts.neo4j_database)
    try:
        stored = read_stored_run(store, run_id)
    finally:
        store.close()
    gc.freeze()  # as after a build: the graph lives until the process ends
    record, crawl = stored.record, stored.crawl
    kept = (record.report or {}).get("run") or {}
    today = opts.now or date.fromisoformat(str(kept.get("today") or record.started_at[:10]))
    run_doc = {
        "id": record.id,
        "startedAt": record.started_at,
        "finishedAt": record.finished_at,
        "source": {"kind": crawl.source.get("kind"), "endpoint": crawl.source.get("endpoint")},
        "inventory": {"path": str(opts.inventory), "sha256": inventory.sha256},
        "previousRun": stored.previous.id if stored.previous else None,
    }
    try:
        report = analyse(
            stored.graph,
            crawl,
            inventory,
            today=today,
            run=run_doc,
            previous=stored.previous.report if stored.previous else None,
        )
    except StoreError as exc:  # a previous finding the store damaged (report_text)
        raise TenantmapError(str(exc), ExitCode.PARTIAL) from None
    out = out_dir or state_dir / "runs" / record.id / f"reanalysed-{new_run_id(utc_now())}"
    with writing("the reports", out):
        out.mkdir(parents=True, exist_ok=True)
        write_reports(report, out)
    log.info("run %s analysed again; reports written to %s", record.id, out)
    failed = bool(opts.fail_on and fail_on_hit(report, opts.fail_on))
    return RunOutcome(ExitCode.FAIL_ON if failed else ExitCode.OK, out, report)


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
    log.info("mail %s", "sent" if sent else "not sent: nothing new, worse or resolved")
    return outcome

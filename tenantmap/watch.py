"""`tenantmap watch` (docs/spec/watch.md): new links and exposures within minutes.

Between two nightly runs, every `--interval` a cycle reads what changed (the change
tables, the subscription list, the management-group tree: discovery/crawl/watch.py),
re-reads the changed resources, updates the stored graph in place for those items
only (graph/watch_delta.py, graph/stores/watch_*.py), runs the analyses on the graph
and mails at once what is new or worse (one mail per cycle at most, subject
`tenantmap watch: ...`). A watch never resolves a finding and never deletes: the next
full run does both. The graph stays in memory between cycles and is read again from
the store only when a new full run has completed.

The watch keeps a lock of its own (`tenantmap-watch.lock`), so two watches never share
a state folder, and only probes the nightly run's lock: while a run holds it, the
cycle is skipped with a log line, and a run that starts during a cycle is not held up.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import signal
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from tenantmap.exitcodes import ExitCode, TenantmapError
from tenantmap.pipeline import (
    AnalyseOptions,
    CrawlOptions,
    crawl_target,
    iso,
    load_inventory_or_fail,
    utc_now,
)

if TYPE_CHECKING:
    import networkx as nx

    from discovery.crawl import CrawlTarget
    from discovery.crawl.watch import WatchInput, WatchRead
    from graph.crawl_record import CrawlRecord
    from graph.inventory import Inventory
    from graph.stores import Store
    from graph.stores.common import RunRecord
    from reports.mail import MailSettings

log = logging.getLogger("tenantmap.watch")

WATCH_LOCK = "tenantmap-watch.lock"
DEFAULT_INTERVAL = 300.0
ALERTING = ("new",)


@dataclass
class WatchOptions:
    interval: float = DEFAULT_INTERVAL
    once: bool = False
    overlap: timedelta = timedelta(minutes=10)


@dataclass
class CycleOutcome:
    record: dict[str, Any]
    alerts: list[dict[str, Any]] = field(default_factory=list)
    mailed: bool = False
    skipped: bool = False
    messages: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.record.get("errors")) or bool(self.messages)


def parse_interval(text: str) -> float:
    """`90`, `90s`, `5m`, `1h` -> seconds (at least 10)."""
    units = {"s": 1, "m": 60, "h": 3600}
    value = text.strip().lower()
    try:
        seconds = float(value[:-1]) * units[value[-1]] if value[-1:] in units else float(value)
    except (ValueError, IndexError):
        raise TenantmapError(
            f"--interval {text!r} is not a duration: use seconds or 30s, 5m, 1h"
        ) from None
    if seconds < 10:
        raise TenantmapError(f"--interval {text!r} is shorter than 10 s: a cycle needs longer")
    return seconds


def alert_signature(finding: dict[str, Any]) -> str | None:
    """What makes a finding worth a mail now: new, or worse (and how); None if neither."""
    from graph.stores.common import dumps

    if finding.get("status") == "new":
        return "new"
    if finding.get("worsened"):
        return "worsened:" + dumps(finding["worsened"])
    return None


def watch_report(report: dict[str, Any], alerts: list[dict[str, Any]]) -> dict[str, Any]:
    """The report a watch mails: nothing resolved (a watch never resolves), and only this
    cycle's alerts new or worse (those mailed by an earlier cycle count as existing)."""
    alerted = {f["id"] for f in alerts}
    findings = []
    for finding in report.get("findings") or []:
        if finding["id"] not in alerted and alert_signature(finding) is not None:
            finding = {k: v for k, v in finding.items() if k != "worsened"}
            finding["status"] = "existing"
        findings.append(finding)
    summary = dict(report.get("summary") or {})
    summary["new"] = sum(1 for f in findings if f.get("status") == "new")
    summary["worsened"] = sum(1 for f in findings if f.get("worsened"))
    summary["resolved"] = 0
    return {**report, "findings": findings, "resolved": [], "summary": summary}


def nightly_running(state_dir: Path) -> bool:
    """Does a run hold the state folder's lock? (taken and let go at once if not)"""
    from graph.stores import StoreLocked
    from graph.stores.lock import StateLock

    lock = StateLock(state_dir)
    try:
        lock.acquire()
    except StoreLocked:
        return True
    lock.release()
    return False


@contextlib.contextmanager
def watch_lock(state_dir: Path) -> Iterator[None]:
    from graph.stores import StoreLocked
    from graph.stores.lock import StateLock

    lock = StateLock(state_dir, WATCH_LOCK)
    try:
        lock.acquire()
    except StoreLocked:
        raise TenantmapError(
            f"another tenantmap watch is running on {state_dir}", ExitCode.LOCKED
        ) from None
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """SIGTERM (and Ctrl-C) end the watch between cycles: the cycle under way finishes.
    A second signal stops at once."""
    stop = threading.Event()
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def handler(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        log.info("%s received: stopping after this cycle", signal.Signals(signum).name)
        stop.set()

    for sig, old in previous.items():
        if old != signal.SIG_IGN:
            signal.signal(sig, handler)
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@dataclass
class Directory:
    """The graph's tenants and subscriptions as a cycle needs them: gathered in one pass
    when the graph is loaded, then kept up to date from each cycle's delta."""

    tenants: dict[str, dict[str, Any]] = field(default_factory=dict)  # our own, by id
    subscriptions: set[str] = field(default_factory=set)
    crawled: set[str] = field(default_factory=set)

    def add(self, node: str, data: dict[str, Any]) -> None:
        from graph.schema import Label

        label = data.get("label")
        if label == Label.TENANT.value and not data.get("foreign"):
            self.tenants[node] = {
                "id": f"/tenants/{node}",
                "tenantId": node,
                "tenantCategory": data.get("category"),
                "displayName": data.get("name"),
                "defaultDomain": data.get("defaultDomain"),
            }
        elif label == Label.SUBSCRIPTION.value:
            self.subscriptions.add(node)
            if data.get("crawled"):
                self.crawled.add(node)

    @staticmethod
    def of(graph: nx.MultiDiGraph) -> Directory:
        directory = Directory()
        for node, data in graph.nodes(data=True):
            directory.add(str(node), data)
        return directory


def watch_input(
    directory: Directory, run: RunRecord, marks: dict[str, Any], errors: Iterable[dict[str, Any]]
) -> WatchInput:
    from discovery.crawl.watch import Mark, WatchInput

    tenants = [directory.tenants[t] for t in sorted(directory.tenants)]
    complete = set(run.complete_scopes)
    return WatchInput(
        tenants=tenants,
        home_tenants=sorted(
            t["tenantId"]
            for t in tenants
            if t["tenantCategory"] == "Home" and t["tenantId"] in complete
        ),
        subscriptions_crawled=set(directory.crawled),
        known_subscriptions=set(directory.subscriptions),
        marks={t: Mark.from_json(m) for t, m in marks.items()},
        start=run.started_at,
        errors=list(errors),
    )


class Watcher:
    """The watch's state across cycles: the store, the graph in memory, the target."""

    def __init__(
        self,
        crawl_opts: CrawlOptions,
        opts: AnalyseOptions,
        watch: WatchOptions,
        *,
        state_dir: Path,
        mail: MailSettings | None,
        target: CrawlTarget,
        inventory: Inventory,
    ) -> None:
        from graph.stores.watch import watch_writes
        from tenantmap.config import default_store_url
        from tenantmap.pipeline import open_existing_store_or_fail

        self.crawl_opts = crawl_opts
        self.opts = opts
        self.watch = watch
        self.state_dir = state_dir
        self.mail = mail
        self.target = target
        self.inventory = inventory
        url = opts.store_url or default_store_url(state_dir)
        self.store: Store = open_existing_store_or_fail(url, state_dir, opts.neo4j_database)
        self.writes = watch_writes(self.store)
        self.graph: nx.MultiDiGraph | None = None
        self.crawl: CrawlRecord | None = None
        self.directory = Directory()
        self.base: RunRecord | None = None
        self.folder = state_dir / "watch"

    def close(self) -> None:
        self.store.close()

    @staticmethod
    def _crawl_record(run: RunRecord) -> CrawlRecord:
        from graph.crawl_record import CrawlRecord, CrawlRecordError

        try:
            if run.crawl is None:
                raise CrawlRecordError("it has none")
            return CrawlRecord.from_json(run.crawl)
        except CrawlRecordError as exc:
            raise TenantmapError(
                f"the last run ({run.id}) has no readable crawl record in the store ({exc}): "
                "run `tenantmap run` first"
            ) from None

    def _baseline(self) -> RunRecord:
        from graph.schema import PROP_LAST_SEEN
        from graph.watch_delta import remove_gone

        previous = self.store.previous_run()
        if previous is None:
            raise TenantmapError("no completed run in the store: run `tenantmap run` first")
        if self.base is None or self.base.id != previous.id or self.graph is None:
            crawl = self._crawl_record(previous)
            graph = self.store.read_graph()
            # what the run saw, and what cycles wrote since (not what only earlier runs saw
            # where this one read short: its own analysis did not count that either)
            seen = previous.seen_at or previous.started_at
            graph.remove_nodes_from(
                [n for n, at in graph.nodes(data=PROP_LAST_SEEN) if at and at < seen]
            )
            graph.remove_edges_from(
                [
                    (u, v, k)
                    for u, v, k, at in graph.edges(keys=True, data=PROP_LAST_SEEN)
                    if at and at < seen
                ]
            )
            remove_gone(graph, *self.writes.gone_since(self.store, previous.started_at))
            self.graph, self.base, self.crawl = graph, previous, crawl
            self.directory = Directory.of(graph)
            log.info("watch: graph of run %s loaded (%d nodes)", previous.id, len(graph))
        return previous

    def cycle(self) -> CycleOutcome:
        from discovery.crawl import CrawlConfigError, CrawlError
        from graph.stores import StoreError

        started = datetime.now(UTC)
        record: dict[str, Any] = {
            "startedAt": iso(started),
            "changesSeen": 0,
            "itemsReread": 0,
            "elementsWritten": 0,
            "findingsRaised": [],
            "errors": [],
        }
        if nightly_running(self.state_dir):
            record.update(outcome="skipped", finishedAt=iso(utc_now()))
            return CycleOutcome(
                record,
                skipped=True,
                messages=["the nightly run holds the state lock: this cycle is skipped"],
            )
        try:
            return self._cycle(started, record)
        except (CrawlConfigError, CrawlError) as exc:
            record.update(outcome="failed", finishedAt=iso(utc_now()))
            record["errors"].append({"scope": "", "message": str(exc)})
            return CycleOutcome(record, messages=[f"the cycle could not read Azure: {exc}"])
        except StoreError as exc:
            record.update(outcome="failed", finishedAt=iso(utc_now()))
            return CycleOutcome(record, messages=[f"the graph store failed: {exc}"])

    def _cycle(self, started: datetime, record: dict[str, Any]) -> CycleOutcome:
        from discovery.crawl.watch import watch_read
        from graph.build import build_graph
        from graph.snapshot import load_snapshot
        from graph.watch_delta import apply_delta, graph_delta, source_scopes

        base = self._baseline()
        assert self.graph is not None
        state = self.writes.load_state(self.store)
        if state.get("baseRun") != base.id:
            state = {"marks": state.get("marks") or {}, "raised": {}, "baseRun": base.id}
        assert self.crawl is not None
        known = watch_input(self.directory, base, state["marks"], self.crawl.errors)
        read: WatchRead = watch_read(
            self.target,
            self.folder / "snapshot",
            known,
            state_dir=self.state_dir,
            now=started,
            overlap=self.watch.overlap,
            concurrency=self.crawl_opts.concurrency,
        )
        snap = load_snapshot(read.snapshot_dir)
        delta = graph_delta(self.graph, build_graph(snap), reread=read.reread, gone=read.gone)
        scopes = source_scopes(self.graph, delta)
        written = self.writes.write_delta(self.store, delta, at=iso(started), scopes=scopes)
        apply_delta(self.graph, delta)
        for node, attrs in delta.nodes.items():
            self.directory.add(node, attrs)
        raised: dict[str, str] = state["raised"]
        alerts: list[dict[str, Any]] = []
        if delta.elements:  # an idle cycle changed nothing the analyses read
            report = self._analyse(base, started)
            alerts = [
                f
                for f in report["findings"]
                if (sig := alert_signature(f)) is not None and raised.get(f["id"]) != sig
            ]
        outcome = CycleOutcome(record, alerts=alerts)
        if alerts:
            self._mail(watch_report(report, alerts), outcome)
            for finding in alerts:
                raised[finding["id"]] = str(alert_signature(finding))
        state["marks"] = {t: m.to_json() for t, m in read.marks.items()}
        record.update(
            outcome="completed" if not read.errors and not outcome.messages else "partial",
            finishedAt=iso(utc_now()),
            baseRun=base.id,
            changesSeen=len(read.changes),
            itemsReread=len(read.reread),
            gone=len(read.gone),
            newSubscriptions=read.new_subscriptions,
            elementsWritten=written,
            requests=read.requests,
            findingsRaised=[
                {"id": f["id"], "kind": f["kind"], "subject": f["subject"], "status": f["status"]}
                for f in alerts
            ],
            errors=read.errors,
        )
        self.writes.record_cycle(self.store, record, state)
        return outcome

    def _analyse(self, base: RunRecord, started: datetime) -> dict[str, Any]:
        """The analyses of the graph as the cycle left it, with the last full run's crawl
        record: a cycle knows no more than that run about what could not be read."""
        from graph.analysis import analyse

        run_doc = {
            "id": "watch-" + started.strftime("%Y%m%d%H%M%S"),
            "startedAt": iso(started),
            "source": {"kind": "watch", "endpoint": self.target.arm_url},
            "inventory": {"path": str(self.opts.inventory), "sha256": self.inventory.sha256},
            "previousRun": base.id,
        }
        assert self.graph is not None and self.crawl is not None
        report = analyse(
            self.graph,
            self.crawl,
            self.inventory,
            today=self.opts.now or started.date(),
            run=run_doc,
            previous=base.report,
        )
        report["run"]["finishedAt"] = iso(utc_now())
        return report

    def _mail(self, report: dict[str, Any], outcome: CycleOutcome) -> None:
        from reports import write_reports
        from reports.mail import MailError, send_report

        out = self.folder / "report"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True, exist_ok=True)
        write_reports(report, out)
        if self.mail is None:
            return
        try:
            outcome.mailed = send_report(report, out, self.mail, tool="tenantmap watch")
        except MailError as exc:
            outcome.messages.append(f"the watch mail was not sent ({exc}); the report is in {out}")


def say_cycle(outcome: CycleOutcome) -> None:
    """One log line per cycle (with --log-format json: one object, the cycle's fields)."""
    record = outcome.record
    for message in outcome.messages:
        log.warning("watch: %s", message)
    if outcome.skipped:
        log.info(
            "watch cycle skipped: the nightly run holds the state lock", extra={"cycle": record}
        )
        return
    log.info(
        "watch cycle %s: %d change(s) seen, %d re-read, %d element(s) written, "
        "%d finding(s) raised%s, %d error(s)",
        record.get("outcome"),
        record.get("changesSeen", 0),
        record.get("itemsReread", 0),
        record.get("elementsWritten", 0),
        len(record.get("findingsRaised") or []),
        " (mailed)" if outcome.mailed else "",
        len(record.get("errors") or []),
        extra={"cycle": record},
    )


def run_watch(
    crawl_opts: CrawlOptions,
    opts: AnalyseOptions,
    watch: WatchOptions,
    *,
    state_dir: Path,
    mail: MailSettings | None,
) -> int:
    inventory = load_inventory_or_fail(opts.inventory)
    with watch_lock(state_dir), contextlib.ExitStack() as stack:
        target = crawl_target(crawl_opts, stack)
        watcher = Watcher(
            crawl_opts,
            opts,
            watch,
            state_dir=state_dir,
            mail=mail,
            target=target,
            inventory=inventory,
        )
        stack.callback(watcher.close)
        watcher._baseline()  # exit 2 at once without a completed run
        stop = stack.enter_context(stop_on_signals())
        code = ExitCode.OK
        while True:
            outcome = watcher.cycle()
            say_cycle(outcome)
            if watch.once:
                if outcome.failed and not outcome.skipped:
                    code = ExitCode.PARTIAL
                elif outcome.alerts and opts.fail_on == "new":
                    code = ExitCode.FAIL_ON
                break
            if stop.wait(watch.interval) or stop.is_set():
                log.info("watch stopped")
                break
        return int(code)


# -- `tenantmap demo --watch` ---------------------------------------------------------

DEMO_VNET = (
    "/subscriptions/1a2b3c4d-0000-4000-8000-000000000109/resourceGroups/rg-data-net/"
    "providers/Microsoft.Network/virtualNetworks/vnet-data"
)
DEMO_FOREIGN = {"5e6f7a8b-0000-4000-8000-0000000000d1": "5e6f7a8b-0000-4000-8000-000000000009"}


def demo_change() -> dict[str, Any]:
    """Someone peers prod-data's VNet with a VNet in a tenant nobody declared."""
    (foreign_sub,) = DEMO_FOREIGN
    return {
        "put": [
            {
                "id": f"{DEMO_VNET}/virtualNetworkPeerings/peer-data-to-tailspin",
                "name": "peer-data-to-tailspin",
                "type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
                "properties": {
                    "peeringState": "Connected",
                    "allowVirtualNetworkAccess": True,
                    "remoteVirtualNetwork": {
                        "id": f"/subscriptions/{foreign_sub}/resourceGroups/rg-tailspin/"
                        "providers/Microsoft.Network/virtualNetworks/vnet-tailspin"
                    },
                    "remoteAddressSpace": {"addressPrefixes": ["172.30.0.0/16"]},
                },
            }
        ]
    }


def run_demo_watch(base: Path, *, progress: bool) -> tuple[Any, CycleOutcome]:
    """The demo's night on the sample estate, then a watch: a cycle with nothing new, a
    peering to an undeclared tenant made on the running emulator, and the next cycle's
    alert (written to `<state>/watch/report/`; mailed when a watch has mail settings)."""
    from discovery.crawl import CrawlTarget
    from discovery.emulator import running_emulator
    from discovery.estates import SAMPLE_ESTATE
    from tenantmap.pipeline import run_nightly

    state_dir = base / "state"
    state_dir.mkdir(parents=True, exist_ok=True)
    inventory_path = SAMPLE_ESTATE / "inventory.yaml"
    # The sample's own foreign subscriptions stay resolvable (an override replaces the key):
    # the demo's night must raise what `tenantmap demo` raises, no more.
    settings = json.loads((SAMPLE_ESTATE / "emulator.json").read_text(encoding="utf-8"))
    foreign = {**settings.get("foreignSubscriptions", {}), **DEMO_FOREIGN}
    with running_emulator(SAMPLE_ESTATE, overrides={"foreignSubscriptions": foreign}) as emu:
        target = CrawlTarget.for_emulator(emu)
        crawl = CrawlOptions(progress=progress, target=target)
        opts = AnalyseOptions(inventory=inventory_path)
        night = run_nightly(crawl, opts, state_dir=state_dir, out_dir=base / "report")
        with watch_lock(state_dir):
            watcher = Watcher(
                crawl,
                opts,
                WatchOptions(once=True),
                state_dir=state_dir,
                mail=None,
                target=target,
                inventory=load_inventory_or_fail(inventory_path),
            )
            try:
                say_cycle(watcher.cycle())
                log.info("demo: peering prod-data's vnet-data with a VNet in an undeclared tenant")
                emu.post_changes(demo_change())
                outcome = watcher.cycle()
                say_cycle(outcome)
            finally:
                watcher.close()
    return night, outcome

"""The team store: a Neo4j database over Bolt.

Model, for people who write Cypher:

* every node carries its schema label (``:VirtualNetwork``, ``:Tenant``, ...) and
  the common label ``:Tenantmap``. The uniqueness constraint is on
  ``(:Tenantmap {id})``, not per label, because a node's label can change between
  nights (a ``:Resource`` placeholder becomes a ``:VirtualNetwork`` once its
  subscription is crawled): MERGE on the common label keeps one node per id
  whatever its label. ``MATCH (v:VirtualNetwork)`` works as one expects.
* relationships have their schema type and a ``key`` property (unique per
  source/target pair, schema.edge_key).
* both carry ``firstSeen``, ``lastSeen``, ``present`` (written only when false:
  absent means present, so the common case costs nothing) and bookkeeping
  properties starting with ``_`` (``_hash``: the digest of what was last
  written, ``_firstRun``, ``_lastRun``, ``_staleRun``; the items the first write
  into an empty store created carry no ``_firstRun``/``_lastRun`` until a later
  write of theirs: they read as that run's, recorded once in
  ``(:TenantmapMeta {name: 'born'}).run``). An item's scope is not
  stored: it is derived from its (or, for an edge, its source's) subscriptionId
  or tenantId. An unchanged item is not rewritten: its ``lastSeen`` is the last
  run that wrote it, and a present item was also seen by each later run that
  read its scope completely (common.derive_last_seen; graph-model.md).
* run history: ``(:Run {id, seq, startedAt, finishedAt, outcome, exitCode, ...})``
  with source, coverage, findings, report and crawl record as JSON strings (purge removes
  them from runs older than the retention, but the previous run's, and sets
  ``trimmedAt``); the change log that lets ``read_graph(run_id)`` rebuild past graphs:
  ``(:RunChange {run, order, ...})``.

A write first reads every present item's digest (two queries, one record
each); items whose digest the store holds are not sent. The rest are batched
``UNWIND $rows ...`` statements grouped per label and per relationship type, each
batch one managed transaction (``execute_write``, which retries transient errors),
two at a time, built while the server writes the ones before. Into an empty store
nodes are simply created; otherwise each batch first reads which of its items
exist (in the same transaction), creates the rest and sets the changed ones by
element id. Edges find their ends by element id, checked against the end's
digest. Stale items carry ``_staleRun``, which present
ones lack: purge finds them through range indexes on it (one per relationship
type), which hold no entry for, and cost nothing to, present items. Stored
digests that no current item matched are the changed and the gone items.
A run that dies part way leaves written batches behind; they are logged under
that run, so earlier runs still read back as they were, and a rerun finds them
by id and creates no duplicates.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import chain
from pathlib import Path
from typing import Any, TypeVar

import neo4j
import networkx as nx
from neo4j.exceptions import AuthError, ClientError, DriverError, Neo4jError

from graph.collector import collector_paused
from graph.schema import PROP_LABEL, Label
from graph.stores.common import (
    EDGE_KEY,
    EDGE_RESERVED,
    NODE_RESERVED,
    TRIM_BATCH,
    Change,
    EdgeDigest,
    EdgeKey,
    EdgeRow,
    ItemState,
    NodeDigest,
    NodeKey,
    NodeRow,
    Outcome,
    RunRecord,
    ScopeReads,
    StoreAuthError,
    StoreError,
    StoreQueryError,
    StoreUrlError,
    WriteCounts,
    check_identifier,
    check_outcome,
    derive_last_seen,
    dumps,
    edge_digests,
    edge_row,
    edge_type_of,
    encode_props,
    findings_apart,
    has_url_password,
    iso_utc,
    make_run_id,
    node_digests,
    node_row,
    redact_url,
    replay_to,
    scope_of,
    scope_reads,
    stored_run,
    to_graph,
)
from graph.stores.lock import StateLock
from graph.stores.report_text import history_of, report_bytes

NODE_LABEL = "Tenantmap"
RUN_LABEL = "Run"
CHANGE_LABEL = "RunChange"
META_LABEL = "TenantmapMeta"
BATCH_SIZE = 10_000
READ_PAGE = 20_000
# Concurrent write transactions: two, so the server writes on both cores while the
# caller builds the next batches (100k nodes + 100k edges, first write: 18.7-29.7 s
# wall with one, 14.0-18.8 s with two, server CPU unchanged). Node batches never share
# a node, and edge batches come in graph order (a source's edges together), so two
# batches seldom lock the same node; a deadlock between them is a transient error
# that execute_write retries. (Before batches were built while the server worked, a
# second writer only doubled the server's CPU on a loaded machine.)
WRITERS = 2

_PUBLIC_FIELDS = {"id", "firstSeen", "lastSeen", "present"}
T = TypeVar("T")

_SCHEMA = (
    f"CREATE CONSTRAINT tenantmap_node_id IF NOT EXISTS FOR (n:{NODE_LABEL}) REQUIRE n.id IS UNIQUE",
    f"CREATE CONSTRAINT tenantmap_run_id IF NOT EXISTS FOR (r:{RUN_LABEL}) REQUIRE r.id IS UNIQUE",
    f"CREATE CONSTRAINT tenantmap_meta_name IF NOT EXISTS FOR (m:{META_LABEL}) "
    "REQUIRE m.name IS UNIQUE",
    # Stale items, for purge: a range index holds no entry for a node without the
    # property, so present nodes (all but a few) cost it nothing on write, unlike the
    # index on `present` that tenantmap 0.1 kept.
    f"CREATE INDEX tenantmap_node_stale IF NOT EXISTS FOR (n:{NODE_LABEL}) ON (n._staleRun)",
    "DROP INDEX tenantmap_node_present IF EXISTS",
    # Kept by tenantmap 0.1 for stale scans by scope; gone items are now found from the
    # digests, and every write paid for the index.
    "DROP INDEX tenantmap_node_scope IF EXISTS",
    f"CREATE INDEX tenantmap_run_seq IF NOT EXISTS FOR (r:{RUN_LABEL}) ON (r.seq)",
    f"CREATE INDEX tenantmap_change_run IF NOT EXISTS FOR (c:{CHANGE_LABEL}) ON (c.run)",
)


# A run the next one compares with (RunRecord.counts_as_previous), as Cypher on ``{run}``.
_COUNTS_AS_PREVIOUS = "{run}.outcome = 'completed' AND {run}.exitCode IN [0, 1]"
# What a listing of runs reads of a Run node (run_summaries): none of the values that grow
# with the estate, and no report
_SUMMARY_PROPERTIES = (
    ".id, .seq, .startedAt, .finishedAt, .outcome, .exitCode, .source, .inventorySha256, "
    ".seenAt, .trimmedAt"
)


class Neo4jStore:
    def __init__(
        self,
        url: str,
        *,
        state_dir: Path,
        database: str | None = None,
        retry_seconds: float = 30.0,
        batch_size: int = BATCH_SIZE,
        workers: int = WRITERS,
    ) -> None:
        # Only the redacted form is ever shown: messages land in logs, mails and tickets.
        self.url = redact_url(url)
        if has_url_password(url):
            raise StoreUrlError(
                f"store URL {self.url} carries a password: give the URL without it and set "
                "NEO4J_USERNAME and NEO4J_PASSWORD (a URL ends up in shell history and `ps`)"
            )
        self.workers = max(1, workers)
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        self.batch_size = batch_size
        self.last_write = WriteCounts()
        self._lock = StateLock(Path(state_dir))
        password = os.environ.get("NEO4J_PASSWORD")
        user = os.environ.get("NEO4J_USERNAME") or "neo4j"
        auth = (user, password) if password is not None else None
        try:
            self._driver = neo4j.GraphDatabase.driver(
                url,
                auth=auth,
                max_transaction_retry_time=retry_seconds,
                connection_timeout=15.0,
                connection_acquisition_timeout=60.0,
                # Hints such as "property key does not exist" on a fresh database are noise.
                notifications_min_severity="OFF",
            )
        except (ValueError, DriverError) as exc:
            raise StoreUrlError(
                f"store URL {self.url!r} is not a valid Neo4j URL: {redact_url(str(exc))}"
            ) from None
        try:
            self._driver.verify_connectivity()
            for statement in _SCHEMA:
                self._driver.execute_query(statement, database_=self.database)
            self._stale_indexed: set[str] = set()
            self._index_stale_edges(self._relationship_types())
        except AuthError:
            self._driver.close()
            raise StoreAuthError(
                f"Neo4j at {self.url} refused the credentials: set NEO4J_USERNAME and NEO4J_PASSWORD"
            ) from None
        except (Neo4jError, DriverError, OSError) as exc:
            self._driver.close()
            raise StoreError(
                f"cannot reach Neo4j at {self.url}: {_one_line(exc)}; check --store and that Neo4j "
                "is running"
            ) from None

    # --- plumbing --------------------------------------------------------------------

    def _relationship_types(self) -> list[str]:
        def work(tx: neo4j.ManagedTransaction) -> list[str]:
            result = _run(tx, "CALL db.relationshipTypes() YIELD relationshipType AS t RETURN t")
            return [str(record["t"]) for record in result]

        return self._read(work)

    def _index_stale_edges(self, edge_types: Iterable[str]) -> None:
        """An index on ``_staleRun`` per relationship type (Neo4j indexes relationship
        properties per type): purge finds stale edges through it instead of reading
        every relationship, and present edges, which lack the property, cost it
        nothing on write."""
        for edge_type in sorted(set(edge_types) - self._stale_indexed):
            check_identifier(edge_type, "relationship type")
            try:
                self._driver.execute_query(
                    f"CREATE INDEX `tenantmap_stale_{edge_type}` IF NOT EXISTS "
                    f"FOR ()-[r:`{edge_type}`]-() ON (r._staleRun)",
                    database_=self.database,
                )
            except (Neo4jError, DriverError, OSError) as exc:
                raise StoreError(
                    f"creating an index in Neo4j at {self.url} failed: {_one_line(exc)}"
                ) from None
            self._stale_indexed.add(edge_type)

    def _write(self, work: Callable[..., T], *args: Any) -> T:
        try:
            with self._driver.session(database=self.database) as session:
                return session.execute_write(work, *args)
        except (Neo4jError, DriverError, OSError) as exc:
            raise StoreError(f"writing to Neo4j at {self.url} failed: {_one_line(exc)}") from None

    def _read(self, work: Callable[..., T], *args: Any) -> T:
        try:
            with self._driver.session(database=self.database) as session:
                return session.execute_read(work, *args)
        except (Neo4jError, DriverError, OSError) as exc:
            raise StoreError(f"reading from Neo4j at {self.url} failed: {_one_line(exc)}") from None

    def _write_edge_batch(
        self,
        edge_type: str,
        rows: Sequence[EdgeRow],
        run: int,
        seen: str,
        new_nodes: frozenset[str],
        element_ids: dict[str, tuple[str, int]],
    ) -> None:
        try:
            self._write(_write_edges, edge_type, rows, run, seen, new_nodes, element_ids)
        except _EndsMoved:
            # An end's element id no longer names that node (deleted and its id reused
            # by another writer): redo the batch finding ends by their ids.
            self._write(_write_edges, edge_type, rows, run, seen, new_nodes, None)

    def _in_parallel(self, jobs: Iterable[tuple[Any, ...]]) -> list[Any]:
        """Run jobs (a callable and its arguments) a few at once, with a bounded
        number in flight; return their results (in no particular order).

        Node batches never overlap; edge batches may lock the same end nodes, and a
        deadlock between them is a transient error that execute_write retries.
        """
        results: list[Any] = []
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            pending: set[Future[Any]] = set()
            try:
                for work, *args in jobs:
                    pending.add(pool.submit(work, *args))
                    if len(pending) >= 2 * self.workers:
                        # One finished is enough to go on: the caller builds the next batch
                        # while the server still writes the other (waiting for all of them
                        # left the server idle while the next batches were built).
                        done, pending = wait(pending, return_when=FIRST_COMPLETED)
                        for future in done:
                            results.append(future.result())
                for future in pending:
                    results.append(future.result())
                return results
            except BaseException:
                for future in pending:
                    future.cancel()
                raise

    # --- lock ------------------------------------------------------------------------

    def acquire_lock(self) -> None:
        self._lock.acquire()

    def release_lock(self) -> None:
        self._lock.release()

    # --- runs ------------------------------------------------------------------------

    def begin_run(
        self, started_at: str, source: dict[str, Any], inventory_sha256: str | None
    ) -> str:
        def work(tx: neo4j.ManagedTransaction) -> str:
            record = _run(
                tx,
                f"MERGE (m:{META_LABEL} {{name: 'runs'}}) ON CREATE SET m.seq = 0 "
                "SET m.seq = m.seq + 1 RETURN m.seq AS seq",
            ).single(strict=True)
            seq = int(record["seq"])
            run_id = make_run_id(started_at, seq)
            _run(
                tx,
                f"CREATE (:{RUN_LABEL} {{id: $id, seq: $seq, startedAt: $started, "
                "source: $source, inventorySha256: $sha})",
                id=run_id,
                seq=seq,
                started=started_at,
                source=dumps(source),
                sha=inventory_sha256,
            ).consume()
            return run_id

        return self._write(work)

    def finish_run(
        self,
        run_id: str,
        *,
        finished_at: str,
        outcome: Outcome,
        exit_code: int,
        coverage: dict[str, Any],
        findings: list[dict[str, Any]],
        report: dict[str, Any] | None,
        crawl: dict[str, Any] | None = None,
    ) -> None:
        check_outcome(outcome)
        # Serialised once, outside the transaction function (which a retry runs again); the
        # findings are kept in the report alone (findings_apart; r.findings is then unset).
        # Decoded straight into a _Text (_run would copy a plain str into one).
        text = None if report is None else _Text(report_bytes(report), "utf-8")
        apart = findings_apart(findings, report)

        def work(tx: neo4j.ManagedTransaction) -> int:
            record = _run(
                tx,
                f"MATCH (r:{RUN_LABEL} {{id: $id}}) SET r.finishedAt = $finished, "
                "r.outcome = $outcome, r.exitCode = $exit, r.coverage = $coverage, "
                "r.findings = $findings, r.report = $report, r.crawl = $crawl "
                "RETURN count(r) AS n",
                id=run_id,
                finished=finished_at,
                outcome=outcome,
                exit=exit_code,
                coverage=dumps(coverage),
                findings=None if apart is None else dumps(apart),
                report=text,
                crawl=None if crawl is None else dumps(crawl),
            ).single(strict=True)
            return int(record["n"])

        if self._write(work) == 0:
            raise StoreError(f"no run {run_id!r} in Neo4j at {self.url}")

    def runs(self) -> list[RunRecord]:
        def work(tx: neo4j.ManagedTransaction) -> list[RunRecord]:
            result = _run(tx, f"MATCH (r:{RUN_LABEL}) RETURN properties(r) AS r ORDER BY r.seq")
            return [self._run_record(record["r"]) for record in result]

        return self._read(work)

    def run_summaries(self) -> list[RunRecord]:
        """Every run, in order, as runs() gives it but without its report, findings,
        coverage, crawl record and complete scopes (None or empty): what a listing of
        runs needs, and a small part of what runs() reads (a report alone is 122 MiB at
        1,000,000 resources)."""

        def work(tx: neo4j.ManagedTransaction) -> list[RunRecord]:
            result = _run(
                tx, f"MATCH (r:{RUN_LABEL}) RETURN r {{{_SUMMARY_PROPERTIES}}} AS r ORDER BY r.seq"
            )
            return [self._run_record(record["r"]) for record in result]

        return self._read(work)

    def run_by_id(self, run_id: str) -> RunRecord | None:
        """The run ``run_id`` as runs() gives it, or None when there is no such run."""

        def work(tx: neo4j.ManagedTransaction) -> RunRecord | None:
            record = _run(
                tx, f"MATCH (r:{RUN_LABEL} {{id: $id}}) RETURN properties(r) AS r", id=run_id
            ).single()
            return None if record is None else self._run_record(record["r"])

        return self._read(work)

    def holds_runs(self) -> bool:
        """Whether any run was ever begun here, without reading any run's report."""

        def work(tx: neo4j.ManagedTransaction) -> bool:
            record = _run(tx, f"MATCH (r:{RUN_LABEL}) RETURN count(r) > 0 AS held").single()
            return bool(record and record["held"])

        return self._read(work)

    def previous_run(
        self, *, history_only: bool = False, before_seq: int | None = None
    ) -> RunRecord | None:
        # history_only: the run's findings, coverage and crawl are not even sent.
        returned = (
            "r {.*, findings: null, coverage: null, crawl: null}"
            if history_only
            else "properties(r)"
        )
        before = "" if before_seq is None else " AND r.seq < $before"

        def work(tx: neo4j.ManagedTransaction) -> RunRecord | None:
            record = _run(
                tx,
                f"MATCH (r:{RUN_LABEL}) WHERE {_COUNTS_AS_PREVIOUS.format(run='r')}{before} "
                f"RETURN {returned} AS r ORDER BY r.seq DESC LIMIT 1",
                before=before_seq,
            ).single()
            if record is None:
                return None
            if not history_only:
                return self._run_record(record["r"])
            # Its report's text is indexed, not parsed (report_text.history_of).
            props = dict(record["r"])
            text = props.pop("report", None)
            run = self._run_record(props)
            where = f"run {run.id} in Neo4j at {self.url} cannot be read"
            return replace(run, report=history_of(text, where), findings=[])

        return self._read(work)

    def _run_record(self, props: dict[str, Any]) -> RunRecord:
        return stored_run(
            f"Neo4j at {self.url}",
            run_id=props["id"],
            seq=int(props["seq"]),
            started_at=props["startedAt"],
            finished_at=props.get("finishedAt"),
            outcome=props.get("outcome"),
            exit_code=props.get("exitCode"),
            source=props.get("source"),
            coverage=props.get("coverage"),
            inventory_sha256=props.get("inventorySha256"),
            findings=props.get("findings"),
            report=props.get("report"),
            seen_at=props.get("seenAt"),
            complete_scopes=tuple(props.get("completeScopes") or ()),
            crawl=props.get("crawl"),
            trimmed_at=props.get("trimmedAt"),
        )

    def _run_seq(self, run_id: str) -> tuple[int, str | None]:
        def work(tx: neo4j.ManagedTransaction) -> tuple[int, str | None] | None:
            record = _run(
                tx,
                f"MATCH (r:{RUN_LABEL} {{id: $id}}) RETURN r.seq AS seq, r.seenAt AS seen",
                id=run_id,
            ).single()
            return None if record is None else (int(record["seq"]), record["seen"])

        found = self._read(work)
        if found is None:
            raise StoreError(f"no run {run_id!r} in Neo4j at {self.url}")
        return found

    # --- graph -----------------------------------------------------------------------

    def write_graph(
        self,
        run_id: str,
        graph: nx.MultiDiGraph,
        *,
        complete_scopes: set[str],
        seen_at: str,
    ) -> None:
        """Send only what changed: items whose digest the store does not hold (new,
        changed, present again), a "still present" mark for items seen where the run
        did not read completely, and the gone ones. The run's seenAt and complete
        scopes are recorded last: only a finished write lets readers derive that the
        present items of those scopes were seen (common.derive_last_seen).

        Batches are built while the server writes the one before (a generator feeds
        the writer), so the client's work and the server's overlap."""
        with collector_paused(), ThreadPoolExecutor(max_workers=2) as reads:
            run, _ = self._run_seq(run_id)
            scopes = sorted({scope.lower() for scope in complete_scopes})
            complete = frozenset(scopes)
            # The store's digests are read (nodes and edges at once, on two server
            # threads) while this thread digests the graph: on a rewrite the reads and
            # the digesting took about as long, one after the other.
            node_reads = reads.submit(self._read, _read_node_digests)
            edge_reads = reads.submit(self._read, _read_edge_digests)
            current_nodes = _made_while(node_digests(graph), node_reads)
            stored_nodes, empty = node_reads.result()
            prior = scope_reads(self._read(_scope_runs))
            counts = WriteCounts()
            # Where each node now is, and its digest (the stored _hash every node holds
            # once this write is done): edges find their ends by element id, far cheaper
            # than two unique-index seeks on long ARM ids, checked against the digest,
            # as an element id is only certain within one transaction.
            ends: dict[str, tuple[str, int]] = {}
            digests: dict[str, int] = {}
            marks: list[str] = []

            def node_jobs() -> Iterator[tuple[Any, ...]]:
                creating: dict[str, list[dict[str, Any]]] = defaultdict(list)
                changing: list[NodeRow] = []
                for node in current_nodes:
                    ident, scope, item_digest, _ = node
                    element_id = stored_nodes.take(item_digest)
                    if element_id is not None:
                        ends[ident] = (element_id, item_digest)
                        if scope not in complete:
                            marks.append(element_id)
                        continue
                    # Written below: its end is known once its batch returns the element id.
                    digests[ident] = item_digest
                    counts.written += 1
                    if empty:
                        # Nothing stored: every node is created, its properties built here.
                        label, props = _new_node(node)
                        batch = creating[label]
                        batch.append(props)
                        if len(batch) >= self.batch_size:
                            yield self._write, _create_nodes, label, batch, run, seen_at
                            creating[label] = []
                        continue
                    changing.append(node_row(node))
                    if len(changing) >= self.batch_size:
                        yield self._write, _write_nodes, changing, run, seen_at, False
                        changing = []
                for label, batch in creating.items():
                    if batch:
                        yield self._write, _create_nodes, label, batch, run, seen_at
                if changing:
                    yield self._write, _write_nodes, changing, run, seen_at, False

            if empty:
                self._write(_record_born, run)
            created: set[str] = set()
            for ids, born in self._in_parallel(node_jobs()):
                for ident, element_id in ids.items():
                    ends[ident] = (element_id, digests[ident])
                created.update(born)
            digests.clear()
            # A node created just now has no relationships yet: edges at it are new.
            new_nodes = frozenset(created)
            del created
            edge_marks: list[str] = []
            indexed: set[str] = set()

            def edge_jobs() -> Iterator[tuple[Any, ...]]:
                creating: dict[str, list[list[Any]]] = defaultdict(list)
                creating_items: dict[str, list[EdgeDigest]] = defaultdict(list)
                changing: dict[str, list[EdgeRow]] = defaultdict(list)

                def creation(edge_type: str) -> tuple[Any, ...]:
                    """The job creating the edges of this type gathered so far."""
                    batch, items = creating.pop(edge_type), creating_items.pop(edge_type)
                    return self._create_edge_batch, edge_type, batch, items, run, seen_at, empty

                for edge in current_edges:
                    element_id = stored_edges.take(edge[4])
                    if element_id is not None:
                        if edge[3] not in complete:
                            edge_marks.append(element_id)
                        continue
                    counts.written += 1
                    edge_type = edge_type_of(edge)
                    if edge_type not in indexed:
                        self._index_stale_edges([check_identifier(edge_type, "relationship type")])
                        indexed.add(edge_type)
                    if edge[0] in new_nodes or edge[2] in new_nodes:
                        # An end created by this write: the edge cannot exist yet.
                        batch = creating[edge_type]
                        batch.append(_new_edge(edge, ends))
                        creating_items[edge_type].append(edge)
                        if len(batch) >= self.batch_size:
                            yield creation(edge_type)
                        continue
                    rows = changing[edge_type]
                    rows.append(edge_row(edge))
                    if len(rows) >= self.batch_size:
                        yield self._write_edge_batch, edge_type, rows, run, seen_at, new_nodes, ends
                        changing[edge_type] = []
                for edge_type in list(creating):
                    if creating[edge_type]:
                        yield creation(edge_type)
                for edge_type, rows in changing.items():
                    if rows:
                        yield self._write_edge_batch, edge_type, rows, run, seen_at, new_nodes, ends

            current_edges = _made_while(edge_digests(graph), edge_reads)
            stored_edges = edge_reads.result()
            self._in_parallel(edge_jobs())
            for work, eids in ((_mark_nodes_seen, marks), (_mark_edges_seen, edge_marks)):
                for start in range(0, len(eids), self.batch_size):
                    self._write(work, eids[start : start + self.batch_size], run, seen_at)
            counts.marked = len(marks) + len(edge_marks)
            ends.clear()
            # Stored items whose digest no current item has: changed (written above) or,
            # in a scope read completely, gone.
            if scopes:
                counts.stale = self._mark_gone(
                    graph, stored_nodes, stored_edges, complete, prior, run
                )

            def record_run(tx: neo4j.ManagedTransaction) -> None:
                _run(
                    tx,
                    f"MATCH (r:{RUN_LABEL} {{seq: $run}}) SET r.seenAt = $seen, "
                    "r.completeScopes = $scopes",
                    run=run,
                    seen=seen_at,
                    scopes=scopes,
                ).consume()

            self._write(record_run)
            self.last_write = counts

    def _create_edge_batch(
        self,
        edge_type: str,
        rows: list[list[Any]],
        items: list[EdgeDigest],
        run: int,
        seen: str,
        into_empty: bool,
    ) -> None:
        try:
            self._write(_create_edges, edge_type, rows, run, seen, into_empty)
        except _EndsMoved:
            # An end's element id no longer names that node (deleted and its id reused
            # by another writer): write the batch finding ends by their ids.
            self._write(_write_edges, edge_type, [edge_row(item) for item in items], run, seen)

    def _mark_gone(
        self,
        graph: nx.MultiDiGraph,
        stored_nodes: _Digests,
        stored_edges: _Digests,
        complete: frozenset[str],
        prior: ScopeReads,
        run: int,
    ) -> int:
        gone = 0
        for work, leftover, present in (
            (_gone_nodes, stored_nodes.leftover(), lambda item: graph.has_node(item[0])),
            (
                _gone_edges,
                stored_edges.leftover(),
                lambda item: graph.has_edge(item[0], item[2], item[1]),
            ),
        ):
            for start in range(0, len(leftover), self.batch_size):
                gone += self._write(
                    work, leftover[start : start + self.batch_size], present, complete, prior, run
                )
        return gone

    def read_graph(self, run_id: str | None = None, include_stale: bool = False) -> nx.MultiDiGraph:
        with collector_paused():
            target: tuple[int, str | None] | None = None
            if run_id is not None:
                target = self._run_seq(run_id)
            nodes, edges, changes, oldest, runs = self._read(_read_everything, target)
            if target is not None:
                seq, seen_at = target
                if oldest is not None and seq < oldest:
                    raise StoreError(
                        f"run {run_id} is older than the retention period: its graph is no "
                        "longer kept"
                    )
                replay_to(nodes, edges, changes, seq, seen_at)
            reads = scope_reads(runs, upto=None if target is None else target[0])
            derive_last_seen(nodes.values(), reads)
            derive_last_seen(edges.values(), reads)
            return to_graph(nodes, edges, include_stale)

    def purge(self, retention_days: int, *, now: datetime | None = None) -> int:
        """Delete items stale for longer than ``retention_days``, in bounded batches, and
        the report, findings, coverage and crawl record of the runs that started before
        then (_trim_runs)."""
        moment = now or datetime.now(UTC)
        cutoff = moment - timedelta(days=retention_days)
        cutoff_text = iso_utc(cutoff)
        limit = self.batch_size

        def delete_stale(match: str, delete: str) -> Callable[[neo4j.ManagedTransaction], int]:
            def work(tx: neo4j.ManagedTransaction) -> int:
                record = _run(
                    tx,
                    f"{match} AND x.lastSeen < $cutoff WITH x LIMIT $limit "
                    f"{delete} x RETURN count(*) AS n",
                    cutoff=cutoff_text,
                    limit=limit,
                ).single(strict=True)
                return int(record["n"])

            return work

        # Stale items carry _staleRun (present ones lack it): found through the stale
        # indexes, so a store with nothing stale costs one empty seek per index.
        deletes = [
            delete_stale(
                f"MATCH (x:{NODE_LABEL}) WHERE x._staleRun IS NOT NULL AND x.present = false",
                "DETACH DELETE",
            )
        ]
        edge_types = self._relationship_types()
        self._index_stale_edges(edge_types)
        deletes += [
            delete_stale(
                # only tenantmap marks relationships stale: no need to check the ends
                f"MATCH ()-[x:`{edge_type}`]->() WHERE x._staleRun IS NOT NULL "
                "AND x.present = false",
                "DELETE",
            )
            for edge_type in edge_types
        ]

        def prune_changes(tx: neo4j.ManagedTransaction) -> int:
            record = _run(
                tx,
                f"MATCH (r:{RUN_LABEL}) WHERE r.startedAt < $cutoff RETURN max(r.seq) AS last",
                cutoff=cutoff_text,
            ).single(strict=True)
            last = record["last"]
            if last is None:
                return 0
            _run(
                tx,
                f"MERGE (m:{META_LABEL} {{name: 'history'}}) SET m.oldestReadableRun = $last",
                last=last,
            ).consume()
            deleted = _run(
                tx,
                f"MATCH (c:{CHANGE_LABEL}) WHERE c.run <= $last WITH c LIMIT $limit "
                "DELETE c RETURN count(*) AS n",
                last=last,
                limit=limit,
            ).single(strict=True)
            return int(deleted["n"])

        deleted = 0
        for work in deletes:
            while True:
                count = self._write(work)
                deleted += count
                if count < limit:
                    break
        while self._write(prune_changes) >= limit:
            pass
        self._trim_runs(cutoff_text, iso_utc(moment))
        return deleted

    def _trim_runs(self, cutoff: str, trimmed_at: str) -> int:
        """Remove the report, findings, coverage and crawl record of every finished run
        that started before ``cutoff``, but the previous run (the next night compares
        with it however old it is), TRIM_BATCH runs per transaction; the Run nodes stay,
        so the history of which runs happened does. Neo4j reuses the freed records for
        later writes. Returns how many runs were trimmed."""

        def work(tx: neo4j.ManagedTransaction) -> int:
            record = _run(
                tx,
                f"MATCH (p:{RUN_LABEL}) WHERE {_COUNTS_AS_PREVIOUS.format(run='p')} "
                f"WITH max(p.seq) AS keep MATCH (r:{RUN_LABEL}) WHERE r.startedAt < $cutoff "
                "AND r.outcome IS NOT NULL AND r.trimmedAt IS NULL AND r.seq <> coalesce(keep, -1) "
                "WITH r ORDER BY r.seq LIMIT $limit "
                "SET r.trimmedAt = $at REMOVE r.report, r.findings, r.coverage, r.crawl "
                "RETURN count(r) AS n",
                cutoff=cutoff,
                at=trimmed_at,
                limit=TRIM_BATCH,
            ).single(strict=True)
            return int(record["n"])

        trimmed = 0
        while True:
            count = self._write(work)
            trimmed += count
            if count < TRIM_BATCH:
                return trimmed

    def cypher(self, query: str, parameters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a user's Cypher in a read transaction (writes are refused) and return the
        rows as dicts (nodes and relationships as their property maps)."""

        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(query, parameters or {})]

        try:
            with self._driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            ) as session:
                return session.execute_read(work)
        except ClientError as exc:
            raise StoreQueryError(f"Neo4j refused the query: {_one_line(exc)}") from None
        except (Neo4jError, DriverError, OSError) as exc:
            raise StoreError(f"reading from Neo4j at {self.url} failed: {_one_line(exc)}") from None

    def close(self) -> None:
        self._lock.release()
        self._driver.close()


# --- transaction functions (each may be retried whole by execute_write) -----------------


class _Batch(list[Any]):
    """A statement's list parameter, packed as any list. Its repr is short because the
    driver (neo4j 6.4, Bolt5x5.run) formats every RUN's parameters for a debug log line
    before the logger decides to drop it: a 10,000-node batch's repr took 26 ms and
    5 MB, about 2 s of a 500k + 500k first write's client CPU, on the core the server
    needs. A debug log shows the row count instead of the rows, which may also hold
    what an estate's names reveal."""

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


class _Text(str):
    """A run's large text parameter (its report, crawl record, findings), sent as any
    string, with a short repr for the same reason as _Batch: a 1,000,000-resource
    report is about 100 MB, and the driver's repr and join of it took 0.28 s and about
    200 MB more memory at the end of the night."""

    def __repr__(self) -> str:
        return f"<{len(self)} characters>"


# Text parameters longer than this go as _Text: a run's report, crawl record, findings.
_LONG_TEXT = 4096


def _run(tx: neo4j.ManagedTransaction, query: str, **parameters: Any) -> neo4j.Result:
    """``tx.run`` with every list parameter a _Batch and every long text a _Text, so no
    statement pays for the driver's debug line (a str subclass, already a _Text, is
    passed as it is: making one copies the text)."""
    return tx.run(query, {name: _quiet(value) for name, value in parameters.items()})


def _quiet(value: Any) -> Any:
    if type(value) is list:
        return _Batch(value)
    if type(value) is str and len(value) > _LONG_TEXT:
        return _Text(value)
    return value


def _new_node(node: NodeDigest) -> tuple[str, dict[str, Any]]:
    """A node's label and the properties it is created with that differ per node; the
    bookkeeping every node of the write shares (_create_nodes) goes once per batch as
    a parameter. Built straight from the graph's attributes (no NodeRow): this runs
    once per node of a first write."""
    ident, _, item_digest, attrs = node
    props = encode_props(attrs, NODE_RESERVED)
    props["id"] = ident
    props["_hash"] = item_digest
    return str(attrs.get(PROP_LABEL) or Label.RESOURCE), props


# What every item created by a write shares, set from the statement's parameters: a row
# carries only its own properties, so neither the client packs nor the server decodes the
# same four values per row (100k nodes + 100k edges, first write: client CPU 3.8-4.4 ->
# 2.9-3.3 s, server CPU 12.3-12.9 -> 10.0-10.8 s).
_BORN = (
    "SET {0} = {1}, {0}.firstSeen = $seen, {0}.lastSeen = $seen, "
    "{0}._firstRun = $run, {0}._lastRun = $run"
)
# Items created by the first write into an empty store carry no run numbers: the store
# records that run once (_record_born) and an item without ``_firstRun``/``_lastRun``
# reads as created and last written by it (_state). Every later write of an item sets
# them (500k nodes + 500k edges, first write, 3 alternated rounds: 28.9-33.0 s with
# them, 23.9-25.9 s without; server CPU 39-45 s against 31-35 s).
_BORN_INTO_EMPTY = "SET {0} = {1}, {0}.firstSeen = $seen, {0}.lastSeen = $seen"
# Where the run whose items carry no run numbers is recorded.
_BORN_META = "born"


def _create_nodes(
    tx: neo4j.ManagedTransaction, label: str, rows: list[dict[str, Any]], run: int, seen: str
) -> tuple[dict[str, str], list[str]]:
    """Create one batch of nodes (_new_node) in a store that held none when the write
    began (so none is looked up; the id constraint would still refuse a duplicate),
    without run numbers (_BORN_INTO_EMPTY); return their element ids and their ids."""
    check_identifier(label, "label")
    element_ids = _run(
        tx,
        f"UNWIND $rows AS row CREATE (n:{NODE_LABEL}:`{label}`) "
        f"{_BORN_INTO_EMPTY.format('n', 'row')} "
        "RETURN collect(elementId(n)) AS made",
        rows=rows,
        run=run,
        seen=seen,
    ).single(strict=True)["made"]
    if len(element_ids) != len(rows):
        raise StoreError(f"Neo4j created {len(element_ids)} of {len(rows)} {label} nodes")
    # In the order of the rows: UNWIND feeds CREATE and collect one row at a time. Were
    # it not so, the edges' digest check (_create_edges) would catch it.
    ids = [row["id"] for row in rows]
    return dict(zip(ids, element_ids, strict=True)), ids


def _write_nodes(
    tx: neo4j.ManagedTransaction, rows: Sequence[NodeRow], run: int, seen: str, empty: bool
) -> tuple[dict[str, str], list[str]]:
    """Write one batch of nodes; return each node's element id, and the ids of those
    created (none existed before). ``empty``: the store held no node when the write
    began, so none of these exists and none is looked up (a duplicate would still be
    refused by the id constraint)."""
    hashes = {row.id: row.digest for row in rows}
    existing: dict[str, tuple[str | None, bool | None]] = {}
    element_ids: dict[str, str] = {}
    # One record holding a list: far less driver work per row than one record per row.
    found = (
        []
        if empty
        else _run(
            tx,
            f"UNWIND $ids AS id MATCH (n:{NODE_LABEL} {{id: id}}) "
            "RETURN collect([n.id, n._hash, coalesce(n.present, true), elementId(n)]) AS found",
            ids=list(hashes),
        ).single(strict=True)["found"]
    )
    for node, node_hash, present, element_id in found:
        existing[node] = (node_hash, present)
        element_ids[node] = element_id
    changed = [
        row for row in rows if row.id not in existing or existing[row.id] != (hashes[row.id], True)
    ]
    # Seen again, nothing changed: only the timestamps move (found by element id, the
    # cheapest lookup, valid within this transaction).
    unchanged = [
        element_ids[row.id]
        for row in rows
        if row.id in existing and existing[row.id] == (hashes[row.id], True)
    ]
    created_ids: list[str] = []
    if changed:
        befores = _node_states(tx, [row.id for row in changed if row.id in existing])
        _log_changes(
            tx,
            run,
            [
                {"node": row.id, "before": befores[row.id]}
                for row in changed
                if row.id in befores and _differs(befores[row.id], row.label, row.props)
            ],
        )
        created: dict[str, list[dict[str, Any]]] = defaultdict(list)
        updated: dict[str, list[dict[str, Any]]] = defaultdict(list)
        relabel: dict[str, list[str]] = defaultdict(list)
        for row in changed:
            label = check_identifier(row.label, "label")
            before = befores.get(row.id)
            # Every stored property in one map: one SET replaces them all.
            stored = dict(row.props)
            stored.update(
                id=row.id,
                firstSeen=seen if before is None else before.first_seen or seen,
                _firstRun=run if before is None else before.first_run or run,
                lastSeen=seen,
                _lastRun=run,
                _hash=hashes[row.id],
            )
            if row.id in element_ids:
                updated[label].append({"eid": element_ids[row.id], "all": stored})
                if before is not None and before.kind != label:
                    relabel[check_identifier(before.kind, "label")].append(element_ids[row.id])
            else:
                created[label].append(stored)
                created_ids.append(row.id)
        for old_label, eids in relabel.items():
            _run(
                tx,
                f"UNWIND $eids AS eid MATCH (n) WHERE elementId(n) = eid REMOVE n:`{old_label}`",
                eids=eids,
            ).consume()
        for label, batch in updated.items():
            _run(
                tx,
                "UNWIND $rows AS row MATCH (n) WHERE elementId(n) = row.eid "
                f"SET n = row.all SET n:`{label}`",
                rows=batch,
            ).consume()
        for label, batch in created.items():
            # CREATE, not MERGE: the pre-read in this transaction found none of these ids
            # (batches never share a node, and the state lock keeps other writers out;
            # the id constraint would refuse a duplicate anyway). A node is born with
            # both labels and every property.
            born = _run(
                tx,
                "UNWIND range(0, size($rows) - 1) AS i WITH i, $rows[i] AS row "
                f"CREATE (n:{NODE_LABEL}:`{label}`) SET n = row "
                "RETURN collect([i, elementId(n)]) AS born",
                rows=batch,
            ).single(strict=True)["born"]
            for i, element_id in born:
                element_ids[batch[i]["id"]] = element_id
    if unchanged:
        _run(
            tx,
            "UNWIND $eids AS eid MATCH (n) WHERE elementId(n) = eid "
            "SET n.lastSeen = $seen, n._lastRun = $run",
            eids=unchanged,
            seen=seen,
            run=run,
        ).consume()
    return element_ids, created_ids


def _new_edge(edge: EdgeDigest, ends: dict[str, tuple[str, int]]) -> list[Any]:
    """An edge to create (_create_edges): its ends' element ids and digests and the
    properties that differ per edge, as a list (no keys to send per row), built
    straight from the graph's attributes (no EdgeRow): this runs once per edge of a
    first write."""
    source, key, target, _, item_digest, attrs = edge
    props = encode_props(attrs, EDGE_RESERVED)
    props[EDGE_KEY] = key
    props["_hash"] = item_digest
    a, b = ends[source], ends[target]
    return [a[0], a[1], b[0], b[1], props]


def _create_edges(
    tx: neo4j.ManagedTransaction,
    edge_type: str,
    rows: list[list[Any]],
    run: int,
    seen: str,
    into_empty: bool,
) -> None:
    """Create one batch of edges (_new_edge) at least one of whose ends this write
    created (so none exists yet), finding the ends by element id checked against their
    digest; raise _EndsMoved (rolling the batch back) if an element id names another
    node. ``into_empty``: the write began on an empty store, whose items are created
    without run numbers (_BORN_INTO_EMPTY)."""
    born = _BORN_INTO_EMPTY if into_empty else _BORN
    made = _run(
        tx,
        "UNWIND $rows AS row "
        "MATCH (a) WHERE elementId(a) = row[0] AND a._hash = row[1] "
        "MATCH (b) WHERE elementId(b) = row[2] AND b._hash = row[3] "
        f"CREATE (a)-[r:`{edge_type}`]->(b) {born.format('r', 'row[4]')} "
        "RETURN count(r) AS made",
        rows=rows,
        run=run,
        seen=seen,
    ).single(strict=True)["made"]
    if made != len(rows):
        raise _EndsMoved()


def _write_edges(
    tx: neo4j.ManagedTransaction,
    edge_type: str,
    rows: Sequence[EdgeRow],
    run: int,
    seen: str,
    new_nodes: frozenset[str] = frozenset(),
    element_ids: dict[str, tuple[str, int]] | None = None,
) -> None:
    """Write one batch of edges of one type. ``new_nodes`` are ids created by this
    write: an edge at one of them cannot exist yet, so it is not looked up.
    ``element_ids`` (node id to element id and digest, from this write) lets the
    ends be found by element id; a node there no longer holding that digest raises
    _EndsMoved, and the caller redoes the batch without them."""
    keyed: list[dict[str, Any]] = [
        {
            "source": row.source,
            "key": row.key,
            "target": row.target,
            "props": row.props,
            "scope": row.scope,
            "hash": row.digest,
        }
        for row in rows
    ]
    existing: dict[EdgeKey, tuple[str | None, bool | None, str]] = {}
    lookups = [
        _ends(r, element_ids)
        for r in keyed
        if r["source"] not in new_nodes and r["target"] not in new_nodes
    ]
    found = (
        []
        if not lookups
        else _run(
            tx,
            # Both ends first, then (in a subquery, so the planner cannot fold it into one
            # pattern walked from the denser end) Expand(Into), which starts from the end
            # with fewer relationships: a subscription's 100,000 CONTAINS edges are not
            # walked once per row.
            f"UNWIND $rows AS row {_match_ends(element_ids)} "
            f"CALL (row, a, b) {{ MATCH (a)-[r:`{edge_type}`]->(b) WHERE r.key = row.key RETURN r }} "
            "RETURN collect([row.source, row.key, row.target, r._hash, coalesce(r.present, true), "
            "elementId(r)]) "
            "AS found",
            rows=lookups,
        ).single(strict=True)["found"]
    )
    for source, key, target, edge_hash, present, element_id in found:
        existing[(source, key, target)] = (edge_hash, present, element_id)
    changed: list[dict[str, Any]] = []
    unchanged: list[str] = []
    for row in keyed:
        ident = (row["source"], row["key"], row["target"])
        found = existing.get(ident)
        if found is not None and found[:2] == (row["hash"], True):
            unchanged.append(found[2])
        else:
            changed.append(row)
    if changed:
        keyed_by = {(r["source"], r["key"], r["target"]): r for r in changed}
        befores = _edge_states(
            tx,
            edge_type,
            [
                {"source": r["source"], "key": r["key"], "target": r["target"]}
                for r in changed
                if (r["source"], r["key"], r["target"]) in existing
            ],
        )
        _log_changes(
            tx,
            run,
            [
                {"source": ident[0], "key": ident[1], "target": ident[2], "before": before}
                for ident, before in befores.items()
                if _differs(before, edge_type, keyed_by[ident]["props"])
            ],
        )
        created: list[dict[str, Any]] = []
        updated: list[dict[str, Any]] = []
        for row in changed:
            ident = (row["source"], row["key"], row["target"])
            before = befores.get(ident)
            stored = dict(row["props"])
            stored.update(
                key=row["key"],
                firstSeen=seen if before is None else before.first_seen or seen,
                _firstRun=run if before is None else before.first_run or run,
                lastSeen=seen,
                _lastRun=run,
                _hash=row["hash"],
            )
            if ident in existing:
                updated.append({"eid": existing[ident][2], "all": stored})
            else:
                ends = _ends(row, element_ids)
                ends["props"] = stored
                created.append(ends)
        if updated:
            _run(
                tx,
                "UNWIND $rows AS row MATCH ()-[r]->() WHERE elementId(r) = row.eid SET r = row.all",
                rows=updated,
            ).consume()
        if created:
            # CREATE, not MERGE: the pre-read in this transaction (or a new end node)
            # shows none of these exists, and no other batch holds the same edge.
            made = _run(
                tx,
                f"UNWIND $rows AS row {_match_ends(element_ids)} "
                f"CREATE (a)-[r:`{edge_type}`]->(b) SET r = row.props RETURN count(r) AS made",
                rows=created,
            ).single(strict=True)["made"]
            if element_ids is not None and made != len(created):
                raise _EndsMoved()
    if unchanged:
        _run(
            tx,
            "UNWIND $eids AS eid MATCH ()-[r]->() WHERE elementId(r) = eid "
            "SET r.lastSeen = $seen, r._lastRun = $run",
            eids=unchanged,
            seen=seen,
            run=run,
        ).consume()


class _EndsMoved(Exception):
    """An element id from this write's node batches no longer names the same node."""


def _ends(row: dict[str, Any], element_ids: dict[str, tuple[str, int]] | None) -> dict[str, Any]:
    ends = {"source": row["source"], "key": row["key"], "target": row["target"]}
    if element_ids is not None:
        ends["a"], ends["ah"] = element_ids[row["source"]]
        ends["b"], ends["bh"] = element_ids[row["target"]]
    return ends


def _match_ends(element_ids: dict[str, tuple[str, int]] | None) -> str:
    """Cypher binding ``a`` and ``b`` to a row's ends: by element id (checked against
    the node's digest, an integer read far more cheaply than its long id) when known,
    else through the id constraint's index."""
    if element_ids is None:
        return (
            f"MATCH (a:{NODE_LABEL} {{id: row.source}}) MATCH (b:{NODE_LABEL} {{id: row.target}})"
        )
    return (
        "MATCH (a) WHERE elementId(a) = row.a AND a._hash = row.ah "
        "MATCH (b) WHERE elementId(b) = row.b AND b._hash = row.bh"
    )


class _Digests:
    """The store's present items by digest: ``take`` the one a current item matches;
    what is left over was changed or is gone. Digests that are not integers (written
    by an earlier tenantmap) or not unique never match."""

    def __init__(self, pairs: list[list[Any]]) -> None:
        self._by_digest: dict[Any, str] = dict(pairs)
        self._extra: list[str] = []
        if len(self._by_digest) != len(pairs):
            self._by_digest = {}
            for item_digest, element_id in pairs:
                if item_digest is None or item_digest in self._by_digest:
                    self._extra.append(element_id)
                else:
                    self._by_digest[item_digest] = element_id

    def take(self, item_digest: int) -> str | None:
        return self._by_digest.pop(item_digest, None)

    def leftover(self) -> list[str]:
        return [*self._by_digest.values(), *self._extra]


def _read_node_digests(tx: neo4j.ManagedTransaction) -> tuple[_Digests, bool]:
    """Every present node's digest and element id, as one record holding a list (far
    less driver work than a record per item), and whether the store holds no node at
    all (from the count store: no scan)."""
    empty = _run(tx, f"MATCH (n:{NODE_LABEL}) RETURN count(n) = 0 AS empty").single(strict=True)[
        "empty"
    ]
    nodes = _run(
        tx,
        f"MATCH (n:{NODE_LABEL}) WHERE coalesce(n.present, true) "
        "RETURN collect([n._hash, elementId(n)]) AS items",
    ).single(strict=True)["items"]
    return _Digests(nodes), bool(empty)


def _read_edge_digests(tx: neo4j.ManagedTransaction) -> _Digests:
    """Every present edge's digest and element id, as one record holding a list."""
    edges = _run(
        tx,
        f"MATCH (:{NODE_LABEL})-[r]->() WHERE coalesce(r.present, true) "
        "RETURN collect([r._hash, elementId(r)]) AS items",
    ).single(strict=True)["items"]
    return _Digests(edges)


def _made_while(items: Iterator[T], future: Future[Any]) -> Iterator[T]:
    """``items``, those ready when ``future`` is done made ahead (and kept): the
    caller's work overlaps the server's until the future's result is needed."""
    ahead: list[T] = []
    for item in items:
        ahead.append(item)
        if len(ahead) % 1024 == 0 and future.done():
            break
    return chain(ahead, items)


def _scope_runs(tx: neo4j.ManagedTransaction) -> list[tuple[int, str | None, list[str] | None]]:
    """(seq, seenAt, completeScopes) of every run whose graph write finished."""
    return [
        (int(record["seq"]), record["seen"], record["scopes"])
        for record in _run(
            tx,
            f"MATCH (r:{RUN_LABEL}) WHERE r.completeScopes IS NOT NULL "
            "RETURN r.seq AS seq, r.seenAt AS seen, r.completeScopes AS scopes",
        )
    ]


def _mark_nodes_seen(tx: neo4j.ManagedTransaction, eids: list[str], run: int, seen: str) -> None:
    _run(
        tx,
        "UNWIND $eids AS eid MATCH (n) WHERE elementId(n) = eid "
        "SET n.lastSeen = $seen, n._lastRun = $run",
        eids=eids,
        seen=seen,
        run=run,
    ).consume()


def _mark_edges_seen(tx: neo4j.ManagedTransaction, eids: list[str], run: int, seen: str) -> None:
    _run(
        tx,
        "UNWIND $eids AS eid MATCH ()-[r]->() WHERE elementId(r) = eid "
        "SET r.lastSeen = $seen, r._lastRun = $run",
        eids=eids,
        seen=seen,
        run=run,
    ).consume()


def _gone_nodes(
    tx: neo4j.ManagedTransaction,
    eids: list[str],
    in_graph: Callable[[tuple[str, ...]], bool],
    complete: frozenset[str],
    prior: ScopeReads,
    run: int,
) -> int:
    born = _born_run(tx)
    records = _run(
        tx,
        f"UNWIND $eids AS eid MATCH (n:{NODE_LABEL}) WHERE elementId(n) = eid "
        "AND coalesce(n.present, true) RETURN eid, n.id AS id, labels(n) AS labels, "
        "properties(n) AS props",
        eids=eids,
    )
    gone = [
        (
            record["eid"],
            {"node": record["id"]},
            _state(_kind_of(record["labels"]), record["props"], born=born),
        )
        for record in records
        if not in_graph((record["id"],)) and scope_of(record["props"]) in complete
    ]
    return _set_stale(tx, "MATCH (x) WHERE elementId(x) = row.eid", gone, prior, run)


def _gone_edges(
    tx: neo4j.ManagedTransaction,
    eids: list[str],
    in_graph: Callable[[tuple[str, ...]], bool],
    complete: frozenset[str],
    prior: ScopeReads,
    run: int,
) -> int:
    born = _born_run(tx)
    records = _run(
        tx,
        f"UNWIND $eids AS eid MATCH (a:{NODE_LABEL})-[r]->(b:{NODE_LABEL}) "
        "WHERE elementId(r) = eid AND coalesce(r.present, true) "
        "RETURN eid, a.id AS source, r.key AS key, b.id AS target, type(r) AS type, "
        "properties(r) AS props, a.subscriptionId AS sub, a.tenantId AS tenant",
        eids=eids,
    )
    gone = [
        (
            record["eid"],
            {"source": record["source"], "key": record["key"], "target": record["target"]},
            _state(
                record["type"],
                record["props"],
                born=born,
                edge=True,
                source={"subscriptionId": record["sub"], "tenantId": record["tenant"]},
            ),
        )
        for record in records
        if not in_graph((record["source"], record["key"], record["target"]))
        and _edge_scope(
            record["props"], {"subscriptionId": record["sub"], "tenantId": record["tenant"]}
        )
        in complete
    ]
    return _set_stale(tx, "MATCH ()-[x]->() WHERE elementId(x) = row.eid", gone, prior, run)


def _set_stale(
    tx: neo4j.ManagedTransaction,
    match: str,
    gone: list[tuple[str, dict[str, Any], ItemState]],
    prior: ScopeReads,
    run: int,
) -> int:
    """Log and mark stale the gone items (element id, change-log key, state). Their
    lastSeen may be derived (the latest complete read of their scope before this
    run): it is made explicit, as stale items derive nothing."""
    if not gone:
        return 0
    _log_changes(tx, run, [{**key, "before": before} for _, key, before in gone])
    rows = []
    for element_id, _, before in gone:
        after = replace(before)
        derive_last_seen([after], prior)
        rows.append({"eid": element_id, "lastRun": after.last_run, "lastSeen": after.last_seen})
    _run(
        tx,
        f"UNWIND $rows AS row {match} SET x.present = false, x._staleRun = $run, "
        "x.lastSeen = row.lastSeen, x._lastRun = row.lastRun",
        rows=rows,
        run=run,
    ).consume()
    return len(rows)


def _differs(before: ItemState, kind: str, props: dict[str, object]) -> bool:
    """A change worth logging: kind, properties or presence (not only the digest's
    format or the scope)."""
    return not before.present or before.kind != kind or before.props != props


def _node_states(tx: neo4j.ManagedTransaction, ids: list[str]) -> dict[NodeKey, ItemState]:
    if not ids:
        return {}
    born = _born_run(tx)
    return {
        record["id"]: _state(_kind_of(record["labels"]), record["props"], born=born)
        for record in _run(
            tx,
            f"UNWIND $ids AS id MATCH (n:{NODE_LABEL} {{id: id}}) "
            "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props",
            ids=ids,
        )
    }


def _edge_states(
    tx: neo4j.ManagedTransaction, edge_type: str, keys: list[dict[str, str]]
) -> dict[EdgeKey, ItemState]:
    if not keys:
        return {}
    born = _born_run(tx)
    return {
        (record["source"], record["key"], record["target"]): _state(
            edge_type,
            record["props"],
            born=born,
            edge=True,
            source={"subscriptionId": record["sub"], "tenantId": record["tenant"]},
        )
        for record in _run(
            tx,
            f"UNWIND $rows AS row MATCH (a:{NODE_LABEL} {{id: row.source}}) "
            f"MATCH (b:{NODE_LABEL} {{id: row.target}}) "
            f"CALL (row, a, b) {{ MATCH (a)-[r:`{edge_type}`]->(b) WHERE r.key = row.key "
            "RETURN r } "
            "RETURN row.source AS source, row.key AS key, row.target AS target, "
            "properties(r) AS props, a.subscriptionId AS sub, a.tenantId AS tenant",
            rows=keys,
        )
    }


def _log_changes(tx: neo4j.ManagedTransaction, run: int, entries: list[dict[str, Any]]) -> None:
    if not entries:
        return
    base = time.time_ns()
    rows = []
    for offset, entry in enumerate(entries):
        before = entry.pop("before")
        entry["order"] = base + offset
        entry["before"] = None if before is None else before.to_json()
        rows.append(entry)
    _run(
        tx,
        f"UNWIND $rows AS row CREATE (c:{CHANGE_LABEL}) SET c = row, c.run = $run",
        rows=rows,
        run=run,
    ).consume()


def _read_everything(
    tx: neo4j.ManagedTransaction, target: tuple[int, str | None] | None
) -> tuple[
    dict[NodeKey, ItemState],
    dict[EdgeKey, ItemState],
    list[Change],
    int | None,
    list[tuple[int, str | None, list[str] | None]],
]:
    # Read in pages of nodes (by id, through the unique index), each page one record
    # holding a list: per-record driver overhead dominated reading a large graph.
    nodes: dict[NodeKey, ItemState] = {}
    edges: dict[EdgeKey, ItemState] = {}
    born = _born_run(tx)
    after = ""
    while True:
        page = _run(
            tx,
            f"MATCH (n:{NODE_LABEL}) WHERE n.id > $after WITH n ORDER BY n.id LIMIT $limit "
            "RETURN collect([n.id, labels(n), properties(n)]) AS nodes, max(n.id) AS last",
            after=after,
            limit=READ_PAGE,
        ).single(strict=True)
        if not page["nodes"]:
            break
        page_props: dict[str, dict[str, Any]] = {}
        for node, labels, props in page["nodes"]:
            nodes[node] = _state(_kind_of(labels), props, born=born)
            page_props[node] = props
        for source, key, end, edge_type, props in _run(
            tx,
            f"MATCH (a:{NODE_LABEL}) WHERE $after < a.id <= $last "
            f"MATCH (a)-[r]->(b:{NODE_LABEL}) "
            "RETURN collect([a.id, r.key, b.id, type(r), properties(r)]) AS edges",
            after=after,
            last=page["last"],
        ).single(strict=True)["edges"]:
            edges[(source, key, end)] = _state(
                edge_type, props, born=born, edge=True, source=page_props[source]
            )
        after = page["last"]
    changes: list[Change] = []
    oldest: int | None = None
    if target is not None:
        for record in _run(
            tx,
            f"MATCH (c:{CHANGE_LABEL}) WHERE c.run > $seq RETURN properties(c) AS c",
            seq=target[0],
        ):
            c = record["c"]
            changes.append(
                Change(
                    run=int(c["run"]),
                    order=int(c["order"]),
                    node=c.get("node"),
                    edge=None
                    if c.get("node") is not None
                    else (c["source"], c["key"], c["target"]),
                    before=None if c.get("before") is None else ItemState.from_json(c["before"]),
                )
            )
        meta = _run(
            tx, f"MATCH (m:{META_LABEL} {{name: 'history'}}) RETURN m.oldestReadableRun AS oldest"
        ).single()
        if meta is not None and meta["oldest"] is not None:
            oldest = int(meta["oldest"])
    return nodes, edges, changes, oldest, _scope_runs(tx)


def _kind_of(labels: list[str]) -> str:
    for label in labels:
        if label != NODE_LABEL:
            return label
    return NODE_LABEL


def _edge_scope(stored: dict[str, Any], source: dict[str, Any]) -> str | None:
    """An edge's scope, from what is stored (no ``_scope`` property: it would cost a
    string record per item): its own subscription when it names one (edges seen from
    their target's side), else its source node's scope (common.edge_digests)."""
    return scope_of(stored) or scope_of(source)


def _record_born(tx: neo4j.ManagedTransaction, run: int) -> None:
    """Record ``run`` as the one whose items carry no run numbers: it writes into an
    empty store, so no item of an earlier run can be read as its."""
    _run(tx, f"MERGE (m:{META_LABEL} {{name: '{_BORN_META}'}}) SET m.run = $run", run=run).consume()


def _born_run(tx: neo4j.ManagedTransaction) -> int | None:
    """The run items without run numbers were created by (_record_born), if any."""
    record = _run(
        tx, f"MATCH (m:{META_LABEL} {{name: '{_BORN_META}'}}) RETURN m.run AS run"
    ).single()
    return None if record is None or record["run"] is None else int(record["run"])


def _state(
    kind: str,
    stored: dict[str, Any],
    *,
    born: int | None,
    edge: bool = False,
    source: dict[str, Any] | None = None,
) -> ItemState:
    """An item as stored; an edge's scope needs its ``source`` node's properties (at
    least its subscriptionId and tenantId). ``born``: the run items without run numbers
    were created by (_born_run)."""
    props = {
        name: value
        for name, value in stored.items()
        if name not in _PUBLIC_FIELDS
        and not name.startswith("_")
        and not (edge and name == EDGE_KEY)
    }
    return ItemState(
        kind=kind,
        props=props,
        scope=_edge_scope(stored, source or {}) if edge else scope_of(stored),
        first_seen=stored.get("firstSeen"),
        last_seen=stored.get("lastSeen"),
        present=bool(stored.get("present", True)),
        first_run=stored.get("_firstRun", born),
        last_run=stored.get("_lastRun", born),
    )


def _one_line(exc: BaseException) -> str:
    text = redact_url(str(exc)).strip() or type(exc).__name__
    return " ".join(text.split())[:300]

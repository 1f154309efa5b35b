"""What both stores share: records, errors, property encoding, scopes and history replay.

Both stores keep, per node and per edge, the current state (with the runs that
first and last saw it) plus a change log: whenever a run changes an existing
item's label/type or properties, marks it stale or sees it again after it was
stale, the item's state *before* that change is logged under the run. ``read_graph(run_id)`` takes the current state
and undoes, newest first, every change logged by later runs. Items merely seen
again (only ``lastSeen`` moves) are not logged, which keeps the log as small as
what changes from night to night; their ``lastSeen`` at an earlier run is that
run's ``seen_at`` (exact when their scope was crawled completely in that run).

Writes send only what changed. Each item keeps a digest of what was last written
(its identity, kind, scope and properties); an item whose digest is unchanged and
which is still present is not written at all. Its ``lastSeen`` is derived instead:
an item present in a scope that a run read completely was seen by that run (had it
been missing, that run would have marked it stale), so when read back an item's
``lastSeen`` is the later of what was last written and the ``seen_at`` of the
latest run that read its scope completely (``derive_last_seen``). Items seen in a
scope that was not read completely (or that have no scope) get the cheap "still
present" mark instead: only ``lastSeen`` and the run move.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, Literal, Protocol, TypeVar

import networkx as nx
import orjson
from xxhash import xxh3_64_intdigest

from graph.schema import (
    PROP_FIRST_SEEN,
    PROP_ID,
    PROP_LABEL,
    PROP_LAST_SEEN,
    PROP_PRESENT,
    PROP_SUBSCRIPTION,
    PROP_TENANT,
    Label,
)

# "interrupted": stopped by SIGINT/SIGTERM; like "failed", never a previous run.
Outcome = Literal["completed", "failed", "interrupted"]


def check_outcome(outcome: str) -> None:
    """Both stores refuse the same outcomes, so a caller's mistake fails alike on either."""
    if outcome not in ("completed", "failed", "interrupted"):
        raise ValueError(f"outcome must be 'completed', 'failed' or 'interrupted', not {outcome!r}")


# Attributes the stores set themselves; a graph's own values for them are ignored.
STORE_FIELDS = frozenset({PROP_FIRST_SEEN, PROP_LAST_SEEN, PROP_PRESENT})
EDGE_TYPE = "type"
EDGE_KEY = "key"
# Node attributes that are not properties (the node key and its label).
NODE_RESERVED = frozenset({PROP_ID, PROP_LABEL}) | STORE_FIELDS
EDGE_RESERVED = frozenset({EDGE_TYPE, EDGE_KEY}) | STORE_FIELDS

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_ORJSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


_URL_PASSWORD = re.compile(r"\b([a-z][a-z0-9+.-]*://[^/@\s:]*):[^/@\s]*@", re.IGNORECASE)


def redact_url(text: str) -> str:
    """Every password inside a URL in ``text`` shown as *** (``neo4j://user:***@host``)."""
    return _URL_PASSWORD.sub(r"\1:***@", text)


def has_url_password(url: str) -> bool:
    return redact_url(url) != url


class StoreError(Exception):
    """The store could not do what was asked (unreachable, died, corrupt): exit 3."""


class StoreUrlError(ValueError):
    """The store URL or its settings are wrong: a configuration problem (exit 2).

    A ValueError, not a StoreError: nothing failed part way, the setting is wrong."""


class StoreAuthError(StoreUrlError):
    """The store refused the credentials: a setting to fix, found before anything is read."""


class StoreQueryError(StoreError, ValueError):
    """A raw Cypher query the database refused (syntax, unknown function, a write)."""


class StoreLocked(Exception):
    """Another tenantmap run holds the state folder's lock (exit 4)."""


@dataclass(frozen=True)
class RunRecord:
    """One run in the history."""

    id: str
    seq: int
    started_at: str
    finished_at: str | None
    outcome: str | None  # "completed", "failed", "interrupted", or None while running
    exit_code: int | None
    source: dict[str, Any]
    coverage: dict[str, Any] | None
    inventory_sha256: str | None
    findings: list[dict[str, Any]] = field(default_factory=list)
    report: dict[str, Any] | None = None
    seen_at: str | None = None
    complete_scopes: tuple[str, ...] = ()
    crawl: dict[str, Any] | None = None  # graph.crawl_record.CrawlRecord.to_json()
    # When purge deleted its report, findings, coverage and crawl record (trim_message)
    trimmed_at: str | None = None

    @property
    def counts_as_previous(self) -> bool:
        """A run the next one compares with: completed with exit 0 or 1 (findings.md)."""
        return self.outcome == "completed" and self.exit_code in (0, 1)

    @property
    def trimmed(self) -> bool:
        return self.trimmed_at is not None


# Runs whose bulky values purge deletes in one transaction: a report alone is 122 MiB of
# JSON at 1,000,000 resources, so a batch frees at most about 1 GiB, and a crash part way
# leaves each run of it either whole or trimmed.
TRIM_BATCH = 8


def trim_message(run_id: str) -> str:
    """What a reader of a trimmed run says (the wording of the stores' "its graph is no
    longer kept")."""
    return (
        f"run {run_id} is older than the retention period: its report, findings and crawl "
        "record are no longer kept"
    )


class Store(Protocol):
    """The seam every backend implements the same way (docs/dev/interfaces.md)."""

    @property
    def last_write(self) -> WriteCounts:
        """What the latest write_graph sent."""
        ...

    def acquire_lock(self) -> None: ...
    def release_lock(self) -> None: ...
    def begin_run(
        self, started_at: str, source: dict[str, Any], inventory_sha256: str | None
    ) -> str: ...
    def write_graph(
        self,
        run_id: str,
        graph: nx.MultiDiGraph,
        *,
        complete_scopes: set[str],
        seen_at: str,
    ) -> None: ...
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
    ) -> None: ...
    def previous_run(
        self, *, history_only: bool = False, before_seq: int | None = None
    ) -> RunRecord | None: ...
    def read_graph(
        self, run_id: str | None = None, include_stale: bool = False
    ) -> nx.MultiDiGraph: ...
    def runs(self) -> list[RunRecord]: ...
    def run_summaries(self) -> list[RunRecord]: ...
    def run_by_id(self, run_id: str) -> RunRecord | None: ...
    def holds_runs(self) -> bool: ...
    def purge(self, retention_days: int, *, now: datetime | None = None) -> int: ...
    def close(self) -> None: ...


def findings_apart(
    findings: list[dict[str, Any]], report: dict[str, Any] | None
) -> list[dict[str, Any]] | None:
    """The findings a run record keeps beside its report: None when they are the report's
    own, which are then kept once, inside the report, and read back from it (findings_of)."""
    if report is not None and report.get("findings") == findings:
        return None
    return findings


def findings_of(
    apart: list[dict[str, Any]] | None, report: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """A run's findings as read back: those kept apart (every run stored before they were
    kept once has them), else its report's own."""
    if apart is not None:
        return apart
    own = (report or {}).get("findings")
    return own if isinstance(own, list) else []


def stored_run(
    where: str,
    *,
    run_id: str,
    seq: int,
    started_at: str,
    finished_at: str | None,
    outcome: str | None,
    exit_code: int | None,
    source: str | None,
    coverage: str | bytes | None,
    inventory_sha256: str | None,
    findings: str | bytes | None,
    report: str | bytes | None,
    seen_at: str | None,
    complete_scopes: tuple[str, ...],
    crawl: str | bytes | None,
    trimmed_at: str | None = None,
) -> RunRecord:
    """A run as a store keeps it (its JSON values as stored) made a RunRecord; its findings
    are its report's when they were kept in it alone (findings_of). A value that is not
    JSON (a store changed by hand, or damaged) is a StoreError naming the run and field."""

    def parsed(field: str, text: str | bytes | None, default: Any) -> Any:
        try:
            return parse_json(text, default)
        except orjson.JSONDecodeError as exc:
            raise StoreError(
                f"run {run_id} in {where} cannot be read: its {field} is not valid JSON ({exc})"
            ) from None

    kept = parsed("report", report, None)
    return RunRecord(
        id=run_id,
        seq=seq,
        started_at=started_at,
        finished_at=finished_at,
        outcome=outcome,
        exit_code=exit_code,
        source=parsed("source", source, {}),
        coverage=parsed("coverage", coverage, None),
        inventory_sha256=inventory_sha256,
        findings=findings_of(parsed("findings", findings, None), kept),
        report=kept,
        seen_at=seen_at,
        complete_scopes=complete_scopes,
        crawl=parsed("crawl", crawl, None),
        trimmed_at=trimmed_at,
    )


def iso_utc(moment: datetime) -> str:
    """``moment`` as the stores write times: UTC, to the second, with a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_run_id(started_at: str, seq: int | str) -> str:
    """A readable, sortable, unique run id: the start time (digits only), then the store's
    sequence, or for a run no store numbered a random suffix that keeps it unique."""
    digits = "".join(ch for ch in started_at if ch.isdigit())[:14]
    tail = f"{seq:06d}" if isinstance(seq, int) else seq
    return f"{digits}-{tail}" if digits else f"run-{tail}"


# --- property values -------------------------------------------------------------


def _dumps(value: object) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 (equal values give equal text)."""
    try:
        return orjson.dumps(value, option=_ORJSON_OPTIONS, default=str).decode()
    except (TypeError, orjson.JSONEncodeError):
        # Integers beyond 64 bits and other rarities: the standard library handles them.
        return json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
        )


def json_bytes(value: object) -> bytes:
    """dumps(value) as UTF-8 bytes, made without a str copy of them (a report is hundreds
    of MB at 1,000,000 resources)."""
    try:
        return orjson.dumps(value, option=_ORJSON_OPTIONS, default=str)
    except (TypeError, orjson.JSONEncodeError):
        return _dumps(value).encode()


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)


def _scalar(value: object) -> object:
    """A value Neo4j can hold as-is, or its JSON string."""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value if INT64_MIN <= value <= INT64_MAX else str(value)
    if isinstance(value, float):
        return value
    return _dumps(value)


def store_value(value: object) -> object | None:
    """Encode one property value as both stores hold it.

    Scalars stay; lists of one scalar type stay (ints and floats mixed become floats,
    as Neo4j arrays are homogeneous); anything else (dicts, lists of dicts, mixed or
    nested lists) becomes its JSON string. None means "no property" (Neo4j cannot
    store null), so the caller drops it.
    """
    if value is None:
        return None
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        if not items:
            return []
        kinds = {_kind(item) for item in items}
        if kinds <= {"int", "float"} and "float" in kinds:
            return [float(item) for item in items]
        if len(kinds) == 1 and next(iter(kinds)) in {"bool", "str", "int", "float"}:
            if kinds == {"int"} and not all(INT64_MIN <= item <= INT64_MAX for item in items):
                return _dumps(items)
            return items
        return _dumps(items)
    if isinstance(value, float) and math.isnan(value):
        return value
    return _scalar(value)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return "other"


# Property values stored as they are, told apart by exact type (bool is not an int here).
_AS_IS = frozenset({str, bool, float})


def encode_props(attrs: Mapping[str, object], reserved: frozenset[str]) -> dict[str, object]:
    # One comprehension, the common cases inline: this runs once per node and edge.
    # None is no property (store_value gives None for None only).
    return {
        name: value if type(value) in _AS_IS else _encode_value(value)
        for name, value in attrs.items()
        if value is not None and name not in reserved
    }


def _encode_value(value: object) -> object:
    """store_value for a value that is not None, with the frequent kinds first."""
    kind = type(value)
    if kind is int:
        return value if INT64_MIN <= value <= INT64_MAX else str(value)  # type: ignore[operator]
    if kind is list and value and all(type(item) is str for item in value):  # type: ignore[attr-defined]
        return value
    if kind is dict:
        return _dumps(value)
    return store_value(value)


def digest(identity: str, scope: str | None, attrs: Mapping[str, object]) -> int:
    """What an item's write holds, as a signed 64-bit integer (an integer property is
    the cheapest to store and to read back): equal identity, scope and attributes
    give equal digests. Taken over the graph's attributes as they are (one orjson
    call), not over the encoded properties the store writes, which cost several
    times more to make; the stores' own fields are left out. XXH3, not a
    cryptographic hash: a digest only tells a store's own writes apart (one in
    2**64 chance per changed item of a missed change), and blake2b took twice as
    long as the JSON it hashed."""
    if PROP_FIRST_SEEN in attrs or PROP_LAST_SEEN in attrs or PROP_PRESENT in attrs:
        attrs = {name: value for name, value in attrs.items() if name not in STORE_FIELDS}
    try:
        body = orjson.dumps((identity, scope, attrs), option=_ORJSON_OPTIONS)
    except TypeError:  # sets, integers beyond 64 bits: their canonical encoded form
        body = _dumps((identity, scope, encode_props(attrs, frozenset()))).encode()
    value = xxh3_64_intdigest(body)
    return value - _TWO_64 if value > INT64_MAX else value


_TWO_64 = 2**64


def edge_identity(source: str, key: str, target: str) -> str:
    return f"{source}\0{key}\0{target}"


@dataclass
class WriteCounts:
    """What one graph write sent to the store, per kind of write (the rest was unchanged
    and not written at all)."""

    written: int = 0  # created, changed, or present again
    marked: int = 0  # seen again in a scope not read completely: lastSeen moves
    stale: int = 0  # gone from a scope read completely

    @property
    def total(self) -> int:
        return self.written + self.marked + self.stale


ScopeReads = dict[str, tuple[int, str]]


def scope_reads(
    runs: Iterable[tuple[int, str | None, Iterable[str] | None]], upto: int | None = None
) -> ScopeReads:
    """Per scope, the latest run (seq, seen_at) up to ``upto`` that read it completely,
    from (seq, seen_at, complete scopes) per run whose write finished."""
    reads: ScopeReads = {}
    for seq, seen_at, scopes in sorted(runs, key=lambda run: run[0]):
        if seen_at is None or scopes is None or (upto is not None and seq > upto):
            continue
        for scope in scopes:
            reads[scope] = (seq, seen_at)
    return reads


def derive_last_seen(items: Iterable[ItemState], reads: Mapping[str, tuple[int, str]]) -> None:
    """An item present in a scope read completely by a later run than its last write
    was seen by that run (in place)."""
    for item in items:
        if not item.present or item.scope is None:
            continue
        read = reads.get(item.scope)
        if read is not None and (item.last_run is None or read[0] > item.last_run):
            item.last_run, item.last_seen = read


# --- rows the stores write -----------------------------------------------------------


@dataclass(frozen=True)
class NodeRow:
    id: str
    label: str
    props: dict[str, object]
    scope: str | None
    digest: int


@dataclass(frozen=True)
class EdgeRow:
    source: str
    key: str
    target: str
    type: str
    props: dict[str, object]
    scope: str | None
    digest: int


def scope_of(attrs: Mapping[str, object]) -> str | None:
    """An item's scope: its subscription id if any, else its tenant id (architecture.md)."""
    value = attrs.get(PROP_SUBSCRIPTION) or attrs.get(PROP_TENANT)
    if type(value) is str:
        return value.lower()
    if value is None:  # neither (most edges)
        return None
    for name in (PROP_SUBSCRIPTION, PROP_TENANT):
        value = attrs.get(name)
        if isinstance(value, str) and value:
            return value.lower()
    return None


NodeDigest = tuple[str, str | None, int, Mapping[str, object]]  # id, scope, digest, attrs
EdgeDigest = tuple[str, str, str, str | None, int, Mapping[str, object]]


def node_digests(graph: nx.MultiDiGraph) -> Iterator[NodeDigest]:
    """Each node's id, scope and digest (and its attributes, for node_row): digesting
    is far cheaper than encoding, so a write encodes only what changed."""
    for node_id, attrs in graph.nodes(data=True):
        ident, scope = str(node_id), scope_of(attrs)
        yield ident, scope, digest(ident, scope, attrs), attrs


def node_row(item: NodeDigest) -> NodeRow:
    ident, scope, item_digest, attrs = item
    label = str(attrs.get(PROP_LABEL) or Label.RESOURCE)
    props = encode_props(attrs, NODE_RESERVED)
    return NodeRow(ident, label, props, scope, item_digest)


def edge_digests(graph: nx.MultiDiGraph) -> Iterator[EdgeDigest]:
    """Each edge's ends and key, scope and digest (and its attributes, for edge_row)."""
    scopes = node_scopes(graph)
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        ends = (str(source), str(key), str(target))
        # an edge seen from its target's side (inbound private link) names its own scope
        scope = scope_of(attrs) or scopes.get(source)
        yield *ends, scope, digest(edge_identity(*ends), scope, attrs), attrs


def edge_type_of(item: EdgeDigest) -> str:
    """An edge's relationship type: its ``type`` attribute, else its key's prefix."""
    return str(item[5].get(EDGE_TYPE) or item[1].split(":", 1)[0])


def edge_row(item: EdgeDigest) -> EdgeRow:
    source, key, target, scope, item_digest, attrs = item
    edge_type = edge_type_of(item)
    props = encode_props(attrs, EDGE_RESERVED)
    return EdgeRow(source, key, target, edge_type, props, scope, item_digest)


def edge_rows(graph: nx.MultiDiGraph) -> Iterator[EdgeRow]:
    return map(edge_row, edge_digests(graph))


def node_scopes(graph: nx.MultiDiGraph) -> dict[str, str | None]:
    """Each node's scope (scope_of), by node id."""
    return {node_id: scope_of(attrs) for node_id, attrs in graph.nodes(data=True)}


NodeTuple = tuple[str, str, str, str | None, int]  # id, label, props JSON, scope, digest
EdgeTuple = tuple[str, str, str, str, str, str | None, int]  # source, key, target, type, ...


class Delta:
    """What a write must send, given the digests of the stored present items (SQLite):
    the rows of new and changed items, the keys of unchanged items to mark seen (in
    scopes not read completely), and the stored digests no current item matched
    (changed or gone: the sets passed in are used up, what is left is the leftover).

    Rows are made as they are read (iterators), nodes and edges apart, so a large
    write never holds them all; the marks and leftovers are complete once both
    iterators have been used up. ``in_key_order`` yields the rows sorted by the
    store's primary keys (a first write inserts every row, and rows in key order
    append to the B-trees), at the cost of sorting the nodes and the sources once.

    Each loop runs once per item of a million-resource graph, so the work of
    scope_of, encode_props and _dumps is done inline for the usual items
    (the same values: tests/stores/test_delta_rows.py) and by those
    functions for the rare ones."""

    def __init__(
        self,
        graph: nx.MultiDiGraph,
        stored_nodes: set[int | None],
        stored_edges: set[int | None] | Callable[[], set[int | None]],
        complete: frozenset[str],
    ) -> None:
        self.graph = graph
        self.complete = complete
        self.node_marks: list[tuple[str]] = []
        self.edge_marks: list[tuple[str, str, str]] = []
        self.node_leftover = stored_nodes
        # The edges' digests may come from a function called once the nodes are done, so
        # the two sets are never held at once (millions of ints each at 1M resources).
        self._edges_from = None if isinstance(stored_edges, set) else stored_edges
        self.edge_leftover = stored_edges if isinstance(stored_edges, set) else set()

    def node_rows(self, in_key_order: bool = False) -> Iterator[NodeTuple]:
        """The new and changed nodes (only these are encoded)."""
        stored, complete, marks = self.node_leftover, self.complete, self.node_marks
        resource = Label.RESOURCE.value
        nodes: Iterable[tuple[Any, dict[str, Any]]] = self.graph.nodes(data=True)
        for node_id, attrs in _sorted_items(nodes) if in_key_order else nodes:
            ident = node_id if type(node_id) is str else str(node_id)
            scope = attrs.get(PROP_SUBSCRIPTION) or attrs.get(PROP_TENANT)
            if scope is not None:
                scope = scope.lower() if type(scope) is str else scope_of(attrs)
            plain = not (
                PROP_FIRST_SEEN in attrs or PROP_LAST_SEEN in attrs or PROP_PRESENT in attrs
            )
            item_digest = digest(ident, scope, attrs)
            if item_digest in stored:
                stored.discard(item_digest)
                if scope not in complete:
                    marks.append((ident,))
                continue
            label = str(attrs.get(PROP_LABEL) or resource)
            yield ident, label, _node_props(attrs, plain), scope, item_digest

    def edge_rows(self, in_key_order: bool = False) -> Iterator[EdgeTuple]:
        """The new and changed edges (only these are encoded)."""
        if self._edges_from is not None:
            # What the nodes left is a few digests in a table sized for all of them: kept
            # in a set of its own size, the rest of the table goes before the edges come.
            self.node_leftover = set(self.node_leftover)
            self.edge_leftover, self._edges_from = self._edges_from(), None
        stored, complete, marks = self.edge_leftover, self.complete, self.edge_marks
        held: dict[Any, dict[str, Any]] = self.graph._node
        # Source by source (the adjacency as networkx holds it): an edge without a scope
        # of its own takes its source's, found once per source.
        adjacency: Iterable[tuple[Any, dict[Any, dict[Any, dict[str, Any]]]]]
        adjacency = self.graph.adjacency()
        for source_id, targets in _sorted_items(adjacency) if in_key_order else adjacency:
            if not targets:
                continue
            source = source_id if type(source_id) is str else str(source_id)
            holds = held[source_id]
            source_scope = holds.get(PROP_SUBSCRIPTION) or holds.get(PROP_TENANT)
            if source_scope is not None:  # scope_of, inline
                source_scope = (
                    source_scope.lower() if type(source_scope) is str else scope_of(holds)
                )
            edges = [(key, target, attrs) for target, keyed in targets.items()
                     for key, attrs in keyed.items()]  # fmt: skip
            if in_key_order and len(edges) > 1:
                try:  # (key, target) is unique: the attributes are never compared
                    edges.sort()
                except TypeError:
                    edges = _by_key(edges, 2)
            for key_id, target_id, attrs in edges:
                key = key_id if type(key_id) is str else str(key_id)
                target = target_id if type(target_id) is str else str(target_id)
                ident = f"{source}\0{key}\0{target}"  # edge_identity
                if len(attrs) == 1 and EDGE_TYPE in attrs:
                    # The usual edge holds nothing but its type: no scope of its own,
                    # no properties to encode.
                    scope, props = source_scope, "{}"
                else:
                    # an edge seen from its target's side names its own scope
                    own = attrs.get(PROP_SUBSCRIPTION) or attrs.get(PROP_TENANT)
                    scope = source_scope if own is None else (scope_of(attrs) or source_scope)
                    props = ""  # made below, if the edge is written
                item_digest = digest(ident, scope, attrs)
                if item_digest in stored:
                    stored.discard(item_digest)
                    if scope not in complete:
                        marks.append((source, key, target))
                    continue
                if not props:
                    props = (
                        "{}"
                        if attrs.keys() <= EDGE_RESERVED
                        else _dumps(encode_props(attrs, EDGE_RESERVED))
                    )
                edge_type = str(attrs.get(EDGE_TYPE) or key.split(":", 1)[0])
                yield source, key, target, edge_type, props, scope, item_digest


def _node_props(attrs: dict[str, Any], plain: bool) -> str:
    """_dumps(encode_props(attrs, NODE_RESERVED)), the usual node's way: its values are
    all text, bool or float, stored as they are, so one dumps of a copy without its id
    and label is the stored text (a third of the comprehension's time)."""
    props = attrs.copy()
    props.pop(PROP_ID, None)
    props.pop(PROP_LABEL, None)
    if plain and _AS_IS.issuperset(map(type, props.values())):
        try:
            return orjson.dumps(props, option=_ORJSON_OPTIONS).decode()
        except TypeError:
            pass  # text orjson refuses (lone surrogates): _dumps' fallback
    return _dumps(encode_props(attrs, NODE_RESERVED))


def _sorted_items(pairs: Iterable[tuple[Any, Any]]) -> list[tuple[Any, ...]]:
    """(key, value) ``pairs`` sorted by key as the store compares keys (_by_key). Keys
    are unique, so the values are never compared; text keys sort without a key function."""
    items = list(pairs)
    try:
        items.sort()
    except TypeError:  # keys that are not all text (or not comparable)
        items = _by_key(items)
    return items


def _by_key(items: Iterable[tuple[Any, ...]], width: int = 1) -> list[tuple[Any, ...]]:
    """``items`` sorted by their first ``width`` fields as the store compares keys
    (text: str order is UTF-8 byte order, SQLite's BINARY collation)."""
    listed = list(items)
    try:
        listed.sort(key=itemgetter(*range(width)))
    except TypeError:  # keys that are not all text (or not comparable)
        listed.sort(key=lambda item: tuple(str(part) for part in item[:width]))
    return listed


def check_identifier(name: str, what: str) -> str:
    """Labels and relationship types go into Cypher text: allow only safe names."""
    if (
        not name
        or not (name[0].isalpha() or name[0] == "_")
        or not all(ch.isalnum() or ch == "_" for ch in name)
    ):
        raise StoreError(f"{what} {name!r} is not a valid Neo4j name (letters, digits, _)")
    return name


# --- reading back ----------------------------------------------------------------------


@dataclass
class ItemState:
    """One node or edge as stored: ``kind`` is the label (nodes) or the type (edges)."""

    kind: str
    props: dict[str, object]
    scope: str | None
    first_seen: str | None
    last_seen: str | None
    present: bool
    first_run: int | None
    last_run: int | None

    def to_json(self) -> str:
        return _dumps(
            {
                "kind": self.kind,
                "props": self.props,
                "scope": self.scope,
                "firstSeen": self.first_seen,
                "lastSeen": self.last_seen,
                "present": self.present,
                "firstRun": self.first_run,
                "lastRun": self.last_run,
            }
        )

    @staticmethod
    def from_json(text: str) -> ItemState:
        data = orjson.loads(text)
        return ItemState(
            kind=data["kind"],
            props=data["props"],
            scope=data.get("scope"),
            first_seen=data.get("firstSeen"),
            last_seen=data.get("lastSeen"),
            present=bool(data.get("present")),
            first_run=data.get("firstRun"),
            last_run=data.get("lastRun"),
        )


NodeKey = str
K = TypeVar("K")
EdgeKey = tuple[str, str, str]  # (source, key, target)


@dataclass(frozen=True)
class Change:
    """The state an item had before run ``run`` changed it (None: it did not exist;
    creations are normally not logged, as ``first_run`` tells them apart)."""

    run: int
    order: int
    node: NodeKey | None
    edge: EdgeKey | None
    before: ItemState | None


def replay_to(
    nodes: dict[NodeKey, ItemState],
    edges: dict[EdgeKey, ItemState],
    changes: Iterable[Change],
    run_seq: int,
    run_seen_at: str | None,
) -> None:
    """Turn the current state into the state after run ``run_seq`` (in place).

    ``changes`` are those logged by runs after ``run_seq``, in any order.
    """
    for change in sorted(changes, key=lambda c: (c.run, c.order), reverse=True):
        if change.node is not None:
            _undo(nodes, change.node, change.before)
        elif change.edge is not None:
            _undo(edges, change.edge, change.before)
    # Creations are not logged (a first write would double the work): an item first
    # seen after the run did not exist then.
    _drop_born_after(nodes, run_seq)
    _drop_born_after(edges, run_seq)
    if run_seen_at is None:
        return
    for item in (*nodes.values(), *edges.values()):
        if item.present and item.last_run is not None and item.last_run > run_seq:
            # Seen again later without any change: as of that run it was last seen then.
            item.last_seen = run_seen_at
            item.last_run = run_seq


def _drop_born_after(items: dict[K, ItemState], run_seq: int) -> None:
    born_later = [
        key
        for key, item in items.items()
        if item.first_run is not None and item.first_run > run_seq
    ]
    for key in born_later:
        del items[key]


def _undo(items: dict[Any, ItemState], key: Any, before: ItemState | None) -> None:
    if before is None:
        items.pop(key, None)
    else:
        items[key] = before


def to_graph(
    nodes: Mapping[NodeKey, ItemState],
    edges: Mapping[EdgeKey, ItemState],
    include_stale: bool,
) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for node_id, item in sorted(nodes.items()):
        if not item.present and not include_stale:
            continue
        graph.add_node(node_id, **_attrs(item, {PROP_ID: node_id, PROP_LABEL: item.kind}))
    for (source, key, target), item in sorted(edges.items()):
        if not item.present and not include_stale:
            continue
        if source not in graph or target not in graph:
            # An edge whose end is stale (or gone) is shown only with its ends.
            continue
        graph.add_edge(source, target, key=key, **_attrs(item, {EDGE_TYPE: item.kind}))
    return graph


def _attrs(item: ItemState, head: dict[str, object]) -> dict[str, object]:
    attrs: dict[str, object] = dict(head)
    attrs.update(item.props)
    if item.first_seen is not None:
        attrs[PROP_FIRST_SEEN] = item.first_seen
    if item.last_seen is not None:
        attrs[PROP_LAST_SEEN] = item.last_seen
    attrs[PROP_PRESENT] = item.present
    return attrs


def parse_json(text: str | bytes | None, default: Any) -> Any:
    return default if text is None else orjson.loads(text)


def dumps(value: object) -> str:
    return _dumps(value)

"""One watch cycle's reads (docs/spec/watch.md): what changed since the high-water mark,
each changed resource re-read by id, written as a small snapshot.

Per home tenant: the subscription list and the management-group tree (the two ARM
lists a full crawl starts with), then Resource Graph's `resourcechanges` (limited to
the catalogue's types) and `resourcecontainerchanges` over the tenant's subscriptions,
since the tenant's high-water mark less an overlap (a change becomes visible in the
table up to five minutes after its timestamp). Every resource with a new Create or
Update row is read again by id through ARM, with the child lists the crawl merges
into it; a Delete row, or a 404 on the re-read, marks it gone. Subscriptions a
changed resource links to, and whose tenant is not known yet, are resolved as the
crawl resolves them. Everything goes through the crawl's own transport, pacing,
retry and redaction (engine._Crawl), into a snapshot folder the graph build reads.

A failed or throttled change query is an error for its tenant: its mark stays where
it was, so the next cycle reads the same window again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from azure.core.pipeline.transport import AioHttpTransport
from azure.core.rest import HttpRequest

from discovery.crawl import catalogue as cat
from discovery.crawl.clients import TenantClients
from discovery.crawl.engine import has_children
from discovery.crawl.errors import CrawlConfigError
from discovery.crawl.progress import Progress
from discovery.crawl.resource_graph_mode import ResourceGraphCrawl
from discovery.crawl.run import _connected_run
from discovery.crawl.target import CrawlTarget, CredentialSource
from discovery.crawl.transport import ArmCallError, Bounds, RetrySettings, send
from discovery.redact import Redactor
from discovery.snapshot_writer import SnapshotWriter

# Learn: change records "should be available in less than five minutes"; kept 14 days.
DEFAULT_OVERLAP = timedelta(minutes=10)
FEED_RETENTION = timedelta(days=14)
RESOURCE_CHANGES = "resourcechanges"
CONTAINER_CHANGES = "resourcecontainerchanges"
_EXTEND = (
    "extend changeTime = todatetime(properties.changeAttributes.timestamp), "
    "targetType = tolower(tostring(properties.targetResourceType))"
)
_API_VERSIONS = {lt.lower: lt.api_version for lt in cat.LISTED_TYPES}


def change_query(table: str, since: str, types: Iterable[str] | None = None) -> str:
    """The KQL of one change-table read: rows after `since`, oldest first."""
    stages = [table, _EXTEND, f"where changeTime > datetime({since})"]
    if types is not None:
        stages.append("where targetType in~ (" + ", ".join(f"'{t}'" for t in types) + ")")
    stages.append("order by changeTime asc")
    return " | ".join(stages)


RESOURCE_TYPES = tuple(sorted(_API_VERSIONS))


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Mark:
    """Where a tenant's change reads stand: the latest change time read, and the ids of
    the rows read in the overlap window (so a row read twice counts once)."""

    at: str
    seen: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at, "seen": sorted(self.seen)}

    @staticmethod
    def from_json(data: dict[str, Any]) -> Mark:
        return Mark(str(data["at"]), {str(s) for s in data.get("seen") or []})


@dataclass(frozen=True)
class WatchInput:
    """What the watch knows from the store before a cycle."""

    tenants: list[dict[str, Any]]  # Tenants_List items of the home tenants
    home_tenants: list[str]
    subscriptions_crawled: set[str]  # by the last full run
    known_subscriptions: set[str]  # their tenant is known: no need to resolve them
    marks: dict[str, Mark]  # per tenant
    start: str  # the last full run's start: the first mark of a tenant without one
    # what the last full run could not read: the analysis of a cycle knows no more than
    # that run did (the cycle's own failures are the cycle's errors, not the estate's)
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class WatchRead:
    snapshot_dir: Path
    changes: list[dict[str, Any]]  # new change rows (compact)
    reread: list[str]  # ids read again
    gone: list[str]  # ids a Delete row or a 404 marked gone
    errors: list[dict[str, Any]]
    marks: dict[str, Mark]
    new_subscriptions: list[str]
    requests: int
    requests_by_scope: dict[str, int]
    tenants_read: list[str]


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    props = row.get("properties") or {}
    attrs = props.get("changeAttributes") or {}
    return {
        "id": row.get("id"),
        "target": props.get("targetResourceId"),
        "type": str(props.get("targetResourceType", "")).lower(),
        "changeType": props.get("changeType"),
        "at": attrs.get("timestamp"),
        "changedBy": attrs.get("changedBy"),
        "changedKeys": sorted((props.get("changes") or {}).keys()),
    }


class _WatchCrawl(ResourceGraphCrawl):
    """The crawl engine (its clients, pacing, errors, redaction, foreign resolution and
    Resource Graph reader) with a cycle's reads in place of a crawl's."""

    def __init__(
        self,
        target: CrawlTarget,
        writer: SnapshotWriter,
        redactor: Redactor,
        known: WatchInput,
        *,
        now: datetime,
        overlap: timedelta,
        concurrency: int,
        retry: RetrySettings,
        bounds: Bounds,
        transport: AioHttpTransport,
        credential: CredentialSource,
    ) -> None:
        super().__init__(
            target,
            writer,
            redactor,
            concurrency,
            retry,
            Progress(False),
            bounds,
            transport,
            credential,
        )
        self.known = known
        self.now = now
        self.overlap = overlap
        self.marks = {t: Mark(m.at, set(m.seen)) for t, m in known.marks.items()}
        self.changes: list[dict[str, Any]] = []
        self.reread: list[str] = []
        self.gone: list[str] = []

    async def main(self) -> None:
        await self.sign_in()
        self.tenants = list(self.known.tenants)
        self.home_tenants = list(self.known.home_tenants)
        listings = await asyncio.gather(*(self.list_tenant(t) for t in self.home_tenants))
        self.choose_subscriptions(dict(zip(self.home_tenants, listings, strict=True)))
        by_tenant: dict[str, list[str]] = {t: [] for t in self.home_tenants}
        for subscription_id, (_item, tenant_id) in sorted(self.chosen.items()):
            by_tenant.setdefault(tenant_id, []).append(subscription_id)
        await asyncio.gather(
            *(self.watch_tenant(self.clients(t), subs) for t, subs in by_tenant.items() if subs)
        )
        await self.resolve_foreign()

    def unresolved(self) -> list[str]:
        known = self.known.known_subscriptions | set(self.chosen)
        return sorted(s for s in self.refs if s not in known)

    def since(self, tenant_id: str) -> str:
        mark = self.marks.get(tenant_id)
        start = parse_time(mark.at) - self.overlap if mark else parse_time(self.known.start)
        oldest = self.now - FEED_RETENTION
        if start < oldest:
            self.error(
                f"/tenants/{tenant_id}",
                "ResourceChanges_Query",
                ArmCallError(
                    None,
                    "ChangeWindowPassed",
                    f"The changes since {iso(start)} are older than the change tables keep "
                    "(14 days): the next full run covers them.",
                ),
            )
            start = oldest
        return iso(start)

    async def watch_tenant(self, clients: TenantClients, subscription_ids: list[str]) -> None:
        tenant_id = clients.tenant_id
        since = self.since(tenant_id)
        rows: list[dict[str, Any]] = []
        batches = [
            subscription_ids[i : i + cat.RG_MAX_SUBSCRIPTIONS]
            for i in range(0, len(subscription_ids), cat.RG_MAX_SUBSCRIPTIONS)
        ]

        async def read(table: str, types: tuple[str, ...] | None) -> None:
            for batch in batches:
                async for page in self.graph_rows(
                    clients, batch, change_query(table, since, types)
                ):
                    rows.extend(page)

        results = await asyncio.gather(
            self.guarded(
                f"/tenants/{tenant_id}",
                "ResourceChanges_Query",
                lambda: read(RESOURCE_CHANGES, RESOURCE_TYPES),
            ),
            self.guarded(
                f"/tenants/{tenant_id}",
                "ResourceContainerChanges_Query",
                lambda: read(CONTAINER_CHANGES, None),
            ),
        )
        if not all(results):
            return  # the mark stays: the next cycle reads this window again
        mark = self.marks.get(tenant_id) or Mark(since)
        fresh = [r for r in rows if isinstance(r.get("id"), str) and r["id"] not in mark.seen]
        latest = max([mark.at, *(str(r.get("changeTime") or "") for r in rows)], key=_time_key)
        floor = parse_time(latest) - self.overlap
        # the next read starts at the floor: only rows from there on can come again
        mark = Mark(
            latest, {r["id"] for r in rows if _time_key(str(r.get("changeTime") or "")) >= floor}
        )
        self.marks[tenant_id] = mark
        last: dict[str, str] = {}  # target id -> its latest change type
        for row in fresh:
            change = _compact(row)
            self.changes.append(change)
            if change["type"] in RESOURCE_TYPES and isinstance(change["target"], str):
                last[change["target"]] = str(change["changeType"])
        await asyncio.gather(
            *(
                self.reread_one(clients, rid)
                for rid, kind in sorted(last.items())
                if kind != "Delete"
            )
        )
        self.gone.extend(rid for rid, kind in sorted(last.items()) if kind == "Delete")

    async def reread_one(self, clients: TenantClients, resource_id: str) -> None:
        type_lower = _type_of(resource_id)
        subscription_id = resource_id.split("/")[2].lower()
        scope = f"/subscriptions/{subscription_id}"
        operation = cat.canonical_type(type_lower).split("/")[-1] + "_Get"
        if type_lower.startswith("microsoft.network/") or type_lower.startswith(
            "microsoft.compute/"
        ):
            client = clients.for_type(type_lower)
        else:
            client = clients.resources
        request = HttpRequest(
            "GET", f"{self.arm}{resource_id}", params={"api-version": _API_VERSIONS[type_lower]}
        )
        try:
            body = await send(client, request, self.bounds)
        except ArmCallError as exc:
            if exc.status == 404:
                self.gone.append(resource_id)
                return
            self.error(scope, operation, exc)
            return
        except Exception as exc:  # the same failures `guarded` records
            self.error(scope, operation, exc)
            return
        self.reread.append(resource_id)
        if has_children(body):  # child lists, or a platform service's child reads
            await self.children(clients, subscription_id, body)
        else:
            self.emit(body)

    def manifest(self) -> dict[str, Any]:
        """The graph keeps what the last full run read of every subscription it read (a
        cycle that fails somewhere deletes nothing), so they count as read here too."""
        manifest = super().manifest()
        manifest["subscriptionsCrawled"] = sorted(
            self.known.subscriptions_crawled & set(self.chosen)
        )
        manifest["watch"] = True
        return manifest

    def write(self) -> None:
        errors, self.errors = self.errors, list(self.known.errors)
        try:
            super().write()
        finally:
            self.errors = errors


def _type_of(resource_id: str) -> str:
    parts = resource_id.lower().rsplit("/providers/", 1)[-1].split("/")
    return f"{parts[0]}/{parts[1]}"


def _time_key(text: str) -> datetime:
    return parse_time(text) if text else datetime.min.replace(tzinfo=UTC)


def watch_read(
    target: CrawlTarget,
    out_dir: Path,
    known: WatchInput,
    *,
    state_dir: Path,
    now: datetime | None = None,
    overlap: timedelta = DEFAULT_OVERLAP,
    concurrency: int = 16,
    retry: RetrySettings | None = None,
    bounds: Bounds | None = None,
) -> WatchRead:
    """Read what changed into a snapshot folder at `out_dir` (its resources: only the
    re-read ones; its lists: the subscriptions and groups as they are now).

    Raises CrawlConfigError / CrawlError (one sentence) when nothing can be read.
    """
    if not known.home_tenants:
        raise CrawlConfigError("The last run crawled no tenant: run `tenantmap run` first.")
    redactor = Redactor(Path(state_dir))
    writer = SnapshotWriter(Path(out_dir), redactor)

    def engine_on(transport: AioHttpTransport, credential: CredentialSource) -> _WatchCrawl:
        return _WatchCrawl(
            target,
            writer,
            redactor,
            known,
            now=now or datetime.now(UTC),
            overlap=overlap,
            concurrency=concurrency,
            retry=retry or RetrySettings(total=3),
            bounds=bounds or Bounds(max_retry_after=10.0),
            transport=transport,
            credential=credential,
        )

    try:
        run = asyncio.run(_connected_run(target, concurrency, None, engine_on))
        assert isinstance(run, _WatchCrawl)
        run.write()
        writer.commit(run.manifest())
    except BaseException:
        writer.abort()
        raise
    return WatchRead(
        snapshot_dir=writer.out_dir,
        changes=run.changes,
        reread=sorted(run.reread),
        gone=sorted(set(run.gone)),
        errors=run.errors,
        marks=run.marks,
        new_subscriptions=sorted(set(run.chosen) - known.known_subscriptions),
        requests=run.pacer.requests,
        requests_by_scope=dict(run.pacer.requests_by_scope),
        tenants_read=sorted(run.tenants_crawled),
    )

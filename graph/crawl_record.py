"""What a crawl recorded about itself, as the analyses need it beside the graph.

The graph holds the estate (tenants, subscriptions, the management-group tree,
resources and links); this record holds what belongs to the run, not to the
estate: whose identity crawled, which tenants and subscriptions were read
completely, which reads failed, which fields were dropped for their JSON type,
and where the data came from. The build derives it from the snapshot, the run
history keeps it (``RunRecord.crawl``), and the analyses read only the graph and
this record, so a stored run can be analysed again without its snapshot folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.shapes import Note
from graph.snapshot import Snapshot

FORMAT = "tenantmap.crawl/1"


class CrawlRecordError(ValueError):
    """A stored crawl record that cannot be read; the message says what is wrong."""


@dataclass(frozen=True)
class CrawlRecord:
    principal_tenant: str | None = None
    tenants_crawled: frozenset[str] = frozenset()
    # without the subscriptions a misshapen field left not fully read (graph/shapes.py)
    subscriptions_crawled: frozenset[str] = frozenset()
    errors: tuple[dict[str, Any], ...] = ()  # errors.json, as the crawl wrote it
    shape_notes: tuple[Note, ...] = ()
    source: dict[str, Any] = field(default_factory=dict)  # manifest source: kind, endpoint
    created_at: str | None = None

    def scopes_read(self) -> frozenset[str]:
        """The tenants and subscriptions read completely: what the stores may mark stale in."""
        return self.tenants_crawled | self.subscriptions_crawled

    def to_json(self) -> dict[str, Any]:
        """The record as the run history keeps it (JSON-ready, lists sorted)."""
        return {
            "format": FORMAT,
            "principalTenant": self.principal_tenant,
            "tenantsCrawled": sorted(self.tenants_crawled),
            "subscriptionsCrawled": sorted(self.subscriptions_crawled),
            "errors": list(self.errors),
            "shapeNotes": list(self.shape_notes),
            "source": self.source,
            "createdAt": self.created_at,
        }

    @staticmethod
    def from_json(doc: Any) -> CrawlRecord:
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
            raise CrawlRecordError(f"the crawl record has format {found!r}, not {FORMAT!r}")
        source = doc.get("source")
        return CrawlRecord(
            principal_tenant=_lower(doc.get("principalTenant")),
            tenants_crawled=_ids(doc.get("tenantsCrawled")),
            subscriptions_crawled=_ids(doc.get("subscriptionsCrawled")),
            errors=tuple(e for e in doc.get("errors") or [] if isinstance(e, dict)),
            shape_notes=tuple(n for n in doc.get("shapeNotes") or [] if isinstance(n, dict)),
            source=source if isinstance(source, dict) else {},
            created_at=doc.get("createdAt") if isinstance(doc.get("createdAt"), str) else None,
        )


def crawl_record(snap: Snapshot) -> CrawlRecord:
    """The record of a snapshot, taken once the graph is built: reading resources.jsonl
    notes misshapen fields and takes their subscriptions out of the crawled ones."""
    manifest = snap.manifest or {}
    principal = manifest.get("principal")
    source = manifest.get("source")
    created = manifest.get("createdAt")
    return CrawlRecord(
        principal_tenant=_lower(principal.get("tenantId")) if isinstance(principal, dict) else None,
        tenants_crawled=_ids(manifest.get("tenantsCrawled")),
        subscriptions_crawled=_ids(manifest.get("subscriptionsCrawled")),
        errors=tuple(snap.errors),
        shape_notes=tuple(snap.shape_notes),
        source=source if isinstance(source, dict) else {},
        created_at=created if isinstance(created, str) else None,
    )


def _lower(value: Any) -> str | None:
    return str(value).strip().lower() if value else None


def _ids(values: Any) -> frozenset[str]:
    return frozenset(str(v).lower() for v in values or [])

"""The crawl record: what a run keeps of its snapshot beside the graph."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from graph.build import build_graph
from graph.crawl_record import CrawlRecord, CrawlRecordError, crawl_record
from graph.snapshot import load_snapshot
from tests.graph.handmade import HOME, SUB_PROD, subscription, tenant, write_snapshot

SUB_OTHER = "aaaaaaaa-0000-4000-8000-0000000000ff"
VNET = (
    f"/subscriptions/{SUB_OTHER}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v"
)


def _snapshot(root: Path) -> Path:
    return write_snapshot(
        root,
        tenants=[tenant(HOME, "Contoso")],
        subscriptions=[subscription(SUB_PROD, "prod", HOME), subscription(SUB_OTHER, "o", HOME)],
        resources=[
            # a field of the wrong JSON type: its subscription is no longer read completely
            {"id": VNET, "name": "v", "type": "Microsoft.Network/virtualNetworks", "properties": 7}
        ],
        errors=[{"scope": f"/subscriptions/{SUB_PROD}", "status": 403, "code": "Denied"}],
        manifest={"principal": {"tenantId": HOME.upper()}},
    )


def test_record_is_taken_after_the_build_without_subscriptions_a_misshapen_field_left_unread(
    tmp_path: Path,
) -> None:
    snap = load_snapshot(_snapshot(tmp_path / "snap"))
    build_graph(snap)
    record = crawl_record(snap)
    assert (record.principal_tenant, record.subscriptions_crawled, record.tenants_crawled) == (
        HOME,
        frozenset({SUB_PROD}),
        frozenset({HOME}),
    )
    assert [note["document"] for note in record.shape_notes] == [VNET]


def test_record_survives_the_run_history_as_json(tmp_path: Path) -> None:
    snap = load_snapshot(_snapshot(tmp_path / "snap"))
    build_graph(snap)
    record = crawl_record(snap)
    stored = orjson.loads(orjson.dumps(record.to_json()))
    assert CrawlRecord.from_json(stored) == record
    assert stored["errors"] == [
        {"scope": f"/subscriptions/{SUB_PROD}", "status": 403, "code": "Denied"}
    ]


def test_a_record_of_another_format_is_refused_by_name() -> None:
    with pytest.raises(
        CrawlRecordError, match=r"format 'tenantmap\.crawl/9', not 'tenantmap\.crawl/1'"
    ):
        CrawlRecord.from_json({"format": "tenantmap.crawl/9"})

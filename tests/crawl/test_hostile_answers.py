"""Broken and hostile answers (the emulator's `tamper` rules) fail their scope, never the crawl.

Each case goes through the real SDK clients over HTTPS: the emulator computes
the true answer, then spoils it as a flaky network or a hostile subscription
owner would. The crawl must go on, keep the token on the ARM endpoint, and
record the spoiled scope in errors.json so that nothing there counts as read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from discovery.crawl import Bounds
from discovery.crawl.transport import origin
from discovery.emulator import running_emulator
from tests.crawl.helpers import crawl_emulator, read_json

TENANT = "72f988bf-0000-4000-8000-000000000001"
VICTIM = "1a2b3c4d-0000-4000-8000-000000000102"
VNETS = f"/subscriptions/{VICTIM}/providers/microsoft.network/virtualnetworks"
GRAPH = "/providers/microsoft.resourcegraph/resources"
RESOURCES_QUERY = "resources | where type in~"
DENIED = "1a2b3c4d-0000-4000-8000-000000000108"  # denied in the sample's emulator.json


def crawl_tampered(
    estate: Path, tmp_path: Path, state: Path, mode: str, *rules: dict[str, Any], **options: Any
) -> tuple[Any, list[dict[str, Any]], dict[str, Any], list[dict[str, Any]]]:
    with running_emulator(estate, overrides={"tamper": list(rules)}) as emu:
        result = crawl_emulator(emu, tmp_path / "snap", state, mode, **options)
        foreign = emu.foreign_requests()
    snap = tmp_path / "snap"
    return result, read_json(snap, "errors.json"), read_json(snap, "manifest.json"), foreign


def codes_at(errors: list[dict[str, Any]], scope: str) -> set[str]:
    return {e["code"] for e in errors if e["scope"] == scope}


# the same faults on either kind of list
BOTH = {
    "redirect": "UnexpectedStatus",
    "noContent": "UnexpectedStatus",
    "empty": "EmptyAnswer",
    "malformed": "MalformedPage",
    "notList": "MalformedPage",
    "notObjects": "MalformedPage",
    "loop": "PagingLoop",
    "gzipBomb": "AnswerTooLarge",
    "retryAfter": "RetryAfterTooLong",
    # JSON that spells text no UTF-8 snapshot can hold: the crawl once died writing it
    "loneSurrogate": "MalformedPage",
}
ARM_CASES = {**BOTH, "foreignNextLink": "ForeignLink"}
RESOURCE_GRAPH_CASES = {**BOTH, "truncated": "TruncatedResult"}


@pytest.mark.parametrize(("fault", "code"), sorted(ARM_CASES.items()))
def test_a_spoiled_list_page_fails_its_subscription_and_the_rest_is_read(
    sample_estate: Path, tmp_path: Path, tmp_state: Path, fault: str, code: str
) -> None:
    result, errors, manifest, foreign = crawl_tampered(
        sample_estate, tmp_path, tmp_state, "arm", {"path": VNETS, "fault": fault}, timeout=60
    )
    assert not result.timed_out
    assert codes_at(errors, f"/subscriptions/{VICTIM}") == {code}
    crawled = set(manifest["subscriptionsCrawled"])
    assert VICTIM not in crawled
    # every other readable subscription of the sample was read
    assert len(crawled) == 10 and DENIED not in crawled
    assert manifest["tenantsCrawled"] == [TENANT]
    assert not result.complete
    assert foreign == []


@pytest.mark.parametrize(("fault", "code"), sorted(RESOURCE_GRAPH_CASES.items()))
def test_a_spoiled_resource_graph_page_fails_every_subscription_it_covers(
    sample_estate: Path, tmp_path: Path, tmp_state: Path, fault: str, code: str
) -> None:
    rule = {"path": GRAPH, "query": RESOURCES_QUERY, "fault": fault}
    result, errors, manifest, _ = crawl_tampered(
        sample_estate, tmp_path, tmp_state, "resource-graph", rule, timeout=60
    )
    assert not result.timed_out
    assert code in codes_at(errors, f"/tenants/{TENANT}")
    # the query covered every subscription: none of them counts as read
    assert manifest["subscriptionsCrawled"] == []
    failed = {e["scope"] for e in errors if e["scope"].startswith("/subscriptions/")}
    assert len(failed) == 12


@pytest.mark.parametrize(
    ("path", "operation"),
    [
        ("/subscriptions", "Subscriptions_List"),
        ("/providers/microsoft.management/getentities", "Entities_List"),
    ],
)
def test_a_next_link_to_another_host_never_gets_the_token(
    sample_estate: Path, tmp_path: Path, tmp_state: Path, path: str, operation: str
) -> None:
    result, errors, manifest, foreign = crawl_tampered(
        sample_estate, tmp_path, tmp_state, "arm", {"path": path, "fault": "foreignNextLink"}
    )
    assert foreign == []
    entry = next(e for e in errors if e["operation"] == operation)
    assert (entry["scope"], entry["code"]) == (f"/tenants/{TENANT}", "ForeignLink")
    assert "localhost" in entry["message"]
    assert manifest["tenantsCrawled"] == []
    assert not result.complete


def test_a_link_to_another_scheme_host_or_port_is_another_origin() -> None:
    arm = origin("https://management.azure.com")
    assert origin("https://MANAGEMENT.azure.com:443/subscriptions?x=1") == arm
    assert origin("http://management.azure.com/subscriptions") != arm
    assert origin("https://management.azure.com:8443/subscriptions") != arm
    assert origin("https://management.azure.com.evil.example/subscriptions") != arm
    assert origin("https://management.azure.com@evil.example/subscriptions") != arm


def test_a_list_longer_than_the_page_cap_fails_its_scope(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    with running_emulator(sample_estate, overrides={"pageSize": 1}) as emu:
        result = crawl_emulator(
            emu, tmp_path / "snap", tmp_state, "arm", bounds=Bounds(max_pages=5)
        )
    errors = read_json(tmp_path / "snap", "errors.json")
    listing = next(e for e in errors if e["operation"] == "Subscriptions_List")
    assert (listing["scope"], listing["code"]) == (f"/tenants/{TENANT}", "TooManyPages")
    assert not result.complete


def test_the_tokenless_tenant_probe_does_not_wait_for_a_huge_retry_after(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    foreign = "0d1e2f3a-0000-4000-8000-00000000000a"  # a partner's, named by a peering
    rule = {"path": f"/subscriptions/{foreign}", "fault": "retryAfter"}
    result, _, _, _ = crawl_tampered(sample_estate, tmp_path, tmp_state, "arm", rule, timeout=60)
    answers = {f["subscriptionId"]: f for f in read_json(tmp_path / "snap", "foreign.json")}
    assert not result.timed_out
    assert answers[foreign]["status"] == "error"

"""graph/shapes.py drops only what has the wrong JSON type: never a field as Azure sends it."""

from __future__ import annotations

import copy
import gzip
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discovery.estates import SAMPLE_ESTATE
from graph.shapes import Note, drop_misshapen, lines_to_walk
from graph.snapshot import load_snapshot
from tests.conftest import SHARED


def notes_of(document: dict[str, Any]) -> list[Note]:
    notes: list[Note] = []
    kind = document.get("type")
    drop_misshapen(document, "doc", notes, arm_type=kind.lower() if isinstance(kind, str) else "")
    return notes


def test_the_sample_snapshot_has_nothing_misshapen() -> None:
    snap = load_snapshot(SAMPLE_ESTATE)
    assert sum(1 for _ in snap.iter_resources()) > 50
    assert snap.shape_notes == []


def _recorded_bodies() -> Iterator[dict[str, Any]]:
    data = SHARED / "azure-cli-recordings" / "data"
    for name in ("resources.jsonl.gz", "children.jsonl.gz"):
        with gzip.open(data / name, "rt") as handle:
            for line in handle:
                body = json.loads(line)["body"]
                if isinstance(body, dict):
                    yield body
    for path in (SHARED / "azure-api-examples").rglob("*.json"):
        for answer in (json.loads(path.read_text()).get("responses") or {}).values():
            body = answer.get("body")
            items = body.get("value") if isinstance(body, dict) else None
            for item in items if isinstance(items, list) else [body]:
                if isinstance(item, dict):
                    yield item


def test_real_azure_answers_have_nothing_misshapen() -> None:
    if not (SHARED / "azure-cli-recordings").is_dir():
        pytest.skip("../shared (real Azure recordings and API examples) is not beside the repo")
    bodies = list(_recorded_bodies())
    assert len(bodies) > 2000
    found = [note for body in bodies for note in notes_of(body)]
    assert found == []


def test_a_field_of_the_wrong_type_is_removed_and_noted() -> None:
    peering = {
        "id": "/subscriptions/s/x",
        "type": "Microsoft.Network/virtualNetworks",
        "sku": "Standard",
        "properties": {
            "virtualNetworkPeerings": [
                1,
                {"name": "p", "properties": {"remoteVirtualNetwork": "not-an-object"}},
            ]
        },
    }
    notes = notes_of(peering)
    assert peering == {
        "id": "/subscriptions/s/x",
        "type": "Microsoft.Network/virtualNetworks",
        "properties": {"virtualNetworkPeerings": [{"name": "p", "properties": {}}]},
    }
    assert {(n["field"], n["expected"], n["found"]) for n in notes} == {
        ("sku", "object", "string"),
        ("properties.virtualNetworkPeerings[]", "object", "number"),
        (
            "properties.virtualNetworkPeerings[0].properties.remoteVirtualNetwork",
            "object",
            "string",
        ),
    }


def test_a_security_rule_without_a_readable_priority_is_dropped_whole() -> None:
    nsg = {
        "type": "Microsoft.Network/networkSecurityGroups",
        "properties": {
            "securityRules": [
                {"name": "a", "properties": {"priority": [1], "access": "Allow"}},
                {"name": "b", "properties": {"priority": 200, "access": "Deny"}},
            ]
        },
    }
    notes = notes_of(nsg)
    assert [r["name"] for r in nsg["properties"]["securityRules"]] == ["b"]
    assert [n["field"] for n in notes] == [
        "properties.securityRules[0].properties.priority",
        "properties.securityRules[0]",
    ]


def test_a_single_string_where_a_list_of_strings_is_usual_is_kept() -> None:
    vnet = {"properties": {"addressSpace": {"addressPrefixes": "10.0.0.0/16"}}}
    assert notes_of(vnet) == []


def test_a_misshapen_field_is_noted_in_a_document_shaped_like_a_well_formed_one_seen_before() -> (
    None
):
    def nic(primary: object) -> dict[str, object]:
        return {
            "id": "/subscriptions/s/nic",
            "type": "Microsoft.Network/networkInterfaces",
            "properties": {"ipConfigurations": [{"name": "c", "properties": {"primary": primary}}]},
        }

    assert notes_of(nic(True)) == []
    misshapen = nic("yes")
    assert [(n["field"], n["found"]) for n in notes_of(misshapen)] == [
        ("properties.ipConfigurations[0].properties.primary", "string")
    ]
    assert misshapen["properties"] == {"ipConfigurations": [{"name": "c", "properties": {}}]}


# -- the quick look (shapes.lines_to_walk) ----------------------------------------------


@cache
def sample_resources() -> list[dict[str, Any]]:
    lines = (SAMPLE_ESTATE / "resources.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_the_quick_look_lets_well_shaped_lines_through_unwalked() -> None:
    lines = [orjson.dumps(item) + b"\n" for item in sample_resources()]
    walked = lines_to_walk(lines)
    # only lines holding a name whose check depends on its place (sku, rules, ...)
    assert len(walked) < len(lines) / 2
    assert all(
        b'"sku"' in lines[i]
        or b'"rules"' in lines[i]
        or b'"status"' in lines[i]
        or b'"addressSpace"' in lines[i]
        or b'"frontendPort"' in lines[i]
        for i in walked
    )


def test_the_quick_look_sends_a_line_with_a_misfit_anywhere_to_the_walk() -> None:
    lines = [
        b'{"id":"a","properties":{"ipConfigurations":[{"properties":{"primary":"yes"}}]}}\n',
        b'{"id":"b","properties":{"subnets":[{"id":"s"},"x"]}}\n',
        b'{"id":"c","properties":{"addressPrefixes":["10.0.0.0/8", 10]}}\n',
        b'{"id":"d", "properties" : {"securityRules" : [ 1 ]}}\r\n',
        b'{"id":"e","properties":{"\\u0070rimary":"yes"}}\n',
        b'{"id":"f","properties":{"primary":true}}\n',
    ]
    assert lines_to_walk(lines) == {0, 1, 2, 3, 4}


# one value of each JSON type, and lists mixing them
ODD_VALUES = st.sampled_from(
    [1, -2.5, "x", True, False, None, {}, {"priority": "1"}, [], [1, "y"], [{}], ["s"], [{}, 1]]
)
# how a hand-edited or another tool's file may space its JSON
SPACINGS = st.sampled_from([None, (", ", ": "), (" ,\t", " :  ")])


@st.composite
def respelled_resources(draw: st.DrawFn) -> tuple[dict[str, Any], bytes]:
    """A sample resource with some of its values replaced by values of other types."""
    document = copy.deepcopy(draw(st.sampled_from(sample_resources())))
    places: list[tuple[Any, Any]] = []

    def collect(value: Any) -> None:
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in list(items):
            places.append((value, key))
            if isinstance(child, dict | list):
                collect(child)

    collect(document)
    for index in draw(st.lists(st.integers(0, len(places) - 1), max_size=3)):
        holder, key = places[index]
        holder[key] = draw(ODD_VALUES)
    document["id"], document["type"] = str(document.get("id")), str(document.get("type"))
    spacing = draw(SPACINGS)
    if spacing is None:
        return document, orjson.dumps(document) + b"\n"
    return document, json.dumps(document, separators=spacing).encode() + b"\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(respelled_resources())
def test_a_line_the_quick_look_lets_through_is_one_the_walk_would_leave_as_it_is(
    drawn: tuple[dict[str, Any], bytes],
) -> None:
    document, line = drawn
    walked = copy.deepcopy(document)
    if not lines_to_walk([line]):
        assert notes_of(walked) == []
        assert walked == document

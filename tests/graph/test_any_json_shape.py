"""The build, the analyses and the reports tolerate any JSON shape in a snapshot.

A field of the wrong type is treated as absent for its document and noted in
the report's coverage (`misshapen`); it never crashes the pipeline. Hypothesis
mutates field types across every document of the sample snapshot.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discovery.estates import SAMPLE_ESTATE
from graph.analysis import analyse
from graph.build import build_graph
from graph.crawl_record import crawl_record
from graph.inventory import load_inventory
from graph.shapes import kind_of
from graph.snapshot import load_snapshot
from reports.render import write_reports

SMALL_FILES = (
    "manifest.json",
    "tenants.json",
    "subscriptions.json",
    "management-groups.json",
    "errors.json",
)
# what the snapshot format itself requires (a clear SnapshotError otherwise)
FORMAT_FIELDS = {("manifest.json", ("format",))}
REPORTS = ("report.json", "report.html", "report.md", "findings.csv")
PEERING = "/subscriptions/1a2b3c4d-0000-4000-8000-000000000102/resourcegroups/rg-network/providers/microsoft.network/virtualnetworks/vnet-payments"


@cache
def documents() -> dict[str, Any]:
    """name -> parsed file; resources.jsonl as a list of resources."""
    docs: dict[str, Any] = {
        name: json.loads((SAMPLE_ESTATE / name).read_text())
        for name in SMALL_FILES
        if (SAMPLE_ESTATE / name).is_file()
    }
    lines = (SAMPLE_ESTATE / "resources.jsonl").read_text().splitlines()
    docs["resources.jsonl"] = [json.loads(line) for line in lines if line.strip()]
    return docs


def _paths(value: Any, prefix: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            out.append((*prefix, key))
            out.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.append((*prefix, index))
            out.extend(_paths(item, (*prefix, index)))
    return out


@cache
def field_paths() -> list[tuple[str, tuple[Any, ...]]]:
    """Every field and list item of every document, except a resource's own id and type."""
    found: list[tuple[str, tuple[Any, ...]]] = []
    for name, doc in documents().items():
        for path in _paths(doc, ()):
            if name == "resources.jsonl" and len(path) == 2 and path[1] in ("id", "type"):
                continue
            if name == "resources.jsonl" and len(path) == 1:
                continue  # a line that is not an object is a SnapshotError, by the format
            if (name, path) not in FORMAT_FIELDS:
                found.append((name, path))
    return found


other_json = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(2**31), max_value=2**31),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(), max_size=3),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.just([1]),
    st.just({}),
    st.just([]),
)


def write_mutated(folder: Path, mutations: list[tuple[int, Any]]) -> None:
    docs = json.loads(json.dumps(documents()))
    paths = field_paths()
    for index, value in mutations:
        name, path = paths[index % len(paths)]
        target = docs[name]
        try:
            for step in path[:-1]:
                target = target[step]
            if kind_of(target[path[-1]]) != kind_of(value):  # a change of type, not of value
                target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced what held this field
    shutil.copytree(SAMPLE_ESTATE, folder)
    for name in SMALL_FILES:
        if name in docs:
            (folder / name).write_text(json.dumps(docs[name]))
    (folder / "resources.jsonl").write_text(
        "\n".join(json.dumps(r) for r in docs["resources.jsonl"]) + "\n"
    )


def run_pipeline(snapshot: Path, out: Path) -> dict[str, Any]:
    snap = load_snapshot(snapshot)
    graph = build_graph(snap)
    report = analyse(
        graph,
        crawl_record(snap),
        load_inventory(SAMPLE_ESTATE / "inventory.yaml"),
        today=dt.date(2026, 11, 27),
        run={"id": "r1"},
        previous=None,
    )
    write_reports(report, out)
    return report


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    mutations=st.lists(
        st.tuples(st.integers(min_value=0, max_value=10**6), other_json), min_size=1, max_size=8
    )
)
def test_wrong_field_types_anywhere_still_give_every_report(
    tmp_path_factory: Any, mutations: list[tuple[int, Any]]
) -> None:
    base = tmp_path_factory.mktemp("shape")
    write_mutated(base / "snap", mutations)
    run_pipeline(base / "snap", base / "out")
    assert all((base / "out" / name).is_file() for name in REPORTS)


def test_a_misshapen_field_is_absent_noted_and_its_subscription_unverified(
    tmp_path: Path,
) -> None:
    docs = documents()
    resources = docs["resources.jsonl"]
    index = next(i for i, r in enumerate(resources) if r["id"].lower() == PEERING)
    paths = field_paths()
    peering = paths.index(
        ("resources.jsonl", (index, "properties", "virtualNetworkPeerings", 0, "properties"))
    )
    sku = next(
        i
        for i, (name, path) in enumerate(paths)
        if name == "subscriptions.json" and path[1:] == ("managedByTenants",)
    )
    write_mutated(tmp_path / "snap", [(peering, "a string"), (sku, "x")])
    report = run_pipeline(tmp_path / "snap", tmp_path / "out")
    coverage = report["coverage"]
    fields = {(n["document"].lower(), n["field"]) for n in coverage["misshapen"]}
    assert (PEERING, "properties.virtualNetworkPeerings[0].properties") in fields
    assert any(field == "managedByTenants" for _, field in fields)
    assert not coverage["complete"]
    assert "1a2b3c4d-0000-4000-8000-000000000102" not in coverage["subscriptionsCrawled"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (("remoteVirtualNetwork",), "a string"),
        (("sku",), "Standard"),
        (("serviceProviderProperties",), "a string"),
        (("peerings", 0), 1),  # peerings: [1]
        (("managedByTenants",), "x"),
        (("notScopes",), 1),
        (("notificationsSources",), True),
        (("trustedExternalTenants",), 1),
        (("loadBalancerFrontendIpConfigurations",), True),
    ],
    ids=[
        "remoteVirtualNetwork",
        "sku",
        "serviceProviderProperties",
        "peerings",
        "managedByTenants",
        "notScopes",
        "notificationsSources",
        "trustedExternalTenants",
        "loadBalancerFrontendIpConfigurations",
    ],
)
def test_each_shape_that_crashed_the_build_now_gives_every_report_and_a_note(
    tmp_path: Path, field: tuple[Any, ...], value: Any
) -> None:
    """Issue 10, item 5 (and, since, the governance, identity and private link service
    fields a probe of every field found): each gave a TypeError, exit 3 and no reports."""
    paths = field_paths()
    index = next(
        i
        for i, (name, path) in enumerate(paths)
        if path[-len(field) :] == field and kind_of(_value_at(path, name)) != kind_of(value)
    )
    write_mutated(tmp_path / "snap", [(index, value)])
    report = run_pipeline(tmp_path / "snap", tmp_path / "out")
    assert all((tmp_path / "out" / name).is_file() for name in REPORTS)
    noted = [n["field"] for n in report["coverage"]["misshapen"]]
    assert any(field[0] in n for n in noted), noted


def _value_at(path: tuple[Any, ...], name: str) -> Any:
    target = documents()[name]
    for step in path:
        target = target[step]
    return target

"""The build, the analyses and the reports tolerate any VALUE in the fields that decide
exposure, not only any JSON type.

A port range of ``":"``, a priority of 70000, a protocol of ``"Tcpp"`` or a
DNAT port of ``"abc"`` has the JSON type ARM gives the field and so passes the
shape check (graph/shapes.py); the analyses must still never stop the night on
it. Hypothesis replaces the values of the NSG, load balancer, firewall and
application gateway fields of the sample snapshot with hostile ones of the same
type and asserts the whole pipeline completes with every report.
"""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discovery.estates import SAMPLE_ESTATE
from tests.graph.test_any_json_shape import REPORTS, documents, field_paths, run_pipeline

# the fields an NSG rule, a load balancer rule, a DNAT rule or a listener is read from
VALUE_FIELDS = frozenset(
    {
        "access",
        "backendPort",
        "destinationAddresses",
        "destinationAddressPrefix",
        "destinationAddressPrefixes",
        "destinationPortRange",
        "destinationPortRanges",
        "destinationPorts",
        "direction",
        "frontendPort",
        "frontendPortRangeEnd",
        "frontendPortRangeStart",
        "ipAddress",
        "ipProtocols",
        "port",
        "priority",
        "privateIPAddress",
        "protocol",
        "protocols",
        "sourceAddresses",
        "sourceAddressPrefix",
        "sourceAddressPrefixes",
        "sourcePortRange",
        "sourcePortRanges",
        "translatedAddress",
        "translatedPort",
    }
)

hostile_text = st.sampled_from(
    [
        ":",
        "abc",
        "",
        " ",
        "-",
        "-1",
        "5-3",
        "0-70000",
        "65536",
        "1,,2",
        "22-",
        "*-*",
        "10.0.0.0/33",
        "300.1.1.1",
        "::/0",
        "0.0.0.0/1",
        "Internett",
        "Tcpp",
        "Alow",
        "Inbund",
        "\u202e22",
        "22\x00",
        "1e3",
    ]
)
hostile_number = st.sampled_from([-1, 0, 65536, 2**40, -(2**40), 1.5, 99, 4097, 70000])
hostile_list = st.lists(hostile_text, max_size=3)


def _hostile_like(value: Any) -> st.SearchStrategy[Any]:
    if isinstance(value, bool):
        return st.just(not value)
    if isinstance(value, int | float):
        return hostile_number
    if isinstance(value, list):
        return hostile_list
    return hostile_text


@cache
def value_paths() -> list[tuple[str, tuple[Any, ...]]]:
    """Every occurrence of a VALUE_FIELDS field in the sample snapshot whose value is a
    string, a number or a list of them."""
    out = []
    for name, path in field_paths():
        if not isinstance(path[-1], str) or path[-1] not in VALUE_FIELDS:
            continue
        value = _at(documents()[name], path)
        if isinstance(value, str | int | float | list) and not isinstance(value, bool):
            out.append((name, path))
    return out


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def write_with_values(folder: Path, changes: list[tuple[tuple[str, tuple[Any, ...]], Any]]) -> None:
    docs = json.loads(json.dumps(documents()))
    for (name, path), value in changes:
        _at(docs[name], path[:-1])[path[-1]] = value
    shutil.copytree(SAMPLE_ESTATE, folder)
    for name, doc in docs.items():
        if name == "resources.jsonl":
            text = "\n".join(json.dumps(r) for r in doc) + "\n"
        else:
            text = json.dumps(doc)
        (folder / name).write_text(text)


@st.composite
def value_changes(draw: st.DrawFn) -> list[tuple[tuple[str, tuple[Any, ...]], Any]]:
    paths = value_paths()
    chosen = draw(st.lists(st.sampled_from(paths), min_size=1, max_size=6, unique=True))
    return [(p, draw(_hostile_like(_at(documents()[p[0]], p[1])))) for p in chosen]


def test_the_sample_snapshot_has_the_fields_the_value_test_mutates() -> None:
    """Without them the property below would prove nothing."""
    keys = {path[-1] for _, path in value_paths()}
    assert {"priority", "destinationPortRange", "backendPort", "destinationPorts"} <= keys


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=value_changes())
def test_hostile_values_in_rules_and_listeners_still_give_every_report(
    tmp_path_factory: Any, changes: list[tuple[tuple[str, tuple[Any, ...]], Any]]
) -> None:
    base = tmp_path_factory.mktemp("value")
    write_with_values(base / "snap", changes)
    run_pipeline(base / "snap", base / "out")
    assert all((base / "out" / name).is_file() for name in REPORTS)

"""PortSet: parsing ARM port specs, set algebra and the report form (findings.md).

The spec forms are Azure's: a port, a range ``a-b``, ``*`` or a list of them, within
0-65535 (Microsoft Learn, "Network security groups overview", "Security rules").
"""

from __future__ import annotations

import pytest

from graph.analysis.ports import PortSet, parse_ranges


@pytest.mark.parametrize(
    ("protocol", "specs", "expected"),
    [
        ("Tcp", "22", [{"protocol": "tcp", "ports": "22"}]),
        (
            "tcp",
            ["443", "8080-8090"],
            [{"protocol": "tcp", "ports": "443"}, {"protocol": "tcp", "ports": "8080-8090"}],
        ),
        ("UDP", "*", [{"protocol": "udp", "ports": "*"}]),
        ("tcp", "0-65535", [{"protocol": "tcp", "ports": "*"}]),
        (
            "tcp",
            [443, "80"],
            [{"protocol": "tcp", "ports": "80"}, {"protocol": "tcp", "ports": "443"}],
        ),
        (
            "tcp",
            "80,443",
            [{"protocol": "tcp", "ports": "80"}, {"protocol": "tcp", "ports": "443"}],
        ),
        ("Icmp", "*", [{"protocol": "icmp", "ports": "*"}]),
        ("Esp", "*", []),
        ("Ah", "500", []),
        ("tcp", [], []),
    ],
)
def test_parse_reads_singular_plural_star_and_ranges(
    protocol: str, specs: object, expected: list[dict[str, str]]
) -> None:
    assert PortSet.parse(protocol, specs).to_report() == expected  # type: ignore[arg-type]


def test_protocol_star_contributes_to_tcp_udp_and_icmp() -> None:
    assert PortSet.parse("*", "53").to_report() == [
        {"protocol": "icmp", "ports": "*"},
        {"protocol": "tcp", "ports": "53"},
        {"protocol": "udp", "ports": "53"},
    ]


def test_report_merges_adjacent_and_overlapping_ranges_into_maximal_ones() -> None:
    ports = PortSet.parse("tcp", ["21", "20", "22-30", "25-40", "42"])
    assert ports.to_report() == [
        {"protocol": "tcp", "ports": "20-40"},
        {"protocol": "tcp", "ports": "42"},
    ]


@pytest.mark.parametrize("bad", ["abc", "80-", "70000", "90-80", "-1", "1-2-3"])
def test_parse_rejects_bad_specs_with_a_sentence_naming_the_spec(bad: str) -> None:
    with pytest.raises(ValueError, match=repr(bad).replace("[", r"\[")):
        parse_ranges(bad)


def test_union_joins_protocols_and_ranges() -> None:
    joined = PortSet.parse("tcp", "20") | PortSet.parse("tcp", "21") | PortSet.parse("udp", "53")
    assert joined.to_report() == [
        {"protocol": "tcp", "ports": "20-21"},
        {"protocol": "udp", "ports": "53"},
    ]


def test_minus_cuts_holes_exactly() -> None:
    left = PortSet.all("tcp") - PortSet.parse("tcp", ["22", "100-200", "65535"])
    assert left.to_report() == [
        {"protocol": "tcp", "ports": "0-21"},
        {"protocol": "tcp", "ports": "23-99"},
        {"protocol": "tcp", "ports": "201-65534"},
    ]


def test_minus_leaves_other_protocols_alone() -> None:
    left = PortSet.parse("*", "80") - PortSet.parse("tcp", "*")
    assert left.to_report() == [
        {"protocol": "icmp", "ports": "*"},
        {"protocol": "udp", "ports": "80"},
    ]


def test_intersect_keeps_only_common_ports_per_protocol() -> None:
    common = PortSet.parse("tcp", ["10-20", "30-40"]) & (
        PortSet.parse("tcp", "15-35") | PortSet.parse("udp", "15")
    )
    assert common.to_report() == [
        {"protocol": "tcp", "ports": "15-20"},
        {"protocol": "tcp", "ports": "30-35"},
    ]


def test_empty_set_is_empty_and_falsy() -> None:
    ports = PortSet.parse("tcp", "22") - PortSet.parse("tcp", "0-100")
    assert ports.is_empty()
    assert not ports
    assert ports == PortSet.empty()


@pytest.mark.parametrize(
    ("ports", "expected"),
    [
        (PortSet.parse("tcp", "22"), True),
        (PortSet.parse("tcp", "3000-4000"), True),
        (PortSet.parse("tcp", "5985"), True),
        (PortSet.parse("tcp", "5986"), True),
        (PortSet.parse("udp", "22"), False),
        (PortSet.parse("tcp", ["23-3388", "3390-5984"]), False),
        (PortSet.parse("tcp", "443"), False),
    ],
)
def test_management_ports_are_tcp_22_3389_5985_5986(ports: PortSet, expected: bool) -> None:
    assert ports.contains_management_ports() is expected


@pytest.mark.parametrize(
    ("ports", "expected"),
    [
        (PortSet.parse("tcp", "*"), True),
        (PortSet.parse("udp", "0-65535"), True),
        (PortSet.parse("tcp", "1-65535"), False),
        (PortSet.parse("icmp", "*"), False),
        (PortSet.parse("tcp", ["0-100", "101-65535"]), True),
    ],
)
def test_is_all_means_every_tcp_or_every_udp_port(ports: PortSet, expected: bool) -> None:
    assert ports.is_all() is expected


def test_from_report_inverts_to_report() -> None:
    ports = PortSet.parse("tcp", ["22", "80-90"]) | PortSet.parse("*", "*")
    assert PortSet.from_report(ports.to_report()) == ports


def test_port_sets_are_immutable_values() -> None:
    ports = PortSet.parse("tcp", "22")
    with pytest.raises(AttributeError):
        ports.extra = 1
    assert {ports, PortSet.parse("TCP", ["22"])} == {ports}

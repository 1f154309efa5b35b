"""inventory.md "Bad input": every problem refused with file, line and path; a valid file passes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from graph.inventory import InventoryError, load_inventory
from tests.analysis.estate import HOME, SUB_A

T = HOME
S = SUB_A
CIRCUIT = (
    f"/subscriptions/{S}/resourceGroups/net/providers/Microsoft.Network/expressRouteCircuits/er-ams"
)
VM = f"/subscriptions/{S}/resourceGroups/web/providers/Microsoft.Compute/virtualMachines/web-01"

VALID = f"""\
version: 1
organization: Contoso
tenants:
  - id: {T}
    name: Contoso
    relationship: home
  - id: 0d1e2f3a-0000-4000-8000-000000000002
    relationship: partner
    subscriptions: [5c6d7e8f-0000-4000-8000-00000000000a]
management_groups:
  - id: contoso-landing-zones
    tenant: {T}
subscriptions:
  - id: {S}
    name: prod-payments
    tenant: {T}
    environment: production
    owner: payments-team@contoso.example
expressroute_circuits:
  - id: {CIRCUIT}
    provider: Equinix
sites:
  - name: amsterdam-dc
    gateway_ips: [203.0.113.10]
    gateway_fqdns: [vpn.ams.contoso.example]
    address_prefixes: [10.0.0.0/8, 172.16.0.0/12]
approved_exposures:
  - resource: {VM}
    ports: [443, "8080-8090"]
    protocol: tcp
    reason: public storefront
    ticket: CHG-1042
    expires: 2027-06-30
accepted:
  - kind: unknown-tenant
    subject: f8cdef31-a31e-4b4a-93e4-5f571e91255a
    reason: first-party tenant
    expires: 2027-01-31
"""

# (case, file text, [(line, "path: message fragment")])
BAD: list[tuple[str, str, list[tuple[int, str]]]] = [
    ("empty file", "", [(1, "the file is empty")]),
    ("only a comment", "# nothing\n", [(1, "the file is empty")]),
    ("not a mapping", "- version: 1\n", [(1, "the file is not a mapping")]),
    ("a bare text", "hello\n", [(1, "the file is not a mapping")]),
    ("yaml syntax error", "version: 1\ntenants:\n  - id: [\n", [(4, "YAML syntax error")]),
    ("bad indentation", "version: 1\ntenants:\n - id: a\n  name: b\n", [(4, "YAML syntax error")]),
    ("version 2", "version: 2\n", [(1, "version: 2 is not a supported version")]),
    ("version as text", 'version: "1"\n', [(1, 'version: "1" is not a supported version')]),
    ("version missing", "tenants: []\n", [(1, "version: required key is missing")]),
    (
        "unknown top-level key",
        "version: 1\nsubscription:\n  - id: x\n",
        [(2, "subscription: unknown key")],
    ),
    (
        "misspelt key in an item",
        f"version: 1\ntenants:\n  - id: {T}\n    relatinship: home\n",
        [
            (3, "tenants[0].relationship: required key is missing"),
            (4, "tenants[0].relatinship: unknown key"),
        ],
    ),
    (
        "relationship not in the list",
        f"version: 1\ntenants:\n  - id: {T}\n    relationship: friend\n",
        [(4, 'tenants[0].relationship: "friend" is not one of')],
    ),
    (
        "tenant id not a GUID",
        "version: 1\ntenants:\n  - id: contoso\n    relationship: home\n",
        [(3, 'tenants[0].id: "contoso" is not a tenant id (a GUID)')],
    ),
    (
        "subscription id not a GUID",
        f"version: 1\nsubscriptions:\n  - id: {S}\n  - id: {S[:-1]}9\n  - id: prod\n",
        [(5, 'subscriptions[2].id: "prod" is not a subscription id (a GUID)')],
    ),
    (
        "subscription id a number",
        "version: 1\nsubscriptions:\n  - id: 12345\n",
        [(3, "subscriptions[0].id: 12345 is not a subscription id (a GUID)")],
    ),
    (
        "environment not in the list",
        f"version: 1\nsubscriptions:\n  - id: {S}\n    environment: prod\n",
        [(4, 'subscriptions[0].environment: "prod" is not one of')],
    ),
    (
        "subscription tenant not a GUID",
        f"version: 1\nsubscriptions:\n  - id: {S}\n    tenant: contoso\n",
        [(4, 'subscriptions[0].tenant: "contoso" is not a tenant id')],
    ),
    (
        "management group without tenant",
        "version: 1\nmanagement_groups:\n  - id: corp\n",
        [(3, "management_groups[0].tenant: required key is missing")],
    ),
    (
        "management group without id",
        f"version: 1\nmanagement_groups:\n  - tenant: {T}\n",
        [(3, "management_groups[0].id: required key is missing")],
    ),
    (
        "subscription without id",
        "version: 1\nsubscriptions:\n  - name: prod\n",
        [(3, "subscriptions[0].id: required key is missing")],
    ),
    (
        "tenant without id",
        "version: 1\ntenants:\n  - relationship: home\n",
        [(3, "tenants[0].id: required key is missing")],
    ),
    (
        "circuit id not an ARM id",
        "version: 1\nexpressroute_circuits:\n  - id: er-ams\n",
        [(3, 'expressroute_circuits[0].id: "er-ams" is not an ExpressRoute circuit id')],
    ),
    (
        "circuit id of another type",
        f"version: 1\nexpressroute_circuits:\n  - id: {VM}\n",
        [(3, "expressroute_circuits[0].id: ")],
    ),
    (
        "circuit without id",
        "version: 1\nexpressroute_circuits:\n  - provider: Equinix\n",
        [(3, "expressroute_circuits[0].id: required key is missing")],
    ),
    (
        "site IP does not parse",
        "version: 1\nsites:\n  - name: ams\n    gateway_ips: [203.0.113.300]\n"
        "    address_prefixes: [10.0.0.0/8]\n",
        [(4, 'sites[0].gateway_ips[0]: "203.0.113.300" is not an IP address')],
    ),
    (
        "site prefix does not parse",
        "version: 1\nsites:\n  - name: ams\n    gateway_ips: [203.0.113.10]\n"
        "    address_prefixes:\n      - 10.0.0.0/8\n      - 10.300.0.0/16\n",
        [(7, 'sites[0].address_prefixes[1]: "10.300.0.0/16" is not an address prefix')],
    ),
    (
        "site without gateway",
        "version: 1\nsites:\n  - name: ams\n    address_prefixes: [10.0.0.0/8]\n",
        [(3, "sites[0]: a site needs gateway_ips or gateway_fqdns")],
    ),
    (
        "site without prefixes",
        "version: 1\nsites:\n  - name: ams\n    gateway_ips: [203.0.113.10]\n",
        [(3, "sites[0].address_prefixes: required key is missing")],
    ),
    (
        "site without name",
        "version: 1\nsites:\n  - gateway_ips: [203.0.113.10]\n    address_prefixes: [10.0.0.0/8]\n",
        [(3, "sites[0].name: required key is missing")],
    ),
    (
        "site prefixes not a list",
        "version: 1\nsites:\n  - name: ams\n    gateway_ips: [203.0.113.10]\n"
        "    address_prefixes: 10.0.0.0/8\n",
        [(5, 'sites[0].address_prefixes: expected a list, got "10.0.0.0/8"')],
    ),
    (
        "approval resource not an ARM id",
        "version: 1\napproved_exposures:\n  - resource: web-01\n    ports: [443]\n"
        "    expires: 2027-06-30\n",
        [(3, 'approved_exposures[0].resource: "web-01" is not a resource id (an ARM id)')],
    ),
    (
        "approval without expiry",
        f"version: 1\napproved_exposures:\n  - resource: {VM}\n    ports: [443]\n",
        [(3, "approved_exposures[0].expires: required key is missing")],
    ),
    (
        "approval without ports",
        f"version: 1\napproved_exposures:\n  - resource: {VM}\n    expires: 2027-06-30\n",
        [(3, "approved_exposures[0].ports: required key is missing")],
    ),
    (
        "approval port out of range",
        f"version: 1\napproved_exposures:\n  - resource: {VM}\n    ports: [443, 70000]\n"
        "    expires: 2027-06-30\n",
        [(4, "approved_exposures[0].ports[1]: 70000 is not a port")],
    ),
    (
        "approval date does not parse",
        f"version: 1\napproved_exposures:\n  - resource: {VM}\n    ports: [443]\n"
        "    expires: 2027-13-45\n",
        [(5, 'approved_exposures[0].expires: "2027-13-45" is not a date')],
    ),
    (
        "approval protocol not in the list",
        f"version: 1\napproved_exposures:\n  - resource: {VM}\n    ports: [443]\n"
        "    protocol: icmp\n    expires: 2027-06-30\n",
        [(5, 'approved_exposures[0].protocol: "icmp" is not one of')],
    ),
    (
        "accepted date does not parse",
        "version: 1\naccepted:\n  - kind: unknown-tenant\n    subject: x\n    expires: soon\n",
        [(5, 'accepted[0].expires: "soon" is not a date')],
    ),
    (
        "accepted kind unknown",
        "version: 1\naccepted:\n  - kind: unknown-thing\n    subject: x\n    expires: 2027-01-01\n",
        [(3, 'accepted[0].kind: "unknown-thing" is not a finding kind')],
    ),
    (
        "accepted without subject",
        "version: 1\naccepted:\n  - kind: unknown-tenant\n    expires: 2027-01-01\n",
        [(3, "accepted[0].subject: required key is missing")],
    ),
    (
        "a list where a mapping belongs",
        "version: 1\ntenants:\n  - just-a-text\n",
        [(3, "tenants[0]: expected a mapping")],
    ),
    (
        "a mapping where a list belongs",
        f"version: 1\nsubscriptions:\n  id: {S}\n",
        [(3, "subscriptions: expected a list")],
    ),
    (
        "a list where a text belongs",
        f"version: 1\nsubscriptions:\n  - id: {S}\n    name: [a, b]\n",
        [(4, "subscriptions[0].name: ")],
    ),
    (
        "the same tenant twice",
        f"version: 1\ntenants:\n  - id: {T}\n    relationship: home\n"
        f"  - id: {T.upper()}\n    relationship: home\n",
        [(5, "tenants[1].id: tenant ")],
    ),
    (
        "the same subscription twice",
        f"version: 1\nsubscriptions:\n  - id: {S}\n  - id: {S}\n",
        [(4, "subscriptions[1].id: subscription ")],
    ),
    (
        "the same circuit twice",
        f"version: 1\nexpressroute_circuits:\n  - id: {CIRCUIT}\n  - id: {CIRCUIT.lower()}\n",
        [(4, "expressroute_circuits[1].id: circuit ")],
    ),
    (
        "the same site twice",
        "version: 1\nsites:\n  - name: ams\n    gateway_ips: [203.0.113.10]\n"
        "    address_prefixes: [10.0.0.0/8]\n  - name: ams\n    gateway_ips: [203.0.113.11]\n"
        "    address_prefixes: [10.0.0.0/8]\n",
        [(6, "sites[1].name: site ")],
    ),
    (
        "the same key twice",
        "version: 1\nversion: 1\n",
        [(2, "version: the key appears twice")],
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), BAD, ids=[c[0] for c in BAD])
def test_bad_inventory_is_refused_naming_file_line_and_path(
    tmp_path: Path, case: str, text: str, expected: list[tuple[int, str]]
) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text(text)
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    problems = caught.value.problems
    for line, fragment in expected:
        prefix = f"{path}:{line}: "
        assert any(p.startswith(prefix) and fragment in p for p in problems), (case, problems)


def test_every_problem_is_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text(
        "version: 1\n"
        "tenants:\n"
        "  - id: contoso\n"  # 3
        "    relationship: home\n"
        "subscriptions:\n"
        "  - id: prod\n"  # 6
        "    environmnet: production\n"  # 7
        "sites:\n"
        "  - name: ams\n"
        "    gateway_ips: [not-an-ip]\n"  # 10
        "    address_prefixes: [10.0.0.0/8]\n"
    )
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    lines = [int(p.split(":")[1]) for p in caught.value.problems]
    assert lines == [3, 6, 7, 10]
    assert str(caught.value).count("\n") == 3


def test_the_example_message_of_the_spec(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    body = "".join(f"  - id: {S[:-1]}{i}\n" for i in range(2))
    path.write_text("version: 1\n" + "\n" * 9 + "subscriptions:\n" + body + "  - id: prod\n")
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    assert caught.value.problems == [
        f'{path}:14: subscriptions[2].id: "prod" is not a subscription id (a GUID)'
    ]


def test_a_valid_inventory_loads_with_its_declarations_and_hash(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text(VALID)
    inv = load_inventory(path)
    assert inv.organization == "Contoso"
    assert inv.sha256 == hashlib.sha256(VALID.encode()).hexdigest()
    assert inv.path == str(path)
    assert inv.tenant(T.upper()) is not None
    assert inv.subscription(S) is not None and inv.is_production(S)
    assert inv.circuit_declared(CIRCUIT.lower())
    assert inv.approvals[0].ports == ["443", "8080-8090"]
    assert inv.accepted[0].subject == "f8cdef31-a31e-4b4a-93e4-5f571e91255a"


def test_the_sample_estate_inventory_is_valid(sample_estate: Path) -> None:
    inv = load_inventory(sample_estate / "inventory.yaml")
    assert inv.tenants


def test_a_missing_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(InventoryError) as caught:
        load_inventory(tmp_path / "nope.yaml")
    assert caught.value.problems[0].startswith(f"{tmp_path / 'nope.yaml'}: cannot read the file")


def test_an_empty_section_means_none(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text("version: 1\ntenants:\napproved_exposures:\naccepted: []\n")
    inv = load_inventory(path)
    assert inv.tenants == () and inv.approvals == ()

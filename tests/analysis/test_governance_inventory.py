"""governance.md "Declared baseline": the `governance` section, validated like the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.crawl_record import crawl_record
from graph.inventory import InventoryError, parse_inventory
from tests.cli.helpers import tenantmap

MCSB = (
    "/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8"
)
SECOPS = "9f1b0e1c-0000-4000-8000-0000000000aa"

BASELINE = f"""\
version: 1
governance:
  applies_to: connected
  root_management_group: contoso
  policy_assignments:
    - definition: {MCSB}
      name: Microsoft cloud security benchmark
      enforcement: default
  defender_plans: [VirtualMachines, storageaccounts, KeyVaults]
  security_contact: true
  readers:
    - principal: {SECOPS}
      name: secops-team
      roles: [Reader, security reader, fb1c8493-542b-48eb-b624-b4c8fea62acd]
  tenant_controls:
    block_subscriptions_entering: true
    default_management_group: contoso-landing
"""


def test_a_full_baseline_is_read_with_roles_as_guids_and_plans_in_azure_casing() -> None:
    gov = parse_inventory(BASELINE).governance
    assert gov is not None
    assert gov.readers[0].roles == [
        "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        "39bc4728-0917-49c7-9d2c-d95423bc2eb4",
        "fb1c8493-542b-48eb-b624-b4c8fea62acd",
    ]
    assert gov.defender_plans == ["VirtualMachines", "StorageAccounts", "KeyVaults"]
    assert gov.controls() == [
        "placement",
        "policy:Microsoft cloud security benchmark",
        "defender:VirtualMachines",
        "defender:StorageAccounts",
        "defender:KeyVaults",
        "security-contact",
        "reader:secops-team",
    ]
    assert gov.tenant_control_names() == [
        "block-subscriptions-entering",
        "default-management-group",
    ]


def test_an_inventory_without_governance_checks_nothing() -> None:
    assert parse_inventory("version: 1\n").governance is None
    empty = parse_inventory("version: 1\ngovernance: {}\n").governance
    assert empty is not None and empty.controls() == [] and empty.applies_to == "connected"


BAD: list[tuple[str, str, str]] = [
    (
        "unknown role name",
        f"version: 1\ngovernance:\n  readers:\n    - principal: {SECOPS}\n      roles: [Reeder]\n",
        'inventory.yaml:5: governance.readers[0].roles[0]: "Reeder" is not a built-in role name',
    ),
    (
        "principal not a GUID",
        "version: 1\ngovernance:\n  readers:\n    - principal: secops\n      roles: [Reader]\n",
        'inventory.yaml:4: governance.readers[0].principal: "secops" is not a principal object id',
    ),
    (
        "Defender plan misspelt",
        "version: 1\ngovernance:\n  defender_plans:\n    - VirtualMachines\n    - KeyVault\n",
        'inventory.yaml:5: governance.defender_plans[1]: "KeyVault" is not a Defender plan',
    ),
    (
        "definition not a policy id",
        "version: 1\ngovernance:\n  policy_assignments:\n    - definition: mcsb\n",
        'inventory.yaml:4: governance.policy_assignments[0].definition: "mcsb" is not a policy',
    ),
    (
        "enforcement not in the list",
        f"version: 1\ngovernance:\n  policy_assignments:\n    - definition: {MCSB}\n"
        "      enforcement: strict\n",
        'inventory.yaml:5: governance.policy_assignments[0].enforcement: "strict" is not one of',
    ),
    (
        "scope not in the list",
        "version: 1\ngovernance:\n  applies_to: production\n",
        'inventory.yaml:3: governance.applies_to: "production" is not one of',
    ),
    (
        "misspelt key",
        "version: 1\ngovernance:\n  security_contacts: true\n",
        "inventory.yaml:3: governance.security_contacts: unknown key",
    ),
    (
        "switch given as text",
        'version: 1\ngovernance:\n  tenant_controls:\n    block_subscriptions_entering: "yes"\n',
        "inventory.yaml:4: governance.tenant_controls.block_subscriptions_entering: expected true or false",
    ),
    (
        "management group given by display name",
        'version: 1\ngovernance:\n  root_management_group: "Tenant Root Group"\n',
        'inventory.yaml:3: governance.root_management_group: "Tenant Root Group" is not a management group id',
    ),
]


@pytest.mark.parametrize(("text", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_governance_section_is_refused_with_its_line(text: str, expected: str) -> None:
    with pytest.raises(InventoryError) as caught:
        parse_inventory(text)
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems


def test_inventory_check_exits_2_naming_the_line_of_a_bad_role(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text(BAD[0][1])
    result = tenantmap("inventory", "check", str(path))
    assert result.code == 2
    assert f"{path}:5: governance.readers[0].roles[0]" in result.stderr


def test_inventory_check_shows_the_governance_baseline(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text(BASELINE)
    result = tenantmap("inventory", "check", str(path))
    assert result.code == 0, result.stderr
    assert "governance baseline:" in result.stdout
    assert "control: reader:secops-team" in result.stdout
    assert "tenant control: block-subscriptions-entering" in result.stdout


# ---------------------------------------------------------------- inventory draft

PAYMENTS = "1a2b3c4d-0000-4000-8000-000000000102"
CONNECTIVITY = "1a2b3c4d-0000-4000-8000-000000000101"
DATA = "1a2b3c4d-0000-4000-8000-000000000109"


def _sample_draft(production: set[str]) -> list[str]:
    from discovery.estates import SAMPLE_ESTATE
    from graph.analysis.tenants import observe
    from graph.build import build_graph
    from graph.governance_draft import draft_governance
    from graph.snapshot import load_snapshot

    snap = load_snapshot(SAMPLE_ESTATE)
    graph = build_graph(snap)
    return draft_governance(observe(graph, crawl_record(snap)), graph, production)


def test_the_draft_proposes_what_all_production_subscriptions_share() -> None:
    lines = _sample_draft({PAYMENTS, CONNECTIVITY, DATA})
    gov = parse_inventory("version: 1\n" + "\n".join(lines) + "\n").governance
    assert gov is not None
    assert gov.root_management_group == "contoso"
    assert [p.definition for p in gov.policy_assignments] == [MCSB.lower()]
    assert gov.defender_plans == [
        "Arm",
        "CloudPosture",
        "KeyVaults",
        "StorageAccounts",
        "VirtualMachines",
    ]
    assert gov.security_contact is False  # prod-data has none
    assert gov.readers == []


def test_inventory_draft_of_the_sample_is_a_valid_inventory_with_a_governance_section(
    tmp_path: Path,
) -> None:
    from discovery.estates import SAMPLE_ESTATE

    out = tmp_path / "draft.yaml"
    result = tenantmap("inventory", "draft", "--snapshot", str(SAMPLE_ESTATE), "--out", str(out))
    assert result.code == 0, result.stderr
    inventory = parse_inventory(out.read_text())
    assert inventory.governance is not None

"""An inventory file cannot exhaust memory, crash the loader or smuggle control
characters into mails and terminals (issue 10, item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.inventory import InventoryError, parse_inventory
from tests.cli.helpers import one_sentence_error, tenantmap

# 400 bytes that a YAML loader expanding aliases turns into 9**9 (387 million) strings.
ALIAS_BOMB = (
    "version: 1\n"
    + 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
)


def problems_of(text: str) -> list[str]:
    with pytest.raises(InventoryError) as caught:
        parse_inventory(text)
    return caught.value.problems


def test_an_alias_bomb_is_refused_quickly_with_its_line() -> None:
    (problem,) = problems_of(ALIAS_BOMB)
    assert problem.startswith("inventory.yaml:2: aliases expand to more than")


def test_a_recursive_alias_is_refused_with_its_line() -> None:
    (problem,) = problems_of("version: 1\norganization: Contoso\naccepted: &loop [*loop]\n")
    assert problem == (
        "inventory.yaml:3: an alias refers to the collection that contains it (a recursive alias)"
    )


def test_a_few_aliases_for_repeated_values_still_work() -> None:
    text = (
        "version: 1\n"
        "approved_exposures:\n"
        "  - resource: /subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg"
        "/providers/Microsoft.Network/publicIPAddresses/web\n"
        "    ports: &web ['443', '80']\n"
        "    expires: 2030-01-01\n"
        "  - resource: /subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg"
        "/providers/Microsoft.Network/publicIPAddresses/web2\n"
        "    ports: *web\n"
        "    expires: 2030-01-01\n"
    )
    inventory = parse_inventory(text)
    assert [a.ports for a in inventory.approvals] == [["443", "80"], ["443", "80"]]


@pytest.mark.parametrize("bad", ["\\r\\n", "\\n", "\\x1b[2J", "\\x00", "\\u202e"])
def test_a_control_character_in_the_organization_is_refused(bad: str) -> None:
    (problem,) = problems_of(f'version: 1\norganization: "Contoso{bad}Bcc: x@evil.example"\n')
    assert problem.startswith("inventory.yaml:2: organization: the text holds a control character")
    assert "\n" not in problem and "\r" not in problem


def test_a_control_character_in_a_subscription_name_is_refused() -> None:
    text = (
        "version: 1\nsubscriptions:\n"
        '  - id: 00000000-0000-0000-0000-00000000000a\n    name: "prod\\rdev"\n'
    )
    (problem,) = problems_of(text)
    assert problem.startswith("inventory.yaml:4: subscriptions[0].name: the text holds")


def test_a_folded_block_text_keeps_working() -> None:
    assert parse_inventory("version: 1\norganization: >\n  Contoso\n").organization == "Contoso"


def test_inventory_check_exits_2_naming_the_line_of_a_recursive_alias(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text("version: 1\naccepted: &loop [*loop]\n")
    result = tenantmap("inventory", "check", str(path))
    assert result.code == 2
    assert f"{path}:2: an alias refers to" in result.stderr
    one_sentence_error(result)


def test_a_draft_from_hostile_names_stays_valid_and_injects_no_line(tmp_path: Path) -> None:
    from graph.inventory_draft import draft_inventory
    from tests.analysis.estate import HOME, SUB_A, Estate

    estate = Estate()
    estate.tenant(HOME, "Contoso\u202e\nversion: 2", "Home")
    estate.tenants_crawled.append(HOME)
    estate.subscription(SUB_A, HOME, name="prod\r\napproved_exposures: [x]")
    snap, graph = estate.load(tmp_path)
    text = draft_inventory(snap, graph)
    assert "\r" not in text and "\u202e" not in text
    assert not any(
        line.startswith(("version: 2", "approved_exposures: [x]")) for line in text.splitlines()
    )
    inventory = parse_inventory(text, "draft.yaml")
    assert inventory.organization == "Contoso\\u202e\\x0aversion: 2"

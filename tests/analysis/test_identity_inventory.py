"""identity-links.md's inventory additions: `tenants[].principals` and `trusted_issuers`."""

from __future__ import annotations

from pathlib import Path

import pytest

from discovery.estates import identity_source as ids
from graph.build import build_graph
from graph.inventory import InventoryError, load_inventory
from graph.inventory_draft import draft_inventory
from graph.snapshot import load_snapshot
from tests.cli.helpers import tenantmap


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "inventory.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_declared_principals_and_issuers_declare_their_far_ends(tmp_path: Path) -> None:
    inventory = load_inventory(_write(tmp_path, ids.INVENTORY_YAML))
    assert inventory.tenant_declared(f"foreign-group:{ids.DECLARED_GROUP}")
    assert not inventory.tenant_declared(f"foreign-group:{ids.UNKNOWN_GROUP}")
    assert inventory.principal_tenant(ids.DECLARED_GROUP) == ids.FABRIKAM
    assert inventory.tenant_declared(f"issuer:{ids.GITHUB}/")  # a trailing slash is the same
    assert not inventory.tenant_declared(f"issuer:{ids.UNDECLARED_IDP}")
    assert not inventory.tenant_declared("any-tenant")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (f"principals: [{ids.DECLARED_GROUP}]", "principals: [admin-agents]", "principals[0]"),
        (f"issuer: {ids.GITHUB}", "issuer: http://token.example", "not an https issuer URL"),
        ("name: GitHub Actions", "owner: ci-team", "owner"),
    ],
)
def test_a_bad_identity_entry_is_refused_with_its_line(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in ids.INVENTORY_YAML
    line = ids.INVENTORY_YAML.split(old)[0].count("\n") + 1
    path = _write(tmp_path, ids.INVENTORY_YAML.replace(old, new))
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    (problem,) = caught.value.problems
    assert problem.startswith(f"{path}:{line}:") and message in problem


def test_inventory_check_exits_2_on_a_bad_issuer(tmp_path: Path) -> None:
    path = _write(tmp_path, ids.INVENTORY_YAML.replace(ids.GITHUB, "not a url"))
    line = ids.INVENTORY_YAML.split(ids.GITHUB)[0].count("\n") + 1
    result = tenantmap("inventory", "check", str(path), "--state-dir", str(tmp_path / "state"))
    assert result.code == 2
    assert f"{path}:{line}: trusted_issuers[0].issuer" in result.stderr


def test_the_draft_proposes_issuers_and_lists_foreign_groups_for_principals(
    tmp_path: Path,
) -> None:
    estate = ids.write_identity_estate(tmp_path / "estate")
    snap = load_snapshot(estate)
    text = draft_inventory(snap, build_graph(snap))
    assert f'- issuer: "{ids.UNDECLARED_IDP}"' in text
    assert f'- issuer: "{ids.GITHUB}"' in text
    assert f"#   {ids.UNKNOWN_GROUP}   # foreign group" in text
    assert "id: foreign-group:" not in text and "id: any-tenant" not in text
    drafted = load_inventory(_write(tmp_path, text))  # the draft is valid as written
    assert drafted.tenant_declared(f"issuer:{ids.UNDECLARED_IDP}")

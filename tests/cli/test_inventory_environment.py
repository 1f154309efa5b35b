"""`tenantmap inventory check` lists the subscriptions whose environment is not set: they
count as production for severity (inventory.md), which is worth a warning, not a failure."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import tenantmap


def test_inventory_check_warns_about_subscriptions_without_an_environment(
    sample_estate: Path,
) -> None:
    result = tenantmap("inventory", "check", str(sample_estate / "inventory.yaml"))
    assert result.code == 0, result.stderr
    assert "valid" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    # retail-pos is listed without one on purpose (discovery/estates/sample/README.md)
    assert warnings == [
        f"warning: {sample_estate / 'inventory.yaml'}: subscriptions[7] "
        "1a2b3c4d-0000-4000-8000-000000000112 (retail-pos) sets no environment: it counts as "
        "production for severity; set production, non-production or sandbox"
    ]


def test_inventory_check_is_silent_when_every_environment_is_set(tmp_path: Path) -> None:
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(
        "version: 1\nsubscriptions:\n"
        "  - id: 1a2b3c4d-0000-4000-8000-000000000101\n    environment: sandbox\n",
        encoding="utf-8",
    )
    result = tenantmap("inventory", "check", str(inventory))
    assert result.code == 0, result.stderr
    assert "warning" not in result.stderr

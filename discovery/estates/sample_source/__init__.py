"""The source of the bundled sample estate ``discovery/estates/sample/``.

The estate is handmade: this package spells out every resource once, one module per
subscription, so that ids, back-references and addresses stay consistent. The committed folder is
its output (``python -m discovery.estates.sample_source`` rewrites it; a test
checks that the two agree). ``sample/README.md`` explains every tenant,
subscription and the finding each feature is meant to raise.

Secrets (circuit ``serviceKey``, authorization ``authorizationKey``,
connection ``sharedKey``, VPN site link ``psk``) are plausible raw values on
purpose: the crawler must redact them.
"""

from __future__ import annotations

from pathlib import Path

from discovery.estates.arm import SNAPSHOT_FORMAT, Json, write_json, write_resources
from discovery.estates.sample_source.builder import Estate, fill_back_references
from discovery.estates.sample_source.connectivity import add_connectivity
from discovery.estates.sample_source.containers import (
    management_groups,
    references,
    subscriptions,
    tenants,
)
from discovery.estates.sample_source.data import add_data
from discovery.estates.sample_source.dev import add_dev
from discovery.estates.sample_source.governance import governance
from discovery.estates.sample_source.ids import (
    CLIENT_ID,
    FOREIGN_SUBSCRIPTIONS,
    HOME,
    LEGACY,
    SUBSCRIPTIONS,
)
from discovery.estates.sample_source.inventory import INVENTORY_YAML
from discovery.estates.sample_source.management import add_management
from discovery.estates.sample_source.payments import add_payments
from discovery.estates.sample_source.platform import add_platform
from discovery.estates.sample_source.retail_pos import add_retail_pos
from discovery.estates.sample_source.sandbox import add_sandbox
from discovery.estates.sample_source.shadow import add_shadow
from discovery.estates.sample_source.shop import add_shop
from discovery.estates.sample_source.vwan import add_vwan
from discovery.estates.sample_source.web import add_web


def sample_resources() -> list[Json]:
    """Every resource of the sample estate, subscription by subscription (the order
    decides the order of the back-references ARM computes)."""
    e = Estate()
    add_connectivity(e)
    add_payments(e)
    add_web(e)
    add_dev(e)
    add_vwan(e)
    add_shop(e)
    add_sandbox(e)
    add_data(e)
    add_management(e)
    add_shadow(e)
    add_retail_pos(e)
    add_platform(e)
    fill_back_references(e.resources)
    return e.resources + governance()


def write_sample_estate(out_dir: Path) -> Path:
    """Write the sample estate (every file of the layout) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    resources = sample_resources()
    by_type = write_resources(out_dir / "resources.jsonl", resources)
    write_json(out_dir / "tenants.json", tenants())
    write_json(out_dir / "subscriptions.json", subscriptions())
    write_json(out_dir / "management-groups.json", management_groups())
    foreign = []
    for sub, owners in sorted(references(resources).items()):
        tenant = FOREIGN_SUBSCRIPTIONS.get(sub)
        foreign.append(
            {
                "subscriptionId": sub,
                "tenantId": tenant,
                "status": "resolved" if tenant else "not-found",
                "referencedBy": sorted(owners, key=str.lower),
            }
        )
    write_json(out_dir / "foreign.json", foreign)
    write_json(
        out_dir / "errors.json",
        [
            {
                "scope": f"/subscriptions/{LEGACY}",
                "operation": "Subscriptions_Get",
                "status": 403,
                "code": "AuthorizationFailed",
                "message": (
                    f"The client '{CLIENT_ID}' with object id '{CLIENT_ID}' does not have authorization to "
                    f"perform action 'Microsoft.Resources/subscriptions/read' over scope "
                    f"'/subscriptions/{LEGACY}' or the scope is invalid."
                ),
                "at": "2026-11-27T02:00:04Z",
            }
        ],
    )
    write_json(
        out_dir / "manifest.json",
        {
            "format": SNAPSHOT_FORMAT,
            "createdAt": "2026-11-27T02:00:13Z",
            "source": {
                "kind": "handmade",
                "endpoint": "https://management.azure.com",
                "cloud": "AzureCloud",
            },
            "principal": {"tenantId": HOME, "clientId": CLIENT_ID},
            "tenantsCrawled": [HOME],
            "subscriptionsCrawled": sorted(s[0] for s in SUBSCRIPTIONS if s[0] != LEGACY),
            "counts": {"resources": len(resources), "byType": by_type},
        },
    )
    write_json(
        out_dir / "emulator.json",
        {
            "principal": {"tenantId": HOME},
            "foreignSubscriptions": dict(sorted(FOREIGN_SUBSCRIPTIONS.items())),
            "deny": {f"/subscriptions/{LEGACY}": 403},
        },
    )
    (out_dir / "inventory.yaml").write_text(INVENTORY_YAML, encoding="utf-8")
    return out_dir

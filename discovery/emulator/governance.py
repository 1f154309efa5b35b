"""Governance reads ARM answers specially (docs/spec/governance.md).

`$filter=atScope()` on policy and role assignments lists those at the scope and
at every management group above it; the tenant's subscription policy has one
path for every tenant, so the estate keeps it under `/tenants/{id}/...` and the
token's tenant picks it.
"""

from __future__ import annotations

import orjson

from discovery.emulator.estate import Estate, Record
from discovery.emulator.management_groups import ManagementGroups
from discovery.emulator.replies import Reply, error_reply

TENANT_POLICY_PATH = "/providers/microsoft.subscription/policies/default"
_AT_SCOPE_LISTS = frozenset({"policyassignments", "roleassignments"})


def at_scope(query: dict[str, str], segments: list[str]) -> bool:
    """An assignment list asking for what applies at its scope (inherited included)."""
    wanted = "".join(query.get("$filter", "").split()).lower() == "atscope()"
    return (
        wanted
        and len(segments) >= 4
        and segments[-1] in _AT_SCOPE_LISTS
        and segments[-2] == "microsoft.authorization"
    )


def inherited(estate: Estate, groups: ManagementGroups, lower: str) -> list[Record]:
    scope, _, provider = lower.rpartition("/providers/")
    scopes = [scope, *groups.ancestors(scope)]
    found = {
        r.key: r for s in scopes for r in estate.collections.get(f"{s}/providers/{provider}", [])
    }
    return [found[k] for k in sorted(found)]


def tenant_policy(estate: Estate, tenant: str) -> Reply:
    record = estate.by_id.get(f"/tenants/{tenant}{TENANT_POLICY_PATH}")
    if record is None:
        return error_reply(
            404, "PolicyNotFound", "No subscription policy has been set for this tenant."
        )
    body = orjson.loads(record.body)
    body["id"] = "/providers/Microsoft.Subscription/policies/default"
    return Reply(200, orjson.dumps(body))

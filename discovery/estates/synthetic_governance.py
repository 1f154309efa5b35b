"""Governance documents for the synthetic estate (docs/spec/governance.md).

Per tenant: the security team's Reader at the platform and landing-zone
groups, the benchmark initiative at the root group's children, the
subscription policy and the root group's settings. Per subscription: five
Defender plans (every 13th has Defender for Servers off), a security contact
(every 17th has none), and the rest of the requested role and policy
assignments spread evenly. Ids come out in lower-cased id order per part, as
resources.jsonl wants them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from discovery.estates import governance_source as gov
from discovery.estates.arm import stable_guid

Json = dict[str, Any]
SECOPS = "5ec0b5ec-0000-4000-8000-0000000000aa"
_MG = "/providers/Microsoft.Management/managementGroups/"


def group_documents(tenants: list[str], policy_assignments: int, groups: set[str]) -> list[Json]:
    """Assignments at the platform and landing-zone groups that hold subscriptions (an
    assignment above no subscription is seen by Resource Graph only, never by ARM's
    atScope() lists), and the root groups' settings; they sort before /subscriptions."""
    out: list[Json] = []
    for t, tid in enumerate(tenants):
        for group in (f"platform-t{t}", f"landing-zones-t{t}"):
            if group not in groups:
                continue
            out.append(gov.role_assignment(f"{_MG}{group}", SECOPS, gov.READER))
            if policy_assignments:
                out.append(
                    gov.policy_assignment(
                        f"{_MG}{group}", "mcsb", gov.MCSB, "Microsoft cloud security benchmark"
                    )
                )
        out.append(gov.root_group_settings(tid, f"landing-zones-t{t}"))
    return sorted(out, key=lambda r: str(r["id"]).lower())


def tenant_documents(tenants: list[str]) -> list[Json]:
    """The subscription policy of each tenant (its id sorts after /subscriptions)."""
    docs = [
        gov.tenant_subscription_policy(tid, block_entering=t % 2 == 0, block_leaving=True)
        for t, tid in enumerate(tenants)
    ]
    return sorted(docs, key=lambda r: str(r["id"]).lower())


def subscription_documents(
    index: int, subscription: str, roles: int, policies: int
) -> Iterator[Json]:
    """One subscription's governance documents, in lower-cased id order."""
    scope = f"/subscriptions/{subscription}"
    docs: list[Json] = []
    for n in range(roles):
        principal = stable_guid("principal", str(index), str(n))
        docs.append(
            gov.role_assignment(scope, principal, gov.READER if n % 2 else gov.SECURITY_READER)
        )
    for n in range(policies):
        name = f"pa-{index:05d}-{n:02d}"
        definition = (
            f"/providers/Microsoft.Authorization/policyDefinitions/{stable_guid('def', str(n))}"
        )
        docs.append(gov.policy_assignment(scope, name, definition, f"Policy {n}"))
    off = gov.BASELINE_PLANS[:1] if index % 13 == 0 else ()
    docs += gov.pricings(subscription, tuple(p for p in gov.BASELINE_PLANS if p not in off), off)
    if index % 17:
        docs.append(gov.security_contact(subscription, "secops@synthetic.example"))
    yield from sorted(docs, key=lambda r: str(r["id"]).lower())


def spread(total: int, parts: int, index: int) -> int:
    """The share of ``total`` that part ``index`` of ``parts`` gets (earlier parts round up)."""
    return total // parts + (1 if index < total % parts else 0)

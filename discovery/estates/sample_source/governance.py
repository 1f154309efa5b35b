"""The sample estate's governance records (policy, roles, Defender plans, contacts)."""

from __future__ import annotations

from discovery.estates import governance_source as gov
from discovery.estates.arm import Json
from discovery.estates.sample_source.ids import (
    CONNECTIVITY,
    DATA,
    DEV,
    HOME,
    LEGACY,
    MG_PREFIX,
    SHADOW,
    SUBSCRIPTIONS,
    VWAN,
    WEB,
)

SECOPS = "9f1b0e1c-0000-4000-8000-0000000000aa"  # the security team's group (object id)


def governance() -> list[Json]:
    """The governance mix (governance.md; README "Governance"): most subscriptions governed,
    one of each gap, the denied one unreadable."""
    org = f"{MG_PREFIX}contoso"
    out: list[Json] = [
        gov.policy_assignment(
            org,
            "mcsb",
            gov.MCSB,
            "Microsoft cloud security benchmark",
            not_scopes=(f"{MG_PREFIX}sandbox",),
        ),
        gov.policy_assignment(
            f"/subscriptions/{DEV}",
            "allowed-locations",
            "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
            "Allowed locations",
            enforcement="DoNotEnforce",
        ),
        gov.role_assignment(f"{MG_PREFIX}contoso-landing-zones", SECOPS, gov.READER),
        gov.role_assignment(f"/subscriptions/{CONNECTIVITY}", SECOPS, gov.SECURITY_READER),
        gov.role_assignment(f"/subscriptions/{VWAN}", SECOPS, gov.SECURITY_READER),
        # contoso-management: the security team's grant is missing
        gov.tenant_subscription_policy(HOME, block_entering=False, block_leaving=True),
        gov.root_group_settings(HOME, "sandbox"),
    ]
    for sid, *_ in SUBSCRIPTIONS:
        if sid == LEGACY:
            continue  # denied: nothing of it can be read
        if sid == SHADOW:
            out += gov.pricings(sid, (), gov.BASELINE_PLANS)
            continue
        if sid == WEB:  # Defender for Servers switched off
            out += gov.pricings(sid, gov.BASELINE_PLANS[1:], gov.BASELINE_PLANS[:1])
        else:
            out += gov.pricings(sid, gov.BASELINE_PLANS)
        if sid != DATA:  # prod-data has no security contact
            out.append(gov.security_contact(sid, "secops@contoso.example"))
    return out

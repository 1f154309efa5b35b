"""The sample estate's contoso-management subscription: network manager, Lighthouse."""

from __future__ import annotations

from discovery.estates.arm import resource, stable_guid
from discovery.estates.sample_source.builder import Estate, add_lighthouse
from discovery.estates.sample_source.ids import (
    CONNECTIVITY,
    CONTOSO_AVNM,
    DEV,
    MG_PREFIX,
    PAYMENTS,
    WEU,
    N,
)


def add_management(e: Estate) -> None:
    """The contoso-management subscription: network manager, Lighthouse."""
    e.add(
        resource(
            CONTOSO_AVNM,
            f"{N}/networkManagers",
            WEU,
            {
                "description": "Contoso platform network manager",
                "networkManagerScopeAccesses": ["SecurityAdmin", "Connectivity"],
                "networkManagerScopes": {
                    "crossTenantScopes": [],
                    "managementGroups": [f"{MG_PREFIX}contoso-platform"],
                    "subscriptions": [f"/subscriptions/{DEV}"],
                },
                "resourceGuid": stable_guid("guid", CONTOSO_AVNM),
            },
        )
    )
    for sub in (CONNECTIVITY, PAYMENTS):
        add_lighthouse(e, sub)

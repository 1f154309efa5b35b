"""The declared inventory (`inventory.yaml`, ../shared/spec/inventory.md).

``fields`` holds the value checks, ``model`` the structure (pydantic), ``loader`` the
line-keeping YAML loader that reports every problem at once, ``lookups`` the validated
``Inventory`` the analyses ask. The names below are the package's public face.
"""

from graph.inventory.loader import ALIAS_BUDGET, InventoryError, load_inventory, parse_inventory
from graph.inventory.lookups import Inventory, Network
from graph.inventory.model import (
    FOREIGN_RELATIONSHIPS,
    OWN_RELATIONSHIPS,
    AcceptedDecl,
    ApprovalDecl,
    ApprovalProtocol,
    CircuitDecl,
    Environment,
    ManagementGroupDecl,
    Relationship,
    SiteDecl,
    SubscriptionDecl,
    TenantDecl,
)

__all__ = [
    "ALIAS_BUDGET",
    "FOREIGN_RELATIONSHIPS",
    "OWN_RELATIONSHIPS",
    "AcceptedDecl",
    "ApprovalDecl",
    "ApprovalProtocol",
    "CircuitDecl",
    "Environment",
    "Inventory",
    "InventoryError",
    "ManagementGroupDecl",
    "Network",
    "Relationship",
    "SiteDecl",
    "SubscriptionDecl",
    "TenantDecl",
    "load_inventory",
    "parse_inventory",
]

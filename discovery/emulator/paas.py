"""Where Azure serves the children of platform services that a GET of the parent leaves out.

An estate keeps each under the parent's ``properties.<key>`` (the snapshot's form):
firewall rules of SQL, PostgreSQL, MySQL and Redis, the Event Hubs / Service Bus
namespace's ``networkRuleSets/default``, App Service ``config/web`` and the blob
containers. The emulator strips them from the parent's served body and answers them at
their own paths, as ARM does. A namespace or site whose estate gives none gets Azure's
default (a rule set that allows; a configuration with no access restrictions).
"""

from __future__ import annotations

from typing import Any

# parent type -> (property key, path under the parent's id (lower-cased), one item or a list)
CHILDREN: dict[str, tuple[str, str, bool]] = {
    "microsoft.sql/servers": ("firewallRules", "firewallrules", False),
    "microsoft.dbforpostgresql/flexibleservers": ("firewallRules", "firewallrules", False),
    "microsoft.dbformysql/flexibleservers": ("firewallRules", "firewallrules", False),
    "microsoft.cache/redis": ("firewallRules", "firewallrules", False),
    "microsoft.eventhub/namespaces": ("networkRuleSet", "networkrulesets/default", True),
    "microsoft.servicebus/namespaces": ("networkRuleSet", "networkrulesets/default", True),
    "microsoft.web/sites": ("configWeb", "config/web", True),
    "microsoft.storage/storageaccounts": ("containers", "blobservices/default/containers", False),
}


def served(type_lower: str, obj: dict[str, Any]) -> dict[str, Any]:
    """The parent without its child key."""
    child = CHILDREN.get(type_lower)
    props = obj.get("properties")
    if child is None or not isinstance(props, dict) or child[0] not in props:
        return obj
    return {**obj, "properties": {k: v for k, v in props.items() if k != child[0]}}


def default_child(type_lower: str, parent_id: str) -> dict[str, Any]:
    """Azure's answer for a single child the estate does not give."""
    key, suffix, _ = CHILDREN[type_lower]
    child_id = f"{parent_id}/{suffix}"
    if key == "networkRuleSet":
        props: dict[str, Any] = {
            "defaultAction": "Allow",
            "publicNetworkAccess": "Enabled",
            "ipRules": [],
            "virtualNetworkRules": [],
            "trustedServiceAccessEnabled": False,
        }
        return {
            "id": child_id,
            "name": "default",
            "type": f"{type_lower}/networkrulesets",
            "properties": props,
        }
    return {
        "id": child_id,
        "name": "web",
        "type": "Microsoft.Web/sites/config",
        "properties": {
            "ipSecurityRestrictions": [
                {"ipAddress": "Any", "action": "Allow", "priority": 2147483647, "name": "Allow all"}
            ],
            "scmIpSecurityRestrictions": [
                {"ipAddress": "Any", "action": "Allow", "priority": 2147483647, "name": "Allow all"}
            ],
            "scmIpSecurityRestrictionsUseMain": False,
            "minTlsVersion": "1.2",
        },
    }

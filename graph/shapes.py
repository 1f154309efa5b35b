"""Fields of the wrong JSON type are dropped (with a note) before anything reads a snapshot.

Azure's answers, or a hand-edited snapshot, can carry any JSON where a field
is expected: a peering's ``remoteVirtualNetwork`` as a string, ``"sku":
"Standard"``, ``peerings: [1]``, ``managedByTenants: "x"``. Rather than a type
check at every place the build and the analyses read a field, every document
passes here once: a field the tables below name whose value has another JSON
type is removed (treated as absent, as if Azure had not sent it), list items
of the wrong type are removed from their list, and each removal is noted
(which document, which field). The tables hold the fields graph/ and reports/
read, with the type ARM gives them (tests/graph/test_shapes.py keeps them
honest against the bundled estates).

A field that holds a list of strings also accepts a single string, as ARM
sometimes sends one (context.str_list reads both). Names that hold different
types at different places (``frontendPort``: a port or a reference) are left
to the code that reads them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from typing import Any

import re2

OBJECTS = frozenset(
    {
        "addressSpace",
        "backendAddressPool",
        "backendIPConfiguration",
        "basePolicy",
        "bgpSettings",
        "dnsSettings",
        "expressRouteCircuitPeering",
        "firewallPolicy",
        "foreignSubscriptions",
        "frontendIPConfiguration",
        "hardwareProfile",
        "ipConfiguration",
        "localNetworkAddressSpace",
        "localNetworkGateway2",
        "networkManagerScopes",
        "networkProfile",
        "networkSecurityGroup",
        "osDisk",
        "parent",
        "peer",
        "peerExpressRouteCircuitPeering",
        "policySettings",
        "principal",
        "privateEndpoint",
        "privateLinkServiceConnectionState",
        "properties",
        "publicIPAddress",
        "registrationDefinition",
        "remoteAddressSpace",
        "remoteVirtualNetwork",
        "remoteVirtualNetworkAddressSpace",
        "remoteVpnSite",
        "routeTable",
        "serviceProviderProperties",
        "source",
        "storageProfile",
        "subnet",
        "virtualHub",
        "virtualMachine",
        "virtualNetworkGateway1",
        "virtualNetworkGateway2",
        "virtualWan",
    }
)

LISTS_OF_OBJECTS = frozenset(
    {
        "applicationSecurityGroups",
        "authorizations",
        "backendAddressPools",
        "backendIPConfigurations",
        "connections",
        "defaultSecurityRules",
        "destinationApplicationSecurityGroups",
        "expressRouteConnections",
        "frontendIPConfigurations",
        "frontendPorts",
        "gatewayIPConfigurations",
        "httpListeners",
        "hubVirtualNetworkConnections",
        "inboundNatRules",
        "ipConfigurations",
        "loadBalancerBackendAddressPools",
        "loadBalancerFrontendIpConfigurations",
        "loadBalancerInboundNatRules",
        "loadBalancingRules",
        "managedByTenants",
        "manualPrivateLinkServiceConnections",
        "networkInterfaces",
        "notificationsSources",
        "peerings",
        "privateEndpointConnections",
        "privateLinkServiceConnections",
        "routes",
        "ruleCollectionGroups",
        "ruleCollections",
        "rules",
        "securityRules",
        "subnets",
        "trustedExternalTenants",
        "virtualNetworkPeerings",
        "vpnSiteLinks",
    }
)

LISTS_OF_STRINGS = frozenset(
    {
        "addressPrefixes",
        "destinationAddresses",
        "destinationPortRanges",
        "destinationPorts",
        "groupIds",
        "ipAddresses",
        "ipProtocols",
        "labels",
        "managementGroups",
        "notScopes",
        "parentNameChain",
        "referencedBy",
        "sourceAddressPrefixes",
        "sourceAddresses",
        "sourceIpGroups",
        "subscriptions",
        "subscriptionsCrawled",
        "tenantsCrawled",
    }
)

LISTS = frozenset(
    {
        "destinationAddressPrefixes",
        "inboundNatPools",
        "natRuleCollections",
        "peeredConnections",
        "servers",
        "sourcePortRanges",
    }
)

STRINGS = frozenset(
    {
        "access",
        "addressPrefix",
        "alias",
        "authorizationUseStatus",
        "circuitConnectionStatus",
        "circuitProvisioningState",
        "code",
        "connectionResourceUri",
        "connectionState",
        "connectionStatus",
        "connectionType",
        "createdAt",
        "defaultDomain",
        "destinationAddressPrefix",
        "destinationPortRange",
        "direction",
        "displayName",
        "endpoint",
        "format",
        "fqdn",
        "gatewayIpAddress",
        "gatewayType",
        "id",
        "ipAddress",
        "kind",
        "location",
        "managedByTenantId",
        "managedByTenantName",
        "mode",
        "name",
        "networkManagerId",
        "nextHopType",
        "operation",
        "osType",
        "peeringLocation",
        "peeringState",
        "peeringSyncLevel",
        "privateIPAddress",
        "privateLinkServiceId",
        "protocol",
        "provisioningState",
        "publicIPAllocationMethod",
        "publicNetworkAccess",
        "registrationDefinitionId",
        "registrationDefinitionName",
        "ruleCollectionType",
        "scope",
        "serviceProviderName",
        "serviceProviderProvisioningState",
        "site",
        "sourceAddressPrefix",
        "sourcePortRange",
        "state",
        "subscriptionId",
        "tenantCategory",
        "tenantId",
        "tier",
        "translatedAddress",
        "translatedPort",
        "type",
        "vmSize",
        "vpnType",
    }
)

NUMBERS = frozenset(
    {
        "backendPort",
        "bandwidthInMbps",
        "frontendPortRangeEnd",
        "frontendPortRangeStart",
        "port",
        "priority",
    }
)

BOOLEANS = frozenset(
    {
        "activeActive",
        "allowForwardedTraffic",
        "allowGatewayTransit",
        "allowVirtualNetworkAccess",
        "disableBgpRoutePropagation",
        "enableBgp",
        "enableIPForwarding",
        "enabled",
        "primary",
        "useRemoteGateways",
    }
)

# Without these an item of a list means nothing (a security rule without its
# priority cannot be placed among the others): the item is dropped whole.
ITEM_REQUIRED = frozenset({"priority"})

# Names that hold different types at different places: the first rule whose path
# (list indexes as []) ends the field's path decides ("*": anywhere else; a plain
# name: that top-level field only); no rule, no check. Found in real recordings.
BY_PATH: dict[str, tuple[tuple[str, str], ...]] = {
    "sku": (
        ("imageReference.sku", "string"),
        ("properties.sku", "object"),  # virtual hubs: see BY_TYPE
        ("sku", "object"),
    ),
    "frontendPort": (
        ("httpListeners[].properties.frontendPort", "object"),
        ("Rules[].properties.frontendPort", "number"),
    ),
    "status": (("privateLinkServiceConnectionState.status", "string"),),
    # WAF disabledRuleGroups list rule numbers; NAT rule mappings give a prefix
    "rules": (("disabledRuleGroups[].rules", "list"), ("*", "objects")),
    "addressSpace": (("Mappings[].addressSpace", "string"), ("*", "object")),
}
BY_TYPE = {("microsoft.network/virtualhubs", "properties.sku"): "string"}

Note = dict[str, str]
# a field's place as linked (parent, step) pairs, () at the top: a step costs one 2-tuple
Place = tuple[Any, ...]


_BY_NAME: dict[str, str] = {
    **{key: "object" for key in OBJECTS},
    **{key: "objects" for key in LISTS_OF_OBJECTS},
    **{key: "strings" for key in LISTS_OF_STRINGS},
    **{key: "list" for key in LISTS},
    **{key: "string" for key in STRINGS},
    **{key: "number" for key in NUMBERS},
    **{key: "boolean" for key in BOOLEANS},
}
# which JSON kinds each expectation accepts (a list of strings may come as one
# string: context.str_list reads both), and what a note calls it
_ACCEPTS = {
    "object": frozenset({"object"}),
    "objects": frozenset({"list"}),
    "strings": frozenset({"list", "string"}),
    "list": frozenset({"list"}),
    "string": frozenset({"string"}),
    "number": frozenset({"number"}),
    "boolean": frozenset({"boolean"}),
}
_CALLED = {"objects": "list", "strings": "list of strings"}
# one lookup per key on the hot path: a kind, or "look at the path" for BY_PATH names
_BY_PATH_NAME = "by path"
_WANTED: dict[str, str] = {**_BY_NAME, **dict.fromkeys(BY_PATH, _BY_PATH_NAME)}
# the Python types each name accepts without a closer look (BY_PATH names: none)
_PY_TYPES = {"object": (dict,), "list": (list,), "string": (str,), "number": (int, float)}
_PY_TYPES["boolean"] = (bool,)
_BY_PATH_TYPES: tuple[type, ...] = (type(None),)  # never the type of a checked value
_ACCEPTED: dict[str, tuple[type, ...]] = {
    key: _BY_PATH_TYPES
    if wanted == _BY_PATH_NAME
    else tuple(t for kind in _ACCEPTS[wanted] for t in _PY_TYPES[kind])
    for key, wanted in _WANTED.items()
}
_KINDS = {
    dict: "object",
    list: "list",
    str: "string",
    bool: "boolean",
    int: "number",
    float: "number",
}


def kind_of(value: Any) -> str:
    return _KINDS.get(type(value)) or type(value).__name__


def _steps(path: Place) -> list[str | int]:
    steps: list[str | int] = []
    while path:
        path, step = path
        steps.append(step)
    steps.reverse()
    return steps


def _shape(path: Place, key: str) -> str:
    """``properties.rules[].name``-style path, list indexes as []."""
    out = ""
    for step in _steps(path):
        out += "[]" if isinstance(step, int) else (f".{step}" if out else step)
    return f"{out}.{key}" if out else key


def _field(path: Place, key: str | int | None = None) -> str:
    out = ""
    steps = _steps(path)
    for step in [*steps, key] if key is not None else steps:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def _by_path(key: str, path: Place, arm_type: str) -> str | None:
    shape = _shape(path, key)
    wanted = BY_TYPE.get((arm_type, shape))
    if wanted is not None:
        return wanted
    for suffix, kind in BY_PATH[key]:
        # a plain name is a top-level field; a dotted one ends the path
        if suffix == "*" or shape == suffix or ("." in suffix and shape.endswith(suffix)):
            return kind
    return None


def _note(where: str, field: str, expected: str, found: str) -> Note:
    return {"document": where, "field": field, "expected": expected, "found": found}


def drop_misshapen(document: Any, where: str, notes: list[Note], *, arm_type: str = "") -> None:
    """Remove, in place, what has the wrong JSON type; one note per removal."""
    if isinstance(document, dict):
        _walk(document, where, notes, (), arm_type)
    elif isinstance(document, list):
        _walk_list(document, where, notes, (), arm_type)


def _walk(
    document: dict[str, Any],
    where: str,
    notes: list[Note],
    path: Place,
    arm_type: str,
) -> bool:
    """True when ``document`` lost a field it cannot be read without (ITEM_REQUIRED).

    Built for speed (every resource passes here): paths are tuples, turned into
    text only for a note or one of the few BY_PATH names.
    """
    unreadable = False
    misfits: list[tuple[str, str]] = []
    for key, value in document.items():
        kind = type(value)
        accepted = _ACCEPTED.get(key)
        if accepted is not None and kind not in accepted and value is not None:
            wanted = _by_path(key, path, arm_type) if accepted is _BY_PATH_TYPES else _WANTED[key]
            if wanted is not None and _KINDS.get(kind) not in _ACCEPTS[wanted]:
                misfits.append((key, _CALLED.get(wanted, wanted)))
                continue
        if kind is dict:
            if _walk(value, where, notes, (path, key), arm_type) and key == "properties":
                unreadable = True  # an item's properties lost what the item needs
        elif kind is list:
            wanted = _WANTED.get(key)
            if wanted == "objects" or wanted == "strings":
                item_kind = "object" if wanted == "objects" else "string"
                kept = [item for item in value if _KINDS.get(type(item)) == item_kind]
                if len(kept) != len(value):
                    found = sorted({kind_of(i) for i in value if kind_of(i) != item_kind})
                    notes.append(
                        _note(where, _field(path, key) + "[]", item_kind, ", ".join(found))
                    )
                    value[:] = kept
            _walk_list(value, where, notes, (path, key), arm_type)
    for key, expected in misfits:
        notes.append(_note(where, _field(path, key), expected, kind_of(document.pop(key))))
        unreadable = unreadable or key in ITEM_REQUIRED
    return unreadable


def _walk_list(items: list[Any], where: str, notes: list[Note], path: Place, arm_type: str) -> None:
    dropped: list[int] = []
    for index, item in enumerate(items):
        kind = type(item)
        if kind is dict:
            if _walk(item, where, notes, (path, index), arm_type):
                dropped.append(index)
        elif kind is list:
            _walk_list(item, where, notes, (path, index), arm_type)
    for index in reversed(dropped):
        notes.append(_note(where, _field(path, index), "a readable item", "dropped"))
        del items[index]


# -- the quick look ---------------------------------------------------------------------
#
# Nearly every document of a snapshot is well shaped, and walking one costs more than
# parsing it. So resources.jsonl is first scanned as text, a block of lines at a time,
# by one regular expression (RE2: a linear-time automaton, so the scan costs about what
# reading the bytes does) that matches wherever a misfit could be; only the lines it
# matches are walked. It may match a well-shaped line (then the walk finds nothing) but
# never misses a misshapen one, since in JSON text
#
# * a field is spelled ``"name"`` then ``:`` (the name unescaped: any ``\u`` escape in
#   a line, which could spell a name, sends the line to the walk), and the first
#   character of its value tells its JSON type: ``{`` object, ``[`` list, ``"`` string,
#   ``t``/``f`` boolean, ``n`` null, anything else a number;
# * in a list of objects, an item that is not an object either comes first (right after
#   the ``[``) or right after an object's ``}`` and a comma, where an object's next field
#   name would be followed by ``:`` but a string item by ``,`` or ``]``; in a list of
#   strings, likewise after a string's closing quote and a comma;
# * the names whose check depends on where they sit (BY_PATH) send the line to the walk
#   wherever they occur, unless one expectation covers every place (_one_kind).
#
# No part of the expression matches a line break, so a match never spans two lines.

_WS = r"[ \t\r]*"
# first characters of a value that are not of the kind(s) expected (null is never a misfit)
_BAD_START = {
    "object": r"[^{n \t\r\n]",
    "list": r"[^\[n \t\r\n]",
    "string": r'[^"n \t\r\n]',
    "number": r"[^\-0-9n \t\r\n]",
    "boolean": r"[^tfn \t\r\n]",
    # a list whose first item is of another kind, or no list (nor null) at all
    "objects": r"(?:[^\[n \t\r\n]|\[" + _WS + r"[^{\] \t\r\n])",
    "strings": r'(?:[^\["n \t\r\n]|\[' + _WS + r'[^"\] \t\r\n])',
}
_STRING = r'"(?:[^"\\\n]|\\.)*"'


def _names(names: Any) -> str:
    return "|".join(re.escape(name) for name in sorted(names))


def _one_kind(name: str) -> str | None:
    """The one expectation that covers a place-dependent name wherever it is checked
    (``status``: a string; ``rules``: a list, of objects but in one place), or None
    (``sku``: a string in one place, an object in another)."""
    kinds = {kind for _, kind in BY_PATH[name]}
    kinds |= {kind for (_, shape), kind in BY_TYPE.items() if shape.rsplit(".", 1)[-1] == name}
    if kinds == {"list", "objects"}:
        return "objects"  # stricter: where a plain list is expected, more lines are walked
    return kinds.pop() if len(kinds) == 1 else None


def _quick_pattern() -> str:
    by_kind: dict[str, list[str]] = {}
    by_place: list[str] = []
    for name, wanted in _WANTED.items():
        if wanted == _BY_PATH_NAME:
            kind = _one_kind(name)
            if kind is None:
                by_place.append(name)
                continue
            wanted = kind
        by_kind.setdefault(wanted, []).append(name)
    branches = [
        f'"(?:{_names(names)})"{_WS}:{_WS}{_BAD_START[wanted]}'
        for wanted, names in sorted(by_kind.items())
    ]
    branches += [
        f'"(?:{_names(by_place)})"{_WS}:',
        # after an object in a list: an item that is neither an object nor a field name
        r"\}" + _WS + "," + _WS + r'(?:[^"{ \t\r\n]|' + _STRING + _WS + r"[,\]])",
        # after a string in a list: an item that is not a string
        '"' + _WS + "," + _WS + r'[^" \t\r\n]',
        r"\\u",
    ]
    return "|".join(branches)


_QUICK_OPTIONS = re2.Options()
# RE2 builds its automaton lazily, as the text asks: a few MB for every estate and
# recording tried (2 MB would do). Past this bound it would fall back to a slower search
# (same answers) and log each time, so the bound is well above what was needed.
_QUICK_OPTIONS.max_mem = 8 << 20
_QUICK = re2.compile(_quick_pattern().encode(), options=_QUICK_OPTIONS)


def lines_to_walk(lines: list[bytes]) -> set[int]:
    """The indexes of the lines (one JSON document each, as read, line breaks kept) that
    may hold a misshapen field; every other line certainly holds none (see above)."""
    ends = list(accumulate(map(len, lines)))
    return {bisect_right(ends, match.start()) for match in _QUICK.finditer(b"".join(lines))}

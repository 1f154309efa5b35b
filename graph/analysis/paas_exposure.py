"""The internet exposure of platform services (paas-exposure.md): one verdict per endpoint.

Pure functions over a service's ARM ``properties`` and the children the crawl
read for it (``children``: ``firewallRules``, ``networkRuleSet``,
``configWeb``, ``containers``). A child that could not be read is a mapping
``{"unreadable": "<why>"}``; a child the crawl did not read is absent. Three
layers are read together, none decides alone:

1. public network access (``Disabled`` / ``SecuredByPerimeter``, VNet injection,
   a private cluster, an internal API Management close the endpoint);
2. the service firewall: a default of ``Allow`` admits everyone whatever IP rules
   follow; with ``Deny`` only the rules admit, and they admit the internet when
   their union covers it (graph.analysis.sources); range rules of SQL,
   PostgreSQL and MySQL at ``0.0.0.0``-``0.0.0.0`` (Cosmos ``0.0.0.0``) admit
   every Azure customer (``azure-wide``), matched by range, never by name;
   App Service access restrictions are read in priority order;
3. anonymous data access: a blob container of access ``Blob``/``Container`` on an
   account that allows it, Container Registry anonymous pull, Data Explorer
   trusting every tenant.

Sources: Microsoft Learn pages cited in ../research part 2 (table 2.1):
"Azure Storage firewall rules", "Azure SQL Database and Azure Synapse IP
firewall rules", "Access restrictions in App Service", "Secure access to the
API server using authorized IP address ranges in AKS", "Configure IP firewall
in Azure Cosmos DB", "Azure Cache for Redis firewall", "Allow access to Azure
Event Hubs namespaces from specific IP addresses".
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.analysis.sources import IPV4, PUBLIC_SPACE, IpNetwork, coverage

INTERNET = "internet"
AZURE_WIDE = "azure-wide"
RESTRICTED = "restricted"
CLOSED = "closed"
UNKNOWN = "unknown"
# SQL Managed Instance's public data endpoint is decided by its subnet's NSG, which the
# NIC engine's evaluation reads from the graph, not from the instance's own properties.
SUBNET_NSG = "subnet-nsg"
RESULTS = (INTERNET, AZURE_WIDE, RESTRICTED, CLOSED, UNKNOWN)
EXPOSED = frozenset({INTERNET, AZURE_WIDE})

NOTE_ANY_AZURE_TENANT = "any-azure-tenant"
NOTE_INSECURE_TRANSPORT = "insecure-transport"
NOTE_BROAD_SOURCE = "broad-source"
NOTE_SERVER_LEVEL_ONLY = "server-level-rules-only"

FIREWALL_RULES = "firewallRules"
NETWORK_RULE_SET = "networkRuleSet"
CONFIG_WEB = "configWeb"
CONTAINERS = "containers"
UNREADABLE = "unreadable"

_CLOSING_ACCESS = frozenset({"disabled", "securedbyperimeter"})
_OLD_TLS = frozenset({"", "1", "1.0", "1.1", "10", "11"})
_AZURE_ONLY = ipaddress.IPv4Network("0.0.0.0/32")
_ANONYMOUS_CONTAINER = frozenset({"blob", "container"})
_STORAGE_ENDPOINTS = ("blob", "file", "queue", "table", "dfs")


@dataclass(frozen=True, slots=True)
class Endpoint:
    """The verdict for one public endpoint of one service."""

    service: str  # storage-blob, sql, app-service-scm, ...
    result: str  # one of RESULTS (or SUBNET_NSG before the graph decides it)
    ports: tuple[int, ...]
    anonymous: bool = False
    notes: tuple[str, ...] = ()
    # The deciding settings in plain words, in the order they decided.
    settings: tuple[str, ...] = ()
    unknown: str | None = None  # why the verdict is unknown (a coverage entry)

    @property
    def exposed(self) -> bool:
        return self.result in EXPOSED


@dataclass(frozen=True, slots=True)
class _Layer:
    """A firewall layer's answer before the endpoint is named."""

    result: str
    settings: tuple[str, ...]
    notes: tuple[str, ...] = ()
    unknown: str | None = None


# --------------------------------------------------------------------------- small readers


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _props(item: Any) -> Mapping[str, Any]:
    """A child's properties (ARM children nest them; some callers pass them flat)."""
    item = _dict(item)
    inner = item.get("properties")
    return inner if isinstance(inner, Mapping) else item


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _access(value: Any) -> str:
    """Public network access as Azure spells it; absent means Enabled."""
    return _text(value) or "Enabled"


def _closed_by_access(value: Any) -> bool:
    return _access(value).lower() in _CLOSING_ACCESS


def _old_tls(value: Any) -> bool:
    """A minimum TLS version below 1.2, however the service spells it (``TLS1_0``, ``1.1``,
    Cosmos ``Tls``/``Tls11``; SQL ``None`` = no minimum). Absent is not judged."""
    text = _text(value).lower()
    if not text:
        return False
    if text == "none":
        return True
    return text.removeprefix("tls").replace("_", ".").lstrip(".") in _OLD_TLS


def _unreadable(child: Any) -> str | None:
    if isinstance(child, Mapping) and UNREADABLE in child:
        return str(child[UNREADABLE]) or "unreadable"
    return None


def _child(children: Mapping[str, Any], key: str) -> tuple[Any, str | None]:
    """A child as read, or why it is unknown (unreadable, or not read at all)."""
    if key not in children:
        return None, f"{key} not read"
    value = children[key]
    why = _unreadable(value)
    return (None, f"{key}: {why}") if why else (value, None)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# --------------------------------------------------------------------------- layer 2: firewalls


def _networks(tokens: Iterable[str]) -> list[IpNetwork]:
    out: list[IpNetwork] = []
    for token in tokens:
        try:
            out.append(ipaddress.ip_network(token.strip(), strict=False))
        except ValueError:
            continue  # a service tag: a known source, never the internet
    return out


def _range_networks(start: Any, end: Any) -> list[IpNetwork]:
    try:
        first, last = ipaddress.ip_address(_text(start)), ipaddress.ip_address(_text(end))
    except ValueError:
        return []
    if first.version != last.version or int(first) > int(last):
        return []
    return list(ipaddress.summarize_address_range(first, last))


def _judge_sources(tokens: Sequence[str], settings: list[str]) -> _Layer:
    """Deny by default: the rules' union admits the internet, broadly, or known sources."""
    # Public endpoints of these services are addressed over IPv4 (their firewalls take IPv4).
    cover = coverage(tokens)
    if IPV4 in cover.full:
        return _Layer(INTERNET, (*settings, "the rules cover every internet address"))
    if IPV4 in cover.broad:
        return _Layer(
            INTERNET,
            (*settings, "the rules cover a /8 or more of internet addresses"),
            (NOTE_BROAD_SOURCE,),
        )
    return _Layer(RESTRICTED, tuple(settings))


def _acl(default_action: Any, ip_rules: Sequence[str], *, missing_allows: bool) -> _Layer:
    """A storage-style ACL: a default action, then IP rules that only add to a Deny."""
    action = _text(default_action)
    if not action:
        action = "Allow" if missing_allows else "Deny"
    rules = _plural(len(ip_rules), "IP rule")
    if action.lower() == "allow":
        words = [f"firewall default: {action}"]
        if ip_rules:
            words.append(f"{rules} ignored because the default allows")
        return _Layer(INTERNET, tuple(words))
    return _judge_sources(ip_rules, [f"firewall default: {action}", rules])


def _range_rules(rules: Sequence[Any], start_key: str, end_key: str, *, azure_rule: bool) -> _Layer:
    """Server firewall rules (start/end ranges): no rule admits nothing."""
    if not rules:
        return _Layer(CLOSED, ("no firewall rules",))
    nets: list[IpNetwork] = []
    azure = False
    for rule in rules:
        p = _props(rule)
        span = _range_networks(p.get(start_key), p.get(end_key))
        if azure_rule and span == [_AZURE_ONLY]:
            azure = True
            continue
        nets.extend(span)
    words = [_plural(len(rules), "firewall rule")]
    judged = _judge_sources([str(n) for n in nets], words)
    if judged.result == INTERNET:
        return judged
    if azure:
        return _Layer(
            AZURE_WIDE,
            (*words, "0.0.0.0-0.0.0.0 admits every Azure customer's resources"),
            (NOTE_ANY_AZURE_TENANT,),
        )
    return judged


def _minus(nets: Iterable[IpNetwork], holes: Sequence[IpNetwork]) -> list[IpNetwork]:
    remaining = list(nets)
    for hole in holes:
        nxt: list[IpNetwork] = []
        for net in remaining:
            if net.version != hole.version or not net.overlaps(hole):
                nxt.append(net)
            elif hole.supernet_of(net):  # type: ignore[arg-type]
                continue
            else:
                nxt.extend(net.address_exclude(hole))  # type: ignore[arg-type]
        remaining = nxt
    return remaining


def _priority(rule: Mapping[str, Any]) -> int:
    value = rule.get("priority")
    return value if isinstance(value, int) and not isinstance(value, bool) else 2**31


def _restriction_networks(rule: Mapping[str, Any]) -> list[IpNetwork] | None:
    """The addresses an access restriction matches, or None when it matches by something the
    internet at large does not carry (a subnet, a service tag, a header such as X-Azure-FDID)."""
    if rule.get("vnetSubnetResourceId") or rule.get("headers"):
        return None
    if _text(rule.get("tag")).lower() == "servicetag":
        return None
    address = _text(rule.get("ipAddress"))
    if address.lower() == "any":
        return [ipaddress.IPv4Network("0.0.0.0/0"), ipaddress.IPv6Network("::/0")]
    return _networks(a for a in address.split(",") if a.strip()) or None


def _ordered(rules: Sequence[Any], default_action: Any) -> _Layer:
    """App Service access restrictions: first match in priority order, then the default
    (absent: Deny once any rule exists, Allow when there is none)."""
    ordered = sorted((_dict(r) for r in rules), key=_priority)
    default = _text(default_action) or ("Deny" if ordered else "Allow")
    decided: list[IpNetwork] = []
    admitted: list[IpNetwork] = []
    for rule in ordered:
        nets = _restriction_networks(rule)
        if nets is None:
            continue
        if _text(rule.get("action")).lower() != "deny":
            admitted.extend(_minus(nets, decided))
        decided.extend(nets)
    if default.lower() == "allow":
        admitted.extend(_minus([n for f in PUBLIC_SPACE.values() for n in f], decided))
    words = [_plural(len(ordered), "access restriction"), f"unmatched: {default}"]
    return _judge_sources([str(n) for n in admitted], words)


# --------------------------------------------------------------------------- per service


def _endpoint(
    service: str,
    ports: tuple[int, ...],
    layer: _Layer,
    access_words: Sequence[str],
    *,
    anonymous: bool = False,
    notes: Iterable[str] = (),
    extra: Sequence[str] = (),
) -> Endpoint:
    all_notes = sorted({*layer.notes, *notes})
    return Endpoint(
        service=service,
        result=layer.result,
        ports=ports,
        anonymous=anonymous and layer.result in EXPOSED,
        notes=tuple(all_notes),
        settings=(*access_words, *layer.settings, *extra),
        unknown=layer.unknown,
    )


def _access_layer(value: Any) -> tuple[_Layer | None, list[str]]:
    """Layer 1 from ``publicNetworkAccess``: a closed layer, or None to read the firewall."""
    words = [f"public network access: {_access(value)}"]
    if _closed_by_access(value):
        return _Layer(CLOSED, ()), words
    return None, words


def _unknown(why: str) -> _Layer:
    return _Layer(UNKNOWN, (f"not decided: {why}",), unknown=why)


def _network_acls(p: Mapping[str, Any]) -> tuple[_Layer, list[str]]:
    """Storage, Key Vault and AI services: public network access, then ``networkAcls`` (no
    ACL allows all networks)."""
    closed, words = _access_layer(p.get("publicNetworkAccess"))
    acl = _dict(p.get("networkAcls"))
    layer = closed or _acl(
        acl.get("defaultAction"),
        [_text(_dict(r).get("value")) for r in _list(acl.get("ipRules"))],
        missing_allows=True,
    )
    return layer, words


def _storage(p: Mapping[str, Any], children: Mapping[str, Any]) -> list[Endpoint]:
    layer, words = _network_acls(p)
    insecure = p.get("supportsHttpsTrafficOnly") is False or _old_tls(p.get("minimumTlsVersion"))
    notes = (NOTE_INSECURE_TRANSPORT,) if insecure else ()
    listed = [k for k in _STORAGE_ENDPOINTS if _dict(p.get("primaryEndpoints")).get(k)]
    out: list[Endpoint] = []
    for name in listed or _STORAGE_ENDPOINTS:
        anonymous = False
        extra: tuple[str, ...] = ()
        if name == "blob":
            anonymous, extra = _anonymous_blob(p, children, layer)
        out.append(
            _endpoint(
                f"storage-{name}",
                (443,),
                layer,
                words,
                anonymous=anonymous,
                notes=notes,
                extra=extra,
            )
        )
    return out


def _anonymous_blob(
    p: Mapping[str, Any], children: Mapping[str, Any], layer: _Layer
) -> tuple[bool, tuple[str, ...]]:
    """Layer 3 for blobs: the account allows anonymous access (absent: allowed, as on accounts
    created before the setting) and a container is ``Blob`` or ``Container``."""
    if p.get("allowBlobPublicAccess") is False:
        return False, ("anonymous blob access: disallowed by the account",)
    if layer.result not in EXPOSED:
        return False, ()
    containers, why = _child(children, CONTAINERS)
    if why:
        return False, (f"anonymous blob access: not decided ({why})",)
    public = [
        _text(_dict(c).get("name")) or "?"
        for c in _list(containers)
        if _text(_props(c).get("publicAccess")).lower() in _ANONYMOUS_CONTAINER
    ]
    if not public:
        return False, ("anonymous blob access: allowed by the account, no public container",)
    return True, (f"anonymous read: container {', '.join(sorted(public))}",)


def _key_vault(p: Mapping[str, Any], _children: Mapping[str, Any]) -> list[Endpoint]:
    layer, words = _network_acls(p)
    return [_endpoint("key-vault", (443,), layer, words)]


def _server_rules(
    service: str,
    ports: tuple[int, ...],
    closed: _Layer | None,
    words: list[str],
    children: Mapping[str, Any],
    start_end: tuple[str, str] = ("startIpAddress", "endIpAddress"),
    *,
    azure_rule: bool = True,
    no_rules: str = CLOSED,
    notes: Iterable[str] = (),
) -> Endpoint:
    if closed is None:
        rules, why = _child(children, FIREWALL_RULES)
        if why:
            layer = _unknown(why)
        elif not _list(rules) and no_rules == INTERNET:
            layer = _Layer(INTERNET, ("no firewall rules: every address allowed",))
        else:
            layer = _range_rules(_list(rules), *start_end, azure_rule=azure_rule)
    else:
        layer = closed
    return _endpoint(service, ports, layer, words, notes=notes)


def _sql(p: Mapping[str, Any], children: Mapping[str, Any]) -> list[Endpoint]:
    closed, words = _access_layer(p.get("publicNetworkAccess"))
    notes = [NOTE_SERVER_LEVEL_ONLY]
    if _old_tls(p.get("minimalTlsVersion")):
        notes.append(NOTE_INSECURE_TRANSPORT)
    return [_server_rules("sql", (1433,), closed, words, children, notes=notes)]


def _sql_mi(p: Mapping[str, Any], _children: Mapping[str, Any]) -> list[Endpoint]:
    if p.get("publicDataEndpointEnabled") is not True:
        layer = _Layer(CLOSED, ("public data endpoint: disabled",))
    else:
        layer = _Layer(SUBNET_NSG, ("public data endpoint: enabled (port 3342)",))
    return [_endpoint("sql-mi-public", (3342,), layer, ())]


def _flexible(
    service: str, port: int
) -> Callable[[Mapping[str, Any], Mapping[str, Any]], list[Endpoint]]:
    def judge(p: Mapping[str, Any], children: Mapping[str, Any]) -> list[Endpoint]:
        network = _dict(p.get("network"))
        closed, words = _access_layer(network.get("publicNetworkAccess"))
        if _text(network.get("delegatedSubnetResourceId")):
            closed, words = (
                _Layer(CLOSED, ()),
                ["VNet-integrated (delegated subnet): no public endpoint"],
            )
        return [_server_rules(service, (port,), closed, words, children)]

    return judge


def _redis(p: Mapping[str, Any], children: Mapping[str, Any]) -> list[Endpoint]:
    closed, words = _access_layer(p.get("publicNetworkAccess"))
    if _text(p.get("subnetId")):
        closed, words = _Layer(CLOSED, ()), ["VNet-injected: no public endpoint"]
    non_ssl = p.get("enableNonSslPort") is True
    ports = (6379, 6380) if non_ssl else (6380,)
    insecure = non_ssl or _old_tls(p.get("minimumTlsVersion"))
    return [
        _server_rules(
            "redis",
            ports,
            closed,
            words,
            children,
            ("startIP", "endIP"),
            azure_rule=False,
            no_rules=INTERNET,
            notes=(NOTE_INSECURE_TRANSPORT,) if insecure else (),
        )
    ]


def _namespace(
    service: str, ports: tuple[int, ...]
) -> Callable[[Mapping[str, Any], Mapping[str, Any]], list[Endpoint]]:
    def judge(p: Mapping[str, Any], children: Mapping[str, Any]) -> list[Endpoint]:
        closed, words = _access_layer(p.get("publicNetworkAccess"))
        notes = (NOTE_INSECURE_TRANSPORT,) if _old_tls(p.get("minimumTlsVersion")) else ()
        if closed is not None:
            return [_endpoint(service, ports, closed, words, notes=notes)]
        rule_set, why = _child(children, NETWORK_RULE_SET)
        if why:
            return [_endpoint(service, ports, _unknown(why), words, notes=notes)]
        rs = _props(rule_set)
        if _closed_by_access(rs.get("publicNetworkAccess")):
            layer = _Layer(CLOSED, ("network rule set: public network access Disabled",))
        else:
            allowed = [
                _text(_dict(r).get("ipMask"))
                for r in _list(rs.get("ipRules"))
                if _text(_dict(r).get("action")).lower() in ("", "allow")
            ]
            layer = _acl(rs.get("defaultAction"), allowed, missing_allows=True)
        return [_endpoint(service, ports, layer, words, notes=notes)]

    return judge


def _web(p: Mapping[str, Any], children: Mapping[str, Any]) -> list[Endpoint]:
    """Main site and SCM (Kudu) site apart; an unset access becomes Disabled once a private
    endpoint exists (App Service's exception to private endpoints leaving the endpoint open)."""
    access = _text(p.get("publicNetworkAccess"))
    if not access and _list(p.get("privateEndpointConnections")):
        words = ["public network access: unset, disabled by the private endpoint"]
        closed: _Layer | None = _Layer(CLOSED, ())
    else:
        closed, words = _access_layer(access)
    insecure = p.get("httpsOnly") is False
    config, why = (None, None) if closed else _child(children, CONFIG_WEB)
    cfg = _props(config)
    out: list[Endpoint] = []
    for service, prefix in (("app-service", "ip"), ("app-service-scm", "scmIp")):
        if closed is not None:
            layer = closed
        elif why:
            layer = _unknown(why)
        elif prefix == "scmIp" and cfg.get("scmIpSecurityRestrictionsUseMain") is True:
            main = _ordered(
                _list(cfg.get("ipSecurityRestrictions")),
                cfg.get("ipSecurityRestrictionsDefaultAction"),
            )
            layer = _Layer(main.result, ("uses the main site's rules", *main.settings), main.notes)
        else:
            layer = _ordered(
                _list(cfg.get(f"{prefix}SecurityRestrictions")),
                cfg.get(f"{prefix}SecurityRestrictionsDefaultAction"),
            )
        tls = cfg.get("scmMinTlsVersion" if prefix == "scmIp" else "minTlsVersion")
        notes = (NOTE_INSECURE_TRANSPORT,) if insecure or _old_tls(tls) else ()
        out.append(_endpoint(service, (443,), layer, words, notes=notes))
    return out


def _aks(p: Mapping[str, Any], _children: Mapping[str, Any]) -> list[Endpoint]:
    profile = _dict(p.get("apiServerAccessProfile"))
    closed, words = _access_layer(p.get("publicNetworkAccess"))
    if profile.get("enablePrivateCluster") is True:
        closed, words = (
            _Layer(CLOSED, ()),
            ["private cluster: the API server has no public endpoint"],
        )
    if closed is not None:
        return [_endpoint("aks-api", (443,), closed, words)]
    ranges = [_text(r) for r in _list(profile.get("authorizedIPRanges"))]
    if not ranges:
        layer = _Layer(INTERNET, ("no authorized IP ranges",))
    else:
        layer = _judge_sources(ranges, [_plural(len(ranges), "authorized IP range")])
    return [_endpoint("aks-api", (443,), layer, words)]


def _registry(p: Mapping[str, Any], _children: Mapping[str, Any]) -> list[Endpoint]:
    closed, words = _access_layer(p.get("publicNetworkAccess"))
    rules = _dict(p.get("networkRuleSet"))
    layer = closed or _acl(
        rules.get("defaultAction"),
        [
            _text(_dict(r).get("value") or _dict(r).get("ipAddressOrRange"))
            for r in _list(rules.get("ipRules"))
        ],
        missing_allows=True,
    )
    anonymous = p.get("anonymousPullEnabled") is True
    extra = ("anonymous pull: enabled",) if anonymous else ()
    return [_endpoint("container-registry", (443,), layer, words, anonymous=anonymous, extra=extra)]


def _cosmos(p: Mapping[str, Any], _children: Mapping[str, Any]) -> list[Endpoint]:
    closed, words = _access_layer(p.get("publicNetworkAccess"))
    notes = (NOTE_INSECURE_TRANSPORT,) if _old_tls(p.get("minimalTlsVersion")) else ()
    if closed is not None:
        return [_endpoint("cosmos-db", (443,), closed, words, notes=notes)]
    ips = [_text(_dict(r).get("ipAddressOrRange")) for r in _list(p.get("ipRules"))]
    vnet_filter = p.get("isVirtualNetworkFilterEnabled") is True
    if not ips and not vnet_filter:
        layer = _Layer(INTERNET, ("no IP rules and no virtual network filter: all networks",))
    else:
        azure = "0.0.0.0" in ips
        words_2 = [_plural(len(ips), "IP rule")] + (
            ["virtual network filter: on"] if vnet_filter else []
        )
        layer = _judge_sources([i for i in ips if i != "0.0.0.0"], words_2)
        if layer.result != INTERNET and azure:
            layer = _Layer(
                AZURE_WIDE,
                (*words_2, "0.0.0.0 accepts connections from every Azure datacenter"),
                (NOTE_ANY_AZURE_TENANT,),
            )
    return [_endpoint("cosmos-db", (443,), layer, words, notes=notes)]


def _cognitive(p: Mapping[str, Any], _children: Mapping[str, Any], kind: str) -> list[Endpoint]:
    layer, words = _network_acls(p)
    service = "azure-openai" if kind.lower() == "openai" else "ai-services"
    return [_endpoint(service, (443,), layer, words)]


def _apim(p: Mapping[str, Any], _children: Mapping[str, Any]) -> list[Endpoint]:
    closed, words = _access_layer(p.get("publicNetworkAccess"))
    vnet = _text(p.get("virtualNetworkType")) or "None"
    if vnet.lower() == "internal":
        closed, words = _Layer(CLOSED, ()), ["virtual network: Internal (no public gateway)"]
    layer = closed or _Layer(INTERNET, (f"virtual network: {vnet}",))
    return [_endpoint("api-management", (443,), layer, words)]


def _kusto(p: Mapping[str, Any], _children: Mapping[str, Any]) -> list[Endpoint]:
    closed, words = _access_layer(p.get("publicNetworkAccess"))
    ranges = [_text(r) for r in _list(p.get("allowedIpRangeList"))]
    if closed is not None:
        layer = closed
    elif ranges:
        layer = _judge_sources(ranges, [_plural(len(ranges), "allowed IP range")])
    else:
        layer = _Layer(INTERNET, ("no allowed IP ranges: every address",))
    tenants = [_text(_dict(t).get("value")) for t in _list(p.get("trustedExternalTenants"))]
    anonymous = "*" in tenants
    extra = ("trusted external tenants: * (any tenant's principals)",) if anonymous else ()
    return [_endpoint("data-explorer", (443,), layer, words, anonymous=anonymous, extra=extra)]


_Judge = Callable[[Mapping[str, Any], Mapping[str, Any]], list[Endpoint]]

JUDGES: dict[str, _Judge] = {
    "microsoft.storage/storageaccounts": _storage,
    "microsoft.keyvault/vaults": _key_vault,
    "microsoft.sql/servers": _sql,
    "microsoft.sql/managedinstances": _sql_mi,
    "microsoft.dbforpostgresql/flexibleservers": _flexible("postgresql", 5432),
    "microsoft.dbformysql/flexibleservers": _flexible("mysql", 3306),
    "microsoft.cache/redis": _redis,
    "microsoft.eventhub/namespaces": _namespace("event-hubs", (443, 5671, 5672, 9093)),
    "microsoft.servicebus/namespaces": _namespace("service-bus", (443, 5671, 5672)),
    "microsoft.web/sites": _web,
    "microsoft.containerservice/managedclusters": _aks,
    "microsoft.containerregistry/registries": _registry,
    "microsoft.documentdb/databaseaccounts": _cosmos,
    "microsoft.apimanagement/service": _apim,
    "microsoft.kusto/clusters": _kusto,
}
COGNITIVE = "microsoft.cognitiveservices/accounts"
PAAS_TYPES = frozenset({*JUDGES, COGNITIVE})


def endpoints(
    arm_type: str, properties: Any, children: Mapping[str, Any], kind: str = ""
) -> list[Endpoint]:
    """Every public endpoint of one platform service with its verdict (empty for other types)."""
    lower = arm_type.lower()
    p = _dict(properties)
    if lower == COGNITIVE:
        return _cognitive(p, children, kind)
    judge = JUDGES.get(lower)
    return judge(p, children) if judge is not None else []

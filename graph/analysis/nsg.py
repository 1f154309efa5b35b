"""Inbound NSG evaluation (exposure.md rules 6-8).

An NSG is compiled once into its inbound rules in priority order (custom
rules, then the defaults). Evaluating it for a destination (the NIC's private
IP and the application security groups of its IP configuration) and a source
(an arbitrary internet address, or one private address such as a firewall's)
gives the exact ports, per protocol, that such traffic may reach.

Semantics (Microsoft Learn, "Network security groups overview" and "How
network security groups filter network traffic"):

* first match wins, lower priority number first;
* an allow whose source admits the flow's source opens its ports whatever
  source port range it names (the attacker chooses the source port); for the
  internet, a broad source (sources.py) admits it as well;
* a deny shadows only when its source covers the flow's source (for the
  internet: all of the family, a broad source is not enough) and its source
  port ranges cover every source port (``*``, ``0-65535``, or a union of
  ranges that adds up to it; otherwise some source ports still pass);
* a missing NSG at a level allows everything at that level; both present
  levels (subnet, then NIC) must allow.

Approximation for a private source (firewall DNAT): the ``VirtualNetwork``
service tag is taken to be the address space of the target's VNet and of the
VNets peered with it (``Connected``); address space learned through gateways
and user-defined routes, which Azure also adds to the tag, is not modelled.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import orjson

from graph.analysis.ports import MAX_PORT, MIN_PORT, PortSet, parse_ranges
from graph.analysis.sources import IPV4, Coverage, coverage
from graph.schema import node_id

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_ANY = frozenset({"*", "any"})
_VNET_TAG = "virtualnetwork"

# Azure's inbound default rules, used when a payload leaves them out (they are
# always present on a real NSG; Microsoft Learn, "Network security groups
# overview", "Default security rules").
DEFAULT_INBOUND_RULES: tuple[dict[str, Any], ...] = (
    {
        "name": "AllowVnetInBound",
        "properties": {
            "access": "Allow",
            "direction": "Inbound",
            "priority": 65000,
            "protocol": "*",
            "sourceAddressPrefix": "VirtualNetwork",
            "sourcePortRange": "*",
            "destinationAddressPrefix": "VirtualNetwork",
            "destinationPortRange": "*",
        },
    },
    {
        "name": "AllowAzureLoadBalancerInBound",
        "properties": {
            "access": "Allow",
            "direction": "Inbound",
            "priority": 65001,
            "protocol": "*",
            "sourceAddressPrefix": "AzureLoadBalancer",
            "sourcePortRange": "*",
            "destinationAddressPrefix": "*",
            "destinationPortRange": "*",
        },
    },
    {
        "name": "DenyAllInBound",
        "properties": {
            "access": "Deny",
            "direction": "Inbound",
            "priority": 65500,
            "protocol": "*",
            "sourceAddressPrefix": "*",
            "sourcePortRange": "*",
            "destinationAddressPrefix": "*",
            "destinationPortRange": "*",
        },
    },
)


@dataclass(frozen=True, slots=True)
class Unreadable:
    """One security rule that cannot be read: which field, what it holds, what it should.

    ``allow`` is None when the access itself is unreadable: the rule may allow.
    """

    rule: str
    field: str
    found: str
    expected: str
    allow: bool | None


class NsgRuleError(ValueError):
    """A security rule that cannot be read (names the rule and what to fix)."""

    def __init__(self, problem: Unreadable) -> None:
        super().__init__(
            f"security rule {problem.rule!r} cannot be read: {problem.field} is "
            f"{problem.found}, not {problem.expected}"
        )
        self.problem = problem


# Microsoft Learn, "Network security groups overview", "Security rules": the protocols
# are TCP, UDP, ICMP, ESP, AH or Any. A custom rule's priority lies in 100-4096 there, but
# any whole number in 0-65535 still says where the rule stands (the defaults use 65000
# on), so only a priority that places the rule nowhere is unreadable.
PRIORITIES = range(0, 65536)
_PROTOCOLS = frozenset({"tcp", "udp", "icmp", "esp", "ah", "*", "any"})
_ACCESS = {"allow": True, "deny": False}
_DIRECTIONS = frozenset({"inbound", "outbound"})
PORTS_EXPECTED = "a port, a range 'a-b' or '*' within 0-65535"


@lru_cache(maxsize=65536)
def _network(text: str) -> IpNetwork | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def parse_ip(text: str | None) -> IpAddress | None:
    if not text:
        return None
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def networks_of(prefixes: Iterable[str]) -> tuple[IpNetwork, ...]:
    """The prefixes that parse as CIDRs or addresses (service tags are skipped)."""
    return tuple(n for n in (_network(p.strip()) for p in prefixes if p) if n is not None)


def covers_every_source_port(specs: Sequence[str]) -> bool:
    """``*``, ``0-65535`` or a union of ranges adding up to every port (no spec means ``*``)."""
    if not specs:
        return True
    try:
        return parse_ranges(list(specs)) == ((MIN_PORT, MAX_PORT),)
    except ValueError:
        return False


# A rule's port ranges, read once per distinct spelling: an estate's NSGs repeat the same
# few (templates, Azure's defaults), and reading them was a third of compiling an NSG.
@lru_cache(maxsize=65536)
def _destination_ports(protocol: str, specs: tuple[str, ...]) -> PortSet:
    """PortSet.parse; raises ValueError (not cached) for a spec that is no port or range."""
    return PortSet.parse(protocol, specs)


@lru_cache(maxsize=65536)
def _source_ports_cover_all(specs: tuple[str, ...]) -> bool:
    """covers_every_source_port; raises ValueError for a spec that is no port or range."""
    parse_ranges(list(specs))
    return covers_every_source_port(specs)


def _both(props: Mapping[str, Any], singular: str, plural: str) -> tuple[str, ...]:
    """A rule field read from its singular and plural forms alike."""
    values: list[str] = []
    one = props.get(singular)
    if isinstance(one, str) and one.strip():
        values.append(one.strip())
    many = props.get(plural)
    if isinstance(many, list):
        values.extend(str(v).strip() for v in many if str(v).strip())
    return tuple(values)


def _asg_ids(props: Mapping[str, Any], key: str) -> frozenset[str]:
    items = props.get(key) or []
    return frozenset(node_id(i["id"]) for i in items if isinstance(i, dict) and i.get("id"))


@dataclass(frozen=True, slots=True)
class Rule:
    """One inbound security rule, read once."""

    name: str
    priority: int
    allow: bool
    ports: PortSet  # destination ports per protocol the rule matches
    sources: tuple[str, ...]
    source_internet: Coverage  # what of the internet the sources admit, per family
    source_asgs: frozenset[str]
    source_any_port: bool
    destinations: tuple[str, ...]
    destination_asgs: frozenset[str]
    destination_any: bool  # '*' or 'Any': matches every address
    destination_vnet: bool  # 'VirtualNetwork': matches every address inside the VNet


def shown(value: Any) -> str:
    """A field's value as a note shows it (short; the writers make it safe per medium)."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def compile_rule(rule: Mapping[str, Any]) -> Rule | None:
    """The inbound rule of an ARM security rule, or None for an outbound one.

    Raises NsgRuleError when a field that places the rule or says what it matches
    (direction, access, priority, protocol, port ranges) holds no value Azure accepts.
    """
    props: Mapping[str, Any] = rule.get("properties", rule)
    name = str(rule.get("name") or props.get("name") or "?")
    access = _ACCESS.get(str(props.get("access", "")).strip().lower())

    def unreadable(field: str, expected: str) -> NsgRuleError:
        return NsgRuleError(Unreadable(name, field, shown(props.get(field)), expected, access))

    direction = str(props.get("direction", "")).strip().lower()
    if direction not in _DIRECTIONS:
        raise unreadable("direction", "Inbound or Outbound")
    if direction != "inbound":
        return None
    if access is None:
        raise unreadable("access", "Allow or Deny")
    priority = _priority(props.get("priority"))
    if priority is None:
        raise unreadable("priority", "a whole number in 100-4096")
    protocol = str(props.get("protocol", "*"))
    if protocol.strip().lower() not in _PROTOCOLS:
        raise unreadable("protocol", "Tcp, Udp, Icmp, Esp, Ah or *")
    try:
        ports = _destination_ports(
            protocol, _both(props, "destinationPortRange", "destinationPortRanges")
        )
    except ValueError:
        field = (
            "destinationPortRanges"
            if props.get("destinationPortRanges")
            else "destinationPortRange"
        )
        raise unreadable(field, PORTS_EXPECTED) from None
    source_ports = _both(props, "sourcePortRange", "sourcePortRanges")
    try:
        source_any_port = _source_ports_cover_all(source_ports)
    except ValueError:
        field = "sourcePortRanges" if props.get("sourcePortRanges") else "sourcePortRange"
        raise unreadable(field, PORTS_EXPECTED) from None
    sources = tuple(p.lower() for p in _both(props, "sourceAddressPrefix", "sourceAddressPrefixes"))
    destinations = tuple(
        p.lower() for p in _both(props, "destinationAddressPrefix", "destinationAddressPrefixes")
    )
    return Rule(
        name=name,
        priority=priority,
        allow=access,
        ports=ports,
        sources=sources,
        source_internet=coverage(sources),
        source_asgs=_asg_ids(props, "sourceApplicationSecurityGroups"),
        source_any_port=source_any_port,
        destinations=destinations,
        destination_asgs=_asg_ids(props, "destinationApplicationSecurityGroups"),
        destination_any=any(d in _ANY for d in destinations),
        destination_vnet=_VNET_TAG in destinations,
    )


def _compile_alike(rule: Mapping[str, Any]) -> Rule | None:
    """compile_rule, once for all the rules that read alike: Azure's default rules are the
    same in every NSG, and an estate's own rules mostly come from a few templates. What
    compile_rule reads (the name and the properties) is the key, ids and etags are not."""
    try:
        key = orjson.dumps(
            {"name": rule.get("name"), "properties": rule.get("properties", rule)},
            option=orjson.OPT_SORT_KEYS,
        )
    except (TypeError, orjson.JSONEncodeError):  # what orjson cannot write: read it as it is
        return compile_rule(rule)
    compiled = _COMPILED.get(key, _UNSEEN)
    if compiled is _UNSEEN:
        compiled = compile_rule(rule)  # an unreadable rule raises, and is read again next time
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        _COMPILED[key] = compiled
    return compiled  # type: ignore[return-value]


_UNSEEN = object()
_COMPILED: dict[bytes, Rule | None] = {}
_COMPILED_MAX = 16384


def _priority(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if not number.is_integer():
        return None
    priority = int(number)
    return priority if priority in PRIORITIES else None


def _as_list(value: str | list[Any] | None) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            loaded = orjson.loads(value)
        except orjson.JSONDecodeError:  # what orjson refuses (integers beyond 64 bits)
            loaded = json.loads(value)
        return loaded if isinstance(loaded, list) else []
    return value


@dataclass(frozen=True, slots=True)
class Nsg:
    """An NSG's inbound rules in evaluation order (custom, then defaults)."""

    id: str
    rules: tuple[Rule, ...]
    has_broad: bool = False  # an allow admits the internet only through a broad source
    # rules left out of the evaluation because a field cannot be read: an unreadable
    # allow may open ports no one can name, an unreadable deny shadows nothing
    unreadable: tuple[Unreadable, ...] = ()
    # a rule names a destination address or prefix: what it admits depends on the address
    by_address: bool = True
    # (source, which rules match) -> allowed ports: the NICs behind one NSG mostly
    # share the answer, so it is computed once per distinct pattern.
    cache: dict[tuple[Source, tuple[bool, ...]], PortSet] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )


def _compiled_list(
    rules: str | Sequence[Any] | None,
) -> tuple[tuple[Rule, ...], tuple[Unreadable, ...], int]:
    """(inbound rules, unreadable rules, how many items) of a rule list. A list the graph
    keeps as JSON text is read once per distinct text: the default rules are the same text
    in every NSG, and an estate's NSGs mostly come from a few templates (at 1,000,000
    resources 20,000 texts were parsed, for a handful of distinct ones)."""
    if isinstance(rules, str) and rules:
        known = _LISTS.get(rules)
        if known is None:
            if len(_LISTS) >= _LISTS_MAX:
                _LISTS.clear()
            known = _LISTS[rules] = _compile_items(_as_list(rules))
        return known
    return _compile_items(_as_list(rules) if isinstance(rules, str | None) else rules)


def _compile_items(items: Sequence[Any]) -> tuple[tuple[Rule, ...], tuple[Unreadable, ...], int]:
    compiled: list[Rule] = []
    unreadable: list[Unreadable] = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        try:
            compiled_rule = _compile_alike(item)
        except NsgRuleError as exc:
            unreadable.append(exc.problem)
            continue
        if compiled_rule is not None:
            compiled.append(compiled_rule)
    return tuple(compiled), tuple(unreadable), len(items)


_LISTS: dict[str, tuple[tuple[Rule, ...], tuple[Unreadable, ...], int]] = {}
_LISTS_MAX = 4096


def compile_nsg(
    nsg_id: str,
    security_rules: str | list[Any] | None,
    default_rules: str | list[Any] | None = None,
) -> Nsg:
    """Compile an NSG from its ``securityRules`` and ``defaultSecurityRules`` (JSON or lists).

    Azure's default inbound rules stand in when the payload has none. A rule that
    cannot be read is left out and kept in ``unreadable``: one broken rule must not
    cost the analysis of the whole estate.
    """
    custom, custom_unreadable, _ = _compiled_list(security_rules)
    defaults, default_unreadable, given = _compiled_list(default_rules)
    if not given:
        defaults, default_unreadable, _ = _compiled_list(DEFAULT_INBOUND_RULES)
    compiled = [*custom, *defaults]
    unreadable = [*custom_unreadable, *default_unreadable]
    compiled.sort(key=lambda r: r.priority)
    has_broad = any(r.allow and r.source_internet.broad for r in compiled)
    by_address = any(
        t not in _ANY and _network(t) is not None for r in compiled for t in r.destinations
    )
    return Nsg(
        id=nsg_id,
        rules=tuple(compiled),
        has_broad=has_broad,
        unreadable=tuple(unreadable),
        by_address=by_address,
    )


class Destination:
    """What inbound traffic is addressed to, after Azure's public-to-private translation.

    ``networks`` holds the private address (a /32 or /128) of an IP
    configuration, or the address prefixes of a subnet when only the subnet is
    known (an application gateway's instances). They are parsed on first use:
    most rules name ``*`` or ``VirtualNetwork`` and never need them.

    ``in_virtual_network`` is False for a load balancer frontend's public
    address (floating IP): the ``VirtualNetwork`` tag does not contain it.
    """

    __slots__ = ("_addresses", "_networks", "_texts", "asg_ids", "in_virtual_network")

    def __init__(
        self,
        texts: Iterable[str] = (),
        asg_ids: Iterable[str] = (),
        *,
        in_virtual_network: bool = True,
        addresses: bool = False,
    ) -> None:
        self._texts = tuple(t for t in texts if t)
        self._addresses = addresses  # texts that are no single address are left out
        self._networks: tuple[IpNetwork, ...] | None = None
        self.asg_ids = frozenset(node_id(a) for a in asg_ids)
        self.in_virtual_network = in_virtual_network

    @property
    def networks(self) -> tuple[IpNetwork, ...]:
        if self._networks is None:
            texts = self._texts
            if self._addresses:
                texts = tuple(t for t in texts if parse_ip(t) is not None)
            self._networks = networks_of(texts)
        return self._networks

    @classmethod
    def for_ip(cls, ip: str | None, asg_ids: Iterable[str] = ()) -> Destination:
        return cls([ip] if ip else [], asg_ids, addresses=True)

    @classmethod
    def for_prefixes(cls, prefixes: Iterable[str]) -> Destination:
        return cls(prefixes)

    @classmethod
    def for_frontend(cls, ip: str | None) -> Destination:
        """A load balancer frontend's public address, as a floating-IP backend's NSG sees it.

        Application security groups name the members' own addresses, so they do not match.
        """
        return cls([ip] if ip else [], in_virtual_network=False, addresses=True)


@dataclass(frozen=True, slots=True)
class Source:
    """Where inbound traffic comes from: the internet of one address family, or one private address.

    ``virtual_network`` is the address space the ``VirtualNetwork`` tag stands
    for in private mode (see the module docstring). For the internet,
    ``broad`` says whether an allow from a broad source (sources.py) admits it:
    the exposure is computed with it, and once more without it to tell whether
    only a broad source opened a port (the ``broad-source`` note).
    """

    ip: IpAddress | None = None
    virtual_network: tuple[IpNetwork, ...] = field(default=())
    family: int = IPV4
    broad: bool = True

    @classmethod
    def internet(cls, family: int = IPV4, *, broad: bool = True) -> Source:
        return cls(family=family, broad=broad)

    @property
    def is_internet(self) -> bool:
        return self.ip is None

    @classmethod
    def private(cls, ip: str, virtual_network: Iterable[str] = ()) -> Source:
        address = parse_ip(ip)
        if address is None:
            raise ValueError(f"source address {ip!r} is not an IP address")
        return cls(ip=address, virtual_network=networks_of(virtual_network))


INTERNET = Source()


def _source_matches(rule: Rule, source: Source) -> bool:
    if source.ip is None:
        # A deny shadows internet traffic only when it covers all of it (rule 8).
        return rule.source_internet.admits(source.family, broad=source.broad and rule.allow)
    ip = source.ip
    for token in rule.sources:
        if token in _ANY:
            return True
        if token == _VNET_TAG:
            if any(ip.version == n.version and ip in n for n in source.virtual_network):
                return True
            continue
        net = _network(token)
        if net is not None and ip.version == net.version and ip in net:
            return True
    # A firewall is not a member of any application security group.
    return False


def _destination_matches(rule: Rule, dest: Destination, *, whole: bool) -> bool:
    """Does the rule's destination cover the target?

    With ``whole`` (for denies) a prefix must contain one network of the
    destination entirely; otherwise (allows) overlapping one suffices. For a
    single IP the two coincide.
    """
    if rule.destination_any or rule.destination_asgs & dest.asg_ids:
        return True
    if rule.destination_vnet and dest.in_virtual_network:
        return True
    for token in rule.destinations:
        if token in _ANY:
            return True
        net = _network(token)
        if net is None or not dest.networks:
            continue
        same = [n for n in dest.networks if n.version == net.version]
        if not same:
            continue
        if whole:
            if any(n.subnet_of(net) for n in same):  # type: ignore[arg-type]
                return True
        elif any(n.overlaps(net) for n in same):
            return True
    return False


def allowed_ports(nsg: Nsg, dest: Destination, source: Source = INTERNET) -> PortSet:
    """The ports (per protocol) this NSG lets ``source`` reach on ``dest``."""
    matching = tuple(
        _source_matches(rule, source)
        and (rule.allow or rule.source_any_port)
        and _destination_matches(rule, dest, whole=not rule.allow)
        for rule in nsg.rules
    )
    key = (source, matching)
    cached = nsg.cache.get(key)
    if cached is not None:
        return cached
    remaining = PortSet.all("*")
    allowed = PortSet.empty()
    for rule, matches in zip(nsg.rules, matching, strict=True):
        if remaining.is_empty():
            break
        if not matches:
            continue
        if rule.allow:
            allowed = allowed | (remaining & rule.ports)
            if rule.source_any_port:
                remaining = remaining - rule.ports
        else:
            remaining = remaining - rule.ports
    nsg.cache[key] = allowed
    return allowed


def evaluate_inbound(
    levels: Sequence[Nsg | None],
    dest: Destination,
    *,
    default_open: bool,
    source: Source = INTERNET,
) -> PortSet:
    """Ports open from ``source`` to ``dest`` through the NSGs of each level (subnet, NIC).

    Each present NSG must allow; a missing level allows. With no NSG at any
    level, ``default_open`` (the SKU default) decides: Basic open, Standard closed.
    """
    present = [n for n in levels if n is not None]
    if not present:
        return PortSet.all("*") if default_open else PortSet.empty()
    result = PortSet.all("*")
    for nsg in present:
        result = result & allowed_ports(nsg, dest, source)
        if result.is_empty():
            break
    return result


InboundMemo = dict[tuple[Any, ...], tuple[PortSet, PortSet]]


def internet_inbound(
    levels: Sequence[Nsg | None],
    dest: Destination,
    *,
    default_open: bool,
    family: int = IPV4,
    memo: InboundMemo | None = None,
) -> tuple[PortSet, PortSet]:
    """Ports open from the internet of ``family`` to ``dest``, and those of them open only
    because an allow names a broad source (the ``broad-source`` note).

    With ``memo`` (kept by the caller for NSGs that outlive it), the answer is reused for
    every destination the NSGs cannot tell apart: the same application security groups and
    VNet membership, and the same address where a rule names one. The NICs behind one NSG
    mostly are such destinations (five per NSG at 1,000,000 resources)."""
    if memo is None:
        return _internet_inbound(levels, dest, default_open=default_open, family=family)
    by_address = any(n is not None and n.by_address for n in levels)
    key = (
        tuple(id(n) for n in levels),
        default_open,
        family,
        dest.asg_ids,
        dest.in_virtual_network,
        (dest._texts, dest._addresses) if by_address else None,
    )
    known = memo.get(key)
    if known is None:
        known = memo[key] = _internet_inbound(
            levels, dest, default_open=default_open, family=family
        )
    return known


def _internet_inbound(
    levels: Sequence[Nsg | None], dest: Destination, *, default_open: bool, family: int
) -> tuple[PortSet, PortSet]:
    ports = evaluate_inbound(
        levels, dest, default_open=default_open, source=Source.internet(family)
    )
    if ports.is_empty() or not any(n is not None and n.has_broad for n in levels):
        return ports, PortSet.empty()
    strict = evaluate_inbound(
        levels, dest, default_open=default_open, source=Source.internet(family, broad=False)
    )
    return ports, ports - strict

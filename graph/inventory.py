"""The declared inventory (`inventory.yaml`, ../shared/spec/inventory.md).

Loading validates the whole file before anything else happens and reports
every problem at once as ``file:line: path: message``. The YAML is composed
into nodes first so that every value keeps the line it came from; pydantic
(``extra="forbid"``) then checks the structure, and its error locations are
mapped back to those lines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from graph.governance_decl import GovernanceDecl
from reports.safe_text import first_unsafe

FINDING_KINDS: tuple[str, ...] = (
    "unknown-tenant",
    "unknown-subscription",
    "tenant-mismatch",
    "undeclared-circuit",
    "undeclared-site",
    "internet-exposure",
    "expired-approval",
    "missing-declared",
    "coverage-gap",
    "governance-gap",
    "tenant-control-gap",
)

Relationship = Literal["home", "subsidiary", "partner", "service-provider"]
Environment = Literal["production", "non-production", "sandbox"]
ApprovalProtocol = Literal["tcp", "udp", "*"]
OWN_RELATIONSHIPS = frozenset({"home", "subsidiary"})
FOREIGN_RELATIONSHIPS = frozenset({"partner", "service-provider"})

_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
# /subscriptions/<guid>/resourceGroups/<rg>/providers/<Namespace>/<type>/<name>[/<type>/<name>]...
_ARM_ID = re.compile(
    r"^/subscriptions/[0-9a-f-]{36}/resourcegroups/[^/]+/providers/[^/]+(/[^/]+/[^/]+)+$", re.I
)
_CIRCUIT_TYPE = "microsoft.network/expressroutecircuits"
_PORT_RANGE = re.compile(r"^(\d{1,5})(?:-(\d{1,5}))?$")
_FQDN = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$",
    re.I,
)


class InventoryError(ValueError):
    """An invalid inventory; ``problems`` holds one ``file:line: path: message`` line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


# ---------------------------------------------------------------- value checks


def _text(value: Any) -> str:
    """A value as the YAML author wrote it: "text", 12, true, null."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else repr(value)


def _require_str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "bad_value", "{v} is not {what}", {"v": _text(value), "what": what}
        )
    return value.strip()


def _guid(what: str) -> Any:
    def check(value: Any) -> str:
        text = _require_str(value, what)
        if not _GUID.match(text):
            raise PydanticCustomError(
                "bad_value", "{v} is not {what}", {"v": _text(value), "what": what}
            )
        return text.lower()

    return BeforeValidator(check)


def _arm_id(what: str, arm_type: str | None = None) -> Any:
    def check(value: Any) -> str:
        text = _require_str(value, what).rstrip("/")
        ok = bool(_ARM_ID.match(text))
        if ok and arm_type is not None:
            parts = text.lower().split("/")
            ok = "/".join(parts[6:8]) == arm_type and len(parts) == 9
        if not ok:
            raise PydanticCustomError(
                "bad_value", "{v} is not {what}", {"v": _text(value), "what": what}
            )
        return text

    return BeforeValidator(check)


def _check_ip(value: Any) -> str:
    text = _require_str(value, "an IP address")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise PydanticCustomError(
            "bad_value", "{v} is not an IP address", {"v": _text(value)}
        ) from None


def _check_prefix(value: Any) -> str:
    text = _require_str(value, "an address prefix (a.b.c.d/n)")
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        raise PydanticCustomError(
            "bad_value", "{v} is not an address prefix (a.b.c.d/n)", {"v": _text(value)}
        ) from None


def _check_fqdn(value: Any) -> str:
    text = _require_str(value, "a host name")
    if not _FQDN.match(text):
        raise PydanticCustomError("bad_value", "{v} is not a host name", {"v": _text(value)})
    return text.lower()


def _check_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("bad_value", "{v} is not a date (YYYY-MM-DD)", {"v": _text(value)})


def _check_port(value: Any) -> str:
    """One approval port: 443, "443", "8080-8090" or "*"; returned as text."""
    if isinstance(value, int | str) and not isinstance(value, bool):
        text = str(value).strip()
        if text == "*":
            return text
        match = _PORT_RANGE.match(text)
        if match:
            low = int(match.group(1))
            high = int(match.group(2) or low)
            if low <= high <= 65535:
                return text
    raise PydanticCustomError(
        "bad_value",
        '{v} is not a port, a "low-high" range or "*" (ports are 0-65535)',
        {"v": _text(value)},
    )


def _check_version(value: Any) -> int:
    if isinstance(value, bool) or value != 1 or not isinstance(value, int):
        raise PydanticCustomError(
            "bad_value", "{v} is not a supported version (only 1)", {"v": _text(value)}
        )
    return 1


def _check_kind(value: Any) -> str:
    text = _require_str(value, "a finding kind")
    if text not in FINDING_KINDS:
        raise PydanticCustomError(
            "bad_value",
            "{v} is not a finding kind (one of {kinds})",
            {"v": _text(value), "kinds": ", ".join(FINDING_KINDS)},
        )
    return text


def _one_line(text: str) -> str:
    """Free text goes into mail headers, terminals and reports: no CR/LF, escape or bidi control.

    Surrounding whitespace (the newline a YAML block scalar ends with) is dropped first."""
    text = text.strip()
    bad = first_unsafe(text)
    if bad is not None:
        raise PydanticCustomError(
            "bad_value",
            "the text holds a control character ({c}): write it on one line without it",
            {"c": bad},
        )
    return text


def _check_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PydanticCustomError("bad_value", "{v} is not a text", {"v": _text(value)})
    return _one_line(str(value))


def _check_name(value: Any) -> str:
    text = _require_str(value, "a name")
    if not text:
        raise PydanticCustomError("bad_value", "the name is empty", {})
    return _one_line(text)


SubscriptionGuid = Annotated[str, _guid("a subscription id (a GUID)")]
TenantGuid = Annotated[str, _guid("a tenant id (a GUID)")]
CircuitId = Annotated[str, _arm_id("an ExpressRoute circuit id (an ARM id)", _CIRCUIT_TYPE)]
ResourceId = Annotated[str, _arm_id("a resource id (an ARM id)")]
IpText = Annotated[str, BeforeValidator(_check_ip)]
PrefixText = Annotated[str, BeforeValidator(_check_prefix)]
FqdnText = Annotated[str, BeforeValidator(_check_fqdn)]
DateValue = Annotated[dt.date, BeforeValidator(_check_date)]
PortText = Annotated[str, BeforeValidator(_check_port)]
KindText = Annotated[str, BeforeValidator(_check_kind)]
Text = Annotated[str, BeforeValidator(_check_text)]
NameText = Annotated[str, BeforeValidator(_check_name)]


def _lower(value: str) -> str:
    return value.lower()


# ---------------------------------------------------------------- the model


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class TenantDecl(_Model):
    id: TenantGuid
    name: Text | None = None
    relationship: Relationship
    subscriptions: list[SubscriptionGuid] | None = None


class ManagementGroupDecl(_Model):
    id: NameText
    tenant: TenantGuid


class SubscriptionDecl(_Model):
    id: SubscriptionGuid
    name: Text | None = None
    tenant: TenantGuid | None = None
    # Unset is production for severity (inventory.md): a forgotten label must never
    # lower a severity. None keeps "not set" apart from "production" for `inventory check`.
    environment: Environment | None = None
    owner: Text | None = None


class CircuitDecl(_Model):
    id: CircuitId
    provider: Text | None = None


class SiteDecl(_Model):
    name: NameText
    gateway_ips: list[IpText] = []
    gateway_fqdns: list[FqdnText] = []
    address_prefixes: list[PrefixText]

    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(p, strict=False) for p in self.address_prefixes]


class ApprovalDecl(_Model):
    resource: ResourceId
    ports: list[PortText]
    protocol: ApprovalProtocol = "tcp"
    reason: Text | None = None
    ticket: Text | None = None
    expires: DateValue

    @property
    def subject(self) -> str:
        return self.resource.lower()


class AcceptedDecl(_Model):
    kind: KindText
    subject: Annotated[str, BeforeValidator(_check_name), AfterValidator(_lower)]
    reason: Text | None = None
    expires: DateValue


class _InventoryModel(_Model):
    version: Annotated[int, BeforeValidator(_check_version)]
    organization: Text | None = None
    tenants: list[TenantDecl] = []
    management_groups: list[ManagementGroupDecl] = []
    subscriptions: list[SubscriptionDecl] = []
    expressroute_circuits: list[CircuitDecl] = []
    sites: list[SiteDecl] = []
    approved_exposures: list[ApprovalDecl] = []
    accepted: list[AcceptedDecl] = []
    governance: GovernanceDecl | None = None


# ---------------------------------------------------------------- the typed inventory


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _inside(prefix: str, networks: list[Network]) -> bool:
    try:
        net = ipaddress.ip_network(prefix.strip(), strict=False)
    except ValueError:
        return False
    return any(net.version == n.version and net.subnet_of(n) for n in networks)  # type: ignore[arg-type]


def _same_ip(address: str | None, ips: Iterable[str]) -> bool:
    if not address:
        return False
    try:
        ip = str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return False
    return ip in set(ips)


def _group_by_subject(approvals: Iterable[ApprovalDecl]) -> dict[str, list[ApprovalDecl]]:
    out: dict[str, list[ApprovalDecl]] = {}
    for approval in approvals:
        out.setdefault(approval.subject, []).append(approval)
    return out


@dataclass(frozen=True)
class Inventory:
    """A validated inventory with the look-ups the analyses need (ids lower-cased)."""

    path: str
    sha256: str
    organization: str | None
    tenants: tuple[TenantDecl, ...]
    management_groups: tuple[ManagementGroupDecl, ...]
    subscriptions: tuple[SubscriptionDecl, ...]
    circuits: tuple[CircuitDecl, ...]
    sites: tuple[SiteDecl, ...]
    approvals: tuple[ApprovalDecl, ...]
    accepted: tuple[AcceptedDecl, ...]
    governance: GovernanceDecl | None = None
    _tenants: dict[str, TenantDecl] = field(default_factory=dict, repr=False)
    _subscriptions: dict[str, SubscriptionDecl] = field(default_factory=dict, repr=False)
    _circuits: dict[str, CircuitDecl] = field(default_factory=dict, repr=False)
    _mg_names: frozenset[str] = frozenset()
    _site_networks: dict[str, list[Network]] = field(default_factory=dict, repr=False)
    _approvals_by_subject: dict[str, list[ApprovalDecl]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_model(cls, model: _InventoryModel, *, path: str, sha256: str) -> Inventory:
        return cls(
            path=path,
            sha256=sha256,
            organization=model.organization,
            tenants=tuple(model.tenants),
            management_groups=tuple(model.management_groups),
            subscriptions=tuple(model.subscriptions),
            circuits=tuple(model.expressroute_circuits),
            sites=tuple(model.sites),
            approvals=tuple(model.approved_exposures),
            accepted=tuple(model.accepted),
            governance=model.governance,
            _tenants={t.id: t for t in model.tenants},
            _subscriptions={s.id: s for s in model.subscriptions},
            _circuits={c.id.lower(): c for c in model.expressroute_circuits},
            _mg_names=frozenset(m.id.lower() for m in model.management_groups),
            _site_networks={s.name: s.networks() for s in model.sites},
            _approvals_by_subject=_group_by_subject(model.approved_exposures),
        )

    @classmethod
    def empty(cls, path: str = "", organization: str | None = None) -> Inventory:
        """No declarations: everything observed is a finding (used when no inventory is given)."""
        model = _InventoryModel(version=1, organization=organization)
        return cls.from_model(model, path=path, sha256="")

    # tenants
    def tenant(self, tenant_id: str) -> TenantDecl | None:
        return self._tenants.get(tenant_id.lower())

    def tenant_declared(self, tenant_id: str) -> bool:
        return tenant_id.lower() in self._tenants

    def own_tenant_ids(self) -> set[str]:
        """Declared home and subsidiary tenants."""
        return {t.id for t in self.tenants if t.relationship in OWN_RELATIONSHIPS}

    # subscriptions
    def subscription(self, subscription_id: str) -> SubscriptionDecl | None:
        return self._subscriptions.get(subscription_id.lower())

    def declared_management_group(self, name: str) -> bool:
        return name.lower() in self._mg_names

    def declares_management_group_in(self, tenant_id: str) -> bool:
        tid = tenant_id.lower()
        return any(m.tenant == tid for m in self.management_groups)

    def subscription_declared(
        self,
        subscription_id: str,
        *,
        tenant_id: str | None,
        management_groups: Iterable[str] = (),
    ) -> bool:
        """Declared by listing, by a declared management group above it (names of every
        ancestor), or by a partner/service-provider tenant without a subscription list."""
        sid = subscription_id.lower()
        if sid in self._subscriptions:
            return True
        if any(self.declared_management_group(name) for name in management_groups):
            return True
        if tenant_id:
            decl = self.tenant(tenant_id)
            if decl is not None and decl.relationship in FOREIGN_RELATIONSHIPS:
                return decl.subscriptions is None or sid in decl.subscriptions
        return False

    def is_production(self, subscription_id: str) -> bool:
        """Production unless the inventory says otherwise: a subscription listed without an
        `environment`, one declared only through its management group, and one not declared
        at all have no environment set, and an unset environment counts as production."""
        decl = self.subscription(subscription_id)
        return decl is None or decl.environment in (None, "production")

    def without_environment(self) -> list[tuple[int, SubscriptionDecl]]:
        """(index in `subscriptions`, entry) of each listed subscription with no environment."""
        return [(i, s) for i, s in enumerate(self.subscriptions) if s.environment is None]

    # circuits
    def circuit_declared(self, circuit_id: str) -> bool:
        return circuit_id.lower() in self._circuits

    # sites
    def site_covering_gateway(
        self,
        *,
        ip_address: str | None,
        fqdn: str | None,
        prefixes: Iterable[str],
        bgp: bool = False,
    ) -> SiteDecl | None:
        """The declared site that covers a local network gateway (inventory.md)."""
        prefix_list = [p for p in prefixes if p]
        for site in self.sites:
            by_address = _same_ip(ip_address, site.gateway_ips) or (
                bool(fqdn) and (fqdn or "").strip().lower() in site.gateway_fqdns
            )
            if not by_address:
                continue
            if not prefix_list and bgp:
                return site
            if all(_inside(p, self._site_networks[site.name]) for p in prefix_list):
                return site
        return None

    def site_covering_vpn_site(
        self,
        *,
        link_ips: Iterable[str],
        link_fqdns: Iterable[str],
        prefixes: Iterable[str],
    ) -> SiteDecl | None:
        """The declared site that covers a Virtual WAN VPN site: every link address (IP or
        FQDN) is the site's and every prefix lies inside the site's prefixes."""
        ips = [ip for ip in link_ips if ip]
        fqdns = [f.strip().lower() for f in link_fqdns if f]
        if not ips and not fqdns:
            return None
        prefix_list = [p for p in prefixes if p]
        for site in self.sites:
            if not all(_same_ip(ip, site.gateway_ips) for ip in ips):
                continue
            if not all(f in site.gateway_fqdns for f in fqdns):
                continue
            if all(_inside(p, self._site_networks[site.name]) for p in prefix_list):
                return site
        return None

    # approvals and accepted entries
    def approvals_for(self, resource_id: str, today: dt.date) -> list[ApprovalDecl]:
        """Approvals of that resource that are still valid today."""
        found = self._approvals_by_subject.get(resource_id.lower(), [])
        return [a for a in found if a.expires >= today]

    def expired_approvals(self, today: dt.date) -> dict[str, list[ApprovalDecl]]:
        """Expired approval entries grouped by resource (lower-cased), in file order."""
        out: dict[str, list[ApprovalDecl]] = {}
        for approval in self.approvals:
            if approval.expires < today:
                out.setdefault(approval.subject, []).append(approval)
        return out

    def accepted_entry(self, kind: str, subject: str, today: dt.date) -> AcceptedDecl | None:
        subj = subject.lower()
        for entry in self.accepted:
            if entry.kind == kind and entry.subject == subj and entry.expires >= today:
                return entry
        return None


# ---------------------------------------------------------------- YAML with lines


@dataclass
class _Lines:
    """Line (1-based) of each value and of each mapping key, by path."""

    values: dict[tuple[str | int, ...], int] = field(default_factory=dict)
    keys: dict[tuple[str | int, ...], int] = field(default_factory=dict)


class _Constructor(yaml.constructor.SafeConstructor):
    pass


# libyaml composes twenty times faster (an inventory of 10,000 subscriptions) and keeps marks
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LIST_SECTIONS = (
    "tenants",
    "management_groups",
    "subscriptions",
    "expressroute_circuits",
    "sites",
    "approved_exposures",
    "accepted",
)


def _scalar(node: yaml.ScalarNode, constructor: _Constructor) -> Any:
    try:
        return constructor.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError):
        # e.g. 2027-13-45 resolves as a timestamp and fails to build: keep the text,
        # the field check then names it.
        return node.value


# Values reached again through aliases, beyond the file's own: an inventory that
# reuses a port list a few hundred times stays well under, an alias bomb (a few
# hundred bytes that expand to gigabytes) stops here.
ALIAS_BUDGET = 10_000


class _AliasRefused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _distinct_nodes(root: yaml.Node) -> int:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return len(seen)


@dataclass
class _AliasGuard:
    """Counts the values an alias expansion produces and the collections being expanded."""

    limit: int
    visits: int = 0
    open: set[int] = field(default_factory=set)

    @classmethod
    def for_root(cls, root: yaml.Node) -> _AliasGuard:
        return cls(limit=_distinct_nodes(root) + ALIAS_BUDGET)

    def enter(self, node: yaml.Node) -> None:
        self.visits += 1
        line = node.start_mark.line + 1
        if self.visits > self.limit:
            raise _AliasRefused(
                line,
                f"aliases expand to more than {ALIAS_BUDGET} values beyond the file's own"
                " (an alias bomb?): write the values out or use fewer aliases",
            )
        if id(node) in self.open:
            raise _AliasRefused(
                line, "an alias refers to the collection that contains it (a recursive alias)"
            )


@dataclass
class _Walk:
    """Composed YAML nodes to Python values, noting each value's line and the problems."""

    lines: _Lines
    constructor: _Constructor
    problems: list[tuple[int, str, str]]
    guard: _AliasGuard

    def value(self, node: yaml.Node, path: tuple[str | int, ...]) -> Any:
        self.guard.enter(node)
        self.lines.values[path] = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node, self.constructor)
        self.guard.open.add(id(node))
        try:
            return self._collection(node, path)
        finally:
            self.guard.open.discard(id(node))

    def _collection(self, node: yaml.Node, path: tuple[str | int, ...]) -> Any:
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = (
                _scalar(key_node, self.constructor)
                if isinstance(key_node, yaml.ScalarNode)
                else None
            )
            if not isinstance(key, str):
                self.problems.append((line, _path_text(path) or "(top)", "a key must be a text"))
                continue
            child = (*path, key)
            if key in out:
                self.problems.append((line, _path_text(child), "the key appears twice"))
            self.lines.keys[child] = line
            out[key] = self.value(value_node, child)
        return out


def _path_text(path: Iterable[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _line_for(loc: tuple[str | int, ...], lines: _Lines, *, key: bool = False) -> int:
    """The line of the value at ``loc`` (of its key with ``key``), else of its nearest parent."""
    if key and loc in lines.keys:
        return lines.keys[loc]
    while loc:
        if loc in lines.values:
            return lines.values[loc]
        loc = loc[:-1]
    return lines.values.get((), 1)


# ---------------------------------------------------------------- errors to sentences


_TYPE_WORDS = {
    "string_type": "a text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "bool_type": "true or false",
}


def _sentence(err: Any, data: Any) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return "unknown key (check its spelling)"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{_text(value)} is not one of {expected}"
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}, got {_text(value)}"
    return str(err["msg"])


def _location(err: Any) -> tuple[str | int, ...]:
    loc: list[str | int] = []
    for part in err["loc"]:
        # pydantic puts function-validator and union tags into the location
        if isinstance(part, str) and ("[" in part or part.startswith("function-")):
            continue
        loc.append(part)
    return tuple(loc)


def _cross_checks(data: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    checks = [
        ("tenants", "id", "tenant"),
        ("subscriptions", "id", "subscription"),
        ("expressroute_circuits", "id", "circuit"),
        ("sites", "name", "site"),
        ("management_groups", "id", "management group"),
    ]
    sites = data.get("sites")
    for i, item in enumerate(sites if isinstance(sites, list) else []):
        if isinstance(item, dict) and not item.get("gateway_ips") and not item.get("gateway_fqdns"):
            yield ("sites", i), "a site needs gateway_ips or gateway_fqdns (at least one)"
    for section, key, what in checks:
        items = data.get(section)
        if not isinstance(items, list):
            continue
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get(key), str):
                continue
            norm = item[key].strip().lower()
            if norm in first:
                yield (
                    (section, i, key),
                    f'{what} "{item[key]}" is declared twice (first at {section}[{first[norm]}])',
                )
            else:
                first[norm] = i


# ---------------------------------------------------------------- entry points


def parse_inventory(text: str, name: str = "inventory.yaml") -> Inventory:
    """Validate inventory text; raise InventoryError with every problem found."""
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return _parse(text, name, sha)


def load_inventory(path: Path | str) -> Inventory:
    """Read and validate an inventory file; raise InventoryError with every problem found."""
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InventoryError([f"{name}: cannot read the file ({exc.strerror or exc})"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InventoryError([f"{name}: the file is not UTF-8 text ({exc.reason})"]) from None
    return _parse(text, name, hashlib.sha256(raw).hexdigest())


def _parse(text: str, name: str, sha: str) -> Inventory:
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except RecursionError:
        raise InventoryError([f"{name}:1: the YAML is nested too deeply"]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = exc.problem or exc.context or "bad YAML"
        raise InventoryError([f"{name}:{line}: YAML syntax error: {what}"]) from None
    except yaml.YAMLError as exc:
        raise InventoryError([f"{name}:1: YAML syntax error: {exc}"]) from None
    if root is None:
        raise InventoryError([f"{name}:1: the file is empty (expected a mapping with version: 1)"])
    if not isinstance(root, yaml.MappingNode):
        line = root.start_mark.line + 1
        raise InventoryError(
            [f"{name}:{line}: the file is not a mapping (expected keys such as version, tenants)"]
        )
    lines = _Lines()
    early: list[tuple[int, str, str]] = []
    try:
        walk = _Walk(lines, _Constructor(), early, _AliasGuard.for_root(root))
        data = walk.value(root, ())
    except _AliasRefused as exc:
        raise InventoryError([f"{name}:{exc.line}: {exc}"]) from None
    for section in _LIST_SECTIONS:
        if section in data and data[section] is None:
            data[section] = []  # "approved_exposures:" with nothing below: none
    found: list[tuple[int, str, str]] = list(early)
    for loc, message in _cross_checks(data):
        found.append((_line_for(loc, lines), _path_text(loc), message))
    model: _InventoryModel | None = None
    try:
        model = _InventoryModel.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = _location(err)
            message = _sentence(err, data)
            line = _line_for(loc, lines, key=err["type"] == "extra_forbidden")
            found.append((line, _path_text(loc) or "(top)", message))
    if found:
        unique = sorted(set(found), key=lambda p: (p[0], p[1], p[2]))
        raise InventoryError([f"{name}:{line}: {path}: {msg}" for line, path, msg in unique])
    assert model is not None
    return Inventory.from_model(model, path=name, sha256=sha)

"""Typed view of a `tenantmap.report/1` document (../shared/spec/findings.md).

The renderers and the mail work from these models only, so a report.json that
breaks the contract is caught once, here, with one sentence naming the field.
Unknown keys are kept (``extra="allow"``) where the contract leaves room for
more (evidence, details, port entries) so that the views can still show them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    TypeAdapter,
    ValidationError,
)

FORMAT = "tenantmap.report/1"

Kind = Literal[
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
]
Severity = Literal["critical", "high", "medium", "low"]
Status = Literal["new", "existing", "accepted"]

KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
SEVERITIES: tuple[str, ...] = Severity.__args__  # type: ignore[attr-defined]


class ReportError(ValueError):
    """A report.json that does not follow the contract; the message is one sentence."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)

    def extras(self) -> dict[str, Any]:
        """Keys beyond the contract, sorted, so that views show them deterministically."""
        return dict(sorted((self.model_extra or {}).items()))


class Source(_Open):
    kind: str | None = None
    endpoint: str | None = None


class InventoryRef(_Open):
    path: str | None = None
    sha256: str | None = None


class Run(_Open):
    id: str | None = None
    startedAt: str
    finishedAt: str | None = None
    today: str
    source: Source
    inventory: InventoryRef | None = None
    previousRun: str | None = None


class Failure(_Open):
    scope: str | None = None
    status: int | None = None
    code: str | None = None


class Coverage(_Open):
    complete: bool
    outOfScope: list[str] = Field(default_factory=list)
    tenantsCrawled: list[str] = Field(default_factory=list)
    subscriptionsCrawled: list[str] = Field(default_factory=list)
    failed: list[Failure] = Field(default_factory=list)


class BySeverity(_Strict):
    critical: int = Field(ge=0)
    high: int = Field(ge=0)
    medium: int = Field(ge=0)
    low: int = Field(ge=0)


class Summary(_Strict):
    open: int = Field(ge=0)
    new: int = Field(ge=0)
    worsened: int = Field(default=0, ge=0)  # reports written before `worsened` existed
    resolved: int = Field(ge=0)
    accepted: int = Field(ge=0)
    bySeverity: BySeverity
    byKind: dict[Kind, int]


class TopologyTenant(_Open):
    id: str
    name: str | None = None
    declared: bool
    relationship: str | None = None


class Link(_Open):
    from_: str = Field(alias="from")
    to: str
    channel: str
    count: int = Field(ge=0)
    declared: bool


class Topology(_Strict):
    tenants: list[TopologyTenant] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)


class Edge(_Open):
    from_: str = Field(alias="from")
    relation: str | None
    to: str
    channel: str | None = None


_EDGES = TypeAdapter(list[Edge])
_EDGE_KEYS = ("from", "relation", "to", "channel")


def _checked_edges(value: Any) -> list[dict[str, Any]]:
    """Evidence checked as Edges, kept as the report's own dicts: at 1,000,000 resources a
    report holds 260,000 evidence edges, and a model of each (its attributes, its set of
    fields, its extras) took 140 MB beside the dicts it was made from."""
    if _plain_edges(value):  # what the analysis writes: no model needed to say so
        return value
    edges = _EDGES.validate_python(value)  # names the field that breaks the contract
    if isinstance(value, list) and all(type(e) is dict and "from" in e for e in value):
        return value
    return [e.model_dump(by_alias=True) for e in edges]  # spelled `from_`, or not a list


def _plain_edges(value: Any) -> bool:
    """A list of dicts whose from and to are strings and relation and channel strings or
    null (relation present): valid Edges, told without making one."""
    if type(value) is not list:
        return False
    for edge in value:
        if type(edge) is not dict:
            return False
        relation, channel = edge.get("relation", _MISSING), edge.get("channel")
        if type(edge.get("from")) is not str or type(edge.get("to")) is not str:
            return False
        if (relation is not None and type(relation) is not str) or (
            channel is not None and type(channel) is not str
        ):
            return False
    return True


_MISSING = object()


# dicts with the keys from, relation, to and channel (and any more), checked as Edge
Evidence = Annotated[list[dict[str, Any]], PlainValidator(_checked_edges)]


def edge_extras(edge: dict[str, Any]) -> dict[str, Any]:
    """An evidence edge's keys beyond from, relation, to and channel, sorted."""
    return dict(sorted((k, v) for k, v in edge.items() if k not in _EDGE_KEYS))


class PortSpec(_Open):
    protocol: str
    ports: str

    def label(self) -> str:
        return f"{self.ports}/{self.protocol}"


class Entry(_Open):
    entry: str
    via: str
    frontendPorts: list[PortSpec] = Field(default_factory=list)
    ports: list[PortSpec] = Field(default_factory=list)
    waf: Literal["none", "detection", "prevention"] | None = None


class Details(_Open):
    ports: list[PortSpec] = Field(default_factory=list)
    entries: list[Entry] = Field(default_factory=list)
    approvedPorts: list[PortSpec] = Field(default_factory=list)
    reaches: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class NewEntry(_Open):
    entry: str
    via: str
    frontendPorts: list[PortSpec] = Field(default_factory=list)


class SeverityChange(_Open):
    from_: Severity = Field(alias="from")
    to: Severity


class CountChange(_Open):
    from_: int = Field(alias="from")
    to: int
    new: list[Edge] = Field(default_factory=list)


class Change(_Open):
    """What grew (`worsened`) or shrank (`shrank`) in an existing finding since the last run."""

    ports: list[PortSpec] = Field(default_factory=list)
    entries: list[NewEntry] = Field(default_factory=list)
    severity: SeverityChange | None = None
    channels: list[str] = Field(default_factory=list)
    observations: CountChange | None = None
    reaches: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)  # governance controls now missing


class Acceptance(_Open):
    reason: str | None = None
    expires: str | None = None


class Finding(_Open):
    id: str
    kind: Kind
    severity: Severity
    status: Status
    unverified: bool = False
    subject: str
    subjectName: str | None = None
    title: str
    firstSeen: str | None = None
    evidence: Evidence = Field(default_factory=list)
    details: Details = Field(default_factory=Details)
    accepted: Acceptance | None = None
    worsened: Change | None = None
    shrank: Change | None = None

    @property
    def is_open(self) -> bool:
        return self.status != "accepted"

    @property
    def is_worsened(self) -> bool:
        return self.status == "existing" and self.worsened is not None

    @property
    def alerts(self) -> bool:
        """New or worse than last night: listed first, mailed, counted by --fail-on new."""
        return self.status == "new" or self.is_worsened


class Resolved(_Open):
    id: str
    kind: Kind
    subject: str
    title: str | None = None
    lastSeen: str | None = None

    @property
    def label(self) -> str:
        return self.title or f"{self.kind} {self.subject}"


class GovernanceRow(_Open):
    subscription: str
    name: str
    tenant: str | None = None
    tenantName: str | None = None
    connected: bool
    reason: str
    controls: dict[str, Literal["present", "missing", "unknown"]]


class Governance(_Open):
    """The governance matrix (governance.md, Report)."""

    controls: list[str]
    rows: list[GovernanceRow]
    totals: dict[str, dict[str, int]] = Field(default_factory=dict)
    tenantControls: list[str] = Field(default_factory=list)
    tenants: list[dict[str, Any]] = Field(default_factory=list)


class Report(_Strict):
    format: Literal["tenantmap.report/1"]
    organization: str | None = None
    run: Run
    coverage: Coverage
    summary: Summary
    topology: Topology
    findings: list[Finding]
    resolved: list[Resolved] = Field(default_factory=list)
    governance: Governance | None = None

    @property
    def org(self) -> str:
        return self.organization or "Unnamed organization"

    @property
    def open_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.is_open]

    @property
    def accepted_findings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_open]


def _location(loc: tuple[int | str, ...]) -> str:
    """`('findings', 3, 'severity')` -> `findings[3].severity`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "(top level)"


def parse_report(data: Any, *, source: str = "report.json") -> Report:
    """Validate a report.json document; raise ReportError with one sentence naming the bad field."""
    if not isinstance(data, dict):
        raise ReportError(f"{source} is not a tenantmap.report/1 document: expected a JSON object")
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        where = _location(tuple(first["loc"]))
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        message = str(first["msg"]).rstrip(".")
        raise ReportError(
            f"{source} is not a valid {FORMAT} document: {where}: {message}{more}"
        ) from None

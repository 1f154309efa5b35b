"""View models shared by the HTML, Markdown, mail and terminal renderers.

Everything here is a pure function of the parsed report, so two renderings of
the same report.json are byte-identical.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from reports.model import KINDS, SEVERITIES, Change, Finding, PortSpec, Report, edge_extras
from reports.naming import GUID, KIND_TITLES, Namer, is_real_name
from reports.platform import platform_groups
from reports.readable import file_name, named_parts, named_text, readable_lines, without_echoes

# Findings beyond this many (new first, then in report order) are listed in one
# compact row each, so a report of 10,000 findings stays small enough to open
# and mail; report.json, report.md and findings.csv keep every detail.
DETAIL_LIMIT = 500
# Where a CamelCase control name may wrap: 'VirtualMachines' -> 'Virtual', 'Machines'.
CAMEL_BREAK = re.compile(r"(?<=[a-z])(?=[A-Z])")


class NodeRef:
    """An id of the report with its short label and the kind of thing it names, each
    worked out when a renderer first asks: most evidence nodes are shown by id alone."""

    __slots__ = ("_namer", "_short", "_what", "id")

    def __init__(self, node_id: str, namer: Namer) -> None:
        self.id = node_id
        self._namer = namer
        self._short: str | None = None
        self._what: str | None = None

    @property
    def short(self) -> str:
        if self._short is None:
            self._short = self._namer.short(self.id)
        return self._short

    @property
    def what(self) -> str:
        if self._what is None:
            self._what = self._namer.what(self.id)
        return self._what

    def __repr__(self) -> str:
        return f"NodeRef({self.id!r})"


@dataclass(frozen=True)
class Hop:
    """One edge of a walk; `forward` False when the edge points back at the node before it."""

    relation: str
    channel: str | None
    facts: str
    node: NodeRef
    forward: bool = True


@dataclass(frozen=True)
class Chain:
    start: NodeRef
    hops: tuple[Hop, ...]


class Refs:
    """One NodeRef per id of a report, and the evidence walks made of them. The finding views
    hold this, not the ReportView that holds them: no reference cycle keeps a large report's
    views alive for the cyclic collector to find."""

    def __init__(self, namer: Namer) -> None:
        self.namer = namer
        self._refs: dict[str, NodeRef] = {}

    def ref(self, node_id: str) -> NodeRef:
        ref = self._refs.get(node_id)
        if ref is None:
            ref = NodeRef(node_id, self.namer)
            self._refs[node_id] = ref
        return ref

    def id_refs(self, value: Any) -> tuple[NodeRef, ...]:
        """Refs when a detail value is an id or a list of ids, so views can name them."""
        values = value if isinstance(value, list) else [value]
        if values and all(isinstance(v, str) and _looks_like_id(v) for v in values):
            return tuple(self.ref(v) for v in values)
        return ()

    def walks(self, evidence: list[dict[str, Any]]) -> list[Chain]:
        """The evidence as walks a reader can follow: edges joined end to end, whichever
        way each edge points (CONTAINS runs from the tenant down, the walk may run up)."""
        walks: list[tuple[str, list[tuple[str, Hop]]]] = []  # (start id, [(node id, hop)])
        for edge in evidence:
            source, relation, target = edge["from"], edge["relation"], edge["to"]
            hop_facts = (relation or "LINKED", edge.get("channel"), edge_facts(edge))
            walk = walks[-1] if walks else None
            end = (walk[1][-1][0] if walk[1] else walk[0]) if walk else None
            if walk is not None and source == end:
                walk[1].append((target, Hop(*hop_facts, self.ref(target))))
            elif walk is not None and target == end:
                walk[1].append((source, Hop(*hop_facts, self.ref(source), forward=False)))
            elif walk is not None and target == walk[0]:
                walks[-1] = (source, [(walk[0], Hop(*hop_facts, self.ref(walk[0]))), *walk[1]])
            elif walk is not None and source == walk[0] and relation != "CONTAINS":
                # Two links out of one node (a connection's two gateways) read as one walk
                # through it; two containments out of one node (a tenant's subscription and its
                # root management group) are two routes down, not a walk up and back down.
                back = Hop(*hop_facts, self.ref(walk[0]), forward=False)
                walks[-1] = (target, [(walk[0], back), *walk[1]])
            else:
                walks.append((source, [(target, Hop(*hop_facts, self.ref(target)))]))
        return [Chain(self.ref(start), tuple(h for _, h in hops)) for start, hops in walks]


class FindingView:
    """One finding as the renderers show it. Only what every listing shows (the finding, its
    subject) is made at once; the rest (evidence walks, names in the title, details) is worked
    out when a renderer first asks: beyond the detail limit a finding is one compact row, and
    at 1,000,000 resources the walks of 40,000 findings nobody reads in full took seconds."""

    def __init__(self, f: Finding, subject: NodeRef, refs: Refs) -> None:
        self.f = f
        self.subject = subject
        self._refs = refs

    @cached_property
    def subject_name(self) -> str | None:
        """The subject's name when the short label does not show it."""
        name = self.f.subjectName or ""
        if is_real_name(name, self.f.subject) and name not in self.subject.short:
            return name
        return None

    @cached_property
    def chains(self) -> tuple[Chain, ...]:
        return tuple(self._refs.walks(self.f.evidence))

    @cached_property
    def ids(self) -> tuple[str, ...]:
        """Every id in the evidence, in order of appearance."""
        ids = [i for edge in self.f.evidence for i in (edge["from"], edge["to"])]
        return tuple(dict.fromkeys([self.f.subject, *ids]))

    @cached_property
    def reaches(self) -> tuple[NodeRef, ...]:
        return tuple(self._refs.ref(r) for r in self.f.details.reaches)

    @cached_property
    def extras(self) -> tuple[tuple[str, str, tuple[NodeRef, ...]], ...]:
        """(key, text, ids in it) of each detail beyond the contract's."""
        return tuple(
            (k, "\n".join(readable_lines(v)), self._refs.id_refs(v))
            for k, v in without_echoes(self.f.details.extras()).items()
            if v not in (None, [], {}, "")
        )

    @cached_property
    def entry_refs(self) -> tuple[NodeRef, ...]:
        return tuple(self._refs.ref(e.entry) for e in self.f.details.entries)

    @cached_property
    def title_parts(self) -> tuple[tuple[str, str | None], ...]:
        """(text, GUID the text names) pieces of the title."""
        return tuple(named_parts(self.f.title, self._refs.namer.name))

    @property
    def title(self) -> str:
        """The title with names for the GUIDs the report knows, each GUID after its name."""
        return named_text(list(self.title_parts)) if self.title_parts else self.f.title

    def __repr__(self) -> str:
        return f"FindingView({self.f.id!r})"


@dataclass
class KindGroup:
    kind: str
    title: str
    detailed: list[FindingView] = field(default_factory=list)
    compact: list[FindingView] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.detailed) + len(self.compact)

    @property
    def new(self) -> int:
        return sum(1 for v in self.detailed + self.compact if v.f.status == "new")

    @property
    def worse(self) -> int:
        return sum(1 for v in self.detailed + self.compact if v.f.is_worsened)


def ports_text(ports: list[PortSpec]) -> str:
    return ", ".join(p.label() for p in ports)


def scalar_text(value: Any) -> str:
    """A detail value as one line: scalars as they are, structures as sorted compact JSON."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def edge_facts(edge: dict[str, Any]) -> str:
    if len(edge) == 4 and "channel" in edge:  # most hops: from, relation, to, channel alone
        return ""
    return "; ".join(f"{k} {scalar_text(v)}" for k, v in edge_extras(edge).items())


def change_text(change: Change | None, name: Callable[[str], str] = str) -> str:
    """What grew or shrank, in one line: `ports 3389/tcp; severity high → critical`."""
    if change is None:
        return ""
    parts = []
    if change.ports:
        parts.append(f"ports {ports_text(change.ports)}")
    if change.entries:
        ways = [
            f"{e.via} {name(e.entry)}"
            + (f" ({ports_text(e.frontendPorts)})" if e.frontendPorts else "")
            for e in change.entries
        ]
        parts.append("entry points " + ", ".join(ways))
    if change.severity:
        parts.append(f"severity {change.severity.from_} → {change.severity.to}")
    if change.channels:
        parts.append("channels " + ", ".join(change.channels))
    if change.observations:
        parts.append(f"links {change.observations.from_} → {change.observations.to}")
    if change.reaches:
        parts.append("reaches " + ", ".join(name(r) for r in change.reaches))
    if change.missing:
        parts.append("controls now missing " + ", ".join(change.missing))
    return "; ".join(parts)


def _looks_like_id(text: str) -> bool:
    low = text.lower()
    return bool(GUID.match(low)) or low.startswith(("/subscriptions/", "/providers/", "site:"))


class ReportView:
    """Everything the templates need, derived once from a parsed report."""

    def __init__(self, report: Report, *, detail_limit: int = DETAIL_LIMIT):
        self.report = report
        self.namer = Namer.for_report(report)
        self.refs = Refs(self.namer)
        self.views = [self._view(f) for f in report.findings]
        # New findings, then those that got worse (alerted alike), then the rest.
        self.new_first = (
            [v for v in self.views if v.f.status == "new"]
            + [v for v in self.views if v.f.is_worsened]
            + [v for v in self.views if v.f.status == "existing" and not v.f.is_worsened]
        )
        self.accepted = [v for v in self.views if not v.f.is_open]
        self.platform = platform_groups([v for v in self.new_first if v.f.is_open])
        self._partition(detail_limit)

    def with_detail_limit(self, detail_limit: int) -> ReportView:
        """The same view with another detail limit, sharing everything already derived."""
        other = copy.copy(self)
        other._partition(detail_limit)
        return other

    def _partition(self, detail_limit: int) -> None:
        """Group open findings by kind, new first; the first `detail_limit` get full cards."""
        self.detail_limit = detail_limit
        detailed = {id(v) for v in self.new_first[:detail_limit]}
        by_kind = {kind: KindGroup(kind=kind, title=KIND_TITLES[kind]) for kind in KINDS}
        for v in self.new_first:
            group = by_kind.get(v.f.kind)
            if group is not None:
                (group.detailed if id(v) in detailed else group.compact).append(v)
        self.groups: list[KindGroup] = [g for g in by_kind.values() if g.count]
        self.compact_total = sum(len(g.compact) for g in self.groups)

    # -- lookups -----------------------------------------------------------
    def ref(self, node_id: str) -> NodeRef:
        return self.refs.ref(node_id)

    def walks(self, evidence: list[dict[str, Any]]) -> list[Chain]:
        return self.refs.walks(evidence)

    def _view(self, f: Finding) -> FindingView:
        return FindingView(f, self.refs.ref(f.subject), self.refs)

    # -- governance ----------------------------------------------------------
    @property
    def governance_groups(self) -> list[tuple[str, list[Any]]]:
        """The matrix rows by tenant, in the analysis's order (our tenants first, connected first)."""
        gov = self.report.governance
        if gov is None:
            return []
        groups: dict[str | None, tuple[str, list[Any]]] = {}
        for row in gov.rows:
            label = row.tenantName or row.tenant or "Unknown tenant"
            groups.setdefault(row.tenant, (label, []))[1].append(row)
        return list(groups.values())

    @property
    def governance_columns(self) -> list[tuple[str, str, list[str]]]:
        """(control, kind, name pieces) per column: the kind on a small line, the name below.

        The pieces split CamelCase ('Virtual', 'Machines') so a narrow column can wrap there.
        """
        gov = self.report.governance
        out = []
        for control in gov.controls if gov is not None else []:
            kind, _, name = control.partition(":") if ":" in control else ("", "", control)
            out.append((control, kind, CAMEL_BREAK.split(name)))
        return out

    def change_text(self, change: Change | None) -> str:
        """What grew or shrank, in one line, with short names for ids."""
        return change_text(change, lambda node_id: self.ref(node_id).short)

    @property
    def inventory_file(self) -> str | None:
        inventory = self.report.run.inventory
        return file_name(inventory.path) if inventory is not None else None

    # -- summary -----------------------------------------------------------
    @property
    def severity_rows(self) -> list[tuple[str, int]]:
        by = self.report.summary.bySeverity
        return [(s, getattr(by, s)) for s in SEVERITIES]

    @property
    def kind_rows(self) -> list[tuple[str, str, int, int]]:
        """(kind, title, open, new) for every kind, in findings.md order."""
        new_by_kind = {k: 0 for k in KINDS}
        for v in self.views:
            if v.f.status == "new":
                new_by_kind[v.f.kind] += 1
        by = self.report.summary.byKind
        return [(k, KIND_TITLES[k], by.get(k, 0), new_by_kind[k]) for k in KINDS]  # type: ignore[call-overload]

    def severity_bar(self, width: int = 600) -> list[tuple[str, int, float, float]]:
        """(severity, count, x, w) segments of the stacked bar, in pixels of `width`."""
        rows = [(s, n) for s, n in self.severity_rows if n]
        total = sum(n for _, n in rows)
        out, x = [], 0.0
        for s, n in rows:
            w = round(width * n / total, 1)
            out.append((s, n, round(x, 1), w))
            x += w
        return out

    def tenant_names(self, ids: list[str]) -> list[NodeRef]:
        return [self.ref(i) for i in ids]

    def subject_line(self, tool: str = "tenantmap") -> str:
        """The mail subject: what changed, what is open, how bad (`tool` starts it:
        "tenantmap", or "tenantmap watch" for a watch cycle's alert)."""
        s = self.report.summary
        parts = []
        if s.new:
            parts.append(f"{s.new} new")
        if s.worsened:
            parts.append(f"{s.worsened} worse")
        if s.resolved:
            parts.append(f"{s.resolved} resolved")
        if not parts:
            parts.append("no change")
        sev = [f"{n} {name}" for name, n in self.severity_rows[:2] if n]
        parts.append(f"{s.open} open" + (f" ({', '.join(sev)})" if sev else ""))
        if not self.report.coverage.complete:
            parts.append("coverage incomplete")
        org = f" {self.report.organization}" if self.report.organization else ""
        return f"{tool}{org}: " + ", ".join(parts)

"""Short, readable names for the ids that appear in a report.

Evidence and topology carry lower-cased ARM ids, GUIDs, `site:<name>`,
`alias:<alias>` and `internet`. People read "VM jump-01" faster than a
200-character path; the full id stays available next to the short name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from graph.build.registry import TYPE_WORDS  # last ARM type segment -> the word people use
from reports.model import Report

SEP = " \u203a "  # between the name segments of a child resource
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)

KIND_TITLES: dict[str, str] = {
    "unknown-tenant": "Unknown tenants",
    "unknown-subscription": "Unknown subscriptions",
    "tenant-mismatch": "Subscriptions in another tenant",
    "undeclared-circuit": "Undeclared ExpressRoute circuits",
    "undeclared-site": "Undeclared sites",
    "internet-exposure": "Internet exposure",
    "expired-approval": "Expired approvals",
    "missing-declared": "Declared but not observed",
    "coverage-gap": "Coverage gaps",
    "governance-gap": "Governance gaps",
    "tenant-control-gap": "Tenant control gaps",
}


def short_guid(guid: str) -> str:
    """First and last hex digits: synthetic and sequential GUIDs often share their first 8."""
    return guid[:8] + "\u2026" + guid[-4:] if len(guid) > 12 else guid


def is_real_name(name: str | None, node_id: str) -> bool:
    """A name worth showing: the analysis falls back to the id itself when Azure gave none."""
    if not name:
        return False
    low, nid = name.strip().lower(), node_id.lower()
    return low not in (nid, nid.removeprefix("alias:"))


def arm_parts(arm_id: str) -> tuple[str | None, list[tuple[str, str]]]:
    """(subscription, [(type, name), ...]) of an ARM id; types without their provider namespace."""
    segs = [s for s in arm_id.strip("/").split("/") if s]
    subscription = None
    pairs: list[tuple[str, str]] = []
    i = 0
    if len(segs) >= 2 and segs[0].lower() == "subscriptions":
        subscription = segs[1]
        i = 2
    if i + 1 < len(segs) and segs[i].lower() == "resourcegroups":
        pairs.append(("resourcegroups", segs[i + 1]))
        i += 2
    if i < len(segs) and segs[i].lower() == "providers" and i + 2 < len(segs):
        i += 2  # skip "providers/<namespace>"
    while i + 1 < len(segs):
        pairs.append((segs[i].lower(), segs[i + 1]))
        i += 2
    return subscription, pairs


class Namer:
    """Turns any id of a report into a short label, using names the report itself carries."""

    def __init__(self, names: dict[str, str], tenant_ids: Iterable[str], sub_ids: Iterable[str]):
        self._names = names
        self._tenants = set(tenant_ids)
        self._subs = set(sub_ids)

    @classmethod
    def for_report(cls, report: Report) -> Namer:
        names: dict[str, str] = {}
        tenants = {t.id.lower() for t in report.topology.tenants}
        tenants.update(t.lower() for t in report.coverage.tenantsCrawled)
        subs = {s.lower() for s in report.coverage.subscriptionsCrawled}
        for t in report.topology.tenants:
            if t.name and is_real_name(t.name, t.id):
                names[t.id.lower()] = t.name
        for f in report.findings:
            if f.subjectName and is_real_name(f.subjectName, f.subject):
                names.setdefault(f.subject.lower(), f.subjectName)
            # reaches name subscriptions, sites and what lies outside Azure, never tenants
            subs.update(r.lower() for r in f.details.reaches if GUID.match(r))
            subject = f.subject.lower()
            names_subscription = f.kind in (
                "unknown-subscription",
                "tenant-mismatch",
                "governance-gap",
            ) or (
                f.kind in ("coverage-gap", "missing-declared")
                and GUID.match(subject) is not None
                and subject not in tenants
            )
            if names_subscription:
                subs.add(subject)
            if f.kind == "unknown-tenant":
                tenants.add(f.subject.lower())
        return cls(names, tenants, subs)

    def name(self, node_id: str) -> str | None:
        """The name the report gives this id, if any."""
        return self._names.get(node_id.lower())

    def _root_group(self, group_name: str) -> str | None:
        """Azure names a tenant's root management group after the tenant's id."""
        tenant = group_name.lower()
        if tenant not in self._tenants:
            return None
        return f"root management group of {self._names.get(tenant) or short_guid(tenant)}"

    def what(self, node_id: str) -> str:
        """The kind of thing an id names, for the long form."""
        low = node_id.lower()
        if low == "internet":
            return "internet"
        if low.startswith("site:"):
            return "declared site"
        if low.startswith("alias:"):
            return "private link alias"
        if GUID.match(low):
            if low in self._tenants:
                return "tenant"
            if low in self._subs:
                return "subscription"
            return "tenant or subscription"
        _, pairs = arm_parts(node_id)
        if pairs:
            return TYPE_WORDS.get(pairs[-1][0], pairs[-1][0])
        return ""

    def short(self, node_id: str, limit: int = 48) -> str:
        """A label that fits a line: 'VM jump-01', 'tenant Fabrikam', 'NIC jump-nic > ipconfig1'."""
        low = node_id.lower()
        if low == "internet":
            return "internet"
        if low.startswith("site:"):
            return _clip("site " + node_id[5:], limit)
        if low.startswith("alias:"):
            return _clip("alias " + node_id[6:].split(".")[0], limit)
        name = self._names.get(low)
        if GUID.match(low):
            what = self.what(low)
            if " or " in what:  # neither a known tenant nor a known subscription
                return _clip(name or short_guid(low), limit)
            return _clip(f"{what} {name}" if name else f"{what} {short_guid(low)}", limit)
        sub, pairs = arm_parts(node_id)
        pairs = [p for p in pairs if p[0] != "resourcegroups"]
        if not pairs:
            if sub:
                return _clip(f"subscription {self._names.get(sub.lower(), short_guid(sub))}", limit)
            return _clip(node_id, limit)
        if len(pairs) == 1 and pairs[0][0] == "managementgroups":
            root = self._root_group(pairs[0][1])
            if root is not None:
                return _clip(root, limit)
        head_type, head_name = pairs[0]
        word = TYPE_WORDS.get(pairs[-1][0] if len(pairs) == 1 else head_type, head_type)
        label = f"{word} {name or head_name}"
        if len(pairs) > 1 and not name:
            label += SEP + SEP.join(n for _, n in pairs[1:])
        return _clip(label, limit)


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    keep = limit - 1
    head = keep * 2 // 3
    return text[:head] + "…" + text[len(text) - (keep - head) :]

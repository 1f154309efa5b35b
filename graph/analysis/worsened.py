"""What grew, and what shrank, in a finding that was already open last night.

A finding keeps its id while its problem changes: someone who opens RDP on a VM
whose HTTPS was already exposed leaves the same `internet-exposure` finding, now
worse. findings.md: such an `existing` finding carries `worsened` naming what grew
(ports on targets, entry points, severity, channels and observations, reaches) and
is alerted like a new one; what only shrank is recorded (`shrank`) and not alerted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graph.analysis.findings import EVIDENCE_LIMIT, SEVERITIES
from graph.analysis.ports import PortSet

_RANK = {s: i for i, s in enumerate(SEVERITIES)}  # critical = 0


def _details(finding: Mapping[str, Any]) -> Mapping[str, Any]:
    details = finding.get("details")
    return details if isinstance(details, Mapping) else {}


def _ports(items: Any) -> PortSet:
    if not isinstance(items, list):
        return PortSet.empty()
    return PortSet.from_report(i for i in items if isinstance(i, Mapping))


def _strings(items: Any) -> list[str]:
    return [str(i) for i in items] if isinstance(items, list) else []


def _entries(details: Mapping[str, Any]) -> dict[tuple[str, str], PortSet]:
    """Entry points by (entry, via), each with the frontend ports a client uses; a platform
    service's endpoints share its id as entry and differ by service (via "public-endpoint blob")."""
    out: dict[tuple[str, str], PortSet] = {}
    for item in details.get("entries") or []:
        if isinstance(item, Mapping) and item.get("entry"):
            via = " ".join(str(item[k]) for k in ("via", "service") if item.get(k))
            key = (str(item["entry"]).lower(), via)
            out[key] = out.get(key, PortSet.empty()).union(_ports(item.get("frontendPorts")))
    return out


def _new_entries(
    now: dict[tuple[str, str], PortSet], before: dict[tuple[str, str], PortSet]
) -> list[dict[str, Any]]:
    """Entry points that are new, or that open frontend ports they did not before."""
    out: list[dict[str, Any]] = []
    for (entry, via), ports in sorted(now.items()):
        extra = ports.minus(before[(entry, via)]) if (entry, via) in before else ports
        if (entry, via) not in before or not extra.is_empty():
            out.append({"entry": entry, "via": via, "frontendPorts": extra.to_report()})
    return out


def _added(now: Iterable[str], before: Iterable[str]) -> list[str]:
    seen = {b.lower() for b in before}
    return [n for n in dict.fromkeys(now) if n.lower() not in seen]


def _edge_key(edge: Any) -> tuple[str, ...] | None:
    if not isinstance(edge, Mapping):
        return None
    return tuple(str(edge.get(k) or "").lower() for k in ("from", "relation", "to", "channel"))


def _count(details: Mapping[str, Any]) -> int:
    value = details.get("observations")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _observations(
    now: Mapping[str, Any], before: Mapping[str, Any], evidence_now: Any, evidence_before: Any
) -> dict[str, Any] | None:
    """More links than before, or a link not seen before (a new edge in the evidence).

    The evidence shows the first EVIDENCE_LIMIT observations only: when last night's was
    cut short, an edge missing from it may just have been cut, so only the count tells.
    """
    count_now, count_before = _count(now), _count(before)
    new_edges: list[dict[str, Any]] = []
    if count_before <= EVIDENCE_LIMIT:
        old_edges = {_edge_key(e) for e in evidence_before or []}
        new_edges = [
            dict(e)
            for e in evidence_now or []
            if isinstance(e, Mapping) and _edge_key(e) not in old_edges
        ]
    if count_now <= count_before and not new_edges:
        return None
    return {"from": count_before, "to": count_now, "new": new_edges}


def _severity(now: str, before: str) -> dict[str, str] | None:
    if now in _RANK and before in _RANK and _RANK[now] < _RANK[before]:
        return {"from": before, "to": now}
    return None


def _one_way(
    now: Mapping[str, Any], before: Mapping[str, Any], *, with_observations: bool
) -> dict[str, Any]:
    """What `now` has that `before` had not, per part findings.md names."""
    d_now, d_before = _details(now), _details(before)
    out: dict[str, Any] = {}
    ports = _ports(d_now.get("ports")).minus(_ports(d_before.get("ports")))
    if not ports.is_empty():
        out["ports"] = ports.to_report()
    entries = _new_entries(_entries(d_now), _entries(d_before))
    if entries:
        out["entries"] = entries
    severity = _severity(str(now.get("severity")), str(before.get("severity")))
    if severity:
        out["severity"] = severity
    channels = _added(_strings(d_now.get("channels")), _strings(d_before.get("channels")))
    if channels:
        out["channels"] = channels
    if with_observations and "observations" in d_now:
        observations = _observations(d_now, d_before, now.get("evidence"), before.get("evidence"))
        if observations:
            out["observations"] = observations
    reaches = _added(_strings(d_now.get("reaches")), _strings(d_before.get("reaches")))
    if reaches:
        out["reaches"] = reaches
    # governance-gap: a control that was present before and is missing now (governance.md);
    # one that was unknown, or newly declared, is not a change of the estate
    was_present = {c.lower() for c in _strings(d_before.get("present"))}
    missing = [c for c in _strings(d_now.get("missing")) if c.lower() in was_present]
    if missing:
        out["missing"] = missing
    return out


def worsened(current: Mapping[str, Any], previous: Mapping[str, Any]) -> dict[str, Any]:
    """What grew since the previous run's version of the same finding ({} when nothing did)."""
    return _one_way(current, previous, with_observations=True)


def shrank(current: Mapping[str, Any], previous: Mapping[str, Any]) -> dict[str, Any]:
    """What the previous run's version had that this one no longer has (not alerted).

    A link that went away is told by `observations` {from, to} falling; the evidence
    lists only the first observations, so which link went is not always knowable.
    """
    out = _one_way(previous, current, with_observations=False)
    if "severity" in out:
        out["severity"] = {"from": out["severity"]["to"], "to": out["severity"]["from"]}
    count_now, count_before = _count(_details(current)), _count(_details(previous))
    if count_now < count_before:
        out["observations"] = {"from": count_before, "to": count_now}
    return out

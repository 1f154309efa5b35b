"""This run's findings against the previous run's report: status, firstSeen, resolved.

A finding open last night and absent now is resolved only when its whole scope
was read completely this run; otherwise what the run could not see is unknown,
not gone, and the finding stays open with ``unverified: true`` and its previous
evidence (findings.md, "Status, identity and scope").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, cast

from graph.analysis.findings import OPEN_STATUSES, Finding, sort_key
from graph.analysis.worsened import shrank, worsened
from graph.inventory import Inventory


def _status(accepted: bool, previous: dict[str, Any] | None) -> str:
    if accepted:
        return "accepted"
    if previous is not None and previous.get("status") in OPEN_STATUSES:
        return "existing"
    return "new"


def _accepted_note(inventory: Inventory, kind: str, subject: str, today: dt.date) -> Any:
    entry = inventory.accepted_entry(kind, subject, today)
    if entry is None:
        return None
    return {"reason": entry.reason, "expires": entry.expires.isoformat()}


def _compare(doc: dict[str, Any], prev: dict[str, Any]) -> None:
    """Name what grew (`worsened`, alerted) and what shrank (`shrank`, only recorded)."""
    if (
        doc["severity"] == prev.get("severity")
        and doc["details"] == prev.get("details")
        and doc["evidence"] == prev.get("evidence")
    ):
        return  # most findings are as they were last night: nothing to take apart
    grew = worsened(doc, prev)
    if grew:
        doc["worsened"] = grew
    went = shrank(doc, prev)
    if went:
        doc["shrank"] = went


def finding_document(
    finding: Finding,
    *,
    status: str,
    first_seen: str,
    last_seen: str,
    accepted: dict[str, Any] | None,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": finding.id,
        "kind": finding.kind,
        "severity": finding.severity,
        "status": status,
        "unverified": False,
        "subject": finding.subject,
        "subjectName": finding.subject_name,
        "title": finding.title,
        "firstSeen": first_seen,
        "lastSeen": last_seen,
        "scope": sorted(finding.scope),
        "evidence": finding.evidence,
        "details": finding.details,
    }
    if accepted is not None:
        doc["accepted"] = accepted
    return doc


def _by_id(findings: Iterable[Any]) -> Mapping[str, dict[str, Any]]:
    """The previous run's findings by id. A store's history (report_text.FindingHistory)
    looks them up itself, parsing each only when asked: at 1,000,000 resources they are
    121 MB of JSON, and parsed all at once three times that."""
    by_id = getattr(findings, "by_id", None)
    if by_id is not None:
        return cast(Mapping[str, dict[str, Any]], by_id())
    return {str(item["id"]): item for item in findings if isinstance(item, dict) and item.get("id")}


def apply_history(
    current: Iterable[Finding],
    previous: dict[str, Any] | None,
    *,
    inventory: Inventory,
    today: dt.date,
    seen_at: str,
    complete_scopes: set[str] | frozenset[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(findings, resolved) in report form, sorted as findings.md says."""
    prev_findings: Mapping[str, dict[str, Any]] = {}
    prev_seen_at: str | None = None
    if previous:
        prev_seen_at = (previous.get("run") or {}).get("startedAt")
        prev_findings = _by_id(previous.get("findings") or [])

    findings: list[dict[str, Any]] = []
    seen_ids: set[str] = set()
    for finding in current:
        if finding.id in seen_ids:
            continue
        seen_ids.add(finding.id)
        prev = prev_findings.get(finding.id)
        accepted = _accepted_note(inventory, finding.kind, finding.subject, today)
        doc = finding_document(
            finding,
            status=_status(accepted is not None, prev),
            first_seen=str(prev.get("firstSeen") or seen_at) if prev else seen_at,
            last_seen=seen_at,
            accepted=accepted,
        )
        if prev is not None and doc["status"] == "existing":
            _compare(doc, prev)
        findings.append(doc)

    resolved: list[dict[str, Any]] = []
    for fid in prev_findings:
        if fid in seen_ids:
            continue
        prev = prev_findings[fid]
        scope = {str(s) for s in prev.get("scope") or []}
        was_open = prev.get("status") in OPEN_STATUSES
        if scope <= complete_scopes:
            if was_open:
                resolved.append(
                    {
                        "id": fid,
                        "kind": prev.get("kind"),
                        "subject": prev.get("subject"),
                        "title": prev.get("title"),
                        "severity": prev.get("severity"),
                        "lastSeen": prev.get("lastSeen") or prev_seen_at,
                    }
                )
            continue
        carried = dict(prev)
        kind, subject = str(prev.get("kind")), str(prev.get("subject"))
        accepted = _accepted_note(inventory, kind, subject, today)
        carried["status"] = _status(accepted is not None, prev)
        carried["unverified"] = True
        carried.setdefault("lastSeen", prev_seen_at)
        carried.pop("accepted", None)
        # Not seen tonight, so nothing is known to have grown since last night.
        carried.pop("worsened", None)
        carried.pop("shrank", None)
        if accepted is not None:
            carried["accepted"] = accepted
        findings.append(carried)

    findings.sort(key=sort_key)
    resolved.sort(key=sort_key)
    return findings, resolved

"""Findings: identity, severity order, the inventory's `accepted` list, sorting.

A :class:`Finding` is what one analysis raised in this run; the diff
(diff.py) turns it into the report form with status, firstSeen and
unverified, against the previous run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from reports.model import KINDS, SEVERITIES

UNKNOWN_TENANT = "unknown-tenant"
UNKNOWN_SUBSCRIPTION = "unknown-subscription"
TENANT_MISMATCH = "tenant-mismatch"
UNDECLARED_CIRCUIT = "undeclared-circuit"
UNDECLARED_SITE = "undeclared-site"
INTERNET_EXPOSURE = "internet-exposure"
EXPIRED_APPROVAL = "expired-approval"
MISSING_DECLARED = "missing-declared"
COVERAGE_GAP = "coverage-gap"

OPEN_STATUSES = frozenset({"new", "existing"})

_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}
_SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}

# How many observations a finding's evidence shows; the rest are counted in details.
EVIDENCE_LIMIT = 20


def finding_id(kind: str, subject: str) -> str:
    """Stable across nights: the first 16 hex digits of sha256(kind|subject)."""
    return hashlib.sha256(f"{kind}|{subject}".encode()).hexdigest()[:16]


def is_worsened(finding: dict[str, Any]) -> bool:
    """An existing finding that grew since the previous run (findings.md)."""
    return finding.get("status") == "existing" and bool(finding.get("worsened"))


def is_alerting(finding: dict[str, Any]) -> bool:
    """New, or worse than last night: mailed and counted by `--fail-on new` alike."""
    return finding.get("status") == "new" or is_worsened(finding)


def severity_at_least(severity: str, threshold: str) -> bool:
    return _SEVERITY_ORDER.get(severity, 99) <= _SEVERITY_ORDER[threshold]


@dataclass
class Finding:
    """One finding as an analysis raised it this run (before the diff)."""

    kind: str
    subject: str
    subject_name: str
    title: str
    severity: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    scope: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.subject = self.subject.lower()

    @cached_property
    def id(self) -> str:
        return finding_id(self.kind, self.subject)


def sort_key(finding: dict[str, Any]) -> tuple[int, int, str]:
    """Severity (critical first), then kind in findings.md's order, then subject."""
    return (
        _SEVERITY_ORDER.get(str(finding.get("severity")), 99),
        _KIND_ORDER.get(str(finding.get("kind")), 99),
        str(finding.get("subject")),
    )

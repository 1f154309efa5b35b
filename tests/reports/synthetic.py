"""Large, realistic tenantmap.report/1 documents for the size tests and the benchmark."""

from __future__ import annotations

import hashlib
import random
from typing import Any

from graph.analysis.report import OUT_OF_SCOPE

KINDS = (
    "unknown-tenant",
    "unknown-subscription",
    "tenant-mismatch",
    "undeclared-circuit",
    "undeclared-site",
    "internet-exposure",
    "expired-approval",
    "missing-declared",
    "coverage-gap",
)
SEVERITIES = ("critical", "high", "medium", "low")
HOME = "72f988bf-0000-4000-8000-000000000001"


def _guid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def _rid(sub: str, rg: str, typ: str, name: str) -> str:
    return f"/subscriptions/{sub}/resourcegroups/{rg}/providers/{typ}/{name}"


def synthetic_report(findings: int, *, seed: int = 7, tenants: int = 60) -> dict[str, Any]:
    """A report with `findings` findings (mostly exposure, as in a large estate)."""
    rng = random.Random(seed)
    subs = sorted(_guid(rng) for _ in range(max(findings // 4, 10)))
    foreign = [_guid(rng) for _ in range(tenants)]
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    weights = (3, 6, 1, 1, 1, 80, 2, 2, 4)
    for i in range(findings):
        kind = rng.choices(KINDS, weights)[0]
        sub = rng.choice(subs)
        if kind == "internet-exposure":
            vm = _rid(
                sub, f"rg-app-{i % 97}", "microsoft.compute/virtualmachines", f"vm-app-{i:05d}"
            )
            pip = _rid(
                sub, f"rg-app-{i % 97}", "microsoft.network/publicipaddresses", f"pip-{i:05d}"
            )
            nic = _rid(
                sub, f"rg-app-{i % 97}", "microsoft.network/networkinterfaces", f"nic-{i:05d}"
            )
            ipc = nic + "/ipconfigurations/ipconfig1"
            port = rng.choice(["22", "3389", "443", "80", "8080-8090", "*"])
            subject, name = vm, f"vm-app-{i:05d}"
            title = f"{port}/tcp open to the internet on {name}"
            evidence = [
                {"from": "internet", "relation": "EXPOSES", "to": pip, "channel": None},
                {"from": pip, "relation": "ATTACHED_TO", "to": ipc, "channel": None},
                {"from": nic, "relation": "ATTACHED_TO", "to": vm, "channel": None},
            ]
            details: dict[str, Any] = {
                "ports": [{"protocol": "tcp", "ports": port}],
                "entries": [
                    {
                        "entry": pip,
                        "via": "public-ip",
                        "frontendPorts": [{"protocol": "tcp", "ports": port}],
                        "ports": [{"protocol": "tcp", "ports": port}],
                    }
                ],
                "approvedPorts": [],
                "reaches": [sub],
                "notes": [],
            }
        else:
            subject = _guid(rng)  # a fresh tenant or subscription: one finding each
            name = ""
            title = f"{kind} {subject}"
            vnet = _rid(sub, "net", "microsoft.network/virtualnetworks", f"vnet-{i:05d}")
            evidence = [
                {
                    "from": vnet,
                    "relation": "PEERS_WITH",
                    "to": _rid(subject, "x", "microsoft.network/virtualnetworks", "remote"),
                    "channel": "vnet-peering",
                    "state": "Connected",
                }
            ]
            details = {}
        finding_id = hashlib.sha256(f"{kind}|{subject}".encode()).hexdigest()[:16]
        if finding_id in seen:  # one finding per kind and subject, as the analysis makes them
            continue
        seen.add(finding_id)
        out.append(
            {
                "id": finding_id,
                "kind": kind,
                "severity": rng.choice(SEVERITIES),
                "status": rng.choices(("new", "existing", "accepted"), (1, 8, 1))[0],
                "unverified": rng.random() < 0.02,
                "subject": subject,
                "subjectName": name,
                "title": title,
                "firstSeen": "2026-11-27T02:00:13Z",
                "evidence": evidence,
                "details": details,
            }
        )
    out.sort(key=lambda f: (SEVERITIES.index(f["severity"]), KINDS.index(f["kind"]), f["subject"]))
    open_ = [f for f in out if f["status"] != "accepted"]
    resolved = [
        {
            "id": f"{i:016x}",
            "kind": "internet-exposure",
            "subject": _rid(subs[0], "old", "microsoft.compute/virtualmachines", f"old-{i}"),
            "title": f"22/tcp open to the internet on old-{i}",
            "lastSeen": "2026-11-26T02:00:12Z",
        }
        for i in range(findings // 100)
    ]
    topo_tenants = [{"id": HOME, "name": "Contoso", "declared": True, "relationship": "home"}] + [
        {
            "id": t,
            "name": f"Partner {n:03d}",
            "declared": n % 5 != 0,
            "relationship": "partner" if n % 5 else None,
        }
        for n, t in enumerate(foreign)
    ]
    links = [
        {
            "from": HOME,
            "to": t,
            "channel": "vnet-peering",
            "count": 1 + n % 4,
            "declared": n % 5 != 0,
        }
        for n, t in enumerate(foreign)
    ]
    return {
        "format": "tenantmap.report/1",
        "organization": "Contoso",
        "run": {
            "id": "20261127T020000Z-bench",
            "startedAt": "2026-11-27T02:00:00Z",
            "finishedAt": "2026-11-27T03:10:00Z",
            "today": "2026-11-27",
            "source": {"kind": "resource-graph", "endpoint": "https://management.azure.com"},
            "inventory": {"path": "inventory.yaml", "sha256": "0" * 64},
            "previousRun": "20261126T020000Z-bench",
        },
        "coverage": {
            "complete": False,
            "outOfScope": list(OUT_OF_SCOPE),
            "tenantsCrawled": [HOME],
            "subscriptionsCrawled": subs,
            "failed": [
                {"scope": f"/subscriptions/{s}", "status": 403, "code": "AuthorizationFailed"}
                for s in subs[:20]
            ],
        },
        "summary": {
            "open": len(open_),
            "new": sum(f["status"] == "new" for f in open_),
            "resolved": len(resolved),
            "accepted": len(out) - len(open_),
            "bySeverity": {s: sum(f["severity"] == s for f in open_) for s in SEVERITIES},
            "byKind": {k: sum(f["kind"] == k for f in open_) for k in KINDS},
        },
        "topology": {"tenants": topo_tenants, "links": links},
        "findings": out,
        "resolved": resolved,
    }

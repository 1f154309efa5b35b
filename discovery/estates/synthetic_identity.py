"""Identity channels on top of a synthetic estate, for benchmarks/bench_identity.py.

``add_identities`` appends to an estate's resources.jsonl (parents before their
credentials, as the emulator needs): user-assigned identities spread over the
subscriptions, a federated credential on some of them (an issuer of another
tenant, of an external identity provider, or of the estate's own tenant), and
role assignments held by foreign groups. Everything is derived from the seed so
two runs write the same estate.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from discovery.estates.arm import stable_guid

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"


def _subscriptions(estate: Path) -> list[tuple[str, str]]:
    items = json.loads((estate / "subscriptions.json").read_text(encoding="utf-8"))
    return sorted((str(s["subscriptionId"]).lower(), str(s["tenantId"]).lower()) for s in items)


def identity_lines(
    subscriptions: list[tuple[str, str]],
    *,
    identities: int,
    credentials_every: int = 4,
    foreign_groups: int,
    seed: int = 1,
) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    kind = "Microsoft.ManagedIdentity/userAssignedIdentities"
    for i in range(identities):
        sub, tenant = subscriptions[i % len(subscriptions)]
        rid = f"/subscriptions/{sub}/resourceGroups/identities/providers/{kind}/id-{i:05d}"
        out.append(
            {
                "id": rid,
                "name": f"id-{i:05d}",
                "type": kind,
                "location": "westeurope",
                "properties": {
                    "tenantId": tenant,
                    "principalId": stable_guid("principal", rid),
                    "clientId": stable_guid("client", rid),
                },
            }
        )
        if i % credentials_every:
            continue
        issuer = rng.choice(
            (
                f"https://login.microsoftonline.com/{tenant}/v2.0",
                f"https://sts.windows.net/{stable_guid('partner', str(i % 7))}/",
                "https://token.actions.githubusercontent.com",
            )
        )
        out.append(
            {
                "id": f"{rid}/federatedIdentityCredentials/deploy",
                "name": "deploy",
                "type": f"{kind}/federatedIdentityCredentials",
                "properties": {
                    "issuer": issuer,
                    "subject": f"repo:contoso/app-{i}:ref:refs/heads/main",
                    "audiences": ["api://AzureADTokenExchange"],
                },
            }
        )
    for i in range(foreign_groups):
        sub, _tenant = subscriptions[(i * 7) % len(subscriptions)]
        scope = f"/subscriptions/{sub}"
        group = stable_guid("foreign-group", str(i % 50))
        name = stable_guid("foreign-assignment", str(i))
        out.append(
            {
                "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
                "name": name,
                "type": "Microsoft.Authorization/roleAssignments",
                "properties": {
                    "roleDefinitionId": f"{scope}/providers/Microsoft.Authorization/roleDefinitions/"
                    + rng.choice((OWNER, READER)),
                    "principalId": group,
                    "principalType": "ForeignGroup",
                    "scope": scope,
                },
            }
        )
    return out


def add_identities(
    estate: Path, *, identities: int, foreign_groups: int = 1000, seed: int = 1
) -> Path:
    """Append the identity channels to ``estate``'s resources.jsonl; returns the estate."""
    lines = identity_lines(
        _subscriptions(estate), identities=identities, foreign_groups=foreign_groups, seed=seed
    )
    with (estate / "resources.jsonl").open("a", encoding="utf-8") as handle:
        for item in lines:
            handle.write(json.dumps(item, separators=(",", ":")) + "\n")
    return estate

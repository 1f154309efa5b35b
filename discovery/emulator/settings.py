"""emulator.json: what the emulator knows that a crawler cannot list, plus test knobs.

Every key is optional and defaults to what Azure does. `overrides` from the
caller are merged over the file (one level deep for the nested knobs), so a
test switches on throttling or faults without writing a file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from discovery.emulator.errors import EstateError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Principal(_Strict):
    tenantId: str | None = None
    clientId: str | None = None
    clientSecret: str | None = None


class Throttle(_Strict):
    readsBucket: Annotated[float, Field(gt=0)] = 250
    readsPerSecond: Annotated[float, Field(gt=0)] = 25


class ResourceGraphQuota(_Strict):
    queries: Annotated[int, Field(gt=0)] = 15
    perSeconds: Annotated[float, Field(gt=0)] = 5


class Faults(_Strict):
    seed: int = 1
    rate5xx: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0


class TamperRule(_Strict):
    """One broken or hostile answer to serve (tamper.py lists the faults)."""

    path: str
    fault: Literal[
        "redirect",
        "noContent",
        "empty",
        "malformed",
        "notList",
        "notObjects",
        "truncated",
        "loop",
        "gzipBomb",
        "foreignNextLink",
        "retryAfter",
        "loneSurrogate",
    ]
    page: Literal["first", "next", "every"] = "every"
    query: str | None = None
    target: str | None = None
    bombMegabytes: Annotated[int, Field(gt=0)] = 256
    retryAfter: Annotated[int, Field(ge=0)] = 100000


class EmulatorSettings(_Strict):
    principal: Principal = Principal()
    foreignSubscriptions: dict[str, str] = {}
    deny: dict[str, int] = {}
    latencyMs: Annotated[float, Field(ge=0)] = 0
    pageSize: Annotated[int, Field(gt=0)] = 50
    nextLinkStyle: Literal["absolute", "relative"] = "absolute"
    # None switches throttling off (benchmarks); the headers then report the default bucket.
    throttle: Throttle | None = Throttle()
    resourceGraphQuota: ResourceGraphQuota | None = ResourceGraphQuota()
    faults: Faults = Faults()
    tokenLifetimeSeconds: Annotated[int, Field(gt=0)] = 3600
    # What the token endpoint reports as expires_in; larger than the real
    # lifetime, it makes a client keep a token the emulator already refuses,
    # which is how a crawler's refresh on ExpiredAuthenticationToken is tested.
    tokenReportedLifetimeSeconds: Annotated[int | None, Field(gt=0)] = None
    requestLogFile: str | None = None
    tamper: list[TamperRule] = []


_NESTED = ("principal", "throttle", "resourceGraphQuota", "faults")


def merge_overrides(base: dict[str, Any], overrides: dict[str, Any] | None) -> dict[str, Any]:
    merged = dict(base)
    for key, value in (overrides or {}).items():
        old = merged.get(key)
        if key in _NESTED and isinstance(old, dict) and isinstance(value, dict):
            merged[key] = {**old, **value}
        else:
            merged[key] = value
    return merged


def load_settings(estate_dir: Path, overrides: dict[str, Any] | None) -> EmulatorSettings:
    path = estate_dir / "emulator.json"
    raw: Any = {}
    if path.is_file():
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise EstateError(
                f"{path}:{exc.lineno}: emulator.json is not valid JSON ({exc.msg}); fix that line."
            ) from None
        if not isinstance(raw, dict):
            raise EstateError(f"{path}: emulator.json must hold one JSON object.")
    try:
        return EmulatorSettings.model_validate(merge_overrides(raw, overrides))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise EstateError(f"{path}: key '{where}': {first['msg']}; fix or remove it.") from None

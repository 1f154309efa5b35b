"""ARM's read throttling, Resource Graph's quota and the seeded 5xx faults.

Throttling follows ARM's token-bucket model: one bucket per subscription for
calls with a subscription in the path, one per tenant (of the token) for
calls without; each read takes a token, tokens come back at a steady rate.
Resource Graph has its own per-tenant window quota instead.

A fault is decided by hashing (seed, request, how many times this exact
request was seen), not by a shared random stream, so the same seed fails the
same requests whatever order concurrent callers send them in, and a retry of
a failed request is a new draw.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import Counter
from dataclasses import dataclass

from discovery.emulator.settings import Faults, ResourceGraphQuota, Throttle


@dataclass
class Decision:
    allowed: bool
    remaining: int
    retry_after: int = 0


class ReadThrottle:
    """Token buckets keyed by scope; `None` settings never throttle."""

    def __init__(self, settings: Throttle | None) -> None:
        self._settings = settings
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> Decision:
        settings = self._settings
        if settings is None:
            return Decision(True, int(Throttle().readsBucket) - 1)
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (settings.readsBucket, now))
        tokens = min(settings.readsBucket, tokens + (now - last) * settings.readsPerSecond)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            wait = math.ceil((1 - tokens) / settings.readsPerSecond)
            return Decision(False, 0, max(1, wait))
        tokens -= 1
        self._buckets[key] = (tokens, now)
        return Decision(True, int(tokens))


class GraphQuota:
    """Resource Graph's per-tenant quota: `queries` per window of `perSeconds`."""

    def __init__(self, settings: ResourceGraphQuota | None) -> None:
        self._settings = settings
        self._windows: dict[str, tuple[float, int]] = {}

    def take(self, tenant: str) -> tuple[Decision, str]:
        settings = self._settings
        if settings is None:
            return Decision(True, 15), "00:00:00"
        now = time.monotonic()
        start, used = self._windows.get(tenant, (now, 0))
        if now - start >= settings.perSeconds:
            start, used = now, 0
        left = max(0.0, settings.perSeconds - (now - start))
        resets = time.strftime("%H:%M:%S", time.gmtime(math.ceil(left)))
        if used >= settings.queries:
            self._windows[tenant] = (start, used)
            return Decision(False, 0, max(1, math.ceil(left))), resets
        used += 1
        self._windows[tenant] = (start, used)
        return Decision(True, settings.queries - used), resets


class FaultInjector:
    def __init__(self, settings: Faults) -> None:
        self._seed = settings.seed
        self._rate = settings.rate5xx
        self._seen: Counter[str] = Counter()

    def draw(self, request_key: str) -> int | None:
        """500 or 503 for a request the seed picks to fail, else None."""
        if self._rate <= 0:
            return None
        self._seen[request_key] += 1
        material = f"{self._seed}\0{request_key}\0{self._seen[request_key]}".encode()
        digest = hashlib.blake2b(material, digest_size=8).digest()
        value = int.from_bytes(digest, "big") / 2**64
        if value >= self._rate:
            return None
        return 503 if digest[0] & 1 else 500

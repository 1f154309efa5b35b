"""Access tokens: JWT-shaped, naming the tenant they were issued for.

The payload is plain base64url JSON (`tid`, `exp`, `appid`, ...) so tests can
read it; the signature is an HMAC with a key made at start, so a token cannot
be edited to claim another tenant and a token from an earlier emulator is
refused (401 InvalidAuthenticationToken), as Azure refuses a foreign issuer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import orjson


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class TokenClaims:
    tenant_id: str
    expires_at: int


class TokenAuthority:
    def __init__(self, client_id: str) -> None:
        self._key = secrets.token_bytes(32)
        self._client_id = client_id
        self._verified: dict[str, TokenClaims] = {}

    def issue(self, tenant_id: str, lifetime: int, audience: str) -> str:
        now = int(time.time())
        header = _b64(orjson.dumps({"typ": "JWT", "alg": "HS256", "kid": "emulator"}))
        payload = _b64(
            orjson.dumps(
                {
                    "aud": audience,
                    "iss": f"https://sts.windows.net/{tenant_id}/",
                    "iat": now,
                    "nbf": now,
                    "exp": now + lifetime,
                    "tid": tenant_id,
                    "appid": self._client_id,
                    "oid": self._client_id,
                    "sub": self._client_id,
                    "ver": "1.0",
                }
            )
        )
        signing_input = f"{header}.{payload}".encode("ascii")
        signature = _b64(hmac.new(self._key, signing_input, hashlib.sha256).digest())
        return f"{header}.{payload}.{signature}"

    def verify(self, token: str) -> TokenClaims | None:
        """The claims of a token this emulator issued, or None; expiry is the caller's check."""
        known = self._verified.get(token)
        if known is not None:
            return known
        parts = token.split(".")
        if len(parts) != 3:
            return None
        expected = hmac.new(self._key, f"{parts[0]}.{parts[1]}".encode("ascii"), hashlib.sha256)
        try:
            if not hmac.compare_digest(_b64(expected.digest()), parts[2]):
                return None
            payload = orjson.loads(_unb64(parts[1]))
            claims = TokenClaims(str(payload["tid"]).lower(), int(payload["exp"]))
        except (ValueError, KeyError, TypeError):
            return None
        if len(self._verified) > 10_000:
            self._verified.clear()
        self._verified[token] = claims
        return claims

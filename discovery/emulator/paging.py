"""Opaque page tokens: an offset bound to the collection it pages, with a MAC.

A token from another list, an edited one or one from an earlier emulator does
not verify, and the caller gets 400 instead of a silently wrong page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct


class PageTokens:
    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def _mac(self, scope: str, offset: int) -> bytes:
        return hmac.new(self._key, f"{scope}\0{offset}".encode(), hashlib.sha256).digest()[:12]

    def make(self, scope: str, offset: int) -> str:
        raw = struct.pack(">I", offset) + self._mac(scope, offset)
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    def read(self, scope: str, token: str) -> int | None:
        """The offset a token names for this scope, or None if it is not one of ours."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (ValueError, TypeError):
            return None
        if len(raw) != 16:
            return None
        (offset,) = struct.unpack(">I", raw[:4])
        if not hmac.compare_digest(raw[4:], self._mac(scope, offset)):
            return None
        return int(offset)

"""Keyed redaction of secrets in raw ARM JSON (snapshot.md, "Secrets").

A secret value becomes ``<redacted:` + 16 hex digits of HMAC-SHA256 + `>``:
equal secrets stay equal within one installation, but nobody holding a
report can test guesses of a weak key without the installation key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path
from typing import Any

KEY_FILE = "redaction.key"
_REDACTED = re.compile(r"^<redacted:[0-9a-f]{16}>$")
# Explicit names are covered by the suffix rule too; listed for readers.
_EXPLICIT = frozenset({"servicekey", "authorizationkey", "sharedkey", "psk"})
_SUFFIXES = ("key", "secret", "password", "psk")


# How a string-valued property whose name ends like a secret's looks in compact JSON
# (a quote inside a JSON string is escaped, so values cannot fake it).
_SECRET_ENDINGS = ('key":"', 'secret":"', 'password":"', 'psk":"')


def may_hold_secret(json_text: str) -> bool:
    """False only when no property of this compact JSON text can be a secret (a cheap pre-check)."""
    lowered = json_text.lower()
    return any(ending in lowered for ending in _SECRET_ENDINGS)


def is_secret_name(name: str) -> bool:
    lowered = name.lower()
    return lowered in _EXPLICIT or lowered.endswith(_SUFFIXES)


def is_redacted(value: str) -> bool:
    return bool(_REDACTED.match(value))


def load_or_create_key(state_dir: Path) -> bytes:
    """The installation key: random, created once, readable by its owner only."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_bytes()
        if len(key) < 32:
            raise ValueError(f"{path} is damaged (shorter than 32 bytes): delete it") from None
        return key
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


class Redactor:
    """Replaces secret values in place; idempotent (a redacted value stays as it is)."""

    def __init__(self, state_dir: Path) -> None:
        self._key = load_or_create_key(state_dir)

    def mask(self, value: str) -> str:
        if is_redacted(value):
            return value
        digest = hmac.new(self._key, value.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"<redacted:{digest[:16]}>"

    def redact(self, obj: Any) -> Any:
        """Redact every secret in ``obj`` (mutated in place, and returned).

        In place because the crawler handles a million resources and copying
        each one would double the allocation for nothing.
        """
        stack: list[Any] = [obj]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for name, value in item.items():
                    if isinstance(value, str):
                        if is_secret_name(name) and not is_redacted(value):
                            item[name] = self.mask(value)
                    elif isinstance(value, dict | list):
                        stack.append(value)
            elif isinstance(item, list):
                stack.extend(v for v in item if isinstance(v, dict | list))
        return obj

"""Detail values and titles as people read them: lists instead of JSON, names instead of GUIDs."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

GUID_IN_TEXT = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)


def _port(value: dict[str, Any]) -> str | None:
    """`3389/tcp` for a {ports, protocol} entry, else None."""
    if set(value) <= {"ports", "protocol"} and "ports" in value:
        return f"{value['ports']}/{value.get('protocol') or 'any'}"
    return None


def _item(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        port = _port(value)
        if port is not None:
            return port
        return "; ".join(
            f"{k} {_item(v)}" for k, v in sorted(value.items()) if v not in (None, "", [], {})
        )
    if isinstance(value, list):
        return ", ".join(_item(v) for v in value)
    return str(value)


def readable_lines(value: Any) -> list[str]:
    """A detail value as lines of text: one line per entry of a list of records
    (approvals, errors), `key value; key value` inside each, ports as `3389/tcp`."""
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return [_item(v) for v in value]
    return [_item(value)]


def without_echoes(details: dict[str, Any]) -> dict[str, Any]:
    """Leave out `state` where `states` already says it (one state among those seen)."""
    states = details.get("states")
    if isinstance(states, list) and details.get("state") in (None, *states):
        return {k: v for k, v in details.items() if k != "state"}
    return details


def file_name(path: str | None) -> str | None:
    """The inventory as the report shows it: its file name, never a path on the machine."""
    if not path:
        return None
    return (PureWindowsPath(path) if "\\" in path else PurePosixPath(path)).name


def named_parts(text: str, name_of: Callable[[str], str | None]) -> list[tuple[str, str | None]]:
    """`text` cut at each GUID that has a name: (text, None) pieces and (name, guid) pieces,
    so a renderer shows the name with the GUID in small type beside it."""
    parts: list[tuple[str, str | None]] = []
    last = 0
    for match in GUID_IN_TEXT.finditer(text):
        name = name_of(match[0].lower())
        if not name or name in text:  # unnamed, or the title already says the name
            continue
        parts.append((text[last : match.start()], None))
        parts.append((name, match[0]))
        last = match.end()
    parts.append((text[last:], None))
    return [(t, g) for t, g in parts if t or g]


def named_text(parts: list[tuple[str, str | None]]) -> str:
    """The plain-text form of named_parts: `Fabrikam (0d1e2f3a-...)`."""
    return "".join(f"{t} ({g})" if g else t for t, g in parts)

"""Reading structured node properties as the graph holds them: a list of ARM children kept as
JSON text (the stores) or as a list (the build), and one child's ``properties``."""

from __future__ import annotations

import json
from typing import Any


def json_list(value: Any) -> list[Any]:
    """The list a property holds, whether JSON text or a list; anything else is empty."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            loaded = json.loads(value)
        except json.JSONDecodeError:
            return []
        return loaded if isinstance(loaded, list) else []
    return list(value) if isinstance(value, list | tuple) else []


def item_props(item: Any) -> dict[str, Any]:
    """An ARM child's ``properties``, or the child itself when it has none (flattened)."""
    if not isinstance(item, dict):
        return {}
    props = item.get("properties")
    return props if isinstance(props, dict) else item

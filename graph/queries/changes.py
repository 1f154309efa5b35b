"""The named query changes: what changed between the two latest completed runs' graphs."""

from __future__ import annotations

import json
import re
from typing import Any

import networkx as nx

from graph.queries.base import Query, Row

# Properties the stores add; a change in them is not a change in the estate.
STORE_PROPS = frozenset({"firstSeen", "lastSeen", "present"})


def _plain(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in STORE_PROPS}


# Fields that change with every write of a resource and say nothing about it.
_VOLATILE = frozenset({"etag", "provisioningState", "resourceGuid"})


def _named_items(value: Any) -> dict[str, dict[str, Any]] | None:
    """A list of ARM child objects (NSG rules, subnets, routes...) by name, else None."""
    if not isinstance(value, list) or not value:
        return None
    if not all(isinstance(v, dict) and isinstance(v.get("name"), str) for v in value):
        return None
    named = {str(v["name"]): v for v in value}
    return named if len(named) == len(value) else None


def _flat(value: Any, path: str = "") -> dict[str, Any]:
    """Nested dicts as dotted paths (an ARM child's `properties.` level dropped), volatile fields out."""
    if not isinstance(value, dict):
        return {path: value}
    out: dict[str, Any] = {}
    for key, inner in value.items():
        if key in _VOLATILE or (not path and key in ("id", "name")):
            continue
        sub = path if key == "properties" and not path else f"{path}.{key}" if path else key
        out.update(_flat(inner, sub))
    return out


def _compact(fields: dict[str, Any]) -> str:
    """`key value; key value` with empty values left out: one readable line."""
    return "; ".join(
        f"{k} {v if isinstance(v, str) else json.dumps(v, sort_keys=True)}"
        for k, v in sorted(fields.items())
        if v not in (None, "", [], {})
    )


def _differs(old: Any, new: Any) -> bool:
    """Unequal, an ARM id spelled in another letter case not counting."""
    if isinstance(old, str) and isinstance(new, str) and old.startswith("/"):
        return old.lower() != new.lower()
    return bool(old != new)


def _decoded(value: Any) -> Any:
    """Structured properties come back from a store as JSON text."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# ARM ids and names are case-insensitive and Azure spells the same one differently from
# call to call (`resourceGroups`/`resourcegroups`, `RG-WEB`/`rg-web`): a new spelling of
# the same id is not a change. The graph keeps the spelling Azure sent, to show it.
_SPELLINGS = ("armId", "resourceGroup")
_ID_IN_JSON = re.compile(r'"(/(?:subscriptions|providers|tenants)/[^"\\]*)"', re.I)


def _ids_lowered(text: str) -> str:
    return _ID_IN_JSON.sub(lambda m: m.group(0).lower(), text)


def _same_but_spelling(prop: str, old: Any, new: Any, props: dict[str, Any]) -> bool:
    """Do two values differ only in the letter case of ARM ids or names?"""
    if not (isinstance(old, str) and isinstance(new, str)) or old.lower() != new.lower():
        return False
    if prop in _SPELLINGS:
        return True
    if prop == "name":  # an ARM name (the id's last segment), not a display name
        return str(props.get("armId", "")).rstrip("/").lower().endswith("/" + new.lower())
    return old.startswith(("[", "{")) and _ids_lowered(old) == _ids_lowered(new)


def property_diffs(prop: str, old: Any, new: Any) -> list[tuple[str, str, Any, Any]]:
    """(property, change, before, after) lines: a list of named children (an NSG's
    securityRules) one line per child added, removed or changed, showing only the
    fields that differ; any other value before and after as it is."""
    if old == new:
        return []
    old, new = _decoded(old), _decoded(new)
    before, after = _named_items(old), _named_items(new)
    # A list that is empty or absent on one side is still a list of named children.
    if before is None and old in (None, []) and after is not None:
        before = {}
    if after is None and new in (None, []) and before is not None:
        after = {}
    if before is None or after is None:
        if isinstance(old, dict) and isinstance(new, dict):
            return [
                line
                for key in sorted(set(old) | set(new))
                if key not in _VOLATILE
                for line in property_diffs(f"{prop}.{key}", old.get(key), new.get(key))
            ]
        return [(prop, "changed", old, new)]
    lines: list[tuple[str, str, Any, Any]] = []
    for name in sorted(set(before) | set(after)):
        where = f"{prop}[{name}]"
        if name not in before:
            lines.append((where, "added", None, _compact(_flat(after[name]))))
        elif name not in after:
            lines.append((where, "removed", _compact(_flat(before[name])), None))
        else:
            was, now = _flat(before[name]), _flat(after[name])
            keys = sorted(k for k in set(was) | set(now) if _differs(was.get(k), now.get(k)))
            if keys:
                lines.append(
                    (
                        where,
                        "changed",
                        _compact({k: was.get(k) for k in keys}) or "none",
                        _compact({k: now.get(k) for k in keys}) or "none",
                    )
                )
    return lines


def changes(current: nx.MultiDiGraph, previous: nx.MultiDiGraph | None) -> list[Row]:
    """Added and removed nodes and edges, and changed properties, from previous to current."""
    prev = previous if previous is not None else nx.MultiDiGraph()
    rows: list[Row] = []

    def row(
        change: str, kind: str, ident: str, label: Any, prop: str | None, before: Any, after: Any
    ) -> None:
        rows.append(
            {
                "change": change,
                "kind": kind,
                "id": ident,
                "label": label,
                "property": prop,
                "before": before,
                "after": after,
            }
        )

    def diff_props(
        kind: str, ident: str, label: Any, old: dict[str, Any], new: dict[str, Any]
    ) -> None:
        for prop in sorted(set(old) | set(new)):
            before, after = old.get(prop), new.get(prop)
            if _same_but_spelling(prop, before, after, new):
                continue
            for where, how, was, now in property_diffs(prop, before, after):
                shown = where if how == "changed" else f"{where} ({how})"
                row("changed", kind, ident, label, shown, was, now)

    for n, data in current.nodes(data=True):
        if n not in prev:
            row("added", "node", n, data.get("label"), None, None, None)
        else:
            diff_props("node", n, data.get("label"), _plain(prev.nodes[n]), _plain(data))
    for n, data in prev.nodes(data=True):
        if n not in current:
            row("removed", "node", n, data.get("label"), None, None, None)

    def edge_ident(u: str, k: str, v: str) -> str:
        return f"{u} -[{k}]-> {v}"

    for u, v, k, data in current.edges(keys=True, data=True):
        ident = edge_ident(u, k, v)
        if not prev.has_edge(u, v, k):
            row("added", "edge", ident, data.get("type"), None, None, None)
        else:
            diff_props("edge", ident, data.get("type"), _plain(prev[u][v][k]), _plain(data))
    for u, v, k, data in prev.edges(keys=True, data=True):
        if not current.has_edge(u, v, k):
            row("removed", "edge", edge_ident(u, k, v), data.get("type"), None, None, None)
    order = {"added": 0, "removed": 1, "changed": 2}
    return sorted(
        rows, key=lambda r: (order[r["change"]], r["kind"] != "node", r["id"], r["property"] or "")
    )


QUERY = Query(
    name="changes",
    description=(
        "What changed since the previous run: nodes and edges added or removed, and every property "
        "whose value changed, comparing the latest completed run's graph with the one before it. "
        "Lists of named children (an NSG's securityRules, a VNet's subnets) show one line per child "
        "added, removed or changed, with only the fields that differ. "
        "The stores' own bookkeeping (firstSeen, lastSeen, present) is not a change, and "
        "neither is a new letter case of the same ARM id or name (Azure ids are "
        "case-insensitive)."
    ),
    params=(),
    columns=("change", "kind", "id", "label", "property", "before", "after"),
    answer=changes,
    cypher=None,
    needs_previous=True,
)

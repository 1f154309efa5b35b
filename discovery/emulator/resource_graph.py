"""The Resource Graph KQL subset (docs/dev/interfaces.md, "The Resource Graph dialect").

    <table> [| where type in~ ('<type>', ...)] [| where type =~ '<type>']
            [| project <col>, ...] [| order by id asc]

Anything else raises QueryError naming the unsupported part (the server
answers 400 BadRequest with it). Rows always come sorted by lower-cased id,
which is what `order by id asc` asks and what stable `$skipToken` paging
needs anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

from discovery.emulator.estate import NOT_IN_RESOURCES_TABLE, Estate, Record, subscription_of

GOVERNANCE = ("policyresources", "securityresources", "authorizationresources")
TABLES = ("resources", "networkresources", "resourcecontainers", *GOVERNANCE)

COLUMNS: dict[str, str] = {
    "id": "string",
    "name": "string",
    "type": "string",
    "tenantId": "string",
    "kind": "string",
    "location": "string",
    "resourceGroup": "string",
    "subscriptionId": "string",
    "managedBy": "string",
    "sku": "object",
    "plan": "object",
    "properties": "object",
    "tags": "object",
    "identity": "object",
    "zones": "object",
    "extendedLocation": "object",
}
_COLUMN_BY_LOWER = {c.lower(): c for c in COLUMNS}

SUBSCRIPTION_TYPE = "microsoft.resources/subscriptions"
RESOURCE_GROUP_TYPE = "microsoft.resources/subscriptions/resourcegroups"


class QueryError(ValueError):
    """A query outside the supported subset; the message names the part."""


@dataclass(frozen=True)
class Query:
    table: str
    types: frozenset[str] | None  # None: every type
    columns: tuple[str, ...] | None  # None: every column


_QUOTED = r"(?:'[^']*'|\"[^\"]*\")"
_WHERE_IN = re.compile(rf"^where\s+type\s+in~\s*\(\s*({_QUOTED}(?:\s*,\s*{_QUOTED})*)\s*\)$", re.I)
_WHERE_EQ = re.compile(rf"^where\s+type\s*=~\s*({_QUOTED})$", re.I)
_PROJECT = re.compile(r"^project\s+(.+)$", re.I | re.S)
_ORDER = re.compile(r"^(?:order|sort)\s+by\s+id(?:\s+asc)?$", re.I)


def _split_pipes(text: str) -> list[str]:
    stages, current, quote = [], [], ""
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            current.append(char)
        elif char == "|":
            stages.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if quote:
        raise QueryError("the query has an unterminated string literal")
    stages.append("".join(current).strip())
    return stages


def _literals(text: str) -> set[str]:
    return {m[1:-1].lower() for m in re.findall(_QUOTED, text)}


def parse_query(text: str) -> Query:
    if not isinstance(text, str) or not text.strip():
        raise QueryError("the request has no query")
    stages = _split_pipes(text.strip())
    table = stages[0].lower()
    if table not in TABLES:
        raise QueryError(f"table '{stages[0]}' is not supported (supported: {', '.join(TABLES)})")
    types: set[str] | None = None
    columns: tuple[str, ...] | None = None
    for stage in stages[1:]:
        flat = " ".join(stage.split())
        match_in, match_eq = _WHERE_IN.match(flat), _WHERE_EQ.match(flat)
        if match_in or match_eq:
            wanted = _literals((match_in or match_eq).group(1))  # type: ignore[union-attr]
            types = wanted if types is None else types & wanted
        elif _PROJECT.match(flat):
            names = [c.strip() for c in _PROJECT.match(flat).group(1).split(",")]  # type: ignore[union-attr]
            unknown = [c for c in names if c.lower() not in _COLUMN_BY_LOWER]
            if unknown or not all(names):
                raise QueryError(
                    f"project of '{', '.join(unknown) or stage}' is not supported "
                    f"(columns: {', '.join(COLUMNS)})"
                )
            columns = tuple(_COLUMN_BY_LOWER[c.lower()] for c in names)
        elif _ORDER.match(flat):
            continue
        else:
            raise QueryError(
                f"the operator '{stage}' is not supported (supported: where type in~ (...), "
                "where type =~ '...', project <columns>, order by id asc)"
            )
    return Query(table, frozenset(types) if types is not None else None, columns)


def select(
    estate: Estate,
    query: Query,
    subscriptions: list[str],
    hidden_prefixes: tuple[str, ...],
    group_scopes: tuple[str, ...] = (),
) -> list[Record]:
    """The records a query matches in these (readable) subscriptions, sorted by id; a
    governance table also gives the rows at these management groups (lower-cased ids)."""
    if query.table in GOVERNANCE:
        return _select_governance(estate, query, subscriptions, hidden_prefixes, group_scopes)
    out: list[Record] = []
    for sub in sorted(subscriptions):
        if query.table == "resourcecontainers":
            rows: list[Record] = []
            if query.types is None or SUBSCRIPTION_TYPE in query.types:
                rows.append(estate.subscriptions[sub].record)
            if query.types is None or RESOURCE_GROUP_TYPE in query.types:
                rows.extend(estate.resource_groups.get(sub, []))
        elif query.table == "networkresources":
            rows = estate.network_rows.get(sub, [])
            if query.types is not None:
                rows = [r for r in rows if _type_of(r.key) in query.types]
        elif query.types is None:
            rows = estate.graph_rows.get(sub, [])
        else:
            wanted = sorted(t for t in query.types if t not in NOT_IN_RESOURCES_TABLE)
            rows = []
            for type_lower in wanted:
                rows.extend(
                    estate.collections.get(f"/subscriptions/{sub}/providers/{type_lower}", [])
                )
            if len(wanted) > 1:
                rows.sort(key=lambda r: r.key)
        if hidden_prefixes:
            rows = [r for r in rows if not r.key.startswith(hidden_prefixes)]
        out.extend(rows)
    return out


def _select_governance(
    estate: Estate,
    query: Query,
    subscriptions: list[str],
    hidden_prefixes: tuple[str, ...],
    group_scopes: tuple[str, ...],
) -> list[Record]:
    wanted = set(subscriptions)
    groups = tuple(g + "/" for g in group_scopes)
    return [
        r
        for r in estate.governance_rows.get(query.table, [])
        if (subscription_of(r.key) in wanted or (groups and r.key.startswith(groups)))
        and (query.types is None or _type_of(r.key) in query.types)
        and not (hidden_prefixes and r.key.startswith(hidden_prefixes))
    ]


def _type_of(key: str) -> str:
    parts = key.rsplit("/providers/", 1)[-1].split("/")
    return f"{parts[0]}/{parts[1]}"


def build_row(estate: Estate, record: Record) -> dict[str, Any]:
    obj = orjson.loads(record.body)
    key = record.key
    parts = key.split("/")
    sub = parts[2] if len(parts) > 2 and parts[1] == "subscriptions" else ""
    subscription = estate.subscriptions.get(sub)
    if key == f"/subscriptions/{sub}":
        return {
            "id": obj.get("id", f"/subscriptions/{sub}"),
            "name": obj.get("displayName", sub),
            "type": SUBSCRIPTION_TYPE,
            "tenantId": obj.get("tenantId", ""),
            "kind": "",
            "location": "",
            "resourceGroup": "",
            "subscriptionId": obj.get("subscriptionId", sub),
            "managedBy": "",
            "sku": None,
            "plan": None,
            "properties": {
                "state": obj.get("state"),
                "subscriptionPolicies": obj.get("subscriptionPolicies"),
                "managedByTenants": obj.get("managedByTenants", []),
            },
            "tags": obj.get("tags") or {},
            "identity": None,
            "zones": None,
            "extendedLocation": None,
        }
    type_lower = str(obj.get("type", "")).lower()
    if type_lower == "microsoft.resources/resourcegroups":
        type_lower = RESOURCE_GROUP_TYPE
    return {
        "id": obj["id"],
        "name": obj.get("name", ""),
        "type": type_lower,
        "tenantId": subscription.tenant_id if subscription else "",
        "kind": obj.get("kind", ""),
        "location": obj.get("location", ""),
        "resourceGroup": parts[4] if len(parts) > 4 and parts[3] == "resourcegroups" else "",
        "subscriptionId": sub,
        "managedBy": obj.get("managedBy", ""),
        "sku": obj.get("sku"),
        "plan": obj.get("plan"),
        "properties": obj.get("properties"),
        "tags": obj.get("tags") or {},
        "identity": obj.get("identity"),
        "zones": obj.get("zones"),
        "extendedLocation": obj.get("extendedLocation"),
    }


def render_page(
    estate: Estate, records: list[Record], columns: tuple[str, ...] | None, result_format: str
) -> Any:
    names = columns or tuple(COLUMNS)
    rows = [build_row(estate, r) for r in records]
    if result_format == "table":
        return {
            "columns": [{"name": n, "type": COLUMNS[n]} for n in names],
            "rows": [[row[n] for n in names] for row in rows],
        }
    if columns is None:
        return rows
    return [{n: row[n] for n in names} for row in rows]


# -- the change tables (discovery/emulator/changes.py) -------------------------------

CHANGE_EXTEND = (
    "extend changeTime = todatetime(properties.changeAttributes.timestamp), "
    "targetType = tolower(tostring(properties.targetResourceType))"
)
_CHANGE_SINCE = re.compile(r"^where\s+changeTime\s*(>=?)\s*datetime\(\s*([^)\s]+)\s*\)$", re.I)
_CHANGE_TYPES = re.compile(
    rf"^where\s+targetType\s+in~\s*\(\s*({_QUOTED}(?:\s*,\s*{_QUOTED})*)\s*\)$", re.I
)
_CHANGE_ORDER = re.compile(r"^(?:order|sort)\s+by\s+changeTime(?:\s+asc)?$", re.I)


@dataclass(frozen=True)
class ChangeQuery:
    """`<change table> | extend changeTime = ..., targetType = ... | where changeTime >
    datetime(...) [| where targetType in~ (...)] [| order by changeTime asc]`"""

    table: str
    since: str  # ISO 8601, compared as text after normalising to ...Z
    inclusive: bool
    types: frozenset[str] | None


def _iso_key(text: str) -> str:
    """A timestamp as sortable text: UTC, microseconds, 'Z'."""
    from datetime import UTC, datetime

    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_change_query(text: str) -> ChangeQuery:
    stages = _split_pipes(text.strip())
    table = stages[0].lower()
    flat_stages = [" ".join(s.split()) for s in stages[1:]]
    if not flat_stages or flat_stages[0].lower() != CHANGE_EXTEND.lower():
        raise QueryError(f"a query of '{stages[0]}' must go on with '| {CHANGE_EXTEND}'")
    since: tuple[str, bool] | None = None
    types: set[str] | None = None
    for flat in flat_stages[1:]:
        match_since, match_types = _CHANGE_SINCE.match(flat), _CHANGE_TYPES.match(flat)
        if match_since:
            try:
                since = (_iso_key(match_since.group(2)), match_since.group(1) == ">=")
            except ValueError:
                raise QueryError(f"'{match_since.group(2)}' is not a datetime") from None
        elif match_types:
            wanted = _literals(match_types.group(1))
            types = wanted if types is None else types & wanted
        elif not _CHANGE_ORDER.match(flat):
            raise QueryError(
                f"the operator '{flat}' is not supported on {table} (supported: where changeTime "
                "> datetime(...), where targetType in~ (...), order by changeTime asc)"
            )
    if since is None:
        raise QueryError(f"a query of {table} needs '| where changeTime > datetime(...)'")
    return ChangeQuery(table, since[0], since[1], frozenset(types) if types is not None else None)


def select_changes(
    rows: list[dict[str, Any]], query: ChangeQuery, subscriptions: set[str]
) -> list[dict[str, Any]]:
    """The change rows of readable subscriptions since the query's time, oldest first,
    each with the query's extended columns."""
    out = []
    for row in rows:
        attrs = row["properties"]["changeAttributes"]
        at = _iso_key(attrs["timestamp"])
        target_type = str(row["properties"]["targetResourceType"]).lower()
        if row["subscriptionId"] not in subscriptions:
            continue
        if at < query.since or (at == query.since and not query.inclusive):
            continue
        if query.types is not None and target_type not in query.types:
            continue
        out.append({**row, "changeTime": attrs["timestamp"], "targetType": target_type})
    out.sort(key=lambda r: (_iso_key(r["changeTime"]), r["id"]))
    return out

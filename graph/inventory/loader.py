"""Loading ``inventory.yaml``: the YAML is composed into nodes first so that every value
keeps the line it came from; pydantic (``extra="forbid"``) then checks the structure, and
its error locations are mapped back to those lines, every problem reported at once as
``file:line: path: message``."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from graph.inventory.fields import as_written
from graph.inventory.lookups import Inventory
from graph.inventory.model import InventoryModel


class InventoryError(ValueError):
    """An invalid inventory; ``problems`` holds one ``file:line: path: message`` line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class _Lines:
    """Line (1-based) of each value and of each mapping key, by path."""

    values: dict[tuple[str | int, ...], int] = field(default_factory=dict)
    keys: dict[tuple[str | int, ...], int] = field(default_factory=dict)


class _Constructor(yaml.constructor.SafeConstructor):
    pass


# libyaml composes twenty times faster (an inventory of 10,000 subscriptions) and keeps marks
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LIST_SECTIONS = (
    "tenants",
    "management_groups",
    "subscriptions",
    "expressroute_circuits",
    "sites",
    "approved_exposures",
    "accepted",
)


def _scalar(node: yaml.ScalarNode, constructor: _Constructor) -> Any:
    try:
        return constructor.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError):
        # e.g. 2027-13-45 resolves as a timestamp and fails to build: keep the text,
        # the field check then names it.
        return node.value


# Values reached again through aliases, beyond the file's own: an inventory that
# reuses a port list a few hundred times stays well under, an alias bomb (a few
# hundred bytes that expand to gigabytes) stops here.
ALIAS_BUDGET = 10_000


class _AliasRefused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _distinct_nodes(root: yaml.Node) -> int:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return len(seen)


@dataclass
class _AliasGuard:
    """Counts the values an alias expansion produces and the collections being expanded."""

    limit: int
    visits: int = 0
    open: set[int] = field(default_factory=set)

    @classmethod
    def for_root(cls, root: yaml.Node) -> _AliasGuard:
        return cls(limit=_distinct_nodes(root) + ALIAS_BUDGET)

    def enter(self, node: yaml.Node) -> None:
        self.visits += 1
        line = node.start_mark.line + 1
        if self.visits > self.limit:
            raise _AliasRefused(
                line,
                f"aliases expand to more than {ALIAS_BUDGET} values beyond the file's own"
                " (an alias bomb?): write the values out or use fewer aliases",
            )
        if id(node) in self.open:
            raise _AliasRefused(
                line, "an alias refers to the collection that contains it (a recursive alias)"
            )


@dataclass
class _Walk:
    """Composed YAML nodes to Python values, noting each value's line and the problems."""

    lines: _Lines
    constructor: _Constructor
    problems: list[tuple[int, str, str]]
    guard: _AliasGuard

    def value(self, node: yaml.Node, path: tuple[str | int, ...]) -> Any:
        self.guard.enter(node)
        self.lines.values[path] = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node, self.constructor)
        self.guard.open.add(id(node))
        try:
            return self._collection(node, path)
        finally:
            self.guard.open.discard(id(node))

    def _collection(self, node: yaml.Node, path: tuple[str | int, ...]) -> Any:
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = (
                _scalar(key_node, self.constructor)
                if isinstance(key_node, yaml.ScalarNode)
                else None
            )
            if not isinstance(key, str):
                self.problems.append((line, _path_text(path) or "(top)", "a key must be a text"))
                continue
            child = (*path, key)
            if key in out:
                self.problems.append((line, _path_text(child), "the key appears twice"))
            self.lines.keys[child] = line
            out[key] = self.value(value_node, child)
        return out


def _path_text(path: Iterable[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _line_for(loc: tuple[str | int, ...], lines: _Lines, *, key: bool = False) -> int:
    """The line of the value at ``loc`` (of its key with ``key``), else of its nearest parent."""
    if key and loc in lines.keys:
        return lines.keys[loc]
    while loc:
        if loc in lines.values:
            return lines.values[loc]
        loc = loc[:-1]
    return lines.values.get((), 1)


_TYPE_WORDS = {
    "string_type": "a text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "bool_type": "true or false",
}


def _sentence(err: Any, data: Any) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return "unknown key (check its spelling)"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{as_written(value)} is not one of {expected}"
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}, got {as_written(value)}"
    return str(err["msg"])


def _location(err: Any) -> tuple[str | int, ...]:
    loc: list[str | int] = []
    for part in err["loc"]:
        # pydantic puts function-validator and union tags into the location
        if isinstance(part, str) and ("[" in part or part.startswith("function-")):
            continue
        loc.append(part)
    return tuple(loc)


def _cross_checks(data: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    checks = [
        ("tenants", "id", "tenant"),
        ("subscriptions", "id", "subscription"),
        ("expressroute_circuits", "id", "circuit"),
        ("sites", "name", "site"),
        ("management_groups", "id", "management group"),
    ]
    sites = data.get("sites")
    for i, item in enumerate(sites if isinstance(sites, list) else []):
        if isinstance(item, dict) and not item.get("gateway_ips") and not item.get("gateway_fqdns"):
            yield ("sites", i), "a site needs gateway_ips or gateway_fqdns (at least one)"
    for section, key, what in checks:
        items = data.get(section)
        if not isinstance(items, list):
            continue
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get(key), str):
                continue
            norm = item[key].strip().lower()
            if norm in first:
                yield (
                    (section, i, key),
                    f'{what} "{item[key]}" is declared twice (first at {section}[{first[norm]}])',
                )
            else:
                first[norm] = i


def parse_inventory(text: str, name: str = "inventory.yaml") -> Inventory:
    """Validate inventory text; raise InventoryError with every problem found."""
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return _parse(text, name, sha)


def load_inventory(path: Path | str) -> Inventory:
    """Read and validate an inventory file; raise InventoryError with every problem found."""
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InventoryError([f"{name}: cannot read the file ({exc.strerror or exc})"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InventoryError([f"{name}: the file is not UTF-8 text ({exc.reason})"]) from None
    return _parse(text, name, hashlib.sha256(raw).hexdigest())


def _parse(text: str, name: str, sha: str) -> Inventory:
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except RecursionError:
        raise InventoryError([f"{name}:1: the YAML is nested too deeply"]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = exc.problem or exc.context or "bad YAML"
        raise InventoryError([f"{name}:{line}: YAML syntax error: {what}"]) from None
    except yaml.YAMLError as exc:
        raise InventoryError([f"{name}:1: YAML syntax error: {exc}"]) from None
    if root is None:
        raise InventoryError([f"{name}:1: the file is empty (expected a mapping with version: 1)"])
    if not isinstance(root, yaml.MappingNode):
        line = root.start_mark.line + 1
        raise InventoryError(
            [f"{name}:{line}: the file is not a mapping (expected keys such as version, tenants)"]
        )
    lines = _Lines()
    early: list[tuple[int, str, str]] = []
    try:
        walk = _Walk(lines, _Constructor(), early, _AliasGuard.for_root(root))
        data = walk.value(root, ())
    except _AliasRefused as exc:
        raise InventoryError([f"{name}:{exc.line}: {exc}"]) from None
    for section in _LIST_SECTIONS:
        if section in data and data[section] is None:
            data[section] = []  # "approved_exposures:" with nothing below: none
    found: list[tuple[int, str, str]] = list(early)
    for loc, message in _cross_checks(data):
        found.append((_line_for(loc, lines), _path_text(loc), message))
    model: InventoryModel | None = None
    try:
        model = InventoryModel.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = _location(err)
            message = _sentence(err, data)
            line = _line_for(loc, lines, key=err["type"] == "extra_forbidden")
            found.append((line, _path_text(loc) or "(top)", message))
    if found:
        unique = sorted(set(found), key=lambda p: (p[0], p[1], p[2]))
        raise InventoryError([f"{name}:{line}: {path}: {msg}" for line, path, msg in unique])
    assert model is not None
    return Inventory.from_model(model, path=name, sha256=sha)

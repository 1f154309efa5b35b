"""Every node label's declaration, and the tables derived from them.

The declarations live beside their build code (graph/resource_types.py says what one
holds); this module only gathers them, in the order docs/graph-model.md draws them, and
derives what the build, the docs, the named queries and the reports look up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graph.build import directory, governance, hybrid, identity, ingress, links, network, paas
from graph.resource_types import Handler, Join, ResourceType
from graph.schema import (
    COMMON_EDGE_PROPS,
    COMMON_NODE_PROPS,
    INTERNET,
    RESOURCE,
    SITE,
    Label,
    Rel,
)

DECLARATIONS: tuple[ResourceType, ...] = (
    INTERNET,
    *directory.TYPES,
    *network.TYPES,
    *ingress.TYPES,
    *hybrid.TYPES,
    *links.TYPES,
    *paas.TYPES,
    RESOURCE,
    SITE,
    *governance.TYPES,
    *identity.TYPES,
)


def one_per_label(declarations: Iterable[ResourceType]) -> dict[Label, ResourceType]:
    by_label: dict[Label, ResourceType] = {}
    for decl in declarations:
        if decl.label in by_label:
            raise ValueError(f"{decl.label.value} is declared twice")
        by_label[decl.label] = decl
    missing = [label.value for label in Label if label not in by_label]
    if missing:
        raise ValueError(f"no declaration for {', '.join(missing)} (graph/resource_types.py)")
    return by_label


def merged(pairs: Iterable[tuple[str, Mapping[str, str]]], what: str) -> dict[str, str]:
    """One table from many declarations' parts; the same key may only say the same thing."""
    out: dict[str, str] = {}
    for owner, table in pairs:
        for key, value in table.items():
            if out.setdefault(key, value) != value:
                raise ValueError(f"{owner} gives {what} {key!r} a second meaning: {value!r}")
    return out


def one_label_per_arm_type(declarations: Iterable[ResourceType]) -> dict[str, Label]:
    """ARM type -> label; an ARM type two declarations claim is refused, since the
    second would silently take the first one's handler."""
    out: dict[str, Label] = {}
    for decl in declarations:
        for arm_type in decl.arm_types:
            if out.setdefault(arm_type, decl.label) != decl.label:
                raise ValueError(
                    f"{arm_type} is declared by both {out[arm_type].value} and {decl.label.value}"
                )
    return out


BY_LABEL: dict[Label, ResourceType] = one_per_label(DECLARATIONS)

LABEL_MEANING: dict[Label, str] = {label: BY_LABEL[label].meaning for label in Label}

# ARM resource type (lower-cased) -> label. Types not listed become Label.RESOURCE.
TYPE_LABELS: dict[str, Label] = one_label_per_arm_type(DECLARATIONS)

HANDLERS: dict[str, Handler] = {
    arm_type: decl.handler
    for decl in DECLARATIONS
    if decl.handler is not None
    for arm_type in decl.arm_types
}

# Node properties the build writes ("*": what every resource node shares).
NODE_PROPS: dict[str, dict[str, str]] = {
    "*": COMMON_NODE_PROPS,
    **{label: dict(BY_LABEL[label].props) for label in Label},
}

# Edge properties the build writes ("*": every edge).
EDGE_PROPS: dict[str, dict[str, str]] = {
    "*": COMMON_EDGE_PROPS,
    **{
        rel: merged(
            ((d.label.value, d.edge_props[rel]) for d in DECLARATIONS if rel in d.edge_props),
            f"{rel.value} property",
        )
        for rel in Rel
    },
}

# Which labels each relationship joins: the picture in docs/graph-model.md.
MODEL_EDGES: tuple[Join, ...] = tuple(join for decl in DECLARATIONS for join in decl.joins)

# Label -> the internet-paths `via` of a path entering through a public IP it holds.
ENTRY_KINDS: dict[str, str] = {
    decl.label.value: decl.entry for decl in DECLARATIONS if decl.entry is not None
}

# Last ARM type segment -> the word people use for it (reports/naming.py).
TYPE_WORDS: dict[str, str] = merged(((d.label.value, d.nouns) for d in DECLARATIONS), "noun")


def label_for_type(arm_type: str) -> Label:
    return TYPE_LABELS.get(arm_type.lower(), Label.RESOURCE)


__all__ = [
    "BY_LABEL",
    "DECLARATIONS",
    "EDGE_PROPS",
    "ENTRY_KINDS",
    "HANDLERS",
    "LABEL_MEANING",
    "MODEL_EDGES",
    "NODE_PROPS",
    "TYPE_LABELS",
    "TYPE_WORDS",
    "label_for_type",
    "merged",
    "one_per_label",
]

"""What one kind of node is, declared once beside the code that builds it.

Each resource type the build models has one :class:`ResourceType` in its build module
(graph/build/network.py, ingress.py, hybrid.py, links.py, governance.py, directory.py);
the labels no ARM type stands behind (Internet, Site, Resource) are declared in
graph/schema.py. graph/build/registry.py gathers them, and everything that used to be
a hand-kept table is derived from there: the ARM type -> label map, the node and edge
property meanings, the joins the picture draws, the build's handlers, the internet-path
entry kinds and the words the reports use. docs/dev/adding-a-resource-type.md walks
through adding one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph.build.context import BuildContext
    from graph.schema import Label, Rel

# (context, the resource as the snapshot holds it, its node id, its lower-cased ARM type)
Handler = Callable[["BuildContext", dict[str, Any], str, str], None]

Join = tuple["Label", "Rel", "Label"]


@dataclass(frozen=True)
class ResourceType:
    """One node label: what it means, what ARM types become it and what its build writes."""

    label: Label
    meaning: str  # one line, no final full stop (the docs add it)
    column: str  # the column of docs/graph-model.svg it is drawn in
    # Lower-cased ARM types whose resources become this label. Child types written by
    # their parent's handler (subnets, IP configurations) are listed with handler=None.
    arm_types: tuple[str, ...] = ()
    props: Mapping[str, str] = field(default_factory=dict)  # property -> meaning
    # The joins its build writes, (from, relationship, to), as docs/graph-model.md draws them;
    # "(Subscription)-CONTAINS->(it)" is implied for every resource.
    joins: tuple[Join, ...] = ()
    # The relationship properties this type's build writes and owns the meaning of.
    edge_props: Mapping[Rel, Mapping[str, str]] = field(default_factory=dict)
    # Last ARM type segment -> the word reports use ("bastionhosts" -> "Bastion"), its own
    # type's and those of the sub-resources evidence may name (a load balancer's rules).
    nouns: Mapping[str, str] = field(default_factory=dict)
    # The internet-paths `via` of a path whose public IP this holds (None: not an entry).
    entry: str | None = None
    handler: Handler | None = None  # builds one resource of arm_types into the graph

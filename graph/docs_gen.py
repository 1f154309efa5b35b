"""Generate docs/graph-model.md and docs/graph-model.svg from the schema and declarations.

    python -m graph.docs_gen            # rewrite both files
    python -m graph.docs_gen --check    # exit 1 if either is out of date

graph/schema.py and the resource types' declarations (graph/build/registry.py) are
the single source of truth; the documentation is derived from them so that it cannot
drift (tests/graph/test_docs.py runs the check).
"""

from __future__ import annotations

import argparse
import sys
from html import escape
from pathlib import Path

from graph.build.registry import (
    DECLARATIONS,
    EDGE_PROPS,
    LABEL_MEANING,
    MODEL_EDGES,
    NODE_PROPS,
)
from graph.queries import QUERIES
from graph.schema import REL_MEANING, Label, Rel

DOCS = Path(__file__).resolve().parent.parent / "docs"
MARKDOWN = DOCS / "graph-model.md"
SVG = DOCS / "graph-model.svg"

# Columns of the picture, left to right: who owns what, what lets the internet in,
# the virtual networks, what connects beyond them, and the cross-owner links. Each
# declaration names its column; within one, labels keep the declarations' order.
COLUMN_TITLES = (
    "directory",
    "entry points",
    "virtual networks",
    "beyond the VNet",
    "private links",
    "governance",
    "identity links",
)


def _columns() -> tuple[tuple[str, tuple[Label, ...]], ...]:
    unknown = sorted({d.column for d in DECLARATIONS} - set(COLUMN_TITLES))
    if unknown:
        raise ValueError(f"declared columns {unknown} are not in docs_gen.COLUMN_TITLES")
    return tuple(
        (title, tuple(d.label for d in DECLARATIONS if d.column == title))
        for title in COLUMN_TITLES
    )


COLUMNS = _columns()

REL_COLOURS: dict[Rel, str] = {
    Rel.CONTAINS: "#9e9e9e",
    Rel.MANAGED_BY: "#8e24aa",
    Rel.PEERS_WITH: "#1e88e5",
    Rel.IN_SUBNET: "#78909c",
    Rel.HAS_IP_CONFIG: "#78909c",
    Rel.ATTACHED_TO: "#e53935",
    Rel.PROTECTED_BY: "#43a047",
    Rel.MEMBER_OF: "#43a047",
    Rel.ROUTES_VIA: "#43a047",
    Rel.FORWARDS_TO: "#e53935",
    Rel.USES_POLICY: "#6d4c41",
    Rel.INHERITS_FROM: "#6d4c41",
    Rel.CONNECTS_TO: "#fb8c00",
    Rel.REDEEMED_BY: "#fb8c00",
    Rel.GLOBAL_REACH: "#fb8c00",
    Rel.PART_OF: "#fdd835",
    Rel.PRIVATE_LINK: "#00897b",
    Rel.SCOPES: "#8e24aa",
    Rel.EXPOSES: "#e53935",
    Rel.ASSIGNED_AT: "#3949ab",
    Rel.GRANTS: "#3949ab",
    Rel.OF: "#3949ab",
    Rel.TRUSTS: "#7c3aed",
}

EXAMPLES: tuple[tuple[str, str], ...] = (
    (
        "Every foreign tenant and the subscriptions of theirs that our links name",
        """MATCH (t:Tenant {foreign: true})-[:CONTAINS]->(s:Subscription)
WHERE coalesce(t.present, true) AND coalesce(s.present, true)
RETURN t.id AS tenant, collect(s.id) AS subscriptions""",
    ),
    (
        "VNet peerings that cross a tenant boundary, with their state",
        """MATCH (a:VirtualNetwork)-[p:PEERS_WITH]->(b:VirtualNetwork)
WHERE a.tenantId <> coalesce(b.tenantId, 'unknown') AND NOT p.hubManaged
RETURN a.name, a.subscriptionId, b.armId, b.tenantId, p.peeringState""",
    ),
    (
        "Public IPs held by a NIC of a VM, and the VM",
        """MATCH (:Internet)-[:EXPOSES]->(pip:PublicIpAddress)-[:ATTACHED_TO]->(ipc:IpConfiguration)
      <-[:HAS_IP_CONFIG]-(nic:NetworkInterface)-[:ATTACHED_TO]->(vm:VirtualMachine)
RETURN pip.ipAddress, pip.sku, vm.name, vm.subscriptionId""",
    ),
    (
        "Load-balancer NAT rules and the VM each reaches",
        """MATCH (lb:LoadBalancer)-[f:FORWARDS_TO {kind: 'nat'}]->(ipc:IpConfiguration)
      <-[:HAS_IP_CONFIG]-(:NetworkInterface)-[:ATTACHED_TO]->(vm:VirtualMachine)
RETURN lb.name, f.protocol, f.frontendPortStart, f.backendPort, vm.name""",
    ),
    (
        "ExpressRoute authorizations and who redeemed them",
        """MATCH (c:ExpressRouteCircuit)-[:CONTAINS]->(a:ExpressRouteAuthorization)-[r:REDEEMED_BY]->(x)
RETURN c.name, a.name, r.authorizationUseStatus, x.armId, x.tenantId, x.foreign""",
    ),
    (
        "Private endpoints of other tenants connected to our services",
        """MATCH (pe:PrivateEndpoint {foreign: true})-[l:PRIVATE_LINK {direction: 'inbound'}]->(svc)
RETURN svc.name, svc.type, pe.armId, pe.tenantId, l.status""",
    ),
    (
        "Who manages our subscriptions through Lighthouse",
        """MATCH (s:Subscription)-[m:MANAGED_BY]->(t:Tenant)
RETURN s.name, t.id, t.name, m.via, m.definitionId""",
    ),
    (
        "Defender plans switched off, per subscription",
        """MATCH (p:DefenderPricing)-[:OF]->(s:Subscription)
WHERE p.pricingTier = 'Free'
RETURN s.name, collect(p.name) AS freePlans""",
    ),
    (
        "Policy assignments made at management groups, and where they are assigned",
        """MATCH (a:PolicyAssignment)-[:ASSIGNED_AT]->(g:ManagementGroup)
RETURN a.displayName, a.policyDefinitionId, a.enforcementMode, g.name""",
    ),
)


def _label_position() -> dict[Label, tuple[int, int]]:
    positions: dict[Label, tuple[int, int]] = {}
    for col, (_, labels) in enumerate(COLUMNS):
        for row, label in enumerate(labels):
            positions[label] = (80 + col * 300, 80 + row * 64)
    return positions


BOX_W, BOX_H = 210, 32


def render_svg() -> str:
    pos = _label_position()
    height = 80 + max(len(labels) for _, labels in COLUMNS) * 64 + 40
    width = 160 + len(COLUMNS) * 300
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif">',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        "<defs>",
    ]
    for rel, colour in REL_COLOURS.items():
        out.append(
            f'<marker id="arrow-{rel.value}" viewBox="0 0 10 10" refX="10" refY="5" '
            f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            f'<path d="M 0 0 L 10 5 L 0 10 z" fill="{colour}"/></marker>'
        )
    out.append("</defs>")
    for col, (title, _) in enumerate(COLUMNS):
        out.append(
            f'<text x="{80 + col * 300 + BOX_W // 2}" y="40" font-size="15" font-weight="bold" '
            f'text-anchor="middle" fill="#37474f">{escape(title)}</text>'
        )
    texts = []
    for index, (src, rel, dst) in enumerate(MODEL_EDGES):
        path, text = _edge_svg(pos[src], pos[dst], rel, index)
        out.append(path)
        texts.append(text)
    for label, (x, y) in pos.items():
        out.append(
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="#eceff1" '
            f'stroke="#546e7a"/><text x="{x + BOX_W // 2}" y="{y + 21}" font-size="13" '
            f'text-anchor="middle" fill="#263238">{escape(label.value)}</text>'
        )
    out.extend(texts)  # edge names above the boxes, so no box hides one
    legend_y = height - 16
    x = 80
    for rel, colour in REL_COLOURS.items():
        out.append(
            f'<text x="{x}" y="{legend_y}" font-size="10" fill="{colour}">{escape(rel.value)}</text>'
        )
        x += 8 + 7 * len(rel.value)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _edge_svg(a: tuple[int, int], b: tuple[int, int], rel: Rel, index: int) -> tuple[str, str]:
    colour = REL_COLOURS[rel]
    marker = f'marker-end="url(#arrow-{rel.value})"'
    (ax, ay), (bx, by) = a, b
    if a == b:
        x, y = ax + BOX_W, ay + BOX_H // 2
        path = f"M {x} {y - 8} C {x + 40} {y - 30}, {x + 40} {y + 30}, {x} {y + 8}"
        lx, ly = x + 34, y + 4
    elif ax == bx:
        side = 1 if index % 2 or ax < 300 else -1
        x1 = ax + (BOX_W if side > 0 else 0)
        y1, y2 = ay + BOX_H // 2, by + BOX_H // 2
        bend = x1 + side * (30 + abs(y2 - y1) // 6)
        path = f"M {x1} {y1} C {bend} {y1}, {bend} {y2}, {x1} {y2}"
        lx, ly = bend + (4 if side > 0 else -4), (y1 + y2) // 2
    else:
        forward = bx > ax
        x1 = ax + BOX_W if forward else ax
        x2 = bx if forward else bx + BOX_W
        y1, y2 = ay + BOX_H // 2, by + BOX_H // 2
        mid = (x1 + x2) // 2
        path = f"M {x1} {y1} C {mid} {y1}, {mid} {y2}, {x2} {y2}"
        lx, ly = mid, (y1 + y2) // 2
    anchor = "middle" if a != b and ax != bx else ("start" if lx >= ax + BOX_W else "end")
    return (
        f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.3" {marker}/>',
        f'<text x="{lx}" y="{ly}" font-size="9" fill="{colour}" text-anchor="{anchor}" '
        f'stroke="#ffffff" stroke-width="3" paint-order="stroke">'
        f"{escape(rel.value)}</text>",
    )


def _mermaid() -> list[str]:
    lines = ["```mermaid", "flowchart LR"]
    for title, labels in COLUMNS:
        lines.append(f'  subgraph {title.replace(" ", "_")}["{title}"]')
        lines.extend(f"    {label.value}" for label in labels)
        lines.append("  end")
    lines.extend(f"  {s.value} -- {r.value} --> {d.value}" for s, r, d in MODEL_EDGES)
    lines.append("```")
    return lines


def _props_table(props: dict[str, str]) -> list[str]:
    if not props:
        return ["No properties beyond the common ones.", ""]
    rows = ["| property | meaning |", "|---|---|"]
    rows.extend(f"| `{name}` | {meaning} |" for name, meaning in props.items())
    return [*rows, ""]


def render_markdown() -> str:
    lines = [
        "# The tenantmap graph model",
        "",
        "<!-- Generated by `python -m graph.docs_gen` from graph/schema.py: edit the schema, not this file. -->",
        "",
        "tenantmap turns each crawl (a snapshot) into one graph and stores it in SQLite or Neo4j. "
        "This page lists every node label and relationship type, with the properties the build "
        "writes, for architects who query the graph in Cypher (`tenantmap query --cypher` on a "
        "Neo4j store) or through the named queries (`tenantmap query --list`).",
        "",
        "## Conventions",
        "",
        "- A node's `id` is its lower-cased ARM id (no trailing slash); tenants and subscriptions use "
        "their lower-cased GUID, the internet node is `internet`, a declared site `site:<name>`, and a "
        "private link service known only by its alias `alias:<alias>`. `armId` keeps Azure's spelling.",
        "- In Python every node has `label` and every relationship `type`. In Neo4j the label is the "
        "node's label (every node also carries the common label `:Tenantmap`, on which `id` is unique) "
        "and the type is the relationship type: use `MATCH (v:VirtualNetwork)`, `type(r)`, and "
        "`head([l IN labels(n) WHERE l <> 'Tenantmap'])` for a node's label. Parallel relationships "
        "between the same two nodes differ by `key` (e.g. one `FORWARDS_TO` per load-balancer rule).",
        "- Properties are scalars or lists of scalars. Structured ARM values (NSG rules, load-balancer "
        "rules, firewall rule collections) are JSON strings of the raw ARM value. A property whose value "
        "is unknown is absent, never null.",
        "- `foreign: true` marks what the crawl did not read: a resource a link names (a *placeholder*, "
        "`placeholder: true`, with the label its type implies, its `subscriptionId` and, when foreign.json "
        "resolved it, its `tenantId`), and subscriptions and tenants that are not ours.",
        "- The automatic Virtual WAN peering (`RemoteVnetToHubPeering_*` to a hub's `HV_*` VNet) is a "
        "`PEERS_WITH` with `hubManaged: true`; its managed VNet gets no subscription or tenant node.",
        "- The stores add `firstSeen`, `lastSeen` and `present` (false = stale: not seen in the latest "
        "complete crawl of its scope; Neo4j writes it only when false, absent means present). Named "
        "queries show present items only; in Cypher, filter with "
        "`coalesce(n.present, true)`. A node's scope is its `subscriptionId`, else its `tenantId`; an "
        "edge's scope is its own `subscriptionId` when set (edges seen from their target's side), else "
        "its source node's.",
        "- A night writes only what changed, so in Neo4j an unchanged item's `lastSeen` is the last run "
        "that wrote it. A present item was also seen by every later run that read its scope completely: "
        "its true last sighting is the later of `lastSeen` and the `seenAt` of the latest `(:Run)` whose "
        "`completeScopes` hold its scope. `tenantmap query`, the reports and stale items (whose "
        "`lastSeen` is written as they go stale) give it exactly.",
        "- In Python, `graph.build.build_graph` returns a `networkx.MultiDiGraph` whose attribute dicts "
        "are read-only: relationships without properties of their own share one dict per type, and "
        "pairs joined by only one such relationship share their keyed dict (it saves hundreds of MB "
        "on a large estate). Copy the graph (`g.copy()`) before changing it.",
        "",
        "## Picture",
        "",
        "![The graph model](graph-model.svg)",
        "",
        *_mermaid(),
        "",
        "## Node labels",
        "",
        "Every resource node has these common properties:",
        "",
        *_props_table(NODE_PROPS["*"]),
    ]
    for label in Label:
        lines += [f"### {label.value}", "", LABEL_MEANING[label] + ".", ""]
        lines += _props_table(NODE_PROPS.get(label, {}))
    lines += ["## Relationships", "", "Every relationship has these properties:", ""]
    lines += _props_table(EDGE_PROPS["*"])
    for rel in Rel:
        joins = sorted({f"({s.value})->({d.value})" for s, r, d in MODEL_EDGES if r is rel})
        lines += [f"### {rel.value}", "", REL_MEANING[rel] + ".", ""]
        if joins:
            lines += ["Joins: " + ", ".join(f"`{j}`" for j in joins) + ".", ""]
        lines += _props_table(EDGE_PROPS.get(rel, {}))
    lines += ["## Example Cypher", ""]
    for title, cypher in EXAMPLES:
        lines += [f"**{title}**", "", "```cypher", cypher, "```", ""]
    lines += [
        "## The named queries in Cypher",
        "",
        "`tenantmap query NAME` answers these on either store; on Neo4j the same questions read:",
        "",
    ]
    for q in QUERIES.values():
        lines += [f"### {q.name}", "", q.description, ""]
        if q.params:
            lines += ["Parameters: " + ", ".join(f"`${p}`" for p in q.params) + ".", ""]
        if q.cypher:
            lines += ["```cypher", q.cypher, "```", ""]
        elif q.from_report:
            lines += ["Read from the latest completed run's report (it needs the inventory).", ""]
        else:
            lines += ["Compares two runs' graphs; not expressible as one Cypher query.", ""]
    return "\n".join(lines).rstrip() + "\n"


def outputs() -> dict[Path, str]:
    return {MARKDOWN: render_markdown(), SVG: render_svg()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate docs/graph-model.md and .svg.")
    parser.add_argument("--check", action="store_true", help="exit 1 if the files are out of date")
    args = parser.parse_args(argv)
    stale = [
        path for path, text in outputs().items() if not path.is_file() or path.read_text() != text
    ]
    if args.check:
        for path in stale:
            print(f"{path} is out of date: run python -m graph.docs_gen", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

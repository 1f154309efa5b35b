"""Layout of the tenant picture, computed here so that the SVG is deterministic.

Three columns: what lies outside Azure (sites, gateways, circuits) on the
left, our tenants (home, subsidiaries, and any tenant a link starts from) in
the middle, every other tenant on the right. Undeclared far ends are drawn in
the warning colour with an "UNDECLARED" label. Identity and data channels
(roles, federated credentials, sharing: identity-links.md) are drawn as edges of
their own, dotted, apart from the network links to the same far end; their far
ends ARM names no tenant for (a foreign group, an external identity provider,
"any tenant") stand with the other tenants. Each edge ends at its own slot
on the far box, with its label (one line per channel, with the link count)
right there, so labels never pile up in the middle. Columns longer than
``MAX_PER_SIDE`` fold their tail into one "+N more" box.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from graph.build.identity import CHANNELS as IDENTITY_CHANNELS
from reports.model import Report, TopologyTenant
from reports.naming import GUID, Namer, arm_parts, is_real_name, short_guid

WIDTH = 1120
BOX_W = 210
BOX_H = 46
GAP = 14  # between boxes of a column
TOP = 44  # room for the column headings
BOTTOM = 40  # room for the legend
COL_X = {"outside": 10, "ours": (WIDTH - BOX_W) // 2, "others": WIDTH - 10 - BOX_W}
MAX_PER_SIDE = 24
CHAR_W = 6.7  # advance of the 11px monospace label font, for label backgrounds
LABEL_LINE = 13
LABEL_PAD = 6
LINE1_CHARS = 27
LINE2_CHARS = 32
OURS = ("home", "subsidiary")
# identity-links.md: channels drawn apart, and far ends that are parties, not tenants
PARTY_PREFIXES = ("foreign-group:", "issuer:", "key-app:", "lighthouse-delegated:")
EVERYONE = frozenset({"any-tenant", "any-subscription", "community"})

FAR_WORDS = {
    "site": "declared site",
    "localnetworkgateways": "local gateway",
    "vpnsites": "VPN site",
    "expressroutecircuits": "ER circuit",
}


@dataclass(frozen=True)
class Box:
    key: str
    x: int
    y: float
    h: float
    title: str
    line1: str
    line2: str
    css: str  # ours | declared | declared-site | undeclared | more | more-undeclared


@dataclass(frozen=True)
class LabelLine:
    text: str
    y: float


@dataclass(frozen=True)
class Path:
    d: str
    css: str  # declared | undeclared, plus " identity" for an identity or data channel
    anchor: str  # start | end | middle
    label_x: float
    label_rect: tuple[float, float, float, float]
    lines: tuple[LabelLine, ...]
    title: str


@dataclass
class Picture:
    width: int
    height: int
    boxes: list[Box] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    headings: list[tuple[float, str]] = field(default_factory=list)
    legend_y: int = 0
    description: str = ""


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _far_kind(node: str) -> str:
    if node.startswith("site:"):
        return "site"
    if GUID.match(node) or node.startswith("alias:"):
        return "tenant"  # a private link alias stands for a tenant nobody named
    if node.startswith(PARTY_PREFIXES) or node in EVERYONE:
        return "tenant"  # an identity channel's far end that ARM names no tenant for
    _, pairs = arm_parts(node)
    return pairs[-1][0] if pairs else "resource"


def _label_lines(channels: dict[str, int]) -> list[str]:
    return [f"{ch} \u00d7{n}" for ch, n in sorted(channels.items())]


def _label_h(lines: list[str]) -> float:
    return LABEL_LINE * len(lines) + LABEL_PAD


def layout(report: Report, namer: Namer) -> Picture:
    tenants = {t.id.lower(): t for t in report.topology.tenants}
    ours = {tid for tid, t in tenants.items() if (t.relationship or "") in OURS}
    ours.update(link.from_.lower() for link in report.topology.links)

    pairs: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    declared: dict[str, bool] = {tid: t.declared for tid, t in tenants.items()}
    for link in report.topology.links:
        src, dst = link.from_.lower(), link.to.lower()
        pairs[(src, dst)][link.channel] += link.count
        if dst not in tenants:
            declared[dst] = declared.get(dst, True) and link.declared

    def display(node: str) -> str:
        t = tenants.get(node)
        if t is not None and t.name and is_real_name(t.name, node):
            return t.name.lower()
        return namer.short(node).lower()

    def far_sort(node: str) -> tuple[int, str, str]:
        return (1 if declared.get(node, True) else 0, display(node), node)

    def our_sort(node: str) -> tuple[int, str, str]:
        rel = (tenants[node].relationship if node in tenants else None) or ""
        return (OURS.index(rel) if rel in OURS else 2, display(node), node)

    center = sorted(ours, key=our_sort)
    far_nodes = ({dst for (_, dst) in pairs} | set(tenants)) - ours
    others, others_more = _fold(
        sorted((n for n in far_nodes if _far_kind(n) == "tenant"), key=far_sort)
    )
    outside, outside_more = _fold(
        sorted((n for n in far_nodes if _far_kind(n) != "tenant"), key=far_sort)
    )
    folded = {n: "+more:others" for n in others_more} | {n: "+more:outside" for n in outside_more}

    # edges as drawn: folded far ends merged, keyed (source, far box)
    drawn: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    box_declared: dict[str, bool] = {}
    for (src, dst), channels in pairs.items():
        far = folded.get(dst, dst)
        for channel, count in channels.items():
            drawn[(src, far)][channel] += count
        box_declared[far] = box_declared.get(far, True) and declared.get(dst, True)
    for node in far_nodes:
        far = folded.get(node, node)
        box_declared[far] = box_declared.get(far, True) and declared.get(node, True)

    center_rank = {n: i for i, n in enumerate(center)}
    incoming: dict[str, list[tuple[str, list[str], bool]]] = defaultdict(list)
    for (src, far), channels in sorted(
        drawn.items(), key=lambda kv: (center_rank.get(kv[0][0], 0), kv[0])
    ):
        if far not in ours:
            for identity in (False, True):
                part = {c: n for c, n in channels.items() if (c in IDENTITY_CHANNELS) is identity}
                if part:
                    incoming[far].append((src, _label_lines(part), identity))

    def height_of(node: str) -> float:
        need = sum(_label_h(lines) for _, lines, _i in incoming.get(node, []))
        return max(float(BOX_H), need + 8)

    side_keys = {
        "others": others + (["+more:others"] if others_more else []),
        "outside": outside + (["+more:outside"] if outside_more else []),
    }
    side_heights = {
        col: sum(height_of(k) for k in keys) + GAP * max(len(keys) - 1, 0)
        for col, keys in side_keys.items()
    }
    center_h = len(center) * BOX_H + (len(center) - 1) * GAP * 2 if center else 0
    span = max(side_heights["others"], side_heights["outside"], center_h, float(BOX_H))
    height = round(TOP + span + BOTTOM + 16)
    pic = Picture(width=WIDTH, height=height, legend_y=height - 14)
    pic.headings = [
        (COL_X["outside"] + BOX_W / 2, "Sites and circuits"),
        (COL_X["ours"] + BOX_W / 2, "Our tenants"),
        (COL_X["others"] + BOX_W / 2, "Other tenants"),
    ]

    boxes: dict[str, Box] = {}
    # our tenants spread over the whole height
    step = span / max(len(center), 1)
    for i, node in enumerate(center):
        y = TOP + 8 + i * step + (step - BOX_H) / 2
        boxes[node] = _tenant_box(node, COL_X["ours"], y, BOX_H, tenants.get(node), ours=True)
    for col, keys in side_keys.items():
        y = TOP + 8 + (span - side_heights[col]) / 2
        for key in keys:
            h = height_of(key)
            if key.startswith("+more:"):
                more = others_more if col == "others" else outside_more
                undeclared = sum(1 for n in more if not declared.get(n, True))
                boxes[key] = Box(
                    key=key,
                    x=COL_X[col],
                    y=round(y, 1),
                    h=h,
                    title="\n".join(more),
                    line1=f"+{len(more)} more",
                    line2=f"{undeclared} undeclared" if undeclared else "all declared",
                    css="more-undeclared" if undeclared else "more",
                )
            elif col == "others":
                if key.startswith("alias:"):
                    boxes[key] = _alias_box(key, COL_X[col], y, h, declared.get(key, False))
                elif not GUID.match(key):
                    boxes[key] = _party_box(key, COL_X[col], y, h, declared.get(key, False))
                else:
                    boxes[key] = _tenant_box(key, COL_X[col], y, h, tenants.get(key), ours=False)
            else:
                boxes[key] = _outside_box(key, COL_X[col], y, h, declared.get(key, True), namer)
            y += h + GAP
    pic.boxes = [boxes[k] for k in center + side_keys["outside"] + side_keys["others"]]

    for far, edges in sorted(incoming.items()):
        box = boxes.get(far)
        if box is None:
            continue
        need = sum(_label_h(lines) for _, lines, _i in edges)
        slot_top = box.y + (box.h - need) / 2
        for src, lines, identity in edges:
            if src not in boxes:
                continue
            lh = _label_h(lines)
            path = _edge(
                boxes[src], box, slot_top + lh / 2, lines, box_declared.get(far, True), namer
            )
            if identity:
                path = replace(path, css=f"{path.css} identity")
            pic.paths.append(path)
            slot_top += lh
    for (src, dst), channels in sorted(drawn.items()):
        if dst in ours and src in boxes and dst in boxes:
            pic.paths.append(_loop(boxes[src], boxes[dst], _label_lines(channels), namer))

    n_undeclared = sum(1 for n in far_nodes if not declared.get(n, True))
    pic.description = (
        f"{len(center)} of our tenants linked to {len(far_nodes)} other tenants, sites and"
        f" circuits, {n_undeclared} of them undeclared"
    )
    return pic


def _fold(nodes: list[str]) -> tuple[list[str], list[str]]:
    if len(nodes) <= MAX_PER_SIDE:
        return nodes, []
    return nodes[: MAX_PER_SIDE - 1], nodes[MAX_PER_SIDE - 1 :]


def _tenant_box(
    node: str, x: int, y: float, h: float, t: TopologyTenant | None, *, ours: bool
) -> Box:
    name = t.name if t is not None and t.name and is_real_name(t.name, node) else ""
    declared = t is not None and t.declared
    state = ((t.relationship if t else None) or "declared") if declared else "UNDECLARED"
    # the GUID goes on line 2 beside the state when line 1 holds a name
    line1 = name or f"tenant {short_guid(node)}"
    line2 = f"{state} · {short_guid(node)}" if name else f"{state} · no name known"
    return Box(
        key=node,
        x=x,
        y=round(y, 1),
        h=h,
        title=f"{name} ({node})" if name else node,
        line1=_clip(line1, LINE1_CHARS),
        line2=_clip(line2, LINE2_CHARS),
        css=("ours" if ours else "declared") if declared else "undeclared",
    )


def _alias_box(node: str, x: int, y: float, h: float, is_declared: bool) -> Box:
    alias = node.removeprefix("alias:")
    return Box(
        key=node,
        x=x,
        y=round(y, 1),
        h=h,
        title=node,
        line1=_clip(alias.split(".")[0], LINE1_CHARS),
        line2="private link alias" if is_declared else "UNDECLARED private link alias",
        css="declared" if is_declared else "undeclared",
    )


_PARTY_WORDS = {
    "foreign-group": "foreign group",
    "issuer": "identity provider",
    "key-app": "key held by app",
    "lighthouse-delegated": "unseen managing tenant",
}


def _party_box(node: str, x: int, y: float, h: float, is_declared: bool) -> Box:
    """A far end ARM names no tenant for: a foreign group, an issuer, everyone."""
    kind, _, rest = node.partition(":")
    if node in EVERYONE:
        line1, word = node.replace("-", " "), "everyone"
    elif kind == "issuer":
        line1, word = rest.removeprefix("https://"), _PARTY_WORDS[kind]
    else:
        line1, word = short_guid(rest), _PARTY_WORDS.get(kind, kind)
    return Box(
        key=node,
        x=x,
        y=round(y, 1),
        h=h,
        title=node,
        line1=_clip(line1, LINE1_CHARS),
        line2=word if is_declared else f"UNDECLARED {word}",
        css="declared" if is_declared else "undeclared",
    )


def _outside_box(node: str, x: int, y: float, h: float, is_declared: bool, namer: Namer) -> Box:
    kind = _far_kind(node)
    word = FAR_WORDS.get(kind, namer.what(node))
    if kind == "site":
        name = node[5:]
    else:
        _, parts = arm_parts(node)
        name = parts[-1][1] if parts else node
    return Box(
        key=node,
        x=x,
        y=round(y, 1),
        h=h,
        title=node,
        line1=_clip(name, LINE1_CHARS),
        line2=_clip(word if is_declared else f"UNDECLARED {word}", LINE2_CHARS),
        css="declared-site" if is_declared else "undeclared",
    )


def _edge(src: Box, far: Box, y1: float, lines: list[str], ok: bool, namer: Namer) -> Path:
    y0 = src.y + src.h / 2
    if far.x > src.x:
        x0, x1, anchor, lx = src.x + BOX_W, far.x, "end", far.x - 6
    else:
        x0, x1, anchor, lx = src.x, far.x + BOX_W, "start", far.x + BOX_W + 6
    mid = (x0 + x1) / 2
    d = f"M{_n(x0)},{_n(y0)} C{_n(mid)},{_n(y0)} {_n(mid)},{_n(y1)} {_n(x1)},{_n(y1)}"
    width = max(len(s) for s in lines) * CHAR_W + 8
    height = _label_h(lines)
    top = y1 - height / 2
    rect_x = lx - width + 4 if anchor == "end" else lx - 4
    return Path(
        d=d,
        css="declared" if ok else "undeclared",
        anchor=anchor,
        label_x=round(lx, 1),
        label_rect=(round(rect_x, 1), round(top, 1), round(width, 1), round(height, 1)),
        lines=tuple(
            LabelLine(text, round(top + LABEL_PAD / 2 + LABEL_LINE * (i + 0.78), 1))
            for i, text in enumerate(lines)
        ),
        title=f"{namer.short(src.key, 80)} → {namer.short(far.key, 80)}: " + ", ".join(lines),
    )


def _loop(src: Box, dst: Box, lines: list[str], namer: Namer) -> Path:
    """A link between two of our tenants: a bow on the left of the middle column."""
    x = src.x
    y0, y1 = src.y + src.h / 2, dst.y + dst.h / 2
    bow = x - 46
    d = f"M{_n(x)},{_n(y0)} C{_n(bow)},{_n(y0)} {_n(bow)},{_n(y1)} {_n(x)},{_n(y1)}"
    width = max(len(s) for s in lines) * CHAR_W + 8
    height = _label_h(lines)
    cy = (y0 + y1) / 2
    top = cy - height / 2
    lx = bow + 8
    return Path(
        d=d,
        css="declared",
        anchor="end",
        label_x=round(lx, 1),
        label_rect=(round(lx - width + 4, 1), round(top, 1), round(width, 1), round(height, 1)),
        lines=tuple(
            LabelLine(text, round(top + LABEL_PAD / 2 + LABEL_LINE * (i + 0.78), 1))
            for i, text in enumerate(lines)
        ),
        title=f"{namer.short(src.key, 80)} → {namer.short(dst.key, 80)}: " + ", ".join(lines),
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

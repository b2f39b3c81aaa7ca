"""Driver diagrams (DOMAIN.md §2.4): the team's theory of change, drawn and versioned.

Aim ← primary drivers ← secondary drivers ← change ideas. A secondary driver may serve
several primary drivers and a change idea several secondary drivers (many-to-many);
each link is strong (solid line) or weak (dashed line); each driver may have a measure.

This module holds a frozen model of one diagram, its layout in four columns, its SVG
drawing, a nested-list text alternative, a JSON snapshot, the difference between two
snapshots, and how a driver moves up or down among its siblings. Pure: no Django, no I/O.

Order: the primary drivers are drawn in their order. A secondary driver is drawn under the
first primary driver it serves (the one highest in its column), and secondary drivers under
the same primary driver keep their order; those not linked yet come last. Change ideas are
drawn the same way under the secondary drivers.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from html import escape
from typing import Any

SNAPSHOT_FORMAT = 1


class Level(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"


class Strength(StrEnum):
    STRONG = "strong"
    WEAK = "weak"


IDEA = "idea"


@dataclass(frozen=True)
class Node:
    """A driver or change idea. ``key`` is ``driver:<id>`` or ``idea:<id>``, stable over edits."""

    key: str
    text: str
    measure: str | None = None


@dataclass(frozen=True)
class Link:
    source: str  # a primary driver's key, or a secondary driver's key
    target: str  # a secondary driver's key, or a change idea's key
    strength: Strength = Strength.STRONG


@dataclass(frozen=True)
class Diagram:
    aim: str
    primary: tuple[Node, ...] = ()
    secondary: tuple[Node, ...] = ()
    ideas: tuple[Node, ...] = ()
    links: tuple[Link, ...] = ()
    title: str = ""

    def node(self, key: str) -> Node | None:
        for node in (*self.primary, *self.secondary, *self.ideas):
            if node.key == key:
                return node
        return None

    def level_of(self, key: str) -> str | None:
        if any(node.key == key for node in self.primary):
            return Level.PRIMARY.value
        if any(node.key == key for node in self.secondary):
            return Level.SECONDARY.value
        if any(node.key == key for node in self.ideas):
            return IDEA
        return None

    def links_from(self, key: str) -> list[Link]:
        return [link for link in self.links if link.source == key]

    def links_to(self, key: str) -> list[Link]:
        return [link for link in self.links if link.target == key]


def driver_key(pk: int) -> str:
    return f"driver:{pk}"


def idea_key(pk: int) -> str:
    return f"idea:{pk}"


def problems(diagram: Diagram) -> list[str]:
    """Advice on the theory's shape (IHI): 2 to 5 primary drivers, everything linked, measured."""
    found: list[str] = []
    if not diagram.primary:
        found.append("Add the primary drivers: what most influences the aim")
    elif len(diagram.primary) == 1:
        found.append("Only one primary driver: most aims have 2 to 5")
    elif len(diagram.primary) > 5:
        found.append("More than 5 primary drivers: consider grouping some of them")
    for node in diagram.primary:
        if not diagram.links_from(node.key):
            found.append(f"The primary driver “{node.text}” has no secondary drivers yet")
    for node in diagram.secondary:
        if not diagram.links_to(node.key):
            found.append(f"The secondary driver “{node.text}” is not linked to a primary driver")
    unmeasured = [n for n in (*diagram.primary, *diagram.secondary) if not n.measure]
    if unmeasured:
        count = len(unmeasured)
        found.append(f"{count} driver{'s' if count != 1 else ''} without a measure")
    return found


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


# -- order -------------------------------------------------------------------------------


def _first_parents(
    nodes: Iterable[Node], links: Iterable[Link], above: Sequence[Node]
) -> dict[str, str]:
    """For each of ``nodes`` linked from a node of ``above``: the highest of those in ``above``."""
    rank = {node.key: i for i, node in enumerate(above)}
    keys = {node.key for node in nodes}
    first: dict[str, str] = {}
    for link in links:
        if link.target in keys and link.source in rank:
            was = first.get(link.target)
            if was is None or rank[link.source] < rank[was]:
                first[link.target] = link.source
    return first


def _grouped(
    nodes: Sequence[Node], links: Iterable[Link], above: Sequence[Node]
) -> tuple[Node, ...]:
    """``nodes`` grouped under their first parent in ``above`` (in its order), keeping their own
    order within a group; nodes with no parent come last. Fewer lines cross."""
    rank = {node.key: i for i, node in enumerate(above)}
    first = _first_parents(nodes, links, above)

    def sort_key(item: tuple[int, Node]) -> tuple[int, int]:
        index, node = item
        parent = first.get(node.key)
        return (rank[parent] if parent is not None else len(rank), index)

    return tuple(node for _, node in sorted(enumerate(nodes), key=sort_key))


def drawing_order(diagram: Diagram) -> tuple[tuple[Node, ...], tuple[Node, ...], tuple[Node, ...]]:
    """The primary drivers, secondary drivers and change ideas in the order they are drawn."""
    primary = diagram.primary
    secondary = _grouped(diagram.secondary, diagram.links, primary)
    ideas = _grouped(diagram.ideas, diagram.links, secondary)
    return primary, secondary, ideas


def drawn_under(diagram: Diagram) -> dict[str, str]:
    """Each linked secondary driver's key, with the key of the primary driver it is drawn under."""
    return _first_parents(diagram.secondary, diagram.links, diagram.primary)


def siblings(diagram: Diagram, key: str) -> tuple[str, ...]:
    """The drivers that driver ``key`` moves among, in order (``key`` included).

    A primary driver moves among all the primary drivers. A secondary driver moves among the
    secondary drivers drawn under the same primary driver, or among those not linked yet.
    Raises ``KeyError`` if ``key`` is not a driver of the diagram.
    """
    if any(node.key == key for node in diagram.primary):
        return tuple(node.key for node in diagram.primary)
    if not any(node.key == key for node in diagram.secondary):
        raise KeyError(key)
    under = drawn_under(diagram)
    group = under.get(key)
    return tuple(node.key for node in diagram.secondary if under.get(node.key) == group)


class CannotMove(ValueError):
    """The driver is already first (or last) among its siblings."""


def move(diagram: Diagram, key: str, *, up: bool) -> Diagram:
    """The diagram with driver ``key`` swapped with the sibling before it (``up``) or after it.

    Raises ``CannotMove`` if it is already first (moving up) or last (moving down), and
    ``KeyError`` if ``key`` is not a driver of the diagram.
    """
    group = siblings(diagram, key)
    index = group.index(key) + (-1 if up else 1)
    if not 0 <= index < len(group):
        raise CannotMove(key)
    other = group[index]
    primary = diagram.level_of(key) == Level.PRIMARY
    nodes = list(diagram.primary if primary else diagram.secondary)
    i, j = (next(n for n, node in enumerate(nodes) if node.key == k) for k in (key, other))
    nodes[i], nodes[j] = nodes[j], nodes[i]
    if primary:
        return replace(diagram, primary=tuple(nodes))
    return replace(diagram, secondary=tuple(nodes))


# -- layout ------------------------------------------------------------------------------

COLUMN_WIDTH = 200
GAP = 60
BOX_PADDING = 8
LINE_HEIGHT = 16
BOX_GAP = 16
HEADER = 32
MARGIN = 8
CHARS_PER_LINE = 24
MAX_LINES = 6
COLUMNS = ("Aim", "Primary drivers", "Secondary drivers", "Change ideas")


def wrap(text: str, width: int = CHARS_PER_LINE, max_lines: int = MAX_LINES) -> tuple[str, ...]:
    """Split ``text`` into lines of at most ``width`` characters; cut with … past ``max_lines``."""
    lines = textwrap.wrap(" ".join(text.split()), width=width, break_long_words=True) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last[: width - 1] if len(last) >= width else last) + "…"
    return tuple(lines)


@dataclass(frozen=True)
class Box:
    key: str
    column: int
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]

    @property
    def left(self) -> tuple[float, float]:
        return (self.x, self.y + self.height / 2)

    @property
    def right(self) -> tuple[float, float]:
        return (self.x + self.width, self.y + self.height / 2)


@dataclass(frozen=True)
class Connector:
    source: str
    target: str
    strength: Strength
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    boxes: tuple[Box, ...]
    connectors: tuple[Connector, ...]
    column_x: tuple[float, ...] = field(default=())

    def box(self, key: str) -> Box:
        for box in self.boxes:
            if box.key == key:
                return box
        raise KeyError(key)


def _box_height(lines: int) -> float:
    return 2 * BOX_PADDING + lines * LINE_HEIGHT


def layout(diagram: Diagram) -> Layout:
    """Positions in four columns: aim | primary | secondary | change ideas."""
    primary, secondary, ideas = drawing_order(diagram)
    column_x = tuple(MARGIN + i * (COLUMN_WIDTH + GAP) for i in range(4))

    def stack(column: int, nodes: tuple[Node, ...]) -> list[Box]:
        boxes = []
        y: float = HEADER
        for node in nodes:
            lines = wrap(node.text)
            if node.measure:
                lines = (*lines, *wrap(f"Measure: {node.measure}", max_lines=2))
            height = _box_height(len(lines))
            boxes.append(Box(node.key, column, column_x[column], y, COLUMN_WIDTH, height, lines))
            y += height + BOX_GAP
        return boxes

    columns = [stack(1, primary), stack(2, secondary), stack(3, ideas)]
    aim_lines = wrap(diagram.aim or "No aim linked yet", max_lines=10)
    aim_height = _box_height(len(aim_lines))
    bottoms = [HEADER + aim_height] + [c[-1].y + c[-1].height for c in columns if c]
    content = max(bottoms) - HEADER
    aim = Box(
        "aim",
        0,
        column_x[0],
        HEADER + (content - aim_height) / 2,
        COLUMN_WIDTH,
        aim_height,
        aim_lines,
    )
    # Centre each shorter column on the tallest.
    centred: list[Box] = [aim]
    for boxes in columns:
        if not boxes:
            continue
        used = boxes[-1].y + boxes[-1].height - HEADER
        shift = (content - used) / 2
        centred.extend(
            Box(b.key, b.column, b.x, b.y + shift, b.width, b.height, b.lines) for b in boxes
        )
    by_key = {box.key: box for box in centred}
    connectors: list[Connector] = []
    for node in primary:
        x1, y1 = by_key[node.key].left
        x2, y2 = aim.right
        connectors.append(Connector(node.key, "aim", Strength.STRONG, x1, y1, x2, y2))
    for link in diagram.links:
        source, target = by_key.get(link.source), by_key.get(link.target)
        if source is None or target is None:
            continue
        x1, y1 = target.left
        x2, y2 = source.right
        connectors.append(Connector(link.source, link.target, link.strength, x1, y1, x2, y2))
    width = column_x[3] + COLUMN_WIDTH + MARGIN
    height = HEADER + content + MARGIN
    return Layout(width, height, tuple(centred), tuple(connectors), column_x)


# -- drawing -----------------------------------------------------------------------------

FILL = {0: "#005eb8", 1: "#e8edee", 2: "#ffffff", 3: "#fff9c4"}
TEXT_COLOUR = {0: "#ffffff", 1: "#212b32", 2: "#212b32", 3: "#212b32"}
STROKE = "#425563"


def _f(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def summary(diagram: Diagram) -> str:
    """One sentence saying what the drawing shows, for its ``<desc>``."""
    strong = sum(1 for link in diagram.links if link.strength == Strength.STRONG)
    weak = len(diagram.links) - strong
    return (
        f"{_plural(len(diagram.primary), 'primary driver')}, "
        f"{_plural(len(diagram.secondary), 'secondary driver')} and "
        f"{_plural(len(diagram.ideas), 'change idea')}, with {_plural(strong, 'strong link')} "
        f"(solid lines) and {_plural(weak, 'weak link')} (dashed lines). "
        "The list that follows gives the same diagram as text."
    )


def to_svg(diagram: Diagram, *, id_prefix: str = "driver-diagram") -> str:
    """The diagram as an accessible SVG: boxes in columns; solid (strong), dashed (weak) lines."""
    plan = layout(diagram)
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    title = f"Driver diagram: {diagram.title}" if diagram.title else "Driver diagram"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="coproduce-driver-diagram" '
        f'viewBox="0 0 {_f(plan.width)} {_f(plan.height)}" width="{_f(plan.width)}" '
        f'height="{_f(plan.height)}" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'focusable="false" font-family="Frutiger W01, Arial, sans-serif" font-size="13">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(summary(diagram))}</desc>',
    ]
    for i, heading in enumerate(COLUMNS):
        x = plan.column_x[i] + COLUMN_WIDTH / 2
        out.append(
            f'<text x="{_f(x)}" y="20" text-anchor="middle" font-weight="bold" '
            f'fill="#212b32">{escape(heading)}</text>'
        )
    for line in plan.connectors:
        dash = ' stroke-dasharray="6 4"' if line.strength == Strength.WEAK else ""
        width = "2" if line.strength == Strength.STRONG else "1.5"
        out.append(
            f'<line class="coproduce-link coproduce-link--{line.strength.value}" '
            f'x1="{_f(line.x1)}" y1="{_f(line.y1)}" x2="{_f(line.x2)}" y2="{_f(line.y2)}" '
            f'stroke="{STROKE}" stroke-width="{width}"{dash}/>'
        )
    for box in plan.boxes:
        fill, colour = FILL[box.column], TEXT_COLOUR[box.column]
        out.append(
            f'<g class="coproduce-node"><rect x="{_f(box.x)}" y="{_f(box.y)}" '
            f'width="{_f(box.width)}" height="{_f(box.height)}" rx="4" fill="{fill}" '
            f'stroke="{STROKE}" stroke-width="1"/>'
        )
        out.append(f'<text x="{_f(box.x + BOX_PADDING)}" fill="{colour}">')
        for n, text in enumerate(box.lines):
            y = box.y + BOX_PADDING + (n + 1) * LINE_HEIGHT - 4
            style = ' font-style="italic"' if text.startswith("Measure: ") else ""
            out.append(
                f'<tspan x="{_f(box.x + BOX_PADDING)}" y="{_f(y)}"{style}>{escape(text)}</tspan>'
            )
        out.append("</text></g>")
    out.append("</svg>")
    return "\n".join(out)


# -- text alternative --------------------------------------------------------------------


@dataclass(frozen=True)
class OutlineItem:
    """One entry of the nested list: ``kind`` is aim, primary, secondary or idea."""

    kind: str
    key: str
    text: str
    strength: Strength | None = None
    measure: str | None = None
    children: tuple[OutlineItem, ...] = ()

    @property
    def kind_label(self) -> str:
        return {
            "aim": "Aim",
            "primary": "Primary driver",
            "secondary": "Secondary driver",
            "idea": "Change idea",
        }[self.kind]


@dataclass(frozen=True)
class Outline:
    aim: OutlineItem
    unlinked: tuple[OutlineItem, ...] = ()  # secondary drivers and ideas not linked to anything


def to_outline(diagram: Diagram) -> Outline:
    """The nested list: aim > primary > secondary > change ideas, with strengths and measures."""
    levels = {
        **{n.key: "primary" for n in diagram.primary},
        **{n.key: "secondary" for n in diagram.secondary},
        **{n.key: "idea" for n in diagram.ideas},
    }

    # Children are listed in the order their column is drawn, so the list reads as the drawing.
    primary, secondary, ideas = drawing_order(diagram)
    order = {node.key: i for i, node in enumerate((*primary, *secondary, *ideas))}

    def item(node: Node, strength: Strength | None, depth: int) -> OutlineItem:
        children: tuple[OutlineItem, ...] = ()
        if depth < 3:
            links = sorted(
                (link for link in diagram.links_from(node.key) if link.target in order),
                key=lambda link: order[link.target],
            )
            children = tuple(
                item(child, link.strength, depth + 1)
                for link in links
                if (child := diagram.node(link.target)) is not None
            )
        return OutlineItem(levels[node.key], node.key, node.text, strength, node.measure, children)

    aim = OutlineItem(
        "aim",
        "aim",
        diagram.aim or "No aim linked yet",
        children=tuple(item(node, None, 1) for node in diagram.primary),
    )
    linked = {link.target for link in diagram.links}
    unlinked = tuple(
        item(node, None, 2)
        for node in (*diagram.secondary, *diagram.ideas)
        if node.key not in linked
    )
    return Outline(aim, unlinked)


# -- snapshots and differences -----------------------------------------------------------


def snapshot(diagram: Diagram) -> dict[str, Any]:
    """A JSON-ready copy of the whole diagram, to store as a version."""

    def nodes(items: tuple[Node, ...]) -> list[dict[str, Any]]:
        return [{"key": n.key, "text": n.text, "measure": n.measure} for n in items]

    return {
        "format": SNAPSHOT_FORMAT,
        "title": diagram.title,
        "aim": diagram.aim,
        "primary": nodes(diagram.primary),
        "secondary": nodes(diagram.secondary),
        "ideas": nodes(diagram.ideas),
        "links": [
            {"source": link.source, "target": link.target, "strength": link.strength.value}
            for link in diagram.links
        ],
    }


def from_snapshot(data: Mapping[str, Any]) -> Diagram:
    def nodes(items: Iterable[Mapping[str, Any]]) -> tuple[Node, ...]:
        return tuple(Node(str(n["key"]), str(n["text"]), n.get("measure")) for n in items)

    return Diagram(
        aim=str(data.get("aim", "")),
        title=str(data.get("title", "")),
        primary=nodes(data.get("primary", [])),
        secondary=nodes(data.get("secondary", [])),
        ideas=nodes(data.get("ideas", [])),
        links=tuple(
            Link(str(link["source"]), str(link["target"]), Strength(link["strength"]))
            for link in data.get("links", [])
        ),
    )


@dataclass(frozen=True)
class Change:
    """One difference between two versions. ``kind`` names it, ``text`` says it in words."""

    kind: str
    text: str


NODE_LABELS = {"primary": "primary driver", "secondary": "secondary driver", "idea": "change idea"}


def _reordered(
    label: str, before: list[str], after: list[str], nodes: Mapping[str, Node]
) -> str | None:
    """How the drivers that are in both versions changed order, in words (``None`` if not)."""
    if before == after:
        return None
    changed = [i for i, (was, now) in enumerate(zip(before, after, strict=True)) if was != now]
    if len(changed) == 2:  # one driver swapped with another: the usual move up or down
        first, second = (nodes[after[i]].text for i in changed)
        return f"Moved {label} “{first}” above “{second}”"
    order = ", ".join(f"“{nodes[key].text}”" for key in after)
    return f"Put the {label}s in a new order: {order}"


def diff(old: Diagram, new: Diagram) -> tuple[Change, ...]:
    """What changed from ``old`` to ``new``: drivers added, removed, renamed or re-measured;
    links added, removed or changed in strength; the aim and title changed."""
    changes: list[Change] = []
    if old.title != new.title:
        changes.append(
            Change("title_changed", f"Renamed the diagram from “{old.title}” to “{new.title}”")
        )
    if old.aim != new.aim:
        changes.append(Change("aim_changed", f"Changed the aim to “{new.aim or 'none'}”"))
    for attr, kind in (("primary", "primary"), ("secondary", "secondary"), ("ideas", "idea")):
        label = NODE_LABELS[kind]
        before = {n.key: n for n in getattr(old, attr)}
        after = {n.key: n for n in getattr(new, attr)}
        for key, node in after.items():
            if key not in before:
                changes.append(Change(f"{kind}_added", f"Added {label} “{node.text}”"))
                continue
            was = before[key]
            if was.text != node.text:
                changes.append(
                    Change(f"{kind}_renamed", f"Renamed {label} “{was.text}” to “{node.text}”")
                )
            if was.measure != node.measure:
                if node.measure:
                    text = f"Measured {label} “{node.text}” by {node.measure}"
                else:
                    text = f"Removed the measure of {label} “{node.text}”"
                changes.append(Change(f"{kind}_measure_changed", text))
        for key, node in before.items():
            if key not in after:
                changes.append(Change(f"{kind}_removed", f"Removed {label} “{node.text}”"))
        if kind != IDEA:  # change ideas are drawn in their own (alphabetical) order
            moved = _reordered(
                label, [k for k in before if k in after], [k for k in after if k in before], after
            )
            if moved is not None:
                changes.append(Change(f"{kind}_reordered", moved))

    def name(diagram: Diagram, key: str) -> str:
        node = diagram.node(key)
        return f"“{node.text}”" if node else key

    before_links = {(link.source, link.target): link for link in old.links}
    after_links = {(link.source, link.target): link for link in new.links}
    for pair, link in after_links.items():
        was_link = before_links.get(pair)
        ends = f"{name(new, link.source)} to {name(new, link.target)}"
        if was_link is None:
            changes.append(Change("link_added", f"Linked {ends} ({link.strength.value})"))
        elif was_link.strength != link.strength:
            changes.append(
                Change(
                    "link_strength_changed",
                    f"Made the link from {ends} {link.strength.value} "
                    f"(was {was_link.strength.value})",
                )
            )
    for pair, link in before_links.items():
        if pair not in after_links:
            ends = f"{name(old, link.source)} to {name(old, link.target)}"
            changes.append(Change("link_removed", f"Unlinked {ends}"))
    return tuple(changes)


def describe(changes: Iterable[Change], *, limit: int = 300) -> str:
    """The changes as one short description, e.g. for a version's list entry."""
    texts = [change.text for change in changes]
    if not texts:
        return "No changes"
    text = "; ".join(texts)
    return text if len(text) <= limit else text[: limit - 1] + "…"

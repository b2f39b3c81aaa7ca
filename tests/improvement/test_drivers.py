"""Driver diagrams in the pure core: layout, SVG, the text alternative, snapshots and diffs."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET

import pytest

from coproduce.improvement.drivers import (
    CannotMove,
    Diagram,
    Link,
    Node,
    Strength,
    describe,
    diff,
    drawing_order,
    drawn_under,
    from_snapshot,
    layout,
    move,
    problems,
    siblings,
    snapshot,
    summary,
    to_outline,
    to_svg,
    wrap,
)

SVG = "{http://www.w3.org/2000/svg}"


def sample() -> Diagram:
    return Diagram(
        title="Fewer missed appointments",
        aim="Reduce missed appointments from 18% to 9% by 31 March 2027 for families",
        primary=(
            Node("driver:1", "Reliable booking", "Booking errors"),
            Node("driver:2", "Families know why it matters"),
        ),
        secondary=(
            Node("driver:3", "Reminders that reach people", "Reminders delivered"),
            Node("driver:4", "Times that suit families"),
        ),
        ideas=(Node("idea:9", "Text reminders"), Node("idea:8", "Evening clinics")),
        links=(
            Link("driver:1", "driver:3", Strength.STRONG),
            Link("driver:2", "driver:3", Strength.WEAK),
            Link("driver:1", "driver:4", Strength.STRONG),
            Link("driver:3", "idea:9", Strength.STRONG),
            Link("driver:4", "idea:8", Strength.WEAK),
            Link("driver:3", "idea:8", Strength.WEAK),
        ),
    )


def test_layout_puts_each_level_in_its_column_without_overlaps() -> None:
    plan = layout(sample())
    columns = {box.key: box.column for box in plan.boxes}
    assert columns == {
        "aim": 0,
        "driver:1": 1,
        "driver:2": 1,
        "driver:3": 2,
        "driver:4": 2,
        "idea:9": 3,
        "idea:8": 3,
    }
    for column in range(4):
        boxes = sorted((b for b in plan.boxes if b.column == column), key=lambda b: b.y)
        for upper, lower in itertools.pairwise(boxes):
            assert upper.y + upper.height <= lower.y
    assert all(b.x + b.width <= plan.width and b.y + b.height <= plan.height for b in plan.boxes)
    # One connector from each primary driver to the aim, plus one per link.
    assert len(plan.connectors) == 2 + 6
    assert {c.strength for c in plan.connectors if c.source == "driver:2"} == {
        Strength.STRONG,  # to the aim
        Strength.WEAK,
    }


def test_layout_orders_lower_columns_by_their_parents_to_reduce_crossings() -> None:
    diagram = Diagram(
        aim="a",
        primary=(Node("driver:1", "P1"), Node("driver:2", "P2")),
        secondary=(Node("driver:3", "Under P2"), Node("driver:4", "Under P1")),
        links=(Link("driver:2", "driver:3"), Link("driver:1", "driver:4")),
    )
    plan = layout(diagram)
    assert plan.box("driver:4").y < plan.box("driver:3").y


def test_an_empty_diagram_still_draws_its_aim() -> None:
    plan = layout(Diagram(aim=""))
    assert [b.key for b in plan.boxes] == ["aim"]
    assert plan.box("aim").lines == ("No aim linked yet",)


def test_wrap_fits_long_text_and_cuts_it_with_an_ellipsis() -> None:
    assert wrap("Reliable booking for every family", width=12) == (
        "Reliable",
        "booking for",
        "every family",
    )
    lines = wrap("word " * 100, width=10, max_lines=3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(len(line) <= 10 for line in lines)
    assert wrap("") == ("",)


def test_svg_is_accessible_and_draws_weak_links_dashed() -> None:
    svg = to_svg(sample(), id_prefix="d1")
    root = ET.fromstring(svg)  # noqa: S314
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "d1-title d1-desc"
    assert root.find(f"{SVG}title").text == "Driver diagram: Fewer missed appointments"
    desc = root.find(f"{SVG}desc").text
    assert "2 primary drivers, 2 secondary drivers and 2 change ideas" in desc
    assert "3 strong links (solid lines) and 3 weak links (dashed lines)" in desc
    lines = root.findall(f"{SVG}line")
    assert len(lines) == 8
    dashed = [line for line in lines if line.get("stroke-dasharray")]
    assert len(dashed) == 3
    assert all("coproduce-link--weak" in line.get("class", "") for line in dashed)
    text = " ".join(t.text or "" for t in root.iter(f"{SVG}tspan"))
    assert "Reliable booking" in text and "Measure: Booking errors" in text
    assert " style=" not in svg and "<script" not in svg


def test_svg_escapes_what_people_typed() -> None:
    diagram = Diagram(
        aim="<script>alert(1)</script>", title='"&', primary=(Node("driver:1", "Tom & Jerry <b>"),)
    )
    svg = to_svg(diagram)
    assert "<script>" not in svg and "<b>" not in svg
    assert "Tom &amp; Jerry &lt;b&gt;" in svg
    ET.fromstring(svg)  # noqa: S314 (still well-formed)


def test_outline_nests_aim_primary_secondary_ideas_with_strength_and_measure() -> None:
    outline = to_outline(sample())
    assert outline.aim.kind == "aim"
    booking, families = outline.aim.children
    assert (booking.text, booking.measure, booking.strength) == (
        "Reliable booking",
        "Booking errors",
        None,
    )
    assert [(c.text, c.strength) for c in booking.children] == [
        ("Reminders that reach people", Strength.STRONG),
        ("Times that suit families", Strength.STRONG),
    ]
    assert [(c.text, c.strength) for c in families.children] == [
        ("Reminders that reach people", Strength.WEAK)
    ]
    reminders = booking.children[0]
    assert [(c.kind, c.text, c.strength) for c in reminders.children] == [
        ("idea", "Text reminders", Strength.STRONG),
        ("idea", "Evening clinics", Strength.WEAK),
    ]
    assert outline.unlinked == ()


def test_outline_lists_what_is_not_linked_yet() -> None:
    diagram = Diagram(
        aim="a",
        secondary=(Node("driver:5", "Orphan"),),
        ideas=(Node("idea:1", "Loose idea"),),
    )
    assert [item.text for item in to_outline(diagram).unlinked] == ["Orphan", "Loose idea"]


def test_snapshot_round_trips_through_json() -> None:
    diagram = sample()
    data = json.loads(json.dumps(snapshot(diagram)))
    assert data["format"] == 1
    assert from_snapshot(data) == diagram


def test_diff_names_drivers_added_removed_renamed_and_link_changes() -> None:
    old = sample()
    new = Diagram(
        title=old.title,
        aim=old.aim,
        primary=(Node("driver:1", "Booking that works", "Booking errors"),),
        secondary=(*old.secondary, Node("driver:7", "Transport")),
        ideas=old.ideas,
        links=(
            Link("driver:1", "driver:3", Strength.WEAK),
            Link("driver:1", "driver:4", Strength.STRONG),
            Link("driver:1", "driver:7", Strength.STRONG),
            Link("driver:3", "idea:9", Strength.STRONG),
            Link("driver:4", "idea:8", Strength.WEAK),
            Link("driver:3", "idea:8", Strength.WEAK),
        ),
    )
    changes = diff(old, new)
    kinds = [change.kind for change in changes]
    assert sorted(kinds) == sorted(
        [
            "primary_renamed",
            "primary_removed",
            "secondary_added",
            "link_strength_changed",
            "link_added",
            "link_removed",
        ]
    )
    texts = [change.text for change in changes]
    assert "Renamed primary driver “Reliable booking” to “Booking that works”" in texts
    assert "Removed primary driver “Families know why it matters”" in texts
    assert "Added secondary driver “Transport”" in texts
    assert (
        "Made the link from “Booking that works” to “Reminders that reach people” weak "
        "(was strong)" in texts
    )
    assert "Unlinked “Families know why it matters” to “Reminders that reach people”" in texts
    assert diff(old, old) == ()


def test_diff_notices_measures_aim_and_title() -> None:
    old = Diagram(aim="a", title="t", primary=(Node("driver:1", "P"),))
    new = Diagram(aim="b", title="u", primary=(Node("driver:1", "P", "Waits"),))
    assert [c.kind for c in diff(old, new)] == [
        "title_changed",
        "aim_changed",
        "primary_measure_changed",
    ]
    assert [c.text for c in diff(new, old)][-1] == "Removed the measure of primary driver “P”"


def test_describe_joins_and_shortens() -> None:
    changes = diff(Diagram(aim="a"), sample())
    assert describe(()) == "No changes"
    text = describe(changes, limit=80)
    assert len(text) == 80 and text.endswith("…")


def test_problems_give_ihi_advice() -> None:
    assert problems(Diagram(aim="a")) == ["Add the primary drivers: what most influences the aim"]
    one = Diagram(aim="a", primary=(Node("driver:1", "P", "m"),))
    assert problems(one) == [
        "Only one primary driver: most aims have 2 to 5",
        "The primary driver “P” has no secondary drivers yet",
    ]
    found = problems(sample())
    assert "2 drivers without a measure" in found
    assert (
        "The primary driver “Families know why it matters” has no secondary drivers yet"
        not in found
    )
    many = Diagram(aim="a", primary=tuple(Node(f"driver:{i}", f"P{i}", "m") for i in range(6)))
    assert "More than 5 primary drivers: consider grouping some of them" in problems(many)


def test_the_description_counts_in_the_singular_and_the_plural() -> None:
    one = Diagram(
        aim="a",
        primary=(Node("driver:1", "P"),),
        secondary=(Node("driver:2", "S"),),
        ideas=(Node("idea:1", "I"),),
        links=(Link("driver:1", "driver:2"), Link("driver:2", "idea:1")),
    )
    assert summary(one).startswith(
        "1 primary driver, 1 secondary driver and 1 change idea, with 2 strong links "
        "(solid lines) and 0 weak links (dashed lines)."
    )


def grouped() -> Diagram:
    """Two primary drivers; secondary drivers 3 and 5 under P1 (5 also serves P2, weakly),
    4 under P2, 6 not linked; the column's own order is 3, 4, 5, 6."""
    return Diagram(
        aim="a",
        primary=(Node("driver:1", "P1"), Node("driver:2", "P2")),
        secondary=(
            Node("driver:3", "S3"),
            Node("driver:4", "S4"),
            Node("driver:5", "S5"),
            Node("driver:6", "S6"),
        ),
        ideas=(Node("idea:1", "Idea"),),
        links=(
            Link("driver:2", "driver:5", Strength.WEAK),
            Link("driver:1", "driver:3"),
            Link("driver:2", "driver:4"),
            Link("driver:1", "driver:5"),
            Link("driver:5", "idea:1"),
        ),
    )


def test_secondary_drivers_are_drawn_under_their_highest_primary_driver() -> None:
    diagram = grouped()
    assert drawn_under(diagram) == {
        "driver:3": "driver:1",
        "driver:4": "driver:2",
        "driver:5": "driver:1",  # P1 is above P2, though the link from P2 came first
    }
    _, secondary, _ = drawing_order(diagram)
    assert [n.key for n in secondary] == ["driver:3", "driver:5", "driver:4", "driver:6"]
    plan = layout(diagram)
    ys = [plan.box(key).y for key in ("driver:3", "driver:5", "driver:4", "driver:6")]
    assert ys == sorted(ys)


def test_a_driver_moves_among_its_siblings_only() -> None:
    diagram = grouped()
    assert siblings(diagram, "driver:1") == ("driver:1", "driver:2")
    assert siblings(diagram, "driver:5") == ("driver:3", "driver:5")
    assert siblings(diagram, "driver:4") == ("driver:4",)
    assert siblings(diagram, "driver:6") == ("driver:6",)
    with pytest.raises(KeyError):
        siblings(diagram, "idea:1")

    # S5 moves up past S3 (its sibling under P1), not past S4 (under P2).
    moved = move(diagram, "driver:5", up=True)
    assert [n.key for n in moved.secondary] == ["driver:5", "driver:4", "driver:3", "driver:6"]
    assert [n.key for n in drawing_order(moved)[1]] == [
        "driver:5",
        "driver:3",
        "driver:4",
        "driver:6",
    ]
    assert move(moved, "driver:5", up=False) == diagram
    # The drawing and the list follow the new order.
    assert layout(moved).box("driver:5").y < layout(moved).box("driver:3").y
    p1 = to_outline(moved).aim.children[0]
    assert [child.text for child in p1.children] == ["S5", "S3"]

    swapped = move(diagram, "driver:2", up=True)
    assert [n.text for n in swapped.primary] == ["P2", "P1"]
    assert swapped.secondary == diagram.secondary and swapped.links == diagram.links
    for key, up in (
        ("driver:1", True),
        ("driver:2", False),
        ("driver:4", True),
        ("driver:3", True),
    ):
        with pytest.raises(CannotMove):
            move(diagram, key, up=up)


def test_diff_says_which_driver_moved() -> None:
    diagram = grouped()
    assert [c.text for c in diff(diagram, move(diagram, "driver:2", up=True))] == [
        "Moved primary driver “P2” above “P1”"
    ]
    assert [(c.kind, c.text) for c in diff(diagram, move(diagram, "driver:5", up=True))] == [
        ("secondary_reordered", "Moved secondary driver “S5” above “S3”")
    ]
    three = Diagram(aim="a", primary=tuple(Node(f"driver:{i}", f"P{i}") for i in (1, 2, 3)))
    rotated = Diagram(aim="a", primary=(three.primary[2], three.primary[0], three.primary[1]))
    assert [c.text for c in diff(three, rotated)] == [
        "Put the primary drivers in a new order: “P3”, “P1”, “P2”"
    ]
    # Adding or removing a driver is not a new order of the others.
    fewer = Diagram(aim="a", primary=(three.primary[0], three.primary[2]))
    assert [c.kind for c in diff(three, fewer)] == ["primary_removed"]
    # A moved driver survives the snapshot.
    moved = move(diagram, "driver:5", up=True)
    assert from_snapshot(json.loads(json.dumps(snapshot(moved)))) == moved


def test_the_list_follows_the_drawing_order_not_the_order_links_were_made() -> None:
    diagram = Diagram(
        aim="a",
        primary=(Node("driver:1", "P"),),
        secondary=(Node("driver:2", "First"), Node("driver:3", "Second")),
        links=(Link("driver:1", "driver:3"), Link("driver:1", "driver:2")),
    )
    assert [c.text for c in to_outline(diagram).aim.children[0].children] == ["First", "Second"]

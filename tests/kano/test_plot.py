"""The Better-Worse diagram as data and as a Vega-Lite spec."""

from __future__ import annotations

import pytest

from coproduce.kano import (
    Category,
    KanoAnswer,
    KanoResponse,
    analyse,
    better_worse_points,
    vegalite_spec,
)

L, MB, N, LW, D = KanoAnswer

ROWS = [
    KanoResponse("p1", "Parking", N, D, segment="patients"),
    KanoResponse("p2", "Parking", N, D, segment="patients"),
    KanoResponse("s1", "Parking", L, N, segment="staff"),
    KanoResponse("p1", "Wifi", L, N, segment="patients"),
    KanoResponse("s1", "Wifi", D, L, segment="staff"),  # R only: no point for staff
]


def test_overall_points_are_labelled_by_attribute() -> None:
    points = better_worse_points(analyse(ROWS))
    assert [p.label for p in points] == ["Parking", "Wifi"]
    parking = points[0]
    assert parking.better == pytest.approx(1 / 3)
    assert parking.dissatisfaction == pytest.approx(2 / 3)
    assert parking.worse == pytest.approx(-2 / 3)
    assert parking.quadrant == Category.M and parking.category == Category.M


def test_segment_points_skip_undefined_coefficients() -> None:
    points = better_worse_points(analyse(ROWS), segments=["patients", "staff"])
    assert [p.label for p in points] == ["Parking (patients)", "Wifi (patients)", "Parking (staff)"]
    with pytest.raises(KeyError):
        better_worse_points(analyse(ROWS), segments=["visitors"])


def test_vegalite_spec_carries_every_point_and_the_quadrant_lines() -> None:
    points = better_worse_points(analyse(ROWS), segments=["patients", "staff"])
    spec = vegalite_spec(points, title="Outpatients")
    assert spec["$schema"].endswith("vega-lite/v5.json")
    assert [v["label"] for v in spec["data"]["values"]] == [p.label for p in points]
    assert spec["layer"][0]["encoding"]["x"]["datum"] == 0.5
    assert spec["layer"][2]["encoding"]["color"]["field"] == "segment"
    assert spec["title"] == "Outpatients"

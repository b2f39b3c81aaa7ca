"""The co-production profile on a small project worked through by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.participation.flags import FlagCode
from coproduce.participation.ladders import ActivityKind, Role, Rung
from coproduce.participation.profile import (
    coproduction_profile,
    influence,
    planned_vs_achieved,
    round_hours,
    row_label,
    rung_role_tables,
)
from coproduce.participation.records import Attendance, Outcome
from coproduce.participation.validation import ParticipationInputError

from .builders import activity, attend, contribution, decision

TODAY = dt.date(2026, 3, 10)

ACTIVITIES = [
    activity(
        "A1",
        date=dt.date(2026, 1, 10),
        labelled="Co-production workshop",
        planned=Rung.CONSULTATION,
        achieved=Rung.CONSULTATION,
        attendance=(
            attend("p1", Role.PATIENT, 2),
            attend("p2", Role.PATIENT, 2),
            attend("c1", Role.CARER, Decimal("1.5")),
            attend("s1", Role.STAFF, 2),
        ),
    ),
    activity(
        "A2",
        date=dt.date(2026, 2, 1),
        kind=ActivityKind.CO_DESIGN_GROUP,
        planned=Rung.CO_DESIGN,
        achieved=Rung.ENGAGEMENT,
        attendance=(
            attend("p1", Role.PATIENT, 3),
            attend("p3", Role.PATIENT, 3),
            attend("s1", Role.STAFF, 3),
            attend("s2", Role.STAFF, Decimal("2.25")),
        ),
    ),
    activity(
        "A3",
        date=dt.date(2026, 2, 20),
        kind=ActivityKind.EVENT,
        planned=Rung.CO_PRODUCTION,
        achieved=Rung.CO_DESIGN,
        attendance=(
            attend("p4", Role.PATIENT, 1),
            attend("p5", Role.PATIENT, 1),
            attend("c1", Role.CARER, 1),
            attend("s1", Role.STAFF, 1),
        ),
    ),
    activity(
        "A4",
        date=dt.date(2026, 3, 1),
        kind=ActivityKind.PDSA_TEST,
        planned=Rung.ENGAGEMENT,
        achieved=None,
        attendance=(attend("p1", Role.PATIENT, 0.5), attend("s3", Role.STAFF, 0.5)),
    ),
    activity(
        "A5",
        date=dt.date(2026, 3, 2),
        planned=Rung.CONSULTATION,
        achieved=Rung.ENGAGEMENT,
        attendance=(attend("s1", Role.STAFF, 1),),
    ),
]

CONTRIBUTIONS = [
    contribution(
        "C1",
        "p1",
        date=dt.date(2026, 1, 10),
        activity_id="A1",
        outcome=Outcome.CHANGED,
        fed_back_on=dt.date(2026, 1, 20),
    ),
    contribution(
        "C2",
        "p2",
        date=dt.date(2026, 1, 10),
        activity_id="A1",
        outcome=Outcome.NOT_TAKEN_FORWARD,
        reason="Costs more than the budget allows",
    ),
    contribution(
        "C3",
        "p3",
        date=dt.date(2026, 2, 1),
        activity_id="A2",
        outcome=Outcome.NOT_TAKEN_FORWARD,
        fed_back_on=dt.date(2026, 2, 10),
    ),
    contribution("C4", "p4", date=dt.date(2026, 3, 1), fed_back_on=dt.date(2026, 3, 2)),
    contribution(
        "C5",
        "p1",
        date=dt.date(2026, 2, 20),
        outcome=Outcome.CHANGED,
        fed_back_on=dt.date(2026, 3, 1),
    ),
]

DECISIONS = [decision("D1", Role.PATIENT, Role.STAFF), decision("D2", Role.STAFF)]


def test_hours_by_rung_and_role() -> None:
    hours, _ = rung_role_tables(ACTIVITIES)
    assert hours.rows == (*Rung, None)
    assert row_label(None) == "Not yet assessed"
    assert hours.cell(Rung.CONSULTATION, Role.PATIENT) == Decimal("4.0")
    assert hours.cell(Rung.CONSULTATION, Role.CARER) == Decimal("1.5")
    # Engagement: A2 and A5. Staff 3 + 2.25 + 1 = 6.25, rounded half up to 6.3.
    assert hours.cell(Rung.ENGAGEMENT, Role.PATIENT) == Decimal("6.0")
    assert hours.cell(Rung.ENGAGEMENT, Role.STAFF) == Decimal("6.3")
    assert hours.row_total(Rung.ENGAGEMENT) == Decimal("12.3")  # 12.25
    assert hours.cell(None, Role.PATIENT) == Decimal("0.5")
    assert hours.cell(Rung.COERCION, Role.PATIENT) == Decimal("0.0")
    assert hours.col_total(Role.PATIENT) == Decimal("12.5")
    assert hours.col_total(Role.STAFF) == Decimal("9.8")  # 9.75
    assert hours.total == Decimal("24.8")  # 24.75


def test_activity_counts_by_rung_and_role() -> None:
    _, counts = rung_role_tables(ACTIVITIES)
    assert counts.cell(Rung.ENGAGEMENT, Role.STAFF) == 2  # A2 and A5
    assert counts.cell(Rung.ENGAGEMENT, Role.PATIENT) == 1
    # An activity with patients and staff counts once in its row.
    assert counts.row_total(Rung.ENGAGEMENT) == 2
    assert counts.row_total(Rung.CONSULTATION) == 1
    assert counts.col_total(Role.STAFF) == 5
    assert counts.col_total(Role.CARER) == 2
    assert counts.col_total(Role.VOLUNTEER) == 0
    assert counts.total == 5


def test_the_not_assessed_row_appears_only_when_needed() -> None:
    hours, _ = rung_role_tables(ACTIVITIES[:3])
    assert None not in hours.rows


def test_planned_against_achieved() -> None:
    result = planned_vs_achieved(ACTIVITIES)
    # Gaps: A1 0, A2 -1, A3 -1, A5 +1; A4 not assessed.
    assert (result.below, result.equal, result.above, result.not_assessed) == (2, 1, 1, 1)
    assert result.mean_gap == pytest.approx(-0.25)
    assert result.fell_short == ("A2", "A3")
    assert planned_vs_achieved([activity("A", achieved=None)]).mean_gap is None


def test_influence_shares_with_wilson_intervals() -> None:
    found = influence(CONTRIBUTIONS)
    assert (found.total, found.changed, found.not_taken_forward) == (5, 2, 2)
    # C3 was not taken forward without a reason, so it is not a response.
    assert found.not_taken_forward_with_reason == 1
    assert found.responded == 3
    assert found.pending == 1
    assert found.changed_share is not None and found.responded_share is not None
    # Wilson 95% for 2/5: (0.1176, 0.7693); for 3/5: (0.2307, 0.8824), its mirror image.
    assert found.changed_share.estimate == 0.4
    assert round(found.changed_share.low, 4) == 0.1176
    assert round(found.changed_share.high, 4) == 0.7693
    assert round(found.responded_share.low, 4) == 0.2307
    assert round(found.responded_share.high, 4) == 0.8824
    assert influence([]).changed_share is None


def test_the_profile_brings_it_together() -> None:
    profile = coproduction_profile(ACTIVITIES, DECISIONS, CONTRIBUTIONS, today=TODAY)
    assert profile.hours.total == Decimal("24.8")
    assert profile.planned_vs_achieved.fell_short == ("A2", "A3")
    # People: patients 5, carers 1, staff 3, others 0. Carers, staff and the zeros add up to
    # 4, so the smallest other cell (patients, 5) is hidden as well; the total 9 is safe.
    assert {role: c.shown for role, c in profile.people.items()} == {
        Role.PATIENT: "[c]",
        Role.CARER: "<5",
        Role.STAFF: "<5",
        Role.VOLUNTEER: "<5",
        Role.COMMUNITY: "<5",
        Role.FACILITATOR: "<5",
    }
    assert profile.people_total.shown == "9"
    assert [f.code for f in profile.flags] == [
        FlagCode.CONSULTATION_LABELLED_COPRODUCTION,
        FlagCode.DECISIONS_WITHOUT_LIVED_EXPERIENCE,
        FlagCode.CONTRIBUTIONS_WITHOUT_FEEDBACK,
    ]
    feedback = profile.flags[2]
    # C2 was made on 10 January and never fed back: 59 days by 10 March.
    assert feedback.explanation == (
        "1 contribution has had no feedback after more than 30 days; "
        "the oldest was made 59 days ago."
    )
    # Six patients and carers; the most active (p1, 2 of 5 contributions) gave 40%.
    assert profile.voices.people.shown == "6"
    assert profile.voices.top_contribution_share == pytest.approx(0.4)


def test_someone_in_two_roles_counts_once_in_the_total() -> None:
    people = [attend(f"p{i}") for i in range(6)] + [attend(f"s{i}", Role.STAFF) for i in range(6)]
    both = [*people, Attendance("p0", Role.CARER, 1)]
    more = [attend(f"c{i}", Role.CARER) for i in range(5)]
    profile = coproduction_profile(
        [activity("A1", attendance=tuple(both + more))], [], [], today=TODAY
    )
    assert profile.people[Role.CARER].shown == "6"  # p0 and c0–c4
    assert profile.people_total.shown == "17"  # 6 + 6 + 5 distinct people


def test_negative_hours_are_refused_on_the_record() -> None:
    with pytest.raises(ParticipationInputError):
        Attendance("p1", Role.PATIENT, -1)


def test_hours_round_half_up() -> None:
    assert round_hours(Decimal("2.25")) == Decimal("2.3")
    assert round_hours(Decimal("2.35")) == Decimal("2.4")


@given(
    st.lists(st.tuples(st.integers(0, 30), st.sampled_from(list(Role))), min_size=0, max_size=60)
)
def test_no_people_count_under_five_is_shown(parts: list[tuple[int, Role]]) -> None:
    attendance = tuple(Attendance(f"x{pid}", role, 1) for pid, role in parts)
    profile = coproduction_profile(
        [activity("A1", attendance=attendance)] if attendance else [], [], [], today=TODAY
    )
    shown = [*profile.people.values(), profile.people_total, profile.voices.people]
    assert all(count.value is None or count.value >= 5 for count in shown)
    assert all(count.shown in {"<5", "[c]"} or int(count.shown) >= 5 for count in shown)

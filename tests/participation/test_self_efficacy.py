"""The confidence check-in: answers, who needs support, and summaries that hide small groups."""

from __future__ import annotations

import pytest

from coproduce.participation.ladders import Role
from coproduce.participation.self_efficacy import (
    ITEMS,
    SCALE,
    Checkin,
    CheckinItem,
    SupportKind,
    check_answers,
    needs_support,
    scale_values,
    summarise_checkins,
)
from coproduce.participation.validation import ParticipationInputError


def test_four_statements_on_a_five_point_scale() -> None:
    assert [item.key for item in ITEMS] == ["speak_up", "know_how", "listened_to", "know_outcome"]
    assert all(item.text.startswith("I ") and item.text_other.startswith("They ") for item in ITEMS)
    assert scale_values() == (1, 2, 3, 4, 5)
    assert SCALE[0] == (1, "Strongly disagree")
    assert SupportKind.EXPENSES_IN_ADVANCE.label == "Expenses paid in advance"


def test_one_disagree_is_enough_to_offer_support() -> None:
    assert needs_support({"speak_up": 2, "know_how": 5, "listened_to": 5})
    assert needs_support({"know_outcome": 1})
    # Boundary: "neither agree nor disagree" does not call for support on its own.
    assert not needs_support({"speak_up": 3, "know_how": 3, "listened_to": 4, "know_outcome": 5})
    assert needs_support({"speak_up": 3}, low=3)


def test_answers_outside_the_scale_or_unknown_items_are_refused() -> None:
    with pytest.raises(ParticipationInputError) as caught:
        check_answers({"speak_up": 6})
    assert caught.value.field == "speak_up"
    with pytest.raises(ParticipationInputError):
        check_answers({"speak_up": 0})
    with pytest.raises(ParticipationInputError, match="not a check-in question"):
        check_answers({"mood": 3})
    with pytest.raises(ParticipationInputError, match="at least one"):
        check_answers({})


def test_groups_under_five_are_not_shown() -> None:
    patients = [Checkin(Role.PATIENT, {"speak_up": v, "know_how": 4}) for v in (1, 2, 4, 5, 5, 4)]
    carers = [Checkin(Role.CARER, {"speak_up": 3}) for _ in range(3)]
    summary = summarise_checkins(patients + carers)
    by_role = {group.role: group for group in summary.by_role}
    patient = by_role[Role.PATIENT]
    assert patient.shown
    speak_up = patient.items[0]
    assert speak_up.item is CheckinItem.SPEAK_UP
    # 1, 2, 4, 5, 5, 4: mean 21/6 = 3.5. Agree (4–5) is 4 people and disagree (1–2) 2, both
    # under 5: as shares of 6 answers, 67% and 33% would give those counts away.
    assert speak_up.mean == pytest.approx(3.5)
    assert speak_up.agree_share is None and speak_up.disagree_share is None
    # Two patients gave a 1 or 2: fewer than 5, hidden.
    assert patient.needing_support is not None and patient.needing_support.shown == "<5"
    # Items nobody answered in the group are hidden too.
    assert patient.items[2].answers.shown == "<5" and patient.items[2].mean is None
    carer = by_role[Role.CARER]
    assert not carer.shown and carer.items == () and carer.checkins.shown == "<5"
    # Carers (3) and the empty roles hide 3 between them, so patients (6) are hidden as well;
    # so is the number of patients' answers to an item, which would be the same 6.
    assert patient.checkins.shown == "[c]"
    assert speak_up.answers.shown == "[c]" and patient.items[1].answers.shown == "[c]"
    assert summary.everyone.checkins.shown == "9"
    # Everyone: speak_up answered by all 9: (21 + 9)/9.
    assert summary.everyone.items[0].mean == pytest.approx(30 / 9)
    assert summary.everyone.items[1].answers.shown == "6"


def test_a_share_is_given_only_where_its_count_could_be_shown() -> None:
    # 15 patients: speak_up 6 agree, 4 neither, 5 disagree. "Neither" (4) is hidden, and so
    # is the next smallest, "disagree" (5): beside 15 answers, 6 and 4 would give it away.
    values = [5] * 6 + [3] * 4 + [1] * 5
    patients = [Checkin(Role.PATIENT, {"speak_up": v}) for v in values]
    speak_up = summarise_checkins(patients).everyone.items[0]
    assert speak_up.answers.shown == "15"
    assert speak_up.agree_share == pytest.approx(6 / 15)
    assert speak_up.disagree_share is None
    # 5 in each: every count is 5 or more, so both shares are shown.
    even = [Checkin(Role.PATIENT, {"speak_up": v}) for v in [4] * 5 + [3] * 5 + [2] * 5]
    item = summarise_checkins(even).everyone.items[0]
    assert (item.agree_share, item.disagree_share) == (pytest.approx(1 / 3), pytest.approx(1 / 3))


def test_needing_support_is_hidden_when_those_who_do_not_are_few() -> None:
    # 7 check-ins, 6 with a "disagree": 6 beside 7 check-ins would show that 1 does not.
    values = [2] * 6 + [4]
    group = summarise_checkins([Checkin(Role.PATIENT, {"speak_up": v}) for v in values]).everyone
    assert group.checkins.shown == "7"
    assert group.needing_support is not None and group.needing_support.value is None
    # 10 check-ins, 5 with a "disagree" and 5 without: both sides can be shown.
    values = [1] * 5 + [5] * 5
    group = summarise_checkins([Checkin(Role.PATIENT, {"speak_up": v}) for v in values]).everyone
    assert group.needing_support is not None and group.needing_support.shown == "5"

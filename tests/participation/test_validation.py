"""Input checks: hours, attendance and consent, each refused with a reason and a field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coproduce.participation.validation import (
    ConsentRecord,
    ConsentStatus,
    ParticipationInputError,
    check_attendance,
    check_consent,
    check_hours,
)

DAY = dt.date(2026, 3, 2)


def test_hours_come_back_as_decimals() -> None:
    assert check_hours(2.5) == Decimal("2.5")
    assert check_hours("0.1") == Decimal("0.1")
    assert check_hours(0.1) == Decimal("0.1")  # not 0.1000000000000000055…
    assert check_hours(12) == Decimal(12)  # the limit itself is allowed


def test_negative_hours_are_refused() -> None:
    with pytest.raises(ParticipationInputError, match="cannot be negative") as caught:
        check_hours(-1)
    assert caught.value.field == "hours"


def test_more_than_twelve_hours_in_one_activity_is_refused() -> None:
    with pytest.raises(ParticipationInputError, match="more than 12 hours"):
        check_hours(Decimal("12.5"))
    assert check_hours(14, max_hours=16) == Decimal(14)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "two", True])
def test_hours_that_are_not_numbers_are_refused(bad: object) -> None:
    with pytest.raises(ParticipationInputError):
        check_hours(bad)  # type: ignore[arg-type]


def test_unknown_attendees_are_named() -> None:
    check_attendance(["p1", "p2"], ["p1", "p2", "p3"])
    with pytest.raises(ParticipationInputError) as caught:
        check_attendance(["p1", "p9", "p12", "p9"], ["p1", "p2"])
    assert "p12, p9" in caught.value.message
    assert caught.value.field == "attendance"


def test_withdrawn_consent_refuses_attendance_from_that_day() -> None:
    consents = {
        "p1": ConsentRecord(ConsentStatus.GIVEN, DAY - dt.timedelta(days=30)),
        "p2": ConsentRecord(ConsentStatus.WITHDRAWN, DAY),
    }
    check_consent(["p1"], consents, activity_date=DAY)
    with pytest.raises(ParticipationInputError, match="withdrawn on or before 2026-03-02 by: p2"):
        check_consent(["p1", "p2"], consents, activity_date=DAY)


def test_consent_withdrawn_later_leaves_earlier_attendance_alone() -> None:
    consents = {"p2": ConsentRecord(ConsentStatus.WITHDRAWN, DAY + dt.timedelta(days=1))}
    check_consent(["p2"], consents, activity_date=DAY)


def test_no_consent_on_record_is_not_consent() -> None:
    with pytest.raises(ParticipationInputError, match="no consent is recorded") as caught:
        check_consent(["p3"], {}, activity_date=DAY)
    assert caught.value.field == "consent"
    future = {"p3": ConsentRecord(ConsentStatus.GIVEN, DAY + dt.timedelta(days=1))}
    with pytest.raises(ParticipationInputError, match="no consent is recorded"):
        check_consent(["p3"], future, activity_date=DAY)

"""Payments to the penny, expense claim states, and the finance export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coproduce.participation.payments import (
    BENEFITS_WARNING,
    FINANCE_COLUMNS,
    Claim,
    ExpenseStatus,
    ParticipationInputError,
    RateTable,
    activity_payment,
    can_move,
    finance_rows,
    next_statuses,
)

RATES = RateTable(
    "Riverside NHS Trust",
    {"Expert by experience": Decimal("15.75"), "Participant": Decimal("10.00")},
)


def test_payment_is_rounded_to_the_penny_half_up() -> None:
    # 2.5 h × £15.75 = £39.375 → £39.38.
    assert activity_payment(Decimal("2.5"), "Expert by experience", RATES) == Decimal("39.38")
    # 0.5 h × £0.25 = £0.125 → £0.13 half up (half-even would give £0.12).
    assert activity_payment("0.5", hourly_rate=Decimal("0.25")) == Decimal("0.13")
    assert activity_payment(3, hourly_rate="10") == Decimal("30.00")
    assert activity_payment(0.1, hourly_rate="10") == Decimal("1.00")  # float 0.1 read as 0.1


def test_missing_rate_names_the_tier_and_where_to_set_it() -> None:
    with pytest.raises(ParticipationInputError) as caught:
        activity_payment(2, "Expert by experience", RateTable("Trust"))
    assert caught.value.message == (
        "No hourly rate is set for the tier 'Expert by experience'; set it under Payment rates"
    )
    assert caught.value.field == "tier"


def test_negative_and_implausible_hours_are_refused() -> None:
    with pytest.raises(ParticipationInputError, match="negative"):
        activity_payment(-1, "Participant", RATES)
    with pytest.raises(ParticipationInputError, match="more than 12 hours"):
        activity_payment(13, "Participant", RATES)
    assert activity_payment(13, "Participant", RATES, max_hours=14) == Decimal("130.00")
    with pytest.raises(ParticipationInputError, match="cannot be negative"):
        RateTable("Trust", {"Participant": Decimal("-1")})
    with pytest.raises(ParticipationInputError, match="No payment tier"):
        activity_payment(1)


def test_claim_states_move_only_along_the_allowed_paths() -> None:
    allowed = {(a, b) for a in ExpenseStatus for b in ExpenseStatus if can_move(a, b)}
    assert allowed == {
        (ExpenseStatus.SUBMITTED, ExpenseStatus.APPROVED),
        (ExpenseStatus.SUBMITTED, ExpenseStatus.REJECTED),
        (ExpenseStatus.APPROVED, ExpenseStatus.PAID),
        (ExpenseStatus.APPROVED, ExpenseStatus.REJECTED),
        (ExpenseStatus.REJECTED, ExpenseStatus.SUBMITTED),
    }
    assert next_statuses("paid") == ()
    assert can_move("submitted", "approved")


def test_finance_rows_hold_approved_claims_and_no_equality_data() -> None:
    claims = [
        Claim(
            "E2",
            "P7",
            "Sam Jones",
            "A3",
            dt.date(2026, 3, 2),
            "Participant",
            2,
            Decimal("4.60"),
            ExpenseStatus.APPROVED,
            "QI-01",
        ),
        Claim(
            "E1",
            "P4",
            '=HYPERLINK("x")',
            "A1",
            dt.date(2026, 3, 1),
            "Expert by experience",
            Decimal("2.5"),
            Decimal(0),
            ExpenseStatus.APPROVED,
        ),
        Claim(
            "E3",
            "P9",
            "Ali Khan",
            "A1",
            dt.date(2026, 3, 1),
            None,
            1,
            Decimal("12.00"),
            ExpenseStatus.APPROVED,
        ),
        Claim("E4", "P9", "Ali Khan", "A1", dt.date(2026, 3, 1), "Participant", 1),  # submitted
    ]
    rows = finance_rows(claims, RATES)
    assert [row["Claim reference"] for row in rows] == ["E1", "E3", "E2"]
    assert all(tuple(row) == FINANCE_COLUMNS for row in rows)
    assert rows[0]["Payee name"].startswith("'=")  # no formula runs in a spreadsheet
    assert (rows[0]["Payment"], rows[0]["Total"]) == ("39.38", "39.38")
    assert (rows[1]["Hourly rate"], rows[1]["Payment"], rows[1]["Total"]) == ("", "0.00", "12.00")
    assert (rows[2]["Payment"], rows[2]["Expenses"], rows[2]["Total"]) == (
        "20.00",
        "4.60",
        "24.60",
    )
    banned = {"ethnic", "sex", "age", "disab", "imd", "decile", "gender"}
    assert not any(word in column.lower() for column in FINANCE_COLUMNS for word in banned)
    assert len(finance_rows(claims, RATES, statuses=[ExpenseStatus.SUBMITTED])) == 1


def test_the_benefits_warning_says_to_get_advice_before_accepting() -> None:
    assert "benefits" in BENEFITS_WARNING
    assert "advice" in BENEFITS_WARNING and "Before you accept" in BENEFITS_WARNING

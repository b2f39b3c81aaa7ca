"""Paying people for their time and expenses: rates, amounts, claims and the finance export.

NHS England's guidance on paying people for involvement sets payment by role tier and says
people should get advice about benefits before accepting (see :data:`BENEFITS_WARNING`). This
module turns hours into money to the penny, moves expense claims through their states, and
writes the rows finance needs, with no equality data. Pure: no Django, no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from coproduce.participation.validation import (
    MAX_HOURS,
    ParticipationInputError,
    check_hours,
    to_decimal,
)

__all__ = [
    "BENEFITS_WARNING",
    "FINANCE_COLUMNS",
    "Claim",
    "ExpenseStatus",
    "ParticipationInputError",
    "RateTable",
    "activity_payment",
    "can_move",
    "finance_rows",
    "next_statuses",
    "spreadsheet_safe",
]

PENNY = Decimal("0.01")

BENEFITS_WARNING = (
    "Being paid for taking part can affect welfare benefits, and payments may count as "
    "taxable income. Before you accept a payment, get advice, for example from a welfare "
    "rights adviser, Citizens Advice or Jobcentre Plus. You can choose to take part without "
    "payment, or to have only your expenses paid back."
)
"""Shown wherever a payment is offered or claimed (paraphrasing NHS England's guidance)."""


@dataclass(frozen=True, slots=True)
class RateTable:
    """An organisation's hourly rate for each role tier, e.g. "Expert by experience"."""

    organisation: str
    rates: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for tier, rate in self.rates.items():
            if to_decimal(rate, field="rate") < 0:
                raise ParticipationInputError(
                    f"The hourly rate for the tier “{tier}” cannot be negative", "rate"
                )

    def rate_for(self, tier: str) -> Decimal:
        """The tier's hourly rate, or a refusal that says where to set it."""
        rate = self.rates.get(tier)
        if rate is None:
            raise ParticipationInputError(
                f"No hourly rate is set for the tier '{tier}'; set it under Payment rates",
                "tier",
            )
        return to_decimal(rate, field="rate")


def activity_payment(
    hours: Decimal | float | int | str,
    tier: str | None = None,
    rates: RateTable | None = None,
    *,
    hourly_rate: Decimal | float | int | str | None = None,
    max_hours: Decimal | float | int = MAX_HOURS,
) -> Decimal:
    """Payment for one person's hours in one activity, to the penny (halves rounded up).

    Give either ``tier`` and ``rates`` (the rate is looked up) or ``hourly_rate`` directly.
    Hours are checked with :func:`~.validation.check_hours`: negative hours and more than
    ``max_hours`` (12, a design choice) are refused.

    Example: 2.5 hours at £15.75 is £39.375, paid as £39.38.
    """
    checked = check_hours(hours, max_hours=max_hours)
    if hourly_rate is not None:
        rate = to_decimal(hourly_rate, field="rate")
        if rate < 0:
            raise ParticipationInputError("The hourly rate cannot be negative", "rate")
    elif tier is not None and rates is not None:
        rate = rates.rate_for(tier)
    else:
        raise ParticipationInputError("No payment tier is set for this person", "tier")
    return (checked * rate).quantize(PENNY, rounding=ROUND_HALF_UP)


class ExpenseStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PAID = "paid"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return self.value.capitalize()


_MOVES: dict[ExpenseStatus, frozenset[ExpenseStatus]] = {
    ExpenseStatus.SUBMITTED: frozenset({ExpenseStatus.APPROVED, ExpenseStatus.REJECTED}),
    ExpenseStatus.APPROVED: frozenset({ExpenseStatus.PAID, ExpenseStatus.REJECTED}),
    ExpenseStatus.REJECTED: frozenset({ExpenseStatus.SUBMITTED}),
    ExpenseStatus.PAID: frozenset(),
}


def can_move(from_status: ExpenseStatus | str, to_status: ExpenseStatus | str) -> bool:
    """Whether a claim may move between these states.

    submitted → approved or rejected; approved → paid, or rejected (an error found before
    payment); rejected → submitted (corrected and sent again); paid is final.
    """
    return ExpenseStatus(to_status) in _MOVES[ExpenseStatus(from_status)]


def next_statuses(status: ExpenseStatus | str) -> tuple[ExpenseStatus, ...]:
    """The states a claim may move to next, in the enum's order."""
    allowed = _MOVES[ExpenseStatus(status)]
    return tuple(s for s in ExpenseStatus if s in allowed)


@dataclass(frozen=True, slots=True)
class Claim:
    """One person's claim for one activity: time (by tier) and expenses.

    ``payee_id`` and ``payee_name`` are what finance needs to pay the person; nothing else
    about them is carried.
    """

    id: str
    payee_id: str
    payee_name: str
    activity_id: str
    activity_date: dt.date
    tier: str | None
    hours: Decimal | float
    expenses: Decimal = Decimal(0)
    status: ExpenseStatus = ExpenseStatus.SUBMITTED
    cost_code: str = ""


FINANCE_COLUMNS: tuple[str, ...] = (
    "Claim reference",
    "Payee reference",
    "Payee name",
    "Activity reference",
    "Activity date",
    "Tier",
    "Hours",
    "Hourly rate",
    "Payment",
    "Expenses",
    "Total",
    "Status",
    "Cost code",
)
"""The finance export's columns. No equality data, no notes, no free text about people."""


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection; OWASP's advice: prefix a
    cell that starts with = + - @, tab or carriage return with a single quote)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def finance_rows(
    claims: Sequence[Claim],
    rates: RateTable,
    *,
    statuses: Iterable[ExpenseStatus] = (ExpenseStatus.APPROVED,),
) -> list[dict[str, str]]:
    """The CSV rows for finance, keyed by :data:`FINANCE_COLUMNS`, for claims in ``statuses``.

    By default only approved claims (the ones to pay), in date then claim order. A claim
    without a tier is paid expenses only. Amounts are in pounds to the penny.
    """
    wanted = set(statuses)
    rows: list[dict[str, str]] = []
    for claim in sorted(claims, key=lambda c: (c.activity_date, c.id)):
        if claim.status not in wanted:
            continue
        hours = check_hours(claim.hours)
        expenses = to_decimal(claim.expenses, field="expenses").quantize(PENNY, ROUND_HALF_UP)
        if expenses < 0:
            raise ParticipationInputError(
                f"Expenses cannot be negative (claim {claim.id})", "expenses"
            )
        if claim.tier is None:
            rate: Decimal | None = None
            payment = Decimal("0.00")
        else:
            rate = rates.rate_for(claim.tier)
            payment = activity_payment(hours, hourly_rate=rate)
        rows.append(
            {
                "Claim reference": spreadsheet_safe(claim.id),
                "Payee reference": spreadsheet_safe(claim.payee_id),
                "Payee name": spreadsheet_safe(claim.payee_name),
                "Activity reference": spreadsheet_safe(claim.activity_id),
                "Activity date": claim.activity_date.isoformat(),
                "Tier": spreadsheet_safe(claim.tier or ""),
                "Hours": str(hours),
                "Hourly rate": "" if rate is None else str(rate.quantize(PENNY)),
                "Payment": str(payment),
                "Expenses": str(expenses),
                "Total": str(payment + expenses),
                "Status": claim.status.value,
                "Cost code": spreadsheet_safe(claim.cost_code),
            }
        )
    return rows

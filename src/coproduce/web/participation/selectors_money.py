"""Reads for payments: the organisation's payment rates, what each participant is owed, the
finance export, and expense claims.

Callers first get the project through ``views.project_of`` (404 for outsiders); lookups here
are confined to that project (claims) or its organisation (payment tiers), so another
project's claims and another organisation's tiers are 404.

Amounts owed for time come from ``Attendance.rate`` and ``Attendance.amount``, fixed when the
attendance was recorded (docs/adr/0010): a rate changed later does not change what was owed.

The finance export (``finance_csv``) carries only what finance needs to pay someone: their
name and a reference, the payment tier, the activity (reference, date and title), hours, rate
and amounts, and approved expense claims by category. No contact details, no equality data,
no notes, no free-text descriptions of expenses.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from coproduce.participation import payments as core_payments
from coproduce.participation.payments import spreadsheet_safe
from coproduce.web.projects.models import OrganisationMembership, ProjectMembership, Role

from .models import (
    Activity,
    Attendance,
    ExpenseCategory,
    ExpenseClaim,
    ExpenseStatus,
    Participant,
    PaymentTier,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Organisation, Project

ZERO = Decimal("0.00")
PENNY = Decimal("0.01")


def _summed(value: Decimal | None) -> Decimal:
    """A SUM from the database to two places, pounds and pence or hours (SQLite's SUM of
    decimals carries float noise)."""
    return (value or ZERO).quantize(PENNY)


BENEFITS_WARNING = core_payments.BENEFITS_WARNING
"""The standard warning that payments can affect benefits, from the core."""


def category_label(value: str) -> str:
    return dict(ExpenseCategory.choices).get(value, value)


# -- who may manage the organisation's payment rates -------------------------------------


def organisation_facilitator(*, organisation: Organisation, user: User | AnonymousUser) -> bool:
    """Facilitators of any of the organisation's projects, and its admins.

    They set the organisation's payment rates and record its capability assessments.
    """
    if not user.is_authenticated:
        return False
    return (
        ProjectMembership.objects.filter(
            project__organisation=organisation, user=user, role=Role.FACILITATOR
        ).exists()
        or OrganisationMembership.objects.filter(
            organisation=organisation, user=user, is_admin=True
        ).exists()
    )


def can_manage_rates(*, organisation: Organisation, user: User | AnonymousUser) -> bool:
    return organisation_facilitator(organisation=organisation, user=user)


# -- payment tiers ------------------------------------------------------------------------


def tiers_of(organisation: Organisation) -> QuerySet[PaymentTier]:
    """The organisation's tiers, those in use first, each with ``participant_count``: how many
    participants (in any of its projects) are on it."""
    using = (
        Participant.objects.filter(payment_tier=OuterRef("pk"))
        .order_by()
        .values("payment_tier")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        PaymentTier.objects.filter(organisation=organisation)
        .annotate(
            participant_count=Coalesce(Subquery(using, output_field=models.IntegerField()), 0)
        )
        .order_by("-active", "name", "pk")
    )


def tier_in(*, organisation: Organisation, pk: int) -> PaymentTier:
    try:
        return tiers_of(organisation).get(pk=pk)
    except PaymentTier.DoesNotExist:
        raise Http404("No such payment tier.") from None


def tier_usage(tier: PaymentTier) -> int:
    """How many participants, in any of the organisation's projects, are on the tier."""
    return Participant.objects.filter(payment_tier=tier).count()


# -- what people are owed ------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A date range for the payments page and the finance export; either end may be open."""

    start: datetime.date | None = None
    end: datetime.date | None = None

    def q(self, field_name: str) -> Q:
        query = Q()
        if self.start is not None:
            query &= Q(**{f"{field_name}__gte": self.start})
        if self.end is not None:
            query &= Q(**{f"{field_name}__lte": self.end})
        return query


def payees_of(*, project: Project) -> QuerySet[Participant]:
    """Participants who want paying, or are owed for time, or have claimed expenses."""
    owed = Attendance.objects.filter(participant=OuterRef("pk"), amount__isnull=False)
    claimed = ExpenseClaim.objects.filter(participant=OuterRef("pk"))
    return (
        Participant.objects.filter(project=project)
        .filter(Q(wants_payment=True) | Exists(owed) | Exists(claimed))
        .select_related("payment_tier")
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class PaymentLine:
    """One activity a participant attended: hours, and the rate and amount fixed then."""

    activity: Activity
    hours: Decimal
    rate: Decimal | None
    amount: Decimal | None


@dataclass
class PayeeSummary:
    """What one participant is owed in the period, for the payments page."""

    participant: Participant
    lines: list[PaymentLine] = field(default_factory=list)
    hours_paid: Decimal = ZERO
    amount: Decimal = ZERO
    unpaid_hours: Decimal = ZERO
    expenses_submitted: Decimal = ZERO
    expenses_approved: Decimal = ZERO
    expenses_paid: Decimal = ZERO

    @property
    def tier_problem(self) -> str:
        """Why attendance of someone who wants paying would be refused now: "" if nothing."""
        if not self.participant.wants_payment:
            return ""
        tier = self.participant.payment_tier
        if tier is None:
            return "No payment tier"
        if tier.hourly_rate is None:
            return "No rate set"
        return ""

    @property
    def total(self) -> Decimal:
        """Time owed plus approved and paid expenses."""
        return self.amount + self.expenses_approved + self.expenses_paid


def payment_summaries(
    participants: Iterable[Participant], *, period: Period | None = None
) -> list[PayeeSummary]:
    """For each participant (one page of them), their attendance with what it earned, and
    their expense claims by status, in the period. Three queries, whatever the page size."""
    period = period or Period()
    summaries = {p.pk: PayeeSummary(participant=p) for p in participants}
    rows = (
        Attendance.objects.filter(participant_id__in=summaries)
        .filter(period.q("activity__date"))
        .select_related("activity")
        .order_by("activity__date", "activity__pk")
    )
    for row in rows:
        summary = summaries[row.participant_id]
        summary.lines.append(PaymentLine(row.activity, row.hours, row.rate, row.amount))
        if row.amount is None:
            summary.unpaid_hours += row.hours
        else:
            summary.hours_paid += row.hours
            summary.amount += row.amount
    claims = (
        ExpenseClaim.objects.filter(participant_id__in=summaries)
        .filter(period.q("incurred_on"))
        .values("participant_id", "status")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for claim in claims:
        summary = summaries[claim["participant_id"]]
        total = _summed(claim["total"])
        if claim["status"] == ExpenseStatus.SUBMITTED:
            summary.expenses_submitted += total
        elif claim["status"] == ExpenseStatus.APPROVED:
            summary.expenses_approved += total
        elif claim["status"] == ExpenseStatus.PAID:
            summary.expenses_paid += total
    return list(summaries.values())


@dataclass(frozen=True)
class PaymentTotals:
    """The whole project's payments in the period."""

    hours_paid: Decimal
    amount: Decimal
    expenses_submitted: Decimal
    expenses_approved: Decimal
    expenses_paid: Decimal
    missing_rates: int  # participants who want paying whose tier or rate is missing

    @property
    def owed(self) -> Decimal:
        """Time owed plus expenses approved but not yet paid."""
        return self.amount + self.expenses_approved


def payment_totals(*, project: Project, period: Period | None = None) -> PaymentTotals:
    period = period or Period()
    time = Attendance.objects.filter(
        period.q("activity__date"), activity__project=project, amount__isnull=False
    ).aggregate(hours=Sum("hours"), amount=Sum("amount"))
    claims = {
        status: _summed(total)
        for status, total in ExpenseClaim.objects.filter(
            period.q("incurred_on"), participant__project=project
        )
        .values_list("status")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    missing = (
        Participant.objects.filter(project=project, wants_payment=True, left_on__isnull=True)
        .filter(Q(payment_tier__isnull=True) | Q(payment_tier__hourly_rate__isnull=True))
        .count()
    )
    return PaymentTotals(
        hours_paid=_summed(time["hours"]),
        amount=_summed(time["amount"]),
        expenses_submitted=claims.get(ExpenseStatus.SUBMITTED, ZERO),
        expenses_approved=claims.get(ExpenseStatus.APPROVED, ZERO),
        expenses_paid=claims.get(ExpenseStatus.PAID, ZERO),
        missing_rates=missing,
    )


# -- the finance export ---------------------------------------------------------------------

#: Columns the web layer adds after the core's :data:`~coproduce.participation.payments.
#: FINANCE_COLUMNS`: what the money was for, in words finance can check against.
FINANCE_EXTRA_COLUMNS: tuple[str, ...] = ("Activity title", "Expense category")
FINANCE_COLUMNS: tuple[str, ...] = (*core_payments.FINANCE_COLUMNS, *FINANCE_EXTRA_COLUMNS)


def _tier_key(attendance: Attendance) -> str:
    """The tier the payment was earned in (kept on the attendance row since it was made)."""
    if attendance.tier_name:
        return attendance.tier_name
    tier = attendance.participant.payment_tier
    return tier.name if tier is not None else "No tier now"


def finance_rows(*, project: Project, period: Period | None = None) -> list[dict[str, str]]:
    """The finance export's rows: every attendance that earned a payment, and every approved
    expense claim, in the period, in date order. Keyed by :data:`FINANCE_COLUMNS`.

    Each row goes through the core's ``finance_rows`` (which recomputes the payment from the
    hours and the rate fixed at the time, to the penny, and escapes formula-like cells). The
    tier named is the one the payment was earned in.
    """
    period = period or Period()
    approved = core_payments.ExpenseStatus.APPROVED
    made: list[tuple[datetime.date, int, str, dict[str, str]]] = []
    attendance = (
        Attendance.objects.filter(
            period.q("activity__date"), activity__project=project, amount__isnull=False
        )
        .select_related("activity", "participant__payment_tier")
        .order_by("activity__date", "pk")
    )
    for row in attendance:
        participant = row.participant
        assert row.rate is not None
        tier = _tier_key(row)
        claim = core_payments.Claim(
            id=f"T{row.pk}",
            payee_id=f"P{participant.pk}",
            payee_name=participant.name,
            activity_id=f"A{row.activity_id}",
            activity_date=row.activity.date,
            tier=tier,
            hours=row.hours,
            status=approved,
        )
        rates = core_payments.RateTable(
            organisation=str(project.organisation_id), rates={tier: row.rate}
        )
        (line,) = core_payments.finance_rows([claim], rates)
        line["Activity title"] = spreadsheet_safe(row.activity.title)
        line["Expense category"] = ""
        made.append((row.activity.date, 0, claim.id, line))
    claims = (
        ExpenseClaim.objects.filter(
            period.q("incurred_on"), participant__project=project, status=ExpenseStatus.APPROVED
        )
        .select_related("participant__payment_tier", "activity")
        .order_by("incurred_on", "pk")
    )
    no_rates = core_payments.RateTable(organisation=str(project.organisation_id))
    for expense in claims:
        participant = expense.participant
        claim = core_payments.Claim(
            id=f"E{expense.pk}",
            payee_id=f"P{participant.pk}",
            payee_name=participant.name,
            activity_id=f"A{expense.activity_id}" if expense.activity_id else "",
            activity_date=expense.incurred_on,
            tier=None,
            hours=0,
            expenses=expense.amount,
            status=approved,
        )
        (line,) = core_payments.finance_rows([claim], no_rates)
        title = expense.activity.title if expense.activity else ""
        line["Activity title"] = spreadsheet_safe(title)
        line["Expense category"] = spreadsheet_safe(category_label(expense.category))
        made.append((expense.incurred_on, 1, claim.id, line))
    made.sort(key=lambda item: (item[0], item[1], item[2]))
    return [line for _, _, _, line in made]


def finance_csv(rows: Sequence[dict[str, str]]) -> str:
    """The rows as CSV text with a header, starting with a byte-order mark so that Excel
    reads names with accents correctly."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=FINANCE_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# -- expense claims -------------------------------------------------------------------------


def claims_of(
    *, project: Project, status: str = "", participant: Participant | None = None
) -> QuerySet[ExpenseClaim]:
    """The project's expense claims, newest first, optionally of one status or one person."""
    claims = ExpenseClaim.objects.filter(participant__project=project).select_related(
        "participant", "activity"
    )
    if status:
        claims = claims.filter(status=status)
    if participant is not None:
        claims = claims.filter(participant=participant)
    return claims.order_by("-incurred_on", "-pk")


def claim_in(*, project: Project, pk: int) -> ExpenseClaim:
    try:
        return claims_of(project=project).get(pk=pk)
    except ExpenseClaim.DoesNotExist:
        raise Http404("No such expense claim.") from None


def own_claim_in(*, participant: Participant, pk: int) -> ExpenseClaim:
    """One of the participant's own claims (404 for anyone else's)."""
    try:
        return claims_of(project=participant.project, participant=participant).get(pk=pk)
    except ExpenseClaim.DoesNotExist:
        raise Http404("No such expense claim.") from None


def status_counts(*, project: Project) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for status, n in (
        ExpenseClaim.objects.filter(participant__project=project)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[status] = n
    return {value: counts[value] for value in ExpenseStatus.values}


def next_statuses(claim: ExpenseClaim) -> list[tuple[str, str]]:
    """The statuses the claim may move to next (the core's rules), as form choices."""
    labels = {
        ExpenseStatus.SUBMITTED: "Submitted again (corrected)",
        ExpenseStatus.APPROVED: "Approved",
        ExpenseStatus.PAID: "Paid",
        ExpenseStatus.REJECTED: "Rejected",
    }
    return [
        (status.value, labels[ExpenseStatus(status.value)])
        for status in core_payments.next_statuses(claim.status)
    ]


def claimable_activities(*, project: Project) -> QuerySet[Activity]:
    return Activity.objects.filter(project=project).order_by("-date", "-pk")


def claimable_activities_for(participant: Participant) -> QuerySet[Activity]:
    """The activities a participant attended, newest first (for their own claims)."""
    return Activity.objects.filter(
        project=participant.project, attendance__participant=participant
    ).order_by("-date", "-pk")

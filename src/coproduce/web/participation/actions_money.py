"""The one place that writes payment rates and expense claims.

Every function is keyword-only, atomic, takes the acting user as ``by`` and writes an audit
event (docs/adr/0004). Audit summaries name things by id and field names only: never names
of participants, amounts people are owed, tier names or descriptions people typed.

* Payment tiers belong to an organisation; facilitators of any of its projects, and its
  admins, set them. A tier may have no hourly rate yet ("No rate set"); attendance of
  someone on it who wants paying is then refused (``actions_activities.record_attendance``).
* Expense claims are submitted by the participant (if linked to an account) or by a
  facilitator on their behalf, and moved through the core's statuses by facilitators:
  submitted → approved or rejected; approved → paid or rejected; rejected → submitted.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduce.participation import payments as core_payments
from coproduce.participation import validation as core_validation
from coproduce.web.accounts.models import User
from coproduce.web.audit import actions as audit
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.projects.models import Organisation, Project

from . import selectors, selectors_money, selectors_people
from .models import (
    Activity,
    ConsentPurpose,
    ExpenseCategory,
    ExpenseClaim,
    ExpenseStatus,
    Participant,
    PaymentTier,
)

#: The highest hourly rate accepted: anything above is more likely a typing slip (a daily
#: rate, or 1575 for 15.75) than a rate (design choice).
MAX_HOURLY_RATE = Decimal("500.00")
#: The largest single expense claim accepted (design choice: bigger sums go through the
#: organisation's own finance process).
MAX_CLAIM = Decimal("5000.00")
PENNY = Decimal("0.01")


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value: object, *, field: str, required: str | None = None, limit: int = 0) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if required and not text:
        raise ActionError(required, field=field)
    if limit and len(text) > limit:
        raise ActionError(f"This must be {limit} characters or fewer", field=field)
    return text


def _date(value: object, *, field: str, message: str) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ActionError(message, field=field)
    return value


def _money(
    value: object, *, field: str, what: str, maximum: Decimal, allow_zero: bool = True
) -> Decimal:
    """A sum of money in pounds, to the penny, refused with a reason a person can act on."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ActionError(f"Enter the {what}, for example 15.75", field=field)
    try:
        amount = core_validation.to_decimal(value, field=field)  # type: ignore[arg-type]
    except core_validation.ParticipationInputError:
        raise ActionError(f"Enter the {what} as a number, for example 15.75", field=field) from None
    if amount < 0 and allow_zero:
        raise ActionError(f"The {what} cannot be negative", field=field)
    if amount <= 0 and not allow_zero:
        raise ActionError(f"The {what} must be more than £0", field=field)
    if amount != amount.quantize(PENNY):
        raise ActionError(f"Give the {what} in pounds and pence, for example 15.75", field=field)
    if amount > maximum:
        raise ActionError(f"The {what} is more than £{maximum:,}: check the figure", field=field)
    return amount.quantize(PENNY)


# -- payment tiers ------------------------------------------------------------------------


def _require_rate_manager(*, organisation: Organisation, user: User) -> None:
    if not selectors_money.can_manage_rates(organisation=organisation, user=user):
        raise NotAllowed(
            "Only facilitators of the organisation's projects, or its admins, can change its "
            "payment rates."
        )


def _clean_tier(
    *,
    organisation: Organisation,
    tier: PaymentTier | None,
    name: object,
    hourly_rate: object,
    description: object,
    active: object,
) -> dict[str, Any]:
    clean_name = _text(name, field="name", required="Enter the name of the tier", limit=100)
    same = PaymentTier.objects.filter(organisation=organisation, name__iexact=clean_name)
    if tier is not None:
        same = same.exclude(pk=tier.pk)
    if same.exists():
        raise ActionError(
            "The organisation already has a tier with this name: choose another", field="name"
        )
    rate: Decimal | None = None
    if hourly_rate is not None and not (isinstance(hourly_rate, str) and not hourly_rate.strip()):
        rate = _money(hourly_rate, field="hourly_rate", what="hourly rate", maximum=MAX_HOURLY_RATE)
    return {
        "name": clean_name,
        "hourly_rate": rate,
        "description": _text(description, field="description", limit=300),
        "active": bool(active),
    }


@transaction.atomic
def create_tier(
    *,
    organisation: Organisation,
    name: str,
    hourly_rate: object = None,
    description: str = "",
    active: bool = True,
    by: User,
) -> PaymentTier:
    """Add a role tier with its hourly rate (or none yet: "No rate set")."""
    _require_rate_manager(organisation=organisation, user=by)
    values = _clean_tier(
        organisation=organisation,
        tier=None,
        name=name,
        hourly_rate=hourly_rate,
        description=description,
        active=active,
    )
    try:
        with transaction.atomic():
            tier = PaymentTier.objects.create(organisation=organisation, **values)
    except IntegrityError:
        raise ActionError(
            "The organisation already has a tier with this name: choose another", field="name"
        ) from None
    audit.record(
        action="payment_tier.created",
        by=by,
        organisation=organisation,
        target=tier,
        summary=f"Added payment tier {tier.pk}"
        + ("" if tier.hourly_rate is not None else " with no rate set"),
        data={"tier": tier.pk, "rate_set": tier.hourly_rate is not None},
    )
    return tier


@transaction.atomic
def update_tier(
    *,
    tier: PaymentTier,
    name: str,
    hourly_rate: object = None,
    description: str = "",
    active: bool = True,
    by: User,
) -> PaymentTier:
    """Change a tier. A new rate applies to attendance recorded from now on: what people
    were owed before keeps the rate of the time."""
    organisation = tier.organisation
    _require_rate_manager(organisation=organisation, user=by)
    values = _clean_tier(
        organisation=organisation,
        tier=tier,
        name=name,
        hourly_rate=hourly_rate,
        description=description,
        active=active,
    )
    changed = [key for key, value in values.items() if getattr(tier, key) != value]
    for key, value in values.items():
        setattr(tier, key, value)
    try:
        with transaction.atomic():
            tier.save()
    except IntegrityError:
        raise ActionError(
            "The organisation already has a tier with this name: choose another", field="name"
        ) from None
    audit.record(
        action="payment_tier.updated",
        by=by,
        organisation=organisation,
        target=tier,
        summary=f"Updated payment tier {tier.pk} ({', '.join(changed) or 'no changes'})",
        data={"tier": tier.pk, "fields": changed, "rate_set": tier.hourly_rate is not None},
    )
    return tier


@transaction.atomic
def delete_tier(*, tier: PaymentTier, by: User) -> None:
    """Delete a tier nobody is on. Attendance already recorded keeps its rate and amount."""
    organisation = tier.organisation
    _require_rate_manager(organisation=organisation, user=by)
    using = selectors_money.tier_usage(tier)
    if using:
        people = "1 participant is" if using == 1 else f"{using} participants are"
        raise ActionError(
            f"{people} on this tier. Give them another tier first, or mark this one as no "
            "longer in use."
        )
    pk = tier.pk
    tier.delete()
    audit.record(
        action="payment_tier.deleted",
        by=by,
        organisation=organisation,
        summary=f"Deleted payment tier {pk}",
        data={"tier": pk},
    )


# -- the finance export -------------------------------------------------------------------


@transaction.atomic
def record_finance_export(
    *, project: Project, rows: int, period: selectors_money.Period, by: User
) -> None:
    """Audit that someone downloaded the finance export (it names people and sums)."""
    if not selectors.can_manage(project=project, user=by):
        raise NotAllowed("Only the project's facilitators can export payments.")
    audit.record(
        action="payments.exported",
        by=by,
        project=project,
        summary=f"Downloaded the finance export of project {project.pk} ({rows} rows)",
        data={
            "rows": rows,
            "start": period.start.isoformat() if period.start else None,
            "end": period.end.isoformat() if period.end else None,
        },
    )


# -- expense claims -------------------------------------------------------------------------


def _is_claimant(participant: Participant, user: User) -> bool:
    membership = participant.membership
    return membership is not None and membership.user_id == user.pk


def _require_claimant_or_facilitator(*, participant: Participant, user: User) -> bool:
    """True if ``user`` is a facilitator; refused unless they are one, or the claimant."""
    if selectors.can_manage(project=participant.project, user=user):
        return True
    if _is_claimant(participant, user):
        return False
    raise NotAllowed("Only the person claiming, or one of the project's facilitators, can do this.")


def _clean_claim(
    *,
    participant: Participant,
    incurred_on: object,
    category: object,
    amount: object,
    description: object,
    activity: Activity | None,
) -> dict[str, Any]:
    day = _date(incurred_on, field="incurred_on", message="Enter the date you paid it")
    if day > _today():
        raise ActionError("The date cannot be in the future", field="incurred_on")
    if participant.left_on is not None and day > participant.left_on:
        raise ActionError(
            "The expense was after the person left the project: it cannot be claimed here",
            field="incurred_on",
        )
    if category not in ExpenseCategory.values:
        raise ActionError("Choose what the expense was for", field="category")
    text = _text(description, field="description", limit=300)
    if category == ExpenseCategory.OTHER and not text:
        raise ActionError("Say what the expense was for", field="description")
    if activity is not None and activity.project_id != participant.project_id:
        raise ActionError("Choose one of this project's activities", field="activity")
    return {
        "incurred_on": day,
        "category": category,
        "amount": _money(
            amount, field="amount", what="amount", maximum=MAX_CLAIM, allow_zero=False
        ),
        "description": text,
        "activity": activity,
    }


def _check_payment_consent(participant: Participant) -> None:
    problem = selectors_people.consent_problem(participant, ConsentPurpose.PAYMENT)
    if problem:
        raise ActionError(problem)


@transaction.atomic
def submit_claim(
    *,
    participant: Participant,
    incurred_on: datetime.date,
    category: str,
    amount: object,
    description: str = "",
    activity: Activity | None = None,
    by: User,
) -> ExpenseClaim:
    """Claim an expense back: by the person themself, or a facilitator on their behalf.

    Refused without consent to keep payment and expenses records, with dates in the
    future, amounts that are not positive or implausibly large, and activities of other
    projects.
    """
    on_behalf = _require_claimant_or_facilitator(participant=participant, user=by)
    values = _clean_claim(
        participant=participant,
        incurred_on=incurred_on,
        category=category,
        amount=amount,
        description=description,
        activity=activity,
    )
    _check_payment_consent(participant)
    claim = ExpenseClaim.objects.create(
        participant=participant,
        status=ExpenseStatus.SUBMITTED,
        status_changed_on=_today(),
        created_by=by,
        updated_by=by,
        **values,
    )
    audit.record(
        action="expense.submitted",
        by=by,
        project=participant.project,
        target=claim,
        summary=f"Submitted expense claim {claim.pk} for participant {participant.pk} "
        f"({claim.category}{', by a facilitator' if on_behalf else ''})",
        data={"claim": claim.pk, "participant": participant.pk, "category": claim.category},
    )
    return claim


@transaction.atomic
def update_claim(
    *,
    claim: ExpenseClaim,
    incurred_on: datetime.date,
    category: str,
    amount: object,
    description: str = "",
    activity: Activity | None = None,
    by: User,
) -> ExpenseClaim:
    """Correct a claim that is still submitted, or one that was rejected (which sends it
    again: the core's rejected → submitted)."""
    participant = claim.participant
    _require_claimant_or_facilitator(participant=participant, user=by)
    if claim.status not in (ExpenseStatus.SUBMITTED, ExpenseStatus.REJECTED):
        raise ActionError(
            f"This claim is {claim.get_status_display().lower()}: it can no longer be changed"
        )
    values = _clean_claim(
        participant=participant,
        incurred_on=incurred_on,
        category=category,
        amount=amount,
        description=description,
        activity=activity,
    )
    _check_payment_consent(participant)
    changed = [key for key, value in values.items() if getattr(claim, key) != value]
    resubmitted = claim.status == ExpenseStatus.REJECTED
    if resubmitted:
        if not core_payments.can_move(claim.status, ExpenseStatus.SUBMITTED):
            raise ActionError("This claim cannot be sent again")
        values.update(status=ExpenseStatus.SUBMITTED, status_changed_on=_today(), status_reason="")
    for key, value in values.items():
        setattr(claim, key, value)
    claim.updated_by = by
    claim.updated_at = timezone.now()
    claim.save()
    audit.record(
        action="expense.updated",
        by=by,
        project=participant.project,
        target=claim,
        summary=f"Updated expense claim {claim.pk} ({', '.join(changed) or 'no changes'})"
        + ("; submitted again" if resubmitted else ""),
        data={"claim": claim.pk, "fields": changed, "resubmitted": resubmitted},
    )
    return claim


_MOVE_WORDS = {
    ExpenseStatus.SUBMITTED: "submitted again",
    ExpenseStatus.APPROVED: "approved",
    ExpenseStatus.PAID: "marked as paid",
    ExpenseStatus.REJECTED: "rejected",
}


@transaction.atomic
def move_claim(*, claim: ExpenseClaim, status: str, reason: str = "", by: User) -> ExpenseClaim:
    """Approve, reject (a reason is required), mark as paid, or send again a claim,
    following the core's rules. A facilitator cannot move their own claim."""
    participant = claim.participant
    project = participant.project
    if not selectors.can_manage(project=project, user=by):
        raise NotAllowed("Only the project's facilitators can approve, reject or pay claims.")
    if _is_claimant(participant, by):
        raise NotAllowed(
            "You cannot approve, reject or pay your own claim: ask another facilitator."
        )
    if status not in ExpenseStatus.values:
        raise ActionError("Choose what to do with the claim", field="status")
    target = ExpenseStatus(status)
    current = ExpenseStatus(claim.status)
    if not core_payments.can_move(current, target):
        if current == ExpenseStatus.PAID:
            why = "A paid claim is final: it cannot be changed."
        elif current == target:
            why = f"This claim is already {current.label.lower()}."
        else:
            allowed = [label.lower() for _, label in selectors_money.next_statuses(claim)]
            why = (
                f"A claim that is {current.label.lower()} cannot be "
                f"{_MOVE_WORDS[target]}; it can be {' or '.join(allowed)}."
            )
        raise ActionError(why, field="status")
    clean_reason = _text(reason, field="reason", limit=300)
    if target == ExpenseStatus.REJECTED and not clean_reason:
        raise ActionError(
            "Say why the claim is rejected: the person claiming will see it", field="reason"
        )
    claim.status = target
    claim.status_changed_on = _today()
    claim.status_reason = clean_reason
    claim.updated_by = by
    claim.updated_at = timezone.now()
    claim.save(
        update_fields=["status", "status_changed_on", "status_reason", "updated_by", "updated_at"]
    )
    audit.record(
        action=f"expense.{target.value}",
        by=by,
        project=project,
        target=claim,
        summary=f"Expense claim {claim.pk}: {current.value} → {target.value}",
        data={"claim": claim.pk, "from": current.value, "to": target.value},
    )
    return claim

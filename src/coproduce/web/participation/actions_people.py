"""The one place that changes participants, their consent, equality monitoring, check-ins,
the support offered to them, and an organisation's PLUS groups.

Every function is keyword-only, atomic, takes the acting user as ``by`` and writes an audit
event (docs/adr/0004). Audit summaries name things by id and field names only: never a
participant's name, contact details, access needs, equality answers or any text people typed.

Facilitators manage participants. A member linked to a participant record may change their
own contact preference, give or withdraw their own consent, answer their own equality
monitoring and check-ins.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduce.participation import self_efficacy as core_self_efficacy
from coproduce.participation.validation import ParticipationInputError
from coproduce.web.accounts.models import User
from coproduce.web.audit import actions as audit
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.projects.models import Organisation, Project, ProjectMembership

from . import selectors, selectors_people
from .models import (
    AccessNeed,
    Checkin,
    ConsentPurpose,
    ConsentRecord,
    ContactPreference,
    EqualityRecord,
    Participant,
    ParticipantRole,
    PaymentTier,
    PlusGroup,
    SupportKind,
    SupportOffer,
)

# Preferences that need somewhere to send things.
_NEEDS_DETAILS = {
    ContactPreference.EMAIL: "their email address",
    ContactPreference.PHONE: "their phone number",
    ContactPreference.TEXT: "the mobile number for text messages",
    ContactPreference.POST: "their postal address",
}


def _require_manager(*, project: Project, user: User) -> None:
    if not selectors.can_manage(project=project, user=user):
        raise NotAllowed("Only the project's facilitators can manage participants.")


def _is_self(participant: Participant, user: User) -> bool:
    membership = participant.membership
    return membership is not None and membership.user_id == user.pk


def _require_self_or_manager(*, participant: Participant, user: User) -> None:
    if _is_self(participant, user):
        return
    if not selectors.can_manage(project=participant.project, user=user):
        raise NotAllowed("Only the project's facilitators, or the person themself, can do this.")


def _today() -> datetime.date:
    return timezone.localdate()


def _changed(obj: Any, values: Mapping[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(obj, name) != value]


def _as_date(value: object, *, field: str, what: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ActionError(f"Enter {what} as a date, for example 3 March 2026", field=field)


# -- participants ------------------------------------------------------------------------


def _clean_participant(
    *,
    project: Project,
    participant: Participant | None,
    name: str,
    role: str,
    membership: ProjectMembership | None,
    contact_preference: str,
    contact_details: str,
    access_needs: Iterable[str],
    access_notes: str,
    skills: str,
    payment_tier: PaymentTier | None,
    wants_payment: bool,
) -> dict[str, Any]:
    name = " ".join(name.split())
    if not name:
        raise ActionError("Enter their name, or a pseudonym", field="name")
    if len(name) > 150:
        raise ActionError("The name must be 150 characters or fewer", field="name")
    clash = Participant.objects.filter(project=project, name__iexact=name)
    if participant is not None:
        clash = clash.exclude(pk=participant.pk)
    if clash.exists():
        raise ActionError(
            "Someone in this project already has that name: add an initial or use a pseudonym",
            field="name",
        )
    if role not in ParticipantRole.values:
        raise ActionError("Choose their role", field="role")
    if membership is not None:
        if membership.project_id != project.pk:
            raise ActionError("Choose one of this project's members", field="membership")
        other = Participant.objects.filter(membership=membership)
        if participant is not None:
            other = other.exclude(pk=participant.pk)
        if other.exists():
            raise ActionError(
                "That member is already linked to another participant", field="membership"
            )
    if contact_preference not in ContactPreference.values:
        raise ActionError("Choose how they prefer to be contacted", field="contact_preference")
    contact_details = contact_details.strip()
    if len(contact_details) > 300:
        raise ActionError(
            "Contact details must be 300 characters or fewer", field="contact_details"
        )
    needed = _NEEDS_DETAILS.get(ContactPreference(contact_preference))
    if needed and not contact_details:
        raise ActionError(
            f"Enter {needed}, or choose another way to contact them", field="contact_details"
        )
    needs = list(dict.fromkeys(access_needs))
    unknown = [n for n in needs if n not in AccessNeed.values]
    if unknown:
        raise ActionError("Choose access needs from the list", field="access_needs")
    needs = [n for n in AccessNeed.values if n in needs]
    access_notes = access_notes.strip()
    if len(access_notes) > 300:
        raise ActionError(
            "The note on access needs must be 300 characters or fewer", field="access_notes"
        )
    if AccessNeed.OTHER in needs and not access_notes:
        raise ActionError("Say what the other access need is", field="access_notes")
    if payment_tier is not None:
        if payment_tier.organisation_id != project.organisation_id:
            raise ActionError(
                "Choose one of the organisation's payment tiers", field="payment_tier"
            )
        current = participant.payment_tier_id if participant is not None else None
        if not payment_tier.active and payment_tier.pk != current:
            raise ActionError(
                "That payment tier is no longer in use: choose another", field="payment_tier"
            )
    return {
        "name": name,
        "role": role,
        "membership": membership,
        "contact_preference": contact_preference,
        "contact_details": contact_details,
        "access_needs": needs,
        "access_notes": access_notes,
        "skills": skills.strip(),
        "payment_tier": payment_tier,
        "wants_payment": bool(wants_payment),
    }


@transaction.atomic
def add_participant(
    *,
    project: Project,
    name: str,
    role: str,
    membership: ProjectMembership | None = None,
    contact_preference: str = ContactPreference.FACILITATOR,
    contact_details: str = "",
    access_needs: Iterable[str] = (),
    access_notes: str = "",
    skills: str = "",
    payment_tier: PaymentTier | None = None,
    wants_payment: bool = False,
    by: User,
) -> Participant:
    """Record someone who takes part, with or without an account."""
    _require_manager(project=project, user=by)
    values = _clean_participant(
        project=project,
        participant=None,
        name=name,
        role=role,
        membership=membership,
        contact_preference=contact_preference,
        contact_details=contact_details,
        access_needs=access_needs,
        access_notes=access_notes,
        skills=skills,
        payment_tier=payment_tier,
        wants_payment=wants_payment,
    )
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                project=project, created_by=by, updated_by=by, **values
            )
    except IntegrityError:
        raise ActionError(
            "Someone else changed the participants at the same time. Try again."
        ) from None
    audit.record(
        action="participant.added",
        by=by,
        project=project,
        target=participant,
        summary=f"Added participant {participant.pk} ({participant.role}"
        f"{', with an account' if membership else ''})",
        data={"participant": participant.pk, "role": participant.role},
    )
    return participant


@transaction.atomic
def update_participant(
    *,
    participant: Participant,
    name: str,
    role: str,
    membership: ProjectMembership | None = None,
    contact_preference: str = ContactPreference.FACILITATOR,
    contact_details: str = "",
    access_needs: Iterable[str] = (),
    access_notes: str = "",
    skills: str = "",
    payment_tier: PaymentTier | None = None,
    wants_payment: bool = False,
    by: User,
) -> Participant:
    project = participant.project
    _require_manager(project=project, user=by)
    values = _clean_participant(
        project=project,
        participant=participant,
        name=name,
        role=role,
        membership=membership,
        contact_preference=contact_preference,
        contact_details=contact_details,
        access_needs=access_needs,
        access_notes=access_notes,
        skills=skills,
        payment_tier=payment_tier,
        wants_payment=wants_payment,
    )
    changed = _changed(participant, values)
    for field, value in values.items():
        setattr(participant, field, value)
    participant.updated_by = by
    participant.updated_at = timezone.now()
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError:
        raise ActionError(
            "Someone else changed the participants at the same time. Try again."
        ) from None
    audit.record(
        action="participant.updated",
        by=by,
        project=project,
        target=participant,
        summary=f"Updated participant {participant.pk} ({', '.join(changed) or 'no changes'})",
        data={"participant": participant.pk, "fields": changed},
    )
    return participant


@transaction.atomic
def update_own_contact(
    *, participant: Participant, contact_preference: str, contact_details: str, by: User
) -> Participant:
    """A person changes how they prefer to be contacted."""
    if not _is_self(participant, by):
        raise NotAllowed("You can change only your own contact preference.")
    if contact_preference not in ContactPreference.values:
        raise ActionError("Choose how you prefer to be contacted", field="contact_preference")
    contact_details = contact_details.strip()
    if len(contact_details) > 300:
        raise ActionError(
            "Contact details must be 300 characters or fewer", field="contact_details"
        )
    needed = _NEEDS_DETAILS.get(ContactPreference(contact_preference))
    if needed and not contact_details:
        needed = needed.replace("their", "your")
        raise ActionError(
            f"Enter {needed}, or choose another way to be contacted", field="contact_details"
        )
    values = {"contact_preference": contact_preference, "contact_details": contact_details}
    changed = _changed(participant, values)
    for field, value in values.items():
        setattr(participant, field, value)
    participant.updated_by = by
    participant.updated_at = timezone.now()
    participant.save()
    audit.record(
        action="participant.contact_updated",
        by=by,
        project=participant.project,
        target=participant,
        summary=f"Participant {participant.pk} updated their own contact preference "
        f"({', '.join(changed) or 'no changes'})",
        data={"participant": participant.pk, "fields": changed},
    )
    return participant


@transaction.atomic
def mark_left(*, participant: Participant, left_on: object, by: User) -> Participant:
    """Record that someone has stopped taking part. Their record and history stay."""
    _require_manager(project=participant.project, user=by)
    day = _as_date(left_on, field="left_on", what="the date they left")
    if day > _today():
        raise ActionError("The date they left cannot be in the future", field="left_on")
    if participant.left_on is not None:
        raise ActionError(f"{participant.name} is already marked as having left")
    participant.left_on = day
    participant.updated_by = by
    participant.updated_at = timezone.now()
    participant.save(update_fields=["left_on", "updated_by", "updated_at"])
    audit.record(
        action="participant.left",
        by=by,
        project=participant.project,
        target=participant,
        summary=f"Marked participant {participant.pk} as having left on {day.isoformat()}",
        data={"participant": participant.pk},
    )
    return participant


@transaction.atomic
def mark_returned(*, participant: Participant, by: User) -> Participant:
    """Someone who had left takes part again."""
    _require_manager(project=participant.project, user=by)
    if participant.left_on is None:
        raise ActionError(f"{participant.name} is taking part already")
    participant.left_on = None
    participant.updated_by = by
    participant.updated_at = timezone.now()
    participant.save(update_fields=["left_on", "updated_by", "updated_at"])
    audit.record(
        action="participant.returned",
        by=by,
        project=participant.project,
        target=participant,
        summary=f"Marked participant {participant.pk} as taking part again",
        data={"participant": participant.pk},
    )
    return participant


@transaction.atomic
def delete_participant(*, participant: Participant, by: User) -> None:
    """Delete a participant recorded by mistake: only if they have taken part in nothing."""
    project = participant.project
    _require_manager(project=project, user=by)
    involvement = selectors_people.involvement_of(participant)
    if involvement.any:
        raise ActionError(
            f"{participant.name} cannot be deleted: the record shows "
            f"{involvement.sentence()}. Mark them as having left instead, so the history "
            "of who took part stays true."
        )
    pk = participant.pk
    consents = participant.consents.count()
    participant.delete()
    audit.record(
        action="participant.deleted",
        by=by,
        project=project,
        summary=f"Deleted participant {pk} and their {consents} consent record(s)",
        data={"participant": pk, "consents": consents},
    )


# -- consent -----------------------------------------------------------------------------


@transaction.atomic
def record_consent(
    *,
    participant: Participant,
    purpose: str,
    given_on: object,
    how: str = "",
    by: User,
) -> ConsentRecord:
    """Record consent for one purpose, given on a date, and how it was recorded.

    Facilitators record anyone's consent; a member may give their own.
    """
    _require_self_or_manager(participant=participant, user=by)
    if purpose not in ConsentPurpose.values:
        raise ActionError("Choose what the consent is for", field="purpose")
    day = _as_date(given_on, field="given_on", what="the date consent was given")
    if day > _today():
        raise ActionError("The date consent was given cannot be in the future", field="given_on")
    how = how.strip()
    if len(how) > 200:
        raise ActionError("How it was recorded must be 200 characters or fewer", field="how")
    standing = ConsentRecord.objects.select_for_update().filter(
        participant=participant, purpose=purpose, withdrawn_on__isnull=True
    )
    if standing.exists():
        current = standing.first()
        assert current is not None
        raise ActionError(
            f"{participant.name}'s consent to {ConsentPurpose(purpose).label.lower()} was "
            f"already recorded on {selectors_people.long_date(current.given_on)}",
            field="purpose",
        )
    record = ConsentRecord.objects.create(
        participant=participant,
        purpose=purpose,
        given_on=day,
        how=how,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    audit.record(
        action="consent.recorded",
        by=by,
        project=participant.project,
        target=record,
        summary=f"Recorded {purpose} consent {record.pk} of participant {participant.pk}"
        f"{' (by the person themself)' if _is_self(participant, by) else ''}",
        data={"participant": participant.pk, "purpose": purpose, "consent": record.pk},
    )
    return record


@transaction.atomic
def withdraw_consent(
    *, consent: ConsentRecord, withdrawn_on: object = None, by: User
) -> ConsentRecord:
    """Withdraw consent from a date. The record stays, as history.

    Withdrawing consent to equality monitoring deletes the person's equality answers.
    """
    participant = consent.participant
    _require_self_or_manager(participant=participant, user=by)
    day = (
        _today()
        if withdrawn_on in (None, "")
        else _as_date(withdrawn_on, field="withdrawn_on", what="the date it was withdrawn")
    )
    if day > _today():
        raise ActionError(
            "The date consent was withdrawn cannot be in the future", field="withdrawn_on"
        )
    locked = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_on is not None:
        raise ActionError(
            f"This consent was already withdrawn on "
            f"{selectors_people.long_date(locked.withdrawn_on)}"
        )
    if day < locked.given_on:
        raise ActionError(
            "Consent cannot be withdrawn before the date it was given "
            f"({selectors_people.long_date(locked.given_on)})",
            field="withdrawn_on",
        )
    locked.withdrawn_on = day
    locked.save(update_fields=["withdrawn_on"])
    consent.withdrawn_on = day
    erased = False
    if locked.purpose == ConsentPurpose.EQUALITY:
        erased = _erase_equality(participant)
    audit.record(
        action="consent.withdrawn",
        by=by,
        project=participant.project,
        target=locked,
        summary=f"Withdrew {locked.purpose} consent {locked.pk} of participant {participant.pk}"
        f" from {day.isoformat()}"
        f"{' (by the person themself)' if _is_self(participant, by) else ''}"
        f"{'; deleted their equality record' if erased else ''}",
        data={
            "participant": participant.pk,
            "purpose": locked.purpose,
            "consent": locked.pk,
            "equality_deleted": erased,
        },
    )
    return consent


def _erase_equality(participant: Participant) -> bool:
    deleted, _ = EqualityRecord.objects.filter(participant=participant).delete()
    return bool(deleted)


# -- equality monitoring -----------------------------------------------------------------


def _clean_choice(value: str, options: list[tuple[str, str]], *, field: str, what: str) -> str:
    value = (value or "").strip()
    if value and value not in {v for v, _ in options}:
        raise ActionError(f"Choose {what} from the list, or “Prefer not to say”", field=field)
    return value


@transaction.atomic
def record_equality(
    *,
    participant: Participant,
    age_band: str = "",
    sex: str = "",
    ethnicity: str = "",
    disability: str = "",
    imd_decile: int | str | None = None,
    plus_groups: Iterable[PlusGroup] = (),
    by: User,
) -> EqualityRecord:
    """Record (or replace) a person's equality monitoring answers.

    Blank means "prefer not to say". The person answers for themself; a facilitator may
    record answers on their behalf (kept with ``self_declared=False``). Needs the person's
    current consent to equality monitoring.
    """
    _require_self_or_manager(participant=participant, user=by)
    problem = selectors_people.consent_problem(participant, ConsentPurpose.EQUALITY)
    if problem:
        raise ActionError(problem)
    questions = {key: options for key, _, options, _ in selectors_people.equality_questions()}
    values: dict[str, Any] = {
        "age_band": _clean_choice(age_band, questions["age_band"], field="age_band", what="an age"),
        "sex": _clean_choice(sex, questions["sex"], field="sex", what="sex"),
        "ethnicity": _clean_choice(
            ethnicity, questions["ethnicity"], field="ethnicity", what="an ethnic group"
        ),
        "disability": _clean_choice(
            disability, questions["disability"], field="disability", what="an answer"
        ),
    }
    decile = "" if imd_decile is None else str(imd_decile).strip()
    if decile and decile not in {str(n) for n in range(1, 11)}:
        raise ActionError(
            "The deprivation decile is a whole number from 1 to 10", field="imd_decile"
        )
    values["imd_decile"] = int(decile) if decile else None
    groups = list(plus_groups)
    if any(g.organisation_id != participant.project.organisation_id for g in groups):
        raise ActionError("Choose PLUS groups from the list", field="plus_groups")
    values["self_declared"] = _is_self(participant, by)
    values["recorded_at"] = timezone.now()
    replaced = _erase_equality(participant)
    record = EqualityRecord.objects.create(participant=participant, **values)
    record.plus_groups.set(groups)
    audit.record(
        action="equality.replaced" if replaced else "equality.recorded",
        by=by,
        project=participant.project,
        summary=f"{'Replaced' if replaced else 'Recorded'} the equality monitoring answers of "
        f"participant {participant.pk}"
        f"{' (self-declared)' if values['self_declared'] else ' (on their behalf)'}",
        data={"participant": participant.pk, "self_declared": values["self_declared"]},
    )
    return record


@transaction.atomic
def record_equality_with_consent(
    *,
    participant: Participant,
    consent: bool,
    age_band: str = "",
    sex: str = "",
    ethnicity: str = "",
    disability: str = "",
    imd_decile: int | str | None = None,
    plus_groups: Iterable[PlusGroup] = (),
    by: User,
) -> EqualityRecord:
    """A person answers their own equality monitoring, agreeing to it on the same form.

    With ``consent``, their consent to equality monitoring is recorded first (if it does
    not stand already), in the same transaction: if the answers are refused, neither is kept.
    """
    if not _is_self(participant, by):
        raise NotAllowed("Only the person themself can agree to equality monitoring here.")
    if consent and not selectors_people.has_consent(participant, ConsentPurpose.EQUALITY):
        record_consent(
            participant=participant,
            purpose=ConsentPurpose.EQUALITY,
            given_on=_today(),
            how="Agreed on the equality monitoring form, online",
            by=by,
        )
    return record_equality(
        participant=participant,
        age_band=age_band,
        sex=sex,
        ethnicity=ethnicity,
        disability=disability,
        imd_decile=imd_decile,
        plus_groups=plus_groups,
        by=by,
    )


# -- PLUS groups -------------------------------------------------------------------------


def _require_plus_manager(*, organisation: Organisation, user: User) -> None:
    if not selectors_people.can_manage_plus_groups(organisation=organisation, user=user):
        raise NotAllowed(
            "Only facilitators of the organisation's projects can change its PLUS groups."
        )


@transaction.atomic
def add_plus_group(*, organisation: Organisation, name: str, by: User) -> PlusGroup:
    _require_plus_manager(organisation=organisation, user=by)
    name = " ".join(name.split())
    if not name:
        raise ActionError("Enter the name of the group", field="name")
    if len(name) > 150:
        raise ActionError("The name must be 150 characters or fewer", field="name")
    if PlusGroup.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ActionError(f"There is already a PLUS group called {name}", field="name")
    group = PlusGroup.objects.create(organisation=organisation, name=name)
    audit.record(
        action="plus_group.added",
        by=by,
        organisation=organisation,
        target=group,
        summary=f"Added PLUS group {group.pk}",
        data={"plus_group": group.pk},
    )
    return group


@transaction.atomic
def remove_plus_group(*, group: PlusGroup, by: User) -> None:
    organisation = group.organisation
    _require_plus_manager(organisation=organisation, user=by)
    pk = group.pk
    group.delete()
    audit.record(
        action="plus_group.removed",
        by=by,
        organisation=organisation,
        summary=f"Removed PLUS group {pk}",
        data={"plus_group": pk},
    )


# -- check-ins and support ---------------------------------------------------------------


@transaction.atomic
def record_checkin(
    *,
    participant: Participant,
    answers: Mapping[str, object],
    date: object = None,
    by: User,
) -> Checkin:
    """A self-efficacy and knowledge check-in (Thomsen 2017), by the person or on their
    behalf (``self_reported=False``)."""
    _require_self_or_manager(participant=participant, user=by)
    day = _today() if date in (None, "") else _as_date(date, field="date", what="the date")
    if day > _today():
        raise ActionError("The date of the check-in cannot be in the future", field="date")
    cleaned = _clean_checkin_answers(answers)
    checkin = Checkin.objects.create(
        participant=participant,
        date=day,
        answers=cleaned,
        self_reported=_is_self(participant, by),
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    audit.record(
        action="checkin.recorded",
        by=by,
        project=participant.project,
        target=checkin,
        summary=f"Recorded check-in {checkin.pk} of participant {participant.pk}"
        f"{' (self-reported)' if checkin.self_reported else ' (on their behalf)'}",
        data={"participant": participant.pk, "checkin": checkin.pk},
    )
    return checkin


def _clean_checkin_answers(answers: Mapping[str, object]) -> dict[str, int]:
    numbers: dict[str, int] = {}
    for key, raw in answers.items():
        if raw in (None, ""):
            continue
        try:
            numbers[key] = int(str(raw))
        except ValueError:
            raise ActionError("Choose one of the answers", field=key) from None
    try:
        cleaned = core_self_efficacy.check_answers(numbers)
    except ParticipationInputError as error:
        raise ActionError(error.message, field=error.field) from None
    return {item.key: value for item, value in cleaned.items()}


def _clean_support(
    *, kind: str, offered_on: object, taken_up: bool | None, note: str
) -> dict[str, Any]:
    if kind not in SupportKind.values:
        raise ActionError("Choose the kind of support", field="kind")
    day = _as_date(offered_on, field="offered_on", what="the date it was offered")
    if day > _today():
        raise ActionError("The date it was offered cannot be in the future", field="offered_on")
    note = note.strip()
    if len(note) > 300:
        raise ActionError("The note must be 300 characters or fewer", field="note")
    if kind == SupportKind.OTHER and not note:
        raise ActionError("Say what the support is", field="note")
    return {"kind": kind, "offered_on": day, "taken_up": taken_up, "note": note}


@transaction.atomic
def offer_support(
    *,
    participant: Participant,
    kind: str,
    offered_on: object,
    taken_up: bool | None = None,
    note: str = "",
    by: User,
) -> SupportOffer:
    """Record support offered to someone: training, a buddy, expenses paid in advance..."""
    _require_manager(project=participant.project, user=by)
    values = _clean_support(kind=kind, offered_on=offered_on, taken_up=taken_up, note=note)
    offer = SupportOffer.objects.create(
        participant=participant, created_by=by, updated_by=by, **values
    )
    audit.record(
        action="support.offered",
        by=by,
        project=participant.project,
        target=offer,
        summary=f"Recorded {offer.kind} support {offer.pk} offered to participant {participant.pk}",
        data={"participant": participant.pk, "support": offer.pk, "kind": offer.kind},
    )
    return offer


@transaction.atomic
def update_support(
    *,
    offer: SupportOffer,
    kind: str,
    offered_on: object,
    taken_up: bool | None = None,
    note: str = "",
    by: User,
) -> SupportOffer:
    participant = offer.participant
    _require_manager(project=participant.project, user=by)
    values = _clean_support(kind=kind, offered_on=offered_on, taken_up=taken_up, note=note)
    changed = _changed(offer, values)
    for field, value in values.items():
        setattr(offer, field, value)
    offer.updated_by = by
    offer.updated_at = timezone.now()
    offer.save()
    audit.record(
        action="support.updated",
        by=by,
        project=participant.project,
        target=offer,
        summary=f"Updated support {offer.pk} of participant {participant.pk} "
        f"({', '.join(changed) or 'no changes'})",
        data={"participant": participant.pk, "support": offer.pk, "fields": changed},
    )
    return offer

"""The one place that records activities, attendance, decisions and the influence log.

Every function is keyword-only, atomic, takes the acting user as ``by`` and writes an
audit event (docs/adr/0004). Audit summaries name things by id and field names only:
never what people said, names of participants, or anything else typed in.

Members who are not observers record; only facilitators delete.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from coproduce.participation import payments as core_payments
from coproduce.participation import validation as core_validation
from coproduce.web.accounts.models import User
from coproduce.web.audit import actions as audit
from coproduce.web.errors import ActionError, NotAllowed, clean_text
from coproduce.web.improvement.models import ChangeIdea, PDSACycle
from coproduce.web.projects.models import Project

from . import selectors, selectors_people
from . import selectors_activities as activity_selectors
from .models import (
    Activity,
    ActivityKind,
    Attendance,
    ConsentPurpose,
    Contribution,
    Decision,
    Group,
    Outcome,
    Participant,
    Rung,
    ServicePhase,
)
from .selectors_people import long_date


def _require_recorder(*, project: Project, user: User) -> None:
    if not selectors.can_record(project=project, user=user):
        raise NotAllowed("Observers can see participation but not record it.")


def _require_facilitator(*, project: Project, user: User) -> None:
    if not selectors.can_manage(project=project, user=user):
        raise NotAllowed("Only the project's facilitators can delete participation records.")


def _assign(obj: Any, values: dict[str, Any], *, by: User) -> list[str]:
    """Set ``values`` on ``obj``, stamp who and when, save, and return the changed fields."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name, value in values.items():
        setattr(obj, name, value)
    obj.updated_by = by
    obj.updated_at = timezone.now()
    obj.save()
    return changed


def _date(value: object, *, field: str, message: str) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ActionError(message, field=field)
    return value


def _hours(value: object, *, field: str, who: str = "") -> Decimal:
    """Hours as a Decimal, refused with the core's reason when negative or implausible."""
    if value is None or (isinstance(value, str) and not value.strip()):
        message = "Enter the hours, for example 1.5"
        raise ActionError(f"{who}: {message}" if who else message, field=field)
    try:
        hours = core_validation.check_hours(value)  # type: ignore[arg-type]
    except core_validation.ParticipationInputError as error:
        raise ActionError(f"{who}: {error.reason}" if who else error.reason, field=field) from None
    return hours.quantize(Decimal("0.01"))


def _rung(value: object, *, field: str, required: bool) -> int | None:
    if value in (None, ""):
        if required:
            raise ActionError("Choose the rung of the ladder you plan to reach", field=field)
        return None
    try:
        rung = int(str(value))
    except ValueError:
        rung = 0
    if rung not in Rung.values:
        raise ActionError("Choose a rung of the ladder from 1 to 7", field=field)
    return rung


def _check_project(obj: Any, project: Project, *, field: str, message: str) -> None:
    if obj is None:
        return
    owner = obj.change_idea.project_id if isinstance(obj, PDSACycle) else obj.project_id
    if owner != project.pk:
        raise ActionError(message, field=field)


def _unknown_participant(ids: Sequence[int], known: Iterable[int]) -> str | None:
    """The core's refusal of ids that are not the project's participants, or None."""
    try:
        core_validation.check_attendance([str(pk) for pk in ids], [str(pk) for pk in known])
    except core_validation.ParticipationInputError as error:
        return error.reason
    return None


def _participants_in(
    *, project: Project, participants: Iterable[Participant | int], field: str
) -> list[Participant]:
    """The participants, refused unless every one of them is in ``project``."""
    ids = [p.pk if isinstance(p, Participant) else p for p in participants]
    known = {p.pk: p for p in selectors.participants_of(project=project).filter(pk__in=ids)}
    problem = _unknown_participant(ids, known)
    if problem is not None:
        raise ActionError(problem, field=field)
    return [known[pk] for pk in dict.fromkeys(ids)]


def _check_consent(participants: Sequence[Participant], *, on: datetime.date, field: str) -> None:
    """Refused, with ``selectors_people.consent_problem``'s reason, unless everyone's consent
    to take part covered ``on`` (their consent is read in one query)."""
    problems = selectors_people.consent_problems(
        participants=participants, purpose=ConsentPurpose.TAKE_PART, on=on
    )
    if problems:
        raise ActionError(next(iter(problems.values())), field=field)


def _left_before_problem(participant: Participant, day: datetime.date) -> str | None:
    """Why ``participant`` cannot have attended on ``day``: they had left before it."""
    if participant.left_on is not None and participant.left_on < day:
        return (
            f"{participant.name} left the project on {long_date(participant.left_on)}, "
            "before this activity; their attendance cannot be recorded"
        )
    return None


# -- activities ---------------------------------------------------------------------------


def _clean_activity(
    *,
    project: Project,
    title: object,
    kind: object,
    labelled_as: object,
    date: object,
    hours: object,
    rung_planned: object,
    rung_achieved: object,
    phase: object,
    notes: object,
    pdsa_cycle: PDSACycle | None,
    group: Group | None,
) -> dict[str, Any]:
    if kind not in ActivityKind.values:
        raise ActionError("Choose what kind of activity it was", field="kind")
    if phase not in ServicePhase.values:
        raise ActionError("Choose the phase of the service cycle", field="phase")
    _check_project(
        pdsa_cycle, project, field="pdsa_cycle", message="Choose one of this project's PDSA cycles"
    )
    _check_project(group, project, field="group", message="Choose one of this project's groups")
    return {
        "title": clean_text(
            title, field="title", required="Enter a short title for the activity", limit=200
        ),
        "kind": kind,
        "labelled_as": clean_text(labelled_as, field="labelled_as", limit=200),
        "date": _date(date, field="date", message="Enter the date of the activity"),
        "hours": _hours(hours, field="hours"),
        "rung_planned": _rung(rung_planned, field="rung_planned", required=True),
        "rung_achieved": _rung(rung_achieved, field="rung_achieved", required=False),
        "phase": phase,
        "notes": clean_text(notes, field="notes"),
        "pdsa_cycle": pdsa_cycle,
        "group": group,
    }


@transaction.atomic
def create_activity(
    *,
    project: Project,
    title: str,
    kind: str,
    date: datetime.date,
    hours: object,
    rung_planned: object,
    phase: str,
    labelled_as: str = "",
    rung_achieved: object = None,
    notes: str = "",
    pdsa_cycle: PDSACycle | None = None,
    group: Group | None = None,
    by: User,
) -> Activity:
    """Record a meeting, interview, event, co-design group, PDSA test or survey."""
    _require_recorder(project=project, user=by)
    values = _clean_activity(
        project=project,
        title=title,
        kind=kind,
        labelled_as=labelled_as,
        date=date,
        hours=hours,
        rung_planned=rung_planned,
        rung_achieved=rung_achieved,
        phase=phase,
        notes=notes,
        pdsa_cycle=pdsa_cycle,
        group=group,
    )
    activity = Activity.objects.create(project=project, created_by=by, updated_by=by, **values)
    audit.record(
        action="activity.created",
        by=by,
        project=project,
        target=activity,
        summary=f"Recorded activity {activity.pk} ({activity.kind})",
        data={"activity": activity.pk, "kind": activity.kind},
    )
    return activity


@transaction.atomic
def update_activity(
    *,
    activity: Activity,
    title: str,
    kind: str,
    date: datetime.date,
    hours: object,
    rung_planned: object,
    phase: str,
    labelled_as: str = "",
    rung_achieved: object = None,
    notes: str = "",
    pdsa_cycle: PDSACycle | None = None,
    group: Group | None = None,
    by: User,
) -> Activity:
    """Change an activity, for example to say which rung it achieved afterwards."""
    _require_recorder(project=activity.project, user=by)
    values = _clean_activity(
        project=activity.project,
        title=title,
        kind=kind,
        labelled_as=labelled_as,
        date=date,
        hours=hours,
        rung_planned=rung_planned,
        rung_achieved=rung_achieved,
        phase=phase,
        notes=notes,
        pdsa_cycle=pdsa_cycle,
        group=group,
    )
    if values["date"] != activity.date:
        # The attendance recorded must still hold on the new date.
        attending = [row.participant for row in activity_selectors.attendance_of(activity)]
        for participant in attending:
            problem = _left_before_problem(participant, values["date"])
            if problem is not None:
                raise ActionError(problem, field="date")
        _check_consent(attending, on=values["date"], field="date")
    changed = _assign(activity, values, by=by)
    audit.record(
        action="activity.updated",
        by=by,
        project=activity.project,
        target=activity,
        summary=f"Updated activity {activity.pk} ({', '.join(changed) or 'no changes'})",
        data={"activity": activity.pk, "fields": changed},
    )
    return activity


@transaction.atomic
def delete_activity(*, activity: Activity, by: User) -> None:
    """Delete an activity and its attendance; its decisions and contributions stay."""
    _require_facilitator(project=activity.project, user=by)
    pk = activity.pk
    attendance = activity.attendance.count()
    activity.delete()
    audit.record(
        action="activity.deleted",
        by=by,
        project=activity.project,
        summary=f"Deleted activity {pk} and its {attendance} attendance record(s)",
        data={"activity": pk, "attendance": attendance},
    )


# -- attendance ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceRow:
    """One person at an activity: who (by participant id), for how long, with support."""

    participant_id: int
    hours: object
    assisted: bool = False


class AttendanceError(ActionError):
    """An attendance refusal that concerns one person's row of the form."""

    def __init__(self, message: str, *, participant_id: int | None, part: str = "hours") -> None:
        super().__init__(message, field="attendance")
        self.participant_id = participant_id
        self.part = part


def _payment(participant: Participant, hours: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """The rate and amount owed to ``participant`` for ``hours``: (None, None) if they do
    not want paying. Refused when their tier or its hourly rate is missing."""
    if not participant.wants_payment:
        return None, None
    tier = participant.payment_tier
    if tier is None:
        raise AttendanceError(
            f"{participant.name} wants to be paid but has no payment tier. A facilitator can "
            "set one on their participant page; then record the attendance again.",
            participant_id=participant.pk,
            part="attended",
        )
    if tier.hourly_rate is None:
        raise AttendanceError(
            f"{participant.name} wants to be paid but their payment tier “{tier.name}” has no "
            "hourly rate. A facilitator can set it in the organisation's payment rates; then "
            "record the attendance again.",
            participant_id=participant.pk,
            part="attended",
        )
    try:
        amount = core_payments.activity_payment(hours, hourly_rate=tier.hourly_rate)
    except core_payments.ParticipationInputError as error:
        raise AttendanceError(
            f"{participant.name}: {error.reason}", participant_id=participant.pk
        ) from None
    return tier.hourly_rate, amount


@transaction.atomic
def record_attendance(
    *, activity: Activity, rows: Sequence[AttendanceRow], by: User
) -> list[Attendance]:
    """Say who attended ``activity``: the rows replace its attendance, all or nothing.

    Refused, with nothing saved, for hours that are negative or implausible, people who
    are not in the project, people whose consent to take part was withdrawn before the
    activity, and people who want paying but whose payment tier or rate is missing.
    """
    project = activity.project
    _require_recorder(project=project, user=by)
    ids = [row.participant_id for row in rows]
    known = {p.pk: p for p in selectors.participants_of(project=project).filter(pk__in=ids)}
    problem = _unknown_participant(ids, known)
    if problem is not None:
        unknown = next((pk for pk in ids if pk not in known), None)
        raise AttendanceError(problem, participant_id=unknown, part="attended")
    if len(set(ids)) != len(ids):
        twice = next(pk for pk in ids if ids.count(pk) > 1)
        raise AttendanceError(
            f"{known[twice].name} is listed twice: record each person once",
            participant_id=twice,
            part="attended",
        )
    cleaned: list[tuple[Participant, Decimal, bool]] = []
    for row in rows:
        participant = known[row.participant_id]
        left = _left_before_problem(participant, activity.date)
        if left is not None:
            raise AttendanceError(left, participant_id=participant.pk, part="attended")
        try:
            hours = _hours(row.hours, field="hours", who=participant.name)
        except ActionError as error:
            raise AttendanceError(error.message, participant_id=participant.pk) from None
        cleaned.append((participant, hours, row.assisted))
    problems = selectors_people.consent_problems(
        participants=[p for p, _, _ in cleaned], purpose=ConsentPurpose.TAKE_PART, on=activity.date
    )
    if problems:
        pk, message = next(iter(problems.items()))
        raise AttendanceError(message, participant_id=pk, part="attended")
    payments = {p.pk: _payment(p, hours) for p, hours, _ in cleaned}

    existing = {row.participant_id: row for row in Attendance.objects.filter(activity=activity)}
    removed = [pk for pk in existing if pk not in known]
    Attendance.objects.filter(activity=activity, participant_id__in=removed).delete()
    saved: list[Attendance] = []
    for participant, hours, assisted in cleaned:
        rate, amount = payments[participant.pk]
        tier = participant.payment_tier
        tier_name = tier.name if amount is not None and tier is not None else ""
        before = existing.get(participant.pk)
        if amount is not None and before is not None and before.rate is not None:
            # Payments are fixed when earned (docs/adr/0010): a correction of the hours keeps
            # the rate and tier of the time, even if the tier's rate has changed since.
            rate, tier_name = before.rate, before.tier_name
            amount = core_payments.activity_payment(hours, hourly_rate=rate)
        values = {
            "hours": hours,
            "assisted": assisted,
            "rate": rate,
            "amount": amount,
            "tier_name": tier_name,
        }
        attendance, _ = Attendance.objects.update_or_create(
            activity=activity, participant=participant, defaults=values
        )
        saved.append(attendance)
    audit.record(
        action="attendance.recorded",
        by=by,
        project=project,
        target=activity,
        summary=(
            f"Recorded attendance at activity {activity.pk}: {len(saved)} participant(s), "
            f"{len(removed)} removed"
        ),
        data={
            "activity": activity.pk,
            "participants": [row.participant_id for row in saved],
            "removed": removed,
            "paid": [pk for pk, (_, amount) in payments.items() if amount is not None],
        },
    )
    return saved


# -- decisions ----------------------------------------------------------------------------


def _clean_decision(
    *,
    project: Project,
    date: object,
    summary: object,
    taken_by: object,
    activity: Activity | None,
    present: Iterable[Participant | int] | None,
    change_idea: ChangeIdea | None,
) -> tuple[dict[str, Any], list[Participant]]:
    _check_project(
        activity, project, field="activity", message="Choose one of this project's activities"
    )
    _check_project(
        change_idea,
        project,
        field="change_idea",
        message="Choose one of this project's change ideas",
    )
    day = _date(date, field="date", message="Enter the date of the decision")
    values = {
        "date": day,
        "summary": clean_text(summary, field="summary", required="Say what was decided"),
        "taken_by": clean_text(
            taken_by, field="taken_by", required="Say how it was decided, and by whom", limit=200
        ),
        "activity": activity,
        "change_idea": change_idea,
    }
    present = list(present or [])
    if not present and activity is not None:
        people = [row.participant for row in activity_selectors.attendance_of(activity)]
    else:
        people = _participants_in(project=project, participants=present, field="present")
    _check_consent(people, on=day, field="present")
    return values, people


@transaction.atomic
def create_decision(
    *,
    project: Project,
    date: datetime.date,
    summary: str,
    taken_by: str,
    activity: Activity | None = None,
    present: Iterable[Participant | int] | None = None,
    change_idea: ChangeIdea | None = None,
    by: User,
) -> Decision:
    """Record a decision and who was present. With an activity and nobody named as
    present, those who attended the activity were present."""
    _require_recorder(project=project, user=by)
    values, people = _clean_decision(
        project=project,
        date=date,
        summary=summary,
        taken_by=taken_by,
        activity=activity,
        present=present,
        change_idea=change_idea,
    )
    decision = Decision.objects.create(project=project, created_by=by, updated_by=by, **values)
    decision.present.set(people)
    audit.record(
        action="decision.created",
        by=by,
        project=project,
        target=decision,
        summary=f"Recorded decision {decision.pk} with {len(people)} participant(s) present",
        data={
            "decision": decision.pk,
            "activity": activity.pk if activity else None,
            "present": [p.pk for p in people],
        },
    )
    return decision


@transaction.atomic
def update_decision(
    *,
    decision: Decision,
    date: datetime.date,
    summary: str,
    taken_by: str,
    activity: Activity | None = None,
    present: Iterable[Participant | int] | None = None,
    change_idea: ChangeIdea | None = None,
    by: User,
) -> Decision:
    _require_recorder(project=decision.project, user=by)
    values, people = _clean_decision(
        project=decision.project,
        date=date,
        summary=summary,
        taken_by=taken_by,
        activity=activity,
        present=present,
        change_idea=change_idea,
    )
    before = set(decision.present.values_list("pk", flat=True))
    changed = _assign(decision, values, by=by)
    if before != {p.pk for p in people}:
        changed.append("present")
    decision.present.set(people)
    audit.record(
        action="decision.updated",
        by=by,
        project=decision.project,
        target=decision,
        summary=f"Updated decision {decision.pk} ({', '.join(changed) or 'no changes'})",
        data={"decision": decision.pk, "fields": changed, "present": [p.pk for p in people]},
    )
    return decision


@transaction.atomic
def delete_decision(*, decision: Decision, by: User) -> None:
    _require_facilitator(project=decision.project, user=by)
    pk = decision.pk
    decision.delete()
    audit.record(
        action="decision.deleted",
        by=by,
        project=decision.project,
        summary=f"Deleted decision {pk}",
        data={"decision": pk},
    )


# -- the influence log --------------------------------------------------------------------


def _contributors(
    *,
    project: Project,
    contributors: Iterable[Participant | int],
    activity: Activity | None,
    whole_group: bool,
) -> list[Participant]:
    if whole_group:
        if activity is None:
            raise ActionError(
                "Choose the activity whose whole group made the contribution", field="activity"
            )
        people = [row.participant for row in activity_selectors.attendance_of(activity)]
        if not people and activity.group is not None:
            people = list(activity.group.members.filter(project=project).order_by("name", "pk"))
        if not people:
            raise ActionError(
                "Nobody is recorded at that activity yet: record who attended first, or "
                "choose the contributors",
                field="contributors",
            )
        return people
    people = _participants_in(project=project, participants=contributors, field="contributors")
    if not people:
        raise ActionError(
            "Choose who made the contribution, or say it came from the activity's whole group",
            field="contributors",
        )
    return people


def _clean_contribution(
    *,
    project: Project,
    date: object,
    said: object,
    contributors: Iterable[Participant | int],
    activity: Activity | None,
    whole_group: bool,
) -> tuple[dict[str, Any], list[Participant]]:
    _check_project(
        activity, project, field="activity", message="Choose one of this project's activities"
    )
    day = _date(date, field="date", message="Enter the date of the contribution")
    values = {
        "date": day,
        "said": clean_text(said, field="said", required="Say what was said or suggested"),
        "activity": activity,
    }
    people = _contributors(
        project=project, contributors=contributors, activity=activity, whole_group=whole_group
    )
    _check_consent(people, on=day, field="contributors")
    return values, people


@transaction.atomic
def create_contribution(
    *,
    project: Project,
    date: datetime.date,
    said: str,
    contributors: Iterable[Participant | int] = (),
    activity: Activity | None = None,
    whole_group: bool = False,
    by: User,
) -> Contribution:
    """ "You said": log what one or more participants (or an activity's whole group) said."""
    _require_recorder(project=project, user=by)
    values, people = _clean_contribution(
        project=project,
        date=date,
        said=said,
        contributors=contributors,
        activity=activity,
        whole_group=whole_group,
    )
    contribution = Contribution.objects.create(
        project=project, created_by=by, updated_by=by, **values
    )
    contribution.contributors.set(people)
    audit.record(
        action="contribution.created",
        by=by,
        project=project,
        target=contribution,
        summary=f"Logged contribution {contribution.pk} from {len(people)} participant(s)",
        data={"contribution": contribution.pk, "contributors": [p.pk for p in people]},
    )
    return contribution


@transaction.atomic
def update_contribution(
    *,
    contribution: Contribution,
    date: datetime.date,
    said: str,
    contributors: Iterable[Participant | int] = (),
    activity: Activity | None = None,
    whole_group: bool = False,
    by: User,
) -> Contribution:
    _require_recorder(project=contribution.project, user=by)
    values, people = _clean_contribution(
        project=contribution.project,
        date=date,
        said=said,
        contributors=contributors,
        activity=activity,
        whole_group=whole_group,
    )
    before = set(contribution.contributors.values_list("pk", flat=True))
    changed = _assign(contribution, values, by=by)
    if before != {p.pk for p in people}:
        changed.append("contributors")
    contribution.contributors.set(people)
    audit.record(
        action="contribution.updated",
        by=by,
        project=contribution.project,
        target=contribution,
        summary=f"Updated contribution {contribution.pk} ({', '.join(changed) or 'no changes'})",
        data={"contribution": contribution.pk, "fields": changed},
    )
    return contribution


@transaction.atomic
def respond_to_contribution(
    *,
    contribution: Contribution,
    outcome: str,
    response: str = "",
    change_idea: ChangeIdea | None = None,
    pdsa_cycle: PDSACycle | None = None,
    decision: Decision | None = None,
    fed_back_on: datetime.date | None = None,
    by: User,
) -> Contribution:
    """ "We did": what changed because of a contribution, or why it was not taken forward.

    A response is required unless the outcome is still pending. The outcome's date is
    set when it is first decided (or changes), and cleared if it goes back to pending.
    """
    project = contribution.project
    _require_recorder(project=project, user=by)
    if outcome not in Outcome.values:
        raise ActionError("Choose what happened to the contribution", field="outcome")
    response = clean_text(response, field="response")
    if outcome == Outcome.CHANGED and not response:
        raise ActionError("Say what changed because of it", field="response")
    if outcome == Outcome.NOT_TAKEN_FORWARD and not response:
        raise ActionError("Say why it was not taken forward", field="response")
    _check_project(
        change_idea,
        project,
        field="change_idea",
        message="Choose one of this project's change ideas",
    )
    _check_project(
        pdsa_cycle, project, field="pdsa_cycle", message="Choose one of this project's PDSA cycles"
    )
    _check_project(
        decision, project, field="decision", message="Choose one of this project's decisions"
    )
    if fed_back_on is not None:
        fed_back_on = _date(fed_back_on, field="fed_back_on", message="Enter the date as a date")
        if fed_back_on > timezone.localdate():
            raise ActionError(
                "The date the contributors were told cannot be in the future", field="fed_back_on"
            )
        if fed_back_on < contribution.date:
            raise ActionError(
                "The contributors cannot have been told before they made the contribution",
                field="fed_back_on",
            )
    if outcome == Outcome.PENDING:
        outcome_on = None
    elif outcome != contribution.outcome or contribution.outcome_on is None:
        outcome_on = timezone.localdate()
    else:
        outcome_on = contribution.outcome_on
    values = {
        "outcome": outcome,
        "response": response,
        "outcome_on": outcome_on,
        "change_idea": change_idea,
        "pdsa_cycle": pdsa_cycle,
        "decision": decision,
        "fed_back_on": fed_back_on,
    }
    changed = _assign(contribution, values, by=by)
    audit.record(
        action="contribution.responded",
        by=by,
        project=project,
        target=contribution,
        summary=(
            f"Responded to contribution {contribution.pk}: {outcome} "
            f"({', '.join(changed) or 'no changes'})"
        ),
        data={"contribution": contribution.pk, "outcome": outcome, "fields": changed},
    )
    return contribution


@transaction.atomic
def mark_fed_back(
    *, contribution: Contribution, on: datetime.date | None = None, by: User
) -> Contribution:
    """Record that the contributors were told what happened (today, unless ``on``)."""
    _require_recorder(project=contribution.project, user=by)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ActionError(
            "The date the contributors were told cannot be in the future", field="fed_back_on"
        )
    if on < contribution.date:
        raise ActionError(
            "The contributors cannot have been told before they made the contribution",
            field="fed_back_on",
        )
    contribution.fed_back_on = on
    contribution.updated_by = by
    contribution.updated_at = timezone.now()
    contribution.save(update_fields=["fed_back_on", "updated_by", "updated_at"])
    audit.record(
        action="contribution.fed_back",
        by=by,
        project=contribution.project,
        target=contribution,
        summary=f"Marked contribution {contribution.pk} as fed back on {on.isoformat()}",
        data={"contribution": contribution.pk, "fed_back_on": on.isoformat()},
    )
    return contribution


@transaction.atomic
def delete_contribution(*, contribution: Contribution, by: User) -> None:
    _require_facilitator(project=contribution.project, user=by)
    pk = contribution.pk
    contribution.delete()
    audit.record(
        action="contribution.deleted",
        by=by,
        project=contribution.project,
        summary=f"Deleted contribution {pk}",
        data={"contribution": pk},
    )

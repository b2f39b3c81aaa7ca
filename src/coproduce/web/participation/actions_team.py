"""The one place that writes groups, their stage (pulses and the facilitator's log) and the
self-assessments (nef's six principles; Sharma et al.'s four capabilities).

Every function is keyword-only, atomic, takes the acting user as ``by`` and writes an audit
event (docs/adr/0004). Audit summaries name things by id and field names only: never group
members' names, notes, evidence, or the stage someone chose in a pulse.

Pulse anonymity: an answer only adds one to its stage's count (``PulseTally``; the five rows of
a round are made when it opens, so no row's id or creation order follows an answer); a
separate receipt (``PulseReceipt``) records only that the member answered, so that they
answer once. Both are written in one transaction, or neither.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from coproduce.participation import ladders
from coproduce.participation import team as core_team
from coproduce.participation.validation import ParticipationInputError
from coproduce.web.accounts.models import User
from coproduce.web.audit import actions as audit
from coproduce.web.errors import ActionError, NotAllowed, clean_text
from coproduce.web.projects.models import Organisation, Project

from . import selectors
from . import selectors_team as team_selectors
from .models import (
    CapabilityAssessment,
    Group,
    GroupStage,
    Participant,
    PrinciplesAssessment,
    PulseReceipt,
    PulseRound,
    PulseTally,
    StageLog,
)

EVIDENCE_LIMIT = 2000


def _today() -> datetime.date:
    return timezone.localdate()


def _require_facilitator(*, project: Project, user: User) -> None:
    if not selectors.can_manage(project=project, user=user):
        raise NotAllowed("Only the project's facilitators can do this.")


def _require_recorder(*, project: Project, user: User) -> None:
    if not selectors.can_record(project=project, user=user):
        raise NotAllowed("Observers can see the assessments but not record them.")


def _past_date(value: object, *, field: str, what: str) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ActionError(f"Enter {what}", field=field)
    if value > _today():
        raise ActionError(f"{what[0].upper()}{what[1:]} cannot be in the future", field=field)
    return value


# -- groups ---------------------------------------------------------------------------------


def _clean_group(
    *,
    project: Project,
    group: Group | None,
    name: object,
    purpose: object,
    members: Iterable[Participant | int],
) -> tuple[dict[str, Any], list[Participant]]:
    clean_name = clean_text(name, field="name", required="Enter the name of the group", limit=150)
    same = Group.objects.filter(project=project, name__iexact=clean_name)
    if group is not None:
        same = same.exclude(pk=group.pk)
    if same.exists():
        raise ActionError("The project already has a group with this name", field="name")
    ids = list(dict.fromkeys(m.pk if isinstance(m, Participant) else m for m in members))
    known = {p.pk: p for p in selectors.participants_of(project=project).filter(pk__in=ids)}
    if len(known) != len(ids):
        raise ActionError(
            "Choose the group's members from this project's participants", field="members"
        )
    return (
        {"name": clean_name, "purpose": clean_text(purpose, field="purpose", limit=300)},
        [known[pk] for pk in ids],
    )


@transaction.atomic
def create_group(
    *,
    project: Project,
    name: str,
    purpose: str = "",
    members: Iterable[Participant | int] = (),
    by: User,
) -> Group:
    """Set up a co-design group, improvement team or steering group of the project."""
    _require_facilitator(project=project, user=by)
    values, people = _clean_group(
        project=project, group=None, name=name, purpose=purpose, members=members
    )
    try:
        with transaction.atomic():
            group = Group.objects.create(project=project, created_by=by, updated_by=by, **values)
    except IntegrityError:
        raise ActionError("The project already has a group with this name", field="name") from None
    group.members.set(people)
    audit.record(
        action="group.created",
        by=by,
        project=project,
        target=group,
        summary=f"Set up group {group.pk} with {len(people)} member(s)",
        data={"group": group.pk, "members": [p.pk for p in people]},
    )
    return group


@transaction.atomic
def update_group(
    *,
    group: Group,
    name: str,
    purpose: str = "",
    members: Iterable[Participant | int] = (),
    by: User,
) -> Group:
    project = group.project
    _require_facilitator(project=project, user=by)
    values, people = _clean_group(
        project=project, group=group, name=name, purpose=purpose, members=members
    )
    changed = [key for key, value in values.items() if getattr(group, key) != value]
    before = set(group.members.values_list("pk", flat=True))
    if before != {p.pk for p in people}:
        changed.append("members")
    for key, value in values.items():
        setattr(group, key, value)
    group.updated_by = by
    group.updated_at = timezone.now()
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:
        raise ActionError("The project already has a group with this name", field="name") from None
    group.members.set(people)
    audit.record(
        action="group.updated",
        by=by,
        project=project,
        target=group,
        summary=f"Updated group {group.pk} ({', '.join(changed) or 'no changes'})",
        data={"group": group.pk, "fields": changed, "members": [p.pk for p in people]},
    )
    return group


@transaction.atomic
def delete_group(*, group: Group, by: User) -> None:
    """Delete a group with its pulse rounds and stage log; its activities stay, unlinked."""
    project = group.project
    _require_facilitator(project=project, user=by)
    pk = group.pk
    rounds = group.pulse_rounds.count()
    logged = group.stage_log.count()
    group.delete()
    audit.record(
        action="group.deleted",
        by=by,
        project=project,
        summary=f"Deleted group {pk} with {rounds} pulse round(s) and {logged} stage log entries",
        data={"group": pk, "pulse_rounds": rounds, "stage_log": logged},
    )


# -- the facilitator's stage log ----------------------------------------------------------------


@transaction.atomic
def log_stage(
    *, group: Group, date: datetime.date, stage: str, note: str = "", by: User
) -> StageLog:
    """The facilitator's reading of the group's stage on a date. Moving back to an earlier
    stage is allowed: groups regress (DOMAIN.md §1.6)."""
    project = group.project
    _require_facilitator(project=project, user=by)
    if stage not in GroupStage.values:
        raise ActionError("Choose the stage the group is in", field="stage")
    entry = StageLog.objects.create(
        group=group,
        date=_past_date(date, field="date", what="the date"),
        stage=stage,
        note=clean_text(note, field="note", limit=300),
        recorded_by=by,
    )
    audit.record(
        action="group.stage_logged",
        by=by,
        project=project,
        target=entry,
        summary=f"Logged stage {stage} for group {group.pk}",
        data={"group": group.pk, "stage_log": entry.pk, "stage": stage},
    )
    return entry


@transaction.atomic
def delete_stage_log(*, entry: StageLog, by: User) -> None:
    group = entry.group
    _require_facilitator(project=group.project, user=by)
    pk = entry.pk
    entry.delete()
    audit.record(
        action="group.stage_log_deleted",
        by=by,
        project=group.project,
        summary=f"Deleted stage log entry {pk} of group {group.pk}",
        data={"group": group.pk, "stage_log": pk},
    )


# -- anonymous pulses -----------------------------------------------------------------------------


@transaction.atomic
def open_pulse(*, group: Group, by: User) -> PulseRound:
    """Open a round of the anonymous stage pulse for the group's members.

    Refused while another round is open, and when fewer than 5 current members have an
    account: their answers could then never be shown.
    """
    project = group.project
    _require_facilitator(project=project, user=by)
    if team_selectors.open_round(group) is not None:
        raise ActionError("A round is already open for this group: close it first")
    can_answer = team_selectors.pulse_members(group).count()
    if can_answer < team_selectors.THRESHOLD:
        raise ActionError(
            f"Fewer than {team_selectors.THRESHOLD} of the group's current members are linked "
            f"to an account, so fewer than {team_selectors.THRESHOLD} could answer and the "
            "results could never be shown. Link more members to their accounts, or use the "
            "stage log instead."
        )
    pulse = PulseRound.objects.create(group=group, opened_on=_today(), opened_by=by)
    PulseTally.objects.bulk_create(PulseTally(round=pulse, stage=stage) for stage in GroupStage)
    audit.record(
        action="pulse.opened",
        by=by,
        project=project,
        target=pulse,
        summary=f"Opened pulse round {pulse.pk} for group {group.pk}",
        data={"group": group.pk, "round": pulse.pk},
    )
    return pulse


@transaction.atomic
def answer_pulse(*, pulse: PulseRound, stage: str, by: User) -> None:
    """A member says, anonymously, which stage the group is in; once per round.

    The answer row holds only the round and the stage; the receipt holds only the round and
    the member. Nothing returned, and nothing audited, says which answer was theirs.
    """
    group = pulse.group
    member = team_selectors.member_for(group=group, user=by)
    if member is None:
        raise NotAllowed("Only current members of the group who have an account can answer.")
    if pulse.closed_on is not None:
        raise ActionError("This round is closed: answers are no longer taken")
    if stage not in GroupStage.values:
        raise ActionError("Choose the stage you think the group is in", field="stage")
    if team_selectors.has_answered(pulse, member):
        raise ActionError("You have already answered this round: each member answers once")
    try:
        with transaction.atomic():
            PulseReceipt.objects.create(round=pulse, participant=member)
            PulseTally.objects.filter(round=pulse, stage=stage).update(count=F("count") + 1)
    except IntegrityError:
        raise ActionError(
            "You have already answered this round: each member answers once"
        ) from None
    audit.record(
        action="pulse.answered",
        by=by,
        project=group.project,
        summary=f"Answered pulse round {pulse.pk} of group {group.pk}",
        data={"group": group.pk, "round": pulse.pk},
    )


@transaction.atomic
def close_pulse(*, pulse: PulseRound, by: User) -> PulseRound:
    group = pulse.group
    _require_facilitator(project=group.project, user=by)
    if pulse.closed_on is not None:
        raise ActionError("This round is already closed")
    pulse.closed_on = _today()
    pulse.save(update_fields=["closed_on"])
    answers = pulse.tallies.aggregate(total=Sum("count"))["total"] or 0
    audit.record(
        action="pulse.closed",
        by=by,
        project=group.project,
        target=pulse,
        summary=f"Closed pulse round {pulse.pk} of group {group.pk}",
        data={
            "group": group.pk,
            "round": pulse.pk,
            "enough_answers": answers >= team_selectors.THRESHOLD,
        },
    )
    return pulse


# -- self-assessments ---------------------------------------------------------------------------


def _clean_assessment(
    *,
    date: object,
    scores: Mapping[str, object],
    evidence: Mapping[str, object],
    framework: team_selectors.Framework,
) -> tuple[datetime.date, dict[str, int], dict[str, str]]:
    """Scores 0–4 for every item and nothing else, checked by the core; evidence trimmed."""
    day = _past_date(date, field="date", what="the date of the assessment")
    clean_scores: dict[str, Any] = {}
    for key, value in scores.items():
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            clean_scores[key] = int(value.strip())
        else:
            clean_scores[key] = value
    clean_evidence: dict[str, str] = {}
    for key, value in evidence.items():
        text = clean_text(value, field=f"evidence_{key}", limit=EVIDENCE_LIMIT)
        if text:
            clean_evidence[key] = text
    try:
        core_team.check_assessment(
            core_team.Assessment(date=day, scores=clean_scores, evidence=clean_evidence),
            framework,
        )
    except ParticipationInputError as error:
        keys = core_team.framework_keys(framework)
        field = f"score_{error.field}" if error.field in keys else None
        raise ActionError(error.reason, field=field) from None
    return day, clean_scores, clean_evidence


@transaction.atomic
def record_principles(
    *,
    project: Project,
    date: datetime.date,
    scores: Mapping[str, object],
    evidence: Mapping[str, object] | None = None,
    by: User,
) -> PrinciplesAssessment:
    """The team's self-assessment against nef's six principles: each 0–4, with evidence."""
    _require_recorder(project=project, user=by)
    day, clean_scores, clean_evidence = _clean_assessment(
        date=date, scores=scores, evidence=evidence or {}, framework=ladders.NefPrinciple
    )
    assessment = PrinciplesAssessment.objects.create(
        project=project, date=day, scores=clean_scores, evidence=clean_evidence, recorded_by=by
    )
    audit.record(
        action="principles.assessed",
        by=by,
        project=project,
        target=assessment,
        summary=f"Recorded principles assessment {assessment.pk}",
        data={"assessment": assessment.pk, "evidence_for": sorted(clean_evidence)},
    )
    return assessment


@transaction.atomic
def delete_principles(*, assessment: PrinciplesAssessment, by: User) -> None:
    project = assessment.project
    _require_facilitator(project=project, user=by)
    pk = assessment.pk
    assessment.delete()
    audit.record(
        action="principles.deleted",
        by=by,
        project=project,
        summary=f"Deleted principles assessment {pk}",
        data={"assessment": pk},
    )


def _require_capability_recorder(*, organisation: Organisation, user: User) -> None:
    if not team_selectors.can_record_capabilities(organisation=organisation, user=user):
        raise NotAllowed(
            "Only facilitators of the organisation's projects, or its admins, can record its "
            "capability assessments."
        )


@transaction.atomic
def record_capabilities(
    *,
    organisation: Organisation,
    date: datetime.date,
    scores: Mapping[str, object],
    evidence: Mapping[str, object] | None = None,
    by: User,
) -> CapabilityAssessment:
    """The organisation's self-assessment against Sharma et al.'s four capabilities."""
    _require_capability_recorder(organisation=organisation, user=by)
    day, clean_scores, clean_evidence = _clean_assessment(
        date=date, scores=scores, evidence=evidence or {}, framework=ladders.Capability
    )
    assessment = CapabilityAssessment.objects.create(
        organisation=organisation,
        date=day,
        scores=clean_scores,
        evidence=clean_evidence,
        recorded_by=by,
    )
    audit.record(
        action="capabilities.assessed",
        by=by,
        organisation=organisation,
        target=assessment,
        summary=f"Recorded capability assessment {assessment.pk}",
        data={"assessment": assessment.pk, "evidence_for": sorted(clean_evidence)},
    )
    return assessment


@transaction.atomic
def delete_capabilities(*, assessment: CapabilityAssessment, by: User) -> None:
    organisation = assessment.organisation
    _require_capability_recorder(organisation=organisation, user=by)
    pk = assessment.pk
    assessment.delete()
    audit.record(
        action="capabilities.deleted",
        by=by,
        organisation=organisation,
        summary=f"Deleted capability assessment {pk}",
        data={"assessment": pk},
    )

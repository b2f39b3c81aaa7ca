"""Reads for activities, attendance, decisions and the influence log, scoped to a project.

Callers first get the project through ``views.project_of`` (404 for outsiders); lookups
here are then confined to that project, so another project's rows are 404 too.

The "you said, we did" page is for every member, observers included, so it never names
a contributor: ``you_said_we_did`` describes them by role only ("Two carers and a
patient"), and marks the reader's own contributions.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from coproduce.participation import flags as core_flags
from coproduce.participation import ladders
from coproduce.participation import suppression as core_suppression
from coproduce.web.improvement.models import ChangeIdea, PDSACycle

from . import selectors
from .models import (
    Activity,
    ActivityKind,
    Attendance,
    Contribution,
    Decision,
    Group,
    Outcome,
    Participant,
    ParticipantRole,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Project

    from .selectors_profile import CoreRecords


# -- activities ---------------------------------------------------------------------------


def activities_of(*, project: Project, kind: str | None = None) -> QuerySet[Activity]:
    """The project's activities, newest first, optionally of one kind."""
    activities = Activity.objects.filter(project=project).select_related(
        "group", "pdsa_cycle__change_idea"
    )
    if kind:
        activities = activities.filter(kind=kind)
    return activities.order_by("-date", "-pk")


def activity_in(*, project: Project, pk: int) -> Activity:
    try:
        return activities_of(project=project).get(pk=pk)
    except Activity.DoesNotExist:
        raise Http404("No such activity.") from None


def rung_of(value: int | None) -> ladders.Rung | None:
    """The core's rung (with its label, description and group) for a stored number."""
    return ladders.Rung(value) if value else None


def attendance_of(activity: Activity) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(activity=activity)
        .select_related("participant__payment_tier")
        .order_by("participant__name", "participant__pk")
    )


def attendance_choices(*, activity: Activity) -> list[Participant]:
    """Who the attendance form offers: the project's participants who had not left by the
    activity's date, and anyone already recorded as attending."""
    offered = list(
        selectors.participants_of(project=activity.project).filter(
            Q(left_on__isnull=True) | Q(left_on__gte=activity.date)
        )
    )
    known = {participant.pk for participant in offered}
    attended = [
        row.participant for row in attendance_of(activity) if row.participant_id not in known
    ]
    return sorted([*offered, *attended], key=lambda p: (p.name.lower(), p.pk))


def pdsa_cycles_of(*, project: Project) -> QuerySet[PDSACycle]:
    """The project's PDSA cycles, for linking an activity or a contribution to one."""
    return (
        PDSACycle.objects.filter(change_idea__project=project)
        .select_related("change_idea")
        .order_by("change_idea__title", "number")
    )


def change_ideas_of(*, project: Project) -> QuerySet[ChangeIdea]:
    return ChangeIdea.objects.filter(project=project).order_by("title")


def groups_of(*, project: Project) -> QuerySet[Group]:
    return Group.objects.filter(project=project).order_by("name")


# -- decisions ----------------------------------------------------------------------------


def decisions_of(*, project: Project, activity: Activity | None = None) -> QuerySet[Decision]:
    decisions = (
        Decision.objects.filter(project=project)
        .select_related("activity", "change_idea")
        .prefetch_related(Prefetch("present", queryset=Participant.objects.order_by("name", "pk")))
    )
    if activity is not None:
        decisions = decisions.filter(activity=activity)
    return decisions.order_by("-date", "-pk")


def decision_in(*, project: Project, pk: int) -> Decision:
    try:
        return decisions_of(project=project).get(pk=pk)
    except Decision.DoesNotExist:
        raise Http404("No such decision.") from None


def _core_records(project: Project) -> CoreRecords:
    """The project's record as the core reads it: the one conversion (docs/adr/0010), so
    that the marks here and the profile's flags come from the same records."""
    # selectors_profile imports FEEDBACK_DAYS from this module: import it when called.
    from .selectors_profile import core_records_of

    return core_records_of(project)


def without_lived_experience(*, project: Project, decisions: Iterable[Decision]) -> set[int]:
    """The ids of the decisions, of those given, taken with no patient or carer present
    (the core's flag, over the project's records)."""
    wanted = {decision.pk for decision in decisions}
    if not wanted:
        return set()
    flag = core_flags.decisions_without_lived_experience(_core_records(project).decisions)
    flagged = {int(pk) for pk in flag.evidence} if flag is not None else set()
    return flagged & wanted


@dataclass(frozen=True)
class DecisionRow:
    decision: Decision
    without_lived_experience: bool
    present_by_role: str  # for members who may not see names: roles, never how many


def decision_rows(*, project: Project, decisions: Iterable[Decision]) -> list[DecisionRow]:
    decisions = list(decisions)
    flagged = without_lived_experience(project=project, decisions=decisions)
    return [
        DecisionRow(
            decision=decision,
            without_lived_experience=decision.pk in flagged,
            present_by_role=roles_present(p.role for p in decision.present.all()),
        )
        for decision in decisions
    ]


# -- contributions ------------------------------------------------------------------------


def contributions_of(
    *, project: Project, outcome: str | None = None, activity: Activity | None = None
) -> QuerySet[Contribution]:
    contributions = (
        Contribution.objects.filter(project=project)
        .select_related("activity", "change_idea", "pdsa_cycle__change_idea", "decision")
        .prefetch_related(
            Prefetch("contributors", queryset=Participant.objects.order_by("name", "pk"))
        )
    )
    if outcome:
        contributions = contributions.filter(outcome=outcome)
    if activity is not None:
        contributions = contributions.filter(activity=activity)
    return contributions.order_by("-date", "-pk")


def contribution_in(*, project: Project, pk: int) -> Contribution:
    try:
        return contributions_of(project=project).get(pk=pk)
    except Contribution.DoesNotExist:
        raise Http404("No such contribution.") from None


#: A contribution not fed back to its contributors this many days after it was made is
#: flagged in the influence log (the core's default).
FEEDBACK_DAYS = 30


@dataclass(frozen=True)
class LogEntry:
    """One row of the influence log, as recorders see it."""

    contribution: Contribution
    age_days: int
    overdue: bool  # not fed back, and made more than FEEDBACK_DAYS days ago

    @property
    def pending(self) -> bool:
        return self.contribution.outcome == Outcome.PENDING


def influence_log(
    *,
    project: Project,
    contributions: Iterable[Contribution],
    today: datetime.date | None = None,
) -> list[LogEntry]:
    """The log's rows: each contribution's age, and whether its feedback is overdue (the
    core's flag over the project's records, as on the profile)."""
    today = today or timezone.localdate()
    contributions = list(contributions)
    overdue: set[int] = set()
    if contributions:
        flag = core_flags.contributions_without_feedback(
            _core_records(project).contributions, today=today, feedback_days=FEEDBACK_DAYS
        )
        overdue = {int(pk) for pk in flag.evidence} if flag is not None else set()
    return [
        LogEntry(
            contribution=c,
            age_days=max((today - c.date).days, 0),
            overdue=c.pk in overdue,
        )
        for c in contributions
    ]


def outcome_counts(*, project: Project) -> dict[str, int]:
    counts = Counter(Contribution.objects.filter(project=project).values_list("outcome", flat=True))
    return {value: counts.get(value, 0) for value in Outcome.values}


# -- "you said, we did" -------------------------------------------------------------------

#: How each role is named on the "you said, we did" page: (one, many).
ROLE_NOUNS: dict[str, tuple[str, str]] = {
    ParticipantRole.PATIENT: ("patient", "patients"),
    ParticipantRole.CARER: ("carer", "carers"),
    ParticipantRole.STAFF: ("member of staff", "members of staff"),
    ParticipantRole.VOLUNTEER: ("volunteer", "volunteers"),
    ParticipantRole.COMMUNITY: (
        "person from a community or voluntary group",
        "people from community or voluntary groups",
    ),
    ParticipantRole.FACILITATOR: ("facilitator", "facilitators"),
}
_NUMBERS = ["", "a", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def describe_by_role(roles: Iterable[str]) -> str:
    """Who contributed, by role only: "A patient", "Two carers and a patient".

    The most numerous role comes first (then the order of ``ParticipantRole``); counts
    above ten are written as figures. Never names anyone.
    """
    counts = Counter(roles)
    if not counts:
        return "Someone"
    order = list(ROLE_NOUNS)
    parts = []
    for role, count in sorted(
        counts.items(),
        key=lambda item: (-item[1], order.index(item[0]) if item[0] in order else len(order)),
    ):
        one, many = ROLE_NOUNS.get(role, ("person", "people"))
        number = _NUMBERS[count] if count < len(_NUMBERS) else str(count)
        parts.append(f"{number} {one if count == 1 else many}")
    text = _join(parts)
    return text[0].upper() + text[1:]


def roles_present(roles: Iterable[str]) -> str:
    """The roles of the people present, never how many: "Patients and members of staff".

    For members who may not see names. Who was at a decision is often who attended the
    activity, whose count those members see only as "fewer than 5 people": "a patient and
    two members of staff" would give it away.
    """
    present = set(roles)
    if not present:
        return "Nobody recorded"
    order = list(ROLE_NOUNS)
    text = _join(
        [
            ROLE_NOUNS.get(role, ("", "people"))[1]
            for role in sorted(present, key=lambda r: order.index(r) if r in order else len(order))
        ]
    )
    return text[0].upper() + text[1:]


@dataclass(frozen=True)
class YouSaid:
    """One contribution as every member sees it: no names."""

    contribution: Contribution
    who: str  # by role only
    yours: bool  # the reader is one of the contributors
    where: str  # "at a co-design group session": the kind of activity, never its title


#: Where a contribution was made, by the kind of activity: never the activity's title,
#: which may name someone ("Interview with ...").
WHERE: dict[str, str] = {
    ActivityKind.MEETING: "at a meeting",
    ActivityKind.INTERVIEW: "in an interview",
    ActivityKind.EVENT: "at an event",
    ActivityKind.CO_DESIGN_GROUP: "at a co-design group session",
    ActivityKind.PDSA_TEST: "in a PDSA test",
    ActivityKind.SURVEY: "in a survey",
    ActivityKind.OTHER: "at an activity",
}


def you_said_we_did(
    *, project: Project, user: User | AnonymousUser, contributions: Iterable[Contribution]
) -> list[YouSaid]:
    """Contributions as every member sees them: contributors by role only, never by
    name, and the reader's own marked."""
    me = selectors.participant_of_user(project=project, user=user)
    items = []
    for contribution in contributions:
        contributors = list(contribution.contributors.all())
        items.append(
            YouSaid(
                contribution=contribution,
                who=describe_by_role(p.role for p in contributors),
                yours=me is not None and any(p.pk == me.pk for p in contributors),
                where=WHERE.get(contribution.activity.kind, "") if contribution.activity else "",
            )
        )
    return items


def attendance_phrase(activity: Activity) -> str:
    """How many attended, for members who may not see names: "fewer than 5 people"."""
    return core_suppression.count_phrase(activity.attendance.count(), "people")

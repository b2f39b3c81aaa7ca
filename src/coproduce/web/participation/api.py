"""API endpoints of participation, mounted under /api/v1 by coproduce.web.api.api.

Participants (with their consent records), activities with attendance, decisions, the
influence log, the co-production profile, "who takes part" and the GRIPP2 report (JSON and
PDF), so that research exports and other tools can read the record.

The same permissions as the pages (docs/adr/0010): outsiders get 404 for everything.

* Every member reads activities, decisions, "you said, we did", the profile, "who takes
  part" and the GRIPP2 report. Observers never see a participant's name: attendance is a
  phrase ("fewer than 5 people"), people present at a decision and contributors are
  described by role only.
* Members who are not observers record activities, attendance, decisions and
  contributions, and see participants' names and roles (403 for observers).
* Facilitators add and change participants, see their contact details, access needs and
  consent records, see what attendance is owed, and delete activities (403 for others).
* Nobody gets an equality-monitoring record: only counts, with counts under 5 shown as
  "<5" (the core's suppression). Every count of people in a response is such a string.

Fields that only some readers get are left out of the response for the others (not sent as
null): the schemas mark them "Facilitators only" or "Members who record only".

No ``from __future__ import annotations`` here: ninja reads the annotations of the paginated
views (wrapped by ``paginate``) in ninja's own module, where the names of their query
parameters' types would not resolve.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from coproduce.participation import flags as core_flags
from coproduce.participation import profile as core_profile
from coproduce.participation import suppression as core_suppression
from coproduce.participation.stats import Proportion
from coproduce.reports import gripp2 as report_gripp2
from coproduce.reports.pdf import render_pdf
from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project

from . import (
    actions_activities,
    actions_people,
    selectors,
    selectors_people,
    selectors_profile,
    selectors_report,
)
from . import selectors_activities as activity_selectors
from .actions_activities import AttendanceError, AttendanceRow
from .models import (
    Activity,
    ActivityKind,
    Attendance,
    ConsentPurpose,
    ConsentRecord,
    ContactPreference,
    Contribution,
    Decision,
    Outcome,
    Participant,
    ParticipantRole,
    ServicePhase,
)

router = Router(tags=["participation"])

BASE = "/projects/{project_id}/participation"

#: An id of a row (the database's 64-bit keys): larger numbers are refused as invalid (422)
#: rather than overflowing the database (500).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]

#: The largest limit or offset of a page: beyond it the database would overflow.
MAX_PAGE_NUMBER = 2**31 - 1

FACILITATORS_ONLY = "Facilitators only."
RECORDERS_ONLY = "Members who record participation (not observers) only."

OBSERVERS_REFUSED = "Observers can see participation but not record it."
FACILITATORS_REFUSED = "Only the project's facilitators can do this."


class Pages(LimitOffsetPagination):
    """ninja's limit and offset (100 a page by default), bounded above."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE_NUMBER)
        offset: int = Field(0, ge=0, le=MAX_PAGE_NUMBER)


T = TypeVar("T")


class Converted(Generic[T]):
    """A query set whose page of rows is converted to what a reader may see, once sliced.

    ``LimitOffsetPagination`` slices it and takes its length; the conversion sees the rows
    of one page together (for the flags worked out over a page, and one query for each).
    """

    def __init__(self, rows: QuerySet[Any], convert: Callable[[list[Any]], list[T]]) -> None:
        self.rows = rows
        self.convert = convert

    def __len__(self) -> int:
        return self.rows.count()

    def __getitem__(self, part: slice) -> list[T]:
        return self.convert(list(self.rows[part]))


class ParticipationError(Schema):
    detail: str
    field: str | None = None


class AttendanceRefusal(ParticipationError):
    """An attendance refusal: the message names the person; ``row`` is their place in the
    list sent (counted from 1)."""

    participant_id: int | None = None
    row: int | None = None


READ_ERRORS: dict[int, Any] = {403: ParticipationError, 404: ParticipationError}
ERRORS: dict[int, Any] = {400: ParticipationError, **READ_ERRORS}


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        user = request.user
    assert isinstance(user, User)
    return user


def _project(request: HttpRequest, project_id: int) -> Project:
    """The project if the user is a member (404 otherwise)."""
    return project_selectors.project_for_user(pk=project_id, user=_user(request))


def _recording_project(request: HttpRequest, project_id: int) -> Project:
    """The project if the user records participation (403 for observers), as the pages."""
    project = _project(request, project_id)
    if not selectors.can_record(project=project, user=_user(request)):
        raise NotAllowed(OBSERVERS_REFUSED)
    return project


def _managed_project(request: HttpRequest, project_id: int) -> Project:
    """The project if the user is one of its facilitators (403 otherwise), as the pages."""
    project = _project(request, project_id)
    if not selectors.can_manage(project=project, user=_user(request)):
        raise NotAllowed(FACILITATORS_REFUSED)
    return project


def _one(rows: QuerySet[Any], pk: int | None, *, field: str, message: str) -> Any:
    """The row ``pk`` of ``rows`` (the project's), None for no id, or a refusal on ``field``."""
    if pk is None:
        return None
    found = rows.filter(pk=pk).first()
    if found is None:
        raise ActionError(message, field=field)
    return found


# -- participants ---------------------------------------------------------------------------


class ParticipantOut(Schema):
    """A participant. Members who record see the first five fields; facilitators see the
    rest too. Equality monitoring answers are never part of it."""

    id: int
    name: str
    role: ParticipantRole
    has_account: bool
    left_on: dt.date | None
    membership_id: int | None = Field(None, description=FACILITATORS_ONLY)
    contact_preference: ContactPreference | None = Field(
        None,
        description=FACILITATORS_ONLY + " “none” and no details once consent to contact is "
        "withdrawn (see contact_withdrawn).",
    )
    contact_details: str | None = Field(None, description=FACILITATORS_ONLY)
    contact_withdrawn: bool | None = Field(None, description=FACILITATORS_ONLY)
    access_needs: list[str] | None = Field(None, description=FACILITATORS_ONLY)
    access_notes: str | None = Field(None, description=FACILITATORS_ONLY)
    skills: str | None = Field(None, description=FACILITATORS_ONLY)
    payment_tier_id: int | None = Field(None, description=FACILITATORS_ONLY)
    wants_payment: bool | None = Field(None, description=FACILITATORS_ONLY)
    created_at: dt.datetime | None = Field(None, description=FACILITATORS_ONLY)
    updated_at: dt.datetime | None = Field(None, description=FACILITATORS_ONLY)


def _participant_out(
    participant: Participant,
    *,
    full: bool,
    consents: Sequence[ConsentRecord] | None = None,
) -> dict[str, Any]:
    """A dict, not a schema: the fields a reader may not see are absent, not null.

    ``consents``: the participant's consent records, if read already (a list reads them
    for all its rows in one query).
    """
    values: dict[str, Any] = {
        "id": participant.pk,
        "name": participant.name,
        "role": participant.role,
        "has_account": participant.membership_id is not None,
        "left_on": participant.left_on,
    }
    if full:
        withdrawn = selectors_people.contact_withdrawn(participant, records=consents)
        values |= {
            "membership_id": participant.membership_id,
            "contact_preference": (
                ContactPreference.NONE if withdrawn else participant.contact_preference
            ),
            "contact_details": "" if withdrawn else participant.contact_details,
            "contact_withdrawn": withdrawn,
            "access_needs": list(participant.access_needs),
            "access_notes": participant.access_notes,
            "skills": participant.skills,
            "payment_tier_id": participant.payment_tier_id,
            "wants_payment": participant.wants_payment,
            "created_at": participant.created_at,
            "updated_at": participant.updated_at,
        }
    return values


class ParticipantIn(Schema):
    name: str
    role: ParticipantRole
    membership_id: Id | None = None
    contact_preference: ContactPreference = ContactPreference.FACILITATOR
    contact_details: str = ""
    access_needs: list[str] = []
    access_notes: str = ""
    skills: str = ""
    payment_tier_id: Id | None = None
    wants_payment: bool = False


class ParticipantPatch(Schema):
    """The fields to change. ``left_on``: a date marks them as having left; null, as taking
    part again. A null ``membership_id`` or ``payment_tier_id`` unlinks the account or tier;
    a null in any other field leaves it as it is."""

    name: str | None = None
    role: ParticipantRole | None = None
    membership_id: Id | None = None
    contact_preference: ContactPreference | None = None
    contact_details: str | None = None
    access_needs: list[str] | None = None
    access_notes: str | None = None
    skills: str | None = None
    payment_tier_id: Id | None = None
    wants_payment: bool | None = None
    left_on: dt.date | None = None


def _participant_links(
    project: Project, participant: Participant | None, given: dict[str, Any]
) -> dict[str, Any]:
    """The membership and payment tier named by id, checked against the project."""
    values: dict[str, Any] = {}
    if "membership_id" in given:
        values["membership"] = _one(
            selectors_people.linkable_memberships(project=project, participant=participant),
            given.pop("membership_id"),
            field="membership",
            message="Choose one of this project's members who is not linked to a participant",
        )
    if "payment_tier_id" in given:
        values["payment_tier"] = _one(
            selectors_people.payment_tiers_for(
                project=project, keep=participant.payment_tier if participant else None
            ),
            given.pop("payment_tier_id"),
            field="payment_tier",
            message="Choose one of the organisation's payment tiers in use",
        )
    return values


@router.get(
    BASE + "/participants", response={200: list[ParticipantOut], **READ_ERRORS}, exclude_unset=True
)
@paginate(Pages)
def list_participants(request: HttpRequest, project_id: int) -> Any:
    """Everyone who takes part, then those who have left (``left_on``). Facilitators get the
    full record; members who record, names and roles; observers 403."""
    project = _recording_project(request, project_id)
    full = selectors.can_manage(project=project, user=_user(request))

    def convert(rows: list[Participant]) -> list[dict[str, Any]]:
        if not full:
            return [_participant_out(p, full=False) for p in rows]
        consents = selectors_people.consent_records_by_participant(rows)
        return [_participant_out(p, full=True, consents=consents[p.pk]) for p in rows]

    return Converted(selectors_people.participant_rows(project=project), convert)


@router.post(BASE + "/participants", response={201: ParticipantOut, **ERRORS}, exclude_unset=True)
def create_participant(request: HttpRequest, project_id: int, payload: ParticipantIn) -> Any:
    project = _managed_project(request, project_id)
    given = payload.dict()
    links = _participant_links(project, None, given)  # takes the ids out of ``given``
    values = {**given, **links}
    participant = actions_people.add_participant(project=project, by=_user(request), **values)
    return Status(201, _participant_out(participant, full=True))


@router.get(
    BASE + "/participants/{participant_id}",
    response={200: ParticipantOut, **READ_ERRORS},
    exclude_unset=True,
)
def get_participant(request: HttpRequest, project_id: int, participant_id: int) -> Any:
    project = _recording_project(request, project_id)
    participant = selectors.participant_in(project=project, pk=participant_id)
    return _participant_out(
        participant, full=selectors.can_manage(project=project, user=_user(request))
    )


#: The fields of update_participant, in the action's words.
PARTICIPANT_FIELDS = (
    "name",
    "role",
    "membership",
    "contact_preference",
    "contact_details",
    "access_needs",
    "access_notes",
    "skills",
    "payment_tier",
    "wants_payment",
)


@router.patch(
    BASE + "/participants/{participant_id}",
    response={200: ParticipantOut, **ERRORS},
    exclude_unset=True,
)
def update_participant(
    request: HttpRequest, project_id: int, participant_id: int, payload: ParticipantPatch
) -> Any:
    project = _managed_project(request, project_id)
    user = _user(request)
    participant = selectors.participant_in(project=project, pk=participant_id)
    given = payload.dict(exclude_unset=True)
    if selectors_people.contact_withdrawn(participant):
        for name in ("contact_preference", "contact_details"):
            if name in given:
                problem = selectors_people.consent_problem(participant, ConsentPurpose.CONTACT)
                raise ActionError(
                    f"{problem}; their contact details are hidden and cannot be changed",
                    field=name,
                )
    leaving = "left_on" in given
    left_on = given.pop("left_on", None)
    links = _participant_links(project, participant, given)
    values = {name: getattr(participant, name) for name in PARTICIPANT_FIELDS}
    values |= {name: value for name, value in given.items() if value is not None}
    values |= links
    with transaction.atomic():  # all of it or nothing
        if given or links:
            actions_people.update_participant(participant=participant, by=user, **values)
        if leaving and left_on != participant.left_on:
            if participant.left_on is not None:
                actions_people.mark_returned(participant=participant, by=user)
            if left_on is not None:
                actions_people.mark_left(participant=participant, left_on=left_on, by=user)
    return _participant_out(selectors.participant_in(project=project, pk=participant.pk), full=True)


# -- consent --------------------------------------------------------------------------------


class ConsentOut(Schema):
    id: int
    purpose: ConsentPurpose
    given_on: dt.date
    withdrawn_on: dt.date | None
    how: str
    recorded_by_id: int | None
    recorded_at: dt.datetime


class ConsentIn(Schema):
    purpose: ConsentPurpose
    given_on: dt.date
    how: str = ""


class WithdrawIn(Schema):
    """The date consent was withdrawn from: today if not given."""

    withdrawn_on: dt.date | None = None


def _managed_participant(request: HttpRequest, project_id: int, participant_id: int) -> Participant:
    project = _managed_project(request, project_id)
    return selectors.participant_in(project=project, pk=participant_id)


@router.get(
    BASE + "/participants/{participant_id}/consents",
    response={200: list[ConsentOut], **READ_ERRORS},
)
@paginate(Pages)
def list_consents(request: HttpRequest, project_id: int, participant_id: int) -> Any:
    """Every consent record of a participant, withdrawn ones included (facilitators)."""
    participant = _managed_participant(request, project_id, participant_id)
    return selectors_people.consent_records_of(participant)


@router.post(BASE + "/participants/{participant_id}/consents", response={201: ConsentOut, **ERRORS})
def create_consent(
    request: HttpRequest, project_id: int, participant_id: int, payload: ConsentIn
) -> Any:
    participant = _managed_participant(request, project_id, participant_id)
    record = actions_people.record_consent(
        participant=participant, by=_user(request), **payload.dict()
    )
    return Status(201, record)


@router.post(
    BASE + "/participants/{participant_id}/consents/{consent_id}/withdraw",
    response={200: ConsentOut, **ERRORS},
)
def withdraw_consent(
    request: HttpRequest,
    project_id: int,
    participant_id: int,
    consent_id: int,
    payload: WithdrawIn,
) -> Any:
    """Withdraw consent from a date. Withdrawing consent to equality monitoring deletes the
    person's equality answers."""
    participant = _managed_participant(request, project_id, participant_id)
    consent = selectors_people.consent_in(participant=participant, pk=consent_id)
    actions_people.withdraw_consent(
        consent=consent, withdrawn_on=payload.withdrawn_on, by=_user(request)
    )
    return selectors_people.consent_in(participant=participant, pk=consent_id)


# -- activities and attendance -------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    title: str
    kind: ActivityKind
    labelled_as: str = Field(description="What the organisers called it.")
    date: dt.date
    hours: Decimal
    rung_planned: int = Field(description="The rung of the ladder of co-production, 1 to 7.")
    rung_achieved: int | None
    phase: ServicePhase
    notes: str
    pdsa_cycle_id: int | None
    group_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class AttendanceOut(Schema):
    participant_id: int
    name: str
    role: ParticipantRole
    hours: Decimal
    assisted: bool
    rate: Decimal | None = Field(
        None, description=FACILITATORS_ONLY + " The hourly rate paid; null if not paid."
    )
    amount: Decimal | None = Field(
        None, description=FACILITATORS_ONLY + " What is owed; null if not paid."
    )


class ActivityDetailOut(ActivityOut):
    attendance_summary: str = Field(
        description="How many attended, counts under 5 hidden: “fewer than 5 people”."
    )
    attendance: list[AttendanceOut] | None = Field(None, description=RECORDERS_ONLY)


class ActivityIn(Schema):
    title: str
    kind: ActivityKind
    date: dt.date
    hours: Decimal | str
    rung_planned: int
    phase: ServicePhase
    labelled_as: str = ""
    rung_achieved: int | None = None
    notes: str = ""
    pdsa_cycle_id: Id | None = None
    group_id: Id | None = None


class ActivityPatch(Schema):
    """The fields to change; null clears rung_achieved, pdsa_cycle_id and group_id."""

    title: str | None = None
    kind: ActivityKind | None = None
    date: dt.date | None = None
    hours: Decimal | str | None = None
    rung_planned: int | None = None
    phase: ServicePhase | None = None
    labelled_as: str | None = None
    rung_achieved: int | None = None
    notes: str | None = None
    pdsa_cycle_id: Id | None = None
    group_id: Id | None = None


class AttendanceIn(Schema):
    participant_id: Id
    hours: Decimal | str | None = Field(
        None, description="The hours they gave; the activity's length if not given."
    )
    assisted: bool = False


ACTIVITY_FIELDS = (
    "title",
    "kind",
    "labelled_as",
    "date",
    "hours",
    "rung_planned",
    "rung_achieved",
    "phase",
    "notes",
    "pdsa_cycle",
    "group",
)

#: Fields of a patch where an explicit null means "clear it".
ACTIVITY_NULLABLE = {"rung_achieved", "pdsa_cycle", "group"}


def _activity_links(project: Project, given: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "pdsa_cycle_id" in given:
        values["pdsa_cycle"] = _one(
            activity_selectors.pdsa_cycles_of(project=project),
            given.pop("pdsa_cycle_id"),
            field="pdsa_cycle",
            message="Choose one of this project's PDSA cycles",
        )
    if "group_id" in given:
        values["group"] = _one(
            activity_selectors.groups_of(project=project),
            given.pop("group_id"),
            field="group",
            message="Choose one of this project's groups",
        )
    return values


def _attendance_out(row: Attendance, *, paid: bool) -> dict[str, Any]:
    values: dict[str, Any] = {
        "participant_id": row.participant_id,
        "name": row.participant.name,
        "role": row.participant.role,
        "hours": row.hours,
        "assisted": row.assisted,
    }
    if paid:
        values |= {"rate": row.rate, "amount": row.amount}
    return values


def _activity_detail(request: HttpRequest, project: Project, activity: Activity) -> dict[str, Any]:
    user = _user(request)
    values = ActivityOut.from_orm(activity).dict()
    values["attendance_summary"] = activity_selectors.attendance_phrase(activity)
    if selectors.can_record(project=project, user=user):
        paid = selectors.can_manage(project=project, user=user)
        values["attendance"] = [
            _attendance_out(row, paid=paid) for row in activity_selectors.attendance_of(activity)
        ]
    return values


@router.get(BASE + "/activities", response={200: list[ActivityOut], **READ_ERRORS})
@paginate(Pages)
def list_activities(request: HttpRequest, project_id: int, kind: ActivityKind | None = None) -> Any:
    """The project's activities, newest first, optionally of one kind."""
    project = _project(request, project_id)
    return activity_selectors.activities_of(project=project, kind=kind)


@router.post(BASE + "/activities", response={201: ActivityDetailOut, **ERRORS}, exclude_unset=True)
def create_activity(request: HttpRequest, project_id: int, payload: ActivityIn) -> Any:
    project = _recording_project(request, project_id)
    given = payload.dict()
    links = _activity_links(project, given)  # takes the ids out of ``given``
    values = {**given, **links}
    activity = actions_activities.create_activity(project=project, by=_user(request), **values)
    activity = activity_selectors.activity_in(project=project, pk=activity.pk)
    return Status(201, _activity_detail(request, project, activity))


@router.get(
    BASE + "/activities/{activity_id}",
    response={200: ActivityDetailOut, **READ_ERRORS},
    exclude_unset=True,
)
def get_activity(request: HttpRequest, project_id: int, activity_id: int) -> Any:
    """The activity with its attendance: names and hours for members who record, what is
    owed for facilitators, a phrase ("fewer than 5 people") for observers."""
    project = _project(request, project_id)
    activity = activity_selectors.activity_in(project=project, pk=activity_id)
    return _activity_detail(request, project, activity)


@router.patch(
    BASE + "/activities/{activity_id}",
    response={200: ActivityDetailOut, **ERRORS},
    exclude_unset=True,
)
def update_activity(
    request: HttpRequest, project_id: int, activity_id: int, payload: ActivityPatch
) -> Any:
    project = _recording_project(request, project_id)
    activity = activity_selectors.activity_in(project=project, pk=activity_id)
    given = payload.dict(exclude_unset=True)
    links = _activity_links(project, given)
    values = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    values |= {
        name: value
        for name, value in given.items()
        if value is not None or name in ACTIVITY_NULLABLE
    }
    values |= links
    actions_activities.update_activity(activity=activity, by=_user(request), **values)
    activity = activity_selectors.activity_in(project=project, pk=activity.pk)
    return _activity_detail(request, project, activity)


@router.delete(BASE + "/activities/{activity_id}", response={204: None, **ERRORS})
def delete_activity(request: HttpRequest, project_id: int, activity_id: int) -> Any:
    """Delete an activity and its attendance (facilitators); its decisions and
    contributions stay."""
    project = _managed_project(request, project_id)
    activity = activity_selectors.activity_in(project=project, pk=activity_id)
    actions_activities.delete_activity(activity=activity, by=_user(request))
    return Status(204, None)


def _row_of(rows: Sequence[AttendanceIn], participant_id: int | None) -> int | None:
    """Where a refused participant is in the list sent, counted from 1: the second place
    for someone listed twice."""
    places = [n for n, row in enumerate(rows, start=1) if row.participant_id == participant_id]
    if not places:
        return None
    return places[1] if len(places) > 1 else places[0]


@router.put(
    BASE + "/activities/{activity_id}/attendance",
    response={200: ActivityDetailOut, 400: AttendanceRefusal, **READ_ERRORS},
    exclude_unset=True,
)
def record_attendance(
    request: HttpRequest, project_id: int, activity_id: int, payload: list[AttendanceIn]
) -> Any:
    """Replace who attended, all or nothing. Refused, with nothing saved, for hours that are
    negative or implausible, people not in the project or listed twice, people who had left
    or whose consent to take part did not cover the date, and people who want paying with no
    payment tier or rate: the message names the person, ``row`` is their place in the list."""
    project = _recording_project(request, project_id)
    activity = activity_selectors.activity_in(project=project, pk=activity_id)
    rows = [
        AttendanceRow(
            participant_id=row.participant_id,
            hours=activity.hours if row.hours is None else row.hours,
            assisted=row.assisted,
        )
        for row in payload
    ]
    try:
        actions_activities.record_attendance(activity=activity, rows=rows, by=_user(request))
    except AttendanceError as error:
        return Status(
            400,
            AttendanceRefusal(
                detail=error.message,
                field=error.field,
                participant_id=error.participant_id,
                row=_row_of(payload, error.participant_id),
            ),
        )
    return _activity_detail(request, project, activity)


# -- decisions ------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str
    role: ParticipantRole


class DecisionOut(Schema):
    id: int
    date: dt.date
    summary: str
    taken_by: str = Field(description="How it was decided, and by whom.")
    activity_id: int | None
    change_idea_id: int | None
    without_lived_experience: bool = Field(description="No patient or carer was present.")
    present_by_role: str = Field(
        description="The roles of those present, never how many: “Patients and members of "
        "staff”, or “Nobody recorded”."
    )
    present: list[PersonOut] | None = Field(None, description=RECORDERS_ONLY)


class DecisionIn(Schema):
    """A decision. With an activity and nobody named as present, those who attended the
    activity were present."""

    date: dt.date
    summary: str
    taken_by: str
    activity_id: Id | None = None
    present_ids: list[Id] = []
    change_idea_id: Id | None = None


def _decisions_out(
    project: Project, decisions: Iterable[Decision], *, names: bool
) -> list[dict[str, Any]]:
    out = []
    for row in activity_selectors.decision_rows(project=project, decisions=decisions):
        decision = row.decision
        values: dict[str, Any] = {
            "id": decision.pk,
            "date": decision.date,
            "summary": decision.summary,
            "taken_by": decision.taken_by,
            "activity_id": decision.activity_id,
            "change_idea_id": decision.change_idea_id,
            "without_lived_experience": row.without_lived_experience,
            "present_by_role": row.present_by_role,
        }
        if names:
            values["present"] = [
                {"id": p.pk, "name": p.name, "role": p.role} for p in decision.present.all()
            ]
        out.append(values)
    return out


@router.get(
    BASE + "/decisions", response={200: list[DecisionOut], **READ_ERRORS}, exclude_unset=True
)
@paginate(Pages)
def list_decisions(request: HttpRequest, project_id: int, activity_id: Id | None = None) -> Any:
    """Decisions, newest first (optionally those of one activity), with who was present:
    by name for members who record, by role only for observers."""
    project = _project(request, project_id)
    activity = (
        activity_selectors.activity_in(project=project, pk=activity_id) if activity_id else None
    )
    names = selectors.can_record(project=project, user=_user(request))
    return Converted(
        activity_selectors.decisions_of(project=project, activity=activity),
        lambda rows: _decisions_out(project, rows, names=names),
    )


@router.post(BASE + "/decisions", response={201: DecisionOut, **ERRORS}, exclude_unset=True)
def create_decision(request: HttpRequest, project_id: int, payload: DecisionIn) -> Any:
    project = _recording_project(request, project_id)
    given = payload.dict()
    decision = actions_activities.create_decision(
        project=project,
        date=given["date"],
        summary=given["summary"],
        taken_by=given["taken_by"],
        activity=_one(
            activity_selectors.activities_of(project=project),
            given["activity_id"],
            field="activity",
            message="Choose one of this project's activities",
        ),
        present=given["present_ids"],
        change_idea=_one(
            activity_selectors.change_ideas_of(project=project),
            given["change_idea_id"],
            field="change_idea",
            message="Choose one of this project's change ideas",
        ),
        by=_user(request),
    )
    decision = activity_selectors.decision_in(project=project, pk=decision.pk)
    return Status(201, _decisions_out(project, [decision], names=True)[0])


# -- the influence log ----------------------------------------------------------------------


class ContributionOut(Schema):
    """A contribution ("you said") and what came of it ("we did"). Every member sees who
    made it by role only; members who record also see the names and the log's details."""

    id: int
    date: dt.date
    said: str
    who: str = Field(description="Who made it, by role only: “Two carers and a patient”.")
    where: str = Field(description="The kind of activity it was made at, never its title.")
    yours: bool = Field(description="The reader is one of the contributors.")
    outcome: Outcome
    outcome_on: dt.date | None
    response: str = Field(description="What changed, or why not.")
    change_idea_id: int | None
    pdsa_cycle_id: int | None
    contributors: list[PersonOut] | None = Field(None, description=RECORDERS_ONLY)
    activity_id: int | None = Field(None, description=RECORDERS_ONLY)
    decision_id: int | None = Field(None, description=RECORDERS_ONLY)
    fed_back_on: dt.date | None = Field(
        None, description=RECORDERS_ONLY + " When the contributors were told."
    )
    age_days: int | None = Field(None, description=RECORDERS_ONLY)
    feedback_overdue: bool | None = Field(
        None,
        description=RECORDERS_ONLY
        + f" Not fed back {activity_selectors.FEEDBACK_DAYS} days after it was made.",
    )


class ContributionIn(Schema):
    date: dt.date
    said: str
    contributor_ids: list[Id] = []
    activity_id: Id | None = None
    whole_group: bool = Field(
        False, description="It came from the whole group at the activity (activity_id)."
    )


class ResponseIn(Schema):
    """ "We did": a response is required unless the outcome is pending. The links and the
    date the contributors were told are set as sent (absent: none)."""

    outcome: Outcome
    response: str = ""
    change_idea_id: Id | None = None
    pdsa_cycle_id: Id | None = None
    decision_id: Id | None = None
    fed_back_on: dt.date | None = None


def _contributions_out(
    request: HttpRequest, project: Project, contributions: Sequence[Contribution]
) -> list[dict[str, Any]]:
    user = _user(request)
    said = activity_selectors.you_said_we_did(
        project=project, user=user, contributions=contributions
    )
    log = None
    if selectors.can_record(project=project, user=user):
        log = activity_selectors.influence_log(project=project, contributions=contributions)
    out = []
    for n, item in enumerate(said):
        contribution = item.contribution
        values: dict[str, Any] = {
            "id": contribution.pk,
            "date": contribution.date,
            "said": contribution.said,
            "who": item.who,
            "where": item.where,
            "yours": item.yours,
            "outcome": contribution.outcome,
            "outcome_on": contribution.outcome_on,
            "response": contribution.response,
            "change_idea_id": contribution.change_idea_id,
            "pdsa_cycle_id": contribution.pdsa_cycle_id,
        }
        if log is not None:
            entry = log[n]
            values |= {
                "contributors": [
                    {"id": p.pk, "name": p.name, "role": p.role}
                    for p in contribution.contributors.all()
                ],
                "activity_id": contribution.activity_id,
                "decision_id": contribution.decision_id,
                "fed_back_on": contribution.fed_back_on,
                "age_days": entry.age_days,
                "feedback_overdue": entry.overdue,
            }
        out.append(values)
    return out


@router.get(
    BASE + "/contributions",
    response={200: list[ContributionOut], **READ_ERRORS},
    exclude_unset=True,
)
@paginate(Pages)
def list_contributions(
    request: HttpRequest,
    project_id: int,
    outcome: Outcome | None = None,
    activity_id: Id | None = None,
) -> Any:
    """The influence log, newest first: in full for members who record; for observers,
    "you said, we did" (contributors by role only, never by name). Only members who record
    may ask for one activity's contributions (``activity_id``): an activity's title may
    name the person who spoke ("Interview with ..."), so observers get 403."""
    project = _project(request, project_id)
    activity = None
    if activity_id:
        if not selectors.can_record(project=project, user=_user(request)):
            raise NotAllowed(OBSERVERS_REFUSED)
        activity = activity_selectors.activity_in(project=project, pk=activity_id)
    return Converted(
        activity_selectors.contributions_of(project=project, outcome=outcome, activity=activity),
        lambda rows: _contributions_out(request, project, rows),
    )


@router.post(BASE + "/contributions", response={201: ContributionOut, **ERRORS}, exclude_unset=True)
def create_contribution(request: HttpRequest, project_id: int, payload: ContributionIn) -> Any:
    """ "You said": what one or more participants (or an activity's whole group) said."""
    project = _recording_project(request, project_id)
    contribution = actions_activities.create_contribution(
        project=project,
        date=payload.date,
        said=payload.said,
        contributors=payload.contributor_ids,
        activity=_one(
            activity_selectors.activities_of(project=project),
            payload.activity_id,
            field="activity",
            message="Choose one of this project's activities",
        ),
        whole_group=payload.whole_group,
        by=_user(request),
    )
    contribution = activity_selectors.contribution_in(project=project, pk=contribution.pk)
    return Status(201, _contributions_out(request, project, [contribution])[0])


@router.post(
    BASE + "/contributions/{contribution_id}/response",
    response={200: ContributionOut, **ERRORS},
    exclude_unset=True,
)
def respond_to_contribution(
    request: HttpRequest, project_id: int, contribution_id: int, payload: ResponseIn
) -> Any:
    """ "We did": what changed because of a contribution, or why it was not taken forward."""
    project = _recording_project(request, project_id)
    contribution = activity_selectors.contribution_in(project=project, pk=contribution_id)
    actions_activities.respond_to_contribution(
        contribution=contribution,
        outcome=payload.outcome,
        response=payload.response,
        change_idea=_one(
            activity_selectors.change_ideas_of(project=project),
            payload.change_idea_id,
            field="change_idea",
            message="Choose one of this project's change ideas",
        ),
        pdsa_cycle=_one(
            activity_selectors.pdsa_cycles_of(project=project),
            payload.pdsa_cycle_id,
            field="pdsa_cycle",
            message="Choose one of this project's PDSA cycles",
        ),
        decision=_one(
            activity_selectors.decisions_of(project=project),
            payload.decision_id,
            field="decision",
            message="Choose one of this project's decisions",
        ),
        fed_back_on=payload.fed_back_on,
        by=_user(request),
    )
    contribution = activity_selectors.contribution_in(project=project, pk=contribution.pk)
    return _contributions_out(request, project, [contribution])[0]


# -- the co-production profile --------------------------------------------------------------


class TableRowOut(Schema):
    rung: int | None = Field(description="The rung achieved, 1 to 7; null: not yet assessed.")
    label: str
    values: list[float] = Field(description="One value per role, in the order of ``roles``.")
    total: float


class RungRoleTableOut(Schema):
    """A rung × role table. Totals come from the records, not from adding the cells: an
    activity attended by patients and staff counts once in its row's total."""

    roles: list[ParticipantRole]
    rows: list[TableRowOut]
    role_totals: list[float]
    total: float


class PlannedVsAchievedOut(Schema):
    below: int
    equal: int
    above: int
    not_assessed: int
    mean_gap: float | None = Field(description="Mean of achieved − planned, in rungs.")
    fell_short: list[int] = Field(description="Ids of activities that achieved less than planned.")


class ShareOut(Schema):
    """A share of contributions with its Wilson interval."""

    successes: int
    n: int
    estimate: float
    low: float
    high: float
    confidence: float


class InfluenceOut(Schema):
    """What became of the contributions (counts of contributions, not of people)."""

    total: int
    changed: int
    not_taken_forward: int
    not_taken_forward_with_reason: int
    pending: int
    responded: int
    changed_share: ShareOut | None
    responded_share: ShareOut | None


class PeopleOut(Schema):
    role: ParticipantRole
    label: str
    shown: str = Field(description="The count as it may be shown: “12”, “<5” or “[c]”.")


class VoicesOut(Schema):
    """How evenly patients' and carers' input is spread: the figures only when 5 or more of
    them took part (``shown``)."""

    people: str = Field(description="Patients and carers who took part: “12” or “<5”.")
    shown: bool
    top_fraction: float
    top_contribution_share: float | None
    top_hours_share: float | None
    effective_voices_contributions: float | None
    effective_voices_hours: float | None


class FlagOut(Schema):
    code: core_flags.FlagCode
    title: str
    explanation: str
    source: str
    severity: core_flags.Severity
    evidence_kind: str | None = Field(
        description="What the evidence ids are: “activity”, “decision” or “contribution”."
    )
    evidence: list[int] = Field(description="Ids of the records concerned (never people).")


class ProfileOut(Schema):
    """The co-production profile. Counts of people are strings, suppressed: never a number."""

    hours: RungRoleTableOut = Field(description="Hours given, by rung achieved and role.")
    activities: RungRoleTableOut = Field(
        description="Activities, by rung achieved and the roles of the people who attended."
    )
    planned_vs_achieved: PlannedVsAchievedOut
    influence: InfluenceOut
    people: list[PeopleOut] = Field(description="People who attended, by role.")
    people_total: str
    voices: VoicesOut
    flags: list[FlagOut]
    suppression_note: str


EVIDENCE_KINDS = {
    core_flags.FlagCode.CONSULTATION_LABELLED_COPRODUCTION: "activity",
    core_flags.FlagCode.TOKENISM_RISK: "activity",
    core_flags.FlagCode.DECISIONS_WITHOUT_LIVED_EXPERIENCE: "decision",
    core_flags.FlagCode.CONTRIBUTIONS_WITHOUT_FEEDBACK: "contribution",
}


def _table_out(table: core_profile.Table[Any]) -> RungRoleTableOut:
    return RungRoleTableOut(
        roles=[ParticipantRole(role.value) for role in table.cols],
        rows=[
            TableRowOut(
                rung=None if row is None else int(row),
                label=core_profile.row_label(row),
                values=[float(value) for value in cells],
                total=float(total),
            )
            for row, cells, total in zip(table.rows, table.cells, table.row_totals, strict=True)
        ],
        role_totals=[float(value) for value in table.col_totals],
        total=float(table.total),
    )


def _share_out(share: Proportion | None) -> ShareOut | None:
    if share is None:
        return None
    return ShareOut(
        successes=share.successes,
        n=share.n,
        estimate=share.estimate,
        low=share.low,
        high=share.high,
        confidence=share.confidence,
    )


def _voices_out(voices: core_flags.VoiceConcentration) -> VoicesOut:
    shown = voices.shown

    def figure(value: float | None) -> float | None:
        return value if shown else None

    return VoicesOut(
        people=voices.people.shown,
        shown=shown,
        top_fraction=voices.top_fraction,
        top_contribution_share=figure(voices.top_contribution_share),
        top_hours_share=figure(voices.top_hours_share),
        effective_voices_contributions=figure(voices.effective_voices_contributions),
        effective_voices_hours=figure(voices.effective_voices_hours),
    )


def _evidence(ids: Iterable[str]) -> list[int]:
    return [int(pk) for pk in ids if pk.isdigit()]


def _profile_out(profile: core_profile.Profile) -> ProfileOut:
    planned = profile.planned_vs_achieved
    found = profile.influence
    return ProfileOut(
        hours=_table_out(profile.hours),
        activities=_table_out(profile.activities),
        planned_vs_achieved=PlannedVsAchievedOut(
            below=planned.below,
            equal=planned.equal,
            above=planned.above,
            not_assessed=planned.not_assessed,
            mean_gap=planned.mean_gap,
            fell_short=_evidence(planned.fell_short),
        ),
        influence=InfluenceOut(
            total=found.total,
            changed=found.changed,
            not_taken_forward=found.not_taken_forward,
            not_taken_forward_with_reason=found.not_taken_forward_with_reason,
            pending=found.pending,
            responded=found.responded,
            changed_share=_share_out(found.changed_share),
            responded_share=_share_out(found.responded_share),
        ),
        people=[
            PeopleOut(role=ParticipantRole(role.value), label=role.label, shown=count.shown)
            for role, count in profile.people.items()
        ],
        people_total=profile.people_total.shown,
        voices=_voices_out(profile.voices),
        flags=[
            FlagOut(
                code=flag.code,
                title=flag.title,
                explanation=flag.explanation,
                source=flag.source,
                severity=flag.severity,
                evidence_kind=EVIDENCE_KINDS.get(flag.code),
                evidence=_evidence(flag.evidence),
            )
            for flag in profile.flags
        ],
        suppression_note=core_suppression.SUPPRESSION_NOTE,
    )


@router.get(BASE + "/profile", response={200: ProfileOut, **READ_ERRORS})
def get_profile(request: HttpRequest, project_id: int) -> Any:
    """The co-production profile as of today: hours and activities by rung × role, rungs
    planned against achieved, the influence shares with 95% intervals, people by role
    (suppressed), and the flags with the ids of the records behind them. Any member."""
    project = _project(request, project_id)
    return _profile_out(selectors_profile.profile_of(project, timezone.localdate()))


# -- who takes part (equality monitoring, in aggregate only) ---------------------------------


class CellOut(Schema):
    label: str
    shown: str = Field(description="The count as it may be shown: “12”, “<5” or “[c]”.")
    percent: str = Field(
        description="The share of the table's total, “40%”; empty when the count is hidden."
    )
    hidden: bool


class DimensionOut(Schema):
    key: str
    title: str
    explanation: str
    answered: str = Field(
        description="The table's total as it may be shown: for an equality question, how "
        "many answered it (the people who did not are left out, and not counted)."
    )
    cells: list[CellOut]


class WhoTakesPartOut(Schema):
    """Counts of the project's current participants by role and by the answers to each
    equality question, suppressed: every count is a string, and counts under 5 are “<5”.
    There is no count of people who did not answer (see the page's explanation)."""

    total: str
    roles: DimensionOut
    dimensions: list[DimensionOut]
    suppression_note: str


def _dimension_out(dimension: selectors_people.Dimension) -> DimensionOut:
    return DimensionOut(
        key=dimension.key,
        title=dimension.title,
        explanation=dimension.explanation,
        answered=dimension.answered,
        cells=[
            CellOut(label=cell.label, shown=cell.shown, percent=cell.percent, hidden=cell.hidden)
            for cell in dimension.cells
        ],
    )


@router.get(BASE + "/who-takes-part", response={200: WhoTakesPartOut, **READ_ERRORS})
def who_takes_part(request: HttpRequest, project_id: int) -> Any:
    """Who takes part, in counts only (any member). No equality record is ever returned."""
    project = _project(request, project_id)
    found = selectors_people.who_takes_part(project=project)
    return WhoTakesPartOut(
        total=found.total,
        roles=_dimension_out(found.roles),
        dimensions=[_dimension_out(d) for d in found.dimensions],
        suppression_note=core_suppression.SUPPRESSION_NOTE,
    )


# -- the GRIPP2 report ----------------------------------------------------------------------


class Gripp2ItemOut(Schema):
    key: str
    number: int
    section: str
    prompt: str
    text: str
    reported_on_page: str
    blank: bool


class Gripp2Out(Schema):
    """The GRIPP2 short-form report as it stands: the team's words, drafts from the record
    for the rest. ``complete`` is false while any item is blank (``missing``)."""

    project_title: str
    items: list[Gripp2ItemOut]
    missing: list[str]
    complete: bool
    status: str


@router.get(BASE + "/gripp2", response={200: Gripp2Out, **READ_ERRORS})
def get_gripp2(request: HttpRequest, project_id: int) -> Any:
    project = _project(request, project_id)
    report = selectors_report.gripp2_of(project=project)
    return Gripp2Out(
        project_title=report.project_title,
        items=[
            Gripp2ItemOut(
                key=str(item.key),
                number=item.number,
                section=item.section,
                prompt=item.prompt,
                text=item.text,
                reported_on_page=item.reported_on_page,
                blank=item.blank,
            )
            for item in report.items
        ],
        missing=[str(key) for key in report.missing],
        complete=report.complete,
        status=report_gripp2.status_line(report),
    )


PDF = {
    "responses": {
        200: {
            "description": "The GRIPP2 report as an A4 PDF.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(BASE + "/gripp2.pdf", response={**READ_ERRORS}, openapi_extra=PDF)
def get_gripp2_pdf(request: HttpRequest, project_id: int) -> Any:
    project = _project(request, project_id)
    report = selectors_report.gripp2_of(project=project)
    document = report_gripp2.gripp2_document(report, generated_on=timezone.localdate())
    response = HttpResponse(render_pdf(document), content_type="application/pdf")
    name = f"gripp2-{slugify(project.title)[:60] or project.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

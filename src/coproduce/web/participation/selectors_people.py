"""Reads for the people area: participants, their consent, equality monitoring (only in
aggregate), check-ins and the support offered.

Callers first get the project through ``projects.selectors.project_for_user`` (404 for
outsiders); lookups here are confined to that project, so another project's rows are 404.

Consent is checked in one place for the rest of the app: ``consent_problem`` (and
``consent_problems`` for many people at once) says why a participant's consent for a
purpose did not cover a date, so every refusal reads the same; ``has_consent`` is its
yes or no. Consent withdrawn on a date stops covering that date and every later one.

Nothing here returns an equality-monitoring record to be shown to anyone but the person it
describes (``own_equality_answers``). Everything else about equality is a count: suppressed
for display (``who_takes_part``), or raw only to feed the core's functions that suppress
(``equality_counts``, for the equity pages).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from coproduce.participation import equity as core_equity
from coproduce.participation import ladders as core_ladders
from coproduce.participation import self_efficacy as core_self_efficacy
from coproduce.participation import suppression as core_suppression
from coproduce.web.projects.models import ProjectMembership, Role

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
    SupportOffer,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Organisation, Project


def long_date(day: datetime.date) -> str:
    """3 March 2026."""
    return f"{day.day} {day:%B %Y}"


# -- participants ------------------------------------------------------------------------


def participant_rows(*, project: Project) -> QuerySet[Participant]:
    """The facilitators' list: every participant, with whether they have an account."""
    return (
        Participant.objects.filter(project=project)
        .select_related("membership__user")
        # Those taking part first, on SQLite and PostgreSQL alike (they sort NULLs apart).
        .order_by(F("left_on").asc(nulls_first=True), "name", "pk")
    )


def names_and_roles(*, project: Project) -> QuerySet[Participant]:
    """What members who record activities see: names and roles of current participants."""
    return (
        Participant.objects.filter(project=project, left_on__isnull=True)
        .only("pk", "name", "role", "project_id")
        .order_by("name", "pk")
    )


def linkable_memberships(
    *, project: Project, participant: Participant | None = None
) -> QuerySet[ProjectMembership]:
    """Memberships of the project not yet linked to a participant (and this one's own)."""
    linked = Participant.objects.filter(membership=OuterRef("pk"))
    if participant is not None:
        linked = linked.exclude(pk=participant.pk)
    return (
        ProjectMembership.objects.filter(project=project)
        .exclude(Exists(linked))
        .select_related("user")
        .order_by("user__name", "user__email")
    )


def payment_tiers_for(
    *, project: Project, keep: PaymentTier | None = None
) -> QuerySet[PaymentTier]:
    """The organisation's active payment tiers (and a participant's current one)."""
    query = Q(active=True)
    if keep is not None:
        query |= Q(pk=keep.pk)
    return PaymentTier.objects.filter(query, organisation_id=project.organisation_id).order_by(
        "name"
    )


def access_need_labels(participant: Participant) -> list[str]:
    labels = dict(AccessNeed.choices)
    return [labels[need] for need in participant.access_needs if need in labels]


@dataclass(frozen=True)
class Involvement:
    """What a participant has taken part in: a participant with any of it is not deleted."""

    attendance: int
    contributions: int
    decisions: int
    expenses: int

    @property
    def any(self) -> bool:
        return bool(self.attendance or self.contributions or self.decisions or self.expenses)

    def sentence(self) -> str:
        parts = []
        for count, one, many in [
            (self.attendance, "attendance at an activity", "attendances at activities"),
            (self.contributions, "contribution", "contributions"),
            (self.decisions, "decision they were present at", "decisions they were present at"),
            (self.expenses, "expense claim", "expense claims"),
        ]:
            if count:
                parts.append(f"{count} {one if count == 1 else many}")
        if not parts:
            return "nothing yet"
        return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def involvement_of(participant: Participant) -> Involvement:
    return Involvement(
        attendance=participant.attendance.count(),
        contributions=participant.contributions.count(),
        decisions=participant.decisions_present.count(),
        expenses=participant.expenses.count(),
    )


# -- consent -----------------------------------------------------------------------------

# For each purpose: what the person consented to (after "consent to"), and what cannot
# happen without it (after "their" or as a clause).
_CONSENT_WORDS: dict[str, tuple[str, str]] = {
    ConsentPurpose.TAKE_PART: ("take part", "their attendance cannot be recorded"),
    ConsentPurpose.CONTACT: (
        "be contacted about the project",
        "they must not be contacted about the project",
    ),
    ConsentPurpose.EQUALITY: (
        "equality monitoring",
        "their equality monitoring answers cannot be recorded",
    ),
    ConsentPurpose.QUOTES: (
        "anonymous quotes in reports",
        "their words cannot be quoted in reports",
    ),
    ConsentPurpose.PAYMENT: (
        "payment and expenses records",
        "their payments and expenses cannot be recorded",
    ),
    ConsentPurpose.RECORDING: (
        "audio or video recording",
        "they cannot be recorded on audio or video",
    ),
}


def consent_records_of(participant: Participant) -> QuerySet[ConsentRecord]:
    """Every consent record of a participant, newest first within each purpose."""
    return ConsentRecord.objects.filter(participant=participant).select_related("recorded_by")


def consent_records_by_participant(
    participants: Iterable[Participant],
) -> dict[int, list[ConsentRecord]]:
    """The consent records of many participants in one query, keyed by participant id.

    Pass a participant's list as ``records=`` to ``has_consent``, ``consent_problem`` or
    ``contact_withdrawn`` so that checking many people reads the table once, not once each.
    """
    by_participant: dict[int, list[ConsentRecord]] = {p.pk: [] for p in participants}
    for record in ConsentRecord.objects.filter(participant_id__in=list(by_participant)):
        by_participant[record.participant_id].append(record)
    return by_participant


def consent_in(*, participant: Participant, pk: int) -> ConsentRecord:
    try:
        return consent_records_of(participant).get(pk=pk)
    except ConsentRecord.DoesNotExist:
        raise Http404("No such consent record.") from None


def _covers(record: ConsentRecord, on: datetime.date) -> bool:
    return record.given_on <= on and (record.withdrawn_on is None or on < record.withdrawn_on)


def _records(
    participant: Participant, purpose: str, records: Iterable[ConsentRecord] | None
) -> list[ConsentRecord]:
    if records is None:
        records = consent_records_of(participant)
    return [r for r in records if r.purpose == purpose]


def has_consent(
    participant: Participant,
    purpose: str,
    *,
    on: datetime.date | None = None,
    records: Iterable[ConsentRecord] | None = None,
) -> bool:
    """Whether the participant's consent for ``purpose`` covered the day ``on`` (today).

    Consent covers the days from the day it was given up to, not including, the day it
    was withdrawn. ``records``: the participant's consent records if already read
    (``consent_records_by_participant``).
    """
    day = on or timezone.localdate()
    return any(_covers(r, day) for r in _records(participant, purpose, records))


def consent_problem(
    participant: Participant,
    purpose: str,
    *,
    on: datetime.date | None = None,
    records: Iterable[ConsentRecord] | None = None,
) -> str | None:
    """Why the participant's consent for ``purpose`` did not cover ``on``, or None.

    The one place consent is checked, so that every refusal reads the same. The message
    is written for the person recording, for example "Ama Mensah withdrew consent to take
    part on 3 March 2026; their attendance cannot be recorded on or after that date".
    ``records``: the participant's consent records if already read.
    """
    day = on or timezone.localdate()
    records = _records(participant, purpose, records)
    if any(_covers(r, day) for r in records):
        return None
    what, consequence = _CONSENT_WORDS.get(purpose, (purpose, "this cannot be recorded"))
    name = participant.name
    withdrawn = sorted(
        (r for r in records if r.withdrawn_on is not None and r.withdrawn_on <= day),
        key=lambda r: r.withdrawn_on or day,
    )
    if withdrawn:
        when = withdrawn[-1].withdrawn_on
        assert when is not None
        return (
            f"{name} withdrew consent to {what} on {long_date(when)}; "
            f"{consequence} on or after that date"
        )
    later = sorted(r.given_on for r in records if r.given_on > day)
    if later:
        return (
            f"{name} gave consent to {what} on {long_date(later[0])}, after "
            f"{long_date(day)}; {consequence} before then"
        )
    return (
        f"There is no record of {name}'s consent to {what}; {consequence} until a "
        "facilitator records it"
    )


def consent_problems(
    *, participants: Iterable[Participant], purpose: str, on: datetime.date
) -> dict[int, str]:
    """``consent_problem`` for many participants, reading their consent in one query.

    The reasons of those whose consent for ``purpose`` did not cover ``on``, keyed by
    participant id, in the order given.
    """
    participants = list(participants)
    records = consent_records_by_participant(participants)
    problems: dict[int, str] = {}
    for participant in participants:
        problem = consent_problem(participant, purpose, on=on, records=records[participant.pk])
        if problem:
            problems[participant.pk] = problem
    return problems


def contact_withdrawn(
    participant: Participant,
    *,
    on: datetime.date | None = None,
    records: Iterable[ConsentRecord] | None = None,
) -> bool:
    """Consent to contact was recorded and has been withdrawn (and not given again)."""
    day = on or timezone.localdate()
    records = _records(participant, ConsentPurpose.CONTACT, records)
    return (
        bool(records)
        and not any(_covers(r, day) for r in records)
        and any(r.withdrawn_on is not None and r.withdrawn_on <= day for r in records)
    )


@dataclass(frozen=True)
class ContactView:
    """How to contact someone, as facilitators and the person see it."""

    preference: str
    details: str
    withdrawn: bool


def contact_of(participant: Participant) -> ContactView:
    """Contact preference and details, hidden once consent to contact is withdrawn."""
    if contact_withdrawn(participant):
        return ContactView(preference=ContactPreference.NONE.label, details="", withdrawn=True)
    return ContactView(
        preference=participant.get_contact_preference_display(),
        details=participant.contact_details,
        withdrawn=False,
    )


@dataclass(frozen=True)
class ConsentLine:
    """One purpose in the consent table: its state today and its history."""

    purpose: str
    label: str
    state: str  # "given", "withdrawn", "not recorded", "from <date>"
    current: ConsentRecord | None
    history: list[ConsentRecord]


def consent_summary(participant: Participant) -> list[ConsentLine]:
    """For each purpose, whether consent stands today, the record to withdraw, the history."""
    today = timezone.localdate()
    records = list(consent_records_of(participant))
    lines = []
    for purpose, label in ConsentPurpose.choices:
        mine = [r for r in records if r.purpose == purpose]
        current = next((r for r in mine if _covers(r, today)), None)
        pending = next((r for r in mine if r.given_on > today and r.withdrawn_on is None), None)
        if current is not None:
            state = "given"
        elif pending is not None:
            state = f"from {long_date(pending.given_on)}"
        elif mine:
            state = "withdrawn"
        else:
            state = "not recorded"
        lines.append(
            ConsentLine(
                purpose=purpose,
                label=label,
                state=state,
                current=current or pending,
                history=mine,
            )
        )
    return lines


# -- equality monitoring (aggregates only) -----------------------------------------------


def has_equality_record(participant: Participant) -> bool:
    return EqualityRecord.objects.filter(participant=participant).exists()


def equality_recorded_on(participant: Participant) -> datetime.date | None:
    """When equality answers were recorded: the date only, never the answers."""
    stamp = (
        EqualityRecord.objects.filter(participant=participant)
        .values_list("recorded_at", flat=True)
        .first()
    )
    return timezone.localdate(stamp) if stamp is not None else None


def own_equality_answers(*, participant: Participant, user: User) -> EqualityRecord | None:
    """A person's own equality answers, for them alone to see and replace.

    Refuses (404) anyone but the member linked to the participant: a facilitator never
    reads an equality record.
    """
    if participant.membership is None or participant.membership.user_id != user.pk:
        raise Http404("No such record.")
    return (
        EqualityRecord.objects.filter(participant=participant)
        .prefetch_related("plus_groups")
        .first()
    )


def plus_groups_of(organisation: Organisation) -> QuerySet[PlusGroup]:
    return PlusGroup.objects.filter(organisation=organisation).order_by("name")


def plus_group_in(*, organisation: Organisation, pk: int) -> PlusGroup:
    try:
        return plus_groups_of(organisation).get(pk=pk)
    except PlusGroup.DoesNotExist:
        raise Http404("No such PLUS group.") from None


def can_manage_plus_groups(*, organisation: Organisation, user: User | AnonymousUser) -> bool:
    """Facilitators of any of the organisation's projects keep its list of PLUS groups."""
    if not user.is_authenticated:
        return False
    return ProjectMembership.objects.filter(
        project__organisation=organisation, user=user, role=Role.FACILITATOR
    ).exists()


SUPPRESSION_NOTE = core_suppression.SUPPRESSION_NOTE


@dataclass(frozen=True)
class Cell:
    """One category's count, as shown: "<5" or "[c]", and no percentage, when hidden."""

    label: str
    shown: str
    percent: str
    hidden: bool


@dataclass(frozen=True)
class Dimension:
    """One question's answers, counted and suppressed as one table.

    ``answered`` is the table's total as it may be shown ("12", "<5" or "[c]"): for an
    equality question, how many answered it; percentages are shares of that total.
    """

    key: str
    title: str
    cells: list[Cell]
    explanation: str = ""
    answered: str = ""


def _percent(count: core_suppression.SuppressedCount, total: int) -> str:
    share = core_suppression.percentage(count, total)
    return "" if share is None else f"{share:.0f}%"


def _table(
    *, key: str, title: str, counts: dict[str, int], explanation: str = "", show: Iterable[str]
) -> Dimension:
    """A suppressed table: the cells ``show``n, and its total (hidden when unsafe)."""
    table = core_suppression.suppress_table(counts)
    total = sum(counts.values())
    cells = [
        Cell(
            label=label,
            shown=table.cells[label].shown,
            percent=_percent(table.cells[label], total),
            hidden=table.cells[label].suppressed,
        )
        for label in show
    ]
    return Dimension(
        key=key, title=title, cells=cells, explanation=explanation, answered=table.total.shown
    )


# Stored values are short codes made from the core's labels: the columns are too narrow for
# some labels ("English, Welsh, Scottish, Northern Irish or British"; "Yes, limited a
# little"). ``equality_label`` turns a code back into the core's label.
_WIDTHS = {"age_band": 20, "sex": 20, "ethnicity": 40, "disability": 20}


def _code(label: str, width: int) -> str:
    return slugify(label)[:width]


def _coded(labels: Iterable[str], width: int) -> list[tuple[str, str]]:
    return [(_code(label, width), label) for label in labels]


@dataclass(frozen=True)
class WhoTakesPart:
    """The roles and equality answers of a project's current participants, suppressed.

    ``total`` is how many take part, shown beside the roles table (whose cells add up to
    it); each equality question is a table of its answers alone, whose total is how many
    answered it.
    """

    total: str
    roles: Dimension
    dimensions: list[Dimension]


def counted_participants(*, project: Project) -> QuerySet[Participant]:
    """The people the aggregates count: the project's participants who have not left."""
    return Participant.objects.filter(project=project, left_on__isnull=True)


def who_takes_part(*, project: Project) -> WhoTakesPart:
    """Counts per role, and per answer of every equality question, small numbers suppressed.

    Each equality question is one table of the answers given: people who did not answer it
    (no equality record, a blank answer, "prefer not to say") are left out, and no count of
    them is shown. The table is suppressed with the core's complementary suppression against
    the number who answered, as the equity page suppresses the same answers: a reader who
    puts the two pages side by side, or knows how many take part (members who record see
    every name), learns no hidden count. A count of those who did not answer, hidden here,
    could be worked out from the equity page's "participants who answered" and then give a
    hidden answer away; so there is none.
    """
    people = counted_participants(project=project)
    roles = Counter(people.values_list("role", flat=True))
    role_counts = {label: roles.get(value, 0) for value, label in ParticipantRole.choices}
    role_table = _table(key="role", title="Role", counts=role_counts, show=list(role_counts))
    records = list(
        EqualityRecord.objects.filter(participant__in=people).prefetch_related("plus_groups")
    )

    dimensions = []
    for key, title, options, explanation in equality_questions():
        answers = Counter(_answer_of(record, key) for record in records)
        counts = {label: answers.get(value, 0) for value, label in options}
        dimensions.append(
            _table(key=key, title=title, counts=counts, explanation=explanation, show=counts)
        )

    groups = list(plus_groups_of(project.organisation))
    if groups:
        # Whoever answered said whether they belong to each group (none ticked: none, or
        # prefer not to say). Each group is its own table of those in it and the rest of
        # those who answered, as on the equity page.
        cells = []
        answered = core_suppression.suppress_total(len(records)).shown
        for group in groups:
            inside = sum(1 for record in records if group in record.plus_groups.all())
            pair = _table(
                key="plus",
                title=group.name,
                counts={"in": inside, "rest": len(records) - inside},
                show=["in"],
            )
            cells.append(replace(pair.cells[0], label=group.name))
            if pair.answered == core_suppression.COMPLEMENTARY_MARK:
                answered = pair.answered
        dimensions.append(
            Dimension(
                key="plus_groups",
                title="PLUS groups",
                cells=cells,
                explanation="A person may belong to more than one group, or to none.",
                answered=answered,
            )
        )
    return WhoTakesPart(
        total=role_table.answered,
        roles=role_table,
        dimensions=dimensions,
    )


def _answer_of(record: EqualityRecord, key: str) -> str:
    value = getattr(record, key)
    return "" if value is None else str(value)


IMD_EXPLANATION = (
    "The Index of Multiple Deprivation ranks every small area of England from most to "
    "least deprived, using income, employment, education, health, crime, housing and "
    "living environment. Decile 1 is the most deprived tenth of areas, decile 10 the "
    "least deprived. Deciles 1 and 2 are the “Core20”: the most deprived fifth. You can "
    "find the decile of a postcode with the government’s postcode lookup."
)


def imd_options() -> list[tuple[str, str]]:
    options = []
    for decile in range(1, 11):
        if decile == 1:
            label = "1 (most deprived)"
        elif decile == 10:
            label = "10 (least deprived)"
        else:
            label = str(decile)
        options.append((str(decile), label))
    return options


def equality_questions() -> list[tuple[str, str, list[tuple[str, str]], str]]:
    """(field, title, options as (stored code, label), explanation) per equality question.

    Ethnicity is flattened here; ``ethnicity_groups`` gives it under its ONS headings.
    """
    return [
        ("age_band", "Age", _coded(core_equity.AGE_BANDS, _WIDTHS["age_band"]), ""),
        ("sex", "Sex", _coded(core_equity.SEX, _WIDTHS["sex"]), ""),
        ("ethnicity", "Ethnic group", [c for _, cs in ethnicity_groups() for c in cs], ""),
        ("disability", "Disability", _coded(core_equity.DISABILITY, _WIDTHS["disability"]), ""),
        ("imd_decile", "Deprivation decile (IMD)", imd_options(), IMD_EXPLANATION),
    ]


def ethnicity_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The ONS 2021 ethnic groups as (heading, [(stored code, category), ...])."""
    return [
        (heading, _coded(categories, _WIDTHS["ethnicity"]))
        for heading, categories in core_equity.ONS_ETHNICITY_2021.items()
    ]


def equality_label(field: str, value: object) -> str:
    """The core's label for a stored answer ("" for no answer or prefer not to say)."""
    if value in (None, ""):
        return ""
    for key, _, options, _ in equality_questions():
        if key == field:
            return dict(options).get(str(value), "")
    return ""


def equality_counts(*, project: Project) -> dict[str, dict[str, int]]:
    """Raw counts of answers per question, by the core's labels, of current participants.

    Not for display: for the core's functions that suppress (``equity.equity_ratios``).
    No answer (no record, blank, "prefer not to say") is counted under ``""``.
    """
    people = counted_participants(project=project)
    total = people.count()
    records = list(EqualityRecord.objects.filter(participant__in=people))
    counts: dict[str, dict[str, int]] = {}
    for key, _, _, _ in equality_questions():
        answers = Counter(equality_label(key, getattr(record, key)) for record in records)
        answers[""] += total - len(records)
        counts[key] = dict(answers)
    return counts


def equality_lines(record: EqualityRecord) -> list[tuple[str, str]]:
    """A person's own answers as (question, answer), for them alone."""
    lines = [
        (title, equality_label(key, getattr(record, key)) or core_equity.PREFER_NOT_TO_SAY)
        for key, title, _, _ in equality_questions()
    ]
    groups = [group.name for group in record.plus_groups.all()]
    if (
        groups
        or PlusGroup.objects.filter(
            organisation_id=record.participant.project.organisation_id
        ).exists()
    ):
        lines.append(("PLUS groups", ", ".join(groups) or "None"))
    return lines


def equality_initial(record: EqualityRecord) -> dict[str, Any]:
    """A person's own answers as initial form values, for them alone."""
    return {
        "age_band": record.age_band or "prefer_not",
        "sex": record.sex or "prefer_not",
        "ethnicity": record.ethnicity,
        "disability": record.disability or "prefer_not",
        "imd_decile": "" if record.imd_decile is None else str(record.imd_decile),
        "plus_groups": list(record.plus_groups.all()),
    }


# -- check-ins and support ---------------------------------------------------------------


def checkins_of(participant: Participant) -> QuerySet[Checkin]:
    return Checkin.objects.filter(participant=participant).order_by("-date", "-pk")


def latest_checkin(participant: Participant) -> Checkin | None:
    return checkins_of(participant).first()


def checkin_items() -> Sequence[core_self_efficacy.CheckinItem]:
    return core_self_efficacy.ITEMS


def checkin_scale() -> Sequence[tuple[int, str]]:
    return core_self_efficacy.SCALE


def checkin_lines(checkin: Checkin) -> list[tuple[str, str]]:
    """A check-in's answers as (statement, answer), for the person who gave them."""
    scale = dict(core_self_efficacy.SCALE)
    return [
        (item.text, scale.get(int(checkin.answers[item.key]), ""))
        for item in core_self_efficacy.ITEMS
        if item.key in checkin.answers
    ]


@dataclass(frozen=True)
class SupportCheck:
    """Whether a check-in suggests support may help, and the statements behind it."""

    needs_support: bool
    reasons: list[str]


def support_check(checkin: Checkin | None) -> SupportCheck | None:
    """What the latest check-in says: the core's ``needs_support``, with its reasons."""
    if checkin is None:
        return None
    answers = {key: int(value) for key, value in checkin.answers.items()}
    scale = dict(core_self_efficacy.SCALE)
    reasons = [
        f"{scale[answers[item.key]]}: “{item.text_other}”"
        for item in core_self_efficacy.ITEMS
        if item.key in answers and answers[item.key] <= core_self_efficacy.LOW
    ]
    return SupportCheck(needs_support=core_self_efficacy.needs_support(answers), reasons=reasons)


@dataclass(frozen=True)
class ItemRow:
    text: str
    answers: str
    mean: str
    agree: str
    disagree: str


@dataclass(frozen=True)
class CheckinGroup:
    label: str
    checkins: str
    needing_support: str
    items: list[ItemRow]


@dataclass(frozen=True)
class CheckinsByRole:
    """The latest check-in of each current participant, by role; small groups hidden."""

    groups: list[CheckinGroup]
    hidden: list[str]
    any: bool


def _share(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f}%"


def checkins_by_role(*, project: Project) -> CheckinsByRole:
    latest: dict[int, Checkin] = {}
    for checkin in (
        Checkin.objects.filter(participant__in=counted_participants(project=project))
        .select_related("participant")
        .order_by("participant_id", "-date", "-pk")
    ):
        latest.setdefault(checkin.participant_id, checkin)
    checkins = [
        core_self_efficacy.Checkin(
            role=core_ladders.Role(c.participant.role),
            answers={k: int(v) for k, v in c.answers.items()},
        )
        for c in latest.values()
    ]
    summary = core_self_efficacy.summarise_checkins(checkins)
    # "Everyone" beside the roles shown would give away the answers of a small hidden
    # group by subtraction: show it only when the hidden roles hold none or 5 or more.
    hidden_roles = {g.role for g in summary.by_role if not g.shown}
    in_hidden = sum(1 for c in checkins if c.role in hidden_roles)
    everyone_safe = in_hidden == 0 or in_hidden >= core_suppression.THRESHOLD
    groups, hidden = [], []
    for group in [*summary.by_role, summary.everyone]:
        label = group.role.label if group.role is not None else "Everyone"
        if group.role is None and not everyone_safe:
            continue
        if not group.shown:
            if group.role is not None:
                hidden.append(label)
            continue
        groups.append(
            CheckinGroup(
                label=label,
                checkins=(
                    f"{core_suppression.THRESHOLD} or more"
                    if group.checkins.suppressed
                    else group.checkins.shown
                ),
                needing_support=group.needing_support.shown if group.needing_support else "",
                items=[
                    ItemRow(
                        text=item.item.text,
                        answers=item.answers.shown,
                        mean="" if item.mean is None else f"{item.mean:.1f}",
                        agree=_share(item.agree_share),
                        disagree=_share(item.disagree_share),
                    )
                    for item in group.items
                ],
            )
        )
    return CheckinsByRole(groups=groups, hidden=hidden, any=bool(latest))


def support_of(participant: Participant) -> QuerySet[SupportOffer]:
    return SupportOffer.objects.filter(participant=participant).order_by("-offered_on", "-pk")


def support_in(*, participant: Participant, pk: int) -> SupportOffer:
    try:
        return support_of(participant).get(pk=pk)
    except SupportOffer.DoesNotExist:
        raise Http404("No such support record.") from None

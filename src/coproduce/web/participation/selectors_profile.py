"""The co-production profile of a project, and the one place that feeds the core its records.

``core_records_of`` turns a project's activities, attendance, decisions and influence log
into the core's frozen records (``coproduce.participation.records``) in six queries,
whatever the size of the project; ``profile_of`` hands them to the core's
``coproduction_profile``. The profile page, the GRIPP2 report and the API all start here, so
they cannot disagree about what was recorded.

``profile_page`` shapes the profile for the page every member sees: tables with their
captions, sentences with the intervals written out, the flags with links to their evidence
for the members who record. Counts of people only ever come from the core, suppressed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from coproduce.participation import flags as core_flags
from coproduce.participation import ladders
from coproduce.participation import profile as core_profile
from coproduce.participation import records as core_records
from coproduce.participation import suppression as core_suppression
from coproduce.participation.stats import Proportion, percent

from . import charts, selectors
from .models import Activity, Attendance, Contribution, Decision
from .selectors_activities import FEEDBACK_DAYS
from .selectors_people import long_date

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Project


# -- the conversion -------------------------------------------------------------------------


class CoreRecords(NamedTuple):
    """A project's record as the core reads it, oldest first within each kind.

    A named tuple, so ``activities, decisions, contributions = core_records_of(project)``.
    """

    activities: tuple[core_records.ActivityRecord, ...]
    decisions: tuple[core_records.DecisionRecord, ...]
    contributions: tuple[core_records.ContributionRecord, ...]

    @property
    def empty(self) -> bool:
        return not (self.activities or self.decisions or self.contributions)


def _optional_id(pk: int | None) -> str | None:
    return None if pk is None else str(pk)


def core_records_of(project: Project) -> CoreRecords:
    """The project's activities (with attendance), decisions and contributions as records.

    Six queries, none per row. Ids are the rows' primary keys as text. A person's role at
    an activity, in a decision or behind a contribution is their role as a participant.
    """
    attendance: dict[int, list[core_records.Attendance]] = defaultdict(list)
    for activity_id, participant_id, role, hours in (
        Attendance.objects.filter(activity__project=project)
        .order_by("activity_id", "participant_id")
        .values_list("activity_id", "participant_id", "participant__role", "hours")
    ):
        attendance[activity_id].append(
            core_records.Attendance(str(participant_id), ladders.Role(role), hours)
        )
    activities = tuple(
        core_records.ActivityRecord(
            id=str(pk),
            date=date,
            kind=ladders.ActivityKind(kind),
            title=title,
            rung_planned=ladders.Rung(planned),
            rung_achieved=ladders.Rung(achieved) if achieved else None,
            phase=ladders.ServicePhase(phase),
            attendance=tuple(attendance.get(pk, ())),
            labelled=labelled,
        )
        for pk, date, kind, title, planned, achieved, phase, labelled in (
            Activity.objects.filter(project=project)
            .order_by("date", "pk")
            .values_list(
                "pk",
                "date",
                "kind",
                "title",
                "rung_planned",
                "rung_achieved",
                "phase",
                "labelled_as",
            )
        )
    )

    present: dict[int, set[ladders.Role]] = defaultdict(set)
    for decision_id, role in Decision.present.through.objects.filter(
        decision__project=project
    ).values_list("decision_id", "participant__role"):
        present[decision_id].add(ladders.Role(role))
    decisions = tuple(
        core_records.DecisionRecord(
            id=str(pk),
            date=date,
            activity_id=_optional_id(activity_id),
            present_roles=frozenset(present.get(pk, ())),
            taken_by=taken_by,
        )
        for pk, date, activity_id, taken_by in (
            Decision.objects.filter(project=project)
            .order_by("date", "pk")
            .values_list("pk", "date", "activity_id", "taken_by")
        )
    )

    contributors: dict[int, list[tuple[str, ladders.Role]]] = defaultdict(list)
    for contribution_id, participant_id, role in (
        Contribution.contributors.through.objects.filter(contribution__project=project)
        .order_by("contribution_id", "participant_id")
        .values_list("contribution_id", "participant_id", "participant__role")
    ):
        contributors[contribution_id].append((str(participant_id), ladders.Role(role)))
    contributions = tuple(
        core_records.ContributionRecord(
            id=str(pk),
            date=date,
            contributor_ids=tuple(pid for pid, _ in contributors.get(pk, ())),
            contributor_roles=frozenset(role for _, role in contributors.get(pk, ())),
            outcome=core_records.Outcome(outcome),
            outcome_date=outcome_on,
            fed_back_on=fed_back_on,
            activity_id=_optional_id(activity_id),
            reason=response,
        )
        for pk, date, outcome, outcome_on, fed_back_on, activity_id, response in (
            Contribution.objects.filter(project=project)
            .order_by("date", "pk")
            .values_list(
                "pk", "date", "outcome", "outcome_on", "fed_back_on", "activity_id", "response"
            )
        )
    )
    return CoreRecords(activities, decisions, contributions)


def profile_of(
    project: Project,
    today: datetime.date | None = None,
    *,
    records: CoreRecords | None = None,
) -> core_profile.Profile:
    """The core's co-production profile of the project, as of ``today`` (today's date).

    Contributions not fed back after ``FEEDBACK_DAYS`` days are flagged, as in the
    influence log. Pass ``records`` from :func:`core_records_of` to avoid reading twice.
    """
    records = records if records is not None else core_records_of(project)
    return core_profile.coproduction_profile(
        records.activities,
        records.decisions,
        records.contributions,
        today=today or timezone.localdate(),
        feedback_days=FEEDBACK_DAYS,
    )


# -- the page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    label: str
    hint: str
    cells: list[str]
    total: str


@dataclass(frozen=True)
class RungRoleTable:
    """A rung × role table as shown: ``columns`` are the role labels."""

    caption: str
    columns: list[str]
    rows: list[TableRow]
    totals: list[str]
    total: str


@dataclass(frozen=True)
class PeopleRow:
    role: str
    shown: str


@dataclass(frozen=True)
class Link:
    label: str
    url: str | None  # None: shown as text (the reader does not record)


@dataclass(frozen=True)
class FellShort:
    link: Link
    planned: str
    achieved: str


@dataclass(frozen=True)
class PlannedView:
    assessed: int
    below: int
    equal: int
    above: int
    not_assessed: int
    gap_sentence: str
    fell_short: list[FellShort]


@dataclass(frozen=True)
class FlagView:
    code: str
    title: str
    explanation: str
    source: str
    severity: str
    severity_label: str
    evidence: list[Link]
    more_evidence: int
    more_url: str | None


@dataclass(frozen=True)
class ProfilePage:
    """Everything the profile page shows."""

    profile: core_profile.Profile
    has_activities: bool
    has_anything: bool
    hours: RungRoleTable
    activities: RungRoleTable
    people: list[PeopleRow]
    people_total: str
    planned: PlannedView
    influence: list[str]
    contributions: int
    voices: list[str]
    flags: list[FlagView]
    chart: list[charts.HoursBar]
    suppression_note: str = core_suppression.SUPPRESSION_NOTE


SEVERITY_LABELS = {
    core_flags.Severity.SERIOUS: "Serious",
    core_flags.Severity.WARNING: "Warning",
    core_flags.Severity.NOTE: "Note",
}

#: How many pieces of evidence a flag lists before "and N more".
EVIDENCE_SHOWN = 10


def _hours(value: Decimal) -> str:
    return "0" if value == 0 else f"{value:.1f}"


def _rung_label(row: core_profile.Row) -> str:
    return core_profile.row_label(row) if row is None else f"{int(row)}. {row.label}"


def _table(
    table: core_profile.Table[Decimal] | core_profile.Table[int], *, caption: str
) -> RungRoleTable:
    def text(value: object) -> str:
        return _hours(value) if isinstance(value, Decimal) else str(value)

    return RungRoleTable(
        caption=caption,
        columns=[role.label for role in table.cols],
        rows=[
            TableRow(
                label=_rung_label(row),
                hint=row.group.label if row is not None else "",
                cells=[text(value) for value in cells],
                total=text(total),
            )
            for row, cells, total in zip(table.rows, table.cells, table.row_totals, strict=True)
        ],
        totals=[text(value) for value in table.col_totals],
        total=text(table.total),
    )


def share_sentence(share: Proportion, what: str) -> str:
    """ "62% (95% CI 41% to 79%) of contributions led to a change (13 of 21)."."""
    return (
        f"{percent(share.estimate)} ({percent(share.confidence)} CI {percent(share.low)} to "
        f"{percent(share.high)}) of contributions {what} ({share.successes} of {share.n})."
    )


def _influence(influence: core_profile.Influence) -> list[str]:
    if influence.total == 0 or influence.changed_share is None:
        return []
    lines = [share_sentence(influence.changed_share, "led to a change")]
    if influence.responded_share is not None:
        lines.append(
            share_sentence(
                influence.responded_share,
                "had a response: a change, or a reason why not",
            )
        )
    if influence.not_taken_forward:
        without = influence.not_taken_forward - influence.not_taken_forward_with_reason
        lines.append(
            f"{influence.not_taken_forward} not taken forward"
            + (
                f", {without} of them without a reason recorded."
                if without
                else ", each with a reason."
            )
        )
    if influence.pending:
        waiting = "is" if influence.pending == 1 else "are"
        lines.append(f"{influence.pending} {waiting} still waiting for a response.")
    return lines


def _voices(voices: core_flags.VoiceConcentration) -> list[str]:
    if not voices.shown:
        return [
            f"Fewer than {core_suppression.THRESHOLD} patients or carers have taken part, so "
            "how evenly their input is spread is not shown: it would point at the people."
        ]
    lines = [f"{voices.people.shown} patients and carers have taken part."]
    top = percent(voices.top_fraction)
    if voices.top_contribution_share is not None:
        lines.append(
            f"The most active {top} of them gave {percent(voices.top_contribution_share)} of "
            "their contributions."
        )
    if voices.top_hours_share is not None:
        # Ranked by hours, so not necessarily the people of the sentence before.
        lines.append(
            f"The {top} of them who gave the most time gave {percent(voices.top_hours_share)} "
            "of their hours."
        )
    effective = [
        f"{value:.1f} for {what}"
        for value, what in (
            (voices.effective_voices_contributions, "contributions"),
            (voices.effective_voices_hours, "hours"),
        )
        if value is not None
    ]
    if effective:
        lines.append(
            "Effective number of voices: "
            + " and ".join(effective)
            + ". This is how many equally active people would give the same spread: the "
            "closer to the number of people, the more evenly they share the input "
            "(Simpson 1949)."
        )
    return lines


def _gap_sentence(mean_gap: float | None) -> str:
    if mean_gap is None:
        return "No activity has been assessed yet: record the rung achieved on each activity."
    if abs(mean_gap) < 0.05:
        return "On average, assessed activities reached the rung planned."
    direction = "below" if mean_gap < 0 else "above"
    rungs = abs(mean_gap)
    unit = "rung" if f"{rungs:.1f}" == "1.0" else "rungs"
    return (
        f"On average, assessed activities reached {rungs:.1f} {unit} {direction} the rung planned."
    )


class _Evidence:
    """Links to the records behind a flag, for members who record."""

    def __init__(self, *, project: Project, records: CoreRecords, links: bool) -> None:
        self.project = project
        self.links = links
        self.activities = {a.id: a for a in records.activities}
        self.decisions = {d.id: d for d in records.decisions}
        self.contributions = {c.id: c for c in records.contributions}

    def _url(self, name: str, pk: str) -> str | None:
        if not self.links:
            return None
        return reverse(f"participation:{name}", args=[self.project.pk, int(pk)])

    def activity(self, pk: str) -> Link:
        activity = self.activities[pk]
        return Link(f"{activity.title} ({long_date(activity.date)})", self._url("activity", pk))

    def said(self, pks: list[str]) -> dict[str, str]:
        """What was said, for the contributions listed (one query)."""
        return {
            str(key): text
            for key, text in Contribution.objects.filter(
                project=self.project, pk__in=[int(pk) for pk in pks]
            ).values_list("pk", "said")
        }

    def links_for(self, code: core_flags.FlagCode, pks: list[str]) -> list[Link]:
        if code in (
            core_flags.FlagCode.CONSULTATION_LABELLED_COPRODUCTION,
            core_flags.FlagCode.TOKENISM_RISK,
        ):
            return [self.activity(pk) for pk in pks]
        if code is core_flags.FlagCode.DECISIONS_WITHOUT_LIVED_EXPERIENCE:
            return [
                Link(
                    f"Decision of {long_date(self.decisions[pk].date)}",
                    self._url("decision_edit", pk),
                )
                for pk in pks
            ]
        if code is core_flags.FlagCode.CONTRIBUTIONS_WITHOUT_FEEDBACK:
            said = self.said(pks) if self.links else {}
            links = []
            for pk in pks:
                label = f"Contribution made on {long_date(self.contributions[pk].date)}"
                text = Truncator(said.get(pk, "")).words(10)
                links.append(
                    Link(
                        f"{label}: “{text}”" if text else label,
                        self._url("contribution_respond", pk),
                    )
                )
            return links
        return []

    def more_url(self, code: core_flags.FlagCode) -> str | None:
        if not self.links:
            return None
        name = {
            core_flags.FlagCode.CONSULTATION_LABELLED_COPRODUCTION: "activities",
            core_flags.FlagCode.TOKENISM_RISK: "activities",
            core_flags.FlagCode.DECISIONS_WITHOUT_LIVED_EXPERIENCE: "decisions",
            core_flags.FlagCode.CONTRIBUTIONS_WITHOUT_FEEDBACK: "influence",
        }.get(code)
        return reverse(f"participation:{name}", args=[self.project.pk]) if name else None


def _flags(flags: tuple[core_flags.Flag, ...], evidence: _Evidence) -> list[FlagView]:
    shown = []
    for flag in flags:
        items = evidence.links_for(flag.code, list(flag.evidence[:EVIDENCE_SHOWN]))
        more = max(len(flag.evidence) - EVIDENCE_SHOWN, 0)
        shown.append(
            FlagView(
                code=str(flag.code),
                title=flag.title,
                explanation=flag.explanation,
                source=flag.source,
                severity=str(flag.severity),
                severity_label=SEVERITY_LABELS[flag.severity],
                evidence=items,
                more_evidence=more,
                more_url=evidence.more_url(flag.code) if more else None,
            )
        )
    return shown


def _planned(planned: core_profile.PlannedVsAchieved, evidence: _Evidence) -> PlannedView:
    fell_short = []
    for pk in planned.fell_short:
        activity = evidence.activities[pk]
        fell_short.append(
            FellShort(
                link=evidence.activity(pk),
                planned=_rung_label(activity.rung_planned),
                achieved=_rung_label(activity.rung_achieved),
            )
        )
    return PlannedView(
        assessed=planned.below + planned.equal + planned.above,
        below=planned.below,
        equal=planned.equal,
        above=planned.above,
        not_assessed=planned.not_assessed,
        gap_sentence=_gap_sentence(planned.mean_gap),
        fell_short=fell_short,
    )


def profile_page(
    *,
    project: Project,
    user: User | AnonymousUser,
    today: datetime.date | None = None,
) -> ProfilePage:
    """The profile as the page shows it to ``user``: evidence is linked for recorders only."""
    records = core_records_of(project)
    profile = profile_of(project, today, records=records)
    evidence = _Evidence(
        project=project,
        records=records,
        links=selectors.can_record(project=project, user=user),
    )
    hours_by_rung = dict(zip(profile.hours.rows, profile.hours.row_totals, strict=True))
    return ProfilePage(
        profile=profile,
        has_activities=bool(records.activities),
        has_anything=not records.empty,
        hours=_table(profile.hours, caption="Hours given, by rung achieved and role"),
        activities=_table(
            profile.activities,
            caption="Activities, by rung achieved and the roles of the people who attended",
        ),
        people=[PeopleRow(role.label, count.shown) for role, count in profile.people.items()],
        people_total=profile.people_total.shown,
        planned=_planned(profile.planned_vs_achieved, evidence),
        influence=_influence(profile.influence),
        contributions=profile.influence.total,
        voices=_voices(profile.voices),
        flags=_flags(profile.flags, evidence),
        chart=[
            charts.HoursBar(_rung_label(row), float(hours), assessed=row is not None)
            for row, hours in hours_by_rung.items()
        ],
    )

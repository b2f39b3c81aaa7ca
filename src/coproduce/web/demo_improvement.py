"""The demo's improvement story: a fracture clinic cuts the wait for a first appointment.

Built only through the actions, like a team would build it through the pages: an aim, a family
of three measures with 30 months of monthly data, three change ideas with their PDSA ramps (one
abandoned, one adapted twice then adopted, one still being tested), a new phase of the outcome
chart from the month the adopted change went live, IHI progress scores over time, and a driver
diagram whose history shows the theory changing as the ramps taught the team (a secondary driver
added and a link weakened after the abandoned ramp, a driver moved up once texts worked).

The data are generated, not drawn: a fixed seed gives the same plausible numbers every time, and
the SPC engine finds the shift after the adopted change by itself (``tests/web/
test_demo_improvement.py`` checks that it does). Dates are relative to today, so the aim's
deadline is always ahead and no progress score is in the future: the last month of data is the
month before this one.

Loading is idempotent: each thing is looked up by a stable name first and added only if missing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.utils import timezone

from coproduce.web.accounts import actions as account_actions
from coproduce.web.accounts.models import User
from coproduce.web.improvement import actions as improvement_actions
from coproduce.web.improvement.actions import PredictionData
from coproduce.web.improvement.models import (
    Aim,
    ChangeIdea,
    Driver,
    DriverDiagram,
    DriverLink,
    ProgressScore,
)
from coproduce.web.measures import actions as measure_actions
from coproduce.web.measures import actions_chart
from coproduce.web.measures.models import Measure, Phase
from coproduce.web.projects import actions as project_actions
from coproduce.web.projects.models import (
    Organisation,
    OrganisationMembership,
    Project,
    ProjectMembership,
    ProjectStatus,
    Role,
)

PROJECT_TITLE = "Fracture clinic: days from referral to first appointment"
SEED = 20_240_601
MONTHS = 30
#: The month (0-based, of the 30) when text message reminders went live for every clinic.
ADOPTED = 18

OUTCOME = "Days from referral to first fracture clinic appointment"
PROCESS = "Referrals triaged within 2 working days"
BALANCING = "Patients who did not attend their first appointment"

MEMBERS = [
    ("Priya Shah", "priya.shah@demo.coproduce.invalid", Role.PATIENT_PARTNER),
    ("Tom Evans", "tom.evans@demo.coproduce.invalid", Role.CARER_PARTNER),
    ("Jo Clarke", "jo.clarke@demo.coproduce.invalid", Role.STAFF),
    ("Dr Ade Okafor", "ade.okafor@demo.coproduce.invalid", Role.STAFF),
]

PHONE = "Phone reminders by volunteers"
TEXT = "Text message reminders with reply to rebook"
TRIAGE = "Daily virtual triage of new referrals"

DIAGRAM = "Why people wait for the fracture clinic: our theory"
#: Primary drivers.
SLOTS_USED = "Every booked slot is used"
TRIAGED = "New referrals are triaged promptly"
RIGHT_CLINIC = "Slots go to the patients who need them"
#: Secondary drivers.
REMINDED = "Patients are reminded before their appointment"
REUSED = "Freed slots are offered again the same day"
REVIEWED = "A clinician reviews every new referral each weekday"
DISCHARGED = "People who need no clinic are discharged with advice"
#: Added after the phone reminders were abandoned: the learning of that ramp.
ANY_TIME = "Patients can cancel or rebook at any time of day"


# -- dates and data ----------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def first_month(today: datetime.date) -> datetime.date:
    """The first month of data: 30 months ending with the month before ``today``'s."""
    return add_months(today.replace(day=1), -MONTHS)


@dataclass(frozen=True)
class StoryData:
    """Thirty months of the three measures, from a fixed seed."""

    periods: list[datetime.date]
    days_to_appointment: list[float]
    referrals: list[int]
    triaged: list[int]
    booked: list[int]
    did_not_attend: list[int]


def story_data(start: datetime.date) -> StoryData:
    """Plausible monthly numbers: the wait averages about 42 days until the reminders go live,
    then about 26; triage improves a little once daily triage is tried; fewer people miss
    their appointment once they get a text and can rebook."""
    rng = np.random.default_rng(SEED)
    month = np.arange(MONTHS)
    after = month >= ADOPTED
    days = np.where(after, 26.0, 42.0) + rng.normal(0.0, 2.6, MONTHS)
    referrals = rng.poisson(185, MONTHS)
    triage_rate = np.where(month >= MONTHS - 4, 0.72, 0.64)
    triaged = rng.binomial(referrals, triage_rate)
    booked = rng.poisson(170, MONTHS)
    dna_rate = np.where(after, 0.075, 0.10)
    dna = rng.binomial(booked, dna_rate)
    return StoryData(
        periods=[add_months(start, i) for i in range(MONTHS)],
        days_to_appointment=[round(float(d), 1) for d in days],
        referrals=[int(n) for n in referrals],
        triaged=[int(n) for n in triaged],
        booked=[int(n) for n in booked],
        did_not_attend=[int(n) for n in dna],
    )


# -- the story ---------------------------------------------------------------------------


def load_story(
    *, organisation: Organisation, facilitator: User, today: datetime.date | None = None
) -> Project:
    """Add the fracture clinic project (or find it) and fill in whatever is missing."""
    today = today or timezone.localdate()
    start = first_month(today)
    data = story_data(start)

    def month(index: int, day: int = 1) -> datetime.date:
        return add_months(start, index) + datetime.timedelta(days=day - 1)

    project = Project.objects.filter(organisation=organisation, title=PROJECT_TITLE).first()
    if project is None:
        project = project_actions.create_project(
            organisation=organisation,
            title=PROJECT_TITLE,
            service="Trauma and orthopaedics: fracture clinic",
            description=(
                "Patients, carers, clinic nurses and the booking team work out why adults "
                "referred to the fracture clinic wait six weeks for a first appointment, "
                "and test changes to shorten the wait."
            ),
            status=ProjectStatus.ACTIVE,
            by=facilitator,
        )
    members = _members(project=project, organisation=organisation, facilitator=facilitator)
    outcome, process, balancing = _measures(project=project, by=facilitator, data=data)

    if not Aim.objects.filter(project=project).exists():
        improvement_actions.create_aim(
            project=project,
            what="the number of days from referral to a first fracture clinic appointment",
            for_whom="adults referred to the Demo Valley fracture clinic",
            baseline=42,
            target=28,
            unit="days",
            direction="decrease",
            deadline=month(MONTHS + 12) - datetime.timedelta(days=1),
            outcome_measure=outcome,
            by=facilitator,
        )

    _ramps(
        project=project,
        by=facilitator,
        month=month,
        members=members,
        outcome=outcome,
        process=process,
        balancing=balancing,
    )

    aim = Aim.objects.filter(project=project).order_by("pk").first()
    if not DriverDiagram.objects.filter(project=project, title=DIAGRAM).exists():
        _driver_diagram(
            project=project,
            aim=aim,
            by=facilitator,
            priya=members["priya.shah@demo.coproduce.invalid"].user,
            outcome=outcome,
            process=process,
            balancing=balancing,
        )

    starts = month(ADOPTED)
    if not Phase.objects.filter(measure=outcome, starts=starts).exists():
        actions_chart.add_phase(
            measure=outcome,
            starts=starts,
            reason=(
                "Text message reminders with reply to rebook went live for every fracture "
                "clinic (adopted after PDSA 3); freed slots are offered to the next patient."
            ),
            by=facilitator,
        )

    if not ProgressScore.objects.filter(project=project).exists():
        for index, score, note in [
            (2, "1.5", "Team formed with two patient partners; baseline data being collected."),
            (9, "2.0", "Testing changes: phone reminders by volunteers."),
            (20, "3.0", "Modest improvement: the wait fell after text reminders were adopted."),
            (27, "3.5", "Improvement sustained for nine months; the wait is under 28 days."),
        ]:
            improvement_actions.record_progress_score(
                project=project,
                score=score,
                recorded_on=month(index, 28),
                note=note,
                by=facilitator,
            )
    return project


def _members(
    *, project: Project, organisation: Organisation, facilitator: User
) -> dict[str, ProjectMembership]:
    """The project's members by email (the facilitator too), adding those missing."""
    for name, email, role in MEMBERS:
        if ProjectMembership.objects.filter(project=project, user__email=email).exists():
            continue
        user = User.objects.filter(email=email).first() or account_actions.create_user(
            email=email, name=name, password=None, by=facilitator
        )
        if not OrganisationMembership.objects.filter(organisation=organisation, user=user).exists():
            project_actions.add_organisation_member(
                organisation=organisation, user=user, is_admin=False, by=facilitator
            )
        project_actions.add_member(project=project, user=user, role=role, by=facilitator)
    return {
        m.user.email: m
        for m in ProjectMembership.objects.filter(project=project).select_related("user")
    }


def _measure(*, project: Project, by: User, title: str, **fields: object) -> Measure:
    found = Measure.objects.filter(project=project, title=title).first()
    if found is not None:
        return found
    return measure_actions.create_measure(project=project, by=by, title=title, **fields)


def _save(measure: Measure, by: User, frame: pl.DataFrame) -> None:
    if measure.points.exists():
        return
    columns: dict[str, str | None] = {"period": "period", "value": "value"}
    if "denominator" in frame.columns:
        columns["denominator"] = "denominator"
    measure_actions.save_points(measure=measure, frame=frame, columns=columns, by=by, source="demo")


def _measures(*, project: Project, by: User, data: StoryData) -> tuple[Measure, Measure, Measure]:
    periods = [p.isoformat() for p in data.periods]
    outcome = _measure(
        project=project,
        by=by,
        title=OUTCOME,
        kind="outcome",
        definition=(
            "For adults whose first fracture clinic appointment took place in the month: the "
            "mean number of calendar days from the referral being received (from the emergency "
            "department, minor injuries unit or GP) to that appointment."
        ),
        numerator="Sum of days from referral to first appointment",
        denominator="First appointments in the month",
        unit="days",
        data_type="measurement",
        chart="i",
        direction="decrease",
        target=28,
    )
    _save(
        outcome,
        by,
        pl.DataFrame({"period": periods, "value": [str(v) for v in data.days_to_appointment]}),
    )
    process = _measure(
        project=project,
        by=by,
        title=PROCESS,
        kind="process",
        definition=(
            "Referrals received in the month that a clinician triaged (virtual review, "
            "appointment type decided) within 2 working days of receipt."
        ),
        numerator="Referrals triaged within 2 working days",
        denominator="Referrals received",
        unit="%",
        data_type="proportion",
        chart="p",
        direction="increase",
        target=90,
        multiply=100.0,
    )
    _save(
        process,
        by,
        pl.DataFrame(
            {
                "period": periods,
                "value": [str(v) for v in data.triaged],
                "denominator": [str(v) for v in data.referrals],
            }
        ),
    )
    balancing = _measure(
        project=project,
        by=by,
        title=BALANCING,
        kind="balancing",
        definition=(
            "First fracture clinic appointments in the month that the patient did not attend "
            "without telling the clinic. Shorter waits must not mean more missed appointments."
        ),
        numerator="First appointments not attended",
        denominator="First appointments booked",
        unit="%",
        data_type="proportion",
        chart="p",
        direction="decrease",
        multiply=100.0,
    )
    _save(
        balancing,
        by,
        pl.DataFrame(
            {
                "period": periods,
                "value": [str(v) for v in data.did_not_attend],
                "denominator": [str(v) for v in data.booked],
            }
        ),
    )
    return outcome, process, balancing


def _idea(*, project: Project, by: User, title: str, description: str) -> tuple[ChangeIdea, bool]:
    found = ChangeIdea.objects.filter(project=project, title=title).first()
    if found is not None:
        return found, False
    idea = improvement_actions.create_change_idea(
        project=project, title=title, description=description, by=by
    )
    return idea, True


def _ramps(
    *,
    project: Project,
    by: User,
    month: Callable[..., datetime.date],
    members: dict[str, ProjectMembership],
    outcome: Measure,
    process: Measure,
    balancing: Measure,
) -> None:
    priya = members["priya.shah@demo.coproduce.invalid"]
    tom = members["tom.evans@demo.coproduce.invalid"]
    jo = members["jo.clarke@demo.coproduce.invalid"]
    ade = members["ade.okafor@demo.coproduce.invalid"]
    alex = members[by.email]

    idea, new = _idea(
        project=project,
        by=by,
        title=PHONE,
        description=(
            "Volunteers phone each patient three days before their first appointment, so "
            "those who cannot come free the slot for someone else."
        ),
    )
    if new:
        improvement_actions.create_cycle(
            change_idea=idea,
            purpose="test_change",
            start_date=month(8, 4),
            end_date=month(8, 25),
            objective="Find out whether volunteers can reach patients before Monday clinics.",
            plan_who="Two volunteers from the patient panel, with Jo Clarke",
            plan_what="Phone every patient booked into Monday clinics three days ahead",
            plan_when="Three weeks",
            plan_where="Fracture clinic office",
            scale="Monday clinics only",
            data_plan="Tally of calls made, people reached and slots freed",
            predictions=[
                PredictionData(
                    question="How many patients will the volunteers reach?",
                    prediction="At least 8 in 10",
                    rationale="Most referrals give a mobile number",
                    result="not_confirmed",
                ),
                PredictionData(
                    question="Will freed slots be rebooked?",
                    prediction="Yes, most of them within a day",
                    result="partly",
                ),
            ],
            participants=[priya, jo],
            other_participants=2,
            carried_out_as_planned=True,
            observations=(
                "Volunteers reached 4 in 10 patients; many calls went to voicemail during "
                "working hours."
            ),
            learning="Calls in the evening might reach more people.",
            decision="adapt",
            next_steps="Try evening calls for a month.",
            measures=[outcome],
            by=by,
        )
        improvement_actions.create_cycle(
            change_idea=idea,
            purpose="test_change",
            start_date=month(10, 2),
            end_date=month(10, 27),
            objective="Test evening calls by volunteers for all clinics.",
            plan_who="Four volunteers, with Jo Clarke",
            plan_what="Phone every patient between 5 pm and 7 pm three days ahead",
            plan_when="One month",
            scale="All clinics",
            data_plan="Tally of calls made, people reached and slots freed",
            predictions=[
                PredictionData(
                    question="How many patients will evening calls reach?",
                    prediction="At least 8 in 10",
                    result="not_confirmed",
                ),
            ],
            participants=[priya, tom, jo],
            other_participants=4,
            carried_out_as_planned=False,
            observations=(
                "Only 5 in 10 reached; two volunteers stopped after a week; few slots freed."
            ),
            learning=(
                "Phoning takes more volunteer time than we have, and reaches too few people "
                "to change the wait."
            ),
            decision="abandon",
            next_steps="Patient partners suggested text messages instead.",
            measures=[outcome],
            by=by,
        )

    idea, new = _idea(
        project=project,
        by=by,
        title=TEXT,
        description=(
            "A text message five days before the first appointment, with a reply to cancel "
            "or rebook; the booking team offers each freed slot to the next patient waiting. "
            "Suggested by the patient partners after the phone reminders."
        ),
    )
    if new:
        improvement_actions.create_cycle(
            change_idea=idea,
            purpose="test_change",
            start_date=month(13, 3),
            end_date=month(13, 17),
            objective="Find out whether patients read and answer a reminder text.",
            plan_who="Jo Clarke and the booking team; Priya Shah wrote the message",
            plan_what="Send the reminder to patients of one consultant's clinic",
            plan_when="Two weeks",
            scale="One consultant's clinics",
            data_plan="Texts sent, replies, slots freed and rebooked",
            predictions=[
                PredictionData(
                    question="How many patients will reply?",
                    prediction="At least a third",
                    rationale="Patients told us they prefer texts to calls",
                    result="confirmed",
                ),
                PredictionData(
                    question="Will the booking team rebook freed slots within a day?",
                    prediction="Yes",
                    result="not_confirmed",
                ),
            ],
            participants=[priya, jo, ade],
            carried_out_as_planned=True,
            observations="41% replied; freed slots waited for the weekly booking meeting.",
            learning="Texts work; freed slots must be offered the same day.",
            decision="adapt",
            next_steps="Add a same-day rebooking list and test on all Monday clinics.",
            measures=[outcome],
            by=by,
        )
        improvement_actions.create_cycle(
            change_idea=idea,
            purpose="test_change",
            start_date=month(15, 1),
            end_date=month(15, 26),
            objective="Test reminders with same-day rebooking on all Monday clinics.",
            plan_who="The booking team, with Jo Clarke",
            plan_what="Reminder text, reply to rebook, same-day offer of freed slots",
            plan_when="Four weeks",
            scale="All Monday clinics",
            data_plan="Texts sent, replies, slots freed and rebooked; days to appointment",
            predictions=[
                PredictionData(
                    question="Will freed slots be rebooked the same day?",
                    prediction="Nine in ten",
                    result="confirmed",
                ),
                PredictionData(
                    question="Will patients with little English understand the text?",
                    prediction="Yes",
                    rationale="The text is short",
                    result="not_confirmed",
                ),
            ],
            participants=[priya, tom, jo],
            carried_out_as_planned=True,
            observations=(
                "Same-day rebooking worked; Tom Evans heard from carers that the text was "
                "confusing for people who read little English."
            ),
            learning="Rebooking works; the text needs plainer words and other languages.",
            decision="adapt",
            next_steps="Rewrite the text with patient partners; add the five commonest languages.",
            measures=[outcome, balancing],
            by=by,
        )
        improvement_actions.create_cycle(
            change_idea=idea,
            purpose="implement_change",
            start_date=month(ADOPTED - 1, 1),
            end_date=month(ADOPTED - 1, 27),
            objective="Test the rewritten, translated text on every clinic before adopting it.",
            plan_who="The booking team; Priya Shah and Tom Evans checked the wording",
            plan_what="Plain-words reminder in six languages, reply to rebook, same-day offer",
            plan_when="Four weeks",
            scale="Every fracture clinic",
            data_plan="Texts, replies, rebooked slots; days to appointment; did-not-attend rate",
            predictions=[
                PredictionData(
                    question="Will the wait for a first appointment fall?",
                    prediction="Below 35 days within a month",
                    rationale="About 15 slots a week are freed and reused",
                    result="confirmed",
                ),
                PredictionData(
                    question="Will more people miss appointments offered at short notice?",
                    prediction="No",
                    result="confirmed",
                ),
            ],
            participants=[alex, priya, tom, jo, ade],
            carried_out_as_planned=True,
            observations="Replies rose to 55%; slots freed every day were reused.",
            learning="The change works across every clinic without more missed appointments.",
            decision="adopt",
            next_steps="Make it the standard; watch the chart for a sustained shift.",
            measures=[outcome, balancing],
            by=by,
        )

    idea, new = _idea(
        project=project,
        by=by,
        title=TRIAGE,
        description=(
            "A fracture clinic nurse or consultant reviews every new referral each morning, so "
            "people who need no clinic are discharged with advice and the rest are booked into "
            "the right clinic."
        ),
    )
    if new:
        improvement_actions.create_cycle(
            change_idea=idea,
            purpose="test_change",
            start_date=month(MONTHS - 4, 2),
            end_date=month(MONTHS - 4, 28),
            objective="Find out whether daily triage is possible on weekdays with current staff.",
            plan_who="Dr Ade Okafor and Jo Clarke",
            plan_what="Review the day's referrals at 8 am",
            plan_when="Four weeks",
            scale="Weekdays",
            data_plan="Referrals triaged within 2 working days",
            predictions=[
                PredictionData(
                    question="Will 9 in 10 referrals be triaged within 2 working days?",
                    prediction="Yes",
                    result="partly",
                ),
            ],
            participants=[ade, jo],
            carried_out_as_planned=True,
            observations="Triage within 2 working days rose to about 7 in 10; Mondays lagged.",
            learning="Monday mornings need a second reviewer.",
            decision="adapt",
            next_steps="Add a second reviewer on Mondays.",
            measures=[process],
            by=by,
        )
        improvement_actions.create_cycle(
            change_idea=idea,
            purpose="test_change",
            start_date=month(MONTHS - 2, 3),
            objective="Test a second reviewer on Monday mornings.",
            plan_who="Dr Ade Okafor, Jo Clarke and a physiotherapist",
            plan_what="Two reviewers on Mondays, one on other weekdays",
            plan_when="Six weeks",
            scale="Weekdays",
            data_plan="Referrals triaged within 2 working days",
            predictions=[
                PredictionData(
                    question="Will 9 in 10 referrals be triaged within 2 working days?",
                    prediction="Yes",
                    rationale="Monday's backlog is most of the delay",
                ),
            ],
            participants=[ade, jo, priya],
            measures=[process],
            by=by,
        )


def _driver_diagram(
    *,
    project: Project,
    aim: Aim | None,
    by: User,
    priya: User,
    outcome: Measure,
    process: Measure,
    balancing: Measure,
) -> DriverDiagram:
    """The team's theory of change, built in the order it was learned, so that its history
    (one version per edit) tells the story: the first theory; what the abandoned phone
    reminders taught (a new secondary driver, proposed by a patient partner, and a weaker
    link to the phone idea); the adopted texts; daily triage; and a driver moved up."""
    ideas = {idea.title: idea for idea in ChangeIdea.objects.filter(project=project)}
    diagram = improvement_actions.create_diagram(project=project, title=DIAGRAM, aim=aim, by=by)

    def driver(level: str, text: str, measure: Measure | None = None, *, who: User = by) -> Driver:
        return improvement_actions.add_driver(
            diagram=diagram, level=level, text=text, measure=measure, by=who
        )

    def link(
        source: Driver, target: Driver | ChangeIdea, strength: str = "strong", *, who: User = by
    ) -> DriverLink:
        return improvement_actions.link(
            diagram=diagram,
            from_driver=source,
            to_driver=target if isinstance(target, Driver) else None,
            to_idea=target if isinstance(target, ChangeIdea) else None,
            strength=strength,
            by=who,
        )

    # The first theory, before any test: three primary drivers, four secondary ones, and the
    # volunteers' phone reminders as the change to try.
    slots_used = driver("primary", SLOTS_USED, balancing)
    triaged = driver("primary", TRIAGED, process)
    right_clinic = driver("primary", RIGHT_CLINIC, outcome)
    reminded = driver("secondary", REMINDED)
    reused = driver("secondary", REUSED)
    reviewed = driver("secondary", REVIEWED, process)
    discharged = driver("secondary", DISCHARGED)
    link(slots_used, reminded)
    link(slots_used, reused)
    link(right_clinic, reused, "weak")
    link(triaged, reviewed)
    link(right_clinic, discharged)
    link(triaged, discharged, "weak")
    phone = link(reminded, ideas[PHONE])

    # After the phone reminders were abandoned: reminding people is not enough if they cannot
    # answer; a patient partner adds the driver, and the phone idea's link is weakened.
    any_time = driver("secondary", ANY_TIME, balancing, who=priya)
    link(slots_used, any_time, who=priya)
    improvement_actions.set_link_strength(driver_link=phone, strength="weak", by=by)
    link(any_time, ideas[TEXT], who=priya)
    link(reminded, ideas[TEXT])
    link(reused, ideas[TEXT])

    # Daily triage, tested last.
    link(reviewed, ideas[TRIAGE])
    link(discharged, ideas[TRIAGE], "weak")

    # Once the texts were adopted, being able to answer at any time matters most for the
    # slots: it moves to the top of the drivers drawn under "every booked slot is used".
    for _ in range(2):
        improvement_actions.move_driver(driver=any_time, direction="up", by=by)
    return diagram

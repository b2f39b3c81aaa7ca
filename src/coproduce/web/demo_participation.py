"""The demo's participation story: who took part in the fracture clinic project, how deeply,
and what changed because of them — including where it fell short.

Built only through the actions, like a facilitator would build it through the pages: 22
participants (four with accounts, the rest recorded by the facilitator), consent, equality
monitoring answers skewed towards the less deprived (so the equity page has someone to name
as missing: people from the most deprived fifth of areas), the population the clinic serves,
eleven activities over the project's 30 months with attendance and payment, decisions (one
taken with no patient in the room), an influence log ("you said, we did": changes, one
suggestion not taken forward with its reason, and fresh ones still waiting), a co-design
group with the stages its facilitator logged, two nef principles self-assessments, the
trust's capability self-assessments, expense claims, check-ins and support, and a GRIPP2
report still missing its reflections.

The story is honest about tokenism: a "co-production workshop" that reached only
consultation, and a steering decision with no patient present, are flagged on the profile.

Loading is idempotent: it runs once, when the project has no participants yet.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from coproduce.web.accounts.models import User
from coproduce.web.demo_improvement import PHONE, TEXT
from coproduce.web.improvement.models import ChangeIdea, PDSACycle
from coproduce.web.participation import (
    actions_activities,
    actions_equity,
    actions_money,
    actions_people,
    actions_report,
    actions_team,
)
from coproduce.web.participation.actions_activities import AttendanceRow
from coproduce.web.participation.actions_equity import PopulationRow
from coproduce.web.participation.models import (
    Activity,
    ConsentPurpose,
    Participant,
    PaymentTier,
)
from coproduce.web.projects.models import Organisation, Project, ProjectMembership

#: (name, role, email of their account or "", equality answers: age, sex, ethnicity,
#: disability, IMD decile). Most answers come from the less deprived deciles: the clinic's
#: population is poorer than its co-designers. Their ethnic mix is close to the clinic's, and
#: with 17 answers no ethnic group can be told apart from its share of the population.
PEOPLE: list[tuple[str, str, str, tuple[str, str, str, str, int | None] | None]] = [
    (
        "Priya Shah",
        "patient",
        "priya.shah@demo.coproduce.invalid",
        ("45-to-54", "female", "indian", "no", 6),
    ),
    (
        "Tom Evans",
        "carer",
        "tom.evans@demo.coproduce.invalid",
        ("65-to-74", "male", "english-welsh-scottish-northern-irish-or", "yes-limited-a-little", 8),
    ),
    ("Jo Clarke", "staff", "jo.clarke@demo.coproduce.invalid", None),
    ("Dr Ade Okafor", "staff", "ade.okafor@demo.coproduce.invalid", None),
    (
        "Margaret Hughes",
        "patient",
        "",
        ("75-to-84", "female", "english-welsh-scottish-northern-irish-or", "yes-limited-a-lot", 9),
    ),
    (
        "David Price",
        "patient",
        "",
        ("55-to-64", "male", "english-welsh-scottish-northern-irish-or", "no", 7),
    ),
    (
        "Sian Roberts",
        "patient",
        "",
        ("35-to-44", "female", "english-welsh-scottish-northern-irish-or", "no", 10),
    ),
    (
        "Gareth Jones",
        "patient",
        "",
        ("65-to-74", "male", "english-welsh-scottish-northern-irish-or", "yes-limited-a-little", 8),
    ),
    (
        "Helen Baker",
        "patient",
        "",
        ("55-to-64", "female", "english-welsh-scottish-northern-irish-or", "no", 9),
    ),
    ("Arjun Patel", "patient", "", ("25-to-34", "male", "indian", "no", 5)),
    ("Fatima Begum", "patient", "", ("45-to-54", "female", "bangladeshi", "no", 3)),
    (
        "Robert Wilson",
        "patient",
        "",
        ("75-to-84", "male", "english-welsh-scottish-northern-irish-or", "yes-limited-a-lot", 6),
    ),
    (
        "Joan Davies",
        "patient",
        "",
        (
            "85-and-over",
            "female",
            "english-welsh-scottish-northern-irish-or",
            "yes-limited-a-lot",
            7,
        ),
    ),
    ("Kwame Mensah", "patient", "", ("55-to-64", "male", "african", "no", 4)),
    (
        "Lucy Turner",
        "patient",
        "",
        ("18-to-24", "female", "english-welsh-scottish-northern-irish-or", "no", 9),
    ),
    (
        "Stephen Ward",
        "patient",
        "",
        ("65-to-74", "male", "english-welsh-scottish-northern-irish-or", "no", 10),
    ),
    ("Ewa Kowalska", "patient", "", ("35-to-44", "female", "other-white", "no", 3)),
    ("Brian Lewis", "patient", "", None),
    (
        "Ann Lewis",
        "carer",
        "",
        ("65-to-74", "female", "english-welsh-scottish-northern-irish-or", "no", 8),
    ),
    ("Nadia Hussain", "carer", "", ("45-to-54", "female", "pakistani", "no", 1)),
    ("Ruth Morgan (Age UK Demo Valley)", "community", "", None),
    ("Sam Price", "volunteer", "", None),
]

PATIENTS = [name for name, role, _, _ in PEOPLE if role == "patient"]

#: The fracture clinic's referrals by the IMD quintile of the patient's home (1 = most
#: deprived), and by ONS 2021 ethnic group: illustrative figures for a demo, not real data.
POPULATION = {
    "imd_quintile": {"1": 28, "2": 22, "3": 19, "4": 17, "5": 14},
    "ethnicity": {
        "Asian, Asian British or Asian Welsh": 12,
        "Black, Black British, Black Welsh, Caribbean or African": 5,
        "Mixed or Multiple ethnic groups": 3,
        "White": 78,
        "Other ethnic group": 2,
    },
}
POPULATION_SOURCE = (
    "Demo Valley fracture clinic referrals, last 12 months, by home postcode and recorded "
    "ethnicity (illustrative demo figures)"
)


def _month(start: datetime.date, months: int, day: int = 10) -> datetime.date:
    index = start.year * 12 + start.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, day)


def load_story(
    *,
    project: Project,
    organisation: Organisation,
    facilitator: User,
    start: datetime.date,
    today: datetime.date,
) -> None:
    """Record the participation story in ``project`` once (``start`` is its first month)."""
    if Participant.objects.filter(project=project).exists():
        return
    by = facilitator

    # -- payment tiers of the trust, and the people ------------------------------------------
    tiers = {
        name: PaymentTier.objects.filter(organisation=organisation, name=name).first()
        or actions_money.create_tier(
            organisation=organisation, name=name, hourly_rate=rate, description=about, by=by
        )
        for name, rate, about in [
            ("Expert by experience", "20.00", "Patients and carers who co-design services"),
            ("Lay reviewer", "15.00", "Reading and commenting on documents"),
        ]
    }
    memberships = {
        m.user.email: m
        for m in ProjectMembership.objects.filter(project=project).select_related("user")
    }
    consent_on = start - datetime.timedelta(days=14)
    people: dict[str, Participant] = {}
    for name, role, email, answers in PEOPLE:
        paid = name in ("Priya Shah", "Tom Evans", "Margaret Hughes")
        participant = actions_people.add_participant(
            project=project,
            name=name,
            role=role,
            membership=memberships.get(email) if email else None,
            contact_preference="email" if email or role == "community" else "phone",
            contact_details=email
            or ("ruth.morgan@demo.coproduce.invalid" if role == "community" else "")
            or f"01632 960{len(people):03d}",
            access_needs=["large_print"] if name in ("Joan Davies", "Robert Wilson") else [],
            skills="Ran a parents' support group" if name == "Sian Roberts" else "",
            payment_tier=tiers["Expert by experience"] if paid else None,
            wants_payment=paid,
            by=by,
        )
        people[name] = participant
        purposes = [ConsentPurpose.TAKE_PART, ConsentPurpose.CONTACT]
        if answers is not None:
            purposes.append(ConsentPurpose.EQUALITY)
        if paid:
            purposes.append(ConsentPurpose.PAYMENT)
        for purpose in purposes:
            actions_people.record_consent(
                participant=participant,
                purpose=purpose,
                given_on=consent_on,
                how="Consent form signed at the first interview" if not email else "Online",
                by=by,
            )
        if answers is not None:
            age, sex, ethnicity, disability, decile = answers
            actions_people.record_equality(
                participant=participant,
                age_band=age,
                sex=sex,
                ethnicity=ethnicity,
                disability=disability,
                imd_decile=decile,
                by=by,
            )
    # One person asked not to be contacted any more, and said so.
    helen_contact = people["Helen Baker"].consents.get(purpose=ConsentPurpose.CONTACT)
    actions_people.withdraw_consent(consent=helen_contact, withdrawn_on=_month(start, 12), by=by)

    # -- the population the clinic serves ----------------------------------------------------
    actions_equity.replace_population(
        project=project,
        rows=[
            PopulationRow(dimension=dimension, group=group, count=count)
            for dimension, groups in POPULATION.items()
            for group, count in groups.items()
        ],
        source=POPULATION_SOURCE,
        by=by,
    )

    # -- the co-design group -----------------------------------------------------------------
    core = [
        "Priya Shah",
        "Tom Evans",
        "Margaret Hughes",
        "David Price",
        "Sian Roberts",
        "Arjun Patel",
        "Ann Lewis",
        "Jo Clarke",
        "Dr Ade Okafor",
    ]
    group = actions_team.create_group(
        project=project,
        name="Fracture clinic co-design group",
        purpose="Patients, carers and clinic staff redesign how first appointments are booked.",
        members=[people[name] for name in core],
        by=by,
    )
    for months, stage, note in [
        (3, "forming", "First session: ground rules, and what each of us wants from this."),
        (5, "storming", "Frustration after the booking workshop: staff came with a plan."),
        (8, "norming", "The group now sets its own agenda; patients chair alternate sessions."),
        (18, "performing", "Designed and tested the text reminder with little help."),
    ]:
        actions_team.log_stage(
            group=group, date=_month(start, months), stage=stage, note=note, by=by
        )

    # -- activities, attendance, decisions and what people said --------------------------------
    ideas = {idea.title: idea for idea in ChangeIdea.objects.filter(project=project)}
    cycles = list(
        PDSACycle.objects.filter(change_idea__project=project).order_by("start_date", "pk")
    )

    def activity(
        months: int,
        title: str,
        kind: str,
        planned: int,
        achieved: int | None,
        phase: str,
        hours: str,
        who: list[str],
        *,
        labelled: str = "",
        cycle: PDSACycle | None = None,
        in_group: bool = False,
        date: datetime.date | None = None,
    ) -> Activity:
        made = actions_activities.create_activity(
            project=project,
            title=title,
            kind=kind,
            date=date or _month(start, months),
            hours=Decimal(hours),
            rung_planned=planned,
            rung_achieved=achieved,
            phase=phase,
            labelled_as=labelled,
            pdsa_cycle=cycle,
            group=group if in_group else None,
            by=by,
        )
        actions_activities.record_attendance(
            activity=made,
            rows=[AttendanceRow(people[name].pk, Decimal(hours), False) for name in who],
            by=by,
        )
        return made

    def said(
        made: Activity,
        text: str,
        who: list[str],
        *,
        outcome: str = "",
        response: str = "",
        idea: str = "",
        fed_back_days: int | None = 14,
    ) -> None:
        contribution = actions_activities.create_contribution(
            project=project,
            date=made.date,
            said=text,
            contributors=[people[name] for name in who],
            activity=made,
            by=by,
        )
        if outcome:
            fed_back = (
                made.date + datetime.timedelta(days=fed_back_days)
                if fed_back_days is not None
                else None
            )
            actions_activities.respond_to_contribution(
                contribution=contribution,
                outcome=outcome,
                response=response,
                change_idea=ideas.get(idea),
                fed_back_on=fed_back if fed_back and fed_back <= today else None,
                by=by,
            )

    interviews = activity(
        1,
        "Interviews about waiting for a first fracture clinic appointment",
        "interview",
        4,
        4,
        "assessment",
        "1",
        [*PATIENTS[:10], "Lucy Turner", "Tom Evans"],
    )
    said(
        interviews,
        "The appointment letter sometimes arrives after the appointment date.",
        ["Margaret Hughes", "Robert Wilson"],
        outcome="changed",
        idea=TEXT,
        response="Appointments are now confirmed by text the day they "
        "are booked, with a reminder three days before.",
    )
    said(
        interviews,
        "Reminder phone calls come while I am at work, so I never get them.",
        ["Sian Roberts", "Arjun Patel", "Lucy Turner"],
        outcome="changed",
        idea=PHONE,
        response="We stopped the volunteer phone "
        "reminders after the second test and moved to text messages you can answer any time.",
    )

    session1 = activity(
        3,
        "Co-design group, session 1: what a good first appointment looks like",
        "co_design_group",
        6,
        6,
        "design",
        "2",
        [*core, "Sam Price"],
        in_group=True,
    )
    actions_activities.create_decision(
        project=project,
        date=session1.date,
        activity=session1,
        summary="Test text message reminders with a reply-to-rebook option.",
        taken_by="Consensus of the co-design group",
        change_idea=ideas.get(TEXT),
        by=by,
    )
    said(
        session1,
        "Let people rebook by replying to the reminder instead of phoning.",
        ["Priya Shah", "Tom Evans"],
        outcome="changed",
        idea=TEXT,
        response="The reminder text now takes a reply of R to rebook; the booking team calls "
        "back within a working day.",
    )

    session2 = activity(
        9,
        "Co-design group, session 2: writing the reminder text",
        "co_design_group",
        6,
        6,
        "design",
        "2",
        [name for name in core if name != "Dr Ade Okafor"],
        in_group=True,
    )
    said(
        session2,
        "Give the date in words, not numbers: people misread 03/04.",
        ["Margaret Hughes", "Sian Roberts"],
        outcome="changed",
        idea=TEXT,
        response="The reminder gives the day and date in words, for example Tuesday 3 April.",
    )

    workshop = activity(
        5,
        "Booking process workshop",
        "event",
        7,
        4,
        "design",
        "3",
        [
            "Priya Shah",
            "Margaret Hughes",
            "David Price",
            "Helen Baker",
            "Kwame Mensah",
            "Jo Clarke",
            "Dr Ade Okafor",
        ],
        labelled="Co-production workshop",
    )
    said(
        workshop,
        "Parking at the clinic is impossible, so people arrive late and are sent home.",
        ["David Price", "Kwame Mensah"],
        outcome="not_taken_forward",
        response="Parking is run by the council's contractor, outside this project; we passed "
        "it to the trust's estates team and will report back what they say.",
    )

    steering = activity(
        6,
        "Steering group: volunteer phone reminders",
        "meeting",
        3,
        3,
        "commissioning",
        "1",
        ["Jo Clarke", "Dr Ade Okafor"],
    )
    actions_activities.create_decision(
        project=project,
        date=steering.date,
        activity=steering,
        summary="Fund volunteer phone reminders for a three-month test.",
        taken_by="Outpatient steering group (managers)",
        change_idea=ideas.get(PHONE),
        by=by,
    )

    for index, cycle in enumerate(cycles[:4]):
        test = activity(
            0,
            f"PDSA test: {cycle.label}",
            "pdsa_test",
            6,
            6 if index else 5,
            "delivery",
            "1.5",
            ["Priya Shah", "Tom Evans", "Sam Price", "Jo Clarke"],
            cycle=cycle,
            date=cycle.start_date,
        )
        if index == 1:
            said(
                test,
                "The text should say which clinic and which entrance.",
                ["Tom Evans"],
                outcome="changed",
                idea=TEXT,
                response="The text now names the clinic and says to use the main entrance.",
            )

    review = activity(
        20,
        "Co-design group: six months of text reminders",
        "co_design_group",
        6,
        7,
        "assessment",
        "2",
        core,
        in_group=True,
    )
    said(
        review,
        "Could the same texts be sent in Bengali and Polish?",
        ["Priya Shah", "Ann Lewis"],
        outcome="changed",
        idea=TEXT,
        response="Texts go in the language recorded on the referral: Bengali, Polish, Urdu "
        "and Welsh so far.",
    )

    listening = activity(
        0,
        "Listening event in the fracture clinic waiting area",
        "event",
        5,
        5,
        "assessment",
        "2",
        [
            "Fatima Begum",
            "Nadia Hussain",
            "Ewa Kowalska",
            "Joan Davies",
            "Brian Lewis",
            "Ruth Morgan (Age UK Demo Valley)",
            "Jo Clarke",
        ],
        date=today - datetime.timedelta(days=45),
    )
    said(
        listening,
        "Nobody tells you how long you will wait on the day.",
        ["Fatima Begum", "Joan Davies"],
    )
    said(
        listening,
        "The letter is hard to read for people whose first language is not English.",
        ["Nadia Hussain", "Ewa Kowalska"],
    )

    # -- self-assessments ----------------------------------------------------------------------
    for months, scores, note in [
        (
            4,
            {
                "assets": 2,
                "capabilities": 2,
                "reciprocity": 1,
                "peer_support": 1,
                "blur_roles": 1,
                "facilitate": 2,
            },
            "Patients are consulted more than they lead; only three experts by experience "
            "are paid for their time.",
        ),
        (
            20,
            {
                "assets": 3,
                "capabilities": 3,
                "reciprocity": 3,
                "peer_support": 2,
                "blur_roles": 2,
                "facilitate": 3,
            },
            "Patients chair alternate sessions; experts by experience are paid, and expenses "
            "can be paid in advance.",
        ),
    ]:
        actions_team.record_principles(
            project=project,
            date=_month(start, months),
            scores=scores,
            evidence={"reciprocity": note},
            by=by,
        )
    for months, scores, note in [
        (
            4,
            {
                "customer_activation": 1,
                "organisational_activation": 2,
                "interaction": 1,
                "learning_agility": 2,
            },
            "No trust policy on paying experts by experience yet; few staff have run a "
            "co-design session.",
        ),
        (
            20,
            {
                "customer_activation": 2,
                "organisational_activation": 3,
                "interaction": 3,
                "learning_agility": 3,
            },
            "Payment policy for experts by experience agreed; outpatient staff trained to "
            "run co-design sessions.",
        ),
    ]:
        actions_team.record_capabilities(
            organisation=organisation,
            date=_month(start, months),
            scores=scores,
            evidence={"interaction": note},
            by=by,
        )

    # -- check-ins, support and expenses ---------------------------------------------------------
    actions_people.record_checkin(
        participant=people["Fatima Begum"],
        answers={"speak_up": 2, "know_how": 2, "listened_to": 3, "know_outcome": 1},
        date=today - datetime.timedelta(days=40),
        by=by,
    )
    actions_people.offer_support(
        participant=people["Fatima Begum"],
        kind="buddy",
        offered_on=today - datetime.timedelta(days=38),
        taken_up=True,
        note="Paired with Priya Shah for the next two sessions.",
        by=by,
    )
    actions_people.offer_support(
        participant=people["Margaret Hughes"],
        kind="expenses_in_advance",
        offered_on=_month(start, 3),
        taken_up=True,
        by=by,
    )
    claim = actions_money.submit_claim(
        participant=people["Margaret Hughes"],
        incurred_on=session1.date,
        category="travel",
        amount="12.40",
        description="Taxi to the hospital and back",
        activity=session1,
        by=by,
    )
    actions_money.move_claim(claim=claim, status="approved", by=by)
    actions_money.submit_claim(
        participant=people["Tom Evans"],
        incurred_on=review.date,
        category="parking",
        amount="6.50",
        activity=review,
        by=by,
    )

    # -- the report: everything but the reflections --------------------------------------------
    actions_report.save_gripp2(
        project=project,
        by=by,
        ppi_aim=(
            "To redesign how adults referred to the fracture clinic are booked and reminded, "
            "with the patients and carers who wait, so that the changes work for them."
        ),
        ppi_methods="",
        ppi_results="",
        ppi_influence="",
        ppi_reflection="",
        pages={},
    )

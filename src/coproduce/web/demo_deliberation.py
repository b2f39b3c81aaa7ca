"""The demo fracture clinic's deciding together (issue 7): a conversation, a Kano survey and
group decisions, with people who take part without an account.

Everything goes through the apps' actions, as a facilitator and the people taking part would:
an event code for a drop-in event and one-time links for the clinic team and for patients
seen last week bring in 52 seats besides the four members' own; four more are recorded by the
facilitator in assisted mode. The 60 seats are unequal on purpose: 30 staff, 22 patients,
8 carers, so that results with every constituency counted equally differ from raw totals.

* A Pol.is-style conversation (open): 15 seeded statements and five suggestions from people
  taking part (two accepted, two left in the moderation queue, one rejected). Votes come from
  a seeded ``random.Random``: each person leans one of three ways (calls and texts rather
  than trips and paper; paper letters and seeing the consultant in person; getting there:
  transport and parking), so the results page finds opinion groups; five statements are
  endorsed by patients, carers and staff alike (bridging and consensus), and one, rebooking
  late arrivals, is liked by staff and not by patients.
* A Kano survey (open) about six attributes, answered by 44 people, whose categories differ
  (must-be, one-dimensional, attractive, indifferent); the named clinician on the letter
  attracts patients and leaves staff indifferent.
* Three decisions: a closed dot vote on which change to work on next, its outcome recorded
  and linked to the improvement story's daily virtual triage change idea; an open consent
  proposal for the waiting-room whiteboard with one objection, resolved, and no block; and an
  open ranked-choice vote for the "Waiting well" co-design group whose winner with everyone
  counted once is not its winner with each constituency weighted equally.

Loading is idempotent: it runs once, when the project has no conversation of this topic yet.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence

from django.utils import timezone

from coproduce.web.accounts.models import User
from coproduce.web.decide import actions as decide_actions
from coproduce.web.decide.models import Answer, GroupDecision, Kind
from coproduce.web.deliberate import actions as deliberate_actions
from coproduce.web.deliberate.models import Conversation, Statement, StatementStatus
from coproduce.web.demo_improvement import TRIAGE
from coproduce.web.ebcd.models import CoDesignGroup
from coproduce.web.improvement.models import ChangeIdea
from coproduce.web.kanosurvey import actions as kano_actions
from coproduce.web.kanosurvey.actions import Answer as KanoAnswer
from coproduce.web.kanosurvey.models import KanoAttribute, SurveyStatus
from coproduce.web.projects.models import Project
from coproduce.web.takepart import actions as takepart_actions
from coproduce.web.takepart.models import Constituency, Voter

SEED = 20_261_122
TOPIC = "How could a visit to the fracture clinic be better?"
SURVEY = "What matters to you at the fracture clinic?"
DOT_QUESTION = "Which change should the clinic put its effort into next?"
CONSENT_QUESTION = (
    "Proposal: from next month a whiteboard in the waiting room shows how late the clinic is "
    "running, updated every hour by the nurse in charge"
)
RANKED_QUESTION = "Which waiting-room change should the Waiting well group test first?"
CODESIGN_GROUP = "Waiting well"  # made by the experience story (demo_experience)

PATIENT, CARER, STAFF = Constituency.PATIENT, Constituency.CARER, Constituency.STAFF

# -- people -------------------------------------------------------------------------------

EVENT = "Fracture clinic drop-in, outpatients hall"
#: Who came by the event code: (constituency, pseudonym or "").
AT_THE_EVENT: list[tuple[str, str]] = [
    (PATIENT, "Wrist in plaster"),
    (PATIENT, ""),
    (PATIENT, "Maggie"),
    (PATIENT, ""),
    (PATIENT, "Broken ankle, again"),
    (PATIENT, ""),
    (PATIENT, "Dev"),
    (PATIENT, ""),
    (PATIENT, ""),
    (PATIENT, "Gran on crutches"),
    (PATIENT, ""),
    (PATIENT, ""),
    (CARER, "Mum of a footballer"),
    (CARER, ""),
    (CARER, "Dad's driver"),
    (CARER, ""),
    (CARER, ""),
    (CARER, "Wife of Ken"),
]
STAFF_LINKS = 30  # sent to the clinic team; 28 opened
STAFF_CLAIMED = 28
PATIENT_LINKS = 8  # texted to patients seen last week; 6 opened
PATIENT_CLAIMED = 6
#: Pseudonyms some people chose after opening their link (by position among the claimed).
LINK_PSEUDONYMS = {0: "Plaster tech", 3: "Clinic nurse", 7: "Night registrar", 30: "Sam R"}
#: Recorded by the facilitator on someone's behalf: (constituency, pseudonym).
ASSISTED: list[tuple[str, str]] = [
    (PATIENT, "Mr B (hard of hearing, by phone)"),
    (PATIENT, "Patient in cubicle 4"),
    (PATIENT, ""),
    (CARER, "Daughter of Mrs K (interpreted)"),
]
#: The story's members who take part as themselves (their accounts' emails).
MEMBERS = [
    "priya.shah@demo.coproduce.invalid",
    "tom.evans@demo.coproduce.invalid",
    "jo.clarke@demo.coproduce.invalid",
    "ade.okafor@demo.coproduce.invalid",
]

# -- the conversation ---------------------------------------------------------------------

#: Ways of seeing the clinic each person leans towards: calls, texts and apps rather than
#: trips and paper ("remote"); paper letters and seeing the consultant in person
#: ("in person"); and getting there at all ("access").
LEANINGS = ("remote", "in person", "access")
#: Share of each constituency leaning each way (LEANINGS order).
LEANING_SHARES: dict[str, tuple[float, float, float]] = {
    PATIENT: (0.3, 0.45, 0.25),
    CARER: (0.15, 0.5, 0.35),
    STAFF: (0.55, 0.2, 0.25),
}
#: How likely a person is to agree with a statement of each kind, by leaning (LEANINGS
#: order); the "staff" kind goes by constituency instead.
AGREE_BY_LEANING: dict[str, tuple[float, float, float]] = {
    "shared": (0.9, 0.9, 0.9),
    "remote": (0.95, 0.05, 0.3),
    "paper": (0.05, 0.95, 0.4),
    "access": (0.2, 0.25, 0.95),
    "mixed": (0.65, 0.6, 0.7),
}
AGREE_BY_CONSTITUENCY: dict[str, dict[str, float]] = {
    "staff": {PATIENT: 0.12, CARER: 0.25, STAFF: 0.88},
}
#: (statement, kind): seeded by the facilitator.
SEEDED: list[tuple[str, str]] = [
    ("People waiting should be told how long the wait is and why.", "shared"),
    ("Appointment letters should say where to go, when, and what to bring.", "shared"),
    ("Someone should answer the fracture clinic phone during office hours.", "shared"),
    ("Anyone in pain should be offered pain relief while they wait.", "shared"),
    (
        "Patients who arrive more than 15 minutes late should be rebooked rather than fitted in.",
        "staff",
    ),
    ("Follow-up should be a phone or video call unless a new X-ray is needed.", "remote"),
    ("A text reminder is enough; the paper appointment letter could stop.", "remote"),
    ("Results and advice about my fracture should be in an app I can look at any time.", "remote"),
    ("Everyone should still get a paper letter, even if they also get a text.", "paper"),
    ("Seeing the consultant in person matters more than saving a trip.", "paper"),
    ("Hospital transport should be booked together with the appointment.", "access"),
    ("Parking should be free for people on crutches or in a cast.", "access"),
    ("The plaster room should run a walk-in session every morning for cast checks.", "access"),
    ("The waiting room needs more seats with arm rests.", "mixed"),
    ("A volunteer in the waiting room would make the wait easier.", "mixed"),
]
#: (statement, kind, what the facilitator does: accept, reject or leave pending).
SUGGESTED: list[tuple[str, str, str]] = [
    ("The follow-up call should come at the time the letter says it will.", "shared", "accept"),
    ("Signs from the main entrance to the fracture clinic should be clearer.", "mixed", "accept"),
    ("There should be a quiet corner in the waiting room for people with dementia.", "", ""),
    ("The car park pay machines should take cards.", "", ""),
    ("Bring back the old hospital on the hill.", "", "reject"),
]
#: People who looked in but voted on too few statements to be placed in a group.
BRIEF_VOTERS = 3
BRIEF_VOTES = 4

# -- the Kano survey ----------------------------------------------------------------------

#: Kano answer pairs (functional, dysfunctional) that give each category (the evaluation
#: table of Kano et al. 1984): 1 like, 2 must-be, 3 neutral, 4 live with, 5 dislike.
KANO_PAIRS: dict[str, list[tuple[int, int]]] = {
    "A": [(1, 3), (1, 4), (1, 3)],
    "O": [(1, 5)],
    "M": [(2, 5), (3, 5), (4, 5), (2, 5)],
    "I": [(3, 3), (3, 4), (2, 3), (4, 3)],
}
#: (attribute, functional question or "" for the core's, dysfunctional or "", shares of
#: A, O, M, I for patients, carers and staff).
Shares = tuple[float, float, float, float]
ATTRIBUTES: list[tuple[str, str, str, dict[str, Shares]]] = [
    (
        "a text reminder the day before the appointment",
        "",
        "",
        {
            PATIENT: (0.2, 0.55, 0.2, 0.05),
            CARER: (0.25, 0.5, 0.25, 0.0),
            STAFF: (0.2, 0.45, 0.3, 0.05),
        },
    ),
    (
        "the named clinician on the appointment letter",
        "",
        "",
        {
            PATIENT: (0.55, 0.15, 0.05, 0.25),
            CARER: (0.5, 0.25, 0.0, 0.25),
            STAFF: (0.2, 0.05, 0.1, 0.65),
        },
    ),
    (
        "a seat with arm rests in the waiting room",
        "",
        "",
        {
            PATIENT: (0.1, 0.2, 0.6, 0.1),
            CARER: (0.0, 0.25, 0.625, 0.125),
            STAFF: (0.1, 0.15, 0.55, 0.2),
        },
    ),
    (
        "a coffee machine in the waiting room",
        "",
        "",
        {
            PATIENT: (0.3, 0.1, 0.0, 0.6),
            CARER: (0.375, 0.0, 0.0, 0.625),
            STAFF: (0.25, 0.05, 0.0, 0.7),
        },
    ),
    (
        "a live display of waiting times",
        "",
        "",
        {
            PATIENT: (0.55, 0.2, 0.1, 0.15),
            CARER: (0.625, 0.25, 0.0, 0.125),
            STAFF: (0.5, 0.15, 0.1, 0.25),
        },
    ),
    (
        "being called by name when it is your turn",
        "How would you feel if staff called you by your name when it is your turn?",
        "How would you feel if you were called by a number or not called clearly at all?",
        {
            PATIENT: (0.1, 0.2, 0.6, 0.1),
            CARER: (0.125, 0.25, 0.5, 0.125),
            STAFF: (0.15, 0.2, 0.5, 0.15),
        },
    ),
]
KANO_STAFF = 14  # of the 30 staff; every patient and carer answers

# -- decisions ----------------------------------------------------------------------------

DOT_OPTIONS = [
    TRIAGE,
    "Pain relief offered at check-in",
    "Hospital transport booked with the appointment",
    "Extra staff on the phone line at set hours",
]
#: Dot ballots (3 dots each) by constituency: (ballot as dots per option index, how many).
DOT_BALLOTS: dict[str, list[tuple[tuple[int, int, int, int], int]]] = {
    STAFF: [((2, 0, 0, 1), 14), ((1, 1, 0, 1), 8), ((3, 0, 0, 0), 4), ((1, 0, 1, 1), 2)],
    PATIENT: [((1, 2, 0, 0), 8), ((1, 1, 1, 0), 6), ((0, 2, 1, 0), 4), ((1, 0, 1, 1), 2)],
    CARER: [((1, 0, 2, 0), 4), ((0, 1, 2, 0), 2), ((1, 1, 1, 0), 2)],
}
DOT_OUTCOME = (
    "Daily virtual triage of new referrals, the first choice overall whether or not each "
    "constituency counts equally, goes ahead in every clinic from next month. Pain relief at "
    "check-in, patients' first choice, goes to the Waiting well group to test."
)
CONSENT_DETAILS = (
    "The Waiting well group drafted this at its second meeting. Consent means you can live "
    "with it; an objection needs a reason and is worked through before the proposal goes "
    "ahead."
)
#: (constituency, answer, reason): in order, one response per seat of that constituency.
CONSENT_RESPONSES: list[tuple[str, str, str]] = [
    *[(PATIENT, Answer.CONSENT, "")] * 7,
    (PATIENT, Answer.CONCERN, "Hourly may not be often enough on a busy afternoon."),
    (
        PATIENT,
        Answer.OBJECTION,
        "It must also say who to ask if you are in pain while you wait.",
    ),
    *[(CARER, Answer.CONSENT, "")] * 4,
    (CARER, Answer.CONCERN, "Please put it where people in wheelchairs can see it."),
    *[(STAFF, Answer.CONSENT, "")] * 9,
    (STAFF, Answer.CONCERN, "The nurse in charge will need a reminder on the hour."),
]
RANKED_OPTIONS = [
    "A live display of waiting times",
    "Pain relief offered at check-in",
    "A volunteer to keep people informed",
    "Seats with arm rests near the door",
]
#: Rankings (option indices, first choice first) by constituency: (ranking, how many).
RANKINGS: dict[str, list[tuple[tuple[int, ...], int]]] = {
    STAFF: [((0, 2, 1), 14), ((2, 0, 1, 3), 6), ((0, 1), 4), ((1, 0, 2), 2), ((3, 0), 1)],
    PATIENT: [((1, 3, 0), 9), ((1, 0, 2, 3), 4), ((0, 1), 3), ((3, 1, 0), 2), ((2, 1), 2)],
    CARER: [((1, 3), 3), ((3, 1, 0), 2), ((0, 1), 1), ((1, 2, 0, 3), 1)],
}


def load_story(
    *, project: Project, facilitator: User, start: datetime.date, today: datetime.date
) -> None:
    """Record the deciding-together story in ``project`` once.

    It is the story's latest chapter, happening now: ``start`` (the story's first month) is
    not needed; the dot vote's outcome is recorded ``today``.
    """
    if Conversation.objects.filter(project=project, topic=TOPIC).exists():
        return
    by = facilitator
    rng = random.Random(SEED)  # noqa: S311 - seeded demo data, not a secret
    seats = _seats(project=project, by=by)
    _conversation(project=project, by=by, seats=seats, rng=rng)
    _kano(project=project, by=by, seats=seats, rng=rng)
    _decisions(project=project, by=by, seats=seats, today=today)


# -- people -------------------------------------------------------------------------------


def _seats(*, project: Project, by: User) -> list[Voter]:
    """Everyone's seat: members, the event code, one-time links, assisted (60 in all)."""
    seats = [
        seat
        for email in MEMBERS
        for user in User.objects.filter(email=email)
        if (seat := takepart_actions.member_seat(project=project, user=user)) is not None
    ]
    code = takepart_actions.create_event_code(
        project=project,
        by=by,
        label=EVENT,
        closes_at=timezone.now() + datetime.timedelta(days=7),
    )
    for constituency, pseudonym in AT_THE_EVENT:
        voter, _key = takepart_actions.join_by_code(
            raw_code=code.code, constituency=constituency, pseudonym=pseudonym
        )
        seats.append(voter)
    claimed: list[Voter] = []
    for constituency, count, opened, label, days in (
        (STAFF, STAFF_LINKS, STAFF_CLAIMED, "Fracture clinic team (by email)", 30),
        (PATIENT, PATIENT_LINKS, PATIENT_CLAIMED, "Patients seen last week (by text)", 14),
    ):
        links = takepart_actions.create_links(
            project=project, by=by, count=count, constituency=constituency, days=days, label=label
        )
        for new in links[:opened]:
            voter, _key = takepart_actions.claim_link(raw_token=new.raw_token)
            claimed.append(voter)
    for index, pseudonym in LINK_PSEUDONYMS.items():
        takepart_actions.set_pseudonym(voter=claimed[index], pseudonym=pseudonym)
    seats.extend(claimed)
    for constituency, pseudonym in ASSISTED:
        seats.append(
            takepart_actions.assisted_voter(
                project=project, by=by, constituency=constituency, pseudonym=pseudonym
            )
        )
    return seats


def _by_constituency(seats: Sequence[Voter]) -> dict[str, list[Voter]]:
    groups: dict[str, list[Voter]] = {c: [] for c in (PATIENT, CARER, STAFF)}
    for seat in seats:
        groups.setdefault(seat.constituency, []).append(seat)
    return groups


def _counts(shares: Sequence[float], n: int) -> list[int]:
    """``n`` split by ``shares`` in whole numbers (largest remainder; ties to the first)."""
    total = sum(shares)
    exact = [n * s / total for s in shares]
    counts = [int(e) for e in exact]
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    return counts


def _deal(items: Sequence[str], shares: Sequence[float], n: int, rng: random.Random) -> list[str]:
    """``n`` items in ``shares`` proportions, shuffled."""
    dealt = [item for item, k in zip(items, _counts(shares, n), strict=True) for _ in range(k)]
    rng.shuffle(dealt)
    return dealt


# -- the conversation ---------------------------------------------------------------------


def _conversation(*, project: Project, by: User, seats: list[Voter], rng: random.Random) -> None:
    conversation = deliberate_actions.create_conversation(
        project=project,
        by=by,
        topic=TOPIC,
        description=(
            "From the letter to the follow-up call: say what you think of each statement, "
            "and suggest your own. Patients, carers and staff each count equally in what "
            "everyone endorses."
        ),
    )
    kinds: dict[int, str] = {}
    for text, kind in SEEDED:
        statement = deliberate_actions.seed_statement(conversation=conversation, by=by, text=text)
        kinds[statement.pk] = kind
    authors = [s for s in seats if s.constituency != STAFF]
    for (text, kind, decision), author in zip(SUGGESTED, authors[1::3], strict=False):
        statement = deliberate_actions.submit_statement(
            conversation=conversation, voter=author, text=text
        )
        if decision:
            deliberate_actions.moderate_statement(
                statement=statement, by=by, accept=decision == "accept"
            )
        if decision == "accept":
            kinds[statement.pk] = kind

    accepted = list(
        Statement.objects.filter(
            conversation=conversation, status=StatementStatus.ACCEPTED
        ).values_list("pk", flat=True)
    )
    groups = _by_constituency(seats)
    leaning: dict[int, int] = {}
    for constituency, people in groups.items():
        dealt = _deal(
            [str(i) for i in range(len(LEANINGS))],
            LEANING_SHARES[constituency],
            len(people),
            rng,
        )
        for seat, lean in zip(people, dealt, strict=True):
            leaning[seat.pk] = int(lean)
    brief = {s.pk for s in rng.sample(seats, BRIEF_VOTERS)}
    for seat in seats:
        if seat.pk in brief:
            chosen = rng.sample(accepted, BRIEF_VOTES)
        elif rng.random() < 0.3:  # left before the end
            chosen = rng.sample(accepted, rng.randint(9, len(accepted) - 1))
        else:
            chosen = list(accepted)
        for statement_id in sorted(chosen):
            kind = kinds[statement_id]
            if kind in AGREE_BY_CONSTITUENCY:
                agree = AGREE_BY_CONSTITUENCY[kind][seat.constituency]
            else:
                agree = AGREE_BY_LEANING[kind][leaning[seat.pk]]
            draw = rng.random()
            value = 1 if draw < agree else (-1 if rng.random() < 0.85 else 0)
            deliberate_actions.cast_vote(
                statement_id=statement_id,
                conversation_id=conversation.pk,
                voter=seat,
                value=value,
            )


# -- the Kano survey ----------------------------------------------------------------------


def _kano(*, project: Project, by: User, seats: list[Voter], rng: random.Random) -> None:
    survey = kano_actions.create_survey(
        project=project,
        by=by,
        title=SURVEY,
        introduction=(
            "For each thing the clinic might offer, tell us how you would feel if it had it, "
            "and how you would feel if it did not. There are no right answers."
        ),
    )
    attributes: list[KanoAttribute] = [
        kano_actions.add_attribute(
            survey=survey,
            label=label,
            functional=functional or None,
            dysfunctional=dysfunctional or None,
            by=by,
        )
        for label, functional, dysfunctional, _shares in ATTRIBUTES
    ]
    kano_actions.set_status(survey=survey, status=SurveyStatus.OPEN, by=by)
    groups = _by_constituency(seats)
    groups[STAFF] = groups[STAFF][:KANO_STAFF]
    answers: dict[int, dict[int, KanoAnswer]] = {}
    for attribute, (_label, _f, _d, shares) in zip(attributes, ATTRIBUTES, strict=True):
        for constituency, people in groups.items():
            if constituency not in shares:
                continue
            categories = _deal(["A", "O", "M", "I"], shares[constituency], len(people), rng)
            for seat, category in zip(people, categories, strict=True):
                functional, dysfunctional = rng.choice(KANO_PAIRS[category])
                answers.setdefault(seat.pk, {})[attribute.pk] = KanoAnswer(
                    functional=functional, dysfunctional=dysfunctional
                )
    for constituency_seats in groups.values():
        for seat in constituency_seats:
            kano_actions.submit_answers(
                survey=survey,
                voter=seat,
                answers=answers[seat.pk],
                by=seat.assisted_by,
            )


# -- decisions ----------------------------------------------------------------------------


def _decisions(*, project: Project, by: User, seats: list[Voter], today: datetime.date) -> None:
    groups = _by_constituency(seats)
    codesign = CoDesignGroup.objects.filter(ebcd__project=project, name=CODESIGN_GROUP).first()

    dot = decide_actions.create_decision(
        project=project,
        question=DOT_QUESTION,
        details="Three dots each: put them all on one change, or spread them.",
        kind=Kind.DOT,
        options=DOT_OPTIONS,
        dots=3,
        by=by,
    )
    option_ids = list(dot.options.order_by("position").values_list("pk", flat=True))
    for constituency, ballots in DOT_BALLOTS.items():
        people = iter(groups[constituency])
        for dots, count in ballots:
            for _ in range(count):
                decide_actions.respond(
                    decision=dot,
                    voter=next(people),
                    values={pk: d for pk, d in zip(option_ids, dots, strict=True) if d},
                )
    decide_actions.close_decision(decision=dot, by=by)
    decide_actions.record_outcome(
        decision=dot,
        outcome=DOT_OUTCOME,
        change_idea=ChangeIdea.objects.filter(project=project, title=TRIAGE).first(),
        date=today,
        by=by,
    )

    consent = decide_actions.create_decision(
        project=project,
        question=CONSENT_QUESTION,
        details=CONSENT_DETAILS,
        kind=Kind.CONSENT,
        group=codesign,
        by=by,
    )
    people_of = {c: iter(groups[c]) for c in groups}
    for constituency, answer, reason in CONSENT_RESPONSES:
        response = decide_actions.respond(
            decision=consent, voter=next(people_of[constituency]), answer=answer, reason=reason
        )
        if answer == Answer.OBJECTION:
            # The group added "ask the nurse at the desk if you are in pain" to the board.
            decide_actions.resolve_objection(response=response, by=by)

    ranked = decide_actions.create_decision(
        project=project,
        question=RANKED_QUESTION,
        details="Rank as many as you like: 1 is the one to test first.",
        kind=Kind.RANKED,
        options=RANKED_OPTIONS,
        group=codesign,
        by=by,
    )
    option_ids = list(ranked.options.order_by("position").values_list("pk", flat=True))
    for constituency, rankings in RANKINGS.items():
        people = iter(groups[constituency])
        for order, count in rankings:
            for _ in range(count):
                decide_actions.respond(
                    decision=ranked,
                    voter=next(people),
                    values={option_ids[o]: rank for rank, o in enumerate(order, 1)},
                )


def decisions_of(project: Project) -> dict[str, GroupDecision]:
    """The story's three decisions by kind (for tests and the demo's description)."""
    questions = (DOT_QUESTION, CONSENT_QUESTION, RANKED_QUESTION)
    return {
        d.kind: d for d in GroupDecision.objects.filter(project=project, question__in=questions)
    }

"""The demo fracture clinic's experience story (issue 6): feedback, themes, a journey, EBCD.

Everything goes through the apps' actions, as a facilitator would: 364 made-up Friends and
Family Test comments imported (four carry made-up identifiers and wait in the review queue),
two stories typed on someone's behalf, themes found and two of them named by the facilitator,
the clinic's journey with its touchpoints, feelings and agency, and a standard EBCD run up to
the co-design groups, with priorities voted by patients and staff separately, then together.
Labels and sentiment are left queued as a background job, which `coproduce serve`'s worker
runs (the first time it trains the framework classifier, about 15 seconds).
"""

from __future__ import annotations

import datetime

from coproduce.web.accounts.models import User
from coproduce.web.demo_experience_comments import QUESTION, demo_comments
from coproduce.web.ebcd import actions as ebcd_actions
from coproduce.web.ebcd.models import EBCDProject, EventKind, StageStep, VoterGroup
from coproduce.web.experience import actions as experience_actions
from coproduce.web.experience.models import Comment, Consent, Source
from coproduce.web.improvement.models import ChangeIdea
from coproduce.web.journeys import actions as journey_actions
from coproduce.web.journeys.models import EmotionSource, StageNature, TellerRole, Touchpoint
from coproduce.web.participation.models import Participant
from coproduce.web.projects.models import Project
from coproduce.web.themes import actions as theme_actions
from coproduce.web.themes import tasks as theme_tasks
from coproduce.web.themes.models import Theme

JOURNEY = "From A&E to the fracture clinic and home"

# stage: (touchpoints, patient agency, professional agency, nature, agency note)
STAGES: list[tuple[str, list[str], float, float, str, str]] = [
    (
        "Referral from A&E",
        ["Referral letter", "Phone line"],
        0.2,
        0.8,
        StageNature.PRODUCT_LIKE,
        "The referral and the letter are made for patients; they can only wait or ring.",
    ),
    (
        "Arriving",
        ["Car park", "Reception"],
        0.6,
        0.4,
        StageNature.PRODUCT_LIKE,
        "People find their own way in; reception checks them in.",
    ),
    (
        "Waiting",
        ["Waiting room"],
        0.1,
        0.5,
        StageNature.PRODUCT_LIKE,
        "Nobody can do anything about the wait, patients least of all.",
    ),
    (
        "Consultation",
        ["X-ray", "Seeing the consultant"],
        0.5,
        0.8,
        StageNature.SERVICE_LIKE,
        "The plan is made together when the consultant explains and listens.",
    ),
    (
        "Plaster room",
        ["Cast fitting"],
        0.4,
        0.7,
        StageNature.MIXED,
        "Fitting a cast is a standard task; how it feels depends on the person.",
    ),
    (
        "Back home",
        ["Looking after the cast", "Virtual clinic call"],
        0.9,
        0.4,
        StageNature.SERVICE_LIKE,
        "At home the patient does the work of recovering; the clinic advises.",
    ),
]

# touchpoint: [(valence -2..2, intensity 1..5, words, excerpt, source, role)]
FEELINGS: dict[str, list[tuple[int, int, str, str, str, str]]] = {
    "Referral letter": [
        (-1, 3, "confused", "The letter did not say which clinic to go to.", "feedback", "patient"),
        (-1, 2, "unsure", "I didn't know if I should bring my X-rays.", "interview", "patient"),
    ],
    "Phone line": [
        (
            -2,
            4,
            "frustrated, ignored",
            "I rang for two days and nobody answered.",
            "interview",
            "patient",
        ),
        (-2, 5, "angry", "The phone just rings out.", "event", "carer"),
        (
            -1,
            3,
            "stretched",
            "We can't answer the phone and run clinic at once.",
            "interview",
            "staff",
        ),
    ],
    "Car park": [
        (
            -1,
            3,
            "stressed",
            "Driving round for forty minutes on crutches day.",
            "feedback",
            "patient",
        ),
    ],
    "Reception": [
        (1, 2, "welcomed", "Reception were friendly and quick.", "observation", "patient"),
    ],
    "Waiting room": [
        (
            -2,
            5,
            "anxious, forgotten",
            "Three hours and nobody told us why.",
            "interview",
            "patient",
        ),
        (-2, 4, "in pain", "Nobody offered pain relief while I waited.", "event", "patient"),
        (
            -1,
            4,
            "helpless",
            "We know they're waiting but we can't tell them how long.",
            "event",
            "staff",
        ),
    ],
    "X-ray": [
        (0, 2, "fine", "X-ray was quick.", "observation", "patient"),
    ],
    "Seeing the consultant": [
        (
            2,
            4,
            "reassured, listened to",
            "He explained everything and listened.",
            "interview",
            "patient",
        ),
        (1, 3, "rushed", "Good consultation but the clinic was behind.", "event", "staff"),
    ],
    "Cast fitting": [
        (2, 4, "cared for", "The nurse was so gentle with my daughter.", "feedback", "carer"),
        (1, 2, "relieved", "Quick and comfortable.", "interview", "patient"),
    ],
    "Looking after the cast": [
        (
            -1,
            3,
            "unsure",
            "I wasn't sure how to keep the cast dry, no leaflet.",
            "interview",
            "patient",
        ),
    ],
    "Virtual clinic call": [
        (2, 3, "grateful", "The phone call saved me a trip.", "feedback", "patient"),
        (
            -1,
            2,
            "confused",
            "The call came at a different time from the letter.",
            "feedback",
            "patient",
        ),
    ],
}

# touchpoint: words a theme's terms may contain to be mapped to it
THEME_HINTS = {  # the first touchpoint whose words a theme's terms contain (most specific first)
    "Car park": ("parking", "car park"),
    "Virtual clinic call": ("virtual",),
    "Cast fitting": ("plaster", "technician"),
    "Looking after the cast": ("cast", "explained"),
    "Referral letter": ("letter",),
    "Phone line": ("phone", "rang", "answered"),
    "Waiting room": ("wait", "waited", "late", "hours", "pain"),
}

STORIES = [
    (
        "I broke my wrist on the ice and was sent from A&E with a letter. Nobody answered the "
        "fracture clinic phone for two days, so I just turned up. The nurse in the plaster room "
        "was lovely but I sat in pain for three hours first.",
        TellerRole.PATIENT,
    ),
    (
        "My dad is 84 and deaf. The letter told him to ring a number, which he cannot do. I took "
        "the day off work to ring for him and still could not get through.",
        TellerRole.CARER,
    ),
]

PRIORITIES = [
    (EventKind.STAFF, "Tell people how long the wait is and why", "Waiting room"),
    (EventKind.STAFF, "Staff the phone line at set hours", "Phone line"),
    (EventKind.PATIENT, "Offer pain relief while people wait", "Waiting room"),
    (EventKind.PATIENT, "A leaflet on looking after your cast", "Looking after the cast"),
    (EventKind.PATIENT, "Letters that say where, when and what to bring", "Referral letter"),
]

# priority title: (patients at their event, staff at theirs, patients at the joint, staff there).
# The staff event comes first, so staff vote there only on their own two priorities (None: not
# yet proposed); patients, at their event a week later, vote on all five.
VOTES: dict[str, tuple[int, int | None, int, int]] = {
    "Tell people how long the wait is and why": (9, 12, 11, 10),
    "Staff the phone line at set hours": (7, 10, 9, 9),
    "Offer pain relief while people wait": (14, None, 12, 6),
    "A leaflet on looking after your cast": (6, None, 5, 5),
    "Letters that say where, when and what to bring": (8, None, 8, 7),
}


class _Quiet:
    """Progress for work run in the demo's own process: nobody is watching."""

    def __call__(self, fraction: float, message: str) -> None:
        return None


def load_story(
    *, project: Project, facilitator: User, start: datetime.date, today: datetime.date
) -> None:
    """Record the experience story in ``project`` once (``start`` is its first month)."""
    if Comment.objects.filter(project=project).exists():
        return
    by = facilitator
    months = max(1, (today.year - start.year) * 12 + today.month - start.month)
    comments = demo_comments(start=start, months=months)
    experience_actions.import_feedback(
        project=project,
        user=by,
        source=Source.FFT,
        consent=Consent.SHARE,
        filename="fft_fracture_clinic.csv",
        rows=[
            {
                "id": c.external_id,
                "date": c.date.isoformat(),
                "service": c.service,
                "rating": str(c.rating),
                "question": QUESTION,
                "comment": c.text,
            }
            for c in comments
            if c.date <= today
        ],
    )
    for text, role in STORIES:
        experience_actions.add_story(
            project=project,
            user=by,
            text=text,
            date=today - datetime.timedelta(days=40),
            source=Source.STORY,
            teller_role=role,
            service="Fracture clinic",
            consent=Consent.SHARE,
        )

    theme_tasks.find_project_themes(_Quiet(), project_id=project.pk, user_id=by.pk, seed=0)
    themes = list(Theme.objects.filter(project=project))
    named = {
        "Waiting room": ("Long waits with no explanation", "wait"),
        "Car park": ("Parking", "park"),
    }
    mapped: dict[str, list[Theme]] = {name: [] for name in THEME_HINTS}
    for theme in themes:
        terms = " ".join(theme.terms).lower()
        for touchpoint, hints in THEME_HINTS.items():
            if any(h in terms for h in hints):
                mapped[touchpoint].append(theme)
                break
    for touchpoint, (label, word) in named.items():
        chosen = [t for t in mapped[touchpoint] if any(word in term for term in t.terms)]
        if chosen:
            theme_actions.rename_theme(theme=chosen[0], label=label, by=by)

    journey = journey_actions.create_journey(
        project=project,
        title=JOURNEY,
        pathway="Fracture clinic",
        description="What people told us, in interviews, feedback and at the events.",
        by=by,
    )
    touchpoints: dict[str, Touchpoint] = {}
    for name, points, patient, professional, nature, note in STAGES:
        stage = journey_actions.add_stage(journey=journey, name=name, by=by)
        journey_actions.set_stage_agency(
            stage=stage,
            patient_agency=patient,
            professional_agency=professional,
            agency_note=note,
            nature=nature,
            by=by,
        )
        for point in points:
            touchpoints[point] = journey_actions.add_touchpoint(stage=stage, name=point, by=by)
    for point, feelings in FEELINGS.items():
        for valence, intensity, words, excerpt, source, teller in feelings:
            journey_actions.record_emotion(
                touchpoint=touchpoints[point],
                valence=valence,
                intensity=intensity,
                emotion_words=[w.strip() for w in words.split(",")],
                excerpt=excerpt,
                source=EmotionSource(source),
                teller_role=TellerRole(teller),
                by=by,
            )
    for point, found in mapped.items():
        for theme in found:
            journey_actions.map_theme(touchpoint=touchpoints[point], theme=theme, by=by)

    _ebcd(project=project, by=by, journey_touchpoints=touchpoints, start=start, today=today)
    theme_actions.start_classification(project=project, by=by)


def _ebcd(
    *,
    project: Project,
    by: User,
    journey_touchpoints: dict[str, Touchpoint],
    start: datetime.date,
    today: datetime.date,
) -> None:
    from coproduce.web.journeys.models import Journey

    journey = Journey.objects.get(project=project, title=JOURNEY)
    ebcd = ebcd_actions.start_ebcd(project=project, journey=journey, by=by)
    assert isinstance(ebcd, EBCDProject)
    steps = list(StageStep.objects.filter(ebcd=ebcd).order_by("pk"))
    done_by = today - datetime.timedelta(days=70)
    for i, step in enumerate(steps[:7]):
        day = done_by + datetime.timedelta(days=7 * i)
        ebcd_actions.update_step(
            step=step, planned_on=day, done_on=min(day, today), outputs="Done; notes kept.", by=by
        )

    people = {p.name: p for p in Participant.objects.filter(project=project)}
    interview = ebcd_actions.create_interview(
        ebcd=ebcd,
        label="Patient A (wrist fracture)",
        role="patient",
        participant=people.get("Priya Shah"),
        date=done_by,
        by=by,
    )
    ebcd_actions.record_consent(
        interview=interview, given_on=done_by, audio=True, video=True, film=True, by=by
    )
    ebcd_actions.save_transcript(
        interview=interview,
        text=(
            "I rang the number on the letter for two days and nobody answered. In clinic I "
            "waited three hours in pain. The plaster nurse was lovely."
        ),
        by=by,
    )
    clips = [
        ("films/patient-a.mp4", "01:10", "01:52", "Ringing and ringing", "Phone line"),
        ("films/patient-a.mp4", "04:05", "05:00", "Three hours in pain", "Waiting room"),
        ("films/patient-a.mp4", "07:30", "08:10", "The plaster nurse", "Cast fitting"),
    ]
    for media, begin, end, what, point in clips:
        clip = ebcd_actions.add_clip(
            interview=interview,
            media=media,
            start=begin,
            end=end,
            description=what,
            touchpoint=journey_touchpoints[point],
            by=by,
        )
        ebcd_actions.add_to_film(clip=clip, by=by)

    events = {}
    # Held on the days the checklist marks their stages (the 5th to 7th) done.
    for i, kind in enumerate((EventKind.STAFF, EventKind.PATIENT, EventKind.JOINT), start=4):
        events[kind] = ebcd_actions.save_event(
            ebcd=ebcd,
            kind=kind,
            date=done_by + datetime.timedelta(days=7 * i),
            notes="Emotional mapping on the clinic's journey, then dot votes.",
            by=by,
        )
    ebcd_actions.map_emotion(
        event=events[EventKind.JOINT],
        touchpoint=journey_touchpoints["Waiting room"],
        valence=-2,
        intensity=5,
        emotion_words="forgotten, anxious",
        excerpt="Everyone put their red dots on the waiting room.",
        teller_role="patient",
        by=by,
    )
    priorities = {}
    for kind, title, point in PRIORITIES:
        priorities[title] = ebcd_actions.propose_priority(
            event=events[kind], title=title, touchpoint=journey_touchpoints[point], by=by
        )
    for index, (event, group) in enumerate(
        [
            (events[EventKind.PATIENT], VoterGroup.PATIENTS),
            (events[EventKind.STAFF], VoterGroup.STAFF),
            (events[EventKind.JOINT], VoterGroup.PATIENTS),
            (events[EventKind.JOINT], VoterGroup.STAFF),
        ]
    ):
        ebcd_actions.record_votes(
            event=event,
            group=group,
            votes={priorities[t].pk: v[index] for t, v in VOTES.items() if v[index] is not None},
            by=by,
        )
    codesign = ebcd_actions.create_group(
        ebcd=ebcd,
        name="Waiting well",
        priority=priorities["Tell people how long the wait is and why"],
        members=[p for n, p in people.items() if n in ("Priya Shah", "Tom Evans", "Jo Clarke")],
        by=by,
    )
    ebcd_actions.add_action(
        group=codesign,
        description="Whiteboard in the waiting room with the clinic's delay, updated hourly",
        owner="Jo Clarke",
        due_on=today + datetime.timedelta(days=14),
        by=by,
    )
    triage = ChangeIdea.objects.filter(project=project, title__startswith="Daily").first()
    ebcd_actions.add_action(
        group=codesign,
        description="Link the waiting-time work to the daily virtual triage test",
        owner="Alex Morgan",
        due_on=today + datetime.timedelta(days=28),
        change_idea=triage,
        by=by,
    )

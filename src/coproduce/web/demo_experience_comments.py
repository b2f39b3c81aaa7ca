"""Made-up Friends and Family Test comments for the demo fracture clinic (no real patient).

Each topic has a few ways of putting the same experience, good or bad, so that theming finds
recognisable themes and the ratings agree with the words. A handful carry made-up identifiers
(a valid-looking NHS number, a phone number, a name), so the facilitator's review queue has
something to review. Generated from a seed: the same demo every time.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

QUESTION = "Overall, how was your experience of our service?"
SERVICES = ("Fracture clinic", "Plaster room", "Virtual fracture clinic")

# (topic, rating 1 very good .. 5 very poor, text)
TOPICS: dict[str, list[tuple[int, str]]] = {
    "waiting": [
        (4, "Waited nearly three hours past my appointment time with no explanation."),
        (5, "The wait in clinic was far too long, over two hours sitting with a broken wrist."),
        (4, "Long wait to be seen even though I had an appointment time."),
        (3, "Waiting time was long but the doctor was thorough once I got in."),
        (4, "Waited weeks for the first fracture clinic appointment after A&E."),
        (5, "Nobody told us why the clinic was running so late, we waited all afternoon."),
        (2, "Seen quicker than last time, the wait was much shorter."),
    ],
    "staff": [
        (1, "The nurse in the plaster room was so kind and gentle with my daughter."),
        (1, "Staff were friendly and caring, they put me at ease."),
        (1, "Lovely staff, very patient and reassuring."),
        (2, "The consultant explained everything and listened to my worries."),
        (1, "Kind caring staff who treated my mum with dignity."),
        (2, "Friendly team, professional and helpful throughout."),
    ],
    "information": [
        (4, "Nobody explained what would happen next or how long the cast stays on."),
        (4, "The letter did not say which clinic to go to or whether to bring my X-rays."),
        (3, "I was not sure how to look after my cast at home, no leaflet given."),
        (4, "Confusing information, the letter and the doctor said different things."),
        (2, "Clear advice sheet about exercises after the cast came off, very useful."),
    ],
    "phone": [
        (5, "Could not get through on the phone number on the letter, rang for two days."),
        (4, "Phoned the fracture clinic many times to change my appointment, nobody answered."),
        (4, "The phone line just rings out, impossible to speak to anyone."),
        (3, "Hard to get through on the phone but the receptionist sorted it in the end."),
    ],
    "parking": [
        (4, "Parking was a nightmare, drove round for forty minutes and was late."),
        (4, "Car park full again, and hard to walk from it on crutches."),
        (3, "Parking costs a lot when the clinic runs two hours late."),
    ],
    "cast": [
        (2, "The plaster technician fitted the cast quickly and checked it was comfortable."),
        (4, "My cast was too tight and I had to come back the next day."),
        (1, "Cast changed quickly and the technician explained how to keep it dry."),
        (3, "Cast was fine but the waiting room for the plaster room is cramped."),
    ],
    "pain": [
        (4, "Was in a lot of pain while waiting and nobody offered pain relief."),
        (4, "No pain relief offered even though my ankle was very swollen."),
        (2, "The nurse noticed I was in pain and got me painkillers straight away."),
    ],
    "virtual": [
        (1, "The virtual fracture clinic phone call saved me a trip, brilliant service."),
        (2, "Good to have a phone call from the virtual clinic instead of coming in."),
        (3, "Virtual clinic call came at a different time than the letter said."),
    ],
}

# Comments carrying made-up identifiers: the review queue's examples.
IDENTIFYING = [
    (4, "Please call me back on 07700 900461, nobody has rung about my follow up."),
    (3, "My NHS number is 943 476 5919 and my appointment was cancelled twice."),
    (1, "Nurse Jo Bloggs in the plaster room was wonderful with my son."),
    (4, "I emailed sam.taylor@example.org twice about my referral and had no reply."),
]

# "Honestly, the nurse …" reads to the redactor as a name before a role ("Jo, the nurse"),
# which would send ordinary comments to the review queue: these openers do not.
OPENERS = ("", "", "", "Overall ", "In all honesty, ", "To be fair, ")


@dataclass(frozen=True)
class DemoComment:
    external_id: str
    date: datetime.date
    service: str
    rating: int
    text: str


def demo_comments(*, start: datetime.date, months: int, n: int = 360) -> list[DemoComment]:
    """``n`` comments spread over ``months`` months from ``start`` (seeded)."""
    rng = random.Random(20261122)  # noqa: S311 - seeded demo data, not a secret
    pool = [(r, t) for entries in TOPICS.values() for r, t in entries]
    out: list[DemoComment] = []
    span = max(1, months * 30)
    seen: set[tuple[str, datetime.date]] = set()
    while len(out) < n:
        i = len(out)
        rating, text = rng.choice(pool)
        opener = rng.choice(OPENERS)
        if opener:
            text = opener + text[0].lower() + text[1:]
        day = start + datetime.timedelta(days=rng.randrange(span))
        service = SERVICES[2] if "virtual" in text.lower() else rng.choice(SERVICES[:2])
        if (text, day) in seen:  # the same words on the same day would be a duplicate
            continue
        seen.add((text, day))
        out.append(DemoComment(f"FFT-{i + 1:05d}", day, service, rating, text))
    for j, (rating, text) in enumerate(IDENTIFYING):
        day = start + datetime.timedelta(days=rng.randrange(span))
        out.append(DemoComment(f"FFT-{n + j + 1:05d}", day, SERVICES[0], rating, text))
    return out

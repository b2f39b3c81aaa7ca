"""Synthetic FFT-style comments with known identifiers, to measure redaction (ADR 0013).

:func:`generate_comments` makes ``n`` comments from a seed. Each is one to five sentences drawn
from sentence frames written for coproduce (no real comment is used): plain sentences about
care, sentences that carry one identifier of a known kind, and *hard negatives* that look like
identifiers but are not (appointment dates, ward, bay and room numbers, times, prices, drug
doses, 10-digit numbers that fail the NHS check digit, outward codes alone, place and
hospital names, and words such as "Will", "May" and "Hope"). Every identifier comes with its
gold span; every hard negative with its span and label.

The identifiers are safe to publish: NHS numbers are random digits with a correct check
digit (the invalid ones have a wrong one), phone numbers come from Ofcom's ranges kept for
drama, e-mail domains are ``example.*``, postcodes are random codes in the official format,
and names are drawn from the shipped name lists plus *unlisted* names (absent from
:mod:`coproduce.experience.redact_names`) so that the measure is not only of the lists.

:func:`evaluate` scores predicted spans against the gold ones (recall and precision per kind
and overall, misses per variant, false positives per hard negative).

Pure: no Django, no I/O.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from coproduce.experience.redact import IdentifierKind, Redaction
from coproduce.experience.redact_names import AMBIGUOUS_FIRST_NAMES, FIRST_NAMES, SURNAMES

__all__ = [
    "DEFAULT_SEED",
    "Evaluation",
    "GoldSpan",
    "KindScore",
    "SyntheticComment",
    "Trap",
    "evaluate",
    "evaluate_redactions",
    "generate_comments",
    "make_nhs_number",
]

DEFAULT_SEED = 20261122


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """An identifier placed in a synthetic comment: ``text[start:end]`` is of ``kind``.

    ``variant`` names the way it was written (``"nhs_spaced"``, ``"name_bare_unlisted"``…).
    """

    start: int
    end: int
    kind: IdentifierKind
    variant: str


@dataclass(frozen=True, slots=True)
class Trap:
    """A hard negative: ``text[start:end]`` looks like an identifier but is not one."""

    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class SyntheticComment:
    text: str
    gold: tuple[GoldSpan, ...]
    traps: tuple[Trap, ...]


# ---------------------------------------------------------------------------------------
# Identifiers


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def make_nhs_number(rng: random.Random, *, valid: bool = True) -> str:
    """Ten digits in the ranges issued in England and Wales (400–499, 600–799 million).

    With ``valid=False`` the last digit is wrong: either a different digit, or the first
    nine give a check of 10 (no number is issued with those nine digits).
    """
    while True:
        first = rng.choice("467")
        body = first + "".join(rng.choice("0123456789") for _ in range(8))
        total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if valid:
            if check == 10:
                continue
            return body + str(check)
        if check == 10:
            return body + rng.choice("0123456789")
        return body + rng.choice([d for d in "0123456789" if d != str(check)])


def _format_nhs(rng: random.Random, digits: str) -> tuple[str, str]:
    style = rng.random()
    if style < 0.5:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}", "spaced"
    if style < 0.8:
        return digits, "plain"
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", "hyphens"


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


# Ofcom keeps these ranges for drama and examples (no line will ever be assigned).
def _phone(rng: random.Random) -> tuple[str, str]:
    kind = rng.randrange(8)
    if kind == 0:  # mobile 07700 900xxx
        local = "900" + _digits(rng, 3)
        forms = [
            f"07700 {local}",
            f"07700{local}",
            f"07700-{local[:3]}-{local[3:]}",
            f"07700 {local[:3]} {local[3:]}",
            f"+44 7700 {local}",
            f"+447700{local}",
            f"+44 (0)7700 {local}",
        ]
        return rng.choice(forms), "phone_mobile"
    if kind == 1:  # London 020 7946 0xxx
        tail = "0" + _digits(rng, 3)
        forms = [f"020 7946 {tail}", f"(020) 7946 {tail}", f"0207946{tail}", f"+44 20 7946 {tail}"]
        return rng.choice(forms), "phone_london"
    if kind in (2, 3):  # 0113/0114/…/0191 496 0xxx (0191 498)
        area = rng.choice(["0113", "0114", "0115", "0116", "0117", "0118", "0121", "0131"])
        area = rng.choice([area, "0141", "0151", "0161", "0191"])
        mid = "498" if area == "0191" else "496"
        tail = "0" + _digits(rng, 3)
        forms = [
            f"{area} {mid} {tail}",
            f"({area}) {mid} {tail}",
            f"{area}-{mid}-{tail}",
            f"{area} {mid}{tail}",
            f"+44 (0){area[1:]} {mid} {tail}",
        ]
        return rng.choice(forms), "phone_city"
    if kind == 4:  # 01632 960xxx
        local = "960" + _digits(rng, 3)
        return rng.choice([f"01632 {local}", f"(01632) {local}", f"01632{local}"]), "phone_01632"
    if kind == 5:  # 029 2018 0xxx
        tail = "0" + _digits(rng, 3)
        return rng.choice([f"029 2018 {tail}", f"029 20180{tail[1:]}"]), "phone_cardiff"
    if kind == 6:  # 0808 157 0xxx freephone
        tail = "0" + _digits(rng, 3)
        return rng.choice([f"0808 157 {tail}", f"08081 57{tail}"]), "phone_freephone"
    tail = "0" + _digits(rng, 3)  # 03069 990xxx
    return rng.choice([f"03069 99{tail}", f"0306 999 {tail}"]), "phone_03"


_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com", "example.co.uk")


def _email(rng: random.Random, first: str, last: str) -> tuple[str, str]:
    f, s = first.lower(), last.lower().replace("'", "")
    local = rng.choice(
        [f"{f}.{s}", f"{f}{s}{rng.randrange(10, 99)}", f"{f[0]}.{s}", f"{f}_{s}", f"{f}{s}"]
    )
    return f"{local}@{rng.choice(_DOMAINS)}", "email"


_AREAS = _split(
    "LS NE SR DH TS NN M B L S BD HU YO DN SE N W E CF EH G BS OX CB NR PE LE NG DE ST CV WV "
    "DL HG HX WF BB PR CA LA CH WA SK OL BL WN KT RH TN ME CT SO PO BH EX PL TR GL HR WR"
)
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _postcode(rng: random.Random) -> tuple[str, str]:
    style = rng.random()
    if style < 0.1:
        outward = rng.choice(["SW1A", "EC1V", "W1T", "WC2H", "EC2A", "SE1P"])
    else:
        outward = rng.choice(_AREAS) + str(rng.randrange(1, 30))
    inward = str(rng.randrange(10)) + rng.choice(_INWARD_LETTERS) + rng.choice(_INWARD_LETTERS)
    form = rng.random()
    if form < 0.6:
        return f"{outward} {inward}", "postcode_spaced"
    if form < 0.75:
        return f"{outward}{inward}", "postcode_nospace"
    if form < 0.9:
        return f"{outward} {inward}".lower(), "postcode_lower"
    return f"{outward}{inward}".lower(), "postcode_lower_nospace"


_MONTHS = _split(
    "January February March April May June July August September October November December"
)


def _date(rng: random.Random, year: int) -> tuple[str, str]:
    day = rng.randrange(1, 29)
    month = rng.randrange(1, 13)
    name = _MONTHS[month - 1]
    suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd"}.get(day, "th")
    forms = [
        (f"{day}/{month}/{year}", "date_slash"),
        (f"{day:02d}/{month:02d}/{year}", "date_slash_padded"),
        (f"{day:02d}-{month:02d}-{year % 100:02d}", "date_hyphen_yy"),
        (f"{day}.{month}.{year % 100:02d}", "date_dots_yy"),
        (f"{day}{suffix} {name} {year}", "date_ordinal"),
        (f"{day} {name} {year}", "date_text"),
        (f"{day}{suffix} of {name} {year}", "date_ordinal_of"),
        (f"{name} {day} {year}", "date_month_first"),
        (f"{name} {day}{suffix}, {year}", "date_month_first_comma"),
        (f"{day} {name[:3]} {year}", "date_abbrev"),
        (f"{year}-{month:02d}-{day:02d}", "date_iso"),
    ]
    return rng.choice(forms)


# ---------------------------------------------------------------------------------------
# Names

_LISTED_FIRST = sorted(FIRST_NAMES - AMBIGUOUS_FIRST_NAMES)
_AMBIGUOUS = sorted(
    {"Will", "May", "Grace", "Hope", "Faith", "Bill", "Mark", "Joy", "Rose", "Dawn", "Frank"}
)
_LISTED_SURNAMES = sorted(
    SURNAMES
    - {"Hall", "Field", "Green", "Park", "Lane", "Wood", "Woods", "Hill", "Banks", "Street"}
)
# Names deliberately absent from the shipped lists (checked by a test).
UNLISTED_FIRST = _split(
    "Olamide Tendai Przemek Oluwaseun Thandiwe Bartosz Nkosana Chiamaka Eszter Ottilie Cosmo "
    "Fenella Saoirse Tadhg Oisin Rhydian Taliesin Morwenna Elowen Ianto Kenji Hiroshi Xiaoming "
    "Dariusz Radoslaw Florin Costel Ngaio Aroha Wiremu"
)
UNLISTED_SURNAMES = _split(
    "Oyelaran Nakamura Abernethy Trelawny Penhaligon Kowalczyk Ogunleye Nwachukwu Pemberton "
    "Ravenscroft Thistlethwaite Ackroyd Blenkinsop Cholmondeley Fairweather Quartermaine"
)

_Piece = tuple[str, IdentifierKind | str | None, str]  # text, kind or trap label, variant


def _name_parts(rng: random.Random) -> tuple[str, str]:
    return rng.choice(_LISTED_FIRST), rng.choice(_LISTED_SURNAMES)


# ---------------------------------------------------------------------------------------
# Sentence frames. A frame is a function of the generator returning pieces; a piece is
# annotated with an identifier kind (gold), a trap label (hard negative) or nothing.

_Frame = Callable[[random.Random], list[_Piece]]


def _t(text: str) -> _Piece:
    return (text, None, "")


def _nhs_frame(rng: random.Random) -> list[_Piece]:
    value, style = _format_nhs(rng, make_nhs_number(rng))
    g: _Piece = (value, IdentifierKind.NHS_NUMBER, f"nhs_{style}")
    before, after = rng.choice(
        [
            ("My NHS number is ", " if that helps."),
            ("I gave my NHS number (", ") three times and they still lost my notes."),
            ("NHS no. ", " - please look into this."),
            ("The letter had the wrong NHS number, mine is ", "."),
            ("Mum's NHS number is ", " and nobody checked it."),
            ("", " is my NHS number, please call me back."),
            ("Please find my records under ", "."),
        ]
    )
    return [_t(before), g, _t(after)]


def _phone_frame(rng: random.Random) -> list[_Piece]:
    value, variant = _phone(rng)
    g: _Piece = (value, IdentifierKind.PHONE, variant)
    before, after = rng.choice(
        [
            ("Please ring me on ", " to discuss."),
            ("You can call me on ", " any time after 5."),
            ("My mobile is ", "."),
            ("Tel: ", ""),
            ("I rang ", " six times and nobody answered."),
            ("Contact my daughter on ", " as I am hard of hearing."),
            ("If you want more details my number is ", "."),
        ]
    )
    return [_t(before), g, _t(after)]


def _email_frame(rng: random.Random) -> list[_Piece]:
    first, last = _name_parts(rng)
    value, variant = _email(rng, first, last)
    g: _Piece = (value, IdentifierKind.EMAIL, variant)
    before, after = rng.choice(
        [
            ("Email me at ", " please."),
            ("My email is ", " if you want to follow this up."),
            ("I sent three emails from ", " and got no reply."),
            ("(email ", ")"),
            ("Reply to ", ", thanks."),
        ]
    )
    return [_t(before), g, _t(after)]


def _postcode_frame(rng: random.Random) -> list[_Piece]:
    value, variant = _postcode(rng)
    g: _Piece = (value, IdentifierKind.POSTCODE, variant)
    choice = rng.randrange(5)
    if choice == 0:
        street = rng.choice(["Acacia Avenue", "Mill Lane", "Station Road", "Church Street"])
        return [_t(f"I live at {rng.randrange(1, 200)} {street}, "), g, _t(".")]
    before, after = [
        ("We are in ", " and the ambulance took over an hour."),
        ("Postcode ", "."),
        ("From ", " it is a long way to travel for a ten minute appointment."),
        ("The crew could not find our address (", ") even with the postcode."),
    ][choice - 1]
    return [_t(before), g, _t(after)]


def _dob_frame(rng: random.Random) -> list[_Piece]:
    value, variant = _date(rng, rng.randrange(1925, 2024))
    g: _Piece = (value, IdentifierKind.DATE_OF_BIRTH, f"dob_{variant}")
    before, after = rng.choice(
        [
            ("My date of birth is ", "."),
            ("DOB ", ""),
            ("DOB: ", "."),
            ("D.O.B. ", ", please check my records."),
            ("My mum (born ", ") was left on a trolley for hours."),
            ("I was born on ", " and have never been treated so badly."),
            ("Patient details: ", " (DOB)."),
            ("Date of birth ", ", NHS number to follow."),
            ("They had my date of birth as ", " which is wrong."),
        ]
    )
    return [_t(before), g, _t(after)]


def _name_frame(rng: random.Random) -> list[_Piece]:
    first, last = _name_parts(rng)
    choice = rng.randrange(20)

    def name(value: str, variant: str) -> _Piece:
        return (value, IdentifierKind.NAME, variant)

    if choice == 0:
        return [_t("Nurse "), name(first, "name_title"), _t(" was so kind to my dad.")]
    if choice == 1:
        title = rng.choice(["Dr", "Dr.", "Mr", "Mrs", "Ms", "Miss", "Doctor", "Sister"])
        return [_t(f"{title} "), name(last, "name_title"), _t(" took the time to listen.")]
    if choice == 2:
        return [_t("Staff nurse "), name(f"{first} {last}", "name_title"), _t(" deserves a medal.")]
    if choice == 3:
        return [
            _t("My name is "),
            name(f"{first} {last}", "name_intro"),
            _t(" and I want to complain."),
        ]
    if choice == 4:
        return [_t("A lovely lady called "), name(first, "name_intro"), _t(" sat with me.")]
    if choice == 5:
        return [name(first, "name_bare"), _t(" on reception was brilliant.")]
    if choice == 6:
        other = rng.choice(_LISTED_FIRST)
        return [
            _t("Thank you "),
            name(first, "name_bare"),
            _t(" and "),
            name(other, "name_bare"),
            _t(" for everything."),
        ]
    if choice == 7:
        return [name(f"{first} {last}", "name_bare_full"), _t(" the physio was excellent.")]
    if choice == 8:
        return [_t("Special thanks to "), name(first, "name_bare"), _t(" in the day unit.")]
    if choice == 9:
        return [_t("My husband "), name(first, "name_bare"), _t(" was looked after really well.")]
    if choice == 10:
        return [name(first, "name_bare"), _t(" from the crisis team rang me every day.")]
    if choice == 11:
        amb = rng.choice(_AMBIGUOUS)
        return [_t("Thanks to "), name(amb, "name_ambiguous"), _t(" on reception.")]
    if choice == 12:
        amb = rng.choice(_AMBIGUOUS)
        return [_t("Nurse "), name(amb, "name_ambiguous"), _t(" was wonderful.")]
    if choice == 13:
        amb = rng.choice(_AMBIGUOUS)
        return [
            name(first, "name_bare"),
            _t(" and "),
            name(amb, "name_ambiguous"),
            _t(" were great with the children."),
        ]
    if choice == 14:
        return [
            _t("Dr "),
            name(rng.choice(UNLISTED_SURNAMES), "name_title_unlisted"),
            _t(" was very thorough."),
        ]
    if choice == 15:
        return [
            _t("Nurse "),
            name(rng.choice(UNLISTED_FIRST), "name_title_unlisted"),
            _t(" stayed late to help."),
        ]
    if choice == 16:
        return [
            _t("A paramedic called "),
            name(rng.choice(UNLISTED_FIRST), "name_intro_unlisted"),
            _t(" calmed me down."),
        ]
    if choice == 17:
        return [_t("My name is "), name(rng.choice(UNLISTED_FIRST), "name_intro_unlisted"), _t(".")]
    if choice == 18:
        if rng.random() < 0.5:
            return [
                name(rng.choice(UNLISTED_FIRST), "name_role_unlisted"),
                _t(" on the desk was kind."),
            ]
        return [
            _t("I will never forget "),
            name(rng.choice(UNLISTED_FIRST), "name_bare_unlisted"),
            _t("."),
        ]
    return [_t("Big thanks to "), name(f"{first} {last}", "name_bare_full"), _t(".")]


_IDENTIFIER_FRAMES: tuple[tuple[IdentifierKind, _Frame], ...] = (
    (IdentifierKind.NHS_NUMBER, _nhs_frame),
    (IdentifierKind.PHONE, _phone_frame),
    (IdentifierKind.EMAIL, _email_frame),
    (IdentifierKind.POSTCODE, _postcode_frame),
    (IdentifierKind.DATE_OF_BIRTH, _dob_frame),
    (IdentifierKind.NAME, _name_frame),
)

_PLAIN = (
    "The staff were kind and explained everything clearly.",
    "Waited nearly four hours to be seen.",
    "Very friendly and professional service.",
    "Nobody told us what was happening.",
    "The ward was clean and the food was good.",
    "I felt listened to for the first time.",
    "Reception staff were rude on the phone.",
    "Could not fault the care my mother received.",
    "The crew arrived quickly and were reassuring.",
    "Too long a wait for a call back.",
    "Everyone was polite and helpful.",
    "Communication between departments needs to improve.",
    "Thank you all so much.",
    "The physio exercises have really helped.",
    "I was not given any information about my medication.",
    "Excellent care from start to finish.",
    "My son felt safe and respected.",
    "It is hard to get through to anyone.",
    "The mental health team have been a lifeline.",
    "Discharge took all day.",
    "Parking is a nightmare.",
    "They treated my dad with dignity.",
    "Keep up the good work.",
    "Not enough staff on at night.",
    "The paramedics were calm and kind.",
)


def _trap_frame(rng: random.Random) -> list[_Piece]:
    choice = rng.randrange(22)

    def trap(value: str, label: str) -> _Piece:
        return (value, label, label)

    if choice in (0, 1):
        value, _ = _date(rng, rng.randrange(2018, 2026))
        before, after = rng.choice(
            [
                ("My appointment on ", " was cancelled twice."),
                ("I was seen on ", " and again a week later."),
                ("Booked in for ", " at the fracture clinic."),
                ("They asked for my date of birth three times at the appointment on ", "."),
            ]
        )
        return [_t(before), trap(value, "appointment_date"), _t(after)]
    if choice == 2:
        return [_t("I was on "), trap(f"Ward {rng.randrange(1, 40)}", "ward"), _t(" for a week.")]
    if choice == 3:
        return [
            _t("Moved to "),
            trap(f"Bay {rng.randrange(1, 9)}", "bay"),
            _t(" in the middle of the night."),
        ]
    if choice == 4:
        return [
            _t("Waited in "),
            trap(f"Room {rng.randrange(1, 120)}", "room"),
            _t(" with no heating."),
        ]
    if choice == 5:
        time = rng.choice(["10:30", "2pm", "14:45", "9.15am", "half 9"])
        return [
            _t("The appointment was at "),
            trap(time, "time"),
            _t(" but I was seen an hour late."),
        ]
    if choice == 6:
        price = rng.choice(["£4.50", "£12", "£1,200", "£3.80 an hour"])
        return [_t("Parking cost "), trap(price, "price"), _t(" which is too much.")]
    if choice == 7:
        dose = rng.choice(["500mg", "5 mg", "20mg twice a day", "2.5ml", "1g"])
        return [_t("They gave me "), trap(dose, "dose"), _t(" of paracetamol and sent me home.")]
    if choice == 8:
        value, _ = _format_nhs(rng, make_nhs_number(rng, valid=False))
        before, after = rng.choice(
            [
                ("The reference on my letter was ", " but nobody could find it."),
                ("Order number ", " never arrived."),
            ]
        )
        return [_t(before), trap(value, "bad_check_digit"), _t(after)]
    if choice == 9:
        outward = rng.choice(_AREAS) + str(rng.randrange(1, 30))
        return [_t("There is nothing else in the "), trap(outward, "outward_code"), _t(" area.")]
    if choice == 10:
        place = rng.choice(
            [
                "Leeds General Infirmary",
                "the James Cook University Hospital",
                "the Queen Elizabeth",
                "St James's",
                "Florence Ward",
                "the Victoria Wing",
                "Northampton General",
                "Stanley",
                "Chester-le-Street",
                "Sunderland Royal",
            ]
        )
        return [_t("I was taken to "), trap(place, "place"), _t(" instead of my local hospital.")]
    if choice == 11:
        return [trap("Will", "word_will"), _t(" I need another scan? Nobody said.")]
    if choice == 12:
        return [trap("Hope", "word_hope"), _t(" this helps you improve.")]
    if choice == 13:
        month = rng.choice(["May", "June", "April", "August"])
        return [_t("I was referred in "), trap(month, "word_month"), _t(" and am still waiting.")]
    if choice == 14:
        return [trap("May", "word_may"), _t(" I say how grateful we are.")]
    if choice == 15:
        return [
            _t("I rang "),
            trap(rng.choice(["111", "999", "NHS 111"]), "service_number"),
            _t(" first."),
        ]
    if choice == 16:
        return [
            _t("I have been coming here since "),
            trap(str(rng.randrange(1990, 2025)), "year"),
            _t("."),
        ]
    if choice == 17:
        return [trap("Faith", "word_faith"), _t(" in the NHS restored.")]
    if choice == 18:
        return [_t("The "), trap("X-Ray", "word_xray"), _t(" department was quick.")]
    if choice == 19:
        return [trap("Mark", "word_mark"), _t(" on my arm from the cannula is still there.")]
    if choice == 20:
        return [
            _t("I was born and raised in "),
            trap(rng.choice(["Durham", "Kettering", "Leeds"]), "place"),
            _t("."),
        ]
    return [
        _t("My baby was born at "),
        trap(f"{rng.randrange(28, 42)} weeks", "weeks"),
        _t(" and the midwives were amazing."),
    ]


def _assemble(rng: random.Random, sentences: list[list[_Piece]]) -> SyntheticComment:
    text_parts: list[str] = []
    gold: list[GoldSpan] = []
    traps: list[Trap] = []
    pos = 0
    for i, pieces in enumerate(sentences):
        if i:
            text_parts.append(" ")
            pos += 1
        for value, tag, variant in pieces:
            if isinstance(tag, IdentifierKind):
                gold.append(GoldSpan(pos, pos + len(value), tag, variant))
            elif tag is not None:
                traps.append(Trap(pos, pos + len(value), tag))
            text_parts.append(value)
            pos += len(value)
    text = "".join(text_parts)
    case = rng.random()
    if case < 0.02:
        text = text.lower()
        gold = [GoldSpan(g.start, g.end, g.kind, g.variant + "+lower") for g in gold]
    elif case < 0.03:
        text = text.upper()
        gold = [GoldSpan(g.start, g.end, g.kind, g.variant + "+upper") for g in gold]
    return SyntheticComment(text, tuple(gold), tuple(traps))


def generate_comments(n: int, *, seed: int = DEFAULT_SEED) -> tuple[SyntheticComment, ...]:
    """``n`` synthetic comments, the same for the same seed.

    About 60% carry one or two identifiers (each kind equally likely), about 60% carry one
    or two hard negatives; 2% are written all in lower case and 1% all in capitals.
    """
    if n < 0:
        raise ValueError("n must be 0 or more")
    rng = random.Random(seed)  # noqa: S311 - seeded test data, not a secret
    out = []
    for _ in range(n):
        sentences: list[list[_Piece]] = []
        for _ in range(rng.choices((0, 1, 2), weights=(40, 45, 15))[0]):
            _, frame = rng.choice(_IDENTIFIER_FRAMES)
            sentences.append(frame(rng))
        for _ in range(rng.choices((0, 1, 2), weights=(40, 45, 15))[0]):
            sentences.append(_trap_frame(rng))
        for _ in range(rng.choices((0, 1, 2), weights=(30, 50, 20))[0] + (0 if sentences else 1)):
            sentences.append([_t(rng.choice(_PLAIN))])
        rng.shuffle(sentences)
        out.append(_assemble(rng, sentences))
    return tuple(out)


# ---------------------------------------------------------------------------------------
# Scoring

_Predicted = tuple[int, int, IdentifierKind | None]
_NON_SPACE = re.compile(r"\S")


@dataclass(frozen=True, slots=True)
class KindScore:
    """Counts for one kind (``kind`` None: every kind together).

    ``gold``: identifiers placed; ``recalled``: those whose every non-space character lies
    in a predicted span (of any kind: a redacted identifier is protected whatever its tag);
    ``right_kind``: recalled with a span of the same kind; ``predicted``: spans predicted as
    this kind; ``correct``: predicted spans that overlap an identifier.
    """

    kind: IdentifierKind | None
    gold: int
    recalled: int
    right_kind: int
    predicted: int
    correct: int

    @property
    def recall(self) -> float:
        return self.recalled / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Scores of predicted spans against the synthetic gold.

    ``missed_by_variant``: (variant, missed, placed), worst first;
    ``false_positives_by_trap``: (hard-negative label, predicted spans overlapping one);
    ``other_false_positives``: predicted spans overlapping neither an identifier nor a trap;
    ``redacted_chars_outside_gold``: characters redacted that belong to no identifier.
    """

    overall: KindScore
    by_kind: tuple[KindScore, ...]
    missed_by_variant: tuple[tuple[str, int, int], ...]
    false_positives_by_trap: tuple[tuple[str, int], ...]
    other_false_positives: int
    comments: int
    comments_with_identifiers: int
    comments_flagged: int
    comments_flagged_without_identifiers: int
    redacted_chars_outside_gold: int

    @property
    def recall(self) -> float:
        return self.overall.recall

    @property
    def precision(self) -> float:
        return self.overall.precision


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def evaluate(
    comments: Sequence[SyntheticComment], predicted: Sequence[Iterable[_Predicted]]
) -> Evaluation:
    """Score ``predicted`` spans (``(start, end, kind or None)`` per comment, offsets in the
    comment's text) against the gold spans of ``comments``."""
    if len(comments) != len(predicted):
        raise ValueError("one list of predicted spans per comment")
    kinds = list(IdentifierKind)
    gold_n: Counter[IdentifierKind] = Counter()
    recalled: Counter[IdentifierKind] = Counter()
    right: Counter[IdentifierKind] = Counter()
    pred_n: Counter[IdentifierKind | None] = Counter()
    correct: Counter[IdentifierKind | None] = Counter()
    placed: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    trap_fp: Counter[str] = Counter()
    other_fp = 0
    with_ids = flagged = flagged_clean = outside = 0
    for comment, spans in zip(comments, predicted, strict=True):
        preds = sorted(spans, key=lambda s: s[0])
        with_ids += bool(comment.gold)
        flagged += bool(preds)
        flagged_clean += bool(preds) and not comment.gold
        covered = bytearray(len(comment.text))
        for start, end, _kind in preds:
            covered[start:end] = b"\x01" * (end - start)
        for g in comment.gold:
            gold_n[g.kind] += 1
            placed[g.variant] += 1
            chars = [m.start() for m in _NON_SPACE.finditer(comment.text, g.start, g.end)]
            if all(covered[c] for c in chars):
                recalled[g.kind] += 1
                if any(k is g.kind and s <= g.start and g.end <= e for s, e, k in preds):
                    right[g.kind] += 1
            else:
                missed[g.variant] += 1
        in_gold = bytearray(len(comment.text))
        for g in comment.gold:
            in_gold[g.start : g.end] = b"\x01" * (g.end - g.start)
        for start, end, kind in preds:
            pred_n[kind] += 1
            outside += sum(1 for c in range(start, end) if not in_gold[c])
            if any(_overlaps(start, end, g.start, g.end) for g in comment.gold):
                correct[kind] += 1
                continue
            labels = [t.label for t in comment.traps if _overlaps(start, end, t.start, t.end)]
            if labels:
                trap_fp[labels[0]] += 1
            else:
                other_fp += 1
    by_kind = tuple(
        KindScore(k, gold_n[k], recalled[k], right[k], pred_n[k], correct[k]) for k in kinds
    )
    overall = KindScore(
        None,
        sum(gold_n.values()),
        sum(recalled.values()),
        sum(right.values()),
        sum(pred_n.values()),
        sum(correct.values()),
    )
    variants = sorted(
        ((v, missed[v], placed[v]) for v in placed),
        key=lambda t: (-t[1] / t[2], t[0]),
    )
    return Evaluation(
        overall=overall,
        by_kind=by_kind,
        missed_by_variant=tuple(variants),
        false_positives_by_trap=tuple(sorted(trap_fp.items(), key=lambda t: (-t[1], t[0]))),
        other_false_positives=other_fp,
        comments=len(comments),
        comments_with_identifiers=with_ids,
        comments_flagged=flagged,
        comments_flagged_without_identifiers=flagged_clean,
        redacted_chars_outside_gold=outside,
    )


def evaluate_redactions(
    comments: Sequence[SyntheticComment], redactions: Sequence[Redaction]
) -> Evaluation:
    """:func:`evaluate` the spans of :func:`~coproduce.experience.redact.redact` results."""
    return evaluate(comments, [[(s.start, s.end, s.kind) for s in r.spans] for r in redactions])

"""Identifier redaction: direct identifiers in free text replaced by tags (issue 6, ADR 0013).

Before a comment is stored for analysis, each direct identifier found in it is replaced by a
tag naming its kind:

=================  ==================================================================
``[NHS_NUMBER]``   10 digits (``9434765919``, ``943 476 5919``, ``943-476-5919``) whose
                   last digit is the Modulus 11 check digit of the first nine (NHS Data
                   Dictionary, "NHS Number"); a 10-digit number that fails the check is
                   not an NHS number (it may still be a phone number, below)
``[PHONE]``        UK numbers in the Ofcom ranges: national (``0`` then 01, 02, 03, 05,
                   07, 08 or 09, 10 or 11 digits as the range allows) or international
                   (``+44``/``0044``, with or without ``(0)``), with spaces, hyphens or
                   brackets between the groups
``[EMAIL]``        addresses of the form ``local@domain.tld``
``[POSTCODE]``     full UK postcodes in the Royal Mail format (outward code, optional
                   space, inward code), any case; outward codes alone are kept
``[DATE_OF_BIRTH]``  a date with at least a day and a month, right after "born", "DOB",
                   "d.o.b.", "date of birth", "birthday" (a few linking words allowed
                   between) or right before "(DOB)": other dates are kept
``[NAME]``         person names, by rules (no model): after a title (``Mr``, ``Dr``,
                   ``Nurse``, ``Sister``…; the title is kept), after "my name is",
                   "called", "named"; and first names from a shipped list
                   (:mod:`coproduce.experience.redact_names`), with a following surname;
                   first names that are also words ("Will", "May", "Grace") need context
=================  ==================================================================

:func:`redact` returns a frozen :class:`Redaction`: the redacted text and one :class:`Span`
per tag, with offsets in both texts. The replaced text is not kept unless ``keep_text=True``
(for the facilitator's review screen); :func:`redact_spans` applies a corrected set of spans.
:func:`redact_many` redacts a batch, :func:`flag_identifying` says whether anything was found.
Redaction is idempotent: redacting a redacted text changes nothing.

Pure: no Django, no I/O; the patterns are compiled once per set of kinds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from coproduce.experience.redact_names import (
    AMBIGUOUS_FIRST_NAMES,
    FIRST_NAMES,
    NOT_NAME_WORDS,
    PERSON_NOUNS,
    PLACE_BEFORE,
    PLACE_PHRASES,
    PLACE_WORDS,
    SURNAMES,
    TITLES,
)

__all__ = [
    "ALL_KINDS",
    "IdentifierKind",
    "Redaction",
    "Span",
    "flag_identifying",
    "nhs_number_is_valid",
    "redact",
    "redact_many",
    "redact_spans",
]


class IdentifierKind(StrEnum):
    """A kind of direct identifier; its :attr:`tag` replaces it in the text."""

    NHS_NUMBER = "NHS_NUMBER"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    POSTCODE = "POSTCODE"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    NAME = "NAME"

    @property
    def tag(self) -> str:
        """The text that replaces an identifier of this kind, e.g. ``[NHS_NUMBER]``."""
        return f"[{self.value}]"


ALL_KINDS: frozenset[IdentifierKind] = frozenset(IdentifierKind)
"""Every kind: the default for :func:`redact`."""

# When two findings overlap, the higher priority wins (then the longer).
_PRIORITY = {
    IdentifierKind.EMAIL: 6,
    IdentifierKind.NHS_NUMBER: 5,
    IdentifierKind.PHONE: 4,
    IdentifierKind.DATE_OF_BIRTH: 3,
    IdentifierKind.POSTCODE: 2,
    IdentifierKind.NAME: 1,
}


@dataclass(frozen=True, slots=True)
class Span:
    """One replaced identifier.

    ``start``/``end`` are offsets in the original text (``end`` exclusive);
    ``redacted_start``/``redacted_end`` locate its tag in :attr:`Redaction.text`.
    ``original`` is the replaced text, kept only when asked for (``keep_text=True``) and
    never shown by ``repr``, so that a logged span cannot leak an identifier.
    """

    start: int
    end: int
    kind: IdentifierKind
    redacted_start: int
    redacted_end: int
    original: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Redaction:
    """The redacted text and the spans that were replaced, in order."""

    text: str
    spans: tuple[Span, ...]

    @property
    def identifying(self) -> bool:
        """True when anything was redacted: the comment is flagged as identifying."""
        return bool(self.spans)

    @property
    def kinds(self) -> frozenset[IdentifierKind]:
        """The kinds of identifier found."""
        return frozenset(span.kind for span in self.spans)


# ---------------------------------------------------------------------------------------
# NHS numbers


_NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def nhs_number_is_valid(number: str) -> bool:
    """Whether ``number`` is 10 digits ending in its Modulus 11 check digit.

    Spaces and hyphens are ignored. The NHS Data Dictionary's algorithm: multiply each of
    the first nine digits by its weight (10 for the first, down to 2 for the ninth), add
    the products, take the remainder on division by 11 and subtract it from 11. A result
    of 11 makes the check digit 0; a result of 10 means the number is not valid (no NHS
    number is issued with it); otherwise the result must equal the tenth digit.
    """
    digits = number.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits, _NHS_WEIGHTS, strict=False))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


# ---------------------------------------------------------------------------------------
# Patterns

_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĪĮŁŃŇŌŐŒŘŚŞŠŢŤŪŮŰŲŹŻŽ"
_LO = "a-zß-öø-ÿāăąćčďđēėęěğīįłńňōőœřśşšţťūůűųźżž"
# A capitalised name word: Sarah, McDonald, O'Brien, Mary-Jane.
_WORD = rf"(?:[{_UP}][{_LO}]+|[{_UP}](?=['’][{_UP}]))(?:[{_UP}][{_LO}]+)?(?:['’\-][{_UP}][{_LO}]+)?"

_EMAIL = (
    r"(?P<email>(?<![\w.%+\-])[A-Za-z0-9](?:[A-Za-z0-9._%+\-]*[A-Za-z0-9_%+\-])?"
    r"@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,24}(?![\w\-]))"
)
# A run of digit groups separated by spaces, hyphens or brackets, at least 9 characters
# long; NHS and phone numbers are picked out of it by _scan_run.
_RUN = r"(?P<run>(?<![\w+])(?=[\d +()\-]{9})(?:\+|\()?\d+(?:[ \-()]{1,3}\d+)*)"
# Royal Mail format: A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA, AA9A 9AA (and GIR 0AA),
# with the letters each position may take.
_POSTCODE = (
    r"(?P<postcode>(?<!\w)(?i:(?:[A-PR-UWYZ](?:\d[A-HJKPSTUW]?|\d\d|[A-HK-Y]\d[ABEHMNPRVWXY]?"
    r"|[A-HK-Y]\d\d)|GIR) ?\d[ABD-HJLNP-UW-Z]{2})(?!\w))"
)

_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
)
_YEAR = r"(?:(?:19|20)\d{2}|'?\d{2})"
_DATE = (
    r"(?:"
    # 3/4/1956, 03-04-56, 3.4.56 (day and month in either order)
    rf"{_DAY}[/.\-]{_DAY}[/.\-](?:(?:19|20)\d{{2}}|\d{{2}})(?![\d/.\-]\d)"
    # 1956-04-03
    rf"|(?:19|20)\d{{2}}-(?:0?[1-9]|1[0-2])-{_DAY}(?!\d)"
    # 3rd April 1956, 3 Apr 56, the 3rd of April
    rf"|(?:the\s+)?{_DAY}(?:st|nd|rd|th)?(?!\d)(?:\s+of)?[\s\-]+{_MONTH_NAME}"
    rf"(?:,?[\s\-]+{_YEAR}(?!\d))?"
    # April 3 1956, April 3rd, 1956
    rf"|{_MONTH_NAME}\s+(?:the\s+)?{_DAY}(?:st|nd|rd|th)?(?!\d)(?:,?\s+{_YEAR}(?!\d))?"
    r")(?![\w/])"
)
_DOB_KEY = (
    r"(?:\bborn\b|\bdob\b|\bd\.\s?o\.\s?b\b\.?|\bdate\s+of\s+birth\b|\bbirth\s?date\b"
    r"|\bbirthday\b)"
)
_DOB_GAP = (
    r"[\s:=,\-–(]*(?:(?:is|was|on|of|in|at|the|being|as|be|given|listed|recorded|stated"
    r"|written|down|it's|its|wrongly|incorrectly|correctly)\b[\s:=,\-–(]*){0,3}"
)
# A date of birth is found from its keyword: the date right after it (a few linking words
# between), or right before it ("3/4/56 (DOB)").
_DOB_KEYWORD = re.compile(rf"(?i:{_DOB_KEY})")
_DOB_AFTER_KEY = re.compile(rf"(?i:{_DOB_GAP}({_DATE}))")
_DOB_BEFORE_KEY = re.compile(rf"(?i:({_DATE})[\s,]*[(\[\-–]?\s*)$")
_DOB_HINTS = ("born", "dob", "birth", "d.o", "d. o")

_TITLE = (
    r"(?P<title>\b(?:(?:Mr|Mrs|Ms|Mx|Dr|Prof|Rev|MR|MRS|MS|DR)\b\.?"
    r"|(?:Miss|Doctor|Nurse|Sister|Matron|Professor|Sir|MISS|DOCTOR|NURSE|SISTER)\b"
    r"|(?P<lowtitle>nurse|doctor|sister|matron)\b|(?P<lowabbr>mr|mrs|ms|dr)\b\.?))"
    rf"[ \t]+(?P<tname>{_WORD}(?:[ \t]+{_WORD}){{0,2}}|[A-Z]{{2,}}(?:[ \t]+[A-Z]{{2,}})?|[a-z]+)"
)
_INTRO = (
    r"(?P<intro>\b(?:(?P<nameis>[Mm]y name is|[Nn]ame is|[Nn]ame was|[Nn]ame's|MY NAME IS)"
    r"|[Cc]alled|[Nn]amed|[Kk]nown as|CALLED))"
    rf"[ \t]+(?P<iname>{_WORD}(?:[ \t]+{_WORD})?|[a-z]+)"
)
_PLACE = "(?P<place>\\b(?:" + "|".join(re.escape(p) for p in PLACE_PHRASES) + ")\\b)"
_TOKEN = rf"(?P<tok>(?<![\w\-])(?:{_WORD}|[A-Z]{{3,}})(?![\w\-]))"

# The look-ahead lets the engine skip most positions at the cost of one character test.
_NAMES = re.compile(
    rf"(?=[{_UP}]|nurse|doctor|sister|matron|mr|ms|dr|called|named|name|known)(?:"
    + "|".join((_PLACE, _TITLE, _INTRO, _TOKEN))
    + ")"
)
_NAME_WORD = re.compile(_WORD)
_WORD_BEFORE = re.compile(r"([\w'’.]+)[^\w\[\]]*$")
_THANKS_BEFORE = re.compile(
    r"(?i:\b(?:thanks|thank\s+you|thankyou|thank|especially|particularly|specially"
    r"|including|big\s+up|shout\s*out|mention)(?:\s+(?:to|for))?[\s,:!-]*)$"
)
_AND_BEFORE = re.compile(r"\s*(?:,|and|&)\s*$")
_SPLIT = re.compile(r"\S+")
_LOWER_WORD_AFTER = re.compile(rf" ([{_LO}]+)\b")
# A role right after an unlisted capitalised word marks it as a name ("Tendai on reception").
_ROLE_AFTER = re.compile(
    r",? (?:(?:on|at|from|in) (?:the )?(?:front desk|desk|reception|switchboard|night shift"
    r"|day shift|crisis team|ward|team)\b|(?:the|our|my) (?:nurse|doctor|physio"
    r"|physiotherapist|paramedic|receptionist|consultant|midwife|HCA|porter|carer|healthcare"
    r" assistant|support worker|therapist|health visitor|social worker|surgeon|GP)\b)"
)
_NOT_BEFORE_UNLISTED = frozenset(
    {"in", "at", "to", "from", "near", "into", "via", "of", "the", "The", "St", "St."}
)
_AND_AFTER = re.compile(rf"\s*(?:,|and\b|&)\s*({_WORD})")
_GROUP = re.compile(r"\d+")
_DIGIT = re.compile(r"\d")

_UNAMBIGUOUS = FIRST_NAMES - AMBIGUOUS_FIRST_NAMES
_ANY_FIRST = FIRST_NAMES | AMBIGUOUS_FIRST_NAMES
_STOP = NOT_NAME_WORDS | PLACE_WORDS | TITLES
_ORDINALS = {"1": "st", "2": "nd", "3": "rd"}

# Ofcom's national numbering: the digit after the trunk 0 and the lengths (with the 0) it
# allows. 04 and 06 are not in use; 01 and 08 have some 10-digit numbers.
_PHONE_LENGTHS = {
    "1": (10, 11),
    "2": (11,),
    "3": (11,),
    "5": (11,),
    "7": (11,),
    "8": (10, 11),
    "9": (11,),
}

_Found = tuple[int, int, IdentifierKind]


@lru_cache(maxsize=64)
def _structure_patterns(
    kinds: frozenset[IdentifierKind],
) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """(with e-mail, without e-mail) combined patterns for the digit-bearing kinds."""
    parts = []
    if kinds & {IdentifierKind.NHS_NUMBER, IdentifierKind.PHONE}:
        parts.append(_RUN)
    if IdentifierKind.POSTCODE in kinds:
        parts.append(_POSTCODE)
    without = re.compile("|".join(parts)) if parts else None
    if IdentifierKind.EMAIL in kinds:
        return re.compile("|".join([_EMAIL, *parts])), without
    return without, without


# ---------------------------------------------------------------------------------------
# Finding


def _phone_ok(national: str) -> bool:
    lengths = _PHONE_LENGTHS.get(national[1:2])
    return lengths is not None and national[0] == "0" and len(national) in lengths


def _classify_window(
    groups: list[tuple[int, int, str]], i: int, j: int, plus: bool, kinds: frozenset[IdentifierKind]
) -> IdentifierKind | None:
    window = groups[i : j + 1]
    digits = "".join(g[2] for g in window)
    lengths = [len(g[2]) for g in window]
    if (
        IdentifierKind.NHS_NUMBER in kinds
        and (lengths == [10] or lengths == [3, 3, 4])
        and nhs_number_is_valid(digits)
    ):
        return IdentifierKind.NHS_NUMBER
    if IdentifierKind.PHONE not in kinds:
        return None
    intl = (plus and digits.startswith("44")) or digits.startswith("0044")
    short = [n for n in lengths[1:] if n < 2]
    # Every group after the first has 2 digits or more, except the "(0)" of "+44 (0)20 …".
    if short and not (intl and len(short) == 1 and window[1][2] == "0"):
        return None
    if intl:
        rest = digits[2:] if plus else digits[4:]
        national = rest if rest.startswith("0") else "0" + rest
        return IdentifierKind.PHONE if _phone_ok(national) else None
    if digits.startswith("0") and (len(window) == 1 or lengths[0] >= 3):
        return IdentifierKind.PHONE if _phone_ok(digits) else None
    return None


def _scan_run(
    text: str, m: re.Match[str], kinds: frozenset[IdentifierKind], found: list[_Found]
) -> None:
    """Pick NHS and phone numbers out of a run of digit groups: leftmost, then longest."""
    base = m.start()
    run = m.group()
    groups = [(g.start() + base, g.end() + base, g.group()) for g in _GROUP.finditer(run)]
    plus = run.startswith("+")
    n = len(groups)
    i = 0
    while i < n:
        best: tuple[int, IdentifierKind] | None = None
        total = 0
        for j in range(i, min(n, i + 6)):
            total += len(groups[j][2])
            if total > 15:
                break
            if total < 10:
                continue
            end = groups[j][1]
            if end < len(text) and text[end].isalnum():
                continue
            kind = _classify_window(groups, i, j, plus and i == 0, kinds)
            if kind is not None:
                best = (j, kind)
        if best is None:
            i += 1
            continue
        j, kind = best
        start, end = groups[i][0], groups[j][1]
        if kind is IdentifierKind.PHONE:
            if i == 0 and plus:
                start = base
            elif (
                start > 0
                and text[start - 1] == "("
                and text[groups[i][1] : groups[i][1] + 1] == ")"
            ):
                start -= 1
        found.append((start, end, kind))
        i = j + 1


def _postcode_ok(candidate: str) -> bool:
    """Reject lower-case ordinals that look like inward codes ("a1 2nd floor")."""
    inward = candidate[-3:]
    if inward.islower():
        suffix = _ORDINALS.get(inward[0], "th")
        if inward[1:] == suffix:
            return False
    return True


def _word_before(text: str, start: int) -> str:
    m = _WORD_BEFORE.search(text, max(0, start - 40), start)
    return m.group(1) if m else ""


def _is_shouting(text: str) -> bool:
    upper = sum(1 for c in text if c.isupper())
    lower = sum(1 for c in text if c.islower())
    return upper > 3 * lower


def _next_word(text: str, end: int) -> re.Match[str] | None:
    """The capitalised word right after ``end`` (one space between), if any."""
    if text[end : end + 1] != " ":
        return None
    return _NAME_WORD.match(text, end + 1)


def _name_end_with_surname(text: str, end: int) -> int | None:
    """Extend a first name over a following surname; None if the name is part of a place."""
    nxt = _next_word(text, end)
    if nxt is None:
        return end
    word = nxt.group()
    if word in PLACE_WORDS:
        return None
    if word in SURNAMES or (word not in _STOP and word not in _ANY_FIRST):
        after = _next_word(text, nxt.end())
        if after is not None and after.group() in PLACE_WORDS:
            return None
        return nxt.end()
    return end


def _ambiguous_has_context(text: str, start: int, end: int, last_name_end: int) -> bool:
    head = text[max(0, start - 30) : start]
    if _THANKS_BEFORE.search(head):
        return True
    if last_name_end >= 0 and _AND_BEFORE.match(text, last_name_end, start):
        return True
    if head.endswith(("[NAME], ", "[NAME] and ", "[NAME] & ")):
        return True
    after = _AND_AFTER.match(text, end)
    if after is not None and after.group(1) in _UNAMBIGUOUS:
        return True
    nxt = _next_word(text, end)
    return nxt is not None and nxt.group() in SURNAMES and nxt.group() not in PLACE_WORDS


def _title_names(text: str, m: re.Match[str]) -> list[_Found]:
    """The name after a title: its words up to the first word that is not a name."""
    tname = m.group("tname")
    base = m.start("tname")
    if tname.islower():
        if m.group("lowtitle") is not None:
            ok = tname.capitalize() in _UNAMBIGUOUS
        elif m.group("lowabbr") is not None:
            ok = len(tname) > 1 and tname.capitalize() not in _STOP
        else:
            ok = False
        if not ok:
            return []
        end = base + len(tname)
        # "nurse steve kowalski": a listed surname may follow in lower case too.
        nxt = _LOWER_WORD_AFTER.match(text, end)
        if nxt is not None and nxt.group(1).capitalize() in SURNAMES:
            end = nxt.end()
        return [(base, end, IdentifierKind.NAME)]
    if tname.isupper() and not m.group("title").isupper():
        return []  # "Dr NHS": capitals after a capitalised title are an acronym
    last = -1
    for w in _SPLIT.finditer(tname):
        word = w.group()
        key = word.capitalize() if word.isupper() else word
        # After a title a listed name is a name even if it is also a word ("Nurse May",
        # "Ms Porter"); other words that are not names end it ("Nurse Practitioner").
        if key in _STOP and key not in _ANY_FIRST and key not in SURNAMES:
            break
        last = w.end()
    if last < 0:
        return []
    end = base + last
    nxt = _next_word(text, end)
    if nxt is not None and nxt.group() in PLACE_WORDS:
        return []
    return [(base, end, IdentifierKind.NAME)]


def _intro_names(text: str, m: re.Match[str]) -> list[_Found]:
    iname = m.group("iname")
    base = m.start("iname")
    if iname.islower():
        if iname.capitalize() in _UNAMBIGUOUS:
            return [(base, base + len(iname), IdentifierKind.NAME)]
        return []
    first = _NAME_WORD.match(text, base)
    if first is None:
        return []
    word = first.group()
    if word in _STOP:
        return []
    if m.group("nameis") is None:
        before = _word_before(text, m.start("intro")).lower()
        if not (word in _ANY_FIRST or word in SURNAMES or before in PERSON_NOUNS):
            return []
    end = _name_end_with_surname(text, first.end())
    if end is None:
        return []
    return [(base, end, IdentifierKind.NAME)]


def _find_names(text: str, found: list[_Found]) -> None:
    pos = 0
    last_name_end = -1
    shouting: bool | None = None
    search = _NAMES.search
    while True:
        m = search(text, pos)
        if m is None:
            return
        if m.group("place") is not None:
            pos = m.end()
            continue
        if m.group("title") is not None:
            names = _title_names(text, m)
            if names:
                found.extend(names)
                last_name_end = names[-1][1]
                pos = last_name_end
            else:
                pos = m.end("title")
            continue
        if m.group("intro") is not None:
            names = _intro_names(text, m)
            if names:
                found.extend(names)
                last_name_end = names[-1][1]
                pos = last_name_end
            else:
                pos = m.end("intro")
            continue
        start, end = m.span("tok")
        pos = end
        word = m.group("tok")
        if word.isupper():
            if word.capitalize() not in _UNAMBIGUOUS or len(word) < 4:
                continue
            if shouting is None:
                shouting = _is_shouting(text)
            if shouting:
                found.append((start, end, IdentifierKind.NAME))
                last_name_end = end
            continue
        # "Mary-Jane", "Jean-Paul": the first part decides.
        key = word.split("-", 1)[0] if "-" in word else word
        if key in _UNAMBIGUOUS:
            pass
        elif key in AMBIGUOUS_FIRST_NAMES:
            if not _ambiguous_has_context(text, start, end, last_name_end):
                continue
        elif (
            key in _STOP
            or key in SURNAMES
            or len(key) < 3
            or _ROLE_AFTER.match(text, end) is None
            or _word_before(text, start) in _NOT_BEFORE_UNLISTED
        ):
            continue
        if _word_before(text, start) in PLACE_BEFORE:
            continue
        name_end = _name_end_with_surname(text, end)
        if name_end is None:
            continue
        found.append((start, name_end, IdentifierKind.NAME))
        last_name_end = pos = name_end


def _find_dates_of_birth(text: str, found: list[_Found]) -> None:
    for key in _DOB_KEYWORD.finditer(text):
        after = _DOB_AFTER_KEY.match(text, key.end())
        if after is not None:
            found.append((after.start(1), after.end(1), IdentifierKind.DATE_OF_BIRTH))
        before = _DOB_BEFORE_KEY.search(text, max(0, key.start() - 40), key.start())
        if before is not None:
            found.append((before.start(1), before.end(1), IdentifierKind.DATE_OF_BIRTH))


def _find(text: str, kinds: frozenset[IdentifierKind]) -> list[_Found]:
    found: list[_Found] = []
    first = _DIGIT.search(text)
    if first is not None or "@" in text:
        with_email, without_email = _structure_patterns(kinds)
        if "@" in text:
            pattern, start = with_email, 0
        else:
            # Without an e-mail nothing starts more than two letters before the first digit
            # (a postcode's area); the look-behinds still see the text before ``start``.
            pattern, start = without_email, max(0, first.start() - 2) if first else 0
        if pattern is not None:
            for m in pattern.finditer(text, start):
                group = m.lastgroup
                if group == "run":
                    _scan_run(text, m, kinds, found)
                elif group == "email":
                    found.append((m.start(), m.end(), IdentifierKind.EMAIL))
                elif group == "postcode" and _postcode_ok(m.group()):
                    found.append((m.start(), m.end(), IdentifierKind.POSTCODE))
        # Every date form has digits, so a date of birth needs a digit too.
        if IdentifierKind.DATE_OF_BIRTH in kinds:
            lower = text.lower()
            if any(hint in lower for hint in _DOB_HINTS):
                _find_dates_of_birth(text, found)
    if IdentifierKind.NAME in kinds:
        _find_names(text, found)
    if len(found) > 1:
        found = _resolve(found)
    return found


def _resolve(found: list[_Found]) -> list[_Found]:
    """Drop findings that overlap a higher-priority (then longer, then earlier) one."""
    ranked = sorted(found, key=lambda f: (-_PRIORITY[f[2]], f[0] - f[1], f[0]))
    kept: list[_Found] = []
    for f in ranked:
        if all(f[1] <= k[0] or f[0] >= k[1] for k in kept):
            kept.append(f)
    kept.sort()
    return kept


def _build(text: str, found: Iterable[_Found], keep_text: bool) -> Redaction:
    pieces: list[str] = []
    spans: list[Span] = []
    pos = 0
    out_len = 0
    for start, end, kind in found:
        pieces.append(text[pos:start])
        out_len += start - pos
        tag = kind.tag
        spans.append(
            Span(
                start,
                end,
                kind,
                out_len,
                out_len + len(tag),
                text[start:end] if keep_text else None,
            )
        )
        pieces.append(tag)
        out_len += len(tag)
        pos = end
    if not spans:
        return Redaction(text, ())
    pieces.append(text[pos:])
    return Redaction("".join(pieces), tuple(spans))


# ---------------------------------------------------------------------------------------
# Public API


def redact(
    text: str, *, keep_text: bool = False, kinds: Iterable[IdentifierKind] = ALL_KINDS
) -> Redaction:
    """Replace the direct identifiers in ``text`` by tags.

    Args:
        text: a free-text comment.
        keep_text: keep each replaced piece in :attr:`Span.original` (for the facilitator's
            review screen only; never store it with the analysis copy).
        kinds: the kinds to look for (all by default).

    Returns:
        The redacted text and its spans, in order. Idempotent: redacting
        ``redact(text).text`` again finds nothing new.
    """
    wanted = kinds if isinstance(kinds, frozenset) else frozenset(kinds)
    return _build(text, _find(text, wanted), keep_text)


def redact_many(
    texts: Iterable[str], *, keep_text: bool = False, kinds: Iterable[IdentifierKind] = ALL_KINDS
) -> tuple[Redaction, ...]:
    """:func:`redact` each text, in order (one core; patterns compiled once)."""
    wanted = kinds if isinstance(kinds, frozenset) else frozenset(kinds)
    find = _find
    build = _build
    return tuple(build(t, find(t, wanted), keep_text) for t in texts)


def flag_identifying(text: str, *, kinds: Iterable[IdentifierKind] = ALL_KINDS) -> bool:
    """True when redaction finds anything in ``text``: the comment is held back from shared
    views (issue 6) until a facilitator has reviewed it."""
    wanted = kinds if isinstance(kinds, frozenset) else frozenset(kinds)
    return bool(_find(text, wanted))


def redact_spans(
    text: str, spans: Iterable[tuple[int, int, IdentifierKind]], *, keep_text: bool = False
) -> Redaction:
    """Redact exactly the given ``(start, end, kind)`` spans: a facilitator's corrections.

    Raises:
        ValueError: a span is empty, outside the text, or overlaps another.
    """
    ordered = sorted(spans)
    pos = 0
    for start, end, kind in ordered:
        if not 0 <= start < end <= len(text):
            raise ValueError(f"span ({start}, {end}) is empty or outside a text of {len(text)}")
        if start < pos:
            raise ValueError(f"span ({start}, {end}) overlaps the span before it")
        if not isinstance(kind, IdentifierKind):
            raise ValueError(f"{kind!r} is not an IdentifierKind")
        pos = end
    return _build(text, ordered, keep_text)

"""A short confidence check-in, so the people who find taking part hardest get support.

Who co-produces is unequal: low self-efficacy and not knowing how to take part hold people
back, and self-efficacy moderates the effect of knowledge (Thomsen 2017, Am Rev Public Adm
47(3); Parrado et al. 2013; DOMAIN.md §1.5). The four statements are ours (design choice),
answered on a five-point agreement scale. :func:`needs_support` marks someone for an offer of
support (:class:`SupportKind`); :func:`summarise_checkins` gives the picture by role with
small-number suppression: a group with fewer than 5 answers shows no averages.

Pure: no Django, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from coproduce.participation.ladders import Role
from coproduce.participation.suppression import (
    COMPLEMENTARY_MARK,
    THRESHOLD,
    SuppressedCount,
    suppress,
    suppress_table,
)
from coproduce.participation.validation import ParticipationInputError


class CheckinItem(StrEnum):
    """One statement of the check-in (our wording, a design choice)."""

    SPEAK_UP = "speak_up"
    KNOW_HOW = "know_how"
    LISTENED_TO = "listened_to"
    KNOW_OUTCOME = "know_outcome"

    @property
    def key(self) -> str:
        return self.value

    @property
    def text(self) -> str:
        """The statement, for someone answering for themselves."""
        return _TEXT[self][0]

    @property
    def text_other(self) -> str:
        """The statement, for someone answering on another person's behalf."""
        return _TEXT[self][1]


_TEXT = {
    CheckinItem.SPEAK_UP: (
        "I feel confident to speak up in meetings, even when staff are there.",
        "They feel confident to speak up in meetings, even when staff are there.",
    ),
    CheckinItem.KNOW_HOW: (
        "I know how I can take part and what is expected of me.",
        "They know how they can take part and what is expected of them.",
    ),
    CheckinItem.LISTENED_TO: (
        "I feel listened to when I give my views.",
        "They feel listened to when they give their views.",
    ),
    CheckinItem.KNOW_OUTCOME: (
        "I find out what happens to the things I say.",
        "They find out what happens to the things they say.",
    ),
}

ITEMS: tuple[CheckinItem, ...] = tuple(CheckinItem)

SCALE: tuple[tuple[int, str], ...] = (
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither agree nor disagree"),
    (4, "Agree"),
    (5, "Strongly agree"),
)

LOW = 2
"""An answer at or below this (disagree or strongly disagree) calls for support (design
choice)."""


def scale_values() -> tuple[int, ...]:
    return tuple(value for value, _ in SCALE)


class SupportKind(StrEnum):
    TRAINING = "training"
    BUDDY = "buddy"
    EXPENSES_IN_ADVANCE = "expenses_in_advance"
    ACCESSIBLE_MATERIALS = "accessible_materials"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _SUPPORT_LABELS[self]


_SUPPORT_LABELS = {
    SupportKind.TRAINING: "Training or a briefing before taking part",
    SupportKind.BUDDY: "A buddy or peer supporter",
    SupportKind.EXPENSES_IN_ADVANCE: "Expenses paid in advance",
    SupportKind.ACCESSIBLE_MATERIALS: "Accessible materials (easy read, large print, translation)",
    SupportKind.OTHER: "Other support",
}


def check_answers(answers: Mapping[str, int]) -> dict[CheckinItem, int]:
    """The answers keyed by item, refused if an item is unknown or an answer is not 1–5.

    Items may be left out (not answered); at least one must be answered.
    """
    cleaned: dict[CheckinItem, int] = {}
    for key, value in answers.items():
        try:
            item = CheckinItem(key)
        except ValueError:
            raise ParticipationInputError(f"“{key}” is not a check-in question", key) from None
        if isinstance(value, bool) or value not in scale_values():
            raise ParticipationInputError(
                f"Answers are from 1 (strongly disagree) to 5 (strongly agree); got {value!r}",
                item.key,
            )
        cleaned[item] = value
    if not cleaned:
        raise ParticipationInputError("Answer at least one question", None)
    return cleaned


def needs_support(answers: Mapping[str, int], *, low: int = LOW) -> bool:
    """Whether someone should be offered support: any answer at ``low`` (2) or below.

    One "disagree" is enough (design choice): the check-in is there to catch the person who
    does not feel able to speak up, not to average them away.
    """
    return any(value <= low for value in check_answers(answers).values())


@dataclass(frozen=True, slots=True)
class Checkin:
    """One check-in: the role the person takes part in and their answers (item key → 1–5)."""

    role: Role
    answers: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class ItemSummary:
    """One statement's answers in one group; ``None`` figures when under 5 answered it.

    ``agree_share`` counts agree and strongly agree (4–5); ``disagree_share`` 1–2. A share is
    ``None`` when its count is hidden (under 5, or hidden to protect another count: the
    shares of a known number of answers would otherwise give the counts away).
    """

    item: CheckinItem
    answers: SuppressedCount
    mean: float | None
    agree_share: float | None
    disagree_share: float | None


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """The check-ins of one role (or of everyone, ``role`` ``None``).

    ``shown`` is False when fewer than ``min_answers`` check-ins came from the group; then
    ``items`` and ``needing_support`` say nothing. ``needing_support`` is hidden when it, or
    the number of check-ins that do not call for support, is under 5.
    """

    role: Role | None
    checkins: SuppressedCount
    shown: bool
    items: tuple[ItemSummary, ...]
    needing_support: SuppressedCount | None


@dataclass(frozen=True, slots=True)
class CheckinSummary:
    by_role: tuple[GroupSummary, ...]
    everyone: GroupSummary


def _item(
    item: CheckinItem, values: Sequence[int], *, group_hidden: bool, min_answers: int
) -> ItemSummary:
    n = len(values)
    if n < min_answers:
        return ItemSummary(item, SuppressedCount(None, f"<{THRESHOLD}"), None, None, None)
    # Agree, neither and disagree split the n answers: a table of people whose total is
    # known, so a share of a hidden cell would give its count away (n × share).
    split = suppress(
        {
            "agree": sum(1 for v in values if v >= 4),
            "neither": sum(1 for v in values if LOW < v < 4),
            "disagree": sum(1 for v in values if v <= LOW),
        }
    )
    # Nearly everyone answers every item: beside a group count hidden as "[c]", the number
    # of answers would give it away, so it is hidden too.
    answers = (
        SuppressedCount(None, COMPLEMENTARY_MARK, complementary=True)
        if group_hidden
        else SuppressedCount(n, str(n))
    )
    return ItemSummary(
        item=item,
        answers=answers,
        mean=sum(values) / n,
        agree_share=None if split["agree"].value is None else split["agree"].value / n,
        disagree_share=None if split["disagree"].value is None else split["disagree"].value / n,
    )


def _group(
    role: Role | None, checkins: Sequence[Checkin], count: SuppressedCount, min_answers: int
) -> GroupSummary:
    shown = len(checkins) >= min_answers
    if not shown:
        return GroupSummary(role, count, False, (), None)
    cleaned = [check_answers(c.answers) for c in checkins]
    items = tuple(
        _item(
            item,
            [answers[item] for answers in cleaned if item in answers],
            group_hidden=count.suppressed,
            min_answers=min_answers,
        )
        for item in ITEMS
    )
    flagged = sum(1 for answers in cleaned if any(v <= LOW for v in answers.values()))
    # Needing support or not split the group: neither side may be worked out under 5.
    needing = suppress({"needs": flagged, "does not": len(cleaned) - flagged})["needs"]
    return GroupSummary(role, count, True, items, needing)


def summarise_checkins(
    checkins: Sequence[Checkin], *, min_answers: int = THRESHOLD
) -> CheckinSummary:
    """The check-ins summarised by role and overall, with small numbers hidden.

    Pass one check-in per person (e.g. each person's latest) so that counts are of people.
    A group with fewer than ``min_answers`` check-ins is not shown; nor is an item answered
    by fewer than that many; counts of check-ins are suppressed as one table with its total.
    """
    by_role = {role: [c for c in checkins if c.role is role] for role in Role}
    table = suppress_table({role: len(group) for role, group in by_role.items()})
    return CheckinSummary(
        by_role=tuple(
            _group(role, group, table.cells[role], min_answers) for role, group in by_role.items()
        ),
        everyone=_group(None, checkins, table.total, min_answers),
    )

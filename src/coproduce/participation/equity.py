"""Who takes part against who the service serves: representation ratios with intervals.

For each group, the **representation ratio** is the group's share of the participants who
answered, divided by its share of the service population (DOMAIN.md §1.7 defines it for
Core20). The interval is the Wilson score interval for the participant share (Wilson 1927)
divided by the population share, which is treated as known: it comes from a census or the
service's own register, far larger than the participant group. A group is *under*-represented
when the whole interval lies below 1, *over*-represented when it lies above 1, otherwise *in
line* (the data cannot tell it apart from 1).

Equality data is shown only in aggregate, with counts under 5 hidden (DESIGN.md): a group's
count, share, ratio and interval are ``None`` when its count is hidden; its status is still
given. People who did not answer are left out of the shares and counted apart.

Also here: the categories for equality monitoring (ONS 2021 ethnic groups, age bands, sex,
disability) and the Index of Multiple Deprivation helpers. Pure: no Django, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from coproduce.participation.stats import percent, wilson_interval
from coproduce.participation.suppression import (
    THRESHOLD,
    SuppressedCount,
    suppress_table,
    suppress_total,
)
from coproduce.participation.validation import ParticipationInputError
from coproduce.participation.words import join_and

PREFER_NOT_TO_SAY = "Prefer not to say"

NO_ANSWER_KEYS: frozenset[str] = frozenset(
    {"", "prefer not to say", "prefer_not_to_say", "not stated", "not known", "unknown"}
)
"""Answers (compared case-insensitively) that count as no answer."""

# The England and Wales Census 2021 ethnic group classification: 19 categories under 5
# high-level groups, with the ONS output labels (dataset TS021), in ONS order.
ONS_ETHNICITY_2021: dict[str, tuple[str, ...]] = {
    "Asian, Asian British or Asian Welsh": (
        "Bangladeshi",
        "Chinese",
        "Indian",
        "Pakistani",
        "Other Asian",
    ),
    "Black, Black British, Black Welsh, Caribbean or African": (
        "African",
        "Caribbean",
        "Other Black",
    ),
    "Mixed or Multiple ethnic groups": (
        "White and Asian",
        "White and Black African",
        "White and Black Caribbean",
        "Other Mixed or Multiple ethnic groups",
    ),
    "White": (
        "English, Welsh, Scottish, Northern Irish or British",
        "Irish",
        "Gypsy or Irish Traveller",
        "Roma",
        "Other White",
    ),
    "Other ethnic group": (
        "Arab",
        "Any other ethnic group",
    ),
}

ETHNIC_GROUPS: tuple[str, ...] = tuple(ONS_ETHNICITY_2021)
"""The five high-level ONS 2021 ethnic groups."""


def ethnic_group_of(category: str) -> str:
    """The high-level ONS group of a detailed category, e.g. "Roma" → "White".

    Accepts the bare category ("Roma") or the ONS "group: category" form.
    """
    group_part, _, detail = category.rpartition(": ")
    for group, categories in ONS_ETHNICITY_2021.items():
        if detail in categories and (not group_part or group_part == group):
            return group
    raise ParticipationInputError(
        f"“{category}” is not one of the ONS 2021 ethnic group categories", "ethnicity"
    )


AGE_BANDS: tuple[str, ...] = (
    "Under 18",
    "18 to 24",
    "25 to 34",
    "35 to 44",
    "45 to 54",
    "55 to 64",
    "65 to 74",
    "75 to 84",
    "85 and over",
)

SEX: tuple[str, ...] = ("Female", "Male")
"""Sex as the 2021 Census asked it; gender identity is a separate question."""

DISABILITY: tuple[str, ...] = (
    "Yes, limited a lot",
    "Yes, limited a little",
    "No",
)
"""Whether a long-term health problem or disability limits day-to-day activities (the GSS
harmonised answer options used in the 2021 Census)."""

IMD_DECILES: tuple[int, ...] = tuple(range(1, 11))
"""Index of Multiple Deprivation deciles: 1 is the most deprived 10% of areas."""

CORE20_LABEL = "IMD deciles 1–2"
CORE20_PEOPLE = "people from the most deprived areas (IMD deciles 1–2)"


def _check_decile(decile: int) -> None:
    if isinstance(decile, bool) or not isinstance(decile, int) or not 1 <= decile <= 10:
        raise ParticipationInputError(
            f"An IMD decile is a whole number from 1 to 10 (got {decile!r})", "imd_decile"
        )


def imd_quintile(decile: int) -> int:
    """The IMD quintile (1 = most deprived 20%) of a decile: 1–2 → 1, …, 9–10 → 5."""
    _check_decile(decile)
    return (decile + 1) // 2


def is_core20(decile: int) -> bool:
    """Core20: the most deprived 20% nationally, IMD deciles 1–2 (NHS England; §1.7)."""
    return imd_quintile(decile) == 1


class EquityStatus(StrEnum):
    UNDER = "under"
    IN_LINE = "in_line"
    OVER = "over"

    @property
    def label(self) -> str:
        return {"under": "Under-represented", "in_line": "In line", "over": "Over-represented"}[
            self.value
        ]


def status_of(interval: tuple[float, float]) -> EquityStatus:
    """Under when the interval's upper bound is below 1, over when its lower bound is above."""
    low, high = interval
    if high < 1:
        return EquityStatus.UNDER
    if low > 1:
        return EquityStatus.OVER
    return EquityStatus.IN_LINE


def representation_ratio(
    participants: int, answered: int, population_share: float, *, confidence: float = 0.95
) -> tuple[float, tuple[float, float]]:
    """The ratio (participants/answered) / population_share and its interval.

    The interval is the Wilson interval of the participant share divided by the population
    share (treated as known). Example: 8 of 20 participants from a group that is 25% of the
    population: ratio 1.6, interval (0.2188/0.25, 0.6134/0.25) = (0.875, 2.454).
    """
    if not 0 < population_share <= 1:
        raise ParticipationInputError(
            f"A population share must be above 0 and at most 1 (got {population_share})",
            "population",
        )
    low, high = wilson_interval(participants, answered, confidence=confidence)
    share = participants / answered
    return share / population_share, (low / population_share, high / population_share)


@dataclass(frozen=True, slots=True)
class PopulationShare:
    """One group's share of the service population (0–1)."""

    group: str
    share: float


def normalise_population(
    population: Mapping[str, float | int] | Iterable[PopulationShare],
) -> dict[str, float]:
    """Population shares from shares or counts.

    Whole numbers are read as counts and divided by their sum. Otherwise the values are
    shares from 0 to 1, kept as given (they may cover only some groups) but refused if they
    add up to more than 1.
    """
    pairs = (
        dict(population)
        if isinstance(population, Mapping)
        else {p.group: p.share for p in population}
    )
    values = list(pairs.values())
    for group, value in pairs.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParticipationInputError(
                f"The population figure for “{group}” is not a number", "population"
            )
        if not math.isfinite(value) or value < 0:
            raise ParticipationInputError(
                f"The population figure for “{group}” must be zero or more (got {value})",
                "population",
            )
    if values and all(isinstance(v, int) for v in values):
        total = sum(values)
        if total == 0:
            raise ParticipationInputError("The population counts add up to 0", "population")
        return {group: value / total for group, value in pairs.items()}
    if any(v > 1 for v in values):
        raise ParticipationInputError(
            "Population shares must be from 0 to 1; give counts as whole numbers", "population"
        )
    if sum(values) > 1 + 1e-6:
        raise ParticipationInputError(
            f"The population shares add up to more than 1 ({sum(values):.3f})", "population"
        )
    return {group: float(value) for group, value in pairs.items()}


@dataclass(frozen=True, slots=True)
class GroupEquity:
    """One group's representation among the participants who answered.

    ``participants`` is suppressed under 5 (and where needed to protect another group); when
    it is hidden, ``participant_share``, ``ratio`` and ``interval`` are ``None`` too, but
    ``status`` is given. ``status`` is ``None`` only when nobody answered.
    """

    group: str
    participants: SuppressedCount
    participant_share: float | None
    population_share: float
    ratio: float | None
    interval: tuple[float, float] | None
    status: EquityStatus | None


@dataclass(frozen=True, slots=True)
class EquityReport:
    """Representation of every group; ``answered`` and ``no_answer`` are suppressed counts."""

    groups: tuple[GroupEquity, ...]
    answered: SuppressedCount
    no_answer: SuppressedCount
    confidence: float

    @property
    def under(self) -> tuple[GroupEquity, ...]:
        return tuple(g for g in self.groups if g.status is EquityStatus.UNDER)

    @property
    def over(self) -> tuple[GroupEquity, ...]:
        return tuple(g for g in self.groups if g.status is EquityStatus.OVER)

    def group(self, name: str) -> GroupEquity:
        for group in self.groups:
            if group.group == name:
                return group
        raise KeyError(name)


def _is_no_answer(key: str, no_answer_keys: Iterable[str]) -> bool:
    return key.strip().lower() in {k.lower() for k in no_answer_keys}


def equity_ratios(
    participant_groups: Mapping[str, int],
    population: Mapping[str, float | int] | Iterable[PopulationShare],
    *,
    confidence: float = 0.95,
    no_answer_keys: Iterable[str] = NO_ANSWER_KEYS,
) -> EquityReport:
    """Representation ratios of each population group among the participants.

    Args:
        participant_groups: number of participants per group; keys such as "Prefer not to
            say" (``no_answer_keys``) count as no answer.
        population: each group's share of the service population (0–1), or counts.
        confidence: of the intervals (0.95).

    Groups are reported in the population's order. A participant group with no population
    share is refused: it cannot be compared.
    """
    shares = normalise_population(population)
    no_answer_keys = tuple(no_answer_keys)
    counts: dict[str, int] = {}
    no_answer = 0
    for group, n in participant_groups.items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ParticipationInputError(
                f"The number of participants in “{group}” must be a whole number, 0 or more",
                "participants",
            )
        if _is_no_answer(group, no_answer_keys):
            no_answer += n
        elif n and shares.get(group, 0) == 0:
            raise ParticipationInputError(
                f"No population share is given for the group “{group}”", "population"
            )
        else:
            counts[group] = n
    groups = [g for g, share in shares.items() if share > 0 or counts.get(g, 0) > 0]
    answered = sum(counts.get(g, 0) for g in groups)
    table = suppress_table({g: counts.get(g, 0) for g in groups})
    rows = []
    for g in groups:
        n = counts.get(g, 0)
        shown = table.cells[g]
        if answered == 0:
            rows.append(GroupEquity(g, shown, None, shares[g], None, None, None))
            continue
        ratio, interval = representation_ratio(n, answered, shares[g], confidence=confidence)
        visible = not shown.suppressed
        rows.append(
            GroupEquity(
                group=g,
                participants=shown,
                participant_share=n / answered if visible else None,
                population_share=shares[g],
                ratio=ratio if visible else None,
                interval=interval if visible else None,
                status=status_of(interval),
            )
        )
    return EquityReport(
        groups=tuple(rows),
        answered=table.total,
        no_answer=suppress_total(no_answer),
        confidence=confidence,
    )


@dataclass(frozen=True, slots=True)
class Core20Result:
    """The Core20 participation equity ratio (DOMAIN.md §1.7).

    ``below_one`` is DOMAIN.md's flag: the ratio's point estimate is under 1. ``status``
    says whether the interval lies wholly below 1 (``UNDER``). Counts, share, ratio and
    interval are hidden (``None``) when either the Core20 count or the rest is under 5.
    """

    core20: SuppressedCount
    answered: SuppressedCount
    no_answer: SuppressedCount
    participant_share: float | None
    population_share: float
    ratio: float | None
    interval: tuple[float, float] | None
    status: EquityStatus | None
    below_one: bool
    confidence: float = 0.95


def core20_ratio(
    imd_deciles: Sequence[int | None],
    population_core20_share: float,
    *,
    confidence: float = 0.95,
) -> Core20Result:
    """Share of participants in IMD deciles 1–2 over the population's share in them.

    Args:
        imd_deciles: each participant's IMD decile (1 = most deprived), ``None`` if not known.
        population_core20_share: the service population's share in deciles 1–2 (0.2 for a
            population like England's as a whole).
    """
    for decile in imd_deciles:
        if decile is not None:
            _check_decile(decile)
    known = [d for d in imd_deciles if d is not None]
    k = sum(1 for d in known if is_core20(d))
    n = len(known)
    table = suppress_table({"core20": k, "other": n - k})
    if n == 0:
        return Core20Result(
            core20=table.cells["core20"],
            answered=table.total,
            no_answer=suppress_total(len(imd_deciles)),
            participant_share=None,
            population_share=population_core20_share,
            ratio=None,
            interval=None,
            status=None,
            below_one=False,
            confidence=confidence,
        )
    ratio, interval = representation_ratio(k, n, population_core20_share, confidence=confidence)
    visible = not table.cells["core20"].suppressed
    return Core20Result(
        core20=table.cells["core20"],
        answered=table.total,
        no_answer=suppress_total(len(imd_deciles) - n),
        participant_share=k / n if visible else None,
        population_share=population_core20_share,
        ratio=ratio if visible else None,
        interval=interval if visible else None,
        status=status_of(interval),
        below_one=ratio < 1,
        confidence=confidence,
    )


PEOPLE_NAMES: dict[str, str] = {
    "Asian, Asian British or Asian Welsh": "Asian, Asian British or Asian Welsh people",
    "Black, Black British, Black Welsh, Caribbean or African": (
        "Black, Black British, Black Welsh, Caribbean or African people"
    ),
    "Mixed or Multiple ethnic groups": "people from Mixed or Multiple ethnic groups",
    "White": "White people",
    "Other ethnic group": "people from other ethnic groups",
    "Under 18": "people under 18",
    "85 and over": "people aged 85 and over",
    "Female": "women",
    "Male": "men",
    "Yes, limited a lot": "people whose day-to-day activities are limited a lot by a health "
    "problem or disability",
    "Yes, limited a little": "people whose day-to-day activities are limited a little by a "
    "health problem or disability",
    "No": "people without a limiting health problem or disability",
    **{band: f"people aged {band}" for band in AGE_BANDS[1:-1]},
}
"""How a sentence names the people in each group; other groups are named by their label."""


def _detail(
    label: str,
    count: SuppressedCount,
    share: float | None,
    population_share: float,
    ratio: float | None,
    interval: tuple[float, float] | None,
    confidence: float,
) -> str:
    against = f"against {percent(population_share)} of the population"
    if count.complementary:
        return f"{label}, a number of participants not shown (to protect a smaller group) {against}"
    if share is None or ratio is None or interval is None:
        return f"{label}, fewer than {THRESHOLD} participants {against}"
    return (
        f"{label}, {percent(share)} of participants {against} (ratio {ratio:.2f}, "
        f"{percent(confidence)} interval {interval[0]:.2f} to {interval[1]:.2f})"
    )


def missing_sentence(
    report: EquityReport | None,
    *,
    core20: Core20Result | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """A plain sentence naming who is under-represented among the participants.

    It names the groups whose interval lies wholly below 1, then gives each one's figures;
    counts under 5 read "fewer than 5 participants", and counts hidden only to protect another
    group are not described. When Core20's ratio is under 1 but its
    interval reaches 1, a second sentence says so (DOMAIN.md §1.7 flags any ratio below 1).
    """
    people = {**PEOPLE_NAMES, **(names or {})}
    subjects: list[str] = []
    details: list[str] = []
    confidence = report.confidence if report is not None else core20.confidence if core20 else 0.95
    if core20 is not None and core20.status is EquityStatus.UNDER:
        subjects.append(CORE20_PEOPLE)
        details.append(
            _detail(
                CORE20_LABEL,
                core20.core20,
                core20.participant_share,
                core20.population_share,
                core20.ratio,
                core20.interval,
                confidence,
            )
        )
    for group in report.under if report is not None else ():
        subjects.append(people.get(group.group, group.group))
        details.append(
            _detail(
                group.group,
                group.participants,
                group.participant_share,
                group.population_share,
                group.ratio,
                group.interval,
                confidence,
            )
        )
    sentences: list[str] = []
    if subjects:
        text = f"{join_and(subjects)} are under-represented: {'; '.join(details)}."
        sentences.append(text[0].upper() + text[1:])
    if (
        core20 is not None
        and core20.below_one
        and core20.status is not EquityStatus.UNDER
        and core20.status is not None
    ):
        sentences.append(
            "Fewer "
            + CORE20_PEOPLE
            + " take part than their share of the population, though the gap could be "
            "chance: "
            + _detail(
                CORE20_LABEL,
                core20.core20,
                core20.participant_share,
                core20.population_share,
                core20.ratio,
                core20.interval,
                core20.confidence,
            )
            + "."
        )
    if sentences:
        return " ".join(sentences)
    groups = report.groups if report is not None else ()
    if all(g.status is None for g in groups) and (core20 is None or core20.status is None):
        return "No one has answered the equality questions yet, so no one can be named as missing."
    few = [
        r.answered
        for r in (report, core20)
        if r is not None and r.answered.shown == f"<{THRESHOLD}"
    ]
    if few:
        return (
            f"No group is under-represented beyond what chance would explain, but fewer than "
            f"{THRESHOLD} participants have answered, so little can be told yet."
        )
    return "No group is under-represented beyond what chance would explain."

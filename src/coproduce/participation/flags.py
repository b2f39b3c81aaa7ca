"""Flags: plain-English warnings about the gap between the rhetoric and reality of involvement.

Each flag has its own function, returning a :class:`Flag` or ``None``:

* :func:`consultation_labelled_coproduction`: called co-design or co-production, achieved
  consultation or below (Ocloo & Matthews 2016; "business as usual" relabelled, §0.1);
* :func:`tokenism_risk`: achieved consultation or below and no change followed (the
  ``tokenism_flag`` of DOMAIN.md §1.3, per activity in :func:`is_tokenistic`);
* :func:`decisions_without_lived_experience`: decisions with no patient or carer present;
* :func:`contributions_without_feedback`: people not told what became of what they said;
* :func:`same_few_voices`: a few patients and carers give most of the input, or fewer than 5
  take part at all (:func:`voice_concentration` holds the statistics).

Explanations never print a count of people under 5 (they say "fewer than 5"); counts of
activities, decisions and contributions are not counts of people and are printed. Pure: no
Django, no I/O.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from coproduce.participation.ladders import LIVED_EXPERIENCE, Role, Rung
from coproduce.participation.records import (
    ActivityRecord,
    ContributionRecord,
    DecisionRecord,
    Outcome,
)
from coproduce.participation.stats import percent
from coproduce.participation.suppression import THRESHOLD, SuppressedCount, suppress_total
from coproduce.participation.words import count_of

OCLOO_MATTHEWS = "Ocloo & Matthews 2016, BMJ Qual Saf 25(8):626–632"
NIGHTINGALE = "Nightingale, Leyshon, Leyshon & Walker 2016, Exeter literature review"
TLAP = "Think Local Act Personal ladder of co-production (DOMAIN.md §1.3)"
NEF = "Boyle, Slay & Stephens 2010, Public Services Inside Out (nef/NESTA)"
THOMSEN = "Thomsen 2017, Am Rev Public Adm 47(3)"


class FlagCode(StrEnum):
    CONSULTATION_LABELLED_COPRODUCTION = "consultation_labelled_coproduction"
    TOKENISM_RISK = "tokenism_risk"
    DECISIONS_WITHOUT_LIVED_EXPERIENCE = "decisions_without_lived_experience"
    CONTRIBUTIONS_WITHOUT_FEEDBACK = "contributions_without_feedback"
    SAME_FEW_VOICES = "same_few_voices"


class Severity(StrEnum):
    """How much the flag matters: a note to consider, a warning, or a serious gap."""

    NOTE = "note"
    WARNING = "warning"
    SERIOUS = "serious"


@dataclass(frozen=True, slots=True)
class Flag:
    """A warning with the figures behind it.

    ``explanation`` is one plain-English sentence with the figures; ``evidence`` lists the ids
    of the activities, decisions or contributions concerned (never people); ``source`` cites
    the literature the rule rests on.
    """

    code: FlagCode
    title: str
    explanation: str
    evidence: tuple[str, ...]
    source: str
    severity: Severity


_CALLED_COPRODUCTION = re.compile(r"\bco[\s\-‐‑–]?(?:produc|design)", re.IGNORECASE)


def is_called_coproduction(activity: ActivityRecord) -> bool:
    """Planned at co-design or above, or described as co-production or co-design.

    The description matches "co-production", "coproduction", "co production", "co-design",
    "codesign", "co-designed" and so on, in any case.
    """
    return activity.rung_planned >= Rung.CO_DESIGN or bool(
        _CALLED_COPRODUCTION.search(activity.labelled)
    )


def consultation_labelled_coproduction(activities: Sequence[ActivityRecord]) -> Flag | None:
    """Activities called co-design or co-production that reached consultation or below.

    Only assessed activities count, in the denominator as in the numerator.
    """
    called = [a for a in activities if is_called_coproduction(a) and a.rung_achieved is not None]
    short = [
        a for a in called if a.rung_achieved is not None and a.rung_achieved <= Rung.CONSULTATION
    ]
    if not short:
        return None
    return Flag(
        code=FlagCode.CONSULTATION_LABELLED_COPRODUCTION,
        title="Consultation called co-production",
        explanation=(
            f"{len(short)} of {count_of(len(called), 'activity', 'activities')} called co-design "
            "or co-production reached only consultation or below."
        ),
        evidence=tuple(a.id for a in short),
        source=f"{OCLOO_MATTHEWS}; {NIGHTINGALE}; {TLAP}",
        severity=Severity.SERIOUS,
    )


def contributions_by_activity(
    contributions: Iterable[ContributionRecord],
) -> dict[str, list[ContributionRecord]]:
    """The influence log grouped by the activity each contribution came from."""
    grouped: dict[str, list[ContributionRecord]] = defaultdict(list)
    for contribution in contributions:
        if contribution.activity_id is not None:
            grouped[contribution.activity_id].append(contribution)
    return dict(grouped)


def is_tokenistic(
    activity: ActivityRecord,
    contributions_by_activity: Mapping[str, Sequence[ContributionRecord]],
) -> bool:
    """DOMAIN.md §1.3: achieved consultation or below, and no contribution led to a change.

    An activity not yet assessed is not judged. Pending contributions have not (yet) led to a
    change, so they do not clear the flag.
    """
    if activity.rung_achieved is None or activity.rung_achieved > Rung.CONSULTATION:
        return False
    return not any(
        c.outcome is Outcome.CHANGED for c in contributions_by_activity.get(activity.id, ())
    )


def tokenism_risk(
    activities: Sequence[ActivityRecord], contributions: Sequence[ContributionRecord]
) -> Flag | None:
    """Assessed activities at consultation or below from which no change has followed."""
    grouped = contributions_by_activity(contributions)
    assessed = [a for a in activities if a.rung_achieved is not None]
    tokenistic = [a for a in assessed if is_tokenistic(a, grouped)]
    if not tokenistic:
        return None
    return Flag(
        code=FlagCode.TOKENISM_RISK,
        title="Involvement without influence",
        explanation=(
            f"{len(tokenistic)} of "
            f"{count_of(len(assessed), 'assessed activity', 'assessed activities')} "
            "reached only consultation or below and nothing people said there has led to a "
            "change yet."
        ),
        evidence=tuple(a.id for a in tokenistic),
        source=f"{OCLOO_MATTHEWS}; tokenism rule of DOMAIN.md §1.3",
        severity=Severity.WARNING,
    )


def decisions_without_lived_experience(decisions: Sequence[DecisionRecord]) -> Flag | None:
    """Decisions taken with no patient or carer present."""
    without = [d for d in decisions if not (d.present_roles & LIVED_EXPERIENCE)]
    if not without:
        return None
    return Flag(
        code=FlagCode.DECISIONS_WITHOUT_LIVED_EXPERIENCE,
        title="Decisions without patients or carers",
        explanation=(
            f"{len(without)} of {count_of(len(decisions), 'decision')} "
            f"{'was' if len(without) == 1 else 'were'} taken with no patient or carer present."
        ),
        evidence=tuple(d.id for d in without),
        source=f"{NEF} (equal and reciprocal relationship); {NIGHTINGALE} (an equal voice)",
        severity=Severity.WARNING,
    )


def contributions_without_feedback(
    contributions: Sequence[ContributionRecord], *, today: dt.date, feedback_days: int = 30
) -> Flag | None:
    """Contributions whose contributors have not been told what happened after ``feedback_days``.

    A contribution is overdue when it has no ``fed_back_on`` date and more than
    ``feedback_days`` days have passed since it was made (30 by default, a design choice).
    """
    overdue = [
        c for c in contributions if c.fed_back_on is None and (today - c.date).days > feedback_days
    ]
    if not overdue:
        return None
    oldest = max((today - c.date).days for c in overdue)
    has = "has" if len(overdue) == 1 else "have"
    return Flag(
        code=FlagCode.CONTRIBUTIONS_WITHOUT_FEEDBACK,
        title="No feedback to contributors",
        explanation=(
            f"{count_of(len(overdue), 'contribution')} {has} had no feedback after more than "
            f"{feedback_days} days; the oldest was made {oldest} days ago."
        ),
        evidence=tuple(c.id for c in sorted(overdue, key=lambda c: (c.date, c.id))),
        source=f"{OCLOO_MATTHEWS} (consultation without influence); “you said, we did”",
        severity=Severity.WARNING,
    )


@dataclass(frozen=True, slots=True)
class VoiceConcentration:
    """How evenly patients' and carers' input is spread among them.

    ``people`` counts the patients and carers who took part (suppressed under 5). With fewer
    than ``min_people`` of them the statistics are ``None`` (not shown).

    * ``top_contribution_share``: the share of their contributions given by the most active
      ``top_fraction`` of them (at least one person); ``top_hours_share`` likewise for hours.
    * ``effective_voices_contributions``: the inverse Simpson index 1/Σp² of the contribution
      shares p: n when n people give equally, 1 when one person gives everything (Simpson
      1949, Nature 163:688); ``effective_voices_hours`` likewise for hours.
    """

    people: SuppressedCount
    shown: bool
    top_fraction: float
    top_contribution_share: float | None
    top_hours_share: float | None
    effective_voices_contributions: float | None
    effective_voices_hours: float | None


def top_share(shares: Sequence[float], fraction: float) -> float:
    """The summed share of the largest ``fraction`` of people: ⌊fraction·n⌋, at least one.

    Rounding down never claims more people than the fraction names (e.g. of 9 people, the
    top 20% is 1 person).
    """
    if not shares:
        return 0.0
    k = max(1, math.floor(fraction * len(shares) + 1e-9))
    return sum(sorted(shares, reverse=True)[:k])


def effective_number(shares: Sequence[float]) -> float | None:
    """Inverse Simpson index 1/Σp² of shares summing to 1; ``None`` with no shares."""
    squares = sum(p * p for p in shares)
    return 1 / squares if squares > 0 else None


def _lived_experience_input(
    activities: Sequence[ActivityRecord], contributions: Sequence[ContributionRecord]
) -> tuple[dict[str, float], dict[str, Decimal]]:
    """Per patient or carer: contribution credit and hours in a lived-experience role.

    A contribution's credit is split equally among its contributors. Someone is a patient or
    carer if they attended in either role, or, when they attended nothing, if every role
    named on their contribution is a lived-experience role.
    """
    hours: dict[str, Decimal] = {}
    roles_seen: dict[str, set[Role]] = defaultdict(set)
    for activity in activities:
        for part in activity.attendance:
            roles_seen[part.participant_id].add(part.role)
            if part.role in LIVED_EXPERIENCE:
                hours[part.participant_id] = (
                    hours.get(part.participant_id, Decimal(0)) + part.hours_decimal
                )
    credit: dict[str, float] = dict.fromkeys(hours, 0.0)
    for contribution in contributions:
        ids = tuple(dict.fromkeys(contribution.contributor_ids))
        if not ids:
            continue
        share = 1 / len(ids)
        only_lived = bool(contribution.contributor_roles) and (
            contribution.contributor_roles <= LIVED_EXPERIENCE
        )
        for pid in ids:
            if pid in hours or (pid not in roles_seen and only_lived):
                credit[pid] = credit.get(pid, 0.0) + share
                hours.setdefault(pid, Decimal(0))
    return credit, hours


def voice_concentration(
    activities: Sequence[ActivityRecord],
    contributions: Sequence[ContributionRecord],
    *,
    min_people: int = THRESHOLD,
    top_fraction: float = 0.2,
) -> VoiceConcentration:
    """Concentration of patients' and carers' contributions and hours among them."""
    credit, hours = _lived_experience_input(activities, contributions)
    people = sorted(hours)
    n = len(people)
    shown = n >= min_people
    total_credit = sum(credit.values())
    total_hours = sum(hours.values(), Decimal(0))
    contribution_shares = (
        [credit.get(pid, 0.0) / total_credit for pid in people] if total_credit > 0 else []
    )
    hours_shares = [float(hours[pid] / total_hours) for pid in people] if total_hours > 0 else []
    return VoiceConcentration(
        people=suppress_total(n),
        shown=shown,
        top_fraction=top_fraction,
        top_contribution_share=(
            top_share(contribution_shares, top_fraction) if shown and contribution_shares else None
        ),
        top_hours_share=top_share(hours_shares, top_fraction) if shown and hours_shares else None,
        effective_voices_contributions=effective_number(contribution_shares) if shown else None,
        effective_voices_hours=effective_number(hours_shares) if shown else None,
    )


def same_few_voices(
    activities: Sequence[ActivityRecord],
    contributions: Sequence[ContributionRecord],
    *,
    min_people: int = THRESHOLD,
    top_fraction: float = 0.2,
    max_top_share: float = 0.5,
) -> Flag | None:
    """Patients' and carers' input comes from the same few people.

    Flags when fewer than ``min_people`` patients or carers took part at all, or when at least
    that many did and the most active ``top_fraction`` of them gave more than
    ``max_top_share`` of their contributions. Defaults (5, 20%, half) are design choices.
    Nothing is flagged while nothing has been recorded. Evidence is left empty: listing the
    contributions would point at the people.
    """
    if not activities and not contributions:
        return None
    stats = voice_concentration(
        activities, contributions, min_people=min_people, top_fraction=top_fraction
    )
    source = f"{OCLOO_MATTHEWS} (lack of diversity); {THOMSEN} (who co-produces is unequal)"
    if not stats.shown:
        return Flag(
            code=FlagCode.SAME_FEW_VOICES,
            title="Few patient and carer voices",
            explanation=(
                f"Fewer than {min_people} patients or carers have taken part, so their views "
                "may not stand for the people the service serves."
            ),
            evidence=(),
            source=source,
            severity=Severity.WARNING,
        )
    top = stats.top_contribution_share
    if top is None or top <= max_top_share:
        return None
    # The most active by hours need not be the most active by contributions: say so.
    hours = stats.top_hours_share
    hours_part = (
        f"; the {percent(top_fraction)} who gave the most time gave {percent(hours)} of their hours"
        if hours is not None
        else ""
    )
    effective = stats.effective_voices_contributions
    effective_part = (
        f" (effective number of voices: {effective:.1f})" if effective is not None else ""
    )
    return Flag(
        code=FlagCode.SAME_FEW_VOICES,
        title="The same few voices",
        explanation=(
            f"The most active {percent(top_fraction)} of the {stats.people.shown} patients and "
            f"carers gave {percent(top)} of their contributions{effective_part}{hours_part}."
        ),
        evidence=(),
        source=source,
        severity=Severity.WARNING,
    )


def all_flags(
    activities: Sequence[ActivityRecord],
    decisions: Sequence[DecisionRecord],
    contributions: Sequence[ContributionRecord],
    *,
    today: dt.date,
    feedback_days: int = 30,
) -> tuple[Flag, ...]:
    """Every flag that is raised, in the order of :class:`FlagCode`."""
    found = (
        consultation_labelled_coproduction(activities),
        tokenism_risk(activities, contributions),
        decisions_without_lived_experience(decisions),
        contributions_without_feedback(contributions, today=today, feedback_days=feedback_days),
        same_few_voices(activities, contributions),
    )
    return tuple(flag for flag in found if flag is not None)

"""Experience-based co-design (EBCD) and accelerated EBCD: stages, the trigger film's clock,
and the tally of priorities voted by patients and staff (DOMAIN.md §5).

Pure: no Django, no I/O. Every refusal raises :class:`EBCDInputError` with a message a person
can act on and the name of the field at fault. Messages never repeat free text beyond the
priority titles a group proposed.

Stages (DOMAIN.md §5.1; Robert et al. 2015, *BMJ* 350:g7714; the Point of Care Foundation
toolkit): standard EBCD gathers local patient narratives, usually filmed; accelerated EBCD
(Locock et al. 2014, *Health Serv Deliv Res* 2(4)) replaces local patient interviews with a
trigger film built from a national archive of narrative interviews, so patients first take part
at the patient feedback event.

Voting (design choice, ADR 0018): patients vote at the patient event and staff at the staff
event, each with dot votes on the priorities proposed; at the joint event both groups vote
again on the combined list, tallied separately and together. :func:`tally_priorities` ranks
each round, says where the groups agree (shared top priorities and a rank correlation) and
gives the joint ranking.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

__all__ = [
    "ACCELERATED_STAGES",
    "STANDARD_STAGES",
    "Agreement",
    "ChecklistProgress",
    "EBCDInputError",
    "EBCDStage",
    "EBCDVariant",
    "GroupRanking",
    "JointWeighting",
    "Narrative",
    "PriorityTally",
    "RankedPriority",
    "StageInfo",
    "VoterGroup",
    "VotingRound",
    "checklist_progress",
    "film_running_time",
    "format_timecode",
    "parse_archive",
    "parse_timecode",
    "rank_votes",
    "spearman_rho",
    "stages_for",
    "tally_priorities",
]


class EBCDInputError(ValueError):
    """Bad EBCD input: ``message`` says why, ``field`` names the field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.message = message
        self.field = field
        super().__init__(message)


# ---------------------------------------------------------------------------------------
# Stages


class EBCDVariant(StrEnum):
    """Standard EBCD (local filmed interviews) or accelerated (a national archive's films)."""

    STANDARD = "standard"
    ACCELERATED = "accelerated"


class EBCDStage(StrEnum):
    """The stages of EBCD, in order (DOMAIN.md §5.1)."""

    SET_UP = "set_up"
    STAFF_EXPERIENCE = "staff_experience"
    PATIENT_EXPERIENCE = "patient_experience"
    FILM_EDIT = "film_edit"
    STAFF_FEEDBACK_EVENT = "staff_feedback_event"
    PATIENT_FEEDBACK_EVENT = "patient_feedback_event"
    JOINT_EVENT = "joint_event"
    CO_DESIGN_GROUPS = "co_design_groups"
    CELEBRATION_REVIEW = "celebration_review"
    SUSTAIN_SPREAD = "sustain_spread"


@dataclass(frozen=True, slots=True)
class StageInfo:
    """One stage of the checklist: what it is called, what it does and what it produces."""

    stage: EBCDStage
    title: str
    summary: str
    outputs: tuple[str, ...]


STANDARD_STAGES: tuple[StageInfo, ...] = (
    StageInfo(
        EBCDStage.SET_UP,
        "Set up the project",
        "Form a steering group, agree the pathway in scope and make the case for the project.",
        ("steering group", "scope (pathway)", "case for the project", "costs"),
    ),
    StageInfo(
        EBCDStage.STAFF_EXPERIENCE,
        "Gather staff experience",
        "Observe the service (non-participant observation) and interview staff.",
        ("observation notes", "staff interviews"),
    ),
    StageInfo(
        EBCDStage.PATIENT_EXPERIENCE,
        "Gather patient experience",
        "Narrative interviews with patients and carers, usually filmed, with consent.",
        ("filmed narrative interviews", "touchpoints", "consent records"),
    ),
    StageInfo(
        EBCDStage.FILM_EDIT,
        "Edit the trigger film",
        "A short film of patients' clips ordered along the pathway, balancing positive and "
        "negative moments, with each teller's consent to their clips.",
        ("trigger film running order", "consent to each clip"),
    ),
    StageInfo(
        EBCDStage.STAFF_FEEDBACK_EVENT,
        "Staff feedback event",
        "Staff review what was found and choose their priorities.",
        ("staff priorities", "staff votes"),
    ),
    StageInfo(
        EBCDStage.PATIENT_FEEDBACK_EVENT,
        "Patient feedback event",
        "Patients meet as a group, watch the film, map emotions on touchpoints and choose "
        "their priorities.",
        ("emotional mapping", "patient priorities", "patient votes"),
    ),
    StageInfo(
        EBCDStage.JOINT_EVENT,
        "Joint patient and staff event",
        "Patients and staff together watch the film, agree shared priorities and form "
        "co-design groups.",
        ("shared priorities", "joint votes", "co-design groups formed"),
    ),
    StageInfo(
        EBCDStage.CO_DESIGN_GROUPS,
        "Co-design groups",
        "Small patient and staff groups, one per priority, meet regularly: focus, actions, "
        "who and when.",
        ("actions with owners and dates", "change ideas"),
    ),
    StageInfo(
        EBCDStage.CELEBRATION_REVIEW,
        "Celebration and review",
        "An informal event some 6 to 9 months after the joint event: what changed, thanks, "
        "what next.",
        ("what changed", "what next"),
    ),
    StageInfo(
        EBCDStage.SUSTAIN_SPREAD,
        "Sustain and spread",
        "Check later that improvements last, and align them with the organisation's drivers.",
        ("sustainability check", "spread plan"),
    ),
)
"""Standard EBCD, in order (DOMAIN.md §5.1)."""

_ACCELERATED_CHANGES: dict[EBCDStage, StageInfo] = {
    EBCDStage.FILM_EDIT: StageInfo(
        EBCDStage.FILM_EDIT,
        "Trigger film from the national archive",
        "Build the trigger film from an archive of narrative interviews instead of local "
        "filming; surface touchpoints and themes from the archive.",
        ("archive narratives imported", "touchpoints and themes", "trigger film running order"),
    ),
    EBCDStage.PATIENT_FEEDBACK_EVENT: StageInfo(
        EBCDStage.PATIENT_FEEDBACK_EVENT,
        "Patient feedback event",
        "Patients first take part here: they watch the archive film, map emotions on "
        "touchpoints, add local detail and choose their priorities.",
        ("emotional mapping", "local detail", "patient priorities", "patient votes"),
    ),
}

ACCELERATED_STAGES: tuple[StageInfo, ...] = tuple(
    _ACCELERATED_CHANGES.get(info.stage, info)
    for info in STANDARD_STAGES
    if info.stage is not EBCDStage.PATIENT_EXPERIENCE
)
"""Accelerated EBCD (Locock et al. 2014): no local patient interviews; the trigger film comes
from a national archive and patients join at the patient feedback event."""


def stages_for(variant: EBCDVariant | str) -> tuple[StageInfo, ...]:
    """The checklist of stages for a variant, in order."""
    return STANDARD_STAGES if _variant(variant) is EBCDVariant.STANDARD else ACCELERATED_STAGES


def _variant(variant: EBCDVariant | str) -> EBCDVariant:
    try:
        return EBCDVariant(variant)
    except ValueError:
        raise EBCDInputError(
            f"“{variant}” is not an EBCD variant: choose standard or accelerated", "variant"
        ) from None


@dataclass(frozen=True, slots=True)
class ChecklistProgress:
    """How far a project has got through its stages.

    ``done`` and ``total`` count stages; ``next_stage`` is the first stage in order that is
    not done (None when all are).
    """

    done: int
    total: int
    next_stage: StageInfo | None

    @property
    def fraction(self) -> float:
        return self.done / self.total

    @property
    def percent(self) -> int:
        """Whole percent, rounded down so that 100 means every stage is done."""
        return (100 * self.done) // self.total


def checklist_progress(
    variant: EBCDVariant | str, done: Iterable[EBCDStage | str]
) -> ChecklistProgress:
    """Progress through the variant's stages, given the stages marked done.

    Raises:
        EBCDInputError: a stage is unknown, or not part of this variant (accelerated EBCD
            has no local patient interviews).
    """
    stages = stages_for(variant)
    wanted = {info.stage for info in stages}
    marked: set[EBCDStage] = set()
    for value in done:
        try:
            stage = EBCDStage(value)
        except ValueError:
            raise EBCDInputError(f"“{value}” is not an EBCD stage", "stage") from None
        if stage not in wanted:
            raise EBCDInputError(
                f"The stage “{stage.value}” is not part of {_variant(variant).value} EBCD",
                "stage",
            )
        marked.add(stage)
    following = next((info for info in stages if info.stage not in marked), None)
    return ChecklistProgress(done=len(marked), total=len(stages), next_stage=following)


# ---------------------------------------------------------------------------------------
# The trigger film's clock

_TIMECODE = re.compile(r"^(?:(\d{1,3}):)?(\d{1,3}):(\d{2})$")


def parse_timecode(text: str, *, field: str = "time") -> int:
    """Seconds from ``mm:ss`` or ``hh:mm:ss``.

    In ``hh:mm:ss`` the minutes are 0–59; seconds are always 0–59.

    Raises:
        EBCDInputError: the text is not a time in one of those forms.
    """
    match = _TIMECODE.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise EBCDInputError(
            f"Enter a time as mm:ss or hh:mm:ss, for example 02:30, not “{text}”", field
        )
    hours_text, minutes_text, seconds_text = match.groups()
    hours = int(hours_text) if hours_text is not None else 0
    minutes, seconds = int(minutes_text), int(seconds_text)
    if seconds >= 60:
        raise EBCDInputError(f"Seconds must be 00 to 59 in “{text}”", field)
    if hours_text is not None and minutes >= 60:
        raise EBCDInputError(f"Minutes must be 00 to 59 in “{text}”", field)
    return hours * 3600 + minutes * 60 + seconds


def format_timecode(seconds: int) -> str:
    """``mm:ss`` below an hour, ``h:mm:ss`` from an hour."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise EBCDInputError(f"A time must be a whole number of seconds ≥ 0, not {seconds!r}")
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def film_running_time(clips: Iterable[tuple[int, int]]) -> int:
    """Total seconds of a film made of ``(start, end)`` clips, played one after another.

    Raises:
        EBCDInputError: a clip does not start before it ends, or starts before 0.
    """
    total = 0
    for number, (start, end) in enumerate(clips, start=1):
        if start < 0 or end <= start:
            raise EBCDInputError(f"Clip {number}: the start must be before the end", "clips")
        total += end - start
    return total


# ---------------------------------------------------------------------------------------
# Priorities: dot votes by patients and staff, separately then together


class VoterGroup(StrEnum):
    PATIENTS = "patients"
    STAFF = "staff"


class VotingRound(StrEnum):
    """Where the votes were cast: each group at its own event, or both at the joint event."""

    SEPARATE = "separate"
    JOINT = "joint"


class JointWeighting(StrEnum):
    """How the joint ranking adds the two groups' joint-event votes.

    ``VOTES``: every dot counts the same, as when the dots are counted in the room.
    ``EQUAL_GROUPS``: each group's votes are first turned into shares of that group's total,
    so a larger group of staff cannot outvote a smaller group of patients.
    """

    VOTES = "votes"
    EQUAL_GROUPS = "equal_groups"


@dataclass(frozen=True, slots=True)
class RankedPriority:
    """One priority in a ranking.

    ``rank`` is the competition rank (1, 2, 2, 4: tied priorities share the better rank);
    ``score`` is the number of votes, or for an equal-groups joint ranking the sum of the two
    groups' shares; ``share`` is the score as a fraction of all scores in the ranking.
    """

    priority: str
    score: float
    rank: int
    share: float


@dataclass(frozen=True, slots=True)
class GroupRanking:
    """One group's (or both groups') ranking in one round."""

    group: VoterGroup | None
    round: VotingRound
    ranked: tuple[RankedPriority, ...]
    total: float

    def top(self, k: int) -> tuple[str, ...]:
        """Priorities ranked k or better that got any votes (ties at the boundary included)."""
        return tuple(item.priority for item in self.ranked if item.rank <= k and item.score > 0)

    def score_of(self, priority: str) -> float:
        for item in self.ranked:
            if item.priority == priority:
                return item.score
        raise KeyError(priority)


@dataclass(frozen=True, slots=True)
class Agreement:
    """Where patients' and staff's rankings agree.

    ``shared_top``: priorities in both groups' top k; ``patients_only``/``staff_only``: in one
    group's top k but not the other's. ``overlap`` is |shared| / |either| (Jaccard), 1 when
    the two top-k lists are the same and 0 when they have nothing in common; None when
    neither group voted. ``rank_correlation`` is Spearman's rho over every priority
    (ties get average ranks): +1 same order, 0 unrelated, −1 opposite order; None when it is
    undefined (fewer than two priorities, or a group gave every priority the same votes).
    """

    top_k: int
    shared_top: tuple[str, ...]
    patients_only: tuple[str, ...]
    staff_only: tuple[str, ...]
    overlap: float | None
    rank_correlation: float | None

    @property
    def explanation(self) -> str:
        """A plain-English sentence for a results page."""
        parts = [f"{len(self.shared_top)} of the priorities are in both groups' top {self.top_k}."]
        rho = self.rank_correlation
        if rho is None:
            parts.append("The rank correlation cannot be worked out from these votes.")
        else:
            if rho >= 0.7:
                words = "ranked the priorities in much the same order"
            elif rho >= 0.3:
                words = "ranked the priorities in a broadly similar order"
            elif rho > -0.3:
                words = "ranked the priorities quite differently"
            else:
                words = "ranked the priorities in nearly opposite orders"
            parts.append(f"Rank correlation {rho:+.2f}: the groups {words}.")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class PriorityTally:
    """The whole result: each group's separate ranking, their agreement, and the joint event.

    ``joint_by_group`` holds the two groups' joint-event rankings (empty when there were no
    joint votes); ``joint`` adds them (None when there were no joint votes);
    ``joint_agreement`` compares the groups at the joint event.
    """

    priorities: tuple[str, ...]
    separate: tuple[GroupRanking, ...]
    agreement: Agreement
    joint_by_group: tuple[GroupRanking, ...]
    joint: GroupRanking | None
    joint_agreement: Agreement | None
    weighting: JointWeighting

    def separate_for(self, group: VoterGroup) -> GroupRanking:
        return next(r for r in self.separate if r.group is group)

    def joint_for(self, group: VoterGroup) -> GroupRanking | None:
        return next((r for r in self.joint_by_group if r.group is group), None)


def rank_votes(
    priorities: Sequence[str],
    scores: Mapping[str, int | Fraction],
    *,
    group: VoterGroup | None = None,
    round: VotingRound = VotingRound.SEPARATE,
) -> GroupRanking:
    """Rank priorities by score, highest first.

    Ties share the better competition rank (1, 2, 2, 4), and tied priorities are listed in
    the order they were proposed (``priorities``), so the result never depends on dict order.
    Priorities missing from ``scores`` score 0. Scores are compared exactly (whole votes or
    fractions), so floating-point rounding cannot split or create a tie.
    """
    order = {name: index for index, name in enumerate(priorities)}
    values = [(name, Fraction(scores.get(name, 0))) for name in priorities]
    values.sort(key=lambda item: (-item[1], order[item[0]]))
    total = sum((score for _, score in values), Fraction(0))
    ranked: list[RankedPriority] = []
    previous: Fraction | None = None
    rank = 0
    for position, (name, score) in enumerate(values, start=1):
        if previous is None or score != previous:
            rank = position
            previous = score
        share = float(score / total) if total else 0.0
        ranked.append(RankedPriority(name, float(score), rank, share))
    return GroupRanking(group=group, round=round, ranked=tuple(ranked), total=float(total))


def _average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, highest value first; ties get the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        mean = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = mean
        i = j + 1
    return ranks


def spearman_rho(a: Sequence[float], b: Sequence[float]) -> float | None:
    """Spearman's rank correlation (Pearson's r of the average ranks; Spearman 1904).

    Returns None when undefined: fewer than two values, or either side all tied.
    """
    if len(a) != len(b):
        raise EBCDInputError("The two lists of scores must be the same length")
    if len(a) < 2:
        return None
    ra, rb = _average_ranks(a), _average_ranks(b)
    ma, mb = math.fsum(ra) / len(ra), math.fsum(rb) / len(rb)
    cov = math.fsum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = math.fsum((x - ma) ** 2 for x in ra)
    vb = math.fsum((y - mb) ** 2 for y in rb)
    if va == 0 or vb == 0:
        return None
    rho = cov / math.sqrt(va * vb)
    return max(-1.0, min(1.0, rho))


def _agreement(
    patients: GroupRanking, staff: GroupRanking, priorities: Sequence[str], k: int
) -> Agreement:
    top_p, top_s = patients.top(k), staff.top(k)
    shared = tuple(p for p in priorities if p in top_p and p in top_s)
    either = {*top_p, *top_s}
    return Agreement(
        top_k=k,
        shared_top=shared,
        patients_only=tuple(p for p in priorities if p in top_p and p not in top_s),
        staff_only=tuple(p for p in priorities if p in top_s and p not in top_p),
        overlap=len(shared) / len(either) if either else None,
        rank_correlation=spearman_rho(
            [patients.score_of(p) for p in priorities], [staff.score_of(p) for p in priorities]
        ),
    )


def _check_priorities(priorities: Sequence[str]) -> tuple[str, ...]:
    if isinstance(priorities, str):
        raise EBCDInputError("Give the priorities as a list of titles", "priorities")
    names = tuple(priorities)
    if not names:
        raise EBCDInputError("Propose at least one priority before tallying votes", "priorities")
    seen: set[str] = set()
    for number, name in enumerate(names, start=1):
        if not isinstance(name, str) or not name.strip():
            raise EBCDInputError(f"Priority {number} has no title", "priorities")
        key = name.strip().casefold()
        if key in seen:
            raise EBCDInputError(f"Priority {number} repeats the title “{name}”", "priorities")
        seen.add(key)
    return names


def _check_votes(
    votes: Mapping[VoterGroup | str, Mapping[str, int]],
    priorities: tuple[str, ...],
    *,
    round: VotingRound,
) -> dict[VoterGroup, dict[str, int]]:
    known = set(priorities)
    checked: dict[VoterGroup, dict[str, int]] = {}
    for group_value, counts in votes.items():
        try:
            group = VoterGroup(group_value)
        except ValueError:
            raise EBCDInputError(
                f"“{group_value}” is not a voting group: use patients or staff", f"{round}_votes"
            ) from None
        if group in checked:
            raise EBCDInputError(f"The {group} votes are given twice", f"{round}_votes")
        field = f"{round}_votes.{group.value}"
        row: dict[str, int] = {}
        for name, count in counts.items():
            if name not in known:
                raise EBCDInputError(
                    f"{group.value.capitalize()} voted for “{name}”, which is not one of the "
                    "proposed priorities",
                    field,
                )
            if isinstance(count, bool) or not isinstance(count, int):
                raise EBCDInputError(
                    f"{group.value.capitalize()}' votes for “{name}” must be a whole number",
                    field,
                )
            if count < 0:
                raise EBCDInputError(
                    f"{group.value.capitalize()}' votes for “{name}” cannot be negative", field
                )
            row[name] = count
        checked[group] = row
    return checked


def tally_priorities(
    priorities: Sequence[str],
    separate: Mapping[VoterGroup | str, Mapping[str, int]],
    joint: Mapping[VoterGroup | str, Mapping[str, int]] | None = None,
    *,
    top_k: int = 3,
    weighting: JointWeighting | str = JointWeighting.VOTES,
) -> PriorityTally:
    """Tally dot votes on priorities: patients and staff separately, then together.

    Args:
        priorities: the proposed priorities' titles, in the order proposed (this order breaks
            ties in every listing).
        separate: each group's votes at its own event: ``{"patients": {title: votes}, "staff":
            {...}}``. A group or priority left out counts as no votes.
        joint: votes at the joint event, recorded per group in the same shape; None or empty
            when the joint event has not voted yet.
        top_k: how many top priorities to compare between the groups.
        weighting: how the joint ranking adds the groups (:class:`JointWeighting`).

    Raises:
        EBCDInputError: no priorities, a repeated or empty title, a vote for a priority not
            proposed, a negative or fractional count, an unknown group, or a bad ``top_k``.
    """
    names = _check_priorities(priorities)
    if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
        raise EBCDInputError("Compare at least the top 1 priority (top_k ≥ 1)", "top_k")
    try:
        how = JointWeighting(weighting)
    except ValueError:
        raise EBCDInputError(
            f"“{weighting}” is not a weighting: use votes or equal_groups", "weighting"
        ) from None
    sep = _check_votes(separate, names, round=VotingRound.SEPARATE)
    together = _check_votes(joint or {}, names, round=VotingRound.JOINT)

    separate_rankings = tuple(
        rank_votes(names, sep.get(group, {}), group=group, round=VotingRound.SEPARATE)
        for group in VoterGroup
    )
    agreement = _agreement(separate_rankings[0], separate_rankings[1], names, top_k)

    joint_by_group: tuple[GroupRanking, ...] = ()
    joint_ranking: GroupRanking | None = None
    joint_agreement: Agreement | None = None
    if any(sum(counts.values()) for counts in together.values()):
        joint_by_group = tuple(
            rank_votes(names, together.get(group, {}), group=group, round=VotingRound.JOINT)
            for group in VoterGroup
        )
        combined: dict[str, Fraction] = {name: Fraction(0) for name in names}
        for group in VoterGroup:
            counts = together.get(group, {})
            group_total = sum(counts.values())
            for name, count in counts.items():
                if how is JointWeighting.EQUAL_GROUPS:
                    combined[name] += Fraction(count, group_total) if group_total else Fraction(0)
                else:
                    combined[name] += count
        joint_ranking = rank_votes(names, combined, group=None, round=VotingRound.JOINT)
        joint_agreement = _agreement(joint_by_group[0], joint_by_group[1], names, top_k)
    return PriorityTally(
        priorities=names,
        separate=separate_rankings,
        agreement=agreement,
        joint_by_group=joint_by_group,
        joint=joint_ranking,
        joint_agreement=joint_agreement,
        weighting=how,
    )


# ---------------------------------------------------------------------------------------
# Accelerated EBCD: an archive of narratives

ARCHIVE_MAX_TEXT = 100_000
"""The longest narrative accepted, in characters (a long interview transcript)."""


@dataclass(frozen=True, slots=True)
class Narrative:
    """One narrative from an archive (Locock et al. 2014: a national archive of narrative
    interviews): its id in the archive, a title, the text, and touchpoint hints."""

    id: str
    title: str
    text: str
    touchpoints: tuple[str, ...]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise EBCDInputError("The file is not UTF-8 or Windows-1252 text", "file") from None


def _hints(value: object, row: int) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        parts = [part.strip() for part in re.split(r"[;|]", value)]
    elif isinstance(value, list) and all(isinstance(part, str) for part in value):
        parts = [part.strip() for part in value]
    else:
        raise EBCDInputError(
            f"Narrative {row}: touchpoints must be text separated by ; or a list of text",
            "touchpoints",
        )
    return tuple(dict.fromkeys(part for part in parts if part))


def parse_archive(data: bytes, *, filename: str) -> tuple[Narrative, ...]:
    """Read an archive of narratives from JSON or CSV.

    JSON: a list of objects (or ``{"narratives": [...]}``) with ``id``, ``title``, ``text`` and
    optional ``touchpoints`` (a list, or text separated by ``;``). CSV: the same columns,
    with a header row. UTF-8 (with or without BOM) or Windows-1252. All or nothing: the first
    bad narrative stops the import.

    Raises:
        EBCDInputError: the file cannot be read, a column is missing, or a narrative has no
            id or text, repeats an id, or is too long. Messages name the narrative by its
            number (from 1) and never quote its text.
    """
    name = filename.lower()
    text = _decode(data)
    records: list[Mapping[str, object]]
    if name.endswith(".json"):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as error:
            raise EBCDInputError(
                f"The file is not valid JSON (line {error.lineno})", "file"
            ) from None
        if isinstance(loaded, dict):
            loaded = loaded.get("narratives")
        if not isinstance(loaded, list) or not all(isinstance(r, dict) for r in loaded):
            raise EBCDInputError(
                "The JSON must be a list of narratives, each with id, title and text", "file"
            )
        records = loaded
    elif name.endswith(".csv"):
        reader = csv.DictReader(io.StringIO(text))
        header = {(column or "").strip().lower() for column in reader.fieldnames or []}
        missing = [column for column in ("id", "text") if column not in header]
        if missing:
            raise EBCDInputError(
                f"The CSV has no {' or '.join(missing)} column: it needs id, title, text and "
                "optionally touchpoints",
                "file",
            )
        records = [
            {(key or "").strip().lower(): value for key, value in row.items()} for row in reader
        ]
    else:
        raise EBCDInputError("Choose a .json or .csv file of narratives", "file")
    if not records:
        raise EBCDInputError("The file has no narratives", "file")
    narratives: list[Narrative] = []
    seen: set[str] = set()
    for number, record in enumerate(records, start=1):
        raw_id = record.get("id")
        ident = str(raw_id).strip() if raw_id is not None else ""
        if not ident:
            raise EBCDInputError(f"Narrative {number} has no id", "id")
        if ident in seen:
            raise EBCDInputError(f"Narrative {number} repeats the id {ident[:40]}", "id")
        seen.add(ident)
        body = record.get("text")
        if not isinstance(body, str) or not body.strip():
            raise EBCDInputError(f"Narrative {number} (id {ident[:40]}) has no text", "text")
        if len(body) > ARCHIVE_MAX_TEXT:
            raise EBCDInputError(
                f"Narrative {number} (id {ident[:40]}) is longer than "
                f"{ARCHIVE_MAX_TEXT:,} characters",
                "text",
            )
        title = record.get("title")
        narratives.append(
            Narrative(
                id=ident[:100],
                title=(title.strip() if isinstance(title, str) else "")[:200],
                text=body.strip(),
                touchpoints=_hints(record.get("touchpoints"), number),
            )
        )
    return tuple(narratives)

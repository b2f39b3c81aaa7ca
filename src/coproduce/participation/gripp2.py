"""A draft GRIPP2 short-form report of patient and public involvement (DOMAIN.md §1.8).

GRIPP2-SF (Staniszewska et al. 2017, Res Involv Engagem 3:13; BMJ 358:j3453) has five items:
aim, methods, results, discussion (influence) and reflections. :func:`draft_report` prefills
methods, results and influence from the records (who took part, with counts under 5
suppressed; how; which rungs were planned and reached; what changed and what did not; the
flags raised), and leaves the aim and the reflections to the team's own words. A report with
any item blank is not complete and says so (a design choice of DOMAIN.md §1.8).

Text is plain; the web layer renders it to HTML and PDF. Pure: no Django, no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from coproduce.participation.ladders import ActivityKind, Role, Rung, ServicePhase
from coproduce.participation.profile import Profile
from coproduce.participation.records import ActivityRecord, ContributionRecord, Outcome
from coproduce.participation.stats import Proportion, percent
from coproduce.participation.suppression import SUPPRESSION_NOTE
from coproduce.participation.words import count_of, join_and

SOURCE = "Staniszewska et al. 2017, Res Involv Engagem 3:13 (GRIPP2-SF)"


class Gripp2Key(StrEnum):
    PPI_AIM = "ppi_aim"
    PPI_METHODS = "ppi_methods"
    PPI_RESULTS = "ppi_results"
    PPI_INFLUENCE = "ppi_influence"
    PPI_REFLECTION = "ppi_reflection"


# (number, section, prompt), prompts paraphrasing GRIPP2-SF Table 2.
_ITEMS: dict[Gripp2Key, tuple[int, str, str]] = {
    Gripp2Key.PPI_AIM: (1, "Aim", "State the aim of patient and public involvement."),
    Gripp2Key.PPI_METHODS: (
        2,
        "Methods",
        "Describe clearly how patients, carers and the public were involved.",
    ),
    Gripp2Key.PPI_RESULTS: (
        3,
        "Results",
        "Report what came of the involvement, positive and negative.",
    ),
    Gripp2Key.PPI_INFLUENCE: (
        4,
        "Discussion and conclusions",
        "How far did involvement influence the work overall? Give positive and negative effects.",
    ),
    Gripp2Key.PPI_REFLECTION: (
        5,
        "Reflections and critical perspective",
        "Reflect critically on what went well and what did not, so that others can learn.",
    ),
}


@dataclass(frozen=True, slots=True)
class Gripp2Item:
    """One GRIPP2-SF item: its number, section, prompt, text, and where it is reported."""

    key: Gripp2Key
    number: int
    section: str
    prompt: str
    text: str
    reported_on_page: str = ""

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True, slots=True)
class Gripp2Report:
    """The five items in order. ``complete`` is False while any item is blank."""

    project_title: str
    items: tuple[Gripp2Item, ...]

    @property
    def missing(self) -> tuple[Gripp2Key, ...]:
        return tuple(item.key for item in self.items if item.blank)

    @property
    def complete(self) -> bool:
        return not self.missing

    def item(self, key: Gripp2Key | str) -> Gripp2Item:
        wanted = Gripp2Key(key)
        return next(item for item in self.items if item.key is wanted)

    def to_text(self) -> str:
        """The report as plain text, with a line saying if it is not complete."""
        lines = [f"GRIPP2 short form: {self.project_title}", ""]
        if not self.complete:
            lines += [
                "Not complete: still to write: "
                + ", ".join(self.item(key).section for key in self.missing)
                + ".",
                "",
            ]
        for item in self.items:
            page = f" (page {item.reported_on_page})" if item.reported_on_page.strip() else ""
            lines += [f"{item.number}. {item.section}{page}", item.text.strip() or "-", ""]
        lines.append(f"Source: {SOURCE}.")
        return "\n".join(lines)


def _kind_phrase(kind: ActivityKind, n: int) -> str:
    singular = {
        ActivityKind.CO_DESIGN_GROUP: "co-design group session",
        ActivityKind.PDSA_TEST: "PDSA test",
        ActivityKind.OTHER: "other activity",
    }.get(kind, kind.label.lower())
    return count_of(n, singular, kind.plural)


def _rung_counts(rungs: Sequence[Rung]) -> str:
    counts = Counter(rungs)
    return join_and([f"{counts[r]} at {r.label.lower()}" for r in sorted(counts, reverse=True)])


def draft_methods(profile: Profile, activities: Sequence[ActivityRecord]) -> str:
    """Who took part (suppressed counts by role), how, and which rungs, planned and reached."""
    if not activities:
        return ""
    people = join_and([f"{profile.people[role].shown} {role.plural}" for role in Role])
    kinds = Counter(a.kind for a in activities)
    how = join_and([_kind_phrase(kind, kinds[kind]) for kind in ActivityKind if kinds[kind]])
    phases = join_and([p.value for p in ServicePhase if any(a.phase is p for a in activities)])
    planned = _rung_counts([a.rung_planned for a in activities])
    assessed = [a.rung_achieved for a in activities if a.rung_achieved is not None]
    reached = _rung_counts(assessed) if assessed else "none assessed yet"
    unassessed = len(activities) - len(assessed)
    waiting = f"; {unassessed} not yet assessed" if assessed and unassessed else ""
    return (
        f"Who took part: {profile.people_total.shown} people ({people}). {SUPPRESSION_NOTE}\n"
        f"How: {how} ({count_of(len(activities), 'activity', 'activities')}, "
        f"{profile.hours.total} hours in all), in the {phases} "
        f"{'phase' if ' and ' not in phases else 'phases'} of the service.\n"
        f"Depth of involvement (ladder of co-production): planned {planned}; "
        f"reached {reached}{waiting}."
    )


def draft_results(profile: Profile, contributions: Sequence[ContributionRecord]) -> str:
    """What the influence log shows, positive and negative, with contribution references."""
    if not contributions:
        return ""
    found = profile.influence
    changed = [c.id for c in contributions if c.outcome is Outcome.CHANGED]
    declined = [c for c in contributions if c.outcome is Outcome.NOT_TAKEN_FORWARD]
    lines = [
        f"Positive: {found.changed} of "
        f"{count_of(found.total, 'contribution', 'contributions')} led to a change"
        + (f" (references: {', '.join(changed)})." if changed else ".")
    ]
    negative = (
        f"Negative: {found.not_taken_forward} "
        f"{'was' if found.not_taken_forward == 1 else 'were'} not taken forward"
    )
    if declined:
        negative += (
            f", {found.not_taken_forward_with_reason} of them with a reason recorded "
            f"(references: {', '.join(c.id for c in declined)})"
        )
    negative += f"; {found.pending} {'is' if found.pending == 1 else 'are'} still pending."
    lines.append(negative)
    return "\n".join(lines)


def _share(p: Proportion | None) -> str:
    if p is None:
        return ""
    return (
        f"{p.successes} ({percent(p.estimate)}, {percent(p.confidence)} interval "
        f"{percent(p.low)} to {percent(p.high)})"
    )


def draft_influence(profile: Profile) -> str:
    """How far involvement influenced the work: shares with intervals, rung gaps, flags."""
    found = profile.influence
    if found.total == 0:
        return ""
    lines = [
        f"Of {count_of(found.total, 'contribution', 'contributions')}, "
        f"{_share(found.changed_share)} led to a change and {_share(found.responded_share)} "
        "had a recorded response (a change, or a reason for not taking it forward)."
    ]
    gaps = profile.planned_vs_achieved
    assessed = gaps.below + gaps.equal + gaps.above
    if assessed and gaps.mean_gap is not None:
        lines.append(
            f"{gaps.equal + gaps.above} of "
            f"{count_of(assessed, 'assessed activity', 'assessed activities')} "
            f"reached the rung planned or higher; {gaps.below} fell short "
            f"(mean gap {gaps.mean_gap:+.2f} rungs)."
        )
    if profile.flags:
        lines.append(
            "Flags raised: "
            + " ".join(f"{flag.title}: {flag.explanation}" for flag in profile.flags)
        )
    else:
        lines.append("No flags were raised.")
    return "\n".join(lines)


def draft_report(
    *,
    project_title: str,
    ppi_aim_text: str,
    profile: Profile,
    activities: Sequence[ActivityRecord],
    contributions: Sequence[ContributionRecord],
    reflections_text: str,
    edits: Mapping[str, str] | None = None,
    pages: Mapping[str, str] | None = None,
) -> Gripp2Report:
    """A GRIPP2-SF report: the team's aim and reflections, the rest drafted from the records.

    Args:
        edits: text the team wrote in place of a draft, by item key (``"ppi_methods"`` …);
            it wins over the draft, even when blank.
        pages: where each item is reported, by item key.
    """
    texts = {
        Gripp2Key.PPI_AIM: ppi_aim_text,
        Gripp2Key.PPI_METHODS: draft_methods(profile, activities),
        Gripp2Key.PPI_RESULTS: draft_results(profile, contributions),
        Gripp2Key.PPI_INFLUENCE: draft_influence(profile),
        Gripp2Key.PPI_REFLECTION: reflections_text,
    }
    for key, text in (edits or {}).items():
        texts[Gripp2Key(key)] = text
    items = []
    for key, (number, section, prompt) in _ITEMS.items():
        item = Gripp2Item(key, number, section, prompt, texts[key])
        page = (pages or {}).get(key.value)
        items.append(replace(item, reported_on_page=page) if page else item)
    return Gripp2Report(project_title, tuple(items))

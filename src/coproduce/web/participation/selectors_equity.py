"""Reads for equity of involvement: the population a project serves, and who takes part
against it.

The population is entered by facilitators, one dimension at a time (deprivation, ethnic
group, age, sex, disability, the organisation's PLUS groups). The participants' side comes
only as counts, from ``selectors_people.equality_counts`` and, for PLUS groups, from one
aggregate query here: no equality record is ever read out. Everything shown goes through the
core (``coproduce.participation.equity``), which hides counts under 5.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from coproduce.participation import equity as core_equity
from coproduce.participation import suppression as core_suppression
from coproduce.participation.stats import percent
from coproduce.participation.validation import ParticipationInputError

from . import selectors_people
from .models import EqualityRecord, PopulationGroup

if TYPE_CHECKING:
    import datetime

    from coproduce.web.projects.models import Organisation, Project


# -- the dimensions -------------------------------------------------------------------------

IMD_DECILE = "imd_decile"
IMD_QUINTILE = "imd_quintile"
ETHNICITY = "ethnicity"
ETHNICITY_DETAILED = "ethnicity_detailed"
AGE_BAND = "age_band"
SEX = "sex"
DISABILITY = "disability"
PLUS_GROUPS = "plus_groups"

#: Shares of a dimension whose groups cover everyone must add up to 1, give or take this.
ABOUT_ONE = Decimal("0.02")


@dataclass(frozen=True)
class Dimension:
    """One way of dividing the population, and the groups it may have.

    ``groups`` are the stored names, in order; ``labels`` how the page shows them.
    ``exhaustive``: the groups cover everyone once, so shares add up to 1 and counts are
    shares of their sum. PLUS groups are not exhaustive: a person may be in several or none,
    so each is given as its own share of the population (0 to 1).
    """

    key: str
    title: str
    groups: tuple[str, ...]
    labels: tuple[str, ...]
    exhaustive: bool
    hint: str

    def label_of(self, group: str) -> str:
        return self.labels[self.groups.index(group)] if group in self.groups else group


def _decile_label(decile: int) -> str:
    if decile == 1:
        return "Decile 1 (most deprived)"
    if decile == 10:
        return "Decile 10 (least deprived)"
    return f"Decile {decile}"


def _quintile_label(quintile: int) -> str:
    if quintile == 1:
        return "Quintile 1 (most deprived, the Core20)"
    if quintile == 5:
        return "Quintile 5 (least deprived)"
    return f"Quintile {quintile}"


_DETAILED = tuple(c for categories in core_equity.ONS_ETHNICITY_2021.values() for c in categories)

STANDARD_DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        key=IMD_DECILE,
        title="Deprivation (IMD deciles)",
        groups=tuple(str(d) for d in core_equity.IMD_DECILES),
        labels=tuple(_decile_label(d) for d in core_equity.IMD_DECILES),
        exhaustive=True,
        hint="Index of Multiple Deprivation deciles of where people live: 1 is the most "
        "deprived 10% of areas in England, 10 the least deprived.",
    ),
    Dimension(
        key=IMD_QUINTILE,
        title="Deprivation (IMD quintiles)",
        groups=tuple(str(q) for q in range(1, 6)),
        labels=tuple(_quintile_label(q) for q in range(1, 6)),
        exhaustive=True,
        hint="Index of Multiple Deprivation quintiles: 1 is the most deprived 20% of areas "
        "(deciles 1 and 2, the Core20), 5 the least deprived.",
    ),
    Dimension(
        key=ETHNICITY,
        title="Ethnic group (ONS 2021, 5 groups)",
        groups=core_equity.ETHNIC_GROUPS,
        labels=core_equity.ETHNIC_GROUPS,
        exhaustive=True,
        hint="The five high-level ethnic groups of the 2021 Census (ONS dataset TS021).",
    ),
    Dimension(
        key=ETHNICITY_DETAILED,
        title="Ethnic group (ONS 2021, 19 categories)",
        groups=_DETAILED,
        labels=_DETAILED,
        exhaustive=True,
        hint="The 19 detailed ethnic group categories of the 2021 Census (ONS dataset TS021).",
    ),
    Dimension(
        key=AGE_BAND,
        title="Age",
        groups=core_equity.AGE_BANDS,
        labels=core_equity.AGE_BANDS,
        exhaustive=True,
        hint="The age bands of the equality monitoring questions.",
    ),
    Dimension(
        key=SEX,
        title="Sex",
        groups=core_equity.SEX,
        labels=core_equity.SEX,
        exhaustive=True,
        hint="Sex as the 2021 Census asked it.",
    ),
    Dimension(
        key=DISABILITY,
        title="Disability",
        groups=core_equity.DISABILITY,
        labels=core_equity.DISABILITY,
        exhaustive=True,
        hint="Whether a long-term health problem or disability limits day-to-day activities "
        "(the 2021 Census question).",
    ),
)

#: PopulationGroup.group holds at most this many characters.
GROUP_NAME_LIMIT = PopulationGroup._meta.get_field("group").max_length or 60


def plus_dimension(organisation: Organisation) -> Dimension:
    """The organisation's PLUS groups (Core20PLUS5), as a dimension."""
    names = tuple(selectors_people.plus_groups_of(organisation).values_list("name", flat=True))
    return Dimension(
        key=PLUS_GROUPS,
        title="PLUS groups",
        groups=names,
        labels=names,
        exhaustive=False,
        hint="The groups your organisation chose for Core20PLUS5. People may belong to "
        "several or none, so give each group's share of the population, from 0 to 1.",
    )


def dimensions_for(project: Project) -> tuple[Dimension, ...]:
    """Every dimension a population may have, the project's PLUS groups last."""
    return (*STANDARD_DIMENSIONS, plus_dimension(project.organisation))


def dimension_of(project: Project, key: str) -> Dimension | None:
    for dimension in dimensions_for(project):
        if dimension.key == key:
            return dimension
    return None


# -- the population -------------------------------------------------------------------------


@dataclass(frozen=True)
class PopulationFigure:
    group: str
    label: str
    value: Decimal
    shown: str  # "1,234" for a count, "25.0%" for a share


@dataclass(frozen=True)
class PopulationDimension:
    """A dimension's figures as entered: counts or shares, with where they came from."""

    dimension: Dimension
    figures: list[PopulationFigure]
    source: str
    counts: bool
    updated_at: datetime.datetime | None

    @property
    def kind(self) -> str:
        return "counts" if self.counts else "shares"

    def shares(self) -> dict[str, float | int]:
        """The figures as the core reads them: whole-number counts, or shares as floats.

        Shares of groups that cover everyone were accepted if they add up to about 1 (from
        rounded percentages); they are scaled to add up to exactly 1.
        """
        if self.counts:
            return {f.group: int(f.value) for f in self.figures}
        if not self.dimension.exhaustive:
            return {f.group: float(f.value) for f in self.figures}
        total = sum((f.value for f in self.figures), Decimal(0))
        return {f.group: float(f.value / total) for f in self.figures}


def is_whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def _shown(value: Decimal, *, counts: bool) -> str:
    if counts:
        return f"{int(value):,}"
    return f"{value * 100:.1f}%"


def population_of(project: Project) -> list[PopulationDimension]:
    """The project's population figures, by dimension in the usual order (one query, plus
    the organisation's PLUS groups)."""
    rows: dict[str, list[PopulationGroup]] = defaultdict(list)
    for row in PopulationGroup.objects.filter(project=project).order_by("dimension", "pk"):
        rows[row.dimension].append(row)
    found = []
    for dimension in dimensions_for(project):
        stored = rows.get(dimension.key)
        if not stored:
            continue
        order = {group: i for i, group in enumerate(dimension.groups)}
        stored.sort(key=lambda r: (order.get(r.group, len(order)), r.group))
        counts = dimension.exhaustive and all(is_whole(r.count) for r in stored)
        found.append(
            PopulationDimension(
                dimension=dimension,
                figures=[
                    PopulationFigure(
                        group=r.group,
                        label=dimension.label_of(r.group),
                        value=r.count,
                        shown=_shown(r.count, counts=counts),
                    )
                    for r in stored
                ],
                source=next((r.source for r in stored if r.source), ""),
                counts=counts,
                updated_at=max(r.updated_at for r in stored),
            )
        )
    return found


def population_dimension(project: Project, key: str) -> PopulationDimension | None:
    return next((p for p in population_of(project) if p.dimension.key == key), None)


def population_rows(project: Project) -> list[tuple[str, str, Decimal, str]]:
    """(dimension, group, count, source) of every figure, for the CSV download."""
    return [
        (p.dimension.key, f.group, f.value, p.source)
        for p in population_of(project)
        for f in p.figures
    ]


# -- participants against the population ----------------------------------------------------


def _imd_deciles() -> dict[str, int]:
    """The people area's label of each IMD decile answer → the decile."""
    return {label: int(value) for value, label in selectors_people.imd_options()}


def _participant_groups(key: str, counts: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    """Counts of participants per group of a standard dimension; no answer under ""."""
    if key in (IMD_DECILE, IMD_QUINTILE):
        deciles = _imd_deciles()
        grouped: dict[str, int] = defaultdict(int)
        for label, n in counts.get("imd_decile", {}).items():
            decile = deciles.get(label)
            if decile is None:
                grouped[""] += n
            elif key == IMD_DECILE:
                grouped[str(decile)] += n
            else:
                grouped[str(core_equity.imd_quintile(decile))] += n
        return dict(grouped)
    if key == ETHNICITY:
        grouped = defaultdict(int)
        for label, n in counts.get("ethnicity", {}).items():
            grouped[core_equity.ethnic_group_of(label) if label else ""] += n
        return dict(grouped)
    field = "ethnicity" if key == ETHNICITY_DETAILED else key
    return dict(counts.get(field, {}))


@dataclass(frozen=True)
class PlusCounts:
    answered: int
    in_group: dict[str, int]


def plus_counts(project: Project) -> PlusCounts:
    """How many current participants who answered are in each PLUS group (aggregates only)."""
    people = selectors_people.counted_participants(project=project)
    answered = EqualityRecord.objects.filter(participant__in=people).count()
    through = EqualityRecord.plus_groups.through
    # One name per (answer, group) pair: counted, never tied to a person.
    in_group = dict(
        Counter(
            through.objects.filter(equalityrecord__participant__in=people).values_list(
                "plusgroup__name", flat=True
            )
        )
    )
    return PlusCounts(answered=answered, in_group=in_group)


@dataclass(frozen=True)
class GroupRow:
    label: str
    participants: str
    participant_share: str  # "" when hidden
    population_share: str
    ratio: str  # "0.50 (0.22 to 0.94)", "" when hidden
    status: str
    status_key: str  # "under", "in_line", "over" or ""


@dataclass(frozen=True)
class EquityDimension:
    """One dimension's comparison, as the page shows it."""

    key: str
    title: str
    source: str
    rows: list[GroupRow]
    answered: str
    problem: str  # why the dimension cannot be compared, or ""
    kind: str = ""  # "counts" or "shares"
    updated_at: datetime.datetime | None = None


@dataclass(frozen=True)
class Core20View:
    participants: str
    answered: str
    participant_share: str
    population_share: str
    ratio: str
    status: str
    below_one: bool
    hidden: bool
    sentence: str


@dataclass(frozen=True)
class EquityPage:
    population: list[PopulationDimension]
    dimensions: list[EquityDimension]
    core20: Core20View | None
    sentence: str
    anyone_answered: bool
    not_compared: list[str]
    suppression_note: str = core_suppression.SUPPRESSION_NOTE


def ratio_text(ratio: float | None, interval: tuple[float, float] | None) -> str:
    if ratio is None or interval is None:
        return ""
    return f"{ratio:.2f} ({interval[0]:.2f} to {interval[1]:.2f})"


def _rows(
    report: core_equity.EquityReport, dimension: Dimension, *, only: str | None = None
) -> list[GroupRow]:
    rows = []
    for group in report.groups:
        if only is not None and group.group != only:
            continue
        rows.append(
            GroupRow(
                label=dimension.label_of(group.group),
                participants=group.participants.shown,
                participant_share=percent(group.participant_share)
                if group.participant_share is not None
                else "",
                population_share=f"{group.population_share * 100:.1f}%",
                ratio=ratio_text(group.ratio, group.interval),
                status=group.status.label if group.status is not None else "",
                status_key=str(group.status) if group.status is not None else "",
            )
        )
    return rows


CANNOT_COMPARE = (
    "Some participants answered with a group that has no population figure, so this "
    "dimension cannot be compared. Enter a figure for every group."
)
EVERYONE_ELSE = "Everyone else"
CORE20_QUINTILE = "1"


def _renamed(
    report: core_equity.EquityReport, prefix: str, *, only: str | None = None
) -> list[core_equity.GroupEquity]:
    return [
        replace(g, group=f"{prefix}{g.group}")
        for g in report.groups
        if only is None or g.group == only
    ]


#: How the sentence names IMD groups (the groups of two IMD dimensions share their names).
def _imd_names() -> dict[str, str]:
    names = {}
    for d in core_equity.IMD_DECILES:
        names[f"IMD decile {d}"] = f"people from IMD decile {d} areas"
    for q in range(1, 6):
        names[f"IMD quintile {q}"] = f"people from IMD quintile {q} areas"
    return names


def _core20_share(imd: PopulationDimension) -> float:
    """The population's share in IMD deciles 1–2 (quintile 1)."""
    core = ("1", "2") if imd.dimension.key == IMD_DECILE else ("1",)
    shares = core_equity.normalise_population(imd.shares())
    return sum(shares.get(group, 0.0) for group in core)


#: When both are entered, only the coarser of two overlapping dimensions is compared: shown
#: side by side, the finer table's hidden counts could be worked out from the coarser one's.
OVERLAPPING = {IMD_DECILE: IMD_QUINTILE, ETHNICITY_DETAILED: ETHNICITY}


def _shown_with(
    result: core_equity.Core20Result, imd: tuple[str, core_equity.EquityReport | None]
) -> core_equity.Core20Result:
    """The Core20 result with its figures hidden unless the IMD table beside it shows them.

    Core20 is deciles 1–2 (quintile 1), so its count and total are sums of the IMD table's
    cells and total: shown where any of those is hidden, they could give a hidden count away.
    """
    key, report = imd
    if result.ratio is None:
        return result
    if report is None:  # the IMD table could not be compared: nothing beside it to check
        return result
    core = [g for g in report.groups if g.group in (("1", "2") if key == IMD_DECILE else ("1",))]
    if report.answered.shown != result.answered.shown or any(
        g.participants.suppressed for g in core
    ):
        return replace(
            result,
            core20=core_suppression.SuppressedCount(
                None, core_suppression.COMPLEMENTARY_MARK, complementary=True
            ),
            answered=report.answered,
            participant_share=None,
            ratio=None,
            interval=None,
        )
    return result


def _core20(
    counts: Mapping[str, Mapping[str, int]],
    share: float,
    imd: tuple[str, core_equity.EquityReport | None],
) -> tuple[core_equity.Core20Result | None, Core20View | None]:
    deciles = _imd_deciles()
    known: list[int | None] = []
    for label, n in counts.get("imd_decile", {}).items():
        known.extend([deciles.get(label)] * n)
    try:
        result = _shown_with(core_equity.core20_ratio(known, share), imd)
    except ParticipationInputError:
        return None, Core20View(
            participants="",
            answered="",
            participant_share="",
            population_share=f"{share * 100:.1f}%",
            ratio="",
            status="",
            below_one=False,
            hidden=True,
            sentence="The population figures put no one in IMD deciles 1–2, so there is no "
            "Core20 ratio to work out.",
        )
    if result.status is None:
        sentence = "No participant has given the deprivation decile of where they live yet."
    elif result.ratio is None:
        sentence = (
            "The Core20 ratio is not shown: it would let a count of fewer than "
            f"{core_suppression.THRESHOLD} participants be worked out, here or in the "
            "deprivation table."
        )
        if result.status is core_equity.EquityStatus.UNDER:
            sentence += " Even so, people from the most deprived areas are under-represented."
    else:
        sentence = (
            f"{percent(result.participant_share or 0)} of participants who gave their decile "
            f"live in the most deprived 20% of areas, against {percent(share)} of the "
            f"population: a ratio of {result.ratio:.2f}."
        )
        if result.below_one:
            sentence += (
                " Below 1: people from the most deprived areas take part less than their "
                "share of the population."
            )
    view = Core20View(
        participants=result.core20.shown,
        answered=result.answered.shown,
        participant_share=percent(result.participant_share)
        if result.participant_share is not None
        else "",
        population_share=f"{share * 100:.1f}%",
        ratio=ratio_text(result.ratio, result.interval),
        status=result.status.label if result.status is not None else "",
        below_one=result.below_one,
        hidden=result.ratio is None,
        sentence=sentence,
    )
    return result, view


def equity_page(*, project: Project) -> EquityPage:
    """Every dimension with a population entered, compared with the participants' answers."""
    population = population_of(project)
    counts = selectors_people.equality_counts(project=project)
    plus = plus_counts(project) if any(p.dimension.key == PLUS_GROUPS for p in population) else None
    anyone = EqualityRecord.objects.filter(
        participant__in=selectors_people.counted_participants(project=project)
    ).exists()

    entered_keys = {p.dimension.key for p in population}
    compared = [p for p in population if OVERLAPPING.get(p.dimension.key) not in entered_keys]
    skipped = [p.dimension.title for p in population if p not in compared]
    dimensions: list[EquityDimension] = []
    combined: list[core_equity.GroupEquity] = []
    answered_raw: list[int] = []
    imd: tuple[PopulationDimension, core_equity.EquityReport | None] | None = None
    names = _imd_names()
    for entered in compared:
        dimension = entered.dimension
        if dimension.key == PLUS_GROUPS:
            assert plus is not None
            rows: list[GroupRow] = []
            problem = ""
            answered_shown = core_suppression.suppress_total(plus.answered).shown
            for figure in entered.figures:
                share = float(figure.value)
                inside = plus.in_group.get(figure.group, 0)
                try:
                    report = core_equity.equity_ratios(
                        {figure.group: inside, EVERYONE_ELSE: plus.answered - inside},
                        {figure.group: share, EVERYONE_ELSE: max(1.0 - share, 0.0)},
                    )
                except ParticipationInputError:
                    problem = CANNOT_COMPARE
                    continue
                rows.extend(_rows(report, dimension, only=figure.group))
                if report.answered.suppressed:
                    answered_shown = report.answered.shown
                combined.extend(_renamed(report, "", only=figure.group))
            answered_raw.append(plus.answered)
            dimensions.append(
                EquityDimension(
                    key=dimension.key,
                    title=dimension.title,
                    source=entered.source,
                    rows=rows,
                    answered=answered_shown,
                    problem=problem,
                    kind=entered.kind,
                    updated_at=entered.updated_at,
                )
            )
            continue
        groups = _participant_groups(dimension.key, counts)
        try:
            report = core_equity.equity_ratios(groups, entered.shares())
        except ParticipationInputError:
            if dimension.key in (IMD_DECILE, IMD_QUINTILE):
                imd = (entered, None)
            dimensions.append(
                EquityDimension(
                    key=dimension.key,
                    title=dimension.title,
                    source=entered.source,
                    rows=[],
                    answered="",
                    problem=CANNOT_COMPARE,
                    kind=entered.kind,
                    updated_at=entered.updated_at,
                )
            )
            continue
        answered_raw.append(sum(n for g, n in groups.items() if g))
        if dimension.key in (IMD_DECILE, IMD_QUINTILE):
            imd = (entered, report)
        prefix = {IMD_DECILE: "IMD decile ", IMD_QUINTILE: "IMD quintile "}.get(dimension.key, "")
        # Quintile 1 is the Core20, which the sentence names on its own.
        combined.extend(
            g for g in _renamed(report, prefix) if g.group != f"IMD quintile {CORE20_QUINTILE}"
        )
        dimensions.append(
            EquityDimension(
                key=dimension.key,
                title=dimension.title,
                source=entered.source,
                rows=_rows(report, dimension),
                answered=report.answered.shown,
                problem="",
                kind=entered.kind,
                updated_at=entered.updated_at,
            )
        )

    core20_result, core20_view = (
        (None, None)
        if imd is None
        else _core20(counts, _core20_share(imd[0]), (imd[0].dimension.key, imd[1]))
    )
    sentence = ""
    if population:
        most = max(answered_raw, default=0)
        report = core_equity.EquityReport(
            groups=tuple(combined),
            answered=core_suppression.suppress_total(most),
            no_answer=core_suppression.suppress_total(0),
            confidence=0.95,
        )
        sentence = core_equity.missing_sentence(report, core20=core20_result, names=names)
    return EquityPage(
        population=population,
        dimensions=dimensions,
        core20=core20_view,
        sentence=sentence,
        anyone_answered=anyone,
        not_compared=skipped,
    )

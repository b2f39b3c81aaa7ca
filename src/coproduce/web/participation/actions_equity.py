"""The one place that changes the population a project serves (for equity of involvement).

Facilitators enter the population one dimension at a time, in a form or a file. Every row
is checked before anything is written: a dimension and its groups from the allowed lists,
figures that are counts or shares (0 to 1), shares that add up to about 1 where the groups
cover everyone. A dimension given again replaces the one stored, in one transaction; the
dimensions not given are left as they were.

Audit summaries name dimensions by key and count groups; never the source notes typed in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from coproduce.web.accounts.models import User
from coproduce.web.audit import actions as audit
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.projects.models import Project

from . import selectors
from . import selectors_equity as equity
from .models import PopulationGroup

SOURCE_LIMIT = PopulationGroup._meta.get_field("source").max_length or 300
#: The largest figure a row can hold (DecimalField(max_digits=14, decimal_places=4)).
LARGEST = Decimal("9999999999.9999")
PLACES = Decimal("0.0001")
#: A population file has a row per group: a few dozen at most.
MAX_ROWS = 1000


@dataclass(frozen=True)
class PopulationRow:
    """One group's figure as given: ``row`` is where it is in the file (header is row 1)."""

    dimension: str
    group: str
    count: object
    source: str = ""
    row: int | None = None


@dataclass(frozen=True)
class RowProblem:
    """Why a row (or, with ``row`` None, a whole dimension) cannot be saved."""

    row: int | None
    column: str
    reason: str


class InvalidPopulation(ActionError):
    """Some rows cannot be saved; nothing was. ``problems`` says which and why."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        count = len(problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} with the population figures: nothing "
            "was saved"
        )
        self.problems = list(problems)


def _require_facilitator(*, project: Project, user: User) -> None:
    if not selectors.can_manage(project=project, user=user):
        raise NotAllowed("Only the project's facilitators can change the population figures.")


def _fold(text: str) -> str:
    return " ".join(text.replace("–", "-").split()).casefold()


def _dimension_of(text: str, dimensions: Sequence[equity.Dimension]) -> equity.Dimension | None:
    folded = _fold(text).replace(" ", "_")
    for dimension in dimensions:
        if folded in (dimension.key, _fold(dimension.title).replace(" ", "_")):
            return dimension
    return None


_IMD_WORDS = re.compile(r"^(?:imd\s*)?(?:decile|quintile)?\s*(\d+)(?:\.0+)?(?:\s*\(.*\))?$")


def _group_of(text: str, dimension: equity.Dimension) -> str | None:
    folded = _fold(text)
    for group, label in zip(dimension.groups, dimension.labels, strict=True):
        if folded in (_fold(group), _fold(label)):
            return group
    if dimension.key in (equity.IMD_DECILE, equity.IMD_QUINTILE):
        match = _IMD_WORDS.match(folded)
        if match and match.group(1).lstrip("0") in dimension.groups:
            return match.group(1).lstrip("0")
    return None


def _listed(names: Sequence[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)


_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


def _figure(value: object) -> tuple[Decimal | None, str]:
    """A figure as a Decimal (a percentage becomes a share), or None and the reason."""
    if isinstance(value, bool):
        return None, "is not a number"
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    else:
        text = str(value or "").strip()
        if not text:
            return None, "is empty: give a count, or a share from 0 to 1"
        percent = text.endswith("%")
        text = text.removesuffix("%").strip()
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None, f"“{value}” is not a number"
        if percent:
            number = number / 100
    if not number.is_finite():
        return None, f"“{value}” is not a number"
    if number < 0:
        return None, "cannot be negative"
    if number > LARGEST:
        return None, "is too large"
    return number, ""


def check_population(
    *, project: Project, rows: Sequence[PopulationRow], source: str = ""
) -> tuple[dict[str, dict[str, Decimal]], dict[str, str], list[RowProblem]]:
    """Check every row; return the figures by dimension and group, the source of each
    dimension, and the problems (none if all is well). Writes nothing."""
    dimensions = equity.dimensions_for(project)
    problems: list[RowProblem] = []
    figures: dict[str, dict[str, Decimal]] = defaultdict(dict)
    first_row: dict[str, int | None] = {}
    sources: dict[str, str] = {}
    default_source = " ".join((source or "").split())
    if len(rows) > MAX_ROWS:
        return (
            {},
            {},
            [
                RowProblem(
                    None, "file", f"has {len(rows)} rows; a population has at most {MAX_ROWS}"
                )
            ],
        )
    for row in rows:
        dimension = _dimension_of(str(row.dimension or ""), dimensions)
        if dimension is None:
            given = str(row.dimension or "").strip()
            problems.append(
                RowProblem(
                    row.row,
                    "dimension",
                    (f"“{given}” is not a dimension" if given else "is empty")
                    + f": use one of {_listed([d.key for d in dimensions])}",
                )
            )
            continue
        first_row.setdefault(dimension.key, row.row)
        group = _group_of(str(row.group or ""), dimension)
        if group is None:
            given = str(row.group or "").strip()
            if not dimension.groups:
                reason = (
                    "your organisation has no PLUS groups yet: a facilitator adds them on the "
                    "PLUS groups page first"
                )
            else:
                reason = (
                    f"“{given}” is not a group of {dimension.title}" if given else "is empty"
                ) + f": use one of {_listed(dimension.labels)}"
            problems.append(RowProblem(row.row, "group", reason))
            continue
        if len(group) > equity.GROUP_NAME_LIMIT:
            problems.append(
                RowProblem(
                    row.row,
                    "group",
                    f"“{group}” is longer than {equity.GROUP_NAME_LIMIT} characters, too long "
                    "to store: shorten the PLUS group's name",
                )
            )
            continue
        if group in figures[dimension.key]:
            problems.append(
                RowProblem(
                    row.row,
                    "group",
                    f"“{dimension.label_of(group)}” is given twice for {dimension.title}",
                )
            )
            continue
        number, reason = _figure(row.count)
        if number is None:
            problems.append(RowProblem(row.row, "count", reason))
            continue
        note = " ".join(str(row.source or "").split())
        if len(note) > SOURCE_LIMIT:
            problems.append(
                RowProblem(row.row, "source", f"must be {SOURCE_LIMIT} characters or fewer")
            )
            continue
        if note:
            sources.setdefault(dimension.key, note)
        figures[dimension.key][group] = number
    for key, values in figures.items():
        dimension = next(d for d in dimensions if d.key == key)
        where = first_row.get(key)
        problems.extend(_check_dimension(dimension, values, where))
        if not sources.get(key):
            if default_source:
                sources[key] = default_source
            else:
                problems.append(
                    RowProblem(
                        where,
                        "source",
                        f"say where the figures for {dimension.title} came from, for example "
                        "“ONS Census 2021, TS021, Northtown local authority”",
                    )
                )
    if len(default_source) > SOURCE_LIMIT:
        problems.append(RowProblem(None, "source", f"must be {SOURCE_LIMIT} characters or fewer"))
    return dict(figures), sources, problems


def _check_dimension(
    dimension: equity.Dimension, given: dict[str, Decimal], where: int | None
) -> list[RowProblem]:
    values = list(given.values())
    total = sum(values, Decimal(0))
    whole = all(equity.is_whole(v) for v in values)
    if not dimension.exhaustive:
        return [
            RowProblem(
                where,
                "count",
                f"{dimension.label_of(group)}: {value} is not a share from 0 to 1. Give each "
                "PLUS group's share of the population (0.04 for 4%): people can be in "
                "several groups, so counts cannot be turned into shares",
            )
            for group, value in given.items()
            if value > 1
        ]
    if total == 0:
        return [RowProblem(where, "count", f"the figures for {dimension.title} add up to 0")]
    if whole:
        return []  # counts
    if any(v > 1 for v in values):
        hint = (
            " They look like percentages: write them as 23% or 0.23."
            if abs(total - 100) <= ABOUT_HUNDRED
            else ""
        )
        return [
            RowProblem(
                where,
                "count",
                f"the figures for {dimension.title} mix whole numbers and fractions: give "
                f"whole-number counts, or shares from 0 to 1.{hint}",
            )
        ]
    if abs(total - 1) > equity.ABOUT_ONE:
        return [
            RowProblem(
                where,
                "count",
                f"the shares for {dimension.title} add up to {total:.3f}, not about 1 "
                f"({1 - equity.ABOUT_ONE} to {1 + equity.ABOUT_ONE}): check every group is "
                "there, or give counts",
            )
        ]
    return []


ABOUT_HUNDRED = Decimal(2)


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


@transaction.atomic
def replace_population(
    *,
    project: Project,
    rows: Sequence[PopulationRow],
    source: str = "",
    by: User,
    via: str = "form",
) -> dict[str, int]:
    """Save the figures of every dimension given, each replacing what was stored for it.

    All or nothing: any problem raises :class:`InvalidPopulation` and nothing is written.
    ``source`` is used for dimensions whose rows carry no source of their own. Returns the
    number of groups saved per dimension.
    """
    _require_facilitator(project=project, user=by)
    if not rows:
        raise ActionError("Give a figure for at least one group", field="figures")
    figures, sources, problems = check_population(project=project, rows=rows, source=source)
    if problems:
        raise InvalidPopulation(problems)
    now = timezone.now()
    saved: dict[str, int] = {}
    replaced = sorted(
        set(
            PopulationGroup.objects.filter(project=project, dimension__in=list(figures))
            .values_list("dimension", flat=True)
            .distinct()
        )
    )
    PopulationGroup.objects.filter(project=project, dimension__in=list(figures)).delete()
    for key, given in figures.items():
        PopulationGroup.objects.bulk_create(
            [
                PopulationGroup(
                    project=project,
                    dimension=key,
                    group=group,
                    count=_quantize(value),
                    source=sources[key],
                    created_by=by,
                    created_at=now,
                    updated_by=by,
                    updated_at=now,
                )
                for group, value in given.items()
            ]
        )
        saved[key] = len(given)
    audit.record(
        action="population.replaced" if replaced else "population.recorded",
        by=by,
        project=project,
        summary=(
            f"Saved the population figures of project {project.pk} by {via}: "
            + ", ".join(f"{key} ({n} groups)" for key, n in saved.items())
        ),
        data={"dimensions": saved, "replaced": replaced, "via": via},
    )
    return saved


@transaction.atomic
def remove_population_dimension(*, project: Project, dimension: str, by: User) -> int:
    """Delete the figures of one dimension; returns how many groups were removed."""
    _require_facilitator(project=project, user=by)
    rows = PopulationGroup.objects.filter(project=project, dimension=dimension)
    count = rows.count()
    if not count:
        raise ActionError("There are no figures for this dimension to remove")
    rows.delete()
    audit.record(
        action="population.removed",
        by=by,
        project=project,
        summary=f"Removed the {dimension} population figures of project {project.pk} "
        f"({count} groups)",
        data={"dimension": dimension, "groups": count},
    )
    return count

"""Reads for decisions: who may do what, the decisions of a project, and their results per
constituency and overall (docs/adr/0024).

Members see decisions and results (outsiders 404); facilitators create, close and record
outcomes. Voters see only the response page of an open decision.

Results: each constituency (patients, carers, staff, other) is shown on its own; then two
overall results, side by side: *everyone counted once* (raw) and *equal weight*, where every
constituency that responded counts the same whatever its size
(``coproduce.deliberation.decisions.equal_weights``). A constituency with fewer than
``SMALL`` respondents shows "<5" for its counts and hides its other figures, so nobody's
answer can be picked out; its answers still count in the overall results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from coproduce.deliberation import decisions as core
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.takepart.models import Constituency, Voter

from .models import (
    CONSENT_ANSWERS,
    SENSE_ANSWERS,
    Answer,
    Choice,
    GroupDecision,
    Kind,
    Response,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Project

SMALL = 5
HIDDEN = "<5"
DASH = "–"


def can_manage(*, project: Project, user: User | AnonymousUser) -> bool:
    return project_selectors.is_facilitator(project=project, user=user)


def decisions_of(*, project: Project) -> QuerySet[GroupDecision]:
    return (
        GroupDecision.objects.filter(project=project)
        .select_related("group", "change_idea")
        .annotate(response_count=Count("responses"))
    )


def decision_in(*, project: Project, pk: int) -> GroupDecision:
    """The project's decision ``pk`` with its options, or 404."""
    decision = (
        GroupDecision.objects.filter(project=project, pk=pk)
        .select_related("project", "group", "change_idea", "influence", "contribution")
        .prefetch_related("options")
        .first()
    )
    if decision is None:
        raise Http404("No such decision.")
    return decision


def open_decisions_for(voter: Voter) -> QuerySet[GroupDecision]:
    return GroupDecision.objects.filter(project_id=voter.project_id, is_open=True)


def response_of(*, decision: GroupDecision, voter: Voter) -> Response | None:
    return (
        Response.objects.filter(decision=decision, voter=voter).prefetch_related("choices").first()
    )


def responses_of(*, decision: GroupDecision) -> list[Response]:
    return list(
        Response.objects.filter(decision=decision)
        .select_related("voter")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.select_related("option")))
        .order_by("pk")
    )


def objections_of(*, decision: GroupDecision) -> list[Response]:
    """Objections and blocks with their reasons, for the facilitator to work through."""
    return list(
        Response.objects.filter(decision=decision, answer__in=[Answer.OBJECTION, Answer.BLOCK])
        .select_related("voter")
        .order_by("answer", "pk")
    )


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Table:
    """An accessible table: a caption, column headers, rows whose first cell is a header."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""
    key: str = ""


@dataclass(frozen=True)
class Results:
    respondents: int
    constituencies: tuple[Table, ...]
    raw: Table | None
    equal: Table | None
    headline: str = ""
    equal_headline: str = ""
    runoff_rounds: tuple[Table, ...] = field(default_factory=tuple)


CONSTITUENCY_ORDER = [c.value for c in Constituency]
CONSTITUENCY_PLURAL = {
    Constituency.PATIENT: "Patients",
    Constituency.CARER: "Carers and family",
    Constituency.STAFF: "Staff",
    Constituency.OTHER: "Others",
}


def _fmt(value: float, places: int = 1) -> str:
    return f"{value:.{places}f}" if value % 1 else f"{int(value)}"


def _pct(share: float) -> str:
    return f"{round(share * 100)}%"


def _ballot(decision: GroupDecision, response: Response) -> dict[str, int]:
    return {c.option.text: c.value for c in response.choices.all()}


def _ranking(response: Response) -> list[str]:
    return [c.option.text for c in sorted(response.choices.all(), key=lambda c: c.value)]


def _option_table(
    decision: GroupDecision,
    responses: Sequence[Response],
    *,
    caption: str,
    weights: Sequence[float] | None,
    small: bool,
    key: str,
) -> Table:
    options = [o.text for o in decision.options.all()]
    ballots = [_ballot(decision, r) for r in responses]
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    if decision.kind == Kind.DOT:
        tally = core.dot_tally(ballots, options=options, dots=decision.dots, weights=weights)
        headers = ("Option", "Dots", "Average dots per person")
        rows = [
            (o, HIDDEN if small else _fmt(t), DASH if small else _fmt(m, 2))
            for o, t, m in zip(tally.options, tally.totals, tally.means, strict=True)
        ]
    elif decision.kind == Kind.SCORE:
        tally = core.score_tally(ballots, options=options, high=decision.score_max, weights=weights)
        headers = ("Option", f"Average score (0 to {decision.score_max})")
        rows = [
            (o, DASH if small else _fmt(m, 2))
            for o, m in zip(tally.options, tally.means, strict=True)
        ]
    else:  # ranked: first preferences
        rankings = [_ranking(r) for r in responses]
        runoff = core.instant_runoff(rankings, options=options, weights=weights)
        first = runoff.rounds[0].counts if runoff.rounds else dict.fromkeys(options, 0.0)
        headers = ("Option", "First choices")
        rows = [(o, HIDDEN if small else _fmt(first[o])) for o in options]
    order = {o: i for i, o in enumerate(options)}
    if decision.kind != Kind.RANKED and not small:
        rank = {o: i for i, o in enumerate(tally.ranking)}
        rows.sort(key=lambda row: rank[row[0]])
    else:
        rows.sort(key=lambda row: order[row[0]])
    return Table(caption=caption, headers=headers, rows=tuple(rows), key=key)


def _answer_table(
    decision: GroupDecision,
    responses: Sequence[Response],
    *,
    caption: str,
    weights: Sequence[float] | None,
    small: bool,
    key: str,
) -> Table:
    answers = CONSENT_ANSWERS if decision.kind == Kind.CONSENT else SENSE_ANSWERS
    label = {a: Answer(a).label.split(":")[0] for a in answers}
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    if decision.kind == Kind.SENSE:
        check = core.sense_check([r.answer for r in responses], weights=weights)
        rows = [
            (
                label[a],
                HIDDEN if small else _fmt(check.counts[core.SenseAnswer(a)]),
                DASH if small else _pct(check.shares[core.SenseAnswer(a)]),
            )
            for a in answers
        ]
        headers = ("Answer", "People", "Share")
    else:
        counts = dict.fromkeys(answers, 0)
        for r in responses:
            counts[Answer(r.answer)] += 1
        rows = [(label[a], HIDDEN if small else str(counts[a])) for a in answers]
        headers = ("Answer", "People")
    return Table(caption=caption, headers=headers, rows=tuple(rows), key=key)


def results(decision: GroupDecision) -> Results:
    """The decision's results per constituency, then overall (raw and equal weight)."""
    responses = responses_of(decision=decision)
    by_constituency: dict[str, list[Response]] = {}
    for r in responses:
        by_constituency.setdefault(r.voter.constituency, []).append(r)
    tabulate = _option_table if decision.has_options else _answer_table
    tables = []
    for c in CONSTITUENCY_ORDER:
        rs = by_constituency.get(c, [])
        if not rs and c == Constituency.OTHER:
            continue
        small = 0 < len(rs) < SMALL
        n = HIDDEN if small else str(len(rs))
        table = tabulate(
            decision,
            rs,
            caption=f"{CONSTITUENCY_PLURAL[Constituency(c)]} ({n} responded)",
            weights=None,
            small=small,
            key=c,
        )
        if small:
            table = Table(
                table.caption,
                table.headers,
                table.rows,
                note="Fewer than 5 people responded: figures are hidden so nobody's answer "
                "can be picked out. Their answers still count in the overall results.",
                key=c,
            )
        elif not rs:
            table = Table(table.caption, table.headers, (), note="Nobody has responded yet.", key=c)
        tables.append(table)
    if not responses:
        return Results(respondents=0, constituencies=tuple(tables), raw=None, equal=None)
    weights = core.equal_weights([r.voter.constituency for r in responses])
    raw = tabulate(
        decision,
        responses,
        caption=f"Overall: everyone counted once ({len(responses)} responded)",
        weights=None,
        small=False,
        key="raw",
    )
    equal: Table | None = tabulate(
        decision,
        responses,
        caption=(
            f"Overall, equal weight: each of the {len(by_constituency)} constituencies that "
            "responded counts the same, whatever its size"
        ),
        weights=weights,
        small=False,
        key="equal",
    )
    headline = equal_headline = ""
    rounds: list[Table] = []
    if decision.kind == Kind.RANKED:
        options = [o.text for o in decision.options.all()]
        rankings = [_ranking(r) for r in responses]
        raw_runoff = core.instant_runoff(rankings, options=options)
        equal_runoff = core.instant_runoff(rankings, options=options, weights=weights)
        headline = _runoff_sentence(raw_runoff)
        equal_headline = _runoff_sentence(equal_runoff)
        rounds = [
            _rounds_table(raw_runoff, options, "Instant-runoff rounds: everyone counted once"),
            _rounds_table(equal_runoff, options, "Instant-runoff rounds: equal weight"),
        ]
    elif decision.kind == Kind.CONSENT:
        outcome = core.consent_outcome(
            [core.ConsentResponse(core.ConsentAnswer(r.answer), r.resolved) for r in responses]
        )
        headline = outcome.reason
        equal_headline = (
            "Consent has no weighting: any block or unresolved objection stops the proposal, "
            "whoever raises it."
        )
        equal = None
    elif decision.has_options:
        headline = f"Top everyone counted once: {raw.rows[0][0]}."
        equal_headline = f"Top with equal weight: {equal.rows[0][0]}." if equal else ""
    return Results(
        respondents=len(responses),
        constituencies=tuple(tables),
        raw=raw,
        equal=equal,
        headline=headline,
        equal_headline=equal_headline,
        runoff_rounds=tuple(rounds),
    )


def _runoff_sentence(runoff: core.Runoff) -> str:
    if runoff.winner is None:
        return "No rankings yet."
    last = runoff.rounds[-1]
    share = last.counts[runoff.winner] / sum(last.counts.values())
    how = "with a majority" if runoff.majority else "as the last option standing"
    return (
        f"{runoff.winner} wins after {len(runoff.rounds)} round"
        f"{'s' if len(runoff.rounds) != 1 else ''}, {how} ({_pct(share)} of ballots still "
        "counting)."
    )


def _rounds_table(runoff: core.Runoff, options: Sequence[str], caption: str) -> Table:
    headers = ("Round", *options, "Ranked none left", "Eliminated")
    rows = []
    for i, rnd in enumerate(runoff.rounds, 1):
        cells = [_fmt(rnd.counts[o]) if o in rnd.counts else DASH for o in options]
        out = rnd.eliminated or "–"
        if rnd.tie_break:
            out = f"{out} (tie: {rnd.tie_break})"
        rows.append((f"Round {i}", *cells, _fmt(rnd.exhausted), out))
    return Table(caption=caption, headers=headers, rows=tuple(rows))

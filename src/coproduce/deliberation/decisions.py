"""Light decision tools for co-design groups: dot vote, score, ranked choice, consent, sense
check (issue 7 item 4; docs/adr/0024).

Pure Python: no Django, no I/O. Ballots come in as plain sequences and mappings; results are
frozen dataclasses. Every tally takes optional per-ballot ``weights`` so the same function
gives the raw result (every ballot weighs 1) and the *equal-weight* result, where each
constituency (patients, carers, staff, ...) counts the same whatever its size
(:func:`equal_weights`; the James Lind Alliance's principle of equal voice, ADR 0020).

Sources:

* Dot, score and ranked-choice polls as in Loomio's poll types (Loomio help, "Proposals and
  polls", https://help.loomio.com/en/user_manual/polls/starting_proposals/).
* Instant-runoff voting: repeatedly eliminate the option with the fewest first preferences
  among those still standing, moving its ballots to their next choice, until one option has
  more than half of the ballots still expressing a preference (Wikipedia, "Instant-runoff
  voting", the Tennessee capital example, used in the tests).
* Consent: "unresolved objections prevent proposals from becoming agreements" (Sociocracy
  3.0, "Consent Decision Making" pattern); Loomio's proposal offers agree / abstain /
  disagree / block, a block meaning "I am not OK with this going ahead".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "ConsentAnswer",
    "ConsentOutcome",
    "ConsentResponse",
    "DecisionInputError",
    "OptionTally",
    "Runoff",
    "RunoffRound",
    "SenseAnswer",
    "SenseCheck",
    "check_dot_ballot",
    "check_ranking",
    "check_score_ballot",
    "consent_outcome",
    "dot_tally",
    "equal_weights",
    "instant_runoff",
    "score_tally",
    "sense_check",
]


class DecisionInputError(ValueError):
    """A ballot breaks a rule; ``reason`` is written for the person who cast it."""

    def __init__(self, reason: str, *, option: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.option = option


class ConsentAnswer(StrEnum):
    CONSENT = "consent"
    CONCERN = "concern"
    OBJECTION = "objection"
    BLOCK = "block"


class SenseAnswer(StrEnum):
    AGREE = "agree"
    UNSURE = "unsure"
    DISAGREE = "disagree"


# --------------------------------------------------------------------------- weights


def equal_weights(constituencies: Sequence[str]) -> tuple[float, ...]:
    """Per-ballot weights giving every constituency the same total weight.

    With N ballots from k constituencies, a ballot from constituency c (n_c ballots) weighs
    N / (k · n_c): each constituency then weighs N / k in all, and the weights still add up
    to N, so equal-weight totals are on the same scale as raw totals.

    >>> equal_weights(["patient", "patient", "patient", "staff"])
    (0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 2.0)
    """
    sizes = Counter(constituencies)
    if not sizes:
        return ()
    total, groups = len(constituencies), len(sizes)
    return tuple(total / (groups * sizes[c]) for c in constituencies)


def _weights(weights: Sequence[float] | None, count: int) -> Sequence[float]:
    if weights is None:
        return [1.0] * count
    if len(weights) != count:
        raise DecisionInputError(f"{len(weights)} weights for {count} ballots")
    if any(w < 0 for w in weights):
        raise DecisionInputError("Weights must not be negative")
    return weights


def _check_options(options: Sequence[str]) -> None:
    if len(set(options)) != len(options):
        raise DecisionInputError("Every option must be different")


# --------------------------------------------------------------------------- dot and score


@dataclass(frozen=True, slots=True)
class OptionTally:
    """Totals per option, in the order given, with the options ranked best first.

    totals: weighted sum of dots (dot vote) or of scores (score vote) per option.
    means: weighted mean per ballot (dots or score); 0.0 when there are no ballots.
    ballots: the weighted number of ballots (the plain count when unweighted).
    ranking: options by total, highest first; ties keep the options' given order.
    """

    options: tuple[str, ...]
    totals: tuple[float, ...]
    means: tuple[float, ...]
    ballots: float
    ranking: tuple[str, ...]


def check_dot_ballot(ballot: Mapping[str, int], *, options: Sequence[str], dots: int) -> int:
    """The number of dots placed, refused unless it fits the budget of ``dots``.

    Each count is a whole number from 0; the total may be less than the budget (unused dots
    are allowed) but never more.
    """
    _check_unknown(ballot, options)
    for option, count in ballot.items():
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise DecisionInputError("Put 0 or more dots on each option", option=option)
    used = sum(ballot.values())
    if used > dots:
        raise DecisionInputError(
            f"You have {dots} dot{'s' if dots != 1 else ''} to place and placed {used}: "
            f"take {used - dots} off"
        )
    if used == 0:
        raise DecisionInputError("Place at least one dot")
    return used


def check_score_ballot(
    ballot: Mapping[str, int], *, options: Sequence[str], low: int, high: int
) -> None:
    """Refused unless every option has a whole-number score from ``low`` to ``high``."""
    _check_unknown(ballot, options)
    for option in options:
        if option not in ballot:
            raise DecisionInputError(f"Give a score from {low} to {high}", option=option)
        score = ballot[option]
        if not isinstance(score, int) or isinstance(score, bool) or not low <= score <= high:
            raise DecisionInputError(f"Give a score from {low} to {high}", option=option)


def _check_unknown(ballot: Mapping[str, object], options: Sequence[str]) -> None:
    unknown = [o for o in ballot if o not in set(options)]
    if unknown:
        raise DecisionInputError("That is not one of the options", option=unknown[0])


def _tally(
    ballots: Sequence[Mapping[str, int]], options: Sequence[str], weights: Sequence[float]
) -> OptionTally:
    totals = [0.0] * len(options)
    for ballot, weight in zip(ballots, weights, strict=True):
        for i, option in enumerate(options):
            totals[i] += weight * ballot.get(option, 0)
    weight_sum = float(sum(weights))
    means = [t / weight_sum if weight_sum else 0.0 for t in totals]
    order = sorted(range(len(options)), key=lambda i: (-totals[i], i))
    return OptionTally(
        options=tuple(options),
        totals=tuple(totals),
        means=tuple(means),
        ballots=weight_sum,
        ranking=tuple(options[i] for i in order),
    )


def dot_tally(
    ballots: Sequence[Mapping[str, int]],
    *,
    options: Sequence[str],
    dots: int,
    weights: Sequence[float] | None = None,
) -> OptionTally:
    """Add up dot votes: each ballot maps options to dots, within a budget of ``dots``."""
    _check_options(options)
    for ballot in ballots:
        check_dot_ballot(ballot, options=options, dots=dots)
    return _tally(ballots, options, _weights(weights, len(ballots)))


def score_tally(
    ballots: Sequence[Mapping[str, int]],
    *,
    options: Sequence[str],
    low: int = 0,
    high: int = 5,
    weights: Sequence[float] | None = None,
) -> OptionTally:
    """Add up score votes: each ballot scores every option from ``low`` to ``high``."""
    _check_options(options)
    for ballot in ballots:
        check_score_ballot(ballot, options=options, low=low, high=high)
    return _tally(ballots, options, _weights(weights, len(ballots)))


# --------------------------------------------------------------------------- ranked choice


@dataclass(frozen=True, slots=True)
class RunoffRound:
    """One count: weighted first preferences among options still standing.

    counts: option → weighted ballots whose highest-ranked standing option it is.
    exhausted: weighted ballots that rank no standing option.
    eliminated: the option knocked out after this count (None in the final round).
    tie_break: why ``eliminated`` went when several options shared the fewest votes ("" if
        there was no tie).
    """

    counts: Mapping[str, float]
    exhausted: float
    eliminated: str | None
    tie_break: str


@dataclass(frozen=True, slots=True)
class Runoff:
    """Instant-runoff result: the winner (None without ballots) and every round."""

    winner: str | None
    rounds: tuple[RunoffRound, ...]
    majority: bool


def check_ranking(ranking: Sequence[str], *, options: Sequence[str]) -> None:
    """Refused unless ``ranking`` names known options, each once, and at least one."""
    _check_unknown(dict.fromkeys(ranking, 0), options)
    if not ranking:
        raise DecisionInputError("Rank at least one option")
    seen: set[str] = set()
    for option in ranking:
        if option in seen:
            raise DecisionInputError("Give each option a different rank", option=option)
        seen.add(option)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def instant_runoff(
    rankings: Sequence[Sequence[str]],
    *,
    options: Sequence[str],
    weights: Sequence[float] | None = None,
) -> Runoff:
    """Instant-runoff voting (alternative vote) over ``options``.

    Each ranking lists options best first; it need not rank them all. In each round every
    ballot counts for its highest-ranked option still standing. An option with more than half
    of the (weighted) ballots still counting wins; otherwise the option with the fewest is
    eliminated. When only one option stands it wins (``majority`` then says whether it had
    more than half).

    Ties for fewest are broken deterministically, each step explained in the round's
    ``tie_break``: (1) fewest votes in the latest earlier round where the tied options
    differed ("backwards" tie-break, as in many election rules); (2) fewest first
    preferences weighted by rank, i.e. a Borda count over all ballots (higher means more
    support); (3) the option listed last is eliminated.
    """
    _check_options(options)
    for ranking in rankings:
        check_ranking(ranking, options=options)
    ws = _weights(weights, len(rankings))
    standing = list(options)
    rounds: list[RunoffRound] = []
    if not rankings or not options:
        return Runoff(winner=None, rounds=(), majority=False)
    while True:
        counts = dict.fromkeys(standing, 0.0)
        exhausted = 0.0
        for ranking, weight in zip(rankings, ws, strict=True):
            top = next((o for o in ranking if o in counts), None)
            if top is None:
                exhausted += weight
            else:
                counts[top] += weight
        counting = sum(counts.values())
        leader = max(standing, key=lambda o: (counts[o], -standing.index(o)))
        if counts[leader] > counting / 2 and not _close(counts[leader], counting / 2):
            rounds.append(RunoffRound(counts, exhausted, None, ""))
            return Runoff(winner=leader, rounds=tuple(rounds), majority=True)
        if len(standing) == 1:
            rounds.append(RunoffRound(counts, exhausted, None, ""))
            return Runoff(winner=leader, rounds=tuple(rounds), majority=False)
        loser, why = _lowest(standing, counts, rounds, rankings, ws, options)
        rounds.append(RunoffRound(counts, exhausted, loser, why))
        standing.remove(loser)


def _lowest(
    standing: Sequence[str],
    counts: Mapping[str, float],
    earlier: Sequence[RunoffRound],
    rankings: Sequence[Sequence[str]],
    weights: Sequence[float],
    options: Sequence[str],
) -> tuple[str, str]:
    fewest = min(counts[o] for o in standing)
    tied = [o for o in standing if _close(counts[o], fewest)]
    if len(tied) == 1:
        return tied[0], ""
    names = ", ".join(tied)
    for back in reversed(earlier):
        low = min(back.counts[o] for o in tied)
        still = [o for o in tied if _close(back.counts[o], low)]
        if len(still) < len(tied):
            if len(still) == 1:
                return still[0], (
                    f"{names} tied with the fewest votes; {still[0]} had the fewest in an "
                    "earlier round, so it is eliminated"
                )
            tied = still
    borda = dict.fromkeys(tied, 0.0)
    size = len(options)
    for ranking, weight in zip(rankings, weights, strict=True):
        for place, option in enumerate(ranking):
            if option in borda:
                borda[option] += weight * (size - place)
    low = min(borda.values())
    still = [o for o in tied if _close(borda[o], low)]
    if len(still) == 1:
        return still[0], (
            f"{names} tied with the fewest votes; {still[0]} had the least support across "
            "all rankings (Borda count), so it is eliminated"
        )
    last = max(still, key=options.index)
    return last, (
        f"{names} tied with the fewest votes and the same support across all rankings; "
        f"{last} is listed last, so it is eliminated"
    )


# --------------------------------------------------------------------------- consent


@dataclass(frozen=True, slots=True)
class ConsentResponse:
    """One person's response to a proposal. ``resolved`` applies to objections only."""

    answer: ConsentAnswer
    resolved: bool = False


@dataclass(frozen=True, slots=True)
class ConsentOutcome:
    """Whether a proposal passes, and why.

    passes: no block and every objection resolved (concerns do not stop it; Sociocracy 3.0:
        unresolved objections prevent a proposal becoming an agreement).
    counts: responses per answer.
    unresolved_objections: objections not yet resolved.
    reason: one sentence saying why it passes or not.
    """

    passes: bool
    counts: Mapping[ConsentAnswer, int]
    unresolved_objections: int
    reason: str


def consent_outcome(responses: Sequence[ConsentResponse]) -> ConsentOutcome:
    """Apply the consent rule: passes when there is no block and no unresolved objection.

    With no responses at all nothing has been consented to, so it does not pass.
    """
    counts = dict.fromkeys(ConsentAnswer, 0)
    unresolved = 0
    for response in responses:
        answer = ConsentAnswer(response.answer)
        counts[answer] += 1
        if answer is ConsentAnswer.OBJECTION and not response.resolved:
            unresolved += 1
    blocks = counts[ConsentAnswer.BLOCK]
    if not responses:
        passes, reason = False, "Nobody has responded yet."
    elif blocks:
        passes = False
        reason = f"It does not pass: {blocks} block{'s' if blocks != 1 else ''}."
    elif unresolved:
        passes = False
        reason = (
            f"It does not pass yet: {unresolved} objection{'s' if unresolved != 1 else ''} "
            "still to resolve."
        )
    else:
        passes = True
        reason = "It passes: no blocks, and every objection has been resolved."
    return ConsentOutcome(
        passes=passes, counts=counts, unresolved_objections=unresolved, reason=reason
    )


# --------------------------------------------------------------------------- sense check


@dataclass(frozen=True, slots=True)
class SenseCheck:
    """A quick temperature check: weighted counts and shares of agree / unsure / disagree."""

    counts: Mapping[SenseAnswer, float]
    shares: Mapping[SenseAnswer, float]
    total: float


def sense_check(responses: Sequence[str], *, weights: Sequence[float] | None = None) -> SenseCheck:
    """Count agree / unsure / disagree, each share of the (weighted) total."""
    ws = _weights(weights, len(responses))
    counts = dict.fromkeys(SenseAnswer, 0.0)
    for response, weight in zip(responses, ws, strict=True):
        try:
            answer = SenseAnswer(response)
        except ValueError:
            raise DecisionInputError("Choose agree, unsure or disagree") from None
        counts[answer] += weight
    total = float(sum(ws))
    shares = {a: (c / total if total else 0.0) for a, c in counts.items()}
    return SenseCheck(counts=counts, shares=shares, total=total)

"""The one place that writes decisions, responses and outcomes (docs/adr/0004, 0024).

Keyword-only, atomic, audited. Audit summaries name things by id, kind and counts only:
never the question, options, reasons or outcome that people typed.

Facilitators create, close, reopen and record outcomes; voters (``takepart.Voter``) respond,
once each, changing their response in place until the decision closes.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduce.deliberation import decisions as core
from coproduce.web.accounts.models import User
from coproduce.web.audit import actions as audit
from coproduce.web.ebcd.models import CoDesignGroup
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.improvement import actions as improvement_actions
from coproduce.web.improvement.models import ChangeIdea
from coproduce.web.participation import actions_activities, selectors_people
from coproduce.web.participation.models import ConsentPurpose, Contribution, Participant
from coproduce.web.participation.models import Decision as InfluenceDecision
from coproduce.web.participation.models import Outcome as InfluenceOutcome
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project
from coproduce.web.takepart.models import Voter

from . import selectors
from .models import (
    CONSENT_ANSWERS,
    NEEDS_REASON,
    SENSE_ANSWERS,
    Answer,
    Choice,
    GroupDecision,
    Kind,
    Option,
    Response,
)

MAX_OPTIONS = 12
MAX_REASON = 2000


def _require_facilitator(*, project: Project, by: User) -> None:
    if not project_selectors.is_facilitator(project=project, user=by):
        raise NotAllowed("Only the project's facilitators can do this.")


def _clean_options(kind: str, options: Sequence[str]) -> list[str]:
    texts = [o.strip() for o in options if o.strip()]
    if kind not in {Kind.DOT, Kind.SCORE, Kind.RANKED}:
        return []
    if len(texts) < 2:
        raise ActionError("Give at least two options, one a line", field="options")
    if len(texts) > MAX_OPTIONS:
        raise ActionError(f"Give at most {MAX_OPTIONS} options", field="options")
    if any(len(t) > 200 for t in texts):
        raise ActionError("Each option must be 200 characters or fewer", field="options")
    if len({t.casefold() for t in texts}) != len(texts):
        raise ActionError("Each option must be different", field="options")
    return texts


@transaction.atomic
def create_decision(
    *,
    project: Project,
    question: str,
    kind: str,
    options: Sequence[str] = (),
    details: str = "",
    dots: int = 3,
    score_max: int = 5,
    group: CoDesignGroup | None = None,
    by: User,
) -> GroupDecision:
    """Open a decision for the project, or for one of its co-design groups."""
    _require_facilitator(project=project, by=by)
    question = question.strip()
    if not question:
        raise ActionError("Enter the question or proposal", field="question")
    if len(question) > 300:
        raise ActionError("The question must be 300 characters or fewer", field="question")
    if kind not in Kind.values:
        raise ActionError("Choose how the group decides", field="kind")
    if group is not None and group.ebcd.project_id != project.pk:
        raise ActionError("Choose one of this project's co-design groups", field="group")
    if kind == Kind.DOT and not 1 <= dots <= 20:
        raise ActionError("Give each person from 1 to 20 dots", field="dots")
    if kind == Kind.SCORE and not 1 <= score_max <= 10:
        raise ActionError("The top score must be from 1 to 10", field="score_max")
    texts = _clean_options(kind, options)
    decision = GroupDecision.objects.create(
        project=project,
        group=group,
        question=question,
        details=details.strip(),
        kind=kind,
        dots=dots if kind == Kind.DOT else 3,
        score_max=score_max if kind == Kind.SCORE else 5,
        created_by=by,
    )
    Option.objects.bulk_create(
        [Option(decision=decision, text=t, position=i) for i, t in enumerate(texts, 1)]
    )
    audit.record(
        action="decision_poll.created",
        by=by,
        project=project,
        target=decision,
        summary=f"Opened {Kind(kind).label.lower()} {decision.pk} with {len(texts)} option(s)",
        data={"decision": decision.pk, "kind": kind, "group": group.pk if group else None},
    )
    return decision


@transaction.atomic
def close_decision(*, decision: GroupDecision, by: User) -> GroupDecision:
    _require_facilitator(project=decision.project, by=by)
    decision = GroupDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.is_open:
        decision.is_open = False
        decision.closed_at = timezone.now()
        decision.save(update_fields=["is_open", "closed_at"])
        audit.record(
            action="decision_poll.closed",
            by=by,
            project=decision.project,
            target=decision,
            summary=f"Closed decision {decision.pk} with {decision.responses.count()} response(s)",
        )
    return decision


@transaction.atomic
def reopen_decision(*, decision: GroupDecision, by: User) -> GroupDecision:
    _require_facilitator(project=decision.project, by=by)
    decision = GroupDecision.objects.select_for_update().get(pk=decision.pk)
    if not decision.is_open:
        decision.is_open = True
        decision.closed_at = None
        decision.save(update_fields=["is_open", "closed_at"])
        audit.record(
            action="decision_poll.reopened",
            by=by,
            project=decision.project,
            target=decision,
            summary=f"Reopened decision {decision.pk}",
        )
    return decision


# --------------------------------------------------------------------------- responding


def _clean_values(decision: GroupDecision, values: Mapping[int, int | None]) -> dict[Option, int]:
    """Option → dots, score or rank, checked by the core's rules (errors name the option's
    field, ``option-<pk>``)."""
    options = {o.pk: o for o in decision.options.all()}
    unknown = [pk for pk in values if pk not in options]
    if unknown:
        raise ActionError("That is not one of the options", field=f"option-{unknown[0]}")
    given = {options[pk]: v for pk, v in values.items() if v is not None}
    by_text = {o.text: v for o, v in given.items()}
    field_of = {o.text: f"option-{o.pk}" for o in options.values()}
    texts = [o.text for o in options.values()]
    try:
        if decision.kind == Kind.DOT:
            core.check_dot_ballot(
                {t: v for t, v in by_text.items() if v}, options=texts, dots=decision.dots
            )
            return {o: v for o, v in given.items() if v}
        if decision.kind == Kind.SCORE:
            core.check_score_ballot(by_text, options=texts, low=0, high=decision.score_max)
            return given
        ranks = sorted(given.items(), key=lambda item: item[1])
        if any(v < 1 or v > len(options) for _, v in ranks):
            bad = next(o for o, v in ranks if v < 1 or v > len(options))
            raise ActionError(
                f"Choose a rank from 1 to {len(options)}, or leave it blank",
                field=f"option-{bad.pk}",
            )
        if len({v for _, v in ranks}) != len(ranks):
            seen: set[int] = set()
            for option, v in ranks:
                if v in seen:
                    raise ActionError(
                        "Give each option a different rank", field=f"option-{option.pk}"
                    )
                seen.add(v)
        core.check_ranking([o.text for o, _ in ranks], options=texts)
        # Store ranks as 1, 2, 3... in order, closing any gaps the person left.
        return {o: i for i, (o, _) in enumerate(ranks, 1)}
    except core.DecisionInputError as error:
        field = field_of.get(error.option or "", "options")
        raise ActionError(error.reason, field=field) from None


def _clean_answer(decision: GroupDecision, answer: str, reason: str) -> tuple[str, str]:
    allowed = CONSENT_ANSWERS if decision.kind == Kind.CONSENT else SENSE_ANSWERS
    if answer not in allowed:
        names = (
            "consent, concern, objection or block"
            if decision.kind == Kind.CONSENT
            else ("agree, unsure or disagree")
        )
        raise ActionError(f"Choose {names}", field="answer")
    reason = reason.strip()
    if answer in NEEDS_REASON and not reason:
        raise ActionError(
            f"Say why you {'object' if answer == Answer.OBJECTION else 'block'}: the group "
            "needs your reason to resolve it",
            field="reason",
        )
    if len(reason) > MAX_REASON:
        raise ActionError(f"Keep your reason to {MAX_REASON} characters or fewer", field="reason")
    if decision.kind == Kind.SENSE:
        reason = ""
    return answer, reason


@transaction.atomic
def respond(
    *,
    decision: GroupDecision,
    voter: Voter,
    values: Mapping[int, int | None] | None = None,
    answer: str = "",
    reason: str = "",
) -> Response:
    """Save ``voter``'s response, replacing their earlier one (one response per voter).

    ``values`` maps option ids to dots, scores or ranks (1 = first; blanks are left out of
    the ranking); ``answer`` and ``reason`` are for consent and sense checks.
    Refused once the decision is closed.
    """
    decision = GroupDecision.objects.select_for_update().get(pk=decision.pk)
    if voter.project_id != decision.project_id:
        raise NotAllowed("This seat is not in the decision's project.")
    if not decision.is_open:
        raise ActionError("This decision has closed: responses can no longer be changed")
    if decision.has_options:
        chosen = _clean_values(decision, values or {})
        answer, reason = "", ""
    else:
        chosen = {}
        answer, reason = _clean_answer(decision, answer, reason)
    now = timezone.now()
    response = Response.objects.filter(decision=decision, voter=voter).first()
    created = response is None
    if response is None:
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    decision=decision, voter=voter, answer=answer, reason=reason
                )
        except IntegrityError:  # the same voter at the same moment elsewhere
            response = Response.objects.get(decision=decision, voter=voter)
            created = False
    if not created:
        changed = response.answer != answer or response.reason != reason
        response.answer, response.reason, response.updated_at = answer, reason, now
        if changed:  # a changed objection must be resolved afresh
            response.resolved, response.resolved_by = False, None
        response.save()
        response.choices.all().delete()
    Choice.objects.bulk_create(
        [Choice(response=response, option=o, value=v) for o, v in chosen.items()]
    )
    audit.record(
        action="decision_poll.responded" if created else "decision_poll.response_changed",
        by=voter.user if voter.user_id else voter.assisted_by,
        project=decision.project,
        target=response,
        summary=(
            f"{'Responded to' if created else 'Changed a response to'} decision {decision.pk} "
            f"(voter {voter.pk}, {voter.constituency}, via {voter.joined_via})"
        ),
        data={"decision": decision.pk, "voter": voter.pk, "answer": answer or None},
    )
    return response


@transaction.atomic
def resolve_objection(*, response: Response, resolved: bool = True, by: User) -> Response:
    """Mark an objection as resolved (the proposal was changed or the objector is satisfied)."""
    decision = response.decision
    _require_facilitator(project=decision.project, by=by)
    if response.answer != Answer.OBJECTION:
        raise ActionError("Only objections are resolved; a block stops the proposal")
    response.resolved = resolved
    response.resolved_by = by if resolved else None
    response.save(update_fields=["resolved", "resolved_by"])
    audit.record(
        action="decision_poll.objection_resolved" if resolved else "decision_poll.objection_open",
        by=by,
        project=decision.project,
        target=response,
        summary=f"Marked objection {response.pk} on decision {decision.pk} "
        f"{'resolved' if resolved else 'not resolved'}",
    )
    return response


# --------------------------------------------------------------------------- the outcome


def _participants_who_responded(
    decision: GroupDecision, *, on: datetime.date
) -> tuple[list[Participant], int]:
    """The project's participants among the voters who responded, whose consent to take
    part covered ``on`` (the participation app's rule), and how many responses came from
    nobody who can be named (no participant record, or no such consent).

    A voter's participant is the one their seat is linked to, else (a member's own seat) the
    participant linked to their membership.
    """
    voters = [r.voter for r in Response.objects.filter(decision=decision).select_related("voter")]
    by_user = {
        p.membership.user_id: p
        for p in Participant.objects.filter(
            project_id=decision.project_id,
            membership__user_id__in=[v.user_id for v in voters if v.user_id],
        ).select_related("membership")
        if p.membership is not None
    }
    linked = {v.participant_id: None for v in voters if v.participant_id is not None}
    people: dict[int, Participant] = {
        p.pk: p
        for p in Participant.objects.filter(project_id=decision.project_id, pk__in=list(linked))
    }
    found: dict[int, Participant] = {}
    for voter in voters:
        person = people.get(voter.participant_id) if voter.participant_id else None
        if person is None and voter.user_id:
            person = by_user.get(voter.user_id)
        if person is not None:
            found.setdefault(person.pk, person)
    problems = selectors_people.consent_problems(
        participants=found.values(), purpose=ConsentPurpose.TAKE_PART, on=on
    )
    named = sorted((p for p in found.values() if p.pk not in problems), key=lambda p: p.pk)
    named_ids = {p.pk for p in named}
    unnamed = 0
    for voter in voters:
        person = people.get(voter.participant_id) if voter.participant_id else None
        if person is None and voter.user_id:
            person = by_user.get(voter.user_id)
        if person is None or person.pk not in named_ids:
            unnamed += 1
    return named, unnamed


def said_summary(decision: GroupDecision) -> str:
    """What the group said, in words, for the influence log: the kind of decision, the
    question and options, each constituency's result (hidden under 5 respondents, as on the
    results page) and the overall results. Never objections' reasons or anything else
    respondents typed."""
    found = selectors.results(decision)
    where = f"the {decision.group.name} co-design group" if decision.group else "the project"
    parts = [
        f"{Kind(decision.kind).label} in {where} on “{decision.question}”: "
        f"{found.respondents} response{'s' if found.respondents != 1 else ''}."
    ]
    if decision.has_options:
        parts.append("Options: " + "; ".join(o.text for o in decision.options.all()) + ".")
    for table in (*found.constituencies, found.raw, found.equal):
        if table is None or not table.rows:
            continue
        name = table.caption
        if table.note.startswith("Fewer than"):
            parts.append(f"{name}: not shown separately.")
            continue
        measure = table.headers[1].lower()
        cells = ", ".join(f"{row[0]} {row[1]}" for row in table.rows)
        parts.append(f"{name}, {measure}: {cells}.")
    for line in (found.headline, found.equal_headline):
        if line:
            parts.append(line)
    return " ".join(parts)


@transaction.atomic
def record_outcome(
    *,
    decision: GroupDecision,
    outcome: str,
    change_idea: ChangeIdea | None = None,
    new_change_idea: str = "",
    date: datetime.date | None = None,
    influence_outcome: str = InfluenceOutcome.CHANGED,
    by: User,
) -> GroupDecision:
    """Record what was decided, link it to a change idea (an existing one, or a new one
    titled ``new_change_idea``) and to the influence log as a participation ``Decision``
    (updated, not duplicated, when the outcome is recorded again).

    "You said, we did": the participants among the voters who responded (with consent to
    take part on the day the group finished) become the contributors of a ``Contribution``
    whose "said" is :func:`said_summary` and whose response is the outcome, with
    ``influence_outcome`` (changed, not taken forward or pending); it is updated, never
    duplicated, when the outcome is recorded again. Voters who cannot be named are counted
    in the summary but not named. With nobody to name there is no contribution (the
    participation app needs a contributor), and an earlier one is removed.
    """
    project = decision.project
    _require_facilitator(project=project, by=by)
    decision = GroupDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.is_open:
        raise ActionError("Close the decision before recording its outcome")
    outcome = outcome.strip()
    if not outcome:
        raise ActionError("Say what was decided", field="outcome")
    if change_idea is not None and new_change_idea.strip():
        raise ActionError(
            "Choose an existing change idea or name a new one, not both", field="new_change_idea"
        )
    if change_idea is not None and change_idea.project_id != project.pk:
        raise ActionError("Choose one of this project's change ideas", field="change_idea")
    if influence_outcome not in InfluenceOutcome.values:
        raise ActionError(
            "Choose what happened because of what the group said", field="influence_outcome"
        )
    if new_change_idea.strip():
        try:
            change_idea = improvement_actions.create_change_idea(
                project=project, title=new_change_idea, by=by
            )
        except ActionError as error:
            raise ActionError(error.message, field="new_change_idea") from None
    responses = decision.responses.count()
    where = f"the {decision.group.name} co-design group" if decision.group else "the project"
    taken_by = f"{Kind(decision.kind).label} in {where}, {responses} response(s)"[:200]
    day = date or timezone.localdate()
    if decision.influence is None:
        influence = actions_activities.create_decision(
            project=project,
            date=day,
            summary=outcome,
            taken_by=taken_by,
            change_idea=change_idea,
            by=by,
        )
    else:
        influence = actions_activities.update_decision(
            decision=decision.influence,
            date=day,
            summary=outcome,
            taken_by=taken_by,
            change_idea=change_idea,
            by=by,
        )
    said_on = min(timezone.localdate(decision.closed_at) if decision.closed_at else day, day)
    contribution = _record_contribution(
        decision,
        said_on=said_on,
        outcome=outcome,
        influence_outcome=influence_outcome,
        change_idea=change_idea,
        influence=influence,
        by=by,
    )
    decision.outcome = outcome
    decision.change_idea = change_idea
    decision.influence = influence
    decision.contribution = contribution
    decision.outcome_by = by
    decision.outcome_recorded_at = timezone.now()
    decision.save()
    audit.record(
        action="decision_poll.outcome_recorded",
        by=by,
        project=project,
        target=decision,
        summary=(
            f"Recorded the outcome of decision {decision.pk}: influence decision "
            f"{influence.pk}, contribution {contribution.pk if contribution else 'none'}, "
            f"change idea {change_idea.pk if change_idea else 'none'}"
        ),
        data={
            "decision": decision.pk,
            "influence": influence.pk,
            "contribution": contribution.pk if contribution else None,
            "change_idea": change_idea.pk if change_idea else None,
        },
    )
    return decision


def _record_contribution(
    decision: GroupDecision,
    *,
    said_on: datetime.date,
    outcome: str,
    influence_outcome: str,
    change_idea: ChangeIdea | None,
    influence: InfluenceDecision,
    by: User,
) -> Contribution | None:
    """Create or update the decision's "you said, we did" entry through the participation
    app's actions (which check the project, consent and the response rules)."""
    named, _ = _participants_who_responded(decision, on=said_on)
    existing = (
        Contribution.objects.filter(pk=decision.contribution_id).first()
        if decision.contribution_id
        else None
    )
    if not named:
        if existing is not None:
            actions_activities.delete_contribution(contribution=existing, by=by)
        return None
    said = said_summary(decision)
    if existing is None:
        contribution = actions_activities.create_contribution(
            project=decision.project, date=said_on, said=said, contributors=named, by=by
        )
    else:
        contribution = actions_activities.update_contribution(
            contribution=existing,
            date=said_on,
            said=said,
            contributors=named,
            activity=existing.activity,
            by=by,
        )
    fed_back = contribution.fed_back_on
    return actions_activities.respond_to_contribution(
        contribution=contribution,
        outcome=influence_outcome,
        response=outcome,
        change_idea=change_idea,
        pdsa_cycle=contribution.pdsa_cycle,
        decision=influence,
        fed_back_on=fed_back if fed_back is not None and fed_back >= said_on else None,
        by=by,
    )

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
from coproduce.web.participation import actions_activities
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project
from coproduce.web.takepart.models import Voter

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


@transaction.atomic
def record_outcome(
    *,
    decision: GroupDecision,
    outcome: str,
    change_idea: ChangeIdea | None = None,
    new_change_idea: str = "",
    date: datetime.date | None = None,
    by: User,
) -> GroupDecision:
    """Record what was decided, link it to a change idea (an existing one, or a new one
    titled ``new_change_idea``) and to the influence log as a participation ``Decision``
    (updated, not duplicated, when the outcome is recorded again)."""
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
    decision.outcome = outcome
    decision.change_idea = change_idea
    decision.influence = influence
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
            f"{influence.pk}, change idea {change_idea.pk if change_idea else 'none'}"
        ),
        data={
            "decision": decision.pk,
            "influence": influence.pk,
            "change_idea": change_idea.pk if change_idea else None,
        },
    )
    return decision

"""The one place that writes conversations, statements and votes (docs/adr/0004, 0022).

Keyword-only, atomic, the acting user (``by``) or voter passed in. Facilitators' changes
(conversations, seeded statements, moderation) and votes recorded in assisted mode are
audited; audit summaries name things by id only, never the statement text. Votes cast by the
voters themselves are not audited one by one: the vote row itself records who, what and when
(created and last changed), and a live event would otherwise write two rows per tap.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from coproduce.web.accounts.models import User
from coproduce.web.audit import actions as audit
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.projects.models import Project
from coproduce.web.takepart.models import JoinedVia, Voter

from . import selectors
from .models import (
    MAX_STATEMENT,
    MIN_STATEMENT,
    Analysis,
    Conversation,
    Statement,
    StatementStatus,
    Vote,
)

CLOSED = "This conversation has closed: votes and statements are no longer taken."
MAX_TOPIC = 200
MAX_DESCRIPTION = 5_000


def _audit(
    *, action: str, by: User | None, project: Project, target: Any, summary: str, **data: Any
) -> None:
    audit.record(
        action=f"deliberate.{action}",
        by=by,
        project=project,
        target=target,
        summary=summary,
        data=data or None,
    )


def _require_manager(*, project: Project, user: User) -> None:
    if not selectors.can_manage(project=project, user=user):
        raise NotAllowed("Only the project's facilitators can do this.")


def _clean_text(text: str, *, field: str, limit: int, required: bool = True) -> str:
    cleaned = " ".join((text or "").split())
    if required and not cleaned:
        raise ActionError(f"Enter the {field}.", field=field)
    if len(cleaned) > limit:
        raise ActionError(
            f"The {field} must be {limit} characters or fewer (it is {len(cleaned)}).",
            field=field,
        )
    return cleaned


def text_key(text: str) -> str:
    """The duplicate key of a statement: case, spacing and end punctuation ignored."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = " ".join(folded.split())
    return re.sub(r"[\s.!?,;:]+$", "", folded)[:MAX_STATEMENT]


# --------------------------------------------------------------------------- conversations


def create_conversation(
    *,
    project: Project,
    by: User,
    topic: str,
    description: str = "",
    is_open: bool = True,
    participants_may_submit: bool = True,
) -> Conversation:
    _require_manager(project=project, user=by)
    topic = _clean_text(topic, field="topic", limit=MAX_TOPIC)
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise ActionError(
            f"The description must be {MAX_DESCRIPTION} characters or fewer.", field="description"
        )
    with transaction.atomic():
        conversation = Conversation.objects.create(
            project=project,
            topic=topic,
            description=description,
            is_open=is_open,
            participants_may_submit=participants_may_submit,
            created_by=by,
            closed_at=None if is_open else timezone.now(),
        )
        _audit(
            action="conversation_created",
            by=by,
            project=project,
            target=conversation,
            summary=f"Conversation {conversation.pk} created",
        )
    return conversation


def update_conversation(
    *,
    conversation: Conversation,
    by: User,
    topic: str,
    description: str = "",
    is_open: bool,
    participants_may_submit: bool,
) -> Conversation:
    project = conversation.project
    _require_manager(project=project, user=by)
    topic = _clean_text(topic, field="topic", limit=MAX_TOPIC)
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise ActionError(
            f"The description must be {MAX_DESCRIPTION} characters or fewer.", field="description"
        )
    with transaction.atomic():
        was_open = conversation.is_open
        conversation.topic = topic
        conversation.description = description
        conversation.is_open = is_open
        conversation.participants_may_submit = participants_may_submit
        if was_open and not is_open:
            conversation.closed_at = timezone.now()
        elif is_open:
            conversation.closed_at = None
        conversation.save()
        _audit(
            action="conversation_updated",
            by=by,
            project=project,
            target=conversation,
            summary=f"Conversation {conversation.pk} updated ({'open' if is_open else 'closed'})",
        )
    return conversation


# --------------------------------------------------------------------------- statements


def _new_statement(
    *,
    conversation: Conversation,
    text: str,
    status: str,
    author: Voter | None,
    seeded_by: User | None,
) -> Statement:
    text = _clean_text(text, field="statement", limit=MAX_STATEMENT)
    if len(text) < MIN_STATEMENT:
        raise ActionError(
            f"The statement must be at least {MIN_STATEMENT} characters.", field="statement"
        )
    key = text_key(text)
    if Statement.objects.filter(conversation=conversation, text_key=key).exists():
        raise ActionError("This statement is already in the conversation.", field="statement")
    try:
        with transaction.atomic():
            return Statement.objects.create(
                conversation=conversation,
                text=text,
                text_key=key,
                status=status,
                author=author,
                seeded_by=seeded_by,
                moderated_by=seeded_by,
                moderated_at=timezone.now() if seeded_by is not None else None,
            )
    except IntegrityError as error:  # a duplicate that arrived at the same moment
        raise ActionError(
            "This statement is already in the conversation.", field="statement"
        ) from error


def seed_statement(*, conversation: Conversation, by: User, text: str) -> Statement:
    """A facilitator's statement: accepted at once."""
    project = conversation.project
    _require_manager(project=project, user=by)
    with transaction.atomic():
        statement = _new_statement(
            conversation=conversation,
            text=text,
            status=StatementStatus.ACCEPTED,
            author=None,
            seeded_by=by,
        )
        _audit(
            action="statement_seeded",
            by=by,
            project=project,
            target=statement,
            summary=f"Statement {statement.pk} seeded in conversation {conversation.pk}",
        )
    return statement


def submit_statement(*, conversation: Conversation, voter: Voter, text: str) -> Statement:
    """A voter's statement: waits in the moderation queue."""
    if voter.project_id != conversation.project_id:
        raise NotAllowed("You are not taking part in this project.")
    if not conversation.is_open:
        raise ActionError(CLOSED, field="statement")
    if not conversation.participants_may_submit:
        raise ActionError(
            "This conversation does not take statements from people taking part.",
            field="statement",
        )
    with transaction.atomic():
        statement = _new_statement(
            conversation=conversation,
            text=text,
            status=StatementStatus.PENDING,
            author=voter,
            seeded_by=None,
        )
        _audit(
            action="statement_submitted",
            by=voter.assisted_by if voter.joined_via == JoinedVia.ASSISTED else voter.user,
            project=conversation.project,
            target=statement,
            summary=f"Statement {statement.pk} submitted by voter {voter.pk} for moderation",
        )
    return statement


def moderate_statement(*, statement: Statement, by: User, accept: bool) -> Statement:
    conversation = statement.conversation
    project = conversation.project
    _require_manager(project=project, user=by)
    with transaction.atomic():
        statement.status = StatementStatus.ACCEPTED if accept else StatementStatus.REJECTED
        statement.moderated_by = by
        statement.moderated_at = timezone.now()
        statement.save(update_fields=["status", "moderated_by", "moderated_at"])
        _audit(
            action="statement_moderated",
            by=by,
            project=project,
            target=statement,
            summary=f"Statement {statement.pk} {statement.status}",
        )
    return statement


# --------------------------------------------------------------------------- votes


# Table names come from the models, values are parameters.
_UPSERT = (
    f"INSERT INTO {Vote._meta.db_table} "  # noqa: S608
    "(conversation_id, statement_id, voter_id, value, created_at, updated_at) "
    f"SELECT s.conversation_id, s.id, %s, %s, %s, %s FROM {Statement._meta.db_table} s "
    f"JOIN {Conversation._meta.db_table} c ON c.id = s.conversation_id "
    "WHERE s.id = %s AND s.conversation_id = %s AND s.status = %s AND c.project_id = %s "
    "AND c.is_open "
    "ON CONFLICT (voter_id, statement_id) "
    "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
)


def cast_vote(*, statement_id: int, conversation_id: int, voter: Voter, value: int) -> None:
    """Record ``voter``'s vote on a statement (agree 1, disagree -1, pass 0).

    One statement, an upsert that writes only when the statement is an accepted one of this
    open conversation in the voter's project: a repeated or replayed vote, or a changed one,
    leaves one row per (voter, statement) (the unique constraint). When nothing was written,
    a second query finds out why: an unknown statement, or the conversation has closed.
    Votes recorded in assisted mode are audited (the facilitator acted).
    """
    if isinstance(value, bool) or value not in (-1, 0, 1):
        raise ActionError("Choose agree, disagree or pass.", field="vote")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [
        voter.pk,
        value,
        now,
        now,
        statement_id,
        conversation_id,
        StatementStatus.ACCEPTED.value,
        voter.project_id,
    ]
    assisted = voter.joined_via == JoinedVia.ASSISTED and voter.assisted_by_id is not None
    if not assisted:  # one statement: atomic on its own (autocommit)
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT, params)
            written = cursor.rowcount
    else:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(_UPSERT, params)
                written = cursor.rowcount
            if written:
                audit.record(
                    action="deliberate.vote_assisted",
                    by=voter.assisted_by,
                    project=Project.objects.get(pk=voter.project_id),
                    summary=f"Assisted vote of voter {voter.pk} on statement {statement_id}",
                    data={"conversation": conversation_id},
                )
    if not written:
        target = selectors.votable_statement(
            statement_id=statement_id, conversation_id=conversation_id
        )
        if target is None or target[0] != voter.project_id:
            raise ActionError("There is no such statement to vote on here.", field="statement")
        raise ActionError(CLOSED, field="vote")


# --------------------------------------------------------------------------- analysis


def store_analysis(
    *, conversation: Conversation, vote_count: int, last_vote_at: Any, document: dict[str, Any]
) -> Analysis:
    """Keep the analysis computed from ``vote_count`` votes, the last at ``last_vote_at``.

    Derived data, recomputed from the votes: not audited.
    """
    analysis, _ = Analysis.objects.update_or_create(
        conversation=conversation,
        defaults={
            "vote_count": vote_count,
            "last_vote_at": last_vote_at,
            "document": document,
            "computed_at": timezone.now(),
        },
    )
    return analysis


def start_analysis_job(
    *, conversation: Conversation, by: User, current: selectors.Stamp | None = None
) -> Any:
    """Queue the analysis of a big conversation as a background job, unless none is needed.

    ``current`` is the votes it is for (by default, the conversation's votes now). The
    conversation's analysis row is locked while the job is queued, so two page views at the
    same moment queue one job, not two: the second finds the first's job waiting
    (``selectors.needs_analysis_job``) and returns it. Returns the job the analysis waits on.
    """
    from django.urls import reverse

    from coproduce.web.jobs import actions as job_actions

    project = conversation.project
    if current is None:
        current = selectors.stamp(conversation=conversation)
    with transaction.atomic():
        Analysis.objects.get_or_create(conversation=conversation)
        analysis = (
            Analysis.objects.select_for_update(of=("self",))  # not the job (an outer join)
            .select_related("job")
            .get(conversation=conversation)
        )
        if not selectors.needs_analysis_job(analysis, current):
            return analysis.job
        job = job_actions.enqueue(
            project=project,
            user=by,
            kind="deliberation_analysis",
            title=f"Opinion groups for conversation {conversation.pk}",
            task="coproduce.web.deliberate.jobs.analyse_conversation",
            params={
                "conversation_id": conversation.pk,
                "queued_for": selectors.stamp_params(current),
            },
            next_url=reverse("deliberate:results", args=[project.pk, conversation.pk]),
        )
        analysis.job = job
        analysis.save(update_fields=["job"])
    return job


def refresh_analysis(
    *, conversation: Conversation, by: User | None, background: bool = True
) -> tuple[Analysis | None, bool]:
    """The conversation's analysis, recomputed when votes have arrived since the last one.

    Returns (analysis, stale): for a big conversation (over ``BACKGROUND_VOTES`` votes) the
    new analysis is computed by a background job and the previous one is returned meanwhile,
    marked stale, with the job (``analysis.job``) whose progress the page shows. While that
    job waits or runs no second one is queued; after it failed or was cancelled, a new one is
    queued only once the votes have changed (``selectors.needs_analysis_job``).
    """
    current = selectors.stamp(conversation=conversation)
    cached = selectors.cached_analysis(conversation=conversation)
    if selectors.is_fresh(cached, current):
        return cached, False
    if background and by is not None and current.votes > selectors.BACKGROUND_VOTES:
        if selectors.needs_analysis_job(cached, current):
            start_analysis_job(conversation=conversation, by=by, current=current)
            cached = selectors.cached_analysis(conversation=conversation)
        return cached, True
    document = selectors.compute_document(
        conversation=conversation, previous=None if cached is None else cached.document
    )
    return (
        store_analysis(
            conversation=conversation,
            vote_count=current.votes,
            last_vote_at=current.last_vote_at,
            document=document,
        ),
        False,
    )

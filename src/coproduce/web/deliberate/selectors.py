"""Reads for the deliberation pages and API (docs/adr/0022).

Who may do what: every member of the project sees its conversations and their results;
facilitators create and edit conversations, seed and moderate statements, run the live
screen and download the Pol.is export; anyone with a voter seat in the project (a member's
own seat, or a seat from an invitation link or event code) votes on an open conversation's
accepted statements and, when the conversation allows it, suggests statements.

Callers get the project through ``projects.selectors.project_for_user`` first (404 for
outsiders); lookups here are confined to that project, so another project's conversations
are 404 too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404

from coproduce.web.jobs.models import JobStatus
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Role
from coproduce.web.takepart.models import Constituency, Voter

from .models import POLIS_MODERATED, Analysis, Conversation, Statement, StatementStatus, Vote

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Project

#: Constituencies weighted equally in bridging (issue 7): "other" is left out of bridging.
BRIDGING_CONSTITUENCIES: tuple[str, ...] = (
    Constituency.PATIENT,
    Constituency.CARER,
    Constituency.STAFF,
)
#: Above this many votes the analysis runs as a background job rather than in the request.
BACKGROUND_VOTES = 50_000


# --------------------------------------------------------------------------- permissions


def can_manage(*, project: Project, user: User | AnonymousUser) -> bool:
    return project_selectors.role_in(project=project, user=user) == Role.FACILITATOR


def permissions(*, project: Project, user: User | AnonymousUser) -> dict[str, bool]:
    return {"can_manage": can_manage(project=project, user=user)}


# --------------------------------------------------------------------------- conversations


def conversations(*, project: Project) -> QuerySet[Conversation]:
    return Conversation.objects.filter(project=project).annotate(
        n_accepted=Count("statements", filter=Q(statements__status=StatementStatus.ACCEPTED)),
        n_pending=Count("statements", filter=Q(statements__status=StatementStatus.PENDING)),
    )


def conversation_for(*, project: Project, pk: int) -> Conversation:
    """The project's conversation ``pk``, or 404."""
    found = Conversation.objects.filter(project=project, pk=pk).select_related("project").first()
    if found is None:
        raise Http404("No such conversation in this project.")
    return found


def open_conversations(*, project_id: int) -> QuerySet[Conversation]:
    return Conversation.objects.filter(project_id=project_id, is_open=True)


def statement_for(*, conversation: Conversation, pk: int) -> Statement:
    found = Statement.objects.filter(conversation=conversation, pk=pk).first()
    if found is None:
        raise Http404("No such statement in this conversation.")
    return found


def statements(*, conversation: Conversation, status: str | None = None) -> QuerySet[Statement]:
    qs = Statement.objects.filter(conversation=conversation)
    return qs.filter(status=status) if status else qs


def votable_statement(*, statement_id: int, conversation_id: int) -> tuple[int, bool] | None:
    """(project id, conversation open) of an accepted statement, or None: one query."""
    row = (
        Statement.objects.filter(
            pk=statement_id,
            conversation_id=conversation_id,
            status=StatementStatus.ACCEPTED,
        )
        .values_list("conversation__project_id", "conversation__is_open")
        .first()
    )
    return None if row is None else (row[0], row[1])


_VOTER_BY_KEY = (  # the table name comes from the model
    f"SELECT id, project_id, constituency, joined_via, assisted_by_id FROM "  # noqa: S608
    f"{Voter._meta.db_table} WHERE key_hash = %s"
)


def voter_by_key_hash(key_hash: str) -> Voter | None:
    """The voter with this key (one plain query: the vote endpoint's hot path).

    The instance carries only id, project, constituency, how they joined and who assisted.
    """
    with connection.cursor() as cursor:
        cursor.execute(_VOTER_BY_KEY, [key_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    return Voter(
        id=row[0],
        project_id=row[1],
        constituency=row[2],
        joined_via=row[3],
        assisted_by_id=row[4],
        key_hash=key_hash,
    )


# --------------------------------------------------------------------------- a voter's view


@dataclass(frozen=True)
class VoterProgress:
    next_statement: Statement | None
    voted: tuple[tuple[Statement, int], ...]
    remaining: int
    total: int


def voter_progress(*, conversation: Conversation, voter: Voter) -> VoterProgress:
    """The next accepted statement ``voter`` has not voted on, and their votes so far."""
    accepted = list(statements(conversation=conversation, status=StatementStatus.ACCEPTED))
    mine = dict(
        Vote.objects.filter(voter=voter, statement__conversation=conversation).values_list(
            "statement_id", "value"
        )
    )
    unvoted = [s for s in accepted if s.pk not in mine]
    return VoterProgress(
        next_statement=unvoted[0] if unvoted else None,
        voted=tuple((s, mine[s.pk]) for s in accepted if s.pk in mine),
        remaining=len(unvoted),
        total=len(accepted),
    )


def vote_of(*, voter: Voter, statement: Statement) -> int | None:
    return (
        Vote.objects.filter(voter=voter, statement=statement)
        .values_list("value", flat=True)
        .first()
    )


# --------------------------------------------------------------------------- counts


@dataclass(frozen=True)
class Stamp:
    """What an analysis was computed from: the number of votes and the last vote's time."""

    votes: int
    last_vote_at: dt.datetime | None


def stamp(*, conversation: Conversation) -> Stamp:
    row = Vote.objects.filter(conversation=conversation).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    return Stamp(votes=row["n"] or 0, last_vote_at=row["last"])


def voters_by_constituency(*, conversation: Conversation) -> dict[str, int]:
    """How many voters of each constituency have voted, in constituency order."""
    rows = dict(
        Vote.objects.filter(conversation=conversation)
        .order_by()
        .values_list("voter__constituency")
        .annotate(n=Count("voter", distinct=True))
        .values_list("voter__constituency", "n")
    )
    return {c: rows.get(c, 0) for c in Constituency.values}


# --------------------------------------------------------------------------- analysis


def _votes(conversation: Conversation) -> list[tuple[int, int, int, str, dt.datetime]]:
    return list(
        Vote.objects.filter(conversation=conversation, statement__status=StatementStatus.ACCEPTED)
        .order_by("statement_id", "voter_id")
        .values_list("voter_id", "statement_id", "value", "voter__constituency", "updated_at")
    )


def compute_document(
    *, conversation: Conversation, previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The analysis of the conversation's votes now: the ``coproduce deliberation analyse``
    document, plus what the pages show (groups' members and representative statements,
    bridging per constituency).

    ``previous`` is the last analysis document, if any: its groups are passed to the core so
    that group ids stay put as votes arrive (ADR 0020), rather than being renumbered by size
    each time the results are recomputed.
    """
    from coproduce.deliberation import analyse, summary_document, vote_matrix

    votes = _votes(conversation)
    accepted = [
        str(pk)
        for pk in statements(conversation=conversation, status=StatementStatus.ACCEPTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    constituency_of: dict[str, str] = {}
    for voter_id, _s, _v, constituency, _at in votes:
        constituency_of.setdefault(str(voter_id), constituency)
    participants = list(constituency_of)
    matrix = vote_matrix(
        ((str(p), str(s), v) for p, s, v, _c, _at in votes),
        participants=participants,
        statements=accepted,
    )
    constituencies = [
        c if c in BRIDGING_CONSTITUENCIES else None
        for c in (constituency_of[p] for p in participants)
    ]
    last = (previous or {}).get("participants", {})
    previous_groups = [last.get(p, {}).get("group") for p in participants] if last else None
    result = analyse(matrix, constituencies, previous=previous_groups)
    document = summary_document(result)
    groups: dict[str, Any] = {}
    for gid, reps in result.representative.items():
        members = [p for p, g in document["participants"].items() if g["group"] == gid]
        groups[str(gid)] = {
            "size": len(members),
            "representative": [
                {
                    "statement": matrix.statements[r.statement],
                    "direction": r.repful_for,
                    "share": r.n_success / r.n_trials if r.n_trials else 0.0,
                    "n": r.n_trials,
                }
                for r in reps
            ],
        }
    b = result.bridging
    per_constituency = {
        name: {
            matrix.statements[j]: {"agree": int(b.agree[i, j]), "seen": int(b.seen[i, j])}
            for j in range(len(matrix.statements))
        }
        for i, name in enumerate(b.constituencies)
    }
    document["detail"] = {
        "groups": groups,
        "constituencies": list(b.constituencies),
        "bridging_counts": per_constituency,
        "participants": len(participants),
        "votes": matrix.n_votes,
    }
    return document


def cached_analysis(*, conversation: Conversation) -> Analysis | None:
    return Analysis.objects.filter(conversation=conversation).select_related("job").first()


def is_fresh(analysis: Analysis | None, current: Stamp) -> bool:
    return (
        analysis is not None
        and bool(analysis.document)
        and analysis.vote_count == current.votes
        and analysis.last_vote_at == current.last_vote_at
    )


def stamp_params(current: Stamp) -> dict[str, Any]:
    """The votes a background analysis job was queued for, as its (JSON) job params."""
    return {
        "votes": current.votes,
        "last_vote_at": None if current.last_vote_at is None else current.last_vote_at.isoformat(),
    }


def needs_analysis_job(analysis: Analysis | None, current: Stamp) -> bool:
    """Should a new background analysis be queued for the votes ``current``?

    Not while one is waiting or running (one page view after another must not queue a second).
    After one has succeeded, yes (the analysis is not fresh, so votes have arrived since). After
    one has failed or been cancelled, only once votes have changed since it was queued: the
    same votes would fail again, and a cancelled job must not restart on the next page view;
    meanwhile the page shows how the last job ended.
    """
    job = None if analysis is None else analysis.job
    if job is None:
        return True
    if not job.is_finished:
        return False
    if job.status == JobStatus.SUCCEEDED:
        return True
    return bool(job.params.get("queued_for") != stamp_params(current))


def public_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document without the page-only detail: the CLI's shape."""
    return {k: v for k, v in document.items() if k != "detail"}


# --------------------------------------------------------------------------- results view


@dataclass(frozen=True)
class StatementRow:
    statement: Statement
    consensus: float
    bridging: float
    agree: int
    disagree: int
    passed: int
    by_constituency: tuple[tuple[str, int, int], ...] = ()


@dataclass(frozen=True)
class GroupView:
    id: int
    size: int
    representative: tuple[tuple[Statement, str, float, int], ...]


@dataclass(frozen=True)
class Results:
    participants: int
    votes: int
    placed: int
    groups: tuple[GroupView, ...]
    consensus: tuple[StatementRow, ...]
    bridging: tuple[StatementRow, ...]
    constituencies: tuple[tuple[str, str, int], ...]
    rows: dict[int, StatementRow] = field(default_factory=dict)


def results(*, conversation: Conversation, document: dict[str, Any]) -> Results:
    """What the results pages show, from an analysis document."""
    by_id = {
        str(s.pk): s for s in statements(conversation=conversation, status=StatementStatus.ACCEPTED)
    }
    tallies: dict[int, dict[int, int]] = {}
    for sid, value, n in (
        Vote.objects.filter(conversation=conversation)
        .order_by()
        .values_list("statement_id", "value")
        .annotate(n=Count("pk"))
        .values_list("statement_id", "value", "n")
    ):
        tallies.setdefault(sid, {})[value] = n
    detail = document.get("detail", {})
    counts = detail.get("bridging_counts", {})
    names = detail.get("constituencies", [])
    rows: dict[int, StatementRow] = {}
    for sid, scores in document.get("statements", {}).items():
        statement = by_id.get(sid)
        if statement is None:
            continue
        t = tallies.get(statement.pk, {})
        rows[statement.pk] = StatementRow(
            statement=statement,
            consensus=scores["group_informed_consensus"],
            bridging=scores["bridging"],
            agree=t.get(1, 0),
            disagree=t.get(-1, 0),
            passed=t.get(0, 0),
            by_constituency=tuple(
                (name, counts[name][sid]["agree"], counts[name][sid]["seen"])
                for name in names
                if sid in counts.get(name, {})
            ),
        )
    bridging = tuple(
        rows[int(sid)] for sid in document.get("bridging_statements", []) if int(sid) in rows
    )
    consensus = tuple(sorted(rows.values(), key=lambda r: (-r.consensus, r.statement.pk)))
    groups = []
    for gid, g in sorted(detail.get("groups", {}).items(), key=lambda kv: int(kv[0])):
        reps = tuple(
            (by_id[r["statement"]], r["direction"], r["share"], r["n"])
            for r in g["representative"]
            if r["statement"] in by_id
        )
        groups.append(GroupView(id=int(gid), size=g["size"], representative=reps))
    participants = document.get("participants", {})
    labels = dict(Constituency.choices)
    voters = voters_by_constituency(conversation=conversation)
    return Results(
        participants=len(participants),
        votes=detail.get("votes", 0),
        placed=sum(1 for p in participants.values() if p["group"] is not None),
        groups=tuple(groups),
        consensus=consensus,
        bridging=bridging,
        constituencies=tuple((c, str(labels[c]), voters.get(c, 0)) for c in Constituency.values),
        rows=rows,
    )


# --------------------------------------------------------------------------- export


def export_data(*, conversation: Conversation) -> tuple[list[Any], list[Any]]:
    """(statements, final votes) in the core's export types, every statement included."""
    from coproduce.deliberation import ExportStatement, ExportVote

    all_statements = [
        ExportStatement(
            id=str(s.pk),
            text=s.text,
            author=None if s.author_id is None else str(s.author_id),
            created=s.created_at,
            moderated=POLIS_MODERATED[StatementStatus(s.status)],
        )
        for s in statements(conversation=conversation).order_by("pk")
    ]
    votes = [
        ExportVote(participant=str(v), statement=str(s), vote=value, at=at)
        for v, s, value, at in Vote.objects.filter(conversation=conversation)
        .order_by("statement_id", "voter_id")
        .values_list("voter_id", "statement_id", "value", "updated_at")
    ]
    return all_statements, votes


def export_participants(
    *, conversation: Conversation, document: dict[str, Any]
) -> dict[str, int | None]:
    """Every voter who voted or wrote a statement, with their opinion group."""
    groups: dict[str, int | None] = {
        p: g["group"] for p, g in document.get("participants", {}).items()
    }
    ids: Sequence[int] = sorted(
        set(Vote.objects.filter(conversation=conversation).values_list("voter_id", flat=True))
        | set(
            statements(conversation=conversation)
            .exclude(author=None)
            .values_list("author_id", flat=True)
        )
    )
    return {str(i): groups.get(str(i)) for i in ids}

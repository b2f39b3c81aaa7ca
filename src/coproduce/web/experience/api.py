"""API endpoints of feedback and stories, mounted under /api/v1 by coproduce.web.api.api.

The same permissions as the pages (ADR 0015): outsiders get 404 for everything.

* Every member lists comments: redacted text only; comments flagged as identifying only
  for facilitators. ``original_text`` is never sent.
* Facilitators and staff add a story (assisted capture) and import rows as JSON, with the
  same checks as a file: a bad row refuses the whole import (400, with every problem's row,
  column and reason, rows counted from 1); duplicates are left out and listed.

No ``from __future__ import annotations`` here: ninja reads the annotations of the paginated
view in its own module (as ``participation.api``).
"""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from coproduce.web.accounts.models import User
from coproduce.web.errors import NotAllowed
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project

from . import actions, selectors
from .models import Comment, Consent, Source

router = Router(tags=["experience"])

BASE = "/projects/{project_id}/experience"
MAX_PAGE_NUMBER = 2**31 - 1
#: The most rows one JSON import takes (a bigger archive goes in several requests or a file).
MAX_JSON_ROWS = 100_000


class Pages(LimitOffsetPagination):
    """ninja's limit and offset (100 a page by default), bounded above."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=MAX_PAGE_NUMBER)


class ExperienceError(Schema):
    detail: str
    field: str | None = None


class RowProblem(Schema):
    row: int = Field(description="The row's place in the list sent, counted from 1.")
    column: str
    reason: str


class ImportRefused(Schema):
    detail: str
    error_count: int
    errors: list[RowProblem] = Field(description="The first 100 problems.")


READ_ERRORS: dict[int, Any] = {403: ExperienceError, 404: ExperienceError}
ERRORS: dict[int, Any] = {400: ExperienceError, **READ_ERRORS}


class CommentOut(Schema):
    id: int
    batch_id: int | None
    source: Source
    date: dt.date | None
    service: str
    question: str
    rating: int | None = Field(description="FFT: 1 very good … 5 very poor, 6 don't know.")
    teller_role: str
    consent: Consent
    text: str = Field(description="The redacted text: identifiers replaced by tags.")
    redaction_count: int
    identifying: bool = Field(description="Held back for review (facilitators only see it).")
    reviewed: bool
    created_at: dt.datetime


class CommentFilters(Schema):
    source: Source | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    service: str = ""
    rating: int | None = Field(None, ge=1, le=6)
    q: str = Field("", max_length=200, description="Words to find in the redacted text.")


class StoryIn(Schema):
    text: str = Field(min_length=1, max_length=actions.MAX_STORY)
    date: dt.date | None = None
    source: Source = Source.STORY
    teller_role: str = Field(description="patient, carer, family or staff")
    service: str = Field("", max_length=200)
    consent: Consent = Field(description="Required: what the teller agreed to.")


class FeedbackRowIn(Schema):
    comment: str | None = None
    date: str | None = Field(None, description="2026-01-31, 31/01/2026 …")
    service: str | None = None
    rating: int | str | None = Field(None, description="1 to 6, or the FFT's words")
    question: str | None = None
    id: str | None = None
    teller_role: str | None = None


class ImportIn(Schema):
    source: Source
    consent: Consent
    skip_empty: bool = Field(False, description="Leave out rows without a comment.")
    rows: list[FeedbackRowIn] = Field(max_length=MAX_JSON_ROWS)


class DuplicateOut(Schema):
    row: int
    of_row: int | None = Field(description="The earlier row it repeats; null: in the project.")
    reason: str


class ImportOut(Schema):
    batch_id: int | None = Field(description="Null when nothing was new.")
    rows_read: int
    added: int
    duplicate_count: int
    duplicates: list[DuplicateOut]
    empty_skipped: int
    identifying: int = Field(description="Comments held back for review.")


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        user = request.user
    assert isinstance(user, User)
    return user


def _project(request: HttpRequest, project_id: int) -> Project:
    return project_selectors.project_for_user(pk=project_id, user=_user(request))


def _comment_out(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "batch_id": comment.batch_id,
        "source": comment.source,
        "date": comment.date,
        "service": comment.service,
        "question": comment.question,
        "rating": comment.rating,
        "teller_role": comment.teller_role,
        "consent": comment.consent,
        "text": comment.text,
        "redaction_count": comment.redaction_count,
        "identifying": comment.identifying,
        "reviewed": comment.redaction_reviewed_at is not None,
        "created_at": comment.created_at,
    }


class _Converted:
    def __init__(self, rows: Any) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return int(self.rows.count())

    def __getitem__(self, part: slice) -> list[dict[str, Any]]:
        return [_comment_out(c) for c in self.rows[part]]


@router.get(BASE + "/comments", response={200: list[CommentOut], **READ_ERRORS})
@paginate(Pages)
def list_comments(request: HttpRequest, project_id: int, filters: Query[CommentFilters]) -> Any:
    """The comments this member may see, newest first, redacted; identifying ones only for
    facilitators."""
    project = _project(request, project_id)
    chosen = selectors.Filters(
        source=filters.source or "",
        date_from=filters.date_from,
        date_to=filters.date_to,
        service=filters.service,
        rating=filters.rating,
        q=filters.q.strip(),
    )
    return _Converted(selectors.filtered_comments(_user(request), project, chosen))


@router.get(BASE + "/comments/{comment_id}", response={200: CommentOut, **READ_ERRORS})
def get_comment(
    request: HttpRequest, project_id: int, comment_id: Annotated[int, Field(ge=1)]
) -> Any:
    project = _project(request, project_id)
    return _comment_out(selectors.comment_for(user=_user(request), project=project, pk=comment_id))


@router.post(BASE + "/stories", response={201: CommentOut, **ERRORS})
def create_story(request: HttpRequest, project_id: int, payload: StoryIn) -> Any:
    """A story typed on someone's behalf (assisted capture), redacted before it is saved."""
    project = _project(request, project_id)
    if not selectors.can_capture(project=project, user=_user(request)):
        raise NotAllowed(actions.CAPTURE_REFUSED)
    comment = actions.add_story(
        project=project,
        user=_user(request),
        text=payload.text,
        date=payload.date,
        source=payload.source,
        teller_role=payload.teller_role,
        service=payload.service,
        consent=payload.consent,
    )
    return Status(201, _comment_out(comment))


@router.post(
    BASE + "/imports",
    response={201: ImportOut, 200: ImportOut, 400: ImportRefused | ExperienceError, **READ_ERRORS},
)
def import_rows(request: HttpRequest, project_id: int, payload: ImportIn) -> Any:
    """Import rows, all or nothing: 201 with the new batch; 200 when every row was a
    duplicate (nothing new); 400 listing the problems when any row is bad."""
    project = _project(request, project_id)
    if not selectors.can_capture(project=project, user=_user(request)):
        raise NotAllowed(actions.CAPTURE_REFUSED)
    rows = [row.dict() for row in payload.rows]
    try:
        report = actions.import_feedback(
            project=project,
            user=_user(request),
            rows=rows,
            source=payload.source,
            consent=payload.consent,
            skip_empty=payload.skip_empty,
        )
    except actions.InvalidFeedback as refused:
        return Status(
            400,
            {
                "detail": refused.message,
                "error_count": refused.report.error_count,
                "errors": [
                    {"row": e.row, "column": e.column, "reason": e.reason}
                    for e in refused.report.errors
                ],
            },
        )
    body = {
        "batch_id": report.batch.pk if report.batch else None,
        "rows_read": report.rows_read,
        "added": report.added,
        "duplicate_count": report.duplicate_count,
        "duplicates": [
            {"row": d.row, "of_row": d.of_row, "reason": d.reason} for d in report.duplicates
        ],
        "empty_skipped": report.empty_skipped,
        "identifying": report.identifying,
    }
    return Status(201 if report.batch else 200, body)

"""Reads of feedback and stories, scoped to what the reader may see (ADR 0015).

Callers first get the project through ``projects.selectors.project_for_user`` (404 for
outsiders); lookups here are then confined to that project.

Who may do what:

* every member reads the feedback list, comment pages and the CSV export, all of redacted
  text only; comments flagged as identifying are held back from everyone but the
  project's facilitators, and counted only ("N held back for review");
* facilitators and staff import files and type stories on someone's behalf;
* facilitators review redactions (add, restore where the original is kept, clear the
  flag), see the original text where consent kept it, and delete a batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from coproduce.experience import feedback_import as core
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Role

from .models import Comment, FeedbackBatch

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Project

#: How many fingerprints one ``IN`` query asks about (well under every database's limit).
FINGERPRINT_CHUNK = 900


# --------------------------------------------------------------------------- who may do what


def _role(*, project: Project, user: User | AnonymousUser) -> str | None:
    return project_selectors.role_in(project=project, user=user)


def can_capture(*, project: Project, user: User | AnonymousUser) -> bool:
    """Facilitators and staff import feedback and type stories on someone's behalf."""
    return _role(project=project, user=user) in (Role.FACILITATOR, Role.STAFF)


def can_review(*, project: Project, user: User | AnonymousUser) -> bool:
    """Facilitators review redactions, see identifying comments and delete batches."""
    return _role(project=project, user=user) == Role.FACILITATOR


def permissions(*, project: Project, user: User | AnonymousUser) -> dict[str, bool]:
    """The flags every experience template reads."""
    role = _role(project=project, user=user)
    return {
        "can_capture": role in (Role.FACILITATOR, Role.STAFF),
        "can_review": role == Role.FACILITATOR,
    }


# --------------------------------------------------------------------------- comments


def visible_comments(user: User | AnonymousUser, project: Project) -> QuerySet[Comment]:
    """The project's comments this user may see: none for outsiders; identifying comments
    only for the project's facilitators. Redacted text only (``text``): callers must not
    show ``original_text`` to anyone but facilitators."""
    role = _role(project=project, user=user)
    if role is None:
        return Comment.objects.none()
    comments = Comment.objects.filter(project=project)
    if role != Role.FACILITATOR:
        comments = comments.filter(identifying=False)
    return comments


def held_back_count(user: User | AnonymousUser, project: Project) -> int:
    """How many comments are held back from this user for review (0 for facilitators)."""
    if can_review(project=project, user=user):
        return 0
    return Comment.objects.filter(project=project, identifying=True).count()


@dataclass(frozen=True)
class Filters:
    """The list's filters, all optional."""

    source: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    service: str = ""
    rating: int | None = None
    q: str = ""

    @property
    def active(self) -> bool:
        return any((self.source, self.date_from, self.date_to, self.service, self.rating, self.q))


def filtered_comments(
    user: User | AnonymousUser, project: Project, filters: Filters
) -> QuerySet[Comment]:
    """:func:`visible_comments` narrowed by ``filters``; the search is in the redacted text."""
    comments = visible_comments(user, project)
    if filters.source:
        comments = comments.filter(source=filters.source)
    if filters.date_from:
        comments = comments.filter(date__gte=filters.date_from)
    if filters.date_to:
        comments = comments.filter(date__lte=filters.date_to)
    if filters.service:
        comments = comments.filter(service=filters.service)
    if filters.rating:
        comments = comments.filter(rating=filters.rating)
    if filters.q:
        comments = comments.filter(text__icontains=filters.q)
    return comments.order_by("-date", "-pk")


def services_of(user: User | AnonymousUser, project: Project) -> list[str]:
    """The services named in the comments this user may see, for the list's filter (a
    service named only by held-back comments would tell of them)."""
    names = (
        visible_comments(user, project)
        .exclude(service="")
        .values_list("service", flat=True)
        .distinct()
        .order_by("service")
    )
    return list(names[:500])


def comment_for(*, user: User | AnonymousUser, project: Project, pk: int) -> Comment:
    """A comment this user may see (404 otherwise, identifying ones included)."""
    try:
        return (
            visible_comments(user, project)
            .select_related("batch", "captured_by", "redaction_reviewed_by")
            .get(pk=pk)
        )
    except Comment.DoesNotExist:
        raise Http404("No such comment.") from None


def review_queue(*, project: Project, show: str = "to_review") -> QuerySet[Comment]:
    """Comments flagged as identifying or with redactions: those not yet reviewed first.

    ``show`` is ``"to_review"`` (not yet reviewed, or still flagged) or ``"all"``.
    """
    comments = Comment.objects.filter(project=project).filter(
        Q(identifying=True) | Q(redaction_count__gt=0)
    )
    if show != "all":
        comments = comments.filter(Q(redaction_reviewed_at__isnull=True) | Q(identifying=True))
    return comments.order_by("-identifying", "redaction_reviewed_at", "-date", "-pk")


def to_review_count(*, project: Project) -> int:
    return review_queue(project=project).count()


# --------------------------------------------------------------------------- batches


def batches_of(*, project: Project) -> QuerySet[FeedbackBatch]:
    return FeedbackBatch.objects.filter(project=project).select_related("created_by")


def batch_in(*, project: Project, pk: int) -> FeedbackBatch:
    try:
        return batches_of(project=project).get(pk=pk)
    except FeedbackBatch.DoesNotExist:
        raise Http404("No such import.") from None


# --------------------------------------------------------------------------- checking imports


def stored_fingerprints(*, project: Project, fingerprints: Iterable[str]) -> set[str]:
    """Those of ``fingerprints`` already in the project (asked in chunks)."""
    wanted = list(dict.fromkeys(fingerprints))
    found: set[str] = set()
    for i in range(0, len(wanted), FINGERPRINT_CHUNK):
        chunk = wanted[i : i + FINGERPRINT_CHUNK]
        found.update(
            Comment.objects.filter(project=project, fingerprint__in=chunk).values_list(
                "fingerprint", flat=True
            )
        )
    return found


@dataclass(frozen=True)
class Prepared:
    """Rows read and checked, split into those to add and the duplicates left out."""

    checked: core.CheckedRows
    to_add: list[core.FeedbackRow] = field(repr=False)
    duplicates: list[core.Duplicate]
    encoding: str
    filename: str
    columns: Mapping[str, str | None]


def _from_file(file: bytes | Path, filename: str) -> tuple[core.Table, str]:
    if isinstance(file, Path):
        name = filename or file.name
        data = file.read_bytes()
    else:
        name, data = filename, file
    return core.read_table(data, name), name


def read_file(file: bytes | Path, filename: str = "") -> core.Table:
    """The file's table (:class:`core.FeedbackFileError` if it cannot be read)."""
    return _from_file(file, filename)[0]


def prepare(
    *,
    project: Project,
    rows: Iterable[Mapping[str, object]] | None = None,
    file: bytes | Path | None = None,
    filename: str = "",
    columns: Mapping[str, str | None] | None = None,
    skip_empty: bool = False,
    max_text: int = core.DEFAULT_MAX_TEXT,
) -> Prepared:
    """Read and check rows (given, or from a file) and find the duplicates; write nothing.

    Rows given directly are mappings keyed by field name (``comment``, ``date``,
    ``service``, ``rating``, ``question``, ``id``, ``teller_role``) unless ``columns`` says
    otherwise; their rows are numbered from 1. A file's rows are numbered as the spreadsheet
    shows them (the header is row 1), and its columns guessed from the header unless given.

    Raises:
        core.FeedbackFileError: the file cannot be read.
        ValueError: no comment column.
    """
    if (rows is None) == (file is None):
        raise ValueError("give either rows or a file")
    records: Iterable[Mapping[str, object]]
    numbers: Sequence[int] | None
    encoding = ""
    if file is not None:
        table, filename = _from_file(file, filename)
        records = table.records()
        numbers = table.row_numbers
        encoding = table.encoding
        if columns is None:
            columns = core.guess_columns(table.columns)
        missing = [c for c in columns.values() if c and c not in table.columns]
        if missing:
            raise ValueError(f"the file has no column {missing[0]!r}")
    else:
        assert rows is not None
        listed = list(rows)
        records = listed
        numbers = range(1, len(listed) + 1)
        if columns is None:
            columns = {name: name for name in core.FIELDS}
    checked = core.check_rows(
        records, columns, row_numbers=numbers, skip_empty=skip_empty, max_text=max_text
    )
    if not checked.ok:
        return Prepared(checked, [], [], encoding, filename, dict(columns))
    stored = stored_fingerprints(
        project=project, fingerprints=(r.fingerprint for r in checked.rows)
    )
    to_add, duplicates = core.split_duplicates(checked.rows, stored)
    return Prepared(checked, to_add, duplicates, encoding, filename, dict(columns))


def export_rows(
    user: User | AnonymousUser, project: Project, filters: Filters
) -> Iterator[Comment]:
    """The comments of the CSV export, as the list shows them, in chunks."""
    return (
        filtered_comments(user, project, filters)
        .only("pk", "date", "source", "service", "question", "rating", "teller_role", "text")
        .iterator(chunk_size=2000)
    )

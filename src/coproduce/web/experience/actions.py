"""Writing feedback and stories: imports, assisted capture, redaction review (ADR 0015).

Every text is redacted before it is saved (``coproduce.experience.redact``): ``Comment.text``
holds the redacted text, ``redaction_spans`` its tags, ``original_text`` the original only when
the teller's consent is ``KEEP_ORIGINAL``. A comment in which anything was redacted is flagged
as identifying and held back from everyone but facilitators until one reviews it.

Audit events name batches and comments by id and count; never a comment's text, a filename or
the words a facilitator redacted.

Public functions other apps call: :func:`import_feedback` and :func:`add_story`;
:func:`start_import` imports a staged file in the background (``tasks.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from coproduce.experience import feedback_import as core
from coproduce.experience.redact import IdentifierKind, Redaction, redact, redact_many, redact_spans
from coproduce.web.accounts.models import User
from coproduce.web.audit import actions as audit
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.jobs import actions as jobs
from coproduce.web.jobs.models import Job
from coproduce.web.projects.models import Project

from . import selectors
from .models import Comment, Consent, FeedbackBatch, Source

#: Rows redacted and written at a time.
WRITE_CHUNK = 2000
#: Files with more rows than this are imported in the background (ADR 0015): a trust's
#: 100,000-row export takes tens of seconds, too long for a request.
BACKGROUND_ROWS = 5000

Progress = Callable[[float, str], None]
#: The longest story typed on someone's behalf.
MAX_STORY = 50_000
#: Who told a story typed on their behalf.
TELLER_ROLES = (
    ("patient", "Patient"),
    ("carer", "Carer"),
    ("family", "Family member"),
    ("staff", "Staff member"),
)

CAPTURE_REFUSED = "Only the project's facilitators and staff can add feedback and stories."
REVIEW_REFUSED = "Only the project's facilitators can review redactions."


@dataclass(frozen=True)
class ImportReport:
    """What an import did, or (``ok`` false) why it did nothing.

    ``duplicates`` lists every row left out as a duplicate (with the earlier row, or "already
    in the project"); ``errors`` the first problems, ``error_count`` all of them.
    """

    batch: FeedbackBatch | None
    rows_read: int
    added: int
    duplicates: tuple[core.Duplicate, ...]
    empty_skipped: int
    identifying: int
    errors: tuple[core.RowError, ...]
    error_count: int
    encoding: str = ""
    columns: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def duplicate_count(self) -> int:
        return len(self.duplicates)

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})


class InvalidFeedback(ActionError):
    """Some rows cannot be imported, so none was: ``report.errors`` says which and why."""

    def __init__(self, report: ImportReport) -> None:
        count = report.error_count
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the rows: nothing was imported."
        )
        self.report = report


# --------------------------------------------------------------------------- helpers


def _choice(value: str, choices: Any, *, field_name: str, what: str) -> str:
    if value not in choices.values:
        raise ActionError(f"Choose {what}", field=field_name)
    return value


def _spans_json(result: Redaction, *, keep_original: bool) -> list[dict[str, Any]]:
    """Tags in redacted-text coordinates; original ones only when the original is kept."""
    out: list[dict[str, Any]] = []
    for span in result.spans:
        item: dict[str, Any] = {
            "kind": span.kind.value,
            "start": span.redacted_start,
            "end": span.redacted_end,
        }
        if keep_original:
            item["original_start"] = span.start
            item["original_end"] = span.end
        out.append(item)
    return out


def _comment(
    *,
    project: Project,
    batch: FeedbackBatch,
    source: str,
    consent: str,
    original: str,
    result: Redaction,
    **values: Any,
) -> Comment:
    keep = consent == Consent.KEEP_ORIGINAL
    return Comment(
        project=project,
        batch=batch,
        source=source,
        consent=consent,
        text=result.text,
        original_text=original if keep else "",
        redaction_spans=_spans_json(result, keep_original=keep),
        redaction_count=len(result.spans),
        identifying=result.identifying,
        **values,
    )


# --------------------------------------------------------------------------- import


def _report(prepared: selectors.Prepared, **values: Any) -> ImportReport:
    checked = prepared.checked
    return ImportReport(
        rows_read=checked.rows_read,
        duplicates=tuple(prepared.duplicates),
        empty_skipped=checked.empty_skipped,
        errors=checked.errors,
        error_count=checked.error_count,
        encoding=prepared.encoding,
        columns=prepared.columns,
        **values,
    )


def check_feedback(**kwargs: Any) -> ImportReport:
    """What :func:`import_feedback` would do with the same rows, writing nothing (the
    preview): ``added`` is the number of rows that would be added. Same arguments as
    :func:`selectors.prepare`; :class:`core.FeedbackFileError` for an unreadable file."""
    prepared = selectors.prepare(**kwargs)
    identifying = 0
    if prepared.checked.ok:
        texts = [row.comment for row in prepared.to_add]
        for i in range(0, len(texts), WRITE_CHUNK):
            identifying += sum(1 for r in redact_many(texts[i : i + WRITE_CHUNK]) if r.identifying)
    return _report(prepared, batch=None, added=len(prepared.to_add), identifying=identifying)


def _quiet(fraction: float, message: str = "") -> None:
    """Progress reported nowhere (an import in the request)."""


@dataclass(frozen=True, slots=True)
class _Redacted:
    """A row's comment as it will be stored: redacted text, tags and the flag."""

    text: str
    spans: list[dict[str, Any]]
    count: int
    identifying: bool


def _redact_rows(
    rows: Sequence[core.FeedbackRow], *, keep_original: bool, progress: Progress
) -> list[_Redacted]:
    """Redact every row's comment, :data:`WRITE_CHUNK` at a time, reporting progress from
    0.3 to 0.8. Only the redacted form is kept (the originals stay in ``rows``)."""
    out: list[_Redacted] = []
    total = len(rows)
    for i in range(0, total, WRITE_CHUNK):
        chunk = rows[i : i + WRITE_CHUNK]
        for result in redact_many(row.comment for row in chunk):
            out.append(
                _Redacted(
                    result.text,
                    _spans_json(result, keep_original=keep_original),
                    len(result.spans),
                    result.identifying,
                )
            )
        done = min(total, i + WRITE_CHUNK)
        progress(0.3 + 0.5 * done / total, f"Hid identifiers in {done:,} of {total:,} comments")
    return out


def import_feedback(
    *,
    project: Project,
    user: User | None,
    source: str,
    consent: str,
    rows: Iterable[Mapping[str, object]] | None = None,
    file: bytes | Path | None = None,
    filename: str = "",
    columns: Mapping[str, str | None] | None = None,
    skip_empty: bool = False,
    max_text: int = core.DEFAULT_MAX_TEXT,
    progress: Progress | None = None,
) -> ImportReport:
    """Import feedback rows, all or nothing; duplicates are left out and reported.

    Give ``rows`` (mappings keyed by field name: ``comment``, ``date``, ``service``,
    ``rating``, ``question``, ``id``, ``teller_role``; numbered from 1 in messages) or
    ``file`` (CSV or Excel bytes or path; ``filename`` says which when bytes; its columns
    are guessed from the header unless ``columns`` maps each field to one). Each comment is
    redacted before it is stored; the original is kept only with ``KEEP_ORIGINAL`` consent.

    The rows are read, checked and redacted first, writing nothing (``progress``, a job's
    progress, hears how far it has got); then every comment is written in one transaction,
    under the project's lock, so that an import is added whole or not at all. ``progress``
    is not called inside that transaction (a progress write there would be invisible until
    the end and would hold the job's row), nor after it (a cancelled job must not be
    reported as cancelled once its rows are in).

    Returns:
        The report, with the new :class:`FeedbackBatch` (``None`` if every row was a
        duplicate or skipped: nothing to add).

    Raises:
        NotAllowed: the user is not a facilitator or staff member of the project.
        InvalidFeedback: a row cannot be imported (its ``report`` lists the problems);
            nothing was written.
        ActionError: the file cannot be read, or the source or consent is not one of ours.
    """
    report = progress or _quiet
    if user is None or not selectors.can_capture(project=project, user=user):
        raise NotAllowed(CAPTURE_REFUSED)
    _choice(source, Source, field_name="source", what="where the feedback comes from")
    _choice(consent, Consent, field_name="consent", what="what the people who gave it agreed to")
    report(0.02, "Reading and checking the rows")
    try:
        prepared = selectors.prepare(
            project=project,
            rows=rows,
            file=file,
            filename=filename,
            columns=columns,
            skip_empty=skip_empty,
            max_text=max_text,
        )
    except core.FeedbackFileError as error:
        raise ActionError(f"The file cannot be read: {error}", field="file") from None
    except ValueError as error:
        raise ActionError(str(error).capitalize(), field="comment") from None
    if not prepared.checked.ok:
        raise InvalidFeedback(_report(prepared, batch=None, added=0, identifying=0))
    total = len(prepared.to_add)
    report(0.3, f"Checked {prepared.checked.rows_read:,} rows: {total:,} to add")
    redacted = _redact_rows(
        prepared.to_add, keep_original=consent == Consent.KEEP_ORIGINAL, progress=report
    )
    report(0.85, f"Saving {total:,} comments")
    return _write_import(
        project=project,
        user=user,
        source=source,
        consent=consent,
        prepared=prepared,
        redacted=redacted,
    )


@transaction.atomic
def _write_import(
    *,
    project: Project,
    user: User,
    source: str,
    consent: str,
    prepared: selectors.Prepared,
    redacted: Sequence[_Redacted],
) -> ImportReport:
    """Write the checked and redacted rows in one transaction, under the project's lock."""
    # One import at a time per project, so two cannot add the same comment twice.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    pairs = list(zip(prepared.to_add, redacted, strict=True))
    if pairs:
        # Checked again under the lock: another import may have added some meanwhile.
        stored = selectors.stored_fingerprints(
            project=project, fingerprints=(r.fingerprint for r in prepared.to_add)
        )
        if stored:
            to_add, more = core.split_duplicates(prepared.to_add, stored)
            kept = {row.row for row in to_add}
            pairs = [(row, done) for row, done in pairs if row.row in kept]
            prepared = selectors.Prepared(
                prepared.checked,
                to_add,
                sorted([*prepared.duplicates, *more], key=lambda d: d.row),
                prepared.encoding,
                prepared.filename,
                prepared.columns,
            )
    checked = prepared.checked
    if not pairs:
        return _report(prepared, batch=None, added=0, identifying=0)
    batch = FeedbackBatch.objects.create(
        project=project,
        source=source,
        filename=prepared.filename[:255],
        encoding=prepared.encoding,
        consent=consent,
        rows_read=checked.rows_read,
        rows_added=len(pairs),
        duplicates=len(prepared.duplicates),
        created_by=user,
    )
    keep = consent == Consent.KEEP_ORIGINAL
    identifying = 0
    now = timezone.now()
    for i in range(0, len(pairs), WRITE_CHUNK):
        objects = []
        for row, done in pairs[i : i + WRITE_CHUNK]:
            identifying += done.identifying
            objects.append(
                Comment(
                    project=project,
                    batch=batch,
                    source=source,
                    consent=consent,
                    text=done.text,
                    original_text=row.comment if keep else "",
                    redaction_spans=done.spans,
                    redaction_count=done.count,
                    identifying=done.identifying,
                    external_id=row.external_id,
                    date=row.date,
                    service=row.service,
                    question=row.question,
                    rating=row.rating,
                    teller_role=row.teller_role,
                    fingerprint=row.fingerprint,
                    created_at=now,
                )
            )
        Comment.objects.bulk_create(objects, batch_size=1000)
    audit.record(
        action="feedback.imported",
        by=user,
        summary=(
            f"Feedback batch {batch.pk} imported into project {project.pk}: "
            f"{batch.rows_added} added, {batch.duplicates} duplicates left out, "
            f"{identifying} held back for review"
        ),
        target=batch,
        project=project,
        data={
            "rows_read": checked.rows_read,
            "added": batch.rows_added,
            "duplicates": batch.duplicates,
            "empty_skipped": checked.empty_skipped,
            "identifying": identifying,
            "source": source,
            "consent": consent,
            "encoding": prepared.encoding,
        },
    )
    return _report(prepared, batch=batch, added=batch.rows_added, identifying=identifying)


@transaction.atomic
def start_import(
    *,
    project: Project,
    user: User,
    upload: str,
    name: str,
    rows: int,
    source: str,
    consent: str,
    columns: Mapping[str, str | None],
    skip_empty: bool = False,
) -> Job:
    """Import a staged file (``upload``, ``name``: see ``uploads.hand_over``) in the
    background: the job runs :func:`coproduce.web.experience.tasks.import_feedback_file`,
    which calls :func:`import_feedback` with progress and deletes the file when done.

    Raises:
        NotAllowed: the user is not a facilitator or staff member of the project.
        ActionError: the source or consent is not one of ours.
    """
    if not selectors.can_capture(project=project, user=user):
        raise NotAllowed(CAPTURE_REFUSED)
    _choice(source, Source, field_name="source", what="where the feedback comes from")
    _choice(consent, Consent, field_name="consent", what="what the people who gave it agreed to")
    job = jobs.enqueue(
        project=project,
        user=user,
        kind="feedback_import",
        title=f"Importing a feedback file of {rows:,} row{'s' if rows != 1 else ''}",
        task="coproduce.web.experience.tasks.import_feedback_file",
        params={
            "project_id": project.pk,
            "user_id": user.pk,
            "upload": upload,
            "name": name,
            "source": source,
            "consent": consent,
            "columns": dict(columns),
            "skip_empty": skip_empty,
        },
        next_url=reverse("experience:list", args=[project.pk]),
    )
    audit.record(
        action="feedback.import_started",
        by=user,
        summary=f"Started importing a feedback file of {rows:,} rows into project {project.pk}",
        project=project,
        data={"job": job.pk, "rows": rows, "source": source, "consent": consent},
    )
    return job


# --------------------------------------------------------------------------- stories


@transaction.atomic
def add_story(
    *,
    project: Project,
    user: User,
    text: str,
    date: dt.date | None,
    source: str,
    teller_role: str,
    service: str,
    consent: str,
) -> Comment:
    """Save a story typed on someone's behalf (assisted capture), redacted, with
    ``captured_by`` the user. ``consent`` is required: one of :class:`Consent`.

    Raises:
        NotAllowed: the user is not a facilitator or staff member of the project.
        ActionError: empty or over-long text, an unknown source, role or consent, a
            future date, or the same story already in the project.
    """
    if not selectors.can_capture(project=project, user=user):
        raise NotAllowed(CAPTURE_REFUSED)
    text = text.strip()
    if not text:
        raise ActionError("Enter the story", field="text")
    if len(text) > MAX_STORY:
        raise ActionError(
            f"The story is {len(text):,} characters long; the limit is {MAX_STORY:,}",
            field="text",
        )
    _choice(source, Source, field_name="source", what="how the story was gathered")
    if teller_role not in dict(TELLER_ROLES):
        raise ActionError("Choose who told the story", field="teller_role")
    if consent not in Consent.values:
        raise ActionError("Choose what the teller agreed to", field="consent")
    if date is not None and date > timezone.localdate():
        raise ActionError("The date cannot be in the future", field="date")
    service = service.strip()
    if len(service) > core.MAX_LENGTHS["service"]:
        raise ActionError("The service name is too long (200 characters at most)", field="service")
    key = core.fingerprint(text, date, service)
    if Comment.objects.filter(project=project, fingerprint=key).exists():
        raise ActionError("This story is already in the project", field="text")
    batch = FeedbackBatch.objects.create(
        project=project,
        source=source,
        consent=consent,
        rows_read=1,
        rows_added=1,
        created_by=user,
    )
    result = redact(text)
    comment = _comment(
        project=project,
        batch=batch,
        source=source,
        consent=consent,
        original=text,
        result=result,
        date=date,
        service=service,
        teller_role=teller_role,
        captured_by=user,
        fingerprint=key,
    )
    comment.save()
    audit.record(
        action="feedback.story_added",
        by=user,
        summary=(
            f"Story {comment.pk} ({source}, told by a {teller_role}) added to project "
            f"{project.pk}{'; held back for review' if comment.identifying else ''}"
        ),
        target=comment,
        project=project,
        data={"redactions": comment.redaction_count, "consent": consent},
    )
    return comment


# --------------------------------------------------------------------------- review


def _require_review(comment: Comment, user: User) -> None:
    if not selectors.can_review(project=comment.project, user=user):
        raise NotAllowed(REVIEW_REFUSED)


def _stored_spans(comment: Comment) -> list[tuple[int, int, IdentifierKind]]:
    """The tags as (start, end, kind): in the original text when it is kept, else in the
    redacted text."""
    keep = bool(comment.original_text)
    out = []
    for span in comment.redaction_spans:
        kind = IdentifierKind(span["kind"])
        if keep:
            out.append((int(span["original_start"]), int(span["original_end"]), kind))
        else:
            out.append((int(span["start"]), int(span["end"]), kind))
    return sorted(out)


def _apply(comment: Comment, spans: Sequence[tuple[int, int, IdentifierKind]]) -> None:
    keep = bool(comment.original_text)
    base = comment.original_text if keep else comment.text
    result = redact_spans(base, spans)
    comment.text = result.text
    comment.redaction_spans = _spans_json(result, keep_original=keep)
    comment.redaction_count = len(result.spans)


@transaction.atomic
def add_redaction(*, comment: Comment, user: User, words: str, kind: str) -> int:
    """Hide every whole-word occurrence of ``words`` (any case) in the comment behind the
    tag of ``kind``; returns how many were hidden. Works on the original when it is kept
    (so it can be restored later), else on the redacted text.

    Raises:
        NotAllowed: not a facilitator.
        ActionError: empty words, an unknown kind, or the words are not in the text.
    """
    _require_review(comment, user)
    words = words.strip()
    if not words:
        raise ActionError("Enter the words to hide", field="words")
    try:
        tag_kind = IdentifierKind(kind)
    except ValueError:
        raise ActionError("Choose what kind of identifier the words are", field="kind") from None
    existing = _stored_spans(comment)
    base = comment.original_text or comment.text
    pattern = re.compile(r"(?<!\w)" + re.escape(words) + r"(?!\w)", re.IGNORECASE)
    new = [
        (m.start(), m.end(), tag_kind)
        for m in pattern.finditer(base)
        if all(m.end() <= s or m.start() >= e for s, e, _ in existing)
    ]
    if not new:
        raise ActionError(
            "Those words are not in the comment (outside what is already hidden)", field="words"
        )
    _apply(comment, sorted([*existing, *new]))
    comment.save(update_fields=["text", "redaction_spans", "redaction_count"])
    audit.record(
        action="feedback.redaction_added",
        by=user,
        summary=f"{len(new)} {tag_kind.value} redaction(s) added to comment {comment.pk}",
        target=comment,
        project=comment.project,
        data={"kind": tag_kind.value, "count": len(new)},
    )
    return len(new)


@transaction.atomic
def restore_redaction(*, comment: Comment, user: User, index: int) -> None:
    """Put back the text of the ``index``-th tag (counted from 0, in order): only possible
    when the original was kept with the teller's consent.

    Raises:
        NotAllowed: not a facilitator.
        ActionError: the original was not kept, or there is no such tag.
    """
    _require_review(comment, user)
    if not comment.original_text:
        raise ActionError(
            "The original text was not kept (the teller's consent did not allow it), "
            "so a redaction cannot be undone."
        )
    spans = _stored_spans(comment)
    if not 0 <= index < len(spans):
        raise ActionError("That redaction is not in the comment any more.")
    kind = spans.pop(index)[2]
    _apply(comment, spans)
    comment.save(update_fields=["text", "redaction_spans", "redaction_count"])
    audit.record(
        action="feedback.redaction_restored",
        by=user,
        summary=f"A {kind.value} redaction of comment {comment.pk} was undone",
        target=comment,
        project=comment.project,
        data={"kind": kind.value},
    )


@transaction.atomic
def mark_reviewed(*, comment: Comment, user: User, identifying: bool) -> Comment:
    """Record that a facilitator reviewed the comment's redactions; ``identifying`` keeps
    it held back (True) or lets members see it (False)."""
    _require_review(comment, user)
    comment.identifying = identifying
    comment.redaction_reviewed_by = user
    comment.redaction_reviewed_at = timezone.now()
    comment.save(update_fields=["identifying", "redaction_reviewed_by", "redaction_reviewed_at"])
    audit.record(
        action="feedback.reviewed",
        by=user,
        summary=(
            f"Redactions of comment {comment.pk} reviewed: "
            f"{'still held back' if identifying else 'shared with the project'}"
        ),
        target=comment,
        project=comment.project,
        data={"identifying": identifying},
    )
    return comment


@transaction.atomic
def delete_batch(*, batch: FeedbackBatch, user: User) -> int:
    """Delete an import and its comments (re-import the file to undo); returns how many
    comments went.

    Raises:
        NotAllowed: not a facilitator.
        ActionError: other records depend on its comments and protect them.
    """
    if not selectors.can_review(project=batch.project, user=user):
        raise NotAllowed("Only the project's facilitators can delete an import.")
    count = batch.comments.count()
    pk, project = batch.pk, batch.project
    try:
        with transaction.atomic():
            batch.delete()
    except ProtectedError:
        raise ActionError(
            "Other records (themes, journeys) use comments of this import: remove those first."
        ) from None
    audit.record(
        action="feedback.batch_deleted",
        by=user,
        summary=f"Feedback batch {pk} of project {project.pk} deleted with {count} comments",
        project=project,
        data={"batch": pk, "comments": count},
    )
    return count

"""The one place that writes Kano surveys and their answers (docs/adr/0004, docs/adr/0023).

Every function is keyword-only and atomic, takes the acting user (``by``) or voter
(``voter``) and writes an audit event. Audit summaries name things by id and field names
only: never titles, attribute wording or anything else typed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coproduce import kano
from coproduce.kano.segments import PREFER_NOT_TO_SAY
from coproduce.web.accounts.models import User
from coproduce.web.audit import actions as audit
from coproduce.web.errors import ActionError, NotAllowed, clean_text
from coproduce.web.projects.models import Project
from coproduce.web.takepart.models import JoinedVia, Voter

from . import selectors
from .models import (
    IMPORTANCE_MAX,
    IMPORTANCE_MIN,
    MAX_DESCRIPTION,
    MAX_INTRO,
    MAX_LABEL,
    MAX_QUESTION,
    MAX_RESPONDENT,
    MAX_SEGMENT,
    MAX_TITLE,
    KanoAnswerRecord,
    KanoAttribute,
    KanoEqualityAnswer,
    KanoSurvey,
    SurveyStatus,
)

#: Responses one upload may hold (far above any survey's; keeps a request bounded).
MAX_UPLOAD_ROWS = 50_000


# --------------------------------------------------------------------------- helpers


def _require_facilitator(*, project: Project, user: User) -> None:
    if not selectors.can_manage(project=project, user=user):
        raise NotAllowed("Only the project's facilitators can do this.")


def _record(
    action: str, *, by: User | None, project: Project, target: Any, summary: str, **data: Any
) -> None:
    audit.record(
        action=f"kano.{action}",
        by=by,
        project=project,
        target=target,
        summary=summary,
        data=data or None,
    )


def _touch(survey: KanoSurvey) -> None:
    survey.updated_at = timezone.now()
    survey.save(update_fields=["updated_at"])


# --------------------------------------------------------------------------- surveys


def _equality_keys(keys: Sequence[str]) -> list[str]:
    """The equality questions asked, in the core's order; unknown keys are refused."""
    wanted = set(keys)
    unknown = sorted(wanted - set(kano.EQUALITY_QUESTIONS))
    if unknown:
        raise ActionError("Choose equality questions from the list", field="equality_questions")
    return [key for key in kano.EQUALITY_QUESTIONS if key in wanted]


@transaction.atomic
def create_survey(
    *,
    project: Project,
    title: str,
    introduction: str = "",
    ask_importance: bool = False,
    equality_questions: Sequence[str] = (),
    by: User,
) -> KanoSurvey:
    """A draft survey. ``equality_questions``: keys of the optional equality questions to ask
    (``coproduce.kano.EQUALITY_QUESTIONS``); respondents may skip each one."""
    _require_facilitator(project=project, user=by)
    survey = KanoSurvey.objects.create(
        project=project,
        title=clean_text(
            title, field="title", required="Enter the survey's title", limit=MAX_TITLE
        ),
        introduction=clean_text(introduction, field="introduction", limit=MAX_INTRO),
        ask_importance=bool(ask_importance),
        equality_questions=_equality_keys(equality_questions),
        created_by=by,
    )
    _record(
        "survey_created",
        by=by,
        project=project,
        target=survey,
        summary="Kano survey created",
        equality_questions=survey.equality_questions,
    )
    return survey


@transaction.atomic
def update_survey(
    *,
    survey: KanoSurvey,
    title: str,
    introduction: str = "",
    ask_importance: bool = False,
    equality_questions: Sequence[str] | None = None,
    by: User,
) -> KanoSurvey:
    """Edit a survey. ``equality_questions`` (``None``: unchanged) replaces the equality
    questions asked; the stored answers to a question no longer asked are deleted."""
    _require_facilitator(project=survey.project, user=by)
    survey.title = clean_text(
        title, field="title", required="Enter the survey's title", limit=MAX_TITLE
    )
    survey.introduction = clean_text(introduction, field="introduction", limit=MAX_INTRO)
    survey.ask_importance = bool(ask_importance)
    fields = ["title", "introduction", "ask_importance"]
    erased = 0
    if equality_questions is not None:
        keys = _equality_keys(equality_questions)
        dropped = [k for k in survey.equality_questions if k not in keys]
        if dropped:
            erased, _ = KanoEqualityAnswer.objects.filter(
                survey=survey, question__in=dropped
            ).delete()
        survey.equality_questions = keys
        fields.append("equality_questions")
    survey.updated_at = timezone.now()
    survey.save()
    _record(
        "survey_updated",
        by=by,
        project=survey.project,
        target=survey,
        summary="Kano survey edited"
        + (f"; {erased} equality answers to questions no longer asked deleted" if erased else ""),
        fields=fields,
        equality_questions=survey.equality_questions,
        equality_answers_deleted=erased,
    )
    return survey


@transaction.atomic
def set_status(*, survey: KanoSurvey, status: str, by: User) -> KanoSurvey:
    """Open or close a survey (or reopen a closed one). A survey opens with an attribute."""
    _require_facilitator(project=survey.project, user=by)
    if status not in SurveyStatus.values:
        raise ActionError("Choose whether the survey is open or closed", field="status")
    if status == SurveyStatus.OPEN and not survey.attributes.exists():
        raise ActionError("Add at least one attribute before opening the survey", field="status")
    if status == SurveyStatus.DRAFT and selectors.response_count(survey):
        raise ActionError(
            "The survey has answers: close it rather than making it a draft", field="status"
        )
    now = timezone.now()
    survey.status = status
    if status == SurveyStatus.OPEN:
        survey.opened_at = survey.opened_at or now
        survey.closed_at = None
    elif status == SurveyStatus.CLOSED:
        survey.closed_at = now
    survey.updated_at = now
    survey.save()
    _record(
        "survey_status",
        by=by,
        project=survey.project,
        target=survey,
        summary=f"Kano survey {survey.pk} set to {status}",
        status=status,
    )
    return survey


@transaction.atomic
def delete_survey(*, survey: KanoSurvey, by: User, confirmed_answers: bool = False) -> None:
    """Delete a survey; if it has answers, only when the facilitator confirmed that too."""
    _require_facilitator(project=survey.project, user=by)
    answers = selectors.response_count(survey)
    if answers and not confirmed_answers:
        raise ActionError(
            f"The survey has {answers} answer{'s' if answers != 1 else ''}: confirm that they "
            "are to be deleted too",
            field="confirm",
        )
    project, pk = survey.project, survey.pk
    survey.delete()
    audit.record(
        action="kano.survey_deleted",
        by=by,
        project=project,
        summary=f"Kano survey {pk} deleted with {answers} answers",
        data={"survey": pk, "answers": answers},
    )


# --------------------------------------------------------------------------- attributes


def _wording(label: str, functional: str | None, dysfunctional: str | None) -> tuple[str, str, str]:
    """The label and the two questions: generated by the core unless given (blank = generate)."""
    label = clean_text(label, field="label", required="Enter the attribute", limit=MAX_LABEL)
    f = clean_text(functional, field="functional", limit=MAX_QUESTION) or None
    d = clean_text(dysfunctional, field="dysfunctional", limit=MAX_QUESTION) or None
    try:
        pair = kano.question_pair(label, functional=f, dysfunctional=d)
    except ValueError as error:
        raise ActionError(str(error).capitalize(), field="label") from None
    for question, field in ((pair.functional, "functional"), (pair.dysfunctional, "dysfunctional")):
        if len(question) > MAX_QUESTION:
            raise ActionError(
                f"The question would be over {MAX_QUESTION} characters: shorten the attribute "
                "or write the question yourself",
                field=field,
            )
    return pair.attribute, pair.functional, pair.dysfunctional


def _unique_label(survey: KanoSurvey, label: str, *, other_than: int | None = None) -> None:
    clash = survey.attributes.filter(label__iexact=label)
    if other_than is not None:
        clash = clash.exclude(pk=other_than)
    if clash.exists():
        raise ActionError("The survey already has an attribute with this wording", field="label")


@transaction.atomic
def add_attribute(
    *,
    survey: KanoSurvey,
    label: str,
    description: str = "",
    functional: str | None = None,
    dysfunctional: str | None = None,
    by: User,
) -> KanoAttribute:
    """Add an attribute; its questions are generated by the core unless given."""
    _require_facilitator(project=survey.project, user=by)
    wording, f, d = _wording(label, functional, dysfunctional)
    _unique_label(survey, wording)
    last = survey.attributes.aggregate(last=Max("position"))["last"]
    attribute = KanoAttribute.objects.create(
        survey=survey,
        label=wording,
        description=clean_text(description, field="description", limit=MAX_DESCRIPTION),
        functional=f,
        dysfunctional=d,
        position=0 if last is None else last + 1,
    )
    _touch(survey)
    _record(
        "attribute_added",
        by=by,
        project=survey.project,
        target=attribute,
        summary=f"Attribute added to Kano survey {survey.pk}",
        survey=survey.pk,
        generated=[
            n
            for n, v in (("functional", functional), ("dysfunctional", dysfunctional))
            if not (v or "").strip()
        ],
    )
    return attribute


@transaction.atomic
def update_attribute(
    *,
    attribute: KanoAttribute,
    label: str,
    description: str = "",
    functional: str | None = None,
    dysfunctional: str | None = None,
    by: User,
) -> KanoAttribute:
    """Reword an attribute; a blank question is generated afresh from the label.

    Once an attribute has answers its label may still be corrected (a typo), but the answers
    stay: the facilitator is told on the page that rewording changes what was asked.
    """
    survey = attribute.survey
    _require_facilitator(project=survey.project, user=by)
    wording, f, d = _wording(label, functional, dysfunctional)
    _unique_label(survey, wording, other_than=attribute.pk)
    changed = [
        name
        for name, old, new in (
            ("label", attribute.label, wording),
            ("functional", attribute.functional, f),
            ("dysfunctional", attribute.dysfunctional, d),
        )
        if old != new
    ]
    attribute.label = wording
    attribute.description = clean_text(description, field="description", limit=MAX_DESCRIPTION)
    attribute.functional = f
    attribute.dysfunctional = d
    attribute.save()
    _touch(survey)
    _record(
        "attribute_updated",
        by=by,
        project=survey.project,
        target=attribute,
        summary=f"Attribute of Kano survey {survey.pk} edited",
        fields=changed,
    )
    return attribute


@transaction.atomic
def move_attribute(*, attribute: KanoAttribute, direction: str, by: User) -> None:
    """Move an attribute one place ``up`` or ``down`` (positions renumbered 0, 1, …)."""
    survey = attribute.survey
    _require_facilitator(project=survey.project, user=by)
    if direction not in ("up", "down"):
        raise ActionError("Choose up or down", field="direction")
    order = list(selectors.attributes_of(survey).select_for_update())
    index = next(i for i, a in enumerate(order) if a.pk == attribute.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    for position, item in enumerate(order):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    _touch(survey)
    _record(
        "attribute_moved",
        by=by,
        project=survey.project,
        target=attribute,
        summary=f"Attribute of Kano survey {survey.pk} moved {direction}",
    )


@transaction.atomic
def delete_attribute(
    *, attribute: KanoAttribute, by: User, confirmed_answers: bool = False
) -> None:
    """Delete an attribute; if it has answers, only when that was confirmed too."""
    survey = attribute.survey
    _require_facilitator(project=survey.project, user=by)
    answers = attribute.responses.count()
    if answers and not confirmed_answers:
        raise ActionError(
            f"The attribute has {answers} answer{'s' if answers != 1 else ''}: confirm that "
            "they are to be deleted too",
            field="confirm",
        )
    if survey.is_open and survey.attributes.count() == 1:
        raise ActionError("An open survey needs an attribute: close it first", field="confirm")
    pk = attribute.pk
    attribute.delete()
    _touch(survey)
    audit.record(
        action="kano.attribute_deleted",
        by=by,
        project=survey.project,
        summary=f"Attribute {pk} of Kano survey {survey.pk} deleted with {answers} answers",
        data={"survey": survey.pk, "attribute": pk, "answers": answers},
    )


# --------------------------------------------------------------------------- answering


@dataclass(frozen=True)
class Answer:
    """What a voter chose about one attribute (answers as given: codes, labels, wording)."""

    functional: object
    dysfunctional: object
    importance: object = None


def _answer(value: object, *, field: str) -> int:
    if value in (None, ""):
        raise ActionError("Choose an answer", field=field)
    try:
        return int(kano.parse_answer(value if isinstance(value, int) else str(value)))
    except kano.KanoAnswerError:
        raise ActionError(
            "Choose one of the five answers (like, must-be, neutral, live-with, dislike)",
            field=field,
        ) from None


def _importance(value: object, *, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        number = float("nan")
    if not number.is_integer() or not IMPORTANCE_MIN <= number <= IMPORTANCE_MAX:
        raise ActionError(
            f"Importance is a whole number from {IMPORTANCE_MIN} to {IMPORTANCE_MAX}", field=field
        )
    return int(number)


def _equality_answers(survey: KanoSurvey, equality: Mapping[str, str]) -> dict[str, str]:
    """The equality answers given (blank ones left out), checked against the survey's
    questions and the core's answers ("Prefer not to say" included)."""
    given: dict[str, str] = {}
    for key, value in equality.items():
        answer = (value or "").strip() if isinstance(value, str) else str(value)
        if not answer:
            continue
        if key not in survey.equality_questions:
            raise ActionError("This survey does not ask that question", field=f"equality-{key}")
        question = kano.EQUALITY_QUESTIONS[key]
        if answer != PREFER_NOT_TO_SAY and answer not in question.answers:
            raise ActionError(
                "Choose an answer from the list, or “Prefer not to say”", field=f"equality-{key}"
            )
        given[key] = answer
    return given


@transaction.atomic
def submit_answers(
    *,
    survey: KanoSurvey,
    voter: Voter,
    answers: Mapping[int, Answer],
    by: User | None = None,
    equality: Mapping[str, str] | None = None,
) -> int:
    """Save the voter's answers about some attributes of an open survey (all or nothing).

    ``answers`` maps attribute ids to answers; an attribute answered before is updated (one
    response per voter and attribute). ``by`` is the facilitator in assisted mode, else None
    (or the member answering as themselves). Returns how many attributes were saved.
    Field names in errors are ``functional-<id>``, ``dysfunctional-<id>``, ``importance-<id>``,
    ``equality-<question>``.

    ``equality`` maps the survey's optional equality questions to the answers given (a
    category, or "Prefer not to say"); a blank or missing one keeps any earlier answer, so a
    person assisted by a facilitator (who is not shown their earlier answers) loses nothing.
    Stored apart from the answers (``KanoEqualityAnswer``); never named in the audit.
    """
    if voter.project_id != survey.project_id:
        raise NotAllowed("This seat belongs to another project.")
    survey = KanoSurvey.objects.select_for_update().get(pk=survey.pk)
    if not survey.is_open:
        raise ActionError(
            "This survey is closed: answers can no longer be given or changed"
            if survey.status == SurveyStatus.CLOSED
            else "This survey is not open yet",
            field="survey",
        )
    if not answers:
        raise ActionError("Answer at least one attribute", field="answers")
    attributes = {a.pk: a for a in survey.attributes.all()}
    parsed: list[tuple[KanoAttribute, int, int, int | None]] = []
    for attribute_id, answer in answers.items():
        attribute = attributes.get(int(attribute_id))
        if attribute is None:
            raise ActionError(
                "That attribute is not in this survey", field=f"attribute-{attribute_id}"
            )
        f = _answer(answer.functional, field=f"functional-{attribute.pk}")
        d = _answer(answer.dysfunctional, field=f"dysfunctional-{attribute.pk}")
        importance = (
            _importance(answer.importance, field=f"importance-{attribute.pk}")
            if survey.ask_importance
            else None
        )
        parsed.append((attribute, f, d, importance))
    equality_given = _equality_answers(survey, equality or {})
    now = timezone.now()
    assisted = voter.joined_via == JoinedVia.ASSISTED
    existing = selectors.answers_of(survey=survey, voter=voter)
    for attribute, f, d, importance in parsed:
        record = existing.get(attribute.pk)
        if record is None:
            KanoAnswerRecord.objects.create(
                attribute=attribute,
                voter=voter,
                segment=voter.constituency,
                functional=f,
                dysfunctional=d,
                importance=importance,
                assisted=assisted,
                answered_at=now,
                updated_at=now,
            )
        else:
            record.functional, record.dysfunctional, record.importance = f, d, importance
            record.segment = voter.constituency
            record.updated_at = now
            record.save(
                update_fields=["functional", "dysfunctional", "importance", "segment", "updated_at"]
            )
    for key, value in equality_given.items():
        KanoEqualityAnswer.objects.update_or_create(
            survey=survey, voter=voter, question=key, defaults={"answer": value, "answered_at": now}
        )
    voter.last_seen_at = now
    voter.save(update_fields=["last_seen_at"])
    _record(
        "answered",
        by=by if by is not None else voter.user,
        project=survey.project,
        target=survey,
        summary=f"Kano survey {survey.pk}: voter {voter.pk} answered {len(parsed)} attributes",
        voter=voter.pk,
        attributes=len(parsed),
        changed=sum(1 for a, *_ in parsed if a.pk in existing),
        assisted=assisted,
        equality_questions_answered=len(equality_given),
    )
    return len(parsed)


# --------------------------------------------------------------------------- upload


@dataclass(frozen=True)
class RowProblem:
    """Why a row of an uploaded file (or, with ``row`` None, the file) cannot be saved."""

    row: int | None
    column: str
    reason: str


class InvalidUpload(ActionError):
    """The upload has problems; nothing was saved. ``problems`` lists them by row."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        count = len(problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the file: nothing was saved",
            field="file",
        )
        self.problems = list(problems)


@dataclass(frozen=True)
class UploadRow:
    """One row as read from the file (text), and its row number as a spreadsheet shows it."""

    row: int
    respondent: str
    segment: str
    attribute: str
    functional: str
    dysfunctional: str
    importance: str = ""


@transaction.atomic
def upload_responses(
    *, survey: KanoSurvey, rows: Sequence[UploadRow], by: User, limit: int = 50
) -> int:
    """Save responses read from a file in the CLI's input format: all, or nothing.

    Every row is checked first; problems (at most ``limit``) are raised together as
    :class:`InvalidUpload`. The attribute must be one of the survey's (its wording, ignoring
    case); answers are the core's spellings; a segment is a constituency or any other name
    but ``all``. A respondent answering an attribute twice in the file is refused; one
    already stored from an earlier upload is updated, never counted twice.
    """
    _require_facilitator(project=survey.project, user=by)
    if not rows:
        raise InvalidUpload([RowProblem(None, "file", "the file has no rows")])
    if len(rows) > MAX_UPLOAD_ROWS:
        raise InvalidUpload(
            [RowProblem(None, "file", f"the file has over {MAX_UPLOAD_ROWS:,} rows")]
        )
    by_label = {a.label.casefold(): a for a in survey.attributes.all()}
    problems: list[RowProblem] = []
    parsed: dict[tuple[int, str], tuple[KanoAttribute, str, str, int, int, int | None]] = {}
    first_row: dict[tuple[int, str], int] = {}

    def problem(row: int | None, column: str, reason: str) -> None:
        problems.append(RowProblem(row, column, reason))

    for item in rows:
        if len(problems) >= limit:
            break
        bad = len(problems)
        respondent = item.respondent.strip()
        if not respondent:
            problem(item.row, "respondent", "the respondent is empty")
        elif len(respondent) > MAX_RESPONDENT:
            problem(item.row, "respondent", f"over {MAX_RESPONDENT} characters")
        segment = item.segment.strip()
        if not segment:
            problem(item.row, "segment", "the segment is empty")
        elif segment.casefold() == selectors.OVERALL:
            problem(item.row, "segment", "“all” is kept for the row of all segments")
        elif len(segment) > MAX_SEGMENT:
            problem(item.row, "segment", f"over {MAX_SEGMENT} characters")
        attribute = by_label.get(" ".join(item.attribute.split()).casefold())
        if attribute is None:
            problem(
                item.row,
                "attribute",
                "not one of this survey's attributes" if item.attribute.strip() else "empty",
            )
        codes: list[int] = []
        for column, value in (
            ("functional", item.functional),
            ("dysfunctional", item.dysfunctional),
        ):
            try:
                codes.append(int(kano.parse_answer(value)))
            except kano.KanoAnswerError:
                problem(
                    item.row,
                    column,
                    "the answer is empty"
                    if not value.strip()
                    else "not a Kano answer (like, must-be, neutral, live-with, dislike)",
                )
        importance = None
        if item.importance.strip():
            try:
                importance = _importance(item.importance, field="importance")
            except ActionError as error:
                problem(item.row, "importance", error.message)
        if len(problems) > bad or attribute is None:
            continue
        key = (attribute.pk, respondent)
        if key in parsed:
            problem(
                item.row,
                "respondent",
                f"answers this attribute a second time (first at row {first_row[key]})",
            )
            continue
        first_row[key] = item.row
        segment = _constituency_or(segment)
        parsed[key] = (attribute, respondent, segment, codes[0], codes[1], importance)
    if problems:
        raise InvalidUpload(problems[:limit])

    now = timezone.now()
    stored = {
        (r.attribute_id, r.respondent): r
        for r in KanoAnswerRecord.objects.filter(
            attribute__survey=survey, voter__isnull=True
        ).select_for_update()
    }
    created = updated = 0
    for key, (attribute, respondent, segment, f, d, importance) in parsed.items():
        record = stored.get(key)
        if record is None:
            KanoAnswerRecord.objects.create(
                attribute=attribute,
                respondent=respondent,
                segment=segment,
                functional=f,
                dysfunctional=d,
                importance=importance,
                uploaded=True,
                answered_at=now,
                updated_at=now,
            )
            created += 1
        else:
            record.segment, record.functional, record.dysfunctional = segment, f, d
            record.importance = importance
            record.updated_at = now
            record.save()
            updated += 1
    _touch(survey)
    _record(
        "uploaded",
        by=by,
        project=survey.project,
        target=survey,
        summary=f"Kano survey {survey.pk}: {created} responses uploaded, {updated} updated",
        created=created,
        updated=updated,
    )
    return created + updated


_CONSTITUENCY_SPELLINGS = {
    "patient": "patient",
    "patients": "patient",
    "carer": "carer",
    "carers": "carer",
    "family": "carer",
    "staff": "staff",
    "other": "other",
    "others": "other",
}


def _constituency_or(segment: str) -> str:
    """A constituency's code when the segment names one (``Patients`` → ``patient``)."""
    return _CONSTITUENCY_SPELLINGS.get(segment.casefold(), segment)

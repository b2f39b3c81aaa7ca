"""Kano survey pages: writing a survey, answering it, its results, export and upload.

Thin: parse with a form, call an action, render. Every page works without JavaScript.
Facilitators write surveys; members see them and their results; voters (``takepart``) answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from coproduce import kano
from coproduce.participation.suppression import SUPPRESSION_NOTE, THRESHOLD
from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError
from coproduce.web.forms import form_page, save_or_show
from coproduce.web.participation.views import project_of, user_of
from coproduce.web.projects.models import Project
from coproduce.web.takepart.views import require_voter

from . import actions, charts, selectors
from .forms import AnswerForm, AttributeForm, ConfirmDeleteForm, SurveyForm, UploadForm
from .models import KanoSurvey, SurveyStatus
from .upload import read_upload

FORM_TEMPLATE = "kanosurvey/form.html"


# --------------------------------------------------------------------------- helpers


def _managing(request: HttpRequest, pk: int) -> Project:
    project = project_of(request, pk)
    if not selectors.can_manage(project=project, user=request.user):
        raise PermissionDenied("Only the project's facilitators can do this.")
    return project


def _context(request: HttpRequest, project: Project, **extra: Any) -> dict[str, Any]:
    return {
        "project": project,
        **selectors.permissions(project=project, user=request.user),
        **extra,
    }


def _survey_url(survey: KanoSurvey) -> str:
    return reverse("kanosurvey:survey", args=[survey.project_id, survey.pk])


def _form_page(
    request: HttpRequest,
    project: Project,
    form: Any,
    save: Callable[[], Any],
    *,
    done: str,
    next_url: str | Callable[[Any], str],
    **page: Any,
) -> HttpResponse:
    """A one-column form page of this app; ``page`` is the template's context: heading,
    button, back, back_label and, if wanted, intro and caption."""
    return form_page(
        request,
        form,
        save,
        done=done,
        next_url=next_url,
        template=FORM_TEMPLATE,
        context=lambda: _context(request, project, **page),
    )


# --------------------------------------------------------------------------- surveys


@login_required
def survey_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    return render(
        request,
        "kanosurvey/list.html",
        _context(request, project, surveys=selectors.surveys_of(project=project)),
    )


@login_required
def survey_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managing(request, pk)
    form = SurveyForm(request.POST or None)
    return _form_page(
        request,
        project,
        form,
        lambda: actions.create_survey(project=project, by=user_of(request), **form.cleaned_data),
        heading="New Kano survey",
        button="Create survey",
        done="Survey created. Now add the attributes to ask about.",
        next_url=_survey_url,
        back=reverse("kanosurvey:list", args=[project.pk]),
        back_label="Kano surveys",
    )


@login_required
def survey_detail(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    project = project_of(request, pk)
    survey = selectors.survey_in(project=project, pk=survey_pk)
    attributes = list(selectors.attributes_of(survey))
    answered = {a.pk: a.responses.count() for a in attributes}
    return render(
        request,
        "kanosurvey/survey.html",
        _context(
            request,
            project,
            survey=survey,
            attributes=[(a, answered[a.pk]) for a in attributes],
            respondents=selectors.respondent_count(survey),
            statuses=SurveyStatus,
            equality_titles=[
                kano.EQUALITY_QUESTIONS[k].title
                for k in survey.equality_questions
                if k in kano.EQUALITY_QUESTIONS
            ],
        ),
    )


@login_required
def survey_edit(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    survey = selectors.survey_in(project=project, pk=survey_pk)
    form = SurveyForm(
        request.POST or None,
        initial={
            "title": survey.title,
            "introduction": survey.introduction,
            "ask_importance": survey.ask_importance,
            "equality_questions": survey.equality_questions,
        },
    )
    return _form_page(
        request,
        project,
        form,
        lambda: actions.update_survey(survey=survey, by=user_of(request), **form.cleaned_data),
        heading="Edit the survey",
        caption=survey.title,
        button="Save survey",
        done="Survey saved.",
        next_url=_survey_url(survey),
        back=_survey_url(survey),
        back_label=survey.title,
    )


@login_required
@require_POST
def survey_status(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    survey = selectors.survey_in(project=project, pk=survey_pk)
    status = request.POST.get("status", "")
    try:
        actions.set_status(survey=survey, status=status, by=user_of(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "The survey is open for answers."
            if status == SurveyStatus.OPEN
            else "The survey is closed: answers can no longer be given or changed.",
        )
    return redirect(_survey_url(survey))


def _confirm_delete(
    request: HttpRequest,
    project: Project,
    *,
    heading: str,
    answers: int,
    delete: Callable[[bool], Any],
    done: str,
    next_url: str,
    cancel: str,
) -> HttpResponse:
    form = ConfirmDeleteForm(request.POST if request.method == "POST" else None)
    if response := save_or_show(
        request,
        form,
        lambda: delete(bool(form.cleaned_data.get("confirm"))),
        done=done,
        next_url=next_url,
    ):
        return response
    return render(
        request,
        "kanosurvey/confirm.html",
        _context(request, project, form=form, heading=heading, answers=answers, cancel=cancel),
    )


@login_required
def survey_delete(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    survey = selectors.survey_in(project=project, pk=survey_pk)
    return _confirm_delete(
        request,
        project,
        heading=f"Delete the survey “{survey.title}”?",
        answers=selectors.response_count(survey),
        delete=lambda confirmed: actions.delete_survey(
            survey=survey, by=user_of(request), confirmed_answers=confirmed
        ),
        done="Survey deleted.",
        next_url=reverse("kanosurvey:list", args=[project.pk]),
        cancel=_survey_url(survey),
    )


# --------------------------------------------------------------------------- attributes


@login_required
def attribute_new(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    survey = selectors.survey_in(project=project, pk=survey_pk)
    form = AttributeForm(request.POST or None)
    return _form_page(
        request,
        project,
        form,
        lambda: actions.add_attribute(survey=survey, by=user_of(request), **form.cleaned_data),
        heading="Add an attribute",
        caption=survey.title,
        intro="Something the service could have or do. The two questions are worded for you "
        "from it; you can reword them here or later.",
        button="Add attribute",
        done="Attribute added.",
        next_url=_survey_url(survey),
        back=_survey_url(survey),
        back_label=survey.title,
    )


@login_required
def attribute_edit(
    request: HttpRequest, pk: int, survey_pk: int, attribute_pk: int
) -> HttpResponse:
    project = _managing(request, pk)
    survey = selectors.survey_in(project=project, pk=survey_pk)
    attribute = selectors.attribute_in(survey=survey, pk=attribute_pk)
    form = AttributeForm(
        request.POST or None,
        initial={
            "label": attribute.label,
            "description": attribute.description,
            "functional": attribute.functional,
            "dysfunctional": attribute.dysfunctional,
        },
    )
    answered = attribute.responses.count()
    return _form_page(
        request,
        project,
        form,
        lambda: actions.update_attribute(
            attribute=attribute, by=user_of(request), **form.cleaned_data
        ),
        heading="Edit the attribute",
        caption=survey.title,
        intro=(
            f"{answered} people have answered these questions already: rewording changes what "
            "later people are asked, not their answers."
            if answered
            else "Empty a question to word it afresh from the attribute."
        ),
        button="Save attribute",
        done="Attribute saved.",
        next_url=_survey_url(survey),
        back=_survey_url(survey),
        back_label=survey.title,
    )


@login_required
@require_POST
def attribute_move(
    request: HttpRequest, pk: int, survey_pk: int, attribute_pk: int, direction: str
) -> HttpResponse:
    project = _managing(request, pk)
    survey = selectors.survey_in(project=project, pk=survey_pk)
    attribute = selectors.attribute_in(survey=survey, pk=attribute_pk)
    if direction not in ("up", "down"):
        raise Http404("No such direction.")
    actions.move_attribute(attribute=attribute, direction=direction, by=user_of(request))
    messages.success(request, f"Moved “{attribute.label}” {direction}.")
    return redirect(_survey_url(survey))


@login_required
def attribute_delete(
    request: HttpRequest, pk: int, survey_pk: int, attribute_pk: int
) -> HttpResponse:
    project = _managing(request, pk)
    survey = selectors.survey_in(project=project, pk=survey_pk)
    attribute = selectors.attribute_in(survey=survey, pk=attribute_pk)
    return _confirm_delete(
        request,
        project,
        heading=f"Delete the attribute “{attribute.label}”?",
        answers=attribute.responses.count(),
        delete=lambda confirmed: actions.delete_attribute(
            attribute=attribute, by=user_of(request), confirmed_answers=confirmed
        ),
        done="Attribute deleted.",
        next_url=_survey_url(survey),
        cancel=_survey_url(survey),
    )


# --------------------------------------------------------------------------- answering


def _voter_survey(request: HttpRequest, pk: int, survey_pk: int) -> KanoSurvey:
    voter = request.voter  # type: ignore[attr-defined]
    survey = (
        KanoSurvey.objects.filter(project_id=voter.project_id, pk=survey_pk)
        .select_related("project")
        .first()
    )
    if survey is None or survey.project_id != pk or survey.status == SurveyStatus.DRAFT:
        raise Http404("No such survey.")
    return survey


@require_voter
def answer(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    """The whole survey as one plain form: both questions per attribute, big radio buttons."""
    voter = request.voter  # type: ignore[attr-defined]
    survey = _voter_survey(request, pk, survey_pk)
    attributes = list(selectors.attributes_of(survey))
    saved = selectors.answers_of(survey=survey, voter=voter)
    initial: dict[str, Any] = {}
    for attribute_id, record in saved.items():
        initial[f"functional-{attribute_id}"] = str(record.functional)
        initial[f"dysfunctional-{attribute_id}"] = str(record.dysfunctional)
        if record.importance is not None:
            initial[f"importance-{attribute_id}"] = str(record.importance)
    for key, value in selectors.own_equality_answers(survey=survey, voter=voter).items():
        initial[f"equality-{key}"] = value
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        attributes=attributes,
        ask_importance=survey.ask_importance,
        equality_questions=survey.equality_questions,
    )
    refused = ""
    if request.method == "POST":
        if not survey.is_open:
            refused = "This survey is closed: answers can no longer be given or changed."
        elif form.is_valid():
            user = request.user if isinstance(request.user, User) else None
            try:
                actions.submit_answers(
                    survey=survey,
                    voter=voter,
                    answers=form.answers(),
                    by=user,
                    equality=form.equality(),
                )
            except ActionError as error:
                form.add_action_error(error)
            else:
                return redirect("kanosurvey:answered", pk=pk, survey_pk=survey.pk)
    return render(
        request,
        "kanosurvey/answer.html",
        {
            "survey": survey,
            "form": form,
            "groups": form.groups(),
            "answered": len(saved),
            "refused": refused,
            "voter": voter,
            "equality_fields": form.equality_fields(),
        },
        status=409 if refused else 200,
    )


@require_voter
def answered(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    voter = request.voter  # type: ignore[attr-defined]
    survey = _voter_survey(request, pk, survey_pk)
    return render(
        request,
        "kanosurvey/answered.html",
        {
            "survey": survey,
            "answered": len(selectors.answers_of(survey=survey, voter=voter)),
            "total": survey.attributes.count(),
            "voter": voter,
        },
    )


# --------------------------------------------------------------------------- results


def _reading(results: selectors.Results) -> list[str]:
    """Plain-English sentences: each attribute's category for everyone, and where groups
    differ."""
    lines = []
    for row in results.attributes:
        everyone = row.cells[-1] if row.cells else None
        if everyone is None or everyone.result is None:
            continue
        if everyone.suppressed:
            lines.append(
                f"{row.attribute.label}: fewer than {THRESHOLD} people have answered, so no "
                "result is shown."
            )
            continue
        r = everyone.result
        sentence = f"{row.attribute.label}: {kano.CATEGORY_NAMES[r.category].lower()}"
        if r.better is not None and r.worse is not None:
            sentence += f" for everyone (Better {r.better:.2f}, Worse {r.worse:.2f})"
        if len(r.tied) > 1:
            sentence += (
                f"; a tie between {', '.join(c.value for c in r.tied)}, decided M > O > A > I"
            )
        if r.q_flag:
            sentence += f"; {r.q_share:.0%} of answers were questionable, reword the question"
        if row.categories_agree is False:
            shown = [
                f"{c.name.lower()} {c.category_name.lower()}"
                for c in row.cells[:-1]
                if not c.suppressed and c.result
            ]
            sentence += "; groups differ: " + ", ".join(shown)
        lines.append(sentence + ".")
    return lines


@login_required
def results(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    project = project_of(request, pk)
    survey = selectors.survey_in(project=project, pk=survey_pk)
    found = selectors.results_of(survey)
    return render(
        request,
        "kanosurvey/results.html",
        _context(
            request,
            project,
            survey=survey,
            results=found,
            chart_svg=charts.better_worse_svg(found.points, title=survey.title),
            reading=_reading(found),
            threshold=THRESHOLD,
            suppression_note=SUPPRESSION_NOTE,
        ),
    )


@login_required
def results_csv(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    """The results in the columns ``coproduce kano analyse`` writes; hidden segments left out.

    ``?by=<question>`` segments by one of the survey's equality questions instead.
    """
    project = project_of(request, pk)
    survey = selectors.survey_in(project=project, pk=survey_pk)
    from .export import results_csv_text

    by = request.GET.get("by", "")
    if by and by not in survey.equality_questions:
        raise Http404("The survey does not ask that question.")
    text = results_csv_text(survey, by=by)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = (slugify(survey.title) or "kano-survey") + (f"-by-{slugify(by)}" if by else "")
    response["Content-Disposition"] = f'attachment; filename="{name}-results.csv"'
    return response


@login_required
def upload(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    """Upload responses (the CLI's input format): problems listed by row and column, all or
    nothing."""
    project = _managing(request, pk)
    survey = selectors.survey_in(project=project, pk=survey_pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[actions.RowProblem] = []
    file_name = ""
    if request.method == "POST" and form.is_valid():
        rows, problems, file_name = read_upload(form.cleaned_data["file"])
        if not problems:
            try:
                saved = actions.upload_responses(survey=survey, rows=rows, by=user_of(request))
            except actions.InvalidUpload as error:
                problems = error.problems
            except ActionError as error:
                problems = [actions.RowProblem(None, "file", error.message)]
            else:
                messages.success(request, f"Imported {file_name}: {saved} responses saved.")
                return redirect(_survey_url(survey))
    return render(
        request,
        "kanosurvey/upload.html",
        _context(
            request,
            project,
            survey=survey,
            form=form,
            problems=problems,
            file_name=file_name,
            attributes=selectors.attributes_of(survey),
        ),
        status=400 if problems else 200,
    )

"""Pages of the people area: participants, consent, equality monitoring, check-ins and
support, "My participation", "Who takes part" and the organisation's PLUS groups.

Facilitators manage participants. Members who record activities see names and roles only.
Observers see the aggregates. A member linked to a participant sees "My participation".
Nobody but the person themself ever sees their equality answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coproduce.web.errors import ActionError
from coproduce.web.forms import save_or_show
from coproduce.web.projects.models import Project

from . import actions_people as actions
from . import selectors, selectors_people
from .forms_people import (
    CheckinForm,
    ConsentForm,
    ContactForm,
    EqualityConsentForm,
    EqualityForm,
    LeftForm,
    ParticipantForm,
    PlusGroupForm,
    SupportForm,
    WithdrawForm,
)
from .models import ConsentPurpose, Participant, SupportOffer
from .views import managed_project, project_of, recording_project, user_of

PAGE_SIZE = 25


def _data(request: HttpRequest) -> Any:
    """The posted data, even when empty (a check-in with no answer is still a submission)."""
    return request.POST if request.method == "POST" else None


def _context(request: HttpRequest, project: Project, **extra: Any) -> dict[str, Any]:
    return {
        "project": project,
        **selectors.permissions(project=project, user=request.user),
        **extra,
    }


def _participant_url(project: Project, participant: Participant) -> str:
    return reverse("participation:participant", args=[project.pk, participant.pk])


# -- participants ------------------------------------------------------------------------


@login_required
def participants(request: HttpRequest, pk: int) -> HttpResponse:
    """Facilitators: everyone, with account and status. Recorders: names and roles."""
    project = recording_project(request, pk)
    manage = selectors.can_manage(project=project, user=request.user)
    rows = (
        selectors_people.participant_rows(project=project)
        if manage
        else selectors_people.names_and_roles(project=project)
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "participation/people/list.html",
        _context(request, project, page=page, today=timezone.localdate()),
    )


def _participant_page(
    request: HttpRequest, project: Project, participant: Participant | None
) -> HttpResponse:
    initial: dict[str, Any] = {"contact_preference": "facilitator"}
    if participant is not None:
        initial = {
            name: getattr(participant, name)
            for name in (
                "name",
                "role",
                "membership",
                "contact_preference",
                "contact_details",
                "access_needs",
                "access_notes",
                "skills",
                "payment_tier",
                "wants_payment",
            )
        }
    contact_hidden = participant is not None and selectors_people.contact_withdrawn(participant)
    if contact_hidden:
        initial.pop("contact_details", None)
    form = ParticipantForm(
        _data(request),
        initial=initial,
        contact_hidden=contact_hidden,
        memberships=selectors_people.linkable_memberships(project=project, participant=participant),
        tiers=selectors_people.payment_tiers_for(
            project=project, keep=participant.payment_tier if participant else None
        ),
    )

    def save() -> Participant:
        values = dict(form.cleaned_data)
        if participant is None:
            return actions.add_participant(project=project, by=user_of(request), **values)
        if contact_hidden:
            values["contact_preference"] = participant.contact_preference
            values["contact_details"] = participant.contact_details
        return actions.update_participant(participant=participant, by=user_of(request), **values)

    if response := save_or_show(
        request,
        form,
        save,
        done=lambda saved: f"{saved.name}’s details were saved.",
        next_url=lambda saved: _participant_url(project, saved),
    ):
        return response
    return render(
        request,
        "participation/people/participant_form.html",
        _context(request, project, form=form, participant=participant),
    )


@login_required
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _participant_page(request, managed_project(request, pk), None)


@login_required
def participant_edit(request: HttpRequest, pk: int, ppk: int) -> HttpResponse:
    project = managed_project(request, pk)
    return _participant_page(request, project, selectors.participant_in(project=project, pk=ppk))


@login_required
def participant_detail(request: HttpRequest, pk: int, ppk: int) -> HttpResponse:
    project = managed_project(request, pk)
    participant = selectors.participant_in(project=project, pk=ppk)
    checkin = selectors_people.latest_checkin(participant)
    return render(
        request,
        "participation/people/participant_detail.html",
        _context(
            request,
            project,
            participant=participant,
            contact=selectors_people.contact_of(participant),
            access_needs=selectors_people.access_need_labels(participant),
            consents=selectors_people.consent_summary(participant),
            equality_on=selectors_people.equality_recorded_on(participant),
            equality_problem=selectors_people.consent_problem(participant, ConsentPurpose.EQUALITY),
            involvement=selectors_people.involvement_of(participant),
            checkin=checkin,
            support_check=selectors_people.support_check(checkin),
            checkins=selectors_people.checkins_of(participant)[:10],
            support=selectors_people.support_of(participant),
        ),
    )


@login_required
def participant_leave(request: HttpRequest, pk: int, ppk: int) -> HttpResponse:
    project = managed_project(request, pk)
    participant = selectors.participant_in(project=project, pk=ppk)
    form = LeftForm(_data(request), initial={"left_on": timezone.localdate()})
    if response := save_or_show(
        request,
        form,
        lambda: actions.mark_left(
            participant=participant, by=user_of(request), **form.cleaned_data
        ),
        done=f"{participant.name} is marked as having left.",
        next_url=_participant_url(project, participant),
    ):
        return response
    return render(
        request,
        "participation/people/leave.html",
        _context(request, project, form=form, participant=participant),
    )


@login_required
@require_POST
def participant_return(request: HttpRequest, pk: int, ppk: int) -> HttpResponse:
    project = managed_project(request, pk)
    participant = selectors.participant_in(project=project, pk=ppk)
    try:
        actions.mark_returned(participant=participant, by=user_of(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{participant.name} is marked as taking part again.")
    return redirect(_participant_url(project, participant))


@login_required
def participant_delete(request: HttpRequest, pk: int, ppk: int) -> HttpResponse:
    project = managed_project(request, pk)
    participant = selectors.participant_in(project=project, pk=ppk)
    involvement = selectors_people.involvement_of(participant)
    error = None
    if request.method == "POST" and not involvement.any:
        try:
            actions.delete_participant(participant=participant, by=user_of(request))
        except ActionError as refusal:
            error = refusal.message
        else:
            messages.success(request, "The participant was deleted.")
            return redirect("participation:participants", pk=project.pk)
    return render(
        request,
        "participation/people/participant_delete.html",
        _context(request, project, participant=participant, involvement=involvement, error=error),
    )


# -- consent -----------------------------------------------------------------------------


@login_required
def consent_add(request: HttpRequest, pk: int, ppk: int) -> HttpResponse:
    project = managed_project(request, pk)
    participant = selectors.participant_in(project=project, pk=ppk)
    purpose = request.GET.get("purpose", "")
    initial = {
        "given_on": timezone.localdate(),
        "purpose": purpose if purpose in ConsentPurpose.values else "",
    }
    form = ConsentForm(_data(request), initial=initial)
    if response := save_or_show(
        request,
        form,
        lambda: actions.record_consent(
            participant=participant, by=user_of(request), **form.cleaned_data
        ),
        done="Consent recorded.",
        next_url=_participant_url(project, participant),
    ):
        return response
    return render(
        request,
        "participation/people/consent_form.html",
        _context(request, project, form=form, participant=participant),
    )


def _withdraw_page(
    request: HttpRequest,
    *,
    project: Project,
    participant: Participant,
    cpk: int,
    done_url: str,
    own: bool,
) -> HttpResponse:
    consent = selectors_people.consent_in(participant=participant, pk=cpk)
    if consent.withdrawn_on is not None:
        raise Http404("This consent is withdrawn already.")
    form = WithdrawForm(_data(request), initial={"withdrawn_on": timezone.localdate()})
    if response := save_or_show(
        request,
        form,
        lambda: actions.withdraw_consent(consent=consent, by=user_of(request), **form.cleaned_data),
        done="Consent withdrawn.",
        next_url=done_url,
    ):
        return response
    return render(
        request,
        "participation/people/consent_withdraw.html",
        _context(
            request,
            project,
            form=form,
            participant=participant,
            consent=consent,
            own=own,
            cancel=done_url,
            has_equality=selectors_people.has_equality_record(participant),
        ),
    )


@login_required
def consent_withdraw(request: HttpRequest, pk: int, ppk: int, cpk: int) -> HttpResponse:
    project = managed_project(request, pk)
    participant = selectors.participant_in(project=project, pk=ppk)
    return _withdraw_page(
        request,
        project=project,
        participant=participant,
        cpk=cpk,
        done_url=_participant_url(project, participant),
        own=False,
    )


# -- equality monitoring on someone's behalf (write-only) --------------------------------


@login_required
def equality_on_behalf(request: HttpRequest, pk: int, ppk: int) -> HttpResponse:
    """A facilitator records someone's answers. The form never shows saved answers."""
    project = managed_project(request, pk)
    participant = selectors.participant_in(project=project, pk=ppk)
    problem = selectors_people.consent_problem(participant, ConsentPurpose.EQUALITY)
    form = EqualityForm(
        _data(request),
        plus_groups=selectors_people.plus_groups_of(project.organisation),
        about_someone_else=True,
    )
    # Without consent the answers are neither checked nor saved.
    if problem is None and (
        response := save_or_show(
            request,
            form,
            lambda: actions.record_equality(
                participant=participant, by=user_of(request), **form.cleaned_data
            ),
            done=f"{participant.name}’s equality monitoring answers were recorded. They are "
            "shown only as counts, on “Who takes part”.",
            next_url=_participant_url(project, participant),
        )
    ):
        return response
    return render(
        request,
        "participation/people/equality_on_behalf.html",
        _context(
            request,
            project,
            form=form,
            participant=participant,
            problem=problem,
            recorded_on=selectors_people.equality_recorded_on(participant),
        ),
    )


# -- check-ins and support ---------------------------------------------------------------


@login_required
def checkin_on_behalf(request: HttpRequest, pk: int, ppk: int) -> HttpResponse:
    project = managed_project(request, pk)
    participant = selectors.participant_in(project=project, pk=ppk)
    form = CheckinForm(_data(request), about_someone_else=True)
    if response := save_or_show(
        request,
        form,
        lambda: actions.record_checkin(
            participant=participant, answers=form.answers(), by=user_of(request)
        ),
        done="Check-in recorded.",
        next_url=_participant_url(project, participant),
    ):
        return response
    return render(
        request,
        "participation/people/checkin_form.html",
        _context(request, project, form=form, participant=participant, own=False),
    )


def _support_page(
    request: HttpRequest, project: Project, participant: Participant, offer: SupportOffer | None
) -> HttpResponse:
    initial: dict[str, Any] = {"offered_on": timezone.localdate()}
    if offer is not None:
        initial = {
            "kind": offer.kind,
            "offered_on": offer.offered_on,
            "taken_up": "" if offer.taken_up is None else ("yes" if offer.taken_up else "no"),
            "note": offer.note,
        }
    form = SupportForm(_data(request), initial=initial)
    if response := save_or_show(
        request,
        form,
        lambda: (
            actions.offer_support(participant=participant, by=user_of(request), **form.support())
            if offer is None
            else actions.update_support(offer=offer, by=user_of(request), **form.support())
        ),
        done="Support recorded.",
        next_url=_participant_url(project, participant),
    ):
        return response
    return render(
        request,
        "participation/people/support_form.html",
        _context(request, project, form=form, participant=participant, offer=offer),
    )


@login_required
def support_add(request: HttpRequest, pk: int, ppk: int) -> HttpResponse:
    project = managed_project(request, pk)
    participant = selectors.participant_in(project=project, pk=ppk)
    return _support_page(request, project, participant, None)


@login_required
def support_edit(request: HttpRequest, pk: int, ppk: int, spk: int) -> HttpResponse:
    project = managed_project(request, pk)
    participant = selectors.participant_in(project=project, pk=ppk)
    offer = selectors_people.support_in(participant=participant, pk=spk)
    return _support_page(request, project, participant, offer)


# -- My participation ---------------------------------------------------------------------


def _me(request: HttpRequest, pk: int) -> tuple[Project, Participant]:
    """The project and the participant record linked to the user (404 if none)."""
    project = project_of(request, pk)
    participant = selectors.participant_of_user(project=project, user=request.user)
    if participant is None:
        raise Http404("You have no participant record in this project.")
    return project, participant


@login_required
def me(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    participant = selectors.participant_of_user(project=project, user=request.user)
    context = _context(request, project, participant=participant)
    if participant is not None:
        answers = selectors_people.own_equality_answers(
            participant=participant, user=user_of(request)
        )
        context.update(
            contact=selectors_people.contact_of(participant),
            access_needs=selectors_people.access_need_labels(participant),
            consents=selectors_people.consent_summary(participant),
            equality=selectors_people.equality_lines(answers) if answers else None,
            checkins=[
                (checkin, selectors_people.checkin_lines(checkin))
                for checkin in selectors_people.checkins_of(participant)
            ],
            support=selectors_people.support_of(participant),
        )
    return render(request, "participation/people/me.html", context)


def _me_url(project: Project) -> str:
    return reverse("participation:me", args=[project.pk])


@login_required
def me_contact(request: HttpRequest, pk: int) -> HttpResponse:
    project, participant = _me(request, pk)
    form = ContactForm(
        _data(request),
        initial={
            "contact_preference": participant.contact_preference,
            "contact_details": participant.contact_details,
        },
    )
    if response := save_or_show(
        request,
        form,
        lambda: actions.update_own_contact(
            participant=participant, by=user_of(request), **form.cleaned_data
        ),
        done="Your contact preference was saved.",
        next_url=_me_url(project),
    ):
        return response
    return render(
        request,
        "participation/people/me_contact.html",
        _context(
            request,
            project,
            form=form,
            participant=participant,
            contact=selectors_people.contact_of(participant),
        ),
    )


@login_required
def me_consent_withdraw(request: HttpRequest, pk: int, cpk: int) -> HttpResponse:
    project, participant = _me(request, pk)
    return _withdraw_page(
        request,
        project=project,
        participant=participant,
        cpk=cpk,
        done_url=_me_url(project),
        own=True,
    )


@login_required
def me_equality(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's own equality answers: they may see and replace them."""
    project, participant = _me(request, pk)
    user = user_of(request)
    answers = selectors_people.own_equality_answers(participant=participant, user=user)
    consented = selectors_people.has_consent(participant, ConsentPurpose.EQUALITY)
    form_class = EqualityForm if consented else EqualityConsentForm
    initial = selectors_people.equality_initial(answers) if answers else {}
    form = form_class(
        _data(request),
        initial=initial,
        plus_groups=selectors_people.plus_groups_of(project.organisation),
    )

    def save() -> object:
        data = dict(form.cleaned_data)
        agreed = data.pop("consent", False)
        return actions.record_equality_with_consent(
            participant=participant, consent=bool(agreed), by=user, **data
        )

    if response := save_or_show(
        request, form, save, done="Thank you: your answers were saved.", next_url=_me_url(project)
    ):
        return response
    return render(
        request,
        "participation/people/me_equality.html",
        _context(
            request,
            project,
            form=form,
            participant=participant,
            equality=selectors_people.equality_lines(answers) if answers else None,
            consented=consented,
        ),
    )


@login_required
def me_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    project, participant = _me(request, pk)
    form = CheckinForm(_data(request))
    if response := save_or_show(
        request,
        form,
        lambda: actions.record_checkin(
            participant=participant, answers=form.answers(), by=user_of(request)
        ),
        done="Thank you: your check-in was saved.",
        next_url=_me_url(project),
    ):
        return response
    return render(
        request,
        "participation/people/checkin_form.html",
        _context(request, project, form=form, participant=participant, own=True),
    )


# -- aggregates --------------------------------------------------------------------------


@login_required
def who_takes_part(request: HttpRequest, pk: int) -> HttpResponse:
    """Counts only, suppressed: any member may see them."""
    project = project_of(request, pk)
    return render(
        request,
        "participation/people/who_takes_part.html",
        _context(
            request,
            project,
            profile=selectors_people.who_takes_part(project=project),
            checkins=selectors_people.checkins_by_role(project=project),
            suppression_note=selectors_people.SUPPRESSION_NOTE,
        ),
    )


# -- PLUS groups -------------------------------------------------------------------------


@login_required
def plus_groups(request: HttpRequest, pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    organisation = project.organisation
    form = PlusGroupForm(_data(request))
    if response := save_or_show(
        request,
        form,
        lambda: actions.add_plus_group(
            organisation=organisation, by=user_of(request), **form.cleaned_data
        ),
        done="PLUS group added.",
        next_url=reverse("participation:plus_groups", args=[project.pk]),
    ):
        return response
    return render(
        request,
        "participation/people/plus_groups.html",
        _context(
            request,
            project,
            form=form,
            organisation=organisation,
            groups=selectors_people.plus_groups_of(organisation),
        ),
    )


@login_required
def plus_group_remove(request: HttpRequest, pk: int, gpk: int) -> HttpResponse:
    project = managed_project(request, pk)
    group = selectors_people.plus_group_in(organisation=project.organisation, pk=gpk)
    url = reverse("participation:plus_groups", args=[project.pk])
    return _confirm(
        request,
        project=project,
        heading=f"Remove the PLUS group “{group.name}”?",
        explanation="It is removed for every project of the organisation. Equality "
        "monitoring answers that named it will no longer count it. The audit log keeps a "
        "record.",
        button="Remove group",
        cancel=url,
        act=lambda: actions.remove_plus_group(group=group, by=user_of(request)),
        done="The PLUS group was removed.",
        next_url=url,
    )


def _confirm(
    request: HttpRequest,
    *,
    project: Project,
    heading: str,
    explanation: str,
    button: str,
    cancel: str,
    act: Callable[[], object],
    done: str,
    next_url: str,
) -> HttpResponse:
    error = None
    if request.method == "POST":
        try:
            act()
        except ActionError as refusal:
            error = refusal.message
        else:
            messages.success(request, done)
            return redirect(next_url)
    return render(
        request,
        "participation/people/confirm.html",
        _context(
            request,
            project,
            heading=heading,
            explanation=explanation,
            button=button,
            cancel=cancel,
            error=error,
        ),
    )

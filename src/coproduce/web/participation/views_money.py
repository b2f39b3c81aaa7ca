"""Pages for payments: the organisation's payment rates, what each participant is owed, the
finance export, and expense claims (facilitators' list, and each claimant's own).

* Payment rates: facilitators of any of the organisation's projects, and its admins (403 for
  other members; 404, as always, for people outside the project).
* Payments, the finance export and the claims list: the project's facilitators.
* "My expenses": a member linked to a participant record, for their own claims.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from coproduce.web.errors import ActionError
from coproduce.web.forms import save_or_show
from coproduce.web.projects.models import Project

from . import actions_money as actions
from . import selectors
from . import selectors_money as money
from .forms_money import ClaimStatusForm, ExpenseForm, PeriodForm, StatusFilterForm, TierForm
from .models import ExpenseCategory, ExpenseClaim, ExpenseStatus, Participant, PaymentTier
from .views import managed_project, project_of, user_of

PER_PAGE = 25


def _page(request: HttpRequest, items: Any) -> Page[Any]:
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


def _query(**params: str) -> str:
    """The query string that keeps a page's filter on its pagination links."""
    kept = {name: value for name, value in params.items() if value}
    return urlencode(kept) + "&" if kept else ""


def _context(request: HttpRequest, project: Project, **extra: Any) -> dict[str, Any]:
    return {
        "project": project,
        "benefits_warning": money.BENEFITS_WARNING,
        **selectors.permissions(project=project, user=request.user),
        **extra,
    }


def confirm_page(
    request: HttpRequest,
    *,
    project: Project,
    heading: str,
    explanation: str,
    button: str,
    cancel: str,
    act: Any,
    done: str,
    next_url: str,
) -> HttpResponse:
    """A page that asks before ``act`` (a deletion) and, on POST, does it: shared by the
    payments and the team pages. A refusal (``ActionError``) is shown on the page."""
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
        "participation/money/confirm.html",
        {
            "project": project,
            "heading": heading,
            "explanation": explanation,
            "button": button,
            "cancel": cancel,
            "error": error,
        },
    )


# -- payment rates --------------------------------------------------------------------------


def _rates_project(request: HttpRequest, pk: int) -> Project:
    """The project, if the user may manage its organisation's payment rates (403 if not)."""
    project = project_of(request, pk)
    if not money.can_manage_rates(organisation=project.organisation, user=request.user):
        raise PermissionDenied(
            "Only facilitators of the organisation's projects, or its admins, can see and "
            "change its payment rates."
        )
    return project


@login_required
def payment_rates(request: HttpRequest, pk: int) -> HttpResponse:
    project = _rates_project(request, pk)
    return render(
        request,
        "participation/money/rates.html",
        _context(
            request,
            project,
            organisation=project.organisation,
            tiers=list(money.tiers_of(project.organisation)),
        ),
    )


def _tier_form_page(
    request: HttpRequest, project: Project, tier: PaymentTier | None
) -> HttpResponse:
    form = TierForm(
        request.POST or None,
        initial=TierForm.initial_for(tier) if tier else {"active": True},
    )
    if response := save_or_show(
        request,
        form,
        lambda: (
            actions.create_tier(
                organisation=project.organisation, by=user_of(request), **form.cleaned_data
            )
            if tier is None
            else actions.update_tier(tier=tier, by=user_of(request), **form.cleaned_data)
        ),
        done="Payment tier saved.",
        next_url=reverse("participation:payment_rates", args=[project.pk]),
    ):
        return response
    return render(
        request,
        "participation/money/tier_form.html",
        _context(request, project, form=form, tier=tier, organisation=project.organisation),
    )


@login_required
def payment_tier_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _tier_form_page(request, _rates_project(request, pk), None)


@login_required
def payment_tier_edit(request: HttpRequest, pk: int, tier_pk: int) -> HttpResponse:
    project = _rates_project(request, pk)
    tier = money.tier_in(organisation=project.organisation, pk=tier_pk)
    return _tier_form_page(request, project, tier)


@login_required
def payment_tier_delete(request: HttpRequest, pk: int, tier_pk: int) -> HttpResponse:
    project = _rates_project(request, pk)
    tier = money.tier_in(organisation=project.organisation, pk=tier_pk)
    url = reverse("participation:payment_rates", args=[project.pk])
    return confirm_page(
        request,
        project=project,
        heading=f"Delete the payment tier “{tier.name}”?",
        explanation="Attendance already recorded keeps the rate and amount of its time. A tier "
        "that participants are on cannot be deleted: mark it as no longer in use instead.",
        button="Delete tier",
        cancel=url,
        act=lambda: actions.delete_tier(tier=tier, by=user_of(request)),
        done="The payment tier was deleted.",
        next_url=url,
    )


# -- what people are owed ---------------------------------------------------------------------


@login_required
def payments(request: HttpRequest, pk: int) -> HttpResponse:
    """Per participant who wants paying (or is owed, or has claimed): hours and amounts per
    activity, expenses by status, and totals, for a period."""
    project = managed_project(request, pk)
    filters = PeriodForm(request.GET or None)
    period = filters.period()
    page = _page(request, money.payees_of(project=project))
    query = _query(
        start=period.start.isoformat() if period.start else "",
        end=period.end.isoformat() if period.end else "",
    )
    return render(
        request,
        "participation/money/payments.html",
        _context(
            request,
            project,
            filters=filters,
            period=period,
            page=page,
            summaries=money.payment_summaries(page.object_list, period=period),
            totals=money.payment_totals(project=project, period=period),
            query=query,
            rates_manager=money.can_manage_rates(
                organisation=project.organisation, user=request.user
            ),
        ),
    )


@login_required
def payments_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The finance export: time owed and approved expense claims, as CSV."""
    project = managed_project(request, pk)
    filters = PeriodForm(request.GET or None)
    if filters.is_bound and not filters.is_valid():
        messages.error(request, "Check the dates: the export was not made.")
        return redirect(reverse("participation:payments", args=[project.pk]))
    period = filters.period()
    rows = money.finance_rows(project=project, period=period)
    actions.record_finance_export(
        project=project, rows=len(rows), period=period, by=user_of(request)
    )
    response = HttpResponse(money.finance_csv(rows), content_type="text/csv; charset=utf-8")
    name = slugify(project.title) or f"project-{project.pk}"
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="payments-{name}-{day}.csv"'
    response["Cache-Control"] = "no-store"
    return response


# -- expense claims: facilitators -------------------------------------------------------------


@login_required
def expenses(request: HttpRequest, pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    filters = StatusFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    page = _page(request, money.claims_of(project=project, status=status))
    return render(
        request,
        "participation/money/expenses.html",
        _context(
            request,
            project,
            filters=filters,
            status=status,
            status_label=ExpenseStatus(status).label if status else "",
            page=page,
            counts=money.status_counts(project=project),
            query=_query(status=status),
            category_labels=dict(ExpenseCategory.choices),
        ),
    )


def _claim_form_page(
    request: HttpRequest,
    project: Project,
    *,
    participant: Participant | None,
    claim: ExpenseClaim | None,
    own: bool,
) -> HttpResponse:
    """The claim form: a facilitator's (choosing who claims, when new) or a claimant's own."""
    if own:
        assert participant is not None
        activities = money.claimable_activities_for(participant)
        after = reverse("participation:my_expenses", args=[project.pk])
    else:
        activities = money.claimable_activities(project=project)
        after = reverse("participation:expenses", args=[project.pk])
    form = ExpenseForm(
        request.POST or None,
        initial=ExpenseForm.initial_for(claim) if claim else {},
        activities=activities,
        participants=(
            selectors.participants_of(project=project) if not own and claim is None else None
        ),
    )

    def save() -> ExpenseClaim:
        if claim is not None:
            return actions.update_claim(claim=claim, by=user_of(request), **form.values())
        who = participant if participant is not None else form.cleaned_data["participant"]
        return actions.submit_claim(participant=who, by=user_of(request), **form.values())

    if response := save_or_show(
        request,
        form,
        save,
        done="Expense claim saved.",
        # The claimant goes back to their claims; a facilitator to the claim.
        next_url=after
        if own
        else lambda saved: reverse("participation:expense", args=[project.pk, saved.pk]),
    ):
        return response
    return render(
        request,
        "participation/money/expense_form.html",
        _context(
            request,
            project,
            form=form,
            claim=claim,
            own=own,
            participant=participant,
            back=after,
        ),
    )


@login_required
def expense_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    return _claim_form_page(request, project, participant=None, claim=None, own=False)


@login_required
def expense_edit(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    claim = money.claim_in(project=project, pk=claim_pk)
    return _claim_form_page(request, project, participant=claim.participant, claim=claim, own=False)


@login_required
def expense(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    """A claim, and the form that moves it on (approve, reject with a reason, mark paid)."""
    project = managed_project(request, pk)
    claim = money.claim_in(project=project, pk=claim_pk)
    choices = money.next_statuses(claim)
    form = ClaimStatusForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            actions.move_claim(
                claim=claim,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                by=user_of(request),
            )
        except ActionError as error:
            form.add_action_error(error)
            claim.refresh_from_db()
        else:
            messages.success(request, f"The claim is now {claim.get_status_display().lower()}.")
            return redirect("participation:expense", pk=project.pk, claim_pk=claim.pk)
    return render(
        request,
        "participation/money/expense_detail.html",
        _context(
            request,
            project,
            claim=claim,
            form=form if choices else None,
            category=money.category_label(claim.category),
            own_claim=(
                claim.participant.membership is not None
                and claim.participant.membership.user_id == request.user.pk
            ),
            editable=claim.status in (ExpenseStatus.SUBMITTED, ExpenseStatus.REJECTED),
        ),
    )


# -- expense claims: the claimant's own --------------------------------------------------------


def _me(request: HttpRequest, pk: int) -> tuple[Project, Participant]:
    """The project and the user's own participant record (404 if they have none)."""
    project = project_of(request, pk)
    participant = selectors.participant_of_user(project=project, user=request.user)
    if participant is None:
        raise Http404("You have no participant record in this project.")
    return project, participant


@login_required
def my_expenses(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    participant = selectors.participant_of_user(project=project, user=request.user)
    claims = (
        money.claims_of(project=project, participant=participant)
        if participant is not None
        else ExpenseClaim.objects.none()
    )
    page = _page(request, claims)
    return render(
        request,
        "participation/money/my_expenses.html",
        _context(
            request,
            project,
            participant=participant,
            page=page,
            query="",
            category_labels=dict(ExpenseCategory.choices),
        ),
    )


@login_required
def my_expense_create(request: HttpRequest, pk: int) -> HttpResponse:
    project, participant = _me(request, pk)
    return _claim_form_page(request, project, participant=participant, claim=None, own=True)


@login_required
def my_expense_edit(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    project, participant = _me(request, pk)
    claim = money.own_claim_in(participant=participant, pk=claim_pk)
    if claim.status not in (ExpenseStatus.SUBMITTED, ExpenseStatus.REJECTED):
        messages.error(
            request,
            f"This claim is {claim.get_status_display().lower()}: it can no longer be changed.",
        )
        return redirect("participation:my_expenses", pk=project.pk)
    return _claim_form_page(request, project, participant=participant, claim=claim, own=True)

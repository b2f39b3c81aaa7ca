from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from coproduce.web.accounts.forms import SignUpForm
from coproduce.web.accounts.models import User
from coproduce.web.audit import selectors as audit_selectors
from coproduce.web.errors import ActionError
from coproduce.web.forms import save_or_show

from . import actions, selectors
from .forms import InviteForm, OrganisationForm, ProjectForm, RoleForm
from .models import Project, Role

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _facilitated_project(request: HttpRequest, pk: int) -> Project:
    """The project, if the user facilitates it: 404 for outsiders, 403 for other members."""
    project = selectors.project_for_user(pk=pk, user=request.user)
    if not selectors.is_facilitator(project=project, user=request.user):
        raise PermissionDenied("Only the project's facilitators can do that.")
    return project


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = Paginator(selectors.projects_with_roles_for(user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "projects/list.html",
        {
            "page": page,
            "can_create": selectors.organisations_where_admin(user).exists(),
            "can_create_organisation": user.is_staff,
        },
    )


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = selectors.organisations_where_admin(user)
    if not organisations.exists():
        raise PermissionDenied("Only organisation admins can start projects.")
    form = ProjectForm(request.POST or None, organisations=organisations)
    if response := save_or_show(
        request,
        form,
        lambda: actions.create_project(
            organisation=form.cleaned_data["organisation"],
            title=form.cleaned_data["title"],
            service=form.cleaned_data["service"],
            description=form.cleaned_data["description"],
            status=form.cleaned_data["status"],
            by=user,
        ),
        done=lambda project: f"Project “{project.title}” created.",
        next_url=lambda project: reverse("projects:detail", args=[project.pk]),
    ):
        return response
    return render(request, "projects/form.html", {"form": form, "project": None})


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for_user(pk=pk, user=request.user)
    membership = selectors.membership_of(project=project, user=request.user)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "membership": membership,
            "is_facilitator": membership is not None and membership.role == Role.FACILITATOR,
            "members": selectors.members_of(project=project),
        },
    )


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _facilitated_project(request, pk)
    form = ProjectForm(
        request.POST or None,
        initial={
            "title": project.title,
            "service": project.service,
            "description": project.description,
            "status": project.status,
        },
    )
    if response := save_or_show(
        request,
        form,
        lambda: actions.update_project(project=project, by=_user(request), **form.cleaned_data),
        done="Project details saved.",
        next_url=reverse("projects:detail", args=[project.pk]),
    ):
        return response
    return render(request, "projects/form.html", {"form": form, "project": project})


@login_required
def members(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_for_user(pk=pk, user=request.user)
    is_facilitator = selectors.is_facilitator(project=project, user=request.user)
    return render(
        request,
        "projects/members.html",
        {
            "project": project,
            "members": selectors.members_of(project=project),
            "invitations": (
                selectors.open_invitations_of(project=project) if is_facilitator else []
            ),
            "is_facilitator": is_facilitator,
        },
    )


@login_required
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    project = _facilitated_project(request, pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, raw = actions.invite_member(
                project=project,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=_user(request),
                link_for=lambda token: request.build_absolute_uri(
                    reverse("invitation", args=[token])
                ),
            )
        except ActionError as error:
            form.add_action_error(error)
        else:
            return render(
                request,
                "projects/invite_sent.html",
                {
                    "project": project,
                    "invitation": invitation,
                    "link": request.build_absolute_uri(reverse("invitation", args=[raw])),
                },
            )
    return render(
        request,
        "projects/invite.html",
        {"project": project, "form": form, "invitation_days": settings.INVITATION_DAYS},
    )


@login_required
def revoke_invitation(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    project = _facilitated_project(request, pk)
    invitation = selectors.invitation_in(project=project, pk=invitation_pk)
    if request.method == "POST":
        try:
            actions.revoke_invitation(invitation=invitation, by=_user(request))
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
        return redirect("projects:members", pk=project.pk)
    return render(
        request,
        "projects/invitation_revoke.html",
        {"project": project, "invitation": invitation},
    )


@login_required
def member(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    project = _facilitated_project(request, pk)
    membership = selectors.membership_for_facilitator(project=project, pk=member_pk)
    form = RoleForm(request.POST or None, initial={"role": membership.role})
    if response := save_or_show(
        request,
        form,
        lambda: actions.change_member_role(
            membership=membership, role=form.cleaned_data["role"], by=_user(request)
        ),
        # Called after the change, so it names the new role.
        done=lambda _: f"{membership.user} is now {membership.get_role_display()}.",
        next_url=reverse("projects:members", args=[project.pk]),
    ):
        return response
    return render(
        request,
        "projects/member.html",
        {"project": project, "membership": membership, "form": form},
    )


@login_required
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    project = _facilitated_project(request, pk)
    membership = selectors.membership_for_facilitator(project=project, pk=member_pk)
    error = None
    if request.method == "POST":
        try:
            actions.remove_member(membership=membership, by=_user(request))
        except ActionError as refusal:
            error = refusal.message
        else:
            messages.success(request, f"{membership.user} was removed from the project.")
            if membership.user_id == request.user.pk:
                return redirect("projects:list")
            return redirect("projects:members", pk=project.pk)
    return render(
        request,
        "projects/member_remove.html",
        {"project": project, "membership": membership, "error": error},
    )


@login_required
def audit_log(request: HttpRequest, pk: int) -> HttpResponse:
    project = _facilitated_project(request, pk)
    page = Paginator(audit_selectors.events_for_project(project=project), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "projects/audit.html", {"project": project, "page": page})


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.is_staff:
        raise PermissionDenied("Only site staff can create organisations.")
    form = OrganisationForm(request.POST or None)
    if response := save_or_show(
        request,
        form,
        lambda: actions.create_organisation(by=user, **form.cleaned_data),
        done=lambda organisation: (
            f"{organisation.name} created. You are its admin and can start projects in it."
        ),
        next_url="projects:list",
    ):
        return response
    return render(request, "projects/organisation_form.html", {"form": form})


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email: sign up, sign in, or accept."""
    found = selectors.invitation_by_token(token)
    problem = actions.explain_unusable(found)
    if problem or found is None:
        return render(
            request,
            "projects/invitation_unusable.html",
            {"problem": problem},
            status=410 if found else 404,
        )
    context: dict[str, object] = {"invitation": found, "project": found.project}
    if request.user.is_authenticated:
        user = _user(request)
        if request.method == "POST":
            try:
                actions.accept_invitation(invitation=found, user=user)
            except ActionError as error:
                context["error"] = error.message
            else:
                messages.success(request, f"You have joined “{found.project.title}”.")
                return redirect("projects:detail", pk=found.project.pk)
        context["wrong_account"] = user.email.lower() != found.email.lower()
        return render(request, "projects/invitation_accept.html", context)

    has_account = User.objects.filter(email__iexact=found.email).exists()
    if has_account:
        context["sign_in_url"] = f"{reverse('accounts:login')}?next={request.path}"
        return render(request, "projects/invitation_sign_in.html", context)
    form = SignUpForm(request.POST or None, email=found.email)
    if request.method == "POST" and form.is_valid():
        try:
            user, _ = actions.sign_up_with_invitation(
                invitation=found,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password"],
            )
        except ActionError as error:
            form.add_action_error(error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome. You have joined “{found.project.title}”.")
            return redirect("projects:detail", pk=found.project.pk)
    context["form"] = form
    return render(request, "projects/invitation_sign_up.html", context)

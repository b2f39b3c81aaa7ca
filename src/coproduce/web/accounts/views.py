from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from coproduce.web.forms import save_or_show

from . import actions, selectors
from .forms import (
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    SetPasswordForm,
    SignInForm,
    TokenForm,
)
from .models import User


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        messages.success(self.request, "Your password has been changed.")
        return super().form_valid(form)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        form = ProfileForm(request.POST)
    else:
        form = ProfileForm(initial={"name": user.name, "email": user.email})
    if response := save_or_show(
        request,
        form,
        lambda: actions.update_profile(
            user=user, name=form.cleaned_data["name"], email=form.cleaned_data["email"], by=user
        ),
        done="Your profile has been updated.",
        next_url="accounts:profile",
    ):
        return response
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    new_token = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            _, new_token = actions.create_access_token(user=user, name=form.cleaned_data["name"])
            form = TokenForm()
    else:
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": selectors.tokens_of(user), "new_token": new_token},
    )


@login_required
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    token = selectors.token_of(user=user, pk=pk)
    if request.method == "POST":
        actions.revoke_access_token(token=token, by=user)
        messages.success(request, f"The token “{token.name}” has been revoked.")
        return redirect("accounts:tokens")
    return render(request, "accounts/token_revoke.html", {"token": token})

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation

from coproduce.web.forms import NhsForm, NhsFormMixin

from . import actions
from .models import User


class SignInForm(NhsFormMixin, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": "Enter your email address"},
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    error_messages = {
        "invalid_login": "Enter a correct email address and password.",
        "inactive": "This account is inactive.",
    }


class PasswordResetForm(NhsFormMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": "Enter your email address"},
    )


class SetPasswordForm(NhsFormMixin, auth_forms.SetPasswordForm):  # type: ignore[type-arg]
    """Sets the password through the accounts action, so the change is audited."""

    reason = "reset"

    def save(self, commit: bool = True) -> Any:
        actions.set_password(
            user=self.user,
            password=self.cleaned_data["new_password1"],
            by=self.user,
            reason=self.reason,
        )
        return self.user


class PasswordChangeForm(NhsFormMixin, auth_forms.PasswordChangeForm):
    reason = "changed"

    def save(self, commit: bool = True) -> Any:
        actions.set_password(
            user=self.user,
            password=self.cleaned_data["new_password1"],
            by=self.user,
            reason=self.reason,
        )
        return self.user


class ProfileForm(NhsForm):
    name = forms.CharField(
        label="Full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Enter your full name"},
    )
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": "Enter your email address"},
    )


class SignUpForm(NhsForm):
    """Create an account from an invitation: the email is the invited address."""

    name = forms.CharField(
        label="Full name",
        max_length=150,
        help_text="Other members of the project will see this name.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Enter your full name"},
    )
    password = forms.CharField(
        label="Create a password",
        strip=False,
        help_text="At least 10 characters. Avoid common words and passwords you use elsewhere.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Create a password"},
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        candidate = User(email=self.email, name=self.data.get("name", ""))
        password_validation.validate_password(password, user=candidate)
        return password


class TokenForm(NhsForm):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What will use it, for example “R analysis script”.",
        error_messages={"required": "Enter a name for the token"},
    )

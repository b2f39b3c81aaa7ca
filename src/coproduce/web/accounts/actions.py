"""Changes to accounts and API tokens, each audited."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coproduce.web.audit import actions as audit
from coproduce.web.errors import ActionError, NotAllowed

from .models import AccessToken, User, hash_token

TOKEN_PREFIX = "cp_"  # noqa: S105 (a label, not a secret)


@transaction.atomic
def create_user(
    *, email: str, name: str, password: str | None, is_staff: bool = False, by: User | None
) -> User:
    """Create an account (used by the CLI and the demo; people join through invitations)."""
    email = User.objects.normalize_email(email.strip()).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ActionError(f"There is already an account for {email}.", field="email")
    if password is not None:
        candidate = User(email=email, name=name)
        try:
            validate_password(password, user=candidate)
        except ValidationError as error:
            raise ActionError(" ".join(error.messages), field="password") from None
    user = User.objects.create_user(email, password, name=name.strip(), is_staff=is_staff)
    audit.record(
        action="user.created",
        by=by,
        target=user,
        summary=f"Created account {email}" + (" (site staff)" if is_staff else ""),
    )
    return user


@transaction.atomic
def update_profile(*, user: User, name: str, email: str, by: User) -> User:
    if by.pk != user.pk:
        raise NotAllowed("You can only change your own profile.")
    email = User.objects.normalize_email(email.strip()).lower()
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ActionError("That email address belongs to another account.", field="email")
    changed = [f for f, v in (("name", name.strip()), ("email", email)) if getattr(user, f) != v]
    user.name = name.strip()
    user.email = email
    user.save(update_fields=["name", "email"])
    audit.record(
        action="user.profile_updated",
        by=by,
        target=user,
        summary=f"Updated profile ({', '.join(changed) or 'no changes'})",
    )
    return user


@transaction.atomic
def set_password(*, user: User, password: str, by: User | None, reason: str) -> None:
    """Set a new password; ``reason`` is "changed" or "reset"."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        action=f"user.password_{reason}",
        by=by or user,
        target=user,
        summary=f"Password {reason} for {user.email}",
    )


@transaction.atomic
def create_access_token(*, user: User, name: str) -> tuple[AccessToken, str]:
    """Create a personal access token. The raw token is returned once, never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user, name=name.strip(), token_hash=hash_token(raw), prefix=raw[:10]
    )
    audit.record(
        action="token.created",
        by=user,
        target=token,
        summary=f"Created API token {token.name!r} ({token.prefix}…)",
    )
    return token, raw


@transaction.atomic
def revoke_access_token(*, token: AccessToken, by: User) -> None:
    if token.user_id != by.pk:
        raise NotAllowed("You can only revoke your own tokens.")
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        action="token.revoked",
        by=by,
        target=token,
        summary=f"Revoked API token {token.name!r} ({token.prefix}…)",
    )


def touch_access_token(*, token: AccessToken) -> None:
    """Record when a token was last used (at most once a minute, not audited)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)

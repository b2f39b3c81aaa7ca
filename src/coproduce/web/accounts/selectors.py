"""Reads for accounts and tokens."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import AccessToken, User, hash_token


def tokens_of(user: User) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def token_of(*, user: User, pk: int) -> AccessToken:
    try:
        return tokens_of(user).get(pk=pk)
    except AccessToken.DoesNotExist:
        raise Http404("No such token.") from None


def active_token(raw: str) -> AccessToken | None:
    return (
        AccessToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at=None, user__is_active=True)
        .first()
    )

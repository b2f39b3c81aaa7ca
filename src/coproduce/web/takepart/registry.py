"""What a voter can answer now, gathered from every app (issue 7).

Apps that ask voters something (Kano surveys, conversations, decisions) register a provider
from their ``AppConfig.ready()``::

    from coproduce.web.takepart.registry import OpenItem, register

    def open_surveys(voter):
        return [OpenItem(title=s.title, url=reverse(...), kind="Survey") for s in ...]

    register(open_surveys)

The voter's home page (``takepart:home``) lists every open item of every provider.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Voter

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenItem:
    title: str
    url: str
    kind: str


Provider = Callable[["Voter"], list[OpenItem]]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add ``provider`` (once; registering it again is harmless). Usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider: Provider) -> None:
    """Remove ``provider`` (for tests)."""
    if provider in _providers:
        _providers.remove(provider)


def open_items(voter: Voter) -> list[OpenItem]:
    """Every open item of every provider, in registration order.

    A provider that fails is logged and skipped, so one app's fault does not hide the others.
    """
    items: list[OpenItem] = []
    for provider in list(_providers):
        try:
            items.extend(provider(voter))
        except Exception:
            logger.exception("takepart: open-items provider %r failed", provider)
    return items

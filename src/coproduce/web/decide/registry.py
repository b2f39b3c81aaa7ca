"""The voter's open decisions, listed on their take-part home page."""

from __future__ import annotations

from django.urls import reverse

from coproduce.web.takepart.models import Voter
from coproduce.web.takepart.registry import OpenItem

from . import selectors
from .models import Kind


def open_decisions(voter: Voter) -> list[OpenItem]:
    return [
        OpenItem(
            title=d.question,
            url=reverse("decide:respond", args=[voter.project_id, d.pk]),
            kind=Kind(d.kind).label,
        )
        for d in selectors.open_decisions_for(voter)
    ]

"""What the voter's home page (``takepart:home``) lists from this app: the open surveys."""

from __future__ import annotations

from django.urls import reverse

from coproduce.web.takepart.models import Voter
from coproduce.web.takepart.registry import OpenItem

from . import selectors


def open_surveys(voter: Voter) -> list[OpenItem]:
    return [
        OpenItem(
            title=survey.title,
            url=reverse("kanosurvey:answer", args=[voter.project_id, survey.pk]),
            kind="Survey",
        )
        for survey in selectors.open_surveys_for(voter)
    ]

"""Background work: the analysis of a big conversation (docs/adr/0014, 0022)."""

from __future__ import annotations

from typing import Any

from . import actions, selectors
from .models import Conversation


def analyse_conversation(
    progress: Any, *, conversation_id: int, queued_for: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Analyse the conversation's votes now and keep the result as its analysis.

    ``queued_for`` (the votes the job was queued for, ``selectors.stamp_params``) is read by
    ``selectors.needs_analysis_job``, not here: the job analyses the votes as they are when it
    runs. It stores the vote count and last vote time read before it starts, so a vote that
    arrives meanwhile leaves the analysis stale and the next page view queues another job.
    """
    conversation = Conversation.objects.select_related("project").get(pk=conversation_id)
    progress(0.1, "Reading the votes")
    current = selectors.stamp(conversation=conversation)
    previous = selectors.cached_analysis(conversation=conversation)
    document = selectors.compute_document(
        conversation=conversation, previous=None if previous is None else previous.document
    )
    progress(0.9, "Saving the opinion groups")
    actions.store_analysis(
        conversation=conversation,
        vote_count=current.votes,
        last_vote_at=current.last_vote_at,
        document=document,
    )
    return {"votes": current.votes, "participants": len(document["participants"])}

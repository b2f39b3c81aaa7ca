"""Background work: the analysis of a big conversation (docs/adr/0014, 0022)."""

from __future__ import annotations

from typing import Any

from . import actions, selectors
from .models import Conversation


def analyse_conversation(progress: Any, *, conversation_id: int) -> dict[str, Any]:
    conversation = Conversation.objects.select_related("project").get(pk=conversation_id)
    progress(0.1, "Reading the votes")
    current = selectors.stamp(conversation=conversation)
    document = selectors.compute_document(conversation=conversation)
    progress(0.9, "Saving the opinion groups")
    actions.store_analysis(
        conversation=conversation,
        vote_count=current.votes,
        last_vote_at=current.last_vote_at,
        document=document,
    )
    return {"votes": current.votes, "participants": len(document["participants"])}

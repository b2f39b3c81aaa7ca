"""The one place that adds and removes the phases of a measure's chart.

A phase recalculates the limits from a period on; its reason is required, because the chart
must say why. Only facilitators may do either. Audit summaries name the measure and the date,
never the reason (free text).

When a chart changes (its data or settings, through ``actions.save_points`` and
``actions.update_measure``, which save the measure; or its phases, here), it is drawn again
once the change commits (``draw_ahead_after_commit``), so the next view of the measure page
finds the SVG in the cache instead of waiting for vl-convert. That is only a head start: the
cache key is the chart's content, so a view never gets a stale drawing either way.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from coproduce.web.accounts.models import User
from coproduce.web.audit import actions as audit
from coproduce.web.errors import ActionError, NotAllowed

from . import selectors, selectors_chart
from .models import DataPoint, Measure, Phase

logger = logging.getLogger(__name__)


def _draw_ahead(measure_pk: int) -> None:
    try:
        selectors_chart.draw_ahead(measure_pk)
    except Exception as error:  # a head start only: the page draws the chart itself
        # The kind of error only: its message could quote what the chart shows (titles,
        # phase reasons, PDSA labels), and free text never goes to the logs.
        logger.warning(
            "Could not draw the chart of measure %s ahead (%s)", measure_pk, type(error).__name__
        )


def draw_ahead_after_commit(measure: Measure) -> None:
    """Draw ``measure``'s chart into the cache when the current transaction commits."""
    transaction.on_commit(partial(_draw_ahead, measure.pk))


@receiver(post_save, sender=Measure, dispatch_uid="measures.draw_ahead")
def _measure_saved(sender: Any, instance: Measure, created: bool, **kwargs: Any) -> None:
    """``save_points`` saves the measure when its data changed; ``update_measure`` always."""
    if not created:
        draw_ahead_after_commit(instance)


def _require_facilitator(*, measure: Measure, user: User) -> None:
    if not selectors.access_for(project=measure.project, user=user).is_facilitator:
        raise NotAllowed("Only the project's facilitators can change the phases of a chart.")


@transaction.atomic
def add_phase(*, measure: Measure, starts: date, reason: str, by: User) -> Phase:
    """Start a new phase of ``measure``'s chart at ``starts``, for ``reason``."""
    _require_facilitator(measure=measure, user=by)
    reason = reason.strip()
    if not reason:
        raise ActionError("Enter why the limits are recalculated", field="reason")
    if len(reason) > 1000:
        raise ActionError("The reason must be 1,000 characters or fewer", field="reason")
    first = (
        DataPoint.objects.filter(measure=measure, stratum="")
        .order_by("period")
        .values_list("period", flat=True)
        .first()
    )
    if first is not None and starts <= first:
        raise ActionError(
            "A new phase must start after the first period of the measure", field="starts"
        )
    if Phase.objects.filter(measure=measure, starts=starts).exists():
        raise ActionError("A phase already starts at that period", field="starts")
    phase = Phase.objects.create(measure=measure, starts=starts, reason=reason, created_by=by)
    draw_ahead_after_commit(measure)
    audit.record(
        action="measure.phase_added",
        by=by,
        project=measure.project,
        target=phase,
        summary=f"Added a phase to {measure.title} from {starts.isoformat()}",
        data={"measure": measure.pk, "starts": starts.isoformat()},
    )
    return phase


@transaction.atomic
def delete_phase(*, phase: Phase, by: User) -> None:
    measure = phase.measure
    _require_facilitator(measure=measure, user=by)
    starts, pk = phase.starts, phase.pk
    phase.delete()
    draw_ahead_after_commit(measure)
    audit.record(
        action="measure.phase_deleted",
        by=by,
        project=measure.project,
        summary=f"Removed the phase of {measure.title} from {starts.isoformat()}",
        data={"measure": measure.pk, "phase": pk, "starts": starts.isoformat()},
    )

"""Forms of the chart pages: adding a phase."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django import forms

from coproduce.web.forms import NhsForm


class PhaseForm(NhsForm):
    starts = forms.TypedChoiceField(
        label="First period of the new phase",
        help_text="The limits are recalculated from this period on.",
        coerce=date.fromisoformat,
        error_messages={"required": "Select the first period of the new phase"},
    )
    reason = forms.CharField(
        label="Why the limits are recalculated",
        help_text=(
            "For example: the new triage process started this month. Everyone who reads the "
            "chart sees this reason."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        error_messages={"required": "Enter why the limits are recalculated"},
    )

    def __init__(
        self,
        *args: Any,
        periods: Sequence[date],
        taken: Sequence[date],
        label: Callable[[Any], str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["starts"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Select a period")] + [
            (p.isoformat(), label(p)) for p in periods[1:] if p not in taken
        ]

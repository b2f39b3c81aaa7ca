from __future__ import annotations

from typing import Any

from django import forms

from coproduce.participation.gripp2 import Gripp2Key
from coproduce.web.forms import NhsForm

from .actions_report import PAGE_MAX

HINTS = {
    "ppi_aim": "Why patients, carers and the public were involved: what the involvement was for.",
    "ppi_methods": "Leave empty to use the draft from the record, shown above the box.",
    "ppi_results": "Leave empty to use the draft from the record, shown above the box.",
    "ppi_influence": "Leave empty to use the draft from the record, shown above the box.",
    "ppi_reflection": "What went well, what did not, and what others can learn from it.",
}


class Gripp2Form(NhsForm):
    """The five items' text and the page each is reported on."""

    def __init__(self, *args: Any, labels: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in Gripp2Key:
            self.fields[key.value] = forms.CharField(
                label=labels[key.value],
                required=False,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text=HINTS[key.value],
                max_length=10_000,
            )
            self.fields[f"page_{key.value}"] = forms.CharField(
                label=f"Page where item is reported ({labels[key.value]})",
                required=False,
                max_length=PAGE_MAX,
                widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5"}),
            )

    def action_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **{key.value: data[key.value] for key in Gripp2Key},
            "pages": {key.value: data[f"page_{key.value}"] for key in Gripp2Key},
        }

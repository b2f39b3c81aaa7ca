"""Forms for taking part: event codes, seats, pseudonyms, and the facilitator's tools."""

from __future__ import annotations

from typing import Any

from django import forms

from coproduce.web.forms import NhsForm
from coproduce.web.participation.models import Participant

from . import actions
from .models import Constituency

CHOOSE_CONSTITUENCY = [
    (Constituency.PATIENT, "A patient"),
    (Constituency.CARER, "A carer or family member"),
    (Constituency.STAFF, "A member of staff"),
    (Constituency.OTHER, "None of these"),
]


class CodeForm(NhsForm):
    code = forms.CharField(
        label="Event code",
        max_length=20,
        help_text="The 6 letters and numbers shown at the event, for example K7DMRP.",
        error_messages={"required": "Enter the code shown at the event."},
        widget=forms.TextInput(
            attrs={
                "class": "takepart-code-input nhsuk-input--width-10",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )


class JoinForm(NhsForm):
    """The second step: the code again (hidden), who you speak as, an optional pseudonym."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=20)
    constituency = forms.ChoiceField(
        label="Are you taking part as",
        choices=CHOOSE_CONSTITUENCY,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who you are taking part as."},
    )
    pseudonym = forms.CharField(
        label="A name to show (optional)",
        required=False,
        max_length=actions.PSEUDONYM_MAX,
        help_text="Any name you like. Leave it empty to stay anonymous.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, fixed_constituency: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fixed_constituency:
            del self.fields["constituency"]


class PseudonymForm(NhsForm):
    pseudonym = forms.CharField(
        label="A name to show (optional)",
        required=False,
        max_length=actions.PSEUDONYM_MAX,
        help_text="Any name you like. Leave it empty to stay anonymous.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class LinksForm(NhsForm):
    count = forms.IntegerField(
        label="How many links",
        min_value=1,
        max_value=actions.MAX_LINKS_PER_BATCH,
        initial=10,
        help_text="One link for each person. Each link works once.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4"}),
    )
    constituency = forms.ChoiceField(
        label="The people invited take part as", choices=Constituency.choices
    )
    days = forms.IntegerField(
        label="Days before the links expire",
        min_value=1,
        max_value=actions.MAX_LINK_DAYS,
        initial=14,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4"}),
    )
    label = forms.CharField(
        label="Label for your list",
        required=False,
        max_length=100,
        help_text="For example the clinic or mailing. Do not put names here.",
    )


class EventCodeForm(NhsForm):
    label = forms.CharField(label="Event name", max_length=100)
    constituency = forms.ChoiceField(
        label="Everyone using this code takes part as",
        required=False,
        choices=[("", "Each person chooses"), *Constituency.choices],
    )
    opens_at = forms.DateTimeField(
        label="Opens",
        required=False,
        help_text="Leave empty to open it now.",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    closes_at = forms.DateTimeField(
        label="Closes",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "closes_at"):
            self.fields[name].widget.attrs["class"] = "nhsuk-input nhsuk-input--width-20"


class AssistedForm(NhsForm):
    constituency = forms.ChoiceField(label="They take part as", choices=Constituency.choices)
    pseudonym = forms.CharField(
        label="A name to show",
        required=False,
        max_length=actions.PSEUDONYM_MAX,
        help_text="A pseudonym the person is happy with, or leave empty.",
    )
    participant = forms.ModelChoiceField(
        label="Participant record",
        required=False,
        queryset=Participant.objects.none(),
        empty_label="None",
        help_text="Link the seat to someone in the project's participation records.",
    )

    def __init__(self, *args: Any, project: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participant"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Participant.objects.filter(project=project).order_by("name")

"""Forms of the journey pages. The actions check every value again and have the last word."""

from __future__ import annotations

from typing import Any

from django import forms

from coproduce.web.forms import NhsForm

from .models import EmotionSource, Journey, Stage, StageNature, TellerRole, Touchpoint

VALENCE_CHOICES = [
    ("-2", "−2 Very negative"),
    ("-1", "−1 Negative"),
    ("0", "0 Neutral or mixed"),
    ("1", "+1 Positive"),
    ("2", "+2 Very positive"),
]
INTENSITY_CHOICES = [
    ("1", "1 Mild"),
    ("2", "2"),
    ("3", "3 Moderate"),
    ("4", "4"),
    ("5", "5 Very strong"),
]


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class JourneyForm(NhsForm):
    title = forms.CharField(
        max_length=200, error_messages={"required": "Enter a title for the journey"}
    )
    pathway = forms.CharField(
        label="Pathway or service",
        max_length=200,
        required=False,
        help_text="For example, the breast cancer pathway from referral to follow-up.",
    )
    description = forms.CharField(required=False, widget=_text())

    @staticmethod
    def initial_for(journey: Journey) -> dict[str, Any]:
        return {
            "title": journey.title,
            "pathway": journey.pathway,
            "description": journey.description,
        }


class StageForm(NhsForm):
    name = forms.CharField(
        label="Name of the stage",
        max_length=200,
        help_text="For example, referral, diagnosis, treatment, discharge.",
        error_messages={"required": "Enter the name of the stage"},
    )
    description = forms.CharField(required=False, widget=_text())

    @staticmethod
    def initial_for(stage: Stage) -> dict[str, Any]:
        return {"name": stage.name, "description": stage.description}


class AgencyForm(NhsForm):
    patient_agency = forms.CharField(
        label="Patient agency",
        required=False,
        help_text="From 0 (the patient does nothing) to 1 (the patient does it all), "
        "for example 0.7. Leave empty if not yet agreed.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "decimal"}),
    )
    professional_agency = forms.CharField(
        label="Professional agency",
        required=False,
        help_text="From 0 to 1 as well. Both can be high: in co-production patient and "
        "professionals both contribute a lot.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "decimal"}),
    )
    agency_note = forms.CharField(label="Note on agency", required=False, widget=_text())
    nature = forms.ChoiceField(
        label="Is this stage product-like or service-like?",
        choices=StageNature.choices,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Choose product-like, service-like, mixed or not yet classified"
        },
    )
    nature_note = forms.CharField(
        label="Note on the classification", required=False, widget=_text()
    )

    @staticmethod
    def initial_for(stage: Stage) -> dict[str, Any]:
        return {
            "patient_agency": "" if stage.patient_agency is None else f"{stage.patient_agency:g}",
            "professional_agency": ""
            if stage.professional_agency is None
            else f"{stage.professional_agency:g}",
            "agency_note": stage.agency_note,
            "nature": stage.nature,
            "nature_note": stage.nature_note,
        }


class TouchpointForm(NhsForm):
    name = forms.CharField(
        label="Name of the touchpoint",
        max_length=200,
        help_text="A moment where the person meets the service, for example "
        "“Being told the diagnosis”.",
        error_messages={"required": "Enter the name of the touchpoint"},
    )
    description = forms.CharField(required=False, widget=_text())
    marked_hotspot = forms.BooleanField(label="Mark as a hotspot by hand", required=False)

    @staticmethod
    def initial_for(touchpoint: Touchpoint) -> dict[str, Any]:
        return {
            "name": touchpoint.name,
            "description": touchpoint.description,
            "marked_hotspot": touchpoint.marked_hotspot,
        }


class EmotionForm(NhsForm):
    valence = forms.ChoiceField(
        label="How did it feel?",
        choices=VALENCE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how it felt, from −2 (very negative) to +2 (very positive)",
            "invalid_choice": "Valence must be from −2 (very negative) to +2 (very positive)",
        },
    )
    intensity = forms.ChoiceField(
        label="How strong was the feeling?",
        choices=INTENSITY_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how strong the feeling was, from 1 (mild) to 5 (very strong)",
            "invalid_choice": "Intensity must be from 1 (mild) to 5 (very strong)",
        },
    )
    emotion_words = forms.CharField(
        label="Emotion words",
        required=False,
        help_text="The words the person chose, separated by commas, for example anxious, ignored.",
    )
    excerpt = forms.CharField(
        label="What they said",
        required=False,
        widget=_text(4),
        help_text="A short excerpt. Names, NHS numbers, phone numbers, emails, postcodes and "
        "dates of birth are replaced by tags before it is saved.",
    )
    source = forms.ChoiceField(
        label="Where it came from",
        choices=EmotionSource.choices,
        error_messages={"invalid_choice": "Choose interview, observation, event or feedback"},
    )
    teller_role = forms.ChoiceField(
        label="Who told it",
        choices=TellerRole.choices,
        error_messages={"invalid_choice": "Choose patient, carer or staff"},
    )
    comment = forms.IntegerField(
        label="Comment number",
        required=False,
        min_value=1,
        help_text="If it came from a feedback comment in this project, its number.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-10"}),
    )


class ThemeMapForm(NhsForm):
    theme = forms.ChoiceField(
        label="Theme",
        error_messages={
            "required": "Choose a theme",
            "invalid_choice": "Choose one of this project's themes",
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["theme"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a theme"), *choices]

"""Forms for groups, the stage log, the anonymous pulse, and the self-assessments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet

from coproduce.web.forms import NhsForm

from .models import Group, Participant
from .selectors_team import SCORE_LABELS, Framework, items_of, stages

DATE_HINT = "For example, 31 March 2027 (use the date picker, or type it as 2027-03-31)."


def _date_widget() -> forms.DateInput:
    return forms.DateInput(
        format="%Y-%m-%d", attrs={"type": "date", "class": "nhsuk-input nhsuk-input--width-10"}
    )


if TYPE_CHECKING:
    _MembersField = forms.ModelMultipleChoiceField[Participant]
else:
    _MembersField = forms.ModelMultipleChoiceField


class MembersField(_MembersField):
    def label_from_instance(self, obj: Any) -> str:
        left = f", left {obj.left_on:%d %b %Y}" if obj.left_on else ""
        return f"{obj.name} ({obj.get_role_display()}{left})"


def stage_choices() -> list[tuple[str, str]]:
    return [(stage.key, stage.label) for stage in stages()]


def stage_items(field: forms.BoundField) -> list[dict[str, Any]]:
    """Each stage's radio with its typical signs, for the template."""
    signs = {stage.key: stage.signs for stage in stages()}
    return [{"radio": radio, "hint": signs.get(str(radio.data["value"]), "")} for radio in field]


class GroupForm(NhsForm):
    name = forms.CharField(
        label="Name",
        max_length=150,
        help_text="For example, “Letters co-design group” or “Steering group”.",
        error_messages={"required": "Enter the name of the group"},
    )
    purpose = forms.CharField(
        label="What the group is for",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    members = MembersField(
        label="Members",
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The project's participants who belong to the group.",
    )

    def __init__(self, *args: Any, participants: QuerySet[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = participants

    @staticmethod
    def initial_for(group: Group) -> dict[str, Any]:
        return {"name": group.name, "purpose": group.purpose, "members": list(group.members.all())}


class StageLogForm(NhsForm):
    date = forms.DateField(
        label="Date",
        widget=_date_widget(),
        error_messages={"required": "Enter the date", "invalid": DATE_HINT},
    )
    stage = forms.ChoiceField(
        label="Which stage is the group in?",
        choices=stage_choices,
        widget=forms.RadioSelect,
        help_text="Tuckman’s stages of group development. Groups can move back to an earlier "
        "stage, for example when members join or leave.",
        error_messages={"required": "Choose the stage the group is in"},
    )
    note = forms.CharField(
        label="What you saw",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @property
    def stage_items(self) -> list[dict[str, Any]]:
        return stage_items(self["stage"])


class PulseForm(NhsForm):
    stage = forms.ChoiceField(
        label="Which stage do you think the group is in now?",
        choices=stage_choices,
        widget=forms.RadioSelect,
        help_text="Your answer is anonymous: it is stored without your name, and results are "
        "shown only when at least 5 people have answered and the round has closed.",
        error_messages={"required": "Choose the stage you think the group is in"},
    )

    @property
    def stage_items(self) -> list[dict[str, Any]]:
        return stage_items(self["stage"])


class AssessmentForm(NhsForm):
    """A date, then for each item of the framework a score (0–4) and evidence.

    Fields are named ``score_<key>`` and ``evidence_<key>``.
    """

    date = forms.DateField(
        label="Date of the assessment",
        widget=_date_widget(),
        error_messages={"required": "Enter the date of the assessment", "invalid": DATE_HINT},
    )

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items_of(framework)
        for item in self.items:
            self.fields[f"score_{item.key}"] = forms.TypedChoiceField(
                label=item.title,
                choices=[(str(score), label) for score, label in SCORE_LABELS.items()],
                coerce=int,
                widget=forms.RadioSelect,
                help_text=item.prompt,
                error_messages={"required": f"Choose a score for “{item.title}”"},
            )
            self.fields[f"evidence_{item.key}"] = forms.CharField(
                label=f"Evidence for “{item.title}”",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="What you saw that supports the score.",
            )
        # NhsForm's hint links and classes, for the fields added after its __init__ ran.
        for name, field in self.fields.items():
            if name.startswith(("score_", "evidence_")) and field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-hint"
            if name.startswith("evidence_"):
                field.widget.attrs["class"] = "nhsuk-textarea"

    @property
    def sections(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [
            (item, self[f"score_{item.key}"], self[f"evidence_{item.key}"]) for item in self.items
        ]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "date": data["date"],
            "scores": {item.key: data[f"score_{item.key}"] for item in self.items},
            "evidence": {item.key: data.get(f"evidence_{item.key}", "") for item in self.items},
        }

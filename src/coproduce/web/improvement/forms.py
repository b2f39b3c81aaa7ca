from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet

from coproduce.web.forms import NhsForm, NhsFormMixin
from coproduce.web.measures.models import Measure
from coproduce.web.projects.models import ProjectMembership

from .models import (
    PROGRESS_SCORES,
    Aim,
    AimDirection,
    ChangeIdea,
    Decision,
    Driver,
    LinkStrength,
    PredictionResult,
    Purpose,
)

DATE_HINT = "For example, 31 March 2027 (use the date picker, or type it as 2027-03-31)."


def _date_widget() -> forms.DateInput:
    return forms.DateInput(
        format="%Y-%m-%d", attrs={"type": "date", "class": "nhsuk-input nhsuk-input--width-10"}
    )


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class AimForm(NhsForm):
    direction = forms.ChoiceField(
        label="Do you want to increase it or reduce it?",
        choices=AimDirection.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to increase or reduce it"},
    )
    what = forms.CharField(
        label="What will improve",
        max_length=300,
        help_text="For example, “the wait for a first appointment”.",
        error_messages={"required": "Say what will improve"},
    )
    baseline = forms.CharField(
        label="Baseline: where it is now",
        max_length=40,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5", "inputmode": "decimal"}),
        error_messages={"required": "Enter the baseline, as a number"},
    )
    target = forms.CharField(
        label="Target: how much",
        max_length=40,
        help_text="Some is not a number: give the number you are aiming for.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5", "inputmode": "decimal"}),
        error_messages={"required": "Enter the target, as a number"},
    )
    unit = forms.CharField(
        label="Unit",
        max_length=60,
        required=False,
        help_text="For example, “weeks” or “%”.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
    )
    deadline = forms.CharField(
        label="By when",
        help_text="Soon is not a time. " + DATE_HINT,
        widget=forms.DateInput(
            attrs={"type": "date", "class": "nhsuk-input nhsuk-input--width-10"}
        ),
        error_messages={"required": "Enter the deadline, as a date"},
    )
    for_whom = forms.CharField(
        label="For whom",
        max_length=300,
        help_text="For example, “young people referred to the service”.",
        error_messages={"required": "Say who the improvement is for"},
    )
    outcome_measure = forms.ModelChoiceField(
        label="Outcome measure that tracks it",
        queryset=Measure.objects.none(),
        required=False,
        empty_label="Not linked yet",
    )

    def __init__(self, *args: Any, measures: QuerySet[Measure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["outcome_measure"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = measures


class ChangeIdeaForm(NhsForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="A short name, for example “Text reminders”.",
        error_messages={"required": "Enter a short title for the change idea"},
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=_text(5),
        help_text="What the change is, and why you think it will lead to improvement.",
    )


if TYPE_CHECKING:
    _MemberField = forms.ModelMultipleChoiceField[ProjectMembership]
else:
    _MemberField = forms.ModelMultipleChoiceField


class MemberChoiceField(_MemberField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.name or obj.user.email} ({obj.get_role_display()})"


CARRIED_OUT = [("yes", "Yes"), ("no", "No"), ("", "Not yet known")]


class CycleForm(NhsForm):
    # Header
    purpose = forms.ChoiceField(
        label="Purpose", choices=[("", "Not said"), *Purpose.choices], required=False
    )
    start_date = forms.DateField(
        label="Start date",
        widget=_date_widget(),
        error_messages={"required": "Enter the date the cycle starts", "invalid": DATE_HINT},
    )
    end_date = forms.DateField(
        label="End date",
        required=False,
        widget=_date_widget(),
        error_messages={"invalid": DATE_HINT},
    )
    # Plan
    objective = forms.CharField(
        label="Objective of this cycle",
        widget=_text(),
        error_messages={"required": "Say what this cycle is for: its objective"},
    )
    plan_who = forms.CharField(label="Who", required=False, widget=_text(2))
    plan_what = forms.CharField(label="What", required=False, widget=_text(2))
    plan_when = forms.CharField(label="When", required=False, widget=_text(2))
    plan_where = forms.CharField(label="Where", required=False, widget=_text(2))
    scale = forms.CharField(
        label="Scale",
        max_length=200,
        required=False,
        help_text="Start small: for example, 1 patient, 1 clinician, 1 day.",
    )
    data_plan = forms.CharField(
        label="Data to collect",
        required=False,
        widget=_text(),
        help_text="Who collects what, when and where.",
    )
    measures = forms.ModelMultipleChoiceField(
        label="Measures to show this cycle on",
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    participants = MemberChoiceField(
        label="Members who took part",
        queryset=ProjectMembership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_participants = forms.IntegerField(
        label="Other people who took part",
        min_value=0,
        initial=0,
        required=False,
        help_text="How many, not who.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4"}),
        error_messages={"min_value": "Other participants must be 0 or more"},
    )
    # Do
    carried_out_as_planned = forms.ChoiceField(
        label="Was it carried out as planned?",
        choices=CARRIED_OUT,
        required=False,
        widget=forms.RadioSelect,
    )
    observations = forms.CharField(
        label="What happened",
        required=False,
        widget=_text(4),
        help_text="Problems, surprises and what you noticed.",
    )
    # Study
    learning = forms.CharField(
        label="What did you learn?",
        required=False,
        widget=_text(4),
        help_text="Compare the data with your predictions.",
    )
    # Act
    decision = forms.ChoiceField(
        label="Decision",
        choices=[*Decision.choices, ("", "Not decided yet")],
        required=False,
        widget=forms.RadioSelect,
    )
    next_steps = forms.CharField(
        label="Next steps",
        required=False,
        widget=_text(3),
        help_text="What you will change, and the next test.",
    )

    PLAN = ("objective", "plan_who", "plan_what", "plan_when", "plan_where", "scale", "data_plan")

    def __init__(
        self,
        *args: Any,
        measures: QuerySet[Measure],
        members: QuerySet[ProjectMembership],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        measure_field = self.fields["measures"]
        assert isinstance(measure_field, forms.ModelMultipleChoiceField)
        measure_field.queryset = measures
        member_field = self.fields["participants"]
        assert isinstance(member_field, forms.ModelMultipleChoiceField)
        member_field.queryset = members

    def stage(self, *names: str) -> list[forms.BoundField]:
        return [self[name] for name in names]

    @property
    def header_fields(self) -> list[forms.BoundField]:
        return self.stage("purpose", "start_date", "end_date")

    @property
    def plan_fields(self) -> list[forms.BoundField]:
        return self.stage(*self.PLAN)

    @property
    def people_fields(self) -> list[forms.BoundField]:
        return self.stage("measures", "participants", "other_participants")

    @property
    def do_fields(self) -> list[forms.BoundField]:
        return self.stage("carried_out_as_planned", "observations")

    @property
    def act_fields(self) -> list[forms.BoundField]:
        return self.stage("decision", "next_steps")

    def worksheet(self) -> dict[str, Any]:
        """The cleaned data as keyword arguments of the cycle actions."""
        data = dict(self.cleaned_data)
        answer = data.pop("carried_out_as_planned")
        data["carried_out_as_planned"] = {"yes": True, "no": False}.get(answer)
        data["other_participants"] = data.get("other_participants") or 0
        return data


class PredictionForm(NhsFormMixin, forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    question = forms.CharField(
        label="Question",
        required=False,
        widget=_text(2),
        help_text="If we do this, will that happen?",
    )
    prediction = forms.CharField(label="What we predict", required=False, widget=_text(2))
    rationale = forms.CharField(label="Why we predict it", required=False, widget=_text(2))
    result = forms.ChoiceField(
        label="How did it turn out?",
        choices=[("", "Not studied yet"), *PredictionResult.choices],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = any(data.get(name) for name in ("question", "prediction", "rationale", "result"))
        if filled and not data.get("question"):
            self.add_error("question", "Enter the question this prediction answers")
        if filled and not data.get("prediction"):
            self.add_error("prediction", "Enter what you predict")
        return data

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(n) for n in ("question", "prediction", "rationale", "result"))


PredictionFormSet = forms.formset_factory(PredictionForm, extra=2, max_num=20, can_delete=False)


class ProgressScoreForm(NhsForm):
    score = forms.ChoiceField(
        label="Progress score",
        choices=[("", "Choose a score"), *((str(s), str(s)) for s in PROGRESS_SCORES)],
        help_text="The IHI scale: 1.0 forming a team, 2.0 changes tested, 3.0 modest "
        "improvement, 4.0 significant improvement, 5.0 outstanding, sustained results.",
        error_messages={"required": "Choose a progress score"},
    )
    recorded_on = forms.DateField(
        label="Date",
        widget=_date_widget(),
        error_messages={"required": "Enter the date of the score", "invalid": DATE_HINT},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=_text(3),
        help_text="Why the team chose this score.",
    )


# -- driver diagrams ---------------------------------------------------------------------


class DiagramForm(NhsForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, “Fewer missed appointments: our theory”.",
        error_messages={"required": "Enter a title for the driver diagram"},
    )
    aim = forms.ModelChoiceField(
        label="Aim it works towards",
        queryset=Aim.objects.none(),
        required=False,
        empty_label="Not linked yet",
    )

    def __init__(self, *args: Any, aims: QuerySet[Aim], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["aim"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = aims


class DriverForm(NhsForm):
    text = forms.CharField(
        label="Driver",
        max_length=300,
        widget=_text(2),
        help_text="Something that influences the aim, for example “Reliable booking”.",
        error_messages={"required": "Say what the driver is"},
    )
    measure = forms.ModelChoiceField(
        label="Measure",
        queryset=Measure.objects.none(),
        required=False,
        empty_label="No measure yet",
        help_text="Each driver should have a measure, to see whether it is moving.",
    )

    def __init__(self, *args: Any, measures: QuerySet[Measure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["measure"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = measures


STRENGTH_HINT = "Strong links are drawn as solid lines, weak links as dashed lines."


class LinkForm(NhsForm):
    """Link a driver to a secondary driver (from a primary) or a change idea (from a secondary)."""

    target = forms.ModelChoiceField(
        label="Link to", queryset=Driver.objects.none(), empty_label="Choose one"
    )
    strength = forms.ChoiceField(
        label="How strong is the link?",
        choices=LinkStrength.choices,
        initial=LinkStrength.STRONG,
        widget=forms.RadioSelect,
        help_text=STRENGTH_HINT,
    )

    def __init__(
        self,
        *args: Any,
        targets: QuerySet[Driver] | QuerySet[ChangeIdea],
        label: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = targets
        field.label = label
        field.error_messages["required"] = f"Choose a {label.lower().removeprefix('link to a ')}"

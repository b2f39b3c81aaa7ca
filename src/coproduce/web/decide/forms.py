"""Forms for decisions: each parses what a person typed; the actions check the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from coproduce.web.ebcd.models import CoDesignGroup
from coproduce.web.forms import NhsForm
from coproduce.web.improvement.models import ChangeIdea
from coproduce.web.participation.models import Outcome as InfluenceOutcome
from coproduce.web.projects.models import Project

from .models import CONSENT_ANSWERS, NEEDS_REASON, SENSE_ANSWERS, Answer, GroupDecision, Kind


class DecisionForm(NhsForm):
    question = forms.CharField(
        label="Question or proposal",
        max_length=300,
        help_text="What the group is deciding, in plain words. For consent, the proposal.",
        error_messages={"required": "Enter the question or proposal"},
    )
    details = forms.CharField(
        label="More detail",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything people need to know before they respond.",
    )
    kind = forms.ChoiceField(
        label="How the group decides",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the group decides"},
    )
    options = forms.CharField(
        label="Options, one a line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For dot votes, scores and ranked choice: 2 to 12 options.",
    )
    dots = forms.IntegerField(
        label="Dots for each person",
        min_value=1,
        max_value=20,
        initial=3,
        required=False,
        help_text="Dot votes only.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-2"}),
    )
    score_max = forms.IntegerField(
        label="Top score",
        min_value=1,
        max_value=10,
        initial=5,
        required=False,
        help_text="Score votes only: people score each option from 0 to this.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-2"}),
    )
    group = forms.ModelChoiceField(
        queryset=CoDesignGroup.objects.none(),
        required=False,
        label="Co-design group",
        empty_label="The whole project",
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ModelChoiceField)
        group_field.queryset = CoDesignGroup.objects.filter(ebcd__project=project)

    def option_lines(self) -> list[str]:
        return [line for line in self.cleaned_data.get("options", "").splitlines() if line.strip()]


def _select_attrs() -> dict[str, str]:
    return {"class": "nhsuk-input--width-2", "inputmode": "numeric"}


class ResponseForm(NhsForm):
    """Built for one decision: a number per option, or one answer (and a reason)."""

    def __init__(self, *args: Any, decision: GroupDecision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision = decision
        options = list(decision.options.all())
        if decision.kind == Kind.DOT:
            for option in options:
                self.fields[f"option-{option.pk}"] = forms.IntegerField(
                    label=option.text,
                    min_value=0,
                    max_value=decision.dots,
                    required=False,
                    widget=forms.NumberInput(attrs=_select_attrs()),
                    error_messages={
                        "invalid": f"Enter a whole number of dots for {option.text}",
                        "min_value": f"Put 0 or more dots on {option.text}",
                        "max_value": f"You have {decision.dots} dots in all",
                    },
                )
        elif decision.kind == Kind.SCORE:
            for option in options:
                self.fields[f"option-{option.pk}"] = forms.TypedChoiceField(
                    label=option.text,
                    choices=[(i, str(i)) for i in range(decision.score_max + 1)],
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": f"Give {option.text} a score from 0 to {decision.score_max}"
                    },
                )
        elif decision.kind == Kind.RANKED:
            choices = [("", "Not ranked")] + [(i, str(i)) for i in range(1, len(options) + 1)]
            for option in options:
                self.fields[f"option-{option.pk}"] = forms.TypedChoiceField(
                    label=option.text,
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=forms.Select,
                )
        else:
            answers = CONSENT_ANSWERS if decision.kind == Kind.CONSENT else SENSE_ANSWERS
            self.fields["answer"] = forms.ChoiceField(
                label="Your response",
                choices=[(a.value, a.label) for a in answers],
                widget=forms.RadioSelect,
                error_messages={"required": "Choose your response"},
            )
            if decision.kind == Kind.CONSENT:
                self.fields["reason"] = forms.CharField(
                    label="Your reason",
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text="Needed for an objection or a block; welcome for a concern.",
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needs_reason = data.get("answer") in {a.value for a in NEEDS_REASON}
        if needs_reason and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why: the group needs your reason to resolve it")
        return data

    def values(self) -> dict[int, int | None]:
        return {
            int(name.removeprefix("option-")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("option-")
        }

    def option_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("option-")]


class OutcomeForm(NhsForm):
    outcome = forms.CharField(
        label="What was decided",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what was decided"},
        help_text="This goes into the project's influence log as a decision.",
    )
    change_idea = forms.ModelChoiceField(
        queryset=ChangeIdea.objects.none(),
        required=False,
        label="Linked change idea",
        empty_label="None, or a new one below",
    )
    new_change_idea = forms.CharField(
        label="Or a new change idea",
        required=False,
        max_length=200,
        help_text="Its title; it is added to the project's change ideas.",
    )
    influence_outcome = forms.ChoiceField(
        label="What happened because of what the group said",
        choices=InfluenceOutcome.choices,
        initial=InfluenceOutcome.CHANGED,
        required=False,
        widget=forms.RadioSelect,
        help_text="For “You said, we did” in the influence log: what was decided is the "
        "response to what the group said. Left unchosen: something changed.",
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["change_idea"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ChangeIdea.objects.filter(project=project).order_by("title")


ANSWER_LABELS = {a.value: a.label for a in Answer}

"""Forms for the Kano survey pages: each parses what a person typed; the actions check rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from coproduce import kano
from coproduce.kano.segments import PREFER_NOT_TO_SAY
from coproduce.web.forms import NhsForm

from .models import (
    IMPORTANCE_MAX,
    IMPORTANCE_MIN,
    MAX_DESCRIPTION,
    MAX_INTRO,
    MAX_LABEL,
    MAX_QUESTION,
    MAX_TITLE,
    KanoAttribute,
)
from .upload import UPLOAD_SUFFIXES

#: The five answers in plain words, in the canonical order (codes 1–5; DOMAIN.md §4.2).
ANSWER_CHOICES = [(str(int(a)), kano.answers.ANSWER_WORDING[a]) for a in kano.KanoAnswer]

IMPORTANCE_CHOICES = [
    ("", "Not answered"),
    *(
        (
            str(n),
            f"{n}"
            + (
                " – not important at all"
                if n == IMPORTANCE_MIN
                else " – extremely important"
                if n == IMPORTANCE_MAX
                else ""
            ),
        )
        for n in range(IMPORTANCE_MIN, IMPORTANCE_MAX + 1)
    ),
]


class SurveyForm(NhsForm):
    title = forms.CharField(
        label="Title",
        max_length=MAX_TITLE,
        error_messages={"required": "Enter the survey's title"},
        help_text="People see this when they take part, for example “Your clinic visit”.",
    )
    introduction = forms.CharField(
        label="Introduction",
        required=False,
        max_length=MAX_INTRO,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown above the questions: what the survey is for and how answers are used.",
    )
    ask_importance = forms.BooleanField(
        label="Also ask how important each one is (1 to 9, optional for the person)",
        required=False,
    )
    equality_questions = forms.MultipleChoiceField(
        label="Optional equality questions",
        required=False,
        choices=[(q.key, q.title) for q in kano.EQUALITY_QUESTIONS.values()],
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Asked after the attributes; each person may skip them or choose “Prefer not to "
            "say”. The results then compare these groups side by side, only ever in "
            "aggregate, with groups of fewer than 5 people hidden. Turning a question off "
            "deletes the answers already given to it."
        ),
    )


class AttributeForm(NhsForm):
    label = forms.CharField(
        label="Attribute",
        max_length=MAX_LABEL,
        error_messages={"required": "Enter the attribute"},
        help_text=(
            "Written to follow “if the service had …”, for example “a text reminder the day "
            "before”."
        ),
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown under the attribute when people answer.",
    )
    functional = forms.CharField(
        label="Question if the service has it",
        required=False,
        max_length=MAX_QUESTION,
        help_text="Leave empty to word it from the attribute: “How would you feel if the "
        "service had …?”",
    )
    dysfunctional = forms.CharField(
        label="Question if the service does not have it",
        required=False,
        max_length=MAX_QUESTION,
        help_text="Leave empty to word it from the attribute: “How would you feel if the "
        "service did not have …?”",
    )


class ConfirmDeleteForm(NhsForm):
    confirm = forms.BooleanField(
        label="Yes, delete the answers too", required=False, widget=forms.CheckboxInput()
    )


class UploadForm(NhsForm):
    file = forms.FileField(
        label="Upload a file",
        error_messages={"required": "Choose a file to upload", "empty": "The file is empty"},
        widget=forms.ClearableFileInput(
            attrs={"class": "nhsuk-file-upload", "accept": ",".join(UPLOAD_SUFFIXES)}
        ),
        help_text=(
            "A CSV or Excel (.xlsx) file with a header row and the columns respondent, "
            "segment, attribute, functional and dysfunctional (and, if you like, importance)."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError("The file must be a CSV or Excel file")
        return upload


class AnswerForm(NhsForm):
    """Both questions about every attribute, and the importance when the survey asks it.

    An attribute may be skipped (both questions left), but not half answered.
    """

    def __init__(
        self,
        *args: Any,
        attributes: Sequence[KanoAttribute],
        ask_importance: bool,
        equality_questions: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.attributes = list(attributes)
        self.ask_importance = ask_importance
        self.equality_keys = [k for k in equality_questions if k in kano.EQUALITY_QUESTIONS]
        for key in self.equality_keys:
            question = kano.EQUALITY_QUESTIONS[key]
            answers = [(a, a) for a in question.answers]
            if key == "imd_decile":
                answers = [
                    (a, f"{a} (most deprived)" if a == "1" else f"{a} (least deprived)")
                    if a in ("1", "10")
                    else (a, a)
                    for a in question.answers
                ]
            self.fields[f"equality-{key}"] = forms.ChoiceField(
                label=question.question,
                choices=[*answers, (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY)],
                required=False,
                widget=forms.RadioSelect,
                help_text=question.hint,
            )
        for attribute in self.attributes:
            for kind in ("functional", "dysfunctional"):
                self.fields[f"{kind}-{attribute.pk}"] = forms.ChoiceField(
                    label=getattr(attribute, kind),
                    choices=ANSWER_CHOICES,
                    required=False,
                    widget=forms.RadioSelect,
                )
            if ask_importance:
                self.fields[f"importance-{attribute.pk}"] = forms.ChoiceField(
                    label=f"How important is {attribute.label} to you?",
                    choices=IMPORTANCE_CHOICES,
                    required=False,
                    help_text="From 1, not important at all, to 9, extremely important.",
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        answered = 0
        for attribute in self.attributes:
            f = data.get(f"functional-{attribute.pk}")
            d = data.get(f"dysfunctional-{attribute.pk}")
            if f and d:
                answered += 1
            elif f and not d:
                self.add_error(f"dysfunctional-{attribute.pk}", "Answer this question too")
            elif d and not f:
                self.add_error(f"functional-{attribute.pk}", "Answer this question too")
        if not answered and not self.errors:
            first = self.attributes[0].pk if self.attributes else None
            if first is not None:
                self.add_error(f"functional-{first}", "Answer the questions about at least one")
        return data

    def answers(self) -> dict[int, Any]:
        from .actions import Answer

        out: dict[int, Any] = {}
        for attribute in self.attributes:
            f = self.cleaned_data.get(f"functional-{attribute.pk}")
            d = self.cleaned_data.get(f"dysfunctional-{attribute.pk}")
            if f and d:
                out[attribute.pk] = Answer(
                    functional=int(f),
                    dysfunctional=int(d),
                    importance=self.cleaned_data.get(f"importance-{attribute.pk}") or None,
                )
        return out

    def equality(self) -> dict[str, str]:
        """The equality answers given (blank ones keep any earlier answer)."""
        return {key: self.cleaned_data.get(f"equality-{key}") or "" for key in self.equality_keys}

    def equality_fields(self) -> list[forms.BoundField]:
        return [self[f"equality-{key}"] for key in self.equality_keys]

    def groups(self) -> list[dict[str, Any]]:
        """Per attribute, its bound fields, for the template."""
        return [
            {
                "attribute": a,
                "functional": self[f"functional-{a.pk}"],
                "dysfunctional": self[f"dysfunctional-{a.pk}"],
                "importance": self[f"importance-{a.pk}"] if self.ask_importance else None,
            }
            for a in self.attributes
        ]

"""Forms of the themes pages, in NHS.UK markup (``coproduce.web.forms``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from coproduce.web.forms import NhsForm

from .models import Theme


class FindForm(NhsForm):
    k = forms.IntegerField(
        label="Number of themes",
        required=False,
        min_value=2,
        max_value=50,
        help_text=(
            "Leave it empty to choose automatically: about one theme per 50 comments, at most 15."
        ),
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "numeric"}),
    )
    keep_edited = forms.TypedChoiceField(
        label="Themes you have changed",
        choices=[
            ("yes", "Keep them, with their comments, and find themes in the other comments"),
            ("no", "Replace every theme, including the ones you have changed"),
        ],
        coerce=lambda value: value == "yes",
        initial="yes",
        required=False,
        widget=forms.RadioSelect,
    )


class RenameForm(NhsForm):
    label = forms.CharField(label="Name", max_length=200, required=False)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the comments in this theme are about, in the group's own words.",
    )


class MergeForm(NhsForm):
    themes = forms.ModelMultipleChoiceField(
        label="Themes to merge",
        queryset=Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Choose two or more.",
    )
    label = forms.CharField(
        label="Name of the merged theme",
        max_length=200,
        required=False,
        help_text="Leave it empty to keep the name of the largest theme.",
    )

    def __init__(self, *args: Any, themes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["themes"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = themes  # a theme's label is its str()

    def clean_themes(self) -> Any:
        chosen = self.cleaned_data["themes"]
        if len(chosen) < 2:
            raise forms.ValidationError("Choose at least two themes to merge")
        return chosen


class MoveForm(NhsForm):
    comments = forms.TypedMultipleChoiceField(
        label="Comments", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    to = forms.ChoiceField(label="Move the chosen comments to", required=False)
    new_label = forms.CharField(
        label="Name of the new theme", max_length=200, required=False,
        help_text="Only if you chose a new theme.",
    )  # fmt: skip

    def __init__(
        self, *args: Any, comments: Sequence[int], themes: Sequence[Theme], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comments"].choices = [(c, str(c)) for c in comments]  # type: ignore[attr-defined]
        self.fields["to"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a theme"),
            ("new", "A new theme"),
            *((str(t.pk), t.label) for t in themes),
        ]


class ProjectLabelForm(NhsForm):
    name = forms.CharField(label="New label", max_length=200, required=False)


class HandLabelsForm(NhsForm):
    labels = forms.MultipleChoiceField(
        label="Labels", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, names: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["labels"].choices = [(n, n) for n in names]  # type: ignore[attr-defined]

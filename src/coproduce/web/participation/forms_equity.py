"""Forms for the population a project serves: one dimension by hand, or a file of them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from coproduce.web.forms import NhsForm

from .actions_equity import SOURCE_LIMIT, PopulationRow
from .selectors_equity import Dimension, PopulationDimension

UPLOAD_SUFFIXES = (".csv", ".xlsx", ".ods")
#: A population file has a row per group, so it is small.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024

SOURCE_HINT = (
    "Where the figures came from and for which area and year, for example “ONS Census 2021, "
    "TS021, Northtown local authority” or “GP practice register, March 2026”."
)


def plain_number(value: Decimal) -> str:
    """5000.0000 → "5000"; 0.5100 → "0.51" (never "5E+3")."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _figure_widget() -> forms.TextInput:
    return forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "decimal"})


class PopulationForm(NhsForm):
    """A figure for each group of one dimension, and where the figures came from."""

    source = forms.CharField(
        label="Where the figures came from",
        max_length=SOURCE_LIMIT,
        help_text=SOURCE_HINT,
        error_messages={"required": "Say where the figures came from"},
        widget=forms.TextInput(),
    )

    def __init__(
        self,
        *args: Any,
        dimension: Dimension,
        stored: PopulationDimension | None = None,
        **kwargs: Any,
    ) -> None:
        self.dimension = dimension
        initial = dict(kwargs.pop("initial", None) or {})
        if stored is not None:
            values = {figure.group: figure.value for figure in stored.figures}
            for i, group in enumerate(dimension.groups):
                if group in values:
                    initial[f"g{i}"] = plain_number(values[group])
            initial["source"] = stored.source
        super().__init__(*args, initial=initial, **kwargs)
        fields: dict[str, forms.Field] = {}
        for i, label in enumerate(dimension.labels):
            fields[f"g{i}"] = forms.CharField(
                label=label, required=False, max_length=40, widget=_figure_widget()
            )
        fields["source"] = self.fields["source"]
        self.fields = fields
        # NhsFormMixin styled the fields it found in __init__: style the new ones too.
        for name, field in self.fields.items():
            if name != "source":
                field.widget.attrs["class"] = "nhsuk-input nhsuk-input--width-10"

    def group_fields(self) -> list[forms.BoundField]:
        return [self[f"g{i}"] for i in range(len(self.dimension.groups))]

    def rows(self) -> tuple[list[PopulationRow], dict[int, str]]:
        """The groups with a figure, as rows numbered from 1, and each row's field name."""
        rows: list[PopulationRow] = []
        fields: dict[int, str] = {}
        for i, group in enumerate(self.dimension.groups):
            value = (self.cleaned_data.get(f"g{i}") or "").strip()
            if not value:
                continue
            number = len(rows) + 1
            rows.append(
                PopulationRow(dimension=self.dimension.key, group=group, count=value, row=number)
            )
            fields[number] = f"g{i}"
        return rows, fields


class PopulationUploadForm(NhsForm):
    file = forms.FileField(
        label="Upload a file",
        error_messages={"required": "Choose a file to upload", "empty": "The file is empty"},
        widget=forms.ClearableFileInput(
            attrs={"class": "nhsuk-file-upload", "accept": ",".join(UPLOAD_SUFFIXES)}
        ),
        help_text=(
            "A CSV, Excel (.xlsx) or OpenDocument (.ods) file with a header row and the columns "
            "dimension, group and count (and, if you like, source): one row per group."
        ),
    )
    source = forms.CharField(
        label="Where the figures came from",
        required=False,
        max_length=SOURCE_LIMIT,
        help_text=SOURCE_HINT + " Used for the rows of the file that have no source of their own.",
        widget=forms.TextInput(),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError("The file must be a CSV, Excel (.xlsx) or ODS file")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The file is larger than 2 MB; a population file has one row per group"
            )
        return upload

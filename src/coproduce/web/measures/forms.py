"""Forms of the measures app: a measure's settings, the data grid, upload and column mapping."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from django import forms
from django.conf import settings

from coproduce.improvement import data_import
from coproduce.web.forms import NhsForm

from . import selectors
from .models import (
    ChartChoices,
    DataPoint,
    DataType,
    DirectionChoices,
    Frequency,
    Measure,
    MeasureKind,
    RulesChoices,
)

SUGGESTED = ""
UPLOAD_SUFFIXES = (".csv", ".xlsx", ".ods")
MEGABYTE = 1024 * 1024


class MeasureForm(NhsForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, “Days from referral to first appointment”.",
        error_messages={"required": "Enter a title for the measure"},
    )
    kind = forms.ChoiceField(
        label="Kind of measure",
        choices=MeasureKind.choices,
        widget=forms.RadioSelect,
        help_text="Outcome: what matters to patients. Process: whether the changes happen. "
        "Balancing: what might get worse elsewhere.",
        error_messages={"required": "Choose the kind of measure"},
    )
    definition = forms.CharField(
        label="Operational definition",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Exactly what is counted or measured, from which source, and what is left out.",
    )
    numerator = forms.CharField(label="Numerator", required=False, max_length=300)
    denominator = forms.CharField(
        label="Denominator",
        required=False,
        max_length=300,
        help_text="For proportions and rates: what the numerator is counted out of.",
    )
    unit = forms.CharField(
        label="Unit", required=False, max_length=60, help_text="For example, days or minutes."
    )
    frequency = forms.ChoiceField(
        label="How often is it collected", choices=Frequency.choices, initial=Frequency.MONTHLY
    )
    data_type = forms.ChoiceField(
        label="Type of data",
        choices=DataType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of data"},
    )
    chart = forms.ChoiceField(
        label="Chart",
        required=False,
        choices=[(SUGGESTED, "Suggested from the type of data"), *ChartChoices.choices],
        initial=SUGGESTED,
        help_text="Leave on “Suggested” to use the chart that fits the type of data: an I chart "
        "for measurements, C for counts, P for proportions, U for rates, T for time between "
        "rare events and G for cases between them.",
    )
    direction = forms.ChoiceField(
        label="Improvement direction",
        choices=DirectionChoices.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which direction is an improvement"},
    )
    target = forms.FloatField(
        label="Target",
        required=False,
        help_text="In the units of the chart, for example 0.9 for 90%.",
        error_messages={"invalid": "Enter the target as a number, like 0.9 or 12"},
    )
    multiply = forms.FloatField(
        label="Multiply rates by",
        required=False,
        initial=1.0,
        help_text="Show rates per this many units, for example 1000 for per 1,000 bed days.",
        error_messages={"invalid": "Enter the multiplier as a number, like 1000"},
    )
    baseline_points = forms.IntegerField(
        label="Baseline points",
        required=False,
        min_value=2,
        help_text="Freeze the limits on the first this many points of each phase.",
        error_messages={
            "invalid": "Enter the number of baseline points as a whole number",
            "min_value": "Freeze the limits on at least 2 points, or leave this empty",
        },
    )
    rules = forms.ChoiceField(
        label="Rules for spotting special cause",
        choices=RulesChoices.choices,
        initial=RulesChoices.MDC,
    )

    @classmethod
    def initial_for(cls, measure: Measure) -> dict[str, Any]:
        return {name: getattr(measure, name) for name in cls.base_fields}


def megabytes(size: int) -> str:
    """A file size in whole megabytes, or to one decimal where whole ones would hide that it
    is over a limit of ``settings.MAX_UPLOAD_MB`` ("50.3", not "50")."""
    whole = f"{size / MEGABYTE:.0f}"
    if size > settings.MAX_UPLOAD_MB * MEGABYTE and int(whole) <= settings.MAX_UPLOAD_MB:
        return f"{size / MEGABYTE:.1f}"
    return whole


class UploadForm(NhsForm):
    file = forms.FileField(
        label="Upload a file",
        error_messages={"required": "Choose a file to upload", "empty": "The file is empty"},
        widget=forms.ClearableFileInput(
            attrs={"class": "nhsuk-file-upload", "accept": ",".join(UPLOAD_SUFFIXES)}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.widget.attrs["aria-describedby"] = "id_file-hint"
        field.help_text = (
            "A CSV, Excel (.xlsx) or OpenDocument (.ods) file of up to "
            f"{settings.MAX_UPLOAD_MB} MB with a header row: one row per period, with the "
            "period and the value (and the denominator, if the chart needs one). Dates may be "
            "written like 2026-01-31, 31/01/2026 or Jan 2026."
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError("The file must be a CSV, Excel (.xlsx) or ODS file")
        limit = settings.MAX_UPLOAD_MB
        if upload.size > limit * MEGABYTE:
            raise forms.ValidationError(
                f"The file is {megabytes(upload.size)} MB; the limit is {limit} MB"
            )
        return upload


class ColumnsForm(NhsForm):
    """Which column of the file holds each field."""

    period = forms.ChoiceField(
        label="Period", error_messages={"required": "Choose the column with the periods"}
    )
    value = forms.ChoiceField(
        label="Value", error_messages={"required": "Choose the column with the values"}
    )
    denominator = forms.ChoiceField(label="Denominator", required=False)
    stratum = forms.ChoiceField(
        label="Stratum",
        required=False,
        help_text="A group the row belongs to, such as a deprivation quintile.",
    )
    note = forms.ChoiceField(label="Note", required=False)

    def __init__(self, *args: Any, columns: Sequence[str], needs_denominator: bool, **kw: Any):
        super().__init__(*args, **kw)
        if needs_denominator:
            denominator = self.fields["denominator"]
            denominator.required = True
            denominator.error_messages["required"] = (
                "Choose the column with the denominators: this chart needs them"
            )
            denominator.help_text = "This measure's chart needs a denominator."
            denominator.widget.attrs["aria-describedby"] = "id_denominator-hint"
        choices = [(c, c) for c in columns]
        for form_field in self.fields.values():
            assert isinstance(form_field, forms.ChoiceField)
            if form_field.required:
                form_field.choices = [("", "Choose a column"), *choices]
            else:
                form_field.choices = [("", "None"), *choices]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        seen: dict[str, str] = {}
        for name in data_import.FIELDS:
            column = cleaned.get(name)
            if column:
                if column in seen:
                    self.add_error(name, f"“{column}” is already chosen for {seen[column].lower()}")
                else:
                    seen[column] = str(self.fields[name].label)
        return cleaned

    def mapping(self) -> dict[str, str | None]:
        return {name: self.cleaned_data.get(name) or None for name in data_import.FIELDS}


# --------------------------------------------------------------------------- the grid

GRID_FIELDS = data_import.FIELDS
EXTRA_ROWS = 5
#: Rows of a posted grid read at most (``settings.DATA_UPLOAD_MAX_NUMBER_FIELDS`` allows them).
MAX_ROWS = 2000
#: A small count of a stratum, as shown to people who cannot edit the data.
SMALL = f"fewer than {selectors.SUPPRESS_BELOW}"


@dataclass
class GridRow:
    number: int
    id: int | None
    period: str = ""
    value: str = ""
    denominator: str = ""
    stratum: str = ""
    note: str = ""
    delete: bool = False
    original: tuple[date, str] | None = None  # period and stratum as stored
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def blank(self) -> bool:
        return not any((self.period, self.value, self.denominator, self.stratum, self.note))


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(value)


class DataGrid:
    """The data-entry table: stored points, then empty rows to add more.

    Posted as ``period-N``, ``value-N``, ``denominator-N``, ``stratum-N``, ``note-N``,
    ``id-N`` and ``delete-N`` for rows N = 1 … ``rows``. ``errors`` (row, field, message) is
    filled by :meth:`show_errors`; ``form.errors`` in templates reads it.
    """

    def __init__(
        self,
        *,
        points: Sequence[DataPoint],
        data: Mapping[str, Any] | None = None,
        extra: int = EXTRA_ROWS,
        hide_small_counts: bool = False,
    ) -> None:
        """The stored ``points`` and ``extra`` empty rows; or, with ``data``, the rows posted.
        ``hide_small_counts`` (for a reader who cannot edit: ``selectors.hides_small_counts``)
        shows a stratum's values and denominators under 5 as "fewer than 5"."""
        self.errors: list[tuple[int, str, str]] = []
        self.error_count = 0
        stored = {p.pk: p for p in points}
        if data is None:
            self.rows = []
            for i, p in enumerate(points, start=1):
                hide_value, hide_denominator = selectors.hidden_in_stratum(
                    p, hide=hide_small_counts
                )
                self.rows.append(
                    GridRow(
                        number=i,
                        id=p.pk,
                        period=p.period.isoformat(),
                        value=SMALL if hide_value else _number(p.value),
                        denominator=SMALL if hide_denominator else _number(p.denominator),
                        stratum=p.stratum,
                        note=p.note,
                        original=(p.period, p.stratum),
                    )
                )
            start = len(self.rows) + 1
            self.rows += [GridRow(number=n, id=None) for n in range(start, start + extra)]
            return
        try:
            count = min(int(data.get("rows", 0)), MAX_ROWS)
        except (TypeError, ValueError):
            count = 0
        self.rows = []
        for n in range(1, count + 1):
            try:
                pk: int | None = int(data.get(f"id-{n}", ""))
            except ValueError:
                pk = None
            point = stored.get(pk) if pk is not None else None

            def cell(name: str, n: int = n) -> str:
                return str(data.get(f"{name}-{n}", "")).strip()

            self.rows.append(
                GridRow(
                    number=n,
                    id=point.pk if point else None,
                    delete=bool(data.get(f"delete-{n}")),
                    original=(point.period, point.stratum) if point else None,
                    period=cell("period"),
                    value=cell("value"),
                    denominator=cell("denominator"),
                    stratum=cell("stratum"),
                    note=cell("note"),
                )
            )

    def to_save(self) -> tuple[pl.DataFrame, pl.Series, list[int]]:
        """The rows to store (as text, with their row numbers) and the points to delete: the
        ticked ones and those whose period or stratum was changed."""
        keep = [r for r in self.rows if not r.delete and not r.blank]
        frame = pl.DataFrame(
            {name: [getattr(r, name) for r in keep] for name in GRID_FIELDS},
            schema=dict.fromkeys(GRID_FIELDS, pl.String),
        )
        numbers = pl.Series("row", [r.number for r in keep], dtype=pl.Int64)
        parsed = data_import.periods(frame["period"]).to_list() if keep else []
        delete = [r.id for r in self.rows if r.id is not None and (r.delete or r.blank)]
        for r, period in zip(keep, parsed, strict=True):
            if r.id is not None and r.original != (period, r.stratum):
                delete.append(r.id)
        return frame, numbers, delete

    def show_errors(self, errors: Sequence[data_import.RowError], count: int) -> None:
        by_row = {r.number: r for r in self.rows}
        self.error_count = count
        for error in errors:
            row = by_row.get(error.row)
            if row is not None and error.column not in row.errors:
                row.errors[error.column] = error.reason
            self.errors.append((error.row, error.column, error.reason))

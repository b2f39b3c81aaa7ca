"""Forms of the experience pages. Field names are the actions' keyword arguments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings

from coproduce.experience import feedback_import as core
from coproduce.experience.redact import IdentifierKind
from coproduce.web.forms import NhsForm

from .actions import TELLER_ROLES
from .models import Consent, Source
from .selectors import Filters

UPLOAD_SUFFIXES = (".csv", ".xlsx")
MEGABYTE = 1024 * 1024
DATE_HINT = "For example, 3 March 2026 (use the date picker, or type it as 2026-03-03)."
RATINGS = (
    ("1", "1 – Very good"),
    ("2", "2 – Good"),
    ("3", "3 – Neither good nor poor"),
    ("4", "4 – Poor"),
    ("5", "5 – Very poor"),
    ("6", "6 – Don't know"),
)
KIND_LABELS = {
    IdentifierKind.NAME: "A person's name",
    IdentifierKind.NHS_NUMBER: "NHS number",
    IdentifierKind.PHONE: "Phone number",
    IdentifierKind.EMAIL: "Email address",
    IdentifierKind.POSTCODE: "Postcode",
    IdentifierKind.DATE_OF_BIRTH: "Date of birth",
}
CONSENT_HINT = (
    "What the people who gave this feedback agreed to. The original text is kept, for "
    "facilitators only, only with the last choice; otherwise only the redacted text is stored."
)


def _date_widget() -> forms.DateInput:
    return forms.DateInput(
        format="%Y-%m-%d", attrs={"type": "date", "class": "nhsuk-input nhsuk-input--width-10"}
    )


def _consent_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Consent.choices,
        widget=forms.RadioSelect,
        help_text=CONSENT_HINT,
        error_messages={"required": "Choose what the people who gave it agreed to"},
    )


class UploadForm(NhsForm):
    file = forms.FileField(
        label="Upload a feedback file",
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
            f"A CSV or Excel (.xlsx) file of up to {settings.MAX_UPLOAD_MB} MB with a header "
            "row and one comment a row: the comment, and if you have them the date, service, "
            "rating (1 to 6 or the FFT's words), question and an id. CSV files may be saved "
            "as UTF-8 or Windows (Excel's plain CSV)."
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError("The file must be a CSV or Excel (.xlsx) file")
        limit = settings.MAX_UPLOAD_MB
        if upload.size > limit * MEGABYTE:
            raise forms.ValidationError(
                f"The file is {upload.size / MEGABYTE:.1f} MB; the limit is {limit} MB"
            )
        return upload


class ColumnsForm(NhsForm):
    """Which column holds each field, where the feedback comes from and the consent."""

    comment = forms.ChoiceField(
        label="Comment", error_messages={"required": "Choose the column with the comments"}
    )
    date = forms.ChoiceField(label="Date", required=False)
    service = forms.ChoiceField(label="Service", required=False)
    rating = forms.ChoiceField(label="Rating", required=False)
    question = forms.ChoiceField(label="Question", required=False)
    id = forms.ChoiceField(label="Id in the source", required=False)
    teller_role = forms.ChoiceField(label="Who told it", required=False)
    source = forms.ChoiceField(
        label="Where the feedback comes from",
        choices=[c for c in Source.choices if c[0] != Source.STORY],
        initial=Source.FFT,
    )
    consent = _consent_field("Consent")
    skip_empty = forms.BooleanField(
        label="Leave out rows without a comment (for example ratings only) instead of "
        "reporting them as problems",
        required=False,
    )

    COLUMN_FIELDS = core.FIELDS

    def __init__(self, *args: Any, columns: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(c, c) for c in columns]
        for name in self.COLUMN_FIELDS:
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            empty = ("", "Choose a column") if field.required else ("", "None")
            field.choices = [empty, *choices]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        seen: dict[str, str] = {}
        for name in self.COLUMN_FIELDS:
            column = cleaned.get(name)
            if not column:
                continue
            if column in seen:
                self.add_error(
                    name,
                    f"“{column}” is already chosen for {core.FIELD_LABELS[seen[column]].lower()}",
                )
            else:
                seen[column] = name
        return cleaned

    def mapping(self) -> dict[str, str | None]:
        return {name: self.cleaned_data.get(name) or None for name in self.COLUMN_FIELDS}

    def hidden_values(self) -> list[tuple[str, str]]:
        """The choices as (name, value), to carry them to the import."""
        values = [(k, v) for k, v in self.mapping().items() if v]
        values += [
            ("source", self.cleaned_data["source"]),
            ("consent", self.cleaned_data["consent"]),
        ]
        if self.cleaned_data.get("skip_empty"):
            values.append(("skip_empty", "on"))
        return values


class StoryForm(NhsForm):
    text = forms.CharField(
        label="The story, in the teller's words",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Names, phone numbers and other identifiers are hidden before it is saved.",
        error_messages={"required": "Enter the story"},
    )
    date = forms.DateField(
        label="When it was told",
        required=False,
        help_text=DATE_HINT,
        widget=_date_widget(),
        error_messages={"invalid": DATE_HINT},
    )
    source = forms.ChoiceField(
        label="How it was gathered",
        choices=[
            (Source.STORY, "Story told to a volunteer or facilitator"),
            (Source.INTERVIEW, "Interview"),
            (Source.COMPLAINT, "Complaint or compliment"),
            (Source.OTHER, "Other"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the story was gathered"},
    )
    teller_role = forms.ChoiceField(
        label="Who told it",
        choices=TELLER_ROLES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who told the story"},
    )
    service = forms.CharField(label="Service", required=False, max_length=200)
    consent = _consent_field("What the teller agreed to")
    confirm = forms.BooleanField(
        label="The teller agreed to this, and knows how their story will be used",
        error_messages={"required": "Confirm that the teller gave their consent"},
    )


class FilterForm(NhsForm):
    """The list's filters (a GET form: every field optional)."""

    q = forms.CharField(label="Search the comments", required=False, max_length=200)
    source = forms.ChoiceField(label="Source", required=False)
    service = forms.ChoiceField(label="Service", required=False)
    rating = forms.ChoiceField(label="Rating", required=False, choices=[("", "Any"), *RATINGS])
    date_from = forms.DateField(
        label="From", required=False, widget=_date_widget(), error_messages={"invalid": DATE_HINT}
    )
    date_to = forms.DateField(
        label="To", required=False, widget=_date_widget(), error_messages={"invalid": DATE_HINT}
    )

    def __init__(self, *args: Any, services: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.fields["source"]
        assert isinstance(source, forms.ChoiceField)
        source.choices = [("", "Any"), *Source.choices]
        service = self.fields["service"]
        assert isinstance(service, forms.ChoiceField)
        service.choices = [("", "Any"), *[(s, s) for s in services]]

    def filters(self) -> Filters:
        if not self.is_bound or not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            source=data.get("source") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            service=data.get("service") or "",
            rating=int(data["rating"]) if data.get("rating") else None,
            q=(data.get("q") or "").strip(),
        )


class RedactForm(NhsForm):
    words = forms.CharField(
        label="Words to hide",
        max_length=200,
        help_text="Type them as they appear in the comment; every occurrence is hidden.",
        error_messages={"required": "Enter the words to hide"},
    )
    kind = forms.ChoiceField(
        label="What they are",
        choices=[(k.value, label) for k, label in KIND_LABELS.items()],
        initial=IdentifierKind.NAME.value,
    )


class ReviewForm(NhsForm):
    identifying = forms.ChoiceField(
        label="After your review",
        choices=[
            ("no", "Share it with the project: nothing identifies anyone now"),
            ("yes", "Keep it held back: only facilitators see it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to share the comment or keep it held back"},
    )

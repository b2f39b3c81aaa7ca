"""Forms for the EBCD pages: each parses what a person typed; the actions check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from coproduce.web.errors import ActionError
from coproduce.web.forms import NhsForm
from coproduce.web.improvement.models import ChangeIdea
from coproduce.web.journeys.models import Journey, Stage, TellerRole, Touchpoint
from coproduce.web.participation.models import Activity, Participant

from .models import Clip, IntervieweeRole, Priority, Variant, Weighting

DATE_HINT = "For example, 2027-03-31 (use the date picker, or type it in that form)."
TIME_HINT = "As mm:ss or hh:mm:ss, for example 02:30 or 1:02:30."


def _date(label: str, *, required: bool = False, help_text: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(
            format="%Y-%m-%d",
            attrs={"type": "date", "class": "nhsuk-input nhsuk-input--width-10"},
        ),
        error_messages={"required": f"Enter the {label.lower()}", "invalid": "Enter a real date"},
    )


def _notes(label: str, *, rows: int = 4, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _choice(queryset: QuerySet[Any], label: str, empty: str, **kwargs: Any) -> Any:
    return forms.ModelChoiceField(
        queryset=queryset, required=False, label=label, empty_label=empty, **kwargs
    )


def touchpoint_label(touchpoint: Touchpoint) -> str:
    return f"{touchpoint.stage.name}: {touchpoint.name}"


class SetupForm(NhsForm):
    variant = forms.ChoiceField(
        label="Which kind of EBCD",
        choices=Variant.choices,
        widget=forms.RadioSelect,
        initial=Variant.STANDARD,
    )
    journey = forms.ModelChoiceField(
        queryset=Journey.objects.none(),
        required=False,
        label="Linked journey",
        empty_label="No journey linked yet",
        help_text="Clips, priorities and emotional mapping refer to this journey's touchpoints.",
    )
    top_k = forms.IntegerField(
        label="Top priorities to compare",
        min_value=1,
        max_value=20,
        initial=3,
        help_text="The results page shows where patients' and staff's top priorities agree.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-2"}),
    )
    weighting = forms.ChoiceField(
        label="Joint ranking",
        choices=Weighting.choices,
        widget=forms.RadioSelect,
        initial=Weighting.VOTES,
    )

    def __init__(self, *args: Any, journeys: QuerySet[Journey], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["journey"].queryset = journeys  # type: ignore[attr-defined]


class StepForm(NhsForm):
    planned_on = _date("Planned date")
    done_on = _date("Date done", help_text="Leave empty until the stage is done. " + DATE_HINT)
    outputs = _notes("Outputs and notes", help_text="What the stage produced; no patient names.")


class CelebrationForm(NhsForm):
    celebrated_on = _date("Date of the celebration")
    what_changed = _notes("What changed", rows=5)
    what_next = _notes("What next", rows=5)


class InterviewForm(NhsForm):
    label = forms.CharField(
        label="Label",
        max_length=100,
        help_text="A pseudonym or code, for example Patient A. Not the person's name.",
        error_messages={"required": "Enter a label, for example Patient A"},
    )
    role = forms.ChoiceField(
        label="Who was interviewed", choices=IntervieweeRole.choices, widget=forms.RadioSelect
    )
    participant = forms.ModelChoiceField(
        queryset=Participant.objects.none(),
        required=False,
        label="Participant",
        empty_label="Not one of the project's participants",
    )
    date = _date("Date of the interview")

    def __init__(self, *args: Any, participants: QuerySet[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = participants  # type: ignore[attr-defined]


class ConsentForm(NhsForm):
    given_on = _date("Date consent was given", required=True)
    audio = forms.BooleanField(label="Audio recording", required=False)
    video = forms.BooleanField(label="Video recording", required=False)
    film = forms.BooleanField(label="Use of their clips in the trigger film", required=False)


class WithdrawForm(NhsForm):
    withdrawn_on = _date("Date consent was withdrawn", help_text="Today if left empty.")


class TranscriptForm(NhsForm):
    transcript = forms.CharField(
        label="Transcript",
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="NHS numbers, phone numbers, emails, postcodes, dates of birth and names are "
        "replaced by tags such as [NAME] before it is saved.",
    )


class ClipForm(NhsForm):
    # Not "media": that name is a Form's own property (its CSS and JavaScript).
    media_path = forms.CharField(
        label="Media file or link",
        max_length=500,
        help_text="Where the recording is kept: a path on the shared drive or a link.",
        error_messages={"required": "Enter the media file's path or link"},
    )
    start = forms.CharField(
        label="Start",
        help_text=TIME_HINT,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5"}),
        error_messages={"required": "Enter the start time"},
    )
    end = forms.CharField(
        label="End",
        help_text=TIME_HINT,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5"}),
        error_messages={"required": "Enter the end time"},
    )
    description = forms.CharField(
        label="Description",
        max_length=300,
        error_messages={"required": "Describe the clip"},
    )
    touchpoint = forms.ModelChoiceField(
        queryset=Touchpoint.objects.none(),
        required=False,
        label="Touchpoint",
        empty_label="No touchpoint",
    )

    def __init__(self, *args: Any, touchpoints: QuerySet[Touchpoint], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["touchpoint"]
        field.queryset = touchpoints  # type: ignore[attr-defined]
        field.label_from_instance = touchpoint_label  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["media"] = data.pop("media_path")
        return data

    def add_action_error(self, error: ActionError) -> None:
        if error.field == "media":
            self.add_error("media_path", error.message)
        else:
            super().add_action_error(error)


class FilmAddForm(NhsForm):
    clip = forms.ModelChoiceField(
        queryset=Clip.objects.none(),
        label="Clip to add",
        error_messages={"required": "Choose a clip to add"},
    )

    def __init__(self, *args: Any, clips: QuerySet[Clip], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["clip"]
        field.queryset = clips  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda clip: (
                f"{clip.interview.label}: {clip.description} "
                f"({clip.end_seconds - clip.start_seconds}s)"
            )
        )


class EventForm(NhsForm):
    date = _date("Date of the event")
    notes = _notes("Notes", rows=6)
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(),
        required=False,
        label="Participation activity",
        empty_label="Not recorded as an activity",
        help_text="Link the activity recorded under Participation, for attendance and hours.",
    )

    def __init__(self, *args: Any, activities: QuerySet[Activity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities  # type: ignore[attr-defined]


class PriorityForm(NhsForm):
    title = forms.CharField(
        label="Priority", max_length=200, error_messages={"required": "Enter the priority"}
    )
    description = _notes("Description", rows=3)
    touchpoint = forms.ModelChoiceField(
        queryset=Touchpoint.objects.none(),
        required=False,
        label="Touchpoint",
        empty_label="No touchpoint",
    )

    def __init__(self, *args: Any, touchpoints: QuerySet[Touchpoint], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["touchpoint"]
        field.queryset = touchpoints  # type: ignore[attr-defined]
        field.label_from_instance = touchpoint_label  # type: ignore[attr-defined]


class VotesForm(NhsForm):
    """One number field per priority: a group's dot votes."""

    def __init__(
        self,
        *args: Any,
        priorities: list[Priority],
        current: dict[int, int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for priority in priorities:
            self.fields[f"votes_{priority.pk}"] = forms.IntegerField(
                label=priority.title,
                min_value=0,
                initial=current.get(priority.pk, 0),
                widget=forms.NumberInput(
                    attrs={"class": "nhsuk-input nhsuk-input--width-3", "inputmode": "numeric"}
                ),
                error_messages={
                    "required": f"Enter the votes for “{priority.title}” (0 if none)",
                    "invalid": f"Votes for “{priority.title}” must be a whole number",
                    "min_value": f"Votes for “{priority.title}” cannot be negative",
                },
            )
        self.priorities = priorities

    def votes(self) -> dict[int, int]:
        return {p.pk: self.cleaned_data.get(f"votes_{p.pk}") or 0 for p in self.priorities}


class EmotionForm(NhsForm):
    touchpoint = forms.ModelChoiceField(
        queryset=Touchpoint.objects.none(),
        label="Touchpoint",
        error_messages={"required": "Choose the touchpoint"},
    )
    valence = forms.TypedChoiceField(
        label="Feeling",
        coerce=int,
        choices=[
            ("-2", "Very negative"),
            ("-1", "Negative"),
            ("0", "Neutral"),
            ("1", "Positive"),
            ("2", "Very positive"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how it felt"},
    )
    intensity = forms.TypedChoiceField(
        label="How strongly",
        coerce=int,
        choices=[(str(n), f"{n}") for n in range(1, 6)],
        initial="3",
        help_text="1 mild … 5 very strong",
    )
    emotion_words = forms.CharField(
        label="Emotion words",
        required=False,
        help_text="The emotion cards chosen, separated by commas, for example anxious, relieved.",
    )
    excerpt = _notes("Why (in their words)", rows=3, help_text="Names and numbers are redacted.")
    teller_role = forms.ChoiceField(
        label="Who said it", choices=TellerRole.choices, initial=TellerRole.PATIENT
    )

    def __init__(
        self,
        *args: Any,
        touchpoints: QuerySet[Touchpoint],
        tellers: tuple[str, ...] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["touchpoint"]
        field.queryset = touchpoints  # type: ignore[attr-defined]
        field.label_from_instance = touchpoint_label  # type: ignore[attr-defined]
        if tellers:
            # Only the groups whose feelings are mapped at this event (staff at the staff
            # event, patients and carers at theirs, everyone at the joint event).
            teller = self.fields["teller_role"]
            teller.choices = [c for c in TellerRole.choices if c[0] in tellers]  # type: ignore[attr-defined]
            teller.initial = tellers[0]


class GroupForm(NhsForm):
    name = forms.CharField(
        label="Name of the group",
        max_length=200,
        error_messages={"required": "Enter the group's name"},
    )
    priority = forms.ModelChoiceField(
        queryset=Priority.objects.none(),
        required=False,
        label="Shared priority it works on",
        empty_label="Not chosen yet",
    )
    members = forms.ModelMultipleChoiceField(
        queryset=Participant.objects.none(),
        required=False,
        label="Members",
        widget=forms.CheckboxSelectMultiple,
    )
    notes = _notes("Notes", rows=3)

    def __init__(
        self,
        *args: Any,
        priorities: QuerySet[Priority] | list[Priority],
        participants: QuerySet[Participant],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        ids = [p.pk for p in priorities]
        self.fields["priority"].queryset = Priority.objects.filter(  # type: ignore[attr-defined]
            pk__in=ids
        ).order_by("pk")
        self.fields["members"].queryset = participants  # type: ignore[attr-defined]
        self.fields["members"].label_from_instance = (  # type: ignore[attr-defined]
            lambda p: f"{p.name} ({p.get_role_display()})"
        )


class ActionForm(NhsForm):
    description = forms.CharField(
        label="Action", max_length=300, error_messages={"required": "Describe the action"}
    )
    owner = forms.CharField(label="Who", max_length=150, required=False)
    due_on = _date("Due date")
    done_on = _date("Date done")
    change_idea = forms.ModelChoiceField(
        queryset=ChangeIdea.objects.none(),
        required=False,
        label="Change idea",
        empty_label="Not linked",
        help_text="Link the change idea this action tests, if there is one.",
    )

    def __init__(self, *args: Any, change_ideas: QuerySet[ChangeIdea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["change_idea"].queryset = change_ideas  # type: ignore[attr-defined]


class ArchiveForm(NhsForm):
    file = forms.FileField(
        label="Archive of narratives",
        help_text="A .json or .csv file of narratives (id, title, text, touchpoints), or an "
        "FFT-style .csv or .xlsx export. Names and numbers are redacted before anything is "
        "stored.",
        error_messages={"required": "Choose a file to import"},
    )


class ThemeTouchpointForm(NhsForm):
    stage = forms.ModelChoiceField(
        queryset=Stage.objects.none(),
        label="Stage",
        error_messages={"required": "Choose the stage"},
    )

    def __init__(self, *args: Any, stages: QuerySet[Stage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = stages  # type: ignore[attr-defined]

"""Forms for activities, attendance, decisions and the influence log."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet

from coproduce.participation import ladders
from coproduce.web.forms import NhsForm
from coproduce.web.improvement.models import ChangeIdea, PDSACycle

from .actions_activities import AttendanceError, AttendanceRow
from .models import (
    Activity,
    ActivityKind,
    Attendance,
    Decision,
    Group,
    Outcome,
    Participant,
    ServicePhase,
)

DATE_HINT = "For example, 31 March 2027 (use the date picker, or type it as 2027-03-31)."
NOT_YET = ""


def _date_widget() -> forms.DateInput:
    return forms.DateInput(
        format="%Y-%m-%d", attrs={"type": "date", "class": "nhsuk-input nhsuk-input--width-10"}
    )


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _hours_widget() -> forms.TextInput:
    return forms.TextInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "decimal"})


def rung_choices() -> list[tuple[str, str]]:
    return [(str(rung.value), f"{rung.value}. {rung.label}") for rung in ladders.Rung]


def rung_hints() -> dict[str, str]:
    """Each rung's meaning, shown under its radio button."""
    return {
        str(rung.value): f"{rung.description} ({rung.group.label} people.)" for rung in ladders.Rung
    }


if TYPE_CHECKING:
    _ParticipantsField = forms.ModelMultipleChoiceField[Participant]
    _CycleField = forms.ModelChoiceField[PDSACycle]
    _ActivityField = forms.ModelChoiceField[Activity]
    _DecisionField = forms.ModelChoiceField[Decision]
else:
    _ParticipantsField = forms.ModelMultipleChoiceField
    _CycleField = forms.ModelChoiceField
    _ActivityField = forms.ModelChoiceField
    _DecisionField = forms.ModelChoiceField


class ParticipantsField(_ParticipantsField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_role_display()})"


class CycleField(_CycleField):
    def label_from_instance(self, obj: Any) -> str:
        return f"PDSA {obj.number}: {obj.change_idea.title}"


class ActivityField(_ActivityField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.date:%d %b %Y})"


class DecisionField(_DecisionField):
    def label_from_instance(self, obj: Any) -> str:
        summary = obj.summary if len(obj.summary) <= 60 else obj.summary[:57].rstrip() + "…"
        return f"{obj.date:%d %b %Y}: {summary}"


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


# -- activities ---------------------------------------------------------------------------


class ActivityForm(NhsForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, “Waiting room co-design workshop 2”.",
        error_messages={"required": "Enter a short title for the activity"},
    )
    kind = forms.ChoiceField(
        label="What kind of activity",
        choices=ActivityKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of activity it was"},
    )
    labelled_as = forms.CharField(
        label="What the organisers called it",
        max_length=200,
        required=False,
        help_text="The word used in the invitation, for example “co-production workshop”. "
        "It is compared with the rung achieved, to spot consultation labelled as "
        "co-production.",
    )
    date = forms.DateField(
        label="Date",
        widget=_date_widget(),
        error_messages={"required": "Enter the date of the activity", "invalid": DATE_HINT},
    )
    hours = forms.DecimalField(
        label="How long it lasted, in hours",
        max_digits=5,
        decimal_places=2,
        help_text="For example, 1.5 for an hour and a half.",
        widget=_hours_widget(),
        error_messages={
            "required": "Enter how long it lasted, in hours",
            "invalid": "Enter the hours as a number, for example 1.5",
            "max_digits": "Enter the hours as a number, for example 1.5",
            "max_decimal_places": "Give the hours to 2 decimal places at most",
        },
    )
    rung_planned = forms.ChoiceField(
        label="Which rung of the ladder of co-production did you plan to reach?",
        choices=rung_choices,
        widget=forms.RadioSelect,
        help_text="The Think Local Act Personal ladder, from the bottom (1) to the top (7).",
        error_messages={"required": "Choose the rung of the ladder you plan to reach"},
    )
    rung_achieved = forms.ChoiceField(
        label="Which rung did it achieve?",
        choices=[*rung_choices(), (NOT_YET, "Not known yet")],
        widget=forms.RadioSelect,
        required=False,
        help_text="You can leave this until after the activity. Ask the people who took "
        "part how much influence they had.",
    )
    phase = forms.ChoiceField(
        label="Phase of the service cycle",
        choices=ServicePhase.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the phase of the service cycle"},
    )
    group = forms.ModelChoiceField(
        label="Group",
        queryset=Group.objects.none(),
        required=False,
        empty_label="No group",
        help_text="The co-design group or team that met, if any.",
    )
    pdsa_cycle = CycleField(
        label="PDSA cycle",
        queryset=PDSACycle.objects.none(),
        required=False,
        empty_label="Not a PDSA test",
        help_text="For a PDSA test: the cycle it was part of.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=_text(4))

    def __init__(
        self,
        *args: Any,
        groups: QuerySet[Group],
        cycles: QuerySet[PDSACycle],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "group", groups)
        _set_queryset(self, "pdsa_cycle", cycles)

    def _rung_items(self, name: str) -> list[dict[str, Any]]:
        hints = rung_hints()
        return [
            {"radio": radio, "hint": hints.get(str(radio.data["value"]), "")}
            for radio in self[name]
        ]

    @property
    def rung_planned_items(self) -> list[dict[str, Any]]:
        """Each rung's radio with its meaning, for the template."""
        return self._rung_items("rung_planned")

    @property
    def rung_achieved_items(self) -> list[dict[str, Any]]:
        return self._rung_items("rung_achieved")

    @staticmethod
    def initial_for(activity: Activity) -> dict[str, Any]:
        return {
            "title": activity.title,
            "kind": activity.kind,
            "labelled_as": activity.labelled_as,
            "date": activity.date,
            "hours": activity.hours,
            "rung_planned": str(activity.rung_planned),
            "rung_achieved": str(activity.rung_achieved) if activity.rung_achieved else NOT_YET,
            "phase": activity.phase,
            "group": activity.group,
            "pdsa_cycle": activity.pdsa_cycle,
            "notes": activity.notes,
        }

    def values(self) -> dict[str, Any]:
        """The cleaned data as keyword arguments of the activity actions."""
        data = dict(self.cleaned_data)
        data["rung_planned"] = int(data["rung_planned"])
        data["rung_achieved"] = int(data["rung_achieved"]) if data["rung_achieved"] else None
        return data


class KindFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of activity",
        choices=[("", "All kinds"), *ActivityKind.choices],
        required=False,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )


# -- attendance ---------------------------------------------------------------------------


class AttendanceForm(NhsForm):
    """Who attended, in one form: for each participant, attended?, hours and assisted.

    Fields are named ``p<id>_attended``, ``p<id>_hours`` and ``p<id>_assisted``.
    """

    def __init__(
        self,
        *args: Any,
        activity: Activity,
        participants: Sequence[Participant],
        attendance: Sequence[Attendance],
        **kwargs: Any,
    ) -> None:
        recorded = {row.participant_id: row for row in attendance}
        initial: dict[str, Any] = {}
        for participant in participants:
            row = recorded.get(participant.pk)
            initial[f"p{participant.pk}_attended"] = row is not None
            initial[f"p{participant.pk}_hours"] = row.hours if row else activity.hours
            initial[f"p{participant.pk}_assisted"] = row.assisted if row else False
        kwargs.setdefault("initial", initial)
        self.participants = list(participants)
        self.activity = activity
        super().__init__(*args, **kwargs)
        for participant in self.participants:
            prefix = f"p{participant.pk}"
            self.fields[f"{prefix}_attended"] = forms.BooleanField(label="Attended", required=False)
            self.fields[f"{prefix}_hours"] = forms.DecimalField(
                label="Hours",
                required=False,
                max_digits=5,
                decimal_places=2,
                widget=_hours_widget(),
                error_messages={
                    "invalid": f"{participant.name}: enter the hours as a number, for example 1.5",
                    "max_digits": f"{participant.name}: enter the hours as a number",
                    "max_decimal_places": f"{participant.name}: give the hours to 2 decimal "
                    "places at most",
                },
            )
            self.fields[f"{prefix}_assisted"] = forms.BooleanField(
                label="Took part with support (an interpreter or advocate)", required=False
            )
        # The NHS.UK classes are added by the mixin for fields declared on the class; these
        # are added afterwards, so set them here.
        for name, field in self.fields.items():
            css = "nhsuk-checkboxes__input" if name.endswith(("_attended", "_assisted")) else ""
            if css:
                field.widget.attrs["class"] = css
            elif name.endswith("_hours"):
                field.widget.attrs["class"] = "nhsuk-input nhsuk-input--width-4"

    def people(self) -> list[dict[str, Any]]:
        """For the template: each participant with their three bound fields."""
        return [
            {
                "participant": participant,
                "attended": self[f"p{participant.pk}_attended"],
                "hours": self[f"p{participant.pk}_hours"],
                "assisted": self[f"p{participant.pk}_assisted"],
            }
            for participant in self.participants
        ]

    def rows(self) -> list[AttendanceRow]:
        """The ticked participants as the action's rows; hours default to the activity's."""
        rows = []
        for participant in self.participants:
            prefix = f"p{participant.pk}"
            if not self.cleaned_data.get(f"{prefix}_attended"):
                continue
            hours = self.cleaned_data.get(f"{prefix}_hours")
            rows.append(
                AttendanceRow(
                    participant_id=participant.pk,
                    hours=self.activity.hours if hours is None else Decimal(hours),
                    assisted=bool(self.cleaned_data.get(f"{prefix}_assisted")),
                )
            )
        return rows

    def add_attendance_error(self, error: AttendanceError) -> None:
        name = f"p{error.participant_id}_{error.part}"
        self.add_error(name if name in self.fields else None, error.message)


# -- decisions ----------------------------------------------------------------------------


class DecisionForm(NhsForm):
    summary = forms.CharField(
        label="What was decided",
        widget=_text(3),
        error_messages={"required": "Say what was decided"},
    )
    taken_by = forms.CharField(
        label="How it was decided, and by whom",
        max_length=200,
        help_text="For example, “consensus of the co-design group” or “the clinical lead, "
        "after the group's vote”.",
        error_messages={"required": "Say how it was decided, and by whom"},
    )
    date = forms.DateField(
        label="Date",
        widget=_date_widget(),
        error_messages={"required": "Enter the date of the decision", "invalid": DATE_HINT},
    )
    activity = ActivityField(
        label="Activity where it was decided",
        queryset=Activity.objects.none(),
        required=False,
        empty_label="Not at a recorded activity",
    )
    present = ParticipantsField(
        label="Who was present",
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="If you choose an activity and tick nobody here, the people recorded as "
        "attending it are taken as present.",
    )
    change_idea = forms.ModelChoiceField(
        label="Change idea it concerns",
        queryset=ChangeIdea.objects.none(),
        required=False,
        empty_label="None",
    )

    def __init__(
        self,
        *args: Any,
        activities: QuerySet[Activity],
        participants: QuerySet[Participant],
        change_ideas: QuerySet[ChangeIdea],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "activity", activities)
        _set_queryset(self, "present", participants)
        _set_queryset(self, "change_idea", change_ideas)

    @staticmethod
    def initial_for(decision: Decision) -> dict[str, Any]:
        return {
            "summary": decision.summary,
            "taken_by": decision.taken_by,
            "date": decision.date,
            "activity": decision.activity,
            "present": list(decision.present.all()),
            "change_idea": decision.change_idea,
        }


# -- the influence log --------------------------------------------------------------------


class ContributionForm(NhsForm):
    said = forms.CharField(
        label="What was said or suggested",
        widget=_text(4),
        help_text="In the contributors' words where you can. It is shown to every member of "
        "the project on “You said, we did”, without names: leave out anything that "
        "would identify someone.",
        error_messages={"required": "Say what was said or suggested"},
    )
    date = forms.DateField(
        label="Date",
        widget=_date_widget(),
        error_messages={"required": "Enter the date of the contribution", "invalid": DATE_HINT},
    )
    activity = ActivityField(
        label="Activity where it was said",
        queryset=Activity.objects.none(),
        required=False,
        empty_label="Not at a recorded activity",
    )
    whole_group = forms.BooleanField(
        label="It came from the activity's whole group (everyone recorded as attending)",
        required=False,
    )
    contributors = ParticipantsField(
        label="Who said it",
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Names are seen only by members who record participation.",
    )

    def __init__(
        self,
        *args: Any,
        activities: QuerySet[Activity],
        participants: QuerySet[Participant],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "activity", activities)
        _set_queryset(self, "contributors", participants)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("whole_group") and not data.get("activity") and "activity" in data:
            self.add_error(
                "activity", "Choose the activity whose whole group made the contribution"
            )
        elif (
            not data.get("whole_group")
            and not data.get("contributors")
            and ("contributors" in data)
        ):
            self.add_error(
                "contributors",
                "Choose who made the contribution, or say it came from the activity's whole group",
            )
        return data

    @staticmethod
    def initial_for(contribution: Any) -> dict[str, Any]:
        return {
            "said": contribution.said,
            "date": contribution.date,
            "activity": contribution.activity,
            "contributors": list(contribution.contributors.all()),
        }


RESPONSE_REQUIRED = {
    Outcome.CHANGED: "Say what changed because of it",
    Outcome.NOT_TAKEN_FORWARD: "Say why it was not taken forward",
}


class ResponseForm(NhsForm):
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened to the contribution"},
    )
    response = forms.CharField(
        label="What changed, or why not",
        required=False,
        widget=_text(4),
        help_text="Required once something changed or it was not taken forward. The "
        "contributors will read it on “You said, we did”.",
    )
    change_idea = forms.ModelChoiceField(
        label="Change idea it led to",
        queryset=ChangeIdea.objects.none(),
        required=False,
        empty_label="None",
    )
    pdsa_cycle = CycleField(
        label="PDSA cycle that tested it",
        queryset=PDSACycle.objects.none(),
        required=False,
        empty_label="None",
    )
    decision = DecisionField(
        label="Decision it led to",
        queryset=Decision.objects.none(),
        required=False,
        empty_label="None",
    )
    fed_back_on = forms.DateField(
        label="Told the contributors on",
        required=False,
        widget=_date_widget(),
        help_text="Leave empty until the contributors have been told what happened.",
        error_messages={"invalid": DATE_HINT},
    )

    def __init__(
        self,
        *args: Any,
        change_ideas: QuerySet[ChangeIdea],
        cycles: QuerySet[PDSACycle],
        decisions: QuerySet[Decision],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "change_idea", change_ideas)
        _set_queryset(self, "pdsa_cycle", cycles)
        _set_queryset(self, "decision", decisions)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        message = RESPONSE_REQUIRED.get(data.get("outcome", ""))
        if message and not (data.get("response") or "").strip():
            self.add_error("response", message)
        return data

    @staticmethod
    def initial_for(contribution: Any) -> dict[str, Any]:
        return {
            "outcome": contribution.outcome,
            "response": contribution.response,
            "change_idea": contribution.change_idea,
            "pdsa_cycle": contribution.pdsa_cycle,
            "decision": contribution.decision,
            "fed_back_on": contribution.fed_back_on,
        }


class OutcomeFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Show",
        choices=[("", "All contributions"), *Outcome.choices],
        required=False,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )

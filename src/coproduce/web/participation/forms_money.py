"""Forms for payment rates, the payments page's period, and expense claims."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet

from coproduce.web.forms import NhsForm

from .models import Activity, ExpenseCategory, ExpenseClaim, ExpenseStatus, Participant, PaymentTier
from .selectors_money import Period

DATE_HINT = "For example, 31 March 2027 (use the date picker, or type it as 2027-03-31)."


def _date_widget() -> forms.DateInput:
    return forms.DateInput(
        format="%Y-%m-%d", attrs={"type": "date", "class": "nhsuk-input nhsuk-input--width-10"}
    )


def _money_widget() -> forms.TextInput:
    return forms.TextInput(attrs={"class": "nhsuk-input--width-5", "inputmode": "decimal"})


if TYPE_CHECKING:
    _ActivityField = forms.ModelChoiceField[Activity]
    _ParticipantField = forms.ModelChoiceField[Participant]
else:
    _ActivityField = forms.ModelChoiceField
    _ParticipantField = forms.ModelChoiceField


class ActivityField(_ActivityField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.date:%d %b %Y})"


class ParticipantField(_ParticipantField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_role_display()})"


# -- payment tiers ------------------------------------------------------------------------


class TierForm(NhsForm):
    name = forms.CharField(
        label="Name of the tier",
        max_length=100,
        help_text="For example, “Expert by experience” or “Lay member of a steering group”.",
        error_messages={"required": "Enter the name of the tier"},
    )
    hourly_rate = forms.CharField(
        label="Hourly rate, in pounds",
        required=False,
        help_text="For example, 15.75. Leave it empty if the rate is not agreed yet: the tier "
        "then shows “No rate set”, and attendance of anyone on it who wants paying cannot be "
        "recorded until a rate is set.",
        widget=_money_widget(),
    )
    description = forms.CharField(
        label="What the tier covers",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    active = forms.BooleanField(
        label="In use: facilitators can give this tier to participants",
        required=False,
        initial=True,
    )

    @staticmethod
    def initial_for(tier: PaymentTier) -> dict[str, Any]:
        return {
            "name": tier.name,
            "hourly_rate": "" if tier.hourly_rate is None else str(tier.hourly_rate),
            "description": tier.description,
            "active": tier.active,
        }


# -- the payments page ----------------------------------------------------------------------


class PeriodForm(forms.Form):
    """The dates the payments page and the finance export cover (both ends optional)."""

    start = forms.DateField(
        label="From",
        required=False,
        widget=_date_widget(),
        error_messages={"invalid": DATE_HINT},
    )
    end = forms.DateField(
        label="To",
        required=False,
        widget=_date_widget(),
        error_messages={"invalid": DATE_HINT},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date must be on or after the start date")
        return data

    def period(self) -> Period:
        if not self.is_bound or not self.is_valid():
            return Period()
        return Period(self.cleaned_data.get("start"), self.cleaned_data.get("end"))


# -- expense claims -------------------------------------------------------------------------


class ExpenseForm(NhsForm):
    """An expense claim. ``participants`` is given when a facilitator claims on someone's
    behalf (they choose who); a claimant's own form has no such field."""

    participant = ParticipantField(
        label="Who is claiming",
        queryset=Participant.objects.none(),
        empty_label="Choose a participant",
        error_messages={"required": "Choose who is claiming"},
    )
    incurred_on = forms.DateField(
        label="Date you paid it",
        widget=_date_widget(),
        error_messages={"required": "Enter the date you paid it", "invalid": DATE_HINT},
    )
    category = forms.ChoiceField(
        label="What was it for?",
        choices=ExpenseCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the expense was for"},
    )
    amount = forms.CharField(
        label="Amount, in pounds",
        help_text="For example, 6.40. Keep the receipt or ticket if you have one.",
        widget=_money_widget(),
        error_messages={"required": "Enter the amount, for example 6.40"},
    )
    description = forms.CharField(
        label="Details",
        max_length=300,
        required=False,
        help_text="For example, “Bus to the hospital and back”. Needed for “Something else”.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    activity = ActivityField(
        label="Which activity was it for?",
        queryset=Activity.objects.none(),
        required=False,
        empty_label="Not for one activity",
    )

    def __init__(
        self,
        *args: Any,
        activities: QuerySet[Activity],
        participants: QuerySet[Participant] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        activity = self.fields["activity"]
        assert isinstance(activity, forms.ModelChoiceField)
        activity.queryset = activities
        if participants is None:
            del self.fields["participant"]
        else:
            participant = self.fields["participant"]
            assert isinstance(participant, forms.ModelChoiceField)
            participant.queryset = participants

    @staticmethod
    def initial_for(claim: ExpenseClaim) -> dict[str, Any]:
        return {
            "participant": claim.participant,
            "incurred_on": claim.incurred_on,
            "category": claim.category,
            "amount": str(claim.amount),
            "description": claim.description,
            "activity": claim.activity,
        }

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("participant", None)
        return data


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=[("", "All statuses"), *ExpenseStatus.choices],
        required=False,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )


class AnyStatusField(forms.ChoiceField):
    """Offers only the allowed moves, but accepts any status, so that a move the core
    refuses (from a stale page, say) gets the action's own explanation."""

    def valid_value(self, value: Any) -> bool:
        return value in ExpenseStatus.values


class ClaimStatusForm(NhsForm):
    """What to do with a claim: only the moves the core allows from its status are offered."""

    status = AnyStatusField(
        label="What do you want to do?",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what to do with the claim"},
    )
    reason = forms.CharField(
        label="Reason or note",
        max_length=300,
        required=False,
        help_text="Required when you reject a claim: the person claiming will see it. "
        "When you mark it as paid, you may give the payment reference.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = choices

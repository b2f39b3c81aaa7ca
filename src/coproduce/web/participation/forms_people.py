"""Forms of the people area. Their field names are the actions' keyword arguments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet

from coproduce.web.forms import NhsForm
from coproduce.web.projects.models import ProjectMembership

from . import selectors_people
from .models import (
    AccessNeed,
    ConsentPurpose,
    ContactPreference,
    ParticipantRole,
    PaymentTier,
    PlusGroup,
    SupportKind,
)

DATE_HINT = "For example, 3 March 2026 (use the date picker, or type it as 2026-03-03)."
PREFER_NOT = ("", "Prefer not to say")
# Radios use their own value for "Prefer not to say", so that no answer is chosen before the
# person chooses one; it is stored as blank, like an unanswered question.
PREFER_NOT_RADIO = ("prefer_not", "Prefer not to say")


def _date_widget() -> forms.DateInput:
    return forms.DateInput(
        format="%Y-%m-%d", attrs={"type": "date", "class": "nhsuk-input nhsuk-input--width-10"}
    )


def _date_field(label: str, *, required: bool = True, missing: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=DATE_HINT,
        widget=_date_widget(),
        error_messages={"required": missing or f"Enter {label.lower()}", "invalid": DATE_HINT},
    )


if TYPE_CHECKING:
    _MembershipField = forms.ModelChoiceField[ProjectMembership]
    _TierField = forms.ModelChoiceField[PaymentTier]
    _PlusField = forms.ModelMultipleChoiceField[PlusGroup]
else:
    _MembershipField = forms.ModelChoiceField
    _TierField = forms.ModelChoiceField
    _PlusField = forms.ModelMultipleChoiceField


class MembershipField(_MembershipField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.name or obj.user.email} ({obj.get_role_display()})"


class TierField(_TierField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.hourly_rate is None:
            return f"{obj.name} (no hourly rate set)"
        return f"{obj.name} (£{obj.hourly_rate} an hour)"


class ParticipantForm(NhsForm):
    name = forms.CharField(
        label="Name or pseudonym",
        max_length=150,
        help_text="Use a pseudonym if they prefer: it is how they will be named in the record.",
        error_messages={"required": "Enter their name, or a pseudonym"},
    )
    role = forms.ChoiceField(
        label="Role",
        choices=ParticipantRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose their role"},
    )
    membership = MembershipField(
        label="Their account in this project",
        queryset=ProjectMembership.objects.none(),
        required=False,
        empty_label="No account (a facilitator records their part)",
        help_text="Many patient and carer partners have no account; that is fine. A member "
        "can be linked to one participant only.",
    )
    contact_preference = forms.ChoiceField(
        label="How they prefer to be contacted",
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they prefer to be contacted"},
    )
    contact_details = forms.CharField(
        label="Contact details",
        max_length=300,
        required=False,
        help_text="The email address, phone number or postal address for that preference.",
    )
    access_needs = forms.MultipleChoiceField(
        label="Access needs",
        choices=AccessNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What they need to take part on equal terms. Tick all that apply.",
    )
    access_notes = forms.CharField(
        label="Note on access needs",
        max_length=300,
        required=False,
        help_text="For example, the language they need interpreted, or the other need.",
    )
    skills = forms.CharField(
        label="Skills and experience they bring",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="People are assets, not passive recipients (NEF). For example, "
        "“runs a carers’ support group”, “used the service for ten years”.",
    )
    payment_tier = TierField(
        label="Payment tier",
        queryset=PaymentTier.objects.none(),
        required=False,
        empty_label="No payment tier",
        help_text="The organisation's tiers for involvement payments.",
    )
    wants_payment = forms.BooleanField(label="They want to be paid for their time", required=False)

    def __init__(
        self,
        *args: Any,
        memberships: QuerySet[ProjectMembership],
        tiers: QuerySet[PaymentTier],
        contact_hidden: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if contact_hidden:
            # Consent to contact was withdrawn: the details are kept but not shown.
            del self.fields["contact_preference"]
            del self.fields["contact_details"]
        membership = self.fields["membership"]
        assert isinstance(membership, forms.ModelChoiceField)
        membership.queryset = memberships
        tier = self.fields["payment_tier"]
        assert isinstance(tier, forms.ModelChoiceField)
        tier.queryset = tiers


class LeftForm(NhsForm):
    left_on = _date_field("The date they left", missing="Enter the date they left")


class ConsentForm(NhsForm):
    purpose = forms.ChoiceField(
        label="What they consent to",
        choices=ConsentPurpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the consent is for"},
    )
    given_on = _date_field("Date consent was given", missing="Enter the date consent was given")
    how = forms.CharField(
        label="How it was recorded",
        max_length=200,
        required=False,
        help_text="For example, “signed form, kept in the project file” or “said yes at the "
        "first meeting, witnessed by the facilitator”.",
    )


class WithdrawForm(NhsForm):
    withdrawn_on = _date_field(
        "Date consent was withdrawn", missing="Enter the date consent was withdrawn"
    )


class ContactForm(NhsForm):
    contact_preference = forms.ChoiceField(
        label="How you prefer to be contacted",
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you prefer to be contacted"},
    )
    contact_details = forms.CharField(
        label="Contact details",
        max_length=300,
        required=False,
        help_text="Your email address, phone number or postal address for that preference.",
    )


TAKEN_UP = [("yes", "Yes"), ("no", "No"), ("", "Not known yet")]


class SupportForm(NhsForm):
    kind = forms.ChoiceField(
        label="Support offered",
        choices=SupportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of support"},
    )
    offered_on = _date_field("Date offered", missing="Enter the date it was offered")
    taken_up = forms.ChoiceField(
        label="Did they take it up?", choices=TAKEN_UP, required=False, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note",
        max_length=300,
        required=False,
        help_text="For example, the training course, or who their buddy is.",
    )

    def support(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        answer = data.pop("taken_up")
        data["taken_up"] = None if answer == "" else answer == "yes"
        return data


class PlusGroupForm(NhsForm):
    name = forms.CharField(
        label="Name of the group",
        max_length=150,
        help_text="For example, “people experiencing homelessness” or “Gypsy, Roma and "
        "Traveller communities”.",
        error_messages={"required": "Enter the name of the group"},
    )


class PlusGroupsField(_PlusField):
    widget = forms.CheckboxSelectMultiple


class EqualityForm(NhsForm):
    """Equality monitoring: every question may be left as "Prefer not to say"."""

    age_band = forms.ChoiceField(label="Age", required=False, widget=forms.RadioSelect)
    sex = forms.ChoiceField(label="Sex", required=False, widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(
        label="Ethnic group",
        required=False,
        help_text="The Office for National Statistics' categories from the 2021 census.",
    )
    disability = forms.ChoiceField(
        label="Do you have a disability or long-term condition that limits your day-to-day "
        "activities?",
        required=False,
        widget=forms.RadioSelect,
    )
    imd_decile = forms.ChoiceField(
        label="Deprivation decile of your area (IMD)",
        required=False,
        help_text=selectors_people.IMD_EXPLANATION,
    )
    plus_groups = PlusGroupsField(
        label="Do you belong to any of these groups?",
        queryset=PlusGroup.objects.none(),
        required=False,
        help_text="Groups the organisation has chosen because they have worse access, "
        "experience or outcomes of care (the “PLUS” of Core20PLUS5). Tick any that apply; "
        "leave them all unticked if none apply or you prefer not to say.",
    )

    def __init__(
        self,
        *args: Any,
        plus_groups: QuerySet[PlusGroup],
        about_someone_else: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        questions = {key: options for key, _, options, _ in selectors_people.equality_questions()}
        for key in ("age_band", "sex", "disability"):
            field = self.fields[key]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [*questions[key], PREFER_NOT_RADIO]
        ethnicity = self.fields["ethnicity"]
        assert isinstance(ethnicity, forms.ChoiceField)
        ethnicity.choices = [PREFER_NOT, *selectors_people.ethnicity_groups()]
        imd = self.fields["imd_decile"]
        assert isinstance(imd, forms.ChoiceField)
        imd.choices = [PREFER_NOT, *selectors_people.imd_options()]
        plus = self.fields["plus_groups"]
        assert isinstance(plus, forms.ModelMultipleChoiceField)
        plus.queryset = plus_groups
        if not plus_groups.exists():
            del self.fields["plus_groups"]
        if about_someone_else:
            self.fields["disability"].label = (
                "Do they have a disability or long-term condition that limits their "
                "day-to-day activities?"
            )
            imd.label = "Deprivation decile of their area (IMD)"
            plus.label = "Do they belong to any of these groups?"
            plus.help_text = str(plus.help_text).replace("you prefer", "they prefer")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for key in ("age_band", "sex", "disability"):
            if cleaned.get(key) == PREFER_NOT_RADIO[0]:
                cleaned[key] = ""
        return cleaned


class EqualityConsentForm(EqualityForm):
    """The person's own form, when they have not yet consented to equality monitoring."""

    consent = forms.BooleanField(
        label="I agree that my answers are kept for equality monitoring, and shown only as "
        "counts of people, never to anyone as my answers",
        error_messages={"required": "Tick the box to agree, or leave this page"},
    )

    field_order = ["consent"]


class CheckinForm(NhsForm):
    """The self-efficacy and knowledge check-in: one question per item of the core."""

    def __init__(self, *args: Any, about_someone_else: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in selectors_people.checkin_items():
            label = item.text_other if about_someone_else else item.text
            self.fields[item.key] = forms.ChoiceField(
                label=label,
                choices=[(str(value), text) for value, text in selectors_people.checkin_scale()],
                required=False,
                widget=forms.RadioSelect,
            )
        # The widget classes are set by the mixin's __init__, before these fields existed.
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "nhsuk-radios__input"

    def answers(self) -> dict[str, str]:
        return {key: value for key, value in self.cleaned_data.items() if value}

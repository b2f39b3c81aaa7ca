from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from coproduce.web.forms import NhsForm

from .models import Organisation, OrganisationKind, ProjectStatus, Role


class OrganisationForm(NhsForm):
    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        error_messages={"required": "Enter the organisation's name"},
    )
    kind = forms.ChoiceField(
        label="Type of organisation",
        choices=OrganisationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of organisation"},
    )


class ProjectForm(NhsForm):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the organisation that owns the project"},
    )
    title = forms.CharField(
        label="Project title",
        max_length=200,
        error_messages={"required": "Enter a title for the project"},
    )
    service = forms.CharField(
        label="Service or pathway",
        max_length=200,
        help_text="For example, “Outpatient rheumatology” or “Discharge from ward 7”.",
        error_messages={"required": "Enter the service or pathway being improved"},
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the project is about and who it is for.",
    )
    status = forms.ChoiceField(
        label="Status",
        choices=ProjectStatus.choices,
        initial=ProjectStatus.PLANNING,
        error_messages={"required": "Choose a status"},
    )

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            field = self.fields["organisation"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = organisations


ROLE_HINT = (
    "Facilitators manage the project and its members. Everyone else takes part "
    "as a staff member, patient partner, carer partner or observer."
)


class InviteForm(NhsForm):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the email address of the person to invite",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    role = forms.ChoiceField(
        label="Role in this project",
        choices=Role.choices,
        widget=forms.RadioSelect,
        help_text=ROLE_HINT,
        error_messages={"required": "Choose the role they will have"},
    )


class RoleForm(NhsForm):
    role = forms.ChoiceField(
        label="Role in this project",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role"},
    )

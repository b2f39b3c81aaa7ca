"""Forms for the deliberation pages: they parse what people typed; the actions check the rules."""

from __future__ import annotations

from django import forms

from coproduce.web.forms import NhsForm

from .models import MAX_STATEMENT


class ConversationForm(NhsForm):
    topic = forms.CharField(label="Topic", max_length=200)
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        help_text="What the conversation is about and how the statements will be used.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    is_open = forms.BooleanField(label="Open for votes", required=False, initial=True)
    participants_may_submit = forms.BooleanField(
        label="People taking part may suggest statements (a facilitator moderates them)",
        required=False,
        initial=True,
    )


class StatementForm(NhsForm):
    statement = forms.CharField(
        label="Statement",
        help_text=f"One idea, in plain words, {MAX_STATEMENT} characters at most.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the statement."},
    )

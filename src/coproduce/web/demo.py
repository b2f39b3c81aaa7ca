"""The demo organisation, projects and people that `make run` loads.

The second project, a fracture clinic's improvement story with measures, PDSA ramps and a
shift on its chart, is in :mod:`coproduce.web.demo_improvement`.

Loading is idempotent: everything is looked up by a stable name first, so
running it twice changes nothing but the facilitator's password, which is
set afresh and printed each time (no fixed password is ever shipped).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from coproduce.web import demo_deliberation, demo_experience, demo_improvement, demo_participation
from coproduce.web.accounts import actions as account_actions
from coproduce.web.accounts.models import User
from coproduce.web.projects import actions as project_actions
from coproduce.web.projects.models import (
    Organisation,
    OrganisationKind,
    Project,
    ProjectMembership,
    ProjectStatus,
    Role,
)

ORGANISATION = "Demo Valley NHS Foundation Trust"
FACILITATOR_EMAIL = "facilitator@demo.coproduce.invalid"
PROJECT_TITLE = "Clearer outpatient letters"
OTHER_MEMBERS = [
    ("Priya Shah", "priya.shah@demo.coproduce.invalid", Role.PATIENT_PARTNER),
    ("Tom Evans", "tom.evans@demo.coproduce.invalid", Role.CARER_PARTNER),
    ("Dr Ade Okafor", "ade.okafor@demo.coproduce.invalid", Role.STAFF),
    ("Sam Lee", "sam.lee@demo.coproduce.invalid", Role.OBSERVER),
]


@dataclass(frozen=True)
class DemoResult:
    email: str
    password: str
    project: Project
    story: Project

    def describe(self, *, base_url: str) -> str:
        return (
            f"Demo projects “{self.project.title}” and “{self.story.title}” are ready.\n"
            "The fracture clinic project tells an improvement story: an aim, three measures "
            "with 30 months of data,\nthree PDSA ramps (one abandoned, one adopted, one "
            "active) and a shift on the chart after the adopted change;\nand who took part, "
            "how deeply and with what influence (Participation), flags included;\n"
            "and its patients' experience: feedback themed, the journey from A&E to home "
            "with feelings and agency,\nand EBCD priorities voted by patients and staff "
            "(Experience and co-design);\n"
            "and deciding together: 60 people, most without an account (an event code, "
            "one-time links,\nsome helped by the facilitator), an open conversation with "
            "opinion groups and statements\npatients, carers and staff each endorse, a Kano "
            "survey, and decisions whose results change\nwhen each constituency counts the "
            "same (Conversations, Kano surveys, Decisions).\n"
            f"Sign in at {base_url}/accounts/sign-in/ with\n"
            f"  email:    {self.email}\n"
            f"  password: {self.password}\n"
            "(A new password is set each time the demo is loaded.)"
        )


@transaction.atomic
def load_demo() -> DemoResult:
    password = secrets.token_urlsafe(12)
    facilitator = User.objects.filter(email=FACILITATOR_EMAIL).first()
    if facilitator is None:
        facilitator = account_actions.create_user(
            email=FACILITATOR_EMAIL,
            name="Alex Morgan (demo facilitator)",
            password=password,
            is_staff=True,
            by=None,
        )
    else:
        account_actions.set_password(user=facilitator, password=password, by=None, reason="reset")

    organisation = Organisation.objects.filter(name=ORGANISATION).first()
    if organisation is None:
        organisation = project_actions.create_organisation(
            name=ORGANISATION, kind=OrganisationKind.TRUST, by=facilitator
        )

    project = Project.objects.filter(organisation=organisation, title=PROJECT_TITLE).first()
    if project is None:
        project = project_actions.create_project(
            organisation=organisation,
            title=PROJECT_TITLE,
            service="Outpatient rheumatology",
            description=(
                "Patients, carers and clinic staff rewrite the letters sent after "
                "outpatient appointments so that people understand what happens next."
            ),
            status=ProjectStatus.ACTIVE,
            by=facilitator,
        )

    for name, email, role in OTHER_MEMBERS:
        if ProjectMembership.objects.filter(project=project, user__email=email).exists():
            continue
        user = User.objects.filter(email=email).first() or account_actions.create_user(
            email=email, name=name, password=None, by=facilitator
        )
        project_actions.add_organisation_member(
            organisation=organisation, user=user, is_admin=False, by=facilitator
        )
        project_actions.add_member(project=project, user=user, role=role, by=facilitator)
    story = demo_improvement.load_story(organisation=organisation, facilitator=facilitator)
    today = timezone.localdate()
    demo_participation.load_story(
        project=story,
        organisation=organisation,
        facilitator=facilitator,
        start=demo_improvement.first_month(today),
        today=today,
    )
    demo_experience.load_story(
        project=story,
        facilitator=facilitator,
        start=demo_improvement.first_month(today),
        today=today,
    )
    demo_deliberation.load_story(
        project=story,
        facilitator=facilitator,
        start=demo_improvement.first_month(today),
        today=today,
    )
    return DemoResult(email=FACILITATOR_EMAIL, password=password, project=project, story=story)

"""Links that cannot work say why: used, expired or withdrawn invitations, unknown pages,
and projects the person is not a member of."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from coproduce.web.projects import actions
from coproduce.web.projects.models import Invitation, Project, Role
from tests import universe

from .axe import goto
from .people import FACILITATOR_NAME, make_facilitator, sign_in


def _invite(project: Project, email: str) -> tuple[Invitation, str]:
    """Invite ``email`` to the project as a patient partner: the invitation and its link's path."""
    invitation, token = actions.invite_member(
        project=project,
        email=email,
        role=Role.PATIENT_PARTNER,
        by=project.memberships.get(role=Role.FACILITATOR).user,
        link_for=lambda token: token,
    )
    return invitation, f"/invitations/{token}/"


def _expect_unusable(page: Page, path: str, *, status: int, explanation: str) -> None:
    response = goto(page, path)
    assert response.status == status, f"{path} answered {response.status}, not {status}"
    expect(page).to_have_title("This invitation cannot be used – coproduce")
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation cannot be used")
    expect(page.get_by_role("main")).to_contain_text(explanation)
    expect(page.get_by_role("link", name="Go to coproduce")).to_have_attribute("href", "/")


def _expect_not_found(page: Page, path: str) -> None:
    response = goto(page, path)
    assert response.status == 404, f"{path} answered {response.status}, not 404"
    expect(page).to_have_title("Page not found – coproduce")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    main = page.get_by_role("main")
    expect(main).to_contain_text("If you typed the web address, check it is correct.")
    expect(main).to_contain_text("you may not be a member of it")
    expect(main.get_by_role("link", name="Go to your projects")).to_be_visible()


@pytest.mark.browser
def test_used_expired_withdrawn_and_unknown_invitation_links_explain_why(
    page: Page,
) -> None:
    project = universe.make_project(make_facilitator(), title="Quieter nights on ward 9")

    accepted, used_link = _invite(project, "sam@example.net")
    actions.accept_invitation(invitation=accepted, user=universe.make_user("sam@example.net"))
    _expect_unusable(
        page,
        used_link,
        status=410,
        explanation="This invitation has already been used. If it was you, sign in",
    )

    withdrawn, withdrawn_link = _invite(project, "kit@example.net")
    actions.revoke_invitation(invitation=withdrawn, by=withdrawn.invited_by)
    _expect_unusable(
        page,
        withdrawn_link,
        status=410,
        explanation=f"This invitation was withdrawn. Ask {FACILITATOR_NAME}",
    )

    with override_settings(INVITATION_DAYS=0):  # expires as it is sent
        expired, expired_link = _invite(project, "lee@example.net")
    _expect_unusable(
        page,
        expired_link,
        status=410,
        explanation=(
            f"This invitation expired on {timezone.localtime(expired.expires_at):%d %B %Y}. "
            f"Ask {FACILITATOR_NAME} to send you a new one."
        ),
    )

    _expect_unusable(
        page,
        "/invitations/not-a-real-token/",
        status=404,
        explanation="This invitation link is not valid. Check you copied the whole link",
    )


@pytest.mark.browser
def test_unknown_pages_and_other_peoples_projects_show_the_helpful_404_page(
    page: Page,
) -> None:
    facilitator = make_facilitator()
    own = universe.make_project(facilitator, title="Shorter waits")
    stranger = universe.make_user("sol@example.com", "Sol Stranger")
    other = universe.make_project(
        stranger,
        title="Someone else's project",
        organisation=universe.make_organisation("Southtown Council", admin=stranger),
    )

    _expect_not_found(page, "/no-such-page/")  # signed out

    sign_in(page, facilitator.email)
    _expect_not_found(page, "/projects/no-such-page/")
    _expect_not_found(page, f"/projects/{other.pk}/")
    _expect_not_found(page, f"/projects/{other.pk}/members/")
    _expect_not_found(page, f"/projects/{own.pk + other.pk + 1000}/")

    # Her own project is still there: the 404s are about the address, not her.
    response = goto(page, f"/projects/{own.pk}/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Shorter waits")

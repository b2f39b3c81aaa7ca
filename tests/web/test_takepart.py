"""Taking part without an account (issue 7 item 1; docs/adr/0021): links, codes, seats,
the voter cookie, assisted mode, the registry, the facilitator's pages and API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.web.accounts import actions as account_actions
from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.projects.models import Role
from coproduce.web.takepart import actions, registry, selectors
from coproduce.web.takepart.cookies import cookie_name, hash_key
from coproduce.web.takepart.models import EventCode, InvitationLink, JoinedVia, Voter
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def api_client(user: User) -> Client:
    _, raw = account_actions.create_access_token(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def team() -> dict[str, Any]:
    fac = make_user("fac@example.org", "Fay Facilitator")
    staff = make_user("staff@example.org")
    patient = make_user("pat@example.org")
    carer = make_user("carer@example.org")
    observer = make_user("obs@example.org")
    outsider = make_user("out@example.org")
    project = make_project(fac)
    join(project, staff, Role.STAFF, by=fac)
    join(project, patient, Role.PATIENT_PARTNER, by=fac)
    join(project, carer, Role.CARER_PARTNER, by=fac)
    join(project, observer, Role.OBSERVER, by=fac)
    return {
        "fac": fac,
        "staff": staff,
        "patient": patient,
        "carer": carer,
        "observer": observer,
        "outsider": outsider,
        "project": project,
    }


def make_code(team: dict[str, Any], **kwargs: Any) -> EventCode:
    kwargs.setdefault("closes_at", timezone.now() + dt.timedelta(hours=2))
    return actions.create_event_code(
        project=team["project"], by=team["fac"], label="Clinic open day", **kwargs
    )


def join_by_code(client: Client, code: str, **details: str) -> Any:
    client.post(reverse("takepart:code"), {"step": "code", "code": code})
    return client.post(reverse("takepart:code"), {"step": "join", "code": code, **details})


# --------------------------------------------------------------------------- links


def test_a_link_is_claimed_once_and_the_cookie_key_is_only_stored_hashed(
    team: dict[str, Any],
) -> None:
    project = team["project"]
    [new] = actions.create_links(
        project=project, by=team["fac"], count=1, constituency="patient", days=7
    )
    link = InvitationLink.objects.get()
    assert link.token_hash == hash_key(new.raw_token)
    assert new.raw_token not in str(list(InvitationLink.objects.values()))

    browser = Client()
    response = browser.get(reverse("takepart:link", args=[new.raw_token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("takepart:home", args=[project.pk])
    morsel = response.cookies[cookie_name(project.pk)]
    assert morsel["httponly"] and morsel["samesite"] == "Lax" and morsel["path"] == "/"
    assert int(morsel["max-age"]) >= 180 * 24 * 3600
    raw_key = morsel.value
    voter = Voter.objects.get()
    assert voter.key_hash == hash_key(raw_key) and raw_key not in str(list(Voter.objects.values()))
    assert (voter.constituency, voter.joined_via) == ("patient", JoinedVia.LINK)
    link.refresh_from_db()
    assert link.used_at is not None and link.voter == voter

    home = browser.get(reverse("takepart:home", args=[project.pk]))
    assert home.status_code == 200
    assert "Patient" in home.content.decode()

    # the same browser opening the link again just continues
    again = browser.get(reverse("takepart:link", args=[new.raw_token]))
    assert again.status_code == 302
    assert again["Location"] == reverse("takepart:home", args=[project.pk])
    # another browser is told it has been used, and gets no seat
    other = Client().get(reverse("takepart:link", args=[new.raw_token]))
    assert other.status_code == 410
    assert "already been used" in other.content.decode()
    assert Voter.objects.count() == 1


def test_expired_withdrawn_and_unknown_links_are_refused_clearly(team: dict[str, Any]) -> None:
    project = team["project"]
    old, withdrawn = actions.create_links(
        project=project, by=team["fac"], count=2, constituency="carer", days=1
    )
    InvitationLink.objects.filter(pk=old.link.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    actions.revoke_link(link=withdrawn.link, by=team["fac"])
    expired = Client().get(reverse("takepart:link", args=[old.raw_token]))
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    revoked = Client().get(reverse("takepart:link", args=[withdrawn.raw_token]))
    assert revoked.status_code == 410 and "withdrawn" in revoked.content.decode()
    unknown = Client().get(reverse("takepart:link", args=["not-a-real-token-at-all"]))
    assert unknown.status_code == 404 and "recognise" in unknown.content.decode()
    assert not Voter.objects.exists()
    with pytest.raises(ActionError):  # a used link cannot be withdrawn
        [fresh] = actions.create_links(
            project=project, by=team["fac"], count=1, constituency="carer", days=1
        )
        actions.claim_link(raw_token=fresh.raw_token)
        actions.revoke_link(link=InvitationLink.objects.get(pk=fresh.link.pk), by=team["fac"])


def test_link_batches_are_checked_and_only_facilitators_make_them(team: dict[str, Any]) -> None:
    project = team["project"]
    with pytest.raises(ActionError) as error:
        actions.create_links(project=project, by=team["fac"], count=0, constituency="staff", days=3)
    assert error.value.field == "count"
    with pytest.raises(ActionError) as error:
        actions.create_links(project=project, by=team["fac"], count=2, constituency="x", days=3)
    assert error.value.field == "constituency"
    with pytest.raises(NotAllowed):
        actions.create_links(
            project=project, by=team["staff"], count=2, constituency="staff", days=3
        )
    assert not InvitationLink.objects.exists()


# --------------------------------------------------------------------------- codes


def test_codes_use_an_unambiguous_alphabet(team: dict[str, Any]) -> None:
    for _ in range(5):
        code = make_code(team).code
        assert len(code) == 6 and not set(code) & set("0O1IL")


def test_joining_by_code_with_a_chosen_constituency_and_pseudonym(team: dict[str, Any]) -> None:
    project = team["project"]
    event_code = make_code(team)
    browser = Client()
    first = browser.post(
        reverse("takepart:code"), {"step": "code", "code": event_code.code.lower()}
    )
    assert first.status_code == 200 and "Are you taking part as" in first.content.decode()
    missing = browser.post(
        reverse("takepart:code"), {"step": "join", "code": event_code.code, "pseudonym": "Bea"}
    )
    assert "Choose who you are taking part as." in missing.content.decode()
    assert not Voter.objects.exists()
    done = browser.post(
        reverse("takepart:code"),
        {"step": "join", "code": event_code.code, "constituency": "carer", "pseudonym": " Bea "},
    )
    assert done.status_code == 302
    voter = Voter.objects.get()
    assert (voter.constituency, voter.pseudonym, voter.joined_via) == ("carer", "Bea", "code")
    assert voter.key_hash == hash_key(done.cookies[cookie_name(project.pk)].value)
    event_code.refresh_from_db()
    assert event_code.uses == 1
    home = browser.get(reverse("takepart:home", args=[project.pk]))
    assert "Bea" in home.content.decode()
    # free text people write is not in the audit log
    assert not AuditEvent.objects.filter(summary__contains="Bea").exists()


def test_a_code_can_fix_the_constituency(team: dict[str, Any]) -> None:
    event_code = make_code(team, constituency="staff")
    browser = Client()
    step = browser.post(reverse("takepart:code"), {"step": "code", "code": event_code.code})
    assert "Are you taking part as" not in step.content.decode()
    response = browser.post(
        reverse("takepart:code"),
        {"step": "join", "code": event_code.code, "constituency": "patient"},
    )
    assert response.status_code == 302
    assert Voter.objects.get().constituency == "staff"


def test_closed_unknown_and_future_codes_are_refused(team: dict[str, Any]) -> None:
    closed = make_code(team)
    actions.close_event_code(event_code=closed, by=team["fac"])
    later = make_code(
        team,
        opens_at=timezone.now() + dt.timedelta(hours=1),
        closes_at=timezone.now() + dt.timedelta(hours=3),
    )
    for code, message in [
        (closed.code, "That code has closed."),
        ("ZZZZZZ", "We do not recognise that code."),
        (later.code, "That code is not open yet."),
        ("", "Enter the code shown at the event."),
    ]:
        response = join_by_code(Client(), code, constituency="patient")
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Voter.objects.exists()


def test_code_guesses_are_rate_limited(team: dict[str, Any]) -> None:
    event_code = make_code(team)
    browser = Client()
    for _ in range(10):
        response = browser.post(reverse("takepart:code"), {"step": "code", "code": "WRONG2"})
        assert response.status_code == 200
    blocked = browser.post(reverse("takepart:code"), {"step": "code", "code": event_code.code})
    assert blocked.status_code == 429
    assert "Too many wrong codes" in blocked.content.decode()
    cache.clear()  # a minute later
    ok = browser.post(reverse("takepart:code"), {"step": "code", "code": event_code.code})
    assert ok.status_code == 200 and "About you" in ok.content.decode()


def test_event_codes_are_checked(team: dict[str, Any]) -> None:
    with pytest.raises(ActionError) as error:
        make_code(team, closes_at=timezone.now() - dt.timedelta(minutes=1))
    assert error.value.field == "closes_at"
    with pytest.raises(ActionError) as error:
        actions.create_event_code(
            project=team["project"], by=team["fac"], label=" ", closes_at=timezone.now()
        )
    assert error.value.field == "label"
    with pytest.raises(NotAllowed):
        actions.create_event_code(
            project=team["project"],
            by=team["patient"],
            label="x",
            closes_at=timezone.now() + dt.timedelta(hours=1),
        )


# --------------------------------------------------------------------------- seats


def test_members_take_part_as_themselves_and_observers_cannot(team: dict[str, Any]) -> None:
    project = team["project"]
    url = reverse("takepart:home", args=[project.pk])
    for who, constituency in [
        ("patient", "patient"),
        ("carer", "carer"),
        ("staff", "staff"),
        ("fac", "staff"),
    ]:
        client = signed_in(team[who])
        assert client.get(url).status_code == 200
        assert client.get(url).status_code == 200  # made once only
        voter = Voter.objects.get(project=project, user=team[who])
        assert (voter.constituency, voter.joined_via) == (constituency, "account")
    assert signed_in(team["observer"]).get(url).status_code == 403
    assert not Voter.objects.filter(user=team["observer"]).exists()


def test_without_a_seat_the_voter_is_sent_to_the_join_page(team: dict[str, Any]) -> None:
    url = reverse("takepart:home", args=[team["project"].pk])
    for client in (Client(), signed_in(team["outsider"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("takepart:code") + "?next=")
    # a project that does not exist looks the same
    assert Client().get(reverse("takepart:home", args=[99999])).status_code == 302
    # a forged cookie is no seat
    forged = Client()
    forged.cookies[cookie_name(team["project"].pk)] = "x" * 43
    assert forged.get(url).status_code == 302


def test_pseudonym_and_leave(team: dict[str, Any]) -> None:
    project = team["project"]
    browser = Client()
    join_by_code(browser, make_code(team).code, constituency="patient")
    voter = Voter.objects.get()
    too_long = browser.post(
        reverse("takepart:pseudonym", args=[project.pk]), {"pseudonym": "x" * 81}
    )
    assert too_long.status_code == 200 and "pseudonym" in too_long.content.decode()
    browser.post(reverse("takepart:pseudonym", args=[project.pk]), {"pseudonym": "Kit"})
    voter.refresh_from_db()
    assert voter.pseudonym == "Kit"
    assert browser.get(reverse("takepart:leave", args=[project.pk])).status_code == 200
    left = browser.post(reverse("takepart:leave", args=[project.pk]))
    assert left.status_code == 200 and left.cookies[cookie_name(project.pk)].value == ""
    voter.refresh_from_db()
    assert voter.key_hash is None  # kept, with its answers, but no browser opens it now
    assert browser.get(reverse("takepart:home", args=[project.pk])).status_code == 302


# --------------------------------------------------------------------------- assisted mode


def test_assisted_mode_records_for_the_voter_and_marks_it(team: dict[str, Any]) -> None:
    project = team["project"]
    fac = signed_in(team["fac"])
    response = fac.post(
        reverse("takepart:assisted_new", args=[project.pk]),
        {"constituency": "patient", "pseudonym": "Mr B"},
    )
    assert response.status_code == 302
    voter = Voter.objects.get(joined_via=JoinedVia.ASSISTED)
    assert voter.assisted_by == team["fac"] and voter.is_assisted
    start = fac.post(reverse("takepart:assist_start", args=[project.pk, voter.pk]))
    assert start.status_code == 302
    home = fac.get(reverse("takepart:home", args=[project.pk]))
    page = home.content.decode()
    assert "Recording answers for Mr B (assisted)" in page
    assert home.wsgi_request.voter == voter  # type: ignore[attr-defined]
    fac.post(reverse("takepart:assist_stop", args=[project.pk]))
    home = fac.get(reverse("takepart:home", args=[project.pk]))
    assert "(assisted)" not in home.content.decode()
    assert home.wsgi_request.voter.user == team["fac"]  # type: ignore[attr-defined]
    # only facilitators; only assisted seats
    with pytest.raises(NotAllowed):
        actions.assisted_voter(project=project, by=team["staff"], constituency="patient")
    staff = signed_in(team["staff"])
    assert (
        staff.post(reverse("takepart:assist_start", args=[project.pk, voter.pk])).status_code == 403
    )
    member_seat = Voter.objects.get(user=team["fac"])
    assert (
        fac.post(reverse("takepart:assist_start", args=[project.pk, member_seat.pk])).status_code
        == 404
    )


def test_a_session_flag_is_ignored_once_the_user_is_not_a_facilitator(
    team: dict[str, Any],
) -> None:
    project = team["project"]
    voter = actions.assisted_voter(project=project, by=team["fac"], constituency="carer")
    fac = signed_in(team["fac"])
    fac.post(reverse("takepart:assist_start", args=[project.pk, voter.pk]))
    from coproduce.web.projects.models import ProjectMembership

    ProjectMembership.objects.filter(user=team["fac"]).update(role=Role.STAFF)
    home = fac.get(reverse("takepart:home", args=[project.pk]))
    assert home.wsgi_request.voter.user == team["fac"]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- registry


def test_the_home_page_lists_every_registered_open_item(team: dict[str, Any]) -> None:
    def surveys(voter: Voter) -> list[registry.OpenItem]:
        return [
            registry.OpenItem(title=f"Survey for {voter.constituency}", url="/s/", kind="Survey")
        ]

    def broken(voter: Voter) -> list[registry.OpenItem]:
        raise RuntimeError("boom")

    registry.register(surveys)
    registry.register(surveys)
    registry.register(broken)
    try:
        page = signed_in(team["patient"]).get(reverse("takepart:home", args=[team["project"].pk]))
        text = page.content.decode()
        assert text.count("Survey for patient") == 1
        voter = Voter.objects.get(user=team["patient"])
        assert [i.title for i in registry.open_items(voter)] == ["Survey for patient"]
    finally:
        registry.unregister(surveys)
        registry.unregister(broken)


# --------------------------------------------------------------------------- facilitator pages


def test_facilitator_pages_permissions(team: dict[str, Any]) -> None:
    url = reverse("takepart:manage", args=[team["project"].pk])
    assert signed_in(team["outsider"]).get(url).status_code == 404
    assert signed_in(team["staff"]).get(url).status_code == 403
    assert signed_in(team["observer"]).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    assert signed_in(team["fac"]).get(url).status_code == 200
    new_links = reverse("takepart:links_new", args=[team["project"].pk])
    assert signed_in(team["outsider"]).post(new_links, {"count": 1}).status_code == 404
    assert not InvitationLink.objects.exists()


def test_links_are_shown_once_and_offered_as_csv(team: dict[str, Any]) -> None:
    project = team["project"]
    fac = signed_in(team["fac"])
    url = reverse("takepart:links_new", args=[project.pk])
    bad = fac.post(url, {"count": "0", "constituency": "patient", "days": "14"})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    shown = fac.post(url, {"count": "3", "constituency": "patient", "days": "14", "as": "page"})
    assert shown.status_code == 200 and shown["Cache-Control"] == "no-store"
    assert shown.content.decode().count("/take-part/l/") == 3
    csv_response = fac.post(
        url, {"count": "2", "constituency": "staff", "days": "7", "label": "Ward 3", "as": "csv"}
    )
    assert csv_response["Content-Type"].startswith("text/csv")
    lines = csv_response.content.decode().strip().splitlines()
    assert lines[0] == "label,constituency,link,expires" and len(lines) == 3
    assert lines[1].startswith("Ward 3,staff,http://testserver/take-part/l/")
    token = lines[1].split(",")[2].rsplit("/", 2)[-2]
    assert InvitationLink.objects.filter(token_hash=hash_key(token)).exists()
    listing = fac.get(reverse("takepart:manage", args=[project.pk])).content.decode()
    assert listing.count("Not used yet") == 5 and token not in listing
    link = InvitationLink.objects.filter(constituency="patient").first()
    assert link is not None
    fac.post(reverse("takepart:link_revoke", args=[project.pk, link.pk]))
    assert "Withdrawn" in fac.get(reverse("takepart:manage", args=[project.pk])).content.decode()


def test_event_code_pages(team: dict[str, Any]) -> None:
    project = team["project"]
    fac = signed_in(team["fac"])
    closes = (timezone.localtime() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = fac.post(
        reverse("takepart:code_new", args=[project.pk]),
        {"label": "Open day", "constituency": "", "closes_at": closes},
    )
    assert response.status_code == 302
    event_code = EventCode.objects.get()
    assert selectors.code_status(event_code) == "open"
    assert (
        event_code.code in fac.get(reverse("takepart:manage", args=[project.pk])).content.decode()
    )
    fac.post(reverse("takepart:code_close", args=[project.pk, event_code.pk]))
    event_code.refresh_from_db()
    assert selectors.code_status(event_code) == "closed"
    missing = fac.post(reverse("takepart:code_new", args=[project.pk]), {"label": "x"})
    assert missing.status_code == 200 and "id_closes_at" in missing.content.decode()


# --------------------------------------------------------------------------- API


def test_api_makes_and_lists_links_and_codes(team: dict[str, Any]) -> None:
    project = team["project"]
    base = f"/api/v1/projects/{project.pk}/take-part"
    fac = api_client(team["fac"])
    made = fac.post(
        f"{base}/links",
        {"count": 2, "constituency": "patient", "days": 5},
        content_type="application/json",
    )
    assert made.status_code == 201
    body = made.json()
    assert len(body) == 2 and "/take-part/l/" in body[0]["url"]
    listed = fac.get(f"{base}/links").json()
    assert {row["status"] for row in listed} == {"unused"} and "url" not in listed[0]
    bad = fac.post(
        f"{base}/links", {"count": 2, "constituency": "nobody"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["field"] == "constituency"
    closes = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    code = fac.post(
        f"{base}/codes", {"label": "Event", "closes_at": closes}, content_type="application/json"
    )
    assert code.status_code == 201 and len(code.json()["code"]) == 6
    assert fac.get(f"{base}/codes").json()[0]["status"] == "open"
    closed = fac.post(f"{base}/codes/{code.json()['id']}/close")
    assert closed.json()["status"] == "closed"
    assert api_client(team["outsider"]).get(f"{base}/links").status_code == 404
    assert api_client(team["staff"]).get(f"{base}/codes").status_code == 403
    assert (
        api_client(team["staff"])
        .post(
            f"{base}/links", {"count": 1, "constituency": "staff"}, content_type="application/json"
        )
        .status_code
        == 403
    )

"""The participation API: participants and consent, activities with attendance, decisions,
the influence log, the co-production profile, "who takes part" and the GRIPP2 report."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coproduce.web.accounts import actions as account_actions
from coproduce.web.accounts.models import User
from coproduce.web.participation import actions_activities, actions_people
from coproduce.web.participation.models import (
    Activity,
    Attendance,
    ConsentPurpose,
    ConsentRecord,
    Contribution,
    Participant,
    PaymentTier,
)
from coproduce.web.projects.models import Project, Role
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_YEAR = TODAY - timedelta(days=365)
RECENTLY = TODAY - timedelta(days=10)
LONG_AGO = TODAY - timedelta(days=60)
EMAIL = "ama.private@example.net"
SAID = "The letters use words like ambulatory that nobody understands"

OBSERVERS_REFUSED = "Observers can see participation but not record it."
FACILITATORS_REFUSED = "Only the project's facilitators can do this."


def api_client(user: User) -> Client:
    _, raw = account_actions.create_access_token(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def add_person(project: Project, name: str, role: str, *, by: User, **extra: Any) -> Participant:
    participant = actions_people.add_participant(
        project=project, name=name, role=role, by=by, **extra
    )
    actions_people.record_consent(
        participant=participant, purpose=ConsentPurpose.TAKE_PART, given_on=LAST_YEAR, by=by
    )
    return participant


@pytest.fixture
def team() -> dict[str, Any]:
    fac = make_user("fac@example.org", "Fay Facilitator")
    carer = make_user("carer@example.org", "Cara Carer")
    observer = make_user("obs@example.org", "Olu Observer")
    project = make_project(fac)
    carer_membership = join(project, carer, Role.CARER_PARTNER, by=fac)
    join(project, observer, Role.OBSERVER, by=fac)
    # No action sets payment tiers (the payments area keeps them).
    tier = PaymentTier.objects.create(
        organisation=project.organisation, name="Partner", hourly_rate=Decimal("20.00")
    )
    people = {
        "ama": add_person(
            project,
            "Ama Mensah",
            "patient",
            by=fac,
            contact_preference="email",
            contact_details=EMAIL,
            access_needs=["large_print"],
            payment_tier=tier,
            wants_payment=True,
        ),
        "cal": add_person(project, "Cal Carer", "carer", by=fac, membership=carer_membership),
        "sid": add_person(project, "Sid Staff", "staff", by=fac),
    }
    return {
        "project": project,
        "base": f"/api/v1/projects/{project.pk}/participation",
        "fac_user": fac,
        "fac": api_client(fac),
        "carer": api_client(carer),
        "observer": api_client(observer),
        "outsider": api_client(make_user("out@example.org")),
        "tier": tier,
        **people,
    }


def make_activity(team: dict[str, Any], **overrides: Any) -> Activity:
    values: dict[str, Any] = {
        "project": team["project"],
        "title": "Letters workshop",
        "kind": "co_design_group",
        "date": RECENTLY,
        "hours": Decimal("2.5"),
        "rung_planned": 6,
        "phase": "design",
        "by": team["fac_user"],
    }
    values.update(overrides)
    return actions_activities.create_activity(**values)


ACTIVITY = {
    "title": "Letters workshop",
    "kind": "co_design_group",
    "labelled_as": "Co-production workshop",
    "date": RECENTLY.isoformat(),
    "hours": "2.5",
    "rung_planned": 6,
    "phase": "design",
}


def walk(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every leaf of a JSON value, with the keys on the way to it."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, (*path, key))
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, path)
    else:
        yield path, value


# -- permissions ----------------------------------------------------------------------------


def test_outsiders_get_404_everywhere_and_strangers_401(team: dict[str, Any]) -> None:
    activity = make_activity(team)
    base, outsider = team["base"], team["outsider"]
    ama = team["ama"].pk
    consent = ConsentRecord.objects.filter(participant=team["ama"]).first()
    assert consent is not None
    for path in (
        "/participants",
        f"/participants/{ama}",
        f"/participants/{ama}/consents",
        "/activities",
        f"/activities/{activity.pk}",
        "/decisions",
        "/contributions",
        "/profile",
        "/who-takes-part",
        "/gripp2",
        "/gripp2.pdf",
    ):
        assert outsider.get(base + path).status_code == 404, path
    for path, payload in (
        ("/participants", {"name": "X", "role": "patient"}),
        (f"/participants/{ama}/consents", {"purpose": "contact", "given_on": "2026-01-01"}),
        (f"/participants/{ama}/consents/{consent.pk}/withdraw", {}),
        ("/activities", ACTIVITY),
        ("/decisions", {"date": "2026-01-01", "summary": "s", "taken_by": "t"}),
        ("/contributions", {"date": "2026-01-01", "said": "s"}),
    ):
        response = outsider.post(base + path, payload, content_type="application/json")
        assert response.status_code == 404, path
    assert outsider.delete(f"{base}/activities/{activity.pk}").status_code == 404
    assert Client().get(f"{base}/activities").status_code == 401


def test_observers_read_activities_but_are_refused_what_the_pages_refuse(
    team: dict[str, Any],
) -> None:
    activity = make_activity(team)
    base, observer = team["base"], team["observer"]
    for path in ("/activities", f"/activities/{activity.pk}", "/decisions", "/contributions"):
        assert observer.get(base + path).status_code == 200, path
    for path in ("/profile", "/who-takes-part", "/gripp2"):
        assert observer.get(base + path).status_code == 200, path

    for path in ("/participants", f"/participants/{team['ama'].pk}"):
        refused = observer.get(base + path)
        assert refused.status_code == 403
        assert refused.json()["detail"] == OBSERVERS_REFUSED
    for path, payload in (
        ("/activities", ACTIVITY),
        ("/decisions", {"date": RECENTLY.isoformat(), "summary": "s", "taken_by": "t"}),
        ("/contributions", {"date": RECENTLY.isoformat(), "said": SAID}),
    ):
        refused = observer.post(base + path, payload, content_type="application/json")
        assert refused.status_code == 403, path
        assert refused.json()["detail"] == OBSERVERS_REFUSED
    refused = observer.put(
        f"{base}/activities/{activity.pk}/attendance",
        [{"participant_id": team["ama"].pk}],
        content_type="application/json",
    )
    assert refused.status_code == 403
    refused = observer.patch(
        f"{base}/activities/{activity.pk}", {"title": "Mine"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert not Attendance.objects.exists()
    assert Activity.objects.get().title == "Letters workshop"


def test_only_facilitators_manage_participants_and_delete_activities(
    team: dict[str, Any],
) -> None:
    base, carer = team["base"], team["carer"]
    ama = team["ama"].pk
    for method, path, payload in (
        ("post", "/participants", {"name": "New Person", "role": "patient"}),
        ("patch", f"/participants/{ama}", {"name": "Renamed"}),
        ("get", f"/participants/{ama}/consents", None),
        ("post", f"/participants/{ama}/consents", {"purpose": "quotes", "given_on": "2026-01-01"}),
    ):
        response = getattr(carer, method)(base + path, payload, content_type="application/json")
        assert response.status_code == 403, path
        assert response.json()["detail"] == FACILITATORS_REFUSED
    activity = make_activity(team)
    assert carer.delete(f"{base}/activities/{activity.pk}").status_code == 403
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert team["fac"].delete(f"{base}/activities/{activity.pk}").status_code == 204
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert team["fac"].get(f"{base}/activities/{activity.pk}").status_code == 404


def test_another_projects_rows_are_404(team: dict[str, Any]) -> None:
    other_fac = make_user("other@example.org")
    other = make_project(other_fac, title="Elsewhere")
    foreign = make_activity(team, project=other, by=other_fac)
    theirs = actions_people.add_participant(
        project=other, name="Someone Else", role="patient", by=other_fac
    )
    fac, base = team["fac"], team["base"]
    assert fac.get(f"{base}/activities/{foreign.pk}").status_code == 404
    assert fac.get(f"{base}/participants/{theirs.pk}").status_code == 404
    assert fac.get(f"{base}/participants/{theirs.pk}/consents").status_code == 404


# -- participants and consent -------------------------------------------------------------


def test_facilitators_get_the_full_record_recorders_names_and_roles(team: dict[str, Any]) -> None:
    base = team["base"]
    full = team["fac"].get(f"{base}/participants")
    assert full.status_code == 200
    body = full.json()
    assert body["count"] == 3
    ama = next(row for row in body["items"] if row["name"] == "Ama Mensah")
    assert ama["contact_details"] == EMAIL
    assert ama["contact_preference"] == "email"
    assert ama["access_needs"] == ["large_print"]
    assert ama["payment_tier_id"] == team["tier"].pk
    assert ama["wants_payment"] is True
    assert ama["has_account"] is False
    cal = next(row for row in body["items"] if row["name"] == "Cal Carer")
    assert cal["has_account"] is True

    brief = team["carer"].get(f"{base}/participants")
    assert brief.status_code == 200
    assert EMAIL not in brief.content.decode()
    for row in brief.json()["items"]:
        assert set(row) == {"id", "name", "role", "has_account", "left_on"}
    one = team["carer"].get(f"{base}/participants/{team['ama'].pk}").json()
    assert set(one) == {"id", "name", "role", "has_account", "left_on"}
    assert one["name"] == "Ama Mensah" and one["role"] == "patient"
    detail = team["fac"].get(f"{base}/participants/{team['ama'].pk}").json()
    assert detail["contact_details"] == EMAIL
    for text in (full.content.decode(), brief.content.decode()):
        assert "equality" not in text and "age_band" not in text


def test_a_facilitator_adds_changes_and_marks_a_participant_as_left(
    team: dict[str, Any],
) -> None:
    fac, base = team["fac"], team["base"]
    created = fac.post(
        f"{base}/participants",
        {
            "name": "  Bea   Bright ",
            "role": "community",
            "contact_preference": "phone",
            "contact_details": "07700 900123",
            "payment_tier_id": team["tier"].pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == "Bea Bright"
    assert body["left_on"] is None and body["payment_tier_id"] == team["tier"].pk
    pk = body["id"]

    patched = fac.patch(
        f"{base}/participants/{pk}",
        {"role": "volunteer", "left_on": RECENTLY.isoformat()},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["role"] == "volunteer"
    assert patched.json()["left_on"] == RECENTLY.isoformat()
    assert patched.json()["contact_details"] == "07700 900123"  # untouched when not sent
    back = fac.patch(
        f"{base}/participants/{pk}", {"left_on": None}, content_type="application/json"
    )
    assert back.json()["left_on"] is None

    rows = fac.get(f"{base}/participants?limit=2&offset=0").json()
    assert rows["count"] == 4 and len(rows["items"]) == 2
    assert len(fac.get(f"{base}/participants?limit=2&offset=2").json()["items"]) == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "Ama Mensah", "role": "patient"}, "name"),
        ({"name": "", "role": "patient"}, "name"),
        ({"name": "x" * 151, "role": "patient"}, "name"),
        ({"name": "New", "role": "patient", "contact_preference": "email"}, "contact_details"),
        ({"name": "New", "role": "patient", "access_needs": ["telepathy"]}, "access_needs"),
        ({"name": "New", "role": "patient", "payment_tier_id": 999_999}, "payment_tier"),
        ({"name": "New", "role": "patient", "membership_id": 999_999}, "membership"),
    ],
)
def test_bad_participants_are_refused_with_the_field(
    team: dict[str, Any], payload: dict[str, Any], field: str
) -> None:
    response = team["fac"].post(
        f"{team['base']}/participants", payload, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert Participant.objects.count() == 3


def test_a_failed_patch_changes_nothing(team: dict[str, Any]) -> None:
    """Marking as left in the future is refused after the other fields were saved: undone."""
    response = team["fac"].patch(
        f"{team['base']}/participants/{team['sid'].pk}",
        {"role": "volunteer", "left_on": (TODAY + timedelta(days=3)).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "left_on"
    team["sid"].refresh_from_db()
    assert team["sid"].role == "staff" and team["sid"].left_on is None


def test_consent_is_listed_recorded_and_withdrawn(team: dict[str, Any]) -> None:
    fac, base = team["fac"], team["base"]
    consents = f"{base}/participants/{team['ama'].pk}/consents"
    listed = fac.get(consents).json()
    assert [c["purpose"] for c in listed["items"]] == ["take_part"]

    created = fac.post(
        consents,
        {"purpose": "contact", "given_on": LAST_YEAR.isoformat(), "how": "Signed form"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    consent = created.json()["id"]
    again = fac.post(
        consents,
        {"purpose": "contact", "given_on": LAST_YEAR.isoformat()},
        content_type="application/json",
    )
    assert again.status_code == 400 and again.json()["field"] == "purpose"
    future = fac.post(
        consents,
        {"purpose": "quotes", "given_on": (TODAY + timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert future.status_code == 400 and future.json()["field"] == "given_on"

    withdrawn = fac.post(f"{consents}/{consent}/withdraw", {}, content_type="application/json")
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["withdrawn_on"] == TODAY.isoformat()
    twice = fac.post(f"{consents}/{consent}/withdraw", {}, content_type="application/json")
    assert twice.status_code == 400

    # Consent to contact withdrawn: the contact details are hidden, and kept as they were.
    detail = fac.get(f"{base}/participants/{team['ama'].pk}").json()
    assert detail["contact_withdrawn"] is True
    assert detail["contact_preference"] == "none" and detail["contact_details"] == ""
    refused = fac.patch(
        f"{base}/participants/{team['ama'].pk}",
        {"contact_details": "new@example.net"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["field"] == "contact_details"
    # The reason is consent_problem's, as everywhere else consent is checked.
    assert refused.json()["detail"].startswith(
        "Ama Mensah withdrew consent to be contacted about the project on "
    )
    team["ama"].refresh_from_db()
    assert team["ama"].contact_details == EMAIL


# -- activities and attendance ------------------------------------------------------------


def test_activities_are_recorded_listed_and_changed(team: dict[str, Any]) -> None:
    carer, base = team["carer"], team["base"]
    created = carer.post(f"{base}/activities", ACTIVITY, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["rung_planned"] == 6 and body["rung_achieved"] is None
    assert Decimal(body["hours"]) == Decimal("2.5")
    assert body["attendance"] == []
    pk = body["id"]
    make_activity(team, title="Survey", kind="survey", date=LONG_AGO)

    listed = team["observer"].get(f"{base}/activities").json()
    assert listed["count"] == 2
    assert [a["title"] for a in listed["items"]] == ["Letters workshop", "Survey"]
    surveys = carer.get(f"{base}/activities?kind=survey").json()
    assert [a["title"] for a in surveys["items"]] == ["Survey"]

    patched = carer.patch(
        f"{base}/activities/{pk}", {"rung_achieved": 4}, content_type="application/json"
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["rung_achieved"] == 4
    assert patched.json()["labelled_as"] == "Co-production workshop"  # untouched
    cleared = carer.patch(
        f"{base}/activities/{pk}", {"rung_achieved": None}, content_type="application/json"
    )
    assert cleared.json()["rung_achieved"] is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours": "30"}, "hours"),
        ({"hours": "-1"}, "hours"),
        ({"hours": "two"}, "hours"),
        ({"rung_planned": 9}, "rung_planned"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"pdsa_cycle_id": 999_999}, "pdsa_cycle"),
        ({"group_id": 999_999}, "group"),
    ],
)
def test_bad_activities_are_refused_with_the_field(
    team: dict[str, Any], changes: dict[str, Any], field: str
) -> None:
    response = team["carer"].post(
        f"{team['base']}/activities", {**ACTIVITY, **changes}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not Activity.objects.exists()


def test_attendance_is_replaced_and_shown_as_the_page_shows_it(team: dict[str, Any]) -> None:
    activity = make_activity(team)
    base = team["base"]
    address = f"{base}/activities/{activity.pk}/attendance"
    saved = team["carer"].put(
        address,
        [
            {"participant_id": team["ama"].pk, "hours": "2", "assisted": True},
            {"participant_id": team["sid"].pk},
        ],
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    rows = saved.json()["attendance"]
    assert [r["name"] for r in rows] == ["Ama Mensah", "Sid Staff"]
    assert Decimal(rows[1]["hours"]) == Decimal("2.5")  # the activity's length
    for row in rows:  # a recorder: names, no payment
        assert "rate" not in row and "amount" not in row
    assert "20.00" not in saved.content.decode()

    facilitator = team["fac"].get(f"{base}/activities/{activity.pk}").json()
    paid = {r["name"]: r for r in facilitator["attendance"]}
    assert Decimal(paid["Ama Mensah"]["rate"]) == Decimal("20.00")
    assert Decimal(paid["Ama Mensah"]["amount"]) == Decimal("40.00")
    assert paid["Sid Staff"]["rate"] is None and paid["Sid Staff"]["amount"] is None

    observed = team["observer"].get(f"{base}/activities/{activity.pk}")
    assert observed.status_code == 200
    assert "attendance" not in observed.json()
    assert observed.json()["attendance_summary"] == "fewer than 5 people"
    assert "Ama Mensah" not in observed.content.decode()

    replaced = team["carer"].put(
        address, [{"participant_id": team["sid"].pk, "hours": 1}], content_type="application/json"
    )
    assert [r["name"] for r in replaced.json()["attendance"]] == ["Sid Staff"]
    assert Attendance.objects.filter(activity=activity).count() == 1


def test_attendance_refusals_name_the_person_and_row_and_save_nothing(
    team: dict[str, Any],
) -> None:
    activity = make_activity(team)
    address = f"{team['base']}/activities/{activity.pk}/attendance"
    team["sid"].consents.update(withdrawn_on=LONG_AGO)
    ama, sid = team["ama"].pk, team["sid"].pk

    withdrawn = team["carer"].put(
        address,
        [{"participant_id": ama}, {"participant_id": sid}],
        content_type="application/json",
    )
    assert withdrawn.status_code == 400
    body = withdrawn.json()
    assert body["detail"].startswith("Sid Staff withdrew consent to take part")
    assert body["field"] == "attendance"
    assert body["participant_id"] == sid and body["row"] == 2

    too_long = team["carer"].put(
        address, [{"participant_id": ama, "hours": 30}], content_type="application/json"
    )
    assert too_long.status_code == 400
    assert too_long.json()["detail"].startswith("Ama Mensah: 30 hours is more than 12")
    assert too_long.json()["row"] == 1

    twice = team["carer"].put(
        address,
        [{"participant_id": ama}, {"participant_id": ama}],
        content_type="application/json",
    )
    assert twice.status_code == 400 and twice.json()["row"] == 2
    assert "listed twice" in twice.json()["detail"]

    stranger = team["carer"].put(
        address, [{"participant_id": 999_999}], content_type="application/json"
    )
    assert stranger.status_code == 400
    assert stranger.json()["participant_id"] == 999_999 and stranger.json()["row"] == 1
    assert "not a participant in this project" in stranger.json()["detail"]
    assert not Attendance.objects.exists()


# -- decisions and the influence log --------------------------------------------------------


def test_decisions_show_names_to_recorders_and_roles_to_observers(team: dict[str, Any]) -> None:
    activity = make_activity(team)
    base = team["base"]
    created = team["carer"].post(
        f"{base}/decisions",
        {
            "date": RECENTLY.isoformat(),
            "summary": "Rewrite the letter template",
            "taken_by": "The co-design group, by consensus",
            "activity_id": activity.pk,
            "present_ids": [team["ama"].pk, team["sid"].pk],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert [p["name"] for p in body["present"]] == ["Ama Mensah", "Sid Staff"]
    assert body["without_lived_experience"] is False
    team["carer"].post(
        f"{base}/decisions",
        {
            "date": RECENTLY.isoformat(),
            "summary": "Staff only",
            "taken_by": "Managers",
            "present_ids": [team["sid"].pk],
        },
        content_type="application/json",
    )

    listed = team["carer"].get(f"{base}/decisions").json()
    assert listed["count"] == 2
    flagged = {d["summary"]: d["without_lived_experience"] for d in listed["items"]}
    assert flagged == {"Rewrite the letter template": False, "Staff only": True}
    at_activity = team["carer"].get(f"{base}/decisions?activity_id={activity.pk}").json()
    assert [d["id"] for d in at_activity["items"]] == [body["id"]]

    observed = team["observer"].get(f"{base}/decisions")
    assert "Ama Mensah" not in observed.content.decode()
    for decision in observed.json()["items"]:
        assert "present" not in decision
    roles = {d["summary"]: d["present_by_role"] for d in observed.json()["items"]}
    # Roles only, never how many: observers see attendance only as "fewer than 5 people".
    assert roles == {
        "Rewrite the letter template": "Patients and members of staff",
        "Staff only": "Members of staff",
    }

    bad = team["carer"].post(
        f"{base}/decisions",
        {"date": RECENTLY.isoformat(), "summary": "s", "taken_by": "", "present_ids": []},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "taken_by"
    stranger = team["carer"].post(
        f"{base}/decisions",
        {"date": RECENTLY.isoformat(), "summary": "s", "taken_by": "t", "present_ids": [999_999]},
        content_type="application/json",
    )
    assert stranger.status_code == 400 and stranger.json()["field"] == "present"


def test_the_influence_log_and_you_said_we_did(team: dict[str, Any]) -> None:
    base, carer = team["base"], team["carer"]
    activity = make_activity(team)
    created = carer.post(
        f"{base}/contributions",
        {
            "date": LONG_AGO.isoformat(),
            "said": SAID,
            "contributor_ids": [team["ama"].pk, team["cal"].pk],
            "activity_id": activity.pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert [p["name"] for p in body["contributors"]] == ["Ama Mensah", "Cal Carer"]
    assert body["outcome"] == "pending" and body["feedback_overdue"] is True
    assert body["who"] == "A patient and a carer"
    assert body["yours"] is True  # Cal Carer is the carer partner's record
    pk = body["id"]

    observed = team["observer"].get(f"{base}/contributions")
    assert observed.status_code == 200
    text = observed.content.decode()
    assert "Ama Mensah" not in text and "Cal Carer" not in text
    item = observed.json()["items"][0]
    assert item["said"] == SAID and item["who"] == "A patient and a carer"
    assert item["where"] == "at a co-design group session" and item["yours"] is False
    for hidden in ("contributors", "activity_id", "fed_back_on", "feedback_overdue"):
        assert hidden not in item
    # Nor can observers ask for one activity's contributions: its title may name who spoke.
    one_activity = f"{base}/contributions?activity_id={activity.pk}"
    refused_filter = team["observer"].get(one_activity)
    assert refused_filter.status_code == 403
    assert refused_filter.json()["detail"] == OBSERVERS_REFUSED
    assert [c["id"] for c in carer.get(one_activity).json()["items"]] == [pk]

    no_reason = carer.post(
        f"{base}/contributions/{pk}/response",
        {"outcome": "changed"},
        content_type="application/json",
    )
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "response"
    foreign = carer.post(
        f"{base}/contributions/{pk}/response",
        {"outcome": "changed", "response": "We rewrote it", "change_idea_id": 999_999},
        content_type="application/json",
    )
    assert foreign.status_code == 400 and foreign.json()["field"] == "change_idea"
    responded = carer.post(
        f"{base}/contributions/{pk}/response",
        {"outcome": "changed", "response": "We rewrote it", "fed_back_on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert responded.status_code == 200, responded.content
    assert responded.json()["outcome_on"] == TODAY.isoformat()
    assert responded.json()["feedback_overdue"] is False
    changed = carer.get(f"{base}/contributions?outcome=changed").json()
    assert [c["id"] for c in changed["items"]] == [pk]
    assert carer.get(f"{base}/contributions?outcome=pending").json()["count"] == 0

    nobody = carer.post(
        f"{base}/contributions",
        {"date": RECENTLY.isoformat(), "said": "Something"},
        content_type="application/json",
    )
    assert nobody.status_code == 400 and nobody.json()["field"] == "contributors"
    refused = team["observer"].post(
        f"{base}/contributions/{pk}/response",
        {"outcome": "pending"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert Contribution.objects.get().outcome == "changed"


# -- the profile, who takes part and GRIPP2 -----------------------------------------------


#: Where numbers may appear in the profile: hours, counts of activities and contributions,
#: rung gaps and shares, and the fraction of people "the most active" means. Never under
#: "people" or "people_total", nor any other figure of "voices" with fewer than 5 people.
NUMBERS_ALLOWED = {
    ("hours",),
    ("activities",),
    ("planned_vs_achieved",),
    ("influence",),
    ("flags",),
    ("voices", "top_fraction"),
}


def test_the_profile_never_gives_a_count_of_people_as_a_number(team: dict[str, Any]) -> None:
    activity = make_activity(team, rung_achieved=4)
    actions_activities.record_attendance(
        activity=activity,
        rows=[
            actions_activities.AttendanceRow(participant_id=team["ama"].pk, hours="2"),
            actions_activities.AttendanceRow(participant_id=team["cal"].pk, hours="2"),
            actions_activities.AttendanceRow(participant_id=team["sid"].pk, hours="1"),
        ],
        by=team["fac_user"],
    )
    actions_activities.create_decision(
        project=team["project"],
        date=RECENTLY,
        summary="Staff only",
        taken_by="Managers",
        present=[team["sid"]],
        by=team["fac_user"],
    )
    actions_activities.create_contribution(
        project=team["project"],
        date=LONG_AGO,
        said=SAID,
        contributors=[team["ama"]],
        by=team["fac_user"],
    )
    for client in (team["observer"], team["fac"]):
        response = client.get(f"{team['base']}/profile")
        assert response.status_code == 200, response.content
        profile = response.json()
        for path, value in walk(profile):
            if isinstance(value, int | float) and not isinstance(value, bool):
                assert path[:1] in NUMBERS_ALLOWED or path in NUMBERS_ALLOWED, (path, value)
        assert {p["role"]: p["shown"] for p in profile["people"]}["patient"] == "<5"
        assert all(p["shown"] in ("<5", "[c]") for p in profile["people"])
        assert profile["people_total"] == "<5"
        assert profile["voices"]["people"] == "<5" and profile["voices"]["shown"] is False
        assert "Ama Mensah" not in response.content.decode()

    hours = profile["hours"]
    assert hours["total"] == 5.0
    consultation = next(row for row in hours["rows"] if row["rung"] == 4)
    assert consultation["values"][hours["roles"].index("patient")] == 2.0
    assert profile["activities"]["total"] == 1
    assert profile["planned_vs_achieved"]["fell_short"] == [activity.pk]
    assert profile["influence"]["total"] == 1 and profile["influence"]["pending"] == 1
    assert profile["influence"]["changed_share"]["n"] == 1
    flags = {flag["code"]: flag for flag in profile["flags"]}
    assert flags["consultation_labelled_coproduction"]["evidence"] == [activity.pk]
    assert flags["consultation_labelled_coproduction"]["evidence_kind"] == "activity"
    assert flags["decisions_without_lived_experience"]["evidence_kind"] == "decision"
    assert flags["contributions_without_feedback"]["evidence_kind"] == "contribution"
    for flag in profile["flags"]:
        assert flag["title"] and flag["explanation"] and flag["source"]


def test_who_takes_part_is_counts_only_as_text(team: dict[str, Any]) -> None:
    actions_people.record_consent(
        participant=team["ama"], purpose="equality", given_on=LAST_YEAR, by=team["fac_user"]
    )
    actions_people.record_equality(participant=team["ama"], sex="female", by=team["fac_user"])
    response = team["observer"].get(f"{team['base']}/who-takes-part")
    assert response.status_code == 200
    body = response.json()
    for path, value in walk(body):
        assert isinstance(value, str | bool), (path, value)
    roles = {cell["label"]: cell["shown"] for cell in body["roles"]["cells"]}
    assert roles["Patient"] == "<5"
    sex = next(d for d in body["dimensions"] if d["key"] == "sex")
    assert sex["answered"] == "<5"
    assert {cell["label"]: cell["shown"] for cell in sex["cells"]} == {
        "Female": "<5",
        "Male": "<5",
    }
    # No count of the people who did not answer, anywhere.
    assert "answered" not in body
    assert "Not answered" not in response.content.decode()
    assert "Ama Mensah" not in response.content.decode()


def test_the_gripp2_report_as_json_and_pdf(team: dict[str, Any]) -> None:
    activity = make_activity(team, rung_achieved=6)
    actions_activities.record_attendance(
        activity=activity,
        rows=[actions_activities.AttendanceRow(participant_id=team["ama"].pk, hours="2")],
        by=team["fac_user"],
    )
    response = team["observer"].get(f"{team['base']}/gripp2")
    assert response.status_code == 200, response.content
    report = response.json()
    assert [item["number"] for item in report["items"]] == [1, 2, 3, 4, 5]
    aim = report["items"][0]
    assert aim["key"] == "ppi_aim" and aim["blank"] is True and aim["section"] == "Aim"
    assert aim["prompt"]
    methods = report["items"][1]
    assert methods["blank"] is False and "<5" in methods["text"]
    assert report["complete"] is False
    assert "ppi_aim" in report["missing"] and "ppi_reflection" in report["missing"]
    assert report["status"].startswith("Not complete")

    pdf = team["observer"].get(f"{team['base']}/gripp2.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]


def test_a_signed_in_browser_session_reads_the_api_too(team: dict[str, Any]) -> None:
    client = Client()
    assert client.login(username="carer@example.org", password=PASSWORD)
    response = client.get(f"{team['base']}/participants")
    assert response.status_code == 200
    assert {row["name"] for row in response.json()["items"]} >= {"Ama Mensah"}


@pytest.mark.parametrize("path", ["/contributions", "/decisions", "/activities"])
def test_a_list_takes_the_same_queries_however_many_rows_it_has(
    team: dict[str, Any], path: str
) -> None:
    def add() -> None:
        activity = make_activity(team)
        actions_activities.create_decision(
            project=team["project"],
            date=RECENTLY,
            summary="Decided",
            taken_by="The group",
            present=[team["ama"], team["sid"]],
            by=team["fac_user"],
        )
        actions_activities.create_contribution(
            project=team["project"],
            date=RECENTLY,
            said=SAID,
            contributors=[team["ama"], team["cal"]],
            activity=activity,
            by=team["fac_user"],
        )

    def queries(client: Client) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(team["base"] + path)
        assert response.status_code == 200
        return len(captured)

    add()
    for name in ("fac", "carer", "observer"):
        queries(team[name])  # a token's first use is stamped on it: one more query
    one = {name: queries(team[name]) for name in ("fac", "carer", "observer")}
    add()
    add()
    assert {name: queries(team[name]) for name in ("fac", "carer", "observer")} == one


def test_the_participant_list_takes_the_same_queries_however_many_people(
    team: dict[str, Any],
) -> None:
    """The facilitators' list says whose consent to contact was withdrawn: read for the
    whole page at once, not person by person."""

    def add(n: int) -> None:
        person = add_person(team["project"], f"Person {n}", "volunteer", by=team["fac_user"])
        contact = actions_people.record_consent(
            participant=person, purpose="contact", given_on=LAST_YEAR, by=team["fac_user"]
        )
        actions_people.withdraw_consent(consent=contact, by=team["fac_user"])

    def queries(client: Client) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{team['base']}/participants")
        assert response.status_code == 200
        rows = response.json()["items"]
        if client is team["fac"]:
            withdrawn = [row["name"] for row in rows if row["contact_withdrawn"]]
            assert withdrawn == [row["name"] for row in rows if row["name"].startswith("Person")]
        return len(captured)

    add(0)
    for name in ("fac", "carer"):
        queries(team[name])  # a token's first use is stamped on it: one more query
    one = {name: queries(team[name]) for name in ("fac", "carer")}
    add(1)
    add(2)
    assert {name: queries(team[name]) for name in ("fac", "carer")} == one

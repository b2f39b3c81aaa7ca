"""Driver diagrams: pages, actions, versions and the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coproduce.improvement import drivers as core_drivers
from coproduce.web.accounts import actions as account_actions
from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.improvement import actions, selectors
from coproduce.web.improvement.models import DiagramVersion, Driver, DriverDiagram, DriverLink
from coproduce.web.measures.models import Measure
from coproduce.web.projects.models import Project, Role
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db

SECRET = "Mrs Jones said the letters never arrive"
NEXT_YEAR = timezone.localdate() + timedelta(days=365)


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def api_client(user: User) -> Client:
    _, raw = account_actions.create_access_token(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def make_measure(project: Project, title: str = "Booking errors") -> Measure:
    return Measure.objects.create(
        project=project,
        title=title,
        kind="process",
        data_type="measurement",
        chart="i",
        direction="decrease",
    )


@pytest.fixture
def team() -> dict[str, Any]:
    fac = make_user("fac@example.org", "Fay Facilitator")
    patient = make_user("pat@example.org", "Pat Partner")
    observer = make_user("obs@example.org", "Olu Observer")
    project = make_project(fac)
    join(project, patient, Role.PATIENT_PARTNER, by=fac)
    join(project, observer, Role.OBSERVER, by=fac)
    diagram = actions.create_diagram(project=project, title="Our theory", by=patient)
    return {
        "fac": fac,
        "patient": patient,
        "observer": observer,
        "project": project,
        "diagram": diagram,
    }


def build(team: dict[str, Any]) -> dict[str, Any]:
    by = team["patient"]
    diagram = team["diagram"]
    p1 = actions.add_driver(diagram=diagram, level="primary", text="Reliable booking", by=by)
    p2 = actions.add_driver(diagram=diagram, level="primary", text="Families understand", by=by)
    s1 = actions.add_driver(diagram=diagram, level="secondary", text="Reminders", by=by)
    idea = actions.create_change_idea(project=team["project"], title="Text reminders", by=by)
    l1 = actions.link(diagram=diagram, from_driver=p1, to_driver=s1, by=by)
    l2 = actions.link(diagram=diagram, from_driver=p2, to_driver=s1, strength="weak", by=by)
    l3 = actions.link(diagram=diagram, from_driver=s1, to_idea=idea, by=by)
    return {"p1": p1, "p2": p2, "s1": s1, "idea": idea, "l1": l1, "l2": l2, "l3": l3}


def url(name: str, team: dict[str, Any], *args: int) -> str:
    return reverse(f"improvement:{name}", args=[team["project"].pk, team["diagram"].pk, *args])


# -- actions and versions ----------------------------------------------------------------


def test_every_edit_makes_a_version_saying_what_changed(team: dict[str, Any]) -> None:
    nodes = build(team)
    diagram = team["diagram"]
    versions = list(selectors.versions_of(diagram).order_by("number"))
    assert [v.number for v in versions] == list(range(1, 8))
    assert versions[0].description == "Started the diagram"
    assert versions[1].description == "Added primary driver “Reliable booking”"
    assert versions[-1].description == (
        "Added change idea “Text reminders”; Linked “Reminders” to “Text reminders” (strong)"
    )
    actions.set_link_strength(driver_link=nodes["l1"], strength="weak", by=team["patient"])
    latest = selectors.latest_version(diagram)
    assert latest is not None and latest.number == 8
    assert "weak (was strong)" in latest.description
    # An edit that changes nothing makes no version.
    actions.update_driver(driver=nodes["p1"], text="Reliable booking", by=team["patient"])
    assert selectors.latest_version(diagram).number == 8  # type: ignore[union-attr]
    # Any past version can be read back as the same diagram.
    third = selectors.version_diagram(selectors.version_in(diagram=diagram, number=3))
    assert [n.text for n in third.primary] == ["Reliable booking", "Families understand"]
    assert third.secondary == () and third.links == ()


def test_linking_twice_sets_the_strength_and_links_must_follow_the_levels(
    team: dict[str, Any],
) -> None:
    nodes = build(team)
    by, diagram = team["patient"], team["diagram"]
    again = actions.link(
        diagram=diagram, from_driver=nodes["p1"], to_driver=nodes["s1"], strength="weak", by=by
    )
    assert again.pk == nodes["l1"].pk and again.strength == "weak"
    assert DriverLink.objects.count() == 3
    with pytest.raises(ActionError):
        actions.link(diagram=diagram, from_driver=nodes["s1"], to_driver=nodes["p1"], by=by)
    with pytest.raises(ActionError):
        actions.link(diagram=diagram, from_driver=nodes["p1"], to_idea=nodes["idea"], by=by)
    with pytest.raises(ActionError):
        actions.link(diagram=diagram, from_driver=nodes["p1"], by=by)
    with pytest.raises(ActionError):
        actions.link(
            diagram=diagram, from_driver=nodes["p1"], to_driver=nodes["s1"], strength="x", by=by
        )
    other = make_project(make_user("x@example.org"), title="Elsewhere")
    with pytest.raises(ActionError) as refusal:
        actions.add_driver(
            diagram=diagram, level="primary", text="t", measure=make_measure(other), by=by
        )
    assert refusal.value.field == "measure"


def test_a_secondary_driver_serves_many_primaries_and_an_idea_many_secondaries(
    team: dict[str, Any],
) -> None:
    nodes = build(team)
    by, diagram = team["patient"], team["diagram"]
    s2 = actions.add_driver(diagram=diagram, level="secondary", text="Clear letters", by=by)
    actions.link(diagram=diagram, from_driver=s2, to_idea=nodes["idea"], by=by)
    outline = selectors.core_diagram(diagram)
    assert len(outline.links_to(f"driver:{nodes['s1'].pk}")) == 2
    assert len(outline.links_to(f"idea:{nodes['idea'].pk}")) == 2


def test_observers_cannot_edit_and_only_facilitators_delete(team: dict[str, Any]) -> None:
    nodes = build(team)
    with pytest.raises(NotAllowed):
        actions.add_driver(diagram=team["diagram"], level="primary", text="x", by=team["observer"])
    with pytest.raises(NotAllowed):
        actions.delete_driver(driver=nodes["p1"], by=team["patient"])
    with pytest.raises(NotAllowed):
        actions.delete_diagram(diagram=team["diagram"], by=team["patient"])
    actions.unlink(driver_link=nodes["l2"], by=team["patient"])  # editors may unlink
    actions.delete_driver(driver=nodes["s1"], by=team["fac"])
    assert not DriverLink.objects.filter(to_driver_id=nodes["s1"].pk).exists()
    latest = selectors.latest_version(team["diagram"])
    assert latest is not None
    assert "Removed secondary driver “Reminders”" in latest.description


def test_audit_summaries_never_contain_typed_text(team: dict[str, Any]) -> None:
    by, diagram = team["patient"], team["diagram"]
    measure = make_measure(team["project"])
    driver = actions.add_driver(diagram=diagram, level="primary", text=SECRET, by=by)
    actions.update_driver(driver=driver, text=SECRET + "!", measure=measure, by=by)
    actions.update_diagram(diagram=diagram, title=SECRET, by=by)
    second = actions.add_driver(diagram=diagram, level="primary", text="Second", by=by)
    actions.move_driver(driver=second, direction="up", by=by)
    secondary = actions.add_driver(diagram=diagram, level="secondary", text="S", by=by)
    idea = actions.create_change_idea(project=team["project"], title="Idea", by=by)
    actions.link(diagram=diagram, from_driver=secondary, to_idea=idea, by=by)
    actions.update_change_idea(change_idea=idea, title=SECRET, by=by)
    # The versions carry the words (members read them); the audit log does not.
    assert SECRET in latest(diagram).description
    for event in AuditEvent.objects.all():
        assert "Mrs Jones" not in event.summary
        assert "Mrs Jones" not in str(event.data)
    actions_logged = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "driver_diagram.created",
        "driver.created",
        "driver.updated",
        "driver.moved",
        "change_idea.updated",
    } <= actions_logged


# -- pages -------------------------------------------------------------------------------


def test_the_diagram_page_draws_an_svg_with_a_nested_list(team: dict[str, Any]) -> None:
    build(team)
    client = signed_in(team["observer"])
    page = client.get(url("diagram", team)).content.decode()
    assert 'role="img"' in page and "<desc id=" in page
    assert 'stroke-dasharray="6 4"' in page
    assert "<strong>Primary driver:</strong> Reliable booking" in page
    assert "(weak link)" in page
    assert "Text reminders" in page
    # Observers see no edit links.
    assert "Add a primary driver" not in page
    overview = client.get(reverse("improvement:overview", args=[team["project"].pk]))
    assert url("diagram", team) in overview.content.decode()


def test_a_patient_adds_drivers_links_and_a_measure_through_the_pages(
    team: dict[str, Any],
) -> None:
    client = signed_in(team["patient"])
    measure = make_measure(team["project"])
    response = client.post(url("driver_create", team) + "?level=primary", {"text": "Booking"})
    assert response.status_code == 302
    response = client.post(
        url("driver_create", team) + "?level=secondary",
        {"text": "Reminders", "measure": measure.pk},
    )
    assert response.status_code == 302
    primary = Driver.objects.get(level="primary")
    secondary = Driver.objects.get(level="secondary")
    assert secondary.measure == measure
    response = client.post(
        url("driver_links", team, primary.pk), {"target": secondary.pk, "strength": "weak"}
    )
    assert response.status_code == 302
    link = DriverLink.objects.get()
    assert link.strength == "weak"
    client.post(url("link_strength", team, link.pk), {"strength": "strong"})
    link.refresh_from_db()
    assert link.strength == "strong"
    idea = actions.create_change_idea(project=team["project"], title="Texts", by=team["patient"])
    client.post(url("driver_links", team, secondary.pk), {"target": idea.pk, "strength": "strong"})
    assert DriverLink.objects.filter(to_idea=idea).exists()
    page = client.get(url("driver_links", team, secondary.pk)).content.decode()
    assert "Booking" in page and "Texts" in page
    # A blank driver is refused with the reason.
    response = client.post(url("driver_create", team) + "?level=primary", {"text": ""})
    assert "Say what the driver is" in response.content.decode()
    assert client.get(url("driver_create", team) + "?level=tertiary").status_code == 404
    # Unlinking asks first.
    assert client.get(url("link_delete", team, link.pk)).status_code == 200
    assert client.post(url("link_delete", team, link.pk)).status_code == 302
    assert not DriverLink.objects.filter(pk=link.pk).exists()


def test_creating_and_editing_a_diagram(team: dict[str, Any]) -> None:
    client = signed_in(team["patient"])
    project = team["project"]
    response = client.post(reverse("improvement:diagram_create", args=[project.pk]), {"title": ""})
    assert "Enter a title for the driver diagram" in response.content.decode()
    response = client.post(
        reverse("improvement:diagram_create", args=[project.pk]), {"title": "Second"}
    )
    assert response.status_code == 302
    second = DriverDiagram.objects.get(title="Second")
    response = client.post(
        reverse("improvement:diagram_edit", args=[project.pk, second.pk]), {"title": "Renamed"}
    )
    assert response.status_code == 302
    assert DiagramVersion.objects.filter(diagram=second).count() == 2


def test_history_lists_versions_and_compares_them(team: dict[str, Any]) -> None:
    build(team)
    client = signed_in(team["observer"])
    page = client.get(url("diagram_history", team)).content.decode()
    assert "Version 7" in page and "Started the diagram" in page
    compared = client.get(url("diagram_history", team) + "?from=1&to=7").content.decode()
    assert "From version 1 to version 7" in compared
    assert "Added secondary driver “Reminders”" in compared
    assert client.get(url("diagram_history", team) + "?from=x&to=99").status_code == 200
    version = client.get(url("diagram_version", team, 4)).content.decode()
    assert "Added secondary driver “Reminders”" in version
    assert 'id="driver-diagram-v4-title"' in version
    assert client.get(url("diagram_version", team, 99)).status_code == 404


def test_permissions_on_pages(team: dict[str, Any]) -> None:
    nodes = build(team)
    observer, patient, fac = (signed_in(team[k]) for k in ("observer", "patient", "fac"))
    outsider = signed_in(make_user("out@example.org"))
    assert outsider.get(url("diagram", team)).status_code == 404
    assert outsider.get(url("diagram_history", team)).status_code == 404
    assert observer.get(url("driver_create", team)).status_code == 403
    assert observer.get(url("driver_edit", team, nodes["p1"].pk)).status_code == 403
    assert (
        observer.post(url("driver_links", team, nodes["p1"].pk), {"target": nodes["s1"].pk})
    ).status_code == 403
    assert patient.get(url("driver_delete", team, nodes["p1"].pk)).status_code == 403
    assert patient.get(url("diagram_delete", team)).status_code == 403
    assert fac.get(url("driver_delete", team, nodes["p1"].pk)).status_code == 200
    assert fac.post(url("driver_delete", team, nodes["p1"].pk)).status_code == 302
    assert fac.post(url("diagram_delete", team)).status_code == 302
    assert not DriverDiagram.objects.exists()
    # Another project's diagram is 404 under this project.
    other = make_project(team["fac"], title="Elsewhere", organisation=team["project"].organisation)
    foreign = actions.create_diagram(project=other, title="Theirs", by=team["fac"])
    assert (
        fac.get(reverse("improvement:diagram", args=[team["project"].pk, foreign.pk])).status_code
        == 404
    )


# -- API ---------------------------------------------------------------------------------


def test_api_reads_the_diagram_and_its_versions(team: dict[str, Any]) -> None:
    nodes = build(team)
    base = f"/api/v1/projects/{team['project'].pk}"
    observer = api_client(team["observer"])
    listing = observer.get(f"{base}/driver-diagrams").json()
    assert [d["id"] for d in listing] == [team["diagram"].pk]
    body = observer.get(f"{base}/driver-diagrams/{team['diagram'].pk}").json()
    assert body["current_version"] == 7
    assert {d["text"] for d in body["drivers"]} == {
        "Reliable booking",
        "Families understand",
        "Reminders",
    }
    assert {(link["to_change_idea_id"], link["strength"]) for link in body["links"]} >= {
        (nodes["idea"].pk, "strong")
    }
    versions = observer.get(f"{base}/driver-diagrams/{team['diagram'].pk}/versions").json()
    assert [v["number"] for v in versions] == [7, 6, 5, 4, 3, 2, 1]
    one = observer.get(f"{base}/driver-diagrams/{team['diagram'].pk}/versions/1").json()
    assert one["snapshot"]["primary"] == []
    outsider = api_client(make_user("out@example.org"))
    assert outsider.get(f"{base}/driver-diagrams/{team['diagram'].pk}").status_code == 404


def test_api_writes_drivers_and_links_with_the_pages_permissions(team: dict[str, Any]) -> None:
    base = f"/api/v1/projects/{team['project'].pk}"
    diagrams = f"{base}/driver-diagrams/{team['diagram'].pk}"
    patient, observer, fac = (api_client(team[k]) for k in ("patient", "observer", "fac"))
    measure = make_measure(team["project"])

    created = patient.post(
        f"{diagrams}/drivers",
        {"level": "primary", "text": "Booking", "measure_id": measure.pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    primary = created.json()["id"]
    secondary = patient.post(
        f"{diagrams}/drivers",
        {"level": "secondary", "text": "Reminders"},
        content_type="application/json",
    ).json()["id"]
    refused = observer.post(
        f"{diagrams}/drivers", {"level": "primary", "text": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403

    patched = patient.patch(
        f"{base}/drivers/{secondary}",
        {"text": "Reminders that reach people", "measure_id": measure.pk},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["measure_id"] == measure.pk

    link = patient.post(
        f"{diagrams}/links",
        {"from_driver_id": primary, "to_driver_id": secondary, "strength": "weak"},
        content_type="application/json",
    )
    assert link.status_code == 201, link.content
    link_id = link.json()["id"]
    bad = patient.post(
        f"{diagrams}/links",
        {"from_driver_id": secondary, "to_driver_id": primary},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "target"
    strong = patient.patch(
        f"{base}/driver-links/{link_id}", {"strength": "strong"}, content_type="application/json"
    )
    assert strong.json()["strength"] == "strong"
    assert patient.delete(f"{base}/driver-links/{link_id}").status_code == 204

    assert patient.delete(f"{base}/drivers/{primary}").status_code == 403
    assert fac.delete(f"{base}/drivers/{primary}").status_code == 204
    assert observer.get(f"{diagrams}/versions").json()[0]["description"].startswith("Removed")

    new = patient.post(
        f"{base}/driver-diagrams", {"title": "Another"}, content_type="application/json"
    )
    assert new.status_code == 201 and new.json()["current_version"] == 1
    renamed = patient.patch(
        f"{base}/driver-diagrams/{new.json()['id']}",
        {"title": "Renamed"},
        content_type="application/json",
    )
    assert renamed.json()["title"] == "Renamed"
    assert fac.delete(f"{base}/driver-diagrams/{new.json()['id']}").status_code == 204


# -- the aim and change ideas the diagram shows ------------------------------------------


def make_aim(team: dict[str, Any]) -> Any:
    return actions.create_aim(
        project=team["project"],
        what="missed appointments",
        for_whom="families",
        baseline=18,
        target=9,
        unit="%",
        direction="decrease",
        deadline=NEXT_YEAR,
        by=team["fac"],
    )


def aim_values(aim: Any, **changes: Any) -> dict[str, Any]:
    values = {
        name: getattr(aim, name)
        for name in ("what", "for_whom", "baseline", "target", "unit", "direction", "deadline")
    }
    return {**values, **changes}


def latest(diagram: DriverDiagram) -> DiagramVersion:
    version = selectors.latest_version(diagram)
    assert version is not None
    return version


def test_editing_the_aim_a_diagram_shows_makes_a_new_version(team: dict[str, Any]) -> None:
    diagram, by = team["diagram"], team["patient"]
    aim = make_aim(team)
    actions.update_diagram(diagram=diagram, title=diagram.title, aim=aim, by=by)
    before = latest(diagram).number
    other = actions.create_diagram(project=team["project"], title="No aim", by=by)

    actions.update_aim(aim=aim, by=by, **aim_values(aim, target=6))

    version = latest(diagram)
    assert version.number == before + 1
    assert version.description.startswith("Changed the aim to “Reduce missed appointments")
    assert "from 18% to 6%" in version.description
    assert version.created_by == by
    assert selectors.version_diagram(version).aim == selectors.aim_statement(aim)
    assert latest(other).number == 1  # a diagram without this aim is untouched
    event = AuditEvent.objects.filter(action="aim.updated").latest("pk")
    assert event.data["diagram_versions"] == {str(diagram.pk): version.number}

    # Saving the aim unchanged draws nothing new.
    actions.update_aim(aim=aim, by=by, **aim_values(aim))
    assert latest(diagram).number == version.number

    # Deleting the aim leaves the diagram without one, and says so in its history.
    actions.delete_aim(aim=aim, by=team["fac"])
    diagram.refresh_from_db()
    assert diagram.aim is None
    assert latest(diagram).description == "Changed the aim to “none”"


def test_editing_or_deleting_a_change_idea_the_diagram_links_to_makes_a_new_version(
    team: dict[str, Any],
) -> None:
    nodes = build(team)
    diagram, by = team["diagram"], team["patient"]
    before = latest(diagram).number
    unlinked = actions.create_change_idea(project=team["project"], title="Not drawn", by=by)

    actions.update_change_idea(change_idea=nodes["idea"], title="Texts that rebook", by=by)
    version = latest(diagram)
    assert version.number == before + 1
    assert version.description == "Renamed change idea “Text reminders” to “Texts that rebook”"

    # The description is not drawn, and an idea the diagram does not link to is not shown.
    actions.update_change_idea(
        change_idea=nodes["idea"], title="Texts that rebook", description="Longer", by=by
    )
    actions.update_change_idea(change_idea=unlinked, title="Still not drawn", by=by)
    assert latest(diagram).number == version.number

    # Through the page, as people do it; the history shows the change.
    client = signed_in(team["patient"])
    response = client.post(
        reverse("improvement:idea_edit", args=[team["project"].pk, nodes["idea"].pk]),
        {"title": "Reminder texts", "description": "Longer"},
    )
    assert response.status_code == 302
    history = client.get(url("diagram_history", team)).content.decode()
    assert "Renamed change idea “Texts that rebook” to “Reminder texts”" in history

    actions.delete_change_idea(change_idea=nodes["idea"], by=team["fac"])
    deleted = latest(diagram)
    assert deleted.description == (
        "Removed change idea “Reminder texts”; Unlinked “Reminders” to “Reminder texts”"
    )
    assert AuditEvent.objects.filter(action="change_idea.deleted").get().data[
        "diagram_versions"
    ] == {str(diagram.pk): deleted.number}
    # The past version still draws the idea.
    past = selectors.version_diagram(selectors.version_in(diagram=diagram, number=before))
    assert [n.text for n in past.ideas] == ["Text reminders"]


# -- moving drivers up and down ----------------------------------------------------------


def order(diagram: DriverDiagram, level: str) -> list[str]:
    return [d.text for d in selectors.drivers_of(diagram, level)]


def test_moving_drivers_up_and_down_is_versioned_and_audited(team: dict[str, Any]) -> None:
    nodes = build(team)
    diagram, by = team["diagram"], team["patient"]
    before = latest(diagram).number

    moved = actions.move_driver(driver=nodes["p2"], direction="up", by=by)

    assert order(diagram, "primary") == ["Families understand", "Reliable booking"]
    assert moved.position == 1
    version = latest(diagram)
    assert version.number == before + 1
    assert (
        version.description == "Moved primary driver “Families understand” above “Reliable booking”"
    )
    assert [n.text for n in selectors.version_diagram(version).primary] == [
        "Families understand",
        "Reliable booking",
    ]
    event = AuditEvent.objects.get(action="driver.moved")
    assert event.summary == f"Moved primary driver {nodes['p2'].pk} up in diagram {diagram.pk}"
    assert event.data["version"] == version.number and event.actor == by

    # Already first: refused, and nothing is written.
    with pytest.raises(ActionError) as refusal:
        actions.move_driver(driver=nodes["p2"], direction="up", by=by)
    assert refusal.value.message == "This driver is already first"
    with pytest.raises(ActionError):
        actions.move_driver(driver=nodes["p2"], direction="sideways", by=by)
    assert latest(diagram).number == version.number
    assert AuditEvent.objects.filter(action="driver.moved").count() == 1

    actions.move_driver(driver=nodes["p2"], direction="down", by=by)
    assert order(diagram, "primary") == ["Reliable booking", "Families understand"]
    with pytest.raises(NotAllowed):
        actions.move_driver(driver=nodes["p1"], direction="down", by=team["observer"])


def test_a_secondary_driver_moves_only_among_those_drawn_under_the_same_primary(
    team: dict[str, Any],
) -> None:
    nodes = build(team)
    diagram, by = team["diagram"], team["patient"]
    # Under "Reliable booking": Reminders, then Clear letters. Under "Families understand"
    # only: Leaflets, made between the two so its position lies between theirs.
    leaflets = actions.add_driver(diagram=diagram, level="secondary", text="Leaflets", by=by)
    letters = actions.add_driver(diagram=diagram, level="secondary", text="Clear letters", by=by)
    actions.link(diagram=diagram, from_driver=nodes["p2"], to_driver=leaflets, by=by)
    actions.link(diagram=diagram, from_driver=nodes["p1"], to_driver=letters, by=by)
    primary, secondary = selectors.driver_rows(diagram, selectors.core_diagram(diagram))
    assert [(r.driver.text, r.drawn_under, r.can_move_up, r.can_move_down) for r in secondary] == [
        ("Reminders", "Reliable booking", False, True),
        ("Clear letters", "Reliable booking", True, False),
        ("Leaflets", "Families understand", False, False),
    ]
    assert [(r.can_move_up, r.can_move_down) for r in primary] == [(False, True), (True, False)]

    actions.move_driver(driver=letters, direction="up", by=by)

    assert order(diagram, "secondary") == ["Clear letters", "Leaflets", "Reminders"]
    outline = core_drivers.to_outline(selectors.core_diagram(diagram))
    assert [c.text for c in outline.aim.children[0].children] == ["Clear letters", "Reminders"]
    assert latest(diagram).description == (
        "Moved secondary driver “Clear letters” above “Reminders”"
    )
    assert list(selectors.drivers_of(diagram, "secondary").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]
    with pytest.raises(ActionError):
        actions.move_driver(driver=leaflets, direction="up", by=by)


def test_the_move_buttons_are_plain_forms_for_editors(team: dict[str, Any]) -> None:
    nodes = build(team)
    move_p2 = url("driver_move", team, nodes["p2"].pk)
    patient = signed_in(team["patient"])
    page = patient.get(url("diagram", team)).content.decode()
    assert f'action="{move_p2}"' in page
    assert 'Move up<span class="nhsuk-u-visually-hidden"> Families understand</span>' in page
    assert 'Move up<span class="nhsuk-u-visually-hidden"> Reliable booking</span>' not in page
    assert "Not linked yet" not in page and "Drawn under" in page

    response = patient.post(move_p2, {"direction": "up"})
    assert response.status_code == 302
    assert response.url == url("diagram", team) + f"#driver-{nodes['p2'].pk}"
    assert order(team["diagram"], "primary") == ["Families understand", "Reliable booking"]
    page = patient.get(response.url).content.decode()
    assert "Driver moved up." in page
    assert page.index('<td class="nhsuk-table__cell">Families understand') < page.index(
        '<td class="nhsuk-table__cell">Reliable booking'
    )
    refused = patient.post(move_p2, {"direction": "up"}, follow=True).content.decode()
    assert "This driver is already first" in refused

    assert patient.get(move_p2).status_code == 405
    observer = signed_in(team["observer"])
    assert observer.post(move_p2, {"direction": "down"}).status_code == 403
    assert "Move down" not in observer.get(url("diagram", team)).content.decode()
    assert signed_in(make_user("out@example.org")).post(move_p2).status_code == 404
    assert order(team["diagram"], "primary") == ["Families understand", "Reliable booking"]


def test_api_moves_a_driver(team: dict[str, Any]) -> None:
    nodes = build(team)
    base = f"/api/v1/projects/{team['project'].pk}"
    move_p1 = f"{base}/drivers/{nodes['p1'].pk}/move"
    patient = api_client(team["patient"])
    moved = patient.post(move_p1, {"direction": "down"}, content_type="application/json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["position"] == 2
    again = patient.post(move_p1, {"direction": "down"}, content_type="application/json")
    assert again.status_code == 400
    assert again.json() == {"detail": "This driver is already last", "field": "direction"}
    bad = patient.post(move_p1, {"direction": "left"}, content_type="application/json")
    assert bad.status_code == 422
    observer = api_client(team["observer"])
    assert (
        observer.post(move_p1, {"direction": "up"}, content_type="application/json").status_code
        == 403
    )
    outsider = api_client(make_user("out@example.org"))
    assert (
        outsider.post(move_p1, {"direction": "up"}, content_type="application/json").status_code
        == 404
    )
    assert order(team["diagram"], "primary") == ["Families understand", "Reliable booking"]


# -- permissions on every page, empty text in the API, queries on lists -------------------


def test_outsiders_get_404_and_observers_403_on_every_diagram_page(team: dict[str, Any]) -> None:
    nodes = build(team)
    pages = [
        ("diagram", ()),
        ("diagram_history", ()),
        ("diagram_version", (1,)),
        ("driver_links", (nodes["p1"].pk,)),
    ]
    writes = [
        ("diagram_edit", ()),
        ("driver_create", ()),
        ("driver_edit", (nodes["p1"].pk,)),
        ("link_delete", (nodes["l1"].pk,)),
    ]
    facilitator_only = [
        ("diagram_delete", ()),
        ("driver_delete", (nodes["p1"].pk,)),
    ]
    posts = [("link_strength", (nodes["l1"].pk,)), ("driver_move", (nodes["p1"].pk,))]
    outsider = signed_in(make_user("out@example.org"))
    observer, patient = signed_in(team["observer"]), signed_in(team["patient"])
    for name, args in pages + writes + facilitator_only:
        assert outsider.get(url(name, team, *args)).status_code == 404, name
    for name, args in posts:
        assert outsider.post(url(name, team, *args)).status_code == 404, name
    assert (
        outsider.get(reverse("improvement:diagram_create", args=[team["project"].pk])).status_code
        == 404
    )
    for name, args in pages:
        assert observer.get(url(name, team, *args)).status_code == 200, name
    for name, args in writes + facilitator_only:
        assert observer.get(url(name, team, *args)).status_code == 403, name
    for name, args in posts:
        assert observer.post(url(name, team, *args)).status_code == 403, name
    for name, args in facilitator_only:
        assert patient.get(url(name, team, *args)).status_code == 403, name
    assert DriverLink.objects.count() == 3 and Driver.objects.count() == 3


def test_api_refuses_a_blank_driver_or_title_rather_than_ignoring_it(
    team: dict[str, Any],
) -> None:
    nodes = build(team)
    base = f"/api/v1/projects/{team['project'].pk}"
    patient = api_client(team["patient"])
    blank = patient.patch(
        f"{base}/drivers/{nodes['p1'].pk}", {"text": " "}, content_type="application/json"
    )
    assert blank.status_code == 400 and blank.json()["field"] == "text"
    untitled = patient.patch(
        f"{base}/driver-diagrams/{team['diagram'].pk}",
        {"title": ""},
        content_type="application/json",
    )
    assert untitled.status_code == 400 and untitled.json()["field"] == "title"
    kept = patient.patch(
        f"{base}/drivers/{nodes['p1'].pk}", {"text": None}, content_type="application/json"
    )
    assert kept.status_code == 200 and kept.json()["text"] == "Reliable booking"


def test_listing_diagrams_takes_the_same_queries_however_many_there_are(
    team: dict[str, Any],
) -> None:
    base = f"/api/v1/projects/{team['project'].pk}/driver-diagrams"
    observer = api_client(team["observer"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = observer.get(base)
        assert response.status_code == 200
        return len(captured)

    queries()  # the token's first use is recorded once
    one = queries()
    for n in range(3):
        actions.create_diagram(project=team["project"], title=f"Diagram {n}", by=team["patient"])
    assert queries() == one
    listed = observer.get(base).json()
    assert [d["current_version"] for d in listed] == [1, 1, 1, 1]

"""Driver diagrams: pages, actions, versions and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

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
    for event in AuditEvent.objects.all():
        assert "Mrs Jones" not in event.summary
        assert "Mrs Jones" not in str(event.data)
    actions_logged = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"driver_diagram.created", "driver.created", "driver.updated"} <= actions_logged


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

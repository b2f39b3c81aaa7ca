"""Decisions for co-design groups in the web app: creating, responding (with and without an
account), closing, results per constituency and overall, consent rules, recording the outcome
into the influence log, the API, and permissions."""

from __future__ import annotations

import datetime
import json
import secrets
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.decide import actions, selectors
from coproduce.web.decide.models import GroupDecision, Response
from coproduce.web.decide.registry import open_decisions
from coproduce.web.ebcd import actions as ebcd_actions
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.improvement import actions as improvement_actions
from coproduce.web.improvement.models import ChangeIdea
from coproduce.web.participation import actions_people as people_actions
from coproduce.web.participation.models import ConsentPurpose, Contribution, Outcome
from coproduce.web.participation.models import Decision as InfluenceDecision
from coproduce.web.projects.models import Project, Role
from coproduce.web.takepart import actions as takepart_actions
from coproduce.web.takepart.cookies import cookie_name, hash_key
from coproduce.web.takepart.models import JoinedVia, Voter
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db

REASON = "The leaflet would not reach people who do not read English."


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def voter_client(project: Project, constituency: str) -> tuple[Voter, Client]:
    """A person without an account, recognised by the voter cookie (as takepart sets it)."""
    raw = secrets.token_urlsafe(32)
    voter = Voter.objects.create(
        project=project,
        constituency=constituency,
        joined_via=JoinedVia.CODE,
        key_hash=hash_key(raw),
    )
    client = Client()
    client.cookies[cookie_name(project.pk)] = raw
    return voter, client


def seat(project: Project, constituency: str) -> Voter:
    return Voter.objects.create(
        project=project,
        constituency=constituency,
        joined_via=JoinedVia.CODE,
        key_hash=secrets.token_hex(32),
    )


@pytest.fixture
def team() -> dict[str, Any]:
    fac = make_user("fac@example.org", "Fay Facilitator")
    staff = make_user("staff@example.org", "Sam Staff")
    observer = make_user("obs@example.org", "Olu Observer")
    outsider = make_user("out@example.org", "Otto Outsider")
    project = make_project(fac)
    join(project, staff, Role.STAFF, by=fac)
    join(project, observer, Role.OBSERVER, by=fac)
    return {
        "fac": fac,
        "staff": staff,
        "observer": observer,
        "outsider": outsider,
        "project": project,
    }


def dot_vote(team: dict[str, Any], **extra: Any) -> GroupDecision:
    return actions.create_decision(
        project=team["project"],
        question="Which should we work on first?",
        kind="dot",
        options=["Parking", "Waiting", "Information"],
        dots=3,
        by=team["fac"],
        **extra,
    )


def option_ids(decision: GroupDecision) -> dict[str, int]:
    return {o.text: o.pk for o in decision.options.all()}


# -- creating and permissions --------------------------------------------------------------


def test_facilitator_starts_a_dot_vote_for_a_co_design_group_from_the_page(team) -> None:
    ebcd = ebcd_actions.start_ebcd(project=team["project"], by=team["fac"])
    group = ebcd_actions.create_group(ebcd=ebcd, name="Waiting room", priority=None, by=team["fac"])
    client = signed_in(team["fac"])
    url = reverse("decide:create", args=[team["project"].pk])
    response = client.post(
        url,
        {
            "question": "What first?",
            "kind": "dot",
            "options": "Parking\nWaiting\n\nInformation",
            "dots": "3",
            "score_max": "5",
            "group": str(group.pk),
        },
    )
    decision = GroupDecision.objects.get()
    assert response.status_code == 302
    assert decision.group == group
    assert [o.text for o in decision.options.all()] == ["Parking", "Waiting", "Information"]
    event = AuditEvent.objects.get(action="decision_poll.created")
    assert "What first" not in event.summary


def test_too_few_options_is_refused_naming_the_field(team) -> None:
    client = signed_in(team["fac"])
    response = client.post(
        reverse("decide:create", args=[team["project"].pk]),
        {"question": "What first?", "kind": "ranked", "options": "Parking"},
    )
    assert response.status_code == 200
    assert "Give at least two options" in response.content.decode()
    assert not GroupDecision.objects.exists()


def test_outsiders_get_404_and_members_without_the_role_403(team) -> None:
    decision = dot_vote(team)
    pk = team["project"].pk
    assert signed_in(team["outsider"]).get(reverse("decide:list", args=[pk])).status_code == 404
    assert (
        signed_in(team["outsider"]).get(reverse("decide:detail", args=[pk, decision.pk]))
    ).status_code == 404
    staff = signed_in(team["staff"])
    assert staff.get(reverse("decide:detail", args=[pk, decision.pk])).status_code == 200
    assert staff.get(reverse("decide:create", args=[pk])).status_code == 403
    assert staff.post(reverse("decide:close", args=[pk, decision.pk])).status_code == 403
    assert staff.get(reverse("decide:outcome", args=[pk, decision.pk])).status_code == 403
    with pytest.raises(NotAllowed):
        actions.close_decision(decision=decision, by=team["staff"])
    # Observers see decisions but cannot respond.
    observer = signed_in(team["observer"])
    assert observer.get(reverse("decide:detail", args=[pk, decision.pk])).status_code == 200
    assert observer.get(reverse("decide:respond", args=[pk, decision.pk])).status_code == 403


def test_someone_without_a_seat_is_sent_to_join(team) -> None:
    decision = dot_vote(team)
    response = Client().get(reverse("decide:respond", args=[team["project"].pk, decision.pk]))
    assert response.status_code == 302
    assert "next=" in response["Location"]


# -- responding ----------------------------------------------------------------------------


def test_a_voter_without_an_account_places_dots_and_changes_them(team) -> None:
    decision = dot_vote(team)
    ids = option_ids(decision)
    voter, client = voter_client(team["project"], "patient")
    url = reverse("decide:respond", args=[team["project"].pk, decision.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "You have <strong>3 dots</strong>" in page.content.decode()
    response = client.post(url, {f"option-{ids['Parking']}": "2", f"option-{ids['Waiting']}": "1"})
    assert response.status_code == 302
    saved = Response.objects.get(decision=decision, voter=voter)
    assert {c.option.text: c.value for c in saved.choices.all()} == {"Parking": 2, "Waiting": 1}
    client.post(url, {f"option-{ids['Information']}": "3"})
    saved = Response.objects.get(decision=decision, voter=voter)
    assert Response.objects.filter(decision=decision).count() == 1
    assert {c.option.text: c.value for c in saved.choices.all()} == {"Information": 3}
    assert "Change my response" in client.get(url).content.decode()


def test_the_dot_budget_is_enforced_with_a_clear_error_and_nothing_saved(team) -> None:
    decision = dot_vote(team)
    ids = option_ids(decision)
    _, client = voter_client(team["project"], "patient")
    url = reverse("decide:respond", args=[team["project"].pk, decision.pk])
    response = client.post(url, {f"option-{ids['Parking']}": "2", f"option-{ids['Waiting']}": "2"})
    assert response.status_code == 400
    assert "You have 3 dots to place and placed 4: take 1 off" in response.content.decode()
    assert not Response.objects.exists()
    response = client.post(url, {f"option-{ids['Parking']}": "-1"})
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_after_closing_responses_are_refused(team) -> None:
    decision = dot_vote(team)
    ids = option_ids(decision)
    voter, client = voter_client(team["project"], "carer")
    url = reverse("decide:respond", args=[team["project"].pk, decision.pk])
    client.post(url, {f"option-{ids['Parking']}": "1"})
    actions.close_decision(decision=decision, by=team["fac"])
    response = client.post(url, {f"option-{ids['Waiting']}": "3"}, follow=True)
    assert "This decision has closed" in response.content.decode()
    saved = Response.objects.get(voter=voter)
    assert [c.option.text for c in saved.choices.all()] == ["Parking"]
    with pytest.raises(ActionError, match="closed"):
        actions.respond(decision=decision, voter=voter, values={ids["Waiting"]: 1})
    assert open_decisions(voter) == []


def test_open_decisions_are_listed_for_the_voter(team) -> None:
    decision = dot_vote(team)
    voter = seat(team["project"], "staff")
    [item] = open_decisions(voter)
    assert item.title == decision.question
    assert item.url == reverse("decide:respond", args=[team["project"].pk, decision.pk])
    assert item.kind == "Dot vote"


def test_a_member_responds_as_their_own_seat_with_scores(team) -> None:
    decision = actions.create_decision(
        project=team["project"],
        question="How much does each matter?",
        kind="score",
        options=["Parking", "Waiting"],
        score_max=5,
        by=team["fac"],
    )
    ids = option_ids(decision)
    client = signed_in(team["staff"])
    url = reverse("decide:respond", args=[team["project"].pk, decision.pk])
    response = client.post(url, {f"option-{ids['Parking']}": "4"})
    assert response.status_code == 400
    assert "Give Waiting a score from 0 to 5" in response.content.decode()
    client.post(url, {f"option-{ids['Parking']}": "4", f"option-{ids['Waiting']}": "5"})
    saved = Response.objects.get()
    assert saved.voter.user == team["staff"]
    assert saved.voter.constituency == "staff"


def test_ranked_choice_needs_different_ranks_and_closes_gaps(team) -> None:
    decision = actions.create_decision(
        project=team["project"],
        question="Rank these",
        kind="ranked",
        options=["A", "B", "C"],
        by=team["fac"],
    )
    ids = option_ids(decision)
    voter = seat(team["project"], "patient")
    with pytest.raises(ActionError, match="different rank") as error:
        actions.respond(decision=decision, voter=voter, values={ids["A"]: 1, ids["B"]: 1})
    assert error.value.field.startswith("option-")
    saved = actions.respond(
        decision=decision, voter=voter, values={ids["A"]: 3, ids["B"]: None, ids["C"]: 1}
    )
    assert {c.option.text: c.value for c in saved.choices.all()} == {"C": 1, "A": 2}


# -- consent -------------------------------------------------------------------------------


def consent(team: dict[str, Any]) -> GroupDecision:
    return actions.create_decision(
        project=team["project"],
        question="We print a leaflet for the waiting room",
        kind="consent",
        by=team["fac"],
    )


def test_an_objection_or_block_needs_a_reason(team) -> None:
    decision = consent(team)
    _, client = voter_client(team["project"], "patient")
    url = reverse("decide:respond", args=[team["project"].pk, decision.pk])
    response = client.post(url, {"answer": "block", "reason": " "})
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    assert not Response.objects.exists()
    voter = seat(team["project"], "staff")
    with pytest.raises(ActionError) as error:
        actions.respond(decision=decision, voter=voter, answer="objection")
    assert error.value.field == "reason"
    with pytest.raises(ActionError) as error:
        actions.respond(decision=decision, voter=voter, answer="agree")
    assert error.value.field == "answer"


def test_consent_passes_only_without_blocks_and_with_objections_resolved(team) -> None:
    decision = consent(team)
    for constituency in ["patient", "patient", "staff"]:
        actions.respond(
            decision=decision, voter=seat(team["project"], constituency), answer="consent"
        )
    objector = seat(team["project"], "carer")
    objection = actions.respond(
        decision=decision, voter=objector, answer="objection", reason=REASON
    )
    assert "1 objection still to resolve" in selectors.results(decision).headline
    # The reason is shown to the group on the page, never put in the audit log.
    assert not AuditEvent.objects.filter(summary__contains="leaflet").exists()
    assert not AuditEvent.objects.filter(data__icontains="leaflet").exists()
    client = signed_in(team["fac"])
    detail = client.get(reverse("decide:detail", args=[team["project"].pk, decision.pk]))
    assert REASON in detail.content.decode()
    client.post(
        reverse("decide:resolve", args=[team["project"].pk, decision.pk, objection.pk]),
        {"resolved": "yes"},
    )
    assert selectors.results(decision).headline.startswith("It passes")
    blocker = seat(team["project"], "staff")
    actions.respond(decision=decision, voter=blocker, answer="block", reason="Unsafe")
    assert selectors.results(decision).headline == "It does not pass: 1 block."
    # A changed objection must be resolved afresh.
    actions.respond(decision=decision, voter=objector, answer="objection", reason="Still not")
    assert not Response.objects.get(pk=objection.pk).resolved


# -- results -------------------------------------------------------------------------------


def test_results_per_constituency_hide_small_counts_and_show_raw_and_equal_weight(team) -> None:
    decision = dot_vote(team)
    ids = option_ids(decision)
    for _ in range(6):
        actions.respond(
            decision=decision, voter=seat(team["project"], "patient"), values={ids["Parking"]: 3}
        )
    for _ in range(2):
        actions.respond(
            decision=decision, voter=seat(team["project"], "staff"), values={ids["Waiting"]: 3}
        )
    found = selectors.results(decision)
    tables = {t.key: t for t in found.constituencies}
    assert set(tables) == {"patient", "carer", "staff"}
    assert tables["patient"].caption == "Patients (6 responded)"
    assert tables["patient"].rows[0] == ("Parking", "18", "3")
    assert tables["staff"].caption == "Staff (<5 responded)"
    assert all(row[1] == "<5" for row in tables["staff"].rows)
    assert "Fewer than 5" in tables["staff"].note
    assert tables["carer"].rows == ()
    assert found.raw is not None and found.equal is not None
    raw = {row[0]: row[1] for row in found.raw.rows}
    assert raw == {"Parking": "18", "Waiting": "6", "Information": "0"}
    # Equal weight: 8 ballots, 2 constituencies, each weighs 4 ballots: 12 dots each.
    equal = {row[0]: row[1] for row in found.equal.rows}
    assert equal == {"Parking": "12", "Waiting": "12", "Information": "0"}
    assert "everyone counted once" in found.raw.caption
    assert "equal weight" in found.equal.caption
    page = signed_in(team["staff"]).get(
        reverse("decide:detail", args=[team["project"].pk, decision.pk])
    )
    html = page.content.decode()
    assert "Staff (&lt;5 responded)" in html
    assert "Overall, equal weight" in html


def test_ranked_results_explain_the_runoff_rounds(team) -> None:
    decision = actions.create_decision(
        project=team["project"],
        question="Rank",
        kind="ranked",
        options=["A", "B", "C"],
        by=team["fac"],
    )
    ids = option_ids(decision)
    for ranking, n in [(["A"], 3), (["B", "A"], 2), (["C", "B"], 2)]:
        for _ in range(n):
            actions.respond(
                decision=decision,
                voter=seat(team["project"], "patient"),
                values={ids[o]: i for i, o in enumerate(ranking, 1)},
            )
    found = selectors.results(decision)
    # Round 1: A 3, B 2, C 2 -> tie B/C, no earlier round; Borda B 3+3+2+2=10? B: first x2
    # (3 each) + second x2 (2 each) = 10; C: first x2 = 6 -> C goes. Round 2: A 3, B 4 -> B.
    assert found.headline.startswith("B wins after 2 rounds")
    rounds = found.runoff_rounds[0]
    assert "Borda" in rounds.rows[0][-1]


# -- outcome -------------------------------------------------------------------------------


def test_recording_the_outcome_links_a_change_idea_and_the_influence_log(team) -> None:
    decision = dot_vote(team)
    client = signed_in(team["fac"])
    url = reverse("decide:outcome", args=[team["project"].pk, decision.pk])
    response = client.post(url, {"outcome": "Start with parking", "new_change_idea": "Parking"})
    assert response.status_code == 200
    assert "Close the decision before recording its outcome" in response.content.decode()
    actions.close_decision(decision=decision, by=team["fac"])
    response = client.post(url, {"outcome": "Start with parking", "new_change_idea": "Parking"})
    assert response.status_code == 302
    decision.refresh_from_db()
    idea = ChangeIdea.objects.get(project=team["project"], title="Parking")
    assert decision.change_idea == idea
    influence = InfluenceDecision.objects.get(project=team["project"])
    assert decision.influence == influence
    assert influence.summary == "Start with parking"
    assert influence.change_idea == idea
    assert "Dot vote in the project" in influence.taken_by
    # Recording again updates the same influence-log entry.
    other = improvement_actions.create_change_idea(
        project=team["project"], title="Signs", by=team["fac"]
    )
    client.post(url, {"outcome": "Signs first after all", "change_idea": str(other.pk)})
    assert InfluenceDecision.objects.count() == 1
    influence.refresh_from_db()
    assert influence.change_idea == other
    assert not AuditEvent.objects.filter(summary__contains="Signs first").exists()


def test_an_existing_and_a_new_change_idea_together_are_refused(team) -> None:
    decision = dot_vote(team)
    actions.close_decision(decision=decision, by=team["fac"])
    idea = improvement_actions.create_change_idea(
        project=team["project"], title="Signs", by=team["fac"]
    )
    with pytest.raises(ActionError) as error:
        actions.record_outcome(
            decision=decision, outcome="x", change_idea=idea, new_change_idea="New", by=team["fac"]
        )
    assert error.value.field == "new_change_idea"
    assert not InfluenceDecision.objects.exists()


# -- API -----------------------------------------------------------------------------------


def test_api_lists_responds_and_reports_results(team) -> None:
    decision = dot_vote(team)
    ids = option_ids(decision)
    pk = team["project"].pk
    base = f"/api/v1/projects/{pk}/decisions"
    staff = signed_in(team["staff"])
    listed = staff.get(base).json()
    assert [d["id"] for d in listed] == [decision.pk]
    assert signed_in(team["outsider"]).get(base).status_code == 404
    too_many = staff.put(
        f"{base}/{decision.pk}/response",
        json.dumps({"values": {str(ids["Parking"]): 4}}),
        content_type="application/json",
    )
    assert too_many.status_code == 400
    assert "placed 4" in too_many.json()["detail"]
    for values in ({ids["Parking"]: 2}, {ids["Waiting"]: 1}):
        ok = staff.put(
            f"{base}/{decision.pk}/response",
            json.dumps({"values": {str(k): v for k, v in values.items()}}),
            content_type="application/json",
        )
        assert ok.status_code == 200, ok.content
    assert Response.objects.count() == 1
    observer = signed_in(team["observer"]).put(
        f"{base}/{decision.pk}/response",
        json.dumps({"values": {str(ids["Parking"]): 1}}),
        content_type="application/json",
    )
    assert observer.status_code == 403
    results = staff.get(f"{base}/{decision.pk}/results").json()
    assert results["respondents"] == 1
    staff_table = next(t for t in results["constituencies"] if t["key"] == "staff")
    assert staff_table["caption"] == "Staff (<5 responded)"
    assert results["raw"]["key"] == "raw" and results["equal"]["key"] == "equal"
    created = signed_in(team["staff"]).post(
        base, json.dumps({"question": "Q", "kind": "sense"}), content_type="application/json"
    )
    assert created.status_code == 403
    created = signed_in(team["fac"]).post(
        base, json.dumps({"question": "Q", "kind": "sense"}), content_type="application/json"
    )
    assert created.status_code == 201
    assert created.json()["kind"] == "sense"


# -- "you said, we did" --------------------------------------------------------------------


def _participant(team: dict[str, Any], name: str, role: str, *, consent: bool = True) -> Any:
    person = people_actions.add_participant(
        project=team["project"], name=name, role=role, by=team["fac"]
    )
    if consent:
        people_actions.record_consent(
            participant=person,
            purpose=ConsentPurpose.TAKE_PART,
            given_on=timezone.localdate() - datetime.timedelta(days=30),
            by=team["fac"],
        )
    return person


def test_recording_the_outcome_logs_what_the_group_said_once(team) -> None:
    decision = dot_vote(team)
    ids = option_ids(decision)
    ama = _participant(team, "Ama Mensah", "patient")
    ben = _participant(team, "Ben Carer", "carer")
    withdrawn = _participant(team, "Wil Withdrawn", "patient")
    no_consent = _participant(team, "Nina Noconsent", "patient", consent=False)
    for person in (ama, ben, withdrawn, no_consent):
        voter = seat(team["project"], person.role)
        voter.participant = person
        voter.save()
        actions.respond(decision=decision, voter=voter, values={ids["Parking"]: 2})
    # Sam (staff) responds as themself; their membership is linked to a participant.
    sam = people_actions.add_participant(
        project=team["project"],
        name="Sam Staff",
        role="staff",
        membership=team["project"].memberships.get(user=team["staff"]),
        by=team["fac"],
    )
    people_actions.record_consent(
        participant=sam,
        purpose=ConsentPurpose.TAKE_PART,
        given_on=timezone.localdate() - datetime.timedelta(days=30),
        by=team["fac"],
    )
    member_seat = takepart_actions.member_seat(project=team["project"], user=team["staff"])
    assert member_seat is not None
    actions.respond(decision=decision, voter=member_seat, values={ids["Waiting"]: 3})
    for _ in range(5):  # patients without a participant record: counted, not named
        actions.respond(
            decision=decision, voter=seat(team["project"], "patient"), values={ids["Waiting"]: 1}
        )
    consent = withdrawn.consents.get()
    people_actions.withdraw_consent(
        consent=consent,
        withdrawn_on=timezone.localdate() - datetime.timedelta(days=1),
        by=team["fac"],
    )
    actions.close_decision(decision=decision, by=team["fac"])
    client = signed_in(team["fac"])
    url = reverse("decide:outcome", args=[team["project"].pk, decision.pk])
    response = client.post(
        url, {"outcome": "Start with parking", "new_change_idea": "Parking"}, follow=True
    )
    assert response.redirect_chain[-1][1] == 302
    assert "Outcome recorded and added to the influence log." in response.content.decode()
    decision.refresh_from_db()
    contribution = Contribution.objects.get(project=team["project"])
    assert decision.contribution == contribution
    assert set(contribution.contributors.all()) == {ama, ben, sam}
    assert contribution.outcome == Outcome.CHANGED
    assert contribution.response == "Start with parking"
    assert contribution.decision == decision.influence
    assert contribution.change_idea == decision.change_idea is not None
    said = contribution.said
    assert said.startswith(
        "Dot vote in the project on “Which should we work on first?”: 10 responses."
    )
    assert "Options: Parking; Waiting; Information." in said
    assert "Patients (8 responded), dots: " in said
    assert "Carers and family (<5 responded): not shown separately." in said
    assert "Staff (<5 responded): not shown separately." in said
    assert "Overall: everyone counted once (10 responded), dots: Parking 8, Waiting 8" in said
    # Recorded again: the same entry is updated, never duplicated.
    client.post(
        url,
        {
            "outcome": "Not this year",
            "change_idea": str(decision.change_idea.pk),
            "influence_outcome": "not_taken_forward",
        },
    )
    assert Contribution.objects.count() == 1
    contribution.refresh_from_db()
    assert contribution.outcome == Outcome.NOT_TAKEN_FORWARD
    assert contribution.response == "Not this year"
    # The results page says so and links to "You said, we did".
    page = signed_in(team["staff"]).get(
        reverse("decide:detail", args=[team["project"].pk, decision.pk])
    )
    html = page.content.decode()
    assert reverse("participation:you_said_we_did", args=[team["project"].pk]) in html
    log = signed_in(team["observer"]).get(
        reverse("participation:you_said_we_did", args=[team["project"].pk])
    )
    assert "Not this year" in log.content.decode()


def test_reasons_never_reach_the_influence_log(team) -> None:
    decision = actions.create_decision(
        project=team["project"], question="Print the leaflet?", kind="consent", by=team["fac"]
    )
    ama = _participant(team, "Ama Mensah", "patient")
    voter = seat(team["project"], "patient")
    voter.participant = ama
    voter.save()
    actions.respond(decision=decision, voter=voter, answer="block", reason=REASON)
    actions.close_decision(decision=decision, by=team["fac"])
    actions.record_outcome(
        decision=decision,
        outcome="Not printed",
        influence_outcome="not_taken_forward",
        by=team["fac"],
    )
    contribution = Contribution.objects.get()
    assert REASON not in contribution.said
    assert "It does not pass: 1 block." in contribution.said
    assert list(contribution.contributors.all()) == [ama]


def test_without_anyone_to_name_there_is_no_contribution(team) -> None:
    decision = dot_vote(team)
    ids = option_ids(decision)
    actions.respond(
        decision=decision, voter=seat(team["project"], "patient"), values={ids["Parking"]: 1}
    )
    actions.close_decision(decision=decision, by=team["fac"])
    actions.record_outcome(decision=decision, outcome="Parking", by=team["fac"])
    decision.refresh_from_db()
    assert decision.influence is not None and decision.contribution is None
    assert not Contribution.objects.exists()
    html = (
        signed_in(team["fac"])
        .get(reverse("decide:detail", args=[team["project"].pk, decision.pk]))
        .content.decode()
    )
    assert "nobody to name as contributors" in html
    with pytest.raises(ActionError) as refused:
        actions.record_outcome(
            decision=decision, outcome="Parking", influence_outcome="maybe", by=team["fac"]
        )
    assert refused.value.field == "influence_outcome"

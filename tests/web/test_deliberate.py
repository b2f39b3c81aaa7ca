"""Deliberation in the app: conversations, moderation, voting (changes, replays, closing),
permissions, results with constituency bridging, the Pol.is export and the API."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from coproduce.web.accounts import actions as account_actions
from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.deliberate import actions, selectors
from coproduce.web.deliberate.models import Conversation, Statement, StatementStatus, Vote
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.projects.models import Project, Role
from coproduce.web.takepart.cookies import cookie_name, hash_key, new_key
from coproduce.web.takepart.models import JoinedVia, Voter
from coproduce.web.takepart.registry import open_items
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db


def voter(project: Project, constituency: str = "patient") -> tuple[Voter, str]:
    raw = new_key()
    seat = Voter.objects.create(
        project=project,
        constituency=constituency,
        joined_via=JoinedVia.CODE,
        key_hash=hash_key(raw),
    )
    return seat, raw


def voter_client(project: Project, raw: str) -> Client:
    client = Client()
    client.cookies[cookie_name(project.pk)] = raw
    return client


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def world() -> dict[str, Any]:
    fac = make_user("fac@example.org")
    patient = make_user("pat@example.org")
    observer = make_user("obs@example.org")
    outsider = make_user("out@example.org")
    project = make_project(fac)
    join(project, patient, Role.PATIENT_PARTNER, by=fac)
    join(project, observer, Role.OBSERVER, by=fac)
    conversation = actions.create_conversation(project=project, by=fac, topic="Waiting room")
    s1 = actions.seed_statement(
        conversation=conversation, by=fac, text="Tell us how long the wait is."
    )
    s2 = actions.seed_statement(
        conversation=conversation, by=fac, text="Chairs should be more comfortable."
    )
    return {
        "fac": fac,
        "patient": patient,
        "observer": observer,
        "outsider": outsider,
        "project": project,
        "c": conversation,
        "s1": s1,
        "s2": s2,
    }


def url(w: dict[str, Any], name: str, *extra: Any) -> str:
    from django.urls import reverse

    return reverse(f"deliberate:{name}", args=[w["project"].pk, w["c"].pk, *extra])


# --------------------------------------------------------------------------- statements


def test_statements_are_checked_and_duplicates_refused(world: dict[str, Any]) -> None:
    c, fac = world["c"], world["fac"]
    with pytest.raises(ActionError) as empty:
        actions.seed_statement(conversation=c, by=fac, text="   ")
    assert empty.value.field == "statement"
    with pytest.raises(ActionError, match="280 characters or fewer"):
        actions.seed_statement(conversation=c, by=fac, text="x" * 281)
    with pytest.raises(ActionError, match="already in the conversation"):
        actions.seed_statement(conversation=c, by=fac, text="  tell us how LONG the wait is ")
    assert Statement.objects.filter(conversation=c).count() == 2


def test_only_facilitators_manage(world: dict[str, Any]) -> None:
    with pytest.raises(NotAllowed):
        actions.create_conversation(project=world["project"], by=world["patient"], topic="x")
    with pytest.raises(NotAllowed):
        actions.seed_statement(conversation=world["c"], by=world["patient"], text="A statement")
    assert signed_in(world["patient"]).get(url(world, "moderation")).status_code == 403
    assert signed_in(world["observer"]).get(url(world, "seed")).status_code == 403
    assert signed_in(world["outsider"]).get(url(world, "results")).status_code == 404
    assert signed_in(world["outsider"]).get(url(world, "detail")).status_code == 404
    assert signed_in(world["patient"]).get(url(world, "results")).status_code == 200
    assert signed_in(world["patient"]).get(url(world, "export", "votes")).status_code == 403


def test_moderation_queue(world: dict[str, Any]) -> None:
    seat, raw = voter(world["project"])
    client = voter_client(world["project"], raw)
    response = client.post(url(world, "suggest"), {"statement": "Put the clinic times online"})
    assert response.status_code == 302
    pending = Statement.objects.get(status=StatementStatus.PENDING)
    assert pending.author == seat
    # Not shown for voting until accepted.
    assert selectors.voter_progress(conversation=world["c"], voter=seat).total == 2
    fac = signed_in(world["fac"])
    page = fac.get(url(world, "moderation"))
    assert b"Put the clinic times online" in page.content
    fac.post(url(world, "moderate", pending.pk), {"decision": "accept"})
    pending.refresh_from_db()
    assert pending.status == StatementStatus.ACCEPTED
    assert selectors.voter_progress(conversation=world["c"], voter=seat).total == 3
    # The free text never reaches the audit log.
    assert not AuditEvent.objects.filter(summary__icontains="clinic times").exists()
    # Empty and oversized suggestions are refused with the field named.
    bad = client.post(url(world, "suggest"), {"statement": "x" * 400})
    assert bad.status_code == 400 and b"280 characters or fewer" in bad.content
    assert client.post(url(world, "suggest"), {"statement": ""}).status_code == 400


def test_no_suggestions_when_not_allowed(world: dict[str, Any]) -> None:
    c = world["c"]
    actions.update_conversation(
        conversation=c, by=world["fac"], topic=c.topic, is_open=True, participants_may_submit=False
    )
    seat, _ = voter(world["project"])
    with pytest.raises(ActionError, match="does not take statements"):
        actions.submit_statement(conversation=c, voter=seat, text="Something new here")


# --------------------------------------------------------------------------- voting


def test_voting_one_at_a_time_change_and_replay(world: dict[str, Any]) -> None:
    seat, raw = voter(world["project"])
    client = voter_client(world["project"], raw)
    page = client.get(url(world, "vote"))
    assert page.status_code == 200
    assert b"Tell us how long the wait is." in page.content
    post = {"statement": world["s1"].pk, "vote": "agree"}
    assert client.post(url(world, "vote"), post).status_code == 302
    assert client.post(url(world, "vote"), post).status_code == 302  # a replayed POST
    assert Vote.objects.filter(voter=seat).count() == 1
    page = client.get(url(world, "vote"))
    assert b"Chairs should be more comfortable." in page.content
    assert b"Your votes" in page.content
    # Change the vote: still one row.
    client.post(
        url(world, "change_vote", world["s1"].pk), {"statement": world["s1"].pk, "vote": "disagree"}
    )
    assert list(Vote.objects.filter(voter=seat).values_list("value", flat=True)) == [-1]
    # Unknown answers and statements are refused.
    assert (
        client.post(url(world, "vote"), {"statement": world["s2"].pk, "vote": "maybe"}).status_code
        == 400
    )
    assert client.post(url(world, "vote"), {"statement": 99999, "vote": "agree"}).status_code == 400


def test_votes_after_closing_are_refused(world: dict[str, Any]) -> None:
    c = world["c"]
    _seat, raw = voter(world["project"])
    actions.update_conversation(
        conversation=c, by=world["fac"], topic=c.topic, is_open=False, participants_may_submit=True
    )
    client = voter_client(world["project"], raw)
    response = client.post(url(world, "vote"), {"statement": world["s1"].pk, "vote": "agree"})
    assert response.status_code == 400
    assert b"This conversation has closed" in response.content
    assert not Vote.objects.exists()


def test_pending_statement_and_other_project_cannot_be_voted(world: dict[str, Any]) -> None:
    seat, _ = voter(world["project"])
    pending = actions.submit_statement(
        conversation=world["c"], voter=seat, text="Quiet corner please"
    )
    with pytest.raises(ActionError):
        actions.cast_vote(
            statement_id=pending.pk, conversation_id=world["c"].pk, voter=seat, value=1
        )
    other = make_project(world["fac"], title="Other", organisation=world["project"].organisation)
    stranger, _ = voter(other)
    with pytest.raises(ActionError):
        actions.cast_vote(
            statement_id=world["s1"].pk, conversation_id=world["c"].pk, voter=stranger, value=1
        )
    assert not Vote.objects.exists()


def test_no_seat_goes_to_join_page(world: dict[str, Any]) -> None:
    response = Client().get(url(world, "vote"))
    assert response.status_code == 302


def test_assisted_votes_are_audited(world: dict[str, Any]) -> None:
    seat = Voter.objects.create(
        project=world["project"],
        constituency="carer",
        joined_via=JoinedVia.ASSISTED,
        assisted_by=world["fac"],
    )
    actions.cast_vote(
        statement_id=world["s1"].pk, conversation_id=world["c"].pk, voter=seat, value=0
    )
    assert (
        AuditEvent.objects.filter(action="deliberate.vote_assisted", actor=world["fac"]).count()
        == 1
    )


def test_open_conversations_are_listed_for_voters(world: dict[str, Any]) -> None:
    seat, _ = voter(world["project"])
    items = [i for i in open_items(seat) if i.kind == "Conversation"]
    assert [i.title for i in items] == ["Waiting room"]


# --------------------------------------------------------------------------- results


def _vote_block(w: dict[str, Any]) -> None:
    """Six voters: patients and staff all agree with s1; they split on s2."""
    c = w["c"]
    for constituency, s2 in (
        ("patient", 1),
        ("patient", 1),
        ("staff", -1),
        ("staff", -1),
        ("carer", 1),
        ("carer", -1),
    ):
        seat, _ = voter(w["project"], constituency)
        actions.cast_vote(statement_id=w["s1"].pk, conversation_id=c.pk, voter=seat, value=1)
        actions.cast_vote(statement_id=w["s2"].pk, conversation_id=c.pk, voter=seat, value=s2)


def test_results_show_bridging_per_constituency_and_are_cached(world: dict[str, Any]) -> None:
    _vote_block(world)
    client = signed_in(world["patient"])
    page = client.get(url(world, "results"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Statements patients, carers and staff each endorse" in text
    assert "Patient: 2 of 2" in text and "Staff: 2 of 2" in text and "Carer: 2 of 2" in text
    analysis = Conversation.objects.get(pk=world["c"].pk).analysis
    first = analysis.computed_at
    client.get(url(world, "results"))
    analysis.refresh_from_db()
    assert analysis.computed_at == first  # no new votes: not recomputed
    seat, _ = voter(world["project"], "staff")
    actions.cast_vote(
        statement_id=world["s1"].pk, conversation_id=world["c"].pk, voter=seat, value=1
    )
    client.get(url(world, "results"))
    analysis.refresh_from_db()
    assert analysis.vote_count == 13
    doc = analysis.document
    assert doc["bridging_statements"][0] == str(world["s1"].pk)


def test_live_screen_and_panel(world: dict[str, Any]) -> None:
    _vote_block(world)
    fac = signed_in(world["fac"])
    page = fac.get(url(world, "live"))
    assert page.status_code == 200
    assert b"deliberate/live.js" in page.content and b"Refresh now" in page.content
    assert b"<script>" not in page.content
    panel = fac.get(url(world, "live_panel"))
    assert b"12</strong> votes" in panel.content
    assert signed_in(world["patient"]).get(url(world, "live")).status_code == 403


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_polis_export(world: dict[str, Any]) -> None:
    _vote_block(world)
    seat, _ = voter(world["project"])
    actions.submit_statement(conversation=world["c"], voter=seat, text="Water fountain, please")
    fac = signed_in(world["fac"])
    votes = _csv(fac.get(url(world, "export", "votes")))
    assert votes[0] == ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
    assert len(votes) == 13
    comments = _csv(fac.get(url(world, "export", "comments")))
    assert comments[0][-1] == "comment-body"
    assert [r[6] for r in comments[1:]] == ["1", "1", "0"]
    assert comments[1][4:6] == ["6", "0"]
    participants = _csv(fac.get(url(world, "export", "participant-votes")))
    assert participants[0][:6] == [
        "participant",
        "group-id",
        "n-comments",
        "n-votes",
        "n-agree",
        "n-disagree",
    ]
    assert len(participants) == 1 + 7  # six voters and the author
    assert fac.get(url(world, "export", "nonsense")).status_code == 404


# --------------------------------------------------------------------------- API


def api_client(user: User) -> Client:
    _, raw = account_actions.create_access_token(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_api_vote_with_voter_key_and_member_token(world: dict[str, Any]) -> None:
    project, c = world["project"], world["c"]
    base = f"/api/v1/projects/{project.pk}/deliberation/conversations"
    seat, raw = voter(project, "staff")
    keyed = Client(headers={"X-Voter-Key": raw})
    listed = keyed.get(f"{base}/")
    assert listed.status_code == 200 and listed.json()[0]["topic"] == "Waiting room"
    statements = keyed.get(f"{base}/{c.pk}/statements").json()
    assert next(s["text"] for s in statements) == "Tell us how long the wait is."
    body = {"statement": world["s1"].pk, "vote": 1}
    for _ in range(2):
        response = keyed.post(f"{base}/{c.pk}/votes", body, content_type="application/json")
        assert response.status_code == 200, response.content
    assert Vote.objects.filter(voter=seat).count() == 1
    bad = keyed.post(
        f"{base}/{c.pk}/votes",
        {"statement": world["s1"].pk, "vote": 2},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "vote"
    member = api_client(world["patient"])
    assert (
        member.post(f"{base}/{c.pk}/votes", body, content_type="application/json").status_code
        == 200
    )
    assert Vote.objects.count() == 2
    assert api_client(world["outsider"]).get(f"{base}/").status_code == 404
    other = make_project(world["fac"], title="Other", organisation=world["project"].organisation)
    assert keyed.get(f"/api/v1/projects/{other.pk}/deliberation/conversations/").status_code == 404
    assert Client(headers={"X-Voter-Key": "x" * 40}).get(f"{base}/").status_code == 401
    results = member.get(f"{base}/{c.pk}/results").json()
    assert set(results) == {"participants", "statements", "bridging_statements"}
    assert keyed.get(f"{base}/{c.pk}/results").status_code == 401
    actions.update_conversation(
        conversation=c, by=world["fac"], topic=c.topic, is_open=False, participants_may_submit=True
    )
    closed = keyed.post(f"{base}/{c.pk}/votes", body, content_type="application/json")
    assert closed.status_code == 400 and "closed" in closed.json()["detail"]


def test_vote_counts_do_not_join_tables_they_do_not_need(world: dict[str, Any]) -> None:
    """Vote's default ordering once followed its foreign keys' orderings into the project
    table; a grouped count kept those joins, and on PostgreSQL a 50,000-vote conversation's
    count of voters by constituency took about 40 s. Counting needs the votes and voters."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _vote_block(world)
    with CaptureQueriesContext(connection) as queries:
        counts = selectors.voters_by_constituency(conversation=world["c"])
    assert counts == {"patient": 2, "carer": 2, "staff": 2, "other": 0}
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "projects_project" not in sql
    assert "deliberate_statement" not in sql
    assert "deliberate_conversation" not in sql

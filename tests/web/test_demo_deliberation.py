"""The demo's deciding-together story: people without accounts, a conversation whose results
find opinion groups and statements every constituency endorses, a Kano survey whose
categories differ, and group decisions whose outcome is linked to a change idea; built
through the actions, loaded once, and shown to the facilitator."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.kano import Category
from coproduce.web import demo, demo_deliberation
from coproduce.web.audit.models import AuditEvent
from coproduce.web.decide import selectors as decide_selectors
from coproduce.web.decide.models import Answer, Choice, GroupDecision, Kind, Option, Response
from coproduce.web.deliberate import actions as deliberate_actions
from coproduce.web.deliberate import selectors as deliberate_selectors
from coproduce.web.deliberate.models import Conversation, Statement, StatementStatus, Vote
from coproduce.web.demo_improvement import TRIAGE
from coproduce.web.improvement.models import ChangeIdea
from coproduce.web.kanosurvey import selectors as kano_selectors
from coproduce.web.kanosurvey.models import KanoAnswerRecord, KanoAttribute, KanoSurvey
from coproduce.web.participation.models import Decision as InfluenceDecision
from coproduce.web.projects.models import Project
from coproduce.web.takepart.models import Constituency, EventCode, InvitationLink, JoinedVia, Voter

pytestmark = pytest.mark.django_db

MODELS = [
    Voter,
    InvitationLink,
    EventCode,
    Conversation,
    Statement,
    Vote,
    KanoSurvey,
    KanoAttribute,
    KanoAnswerRecord,
    GroupDecision,
    Option,
    Response,
    Choice,
    InfluenceDecision,
]


@pytest.fixture(scope="module")
def loaded(django_db_setup: object, django_db_blocker: object) -> tuple[Any, Any, Any]:
    """The demo loaded twice in one database (the second load must add nothing), the facts
    read through the apps' selectors and the facilitator's pages fetched, then rolled back."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        from django.db import transaction

        with transaction.atomic():
            first = demo.load_demo()
            counts = {model.__name__: model.objects.count() for model in MODELS}
            story = Project.objects.get(pk=first.story.pk)
            second = demo.load_demo()
            again = {model.__name__: model.objects.count() for model in MODELS}
            # The pages first: the results page works the opinion groups out itself.
            pages = _pages(story, email=second.email, password=second.password)
            facts = {**_facts(story), "pages": pages}
            transaction.set_rollback(True)
    return counts, again, facts


def _facts(story: Project) -> dict[str, Any]:
    voters = Voter.objects.filter(project=story)
    conversation = Conversation.objects.get(project=story, topic=demo_deliberation.TOPIC)
    analysis, stale = deliberate_actions.refresh_analysis(
        conversation=conversation, by=None, background=False
    )
    assert analysis is not None and not stale
    results = deliberate_selectors.results(conversation=conversation, document=analysis.document)
    survey = KanoSurvey.objects.get(project=story, title=demo_deliberation.SURVEY)
    kano = kano_selectors.results_of(survey)
    decisions = {
        d.kind: d
        for d in GroupDecision.objects.filter(
            pk__in=[d.pk for d in demo_deliberation.decisions_of(story).values()]
        ).select_related("group", "change_idea", "influence__change_idea")
    }
    return {
        "voters": {c: voters.filter(constituency=c).count() for c in Constituency.values},
        "joined_via": {j: voters.filter(joined_via=j).count() for j in JoinedVia.values},
        "pseudonyms": voters.exclude(pseudonym="").count(),
        "conversation": conversation,
        "statuses": {
            s: Statement.objects.filter(conversation=conversation, status=s).count()
            for s in StatementStatus.values
        },
        "results": results,
        "survey": survey,
        "kano": kano,
        "decisions": decisions,
        "decision_results": {
            kind: decide_selectors.results(decision) for kind, decision in decisions.items()
        },
        "objections": [
            (r.answer, r.resolved)
            for r in decide_selectors.objections_of(decision=decisions[Kind.CONSENT])
        ],
        "triage": ChangeIdea.objects.get(project=story, title=TRIAGE),
        "audit_actions": set(
            AuditEvent.objects.filter(project=story).values_list("action", flat=True)
        ),
    }


def _pages(story: Project, *, email: str, password: str) -> dict[str, int]:
    client = Client()
    assert client.login(username=email, password=password)
    conversation = Conversation.objects.get(project=story, topic=demo_deliberation.TOPIC)
    survey = KanoSurvey.objects.get(project=story, title=demo_deliberation.SURVEY)
    decisions = demo_deliberation.decisions_of(story)
    urls = {
        "conversation results": reverse("deliberate:results", args=[story.pk, conversation.pk]),
        "live screen": reverse("deliberate:live", args=[story.pk, conversation.pk]),
        "live panel": reverse("deliberate:live_panel", args=[story.pk, conversation.pk]),
        "moderation": reverse("deliberate:moderation", args=[story.pk, conversation.pk]),
        "kano results": reverse("kanosurvey:results", args=[story.pk, survey.pk]),
        "decisions": reverse("decide:list", args=[story.pk]),
        **{
            f"decision {kind}": reverse("decide:detail", args=[story.pk, d.pk])
            for kind, d in decisions.items()
        },
        "taking part": reverse("takepart:manage", args=[story.pk]),
    }
    statuses = {}
    for name, url in urls.items():
        response = client.get(url)
        statuses[name] = response.status_code
        if name == "conversation results":
            statuses["results mention a group"] = int("Group 2" in response.content.decode())
    return statuses


def test_loading_twice_adds_nothing(loaded: tuple) -> None:
    counts, again, _ = loaded
    assert counts == again
    assert counts["Conversation"] == 1
    assert counts["KanoSurvey"] == 1
    assert counts["GroupDecision"] == 3
    assert counts["Voter"] == 60


def test_people_take_part_without_accounts_and_in_unequal_numbers(loaded: tuple) -> None:
    _, _, facts = loaded
    voters = facts["voters"]
    assert (voters["patient"], voters["carer"], voters["staff"]) == (22, 8, 30)
    joined = facts["joined_via"]
    assert joined["account"] == 4  # the story's four patient, carer and staff members
    assert joined["code"] == len(demo_deliberation.AT_THE_EVENT)
    assert joined["link"] == demo_deliberation.STAFF_CLAIMED + demo_deliberation.PATIENT_CLAIMED
    assert joined["assisted"] == len(demo_deliberation.ASSISTED)
    assert facts["pseudonyms"] >= 10


def test_suggestions_wait_for_moderation_and_one_is_rejected(loaded: tuple) -> None:
    _, _, facts = loaded
    assert facts["statuses"] == {
        StatementStatus.ACCEPTED: len(demo_deliberation.SEEDED) + 2,
        StatementStatus.PENDING: 2,
        StatementStatus.REJECTED: 1,
    }


def test_the_conversation_finds_opinion_groups(loaded: tuple) -> None:
    _, _, facts = loaded
    results = facts["results"]
    assert results.participants == 60
    assert len(results.groups) >= 2
    assert all(group.size >= 5 and group.representative for group in results.groups)
    # Three people looked in and voted on four statements: too few to be placed.
    assert results.placed == 60 - demo_deliberation.BRIEF_VOTERS
    assert facts["pages"]["results mention a group"] == 1


def _agree_share(row: Any, constituency: str) -> float:
    agree, seen = next((a, s) for c, a, s in row.by_constituency if c == constituency)
    return agree / seen


def test_patients_carers_and_staff_each_endorse_the_bridging_statements(loaded: tuple) -> None:
    _, _, facts = loaded
    results = facts["results"]
    shared = {text for text, kind in demo_deliberation.SEEDED if kind == "shared"}
    best = results.bridging[0]
    assert best.statement.text in shared
    assert best.bridging > 0.6
    for constituency in (Constituency.PATIENT, Constituency.CARER, Constituency.STAFF):
        assert _agree_share(best, constituency) >= 0.75
    # The most agreed with across opinion groups are the ones every constituency endorses.
    assert results.consensus[0].statement.text in shared


def test_staff_like_rebooking_late_arrivals_and_patients_do_not(loaded: tuple) -> None:
    _, _, facts = loaded
    results = facts["results"]
    (text,) = [text for text, kind in demo_deliberation.SEEDED if kind == "staff"]
    row = next(r for r in results.bridging if r.statement.text == text)
    assert _agree_share(row, Constituency.STAFF) > 0.6
    assert _agree_share(row, Constituency.PATIENT) < 0.3
    assert row.agree > row.disagree / 2  # staff's numbers make it look popular in raw totals
    assert row is results.bridging[-1]  # but it bridges least


def test_kano_categories_differ_between_attributes_and_groups(loaded: tuple) -> None:
    _, _, facts = loaded
    kano = facts["kano"]
    everyone = {
        row.attribute.label: next(c for c in row.cells if c.segment == "all")
        for row in kano.attributes
    }
    categories = {cell.result.category for cell in everyone.values() if cell.result}
    assert {Category.A, Category.O, Category.M, Category.I} <= categories
    clinician = next(
        row for row in kano.attributes if row.attribute.label.startswith("the named clinician")
    )
    by_segment = {c.segment: c for c in clinician.cells}
    assert not by_segment[Constituency.PATIENT].suppressed
    assert not by_segment[Constituency.STAFF].suppressed
    assert by_segment[Constituency.PATIENT].category_name == "Attractive"
    assert by_segment[Constituency.STAFF].category_name == "Indifferent"
    assert clinician.categories_agree is False
    assert kano.respondents == 22 + 8 + demo_deliberation.KANO_STAFF


def test_the_dot_vote_is_closed_and_its_outcome_linked_to_a_change_idea(loaded: tuple) -> None:
    _, _, facts = loaded
    dot = facts["decisions"][Kind.DOT]
    assert not dot.is_open
    assert dot.outcome == demo_deliberation.DOT_OUTCOME
    assert dot.change_idea == facts["triage"]
    assert dot.influence is not None and dot.influence.change_idea == facts["triage"]
    results = facts["decision_results"][Kind.DOT]
    raw = [row[0] for row in results.raw.rows]
    equal = [row[0] for row in results.equal.rows]
    assert raw[0] == equal[0] == TRIAGE
    assert raw != equal  # carers' transport rises when each constituency counts the same


def test_the_consent_proposal_passes_with_its_objection_resolved(loaded: tuple) -> None:
    _, _, facts = loaded
    consent = facts["decisions"][Kind.CONSENT]
    assert consent.is_open
    assert consent.group is not None and consent.group.name == demo_deliberation.CODESIGN_GROUP
    assert facts["objections"] == [(Answer.OBJECTION, True)]
    assert facts["decision_results"][Kind.CONSENT].headline.startswith("It passes")


def test_the_ranked_choice_has_another_winner_with_equal_weight(loaded: tuple) -> None:
    _, _, facts = loaded
    ranked = facts["decisions"][Kind.RANKED]
    assert ranked.is_open
    results = facts["decision_results"][Kind.RANKED]
    assert results.headline.startswith("A live display of waiting times wins")
    assert results.equal_headline.startswith("Pain relief offered at check-in wins")


def test_it_is_built_through_the_actions(loaded: tuple) -> None:
    _, _, facts = loaded
    assert {
        "takepart.code_created",
        "takepart.code_joined",
        "takepart.links_created",
        "takepart.link_claimed",
        "takepart.assisted_voter",
        "takepart.member_seat",
        "deliberate.conversation_created",
        "deliberate.statement_seeded",
        "deliberate.statement_submitted",
        "deliberate.statement_moderated",
        "deliberate.vote_assisted",
        "kano.survey_created",
        "kano.attribute_added",
        "kano.answered",
        "decision_poll.responded",
        "decision_poll.closed",
        "decision_poll.objection_resolved",
        "decision_poll.outcome_recorded",
    } <= facts["audit_actions"]


def test_the_facilitators_pages_answer(loaded: tuple) -> None:
    _, _, facts = loaded
    pages = {
        name: status for name, status in facts["pages"].items() if name != "results mention a group"
    }
    assert len(pages) == 10
    assert set(pages.values()) == {200}, pages

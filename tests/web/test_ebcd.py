"""EBCD in the web app: set-up and checklist, interviews and consent, the trigger film,
events and voting, co-design groups, the celebration, and the accelerated archive."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.ebcd import actions, selectors
from coproduce.web.ebcd.models import (
    ArchiveNarrative,
    Clip,
    EBCDProject,
    FilmEntry,
    GroupAction,
    StageStep,
    VoteCount,
)
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.experience.models import Comment, Source
from coproduce.web.improvement.models import ChangeIdea
from coproduce.web.jobs import actions as job_actions
from coproduce.web.jobs.models import JobStatus
from coproduce.web.journeys import actions as journey_actions
from coproduce.web.journeys.models import EmotionRecord, Touchpoint, TouchpointTheme
from coproduce.web.participation import actions_people
from coproduce.web.projects.models import Role
from coproduce.web.themes.models import Theme
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_MONTH = TODAY - timedelta(days=30)
TRANSCRIPT = "My name is Mary Smith and my NHS number is 943 476 5919. The wait was awful."


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


@pytest.fixture
def team() -> dict[str, Any]:
    fac = make_user("fac@example.org", "Fay Facilitator")
    staff = make_user("staff@example.org", "Sam Staff")
    observer = make_user("obs@example.org", "Olu Observer")
    outsider = make_user("out@example.org", "Otto Outsider")
    project = make_project(fac)
    join(project, staff, Role.STAFF, by=fac)
    join(project, observer, Role.OBSERVER, by=fac)
    journey = journey_actions.create_journey(project=project, title="Outpatients", by=fac)
    arrive = journey_actions.add_stage(journey=journey, name="Arriving", by=fac)
    wait = journey_actions.add_stage(journey=journey, name="Waiting", by=fac)
    reception = journey_actions.add_touchpoint(stage=arrive, name="Reception desk", by=fac)
    waiting_room = journey_actions.add_touchpoint(stage=wait, name="Waiting room", by=fac)
    ebcd = actions.start_ebcd(project=project, journey=journey, by=fac)
    return {
        "fac": fac,
        "staff": staff,
        "observer": observer,
        "outsider": outsider,
        "project": project,
        "journey": journey,
        "stages": [arrive, wait],
        "reception": reception,
        "waiting_room": waiting_room,
        "ebcd": ebcd,
    }


def interview_with_consent(team: dict[str, Any], *, film: bool = True, label: str = "Patient A"):
    interview = actions.create_interview(
        ebcd=team["ebcd"], label=label, role="patient", date=LAST_MONTH, by=team["fac"]
    )
    return actions.record_consent(
        interview=interview, given_on=LAST_MONTH, audio=True, video=True, film=film, by=team["fac"]
    )


def clip(team: dict[str, Any], interview: Any, start: str, end: str, **extra: Any) -> Clip:
    return actions.add_clip(
        interview=interview,
        media="//share/ebcd/patient-a.mp4",
        start=start,
        end=end,
        description=extra.pop("description", "Waiting without news"),
        by=team["fac"],
        **extra,
    )


# -- set-up and checklist ------------------------------------------------------------------


def test_setting_up_makes_a_checklist_of_the_variants_stages(team: dict[str, Any]) -> None:
    ebcd = team["ebcd"]
    assert StageStep.objects.filter(ebcd=ebcd).count() == 10
    checklist = selectors.checklist(ebcd)
    assert [row.info.stage.value for row in checklist.rows][:3] == [
        "set_up",
        "staff_experience",
        "patient_experience",
    ]
    assert checklist.progress.done == 0
    actions.update_ebcd(
        ebcd=ebcd,
        variant="accelerated",
        journey=team["journey"],
        top_k=3,
        weighting="votes",
        by=team["fac"],
    )
    rows = selectors.checklist(ebcd).rows
    assert len(rows) == 9
    assert "patient_experience" not in [row.info.stage.value for row in rows]


def test_marking_stages_done_shows_progress_on_the_overview(team: dict[str, Any]) -> None:
    ebcd, fac = team["ebcd"], team["fac"]
    step = selectors.step_in(ebcd=ebcd, stage="set_up")
    actions.update_step(
        step=step,
        planned_on=LAST_MONTH,
        done_on=LAST_MONTH,
        outputs="Steering group formed",
        by=fac,
    )
    response = signed_in(fac).get(reverse("ebcd:overview", args=[team["project"].pk]))
    assert response.status_code == 200
    assert "1 of 10 stages done (10%)" in response.content.decode()
    assert "Next: Gather staff experience" in response.content.decode()


def test_a_stage_cannot_be_done_in_the_future(team: dict[str, Any]) -> None:
    step = selectors.step_in(ebcd=team["ebcd"], stage="set_up")
    with pytest.raises(ActionError, match="future") as error:
        actions.update_step(
            step=step, planned_on=None, done_on=TODAY + timedelta(days=2), by=team["fac"]
        )
    assert error.value.field == "done_on"


def test_the_celebration_marks_its_stage_done(team: dict[str, Any]) -> None:
    actions.record_celebration(
        ebcd=team["ebcd"], celebrated_on=LAST_MONTH, what_changed="New letters", by=team["fac"]
    )
    step = StageStep.objects.get(ebcd=team["ebcd"], stage="celebration_review")
    assert step.done_on == LAST_MONTH
    audit = AuditEvent.objects.filter(action="ebcd.celebration_recorded").get()
    assert "New letters" not in audit.summary


def test_a_project_without_ebcd_shows_an_empty_state(team: dict[str, Any]) -> None:
    other = make_project(team["fac"], title="Discharge", organisation=team["project"].organisation)
    response = signed_in(team["fac"]).get(reverse("ebcd:overview", args=[other.pk]))
    assert "Set up EBCD" in response.content.decode()
    response = signed_in(team["fac"]).get(reverse("ebcd:results", args=[other.pk]))
    assert response.status_code == 404


def test_the_setup_form_starts_ebcd(team: dict[str, Any]) -> None:
    other = make_project(team["fac"], title="Discharge", organisation=team["project"].organisation)
    response = signed_in(team["fac"]).post(
        reverse("ebcd:setup", args=[other.pk]),
        {"variant": "accelerated", "top_k": "2", "weighting": "equal_groups"},
    )
    assert response.status_code == 302
    ebcd = EBCDProject.objects.get(project=other)
    assert (ebcd.variant, ebcd.top_k, ebcd.weighting) == ("accelerated", 2, "equal_groups")
    assert ebcd.trigger_film_source == "archive"


# -- permissions ---------------------------------------------------------------------------


def test_outsiders_get_404_and_observers_403_for_recording(team: dict[str, Any]) -> None:
    pk = team["project"].pk
    outsider, observer = signed_in(team["outsider"]), signed_in(team["observer"])
    for name in ("ebcd:overview", "ebcd:results", "ebcd:film", "ebcd:groups"):
        assert outsider.get(reverse(name, args=[pk])).status_code == 404
        assert observer.get(reverse(name, args=[pk])).status_code == 200
    assert observer.get(reverse("ebcd:interviews", args=[pk])).status_code == 403
    assert observer.get(reverse("ebcd:event_edit", args=[pk, "staff"])).status_code == 403
    staff = signed_in(team["staff"])
    assert staff.get(reverse("ebcd:event_edit", args=[pk, "staff"])).status_code == 200
    assert staff.get(reverse("ebcd:setup", args=[pk])).status_code == 403
    assert staff.get(reverse("ebcd:interview_create", args=[pk])).status_code == 403


def test_actions_refuse_members_without_the_right(team: dict[str, Any]) -> None:
    with pytest.raises(NotAllowed):
        actions.save_event(ebcd=team["ebcd"], kind="staff", date=None, by=team["observer"])
    with pytest.raises(NotAllowed):
        actions.create_interview(ebcd=team["ebcd"], label="A", role="patient", by=team["staff"])


def test_another_projects_rows_are_404(team: dict[str, Any]) -> None:
    other_fac = make_user("other@example.org")
    other = make_project(other_fac, title="Elsewhere")
    other_ebcd = actions.start_ebcd(project=other, by=other_fac)
    interview = actions.create_interview(
        ebcd=other_ebcd, label="Patient Z", role="patient", by=other_fac
    )
    client = signed_in(team["fac"])
    url = reverse("ebcd:interview", args=[team["project"].pk, interview.pk])
    assert client.get(url).status_code == 404


# -- interviews and consent ----------------------------------------------------------------


def test_no_transcript_or_clip_is_stored_before_consent(team: dict[str, Any]) -> None:
    interview = actions.create_interview(
        ebcd=team["ebcd"], label="Patient A", role="patient", by=team["fac"]
    )
    with pytest.raises(ActionError, match="consent") as error:
        actions.save_transcript(interview=interview, text=TRANSCRIPT, by=team["fac"])
    assert error.value.field == "transcript"
    with pytest.raises(ActionError, match="consent"):
        clip(team, interview, "00:10", "00:40")
    interview.refresh_from_db()
    assert interview.transcript == ""
    assert not Clip.objects.exists()


def test_the_transcript_is_redacted_before_it_is_stored(team: dict[str, Any]) -> None:
    interview = interview_with_consent(team)
    actions.save_transcript(interview=interview, text=TRANSCRIPT, by=team["fac"])
    interview.refresh_from_db()
    assert "943 476 5919" not in interview.transcript
    assert "[NHS_NUMBER]" in interview.transcript
    assert "The wait was awful." in interview.transcript
    assert interview.transcript_redactions >= 1
    audit = AuditEvent.objects.get(action="ebcd.transcript_saved")
    assert "awful" not in audit.summary and "awful" not in json.dumps(audit.data)


def test_only_facilitators_read_transcripts(team: dict[str, Any]) -> None:
    interview = interview_with_consent(team)
    actions.save_transcript(interview=interview, text=TRANSCRIPT, by=team["fac"])
    url = reverse("ebcd:interview", args=[team["project"].pk, interview.pk])
    assert "The wait was awful" in signed_in(team["fac"]).get(url).content.decode()
    page = signed_in(team["staff"]).get(url).content.decode()
    assert "The wait was awful" not in page
    assert "Only facilitators read transcripts" in page


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("1:30", "01:00", "end", "start before it ends"),
        ("01:00", "01:00", "end", "start before it ends"),
        ("90", "01:00", "start", "mm:ss"),
        ("00:10", "00:75", "end", "Seconds"),
        ("1:60:00", "2:00:00", "start", "Minutes"),
    ],
)
def test_clip_times_are_checked(
    team: dict[str, Any], start: str, end: str, field: str, message: str
) -> None:
    interview = interview_with_consent(team)
    with pytest.raises(ActionError, match=message) as error:
        clip(team, interview, start, end)
    assert error.value.field == field


def test_clip_times_are_read_as_mm_ss_or_hh_mm_ss(team: dict[str, Any]) -> None:
    interview = interview_with_consent(team)
    saved = clip(team, interview, "01:05", "1:02:03")
    assert (saved.start_seconds, saved.end_seconds) == (65, 3723)


def test_the_clip_form_shows_a_bad_time_beside_its_field(team: dict[str, Any]) -> None:
    interview = interview_with_consent(team)
    response = signed_in(team["fac"]).post(
        reverse("ebcd:clip_create", args=[team["project"].pk, interview.pk]),
        {"media_path": "a.mp4", "start": "02:00", "end": "01:00", "description": "x"},
    )
    assert response.status_code == 200
    assert "The clip must start before it ends" in response.content.decode()
    assert not Clip.objects.exists()


def test_a_clip_touchpoint_must_be_on_the_linked_journey(team: dict[str, Any]) -> None:
    other = journey_actions.create_journey(project=team["project"], title="Other", by=team["fac"])
    stage = journey_actions.add_stage(journey=other, name="Elsewhere", by=team["fac"])
    stray = journey_actions.add_touchpoint(stage=stage, name="Stray", by=team["fac"])
    interview = interview_with_consent(team)
    with pytest.raises(ActionError, match="journey linked") as error:
        clip(team, interview, "00:00", "00:10", touchpoint=stray)
    assert error.value.field == "touchpoint"


# -- the trigger film ----------------------------------------------------------------------


def test_the_running_order_can_be_built_moved_and_trimmed(team: dict[str, Any]) -> None:
    fac, ebcd = team["fac"], team["ebcd"]
    interview = interview_with_consent(team)
    first = clip(team, interview, "00:00", "01:00", touchpoint=team["waiting_room"])
    second = clip(team, interview, "02:00", "02:30", touchpoint=team["reception"])
    third = clip(team, interview, "05:00", "05:45")
    entries = [actions.add_to_film(clip=c, by=fac) for c in (first, second, third)]
    film = selectors.film_of(ebcd)
    assert [e.clip_id for e in film.entries] == [first.pk, second.pk, third.pk]
    assert film.seconds == 60 + 30 + 45
    assert film.running_time == "02:15"
    # Touchpoints are listed in pathway order, not film order.
    assert [t.name for t in film.touchpoints] == ["Reception desk", "Waiting room"]

    assert actions.move_in_film(entry=entries[2], direction="up", by=fac)
    assert not actions.move_in_film(entry=entries[0], direction="up", by=fac)
    assert [e.clip_id for e in selectors.film_of(ebcd).entries] == [first.pk, third.pk, second.pk]
    actions.remove_from_film(entry=entries[0], by=fac)
    film = selectors.film_of(ebcd)
    assert [e.clip_id for e in film.entries] == [third.pk, second.pk]
    assert [e.position for e in film.entries] == [1, 2]
    assert film.seconds == 75


def test_clips_need_consent_to_film_use_to_join_the_film(team: dict[str, Any]) -> None:
    interview = interview_with_consent(team, film=False)
    saved = clip(team, interview, "00:00", "00:30")
    assert saved not in selectors.clips_for_film(team["ebcd"])
    with pytest.raises(ActionError, match="trigger film"):
        actions.add_to_film(clip=saved, by=team["fac"])


def test_withdrawing_consent_removes_the_clips_from_the_film(team: dict[str, Any]) -> None:
    fac = team["fac"]
    kept_interview = interview_with_consent(team, label="Patient B")
    withdrawn = interview_with_consent(team, label="Patient A")
    actions.save_transcript(interview=withdrawn, text=TRANSCRIPT, by=fac)
    kept = clip(team, kept_interview, "00:00", "00:20")
    gone = clip(team, withdrawn, "00:00", "00:40")
    actions.add_to_film(clip=gone, by=fac)
    actions.add_to_film(clip=kept, by=fac)

    actions.withdraw_consent(interview=withdrawn, by=fac)
    withdrawn.refresh_from_db()
    film = selectors.film_of(team["ebcd"])
    assert [e.clip_id for e in film.entries] == [kept.pk]
    assert film.entries[0].position == 1
    assert film.seconds == 20
    assert withdrawn.transcript == "" and not withdrawn.clips.exists()
    assert withdrawn.consent_withdrawn_on == TODAY
    with pytest.raises(ActionError, match="consent"):
        actions.save_transcript(interview=withdrawn, text="again", by=fac)


def test_narrowing_consent_to_exclude_the_film_takes_clips_out(team: dict[str, Any]) -> None:
    interview = interview_with_consent(team)
    actions.add_to_film(clip=clip(team, interview, "00:00", "00:20"), by=team["fac"])
    actions.record_consent(
        interview=interview,
        given_on=LAST_MONTH,
        audio=True,
        video=False,
        film=False,
        by=team["fac"],
    )
    assert not FilmEntry.objects.exists()
    assert Clip.objects.count() == 1


def test_the_film_pages_move_clips_and_print_the_order(team: dict[str, Any]) -> None:
    interview = interview_with_consent(team)
    a = clip(team, interview, "00:00", "01:00", description="Clip about parking")
    b = clip(team, interview, "01:00", "01:30", description="Clip about kindness")
    client = signed_in(team["fac"])
    pk = team["project"].pk
    for c in (a, b):
        assert client.post(reverse("ebcd:film_add", args=[pk]), {"clip": c.pk}).status_code == 302
    second = FilmEntry.objects.get(clip=b)
    client.post(reverse("ebcd:film_move", args=[pk, second.pk]), {"direction": "up"})
    page = client.get(reverse("ebcd:film_print", args=[pk])).content.decode()
    assert page.index("Clip about kindness") < page.index("Clip about parking")
    assert "total running time 01:30" in page
    # The clip about kindness runs first, so parking starts 30 seconds in.
    assert '<td class="nhsuk-table__cell">00:30</td>' in page
    # Observers see the order but get no buttons, and cannot move clips.
    observer = signed_in(team["observer"])
    assert "Take out" not in observer.get(reverse("ebcd:film", args=[pk])).content.decode()
    response = observer.post(reverse("ebcd:film_move", args=[pk, second.pk]), {"direction": "down"})
    assert response.status_code == 403


# -- events, emotional mapping, priorities and votes -----------------------------------------


def vote_flow(team: dict[str, Any]) -> dict[str, Any]:
    fac, ebcd = team["fac"], team["ebcd"]
    staff_event = actions.save_event(ebcd=ebcd, kind="staff", date=LAST_MONTH, by=fac)
    patient_event = actions.save_event(ebcd=ebcd, kind="patient", date=LAST_MONTH, by=fac)
    joint = actions.save_event(ebcd=ebcd, kind="joint", date=TODAY, by=fac)
    info = actions.propose_priority(
        event=patient_event, title="Being told what is happening", by=fac
    )
    wait = actions.propose_priority(event=staff_event, title="Waiting for results", by=fac)
    park = actions.propose_priority(event=staff_event, title="Parking", by=fac)
    actions.record_votes(
        event=patient_event, group="patients", votes={info.pk: 9, wait.pk: 6, park.pk: 1}, by=fac
    )
    actions.record_votes(
        event=staff_event, group="staff", votes={info.pk: 2, wait.pk: 7, park.pk: 8}, by=fac
    )
    return {
        "staff_event": staff_event,
        "patient_event": patient_event,
        "joint": joint,
        "info": info,
        "wait": wait,
        "park": park,
    }


def test_each_group_votes_only_at_its_own_event_and_both_at_the_joint_event(
    team: dict[str, Any],
) -> None:
    flow = vote_flow(team)
    with pytest.raises(ActionError, match="only staff vote") as error:
        actions.record_votes(
            event=flow["staff_event"], group="patients", votes={flow["info"].pk: 1}, by=team["fac"]
        )
    assert error.value.field == "group"
    with pytest.raises(ActionError, match="only patients vote"):
        actions.record_votes(
            event=flow["patient_event"], group="staff", votes={flow["info"].pk: 1}, by=team["fac"]
        )
    for group in ("patients", "staff"):
        actions.record_votes(
            event=flow["joint"], group=group, votes={flow["info"].pk: 1}, by=team["fac"]
        )


def test_bad_vote_counts_are_refused_and_nothing_is_saved(team: dict[str, Any]) -> None:
    flow = vote_flow(team)
    before = list(VoteCount.objects.values_list("pk", "votes"))
    with pytest.raises(ActionError, match="“Parking” must be a whole number") as error:
        actions.record_votes(
            event=flow["joint"],
            group="staff",
            votes={flow["info"].pk: 3, flow["park"].pk: -1},
            by=team["fac"],
        )
    assert error.value.field == f"votes_{flow['park'].pk}"
    other_fac = make_user("other@example.org")
    other = actions.start_ebcd(project=make_project(other_fac, title="X"), by=other_fac)
    event = actions.save_event(ebcd=other, kind="joint", date=None, by=other_fac)
    foreign = actions.propose_priority(event=event, title="Foreign", by=other_fac)
    with pytest.raises(ActionError, match="this project's priorities"):
        actions.record_votes(
            event=flow["joint"], group="staff", votes={foreign.pk: 1}, by=team["fac"]
        )
    assert (
        list(VoteCount.objects.filter(event__ebcd=team["ebcd"]).values_list("pk", "votes"))
        == before
    )


def test_results_rank_groups_separately_then_together(team: dict[str, Any]) -> None:
    flow = vote_flow(team)
    fac = team["fac"]
    actions.record_votes(
        event=flow["joint"],
        group="patients",
        votes={flow["info"].pk: 5, flow["wait"].pk: 4, flow["park"].pk: 0},
        by=fac,
    )
    actions.record_votes(
        event=flow["joint"],
        group="staff",
        votes={flow["info"].pk: 3, flow["wait"].pk: 6, flow["park"].pk: 1},
        by=fac,
    )
    tally = selectors.results_of(team["ebcd"]).tally
    assert tally is not None and tally.joint is not None
    assert [r.priority for r in tally.separate_for(tally.separate[0].group).ranked] == [
        "Being told what is happening",
        "Waiting for results",
        "Parking",
    ]
    assert [(r.priority, r.score) for r in tally.joint.ranked] == [
        ("Waiting for results", 10.0),
        ("Being told what is happening", 8.0),
        ("Parking", 1.0),
    ]
    page = signed_in(team["observer"]).get(reverse("ebcd:results", args=[team["project"].pk]))
    html = page.content.decode()
    assert "Joint ranking: patients and staff together" in html
    assert "Patients and carers at the patient event" in html
    assert "Staff at the staff event" in html
    csv_text = signed_in(fac).get(reverse("ebcd:results_csv", args=[team["project"].pk]))
    lines = csv_text.content.decode().splitlines()
    assert lines[0].startswith("priority,patients_votes_own_event")
    assert lines[1] == "Waiting for results,6,2,7,2,4,6,10,1"


def test_the_votes_page_records_a_groups_dots(team: dict[str, Any]) -> None:
    flow = vote_flow(team)
    pk = team["project"].pk
    client = signed_in(team["staff"])
    url = reverse("ebcd:votes", args=[pk, "joint", "patients"])
    data = {
        f"votes_{flow['info'].pk}": "4",
        f"votes_{flow['wait'].pk}": "0",
        f"votes_{flow['park'].pk}": "2",
    }
    assert client.post(url, data).status_code == 302
    rows = dict(
        VoteCount.objects.filter(event=flow["joint"], group="patients").values_list(
            "priority_id", "votes"
        )
    )
    assert rows == {flow["info"].pk: 4, flow["wait"].pk: 0, flow["park"].pk: 2}
    bad = client.post(url, {f"votes_{flow['info'].pk}": "-3"})
    assert bad.status_code == 200
    assert "cannot be negative" in bad.content.decode()
    empty = client.post(url, {**data, f"votes_{flow['park'].pk}": ""})
    assert "Enter the votes for “Parking” (0 if none)" in empty.content.decode()
    assert client.get(reverse("ebcd:votes", args=[pk, "staff", "patients"])).status_code == 404


def test_emotional_mapping_at_an_event_records_emotions_on_the_journey(
    team: dict[str, Any],
) -> None:
    event = actions.save_event(ebcd=team["ebcd"], kind="patient", date=LAST_MONTH, by=team["fac"])
    record = actions.map_emotion(
        event=event,
        touchpoint=team["waiting_room"],
        valence=-2,
        intensity=4,
        emotion_words="anxious, forgotten",
        excerpt="Nobody told Mary Smith anything",
        by=team["staff"],
    )
    record.refresh_from_db()
    assert record.source == "event"
    assert record.touchpoint == team["waiting_room"]
    assert "Mary Smith" not in record.excerpt
    assert list(selectors.emotions_at(event)) == [record]
    page = signed_in(team["fac"]).get(reverse("ebcd:event", args=[team["project"].pk, "patient"]))
    assert "Waiting room" in page.content.decode()
    actions.delete_event(event=event, by=team["fac"])
    assert not EmotionRecord.objects.filter(pk=record.pk).exists()


def test_a_duplicate_priority_title_is_refused(team: dict[str, Any]) -> None:
    flow = vote_flow(team)
    with pytest.raises(ActionError, match="already a priority") as error:
        actions.propose_priority(event=flow["joint"], title="parking", by=team["fac"])
    assert error.value.field == "title"


# -- co-design groups ----------------------------------------------------------------------


def test_groups_form_around_priorities_and_actions_become_change_ideas(
    team: dict[str, Any],
) -> None:
    flow = vote_flow(team)
    fac, project = team["fac"], team["project"]
    ama = actions_people.add_participant(project=project, name="Ama", role="patient", by=fac)
    group = actions.create_group(
        ebcd=team["ebcd"], name="Information", priority=flow["info"], members=[ama], by=fac
    )
    action = actions.add_action(
        group=group,
        description="Text patients when clinics run late",
        owner="Sam",
        due_on=TODAY + timedelta(days=14),
        by=team["staff"],
    )
    response = signed_in(team["staff"]).post(
        reverse("ebcd:action_change_idea", args=[project.pk, group.pk, action.pk])
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.change_idea is not None
    assert ChangeIdea.objects.get(pk=action.change_idea.pk).title == action.description
    with pytest.raises(ActionError, match="already linked"):
        actions.make_change_idea(action=action, by=fac)
    page = signed_in(team["observer"]).get(reverse("ebcd:group", args=[project.pk, group.pk]))
    html = page.content.decode()
    assert "Text patients when clinics run late" in html
    assert "Ama" not in html  # observers see how many members, not who


def test_a_group_action_links_only_this_projects_change_ideas(team: dict[str, Any]) -> None:
    group = actions.create_group(ebcd=team["ebcd"], name="G", priority=None, by=team["fac"])
    other_fac = make_user("other@example.org")
    from coproduce.web.improvement import actions as improvement_actions

    foreign = improvement_actions.create_change_idea(
        project=make_project(other_fac, title="X"), title="Foreign", by=other_fac
    )
    with pytest.raises(ActionError, match="this project's change ideas"):
        actions.add_action(group=group, description="Do", change_idea=foreign, by=team["fac"])
    assert not GroupAction.objects.exists()


# -- accelerated EBCD ----------------------------------------------------------------------

ARCHIVE = [
    {
        "id": f"HT-{n}",
        "title": f"Story {n}",
        "text": f"{text}, visit {n}",
        "touchpoints": ["Diagnosis", "Waiting"] if n % 2 else "Ward; Discharge",
    }
    for n, text in enumerate(
        [
            "The car park was full and parking charges were high so I was late",
            "Parking was impossible, the car park full every day",
            "The nurses were kind and the doctor explained everything clearly",
            "A kind nurse explained my diagnosis and held my hand",
            "Waiting for results for weeks with no news was awful",
            "The long wait for test results made me anxious",
        ]
        * 3,
    )
]


def test_an_archive_is_imported_themed_and_themes_become_touchpoints(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    fac, ebcd = team["fac"], team["ebcd"]
    report = actions.import_archive(
        ebcd=ebcd, data=json.dumps(ARCHIVE).encode(), filename="archive.json", by=fac
    )
    assert report.added == len(ARCHIVE)
    ebcd.refresh_from_db()
    assert ebcd.archive_batch is not None
    comments = Comment.objects.filter(batch=ebcd.archive_batch)
    assert {c.source for c in comments} == {Source.ARCHIVE}
    narrative = ArchiveNarrative.objects.get(comment__external_id="HT-1")
    assert narrative.title == "Story 1"
    assert narrative.touchpoint_hints == ["Diagnosis", "Waiting"]
    assert ArchiveNarrative.objects.get(comment__external_id="HT-2").touchpoint_hints == [
        "Ward",
        "Discharge",
    ]

    with django_capture_on_commit_callbacks(execute=False):
        job = actions.start_archive_theming(ebcd=ebcd, by=fac)
    job_actions.execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    themes = list(Theme.objects.filter(project=team["project"]))
    assert themes

    page = signed_in(fac).get(reverse("ebcd:archive", args=[team["project"].pk]))
    assert themes[0].label in page.content.decode()
    response = signed_in(team["staff"]).post(
        reverse("ebcd:archive_touchpoint", args=[team["project"].pk, themes[0].pk]),
        {"stage": team["stages"][1].pk},
    )
    assert response.status_code == 302
    made = Touchpoint.objects.get(stage=team["stages"][1], name=themes[0].label[:200])
    assert TouchpointTheme.objects.filter(touchpoint=made, theme=themes[0]).exists()


def test_a_bad_archive_is_refused_whole_with_the_narrative_named(team: dict[str, Any]) -> None:
    bad = [*ARCHIVE[:3], {"id": "HT-1", "title": "Again", "text": "duplicate id"}]
    with pytest.raises(ActionError, match="Narrative 4 repeats the id HT-1"):
        actions.import_archive(
            ebcd=team["ebcd"], data=json.dumps(bad).encode(), filename="a.json", by=team["fac"]
        )
    assert not Comment.objects.exists()
    response = signed_in(team["fac"]).post(
        reverse("ebcd:archive_import", args=[team["project"].pk]),
        {"file": _upload("a.json", json.dumps([{"id": "1", "text": ""}]).encode())},
    )
    assert response.status_code == 200
    assert "Narrative 1 (id 1) has no text" in response.content.decode()


def test_a_csv_archive_of_narratives_is_read_too(team: dict[str, Any]) -> None:
    data = "id,title,text,touchpoints\r\nA1,Café,Le café était froid and the wait long,Ward\r\n"
    report = actions.import_archive(
        ebcd=team["ebcd"], data=data.encode("cp1252"), filename="a.csv", by=team["fac"]
    )
    assert report.added == 1
    assert ArchiveNarrative.objects.get().title == "Café"


def _upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_the_models_choices_are_the_cores_values() -> None:
    from coproduce.experience import ebcd as core
    from coproduce.web.ebcd.models import StageChoice, Variant, VoterGroup

    assert Variant.values == [v.value for v in core.EBCDVariant]
    assert StageChoice.values == [s.value for s in core.EBCDStage]
    assert VoterGroup.values == [g.value for g in core.VoterGroup]
    titles = {info.stage.value: info.title for info in core.STANDARD_STAGES}
    assert titles["joint_event"] == StageChoice.JOINT_EVENT.label


# -- review fixes --------------------------------------------------------------------------


@pytest.mark.parametrize("count", ["²", "2147483648", 2**31])
def test_vote_counts_that_the_database_cannot_hold_are_refused(
    team: dict[str, Any], count: object
) -> None:
    """A superscript digit used to raise ValueError (a 500), and more than 2**31 - 1 votes
    failed on PostgreSQL only."""
    flow = vote_flow(team)
    with pytest.raises(ActionError, match="“Parking” must be") as error:
        actions.record_votes(
            event=flow["joint"], group="staff", votes={flow["park"].pk: count}, by=team["fac"]
        )
    assert error.value.field == f"votes_{flow['park'].pk}"
    assert not VoteCount.objects.filter(event=flow["joint"]).exists()


def test_priority_titles_differing_only_in_case_are_refused_in_any_script(
    team: dict[str, Any],
) -> None:
    """SQLite's iexact folds ASCII only: "ÉCOUTE" beside "écoute" used to be stored, and the
    results page then failed (the tally refuses titles equal but for case)."""
    event = actions.save_event(ebcd=team["ebcd"], kind="patient", date=LAST_MONTH, by=team["fac"])
    actions.propose_priority(event=event, title="Écoute des patients", by=team["fac"])
    with pytest.raises(ActionError, match="already a priority"):
        actions.propose_priority(event=event, title="ÉCOUTE DES PATIENTS", by=team["fac"])
    other = actions.propose_priority(event=event, title="Parking", by=team["fac"])
    with pytest.raises(ActionError, match="already a priority"):
        actions.update_priority(priority=other, title="écoute des patients", by=team["fac"])
    page = signed_in(team["fac"]).get(reverse("ebcd:results", args=[team["project"].pk]))
    assert page.status_code == 200


def test_withdrawing_consent_audits_the_number_of_clips_not_film_entries(
    team: dict[str, Any],
) -> None:
    interview = interview_with_consent(team)
    for start, end in (("00:10", "00:40"), ("01:00", "01:30")):
        actions.add_to_film(clip=clip(team, interview, start, end), by=team["fac"])
    actions.withdraw_consent(interview=interview, by=team["fac"])
    event = AuditEvent.objects.get(action="ebcd.consent_withdrawn")
    assert event.data["clips_deleted"] == 2


@pytest.mark.parametrize(
    ("kind", "teller", "allowed"),
    [
        ("staff", "staff", True),
        ("staff", "patient", False),
        ("patient", "carer", True),
        ("patient", "staff", False),
        ("joint", "staff", True),
        ("joint", "patient", True),
    ],
)
def test_feelings_mapped_at_an_event_are_those_of_the_group_that_meets_there(
    team: dict[str, Any], kind: str, teller: str, allowed: bool
) -> None:
    event = actions.save_event(ebcd=team["ebcd"], kind=kind, date=LAST_MONTH, by=team["fac"])

    def mapped() -> Any:
        return actions.map_emotion(
            event=event,
            touchpoint=team["waiting_room"],
            valence=-1,
            intensity=3,
            teller_role=teller,
            by=team["staff"],
        )

    if allowed:
        assert mapped().teller_role == teller
    else:
        with pytest.raises(ActionError, match="feelings mapped") as error:
            mapped()
        assert error.value.field == "teller_role"
        assert not EmotionRecord.objects.exists()
    form = signed_in(team["staff"]).get(
        reverse("ebcd:emotion_create", args=[team["project"].pk, kind])
    )
    assert (f'value="{teller}"' in form.content.decode()) is allowed


def test_accelerated_ebcd_through_the_pages_from_archive_to_touchpoints(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """Import the archive, find its themes in the background, then add both a touchpoint the
    narratives name and a theme as touchpoints on the linked journey, all through the pages."""
    pk = team["project"].pk
    fac = signed_in(team["fac"])
    fac.post(
        reverse("ebcd:setup", args=[pk]),
        {
            "variant": "accelerated",
            "journey": team["journey"].pk,
            "top_k": 3,
            "weighting": "votes",
        },
    )
    response = fac.post(
        reverse("ebcd:archive_import", args=[pk]),
        {"file": _upload("archive.json", json.dumps(ARCHIVE).encode())},
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=False):
        assert fac.post(reverse("ebcd:archive_themes", args=[pk])).status_code == 302
    ebcd = EBCDProject.objects.get(project=team["project"])
    assert ebcd.variant == "accelerated" and ebcd.archive_job is not None
    job_actions.execute(job_id=ebcd.archive_job.pk)

    page = fac.get(reverse("ebcd:archive", args=[pk])).content.decode()
    themes = list(Theme.objects.filter(project=team["project"]).order_by("label"))
    assert themes and all(theme.label in page for theme in themes)
    # Every narrative names two touchpoints; each name is offered with its count.
    assert "Diagnosis" in page and "Discharge" in page
    assert "Waiting room" not in page.split("Touchpoints the narratives name")[1].split("<h2")[0]

    staff = signed_in(team["staff"])
    wait_stage = team["stages"][1]
    response = staff.post(
        reverse("ebcd:archive_hint", args=[pk]), {"hint": "diagnosis", "stage": wait_stage.pk}
    )
    assert response.status_code == 302
    assert Touchpoint.objects.filter(stage=wait_stage, name="Diagnosis").exists()
    again = staff.post(
        reverse("ebcd:archive_hint", args=[pk]), {"hint": "Diagnosis", "stage": wait_stage.pk}
    )
    assert "already has this touchpoint" in staff.get(again.url).content.decode()
    assert Touchpoint.objects.filter(name="Diagnosis").count() == 1
    response = staff.post(
        reverse("ebcd:archive_touchpoint", args=[pk, themes[0].pk]), {"stage": wait_stage.pk}
    )
    assert TouchpointTheme.objects.filter(theme=themes[0], touchpoint__stage=wait_stage).exists()
    refused = signed_in(team["observer"]).post(
        reverse("ebcd:archive_hint", args=[pk]), {"hint": "Ward", "stage": wait_stage.pk}
    )
    assert refused.status_code == 403
    outsider = signed_in(team["outsider"]).post(
        reverse("ebcd:archive_hint", args=[pk]), {"hint": "Ward", "stage": wait_stage.pk}
    )
    assert outsider.status_code == 404
    assert not Touchpoint.objects.filter(name="Ward").exists()

"""The co-production profile: the one conversion of the record into the core's records, and
the page every member sees (tables, intervals in words, flags with their evidence)."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from coproduce.participation import flags as core_flags
from coproduce.participation.ladders import Role, Rung
from coproduce.web.accounts.models import User
from coproduce.web.participation import actions_activities as actions
from coproduce.web.participation import actions_people, selectors_profile
from coproduce.web.participation.actions_activities import AttendanceRow
from coproduce.web.participation.models import Activity, ConsentPurpose, Participant
from coproduce.web.projects.models import Project
from coproduce.web.projects.models import Role as MemberRole
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_YEAR = TODAY - timedelta(days=365)
RECENTLY = TODAY - timedelta(days=10)
LONG_AGO = TODAY - timedelta(days=40)
SAID = "The appointment letters never say where to park"


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def add_person(project: Project, name: str, role: str, *, by: User, **extra: object) -> Participant:
    participant = actions_people.add_participant(
        project=project, name=name, role=role, by=by, **extra
    )
    actions_people.record_consent(
        participant=participant, purpose=ConsentPurpose.TAKE_PART, given_on=LAST_YEAR, by=by
    )
    return participant


def url(name: str, project: Project, *args: int) -> str:
    return reverse(f"participation:{name}", args=[project.pk, *args])


@pytest.fixture
def team() -> dict:
    fac = make_user("fac@example.org", "Fay Facilitator")
    patient = make_user("pat@example.org", "Pat Partner")
    observer = make_user("obs@example.org", "Olu Observer")
    outsider = make_user("out@example.org", "Otto Outsider")
    project = make_project(fac)
    join(project, patient, MemberRole.PATIENT_PARTNER, by=fac)
    join(project, observer, MemberRole.OBSERVER, by=fac)
    return {
        "fac": fac,
        "patient": patient,
        "observer": observer,
        "outsider": outsider,
        "project": project,
        "ama": add_person(project, "Ama Mensah", "patient", by=fac),
        "cal": add_person(project, "Cal Carer", "carer", by=fac),
        "cas": add_person(project, "Cas Carer", "carer", by=fac),
        "sid": add_person(project, "Sid Staff", "staff", by=fac),
    }


def activity(
    team: dict, title: str, *, attendance: list[tuple[str, str]], **values: object
) -> Activity:
    created = actions.create_activity(
        project=team["project"],
        title=title,
        kind=values.pop("kind", "meeting"),
        date=values.pop("date", RECENTLY),
        hours=values.pop("hours", Decimal("3")),
        phase="design",
        by=team["fac"],
        **values,
    )
    actions.record_attendance(
        activity=created,
        rows=[AttendanceRow(team[who].pk, hours) for who, hours in attendance],
        by=team["fac"],
    )
    return created


@pytest.fixture
def record(team: dict) -> dict:
    """Three activities, two decisions and four contributions, figures worked out by hand.

    A1 "Letters workshop": planned co-design (6), reached consultation (4), called a
       co-production workshop; Ama 2.5 h (patient), Cal 2 h (carer), Sid 1.25 h (staff).
    A2 "Survey review": planned consultation (4), reached engagement (5); Ama 1 h, Sid 1 h.
    A3 "Planning meeting": planned engagement (5), not assessed; Cas 0.75 h.
    D1 with Ama present; D2 with only Sid present.
    C1 (A1, Ama): led to a change, fed back. C2 (A1, Cal): not taken forward, with a reason.
    C3 (Cas), 40 days ago: pending, never fed back. C4 (Ama), 10 days ago: pending.
    """
    a1 = activity(
        team,
        "Letters workshop",
        kind="co_design_group",
        labelled_as="Co-production workshop",
        rung_planned=6,
        rung_achieved=4,
        date=RECENTLY - timedelta(days=5),
        attendance=[("ama", "2.5"), ("cal", "2"), ("sid", "1.25")],
    )
    a2 = activity(
        team,
        "Survey review",
        rung_planned=4,
        rung_achieved=5,
        attendance=[("ama", "1"), ("sid", "1")],
    )
    a3 = activity(team, "Planning meeting", rung_planned=5, attendance=[("cas", "0.75")])
    d1 = actions.create_decision(
        project=team["project"],
        date=RECENTLY,
        summary="Use plain English",
        taken_by="Group vote",
        present=[team["ama"], team["sid"]],
        by=team["fac"],
    )
    d2 = actions.create_decision(
        project=team["project"],
        date=RECENTLY,
        summary="Print in colour",
        taken_by="Service manager",
        present=[team["sid"]],
        by=team["fac"],
    )
    c1 = actions.create_contribution(
        project=team["project"],
        date=RECENTLY - timedelta(days=5),
        said=SAID,
        contributors=[team["ama"]],
        activity=a1,
        by=team["fac"],
    )
    actions.respond_to_contribution(
        contribution=c1,
        outcome="changed",
        response="The letter now has a parking map",
        fed_back_on=RECENTLY,
        by=team["fac"],
    )
    c2 = actions.create_contribution(
        project=team["project"],
        date=RECENTLY - timedelta(days=5),
        said="Send letters by text message",
        contributors=[team["cal"]],
        activity=a1,
        by=team["fac"],
    )
    actions.respond_to_contribution(
        contribution=c2,
        outcome="not_taken_forward",
        response="The text service cannot send attachments yet",
        by=team["fac"],
    )
    c3 = actions.create_contribution(
        project=team["project"],
        date=LONG_AGO,
        said="Say how long the wait will be",
        contributors=[team["cas"]],
        by=team["fac"],
    )
    c4 = actions.create_contribution(
        project=team["project"],
        date=RECENTLY,
        said="Large print on request",
        contributors=[team["ama"]],
        by=team["fac"],
    )
    return {
        "a1": a1,
        "a2": a2,
        "a3": a3,
        "d1": d1,
        "d2": d2,
        "c1": c1,
        "c2": c2,
        "c3": c3,
        "c4": c4,
    }


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson's 95% interval, written out here so the test does not lean on the core."""
    z = 1.959963984540054
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return centre - half, centre + half


# -- the conversion -------------------------------------------------------------------------


def test_core_records_carry_what_was_recorded(team: dict, record: dict) -> None:
    activities, decisions, contributions = selectors_profile.core_records_of(team["project"])
    # Oldest first: the workshop was five days before the other two.
    assert [a.title for a in activities] == [
        "Letters workshop",
        "Survey review",
        "Planning meeting",
    ]
    first = activities[0]
    assert first.id == str(record["a1"].pk)
    assert first.rung_planned is Rung.CO_DESIGN and first.rung_achieved is Rung.CONSULTATION
    assert first.labelled == "Co-production workshop"
    assert {(p.participant_id, p.role, p.hours_decimal) for p in first.attendance} == {
        (str(team["ama"].pk), Role.PATIENT, Decimal("2.5")),
        (str(team["cal"].pk), Role.CARER, Decimal("2")),
        (str(team["sid"].pk), Role.STAFF, Decimal("1.25")),
    }
    by_id = {d.id: d for d in decisions}
    assert by_id[str(record["d1"].pk)].present_roles == {Role.PATIENT, Role.STAFF}
    assert by_id[str(record["d2"].pk)].present_roles == {Role.STAFF}
    c1 = next(c for c in contributions if c.id == str(record["c1"].pk))
    assert c1.contributor_ids == (str(team["ama"].pk),)
    assert c1.activity_id == str(record["a1"].pk)
    assert c1.fed_back_on == RECENTLY


def test_the_profile_has_the_figures_worked_out_by_hand(team: dict, record: dict) -> None:
    profile = selectors_profile.profile_of(team["project"], TODAY)

    hours = profile.hours
    # Consultation: 2.5 + 2 + 1.25 = 5.75, rounded half up to 5.8; staff 1.25 → 1.3.
    assert hours.row_total(Rung.CONSULTATION) == Decimal("5.8")
    assert hours.cell(Rung.CONSULTATION, Role.STAFF) == Decimal("1.3")
    assert hours.cell(Rung.ENGAGEMENT, Role.PATIENT) == Decimal("1.0")
    assert hours.row_total(None) == Decimal("0.8")  # 0.75, not yet assessed
    assert hours.col_total(Role.CARER) == Decimal("2.8")  # 2 + 0.75
    assert hours.total == Decimal("8.5")
    counts = profile.activities
    assert counts.row_total(Rung.CONSULTATION) == 1  # once, whatever roles attended
    assert counts.col_total(Role.PATIENT) == 2
    assert counts.col_total(Role.VOLUNTEER) == 0
    assert counts.total == 3

    planned = profile.planned_vs_achieved
    assert (planned.below, planned.equal, planned.above, planned.not_assessed) == (1, 0, 1, 1)
    assert planned.mean_gap == pytest.approx((-2 + 1) / 2)
    assert planned.fell_short == (str(record["a1"].pk),)

    influence = profile.influence
    assert (influence.total, influence.changed, influence.pending) == (4, 1, 2)
    assert influence.responded == 2  # the change, and the refusal with its reason
    low, high = wilson(1, 4)
    assert influence.changed_share is not None
    assert influence.changed_share.low == pytest.approx(low)
    assert influence.changed_share.high == pytest.approx(high)

    # One patient, two carers, one member of staff: every count is under 5.
    assert {role: count.shown for role, count in profile.people.items()} == dict.fromkeys(
        Role, "<5"
    )
    assert profile.people_total.shown == "<5"
    assert [flag.code for flag in profile.flags] == [
        core_flags.FlagCode.CONSULTATION_LABELLED_COPRODUCTION,
        core_flags.FlagCode.DECISIONS_WITHOUT_LIVED_EXPERIENCE,
        core_flags.FlagCode.CONTRIBUTIONS_WITHOUT_FEEDBACK,
        core_flags.FlagCode.SAME_FEW_VOICES,
    ]
    decisions_flag = profile.flags[1]
    assert decisions_flag.evidence == (str(record["d2"].pk),)
    assert profile.flags[2].evidence == (str(record["c3"].pk),)


def test_the_conversion_reads_in_a_fixed_number_of_queries(team: dict, record: dict) -> None:
    with CaptureQueriesContext(connection) as few:
        selectors_profile.core_records_of(team["project"])
    for i in range(6):
        extra = activity(
            team,
            f"Extra session {i}",
            rung_planned=5,
            rung_achieved=6,
            attendance=[("ama", "1"), ("cal", "1"), ("cas", "1")],
        )
        decision = actions.create_decision(
            project=team["project"],
            date=RECENTLY,
            summary="More",
            taken_by="Vote",
            present=[team["ama"], team["cal"]],
            by=team["fac"],
        )
        actions.create_contribution(
            project=team["project"],
            date=RECENTLY,
            said="More",
            contributors=[team["cal"], team["cas"]],
            activity=extra,
            by=team["fac"],
        )
        assert decision.pk
    with CaptureQueriesContext(connection) as many:
        records = selectors_profile.core_records_of(team["project"])
    assert len(records.activities) == 9
    assert len(few.captured_queries) == len(many.captured_queries) <= 6


def test_the_page_reads_in_a_bounded_number_of_queries(
    team: dict, record: dict, django_assert_max_num_queries: object
) -> None:
    client = signed_in(team["fac"])
    with CaptureQueriesContext(connection) as first:
        assert client.get(url("profile", team["project"])).status_code == 200
    for i in range(5):
        activity(team, f"More {i}", rung_planned=4, rung_achieved=3, attendance=[("sid", "1")])
    with CaptureQueriesContext(connection) as second:
        assert client.get(url("profile", team["project"])).status_code == 200
    assert len(second.captured_queries) == len(first.captured_queries)
    assert len(second.captured_queries) <= 20


# -- the page ---------------------------------------------------------------------------------


class Tables(HTMLParser):
    """Every table of a page: its attributes and the text of its cells, by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._row: list[tuple[str, str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"attrs": dict(attrs), "rows": []})
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._kind = tag

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append((self._kind, " ".join("".join(self._cell).split())))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables_of(html: str) -> list[dict]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def people_cells(html: str) -> list[str]:
    """The data cells of every table of counts of people on the page."""
    return [
        text
        for table in tables_of(html)
        if "data-people-counts" in table["attrs"]
        for row in table["rows"]
        for kind, text in row
        if kind == "td"
    ]


def assert_no_small_counts(html: str) -> None:
    cells = people_cells(html)
    assert cells, "the page shows no table of people"
    small = [cell for cell in cells if re.fullmatch(r"[0-4]", cell)]
    assert not small, small


def test_the_page_shows_the_tables_and_the_intervals_in_words(team: dict, record: dict) -> None:
    html = signed_in(team["observer"]).get(url("profile", team["project"])).content.decode()
    tables = tables_of(html)
    hours = next(t for t in tables if t["attrs"].get("id") == "hours-table")
    consultation = next(row for row in hours["rows"] if row[0][1].startswith("4. Consultation"))
    # Patient, carer, staff, volunteer, community, facilitator, all roles.
    assert [text for _, text in consultation[1:]] == ["2.5", "2.0", "1.3", "0", "0", "0", "5.8"]
    assert "Hours given, by rung achieved and role" in html
    low, high = wilson(1, 4)
    assert (round(low * 100), round(high * 100)) == (5, 70)
    words = "25% (95% CI 5% to 70%) of contributions led to a change (1 of 4)."
    assert words in html
    assert "50% (95% CI" in html  # responded: the change and the reasoned refusal
    assert "On average, assessed activities reached 0.5 rungs below the rung planned." in html
    assert "Fewer than 5 patients or carers have taken part" in html
    assert_no_small_counts(html)
    # The observer does not record: the activity that fell short is named, not linked.
    assert "Letters workshop" in html
    assert url("activity", team["project"], record["a1"].pk) not in html
    assert SAID not in html


def test_every_flag_is_shown_with_its_explanation_source_and_evidence(
    team: dict, record: dict
) -> None:
    # An informing session that changed nothing adds the tokenism flag to the other four.
    activity(team, "Briefing", rung_planned=3, rung_achieved=3, attendance=[("sid", "1")])
    profile = selectors_profile.profile_of(team["project"])
    assert {flag.code for flag in profile.flags} == set(core_flags.FlagCode)
    client = signed_in(team["patient"])  # a patient partner records, so sees the evidence
    html = client.get(url("profile", team["project"])).content.decode()
    for flag in profile.flags:
        start = html.index(f'id="flag-{flag.code}"')
        block = html[start : html.index("</div>", start)]
        assert "nhsuk-warning-callout__label" in block
        assert flag.title in block
        assert escape(flag.explanation) in block
        assert escape(flag.source) in block
    project = team["project"]
    assert url("activity", project, record["a1"].pk) in html
    assert url("decision_edit", project, record["d2"].pk) in html
    assert url("contribution_respond", project, record["c3"].pk) in html
    assert "Say how long the wait will be" in html  # what was said, for recorders
    assert_no_small_counts(html)


def test_the_empty_state_says_what_to_record_first(team: dict) -> None:
    fac = signed_in(team["fac"]).get(url("profile", team["project"])).content.decode()
    assert "No activities recorded yet" in fac
    assert url("activity_create", team["project"]) in fac
    assert url("participant_add", team["project"]) in fac
    assert url("contribution_create", team["project"]) in fac
    observer = signed_in(team["observer"]).get(url("profile", team["project"])).content.decode()
    assert "No activities recorded yet" in observer
    assert url("activity_create", team["project"]) not in observer


def test_outsiders_get_404_and_every_member_sees_the_profile(team: dict, record: dict) -> None:
    assert signed_in(team["outsider"]).get(url("profile", team["project"])).status_code == 404
    for who in ("fac", "patient", "observer"):
        assert signed_in(team[who]).get(url("profile", team["project"])).status_code == 200
    anonymous = Client().get(url("profile", team["project"]))
    assert anonymous.status_code == 302


def test_the_chart_has_a_table_beside_it(team: dict, record: dict) -> None:
    html = signed_in(team["fac"]).get(url("profile", team["project"])).content.decode()
    assert "<svg" in html
    assert 'aria-labelledby="hours-chart-caption"' in html
    assert "The same figures are in the" in html


def test_five_or_more_people_in_a_role_are_counted(team: dict) -> None:
    fac = team["fac"]
    patients = [add_person(team["project"], f"Patient {i}", "patient", by=fac) for i in range(6)]
    created = actions.create_activity(
        project=team["project"],
        title="Big event",
        kind="event",
        date=RECENTLY,
        hours=Decimal("2"),
        rung_planned=5,
        rung_achieved=5,
        phase="design",
        by=fac,
    )
    actions.record_attendance(
        activity=created, rows=[AttendanceRow(p.pk, "2") for p in patients], by=fac
    )
    html = signed_in(fac).get(url("profile", team["project"])).content.decode()
    people = next(t for t in tables_of(html) if "data-people-counts" in t["attrs"])
    shown = {row[0][1]: row[1][1] for row in people["rows"]}
    # Patients are 6, the only role with anyone; the others are "<5" (zeros included), so
    # the 6 is hidden as well ("[c]"): beside the total of 6 it would show the zeros.
    assert shown["Patient"] == "[c]"
    assert shown["Carer"] == "<5"
    assert shown["Everyone"] == "6"
    assert_no_small_counts(html)

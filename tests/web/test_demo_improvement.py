"""The demo's fracture clinic story: its facts hold, the engine finds its shift, its driver
diagram's history tells how the theory changed, and it loads once."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.improvement import drivers as core_drivers
from coproduce.improvement.pdsa import RampStatus
from coproduce.spc import SpcOptions, spc
from coproduce.spc.types import Direction, PointType, RuleSet, Variation
from coproduce.web import demo, demo_improvement
from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.improvement import selectors as improvement_selectors
from coproduce.web.improvement.models import (
    Aim,
    ChangeIdea,
    DiagramVersion,
    Driver,
    DriverDiagram,
    DriverLink,
    PDSACycle,
    Prediction,
    ProgressScore,
)
from coproduce.web.measures.models import DataPoint, Measure, Phase
from coproduce.web.measures.selectors_chart import chart_for
from coproduce.web.projects.models import (
    Organisation,
    OrganisationMembership,
    Project,
    ProjectMembership,
    Role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def story() -> Project:
    return demo.load_demo().story


def outcome_of(project: Project) -> Measure:
    return Measure.objects.get(project=project, title=demo_improvement.OUTCOME)


def test_the_data_are_the_same_every_time_and_plausible() -> None:
    start = date(2024, 5, 1)
    first, again = demo_improvement.story_data(start), demo_improvement.story_data(start)
    assert first == again
    assert len(first.periods) == demo_improvement.MONTHS == 30
    assert first.periods[0] == start and first.periods[-1] == date(2026, 10, 1)
    before = first.days_to_appointment[: demo_improvement.ADOPTED]
    after = first.days_to_appointment[demo_improvement.ADOPTED :]
    assert 39 < sum(before) / len(before) < 45
    assert 23 < sum(after) / len(after) < 29
    assert all(0 < t <= r for t, r in zip(first.triaged, first.referrals, strict=True))
    assert all(0 < d <= b for d, b in zip(first.did_not_attend, first.booked, strict=True))


def test_the_story_has_an_aim_a_family_of_measures_and_30_months_of_data(story: Project) -> None:
    assert story.title == demo_improvement.PROJECT_TITLE
    assert story.organisation.name == demo.ORGANISATION
    measures = {m.kind: m for m in Measure.objects.filter(project=story)}
    assert set(measures) == {"outcome", "process", "balancing"}
    outcome, process, balancing = measures["outcome"], measures["process"], measures["balancing"]
    assert (outcome.chart, outcome.direction, outcome.target) == ("i", "decrease", 28)
    assert (process.chart, balancing.chart) == ("p", "p")
    for measure in measures.values():
        points = DataPoint.objects.filter(measure=measure)
        assert points.count() == 30
        if measure.chart == "p":
            assert not points.filter(denominator=None).exists()
    last = DataPoint.objects.filter(measure=outcome).order_by("period").last()
    assert last is not None
    this_month = timezone.localdate().replace(day=1)
    assert last.period < this_month
    assert demo_improvement.add_months(last.period, 1) == this_month

    aim = Aim.objects.get(project=story)
    assert (aim.baseline, aim.target, aim.unit, aim.direction) == (42, 28, "days", "decrease")
    assert aim.outcome_measure == outcome
    assert "fracture clinic" in aim.for_whom
    assert aim.deadline > timezone.localdate()
    assert improvement_selectors.aim_problems(aim) == []


def test_the_engine_finds_the_shift_after_the_adopted_change(story: Project) -> None:
    outcome = outcome_of(story)
    points = list(DataPoint.objects.filter(measure=outcome).order_by("period"))
    adopted = demo_improvement.ADOPTED
    phase = Phase.objects.get(measure=outcome)
    assert phase.starts == points[adopted].period
    assert "adopted" in phase.reason

    # Against the baseline's limits (frozen on the months before the change), every month
    # from the adoption on is special cause improvement, below the lower limit; before it the
    # baseline is stable (at most the last two months join the run of the shift).
    frozen = spc(
        [p.value for p in points],
        x=[p.period for p in points],
        chart="i",
        options=SpcOptions(rules=RuleSet.MDC, direction=Direction.DECREASE, freeze=adopted),
    )
    assert frozen.point_type is not None
    assert set(frozen.point_type[: adopted - 2]) == {PointType.COMMON_CAUSE}
    assert PointType.CONCERN not in frozen.point_type
    assert set(frozen.point_type[adopted:]) == {PointType.IMPROVEMENT}
    assert frozen.variation is Variation.IMPROVEMENT_LOW
    assert all(frozen.y[adopted:] < frozen.lcl[adopted:])

    # The chart as the app draws it: limits recalculated from the adoption month, with the
    # new phase wholly below the old one's lower limit, the target inside its limits.
    chart = chart_for(outcome)
    assert chart.result is not None
    first, second = chart.result.phases
    assert first.cl is not None and second.cl is not None
    assert 40 < first.cl < 44 and 24 < second.cl < 28
    assert second.ucl is not None and first.lcl is not None and second.ucl < first.lcl
    assert any("recalculated" in sentence for sentence in chart.reading)
    # The PDSA cycles linked to the outcome measure are drawn on its chart.
    labels = [label for _, label, _ in chart.annotations]
    assert "PDSA 3: " + demo_improvement.TEXT in labels
    assert sum(1 for label in labels if demo_improvement.PHONE in label) == 2


def test_three_ramps_one_abandoned_one_adopted_one_active(story: Project) -> None:
    ramps = {ramp.idea.title: ramp for ramp in improvement_selectors.ramps_of(project=story)}
    assert ramps[demo_improvement.PHONE].status is RampStatus.ABANDONED
    assert ramps[demo_improvement.TEXT].status is RampStatus.ADOPTED
    assert ramps[demo_improvement.TRIAGE].status is RampStatus.ACTIVE
    for ramp in ramps.values():
        assert ramp.problems == []
    assert [c.decision for c in ramps[demo_improvement.PHONE].cycles] == ["adapt", "abandon"]
    text = ramps[demo_improvement.TEXT].cycles
    assert [c.decision for c in text] == ["adapt", "adapt", "adopt"]
    outcome = outcome_of(story)
    patient = ProjectMembership.objects.get(project=story, role=Role.PATIENT_PARTNER)
    for cycle in text:
        assert cycle.learning
        assert cycle.predictions.exists()
        assert all(p.result for p in cycle.predictions.all())
        assert outcome in cycle.measures.all()
        assert patient in cycle.participants.all()
    # The adopted cycle ends in the month before the phase starts.
    phase = Phase.objects.get(measure=outcome)
    assert text[-1].end_date is not None and text[-1].end_date < phase.starts
    ongoing = ramps[demo_improvement.TRIAGE].cycles[-1]
    assert ongoing.end_date is None and ongoing.decision == ""


def test_the_driver_diagram_links_the_aim_drivers_measures_and_change_ideas(
    story: Project,
) -> None:
    diagram = DriverDiagram.objects.get(project=story)
    assert diagram.title == demo_improvement.DIAGRAM
    assert diagram.aim == Aim.objects.get(project=story)
    model = improvement_selectors.core_diagram(diagram)
    assert model.aim == improvement_selectors.aim_statement(Aim.objects.get(project=story))
    assert 2 <= len(model.primary) <= 3
    # Every primary driver is measured, by one of the family of measures, and has secondaries.
    titles = set(Measure.objects.filter(project=story).values_list("title", flat=True))
    assert all(node.measure in titles for node in model.primary)
    assert {node.measure for node in model.primary} == titles
    assert any(node.measure for node in model.secondary)
    assert all(model.links_from(node.key) for node in model.primary)
    assert all(model.links_to(node.key) for node in model.secondary)
    # The three change ideas, with strong and weak links.
    assert {node.text for node in model.ideas} == {
        demo_improvement.PHONE,
        demo_improvement.TEXT,
        demo_improvement.TRIAGE,
    }
    assert {link.strength for link in model.links} == set(core_drivers.Strength)
    phone = next(n for n in model.ideas if n.text == demo_improvement.PHONE)
    assert [link.strength for link in model.links_to(phone.key)] == [
        core_drivers.Strength.WEAK  # it was abandoned
    ]
    text = next(n for n in model.ideas if n.text == demo_improvement.TEXT)
    assert len(model.links_to(text.key)) == 3
    # The advice left is only about measures (the family has three).
    assert [p for p in core_drivers.problems(model) if "without a measure" not in p] == []
    # The driver added after the abandoned ramp was moved to the top of its group.
    slots_used = model.primary[0]
    assert slots_used.text == demo_improvement.SLOTS_USED
    outline = core_drivers.to_outline(model)
    assert outline.aim.children[0].children[0].text == demo_improvement.ANY_TIME


def test_the_diagrams_history_shows_how_the_theory_changed(story: Project) -> None:
    diagram = DriverDiagram.objects.get(project=story)
    versions = list(DiagramVersion.objects.filter(diagram=diagram).order_by("number"))
    assert [v.number for v in versions] == list(range(1, len(versions) + 1))
    descriptions = [v.description for v in versions]
    assert descriptions[0] == "Started the diagram"

    def when(text: str) -> int:
        return next(i for i, d in enumerate(descriptions) if text in d)

    weakened = when(f"to “{demo_improvement.PHONE}” weak (was strong)")
    added = when(f"Added secondary driver “{demo_improvement.ANY_TIME}”")
    texts = when(f"Added change idea “{demo_improvement.TEXT}”")
    moved = when(f"Moved secondary driver “{demo_improvement.ANY_TIME}” above")
    first_theory = when(f"Added change idea “{demo_improvement.PHONE}”")
    assert first_theory < added < texts < moved
    assert first_theory < weakened < texts
    # A patient partner added the driver the abandoned ramp taught them.
    assert versions[added].created_by is not None
    assert versions[added].created_by.email == "priya.shah@demo.coproduce.invalid"
    # The first theory, read back from its version, has no such driver and links the phones
    # strongly; the difference to today names what changed.
    then = improvement_selectors.version_diagram(versions[first_theory])
    assert demo_improvement.ANY_TIME not in {n.text for n in then.secondary}
    assert {link.strength for link in then.links if link.target.startswith("idea:")} == {
        core_drivers.Strength.STRONG
    }
    changes = core_drivers.diff(then, improvement_selectors.core_diagram(diagram))
    kinds = {change.kind for change in changes}
    assert {"secondary_added", "link_strength_changed", "idea_added", "secondary_reordered"} <= (
        kinds
    )


def test_the_diagram_and_its_history_pages_show_the_story(story: Project) -> None:
    facilitator = User.objects.get(email=demo.FACILITATOR_EMAIL)
    client = Client()
    client.force_login(facilitator)
    diagram = DriverDiagram.objects.get(project=story)
    page = client.get(reverse("improvement:diagram", args=[story.pk, diagram.pk]))
    assert page.status_code == 200
    assert demo_improvement.ANY_TIME in page.content.decode()
    history = client.get(reverse("improvement:diagram_history", args=[story.pk, diagram.pk]))
    assert f"Added secondary driver “{demo_improvement.ANY_TIME}”" in history.content.decode()


def test_progress_scores_rise_over_time(story: Project) -> None:
    scores = ProgressScore.objects.filter(project=story).order_by("recorded_on")
    assert [str(s.score) for s in scores] == ["1.5", "2.0", "3.0", "3.5"]
    assert all(s.recorded_on <= timezone.localdate() and s.note for s in scores)


def test_it_is_built_through_the_actions(story: Project) -> None:
    actions = set(AuditEvent.objects.filter(project=story).values_list("action", flat=True))
    assert {
        "project.created",
        "member.added",
        "measure.created",
        "measure.data_saved",
        "aim.created",
        "change_idea.created",
        "pdsa.created",
        "measure.phase_added",
        "progress_score.recorded",
        "driver_diagram.created",
        "driver.created",
        "driver_link.created",
        "driver_link.updated",
        "driver.moved",
    } <= actions


MODELS = [
    Organisation,
    OrganisationMembership,
    Project,
    ProjectMembership,
    User,
    Measure,
    DataPoint,
    Phase,
    Aim,
    ChangeIdea,
    PDSACycle,
    Prediction,
    ProgressScore,
    DriverDiagram,
    Driver,
    DriverLink,
    DiagramVersion,
]


def counts() -> dict[str, int]:
    found = {model.__name__: model.objects.count() for model in MODELS}
    found["audit"] = AuditEvent.objects.exclude(action__startswith="user.password_").count()
    return found


def test_loading_twice_adds_nothing() -> None:
    demo.load_demo()
    first = counts()
    assert first["Project"] == 2 and first["Measure"] == 3 and first["DataPoint"] == 90
    assert first["DriverDiagram"] == 1 and first["Driver"] == 8 and first["DiagramVersion"] > 2
    demo.load_demo()
    assert counts() == first

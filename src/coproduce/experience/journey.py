"""Journeys: emotion along a pathway, hotspots, agency and methods that suit each stage.

Pure Python (no Django, no I/O), issue 6 item 5, docs/adr/0017-journeys.md.

Sources (``../shared/docs/DOMAIN.md``):

* §5.2 touchpoints and emotional mapping: a *touchpoint* is any moment where a person meets
  the service (NHS Institute for Innovation and Improvement 2009, *Experience Based Design*);
  the storyteller picks positive and negative emotion words for each touchpoint, and
  "clusters of negative emotion are hotspots". DOMAIN.md leaves the hotspot threshold as a
  design choice: ours is :class:`HotspotRule`, which says itself in words
  (:meth:`HotspotRule.describe`) so the page can show it.
* §1.2 Batalden: the relative contribution (agency) of patient and professional changes along
  an episode of care; only *product-like* steps suit manufacturing (flow and waste) methods,
  and the platform should warn when product-logic tools such as a value stream map are used
  on *service-like* steps without patients. DOMAIN.md's data fields keep one number
  (professional = 1 − patient); we record both, because in co-production both can be high
  (Batalden's commentary), and read "who leads" from the two (:func:`agency_lead`).
* §7 Lean (value stream map, the eight wastes), §3 SPC and §5 EBCD for the methods suggested.

Valence runs from −2 (very negative) to +2 (very positive), 0 neutral, matching the five-point
comment sentiment; intensity from 1 (mild) to 5 (very strong).

Entry points: :func:`summarise_journey` (touchpoints, stages, hotspots, agency profile and
shifts, per stage method suggestions) and :func:`read_journey` (the plain-English reading).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

VALENCE_MIN = -2
VALENCE_MAX = 2
INTENSITY_MIN = 1
INTENSITY_MAX = 5

#: How many of the most frequent emotion words a summary lists.
TOP_WORDS = 5
#: The difference between patient and professional agency at which one of them leads.
LEAD_MARGIN = 0.2
#: Both agencies at least this high, with neither leading: shared (co-produced) work.
SHARED_LEVEL = 0.5
#: At or above this patient agency, a product-like stage carries a caution.
HIGH_PATIENT_AGENCY = 0.5

MINUS = "\u2212"


class JourneyInputError(ValueError):
    """A value outside its range: ``field`` names it and ``reason`` says why, for people."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class Nature(StrEnum):
    """Batalden's classification of a stage (DOMAIN.md §1.2)."""

    PRODUCT_LIKE = "product_like"
    SERVICE_LIKE = "service_like"
    MIXED = "mixed"
    UNCLASSIFIED = "unclassified"

    @property
    def label(self) -> str:
        return {
            Nature.PRODUCT_LIKE: "Product-like",
            Nature.SERVICE_LIKE: "Service-like",
            Nature.MIXED: "Mixed",
            Nature.UNCLASSIFIED: "Not yet classified",
        }[self]


class Teller(StrEnum):
    PATIENT = "patient"
    CARER = "carer"
    STAFF = "staff"


class Lead(StrEnum):
    """Who leads at a stage, read from patient and professional agency (:func:`agency_lead`)."""

    PATIENT = "patient"
    PROFESSIONAL = "professional"
    SHARED = "shared"
    BALANCED = "balanced"
    UNRECORDED = "unrecorded"

    @property
    def label(self) -> str:
        return {
            Lead.PATIENT: "Patient leads",
            Lead.PROFESSIONAL: "Professionals lead",
            Lead.SHARED: "Shared: both high (co-produced)",
            Lead.BALANCED: "Balanced: neither high",
            Lead.UNRECORDED: "Not recorded",
        }[self]


class MethodFamily(StrEnum):
    FLOW = "flow"
    CO_DESIGN = "co_design"


# -- inputs -----------------------------------------------------------------------------------


def normalise_word(word: str) -> str:
    """An emotion word as counted: trimmed, lower case, inner spaces collapsed."""
    return " ".join(word.split()).lower()


def check_valence(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise JourneyInputError("valence", "Valence must be a whole number from −2 to +2")
    if not VALENCE_MIN <= value <= VALENCE_MAX:
        raise JourneyInputError(
            "valence",
            f"Valence must be from −2 (very negative) to +2 (very positive), not {value}",
        )
    return value


def check_intensity(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise JourneyInputError("intensity", "Intensity must be a whole number from 1 to 5")
    if not INTENSITY_MIN <= value <= INTENSITY_MAX:
        raise JourneyInputError(
            "intensity", f"Intensity must be from 1 (mild) to 5 (very strong), not {value}"
        )
    return value


def check_agency(value: float | None, *, field: str) -> float | None:
    """An agency in [0, 1], or None when not recorded."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise JourneyInputError(field, "Agency must be a number from 0 to 1")
    if not 0.0 <= float(value) <= 1.0:
        raise JourneyInputError(field, f"Agency must be from 0 (none) to 1 (full), not {value:g}")
    return float(value)


@dataclass(frozen=True)
class Emotion:
    """One emotion record at a touchpoint."""

    valence: int
    intensity: int
    words: tuple[str, ...] = ()
    teller: Teller = Teller.PATIENT

    def __post_init__(self) -> None:
        check_valence(self.valence)
        check_intensity(self.intensity)


@dataclass(frozen=True)
class TouchpointInput:
    id: int
    name: str
    emotions: tuple[Emotion, ...] = ()
    marked_hotspot: bool = False


@dataclass(frozen=True)
class StageInput:
    id: int
    name: str
    touchpoints: tuple[TouchpointInput, ...] = ()
    patient_agency: float | None = None
    professional_agency: float | None = None
    nature: Nature = Nature.UNCLASSIFIED

    def __post_init__(self) -> None:
        check_agency(self.patient_agency, field="patient_agency")
        check_agency(self.professional_agency, field="professional_agency")


# -- hotspots ---------------------------------------------------------------------------------


def signed(value: float) -> str:
    """−1.5, 0.0, +1.5: with a true minus sign, for people."""
    text = f"{abs(value):.1f}"
    if text == "0.0":
        return "0.0"
    return (MINUS if value < 0 else "+") + text


@dataclass(frozen=True)
class HotspotRule:
    """When a touchpoint is a hotspot (DOMAIN.md §5.2: "clusters of negative emotion").

    A touchpoint is a hotspot when at least ``min_records`` emotion records were made there and
    their mean valence, weighted by intensity when ``weighted`` (a strong feeling counts more
    than a mild one), is ``threshold`` or lower; or when someone marked it as a hotspot by hand.
    """

    threshold: float = -1.0
    min_records: int = 2
    weighted: bool = True

    def __post_init__(self) -> None:
        if self.min_records < 1:
            raise JourneyInputError("min_records", "At least one record is needed")
        if not VALENCE_MIN <= self.threshold <= VALENCE_MAX:
            raise JourneyInputError("threshold", "The threshold must be from −2 to +2")

    def describe(self) -> str:
        mean = "mean feeling, weighted by intensity," if self.weighted else "mean feeling"
        records = "record" if self.min_records == 1 else "records"
        return (
            f"A touchpoint is a hotspot when at least {self.min_records} emotion {records} "
            f"were made there and their {mean} is {signed(self.threshold)} or lower, on the "
            f"scale from {MINUS}2 (very negative) to +2 (very positive); or when someone "
            "marked it as a hotspot by hand."
        )

    def applies(self, emotions: Sequence[Emotion]) -> bool:
        value = weighted_mean_valence(emotions) if self.weighted else mean_valence(emotions)
        return len(emotions) >= self.min_records and value is not None and value <= self.threshold


def mean_valence(emotions: Sequence[Emotion]) -> float | None:
    if not emotions:
        return None
    return sum(e.valence for e in emotions) / len(emotions)


def weighted_mean_valence(emotions: Sequence[Emotion]) -> float | None:
    """Σ valence × intensity ÷ Σ intensity (intensities are at least 1)."""
    if not emotions:
        return None
    return sum(e.valence * e.intensity for e in emotions) / sum(e.intensity for e in emotions)


def spread(emotions: Sequence[Emotion]) -> float | None:
    """The population standard deviation of valence: 0 when everyone felt the same."""
    mean = mean_valence(emotions)
    if mean is None:
        return None
    return math.sqrt(sum((e.valence - mean) ** 2 for e in emotions) / len(emotions))


def top_words(emotions: Iterable[Emotion], limit: int = TOP_WORDS) -> tuple[tuple[str, int], ...]:
    """The most frequent emotion words with their counts, most frequent first, then A–Z."""
    counts = Counter(
        normalise_word(word) for emotion in emotions for word in emotion.words if word.strip()
    )
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit])


@dataclass(frozen=True)
class TouchpointSummary:
    id: int
    name: str
    stage_id: int
    stage_name: str
    position: int  # 1, 2, ... along the whole journey
    count: int
    mean_valence: float | None
    weighted_valence: float | None
    mean_intensity: float | None
    share_negative: float | None
    words: tuple[tuple[str, int], ...]
    by_rule: bool
    marked: bool

    @property
    def hotspot(self) -> bool:
        return self.by_rule or self.marked

    @property
    def hotspot_reason(self) -> str:
        if self.by_rule and self.marked:
            return "by the rule and marked by hand"
        if self.by_rule:
            return "by the rule"
        if self.marked:
            return "marked by hand"
        return ""


def summarise_touchpoint(
    touchpoint: TouchpointInput,
    *,
    stage: StageInput,
    position: int,
    rule: HotspotRule,
) -> TouchpointSummary:
    emotions = touchpoint.emotions
    count = len(emotions)
    return TouchpointSummary(
        id=touchpoint.id,
        name=touchpoint.name,
        stage_id=stage.id,
        stage_name=stage.name,
        position=position,
        count=count,
        mean_valence=mean_valence(emotions),
        weighted_valence=weighted_mean_valence(emotions),
        mean_intensity=sum(e.intensity for e in emotions) / count if count else None,
        share_negative=sum(1 for e in emotions if e.valence < 0) / count if count else None,
        words=top_words(emotions),
        by_rule=rule.applies(emotions),
        marked=touchpoint.marked_hotspot,
    )


# -- stages, agency and methods ---------------------------------------------------------------


def agency_lead(patient: float | None, professional: float | None) -> Lead:
    """Who leads: the patient or the professionals when one agency exceeds the other by
    ``LEAD_MARGIN`` or more; otherwise *shared* when both are ``SHARED_LEVEL`` or higher
    (co-production), *balanced* when not; *unrecorded* unless both are recorded."""
    if patient is None or professional is None:
        return Lead.UNRECORDED
    difference = patient - professional
    if difference >= LEAD_MARGIN - 1e-9:
        return Lead.PATIENT
    if -difference >= LEAD_MARGIN - 1e-9:
        return Lead.PROFESSIONAL
    if min(patient, professional) >= SHARED_LEVEL:
        return Lead.SHARED
    return Lead.BALANCED


@dataclass(frozen=True)
class Method:
    name: str
    family: MethodFamily
    why: str


FLOW_METHODS: tuple[Method, ...] = (
    Method(
        "Value stream map",
        MethodFamily.FLOW,
        "map process and lead times to find waiting and steps that add no value (DOMAIN §7.3)",
    ),
    Method(
        "5S",
        MethodFamily.FLOW,
        "sort and organise the workplace so less time is spent "
        "searching (motion and waiting wastes, DOMAIN §7.2)",
    ),
    Method(
        "Standard work",
        MethodFamily.FLOW,
        "agree one reliable way of doing a repeatable step, to cut defects and rework",
    ),
    Method(
        "SPC on flow",
        MethodFamily.FLOW,
        "run or control charts of waits and lead times "
        "show whether a change improved flow (DOMAIN §3)",
    ),
)

CO_DESIGN_METHODS: tuple[Method, ...] = (
    Method(
        "Experience-based co-design (EBCD)",
        MethodFamily.CO_DESIGN,
        "gather patients' and staff's experience and design improvements together (DOMAIN §5)",
    ),
    Method(
        "Shared decision making",
        MethodFamily.CO_DESIGN,
        "the patient and professional decide together, with the patient's values at the centre",
    ),
    Method(
        "Co-design events",
        MethodFamily.CO_DESIGN,
        "joint patient and staff events with "
        "emotional mapping to choose priorities (EBCD joint event)",
    ),
    Method(
        "Co-produced care plans",
        MethodFamily.CO_DESIGN,
        "plans written with the patient, who carries them out with the professionals",
    ),
)


@dataclass(frozen=True)
class Suggestion:
    """The methods suggested for a stage, and a note saying why or what to watch."""

    nature: Nature
    methods: tuple[Method, ...]
    note: str
    caution: str = ""


def suggest_methods(nature: Nature, *, patient_agency: float | None = None) -> Suggestion:
    """Methods that suit a stage of this nature (DOMAIN.md §1.2, §3, §5, §7).

    Product-like steps (repeatable, standardisable, where the patient mostly receives) get
    flow and waste tools; service-like steps (made in the meeting of patient and professional)
    get co-design and co-production tools; mixed steps get both, with a note to split the
    stage. A product-like stage where patient agency is high carries a caution, and a
    service-like one a warning against flow tools alone (DOMAIN.md §1.2).
    """
    high = patient_agency is not None and patient_agency >= HIGH_PATIENT_AGENCY
    if nature is Nature.PRODUCT_LIKE:
        caution = (
            f"Patient agency is high here ({patient_agency:.1f}): check the classification "
            "with patients before standardising this stage."
            if high and patient_agency is not None
            else ""
        )
        return Suggestion(
            nature,
            FLOW_METHODS,
            "Product-like: a repeatable step that can be standardised; flow and waste tools "
            "suit it.",
            caution,
        )
    if nature is Nature.SERVICE_LIKE:
        return Suggestion(
            nature,
            CO_DESIGN_METHODS,
            "Service-like: the value is made in the meeting of patient and professional; "
            "co-design and co-production tools suit it.",
            "Do not use a value stream map or other flow tools here without patients' input: "
            "they would miss what matters at this stage.",
        )
    if nature is Nature.MIXED:
        return Suggestion(
            nature,
            FLOW_METHODS + CO_DESIGN_METHODS,
            "Mixed: split the stage. Use flow and waste tools on its repeatable parts (for "
            "example booking or transport) and co-design tools where patient and professional "
            "make the care together.",
        )
    return Suggestion(
        nature, (), "Classify this stage as product-like, service-like or mixed to see methods."
    )


@dataclass(frozen=True)
class StageSummary:
    id: int
    name: str
    position: int
    count: int
    mean_valence: float | None
    spread: float | None
    words: tuple[tuple[str, int], ...]
    hotspots: tuple[str, ...]
    patient_agency: float | None
    professional_agency: float | None
    lead: Lead
    nature: Nature
    suggestion: Suggestion


@dataclass(frozen=True)
class AgencyShift:
    """Who leads changes between two stages with recorded agency (unrecorded ones skipped)."""

    from_stage: str
    to_stage: str
    from_lead: Lead
    to_lead: Lead
    patient_change: float
    professional_change: float

    def describe(self) -> str:
        to = {
            Lead.PATIENT: "to the patient",
            Lead.PROFESSIONAL: "to professionals",
            Lead.SHARED: "to shared work, both high",
            Lead.BALANCED: "to a balance, neither high",
            Lead.UNRECORDED: "",
        }[self.to_lead]
        return f"agency shifts {to} at {self.to_stage} (from {self.from_stage})"


def agency_shifts(stages: Sequence[StageSummary]) -> tuple[AgencyShift, ...]:
    recorded = [s for s in stages if s.lead is not Lead.UNRECORDED]
    shifts = []
    for before, after in itertools.pairwise(recorded):
        if before.lead is after.lead:
            continue
        assert before.patient_agency is not None and after.patient_agency is not None
        assert before.professional_agency is not None and after.professional_agency is not None
        shifts.append(
            AgencyShift(
                from_stage=before.name,
                to_stage=after.name,
                from_lead=before.lead,
                to_lead=after.lead,
                patient_change=after.patient_agency - before.patient_agency,
                professional_change=after.professional_agency - before.professional_agency,
            )
        )
    return tuple(shifts)


@dataclass(frozen=True)
class JourneySummary:
    title: str
    rule: HotspotRule
    touchpoints: tuple[TouchpointSummary, ...]
    stages: tuple[StageSummary, ...]
    shifts: tuple[AgencyShift, ...]
    by_teller: dict[Teller, tuple[TouchpointSummary, ...]] = field(default_factory=dict)

    @property
    def hotspots(self) -> tuple[TouchpointSummary, ...]:
        return tuple(t for t in self.touchpoints if t.hotspot)

    @property
    def count(self) -> int:
        return sum(t.count for t in self.touchpoints)


def _stage_summary(
    stage: StageInput, position: int, touchpoints: Sequence[TouchpointSummary]
) -> StageSummary:
    emotions = [e for t in stage.touchpoints for e in t.emotions]
    return StageSummary(
        id=stage.id,
        name=stage.name,
        position=position,
        count=len(emotions),
        mean_valence=mean_valence(emotions),
        spread=spread(emotions),
        words=top_words(emotions),
        hotspots=tuple(t.name for t in touchpoints if t.hotspot),
        patient_agency=stage.patient_agency,
        professional_agency=stage.professional_agency,
        lead=agency_lead(stage.patient_agency, stage.professional_agency),
        nature=stage.nature,
        suggestion=suggest_methods(stage.nature, patient_agency=stage.patient_agency),
    )


def summarise_journey(
    title: str, stages: Sequence[StageInput], *, rule: HotspotRule | None = None
) -> JourneySummary:
    """Touchpoint and stage summaries, hotspots, the agency profile and its shifts.

    ``stages`` are in pathway order, each with its touchpoints in order.
    """
    rule = rule or HotspotRule()
    touchpoints: list[TouchpointSummary] = []
    stage_summaries = []
    position = 0
    for index, stage in enumerate(stages, start=1):
        mine = []
        for touchpoint in stage.touchpoints:
            position += 1
            mine.append(summarise_touchpoint(touchpoint, stage=stage, position=position, rule=rule))
        touchpoints.extend(mine)
        stage_summaries.append(_stage_summary(stage, index, mine))
    by_teller: dict[Teller, tuple[TouchpointSummary, ...]] = {}
    for teller in Teller:
        position = 0
        rows = []
        for stage in stages:
            for touchpoint in stage.touchpoints:
                position += 1
                own = tuple(e for e in touchpoint.emotions if e.teller is teller)
                if own:
                    rows.append(
                        summarise_touchpoint(
                            TouchpointInput(touchpoint.id, touchpoint.name, own),
                            stage=stage,
                            position=position,
                            rule=rule,
                        )
                    )
        if rows:
            by_teller[teller] = tuple(rows)
    return JourneySummary(
        title=title,
        rule=rule,
        touchpoints=tuple(touchpoints),
        stages=tuple(stage_summaries),
        shifts=agency_shifts(stage_summaries),
        by_teller=by_teller,
    )


# -- the reading ------------------------------------------------------------------------------


def _records(count: int) -> str:
    return f"{count} record" if count == 1 else f"{count} records"


def _names(names: Sequence[str]) -> str:
    quoted = [f"“{name}”" for name in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _worst(rows: Sequence[TouchpointSummary]) -> TouchpointSummary | None:
    scored = [r for r in rows if r.weighted_valence is not None]
    if not scored:
        return None
    return min(scored, key=lambda r: (r.weighted_valence, -r.count, r.position))


def _best(rows: Sequence[TouchpointSummary]) -> TouchpointSummary | None:
    scored = [r for r in rows if r.weighted_valence is not None]
    if not scored:
        return None
    return max(scored, key=lambda r: (r.weighted_valence, r.count, -r.position))


def _feeling(row: TouchpointSummary) -> str:
    assert row.weighted_valence is not None
    words = f", most often “{row.words[0][0]}”" if row.words else ""
    return (
        f"“{row.name}” ({row.stage_name}): {signed(row.weighted_valence)} "
        f"from {_records(row.count)}{words}"
    )


_WHO = {
    Teller.PATIENT: "Patients",
    Teller.CARER: "Carers",
    Teller.STAFF: "Staff",
}


def read_journey(summary: JourneySummary) -> tuple[str, ...]:
    """The journey in plain English, one paragraph per item (DOMAIN.md §1.2, §5.2).

    For example: "Patients feel worst at “Waiting for results” (Diagnosis): −1.8 from 5
    records, most often “anxious”." … "Agency shifts to professionals at Treatment (from
    Diagnosis)."
    """
    lines: list[str] = []
    if not summary.touchpoints:
        return (
            "This journey has no touchpoints yet: add the stages and the moments where "
            "people meet the service.",
        )
    if summary.count == 0:
        lines.append("No emotions have been recorded at any touchpoint yet.")
    else:
        for teller, rows in summary.by_teller.items():
            worst = _worst(rows)
            best = _best(rows)
            if worst is None or best is None:
                continue
            who = _WHO[teller]
            text = f"{who} feel worst at {_feeling(worst)}."
            if best.id != worst.id and (best.weighted_valence or 0) > 0:
                text += f" They feel best at {_feeling(best)}."
            lines.append(text)
        hotspots = summary.hotspots
        if hotspots:
            lines.append(
                f"{len(hotspots)} hotspot{'s' if len(hotspots) != 1 else ''}: "
                f"{_names([h.name for h in hotspots])}."
            )
        else:
            lines.append("No touchpoint is a hotspot by the rule, and none is marked by hand.")
    recorded = [s for s in summary.stages if s.lead is not Lead.UNRECORDED]
    if not recorded:
        lines.append("Patient and professional agency have not been recorded for any stage.")
    else:
        first = recorded[0]
        text = f"At {first.name} ({_stage_agency(first)}), {first.lead.label.lower()}."
        if summary.shifts:
            text += " Then " + "; ".join(s.describe() for s in summary.shifts) + "."
        else:
            text += " Who leads does not change along the stages recorded."
        shared = [s.name for s in recorded if s.lead is Lead.SHARED]
        if shared:
            text += (
                f" Patient and professional agency are both high at {', '.join(shared)}: "
                "the care is co-produced there."
            )
        lines.append(text)
    natures: dict[Nature, list[str]] = {}
    for stage in summary.stages:
        natures.setdefault(stage.nature, []).append(stage.name)
    parts = []
    if Nature.PRODUCT_LIKE in natures:
        parts.append(
            "Product-like, where flow and waste tools suit: "
            f"{', '.join(natures[Nature.PRODUCT_LIKE])}."
        )
    if Nature.SERVICE_LIKE in natures:
        parts.append(
            "Service-like, where co-design and co-production tools suit: "
            f"{', '.join(natures[Nature.SERVICE_LIKE])}."
        )
    if Nature.MIXED in natures:
        parts.append(f"Mixed, to split: {', '.join(natures[Nature.MIXED])}.")
    if Nature.UNCLASSIFIED in natures:
        parts.append(f"Not yet classified: {', '.join(natures[Nature.UNCLASSIFIED])}.")
    if parts:
        lines.append(" ".join(parts))
    return tuple(lines)


def _stage_agency(stage: StageSummary) -> str:
    assert stage.patient_agency is not None and stage.professional_agency is not None
    return f"patient {stage.patient_agency:.1f}, professional {stage.professional_agency:.1f}"

"""The vocabulary of participation: ladders, phases, roles, activities, stages and principles.

* :class:`Rung`: the Think Local Act Personal (TLAP) ladder of co-production, seven rungs from
  coercion to co-production, grouped into doing *to*, doing *for* and doing *with* people
  (DOMAIN.md §1.3);
* :class:`ArnsteinRung` and :func:`arnstein_for`: Arnstein's (1969) ladder and the crosswalk
  from TLAP to it (a design choice of DOMAIN.md §1.3, from neither source);
* :class:`ServicePhase`: the four phases of the service cycle (Nabatchi, Sancino & Sicilia
  2017; Loeffler & Bovaird's "four Co's", DOMAIN.md §1.1);
* :class:`Role`, :class:`ActivityKind`: who takes part and in what;
* :class:`Stage`: Tuckman's stages of group development (DOMAIN.md §1.6);
* :class:`NefPrinciple`: nef's six principles of co-production (DOMAIN.md §1.4);
* :class:`Capability`: Sharma, Conduit & Hill's (2014) four organisational capabilities for
  co-production (DOMAIN.md §1.5).

Pure: no Django, no I/O.
"""

from __future__ import annotations

from enum import Enum, IntEnum, StrEnum


class LadderGroup(StrEnum):
    """Who does what to whom, in the LBHF grouping of the TLAP ladder (DOMAIN.md §1.3)."""

    DOING_TO = "doing_to"
    DOING_FOR = "doing_for"
    DOING_WITH = "doing_with"

    @property
    def label(self) -> str:
        return _LADDER_GROUP_LABELS[self]


_LADDER_GROUP_LABELS = {
    LadderGroup.DOING_TO: "Doing to",
    LadderGroup.DOING_FOR: "Doing for",
    LadderGroup.DOING_WITH: "Doing with",
}


class Rung(IntEnum):
    """A rung of the TLAP ladder of co-production, 1 (bottom) to 7 (top), DOMAIN.md §1.3.

    Rungs are ordered, so ``rung <= Rung.CONSULTATION`` reads as "consultation or below".
    """

    COERCION = 1
    EDUCATING = 2
    INFORMING = 3
    CONSULTATION = 4
    ENGAGEMENT = 5
    CO_DESIGN = 6
    CO_PRODUCTION = 7

    @property
    def key(self) -> str:
        """The lower-case name, e.g. ``"co_design"``, for forms and JSON."""
        return self.name.lower()

    @property
    def label(self) -> str:
        return _RUNG_LABELS[self]

    @property
    def description(self) -> str:
        """What the rung means in practice (paraphrasing the table in DOMAIN.md §1.3)."""
        return _RUNG_DESCRIPTIONS[self]

    @property
    def group(self) -> LadderGroup:
        if self <= Rung.EDUCATING:
            return LadderGroup.DOING_TO
        if self <= Rung.ENGAGEMENT:
            return LadderGroup.DOING_FOR
        return LadderGroup.DOING_WITH

    @classmethod
    def parse(cls, value: Rung | int | str) -> Rung:
        """A rung from its number (``6``, ``"6"``) or its key or name (``"co_design"``)."""
        if isinstance(value, int):
            return cls(value)
        text = value.strip()
        if text.isdigit():
            return cls(int(text))
        return cls[text.upper().replace("-", "_")]


_RUNG_LABELS = {
    Rung.COERCION: "Coercion",
    Rung.EDUCATING: "Educating",
    Rung.INFORMING: "Informing",
    Rung.CONSULTATION: "Consultation",
    Rung.ENGAGEMENT: "Engagement",
    Rung.CO_DESIGN: "Co-design",
    Rung.CO_PRODUCTION: "Co-production",
}

_RUNG_DESCRIPTIONS = {
    Rung.COERCION: "People are there to receive; what they think does not count.",
    Rung.EDUCATING: "Staff help people understand how the service is designed and run.",
    Rung.INFORMING: "Staff tell people about the service and about decisions already taken.",
    Rung.CONSULTATION: (
        "People are asked for their views, in surveys or meetings, but may have no power "
        "to change anything: a risk of tokenism."
    ),
    Rung.ENGAGEMENT: (
        "People have more chances to give their views and some influence, as far as the "
        "service allows."
    ),
    Rung.CO_DESIGN: (
        "People help design the service from their experience and have real influence, "
        "but do not see the design through."
    ),
    Rung.CO_PRODUCTION: (
        "People and staff work as equals in designing, delivering and evaluating the service."
    ),
}


class ArnsteinGroup(StrEnum):
    """Arnstein's three bands of the ladder of citizen participation."""

    NON_PARTICIPATION = "non_participation"
    TOKENISM = "tokenism"
    CITIZEN_POWER = "citizen_power"


class ArnsteinRung(IntEnum):
    """Arnstein SR (1969) "A ladder of citizen participation", JAIP 35(4):216–224 (§1.3)."""

    MANIPULATION = 1
    THERAPY = 2
    INFORMING = 3
    CONSULTATION = 4
    PLACATION = 5
    PARTNERSHIP = 6
    DELEGATED_POWER = 7
    CITIZEN_CONTROL = 8

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()

    @property
    def group(self) -> ArnsteinGroup:
        if self <= ArnsteinRung.THERAPY:
            return ArnsteinGroup.NON_PARTICIPATION
        if self <= ArnsteinRung.PLACATION:
            return ArnsteinGroup.TOKENISM
        return ArnsteinGroup.CITIZEN_POWER


_CROSSWALK: dict[Rung, tuple[ArnsteinRung, ...]] = {
    Rung.COERCION: (ArnsteinRung.MANIPULATION,),
    Rung.EDUCATING: (ArnsteinRung.THERAPY,),
    Rung.INFORMING: (ArnsteinRung.INFORMING,),
    Rung.CONSULTATION: (ArnsteinRung.CONSULTATION,),
    Rung.ENGAGEMENT: (ArnsteinRung.PLACATION,),
    Rung.CO_DESIGN: (ArnsteinRung.PARTNERSHIP,),
    Rung.CO_PRODUCTION: (
        ArnsteinRung.PARTNERSHIP,
        ArnsteinRung.DELEGATED_POWER,
        ArnsteinRung.CITIZEN_CONTROL,
    ),
}


def arnstein_for(rung: Rung) -> tuple[ArnsteinRung, ...]:
    """The Arnstein rungs a TLAP rung may correspond to, lowest first.

    The crosswalk is a design choice (DOMAIN.md §1.3), not from either source; co-production
    spans partnership to citizen control.
    """
    return _CROSSWALK[Rung(rung)]


class ServicePhase(StrEnum):
    """Where in the service cycle the activity sits (Nabatchi et al. 2017; the four Co's)."""

    COMMISSIONING = "commissioning"
    DESIGN = "design"
    DELIVERY = "delivery"
    ASSESSMENT = "assessment"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def co_label(self) -> str:
        """Loeffler & Bovaird's name for co-production in this phase, e.g. "Co-delivery"."""
        return f"Co-{self.value}"


class Role(StrEnum):
    """The role in which someone takes part (DOMAIN.md §8, Participant)."""

    PATIENT = "patient"
    CARER = "carer"
    STAFF = "staff"
    VOLUNTEER = "volunteer"
    COMMUNITY = "community"
    FACILITATOR = "facilitator"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]

    @property
    def plural(self) -> str:
        """The lower-case plural for sentences: "patients", "community or voluntary sector"."""
        return _ROLE_PLURALS[self]


_ROLE_LABELS = {
    Role.PATIENT: "Patient",
    Role.CARER: "Carer",
    Role.STAFF: "Staff",
    Role.VOLUNTEER: "Volunteer",
    Role.COMMUNITY: "Community or voluntary sector",
    Role.FACILITATOR: "Facilitator",
}

_ROLE_PLURALS = {
    Role.PATIENT: "patients",
    Role.CARER: "carers",
    Role.STAFF: "staff",
    Role.VOLUNTEER: "volunteers",
    Role.COMMUNITY: "community or voluntary sector members",
    Role.FACILITATOR: "facilitators",
}

LIVED_EXPERIENCE: frozenset[Role] = frozenset({Role.PATIENT, Role.CARER})
"""The roles that bring lived experience of the service: patients and carers."""


class ActivityKind(StrEnum):
    """What sort of activity people took part in (DOMAIN.md §8, Activity)."""

    MEETING = "meeting"
    INTERVIEW = "interview"
    EVENT = "event"
    CO_DESIGN_GROUP = "co_design_group"
    PDSA_TEST = "pdsa_test"
    SURVEY = "survey"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def plural(self) -> str:
        """The lower-case plural for sentences: "co-design group sessions"."""
        return _KIND_PLURALS[self]


_KIND_LABELS = {
    ActivityKind.MEETING: "Meeting",
    ActivityKind.INTERVIEW: "Interview",
    ActivityKind.EVENT: "Event",
    ActivityKind.CO_DESIGN_GROUP: "Co-design group",
    ActivityKind.PDSA_TEST: "PDSA test",
    ActivityKind.SURVEY: "Survey",
    ActivityKind.OTHER: "Other",
}

_KIND_PLURALS = {
    ActivityKind.MEETING: "meetings",
    ActivityKind.INTERVIEW: "interviews",
    ActivityKind.EVENT: "events",
    ActivityKind.CO_DESIGN_GROUP: "co-design group sessions",
    ActivityKind.PDSA_TEST: "PDSA tests",
    ActivityKind.SURVEY: "surveys",
    ActivityKind.OTHER: "other activities",
}


class Stage(IntEnum):
    """Tuckman's stages of group development, in order (Tuckman 1965; Tuckman & Jensen 1977).

    Groups may move back to an earlier stage (DOMAIN.md §1.6).
    """

    FORMING = 1
    STORMING = 2
    NORMING = 3
    PERFORMING = 4
    ADJOURNING = 5

    @property
    def key(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return self.name.capitalize()

    @property
    def signs(self) -> str:
        """Typical signs of the stage (paraphrasing DOMAIN.md §1.6)."""
        return _STAGE_SIGNS[self]

    @classmethod
    def parse(cls, value: Stage | int | str) -> Stage:
        """A stage from its number or its key or name (``"norming"``)."""
        if isinstance(value, int):
            return cls(value)
        text = value.strip()
        if text.isdigit():
            return cls(int(text))
        return cls[text.upper()]


_STAGE_SIGNS = {
    Stage.FORMING: "Getting to know the task and each other; agreeing ground rules.",
    Stage.STORMING: "Disagreement about roles and boundaries; pushing back against control.",
    Stage.NORMING: "The group gels: shared norms, and other views accepted.",
    Stage.PERFORMING: "Trusting, flexible work focused on the task.",
    Stage.ADJOURNING: "Finishing, recognising what people gave, and moving on.",
}


class NefPrinciple(Enum):
    """nef's six principles of co-production (Boyle, Slay & Stephens 2010; DOMAIN.md §1.4).

    A plain :class:`~enum.Enum` with string values (not a ``StrEnum``), so that ``title`` can
    be a property without shadowing :meth:`str.title`. ``NefPrinciple("assets")`` parses a key.
    """

    ASSETS = "assets"
    CAPABILITIES = "capabilities"
    RECIPROCITY = "reciprocity"
    PEER_SUPPORT = "peer_support"
    BLUR_ROLES = "blur_roles"
    FACILITATE = "facilitate"

    @property
    def key(self) -> str:
        return str(self.value)

    @property
    def title(self) -> str:
        """The principle, paraphrased."""
        return _NEF[self][0]

    @property
    def prompt(self) -> str:
        """The self-assessment question (a design choice of DOMAIN.md §1.4)."""
        return _NEF[self][1]


_NEF = {
    NefPrinciple.ASSETS: (
        "People are assets and equal partners",
        "Are participants' skills recorded and used?",
    ),
    NefPrinciple.CAPABILITIES: (
        "Build on what people can already do",
        "Do roles draw on what participants can already do?",
    ),
    NefPrinciple.RECIPROCITY: (
        "Mutuality and reciprocity",
        "Is there a give-and-get (recognition, payment, learning)?",
    ),
    NefPrinciple.PEER_SUPPORT: (
        "Peer and personal networks",
        "Are peer networks part of delivery?",
    ),
    NefPrinciple.BLUR_ROLES: (
        "Blur the line between professionals and recipients",
        "Do users hold delivery or decision roles?",
    ),
    NefPrinciple.FACILITATE: (
        "Services as catalysts and facilitators",
        "Is staff time spent enabling rather than doing for?",
    ),
}


class Capability(Enum):
    """Organisational capabilities for co-production (Sharma, Conduit & Hill 2014; §1.5).

    The four names are Sharma et al.'s; the titles and self-assessment prompts are ours
    (design choice). A plain ``Enum`` with string values, as :class:`NefPrinciple`.
    """

    CUSTOMER_ACTIVATION = "customer_activation"
    ORGANISATIONAL_ACTIVATION = "organisational_activation"
    INTERACTION = "interaction"
    LEARNING_AGILITY = "learning_agility"

    @property
    def key(self) -> str:
        return str(self.value)

    @property
    def title(self) -> str:
        return _CAPABILITIES[self][0]

    @property
    def prompt(self) -> str:
        """The self-assessment question (design choice)."""
        return _CAPABILITIES[self][1]


_CAPABILITIES = {
    Capability.CUSTOMER_ACTIVATION: (
        "Customer activation",
        "Do we help patients and carers get ready to take part: information, confidence, "
        "practical support?",
    ),
    Capability.ORGANISATIONAL_ACTIVATION: (
        "Organisational activation",
        "Do leaders, time, money and policies back co-production, not just permit it?",
    ),
    Capability.INTERACTION: (
        "Interaction capability",
        "Do staff have the skills and the settings to work with patients and carers as equals?",
    ),
    Capability.LEARNING_AGILITY: (
        "Learning agility",
        "Do we change what we do quickly when patients and carers show us something new?",
    ),
}

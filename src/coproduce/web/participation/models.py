"""Who takes part in a project, how deeply, with what influence (DOMAIN.md §1, docs/adr/0010).

The calculations (profile, flags, equity ratios, payments, GRIPP2) live in the pure core,
``coproduce.participation``; these tables keep the record it works on.

Personal data here is of three kinds, kept apart:

* ``Participant`` and its ``ConsentRecord`` rows: names, contact and access needs, seen by
  facilitators (and, for names and roles, by the members who record activities).
* ``EqualityRecord``: optional, self-declared equality monitoring, in its own table, never
  shown row by row to anyone: selectors only return aggregates with small-number suppression.
* Free text (contributions, responses, notes) is never copied into audit summaries or logs.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from coproduce.web.improvement.models import ChangeIdea, PDSACycle
from coproduce.web.projects.models import Organisation, Project, ProjectMembership

# -- choices: values are the core's enum values (a test checks they match) ----------------


class ParticipantRole(models.TextChoices):
    PATIENT = "patient", "Patient"
    CARER = "carer", "Carer"
    STAFF = "staff", "Staff"
    VOLUNTEER = "volunteer", "Volunteer"
    COMMUNITY = "community", "Community or voluntary sector"
    FACILITATOR = "facilitator", "Facilitator"


class ContactPreference(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    TEXT = "text", "Text message"
    POST = "post", "Post"
    FACILITATOR = "facilitator", "Through the facilitator"
    NONE = "none", "Do not contact"


class AccessNeed(models.TextChoices):
    LARGE_PRINT = "large_print", "Large print"
    EASY_READ = "easy_read", "Easy read"
    INTERPRETER = "interpreter", "Spoken-language interpreter"
    BSL = "bsl", "British Sign Language interpreter"
    STEP_FREE = "step_free", "Step-free access"
    HEARING_LOOP = "hearing_loop", "Hearing loop"
    OTHER = "other", "Something else"


class ConsentPurpose(models.TextChoices):
    TAKE_PART = "take_part", "Taking part in the project"
    CONTACT = "contact", "Being contacted about the project"
    EQUALITY = "equality", "Equality monitoring"
    QUOTES = "quotes", "Anonymous quotes in reports"
    PAYMENT = "payment", "Payment and expenses records"
    RECORDING = "recording", "Audio or video recording"


class ActivityKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    INTERVIEW = "interview", "Interview"
    EVENT = "event", "Event"
    CO_DESIGN_GROUP = "co_design_group", "Co-design group"
    PDSA_TEST = "pdsa_test", "PDSA test"
    SURVEY = "survey", "Survey"
    OTHER = "other", "Other"


class Rung(models.IntegerChoices):
    """TLAP's ladder of co-production, bottom to top (DOMAIN.md §1.3)."""

    COERCION = 1, "Coercion"
    EDUCATING = 2, "Educating"
    INFORMING = 3, "Informing"
    CONSULTATION = 4, "Consultation"
    ENGAGEMENT = 5, "Engagement"
    CO_DESIGN = 6, "Co-design"
    CO_PRODUCTION = 7, "Co-production"


class ServicePhase(models.TextChoices):
    COMMISSIONING = "commissioning", "Commissioning"
    DESIGN = "design", "Design"
    DELIVERY = "delivery", "Delivery"
    ASSESSMENT = "assessment", "Assessment"


class Outcome(models.TextChoices):
    PENDING = "pending", "Waiting for a response"
    CHANGED = "changed", "Something changed"
    NOT_TAKEN_FORWARD = "not_taken_forward", "Not taken forward"


class SupportKind(models.TextChoices):
    TRAINING = "training", "Training"
    BUDDY = "buddy", "A buddy or mentor"
    EXPENSES_IN_ADVANCE = "expenses_in_advance", "Expenses paid in advance"
    ACCESSIBLE_MATERIALS = "accessible_materials", "Accessible materials"
    OTHER = "other", "Other support"


class ExpenseStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"
    REJECTED = "rejected", "Rejected"


class ExpenseCategory(models.TextChoices):
    TRAVEL = "travel", "Travel"
    PARKING = "parking", "Parking"
    CARE_COVER = "care_cover", "Care cover (for someone you care for)"
    OTHER = "other", "Something else"


class GroupStage(models.TextChoices):
    FORMING = "forming", "Forming"
    STORMING = "storming", "Storming"
    NORMING = "norming", "Norming"
    PERFORMING = "performing", "Performing"
    ADJOURNING = "adjourning", "Adjourning"


def _who() -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )


class Stamped(models.Model):
    created_by = _who()
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = _who()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


# -- people -------------------------------------------------------------------------------


class PaymentTier(models.Model):
    """An organisation's role tier for involvement payments, with its hourly rate."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="payment_tiers"
    )
    name = models.CharField(max_length=100)
    hourly_rate = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    description = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="one_tier_name_per_org"),
            models.CheckConstraint(
                condition=Q(hourly_rate__isnull=True) | Q(hourly_rate__gte=Decimal("0")),
                name="tier_rate_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlusGroup(models.Model):
    """A locally chosen PLUS group of Core20PLUS5 (DOMAIN.md §1.7), set per organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="plus_groups"
    )
    name = models.CharField(max_length=150)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="one_plus_group_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Participant(Stamped):
    """Someone who takes part in a project, with or without an account."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField("name or pseudonym", max_length=150)
    role = models.CharField(max_length=20, choices=ParticipantRole.choices)
    membership = models.OneToOneField(
        ProjectMembership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant",
    )
    contact_preference = models.CharField(
        max_length=20, choices=ContactPreference.choices, default=ContactPreference.FACILITATOR
    )
    contact_details = models.CharField(max_length=300, blank=True)
    access_needs = models.JSONField(default=list, blank=True)
    access_notes = models.CharField(max_length=300, blank=True)
    skills = models.TextField("skills and experience they bring", blank=True)
    payment_tier = models.ForeignKey(
        PaymentTier, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    wants_payment = models.BooleanField(default=False)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["project", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="one_participant_name"),
            models.CheckConstraint(
                condition=Q(role__in=ParticipantRole.values), name="participant_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ConsentRecord(models.Model):
    """Consent for one purpose: given on a date, perhaps withdrawn later. Never deleted."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    given_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)
    how = models.CharField("how it was recorded", max_length=200, blank=True)
    recorded_by = _who()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["participant", "purpose", "-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} consent of participant {self.participant_id}"


class EqualityRecord(models.Model):
    """Self-declared equality monitoring for one participant, stored apart.

    Nothing shows a row of this table: selectors return only suppressed aggregates. Blank
    means "not answered" or "prefer not to say".
    """

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="equality"
    )
    age_band = models.CharField(max_length=20, blank=True)
    sex = models.CharField(max_length=20, blank=True)
    ethnicity = models.CharField(max_length=40, blank=True)
    disability = models.CharField(max_length=20, blank=True)
    imd_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    plus_groups = models.ManyToManyField(PlusGroup, blank=True, related_name="+")
    self_declared = models.BooleanField(
        default=True, help_text="False when a facilitator recorded the answers on their behalf."
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(imd_decile__isnull=True)
                | (Q(imd_decile__gte=1) & Q(imd_decile__lte=10)),
                name="imd_decile_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"equality record {self.pk}"


class PopulationGroup(Stamped):
    """The population a project's service serves, one group of one dimension per row."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="population")
    dimension = models.CharField(max_length=20)
    group = models.CharField(max_length=60)
    count = models.DecimalField(max_digits=14, decimal_places=4)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["project", "dimension", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "dimension", "group"], name="one_population_group"
            ),
            models.CheckConstraint(condition=Q(count__gte=0), name="population_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.group}"


# -- activities, attendance, decisions, influence ------------------------------------------


class Activity(Stamped):
    """A meeting, interview, event, co-design group session, PDSA test or survey."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    labelled_as = models.CharField("what the organisers called it", max_length=200, blank=True)
    date = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    rung_planned = models.PositiveSmallIntegerField(choices=Rung.choices)
    rung_achieved = models.PositiveSmallIntegerField(choices=Rung.choices, null=True, blank=True)
    phase = models.CharField(max_length=20, choices=ServicePhase.choices)
    notes = models.TextField(blank=True)
    pdsa_cycle = models.ForeignKey(
        PDSACycle, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    group = models.ForeignKey(
        "Group", on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )

    class Meta:
        ordering = ["project", "-date", "-pk"]
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=24), name="activity_hours_0_to_24"
            ),
            models.CheckConstraint(
                condition=Q(rung_planned__gte=1) & Q(rung_planned__lte=7),
                name="activity_rung_planned_1_to_7",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """One participant at one activity, with the hours they gave and what they are owed."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="attendance"
    )
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    assisted = models.BooleanField(
        default=False, help_text="Someone took part with support (interpreter, advocate)."
    )
    rate = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    tier_name = models.CharField(
        max_length=100, blank=True, help_text="The payment tier when the payment was earned."
    )

    class Meta:
        ordering = ["activity", "participant__name"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "participant"], name="attend_once"),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=24), name="attendance_hours_0_to_24"
            ),
        ]

    def __str__(self) -> str:
        return f"participant {self.participant_id} at activity {self.activity_id}"


class Decision(Stamped):
    """A decision taken in the project, and who was in the room (DOMAIN.md §0.1)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="participation_decisions"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    date = models.DateField()
    summary = models.TextField("what was decided")
    taken_by = models.CharField("how it was decided, and by whom", max_length=200)
    present = models.ManyToManyField(Participant, blank=True, related_name="decisions_present")
    change_idea = models.ForeignKey(
        ChangeIdea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["project", "-date", "-pk"]

    def __str__(self) -> str:
        return f"decision {self.pk}"


class Contribution(Stamped):
    """ "You said": what a person or group contributed; "we did": what changed, or why not."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contributions")
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions"
    )
    date = models.DateField()
    contributors = models.ManyToManyField(Participant, related_name="contributions")
    said = models.TextField("what was said or suggested")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    response = models.TextField("what changed, or why not", blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    change_idea = models.ForeignKey(
        ChangeIdea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pdsa_cycle = models.ForeignKey(
        PDSACycle, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions"
    )
    fed_back_on = models.DateField("told the contributors on", null=True, blank=True)

    class Meta:
        ordering = ["project", "-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="pending") | ~Q(response=""),
                name="contribution_outcome_has_response",
            ),
        ]

    def __str__(self) -> str:
        return f"contribution {self.pk}"


# -- support for people taking part ----------------------------------------------------------


class Checkin(models.Model):
    """A short self-efficacy and knowledge check-in (Thomsen 2015; DOMAIN.md §1.5)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="checkins")
    date = models.DateField()
    answers = models.JSONField(default=dict)
    self_reported = models.BooleanField(default=True)
    recorded_by = _who()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["participant", "-date", "-pk"]

    def __str__(self) -> str:
        return f"check-in {self.pk}"


class SupportOffer(Stamped):
    """Support offered to a participant: training, a buddy, expenses paid in advance..."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="support")
    kind = models.CharField(max_length=30, choices=SupportKind.choices)
    offered_on = models.DateField()
    taken_up = models.BooleanField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["participant", "-offered_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} for participant {self.participant_id}"


class ExpenseClaim(Stamped):
    """An expense claim (travel, care cover...) by a participant, through its statuses."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="expenses")
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="expenses"
    )
    incurred_on = models.DateField()
    category = models.CharField(max_length=20, choices=ExpenseCategory.choices)
    description = models.CharField(max_length=300, blank=True)
    amount = models.DecimalField(max_digits=9, decimal_places=2)
    status = models.CharField(
        max_length=20, choices=ExpenseStatus.choices, default=ExpenseStatus.SUBMITTED
    )
    status_changed_on = models.DateField(null=True, blank=True)
    status_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["participant", "-incurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive"),
            models.CheckConstraint(
                condition=Q(category__in=ExpenseCategory.values), name="expense_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"expense claim {self.pk}"


# -- groups, stages and self-assessments --------------------------------------------------


class Group(Stamped):
    """A co-design group, improvement team or steering group, with its members."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=150)
    purpose = models.CharField(max_length=300, blank=True)
    members = models.ManyToManyField(Participant, blank=True, related_name="groups")

    class Meta:
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="one_group_name"),
        ]

    def __str__(self) -> str:
        return self.name


class PulseRound(models.Model):
    """One anonymous Tuckman-stage pulse of a group (DOMAIN.md §1.6)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="pulse_rounds")
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    opened_by = _who()

    class Meta:
        ordering = ["group", "-opened_on", "-pk"]

    def __str__(self) -> str:
        return f"pulse round {self.pk}"


class PulseTally(models.Model):
    """How many members chose a stage in a pulse round. No row links an answer to a person.

    All five rows of a round are made when it opens, so neither the order rows were created
    in nor their ids say which stage the first (or any) member chose; an answer only adds one
    to a count. Who has answered is in :class:`PulseReceipt`, apart.
    """

    round = models.ForeignKey(PulseRound, on_delete=models.CASCADE, related_name="tallies")
    stage = models.CharField(max_length=20, choices=GroupStage.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "stage"], name="one_tally_per_stage"),
        ]

    def __str__(self) -> str:
        return f"pulse tally {self.pk}"


class PulseReceipt(models.Model):
    """That a member has answered a round (so they answer once), kept apart from the answer."""

    round = models.ForeignKey(PulseRound, on_delete=models.CASCADE, related_name="receipts")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "participant"], name="answer_pulse_once"),
        ]

    def __str__(self) -> str:
        return f"pulse receipt {self.pk}"


class StageLog(models.Model):
    """A facilitator's reading of a group's stage on a date (regression allowed)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="stage_log")
    date = models.DateField()
    stage = models.CharField(max_length=20, choices=GroupStage.choices)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = _who()

    class Meta:
        ordering = ["group", "-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.stage} on {self.date}"


class PrinciplesAssessment(models.Model):
    """NEF's six principles of co-production, scored 0–4 with evidence (DOMAIN.md §1.4)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="principles_assessments"
    )
    date = models.DateField()
    scores = models.JSONField(default=dict)
    evidence = models.JSONField(default=dict)
    recorded_by = _who()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "-date", "-pk"]

    def __str__(self) -> str:
        return f"principles assessment {self.pk}"


class CapabilityAssessment(models.Model):
    """Sharma et al.'s four organisational capabilities, scored 0–4 with evidence (§1.5)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="capability_assessments"
    )
    date = models.DateField()
    scores = models.JSONField(default=dict)
    evidence = models.JSONField(default=dict)
    recorded_by = _who()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation", "-date", "-pk"]

    def __str__(self) -> str:
        return f"capability assessment {self.pk}"


# -- reporting ----------------------------------------------------------------------------


class Gripp2Report(Stamped):
    """The parts of a project's GRIPP2 short-form report that people write (DOMAIN.md §1.8).

    Methods, results and influence are drafted from the record; a team may replace the
    draft with its own words (``*_text``), and names the page each item is reported on.
    """

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="gripp2")
    ppi_aim = models.TextField(blank=True)
    ppi_methods = models.TextField(blank=True)
    ppi_results = models.TextField(blank=True)
    ppi_influence = models.TextField(blank=True)
    ppi_reflection = models.TextField(blank=True)
    pages = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"GRIPP2 report of project {self.project_id}"

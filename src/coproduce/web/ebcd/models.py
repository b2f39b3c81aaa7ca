"""Experience-based co-design (EBCD), standard and accelerated (DOMAIN.md §5, docs/adr/0018).

The stage lists, the film's clock and the tally of priorities live in the pure core,
``coproduce.experience.ebcd``; these tables keep the record it works on:

* ``EBCDProject``: one per project: the variant, the linked journey, the archive (accelerated
  EBCD), the celebration and review;
* ``StageStep``: the checklist, one row per stage, with planned and done dates and outputs;
* ``Interview`` and ``Clip``: narrative interviews with consent, a redacted transcript and clips
  (media references with start and end times, and a touchpoint);
* ``FilmEntry``: the trigger film's running order;
* ``Event``, ``Priority``, ``VoteCount``, ``EventEmotion``: the staff, patient and joint events,
  the priorities proposed there, dot votes per group, and emotional mapping;
* ``CoDesignGroup`` and ``GroupAction``: groups formed around shared priorities, and their
  actions, each optionally linked to an improvement change idea.

Transcripts, notes and clip descriptions are free text: never copied into audit summaries or
logs. Transcripts are redacted before they are stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from coproduce.experience import ebcd as core
from coproduce.web.experience.models import Comment, FeedbackBatch
from coproduce.web.improvement.models import ChangeIdea
from coproduce.web.jobs.models import Job
from coproduce.web.journeys.models import EmotionRecord, Journey, Touchpoint
from coproduce.web.participation.models import Activity, Participant
from coproduce.web.projects.models import Project

# -- choices: values are the core's enum values (a test checks they match) ----------------


class Variant(models.TextChoices):
    STANDARD = "standard", "Standard EBCD (local filmed interviews)"
    ACCELERATED = "accelerated", "Accelerated EBCD (trigger film from a national archive)"


class StageChoice(models.TextChoices):
    SET_UP = "set_up", "Set up the project"
    STAFF_EXPERIENCE = "staff_experience", "Gather staff experience"
    PATIENT_EXPERIENCE = "patient_experience", "Gather patient experience"
    FILM_EDIT = "film_edit", "Trigger film"
    STAFF_FEEDBACK_EVENT = "staff_feedback_event", "Staff feedback event"
    PATIENT_FEEDBACK_EVENT = "patient_feedback_event", "Patient feedback event"
    JOINT_EVENT = "joint_event", "Joint patient and staff event"
    CO_DESIGN_GROUPS = "co_design_groups", "Co-design groups"
    CELEBRATION_REVIEW = "celebration_review", "Celebration and review"
    SUSTAIN_SPREAD = "sustain_spread", "Sustain and spread"


class IntervieweeRole(models.TextChoices):
    PATIENT = "patient", "Patient"
    CARER = "carer", "Carer"
    STAFF = "staff", "Staff"


class EventKind(models.TextChoices):
    STAFF = "staff", "Staff feedback event"
    PATIENT = "patient", "Patient feedback event"
    JOINT = "joint", "Joint patient and staff event"


class VoterGroup(models.TextChoices):
    PATIENTS = "patients", "Patients and carers"
    STAFF = "staff", "Staff"


class Weighting(models.TextChoices):
    VOTES = "votes", "Every dot counts the same"
    EQUAL_GROUPS = "equal_groups", "Patients and staff count equally, whatever their numbers"


# The groups that vote at each event: each group at its own event, both at the joint event.
GROUPS_AT_EVENT: dict[str, tuple[str, ...]] = {
    EventKind.STAFF: (VoterGroup.STAFF,),
    EventKind.PATIENT: (VoterGroup.PATIENTS,),
    EventKind.JOINT: (VoterGroup.PATIENTS, VoterGroup.STAFF),
}

STAGE_OF_EVENT: dict[str, str] = {
    EventKind.STAFF: StageChoice.STAFF_FEEDBACK_EVENT,
    EventKind.PATIENT: StageChoice.PATIENT_FEEDBACK_EVENT,
    EventKind.JOINT: StageChoice.JOINT_EVENT,
}


class Stamped(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class EBCDProject(Stamped):
    """A project's EBCD: its variant, journey, archive, and the celebration and review."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="ebcd")
    variant = models.CharField(max_length=20, choices=Variant.choices, default=Variant.STANDARD)
    journey = models.ForeignKey(
        Journey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    top_k = models.PositiveSmallIntegerField(
        "top priorities to compare", default=3, help_text="how many top priorities to compare"
    )
    weighting = models.CharField(max_length=20, choices=Weighting.choices, default=Weighting.VOTES)
    archive_batch = models.ForeignKey(
        FeedbackBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    archive_job = models.ForeignKey(
        Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    celebrated_on = models.DateField(null=True, blank=True)
    what_changed = models.TextField(blank=True)
    what_next = models.TextField(blank=True)

    class Meta:
        verbose_name = "EBCD project"
        constraints = [
            models.CheckConstraint(
                condition=Q(variant__in=Variant.values), name="ebcd_variant_valid"
            ),
            models.CheckConstraint(condition=Q(top_k__gte=1), name="ebcd_top_k_positive"),
        ]

    def __str__(self) -> str:
        return f"EBCD for project {self.project_id}"

    @property
    def trigger_film_source(self) -> str:
        """LOCAL films for standard EBCD, ARCHIVE films for accelerated (DOMAIN.md §5.3)."""
        return "archive" if self.variant == Variant.ACCELERATED else "local"

    @property
    def core_variant(self) -> core.EBCDVariant:
        return core.EBCDVariant(self.variant)


class StageStep(models.Model):
    """One stage of the checklist: planned and done dates, and what it produced (notes)."""

    ebcd = models.ForeignKey(EBCDProject, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(max_length=30, choices=StageChoice.choices)
    planned_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    outputs = models.TextField("outputs and notes", blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["ebcd", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ebcd", "stage"], name="ebcd_stage_once"),
            models.CheckConstraint(
                condition=Q(stage__in=StageChoice.values), name="ebcd_stage_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_stage_display()


class Interview(Stamped):
    """A narrative interview. Nothing is stored from it (transcript, clips) without consent."""

    ebcd = models.ForeignKey(EBCDProject, on_delete=models.CASCADE, related_name="interviews")
    label = models.CharField(
        "label", max_length=100, help_text="a pseudonym or code, for example Patient A"
    )
    role = models.CharField(
        "interviewee", max_length=20, choices=IntervieweeRole.choices, default="patient"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    date = models.DateField(null=True, blank=True)
    consent_given_on = models.DateField(null=True, blank=True)
    consent_audio = models.BooleanField("audio recording", default=False)
    consent_video = models.BooleanField("video recording", default=False)
    consent_film = models.BooleanField("use in the trigger film", default=False)
    consent_withdrawn_on = models.DateField(null=True, blank=True)
    transcript = models.TextField("transcript (redacted)", blank=True)
    transcript_redactions = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["ebcd", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=IntervieweeRole.values), name="ebcd_interview_role_valid"
            ),
            # A transcript is stored only under consent that has not been withdrawn.
            models.CheckConstraint(
                condition=Q(transcript="")
                | (Q(consent_given_on__isnull=False) & Q(consent_withdrawn_on__isnull=True)),
                name="ebcd_transcript_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def has_consent(self) -> bool:
        return self.consent_given_on is not None and self.consent_withdrawn_on is None

    @property
    def film_allowed(self) -> bool:
        return self.has_consent and self.consent_film


class Clip(Stamped):
    """A clip of an interview: a media reference (path or URL) with start and end times."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="clips")
    media = models.CharField("media file or link", max_length=500)
    start_seconds = models.PositiveIntegerField()
    end_seconds = models.PositiveIntegerField()
    description = models.CharField(max_length=300)
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["interview", "start_seconds", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_seconds__lt=F("end_seconds")), name="ebcd_clip_start_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"clip {self.pk}"

    @property
    def seconds(self) -> int:
        return self.end_seconds - self.start_seconds


class FilmEntry(models.Model):
    """A clip's place in the trigger film's running order."""

    ebcd = models.ForeignKey(EBCDProject, on_delete=models.CASCADE, related_name="film")
    clip = models.OneToOneField(Clip, on_delete=models.CASCADE, related_name="film_entry")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["ebcd", "position", "pk"]
        verbose_name_plural = "film entries"

    def __str__(self) -> str:
        return f"{self.position}: clip {self.clip_id}"


class Event(Stamped):
    """A staff, patient or joint event, optionally recorded as a participation activity."""

    ebcd = models.ForeignKey(EBCDProject, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["ebcd", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ebcd", "kind"], name="ebcd_event_kind_once"),
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="ebcd_event_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def groups(self) -> tuple[str, ...]:
        return GROUPS_AT_EVENT[self.kind]


class Priority(Stamped):
    """A priority for improvement proposed at an event."""

    ebcd = models.ForeignKey(EBCDProject, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    proposed_at = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposed"
    )
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["ebcd", "pk"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["ebcd", "title"], name="ebcd_priority_title_unique")
        ]

    def __str__(self) -> str:
        return self.title


class VoteCount(models.Model):
    """Dot votes on one priority from one group at one event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="votes")
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="votes")
    group = models.CharField(max_length=20, choices=VoterGroup.choices)
    votes = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["event", "priority", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "priority", "group"], name="ebcd_vote_once_per_group"
            ),
            models.CheckConstraint(
                condition=Q(group__in=VoterGroup.values), name="ebcd_vote_group_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.votes} from {self.group}"


class EventEmotion(models.Model):
    """An emotion record mapped at an event (the record itself lives in the journeys app)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="emotions")
    record = models.OneToOneField(
        EmotionRecord, on_delete=models.CASCADE, related_name="ebcd_event"
    )

    class Meta:
        ordering = ["event", "pk"]

    def __str__(self) -> str:
        return f"emotion {self.record_id} at event {self.event_id}"


class CoDesignGroup(Stamped):
    """A small patient and staff group working on one shared priority."""

    ebcd = models.ForeignKey(EBCDProject, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=200)
    priority = models.ForeignKey(
        Priority, on_delete=models.SET_NULL, null=True, blank=True, related_name="groups"
    )
    members = models.ManyToManyField(Participant, blank=True, related_name="+")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["ebcd", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ebcd", "name"], name="ebcd_group_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class GroupAction(Stamped):
    """An action agreed by a co-design group: focus, who, when."""

    group = models.ForeignKey(CoDesignGroup, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    owner = models.CharField(max_length=150, blank=True)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    change_idea = models.ForeignKey(
        ChangeIdea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["group", "due_on", "pk"]

    def __str__(self) -> str:
        return f"action {self.pk}"


class ArchiveNarrative(models.Model):
    """A narrative imported from an archive (accelerated EBCD): stored as a redacted comment
    of the experience app (source ARCHIVE); here its title and touchpoint hints."""

    ebcd = models.ForeignKey(EBCDProject, on_delete=models.CASCADE, related_name="narratives")
    comment = models.OneToOneField(
        Comment, on_delete=models.CASCADE, related_name="archive_narrative"
    )
    title = models.CharField(max_length=200, blank=True)
    touchpoint_hints = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["ebcd", "pk"]

    def __str__(self) -> str:
        return f"narrative {self.pk}"

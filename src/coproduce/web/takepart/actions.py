"""Writes for taking part without an account (issue 7; docs/adr/0021).

Keyword-only, atomic, audited. Audit summaries name seats by id and constituency only: the
pseudonyms people choose are free text and stay out of the log. Raw invitation tokens and
voter keys are returned once to the caller and never stored (only their SHA-256).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from coproduce.web.audit.actions import record
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.participation.models import Participant
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Role

from .cookies import hash_key, new_key
from .models import Constituency, EventCode, InvitationLink, JoinedVia, Voter

if TYPE_CHECKING:
    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Project

# Event codes: no 0/O, 1/I/L, so they can be read off a slide and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_LINKS_PER_BATCH = 500
MAX_LINK_DAYS = 90
MAX_CODE_HOURS = 24 * 14
PSEUDONYM_MAX = 80

CONSTITUENCY_OF_ROLE = {
    Role.PATIENT_PARTNER: Constituency.PATIENT,
    Role.CARER_PARTNER: Constituency.CARER,
    Role.STAFF: Constituency.STAFF,
    Role.FACILITATOR: Constituency.STAFF,
}


# --------------------------------------------------------------------------- checks


def _require_facilitator(*, project: Project, by: User) -> None:
    if not project_selectors.is_facilitator(project=project, user=by):
        raise NotAllowed("Only the project's facilitators can do this.")


def _clean_constituency(value: str, *, field: str = "constituency") -> str:
    if value not in Constituency.values:
        raise ActionError("Choose who you speak as.", field=field)
    return value


def _clean_pseudonym(value: str) -> str:
    value = " ".join((value or "").split())
    if len(value) > PSEUDONYM_MAX:
        raise ActionError(
            f"The pseudonym must be {PSEUDONYM_MAX} characters or fewer.", field="pseudonym"
        )
    return value


def _voter_summary(voter: Voter) -> str:
    return f"seat {voter.pk} ({voter.get_constituency_display().lower()}, {voter.joined_via})"


# --------------------------------------------------------------------------- seats


def member_seat(*, project: Project, user: User) -> Voter | None:
    """The member's own seat, made on first use; None for observers and non-members."""
    role = project_selectors.role_in(project=project, user=user)
    if role is None or role == Role.OBSERVER:
        return None
    existing = Voter.objects.filter(project=project, user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            voter = Voter.objects.create(
                project=project,
                user=user,
                constituency=CONSTITUENCY_OF_ROLE[Role(role)],
                joined_via=JoinedVia.ACCOUNT,
            )
            record(
                action="takepart.member_seat",
                by=user,
                summary=f"Took a seat as a member: {_voter_summary(voter)}",
                target=voter,
                project=project,
            )
    except IntegrityError:  # made at the same moment by another request
        return Voter.objects.get(project=project, user=user)
    return voter


@transaction.atomic
def assisted_voter(
    *,
    project: Project,
    by: User,
    constituency: str,
    pseudonym: str = "",
    participant: Participant | None = None,
) -> Voter:
    """A seat a facilitator records on someone's behalf; its answers are marked assisted."""
    _require_facilitator(project=project, by=by)
    constituency = _clean_constituency(constituency)
    pseudonym = _clean_pseudonym(pseudonym)
    if participant is not None and participant.project_id != project.pk:
        raise ActionError("Choose a participant of this project.", field="participant")
    voter = Voter.objects.create(
        project=project,
        constituency=constituency,
        pseudonym=pseudonym,
        joined_via=JoinedVia.ASSISTED,
        assisted_by=by,
        participant=participant,
    )
    record(
        action="takepart.assisted_voter",
        by=by,
        summary=f"Recorded a seat on someone's behalf: {_voter_summary(voter)}",
        target=voter,
        project=project,
    )
    return voter


def record_acting_as(*, voter: Voter, by: User, start: bool) -> None:
    """Audit that a facilitator started or stopped recording answers for an assisted seat."""
    _require_facilitator(project=voter.project, by=by)
    if start and not voter.is_assisted:
        raise ActionError("You can record answers only for seats made in assisted mode.")
    record(
        action="takepart.assist_start" if start else "takepart.assist_stop",
        by=by,
        summary=("Started" if start else "Stopped")
        + f" recording answers for {_voter_summary(voter)}",
        target=voter,
        project=voter.project,
    )


@transaction.atomic
def set_pseudonym(*, voter: Voter, pseudonym: str) -> Voter:
    voter.pseudonym = _clean_pseudonym(pseudonym)
    voter.save(update_fields=["pseudonym"])
    return voter


@transaction.atomic
def forget_key(*, voter: Voter) -> None:
    """'Leave': this browser's key no longer opens the seat (answers already given stay)."""
    if voter.user_id is not None:
        raise ActionError("You take part with your account; there is nothing to forget.")
    Voter.objects.filter(pk=voter.pk).update(key_hash=None)
    voter.key_hash = None


def _new_seat(
    *, project: Project, constituency: str, pseudonym: str, via: str
) -> tuple[Voter, str]:
    raw = new_key()
    voter = Voter.objects.create(
        project=project,
        constituency=constituency,
        pseudonym=pseudonym,
        joined_via=via,
        key_hash=hash_key(raw),
    )
    return voter, raw


# --------------------------------------------------------------------------- invitation links


@dataclass(frozen=True)
class NewLink:
    link: InvitationLink
    raw_token: str


@transaction.atomic
def create_links(
    *,
    project: Project,
    by: User,
    count: int,
    constituency: str,
    days: int,
    label: str = "",
) -> list[NewLink]:
    """A batch of one-time links; the raw tokens are returned once, only hashes are stored."""
    _require_facilitator(project=project, by=by)
    if not 1 <= count <= MAX_LINKS_PER_BATCH:
        raise ActionError(
            f"Make between 1 and {MAX_LINKS_PER_BATCH} links at a time.", field="count"
        )
    if not 1 <= days <= MAX_LINK_DAYS:
        raise ActionError(f"Links can last from 1 to {MAX_LINK_DAYS} days.", field="days")
    constituency = _clean_constituency(constituency)
    label = " ".join(label.split())[:100]
    expires_at = timezone.now() + dt.timedelta(days=days)
    made = []
    for _ in range(count):
        raw = secrets.token_urlsafe(24)
        link = InvitationLink(
            project=project,
            token_hash=hash_key(raw),
            label=label,
            constituency=constituency,
            expires_at=expires_at,
            created_by=by,
        )
        made.append(NewLink(link=link, raw_token=raw))
    InvitationLink.objects.bulk_create([m.link for m in made])
    record(
        action="takepart.links_created",
        by=by,
        summary=f"Made {count} one-time link(s) for {constituency}, valid {days} day(s)",
        project=project,
        data={"count": count, "constituency": constituency, "days": days},
    )
    return made


@transaction.atomic
def revoke_link(*, link: InvitationLink, by: User) -> InvitationLink:
    _require_facilitator(project=link.project, by=by)
    if link.used_at is not None:
        raise ActionError("This link has already been used; it cannot be withdrawn.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        record(
            action="takepart.link_revoked",
            by=by,
            summary=f"Withdrew one-time link {link.pk}",
            target=link,
            project=link.project,
        )
    return link


class LinkRefused(ActionError):
    """Why a link cannot be used: ``reason`` is unknown, used, expired or revoked."""

    def __init__(self, message: str, *, reason: str, link: InvitationLink | None = None) -> None:
        super().__init__(message, field="token")
        self.reason = reason
        self.link = link


def claim_link(*, raw_token: str) -> tuple[Voter, str]:
    """The first open of a link takes its seat; returns the seat and the raw cookie key."""
    token_hash = hash_key(raw_token)
    with transaction.atomic():
        link = (
            InvitationLink.objects.select_for_update()
            .select_related("project")
            .filter(token_hash=token_hash)
            .first()
        )
        if link is None:
            raise LinkRefused("We do not recognise this link.", reason="unknown")
        if link.revoked_at is not None:
            raise LinkRefused("This link has been withdrawn.", reason="revoked", link=link)
        if link.used_at is not None:
            raise LinkRefused("This link has already been used.", reason="used", link=link)
        now = timezone.now()
        if link.expires_at <= now:
            raise LinkRefused("This link has expired.", reason="expired", link=link)
        # The conditional update makes a second, simultaneous claim fail (no double seat).
        if not InvitationLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now):
            raise LinkRefused("This link has already been used.", reason="used", link=link)
        voter, raw = _new_seat(
            project=link.project, constituency=link.constituency, pseudonym="", via=JoinedVia.LINK
        )
        InvitationLink.objects.filter(pk=link.pk).update(voter=voter)
        record(
            action="takepart.link_claimed",
            by=None,
            summary=f"One-time link {link.pk} opened: {_voter_summary(voter)}",
            target=voter,
            project=link.project,
        )
    return voter, raw


# --------------------------------------------------------------------------- event codes


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


@transaction.atomic
def create_event_code(
    *,
    project: Project,
    by: User,
    label: str,
    closes_at: dt.datetime,
    opens_at: dt.datetime | None = None,
    constituency: str = "",
) -> EventCode:
    _require_facilitator(project=project, by=by)
    label = " ".join((label or "").split())
    if not label:
        raise ActionError("Give the event a name, for your list.", field="label")
    if len(label) > 100:
        raise ActionError("The name must be 100 characters or fewer.", field="label")
    if constituency:
        constituency = _clean_constituency(constituency)
    opens_at = opens_at or timezone.now()
    if closes_at <= opens_at:
        raise ActionError("The code must close after it opens.", field="closes_at")
    if closes_at - opens_at > dt.timedelta(hours=MAX_CODE_HOURS):
        raise ActionError(
            f"A code can stay open for {MAX_CODE_HOURS // 24} days at most.", field="closes_at"
        )
    for _ in range(20):
        code = _new_code()
        if not EventCode.objects.filter(code=code).exists():
            break
    else:  # pragma: no cover - 31^6 codes
        raise ActionError("Could not make a fresh code; try again.")
    event_code = EventCode.objects.create(
        project=project,
        code=code,
        label=label,
        constituency=constituency,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=by,
    )
    record(
        action="takepart.code_created",
        by=by,
        summary=f"Made event code {event_code.pk}",
        target=event_code,
        project=project,
    )
    return event_code


@transaction.atomic
def close_event_code(*, event_code: EventCode, by: User) -> EventCode:
    _require_facilitator(project=event_code.project, by=by)
    now = timezone.now()
    if event_code.closes_at > now:
        event_code.closes_at = now
        event_code.save(update_fields=["closes_at"])
        record(
            action="takepart.code_closed",
            by=by,
            summary=f"Closed event code {event_code.pk}",
            target=event_code,
            project=event_code.project,
        )
    return event_code


def open_code(raw_code: str) -> EventCode:
    """The open event code typed, or ActionError naming the field ``code``."""
    code = normalise_code(raw_code)
    if not code:
        raise ActionError("Enter the code shown at the event.", field="code")
    event_code = EventCode.objects.select_related("project").filter(code=code).first()
    if event_code is None:
        raise ActionError("We do not recognise that code. Check it and try again.", field="code")
    now = timezone.now()
    if event_code.opens_at > now:
        raise ActionError("That code is not open yet.", field="code")
    if event_code.closes_at <= now:
        raise ActionError("That code has closed.", field="code")
    return event_code


def join_by_code(
    *, raw_code: str, constituency: str = "", pseudonym: str = ""
) -> tuple[Voter, str]:
    """A seat by event code; the code's constituency wins, otherwise the person's choice."""
    with transaction.atomic():
        event_code = open_code(raw_code)
        constituency = _clean_constituency(event_code.constituency or constituency)
        pseudonym = _clean_pseudonym(pseudonym)
        voter, raw = _new_seat(
            project=event_code.project,
            constituency=constituency,
            pseudonym=pseudonym,
            via=JoinedVia.CODE,
        )
        EventCode.objects.filter(pk=event_code.pk).update(uses=F("uses") + 1)
        record(
            action="takepart.code_joined",
            by=None,
            summary=f"Joined by event code {event_code.pk}: {_voter_summary(voter)}",
            target=voter,
            project=event_code.project,
        )
    return voter, raw

"""Feedback and stories in the web app: imports, assisted capture, redaction, review, the
list, the export and permissions (coproduce.web.experience)."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from coproduce.experience.synthetic import make_nhs_number
from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.experience import actions, selectors, tasks, uploads
from coproduce.web.experience.models import Comment, Consent, FeedbackBatch
from coproduce.web.jobs import actions as jobs_actions
from coproduce.web.jobs import progress as jobs_progress
from coproduce.web.jobs.models import Job, JobStatus
from coproduce.web.projects.models import Project, Role
from tests.spc.xlsx import write_xlsx
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db

NHS = make_nhs_number(random.Random(6))  # noqa: S311 (synthetic, not a secret)
NHS_SPACED = f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}"
PHONE = "07700 900461"  # Ofcom's drama range
HEADER = "Date,Ward,Rating,Comment"
CSV_ROWS = [
    "2026-01-05,Ward 7,Very good,The café was open and a tea cost £1",
    f"2026-01-06,Ward 7,2,My NHS number {NHS_SPACED} was read out in the bay",
    "2026-01-07,Outpatients,Poor,Waited two hours",
]
CSV_TEXT = "\n".join([HEADER, *CSV_ROWS]) + "\n"


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


@pytest.fixture
def team() -> dict[str, Any]:
    fac = make_user("fac@example.org", "Fay Facilitator")
    staff = make_user("staff@example.org", "Sam Staff")
    patient = make_user("patient@example.org", "Pat Partner")
    observer = make_user("obs@example.org", "Olu Observer")
    outsider = make_user("out@example.org", "Otto Outsider")
    project = make_project(fac)
    join(project, staff, Role.STAFF, by=fac)
    join(project, patient, Role.PATIENT_PARTNER, by=fac)
    join(project, observer, Role.OBSERVER, by=fac)
    return {
        "fac": fac,
        "staff": staff,
        "patient": patient,
        "observer": observer,
        "outsider": outsider,
        "project": project,
    }


def import_csv(team: dict[str, Any], data: bytes, **kwargs: Any) -> actions.ImportReport:
    values = {"source": "fft", "consent": Consent.ANALYSIS, "filename": "fft.csv"} | kwargs
    return actions.import_feedback(project=team["project"], user=team["fac"], file=data, **values)


def raw_rows() -> list[tuple[str, ...]]:
    """Every stored text, straight from the database (no model, no decoding)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT text, original_text, redaction_spans, fingerprint FROM experience_comment"
        )
        return [tuple(str(v) for v in row) for row in cursor.fetchall()]


def raw_audit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary, data FROM audit_auditevent")
        return " ".join(str(v) for row in cursor.fetchall() for v in row)


# --------------------------------------------------------------------------- imports


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CSV_TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + CSV_TEXT.encode("utf-8"), "utf-8-sig"),
        (CSV_TEXT.encode("cp1252"), "windows-1252"),
    ],
)
def test_import_reads_each_encoding_and_records_it(
    team: dict[str, Any], data: bytes, encoding: str
) -> None:
    report = import_csv(team, data)
    assert report.ok and report.added == 3 and report.encoding == encoding
    assert report.batch is not None and report.batch.encoding == encoding
    assert report.batch.rows_read == 3 and report.batch.rows_added == 3
    cafe = Comment.objects.get(service="Ward 7", rating=1)
    assert cafe.text == "The café was open and a tea cost £1"
    assert cafe.source == "fft" and cafe.date.isoformat() == "2026-01-05"


def test_excel_import(team: dict[str, Any], tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "fft.xlsx",
        [
            ["Response ID", "Date", "Service", "Rating", "Comment"],
            ["A1", "2026-03-01", "A&E", "Don't know", "Café closed at night"],
            ["A2", "02/03/2026", "A&E", "5", f"Ring me on {PHONE}"],
        ],
    )
    report = actions.import_feedback(
        project=team["project"], user=team["staff"], file=path, source="survey", consent="share"
    )
    assert report.added == 2 and report.encoding == "xlsx"
    first = Comment.objects.get(external_id="A1")
    assert (first.rating, first.text, first.source) == (6, "Café closed at night", "survey")
    second = Comment.objects.get(external_id="A2")
    assert second.text == "Ring me on [PHONE]" and second.identifying


def test_bad_rows_are_reported_and_nothing_is_imported(team: dict[str, Any]) -> None:
    data = "\n".join(
        [
            HEADER,
            "2026-01-05,Ward 7,1,Fine",
            "not a date,Ward 7,1,Fine too",
            "2026-01-06,Ward 7,9,Rated nine",
            "2026-01-06,Ward 7,2,",
        ]
    ).encode()
    with pytest.raises(actions.InvalidFeedback) as caught:
        import_csv(team, data)
    report = caught.value.report
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "Date"),
        (4, "Rating"),
        (5, "Comment"),
    ]
    assert report.errors[2].reason == "the comment is empty"
    assert Comment.objects.count() == 0 and FeedbackBatch.objects.count() == 0
    assert "3 problems" in caught.value.message


def test_an_over_long_comment_is_a_bad_row(team: dict[str, Any]) -> None:
    rows = [{"comment": "x" * 20_001}]
    with pytest.raises(actions.InvalidFeedback) as caught:
        actions.import_feedback(
            project=team["project"], user=team["fac"], rows=rows, source="fft", consent="share"
        )
    (error,) = caught.value.report.errors
    assert (error.row, error.column) == (1, "comment") and "limit is 20,000" in error.reason
    assert not Comment.objects.exists()


def test_duplicates_in_the_file_and_in_the_project_are_left_out(team: dict[str, Any]) -> None:
    import_csv(team, CSV_TEXT.encode())
    again = "\n".join(
        [HEADER, CSV_ROWS[0], "2026-01-08,Ward 7,1,New one", "2026-01-08,Ward 7,1,new  ONE"]
    )
    report = import_csv(team, again.encode())
    assert report.added == 1 and report.duplicate_count == 2
    assert [(d.row, d.of_row) for d in report.duplicates] == [(2, None), (4, 3)]
    assert report.batch is not None and report.batch.duplicates == 2
    assert Comment.objects.count() == 4
    # Nothing new at all: no batch.
    report = import_csv(team, CSV_TEXT.encode())
    assert report.batch is None and report.added == 0 and report.duplicate_count == 3
    assert FeedbackBatch.objects.count() == 2


def test_the_nhs_number_never_reaches_the_database(team: dict[str, Any]) -> None:
    import_csv(team, CSV_TEXT.encode())
    actions.add_story(
        project=team["project"],
        user=team["staff"],
        text=f"Mum's number is {NHS} and you can call me on {PHONE}",
        date=None,
        source="story",
        teller_role="family",
        service="Ward 7",
        consent=Consent.SHARE,
    )
    rows = raw_rows()
    assert len(rows) == 4
    stored = " ".join(" ".join(row) for row in rows)
    for secret in (NHS, NHS_SPACED, PHONE, "900461"):
        assert secret not in stored
    assert "[NHS_NUMBER]" in stored and "[PHONE]" in stored
    for secret in (NHS, NHS_SPACED, PHONE):
        assert secret not in raw_audit()
    flagged = Comment.objects.get(text__contains="[NHS_NUMBER] was read out")
    assert flagged.identifying and flagged.redaction_count == 1
    (span,) = flagged.redaction_spans
    assert span == {"kind": "NHS_NUMBER", "start": 14, "end": 26}
    assert flagged.text[span["start"] : span["end"]] == "[NHS_NUMBER]"
    assert not Comment.objects.get(rating=1).identifying


def test_originals_are_kept_only_with_consent(team: dict[str, Any]) -> None:
    for consent in (Consent.ANALYSIS, Consent.SHARE):
        report = import_csv(team, CSV_TEXT.replace("2026", "2025").encode(), consent=consent)
        Comment.objects.filter(batch=report.batch).update(service="done")
    assert not Comment.objects.exclude(original_text="").exists()
    report = import_csv(team, CSV_TEXT.encode(), consent=Consent.KEEP_ORIGINAL)
    kept = Comment.objects.get(batch=report.batch, text__contains="[NHS_NUMBER]")
    assert NHS_SPACED in kept.original_text
    (span,) = kept.redaction_spans
    assert kept.original_text[span["original_start"] : span["original_end"]] == NHS_SPACED
    # Spans of comments without the original carry no original offsets (they would give away
    # the length of what was hidden for nothing).
    other = Comment.objects.exclude(batch=report.batch).filter(redaction_count=1).first()
    assert other is not None and set(other.redaction_spans[0]) == {"kind", "start", "end"}


def test_large_import_in_batches(team: dict[str, Any]) -> None:
    rows = [
        {
            "comment": f"Comment {i} from Nurse Sarah Jones" if i % 10 == 0 else f"Comment {i}",
            "date": "2026-02-01",
            "rating": str(1 + i % 6),
        }
        for i in range(5_000)
    ]
    report = actions.import_feedback(
        project=team["project"], user=team["fac"], rows=rows, source="fft", consent="analysis"
    )
    assert report.added == 5_000 and report.identifying == 500
    assert Comment.objects.filter(identifying=True).count() == 500
    assert Comment.objects.filter(text__contains="Sarah").count() == 0


def test_who_may_import_and_add_stories(team: dict[str, Any]) -> None:
    for who in ("patient", "observer", "outsider"):
        with pytest.raises(NotAllowed):
            actions.import_feedback(
                project=team["project"],
                user=team[who],
                rows=[{"comment": "x"}],
                source="fft",
                consent="share",
            )
    with pytest.raises(ActionError, match="Choose what the people"):
        actions.import_feedback(
            project=team["project"],
            user=team["fac"],
            rows=[{"comment": "x"}],
            source="fft",
            consent="",
        )
    assert not Comment.objects.exists()


# --------------------------------------------------------------------------- stories


def story(team: dict[str, Any], **kwargs: Any) -> Comment:
    values = {
        "text": "Nurse Priya Patel sat with my dad all night",
        "date": None,
        "source": "story",
        "teller_role": "carer",
        "service": "Ward 7",
        "consent": Consent.KEEP_ORIGINAL,
    } | kwargs
    return actions.add_story(project=team["project"], user=team["staff"], **values)


def test_a_story_is_redacted_and_records_who_typed_it(team: dict[str, Any]) -> None:
    comment = story(team)
    assert comment.text == "Nurse [NAME] sat with my dad all night"
    assert comment.captured_by == team["staff"] and comment.teller_role == "carer"
    assert comment.identifying and comment.batch is not None
    assert comment.original_text.startswith("Nurse Priya Patel")
    event = AuditEvent.objects.get(action="feedback.story_added")
    assert "Priya" not in event.summary + str(event.data)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": "  "}, "text"),
        ({"consent": ""}, "consent"),
        ({"teller_role": "pirate"}, "teller_role"),
        ({"source": "tweet"}, "source"),
    ],
)
def test_story_refusals(team: dict[str, Any], kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ActionError) as caught:
        story(team, **kwargs)
    assert caught.value.field == field
    assert not Comment.objects.exists()


def test_the_same_story_twice_is_refused(team: dict[str, Any]) -> None:
    story(team)
    with pytest.raises(ActionError, match="already"):
        story(team, text="nurse priya patel sat with my dad   all night")


def test_story_page(team: dict[str, Any]) -> None:
    client = signed_in(team["staff"])
    url = reverse("experience:story_create", args=[team["project"].pk])
    page = client.get(url)
    assert page.status_code == 200 and b"Add a story" in page.content
    response = client.post(url, {"text": "Lovely", "source": "story", "teller_role": "patient"})
    assert response.status_code == 200
    assert b"Confirm that the teller gave their consent" in response.content
    assert b"Choose what the people who gave it agreed to" in response.content
    response = client.post(
        url,
        {
            "text": f"Call me on {PHONE}",
            "source": "interview",
            "teller_role": "patient",
            "consent": "analysis",
            "confirm": "on",
            "date": "2026-01-02",
        },
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.text == "Call me on [PHONE]" and comment.source == "interview"
    assert signed_in(team["observer"]).get(url).status_code == 403


# --------------------------------------------------------------------------- who sees what


def seeded(team: dict[str, Any]) -> tuple[Comment, Comment]:
    import_csv(team, CSV_TEXT.encode())
    return (
        Comment.objects.get(text__contains="[NHS_NUMBER]"),
        Comment.objects.get(rating=1),
    )


@pytest.mark.parametrize("who", ["observer", "patient", "staff"])
def test_identifying_comments_are_held_back_from_everyone_but_facilitators(
    team: dict[str, Any], who: str
) -> None:
    flagged, plain = seeded(team)
    user = team[who]
    visible = selectors.visible_comments(user, team["project"])
    assert plain in visible and flagged not in visible
    client = signed_in(user)
    page = client.get(reverse("experience:list", args=[team["project"].pk]))
    assert page.status_code == 200
    assert b"1 comment held back for review" in page.content
    assert b"read out in the bay" not in page.content
    assert b"tea cost" in page.content
    detail = reverse("experience:comment", args=[team["project"].pk, flagged.pk])
    assert client.get(detail).status_code == 404


def test_facilitators_see_identifying_comments_and_originals(team: dict[str, Any]) -> None:
    import_csv(team, CSV_TEXT.encode(), consent=Consent.KEEP_ORIGINAL)
    flagged = Comment.objects.get(text__contains="[NHS_NUMBER]")
    client = signed_in(team["fac"])
    page = client.get(reverse("experience:list", args=[team["project"].pk]))
    assert b"read out in the bay" in page.content and b"held back for review" not in page.content
    detail = client.get(reverse("experience:comment", args=[team["project"].pk, flagged.pk]))
    assert NHS_SPACED.encode() in detail.content
    # Staff see neither the comment nor any original.
    staff = signed_in(team["staff"])
    plain = Comment.objects.get(rating=1)
    other = staff.get(reverse("experience:comment", args=[team["project"].pk, plain.pk]))
    assert other.status_code == 200 and b"Original text" not in other.content


def test_outsiders_get_404_everywhere(team: dict[str, Any]) -> None:
    flagged, plain = seeded(team)
    client = signed_in(team["outsider"])
    pk = team["project"].pk
    for url in (
        reverse("experience:list", args=[pk]),
        reverse("experience:export", args=[pk]),
        reverse("experience:comment", args=[pk, plain.pk]),
        reverse("experience:comment", args=[pk, flagged.pk]),
        reverse("experience:review", args=[pk, flagged.pk]),
        reverse("experience:import", args=[pk]),
        reverse("experience:review_queue", args=[pk]),
        reverse("experience:batches", args=[pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert not selectors.visible_comments(team["outsider"], team["project"]).exists()


@pytest.mark.parametrize(
    ("who", "name", "status"),
    [
        ("observer", "import", 403),
        ("patient", "story_create", 403),
        ("staff", "review_queue", 403),
        ("staff", "import", 200),
        ("staff", "batches", 200),
        ("fac", "review_queue", 200),
        ("observer", "list", 200),
    ],
)
def test_page_permissions(team: dict[str, Any], who: str, name: str, status: int) -> None:
    client = signed_in(team[who])
    assert (
        client.get(reverse(f"experience:{name}", args=[team["project"].pk])).status_code == status
    )


def test_list_filters_search_and_pagination(team: dict[str, Any]) -> None:
    rows = [
        {
            "comment": f"Comment {i:03d} about {'parking' if i % 2 else 'food'}",
            "date": f"2026-01-{1 + i % 28:02d}",
            "service": "A" if i < 60 else "B",
            "rating": str(1 + i % 5),
        }
        for i in range(70)
    ]
    actions.import_feedback(
        project=team["project"], user=team["fac"], rows=rows, source="fft", consent="share"
    )
    client = signed_in(team["observer"])
    url = reverse("experience:list", args=[team["project"].pk])
    first = client.get(url)
    assert first.context["page"].paginator.count == 70
    assert len(first.context["page"].object_list) == 50
    second = client.get(url, {"page": 2})
    assert len(second.context["page"].object_list) == 20
    found = client.get(url, {"q": "PARKING", "service": "A"})
    comments = list(found.context["page"].object_list)
    assert len(comments) == 30 and all("parking" in c.text for c in comments)
    assert b"q=PARKING" in found.content  # the pages keep the filters
    dated = client.get(url, {"date_from": "2026-01-01", "date_to": "2026-01-01", "rating": "1"})
    assert all(c.rating == 1 and c.date.day == 1 for c in dated.context["page"].object_list)
    assert dated.context["page"].paginator.count == len(
        [r for r in rows if r["date"] == "2026-01-01" and r["rating"] == "1"]
    )
    empty = client.get(url, {"q": "nothing like this"})
    assert b"No comments match these filters" in empty.content


def test_empty_list_says_what_to_do(team: dict[str, Any]) -> None:
    page = signed_in(team["fac"]).get(reverse("experience:list", args=[team["project"].pk]))
    assert b"No feedback yet" in page.content and b"Import a feedback file" in page.content


# --------------------------------------------------------------------------- export


def test_export_is_redacted_neutralises_formulas_and_holds_back(team: dict[str, Any]) -> None:
    rows = [
        {"comment": '=HYPERLINK("http://evil.example")', "service": "+Ward", "date": "2026-01-01"},
        {"comment": f"My number is {NHS}", "date": "2026-01-02"},
        {"comment": "Café, £2 — fine", "date": "2026-01-03"},
    ]
    actions.import_feedback(
        project=team["project"],
        user=team["fac"],
        rows=rows,
        source="fft",
        consent=Consent.KEEP_ORIGINAL,
    )
    url = reverse("experience:export", args=[team["project"].pk])

    def export(user: User, **query: str) -> list[dict[str, str]]:
        response = signed_in(user).get(url, query)
        assert response["Content-Type"].startswith("text/csv")
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(body)))

    observed = export(team["observer"])
    assert len(observed) == 2
    texts = {r["text"] for r in observed}
    assert '\'=HYPERLINK("http://evil.example")' in texts and "Café, £2 — fine" in texts
    assert {r["service"] for r in observed} == {"'+Ward", ""}
    facilitated = export(team["fac"])
    assert len(facilitated) == 3
    assert "My number is [NHS_NUMBER]" in {r["text"] for r in facilitated}
    assert NHS not in str(facilitated)
    assert [r["text"] for r in export(team["fac"], q="café")] == ["Café, £2 — fine"]


# --------------------------------------------------------------------------- review


def test_review_queue_add_restore_and_clear(team: dict[str, Any]) -> None:
    import_csv(team, CSV_TEXT.encode(), consent=Consent.KEEP_ORIGINAL)
    comment = Comment.objects.get(text__contains="[NHS_NUMBER]")
    assert list(selectors.review_queue(project=team["project"])) == [comment]
    fac = team["fac"]
    assert actions.add_redaction(comment=comment, user=fac, words="the bay", kind="NAME") == 1
    comment.refresh_from_db()
    assert comment.text == "My NHS number [NHS_NUMBER] was read out in [NAME]"
    assert comment.redaction_count == 2
    spans = comment.redaction_spans
    assert [comment.text[s["start"] : s["end"]] for s in spans] == ["[NHS_NUMBER]", "[NAME]"]
    assert [comment.original_text[s["original_start"] : s["original_end"]] for s in spans] == [
        NHS_SPACED,
        "the bay",
    ]
    with pytest.raises(ActionError, match="not in the comment"):
        actions.add_redaction(comment=comment, user=fac, words="the bay", kind="NAME")
    actions.restore_redaction(comment=comment, user=fac, index=1)
    comment.refresh_from_db()
    assert comment.text == "My NHS number [NHS_NUMBER] was read out in the bay"
    actions.mark_reviewed(comment=comment, user=fac, identifying=False)
    comment.refresh_from_db()
    assert not comment.identifying and comment.redaction_reviewed_by == fac
    assert comment in selectors.visible_comments(team["observer"], team["project"])
    assert not selectors.review_queue(project=team["project"]).exists()
    assert comment in selectors.review_queue(project=team["project"], show="all")
    audit = raw_audit()
    for secret in ("the bay", NHS_SPACED, "read out"):
        assert secret not in audit
    assert AuditEvent.objects.filter(action__startswith="feedback.redaction").count() == 2


def test_restore_needs_the_original(team: dict[str, Any]) -> None:
    import_csv(team, CSV_TEXT.encode(), consent=Consent.SHARE)
    comment = Comment.objects.get(text__contains="[NHS_NUMBER]")
    with pytest.raises(ActionError, match="original text was not kept"):
        actions.restore_redaction(comment=comment, user=team["fac"], index=0)
    # Without the original, more words can still be hidden, in the redacted text.
    assert actions.add_redaction(comment=comment, user=team["fac"], words="bay", kind="NAME") == 1
    comment.refresh_from_db()
    assert comment.text == "My NHS number [NHS_NUMBER] was read out in the [NAME]"
    assert [comment.text[s["start"] : s["end"]] for s in comment.redaction_spans] == [
        "[NHS_NUMBER]",
        "[NAME]",
    ]


def test_only_facilitators_review(team: dict[str, Any]) -> None:
    flagged, _ = seeded(team)
    for who in ("staff", "patient"):
        with pytest.raises(NotAllowed):
            actions.mark_reviewed(comment=flagged, user=team[who], identifying=False)
        with pytest.raises(NotAllowed):
            actions.add_redaction(comment=flagged, user=team[who], words="bay", kind="NAME")
    url = reverse("experience:review", args=[team["project"].pk, flagged.pk])
    assert signed_in(team["staff"]).get(url).status_code == 403


def test_review_pages(team: dict[str, Any]) -> None:
    import_csv(team, CSV_TEXT.encode(), consent=Consent.KEEP_ORIGINAL)
    comment = Comment.objects.get(text__contains="[NHS_NUMBER]")
    client = signed_in(team["fac"])
    pk = team["project"].pk
    queue = client.get(reverse("experience:review_queue", args=[pk]))
    assert b'<mark class="app-redaction" title="Hidden: NHS_NUMBER">[NHS_NUMBER]</mark>' in (
        queue.content
    )
    page = client.get(reverse("experience:review", args=[pk, comment.pk]))
    assert NHS_SPACED.encode() in page.content  # the original words, for the facilitator
    redact_url = reverse("experience:review_redact", args=[pk, comment.pk])
    bad = client.post(redact_url, {"words": "zebra", "kind": "NAME"})
    assert bad.status_code == 200 and b"not in the comment" in bad.content
    assert client.post(redact_url, {"words": "bay", "kind": "NAME"}).status_code == 302
    comment.refresh_from_db()
    assert comment.text.endswith("the [NAME]")
    restore = reverse("experience:review_restore", args=[pk, comment.pk])
    assert client.post(restore, {"index": "1"}).status_code == 302
    comment.refresh_from_db()
    assert comment.text.endswith("the bay")
    done = client.post(reverse("experience:review", args=[pk, comment.pk]), {"identifying": "no"})
    assert done.status_code == 302
    comment.refresh_from_db()
    assert not comment.identifying and comment.redaction_reviewed_at is not None


# --------------------------------------------------------------------------- upload pages


def test_upload_preview_check_and_import(team: dict[str, Any]) -> None:
    client = signed_in(team["staff"])
    pk = team["project"].pk
    data = (CSV_TEXT + CSV_ROWS[0] + "\n").encode("cp1252")
    upload = io.BytesIO(data)
    upload.name = "fft.csv"
    response = client.post(reverse("experience:import", args=[pk]), {"file": upload})
    assert response.status_code == 302
    columns_url = reverse("experience:import_columns", args=[pk])
    preview = client.get(columns_url)
    assert preview.status_code == 200
    assert b"read as windows-1252 text" in preview.content
    assert "café".encode() in preview.content
    assert NHS_SPACED.encode() not in preview.content  # identifiers hidden in the preview
    form = preview.context["form"]
    assert form.initial["comment"] == "Comment" and form.initial["service"] == "Ward"
    choice = {
        "comment": "Comment",
        "date": "Date",
        "service": "Ward",
        "rating": "Rating",
        "source": "fft",
    }
    missing = client.post(columns_url, choice)
    assert b"Choose what the people who gave it agreed to" in missing.content
    check = client.post(columns_url, choice | {"consent": "share"})
    report = check.context["report"]
    assert report.ok and report.added == 3 and report.duplicate_count == 1
    assert report.identifying == 1
    assert b"The same as row 2" in check.content
    assert not Comment.objects.exists()  # the check writes nothing
    done = client.post(
        reverse("experience:import_confirm", args=[pk]), dict(check.context["hidden"])
    )
    assert done.status_code == 302
    assert Comment.objects.count() == 3
    batch = FeedbackBatch.objects.get()
    assert (batch.encoding, batch.duplicates, batch.consent) == ("windows-1252", 1, "share")
    # The staged file is gone once imported.
    assert client.get(columns_url).status_code == 302


def test_upload_with_bad_rows_shows_every_problem(team: dict[str, Any]) -> None:
    client = signed_in(team["fac"])
    pk = team["project"].pk
    upload = io.BytesIO(b"Date,Comment,Rating\n2026-13-45,Fine,1\n2026-01-01,,7\n")
    upload.name = "bad.csv"
    client.post(reverse("experience:import", args=[pk]), {"file": upload})
    check = client.post(
        reverse("experience:import_columns", args=[pk]),
        {
            "comment": "Comment",
            "date": "Date",
            "rating": "Rating",
            "source": "fft",
            "consent": "analysis",
        },
    )
    assert b"Problems in the file" in check.content
    assert [(e.row, e.column) for e in check.context["report"].errors] == [
        (2, "Date"),
        (3, "Comment"),
        (3, "Rating"),
    ]
    assert b"3 problems in bad.csv, so nothing has been imported" in check.content


def test_upload_refuses_other_files_and_big_ones(team: dict[str, Any], settings: Any) -> None:
    client = signed_in(team["fac"])
    url = reverse("experience:import", args=[team["project"].pk])
    upload = io.BytesIO(b"%PDF")
    upload.name = "notes.pdf"
    assert b"must be a CSV or Excel" in client.post(url, {"file": upload}).content
    settings.MAX_UPLOAD_MB = 1
    upload = io.BytesIO(b"Comment\n" + b"x" * (1024 * 1024 + 10))
    upload.name = "big.csv"
    assert b"the limit is 1 MB" in client.post(url, {"file": upload}).content


# --------------------------------------------------------------------------- batches


def test_delete_a_batch_after_confirming(team: dict[str, Any]) -> None:
    report = import_csv(team, CSV_TEXT.encode())
    assert report.batch is not None
    client = signed_in(team["fac"])
    url = reverse("experience:batch_delete", args=[team["project"].pk, report.batch.pk])
    confirm = client.get(url)
    assert b"and its 3 comments" in confirm.content
    assert Comment.objects.count() == 3
    assert signed_in(team["staff"]).post(url).status_code == 403
    assert client.post(url).status_code == 302
    assert not Comment.objects.exists() and not FeedbackBatch.objects.exists()
    assert AuditEvent.objects.filter(action="feedback.batch_deleted").exists()
    # Undo by importing again.
    assert import_csv(team, CSV_TEXT.encode()).added == 3


# --------------------------------------------------------------------------- API


def api_client(user: User) -> Client:
    from coproduce.web.accounts import actions as account_actions

    _, raw = account_actions.create_access_token(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def api_url(project: Project, path: str) -> str:
    return f"/api/v1/projects/{project.pk}/experience/{path}"


def test_api_lists_redacted_comments_and_holds_back(team: dict[str, Any]) -> None:
    seeded(team)
    project = team["project"]
    observed = api_client(team["observer"]).get(api_url(project, "comments")).json()
    assert observed["count"] == 2
    assert all("[NHS_NUMBER]" not in c["text"] for c in observed["items"])
    assert "original_text" not in observed["items"][0]
    facilitated = api_client(team["fac"]).get(api_url(project, "comments"), {"rating": 2}).json()
    assert [c["text"] for c in facilitated["items"]] == [
        "My NHS number [NHS_NUMBER] was read out in the bay"
    ]
    assert api_client(team["outsider"]).get(api_url(project, "comments")).status_code == 404


def test_api_story_and_json_import(team: dict[str, Any]) -> None:
    project = team["project"]
    staff = api_client(team["staff"])
    made = staff.post(
        api_url(project, "stories"),
        {
            "text": f"Email me at jo@example.com or {PHONE}",
            "teller_role": "patient",
            "consent": "share",
        },
        content_type="application/json",
    )
    assert made.status_code == 201
    assert made.json()["text"] == "Email me at [EMAIL] or [PHONE]"
    refused = api_client(team["observer"]).post(
        api_url(project, "stories"),
        {"text": "x", "teller_role": "patient", "consent": "share"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    no_consent = staff.post(
        api_url(project, "stories"),
        {"text": "x", "teller_role": "patient"},
        content_type="application/json",
    )
    assert no_consent.status_code == 422

    rows = [
        {"comment": "Good", "rating": "Very good"},
        {"comment": "bad", "rating": 9},
        {"comment": "", "date": "yesterday"},
    ]
    bad = staff.post(
        api_url(project, "imports"),
        {"source": "fft", "consent": "share", "rows": rows},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert [(e["row"], e["column"]) for e in bad.json()["errors"]] == [
        (2, "rating"),
        (3, "comment"),
        (3, "date"),
    ]
    assert Comment.objects.count() == 1  # the story only
    good = staff.post(
        api_url(project, "imports"),
        {
            "source": "archive",
            "consent": "share",
            "rows": [{"comment": "Good", "rating": "Very good"}, {"comment": "good"}],
        },
        content_type="application/json",
    )
    assert good.status_code == 201
    body = good.json()
    assert body["added"] == 1 and body["duplicates"] == [
        {"row": 2, "of_row": 1, "reason": "the same as row 1"}
    ]
    again = staff.post(
        api_url(project, "imports"),
        {"source": "archive", "consent": "share", "rows": [{"comment": "Good", "rating": 1}]},
        content_type="application/json",
    )
    assert again.status_code == 200 and again.json()["batch_id"] is None


# --------------------------------------------------------------------------- background imports

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
BIG_ROWS = [
    "2026-01-05,Ward 7,Very good,The staff were kind",
    f"2026-01-06,Ward 7,2,My NHS number {NHS_SPACED} was read out in the bay",
    "2026-01-07,Outpatients,Poor,Waited two hours",
    "2026-01-07,Outpatients,Poor,Waited two hours",
    "2026-01-08,Outpatients,Good,The parking was easy",
    f"2026-01-09,Ward 2,Poor,Ring me on {PHONE} about the food",
]
COLUMNS = {"comment": "Comment", "date": "Date", "service": "Ward", "rating": "Rating"}


def start_big_import(
    team: dict[str, Any], monkeypatch: pytest.MonkeyPatch, callbacks: Any
) -> tuple[Client, Job]:
    """Upload, check and confirm a file "larger" than the background limit (lowered to 3
    rows); the job is queued (its on-commit callback captured, not run)."""
    monkeypatch.setattr(actions, "BACKGROUND_ROWS", 3)
    client = signed_in(team["staff"])
    pk = team["project"].pk
    upload = io.BytesIO(("\n".join([HEADER, *BIG_ROWS]) + "\n").encode())
    upload.name = "fft-big.csv"
    client.post(reverse("experience:import", args=[pk]), {"file": upload})
    check = client.post(
        reverse("experience:import_columns", args=[pk]),
        COLUMNS | {"source": "fft", "consent": "analysis"},
    )
    assert b"imported in the background" in check.content
    with callbacks(execute=False) as queued:
        done = client.post(
            reverse("experience:import_confirm", args=[pk]), dict(check.context["hidden"])
        )
    assert len(queued) == 1
    job = Job.objects.get(kind="feedback_import")
    assert done.status_code == 302 and done["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.QUEUED
    assert not Comment.objects.exists()  # nothing until the job runs
    return client, job


def test_a_large_file_is_imported_in_the_background_with_progress(
    team: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = IMMEDIATE
    client, job = start_big_import(team, monkeypatch, django_capture_on_commit_callbacks)
    assert job.title == "Importing a feedback file of 6 rows"
    staged = Path(settings.DATA_DIR) / "uploads" / job.params["upload"]
    assert staged.is_dir()
    # The session no longer holds the file: a new upload does not delete the job's file.
    assert (
        client.get(reverse("experience:import_columns", args=[team["project"].pk])).status_code
        == 302
    )

    messages: list[str] = []
    original = jobs_progress.Progress.__call__

    def spy(self: jobs_progress.Progress, fraction: float, message: str = "") -> None:
        messages.append(message)
        original(self, fraction, message)

    monkeypatch.setattr(actions, "WRITE_CHUNK", 2)
    monkeypatch.setattr(jobs_progress.Progress, "__call__", spy)
    assert jobs_actions.execute(job_id=job.pk) == {"job": job.pk, "status": "succeeded"}

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    batch = FeedbackBatch.objects.get()
    assert job.result == {
        "batch": batch.pk,
        "rows_read": 6,
        "added": 5,
        "duplicates": 1,
        "empty_skipped": 0,
        "identifying": 2,
    }
    assert job.next_url == reverse("experience:list", args=[team["project"].pk])
    assert Comment.objects.count() == 5 and batch.created_by == team["staff"]
    assert not any(NHS in row[0] or PHONE in row[0] for row in raw_rows())
    # Progress in chunks while identifiers are hidden, never quoting a comment.
    assert "Hid identifiers in 2 of 5 comments" in messages
    assert "Hid identifiers in 5 of 5 comments" in messages
    assert messages[-1] == "Saving 5 comments"
    assert not any("Waited" in m or "kind" in m for m in messages)
    assert not staged.exists()  # the staged file is deleted once imported
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "See the results" in page
    assert f'href="{job.next_url}"' in page


def test_a_background_import_that_fails_leaves_nothing(
    team: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = IMMEDIATE
    _, job = start_big_import(team, monkeypatch, django_capture_on_commit_callbacks)
    staged = Path(settings.DATA_DIR) / "uploads" / job.params["upload"]
    monkeypatch.setattr(actions, "WRITE_CHUNK", 2)
    real = Comment.objects.bulk_create
    calls: list[int] = []

    def second_chunk_fails(objects: Any, **kwargs: Any) -> Any:
        calls.append(len(objects))
        if len(calls) == 2:
            raise RuntimeError(f"disk full while writing {objects[0].text}")
        return real(objects, **kwargs)

    monkeypatch.setattr(Comment.objects, "bulk_create", second_chunk_fails)
    jobs_actions.execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "RuntimeError" in job.error and "NHS" not in job.error
    assert calls == [2, 2]
    # All or nothing: the first chunk was written in the same transaction and rolled back.
    assert not Comment.objects.exists() and not FeedbackBatch.objects.exists()
    assert not AuditEvent.objects.filter(action="feedback.imported").exists()
    assert not staged.exists()


def test_a_background_import_whose_file_has_gone_fails_plainly(
    team: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = IMMEDIATE
    _, job = start_big_import(team, monkeypatch, django_capture_on_commit_callbacks)
    uploads.remove(job.params["upload"])
    jobs_actions.execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == tasks.FILE_GONE
    assert not Comment.objects.exists()


def test_a_cancelled_background_import_writes_nothing(
    team: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = IMMEDIATE
    _, job = start_big_import(team, monkeypatch, django_capture_on_commit_callbacks)
    original = jobs_progress.Progress.__call__

    def cancel_while_redacting(
        self: jobs_progress.Progress, fraction: float, message: str = ""
    ) -> None:
        if message.startswith("Hid identifiers"):
            Job.objects.filter(pk=job.pk).update(cancel_requested=True)
            self._last_write = None  # write now, as the next throttled call would
        original(self, fraction, message)

    monkeypatch.setattr(jobs_progress.Progress, "__call__", cancel_while_redacting)
    jobs_actions.execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert not Comment.objects.exists() and not FeedbackBatch.objects.exists()


def test_progress_is_never_reported_inside_the_import_transaction(team: dict[str, Any]) -> None:
    depths: list[int] = []
    outside = len(connection.atomic_blocks)

    def progress(fraction: float, message: str = "") -> None:
        depths.append(len(connection.atomic_blocks) - outside)

    data = ("\n".join([HEADER, *BIG_ROWS]) + "\n").encode()
    report = import_csv(team, data, progress=progress)
    assert report.added == 5
    assert depths and set(depths) == {0}


def test_a_small_file_is_still_imported_in_the_request(team: dict[str, Any]) -> None:
    assert actions.BACKGROUND_ROWS >= 1000
    client = signed_in(team["fac"])
    pk = team["project"].pk
    upload = io.BytesIO(CSV_TEXT.encode())
    upload.name = "fft.csv"
    client.post(reverse("experience:import", args=[pk]), {"file": upload})
    check = client.post(
        reverse("experience:import_columns", args=[pk]),
        COLUMNS | {"source": "fft", "consent": "analysis"},
    )
    assert b"imported in the background" not in check.content
    done = client.post(
        reverse("experience:import_confirm", args=[pk]), dict(check.context["hidden"])
    )
    assert done["Location"] == reverse("experience:list", args=[pk])
    assert Comment.objects.count() == 3 and not Job.objects.exists()


def test_a_service_named_only_by_held_back_comments_is_not_offered_to_others(
    team: dict[str, Any],
) -> None:
    rows = "Date,Ward,Rating,Comment\n" + (
        f"2026-01-06,Bay 4 (Mrs Jones),2,My NHS number {NHS_SPACED} was read out\n"
        "2026-01-07,Outpatients,Poor,Waited two hours\n"
    )
    import_csv(team, rows.encode())
    url = reverse("experience:list", args=[team["project"].pk])
    assert "Mrs Jones" in signed_in(team["fac"]).get(url).content.decode()
    for who in ("observer", "staff"):
        page = signed_in(team[who]).get(url).content.decode()
        assert "Outpatients" in page and "Mrs Jones" not in page

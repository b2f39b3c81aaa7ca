"""The GRIPP2 short-form report as a document to print or save as PDF (DOMAIN.md §1.8)."""

from __future__ import annotations

import datetime

from coproduce.participation.gripp2 import SOURCE, Gripp2Report
from coproduce.reports.document import Document, Section


def status_line(report: Gripp2Report) -> str:
    """ "Complete", or which items are still empty: the report never claims more."""
    if report.complete:
        return "Complete: every GRIPP2 short-form item is written."
    missing = [report.item(key) for key in report.missing]
    names = ", ".join(f"{item.number} ({item.section})" for item in missing)
    noun = "item" if len(missing) == 1 else "items"
    return f"Not complete: {noun} {names} still to write."


def gripp2_document(report: Gripp2Report, *, generated_on: datetime.date) -> Document:
    sections = tuple(
        Section(
            heading=f"{item.number}. {item.section}",
            prompt=item.prompt,
            paragraphs=tuple(p.strip() for p in item.text.split("\n") if p.strip()),
            note=f"Reported on page {item.reported_on_page}." if item.reported_on_page else "",
        )
        for item in report.items
    )
    return Document(
        title="Patient and public involvement: GRIPP2 short form",
        subtitle=report.project_title,
        status=status_line(report),
        status_ok=report.complete,
        sections=sections,
        footer=(
            f"Drafted from the project's record by coproduce on {generated_on:%-d %B %Y}; "
            f"counts of people under 5 are shown as <5. Checklist: {SOURCE}."
        ),
    )

"""PDF rendering of plain report documents, read back with pypdf (a library no one here wrote)."""

from __future__ import annotations

import datetime
import io

import pypdf

from coproduce.participation.gripp2 import Gripp2Item, Gripp2Key, Gripp2Report
from coproduce.reports.document import Document, Section
from coproduce.reports.gripp2 import gripp2_document, status_line
from coproduce.reports.pdf import render_pdf


def pdf_text(data: bytes) -> tuple[str, dict[str, str]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text, {k: str(v) for k, v in (reader.metadata or {}).items()}


def report(texts: dict[Gripp2Key, str]) -> Gripp2Report:
    sections = ["Aim", "Methods", "Results", "Discussion and conclusions", "Reflections"]
    items = tuple(
        Gripp2Item(key, number, section, f"Prompt {number}", texts.get(key, ""))
        for number, (key, section) in enumerate(zip(Gripp2Key, sections, strict=True), start=1)
    )
    return Gripp2Report("Fracture clinic – Zoë's project", items)


def test_a_document_renders_to_a_pdf_with_its_text_and_title() -> None:
    document = Document(
        title="A report – with a dash",
        subtitle="Zoë and Siân's project",
        status="Complete",
        sections=(Section("1. Aim", ("First paragraph.", "Second <b>not bold</b> & more.")),),
        footer="Made by coproduce.",
    )
    data = render_pdf(document)
    assert data.startswith(b"%PDF-")
    text, metadata = pdf_text(data)
    assert "Zoë and Siân's project" in text
    assert "Second <b>not bold</b> & more." in text  # escaped, not interpreted as markup
    assert metadata["/Title"] == "A report – with a dash"


def test_characters_outside_the_font_are_replaced_not_dropped() -> None:
    text, _ = pdf_text(render_pdf(Document(title="T", sections=(Section("S", ("a → b",)),))))
    assert "a ? b" in text


def test_an_empty_section_says_it_is_not_written() -> None:
    text, _ = pdf_text(render_pdf(Document(title="T", sections=(Section("2. Methods", ()),))))
    assert "Not written yet." in text


def test_an_incomplete_gripp2_report_says_which_items_are_missing() -> None:
    incomplete = report({Gripp2Key.PPI_AIM: "To involve patients.", Gripp2Key.PPI_METHODS: "x"})
    assert status_line(incomplete) == (
        "Not complete: items 3 (Results), 4 (Discussion and conclusions), "
        "5 (Reflections) still to write."
    )
    document = gripp2_document(incomplete, generated_on=datetime.date(2026, 3, 4))
    assert not document.status_ok
    text, _ = pdf_text(render_pdf(document))
    assert "Not complete" in text
    assert "Complete: every" not in text
    assert "4 March 2026" in text


def test_a_complete_gripp2_report_says_so() -> None:
    complete = report({key: f"Text {key.value}" for key in Gripp2Key})
    assert status_line(complete).startswith("Complete")
    text, _ = pdf_text(
        render_pdf(gripp2_document(complete, generated_on=datetime.date(2026, 1, 1)))
    )
    assert "Complete: every GRIPP2 short-form item is written." in text
    for key in Gripp2Key:
        assert f"Text {key.value}" in text

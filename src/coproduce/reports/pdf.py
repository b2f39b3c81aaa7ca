"""Render a :class:`~coproduce.reports.document.Document` to PDF with ReportLab.

ReportLab is pure Python on every platform we install on (docs/adr/0011). Text is drawn in
Bitstream Vera, which ReportLab ships, so names with accents and typographic dashes print
without a font being downloaded or installed; characters outside the font are replaced
rather than dropped silently.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from coproduce.reports.document import Document

_FONT = "CoproduceVera"
_FONT_BOLD = "CoproduceVeraBold"
_FONTS = Path(reportlab.__file__).parent / "fonts"
#: NHS blue and the NHS.UK frontend's text and warning colours.
_TEXT = colors.HexColor("#212b32")
_SECONDARY = colors.HexColor("#4c6272")
_BLUE = colors.HexColor("#005eb8")
_WARNING = colors.HexColor("#d5281b")
_GREEN = colors.HexColor("#007f3b")


def _register_fonts() -> None:
    if _FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(_FONT, str(_FONTS / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(_FONT_BOLD, str(_FONTS / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(_FONT, normal=_FONT, bold=_FONT_BOLD)


def _covered(text: str) -> str:
    """``text`` with characters Vera cannot draw replaced by a question mark."""
    font = pdfmetrics.getFont(_FONT)
    assert isinstance(font, TTFont)
    widths = font.face.charWidths
    return "".join(ch if ch in "\n\t" or ord(ch) in widths else "?" for ch in text)


def _markup(text: str) -> str:
    """Plain text as ReportLab paragraph markup: escaped, line breaks kept."""
    return escape(_covered(text)).replace("\n", "<br/>")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body", fontName=_FONT, fontSize=10.5, leading=14.5, textColor=_TEXT, alignment=TA_LEFT
    )
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontName=_FONT_BOLD, fontSize=20, leading=25, spaceAfter=4
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=12, leading=16, textColor=_SECONDARY, spaceAfter=8
        ),
        "status_ok": ParagraphStyle(
            "status_ok", parent=base, fontName=_FONT_BOLD, textColor=_GREEN, spaceAfter=10
        ),
        "status_warn": ParagraphStyle(
            "status_warn", parent=base, fontName=_FONT_BOLD, textColor=_WARNING, spaceAfter=10
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontName=_FONT_BOLD,
            fontSize=14,
            leading=18,
            textColor=_BLUE,
            spaceBefore=10,
            spaceAfter=3,
        ),
        "prompt": ParagraphStyle(
            "prompt", parent=base, fontSize=9.5, leading=13, textColor=_SECONDARY, spaceAfter=4
        ),
        "body": ParagraphStyle("body_spaced", parent=base, spaceAfter=6),
        "note": ParagraphStyle(
            "note", parent=base, fontSize=9, leading=12, textColor=_SECONDARY, spaceAfter=4
        ),
        "missing": ParagraphStyle("missing", parent=base, textColor=_WARNING, spaceAfter=6),
    }


def render_pdf(document: Document) -> bytes:
    """The document as the bytes of an A4 PDF, with its title in the metadata."""
    _register_fonts()
    styles = _styles()
    story: list[Flowable] = [Paragraph(_markup(document.title), styles["title"])]
    if document.subtitle:
        story.append(Paragraph(_markup(document.subtitle), styles["subtitle"]))
    if document.status:
        style = styles["status_ok" if document.status_ok else "status_warn"]
        story.append(Paragraph(_markup(document.status), style))
    for section in document.sections:
        block: list[Flowable] = [Paragraph(_markup(section.heading), styles["heading"])]
        if section.prompt:
            block.append(Paragraph(_markup(section.prompt), styles["prompt"]))
        if section.paragraphs:
            block += [Paragraph(_markup(p), styles["body"]) for p in section.paragraphs]
        else:
            block.append(Paragraph("Not written yet.", styles["missing"]))
        if section.note:
            block.append(Paragraph(_markup(section.note), styles["note"]))
        story.append(KeepTogether(block[:3]))
        story += block[3:]
    if document.footer:
        story += [Spacer(1, 6 * mm), Paragraph(_markup(document.footer), styles["note"])]

    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_covered(document.title),
        author=document.author,
        subject=_covered(document.subtitle),
        creator="coproduce",
    )
    template.build(story)
    return buffer.getvalue()

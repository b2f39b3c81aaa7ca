"""A plain report document: a title, then sections of paragraphs. Pure data, no rendering."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Section:
    """A heading, an optional prompt (what the section should say) and its paragraphs."""

    heading: str
    paragraphs: tuple[str, ...]
    prompt: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """What a PDF or printable page shows, top to bottom."""

    title: str
    subtitle: str = ""
    status: str = ""
    status_ok: bool = True
    sections: tuple[Section, ...] = field(default_factory=tuple)
    footer: str = ""
    author: str = "coproduce"

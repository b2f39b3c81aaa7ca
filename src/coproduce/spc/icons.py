"""Variation and assurance icons in the manner of NHS England's Making Data Count (MDC).

Our own drawings: a filled circle in the MDC colour of the icon with a letter (and for variation an
arrow) drawn as strokes, so they render the same with or without fonts (PNG through resvg). Each
SVG has a ``<title>`` that screen readers announce. The letter is white or near-black, whichever
contrasts more with the fill, and a dark rim keeps the light fills visible on white.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from html import escape

from coproduce.spc.types import Assurance, Variation

# Making Data Count colours.
GREY = "#A6A6A6"  # common cause; inconsistent assurance (NHSRplotthedots palette)
BLUE = "#00B0F0"  # special cause improvement; assurance pass
ORANGE = "#E46C0A"  # special cause concern; assurance fail
PURPLE = "#490092"  # special cause, neutral direction
INK_DARK = "#212B32"  # NHS.UK text colour
INK_LIGHT = "#FFFFFF"


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of an ``#RRGGBB`` colour."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink_for(fill: str) -> str:
    """White or near-black, whichever contrasts more with ``fill``."""
    light, dark = contrast_ratio(fill, INK_LIGHT), contrast_ratio(fill, INK_DARK)
    return INK_LIGHT if light >= dark else INK_DARK


# Glyphs drawn as strokes in a 100 x 100 box. "High" letters sit low under an up arrow, "low"
# letters sit high over a down arrow.
_ARROW_UP = "M39 27 L50 16 L61 27"
_ARROW_DOWN = "M39 73 L50 84 L61 73"
_H_LOW = "M37 40 V74 M63 40 V74 M37 57 H63"  # H under the up arrow
_L_HIGH = "M40 26 V60 H63"  # L over the down arrow
_WAVE = "M20 50 C30 30 40 30 50 50 S70 70 80 50"
_P = "M40 76 V26 H54 A13 13 0 0 1 54 52 H40"
_F = "M41 76 V26 H64 M41 50 H59"
_QUESTION = "M37 38 A13 13 0 1 1 57 49 C52 52 50 55 50 61 V63"


@dataclass(frozen=True, slots=True)
class IconInfo:
    title: str
    fill: str
    paths: tuple[str, ...]
    dot: bool = False  # the dot of a question mark


VARIATION_ICONS: dict[Variation, IconInfo] = {
    Variation.COMMON_CAUSE: IconInfo(
        "Variation: common cause, no significant change", GREY, (_WAVE,)
    ),
    Variation.IMPROVEMENT_HIGH: IconInfo(
        "Variation: special cause improvement, higher values", BLUE, (_ARROW_UP, _H_LOW)
    ),
    Variation.IMPROVEMENT_LOW: IconInfo(
        "Variation: special cause improvement, lower values", BLUE, (_L_HIGH, _ARROW_DOWN)
    ),
    Variation.CONCERN_HIGH: IconInfo(
        "Variation: special cause concern, higher values", ORANGE, (_ARROW_UP, _H_LOW)
    ),
    Variation.CONCERN_LOW: IconInfo(
        "Variation: special cause concern, lower values", ORANGE, (_L_HIGH, _ARROW_DOWN)
    ),
    Variation.NEUTRAL_HIGH: IconInfo(
        "Variation: special cause, neither improvement nor concern, higher values",
        PURPLE,
        (_ARROW_UP, _H_LOW),
    ),
    Variation.NEUTRAL_LOW: IconInfo(
        "Variation: special cause, neither improvement nor concern, lower values",
        PURPLE,
        (_L_HIGH, _ARROW_DOWN),
    ),
}

ASSURANCE_ICONS: dict[Assurance, IconInfo] = {
    Assurance.PASS: IconInfo(
        "Assurance: the process will consistently meet the target", BLUE, (_P,)
    ),
    Assurance.FAIL: IconInfo(
        "Assurance: the process will consistently miss the target", ORANGE, (_F,)
    ),
    Assurance.INCONSISTENT: IconInfo(
        "Assurance: the process will sometimes meet and sometimes miss the target",
        GREY,
        (_QUESTION,),
        dot=True,
    ),
}


def icon_info(kind: Variation | Assurance) -> IconInfo:
    if isinstance(kind, Variation):
        return VARIATION_ICONS[kind]
    return ASSURANCE_ICONS[kind]


def icon_title(kind: Variation | Assurance) -> str:
    """The words the icon stands for (its ``<title>``)."""
    return icon_info(kind).title


_TOKEN = re.compile(r"[A-Za-z]|-?\d+(?:\.\d+)?")
# Which arguments of each (absolute) command are x, y, or neither (radii scale, flags stay).
_ARG_KINDS = {
    "M": "xy",
    "L": "xy",
    "H": "x",
    "V": "y",
    "C": "xyxyxy",
    "S": "xyxy",
    "A": "rr--fxy",
}


def unit_path(path: str) -> str:
    """An icon path moved from the 100 x 100 box to the -1..1 square of Vega custom symbols."""
    out: list[str] = []
    kinds = ""
    k = 0
    for token in _TOKEN.findall(path):
        if token.isalpha():
            if token not in _ARG_KINDS:
                raise ValueError(f"unsupported path command {token!r}")
            kinds, k = _ARG_KINDS[token], 0
            out.append(token)
            continue
        value = float(token)
        kind = kinds[k % len(kinds)]
        k += 1
        if kind in "xy":
            value = (value - 50) / 50
        elif kind == "r":
            value = value / 50
        out.append(f"{value:g}")
    return " ".join(out)


def icon_svg(kind: Variation | Assurance, *, size: int = 48) -> str:
    """A standalone SVG (a string) of the variation or assurance icon, with a ``<title>``."""
    info = icon_info(kind)
    ink = ink_for(info.fill)
    title = escape(info.title)
    strokes = "".join(f'<path d="{d}"/>' for d in info.paths)
    dot = f'<circle cx="50" cy="75" r="5.5" fill="{ink}"/>' if info.dot else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 100 100" role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        f'<circle cx="50" cy="50" r="46" fill="{info.fill}" stroke="{INK_DARK}" stroke-width="3"/>'
        f'<g fill="none" stroke="{ink}" stroke-width="9" stroke-linecap="round" '
        f'stroke-linejoin="round">{strokes}</g>{dot}</svg>'
    )


def icon_data_url(kind: Variation | Assurance, *, size: int = 48) -> str:
    """The icon as a ``data:image/svg+xml;base64,...`` URL (for Vega-Lite image marks)."""
    raw = icon_svg(kind, size=size).encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(raw).decode("ascii")

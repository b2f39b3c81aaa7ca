"""Rendering SPC results: the Vega-Lite spec, SVG/PNG/HTML output, icons and the data table."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import re
import struct
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

import numpy as np
import pytest

from coproduce.spc import render
from coproduce.spc.icons import (
    ASSURANCE_ICONS,
    VARIATION_ICONS,
    contrast_ratio,
    icon_data_url,
    icon_info,
    icon_svg,
    icon_title,
    ink_for,
    unit_path,
)
from coproduce.spc.types import (
    Annotation,
    Assurance,
    ChartType,
    Direction,
    PhaseSummary,
    PointType,
    Rule,
    RuleSet,
    SpcOptions,
    SpcResult,
    Variation,
)

N = 24
SPLIT = 12
SVG_NS = "{http://www.w3.org/2000/svg}"


def _ro(values: Any, dtype: Any = np.float64) -> Any:
    a = np.array(values, dtype=dtype)
    a.setflags(write=False)
    return a


def make_result(
    *,
    mdc: bool = False,
    xs: tuple[Any, ...] | None = None,
    target: float | dict[str, float] | None = 60.0,
    funnel: bool = False,
    annotations: tuple[Annotation, ...] = (),
) -> SpcResult:
    """A two-phase I chart built by hand: point 5 is above the upper limit, points 13-21 are a
    run of 9 (limit 8) in phase 2, point 3 is excluded."""
    y = np.array([50.0 + (3.0 if i % 2 else -3.0) for i in range(N)])
    y[5] = 80.0
    y[13:22] = 62.0
    phase = np.array([1] * SPLIT + [2] * (N - SPLIT))
    cl = np.where(phase == 1, 50.0, 55.0)
    ucl, lcl = cl + 15.0, cl - 15.0
    if xs is None:
        xs = tuple(dt.date(2023, 1, 2) + dt.timedelta(weeks=i) for i in range(N))
    sigma = np.zeros(N, dtype=bool)
    sigma[5] = True
    rules: list[tuple[Rule, ...]] = [() for _ in range(N)]
    rules[5] = (Rule.OUTSIDE_LIMITS,)
    for i in range(13, 22):
        rules[i] = (Rule.SHIFT,) if mdc else (Rule.LONG_RUN,)
    point_type = None
    if mdc:
        point_type = tuple(
            PointType.CONCERN
            if i == 5
            else PointType.IMPROVEMENT
            if 13 <= i < 22
            else PointType.COMMON_CAUSE
            for i in range(N)
        )
    phases = (
        PhaseSummary(1, 0, SPLIT, SPLIT, SPLIT, 1, 7, 10, 3, False, 50.0, 35.0, 65.0),
        PhaseSummary(2, SPLIT, N, N - SPLIT, N - SPLIT, 9, 8, 3, 4, not mdc, 55.0, 40.0, 70.0),
    )
    options = SpcOptions(
        split=(xs[SPLIT],),
        direction=Direction.INCREASE,
        target=target,
        rules=RuleSet.MDC if mdc else RuleSet.ANHOEJ,
        funnel=funnel,
    )
    include = np.ones(N, dtype=bool)
    include[3] = False
    return SpcResult(
        chart=ChartType.I,
        options=options,
        x=xs,
        y=_ro(y),
        n=None,
        cl=_ro(cl),
        lcl=_ro(lcl),
        ucl=_ro(ucl),
        lcl_95=_ro(cl - 10.0),
        ucl_95=_ro(cl + 10.0),
        phase=_ro(phase, np.int64),
        baseline=_ro(np.ones(N, dtype=bool), np.bool_),
        include=_ro(include, np.bool_),
        sigma_signal=_ro(sigma, np.bool_),
        runs_signal=_ro(phase == 2 if not mdc else np.zeros(N, dtype=bool), np.bool_),
        signal_rules=tuple(rules),
        phases=phases,
        point_type=point_type,
        variation=Variation.IMPROVEMENT_HIGH if mdc else None,
        assurance=Assurance.INCONSISTENT if mdc else None,
        annotations=annotations,
    )


def layers_by_name(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {layer["name"]: layer for layer in spec["layer"]}


@pytest.fixture(scope="module")
def mdc_result() -> SpcResult:
    return make_result(
        mdc=True,
        annotations=(
            Annotation(dt.date(2023, 3, 27), "New <b>triage</b>"),
            Annotation(dt.date(2023, 5, 1), "PDSA 2", href="https://example.org/pdsa"),
            Annotation(dt.date(2023, 5, 8), "Bad link", href="javascript:alert(1)"),
        ),
    )


@pytest.fixture(scope="module")
def mdc_spec(mdc_result: SpcResult) -> dict[str, Any]:
    return render.vegalite_spec(
        mdc_result, title="Falls per 1,000 bed days", y_title="Falls", two_sigma=True
    )


@pytest.fixture(scope="module")
def mdc_svg(mdc_spec: dict[str, Any]) -> str:
    return render.to_svg(mdc_spec)


# --------------------------------------------------------------------------------------------
# The spec


def test_spec_is_vega_lite_v5_json_with_data_inline(mdc_spec: dict[str, Any]) -> None:
    assert mdc_spec["$schema"].endswith("/vega-lite/v5.json")
    text = json.dumps(mdc_spec, allow_nan=False)  # plain JSON: no NaN, no numpy types
    assert "http" not in text.replace(render.SCHEMA, "").replace("https://example.org/pdsa", "")
    assert len(mdc_spec["data"]["values"]) == N
    assert mdc_spec["title"]["text"] == "Falls per 1,000 bed days"
    # missing values are null, not NaN
    assert all(row["y"] is not None for row in mdc_spec["data"]["values"])


def test_spec_has_the_layers_of_an_spc_chart(mdc_spec: dict[str, Any]) -> None:
    names = set(layers_by_name(mdc_spec))
    assert {
        "two-sigma-upper",
        "two-sigma-lower",
        "limit-upper",
        "limit-lower",
        "centre",
        "target",
        "data-line",
        "points",
        "annotation-rules",
        "icon-variation",
        "icon-assurance",
        "label-centre",
        "label-target",
    } <= names
    assert any(name.startswith("annotation-labels") for name in names)


def test_limits_are_step_lines_broken_between_phases(mdc_spec: dict[str, Any]) -> None:
    layers = layers_by_name(mdc_spec)
    for name in ("limit-upper", "limit-lower", "centre", "two-sigma-upper"):
        layer = layers[name]
        assert layer["mark"]["type"] == "line"
        assert layer["mark"]["interpolate"] == "step"
        assert layer["encoding"]["detail"]["field"] == "phase"  # one path per phase
    assert layers["limit-upper"]["mark"]["strokeDash"]
    sigma2 = layers["two-sigma-upper"]["mark"]
    assert (
        sigma2["strokeDash"]
        and sigma2["strokeWidth"] < layers["limit-upper"]["mark"]["strokeWidth"]
    )
    assert {row["phase"] for row in mdc_spec["data"]["values"]} == {1, 2}


def test_rendered_limits_do_not_join_the_phases(mdc_svg: str) -> None:
    # Each phase is its own path: two centre-line paths, the first ending left of the second.
    paths = re.findall(r'class="mark-line role-mark centre_marks"[^>]*><path d="([^"]+)"', mdc_svg)
    assert len(paths) == 2
    xs = [[float(v) for v in re.findall(r"[ML](-?[\d.]+),", d)] for d in paths]
    first, second = sorted(xs, key=min)
    assert max(first) < min(second)


def test_two_sigma_lines_are_optional(mdc_result: SpcResult) -> None:
    spec = render.vegalite_spec(mdc_result)
    assert not any(name.startswith("two-sigma") for name in layers_by_name(spec))


def fields_read(spec: Any) -> set[str]:
    """Every data field a spec's layers read: encodings, tooltips, filters and conditions."""
    found: set[str] = set()
    if isinstance(spec, dict):
        if isinstance(spec.get("field"), str):
            found.add(spec["field"])
        for expression in (spec.get("filter"), spec.get("test")):
            if isinstance(expression, str):
                found.update(re.findall(r"datum\.(\w+)", expression))
        for key, value in spec.items():
            if key != "data":
                found |= fields_read(value)
    elif isinstance(spec, list):
        for value in spec:
            found |= fields_read(value)
    return found


@pytest.mark.parametrize("two_sigma", [False, True])
def test_the_inline_data_carries_only_fields_the_layers_read(
    mdc_result: SpcResult, two_sigma: bool
) -> None:
    """The spec is inlined and converted on every drawing: no field goes unread."""
    for result in (mdc_result, make_result()):
        spec = render.vegalite_spec(result, two_sigma=two_sigma)
        rows = spec["data"]["values"]
        assert set(rows[0]) <= fields_read(spec["layer"])
        assert ("lcl_95" in rows[0]) is two_sigma


def test_target_line(mdc_spec: dict[str, Any]) -> None:
    target = layers_by_name(mdc_spec)["target"]
    assert target["mark"]["type"] == "rule"
    assert target["data"]["values"][0]["target"] == 60.0


def test_target_per_series_needs_the_series_key() -> None:
    result = make_result(target={"Ward A": 70.0})
    assert "target" not in layers_by_name(render.vegalite_spec(result))
    spec = render.vegalite_spec(result, series_key="Ward A")
    assert layers_by_name(spec)["target"]["data"]["values"][0]["target"] == 70.0


def test_no_target_no_target_line() -> None:
    spec = render.vegalite_spec(make_result(target=None))
    assert "target" not in layers_by_name(spec)


def test_annotations_are_rules_with_labels_at_their_x(mdc_spec: dict[str, Any]) -> None:
    layers = layers_by_name(mdc_spec)
    values = layers["annotation-rules"]["data"]["values"]
    assert [v["x"] for v in values] == ["2023-03-27", "2023-05-01", "2023-05-08"]
    assert values[0]["label"] == "New <b>triage</b>"  # Vega draws text as text, not markup
    assert values[1]["href"] == "https://example.org/pdsa"
    assert "href" not in values[2]  # javascript: links are dropped
    labels = [
        v
        for name, layer in layers.items()
        if name.startswith("annotation-labels")
        for v in layer["data"]["values"]
    ]
    assert sorted(v["label"] for v in labels) == sorted(v["label"] for v in values)


def test_mdc_points_use_making_data_count_colours_and_shapes(mdc_spec: dict[str, Any]) -> None:
    enc = layers_by_name(mdc_spec)["points"]["encoding"]
    colour = dict(zip(enc["color"]["scale"]["domain"], enc["color"]["scale"]["range"], strict=True))
    assert colour == {
        "Common cause": "#A6A6A6",
        "Special cause improvement": "#00B0F0",
        "Special cause concern": "#E46C0A",
    }
    shape = dict(zip(enc["shape"]["scale"]["domain"], enc["shape"]["scale"]["range"], strict=True))
    assert shape["Common cause"] == "circle"
    assert len(set(shape.values())) == len(shape)  # colour is not the only cue
    rows = mdc_spec["data"]["values"]
    assert rows[5]["category"] == "Special cause concern"
    assert rows[14]["category"] == "Special cause improvement"
    assert rows[0]["category"] == "Common cause"
    assert rows[3]["excluded"] is True


def test_neutral_points_are_purple() -> None:
    base = make_result(mdc=True)
    types = list(base.point_type or ())
    types[5] = PointType.NEUTRAL_HIGH
    spec = render.vegalite_spec(dataclasses.replace(base, point_type=tuple(types)))
    scale = layers_by_name(spec)["points"]["encoding"]["color"]["scale"]
    assert (
        dict(zip(scale["domain"], scale["range"], strict=True))["Special cause neutral (high)"]
        == "#490092"
    )


def test_without_mdc_points_are_highlighted_by_the_rule_that_fired() -> None:
    spec = render.vegalite_spec(make_result(mdc=False))
    enc = layers_by_name(spec)["points"]["encoding"]
    domain = enc["color"]["scale"]["domain"]
    assert domain[0] == render.NO_SIGNAL
    assert set(domain) == {render.NO_SIGNAL, "Outside limits", "Long run"}
    assert enc["color"]["legend"]["title"] == "Points"
    rows = spec["data"]["values"]
    assert rows[5]["category"] == "Outside limits"
    assert rows[15]["signal"] is True
    assert rows[0]["signal"] is False
    # The phase with a runs signal gets a dashed centre line and says so.
    layers = layers_by_name(spec)
    assert layers["centre-runs-signal"]["mark"]["strokeDash"]
    assert "runs signal" in spec["title"]["subtitle"]


def test_tooltips_show_x_value_centre_limits_and_rules(mdc_spec: dict[str, Any]) -> None:
    tooltip = layers_by_name(mdc_spec)["points"]["encoding"]["tooltip"]
    titles = [t["title"] for t in tooltip]
    assert titles[:2] == ["Date", "Falls"]
    assert {"Centre", "Lower limit", "Upper limit", "Phase", "Signal"} <= set(titles)
    row = mdc_spec["data"]["values"][5]
    assert row["signal_text"] == "Special cause concern; Above upper limit"
    assert row["ucl_text"] == "65"


def test_description_summarises_the_chart(mdc_spec: dict[str, Any]) -> None:
    description = mdc_spec["description"]
    assert description.startswith("Falls per 1,000 bed days. I chart")
    assert "24 points in 2 phases" in description
    assert "special cause improvement at 9 points" in description
    assert description.count(". ") == 1 and description.endswith(".")


@pytest.mark.parametrize(
    ("xs", "kind"),
    [
        (tuple(dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(N)), "temporal"),
        (tuple(f"2024-01-{i + 1:02d}" for i in range(N)), "temporal"),
        (tuple(range(1, N + 1)), "quantitative"),
        (tuple(np.arange(N, dtype=np.int64)), "quantitative"),
        (tuple(f"Ward {chr(65 + i)}" for i in range(N)), "ordinal"),
    ],
)
def test_x_may_be_dates_numbers_or_categories(xs: tuple[Any, ...], kind: str) -> None:
    spec = render.vegalite_spec(make_result(xs=xs))
    x = layers_by_name(spec)["points"]["encoding"]["x"]
    assert x["type"] == kind
    json.dumps(spec, allow_nan=False)
    if kind == "temporal":
        assert x["scale"]["type"] == "utc"  # dates are days, whatever the viewer's time zone
    if kind == "ordinal":
        assert x["sort"] is None  # categories keep their order


def test_datetimes_with_times_are_utc() -> None:
    xs = tuple(
        dt.datetime(2024, 1, 1, 9, 30, tzinfo=dt.UTC) + dt.timedelta(hours=i) for i in range(N)
    )
    rows = render.vegalite_spec(make_result(xs=xs))["data"]["values"]
    assert rows[0]["x"] == "2024-01-01T09:30:00Z"
    assert rows[0]["x_label"] == "2024-01-01 09:30"


def test_funnel_plot_has_no_data_line() -> None:
    xs = tuple(f"Unit {i}" for i in range(N))
    spec = render.vegalite_spec(make_result(xs=xs, funnel=True))
    layers = layers_by_name(spec)
    assert "data-line" not in layers
    assert layers["points"]["encoding"]["x"]["title"] == "Unit"
    assert "Funnel plot" in spec["description"]


def test_icons_are_drawn_near_the_top_right(mdc_spec: dict[str, Any]) -> None:
    layers = layers_by_name(mdc_spec)
    for name, kind in (
        ("icon-variation", Variation.IMPROVEMENT_HIGH),
        ("icon-assurance", Assurance.INCONSISTENT),
    ):
        disc = layers[name]
        assert disc["mark"]["fill"] == icon_info(kind).fill
        assert disc["data"]["values"][0]["title"] == icon_title(kind)  # read out, and a tooltip
        assert disc["encoding"]["description"] == {"field": "title"}
        assert disc["encoding"]["x"]["value"] > mdc_spec["width"] / 2
        assert disc["encoding"]["y"]["value"] < 0  # above the plot area
        glyphs = [layer for n, layer in layers.items() if n.startswith(f"{name}-glyph")]
        assert [g["mark"]["shape"] for g in glyphs] == [unit_path(p) for p in icon_info(kind).paths]
        assert all(g["encoding"]["x"] == disc["encoding"]["x"] for g in glyphs)
    assert "icon-assurance-dot" in layers  # the dot of the question mark


def test_unit_path_maps_the_icon_box_to_the_unit_square() -> None:
    assert unit_path("M0 100 L100 0 H50 V25") == "M -1 1 L 1 -1 H 0 V -0.5"
    assert unit_path("M50 50 A25 25 0 1 1 75 50") == "M 0 0 A 0.5 0.5 0 1 1 0.5 0"
    assert unit_path("M0 50 C10 20 30 20 50 50 S90 80 100 50").startswith("M -1 0 C -0.8 -0.6")
    with pytest.raises(ValueError, match="unsupported"):
        unit_path("M0 0 Q1 1 2 2")


def test_no_icons_without_mdc() -> None:
    names = layers_by_name(render.vegalite_spec(make_result()))
    assert not any(name.startswith("icon") for name in names)


# --------------------------------------------------------------------------------------------
# Icons


@pytest.mark.parametrize("kind", [*Variation, *Assurance])
def test_every_icon_is_svg_with_a_title(kind: Variation | Assurance) -> None:
    svg = icon_svg(kind)
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG_NS}title")
    assert title is not None and title.text == icon_title(kind)
    url = icon_data_url(kind)
    assert url.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(url.split(",", 1)[1]).decode() == svg


def test_icon_colours_follow_making_data_count() -> None:
    assert VARIATION_ICONS[Variation.COMMON_CAUSE].fill == "#A6A6A6"
    assert VARIATION_ICONS[Variation.IMPROVEMENT_LOW].fill == "#00B0F0"
    assert VARIATION_ICONS[Variation.CONCERN_HIGH].fill == "#E46C0A"
    assert VARIATION_ICONS[Variation.NEUTRAL_LOW].fill == "#490092"
    assert ASSURANCE_ICONS[Assurance.PASS].fill == "#00B0F0"
    assert ASSURANCE_ICONS[Assurance.FAIL].fill == "#E46C0A"
    assert ASSURANCE_ICONS[Assurance.INCONSISTENT].fill == "#A6A6A6"


@pytest.mark.parametrize("kind", [*Variation, *Assurance])
def test_icon_glyphs_contrast_with_their_fill(kind: Variation | Assurance) -> None:
    # The glyphs are thick strokes, as large as large text: WCAG asks 3:1 (1.4.3, 1.4.11).
    fill = icon_info(kind).fill
    assert contrast_ratio(fill, ink_for(fill)) >= 3
    assert contrast_ratio(fill, "#FFFFFF") >= 3 or 'stroke="#212B32"' in icon_svg(kind)


def test_icon_titles_say_high_or_low() -> None:
    assert "higher" in icon_title(Variation.IMPROVEMENT_HIGH)
    assert "lower" in icon_title(Variation.CONCERN_LOW)
    assert "consistently meet" in icon_title(Assurance.PASS)


# --------------------------------------------------------------------------------------------
# SVG, PNG, HTML


def test_svg_renders_with_title_and_description(mdc_svg: str) -> None:
    assert mdc_svg.startswith("<svg")
    assert "<title>Falls per 1,000 bed days</title>" in mdc_svg
    assert "<desc>Falls per 1,000 bed days. I chart" in mdc_svg
    root = ET.fromstring(mdc_svg)  # noqa: S314 - well-formed (our own output)
    assert root.tag == f"{SVG_NS}svg"
    assert "<image" not in mdc_svg  # icons are drawn as symbols, not images
    assert f'aria-label="{icon_title(Variation.IMPROVEMENT_HIGH)}"' in mdc_svg
    assert "points_marks" in mdc_svg and "target_marks" in mdc_svg


def test_svg_escapes_labels() -> None:
    xs = tuple(f"<script>alert({i})</script>" for i in range(N))
    svg = render.to_svg(render.vegalite_spec(make_result(xs=xs), title="<b>Bold</b> & co"))
    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in svg
    ET.fromstring(svg)  # noqa: S314 - our own output


def test_rendering_fetches_nothing() -> None:
    spec = {"data": {"url": "https://example.org/data.csv"}, "mark": "point"}
    with pytest.raises(ValueError, match="not allowed"):
        render.to_svg(spec)


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_png_renders(mdc_spec: dict[str, Any]) -> None:
    png = render.to_png(mdc_spec)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    small = render.to_png(mdc_spec, scale=1)
    assert _png_size(png)[0] == pytest.approx(2 * _png_size(small)[0], abs=2)


def test_html_is_standalone_and_offline(mdc_spec: dict[str, Any], mdc_result: SpcResult) -> None:
    table = render.data_table_html(mdc_result, caption="Falls by week")
    page = render.to_html(mdc_spec, table_html=table)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in page
    assert "<title>Falls per 1,000 bed days</title>" in page
    assert table in page
    assert "vegaEmbed(" in page
    # No script or stylesheet from anywhere else: the libraries are inlined.
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", page, re.IGNORECASE)
    assert not re.search(r"@import|url\(\s*[\"']?(https?:)?//", page, re.IGNORECASE)
    assert '"actions":false' in page  # no "open in the Vega editor" link


def test_html_spec_cannot_break_out_of_its_script_tag() -> None:
    xs = tuple(f"</script><script>window.pwned{i}=1</script>" for i in range(N))
    result = make_result(xs=xs)
    page = render.to_html(render.vegalite_spec(result, title="</script><!--"))
    assert page.lower().count("<script") == 2  # the library and the embedding
    assert page.lower().count("</script") == 2
    assert "window.pwned0" in page  # still there, as escaped JSON
    assert "\\u003c/script\\u003e\\u003cscript\\u003ewindow.pwned0" in page


def test_html_page_title_defaults() -> None:
    page = render.to_html(render.vegalite_spec(make_result()))
    assert "<title>SPC chart</title>" in page


# --------------------------------------------------------------------------------------------
# The data table


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.caption = ""
        self._in_caption = False
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self.rows.append([])
        elif tag in {"td", "th"}:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
        elif tag in {"td", "th"} and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self.caption += data
        if self._cell is not None:
            self._cell.append(data)


def parse_table(markup: str) -> _TableParser:
    parser = _TableParser()
    parser.feed(markup)
    parser.close()
    return parser


def test_table_is_accessible_and_nhsuk_styled(mdc_result: SpcResult) -> None:
    markup = render.data_table_html(mdc_result, caption="Falls <by> week", y_title="Falls")
    table = parse_table(markup)
    assert table.caption == "Falls <by> week"
    assert "Falls &lt;by&gt; week" in markup
    tables = [attrs for tag, attrs in table.tags if tag == "table"]
    assert tables and "nhsuk-table" in (tables[0].get("class") or "")
    col_headers = [
        attrs for tag, attrs in table.tags if tag == "th" and attrs.get("scope") == "col"
    ]
    row_headers = [
        attrs for tag, attrs in table.tags if tag == "th" and attrs.get("scope") == "row"
    ]
    assert len(col_headers) == 7
    assert len(row_headers) == N
    header, *body = table.rows
    assert header == ["Date", "Falls", "Centre", "Lower limit", "Upper limit", "Phase", "Signal"]
    assert len(body) == N
    assert body[0][:6] == ["2023-01-02", "47", "50", "35", "65", "1"]
    assert body[0][6] == "Common cause"
    assert body[5][6] == "Special cause concern; Above upper limit"
    assert body[3][6] == "Excluded from the calculations"
    assert body[14][6].startswith("Special cause improvement; Part of a shift (7 or more points")
    assert body[20][5] == "2"


def test_table_describes_runs_in_words() -> None:
    body = parse_table(render.data_table_html(make_result(), caption="c")).rows[1:]
    assert body[15][6] == "Part of a run of 9 (limit 8)"
    assert body[0][6] == render.NO_SIGNAL


def test_table_escapes_x_labels() -> None:
    xs = tuple(f"<script>alert({i})</script>" for i in range(N))
    markup = render.data_table_html(make_result(xs=xs), caption="c")
    assert "<script" not in markup
    assert "&lt;script&gt;alert(0)&lt;/script&gt;" in markup
    assert parse_table(markup).rows[1][0] == "<script>alert(0)</script>"


def test_signal_words_for_each_rule() -> None:
    base = make_result(mdc=False)
    words = {
        Rule.FEW_CROSSINGS: (
            "Too few crossings of the centre line in this phase (3, fewest expected 4)"
        ),
        Rule.TREND: "Part of a trend (5 or more points",
        Rule.RUNS_COUNT: "Too few or too many runs",
        Rule.TWO_OF_THREE: "2 of 3 points in a row beyond 2 sigma",
    }
    for rule, expected in words.items():
        rules = list(base.signal_rules)
        rules[15] = (rule,)
        options = dataclasses.replace(base.options, rules=RuleSet.IHI)
        result = dataclasses.replace(base, signal_rules=tuple(rules), options=options)
        assert render.point_signal_text(result, 15).startswith(expected)
    # below the lower limit
    y = np.array(base.y)
    y[5] = 10.0
    assert render.point_signal_text(dataclasses.replace(base, y=_ro(y)), 5) == "Below lower limit"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (float("nan"), ""),
        (0.0, "0"),
        (50.0, "50"),
        (12.3456, "12.35"),
        (0.012345, "0.01235"),
        (123456.7, "123457"),
        (-3.5, "-3.5"),
        (-0.00001, "-0.00001"),
    ],
)
def test_fmt_number(value: float | None, text: str) -> None:
    assert render.fmt_number(value) == text


# --------------------------------------------------------------------------------------------
# Several series


def test_render_multi_stacks_charts(mdc_result: SpcResult) -> None:
    spec = render.render_multi([("Ward A", mdc_result), ("Ward B", make_result())], y_title="Falls")
    assert len(spec["vconcat"]) == 2
    assert [c["title"]["text"] for c in spec["vconcat"]] == ["Ward A", "Ward B"]
    assert all("$schema" not in c and "config" not in c for c in spec["vconcat"])
    names = [layer["name"] for c in spec["vconcat"] for layer in c["layer"]]
    assert len(names) == len(set(names))  # Vega-Lite needs unique view names
    assert spec["description"].startswith("2 charts: Ward A. I chart")
    svg = render.to_svg(spec)
    assert "Ward A" in svg and "Ward B" in svg


def test_render_multi_caps_the_number_of_charts() -> None:
    result = make_result(target=None)
    render.render_multi([(str(k), result) for k in range(render.MAX_CHARTS)])
    with pytest.raises(ValueError, match="at most 50"):
        render.render_multi([(str(k), result) for k in range(render.MAX_CHARTS + 1)])
    with pytest.raises(ValueError, match="at least one"):
        render.render_multi([])


# --------------------------------------------------------------------------------------------
# With the engine


def test_engine_results_render_end_to_end() -> None:
    from coproduce.spc import spc

    rng = np.random.default_rng(11)
    y = rng.normal(100, 10, 40)
    y[30:] += 25
    x = [dt.date(2022, 1, 3) + dt.timedelta(weeks=i) for i in range(40)]
    for rules in (RuleSet.ANHOEJ, RuleSet.IHI, RuleSet.MDC):
        result = spc(
            y,
            x=x,
            chart="i",
            options=SpcOptions(
                split=[x[20]], rules=rules, direction=Direction.INCREASE, target=110.0
            ),
            annotations=[Annotation(x[20], "Change")],
        )
        spec = render.vegalite_spec(result, title=f"Weekly {rules}")
        json.dumps(spec, allow_nan=False)
        svg = render.to_svg(spec)
        assert f"Weekly {rules}" in svg
        table = parse_table(render.data_table_html(result, caption="c"))
        assert len(table.rows) == 41
        if rules is RuleSet.MDC:
            assert result.variation is not None
            assert "icon-variation" in layers_by_name(spec)
            assert any("Special cause improvement" in r[-1] for r in table.rows[1:])
        else:
            assert any(r[-1] != render.NO_SIGNAL for r in table.rows[1:])


def test_engine_run_chart_and_p_chart_render() -> None:
    from coproduce.spc import spc

    run = spc([3, 5, 4, 6, 5, 7, 6, 8, 7, 9, 8, 10], chart="run")
    spec = render.vegalite_spec(run)
    assert "limit-upper" not in layers_by_name(spec)  # a run chart has no limits
    header = parse_table(render.data_table_html(run, caption="c")).rows[0]
    assert "Upper limit" not in header
    assert render.to_png(spec)[:4] == b"\x89PNG"

    wards = ["Ward A", "Ward B", "Ward C", "Ward D", "Ward E"]
    funnel = spc(
        [5, 12, 30, 8, 3],
        n=[50, 80, 150, 60, 70],
        x=wards,
        chart="p",
        options=SpcOptions(funnel=True),
    )
    spec = render.vegalite_spec(funnel, title="Falls by ward")
    assert layers_by_name(spec)["points"]["encoding"]["x"]["type"] == "ordinal"
    header = parse_table(render.data_table_html(funnel, caption="c")).rows[0]
    assert header[:3] == ["Unit", "Value", "n"]
    assert "Falls by ward" in render.to_svg(spec)

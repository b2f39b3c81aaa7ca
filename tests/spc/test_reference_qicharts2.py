"""The engine reproduces qicharts2 0.8.1 (``qic(..., return.data = TRUE)``) on its own data.

Each ``qic__*`` case in ``tests/data/spc/expected/MANIFEST.csv`` is translated by hand, in
``CASES`` below, from its R call into our API. Both entry points run it: ``spc_batch`` with
the facets as the series key, and ``spc`` once per facet. The comparison is per point: limits
to 1e-9 relative, signals and runs-analysis counts exactly.

How the R arguments translate:

* ``qic(x, y, n)`` gives the x, y and n columns. Without x, qicharts2 numbers the rows 1..N,
  and so does ``Qic.x = None``. y may be an expression, such as ``value * n``.
* ``facets = ~a`` or ``a ~ b`` become the series key ``"a"`` or ``"a / b"``.
* ``part = k`` ends the first part at point k, so we split at the x of point k + 1.
* ``exclude`` lists point indices, and we exclude the x values at those points.
* ``freeze``, ``multiply`` and ``agg.fun`` keep their names (``agg``).
* ``options(qic.screenedmr = FALSE)`` becomes ``screened=False``.
* A categorical x (hospital) is a funnel plot, ``funnel=True``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl
import pytest

from coproduce.spc.types import SpcOptions
from tests.spc.reference import (
    ENTRY_POINTS,
    Check,
    column,
    compare_series,
    load_expected,
    load_input,
    manifest_cases,
    nth_x,
    run,
    same_exact,
    same_float,
    same_x,
    split_by_series,
)

Y = str | pl.Expr


@dataclass(frozen=True)
class Qic:
    """One qic() call: the input file stem and the arguments, named as qic names them."""

    input: str
    chart: str
    y: Y
    x: str | None = None  # None: points numbered 1..N in the file's order
    n: Y | None = None
    facets: tuple[str, ...] = ()
    freeze: int | None = None
    part: int | None = None
    exclude: tuple[int, ...] = ()  # point indices, as qic's exclude
    multiply: float = 1.0
    agg: str = "mean"
    screened: bool = True
    funnel: bool = False
    where: str | None = None  # synthetic__edge_cases: the series the call's `d` was


CDI = "qicharts2__cdi"
GTT = "qicharts2__gtt"
GTT_M = "derived__gtt_by_month"
LAST100 = "derived__cabg_last100"
CABG_M = "derived__cabg_with_month"
CABG_BY_M = "derived__cabg_by_month"
FATAL = "derived__cabg_fatalities"
HAI = "qicharts2__hospital_infections"
NHS = "qicharts2__nhs_accidents"
COMPLAINTS = "qicharts2__complaints"
AE_TOTAL = "derived__ae_total_by_month"
RJZ1 = "derived__ae_RJZ_type1"
SYN = "synthetic__edge_cases"


def tbl(name: str) -> str:
    """qicharts2's internal Montgomery tables: ``tbl("tbl_06.03")``."""
    return f"qicharts2_sysdata__{name}"


def syn(
    series: str,
    chart: str,
    *,
    screened: bool = True,
    freeze: int | None = None,
    part: int | None = None,
) -> Qic:
    """``qic(i, y, data = d, ...)`` where ``d`` is one series of the synthetic edge cases."""
    return Qic(SYN, chart, x="i", y="y", where=series, screened=screened, freeze=freeze, part=part)


def performance() -> pl.Expr:
    return pl.col("attendances") - pl.col("breaches")


CASES: dict[str, Qic] = {
    # qicharts2::cdi, hospital-acquired C. difficile infections by month
    "cdi_run": Qic(CDI, "run", x="month", y="n"),
    "cdi_run_freeze24": Qic(CDI, "run", x="month", y="n", freeze=24),
    "cdi_run_part24": Qic(CDI, "run", x="month", y="n", part=24),
    "cdi_c": Qic(CDI, "c", x="month", y="n"),
    "cdi_c_part24": Qic(CDI, "c", x="month", y="n", part=24),
    "cdi_u_part24_x10000": Qic(CDI, "u", x="month", y="n", n="days", part=24, multiply=10000),
    "cdi_up_part24_x10000": Qic(CDI, "up", x="month", y="n", n="days", part=24, multiply=10000),
    "cdi_i": Qic(CDI, "i", x="month", y="n"),
    "cdi_i__unscreened": Qic(CDI, "i", x="month", y="n", screened=False),
    "cdi_i_freeze24": Qic(CDI, "i", x="month", y="n", freeze=24),
    "cdi_mr": Qic(CDI, "mr", x="month", y="n"),
    # qicharts2::gtt, one row per admission: several rows per month are summed
    "gtt_run_rate_x1000": Qic(GTT, "run", x="month", y="harms", n="days", multiply=1000),
    "gtt_u_x1000": Qic(GTT, "u", x="month", y="harms", n="days", multiply=1000),
    "gtt_up_x1000": Qic(GTT, "up", x="month", y="harms", n="days", multiply=1000),
    "gtt_by_month_run_p": Qic(GTT_M, "run", x="month", y="n.harmed", n="n"),
    "gtt_by_month_p": Qic(GTT_M, "p", x="month", y="n.harmed", n="n"),
    "gtt_by_month_pp": Qic(GTT_M, "pp", x="month", y="n.harmed", n="n"),
    "gtt_by_month_c_harms": Qic(GTT_M, "c", x="month", y="harms"),
    # qicharts2::cabg: the last 100 patients, no x
    "cabg_last100_age_run": Qic(LAST100, "run", y="age"),
    "cabg_last100_age_i": Qic(LAST100, "i", y="age"),
    "cabg_last100_age_i__unscreened": Qic(LAST100, "i", y="age", screened=False),
    "cabg_last100_age_mr": Qic(LAST100, "mr", y="age"),
    "cabg_last100_age_i_exclude45_70": Qic(LAST100, "i", y="age", exclude=(45, 70)),
    # qicharts2::cabg with a month column: one row per patient, aggregated per month
    "cabg_month_age_run_mean": Qic(CABG_M, "run", x="month", y="age"),
    "cabg_month_age_i_mean": Qic(CABG_M, "i", x="month", y="age"),
    "cabg_month_age_xbar": Qic(CABG_M, "xbar", x="month", y="age"),
    "cabg_month_age_s": Qic(CABG_M, "s", x="month", y="age"),
    "cabg_month_los_run_median": Qic(CABG_M, "run", x="month", y="los", agg="median"),
    "cabg_by_month_readmissions_run": Qic(CABG_BY_M, "run", x="month", y="readmissions", n="n"),
    "cabg_by_month_readmissions_p": Qic(CABG_BY_M, "p", x="month", y="readmissions", n="n"),
    "cabg_by_month_readmissions_pp": Qic(CABG_BY_M, "pp", x="month", y="readmissions", n="n"),
    "cabg_by_month_readmissions_pp__unscreened": Qic(
        CABG_BY_M, "pp", x="month", y="readmissions", n="n", screened=False
    ),
    "cabg_by_month_deaths_p": Qic(CABG_BY_M, "p", x="month", y="deaths", n="n"),
    "cabg_by_month_deaths_pp": Qic(CABG_BY_M, "pp", x="month", y="deaths", n="n"),
    "cabg_by_month_deaths_c": Qic(CABG_BY_M, "c", x="month", y="deaths"),
    "cabg_by_month_gender_readmissions_p": Qic(
        "derived__cabg_by_month_gender",
        "p",
        x="month",
        y="readmissions",
        n="n",
        facets=("gender",),
    ),
    # Fatalities: dd = surgeries between deaths, dt = days between deaths (first row NA)
    "cabg_fatalities_g_dd": Qic(FATAL, "g", y="dd"),
    "cabg_fatalities_t_dt": Qic(FATAL, "t", y="dt"),
    "cabg_fatalities_run_dd": Qic(FATAL, "run", y="dd"),
    # qicharts2::hospital_infections: 6 hospitals x 3 infections x 24 months
    "hai_u_x10000": Qic(HAI, "u", x="month", y="n", n="days", multiply=10000),
    "hai_up_x10000": Qic(HAI, "up", x="month", y="n", n="days", multiply=10000),
    "hai_run_x10000": Qic(HAI, "run", x="month", y="n", n="days", multiply=10000),
    "hai_u_by_infection_x10000": Qic(
        HAI, "u", x="month", y="n", n="days", facets=("infection",), multiply=10000
    ),
    "hai_u_by_infection_hospital_x10000": Qic(
        HAI, "u", x="month", y="n", n="days", facets=("infection", "hospital"), multiply=10000
    ),
    "hai_up_by_infection_hospital_x10000": Qic(
        HAI, "up", x="month", y="n", n="days", facets=("infection", "hospital"), multiply=10000
    ),
    "hai_c_by_infection_hospital": Qic(
        HAI, "c", x="month", y="n", facets=("infection", "hospital")
    ),
    "hai_run_by_infection_hospital": Qic(
        HAI, "run", x="month", y="n", facets=("infection", "hospital")
    ),
    # Funnel plots: x is the hospital (categorical), the 2016 months are summed per hospital
    "hai_2016_funnel_u_by_infection_x10000": Qic(
        "derived__hai_2016",
        "u",
        x="hospital",
        y="n",
        n="days",
        facets=("infection",),
        multiply=10000,
        funnel=True,
    ),
    "hai_2016_funnel_up_by_infection_x10000": Qic(
        "derived__hai_2016",
        "up",
        x="hospital",
        y="n",
        n="days",
        facets=("infection",),
        multiply=10000,
        funnel=True,
    ),
    # qicharts2::nhs_accidents: r of n patients seen within 4 hours
    "nhs_accidents_run": Qic(NHS, "run", x="i", y="r", n="n"),
    "nhs_accidents_p": Qic(NHS, "p", x="i", y="r", n="n"),
    "nhs_accidents_pp": Qic(NHS, "pp", x="i", y="r", n="n"),
    "nhs_accidents_pp__unscreened": Qic(NHS, "pp", x="i", y="r", n="n", screened=False),
    "nhs_accidents_i": Qic(NHS, "i", x="i", y="r", n="n"),
    "nhs_accidents_ip": Qic(NHS, "ip", x="i", y="r", n="n"),
    # Wayne Taylor's complaints and lots (Taylor's I' chart)
    "complaints_ip": Qic(COMPLAINTS, "ip", x="month", y="complaints", n="sales"),
    "complaints_ip__unscreened": Qic(
        COMPLAINTS, "ip", x="month", y="complaints", n="sales", screened=False
    ),
    "complaints_up": Qic(COMPLAINTS, "up", x="month", y="complaints", n="sales"),
    "complaints_u": Qic(COMPLAINTS, "u", x="month", y="complaints", n="sales"),
    "lots_ip": Qic("qicharts2__lots", "ip", x="lot", y=pl.col("value") * pl.col("n"), n="n"),
    "lots_i": Qic("qicharts2__lots", "i", x="lot", y="value"),
    # Montgomery, Introduction to SQC (qicharts2's internal test tables)
    "montgomery_tbl_06.03_xbar": Qic(tbl("tbl_06.03"), "xbar", x="sample", y="obs"),
    "montgomery_tbl_06.03_s": Qic(tbl("tbl_06.03"), "s", x="sample", y="obs"),
    "montgomery_tbl_06.04_xbar_varn": Qic(tbl("tbl_06.04"), "xbar", x="sample", y="obs"),
    "montgomery_tbl_06.04_s_varn": Qic(tbl("tbl_06.04"), "s", x="sample", y="obs"),
    "montgomery_tbl_06.07_i_freeze20": Qic(tbl("tbl_06.07"), "i", x="weeks", y="cost", freeze=20),
    "montgomery_tbl_06.07_mr_freeze20": Qic(tbl("tbl_06.07"), "mr", x="weeks", y="cost", freeze=20),
    "montgomery_tbl_07.03_p_exclude_part30": Qic(
        tbl("tbl_07.03"), "p", x="sample", y="count", n="size", exclude=(15, 23), part=30
    ),
    "montgomery_tbl_07.04_p_varn": Qic(tbl("tbl_07.04"), "p", x="sample", y="count", n="size"),
    "montgomery_tbl_07.08_c_exclude_freeze26": Qic(
        tbl("tbl_07.08"), "c", x="sample", y="count", exclude=(6, 20), freeze=26
    ),
    "montgomery_tbl_07.10_u": Qic(tbl("tbl_07.10"), "u", x="sample", y="count", n="size"),
    "montgomery_tbl_07.11_u_x50": Qic(
        tbl("tbl_07.11"), "u", x="roll", y="count", n="meters", multiply=50
    ),
    "montgomery_tbl_07.14_t": Qic(tbl("tbl_07.14"), "t", x="failure", y="hours"),
    "montgomery_tbl_09.01_i": Qic(tbl("tbl_09.01"), "i", x="sample", y="x"),
    # NHSRdatasets::ae_attendances, derived monthly tables
    "ae_total_attendances_i": Qic(AE_TOTAL, "i", x="period", y="attendances"),
    "ae_total_attendances_run": Qic(AE_TOTAL, "run", x="period", y="attendances"),
    "ae_RJZ1_breaches_i": Qic(RJZ1, "i", x="period", y="breaches"),
    "ae_RJZ1_breaches_i__unscreened": Qic(RJZ1, "i", x="period", y="breaches", screened=False),
    "ae_RJZ1_performance_p": Qic(RJZ1, "p", x="period", y=performance(), n="attendances"),
    "ae_RJZ1_performance_pp": Qic(RJZ1, "pp", x="period", y=performance(), n="attendances"),
    "ae_5orgs_breaches_i_by_org": Qic(
        "derived__ae_5orgs_type1", "i", x="period", y="breaches", facets=("org_code",)
    ),
    # Synthetic edge cases: one series of synthetic__edge_cases.csv each
    "synthetic_stable_run": syn("stable", "run"),
    "synthetic_stable_i": syn("stable", "i"),
    "synthetic_stable_i__unscreened": syn("stable", "i", screened=False),
    "synthetic_stable_mr": syn("stable", "mr"),
    "synthetic_shift_run": syn("shift", "run"),
    "synthetic_shift_i": syn("shift", "i"),
    "synthetic_shift_i__unscreened": syn("shift", "i", screened=False),
    "synthetic_shift_mr": syn("shift", "mr"),
    "synthetic_shift_i_freeze18": syn("shift", "i", freeze=18),
    "synthetic_shift_i_part18": syn("shift", "i", part=18),
    "synthetic_outlier_run": syn("outlier", "run"),
    "synthetic_outlier_i": syn("outlier", "i"),
    "synthetic_outlier_i__unscreened": syn("outlier", "i", screened=False),
    "synthetic_outlier_mr": syn("outlier", "mr"),
    "synthetic_trend_run": syn("trend", "run"),
    "synthetic_trend_i": syn("trend", "i"),
    "synthetic_trend_i__unscreened": syn("trend", "i", screened=False),
    "synthetic_trend_mr": syn("trend", "mr"),
    "synthetic_ties_run": syn("ties", "run"),
    "synthetic_ties_i": syn("ties", "i"),
    "synthetic_ties_i__unscreened": syn("ties", "i", screened=False),
    "synthetic_ties_mr": syn("ties", "mr"),
    "synthetic_ties_c": syn("ties", "c"),
    "synthetic_ties_g": syn("ties", "g"),
    "synthetic_ties_t": syn("ties", "t"),
    "synthetic_missing_run": syn("missing", "run"),
    "synthetic_missing_i": syn("missing", "i"),
    "synthetic_missing_i__unscreened": syn("missing", "i", screened=False),
    "synthetic_missing_mr": syn("missing", "mr"),
    "synthetic_two_in_three_run": syn("two_in_three", "run"),
    "synthetic_two_in_three_i": syn("two_in_three", "i"),
    "synthetic_two_in_three_i__unscreened": syn("two_in_three", "i", screened=False),
    "synthetic_two_in_three_mr": syn("two_in_three", "mr"),
    "synthetic_short_run": syn("short", "run"),
    "synthetic_short_i": syn("short", "i"),
    "synthetic_short_i__unscreened": syn("short", "i", screened=False),
    "synthetic_short_mr": syn("short", "mr"),
}

#: Cases that do not apply to this engine, with the reason.
NOT_APPLICABLE = {
    "synthetic_shift_run_bestbox": "method='bestbox' is an experimental qicharts2 method we do "
    "not offer (Anhøj & Wentzel-Larsen 2020 table)",
    "synthetic_shift_run_cutbox": "method='cutbox' is an experimental qicharts2 method we do "
    "not offer (Anhøj & Wentzel-Larsen 2020 table)",
}

QIC = manifest_cases("qic__")


def test_every_qic_case_is_translated_or_skipped_with_a_reason() -> None:
    assert set(QIC) == set(CASES) | set(NOT_APPLICABLE)
    assert not set(CASES) & set(NOT_APPLICABLE)


@pytest.mark.parametrize("name", sorted(CASES))
def test_translation_agrees_with_the_r_call(name: str) -> None:
    """A cheap guard on the table: the case's R call says the same chart and options."""
    case, call = CASES[name], QIC[name]["call"]
    chart = re.search(r'chart = "(\w+)"', call)
    assert case.chart == (chart.group(1) if chart else "run")
    assert case.screened == ("qic.screenedmr=FALSE" not in call)
    assert (case.freeze is not None) == ("freeze =" in call)
    assert (case.part is not None) == ("part =" in call)
    assert bool(case.exclude) == ("exclude =" in call)
    assert (case.multiply != 1) == ("multiply =" in call)
    assert (case.agg != "mean") == ("agg.fun" in call)
    assert bool(case.facets) == ("facets =" in call)
    assert QIC[name]["input"] == case.input


def qic_frame(case: Qic) -> pl.DataFrame:
    """The case's input as the engine's columns, sorted by x within series."""
    data = load_input(case.input)
    if case.where is not None:
        data = data.filter(pl.col("series") == case.where)
    data = data.with_row_index("row", offset=1)

    def expr(value: Y) -> pl.Expr:
        return pl.col(value) if isinstance(value, str) else value

    columns = [
        (pl.col(case.x) if case.x else pl.col("row").cast(pl.Int64)).alias("x"),
        expr(case.y).cast(pl.Float64).alias("y"),
    ]
    if case.n is not None:
        columns.append(expr(case.n).cast(pl.Float64).alias("n"))
    if case.facets:
        key = pl.concat_str([pl.col(f).cast(pl.String) for f in case.facets], separator=" / ")
        columns.insert(0, key.alias("series"))
    frame = data.select(columns)
    by = ["series", "x"] if case.facets else ["x"]
    return frame.sort(by, maintain_order=True)


def qic_options(case: Qic, frame: pl.DataFrame) -> SpcOptions:
    split = nth_x(frame, [case.part + 1]) if case.part is not None else ()
    exclude = nth_x(frame, case.exclude) if case.exclude else ()
    return SpcOptions(
        freeze=case.freeze,
        split=split,
        exclude=exclude,
        screened=case.screened,
        multiply=case.multiply,
        funnel=case.funnel,
        agg=case.agg,
    )


def qic_checks(case: Qic) -> list[Check]:
    floats = [("y", "y"), ("cl", "cl"), ("lcl", "lcl"), ("ucl", "ucl")]
    floats += [("lcl_95", "lcl.95"), ("ucl_95", "ucl.95")]
    if case.n is not None:
        floats.append(("n", "n"))
    exact = [
        ("phase", "part"),
        ("baseline", "baseline"),
        ("include", "include"),
        ("sigma_signal", "sigma.signal"),
        ("runs_signal", "runs.signal"),
        ("longest_run", "longest.run"),
        ("longest_run_max", "longest.run.max"),
        ("n_crossings", "n.crossings"),
        ("n_crossings_min", "n.crossings.min"),
        ("n_obs", "n.obs"),
        ("n_useful", "n.useful"),
    ]
    checks = [Check("x", column("x"), same_x, "x")]
    checks += [Check(o, column(e), same_float, f"{e} -> {o}") for o, e in floats]
    checks += [Check(o, column(e), same_exact, f"{e} -> {o}") for o, e in exact]
    return checks


def expected_key(case: Qic) -> pl.Expr | None:
    if not case.facets:
        return None
    facets = [pl.col(f"facet{i + 1}").cast(pl.String) for i in range(len(case.facets))]
    return pl.concat_str(facets, separator=" / ")


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("name", sorted(QIC))
def test_qicharts2_case(name: str, entry: str) -> None:
    if name in NOT_APPLICABLE:
        pytest.skip(NOT_APPLICABLE[name])
    case = CASES[name]
    frame = qic_frame(case)
    ours = run(entry, frame, chart=case.chart, options=qic_options(case, frame))
    expected = load_expected(QIC[name]["file"])
    problems = []
    for series, our_rows, expected_rows in split_by_series(ours, expected, expected_key(case)):
        problems += compare_series(our_rows, expected_rows, qic_checks(case), series=series)
    assert not problems, f"{name} via {entry} ({QIC[name]['call']}):\n" + "\n".join(problems)

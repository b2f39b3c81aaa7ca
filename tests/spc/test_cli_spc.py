"""``coproduce spc``: reading CSV, Excel and Parquet, every output format, and bad input.

Most tests call :func:`coproduce.cli.main` in-process; a few run the installed
``coproduce`` script in a subprocess (the real start-up, without Django).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import polars as pl
import pytest

from coproduce import cli
from coproduce.commands import spc as spc_command
from coproduce.spc import ChartType
from tests.spc.xlsx import write_xlsx

SCRIPT = Path(sys.executable).with_name("coproduce")
CONTRACT = (
    "series",
    "x",
    "y",
    "n",
    "cl",
    "lcl",
    "ucl",
    "sigma_signal",
    "runs_signal",
    "longest_run",
    "longest_run_max",
    "n_crossings",
    "n_crossings_min",
    "phase",
)

# Two wards, 20 months each; ward B jumps at month 13 and has an outlier at month 5.
MONTHS = [dt.date(2025 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(1, 21)]
A_VALUES = [10, 12, 11, 9, 10, 13, 11, 10, 12, 9, 11, 10, 12, 10, 11, 9, 12, 11, 10, 11]
B_VALUES = [20, 22, 21, 19, 45, 21, 20, 22, 21, 20, 19, 21, 30, 31, 29, 32, 30, 31, 29, 30]


def long_rows(x_format: str = "%Y-%m-%d") -> list[dict[str, object]]:
    """Interleaved (A, B, A, B, …), as a month-by-month export would be."""
    rows: list[dict[str, object]] = []
    for month, a, b in zip(MONTHS, A_VALUES, B_VALUES, strict=True):
        x = month.strftime(x_format)
        rows.append({"series": "Ward A", "x": x, "y": a})
        rows.append({"series": "Ward B", "x": x, "y": b})
    return rows


def write_csv(path: Path, rows: Sequence[dict[str, object]], *, encoding: str = "utf-8") -> Path:
    header = list(rows[0])
    lines = [",".join(header)]
    lines += [",".join(str(row[c]) for c in header) for row in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def run(args: Sequence[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["spc", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read_stdout_csv(text: str) -> pl.DataFrame:
    return pl.read_csv(text.encode(), schema_overrides={"series": pl.String, "x": pl.String})


def leftovers(folder: Path, keep: Sequence[str]) -> list[str]:
    """Files in ``folder`` other than ``keep``: a failed run must leave none (nor temp files)."""
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@pytest.fixture
def wards_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "wards.csv", long_rows())


# --------------------------------------------------------------------------- help, start-up


def test_help_lists_the_options() -> None:
    result = subprocess.run(
        [str(SCRIPT), "spc", "--help"], capture_output=True, text=True, check=True
    )
    for option in (
        "--chart",
        "--x-col",
        "--y-col",
        "--n-col",
        "--series-col",
        "--freeze",
        "--split",
        "--exclude",
        "--direction",
        "--target",
        "--rules",
        "--unscreened",
        "--output",
        "--multiply",
        "--funnel",
        "--title",
        "--sheet",
    ):
        assert option in result.stdout
    for chart in ChartType:
        assert chart.value in result.stdout


def test_cli_chart_choices_are_the_engine_chart_types() -> None:
    assert set(cli.SPC_CHARTS) == {c.value for c in ChartType}


def test_the_output_columns_hold_the_contract() -> None:
    assert set(CONTRACT) <= set(spc_command.COLUMNS)


def test_top_level_help_lists_spc() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "coproduce.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "spc" in result.stdout


def test_spc_imports_neither_django_nor_the_renderer(wards_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code = (
        "import sys\n"
        "from coproduce import cli\n"
        f"status = cli.main(['spc', {str(wards_csv)!r}, '--chart', 'i', '-o', {str(out)!r}])\n"
        "django = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(status, ','.join(django) or '-', 'vl_convert' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["0", "-", "False"], result.stdout + result.stderr
    assert out.exists()


def test_the_installed_script_writes_csv_to_stdout(wards_csv: Path) -> None:
    result = subprocess.run(
        [str(SCRIPT), "spc", str(wards_csv), "--chart", "i"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    frame = read_stdout_csv(result.stdout)
    assert frame.height == 40
    assert frame.columns == list(spc_command.COLUMNS)


def test_the_installed_script_reports_bad_input_with_status_2(tmp_path: Path) -> None:
    rows = long_rows()
    rows[6]["y"] = "lots"  # data row 7: Ward A, month 4
    source = write_csv(tmp_path / "bad.csv", rows)
    out = tmp_path / "out.parquet"
    result = subprocess.run(
        [str(SCRIPT), "spc", str(source), "--chart", "i", "--output", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "series 'Ward A'" in result.stderr
    assert "row 7 (line 8 of bad.csv)" in result.stderr
    assert "'lots' is not a number" in result.stderr
    assert leftovers(tmp_path, ["bad.csv"]) == []


# --------------------------------------------------------------------------- the table


def test_csv_output_has_the_contract_columns_in_input_order(
    wards_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([wards_csv, "--chart", "i"], capsys)
    assert (code, err) == (0, "")
    frame = read_stdout_csv(out)
    assert frame.columns == list(spc_command.COLUMNS)
    assert set(CONTRACT) <= set(frame.columns)
    rows = long_rows()
    assert frame["series"].to_list() == [r["series"] for r in rows]
    assert frame["x"].to_list() == [r["x"] for r in rows]  # ISO dates stay ISO dates
    assert frame["y"].to_list() == [float(str(r["y"])) for r in rows]
    # Ward B's outlier (month 5) is outside its limits; Ward A has no signal at all.
    b = frame.filter(pl.col("series") == "Ward B")
    assert b["sigma_signal"].to_list()[4] is True
    assert "outside_limits" in b["signal_rules"][4]
    a = frame.filter(pl.col("series") == "Ward A")
    assert not a["sigma_signal"].any()
    assert a["phase"].unique().to_list() == [1]


def test_output_order_follows_the_input_even_when_x_is_unsorted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = long_rows()[::-1]  # newest first, series interleaved
    source = write_csv(tmp_path / "reversed.csv", rows)
    code, out, _ = run([source, "--chart", "i"], capsys)
    assert code == 0
    frame = read_stdout_csv(out)
    assert list(zip(frame["series"], frame["x"], strict=True)) == [
        (r["series"], r["x"]) for r in rows
    ]
    # The limits do not depend on the order rows were given in.
    code, out, _ = run([write_csv(tmp_path / "sorted.csv", long_rows()), "--chart", "i"], capsys)
    ordered = read_stdout_csv(out).sort("series", "x")
    assert frame.sort("series", "x")["ucl"].to_list() == pytest.approx(ordered["ucl"].to_list())


def test_without_x_the_points_are_numbered_within_each_series(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{"ward": r["series"], "count": r["y"]} for r in long_rows()]
    source = write_csv(tmp_path / "counts.csv", rows)
    code, out, err = run(
        [source, "--chart", "c", "--series-col", "ward", "--y-col", "count"], capsys
    )
    assert (code, err) == (0, "")
    frame = read_stdout_csv(out)
    assert frame["x"].cast(pl.Int64).to_list() == [k for k in range(1, 21) for _ in range(2)]
    assert frame["series"].to_list()[:2] == ["Ward A", "Ward B"]


def test_without_a_series_column_there_is_one_chart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{"month": m.isoformat(), "value": v} for m, v in zip(MONTHS, A_VALUES, strict=True)]
    source = write_csv(tmp_path / "one.csv", rows)
    code, out, _ = run([source, "--chart", "run", "--x-col", "month", "--y-col", "value"], capsys)
    assert code == 0
    frame = read_stdout_csv(out)
    assert frame.height == 20
    assert frame["series"].null_count() == 20
    assert frame["x"].to_list() == [m.isoformat() for m in MONTHS]


def test_proportions_use_the_n_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        {"series": "A", "x": m.isoformat(), "y": v, "n": 50}
        for m, v in zip(MONTHS, A_VALUES, strict=True)
    ]
    source = write_csv(tmp_path / "p.csv", rows)
    code, out, _ = run([source, "--chart", "p"], capsys)  # n is found by its default name
    assert code == 0
    frame = read_stdout_csv(out)
    assert frame["y"].to_list() == pytest.approx([v / 50 for v in A_VALUES])
    assert frame["n"].to_list() == [50.0] * 20
    code, out, _ = run([source, "--chart", "p", "--multiply", "100"], capsys)
    assert read_stdout_csv(out)["y"].to_list() == pytest.approx([v * 2 for v in A_VALUES])


def test_a_chart_that_needs_n_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_csv(tmp_path / "no_n.csv", long_rows())
    code, out, err = run([source, "--chart", "u"], capsys)
    assert code == 2 and out == ""
    assert "needs a denominator" in err and "--n-col" in err


def test_freeze_split_and_exclude(wards_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([wards_csv, "--chart", "i", "--split", "2026-01-01"], capsys)
    assert code == 0
    b = read_stdout_csv(out).filter(pl.col("series") == "Ward B")
    assert b["phase"].to_list() == [1] * 12 + [2] * 8
    assert b["cl"][0] != b["cl"][19]

    code, out, _ = run([wards_csv, "--chart", "i", "--freeze", "6"], capsys)
    b = read_stdout_csv(out).filter(pl.col("series") == "Ward B")
    assert b["baseline"].to_list() == [True] * 6 + [False] * 14

    code, out, _ = run([wards_csv, "--chart", "i", "--exclude", "2025-05-01"], capsys)
    b = read_stdout_csv(out).filter(pl.col("series") == "Ward B")
    assert b["include"].to_list() == [True] * 4 + [False] + [True] * 15


def test_split_and_exclude_values_are_read_like_x(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "uk.csv", long_rows("%d/%m/%Y"))
    code, out, _ = run(
        [source, "--chart", "i", "--split", "Jan 2026", "--exclude", "01/05/2025"], capsys
    )
    assert code == 0
    b = read_stdout_csv(out).filter(pl.col("series") == "Ward B")
    assert b["phase"].to_list() == [1] * 12 + [2] * 8
    assert b["include"].to_list() == [True] * 4 + [False] + [True] * 15
    code, _, err = run([source, "--chart", "i", "--split", "someday"], capsys)
    assert code == 2
    assert "--split value 'someday' is not a date" in err


def test_mdc_rules_add_point_type_variation_and_assurance(
    wards_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [wards_csv, "--chart", "i", "--rules", "mdc", "--direction", "decrease"]
    code, out, _ = run([*args, "--target", "40"], capsys)
    assert code == 0
    frame = read_stdout_csv(out)
    assert frame["point_type"].null_count() == 0
    assert set(frame["point_type"]) <= {
        "common_cause",
        "special_cause_improvement",
        "special_cause_concern",
        "special_cause_neutral_high",
        "special_cause_neutral_low",
    }
    assert frame["variation"].null_count() == 0
    assert frame["assurance"].null_count() == 0
    # Ward B's outlier is high, and lower is better: a concern.
    b = frame.filter(pl.col("series") == "Ward B")
    assert b["point_type"][4] == "special_cause_concern"


# --------------------------------------------------------------------------- input formats


@pytest.mark.parametrize(
    ("x_format", "label"),
    [
        ("%d/%m/%Y", "DD/MM/YYYY"),
        ("%d/%m/%y", "DD/MM/YY"),
        ("%d-%m-%Y", "DD-MM-YYYY"),
        ("%b %Y", "Jan 2026"),
        ("%B %Y", "January 2026"),
        ("%Y-%m", "YYYY-MM"),
    ],
)
def test_uk_dates_are_read_day_first_and_written_as_given(
    x_format: str, label: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    iso = write_csv(tmp_path / "iso.csv", long_rows())
    code, out, _ = run([iso, "--chart", "i"], capsys)
    expected = read_stdout_csv(out)

    rows = long_rows(x_format)
    source = write_csv(tmp_path / "uk.csv", rows)
    code, out, err = run([source, "--chart", "i"], capsys)
    assert (code, err) == (0, ""), label
    frame = read_stdout_csv(out)
    assert frame["x"].to_list() == [r["x"] for r in rows], label
    # Read day first: 01/02/2025 is February, so the limits match the ISO file's.
    for column in ("cl", "lcl", "ucl", "runs_signal", "n_crossings"):
        assert frame[column].to_list() == pytest.approx(expected[column].to_list()), label


def test_numeric_x_and_date_times(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{"x": k, "y": v} for k, v in enumerate(A_VALUES, start=1)]
    code, out, _ = run([write_csv(tmp_path / "n.csv", rows), "--chart", "i"], capsys)
    assert read_stdout_csv(out)["x"].cast(pl.Int64).to_list() == list(range(1, 21))

    stamps = [f"2026-01-{d:02d} 08:30" for d in range(1, 21)]
    rows = [{"x": s, "y": v} for s, v in zip(stamps, A_VALUES, strict=True)]
    code, out, err = run([write_csv(tmp_path / "t.csv", rows), "--chart", "i"], capsys)
    assert (code, err) == (0, "")
    assert read_stdout_csv(out)["x"].to_list() == stamps


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_csv_with_a_byte_order_mark_or_in_windows_1252(
    encoding: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = long_rows()
    for row in rows:
        row["series"] = str(row["series"]).replace("Ward", "Café £")
    source = write_csv(tmp_path / "excel.csv", rows, encoding=encoding)
    code, out, err = run([source, "--chart", "i"], capsys)
    assert (code, err) == (0, "")
    frame = read_stdout_csv(out)
    assert frame.columns[0] == "series"
    assert frame["series"].unique(maintain_order=True).to_list() == ["Café £ A", "Café £ B"]


def test_missing_values_are_kept_and_never_signal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = long_rows()
    rows[2]["y"] = "NA"
    rows[4]["y"] = ""
    rows[6]["y"] = " 9 "
    code, out, err = run([write_csv(tmp_path / "gaps.csv", rows), "--chart", "i"], capsys)
    assert (code, err) == (0, "")
    frame = read_stdout_csv(out)
    assert frame.height == 40
    assert frame["y"][2] is None and frame["y"][4] is None
    assert frame["y"][6] == 9.0
    assert frame["sigma_signal"][2] is False and frame["sigma_signal"][4] is False


def test_blank_lines_are_skipped_and_rows_still_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "blank.csv"
    lines = ["series,x,y", "A,1,1", "A,2,2", ",,", "A,3,3", "A,4,x4"]
    source.write_text("\n".join(lines) + "\n")
    code, _, err = run([source, "--chart", "i"], capsys)
    assert code == 2
    assert "row 5 (line 6 of blank.csv)" in err


def test_parquet_in_and_out_keeps_types(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = pl.DataFrame(long_rows()).with_columns(
        pl.col("x").str.to_date(), pl.col("y").cast(pl.Float64)
    )
    source = tmp_path / "wards.parquet"
    table.write_parquet(source)
    out = tmp_path / "out.parquet"
    code, stdout, err = run([source, "--chart", "i", "--output", out], capsys)
    assert (code, stdout, err) == (0, "", "")
    frame = pl.read_parquet(out)
    assert frame.columns == list(spc_command.COLUMNS)
    assert frame.schema["x"] == pl.Date
    assert frame["x"].to_list() == table["x"].to_list()
    assert frame["series"].to_list() == table["series"].to_list()
    assert leftovers(tmp_path, ["wards.parquet", "out.parquet"]) == []


def test_parquet_with_integer_series_and_datetime_x(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = pl.DataFrame(
        {
            "ward": [1] * 20 + [2] * 20,
            "when": [dt.datetime.combine(m, dt.time()) for m in MONTHS] * 2,
            "y": [float(v) for v in A_VALUES + B_VALUES],
        }
    )
    source = tmp_path / "t.parquet"
    table.write_parquet(source)
    out = tmp_path / "out.csv"
    code, _, err = run(
        [source, "--chart", "i", "--series-col", "ward", "--x-col", "when", "-o", out], capsys
    )
    assert (code, err) == (0, "")
    frame = pl.read_csv(out)
    assert frame["series"].to_list() == [1] * 20 + [2] * 20
    assert frame["x"].to_list()[:2] == ["2025-01-01", "2025-02-01"]  # midnight: a date


def test_excel_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header = ["Ward", "Month", "Falls", "Bed days"]
    rows: list[list[object]] = [header]
    for month, a, b in zip(MONTHS, A_VALUES, B_VALUES, strict=True):
        rows.append(["Ward A", month, a, 1000])
        rows.append(["Ward B", month, b, 1200.5])
    source = write_xlsx(tmp_path / "falls.xlsx", rows, sheet="Falls")
    args = ["--chart", "u", "--series-col", "ward", "--x-col", "month"]
    args += ["--y-col", "Falls", "--n-col", "Bed days"]
    code, out, err = run([source, *args], capsys)
    assert (code, err) == (0, "")
    frame = read_stdout_csv(out)
    assert frame.height == 40
    assert frame["x"].to_list()[:4] == ["2025-01-01", "2025-01-01", "2025-02-01", "2025-02-01"]
    assert frame["y"][1] == pytest.approx(B_VALUES[0] / 1200.5)

    code, out, err = run([source, *args, "--sheet", "Falls"], capsys)
    assert code == 0
    code, out, err = run([source, *args, "--sheet", "Nope"], capsys)
    assert code == 2 and "cannot read falls.xlsx" in err


def test_excel_bad_cell_is_named_by_its_spreadsheet_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: list[list[object]] = [["series", "x", "y"]]
    rows += [["A", month, v] for month, v in zip(MONTHS, A_VALUES, strict=True)]
    rows[5][2] = "oops"  # data row 5, spreadsheet row 6
    source = write_xlsx(tmp_path / "bad.xlsx", rows)
    code, _, err = run([source, "--chart", "i"], capsys)
    assert code == 2
    assert "series 'A', row 5 (spreadsheet row 6 of bad.xlsx)" in err
    assert "'oops' is not a number" in err


def test_funnel_takes_categories(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        {"trust": f"T{k:02d}", "deaths": d, "n": 100 + 10 * k}
        for k, d in enumerate([5, 7, 6, 4, 8, 25, 6, 5, 7, 6], start=1)
    ]
    source = write_csv(tmp_path / "funnel.csv", rows)
    code, out, err = run(
        [source, "--chart", "p", "--x-col", "trust", "--y-col", "deaths", "--funnel"], capsys
    )
    assert (code, err) == (0, ""), err
    frame = read_stdout_csv(out)
    assert frame["x"].to_list() == [r["trust"] for r in rows]
    assert frame["sigma_signal"][5] is True


# --------------------------------------------------------------------------- output formats


def test_csv_file_output(
    wards_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "result.csv"
    code, stdout, _ = run([wards_csv, "--chart", "i", "--output", out], capsys)
    assert (code, stdout) == (0, "")
    frame = pl.read_csv(out, schema_overrides={"x": pl.String})
    assert frame.columns == list(spc_command.COLUMNS)
    assert frame.height == 40
    assert leftovers(tmp_path, ["wards.csv", "result.csv"]) == []


def test_json_output_is_one_object_per_series(
    wards_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "result.json"
    code, _, _ = run([wards_csv, "--chart", "i", "--rules", "mdc", "--output", out], capsys)
    assert code == 0
    document = json.loads(out.read_text())
    assert [d["series"] for d in document] == ["Ward A", "Ward B"]
    first = document[1]
    assert set(first) == {"series", "chart", "rules", "variation", "assurance", "points"}
    assert (first["chart"], first["rules"]) == ("i", "mdc")
    assert len(first["points"]) == 20
    point = first["points"][4]
    expected = set(spc_command.COLUMNS) - {"series", "variation", "assurance"}
    assert set(point) == expected
    assert point["x"] == "2025-05-01"
    assert point["signal_rules"] == ["outside_limits"]
    assert any(p["signal_rules"] == [] for p in document[0]["points"])
    assert all(v is None or not isinstance(v, float) or math.isfinite(v) for v in point.values())


@pytest.mark.parametrize("suffix", [".svg", ".png", ".html"])
def test_chart_outputs(
    suffix: str, wards_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"chart{suffix}"
    code, _, err = run([wards_csv, "--chart", "i", "--title", "Falls", "-o", out], capsys)
    assert (code, err) == (0, "")
    if suffix == ".png":
        assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    elif suffix == ".svg":
        text = out.read_text()
        assert text.lstrip().startswith("<svg") and "Ward A" in text and "Ward B" in text
    else:
        text = out.read_text()
        assert "<table" in text and "Ward A" in text and "Ward B" in text
    assert leftovers(tmp_path, ["wards.csv", out.name]) == []


def test_a_single_series_chart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{"x": m.isoformat(), "y": v} for m, v in zip(MONTHS, B_VALUES, strict=True)]
    out = tmp_path / "one.svg"
    source = write_csv(tmp_path / "one.csv", rows)
    code, _, err = run([source, "--chart", "i", "--title", "Ward B falls", "-o", out], capsys)
    assert (code, err) == (0, "")
    assert "Ward B falls" in out.read_text()


def test_too_many_series_for_an_image(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{"series": f"S{k}", "y": v} for k in range(60) for v in A_VALUES[:5]]
    source = write_csv(tmp_path / "many.csv", rows)
    code, _, err = run([source, "--chart", "i", "-o", tmp_path / "many.svg"], capsys)
    assert code == 2
    assert "60 series" in err
    assert leftovers(tmp_path, ["many.csv"]) == []


def test_a_failed_write_leaves_the_previous_output_alone(
    wards_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "result.csv"
    out.write_text("previous\n")
    rows = long_rows()
    rows[0]["y"] = "?"
    bad = write_csv(tmp_path / "bad.csv", rows)
    code, _, _ = run([bad, "--chart", "i", "-o", out], capsys)
    assert code == 2
    assert out.read_text() == "previous\n"
    assert leftovers(tmp_path, ["wards.csv", "bad.csv", "result.csv"]) == []


def test_a_write_that_fails_leaves_nothing_behind(
    wards_csv: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def full_disk(result: pl.DataFrame, path: Path) -> None:
        path.write_text("half a fi")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(spc_command, "_write_csv", full_disk)
    code, _, err = run([wards_csv, "--chart", "i", "-o", tmp_path / "out.csv"], capsys)
    assert code == 2
    assert "cannot write" in err and "No space left on device" in err
    assert leftovers(tmp_path, ["wards.csv"]) == []


# --------------------------------------------------------------------------- bad input


def _bad_case(tmp_path: Path, name: str, rows: list[dict[str, object]]) -> Path:
    return write_csv(tmp_path / name, rows)


def counts(ys: Sequence[object], ns: Sequence[object] | None = None) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for k in range(1, len(ys) + 1):
        rows.append({"series": "North", "x": k, "y": 3, "n": 10})
    for k, y in enumerate(ys, start=1):
        row: dict[str, object] = {"series": "South", "x": k, "y": y, "n": 10}
        if ns is not None:
            row["n"] = ns[k - 1]
        rows.append(row)
    return rows


@pytest.mark.parametrize(
    ("chart", "rows", "row", "reason"),
    [
        ("i", counts([1, 2, "many", 4]), 7, "'many' is not a number"),
        ("c", counts([1, 2, -3, 4]), 7, "negative"),
        ("p", counts([1, 2, 3, 4], [10, 10, 0, 10]), 7, "greater than zero"),
        ("p", counts([1, 2, 30, 4]), 7, "y <= n"),
        ("t", counts([1, 2, 0, 4]), 7, "zero"),
        ("i", counts([1, 2, 3, "inf"]), 8, "not a finite number"),
    ],
    ids=["non-numeric-y", "negative-count", "n-zero", "y-over-n", "t-not-positive", "inf"],
)
def test_bad_values_name_the_series_and_row(
    chart: str,
    rows: list[dict[str, object]],
    row: int,
    reason: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = _bad_case(tmp_path, "data.csv", rows)
    out = tmp_path / "out.csv"
    code, stdout, err = run([source, "--chart", chart, "--output", out], capsys)
    assert code == 2
    assert stdout == ""
    assert err.startswith("coproduce spc: ") and err.count("\n") == 1
    assert "series 'South'" in err
    assert f"row {row} (line {row + 1} of data.csv)" in err
    assert reason in err
    assert leftovers(tmp_path, ["data.csv"]) == []


def test_unparseable_x(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = long_rows()
    rows[9]["x"] = "2025-13-01"
    source = write_csv(tmp_path / "x.csv", rows)
    code, _, err = run([source, "--chart", "i", "-o", tmp_path / "o.csv"], capsys)
    assert code == 2
    assert "series 'Ward B', row 10 (line 11 of x.csv)" in err
    assert "'2025-13-01' is not a date" in err
    assert leftovers(tmp_path, ["x.csv"]) == []


def test_a_number_among_numbers_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{"x": k, "y": 1} for k in range(1, 9)]
    rows[3]["x"] = "four"
    code, _, err = run([write_csv(tmp_path / "x.csv", rows), "--chart", "i"], capsys)
    assert code == 2
    assert "row 4 (line 5 of x.csv): x 'four' is not a number" in err


def test_empty_x_and_empty_series(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = long_rows()
    rows[3]["x"] = ""
    code, _, err = run([write_csv(tmp_path / "x.csv", rows), "--chart", "i"], capsys)
    assert code == 2 and "row 4 (line 5 of x.csv): x is empty" in err
    rows = long_rows()
    rows[5]["series"] = ""
    code, _, err = run([write_csv(tmp_path / "s.csv", rows), "--chart", "i"], capsys)
    assert code == 2 and "row 6 (line 7 of s.csv)" in err and "series" in err


def test_too_few_points(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [*long_rows(), {"series": "Ward C", "x": "2025-01-01", "y": 4}]
    source = write_csv(tmp_path / "few.csv", rows)
    code, _, err = run([source, "--chart", "i", "-o", tmp_path / "o.json"], capsys)
    assert code == 2
    assert "series 'Ward C'" in err and "too few points" in err
    assert leftovers(tmp_path, ["few.csv"]) == []


@pytest.mark.parametrize(
    ("option", "name"),
    [("--y-col", "count"), ("--x-col", "month"), ("--n-col", "beds"), ("--series-col", "ward")],
)
def test_missing_columns(
    option: str, name: str, wards_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([wards_csv, "--chart", "i", option, name], capsys)
    assert code == 2 and out == ""
    assert f"wards.csv has no column {name!r} ({option})" in err
    assert "'series', 'x', 'y'" in err


def test_the_default_y_column_must_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "v.csv", [{"x": 1, "value": 2}])
    code, _, err = run([source, "--chart", "i"], capsys)
    assert code == 2 and "no column 'y' (--y-col)" in err


def test_column_names_match_ignoring_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{"Series": r["series"], "X": r["x"], "Y": r["y"]} for r in long_rows()]
    code, out, err = run([write_csv(tmp_path / "caps.csv", rows), "--chart", "i"], capsys)
    assert (code, err) == (0, "")
    assert read_stdout_csv(out)["series"].n_unique() == 2


def test_two_options_naming_one_column(wards_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([wards_csv, "--chart", "i", "--x-col", "y"], capsys)
    assert code == 2 and "both name the column 'y'" in err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.txt", b"x,y\n1,2\n", "unknown extension '.txt'"),
        ("data.parquet", b"not parquet at all", "cannot read data.parquet"),
        ("data.xlsx", b"not a zip", "cannot read data.xlsx"),
        ("data.csv", b"", "cannot read data.csv: the file is empty"),
        ("data.csv", b"x,y\n", "data.csv has no data rows"),
        ("data.csv", b"x,y\n1,2,3,4\n5,6\n", "cannot read data.csv"),
        ("data.csv", b"series,x,y\nA,1,\x81\x8d\n", "neither UTF-8 nor Windows-1252"),
    ],
)
def test_unreadable_files(
    name: str, content: bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    code, out, err = run([source, "--chart", "i", "-o", tmp_path / "out.csv"], capsys)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1
    assert leftovers(tmp_path, [name]) == []


def test_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([tmp_path / "nope.csv", "--chart", "i"], capsys)
    assert code == 2 and "no such file" in err


def test_bad_output_paths(
    wards_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run([wards_csv, "--chart", "i", "-o", tmp_path / "out.xlsx"], capsys)
    assert code == 2 and "unknown extension '.xlsx'" in err
    code, _, err = run([wards_csv, "--chart", "i", "-o", tmp_path / "no" / "out.csv"], capsys)
    assert code == 2 and "no such folder" in err
    code, _, err = run([wards_csv, "--chart", "i", "-o", wards_csv], capsys)
    assert code == 2 and "will not overwrite the input" in err
    assert leftovers(tmp_path, ["wards.csv"]) == []


def test_bad_option_values_are_usage_errors(
    wards_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in (
        ["--chart", "x"],
        ["--chart", "i", "--freeze", "0"],
        ["--chart", "i", "--target", "nan"],
    ):
        with pytest.raises(SystemExit) as exit_info:
            cli.main(["spc", str(wards_csv), *args])
        assert exit_info.value.code == 2
    capsys.readouterr()


def test_the_json_layout_is_documented() -> None:
    assert spc_command.json_document.__doc__ is not None
    assert '"points"' in spc_command.json_document.__doc__

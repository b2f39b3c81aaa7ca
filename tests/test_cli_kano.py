"""`coproduce kano analyse`: the command-line contract."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from pathlib import Path

import pytest

from coproduce.commands import kano
from tests.spc.xlsx import write_xlsx

HEADER = ["respondent", "segment", "attribute", "functional", "dysfunctional"]
ROWS = [
    ["p1", "patients", "Text reminder", "like", "dislike"],
    ["p2", "patients", "Text reminder", "Like", "neutral"],
    ["p3", "patients", "Text reminder", "like", "dislike"],
    ["s1", "staff", "Text reminder", "must-be", "dislike"],
    ["p1", "patients", "Parking", "neutral", "dislike"],
    ["s1", "staff", "Parking", "dislike", "like"],
]
COLUMNS = [*kano.OUTPUT_COLUMNS]
COLUMNS.remove("importance_mean")


def parser() -> argparse.ArgumentParser:
    """`coproduce` with the kano command, as cli.build_parser adds it."""
    root = argparse.ArgumentParser(prog="coproduce")
    kano.add_parser(root.add_subparsers(dest="command", required=True))
    return root


def run(args: Sequence[object], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parsed = parser().parse_args(["kano", *map(str, args)])
    code = parsed.func(parsed)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_one_row_per_attribute_and_segment_then_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.csv"
    code, _, err = run(
        ["analyse", write_csv(tmp_path / "r.csv", HEADER, ROWS), "--output", out], capsys
    )
    assert (code, err) == (0, "")
    rows = read_csv(out)
    assert list(rows[0]) == COLUMNS
    assert [(r["attribute"], r["segment"]) for r in rows] == [
        ("Text reminder", "patients"),
        ("Text reminder", "staff"),
        ("Text reminder", "all"),
        ("Parking", "patients"),
        ("Parking", "staff"),
        ("Parking", "all"),
    ]
    patients, staff, everyone = rows[:3]
    assert (patients["n"], patients["O"], patients["A"], patients["category"]) == (
        "3",
        "2",
        "1",
        "O",
    )
    assert (staff["M"], staff["category"]) == ("1", "M")
    assert everyone["n"] == "4" and everyone["category"] == "O"
    assert float(everyone["better"]) == pytest.approx(0.75)
    assert float(everyone["worse"]) == pytest.approx(-0.75)
    assert float(everyone["functional_mean"]) == pytest.approx((4 + 4 + 4 + 2) / 4)
    reverse = rows[4]
    assert (reverse["R"], reverse["category"], reverse["better"], reverse["worse"]) == (
        "1",
        "R",
        "",
        "",
    )


def test_standard_output_and_an_importance_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [[*row, imp] for row, imp in zip(ROWS, [9, 7, "", 5, 3, 1], strict=True)]
    source = write_csv(tmp_path / "r.csv", [*HEADER, "Importance"], rows)
    code, out, _ = run(["analyse", source], capsys)
    assert code == 0
    lines = list(csv.DictReader(out.splitlines()))
    assert "importance_mean" in lines[0]
    assert float(lines[0]["importance_mean"]) == pytest.approx(8.0)
    assert float(lines[2]["importance_mean"]) == pytest.approx(7.0)


def test_excel_input_reads_like_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = write_xlsx(tmp_path / "r.xlsx", [HEADER, *ROWS])
    out_x, out_c = tmp_path / "x.csv", tmp_path / "c.csv"
    assert run(["analyse", book, "-o", out_x], capsys)[0] == 0
    assert (
        run(["analyse", write_csv(tmp_path / "r.csv", HEADER, ROWS), "-o", out_c], capsys)[0] == 0
    )
    assert read_csv(out_x) == read_csv(out_c)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            (2, 3, "maybe"),
            "row 3 (line 4 of r.csv), column 'functional': 'maybe' is not a Kano answer",
        ),
        ((4, 4, "7"), "row 5 (line 6 of r.csv), column 'dysfunctional': '7' is not a Kano answer"),
        ((1, 1, ""), "row 2 (line 3 of r.csv), column 'segment': the segment is empty"),
        ((5, 2, " "), "row 6 (line 7 of r.csv), column 'attribute': the attribute is empty"),
        ((3, 1, "All"), "row 4 (line 5 of r.csv), column 'segment': 'All' is reserved"),
        (
            (2, 0, "p1"),
            "row 3 (line 4 of r.csv), column 'respondent': respondent 'p1' answers "
            "attribute 'Text reminder' a second time (first at row 1)",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: tuple[int, int, str], expected: str
) -> None:
    rows = [list(r) for r in ROWS]
    row, column, value = change
    rows[row][column] = value
    out = tmp_path / "out.csv"
    code, _, err = run(["analyse", write_csv(tmp_path / "r.csv", HEADER, rows), "-o", out], capsys)
    assert code == 2
    assert err.startswith(f"coproduce kano analyse: {expected}"), err
    assert err.count("\n") == 1
    assert not out.exists()
    assert list(tmp_path.glob(".out.csv.*")) == []


def test_a_missing_column_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_csv(
        tmp_path / "r.csv", [h for h in HEADER if h != "segment"], [r[:1] + r[2:] for r in ROWS]
    )
    out = tmp_path / "out.csv"
    code, _, err = run(["analyse", source, "-o", out], capsys)
    assert code == 2
    assert "r.csv has no column 'segment'" in err
    assert not out.exists()


def test_column_names_are_matched_ignoring_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "r.csv", [h.upper() for h in HEADER], ROWS)
    code, out, _ = run(["analyse", source], capsys)
    assert code == 0 and out.count("\n") == 7


def test_the_output_must_be_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        ["analyse", write_csv(tmp_path / "r.csv", HEADER, ROWS), "-o", tmp_path / "o.xlsx"], capsys
    )
    assert code == 2 and "the output must be a .csv file" in err

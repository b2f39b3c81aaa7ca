"""`coproduce feedback classify` and `coproduce feedback themes`: the command-line contract."""

from __future__ import annotations

import csv
import random
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from coproduce import cli

LABELS = ["Parking, travel & access", "Food & drink", "Staff manner"]
PHRASES = {
    LABELS[0]: ["car park", "parking", "the bus", "pay to park"],
    LABELS[1]: ["the food", "a meal", "cups of tea", "café lunch"],
    LABELS[2]: ["the nurse", "staff", "the doctor", "the porter"],
}
#: A comment that must never reach standard error, whatever goes wrong.
SECRET = "Secret comment about Mrs Example"


def comments(n: int, seed: int) -> list[tuple[str, list[int]]]:
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    rows = []
    for _ in range(n):
        chosen = rng.sample(LABELS, rng.choice([1, 1, 2]))
        words = [rng.choice(PHRASES[c]) for c in chosen] + rng.sample(
            ["was", "very", "good", "poor", "today", "on the ward"], 3
        )
        rng.shuffle(words)
        rows.append((" ".join(words), [int(c in chosen) for c in LABELS]))
    return rows


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], *, encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


@pytest.fixture
def train_csv(tmp_path: Path) -> Path:
    rows = [(f"t{i}", text, *labels) for i, (text, labels) in enumerate(comments(150, seed=1))]
    return write_csv(tmp_path / "train.csv", ["id", "comment", *LABELS], rows)


@pytest.fixture
def input_csv(tmp_path: Path) -> Path:
    rows = [(f"n{i}", text) for i, (text, _) in enumerate(comments(20, seed=2))]
    rows.append(("n-empty", ""))
    return write_csv(tmp_path / "input.csv", ["id", "comment"], rows)


def run(args: Sequence[object], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["feedback", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def classify_args(train: Path, new: Path, out: Path) -> list[object]:
    return [
        "classify",
        "--train",
        train,
        "--input",
        new,
        "--text-col",
        "comment",
        "--id-col",
        "id",
        "--output",
        out,
    ]


# --------------------------------------------------------------------------- classify


def test_classify_writes_the_id_and_one_column_per_label_in_train_order(
    train_csv: Path, input_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "labels.csv"
    code, stdout, stderr = run(classify_args(train_csv, input_csv, out), capsys)
    assert (code, stdout, stderr) == (0, "", "")
    header, rows = read_csv(out)
    assert header == ["id", *LABELS]  # names with commas survive the round trip
    assert [r[0] for r in rows] == [f"n{i}" for i in range(20)] + ["n-empty"]
    truth = [labels for _, labels in comments(20, seed=2)]
    assert [[int(v) for v in r[1:]] for r in rows[:20]] == truth
    assert rows[20][1:] == ["0", "0", "0"]
    assert "Parking, travel & access" in out.read_text(encoding="utf-8").splitlines()[0]


def test_classify_writes_to_standard_output_without_output(
    train_csv: Path, input_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = classify_args(train_csv, input_csv, Path("x"))[:-2]
    code, stdout, _ = run(args, capsys)
    assert code == 0
    assert stdout.splitlines()[0] == 'id,"Parking, travel & access",Food & drink,Staff manner'
    assert len(stdout.splitlines()) == 22


def test_train_may_lack_the_id_column_and_input_may_have_more_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train = write_csv(
        tmp_path / "train.csv",
        ["comment", *LABELS],
        [(text, *labels) for text, labels in comments(100, seed=3)],
    )
    new = write_csv(
        tmp_path / "new.csv",
        ["ward", "ID", "Comment"],
        [("A", "7", "the food was cold"), ("B", "8", "no parking")],
    )
    out = tmp_path / "out.csv"
    code, _, err = run(classify_args(train, new, out), capsys)
    assert code == 0, err
    header, rows = read_csv(out)
    assert header == ["ID", *LABELS]
    assert rows == [["7", "0", "1", "0"], ["8", "1", "0", "0"]]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_classify_reads_utf8_with_bom_and_windows_1252(
    encoding: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train_rows = [(f"t{i}", text, *labels) for i, (text, labels) in enumerate(comments(100, 4))]
    input_rows = [("n1", "un café lunch, très bon"), ("n2", "the nurse was kind")]
    for name, encoded in (("utf8", "utf-8"), ("other", encoding)):
        write_csv(
            tmp_path / f"train-{name}.csv", ["id", "comment", *LABELS], train_rows, encoding=encoded
        )
        write_csv(tmp_path / f"input-{name}.csv", ["id", "comment"], input_rows, encoding=encoded)
        code, _, err = run(
            classify_args(
                tmp_path / f"train-{name}.csv",
                tmp_path / f"input-{name}.csv",
                tmp_path / f"out-{name}.csv",
            ),
            capsys,
        )
        assert code == 0, err
    assert read_csv(tmp_path / "out-other.csv") == read_csv(tmp_path / "out-utf8.csv")
    assert read_csv(tmp_path / "out-utf8.csv")[1] == [["n1", "0", "1", "0"], ["n2", "0", "0", "1"]]


def _bad_train(tmp_path: Path, header: list[str], rows: list[list[object]]) -> Path:
    return write_csv(tmp_path / "train.csv", header, rows)


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        (
            ["id", "comment", "A", "B"],
            [["1", SECRET, "1", "0"], ["2", SECRET, "yes", "1"]],
            "row 2 (line 3 of train.csv): label 'A' is not 0 or 1",
        ),
        (
            ["id", "comment", "A", "B, C"],
            [["1", SECRET, "1", "0"], ["2", SECRET, "0", ""]],
            "row 2 (line 3 of train.csv): label 'B, C' is empty",
        ),
        (
            ["id", "comment", "A", "B"],
            [["1", SECRET, "1", "0"], ["2", SECRET, "1", "0"]],
            "label 'B' is never 1 in train.csv",
        ),
        (["id", "comment", "A"], [], "train.csv has no data rows"),
        (["id", "comment"], [["1", SECRET]], "train.csv has no label columns"),
        (
            ["id", "text", "A"],
            [["1", SECRET, "1"]],
            "train.csv has no column 'comment' (--text-col)",
        ),
        (
            ["id", "comment", "Notes", "A"],
            [["1", SECRET, SECRET, "1"]],
            "row 1 (line 2 of train.csv): label 'Notes' is not 0 or 1",
        ),
    ],
)
def test_bad_training_data_stops_with_one_line_status_2_and_no_output(
    header: list[str],
    rows: list[list[object]],
    message: str,
    input_csv: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    train = _bad_train(tmp_path, header, rows)
    out = tmp_path / "out.csv"
    code, stdout, stderr = run(classify_args(train, input_csv, out), capsys)
    assert code == 2
    assert stdout == ""
    assert stderr == f"coproduce feedback classify: {message}\n" or (
        stderr.startswith("coproduce feedback classify: ")
        and message in stderr
        and stderr.count("\n") == 1
    )
    assert SECRET not in stderr
    assert not out.exists()
    assert list(tmp_path.glob(".out.csv.*")) == []


def test_input_without_the_id_column_is_refused(
    train_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = write_csv(tmp_path / "new.csv", ["ref", "comment"], [["1", SECRET]])
    out = tmp_path / "out.csv"
    code, _, stderr = run(classify_args(train_csv, new, out), capsys)
    assert code == 2 and "new.csv has no column 'id' (--id-col)" in stderr
    assert SECRET not in stderr and not out.exists()


def test_a_missing_file_and_a_bad_output_name_are_refused(
    train_csv: Path, input_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, stderr = run(
        classify_args(tmp_path / "nope.csv", input_csv, tmp_path / "o.csv"), capsys
    )
    assert code == 2 and "no such file" in stderr
    code, _, stderr = run(classify_args(train_csv, input_csv, tmp_path / "o.xlsx"), capsys)
    assert code == 2 and "must be a .csv file" in stderr


# --------------------------------------------------------------------------- themes


def theme_rows(n: int) -> list[tuple[str, str]]:
    rng = random.Random(5)  # noqa: S311 (test data, not secrets)
    topics = [["car park", "parking space", "parking charges"], ["cold food", "hot meals"]]
    return [(f"c{i}", " ".join(rng.sample(topics[i % 2], 2)) + " was poor") for i in range(n)]


def test_themes_writes_one_row_per_comment_with_id_theme_and_label(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "comments.csv", ["id", "comment"], [*theme_rows(60), ("c-x", "")])
    out, listing = tmp_path / "themes.csv", tmp_path / "list.csv"
    code, _, err = run(
        [
            "themes",
            source,
            "--text-col",
            "comment",
            "--id-col",
            "id",
            "--themes",
            "2",
            "--output",
            out,
            "--themes-output",
            listing,
        ],
        capsys,
    )
    assert code == 0, err
    header, rows = read_csv(out)
    assert header == ["id", "theme_id", "theme_label"]
    assert [r[0] for r in rows] == [f"c{i}" for i in range(60)] + ["c-x"]
    assert {r[1] for r in rows[:60]} == {"1", "2"} and rows[60][1:] == ["0", ""]
    assert all(r[1] == rows[i % 2][1] for i, r in enumerate(rows[:60]))
    header, themes = read_csv(listing)
    assert header == ["theme_id", "theme_label", "size", "terms", "examples"]
    assert [(t[0], t[2]) for t in themes] == [("1", "30"), ("2", "30")]
    ids_of = {r[0]: r[1] for r in rows}
    for theme in themes:  # examples: up to 3 of its own comments with distinct texts
        examples = theme[4].split("; ")
        assert 1 <= len(examples) <= 3 and all(ids_of[e] == theme[0] for e in examples)


def test_themes_numbers_rows_without_an_id_column_and_is_deterministic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "c.csv", ["comment"], [(t,) for _, t in theme_rows(40)])
    outputs = []
    for name in ("a.csv", "b.csv"):
        code, _, err = run(
            ["themes", source, "--text-col", "comment", "--seed", "7", "-o", tmp_path / name],
            capsys,
        )
        assert code == 0, err
        outputs.append(read_csv(tmp_path / name))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == ["row", "theme_id", "theme_label"]
    assert [r[0] for r in outputs[0][1]] == [str(i) for i in range(1, 41)]


def test_themes_refuses_duplicate_or_empty_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "c.csv", ["id", "comment"], [("a", SECRET), ("a", SECRET)])
    code, _, stderr = run(
        ["themes", source, "--text-col", "comment", "--id-col", "id", "-o", tmp_path / "o.csv"],
        capsys,
    )
    assert code == 2
    assert (
        stderr
        == "coproduce feedback themes: row 1 (line 2 of c.csv): the id ('id') is used twice\n"
    )
    assert not (tmp_path / "o.csv").exists()


# --------------------------------------------------------------------------- help


def test_help_documents_the_output_columns() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "coproduce.cli", "feedback", "themes", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for column in ("theme_id", "theme_label", '"row"', "--themes-output"):
        assert column in result.stdout
    top = subprocess.run(
        [sys.executable, "-m", "coproduce.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "feedback" in top.stdout


def test_building_the_parser_loads_neither_polars_nor_scikit_learn() -> None:
    code = (
        "import sys\n"
        "from coproduce import cli\n"
        "cli.build_parser()\n"
        "print(sorted(m for m in ('polars', 'sklearn', 'numpy', 'scipy') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"

"""`coproduce deliberation analyse`: the command-line contract (issue 7 item 6)."""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections.abc import Sequence
from pathlib import Path

import pytest

from coproduce.commands import deliberation


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(args: Sequence[object], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Through the subcommand's own parser (and the ``coproduce`` one when it is registered)."""
    parser = argparse.ArgumentParser(prog="coproduce")
    deliberation.add_parser(parser.add_subparsers(dest="command"))
    parsed = parser.parse_args(["deliberation", *map(str, args)])
    code = parsed.func(parsed)
    return code, capsys.readouterr().err


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """40 patients and 40 staff in two opinion groups; a carer who voted twice; a listener.

    Statement "both" is endorsed by nearly everyone; "staff-only" by staff, not patients.
    """
    rng = random.Random(7)  # noqa: S311 (test data)
    votes: list[tuple[str, str, int]] = []
    people: list[tuple[str, str]] = []
    for i in range(80):
        pid, group = f"p{i}", ("patient" if i < 40 else "staff")
        people.append((pid, group))
        side = 1 if i % 2 else -1
        for j in range(12):
            votes.append((pid, f"s{j}", side if j % 2 else -side))
        votes.append((pid, "both", 1 if rng.random() < 0.9 else 0))
        votes.append((pid, "staff-only", 1 if group == "staff" else -1))
    people += [("c1", "carer"), ("listener", "carer")]
    votes += [("c1", "both", 1), ("c1", "staff-only", -1)]
    return (
        write_csv(tmp_path / "votes.csv", ["participant", "statement", "vote"], votes),
        write_csv(tmp_path / "participants.csv", ["participant", "constituency"], people),
    )


def test_writes_the_documented_json(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    votes, participants = files
    out = tmp_path / "out.json"
    code, err = run(["analyse", votes, "--participants", participants, "--output", out], capsys)
    assert code == 0, err
    doc = json.loads(out.read_text())
    assert set(doc) == {"participants", "statements", "bridging_statements"}
    assert len(doc["participants"]) == 82
    assert doc["participants"]["c1"] == {"group": None}  # two votes: too few
    assert doc["participants"]["listener"] == {"group": None}
    groups = {doc["participants"][f"p{i}"]["group"] for i in range(80)}
    assert groups == {0, 1}
    # The two planted sides (odd and even participants) are the two groups.
    assert {doc["participants"][f"p{i}"]["group"] for i in range(0, 80, 2)} in ({0}, {1})
    statement = doc["statements"]["both"]
    assert set(statement) == {"group_informed_consensus", "bridging"}
    assert doc["bridging_statements"][0] == "both"
    assert doc["statements"]["staff-only"]["bridging"] < 0.2
    assert len(doc["bridging_statements"]) == len(doc["statements"]) == 14
    assert err == (
        "coproduce deliberation analyse: 82 participants (80 placed in 2 groups), "
        "14 statements, 1,122 votes; constituencies: carer, patient, staff\n"
    )


@pytest.mark.parametrize(
    ("people", "votes", "summary"),
    [
        (
            [("p1", "patient")],
            [("p1", "s1", 1)],
            "1 participant (1 placed in 1 group), 1 statement, 1 vote; constituency: patient",
        ),
        (
            [("p1", "patient"), ("p2", "staff")],
            [("p1", "s1", 1), ("p2", "s1", -1), ("p1", "s2", 0), ("p2", "s2", 1)],
            "2 participants (2 placed in 2 groups), 2 statements, 4 votes; "
            "constituencies: patient, staff",
        ),
        (
            [("p1", "carer"), ("p2", "carer")],
            [("p1", "s1", 1)],
            "2 participants (1 placed in 1 group), 1 statement, 1 vote; constituency: carer",
        ),
        (
            [],
            [],
            "0 participants (0 placed in 0 groups), 0 statements, 0 votes; constituencies: none",
        ),
    ],
)
def test_the_summary_line_says_one_or_many_correctly(
    people: list[tuple[str, str]],
    votes: list[tuple[str, str, int]],
    summary: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    votes_csv = write_csv(tmp_path / "votes.csv", ["participant", "statement", "vote"], votes)
    people_csv = write_csv(tmp_path / "people.csv", ["participant", "constituency"], people)
    out = tmp_path / "out.json"
    code, err = run(["analyse", votes_csv, "--participants", people_csv, "-o", out], capsys)
    assert code == 0, err
    assert err == f"coproduce deliberation analyse: {summary}\n"
    placed = [
        p for p in json.loads(out.read_text())["participants"].values() if p["group"] is not None
    ]
    assert f"({len(placed)} placed" in err


def test_the_same_input_gives_the_same_output(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    votes, participants = files
    outputs = []
    for name in ("a.json", "b.json"):
        run(["analyse", votes, "--participants", participants, "-o", tmp_path / name], capsys)
        outputs.append((tmp_path / name).read_text())
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("p1", "s1", "2")], "votes.csv: row 1 (line 2), column vote: '2' is not 1"),
        ([("p1", "s1", "yes")], "column vote: 'yes' is not 1"),
        (
            [("p1", "s1", "1"), ("ghost", "s1", "1")],
            "row 2 (line 3), column participant: participant 'ghost' is not in participants.csv",
        ),
        (
            [("p1", "s1", "1"), ("p1", "s1", "-1")],
            "row 2 (line 3), column statement: participant 'p1' already voted on statement 's1' "
            "at row 1",
        ),
        ([("p1", "", "1")], "row 1 (line 2), column statement: empty statement id"),
    ],
)
def test_bad_votes_exit_2_with_one_line_and_no_output(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rows: list[tuple[str, str, str]],
    message: str,
) -> None:
    votes = write_csv(tmp_path / "votes.csv", ["participant", "statement", "vote"], rows)
    participants = write_csv(
        tmp_path / "participants.csv", ["participant", "constituency"], [("p1", "patient")]
    )
    out = tmp_path / "out.json"
    code, err = run(["analyse", votes, "--participants", participants, "--output", out], capsys)
    assert code == 2
    assert err.count("\n") == 1 and message in err
    assert not out.exists()
    assert list(tmp_path.glob(".out.json*")) == []


def test_bad_participants_and_missing_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    votes = write_csv(
        tmp_path / "votes.csv", ["participant", "statement", "vote"], [("p1", "s1", "1")]
    )
    twice = write_csv(
        tmp_path / "twice.csv",
        ["participant", "constituency"],
        [("p1", "staff"), ("p1", "patient")],
    )
    code, err = run(["analyse", votes, "--participants", twice, "-o", tmp_path / "o.json"], capsys)
    assert (
        code == 2
        and "twice.csv: row 2 (line 3), column participant: participant 'p1' is already "
        "listed at row 1"
        in err
    )
    nocol = write_csv(tmp_path / "nocol.csv", ["participant", "group"], [("p1", "staff")])
    code, err = run(["analyse", votes, "--participants", nocol, "-o", tmp_path / "o.json"], capsys)
    assert code == 2 and "nocol.csv: no column 'constituency'" in err
    code, err = run(
        ["analyse", votes, "--participants", tmp_path / "absent.csv", "-o", tmp_path / "o.json"],
        capsys,
    )
    assert code == 2 and "cannot read" in err
    assert not (tmp_path / "o.json").exists()


def test_output_must_be_json(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    votes, participants = files
    code, err = run(
        ["analyse", votes, "--participants", participants, "-o", tmp_path / "o.csv"], capsys
    )
    assert code == 2 and "must be a .json file" in err


def test_the_command_module_imports_only_the_standard_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import coproduce.commands.deliberation\n"
        "print(','.join(m for m in ('numpy', 'scipy', 'sklearn', 'polars') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""

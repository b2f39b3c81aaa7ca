"""``coproduce feedback redact``: same rows and columns, the text column redacted."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from coproduce import cli
from coproduce.experience.redact import IdentifierKind, redact
from coproduce.experience.synthetic import generate_comments
from tests.spc.xlsx import write_xlsx


def run(args: list[object], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def rows_of(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle))


def test_redacts_only_the_text_column_and_keeps_rows_and_other_cells(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "fft.csv"
    rows = [
        ["id", "Comment", "rating", "ward"],
        ["007", "Ring me on 07700 900123 please", "1", "A&E, minors"],
        ["", "", "", ""],
        ["010", "My NHS number is 943 476 5919", "", "Ward 3"],
        ["011", "The nurse was kind", "2", "=SUM(A1)"],
    ]
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    out = tmp_path / "out.csv"
    code, stdout, stderr = run(
        ["feedback", "redact", source, "--text-col", "comment", "--output", out], capsys
    )
    assert code == 0, stderr
    assert stdout == ""
    got = rows_of(out)
    assert got[0] == rows[0]
    assert len(got) == len(rows)
    assert [r[0] for r in got] == [r[0] for r in rows]  # leading zeros kept: read as text
    assert [r[2:] for r in got] == [r[2:] for r in rows]
    assert got[1][1] == "Ring me on [PHONE] please"
    assert got[3][1] == "My NHS number is [NHS_NUMBER]"
    assert got[4][1] == "The nurse was kind"
    # The summary counts kinds and never echoes text.
    assert "1 NHS_NUMBER" in stderr and "1 PHONE" in stderr
    assert "07700" not in stderr and "nurse" not in stderr


def test_matches_the_library_and_is_idempotent_on_synthetic_comments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    comments = generate_comments(300, seed=7)
    source = tmp_path / "synthetic.csv"
    pl.DataFrame({"n": list(range(len(comments))), "text": [c.text for c in comments]}).write_csv(
        source
    )
    first = tmp_path / "first.csv"
    second = tmp_path / "second.csv"
    assert run(["feedback", "redact", source, "--text-col", "text", "-o", first], capsys)[0] == 0
    assert run(["feedback", "redact", first, "--text-col", "text", "-o", second], capsys)[0] == 0
    redacted = [r[1] for r in rows_of(first)[1:]]
    assert redacted == [redact(c.text).text for c in comments]
    assert rows_of(second) == rows_of(first)
    tags = "".join(redacted)
    assert any(kind.tag in tags for kind in IdentifierKind)


def test_reads_windows_1252_and_excel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "legacy.csv"
    source.write_bytes("id,comment\n1,Café £5 call 07700 900123\n".encode("cp1252"))
    code, stdout, _ = run(["feedback", "redact", source, "--text-col", "comment"], capsys)
    assert code == 0
    assert stdout.splitlines() == ["id,comment", "1,Café £5 call [PHONE]"]

    workbook = tmp_path / "book.xlsx"
    write_xlsx(workbook, [["id", "comment"], ["a", "email me at jo@example.org"]])
    code, stdout, _ = run(["feedback", "redact", workbook, "--text-col", "comment"], capsys)
    assert code == 0
    assert stdout.splitlines() == ["id,comment", "a,email me at [EMAIL]"]


def test_a_missing_text_column_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "fft.csv"
    source.write_text("id,comment\n1,Call 07700 900123\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    code, _, stderr = run(
        ["feedback", "redact", source, "--text-col", "answer", "--output", out], capsys
    )
    assert code == 2
    assert "no column 'answer'" in stderr
    assert "07700" not in stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]

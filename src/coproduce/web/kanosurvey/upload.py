"""Reading an uploaded file of Kano responses in the CLI's input format.

``respondent, segment, attribute, functional, dysfunctional`` [``importance``], as
``coproduce kano analyse`` reads (:mod:`coproduce.commands.kano`), through the same reader
(:mod:`coproduce.commands.tables`: CSV in UTF-8 or Windows-1252, Excel). Row numbers are as a
spreadsheet shows them, the header being row 1. The checks of the values are the action's
(:func:`coproduce.web.kanosurvey.actions.upload_responses`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename

from coproduce.commands.kano import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from coproduce.commands.tables import CommandError, Source

from .actions import RowProblem, UploadRow

UPLOAD_SUFFIXES = (".csv", ".xlsx", ".ods")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def rows_of(path: Path) -> tuple[list[UploadRow], list[RowProblem]]:
    """The rows of a responses file, or the problems that stop it being read."""
    try:
        source = Source(path)
    except CommandError as error:
        return [], [RowProblem(None, "file", f"cannot be read: {error}")]
    names: dict[str, str] = {}
    missing = []
    for wanted in REQUIRED_COLUMNS:
        found = source.column(wanted)
        if found is None:
            missing.append(wanted)
        else:
            names[wanted] = found
    if missing:
        shown = ", ".join(f"“{c}”" for c in source.columns[:20]) or "none"
        return [], [
            RowProblem(1, name, f"there is no “{name}” column (the columns are {shown})")
            for name in missing
        ]
    for wanted in OPTIONAL_COLUMNS:
        found = source.column(wanted)
        if found is not None:
            names[wanted] = found
    columns = list(names.values())
    try:
        table = source.read(columns, text=columns)
    except CommandError as error:
        return [], [RowProblem(None, "file", f"cannot be read: {error}")]
    rows = []
    for index, record in enumerate(table.frame.iter_rows(named=True)):
        rows.append(
            UploadRow(
                row=table.where.row(index) + 1,
                respondent=_text(record[names["respondent"]]),
                segment=_text(record[names["segment"]]),
                attribute=_text(record[names["attribute"]]),
                functional=_text(record[names["functional"]]),
                dysfunctional=_text(record[names["dysfunctional"]]),
                importance=_text(record[names["importance"]]) if "importance" in names else "",
            )
        )
    return rows, []


def read_upload(upload: UploadedFile) -> tuple[list[UploadRow], list[RowProblem], str]:
    """Read an uploaded file through a private temporary folder, deleted straight after."""
    name = get_valid_filename(Path(upload.name or "responses.csv").name) or "responses.csv"
    with tempfile.TemporaryDirectory(prefix="coproduce-kano-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        rows, problems = rows_of(path)
    return rows, problems, name

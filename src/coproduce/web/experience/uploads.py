"""Feedback files kept between the preview and the import, as the measures' uploads are.

A file is staged under ``settings.DATA_DIR / "uploads" / <token> /`` (folders mode 0700, the
file 0600), named in the uploader's session with the project it is for, and deleted when its
rows are imported, when another feedback file is uploaded in the same session, or a day after
it was uploaded (the measures' clean-up clears the same folder). The folder, the file names
and the clean-up are the measures' (:mod:`coproduce.web.measures.uploads`); only the session
entry differs.

A large file is imported in the background: :func:`hand_over` takes the file out of the
session (so a later upload does not delete it) and gives its token and name to the job,
which finds it with :func:`job_file` and deletes it with :func:`remove` when it has finished.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from coproduce.web.measures.uploads import (
    MAX_AGE_SECONDS,
    _private_dir,
    _safe_name,
    clear_expired,
    upload_dir,
)

SESSION_KEY = "experience.upload"

Session = MutableMapping[str, Any]

__all__ = [
    "MAX_AGE_SECONDS",
    "clear_expired",
    "discard",
    "hand_over",
    "job_file",
    "remove",
    "stage",
    "staged",
    "upload_dir",
]


def stage(session: Session, upload: UploadedFile, *, project_pk: int) -> Path:
    """Keep ``upload`` for ``project_pk`` in the session, in place of any earlier one."""
    discard(session)
    clear_expired()
    root = upload_dir()
    _private_dir(root)
    token = secrets.token_urlsafe(16)
    folder = root / token
    folder.mkdir(mode=0o700)
    name = _safe_name(upload.name or "") or "feedback.csv"
    path = folder / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    session[SESSION_KEY] = {"token": token, "name": name, "project": project_pk}
    return path


def _valid_token(token: str) -> bool:
    return bool(token) and token.replace("-", "").replace("_", "").isalnum()


def job_file(token: str, name: str) -> Path | None:
    """The staged file ``name`` under ``token`` if it is still there (and not expired)."""
    if not _valid_token(token):
        return None
    path = upload_dir() / token / _safe_name(name)
    if not path.is_file() or path.parent.stat().st_mtime < time.time() - MAX_AGE_SECONDS:
        return None
    return path


def remove(token: str) -> None:
    """Delete the staged folder ``token`` (once its file is imported, or the import failed)."""
    if _valid_token(token):
        shutil.rmtree(upload_dir() / token, ignore_errors=True)


def _entry(session: Session) -> tuple[str, str] | None:
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    token, name = str(stored.get("token", "")), str(stored.get("name", ""))
    return (token, name) if _valid_token(token) else None


def staged(session: Session, *, project_pk: int) -> Path | None:
    """The file this session staged for ``project_pk``, if it is there and not expired."""
    stored = session.get(SESSION_KEY)
    entry = _entry(session)
    if entry is None or not isinstance(stored, dict) or stored.get("project") != project_pk:
        return None
    path = job_file(*entry)
    if path is None:
        discard(session)
    return path


def hand_over(session: Session) -> tuple[str, str]:
    """Take the staged file out of the session, without deleting it: a background import
    now owns it (``token``, ``name``) and deletes it with :func:`remove`."""
    entry = _entry(session)
    session.pop(SESSION_KEY, None)
    if entry is None:
        raise LookupError("no file is staged in this session")
    return entry


def discard(session: Session) -> None:
    """Forget the session's staged file and delete it."""
    entry = _entry(session)
    session.pop(SESSION_KEY, None)
    if entry is not None:
        remove(entry[0])

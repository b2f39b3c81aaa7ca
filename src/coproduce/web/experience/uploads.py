"""Feedback files kept between the preview and the import, as the measures' uploads are.

A file is staged under ``settings.DATA_DIR / "uploads" / <token> /`` (folders mode 0700, the
file 0600), named in the uploader's session with the project it is for, and deleted when its
rows are imported, when another feedback file is uploaded in the same session, or a day after
it was uploaded (the measures' clean-up clears the same folder).
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename

SESSION_KEY = "experience.upload"
MAX_AGE_SECONDS = 24 * 60 * 60

Session = MutableMapping[str, Any]


def upload_dir() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def _safe_name(name: str) -> str:
    try:
        return get_valid_filename(Path(name).name)
    except SuspiciousFileOperation:
        return "feedback.csv"


def clear_expired(now: float | None = None) -> None:
    """Delete every staged upload older than a day."""
    root = upload_dir()
    if not root.is_dir():
        return
    cutoff = (time.time() if now is None else now) - MAX_AGE_SECONDS
    for folder in root.iterdir():
        try:
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def stage(session: Session, upload: UploadedFile, *, project_pk: int) -> Path:
    """Keep ``upload`` for ``project_pk`` in the session, in place of any earlier one."""
    discard(session)
    clear_expired()
    root = upload_dir()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    root.chmod(0o700)
    token = secrets.token_urlsafe(16)
    folder = root / token
    folder.mkdir(mode=0o700)
    name = _safe_name(upload.name or "")
    path = folder / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    session[SESSION_KEY] = {"token": token, "name": name, "project": project_pk}
    return path


def _path_in(session: Session) -> Path | None:
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    token, name = str(stored.get("token", "")), str(stored.get("name", ""))
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    return upload_dir() / token / _safe_name(name)


def staged(session: Session, *, project_pk: int) -> Path | None:
    """The file this session staged for ``project_pk``, if it is there and not expired."""
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict) or stored.get("project") != project_pk:
        return None
    path = _path_in(session)
    if path is None or not path.is_file():
        return None
    if path.parent.stat().st_mtime < time.time() - MAX_AGE_SECONDS:
        discard(session)
        return None
    return path


def discard(session: Session) -> None:
    """Forget the session's staged file and delete it."""
    path = _path_in(session)
    session.pop(SESSION_KEY, None)
    if path is not None:
        shutil.rmtree(path.parent, ignore_errors=True)

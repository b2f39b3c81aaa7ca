"""Shared test set-up.

Tests that touch the database get the ``database`` marker automatically, so
`make test` can run exactly those again on PostgreSQL.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def pytest_configure(config: pytest.Config) -> None:
    """Keep what the app writes to its data directory (chart cache, staged uploads) in a
    throwaway folder, not in the checkout's ./data that `make run` uses."""
    from django.conf import settings
    from django.test.utils import override_settings

    data_dir = Path(tempfile.mkdtemp(prefix="coproduce-tests-"))
    caches = copy.deepcopy(settings.CACHES)
    for cache in caches.values():
        if cache["BACKEND"].endswith("FileBasedCache"):
            cache["LOCATION"] = str(data_dir / "cache" / Path(cache["LOCATION"]).name)
    override_settings(DATA_DIR=data_dir, CACHES=caches).enable()
    config.add_cleanup(lambda: shutil.rmtree(data_dir, ignore_errors=True))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") or fixtures & DATABASE_FIXTURES:
            item.add_marker(pytest.mark.database)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # PBKDF2 at full strength costs ~0.3 s a hash; tests need speed, not strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database this run uses, so the CI log shows both runs."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = f"{db.get('HOST') or 'local'}:{db.get('PORT') or '-'}"
    return f"coproduce database: {db['ENGINE'].rsplit('.', 1)[-1]} ({where})"

"""What a job's function is handed to report how far it has got, and to learn it should stop.

A job function is called in the worker as ``fn(progress, **params)``. It calls
``progress(fraction, message)`` as it goes: ``fraction`` from 0 to 1, ``message`` a short
sentence for the person waiting ("Themed 40,000 of 100,000 comments"; never patient text).
Calls are cheap: the database is written at most every ``interval`` seconds (0.5 by default),
and only when something changed, so a loop may call it for every comment.

Each write also checks whether someone has asked to cancel the job; if so the call raises
``Cancelled``, which the function may catch to tidy up, and should let through. The same
happens (``Interrupted``, a kind of ``Cancelled``) when the worker is shutting down.

Write progress outside long transactions: a write inside ``transaction.atomic()`` is not seen by
anyone until the block commits, and holds SQLite's write lock for the whole block.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from django.utils import timezone

from .models import Job, JobStatus

MESSAGE_LENGTH = Job._meta.get_field("message").max_length or 300

_stopping = threading.Event()


class Cancelled(Exception):
    """The job was cancelled: stop the work. Let it propagate once tidied up."""


class Interrupted(Cancelled):
    """The worker is shutting down (the server stopped): stop the work."""


def request_stop() -> None:
    """Tell running jobs of this process to stop at their next progress call."""
    _stopping.set()


def clear_stop() -> None:
    _stopping.clear()


def stopping() -> bool:
    return _stopping.is_set()


class Progress:
    """Report progress for one job, throttled; raise ``Cancelled`` once it is cancelled."""

    def __init__(
        self,
        job_id: int,
        *,
        interval: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job_id = job_id
        self.interval = interval
        self._clock = clock
        self._last_write: float | None = None
        self._fraction = 0.0
        self._message = ""
        self._written: tuple[float, str] = (0.0, "")
        #: How many times the database was written (for tests and benchmarks).
        self.writes = 0
        #: Set once a call has raised ``Cancelled``: the worker then records the job as
        #: cancelled even if the function caught it and returned.
        self.cancelled = False

    @property
    def fraction(self) -> float:
        """The last fraction reported (whether or not it has been written yet)."""
        return self._fraction

    def __call__(self, fraction: float, message: str = "") -> None:
        if stopping():
            self.cancelled = True
            raise Interrupted
        if isinstance(fraction, bool) or not isinstance(fraction, int | float):
            raise TypeError("progress fraction must be a number from 0 to 1")
        if math.isnan(fraction):
            fraction = self._fraction
        self._fraction = min(1.0, max(0.0, float(fraction)))
        self._message = str(message)[:MESSAGE_LENGTH]
        now = self._clock()
        if self._last_write is not None and now - self._last_write < self.interval:
            return
        self._last_write = now
        self._write()

    def check(self) -> None:
        """Raise ``Cancelled`` if the job has been cancelled (throttled like a progress call)."""
        self(self._fraction, self._message)

    def _write(self) -> None:
        # One statement: the update succeeds only while nobody has asked to cancel. Nothing
        # is written when nothing changed, but the cancel flag is still read.
        job = Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING, cancel_requested=False)
        if (self._fraction, self._message) == self._written:
            if not job.exists():
                self.cancelled = True
                raise Cancelled
            return
        updated = job.update(
            progress=self._fraction, message=self._message, updated_at=timezone.now()
        )
        self.writes += 1
        if not updated:
            self.cancelled = True
            raise Cancelled
        self._written = (self._fraction, self._message)

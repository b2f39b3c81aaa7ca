"""Writing a command's output: all or nothing, or CSV to standard output.

Shared by ``coproduce spc``, ``feedback``, ``kano`` and ``deliberation``. Only the standard
library is imported at module level (the parser of every command imports its module).
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl


class CommandError(Exception):
    """A problem with the user's file or options: one line for stderr, exit status 2."""


def _cannot_write(target: Path, error: OSError) -> CommandError:
    return CommandError(f"cannot write {target}: {error.strerror or error}")


def atomic_write(target: Path, write: Callable[[Path], object]) -> None:
    """Write to a temporary file beside ``target``, then rename it: all or nothing."""
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as error:
        raise _cannot_write(target, error) from None
    os.close(fd)
    temp = Path(name)
    try:
        write(temp)
        umask = os.umask(0)
        os.umask(umask)
        temp.chmod(0o666 & ~umask)
        temp.replace(target)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise _cannot_write(target, error) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def csv_path(value: str | None) -> Path | None:
    """The ``--output`` path, which must name a .csv file; ``None`` for standard output."""
    if value is None:
        return None
    path = Path(value)
    if path.suffix.lower() != ".csv":
        raise CommandError(f"cannot write {path.name}: the output must be a .csv file")
    return path


def write_csv(frame: pl.DataFrame, target: Path | None) -> None:
    """CSV, UTF-8, quoted where needed, to ``target`` (atomically) or standard output."""
    if target is not None:
        atomic_write(target, lambda path: frame.write_csv(path))
        return
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    try:
        if buffer is not None:
            buffer.write(frame.write_csv().encode("utf-8"))
            buffer.flush()
        else:
            sys.stdout.write(frame.write_csv())
            sys.stdout.flush()
    except BrokenPipeError:  # `… | head` closed the pipe: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError as error:
        if error.errno != errno.EPIPE:
            raise

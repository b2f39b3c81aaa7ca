"""What every benchmark prints about the machine, the commit and the load."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path


def machine_line(software: str) -> str:
    """OS, CPUs, memory and Python, then ``software`` (the versions that matter here)."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem = f", {pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs ({model}){mem}; "
        f"Python {platform.python_version()}, {software}"
    )


def revision() -> str:
    """The commit of the work tree, with "+changes" when it has uncommitted changes."""
    here = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def load_line(*, busy_means: str) -> str:
    """The load average; ``busy_means`` says which way a busy machine skews the figures."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "load average unknown"
    busy = f"  (the machine is busy: figures will be {busy_means})" if one > 1.0 else ""
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min){busy}"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"

"""The core never imports Django (DESIGN.md: a functional core, a thin shell)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import coproduce

ROOT = Path(__file__).resolve().parents[1]


def core_modules() -> list[str]:
    """Every module under coproduce except the Django shell (coproduce.web)."""
    names = ["coproduce"]
    for info in pkgutil.walk_packages(coproduce.__path__, prefix="coproduce."):
        if info.name == "coproduce.web" or info.name.startswith("coproduce.web."):
            continue
        names.append(info.name)
    return names


def test_core_modules_include_the_cli() -> None:
    assert "coproduce.cli" in core_modules()


def test_importing_the_core_does_not_import_django() -> None:
    modules = core_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"core imported Django modules: {result.stdout}"


def test_ruff_bans_django_outside_the_web_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    lint = config["tool"]["ruff"]["lint"]
    assert "django" in lint["flake8-tidy-imports"]["banned-api"]
    assert "TID" in lint["select"]
    exempt = {path for path, rules in lint["per-file-ignores"].items() if "TID251" in rules}
    assert not any(path.startswith("src/coproduce/") and "web" not in path for path in exempt)


def test_ruff_rejects_a_core_module_that_imports_django() -> None:
    core_file = ROOT / "src" / "coproduce" / "_boundary_probe.py"
    core_file.write_text("import django\n")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ruff", "check", "--select", "TID251", str(core_file)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    finally:
        core_file.unlink()
    assert result.returncode == 1
    assert "TID251" in result.stdout

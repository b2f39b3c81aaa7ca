"""The package exports the public names of every module of the core, decisions included."""

from __future__ import annotations

import ast
import inspect

import coproduce.deliberation as deliberation
from coproduce.deliberation import (
    analysis,
    decisions,
    export,
    groups,
    matrix,
    statistics,
)


def test_every_name_of_the_decisions_api_is_exported_from_the_package() -> None:
    assert set(decisions.__all__) <= set(deliberation.__all__)
    for name in decisions.__all__:
        assert getattr(deliberation, name) is getattr(decisions, name), name


def test_all_lists_only_real_names_once() -> None:
    assert len(deliberation.__all__) == len(set(deliberation.__all__))
    for name in deliberation.__all__:
        assert hasattr(deliberation, name), name


def test_every_name_the_package_imports_is_in_all() -> None:
    """What ``__init__`` imports from its modules is what it declares public, no more, no less."""
    tree = ast.parse(inspect.getsource(deliberation))
    imported = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("coproduce.")
        for alias in node.names
    }
    assert imported == set(deliberation.__all__)
    modules = {m.__name__ for m in (analysis, decisions, export, groups, matrix, statistics)}
    sources = {
        node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("coproduce.")
    }
    assert sources == modules

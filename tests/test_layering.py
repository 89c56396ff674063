"""Imports flow one way: the front ends (``check``, ``server``, ``__main__``) sit on
top of the engine, the config and the fixes; nothing below imports them, and only
the server imports pygls or lsprotocol."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, Tuple

PACKAGE = Path(__file__).resolve().parents[1] / "flake8_keras_build"
FRONT_ENDS = ("check", "server")


def imports(path: Path) -> Iterator[Tuple[str, int]]:
    """Absolute module names imported by a module of the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = parts[:-1]  # an __init__ is its package; a module sits in one
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join((*base, node.module or ""))
            else:
                name = node.module or ""
            yield name.rstrip("."), node.lineno
            for alias in node.names:
                yield f"{name.rstrip('.')}.{alias.name}", node.lineno


def test_nothing_below_the_front_ends_imports_them() -> None:
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).parts
        if relative[0] in FRONT_ENDS or relative[0] == "__main__.py":
            continue
        for name, line in imports(path):
            for front in FRONT_ENDS:
                assert not name.startswith(f"flake8_keras_build.{front}"), f"{path}:{line}: {name}"


def test_check_does_not_import_the_server_and_only_the_server_imports_pygls() -> None:
    for path in PACKAGE.rglob("*.py"):
        in_server = path.relative_to(PACKAGE).parts[0] == "server"
        for name, line in imports(path):
            if not in_server:
                assert not name.startswith(("pygls", "lsprotocol")), f"{path}:{line}: {name}"
                if path.relative_to(PACKAGE).parts[0] == "check":
                    assert "flake8_keras_build.server" not in name, f"{path}:{line}"

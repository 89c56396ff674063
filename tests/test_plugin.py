"""The flake8 adapter: linting never imports libcst (only the fix command needs it),
and an internal error never escapes ``run()``."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

import pytest

from flake8_keras_build import plugin
from tests.seed import SEED

_PROBE = textwrap.dedent(
    """
    import ast, sys
    from flake8_keras_build.plugin import Plugin
    source = sys.stdin.read()
    found = list(Plugin(ast.parse(source), source.splitlines(True), "x.py").run())
    print(len(found), "libcst" in sys.modules)
    """
)


def _probe(source: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], input=source, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_file_without_layer_classes_never_imports_libcst() -> None:
    source = "import keras\n\n\nclass Plain:\n    def call(self, x):\n        return x\n"
    assert _probe(source) == "0 False"


def test_layer_file_is_linted_without_libcst() -> None:
    # Importing libcst costs every flake8 process (an editor starts one per lint)
    # a noticeable fraction of a second; the analysis reads flake8's ast alone.
    assert _probe(SEED) == "6 False"


def test_internal_error_is_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug of ours")

    import flake8_keras_build.engine as engine

    monkeypatch.setattr(engine, "lint", broken)
    checker = plugin.Plugin(ast.parse(SEED), SEED.splitlines(True), "x.py")
    assert list(checker.run()) == []

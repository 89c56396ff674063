"""The flake8 adapter: linting never imports libcst (only the fix command needs it),
and an internal error never escapes ``run()``."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from typing import Dict

import pytest

from flake8_keras_build import plugin
from tests.seed import SEED

_PROBE = textwrap.dedent(
    """
    import ast, json, sys
    from flake8_keras_build.plugin import Plugin
    source = sys.stdin.read()
    found = list(Plugin(ast.parse(source), source.splitlines(True), "x.py").run())
    heavy = ["libcst", "flake8_keras_build.model", "flake8_keras_build.rules",
             "flake8_keras_build.analysis.methods"]
    print(json.dumps({"found": len(found), **{name: name in sys.modules for name in heavy}}))
    """
)


def _probe(source: str) -> Dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], input=source, capture_output=True, text=True, check=True
    )
    loaded: Dict[str, object] = json.loads(result.stdout)
    return loaded


def test_file_without_layer_classes_imports_neither_model_nor_rules() -> None:
    # An editor starts a flake8 process for every lint, and most files hold no layer
    # class: for them the plugin imports only the gate (engine, analysis.layers).
    source = "import keras\n\n\nclass Plain:\n    def call(self, x):\n        return x\n"
    assert _probe(source) == {
        "found": 0,
        "libcst": False,
        "flake8_keras_build.model": False,
        "flake8_keras_build.rules": False,
        "flake8_keras_build.analysis.methods": False,
    }


def test_layer_file_is_linted_without_libcst() -> None:
    # Importing libcst costs every flake8 process (an editor starts one per lint)
    # a noticeable fraction of a second; the analysis reads flake8's ast alone.
    assert _probe(SEED) == {
        "found": 6,
        "libcst": False,
        "flake8_keras_build.model": True,
        "flake8_keras_build.rules": True,
        "flake8_keras_build.analysis.methods": True,
    }


def test_internal_error_is_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(plugin, "lint", broken)
    checker = plugin.Plugin(ast.parse(SEED), SEED.splitlines(True), "x.py")
    assert list(checker.run()) == []

"""The code this project started from, after ``fix``: a layer that real Keras runs
correctly in both versions (``pytest -m runtime``)."""

from __future__ import annotations

import functools
from typing import Any, List, Optional

import pytest

from flake8_keras_build import evidence
from flake8_keras_build.engine import lint
from flake8_keras_build.fixes.runner import fix_source
from tests.runtime import flavours
from tests.runtime.conftest import Recorder, check_committed, load_flavour
from tests.runtime.harness import Run, fit, save_load
from tests.seed import SEED

pytestmark = pytest.mark.runtime


def runs_correctly(run: Run) -> bool:
    """Builds once, keeps its weights across calls, trains, saves and reloads."""
    cls = run.cls
    builds: List[Any] = []
    build = cls.build

    @functools.wraps(build)
    def counted(self: Any, input_shape: Any) -> Any:
        builds.append(input_shape)
        return build(self, input_shape)

    cls.build = counted
    layer = cls(3)
    x = run.x(2, 4)
    outputs = []
    for number in (1, 2, 3):
        called = run.attempt(f"call {number}", lambda: layer(x))
        if not called.ok:
            return False
        outputs.append(called.value)
    kernel = layer.weights[0] if layer.weights else None
    stable = all(run.same(outputs[0], out) for out in outputs[1:])
    run.note("build() ran", f"{len(builds)} time(s) over 3 calls")
    run.note("weights, same output every call", f"{len(layer.weights)}, {stable}")
    ok = len(builds) == 1 and len(layer.weights) == 1 and stable
    inputs = run.keras.Input((4,))
    made = run.attempt("functional model", lambda: run.keras.Model(inputs, cls(3)(inputs)))
    if not made.ok:
        return False
    model = made.value
    run.note("model.layers", [type(item).__name__ for item in model.layers])
    ok &= not fit(run, model)
    ok &= not save_load(run, model, x)
    ok &= kernel is layer.weights[0]
    return bool(ok)


@pytest.mark.parametrize("flavour_name", flavours.FLAVOURS)
def test_fixed_seed_runs_correctly(
    flavour_name: str, recorder: Recorder, committed: Optional[evidence.Evidence]
) -> None:
    flavour = load_flavour(flavour_name)
    fixed = fix_source(SEED)
    assert fixed.error is None, fixed.error
    left = sorted({finding.code for finding in lint(fixed.source)})
    flavour.reset()
    run = Run(flavour, fixed.source, "seed.py", "MyDenseLayer")
    ok = runs_correctly(run)
    entry = {"ok": ok, "findings left": left, "observed": run.lines}
    observed = "\n".join(run.lines)
    assert left == [], f"fix left {left} in:\n{fixed.source}"
    assert ok, f"the fixed seed misbehaves under {flavour.label}:\n{observed}\n\n{fixed.source}"
    recorder.record_seed(flavour, entry)
    recorded = (committed or {}).get("flavours", {}).get(flavour.name, {}).get("seed")
    check_committed(committed, flavour, recorded, entry, "the seed case")

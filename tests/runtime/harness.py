"""How a scenario exercises an example, and says what it saw.

A scenario is a *probe*: a function that gets a ``Run`` (the example executed under
one Keras flavour), exercises the example's class, writes what it observed with
``run.note``/``run.attempt``, and returns whether the harm the rule describes
happened. The observations must be stable from run to run (they are recorded and
compared): exception texts, booleans, counts, names; never raw numbers.

Registering a scenario says what to expect per flavour (``harm``), which text of
the rule's doc the observation must contain (``quote``), and, where the outcome
contradicts the rule (an invalid example that does no harm, a valid one that does),
why (``gaps``): those tests record the evidence, then xfail with that reason.
An invalid example's probe also runs on its fixed code, which must do no harm unless
``fixed_gaps`` says why it does.
"""

from __future__ import annotations

import logging
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

Probe = Callable[["Run"], bool]
Quote = Union[str, Tuple[str, ...]]

BOTH = {"keras3": True, "tf_keras": True}
NONE = {"keras3": False, "tf_keras": False}
K3_ONLY = {"keras3": True, "tf_keras": False}
TFK_ONLY = {"keras3": False, "tf_keras": True}


@dataclass(frozen=True)
class Scenario:
    code: str
    key: str
    probe: Optional[Probe]
    harm: Mapping[str, bool] = field(default_factory=lambda: dict(NONE))
    quote: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    gaps: Mapping[str, str] = field(default_factory=dict)
    not_run: str = ""
    # Registered on behalf of an invalid example (its fixed code), not by hand.
    implicit: bool = False


SCENARIOS: Dict[Tuple[str, str], Scenario] = {}


def _add(scenario: Scenario) -> None:
    key = (scenario.code, scenario.key)
    if key in SCENARIOS and not SCENARIOS[key].implicit:
        raise ValueError(f"two scenarios for {scenario.code} {scenario.key}")
    SCENARIOS[key] = scenario


def _quotes(quote: Optional[Mapping[str, Quote]]) -> Dict[str, Tuple[str, ...]]:
    return {k: (v,) if isinstance(v, str) else tuple(v) for k, v in (quote or {}).items()}


def invalid(
    code: str,
    name: str,
    probe: Probe,
    harm: Mapping[str, bool] = BOTH,
    quote: Optional[Mapping[str, Quote]] = None,
    gaps: Optional[Mapping[str, str]] = None,
    fixed_harm: Mapping[str, bool] = NONE,
    fixed_gaps: Optional[Mapping[str, str]] = None,
) -> None:
    """An invalid example: ``probe`` must see ``harm``; on its fixed code, ``fixed_harm``
    (none, unless ``fixed_gaps`` says why the fix falls short)."""
    _add(Scenario(code, f"invalid:{name}", probe, harm, _quotes(quote), dict(gaps or {})))
    fixed = Scenario(
        code, f"fixed:{name}", probe, fixed_harm, gaps=dict(fixed_gaps or {}), implicit=True
    )
    SCENARIOS.setdefault((code, fixed.key), fixed)


def valid(
    code: str,
    name: str,
    probe: Probe,
    harm: Mapping[str, bool] = NONE,
    gaps: Optional[Mapping[str, str]] = None,
) -> None:
    """A valid example: ``probe`` must see no harm, except where ``harm`` says
    (an example valid only for the Keras version its settings name)."""
    _add(Scenario(code, f"valid:{name}", probe, harm, gaps=dict(gaps or {})))


def not_run(code: str, key: str, reason: str) -> None:
    """An example there is nothing to run for, and why."""
    _add(Scenario(code, key, None, not_run=reason))


# --- observing ----------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ADDRESS = re.compile(r"\s*at 0x[0-9a-fA-F]+|0x[0-9a-fA-F]+")
_LIMIT = 320


def describe(error: BaseException) -> str:
    """``Type: message`` on one line, without what differs between runs."""
    return clean(f"{type(error).__name__}: {error}")


def clean(text: str) -> str:
    """A message on one line, without what differs between runs."""
    text = _ANSI.sub("", text)
    if "in user code:" in text:
        # tf.function errors list the traced stack first; the error is last.
        text = "[in tf.function] " + re.split(r"(?=\b\w*(?:Error|Exception): )", text)[-1]
    text = text.split("Arguments received by", 1)[0]
    # Weight values are random: a variable's repr, the weights a message lists.
    text = re.sub(r", value=.*?\]>", ">", text, flags=re.DOTALL)
    text = re.sub(r"Provided weights: .*", "Provided weights: …", text, flags=re.DOTALL)
    text = re.sub(r"-?\d+\.\d{4,}(?:e[-+]?\d+)?", "…", text)
    text = _ADDRESS.sub("", text)
    # Where the venv lives differs between machines (jax names its own files); it
    # may be under /tmp itself, so this goes first.
    text = re.sub(r"\S*/site-packages/", "<site-packages>/", text)
    text = re.sub(r"(/tmp|/var/folders)/\S+", "<tmp>", text)
    # TensorFlow numbers the functions it traces in the order the process traced them.
    text = re.sub(r"(__inference_\w+?)_\d+\b", r"\1", text)
    text = " ".join(text.split())
    return text if len(text) <= _LIMIT else text[: _LIMIT - 1] + "…"


@dataclass
class Attempt:
    ok: bool
    value: Any = None
    error: Optional[BaseException] = None
    warnings: List[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "ok" if self.ok else "raises " + describe(self.error)  # type: ignore[arg-type]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


# Third-party noise unrelated to any rule.
_NOISE = ("__array__ implementation doesn't accept a copy keyword", "is deprecated")


class Run:
    """One example executed under one flavour."""

    def __init__(self, flavour: Any, source: str, filename: str, subject: Optional[str]) -> None:
        self.flavour = flavour
        self.source = source
        self.filename = filename
        self.subject = subject
        self.keras = flavour.modules["keras"]  # as the examples see it
        self.lines: List[str] = []
        self._namespace: Optional[Dict[str, Any]] = None
        self._cls: Any = None
        self.added_call = False  # the lane gave the example's layer a call()

    def execute(self) -> Dict[str, Any]:
        """Run the example's module (once); its names."""
        if self._namespace is None:
            self._namespace = self.flavour.run(self.source, self.filename)
        return self._namespace

    @property
    def namespace(self) -> Dict[str, Any]:
        return self.execute()

    @property
    def cls(self) -> Any:
        """The example's class. A layer without ``call()`` (an example about
        ``__init__`` or ``build`` only) gets one that returns its input, so that
        Keras can run it the way it runs every layer: through ``Layer.__call__``."""
        if self._cls is None:
            assert self.subject is not None, "a module-level example has no class"
            cls = self.namespace[self.subject]
            keras = self.flavour.keras
            inherited = getattr(cls, "call", None)
            if (
                issubclass(cls, keras.layers.Layer)
                and not issubclass(cls, keras.metrics.Metric)
                and inherited in (keras.layers.Layer.call, keras.Model.call)
            ):
                cls = type(cls.__name__, (cls,), {"call": _identity, "__module__": cls.__module__})
                self.note("call()", "none in the example; the lane adds one returning its input")
                self.added_call = True
            self._cls = cls
        return self._cls

    def note(self, label: str, value: object) -> None:
        self.lines.append(f"{label}: {value}")

    def attempt(self, label: str, function: Callable[[], Any], quiet: bool = False) -> Attempt:
        """Run ``function``; note ``label: ok`` or the exception. The warnings it
        emitted are kept on the attempt, not noted: Keras words them less stably than
        its errors, and several come from the lane's own set-up."""
        records = _Records()
        loggers = [logging.getLogger(n) for n in ("", "tensorflow", "absl")]
        for logger in loggers:
            logger.addHandler(records)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = Attempt(True, function())
            except Exception as error:  # noqa: BLE001 - what Keras raises is the observation
                result = Attempt(False, error=error)
            finally:
                for logger in loggers:
                    logger.removeHandler(records)
        messages = [str(w.message) for w in caught] + records.messages
        result.warnings = sorted(
            {clean(m) for m in messages if not any(noise in m for noise in _NOISE)}
        )
        if not quiet:
            self.note(label, result.text)
        return result

    # --- data ---------------------------------------------------------------------

    def x(self, *shape: int) -> Any:
        """A deterministic float32 input of ``shape``, not all ones."""
        import numpy as np

        size = int(np.prod(shape))
        return (np.arange(size, dtype="float32").reshape(shape) % 7 + 1) / 7

    def array(self, value: Any) -> Any:
        import numpy as np

        return np.asarray(self.flavour.to_numpy(value))

    def same(self, a: Any, b: Any) -> bool:
        import numpy as np

        a, b = self.array(a), self.array(b)
        return bool(a.shape == b.shape and np.allclose(a, b))

    def weights(self, layer: Any) -> List[Any]:
        return [self.array(w).copy() for w in layer.weights]

    def tmp(self) -> tempfile.TemporaryDirectory[str]:
        return tempfile.TemporaryDirectory(prefix="klb-runtime-")


def _identity(self: Any, inputs: Any, *args: Any, **kwargs: Any) -> Any:
    return inputs


def defines(cls: Any, method: str) -> bool:
    """Whether a class of the example (not Keras) defines ``method``."""
    return any(
        method in vars(klass)
        for klass in cls.__mro__
        if klass.__module__.split(".")[0] not in {"keras", "tf_keras", "builtins"}
    )


# --- common probes -----------------------------------------------------------------


def calls(
    run: Run,
    shape: Sequence[int] = (2, 4),
    args: Sequence[Any] = (),
    kwargs: Optional[Mapping[str, Any]] = None,
    times: int = 2,
    layer: Any = None,
    inputs: Optional[Sequence[Sequence[int]]] = None,
) -> Tuple[bool, Any]:
    """Construct the class and call it ``times`` times on the same input (or the
    positional ``inputs`` of these shapes). Harm: a call raises, the outputs differ,
    or the weights change in number or identity."""
    if layer is None:
        made = run.attempt("construct", lambda: run.cls(*args, **(kwargs or {})), quiet=True)
        if not made.ok:
            run.note("construct", made.text)
            return True, None
        layer = made.value
    xs = [run.x(*each) for each in inputs or (shape,)]
    outputs, counts, idents = [], [], []
    for number in range(1, times + 1):
        result = run.attempt(f"call {number}", lambda: layer(*xs))
        if not result.ok:
            return True, layer
        outputs.append(result.value)
        counts.append(len(layer.weights))
        idents.append([id(w) for w in layer.weights])
    same = all(run.same(outputs[0], out) for out in outputs[1:])
    run.note("same output every call", same)
    kept = all(ident == idents[0] for ident in idents[1:])
    run.note("weights after each call", ", ".join(map(str, counts)))
    if counts[0]:
        run.note("same weight objects every call", kept)
    return not (same and kept), layer


def functional(run: Run, make: Callable[[], Any], shape: Sequence[int] = (2, 4)) -> Tuple[bool, Any]:
    """Call a fresh instance on ``keras.Input``. Harm: it raises, or the model does
    not contain the layer."""
    keras = run.keras
    layer = make()
    inputs = keras.Input(tuple(shape[1:]))
    built = run.attempt("functional model", lambda: keras.Model(inputs, layer(inputs)))
    if not built.ok:
        return True, None
    model = built.value
    names = [type(item).__name__ for item in model.layers]
    run.note("model.layers", names)
    return type(layer).__name__ not in names, model


def fit(run: Run, model: Any, shape: Sequence[int] = (2, 4), steps: int = 1) -> bool:
    """Train a model one epoch. Harm: fit raises, or no trainable weight changed."""
    import numpy as np

    model.compile(optimizer="sgd", loss="mse")
    x = run.x(steps * shape[0], *shape[1:])
    # Targets from the symbolic output: calling the model here would run call()
    # outside fit, which some probes count.
    y = np.ones((steps * shape[0], *tuple(model.outputs[0].shape)[1:]), dtype="float32")
    before = [run.array(w).copy() for w in model.trainable_weights]
    trained = run.attempt(
        "fit", lambda: model.fit(x, y, batch_size=shape[0], epochs=1, verbose=0)
    )
    if not trained.ok:
        return True
    if not before:
        run.note("fit trains", "nothing: no trainable weights")
        return False
    after = [run.array(w) for w in model.trainable_weights]
    changed = any(not run.same(b, a) for b, a in zip(before, after))
    run.note("fit changed the weights", changed)
    return not changed


def roundtrip(run: Run, layer: Any, keys: Sequence[str] = ()) -> bool:
    """What ``load_model`` does with a layer: ``cls.from_config(layer.get_config())``.
    Harm: it raises, or the reloaded layer's config (or ``keys`` attributes) differs."""
    config = run.attempt("get_config()", layer.get_config, quiet=True)
    if not config.ok:
        run.note("get_config()", config.text)
        return True
    again = run.attempt("from_config(get_config())", lambda: type(layer).from_config(config.value))
    if not again.ok:
        return True
    reloaded = again.value
    lost = {
        key: (value, reloaded.get_config().get(key))
        for key, value in config.value.items()
        if key not in KERAS_KEYWORDS and _plain(value) != _plain(reloaded.get_config().get(key))
    }
    for key in (*KERAS_KEYWORDS, *keys):
        saved, back = keras_attribute(layer, key), keras_attribute(reloaded, key)
        if saved != back:
            lost[key] = (saved, back)
    run.note("lost on reload (saved, reloaded)", lost or "nothing")
    return bool(lost)


KERAS_KEYWORDS = ("name", "trainable", "dtype")


def keras_attribute(layer: Any, key: str) -> Any:
    """``name``, ``trainable``, the dtype policy's name, or another attribute."""
    if key == "dtype":
        policy = getattr(layer, "dtype_policy", None)
        return str(getattr(policy, "name", None) or layer.dtype)
    return getattr(layer, key)


def _plain(value: Any) -> Any:
    """Configs hold dtype policies as dicts in Keras 3; compare what they name."""
    if isinstance(value, dict) and "config" in value and "name" in value.get("config", {}):
        return value["config"]["name"]
    return value


def save_load(run: Run, model: Any, x: Any, *extra: Any) -> bool:
    """Save a model as ``.keras`` and load it (``extra``: classes of the lane's own
    that it holds). Harm: either raises, or the reloaded model computes something else."""
    keras = run.keras
    custom = {k: v for k, v in run.namespace.items() if isinstance(v, type)}
    custom.update({cls.__name__: cls for cls in (run.cls, *extra)})
    expected = model(x)
    with run.tmp() as folder:
        path = str(Path(folder, "model.keras"))
        saved = run.attempt("model.save", lambda: model.save(path))
        if not saved.ok:
            return True
        loaded = run.attempt(
            "load_model", lambda: keras.models.load_model(path, custom_objects=custom)
        )
    if not loaded.ok:
        return True
    same = run.same(loaded.value(x), expected)
    run.note("reloaded model computes the same", same)
    return not same


def healthy(
    shape: Sequence[int] = (2, 4),
    args: Sequence[Any] = (),
    kwargs: Optional[Mapping[str, Any]] = None,
    train: bool = True,
    config: bool = True,
) -> Probe:
    """The probe of code that should just work: stable calls, a functional model
    that holds the layer and trains it, and a config round trip."""

    def probe(run: Run) -> bool:
        harm, layer = calls(run, shape, args, kwargs)
        if harm or layer is None:
            return harm
        bad, model = functional(run, lambda: run.cls(*args, **(kwargs or {})), shape)
        harm |= bad
        # A call() of the lane's returns its input: the weights do not train.
        if model is not None and train and model.trainable_weights and not run.added_call:
            harm |= fit(run, model, shape)
        if config:
            harm |= roundtrip(run, layer)
        return harm

    return probe

"""The two Keras flavours the runtime lane runs the examples under, and how an
example's imports are bound to the flavour.

``keras3`` is Keras 3 on the jax backend (CPU); ``tf_keras`` is tf-keras 2 (the
Keras 2 that ``tf.keras`` was up to TensorFlow 2.15). The examples are written
against one import style or another (``import keras``, ``import tensorflow as tf``
with ``tf.keras.layers.Layer``, ``from tensorflow.keras import layers``, ``import
tf_keras``); the lane runs the *same class* under each flavour, so each of those
names is bound to the flavour's Keras; so are the Keras 2.0-2.2 modules examples
import from (``from keras.engine.topology import Layer``): their classes are bound to
where those classes live now (``Layer``, ``Model`` for ``Network``), which is what that
code means once it runs on a current Keras. The few non-Keras calls the examples make
(``tf.matmul``, ``tf.Variable``, ``keras.ops.sum``...) get a stand-in with the same
meaning; anything else raises an ``AttributeError`` that names the gap, never a
silent substitute.

Nothing here imports Keras at import time: a flavour is loaded on first use, and
``Unavailable`` says why it cannot be (the tests skip with that reason).
"""

from __future__ import annotations

import builtins
import functools
import importlib
import importlib.util
import os
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

FLAVOURS: Tuple[str, ...] = ("keras3", "tf_keras")
LABELS = {"keras3": "Keras 3", "tf_keras": "tf-keras 2"}

INSTALL_HINT = {
    "keras3": "pip install -e '.[runtime]' (Python 3.11+)",
    "tf_keras": "pip install -e '.[runtime-tf]' in an environment of its own (README: Runtime lane)",
}


class Unavailable(Exception):
    """This flavour of Keras cannot be loaded here; the text says why."""


class _StandIn(types.ModuleType):
    """A module as an example sees it: ``names`` first, then ``fallback``'s
    attributes, else an ``AttributeError`` naming what the lane does not provide."""

    def __init__(self, name: str, names: Mapping[str, Any], fallback: Any = None) -> None:
        super().__init__(name)
        self.__dict__.update(names)
        self._fallback = fallback

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") or self._fallback is None:
            raise AttributeError(
                f"{self.__name__!r} has no attribute {attr!r} in the runtime lane's "
                "stand-in (add it in tests/runtime/flavours.py)"
            )
        return getattr(self._fallback, attr)


@dataclass
class Flavour:
    name: str
    keras: Any  # the real Keras module of this flavour
    modules: Dict[str, Any]  # what ``import <name>`` gives an example
    versions: Dict[str, str]
    to_numpy: Callable[[Any], Any]
    _builtins: Optional[Dict[str, Any]] = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return LABELS[self.name]

    @property
    def description(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.versions.items())

    def namespace(self, filename: str) -> Dict[str, Any]:
        """Globals for running an example: its imports resolve to this flavour."""
        if self._builtins is None:
            table = dict(vars(builtins))
            table["__import__"] = functools.partial(_import, self.modules)
            self._builtins = table
        return {"__builtins__": self._builtins, "__name__": filename}

    def run(self, source: str, filename: str) -> Dict[str, Any]:
        """Execute an example's source; return its namespace."""
        namespace = self.namespace(filename)
        exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - the examples are the project's
        return namespace

    def reset(self) -> None:
        """Forget layers made so far, so that generated names (``scale``, not
        ``scale_7``) and hence the recorded messages do not depend on test order;
        seed the initializers, so that whether a fit moves the weights (a ReLU may
        start dead) does not depend on luck."""
        self.keras.backend.clear_session()
        self.keras.utils.set_random_seed(20)


def _import(
    modules: Mapping[str, Any],
    name: str,
    globals: Optional[Mapping[str, Any]] = None,
    locals: Optional[Mapping[str, Any]] = None,
    fromlist: Tuple[str, ...] = (),
    level: int = 0,
) -> Any:
    top, _, rest = name.partition(".")
    if level or top not in modules:
        return builtins.__import__(name, globals, locals, fromlist, level)
    if fromlist and name in modules:  # a module of old Keras (``keras.engine.topology``)
        return modules[name]
    module = modules[top]
    if not fromlist:
        return module  # ``import tensorflow.keras`` binds ``tensorflow``
    for part in rest.split(".") if rest else ():
        module = getattr(module, part)
    return module


def _old_modules(keras: Any) -> Dict[str, Any]:
    """Keras 2.0-2.2 modules the examples import from, with today's classes."""
    layers = {"Layer": keras.layers.Layer, "InputLayer": keras.layers.InputLayer}
    models = {"Network": keras.Model, "Container": keras.Model}
    return {
        "keras.engine": _StandIn("keras.engine", {**layers, "Model": keras.Model}),
        "keras.engine.topology": _StandIn("keras.engine.topology", {**layers, **models}),
        "keras.engine.base_layer": _StandIn("keras.engine.base_layer", layers),
    }


_LOADED: Dict[str, Flavour] = {}
_FAILED: Dict[str, str] = {}


def load(name: str) -> Flavour:
    """The flavour, loaded once per process; ``Unavailable`` when it cannot be."""
    if name in _LOADED:
        return _LOADED[name]
    if name in _FAILED:
        raise Unavailable(_FAILED[name])
    try:
        flavour = _LOADERS[name]()
    except Unavailable as error:
        _FAILED[name] = str(error)
        raise
    _LOADED[name] = flavour
    return flavour


def _keras3() -> Flavour:
    # The lane's Keras 3 is the jax backend: ~/.keras/keras.json may name another,
    # and the backend is fixed when keras is first imported.
    backend = os.environ.setdefault("KERAS_BACKEND", "jax")
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    if backend != "jax":
        raise Unavailable(f"KERAS_BACKEND={backend}: the lane's Keras 3 flavour runs on jax")
    for module in ("keras", "jax"):
        if importlib.util.find_spec(module) is None:
            raise Unavailable(f"{module} is not installed; {INSTALL_HINT['keras3']}")
    keras = importlib.import_module("keras")
    if not keras.__version__.startswith("3."):
        raise Unavailable(f"keras {keras.__version__} is not Keras 3")
    if keras.backend.backend() != "jax":
        raise Unavailable(f"keras was imported with the {keras.backend.backend()} backend first")
    jax = importlib.import_module("jax")
    ops = keras.ops

    def identity(function: Any = None, **_: Any) -> Any:
        # tf.function only traces; the example's meaning is its body.
        return function if function is not None else identity

    def seeded_normal(shape: Any, seed: Any = 0, **kwargs: Any) -> Any:
        # jax draws no unseeded random numbers in a traced (fit) step; the examples'
        # tf.random.normal does not care which numbers it gets.
        return keras.random.normal(shape, seed=seed, **kwargs)

    tensorflow = _StandIn(
        "tensorflow",
        {
            "keras": keras,
            "matmul": ops.matmul,
            "ones": ops.ones,
            "zeros": ops.zeros,
            "Variable": keras.Variable,
            "function": identity,
            "shape": ops.shape,
            "cond": ops.cond,
            "random": _StandIn("tensorflow.random", {"normal": seeded_normal}),
        },
    )
    return Flavour(
        name="keras3",
        keras=keras,
        modules={"keras": keras, "tensorflow": tensorflow, "tf_keras": keras, **_old_modules(keras)},
        versions={"keras": keras.__version__, "jax": jax.__version__},
        to_numpy=ops.convert_to_numpy,
    )


def _tf_keras() -> Flavour:
    # tf_keras reads this when imported; it also makes tf.keras mean tf_keras.
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    for module in ("tensorflow", "tf_keras"):
        if importlib.util.find_spec(module) is None:
            raise Unavailable(f"{module} is not installed; {INSTALL_HINT['tf_keras']}")
    tf = importlib.import_module("tensorflow")
    tf_keras = importlib.import_module("tf_keras")
    tf.get_logger().setLevel("ERROR")
    # Keras 3 names the examples use, with their TensorFlow meaning.
    ops = _StandIn(
        "keras.ops",
        {
            "matmul": tf.matmul,
            "sum": tf.reduce_sum,
            "ones": tf.ones,
            "ones_like": tf.ones_like,
            "relu": tf.nn.relu,
            "softmax": tf.nn.softmax,
            "sqrt": tf.sqrt,
            "concatenate": lambda xs, axis=-1: tf.concat(xs, axis=axis),
            "shape": tf.shape,
            "convert_to_numpy": lambda x: x.numpy(),
        },
    )
    random = _StandIn("keras.random", {"normal": tf.random.normal})
    keras = _StandIn(
        "keras", {"ops": ops, "random": random, "Variable": tf.Variable}, fallback=tf_keras
    )
    tensorflow = _StandIn("tensorflow", {"keras": keras}, fallback=tf)
    return Flavour(
        name="tf_keras",
        keras=tf_keras,
        modules={"keras": keras, "tensorflow": tensorflow, "tf_keras": keras, **_old_modules(keras)},
        versions={"tf_keras": tf_keras.__version__, "tensorflow": tf.__version__},
        to_numpy=lambda x: x.numpy() if hasattr(x, "numpy") else x,
    )


_LOADERS: Dict[str, Callable[[], Flavour]] = {"keras3": _keras3, "tf_keras": _tf_keras}

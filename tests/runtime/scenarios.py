"""One scenario per example: how to exercise it, and the harm to expect per flavour.

Scenarios are keyed by rule code and the example's class (see
``flake8_keras_build.evidence.example_refs``), so examples can be added or moved
without touching the others. An invalid example's probe also runs on its fixed code.
The texts in ``quote`` are the phrases of the rule's doc that Keras must really say.
"""

from __future__ import annotations

import types
from typing import Any, Dict, List, Sequence, Tuple

from tests.runtime.harness import (
    BOTH,
    K3_ONLY,
    TFK_ONLY,
    Probe,
    Run,
    calls,
    fit,
    functional,
    healthy,
    invalid,
    keras_attribute,
    not_run,
    roundtrip,
    save_load,
    valid,
)

LOCKED = "You cannot add new elements of state (variables or sub-layers) to a layer that is already built"
SINGLETON = "tf.function only supports singleton tf.Variables created on the first call"
PLAIN_CLASS = "a plain class, not a Keras layer: there is nothing of Keras to run"


def module_runs(run: Run) -> bool:
    """A module-level example: harm if running it raises."""
    return not run.attempt("run the module", run.execute).ok


# --- KLB101: __call__ overridden ----------------------------------------------------


def dunder_call(run: Run) -> bool:
    """Eager calls, then on ``keras.Input``: harm if a call fails or re-creates the
    weights, or the functional model lacks the layer; such a model is trained and
    saved to show what happens to its weights."""
    harm, _ = calls(run)
    absent, model = functional(run, run.cls)
    if model is None:
        return harm or absent
    run.note("model weights", len(model.weights))
    if model.trainable_weights or absent:
        harm |= fit(run, model)
    return harm | absent | save_load(run, model, run.x(2, 4))


invalid("KLB101", "Scale", dunder_call)
invalid("KLB101", "Block", dunder_call)
invalid(
    "KLB101",
    "MyDenseLayer",
    dunder_call,
    quote={"keras3": "Cannot serialize object", "tf_keras": "Unable to serialize VariableSpec"},
)
invalid("KLB101", "Twice", dunder_call)
valid("KLB101", "Logged", healthy())
valid("KLB101", "Wrapped", healthy())


def initializer(run: Run) -> bool:
    """The initializer gives a Dense its kernel: harm if not all ones."""
    import numpy as np

    dense = run.keras.layers.Dense(3, kernel_initializer=run.cls())
    made = run.attempt("Dense(kernel_initializer=MyInit()) on an input", lambda: dense(run.x(2, 4)))
    if not made.ok:
        return True
    ones = bool(np.all(run.array(dense.kernel) == 1))
    run.note("kernel is all ones", ones)
    return not ones


valid("KLB101", "MyInit", initializer)
not_run("KLB101", "valid:MyDenseLayer", PLAIN_CLASS)


# --- KLB102 / KLB103: state created in call() ---------------------------------------


def state_in_call(shape: Sequence[int] = (2, 4), args: Sequence[Any] = ()) -> Probe:
    """Eager calls (harm: a call raises, outputs or weights change), then a
    functional model trained with fit (harm: fit raises or trains nothing)."""

    def probe(run: Run) -> bool:
        harm, _ = calls(run, shape, args)
        absent, model = functional(run, lambda: run.cls(*args), shape)
        if model is not None:
            if model.trainable_weights:
                run.note("trainable weights of the model", len(model.trainable_weights))
            harm |= fit(run, model, shape)
        return harm or absent

    return probe


invalid("KLB102", "Scale", state_in_call(), quote={"keras3": LOCKED, "tf_keras": SINGLETON})
LIFTED = "could not be lifted out of a tf.function"
invalid("KLB102", "Lazy", state_in_call(), quote={"keras3": LOCKED, "tf_keras": LIFTED})
invalid("KLB102", "Lazy#2", state_in_call(), quote={"keras3": LOCKED, "tf_keras": LIFTED})
invalid("KLB102", "Projected", state_in_call(), quote={"keras3": LOCKED})
invalid("KLB102", "Gate", state_in_call(args=(3,)), quote={"keras3": LOCKED, "tf_keras": SINGLETON})
invalid("KLB102", "Scale#2", state_in_call(), quote={"keras3": LOCKED})
valid("KLB102", "Total", healthy())
valid("KLB102", "Scale", healthy())
# Valid with --keras-version=2 only: Keras 3 locks the layer before call() runs.
valid("KLB102", "Lazy", healthy(), harm=K3_ONLY)

invalid("KLB103", "Head", state_in_call(), quote={"tf_keras": SINGLETON})
invalid("KLB103", "Block", state_in_call((2, 4, 4, 3)), quote={"keras3": LOCKED})
invalid("KLB103", "Head#2", state_in_call(args=(3,)), quote={"keras3": LOCKED})
invalid("KLB103", "Net", state_in_call(), quote={"tf_keras": SINGLETON})
valid("KLB103", "Head", healthy())
valid("KLB103", "Counted", healthy())


def make_block(run: Run) -> bool:
    made = run.attempt("make_block()", lambda: run.namespace["make_block"]()(run.x(2, 4)))
    return not made.ok


valid("KLB103", "<module>", make_block)


# --- KLB104: build() by hand in call() ----------------------------------------------

invalid("KLB104", "MyDenseLayer", state_in_call(), quote={"keras3": LOCKED})
invalid("KLB104", "Parent", state_in_call(), quote={"keras3": LOCKED})
invalid("KLB104", "Scaled", state_in_call(args=(3,)), quote={"keras3": LOCKED})
invalid("KLB104", "Scale", state_in_call(), quote={"keras3": LOCKED})
valid("KLB104", "Parent", healthy())
valid("KLB104", "Lazy", healthy())


def restores(run: Run) -> bool:
    layer = run.cls()
    done = run.attempt(
        "build_from_config({'input_shape': (None, 4)})",
        lambda: layer.build_from_config({"input_shape": (None, 4)}),
    )
    run.note("built", layer.built)
    return not (done.ok and layer.built)


valid("KLB104", "Restorable", restores)


def sequential_build(run: Run) -> bool:
    if not run.attempt("run the module", run.execute).ok:
        return True
    model = run.namespace["model"]
    run.note("model built, count_params()", f"{model.built}, {model.count_params()}")
    return not model.built or model.count_params() != 15


valid("KLB104", "<module>", sequential_build)


# --- KLB105: build() never marks the layer built ------------------------------------


def manual_build(shape: Sequence[int] = (2, 4), args: Sequence[Any] = ()) -> Probe:
    """What a parent's ``child.build(shape)`` or ``load_model`` does: build by hand,
    set the weights, then call. Harm: the call re-builds and the weights set are
    lost (or a step raises)."""

    def probe(run: Run) -> bool:
        import numpy as np

        layer = run.cls(*args)
        if not run.attempt("build((None, ...)) by hand", lambda: layer.build((None, *shape[1:]))).ok:
            return True
        run.note("built after build()", layer.built)
        run.attempt("count_params()", layer.count_params)
        values = [np.full(w.shape, 0.5, dtype="float32") for w in layer.weights]
        run.attempt("set_weights(all 0.5)", lambda: layer.set_weights(values), quiet=True)
        before = [id(w) for w in layer.weights]
        called = run.attempt("call", lambda: layer(run.x(*shape)))
        if not called.ok:
            return True
        kept = before == [id(w) for w in layer.weights] and all(
            np.allclose(run.array(w), 0.5) for w in layer.weights
        )
        run.note(f"the {len(before)} weights set survive the first call", kept)
        return not kept

    return probe


invalid(
    "KLB105",
    "Scale",
    manual_build(),
    harm=TFK_ONLY,
    quote={"tf_keras": ("You tried to call count_params on layer", "but the layer isn't built")},
)
invalid("KLB105", "Parent", manual_build(), harm=TFK_ONLY)
invalid("KLB105", "Masked", manual_build(), harm=TFK_ONLY)
# A subclass of Dense: Dense.build() never runs, so Dense.call has no kernel (both).
invalid("KLB105", "WideDense", manual_build(args=(3,)))
invalid("KLB105", "WideDense#2", manual_build(args=(3,)), quote={"keras3": "None is not a valid value for jnp.array"})
valid("KLB105", "Scale", manual_build())
valid("KLB105", "Checked", manual_build())
not_run("KLB105", "valid:Abstract", "an abstract build(): raising NotImplementedError is its purpose")
valid("KLB105", "Scale#2", manual_build(), harm=TFK_ONLY)


# --- KLB106: build() signature ------------------------------------------------------


def two_inputs(run: Run) -> bool:
    harm, _ = calls(run, inputs=((2, 4), (2, 4)))
    return harm


invalid(
    "KLB106",
    "Bias",
    healthy(train=False),
    harm=TFK_ONLY,
    quote={"tf_keras": "build() takes 1 positional argument but 2 were given"},
)
MISSING_SHAPE = "build() missing 1 required positional argument"
invalid(
    "KLB106",
    "Pair",
    two_inputs,
    quote={
        "keras3": "all arguments should have a _shape suffix and match an argument from call()",
        "tf_keras": MISSING_SHAPE,
    },
)
invalid("KLB106", "Pair#2", two_inputs, harm=TFK_ONLY, quote={"tf_keras": MISSING_SHAPE})
valid("KLB106", "Scale", healthy())
# Valid with --keras-version=3 only: tf-keras passes one shape.
valid("KLB106", "Pair", two_inputs, harm=TFK_ONLY)
valid("KLB106", "Bias", healthy(train=False), harm=TFK_ONLY)
not_run("KLB106", "valid:Builder", PLAIN_CLASS)


# --- KLB107: children not built in build() ------------------------------------------


def children_built(shape: Sequence[int] = (2, 4)) -> Probe:
    """Build by hand and load the weights of a called twin (``set_weights``), then
    save and reload a subclassed model whose ``build()`` builds the layer (loading
    builds it that way, without a call). Harm: either step fails."""

    def probe(run: Run) -> bool:
        keras = run.keras
        cls = run.cls
        twin = cls()
        twin(run.x(*shape))
        layer = cls()
        layer.build((None, *shape[1:]))
        run.note("weights after build() / after a call", f"{len(layer.weights)} / {len(twin.weights)}")
        weights = twin.get_weights()
        harm = not run.attempt("set_weights(twin's weights)", lambda: layer.set_weights(weights)).ok

        class Holder(keras.Model):  # type: ignore[misc, name-defined]
            def __init__(self, **kwargs: Any) -> None:
                super().__init__(**kwargs)
                self.inner = cls()

            def build(self, input_shape: Any) -> None:
                self.inner.build(input_shape)
                super().build(input_shape)

            def call(self, inputs: Any) -> Any:
                return self.inner(inputs)

        holder = Holder()
        holder(run.x(*shape))
        return save_load(run, holder, run.x(*shape), Holder) or harm

    return probe


invalid(
    "KLB107",
    "Block",
    children_built(),
    quote={
        "keras3": ("but the layer was expecting 1 weights", "variables, but received 0 variables during loading"),
        "tf_keras": "but the layer was expecting 1 weights",
    },
)
valid("KLB107", "Block", children_built())
valid("KLB107", "Block#2", children_built((2, 8)))
valid("KLB107", "Block#3", children_built())
valid("KLB107", "Block#4", children_built())


# --- KLB108: super().build() without the shape ---------------------------------------

NO_SHAPE = "missing 1 required positional argument: 'input_shape'"
invalid("KLB108", "Scale", healthy(), quote={"keras3": NO_SHAPE, "tf_keras": NO_SHAPE})
invalid("KLB108", "Attention", healthy(), quote={"keras3": NO_SHAPE, "tf_keras": NO_SHAPE})
invalid("KLB108", "Shift", healthy(), quote={"keras3": NO_SHAPE, "tf_keras": NO_SHAPE})
invalid("KLB108", "WideDense", healthy(args=(3,)))
invalid("KLB108", "Scale#2", healthy())
valid("KLB108", "Scale", healthy())


def wrapping_dense(run: Run) -> bool:
    """A wrapper of a ``Dense(3)``: the lane passes the wrapped layer."""
    return healthy(args=(run.keras.layers.Dense(3),))(run)


valid("KLB108", "Normalized", wrapping_dense)
valid("KLB108", "Scale#2", healthy())


# --- KLB109: weights assigned to the read-only weight lists ---------------------------

NO_SETTER = {
    "keras3": "object has no setter",
    "tf_keras": "likely because it conflicts with an existing read-only @property of the object",
}


def tracked(run: Run) -> bool:
    """The healthy probe, then a functional model holding the layer saved and
    loaded: harm if its weights do not come back (not tracked, not saved)."""
    if healthy()(run):
        return True
    keras = run.keras
    inputs = keras.Input((4,))
    return save_load(run, keras.Model(inputs, run.cls()(inputs)), run.x(2, 4))


invalid("KLB109", "Attention", tracked, quote=NO_SETTER)
invalid("KLB109", "Affine", tracked, quote=NO_SETTER)
invalid("KLB109", "Scale", tracked, quote=NO_SETTER)
invalid("KLB109", "Gated", healthy(), quote=NO_SETTER)
invalid("KLB109", "Normalize", healthy(), quote=NO_SETTER)
invalid("KLB109", "Head", healthy(), quote=NO_SETTER)
valid("KLB109", "Attention", tracked)
valid("KLB109", "Scale", healthy())
valid("KLB109", "Extended", healthy())
not_run("KLB109", "valid:Mixed", "imports a base from a package that does not exist (mylib)")


# --- KLB110: a model's state created after super().build() ----------------------------

invalid(
    "KLB110",
    "Net",
    healthy(),
    harm=TFK_ONLY,
    quote={"tf_keras": "object has no attribute 'w'"},
)
invalid("KLB110", "Classifier", healthy(), harm=TFK_ONLY)
valid("KLB110", "Scale", healthy())
valid("KLB110", "Net", healthy())
valid("KLB110", "Net#2", healthy(), harm=TFK_ONLY)


# --- KLB201 / KLB202: super().__init__() --------------------------------------------

invalid(
    "KLB201",
    "MyDenseLayer",
    healthy(args=(3,)),
    quote={
        "keras3": "you forgot to call super().__init__() as the first statement in the __init__() method. Go add it!",
        "tf_keras": "You must call super().__init__() in the layer constructor.",
    },
)
FORGOT_SUPER = {
    "keras3": "you forgot to call super().__init__() as the first statement in the __init__() method. Go add it!",
    "tf_keras": "You must call super().__init__() in the layer constructor.",
}
invalid("KLB201", "Gate", healthy(args=(3,)), quote=FORGOT_SUPER)
invalid("KLB201", "Gate#2", healthy(args=(3,)), quote=FORGOT_SUPER)
invalid("KLB201", "WideDense", healthy(args=(3,)), quote=FORGOT_SUPER)
invalid("KLB201", "Named", healthy(args=(3,)), quote=FORGOT_SUPER)
valid("KLB201", "Scale", healthy(args=(2.0,)))
valid("KLB201", "Identity", healthy())
invalid("KLB201", "Attention", healthy(args=(3,)), quote=FORGOT_SUPER)
invalid(
    "KLB201",
    "Net",
    healthy(),
    quote={
        "keras3": "object has no attribute '_convert_input_args'",
        "tf_keras": "It looks like you are subclassing Model and you forgot to call super().__init__(). Always start with this line.",
    },
)
invalid("KLB201", "Scaled", healthy(args=(3,)), quote=FORGOT_SUPER)
valid("KLB201", "Scale#2", healthy(args=(2.0,)))
valid("KLB201", "Layer", healthy())
valid("KLB201", "Tripling", healthy())


def keras_attributes(run: Run) -> bool:
    """Construct; harm: it raises, or a Keras attribute set in ``__init__`` is reset."""
    made = run.attempt("construct", run.cls)
    if not made.ok:
        return True
    masking = made.value.supports_masking
    run.note("supports_masking", masking)
    return "supports_masking" in run.source and not masking


def with_backbone(run: Run) -> bool:
    made = run.attempt("Wrapper(backbone=keras.layers.Dense(2))", lambda: run.cls(run.keras.layers.Dense(2)))
    return not made.ok


MODEL_EARLY = "It looks like you are subclassing Model and you forgot to call super().__init__(). Always start with this line."
invalid("KLB202", "Masked", keras_attributes)
invalid("KLB202", "Net", keras_attributes, harm=TFK_ONLY, quote={"tf_keras": MODEL_EARLY})
invalid("KLB202", "Counter", keras_attributes, quote={"keras3": "you forgot to call super().__init__()"})
valid("KLB202", "Tokenizer", healthy(kwargs={"vocabulary": ["a", "b"]}))
invalid("KLB202", "Wrapper", with_backbone, harm=TFK_ONLY, quote={"tf_keras": MODEL_EARLY})
# Valid with --keras-version=3 only.
valid("KLB202", "Wrapper", with_backbone, harm=TFK_ONLY)
valid("KLB202", "Net", keras_attributes, harm=TFK_ONLY)


# --- KLB203 / KLB208: the keywords every layer takes ---------------------------------

KEYWORDS = {"name": "custom", "trainable": False, "dtype": "float16"}


def keywords(*args: Any) -> Probe:
    """Construct with ``name``/``trainable``/``dtype`` (harm: raises, or ignored), and
    round-trip the config of a plain instance (harm: raises or loses something)."""

    def probe(run: Run) -> bool:
        made = run.attempt(
            "construct with name='custom', trainable=False, dtype='float16'",
            lambda: run.cls(*args, **KEYWORDS),
        )
        harm = not made.ok
        if made.ok:
            layer = made.value
            seen = tuple(keras_attribute(layer, key) for key in KEYWORDS)
            run.note("name, trainable, dtype", seen)
            harm = seen != tuple(KEYWORDS.values())
        return roundtrip(run, run.cls(*args)) or harm

    return probe


invalid("KLB203", "Scale", keywords(2.0), quote={"keras3": "unexpected keyword argument", "tf_keras": "unexpected keyword argument"})
invalid("KLB203", "Scale#2", keywords(2.0))
invalid("KLB203", "Lookup", keywords(["a", "b"]))
invalid("KLB203", "Head", keywords(3))
invalid("KLB203", "Scale#3", keywords(2.0))
valid("KLB203", "Scale", keywords(2.0))


def named_reload(run: Run) -> bool:
    """A class that rebuilds itself in from_config took the keywords it chose: named,
    then round-tripped. Harm: either raises, or the name is lost."""
    made = run.attempt("construct with name='custom'", lambda: run.cls(2.0, name="custom"))
    if not made.ok:
        return True
    return roundtrip(run, made.value)


valid("KLB203", "Scale#2", named_reload)
invalid("KLB208", "Scale", keywords(2.0))
invalid("KLB208", "Block", keywords(3))
invalid("KLB208", "Scale#2", keywords(2.0))
valid("KLB208", "Scale", keywords(2.0))


# --- KLB204-KLB207: get_config ------------------------------------------------------


def reloads(*args: Any, keys: Sequence[str] = (), **kwargs: Any) -> Probe:
    """``from_config(get_config())`` of an instance made with these arguments: harm
    if it raises, or the reloaded layer differs in its config or in ``keys``."""

    def probe(run: Run) -> bool:
        made = run.attempt("construct", lambda: run.cls(*args, **kwargs), quiet=True)
        if not made.ok:
            run.note("construct", made.text)
            return True
        return roundtrip(run, made.value, keys)

    return probe


def _dense(run: Run) -> Any:
    return run.keras.layers.Dense(2)


def object_argument(run: Run) -> bool:
    return reloads(gate=_dense(run))(run)


NON_SERIALIZABLE = "was created by passing non-serializable argument values in __init__()"
invalid("KLB204", "ScaledDense", reloads(3, scale=5.0, keys=("scale",)))
invalid(
    "KLB204",
    "Gated",
    object_argument,
    quote={
        "keras3": (NON_SERIALIZABLE, "and therefore the object must override get_config() in order to be serializable"),
        "tf_keras": NON_SERIALIZABLE,
    },
)
valid("KLB204", "Scale", reloads(factor=5.0, keys=("factor",)))
not_run("KLB204", "valid:ScaledDense", "imports a decorator from a package that does not exist (mypkg)")
invalid("KLB204", "Renamed", reloads(size=3))


def object_initializer(run: Run) -> bool:
    return reloads(initializer=run.keras.initializers.Zeros())(run)


invalid("KLB204", "Scaled", object_initializer, quote={"keras3": NON_SERIALIZABLE, "tf_keras": NON_SERIALIZABLE})
valid("KLB204", "Sized", reloads(3, keys=("units",)))
valid("KLB204", "Renamed", reloads(size=3))
valid("KLB204", "Patches", reloads(patch_size=4, keys=("patch_size",)))

LOST: Dict[str, Any] = {"name": "custom", "trainable": False, "dtype": "float16"}
invalid("KLB205", "Scale", reloads(2.0, **LOST))
invalid("KLB205", "Shift", reloads(2.0, **LOST))
invalid("KLB205", "Head", reloads(3, **LOST))
invalid("KLB205", "Scale#2", reloads(2.0))
invalid("KLB205", "Tagged", reloads("a", **LOST))
not_run("KLB205", "invalid:TinyBackbone", "needs keras_hub, which the lane does not install")
invalid("KLB205", "Scale#3", reloads(2.0, **LOST))
invalid("KLB205", "Net", reloads(3, **LOST))
invalid("KLB205", "Scale#4", reloads(2.0, **LOST))
# A functional model takes no dtype in tf-keras ("keyword arguments passed to Model
# aren't supported"): the lane names and freezes it.
valid("KLB205", "Net", reloads(3, name="custom", trainable=False))
valid("KLB205", "Scale", reloads(2.0, **LOST))

invalid("KLB206", "Encoder", reloads(3, sparse=True, keys=("sparse",)))
invalid(
    "KLB206",
    "Projection",
    reloads(3, activation="tanh", use_bias=False, keys=("activation", "use_bias")),
)
invalid("KLB206", "Noise", reloads(0.5, noise_shape=[1, 4], keys=("noise_shape",)))
invalid("KLB206", "Encoder#2", reloads(3, data_format="channels_first", keys=("_data_format",)))
invalid("KLB206", "Encoder#3", reloads(3, sparse=True, keys=("sparse",)))


def norm_layer(run: Run) -> bool:
    return reloads(4, norm_layer=run.keras.layers.BatchNormalization, keys=("norm_layer",))(run)


invalid("KLB206", "Block", norm_layer)
invalid("KLB206", "BaseConv", reloads(2, 8, keys=("rank",)))
invalid("KLB206", "Patches", reloads(patch_size=4, keys=("patch_size",)))
invalid("KLB206", "Renamed", reloads(size=3, scale=2.0, keys=("scale",)))
valid("KLB206", "Encoder", reloads(3, sparse=True, keys=("sparse",)))
valid("KLB206", "Encoder#2", reloads(3, sparse=True))

invalid(
    "KLB207",
    "Patches",
    reloads(4),
    quote={
        "keras3": "Unrecognized keyword arguments passed to",
        "tf_keras": "Keyword argument not understood:",
    },
)
valid("KLB207", "Decoder", reloads(3, cache_shape=[2, 2]))
valid("KLB207", "Patches", reloads(4))


# --- KLB301: add_weight() positional -------------------------------------------------

invalid(
    "KLB301",
    "MyDenseLayer",
    healthy(train=False),
    harm=K3_ONLY,
    quote={"keras3": "name must be passed as a keyword argument. Received: add_weight('kernel', ...). Use: add_weight(shape=..., name='kernel')."},
)


def metric(run: Run) -> bool:
    """Construct the metric (the lane adds the update_state/result the example
    omits, abstract in tf-keras) and read its weights."""
    concrete = type(
        run.cls.__name__,
        (run.cls,),
        {"update_state": lambda self, *a, **k: None, "result": lambda self: 0.0},
    )
    made = run.attempt("construct (update_state/result added)", concrete)
    if not made.ok:
        return True
    run.note("variables", [tuple(v.shape) for v in made.value.variables])
    return False


def with_spec(run: Run) -> bool:
    """``self.spec`` is not in the example; the lane makes it a shape, (4,)."""
    run.namespace[str(run.subject)].spec = (4,)
    run.note("self.spec", "(4,), set by the lane")
    return healthy(train=False)(run)


LEADING_NAME = "name must be passed as a keyword argument."
LEADING_SHAPE = 'can only concatenate tuple (not "str") to tuple'
METRIC_NAME = "Metric.add_weight() missing 1 required positional argument: 'name'"
invalid("KLB301", "Total", metric, harm=TFK_ONLY)
invalid("KLB301", "Count", metric, harm=TFK_ONLY, quote={"tf_keras": METRIC_NAME})
invalid("KLB301", "Affine", healthy(train=False), harm=K3_ONLY, quote={"keras3": LEADING_NAME})
invalid("KLB301", "Scale", healthy(train=False), harm=TFK_ONLY, quote={"tf_keras": LEADING_SHAPE})
invalid("KLB301", "Scale#2", with_spec, harm=TFK_ONLY)
invalid("KLB301", "Scale#3", healthy(train=False), harm=BOTH)
valid("KLB301", "Scale", healthy())
valid("KLB301", "Legacy", healthy(train=False), harm=K3_ONLY)
valid("KLB301", "Count", metric, harm=TFK_ONLY)


# --- KLB302: learning_phase() --------------------------------------------------------


def learning_phase(run: Run) -> bool:
    """Call eagerly and train in a functional model, noting every value
    ``learning_phase()`` returns. Harm: a step raises, or fit reads the phase as 0."""
    seen: List[Tuple[str, Any]] = []
    backend: Any = run.namespace.get("K")
    phase = getattr(backend, "learning_phase", None)
    stage = ["eager"]
    if phase is not None:

        def spy() -> Any:
            value = phase()
            seen.append((stage[0], value))
            return value

        spied = types.ModuleType(str(backend.__name__))
        spied.__dict__.update(vars(backend), learning_phase=spy)
        run.namespace["K"] = spied
    harm, _ = calls(run)
    stage[0] = "functional model"
    absent, model = functional(run, run.cls)
    if model is not None:
        stage[0] = "fit"
        harm |= fit(run, model)
    read = [(where, _number(value)) for where, value in seen]
    run.note("learning_phase() read (where, value)", read or "never")
    return harm or absent or ("fit", 0) in read


def _number(value: Any) -> Any:
    try:
        return int(value)
    except Exception:  # noqa: BLE001 - a symbolic value in a traced step
        return "symbolic"


def set_phase(run: Run) -> bool:
    """Run the module, then call a model with dropout as inference code does
    (``model(x)``, no ``training``). Harm: the module raises, or dropout runs."""
    try:
        if module_runs(run):
            return True
        keras = run.keras
        inputs = keras.Input((8,))
        model = keras.Model(inputs, keras.layers.Dropout(0.5)(inputs))
        x = run.x(4, 8)
        called = run.attempt("model(x), no training=", lambda: model(x))
        if not called.ok:
            return True
        kept = run.same(called.value, x)
        run.note("model(x) returns its input (no dropout at inference)", kept)
        return not kept
    finally:
        # A global: leave it as tf-keras starts (no phase set) for the next tests.
        run.flavour.reset()


NO_PHASE = "module 'keras.backend' has no attribute 'learning_phase'"
# The fallback: harm in Keras 3 only (tf-keras fills training first: fit passes True,
# so the fallback is never read there).
invalid("KLB302", "Noisy", learning_phase, harm=K3_ONLY, quote={"keras3": NO_PHASE})
invalid("KLB302", "<module>", set_phase)
invalid("KLB302", "Noisy#2", learning_phase, quote={"keras3": NO_PHASE})
invalid("KLB302", "Noisy#3", learning_phase, quote={"keras3": NO_PHASE})
invalid("KLB302", "Noisy#4", learning_phase, quote={"keras3": NO_PHASE})
valid("KLB302", "<module>", module_runs)
# Valid with --keras-version=2 only.
valid("KLB302", "Noisy", learning_phase, harm=K3_ONLY)


# --- KLB303: training without a default ---------------------------------------------

invalid("KLB303", "Noisy", healthy(), harm=K3_ONLY, quote={"keras3": "missing a required argument: 'training'"})
invalid("KLB303", "Noisy#2", healthy(), harm=K3_ONLY, quote={"keras3": "missing a required argument: 'training'"})


def masked(run: Run) -> bool:
    """A layer whose ``call`` requires a mask, used as such a layer is: called with a
    mask, and after a ``Masking`` layer in a functional model (called without one,
    it would fail in both versions for want of the mask, not of ``training``)."""
    import numpy as np

    keras = run.keras
    layer = run.cls()
    x = run.x(2, 3, 4)
    mask = np.ones((2, 3), dtype=bool)
    if not run.attempt("call with mask=", lambda: layer(x, mask=mask)).ok:
        return True
    inputs = keras.Input((3, 4))
    built = run.attempt(
        "functional model after Masking",
        lambda: keras.Model(inputs, run.cls()(keras.layers.Masking()(inputs))),
    )
    return not built.ok


invalid("KLB303", "Masked", masked, harm=K3_ONLY, quote={"keras3": "missing a required argument: 'training'"})
valid("KLB303", "Noisy", healthy())
valid("KLB303", "Noisy#2", healthy(), harm=K3_ONLY)


# --- KLB304: Python state in call() --------------------------------------------------


def counts_steps(attr: str = "calls", count: Any = float) -> Probe:
    """Train 8 steps; harm if ``layer.<attr>`` (through ``count``) did not count 8."""

    def probe(run: Run) -> bool:
        keras = run.keras
        layer = run.cls()
        inputs = keras.Input((4,))
        model = keras.Model(inputs, layer(inputs))
        before = count(_value(run, getattr(layer, attr)))
        if fit(run, model, (1, 4), steps=8):
            return True
        counted = count(_value(run, getattr(layer, attr))) - before
        run.note(f"self.{attr} counted by 8 fit steps", int(counted))
        return counted != 8

    return probe


def _value(run: Run, value: Any) -> Any:
    return value if isinstance(value, (int, float, list)) else run.array(value)


def kept_tensor(attr: str) -> Probe:
    """Predict with a functional model, then read ``layer.<attr>`` as user code does.
    Harm: it cannot be read (a symbolic tensor of the trace)."""

    def probe(run: Run) -> bool:
        keras = run.keras
        layer = run.cls()
        inputs = keras.Input((4,))
        model = keras.Model(inputs, layer(inputs))
        if not run.attempt("predict", lambda: model.predict(run.x(2, 4), verbose=0)).ok:
            return True
        read = run.attempt(f"read self.{attr} after predict", lambda: run.array(getattr(layer, attr)))
        return not read.ok

    return probe


invalid("KLB304", "Counted", counts_steps())
invalid("KLB304", "Warmup", counts_steps("steps"))
invalid("KLB304", "Attention", kept_tensor("last_scores"))
invalid("KLB304", "Recorder", counts_steps("history", len))
valid("KLB304", "Flagged", healthy())
valid("KLB304", "Stack", healthy())
valid("KLB304", "Scaled", healthy())

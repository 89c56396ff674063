"""Facts about the Keras API, as data: which dotted names are layers, variables, metrics.

Every predicate here takes a *resolved* dotted name (``tensorflow.keras.layers.Dense``),
never source text; resolution through imports and aliases is done by ``names``.
"""

from __future__ import annotations

from typing import Optional

# A name component that starts a Keras API path. ``tensorflow.keras``,
# ``tensorflow.python.keras`` and re-exports such as ``mypkg.compat.keras`` all
# contain one.
KERAS_ROOTS = frozenset({"keras", "tf_keras", "keras_core"})

# Ecosystem packages count only through their public ``layers``/``models`` paths:
# their ``src`` trees are ordinary project code.
ECOSYSTEM_PACKAGES = frozenset({"keras_hub", "keras_nlp", "keras_cv"})

# Wherever they live, these are not layer classes: ``Input`` is a function
# returning a tensor, ``InputSpec`` a shape specification.
NOT_LAYERS = frozenset({"Input", "InputSpec"})

# Modules of the Keras 2 ``engine`` package that define layer or model classes.
ENGINE_LAYER_MODULES = frozenset(
    {
        "base_layer",
        "base_layer_v1",
        "training",
        "training_v1",
        "sequential",
        "functional",
        "input_layer",
        "base_preprocessing_layer",
    }
)

# Public names a ``from keras.layers import *`` brings in that are commonly used as
# bases. Only consulted for bare names under a star import from a Keras module.
STAR_LAYER_NAMES = frozenset(
    {
        "Layer",
        "Model",
        "Sequential",
        "Dense",
        "EinsumDense",
        "Embedding",
        "Conv1D",
        "Conv2D",
        "Conv3D",
        "Conv1DTranspose",
        "Conv2DTranspose",
        "Conv3DTranspose",
        "DepthwiseConv2D",
        "SeparableConv2D",
        "LSTM",
        "GRU",
        "SimpleRNN",
        "RNN",
        "LSTMCell",
        "GRUCell",
        "SimpleRNNCell",
        "AbstractRNNCell",
        "Bidirectional",
        "Wrapper",
        "TimeDistributed",
        "BatchNormalization",
        "LayerNormalization",
        "GroupNormalization",
        "MultiHeadAttention",
        "Attention",
        "Dropout",
        "Lambda",
        "Activation",
        "Flatten",
        "Reshape",
    }
)

_METRIC_MODULES = frozenset({"metrics"})


def _is_camel(name: str) -> bool:
    return bool(name) and name[0].isupper()


def _is_module_part(name: str) -> bool:
    return bool(name) and not name[0].isupper()


def is_keras_module(dotted: str) -> bool:
    """A module path with a Keras root (``keras.layers``, ``tensorflow.keras``)."""
    return any(part in KERAS_ROOTS for part in dotted.split("."))


def _root_suffixes(dotted: str) -> list[list[str]]:
    """The components after each Keras root in ``dotted`` (one list per root)."""
    parts = dotted.split(".")
    return [parts[i + 1 :] for i, part in enumerate(parts) if part in KERAS_ROOTS]


def _is_layer_rest(rest: list[str]) -> bool:
    if not rest or rest[-1] in NOT_LAYERS:
        return False
    last = rest[-1]
    if len(rest) == 1:
        return last in {"Layer", "Model", "Sequential"}
    head = rest[0]
    middle = rest[1:-1]
    if not _is_camel(last) or not all(_is_module_part(p) for p in middle):
        return False
    if head == "layers":
        return True
    if head == "models":
        return last in MODEL_CLASSES or bool(middle)
    if head == "engine":
        return bool(middle) and middle[0] in ENGINE_LAYER_MODULES
    if head == "src" and len(rest) >= 3:
        return _is_layer_rest(rest[1:]) and rest[1] in {"layers", "models", "engine"}
    return False


def is_keras_layer_path(dotted: str) -> bool:
    """True for a resolved dotted name that is a Keras layer or model class."""
    if any(_is_layer_rest(rest) for rest in _root_suffixes(dotted)):
        return True
    parts = dotted.split(".")
    return (
        len(parts) >= 3
        and parts[0] in ECOSYSTEM_PACKAGES
        and parts[1] in {"layers", "models"}
        and _is_camel(parts[-1])
        and all(_is_module_part(p) for p in parts[2:-1])
    )


def is_keras_model_path(dotted: str) -> bool:
    """True for a layer path that names a model class (``Model``, ``Sequential``...)."""
    return is_keras_layer_path(dotted) and dotted.rsplit(".", 1)[-1] in MODEL_CLASSES


def is_keras_metric_path(dotted: str) -> bool:
    """True for ``<root>.metrics.<CamelCase>`` and ``<root>.src.metrics...<CamelCase>``."""
    for rest in _root_suffixes(dotted):
        if rest and rest[0] == "src":
            rest = rest[1:]
        if (
            len(rest) >= 2
            and rest[0] in _METRIC_MODULES
            and _is_camel(rest[-1])
            and all(_is_module_part(p) for p in rest[1:-1])
        ):
            return True
    return False


# Variable constructors. Keras paths are matched after the root, TensorFlow ones
# as whole names.
_KERAS_VARIABLE_RESTS = frozenset(
    {
        "Variable",
        "backend.Variable",
        "backend.variable",
        "src.backend.Variable",
        "src.backend.variable",
        "src.backend.common.variables.Variable",
    }
)
_TF_VARIABLES = frozenset(
    {
        "tensorflow.Variable",
        "tensorflow.compat.v1.Variable",
        "tensorflow.compat.v2.Variable",
        "tensorflow.compat.v1.get_variable",
        "tensorflow.get_variable",
    }
)


def is_variable_factory(dotted: str) -> bool:
    """True for a call that creates a variable outside ``add_weight``."""
    if dotted in _TF_VARIABLES:
        return True
    return any(".".join(rest) in _KERAS_VARIABLE_RESTS for rest in _root_suffixes(dotted))


def layer_kind(dotted: str) -> Optional[str]:
    """``"model"``, ``"layer"``, ``"metric"`` or None for a resolved base name."""
    if is_keras_metric_path(dotted):
        return "metric"
    if is_keras_model_path(dotted):
        return "model"
    if is_keras_layer_path(dotted):
        return "layer"
    return None


# The model classes: a class deriving from one is a model class.
MODEL_CLASSES = frozenset({"Model", "Sequential", "Functional"})

# --- the layer lifecycle ------------------------------------------------------

# The methods ``Layer.__call__`` runs, or that replace it: "in call" starts there.
CALL_METHODS = ("call", "__call__")
# Methods that are never "in call", whatever calls them: ``Layer.__call__`` has run
# ``build`` before ``call``, and the constructor and config restore run once.
NOT_IN_CALL = ("build", "__init__", "build_from_config")
# Methods that are not part of building, whatever ``build`` calls.
NOT_IN_BUILD = ("__init__", "call", "__call__", "build_from_config")
# The ``Layer`` methods that create a weight on the layer, and the last components
# of every call that may create a weight or a variable (a cheap first look).
WEIGHT_METHODS = frozenset({"add_weight", "add_variable"})
WEIGHT_CALL_NAMES = WEIGHT_METHODS | frozenset({"Variable", "variable", "get_variable"})
# The argument of ``call`` that Keras fills with the training phase.
TRAINING_ARGUMENT = "training"
# ``<root>.backend`` functions of the global learning phase (Keras 2 only).
LEARNING_PHASE_FUNCTIONS = ("learning_phase", "set_learning_phase")

# --- construction and serialization --------------------------------------------

# Keywords every layer's constructor takes and ``Layer.get_config`` saves, so that
# ``load_model`` passes them back (in the order messages name them).
LAYER_KEYWORDS = ("name", "dtype", "trainable")
# The root classes: ``__init__`` takes only optional keywords, ``get_config`` saves
# only LAYER_KEYWORDS (and what ``Layer`` accepts), ``build`` only marks the layer
# built (``Layer``; tf-keras' ``Model.build`` runs ``call`` on placeholders).
ROOT_LAYER = "Layer"
ROOT_MODEL = "Model"
ROOT_CLASSES = frozenset({ROOT_LAYER, ROOT_MODEL})
# ``Model.__init__`` builds a functional model from these (by keyword, or the first
# two positions).
FUNCTIONAL_KEYWORDS = frozenset({"inputs", "outputs"})

# ``add_weight``'s positional parameters in each version, up to where all releases
# agree. Keras 2 (tf.keras 2.x, tf_keras): Layer.add_weight(name, shape, dtype,
# initializer, regularizer, trainable, constraint, ...); TF 2.0-2.2 had
# ``partitioner`` next, later releases ``use_resource``. Metric.add_weight(name,
# shape, aggregation, synchronization, initializer, dtype). ``add_variable`` forwards
# to ``add_weight``, so it follows the same order. Keras 3: Layer.add_weight(shape,
# initializer, dtype) positionally (3.x releases disagree after those: ``trainable``,
# ``autocast`` or a TypeError), and so do Layer.add_variable, Metric.add_weight and
# Metric.add_variable.
ADD_WEIGHT_KERAS2_LAYER = (
    "name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint"
)
ADD_WEIGHT_KERAS2_METRIC = (
    "name", "shape", "aggregation", "synchronization", "initializer", "dtype"
)
ADD_WEIGHT_KERAS3 = ("shape", "initializer", "dtype")


# ``Layer`` methods that need an initialised layer (KLB202): calling them on ``self``
# before ``super().__init__()`` fails (Keras 3 ``RuntimeError``) unless the class
# defines a method of that name itself.
LAYER_METHODS = frozenset(
    {
        "add_weight",
        "add_variable",
        "add_loss",
        "add_metric",
        "add_update",
        "build",
        "set_weights",
        "get_weights",
        "get_config",
        "count_params",
        "compute_output_shape",
        "compute_output_spec",
        "compute_mask",
        "get_build_config",
        "build_from_config",
        "save_own_variables",
        "load_own_variables",
        "_track_variable",
        "_maybe_build",
    }
)

# Attributes ``Layer.__init__`` (re)sets: a value assigned before it is silently
# overwritten (``supports_masking`` -> False, ``trainable`` -> True).
OWNED_ATTRIBUTES = frozenset(
    {
        "supports_masking",
        "_supports_masking",
        "trainable",
        "_trainable",
        "name",
        "_name",
        "dtype",
        "_dtype",
        "dtype_policy",
        "_dtype_policy",
        "built",
        "input_spec",
        "_input_spec",
        "activity_regularizer",
        "_activity_regularizer",
        "stateful",
        "autocast",
        "_autocast",
    }
)

# Keywords ``Layer.__init__`` itself accepts through ``**kwargs`` (KLB207).
KERAS3_LAYER_KWARGS = frozenset(
    {"name", "trainable", "dtype", "autocast", "activity_regularizer", "input_dim", "input_shape"}
)
KERAS2_LAYER_KWARGS = KERAS3_LAYER_KWARGS | frozenset(
    {"dynamic", "batch_input_shape", "batch_size", "weights", "implementation"}
)

# Class decorators known to leave ``get_config``/``from_config`` alone (KLB204),
# matched on the last component of the resolved name.
INERT_CLASS_DECORATORS = frozenset(
    {
        "register_keras_serializable",
        "keras_export",
        "keras_hub_export",
        "keras_nlp_export",
        "keras_cv_export",
        "keras_core_export",
        "tf_export",
        "add_start_docstrings",
    }
)


def is_learning_phase(dotted: str) -> bool:
    """``<root>.backend.learning_phase`` / ``set_learning_phase`` (also under ``src``)."""
    for rest in _root_suffixes(dotted):
        if rest and rest[0] == "src":
            rest = rest[1:]
        if len(rest) == 2 and rest[0] == "backend" and rest[1] in {
            "learning_phase",
            "set_learning_phase",
        }:
            return True
    return False


# Keras layer classes that inherit ``Layer.get_config`` unchanged, so Keras' automatic
# config still covers their subclasses (checked against Keras 3.15 and tf-keras 2.21:
# every other layer class defines ``get_config``).
LAYERS_WITHOUT_CONFIG = frozenset(
    {"Layer", "Model", "DataLayer", "Identity", "ELU", "AbstractRNNCell", "PreprocessingLayer"}
)


# Keras layers that own weights (KLB107); weightless ones (Dropout, Activation,
# Flatten, Reshape, pooling, ReLU, Softmax, ...) need no build by their parent.
WEIGHT_LAYERS = frozenset(
    {
        "Dense", "EinsumDense", "Embedding",
        "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
        "Conv3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D",
        "SeparableConv2D", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D",
        "BatchNormalization", "LayerNormalization", "GroupNormalization",
        "RMSNormalization", "SpectralNormalization",
        "MultiHeadAttention", "GroupedQueryAttention", "AdditiveAttention",
        "LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional", "LSTMCell", "GRUCell",
        "SimpleRNNCell", "PReLU", "TimeDistributed",
    }
)

"""Which classes count as Keras layer classes (RULES.md "What counts as a Keras layer
class"), resolved from the module's imports and assignments."""

from __future__ import annotations

import ast
import textwrap
from typing import Dict, Optional

import pytest

from flake8_keras_build.analysis.layers import ClassIndex
from flake8_keras_build.names import NameTable
from flake8_keras_build.settings import Settings


def kinds(source: str, settings: Settings = Settings()) -> Dict[str, Optional[str]]:
    tree = ast.parse(textwrap.dedent(source))
    index = ClassIndex(tree, NameTable.from_module(tree), settings)
    return {info.name: info.kind for info in index.classes}


LAYER_CASES = {
    "tf.keras": "import tensorflow as tf\nclass A(tf.keras.layers.Layer): pass",
    "from keras import layers as L": "from keras import layers as L\nclass A(L.Layer): pass",
    "tf_keras": "import tf_keras\nclass A(tf_keras.layers.Layer): pass",
    "keras_core": "import keras_core as K\nclass A(K.layers.Layer): pass",
    "keras 3 top level": "import keras\nclass A(keras.Layer): pass",
    "re-exported keras": "from mypkg.compat import keras\nclass A(keras.layers.Layer): pass",
    "module alias": "import keras\nBase = keras.layers.Layer\nclass A(Base): pass",
    "module attribute alias": "import tensorflow as tf\nL = tf.keras.layers\nclass A(L.Dense): pass",
    "concrete layer": "import keras\nclass A(keras.layers.Dense): pass",
    "experimental path": (
        "import tensorflow as tf\n"
        "class A(tf.keras.layers.experimental.preprocessing.PreprocessingLayer): pass"
    ),
    "star import": "from keras.layers import *\nclass A(Dense): pass",
    "internal keras 3": "from keras.src.layers.convolutional.base_conv import BaseConv\nclass A(BaseConv): pass",
    "internal engine": "from tensorflow.python.keras.engine import base_layer\nclass A(base_layer.Layer): pass",
    "ecosystem public": "import keras_hub\nclass A(keras_hub.layers.TransformerEncoder): pass",
    "import fallback": (
        "try:\n    import tensorflow as tf\nexcept ImportError:\n    tf = None\n"
        "class A(tf.keras.layers.Layer): pass"
    ),
    "same file, defined later": (
        "import keras\nclass A(B): pass\nclass B(keras.layers.Layer): pass"
    ),
    "class inside a function": (
        "import keras\ndef f():\n    class A(keras.layers.Layer): pass\n    return A"
    ),
}


@pytest.mark.parametrize("source", LAYER_CASES.values(), ids=LAYER_CASES.keys())
def test_layer_classes(source: str) -> None:
    assert kinds(source)["A"] == "layer"


# Keras 2.0-2.2 (multi-backend Keras) and TensorFlow 2.0-2.2 homes of the layer and
# model classes: much community code still imports them (issue 15).
OLD_PATH_CASES = {
    "engine.topology.Layer": ("from keras.engine.topology import Layer\nclass A(Layer): pass", "layer"),
    "engine.topology.InputLayer": (
        "from keras.engine import topology\nclass A(topology.InputLayer): pass",
        "layer",
    ),
    "engine.topology.Container": (
        "from keras.engine.topology import Container\nclass A(Container): pass",
        "model",
    ),
    "engine.topology.Network": (
        "from keras.engine.topology import Network\nclass A(Network): pass",
        "model",
    ),
    "engine.network.Network": (
        "from tensorflow.python.keras.engine.network import Network\nclass A(Network): pass",
        "model",
    ),
    "engine.Layer": ("from keras.engine import Layer\nclass A(Layer): pass", "layer"),
    "keras.engine.Layer by attribute": ("import keras\nclass A(keras.engine.Layer): pass", "layer"),
    "engine.Model": ("from keras.engine import Model\nclass A(Model): pass", "model"),
    "engine.base_layer.Layer": (
        "from keras.engine.base_layer import Layer\nclass A(Layer): pass",
        "layer",
    ),
    "layers.core": ("from keras.layers.core import Dense\nclass A(Dense): pass", "layer"),
    "layers.core Layer": ("from keras.layers.core import Layer\nclass A(Layer): pass", "layer"),
    "legacy.layers": ("from keras.legacy.layers import Recurrent\nclass A(Recurrent): pass", "layer"),
    "legacy.layers Merge": ("from keras.legacy import layers\nclass A(layers.Merge): pass", "layer"),
}


@pytest.mark.parametrize("case", OLD_PATH_CASES.values(), ids=OLD_PATH_CASES.keys())
def test_old_keras_paths(case: tuple[str, str]) -> None:
    source, kind = case
    assert kinds(source)["A"] == kind


OLD_NOT_LAYER_CASES = {
    "engine.topology.Node": "from keras.engine.topology import Node\nclass A(Node): pass",
    "engine.topology.InputSpec": "from keras.engine.topology import InputSpec\nclass A(InputSpec): pass",
    "engine.InputSpec": "from keras.engine import InputSpec\nclass A(InputSpec): pass",
    "engine.saving module": "from keras.engine import saving\nclass A(saving.Loader): pass",
    "legacy.interfaces": "from keras.legacy import interfaces\nclass A(interfaces.Thing): pass",
}


@pytest.mark.parametrize("source", OLD_NOT_LAYER_CASES.values(), ids=OLD_NOT_LAYER_CASES.keys())
def test_old_keras_paths_that_are_not_layers(source: str) -> None:
    assert kinds(source)["A"] is None


def test_model_and_metric_kinds() -> None:
    found = kinds(
        """
        import keras
        import tensorflow as tf
        class M(keras.Model): pass
        class S(tf.keras.Sequential): pass
        class Acc(keras.metrics.Metric): pass
        class Mean(tf.keras.metrics.Mean): pass
        class Sub(M): pass
        """
    )
    assert found == {"M": "model", "S": "model", "Acc": "metric", "Mean": "metric", "Sub": "model"}


NOT_LAYER_CASES = {
    "tf.Module": "import tensorflow as tf\nclass A(tf.Module): pass",
    "torch": "import torch\nclass A(torch.nn.Module): pass",
    "initializer": "import keras\nclass A(keras.initializers.Initializer): pass",
    "regularizer": "import keras\nclass A(keras.regularizers.Regularizer): pass",
    "schedule": "import keras\nclass A(keras.optimizers.schedules.LearningRateSchedule): pass",
    "callback": "import keras\nclass A(keras.callbacks.Callback): pass",
    "loss": "import keras\nclass A(keras.losses.Loss): pass",
    "plain class": "class A:\n    def call(self, x): return x",
    "Input is a function": "import keras\nclass A(keras.layers.Input): pass",
    "InputSpec": "import keras\nclass A(keras.layers.InputSpec): pass",
    "ecosystem internal": "from keras_hub.src.models.backbone import Backbone\nclass A(Backbone): pass",
    "name bound to a value": "layers = []\nclass A(layers.Layer): pass",
    "local Layer shadows": "class Layer:\n    pass\nclass A(Layer): pass",
    "star import of a non-layer name": "from keras.layers import *\nclass A(Helper): pass",
    "cycle": "class A(B): pass\nclass B(A): pass",
}


@pytest.mark.parametrize("source", NOT_LAYER_CASES.values(), ids=NOT_LAYER_CASES.keys())
def test_not_layer_classes(source: str) -> None:
    assert kinds(source)["A"] is None


def test_configured_bases() -> None:
    source = """
        from mypkg.blocks import Block
        from mypkg import other
        from .base import Base
        class A(Block): pass
        class B(other.Thing): pass
        class C(Base): pass
        class D(other.Unlisted): pass
    """
    assert kinds(source)["A"] is None
    settings = Settings(layer_bases=("mypkg.blocks.Block", "mypkg.other.*", "mypkg.base.Base"))
    assert kinds(source, settings) == {"A": "layer", "B": "layer", "C": "layer", "D": "layer"}
    only_block = Settings(layer_bases=("mypkg.blocks.Block",))
    assert kinds(source, only_block) == {"A": "layer", "B": None, "C": None, "D": None}


def test_internal_input_function_is_not_a_layer() -> None:
    found = kinds(
        "from tf_keras.src.engine import input_layer\n"
        "class A(input_layer.Input): pass\n"
        "class B(input_layer.InputLayer): pass\n"
    )
    assert found == {"A": None, "B": "layer"}

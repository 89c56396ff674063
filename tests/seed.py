"""The code this project exists for (the issue's seed case), shared by the tests."""

SEED = """\
import tensorflow as tf


class MyDenseLayer(tf.keras.layers.Layer):
  def __init__(self, num_outputs):
    self.num_outputs = num_outputs
  def build(self, input_shape):
    self.kernel = self.add_weight("kernel", shape=[int(input_shape[-1]), self.num_outputs])
  def __call__(self, input):
    self.build(input.shape)
    return tf.matmul(input, self.kernel)
"""

# The code this project exists for: its author believed __call__ must call build()
# on every call. Every marked line is a Keras lifecycle bug the plugin reports.
import tensorflow as tf


class MyDenseLayer(tf.keras.layers.Layer):
    def __init__(self, num_outputs):
        self.num_outputs = num_outputs

    def build(self, input_shape):  # KLB105
        self.kernel = self.add_weight("kernel", shape=[int(input_shape[-1]), self.num_outputs])

    def __call__(self, input):  # KLB101
        self.build(input.shape)  # KLB104
        return tf.matmul(input, self.kernel)

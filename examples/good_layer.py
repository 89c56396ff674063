# The same layer written the way Keras 2 and Keras 3 expect: no findings.
import keras


class MyDenseLayer(keras.layers.Layer):
    def __init__(self, num_outputs, **kwargs):
        super().__init__(**kwargs)
        self.num_outputs = num_outputs

    def build(self, input_shape):
        self.kernel = self.add_weight(
            name="kernel", shape=(int(input_shape[-1]), self.num_outputs)
        )
        super().build(input_shape)

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.kernel)

    def get_config(self):
        return {**super().get_config(), "num_outputs": self.num_outputs}

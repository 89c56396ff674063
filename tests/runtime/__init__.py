"""The runtime lane (``pytest -m runtime``): the rules' examples run under real Keras."""

"""flake8-keras-build: a flake8 plugin that finds Keras layer lifecycle bugs."""

__version__ = "0.1.0"

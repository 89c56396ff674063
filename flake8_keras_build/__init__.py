"""flake8-keras-build: a flake8 plugin that finds Keras layer lifecycle bugs.

Which folder holds what, and which way imports go: ``docs/architecture.md``.
"""

__version__ = "0.1.0"

"""``flake8-keras-build server``: a language server over stdio, on pygls.

It lints the unsaved buffer with ``check``'s per-file linting (``engine.lint`` and
flake8's selection and ``# noqa``), so an editor shows what ``check`` would print,
and offers the fixer's fixes as code actions. pygls and lsprotocol come with the
``server`` extra and are imported only here, never by the plugin or ``check``.

``documents`` lints a buffer and turns reports into LSP diagnostics, ``text_edits``
turns a fixed text into an edit, ``project_config`` keeps each folder's settings
and notices when their files change, ``app`` is the server itself, ``main`` starts it.
"""

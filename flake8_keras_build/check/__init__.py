"""``flake8-keras-build check``: the analyzer as a tool of its own, for projects that
do not run flake8. It lints with ``engine.lint`` (the plugin's one entry point) and
decides what is reported with flake8's own selection, ``per-file-ignores`` and
``# noqa`` rules, so that it prints what ``flake8 --select KLB`` prints.

``files`` finds the files, ``selection`` decides which codes count, ``lint_file``
lints one file, ``parallel`` spreads the files over processes, ``formats/`` writes
the reports, ``command`` is the command line.
"""

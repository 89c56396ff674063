"""Repairs for the findings whose fix is mechanical.

A rule decides what is wrong and attaches a fixer to its finding; the fixer only
rewrites. ``edits`` holds what a fix is and how one method is rewritten, ``rewrite``
the libcst operations fixers share, ``runner`` applies fixes to a file until nothing
more changes, and ``cli`` is the ``fix`` command.
"""

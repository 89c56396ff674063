"""Which files ``check`` lints: flake8's discovery (``flake8.discover_files``), so the
same paths give the same files. A directory is walked for ``*.py``; a directory or
file whose name or absolute path matches an exclude pattern is skipped (a file
named on the command line too); ``-`` is stdin, excluded only through its
``--stdin-display-name``."""

from __future__ import annotations

import fnmatch
import logging
import os
from typing import Iterator, List, Sequence

from flake8 import utils

LOG = logging.getLogger(__name__)
STDIN = "-"


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    return bool(utils.matches_filename(path, patterns=patterns, log_message="%(path)s", logger=LOG))


def _walk(path: str, patterns: Sequence[str]) -> Iterator[str]:
    if _excluded(path, patterns):
        return
    if not os.path.isdir(path):
        yield path
        return
    for root, directories, files in os.walk(path):
        # Pruning the list in place is how os.walk skips a directory.
        directories[:] = [d for d in directories if not _excluded(os.path.join(root, d), patterns)]
        for name in files:
            joined = os.path.join(root, name)
            if fnmatch.fnmatch(name, "*.py") and not _excluded(joined, patterns):
                yield joined


def discover(paths: Sequence[str], patterns: Sequence[str], stdin_display_name: str) -> List[str]:
    """The files to lint, sorted, each once; ``-`` stays ``-``. A path given that
    does not exist is kept, for the caller to report."""
    found: List[str] = []
    for path in paths or ["."]:
        if path == STDIN:
            if stdin_display_name == "stdin" or not _excluded(stdin_display_name, patterns):
                found.append(STDIN)
        else:
            found.extend(os.path.normpath(name) for name in _walk(path, patterns))
    return sorted(dict.fromkeys(found))

"""Which findings are reported: flake8's decision engine on our codes.

flake8's ``DecisionEngine`` itself decides, fed the options flake8 would give it,
so ``--select``/``--ignore``/``--extend-select`` and the opt-in codes (flake8's
``extend_default_ignore``) cannot mean anything else here. ``per-file-ignores``
works as flake8's ``StyleGuideManager`` does: each pattern is a copy of the options
with its codes added to ``extend-ignore``, and a file takes the longest pattern
that matches it (by name, or by absolute path).
"""

from __future__ import annotations

import argparse
import logging
from functools import lru_cache
from typing import List, Tuple

from flake8 import utils
from flake8.style_guide import Decision, DecisionEngine

from ..opt_in import OPT_IN_CODES
from ..options import Codes, Selection

# The plugin's entry point name: flake8 selects a plugin's codes by default.
PLUGIN_PREFIX = "KLB"

LOG = logging.getLogger(__name__)


def _engine(selection: Selection, extra_ignore: Codes) -> DecisionEngine:
    options = argparse.Namespace(
        select=None if selection.select is None else list(selection.select),
        ignore=None if selection.ignore is None else list(selection.ignore),
        extend_select=list(selection.extend_select),
        extend_ignore=[*selection.extend_ignore, *extra_ignore],
        extended_default_select=[PLUGIN_PREFIX],
        extended_default_ignore=list(OPT_IN_CODES),
    )
    return DecisionEngine(options)


class Selector:
    """``reports(filename, code)``: whether flake8 would report ``code`` there
    (before ``# noqa``, which is per line)."""

    def __init__(self, selection: Selection) -> None:
        self._default = _engine(selection, ())
        self._per_file: List[Tuple[str, DecisionEngine]] = [
            (pattern, _engine(selection, codes)) for pattern, codes in selection.per_file_ignores
        ]
        self._engine_for = lru_cache(maxsize=None)(self._find_engine)

    def _find_engine(self, filename: str) -> DecisionEngine:
        best, length = self._default, 0
        for pattern, engine in self._per_file:
            # ``>``: among patterns of one length the first wins, as in flake8's max().
            if len(pattern) > length and utils.matches_filename(
                filename, patterns=[pattern], log_message="%(path)s", logger=LOG
            ):
                best, length = engine, len(pattern)
        return best

    def reports(self, filename: str, code: str) -> bool:
        return self._engine_for(filename).decision_for(code) is Decision.Selected

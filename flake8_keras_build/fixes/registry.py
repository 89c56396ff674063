"""Which rules have a fix: ``fixes/<name>.py`` holds the fixes of the rules in
``rules/<name>.py``, as a ``FIXES`` mapping from code to fix function. Rules never
import fixes; this lookup is the only link, so flake8 runs never load them."""

from __future__ import annotations

import importlib
import importlib.util
from functools import cache
from typing import Dict, Optional

from ..rules import RULES_BY_CODE
from .edits import FixFunction


@cache
def _module_fixes(rule_module: str) -> Dict[str, FixFunction]:
    name = f"{__package__}.{rule_module.rsplit('.', 1)[-1]}"
    if importlib.util.find_spec(name) is None:
        return {}
    fixes: Dict[str, FixFunction] = importlib.import_module(name).FIXES
    return fixes


def fix_for(code: str) -> Optional[FixFunction]:
    rule = RULES_BY_CODE.get(code)
    if rule is None:
        return None
    return _module_fixes(type(rule).__module__).get(code)

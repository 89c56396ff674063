"""Every rule, in code order. The plugin, the docs and the tests read this tuple."""

from __future__ import annotations

from typing import Dict, Tuple

from .base import Rule
from .build_signature import BuildSignature
from .dunder_call import DunderCallOverride
from .layer_in_call import LayerInCall
from .manual_build import ManualBuildInCall
from .unbuilt_build import BuildNeverMarksBuilt
from .weight_in_call import WeightInCall

RULES: Tuple[Rule, ...] = (
    DunderCallOverride(),
    WeightInCall(),
    LayerInCall(),
    ManualBuildInCall(),
    BuildNeverMarksBuilt(),
    BuildSignature(),
)

RULES_BY_CODE: Dict[str, Rule] = {rule.code: rule for rule in RULES}

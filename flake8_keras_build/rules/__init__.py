"""Every rule, in code order. The plugin, the docs and the tests read this tuple."""

from __future__ import annotations

from typing import Dict, Tuple

from .add_weight_positional import AddWeightPositional
from .base import Rule
from .build_signature import BuildSignature
from .children_not_built import ChildrenNotBuilt
from .config_missing_argument import ConfigMissingArgument
from .config_unknown_key import ConfigUnknownKey
from .config_without_super import ConfigWithoutSuper
from .dunder_call import DunderCallOverride
from .init_kwargs import InitRejectsKerasKeywords, KwargsNotForwarded
from .layer_in_call import LayerInCall
from .learning_phase import LearningPhase
from .manual_build import ManualBuildInCall
from .python_state_in_call import PythonStateInCall
from .state_after_super_build import StateAfterSuperBuild
from .super_build_shape import SuperBuildWithoutShape
from .super_init import MissingSuperInit, StateBeforeSuperInit
from .training_default import TrainingWithoutDefault
from .unbuilt_build import BuildNeverMarksBuilt
from .unsaved_arguments import UnsavedArguments
from .weight_in_call import WeightInCall
from .weight_lists import WeightListAssigned

RULES: Tuple[Rule, ...] = (
    DunderCallOverride(),
    WeightInCall(),
    LayerInCall(),
    ManualBuildInCall(),
    BuildNeverMarksBuilt(),
    BuildSignature(),
    ChildrenNotBuilt(),
    SuperBuildWithoutShape(),
    WeightListAssigned(),
    StateAfterSuperBuild(),
    MissingSuperInit(),
    StateBeforeSuperInit(),
    InitRejectsKerasKeywords(),
    UnsavedArguments(),
    ConfigWithoutSuper(),
    ConfigMissingArgument(),
    ConfigUnknownKey(),
    KwargsNotForwarded(),
    AddWeightPositional(),
    LearningPhase(),
    TrainingWithoutDefault(),
    PythonStateInCall(),
)

RULES_BY_CODE: Dict[str, Rule] = {rule.code: rule for rule in RULES}

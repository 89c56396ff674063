"""What a rule is: a code, its documentation, its examples and a ``check``.

The examples are the rule's tests and its documentation at once. A line of an
``Invalid`` example that must be reported ends with the marker ``# error``, which
the docs do not show.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from typing import ClassVar, Dict, Iterator, List, Optional, Tuple

from .. import keras_api
from ..model import Finding, LayerClass, ModuleFacts, Pos, Subject, describe_path
from ..opt_in import OPT_IN_CODES
from ..settings import Settings

ERROR_MARKER = "# error"
_MARKER_RE = re.compile(r"\s*# error\s*$")

# The fix of the construction rules (KLB201, KLB203, KLB208): one correct layer.
CONSTRUCTED_LAYER = """
    import keras


    class Scale(keras.layers.Layer):
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}
"""


@dataclass(frozen=True)
class Example:
    code: str
    note: str = ""
    settings: Settings = field(default_factory=Settings)

    @property
    def source(self) -> str:
        """The example as a file, markers included."""
        return textwrap.dedent(self.code).lstrip("\n")

    @property
    def shown(self) -> str:
        """The example as the docs show it."""
        return "".join(
            _MARKER_RE.sub("", line) + "\n" for line in self.source.splitlines()
        )

    def expected_lines(self) -> List[int]:
        return [
            number
            for number, line in enumerate(self.source.splitlines(), start=1)
            if _MARKER_RE.search(line)
        ]


@dataclass(frozen=True)
class Invalid(Example):
    """Code the rule reports, on the lines marked ``# error``; ``fixed``: the code the
    fix command turns it into ("" when the example's finding has no fix)."""

    fixed: str = ""

    @property
    def fixed_source(self) -> str:
        return textwrap.dedent(self.fixed).lstrip("\n")


@dataclass(frozen=True)
class Valid(Example):
    """Code the rule must not report (its traps), with a note saying why."""


class Rule:
    """One check. Subclasses set the class attributes and implement ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]  # a slug for the docs, e.g. "dunder-call-override"
    title: ClassVar[str]  # what it flags, in a few words
    what: ClassVar[str]  # "What it does", Markdown
    why: ClassVar[str]  # "Why is this bad?", with the real Keras behaviour
    use_instead: ClassVar[str]
    not_flagged: ClassVar[str] = ""  # extra Markdown for the "Not flagged" section
    versions: ClassVar[str] = "Keras 2 and Keras 3"
    options: ClassVar[str] = ""
    kinds: ClassVar[Tuple[str, ...]] = ("layer", "model")
    invalid: ClassVar[Tuple[Invalid, ...]]
    valid: ClassVar[Tuple[Valid, ...]]

    @property
    def default_on(self) -> bool:
        """Reported without an explicit ``--extend-select`` (see ``opt_in``)."""
        return self.code not in OPT_IN_CODES

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        """Findings in one layer (or metric) class."""
        return iter(())

    def check_module(self, module: ModuleFacts, settings: Settings) -> Iterator[Finding]:
        """Findings anywhere in the module, inside classes or not."""
        return iter(())

    def report(self, pos: Pos, message: str, subject: Optional[Subject] = None) -> Finding:
        """``subject``: what the fix of this rule (``fixes/<rule module>.py``) rewrites."""
        return Finding(pos.line, pos.col, self.code, message, subject)

    @property
    def fixable(self) -> bool:
        """Whether some invalid example shows a fix (the docs say "Fix available")."""
        return any(example.fixed for example in self.invalid)


def call_paths(layer: LayerClass) -> Dict[str, List[str]]:
    """Methods that run "in call", each with the path that reaches it."""
    return layer.reachable(keras_api.CALL_METHODS, keras_api.NOT_IN_CALL)


def where(path: List[str]) -> str:
    return describe_path(path)


def by_version(settings: Settings, keras3: str, keras2: str) -> str:
    """The consequence in the Keras version(s) the user targets."""
    parts = []
    if settings.targets_keras3() and keras3:
        parts.append(keras3)
    if settings.targets_keras2() and keras2:
        parts.append(keras2)
    return "; ".join(parts)

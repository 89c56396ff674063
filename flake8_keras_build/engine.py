"""``lint(source, settings)``: the one entry point for the plugin, tests, docs and CLI.

Cost gates, cheapest first: flake8's ``ast`` tree (free) tells which classes can be
layer classes; only the methods of those classes that some rule reads are analysed,
on that same tree. libcst is imported only by the fix command.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, List, Optional, Sequence

from .analysis.layers import ClassIndex
from .analysis.project import kind_of
from .names import NameTable
from .settings import Settings
from .text import split_lines

if TYPE_CHECKING:
    # For annotations only: importing the model at run time would cost start-up
    # time in every lint of a file without layer classes.
    from .model import Finding


def lint(
    source: str,
    settings: Settings = Settings(),
    tree: Optional[ast.Module] = None,
    lines: Optional[Sequence[str]] = None,
    filename: Optional[str] = None,
) -> List[Finding]:
    """Findings for one module, sorted by position.

    ``tree`` and ``lines`` are what flake8 already has; without them the source is
    parsed here. Code Python cannot parse yields nothing (flake8 reports E999).
    ``filename`` (flake8's display name) locates the project's other modules, where
    bases imported from them are looked up; the file itself is never read.
    """
    if source.startswith("\ufeff"):
        source = source[1:]  # flake8 strips a BOM too; ast rejects it in a str
        lines = None
    if tree is None:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            return []
    names = NameTable.from_module(tree)
    findings: List[Finding] = []
    # Other modules are worth reading only for code that uses Keras at all: one
    # substring test keeps the standard library and other projects from paying.
    index = ClassIndex(
        tree, names, settings, filename if "keras" in source else None, foreign_kind=kind_of
    )
    # A substring test spares nearly every file the walk for learning_phase calls.
    if "learning_phase" in source:
        if lines is None:
            lines = split_lines(source)
        findings.extend(_module_findings(tree, names, settings, index, lines))
    classes = index.of_interest()
    if not classes:
        return _sorted(findings)
    if lines is None:
        lines = split_lines(source)
    # Lazy for start-up time: the model, the analysis and the rules are imported only
    # for files that need them (an editor starts a flake8 process for every lint). The
    # analysis reads the ast alone: libcst is never imported.
    from .analysis.model_builder import build_models
    from .rules import RULES

    for layer in build_models(classes, lines, index):
        for rule in RULES:
            if layer.kind in rule.kinds:
                findings.extend(rule.check(layer, settings))
    return _sorted(findings)


def _module_findings(
    tree: ast.Module,
    names: NameTable,
    settings: Settings,
    index: ClassIndex,
    lines: Sequence[str],
) -> List[Finding]:
    # Lazy for start-up time: the model and the rules are imported only when a file
    # needs them (an editor starts a flake8 process for every lint; most need neither).
    from .analysis.module_facts import learning_phase_calls
    from .model import ModuleFacts
    from .rules import RULES

    # Where a call is in a layer's call() decides whether KLB302's fix applies.
    layer_classes = {id(info.node) for info in index.classes if info.kind in ("layer", "model")}
    module = ModuleFacts(learning_phase_calls(tree, names, layer_classes), lines)
    return [f for rule in RULES for f in rule.check_module(module, settings)]


def _sorted(findings: List[Finding]) -> List[Finding]:
    return sorted(findings, key=lambda f: (f.line, f.col, f.code))

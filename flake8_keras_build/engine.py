"""``lint(source, settings)``: the one entry point for the plugin, tests, docs and CLI.

Cost gates, cheapest first: flake8's ``ast`` tree (free) tells which classes can be
layer classes; only then is libcst imported, and only the methods of those classes
that some rule reads are parsed.
"""

from __future__ import annotations

import ast
import io
from typing import List, Optional, Sequence

from .analysis.layers import ClassIndex
from .analysis.module_facts import learning_phase_calls
from .model import Finding, ModuleFacts
from .names import NameTable
from .settings import Settings


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
    module = ModuleFacts(learning_phase_calls(source, tree, names))
    findings: List[Finding] = []
    if module.learning_phase_calls:
        from .rules import RULES

        for rule in RULES:
            findings.extend(rule.check_module(module, settings))
    # Other modules are worth reading only for code that uses Keras at all: one
    # substring test keeps the standard library and other projects from paying.
    index = ClassIndex(tree, names, settings, filename if "keras" in source else None)
    classes = index.of_interest()
    if not classes:
        return _sorted(findings)
    if lines is None:
        lines = split_lines(source)
    # libcst is imported only for files that need it: importing it costs every
    # flake8 process (an editor starts one per lint) a noticeable fraction of a second.
    from .analysis.model_builder import build_models
    from .rules import RULES

    for layer in build_models(classes, lines, index):
        for rule in RULES:
            if layer.kind in rule.kinds:
                findings.extend(rule.check(layer, settings))
    return _sorted(findings)


def split_lines(source: str) -> List[str]:
    """Lines as flake8 reads them (universal newlines). ``str.splitlines`` would also
    split on form feeds and other separators that do not end a Python line."""
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    return io.StringIO(text).readlines()


def _sorted(findings: List[Finding]) -> List[Finding]:
    return sorted(findings, key=lambda f: (f.line, f.col, f.code))

"""``lint(source, settings)``: the one entry point for the plugin, tests, docs and CLI.

Cost gates, cheapest first: flake8's ``ast`` tree (free) tells which classes can be
layer classes; only then is libcst imported and only those classes parsed.
"""

from __future__ import annotations

import ast
from typing import List, Optional, Sequence

from .analysis.layers import ClassIndex
from .model import Finding
from .names import NameTable
from .settings import Settings


def lint(
    source: str,
    settings: Settings = Settings(),
    tree: Optional[ast.Module] = None,
    lines: Optional[Sequence[str]] = None,
) -> List[Finding]:
    """Findings for one module, sorted by position.

    ``tree`` and ``lines`` are what flake8 already has; without them the source is
    parsed here. Code Python cannot parse yields nothing (flake8 reports E999).
    """
    if tree is None:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            return []
    index = ClassIndex(tree, NameTable.from_module(tree), settings)
    classes = index.of_interest()
    if not classes:
        return []
    if lines is None:
        lines = source.splitlines(keepends=True)
    # libcst is imported only for files that need it: importing it costs every
    # flake8 process (an editor starts one per lint) a noticeable fraction of a second.
    from .analysis.cst_source import class_positions, parse_class
    from .analysis.methods import build_layer_class
    from .rules import RULES

    findings: List[Finding] = []
    for info in classes:
        node = parse_class(lines, info.node)
        if node is None:
            continue
        layer = build_layer_class(info, node, class_positions(info.node, node), index)
        for rule in RULES:
            if layer.kind in rule.kinds:
                findings.extend(rule.check(layer, settings))
    findings.sort(key=lambda f: (f.line, f.col, f.code))
    return findings

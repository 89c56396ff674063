"""List every candidate site of KLB304 in a corpus: the census labelled in
``tests/corpus/klb304-labels.jsonl`` (how, and what KLB304 finds there:
``docs/klb304-labels.md``).

    python tools/klb304_candidates.py ROOT

ROOT is an unpacked corpus laid out as ``ROOT/<package>/<path>`` (the dev corpus:
``.corpus/src``). A candidate is every write to Python state on ``self`` that runs
"in call" as RULES.md defines it (``call``/``__call__`` and the methods they reach
through ``self.<method>(...)``, not ``build``/``__init__``/``build_from_config``), in
a layer or model class of a file that is not a test file: ``self.<attr> = ...``,
``self.<attr> += ...`` and ``self.<attr>.append(...)`` (or ``extend``, ``insert``,
``add``, ``update``, ``setdefault``). That is a superset of what any reading of the
rule flags, found with the plugin's own analysis (imports, aliases, same-file and
cross-module bases).

The output is one JSON object per line, sorted by (package, path, line).
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path
from typing import Dict, Iterator, List

from flake8_keras_build.analysis.layers import ClassIndex
from flake8_keras_build.analysis.model_builder import build_models
from flake8_keras_build.engine import split_lines
from flake8_keras_build.names import NameTable
from flake8_keras_build.rules.base import call_paths
from flake8_keras_build.settings import Settings

_GROWING = frozenset({"append", "extend", "insert", "add", "update", "setdefault"})


def _is_test(relative: Path) -> bool:
    parts = relative.parts
    return (
        "tests" in parts[:-1] or parts[-1].endswith("_test.py") or parts[-1].startswith("test_")
    )


def _candidates(package: Path, path: Path) -> Iterator[Dict[str, object]]:
    source = path.read_text(encoding="utf-8", errors="replace")
    if "class " not in source:
        return
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return
    relative = path.relative_to(package)
    names = NameTable.from_module(tree)
    # The file's own path locates the project's other modules (cross-module bases).
    index = ClassIndex(tree, names, Settings(), str(path))
    classes = [info for info in index.of_interest() if info.kind in ("layer", "model")]
    if not classes:
        return
    lines = split_lines(source)
    for layer in build_models(classes, lines, index):
        if layer.kind not in ("layer", "model"):
            continue
        for name, path_names in call_paths(layer).items():
            method = layer.methods[name]
            where = " <- ".join(reversed(path_names))
            for assign in method.assigns:
                yield {
                    "package": package.name,
                    "path": relative.as_posix(),
                    "line": assign.pos.line,
                    "class": layer.name,
                    "attr": assign.attr,
                    "form": "augmented" if assign.augmented else "assign",
                    "in": where,
                    "text": lines[assign.pos.line - 1].strip()[:160],
                }
            for call in method.calls:
                if call.receiver == "attr" and call.attr in _GROWING:
                    yield {
                        "package": package.name,
                        "path": relative.as_posix(),
                        "line": call.stmt_pos.line,
                        "class": layer.name,
                        "attr": call.func.split(".")[1],
                        "form": f"grow:{call.attr}",
                        "in": where,
                        "text": lines[call.stmt_pos.line - 1].strip()[:160],
                    }


def population(root: Path) -> List[Dict[str, object]]:
    found: Dict[tuple, Dict[str, object]] = {}
    for package in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(package.rglob("*.py")):
            if _is_test(path.relative_to(package)):
                continue
            for site in _candidates(package, path):
                found.setdefault((site["package"], site["path"], site["line"]), site)
    return [found[key] for key in sorted(found)]


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    args = parser.parse_args(argv)
    sites = population(args.root)
    for site in sites:
        print(json.dumps(site))
    print(f"{len(sites)} sites", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

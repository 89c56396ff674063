"""What the plugin adds to the start of an editor's flake8 process.

An editor starts a flake8 process for every lint, and most files hold no Keras
class. For such a file, the plugin's cost is importing itself and running the gate.
Each run is a fresh interpreter that imports flake8 first (flake8 pays that anyway),
then times, in process, ``import flake8_keras_build.plugin`` plus ``Plugin.run()`` on
a file without layer classes, and lists the package's modules that were imported.

    python benchmarks/startup.py                       # this checkout
    python benchmarks/startup.py --checkout /tmp/old --checkout .   # compare, same run

Each ``--checkout`` is put first on ``PYTHONPATH``; the runs alternate between them,
so a busy machine slows all alike. The report gives the median in milliseconds, its
ratio to the first checkout's, and which heavy modules were imported.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

_CHILD = r"""
import ast, json, sys, time
import flake8.main.application  # flake8's own start-up, paid with or without us
source = "import keras\n\n\nclass Plain:\n    def call(self, x):\n        return x\n" * 20
tree = ast.parse(source)
lines = source.splitlines(True)
start = time.perf_counter()
from flake8_keras_build.plugin import Plugin
list(Plugin(tree, lines, "plain.py").run())
elapsed = time.perf_counter() - start
ours = sorted(m for m in sys.modules if m.startswith("flake8_keras_build"))
print(json.dumps({"ms": elapsed * 1000, "modules": ours, "libcst": "libcst" in sys.modules}))
"""

HEAVY = (
    "flake8_keras_build.model",
    "flake8_keras_build.rules",
    "flake8_keras_build.analysis.methods",
)


def _run(checkout: Path) -> Dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    result = subprocess.run(
        [sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True, check=True
    )
    data: Dict[str, object] = json.loads(result.stdout)
    return data


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--checkout",
        type=Path,
        action="append",
        help="a checkout of the project to measure (repeatable; default: this one)",
    )
    parser.add_argument("--runs", type=int, default=21, help="runs per checkout (median)")
    args = parser.parse_args(argv)
    checkouts: List[Path] = [c.resolve() for c in (args.checkout or [Path(__file__).parent.parent])]
    times: Dict[Path, List[float]] = {c: [] for c in checkouts}
    last: Dict[Path, Dict[str, object]] = {}
    for _ in range(args.runs):
        for checkout in checkouts:
            data = _run(checkout)
            times[checkout].append(float(data["ms"]))  # type: ignore[arg-type]
            last[checkout] = data
    base = statistics.median(times[checkouts[0]])
    print("| checkout | median ms | ratio | package modules | heavy modules imported | libcst |")
    print("|---|---|---|---|---|---|")
    for checkout in checkouts:
        median = statistics.median(times[checkout])
        modules = last[checkout]["modules"]
        assert isinstance(modules, list)
        heavy = [m for m in HEAVY if m in modules]
        print(
            f"| {checkout} | {median:.2f} | {median / base:.2f} | {len(modules)} | "
            f"{', '.join(heavy) or 'none'} | {last[checkout]['libcst']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

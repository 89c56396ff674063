"""Peak memory of the plugin on large files, against flake8's own parse of them.

Usage (from the repository root)::

    python benchmarks/memory.py                       # the default files, below
    python benchmarks/memory.py --files a.py b.py     # other files
    python benchmarks/memory.py --repeat 50           # more repeated lints
    python benchmarks/memory.py --project .corpus/src/tf-keras-2.21.0/tf_keras

Default files: the largest layer file of the dev corpus (tf-keras'
``engine/training.py``), the largest file of the corpus, and a generated layer file
of 10,000 lines. Each measurement runs in a fresh interpreter, so that one cannot
leave memory or caches to the next:

1. **Peak per file.** ``tracemalloc`` (Python allocations) and the process's max RSS
   (everything, native allocations included), first for ``ast.parse`` of the
   text (what flake8 builds for every file anyway: the baseline), then for
   ``engine.lint`` given that tree and the lines, as the plugin is called; the
   plugin's peak is what it adds on top of the live tree. RSS is measured in a run
   without ``tracemalloc``, whose own bookkeeping would inflate it.
2. **The same file linted many times in one process** (``--repeat``), parsed anew
   each time as flake8 does: the memory still allocated after each lint, and the
   sizes of the per-process caches of ``analysis/project.py``. Bounded means flat
   after the first lint.
3. **A whole package in one process** (``--project``), as one ``flake8 -j1``
   worker lints it: what the caches hold at the end (traced memory freed by
   ``project.clear_caches()``), and how that grows with the files linted.

Prints Markdown tables. Nothing is added to the plugin for this.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import tokenize
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".corpus" / "src"
LARGEST_LAYER_FILE = CORPUS / "tf-keras-2.21.0" / "tf_keras" / "src" / "engine" / "training.py"
MB = 1024 * 1024

LAYER_CLASS = """

class Layer{n}(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)
        self.dense = keras.layers.Dense(units)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units))
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs, training=None):
        outputs = keras.ops.matmul(inputs, self.kernel) + self.bias
        if training:
            outputs = keras.ops.dropout(outputs, 0.1)
        return self.activation(self.dense(outputs))

    def get_config(self):
        config = super().get_config()
        config.update({{"units": self.units}})
        return config

    def __call__(self, inputs):
        self.build(inputs.shape)
        return self.call(inputs)
"""


def generated_layer_file(lines: int = 10_000) -> str:
    classes = lines // LAYER_CLASS.count("\n") + 1
    return "import keras\n" + "".join(LAYER_CLASS.format(n=n) for n in range(classes))


def read_source(path: str) -> str:
    """The text flake8 reads (PEP 263, BOM stripped, universal newlines)."""
    with tokenize.open(path) as handle:
        return handle.read()


def max_rss_bytes() -> int:
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def current_rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


# --- workers (each in a fresh interpreter) ------------------------------------------


def _warm_up() -> None:
    """Import everything a lint imports (the analysis, the rules) before measuring: a
    flake8 process pays that once, not per file."""
    from flake8_keras_build.engine import lint

    lint("import keras\nclass A(keras.layers.Layer):\n    def call(self, x):\n        return x\n")


def worker_peak(path: str, traced: bool) -> Dict[str, Any]:
    import ast
    import io
    import tracemalloc

    from flake8_keras_build.engine import lint

    _warm_up()
    text = read_source(path)
    gc.collect()
    if traced:
        tracemalloc.start()
    rss_start = max_rss_bytes()
    tree = ast.parse(text)
    lines = io.StringIO(text).readlines()
    rss_parsed = max_rss_bytes()
    result: Dict[str, Any] = {}
    if traced:
        _, parse_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        result["parse_peak"] = parse_peak
    findings = lint(text, tree=tree, lines=lines, filename=path)
    if traced:
        _, lint_peak = tracemalloc.get_traced_memory()
        result["lint_peak"] = lint_peak - before
        tracemalloc.stop()
    result.update(
        rss_parse=rss_parsed - rss_start,
        rss_lint=max_rss_bytes() - rss_parsed,
        rss_total=max_rss_bytes(),
        findings=len(findings),
        lines=len(lines),
        size=len(text.encode("utf-8")),
    )
    return result


def _cache_sizes() -> Dict[str, int]:
    from flake8_keras_build.analysis import project

    return {
        name: len(getattr(project, name))
        for name in ("_MODULES", "_EXISTS", "_FOUND", "_TARGETS", "FOREIGN_MODELS")
    }


def _snapshot() -> Any:
    """Allocations still alive, without tracemalloc's and this script's own: its
    counters, and the blocks CPython's parser keeps from the ``ast.parse`` calls here
    (two frames per trace tell those from the parses the plugin makes itself)."""
    import tracemalloc

    return tracemalloc.take_snapshot().filter_traces(
        [
            tracemalloc.Filter(False, tracemalloc.__file__),
            tracemalloc.Filter(False, __file__, all_frames=True),
        ]
    )


def worker_repeat(path: str, repeat: int) -> Dict[str, Any]:
    import ast
    import io
    import tracemalloc

    from flake8_keras_build.engine import lint

    _warm_up()
    text = read_source(path)
    gc.collect()
    tracemalloc.start(2)
    start = _snapshot()
    first = start
    traced: List[int] = []
    rss: List[int] = []
    caches: List[Dict[str, int]] = []
    for number in range(repeat):
        tree = ast.parse(text)
        lint(text, tree=tree, lines=io.StringIO(text).readlines(), filename=path)
        del tree
        gc.collect()
        if number == 0:
            first = _snapshot()
        traced.append(tracemalloc.get_traced_memory()[0])
        rss.append(current_rss_bytes())
        caches.append(_cache_sizes())
    last = _snapshot()

    def grown(after: Any, before: Any) -> List[Any]:
        diff = after.compare_to(before, "filename")
        return [[str(d.traceback), d.size_diff] for d in diff if d.size_diff][:3]

    return {
        "traced": traced,
        "rss": rss,
        "caches": caches,
        "first_kept": sum(d.size_diff for d in first.compare_to(start, "filename")),
        "first_by_file": grown(first, start),
        "later_kept": sum(d.size_diff for d in last.compare_to(first, "filename")),
        "later_by_file": grown(last, first),
    }


def worker_project(directory: str) -> Dict[str, Any]:
    import ast
    import io
    import tracemalloc

    from flake8_keras_build.analysis import project
    from flake8_keras_build.engine import lint

    _warm_up()
    files = sorted(str(p) for p in Path(directory).rglob("*.py"))
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    checkpoints: List[Dict[str, Any]] = []
    linted = 0
    for number, path in enumerate(files, start=1):
        try:
            text = read_source(path)
            tree = ast.parse(text)
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            continue
        lint(text, tree=tree, lines=io.StringIO(text).readlines(), filename=path)
        del tree, text
        linted += 1
        if number % max(1, len(files) // 8) == 0 or number == len(files):
            gc.collect()
            checkpoints.append(
                {
                    "files": number,
                    "held": tracemalloc.get_traced_memory()[0] - start,
                    **_cache_sizes(),
                }
            )
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - start
    modules = len(project.modules_read())
    project.clear_caches()
    gc.collect()
    after_clear = tracemalloc.get_traced_memory()[0] - start
    return {
        "files": len(files),
        "linted": linted,
        "held": held,
        "held_after_clear": after_clear,
        "modules_read": modules,
        "checkpoints": checkpoints,
        "rss": current_rss_bytes(),
    }


# --- the parent: runs the workers and prints the tables -----------------------------


def run_worker(*args: str) -> Dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    result: Dict[str, Any] = json.loads(out.splitlines()[-1])
    return result


def mb(value: float) -> str:
    return f"{value / MB:.1f}"


def default_files(generated: str) -> List[str]:
    files: List[str] = []
    if LARGEST_LAYER_FILE.is_file():
        files.append(str(LARGEST_LAYER_FILE))
    if CORPUS.is_dir():
        largest = max(CORPUS.rglob("*.py"), key=lambda p: p.stat().st_size)
        if str(largest) not in files:
            files.append(str(largest))
    files.append(generated)
    return files


def label(path: str, generated: str) -> str:
    if path == generated:
        return "generated layer file"
    try:
        return str(Path(path).resolve().relative_to(CORPUS))
    except ValueError:
        return path


def report_peaks(files: Sequence[str], generated: str) -> None:
    print("### Peak memory per file\n")
    print(
        "Each file in a fresh interpreter. *traced*: Python allocations (`tracemalloc`); "
        "*RSS*: rise of the process's max RSS (native allocations included), from a "
        "run without tracemalloc. The plugin's numbers are what `engine.lint` adds on "
        "top of the live ast tree.\n"
    )
    print(
        "| file | lines | KB | findings | ast.parse traced MB | lint traced MB | ratio "
        "| ast.parse RSS MB | lint RSS MB | process max RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for path in files:
        print(f"  {label(path, generated)}", file=sys.stderr)
        traced = run_worker("peak-traced", path)
        rss = run_worker("peak-rss", path)
        ratio = traced["lint_peak"] / max(traced["parse_peak"], 1)
        print(
            f"| `{label(path, generated)}` | {rss['lines']} | {rss['size'] // 1024} "
            f"| {rss['findings']} | {mb(traced['parse_peak'])} | {mb(traced['lint_peak'])} "
            f"| {ratio:.2f} | {mb(rss['rss_parse'])} | {mb(rss['rss_lint'])} "
            f"| {mb(rss['rss_total'])} |"
        )
    print()


def _by_file(grown: List[Any]) -> str:
    parts = []
    for name, size in grown:
        name = name.rsplit(":", 1)[0]
        try:
            name = str(Path(name).relative_to(ROOT))
        except ValueError:
            name = re.sub(r".*/(site-packages|lib/python3\.\d+)/", "", name)
        parts.append(f"`{name}` {size / 1024:+.1f} KB")
    return ", ".join(parts) or "nothing"


def report_repeat(path: str, repeat: int, generated: str) -> None:
    print(f"  repeat {repeat}x {label(path, generated)}", file=sys.stderr)
    result = run_worker("repeat", path, str(repeat))
    traced, rss, caches = result["traced"], result["rss"], result["caches"]
    print(f"### `{label(path, generated)}` linted {repeat} times in one process\n")
    print(
        "After each lint (parsed anew each time, then `gc.collect()`): all traced memory "
        "still allocated, the process's RSS, and the sizes of the caches of "
        "`analysis/project.py`.\n"
    )
    print("| after lint | traced MB | RSS MB | " + " | ".join(caches[0]) + " |")
    print("|---|---|---|" + "---|" * len(caches[0]))
    shown = sorted({0, 1, 2, min(9, repeat - 1), repeat // 2, repeat - 1})
    for index in shown:
        sizes = " | ".join(str(v) for v in caches[index].values())
        print(f"| {index + 1} | {mb(traced[index])} | {mb(rss[index])} | {sizes} |")
    print(
        f"\nLeft allocated by the first lint (caches filled once): "
        f"{result['first_kept'] / 1024:.1f} KB ({_by_file(result['first_by_file'])}). "
        f"By the {repeat - 1} lints after it: {result['later_kept'] / 1024:+.1f} KB "
        f"({_by_file(result['later_by_file'])}).\n"
    )


def report_project(directory: str) -> None:
    print(f"  project {directory}", file=sys.stderr)
    result = run_worker("project", directory)
    print(f"### Every file of `{directory}` linted in one process\n")
    print(
        f"{result['linted']} of {result['files']} files linted; {result['modules_read']} "
        f"modules read for their base classes. Traced memory still held at the end: "
        f"{mb(result['held'])} MB, of which `project.clear_caches()` frees "
        f"{mb(result['held'] - result['held_after_clear'])} MB; process RSS "
        f"{mb(result['rss'])} MB.\n"
    )
    keys = [k for k in result["checkpoints"][0] if k not in ("files", "held")]
    print("| files linted | held MB | " + " | ".join(keys) + " |")
    print("|---|---|" + "---|" * len(keys))
    for point in result["checkpoints"]:
        print(
            f"| {point['files']} | {mb(point['held'])} | "
            + " | ".join(str(point[k]) for k in keys)
            + " |"
        )
    print()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", nargs="+", help="files to measure (default: see above)")
    parser.add_argument("--repeat", type=int, default=30, help="lints of one file in one process")
    parser.add_argument("--project", action="append", default=[], help="lint a whole directory")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        mode, *rest = args.worker
        if mode == "peak-traced":
            result = worker_peak(rest[0], traced=True)
        elif mode == "peak-rss":
            result = worker_peak(rest[0], traced=False)
        elif mode == "repeat":
            result = worker_repeat(rest[0], int(rest[1]))
        else:
            result = worker_project(rest[0])
        print(json.dumps(result))
        return 0
    import platform
    from importlib import metadata

    print(
        f"Python {platform.python_version()}, libcst {metadata.version('libcst')}, "
        f"flake8-keras-build {metadata.version('flake8-keras-build')}.\n"
    )
    with tempfile.TemporaryDirectory() as scratch:
        generated = os.path.join(scratch, "generated_layers.py")
        with open(generated, "w", encoding="utf-8") as handle:
            handle.write(generated_layer_file())
        files = args.files or default_files(generated)
        report_peaks(files, generated)
        for path in (args.files or [files[0], generated]) if args.repeat else []:
            report_repeat(path, args.repeat, generated)
    for directory in args.project:
        report_project(directory)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

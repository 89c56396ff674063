"""What flake8-keras-build adds to a flake8 run, measured on real files.

Usage (from the repository root)::

    python benchmarks/benchmark.py --corpus dev --runs 3
    python benchmarks/benchmark.py --corpus stdlib
    python benchmarks/benchmark.py --files path/to/pkg other.py

Three measurements, all on the same file list and in the same run:

1. flake8 ``-j1 --select E,F,W`` without the plugin vs ``--select E,F,W,KLB`` with
   it, each in a fresh subprocess, alternated, median of ``--runs``. ``--select``
   alone cannot give the "without" time: flake8 runs every installed plugin on
   every file and applies ``--select`` to the results, so the baseline run removes
   the plugin from flake8's plugin list instead (see ``RUNNER``).
2. The gate: how many files ``ClassIndex(...).of_interest()`` rejects on the ast
   alone and how many go on to the analysis of their classes, computed here on each file's
   ast, exactly as ``engine.lint`` does.
3. The plugin's own per-file cost, ``engine.lint`` with flake8's tree and lines
   (what the plugin receives), for the slowest ``--top`` files.

Prints Markdown tables. Nothing is added to the plugin for this.
"""

from __future__ import annotations

import argparse
import ast
import io
import os
import re
import resource
import statistics
import subprocess
import sys
import sysconfig
import time
import tokenize
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import flake8

from flake8_keras_build.analysis.layers import ClassIndex
from flake8_keras_build.analysis.project import kind_of
from flake8_keras_build.engine import lint
from flake8_keras_build.names import NameTable
from flake8_keras_build.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".corpus" / "src"
PLUGIN_PACKAGE = "flake8-keras-build"

# Same definition of a test file as the corpus evaluator (../shared/corpus/evaluate.py):
# the dev corpus is measured on library code, which is what its labels cover.
TEST_FILE = re.compile(r"(/tests/|_test\.py$|(^|/)test_[^/]*\.py$)")

# Runs flake8's own CLI; with "without" it first drops this plugin from the plugins
# flake8 discovers, so the baseline pays for neither our import nor our run().
RUNNER = """
import sys
import flake8.plugins.finder as finder
if sys.argv[1] == "without":
    _find = finder.find_plugins
    def find_plugins(*args, **kwargs):
        return [p for p in _find(*args, **kwargs) if p.package != PLUGIN_PACKAGE]
    finder.find_plugins = find_plugins
from flake8.main.cli import main
raise SystemExit(main(sys.argv[2:]))
""".replace("PLUGIN_PACKAGE", repr(PLUGIN_PACKAGE))


@dataclass
class Timing:
    wall: float  # seconds, elapsed
    cpu: float  # seconds, user + system of the flake8 process


@dataclass
class FileCost:
    path: Path
    lines: int
    classes: int  # classes of interest (those analysed)
    seconds: float


# --- file lists --------------------------------------------------------------------


def python_files(root: Path, skip_dirs: Sequence[str] = ()) -> List[Path]:
    return sorted(
        path
        for path in root.rglob("*.py")
        if path.is_file() and not any(part in skip_dirs for part in path.relative_to(root).parts)
    )


def dev_corpus_files() -> List[Path]:
    if not CORPUS.is_dir():
        raise SystemExit(
            f"no dev corpus at {CORPUS}: run `python ../shared/corpus/evaluate.py` first"
        )
    files: List[Path] = []
    for package in sorted(CORPUS.iterdir()):
        if package.is_dir():
            files.extend(
                path
                for path in python_files(package)
                if not TEST_FILE.search("/" + path.relative_to(package).as_posix())
            )
    return files


def stdlib_files() -> List[Path]:
    # site-packages sits inside the stdlib directory but is not the stdlib.
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    return python_files(stdlib, skip_dirs=("site-packages", "dist-packages"))


def explicit_files(paths: Iterable[str]) -> List[Path]:
    files: List[Path] = []
    for name in paths:
        path = Path(name)
        files.extend(python_files(path) if path.is_dir() else [path])
    return files


def read_source(path: Path) -> Optional[str]:
    """The text flake8 reads (PEP 263, BOM stripped, universal newlines), or None."""
    try:
        with tokenize.open(path) as handle:
            return handle.read()
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
        return None


# --- 1. flake8 with and without the plugin ----------------------------------------


# What the plugin is measured with; main() sets it from --no-cross-module.
SETTINGS = Settings()


def run_flake8(variant: str, select: str, files: Sequence[Path]) -> Timing:
    command = [sys.executable, "-c", RUNNER, variant, "--isolated", "-j1", "--select", select]
    if variant == "with" and not SETTINGS.cross_module:
        command.append("--keras-no-cross-module")
    command.extend(str(path) for path in files)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # Reports go to /dev/null: both variants print the same E/F/W lines, and a pipe
    # we had to drain would time our reading too.
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def check_runner() -> None:
    """Fail loudly if the baseline would still load the plugin (or the other not)."""
    for variant, expected in (("without", False), ("with", True)):
        result = subprocess.run(
            [sys.executable, "-c", RUNNER, variant, "--version"],
            capture_output=True,
            text=True,
            check=False,
        )
        if (PLUGIN_PACKAGE in result.stdout) != expected:
            raise SystemExit(f"runner {variant!r} is broken: {result.stdout}{result.stderr}")


def compare_flake8(
    files: Sequence[Path], runs: int
) -> Tuple[List[Timing], List[Timing]]:
    base: List[Timing] = []
    plugin: List[Timing] = []
    for run in range(runs):
        # Alternate the order so that a slow drift (other load, caches) hits both.
        order = [("without", "E,F,W"), ("with", "E,F,W,KLB")]
        if run % 2:
            order.reverse()
        for variant, select in order:
            timing = run_flake8(variant, select, files)
            (base if variant == "without" else plugin).append(timing)
            print(
                f"  run {run + 1}/{runs} {select:<10} wall {timing.wall:7.2f} s"
                f"  cpu {timing.cpu:7.2f} s",
                file=sys.stderr,
            )
    return base, plugin


# --- 2. the gate and 3. per-file cost ----------------------------------------------


@dataclass
class GateStats:
    files: int = 0
    unreadable: int = 0
    syntax_errors: int = 0
    skipped: int = 0  # no class of interest: the analysis never runs for them
    parsed: int = 0  # at least one class of interest: those classes are analysed
    classes: int = 0
    skipped_seconds: float = 0.0  # engine.lint time on skipped files (the gate's cost)
    parsed_seconds: float = 0.0  # engine.lint time on the others


def gate_and_costs(files: Sequence[Path]) -> Tuple[GateStats, List[FileCost]]:
    settings = SETTINGS
    stats = GateStats()
    costs: List[FileCost] = []
    for path in files:
        stats.files += 1
        source = read_source(path)
        if source is None:
            stats.unreadable += 1
            continue
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            stats.syntax_errors += 1
            continue
        # As the plugin does: other modules are followed only for code that mentions
        # keras (engine.lint), from the file's own path.
        filename = str(path) if "keras" in source else None
        interesting = ClassIndex(
            tree, NameTable.from_module(tree), settings, filename, foreign_kind=kind_of
        ).of_interest()
        if interesting:
            stats.parsed += 1
            stats.classes += len(interesting)
        else:
            stats.skipped += 1
        # flake8 hands the plugin its tree and its lines (text already has
        # universal newlines, so splitting on "\n" is what flake8 does).
        lines = io.StringIO(source).readlines()
        start = time.perf_counter()
        lint(source, settings, tree=tree, lines=lines, filename=str(path))
        seconds = time.perf_counter() - start
        if interesting:
            stats.parsed_seconds += seconds
        else:
            stats.skipped_seconds += seconds
        costs.append(FileCost(path, len(lines), len(interesting), seconds))
    return stats, costs


def retime(cost: FileCost, runs: int) -> float:
    """Median of ``runs`` fresh timings of one file (the first pass ran once)."""
    source = read_source(cost.path)
    assert source is not None
    tree = ast.parse(source)
    lines = io.StringIO(source).readlines()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        lint(source, SETTINGS, tree=tree, lines=lines, filename=str(cost.path))
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


# --- report ------------------------------------------------------------------------


def display(path: Path) -> str:
    for root in (CORPUS, Path(sysconfig.get_paths()["stdlib"]), ROOT):
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows)
    return "\n".join(lines)


def report(
    name: str,
    files: Sequence[Path],
    runs: int,
    top: int,
    skip_flake8: bool,
) -> str:
    out: List[str] = [f"### {name}: {len(files)} files", ""]
    print(f"[{name}] gate and per-file cost ...", file=sys.stderr)
    stats, costs = gate_and_costs(files)
    plugin_total = sum(cost.seconds for cost in costs)

    if not skip_flake8:
        print(f"[{name}] flake8 x{runs} ...", file=sys.stderr)
        base, plugin = compare_flake8(files, runs)
        rows: List[Sequence[object]] = []
        for label, attr in (("wall", "wall"), ("cpu (user+sys)", "cpu")):
            b = statistics.median(getattr(t, attr) for t in base)
            p = statistics.median(getattr(t, attr) for t in plugin)
            rows.append(
                (
                    label,
                    f"{b:.2f}",
                    f"{p:.2f}",
                    f"{p - b:+.2f}",
                    f"{(p - b) / b:+.1%}" if b else "n/a",
                )
            )
        base_cpu = statistics.median(t.cpu for t in base)
        out += [
            f"flake8 `-j1`, median of {runs} runs (seconds):",
            "",
            table(
                ("time", "E,F,W (no plugin)", "E,F,W,KLB (plugin)", "added", "added / E,F,W"),
                rows,
            ),
            "",
            # The difference of two ~equal process times carries their noise; the
            # in-process sum below is the plugin's own work without it.
            f"In process, `engine.lint` on every file: {plugin_total:.2f} s = "
            f"{plugin_total / base_cpu:.1%} of the E,F,W CPU time.",
            "",
        ]

    def share(part: int) -> str:
        return f"{part / stats.files:.1%}" if stats.files else "n/a"

    out += [
        "Gate (the analysis runs only for files with a class of interest):",
        "",
        table(
            (
                "files",
                "skipped by the gate",
                "analysed",
                "classes analysed",
                "plugin s, skipped files",
                "plugin s, parsed files",
                "syntax errors",
                "unreadable",
            ),
            [
                (
                    stats.files,
                    f"{stats.skipped} ({share(stats.skipped)})",
                    f"{stats.parsed} ({share(stats.parsed)})",
                    stats.classes,
                    f"{stats.skipped_seconds:.2f}",
                    f"{stats.parsed_seconds:.2f}",
                    stats.syntax_errors,
                    stats.unreadable,
                )
            ],
        ),
        "",
    ]

    # The single first-pass timing picks candidates (twice as many, as it is noisy);
    # the median of fresh timings ranks them.
    candidates = sorted(costs, key=lambda cost: cost.seconds, reverse=True)[: 2 * top]
    retimed = sorted(
        ((retime(cost, runs), cost) for cost in candidates), key=lambda pair: -pair[0]
    )[:top]
    slowest = [cost for _, cost in retimed]
    slow_rows: List[Sequence[object]] = []
    for seconds, cost in retimed:
        slow_rows.append(
            (
                f"`{display(cost.path)}`",
                cost.lines,
                cost.classes,
                f"{seconds * 1000:.1f}",
                f"{seconds * 1e6 / max(cost.lines, 1):.0f}",
            )
        )
    top_share = sum(c.seconds for c in slowest) / plugin_total if plugin_total else 0.0
    out += [
        f"Plugin per file (`engine.lint` with flake8's tree and lines), slowest {len(slowest)}, "
        f"median of {runs}; all files: {plugin_total:.2f} s in total, "
        f"{plugin_total / max(len(costs), 1) * 1000:.2f} ms per file on average, "
        f"the {len(slowest)} slowest are {top_share:.1%} of it:",
        "",
        table(("file", "lines", "classes", "ms", "µs per line"), slow_rows),
        "",
    ]
    return "\n".join(out)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        action="append",
        choices=("dev", "stdlib"),
        default=[],
        help="dev: the dev corpus packages (non-test files, .corpus/src); "
        "stdlib: this Python's standard library. Repeatable.",
    )
    parser.add_argument("--files", nargs="+", default=[], help="explicit files or directories")
    parser.add_argument("--runs", type=int, default=3, help="repetitions (median), default 3")
    parser.add_argument("--top", type=int, default=10, help="slowest files to list, default 10")
    parser.add_argument(
        "--every", type=int, default=1, help="take every Nth file only (quick runs)"
    )
    parser.add_argument(
        "--no-flake8",
        action="store_true",
        help="skip the flake8 comparison (gate and per-file cost only)",
    )
    parser.add_argument(
        "--no-cross-module",
        action="store_true",
        help="measure the plugin with --keras-no-cross-module (bases in the project's "
        "other modules not followed)",
    )
    args = parser.parse_args(argv)
    global SETTINGS
    SETTINGS = Settings(cross_module=not args.no_cross_module)
    if args.runs < 1 or args.every < 1:
        parser.error("--runs and --every must be at least 1")

    sets: Dict[str, List[Path]] = {}
    for corpus in args.corpus:
        sets[corpus] = dev_corpus_files() if corpus == "dev" else stdlib_files()
    if args.files:
        sets["files"] = explicit_files(args.files)
    if not sets:
        parser.error("give --corpus dev, --corpus stdlib and/or --files")

    if not args.no_flake8:
        check_runner()
    # Linting never imports libcst (only the fix command does); the version is
    # printed for comparison with earlier results, which parsed methods with it.
    print(
        f"Python {sys.version.split()[0]}, flake8 {flake8.__version__}, libcst "
        f"{metadata.version('libcst')} (not used by linting), {os.cpu_count()} CPUs.\n"
    )
    for name, files in sets.items():
        print(report(name, files[:: args.every], args.runs, args.top, args.no_flake8))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

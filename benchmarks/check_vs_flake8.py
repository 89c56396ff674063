"""``check`` against ``flake8 --select KLB``: the same findings, and the time each
takes, with one job and with all cores, measured in one run.

Usage (from the repository root)::

    python benchmarks/check_vs_flake8.py                  # the dev corpus (.corpus/src)
    python benchmarks/check_vs_flake8.py --root DIR --runs 3
    python benchmarks/check_vs_flake8.py --no-timing      # parity only, one job each

Both run in a fresh subprocess in ``--root`` on ``.`` with ``--isolated`` (no
project's config) and ``--select KLB`` (every code, the opt-in ones too). Their
findings must be the same (path, line, column, code) for every jobs setting;
flake8's E999 and check's KLB001 (a file that does not parse) are counted apart.
The script exits 1 when the findings differ. Timings are wall-clock medians of
``--runs``, the two tools alternated; ratios are check / flake8 (below 1: check
is faster). Prints a Markdown report on stdout, progress on stderr.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Set, Tuple

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".corpus" / "src"
REPORT = re.compile(r"^(.+?):(\d+):(\d+): ([A-Z]+[0-9]+) ")
Key = Tuple[str, int, int, str]

COMMANDS = {
    "flake8": [sys.executable, "-m", "flake8", "--isolated", "--select", "KLB"],
    "check": [sys.executable, "-m", "flake8_keras_build", "check", "--isolated", "--select", "KLB"],
}


def run(tool: str, jobs: int, root: Path) -> Tuple[float, Set[Key]]:
    command = [*COMMANDS[tool], "-j", str(jobs), "."]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"{tool} failed ({result.returncode}): {result.stderr[-2000:]}")
    found = set()
    for line in result.stdout.splitlines():
        match = REPORT.match(line)
        if match is None:
            raise SystemExit(f"{tool}: not a report line: {line!r}")
        path, row, col, code = match.groups()
        found.add((os.path.normpath(path), int(row), int(col), code))
    return elapsed, found


def split(found: Set[Key]) -> Tuple[Set[Key], int]:
    """The KLB rule findings, and the count of files reported as not parsing."""
    broken = {key for key in found if key[3] in ("E999", "KLB001")}
    return found - broken, len(broken)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=CORPUS)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="all cores")
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args()
    if not args.root.is_dir():
        raise SystemExit(f"no corpus at {args.root}: run `python ../shared/corpus/evaluate.py`")
    files = sum(1 for _ in args.root.rglob("*.py"))
    settings = [1] if args.no_timing else sorted({1, args.jobs})
    times: Dict[Tuple[str, int], List[float]] = {}
    outputs: Dict[Tuple[str, int], Set[Key]] = {}
    for jobs in settings:
        for run_index in range(args.runs):
            order = ["flake8", "check"] if run_index % 2 == 0 else ["check", "flake8"]
            for tool in order:
                elapsed, found = run(tool, jobs, args.root)
                times.setdefault((tool, jobs), []).append(elapsed)
                outputs[(tool, jobs)] = found
                print(f"  {tool} -j{jobs} run {run_index + 1}: {elapsed:.2f} s", file=sys.stderr)
    reference, _ = split(outputs[("flake8", 1)])
    same = True
    print(
        f"Root `{args.root}`: {files} files; Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs.\n"
    )
    print("| run | KLB findings | not parsing | same as flake8 -j1 |")
    print("|---|---|---|---|")
    for (tool, jobs), found in sorted(outputs.items()):
        findings, broken = split(found)
        equal = findings == reference
        same &= equal
        print(f"| {tool} -j{jobs} | {len(findings)} | {broken} | {'yes' if equal else 'NO'} |")
        if not equal:
            for key in sorted(findings ^ reference)[:20]:
                where = "only check" if key in findings else "only flake8"
                print(f"  {where}: {key}", file=sys.stderr)
    if not args.no_timing:
        print("\n| jobs | flake8 --select KLB (s) | check (s) | check / flake8 |")
        print("|---|---|---|---|")
        for jobs in settings:
            flake8 = statistics.median(times[("flake8", jobs)])
            check = statistics.median(times[("check", jobs)])
            print(f"| {jobs} | {flake8:.2f} | {check:.2f} | {check / flake8:.3f} |")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
